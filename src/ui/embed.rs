//! Embedding Clew in another page: the query-string options (parsed by
//! [`view_model::embed`](crate::view_model::embed)) and a postMessage API for a host
//! window — the parent frame of an `<iframe>`, or the opener of a `window.open`.
//!
//! ```text
//! host ──'PING'──────────────────────────────▶ clew      (repeat until PONG; not buffered)
//! host ◀─'PONG'──────────────────────────────  clew
//! host ──{clew:{id?, buffer, title?, fileName?, add?}}─▶ clew (ArrayBuffer, typed array or Blob; transfer it)
//! host ──{clew:{id?, url, add?}}─────────────▶ clew      (http(s), fetched by Clew without cookies)
//! host ◀─{clew:{id?, loaded:{spans, traces}}}─  clew      (after the first view has painted)
//! host ◀─{clew:{id?, error: message}}─────────  clew
//! ```
//!
//! Messages are taken only from `window.parent` (when framed) or `window.opener`, and
//! with `?origins=` only from the origins listed. API-shaped messages from any other
//! window are ignored with a console warning; other messages (not `'PING'`, no `clew`
//! key) are ignored without one. Loads go through the same worker path as files (see
//! [`loader`]).
//!
//! Each request is answered about itself only: the reply names the request's `id` when
//! it had one, and a load the user starts meanwhile (a drop, a file, a paste) ends the
//! request with a generic "replaced" error, never with that load's counts or message. A
//! URL a host asks for is fetched with `credentials: 'omit'`, and a host in another
//! origin learns only that it failed, not the status or the body's keys.

use std::cell::RefCell;
use std::sync::OnceLock;

use js_sys::{Array, ArrayBuffer, Object, Reflect};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, MessageEvent, Window};

use crate::ui::context::{Status, Ui};
use crate::ui::loader::{self, Credentials, Input};
use crate::ui::util::{js_error_text, set};
use crate::view_model::embed::EmbedParams;

/// The options of this page load (the query string does not change without a reload).
pub fn params() -> &'static EmbedParams {
    static PARAMS: OnceLock<EmbedParams> = OnceLock::new();
    PARAMS.get_or_init(|| {
        let q = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
        EmbedParams::from_query(&q)
    })
}

/// A host's request waiting for its load to end.
struct Pending {
    /// The load started for it ([`loader::latest_load`] while it is the latest).
    load: f64,
    to: JsValue,
    origin: String,
    /// The request's `id`, echoed in the reply (`undefined` when it had none).
    id: JsValue,
    /// Errors are told only generically (a URL asked for by a host in another origin).
    generic: bool,
}

thread_local! {
    static PENDING: RefCell<Option<Pending>> = const { RefCell::new(None) };
    /// Whether the "no origins=" warning was logged on this page.
    static WARNED_OPEN: RefCell<bool> = const { RefCell::new(false) };
}

/// What a host in another origin is told when a URL it asked for does not load.
const GENERIC_URL_ERROR: &str = "Clew could not load a trace from that URL.";
/// What a host is told when a load the user started replaced its request.
const REPLACED: &str = "Another load replaced this request before it finished.";

fn warn(text: &str) {
    web_sys::console::warn_1(&JsValue::from_str(text));
}

/// Where replies to a message may go: its origin, or `*` for an opaque origin.
fn target_origin(origin: &str) -> String {
    if origin.is_empty() || origin == "null" {
        "*".to_string()
    } else {
        origin.to_string()
    }
}

fn post(to: &JsValue, msg: &JsValue, origin: &str) {
    // A cross-origin WindowProxy is not `instanceof Window` here; postMessage works on it.
    let w: &Window = to.unchecked_ref();
    if let Err(e) = w.post_message(msg, &target_origin(origin)) {
        warn(&format!("clew: could not reply to the host window: {}", js_error_text(&e)));
    }
}

/// `{clew: {id?, <key>: value}}`.
fn reply(key: &str, value: &JsValue, id: &JsValue) -> JsValue {
    let inner = Object::new();
    if !id.is_undefined() {
        set(&inner, "id", id);
    }
    set(&inner, key, value);
    let outer = Object::new();
    set(&outer, "clew", &inner);
    outer.into()
}

/// Answers the pending request (if any) with `{key: value}`.
fn answer(p: Pending, key: &str, value: &JsValue) {
    post(&p.to, &reply(key, value, &p.id), &p.origin);
}

/// Whether `source` is a window allowed to drive this page.
fn trusted(w: &Window, source: &JsValue) -> bool {
    if source.is_null() || source.is_undefined() {
        return false;
    }
    let me: &JsValue = w.as_ref();
    let parent = w.parent().ok().flatten().map(JsValue::from);
    let from_parent = parent.is_some_and(|p| p != *me && p == *source);
    let opener = w.opener().ok().filter(|o| !o.is_null() && !o.is_undefined());
    let from_opener = opener.is_some_and(|o| o == *source);
    from_parent || from_opener
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// The trace bytes of a `buffer` field as a Blob (ArrayBuffer, typed array, DataView or Blob).
fn buffer_blob(v: &JsValue) -> Option<Blob> {
    if let Some(b) = v.dyn_ref::<Blob>() {
        return Some(b.clone());
    }
    if v.is_instance_of::<ArrayBuffer>() || ArrayBuffer::is_view(v) {
        return Blob::new_with_buffer_source_sequence(&Array::of1(v)).ok();
    }
    None
}

/// Whether a message from `origin` may be handled, by the `?origins=` list; without the
/// list every origin may, and the risk is named once in the console.
fn origin_allowed(origin: &str) -> bool {
    match &params().origins {
        Some(list) => list.iter().any(|o| o == origin),
        None => {
            if !WARNED_OPEN.with(|w| w.replace(true)) {
                warn(
                    "clew: no ?origins= parameter, so any page that frames or opens Clew may load traces into it and have it \
                     fetch URLs. In production, list the host pages: ?origins=https://grafana.example,https://ops.example",
                );
            }
            true
        }
    }
}

fn on_message(ui: Ui, ev: MessageEvent) {
    let Some(w) = web_sys::window() else { return };
    let data = ev.data();
    let is_ping = data.as_string().is_some_and(|s| s == "PING");
    let api = if data.is_object() { Some(get(&data, "clew")).filter(|c| c.is_object()) } else { None };
    if !is_ping && api.is_none() {
        return; // Not for us.
    }
    let source: JsValue = ev.source().map(JsValue::from).unwrap_or(JsValue::NULL);
    let origin = ev.origin();
    let named = if origin.is_empty() { "an unknown origin".to_string() } else { origin.clone() };
    if !trusted(&w, &source) {
        warn(&format!("clew: ignored a message from {named} — only the parent frame or the opener window may load traces"));
        return;
    }
    if !origin_allowed(&origin) {
        warn(&format!("clew: ignored a message from {named} — it is not in this page's origins= list"));
        return;
    }
    if is_ping {
        post(&source, &JsValue::from_str("PONG"), &origin);
        return;
    }
    let Some(api) = api else { return };
    let id = get(&api, "id");
    let add = get(&api, "add").as_bool().unwrap_or(false);
    let buffer = get(&api, "buffer");
    let url = get(&api, "url").as_string();
    let refuse = |text: String| post(&source, &reply("error", &text.into(), &id), &origin);
    // A new request ends the one before it (only the latest load is shown).
    if let Some(old) = PENDING.with(|p| p.borrow_mut().take()) {
        answer(old, "error", &REPLACED.into());
    }
    let load = if !buffer.is_undefined() && !buffer.is_null() {
        let Some(blob) = buffer_blob(&buffer) else {
            refuse("clew.buffer must be an ArrayBuffer, a typed array or a Blob".into());
            return;
        };
        let title = get(&api, "title").as_string().filter(|t| !t.trim().is_empty());
        let name = get(&api, "fileName")
            .as_string()
            .filter(|n| !n.trim().is_empty())
            .or_else(|| title.clone())
            .unwrap_or_else(|| "trace.json".to_string());
        if let (Some(t), Some(doc)) = (title, w.document()) {
            doc.set_title(&format!("{t} — Clew"));
        }
        (loader::load_inputs(ui, vec![Input { name, blob }], add), false)
    } else if let Some(url) = url {
        let page = w.location().href().ok();
        let resolved = match crate::url::http_url(&url, page.as_deref()) {
            Ok(r) => r,
            Err(p) => {
                refuse(p.message("clew.url", &url));
                return;
            }
        };
        let same_origin = w.location().origin().is_ok_and(|o| o == origin);
        (loader::load_url(ui, resolved, add, Credentials::Omit), !same_origin)
    } else {
        refuse("expected {clew: {buffer}} or {clew: {url}}".into());
        return;
    };
    let (load, generic) = load;
    PENDING.with(|p| *p.borrow_mut() = Some(Pending { load, to: source, origin, id, generic }));
}

/// Listens for host messages (as long as the calling component lives) and answers a
/// pending request when its load ends, or when another load replaces it.
pub fn install(ui: Ui) {
    let listener = window_event_listener(leptos::ev::message, move |ev: MessageEvent| on_message(ui, ev));
    on_cleanup(move || listener.remove());

    Effect::new(move |_| {
        let painted = ui.load.painted.get();
        let status = ui.load.status.get();
        let Some((load, generic)) = PENDING.with(|p| p.borrow().as_ref().map(|p| (p.load, p.generic))) else { return };
        let shown = ui.app.loaded.with_untracked(|l| l.as_ref().map(|l| l.load_id));
        let (key, value): (&str, JsValue) = if loader::latest_load() != load {
            ("error", REPLACED.into())
        } else {
            match (&status, painted) {
                (Status::Error(m), _) => ("error", if generic { GENERIC_URL_ERROR.into() } else { m.as_str().into() }),
                (Status::Idle, Some((spans, traces))) if shown == Some(load) => {
                    let o = Object::new();
                    set(&o, "spans", &(spans as f64).into());
                    set(&o, "traces", &(traces as f64).into());
                    ("loaded", o.into())
                }
                _ => return,
            }
        };
        if let Some(p) = PENDING.with(|p| p.borrow_mut().take()) {
            answer(p, key, &value);
        }
    });
}
