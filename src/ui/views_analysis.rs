//! The analysis views (wasm32 only): the loaded set and selected trace (from
//! [`AppState`]) in; four tabs out — [`CriticalPathView`], [`GraphView`],
//! [`PatternsView`], [`StatsView`]. Every fact comes from `analysis` and
//! every position from `view_model::graph_layout`; this file renders and wires events.
//!
//! * User-derived text (service and span names, messages) is always a text node.
//!   Only the chart SVG from `analysis::charts` (plotters, labels escaped) is
//!   set with `inner_html`.
//! * Clicking a row, finding, node or edge jumps to a span or sets the waterfall's
//!   span filter (`AppState::span_filter`) and switches to the waterfall tab.

use std::sync::Arc;

use leptos::ev;
use leptos::prelude::*;

use crate::analysis::charts::{latency_histogram_svg, self_time_by_service_svg, ChartTheme};
use crate::analysis::critical_path::{critical_path, percent_of};
use crate::analysis::patterns::{patterns, Finding, PatternConfig, PatternKind};
use crate::analysis::service_graph::{dependency_graph, DependencyGraph, NodeKind};
use crate::analysis::stats::{self, GroupBy, Scope, SortDir, StatColumn, StatRow};
use crate::format;
use crate::model::TraceSet;
use crate::ui::context::dark_theme;
use crate::ui::state::{AppState, Tab};
use crate::ui::util::Shared;
use crate::view_model::graph_layout::{edge_path_d, layout_dependency_graph, GraphLayout, LayoutConfig};

/// Chart colors matching the app's theme variables.
fn chart_theme(dark: bool) -> ChartTheme {
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

fn no_data(testid: &'static str) -> AnyView {
    view! { <div class="an-view view-pane" data-testid=testid><p class="an-note">"Load a trace to see this view."</p></div> }.into_any()
}

fn op_name(set: &TraceSet, span: u32) -> (String, String) {
    set.spans
        .get(span as usize)
        .map(|s| (set.service_of(s).to_string(), set.name_of(s).to_string()))
        .unwrap_or_default()
}

/// Filters the waterfall to `spans` (kept to one trace: the current one when it has
/// any of them, else the trace of the first), labels the filter and shows the waterfall.
fn filter_waterfall(app: AppState, set: &TraceSet, spans: &[u32], label: String) {
    let Some(&first) = spans.first() else { return };
    let current = app.trace.get_untracked();
    let trace = if spans.iter().any(|&s| set.spans.get(s as usize).map(|x| x.trace as usize) == Some(current)) {
        current
    } else {
        set.spans.get(first as usize).map(|s| s.trace as usize).unwrap_or(current)
    };
    let keep: Vec<u32> = spans.iter().copied().filter(|&s| set.spans.get(s as usize).map(|x| x.trace as usize) == Some(trace)).collect();
    if trace != current {
        app.trace.set(trace);
    }
    app.selected.set(None);
    app.span_filter.set(Some(Arc::new(keep)));
    app.span_filter_label.set(label);
    app.tab.set(Tab::Waterfall);
}

// ───────────────────────────── critical path ─────────────────────────────

const MAX_ROWS: usize = 2_000;

/// The critical path of the selected trace: contributors and segments; click a row
/// to jump to its span.
#[component]
pub fn CriticalPathView() -> impl IntoView {
    let Some(app) = use_context::<AppState>() else { return no_data("critical-path-view") };
    let data = Memo::new(move |_| {
        let loaded = app.loaded.get()?;
        let t = app.trace.get();
        let cp = critical_path(&loaded.set, t);
        Some((Shared(loaded), Shared::new(cp)))
    });
    let body = move || {
        let Some((loaded, cp)) = data.get() else {
            return view! { <p class="an-note">"Load a trace to see its critical path."</p> }.into_any();
        };
        let set = &loaded.set;
        let Some(t) = set.traces.get(cp.trace) else {
            return view! { <p class="an-note">"No trace selected."</p> }.into_any();
        };
        let t0 = t.start_ns;
        let summary = format!(
            "{} spans on the path, {} segments, trace {}",
            cp.contributions.len(),
            cp.segments.len(),
            format::duration(cp.trace_duration_ns)
        );
        let contrib_rows = cp
            .contributions
            .iter()
            .take(MAX_ROWS)
            .map(|c| {
                let (svc, name) = op_name(set, c.span);
                let span = c.span;
                let width = format!("width:{:.1}px", (c.percent * 1.2).clamp(0.0, 120.0));
                view! {
                    <tr class="clickable" data-testid="critical-path-contrib" title="Show in the waterfall" on:click=move |_| app.jump_to_span(span)>
                        <td class="name">{svc}</td>
                        <td class="name">{name}</td>
                        <td class="num">{format::duration(c.contribution_ns)}</td>
                        <td><span class="an-share" style=width></span>{format!("{:.1}%", c.percent)}</td>
                    </tr>
                }
            })
            .collect_view();
        let seg_rows = cp
            .segments
            .iter()
            .take(MAX_ROWS)
            .map(|g| {
                let (svc, name) = op_name(set, g.span);
                let span = g.span;
                let pct = percent_of(g.duration_ns(), cp.trace_duration_ns);
                view! {
                    <tr class="clickable" data-testid="critical-path-row" title="Show in the waterfall" on:click=move |_| app.jump_to_span(span)>
                        <td class="num">{format!("+{}", format::duration(g.start_ns.saturating_sub(t0)))}</td>
                        <td class="name">{svc}</td>
                        <td class="name">{name}</td>
                        <td class="num">{format::duration(g.duration_ns())}</td>
                        <td class="num">{format!("{pct:.1}%")}</td>
                    </tr>
                }
            })
            .collect_view();
        let cut = (cp.segments.len() > MAX_ROWS || cp.contributions.len() > MAX_ROWS)
            .then(|| view! { <p class="an-note">{format!("Showing the first {MAX_ROWS} rows.")}</p> });
        view! {
            <p class="an-note">{summary}</p>
            <h3>"Contribution by span"</h3>
            <div class="an-table-wrap">
                <table class="an-table">
                    <thead><tr><th>"service"</th><th>"operation"</th><th class="num">"on the path"</th><th>"% of trace"</th></tr></thead>
                    <tbody>{contrib_rows}</tbody>
                </table>
            </div>
            <h3>"Segments in time order"</h3>
            <div class="an-table-wrap">
                <table class="an-table" data-testid="critical-path-table">
                    <thead><tr><th class="num">"start"</th><th>"service"</th><th>"operation"</th><th class="num">"duration"</th><th class="num">"% of trace"</th></tr></thead>
                    <tbody>{seg_rows}</tbody>
                </table>
            </div>
            {cut}
        }
        .into_any()
    };
    view! {
        <div class="an-view view-pane" data-testid="critical-path-view">
            <div class="an-bar">
                <h2>"Critical path"</h2>
                <span class="an-note">"The chain of work that decides when the trace ends; a parent's own time is listed between its children."</span>
                <span class="spacer"></span>
                <label>
                    <input type="checkbox" data-testid="critical-path-highlight"
                        prop:checked=move || app.show_critical_path.get()
                        on:change=move |ev| app.show_critical_path.set(event_target_checked(&ev))/>
                    " Highlight in the waterfall"
                </label>
            </div>
            {body}
        </div>
    }
    .into_any()
}

// ───────────────────────────── graph ─────────────────────────────

#[derive(Clone, Copy, Debug, PartialEq)]
struct ViewBox {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Hover {
    Node(usize),
    Edge(usize),
}

struct GraphData {
    g: DependencyGraph,
    layout: GraphLayout,
    /// Per node: itself and its neighbours, ascending.
    near: Vec<Vec<usize>>,
    /// Edges before the min-calls / max-edges filters.
    total_edges: usize,
}

/// Edges drawn by default; denser graphs show their busiest edges.
const DEFAULT_MAX_EDGES: usize = 60;
/// Below this zoom the 12 px labels drop under ~8 px on screen; a larger graph opens at
/// this scale on its root side instead of fitted.
const MIN_READABLE_SCALE: f64 = 0.68;

fn fit(l: &GraphLayout) -> ViewBox {
    ViewBox { x: 0.0, y: 0.0, w: l.width_px.max(200.0), h: l.height_px.max(120.0) }
}

fn kind_class(k: NodeKind) -> &'static str {
    match k {
        NodeKind::Service => "kind-service",
        NodeKind::Database => "kind-database",
        NodeKind::Llm => "kind-llm",
        NodeKind::Messaging => "kind-messaging",
    }
}

fn short_label(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// The dependency graph: services, databases, LLM models and messaging destinations,
/// laid out in layers. Hover highlights neighbours, click filters the waterfall,
/// wheel zooms and drag pans.
#[component]
pub fn GraphView() -> impl IntoView {
    let Some(app) = use_context::<AppState>() else { return no_data("graph-view") };
    let all_traces = RwSignal::new(false);
    let min_calls = RwSignal::new(1u64);
    let max_edges = RwSignal::new(DEFAULT_MAX_EDGES);
    let hover = RwSignal::new(None::<Hover>);
    let vb = RwSignal::new(None::<ViewBox>);
    let drag = RwSignal::new(None::<(f64, f64, ViewBox, f64)>);
    let moved = RwSignal::new(false);
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();
    let cfg = LayoutConfig::default();
    let max_label_chars = cfg.max_label_chars;

    let data = Memo::new(move |_| {
        let loaded = app.loaded.get()?;
        let scope = if all_traces.get() { None } else { Some(app.trace.get()) };
        let mut g = dependency_graph(&loaded.set, scope);
        let min = min_calls.get();
        let total_edges = g.edges.len();
        if min > 1 {
            g.edges.retain(|e| e.calls >= min);
        }
        // Dense graphs keep the edges out of the trace roots and every node's busiest
        // incoming edge (its busiest outgoing one when it has none), so nothing is cut
        // off, then the busiest of the rest.
        let cap = max_edges.get().max(1);
        if g.edges.len() > cap {
            let mut order: Vec<usize> = (0..g.edges.len()).collect();
            order.sort_by(|&a, &b| {
                let (x, y) = (&g.edges[a], &g.edges[b]);
                y.calls.cmp(&x.calls).then(y.errors.cmp(&x.errors)).then(a.cmp(&b))
            });
            // Edges out of the trace roots always stay: they show where requests enter.
            let mut keep: Vec<bool> = g.edges.iter().map(|e| g.roots.contains(&e.from)).collect();
            let mut has_in = vec![false; g.nodes.len()];
            for (k, e) in g.edges.iter().enumerate() {
                if keep[k] {
                    has_in[e.to] = true;
                }
            }
            for &k in &order {
                let to = g.edges[k].to;
                if !has_in[to] {
                    has_in[to] = true;
                    keep[k] = true;
                }
            }
            let mut linked: Vec<bool> = has_in.clone();
            for &k in &order {
                let from = g.edges[k].from;
                if !linked[from] {
                    linked[from] = true;
                    keep[k] = true;
                }
            }
            let mut kept = keep.iter().filter(|&&x| x).count();
            for &k in &order {
                if kept >= cap {
                    break;
                }
                if !keep[k] {
                    keep[k] = true;
                    kept += 1;
                }
            }
            let mut k = 0;
            g.edges.retain(|_| {
                k += 1;
                keep[k - 1]
            });
        }
        let layout = layout_dependency_graph(&g, &cfg);
        let mut near: Vec<Vec<usize>> = (0..g.nodes.len()).map(|i| vec![i]).collect();
        for e in &g.edges {
            near[e.from].push(e.to);
            near[e.to].push(e.from);
        }
        for v in &mut near {
            v.sort_unstable();
            v.dedup();
        }
        Some((Shared(loaded), Shared::new(GraphData { g, layout, near, total_edges })))
    });
    // A new graph starts with nothing hovered, fitted — or, when fitting would make
    // labels too small to read, at a readable scale on its left (root) side.
    Effect::new(move |_| {
        let layout = data.with(|d| d.as_ref().map(|(_, gd)| (gd.layout.width_px, gd.layout.height_px)));
        let el = svg_ref.get();
        hover.set(None);
        let (Some((w, h)), Some(el)) = (layout, el) else {
            vb.set(None);
            return;
        };
        let r = el.get_bounding_client_rect();
        let (cw, ch) = (r.width(), r.height());
        let full = ViewBox { x: 0.0, y: 0.0, w: w.max(200.0), h: h.max(120.0) };
        let scale = if cw > 0.0 && ch > 0.0 { (cw / full.w).min(ch / full.h) } else { 1.0 };
        if scale >= MIN_READABLE_SCALE {
            vb.set(None);
        } else {
            let (vw, vh) = (cw / MIN_READABLE_SCALE, ch / MIN_READABLE_SCALE);
            vb.set(Some(ViewBox { x: 0.0, y: (full.h - vh) / 2.0, w: vw, h: vh }));
        }
    });
    let view_box = move || -> ViewBox {
        vb.get().or_else(|| data.with(|d| d.as_ref().map(|(_, gd)| fit(&gd.layout)))).unwrap_or(ViewBox { x: 0.0, y: 0.0, w: 400.0, h: 200.0 })
    };
    // Screen-to-graph mapping for preserveAspectRatio="xMidYMid meet".
    let mapping = move |v: ViewBox| -> Option<(f64, f64, f64, f64, f64)> {
        let el = svg_ref.get_untracked()?;
        let r = el.get_bounding_client_rect();
        let (cw, ch) = (r.width(), r.height());
        if cw <= 0.0 || ch <= 0.0 {
            return None;
        }
        let scale = (cw / v.w).min(ch / v.h);
        Some((r.left(), r.top(), scale, (cw - v.w * scale) / 2.0, (ch - v.h * scale) / 2.0))
    };
    let zoom_at = move |factor: f64, client: Option<(f64, f64)>| {
        let v = view_box();
        let Some(full) = data.with_untracked(|d| d.as_ref().map(|(_, gd)| fit(&gd.layout))) else { return };
        let new_w = (v.w * factor).clamp(full.w / 20.0, full.w * 4.0);
        let k = new_w / v.w;
        let (sx, sy) = match (client, mapping(v)) {
            (Some((cx, cy)), Some((left, top, scale, ox, oy))) => (v.x + (cx - left - ox) / scale, v.y + (cy - top - oy) / scale),
            _ => (v.x + v.w / 2.0, v.y + v.h / 2.0),
        };
        vb.set(Some(ViewBox { x: sx - (sx - v.x) * k, y: sy - (sy - v.y) * k, w: v.w * k, h: v.h * k }));
    };
    let on_wheel = move |ev: ev::WheelEvent| {
        ev.prevent_default();
        let unit = match ev.delta_mode() {
            1 => 16.0,
            2 => 400.0,
            _ => 1.0,
        };
        let f = (ev.delta_y() * unit * 0.0015).exp().clamp(0.5, 2.0);
        zoom_at(f, Some((ev.client_x() as f64, ev.client_y() as f64)));
    };
    let on_down = move |ev: ev::MouseEvent| {
        if ev.button() != 0 {
            return;
        }
        let v = view_box();
        let scale = mapping(v).map(|m| m.2).unwrap_or(1.0);
        moved.set(false);
        drag.set(Some((ev.client_x() as f64, ev.client_y() as f64, v, scale)));
    };
    let on_move = move |ev: ev::MouseEvent| {
        let Some((x0, y0, v, scale)) = drag.get_untracked() else { return };
        let (dx, dy) = (ev.client_x() as f64 - x0, ev.client_y() as f64 - y0);
        if dx.abs() + dy.abs() > 3.0 {
            moved.set(true);
        }
        if moved.get_untracked() {
            vb.set(Some(ViewBox { x: v.x - dx / scale, y: v.y - dy / scale, ..v }));
        }
    };
    let on_up = move |_| drag.set(None);

    let click_node = move |i: usize| {
        if moved.get_untracked() {
            return;
        }
        let Some((loaded, gd)) = data.get_untracked() else { return };
        let Some(n) = gd.g.nodes.get(i) else { return };
        filter_waterfall(app, &loaded.set, &n.spans, format!("{} {}", n.kind.as_str(), n.label));
    };
    let click_edge = move |k: usize| {
        if moved.get_untracked() {
            return;
        }
        let Some((loaded, gd)) = data.get_untracked() else { return };
        let Some(e) = gd.g.edges.get(k) else { return };
        let label = format!("edge {} → {}", gd.g.nodes[e.from].label, gd.g.nodes[e.to].label);
        filter_waterfall(app, &loaded.set, &e.spans, label);
    };

    let graph = move || {
        let Some((_, gd)) = data.get() else {
            return view! { <p class="an-note">"Load a trace to see its dependency graph."</p> }.into_any();
        };
        if gd.g.nodes.is_empty() {
            return view! { <p class="an-note">"No spans in this scope."</p> }.into_any();
        }
        let max_calls = gd.g.edges.iter().map(|e| e.calls).max().unwrap_or(1).max(1) as f64;
        let edges = gd
            .g
            .edges
            .iter()
            .enumerate()
            .map(|(k, e)| {
                let path = gd.layout.edges.get(k).map(|p| edge_path_d(&p.points_px)).unwrap_or_default();
                let back = gd.layout.edges.get(k).map(|p| p.reversed).unwrap_or(false);
                let width = format!("{:.2}px", 1.0 + 3.0 * ((e.calls as f64).ln_1p() / max_calls.ln_1p()));
                let (from, to) = (e.from, e.to);
                let has_err = e.errors > 0;
                let title = format!(
                    "{} → {}\n{} call{}, {} error{}\np50 {} · p95 {}",
                    gd.g.nodes[from].label,
                    gd.g.nodes[to].label,
                    e.calls,
                    if e.calls == 1 { "" } else { "s" },
                    e.errors,
                    if e.errors == 1 { "" } else { "s" },
                    format::duration(e.p50_ns),
                    format::duration(e.p95_ns)
                );
                let state = move || match hover.get() {
                    None => 0,
                    Some(Hover::Edge(h)) => if h == k { 1 } else { 2 },
                    Some(Hover::Node(n)) => if n == from || n == to { 1 } else { 2 },
                };
                view! {
                    <g class="graph-edge" class:err=has_err class:back=back class:hi=move || state() == 1 class:dim=move || state() == 2
                        data-testid="graph-edge" data-from=gd.g.nodes[from].id.clone() data-to=gd.g.nodes[to].id.clone()
                        on:mouseenter=move |_| hover.set(Some(Hover::Edge(k)))
                        on:mouseleave=move |_| hover.set(None)
                        on:click=move |_| click_edge(k)>
                        <title>{title}</title>
                        <path class="line" d=path.clone() stroke-width=width marker-end="url(#clew-arrow)"></path>
                        <path class="hit" d=path></path>
                    </g>
                }
            })
            .collect_view();
        let near = gd.near.clone();
        let nodes = gd
            .g
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let b = gd.layout.nodes[i];
                let near_i = near[i].clone();
                let edges_of: Vec<(usize, usize)> = gd.g.edges.iter().map(|e| (e.from, e.to)).collect();
                let state = Memo::new(move |_| match hover.get() {
                    None => 0,
                    Some(Hover::Node(h)) => if near_i.binary_search(&h).is_ok() { 1 } else { 2 },
                    Some(Hover::Edge(k)) => match edges_of.get(k) {
                        Some(&(a, c)) if a == i || c == i => 1,
                        _ => 2,
                    },
                });
                let label = short_label(&n.label, max_label_chars);
                let title = format!(
                    "{} ({})\n{} span{}{}\nclick: show in the waterfall",
                    n.label,
                    n.kind.as_str(),
                    n.spans.len(),
                    if n.spans.len() == 1 { "" } else { "s" },
                    if n.errors > 0 { format!(", {} with errors", n.errors) } else { String::new() }
                );
                let cls = format!("graph-node {}", kind_class(n.kind));
                let has_err = n.errors > 0;
                view! {
                    <g class=cls class:err=has_err class:hi=move || state.get() == 1 class:dim=move || state.get() == 2
                        data-testid="graph-node" data-id=n.id.clone() data-kind=n.kind.as_str()
                        transform=format!("translate({:.1},{:.1})", b.x_px, b.y_px)
                        on:mouseenter=move |_| hover.set(Some(Hover::Node(i)))
                        on:mouseleave=move |_| hover.set(None)
                        on:click=move |_| click_node(i)>
                        <title>{title}</title>
                        <rect width=format!("{:.1}", b.width_px) height=format!("{:.1}", b.height_px) rx="6"></rect>
                        <text x=format!("{:.1}", b.width_px / 2.0) y=format!("{:.1}", b.height_px / 2.0 + 4.0) text-anchor="middle">{label}</text>
                    </g>
                }
            })
            .collect_view();
        let vb_attr = move || {
            let v = view_box();
            format!("{:.1} {:.1} {:.1} {:.1}", v.x, v.y, v.w, v.h)
        };
        view! {
            <svg class="an-graph" class:dragging=move || drag.get().is_some() && moved.get() node_ref=svg_ref
                viewBox=vb_attr preserveAspectRatio="xMidYMid meet" role="img" aria-label="Dependency graph"
                on:wheel=on_wheel on:mousedown=on_down on:mousemove=on_move on:mouseup=on_up on:mouseleave=on_up>
                <defs>
                    <marker id="clew-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse">
                        <path d="M0,0 L10,5 L0,10 z"></path>
                    </marker>
                </defs>
                <g class="edges">{edges}</g>
                <g class="nodes">{nodes}</g>
            </svg>
        }
        .into_any()
    };

    // Details of what is hovered, as text.
    let info = move || {
        let h = hover.get()?;
        let (_, gd) = data.get()?;
        let text = match h {
            Hover::Node(i) => {
                let n = gd.g.nodes.get(i)?;
                let out: u64 = gd.g.edges.iter().filter(|e| e.from == i).map(|e| e.calls).sum();
                let inc: u64 = gd.g.edges.iter().filter(|e| e.to == i).map(|e| e.calls).sum();
                format!(
                    "{} · {} · {} span{} · {} error{} · calls in {} / out {}",
                    n.label,
                    n.kind.as_str(),
                    n.spans.len(),
                    if n.spans.len() == 1 { "" } else { "s" },
                    n.errors,
                    if n.errors == 1 { "" } else { "s" },
                    inc,
                    out
                )
            }
            Hover::Edge(k) => {
                let e = gd.g.edges.get(k)?;
                format!(
                    "{} → {} · {} call{} · {} error{} · p50 {} · p95 {}",
                    gd.g.nodes[e.from].label,
                    gd.g.nodes[e.to].label,
                    e.calls,
                    if e.calls == 1 { "" } else { "s" },
                    e.errors,
                    if e.errors == 1 { "" } else { "s" },
                    format::duration(e.p50_ns),
                    format::duration(e.p95_ns)
                )
            }
        };
        Some(view! { <div class="an-graph-info" data-testid="graph-info">{text}</div> })
    };
    let counts = move || {
        data.with(|d| {
            d.as_ref()
                .map(|(_, gd)| {
                    let hidden = gd.total_edges.saturating_sub(gd.g.edges.len());
                    format!(
                        "{} nodes, {} edges{}, {} crossings",
                        gd.g.nodes.len(),
                        gd.g.edges.len(),
                        if hidden > 0 { format!(" ({hidden} quieter edges hidden)") } else { String::new() },
                        gd.layout.crossings
                    )
                })
                .unwrap_or_default()
        })
    };

    view! {
        <div class="an-view view-pane" data-testid="graph-view">
            <div class="an-bar">
                <h2>"Dependency graph"</h2>
                <label title="Build the graph from the selected trace or from every loaded trace">
                    <input type="checkbox" data-testid="graph-all-traces"
                        prop:checked=move || all_traces.get()
                        on:change=move |ev| all_traces.set(event_target_checked(&ev))/>
                    " All loaded traces"
                </label>
                <label title="Hide edges with fewer calls (helps with dense graphs)">
                    "Min calls "
                    <input type="number" min="1" style="width:5em" data-testid="graph-min-calls"
                        prop:value=move || min_calls.get().to_string()
                        on:change=move |ev| {
                            if let Ok(v) = event_target_value(&ev).trim().parse::<u64>() {
                                min_calls.set(v.max(1));
                            }
                        }/>
                </label>
                <label title="Draw at most this many edges, the busiest first (dense graphs stay readable)">
                    "Max edges "
                    <input type="number" min="1" style="width:5em" data-testid="graph-max-edges"
                        prop:value=move || max_edges.get().to_string()
                        on:change=move |ev| {
                            if let Ok(v) = event_target_value(&ev).trim().parse::<usize>() {
                                max_edges.set(v.max(1));
                            }
                        }/>
                </label>
                <span class="an-note" data-testid="graph-counts">{counts}</span>
                <span class="spacer"></span>
                <div class="an-legend">
                    <span><span class="sw" style="border-color:var(--accent,#2563eb)"></span>"service"</span>
                    <span><span class="sw" style="border-color:#2b8a3e"></span>"database"</span>
                    <span><span class="sw" style="border-color:#8250df"></span>"LLM"</span>
                    <span><span class="sw" style="border-color:#d9480f"></span>"messaging"</span>
                    <span class="an-note">"red: errors · dashed: closes a cycle"</span>
                </div>
            </div>
            <div class="an-graph-wrap">
                {graph}
                {info}
                <div class="an-graph-tools">
                    <button title="Zoom in" aria-label="Zoom in" on:click=move |_| zoom_at(0.8, None)>"+"</button>
                    <button title="Zoom out" aria-label="Zoom out" on:click=move |_| zoom_at(1.25, None)>"−"</button>
                    <button title="Fit the graph" data-testid="graph-fit" on:click=move |_| vb.set(None)>"Fit"</button>
                </div>
            </div>
            <p class="an-note">"Hover to highlight neighbours; click a node or edge to show its spans in the waterfall. Wheel zooms, drag pans, Fit shows the whole graph."</p>
        </div>
    }
    .into_any()
}

// ───────────────────────────── patterns ─────────────────────────────

/// A number field of the thresholds form: `get` reads the shown value from the
/// config, `set` writes a parsed value back.
fn num_field(
    cfg: RwSignal<PatternConfig>,
    label: &'static str,
    testid: &'static str,
    get: fn(&PatternConfig) -> f64,
    set: fn(&mut PatternConfig, f64),
) -> impl IntoView {
    view! {
        <label>
            <span>{label}</span>
            <input type="number" min="0" step="any" data-testid=testid
                prop:value=move || {
                    let v = cfg.with(get);
                    if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v}") }
                }
                on:change=move |ev| {
                    if let Ok(v) = event_target_value(&ev).trim().parse::<f64>() {
                        if v.is_finite() && v >= 0.0 {
                            cfg.update(|c| set(c, v));
                        }
                    }
                }/>
        </label>
    }
}

fn ms(ns: u64) -> f64 {
    ns as f64 / 1e6
}
fn ns_of_ms(v: f64) -> u64 {
    (v * 1e6).round().max(0.0) as u64
}

/// Latency patterns of the selected trace, ranked by the time at stake, with an
/// editable thresholds form.
#[component]
pub fn PatternsView() -> impl IntoView {
    let Some(app) = use_context::<AppState>() else { return no_data("patterns-view") };
    let cfg = RwSignal::new(PatternConfig::default());
    let kind_filter = RwSignal::new(None::<PatternKind>);
    let data = Memo::new(move |_| {
        let loaded = app.loaded.get()?;
        let t = app.trace.get();
        let f = cfg.with(|c| patterns(&loaded.set, t, c));
        Some((Shared(loaded), Shared::new(f)))
    });
    let list = move || {
        let Some((loaded, findings)) = data.get() else {
            return view! { <p class="an-note">"Load a trace to see its latency patterns."</p> }.into_any();
        };
        let kf = kind_filter.get();
        let shown: Vec<Finding> = findings.iter().filter(|f| kf.is_none_or(|k| f.kind == k)).cloned().collect();
        if shown.is_empty() {
            return view! { <p class="an-note" data-testid="patterns-empty">"No findings with these thresholds."</p> }.into_any();
        }
        let items = shown
            .into_iter()
            .map(|f| {
                let first = f.spans.first().copied();
                let spans = f.spans.clone();
                let n = spans.len();
                let loaded2 = loaded.clone();
                let label = format!("{}: {} spans", f.kind.as_str(), n);
                view! {
                    <li class="pattern-item" data-testid="pattern-item" data-kind=f.kind.as_str() title="Jump to the first span"
                        on:click=move |_| if let Some(s) = first { app.jump_to_span(s) }>
                        <span class="kind">{f.kind.as_str()}</span>
                        <span class="impact">{format::duration(f.impact_ns)}</span>
                        <span class="msg">{f.message.clone()}</span>
                        <span class="acts">
                            <button title="Show only these spans in the waterfall"
                                on:click=move |ev| {
                                    ev.stop_propagation();
                                    filter_waterfall(app, &loaded2.set, &spans, label.clone());
                                }>{format!("{n} span{}", if n == 1 { "" } else { "s" })}</button>
                        </span>
                    </li>
                }
            })
            .collect_view();
        view! { <ol class="an-findings">{items}</ol> }.into_any()
    };
    let count = move || data.with(|d| d.as_ref().map(|(_, f)| format!("{} finding{}", f.len(), if f.len() == 1 { "" } else { "s" })).unwrap_or_default());
    let kinds = PatternKind::ALL
        .iter()
        .map(|k| {
            let name = k.as_str();
            view! { <option value=name>{name}</option> }
        })
        .collect_view();
    view! {
        <div class="an-view view-pane" data-testid="patterns-view">
            <div class="an-bar">
                <h2>"Latency patterns"</h2>
                <span class="an-note">{count}</span>
                <span class="spacer"></span>
                <label>
                    "Kind "
                    <select data-testid="patterns-kind" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        kind_filter.set(PatternKind::ALL.iter().copied().find(|k| k.as_str() == v));
                    }>
                        <option value="">"all"</option>
                        {kinds}
                    </select>
                </label>
            </div>
            <details class="an-thresholds">
                <summary>"Thresholds"</summary>
                <div class="an-form" data-testid="patterns-form">
                    {num_field(cfg, "N+1: similar siblings ≥", "cfg-n-plus-one", |c| c.n_plus_one_min as f64, |c, v| c.n_plus_one_min = v as usize)}
                    {num_field(cfg, "Gap: at least (ms)", "cfg-gap-ms", |c| ms(c.gap_min_ns), |c, v| c.gap_min_ns = ns_of_ms(v))}
                    {num_field(cfg, "Gap: at least (% of parent)", "cfg-gap-pct", |c| c.gap_min_percent, |c, v| c.gap_min_percent = v)}
                    {num_field(cfg, "Sequential: steps ≥", "cfg-seq-calls", |c| c.sequential_min_calls as f64, |c, v| c.sequential_min_calls = v as usize)}
                    {num_field(cfg, "Sequential: saving ≥ (ms)", "cfg-seq-ms", |c| ms(c.sequential_min_saving_ns), |c, v| c.sequential_min_saving_ns = ns_of_ms(v))}
                    {num_field(cfg, "Late start: wait ≥ (% of parent)", "cfg-late-pct", |c| c.late_start_min_percent, |c, v| c.late_start_min_percent = v)}
                    {num_field(cfg, "Late start: wait ≥ (ms)", "cfg-late-ms", |c| ms(c.late_start_min_ns), |c, v| c.late_start_min_ns = ns_of_ms(v))}
                    {num_field(cfg, "Late start: recurs ≥ (times)", "cfg-late-times", |c| c.late_start_min_occurrences as f64, |c, v| c.late_start_min_occurrences = v as usize)}
                    {num_field(cfg, "Retry storm: attempts ≥", "cfg-retry", |c| c.retry_storm_min as f64, |c, v| c.retry_storm_min = v as usize)}
                    {num_field(cfg, "Fan-out: concurrent ≥", "cfg-fan-out", |c| c.fan_out_min as f64, |c, v| c.fan_out_min = v as usize)}
                    {num_field(cfg, "Findings per kind ≤", "cfg-max", |c| c.max_per_kind as f64, |c, v| c.max_per_kind = v as usize)}
                    <button data-testid="cfg-reset" on:click=move |_| cfg.set(PatternConfig::default())>"Defaults"</button>
                </div>
            </details>
            <p class="an-note">"Ranked by the time at stake. Sequential findings are candidates: a trace cannot show whether one call needs another's result. Click a finding to jump to its span."</p>
            {list}
        </div>
    }
    .into_any()
}

// ───────────────────────────── stats ─────────────────────────────

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
        let theme = chart_theme(dark_theme());
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
                    <input type="checkbox" data-testid="stats-all-traces"
                        prop:checked=move || all_traces.get()
                        on:change=move |ev| all_traces.set(event_target_checked(&ev))/>
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
