//! The graph's SVG: [`GraphState`] in; edges and nodes (hover emphasis; a click on a
//! service or an edge filters the waterfall to the spans the worker sends, a click on
//! a remote node picks it for the list of its client spans) out, with the wheel
//! zooming at the pointer and a drag panning. A new graph opens fitted, or at a
//! readable scale (`ViewBox::opening`). By keyboard, one node or edge is the graph's Tab
//! stop: arrows move between nodes, Tab enters a node's edges, arrows walk them,
//! Shift+Tab or Esc goes back; Enter or Space does what a click does.

use leptos::ev;
use leptos::prelude::*;

use std::sync::Arc;

use crate::analysis::service_graph::NodeKind;
use crate::format;
use crate::ui::analysis::graph::state::{GraphState, PickedNode};
use crate::ui::analysis::graph::tooltip::{edge_name, edge_title, graph_summary, node_name, node_title};
use crate::ui::focus::focus_element;
use crate::ui::analysis::{ask_once, filter_loaded};
use crate::view_model::graph_keys::{edge_step, node_edges, step, Arrow};
use crate::view_model::graph_layout::edge_path_d;
use crate::view_model::graph_view::{
    edge_emphasis, edge_width_px, is_drag, node_emphasis, wheel_factor, Canvas, Emphasis, Hover, ViewBox,
};
use crate::view_model::tabs::graph::GraphTarget;
use crate::view_model::tabs::{Request, Response};

/// The id of node `i`'s element (arrow keys move focus by it).
fn node_id(i: usize) -> String {
    format!("graph-node-{i}")
}

/// The id of edge `k`'s element.
fn edge_id(k: usize) -> String {
    format!("graph-edge-{k}")
}

/// Moves keyboard focus to the element with this id, if it is on the page.
fn focus_id(id: &str) {
    if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id)) {
        focus_element(&el);
    }
}

/// Where the SVG element is on the page.
fn measure(svg: NodeRef<leptos::svg::Svg>) -> Option<Canvas> {
    let r = svg.get_untracked()?.get_bounding_client_rect();
    Some(Canvas { left_px: r.left(), top_px: r.top(), width_px: r.width(), height_px: r.height() })
}

/// The graph drawing; `max_label_chars` bounds the node labels (as the layout sized them).
#[component]
pub fn GraphCanvas(st: GraphState, max_label_chars: usize) -> impl IntoView {
    let GraphState { app, graph, hover, view: vb, .. } = st;
    let data = graph.data;
    // A press: where it started, the view box then and the screen scale.
    let drag = RwSignal::new(None::<(f64, f64, ViewBox, f64)>);
    let moved = RwSignal::new(false);
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();

    // A new graph starts with nothing hovered, fitted — or, when fitting would make
    // labels too small to read, at a readable scale on its left (root) side.
    Effect::new(move |_| {
        let has_graph = data.with(|d| d.is_some());
        let el = svg_ref.get();
        hover.set(None);
        let Some(el) = el.filter(|_| has_graph) else {
            vb.set(None);
            return;
        };
        let r = el.get_bounding_client_rect();
        vb.set(data.with(|d| d.as_ref().and_then(|gd| ViewBox::opening(&gd.layout, r.width(), r.height()))));
    });
    let on_wheel = move |ev: ev::WheelEvent| {
        ev.prevent_default();
        let v = st.view_box();
        let anchor = measure(svg_ref).and_then(|c| c.to_layout(v, ev.client_x() as f64, ev.client_y() as f64));
        st.zoom(wheel_factor(ev.delta_y(), ev.delta_mode()), anchor);
    };
    let on_down = move |ev: ev::MouseEvent| {
        if ev.button() != 0 {
            return;
        }
        let v = st.view_box();
        let scale = measure(svg_ref).and_then(|c| c.scale(v)).unwrap_or(1.0);
        moved.set(false);
        drag.set(Some((ev.client_x() as f64, ev.client_y() as f64, v, scale)));
    };
    let on_move = move |ev: ev::MouseEvent| {
        let Some((x0, y0, v, scale)) = drag.get_untracked() else { return };
        let (dx, dy) = (ev.client_x() as f64 - x0, ev.client_y() as f64 - y0);
        if is_drag(dx, dy) {
            moved.set(true);
        }
        if moved.get_untracked() {
            vb.set(Some(v.dragged(dx, dy, scale)));
        }
    };
    let on_up = move |_| drag.set(None);

    // A click asks the worker for the spans, then filters the waterfall to them.
    let show_spans = move |target: GraphTarget, label: String| {
        let req = Request::GraphSpans { scope: st.scope_untracked(), target };
        ask_once(app, req, move |r| {
            if let Response::Spans(spans) = r {
                filter_loaded(app, &spans, label);
            }
        });
    };
    // A service filters the waterfall to its spans; a remote node (database, broker,
    // LLM, external service) lists the client spans that call it under the graph.
    let show_node = move |i: usize| {
        let Some(gd) = data.get_untracked() else { return };
        let Some(n) = gd.nodes.get(i) else { return };
        if n.kind == NodeKind::Service.as_str() {
            show_spans(GraphTarget::Node(n.id.clone()), format!("{} {}", n.kind, n.label));
            return;
        }
        let (id, kind, label) = (n.id.clone(), n.kind.clone(), n.label.clone());
        let req = Request::GraphSpans { scope: st.scope_untracked(), target: GraphTarget::Node(id.clone()) };
        ask_once(app, req, move |r| {
            if let Response::Spans(spans) = r {
                st.picked.set(Some(PickedNode { id, kind, label, spans: Arc::new(spans) }));
            }
        });
    };
    let show_edge = move |k: usize| {
        let Some(gd) = data.get_untracked() else { return };
        let (Some(e), nodes) = (gd.edges.get(k), &gd.nodes) else { return };
        let (Some(a), Some(b)) = (nodes.get(e.from), nodes.get(e.to)) else { return };
        show_spans(GraphTarget::Edge(a.id.clone(), b.id.clone()), format!("edge {} → {}", a.label, b.label));
    };
    // The end of a drag is no click.
    let click_node = move |i: usize| if !moved.get_untracked() { show_node(i) };
    let click_edge = move |k: usize| if !moved.get_untracked() { show_edge(k) };

    // Keyboard: one node, or one edge of it, is in the Tab order (roving tabindex);
    // arrows move to a neighbour (`view_model::graph_keys`), Tab enters the node's
    // edges, Enter or Space does what a click does.
    let focused = RwSignal::new(0usize);
    let edge_at = RwSignal::new(None::<usize>);
    let edges_of = move |i: usize| data.with_untracked(|d| d.as_ref().map(|gd| node_edges(&gd.ends(), i)).unwrap_or_default());
    let focus_node = move |i: usize| {
        focused.set(i);
        edge_at.set(None);
        focus_id(&node_id(i));
    };
    let focus_edge = move |k: usize| {
        edge_at.set(Some(k));
        focus_id(&edge_id(k));
    };
    let on_node_key = move |i: usize, ev: ev::KeyboardEvent| {
        let key = ev.key();
        if key == "Enter" || key == " " {
            ev.prevent_default();
            show_node(i);
            return;
        }
        if key == "Tab" && !ev.shift_key() {
            // Into the node's edges; a node without edges lets Tab leave the graph.
            if let Some(&k) = edges_of(i).first() {
                ev.prevent_default();
                focus_edge(k);
            }
            return;
        }
        let Some(dir) = Arrow::from_key(&key) else { return };
        ev.prevent_default();
        let to = data.with_untracked(|d| d.as_ref().and_then(|gd| step(&gd.layout.nodes, gd.near.get(i).map(|n| n.as_slice()).unwrap_or(&[]), i, dir)));
        if let Some(to) = to {
            focus_node(to);
        }
    };
    // On an edge: arrows walk the node's edges, Shift+Tab or Esc goes back to the node,
    // Tab leaves the graph (no node is in the Tab order while an edge is).
    let on_edge_key = move |k: usize, ev: ev::KeyboardEvent| {
        let key = ev.key();
        if key == "Enter" || key == " " {
            ev.prevent_default();
            show_edge(k);
        } else if key == "Escape" || (key == "Tab" && ev.shift_key()) {
            ev.prevent_default();
            focus_node(focused.get_untracked());
        } else if let Some(dir) = Arrow::from_key(&key) {
            ev.prevent_default();
            if let Some(to) = edge_step(&edges_of(focused.get_untracked()), k, dir) {
                focus_edge(to);
            }
        }
    };
    // An edge focused by a click belongs to its source node unless it touches the focused one.
    let on_edge_focus = move |k: usize, from: usize, to: usize| {
        edge_at.set(Some(k));
        if focused.get_untracked() != from && focused.get_untracked() != to {
            focused.set(from);
        }
        hover.set(Some(Hover::Edge(k)));
    };

    move || {
        let Some(gd) = data.get() else {
            return ().into_any();
        };
        if gd.nodes.is_empty() {
            return view! { <p class="an-note">"No spans in this scope."</p> }.into_any();
        }
        let ends = Arc::new(gd.ends());
        if focused.get_untracked() >= gd.nodes.len() {
            focused.set(0);
        }
        if edge_at.get_untracked().is_some_and(|k| k >= gd.edges.len()) {
            edge_at.set(None);
        }
        let max_calls = gd.edges.iter().map(|e| e.calls).max().unwrap_or(1);
        let edges = gd
            .edges
            .iter()
            .enumerate()
            .map(|(k, e)| {
                let path = gd.layout.edges.get(k).map(|p| edge_path_d(&p.points_px)).unwrap_or_default();
                let back = gd.layout.edges.get(k).map(|p| p.reversed).unwrap_or(false);
                let width_px = edge_width_px(e.calls, max_calls);
                let width = format!("{width_px:.2}px");
                let (from, to) = (e.from, e.to);
                let has_err = e.errors > 0;
                let state = move || edge_emphasis(hover.get(), k, from, to);
                view! {
                    <g class="graph-edge" class:err=has_err class:back=back
                        class:hi=move || state() == Emphasis::Highlight class:dim=move || state() == Emphasis::Dim
                        data-testid="graph-edge" data-from=gd.nodes.get(from).map(|n| n.id.clone()) data-to=gd.nodes.get(to).map(|n| n.id.clone())
                        role="button" id=edge_id(k) aria-label=edge_name(&gd.nodes, e) tabindex=move || if edge_at.get() == Some(k) { "0" } else { "-1" }
                        on:mouseenter=move |_| hover.set(Some(Hover::Edge(k)))
                        on:mouseleave=move |_| hover.set(None)
                        on:focus=move |_| on_edge_focus(k, from, to)
                        on:blur=move |_| hover.set(None)
                        on:keydown=move |ev| on_edge_key(k, ev)
                        on:click=move |_| click_edge(k)>
                        <title>{edge_title(&gd.nodes, e)}</title>
                        // The focus ring: a dark band around the line, a gap of background inside it.
                        <path class="focus-ring" d=path.clone() stroke-width=format!("{:.2}px", width_px + 9.0)></path>
                        <path class="focus-gap" d=path.clone() stroke-width=format!("{:.2}px", width_px + 4.0)></path>
                        <path class="line" d=path.clone() stroke-width=width marker-end="url(#clew-arrow)"></path>
                        <path class="hit" d=path></path>
                    </g>
                }
            })
            .collect_view();
        let nodes = gd
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let b = gd.layout.nodes.get(i).copied().unwrap_or_default();
                let near_i = gd.near.get(i).cloned().unwrap_or_default();
                let ends = ends.clone();
                let state = Memo::new(move |_| node_emphasis(hover.get(), i, &near_i, &ends));
                let label = format::ellipsis(&n.label, max_label_chars);
                let cls = format!("graph-node kind-{}", n.kind);
                let has_err = n.errors > 0;
                let id = n.id.clone();
                let picked = move || st.picked.with(|p| p.as_ref().is_some_and(|p| p.id == id));
                view! {
                    <g class=cls class:err=has_err class:picked=picked
                        class:hi=move || state.get() == Emphasis::Highlight class:dim=move || state.get() == Emphasis::Dim
                        data-testid="graph-node" data-id=n.id.clone() data-kind=n.kind.clone()
                        transform=format!("translate({:.1},{:.1})", b.x_px, b.y_px)
                        role="button" id=node_id(i) aria-label=node_name(n)
                        tabindex=move || if focused.get() == i && edge_at.get().is_none() { "0" } else { "-1" }
                        on:mouseenter=move |_| hover.set(Some(Hover::Node(i)))
                        on:mouseleave=move |_| hover.set(None)
                        on:focus=move |_| { focused.set(i); edge_at.set(None); hover.set(Some(Hover::Node(i))) }
                        on:blur=move |_| hover.set(None)
                        on:keydown=move |ev| on_node_key(i, ev)
                        on:click=move |_| click_node(i)>
                        <title>{node_title(n)}</title>
                        <rect class="focus-ring" x="-4" y="-4" width=format!("{:.1}", b.width_px + 8.0) height=format!("{:.1}", b.height_px + 8.0) rx="9"></rect>
                        <rect width=format!("{:.1}", b.width_px) height=format!("{:.1}", b.height_px) rx="6"></rect>
                        <text x=format!("{:.1}", b.width_px / 2.0) y=format!("{:.1}", b.height_px / 2.0 + 4.0) text-anchor="middle">{label}</text>
                    </g>
                }
            })
            .collect_view();
        view! {
            <svg class="an-graph" class:dragging=move || drag.get().is_some() && moved.get() node_ref=svg_ref
                viewBox=move || st.view_box().attr() preserveAspectRatio="xMidYMid meet" role="group"
                aria-label="Dependency graph: arrow keys move between nodes, Tab enters a node's edges, Enter shows the spans of a node or edge" aria-describedby="graph-summary"
                on:wheel=on_wheel on:mousedown=on_down on:mousemove=on_move on:mouseup=on_up on:mouseleave=on_up>
                <defs>
                    <marker id="clew-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse">
                        <path d="M0,0 L10,5 L0,10 z"></path>
                    </marker>
                </defs>
                <g class="edges">{edges}</g>
                <g class="nodes">{nodes}</g>
            </svg>
            <p class="visually-hidden" id="graph-summary">{graph_summary(&gd)}</p>
        }
        .into_any()
    }
}
