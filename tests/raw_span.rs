//! Where each span lies in its input: for every reader (OTLP JSON and JSON Lines, Jaeger UI
//! export, query API and api_v2, Zipkin v2 arrays and arrays of traces, the console
//! exporter's sequences and arrays), the place recorded at load slices exactly that span's
//! object out of the input bytes: it starts with `{`, ends with `}`, parses back as JSON
//! and carries the span's id. Also with multi-byte UTF-8 before the span, a BOM, a
//! multi-file load, and over the whole real corpus. Also the worker's answer: the text,
//! the notes on parts written elsewhere, a shared span's other half, the normalized JSON.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

use clew::model::TraceSet;
use clew::parse::places::{object_text, SpanPlaces};
use clew::parse::{load_placed, Format};
use clew::view_model::tabs::answer::Answerer;
use clew::view_model::tabs::raw::{self, LoadText, RawSpanData};
use clew::view_model::tabs::{Request, Response};
use serde_json::Value;
use std::rc::Rc;

/// Base64 (standard alphabet, padded or not) to lowercase hex, for api_v2 and base64 OTLP ids.
fn base64_hex(s: &str) -> Option<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let (mut bits, mut n, mut out) = (0u32, 0u32, String::new());
    for c in s.trim_end_matches('=').bytes() {
        bits = (bits << 6) | ALPHABET.iter().position(|&a| a == c)? as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push_str(&format!("{:02x}", (bits >> n) & 0xff));
        }
    }
    Some(out)
}

/// The span id an object carries, in any reader's spelling.
fn id_in(v: &Value) -> Option<String> {
    let direct = ["spanId", "spanID", "span_id", "id"].iter().find_map(|k| v.get(*k).and_then(Value::as_str));
    let id = direct.or_else(|| v.get("context")?.get("span_id")?.as_str())?;
    Some(id.trim().trim_start_matches("0x").to_string())
}

/// Whether the object's id text is the span's id (hex in any case, short ids padded, or base64).
fn same_id(text: &str, span_hex: &str) -> bool {
    let eq = |a: &str| a.trim_start_matches('0').eq_ignore_ascii_case(span_hex.trim_start_matches('0'));
    eq(text) || base64_hex(text).is_some_and(|h| eq(&h))
}

/// Checks every span of the set against its input; returns how many have a known place.
fn check_all(set: &TraceSet, places: &SpanPlaces, inputs: &[&[u8]]) -> usize {
    let mut placed = 0;
    for (i, s) in set.spans.iter().enumerate() {
        let Some(place) = places.place(set, i as u32) else { continue };
        placed += 1;
        let bytes = inputs[place.input];
        let text = object_text(bytes, place.start).unwrap_or_else(|| panic!("span {i}: no object at {}", place.start));
        assert!(text.starts_with('{') && text.ends_with('}'), "span {i}: {text}");
        assert_eq!(&bytes[place.start as usize..place.start as usize + text.len()], text.as_bytes());
        let v: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("span {i}: {e}: {text}"));
        let want = s.span_id.to_text(&set.strings);
        let got = id_in(&v).unwrap_or_else(|| panic!("span {i}: no id in {text}"));
        assert!(same_id(&got, &want), "span {i}: object id {got} is not span {want}: {text}");
    }
    placed
}

/// Loads one input and checks that every span is placed.
fn check_one(text: &str, format: Option<Format>, spans: usize) -> TraceSet {
    let (set, places) = load_placed(&[("input.json", text.as_bytes())], format).expect("loads");
    assert_eq!(set.spans.len(), spans);
    assert_eq!(check_all(&set, &places, &[text.as_bytes()]), spans, "every span placed");
    set
}

const OTLP: &str = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"café ☕ 東京"}}]},
  "scopeSpans":[{"scope":{"name":"ünï"},"spans":[
    {"traceId":"5b8aa5a2d2c872e8321cf37308d69df2","spanId":"051581bf3cb55c13","name":"héllo } { \" [",
     "startTimeUnixNano":"1000","endTimeUnixNano":"2000","attributes":[{"key":"k","value":{"stringValue":"}}}"}}]},
    {
      "spanId" : "5fb397be34d26b51", "traceId":"5b8aa5a2d2c872e8321cf37308d69df2","parentSpanId":"051581bf3cb55c13",
      "name":"child","startTimeUnixNano":"1100","endTimeUnixNano":"1900"}
  ]}]}]}"#;

#[test]
fn otlp_spans_slice_to_their_objects_after_multibyte_text() {
    let set = check_one(OTLP, None, 2);
    // The slice is the object itself, byte for byte, not a re-serialization.
    let (set2, places) = load_placed(&[("a.json", OTLP.as_bytes())], None).expect("loads");
    let root = set2.spans.iter().position(|s| s.parent == clew::model::NO_SPAN).expect("root");
    let place = places.place(&set2, root as u32).expect("placed");
    let text = object_text(OTLP.as_bytes(), place.start).expect("object");
    assert!(text.starts_with("{\"traceId\":\"5b8aa5a2d2c872e8321cf37308d69df2\",\"spanId\":\"051581bf3cb55c13\""));
    assert!(text.ends_with("\"}}}\"}}]}"));
    assert_eq!(set.spans.len(), 2);
}

#[test]
fn otlp_json_lines_and_base64_ids_and_a_bom() {
    let line = |sid: &str| {
        format!(
            r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"traceId":"W4qlotLIcugyHPNzCNad8g==","spanId":"{sid}","name":"ß","startTimeUnixNano":1,"endTimeUnixNano":2}}]}}]}}]}}"#
        )
    };
    let text = format!("{}\n\n{}\n", line("BRWBvzy1XBM="), line("X7OXvjTSa1E="));
    check_one(&text, None, 2);
    let with_bom = format!("\u{feff}{OTLP}");
    check_one(&with_bom, None, 2);
}

#[test]
fn jaeger_ui_export_places_spans_and_not_the_processes_map() {
    let text = r#"{"data":[{"traceID":"a1b2c3d4e5f60718","spans":[
        {"traceID":"a1b2c3d4e5f60718","spanID":"00000000000000a1","operationName":"ŝtart","references":[],
         "startTime":1000,"duration":50,"tags":[{"key":"html","type":"string","value":"<b>{x}</b>"}],"processID":"p1"},
        {"traceID":"a1b2c3d4e5f60718","spanID":"00000000000000a2","operationName":"child",
         "references":[{"refType":"CHILD_OF","traceID":"a1b2c3d4e5f60718","spanID":"00000000000000a1"}],
         "startTime":1010,"duration":20,"processID":"p2"}],
      "processes":{"p1":{"serviceName":"frontend","tags":[]},"p2":{"serviceName":"backend","tags":[]}}}],
      "total":0,"limit":0,"offset":0,"errors":null}"#;
    check_one(text, None, 2);
}

#[test]
fn jaeger_span_arrays_with_embedded_processes_and_api_v2() {
    let spans = r#"[{"traceID":"a1","spanID":"b1","operationName":"x","startTime":1,"duration":2,
        "process":{"serviceName":"s","tags":[]}},
      {"traceID":"a1","spanID":"b2","operationName":"y","startTime":1,"duration":1,
        "references":[{"refType":"CHILD_OF","traceID":"a1","spanID":"b1"}],"process":{"serviceName":"s"}}]"#;
    check_one(spans, Some(Format::Jaeger), 2);
    let api_v2 = r#"{"spans":[{"traceId":"AAAAAAAAAAAAAAAAAAAAAQ==","spanId":"AAAAAAAAAAE=","operationName":"x",
        "startTime":"2024-01-01T00:00:00Z","duration":"1000ns","process":{"serviceName":"ś"}},
      {"traceId":"AAAAAAAAAAAAAAAAAAAAAQ==","spanId":"AAAAAAAAAAI=","operationName":"y",
        "references":[{"traceId":"AAAAAAAAAAAAAAAAAAAAAQ==","spanId":"AAAAAAAAAAE="}],
        "startTime":"2024-01-01T00:00:00.0001Z","duration":"500ns","process":{"serviceName":"ś"}}]}"#;
    check_one(api_v2, Some(Format::JaegerProto), 2);
}

#[test]
fn zipkin_arrays_arrays_of_traces_and_shared_halves() {
    let text = r#"[[{"traceId":"00000000000000a1","id":"00000000000000b1","name":"ç","timestamp":1000,"duration":100,
        "kind":"CLIENT","localEndpoint":{"serviceName":"web"}},
      {"traceId":"00000000000000a1","id":"00000000000000b1","name":"ç","timestamp":1010,"duration":80,
        "kind":"SERVER","shared":true,"localEndpoint":{"serviceName":"api"}}],
     [ {"id":"00000000000000c1","traceId":"00000000000000a2","name":"other","timestamp":5,"duration":1,
        "tags":{"x":"}{"}} ]]"#;
    let set = check_one(text, None, 3);
    // The shared halves stay two spans, each placed at its own object.
    let (set2, places) = load_placed(&[("z.json", text.as_bytes())], None).expect("loads");
    let starts: Vec<u32> = (0..set2.spans.len() as u32).filter_map(|i| places.place(&set2, i)).map(|p| p.start).collect();
    let mut unique = starts.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 3);
    assert_eq!(set.spans.len(), 3);
}

#[test]
fn console_exporter_sequences_arrays_and_lines() {
    let one = |sid: &str, parent: &str| {
        format!(
            "{{\n    \"name\": \"chat ✓\",\n    \"context\": {{\n        \"trace_id\": \"0x5b8aa5a2d2c872e8321cf37308d69df2\",\n        \"span_id\": \"{sid}\",\n        \"trace_state\": \"[]\"\n    }},\n    \"kind\": \"SpanKind.INTERNAL\",\n    \"parent_id\": {parent},\n    \"start_time\": \"2024-05-07T14:39:51.172469Z\",\n    \"end_time\": \"2024-05-07T14:39:52.172469Z\",\n    \"status\": {{\"status_code\": \"UNSET\"}},\n    \"attributes\": {{\"a\": \"}}\"}},\n    \"events\": [],\n    \"links\": [],\n    \"resource\": {{\"attributes\": {{\"service.name\": \"ü\"}}, \"schema_url\": \"\"}}\n}}"
        )
    };
    let root = one("0x051581bf3cb55c13", "null");
    let child = one("0x5fb397be34d26b51", "\"0x051581bf3cb55c13\"");
    check_one(&format!("{root}\n{child}\n"), Some(Format::OtelConsole), 2);
    check_one(&format!("[{root},\n {child}]"), Some(Format::OtelConsole), 2);
    check_one(&root, Some(Format::OtelConsole), 1);
    let compact = |s: &str| s.replace('\n', "").replace("    ", "");
    check_one(&format!("{}\n{}\n", compact(&root), compact(&child)), Some(Format::OtelConsole), 2);
}

#[test]
fn a_multi_file_load_places_each_span_in_its_own_input() {
    let zipkin = r#"[{"traceId":"00000000000000a1","id":"00000000000000b9","name":"z","timestamp":1000,"duration":1}]"#;
    let inputs: [(&str, &[u8]); 3] = [("a.json", OTLP.as_bytes()), ("b.json", zipkin.as_bytes()), ("c.json", OTLP.as_bytes())];
    let (set, places) = load_placed(&inputs, None).expect("loads");
    let bytes: Vec<&[u8]> = inputs.iter().map(|(_, b)| *b).collect();
    assert_eq!(check_all(&set, &places, &bytes), set.spans.len());
    let mut per_input = [0usize; 3];
    for i in 0..set.spans.len() as u32 {
        per_input[places.place(&set, i).expect("placed").input] += 1;
    }
    assert_eq!(per_input, [2, 1, 2]);
}

#[test]
fn a_span_whose_first_key_has_escapes_has_no_place() {
    let text = r#"[{"\u0069d":"00000000000000b1","traceId":"00000000000000a1","name":"x","timestamp":1,"duration":1},
                   {"id":"00000000000000b2","traceId":"00000000000000a1","name":"y","timestamp":1,"duration":1}]"#;
    let (set, places) = load_placed(&[("z.json", text.as_bytes())], None).expect("loads");
    assert_eq!(check_all(&set, &places, &[text.as_bytes()]), 1);
}

#[test]
fn every_span_of_the_real_corpus_is_placed_at_its_object() {
    let mut files = 0;
    for dir in ["otlp", "jaeger", "zipkin", "other"] {
        let mut paths: Vec<_> = std::fs::read_dir(format!("tests/corpus/{dir}")).expect("dir").flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let bytes = std::fs::read(&path).expect("read");
            let Ok((set, places)) = load_placed(&[("f", &bytes)], None) else { continue };
            files += 1;
            let placed = check_all(&set, &places, &[&bytes]);
            assert_eq!(placed, set.spans.len(), "{}: every span placed", path.display());
        }
    }
    assert!(files >= 25, "{files} corpus files loaded");
}

/// The raw JSON answer of span `i` over one input.
fn raw_answer(text: &str, i: usize) -> (TraceSet, RawSpanData) {
    let (set, places) = load_placed(&[("in.json", text.as_bytes())], None).expect("loads");
    let load = LoadText { places, inputs: vec![text.as_bytes().to_vec()] };
    let mut a = Answerer::with_text(Rc::new(load));
    match a.answer(&set, &Request::RawSpan { span: i as u32 }) {
        Response::RawSpan(d) => (set, d),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn the_worker_answers_a_spans_exact_text_its_notes_and_its_normalized_json() {
    let jaeger = r#"{"data":[{"traceID":"a1","spans":[{"traceID":"a1","spanID":"b1","operationName":"<b>x</b>","startTime":1,"duration":2,"processID":"p1"}],
        "processes":{"p1":{"serviceName":"svc","tags":[]}}}]}"#;
    let (set, d) = raw_answer(jaeger, 0);
    let input = d.input.expect("text");
    assert_eq!(input.source, "in.json");
    assert!(jaeger[input.offset as usize..].starts_with(&input.text));
    assert!(input.text.starts_with("{\"traceID\":\"a1\",\"spanID\":\"b1\""));
    assert!(input.notes.iter().any(|n| n.contains("Process p1 is defined in the trace's processes map")), "{:?}", input.notes);
    let v: Value = serde_json::from_str(&d.normalized).expect("json");
    assert_eq!(v["span_id"], set.spans[0].span_id.to_text(&set.strings));
    assert_eq!(v["name"], "<b>x</b>");
    assert_eq!(v["service"], "svc");
    assert_eq!(v["duration_ns"], 2000);

    // A shared Zipkin span: each half shows the other half's object too.
    let zipkin = r#"[{"traceId":"a1","id":"b1","name":"c","timestamp":1000,"duration":100,"kind":"CLIENT","localEndpoint":{"serviceName":"web"}},
        {"traceId":"a1","id":"b1","name":"s","timestamp":1010,"duration":80,"kind":"SERVER","shared":true,"localEndpoint":{"serviceName":"api"}}]"#;
    let (_, client) = raw_answer(zipkin, 0);
    let (_, server) = raw_answer(zipkin, 1);
    let (client, server) = (client.input.expect("client"), server.input.expect("server"));
    assert!(client.text.contains("CLIENT") && server.text.contains("SERVER"));
    assert_eq!(client.related.len(), 1);
    assert_eq!(client.related[0].1, server.text);
    assert_eq!(server.related[0].1, client.text);

    // Without the inputs, the tab says so.
    let (set, _) = load_placed(&[("in.json", jaeger.as_bytes())], None).expect("loads");
    let Response::RawSpan(d) = Answerer::new().answer(&set, &Request::RawSpan { span: 0 }) else { panic!("raw") };
    assert!(d.input.expect_err("no text").contains("not kept"));
    assert!(raw::shown(&"é".repeat(raw::SHOWN_BYTES)).1);
    assert!(raw::shown(&"é".repeat(raw::SHOWN_BYTES)).0.len() <= raw::SHOWN_BYTES);
}
