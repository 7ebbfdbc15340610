//! Jaeger api_v2 protobuf-JSON reader: `{"spans":[…]}` text (base64 `traceId`/`spanId`,
//! RFC 3339 `startTime`, `"100000ns"` durations, `vType`/`vStr`… tags, a `process` per
//! span; also JSON Lines and the `{"result": …}` wrapper) in, spans in the builder out.
//!
//! The api_v2 model is the Jaeger model with protobuf-JSON spelling, so this reader
//! drives the Jaeger reader (which understands both spellings) with base64-first ids.
//! A missing `refType` is CHILD_OF (the proto default); the parent rule is Jaeger's.

use super::jaeger;
use super::ReadError;
use crate::model::builder::SetBuilder;
use crate::model::ids::IdEncoding;

/// Reads api_v2 protobuf-JSON. Ids are base64 first, hex as a fallback.
pub fn read(b: &mut SetBuilder, text: &str) -> Result<(), ReadError> {
    jaeger::read_with(b, text, IdEncoding::Base64OrHex)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{span_flags, WarningKind};

    #[test]
    fn refs_default_to_child_of_and_rfc3339_times() {
        let text = r#"{"spans":[
          {"traceId":"AAAAAAAAAAAAAAAAAAAAEQ==","spanId":"AAAAAAAAAAM=","operationName":"root",
           "startTime":"2017-01-26T16:46:31.639875Z","duration":"100000ns","process":{"serviceName":"a"},
           "logs":[{"timestamp":"2017-01-26T16:46:31.639876Z","fields":[{"key":"event","vStr":"hello"}]}]},
          {"traceId":"AAAAAAAAAAAAAAAAAAAAEQ==","spanId":"AAAAAAAAAAQ=","operationName":"child",
           "references":[{"traceId":"AAAAAAAAAAAAAAAAAAAAEQ==","spanId":"AAAAAAAAAAM="}],
           "startTime":"2017-01-26T16:46:31.639880Z","duration":"0.00005s","process":{"serviceName":"b"}}]}"#;
        let mut b = SetBuilder::new();
        read(&mut b, text).expect("reads");
        let set = b.finish();
        assert_eq!(set.spans.len(), 2);
        assert_eq!(set.traces[0].trace_id.to_text(&set.strings), "00000000000000000000000000000011");
        let child = &set.spans[1];
        assert_eq!(set.name_of(child), "child");
        assert_eq!(child.parent, 0);
        assert!(!child.has(span_flags::FOLLOWS_FROM));
        assert_eq!(child.duration_ns, 50_000);
        assert_eq!(set.spans[0].start_ns, 1_485_449_191_639_875_000);
        let ev = &set.events[set.spans[0].events.range()];
        assert_eq!(ev.len(), 1);
        assert_eq!(set.str(ev[0].name), "hello");
        assert_eq!(ev[0].time_ns, 1_485_449_191_639_876_000);
        assert!(!set.warnings.iter().any(|w| w.kind == WarningKind::InvalidId));
    }
}
