//! A virtual table of worker rows: columns, the latest [`TableWindow`] and the rows
//! asked for in; a scroller with a sticky header and only the drawn rows in the DOM
//! out. Rows not yet answered are drawn empty. Header buttons sort (the view owns the
//! sort); a row with a span or a key is clickable. The block carries `data-total` (rows
//! in the whole table) and each row `data-row` (its index), for tests.
//!
//! ```text
//! div.vt-scroll (max-height: shown rows)      scroll → ScrollWindow → drawn rows, `want`
//! └ div.vt-spacer (height: header + all rows)
//!   └ table.vt-table (top: first drawn row)   thead sticky, tbody: the drawn rows only
//! ```

use leptos::prelude::*;

use crate::ui::lists::{follow_scroll, ScrollWindow};
use crate::view_model::list_window::{ListGeometry, RowRange};
use crate::view_model::tabs::table::{TableColumn, TableRow, TableWindow};

/// Height of a table row (CSS `.vt-table tbody tr`).
pub const TABLE_ROW_PX: f64 = 24.0;
/// Height of the header row (CSS `.vt-table thead th`).
pub const TABLE_HEAD_PX: f64 = 28.0;
/// Rows drawn beyond the visible ones on each side.
pub const TABLE_OVERSCAN_ROWS: usize = 3;

/// Sorting by the header: the shown sort and what a click on column `i` does.
#[derive(Clone, Copy)]
pub struct TableSort {
    /// (column index, ascending), when sorted.
    pub state: Signal<Option<(usize, bool)>>,
    pub on_click: Callback<usize>,
    /// Sort buttons get `data-testid="<prefix>-<column name, dashed>"`.
    pub testid_prefix: Option<&'static str>,
}

/// What a row click does.
pub type OnRow = Callback<TableRow>;

/// A column whose truncated cells (those with a title: the full text) are buttons that
/// open the full text elsewhere; the button's `aria-expanded` follows `open`.
#[derive(Clone, Copy)]
pub struct CellExpand {
    pub col: usize,
    /// The row whose cell is open.
    pub open: Signal<Option<usize>>,
    /// (row, full text) of a pressed button.
    pub on_toggle: Callback<(usize, String)>,
    /// `data-testid` of the buttons.
    pub testid: &'static str,
    /// `id` of the element that shows the full text (`aria-controls`).
    pub controls: &'static str,
}

/// A virtual table; `shown_rows` rows are visible at once (fewer when the table is shorter).
#[component]
pub fn VirtualTable(
    /// `data-testid` of the block.
    #[prop(into)]
    testid: String,
    #[prop(into)] columns: Signal<Vec<TableColumn>>,
    #[prop(into)] rows: Signal<Option<TableWindow>>,
    /// The rows asked of the worker; the table moves it as it scrolls.
    want: RwSignal<RowRange>,
    #[prop(default = 12)] shown_rows: usize,
    /// `data-testid` of each answered row.
    #[prop(optional)]
    row_testid: Option<&'static str>,
    /// `data-testid` of the `<table>`.
    #[prop(optional)]
    table_testid: Option<&'static str>,
    #[prop(optional)] sort: Option<TableSort>,
    #[prop(optional)] on_row: Option<OnRow>,
    /// The key of the selected row.
    #[prop(optional, into)]
    selected: Option<Signal<Vec<String>>>,
    /// The title of a clickable row.
    #[prop(optional)]
    row_title: Option<&'static str>,
    /// A column of expandable cells.
    #[prop(default = None)]
    expand: Option<CellExpand>,
) -> impl IntoView {
    // An empty test id means none (callers that forward an optional one).
    let row_testid = row_testid.filter(|t| !t.is_empty());
    let geometry = ListGeometry { row_px: TABLE_ROW_PX, overscan_rows: TABLE_OVERSCAN_ROWS };
    let max_px = shown_rows as f64 * TABLE_ROW_PX + TABLE_HEAD_PX;
    // The scroller shrinks to few rows: a later answer with more rows fills it up to the cap.
    let sw = ScrollWindow { floor_px: max_px, ..ScrollWindow::new(geometry, TABLE_HEAD_PX, max_px) };
    let total = move || rows.with(|r| r.as_ref().map(|r| r.total).unwrap_or(0));
    follow_scroll(sw, total, want);
    // A new answer redraws the rows: its generation is part of each row's key.
    let generation = Memo::new(move |prev: Option<&u64>| {
        rows.track();
        prev.map(|p| p + 1).unwrap_or(0)
    });
    let win = Memo::new(move |_| sw.window(total()));
    let drawn = move || {
        let (w, g) = (win.get(), generation.get());
        (w.first..w.last).map(|i| (i, g)).collect::<Vec<_>>()
    };
    let width_px = move || columns.with(|c| c.iter().map(|c| c.width_px).sum::<u32>());
    let header = move || {
        columns
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                let numeric = c.numeric;
                let Some(s) = sort else {
                    return view! { <th class:num=numeric>{c.name}</th> }.into_any();
                };
                let aria = move || match s.state.get() {
                    Some((col, true)) if col == i => "ascending",
                    Some((col, false)) if col == i => "descending",
                    _ => "none",
                };
                let mark = move || match s.state.get() {
                    Some((col, true)) if col == i => " ▲",
                    Some((col, false)) if col == i => " ▼",
                    _ => "",
                };
                let testid = s.testid_prefix.map(|p| format!("{p}-{}", c.name.replace(' ', "-")));
                view! {
                    <th class:num=numeric aria-sort=aria>
                        <button title="Sort" data-testid=testid on:click=move |_| s.on_click.run(i)>{c.name}{mark}</button>
                    </th>
                }
                .into_any()
            })
            .collect_view()
    };
    let cols = move || columns.with(|c| c.iter().map(|c| view! { <col style=format!("width:{}px", c.width_px)/> }).collect_view());
    let row_view = move |(i, _): (usize, u64)| {
        let Some(r) = rows.with_untracked(|w| w.as_ref().and_then(|w| w.row(i).cloned())) else {
            let n = columns.with_untracked(|c| c.len());
            return view! { <tr class="vt-pending" data-row=i><td colspan=n></td></tr> }.into_any();
        };
        let clickable = on_row.is_some() && (r.span.is_some() || !r.key.is_empty());
        let key = r.key.clone();
        let is_sel = move || selected.is_some_and(|s| !key.is_empty() && s.with(|k| *k == key));
        let cells = r
            .cells
            .iter()
            .enumerate()
            .map(|(k, c)| {
                if let (Some(e), Some(full)) = (expand.filter(|e| e.col == k), c.title.clone()) {
                    let expanded = move || if e.open.get() == Some(i) { "true" } else { "false" };
                    // The button acts alone: its click and keys do not reach the row (no jump).
                    return view! {
                        <td class=c.class.clone() title=c.title.clone()>
                            <button class="args-expand" data-testid=e.testid aria-expanded=expanded aria-controls=e.controls
                                title="Show the full text"
                                on:keydown=|ev| ev.stop_propagation()
                                on:click=move |ev| { ev.stop_propagation(); e.on_toggle.run((i, full.clone())) }>{c.text.clone()}</button>
                        </td>
                    }
                    .into_any();
                }
                let bar = c.bar_px.map(|px| view! { <span class="an-share" style=format!("width:{px:.1}px")></span> });
                view! { <td class=c.class.clone() title=c.title.clone()>{bar}{c.text.clone()}</td> }.into_any()
            })
            .collect_view();
        let title = clickable.then_some(row_title).flatten();
        let keyed = r.clone();
        view! {
            <tr data-testid=row_testid data-row=i data-span=r.span class:clickable=clickable class:sel=is_sel title=title
                tabindex=clickable.then_some("0")
                on:keydown=move |ev| if let (true, Some(f), "Enter") = (clickable, on_row, ev.key().as_str()) { f.run(keyed.clone()) }
                on:click=move |_| if let (true, Some(f)) = (clickable, on_row) { f.run(r.clone()) }>
                {cells}
            </tr>
        }
        .into_any()
    };
    let on_scroll = move |_| sw.measure();
    // The scroller is in the Tab order (arrow keys scroll it) and named after the table.
    let region = testid.replace('-', " ");
    view! {
        <div class="vt" data-testid=testid data-total=move || rows.with(|r| r.as_ref().map(|r| r.total))>
            <div class="vt-scroll" node_ref=sw.scroller style=format!("max-height:{max_px}px") on:scroll=on_scroll
                tabindex="0" role="region" aria-label=region>
                <div class="vt-spacer" style=move || format!("height:{}px;width:{}px", TABLE_HEAD_PX + win.get().total_px, width_px())>
                    <table class="vt-table" data-testid=table_testid
                        style=move || format!("top:{}px;width:{}px", win.get().top_px, width_px())>
                        <colgroup>{cols}</colgroup>
                        <thead><tr>{header}</tr></thead>
                        <tbody>
                            <For each=drawn key=|k| *k children=row_view/>
                        </tbody>
                    </table>
                </div>
            </div>
        </div>
    }
}
