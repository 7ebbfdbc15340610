//! The trace list page: the filter box and its count, the comparison and flame
//! controls, the duration scatter, and the virtual, sortable table of traces. A click
//! or Enter on a row opens its trace; the box next to a row picks it for an A/B
//! comparison. Scroll position, filter, sort, brush and picks live in
//! [`super::ListState`], so coming back from a trace finds the list as it was.

use leptos::ev;
use leptos::prelude::*;

use super::compare::{AbView, CohortView};
use super::scatter::Scatter;
use super::{filter_edited, open_row, ListMode};
use crate::format;
use crate::ui::analysis::csv_button;
use crate::ui::context::use_ui;
use crate::ui::lists::ScrollWindow;
use crate::view_model::list_window::ListGeometry;
use crate::view_model::tabs::traces::{CohortRequest, ListColumn};
use crate::view_model::tabs::Request;

/// Height of a row of the list (CSS `.tl-table tbody tr`).
pub const ROW_PX: f64 = 26.0;
/// Height of the header row.
const HEAD_PX: f64 = 30.0;

/// The list page.
#[component]
pub fn TraceListPage() -> impl IntoView {
    let ui = use_ui();
    let ls = ui.list;
    let order = Memo::new(move |_| ls.order());
    let count = move || ls.count_text(ui.app, order.with(|o| o.len()));
    let busy = move || ls.matched.computing() || ls.rows.computing();
    let scatter_done = move || ls.scatter_drawn.get() || ls.mode.with(|m| *m != ListMode::List);
    // Found rows alone (nothing loaded) need no worker answer.
    let ready = move || (!ls.lists_loaded(ui.app) || (ls.matched.painted() && ls.rows.painted() && scatter_done())).then_some("1");
    let picked = move || ls.picked.get();
    let compare_ab = move |_| {
        let p = picked();
        if let [a, b] = p.as_slice() {
            ls.mode.set(ListMode::Ab { a: *a as usize, b: *b as usize });
        }
    };
    let slowest = move |_| {
        ls.mode.set(ListMode::Cohort(CohortRequest::Slowest { filter: ls.filter.get_untracked(), percent: ls.slowest_percent.get_untracked() }));
    };
    let brush_vs_rest = move |_| {
        let Some(b) = ls.brush.get_untracked() else { return };
        let all = ls.matched.data.get_untracked().map(|m| m.order.clone()).unwrap_or_default();
        let rest: Vec<u32> = all.into_iter().filter(|t| b.binary_search(t).is_err()).collect();
        ls.mode.set(ListMode::Cohort(CohortRequest::Traces { a: rest, b: b.to_vec() }));
    };
    let cohort_a = RwSignal::new(String::new());
    let cohort_b = RwSignal::new(String::new());
    let by_filters = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        ls.mode.set(ListMode::Cohort(CohortRequest::Filters { a: cohort_a.get_untracked(), b: cohort_b.get_untracked() }));
    };
    let input_ref = NodeRef::<leptos::html::Input>::new();
    let export = csv_button(ui.app, "trace-list-csv".into(), "Export CSV of the trace list", move || {
        let order = order.with_untracked(|o| o.0.to_vec());
        let found = ls.found.get_untracked();
        let prices = crate::ui::llm::prices::prices().get_untracked();
        (Request::TraceListCsv { order, found, prices }, "clew-traces.csv".to_string())
    });
    view! {
        <section class="tl-page" data-testid="trace-list-page" aria-label="Traces" aria-busy=move || busy().then_some("true") data-ready=ready>
            <div class="tl-bar">
                <input type="search" class="tl-filter" data-testid="trace-filter" node_ref=input_ref
                    aria-label="Filter traces" placeholder="Filter: service=api duration>150ms error llm KEY=VALUE words…"
                    prop:value=move || ls.filter_text.get()
                    on:input=move |ev| filter_edited(ui, event_target_value(&ev))/>
                <span class="tl-count" data-testid="trace-count" role="status">{count}</span>
                {move || ls.brush.get().map(|b| view! {
                    <button class="chip" data-testid="brush-clear" title="Clear the scatter selection" on:click=move |_| { ls.brush.set(None); ls.brush_rect.set(None); }>
                        {format!("{} brushed ×", format::thousands(b.len() as u64))}
                    </button>
                })}
                <span class="spacer"></span>
                {export}
                <button data-testid="trace-compare" disabled=move || picked().len() != 2 on:click=compare_ab
                    title="Compare the two ticked traces">{move || format!("Compare {}/2", picked().len())}</button>
                <label class="tl-pct">"Slowest "
                    <select data-testid="cohort-percent" aria-label="Slowest share"
                        on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<f64>() { ls.slowest_percent.set(v) } }>
                        {[1.0, 5.0, 10.0, 25.0, 50.0].into_iter().map(|p| view! {
                            <option value=p.to_string() selected=move || ls.slowest_percent.get() == p>{format!("{p}%")}</option>
                        }).collect_view()}
                    </select>
                </label>
                <button data-testid="cohort-slowest" on:click=slowest title="Compare the slowest traces with the rest">"vs rest"</button>
                <button data-testid="cohort-brush" disabled=move || ls.brush.get().is_none() on:click=brush_vs_rest
                    title="Compare the brushed traces with the rest">"Brushed vs rest"</button>
                <button data-testid="aggregate-flame" class:active=move || ls.mode.get() == ListMode::Flame
                    aria-pressed=move || if ls.mode.get() == ListMode::Flame { "true" } else { "false" }
                    on:click=move |_| ls.mode.update(|m| *m = if *m == ListMode::Flame { ListMode::List } else { ListMode::Flame })>
                    {move || match order.with(|o| o.len()) {
                        1 => "Flame graph of this trace".to_string(),
                        n => format!("Flame graph of these {}", format::count(n as u64, "trace")),
                    }}
                </button>
            </div>
            <form class="tl-bar tl-cohort" on:submit=by_filters>
                <span class="muted">"Cohorts by filter:"</span>
                <input data-testid="cohort-a" aria-label="Cohort A filter" placeholder="A: duration<1s"
                    prop:value=move || cohort_a.get() on:input=move |ev| cohort_a.set(event_target_value(&ev))/>
                <input data-testid="cohort-b" aria-label="Cohort B filter" placeholder="B: duration>3s"
                    prop:value=move || cohort_b.get() on:input=move |ev| cohort_b.set(event_target_value(&ev))/>
                <button type="submit" data-testid="cohort-filters">"Compare A vs B"</button>
            </form>
            {move || match ls.mode.get() {
                // Search results alone (nothing loaded) have no durations to plot yet.
                ListMode::List => view! { <Show when=move || ls.lists_loaded(ui.app)><Scatter/></Show><TraceTable/> }.into_any(),
                ListMode::Ab { a, b } => view! { <AbView a=a b=b/> }.into_any(),
                ListMode::Cohort(req) => view! { <CohortView req=req/> }.into_any(),
                ListMode::Flame => view! { <super::flame::FlameView/> }.into_any(),
            }}
        </section>
    }
}

/// The virtual table of rows.
#[component]
fn TraceTable() -> impl IntoView {
    let ui = use_ui();
    let ls = ui.list;
    let order = Memo::new(move |_| ls.order());
    let sw = ScrollWindow::new(ListGeometry { row_px: ROW_PX, overscan_rows: 3 }, HEAD_PX, 400.0);
    let total = move || order.with(|o| o.len());
    let win = Memo::new(move |_| sw.window(total()));
    // Back from a trace: the scroll position it had.
    Effect::new(move |_| {
        if let Some(el) = sw.scroller.get() {
            let top = ls.scroll_top.get_untracked();
            request_animation_frame(move || {
                el.set_scroll_top(top as i32);
                sw.measure();
            });
        }
    });
    // A new filter, sort or brush starts at the top (not on the first run: that restores).
    Effect::new(move |prev: Option<()>| {
        ls.filter.track();
        ls.sort.track();
        ls.brush.track();
        if prev.is_some() {
            sw.to_top();
            ls.scroll_top.set(0.0);
        }
    });
    let on_scroll = move |_| {
        sw.measure();
        ls.scroll_top.set(sw.scroll_top.get_untracked());
    };
    let header = move || {
        ListColumn::ALL
            .into_iter()
            .map(|c| {
                let aria = move || match ls.sort.get() {
                    (col, true) if col == c => "ascending",
                    (col, false) if col == c => "descending",
                    _ => "none",
                };
                let mark = move || match ls.sort.get() {
                    (col, true) if col == c => " ▲",
                    (col, false) if col == c => " ▼",
                    _ => "",
                };
                let click = move |_| {
                    ls.sort.update(|s| *s = if s.0 == c { (c, !s.1) } else { (c, c.first_ascending()) });
                };
                view! {
                    <th class=format!("c-{}", c.name()) aria-sort=aria>
                        <button data-testid=format!("trace-sort-{}", c.name()) title="Sort" on:click=click>{c.label()}{mark}</button>
                    </th>
                }
            })
            .collect_view()
    };
    let row_view = move |i: usize| {
        let Some(t) = order.with_untracked(|o| o.get(i).copied()) else { return ().into_any() };
        let Some(row) = ls.row(t) else {
            return view! { <tr class="vt-pending"><td colspan="9"></td></tr> }.into_any();
        };
        let s = row.summary.clone();
        let is_picked = move || ls.picked.with(|p| p.contains(&t));
        let toggle = move |_| {
            ls.picked.update(|p| {
                if let Some(k) = p.iter().position(|&x| x == t) {
                    p.remove(k);
                } else {
                    p.push(t);
                    if p.len() > 2 {
                        p.remove(0);
                    }
                }
            })
        };
        let loaded = row.trace.is_some();
        let (r1, r2) = (row.clone(), row);
        let cost = match (s.cost_usd, s.unpriced_calls) {
            (Some(c), 0) => format::usd(c),
            (Some(c), _) => format!("{}+?", format::usd(c)),
            (None, n) if n > 0 => "unknown".to_string(),
            _ => String::new(),
        };
        let label = format!("{} {} {}{}", s.root_service, s.root_operation, format::duration(s.duration_ns),
            if loaded { "" } else { " (not loaded: opening fetches it)" });
        view! {
            <tr data-testid="trace-row" data-trace-id=s.trace_id.clone() data-row=i tabindex="0" aria-label=label
                data-loaded=if loaded { "1" } else { "0" }
                class:cur=move || ls.current.get() == Some(t) class:err={s.errors > 0}
                on:click=move |_| open_row(ui, &r1)
                on:keydown=move |ev| { if ev.key() == "Enter" { ev.prevent_default(); open_row(ui, &r2) } }>
                <td class="c-pick" on:click=|ev| ev.stop_propagation()>
                    {if loaded {
                        view! { <input type="checkbox" data-testid="trace-pick" aria-label="Pick for comparison" prop:checked=is_picked
                            on:keydown=|ev| ev.stop_propagation() on:change=toggle/> }.into_any()
                    } else {
                        view! { <span class="tl-remote" title="Not loaded: opening the row fetches the trace">{crate::ui::icons::cloud()}</span> }.into_any()
                    }}
                </td>
                <td class="c-start">{format::utc_datetime(s.start_ns)}</td>
                <td class="c-root" title=format!("{} · {}\n{}", s.root_service, s.root_operation, s.trace_id)>
                    <span class="tl-svc">{s.root_service.clone()}</span>" "<span>{s.root_operation.clone()}</span>
                </td>
                <td class="num c-duration">{format::duration(s.duration_ns)}</td>
                <td class="num c-spans">{format::thousands(s.spans as u64)}</td>
                <td class="num c-services" title=s.services.join(", ")>{s.services.len()}</td>
                <td class="num c-errors" class:bad={s.errors > 0}>{s.errors}</td>
                <td class="num c-llm">{(s.llm_calls > 0).then(|| s.llm_calls.to_string())}</td>
                <td class="num c-cost">{cost}</td>
            </tr>
        }
        .into_any()
    };
    let drawn = move || {
        let w = win.get();
        let g = order.get();
        let rows_ready = ls.rows.data.with(|r| r.is_some());
        (w.first..w.last).map(|i| (i, g.0.as_ptr() as usize, rows_ready)).collect::<Vec<_>>()
    };
    view! {
        <div class="tl-scroll" data-testid="trace-list" node_ref=sw.scroller on:scroll=on_scroll tabindex="0" role="region" aria-label="Trace list"
            data-total=total>
            <div class="tl-spacer" style=move || format!("height:{}px", HEAD_PX + win.get().total_px)>
                <table class="tl-table" style=move || format!("top:{}px", win.get().top_px)>
                    <thead><tr><th class="c-pick"><span class="visually-hidden">"Pick"</span></th>{header}</tr></thead>
                    <tbody>
                        <For each=drawn key=|k| *k children=move |(i, _, _)| row_view(i)/>
                    </tbody>
                </table>
            </div>
        </div>
    }
}
