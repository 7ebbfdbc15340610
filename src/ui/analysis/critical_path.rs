//! The critical path tab: the selected trace in; its contributors and its segments in
//! time order out, as two virtual tables of worker rows (click a row to jump to its
//! span) with a CSV export each, and the waterfall highlight switch.

use leptos::prelude::*;

use crate::ui::analysis::{csv_button, progress_line, view_pane};
use crate::ui::controls::checkbox;
use crate::ui::lists::table::{OnRow, VirtualTable};
use crate::ui::offload::channel::channel;
use crate::ui::state::{AppState, Tab};
use crate::view_model::list_window::{RowRange, FIRST_FETCH_ROWS};
use crate::view_model::tabs::critical_path::{contribution_columns, segment_columns, CpRequest, CpTable};
use crate::view_model::tabs::table::{TableRow, TableWindow};
use crate::view_model::tabs::{Request, Response};

/// The critical path of the selected trace: contributors and segments; click a row
/// to jump to its span.
#[component]
pub fn CriticalPathView() -> impl IntoView {
    let app = expect_context::<AppState>();
    let contrib_want = RwSignal::new(RowRange::first(FIRST_FETCH_ROWS));
    let seg_want = RwSignal::new(RowRange::first(FIRST_FETCH_ROWS));
    let ch = channel(
        app,
        move || Some(Request::CriticalPath(CpRequest { trace: app.trace.get(), contributions: contrib_want.get(), segments: seg_want.get() })),
        |r| if let Response::CriticalPath(d) = r { Some(d) } else { None },
    );
    let contributions = Memo::new(move |_| ch.data.with(|d| d.as_ref().map(|d| d.contributions.clone())));
    let segments = Memo::new(move |_| ch.data.with(|d| d.as_ref().map(|d| d.segments.clone())));
    // The tables stay mounted while only their rows change (a memo, so an answer for a
    // scroll does not rebuild them).
    let summary = Memo::new(move |_| ch.data.with(|d| d.as_ref().map(|d| d.summary.clone())));
    let jump: OnRow = Callback::new(move |r: TableRow| {
        if let Some(s) = r.span {
            app.jump_to_span(s);
        }
    });
    let table = move |rows: Memo<Option<TableWindow>>, want, columns, testid: &'static str, row_testid, table_testid| {
        view! {
            <VirtualTable testid=testid columns=Signal::stored(columns) rows=rows want=want shown_rows=10
                row_testid=row_testid table_testid=table_testid on_row=jump row_title="Show in the waterfall"/>
        }
    };
    let csv = move |table: CpTable, testid: &'static str, label: &'static str| {
        csv_button(app, testid.into(), label, move || {
            let trace = app.trace.get_untracked();
            let name = match table {
                CpTable::Contributions => format!("clew-critical-path-contributions-{trace}.csv"),
                CpTable::Segments => format!("clew-critical-path-segments-{trace}.csv"),
            };
            (Request::CriticalPathCsv { trace, table }, name)
        })
    };
    let body = move || match summary.get() {
        None => ().into_any(),
        Some(None) => view! { <p class="an-note">"No trace selected."</p> }.into_any(),
        Some(Some(text)) => view! {
            <p class="an-note" data-testid="critical-path-summary">{text}</p>
            <div class="an-table-title">
                <h3>"Contribution by span"</h3>
                {csv(CpTable::Contributions, "critical-path-contributions-csv", "Export CSV of the contributions table")}
            </div>
            {table(contributions, contrib_want, contribution_columns(), "critical-path-contributions", "critical-path-contrib", "critical-path-contrib-table")}
            <div class="an-table-title">
                <h3>"Segments in time order"</h3>
                {csv(CpTable::Segments, "critical-path-csv", "Export CSV of the segments table")}
            </div>
            {table(segments, seg_want, segment_columns(), "critical-path-segments", "critical-path-row", "critical-path-table")}
        }
        .into_any(),
    };
    let content = view! {
        <div class="an-bar">
            <h2>"Critical path"</h2>
            <span class="an-note">"The chain of work that decides when the trace ends; a parent's own time is listed between its children."</span>
            <span class="spacer"></span>
            <label>
                {checkbox(app.show_critical_path, "critical-path-highlight")}
                " Highlight in the waterfall"
            </label>
        </div>
        {progress_line("Computing the critical path…", move || ch.computing(), move || ch.error())}
        <div class="an-body" class:stale=move || ch.computing()>{body}</div>
    };
    view_pane(Tab::CriticalPath, "an-view view-pane", move || ch.painted(), content)
}
