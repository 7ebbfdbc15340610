//! The app shell: top bar (open, add, paste, trace picker, tabs, theme, help), the
//! load status, drag and drop, dialogs, deep-link sync, and the test-contract
//! attributes on the root element (`data-loaded-spans`, `data-loaded-traces`,
//! `data-load-error`). A set the loader delivers is put on screen by [`install`].

use std::sync::Arc;

use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::format;
use crate::model::{SpanId, TraceSet};
use crate::ui::detail::DetailPanel;
use crate::ui::header::{TraceHeader, TracePicker};
use crate::ui::context::{use_ui, Dialog, LoadCtx, Status, Theme, Ui};
use crate::ui::loader;
use crate::ui::state::{AppState, Loaded, Tab};
use crate::ui::util::{self, typing_in_field};
use crate::ui::waterfall::state::{WfDerived, WfState};
use crate::ui::waterfall::{self, find, keys, Waterfall};
use crate::view_model::deeplink::DeepLink;
use crate::view_model::embed::ForcedTheme;
use crate::view_model::waterfall as wf;

/// Where the built-in demo trace is served from (relative to the page).
pub const DEMO_URL: &str = "public/demo.json";

fn tab_name(t: Tab) -> &'static str {
    match t {
        Tab::Waterfall => "waterfall",
        Tab::CriticalPath => "critical-path",
        Tab::Graph => "graph",
        Tab::Patterns => "patterns",
        Tab::Stats => "stats",
        Tab::Llm => "llm",
    }
}

fn tab_from_name(s: &str) -> Option<Tab> {
    Some(match s {
        "waterfall" => Tab::Waterfall,
        "critical-path" => Tab::CriticalPath,
        "graph" => Tab::Graph,
        "patterns" => Tab::Patterns,
        "stats" => Tab::Stats,
        "llm" => Tab::Llm,
        _ => return None,
    })
}

fn current_hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// Finds a span of a trace by its id text (hex, or a raw id as printed).
fn find_span_by_text(set: &TraceSet, trace: usize, text: &str) -> Option<u32> {
    let t = set.traces.get(trace)?;
    if let Ok(v) = u64::from_str_radix(text, 16) {
        if text.len() <= 16 {
            if let Some(i) = set.find_span(trace, &SpanId::Hex(v)) {
                return Some(i);
            }
        }
    }
    t.spans.range().find(|&i| matches!(set.spans[i].span_id, SpanId::Raw(_)) && set.spans[i].span_id.to_text(&set.strings) == text).map(|i| i as u32)
}

/// Puts a freshly loaded set on screen, restoring the view from the URL hash.
pub fn install(ui: Ui, loaded: Arc<Loaded>) {
    let set = &loaded.set;
    let link = DeepLink::from_hash(&current_hash());
    let params = crate::ui::embed::params();
    // The hash (deep link) first, then `?trace=`.
    let trace = [link.trace.as_deref(), params.trace.as_deref()]
        .into_iter()
        .flatten()
        .find_map(|id| set.traces.iter().position(|t| t.trace_id.to_text(&set.strings).eq_ignore_ascii_case(id)))
        .unwrap_or(0);
    ui.app.span_filter.set(None);
    ui.app.span_filter_label.set(String::new());
    ui.wf.reset();
    ui.wf.find.set(link.find.clone().or_else(|| params.find.clone()).unwrap_or_default());
    ui.wf.only_matching.set(link.only_matching);
    ui.wf.detail_open.set(false);
    let mut selected = None;
    if let Some(t) = set.traces.get(trace) {
        if let Some((a, b)) = link.zoom {
            if a < t.duration_ns.max(1) {
                ui.wf.zoom.set(Some(wf::TimeWindow { start_ns: a as f64, end_ns: b.min(t.duration_ns.max(1)) as f64 }));
            }
        }
        if let Some(sid) = link.span.as_deref() {
            selected = find_span_by_text(set, trace, sid);
        }
    }
    if let Some(tab) = link.tab.as_deref().and_then(tab_from_name) {
        ui.app.tab.set(tab);
    }
    let (spans, traces) = (set.spans.len(), set.traces.len());
    ui.app.selected.set(None);
    ui.app.trace.set(trace);
    ui.app.loaded.set(Some(loaded));
    if selected.is_some() {
        ui.app.selected.set(selected);
        ui.wf.detail_open.set(true);
    }
    ui.load.status.set(Status::Idle);
    // The contract attributes go on once the first view has painted, and only for
    // the latest install: a quicker later load must not be reported with the
    // counts of an earlier one whose frames fire after it.
    let generation = INSTALLS.with(|n| {
        let mut n = n.borrow_mut();
        *n += 1;
        *n
    });
    request_animation_frame(move || {
        request_animation_frame(move || {
            let latest = INSTALLS.with(|n| *n.borrow()) == generation;
            if latest && ui.load.status.get_untracked() == Status::Idle {
                ui.load.painted.set(Some((spans, traces)));
            }
        })
    });
}

thread_local! {
    /// How many sets have been installed on the page (to match paints to installs).
    static INSTALLS: std::cell::RefCell<u64> = const { std::cell::RefCell::new(0) };
}

/// Writes the view state into the URL hash (replacing, not pushing, history).
fn sync_hash(ui: Ui) {
    Effect::new(move |_| {
        let Some(loaded) = ui.app.loaded.get() else { return };
        let set = &loaded.set;
        let trace = ui.app.trace.get();
        let Some(t) = set.traces.get(trace) else { return };
        let tab = ui.app.tab.get();
        let link = DeepLink {
            trace: Some(t.trace_id.to_text(&set.strings)),
            span: ui.app.selected.get().and_then(|s| set.spans.get(s as usize)).filter(|s| s.trace as usize == trace).map(|s| s.span_id.to_text(&set.strings)),
            zoom: ui.wf.zoom.get().map(|z| (z.start_ns.max(0.0) as u64, z.end_ns.max(0.0) as u64)),
            find: Some(ui.wf.find.get()).filter(|f| !f.trim().is_empty()),
            only_matching: ui.wf.only_matching.get(),
            tab: (tab != Tab::Waterfall).then(|| tab_name(tab).to_string()),
        };
        let h = link.to_hash();
        if current_hash().trim_start_matches('#') == h {
            return;
        }
        if let Some(w) = web_sys::window() {
            let loc = w.location();
            let url = format!("{}{}#{}", loc.pathname().unwrap_or_default(), loc.search().unwrap_or_default(), h);
            if let Ok(hist) = w.history() {
                let _ = hist.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
            }
        }
    });
}

/// Loads the `?url=` trace, or the demo when none is given (an embedded page waits
/// for its host instead).
fn initial_load(ui: Ui) {
    match loader::url_param() {
        Ok(Some(url)) => loader::load_url(ui, url),
        Ok(None) if crate::ui::embed::params().embed => {}
        Ok(None) => loader::load_url(ui, DEMO_URL.to_string()),
        Err(msg) => ui.load.status.set(Status::Error(msg)),
    }
}

#[component]
fn StatusBanner() -> impl IntoView {
    let ui = use_ui();
    move || match ui.load.status.get() {
        Status::Idle => ().into_any(),
        Status::Loading { text, done_bytes, total_bytes, .. } => {
            let pct = if total_bytes > 0.0 && done_bytes < total_bytes { Some(done_bytes / total_bytes * 100.0) } else { None };
            view! {
                <div class="status loading" role="status" data-testid="load-progress">
                    <span class="spinner" aria-hidden="true"></span>
                    <span class="text">{text}</span>
                    {(total_bytes > 0.0).then(|| view! { <span class="muted">{format!("{:.1} MB", total_bytes / 1e6)}</span> })}
                    <div class="progress" class:indeterminate=pct.is_none()>
                        <div class="fill" style=format!("width:{}%", pct.unwrap_or(35.0))></div>
                    </div>
                </div>
            }
            .into_any()
        }
        Status::Error(msg) => view! {
            <div class="status error" role="alert" data-testid="load-error">
                <strong>"Could not load the trace. "</strong>
                <span class="msg">{msg}</span>
                <span class="hint">" Try another file with Open files…, paste JSON, or drop a file on the page."</span>
                <button class="dismiss" aria-label="Dismiss" on:click=move |_| ui.load.status.set(Status::Idle)>"×"</button>
            </div>
        }
        .into_any(),
    }
}

#[component]
fn PasteDialog() -> impl IntoView {
    let ui = use_ui();
    let text = RwSignal::new(String::new());
    let area = NodeRef::<html::Textarea>::new();
    Effect::new(move |_| {
        if let Some(a) = area.get() {
            let _ = a.focus();
        }
    });
    let go = move |add: bool| {
        let t = text.get_untracked();
        ui.dialog.set(Dialog::None);
        loader::load_text(ui, t, add);
    };
    view! {
        <div class="dialog-backdrop" on:click=move |_| ui.dialog.set(Dialog::None)>
            <div class="dialog" role="dialog" aria-modal="true" aria-label="Paste trace JSON" data-testid="paste-dialog"
                on:click=|ev| ev.stop_propagation()>
                <h2>"Paste trace JSON"</h2>
                <p class="muted">"OTLP JSON, Jaeger JSON, Zipkin v2 JSON or Jaeger api_v2 JSON."</p>
                <textarea node_ref=area data-testid="paste-text" rows="14" spellcheck="false"
                    on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                <div class="buttons">
                    <button data-testid="paste-cancel" on:click=move |_| ui.dialog.set(Dialog::None)>"Cancel"</button>
                    <button data-testid="paste-add" on:click=move |_| go(true)>"Add to loaded"</button>
                    <button class="primary" data-testid="paste-load" on:click=move |_| go(false)>"Load"</button>
                </div>
            </div>
        </div>
    }
}

#[component]
fn HelpDialog() -> impl IntoView {
    let ui = use_ui();
    let keys: [(&str, &str); 13] = [
        ("↑ / ↓", "select the previous / next row"),
        ("← / →", "collapse / expand the selected span (or go to parent / child)"),
        ("Enter", "open the span details"),
        ("/", "find in trace"),
        ("Enter / Shift+Enter in find", "next / previous match"),
        ("n / N", "next / previous match"),
        ("Esc", "close a dialog or the details, clear the find"),
        ("Home / End", "first / last row"),
        ("Ctrl or Alt + wheel", "zoom the time axis at the pointer"),
        ("Shift + wheel", "pan the time axis"),
        ("drag on ruler or minimap", "zoom to a range"),
        ("0", "reset the zoom"),
        ("?", "this help"),
    ];
    view! {
        <div class="dialog-backdrop" on:click=move |_| ui.dialog.set(Dialog::None)>
            <div class="dialog help" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" data-testid="help-dialog"
                on:click=|ev| ev.stop_propagation()>
                <h2>"Keyboard and mouse"</h2>
                <table>{keys.into_iter().map(|(k, d)| view! { <tr><th><kbd>{k}</kbd></th><td>{d}</td></tr> }).collect_view()}</table>
                <h3>"Find syntax"</h3>
                <p><code>"text"</code>", "<code>"key=value"</code>", "<code>"service=api"</code>", "<code>"name:GET"</code>", "
                   <code>"duration>100ms"</code>", "<code>"error"</code>" — terms combine with AND."</p>
                <div class="buttons"><button class="primary" data-testid="help-close" on:click=move |_| ui.dialog.set(Dialog::None)>"Close"</button></div>
            </div>
        </div>
    }
}

#[component]
fn Tabs() -> impl IntoView {
    let ui = use_ui();
    let tabs = crate::ui::tabs();
    view! {
        <nav class="tabs" role="tablist" aria-label="Views">
            {tabs.into_iter().map(|(t, label)| view! {
                <button role="tab" data-testid=format!("tab-{}", tab_name(t))
                    aria-selected=move || if ui.app.tab.get() == t { "true" } else { "false" }
                    class:active=move || ui.app.tab.get() == t
                    on:click=move |_| ui.app.tab.set(t)>{label}</button>
            }).collect_view()}
        </nav>
    }
}

#[component]
fn Main() -> impl IntoView {
    let ui = use_ui();
    let has = move || ui.app.loaded.with(|l| l.is_some());
    let detail_shown = move || ui.wf.detail_open.get() && ui.app.selected.get().is_some() && ui.app.tab.get() == Tab::Waterfall;
    view! {
        <Show when=has fallback=move || view! { <Welcome/> }>
            <TraceHeader/>
            <div class="main" class:with-detail=detail_shown>
                <div class="view">
                    {move || match ui.app.tab.get() {
                        Tab::Waterfall => view! { <Waterfall/> }.into_any(),
                        other => crate::ui::other_view(other),
                    }}
                </div>
                <Show when=detail_shown>
                    <DetailPanel/>
                </Show>
            </div>
        </Show>
    }
}

#[component]
fn Welcome() -> impl IntoView {
    let ui = use_ui();
    let loading = move || matches!(ui.load.status.get(), Status::Loading { .. });
    view! {
        <div class="welcome" data-testid="welcome">
            <h1>"Clew"</h1>
            <p data-testid="welcome-text">{move || if loading() {
                "Loading…"
            } else if crate::ui::embed::params().embed {
                "Waiting for a trace from the host page (postMessage) or a ?url= parameter."
            } else {
                "Drop trace files here, open them, paste JSON, or add ?url=https://… to the address."
            }}</p>
            <p class="muted">"Reads OTLP JSON, Jaeger JSON, Zipkin v2 JSON and Jaeger api_v2 JSON. Nothing leaves your browser."</p>
        </div>
    }
}

#[component]
pub fn App() -> impl IntoView {
    let app = AppState::new();
    let wf_state = WfState::new();
    let derived = WfDerived::new(app, wf_state);
    let params = crate::ui::embed::params();
    // `?theme=` wins over the stored choice (and is not stored).
    let stored_theme = match (params.theme, util::local_get("clew-theme").as_deref()) {
        (Some(ForcedTheme::Light), _) => Theme::Light,
        (Some(ForcedTheme::Dark), _) => Theme::Dark,
        (None, Some("light")) => Theme::Light,
        (None, Some("dark")) => Theme::Dark,
        _ => Theme::Auto,
    };
    let (embed, show_topbar) = (params.embed, params.show_topbar());
    let ui = Ui {
        app,
        wf: wf_state,
        derived,
        load: LoadCtx::new(),
        theme: RwSignal::new(stored_theme),
        dialog: RwSignal::new(Dialog::None),
    };
    provide_context(ui);
    provide_context(app);

    // Theme: an attribute on <html>, CSS variables do the rest.
    Effect::new(move |_| {
        match ui.theme.get() {
            Theme::Auto => util::set_html_attr("data-theme", None),
            Theme::Light => util::set_html_attr("data-theme", Some("light")),
            Theme::Dark => util::set_html_attr("data-theme", Some("dark")),
        };
    });
    let dark_now = move || ui.theme.get().is_dark();
    let toggle_theme = move |_| {
        let next = if dark_now() { Theme::Light } else { Theme::Dark };
        util::local_set("clew-theme", if next == Theme::Dark { "dark" } else { "light" });
        ui.theme.set(next);
    };

    waterfall::follow_selection(ui);
    find::sync_find_text(ui);
    sync_hash(ui);
    // Sets the loader delivers go on screen.
    Effect::new(move |_| {
        if let Some(loaded) = ui.load.delivered.get() {
            untrack(|| install(ui, loaded));
        }
    });
    // A new trace (picker, or a jump from another view) starts unzoomed.
    Effect::new(move |prev: Option<usize>| {
        let t = ui.app.trace.get();
        if prev.is_some_and(|p| p != t) {
            ui.wf.zoom.set(None);
            ui.wf.find_pos.set(None);
        }
        t
    });

    let keys = window_event_listener(ev::keydown, move |ev| keys::on_key(ui, ev));
    let paste = window_event_listener(ev::paste, move |ev: web_sys::ClipboardEvent| {
        if typing_in_field() || ui.dialog.get_untracked() != Dialog::None {
            return;
        }
        let Some(text) = ev.clipboard_data().and_then(|d| d.get_data("text").ok()) else { return };
        let t = text.trim_start();
        if t.starts_with('{') || t.starts_with('[') {
            ev.prevent_default();
            loader::load_text(ui, text, false);
        }
    });
    on_cleanup(move || {
        keys.remove();
        paste.remove();
    });

    let file_input = NodeRef::<html::Input>::new();
    let open_files = move |add: bool| {
        ui.load.add_mode.set(add);
        if let Some(i) = file_input.get_untracked() {
            i.click();
        }
    };
    let on_file_change = move |ev: ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        if let Some(files) = input.files() {
            loader::load_files(ui, files, ui.load.add_mode.get_untracked());
        }
        input.set_value("");
        ui.load.add_mode.set(false);
    };

    let dragging = RwSignal::new(false);
    let on_drop = move |ev: ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(files) = ev.data_transfer().and_then(|d| d.files()) {
            if files.length() > 0 {
                loader::load_files(ui, files, ev.shift_key());
            }
        }
    };

    crate::ui::embed::install(ui);
    initial_load(ui);

    let loaded_spans = move || ui.load.painted.get().map(|p| p.0.to_string());
    let loaded_traces = move || ui.load.painted.get().map(|p| p.1.to_string());
    let load_error = move || match ui.load.status.get() {
        Status::Error(m) => Some(m),
        _ => None,
    };
    let loading = move || matches!(ui.load.status.get(), Status::Loading { .. }).then_some("true");
    let sources = move || {
        ui.app.loaded.with(|l| {
            l.as_ref().map(|l| {
                let n = l.names.len();
                let first = l.names.first().cloned().unwrap_or_default();
                let spans = format::thousands(l.set.spans.len() as u64);
                if n > 1 { format!("{first} +{} more · {spans} spans", n - 1) } else { format!("{first} · {spans} spans") }
            })
        })
    };

    view! {
        <div id="clew" class="app" class:embed=embed data-testid="app" data-embed=embed.then_some("1")
            data-loaded-spans=loaded_spans data-loaded-traces=loaded_traces data-load-error=load_error aria-busy=loading
            on:dragover=move |ev: ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
            on:dragleave=move |ev: ev::DragEvent| { if ev.related_target().is_none() { dragging.set(false) } }
            on:drop=on_drop>
            // The one file input stays in the page in every mode (the test contract).
            <input type="file" multiple accept=".json,.jsonl,.ndjson,.txt,application/json" class="visually-hidden"
                node_ref=file_input data-testid="file-input" aria-label="Trace files" tabindex="-1" on:change=on_file_change />
            {show_topbar.then(|| view! {
                <header class="topbar" data-testid="topbar">
                    {(!embed).then(|| view! {
                        <span class="brand" title="Clew — trace viewer">"Clew"</span>
                        <button class="primary" data-testid="open-files" title="Open trace files (replaces what is loaded)" on:click=move |_| open_files(false)>"Open files…"</button>
                        <button data-testid="add-files" title="Add trace files to what is loaded" on:click=move |_| open_files(true)>"Add files…"</button>
                        <button data-testid="paste-json" title="Paste trace JSON" on:click=move |_| ui.dialog.set(Dialog::Paste)>"Paste JSON"</button>
                        <span class="sources muted" data-testid="sources">{sources}</span>
                    })}
                    <TracePicker/>
                    <span class="spacer"></span>
                    <Tabs/>
                    {(!embed).then(|| view! {
                        <button class="icon" data-testid="theme-toggle" title="Toggle light/dark theme"
                            aria-label=move || if dark_now() { "Switch to light theme" } else { "Switch to dark theme" }
                            on:click=toggle_theme>{move || if dark_now() { "☀" } else { "☾" }}</button>
                    })}
                    <button class="icon" data-testid="help" title="Keyboard shortcuts (?)" aria-label="Help" on:click=move |_| ui.dialog.set(Dialog::Help)>"?"</button>
                </header>
            })}
            <StatusBanner/>
            <Main/>
            {move || match ui.dialog.get() {
                Dialog::None => ().into_any(),
                Dialog::Paste => view! { <PasteDialog/> }.into_any(),
                Dialog::Help => view! { <HelpDialog/> }.into_any(),
            }}
            <Show when=move || dragging.get()>
                <div class="drop-overlay" aria-hidden="true">"Drop trace files to open them (hold Shift to add)"</div>
            </Show>
        </div>
    }
}
