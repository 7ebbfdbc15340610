//! One LLM table on the page: an [`LlmTable`] in; a sortable table with a CSV export
//! button out. Rows with a span jump to it on click.

use std::sync::Arc;

use leptos::prelude::*;

use crate::view_model::llm_table::LlmTable;
use crate::ui::state::AppState;
use crate::ui::util::{download, Shared};

/// A sortable table with a CSV export button. Rows with a span jump to it on click.
#[component]
pub fn TableView(table: LlmTable, testid: String) -> impl IntoView {
    let app = use_context::<AppState>();
    let columns = Arc::new(table.columns.clone());
    let base = Arc::new(table);
    let sort = RwSignal::new(None::<(usize, bool)>);
    let sorted = {
        let base = base.clone();
        Memo::new(move |_| {
            let mut t = (*base).clone();
            if let Some((c, asc)) = sort.get() {
                t.sort_by_column(c, asc);
            }
            Shared::new(t)
        })
    };
    let title = base.title.clone();
    let file_name = base.csv_file_name();
    let csv_id = format!("{testid}-csv");
    let header = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let name = c.name.clone();
            let numeric = c.numeric;
            let aria = move || match sort.get() {
                Some((col, true)) if col == i => "ascending",
                Some((col, false)) if col == i => "descending",
                _ => "none",
            };
            let mark = move || match sort.get() {
                Some((col, true)) if col == i => " ▲",
                Some((col, false)) if col == i => " ▼",
                _ => "",
            };
            view! {
                <th class:num=numeric aria-sort=aria>
                    <button title="Sort" on:click=move |_| sort.update(|s| {
                        *s = Some(match *s {
                            Some((col, asc)) if col == i => (i, !asc),
                            // Numbers start largest first, text A→Z.
                            _ => (i, !numeric),
                        })
                    })>{name}{mark}</button>
                </th>
            }
        })
        .collect_view();
    let body = {
        let columns = columns.clone();
        move || {
            let t = sorted.get();
            t.rows
                .iter()
                .enumerate()
                .map(|(r, row)| {
                    let span = t.row_spans.get(r).copied().flatten().filter(|_| app.is_some());
                    let cells = row
                        .iter()
                        .enumerate()
                        .map(|(i, cell)| {
                            let numeric = columns.get(i).map(|c| c.numeric).unwrap_or(false);
                            let warn = cell.text.contains('⚠');
                            let err = columns.get(i).map(|c| c.name == "Error").unwrap_or(false) && !cell.text.is_empty();
                            let unknown = cell.text == "unknown";
                            let title = (cell.raw != cell.text && !cell.raw.is_empty()).then(|| cell.raw.clone());
                            view! { <td class:num=numeric class:warn=warn class:err=err class:unknown=unknown title=title>{cell.text.clone()}</td> }
                        })
                        .collect_view();
                    view! {
                        <tr class:clickable=span.is_some() title=span.map(|_| "Show in the waterfall")
                            on:click=move |_| if let (Some(s), Some(app)) = (span, app) { app.jump_to_span(s) }>
                            {cells}
                        </tr>
                    }
                })
                .collect_view()
        }
    };
    view! {
        <section class="llm-table-block" data-testid=testid.clone()>
            <div class="llm-table-title">
                <h3>{title}</h3>
                <button data-testid=csv_id title="Download this table as CSV"
                    on:click=move |_| download(&file_name, &sorted.get_untracked().to_csv())>"Export CSV"</button>
            </div>
            <div class="llm-table-wrap">
                <table class="llm-table">
                    <thead><tr>{header}</tr></thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
        </section>
    }
}
