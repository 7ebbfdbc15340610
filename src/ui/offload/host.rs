//! The analysis side of the worker (runs inside the parse worker, which keeps the set of
//! the last load, `ui::worker::with_set`): requests in, answers out, computed with an
//! [`Answerer`] that keeps recent results for that set. Any message of another kind is
//! left to the parse worker.
//!
//! ```text
//! page ──{kind:"analyze", id, load_id, request}──▶ host   (request: JSON text)
//! page ◀──{kind:"answer", id, load_id, response, ms}      (response: JSON text)
//! ```
//!
//! An answer carries the load id of the set it was computed from; the page drops
//! answers for another set (while a newer load is read, or before the page shows it).

use std::cell::RefCell;

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::DedicatedWorkerGlobalScope;

use crate::ui::offload::text_measure;
use crate::ui::util::set;
use crate::ui::worker::with_set;
use crate::view_model::tabs::answer::Answerer;
use crate::view_model::tabs::{decode, encode, Request, Response};

thread_local! {
    /// The answerer of the set it was made for (by load id).
    static ANSWERER: RefCell<Option<(f64, Answerer)>> = const { RefCell::new(None) };
}

fn reply(o: &Object) {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    if let Err(e) = scope.post_message(o) {
        web_sys::console::error_2(&"clew worker: postMessage failed".into(), &e);
    }
}

/// Drops what was computed for the kept set (a new load is starting).
pub fn drop_results() {
    ANSWERER.with(|a| a.borrow_mut().take());
}

/// Handles a message meant for the analysis side; `false` leaves it to the caller.
pub fn handle(data: &JsValue) -> bool {
    let get = |k: &str| Reflect::get(data, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
    if get("kind").as_string().as_deref() != Some("analyze") {
        return false;
    }
    // The charts are drawn here: give them text measurement first.
    text_measure::install();
    analyze(get("id").as_f64().unwrap_or(0.0), get("request").as_string().unwrap_or_default());
    true
}

fn analyze(id: f64, text: String) {
    let t0 = js_sys::Date::now();
    let answered = with_set(|load_id, set| {
        let response = match decode::<Request>(&text) {
            Ok(req) => ANSWERER.with(|a| {
                let mut a = a.borrow_mut();
                if a.as_ref().is_none_or(|(id, _)| *id != load_id) {
                    let answerer = crate::ui::worker::load_text().map_or_else(Answerer::new, Answerer::with_text);
                    *a = Some((load_id, answerer));
                }
                match a.as_mut() {
                    Some((_, answerer)) => answerer.answer(set, &req),
                    None => Response::Error("The analyses could not start.".into()),
                }
            }),
            Err(e) => Response::Error(format!("The request could not be read: {e}")),
        };
        (load_id, response)
    });
    // No set (a newer load is being read): an answer about no set, which the page drops.
    let (load_id, response) = answered.unwrap_or((-1.0, Response::Error("No trace is loaded in the worker.".into())));
    let o = Object::new();
    set(&o, "kind", &"answer".into());
    set(&o, "id", &id.into());
    set(&o, "load_id", &load_id.into());
    set(&o, "response", &encode(&response).into());
    set(&o, "ms", &(js_sys::Date::now() - t0).into());
    reply(&o);
}
