//! The LLM tab: the loaded set and the price table in; three parts out, one shown at a
//! time — this trace (summary cards, most expensive and slowest call, calls and
//! context tables), the cross-trace charts, and one cross-trace table chosen from a
//! list. Everything comes from the worker, tables a window at a time.

use leptos::prelude::*;

use crate::ui::analysis::{progress_line, view_pane};
use crate::ui::context::dark_theme;
use crate::ui::llm::agents::{AgentsHead, AgentsSection};
use crate::ui::llm::prices::prices;
use crate::ui::llm::prices_dialog::PricesDialog;
use crate::ui::llm::table::LlmTableBlock;
use crate::ui::offload::channel::channel;
use crate::ui::state::{AppState, Tab};
use crate::view_model::agent_view::steps_table_id;
use crate::view_model::list_window::{RowRange, FIRST_FETCH_ROWS};
use crate::view_model::tabs::llm::{AllPart, Card, LlmAllRequest, LlmCsvRequest, LlmTraceRequest, LlmTraceSummary, TableQuery};
use crate::view_model::tabs::{Request, Response};

/// The part of the LLM tab shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    Trace,
    Charts,
    Tables,
}

impl Part {
    const ALL: [Part; 3] = [Part::Trace, Part::Charts, Part::Tables];
    fn label(self) -> &'static str {
        match self {
            Part::Trace => "This trace",
            Part::Charts => "Charts",
            Part::Tables => "Tables",
        }
    }
    fn name(self) -> &'static str {
        match self {
            Part::Trace => "trace",
            Part::Charts => "charts",
            Part::Tables => "tables",
        }
    }
}

fn card(c: Card) -> impl IntoView {
    view! {
        <div class="llm-card" data-testid=c.testid>
            <div class="k">{c.key}</div>
            <div class="v">{c.value}</div>
            {c.sub.map(|s| view! { <div class="sub">{s}</div> })}
        </div>
    }
}

/// The cards and the most expensive / slowest buttons of a trace with calls.
fn summary_view(app: AppState, s: LlmTraceSummary) -> impl IntoView {
    let extreme = |label: &'static str, link: Option<crate::view_model::tabs::llm::CallLink>, testid: &'static str| {
        link.map(|l| {
            view! {
                <button data-testid=testid title="Show in the waterfall" on:click=move |_| app.jump_to_span(l.span)>
                    <strong>{label}</strong>" "{l.text}
                </button>
            }
        })
    };
    view! {
        <div class="llm-cards">{s.cards.into_iter().map(card).collect_view()}</div>
        <div class="llm-extremes">
            {extreme("Most expensive:", s.most_expensive, "llm-most-expensive")}
            {extreme("Slowest:", s.slowest, "llm-slowest")}
        </div>
    }
}

/// The LLM tab: this trace, the cross-trace charts, or one cross-trace table.
#[component]
pub fn LlmView() -> impl IntoView {
    let app = expect_context::<AppState>();
    let show_prices = RwSignal::new(false);
    let table = prices();
    let part = RwSignal::new(Part::Trace);
    let (calls_want, calls_sort) = (RwSignal::new(RowRange::first(FIRST_FETCH_ROWS)), RwSignal::new(None));
    let (ctx_want, ctx_sort) = (RwSignal::new(RowRange::first(FIRST_FETCH_ROWS)), RwSignal::new(None));
    let (agents_want, agents_sort) = (RwSignal::new(RowRange::first(FIRST_FETCH_ROWS)), RwSignal::new(None));
    // The agent run whose steps are shown; the first run of a newly shown trace.
    let agents_run = RwSignal::new(0usize);
    Effect::watch(move || app.trace.get(), move |_, _, _| agents_run.set(0), false);
    let (all_want, all_sort) = (RwSignal::new(RowRange::first(FIRST_FETCH_ROWS)), RwSignal::new(None));
    let all_id = RwSignal::new("by-model".to_string());

    let trace_ch = {
        let table = table.clone();
        channel(
            app,
            move || {
                (part.get() == Part::Trace).then(|| {
                    Request::LlmTrace(LlmTraceRequest {
                        trace: app.trace.get(),
                        prices: table.get(),
                        calls: TableQuery { id: "calls".into(), sort: calls_sort.get(), rows: calls_want.get() },
                        context: TableQuery { id: "context".into(), sort: ctx_sort.get(), rows: ctx_want.get() },
                        agents: TableQuery { id: steps_table_id(agents_run.get()), sort: agents_sort.get(), rows: agents_want.get() },
                    })
                })
            },
            |r| if let Response::LlmTrace(d) = r { Some(d) } else { None },
        )
    };
    let all_ch = {
        let table = table.clone();
        channel(
            app,
            move || {
                let part = match part.get() {
                    Part::Trace => return None,
                    Part::Charts => AllPart::Charts { dark: dark_theme() },
                    Part::Tables => AllPart::Table(TableQuery { id: all_id.get(), sort: all_sort.get(), rows: all_want.get() }),
                };
                Some(Request::LlmAll(LlmAllRequest { prices: table.get(), part }))
            },
            |r| if let Response::LlmAll(d) = r { Some(d) } else { None },
        )
    };
    let csv = |id: &'static str, sort: RwSignal<Option<(usize, bool)>>| {
        let table = table.clone();
        Callback::new(move |_: ()| {
            Request::LlmCsv(LlmCsvRequest { trace: app.trace.get_untracked(), prices: table.get_untracked(), id: id.to_string(), sort: sort.get_untracked() })
        })
    };
    let csv_calls = csv("calls", calls_sort);
    let csv_ctx = csv("context", ctx_sort);
    let csv_agents = {
        let table = table.clone();
        Callback::new(move |_: ()| {
            let id = steps_table_id(agents_run.get_untracked());
            Request::LlmCsv(LlmCsvRequest { trace: app.trace.get_untracked(), prices: table.get_untracked(), id, sort: agents_sort.get_untracked() })
        })
    };
    let csv_all = {
        let table = table.clone();
        Callback::new(move |_: ()| {
            Request::LlmCsv(LlmCsvRequest { trace: 0, prices: table.get_untracked(), id: all_id.get_untracked(), sort: all_sort.get_untracked() })
        })
    };

    // This trace. The memos keep the tables mounted while only their rows change.
    let trace_id = Memo::new(move |_| trace_ch.data.with(|d| d.as_ref().map(|d| d.trace_id.clone())));
    let summary = Memo::new(move |_| trace_ch.data.with(|d| d.as_ref().and_then(|d| d.summary.as_ref().map(|s| (s.cards.clone(), s.most_expensive.clone(), s.slowest.clone())))));
    let calls_table = Memo::new(move |_| trace_ch.data.with(|d| d.as_ref().and_then(|d| d.summary.as_ref().map(|s| s.calls.clone()))));
    let ctx_table = Memo::new(move |_| trace_ch.data.with(|d| d.as_ref().and_then(|d| d.context.clone())));
    let has_calls = Memo::new(move |_| summary.with(|s| s.is_some()));
    let has_ctx = Memo::new(move |_| ctx_table.with(|t| t.is_some()));
    let agents_head = Memo::new(move |_| {
        trace_ch.data.with(|d| {
            d.as_ref().and_then(|d| d.agents.as_ref()).map(|a| AgentsHead {
                summary: a.summary.clone(),
                graph_svg: a.graph_svg.clone(),
                run_headings: a.run_headings.clone(),
            })
        })
    });
    let agents_table = Memo::new(move |_| trace_ch.data.with(|d| d.as_ref().and_then(|d| d.agents.as_ref().map(|a| a.steps.clone()))));
    let has_agents = Memo::new(move |_| agents_head.with(|h| h.is_some()));
    let trace_part = move || {
        let id = trace_id.get()?;
        Some(view! {
            <section class="llm-trace" data-testid="llm-trace-summary">
                <h2>"This trace "<span class="llm-note">{id}</span></h2>
                <Show when=move || has_calls.get()
                    fallback=|| view! { <p class="llm-empty" data-testid="llm-trace-empty">"No LLM calls in this trace."</p> }>
                    {move || summary.get().map(|(cards, most_expensive, slowest)| summary_view(app, LlmTraceSummary { cards, most_expensive, slowest, ..Default::default() }))}
                    <LlmTableBlock testid="llm-calls-table" table=calls_table want=calls_want sort=calls_sort csv=csv_calls/>
                </Show>
                <Show when=move || has_agents.get()>
                    <AgentsSection head=agents_head run=agents_run steps=agents_table want=agents_want sort=agents_sort csv=csv_agents/>
                </Show>
                <Show when=move || has_ctx.get()>
                    <LlmTableBlock testid="llm-context-table" table=ctx_table want=ctx_want sort=ctx_sort csv=csv_ctx shown_rows=6/>
                </Show>
            </section>
        })
    };

    // Across all loaded traces.
    let overview = Memo::new(move |_| all_ch.data.with(|d| d.as_ref().map(|d| (d.traces, d.calls, d.totals.clone(), d.tables.clone()))));
    let charts = Memo::new(move |_| all_ch.data.with(|d| d.as_ref().map(|d| d.charts.clone())));
    let all_table = Memo::new(move |_| all_ch.data.with(|d| d.as_ref().and_then(|d| d.table.clone())));
    let all_part = move || {
        let (traces, calls, totals, tables) = overview.get()?;
        if calls == 0 {
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
        let body = if part.get() == Part::Charts {
            let svgs = charts.get().unwrap_or_default();
            let items = svgs
                .into_iter()
                .map(|(id, svg)| {
                    let label = format!("Chart: {}; the Tables part lists the same numbers", id.trim_start_matches("llm-chart-").replace('-', " "));
                    view! { <div class="llm-chart" data-testid=id role="img" aria-label=label inner_html=svg></div> }
                })
                .collect_view();
            view! { <div class="llm-charts" data-testid="llm-charts">{items}</div> }.into_any()
        } else {
            let options = tables
                .into_iter()
                .map(|(id, title)| {
                    let selected = id == all_id.get_untracked();
                    view! { <option value=id selected=selected>{title}</option> }
                })
                .collect_view();
            let table_testid = move || format!("llm-table-{}", all_id.get());
            view! {
                <label class="llm-table-pick">"Table "
                    <select data-testid="llm-table-select" on:change=move |ev| {
                        all_id.set(event_target_value(&ev));
                        all_sort.set(None);
                        all_want.set(RowRange::first(FIRST_FETCH_ROWS));
                    }>{options}</select>
                </label>
                {move || {
                    let testid = table_testid();
                    view! { <LlmTableBlock testid=testid table=all_table want=all_want sort=all_sort csv=csv_all shown_rows=14/> }
                }}
            }
            .into_any()
        };
        Some(
            view! {
                <section class="llm-all" data-testid="llm-all">
                    <h2>{format!("All loaded traces ({traces})")}</h2>
                    {crate::ui::traces::scope_note(crate::ui::context::use_ui())}
                    <p class="llm-note" data-testid="llm-all-totals">{totals}</p>
                    {body}
                </section>
            }
            .into_any(),
        )
    };

    let as_of = {
        let table = table.clone();
        move || table.with(|t| t.as_of.clone())
    };
    let ready = move || if part.get() == Part::Trace { trace_ch.painted() } else { all_ch.painted() };
    let computing = move || if part.get() == Part::Trace { trace_ch.computing() } else { all_ch.computing() };
    let error = move || if part.get() == Part::Trace { trace_ch.error() } else { all_ch.error() };
    let progress = move || match part.get() {
        Part::Trace => "Pricing the LLM calls of this trace…",
        Part::Charts => "Drawing the LLM charts…",
        Part::Tables => "Building the LLM table…",
    };
    let parts = Part::ALL
        .into_iter()
        .map(|p| {
            view! {
                <button role="tab" data-testid=format!("llm-part-{}", p.name()) aria-selected=move || if part.get() == p { "true" } else { "false" }
                    class:active=move || part.get() == p on:click=move |_| part.set(p)>{p.label()}</button>
            }
        })
        .collect_view();
    let content = view! {
        <div class="llm-head">
            <h2>"LLM cost and latency"</h2>
            <nav class="llm-parts" role="tablist" aria-label="LLM views">{parts}</nav>
            <span class="spacer"></span>
            <span class="llm-note" data-testid="llm-prices-as-of">"Prices as of "{as_of}</span>
            <button data-testid="prices-open" on:click=move |_| show_prices.set(true)>"Prices…"</button>
        </div>
        {move || progress_line(progress(), computing, error)}
        <div class="llm-body" class:stale=computing>
            {move || if part.get() == Part::Trace { trace_part().into_any() } else { all_part().into_any() }}
        </div>
        <Show when=move || show_prices.get()>
            <PricesDialog open=show_prices/>
        </Show>
    };
    view_pane(Tab::Llm, "llm-view", ready, content)
}
