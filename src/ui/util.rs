//! Small browser helpers for the UI: pointer-equality wrappers for memos, DOM,
//! clipboard and download helpers, JS object and error helpers, an owned event
//! listener, time formatting through the JS `Date`.

use std::sync::Arc;

use js_sys::{Object, Reflect};
use wasm_bindgen::convert::FromWasmAbi;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// An `Arc` compared by pointer, so memos over big values compare in O(1).
#[derive(Debug, Default)]
pub struct Shared<T>(pub Arc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Shared<T> {
    pub fn new(v: T) -> Self {
        Shared(Arc::new(v))
    }
}

/// Milliseconds since page start (monotonic).
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or_else(js_sys::Date::now)
}

/// Copies text to the clipboard (best effort).
pub fn copy_text(text: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

/// A wall-clock time from Unix nanoseconds, as `2024-05-01 12:34:56.789 UTC`.
pub fn utc_time(ns: u64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64((ns / 1_000_000) as f64));
    let iso: String = d.to_iso_string().into();
    iso.replace('T', " ").trim_end_matches('Z').to_string() + " UTC"
}

/// Sets or removes an attribute on the document's root `<html>` element.
pub fn set_html_attr(name: &str, value: Option<&str>) {
    if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = match value {
            Some(v) => el.set_attribute(name, v),
            None => el.remove_attribute(name),
        };
    }
}

pub fn local_get(key: &str) -> Option<String> {
    web_sys::window()?.local_storage().ok()??.get_item(key).ok()?
}

pub fn local_set(key: &str, value: &str) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok()).flatten() {
        let _ = s.set_item(key, value);
    }
}

pub fn local_remove(key: &str) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok()).flatten() {
        let _ = s.remove_item(key);
    }
}

/// Whether the OS prefers a dark theme.
pub fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .map(|m| m.matches())
        .unwrap_or(false)
}

/// Whether keyboard focus is in a text field (shortcuts are off there).
pub fn typing_in_field() -> bool {
    let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element()) else {
        return false;
    };
    let tag = el.tag_name().to_ascii_lowercase();
    tag == "input" || tag == "textarea" || tag == "select" || el.dyn_ref::<web_sys::HtmlElement>().is_some_and(|h| h.is_content_editable())
}

/// Records how long a named step took in `window.__clewTimings[name]` (ms), for the
/// benchmark script and for people profiling in the console.
pub fn record_timing(name: &str, ms: f64) {
    let Some(w) = web_sys::window() else { return };
    let key = wasm_bindgen::JsValue::from_str("__clewTimings");
    let obj = match js_sys::Reflect::get(&w, &key) {
        Ok(o) if o.is_object() => o,
        _ => {
            let o: wasm_bindgen::JsValue = js_sys::Object::new().into();
            let _ = js_sys::Reflect::set(&w, &key, &o);
            o
        }
    };
    let _ = js_sys::Reflect::set(&obj, &wasm_bindgen::JsValue::from_str(name), &wasm_bindgen::JsValue::from_f64(ms));
}

/// Runs `f` and records its duration under `name` (see [`record_timing`]).
pub fn timed<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let t0 = now_ms();
    let out = f();
    record_timing(name, now_ms() - t0);
    out
}

/// Sets `obj[key] = v` (best effort).
pub fn set(obj: &Object, key: &str, v: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), v);
}

/// A JS error value as text.
pub fn js_error_text(e: &JsValue) -> String {
    if let Some(s) = e.as_string() {
        return s;
    }
    if let Ok(m) = Reflect::get(e, &"message".into())
        && let Some(s) = m.as_string() {
            return s;
        }
    format!("{e:?}")
}

/// A `MessageChannel` whose messages end [`yield_to_browser`]'s waits, with its handler.
type YieldChannel = (web_sys::MessageChannel, Closure<dyn FnMut(web_sys::MessageEvent)>);

thread_local! {
    static YIELD_CHANNEL: std::cell::RefCell<Option<YieldChannel>> = const { std::cell::RefCell::new(None) };
    /// The waits on [`YIELD_CHANNEL`], in order.
    static YIELD_WAITS: std::cell::RefCell<std::collections::VecDeque<js_sys::Function>> =
        const { std::cell::RefCell::new(std::collections::VecDeque::new()) };
}

/// Resolves in a later task, after the browser has had a turn (input, a frame when one is
/// due, other tasks), without the clamp of nested `setTimeout`s (4 ms from the fifth on):
/// `scheduler.yield()` where the browser has it, else a `MessageChannel` message.
pub async fn yield_to_browser() {
    let _ = wasm_bindgen_futures::JsFuture::from(scheduler_yield().unwrap_or_else(channel_yield)).await;
}

fn scheduler_yield() -> Option<js_sys::Promise> {
    let scheduler = Reflect::get(&js_sys::global(), &"scheduler".into()).ok()?;
    let f: js_sys::Function = Reflect::get(&scheduler, &"yield".into()).ok()?.dyn_into().ok()?;
    f.call0(&scheduler).ok()?.dyn_into().ok()
}

fn channel_yield() -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, _reject| {
        YIELD_WAITS.with(|w| w.borrow_mut().push_back(resolve));
        YIELD_CHANNEL.with(|c| {
            let mut c = c.borrow_mut();
            if c.is_none()
                && let Ok(channel) = web_sys::MessageChannel::new()
            {
                let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(|_: web_sys::MessageEvent| {
                    if let Some(resolve) = YIELD_WAITS.with(|w| w.borrow_mut().pop_front()) {
                        let _ = resolve.call0(&JsValue::UNDEFINED);
                    }
                });
                channel.port1().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
                *c = Some((channel, on_message));
            }
            let posted = c.as_ref().is_some_and(|(channel, _)| channel.port2().post_message(&JsValue::UNDEFINED).is_ok());
            if !posted && let Some(resolve) = YIELD_WAITS.with(|w| w.borrow_mut().pop_back()) {
                let _ = resolve.call0(&JsValue::UNDEFINED); // No channel: go on at once.
            }
        });
    })
}

/// Starts a download of `url` (a data: or blob: URL) as file `file_name`.
pub fn download_url(file_name: &str, url: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    if let Ok(a) = document.create_element("a") {
        let _ = a.set_attribute("href", url);
        let _ = a.set_attribute("download", file_name);
        let _ = a.set_attribute("style", "display:none");
        if let Some(body) = document.body() {
            let _ = body.append_child(&a);
            if let Some(h) = a.dyn_ref::<web_sys::HtmlElement>() {
                h.click();
            }
            let _ = body.remove_child(&a);
        }
    }
}

/// Starts a download of `text` as a file.
pub fn download(file_name: &str, text: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let Ok(blob) = web_sys::Blob::new_with_str_sequence(&parts) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    download_url(file_name, &url);
    leptos::prelude::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_millis(2_000),
    );
}

/// An event listener on a DOM target that owns its closure and is removed when dropped.
pub struct Listener<E: FromWasmAbi + 'static> {
    target: web_sys::EventTarget,
    name: &'static str,
    closure: Closure<dyn FnMut(E)>,
}

impl<E: FromWasmAbi + 'static> Listener<E> {
    /// Listens for `name` events on `target`; `passive: false` lets the handler
    /// prevent the default action of events the browser treats as passive.
    pub fn new(target: &web_sys::EventTarget, name: &'static str, passive: bool, f: impl FnMut(E) + 'static) -> Self {
        let closure = Closure::<dyn FnMut(E)>::new(f);
        let opts = web_sys::AddEventListenerOptions::new();
        opts.set_passive(passive);
        let callback = closure.as_ref().unchecked_ref();
        let _ = target.add_event_listener_with_callback_and_add_event_listener_options(name, callback, &opts);
        Listener { target: target.clone(), name, closure }
    }
}

impl<E: FromWasmAbi + 'static> Drop for Listener<E> {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback(self.name, self.closure.as_ref().unchecked_ref());
    }
}

/// Runs `f` once the next frame has painted: a task queued from the frame's animation
/// callback runs after that frame's rendering (a second animation frame would wait a
/// whole frame longer).
pub fn after_paint(f: impl FnOnce() + 'static) {
    leptos::prelude::request_animation_frame(move || {
        let _ = gloo_timers::callback::Timeout::new(0, f).forget();
    });
}
