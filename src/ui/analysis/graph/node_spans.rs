//! The client spans behind a clicked remote node, listed under the graph:
//! [`GraphState::picked`] and the loaded set in; a table (service, span, statement or
//! URL, duration, status; only the rows on screen in the DOM) out — a row jumps to its span, "Show in waterfall" filters the waterfall
//! to them all, × closes the list. The rows come from `view_model::graph_spans`.

use leptos::prelude::*;

use crate::ui::analysis::{csv_button, filter_loaded};
use crate::view_model::tabs::Request;
use crate::ui::analysis::graph::state::GraphState;
use crate::ui::lists::table::{TABLE_HEAD_PX, TABLE_OVERSCAN_ROWS, TABLE_ROW_PX};
use crate::ui::lists::ScrollWindow;
use crate::view_model::graph_spans::{node_span_list, MAX_LISTED_SPANS};
use crate::view_model::list_window::ListGeometry;

/// Height of the list's scroller: ten rows under the header.
const SHOWN_PX: f64 = 10.0 * TABLE_ROW_PX + TABLE_HEAD_PX;

/// The list of the picked node's client spans (nothing while no node is picked). A new
/// graph (scope, filters, loaded set) closes it.
#[component]
pub fn NodeSpans(st: GraphState) -> impl IntoView {
    let app = st.app;
    Effect::new(move |_| {
        st.graph.data.track();
        st.picked.set(None);
    });
    let section = NodeRef::<leptos::html::Section>::new();
    // Bring the list into view when it opens: it sits under a tall graph.
    Effect::new(move |_| {
        if let Some(el) = section.get() {
            el.scroll_into_view_with_bool(false);
        }
    });
    // Only the rows on screen (plus a few) are in the DOM, like every long list.
    let sw = ScrollWindow::new(ListGeometry { row_px: TABLE_ROW_PX, overscan_rows: TABLE_OVERSCAN_ROWS }, TABLE_HEAD_PX, SHOWN_PX);
    let list = Memo::new(move |_| {
        let p = st.picked.get()?;
        app.loaded.with(|l| l.as_ref().map(|l| node_span_list(&l.set, &p.spans, &p.label, &p.kind, MAX_LISTED_SPANS)))
    });
    // A new list starts at its top.
    Effect::new(move |_| {
        list.track();
        sw.scroll_top.set(0.0);
    });
    let n_rows = move || list.with(|l| l.as_ref().map_or(0, |l| l.rows.len()));
    let win = Memo::new(move |_| sw.window(n_rows()));
    let drawn = move || {
        let w = win.get();
        let below_px = (w.total_px - w.top_px - (w.last - w.first) as f64 * TABLE_ROW_PX).max(0.0);
        let rows = list.with(|l| {
            l.as_ref()
                .map(|l| {
                    l.rows
                        .get(w.first..w.last)
                        .unwrap_or_default()
                        .iter()
                        .map(|r| {
                            let span = r.span;
                            view! {
                                <tr class="clickable" data-testid="graph-node-span" data-span=span title="Show this span in the waterfall"
                                    on:click=move |_| app.jump_to_span(span)>
                                    <td>{r.service.clone()}</td>
                                    <td class="name">{r.name.clone()}</td>
                                    <td class="detail" title=r.detail.clone()>{r.detail.clone()}</td>
                                    <td class="num">{r.duration.clone()}</td>
                                    <td class:err=r.error>{if r.error { "error" } else { "ok" }}</td>
                                </tr>
                            }
                        })
                        .collect_view()
                })
        });
        view! {
            <tr class="vt-pad" aria-hidden="true" style=format!("height:{}px", w.top_px)></tr>
            {rows}
            <tr class="vt-pad" aria-hidden="true" style=format!("height:{below_px}px")></tr>
        }
    };
    move || {
        let p = st.picked.get()?;
        let (heading, total, shown) = list.with(|l| l.as_ref().map(|l| (l.heading.clone(), l.total, l.rows.len())))?;
        let more = total.saturating_sub(shown);
        let spans = p.spans.clone();
        let csv_spans = p.spans.clone();
        let csv_name: String = p.label.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
        let filter_label = format!("{} {}", p.kind, p.label);
        Some(view! {
            <section class="an-node-spans" data-testid="graph-node-spans" data-node=p.id.clone() data-total=total node_ref=section>
                <div class="an-bar">
                    <h3 data-testid="graph-node-spans-heading">{heading}</h3>
                    <span class="spacer"></span>
                    {csv_button(app, "graph-node-spans-csv".into(), "Export CSV of these spans", move || {
                        (Request::GraphSpansCsv { spans: csv_spans.to_vec() }, format!("clew-graph-{}-spans.csv", csv_name))
                    })}
                    <button data-testid="graph-node-spans-filter" title="Filter the waterfall to these spans"
                        on:click=move |_| filter_loaded(app, &spans, filter_label.clone())>"Show in waterfall"</button>
                    <button data-testid="graph-node-spans-close" title="Close the list" aria-label="Close the list"
                        on:click=move |_| st.picked.set(None)>{crate::ui::icons::close()}</button>
                </div>
                <div class="an-table-wrap" tabindex="0" role="region" aria-label="Client spans" node_ref=sw.scroller
                    style=format!("max-height:{SHOWN_PX}px") on:scroll=move |_| sw.measure()>
                    <table class="an-table">
                        <thead><tr><th>"service"</th><th>"span"</th><th>"statement / URL"</th><th class="num">"duration"</th><th>"status"</th></tr></thead>
                        <tbody>{drawn}</tbody>
                    </table>
                </div>
                {(more > 0).then(|| view! { <p class="an-note">{format!("… and {more} more.")}</p> })}
            </section>
        })
    }
}
