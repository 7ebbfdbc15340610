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
//! A span's raw JSON (`Request::RawSpan`) is answered asynchronously: its object is read
//! back from the input's `Blob` (kept by reference, `ui::worker::load_blobs`).
//!
//! An answer carries the load id of the set it was computed from; the page drops
//! answers for another set (while a newer load is read, or before the page shows it).

use std::cell::RefCell;

use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, DedicatedWorkerGlobalScope};

use crate::parse::places::object_text;

use crate::ui::offload::text_measure;
use crate::ui::util::set;
use crate::ui::worker::with_set;
use crate::view_model::tabs::answer::Answerer;
use crate::view_model::tabs::raw;
use crate::view_model::tabs::{decode, encode, Request, Response};

/// The load id of answers computed with no set loaded.
pub const NO_SET: f64 = -1.0;

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
    let request = decode::<Request>(&text);
    // A span's raw JSON is read from the inputs' Blobs, asynchronously.
    if let Ok(Request::RawSpan { span }) = request {
        wasm_bindgen_futures::spawn_local(raw_span(id, span, t0));
        return;
    }
    let answered = with_set(|load_id, set| {
        let response = match request {
            Ok(req) => ANSWERER.with(|a| {
                let mut a = a.borrow_mut();
                if a.as_ref().is_none_or(|(id, _)| *id != load_id) {
                    *a = Some((load_id, Answerer::new()));
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
    // No set (none loaded yet, or a newer load is being read): a request that needs none is
    // answered over an empty set.
    let answered = answered.or_else(|| match decode::<Request>(&text) {
        Ok(req) if !req.needs_set() => Some((NO_SET, Answerer::new().answer(&crate::model::TraceSet::default(), &req))),
        _ => None,
    });
    send(id, answered, t0);
}

/// Sends an answer: the load id it was computed for and the response. No set: an answer
/// about no set, which the page drops.
fn send(id: f64, answered: Option<(f64, Response)>, t0: f64) {
    let (load_id, response) = answered.unwrap_or((NO_SET, Response::Error("No trace is loaded in the worker.".into())));
    let o = Object::new();
    set(&o, "kind", &"answer".into());
    set(&o, "id", &id.into());
    set(&o, "load_id", &load_id.into());
    set(&o, "response", &encode(&response).into());
    set(&o, "ms", &(js_sys::Date::now() - t0).into());
    reply(&o);
}

/// The first bytes read of a span's object; a larger object is read again with 4× more.
const FIRST_READ_BYTES: f64 = 64.0 * 1024.0;

/// The JSON object that starts at byte `start` of `blob`, read a slice at a time.
async fn read_object(blob: &Blob, start: u32) -> Option<String> {
    let (start, size) = (f64::from(start), blob.size());
    let mut len = FIRST_READ_BYTES;
    loop {
        let end = (start + len).min(size);
        let slice = blob.slice_with_f64_and_f64(start, end).ok()?;
        let buf = JsFuture::from(slice.array_buffer()).await.ok()?;
        let bytes = Uint8Array::new(&buf).to_vec();
        if let Some(text) = object_text(&bytes, 0) {
            return Some(text.to_string());
        }
        if end >= size {
            return None;
        }
        len *= 4.0;
    }
}

/// Answers a span's raw JSON: its object (and a shared span's other half) read from the
/// kept Blobs, then the answer made over the set, if it is still the same load.
async fn raw_span(id: f64, span: u32, t0: f64) {
    let blobs = crate::ui::worker::load_blobs();
    let wanted = with_set(|load_id, set| (load_id, blobs.as_ref().map(|b| raw::objects_to_read(set, &b.places, span)).unwrap_or_default()));
    let Some((load_id, wanted)) = wanted else { return send(id, None, t0) };
    let mut read = Vec::new();
    for (s, place) in wanted {
        let Some(blob) = blobs.as_ref().and_then(|b| b.blobs.get(place.input).cloned().flatten()) else { continue };
        if let Some(text) = read_object(&blob, place.start).await {
            read.push((s, place, text));
        }
    }
    let answered = with_set(|now, set| {
        let response = match &blobs {
            _ if now != load_id => Response::Error("A newer load replaced this one.".into()),
            Some(b) => Response::RawSpan(raw::answer_from(set, &b.places, span, &read)),
            None => Response::RawSpan(raw::answer(set, None, span)),
        };
        (now, response)
    });
    send(id, answered, t0);
}
