//! One LLM table on the page: a window of an `LlmTable` from the worker in; its title,
//! a CSV export button (the worker sends the whole table, sorted as shown) and a
//! sortable virtual table out. Rows with a span jump to it on click.

use leptos::prelude::*;

use crate::ui::analysis::csv_button;
use crate::ui::lists::table::{CellExpand, OnRow, TableSort, VirtualTable};
use crate::ui::state::AppState;
use crate::view_model::list_window::RowRange;
use crate::view_model::tabs::llm::LlmTableWindow;
use crate::view_model::tabs::table::TableRow;
use crate::view_model::tabs::Request;

/// The sort of an LLM table: (column, ascending); a first click sorts numbers largest
/// first and text A→Z, a second click reverses.
pub fn next_sort(current: Option<(usize, bool)>, col: usize, numeric: bool) -> Option<(usize, bool)> {
    Some(match current {
        Some((c, asc)) if c == col => (col, !asc),
        _ => (col, !numeric),
    })
}

/// An LLM table block. `csv` makes the request for the whole table, sorted as shown.
#[component]
pub fn LlmTableBlock(
    #[prop(into)] testid: String,
    #[prop(into)] table: Signal<Option<LlmTableWindow>>,
    want: RwSignal<RowRange>,
    sort: RwSignal<Option<(usize, bool)>>,
    csv: Callback<(), Request>,
    #[prop(default = 10)] shown_rows: usize,
    /// `data-testid` of each answered row.
    #[prop(optional)]
    row_testid: Option<&'static str>,
    /// A column of expandable cells.
    #[prop(default = None)]
    expand: Option<CellExpand>,
) -> impl IntoView {
    let app = expect_context::<AppState>();
    let columns = Memo::new(move |_| table.with(|t| t.as_ref().map(|t| t.columns.clone()).unwrap_or_default()));
    let rows = Memo::new(move |_| table.with(|t| t.as_ref().map(|t| t.window.clone())));
    let title = move || table.with(|t| t.as_ref().map(|t| t.title.clone()).unwrap_or_default());
    let file_name = move || table.with_untracked(|t| t.as_ref().map(|t| format!("clew-llm-{}.csv", t.id)).unwrap_or_default());
    let on_sort = Callback::new(move |i: usize| {
        let numeric = columns.with_untracked(|c| c.get(i).map(|c| c.numeric).unwrap_or(false));
        sort.update(|s| *s = next_sort(*s, i, numeric));
    });
    let on_row: OnRow = Callback::new(move |r: TableRow| {
        if let Some(s) = r.span {
            app.jump_to_span(s);
        }
    });
    let export = csv_button(app, format!("{testid}-csv"), "Export CSV of this table", move || (csv.run(()), file_name()));
    view! {
        <section class="llm-table-block">
            <div class="llm-table-title">
                <h3 data-testid=format!("{testid}-title")>{title}</h3>
                {export}
            </div>
            <VirtualTable testid=testid columns=columns rows=rows want=want shown_rows=shown_rows row_testid=row_testid.unwrap_or("")
                sort=TableSort { state: sort.into(), on_click: on_sort, testid_prefix: None }
                on_row=on_row row_title="Show in the waterfall" expand=expand/>
        </section>
    }
}
