//! Native tests of clock-skew adjustment (`analysis::skew`) on crafted skewed pairs:
//! a Jaeger/OTLP client → server hop whose server clock runs behind, a server span longer
//! than its client, a same-process child that is never moved, and a Zipkin shared
//! client/server span, each in its own format. Every shift is exact. Then the adjustment
//! applied to a set (sibling order, trace bounds, flags, warnings, undone exactly on the
//! whole corpus) and `clew analyze` and `clew compare` with and without `--no-skew-adjust`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

use clew::analysis::skew::{self, adjust};
use clew::model::{span_flags, TraceSet, WarningKind};

const T0_MS: u64 = 1_700_000_000_000;

/// OTLP spans: (id, parent, service, start ms, end ms) relative to T0, loaded.
fn otlp(spans: &[(&str, &str, &str, i64, i64)]) -> TraceSet {
    clew::parse::load(&[("skew.json", otlp_text(spans).as_bytes())], None).unwrap()
}

/// The OTLP JSON text of [`otlp`].
fn otlp_text(spans: &[(&str, &str, &str, i64, i64)]) -> String {
    let items: Vec<String> = spans
        .iter()
        .map(|(id, parent, svc, s, e)| {
            let ns = |ms: i64| ((T0_MS as i64 + ms) as u64) * 1_000_000;
            format!(
                r#"{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"{svc}"}}}}]}},"scopeSpans":[{{"spans":[{{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"{id}","parentSpanId":"{parent}","name":"{id}","startTimeUnixNano":"{}","endTimeUnixNano":"{}"}}]}}]}}"#,
                ns(*s),
                ns(*e)
            )
        })
        .collect();
    format!(r#"{{"resourceSpans":[{}]}}"#, items.join(","))
}

fn shift_ms(set: &TraceSet, id: &str) -> i64 {
    let a = adjust(set, 0);
    let first = set.traces[0].spans.start as usize;
    let i = (0..set.spans.len()).find(|&i| set.spans[i].span_id.to_text(&set.strings) == id).unwrap();
    a.shift_of(first, i as u32) / 1_000_000
}

#[test]
fn a_server_behind_its_client_is_centred_and_its_subtree_follows() {
    // Client 0..100 ms on api; its server on db starts at -30 and lasts 60 ms (clock behind).
    // 100 - 60 = 40 ms of network, 20 each way: the server moves to 20 ms, a shift of +50 ms.
    // Its same-process child (-25..-5) moves with it by +50 and is not adjusted again.
    let set = otlp(&[
        ("aaaaaaaaaaaaaaa1", "", "api", 0, 100),
        ("aaaaaaaaaaaaaaa2", "aaaaaaaaaaaaaaa1", "db", -30, 30),
        ("aaaaaaaaaaaaaaa3", "aaaaaaaaaaaaaaa2", "db", -25, -5),
    ]);
    assert_eq!(shift_ms(&set, "aaaaaaaaaaaaaaa1"), 0);
    assert_eq!(shift_ms(&set, "aaaaaaaaaaaaaaa2"), 50);
    assert_eq!(shift_ms(&set, "aaaaaaaaaaaaaaa3"), 50);
    let a = adjust(&set, 0);
    assert_eq!(a.moved.len(), 1);
    assert_eq!(a.moved[0].1, 50_000_000);
}

#[test]
fn a_server_longer_than_its_client_starts_with_it_and_inside_spans_stay() {
    // Server 150 ms under a 100 ms client, behind by 400 ms: it starts with the client (+400 ms).
    // A longer server that starts inside its client (50..200) cannot be placed better: it stays.
    // A server well inside its client (10..90) is not moved.
    let set = otlp(&[
        ("bbbbbbbbbbbbbbb1", "", "api", 0, 100),
        ("bbbbbbbbbbbbbbb2", "bbbbbbbbbbbbbbb1", "pay", -400, -250),
        ("bbbbbbbbbbbbbbb3", "bbbbbbbbbbbbbbb1", "auth", 10, 90),
        ("bbbbbbbbbbbbbbb4", "bbbbbbbbbbbbbbb1", "api", 200, 300),
        ("bbbbbbbbbbbbbbb5", "bbbbbbbbbbbbbbb1", "mail", 50, 200),
    ]);
    assert_eq!(shift_ms(&set, "bbbbbbbbbbbbbbb2"), 400);
    assert_eq!(shift_ms(&set, "bbbbbbbbbbbbbbb3"), 0);
    // Same process as the parent: outside it, but never moved.
    assert_eq!(shift_ms(&set, "bbbbbbbbbbbbbbb4"), 0);
    assert_eq!(shift_ms(&set, "bbbbbbbbbbbbbbb5"), 0);
}

/// A Jaeger JSON trace: a parent on "api" at 0 ms lasting `parent_ms`, and its child
/// (reference `ref_type`) on `child_service` at `child_at_ms` lasting `child_ms`.
/// Span ids ...a1 (parent) and ...a2 (child).
fn jaeger_pair(ref_type: &str, parent_ms: u64, child_service: &str, child_at_ms: u64, child_ms: u64) -> TraceSet {
    let (tid, t) = ("5b8aa5a2d2c872e8", T0_MS * 1000);
    let span = |id: &str, refs: String, start_us: u64, dur_us: u64, process: &str| {
        format!(r#"{{"traceID":"{tid}","spanID":"{id}","operationName":"op {id}","references":[{refs}],"startTime":{start_us},"duration":{dur_us},"processID":"{process}"}}"#)
    };
    let parent = span("00000000000000a1", String::new(), t, parent_ms * 1000, "p1");
    let refs = format!(r#"{{"refType":"{ref_type}","traceID":"{tid}","spanID":"00000000000000a1"}}"#);
    let child = span("00000000000000a2", refs, t + child_at_ms * 1000, child_ms * 1000, "p2");
    let text = format!(
        r#"{{"data":[{{"traceID":"{tid}","spans":[{parent},{child}],"processes":{{"p1":{{"serviceName":"api"}},"p2":{{"serviceName":"{child_service}"}}}}}}]}}"#
    );
    clew::parse::load(&[("jaeger.json", text.as_bytes())], None).unwrap()
}

#[test]
fn asynchronous_children_are_not_moved() {
    // A FOLLOWS_FROM child (Jaeger) on another service runs after its parent ended: not moved.
    let set = jaeger_pair("FOLLOWS_FROM", 10, "worker", 50, 5);
    assert_eq!(shift_ms(&set, "00000000000000a2"), 0);
    assert!(adjust(&set, 0).moved.is_empty());
}

#[test]
fn a_zipkin_shared_span_centres_its_server_half() {
    // One shared id: the client half 0..100 ms (frontend), the server half reported by
    // backend at +1000 ms for 80 ms. The server half is centred: 10 ms, a shift of -990 ms.
    let t = T0_MS * 1000;
    let text = format!(
        r#"[{{"traceId":"463ac35c9f6413ad","id":"a2fb4a1d1a96d312","kind":"CLIENT","name":"get","timestamp":{},"duration":100000,"localEndpoint":{{"serviceName":"frontend"}}}},
            {{"traceId":"463ac35c9f6413ad","id":"a2fb4a1d1a96d312","kind":"SERVER","shared":true,"name":"get","timestamp":{},"duration":80000,"localEndpoint":{{"serviceName":"backend"}}}}]"#,
        t,
        t + 1_000_000
    );
    let set = clew::parse::load(&[("zipkin.json", text.as_bytes())], None).unwrap();
    assert_eq!(set.spans.len(), 2); // the pair becomes parent (client) and child (server)
    let a = adjust(&set, 0);
    let first = set.traces[0].spans.start as usize;
    let server = (0..set.spans.len()).find(|&i| set.spans[i].parent != clew::model::NO_SPAN).unwrap();
    assert_eq!(a.shift_of(first, server as u32) / 1_000_000, -990);
    assert_eq!(a.moved, vec![(server as u32, -990_000_000)]);
    // Applied: the server half lies 10..90 ms inside the client half, and says so.
    let mut set = set;
    skew::apply(&mut set);
    assert_eq!(set.spans[server].start_ns, (T0_MS + 10) * 1_000_000);
    assert!(set.spans[server].has(span_flags::SKEW_ADJUSTED) && !set.spans[server].has(span_flags::CLOCK_SKEW));
    assert_eq!(set.traces[0].duration_ns, 100_000_000);
}

#[test]
fn a_jaeger_server_ahead_of_its_client_is_centred() {
    // Jaeger JSON (µs): client "api" 0..100 ms; its server "db" reported at +250 ms for
    // 40 ms. 100 - 40 = 60 ms, 30 each way: the server goes to 30 ms, a shift of -220 ms.
    let set = jaeger_pair("CHILD_OF", 100, "db", 250, 40);
    assert_eq!(shift_ms(&set, "00000000000000a2"), -220);
    assert_eq!(adjust(&set, 0).moved, vec![(1, -220_000_000)]);
}

fn find(set: &TraceSet, id: &str) -> usize {
    (0..set.spans.len()).find(|&i| set.spans[i].span_id.to_text(&set.strings) == id).unwrap()
}

/// A client whose two server calls are recorded out of order by a server clock behind,
/// plus a same-service child that starts before its parent (never moved).
const SKEWED: [(&str, &str, &str, i64, i64); 5] = [
        ("ccccccccccccccc1", "", "api", 0, 100),
        // Call 1 at 10..30 ms (fine), call 2 on "pay" recorded at -500..-480 (behind).
        ("ccccccccccccccc2", "ccccccccccccccc1", "auth", 10, 30),
        ("ccccccccccccccc3", "ccccccccccccccc1", "pay", -500, -480),
        ("ccccccccccccccc4", "ccccccccccccccc3", "pay", -495, -490),
        ("ccccccccccccccc5", "ccccccccccccccc1", "api", -5, 5),
];

fn skewed_set() -> TraceSet {
    otlp(&SKEWED)
}

#[test]
fn applying_shifts_the_set_re_sorts_siblings_and_remakes_bounds_flags_and_warnings() {
    let raw = skewed_set();
    let mut set = raw.clone();
    let names = |set: &TraceSet| set.spans.iter().map(|s| set.name_of(s).to_string()).collect::<Vec<_>>();
    // As loaded: pay's call sorts first (it starts earliest), the trace starts at -500 ms.
    assert_eq!(names(&raw), ["ccccccccccccccc1", "ccccccccccccccc3", "ccccccccccccccc4", "ccccccccccccccc5", "ccccccccccccccc2"]);
    assert_eq!(raw.traces[0].start_ns, (T0_MS - 500) * 1_000_000);
    let flagged = |set: &TraceSet, f: u16| set.spans.iter().filter(|s| s.has(f)).map(|s| set.name_of(s).to_string()).collect::<Vec<_>>();
    assert_eq!(flagged(&raw, span_flags::CLOCK_SKEW), ["ccccccccccccccc3", "ccccccccccccccc5"]);

    let relayout = skew::apply(&mut set);
    assert!(set.skew.adjusted);
    // pay's 20 ms call is centred in the 100 ms client: 40..60 ms, a shift of +540 ms;
    // its child follows. Siblings are in start order again: api -5, auth 10, pay 40.
    assert_eq!(names(&set), ["ccccccccccccccc1", "ccccccccccccccc5", "ccccccccccccccc2", "ccccccccccccccc3", "ccccccccccccccc4"]);
    let pay = find(&set, "ccccccccccccccc3");
    assert_eq!(set.spans[pay].start_ns, (T0_MS + 40) * 1_000_000);
    assert_eq!(set.spans[find(&set, "ccccccccccccccc4")].start_ns, (T0_MS + 45) * 1_000_000);
    assert_eq!(set.skew.shift_of(pay as u32), 540_000_000);
    assert_eq!(set.skew.shift_of(find(&set, "ccccccccccccccc4") as u32), 540_000_000);
    assert_eq!(relayout.map(1), 3, "pay's call moved from index 1 to 3");
    assert_eq!(relayout.map(0), 0);
    // Parents, subtree ends and the root follow the new order.
    assert_eq!(set.spans[find(&set, "ccccccccccccccc4")].parent, pay as u32);
    assert_eq!(set.spans[pay].subtree_end, 5);
    assert_eq!(set.spans[0].subtree_end, 5);
    assert_eq!(set.traces[0].root, 0);
    // The trace now starts with the same-service child at -5 ms and ends at 100 ms.
    assert_eq!(set.traces[0].start_ns, (T0_MS - 5) * 1_000_000);
    assert_eq!(set.traces[0].duration_ns, 105_000_000);
    // Only the same-service child still starts before its parent.
    assert_eq!(flagged(&set, span_flags::CLOCK_SKEW), ["ccccccccccccccc5"]);
    assert_eq!(flagged(&set, span_flags::SKEW_ADJUSTED), ["ccccccccccccccc3"]);
    let warnings: Vec<(WarningKind, u32, &str)> =
        set.trace_warnings(&set.traces[0]).iter().map(|w| (w.kind, w.span, w.message.as_str())).collect();
    assert_eq!(
        warnings,
        [
            (WarningKind::ClockSkew, 1, "span ccccccccccccccc5 starts 5 ms before its parent (clock skew?); times are shown as recorded"),
            (
                WarningKind::SkewAdjusted,
                3,
                "span ccccccccccccccc3 (pay ccccccccccccccc3) shifted +540 ms into its parent's window on api (clock skew adjusted)"
            ),
        ]
    );
    assert_eq!(skew::moved_in_trace(&set, 0), 1);
    // Applying again changes nothing; restoring gives back the set as loaded.
    let adjusted = set.clone();
    assert_eq!(skew::apply(&mut set), skew::Relayout::default());
    assert_eq!(set, adjusted);
    let back = skew::restore(&mut set);
    assert_eq!(back.map(3), 1);
    assert_eq!(set, raw);
}

#[test]
fn a_set_with_nothing_to_move_is_only_marked_adjusted() {
    let raw = otlp(&[("ddddddddddddddd1", "", "api", 0, 100), ("ddddddddddddddd2", "ddddddddddddddd1", "db", 10, 20)]);
    let mut set = raw.clone();
    assert_eq!(skew::apply(&mut set), skew::Relayout::default());
    assert!(set.skew.adjusted && set.skew.shift_ns.is_empty());
    assert_eq!((set.spans.clone(), set.warnings.clone()), (raw.spans.clone(), raw.warnings.clone()));
    skew::restore(&mut set);
    assert_eq!(set, raw);
}

#[test]
fn every_corpus_file_comes_back_unchanged_after_apply_and_restore() {
    let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut stack = vec![base];
    let mut moved = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if !p.extension().is_some_and(|e| e == "json" || e == "jsonl") {
                continue;
            }
            let bytes = std::fs::read(&p).unwrap();
            let name = p.to_string_lossy().to_string();
            let Ok(raw) = clew::parse::load(&[(name.as_str(), bytes.as_slice())], None) else { continue };
            let mut set = raw.clone();
            skew::apply(&mut set);
            moved += (0..set.traces.len()).map(|t| skew::moved_in_trace(&set, t)).sum::<usize>();
            // Pre-order holds: a parent before its children, subtrees contiguous.
            for (i, s) in set.spans.iter().enumerate() {
                assert!(s.parent == clew::model::NO_SPAN || (s.parent as usize) < i, "{name}: parent after child");
                assert!(s.subtree_end as usize > i, "{name}: subtree end");
            }
            skew::restore(&mut set);
            assert!(set == raw, "{name}: restore differs from the load");
        }
    }
    assert!(moved > 0, "the corpus has cross-service skew to adjust");
}

fn clew_analyze(args: &[&str], file: &std::path::Path) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_clew")).arg("analyze").args(args).arg(file).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn clew_analyze_and_compare_adjust_by_default_and_keep_raw_times_with_no_skew_adjust() {
    let dir = std::env::temp_dir().join(format!("clew-skew-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("skewed.json");
    std::fs::write(&file, otlp_text(&SKEWED)).unwrap();
    let text = clew_analyze(&[], &file);
    assert!(text.contains("times adjusted for clock skew (1 span moved)"), "{text}");
    assert!(text.contains("[skew_adjusted] span ccccccccccccccc3 (pay ccccccccccccccc3) shifted +540 ms"), "{text}");
    // The moved count survives a filter (a subset of the set).
    let filtered = clew_analyze(&["--filter", "service=pay"], &file);
    assert!(filtered.contains("times adjusted for clock skew (1 span moved)"), "{filtered}");
    let raw = clew_analyze(&["--no-skew-adjust"], &file);
    assert!(raw.contains("times as recorded (no clock-skew adjustment)"), "{raw}");
    assert!(!raw.contains("skew_adjusted"), "{raw}");
    let json: serde_json::Value = serde_json::from_str(&clew_analyze(&["--json"], &file)).unwrap();
    assert_eq!(json["skew"], serde_json::json!({"adjusted": true, "spans_moved": 1}));
    assert_eq!(json["traces"][0]["start_ns"], (T0_MS - 5) * 1_000_000);
    let json: serde_json::Value = serde_json::from_str(&clew_analyze(&["--json", "--no-skew-adjust"], &file)).unwrap();
    assert_eq!(json["skew"], serde_json::json!({"adjusted": false, "spans_moved": 0}));
    assert_eq!(json["traces"][0]["start_ns"], (T0_MS - 500) * 1_000_000);
    // `compare` too: the trace lasts 105 ms adjusted (-5..100), 600 ms as recorded (-500..100).
    let compare = |extra: &[&str]| -> serde_json::Value {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_clew"))
            .args(["compare", "--json", "--traces", "0af7651916cd43dd8448eb211c80319c,0af7651916cd43dd8448eb211c80319c"])
            .args(extra)
            .arg(&file)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        // The comparison's fields in their documented order, then the skew statement.
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.starts_with(r#"{"a":{"traces":1,"mean_duration_ns":"#) && text.contains(r#"}],"skew":{"#), "{text}");
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let adjusted = compare(&[]);
    assert_eq!(adjusted["skew"], serde_json::json!({"adjusted": true, "spans_moved": 1}));
    assert_eq!(adjusted["a"]["mean_duration_ns"].as_f64(), Some(105e6));
    let recorded = compare(&["--no-skew-adjust"]);
    assert_eq!(recorded["skew"], serde_json::json!({"adjusted": false, "spans_moved": 0}));
    assert_eq!(recorded["a"]["mean_duration_ns"].as_f64(), Some(600e6));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_export_of_an_adjusted_set_writes_the_recorded_times() {
    let raw = skewed_set();
    let mut set = raw.clone();
    skew::apply(&mut set);
    let doc = clew::export::otlp::export(&set, None).json;
    let back = clew::parse::load(&[("back.json", doc.as_bytes())], None).unwrap();
    let times = |set: &TraceSet| {
        let mut t: Vec<(String, u64, u64)> = set.spans.iter().map(|s| (set.name_of(s).to_string(), s.start_ns, s.duration_ns)).collect();
        t.sort();
        t
    };
    assert_eq!(times(&back), times(&raw));
}

/// One million spans with every cross-service child 1 s behind its parent: apply and
/// restore are linear and give every span its time back. Release only (`--release -- --ignored`).
#[test]
#[ignore = "1M spans: run in release with --ignored"]
fn one_million_spans_apply_and_restore() {
    let spans = clew::synth::generate(clew::synth::GenOptions { spans: 1_000_000, traces: 1, seed: 9 });
    let doc = clew::synth::encode(&spans, clew::synth::GenFormat::Otlp);
    let mut raw = clew::parse::load(&[("gen.json", doc.as_bytes())], None).unwrap();
    // As generated nothing is skewed: the pass finds nothing to move.
    let mut clean = raw.clone();
    let t = std::time::Instant::now();
    skew::apply(&mut clean);
    let clean_ms = t.elapsed();
    assert_eq!(skew::moved_in_trace(&clean, 0), 0);
    drop(clean);
    for i in 0..raw.spans.len() {
        let p = raw.spans[i].parent;
        if p != clew::model::NO_SPAN && raw.service_id(&raw.spans[p as usize]) != raw.service_id(&raw.spans[i]) {
            raw.spans[i].start_ns -= 1_000_000_000;
        }
    }
    let mut set = raw.clone();
    let t0 = std::time::Instant::now();
    skew::apply(&mut set);
    let applied = t0.elapsed();
    let moved = skew::moved_in_trace(&set, 0);
    let t1 = std::time::Instant::now();
    skew::restore(&mut set);
    let restored = t1.elapsed();
    assert!(moved > 1000);
    // Every span back at its (skewed) time; the order may differ from the builder's, which
    // laid the spans out before their starts were pushed back here.
    let times = |set: &TraceSet| {
        let mut t: Vec<(clew::model::SpanId, u64)> = set.spans.iter().map(|s| (s.span_id, s.start_ns)).collect();
        t.sort_unstable();
        t
    };
    assert!(times(&set) == times(&raw));
    eprintln!("1M spans: apply {clean_ms:?} with nothing to move; skewed: apply {applied:?} ({moved} moved), restore {restored:?}");
}

/// A trace with more moved spans than the warning cap: the first ones get a warning each,
/// the rest one warning with their count; every moved span keeps its flag and is counted.
#[test]
fn moved_spans_beyond_the_cap_share_one_warning() {
    let n = skew::MAX_SKEW_WARNINGS_PER_TRACE + 5;
    let mut spans: Vec<(String, String, &str, i64, i64)> = vec![("a000000000000000".into(), String::new(), "api", 0, 100)];
    for k in 0..n {
        // Each server on db starts 1 s before its client (the root) and lasts 10 ms.
        spans.push((format!("b{:015x}", k + 1), "a000000000000000".into(), "db", -1000, -990));
    }
    let borrowed: Vec<(&str, &str, &str, i64, i64)> = spans.iter().map(|(a, b, c, d, e)| (a.as_str(), b.as_str(), *c, *d, *e)).collect();
    let mut set = otlp(&borrowed);
    skew::apply(&mut set);
    assert_eq!(skew::moved_in_trace(&set, 0), n);
    assert_eq!(set.spans.iter().filter(|s| s.has(span_flags::SKEW_ADJUSTED)).count(), n);
    let ws: Vec<_> = set.trace_warnings(&set.traces[0]).iter().filter(|w| w.kind == WarningKind::SkewAdjusted).collect();
    assert_eq!(ws.len(), skew::MAX_SKEW_WARNINGS_PER_TRACE + 1);
    let last = ws.last().unwrap();
    assert_eq!(last.span, clew::model::NO_SPAN);
    assert!(last.message.starts_with("5 more spans shifted"), "{}", last.message);
}

/// `clew gen --skew-ms` (`synth::skew`) starts every span called from another service an
/// hour early (longer than any generated call, so none still fits its caller); the adjustment moves each of them (and nothing else) back inside its
/// caller, in every format the generator writes.
#[test]
fn generated_skew_is_adjusted_back() {
    let spans = clew::synth::generate(clew::synth::GenOptions { spans: 3000, traces: 3, seed: 4 });
    let mut skewed = spans.clone();
    clew::synth::skew(&mut skewed, 3_600_000_000);
    let callees = spans
        .iter()
        .filter(|s| s.parent.and_then(|p| spans.iter().find(|q| q.trace == s.trace && q.id == p)).is_some_and(|p| p.service != s.service))
        .count();
    assert!(callees > 100, "the generator calls across services ({callees})");
    for format in [clew::synth::GenFormat::Otlp, clew::synth::GenFormat::Jaeger, clew::synth::GenFormat::Zipkin] {
        let doc = clew::synth::encode(&skewed, format);
        let mut set = clew::parse::load(&[("gen.json", doc.as_bytes())], None).unwrap();
        skew::apply(&mut set);
        let moved: usize = (0..set.traces.len()).map(|t| skew::moved_in_trace(&set, t)).sum();
        assert_eq!(moved, callees, "{format:?}: every skewed callee moved");
        for s in &set.spans {
            if let Some(p) = set.spans.get(s.parent as usize).filter(|_| s.has(span_flags::SKEW_ADJUSTED)) {
                if s.duration_ns <= p.duration_ns {
                    assert!(s.start_ns >= p.start_ns && s.end_ns() <= p.end_ns(), "{format:?}: moved inside its caller");
                } else {
                    assert_eq!(s.start_ns, p.start_ns, "{format:?}: a longer callee starts with its caller");
                }
            }
        }
    }
}
