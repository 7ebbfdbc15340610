//! Answers the tabs' requests over one `TraceSet`: a [`Request`] in, a [`Response`] out.
//! The [`Answerer`] keeps the last full results (a trace's critical path, a scope's
//! graph, findings, sorted stats rows, the priced LLM calls, built and sorted LLM
//! tables), so a request that differs only in its row window, or returns to a recent
//! sort, costs only the rows it sends. One `Answerer` per loaded set.

use std::rc::Rc;

use crate::analysis::agents::graph::agent_graph;
use crate::analysis::agents::runs::{agent_runs_from, AgentRun};
use crate::analysis::chart_theme::ChartTheme;
use crate::analysis::critical_path::{critical_path, CriticalPath};
use crate::analysis::many::aggregate::{path_totals, PathTotals};
use crate::analysis::many::diff::diff_traces;
use crate::analysis::many::summary::{summarize_all, TraceFacts, TraceSummary};
use crate::analysis::llm::call::{analyze_set, LlmAnalysis, LlmCall, LlmContextSpan};
use crate::analysis::llm::summary::{summarize_trace, TraceLlmSummary};
use crate::analysis::patterns::{patterns, Finding, PatternConfig};
use crate::analysis::pricing::PriceTable;
use crate::analysis::service_graph::{dependency_graph, DependencyGraph};
use crate::analysis::stats::{self, GroupBy, StatRow};
use crate::model::subset::subset;
use crate::model::TraceSet;
use crate::view_model::tabs::table::TableWindow;
use crate::view_model::flame::{spans::trace_tree, FlameTree};
use crate::view_model::agent_view::{graph_svg, run_heading, run_of_table_id, steps_table};
use crate::view_model::graph_layout::LayoutConfig;
use crate::view_model::llm_table::{aggregate_choices, aggregate_table, calls_table, context_table, LlmTable};
use crate::view_model::tabs::llm::{
    AgentsPart,
    call_link, cards, sorted, table_window, totals_text, AllPart, LlmAllData, LlmAllRequest, LlmTraceData, LlmTraceRequest, LlmTraceSummary,
};
use crate::view_model::tabs::stats::{StatsCharts, StatsChartsRequest};
use crate::view_model::tabs::spans::{self, SpanBase};
use crate::view_model::tabs::raw::{self, LoadText};
use crate::view_model::tabs::{critical_path as cp, flame, graph, llm_charts, patterns as pat, stats as st, traces, ListScope, Request, Response};

/// A few recent results, the most recent last.
struct Recent<K, V> {
    items: Vec<(K, Rc<V>)>,
    cap: usize,
}

impl<K: PartialEq, V> Recent<K, V> {
    fn new(cap: usize) -> Recent<K, V> {
        Recent { items: Vec::new(), cap: cap.max(1) }
    }
    /// The value for `key`, made by `make` unless it is held.
    fn get(&mut self, key: K, make: impl FnOnce() -> V) -> Rc<V> {
        if let Some(pos) = self.items.iter().position(|(k, _)| *k == key) {
            let item = self.items.remove(pos);
            let v = item.1.clone();
            self.items.push(item);
            return v;
        }
        let v = Rc::new(make());
        if self.items.len() >= self.cap {
            self.items.remove(0);
        }
        self.items.push((key, v.clone()));
        v
    }
    /// The value last made or asked for.
    fn latest(&self) -> Option<Rc<V>> {
        self.items.last().map(|(_, v)| v.clone())
    }
}

/// The LLM side of one trace.
struct TraceLlm {
    calls: Vec<LlmCall>,
    context: Vec<LlmContextSpan>,
    summary: TraceLlmSummary,
    runs: Vec<AgentRun>,
}

/// Where an LLM table comes from: the calls or context of one trace, or the whole set.
#[derive(Clone, Debug, PartialEq)]
struct TableKey {
    id: String,
    trace: Option<usize>,
    prices: PriceTable,
}

/// What orders the span table's rows: trace, query, sort, attribute columns.
type SpanOrderKey = (usize, String, Option<(usize, bool)>, Vec<String>);

/// Computes responses for one set, keeping recent results.
pub struct Answerer {
    layout: LayoutConfig,
    critical: Recent<usize, CriticalPath>,
    graphs: Recent<Option<usize>, DependencyGraph>,
    findings: Recent<(usize, PatternConfig), Vec<Finding>>,
    stat_rows: Recent<(Option<usize>, bool), Vec<StatRow>>,
    stat_sorted: Recent<(Option<usize>, bool, usize, bool), Vec<StatRow>>,
    stat_charts: Recent<StatsChartsRequest, StatsCharts>,
    llm: Recent<PriceTable, LlmAnalysis>,
    llm_traces: Recent<(usize, PriceTable), TraceLlm>,
    llm_tables: Recent<TableKey, LlmTable>,
    llm_sorted: Recent<(TableKey, Option<(usize, bool)>), LlmTable>,
    flames: Recent<usize, FlameTree>,
    span_bases: Recent<usize, SpanBase>,
    span_orders: Recent<SpanOrderKey, Vec<u32>>,
    /// Every trace's summary and facts (built-in prices), made once.
    /// Keyed by the price table of the costs.
    summaries: Recent<PriceTable, (Vec<TraceSummary>, Vec<TraceFacts>)>,
    /// The merged paths of the last traces the flame graph showed.
    flame: Recent<Vec<u32>, PathTotals>,
    /// The traces the list's filter keeps, with their own answerer, for set-wide requests.
    filtered: Option<Box<Filtered>>,
    /// The inputs of the load and where its spans lie in them, for the raw JSON of a span.
    text: Option<Rc<LoadText>>,
}

/// A filter's traces as a set of their own.
struct Filtered {
    scope: ListScope,
    set: TraceSet,
    /// The whole set's index of each span of `set`.
    spans: Vec<u32>,
    answerer: Answerer,
}

impl Default for Answerer {
    fn default() -> Self {
        Answerer::new()
    }
}

impl Answerer {
    pub fn new() -> Answerer {
        Answerer {
            layout: LayoutConfig::default(),
            critical: Recent::new(2),
            graphs: Recent::new(2),
            findings: Recent::new(2),
            stat_rows: Recent::new(3),
            stat_sorted: Recent::new(3),
            stat_charts: Recent::new(2),
            llm: Recent::new(1),
            llm_traces: Recent::new(2),
            llm_tables: Recent::new(4),
            llm_sorted: Recent::new(4),
            flames: Recent::new(2),
            span_bases: Recent::new(2),
            span_orders: Recent::new(3),
            summaries: Recent::new(2),
            filtered: None,
            flame: Recent::new(1),
            text: None,
        }
    }

    /// An answerer that can also show the spans' input text.
    pub fn with_text(text: Rc<LoadText>) -> Answerer {
        Answerer { text: Some(text), ..Answerer::new() }
    }

    /// The response to `req` over `set` (the set this answerer was made for).
    pub fn answer(&mut self, set: &TraceSet, req: &Request) -> Response {
        match req {
            Request::CriticalPath(r) => {
                let path = self.critical.get(r.trace, || critical_path(set, r.trace));
                Response::CriticalPath(cp::answer(set, &path, r))
            }
            Request::CriticalHighlight { trace } => {
                let path = self.critical.get(*trace, || critical_path(set, *trace));
                Response::CriticalHighlight(cp::highlight(&path))
            }
            Request::Graph(r) => {
                let g = self.graphs.get(r.scope, || dependency_graph(set, r.scope));
                Response::Graph(graph::answer(&g, r, &self.layout))
            }
            Request::GraphSpans { scope, target } => {
                let g = self.graphs.get(*scope, || dependency_graph(set, *scope));
                Response::Spans(graph::spans_of(&g, target))
            }
            Request::Patterns(r) => {
                let f = self.findings.get((r.trace, r.config.clone()), || patterns(set, r.trace, &r.config));
                Response::Patterns(pat::answer(&f, r))
            }
            Request::Stats(r) => {
                let rows = self.sorted_stats(set, r.scope, r.by_operation, r.sort, r.ascending);
                Response::Stats(st::answer(&rows, r))
            }
            Request::StatsCharts(r) => {
                let rows = self.sorted_stats(set, r.scope, r.by_operation, r.sort, r.ascending);
                let stat_rows = &mut self.stat_rows;
                let charts = self.stat_charts.get(r.clone(), || {
                    let by_op = || {
                        let all = stat_rows.get((r.scope, true), || stats::stats(set, st::scope(r.scope), GroupBy::Operation));
                        all.first().map(|r| (r.service.clone(), r.operation.clone()))
                    };
                    st::charts(set, r, &rows, by_op)
                });
                Response::StatsCharts((*charts).clone())
            }
            Request::LlmTrace(r) => Response::LlmTrace(self.llm_trace(set, r)),
            Request::LlmAll(r) => Response::LlmAll(self.llm_all(set, r)),
            Request::TraceSummaries(r) => Response::TraceSummaries(traces::summaries_page(&self.summaries(set, &r.prices).0, r)),
            Request::TraceList(r) => {
                let s = self.summaries(set, &r.prices);
                Response::TraceList(traces::list(set, &s.0, &s.1, r))
            }
            Request::Diff { a, b } => Response::Diff(diff_traces(set, *a, *b)),
            Request::Cohort(r) => {
                let s = self.latest_summaries(set);
                Response::Cohort(traces::cohort(set, &s.0, &s.1, r))
            }
            Request::AggregateFlame { traces } => {
                let totals = self.flame_totals(set, traces);
                Response::AggregateFlame(traces::AggregateFlameData { traces: traces.len(), paths: totals.paths.clone() })
            }
            Request::AggregateFlameSpans { traces, path } => {
                let totals = self.flame_totals(set, traces);
                Response::Spans(totals.spans.get(*path).map(|v| v.iter().take(500).copied().collect()).unwrap_or_default())
            }
            Request::Filtered { scope, request } => self.filtered_answer(set, scope, request),
            Request::LlmCsv(r) => {
                let key = Self::table_key(&r.id, r.trace, &r.prices);
                let t = self.llm_table(set, key, r.sort);
                Response::Text(t.map(|t| t.to_csv()).unwrap_or_default())
            }
            Request::Flame(r) => {
                let tree = self.flames.get(r.trace, || trace_tree(set, r.trace));
                Response::Flame(flame::answer(set, &tree, r))
            }
            Request::Spans(r) => {
                let (b, rows) = self.span_rows(set, r);
                Response::SpanTable(spans::answer(set, &b, &rows, r))
            }
            Request::SpansCsv(r) => {
                let (b, rows) = self.span_rows(set, r);
                Response::Text(spans::csv(set, &b, &rows, r))
            }
            Request::StatsCsv(r) => {
                let rows = self.sorted_stats(set, r.scope, r.by_operation, r.sort, r.ascending);
                Response::Text(st::csv(&rows, r.by_operation))
            }
            Request::CriticalPathCsv { trace, table } => {
                let path = self.critical.get(*trace, || critical_path(set, *trace));
                Response::Text(cp::csv(set, &path, *table))
            }
            Request::PatternsCsv(r) => {
                let f = self.findings.get((r.trace, r.config.clone()), || patterns(set, r.trace, &r.config));
                Response::Text(pat::csv(set, &f, r))
            }
            Request::TraceListCsv { order, found, prices } => Response::Text(traces::list_csv(&self.summaries(set, prices).0, order, found)),
            Request::GraphSpansCsv { spans } => Response::Text(crate::view_model::graph_spans::node_spans_csv(set, spans)),
            Request::RawSpan { span } => Response::RawSpan(raw::answer(set, self.text.as_deref(), *span)),
            Request::ExportOtlp { traces } => {
                let e = crate::export::otlp::export(set, traces.as_deref());
                Response::Export { json: e.json, id_changes: e.id_changes.iter().map(|c| c.line()).collect() }
            }
        }
    }

    /// The span table's base for the trace and its rows filtered and sorted as asked.
    fn span_rows(&mut self, set: &TraceSet, r: &spans::SpansRequest) -> (Rc<SpanBase>, Rc<Vec<u32>>) {
        let b = self.span_bases.get(r.trace, || spans::base(set, r.trace));
        let key = (r.trace, r.query.clone(), r.sort, r.attrs.clone());
        let rows = self.span_orders.get(key, || spans::order(set, &b, r.trace, r));
        (b, rows)
    }

    fn sorted_stats(&mut self, set: &TraceSet, scope: Option<usize>, by_op: bool, sort: usize, asc: bool) -> Rc<Vec<StatRow>> {
        let group = if by_op { GroupBy::Operation } else { GroupBy::Service };
        let base = self.stat_rows.get((scope, by_op), || stats::stats(set, st::scope(scope), group));
        self.stat_sorted.get((scope, by_op, sort, asc), || {
            let (col, dir) = st::sort_of(sort, asc);
            let mut v = (*base).clone();
            stats::sort_rows(&mut v, col, dir);
            v
        })
    }

    /// A set-wide request over the traces `scope` keeps, with span indices of the whole set.
    fn filtered_answer(&mut self, set: &TraceSet, scope: &ListScope, req: &Request) -> Response {
        if self.filtered.as_ref().is_none_or(|f| f.scope != *scope) {
            let s = self.latest_summaries(set);
            let keep = scope.select(set, &s.0, &s.1);
            let spans: Vec<u32> = keep.iter().filter_map(|&t| set.traces.get(t)).flat_map(|t| t.spans.range()).map(|i| i as u32).collect();
            let sub = subset(set, &keep);
            self.filtered = Some(Box::new(Filtered { scope: scope.clone(), set: sub, spans, answerer: Answerer::new() }));
        }
        let Some(f) = self.filtered.as_mut() else { return Response::Error("The filter could not be applied.".into()) };
        let whole = |i: u32| f.spans.get(i as usize).copied().unwrap_or(i);
        let remap = |w: &mut TableWindow| {
            for r in &mut w.rows {
                r.span = r.span.map(whole);
            }
        };
        match f.answerer.answer(&f.set, req) {
            Response::Spans(v) => Response::Spans(v.into_iter().map(whole).collect()),
            Response::LlmAll(mut d) => {
                if let Some(t) = d.table.as_mut() {
                    remap(&mut t.window);
                }
                Response::LlmAll(d)
            }
            other => other,
        }
    }

    fn flame_totals(&mut self, set: &TraceSet, traces: &[u32]) -> Rc<PathTotals> {
        self.flame.get(traces.to_vec(), || path_totals(set, &traces.iter().map(|&t| t as usize).collect::<Vec<_>>()))
    }

    /// The summaries with costs at `prices`.
    fn summaries(&mut self, set: &TraceSet, prices: &PriceTable) -> Rc<(Vec<TraceSummary>, Vec<TraceFacts>)> {
        self.summaries.get(prices.clone(), || summarize_all(set, prices))
    }

    /// Summaries for a selection that reads no cost (a filter, durations): the latest
    /// made, whatever their prices, else the built-in prices'.
    fn latest_summaries(&mut self, set: &TraceSet) -> Rc<(Vec<TraceSummary>, Vec<TraceFacts>)> {
        match self.summaries.latest() {
            Some(s) => s,
            None => self.summaries(set, &PriceTable::builtin()),
        }
    }

    fn analysis(&mut self, set: &TraceSet, prices: &PriceTable) -> Rc<LlmAnalysis> {
        self.llm.get(prices.clone(), || analyze_set(set, prices))
    }

    fn trace_llm(&mut self, set: &TraceSet, trace: usize, prices: &PriceTable) -> Rc<TraceLlm> {
        let a = self.analysis(set, prices);
        let critical = self.critical.get(trace, || critical_path(set, trace));
        self.llm_traces.get((trace, prices.clone()), || {
            let calls: Vec<LlmCall> = a.calls.iter().filter(|c| c.trace as usize == trace).cloned().collect();
            let context: Vec<LlmContextSpan> = a.context.iter().filter(|c| c.trace as usize == trace).cloned().collect();
            let cpv: Vec<(u32, u64)> = critical.contributions.iter().map(|c| (c.span, c.contribution_ns)).collect();
            let summary = summarize_trace(set, trace, &calls, Some(&cpv));
            let runs = agent_runs_from(set, trace, &calls, prices);
            TraceLlm { calls, context, summary, runs }
        })
    }

    /// The key of table `id`: the trace's own for `calls`, `context` and `agents:<run>`, else the set's.
    fn table_key(id: &str, trace: usize, prices: &PriceTable) -> TableKey {
        let own = id == "calls" || id == "context" || run_of_table_id(id).is_some();
        TableKey { id: id.to_string(), trace: own.then_some(trace), prices: prices.clone() }
    }

    /// Table `key` sorted as asked; `None` for an unknown table.
    fn llm_table(&mut self, set: &TraceSet, key: TableKey, sort: Option<(usize, bool)>) -> Option<Rc<LlmTable>> {
        let base = match key.trace {
            Some(trace) => {
                let tl = self.trace_llm(set, trace, &key.prices);
                let id = key.id.clone();
                self.llm_tables.get(key.clone(), || match id.as_str() {
                    "calls" => calls_table(set, &tl.calls),
                    "context" => context_table(&tl.context),
                    _ => steps_table(run_of_table_id(&id).and_then(|r| tl.runs.get(r))),
                })
            }
            None => {
                if !aggregate_choices(set.traces.len()).iter().any(|(id, _)| *id == key.id) {
                    return None;
                }
                let a = self.analysis(set, &key.prices);
                let id = key.id.clone();
                self.llm_tables.get(key.clone(), || aggregate_table(set, &a.calls, &id).unwrap_or_else(|| calls_table(set, &[])))
            }
        };
        Some(self.llm_sorted.get((key, sort), || sorted(&base, sort)))
    }

    fn llm_trace(&mut self, set: &TraceSet, r: &LlmTraceRequest) -> LlmTraceData {
        let Some(t) = set.traces.get(r.trace) else { return LlmTraceData::default() };
        let trace_id = Some(t.trace_id.to_text(&set.strings));
        let tl = self.trace_llm(set, r.trace, &r.prices);
        let summary = if tl.calls.is_empty() {
            None
        } else {
            let key = Self::table_key("calls", r.trace, &r.prices);
            let table = self.llm_table(set, key, r.calls.sort);
            Some(LlmTraceSummary {
                cards: cards(&tl.summary),
                most_expensive: call_link(&tl.calls, tl.summary.most_expensive),
                slowest: call_link(&tl.calls, tl.summary.slowest),
                calls: table.map(|t| table_window(&t, r.calls.rows)).unwrap_or_default(),
            })
        };
        let context = if tl.context.is_empty() {
            None
        } else {
            let key = Self::table_key("context", r.trace, &r.prices);
            self.llm_table(set, key, r.context.sort).map(|t| table_window(&t, r.context.rows))
        };
        let agents = if tl.runs.is_empty() {
            None
        } else {
            let key = Self::table_key(&r.agents.id, r.trace, &r.prices);
            let steps = self.llm_table(set, key, r.agents.sort).map(|t| table_window(&t, r.agents.rows)).unwrap_or_default();
            let n_steps: usize = tl.runs.iter().map(|r| r.steps.len()).sum();
            let summary = format!(
                "{} run{} · {} step{} · click a step to show its span",
                tl.runs.len(),
                if tl.runs.len() == 1 { "" } else { "s" },
                n_steps,
                if n_steps == 1 { "" } else { "s" }
            );
            let run_headings = tl.runs.iter().map(run_heading).collect();
            Some(Box::new(AgentsPart { run_headings, summary, steps, graph_svg: graph_svg(&agent_graph(&tl.runs)) }))
        };
        LlmTraceData { trace_id, summary, context, agents }
    }

    fn llm_all(&mut self, set: &TraceSet, r: &LlmAllRequest) -> LlmAllData {
        let a = self.analysis(set, &r.prices);
        let mut out = LlmAllData {
            traces: set.traces.len(),
            calls: a.calls.len(),
            totals: totals_text(&a.calls),
            tables: aggregate_choices(set.traces.len()),
            ..LlmAllData::default()
        };
        if a.calls.is_empty() {
            return out;
        }
        match &r.part {
            AllPart::Charts { dark } => {
                let theme = if *dark { ChartTheme::dark() } else { ChartTheme::light() };
                out.charts = llm_charts::llm_charts(set, &a.calls, &theme);
            }
            AllPart::Table(q) => {
                let key = Self::table_key(&q.id, 0, &r.prices);
                out.table = self.llm_table(set, key, q.sort).map(|t| table_window(&t, q.rows));
            }
        }
        out
    }
}
