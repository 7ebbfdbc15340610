//! Tests of the Jaeger reader: JSON text in, the built set's spans, attributes and
//! warnings checked.

use super::*;
use crate::model::{span_flags, AttrValue};

fn load(text: &str) -> crate::model::TraceSet {
    let mut b = SetBuilder::new();
    read(&mut b, text).expect("reads");
    b.finish()
}

#[test]
fn typed_tags_and_big_int() {
    let set = load(
        r#"{"traceID":"1","spans":[{"traceID":"1","spanID":"2","operationName":"x","startTime":1,"duration":2,
        "tags":[{"key":"big","type":"int64","value":"9223372036854775222"},{"key":"huge","type":"int64","value":"18446744073709551615"},
        {"key":"b","type":"binary","value":"AQ=="},{"key":"f","type":"float64","value":1.5},{"key":"ok","type":"bool","value":"TRUE"}],
        "processID":"p1"}],"processes":{"p1":{"serviceName":"svc","tags":[{"key":"host","type":"string","value":"h"}]}}}"#,
    );
    let s = &set.spans[0];
    assert_eq!(set.attr(s, "big"), Some(AttrValue::Int(9223372036854775222)));
    assert_eq!(set.attr_text(s, "huge").as_deref(), Some("18446744073709551615"));
    assert!(matches!(set.attr(s, "b"), Some(AttrValue::Bytes(_))));
    assert_eq!(set.attr(s, "f"), Some(AttrValue::Double(1.5)));
    assert_eq!(set.attr(s, "ok"), Some(AttrValue::Bool(true)));
    assert_eq!(set.service_of(s), "svc");
    assert_eq!(set.attr_text(s, "host").as_deref(), Some("h"));
    assert_eq!(s.start_ns, 1000);
    assert_eq!(s.duration_ns, 2000);
}

#[test]
fn api_v2_tag_shape() {
    let mut b = SetBuilder::new();
    read_with(
        &mut b,
        r#"{"spans":[{"traceId":"AAAAAAAAAAAAAAAAAAAAEQ==","spanId":"AAAAAAAAAAM=","startTime":"2017-01-26T16:46:31.639875Z","duration":"0.5s",
        "tags":[{"key":"n","vType":"INT64","vInt64":"42"},{"key":"d","vType":"FLOAT64"},{"key":"s","vStr":"x"},{"key":"e","vType":"BOOL","vBool":true,"x":1}],
        "process":{"serviceName":"a"}}]}"#,
        IdEncoding::Base64OrHex,
    )
    .expect("reads");
    let set = b.finish();
    let s = &set.spans[0];
    assert_eq!(s.span_id.to_text(&set.strings), "0000000000000003");
    assert_eq!(s.duration_ns, 500_000_000);
    assert_eq!(set.attr(s, "n"), Some(AttrValue::Int(42)));
    assert_eq!(set.attr(s, "d"), Some(AttrValue::Double(0.0)));
    assert_eq!(set.attr_text(s, "s").as_deref(), Some("x"));
    assert_eq!(set.attr(s, "e"), Some(AttrValue::Bool(true)));
}

#[test]
fn bad_values_warn_and_keep_span() {
    let set = load(r#"[{"traceID":"ab","spanID":"cd","duration":"invalid","startTime":true,"tags":"x","logs":[5],"references":7}]"#);
    assert_eq!(set.spans.len(), 1);
    let w: Vec<&str> = set.warnings.iter().filter(|w| w.kind == WarningKind::Input).map(|w| w.message.as_str()).collect();
    assert!(w.iter().any(|m| m.contains("duration \"invalid\"")), "{w:?}");
    assert!(w.iter().any(|m| m.contains("startTime")), "{w:?}");
    assert!(w.iter().any(|m| m.contains("\"tags\" is not a list")), "{w:?}");
    assert!(w.iter().any(|m| m.contains("logs[0]")), "{w:?}");
    assert!(w.iter().any(|m| m.contains("\"references\" is not a list")), "{w:?}");
}

#[test]
fn jsonl_bad_line_is_skipped() {
    let text = "{\"traceID\":\"1\",\"spanID\":\"1\",\"startTime\":1,\"duration\":1}\n{oops\n{\"traceID\":\"1\",\"spanID\":\"2\",\"startTime\":1,\"duration\":1}\n";
    let set = load(text);
    assert_eq!(set.spans.len(), 2);
    let set_w = &set.warnings[set.set_warnings.range()];
    assert!(set_w.iter().any(|w| w.message.starts_with("line 2:")), "{set_w:?}");
    let mut b = SetBuilder::new();
    let e = read(&mut b, "{oops\n{oops\n").unwrap_err();
    assert!(matches!(e, ReadError::Json { line: 1, .. }), "{e:?}");
    assert!(b.warnings.is_empty());
}

#[test]
fn negative_duration_flagged() {
    let set = load(r#"{"traceID":"1","spanID":"1","startTime":5,"duration":-3}"#);
    assert!(set.spans[0].has(span_flags::NEGATIVE_DURATION));
    assert!(set.warnings.iter().any(|w| w.kind == WarningKind::NegativeDuration));
    assert!(!set.warnings.iter().any(|w| w.kind == WarningKind::MissingDuration));
}

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
    read_api_v2(&mut b, text).expect("reads");
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
