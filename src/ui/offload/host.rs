//! The analysis worker's side (runs inside a Web Worker): a snapshot in (`adopt`),
//! decoded and kept with an [`Answerer`]; requests in (`analyze`), answers out. Any
//! message of another kind is left to the parse worker (see `ui::worker`).
//!
//! ```text
//! page ──{kind:"adopt", load_id, snapshot}──▶ host      (snapshot transferred)
//! page ◀──{kind:"adopted", load_id, ms, wasm_bytes} | {kind:"adopt-failed", load_id, message}
//! page ──{kind:"analyze", id, load_id, request}──▶ host (request: JSON text)
//! page ◀──{kind:"answer", id, load_id, response, ms}    (response: JSON text)
//! ```
//!
//! An answer carries the load id of the set it was computed from; the page drops
//! answers for another set.

use std::cell::RefCell;

use js_sys::{ArrayBuffer, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::DedicatedWorkerGlobalScope;

use crate::model::{snapshot, TraceSet};
use crate::ui::offload::text_measure;
use crate::ui::util::set;
use crate::view_model::tabs::answer::Answerer;
use crate::view_model::tabs::{decode, encode, Request, Response};

/// The set being analysed and what was computed from it.
struct Held {
    load_id: f64,
    set: TraceSet,
    answerer: Answerer,
}

thread_local! {
    static HELD: RefCell<Option<Held>> = const { RefCell::new(None) };
}

fn reply(o: &Object) {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    if let Err(e) = scope.post_message(o) {
        web_sys::console::error_2(&"clew analysis worker: postMessage failed".into(), &e);
    }
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Handles a message meant for the analysis side; `false` leaves it to the caller.
pub fn handle(data: &JsValue) -> bool {
    let get = |k: &str| Reflect::get(data, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
    match get("kind").as_string().as_deref() {
        Some("adopt") => {
            // The charts are drawn here: give them text measurement first.
            text_measure::install();
            adopt(get("load_id").as_f64().unwrap_or(0.0), get("snapshot"));
            true
        }
        Some("analyze") => {
            analyze(get("id").as_f64().unwrap_or(0.0), get("request").as_string().unwrap_or_default());
            true
        }
        _ => false,
    }
}

fn adopt(load_id: f64, snapshot: JsValue) {
    let t0 = now_ms();
    // The old set goes first, so its memory is reused for the new one.
    HELD.with(|h| *h.borrow_mut() = None);
    let o = Object::new();
    set(&o, "load_id", &load_id.into());
    let decoded = match snapshot.dyn_into::<ArrayBuffer>() {
        Ok(buf) => {
            let bytes = Uint8Array::new(&buf).to_vec();
            snapshot::decode(&bytes).map_err(|e| e.to_string())
        }
        Err(_) => Err("no snapshot was sent".to_string()),
    };
    match decoded {
        Ok(set_) => {
            HELD.with(|h| *h.borrow_mut() = Some(Held { load_id, set: set_, answerer: Answerer::new() }));
            set(&o, "kind", &"adopted".into());
            set(&o, "ms", &(now_ms() - t0).into());
            set(&o, "wasm_bytes", &(wasm_bytes() as f64).into());
        }
        Err(e) => {
            set(&o, "kind", &"adopt-failed".into());
            set(&o, "message", &e.into());
        }
    }
    reply(&o);
}

/// The worker's wasm memory in bytes.
fn wasm_bytes() -> u32 {
    wasm_bindgen::memory().dyn_into::<js_sys::WebAssembly::Memory>().map(|m| m.buffer().unchecked_into::<ArrayBuffer>().byte_length()).unwrap_or(0)
}

fn analyze(id: f64, text: String) {
    let t0 = now_ms();
    let (load_id, response) = HELD.with(|h| {
        let mut h = h.borrow_mut();
        let Some(held) = h.as_mut() else {
            return (0.0, Response::Error("No trace is loaded in the analysis worker.".into()));
        };
        let response = match decode::<Request>(&text) {
            Ok(req) => held.answerer.answer(&held.set, &req),
            Err(e) => Response::Error(format!("The request could not be read: {e}")),
        };
        (held.load_id, response)
    });
    let o = Object::new();
    set(&o, "kind", &"answer".into());
    set(&o, "id", &id.into());
    set(&o, "load_id", &load_id.into());
    set(&o, "response", &encode(&response).into());
    set(&o, "ms", &(now_ms() - t0).into());
    reply(&o);
}
