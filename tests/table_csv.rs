//! Native tests of the tables' CSV exports (`Request::*Csv`, answered by the worker with
//! `Response::Text`): the header and known rows of the stats, critical-path, patterns,
//! graph-node and trace-list tables over the demo trace and a crafted N+1 trace, the whole
//! table (not a window), sorted and grouped as asked, and formula-safe cells.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking; this covers its helpers")]

use clew::analysis::pricing::PriceTable;
use clew::analysis::patterns::PatternConfig;
use clew::model::TraceSet;
use clew::view_model::list_window::RowRange;
use clew::view_model::tabs::answer::Answerer;
use clew::view_model::tabs::critical_path::CpTable;
use clew::view_model::tabs::patterns::PatternsRequest;
use clew::view_model::tabs::stats::StatsRequest;
use clew::view_model::tabs::{decode, encode, Request, Response};

fn load(path: &str) -> TraceSet {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    clew::parse::load(&[(path, &bytes)], None).expect("loads")
}

/// The CSV answer to `req` (after the JSON trip the page and the worker make), as lines.
fn csv(a: &mut Answerer, set: &TraceSet, req: Request) -> Vec<String> {
    let req: Request = decode(&encode(&req)).expect("request decodes");
    let Response::Text(t) = a.answer(set, &req) else { panic!("not text") };
    assert!(t.ends_with("\r\n"), "CRLF line ends");
    t.split("\r\n").filter(|l| !l.is_empty()).map(String::from).collect()
}

fn stats(by_operation: bool, sort: usize, ascending: bool) -> Request {
    // The row window is ignored: the CSV holds the whole table.
    Request::StatsCsv(StatsRequest { scope: Some(0), by_operation, sort, ascending, rows: RowRange::first(2) })
}

#[test]
fn stats_csv_is_the_whole_table_sorted_and_grouped_as_asked() {
    let set = load("public/demo.json");
    let mut a = Answerer::new();
    // By operation, self sum (column 10) descending: generate first, every operation listed.
    let ops = csv(&mut a, &set, stats(true, 10, false));
    assert_eq!(
        ops[0],
        "service,operation,count,errors,total_sum_ms,total_mean_ms,total_p50_ms,total_p95_ms,total_p99_ms,total_max_ms,\
         self_sum_ms,self_mean_ms,self_p50_ms,self_p95_ms,self_p99_ms,self_max_ms"
    );
    assert_eq!(ops[1], "llm-router,generate,1,0,2208.000,2208.000,2208.000,2208.000,2208.000,2208.000,2208.000,2208.000,2208.000,2208.000,2208.000,2208.000");
    assert!(ops.contains(&"auth-service,GET session:token,1,0,6.000,6.000,6.000,6.000,6.000,6.000,6.000,6.000,6.000,6.000,6.000,6.000".to_string()));
    let Response::Stats(w) = a.answer(&set, &Request::Stats(StatsRequest { scope: Some(0), by_operation: true, sort: 10, ascending: false, rows: RowRange::first(1) })) else {
        panic!("kind")
    };
    assert_eq!(ops.len(), w.total + 1, "a header and every row, not the window");
    // By service, by name ascending: no operation column, nine services in order.
    let svcs = csv(&mut a, &set, stats(false, 0, true));
    assert!(svcs[0].starts_with("service,count,errors,total_sum_ms,"));
    assert_eq!(svcs.len(), 10);
    assert_eq!(svcs[1], "api-gateway,1,0,3841.000,3841.000,3841.000,3841.000,3841.000,3841.000,257.000,257.000,257.000,257.000,257.000,257.000");
    assert_eq!(svcs[4], "context-service,3,0,764.000,254.667,225.000,384.000,384.000,384.000,384.000,128.000,155.000,225.000,225.000,225.000");
}

#[test]
fn critical_path_csv_lists_every_segment_and_contribution() {
    let set = load("public/demo.json");
    let mut a = Answerer::new();
    let seg = csv(&mut a, &set, Request::CriticalPathCsv { trace: 0, table: CpTable::Segments });
    assert_eq!(seg[0], "start_ms,span_id,service,operation,duration_ms,percent_of_trace");
    assert_eq!(seg[1], "0.000,a1b2c3d400002222,auth-service,validateJWT,2.000,0.1");
    assert!(seg.contains(&"885.000,a1b2c3d40000eeee,llm-router,generate,2208.000,57.5".to_string()));
    let Response::CriticalHighlight(h) = a.answer(&set, &Request::CriticalHighlight { trace: 0 }) else { panic!("kind") };
    assert_eq!(seg.len(), h.len() + 1, "every segment");
    let con = csv(&mut a, &set, Request::CriticalPathCsv { trace: 0, table: CpTable::Contributions });
    assert_eq!(con[0], "span_id,service,operation,on_path_ms,percent_of_trace");
    assert_eq!(con[1], "a1b2c3d40000eeee,llm-router,generate,2208.000,57.5");
    // A trace that does not exist: the header alone.
    assert_eq!(csv(&mut a, &set, Request::CriticalPathCsv { trace: 9, table: CpTable::Segments }).len(), 1);
}

#[test]
fn patterns_graph_spans_and_trace_list_csv() {
    let set = load("e2e/fixtures/analysis-nplusone.json");
    let mut a = Answerer::new();
    let req = |kind: Option<&str>| Request::PatternsCsv(PatternsRequest { trace: 0, config: PatternConfig::default(), kind: kind.map(String::from), rows: RowRange::first(1) });
    let p = csv(&mut a, &set, req(None));
    assert_eq!(p[0], "kind,impact_ms,message,span_ids");
    assert!(p[1].starts_with("n_plus_one,77.000,\"8 similar calls from item-api"), "{}", p[1]);
    assert!(p[1].ends_with(",aa00000000000101 aa00000000000102 aa00000000000103 aa00000000000104 aa00000000000105 aa00000000000106 aa00000000000107 aa00000000000108"));
    assert_eq!(p.len(), 3, "both findings");
    assert_eq!(csv(&mut a, &set, req(Some("sequential"))).len(), 2, "the kind filter applies");
    let g = csv(&mut a, &set, Request::GraphSpansCsv { spans: vec![1, 2, 99_999] });
    assert_eq!(g[0], "trace_id,span_id,service,span,statement_or_url,duration_ms,status");
    assert_eq!(g[1], "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1,aa00000000000101,item-api,SELECT * FROM items WHERE id = ?,SELECT * FROM items WHERE id = 101,11.000,ok");
    assert_eq!(g.len(), 3, "an index out of range is skipped");
    // The trace list: a loaded trace, then a search result that is not loaded, whose
    // formula-like names are kept as text.
    let found = clew::analysis::many::summary::TraceSummary {
        trace_id: "ff01".into(),
        root_service: "=HYPERLINK(\"x\")".into(),
        root_operation: "-op".into(),
        duration_ns: 5_000_000,
        ..Default::default()
    };
    let t = csv(&mut a, &set, Request::TraceListCsv { order: vec![0, 1 << 31, 7], found: vec![found], prices: PriceTable::builtin() });
    assert_eq!(t[0], "trace_id,start_utc,root_service,root_operation,duration_ms,spans,services,errors,llm_calls,cost_usd,loaded");
    assert_eq!(t[1], "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1,2023-11-14 22:13:20.000,item-api,GET /items,140.000,11,item-api,0,0,,yes");
    assert_eq!(t[2], "ff01,1970-01-01 00:00:00.000,\"'=HYPERLINK(\"\"x\"\")\",'-op,5.000,0,,0,0,,no");
    assert_eq!(t.len(), 3, "an entry naming no row is skipped");
    // Search results alone (nothing loaded): the worker answers over an empty set.
    let alone = Request::TraceListCsv { order: vec![1 << 31], found: vec![clew::analysis::many::summary::TraceSummary { trace_id: "ff02".into(), ..Default::default() }], prices: PriceTable::builtin() };
    assert!(!alone.needs_set() && Request::CriticalPathCsv { trace: 0, table: CpTable::Segments }.needs_set());
    let t = csv(&mut Answerer::new(), &TraceSet::default(), alone);
    assert_eq!(t[1], "ff02,1970-01-01 00:00:00.000,,,0.000,0,,0,0,,no");
}
