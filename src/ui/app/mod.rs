//! The app shell: top bar (open, add, paste, trace navigation, tabs, theme, help), the
//! load status, drag and drop, dialogs, and the test-contract attributes on the root
//! element (`data-loaded-spans`, `data-loaded-traces`, `data-load-error`). A set the
//! loader delivers is put on screen by [`session::install`].

pub mod dialogs;
pub mod session;

use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::format;
use crate::ui::analysis::critical_path::CriticalPathView;
use crate::ui::analysis::flame::FlameView;
use crate::ui::analysis::spans::SpansView;
use crate::ui::analysis::graph::GraphView;
use crate::ui::analysis::patterns::PatternsView;
use crate::ui::analysis::stats::StatsView;
use crate::ui::app::dialogs::{HelpDialog, PasteDialog};
use crate::ui::context::{use_ui, Dialog, LoadCtx, Status, Theme, Ui};
use crate::ui::detail::DetailPanel;
use crate::ui::embed;
use crate::ui::focus;
use crate::ui::header::TraceHeader;
use crate::ui::llm::view::LlmView;
use crate::ui::loader;
use crate::ui::state::{AppState, Tab};
use crate::ui::traces::list::TraceListPage;
use crate::ui::traces::{self, ListState, TraceNav};
use crate::ui::util::{self, typing_in_field};
use crate::ui::waterfall::state::{WfDerived, WfState};
use crate::ui::waterfall::{self, find, keys, Waterfall};
use crate::view_model::embed::ForcedTheme;

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
                <button class="dismiss" aria-label="Dismiss" on:click=move |_| ui.load.status.set(Status::Idle)>{crate::ui::icons::close()}</button>
            </div>
        }
        .into_any(),
    }
}

#[component]
fn Tabs() -> impl IntoView {
    let ui = use_ui();
    // Left / right (and Home / End) move between the tabs, as in the ARIA tabs pattern;
    // Tab reaches each of them too.
    let on_key = move |ev: ev::KeyboardEvent| {
        let cur = Tab::ALL.iter().position(|&t| t == ui.app.tab.get_untracked()).unwrap_or(0);
        let Some(next) = crate::view_model::a11y::tab_step(&ev.key(), cur, Tab::ALL.len()) else { return };
        ev.prevent_default();
        ev.stop_propagation();
        let t = Tab::ALL[next];
        ui.app.tab.set(t);
        focus::focus_by_id(&format!("tab-{}", t.name()));
    };
    view! {
        <nav class="tabs" aria-label="Views">
            <div role="tablist" aria-label="Views" on:keydown=on_key>
                {Tab::ALL.into_iter().map(|t| view! {
                    <button role="tab" id=format!("tab-{}", t.name()) data-testid=format!("tab-{}", t.name())
                        aria-selected=move || if ui.app.tab.get() == t { "true" } else { "false" }
                        class:active=move || ui.app.tab.get() == t
                        on:click=move |_| ui.app.tab.set(t)>{t.label()}</button>
                }).collect_view()}
            </div>
        </nav>
    }
}

#[component]
fn Main() -> impl IntoView {
    let ui = use_ui();
    let has = move || ui.app.loaded.with(|l| l.is_some());
    let detail_shown = move || ui.wf.detail_open.get() && ui.app.selected.get().is_some() && ui.app.tab.get() == Tab::Waterfall;
    let list_shown = move || ui.list.shown.get() && ui.list.has_list(ui.app);
    // A backend's search results are listed before any trace is loaded.
    let found_only = move || ui.list.found.with(|f| !f.is_empty());
    // Once a trace has been opened its views stay mounted behind the list.
    Effect::new(move |_| {
        if !list_shown() && !ui.list.trace_views.get_untracked() {
            ui.list.trace_views.set(true);
        }
    });
    view! {
        <Show when=has fallback=move || view! { <Show when=found_only fallback=|| view! { <Welcome/> }><TraceListPage/></Show> }>
            <h1 class="visually-hidden">"Clew trace viewer"</h1>
            <Show when=list_shown>
                <TraceListPage/>
            </Show>
            // A trace's views stay mounted behind the list, as they were, once a trace has
            // been opened (a load that opens on the list renders the list alone).
            <Show when=move || ui.list.trace_views.get() || !list_shown()>
            <div class="trace-views" class:hidden-view=list_shown>
            <TraceHeader/>
            <div class="main" class:with-detail=detail_shown>
                <div class="view">
                    // The waterfall stays mounted (hidden on other tabs): its scroll,
                    // zoom, expansion and selection are there when it comes back.
                    <Waterfall/>
                    {move || match ui.app.tab.get() {
                        Tab::Waterfall => ().into_any(),
                        Tab::Flamegraph => view! { <FlameView/> }.into_any(),
                        Tab::Spans => view! { <SpansView/> }.into_any(),
                        Tab::CriticalPath => view! { <CriticalPathView/> }.into_any(),
                        Tab::Graph => view! { <GraphView/> }.into_any(),
                        Tab::Patterns => view! { <PatternsView/> }.into_any(),
                        Tab::Stats => view! { <StatsView/> }.into_any(),
                        Tab::Llm => view! { <LlmView/> }.into_any(),
                    }}
                </div>
                <Show when=detail_shown>
                    <DetailPanel/>
                </Show>
            </div>
            </div>
            </Show>
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
            } else if crate::ui::backend::from_url() {
                "Connected to a trace backend: search above, or add &trace=<id> to the address to open one trace."
            } else if embed::params().embed {
                "Waiting for a trace from the host page (postMessage) or a ?url= parameter."
            } else {
                "Drop trace files here, open them, paste JSON, or add ?url=https://… to the address."
            }}</p>
            <p class="muted">{format!("Reads {}. Nothing leaves your browser.", crate::parse::READABLE_FORMATS)}</p>
        </div>
    }
}

#[component]
pub fn App() -> impl IntoView {
    let app = AppState::new();
    let wf_state = WfState::new();
    let derived = WfDerived::new(app, wf_state);
    let params = embed::params();
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
        list: ListState::new(app),
    };
    provide_context(ui);
    provide_context(app);
    crate::ui::links::provide_links();

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
    session::sync_hash(ui);
    traces::follow_history(ui);
    // Sets the loader delivers go on screen.
    Effect::new(move |_| {
        if let Some(loaded) = ui.load.delivered.get() {
            untrack(|| session::install(ui, loaded));
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

    let keydown = window_event_listener(ev::keydown, move |ev| keys::on_key(ui, ev));
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
        keydown.remove();
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
        if let Some(files) = ev.data_transfer().and_then(|d| d.files())
            && files.length() > 0 {
                loader::load_files(ui, files, ev.shift_key());
            }
    };

    crate::ui::embed::install(ui);
    crate::ui::backend::install(ui);
    session::initial_load(ui);

    let loaded_spans = move || ui.load.painted.get().map(|p| p.0.to_string());
    let loaded_traces = move || ui.load.painted.get().map(|p| p.1.to_string());
    let load_error = move || match ui.load.status.get() {
        Status::Error(m) => Some(m),
        _ => None,
    };
    let loading = move || matches!(ui.load.status.get(), Status::Loading { .. }).then_some("true");
    let announce = move || {
        ui.load.painted.get().map(|(spans, traces)| {
            format!(
                "Loaded {} span{} in {} trace{}",
                format::thousands(spans as u64),
                if spans == 1 { "" } else { "s" },
                format::thousands(traces as u64),
                if traces == 1 { "" } else { "s" }
            )
        })
    };
    let sources = move || {
        ui.app.loaded.with(|l| {
            l.as_ref().map(|l| {
                let n = l.names.len();
                let first = l.names.first().cloned().unwrap_or_default();
                let spans = format::count(l.set.spans.len() as u64, "span");
                if n > 1 { format!("{first} +{} more · {spans}", n - 1) } else { format!("{first} · {spans}") }
            })
        })
    };

    view! {
        <div id="clew" class="app" class:embed=embed data-testid="app" data-embed=embed.then_some("1")
            data-loaded-spans=loaded_spans data-loaded-traces=loaded_traces data-load-error=load_error aria-busy=loading
            on:dragover=move |ev: ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
            on:dragleave=move |ev: ev::DragEvent| { if ev.related_target().is_none() { dragging.set(false) } }
            on:drop=on_drop>
            {show_topbar.then(|| view! {
                <header class="topbar" data-testid="topbar">
                    {(!embed).then(|| view! {
                        <span class="brand" title="Clew — trace viewer">"Clew"</span>
                        <button class="primary" data-testid="open-files" title="Open trace files (replaces what is loaded)" on:click=move |_| open_files(false)>"Open files…"</button>
                        <button data-testid="add-files" title="Add trace files to what is loaded" on:click=move |_| open_files(true)>"Add files…"</button>
                        <button data-testid="paste-json" title="Paste trace JSON" on:click=move |_| ui.dialog.set(Dialog::Paste)>"Paste JSON"</button>
                        <button data-testid="connect" title="Connect to Jaeger, Tempo or Zipkin" on:click=move |_| ui.dialog.set(Dialog::Connect)>"Connect…"</button>
                        <span class="sources muted" data-testid="sources" title=sources>{sources}</span>
                    })}
                    <TraceNav/>
                    <span class="spacer"></span>
                    <Show when=move || !(ui.list.shown.get() && ui.list.has_list(ui.app))>
                        <Tabs/>
                    </Show>
                    {(!embed).then(|| view! {
                        <button class="icon" data-testid="theme-toggle" title="Toggle light/dark theme"
                            aria-label=move || if dark_now() { "Switch to light theme" } else { "Switch to dark theme" }
                            on:click=toggle_theme>{move || if dark_now() { crate::ui::icons::sun().into_any() } else { crate::ui::icons::moon().into_any() }}</button>
                    })}
                    <crate::ui::share::ShareMenu/>
                    <button class="icon" data-testid="help" title="Keyboard shortcuts (?)" aria-label="Help" on:click=move |_| ui.dialog.set(Dialog::Help)>"?"</button>
                </header>
            })}
            <main class="content">
                // The one file input stays in the page in every mode (the test contract).
                <input type="file" multiple accept=".json,.jsonl,.ndjson,.txt,application/json" class="visually-hidden"
                    node_ref=file_input data-testid="file-input" aria-label="Trace files" tabindex="-1" on:change=on_file_change />
                <StatusBanner/>
                <crate::ui::backend::panel::BackendPanel/>
                <Main/>
                // Read out by screen readers when a load finishes (errors are an alert in the banner).
                <p class="visually-hidden" role="status" data-testid="load-announce">{announce}</p>
            </main>
            {move || match ui.dialog.get() {
                Dialog::None => ().into_any(),
                Dialog::Paste => view! { <PasteDialog/> }.into_any(),
                Dialog::Help => view! { <HelpDialog/> }.into_any(),
                Dialog::Connect => view! { <crate::ui::backend::connect::ConnectDialog/> }.into_any(),
            }}
            <Show when=move || dragging.get()>
                <div class="drop-overlay" aria-hidden="true">"Drop trace files to open them (hold Shift to add)"</div>
            </Show>
        </div>
    }
}
