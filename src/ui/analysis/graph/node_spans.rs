//! The client spans behind a clicked remote node, listed under the graph:
//! [`GraphState::picked`] and the loaded set in; a table (service, span, statement or
//! URL, duration, status) out — a row jumps to its span, "Show in waterfall" filters the waterfall
//! to them all, × closes the list. The rows come from `view_model::graph_spans`.

use leptos::prelude::*;

use crate::ui::analysis::filter_loaded;
use crate::ui::analysis::graph::state::GraphState;
use crate::view_model::graph_spans::{node_span_list, MAX_LISTED_SPANS};

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
    move || {
        let p = st.picked.get()?;
        let list = app.loaded.with(|l| l.as_ref().map(|l| node_span_list(&l.set, &p.spans, &p.label, &p.kind, MAX_LISTED_SPANS)))?;
        let more = list.total.saturating_sub(list.rows.len());
        let spans = p.spans.clone();
        let filter_label = format!("{} {}", p.kind, p.label);
        let rows = list
            .rows
            .into_iter()
            .map(|r| {
                let span = r.span;
                let detail_title = r.detail.clone();
                view! {
                    <tr class="clickable" data-testid="graph-node-span" data-span=span title="Show this span in the waterfall"
                        on:click=move |_| app.jump_to_span(span)>
                        <td>{r.service}</td>
                        <td class="name">{r.name}</td>
                        <td class="detail" title=detail_title>{r.detail}</td>
                        <td class="num">{r.duration}</td>
                        <td class:err=r.error>{if r.error { "error" } else { "ok" }}</td>
                    </tr>
                }
            })
            .collect_view();
        Some(view! {
            <section class="an-node-spans" data-testid="graph-node-spans" data-node=p.id.clone() data-total=list.total node_ref=section>
                <div class="an-bar">
                    <h3 data-testid="graph-node-spans-heading">{list.heading}</h3>
                    <span class="spacer"></span>
                    <button data-testid="graph-node-spans-filter" title="Filter the waterfall to these spans"
                        on:click=move |_| filter_loaded(app, &spans, filter_label.clone())>"Show in waterfall"</button>
                    <button data-testid="graph-node-spans-close" title="Close the list" aria-label="Close the list"
                        on:click=move |_| st.picked.set(None)>"×"</button>
                </div>
                <div class="an-table-wrap">
                    <table class="an-table">
                        <thead><tr><th>"service"</th><th>"span"</th><th>"statement / URL"</th><th class="num">"duration"</th><th>"status"</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                {(more > 0).then(|| view! { <p class="an-note">{format!("… and {more} more.")}</p> })}
            </section>
        })
    }
}
