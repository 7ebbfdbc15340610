//! The aggregate flame graph of the listed traces: the worker merges their spans by
//! `service/operation` path (`analysis::many::aggregate`); the page lays the paths out
//! with `view_model::flame` (one element per frame, narrow frames merged) and draws
//! them. Width is total time; the tooltip adds self time. A click zooms into a frame
//! and lists the spans behind it; a span opens in its trace.

use leptos::prelude::*;

use super::{open_span, track_width};
use crate::format;
use crate::ui::context::use_ui;
use crate::ui::offload::channel::channel;
use crate::ui::util::Shared;
use crate::view_model::contrast::text_on;
use crate::view_model::flame::{FlameLayout, FlameViewport};
use crate::view_model::palette;
use crate::view_model::tabs::traces::aggregate_tree;
use crate::view_model::tabs::{Request, Response};

/// Height of a row of frames, px.
const FRAME_PX: f64 = 22.0;
/// Most frames and slivers drawn at once.
const MAX_FRAMES: usize = 600;
/// Most spans listed under the graph.
const MAX_LISTED: usize = 40;

#[component]
pub fn FlameView() -> impl IntoView {
    let ui = use_ui();
    let traces = Memo::new(move |_| ui.list.order());
    let data = channel(ui.app, move || Some(Request::AggregateFlame { traces: traces.get().to_vec() }), |r| match r {
        Response::AggregateFlame(d) => Some(d),
        _ => None,
    });
    let tree = Memo::new(move |_| data.data.with(|d| Shared::new(d.as_ref().map(|d| aggregate_tree(&d.paths)).unwrap_or_default())));
    let zoom = RwSignal::new(None::<u32>);
    let picked = RwSignal::new(None::<usize>);
    let wrap = NodeRef::<leptos::html::Div>::new();
    let width = track_width(wrap, 1000.0);
    let layout = Memo::new(move |_| {
        let view = FlameViewport { zoom: zoom.get(), width_px: width.get(), max_items: MAX_FRAMES, ..FlameViewport::default() };
        tree.with(|t| Shared::new(FlameLayout::new(t, &view)))
    });
    let spans = channel(
        ui.app,
        move || picked.get().map(|path| Request::AggregateFlameSpans { traces: traces.get().to_vec(), path }),
        |r| match r {
            Response::Spans(v) => Some(v),
            _ => None,
        },
    );
    let frames = move || {
        let l = layout.get();
        let (paths, colors) = data.data.with(|d| {
            let Some(d) = d.as_ref() else { return (Vec::new(), Vec::new()) };
            let slots = palette::assign(d.paths.iter().map(|p| p.service.as_str()));
            let colors = d.paths.iter().map(|p| palette::color(slots.get(&p.service).copied().unwrap_or(0))).collect();
            (d.paths.clone(), colors)
        });
        let mut out: Vec<AnyView> = l
            .frames
            .iter()
            .filter_map(|f| {
                let p = paths.get(f.node as usize)?;
                let bg = colors.get(f.node as usize).copied().unwrap_or("#888888");
                let name = format!("{}/{}", p.service, p.operation);
                let title = format!(
                    "{name}\ntotal {} · self {} · {} in {}",
                    format::duration(p.total_ns),
                    format::duration(p.self_ns),
                    format::count(p.spans as u64, "span"),
                    format::count(p.traces as u64, "trace")
                );
                let node = f.node;
                let style = format!(
                    "left:{:.1}px;top:{:.0}px;width:{:.1}px;background:{bg};color:{}",
                    f.x_px,
                    f.row as f64 * FRAME_PX,
                    (f.width_px - 1.0).max(1.0),
                    text_on(bg)
                );
                let label = (f.width_px > 36.0).then(|| name.clone());
                Some(
                    view! {
                        <button class="fl-frame" data-testid="flame-frame" data-path=node style=style title=title.clone() aria-label=title
                            class:picked=move || picked.get() == Some(node as usize)
                            on:click=move |_| { picked.set(Some(node as usize)); zoom.set(Some(node)); }>{label}</button>
                    }
                    .into_any(),
                )
            })
            .collect();
        out.extend(l.others.iter().map(|o| {
            let style = format!("left:{:.1}px;top:{:.0}px;width:{:.1}px", o.x_px, o.row as f64 * FRAME_PX, o.width_px.max(1.0));
            view! { <span class="fl-other" aria-hidden="true" style=style title=format!("{} narrow paths", o.nodes)></span> }.into_any()
        }));
        out
    };
    let height = move || layout.with(|l| l.rows_total as f64 * FRAME_PX).max(FRAME_PX);
    let picked_text = move || {
        let path = picked.get()?;
        data.data.with(|d| {
            let p = d.as_ref()?.paths.get(path)?;
            Some(format!(
                "{}/{}: {} in {}, total {}, self {}",
                p.service,
                p.operation,
                format::count(p.spans as u64, "span"),
                format::count(p.traces as u64, "trace"),
                format::duration(p.total_ns),
                format::duration(p.self_ns)
            ))
        })
    };
    let span_rows = move || {
        let list = spans.data.get()?;
        let rows = ui.app.loaded.with(|l| {
            let set = &l.as_ref()?.set;
            Some(
                list.iter()
                    .take(MAX_LISTED)
                    .filter_map(|&s| {
                        let sp = set.spans.get(s as usize)?;
                        let t = set.traces.get(sp.trace as usize)?;
                        Some((s, format!("{} · {} · {}", format::utc_datetime(t.start_ns), t.trace_id.to_text(&set.strings), format::duration(sp.duration_ns))))
                    })
                    .collect::<Vec<_>>(),
            )
        })?;
        Some(view! {
            <ul class="fl-spans" data-testid="flame-spans">
                {rows.into_iter().map(|(s, text)| view! {
                    <li><button class="link" data-testid="flame-span" on:click=move |_| open_span(ui, s)>{text}</button></li>
                }).collect_view()}
            </ul>
        })
    };
    view! {
        <div class="cmp-view" data-testid="flame-view" data-ready=move || data.painted().then_some("1") aria-busy=move || data.computing().then_some("true")>
            <div class="tl-bar cmp-bar">
                <h2>{move || format!("Where the time goes in {}", format::count(traces.with(|t| t.len()) as u64, "trace"))}</h2>
                <span class="cmp-legend">"Merged by path · width: total time · hover: self time · click: zoom, list spans"</span>
                <span class="spacer"></span>
                <button data-testid="flame-reset" disabled=move || zoom.get().is_none() on:click=move |_| { zoom.set(None); picked.set(None); }>"Reset zoom"</button>
                <button data-testid="compare-close" on:click=move |_| ui.list.mode.set(super::ListMode::List)>"Back to the list"</button>
            </div>
            <div class="fl-scroll">
                <div class="fl-graph" data-testid="aggregate-flame-graph" node_ref=wrap style=move || format!("height:{}px", height())>{frames}</div>
            </div>
            <p class="an-note" data-testid="flame-picked">{picked_text}</p>
            {span_rows}
        </div>
    }
}
