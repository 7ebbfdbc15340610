//! Ingest over the real trace corpus (tests/corpus) and crafted edge cases:
//! every file is detected, loads with the MANIFEST's span and trace counts, or is
//! refused with a clear message; nothing panics and no span is lost.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test or benchmark fails by panicking; clippy.toml already exempts #[test] bodies, and this covers their helpers")]

use clew::synth::{self, GenFormat, GenOptions};
use clew::model::{span_flags, WarningKind, NO_SPAN};
use clew::parse::{self, LoadError};

const REAL: &str = "tests/corpus";

fn read(rel: &str) -> Vec<u8> {
    let p = format!("{REAL}/{rel}");
    std::fs::read(&p).unwrap_or_else(|e| panic!("cannot read {p}: {e}"))
}

fn load_auto(rel: &str) -> Result<clew::model::TraceSet, LoadError> {
    let b = read(rel);
    parse::load(&[(rel, &b)], None)
}

/// (file, format, traces, spans): the "format", "traces" and "spans" columns of
/// tests/corpus/MANIFEST.md for the 32 files that hold trace data.
const LOADS: &[(&str, &str, usize, usize)] = &[
    ("otlp/genai-agent-trace-gen_ai-attrs.json", "otlp", 1, 8),
    ("otlp/invalid-ids-neither-hex-nor-base64.json", "otlp", 1, 1),
    ("otlp/jaeger-links-follows-from-attrs.json", "otlp", 1, 1),
    ("otlp/jaeger-memstore-2traces-links-events-errors.json", "otlp", 2, 4),
    ("otlp/jaeger-v3-api-hotrod-40spans-result-wrapper.json", "otlp", 1, 40),
    ("otlp/no-service-name-empty-resource-orphan.json", "otlp", 1, 1),
    ("otlp/otel-proto-example-uppercase-hex-orphan.json", "otlp", 1, 1),
    ("otlp/otlp-jsonlines-19-requests-base64.jsonl", "otlp", 19, 19),
    ("otlp/tempo-batches-scopespans.json", "otlp", 1, 1),
    ("jaeger/anonymizer-span-array-embedded-process.json", "jaeger", 1, 2),
    ("jaeger/api-response-follows-from-only.json", "jaeger", 1, 2),
    ("jaeger/child-longer-than-parent-odd-length-ids.json", "jaeger", 1, 8),
    ("jaeger/data-as-object-processed-trace.json", "jaeger", 1, 4),
    ("jaeger/genai-2traces-data-array-nonhex-ids.json", "jaeger", 2, 6),
    ("jaeger/genai-57spans-10services-single-trace.json", "jaeger", 1, 57),
    ("jaeger/invalid-duration-string-type.json", "jaeger", 1, 1),
    ("jaeger/nested-span-objects-in-references.json", "jaeger", 1, 4),
    ("jaeger/nulls-nonhex-short-ids-follows-from.json", "jaeger", 1, 3),
    ("jaeger/ui-model-dup-spanids-typed-tags-warnings.json", "jaeger", 1, 5),
    ("jaeger/wrong-shape-single-span-object.json", "jaeger", 1, 1),
    ("zipkin/clock-skew.json", "zipkin", 1, 4),
    ("zipkin/envoy-single-span.json", "zipkin", 1, 1),
    ("zipkin/malformed-kong-missing-fields.json", "zipkin", 1, 7),
    ("zipkin/messaging-orphans.json", "zipkin", 1, 11),
    ("zipkin/netflix-incomplete-spans.json", "zipkin", 1, 8),
    ("zipkin/non-ascii-chinese-single-object.json", "zipkin", 1, 1),
    ("zipkin/otelcol-contrib-annotations-otel-status-error.json", "zipkin", 1, 1),
    ("zipkin/short-ids-debug-shared-epoch-times.json", "zipkin", 1, 1),
    ("zipkin/smartthings-mobile-web-install-1041spans.json", "zipkin", 1, 1041),
    ("zipkin/smartthings-oauth-authorization-175spans.json", "zipkin", 1, 175),
    ("zipkin/v1-style-core-annotations-long-servicename.json", "zipkin", 1, 2),
    ("other/jaeger-apiv2-protojson-base64-rfc3339.json", "jaeger-proto", 1, 5),
];

#[test]
fn every_real_file_loads_with_manifest_counts() {
    let mut failures = Vec::new();
    for (file, format, traces, spans) in LOADS {
        match load_auto(file) {
            Ok(set) => {
                let got_format = set.sources.first().map(|s| s.format.clone()).unwrap_or_default();
                if got_format != *format || set.traces.len() != *traces || set.spans.len() != *spans {
                    failures.push(format!(
                        "{file}: got {got_format} {} traces {} spans, want {format} {traces} traces {spans} spans",
                        set.traces.len(),
                        set.spans.len()
                    ));
                }
                // Every trace's spans are in pre-order with consistent parents.
                for t in &set.traces {
                    for i in t.spans.range() {
                        let s = &set.spans[i];
                        if s.parent != NO_SPAN {
                            assert!((s.parent as usize) < i, "{file}: parent after child");
                            assert_eq!(set.spans[s.parent as usize].depth + 1, s.depth, "{file}: depth");
                        }
                        assert!(s.subtree_end as usize <= t.spans.range().end);
                    }
                }
            }
            Err(e) => failures.push(format!("{file}: refused: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn negative_files_are_refused_with_clear_messages() {
    let cases: &[(&str, &str)] = &[
        ("jaeger/empty-0-bytes.json", "empty"),
        ("jaeger/empty-array-no-spans.json", "no spans"),
        ("jaeger/invalid-trailing-comma.json", "not valid JSON at line"),
        ("zipkin/invalid-json5-js-literal.json", "not valid JSON at line"),
        ("other/chrome-trace-events-flow.json", "Chrome trace-event"),
        ("other/langfuse-export-microsoft-agent-genai.json", "Langfuse"),
    ];
    for (file, needle) in cases {
        match load_auto(file) {
            Ok(set) => panic!("{file}: loaded {} spans, expected a refusal", set.spans.len()),
            Err(e) => {
                let msg = e.to_string();
                assert!(msg.contains(file), "{file}: message does not name the file: {msg}");
                assert!(msg.contains(needle), "{file}: message {msg:?} lacks {needle:?}");
            }
        }
    }
}

#[test]
fn unsupported_names_what_clew_reads() {
    let e = parse::load(&[("x.json", br#"{"hello": [1,2,3]}"#)], None).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("hello") && msg.contains("OTLP JSON") && msg.contains("Zipkin"), "{msg}");
    let e = parse::load(&[("x.bin", b"\x00\x01\x02garbage")], None).unwrap_err();
    assert!(e.to_string().contains("x.bin"));
}

#[test]
fn otlp_facts() {
    // Upper-case hex normalized; orphan flagged.
    let set = load_auto("otlp/otel-proto-example-uppercase-hex-orphan.json").unwrap();
    assert_eq!(set.traces[0].trace_id.to_text(&set.strings), "5b8efff798038103d269b633813fc60c");
    assert!(set.spans[0].has(span_flags::ORPHAN));
    assert_eq!(set.warnings[0].kind, WarningKind::Orphan);
    // Invalid ids kept as given, flagged.
    let set = load_auto("otlp/invalid-ids-neither-hex-nor-base64.json").unwrap();
    assert_eq!(set.traces[0].trace_id.to_text(&set.strings), "zzz");
    assert!(set.warnings.iter().any(|w| w.kind == WarningKind::InvalidId));
    // Missing service.
    let set = load_auto("otlp/no-service-name-empty-resource-orphan.json").unwrap();
    assert_eq!(set.service_of(&set.spans[0]), "unknown_service");
    assert!(set.warnings.iter().any(|w| w.kind == WarningKind::MissingService));
    // Base64 JSON Lines: 13 of 19 spans are orphans (MANIFEST #8).
    let set = load_auto("otlp/otlp-jsonlines-19-requests-base64.jsonl").unwrap();
    assert_eq!(set.warnings.iter().filter(|w| w.kind == WarningKind::Orphan).count(), 13);
    assert!(set.traces.iter().all(|t| t.trace_id.is_valid()));
    // HotROD via the v3 result wrapper: 3 errors, 52 events, 6 services (MANIFEST #5).
    let set = load_auto("otlp/jaeger-v3-api-hotrod-40spans-result-wrapper.json").unwrap();
    assert_eq!(set.traces[0].errors, 3);
    assert_eq!(set.events.len(), 52);
    let services: std::collections::BTreeSet<&str> = set.spans.iter().map(|s| set.service_of(s)).collect();
    assert_eq!(services.len(), 6);
    // Links with attributes, events, trace state, 2 traces; 8 links (MANIFEST #4).
    let set = load_auto("otlp/jaeger-memstore-2traces-links-events-errors.json").unwrap();
    assert_eq!(set.links.len(), 8);
    assert!(set.spans.iter().any(|s| !s.trace_state.is_empty()));
    assert!(set.spans.iter().any(|s| s.is_error()));
}

#[test]
fn nanosecond_times_exact_past_2_53_and_one_ns_span() {
    let doc = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"a"}}]},
      "scopeSpans":[{"spans":[
        {"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","name":"s",
         "startTimeUnixNano":"1705327800000000001","endTimeUnixNano":1705327800000000002,"kind":"SPAN_KIND_SERVER",
         "attributes":[{"key":"big","value":{"intValue":"9007199254740993"}},
                       {"key":"n","value":{"intValue":42}},
                       {"key":"arr","value":{"arrayValue":{"values":[{"stringValue":"x"},{"arrayValue":{"values":[{"boolValue":true}]}}]}}},
                       {"key":"kv","value":{"kvlistValue":{"values":[{"key":"k","value":{"doubleValue":1.5}}]}}},
                       {"key":"b","value":{"bytesValue":"AAEC"}}]}]}]}]}"#;
    let set = parse::load(&[("t.json", doc.as_bytes())], None).unwrap();
    let s = &set.spans[0];
    // The times and values written in the document above, exactly.
    assert_eq!(s.start_ns, 1_705_327_800_000_000_001);
    assert_eq!(s.duration_ns, 1);
    assert_eq!(set.traces[0].duration_ns, 1);
    assert_eq!(set.attr_text(s, "big").as_deref(), Some("9007199254740993"));
    assert_eq!(set.attr_text(s, "n").as_deref(), Some("42"));
    assert_eq!(set.attr_text(s, "arr").as_deref(), Some(r#"["x",[true]]"#));
    assert_eq!(set.attr_text(s, "kv").as_deref(), Some(r#"{"k":1.5}"#));
    assert_eq!(set.attr_text(s, "b").as_deref(), Some("AAEC"));
    assert_eq!(s.kind, clew::model::SpanKind::Server);
}

#[test]
fn deep_chain_of_30000_spans_loads_without_recursion() {
    let n = 30_000u64;
    let mut spans = String::new();
    for i in 1..=n {
        if i > 1 {
            spans.push(',');
        }
        let parent = if i == 1 { String::new() } else { format!(",\"parentSpanId\":\"{:016x}\"", i - 1) };
        spans.push_str(&format!(
            "{{\"traceId\":\"000000000000000000000000000000aa\",\"spanId\":\"{i:016x}\"{parent},\"name\":\"n{i}\",\"startTimeUnixNano\":\"{}\",\"endTimeUnixNano\":\"{}\"}}",
            1_000_000 + i,
            10_000_000 - i
        ));
    }
    let doc = format!("{{\"resourceSpans\":[{{\"scopeSpans\":[{{\"spans\":[{spans}]}}]}}]}}");
    let set = parse::load(&[("deep.json", doc.as_bytes())], None).unwrap();
    // A chain of n: n levels, the last span at depth n - 1, all of it the root's subtree.
    assert_eq!(set.spans.len(), n as usize);
    assert_eq!(set.traces[0].max_depth, n as u32);
    assert_eq!(set.spans[n as usize - 1].depth, n as u32 - 1);
    assert_eq!(set.spans[0].subtree_end, n as u32);
}

fn otlp_span(id: &str, parent: Option<&str>, start: u64, end: u64) -> String {
    let p = parent.map(|p| format!(",\"parentSpanId\":\"{p}\"")).unwrap_or_default();
    format!("{{\"traceId\":\"000000000000000000000000000000bb\",\"spanId\":\"{id}\"{p},\"name\":\"op-{id}\",\"startTimeUnixNano\":\"{start}\",\"endTimeUnixNano\":\"{end}\"}}")
}

fn otlp_doc(spans: &[String]) -> String {
    format!(
        "{{\"resourceSpans\":[{{\"resource\":{{\"attributes\":[{{\"key\":\"service.name\",\"value\":{{\"stringValue\":\"svc\"}}}}]}},\"scopeSpans\":[{{\"spans\":[{}]}}]}}]}}",
        spans.join(",")
    )
}

#[test]
fn cycles_self_parents_duplicates_and_skew_become_warnings() {
    let spans = vec![
        otlp_span("0000000000000001", None, 100, 1000),
        // cycle a <-> b (b starts earlier: it is cut)
        otlp_span("000000000000000a", Some("000000000000000b"), 300, 400),
        otlp_span("000000000000000b", Some("000000000000000a"), 200, 400),
        // self parent
        otlp_span("000000000000000c", Some("000000000000000c"), 150, 160),
        // duplicate id
        otlp_span("0000000000000002", Some("0000000000000001"), 110, 120),
        otlp_span("0000000000000002", Some("0000000000000001"), 130, 140),
        // skew: child before parent
        otlp_span("0000000000000003", Some("0000000000000001"), 50, 60),
        // negative duration
        otlp_span("0000000000000004", Some("0000000000000001"), 500, 400),
        // missing times
        otlp_span("0000000000000005", Some("0000000000000001"), 0, 0),
    ];
    let doc = otlp_doc(&spans);
    let set = parse::load(&[("c.json", doc.as_bytes())], None).unwrap();
    assert_eq!(set.spans.len(), 9, "no span dropped");
    let kinds: Vec<&str> = set.warnings.iter().map(|w| w.kind.as_str()).collect();
    for k in ["cycle", "self_parent", "duplicate_span_id", "clock_skew", "negative_duration", "missing_timestamp", "missing_duration"] {
        assert!(kinds.contains(&k), "missing warning {k}: {kinds:?}");
    }
    let cut = set.spans.iter().find(|s| s.has(span_flags::CYCLE)).unwrap();
    assert_eq!(cut.span_id.to_text(&set.strings), "000000000000000b");
    assert_eq!(cut.parent, NO_SPAN);
    // The trace root is the earliest-starting span with no parent reference.
    let root = &set.spans[set.traces[0].root as usize];
    assert_eq!(root.span_id.to_text(&set.strings), "0000000000000001");
    // The missing-timestamp span sits at its parent's start.
    let missing = set.spans.iter().find(|s| s.has(span_flags::MISSING_TIMESTAMP)).unwrap();
    // Span 1, its parent, starts at 100.
    assert_eq!(missing.start_ns, 100);
    // Duration ignores the missing span and counts the skewed one: from span 3's start
    // (50) to span 1's end (1000).
    assert_eq!(set.traces[0].start_ns, 50);
    assert_eq!(set.traces[0].duration_ns, 950);
}

#[test]
fn fragments_of_one_trace_merge_across_files_and_formats() {
    let a = otlp_doc(&[otlp_span("0000000000000001", None, 1_000, 9_000)]);
    let b = r#"[{"traceId":"000000000000000000000000000000bb","id":"0000000000000002","parentId":"0000000000000001","name":"child","timestamp":2,"duration":3,"localEndpoint":{"serviceName":"z"}}]"#;
    let set = parse::load(&[("a.json", a.as_bytes()), ("b.json", b.as_bytes())], None).unwrap();
    // One trace id in both files; the OTLP root (index 0) is the Zipkin child's parent.
    assert_eq!(set.traces.len(), 1);
    assert_eq!(set.spans.len(), 2);
    assert_eq!(set.spans[1].parent, 0);
    assert_eq!(set.sources.len(), 2);
}

/// The analyze JSON without the per-file `sources` (names and formats differ).
fn analyze_value(set: &clew::model::TraceSet) -> serde_json::Value {
    let opts = clew::report::ReportOptions::default();
    let mut v = clew::report::analyze_json(set, &opts);
    if let Some(o) = v.as_object_mut() {
        o.remove("sources");
    }
    v
}

#[test]
fn cross_format_same_traces_same_analysis() {
    let spans = synth::generate(GenOptions { spans: 3_000, traces: 4, seed: 42 });
    let mut outputs = Vec::new();
    for f in [GenFormat::Otlp, GenFormat::OtlpBase64, GenFormat::Jaeger, GenFormat::Zipkin] {
        let text = synth::encode(&spans, f);
        let set = parse::load(&[("g", text.as_bytes())], None).unwrap_or_else(|e| panic!("{f:?}: {e}"));
        // The 3,000 spans generated above.
        assert_eq!(set.spans.len(), 3_000, "{f:?}");
        outputs.push((f, analyze_value(&set)));
    }
    let (_, first) = &outputs[0];
    for (f, v) in &outputs[1..] {
        if let Some(d) = first_difference(first, v) {
            panic!("{f:?} differs from OTLP at {d}");
        }
    }
}

#[test]
fn generated_file_counts() {
    for f in [GenFormat::Otlp, GenFormat::Jaeger, GenFormat::Zipkin] {
        let spans = synth::generate(GenOptions { spans: 1_000, traces: 3, seed: 1 });
        let text = synth::encode(&spans, f);
        let set = parse::load(&[("g", text.as_bytes())], None).unwrap();
        // The generator's options: 1,000 spans in 3 traces.
        assert_eq!(set.traces.len(), 3);
        assert_eq!(set.spans.len(), 1_000);
        assert_eq!(set.warnings.len(), 0, "{f:?}: {:?}", set.warnings.first());
    }
}

/// The path and values of the first difference between two JSON values (iterative).
fn first_difference(a: &serde_json::Value, b: &serde_json::Value) -> Option<String> {
    use serde_json::Value as J;
    let mut stack: Vec<(String, &J, &J)> = vec![(String::from("$"), a, b)];
    while let Some((path, x, y)) = stack.pop() {
        match (x, y) {
            (J::Object(mx), J::Object(my)) => {
                let kx: Vec<&String> = mx.keys().collect();
                let ky: Vec<&String> = my.keys().collect();
                if kx != ky {
                    return Some(format!("{path}: keys {kx:?} vs {ky:?}"));
                }
                for k in kx.into_iter().rev() {
                    stack.push((format!("{path}.{k}"), &mx[k], &my[k]));
                }
            }
            (J::Array(ax), J::Array(ay)) => {
                if ax.len() != ay.len() {
                    return Some(format!("{path}: length {} vs {}", ax.len(), ay.len()));
                }
                for (i, (p, q)) in ax.iter().zip(ay).enumerate().rev() {
                    stack.push((format!("{path}[{i}]"), p, q));
                }
            }
            _ if x != y => return Some(format!("{path}: {x} vs {y}")),
            _ => {}
        }
    }
    None
}
