//! Analyses on crafted traces whose right answer is known, plus the handbook §7 demo:
//! critical path, service / dependency graph, graph layout, latency patterns,
//! statistics and charts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test or benchmark fails by panicking; clippy.toml already exempts #[test] bodies, and this covers their helpers")]

use std::collections::BTreeMap;

use clew::analysis::chart_theme::ChartTheme;
use clew::analysis::charts::{latency_histogram_svg, self_time_by_service_svg};
use clew::analysis::critical_path::{critical_path, critical_path_json};
use clew::analysis::patterns::n_plus_one::normalize_statement;
use clew::analysis::patterns::{patterns, patterns_all, patterns_all_json, patterns_json, Finding, PatternConfig, PatternKind};
use clew::analysis::service_graph::{dependency_graph, dependency_graph_json, service_graph_json, NodeKind};
use clew::analysis::stats::{self, self_time, sort_rows, GroupBy, Scope, SortDir, StatColumn};
use clew::model::builder::{RawSpan, SetBuilder};
use clew::model::{span_flags, AttrValue, Range32, SpanId, SpanKind, StatusCode, StrId, TraceId, TraceSet};
use clew::view_model::graph_layout::{geometric_crossings, layout, layout_dependency_graph, layout_with_roots, LayoutConfig};

const MS: u64 = 1_000_000;
const T0: u64 = 1_700_000_000_000_000_000;

/// A crafted span: times in ms from T0.
#[derive(Clone)]
struct S {
    trace: u128,
    id: u64,
    parent: u64,
    svc: &'static str,
    name: String,
    start_ms: f64,
    dur_ms: f64,
    kind: SpanKind,
    error: bool,
    flags: u16,
    attrs: Vec<(&'static str, String)>,
}

fn s(id: u64, parent: u64, svc: &'static str, name: &str, start_ms: f64, dur_ms: f64) -> S {
    S {
        trace: 1,
        id,
        parent,
        svc,
        name: name.to_string(),
        start_ms,
        dur_ms,
        kind: SpanKind::Internal,
        error: false,
        flags: 0,
        attrs: Vec::new(),
    }
}

impl S {
    fn kind(mut self, k: SpanKind) -> S {
        self.kind = k;
        self
    }
    fn err(mut self) -> S {
        self.error = true;
        self
    }
    fn trace(mut self, t: u128) -> S {
        self.trace = t;
        self
    }
    fn flag(mut self, f: u16) -> S {
        self.flags |= f;
        self
    }
    fn attr(mut self, k: &'static str, v: &str) -> S {
        self.attrs.push((k, v.to_string()));
        self
    }
}

fn build(spans: &[S]) -> TraceSet {
    let mut b = SetBuilder::new();
    let mut res: BTreeMap<&str, u32> = BTreeMap::new();
    for sp in spans {
        let r = *res.entry(sp.svc).or_insert_with(|| b.add_resource(sp.svc, Range32::default(), 0, StrId::EMPTY));
        let a0 = b.attrs.len();
        for (k, v) in &sp.attrs {
            let v = b.str_value(v);
            b.push_attr(k, AttrValue::Str(v));
        }
        let a1 = b.attrs.len();
        let mut raw = RawSpan::new(TraceId::Hex(sp.trace), SpanId::Hex(sp.id));
        raw.parent_id = if sp.parent == 0 { None } else { Some(SpanId::Hex(sp.parent)) };
        raw.start_ns = Some(T0 + (sp.start_ms * MS as f64).round() as u64);
        raw.duration_ns = Some((sp.dur_ms * MS as f64).round() as u64);
        raw.name = b.strings.intern(&sp.name);
        raw.kind = sp.kind;
        raw.resource = r;
        raw.attrs = Range32::new(a0, a1);
        raw.flags = sp.flags;
        if sp.error {
            raw.status = StatusCode::Error;
            raw.flags |= span_flags::ERROR;
        }
        b.push_span(raw);
    }
    b.finish()
}

fn idx(set: &TraceSet, id: u64) -> u32 {
    set.spans.iter().position(|s| s.span_id == SpanId::Hex(id)).expect("span present") as u32
}

fn name(set: &TraceSet, i: u32) -> String {
    let s = &set.spans[i as usize];
    format!("{}/{}", set.service_of(s), set.name_of(s))
}

fn load_demo() -> TraceSet {
    let bytes = std::fs::read("public/demo.json").expect("public/demo.json");
    clew::parse::load(&[("demo.json", &bytes)], None).expect("demo loads")
}

/// The handbook §7 chat-completion trace built inline (19 spans, root 3841 ms).
fn demo_inline() -> TraceSet {
    let db = |id, parent, svc, name: &str, st, d, sys: &str, db: &str, stmt: &str| {
        s(id, parent, svc, name, st, d).kind(SpanKind::Client).attr("db.system", sys).attr("db.name", db).attr("db.statement", stmt)
    };
    let llm = |id, parent, name: &str, st, d, prov: &str, model: &str| {
        s(id, parent, "llm-router", name, st, d)
            .kind(SpanKind::Client)
            .attr("gen_ai.provider.name", prov)
            .attr("gen_ai.request.model", model)
    };
    build(&[
        s(1, 0, "api-gateway", "POST /api/v1/chat", 0.0, 3841.0).kind(SpanKind::Server),
        s(2, 1, "auth-service", "validateJWT", 0.0, 38.0).kind(SpanKind::Server),
        db(3, 2, "auth-service", "GET session:token", 2.0, 6.0, "redis", "0", "GET session:token:?"),
        s(4, 1, "session-service", "getSession", 40.0, 12.0).kind(SpanKind::Server),
        db(5, 4, "session-service", "SELECT sessions", 41.0, 9.0, "postgresql", "chat", "SELECT * FROM sessions WHERE id = $1"),
        s(6, 1, "context-service", "loadHistory", 54.0, 384.0).kind(SpanKind::Server),
        db(7, 6, "context-service", "SELECT messages", 55.0, 155.0, "postgresql", "chat", "SELECT * FROM messages"),
        db(8, 6, "context-service", "SELECT context", 211.0, 225.0, "postgresql", "chat", "SELECT * FROM context"),
        s(9, 1, "rag-service", "vectorSearch", 56.0, 231.0).kind(SpanKind::Server),
        llm(10, 9, "embedding", 58.0, 118.0, "openai", "text-embedding-ada-002"),
        db(11, 9, "rag-service", "query", 177.0, 106.0, "qdrant", "docs", "search"),
        s(12, 1, "llm-orchestrator", "complete", 615.0, 2900.0).kind(SpanKind::Server),
        llm(13, 12, "classify", 616.0, 268.0, "openai", "gpt-4o-mini"),
        llm(14, 12, "generate", 885.0, 2208.0, "anthropic", "claude-3-5-sonnet"),
        llm(15, 12, "postprocess", 3094.0, 192.0, "openai", "gpt-4o-mini"),
        s(16, 1, "storage-service", "saveMessage", 3520.0, 154.0).kind(SpanKind::Server),
        db(17, 16, "storage-service", "INSERT messages", 3521.0, 149.0, "postgresql", "chat", "INSERT INTO messages VALUES ($1)"),
        s(18, 1, "audit-service", "enqueueEvent", 3680.0, 96.0).kind(SpanKind::Server),
        s(19, 18, "audit-service", "PRODUCE chat.events", 3682.0, 92.0)
            .kind(SpanKind::Producer)
            .attr("messaging.system", "kafka")
            .attr("messaging.destination.name", "chat.events"),
    ])
}

fn check_path_invariants(set: &TraceSet, trace: usize) {
    let cp = critical_path(set, trace);
    let root = &set.spans[set.traces[trace].root as usize];
    for w in cp.segments.windows(2) {
        assert_eq!(w[0].end_ns, w[1].start_ns, "segments are contiguous and in time order");
    }
    if let (Some(f), Some(l)) = (cp.segments.first(), cp.segments.last()) {
        assert_eq!(f.start_ns, root.start_ns);
        assert_eq!(l.end_ns, root.end_ns());
    }
    let total: u64 = cp.contributions.iter().map(|c| c.contribution_ns).sum();
    assert_eq!(total, root.duration_ns, "contributions add up to the root's duration");
}

// ───────────────────────────── critical path ─────────────────────────────

fn assert_demo_path(set: &TraceSet) {
    let cp = critical_path(set, 0);
    let names: Vec<String> = cp.spans().iter().map(|&i| name(set, i)).collect();
    assert!(names.contains(&"llm-orchestrator/complete".to_string()), "{names:?}");
    assert!(names.contains(&"llm-router/generate".to_string()), "{names:?}");
    let top = cp.contributions[0];
    assert_eq!(name(set, top.span), "llm-router/generate");
    // generate (885..3093 ms) has no children: all of its 2208 ms is on the path,
    // 2208 / 3841 = 57.48% of the root.
    assert_eq!(top.contribution_ns, 2208 * MS);
    assert!((top.percent - 57.48).abs() < 0.01, "{}", top.percent);
    assert_eq!(top.percent.round() as u64, 57);
    // Off the path: work that finished before later work started in parallel.
    assert!(!names.contains(&"rag-service/vectorSearch".to_string()), "rag overlaps context-service, which ends later");
    assert!(!names.contains(&"auth-service/validateJWT".to_string()) || names.contains(&"session-service/getSession".to_string()));
    check_path_invariants(set, 0);
}

#[test]
fn critical_path_demo_inline() {
    let set = demo_inline();
    // The 19 spans built above; the root's 3841 ms spans all of them.
    assert_eq!(set.spans.len(), 19);
    assert_eq!(set.traces[0].duration_ns, 3841 * MS);
    assert_demo_path(&set);
}

#[test]
fn critical_path_demo_file() {
    let set = load_demo();
    // public/demo.json holds the same 19 spans as demo_inline.
    assert_eq!(set.spans.len(), 19);
    assert_demo_path(&set);
    let j = critical_path_json(&set, 0);
    let arr = j.as_array().expect("array");
    let generate = arr.iter().find(|e| e["name"] == "generate").expect("generate on the path");
    assert_eq!(generate["service"], "llm-router");
    // generate's spanId in public/demo.json; its numbers as in assert_demo_path.
    assert_eq!(generate["span_id"], "a1b2c3d40000eeee");
    assert_eq!(generate["contribution_ns"], 2208 * MS);
    assert_eq!(generate["percent"].as_f64().map(|p| p.round()), Some(57.0));
    let starts: Vec<u64> = arr.iter().map(|e| e["start_ns"].as_u64().unwrap()).collect();
    assert!(starts.windows(2).all(|w| w[0] < w[1]), "time order");
}

#[test]
fn critical_path_overlapping_children() {
    // parent 0-100; A 10-90 and B 50-95 overlap; B ends last.
    let set = build(&[s(1, 0, "p", "parent", 0.0, 100.0), s(2, 1, "a", "A", 10.0, 80.0), s(3, 1, "b", "B", 50.0, 45.0)]);
    let cp = critical_path(&set, 0);
    let segs: Vec<(String, u64, u64)> =
        cp.segments.iter().map(|g| (name(&set, g.span), (g.start_ns - T0) / MS, (g.end_ns - T0) / MS)).collect();
    assert_eq!(segs, vec![("p/parent".into(), 0, 50), ("b/B".into(), 50, 95), ("p/parent".into(), 95, 100)]);
    assert!(!cp.contains(idx(&set, 2)), "A still runs when B starts: off the path");
    // The parent's own segments: 0..50 and 95..100.
    assert_eq!(cp.contribution_of(idx(&set, 1)), 55 * MS);
    check_path_invariants(&set, 0);
}

#[test]
fn critical_path_sequential_children_all_on_path() {
    let set = build(&[
        s(1, 0, "p", "parent", 0.0, 100.0),
        s(2, 1, "a", "A", 10.0, 20.0),
        s(3, 1, "b", "B", 40.0, 20.0),
        s(4, 3, "c", "C", 45.0, 10.0),
    ]);
    let cp = critical_path(&set, 0);
    let segs: Vec<(String, u64, u64)> =
        cp.segments.iter().map(|g| (name(&set, g.span), (g.start_ns - T0) / MS, (g.end_ns - T0) / MS)).collect();
    // The span times above, in ms: the parent's gaps around A (10..30) and B (40..60),
    // and B's around C (45..55).
    assert_eq!(
        segs,
        vec![
            ("p/parent".into(), 0, 10),
            ("a/A".into(), 10, 30),
            ("p/parent".into(), 30, 40),
            ("b/B".into(), 40, 45),
            ("c/C".into(), 45, 55),
            ("b/B".into(), 55, 60),
            ("p/parent".into(), 60, 100),
        ]
    );
    check_path_invariants(&set, 0);
}

#[test]
fn critical_path_child_outliving_parent_is_clipped() {
    let set = build(&[s(1, 0, "p", "parent", 0.0, 100.0), s(2, 1, "c", "child", 20.0, 130.0)]);
    let cp = critical_path(&set, 0);
    // The child runs 20..150 ms, clipped to the parent's end: 20..100; the parent keeps 0..20.
    assert_eq!(cp.contribution_of(idx(&set, 2)), 80 * MS, "counted only up to the parent's end");
    assert_eq!(cp.contribution_of(idx(&set, 1)), 20 * MS);
    // The trace lasts 150 ms (the child's end, 20 + 130); percentages are of that.
    assert_eq!(set.traces[0].duration_ns, 150 * MS);
    let c = cp.contributions.iter().find(|c| c.span == idx(&set, 2)).unwrap();
    assert!((c.percent - 80.0 * 100.0 / 150.0).abs() < 1e-9);
    check_path_invariants(&set, 0);
}

#[test]
fn critical_path_follows_from_child_is_async() {
    // A sync child 10-40 and an async (FOLLOWS_FROM) child 50-300 the parent does not wait for.
    let set = build(&[
        s(1, 0, "p", "parent", 0.0, 100.0),
        s(2, 1, "a", "sync", 10.0, 30.0),
        s(3, 1, "q", "async", 50.0, 250.0).flag(span_flags::FOLLOWS_FROM),
        s(4, 3, "q", "async-child", 60.0, 30.0),
    ]);
    let cp = critical_path(&set, 0);
    assert!(!cp.contains(idx(&set, 3)));
    assert!(!cp.contains(idx(&set, 4)));
    // The sync child's 30 ms (10..40); the parent keeps the other 70 of its 100 ms.
    assert_eq!(cp.contribution_of(idx(&set, 2)), 30 * MS);
    assert_eq!(cp.contribution_of(idx(&set, 1)), 70 * MS);
    check_path_invariants(&set, 0);
}

#[test]
fn critical_path_30000_deep_chain() {
    // Each span starts 1 ms after its parent and ends 1 ms before it.
    let n = 30_000u64;
    let spans: Vec<S> = (1..=n)
        .map(|k| s(k, k - 1, "svc", "op", (k - 1) as f64 * 0.001, (2 * (n - k) + 1) as f64 * 0.001))
        .collect();
    let set = build(&spans);
    assert_eq!(set.traces[0].max_depth, n as u32);
    let cp = critical_path(&set, 0);
    assert_eq!(cp.contributions.len(), n as usize, "every span of the chain is on the path");
    // One segment before and one after each child, plus the deepest span: 2(n - 1) + 1.
    assert_eq!(cp.segments.len(), 2 * n as usize - 1);
    // The deepest span (k = n) lasts (2(n - n) + 1) × 0.001 ms = 1 µs.
    let deepest = idx(&set, n);
    assert_eq!(cp.contribution_of(deepest), 1_000);
    check_path_invariants(&set, 0);
}

#[test]
fn critical_path_unknown_trace_is_empty() {
    // One trace: index 7 is past the end.
    let set = build(&[s(1, 0, "p", "x", 0.0, 1.0)]);
    assert!(critical_path(&set, 7).segments.is_empty());
    assert_eq!(critical_path_json(&set, 7), serde_json::json!([]));
}

#[test]
fn critical_path_real_files_hold_invariants() {
    let dir = std::path::Path::new("tests/corpus");
    let (mut loaded, mut refused, mut checked) = (0, 0, 0);
    for sub in ["otlp", "jaeger", "zipkin", "other"] {
        let rd = std::fs::read_dir(dir.join(sub)).unwrap_or_else(|e| panic!("tests/corpus/{sub}: {e}"));
        let mut paths: Vec<_> = rd.flatten().map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            let bytes = std::fs::read(&p).unwrap();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            let Ok(set) = clew::parse::load(&[(name.as_str(), &bytes)], None) else {
                refused += 1;
                continue;
            };
            loaded += 1;
            let config = PatternConfig::default();
            for t in 0..set.traces.len() {
                check_path_invariants(&set, t);
                let found = patterns(&set, t, &config);
                assert!(found.windows(2).all(|w| w[0].impact_ns >= w[1].impact_ns), "{name}: findings ranked by impact");
                let spans = set.traces[t].spans.range();
                let inside = found.iter().all(|f| f.spans.iter().all(|&i| spans.contains(&(i as usize))));
                assert!(inside, "{name}: findings stay in trace {t}");
                let graph = dependency_graph_json(&set, t);
                assert_eq!(graph, dependency_graph_json(&set, t), "{name}: deterministic graph");
                checked += 1;
            }
            let edges = service_graph_json(&set);
            for e in edges.as_array().expect("an array of edges") {
                assert_ne!(e["from"], e["to"], "{name}: service edges join two services");
                assert!(e["calls"].as_u64() >= Some(1) && e["errors"].as_u64() <= e["calls"].as_u64(), "{name}: {e}");
            }
            let g = dependency_graph(&set, None);
            let l = layout_dependency_graph(&g, &LayoutConfig::default());
            assert_no_overlap(&l);
        }
    }
    // The MANIFEST's 38 trace files: 32 load and 6 are refused (empty, no spans, invalid
    // JSON twice, Chrome trace events, Langfuse). The 32 hold 52 traces, its "traces"
    // column: otlp 28 (19 in the JSON Lines file), jaeger 12, zipkin 11, other 1.
    assert_eq!((loaded, refused), (32, 6), "corpus files loaded and refused");
    assert_eq!(checked, 52, "traces checked");
}

// ───────────────────────────── service graph ─────────────────────────────

#[test]
fn service_graph_counts_pairs_of_different_services() {
    let set = build(&[
        s(1, 0, "a", "root", 0.0, 100.0),
        s(2, 1, "b", "x", 1.0, 10.0),
        s(3, 1, "b", "y", 20.0, 10.0).err(),
        s(4, 1, "a", "local", 40.0, 10.0),
        s(5, 3, "c", "z", 21.0, 5.0),
        // An orphan (parent not loaded): no edge.
        s(6, 99, "d", "orphan", 50.0, 5.0),
        // Another trace adds to the same edge.
        s(7, 0, "a", "root", 0.0, 10.0).trace(2),
        s(8, 7, "b", "x", 1.0, 2.0).trace(2),
    ]);
    let j = service_graph_json(&set);
    // a → b: spans 2 and 3 (an error) in trace 1 and span 8 in trace 2; b → c: span 5.
    assert_eq!(
        j,
        serde_json::json!([
            {"from": "a", "to": "b", "calls": 3, "errors": 1},
            {"from": "b", "to": "c", "calls": 1, "errors": 0},
        ])
    );
}

#[test]
fn dependency_graph_demo_has_typed_nodes() {
    for set in [load_demo(), demo_inline()] {
        let g = dependency_graph(&set, Some(0));
        let kinds: BTreeMap<&str, NodeKind> = g.nodes.iter().map(|n| (n.label.as_str(), n.kind)).collect();
        assert_eq!(kinds.get("postgresql db chat"), Some(&NodeKind::Database), "{kinds:?}");
        assert_eq!(kinds.get("kafka chat.events"), Some(&NodeKind::Messaging));
        assert_eq!(kinds.get("api-gateway"), Some(&NodeKind::Service));
        assert!(g.nodes.iter().any(|n| n.kind == NodeKind::Llm && n.label.starts_with("anthropic claude-3-5-sonnet")));
        let pg = g.node_index("database:postgresql/chat").unwrap();
        let ctx = g.node_index("service:context-service").unwrap();
        let e = g.edges.iter().find(|e| e.from == ctx && e.to == pg).expect("context-service → postgresql");
        // SELECT messages (155 ms) and SELECT context (225 ms): p50 is the lower, p95 the higher.
        assert_eq!(e.calls, 2);
        assert_eq!(e.p50_ns, 155 * MS);
        assert_eq!(e.p95_ns, 225 * MS);
        assert_eq!(e.spans.len(), 2);
        // gpt-4o-mini is called twice by llm-router (classify, postprocess).
        let mini = g.nodes.iter().position(|n| n.label == "openai gpt-4o-mini").unwrap();
        let router = g.node_index("service:llm-router").unwrap();
        assert_eq!(g.edges.iter().find(|e| e.from == router && e.to == mini).unwrap().calls, 2);
        // Service → service edge: the gateway calls the orchestrator once.
        let gw = g.node_index("service:api-gateway").unwrap();
        let orch = g.node_index("service:llm-orchestrator").unwrap();
        assert_eq!(g.edges.iter().find(|e| e.from == gw && e.to == orch).unwrap().calls, 1);
        // Sorted, deterministic JSON.
        let j = dependency_graph_json(&set, 0);
        let ids: Vec<&str> = j["nodes"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);
        assert!(j["edges"].as_array().unwrap().iter().all(|e| e["p95_ns"].as_u64().is_some()));
        assert_eq!(j, dependency_graph_json(&set, 0));
    }
}

#[test]
fn dependency_graph_aggregates_traces_and_dedupes_wrappers() {
    let call = |t: u128, base: u64| {
        vec![
            s(base + 1, 0, "agent", "run", 0.0, 100.0).trace(t),
            // Framework wrapper (INTERNAL) and HTTP client span of one model call.
            s(base + 2, base + 1, "agent", "chat gpt", 1.0, 50.0)
                .trace(t)
                .attr("gen_ai.system", "openai")
                .attr("gen_ai.request.model", "gpt-4"),
            s(base + 3, base + 2, "agent", "POST /v1/chat", 2.0, 40.0)
                .trace(t)
                .kind(SpanKind::Client)
                .attr("gen_ai.system", "openai")
                .attr("gen_ai.request.model", "gpt-4"),
            s(base + 4, base + 1, "agent", "consume", 60.0, 10.0)
                .trace(t)
                .kind(SpanKind::Consumer)
                .attr("messaging.system", "kafka")
                .attr("messaging.destination.name", "jobs"),
        ]
    };
    let mut spans = call(1, 0);
    spans.extend(call(2, 100));
    let mut last = call(3, 200);
    last[1] = last[1].clone().err();
    spans.extend(last);
    let set = build(&spans);
    let one = dependency_graph(&set, Some(0));
    let llm = one.node_index("llm:openai/gpt-4").unwrap();
    assert_eq!(one.edges.iter().find(|e| e.to == llm).unwrap().calls, 1, "wrapper + client count once");
    let all = dependency_graph(&set, None);
    let llm = all.node_index("llm:openai/gpt-4").unwrap();
    let e = all.edges.iter().find(|e| e.to == llm).unwrap();
    // One call per trace, the third one an error; each lasts the wrapper's 50 ms.
    assert_eq!((e.calls, e.errors), (3, 1));
    assert_eq!(e.p50_ns, 50 * MS);
    // A consumer reads from the destination: edge destination → service.
    let q = all.node_index("messaging:kafka/jobs").unwrap();
    let agent = all.node_index("service:agent").unwrap();
    // One consume span per trace.
    assert!(all.edges.iter().any(|e| e.from == q && e.to == agent && e.calls == 3));
    assert_eq!(all.neighbours(agent), {
        let mut v = vec![llm, q];
        v.sort();
        v
    });
}

// ───────────────────────────── layout ─────────────────────────────

fn assert_no_overlap(l: &clew::view_model::graph_layout::GraphLayout) {
    for i in 0..l.nodes.len() {
        for j in i + 1..l.nodes.len() {
            assert!(!l.nodes[i].overlaps(&l.nodes[j]), "nodes {i} and {j} overlap: {:?} {:?}", l.nodes[i], l.nodes[j]);
        }
        let n = &l.nodes[i];
        assert!(n.x_px >= 0.0 && n.y_px >= 0.0 && n.x_px + n.width_px <= l.width_px && n.y_px + n.height_px <= l.height_px);
    }
}

#[test]
fn layout_demo_is_layered_without_overlaps_or_crossings() {
    let set = load_demo();
    let g = dependency_graph(&set, Some(0));
    let l = layout_dependency_graph(&g, &LayoutConfig::default());
    assert_eq!(l.nodes.len(), g.nodes.len());
    assert_no_overlap(&l);
    assert_eq!(l.crossings, 0, "the demo graph is a tree: no crossings");
    assert_eq!(geometric_crossings(&l), 0);
    // Every edge goes left to right, from a lower layer to a higher one.
    for (e, p) in g.edges.iter().zip(&l.edges) {
        assert!(l.nodes[e.from].layer < l.nodes[e.to].layer);
        assert!(!p.reversed);
        assert!(p.points_px.len() >= 2);
        assert!(p.points_px.windows(2).all(|w| w[0].0 < w[1].0));
    }
    let gw = g.node_index("service:api-gateway").unwrap();
    assert_eq!(g.roots, vec![gw]);
    assert_eq!(l.nodes[gw].layer, 0);
    // Wider labels get wider boxes.
    let pg = g.node_index("database:postgresql/chat").unwrap();
    let kafka = g.node_index("messaging:kafka/chat.events").unwrap();
    assert!(l.nodes[pg].width_px > l.nodes[kafka].width_px);
}

#[test]
fn layout_breaks_cycles_and_routes_long_edges() {
    // a → b → c → a (cycle), a → d, d → e, a → e (long edge).
    let labels = ["a", "b", "c", "d", "e"];
    let edges = [(0, 1), (1, 2), (2, 0), (0, 3), (3, 4), (0, 4)];
    let l = layout(&labels, &edges, &LayoutConfig::default());
    assert_no_overlap(&l);
    assert_eq!(l.edges.len(), edges.len());
    assert_eq!(l.edges.iter().filter(|e| e.reversed).count(), 1, "one edge reversed to break the cycle");
    for (k, e) in l.edges.iter().enumerate() {
        let (a, b) = edges[k];
        assert_eq!((e.from, e.to), (a, b));
        let (first, last) = (e.points_px[0], *e.points_px.last().unwrap());
        // The polyline starts at the source box and ends at the target box.
        let on = |p: (f64, f64), n: usize| {
            let bx = &l.nodes[n];
            (p.0 - bx.x_px).abs() < 1e-6 || (p.0 - bx.x_px - bx.width_px).abs() < 1e-6
        };
        assert!(on(first, a) && on(last, b), "edge {k}: {:?}", e.points_px);
    }
    // a → e spans two layers: it bends through one dummy point (start, bend, end).
    assert_eq!(l.edges[5].points_px.len(), 3);
}

#[test]
fn layout_puts_roots_first_even_in_a_cycle() {
    // c → a → b → c, and the traces start at b: b must be in the first layer.
    let labels = ["a", "b", "c", "d"];
    let edges = [(2, 0), (0, 1), (1, 2), (1, 3)];
    let l = layout_with_roots(&labels, &edges, &[1], &LayoutConfig::default());
    assert_eq!(l.nodes[1].layer, 0);
    assert!(l.nodes.iter().all(|n| n.layer >= l.nodes[1].layer));
    assert_eq!(l.edges.iter().filter(|e| e.reversed).count(), 1, "only the edge into the root is reversed");
    assert!(l.edges[1].reversed, "a → b, the edge into the root, closes the cycle");
    assert_no_overlap(&l);
}

#[test]
fn layout_reduces_crossings_on_a_crossed_input() {
    // Two layers given in an order that crosses: barycenter sweeps must untangle it.
    let labels = ["r1", "r2", "r3", "x3", "x2", "x1"];
    let edges = [(0, 5), (1, 4), (2, 3)];
    let l = layout(&labels, &edges, &LayoutConfig::default());
    assert_eq!(l.crossings, 0);
    assert_eq!(geometric_crossings(&l), 0);
    assert_no_overlap(&l);
}

#[test]
fn layout_many_nodes_no_overlap() {
    // A wide random-ish DAG with 200 nodes.
    let labels: Vec<String> = (0..200).map(|i| format!("service-{i}")).collect();
    let refs: Vec<&str> = labels.iter().map(|s| s.as_str()).collect();
    let mut edges = Vec::new();
    let mut x = 12345u64;
    for i in 1..200usize {
        for _ in 0..2 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let j = (x >> 33) as usize % i;
            edges.push((j, i));
        }
    }
    let l = layout(&refs, &edges, &LayoutConfig::default());
    assert_no_overlap(&l);
    assert!(l.layers >= 2);
}

// ───────────────────────────── patterns ─────────────────────────────

fn of_kind(f: &[Finding], k: PatternKind) -> Vec<&Finding> {
    f.iter().filter(|x| x.kind == k).collect()
}

#[test]
fn sequential_handbook_14_a_saves_380ms() {
    let set = build(&[
        s(1, 0, "web", "GET /home", 0.0, 610.0).kind(SpanKind::Server),
        s(2, 1, "web", "fetch_user_profile", 2.0, 200.0).kind(SpanKind::Client),
        s(3, 1, "web", "fetch_user_orders", 203.0, 180.0).kind(SpanKind::Client),
        s(4, 1, "web", "fetch_recommendations", 384.0, 220.0).kind(SpanKind::Client),
    ]);
    let f = patterns(&set, 0, &PatternConfig::default());
    let seq = of_kind(&f, PatternKind::Sequential);
    assert_eq!(seq.len(), 1, "{f:?}");
    // 200 + 180 + 220 = 600 ms one after another; in parallel they would take the
    // longest, 220: 600 - 220 = 380 ms.
    assert_eq!(seq[0].impact_ns, 380 * MS);
    assert_eq!(seq[0].spans, vec![idx(&set, 2), idx(&set, 3), idx(&set, 4)]);
    assert!(seq[0].message.contains("600 ms") && seq[0].message.contains("220 ms") && seq[0].message.contains("380 ms"), "{}", seq[0].message);
}

#[test]
fn sequential_not_reported_when_parallel_14_b() {
    let set = build(&[
        s(1, 0, "web", "GET /home", 0.0, 230.0).kind(SpanKind::Server),
        s(2, 1, "web", "fetch_user_profile", 2.0, 200.0).kind(SpanKind::Client),
        s(3, 1, "web", "fetch_user_orders", 3.0, 180.0).kind(SpanKind::Client),
        s(4, 1, "web", "fetch_recommendations", 4.0, 220.0).kind(SpanKind::Client),
    ]);
    let f = patterns(&set, 0, &PatternConfig::default());
    assert!(of_kind(&f, PatternKind::Sequential).is_empty(), "{f:?}");
}

#[test]
fn same_operation_repeated_is_not_sequential() {
    let set = build(&[
        s(1, 0, "web", "handler", 0.0, 400.0).kind(SpanKind::Server),
        s(2, 1, "web", "GET /item", 0.0, 100.0).kind(SpanKind::Client),
        s(3, 1, "web", "GET /item", 100.0, 100.0).kind(SpanKind::Client),
        s(4, 1, "web", "GET /item", 200.0, 100.0).kind(SpanKind::Client),
    ]);
    let f = patterns(&set, 0, &PatternConfig::default());
    assert!(of_kind(&f, PatternKind::Sequential).is_empty(), "{f:?}");
}

#[test]
fn gap_handbook_14_c_leaves_360ms() {
    let set = build(&[s(1, 0, "a", "parent_service call", 0.0, 800.0), s(2, 1, "b", "child span", 144.0, 440.0)]);
    let f = patterns(&set, 0, &PatternConfig::default());
    let gaps = of_kind(&f, PatternKind::Gap);
    assert_eq!(gaps.len(), 1);
    // 144 ms before the child and 800 - 144 - 440 = 216 after: 360 ms, 45% of 800.
    assert_eq!(gaps[0].impact_ns, 360 * MS);
    assert_eq!(gaps[0].spans[0], idx(&set, 1));
    let m = &gaps[0].message;
    assert!(m.contains("144 ms (18%) before") && m.contains("216 ms (27%) after") && m.contains("(45%)"), "{m}");
    // Thresholds are the user's: a 50% minimum hides it.
    let cfg = PatternConfig { gap_min_percent: 50.0, ..PatternConfig::default() };
    assert!(of_kind(&patterns(&set, 0, &cfg), PatternKind::Gap).is_empty());
}

#[test]
fn gap_between_children_counts_holes_once() {
    let set = build(&[
        s(1, 0, "a", "p", 0.0, 100.0),
        s(2, 1, "b", "x", 0.0, 30.0),
        s(3, 1, "b", "y", 20.0, 20.0),
        s(4, 1, "b", "z", 70.0, 30.0),
    ]);
    let f = patterns(&set, 0, &PatternConfig::default());
    let g = of_kind(&f, PatternKind::Gap);
    assert_eq!(g[0].impact_ns, 30 * MS, "only 40..70 is uncovered");
    assert!(g[0].message.contains("between children"));
}

#[test]
fn n_plus_one_needs_five_similar_statements() {
    let mut spans = vec![s(1, 0, "orders", "GET /orders", 0.0, 100.0).kind(SpanKind::Server)];
    for k in 0..6u64 {
        spans.push(
            s(10 + k, 1, "orders", "SELECT", 1.0 + k as f64 * 10.0, 8.0)
                .kind(SpanKind::Client)
                .attr("db.system", "postgresql")
                .attr("db.statement", &format!("SELECT * FROM items WHERE id = {} AND s = 'k{k}'", 100 + k)),
        );
    }
    let set = build(&spans);
    let f = patterns(&set, 0, &PatternConfig::default());
    let n1 = of_kind(&f, PatternKind::NPlusOne);
    assert_eq!(n1.len(), 1, "{f:?}");
    // The six SELECTs above.
    assert_eq!(n1[0].spans.len(), 6);
    assert_eq!(n1[0].impact_ns, 48 * MS - 8 * MS, "six 8 ms calls in sequence, one would do");
    assert!(n1[0].message.contains("SELECT * FROM items WHERE id = ? AND s = ?"), "{}", n1[0].message);
    assert!(of_kind(&f, PatternKind::Sequential).is_empty());
    // Four are not enough by default (five make a group); a threshold of 4 makes them
    // count. spans[..5] is the root and four SELECTs.
    let set4 = build(&spans[..5]);
    assert!(of_kind(&patterns(&set4, 0, &PatternConfig::default()), PatternKind::NPlusOne).is_empty());
    let cfg = PatternConfig { n_plus_one_min: 4, ..PatternConfig::default() };
    assert_eq!(of_kind(&patterns(&set4, 0, &cfg), PatternKind::NPlusOne).len(), 1);
}

#[test]
fn n_plus_one_http_routes() {
    let mut spans = vec![s(1, 0, "web", "page", 0.0, 100.0).kind(SpanKind::Server)];
    for k in 0..5u64 {
        spans.push(
            s(10 + k, 1, "web", "GET", k as f64 * 5.0, 20.0)
                .kind(SpanKind::Client)
                .attr("http.request.method", "GET")
                .attr("url.full", &format!("https://api.example.com/users/{}/avatar?size=2", 1000 + k)),
        );
    }
    let set = build(&spans);
    let f = patterns(&set, 0, &PatternConfig::default());
    let n1 = of_kind(&f, PatternKind::NPlusOne);
    assert_eq!(n1.len(), 1);
    assert!(n1[0].message.contains("GET /users/?/avatar"), "{}", n1[0].message);
}

#[test]
fn normalize_statement_replaces_literals() {
    assert_eq!(
        normalize_statement("SELECT  *\n FROM t1 WHERE id = 42 AND n IN (1, 2,3) AND s='it''s' AND x=$1"),
        "SELECT * FROM t1 WHERE id = ? AND n IN (?) AND s=? AND x=$1"
    );
}

#[test]
fn late_start_recurring_in_one_trace() {
    let set = build(&[
        s(1, 0, "api", "root", 0.0, 300.0),
        s(2, 1, "svc", "handle", 0.0, 100.0),
        s(3, 2, "svc", "SELECT", 60.0, 30.0).kind(SpanKind::Client),
        s(4, 1, "svc", "handle", 150.0, 100.0),
        s(5, 4, "svc", "SELECT", 200.0, 30.0).kind(SpanKind::Client),
    ]);
    let f = patterns(&set, 0, &PatternConfig::default());
    let late = of_kind(&f, PatternKind::LateStart);
    assert_eq!(late.len(), 1, "{f:?}");
    assert_eq!(late[0].spans, vec![idx(&set, 3), idx(&set, 5)]);
    // The two waits: SELECT 60 ms after its handle starts (0 → 60), then 50 ms (150 → 200).
    assert_eq!(late[0].impact_ns, 110 * MS);
    assert!(late[0].message.contains("pool"), "{}", late[0].message);
}

#[test]
fn late_start_once_needs_another_trace() {
    let one = |t: u128, base: u64| {
        vec![
            s(base + 1, 0, "svc", "handle", 0.0, 100.0).trace(t),
            s(base + 2, base + 1, "svc", "SELECT", 60.0, 30.0).trace(t).kind(SpanKind::Client),
        ]
    };
    let single = build(&one(1, 0));
    assert!(of_kind(&patterns(&single, 0, &PatternConfig::default()), PatternKind::LateStart).is_empty());
    let mut spans = one(1, 0);
    spans.extend(one(2, 10));
    let two = build(&spans);
    let f = patterns(&two, 0, &PatternConfig::default());
    let late = of_kind(&f, PatternKind::LateStart);
    assert_eq!(late.len(), 1);
    // Trace 2 is the one other trace with the same late SELECT.
    assert!(late[0].message.contains("1 in other traces"), "{}", late[0].message);
}

#[test]
fn patterns_all_matches_per_trace_calls() {
    let mut spans = Vec::new();
    for t in 1..=4u128 {
        let b = t as u64 * 100;
        spans.push(s(b + 1, 0, "svc", "handle", t as f64 * 1000.0, 100.0).trace(t));
        // A late start once per trace (recurs only across traces) plus a retry in trace 2.
        spans.push(s(b + 2, b + 1, "svc", "SELECT", t as f64 * 1000.0 + 60.0, 30.0).trace(t).kind(SpanKind::Client));
        if t == 2 {
            spans.push(s(b + 3, b + 1, "svc", "POST /x", t as f64 * 1000.0 + 1.0, 5.0).trace(t).err());
            spans.push(s(b + 4, b + 1, "svc", "POST /x", t as f64 * 1000.0 + 10.0, 5.0).trace(t));
        }
    }
    let set = build(&spans);
    let cfg = PatternConfig::default();
    let all = patterns_all(&set, &cfg);
    // One list per trace; each late SELECT recurs in the 3 other traces.
    assert_eq!(all.len(), 4);
    for (t, f) in all.iter().enumerate() {
        assert_eq!(f, &patterns(&set, t, &cfg), "trace {t}");
        assert!(f.iter().any(|x| x.kind == PatternKind::LateStart && x.message.contains("3 in other traces")), "{f:?}");
    }
    assert!(all[1].iter().any(|x| x.kind == PatternKind::Retry));
    let j = patterns_all_json(&set, &cfg);
    assert_eq!(j[1], patterns_json(&set, 1, &cfg));
}

#[test]
fn waiting_your_turn_in_a_sequence_is_not_late() {
    let set = build(&[
        s(1, 0, "api", "root", 0.0, 100.0),
        s(2, 1, "a", "one", 0.0, 60.0),
        s(3, 1, "b", "two", 60.0, 40.0),
        s(4, 0, "api", "root", 200.0, 100.0).trace(2),
        s(5, 4, "a", "one", 200.0, 60.0).trace(2),
        s(6, 4, "b", "two", 260.0, 40.0).trace(2),
    ]);
    let f = patterns(&set, 0, &PatternConfig::default());
    assert!(of_kind(&f, PatternKind::LateStart).is_empty(), "{f:?}");
}

#[test]
fn retry_storm_after_errors() {
    let set = build(&[
        s(1, 0, "checkout", "pay", 0.0, 1000.0),
        s(2, 1, "checkout", "POST /charge", 0.0, 200.0).kind(SpanKind::Client).err(),
        s(3, 1, "checkout", "POST /charge", 250.0, 200.0).kind(SpanKind::Client).err(),
        s(4, 1, "checkout", "POST /charge", 500.0, 200.0).kind(SpanKind::Client),
        s(5, 1, "checkout", "audit", 800.0, 10.0),
    ]);
    let f = patterns(&set, 0, &PatternConfig::default());
    let r = of_kind(&f, PatternKind::Retry);
    assert_eq!(r.len(), 1, "{f:?}");
    assert_eq!(r[0].spans, vec![idx(&set, 2), idx(&set, 3), idx(&set, 4)]);
    // From the first attempt's start (0) to the last one's (500).
    assert_eq!(r[0].impact_ns, 500 * MS);
    assert!(r[0].message.starts_with("retry storm: 3 attempts"), "{}", r[0].message);
    assert!(r[0].message.contains("the last succeeded"));
    assert!(of_kind(&f, PatternKind::Sequential).iter().all(|x| !x.spans.contains(&idx(&set, 2))));
    // Two attempts are a retry, not a storm.
    let set2 = build(&[
        s(1, 0, "c", "pay", 0.0, 1000.0),
        s(2, 1, "c", "POST /charge", 0.0, 200.0).err(),
        s(3, 1, "c", "POST /charge", 300.0, 200.0),
    ]);
    let r2 = of_kind(&patterns(&set2, 0, &PatternConfig::default()), PatternKind::Retry).into_iter().cloned().collect::<Vec<_>>();
    assert_eq!(r2.len(), 1);
    assert!(r2[0].message.starts_with("2 attempts"));
}

#[test]
fn error_origin_is_the_deepest_error() {
    let set = build(&[
        s(1, 0, "gw", "POST /order", 0.0, 500.0).err(),
        s(2, 1, "orders", "create", 10.0, 400.0).err(),
        s(3, 2, "orders", "validate", 20.0, 10.0),
        s(4, 2, "inventory", "reserve", 40.0, 300.0).err(),
        s(5, 4, "inventory", "UPDATE stock", 50.0, 100.0).err(),
        // A separate error root in the same trace.
        s(6, 0, "gw", "GET /health", 600.0, 5.0).err(),
    ]);
    let f = patterns(&set, 0, &PatternConfig::default());
    let eo = of_kind(&f, PatternKind::ErrorOrigin);
    // Error roots: POST /order (span 1) and GET /health (span 6).
    assert_eq!(eo.len(), 2, "one finding per error root: {f:?}");
    assert_eq!(eo[1].spans, vec![idx(&set, 6)], "the lone error root explains itself");
    assert!(eo[1].message.starts_with("error originates in gw/GET /health"));
    assert_eq!(eo[0].spans[0], idx(&set, 5), "the deepest error span comes first");
    assert_eq!(*eo[0].spans.last().unwrap(), idx(&set, 1));
    // The error chain 5 → 4 → 2 → 1; the impact is the error root's 500 ms.
    assert_eq!(eo[0].spans.len(), 4);
    assert_eq!(eo[0].impact_ns, 500 * MS);
    assert!(eo[0].message.contains("inventory/UPDATE stock"), "{}", eo[0].message);
}

#[test]
fn error_origin_per_error_root() {
    // Two error roots: the root's subtree and an orphan subtree.
    let set = build(&[
        s(1, 0, "gw", "a", 0.0, 100.0).err(),
        s(2, 1, "x", "b", 10.0, 20.0),
        s(3, 77, "y", "orphan", 200.0, 50.0).err(),
        s(4, 3, "y", "inner", 210.0, 10.0).err(),
    ]);
    let f = patterns(&set, 0, &PatternConfig::default());
    let eo = of_kind(&f, PatternKind::ErrorOrigin);
    // Error roots: span 1 and the orphan span 3.
    assert_eq!(eo.len(), 2);
    let origins: Vec<u32> = eo.iter().map(|e| e.spans[0]).collect();
    assert!(origins.contains(&idx(&set, 1)) && origins.contains(&idx(&set, 4)));
}

#[test]
fn fan_out_reports_the_width() {
    let mut spans = vec![s(1, 0, "search", "query", 0.0, 300.0)];
    for k in 0..8u64 {
        spans.push(s(10 + k, 1, "shard", &format!("shard-{k}"), 10.0 + k as f64, 100.0 + 10.0 * k as f64));
    }
    spans.push(s(30, 1, "search", "merge", 250.0, 20.0));
    let set = build(&spans);
    let f = patterns(&set, 0, &PatternConfig::default());
    let fo = of_kind(&f, PatternKind::FanOut);
    assert_eq!(fo.len(), 1);
    // The 8 shards overlap at 17 ms; merge makes 9 children.
    assert!(fo[0].message.contains("runs 8 children at once (9 children in all"), "{}", fo[0].message);
    // shard-7 (span 17) lasts 100 + 70 = 170 ms, the longest.
    assert_eq!(fo[0].spans[0], idx(&set, 17), "the slowest child first");
    // Wall time of the children: shards 10..187 (shard-7 ends at 17 + 170), merge 20 ms.
    assert_eq!(fo[0].impact_ns, (187 - 10 + 20) * MS);
    let cfg = PatternConfig { fan_out_min: 9, ..PatternConfig::default() };
    assert!(of_kind(&patterns(&set, 0, &cfg), PatternKind::FanOut).is_empty());
}

#[test]
fn findings_ranked_by_impact_and_json_shape() {
    let set = load_demo();
    let f = patterns(&set, 0, &PatternConfig::default());
    assert!(!f.is_empty());
    assert!(f.windows(2).all(|w| w[0].impact_ns >= w[1].impact_ns));
    let j = patterns_json(&set, 0, &PatternConfig::default());
    let arr = j.as_array().unwrap();
    assert_eq!(arr.len(), f.len());
    for item in arr {
        let kind = item["kind"].as_str().unwrap();
        assert!(PatternKind::ALL.iter().any(|k| k.as_str() == kind));
        assert!(item["spans"].as_array().unwrap().iter().all(|s| s.as_str().map(|x| x.len() == 16).unwrap_or(false)));
        assert!(item["impact_ns"].as_u64().is_some());
        assert!(!item["message"].as_str().unwrap().is_empty());
    }
    // The gateway's calls run in steps; rag-service overlaps context-service, so
    // they are one step: 38 + 12 + 384 + 2900 + 154 + 96 = 3584 ms, saving 684 ms.
    let root_seq = f
        .iter()
        .find(|x| x.kind == PatternKind::Sequential && name(&set, x.parent) == "api-gateway/POST /api/v1/chat")
        .expect("root sequential");
    assert_eq!(root_seq.impact_ns, 684 * MS);
    // The gateway's 7 children: 6 steps, rag-service in parallel with context-service.
    assert_eq!(root_seq.spans.len(), 7);
    assert!(root_seq.message.starts_with("6 calls under"), "{}", root_seq.message);
    assert!(root_seq.message.contains("+1 in parallel"), "{}", root_seq.message);
    // The demo's context-service runs its two queries back to back.
    assert!(f.iter().any(|x| x.kind == PatternKind::Sequential && name(&set, x.parent) == "context-service/loadHistory"), "{f:#?}");
    assert_eq!(j, patterns_json(&set, 0, &PatternConfig::default()), "deterministic");
}

// ───────────────────────────── stats ─────────────────────────────

#[test]
fn self_time_subtracts_the_union_of_children_clipped() {
    let set = build(&[
        s(1, 0, "p", "parent", 0.0, 100.0),
        s(2, 1, "c", "A", 10.0, 40.0),
        s(3, 1, "c", "B", 30.0, 40.0),
        s(4, 1, "c", "C", 90.0, 30.0),
    ]);
    // Covered: 10..70 and 90..100 (C clipped) = 70 ms of the parent's 100.
    assert_eq!(self_time(&set, idx(&set, 1)), 30 * MS);
    // C has no children: all of its 30 ms.
    assert_eq!(self_time(&set, idx(&set, 4)), 30 * MS);
}

#[test]
fn stats_by_service_and_operation_over_traces() {
    let mut spans = Vec::new();
    for t in 1..=3u128 {
        let b = t as u64 * 10;
        spans.push(s(b + 1, 0, "api", "GET /", 0.0, 100.0 * t as f64).trace(t));
        spans.push(s(b + 2, b + 1, "db", "SELECT", 10.0, 10.0 * t as f64).trace(t));
        spans.push(s(b + 3, b + 1, "db", "INSERT", 50.0, 5.0).trace(t).err());
    }
    let set = build(&spans);
    // GET / lasts 100, 200 and 300 ms; SELECT 10, 20 and 30; INSERT 5 (an error) each time.
    let rows = stats::stats(&set, Scope::All, GroupBy::Service);
    assert_eq!(rows.len(), 2);
    let api = rows.iter().find(|r| r.service == "api").unwrap();
    assert_eq!(api.total.count, 3);
    assert_eq!(api.total.sum_ns, 600 * MS);
    assert_eq!(api.total.max_ns, 300 * MS);
    assert_eq!(api.total.p50_ns, 200 * MS);
    // Its children cover 10 + 20 + 30 (SELECT) and 3 × 5 (INSERT) of the 600 ms.
    assert_eq!(api.self_time.sum_ns, (600 - 60 - 15) * MS);
    let db = rows.iter().find(|r| r.service == "db").unwrap();
    assert_eq!(db.errors, 3);
    assert_eq!(db.total.count, 6);

    let mut ops = stats::stats(&set, Scope::All, GroupBy::Operation);
    assert_eq!(ops.len(), 3);
    sort_rows(&mut ops, StatColumn::Operation, SortDir::Asc);
    let names: Vec<&str> = ops.iter().map(|r| r.operation.as_str()).collect();
    assert_eq!(names, ["GET /", "INSERT", "SELECT"]);
    sort_rows(&mut ops, StatColumn::TotalMax, SortDir::Desc);
    assert_eq!(ops[0].operation, "GET /");
    sort_rows(&mut ops, StatColumn::TotalMax, SortDir::Asc);
    assert_eq!(ops[0].operation, "INSERT");
    let select = ops.iter().find(|r| r.operation == "SELECT").unwrap();
    // SELECT: mean of 10, 20 and 30 ms; p99 is the largest.
    assert!((select.total.mean_ns - 20.0 * MS as f64).abs() < 1.0);
    assert_eq!(select.total.p99_ns, 30 * MS);

    let one = stats::stats(&set, Scope::Trace(0), GroupBy::Operation);
    assert!(one.iter().all(|r| r.total.count == 1));
    let j = stats::stats_json(&set, Scope::All, GroupBy::Operation);
    assert_eq!(j.as_array().unwrap().len(), 3);
    // Every column in its default direction (names ascending, numbers descending), ties
    // by (service, operation). GET / has the largest times and self times (525 ms in all),
    // then SELECT (60), then INSERT (15); only INSERT has errors; every count is 3.
    let by_time = ["GET /", "SELECT", "INSERT"];
    for c in StatColumn::ALL {
        let want = match c {
            StatColumn::Service | StatColumn::Operation | StatColumn::Count => ["GET /", "INSERT", "SELECT"],
            StatColumn::Errors => ["INSERT", "GET /", "SELECT"],
            _ => by_time,
        };
        let mut r = ops.clone();
        sort_rows(&mut r, c, c.default_direction());
        let got: Vec<&str> = r.iter().map(|x| x.operation.as_str()).collect();
        assert_eq!(got, want, "sorted by {c:?}");
    }
}

// ───────────────────────────── charts ─────────────────────────────

#[test]
fn charts_are_labelled_themed_svg_with_escaped_labels() {
    let mut spans = vec![s(1, 0, "api<&>", "GET \"/x\"", 0.0, 100.0)];
    for k in 0..20u64 {
        spans.push(s(10 + k, 1, "db", "SELECT", k as f64 * 4.0, 1.0 + k as f64));
    }
    let set = build(&spans);
    let theme = ChartTheme { fg: "#112233".into(), bg: "#fafbfc".into(), grid: "#ccc".into(), palette: vec!["#ff0000".into()] };
    let h = latency_histogram_svg(&set, "db", "SELECT", &theme, 600, 300, 10);
    assert!(h.starts_with("<svg"), "{h}");
    // The 20 SELECT spans built above.
    assert!(h.contains("Latency of db / SELECT (20 spans)"));
    assert!(h.contains("duration (ms"));
    assert!(h.contains("#112233") || h.contains("rgb(17,34,51)") || h.contains("#112233".to_uppercase().as_str()), "fg color used");
    let bars = self_time_by_service_svg(&set, Scope::All, &theme, 600, 10);
    assert!(bars.contains("Self time by service"));
    assert!(bars.contains("api&lt;&amp;&gt;"), "labels are escaped: {bars}");
    assert!(!bars.contains("api<&>"));
    assert!(bars.contains(">db") || bars.contains("db\n"));
    let empty = latency_histogram_svg(&set, "nope", "nothing", &theme, 600, 300, 10);
    assert!(empty.contains("no spans"));
}
