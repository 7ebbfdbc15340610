//! Jaeger JSON, Zipkin v2 JSON and Jaeger api_v2 protobuf-JSON readers against the
//! real corpus in tests/corpus (span and trace counts from its MANIFEST,
//! negative files refused with clear errors) plus crafted edge cases. Formats are
//! forced so that these tests do not depend on format detection.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test or benchmark fails by panicking; clippy.toml already exempts #[test] bodies, and this covers their helpers")]

use std::path::PathBuf;

use clew::model::{span_flags, AttrValue, LinkKind, SpanKind, StatusCode, TraceSet, WarningKind, NO_SPAN};
use clew::parse::{load, Format, LoadError};

fn corpus(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus").join(rel)
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(corpus(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
}

fn load_file(rel: &str, format: Format) -> Result<TraceSet, LoadError> {
    let bytes = read(rel);
    load(&[(rel, &bytes)], Some(format))
}

fn ok(rel: &str, format: Format) -> TraceSet {
    load_file(rel, format).unwrap_or_else(|e| panic!("{rel} should load: {e}"))
}

fn load_text(text: &str, format: Format) -> TraceSet {
    load(&[("inline.json", text.as_bytes())], Some(format)).unwrap_or_else(|e| panic!("inline should load: {e}"))
}

fn count(set: &TraceSet, kind: WarningKind) -> usize {
    set.warnings.iter().filter(|w| w.kind == kind).count()
}

fn span_by_id(set: &TraceSet, id: &str) -> usize {
    set.spans
        .iter()
        .position(|s| s.span_id.to_text(&set.strings) == id)
        .unwrap_or_else(|| panic!("span {id} not found"))
}

fn total_errors(set: &TraceSet) -> u32 {
    set.traces.iter().map(|t| t.errors).sum()
}

/// Every span is in exactly one trace, pre-order invariants hold.
fn check_layout(set: &TraceSet) {
    let mut covered = 0usize;
    for (ti, t) in set.traces.iter().enumerate() {
        covered += t.spans.len as usize;
        for i in t.spans.range() {
            let s = &set.spans[i];
            assert_eq!(s.trace as usize, ti);
            if s.parent != NO_SPAN {
                assert!((s.parent as usize) < i);
                assert_eq!(set.spans[s.parent as usize].depth + 1, s.depth);
            }
            assert!(s.subtree_end as usize <= t.spans.range().end);
        }
    }
    assert_eq!(covered, set.spans.len());
}

// ───────────────────────── corpus: span and trace counts ─────────────────────────
//
// (file, traces, spans): the "traces" and "spans" columns of tests/corpus/MANIFEST.md.
// In the tests below, ids, names, times and tag values are as written in the file the
// test reads; comments say where a number is counted or converted.

#[test]
fn jaeger_corpus_counts() {
    let files: &[(&str, usize, usize)] = &[
        ("jaeger/anonymizer-span-array-embedded-process.json", 1, 2),
        ("jaeger/api-response-follows-from-only.json", 1, 2),
        ("jaeger/child-longer-than-parent-odd-length-ids.json", 1, 8),
        ("jaeger/data-as-object-processed-trace.json", 1, 4),
        ("jaeger/genai-2traces-data-array-nonhex-ids.json", 2, 6),
        ("jaeger/genai-57spans-10services-single-trace.json", 1, 57),
        ("jaeger/invalid-duration-string-type.json", 1, 1),
        ("jaeger/nested-span-objects-in-references.json", 1, 4),
        ("jaeger/nulls-nonhex-short-ids-follows-from.json", 1, 3),
        ("jaeger/ui-model-dup-spanids-typed-tags-warnings.json", 1, 5),
        ("jaeger/wrong-shape-single-span-object.json", 1, 1),
    ];
    for &(rel, traces, spans) in files {
        let set = ok(rel, Format::Jaeger);
        assert_eq!(set.spans.len(), spans, "{rel}: spans");
        assert_eq!(set.traces.len(), traces, "{rel}: traces");
        assert_eq!(set.sources.len(), 1);
        assert_eq!(set.sources[0].format, "jaeger");
        check_layout(&set);
    }
}

#[test]
fn zipkin_corpus_counts() {
    let files: &[(&str, usize, usize)] = &[
        ("zipkin/clock-skew.json", 1, 4),
        ("zipkin/envoy-single-span.json", 1, 1),
        ("zipkin/malformed-kong-missing-fields.json", 1, 7),
        ("zipkin/messaging-orphans.json", 1, 11),
        ("zipkin/netflix-incomplete-spans.json", 1, 8),
        ("zipkin/non-ascii-chinese-single-object.json", 1, 1),
        ("zipkin/otelcol-contrib-annotations-otel-status-error.json", 1, 1),
        ("zipkin/short-ids-debug-shared-epoch-times.json", 1, 1),
        ("zipkin/smartthings-mobile-web-install-1041spans.json", 1, 1041),
        ("zipkin/smartthings-oauth-authorization-175spans.json", 1, 175),
        ("zipkin/v1-style-core-annotations-long-servicename.json", 1, 2),
    ];
    for &(rel, traces, spans) in files {
        let set = ok(rel, Format::Zipkin);
        assert_eq!(set.spans.len(), spans, "{rel}: spans");
        assert_eq!(set.traces.len(), traces, "{rel}: traces");
        check_layout(&set);
    }
}

#[test]
fn api_v2_protojson_file() {
    let set = ok("other/jaeger-apiv2-protojson-base64-rfc3339.json", Format::JaegerProto);
    // MANIFEST #39: 1 trace, 5 spans.
    assert_eq!(set.spans.len(), 5);
    assert_eq!(set.traces.len(), 1);
    // traceId "AAAAAAAAAAAAAAAAAAAAEQ==" is base64 for 0x11.
    assert_eq!(set.traces[0].trace_id.to_text(&set.strings), "00000000000000000000000000000011");
    assert_eq!(count(&set, WarningKind::InvalidId), 0);
    let s = span_by_id(&set, "0000000000000006");
    assert_eq!(set.spans[s].kind, SpanKind::Server);
    // "duration": "100000ns"; "startTime": "2017-01-26T16:46:31.639875Z" in Unix ns.
    assert_eq!(set.spans[s].duration_ns, 100_000);
    assert_eq!(set.spans[s].start_ns, 1_485_449_191_639_875_000);
    assert_eq!(set.service_of(&set.spans[s]), "example-service-1");
    let mut services: Vec<&str> = set.spans.iter().map(|s| set.service_of(s)).collect();
    services.sort_unstable();
    services.dedup();
    assert_eq!(services, ["example-service-1", "example-service-2", "example-service-3"]);
    // Two logs per span, each an event at the log's time.
    assert_eq!(set.events.len(), 10);
    // Same service+tags → one resource.
    assert_eq!(set.resources.len(), 3);
    check_layout(&set);
}

// ───────────────────────── corpus: negative files ─────────────────────────

#[test]
fn negative_files_are_refused_clearly() {
    match load_file("jaeger/empty-0-bytes.json", Format::Jaeger) {
        Err(LoadError::Empty { name }) => assert!(name.contains("empty-0-bytes")),
        other => panic!("expected Empty, got {other:?}"),
    }
    match load_file("jaeger/empty-array-no-spans.json", Format::Jaeger) {
        Err(e @ LoadError::NoSpans { .. }) => assert!(e.to_string().contains("no spans"), "{e}"),
        other => panic!("expected NoSpans, got {other:?}"),
    }
    // The error is where the parser stops: the "]" after the trailing comma is on line 2,
    // the first unquoted key of the JS literal on line 3.
    match load_file("jaeger/invalid-trailing-comma.json", Format::Jaeger) {
        Err(e @ LoadError::Json { line: 2, .. }) => assert!(e.to_string().contains("not valid JSON"), "{e}"),
        other => panic!("expected Json error at line 2, got {other:?}"),
    }
    match load_file("zipkin/invalid-json5-js-literal.json", Format::Zipkin) {
        Err(e @ LoadError::Json { line: 3, .. }) => assert!(e.to_string().contains("invalid-json5-js-literal"), "{e}"),
        other => panic!("expected Json error at line 3, got {other:?}"),
    }
    // The same empty array read as Zipkin or api_v2 has no spans either.
    assert!(matches!(load_file("jaeger/empty-array-no-spans.json", Format::Zipkin), Err(LoadError::NoSpans { .. })));
    assert!(matches!(load_file("jaeger/empty-array-no-spans.json", Format::JaegerProto), Err(LoadError::NoSpans { .. })));
}

#[test]
fn wrong_type_duration_loads_with_warning() {
    let set = ok("jaeger/invalid-duration-string-type.json", Format::Jaeger);
    let s = &set.spans[0];
    assert!(s.has(span_flags::MISSING_DURATION));
    assert!(s.has(span_flags::MISSING_TIMESTAMP));
    assert!(
        set.warnings.iter().any(|w| w.kind == WarningKind::Input && w.message.contains("\"invalid\"")),
        "{:?}",
        set.warnings
    );
}

#[test]
fn single_span_object_loads() {
    let set = ok("jaeger/wrong-shape-single-span-object.json", Format::Jaeger);
    assert_eq!(set.spans[0].span_id.to_text(&set.strings), "7606ddfe69932d34");
    // "duration": 267037 (µs).
    assert_eq!(set.spans[0].duration_ns, 267_037_000);
    assert_eq!(count(&set, WarningKind::MissingService), 1);
}

// ───────────────────────── corpus: Jaeger facts ─────────────────────────

#[test]
fn jaeger_duplicate_ids_multiple_parents_typed_tags() {
    let set = ok("jaeger/ui-model-dup-spanids-typed-tags-warnings.json", Format::Jaeger);
    // Two spans have id 2: the second is the one duplicate.
    assert_eq!(count(&set, WarningKind::DuplicateSpanId), 1);
    let dups: Vec<_> = set.spans.iter().filter(|s| s.has(span_flags::DUPLICATE_ID)).collect();
    assert_eq!(dups.len(), 1);
    assert_eq!(set.name_of(dups[0]), "some-operation");
    // The first span with id 2 is the one children attach to.
    let child = span_by_id(&set, "0000000000000003");
    let parent = set.spans[child].parent as usize;
    assert_eq!(set.name_of(&set.spans[parent]), "test-general-conversion");

    // Span 4: CHILD_OF ff (another trace), CHILD_OF 2, FOLLOWS_FROM 2.
    let s4 = span_by_id(&set, "0000000000000004");
    let s4s = &set.spans[s4];
    assert_eq!(s4s.parent_id.map(|p| p.to_text(&set.strings)).as_deref(), Some("00000000000000ff"));
    assert!(s4s.has(span_flags::ORPHAN));
    assert!(!s4s.has(span_flags::FOLLOWS_FROM));
    // The references that did not become the parent: CHILD_OF 2 and FOLLOWS_FROM 2.
    let links = &set.links[s4s.links.range()];
    assert_eq!(links.len(), 2);
    assert_eq!(links[0].kind, LinkKind::ChildOf);
    assert_eq!(links[1].kind, LinkKind::FollowsFrom);
    assert_eq!(links[0].span_id.to_text(&set.strings), "0000000000000002");
    // Span 4 is the one span with two CHILD_OF references.
    assert_eq!(count(&set, WarningKind::MultipleParents), 1);
    let mp = set.warnings.iter().find(|w| w.kind == WarningKind::MultipleParents).expect("warning");
    assert_eq!(mp.span as usize, s4);
    // Span 5 still hangs under span 4.
    let s5 = span_by_id(&set, "0000000000000005");
    assert_eq!(set.spans[s5].parent as usize, s4);

    // Typed tags on the duplicate span.
    let d = dups[0];
    assert_eq!(set.attr(d, "javascript_limit"), Some(AttrValue::Int(9_223_372_036_854_775_222)));
    assert_eq!(set.attr(d, "peer.ipv4"), Some(AttrValue::Int(23456)));
    assert_eq!(set.attr(d, "temperature"), Some(AttrValue::Double(72.5)));
    assert_eq!(set.attr(d, "error"), Some(AttrValue::Bool(true)));
    match set.attr(d, "blob") {
        Some(AttrValue::Bytes(b)) => assert_eq!(set.str(b), "AAAwOQ=="),
        other => panic!("blob should be bytes, got {other:?}"),
    }
    assert!(d.is_error());
    // The error tag above is the file's only one.
    assert_eq!(total_errors(&set), 1);

    // Logs: the "event" field names the event, otherwise "log". The first span with id 2
    // has two logs, at timestamp 1485467191639875 µs.
    let root = span_by_id(&set, "0000000000000002");
    let evs = &set.events[set.spans[root].events.range()];
    assert_eq!(evs.len(), 2);
    assert_eq!(set.str(evs[0].name), "some-event");
    assert_eq!(set.str(evs[1].name), "log");
    assert_eq!(evs[0].time_ns, 1_485_467_191_639_875_000);

    // Span warnings (on spans 4 and 5) and the trace warning are kept as input warnings;
    // spans of process p2 share its one resource.
    let input: Vec<&str> = set.warnings.iter().filter(|w| w.kind == WarningKind::Input).map(|w| w.message.as_str()).collect();
    assert_eq!(input.iter().filter(|m| m.contains("some span warning")).count(), 2, "{input:?}");
    assert_eq!(input.iter().filter(|m| m.contains("some trace warning")).count(), 1, "{input:?}");
    assert_eq!(set.resources.iter().filter(|r| set.str(r.service) == "service-y").count(), 1);
}

#[test]
fn jaeger_follows_from_only_child_is_a_child() {
    let set = ok("jaeger/api-response-follows-from-only.json", Format::Jaeger);
    let child = span_by_id(&set, "1bdf4201221bb2ac");
    let root = span_by_id(&set, "ea7cfaca83f0724b");
    let c = &set.spans[child];
    assert_eq!(c.parent as usize, root);
    assert!(c.has(span_flags::FOLLOWS_FROM));
    assert!(!c.has(span_flags::ORPHAN));
    assert_eq!(count(&set, WarningKind::Orphan), 0);
    assert_eq!(set.traces[0].root as usize, root);
    // The root and its one child.
    assert_eq!(set.traces[0].max_depth, 2);
    assert_eq!(set.service_of(c), "issue115");
    assert!(set.links[c.links.range()].is_empty());
}

#[test]
fn jaeger_nulls_short_ids_follows_from() {
    let set = ok("jaeger/nulls-nonhex-short-ids-follows-from.json", Format::Jaeger);
    assert_eq!(set.traces[0].trace_id.to_text(&set.strings), "0000000000000000000000000000abc0");
    let s567 = span_by_id(&set, "0000000000000567");
    assert!(set.spans[s567].has(span_flags::FOLLOWS_FROM));
    assert_eq!(set.spans[s567].parent as usize, span_by_id(&set, "000000000000abc0"));
    let s123 = span_by_id(&set, "0000000000000123");
    assert!(set.spans[s123].is_error());
    assert_eq!(set.service_of(&set.spans[s123]), "service_2");
    assert_eq!(set.attr_text(&set.spans[s123], "host").as_deref(), Some("google.com"));
    match set.attr(&set.spans[s123], "binary") {
        Some(AttrValue::Bytes(b)) => assert_eq!(set.str(b), "AQ=="),
        other => panic!("binary should be bytes, got {other:?}"),
    }
    // The one log (timestamp 1400 µs) has an "error" field but no event/message field.
    let ev = &set.events[set.spans[s123].events.range()];
    assert_eq!(ev.len(), 1);
    assert_eq!(set.str(ev[0].name), "log");
    assert_eq!(ev[0].time_ns, 1_400_000);
    // Span 123 is the file's one error.
    assert_eq!(total_errors(&set), 1);
    assert_eq!(count(&set, WarningKind::InvalidId), 0);
}

#[test]
fn jaeger_odd_length_ids_are_normalized() {
    let set = ok("jaeger/child-longer-than-parent-odd-length-ids.json", Format::Jaeger);
    // "4b52eb0cabcb50a" (15 digits) is the parent of afa59bdef0fc2561 and d72e44f0b9a0a6ce.
    let p = span_by_id(&set, "04b52eb0cabcb50a");
    let kids = set.spans.iter().filter(|s| s.parent as usize == p).count();
    assert_eq!(kids, 2);
    assert_eq!(set.spans[p].kind, SpanKind::Server);
    // "00000000000001" (14 digits) pads to 16.
    span_by_id(&set, "0000000000000001");
    assert_eq!(count(&set, WarningKind::InvalidId), 0);
    assert_eq!(set.traces[0].trace_id.to_text(&set.strings), "9ced30503c58dab894a2d7598b01a87a");
}

#[test]
fn jaeger_non_hex_ids_kept_with_invalid_id() {
    let set = ok("jaeger/genai-2traces-data-array-nonhex-ids.json", Format::Jaeger);
    let s = span_by_id(&set, "span-chat");
    assert!(set.spans[s].has(span_flags::INVALID_ID));
    let ids: Vec<String> = set.traces.iter().map(|t| t.trace_id.to_text(&set.strings)).collect();
    assert!(ids.iter().any(|t| t == "genai-full-trace-001"), "{ids:?}");
    // All 6 spans have non-hex span ids (and the traces non-hex trace ids).
    assert!(count(&set, WarningKind::InvalidId) >= 6);
    let w = set.warnings.iter().find(|w| w.kind == WarningKind::InvalidId && w.span as usize == s).expect("warning on span-chat");
    assert!(w.message.contains("span-chat"), "{}", w.message);
    // Parent links resolve through the raw ids.
    assert_eq!(count(&set, WarningKind::Orphan), 0);
    check_layout(&set);
}

#[test]
fn jaeger_embedded_process_and_string_error() {
    let set = ok("jaeger/anonymizer-span-array-embedded-process.json", Format::Jaeger);
    let child = span_by_id(&set, "7bd66f09ba90ea3d");
    let parent = span_by_id(&set, "7606ddfe69932d34");
    assert_eq!(set.spans[child].parent as usize, parent);
    assert!(set.spans[child].is_error());
    assert_eq!(set.spans[child].kind, SpanKind::Client);
    assert_eq!(set.service_of(&set.spans[child]), "3c220036602f839e");
    assert_eq!(set.service_of(&set.spans[parent]), "16af988c443cff37");
    assert!(set.spans[parent].has(span_flags::ORPHAN));
    // The child's string error tag is the one error.
    assert_eq!(total_errors(&set), 1);
}

#[test]
fn jaeger_data_object_and_nested_reference_spans() {
    let set = ok("jaeger/data-as-object-processed-trace.json", Format::Jaeger);
    assert_eq!(count(&set, WarningKind::Orphan), 0);
    assert_eq!(count(&set, WarningKind::MissingService), 0);
    let mut services: Vec<&str> = set.spans.iter().map(|s| set.service_of(s)).collect();
    services.sort_unstable();
    services.dedup();
    assert_eq!(services, ["load-generator", "ride-sharing-app"]);

    let set = ok("jaeger/nested-span-objects-in-references.json", Format::Jaeger);
    assert_eq!(count(&set, WarningKind::Orphan), 0);
    assert_eq!(set.traces[0].max_depth as usize, set.spans.iter().map(|s| s.depth + 1).max().unwrap_or(0) as usize);
    // The nested "span" objects are ignored: no extra links.
    assert!(set.links.is_empty());
}

#[test]
fn jaeger_genai_single_trace() {
    let set = ok("jaeger/genai-57spans-10services-single-trace.json", Format::Jaeger);
    // MANIFEST #19: one error span, 10 processes (services).
    assert_eq!(total_errors(&set), 1);
    let mut services: Vec<&str> = set.spans.iter().map(|s| set.service_of(s)).collect();
    services.sort_unstable();
    services.dedup();
    assert_eq!(services.len(), 10);
    assert_eq!(count(&set, WarningKind::Orphan), 0);
}

// ───────────────────────── corpus: Zipkin facts ─────────────────────────

#[test]
fn zipkin_shared_spans_form_parent_and_child() {
    let set = ok("zipkin/clock-skew.json", Format::Zipkin);
    assert_eq!(count(&set, WarningKind::DuplicateSpanId), 0);
    // The shared id's CLIENT and SERVER halves.
    let halves: Vec<usize> = (0..set.spans.len()).filter(|&i| set.spans[i].span_id.to_text(&set.strings) == "74280ae0c10d8062").collect();
    assert_eq!(halves.len(), 2);
    let server = *halves.iter().find(|&&i| set.spans[i].kind == SpanKind::Server).expect("server half");
    let client = *halves.iter().find(|&&i| set.spans[i].kind == SpanKind::Client).expect("client half");
    assert!(set.spans[server].has(span_flags::SHARED_SERVER));
    assert!(!set.spans[client].has(span_flags::SHARED_SERVER));
    assert_eq!(set.spans[server].parent as usize, client);
    // The server half starts before the client half on another host: clock skew.
    assert!(set.spans[server].has(span_flags::CLOCK_SKEW));
    // Children of the shared id attach to the server half.
    let async_span = span_by_id(&set, "43210ae0c10d1234");
    assert_eq!(set.spans[async_span].parent as usize, server);
    let root = span_by_id(&set, "bf396325699c84bf");
    assert_eq!(set.spans[client].parent as usize, root);
    assert_eq!(set.traces[0].root as usize, root);
    // root → client half → server half → async span.
    assert_eq!(set.traces[0].max_depth, 4);
    assert_eq!(count(&set, WarningKind::Orphan), 0);
}

#[test]
fn zipkin_netflix_kindless_duplicates() {
    let set = ok("zipkin/netflix-incomplete-spans.json", Format::Zipkin);
    // The file has 4 spans with id 6c59056709a0b1e4: a CLIENT, a SERVER and 2 kind-less.
    let same: Vec<usize> = (0..set.spans.len()).filter(|&i| set.spans[i].span_id.to_text(&set.strings) == "6c59056709a0b1e4").collect();
    assert_eq!(same.len(), 4);
    let kindless: Vec<usize> = same.iter().copied().filter(|&i| set.spans[i].kind == SpanKind::Unspecified).collect();
    assert_eq!(kindless.len(), 2);
    for &i in &kindless {
        assert!(set.spans[i].has(span_flags::DUPLICATE_ID), "kind-less copy is a duplicate");
    }
    let server = *same.iter().find(|&&i| set.spans[i].kind == SpanKind::Server).expect("server");
    let client = *same.iter().find(|&&i| set.spans[i].kind == SpanKind::Client).expect("client");
    assert!(set.spans[server].has(span_flags::SHARED_SERVER));
    assert!(!set.spans[server].has(span_flags::DUPLICATE_ID));
    assert_eq!(set.spans[server].parent as usize, client);
    // The two kind-less copies.
    assert_eq!(count(&set, WarningKind::DuplicateSpanId), 2);
    // 67fae42571535f60 is a CLIENT/SERVER pair too.
    let pair: Vec<usize> = (0..set.spans.len()).filter(|&i| set.spans[i].span_id.to_text(&set.strings) == "67fae42571535f60").collect();
    assert_eq!(pair.len(), 2);
    assert!(pair.iter().all(|&i| !set.spans[i].has(span_flags::DUPLICATE_ID)));
    // Span without duration.
    let nodur = span_by_id(&set, "8f6bc3f30fa5b0bf");
    assert!(set.spans[nodur].has(span_flags::MISSING_DURATION));
    assert_eq!(set.traces[0].trace_id.to_text(&set.strings), "5982fe77008310cc80f1da5e10147517");
}

#[test]
fn zipkin_v1_style_annotations() {
    let set = ok("zipkin/v1-style-core-annotations-long-servicename.json", Format::Zipkin);
    let svc = "com.alipay.sofa.tracer.demo.facade.rpccallservice.okay.we.can.go.a.bit.further.to.see.how.lens.copes.with.this";
    assert!(set.spans.iter().all(|s| set.service_of(s) == svc));
    assert_eq!(count(&set, WarningKind::MissingService), 0);
    let child = span_by_id(&set, "40ef4e93ab3b1507");
    let c = &set.spans[child];
    // The cs annotation's timestamp, 1484722952100852 µs.
    assert_eq!(c.start_ns, 1_484_722_952_100_852_000, "start from the cs annotation");
    assert!(!c.has(span_flags::MISSING_TIMESTAMP));
    assert!(c.has(span_flags::MISSING_DURATION));
    assert_eq!(c.parent as usize, span_by_id(&set, "77047bf9cf04ed5d"));
    let root = span_by_id(&set, "77047bf9cf04ed5d");
    let evs = &set.events[set.spans[root].events.range()];
    assert_eq!(evs.iter().map(|e| set.str(e.name)).collect::<Vec<_>>(), ["sr", "ss"]);
    assert_eq!(set.spans.len(), 2, "annotations never split a span");
}

#[test]
fn zipkin_errors_and_status() {
    let set = ok("zipkin/otelcol-contrib-annotations-otel-status-error.json", Format::Zipkin);
    let s = &set.spans[0];
    assert!(s.is_error());
    assert_eq!(s.status, StatusCode::Error);
    assert_eq!(set.str(s.status_message), "Something failed");
    // The span's two annotations.
    assert_eq!(set.events[s.events.range()].len(), 2);
    assert_eq!(set.attr_text(s, "peer.service").as_deref(), Some("backend"));
    assert_eq!(set.attr_text(s, "server.address").as_deref(), Some("192.168.99.101"));
    assert_eq!(set.attr(s, "server.port"), Some(AttrValue::Int(9000)));
    assert_eq!(count(&set, WarningKind::MissingService), 1);
    assert!(s.has(span_flags::ORPHAN));

    let set = ok("zipkin/non-ascii-chinese-single-object.json", Format::Zipkin);
    let s = &set.spans[0];
    assert!(s.is_error());
    assert_eq!(set.service_of(s), "订单维护服务");
    assert_eq!(set.name_of(s), "个人信息查询");
    assert_eq!(set.str(s.status_message), "此用户没有操作权限");
    assert_eq!(set.traces[0].errors, 1);

    let set = ok("zipkin/smartthings-oauth-authorization-175spans.json", Format::Zipkin);
    assert!(total_errors(&set) >= 1);
}

#[test]
fn zipkin_short_ids_and_envoy() {
    let set = ok("zipkin/short-ids-debug-shared-epoch-times.json", Format::Zipkin);
    let s = &set.spans[0];
    assert_eq!(s.span_id.to_text(&set.strings), "0000000000000002");
    assert_eq!(s.parent_id.map(|p| p.to_text(&set.strings)).as_deref(), Some("0000000000000001"));
    // "timestamp": 1 and "duration": 10, in µs.
    assert_eq!(s.start_ns, 1000);
    assert_eq!(s.duration_ns, 10_000);
    assert!(s.has(span_flags::ORPHAN));
    assert_eq!(count(&set, WarningKind::InvalidId), 0);

    let set = ok("zipkin/envoy-single-span.json", Format::Zipkin);
    let s = &set.spans[0];
    assert_eq!(set.service_of(s), "unknown_service");
    assert_eq!(count(&set, WarningKind::MissingService), 1);
    assert_eq!(set.attr_text(s, "http.status_code").as_deref(), Some("200"));
    assert!(s.has(span_flags::SHARED_SERVER));
    assert_eq!(set.traces[0].root, 0);
}

#[test]
fn zipkin_messaging_orphans_and_kong() {
    let set = ok("zipkin/messaging-orphans.json", Format::Zipkin);
    // MANIFEST #30: 6 of 11 spans reference parents not in the file.
    assert_eq!(count(&set, WarningKind::Orphan), 6);
    assert_eq!(set.spans.iter().filter(|s| s.has(span_flags::ORPHAN)).count(), 6);

    let set = ok("zipkin/malformed-kong-missing-fields.json", Format::Zipkin);
    // 4 of the 7 spans have no "duration" (3 have 16000 or 35000 µs).
    assert_eq!(set.spans.iter().filter(|s| s.has(span_flags::MISSING_DURATION)).count(), 4);
    let root = span_by_id(&set, "ed395cb866d02665");
    assert_eq!(set.traces[0].root as usize, root);
    // The root's remoteEndpoint is only {"port": 3771}.
    assert_eq!(set.attr(&set.spans[root], "server.port"), Some(AttrValue::Int(3771)));
    assert_eq!(set.attr_text(&set.spans[root], "http.url").as_deref(), Some(""));
}

#[test]
fn zipkin_smartthings_every_span_present() {
    let rel = "zipkin/smartthings-mobile-web-install-1041spans.json";
    let set = ok(rel, Format::Zipkin);
    assert_eq!(set.spans.len(), 1041);
    // Every input element is a span: compare (id, name) multisets with the raw JSON.
    let raw: serde_json::Value = serde_json::from_slice(&read(rel)).expect("json");
    let mut want: Vec<(String, String)> = raw
        .as_array()
        .expect("array")
        .iter()
        .map(|s| {
            let id = s["id"].as_str().unwrap_or("");
            (format!("{:0>16}", id.to_ascii_lowercase()), s["name"].as_str().unwrap_or("").to_string())
        })
        .collect();
    let mut got: Vec<(String, String)> = set.spans.iter().map(|s| (s.span_id.to_text(&set.strings), set.name_of(s).to_string())).collect();
    want.sort();
    got.sort();
    assert_eq!(got, want);
    // MANIFEST #35: 2 error tags, 175 spans without duration.
    assert_eq!(total_errors(&set), 2);
    assert_eq!(set.spans.iter().filter(|s| s.has(span_flags::MISSING_DURATION)).count(), 175);
    // 84 ids have a kind-less, timeless fragment besides their CLIENT/SERVER pair, and
    // one id has 5 SERVER copies: 84 + 4 later copies are duplicates, the pairs are not.
    assert_eq!(count(&set, WarningKind::DuplicateSpanId), 88);
    // Every `shared: true` SERVER span is flagged as a server half: the file has 294.
    assert_eq!(set.spans.iter().filter(|s| s.has(span_flags::SHARED_SERVER)).count(), 294);
    check_layout(&set);
}

/// The CLIENT half of every shared pair is the parent of its SERVER half and is not a
/// duplicate, even when a kind-less fragment with the same id comes first in the file.
/// Needs the builder to pair a server half with the CLIENT span of its id (build.rs).
#[test]
fn zipkin_smartthings_pairs_use_the_client_half() {
    let set = ok("zipkin/smartthings-mobile-web-install-1041spans.json", Format::Zipkin);
    for s in set.spans.iter().filter(|s| s.has(span_flags::SHARED_SERVER) && !s.has(span_flags::DUPLICATE_ID)) {
        let same_id_client = set.spans.iter().any(|c| c.span_id == s.span_id && c.kind == SpanKind::Client);
        if same_id_client {
            assert_ne!(s.parent, NO_SPAN);
            assert_eq!(set.spans[s.parent as usize].kind, SpanKind::Client);
            assert_eq!(set.spans[s.parent as usize].span_id, s.span_id);
        }
    }
    assert!(!set.spans.iter().any(|s| s.kind == SpanKind::Client && s.has(span_flags::DUPLICATE_ID)));
}

// ───────────────────────── crafted inputs ─────────────────────────

fn jaeger_chain(n: usize) -> String {
    let mut o = String::from("{\"data\":[{\"traceID\":\"00000000000000000000000000000abc\",\"spans\":[");
    for i in 1..=n {
        if i > 1 {
            o.push(',');
        }
        let refs = if i == 1 {
            String::new()
        } else {
            format!("{{\"refType\":\"CHILD_OF\",\"traceID\":\"abc\",\"spanID\":\"{:x}\"}}", i - 1)
        };
        o.push_str(&format!(
            "{{\"traceID\":\"abc\",\"spanID\":\"{i:x}\",\"operationName\":\"op\",\"references\":[{refs}],\"startTime\":{},\"duration\":{},\"processID\":\"p1\"}}",
            1_000_000 + i,
            (n - i + 1) * 2
        ));
    }
    o.push_str("],\"processes\":{\"p1\":{\"serviceName\":\"deep\",\"tags\":[]}}}]}");
    o
}

#[test]
fn deep_jaeger_chain_loads() {
    let n = 30_000;
    let set = load_text(&jaeger_chain(n), Format::Jaeger);
    // A chain of n: one trace, n levels, the last span at depth n - 1, all of it the
    // root's subtree, one process.
    assert_eq!(set.spans.len(), n);
    assert_eq!(set.traces.len(), 1);
    assert_eq!(set.traces[0].max_depth as usize, n);
    assert_eq!(set.spans[n - 1].depth as usize, n - 1);
    assert_eq!(set.spans[0].subtree_end as usize, n);
    assert_eq!(set.resources.iter().filter(|r| set.str(r.service) == "deep").count(), 1);
    assert!(set.warnings.is_empty(), "{:?}", &set.warnings[..set.warnings.len().min(3)]);
}

#[test]
fn cycle_and_self_parent() {
    let text = r#"{"traceID":"1","spans":[
      {"traceID":"1","spanID":"a","references":[{"refType":"CHILD_OF","spanID":"c"}],"startTime":10,"duration":5,"processID":"p"},
      {"traceID":"1","spanID":"b","references":[{"refType":"CHILD_OF","spanID":"a"}],"startTime":11,"duration":5,"processID":"p"},
      {"traceID":"1","spanID":"c","references":[{"refType":"CHILD_OF","spanID":"b"}],"startTime":12,"duration":5,"processID":"p"},
      {"traceID":"1","spanID":"d","references":[{"refType":"CHILD_OF","spanID":"d"}],"startTime":20,"duration":5,"processID":"p"}],
      "processes":{"p":{"serviceName":"s"}}}"#;
    let set = load_text(text, Format::Jaeger);
    // a → c → b → a is one cycle; d names itself.
    assert_eq!(set.spans.len(), 4);
    assert_eq!(count(&set, WarningKind::Cycle), 1);
    let a = span_by_id(&set, "000000000000000a");
    assert!(set.spans[a].has(span_flags::CYCLE), "cut at the earliest-starting span");
    assert_eq!(set.spans[a].parent, NO_SPAN);
    let d = span_by_id(&set, "000000000000000d");
    assert!(set.spans[d].has(span_flags::SELF_PARENT));
    assert_eq!(set.spans[d].parent, NO_SPAN);
    assert_eq!(count(&set, WarningKind::SelfParent), 1);
    check_layout(&set);
}

#[test]
fn jaeger_shapes_all_load() {
    let span = |id: &str| {
        format!(r#"{{"traceID":"aa","spanID":"{id}","operationName":"op","startTime":1,"duration":1,"process":{{"serviceName":"s"}}}}"#)
    };
    let trace = format!(r#"{{"traceID":"aa","spans":[{}],"processes":{{}}}}"#, span("1"));
    let shapes = [
        format!(r#"{{"data":[{trace}],"total":0,"limit":0,"offset":0,"errors":null}}"#),
        format!(r#"{{"data":{trace}}}"#),
        format!("[{trace}]"),
        trace.clone(),
        format!("[{}]", span("1")),
        span("1"),
        format!("{trace}\n{}\n", span("2")),
        format!(r#"{{"result":{{"spans":[{}]}}}}"#, span("1")),
    ];
    for (i, text) in shapes.iter().enumerate() {
        let set = load_text(text, Format::Jaeger);
        assert!(!set.spans.is_empty(), "shape {i}");
        assert_eq!(set.service_of(&set.spans[0]), "s", "shape {i}");
        assert_eq!(set.traces.len(), 1, "shape {i}");
    }
}

#[test]
fn jaeger_processes_after_spans_and_missing_process() {
    let text = r#"{"traceID":"1","spans":[
        {"spanID":"1","operationName":"a","startTime":1,"duration":3,"processID":"p1"},
        {"spanID":"2","operationName":"b","startTime":2,"duration":1,"processID":"nope","references":[{"spanID":"1"}]}],
        "processes":{"p1":{"serviceName":"front","tags":[{"key":"ip","type":"string","value":"1.2.3.4"}]}},
        "warnings":["partial"]}"#;
    let set = load_text(text, Format::Jaeger);
    assert_eq!(set.spans.len(), 2);
    // Spans without traceID take their trace's ("1", padded).
    assert_eq!(set.traces[0].trace_id.to_text(&set.strings), "00000000000000000000000000000001");
    assert_eq!(set.service_of(&set.spans[0]), "front");
    assert_eq!(set.attr_text(&set.spans[0], "ip").as_deref(), Some("1.2.3.4"));
    assert_eq!(set.service_of(&set.spans[1]), "unknown_service");
    assert!(set.warnings.iter().any(|w| w.kind == WarningKind::Input && w.message.contains("\"nope\"")));
    assert!(set.warnings.iter().any(|w| w.message.contains("partial")));
    assert_eq!(set.spans[1].parent, 0);
}

#[test]
fn jaeger_jsonl_bad_line_warns_and_only_bad_line_fails() {
    let good = r#"{"traceID":"1","spanID":"1","startTime":1,"duration":1}"#;
    let text = format!("{good}\n{{\"traceID\": nope}}\n{}\n", good.replace("\"spanID\":\"1\"", "\"spanID\":\"2\""));
    let set = load_text(&text, Format::Jaeger);
    // Lines 1 and 3 load; line 2 is the bad one.
    assert_eq!(set.spans.len(), 2);
    let set_w = &set.warnings[set.set_warnings.range()];
    assert!(set_w.iter().any(|w| w.kind == WarningKind::Input && w.message.starts_with("line 2:")), "{set_w:?}");

    // The document ends on line 2, before the value of "a".
    match load(&[("x.jsonl", b"{\"a\":\n".as_slice())], Some(Format::Jaeger)) {
        Err(LoadError::Json { line, .. }) => assert_eq!(line, 2),
        other => panic!("expected a JSON error, got {other:?}"),
    }
    match load(&[("x.jsonl", b"{\"traceID\":1}x\n{\"bad\n".as_slice())], Some(Format::Jaeger)) {
        Err(LoadError::Json { .. }) => {}
        other => panic!("expected a JSON error, got {other:?}"),
    }
}

#[test]
fn zipkin_shapes_all_load() {
    let span = |id: &str| format!(r#"{{"traceId":"aa","id":"{id}","name":"n","timestamp":1,"duration":1,"localEndpoint":{{"serviceName":"s"}}}}"#);
    let shapes = [
        format!("[{},{}]", span("1"), span("2")),
        span("1"),
        format!("[[{}],[{}]]", span("1"), span("2")),
        format!("{}\n{}\n", span("1"), span("2")),
        format!("[{}]\n[{}]\n", span("1"), span("2")),
    ];
    for (i, text) in shapes.iter().enumerate() {
        let set = load_text(text, Format::Zipkin);
        assert!(!set.spans.is_empty(), "shape {i}");
        assert_eq!(set.service_of(&set.spans[0]), "s", "shape {i}");
        assert_eq!(set.resources.len(), 1, "shape {i}: one resource per endpoint");
    }
}

#[test]
fn zipkin_tolerates_wrong_types() {
    let text = r#"[{"traceId":"aa","id":"1","name":5,"timestamp":"12","duration":"x","localEndpoint":"oops",
                   "remoteEndpoint":[],"tags":{"n":3,"b":true,"o":{"x":1}},"annotations":[{"value":"ev"},"nope"],"shared":"yes"},
                   {"traceId":"aa","id":"zz-top","parentId":"1","timestamp":20,"duration":1}]"#;
    let set = load_text(text, Format::Zipkin);
    assert_eq!(set.spans.len(), 2);
    let s = span_by_id(&set, "0000000000000001");
    let s = &set.spans[s];
    // "timestamp": "12" (µs, as a string).
    assert_eq!(s.start_ns, 12_000);
    assert!(s.has(span_flags::MISSING_DURATION));
    assert_eq!(set.name_of(s), "5");
    assert_eq!(set.attr_text(s, "n").as_deref(), Some("3"));
    assert_eq!(set.attr_text(s, "b").as_deref(), Some("true"));
    let ev = &set.events[s.events.range()];
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].time_ns, 12_000, "timeless annotation shown at the span's start");
    let bad = span_by_id(&set, "zz-top");
    assert!(set.spans[bad].has(span_flags::INVALID_ID));
    assert_eq!(count(&set, WarningKind::InvalidId), 1);
    // At least the wrong-typed duration, localEndpoint, remoteEndpoint, annotation "nope"
    // and shared.
    assert!(count(&set, WarningKind::Input) >= 5, "{:?}", set.warnings);
}

#[test]
fn formats_merge_fragments_of_one_trace() {
    let j = r#"{"traceID":"00000000000000000000000000000abc","spanID":"1","operationName":"root","startTime":1,"duration":100,"process":{"serviceName":"a"}}"#;
    let z = r#"[{"traceId":"00000000000000000000000000000abc","id":"2","parentId":"1","name":"child","timestamp":2,"duration":10,"localEndpoint":{"serviceName":"b"}}]"#;
    let mut b = clew::model::builder::SetBuilder::new();
    clew::parse::read_input(&mut b, "j.json", j.as_bytes(), Some(Format::Jaeger)).expect("jaeger");
    clew::parse::read_input(&mut b, "z.json", z.as_bytes(), Some(Format::Zipkin)).expect("zipkin");
    let set = b.finish();
    assert_eq!(set.traces.len(), 1);
    assert_eq!(set.spans[1].parent, 0);
    assert_eq!(set.service_of(&set.spans[1]), "b");
}

// ───────────────────────── robustness ─────────────────────────

/// Truncations and byte substitutions of every corpus file, read by all three readers:
/// never a panic; whatever loads is laid out correctly.
#[test]
fn damaged_inputs_never_panic() {
    let files = [
        "jaeger/anonymizer-span-array-embedded-process.json",
        "jaeger/api-response-follows-from-only.json",
        "jaeger/child-longer-than-parent-odd-length-ids.json",
        "jaeger/data-as-object-processed-trace.json",
        "jaeger/genai-2traces-data-array-nonhex-ids.json",
        "jaeger/invalid-duration-string-type.json",
        "jaeger/nested-span-objects-in-references.json",
        "jaeger/nulls-nonhex-short-ids-follows-from.json",
        "jaeger/ui-model-dup-spanids-typed-tags-warnings.json",
        "zipkin/clock-skew.json",
        "zipkin/malformed-kong-missing-fields.json",
        "zipkin/netflix-incomplete-spans.json",
        "zipkin/non-ascii-chinese-single-object.json",
        "zipkin/otelcol-contrib-annotations-otel-status-error.json",
        "zipkin/v1-style-core-annotations-long-servicename.json",
        "other/jaeger-apiv2-protojson-base64-rfc3339.json",
    ];
    let subs: &[u8] = b"\"}]0-n{[,:";
    for rel in files {
        let bytes = read(rel);
        let n = bytes.len();
        let mut variants: Vec<Vec<u8>> = Vec::new();
        for k in 1..16 {
            variants.push(bytes[..n * k / 16].to_vec());
        }
        for k in 0..24 {
            let mut v = bytes.clone();
            let at = (n * k / 24 + k) % n.max(1);
            v[at] = subs[k % subs.len()];
            variants.push(v);
        }
        // Every JSON line a copy of the minified file.
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes) {
            let line = v.to_string();
            variants.push(format!("{line}\n{line}\n").into_bytes());
        }
        for v in &variants {
            for f in [Format::Jaeger, Format::Zipkin, Format::JaegerProto] {
                if let Ok(set) = load(&[(rel, v.as_slice())], Some(f)) {
                    check_layout(&set);
                }
            }
        }
    }
}

#[test]
fn deep_json_nesting_is_an_error_not_a_crash() {
    let depth = 100_000;
    let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    for f in [Format::Jaeger, Format::Zipkin, Format::JaegerProto] {
        match load(&[("deep.json", text.as_bytes())], Some(f)) {
            Err(LoadError::Json { reason, .. }) => assert!(reason.contains("recursion"), "{reason}"),
            other => panic!("expected a JSON error, got {other:?}"),
        }
    }
    // Deeply nested ignored values inside a span are bounded the same way.
    let text = format!(r#"{{"traceID":"1","spanID":"1","x":{}{}}}"#, "{\"a\":".repeat(200), "}".repeat(200));
    assert!(matches!(load(&[("deep.json", text.as_bytes())], Some(Format::Jaeger)), Err(LoadError::Json { .. })));
}

#[test]
fn reading_twice_merges_and_dedupes_nothing_wrongly() {
    // The same Zipkin file twice: every span kept, second copies are duplicates.
    let rel = "zipkin/messaging-orphans.json";
    let bytes = read(rel);
    let set = load(&[("a.json", &bytes), ("b.json", &bytes)], Some(Format::Zipkin)).expect("loads");
    // Twice the file's 11 spans; each of the second 11 repeats an id.
    assert_eq!(set.spans.len(), 22);
    assert_eq!(set.sources.len(), 2);
    assert_eq!(count(&set, WarningKind::DuplicateSpanId), 11);
}
