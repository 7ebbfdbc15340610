//! OTLP export round trip: every corpus file that loads, the demo and generated sets in
//! each writer format are exported with `export::otlp`, the text is loaded back, and the
//! two sets are compared field by field.
//!
//! Compared, trace by trace in set order, and within a trace span by span sorted by id
//! (siblings that start at the same time are ordered by span id, which a new id changes):
//! - traces: count, order, id (through the listed id changes), span count;
//! - spans: span id and the parent's id (through the id changes; a root stays a root),
//!   depth, start and duration in ns, name, kind, status code and message, the error
//!   flag, service, resource attributes (other than `service.name`, which the export adds
//!   when the service came from elsewhere), scope name and version, attributes (keys,
//!   types and values), dropped counts, trace state, W3C flags, events (time, name,
//!   attributes), links (trace and span id through the id changes, trace state,
//!   attributes);
//! - LLM totals: `analysis::llm::call::analyze_set` with the built-in prices, whole.
//!
//! Not compared, since they describe the input rather than the traces: warnings
//! (duplicate ids, missing or negative durations, missing timestamps, invalid ids, cut
//! cycles, clock skew found on load), the flags that mirror them, the `sources` list, a
//! link's Jaeger reference type (OTLP links have none) and input indices.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

use std::collections::HashMap;
use std::path::PathBuf;

use clew::analysis::llm::call;
use clew::analysis::pricing::PriceTable;
use clew::export::ids::{IdChange, IdKind};
use clew::export::otlp;
use clew::model::{span_flags, Attr, TraceSet, NO_SPAN};
use clew::parse;
use clew::synth::{self, GenFormat, GenOptions};

fn corpus() -> Vec<(String, Vec<u8>)> {
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut out = Vec::new();
    for dir in ["otlp", "jaeger", "zipkin", "other"] {
        let mut files: Vec<_> = std::fs::read_dir(base.join(dir)).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files.into_iter().filter(|f| f.is_file()) {
            out.push((format!("{dir}/{}", f.file_name().unwrap().to_string_lossy()), std::fs::read(&f).unwrap()));
        }
    }
    out
}

/// Attributes as comparable text: key, then the value as JSON with its type.
fn attr_text(set: &TraceSet, list: &[Attr], skip: Option<&str>) -> Vec<String> {
    list.iter()
        .filter(|a| Some(set.str(a.key)) != skip)
        .map(|a| format!("{}={:?}:{}", set.str(a.key), std::mem::discriminant(&a.value), set.value_json(a.value)))
        .collect()
}

/// Id changes as listed by the export: (kind, exported trace id, old id, occurrence) → new id.
type Changes = HashMap<(IdKind, String, String, u32), String>;

/// The compared fields of a set, one line per trace and per span, ids rewritten by `map`.
fn fields(set: &TraceSet, map: &Changes) -> Vec<String> {
    let trace_id = |text: String| map.get(&(IdKind::Trace, String::new(), text.clone(), 0)).cloned().unwrap_or(text);
    // A reference (link) to a span: the change of the id's first occurrence, if any.
    let span_ref = |tid: &str, text: String| map.get(&(IdKind::Span, tid.to_string(), text.clone(), 0)).cloned().unwrap_or(text);
    let mut out = Vec::new();
    for t in &set.traces {
        let tid = trace_id(t.trace_id.to_text(&set.strings));
        out.push(format!("trace {tid} spans={}", t.spans.len));
        // Each span's id, by its occurrence among the spans of the trace with that id.
        let mut seen: HashMap<String, u32> = HashMap::new();
        let ids: Vec<String> = t
            .spans
            .range()
            .map(|i| {
                let text = set.spans[i].span_id.to_text(&set.strings);
                let n = seen.entry(text.clone()).or_insert(0);
                *n += 1;
                map.get(&(IdKind::Span, tid.clone(), text.clone(), *n - 1)).cloned().unwrap_or(text)
            })
            .collect();
        let first = t.spans.start as usize;
        let mut lines = Vec::new();
        for i in t.spans.range() {
            let s = &set.spans[i];
            let parent = (s.parent != NO_SPAN).then(|| ids[s.parent as usize - first].clone());
            let r = &set.resources[s.resource as usize];
            let sc = &set.scopes[s.scope as usize];
            let events: Vec<String> = set.events[s.events.range()]
                .iter()
                .map(|e| format!("{}@{} {:?}", set.str(e.name), e.time_ns, attr_text(set, &set.attrs[e.attrs.range()], None)))
                .collect();
            let links: Vec<String> = set.links[s.links.range()]
                .iter()
                .map(|l| {
                    format!(
                        "{}/{} {} {:?}",
                        trace_id(l.trace_id.to_text(&set.strings)),
                        span_ref(&trace_id(l.trace_id.to_text(&set.strings)), l.span_id.to_text(&set.strings)),
                        set.str(l.trace_state),
                        attr_text(set, &set.attrs[l.attrs.range()], None)
                    )
                })
                .collect();
            lines.push(format!(
                "span {} parent={:?} depth={} start={} dur={:?} name={:?} kind={:?} status={:?} {:?} error={} service={:?} \
                 resource={:?} scope={:?}@{:?} attrs={:?} dropped={}/{}/{} state={:?} flags={} events={:?} links={:?}",
                ids[i - first],
                parent,
                s.depth,
                s.start_ns,
                // A root without a timestamp starts at 0, which OTLP reads as no time, and
                // so as no duration either: its duration cannot be written.
                if s.has(span_flags::MISSING_TIMESTAMP) && s.start_ns == 0 { None } else { Some(s.duration_ns) },
                set.str(s.name),
                s.kind,
                s.status,
                set.str(s.status_message),
                s.has(span_flags::ERROR),
                set.service_of(s),
                attr_text(set, &set.attrs[r.attrs.range()], Some("service.name")),
                set.str(sc.name),
                set.str(sc.version),
                attr_text(set, &set.attrs[s.attrs.range()], None),
                s.dropped_attrs,
                s.dropped_events,
                s.dropped_links,
                set.str(s.trace_state),
                s.w3c_flags,
                events,
                links
            ));
        }
        // Siblings that start together are ordered by span id, which a new id may change.
        lines.sort();
        out.extend(lines);
    }
    out
}

/// A trace's change is found by its old id alone; a span's within its exported trace.
fn trace_key(c: &IdChange) -> String {
    if c.kind == IdKind::Trace { String::new() } else { c.trace.clone() }
}

/// Exports `set`, loads the text back and returns the first difference, if any.
fn round_trip(name: &str, set: &TraceSet) -> Option<String> {
    let exported = otlp::export(set, None);
    let back = match parse::load(&[("export.json", exported.json.as_bytes())], None) {
        Ok(s) => s,
        Err(e) => return Some(format!("{name}: the export does not load: {e}")),
    };
    let map: Changes =
        exported.id_changes.iter().map(|c| ((c.kind, trace_key(c), c.from.clone(), c.nth), c.to.clone())).collect();
    let (a, b) = (fields(set, &map), fields(&back, &Changes::new()));
    if let Some(k) = (0..a.len().max(b.len())).find(|&k| a.get(k) != b.get(k)) {
        return Some(format!("{name}: line {k} differs:\n  before: {:?}\n  after:  {:?}", a.get(k), b.get(k)));
    }
    let prices = PriceTable::builtin();
    let (la, lb) = (format!("{:#?}", call::analyze_set(set, &prices)), format!("{:#?}", call::analyze_set(&back, &prices)));
    if la != lb {
        let k = la.lines().zip(lb.lines()).position(|(x, y)| x != y).unwrap_or(0);
        return Some(format!("{name}: LLM totals differ at line {k}: {:?} vs {:?}", la.lines().nth(k), lb.lines().nth(k)));
    }
    None
}

#[test]
fn corpus_round_trips_through_otlp_export() {
    let files = corpus();
    // 38 files in tests/corpus (MANIFEST.md); 32 load and 6 are refused.
    assert_eq!(files.len(), 38);
    let mut loaded = 0;
    let mut failures = Vec::new();
    for (name, bytes) in &files {
        let Ok(set) = parse::load(&[(name.as_str(), bytes.as_slice())], None) else { continue };
        loaded += 1;
        failures.extend(round_trip(name, &set));
    }
    assert_eq!(loaded, 32);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn demo_and_generated_sets_round_trip() {
    let demo = std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("public/demo.json")).unwrap();
    let mut failures: Vec<String> = round_trip("demo", &parse::load(&[("demo.json", &demo)], None).unwrap()).into_iter().collect();
    for format in [GenFormat::Otlp, GenFormat::OtlpBase64, GenFormat::Jaeger, GenFormat::Zipkin] {
        let text = synth::encode(&synth::generate(GenOptions { spans: 3000, traces: 4, seed: 7 }), format);
        let set = parse::load(&[("gen.json", text.as_bytes())], None).unwrap();
        failures.extend(round_trip(&format!("generated {format:?}"), &set));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn ids_that_are_not_hex_are_re_encoded_and_listed() {
    // Two spans with raw ids, the second the child of the first; a duplicate hex id; a
    // link to the raw parent; an orphan whose missing parent is raw.
    let doc = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]},
      "scopeSpans":[{"spans":[
        {"traceId":"trace-one","spanId":"root-span","name":"a","startTimeUnixNano":"10","endTimeUnixNano":"50"},
        {"traceId":"trace-one","spanId":"child-span","parentSpanId":"root-span","name":"b","startTimeUnixNano":"20","endTimeUnixNano":"30",
         "links":[{"traceId":"trace-one","spanId":"root-span"}]},
        {"traceId":"trace-one","spanId":"00000000000000aa","parentSpanId":"root-span","name":"c","startTimeUnixNano":"21","endTimeUnixNano":"22"},
        {"traceId":"trace-one","spanId":"00000000000000aa","parentSpanId":"root-span","name":"d","startTimeUnixNano":"23","endTimeUnixNano":"24"},
        {"traceId":"trace-one","spanId":"00000000000000bb","parentSpanId":"gone-span","name":"e","startTimeUnixNano":"25","endTimeUnixNano":"26"}
      ]}]}]}"#;
    let set = parse::load(&[("raw.json", doc.as_bytes())], None).unwrap();
    let first = otlp::export(&set, None);
    assert_eq!(first.json, otlp::export(&set, None).json, "deterministic");
    let listed: Vec<(IdKind, &str, &str)> = first.id_changes.iter().map(|c| (c.kind, c.from.as_str(), c.reason)).collect();
    assert_eq!(
        listed,
        vec![
            (IdKind::Trace, "trace-one", "not hex"),
            (IdKind::Span, "00000000000000aa", "duplicate"),
            (IdKind::Span, "child-span", "not hex"),
            (IdKind::Span, "gone-span", "not hex"),
            (IdKind::Span, "root-span", "not hex"),
        ]
    );
    for c in &first.id_changes {
        assert!(c.to.bytes().all(|b| b.is_ascii_hexdigit()) && c.to.len() == if c.kind == IdKind::Trace { 32 } else { 16 });
    }
    assert_eq!(round_trip("raw ids", &set), None);
    // Loaded back, no id is invalid any more.
    let back = parse::load(&[("back.json", first.json.as_bytes())], None).unwrap();
    assert!(back.spans.iter().all(|s| s.span_id.is_valid() && !s.has(span_flags::INVALID_ID)));
}

#[test]
fn the_cli_exports_otlp_and_lists_re_encoded_ids() {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/otlp/invalid-ids-neither-hex-nor-base64.json");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_clew")).args(["export", "--format", "otlp"]).arg(&file).output().unwrap();
    assert!(out.status.success());
    let set = parse::load(&[("out.json", out.stdout.as_slice())], None).unwrap();
    // MANIFEST.md: one span, trace id "zzz", span id "xyz".
    assert_eq!(set.spans.len(), 1);
    assert!(set.spans[0].span_id.is_valid() && set.traces[0].trace_id.is_valid());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
    assert!(stderr.contains("re-encoded trace id \"zzz\" (not hex) → ") && stderr.contains("\"xyz\" in trace "), "{stderr}");
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_clew")).args(["export", "--format", "csv"]).arg(&file).output().unwrap();
    assert_eq!(bad.status.code(), Some(1));
}

#[test]
fn the_cli_exports_only_the_traces_a_filter_keeps() {
    // MANIFEST.md: two traces, ids "genai-full-trace-001" and another.
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/jaeger/genai-2traces-data-array-nonhex-ids.json");
    let run = |extra: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_clew")).args(["export", "--format", "otlp"]).args(extra).arg(&file).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        parse::load(&[("out.json", out.stdout.as_slice())], None).unwrap()
    };
    assert_eq!(run(&[]).traces.len(), 2);
    let one = run(&["--filter", "genai-full-trace-001"]);
    assert_eq!(one.traces.len(), 1);
}
