//! The parse worker: file bytes in (transferred `ArrayBuffer`s), a snapshot out.
//!
//! ```text
//! page ──{kind:"load", id, names[], buffers[]}──▶ worker      (buffers transferred)
//! page ◀──{kind:"ready"}                                       (once, at start)
//! page ◀──{kind:"progress", id, text}
//! page ◀──{kind:"done", id, snapshot, spans, traces, ms}       (snapshot transferred)
//! page ◀──{kind:"error", id, message}                          (a LoadError's text)
//! ```

use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::model::builder::SetBuilder;
use crate::model::snapshot;
use crate::parse;
use crate::ui::util::set;

/// The worker's `onmessage` callback, owned for the worker's lifetime.
type MessageHandler = Closure<dyn FnMut(MessageEvent)>;

thread_local! {
    /// The message handler, owned for the worker's lifetime.
    static HANDLER: std::cell::RefCell<Option<MessageHandler>> = const { std::cell::RefCell::new(None) };
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(obj: &Object, transfer: Option<&Array>) {
    let r = match transfer {
        Some(t) => scope().post_message_with_transfer(obj, t),
        None => scope().post_message(obj),
    };
    if let Err(e) = r {
        web_sys::console::error_2(&"clew worker: postMessage failed".into(), &e);
    }
}

fn progress(id: f64, text: &str) {
    let o = Object::new();
    set(&o, "kind", &"progress".into());
    set(&o, "id", &id.into());
    set(&o, "text", &text.into());
    post(&o, None);
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn handle(ev: MessageEvent) {
    let data = ev.data();
    // The same script runs the analysis worker (`ui::offload::host`).
    if crate::ui::offload::host::handle(&data) {
        return;
    }
    let get = |k: &str| Reflect::get(&data, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
    let id = get("id").as_f64().unwrap_or(0.0);
    let names: Array = get("names").dyn_into().unwrap_or_default();
    let buffers: Array = get("buffers").dyn_into().unwrap_or_default();
    let t0 = now_ms();

    // Copy each buffer into wasm memory, then let the JS buffer go.
    let mut inputs: Vec<(String, Vec<u8>)> = Vec::with_capacity(buffers.length() as usize);
    for i in 0..buffers.length() {
        let name = names.get(i).as_string().unwrap_or_else(|| format!("input {}", i + 1));
        let bytes = match buffers.get(i).dyn_into::<ArrayBuffer>() {
            Ok(b) => Uint8Array::new(&b).to_vec(),
            Err(_) => Vec::new(),
        };
        inputs.push((name, bytes));
    }
    buffers.set_length(0);

    let result = (|| -> Result<crate::model::TraceSet, parse::LoadError> {
        if inputs.is_empty() {
            return Err(parse::LoadError::NoInput);
        }
        let mut b = SetBuilder::new();
        let n = inputs.len();
        for (k, (name, bytes)) in inputs.iter().enumerate() {
            let mb = bytes.len() as f64 / 1e6;
            let what = if n > 1 { format!("Parsing {name} ({mb:.1} MB, file {} of {n})", k + 1) } else { format!("Parsing {name} ({mb:.1} MB)") };
            progress(id, &what);
            parse::read_input(&mut b, name, bytes, None)?;
        }
        progress(id, &format!("Building the span tree ({} spans)", b.spans.len()));
        Ok(b.finish())
    })();
    drop(inputs);

    match result {
        Ok(trace_set) => {
            progress(id, &format!("Packing {} spans for the page", trace_set.spans.len()));
            let bytes = snapshot::encode(&trace_set);
            let (spans, traces) = (trace_set.spans.len(), trace_set.traces.len());
            drop(trace_set);
            let arr = Uint8Array::new_with_length(bytes.len() as u32);
            arr.copy_from(&bytes);
            drop(bytes);
            let buf = arr.buffer();
            let o = Object::new();
            set(&o, "kind", &"done".into());
            set(&o, "id", &id.into());
            set(&o, "snapshot", &buf);
            set(&o, "spans", &(spans as f64).into());
            set(&o, "traces", &(traces as f64).into());
            set(&o, "ms", &(now_ms() - t0).into());
            let transfer = Array::of1(&buf);
            post(&o, Some(&transfer));
        }
        Err(e) => {
            let o = Object::new();
            set(&o, "kind", &"error".into());
            set(&o, "id", &id.into());
            set(&o, "message", &e.to_string().into());
            post(&o, None);
        }
    }
}

/// Worker entry: installs the message handler and says it is ready.
pub fn run() {
    console_error_panic_hook::set_once();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(handle);
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    HANDLER.with(|h| *h.borrow_mut() = Some(on_message));
    let o = Object::new();
    set(&o, "kind", &"ready".into());
    post(&o, None);
}
