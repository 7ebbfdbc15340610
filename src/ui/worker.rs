//! The parse worker: the inputs as `Blob`s in, a snapshot of the parsed set out.
//!
//! ```text
//! page ──{kind:"load", id, names[], blobs[], skew}──▶ worker   (Blobs go by reference; skew: adjust or not)
//! page ◀──{kind:"ready"}                                     (once, at start)
//! page ◀──{kind:"progress", id, text, done_bytes}
//! page ◀──{kind:"done", id, snapshot, spans, traces, ms, memory_bytes, marks}   (snapshot transferred)
//! page ◀──{kind:"error", id, message}                        (a LoadError's text)
//! page ◀──{kind:"warm", snapshot}                            (a warm-up set, for the page's decoder)
//! page ──{kind:"analyze", id, load_id, request}──▶ worker    (an analysis tab's, `ui::offload::host`)
//! page ◀──{kind:"answer", id, load_id, response, ms}
//! page ──{kind:"search", id, backend, buffer}──▶ worker   (a backend's search answer, transferred)
//! page ◀──{kind:"found", id, result}                      (its summaries as JSON text, `ui::backend::read`)
//! page ──{kind:"skew", load_id, new_id, on}──▶ worker       (clock-skew toggle, `ui::skew`)
//! page ◀──{kind:"skewed", load_id, new_id, snapshot?, moves?} (the set adjusted or restored,
//!                                                            and where its spans went)
//! ```
//!
//! A load's message carries the switch's state (`skew`), and the set is adjusted here
//! before its snapshot is made: the page never lays a trace out again itself.
//!
//! The worker reads the files itself, streaming each one straight into its own memory, so
//! the page never holds their bytes. It keeps the last set it built ([`with_set`]) and its
//! inputs' `Blob`s with where each span lies in them ([`load_blobs`], for a span's raw
//! JSON, read back a slice at a time), and a
//! newer load stops an older one that is still reading. While idle after start it parses
//! small generated traces ([`warm_up`]), so that the browser has optimized the parsers
//! before the first real file arrives.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, DedicatedWorkerGlobalScope, MessageEvent, ReadableStreamDefaultReader};

use crate::model::builder::SetBuilder;
use crate::model::{snapshot, TraceSet};
use crate::parse;
use crate::parse::places::SpanPlaces;
use crate::synth::{self, GenFormat, GenOptions};
use crate::ui::memory::Prefault;
use crate::ui::util::{js_error_text, set};

/// The worker's `onmessage` callback, owned for the worker's lifetime.
type MessageHandler = Closure<dyn FnMut(MessageEvent)>;

thread_local! {
    /// The id of the newest load asked for; an older load still reading its files stops.
    static LATEST: Cell<f64> = const { Cell::new(0.0) };
    /// Whether a load is between its message and its answer (the warm-up waits meanwhile).
    static BUSY: Cell<bool> = const { Cell::new(false) };
    /// The set of the last load that finished, with its load id, kept for later requests
    /// about it (the analysis tabs', `ui::offload::host`).
    static SET: RefCell<Option<(f64, TraceSet)>> = const { RefCell::new(None) };
    /// The inputs of that load (their `Blob`s, which the page keeps too: no bytes are held)
    /// and where each span lies in them, for the raw JSON of a span.
    static TEXT: RefCell<Option<Rc<LoadBlobs>>> = const { RefCell::new(None) };
    /// The message handler, owned for the worker's lifetime.
    static HANDLER: RefCell<Option<MessageHandler>> = const { RefCell::new(None) };
}

/// The inputs of a load as `Blob`s, in load order, with where each span lies in them.
pub struct LoadBlobs {
    pub places: SpanPlaces,
    pub blobs: Vec<Option<Blob>>,
}

/// The inputs of the last finished load.
pub fn load_blobs() -> Option<Rc<LoadBlobs>> {
    TEXT.with(|t| t.borrow().clone())
}

/// Runs `f` on the load id and the set of the last finished load, if there is one.
pub fn with_set<T>(f: impl FnOnce(f64, &TraceSet) -> T) -> Option<T> {
    SET.with(|s| s.borrow().as_ref().map(|(id, set)| f(*id, set)))
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

fn progress(id: f64, text: &str, done_bytes: Option<f64>) {
    let o = Object::new();
    set(&o, "kind", &"progress".into());
    set(&o, "id", &id.into());
    set(&o, "text", &text.into());
    if let Some(b) = done_bytes {
        set(&o, "done_bytes", &b.into());
    }
    post(&o, None);
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Milliseconds since the Unix epoch at sub-millisecond resolution: comparable with the
/// page's `performance.timeOrigin + performance.now()`.
fn epoch_ms() -> f64 {
    let perf = Reflect::get(&js_sys::global(), &"performance".into()).ok().and_then(|p| p.dyn_into::<web_sys::Performance>().ok());
    perf.map(|p| p.time_origin() + p.now()).unwrap_or_else(js_sys::Date::now)
}

/// Bytes of the worker's linear memory (it never shrinks; the page restarts a big worker).
fn memory_bytes() -> f64 {
    Reflect::get(&wasm_bindgen::memory(), &"buffer".into())
        .ok()
        .and_then(|b| b.dyn_into::<ArrayBuffer>().ok())
        .map(|b| b.byte_length() as f64)
        .unwrap_or(0.0)
}

/// The load steps' times (epoch ms), sent with the answer for the page's load marks.
struct Marks(Object);

impl Marks {
    fn mark(&self, name: &str) {
        set(&self.0, name, &epoch_ms().into());
    }
}

fn handle(ev: MessageEvent) {
    let data = ev.data();
    // The analysis tabs' requests about the kept set (`ui::offload::host`).
    if crate::ui::offload::host::handle(&data) {
        return;
    }
    let get = |k: &str| Reflect::get(&data, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
    match get("kind").as_string().as_deref() {
        Some("load") => {}
        Some("search") => return read_search(get("id"), get("backend"), get("buffer")),
        Some("skew") => {
            let (Some(load_id), Some(new_id)) = (get("load_id").as_f64(), get("new_id").as_f64()) else { return };
            skew(load_id, new_id, get("on").as_bool().unwrap_or(true));
            return;
        }
        _ => return,
    }
    let id = get("id").as_f64().unwrap_or(0.0);
    let names: Array = get("names").dyn_into().unwrap_or_default();
    let blobs: Array = get("blobs").dyn_into().unwrap_or_default();
    let skew_on = get("skew").as_bool().unwrap_or(true);
    let marks = Marks(Object::new());
    marks.mark("w_received");
    LATEST.with(|l| l.set(id));
    BUSY.with(|b| b.set(true));
    // The old set goes first (and what the analyses kept of it): the new one is read and
    // built in the memory it held.
    SET.with(|s| s.borrow_mut().take());
    TEXT.with(|t| t.borrow_mut().take());
    crate::ui::offload::host::drop_results();
    let inputs: Vec<(String, Option<Blob>)> = (0..blobs.length())
        .map(|i| {
            let name = names.get(i).as_string().unwrap_or_else(|| format!("input {}", i + 1));
            (name, blobs.get(i).dyn_into::<Blob>().ok())
        })
        .collect();
    wasm_bindgen_futures::spawn_local(async move {
        let t0 = now_ms();
        let read = read_inputs(id, &inputs).await;
        if LATEST.with(|l| l.get()) != id {
            return; // A newer load replaced this one; it answers instead.
        }
        marks.mark("w_read");
        match read.and_then(|bytes| build(id, &bytes, &marks).map_err(|e| e.to_string())) {
            Ok((mut set, places)) => {
                crate::analysis::skew::set_adjusted(&mut set, skew_on);
                marks.mark("w_skew_adjusted");
                let blobs = inputs.iter().map(|(_, b)| b.clone()).collect();
                TEXT.with(|t| *t.borrow_mut() = Some(Rc::new(LoadBlobs { places, blobs })));
                answer(id, set, t0, &marks)
            }
            Err(message) => {
                let o = Object::new();
                set(&o, "kind", &"error".into());
                set(&o, "id", &id.into());
                set(&o, "message", &message.into());
                post(&o, None);
            }
        }
        BUSY.with(|b| b.set(false));
    });
}

/// Reads a backend's search answer (`buffer`, transferred) into trace summaries and sends
/// them back as text (`backend::search::summaries_text`), so that the page never parses it.
fn read_search(id: JsValue, backend: JsValue, buffer: JsValue) {
    let bytes = buffer.dyn_into::<ArrayBuffer>().map(|b| Uint8Array::new(&b).to_vec()).unwrap_or_default();
    let kind = backend.as_string().and_then(|k| crate::backend::BackendKind::parse(&k)).unwrap_or(crate::backend::BackendKind::Jaeger);
    let o = Object::new();
    set(&o, "kind", &"found".into());
    set(&o, "id", &id);
    set(&o, "result", &crate::backend::search::summaries_text(kind, &bytes).into());
    post(&o, None);
}

/// Adjusts the kept set for clock skew (or takes the adjustment out) when it is set
/// `load_id`, which from now on answers as `new_id`, and sends the page the set's new
/// snapshot with where the spans went (`moves`: old, new index pairs, flat); what was
/// computed for the set before goes. A set the worker no longer keeps (a newer load
/// replaced it) gets an answer with neither, so that the page stops waiting.
fn skew(load_id: f64, new_id: f64, on: bool) {
    let o = Object::new();
    set(&o, "kind", &"skewed".into());
    set(&o, "load_id", &load_id.into());
    set(&o, "new_id", &new_id.into());
    let sent = SET.with(|s| {
        let mut s = s.borrow_mut();
        let (id, trace_set) = s.as_mut().filter(|(id, _)| *id == load_id)?;
        let relayout = crate::analysis::skew::set_adjusted(trace_set, on);
        *id = new_id;
        let snap = js_buffer(snapshot::encode(trace_set));
        let flat: Vec<u32> = relayout.moves.iter().flat_map(|&(old, new)| [old, new]).collect();
        let moves = js_sys::Uint32Array::new_with_length(flat.len() as u32);
        moves.copy_from(&flat);
        set(&o, "snapshot", &snap);
        set(&o, "moves", &moves.buffer());
        Some(Array::of2(&snap, &moves.buffer()))
    });
    if sent.is_some() {
        crate::ui::offload::host::drop_results();
    }
    post(&o, sent.as_ref());
}

/// Memory the parse, build and encode of an input use beyond the input itself, per input
/// byte (the worker holds 99 MB after loading 39.5 MB of Jaeger JSON); the read touches this
/// much ahead (see [`Prefault`]).
const PARSE_BYTES_PER_INPUT_BYTE: f64 = 1.25;

/// Reads every input into worker memory; `Err` is a message for a person. While the browser
/// reads, the worker touches the memory the parse will need.
async fn read_inputs(id: f64, inputs: &[(String, Option<Blob>)]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let total: f64 = inputs.iter().filter_map(|(_, b)| b.as_ref()).map(Blob::size).sum();
    // Every input's buffer first, then the memory touched ahead above them.
    let mut buffers: Vec<Vec<u8>> = inputs.iter().map(|(_, b)| Vec::with_capacity(b.as_ref().map_or(0.0, Blob::size) as usize)).collect();
    let mut ahead = Prefault::new((total * PARSE_BYTES_PER_INPUT_BYTE) as usize);
    let mut done = 0.0;
    let mut out = Vec::with_capacity(inputs.len());
    for ((name, blob), mut bytes) in inputs.iter().zip(buffers.drain(..)) {
        if let Some(b) = blob {
            read_blob(id, name, b, &mut bytes, &mut ahead, &mut done, total).await?;
        }
        if LATEST.with(|l| l.get()) != id {
            return Ok(Vec::new());
        }
        out.push((name.clone(), bytes));
    }
    ahead.release();
    Ok(out)
}

/// Bytes read between two progress messages.
const PROGRESS_BYTES: f64 = 4e6;

/// Streams one Blob into `bytes`, chunk by chunk as the browser reads it (the chunks are
/// copied once, into wasm memory), and touches as much memory `ahead` per chunk while the
/// next one is read. Stops early when a newer load is asked for.
async fn read_blob(
    id: f64,
    name: &str,
    blob: &Blob,
    bytes: &mut Vec<u8>,
    ahead: &mut Prefault,
    done: &mut f64,
    total: f64,
) -> Result<(), String> {
    let failed = |e: &JsValue| format!("{name}: the file could not be read ({}). Try choosing it again.", js_error_text(e));
    progress(id, &format!("Reading {name}"), Some(*done));
    let mut len = 0usize;
    let mut reported = *done;
    let reader = ReadableStreamDefaultReader::new(&blob.stream()).map_err(|e| failed(&e))?;
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(|e| failed(&e))?;
        if LATEST.with(|l| l.get()) != id {
            let _ = reader.cancel();
            return Ok(());
        }
        if Reflect::get(&chunk, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true) {
            break;
        }
        let Ok(value) = Reflect::get(&chunk, &"value".into()).and_then(|v| v.dyn_into::<Uint8Array>()) else {
            return Err(failed(&"the browser gave no bytes".into()));
        };
        let n = value.length() as usize;
        // Grown chunk by chunk within the capacity reserved (more if the file grew since it
        // was picked), so that its pages are mapped while the browser reads.
        bytes.resize(len + n, 0);
        value.copy_to(&mut bytes[len..len + n]);
        len += n;
        ahead.touch(n);
        *done += n as f64;
        if *done - reported >= PROGRESS_BYTES && *done < total {
            reported = *done;
            progress(id, &format!("Reading {name}"), Some(*done));
        }
    }
    bytes.truncate(len);
    Ok(())
}

/// Parses the inputs and builds the set, with where each span lies in its input.
fn build(id: f64, inputs: &[(String, Vec<u8>)], marks: &Marks) -> Result<(TraceSet, SpanPlaces), parse::LoadError> {
    if inputs.is_empty() {
        return Err(parse::LoadError::NoInput);
    }
    let mut b = SetBuilder::new();
    let n = inputs.len();
    for (k, (name, bytes)) in inputs.iter().enumerate() {
        let mb = bytes.len() as f64 / 1e6;
        let what = if n > 1 { format!("Parsing {name} ({mb:.1} MB, file {} of {n})", k + 1) } else { format!("Parsing {name} ({mb:.1} MB)") };
        progress(id, &what, None);
        parse::read_input(&mut b, name, bytes, None)?;
    }
    marks.mark("w_parsed");
    progress(id, &format!("Building the span tree ({})", crate::format::count(b.spans.len() as u64, "span")), None);
    let places = SpanPlaces::take(&mut b);
    let set = b.finish();
    marks.mark("w_built");
    Ok((set, places))
}

/// Snapshot bytes as a JS buffer to transfer to the page (one copy out of wasm memory;
/// the bytes are freed as soon as it is made).
fn js_buffer(bytes: Vec<u8>) -> ArrayBuffer {
    let arr = Uint8Array::new_with_length(bytes.len() as u32);
    arr.copy_from(&bytes);
    arr.buffer()
}

/// Sends the set to the page as a snapshot (transferred, not copied) and keeps the set.
fn answer(id: f64, trace_set: TraceSet, t0: f64, marks: &Marks) {
    progress(id, &format!("Packing {} for the page", crate::format::count(trace_set.spans.len() as u64, "span")), None);
    let bytes = snapshot::encode(&trace_set);
    marks.mark("w_encoded");
    let (spans, traces) = (trace_set.spans.len(), trace_set.traces.len());
    SET.with(|s| *s.borrow_mut() = Some((id, trace_set)));
    let buf = js_buffer(bytes);
    marks.mark("w_copied_out");
    let o = Object::new();
    set(&o, "kind", &"done".into());
    set(&o, "id", &id.into());
    set(&o, "snapshot", &buf);
    set(&o, "spans", &(spans as f64).into());
    set(&o, "traces", &(traces as f64).into());
    set(&o, "ms", &(now_ms() - t0).into());
    set(&o, "memory_bytes", &memory_bytes().into());
    marks.mark("w_posted");
    set(&o, "marks", &marks.0);
    post(&o, Some(&Array::of1(&buf)));
}

/// Spans of each generated warm-up trace: enough calls for the browser to optimize the
/// per-span code, small enough (a few ms each once optimized) to keep the worker free.
const WARM_UP_SPANS: usize = 1500;
/// Pause before each warm-up round, so that the page's own start goes first.
const WARM_UP_PAUSE_MS: u32 = 50;

/// Parses, builds and encodes a small generated trace in each format, one per task, while
/// no load is running. A browser runs new wasm code unoptimized at first and optimizes the
/// functions that turn out hot; without this the first real file is parsed mostly by the
/// unoptimized code (about twice as slow).
async fn warm_up() {
    let spans = synth::generate(GenOptions { spans: WARM_UP_SPANS, traces: 1, seed: 7 });
    for format in [GenFormat::Jaeger, GenFormat::Otlp, GenFormat::Zipkin, GenFormat::OtlpBase64] {
        gloo_timers::future::TimeoutFuture::new(WARM_UP_PAUSE_MS).await;
        while BUSY.with(|b| b.get()) {
            gloo_timers::future::TimeoutFuture::new(WARM_UP_PAUSE_MS).await;
        }
        let text = synth::encode(&spans, format);
        if let Ok(warm) = parse::load(&[("warm-up.json", text.as_bytes())], None) {
            // The page decodes it too, to warm up its own decoder.
            let buf = js_buffer(snapshot::encode(&warm));
            let o = Object::new();
            set(&o, "kind", &"warm".into());
            set(&o, "snapshot", &buf);
            post(&o, Some(&Array::of1(&buf)));
        }
    }
}

/// Worker entry: installs the message handler, says it is ready, then warms up.
pub fn run() {
    console_error_panic_hook::set_once();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(handle);
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    HANDLER.with(|h| *h.borrow_mut() = Some(on_message));
    let o = Object::new();
    set(&o, "kind", &"ready".into());
    post(&o, None);
    wasm_bindgen_futures::spawn_local(warm_up());
}
