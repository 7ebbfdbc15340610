//! Small browser helpers for the UI: pointer-equality wrappers for memos, DOM and
//! clipboard helpers, time formatting through the JS `Date`.

use std::sync::Arc;

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
