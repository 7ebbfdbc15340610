//! Native tests of the analysis tabs' data (`view_model::tabs`): every request and
//! response survives the JSON trip between page and worker, and the answers over the
//! demo trace (public/demo.json), a crafted N+1 trace and generated sets carry the
//! numbers the tabs show, cut to the row windows asked for. Also the LLM charts'
//! bound on drawn points and the generic row-window math.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test or benchmark fails by panicking; clippy.toml already exempts #[test] bodies, and this covers their helpers")]

use clew::analysis::patterns::PatternConfig;
use clew::analysis::pricing::PriceTable;
use clew::model::TraceSet;
use clew::synth::{self, GenFormat, GenOptions};
use clew::view_model::list_window::RowRange;
use clew::view_model::tabs::answer::Answerer;
use clew::view_model::tabs::critical_path::CpRequest;
use clew::view_model::tabs::graph::{GraphRequest, GraphTarget};
use clew::view_model::tabs::llm::{AllPart, LlmAllRequest, LlmCsvRequest, LlmTraceRequest, TableQuery};
use clew::view_model::tabs::llm_charts::{cost_calls, scatter_calls, MAX_COST_STEPS, MAX_SCATTER_POINTS};
use clew::view_model::tabs::patterns::PatternsRequest;
use clew::view_model::tabs::stats::{StatsChartsRequest, StatsRequest};
use clew::view_model::tabs::table::TableWindow;
use clew::view_model::tabs::{decode, encode, Request, Response};

fn load(path: &str) -> TraceSet {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    clew::parse::load(&[(path, &bytes)], None).expect("loads")
}

fn demo() -> TraceSet {
    load("public/demo.json")
}

fn generated(spans: usize, traces: usize) -> TraceSet {
    let text = synth::encode(&synth::generate(GenOptions { spans, traces, seed: 3 }), GenFormat::Otlp);
    clew::parse::load(&[("gen.json", text.as_bytes())], None).expect("generated set loads")
}

/// Whether two JSON values are equal, numbers within a relative 1e-12 (JSON floats
/// come back within an ulp or so: the layout's pixel positions, for one).
fn same_json(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as V;
    match (a, b) {
        (V::Number(x), V::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => (x - y).abs() <= 1e-12 * x.abs().max(y.abs()).max(1.0),
            _ => x == y,
        },
        (V::Array(x), V::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y)),
        (V::Object(x), V::Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w))),
        _ => a == b,
    }
}

/// Answers `req` after a JSON trip both ways, as the page and the worker do.
fn ask(a: &mut Answerer, set: &TraceSet, req: Request) -> Response {
    let text = encode(&req);
    let back: Request = decode(&text).expect("request decodes");
    assert_eq!(back, req, "request round trip");
    let resp = a.answer(set, &back);
    let text = encode(&resp);
    let out: Response = decode(&text).expect("response decodes");
    let (sent, got) = (serde_json::to_value(&resp).expect("value"), serde_json::to_value(&out).expect("value"));
    assert!(same_json(&sent, &got), "response round trip: {text}");
    out
}

fn texts(w: &TableWindow, row: usize) -> Vec<String> {
    w.row(row).map(|r| r.cells.iter().map(|c| c.text.clone()).collect()).unwrap_or_default()
}

fn llm_trace(trace: usize, calls_sort: Option<(usize, bool)>) -> Request {
    Request::LlmTrace(LlmTraceRequest {
        trace,
        prices: PriceTable::builtin(),
        calls: TableQuery { id: "calls".into(), sort: calls_sort, rows: RowRange::first(50) },
        context: TableQuery { id: "context".into(), sort: None, rows: RowRange::first(50) },
        agents: TableQuery { id: "agents:0".into(), sort: None, rows: RowRange::first(50) },
    })
}

#[test]
fn critical_path_rows_of_the_demo() {
    let set = demo();
    let mut a = Answerer::new();
    let Response::CriticalPath(d) = ask(&mut a, &set, Request::CriticalPath(CpRequest { trace: 0, contributions: RowRange::first(5), segments: RowRange { from: 2, to: 4 } })) else { panic!("kind") };
    // generate (llm-router) is 2.21 s of the 3.84 s trace: 57.5 % (as the e2e spec reads it).
    assert_eq!(texts(&d.contributions, 0), ["llm-router", "generate", "2.21 s", "57.5%"]);
    // Its share bar is 1.2 px per percent.
    assert!(d.contributions.row(0).and_then(|r| r.cells[3].bar_px).is_some_and(|px| (px - 57.485 * 1.2).abs() < 0.1));
    assert_eq!(d.contributions.rows.len(), 5.min(d.contributions.total));
    // Segments 2 and 3 only, in time order, each with the span it jumps to.
    assert_eq!((d.segments.from, d.segments.rows.len()), (2, 2));
    assert!(d.segments.rows.iter().all(|r| r.span.is_some()));
    assert!(d.summary.as_deref().is_some_and(|s| s.ends_with("trace 3.84 s")), "{:?}", d.summary);
    let Response::CriticalHighlight(h) = ask(&mut a, &set, Request::CriticalHighlight { trace: 0 }) else { panic!("kind") };
    assert_eq!(h.len(), d.segments.total);
    // A trace that does not exist: no summary, no rows.
    let Response::CriticalPath(none) = ask(&mut a, &set, Request::CriticalPath(CpRequest { trace: 7, contributions: RowRange::first(5), segments: RowRange::first(5) })) else { panic!("kind") };
    assert_eq!((none.summary, none.contributions.total), (None, 0));
}

#[test]
fn stats_rows_are_sorted_and_windowed() {
    let set = demo();
    let mut a = Answerer::new();
    // Column 10 is `self sum` (StatColumn::ALL order), descending: generate first.
    let req = |by_operation: bool, sort: usize, ascending: bool, rows: RowRange| Request::Stats(StatsRequest { scope: Some(0), by_operation, sort, ascending, rows });
    let Response::Stats(w) = ask(&mut a, &set, req(true, 10, false, RowRange::first(100))) else { panic!("kind") };
    assert_eq!(texts(&w, 0)[1], "generate");
    assert_eq!(w.rows[0].key, ["llm-router", "generate"]);
    assert_eq!(w.rows[0].cells.len(), 16);
    // By service: one row per service (nine), 15 columns; a window of three from the fourth.
    let Response::Stats(s) = ask(&mut a, &set, req(false, 0, true, RowRange { from: 3, to: 6 })) else { panic!("kind") };
    assert_eq!((s.total, s.from, s.rows.len(), s.rows[0].cells.len()), (9, 3, 3, 15));
    let Response::Stats(all) = ask(&mut a, &set, req(false, 0, true, RowRange::first(9))) else { panic!("kind") };
    let names: Vec<String> = (0..9).map(|i| texts(&all, i)[0].clone()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "services ascending");
    assert_eq!(texts(&s, 3), texts(&all, 3), "the window holds the same rows");
    let charts = Request::StatsCharts(StatsChartsRequest { scope: Some(0), by_operation: true, sort: 10, ascending: false, histogram_of: None, dark: false });
    let Response::StatsCharts(c) = ask(&mut a, &set, charts) else { panic!("kind") };
    assert!(c.self_time_svg.contains("Self time by service"));
    assert!(c.histogram_svg.as_deref().is_some_and(|h| h.contains("llm-router / generate")), "histogram of the first row");
}

#[test]
fn graph_is_drawn_without_span_lists_and_spans_come_on_request() {
    let set = demo();
    let mut a = Answerer::new();
    let Response::Graph(g) = ask(&mut a, &set, Request::Graph(GraphRequest { scope: Some(0), min_calls: 1, max_edges: 60 })) else { panic!("kind") };
    assert_eq!(g.nodes.iter().filter(|n| n.kind == "service").count(), 9, "nine services");
    assert_eq!((g.layout.nodes.len(), g.layout.edges.len(), g.near.len()), (g.nodes.len(), g.edges.len(), g.nodes.len()));
    assert_eq!(g.hidden_nodes, 0);
    let router = g.nodes.iter().find(|n| n.id == "service:llm-router").expect("llm-router");
    let target = GraphTarget::Node("service:llm-router".into());
    let Response::Spans(spans) = ask(&mut a, &set, Request::GraphSpans { scope: Some(0), target }) else { panic!("kind") };
    // llm-router's four spans: embedding, classify, generate, postprocess.
    assert_eq!((spans.len(), router.spans), (4, 4));
    let edge = GraphTarget::Edge("service:llm-router".into(), "llm:anthropic/claude-3-5-sonnet-20241022".into());
    let Response::Spans(e) = ask(&mut a, &set, Request::GraphSpans { scope: Some(0), target: edge }) else { panic!("kind") };
    assert_eq!(e.len(), 1, "generate calls claude once");
}

#[test]
fn patterns_rank_the_crafted_n_plus_one_first_and_filter_by_kind() {
    let set = load("e2e/fixtures/analysis-nplusone.json");
    let mut a = Answerer::new();
    let req = |kind: Option<&str>, config: PatternConfig| Request::Patterns(PatternsRequest { trace: 0, config, kind: kind.map(String::from), rows: RowRange::first(20) });
    let Response::Patterns(p) = ask(&mut a, &set, req(None, PatternConfig::default())) else { panic!("kind") };
    assert_eq!(p.rows[0].kind, "n_plus_one");
    // 88 ms of wall time − 11 ms for the longest call (as the e2e spec reads it).
    assert_eq!(p.rows[0].impact, "77 ms");
    assert!(p.rows[0].message.starts_with("8 similar calls"));
    assert_eq!(p.shown, p.total);
    let Response::Patterns(gap) = ask(&mut a, &set, req(Some("gap"), PatternConfig::default())) else { panic!("kind") };
    assert_eq!((gap.shown, gap.rows.len()), (0, 0));
    let nine = PatternConfig { n_plus_one_min: 9, ..PatternConfig::default() };
    let Response::Patterns(p9) = ask(&mut a, &set, req(None, nine)) else { panic!("kind") };
    assert!(p9.rows.iter().all(|f| f.kind != "n_plus_one"), "the threshold applies");
}

#[test]
fn llm_answers_for_the_demo() {
    let set = demo();
    let mut a = Answerer::new();
    let Response::LlmTrace(t) = ask(&mut a, &set, llm_trace(0, None)) else { panic!("kind") };
    let s = t.summary.expect("the demo has calls");
    let card = |id: &str| s.cards.iter().find(|c| c.testid == id).map(|c| c.value.clone());
    // Four calls costing $0.017721 + $0.0000492 + $0.000176 + $0.0000312 (llm.spec).
    assert_eq!(card("llm-calls-count").as_deref(), Some("4"));
    assert_eq!(card("llm-total-cost").as_deref(), Some("$0.017977"));
    assert_eq!(card("llm-input-tokens").as_deref(), Some("3,989"));
    assert!(s.most_expensive.as_ref().is_some_and(|l| l.text.contains("generate") && l.text.contains("$0.017721")));
    assert_eq!(s.calls.window.total, 4);
    let span = s.calls.columns.iter().position(|c| c.name == "Span").expect("Span column");
    let cost = s.calls.columns.iter().position(|c| c.name == "Cost").expect("Cost column");
    let order = |w: &TableWindow| (0..w.total).map(|i| texts(w, i)[span].clone()).collect::<Vec<_>>();
    assert_eq!(order(&s.calls.window), ["embedding", "classify", "generate", "postprocess"]);
    // Sorted by cost, largest first.
    let Response::LlmTrace(t2) = ask(&mut a, &set, llm_trace(0, Some((cost, false)))) else { panic!("kind") };
    assert_eq!(order(&t2.summary.expect("calls").calls.window), ["generate", "postprocess", "classify", "embedding"]);
    // Cross-trace: totals, the table list, one table, the four charts.
    let all = |part: AllPart| Request::LlmAll(LlmAllRequest { prices: PriceTable::builtin(), part });
    let q = TableQuery { id: "by-model".into(), sort: None, rows: RowRange::first(10) };
    let Response::LlmAll(d) = ask(&mut a, &set, all(AllPart::Table(q))) else { panic!("kind") };
    assert!(d.totals.starts_with("4 calls · $0.017977 priced · 0 unpriced"), "{}", d.totals);
    assert_eq!(d.tables.len(), 12, "one trace: no all-calls table");
    let models = d.table.expect("by-model table").window;
    assert_eq!((0..3).map(|i| texts(&models, i)[0].clone()).collect::<Vec<_>>(), ["claude-3-5-sonnet-20241022", "gpt-4o-mini", "text-embedding-ada-002"]);
    let Response::LlmAll(c) = ask(&mut a, &set, all(AllPart::Charts { dark: true })) else { panic!("kind") };
    assert_eq!(c.charts.len(), 4);
    let csv = LlmCsvRequest { trace: 0, prices: PriceTable::builtin(), id: "calls".into(), sort: Some((cost, false)) };
    let Response::Text(text) = ask(&mut a, &set, Request::LlmCsv(csv)) else { panic!("kind") };
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 5, "header and four calls");
    assert!(lines[1].contains(",generate,"), "sorted as shown: {}", lines[1]);
}

#[test]
fn long_llm_tables_send_only_their_window() {
    let set = generated(20_000, 3);
    let mut a = Answerer::new();
    let q = TableQuery { id: "all-calls".into(), sort: Some((10, false)), rows: RowRange { from: 100, to: 160 } };
    let Response::LlmAll(d) = ask(&mut a, &set, Request::LlmAll(LlmAllRequest { prices: PriceTable::builtin(), part: AllPart::Table(q) })) else { panic!("kind") };
    let t = d.table.expect("all-calls table with three traces");
    assert!(t.window.total > 200, "many calls: {}", t.window.total);
    assert_eq!((t.window.from, t.window.rows.len()), (100, 60));
    assert!(t.window.rows.iter().all(|r| r.span.is_some()));
    assert_eq!(d.calls, t.window.total);
    let Response::LlmAll(c) = ask(&mut a, &set, Request::LlmAll(LlmAllRequest { prices: PriceTable::builtin(), part: AllPart::Charts { dark: false } })) else { panic!("kind") };
    // Every chart stays small whatever the number of calls.
    for (id, svg) in &c.charts {
        let elements = svg.matches('<').count() - svg.matches("</").count();
        assert!(elements < 700, "{id}: {elements} elements");
    }
}

#[test]
fn thinned_chart_inputs_keep_the_axes_and_stay_bounded() {
    let set = generated(30_000, 2);
    let calls = clew::analysis::llm::call::analyze_set(&set, &PriceTable::builtin()).calls;
    assert!(calls.len() > MAX_SCATTER_POINTS && calls.len() > MAX_COST_STEPS, "{} calls", calls.len());
    let s = scatter_calls(&calls);
    assert!(s.len() <= MAX_SCATTER_POINTS + 2, "{}", s.len());
    let max_in = |c: &[clew::analysis::llm::call::LlmCall]| c.iter().map(|c| c.input_tokens).max();
    let max_out = |c: &[clew::analysis::llm::call::LlmCall]| c.iter().map(|c| c.output_tokens).max();
    assert_eq!((max_in(&s), max_out(&s)), (max_in(&calls), max_out(&calls)), "the axes stay");
    let cost = cost_calls(&calls);
    assert!(cost.len() <= MAX_COST_STEPS + 2, "{}", cost.len());
    let total = |c: &[clew::analysis::llm::call::LlmCall]| c.iter().filter_map(|c| c.cost_usd).sum::<f64>();
    assert!((total(&cost) - total(&calls)).abs() < 1e-9 * total(&calls).max(1.0), "the cost adds up");
    assert_eq!(cost.iter().map(|c| c.start_ns).min(), calls.iter().map(|c| c.start_ns).min(), "same start");
    let end = |c: &[clew::analysis::llm::call::LlmCall]| c.iter().map(|c| c.start_ns + c.latency_ns).max();
    assert_eq!(end(&cost), end(&calls), "same end");
    // Few calls are drawn as they are.
    assert_eq!(scatter_calls(&calls[..10]), calls[..10].to_vec());
    assert_eq!(cost_calls(&calls[..10]), calls[..10].to_vec());
}

#[test]
fn params_leave_out_only_the_row_windows() {
    let cp = |a: usize, b: usize| Request::CriticalPath(CpRequest { trace: 1, contributions: RowRange::first(a), segments: RowRange::first(b) });
    assert_eq!(cp(10, 20).params(), cp(50, 0).params(), "a scroll is the same computation");
    assert_ne!(cp(10, 20), cp(50, 0));
    let stats = |sort: usize| Request::Stats(StatsRequest { scope: None, by_operation: true, sort, ascending: false, rows: RowRange::first(9) });
    assert_ne!(stats(3).params(), stats(4).params(), "another sort is another computation");
    let graph = Request::Graph(GraphRequest { scope: None, min_calls: 2, max_edges: 10 });
    assert_eq!(graph.params(), graph);
}

#[test]
fn a_response_decodes_from_the_text_the_worker_sends() {
    // A malformed text is an error, not a panic.
    assert!(decode::<Response>("{\"Stats\":").is_err());
    let r: Response = decode(&encode(&Response::Error("no trace loaded".into()))).expect("decodes");
    assert_eq!(r, Response::Error("no trace loaded".into()));
}
