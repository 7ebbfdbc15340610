//! Two shapes people paste: concatenated (pretty-printed) JSON values with no enclosing
//! array, and the OpenTelemetry Python `ConsoleSpanExporter`'s span objects, which it
//! prints exactly that way. Text in, the loaded set (or a clear error) out.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

use clew::analysis::llm::call::analyze_set;
use clew::analysis::pricing::PriceTable;
use clew::model::{SpanKind, StatusCode};
use clew::parse::{load, LoadError};

/// Two spans as the Python console exporter prints them (`indent=4`, one after another).
const CONSOLE: &str = r#"{
    "name": "chat gpt-4o-mini",
    "context": {
        "trace_id": "0x5b8aa5a2d2c872e8321cf37308d69df2",
        "span_id": "0x051581bf3cb55c13",
        "trace_state": "[]"
    },
    "kind": "SpanKind.CLIENT",
    "parent_id": "0x1111111111111111",
    "start_time": "2024-05-07T14:39:51.172469Z",
    "end_time": "2024-05-07T14:39:52.172469Z",
    "status": {
        "status_code": "UNSET"
    },
    "attributes": {
        "gen_ai.request.model": "gpt-4o-mini",
        "gen_ai.usage.input_tokens": 1000,
        "gen_ai.usage.output_tokens": 200,
        "gen_ai.response.finish_reasons": ["stop"],
        "gen_ai.request.temperature": 0.5
    },
    "events": [
        {
            "name": "gen_ai.content.prompt",
            "timestamp": "2024-05-07T14:39:51.200000Z",
            "attributes": {"gen_ai.prompt": "hi"}
        }
    ],
    "links": [],
    "resource": {
        "attributes": {
            "telemetry.sdk.language": "python",
            "service.name": "chatbot"
        },
        "schema_url": ""
    }
}
{
    "name": "POST /chat",
    "context": {
        "trace_id": "0x5b8aa5a2d2c872e8321cf37308d69df2",
        "span_id": "0x1111111111111111",
        "trace_state": "[]"
    },
    "kind": "SpanKind.SERVER",
    "parent_id": null,
    "start_time": "2024-05-07T14:39:51.000000Z",
    "end_time": "2024-05-07T14:39:52.500000Z",
    "status": {
        "status_code": "ERROR",
        "description": "boom"
    },
    "attributes": {
        "http.route": "/chat"
    },
    "events": [],
    "links": [
        {
            "context": {"trace_id": "0x00000000000000000000000000000abc", "span_id": "0x0000000000000def", "trace_state": "[]"},
            "attributes": {}
        }
    ],
    "resource": {
        "attributes": {
            "telemetry.sdk.language": "python",
            "service.name": "chatbot"
        },
        "schema_url": ""
    }
}
"#;

#[test]
fn console_exporter_spans_load_as_a_tree_with_their_llm_call() {
    let set = load(&[("console.txt", CONSOLE.as_bytes())], None).unwrap();
    assert_eq!((set.traces.len(), set.spans.len(), set.resources.len()), (1, 2, 1));
    assert_eq!(set.sources[0].format, "otel-console");
    let root = &set.spans[0];
    assert_eq!(set.name_of(root), "POST /chat");
    assert_eq!((root.kind, root.status, root.duration_ns), (SpanKind::Server, StatusCode::Error, 1_500_000_000));
    assert_eq!(set.str(root.status_message), "boom");
    assert_eq!(root.links.len, 1);
    let child = &set.spans[1];
    assert_eq!(child.parent, 0);
    assert_eq!((child.kind, child.duration_ns, child.events.len), (SpanKind::Client, 1_000_000_000, 1));
    assert_eq!(set.service_of(child), "chatbot");
    let calls = analyze_set(&set, &PriceTable::builtin()).calls;
    assert_eq!(calls.len(), 1);
    assert_eq!((calls[0].model.as_deref(), calls[0].input_tokens, calls[0].output_tokens), (Some("gpt-4o-mini"), 1000, 200));
    // 1,000 × $0.15/M + 200 × $0.60/M.
    assert!((calls[0].cost_usd.unwrap() - 0.00027).abs() < 1e-12);
    assert_eq!(calls[0].finish_reasons, vec!["stop".to_string()]);
}

#[test]
fn concatenated_pretty_otlp_documents_load_together() {
    let doc = |span: &str, name: &str| {
        format!(
            "{{\n  \"resourceSpans\": [{{\n    \"resource\": {{\"attributes\": [{{\"key\": \"service.name\", \"value\": {{\"stringValue\": \"api\"}}}}]}},\n    \"scopeSpans\": [{{\"spans\": [{{\"traceId\": \"5b8aa5a2d2c872e8321cf37308d69df2\", \"spanId\": \"{span}\", \"name\": \"{name}\", \"startTimeUnixNano\": \"1700000000000000000\", \"endTimeUnixNano\": \"1700000001000000000\"}}]}}]\n  }}]\n}}"
        )
    };
    // `}\n{` and `}{` both occur.
    let text = format!("{}\n{}{}", doc("0000000000000001", "a"), doc("0000000000000002", "b"), doc("0000000000000003", "c"));
    let set = load(&[("seq.json", text.as_bytes())], None).unwrap();
    assert_eq!(set.spans.len(), 3);
    assert_eq!(set.sources[0].format, "otlp");
    // A console sequence also reads as two documents.
    let set = load(&[("c.json", CONSOLE.as_bytes())], None).unwrap();
    assert_eq!(set.spans.len(), 2);
}

#[test]
fn a_broken_value_in_a_sequence_names_its_line_and_drops_nothing_silently() {
    let broken = CONSOLE.replacen("\"http.route\": \"/chat\"", "\"http.route\": /chat", 1);
    match load(&[("broken.txt", broken.as_bytes())], None) {
        Err(LoadError::Json { name, line, .. }) => {
            assert_eq!(name, "broken.txt");
            let want = CONSOLE.lines().position(|l| l.contains("\"http.route\"")).unwrap() + 1;
            assert_eq!(line, want);
        }
        other => panic!("expected a JSON error, got {other:?}"),
    }
    // A truncated last value is an error too, not a partial load.
    let cut = &CONSOLE[..CONSOLE.len() - 40];
    assert!(matches!(load(&[("cut.txt", cut.as_bytes())], None), Err(LoadError::Json { .. })));
}

#[test]
fn bad_console_values_warn_and_keep_the_span() {
    let text = r#"{"name": "x", "context": {"trace_id": "0xnothex", "span_id": "0x0000000000000001"},
        "kind": "SpanKind.WEIRD", "start_time": "yesterday", "end_time": "2024-05-07T14:39:52Z",
        "attributes": {"nested": {"a": [1, [2]]}, "list": [1, "two", [3]]}}"#;
    let set = load(&[("bad.json", text.as_bytes())], None).unwrap();
    assert_eq!(set.spans.len(), 1);
    let msgs: Vec<&str> = set.warnings.iter().map(|w| w.message.as_str()).collect();
    assert!(msgs.iter().any(|m| m.contains("context.trace_id")), "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("start_time")), "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("WEIRD")), "{msgs:?}");
}
