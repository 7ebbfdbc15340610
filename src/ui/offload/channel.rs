//! A view's link to the worker: a tracked request in; the latest answer and
//! where it is ([`Phase`]) out, as signals. A new request supersedes the one in flight
//! (its answer is dropped); a new set asks again. Once an answer is on the page and a
//! frame has painted it, the phase is [`Phase::Painted`]: the view's `data-ready`.
//! A request that differs only in its row window (a scroll) keeps the phase, so a
//! table being scrolled stays ready while its rows arrive. A request about every loaded
//! trace is made over the traces the trace list keeps, by its filter and brush (`Request::filtered`).
//! A long list comes a page at a time ([`paged_channel`]).

use std::rc::Rc;

use leptos::prelude::*;

use crate::ui::offload::client;
use crate::ui::state::AppState;
use crate::ui::traces::ListState;
use crate::ui::util::{after_paint, Shared};
use crate::view_model::tabs::{Request, Response};

/// Where a channel's data is.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    /// Nothing to ask (no set loaded).
    Idle,
    /// A request with new parameters is on its way.
    Computing,
    /// Its answer is on the page, not yet painted.
    Answered,
    /// The answer has painted.
    Painted,
    Failed(String),
}

/// One kind of request of a view, and its answers.
pub struct Channel<T: Send + Sync + 'static> {
    /// The latest answer (kept, dimmed, while new parameters compute).
    pub data: RwSignal<Option<Shared<T>>>,
    pub phase: RwSignal<Phase>,
}

impl<T: Send + Sync + 'static> Clone for Channel<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Channel<T> {}

impl<T: Send + Sync + 'static> Channel<T> {
    /// The answer has painted (tracked).
    pub fn painted(&self) -> bool {
        self.phase.with(|p| *p == Phase::Painted)
    }
    /// New parameters are computing (tracked).
    pub fn computing(&self) -> bool {
        self.phase.with(|p| matches!(p, Phase::Computing))
    }
    /// Why there is no answer (tracked).
    pub fn error(&self) -> Option<String> {
        self.phase.with(|p| if let Phase::Failed(e) = p { Some(e.clone()) } else { None })
    }
}

/// The trace list, whose filter and brush [`narrowed`] reads; `None` while the context is
/// made. Call it when a view is built (event handlers have no context).
pub fn list_scope() -> Option<ListState> {
    use_context::<crate::ui::context::Ui>().map(|u| u.list)
}

/// `req` over the traces the list's filter and brush keep when it is set-wide and more
/// than one trace is loaded (tracked: the set, the filter and the brush).
pub fn narrowed(app: AppState, list: Option<ListState>, req: Request) -> Request {
    let many = app.loaded.with(|l| l.as_ref().is_some_and(|l| l.set.traces.len() > 1));
    req.filtered(&list.filter(|_| many).map(|l| l.scope()).unwrap_or_default())
}

/// Sends `request()` (tracked; `None` asks nothing) for the loaded set whenever it or
/// the set changes; `pick` takes the data out of the matching response.
pub fn channel<T: Send + Sync + 'static>(
    app: AppState,
    request: impl Fn() -> Option<Request> + 'static,
    pick: fn(Response) -> Option<T>,
) -> Channel<T> {
    let ch = Channel { data: RwSignal::new(None), phase: RwSignal::new(Phase::Idle) };
    // Set-wide requests follow the trace list's filter and brush (absent while the context is made).
    let list = list_scope();
    // The request in flight, for dropping its answer when a newer one is sent.
    let in_flight = StoredValue::new(None::<u64>);
    on_cleanup(move || {
        if let Some(id) = in_flight.try_get_value().flatten() {
            client::forget(id);
        }
    });
    Effect::new(move |prev: Option<Option<(f64, Request)>>| {
        let load_id = app.loaded.with(|l| l.as_ref().map(|l| l.load_id));
        let req = request().map(|r| narrowed(app, list, r));
        let (Some(load_id), Some(req)) = (load_id, req) else {
            if let Some(id) = in_flight.get_value() {
                client::forget(id);
                in_flight.set_value(None);
            }
            ch.data.set(None);
            ch.phase.set(Phase::Idle);
            return None;
        };
        let prev = prev.flatten();
        let phase = ch.phase.get_untracked();
        // The same request again (another signal it reads moved): nothing to do.
        let settled = !matches!(phase, Phase::Idle | Phase::Failed(_));
        if settled && prev.as_ref().is_some_and(|(l, r)| *l == load_id && *r == req) {
            return prev;
        }
        if let Some(id) = in_flight.get_value() {
            client::forget(id);
            in_flight.set_value(None);
        }
        let scroll_only = phase == Phase::Painted && prev.as_ref().is_some_and(|(l, r)| *l == load_id && r.params() == req.params());
        if !scroll_only {
            ch.phase.set(Phase::Computing);
        }
        ask_latest(ch.phase, in_flight, load_id, &req, pick, move |v| deliver(ch, v));
        Some((load_id, req))
    });
    ch
}

/// Puts an answer on the page; the phase becomes painted once a frame has shown it.
fn deliver<T: Send + Sync + 'static>(ch: Channel<T>, v: T) {
    ch.data.try_set(Some(Shared::new(v)));
    if ch.phase.try_get_untracked() != Some(Phase::Painted) {
        ch.phase.try_set(Phase::Answered);
        after_paint(move || {
            if ch.phase.try_get_untracked() == Some(Phase::Answered) {
                ch.phase.try_set(Phase::Painted);
            }
        });
    }
}

/// Asks for the items of one page of a request.
type PageRequest = Rc<dyn Fn(u32) -> Option<Request>>;
/// Takes `(total, items)` out of a page's response.
type PagePick<T> = fn(Response) -> Option<(u32, Vec<T>)>;

/// Like [`channel`], for a list asked a page at a time, so that no answer the page
/// decodes grows with the list: `request(from)` asks for the items from `from` on
/// (tracked when read with `from = 0`: new parameters start over), and `pick` takes
/// `(total, items)` out of each page's response. Each page is decoded in its own task;
/// the data is set once, when the last page is in.
pub fn paged_channel<T: Send + Sync + 'static>(
    app: AppState,
    request: impl Fn(u32) -> Option<Request> + 'static,
    pick: PagePick<T>,
) -> Channel<Vec<T>> {
    let ch = Channel { data: RwSignal::new(None), phase: RwSignal::new(Phase::Idle) };
    let in_flight = StoredValue::new(None::<u64>);
    on_cleanup(move || {
        if let Some(id) = in_flight.try_get_value().flatten() {
            client::forget(id);
        }
    });
    let request: PageRequest = Rc::new(request);
    Effect::new(move |prev: Option<Option<(f64, Request)>>| {
        let load_id = app.loaded.with(|l| l.as_ref().map(|l| l.load_id));
        let first = request(0);
        let forget = || {
            if let Some(id) = in_flight.get_value() {
                client::forget(id);
                in_flight.set_value(None);
            }
        };
        let (Some(load_id), Some(first)) = (load_id, first) else {
            forget();
            ch.data.set(None);
            ch.phase.set(Phase::Idle);
            return None;
        };
        let prev = prev.flatten();
        // The same request again (a signal it reads notified without a change): the pages
        // in flight go on.
        let settled = !matches!(ch.phase.get_untracked(), Phase::Idle | Phase::Failed(_));
        if settled && prev.as_ref().is_some_and(|(l, r)| *l == load_id && *r == first) {
            return prev;
        }
        forget();
        ch.phase.set(Phase::Computing);
        ask_page(ch, in_flight, load_id, request.clone(), pick, Vec::new());
        Some((load_id, first))
    });
    ch
}

/// Asks for the page after the items in `acc`; the answer asks for the next, until the last.
fn ask_page<T: Send + Sync + 'static>(
    ch: Channel<Vec<T>>,
    in_flight: StoredValue<Option<u64>>,
    load_id: f64,
    request: PageRequest,
    pick: PagePick<T>,
    mut acc: Vec<T>,
) {
    let Some(req) = untrack(|| request(acc.len() as u32)) else { return };
    ask_latest(ch.phase, in_flight, load_id, &req, pick, move |(total, items)| {
        let last = items.is_empty() || acc.len() + items.len() >= total as usize;
        acc.extend(items);
        if last {
            deliver(ch, acc);
        } else {
            ask_page(ch, in_flight, load_id, request, pick, acc);
        }
    });
}

/// Sends `req` as the one request in flight: its answer, taken out by `pick`, goes to
/// `then`, or `phase` fails with why there is none. The answer of a request no longer in
/// flight (a newer one was sent, or it was forgotten) is dropped.
fn ask_latest<T: 'static>(
    phase: RwSignal<Phase>,
    in_flight: StoredValue<Option<u64>>,
    load_id: f64,
    req: &Request,
    pick: fn(Response) -> Option<T>,
    then: impl FnOnce(T) + 'static,
) {
    let id = client::new_id();
    in_flight.set_value(Some(id));
    client::ask(id, load_id, req, move |res| {
        if in_flight.try_get_value().flatten() != Some(id) {
            return;
        }
        in_flight.try_set_value(None);
        let data = res.and_then(|r| match r {
            Response::Error(e) => Err(e),
            r => pick(r).ok_or_else(|| "The worker sent an answer of another kind.".to_string()),
        });
        match data {
            Ok(v) => then(v),
            Err(e) => {
                phase.try_set(Phase::Failed(e));
            }
        }
    });
}
