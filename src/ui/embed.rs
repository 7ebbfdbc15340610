//! Embedding Clew in another page: the query-string options (parsed by
//! [`view_model::embed`](crate::view_model::embed)) and a postMessage API for a host
//! window — the parent frame of an `<iframe>`, or the opener of a `window.open`.
//!
//! ```text
//! host ──'PING'──────────────────────────────▶ clew      (repeat until PONG; not buffered)
//! host ◀─'PONG'──────────────────────────────  clew
//! host ──{clew:{buffer, title?, fileName?, add?}}─▶ clew (buffer: ArrayBuffer, typed array or Blob; transfer it)
//! host ──{clew:{url, add?}}──────────────────▶ clew      (http(s), fetched by Clew)
//! host ◀─{clew:{loaded:{spans, traces}}}──────  clew      (after the first view has painted)
//! host ◀─{clew:{error: message}}──────────────  clew
//! ```
//!
//! Messages are taken only from `window.parent` (when framed) or `window.opener`.
//! API-shaped messages from any other window are ignored with a console warning; other
//! messages (not `'PING'`, no `clew` key) are ignored without one. Loads go through
//! the same worker path as files (see [`loader`]).

use std::cell::RefCell;
use std::sync::OnceLock;

use js_sys::{Array, ArrayBuffer, Object, Reflect};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, MessageEvent, Window};

use crate::ui::context::{Status, Ui};
use crate::ui::loader::{self, Input};
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

thread_local! {
    /// The window (and its origin) waiting for the result of the load it asked for.
    static PENDING: RefCell<Option<(JsValue, String)>> = const { RefCell::new(None) };
}

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

/// `{clew: {<key>: value}}`.
fn reply(key: &str, value: &JsValue) -> JsValue {
    let inner = Object::new();
    set(&inner, key, value);
    let outer = Object::new();
    set(&outer, "clew", &inner);
    outer.into()
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
    if !trusted(&w, &source) {
        warn(&format!(
            "clew: ignored a message from {} — only the parent frame or the opener window may load traces",
            if origin.is_empty() { "an unknown origin".to_string() } else { origin }
        ));
        return;
    }
    if is_ping {
        post(&source, &JsValue::from_str("PONG"), &origin);
        return;
    }
    let Some(api) = api else { return };
    let add = get(&api, "add").as_bool().unwrap_or(false);
    let buffer = get(&api, "buffer");
    let url = get(&api, "url").as_string();
    if !buffer.is_undefined() && !buffer.is_null() {
        let Some(blob) = buffer_blob(&buffer) else {
            post(&source, &reply("error", &"clew.buffer must be an ArrayBuffer, a typed array or a Blob".into()), &origin);
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
        PENDING.with(|p| *p.borrow_mut() = Some((source, origin)));
        loader::load_inputs(ui, vec![Input { name, blob }], add);
    } else if let Some(url) = url {
        let base = w.location().href().unwrap_or_default();
        let resolved = web_sys::Url::new_with_base(url.trim(), &base).ok().filter(|u| u.protocol() == "http:" || u.protocol() == "https:");
        let Some(resolved) = resolved else {
            post(&source, &reply("error", &format!("clew.url must be an http:// or https:// address: {url}").into()), &origin);
            return;
        };
        PENDING.with(|p| *p.borrow_mut() = Some((source, origin)));
        if add {
            leptos::task::spawn_local(async move {
                match loader::fetch_input(&resolved.href()).await {
                    Ok(input) => loader::load_inputs(ui, vec![input], true),
                    Err(e) => ui.load.status.set(Status::Error(e)),
                }
            });
        } else {
            loader::load_url(ui, resolved.href());
        }
    } else {
        post(&source, &reply("error", &"expected {clew: {buffer}} or {clew: {url}}".into()), &origin);
    }
}

/// Listens for host messages (as long as the calling component lives) and answers a
/// pending load when it ends.
pub fn install(ui: Ui) {
    let listener = window_event_listener(leptos::ev::message, move |ev: MessageEvent| on_message(ui, ev));
    on_cleanup(move || listener.remove());

    Effect::new(move |_| {
        let painted = ui.load.painted.get();
        let answer = ui.load.status.with(|s| match (s, painted) {
            (Status::Error(m), _) => Some(reply("error", &JsValue::from_str(m))),
            (Status::Idle, Some((spans, traces))) => {
                let o = Object::new();
                set(&o, "spans", &(spans as f64).into());
                set(&o, "traces", &(traces as f64).into());
                Some(reply("loaded", &o.into()))
            }
            _ => None,
        });
        if let Some(answer) = answer
            && let Some((to, origin)) = PENDING.with(|p| p.borrow_mut().take()) {
                post(&to, &answer, &origin);
            }
    });
}
