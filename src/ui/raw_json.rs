//! The detail panel's raw JSON section: a span in; asked of the worker (which keeps the
//! inputs), its exact input text and its normalized JSON out, in two tabs with a copy
//! button. Texts are text nodes, never markup; a long one shows its first
//! [`raw::SHOWN_BYTES`] and says so, while Copy copies all of it.

use leptos::ev;
use leptos::prelude::*;

use crate::ui::context::use_ui;
use crate::ui::focus;
use crate::ui::offload::channel::channel;
use crate::ui::util::copy_text;
use crate::view_model::a11y::tab_step;
use crate::view_model::tabs::raw::{self, RawSpanData};
use crate::view_model::tabs::{Request, Response};

/// Which text the section shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RawTab {
    Input,
    Normalized,
}

impl RawTab {
    const ALL: [RawTab; 2] = [RawTab::Input, RawTab::Normalized];
    fn name(self) -> &'static str {
        match self {
            RawTab::Input => "input",
            RawTab::Normalized => "normalized",
        }
    }
    fn label(self) -> &'static str {
        match self {
            RawTab::Input => "Input text",
            RawTab::Normalized => "Normalized",
        }
    }
}

/// What the section remembers from span to span: whether it is open, and its tab.
#[derive(Clone, Copy)]
pub struct RawState {
    pub open: RwSignal<bool>,
    pub tab: RwSignal<RawTab>,
}

impl Default for RawState {
    /// Closed, on the input text.
    fn default() -> RawState {
        RawState { open: RwSignal::new(false), tab: RwSignal::new(RawTab::Input) }
    }
}

/// A text as shown: its first part in a scrollable block, and a line when it was cut.
fn text_block(text: &str, testid: &'static str, label: String) -> impl IntoView + use<> {
    let (part, cut) = raw::shown(text);
    let total = text.len();
    view! {
        <pre class="raw-text" data-testid=testid tabindex="0" aria-label=label>{part.to_string()}</pre>
        {cut.then(|| view! {
            <p class="raw-cut" data-testid="raw-json-cut">
                {format!("Showing the first {} KiB of {} KiB; Copy copies all of it.", raw::SHOWN_BYTES / 1024, total.div_ceil(1024))}
            </p>
        })}
    }
}

/// The body of the active tab.
fn tab_body(d: &RawSpanData, tab: RawTab) -> AnyView {
    match (tab, &d.input) {
        (RawTab::Normalized, _) => text_block(&d.normalized, "raw-json-text", "Normalized JSON of the span".into()).into_any(),
        (RawTab::Input, Err(why)) => view! { <p class="none" data-testid="raw-json-none">{why.clone()}</p> }.into_any(),
        (RawTab::Input, Ok(t)) => {
            let meta = format!("{}, byte {}, {} bytes", t.source, t.offset, t.text.len());
            let notes = t.notes.iter().map(|n| view! { <li data-testid="raw-json-note">{n.clone()}</li> }).collect_view();
            let related = t
                .related
                .iter()
                .map(|(what, text)| {
                    let (part, _) = raw::shown(text);
                    view! {
                        <p class="raw-meta">{what.clone()}</p>
                        <pre class="raw-text" data-testid="raw-json-related" tabindex="0" aria-label=what.clone()>{part.to_string()}</pre>
                    }
                })
                .collect_view();
            view! {
                <p class="raw-meta" data-testid="raw-json-source">{meta}</p>
                {(!t.notes.is_empty()).then(|| view! { <ul class="raw-notes">{notes}</ul> })}
                {text_block(&t.text, "raw-json-text", "Input text of the span".into())}
                {related}
            }
            .into_any()
        }
    }
}

/// The raw JSON section of the detail panel for `span`.
#[component]
pub fn RawJson(span: u32, state: RawState) -> impl IntoView {
    let ui = use_ui();
    let RawState { open, tab } = state;
    let ch = channel(ui.app, move || open.get().then_some(Request::RawSpan { span }), |r| match r {
        Response::RawSpan(d) => Some(d),
        _ => None,
    });
    let on_key = move |e: ev::KeyboardEvent| {
        let cur = RawTab::ALL.iter().position(|&t| t == tab.get_untracked()).unwrap_or(0);
        let Some(t) = tab_step(&e.key(), cur, RawTab::ALL.len()).and_then(|i| RawTab::ALL.get(i).copied()) else { return };
        e.prevent_default();
        e.stop_propagation();
        tab.set(t);
        focus::focus_by_id(&format!("raw-tab-{}", t.name()));
    };
    let tabs = move || RawTab::ALL
        .into_iter()
        .map(|t| {
            view! {
                <button role="tab" id=format!("raw-tab-{}", t.name()) data-testid=format!("raw-json-tab-{}", t.name())
                    aria-selected=move || if tab.get() == t { "true" } else { "false" }
                    aria-controls="raw-json-panel"
                    tabindex=move || if tab.get() == t { "0" } else { "-1" }
                    class:active=move || tab.get() == t
                    on:click=move |_| tab.set(t)>{t.label()}</button>
            }
        })
        .collect_view();
    // The whole text of the active tab, for Copy (None while there is none).
    let copy_source = move || {
        ch.data.with(|d| {
            let d = d.as_ref().filter(|d| d.0.span == span)?;
            match tab.get() {
                RawTab::Normalized => Some(d.0.normalized.clone()),
                RawTab::Input => d.0.input.as_ref().ok().map(|t| t.text.clone()),
            }
        })
    };
    let body = move || {
        if let Some(e) = ch.error() {
            return view! { <p class="none" data-testid="raw-json-none">{e}</p> }.into_any();
        }
        ch.data.with(|d| match d.as_ref().filter(|d| d.0.span == span) {
            Some(d) => tab_body(&d.0, tab.get()),
            None => view! { <p class="none">"Reading the span's text…"</p> }.into_any(),
        })
    };
    let copy_label = move || match tab.get() {
        RawTab::Input => "Copy the input text",
        RawTab::Normalized => "Copy the normalized JSON",
    };
    let open_view = move || {
        open.get().then(|| {
            view! {
                <div class="raw-bar">
                    <div role="tablist" aria-label="Raw JSON of the span" on:keydown=on_key>{tabs()}</div>
                    <button class="raw-copy" data-testid="raw-json-copy" title=copy_label aria-label=copy_label
                        disabled=move || copy_source().is_none()
                        on:click=move |_| {
                            if let Some(t) = copy_source() {
                                copy_text(&t);
                            }
                        }>{crate::ui::icons::copy()}" Copy"</button>
                </div>
                <div role="tabpanel" id="raw-json-panel" class="raw-panel" data-testid="raw-json-panel"
                    aria-labelledby=move || format!("raw-tab-{}", tab.get().name())>{body}</div>
            }
        })
    };
    view! {
        <section class="raw-json" data-testid="raw-json" data-ready=move || if !open.get() || ch.painted() || ch.error().is_some() { "1" } else { "0" }>
            <h4>
                <button class="raw-toggle" data-testid="raw-json-toggle" aria-expanded=move || if open.get() { "true" } else { "false" }
                    on:click=move |_| open.update(|o| *o = !*o)>
                    <span class="raw-chev" class:open=move || open.get() aria-hidden="true">{crate::ui::icons::chevron_right()}</span>
                    "Raw JSON"
                </button>
            </h4>
            {open_view}
        </section>
    }
}
