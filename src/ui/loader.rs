//! Loading traces on the page: files, pasted text or a URL in; a decoded
//! [`TraceSet`](crate::model::TraceSet) in
//! [`LoadCtx::delivered`](crate::ui::context::LoadCtx::delivered) out.
//!
//! ```text
//! File/Blob ──(by reference)──▶ worker: stream into its memory, parse + build + encode
//!                                                        │
//! LoadCtx.delivered ◀─ snapshot::Decoder ◀─ ArrayBuffer ◀┘ (transferred back)
//! ```
//!
//! The page never reads the files: the worker does, so the main thread only decodes the
//! snapshot. The worker starts with the first load (or the first fetch) and stays, keeping
//! the last set, which the analysis tabs ask about. One whose memory grew past
//! [`RESTART_WORKER_ABOVE_BYTES`] (wasm memory never shrinks) is replaced at the next load.
//! On the page the snapshot is copied into wasm memory in 16 MB slices, then decoded with a resumable [`snapshot::Decoder`] in
//! slices of about [`DECODE_SLICE_MS`], yielding between them.
//!
//! The inputs of the current set stay on the page as `Blob`s (a dropped `File` is
//! one), so "Add files" can send the old inputs with the new ones. Every failure
//! ends in [`Status::Error`] with a message for a person.
//!
//! The loader does not put a set on screen itself: it publishes it and the app shell
//! installs it (`app::session::install`). The worker's handlers are owned by the
//! worker client and dropped when the next load starts.

use std::cell::RefCell;
use std::sync::Arc;

use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, MessageEvent, Worker};

use crate::model::snapshot;
use crate::parse::MAX_INPUT_BYTES;
use crate::ui::context::{Status, Ui};
use crate::ui::memory::{Prefault, PIECE_BYTES};
use crate::ui::offload;
use crate::url::http_url;
use crate::ui::state::Loaded;
use crate::ui::util::{js_error_text, now_ms, record_timing, set, yield_to_browser};

/// A worker whose memory grew past this (it never shrinks) is replaced at the next load.
pub const RESTART_WORKER_ABOVE_BYTES: f64 = 256e6;

/// Everything loaded at once must fit in the tab; beyond this the load is refused.
pub const MAX_TOTAL_BYTES: f64 = MAX_INPUT_BYTES as f64;

/// One input kept on the page.
#[derive(Clone)]
pub struct Input {
    pub name: String,
    pub blob: Blob,
}

impl Input {
    pub fn size(&self) -> f64 {
        self.blob.size()
    }
}

struct WorkerClient {
    worker: Worker,
    ready: bool,
    /// Messages waiting for the worker to be ready, in order, with the buffers they transfer.
    pending: Vec<(Object, Array)>,
    /// The worker's memory after its last load.
    memory_bytes: f64,
    /// The worker's message and error handlers, owned as long as the worker lives.
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

thread_local! {
    /// Inputs of the set on screen.
    static INPUTS: RefCell<Vec<Input>> = const { RefCell::new(Vec::new()) };
    /// Inputs of the load in flight, with its id.
    static IN_FLIGHT: RefCell<Option<(f64, Vec<Input>)>> = const { RefCell::new(None) };
    static WORKER: RefCell<Option<WorkerClient>> = const { RefCell::new(None) };
    /// A stopped worker whose handlers may still be running; dropped when the next load starts.
    static RETIRED: RefCell<Option<WorkerClient>> = const { RefCell::new(None) };
    static NEXT_ID: RefCell<f64> = const { RefCell::new(1.0) };
    /// Memory touched while the worker parses, released when its snapshot arrives.
    static AHEAD: RefCell<Option<Prefault>> = const { RefCell::new(None) };
}

/// Stamps a step of the load in flight in `window.__clewLoadMarks[name]` (page ms, as
/// `performance.now()`), for the benchmark and for people profiling in the console.
pub(crate) fn mark(name: &str, page_ms: f64) {
    let Some(w) = web_sys::window() else { return };
    let key = JsValue::from_str("__clewLoadMarks");
    let obj = match Reflect::get(&w, &key) {
        Ok(o) if o.is_object() => o,
        _ => {
            let o: JsValue = Object::new().into();
            let _ = Reflect::set(&w, &key, &o);
            o
        }
    };
    let _ = Reflect::set(&obj, &JsValue::from_str(name), &JsValue::from_f64(page_ms));
}

/// Starts a fresh set of load marks.
fn reset_marks() {
    if let Some(w) = web_sys::window() {
        let _ = Reflect::set(&w, &JsValue::from_str("__clewLoadMarks"), &Object::new());
    }
}

/// Copies the worker's marks (epoch ms) into the page's, as page ms.
fn mark_worker_steps(marks: &JsValue) {
    let Some(origin) = web_sys::window().and_then(|w| w.performance()).map(|p| p.time_origin()) else { return };
    let Ok(obj) = marks.clone().dyn_into::<Object>() else { return };
    for entry in Object::entries(&obj) {
        let pair: Array = entry.unchecked_into();
        if let (Some(name), Some(at)) = (pair.get(0).as_string(), pair.get(1).as_f64()) {
            mark(&name, at - origin);
        }
    }
}

/// Shows `msg` as the page's error: the load, if one is on its way, has failed.
pub(crate) fn fail(ui: Ui, msg: String) {
    IN_FLIGHT.with(|f| *f.borrow_mut() = None);
    // A flip of the clock-skew switch made during the load is not served: the switch
    // shows the set again (a flip the worker is serving stays on its way).
    crate::ui::skew::settle(ui);
    release_ahead();
    ui.load.painted.set(None);
    ui.load.status.set(Status::Error(msg));
}

fn set_text(ui: Ui, text: String) {
    ui.load.status.update(|s| {
        if let Status::Loading { text: t, .. } = s {
            *t = text;
        }
    });
}

/// A fresh load id: the latest one started wins, every earlier one is superseded.
fn next_id() -> f64 {
    NEXT_ID.with(|n| {
        let mut n = n.borrow_mut();
        *n += 1.0;
        *n
    })
}

/// The id of the latest load started (a fetch counts from its start): a load whose id is
/// not this one was superseded, and its outcome is never shown.
pub fn latest_load() -> f64 {
    NEXT_ID.with(|n| *n.borrow())
}

/// Loads `new` inputs: replacing the loaded set, or adding to it when `add`. Returns
/// the load's id (that of [`latest_load`] when there was nothing to load).
pub fn load_inputs(ui: Ui, new: Vec<Input>, add: bool) -> f64 {
    if new.is_empty() {
        return latest_load();
    }
    let id = next_id();
    start_load(ui, new, add, id);
    id
}

/// Starts load `id` (already the latest) of `new` inputs.
fn start_load(ui: Ui, new: Vec<Input>, add: bool, id: f64) {
    RETIRED.with(|r| r.borrow_mut().take());
    let mut inputs = if add { INPUTS.with(|i| i.borrow().clone()) } else { Vec::new() };
    inputs.extend(new);
    let total: f64 = inputs.iter().map(Input::size).sum();
    if total > MAX_TOTAL_BYTES {
        fail(
            ui,
            format!(
                "The input is too large to load: {:.0} MB in {} file(s), more than the {:.0} MB one browser tab can hold. Load fewer or smaller files.",
                total / 1e6,
                inputs.len(),
                MAX_TOTAL_BYTES / 1e6
            ),
        );
        return;
    }
    IN_FLIGHT.with(|f| *f.borrow_mut() = Some((id, inputs.clone())));
    reset_marks();
    mark("load_start", now_ms());
    ui.load.painted.set(None);
    ui.load.status.set(Status::Loading {
        text: format!("Reading {} file(s)", inputs.len()),
        started_ms: now_ms(),
        done_bytes: 0.0,
        total_bytes: total,
    });
    let names = Array::new();
    let blobs = Array::new();
    for inp in &inputs {
        names.push(&JsValue::from_str(&inp.name));
        blobs.push(&inp.blob);
    }
    let msg = Object::new();
    set(&msg, "kind", &"load".into());
    set(&msg, "id", &id.into());
    set(&msg, "names", &names);
    set(&msg, "blobs", &blobs);
    // The worker adjusts the set for clock skew as the switch is now (`ui::skew`).
    crate::ui::skew::cancel(ui.app);
    set(&msg, "skew", &ui.app.skew_adjust.get_untracked().into());
    send(ui, msg, Array::new());
    leptos::task::spawn_local(touch_ahead(id, total));
}

/// Inputs below this size are not worth touching memory ahead for.
const AHEAD_MIN_INPUT_BYTES: f64 = 4e6;
/// Memory the page needs for a set (the snapshot's copy and the decoded set), per input
/// byte: about 0.85 for Jaeger JSON, 1.2 for OTLP JSON.
const PAGE_BYTES_PER_INPUT_BYTE: f64 = 1.0;
/// Pieces touched per main-thread task.
const AHEAD_PIECES_PER_TASK: usize = 4;

/// While the worker parses, touches the memory the page will need for the set (see
/// [`Prefault`]), a few MB per task with a yield between; stops when the snapshot arrives.
async fn touch_ahead(id: f64, input_bytes: f64) {
    if input_bytes < AHEAD_MIN_INPUT_BYTES {
        return;
    }
    AHEAD.with(|a| *a.borrow_mut() = Some(Prefault::new((input_bytes * PAGE_BYTES_PER_INPUT_BYTE) as usize)));
    loop {
        yield_to_browser().await;
        let more = AHEAD.with(|a| a.borrow_mut().as_mut().is_some_and(|p| p.touch(AHEAD_PIECES_PER_TASK * PIECE_BYTES)));
        if !more || !current(id) {
            return;
        }
    }
}

/// Hands the memory touched ahead back to the allocator, for the snapshot and the set.
fn release_ahead() {
    if let Some(p) = AHEAD.with(|a| a.borrow_mut().take()) {
        mark("ahead_released", now_ms());
        record_timing("page_touched_ahead_mb", p.touched() as f64 / 1e6);
        p.release();
    }
}

/// Starts the worker unless one is running, so that it boots while the page does other
/// work (a fetch); `false` when it could not start (the load has then failed).
pub fn ensure_worker(ui: Ui) -> bool {
    if WORKER.with(|w| w.borrow().is_some()) {
        return true;
    }
    match start_worker(ui) {
        Ok(client) => {
            WORKER.with(|w| *w.borrow_mut() = Some(client));
            true
        }
        Err(e) => {
            fail(ui, format!("The background parser could not start ({e}). Reload the page; if it persists, the browser may block Web Workers."));
            false
        }
    }
}

/// Whether the worker's memory grew past [`RESTART_WORKER_ABOVE_BYTES`].
fn worker_is_big() -> bool {
    WORKER.with(|w| w.borrow().as_ref().is_some_and(|c| c.memory_bytes > RESTART_WORKER_ABOVE_BYTES))
}

/// Sends a message to the worker, transferring `transfer` (starting the worker when needed,
/// and replacing one that grew big).
fn send(ui: Ui, msg: Object, transfer: Array) {
    if worker_is_big() {
        stop_worker();
    }
    if !ensure_worker(ui) {
        return;
    }
    WORKER.with(|w| {
        if let Some(c) = w.borrow_mut().as_mut() {
            mark(if c.ready { "posted" } else { "posted_waiting_for_worker" }, now_ms());
            if c.ready {
                if let Err(e) = c.worker.post_message_with_transfer(&msg, &transfer) {
                    fail(ui, format!("Could not hand the files to the background parser: {e:?}"));
                }
            } else {
                c.pending.push((msg, transfer));
            }
        }
    });
}

fn worker_url() -> String {
    // Trunk names the worker's loader after the binary; it sits next to index.html.
    "./clew-worker_loader.js".to_string()
}

fn start_worker(ui: Ui) -> Result<WorkerClient, String> {
    let worker = Worker::new(&worker_url()).map_err(|e| format!("{e:?}"))?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| on_worker_message(ui, ev));
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    let on_error = Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |ev: web_sys::ErrorEvent| {
        ev.prevent_default();
        // The worker died (out of memory or a crash): start a fresh one next time.
        let detail = ev.message();
        offload::client::worker_gone(Some(format!(
            "The background worker stopped{}. Load the file again to see this view.",
            if detail.is_empty() { String::new() } else { format!(" ({detail})") }
        )));
        // A flip on its way is answered by no one: the switch settles on the shown set.
        crate::ui::skew::cancel(ui.app);
        stop_worker();
        fail(
            ui,
            format!(
                "The background parser stopped{}. The input may be too large for this tab; try a smaller file.",
                if detail.is_empty() { String::new() } else { format!(" ({detail})") }
            ),
        );
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok(WorkerClient { worker, ready: false, pending: Vec::new(), memory_bytes: 0.0, _on_message: on_message, _on_error: on_error })
}

/// Ends the worker (a new one starts with the next load). Its handlers are kept until
/// the next load starts, since this may run inside one of them.
fn stop_worker() {
    // Analysis requests to it are answered by no one: the views ask the next worker.
    offload::client::worker_gone(None);
    crate::ui::backend::read::worker_gone();
    let stopped = WORKER.with(|w| w.borrow_mut().take());
    if let Some(c) = stopped {
        c.worker.terminate();
        c.worker.set_onmessage(None);
        c.worker.set_onerror(None);
        RETIRED.with(|r| *r.borrow_mut() = Some(c));
    }
}

fn on_worker_message(ui: Ui, ev: MessageEvent) {
    let data = ev.data();
    let get = |k: &str| Reflect::get(&data, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
    let kind = get("kind").as_string().unwrap_or_default();
    let id = get("id").as_f64().unwrap_or(0.0);
    let current = IN_FLIGHT.with(|f| f.borrow().as_ref().map(|x| x.0));
    match kind.as_str() {
        "ready" => WORKER.with(|w| {
            mark("worker_ready", now_ms());
            if let Some(c) = w.borrow_mut().as_mut() {
                c.ready = true;
                for (msg, transfer) in std::mem::take(&mut c.pending) {
                    if let Err(e) = c.worker.post_message_with_transfer(&msg, &transfer) {
                        fail(ui, format!("Could not hand the files to the background parser: {e:?}"));
                    }
                }
            }
        }),
        // A generated set: decoding it while idle lets the browser optimize the decoder
        // before the first real snapshot arrives.
        "warm" if current.is_none() => {
            if let Ok(buf) = get("snapshot").dyn_into::<ArrayBuffer>() {
                let bytes = Uint8Array::new(&buf).to_vec();
                let _ = snapshot::decode(&bytes);
            }
        }
        "progress" if current == Some(id) => {
            let text = get("text").as_string().unwrap_or_default();
            let read = get("done_bytes").as_f64();
            ui.load.status.update(|s| {
                if let Status::Loading { text: t, done_bytes, .. } = s {
                    *t = text;
                    if let Some(b) = read {
                        *done_bytes = b;
                    }
                }
            });
        }
        // The worker stays after an error or an answer: its state is clean either way.
        "error" if current == Some(id) => {
            fail(ui, get("message").as_string().unwrap_or_else(|| "The trace could not be loaded.".into()));
        }
        "done" if current == Some(id) => {
            mark("received", now_ms());
            release_ahead();
            mark_worker_steps(&get("marks"));
            let memory = get("memory_bytes").as_f64().unwrap_or(0.0);
            record_timing("worker_memory_mb", memory / 1e6);
            WORKER.with(|w| {
                if let Some(c) = w.borrow_mut().as_mut() {
                    c.memory_bytes = memory;
                }
            });
            let Ok(buf) = get("snapshot").dyn_into::<ArrayBuffer>() else {
                fail(ui, "The background parser sent back no data.".into());
                return;
            };
            set_text(ui, "Opening the trace".into());
            leptos::task::spawn_local(finish(ui, id, buf));
        }
        // The analysis tabs' answers (ui::offload).
        "answer" => offload::client::on_answer(&data),
        // A search answer it read (ui::backend::read).
        "found" => crate::ui::backend::read::on_found(&data),
        // The set adjusted for clock skew, or back to its recorded times (ui::skew).
        "skewed" => crate::ui::skew::on_skewed(ui, &data),
        _ => {}
    }
}

/// Posts a request (an analysis, a search answer to read) to the worker, which keeps the last set it built (queued
/// while a fresh worker starts, after the set it adopts); `false` when there is no worker.
pub fn post_to_worker(msg: &Object, transfer: &Array) -> bool {
    WORKER.with(|w| {
        let mut w = w.borrow_mut();
        let Some(c) = w.as_mut() else { return false };
        if !c.ready {
            c.pending.push((msg.clone(), transfer.clone()));
            return true;
        }
        c.worker.post_message_with_transfer(msg, transfer).is_ok()
    })
}

/// [`post_to_worker`], starting the worker when there is none (a search before any load).
pub fn post_starting_worker(ui: Ui, msg: &Object, transfer: &Array) -> bool {
    ensure_worker(ui) && post_to_worker(msg, transfer)
}

/// Bytes copied from the snapshot into wasm memory per main-thread task.
const COPY_SLICE_BYTES: usize = 16 << 20;

fn current(id: f64) -> bool {
    IN_FLIGHT.with(|f| f.borrow().as_ref().map(|x| x.0)) == Some(id)
}

/// Whether a load is on its way (between its start and its set's delivery or failure).
pub fn load_in_flight() -> bool {
    IN_FLIGHT.with(|f| f.borrow().is_some())
}

/// Copies a JS buffer into wasm memory in slices, yielding between them. The buffer's
/// memory is reserved first and zeroed a slice at a time, just before the slice's copy:
/// fresh memory costs its first touch (about 100 ms for 150 MB), which is so spread
/// over the slices' tasks too.
pub(crate) async fn copy_in_slices(buf: &ArrayBuffer) -> Vec<u8> {
    let arr = Uint8Array::new(buf);
    let n = arr.length() as usize;
    let mut bytes = Vec::with_capacity(n);
    let t0 = now_ms();
    let mut busy_ms = 0.0;
    let mut start = 0usize;
    while start < n {
        let end = (start + COPY_SLICE_BYTES).min(n);
        let t = now_ms();
        bytes.resize(end, 0);
        arr.subarray(start as u32, end as u32).copy_to(&mut bytes[start..end]);
        busy_ms += now_ms() - t;
        start = end;
        if start < n {
            yield_to_browser().await;
        }
    }
    record_timing("copy_snapshot_ms", busy_ms);
    record_timing("copy_snapshot_wall_ms", now_ms() - t0);
    bytes
}

/// Records decoded per [`snapshot::Decoder::step`] call (well under a millisecond each).
const DECODE_STEP_ITEMS: usize = 16384;
/// Main-thread time spent decoding before yielding to the browser.
pub const DECODE_SLICE_MS: f64 = 30.0;

/// Decodes the snapshot in slices of about [`DECODE_SLICE_MS`], yielding between them;
/// `None` when it is no longer `wanted` (a newer load superseded it) after a yield.
pub(crate) async fn decode_in_slices(bytes: &[u8], wanted: impl Fn() -> bool) -> Option<Result<crate::model::TraceSet, snapshot::SnapshotError>> {
    let t0 = now_ms();
    let mut busy_ms = 0.0;
    let mut longest_ms: f64 = 0.0;
    let mut decoder = match snapshot::Decoder::new(bytes) {
        Ok(d) => d,
        Err(e) => return Some(Err(e)),
    };
    loop {
        let slice_start = now_ms();
        while now_ms() - slice_start < DECODE_SLICE_MS {
            match decoder.step(DECODE_STEP_ITEMS) {
                Ok(None) => {}
                Ok(Some(set)) => {
                    let slice_ms = now_ms() - slice_start;
                    record_timing("decode_ms", busy_ms + slice_ms);
                    record_timing("decode_longest_slice_ms", longest_ms.max(slice_ms));
                    record_timing("decode_wall_ms", now_ms() - t0);
                    return Some(Ok(set));
                }
                Err(e) => return Some(Err(e)),
            }
        }
        let slice_ms = now_ms() - slice_start;
        busy_ms += slice_ms;
        longest_ms = longest_ms.max(slice_ms);
        yield_to_browser().await;
        if !wanted() {
            return None;
        }
    }
}

async fn finish(ui: Ui, id: f64, buf: ArrayBuffer) {
    mark("copy_start", now_ms());
    let bytes = copy_in_slices(&buf).await;
    mark("copied", now_ms());
    if !current(id) {
        return;
    }
    let set = match decode_in_slices(&bytes, || current(id)).await {
        Some(Ok(s)) => s,
        Some(Err(e)) => {
            fail(ui, format!("The parsed trace could not be opened: {e}. This is a bug in Clew; please report it."));
            return;
        }
        None => return, // superseded by a newer load
    };
    mark("decoded", now_ms());
    drop(bytes);
    let names = set.sources.iter().map(|s| s.name.clone()).collect();
    let loaded = Arc::new(Loaded { set, names, load_id: id });
    // Put it on screen in a later task, so decoding and the first layout are two
    // main-thread tasks rather than one long one.
    yield_to_browser().await;
    if !current(id) {
        return;
    }
    let inputs = IN_FLIGHT.with(|f| f.borrow_mut().take()).map(|x| x.1).unwrap_or_default();
    INPUTS.with(|i| *i.borrow_mut() = inputs);
    mark("delivered", now_ms());
    ui.load.delivered.set(Some(loaded));
}

/// Whose cookies a fetch may carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credentials {
    /// The browser's default (`same-origin`): for the page's own `?url=` and the demo.
    SameOrigin,
    /// None at all (`omit`): for URLs a host page or a backend connection chose.
    Omit,
}

/// Fetches a URL as a Blob input.
pub async fn fetch_input(url: &str, credentials: Credentials) -> Result<Input, String> {
    let window = web_sys::window().ok_or("no window")?;
    let init = web_sys::RequestInit::new();
    if credentials == Credentials::Omit {
        init.set_credentials(web_sys::RequestCredentials::Omit);
    }
    let resp = JsFuture::from(window.fetch_with_str_and_init(url, &init)).await.map_err(|e| {
        format!(
            "Could not fetch {url}: {}. Check the address, that the server is up, and that it allows cross-origin requests (CORS).",
            js_error_text(&e)
        )
    })?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| format!("Could not fetch {url}: no response"))?;
    if !resp.ok() {
        return Err(format!(
            "Could not fetch {url}: the server answered HTTP {} {}. Check the address.",
            resp.status(),
            resp.status_text()
        ));
    }
    let blob = JsFuture::from(resp.blob().map_err(|e| js_error_text(&e))?)
        .await
        .map_err(|e| format!("Could not read the response from {url}: {}", js_error_text(&e)))?;
    let blob: Blob = blob.dyn_into().map_err(|_| format!("Could not read the response from {url}"))?;
    let name = url.split(['?', '#']).next().unwrap_or(url).rsplit('/').find(|s| !s.is_empty()).unwrap_or(url).to_string();
    Ok(Input { name, blob })
}

/// Loads a URL (the `?url=` parameter, the demo, or a host's `{clew:{url}}`), replacing
/// the set or adding to it; returns the load's id, which the fetch and the parse share.
pub fn load_url(ui: Ui, url: String, add: bool, credentials: Credentials) -> f64 {
    let request = begin_fetch(ui, format!("Fetching {url}"));
    leptos::task::spawn_local(async move {
        let result = fetch_input(&url, credentials).await;
        finish_fetch(ui, request, result, add);
    });
    request
}

/// Starts a load whose input is still being fetched (a URL, a backend's trace): the page
/// shows `text` as its progress and the worker boots meanwhile. Returns the load's id for
/// [`finish_fetch`]. A load started while the fetch runs (a drop, a pick, a host's
/// postMessage) wins: the fetched input is then dropped, not loaded over it.
pub fn begin_fetch(ui: Ui, text: String) -> f64 {
    if !ensure_worker(ui) {
        return latest_load();
    }
    ui.load.painted.set(None);
    ui.load.status.set(Status::Loading { text, started_ms: now_ms(), done_bytes: 0.0, total_bytes: 0.0 });
    next_id()
}

/// Loads the fetched input of load `request` (or shows why the fetch failed), unless a
/// newer load started meanwhile.
pub fn finish_fetch(ui: Ui, request: f64, result: Result<Input, String>, add: bool) {
    if latest_load() != request {
        return;
    }
    match result {
        Ok(input) => start_load(ui, vec![input], add, request),
        Err(e) => fail(ui, e),
    }
}

/// Loads pasted text.
pub fn load_text(ui: Ui, text: String, add: bool) {
    if text.trim().is_empty() {
        fail(ui, "The pasted text is empty. Paste the JSON of a trace export.".into());
        return;
    }
    let parts = Array::of1(&JsValue::from_str(&text));
    match Blob::new_with_str_sequence(&parts) {
        Ok(blob) => {
            load_inputs(ui, vec![Input { name: "pasted.json".into(), blob }], add);
        }
        Err(e) => fail(ui, format!("The pasted text could not be read: {}", js_error_text(&e))),
    }
}

/// Loads the files of a `FileList` (file input or drop).
pub fn load_files(ui: Ui, files: web_sys::FileList, add: bool) {
    let mut inputs = Vec::new();
    for i in 0..files.length() {
        if let Some(f) = files.get(i) {
            let name = f.name();
            inputs.push(Input { name, blob: f.into() });
        }
    }
    load_inputs(ui, inputs, add);
}

/// The `?url=` parameter, when it is an http(s) URL (resolved against the page).
pub fn url_param() -> Result<Option<String>, String> {
    let Some(w) = web_sys::window() else { return Ok(None) };
    let search = w.location().search().unwrap_or_default();
    let params = web_sys::UrlSearchParams::new_with_str(&search).map_err(|e| js_error_text(&e))?;
    let Some(raw) = params.get("url") else { return Ok(None) };
    if raw.trim().is_empty() {
        return Ok(None);
    }
    let page = w.location().href().ok();
    http_url(&raw, page.as_deref()).map(Some).map_err(|p| p.message("The url parameter", &raw))
}
