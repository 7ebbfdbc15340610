//! Many traces: crafted traces written as OTLP and as Jaeger JSON in; the trace filter's
//! matches, the per-trace summaries, the A/B diff of two traces and the cohort diff of two
//! groups (the critical-path deltas, the off-path sibling, the sum) out, with the same
//! cohort answer from both encodings.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test or benchmark fails by panicking; clippy.toml already exempts #[test] bodies, and this covers their helpers")]

use clew::analysis::many::cohort::{cohort_diff, slowest_split, CohortDiff};
use clew::analysis::many::diff::{diff_traces, Presence};
use clew::analysis::many::filter;
use clew::analysis::many::summary::summarize_all;
use clew::analysis::pricing::PriceTable;
use clew::model::TraceSet;
use clew::parse::{load, Format};

const MS: u64 = 1_000_000;
/// Trace `k` starts `k` seconds after this (µs since the epoch).
const T0_US: u64 = 1_700_000_000_000_000;

/// A crafted span: trace number, id, parent id (0: a root), service, name, start and
/// duration in ms from its trace's start, error, and string attributes.
struct Sp {
    trace: u32,
    id: u64,
    parent: u64,
    svc: &'static str,
    name: &'static str,
    start_ms: u64,
    dur_ms: u64,
    error: bool,
    attrs: Vec<(&'static str, &'static str)>,
}

fn sp(trace: u32, id: u64, parent: u64, svc: &'static str, name: &'static str, start_ms: u64, dur_ms: u64) -> Sp {
    Sp { trace, id, parent, svc, name, start_ms, dur_ms, error: false, attrs: Vec::new() }
}

impl Sp {
    fn attr(mut self, k: &'static str, v: &'static str) -> Sp {
        self.attrs.push((k, v));
        self
    }
    fn error(mut self) -> Sp {
        self.error = true;
        self
    }
    fn start_us(&self) -> u64 {
        T0_US + self.trace as u64 * 1_000_000 + self.start_ms * 1_000
    }
    fn trace_id(&self) -> String {
        format!("{:032x}", 0xabc0_0000u64 + self.trace as u64)
    }
}

fn otlp_text(spans: &[Sp]) -> String {
    let rs: Vec<String> = spans
        .iter()
        .map(|s| {
            let attrs: Vec<String> =
                s.attrs.iter().map(|(k, v)| format!(r#"{{"key":"{k}","value":{{"stringValue":"{v}"}}}}"#)).collect();
            let parent = if s.parent == 0 { String::new() } else { format!(r#""parentSpanId":"{:016x}","#, s.parent) };
            let status = if s.error { r#","status":{"code":2}"# } else { "" };
            format!(
                r#"{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"{}"}}}}]}},"scopeSpans":[{{"spans":[{{"traceId":"{}","spanId":"{:016x}",{parent}"name":"{}","startTimeUnixNano":"{}","endTimeUnixNano":"{}","attributes":[{}]{status}}}]}}]}}"#,
                s.svc,
                s.trace_id(),
                s.id,
                s.name,
                s.start_us() * 1_000,
                (s.start_us() + s.dur_ms * 1_000) * 1_000,
                attrs.join(",")
            )
        })
        .collect();
    format!(r#"{{"resourceSpans":[{}]}}"#, rs.join(","))
}

fn jaeger_text(spans: &[Sp]) -> String {
    let mut traces: Vec<u32> = spans.iter().map(|s| s.trace).collect();
    traces.sort_unstable();
    traces.dedup();
    let data: Vec<String> = traces
        .iter()
        .map(|&t| {
            let mine: Vec<&Sp> = spans.iter().filter(|s| s.trace == t).collect();
            let js: Vec<String> = mine
                .iter()
                .map(|s| {
                    let mut tags: Vec<String> =
                        s.attrs.iter().map(|(k, v)| format!(r#"{{"key":"{k}","type":"string","value":"{v}"}}"#)).collect();
                    if s.error {
                        tags.push(r#"{"key":"error","type":"bool","value":true}"#.to_string());
                    }
                    let refs = if s.parent == 0 {
                        String::new()
                    } else {
                        format!(r#"{{"refType":"CHILD_OF","traceID":"{}","spanID":"{:016x}"}}"#, s.trace_id(), s.parent)
                    };
                    format!(
                        r#"{{"traceID":"{}","spanID":"{:016x}","operationName":"{}","references":[{refs}],"startTime":{},"duration":{},"tags":[{}],"processID":"{}"}}"#,
                        s.trace_id(),
                        s.id,
                        s.name,
                        s.start_us(),
                        s.dur_ms * 1_000,
                        tags.join(","),
                        s.svc
                    )
                })
                .collect();
            let mut svcs: Vec<&str> = mine.iter().map(|s| s.svc).collect();
            svcs.sort_unstable();
            svcs.dedup();
            let procs: Vec<String> = svcs.iter().map(|p| format!(r#""{p}":{{"serviceName":"{p}","tags":[]}}"#)).collect();
            format!(r#"{{"traceID":"{}","spans":[{}],"processes":{{{}}}}}"#, mine[0].trace_id(), js.join(","), procs.join(","))
        })
        .collect();
    format!(r#"{{"data":[{}]}}"#, data.join(","))
}

fn load_as(text: &str, format: Format) -> TraceSet {
    load(&[("inline.json", text.as_bytes())], Some(format)).unwrap_or_else(|e| panic!("inline should load: {e}\n{text}"))
}

/// Traces 1–3 are fast: root `api/GET /chat` 0–100 ms; `db/query` from 10 ms lasting 40,
/// 50 and 60 ms (on the critical path); `cache/lookup` beside it, 10–30 ms (off the path:
/// it ends before the query does). Traces 4–5 are slow: root 0–300 ms, the query lasts
/// 250 ms (10–260), and the cache lookup 70 ms (10–80, slower by 50 ms but still off the
/// path). Trace 5's query fails and its root has `http.status_code=500`. Trace 6 is an
/// LLM call `llm/chat` under `api/POST /agent`, 0–20 ms.
fn cohort_spans() -> Vec<Sp> {
    let mut v = Vec::new();
    for (t, db_ms) in [(1, 40), (2, 50), (3, 60)] {
        v.push(sp(t, 1, 0, "api", "GET /chat", 0, 100));
        v.push(sp(t, 2, 1, "db", "query", 10, db_ms).attr("db.system", "postgresql"));
        v.push(sp(t, 3, 1, "cache", "lookup", 10, 20));
    }
    for t in [4, 5] {
        let root = sp(t, 1, 0, "api", "GET /chat", 0, 300);
        let db = sp(t, 2, 1, "db", "query", 10, 250).attr("db.system", "postgresql");
        if t == 5 {
            v.push(root.attr("http.status_code", "500"));
            v.push(db.error());
        } else {
            v.push(root);
            v.push(db);
        }
        v.push(sp(t, 3, 1, "cache", "lookup", 10, 70));
    }
    v.push(sp(6, 1, 0, "api", "POST /agent", 0, 20));
    v.push(sp(6, 2, 1, "llm", "chat", 2, 15).attr("gen_ai.request.model", "gpt-4o").attr("gen_ai.system", "openai"));
    v
}

/// Trace numbers (1-based, as crafted) of the traces a filter selects.
fn filtered(set: &TraceSet, q: &str) -> Vec<u32> {
    let (summaries, facts) = summarize_all(set, &PriceTable::builtin());
    let ids: Vec<u32> = filter::parse(q)
        .select(set, &summaries, &facts)
        .into_iter()
        .map(|t| (set.traces[t].trace_id.to_text(&set.strings).trim_start_matches('0').trim_start_matches("abc")).parse::<u32>().unwrap_or(0))
        .collect();
    ids
}

#[test]
fn filter_language() {
    let set = load_as(&otlp_text(&cohort_spans()), Format::Otlp);
    assert_eq!(set.traces.len(), 6);
    // Every trace: the empty filter.
    assert_eq!(filtered(&set, ""), [1, 2, 3, 4, 5, 6]);
    // service= is exact and case-sensitive: "db" is in traces 1–5, "DB" and "d" nowhere.
    assert_eq!(filtered(&set, "service=db"), [1, 2, 3, 4, 5]);
    assert!(filtered(&set, "service=DB").is_empty());
    assert!(filtered(&set, "service=d").is_empty());
    // operation= and its alias name=, exact.
    assert_eq!(filtered(&set, "operation=query"), [1, 2, 3, 4, 5]);
    assert_eq!(filtered(&set, "name=chat"), [6]);
    assert_eq!(filtered(&set, "operation=GET /chat"), Vec::<u32>::new(), "a space splits terms");
    assert_eq!(filtered(&set, "\"operation=GET /chat\""), [1, 2, 3, 4, 5]);
    // KEY=VALUE against span and resource attributes, as text.
    assert_eq!(filtered(&set, "http.status_code=500"), [5]);
    assert_eq!(filtered(&set, "db.system=postgresql"), [1, 2, 3, 4, 5]);
    assert_eq!(filtered(&set, "service.name=llm"), [6]);
    // The trace's duration: 100 ms for 1–3, 300 ms for 4–5, 20 ms for 6.
    assert_eq!(filtered(&set, "duration>150ms"), [4, 5]);
    assert_eq!(filtered(&set, "duration<0.1s"), [6]);
    assert_eq!(filtered(&set, "duration>=100ms duration<=100000us"), [1, 2, 3]);
    assert_eq!(filtered(&set, "error"), [5]);
    assert_eq!(filtered(&set, "llm"), [6]);
    // Other words: a substring of a service, an operation or the trace id, any case.
    assert_eq!(filtered(&set, "CACH"), [1, 2, 3, 4, 5]);
    assert_eq!(filtered(&set, "agent"), [6]);
    assert_eq!(filtered(&set, "abc00004"), [4]);
    // Terms AND together.
    assert_eq!(filtered(&set, "cache duration>150ms error"), [5]);
    assert!(filtered(&set, "llm error").is_empty());
}

#[test]
fn filter_on_summaries_only() {
    let set = load_as(&otlp_text(&cohort_spans()), Format::Otlp);
    let (summaries, _) = summarize_all(&set, &PriceTable::builtin());
    let hits = |q: &str| -> Vec<usize> {
        let f = filter::parse(q);
        (0..summaries.len()).filter(|&i| f.matches_summary(&summaries[i])).map(|i| i + 1).collect()
    };
    assert_eq!(hits("service=cache duration>150ms"), [4, 5]);
    // Only the root's operation is known from a summary.
    assert_eq!(hits("\"operation=GET /chat\""), [1, 2, 3, 4, 5]);
    assert!(hits("operation=query").is_empty());
    assert!(hits("db.system=postgresql").is_empty());
    assert_eq!(hits("llm"), [6]);
}

#[test]
fn summaries() {
    let set = load_as(&otlp_text(&cohort_spans()), Format::Otlp);
    let (s, _) = summarize_all(&set, &PriceTable::builtin());
    assert_eq!(s[4].trace_id, "000000000000000000000000abc00005");
    assert_eq!((s[4].root_service.as_str(), s[4].root_operation.as_str()), ("api", "GET /chat"));
    // 300 ms; three spans in three services; the failed query.
    assert_eq!((s[4].duration_ns, s[4].spans, s[4].errors), (300 * MS, 3, 1));
    assert_eq!(s[4].services, ["api", "cache", "db"]);
    // Trace 5 starts 5 s after T0.
    assert_eq!(s[4].start_ns, (T0_US + 5_000_000) * 1_000);
    // Trace 6 has one call that reports no usage: counted, not priced.
    assert_eq!((s[5].llm_calls, s[5].cost_usd, s[5].unpriced_calls), (1, None, 1));
    assert_eq!((s[0].llm_calls, s[0].cost_usd), (0, None));
}

#[test]
fn ab_diff() {
    // A: root with two queries and a cache lookup. B: three queries, no cache, an auth check.
    let spans = vec![
        sp(1, 1, 0, "api", "GET /chat", 0, 100),
        sp(1, 2, 1, "db", "query", 10, 20),
        sp(1, 3, 1, "db", "query", 40, 20),
        sp(1, 4, 1, "cache", "lookup", 70, 10),
        sp(2, 1, 0, "api", "GET /chat", 0, 200),
        sp(2, 2, 1, "auth", "check", 5, 5),
        sp(2, 3, 1, "db", "query", 10, 30),
        sp(2, 4, 1, "db", "query", 50, 30),
        sp(2, 5, 1, "db", "query", 90, 30),
    ];
    let set = load_as(&otlp_text(&spans), Format::Otlp);
    let rows = diff_traces(&set, 0, 1);
    let paths: Vec<String> = rows.iter().map(|r| r.path.join(" > ")).collect();
    // Pre-order, siblings by text: auth, cache, db.
    assert_eq!(paths, ["api/GET /chat", "api/GET /chat > auth/check", "api/GET /chat > cache/lookup", "api/GET /chat > db/query"]);
    assert_eq!(rows.iter().map(|r| r.presence()).collect::<Vec<_>>(), [Presence::Both, Presence::OnlyB, Presence::OnlyA, Presence::Both]);
    assert_eq!(rows.iter().map(|r| r.depth).collect::<Vec<_>>(), [0, 1, 1, 1]);
    // Queries: 2 × 20 ms in A, 3 × 30 ms in B: one more, 40 → 90 ms in all (+50 ms, +125 %).
    let q = &rows[3];
    assert_eq!((q.a.count, q.b.count, q.delta_count()), (2, 3, 1));
    assert_eq!(q.delta_total_ns(), 50 * MS as i64);
    assert_eq!(q.change_ratio(), Some(1.25));
    assert_eq!(q.a.mean_ns(), Some(20.0 * MS as f64));
    // The root doubles; the first span of each side opens it.
    assert_eq!(rows[0].delta_total_ns(), 100 * MS as i64);
    assert_eq!((rows[0].a.first_span, rows[0].b.first_span), (Some(set.traces[0].root), Some(set.traces[1].root)));
    assert_eq!(rows[2].change_ratio(), None);
}

fn check_cohort(d: &CohortDiff) {
    // Groups: traces 1–3 (100 ms each) and 4–5 (300 ms each).
    assert_eq!((d.a.traces, d.b.traces), (3, 2));
    assert_eq!((d.a.mean_duration_ns, d.b.mean_duration_ns, d.delta_duration_ns), (100e6, 300e6, 200e6));
    let paths: Vec<String> = d.rows.iter().map(|r| r.path.join(" > ")).collect();
    assert_eq!(paths, ["api/GET /chat > db/query", "api/GET /chat", "api/GET /chat > cache/lookup"]);
    // The query leads: 50 ms mean on the path in A ((40 + 50 + 60) / 3), 250 ms in B.
    let q = &d.rows[0];
    assert_eq!((q.a.critical_ns_per_trace, q.b.critical_ns_per_trace, q.delta_critical_ns), (50e6, 250e6, 200e6));
    assert_eq!((q.a.p50_ns, q.a.p95_ns), (Some(50 * MS), Some(60 * MS)));
    assert_eq!((q.a.count_per_trace, q.b.count_per_trace), (1.0, 1.0));
    // The root's own time: 10 ms before the query and 40 ms after it, in both groups.
    assert_eq!((d.rows[1].a.critical_ns_per_trace, d.rows[1].delta_critical_ns), (50e6, 0.0));
    // The cache lookup got 50 ms slower (20 → 70 ms) but never sits on the path.
    let c = &d.rows[2];
    assert_eq!((c.delta_critical_ns, c.delta_mean_ns), (0.0, Some(50e6)));
    assert!(c.slower_off_path() && !q.slower_off_path());
    // The deltas add up to the difference of mean durations.
    let sum: f64 = d.rows.iter().map(|r| r.delta_critical_ns).sum();
    assert!((sum - d.delta_duration_ns).abs() < 1.0, "{sum} vs {}", d.delta_duration_ns);
}

#[test]
fn cohort_diff_from_otlp_and_jaeger() {
    let spans = cohort_spans();
    let otlp = load_as(&otlp_text(&spans), Format::Otlp);
    let jaeger = load_as(&jaeger_text(&spans), Format::Jaeger);
    let mut answers = Vec::new();
    for set in [&otlp, &jaeger] {
        // Traces 1–5 by index (6 is the LLM trace); the slowest 40 % of five is two.
        let (rest, slow) = slowest_split(set, &[0, 1, 2, 3, 4], 40.0);
        assert_eq!((rest.as_slice(), slow.as_slice()), (&[0, 1, 2][..], &[3, 4][..]));
        let d = cohort_diff(set, &rest, &slow);
        check_cohort(&d);
        answers.push(serde_json::to_string(&d).unwrap_or_default());
    }
    assert_eq!(answers[0], answers[1], "the same answer from both encodings");
}

#[test]
fn cohort_time_outside_the_root() {
    // An orphan that ends 50 ms after its trace's root: the trace lasts 150 ms, of which
    // 50 ms are outside the root's critical path.
    let spans = vec![sp(1, 1, 0, "api", "GET /", 0, 100), sp(1, 2, 9, "worker", "job", 60, 90), sp(2, 1, 0, "api", "GET /", 0, 100)];
    let set = load_as(&otlp_text(&spans), Format::Otlp);
    let d = cohort_diff(&set, &[1], &[0]);
    assert_eq!(d.delta_duration_ns, 50e6);
    let sum: f64 = d.rows.iter().map(|r| r.delta_critical_ns).sum();
    assert_eq!(sum, 50e6);
    assert_eq!(d.rows[0].path, ["(outside the root span)"]);
}

#[test]
fn cli_compare_and_analyze_filter() {
    let dir = std::env::temp_dir().join(format!("clew-many-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("cohort.json");
    std::fs::write(&file, jaeger_text(&cohort_spans())).unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_clew")).args(args).arg(&file).output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).to_string(), String::from_utf8_lossy(&out.stderr).to_string())
    };
    // The LLM trace is left out by the filter; of the other five, the slowest 40 % are 4 and 5.
    let (code, json, _) = run(&["compare", "--json", "--filter", "service=db", "--slowest", "40%"]);
    assert_eq!(code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!((v["a"]["traces"].as_u64(), v["b"]["traces"].as_u64(), v["delta_duration_ns"].as_f64()), (Some(3), Some(2), Some(200e6)));
    let row = &v["rows"][0];
    assert_eq!(row["path"], serde_json::json!(["api/GET /chat", "db/query"]));
    assert_eq!((row["service"].as_str(), row["operation"].as_str()), (Some("db"), Some("query")));
    assert_eq!((row["delta_critical_ns"].as_f64(), row["delta_mean_ns"].as_f64()), (Some(200e6), Some(200e6)));
    for k in ["count_per_trace", "mean_ns", "p50_ns", "p95_ns", "critical_ns_per_trace"] {
        assert!(row["a"][k].is_number() && row["b"][k].is_number(), "{k}");
    }
    // The same groups by filter, and two traces by id.
    let (_, by_filter, _) = run(&["compare", "--json", "--a", "duration<=100ms service=db", "--b", "duration>100ms"]);
    assert_eq!(by_filter, json);
    let (code, two, _) =
        run(&["compare", "--json", "--traces", "000000000000000000000000abc00001,000000000000000000000000abc00004"]);
    assert_eq!(code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&two).unwrap();
    // 100 ms vs 300 ms; the query 40 → 250 ms.
    assert_eq!((v["a"]["traces"].as_u64(), v["delta_duration_ns"].as_f64(), v["rows"][0]["delta_critical_ns"].as_f64()), (Some(1), Some(200e6), Some(210e6)));
    // The readable form says which path got slower off the critical path.
    let (_, text, _) = run(&["compare", "--slowest", "40%", "--filter", "service=db"]);
    assert!(text.contains("cache/lookup  (slower, but off the critical path)"), "{text}");
    let (code, _, err) = run(&["compare", "--slowest", "40%", "--a", "x"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("choose the groups"), "{err}");
    // analyze --filter reports only the matching traces.
    let (_, json, _) = run(&["analyze", "--json", "--filter", "error"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["totals"]["traces"].as_u64(), Some(1));
    assert_eq!(v["traces"][0]["trace_id"].as_str(), Some("000000000000000000000000abc00005"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn set_wide_answers_follow_the_filter() {
    use clew::view_model::tabs::answer::Answerer;
    use clew::view_model::tabs::graph::GraphTarget;
    use clew::view_model::tabs::{ListScope, Request, Response};
    let set = load_as(&otlp_text(&cohort_spans()), Format::Otlp);
    let mut a = Answerer::new();
    let in_scope = |filter: &str, brush: Option<Vec<u32>>| {
        Request::GraphSpans { scope: None, target: GraphTarget::Node("service:db".into()) }.filtered(&ListScope { filter: filter.into(), brush })
    };
    let node = |filter: &str| in_scope(filter, None);
    // Unfiltered: the query of traces 1–5 (the second span of each).
    let Response::Spans(all) = a.answer(&set, &node("")) else { panic!("spans") };
    assert_eq!(all, [1, 4, 7, 10, 13]);
    // Filtered to the failing trace (5): its query, by its index in the whole set.
    let Response::Spans(err) = a.answer(&set, &node("error")) else { panic!("spans") };
    assert_eq!(err, [13]);
    // A scatter brush narrows too, alone and with the filter: traces 2 and 4 (indices 1, 3).
    let Response::Spans(brushed) = a.answer(&set, &in_scope("", Some(vec![1, 3]))) else { panic!("spans") };
    assert_eq!(brushed, [4, 10]);
    let Response::Spans(both) = a.answer(&set, &in_scope("duration>200ms", Some(vec![1, 3]))) else { panic!("spans") };
    assert_eq!(both, [10]);
    // A request about one trace is not narrowed, and an empty scope narrows nothing.
    let one = Request::GraphSpans { scope: Some(0), target: GraphTarget::Node("service:db".into()) };
    assert_eq!(one.clone().filtered(&ListScope { filter: "error".into(), brush: None }), one);
    let all = Request::GraphSpans { scope: None, target: GraphTarget::Node("service:db".into()) };
    assert_eq!(all.clone().filtered(&ListScope::default()), all);
}

#[test]
fn aggregate_paths_and_their_flame_tree() {
    use clew::analysis::many::aggregate::path_totals;
    use clew::view_model::tabs::traces::aggregate_tree;
    let set = load_as(&otlp_text(&cohort_spans()), Format::Otlp);
    let agg = path_totals(&set, &[0, 1, 2, 3, 4]);
    let names: Vec<String> = agg.paths.iter().map(|p| format!("{}/{}", p.service, p.operation)).collect();
    assert_eq!(names, ["api/GET /chat", "cache/lookup", "db/query"]);
    // Totals: 3 × 100 + 2 × 300 ms; the queries 40 + 50 + 60 + 250 + 250; the lookups 3 × 20 + 2 × 70.
    let totals: Vec<u64> = agg.paths.iter().map(|p| p.total_ns / MS).collect();
    assert_eq!(totals, [900, 200, 650]);
    // The root's self time: outside its children (they cover 10 ms to the query's end):
    // 60 + 50 + 40 ms in the fast traces, 50 ms in each slow one.
    assert_eq!(agg.paths[0].self_ns / MS, 250);
    assert_eq!((agg.paths[2].spans, agg.paths[2].traces, agg.paths[2].parent), (5, 5, 0));
    assert_eq!(agg.spans[2], [1, 4, 7, 10, 13]);
    // As a flame tree: the root full width, its two children side by side inside it.
    let t = aggregate_tree(&agg.paths);
    assert_eq!((t.total_w, t.w[1], t.w[2]), (900e6, 200e6, 650e6));
    assert_eq!((t.x[1], t.x[2]), (0.0, 200e6));
    assert_eq!(t.depth, [0, 1, 1]);
}

#[test]
fn summaries_come_in_pages_at_the_asked_prices() {
    use clew::view_model::tabs::answer::Answerer;
    use clew::view_model::tabs::traces::SummariesRequest;
    use clew::view_model::tabs::{Request, Response};
    let page = |a: &mut Answerer, set: &TraceSet, prices: &PriceTable, from: u32, count: u32| {
        let req = Request::TraceSummaries(SummariesRequest { prices: prices.clone(), from, count });
        let Response::TraceSummaries(p) = a.answer(set, &req) else { panic!("summaries") };
        p
    };
    // Pages of two make up the six traces' summaries, in trace order; past the end is empty.
    let set = load_as(&otlp_text(&cohort_spans()), Format::Otlp);
    let builtin = PriceTable::builtin();
    let mut a = Answerer::new();
    let mut got = Vec::new();
    for from in [0, 2, 4] {
        let p = page(&mut a, &set, &builtin, from, 2);
        assert_eq!((p.total, p.from, p.rows.len()), (6, from, 2));
        got.extend(p.rows);
    }
    assert_eq!(got, summarize_all(&set, &builtin).0);
    let end = page(&mut a, &set, &builtin, 9, 2);
    assert_eq!((end.total, end.from, end.rows.len()), (6, 6, 0));
    // The demo's calls cost twice as much at doubled prices: the list follows a price edit.
    let demo = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/public/demo.json")).unwrap();
    let set = load(&[("demo.json", &demo[..])], None).unwrap();
    let mut doubled = builtin.clone();
    for m in &mut doubled.models {
        m.input_usd_per_mtok *= 2.0;
        m.output_usd_per_mtok *= 2.0;
        m.cached_input_usd_per_mtok = m.cached_input_usd_per_mtok.map(|v| v * 2.0);
        m.cache_write_usd_per_mtok = m.cache_write_usd_per_mtok.map(|v| v * 2.0);
    }
    let cost = |a: &mut Answerer, prices: &PriceTable| page(a, &set, prices, 0, 10).rows[0].cost_usd.unwrap();
    let mut a = Answerer::new();
    let (one, two) = (cost(&mut a, &builtin), cost(&mut a, &doubled));
    assert!(one > 0.0 && (two - 2.0 * one).abs() < 1e-12, "{one} {two}");
    // The list sorts by the costs at its own prices.
    use clew::view_model::tabs::traces::{ListColumn, TraceListRequest};
    let req = Request::TraceList(TraceListRequest { filter: String::new(), sort: ListColumn::Cost, ascending: false, prices: doubled });
    let Response::TraceList(l) = a.answer(&set, &req) else { panic!("list") };
    assert_eq!(l.order, [0]);
}

/// Two traces, each a chain of 30,000 spans: every row's path has at most
/// `MAX_PATH_STEPS` steps (the deep ones keep their first 32 and last 31 around one
/// "… N more steps …"), so both comparisons stay linear in spans instead of building
/// 30,000 paths of up to 30,000 steps.
#[test]
fn deep_chains_compare_with_shortened_paths() {
    use clew::analysis::many::paths::MAX_PATH_STEPS;
    const DEPTH: u64 = 30_000;
    let spans: Vec<Sp> = [1, 2]
        .into_iter()
        .flat_map(|trace| (0..DEPTH).map(move |k| sp(trace, k + 1, k, if k % 2 == 0 { "api" } else { "db" }, "step", 0, 2 * DEPTH - k)))
        .collect();
    let set = load_as(&otlp_text(&spans), Format::Otlp);
    let check = |paths: Vec<&Vec<String>>| {
        assert!(paths.len() >= DEPTH as usize, "a row per depth");
        assert!(paths.iter().all(|p| p.len() <= MAX_PATH_STEPS));
        let deepest = paths.iter().find(|p| p.get(32).is_some_and(|m| m == "… 29,937 more steps …")).expect("the deepest row");
        assert_eq!((deepest[0].as_str(), deepest[31].as_str(), deepest[63].as_str()), ("api/step", "db/step", "db/step"));
        let full = paths.iter().find(|p| p.len() == 3).expect("a shallow row");
        assert_eq!(**full, ["api/step", "db/step", "api/step"]);
    };
    let d = cohort_diff(&set, &[0], &[1]);
    check(d.rows.iter().map(|r| &r.path).collect());
    let rows = diff_traces(&set, 0, 1);
    check(rows.iter().map(|r| &r.path).collect());
}
