//! The stats tab: the selected trace (or every trace) in; self and total time by
//! service or operation out — a sortable virtual table of worker rows, with a
//! self-time chart and a latency histogram (SVG from the worker).

use leptos::prelude::*;

use crate::analysis::stats::{SortDir, StatColumn};
use crate::format;
use crate::ui::analysis::{csv_button, progress_line, view_pane};
use crate::ui::context::dark_theme;
use crate::ui::controls::checkbox;
use crate::ui::lists::table::{OnRow, TableSort, VirtualTable};
use crate::ui::offload::channel::channel;
use crate::ui::state::{AppState, Tab};
use crate::view_model::list_window::{RowRange, FIRST_FETCH_ROWS};
use crate::view_model::tabs::stats::{column_head, columns, StatsChartsRequest, StatsRequest};
use crate::view_model::tabs::table::TableRow;
use crate::view_model::tabs::{Request, Response};

/// Self and total time by service or operation, over the selected trace or all
/// traces; sortable by any column; with a self-time bar chart and a latency
/// histogram of one operation.
#[component]
pub fn StatsView() -> impl IntoView {
    let app = expect_context::<AppState>();
    let by_op = RwSignal::new(true);
    let all_traces = RwSignal::new(false);
    let sort = RwSignal::new((StatColumn::SelfSum, SortDir::Desc));
    let hist_op = RwSignal::new(None::<(String, String)>);
    let want = RwSignal::new(RowRange::first(FIRST_FETCH_ROWS));

    let scope = move || if all_traces.get() { None } else { Some(app.trace.get()) };
    let sort_index = move || {
        let (col, dir) = sort.get();
        (StatColumn::ALL.iter().position(|c| *c == col).unwrap_or(0), dir == SortDir::Asc)
    };
    let table = channel(
        app,
        move || {
            let (sort, ascending) = sort_index();
            Some(Request::Stats(StatsRequest { scope: scope(), by_operation: by_op.get(), sort, ascending, rows: want.get() }))
        },
        |r| if let Response::Stats(w) = r { Some(w) } else { None },
    );
    let charts = channel(
        app,
        move || {
            let (sort, ascending) = sort_index();
            let histogram_of = hist_op.get().filter(|_| by_op.get());
            Some(Request::StatsCharts(StatsChartsRequest { scope: scope(), by_operation: by_op.get(), sort, ascending, histogram_of, dark: dark_theme() }))
        },
        |r| if let Response::StatsCharts(c) = r { Some(c) } else { None },
    );

    let shown_columns = Memo::new(move |_| columns(by_op.get()));
    let heads = Memo::new(move |_| shown_columns.get().into_iter().map(column_head).collect::<Vec<_>>());
    let rows = Memo::new(move |_| table.data.with(|d| d.as_deref().cloned()));
    let sort_state = Signal::derive(move || {
        let (col, dir) = sort.get();
        shown_columns.with(|c| c.iter().position(|x| *x == col)).map(|i| (i, dir == SortDir::Asc))
    });
    let on_sort = Callback::new(move |i: usize| {
        let Some(c) = shown_columns.with_untracked(|cols| cols.get(i).copied()) else { return };
        sort.update(|s| *s = if s.0 == c { (c, s.1.flip()) } else { (c, c.default_direction()) });
    });
    let on_row: OnRow = Callback::new(move |r: TableRow| {
        if by_op.get_untracked()
            && let [svc, op] = r.key.as_slice() {
                hist_op.set(Some((svc.clone(), op.clone())));
            }
    });
    let selected = Signal::derive(move || hist_op.get().filter(|_| by_op.get()).map(|(s, o)| vec![s, o]).unwrap_or_default());

    let chart_views = move || {
        charts.data.get().map(|c| {
            view! {
                <div class="an-charts">
                    <div class="an-chart" data-testid="stats-chart-self-time" role="img"
                        aria-label="Bar chart of self time by group; the table above lists the same numbers" inner_html=c.self_time_svg.clone()></div>
                    {c.histogram_svg.clone().map(|h| view! {
                        <div class="an-chart" data-testid="stats-chart-histogram" role="img"
                            aria-label="Latency histogram of the chosen operation; its row in the table gives the percentiles" inner_html=h></div>
                    })}
                </div>
            }
        })
    };
    let summary = move || {
        table.data.with(|r| r.as_ref().map(|r| format::count(r.total as u64, "row")).unwrap_or_default())
    };
    let computing = move || table.computing() || charts.computing();
    let error = move || table.error().or_else(|| charts.error());
    let has_table = move || table.data.with(|d| d.is_some());
    let export = csv_button(app, "stats-csv".into(), "Export CSV of the statistics table", move || {
        let (sort, ascending) = untrack(sort_index);
        let scope = if all_traces.get_untracked() { None } else { Some(app.trace.get_untracked()) };
        let by_operation = by_op.get_untracked();
        let req = StatsRequest { scope, by_operation, sort, ascending, rows: RowRange::default() };
        let name = format!("clew-stats-{}.csv", if by_operation { "operations" } else { "services" });
        (Request::StatsCsv(req), name)
    });
    let content = view! {
        <div class="an-bar">
            <h2>"Statistics"</h2>
            <label>
                "Group by "
                <select data-testid="stats-group" on:change=move |ev| by_op.set(event_target_value(&ev) == "operation")>
                    <option value="operation" selected=move || by_op.get()>"operation"</option>
                    <option value="service" selected=move || !by_op.get()>"service"</option>
                </select>
            </label>
            <label>
                {checkbox(all_traces, "stats-all-traces")}
                " All loaded traces"
            </label>
            <span class="an-note" data-testid="stats-summary">{summary}</span>
            <span class="spacer"></span>
            {export}
        </div>
        <p class="an-note">"Self time is a span's duration minus the time its children cover. Click a header to sort; click an operation to chart its latency."</p>
        {move || all_traces.get().then(|| crate::ui::traces::scope_note(crate::ui::context::use_ui()))}
        {progress_line("Computing the statistics…", computing, error)}
        <div class="an-body" class:stale=computing>
            <Show when=has_table>
                <VirtualTable testid="stats-rows" columns=heads rows=rows want=want shown_rows=12 row_testid="stats-row" table_testid="stats-table"
                    sort=TableSort { state: sort_state, on_click: on_sort, testid_prefix: Some("stats-sort") }
                    on_row=on_row selected=selected row_title="Show this operation's latency histogram"/>
            </Show>
            {chart_views}
        </div>
    };
    view_pane(Tab::Stats, "an-view view-pane", move || table.painted() && charts.painted(), content)
}
