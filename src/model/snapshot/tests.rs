//! Tests of the snapshot: round trips, truncations and corruptions, stepwise decoding.

use super::read::str_index;
use super::*;
use crate::model::{AttrValue, SpanId, StrId, TraceId, TraceSet};

const OTLP: &str = r#"{"resourceSpans":[{"resource":{"attributes":[
    {"key":"service.name","value":{"stringValue":"api"}},
    {"key":"host.cores","value":{"intValue":"8"}}]},
  "scopeSpans":[{"scope":{"name":"lib","version":"1.2","attributes":[{"key":"s","value":{"boolValue":true}}]},
    "spans":[
    {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"GET /<b>x</b>",
     "kind":2,"startTimeUnixNano":"1000000000","endTimeUnixNano":"1500000000",
     "attributes":[
       {"key":"str","value":{"stringValue":"héllo"}},
       {"key":"bool","value":{"boolValue":false}},
       {"key":"int","value":{"intValue":"-42"}},
       {"key":"dbl","value":{"doubleValue":3.25}},
       {"key":"bytes","value":{"bytesValue":"AAEC"}},
       {"key":"arr","value":{"arrayValue":{"values":[{"stringValue":"a"},{"intValue":"1"},{"arrayValue":{"values":[{"boolValue":true}]}}]}}},
       {"key":"kv","value":{"kvlistValue":{"values":[{"key":"inner","value":{"doubleValue":0.5}}]}}},
       {"key":"empty","value":{}}],
     "events":[{"timeUnixNano":"1100000000","name":"cache.hit","attributes":[{"key":"k","value":{"stringValue":"v"}}]}],
     "links":[{"traceId":"00000000000000000000000000000001","spanId":"0000000000000002","attributes":[]}],
     "status":{"code":2,"message":"boom"}},
    {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"not-a-hex-id","parentSpanId":"eee19b7ec3c1b174",
     "name":"child","startTimeUnixNano":"900000000","endTimeUnixNano":"1200000000"},
    {"traceId":"zzz-raw-trace","spanId":"0000000000000001","parentSpanId":"00000000000000ff",
     "name":"orphan","startTimeUnixNano":"2000000000","endTimeUnixNano":"2000001000"}
  ]}]}]}"#;

fn sample() -> TraceSet {
    match crate::parse::load(&[("sample.json", OTLP.as_bytes())], None) {
        Ok(s) => s,
        Err(e) => panic!("sample did not load: {e}"),
    }
}

#[test]
fn round_trip_keeps_everything() {
    let set = sample();
    assert_eq!(set.spans.len(), 3);
    let bytes = encode(&set);
    let back = decode(&bytes).expect("decodes");
    assert_eq!(back, set);
    // And the derived text is the same.
    let i = back.spans.iter().position(|s| back.name_of(s) == "GET /<b>x</b>").expect("root span");
    let root = &back.spans[i];
    let kv = back.attr(root, "kv").expect("kv attr");
    assert_eq!(back.value_text(kv), r#"{"inner":0.5}"#);
    let arr = back.attr(root, "arr").expect("arr attr");
    assert_eq!(back.value_text(arr), r#"["a",1,[true]]"#);
    assert_eq!(back.attr(root, "int"), Some(AttrValue::Int(-42)));
    assert_eq!(back.attr(root, "dbl"), Some(AttrValue::Double(3.25)));
    assert_eq!(back.attr(root, "bool"), Some(AttrValue::Bool(false)));
    assert_eq!(back.attr(root, "empty"), Some(AttrValue::Empty));
    assert!(matches!(back.attr(root, "bytes"), Some(AttrValue::Bytes(_))));
    assert_eq!(back.attr_text(root, "str").as_deref(), Some("héllo"));
    assert_eq!(back.events.len(), 1);
    assert_eq!(back.links.len(), 1);
    assert!(!back.warnings.is_empty());
}

/// The clock-skew state travels with the set: the flag, and the per-span shifts with
/// their signs (the worker adjusts; the page shows what it was sent).
#[test]
fn skew_state_round_trips() {
    let mut set = sample();
    set.skew.adjusted = true;
    set.skew.shift_ns = vec![0, -470_000_000, i64::MIN];
    set.skew.moved_per_trace = vec![1; set.traces.len()];
    let back = decode(&encode(&set)).expect("decodes");
    assert_eq!(back.skew, set.skew);
    set.skew.shift_ns.clear();
    set.skew.moved_per_trace.clear();
    assert_eq!(decode(&encode(&set)).expect("decodes").skew, set.skew);
}

/// Shifts for some spans but not all (or counts for other traces) cannot be looked up by
/// index, a count cannot exceed its trace, and unadjusted times carry no shifts: refused.
#[test]
fn skew_shifts_for_some_spans_are_corrupt() {
    let mut set = sample();
    set.skew.adjusted = true;
    set.skew.shift_ns = vec![1];
    assert!(matches!(decode(&encode(&set)), Err(SnapshotError::Corrupt(m)) if m.contains("skew shifts")));
    set.skew.shift_ns.clear();
    set.skew.moved_per_trace = vec![1; set.traces.len() + 1];
    assert!(matches!(decode(&encode(&set)), Err(SnapshotError::Corrupt(m)) if m.contains("skew moved counts")));
    set.skew.moved_per_trace = vec![u32::MAX; set.traces.len()];
    assert!(matches!(decode(&encode(&set)), Err(SnapshotError::Corrupt(m)) if m.contains("than the trace holds")));
    set.skew.moved_per_trace = vec![0; set.traces.len()];
    set.skew.adjusted = false;
    assert!(matches!(decode(&encode(&set)), Err(SnapshotError::Corrupt(m)) if m.contains("not adjusted")));
}

#[test]
fn raw_ids_survive() {
    let set = sample();
    let back = decode(&encode(&set)).expect("decodes");
    let raw_span = back.spans.iter().find(|s| matches!(s.span_id, SpanId::Raw(_))).expect("raw span id");
    assert_eq!(raw_span.span_id.to_text(&back.strings), "not-a-hex-id");
    let raw_trace = back.traces.iter().find(|t| matches!(t.trace_id, TraceId::Raw(_))).expect("raw trace id");
    assert_eq!(raw_trace.trace_id.to_text(&back.strings), "zzz-raw-trace");
    let orphan = back.spans.iter().find(|s| back.name_of(s) == "orphan").expect("orphan");
    assert_eq!(orphan.parent_id, Some(SpanId::Hex(0xff)));
}

#[test]
fn empty_set_round_trips() {
    let set = TraceSet::default();
    assert_eq!(decode(&encode(&set)).expect("decodes"), set);
}

#[test]
fn every_truncation_is_an_error_not_a_panic() {
    let bytes = encode(&sample());
    for cut in 0..bytes.len() {
        assert!(decode(&bytes[..cut]).is_err(), "cut at {cut} decoded");
    }
}

#[test]
fn corrupt_bytes_never_panic() {
    let bytes = encode(&sample());
    // Flip each byte after the header in turn; decoding may succeed or fail but not panic.
    for i in 12..bytes.len() {
        let mut b = bytes.clone();
        b[i] ^= 0xA5;
        let _ = decode(&b);
    }
}

#[test]
fn string_indices_past_u32_are_corrupt_not_truncated() {
    assert_eq!(str_index(7, "span id"), Ok(StrId(7)));
    // 2^32 + 7 would read as string 7 if cut to 32 bits.
    let corrupt = SnapshotError::Corrupt("span id string index 4294967303".into());
    assert_eq!(str_index((1 << 32) + 7, "span id"), Err(corrupt));
}

#[test]
fn bad_magic_and_version_are_named() {
    assert_eq!(decode(b"nope"), Err(SnapshotError::BadMagic));
    let mut bytes = encode(&TraceSet::default());
    bytes[8] = 99;
    assert!(matches!(decode(&bytes), Err(SnapshotError::Version { found: 99, .. })));
}

fn decode_stepwise(bytes: &[u8], budget: usize) -> (Result<TraceSet, SnapshotError>, usize) {
    let mut d = match Decoder::new(bytes) {
        Ok(d) => d,
        Err(e) => return (Err(e), 0),
    };
    let mut steps = 0;
    loop {
        steps += 1;
        match d.step(budget) {
            Ok(Some(set)) => return (Ok(set), steps),
            Ok(None) => {}
            Err(e) => return (Err(e), steps),
        }
    }
}

#[test]
fn stepwise_decoding_matches_decode() {
    let set = sample();
    let bytes = encode(&set);
    let whole = decode(&bytes).expect("decodes");
    for budget in [0, 1, 2, 3, 7, 1000] {
        let (back, steps) = decode_stepwise(&bytes, budget);
        assert_eq!(back.as_ref(), Ok(&whole), "budget {budget}");
        if budget <= 1 {
            // One record per step: the sample has dozens of records, so many steps.
            assert!(steps > 20, "budget {budget} took only {steps} steps");
        }
    }
    // Real trace files too (links, events, many attrs).
    for name in ["jaeger-v3-api-hotrod-40spans-result-wrapper.json", "jaeger-memstore-2traces-links-events-errors.json"] {
        let path = format!("{}/tests/corpus/otlp/{name}", env!("CARGO_MANIFEST_DIR"));
        let b = std::fs::read(&path).expect("real test trace is readable");
        let set = crate::parse::load(&[(name, &b[..])], None).expect("real trace loads");
        assert!(!set.spans.is_empty(), "{name}");
        let bytes = encode(&set);
        let (back, steps) = decode_stepwise(&bytes, 5);
        assert_eq!(back.as_ref(), Ok(&set), "{name}");
        assert!(steps > 10, "{name}: {steps} steps");
    }
}

#[test]
fn stepwise_errors_match_decode() {
    let bytes = encode(&sample());
    for cut in 0..bytes.len() {
        let (back, _) = decode_stepwise(&bytes[..cut], 3);
        assert_eq!(back.is_err(), decode(&bytes[..cut]).is_err(), "cut at {cut}");
        assert!(back.is_err(), "cut at {cut} decoded");
    }
    for i in 12..bytes.len() {
        let mut b = bytes.clone();
        b[i] ^= 0xA5;
        assert_eq!(decode_stepwise(&b, 2).0, decode(&b), "flip at {i}");
    }
}

#[test]
fn finished_decoder_refuses_more_steps() {
    let bytes = encode(&sample());
    let mut d = Decoder::new(&bytes).expect("header");
    while d.step(4).expect("step").is_none() {}
    assert_eq!(d.progress(), 1.0);
    assert!(d.step(4).is_err());
}
