//! The LLM tab: the loaded set and the price table in; the per-trace summary cards
//! and calls, then cross-trace charts and tables out.

use leptos::prelude::*;

use crate::analysis::critical_path::critical_path;
use crate::analysis::chart_theme::ChartTheme;
use crate::analysis::llm::aggregate::{group_calls, latency_by_model, GroupBy};
use crate::analysis::llm::call::{analyze_set, LlmAnalysis, LlmCall, LlmContextSpan};
use crate::analysis::llm::charts;
use crate::analysis::llm::summary::{summarize_trace, LlmTotals, TraceLlmSummary};
use crate::view_model::llm_table;
use crate::format;
use crate::ui::context::dark_theme;
use crate::ui::llm::prices::prices;
use crate::ui::llm::prices_dialog::PricesDialog;
use crate::ui::llm::table::TableView;
use crate::ui::state::AppState;
use crate::ui::util::Shared;

fn pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

/// One summary card.
fn card(key: &'static str, value: String, sub: Option<String>, testid: &'static str) -> impl IntoView {
    view! {
        <div class="llm-card" data-testid=testid>
            <div class="k">{key}</div>
            <div class="v">{value}</div>
            {sub.map(|s| view! { <div class="sub">{s}</div> })}
        </div>
    }
}

fn call_label(c: &LlmCall) -> String {
    let cost = c.cost_usd.map(format::usd).unwrap_or_else(|| "cost unknown".into());
    format!("{} · {} · {} · {}", c.name, c.model_key(), cost, format::duration(c.latency_ns))
}

/// The per-trace summary: cards and the most expensive / slowest call.
fn summary_view(app: AppState, s: &TraceLlmSummary, calls: &[LlmCall]) -> impl IntoView {
    let t = &s.totals;
    let cost_sub = if t.unpriced_calls > 0 {
        Some(format!("+ {} unpriced call{} (unknown model or no usage)", t.unpriced_calls, if t.unpriced_calls == 1 { "" } else { "s" }))
    } else {
        Some("all calls priced".to_string())
    };
    let cp = match (s.critical_path_share, s.critical_path_llm_ns) {
        (Some(share), Some(ns)) => (pct(share), Some(format!("{} of the critical path", format::duration(ns)))),
        _ => ("—".to_string(), None),
    };
    let find = |span: Option<u32>| span.and_then(|sp| calls.iter().find(|c| c.span == sp).cloned());
    let extreme = |label: &'static str, call: Option<LlmCall>, testid: &'static str| {
        call.map(|c| {
            let span = c.span;
            let text = call_label(&c);
            view! {
                <button data-testid=testid title="Show in the waterfall" on:click=move |_| app.jump_to_span(span)>
                    <strong>{label}</strong>" "{text}
                </button>
            }
        })
    };
    view! {
        <div class="llm-cards">
            {card("LLM calls", format::thousands(t.calls), Some(format!("{} error{}, {} rate-limited", t.errors, if t.errors == 1 { "" } else { "s" }, t.rate_limited)), "llm-calls-count")}
            {card("Cost", if t.priced_calls == 0 { "unknown".to_string() } else { format::usd(t.cost_usd) }, cost_sub, "llm-total-cost")}
            {card("Input tokens", format::thousands(t.input_tokens), Some(format!("{} cached read, {} cache write", format::thousands(t.cache_read_tokens), format::thousands(t.cache_creation_tokens))), "llm-input-tokens")}
            {card("Output tokens", format::thousands(t.output_tokens), Some(format!("{} reasoning", format::thousands(t.reasoning_tokens))), "llm-output-tokens")}
            {card("Waiting on LLM", pct(s.wall_share), Some(format!("{} of {} wall time", format::duration(s.llm_wall_ns), format::duration(s.trace_duration_ns))), "llm-wall-share")}
            {card("Critical path in LLM", cp.0, cp.1, "llm-critical-share")}
        </div>
        <div class="llm-extremes">
            {extreme("Most expensive:", find(s.most_expensive), "llm-most-expensive")}
            {extreme("Slowest:", find(s.slowest), "llm-slowest")}
        </div>
    }
}

/// The LLM tab: per-trace summary and calls, then cross-trace charts and tables.
#[component]
pub fn LlmView() -> impl IntoView {
    let Some(app) = use_context::<AppState>() else {
        return view! { <div class="llm-view" data-testid="llm-view">"No trace state."</div> }.into_any();
    };
    let show_prices = RwSignal::new(false);
    let table = prices();

    let analysis: Memo<Option<Shared<LlmAnalysis>>> = {
        let table = table.clone();
        Memo::new(move |_| app.loaded.with(|l| l.as_ref().map(|l| table.with(|p| Shared::new(analyze_set(&l.set, p))))))
    };

    // Per trace: summary (with the critical-path share) and the calls table.
    let trace_part = move || {
        let a = analysis.get()?;
        let trace = app.trace.get();
        app.loaded.with(|l| {
            let l = l.as_ref()?;
            let set = &l.set;
            if trace >= set.traces.len() {
                return None;
            }
            let cp = critical_path(set, trace);
            let cpv: Vec<(u32, u64)> = cp.contributions.iter().map(|c| (c.span, c.contribution_ns)).collect();
            let calls: Vec<LlmCall> = a.calls.iter().filter(|c| c.trace as usize == trace).cloned().collect();
            let context: Vec<LlmContextSpan> = a.context.iter().filter(|c| c.trace as usize == trace).cloned().collect();
            let s = summarize_trace(set, trace, &calls, Some(&cpv));
            let trace_id = set.traces[trace].trace_id.to_text(&set.strings);
            let calls_table = llm_table::calls_table(set, &calls);
            let ctx_table = (!context.is_empty()).then(|| llm_table::context_table(&context));
            Some(view! {
                <section class="llm-trace" data-testid="llm-trace-summary">
                    <h2>"This trace "<span class="llm-note">{trace_id}</span></h2>
                    {if calls.is_empty() {
                        view! { <p class="llm-empty" data-testid="llm-trace-empty">"No LLM calls in this trace."</p> }.into_any()
                    } else {
                        view! {
                            {summary_view(app, &s, &calls)}
                            <TableView table=calls_table testid="llm-calls-table".to_string()/>
                        }.into_any()
                    }}
                    {ctx_table.map(|t| view! { <TableView table=t testid="llm-context-table".to_string()/> })}
                </section>
            })
        })
    };

    // Across all loaded traces: charts and aggregate tables.
    let all_part = move || {
        let a = analysis.get()?;
        let dark = dark_theme();
        app.loaded.with(|l| {
            let l = l.as_ref()?;
            let set = &l.set;
            if a.calls.is_empty() {
                return Some(
                    view! {
                        <section data-testid="llm-empty" class="llm-empty">
                            <h2>"No LLM calls in the loaded traces"</h2>
                            <p>"Clew recognizes OpenTelemetry GenAI (gen_ai.*), OpenInference (llm.*), OpenLLMetry and Vercel AI SDK (ai.*) attributes: a model name or token counts make a span an LLM call."</p>
                        </section>
                    }
                    .into_any(),
                );
            }
            let theme = if dark { ChartTheme::dark() } else { ChartTheme::light() };
            let by_model = group_calls(set, &a.calls, GroupBy::Model);
            let lat = latency_by_model(&a.calls);
            let bar_h = |n: usize| (110 + 40 * n as u32).clamp(230, 900);
            let svgs = [
                ("llm-chart-cost-by-model", charts::cost_by_model_svg(&by_model, &theme, 620, bar_h(by_model.len()))),
                ("llm-chart-cost-over-time", charts::cost_over_time_svg(&a.calls, &theme, 620, 300)),
                ("llm-chart-tokens", charts::tokens_scatter_svg(&a.calls, &theme, 620, 320)),
                ("llm-chart-latency", charts::latency_by_model_svg(&lat, &theme, 620, bar_h(lat.len()))),
            ];
            let charts_view = svgs
                .into_iter()
                .map(|(id, svg)| view! { <div class="llm-chart" data-testid=id inner_html=svg></div> })
                .collect_view();
            let traces = set.traces.len();
            let mut tables = llm_table::aggregate_tables(set, &a.calls);
            if traces > 1 {
                let mut all = llm_table::calls_table(set, &a.calls);
                all.id = "all-calls".into();
                all.title = "All calls (every loaded trace)".into();
                tables.insert(0, all);
            }
            let tables_view = tables
                .into_iter()
                .map(|t| {
                    let id = format!("llm-table-{}", t.id);
                    view! { <TableView table=t testid=id/> }
                })
                .collect_view();
            let totals = LlmTotals::of(&a.calls);
            Some(
                view! {
                    <section class="llm-all" data-testid="llm-all">
                        <h2>{format!("All loaded traces ({traces})")}</h2>
                        <p class="llm-note" data-testid="llm-all-totals">{format!(
                            "{} calls · {} priced · {} unpriced · {} in / {} out tokens · cache hit rate {}",
                            format::thousands(totals.calls), format::usd(totals.cost_usd), totals.unpriced_calls,
                            format::thousands(totals.input_tokens), format::thousands(totals.output_tokens),
                            totals.cache_hit_rate().map(pct).unwrap_or_else(|| "—".into())
                        )}</p>
                        <div class="llm-charts" data-testid="llm-charts">{charts_view}</div>
                        <div class="llm-grid">{tables_view}</div>
                    </section>
                }
                .into_any(),
            )
        })
    };

    let as_of = {
        let table = table.clone();
        move || table.with(|t| t.as_of.clone())
    };
    view! {
        <div class="llm-view" data-testid="llm-view">
            <div class="llm-head">
                <h2>"LLM cost and latency"</h2>
                <span class="spacer"></span>
                <span class="llm-note" data-testid="llm-prices-as-of">"Prices as of "{as_of}</span>
                <button data-testid="prices-open" on:click=move |_| show_prices.set(true)>"Prices…"</button>
            </div>
            {trace_part}
            {all_part}
            <Show when=move || show_prices.get()>
                <PricesDialog open=show_prices/>
            </Show>
        </div>
    }
    .into_any()
}
