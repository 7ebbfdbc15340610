//! The analysis views (wasm32 only): the loaded set and selected trace (from
//! [`AppState`]) in; four tabs out — [`critical_path::CriticalPathView`],
//! [`graph::GraphView`], [`patterns::PatternsView`], [`stats::StatsView`]. Their data
//! comes from the worker (`ui::offload`) as display-ready rows, a window at a
//! time; these files render and wire events. This file holds what the views share:
//! the container with the test contract, the progress and error lines, jumps and
//! filters into the waterfall, the CSV export button.
//!
//! * Each view's container is `[data-testid="view-<tab>"]`; it carries `data-ready="1"`
//!   once its content for the current set has painted, and none while it computes. It
//!   opens with "Times adjusted for clock skew (N spans moved)" while the times are
//!   adjusted and spans moved (`ui::skew::SkewNote`).
//! * User-derived text (service and span names, messages) is always a text node.
//!   Only the chart SVG from `analysis::charts` (plotters, labels escaped) is
//!   set with `inner_html`.
//! * Clicking a row, finding, node or edge jumps to a span or sets the waterfall's
//!   span filter (`AppState::span_filter`) and switches to the waterfall tab.

pub mod critical_path;
pub mod flame;
pub mod graph;
pub mod patterns;
pub mod spans;
pub mod stats;

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::TraceSet;
use crate::ui::offload::{channel, client};
use crate::ui::skew::SkewNote;
use crate::ui::state::{AppState, Tab};
use crate::view_model::tabs::{Request, Response};

/// The container of a tab's view: `data-testid="view-<tab>"`, `data-ready="1"` when
/// `ready()`, and `aria-busy` while not.
pub fn view_pane(tab: Tab, class: &'static str, ready: impl Fn() -> bool + Send + Sync + Copy + 'static, children: impl IntoView + 'static) -> impl IntoView {
    view! {
        <div class=class data-testid=format!("view-{}", tab.name()) data-ready=move || ready().then_some("1")
            aria-busy=move || (!ready()).then_some("true")>
            <SkewNote/>
            {children}
        </div>
    }
}

/// A "Computing …" line while new data is on its way, or the error that stopped it.
pub fn progress_line(
    text: &'static str,
    computing: impl Fn() -> bool + Send + Sync + 'static,
    error: impl Fn() -> Option<String> + Send + Sync + 'static,
) -> impl IntoView {
    move || {
        if let Some(e) = error() {
            view! { <p class="an-error" role="alert" data-testid="view-error">{e}</p> }.into_any()
        } else if computing() {
            view! { <p class="an-progress" role="status" data-testid="view-progress"><span class="spinner" aria-hidden="true"></span>{text}</p> }.into_any()
        } else {
            ().into_any()
        }
    }
}

/// Asks the worker once about the loaded set and runs `then` with the answer (errors,
/// and answers that arrive once the page shows another set, are dropped).
pub fn ask_once(app: AppState, req: Request, then: impl FnOnce(Response) + 'static) {
    // A request that needs no set is asked about none while nothing is loaded.
    let load_id = app.loaded.with_untracked(|l| l.as_ref().map(|l| l.load_id));
    let Some(load_id) = load_id.or((!req.needs_set()).then_some(crate::ui::offload::host::NO_SET)) else { return };
    client::ask(client::new_id(), load_id, &req, move |res| {
        // Asked about a set the page no longer shows (a new load, or the clock-skew switch,
        // which re-sorts spans): its span indices mean nothing here.
        let now = app.loaded.try_with_untracked(|l| l.as_ref().map(|l| l.load_id)).flatten().unwrap_or(crate::ui::offload::host::NO_SET);
        if now != load_id {
            return;
        }
        match res {
            Ok(Response::Error(e)) | Err(e) => web_sys::console::warn_1(&e.into()),
            Ok(r) => then(r),
        }
    });
}

/// An "Export CSV" button (`data-testid=testid`, named `label` for screen readers):
/// `ask()` gives the request for the whole table as CSV (narrowed by the trace list's
/// filter and brush when set-wide, as the table is) and the file name; the worker's text is
/// downloaded under that name.
pub fn csv_button(app: AppState, testid: String, label: &'static str, ask: impl Fn() -> (Request, String) + 'static) -> impl IntoView {
    let list = channel::list_scope();
    let export = move |_| {
        let (req, name) = ask();
        let req = untrack(|| channel::narrowed(app, list, req));
        ask_once(app, req, move |r| {
            if let Response::Text(t) = r {
                crate::ui::util::download(&name, &t);
            }
        });
    };
    view! { <button data-testid=testid aria-label=label title="Download the whole table as CSV" on:click=export>"Export CSV"</button> }
}

/// Filters the waterfall to `spans` (kept to one trace: the current one when it has
/// any of them, else the trace of the first), labels the filter and shows the waterfall.
pub fn filter_waterfall(app: AppState, set: &TraceSet, spans: &[u32], label: String) {
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

/// [`filter_waterfall`] over the set on the page.
pub fn filter_loaded(app: AppState, spans: &[u32], label: String) {
    if let Some(l) = app.loaded.get_untracked() {
        filter_waterfall(app, &l.set, spans, label);
    }
}
