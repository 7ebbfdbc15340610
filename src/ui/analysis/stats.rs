//! The stats tab: the selected trace (or every trace) in; self and total time by
//! service or operation, sortable, with a self-time chart and a latency histogram out.

use leptos::prelude::*;

use crate::analysis::chart_theme::ChartTheme;
use crate::analysis::charts::{latency_histogram_svg, self_time_by_service_svg};
use crate::analysis::stats::{self, GroupBy, Scope, SortDir, StatColumn, StatRow};
use crate::format;
use crate::ui::analysis::{no_data, MAX_ROWS};
use crate::ui::context::dark_theme;
use crate::ui::controls::checkbox;
use crate::ui::state::AppState;
use crate::ui::util::Shared;

/// Chart colors matching the app's theme variables.
fn stats_chart_theme(dark: bool) -> ChartTheme {
    if dark {
        ChartTheme {
            fg: "#e4e8f0".into(),
            bg: "#14171d".into(),
            grid: "#323949".into(),
            palette: vec!["#5b8cff".into(), "#40c057".into(), "#f59f00".into(), "#f06595".into(), "#b197fc".into(), "#66d9e8".into()],
        }
    } else {
        ChartTheme {
            fg: "#1d2330".into(),
            bg: "#ffffff".into(),
            grid: "#d9dde5".into(),
            palette: vec!["#2563eb".into(), "#2b8a3e".into(), "#b45309".into(), "#c2255c".into(), "#7048e8".into(), "#0c8599".into()],
        }
    }
}

fn cell(col: StatColumn, r: &StatRow) -> String {
    let d = format::duration;
    match col {
        StatColumn::Service => r.service.clone(),
        StatColumn::Operation => r.operation.clone(),
        StatColumn::Count => format::thousands(r.total.count),
        StatColumn::Errors => format::thousands(r.errors),
        StatColumn::TotalSum => d(r.total.sum_ns),
        StatColumn::TotalMean => d(r.total.mean_ns.round() as u64),
        StatColumn::TotalP50 => d(r.total.p50_ns),
        StatColumn::TotalP95 => d(r.total.p95_ns),
        StatColumn::TotalP99 => d(r.total.p99_ns),
        StatColumn::TotalMax => d(r.total.max_ns),
        StatColumn::SelfSum => d(r.self_time.sum_ns),
        StatColumn::SelfMean => d(r.self_time.mean_ns.round() as u64),
        StatColumn::SelfP50 => d(r.self_time.p50_ns),
        StatColumn::SelfP95 => d(r.self_time.p95_ns),
        StatColumn::SelfP99 => d(r.self_time.p99_ns),
        StatColumn::SelfMax => d(r.self_time.max_ns),
    }
}

/// Self and total time by service or operation, over the selected trace or all
/// traces; sortable by any column; with a self-time bar chart and a latency
/// histogram of one operation.
#[component]
pub fn StatsView() -> impl IntoView {
    let Some(app) = use_context::<AppState>() else { return no_data("stats-view") };
    let by_op = RwSignal::new(true);
    let all_traces = RwSignal::new(false);
    let sort = RwSignal::new((StatColumn::SelfSum, SortDir::Desc));
    let hist_op = RwSignal::new(None::<(String, String)>);

    let base = Memo::new(move |_| {
        let loaded = app.loaded.get()?;
        let scope = if all_traces.get() { Scope::All } else { Scope::Trace(app.trace.get()) };
        let group = if by_op.get() { GroupBy::Operation } else { GroupBy::Service };
        Some((Shared(loaded.clone()), Shared::new(stats::stats(&loaded.set, scope, group)), scope))
    });
    let rows = Memo::new(move |_| {
        let (_, r, _) = base.get()?;
        let (col, dir) = sort.get();
        let mut v = (*r).clone();
        stats::sort_rows(&mut v, col, dir);
        Some(Shared::new(v))
    });
    let columns = move || -> Vec<StatColumn> {
        StatColumn::ALL.iter().copied().filter(|c| by_op.get() || *c != StatColumn::Operation).collect()
    };
    let header = move || {
        columns()
            .into_iter()
            .map(|c| {
                let numeric = !matches!(c, StatColumn::Service | StatColumn::Operation);
                let mark = move || match sort.get() {
                    (col, SortDir::Asc) if col == c => " ▲",
                    (col, SortDir::Desc) if col == c => " ▼",
                    _ => "",
                };
                let aria = move || match sort.get() {
                    (col, SortDir::Asc) if col == c => "ascending",
                    (col, SortDir::Desc) if col == c => "descending",
                    _ => "none",
                };
                view! {
                    <th class:num=numeric aria-sort=aria>
                        <button title="Sort" data-testid=format!("stats-sort-{}", c.label().replace(' ', "-"))
                            on:click=move |_| sort.update(|s| {
                                *s = if s.0 == c { (c, s.1.flip()) } else { (c, c.default_direction()) };
                            })>{c.label()}{mark}</button>
                    </th>
                }
            })
            .collect_view()
    };
    let body = move || {
        let Some(r) = rows.get() else { return ().into_any() };
        let cols = columns();
        let op_mode = by_op.get();
        let selected = hist_op.get();
        r.iter()
            .take(MAX_ROWS)
            .map(|row| {
                let cells = cols
                    .iter()
                    .map(|&c| {
                        let numeric = !matches!(c, StatColumn::Service | StatColumn::Operation);
                        view! { <td class:num=numeric class:name=!numeric>{cell(c, row)}</td> }
                    })
                    .collect_view();
                let key = (row.service.clone(), row.operation.clone());
                let is_sel = op_mode && selected.as_ref() == Some(&key);
                let title = if op_mode { "Show this operation's latency histogram" } else { "" };
                view! {
                    <tr class:clickable=op_mode class:sel=is_sel data-testid="stats-row" title=title
                        on:click=move |_| if op_mode { hist_op.set(Some(key.clone())) }>
                        {cells}
                    </tr>
                }
            })
            .collect_view()
            .into_any()
    };
    let charts = move || {
        let (loaded, _, scope) = base.get()?;
        let theme = stats_chart_theme(dark_theme());
        let bars = self_time_by_service_svg(&loaded.set, scope, &theme, 640, 15);
        // The histogram's operation: the chosen one, else the one with the most total time.
        let op = hist_op
            .get()
            .filter(|(_, o)| !o.is_empty())
            .or_else(|| rows.with(|r| r.as_ref().and_then(|r| r.first()).filter(|r| !r.operation.is_empty()).map(|r| (r.service.clone(), r.operation.clone()))))
            .or_else(|| {
                let rows = stats::stats(&loaded.set, scope, GroupBy::Operation);
                rows.first().map(|r| (r.service.clone(), r.operation.clone()))
            })?;
        let hist = latency_histogram_svg(&loaded.set, &op.0, &op.1, &theme, 640, 300, 30);
        Some(view! {
            <div class="an-charts">
                <div class="an-chart" data-testid="stats-chart-self-time" inner_html=bars></div>
                <div class="an-chart" data-testid="stats-chart-histogram" inner_html=hist></div>
            </div>
        })
    };
    let summary = move || {
        rows.with(|r| {
            r.as_ref()
                .map(|r| format!("{} row{}{}", r.len(), if r.len() == 1 { "" } else { "s" }, if r.len() > MAX_ROWS { format!(", first {MAX_ROWS} shown") } else { String::new() }))
                .unwrap_or_default()
        })
    };
    view! {
        <div class="an-view view-pane" data-testid="stats-view">
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
                <span class="an-note">{summary}</span>
            </div>
            <p class="an-note">"Self time is a span's duration minus the time its children cover. Click a header to sort; click an operation to chart its latency."</p>
            <div class="an-table-wrap">
                <table class="an-table" data-testid="stats-table">
                    <thead><tr>{header}</tr></thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
            {charts}
        </div>
    }
    .into_any()
}
