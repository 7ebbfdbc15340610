//! The page's side of the analysis worker: loads hand it their snapshot ([`adopt`]),
//! views send it requests ([`ask`]) and get each answer through a callback, decoded.
//! The worker is a second instance of the worker script (the parse worker stops after
//! each load); it starts with the first load and lives as long as the page. Until it
//! says `ready`, messages wait in a queue.
//!
//! An answer computed from another set than the one asked about is dropped. When the
//! worker stops (out of memory, a crash), every waiting callback gets an error and the
//! next load starts a fresh worker.

use std::cell::RefCell;
use std::collections::HashMap;

use js_sys::{Array, ArrayBuffer, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};

use crate::ui::util::{js_error_text, record_timing, set};
use crate::view_model::tabs::{decode, encode, Request, Response};

/// What a view does with an answer: the response, or why there is none.
type OnAnswer = Box<dyn FnOnce(Result<Response, String>)>;

struct Client {
    worker: Worker,
    ready: bool,
    /// Messages (with their transfer lists) waiting for `ready`.
    queue: Vec<(Object, Array)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

thread_local! {
    static CLIENT: RefCell<Option<Client>> = const { RefCell::new(None) };
    /// A stopped worker whose handlers may still be running; dropped with the next start.
    static RETIRED: RefCell<Option<Client>> = const { RefCell::new(None) };
    /// Callbacks by request id, with the load id asked about.
    static WAITING: RefCell<HashMap<u64, (f64, OnAnswer)>> = RefCell::new(HashMap::new());
    static NEXT_ID: RefCell<u64> = const { RefCell::new(0) };
    /// Why the worker stopped, until the next load starts a new one.
    static STOPPED: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn start() -> Result<Client, String> {
    RETIRED.with(|r| r.borrow_mut().take());
    let worker = Worker::new("./clew-worker_loader.js").map_err(|e| js_error_text(&e))?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(on_message);
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    let on_error = Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |ev: web_sys::ErrorEvent| {
        ev.prevent_default();
        let detail = ev.message();
        stop(format!("The analysis worker stopped{}. Load the file again to retry.", if detail.is_empty() { String::new() } else { format!(" ({detail})") }));
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok(Client { worker, ready: false, queue: Vec::new(), _on_message: on_message, _on_error: on_error })
}

/// Ends the worker and fails every waiting request with `why`.
fn stop(why: String) {
    if let Some(c) = CLIENT.with(|c| c.borrow_mut().take()) {
        c.worker.terminate();
        c.worker.set_onmessage(None);
        c.worker.set_onerror(None);
        RETIRED.with(|r| *r.borrow_mut() = Some(c));
    }
    STOPPED.with(|s| *s.borrow_mut() = Some(why.clone()));
    let waiting: Vec<OnAnswer> = WAITING.with(|w| w.borrow_mut().drain().map(|(_, (_, f))| f).collect());
    for f in waiting {
        f(Err(why.clone()));
    }
}

fn post(msg: Object, transfer: Array) {
    CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        let Some(c) = c.as_mut() else { return };
        if !c.ready {
            c.queue.push((msg, transfer));
        } else if let Err(e) = c.worker.post_message_with_transfer(&msg, &transfer) {
            web_sys::console::error_2(&"clew: could not post to the analysis worker".into(), &e);
        }
    });
}

/// Hands the worker the snapshot of load `load_id` (transferred: the page must not use
/// `snapshot` afterwards). Starts the worker when needed.
pub fn adopt(load_id: f64, snapshot: ArrayBuffer) {
    if CLIENT.with(|c| c.borrow().is_none()) {
        match start() {
            Ok(client) => {
                STOPPED.with(|s| *s.borrow_mut() = None);
                CLIENT.with(|c| *c.borrow_mut() = Some(client));
            }
            Err(e) => {
                STOPPED.with(|s| *s.borrow_mut() = Some(format!("The analysis worker could not start ({e}).")));
                return;
            }
        }
    }
    let o = Object::new();
    set(&o, "kind", &"adopt".into());
    set(&o, "load_id", &load_id.into());
    set(&o, "snapshot", &snapshot);
    post(o, Array::of1(&snapshot));
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
    if let Some(why) = STOPPED.with(|s| s.borrow().clone()) {
        on_answer(Err(why));
        return;
    }
    if CLIENT.with(|c| c.borrow().is_none()) {
        on_answer(Err("The analysis worker has not started: no trace has been loaded.".into()));
        return;
    }
    WAITING.with(|w| w.borrow_mut().insert(id, (load_id, Box::new(on_answer))));
    let o = Object::new();
    set(&o, "kind", &"analyze".into());
    set(&o, "id", &(id as f64).into());
    set(&o, "load_id", &load_id.into());
    set(&o, "request", &encode(req).into());
    post(o, Array::new());
}

/// Drops the callback of a request whose answer is no longer wanted.
pub fn forget(id: u64) {
    WAITING.with(|w| w.borrow_mut().remove(&id));
}

fn on_message(ev: MessageEvent) {
    let data = ev.data();
    let get = |k: &str| Reflect::get(&data, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
    match get("kind").as_string().as_deref() {
        Some("ready") => CLIENT.with(|c| {
            if let Some(c) = c.borrow_mut().as_mut() {
                c.ready = true;
                for (msg, transfer) in c.queue.drain(..) {
                    if let Err(e) = c.worker.post_message_with_transfer(&msg, &transfer) {
                        web_sys::console::error_2(&"clew: could not post to the analysis worker".into(), &e);
                    }
                }
            }
        }),
        Some("adopted") => {
            record_timing("analysis_adopt_ms", get("ms").as_f64().unwrap_or(0.0));
            record_timing("analysis_wasm_mb", get("wasm_bytes").as_f64().unwrap_or(0.0) / 1e6);
        }
        Some("adopt-failed") => {
            let msg = get("message").as_string().unwrap_or_default();
            stop(format!("The analysis worker could not open the trace: {msg}."));
        }
        Some("answer") => {
            let id = get("id").as_f64().unwrap_or(0.0) as u64;
            let Some((asked, f)) = WAITING.with(|w| w.borrow_mut().remove(&id)) else { return };
            if get("load_id").as_f64() != Some(asked) {
                return; // computed from another set: the view asks again for its own
            }
            let text = get("response").as_string().unwrap_or_default();
            f(decode::<Response>(&text).map_err(|e| format!("The analysis answer could not be read: {e}")));
        }
        _ => {}
    }
}
