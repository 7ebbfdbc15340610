//! The comparisons of the list page, answered by the worker: two traces (A/B) as one
//! tree keyed by `service/operation` path, and two cohorts path by path with each
//! path's share of the difference in trace duration (its exclusive critical-path time).
//! Both are virtual lists; a click on an A/B node's A or B button opens that span.

use leptos::prelude::*;

use super::{open_span, ListMode};
use crate::analysis::many::cohort::{CohortDiff, CohortRow};
use crate::analysis::many::diff::{DiffRow, Presence};
use crate::format;
use crate::ui::context::use_ui;
use crate::ui::lists::ScrollWindow;
use crate::ui::offload::channel::{channel, Channel};
use crate::view_model::list_window::ListGeometry;
use crate::view_model::tabs::traces::CohortRequest;
use crate::view_model::tabs::{Request, Response};

/// Height of a comparison row, px.
const ROW_PX: f64 = 26.0;
const HEAD_PX: f64 = 30.0;

/// A signed duration with its sign: `+12 ms`, `-3 ms`, `0`.
fn signed(ns: f64) -> String {
    let r = ns.round();
    if r > 0.0 {
        format!("+{}", format::duration(r as u64))
    } else if r < 0.0 {
        format!("-{}", format::duration((-r) as u64))
    } else {
        "0".to_string()
    }
}

fn opt_dur(ns: Option<f64>) -> String {
    ns.map(dur).unwrap_or_else(|| "—".into())
}

/// A duration, `0` for none.
fn dur(ns: f64) -> String {
    if ns.round() <= 0.0 { "0".to_string() } else { format::duration(ns.round() as u64) }
}

/// The class of a change: `d-slow1..3` slower, `d-fast1..3` faster, `d-same` about equal.
fn change_class(ratio: Option<f64>) -> &'static str {
    match ratio {
        None => "d-none",
        Some(r) if r > 1.0 => "d-slow3",
        Some(r) if r > 0.25 => "d-slow2",
        Some(r) if r > 0.05 => "d-slow1",
        Some(r) if r < -0.5 => "d-fast3",
        Some(r) if r < -0.2 => "d-fast2",
        Some(r) if r < -0.05 => "d-fast1",
        _ => "d-same",
    }
}

/// A virtual list of `total` rows under a fixed header row.
#[component]
fn VRows(
    #[prop(into)] testid: String,
    #[prop(into)] label: String,
    #[prop(into)] total: Signal<usize>,
    header: AnyView,
    row: fn(usize, Channel<Vec<DiffRow>>, Channel<CohortDiff>) -> AnyView,
    ab: Channel<Vec<DiffRow>>,
    cohort: Channel<CohortDiff>,
) -> impl IntoView {
    let sw = ScrollWindow::new(ListGeometry { row_px: ROW_PX, overscan_rows: 3 }, HEAD_PX, 400.0);
    let win = Memo::new(move |_| sw.window(total.get()));
    let drawn = move || {
        let w = win.get();
        let g = (ab.data.with(|d| d.as_ref().map(|d| d.0.as_ptr() as usize)), cohort.data.with(|d| d.as_ref().map(|d| d.rows.as_ptr() as usize)));
        (w.first..w.last).map(|i| (i, g)).collect::<Vec<_>>()
    };
    view! {
        <div class="tl-scroll cmp-scroll" data-testid=testid node_ref=sw.scroller on:scroll=move |_| sw.measure()
            tabindex="0" role="region" aria-label=label data-total=move || total.get()>
            <div class="tl-spacer" style=move || format!("height:{}px", HEAD_PX + win.get().total_px)>
                <table class="tl-table cmp-table" style=move || format!("top:{}px", win.get().top_px)>
                    <thead>{header}</thead>
                    <tbody><For each=drawn key=|k| *k children=move |(i, _)| row(i, ab, cohort)/></tbody>
                </table>
            </div>
        </div>
    }
}

fn ab_row(i: usize, ab: Channel<Vec<DiffRow>>, _: Channel<CohortDiff>) -> AnyView {
    let ui = use_ui();
    let Some(r) = ab.data.with_untracked(|d| d.as_ref().and_then(|d| d.get(i).cloned())) else { return ().into_any() };
    let presence = r.presence();
    let (tag, class) = match presence {
        Presence::OnlyA => ("only in A", "d-only-a"),
        Presence::OnlyB => ("only in B", "d-only-b"),
        Presence::Both => ("", change_class(r.change_ratio())),
    };
    let open = |span: Option<u32>, side: &'static str| {
        span.map(|s| {
            view! {
                <button class="link" data-testid=format!("ab-open-{side}") title=format!("Open this span in trace {}", side.to_uppercase())
                    on:click=move |_| open_span(ui, s)>{side.to_uppercase()}</button>
            }
        })
    };
    let count = if r.a.count == r.b.count { r.a.count.to_string() } else { format!("{} → {}", r.a.count, r.b.count) };
    view! {
        <tr data-testid="ab-row" data-row=i class=class data-presence=tag>
            <td class="c-path" title=r.path.join("\n")>
                <span style=format!("padding-left:{}px", r.depth * 14)>
                    <span class="tl-svc">{r.service.clone()}</span>" "{r.operation.clone()}
                </span>
                {(!tag.is_empty()).then(|| view! { <span class="tag">{tag}</span> })}
            </td>
            <td class="num">{count}</td>
            <td class="num">{(r.a.count > 0).then(|| format::duration(r.a.total_ns))}</td>
            <td class="num">{(r.b.count > 0).then(|| format::duration(r.b.total_ns))}</td>
            <td class="num delta">{signed(r.delta_total_ns() as f64)}</td>
            <td class="c-open">{open(r.a.first_span, "a")}" "{open(r.b.first_span, "b")}</td>
        </tr>
    }
    .into_any()
}

fn cohort_row(i: usize, _: Channel<Vec<DiffRow>>, cohort: Channel<CohortDiff>) -> AnyView {
    let Some((r, max)) = cohort.data.with_untracked(|d| {
        let d = d.as_ref()?;
        let max = d.rows.iter().map(|r| r.delta_critical_ns.abs()).fold(1.0f64, f64::max);
        Some((d.rows.get(i)?.clone(), max))
    }) else {
        return ().into_any();
    };
    let r: CohortRow = r;
    let off = r.slower_off_path();
    let pair = |a: String, b: String| if a == b { a } else { format!("{a} → {b}") };
    let fmt_count = |v: f64| if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.2}") };
    let last = r.path.last().cloned().unwrap_or_default();
    let bar_px = (r.delta_critical_ns.abs() / max * 60.0).min(60.0);
    let slower = r.delta_critical_ns > 0.0;
    view! {
        <tr data-testid="cohort-row" data-row=i class:off-path=off>
            <td class="c-path" title=r.path.join("\n")>
                <span style=format!("padding-left:{}px", r.path.len().saturating_sub(1) * 12)>{last}</span>
                {off.then(|| view! { <span class="tag" data-testid="cohort-offpath" title="Slower on average, but these spans ran beside a longer one: the traces did not wait for them">"off the critical path"</span> })}
            </td>
            <td class="num delta">
                <span class="an-share" class:faster={!slower} style=format!("width:{bar_px:.1}px")></span>
                {signed(r.delta_critical_ns)}
            </td>
            <td class="num">{pair(dur(r.a.critical_ns_per_trace), dur(r.b.critical_ns_per_trace))}</td>
            <td class="num">{r.delta_mean_ns.map(signed).unwrap_or_else(|| "—".into())}</td>
            <td class="num">{pair(opt_dur(r.a.mean_ns), opt_dur(r.b.mean_ns))}</td>
            <td class="num">{pair(opt_dur(r.a.p50_ns.map(|v| v as f64)), opt_dur(r.b.p50_ns.map(|v| v as f64)))}</td>
            <td class="num">{pair(opt_dur(r.a.p95_ns.map(|v| v as f64)), opt_dur(r.b.p95_ns.map(|v| v as f64)))}</td>
            <td class="num">{pair(fmt_count(r.a.count_per_trace), fmt_count(r.b.count_per_trace))}</td>
        </tr>
    }
    .into_any()
}

/// The bar above a comparison: its title, a state line and the way back to the list.
#[component]
fn CompareBar(#[prop(into)] title: String, #[prop(into)] testid: String, children: Children) -> impl IntoView {
    let ui = use_ui();
    view! {
        <div class="tl-bar cmp-bar" data-testid=testid>
            <h2>{title}</h2>
            {children()}
            <span class="spacer"></span>
            <button data-testid="compare-close" on:click=move |_| ui.list.mode.set(ListMode::List)>"Back to the list"</button>
        </div>
    }
}

fn progress<T: Send + Sync + 'static>(ch: Channel<T>, what: &'static str) -> impl IntoView {
    move || {
        if let Some(e) = ch.error() {
            view! { <p class="view-error" data-testid="view-error" role="alert">{e}</p> }.into_any()
        } else if ch.computing() {
            view! { <p class="muted" data-testid="view-progress">{what}</p> }.into_any()
        } else {
            ().into_any()
        }
    }
}

/// Two traces compared.
#[component]
pub fn AbView(a: usize, b: usize) -> impl IntoView {
    let ui = use_ui();
    let ab = channel(ui.app, move || Some(Request::Diff { a, b }), |r| match r {
        Response::Diff(d) => Some(d),
        _ => None,
    });
    let cohort: Channel<CohortDiff> = Channel { data: RwSignal::new(None), phase: RwSignal::new(crate::ui::offload::channel::Phase::Idle) };
    let total = Signal::derive(move || ab.data.with(|d| d.as_ref().map(|d| d.len()).unwrap_or(0)));
    let name = move |t: usize| {
        ui.app.loaded.with(|l| {
            let set = &l.as_ref()?.set;
            let tr = set.traces.get(t)?;
            let root = set.spans.get(tr.root as usize)?;
            Some(format!("{} · {} ({})", set.service_of(root), set.name_of(root), format::duration(tr.duration_ns)))
        })
    };
    let header = view! {
        <tr><th>"service / operation (merged by path)"</th><th class="num">"count A → B"</th><th class="num">"total A"</th>
            <th class="num">"total B"</th><th class="num">"B − A"</th><th>"open"</th></tr>
    }
    .into_any();
    view! {
        <div class="cmp-view" data-testid="ab-view" data-ready=move || ab.painted().then_some("1") aria-busy=move || ab.computing().then_some("true")>
            <CompareBar title="Compare two traces" testid="ab-bar">
                <span class="cmp-legend"><b>"A"</b>" "{move || name(a)}" · "<b>"B"</b>" "{move || name(b)}</span>
            </CompareBar>
            <p class="an-note">"Spans are merged by their path from the root (service/operation at each level). Red rows got slower in B, green faster; “only in A/B” paths exist in one trace."</p>
            {progress(ab, "Comparing the two traces…")}
            <VRows testid="ab-rows" label="Comparison of two traces" total=total header=header row=ab_row ab=ab cohort=cohort/>
        </div>
    }
}

/// Two cohorts compared.
#[component]
pub fn CohortView(req: CohortRequest) -> impl IntoView {
    let ui = use_ui();
    let title = match &req {
        CohortRequest::Slowest { percent, .. } => format!("Slowest {percent}% vs the rest"),
        CohortRequest::Filters { a, b } => format!("“{a}” vs “{b}”"),
        CohortRequest::Traces { .. } => "Brushed traces vs the rest".to_string(),
    };
    let r2 = req.clone();
    let cohort = channel(ui.app, move || Some(Request::Cohort(r2.clone())), |r| match r {
        Response::Cohort(d) => Some(d),
        _ => None,
    });
    let ab: Channel<Vec<DiffRow>> = Channel { data: RwSignal::new(None), phase: RwSignal::new(crate::ui::offload::channel::Phase::Idle) };
    let total = Signal::derive(move || cohort.data.with(|d| d.as_ref().map(|d| d.rows.len()).unwrap_or(0)));
    let summary = move || {
        cohort.data.with(|d| {
            let d = d.as_ref()?;
            let off = d.rows.iter().filter(|r| r.slower_off_path()).count();
            Some(format!(
                "A: {}, mean {} · B: {}, mean {} · B − A: {} per trace{}",
                format::count(d.a.traces as u64, "trace"),
                format::duration(d.a.mean_duration_ns.round() as u64),
                format::count(d.b.traces as u64, "trace"),
                format::duration(d.b.mean_duration_ns.round() as u64),
                signed(d.delta_duration_ns),
                if off > 0 { format!(" · {off} paths slower but off the critical path") } else { String::new() }
            ))
        })
    };
    let header = view! {
        <tr><th>"path (service/operation)"</th><th class="num" title="Difference in critical-path time per trace: this path's share of B − A">"Δ critical / trace"</th>
            <th class="num">"critical / trace A → B"</th><th class="num">"Δ mean"</th><th class="num">"mean A → B"</th>
            <th class="num">"p50 A → B"</th><th class="num">"p95 A → B"</th><th class="num">"count / trace"</th></tr>
    }
    .into_any();
    view! {
        <div class="cmp-view" data-testid="cohort-view" data-ready=move || cohort.painted().then_some("1") aria-busy=move || cohort.computing().then_some("true")>
            <CompareBar title=title testid="cohort-bar">
                <span class="cmp-legend" data-testid="cohort-summary">{summary}</span>
            </CompareBar>
            <p class="an-note">"Rows are sorted by the change in each path's exclusive critical-path time per trace; these add up to the change in mean trace duration. A path that got slower but ran beside a longer sibling adds about nothing: it is marked “off the critical path”."</p>
            {progress(cohort, "Comparing the two groups…")}
            <VRows testid="cohort-rows" label="Cohort comparison" total=total header=header row=cohort_row ab=ab cohort=cohort/>
        </div>
    }
}
