//! The span table tab: the selected trace, a find query, a sort and added attribute
//! columns in; every matching span as a sortable virtual table of worker rows out
//! (`view_model::tabs::spans`), with an attribute picker that suggests the trace's most
//! common keys, CSV export of the whole filtered table, and a click that jumps to the span.

use leptos::prelude::*;

use crate::format;
use crate::ui::analysis::{csv_button, progress_line, view_pane};
use crate::ui::lists::table::{OnRow, TableSort, VirtualTable};
use crate::ui::offload::channel::channel;
use crate::ui::state::{AppState, Tab};
use crate::view_model::list_window::{RowRange, FIRST_FETCH_ROWS};
use crate::view_model::tabs::spans::SpansRequest;
use crate::view_model::tabs::table::TableRow;
use crate::view_model::tabs::{Request, Response};

/// Every span of the selected trace in a table.
#[component]
pub fn SpansView() -> impl IntoView {
    let app = expect_context::<AppState>();
    let query = RwSignal::new(String::new());
    let sort = RwSignal::new(None::<(usize, bool)>);
    let attrs = RwSignal::new(Vec::<String>::new());
    let want = RwSignal::new(RowRange::first(FIRST_FETCH_ROWS));
    let picked = RwSignal::new(String::new());
    let request = move || SpansRequest { trace: app.trace.get(), query: query.get(), sort: sort.get(), attrs: attrs.get(), rows: want.get() };
    let ch = channel(app, move || Some(Request::Spans(request())), |r| if let Response::SpanTable(d) = r { Some(d) } else { None });
    let rows = Memo::new(move |_| ch.data.with(|d| d.as_ref().map(|d| d.table.clone())));
    let heads = Memo::new(move |_| ch.data.with(|d| d.as_ref().map(|d| d.columns.clone()).unwrap_or_default()));
    let on_sort = Callback::new(move |i: usize| {
        // Numbers start with the largest, text from A.
        let first_asc = !(3..=5).contains(&i);
        sort.update(|s| *s = Some(match *s {
            Some((c, asc)) if c == i => (c, !asc),
            _ => (i, first_asc),
        }));
    });
    let jump: OnRow = Callback::new(move |r: TableRow| {
        if let Some(s) = r.span {
            app.jump_to_span(s);
        }
    });
    let add_column = move || {
        let key = picked.get_untracked().trim().to_string();
        if !key.is_empty() && !attrs.with_untracked(|a| a.contains(&key)) {
            attrs.update(|a| a.push(key));
        }
        picked.set(String::new());
    };
    let chips = move || {
        attrs
            .get()
            .into_iter()
            .map(|k| {
                let key = k.clone();
                view! {
                    <span class="spans-chip">{k.clone()}
                        <button class="icon-btn" data-testid="spans-attr-remove" aria-label=format!("Remove column {k}")
                            on:click=move |_| {
                                let gone = attrs.with_untracked(|a| a.iter().position(|x| *x == key));
                                if let Some(i) = gone {
                                    attrs.update(|a| { a.remove(i); });
                                    sort.set(None);
                                }
                            }>
                            <svg viewBox="0 0 10 10" width="10" height="10" aria-hidden="true"><path d="M2 2l6 6M8 2l-6 6" stroke="currentColor" stroke-width="1.6"/></svg>
                        </button>
                    </span>
                }
            })
            .collect_view()
    };
    let options = move || {
        ch.data.with(|d| {
            d.as_ref()
                .map(|d| d.keys.iter().map(|(k, n)| view! { <option value=k.clone()>{format::count(*n as u64, "span")}</option> }).collect_view())
                .unwrap_or_default()
        })
    };
    let count = move || {
        ch.data.with(|d| {
            d.as_ref()
                .map(|d| {
                    if d.table.total == d.spans {
                        format::count(d.spans as u64, "span")
                    } else {
                        format!("{} of {}", format::thousands(d.table.total as u64), format::count(d.spans as u64, "span"))
                    }
                })
                .unwrap_or_default()
        })
    };
    let export = csv_button(app, "spans-csv".into(), "Export CSV of the span table", move || {
        let req = SpansRequest { rows: RowRange::default(), ..request_untracked(app, query, sort, attrs) };
        (Request::SpansCsv(req), format!("spans-{}.csv", app.trace.get_untracked()))
    });
    let has_table = move || ch.data.with(|d| d.is_some());
    let content = view! {
        <div class="an-bar">
            <h2>"Spans"</h2>
            <label>"Filter "
                <input type="search" class="spans-find" data-testid="spans-find" placeholder="find: text, key=value, duration>100ms, error"
                    aria-label="Filter the spans with the find language" prop:value=move || query.get()
                    on:change=move |ev| { query.set(event_target_value(&ev)); }
                    on:keydown=move |ev| if ev.key() == "Enter" { query.set(event_target_value(&ev)); }/>
            </label>
            <span class="an-note" data-testid="spans-count" role="status">{count}</span>
            <span class="spacer"></span>
            {export}
        </div>
        <div class="an-bar">
            <label>"Attribute column "
                <input type="text" list="spans-attr-keys" data-testid="spans-attr-input" placeholder="attribute key"
                    prop:value=move || picked.get() on:input=move |ev| picked.set(event_target_value(&ev))
                    on:keydown=move |ev| if ev.key() == "Enter" { add_column(); }/>
            </label>
            <datalist id="spans-attr-keys" data-testid="spans-attr-keys">{options}</datalist>
            <button data-testid="spans-attr-add" on:click=move |_| add_column()>"Add column"</button>
            {chips}
        </div>
        <p class="an-note">"Click a header to sort, a row to open its span in the waterfall. The filter takes the waterfall's find language; the CSV holds every filtered row."</p>
        {progress_line("Listing the spans…", move || ch.computing(), move || ch.error())}
        <div class="an-body" class:stale=move || ch.computing()>
            <Show when=has_table>
                <VirtualTable testid="span-table" columns=heads rows=rows want=want shown_rows=22 row_testid="span-table-row"
                    table_testid="span-table-table" sort=TableSort { state: sort.into(), on_click: on_sort, testid_prefix: Some("spans-sort") }
                    on_row=jump row_title="Show in the waterfall"/>
            </Show>
        </div>
    };
    view_pane(Tab::Spans, "an-view view-pane", move || ch.painted(), content)
}

/// The current request, read without tracking.
fn request_untracked(app: AppState, query: RwSignal<String>, sort: RwSignal<Option<(usize, bool)>>, attrs: RwSignal<Vec<String>>) -> SpansRequest {
    SpansRequest {
        trace: app.trace.get_untracked(),
        query: query.get_untracked(),
        sort: sort.get_untracked(),
        attrs: attrs.get_untracked(),
        rows: RowRange::default(),
    }
}
