//! The page's side of the analysis requests: views send a request about a loaded set
//! ([`ask`]) to the worker (the parse worker, which keeps the set of the last load) and
//! get each answer, decoded, through a callback. The loader owns the worker; it passes
//! the worker's answers here ([`on_answer`]) and says when the worker went away
//! ([`worker_gone`]).
//!
//! An answer computed from another set than the one asked about is dropped: the view
//! asks again once the page shows that set.

use std::cell::RefCell;
use std::collections::HashMap;

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::ui::loader;
use crate::ui::util::set;
use crate::view_model::tabs::{decode, encode, Request, Response};

/// What a view does with an answer: the response, or why there is none.
type OnAnswer = Box<dyn FnOnce(Result<Response, String>)>;

thread_local! {
    /// Callbacks by request id, with the load id asked about.
    static WAITING: RefCell<HashMap<u64, (f64, OnAnswer)>> = RefCell::new(HashMap::new());
    static NEXT_ID: RefCell<u64> = const { RefCell::new(0) };
}

/// A fresh request id.
pub fn new_id() -> u64 {
    NEXT_ID.with(|n| {
        let mut n = n.borrow_mut();
        *n += 1;
        *n
    })
}

/// Sends `req` about load `load_id` as request `id` (from [`new_id`]); `on_answer` gets
/// the response, or why there is none (at once when the worker is not running).
pub fn ask(id: u64, load_id: f64, req: &Request, on_answer: impl FnOnce(Result<Response, String>) + 'static) {
    let o = Object::new();
    set(&o, "kind", &"analyze".into());
    set(&o, "id", &(id as f64).into());
    set(&o, "load_id", &load_id.into());
    set(&o, "request", &encode(req).into());
    WAITING.with(|w| w.borrow_mut().insert(id, (load_id, Box::new(on_answer))));
    if !loader::post_to_worker(&o, &js_sys::Array::new())
        && let Some((_, f)) = WAITING.with(|w| w.borrow_mut().remove(&id)) {
            f(Err("The background worker is not running. Load the file again to see this view.".into()));
        }
}

/// Drops the callback of a request whose answer is no longer wanted.
pub fn forget(id: u64) {
    WAITING.with(|w| w.borrow_mut().remove(&id));
}

/// Takes an `answer` message of the worker: runs the request's callback, unless the
/// answer is about another set or no longer wanted.
pub fn on_answer(data: &JsValue) {
    let get = |k: &str| Reflect::get(data, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
    let id = get("id").as_f64().unwrap_or(0.0) as u64;
    let Some((asked, f)) = WAITING.with(|w| w.borrow_mut().remove(&id)) else { return };
    if get("load_id").as_f64() != Some(asked) {
        return; // computed from another set: the view asks again for its own
    }
    let text = get("response").as_string().unwrap_or_default();
    f(decode::<Response>(&text).map_err(|e| format!("The analysis answer could not be read: {e}")));
}

/// The worker went away: a crash fails the waiting requests with `why`; a worker
/// replaced for the next load (`None`) drops them, as the views ask again then.
pub fn worker_gone(why: Option<String>) {
    let waiting: Vec<OnAnswer> = WAITING.with(|w| w.borrow_mut().drain().map(|(_, (_, f))| f).collect());
    if let Some(why) = why {
        for f in waiting {
            f(Err(why.clone()));
        }
    }
}
