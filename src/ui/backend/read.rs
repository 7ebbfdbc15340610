//! Search answers read off the page: a backend's answer (an `ArrayBuffer`, moved, not
//! copied) in; the trace summaries, or why there are none, out. The worker parses it
//! (`backend::search::summaries`, which for Jaeger and Zipkin reads whole traces), so no
//! main-thread task grows with the answer: the page decodes only the short list of
//! summaries.
//!
//! ```text
//! page ──{kind:"search", id, backend, buffer}──▶ worker ──{kind:"found", id, result}──▶ on_found ─▶ the waiting search
//! ```

use std::cell::RefCell;
use std::collections::HashMap;

use js_sys::{Array, ArrayBuffer, Function, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::backend::search::{summaries_of_text, SearchError, TraceSummary};
use crate::backend::BackendKind;
use crate::ui::context::Ui;
use crate::ui::loader;
use crate::ui::offload::client;
use crate::ui::util::set;

thread_local! {
    /// The searches waiting for the worker, by request id: the function that resolves each.
    static WAITING: RefCell<HashMap<u64, Function>> = RefCell::new(HashMap::new());
}

/// The worker's text for "the worker went away before it answered".
fn gone_text() -> String {
    let e: Result<Vec<TraceSummary>, SearchError> = Err(SearchError::NotSearch("the background worker stopped before it read the answer".into()));
    serde_json::to_string(&e).unwrap_or_default()
}

/// The summaries of search answer `buffer` of backend `kind`, read by the worker (started
/// when there is none).
pub async fn summaries(ui: Ui, kind: BackendKind, buffer: ArrayBuffer) -> Result<Vec<TraceSummary>, SearchError> {
    let id = client::new_id();
    let answered = Promise::new(&mut |resolve, _reject| {
        WAITING.with(|w| w.borrow_mut().insert(id, resolve));
    });
    let o = Object::new();
    set(&o, "kind", &"search".into());
    set(&o, "id", &(id as f64).into());
    set(&o, "backend", &kind.name().into());
    set(&o, "buffer", &buffer);
    if !loader::post_starting_worker(ui, &o, &Array::of1(&buffer)) {
        WAITING.with(|w| w.borrow_mut().remove(&id));
        return Err(SearchError::NotSearch("the background worker is not running".into()));
    }
    let text = JsFuture::from(answered).await.ok().and_then(|v| v.as_string()).unwrap_or_else(gone_text);
    summaries_of_text(&text)
}

/// Takes a `found` message of the worker: resolves the search waiting for it.
pub fn on_found(data: &JsValue) {
    let get = |k: &str| js_sys::Reflect::get(data, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
    let id = get("id").as_f64().unwrap_or(0.0) as u64;
    if let Some(resolve) = WAITING.with(|w| w.borrow_mut().remove(&id)) {
        let _ = resolve.call1(&JsValue::NULL, &get("result"));
    }
}

/// The worker went away: every waiting search ends with that failure.
pub fn worker_gone() {
    let waiting: Vec<Function> = WAITING.with(|w| w.borrow_mut().drain().map(|(_, f)| f).collect());
    for resolve in waiting {
        let _ = resolve.call1(&JsValue::NULL, &gone_text().into());
    }
}
