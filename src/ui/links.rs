//! Link templates on the page (wasm32 only): the templates saved in the browser, or
//! those of the `?links=<URL of a JSON file>` parameter for this page load, in; the
//! resolved links of a span (detail panel) or a trace (header) out, plus the settings
//! dialog that edits and saves them. Resolution is `view_model::links`.

use leptos::html;
use leptos::prelude::*;

use crate::ui::focus::{dialog_keydown, dialog_opened};
use crate::ui::util::{js_error_text, local_get, local_remove, local_set};
use crate::view_model::links::{parse_templates, span_links, trace_links, LinkTemplate, ResolvedLink};

/// Where the saved templates live (localStorage).
const STORE_KEY: &str = "clew.linkTemplates";

/// The templates in use and the settings dialog's state.
#[derive(Clone, Copy)]
pub struct Links {
    pub templates: RwSignal<Vec<LinkTemplate>>,
    /// Why the `?links=` file could not be used.
    pub error: RwSignal<Option<String>>,
    pub dialog: RwSignal<bool>,
}

/// Reads the saved templates, then (when given) fetches `?links=`, and provides the
/// [`Links`] context.
pub fn provide_links() {
    let saved = local_get(STORE_KEY).and_then(|t| parse_templates(&t).ok()).unwrap_or_default();
    let links = Links { templates: RwSignal::new(saved), error: RwSignal::new(None), dialog: RwSignal::new(false) };
    provide_context(links);
    match links_param() {
        Ok(None) => {}
        Ok(Some(url)) => {
            wasm_bindgen_futures::spawn_local(async move {
                match fetch_text(&url).await.and_then(|t| parse_templates(&t)) {
                    Ok(list) => links.templates.set(list),
                    Err(e) => links.error.set(Some(format!("links={url}: {e}"))),
                }
            });
        }
        Err(e) => links.error.set(Some(e)),
    }
}

/// The `?links=` parameter resolved against the page, when it is an http(s) URL.
fn links_param() -> Result<Option<String>, String> {
    let Some(w) = web_sys::window() else { return Ok(None) };
    let search = w.location().search().unwrap_or_default();
    let params = web_sys::UrlSearchParams::new_with_str(&search).map_err(|e| js_error_text(&e))?;
    let Some(raw) = params.get("links").filter(|r| !r.trim().is_empty()) else { return Ok(None) };
    let page = w.location().href().ok();
    crate::url::http_url(&raw, page.as_deref()).map(Some).map_err(|p| p.message("links=", &raw))
}

async fn fetch_text(url: &str) -> Result<String, String> {
    let res = gloo_net::http::Request::get(url).send().await.map_err(|e| e.to_string())?;
    if !res.ok() {
        return Err(format!("HTTP {}", res.status()));
    }
    res.text().await.map_err(|e| e.to_string())
}

fn link_items(list: Vec<ResolvedLink>) -> impl IntoView {
    list.into_iter()
        .map(|l| {
            view! {
                <li><a data-testid="link-template" href=l.href.clone() target="_blank" rel="noopener noreferrer" title=l.href>{l.text}</a></li>
            }
        })
        .collect_view()
}

/// The template links of one span (nothing when there are none).
#[component]
pub fn SpanLinks(span: u32) -> impl IntoView {
    let links = expect_context::<Links>();
    let app = expect_context::<crate::ui::state::AppState>();
    move || {
        let list = app.loaded.with(|l| l.as_ref().map(|l| links.templates.with(|t| span_links(&l.set, span, t))).unwrap_or_default());
        (!list.is_empty()).then(|| {
            view! {
                <section class="template-links" data-testid="detail-template-links">
                    <h4>"Open in"</h4>
                    <ul class="link-list">{link_items(list)}</ul>
                </section>
            }
        })
    }
}

/// The trace's template links and the button that opens the settings, for the header.
#[component]
pub fn TraceLinks(trace: usize) -> impl IntoView {
    let links = expect_context::<Links>();
    let app = expect_context::<crate::ui::state::AppState>();
    let list = move || {
        app.loaded.with(|l| l.as_ref().map(|l| links.templates.with(|t| trace_links(&l.set, trace, t))).unwrap_or_default())
    };
    view! {
        <div class="trace-links">
            <ul class="link-list">{move || link_items(list())}</ul>
            {move || links.error.get().map(|e| view! { <span class="bad" role="alert" data-testid="links-error">{e}</span> })}
            <button class="link" data-testid="links-settings" on:click=move |_| links.dialog.set(true)>"Link templates…"</button>
            <Show when=move || links.dialog.get()><LinksDialog/></Show>
        </div>
    }
}

/// Edit the templates as JSON; Save checks and stores them in the browser.
#[component]
fn LinksDialog() -> impl IntoView {
    let links = expect_context::<Links>();
    let dialog = NodeRef::<html::Div>::new();
    dialog_opened(dialog);
    let current = links.templates.with_untracked(|t| serde_json::to_string_pretty(t).unwrap_or_default());
    let text = RwSignal::new(if current == "[]" { String::new() } else { current });
    let error = RwSignal::new(None::<String>);
    let close = move || links.dialog.set(false);
    let save = move |_| {
        let t = text.get_untracked();
        if t.trim().is_empty() {
            local_remove(STORE_KEY);
            links.templates.set(Vec::new());
            close();
            return;
        }
        match parse_templates(&t) {
            Ok(list) => {
                local_set(STORE_KEY, &t);
                links.templates.set(list);
                close();
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let example = r##"[{"type":"traceId","url":"https://grafana.example/explore?left=…#{trace_id}…","text":"Logs"}]"##;
    view! {
        <div class="dialog-backdrop" on:click=move |_| close()>
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="links-title" data-testid="links-dialog" node_ref=dialog
                on:click=|ev| ev.stop_propagation()
                on:keydown=move |ev| if let Some(d) = dialog.get_untracked() { dialog_keydown(&d, &ev, close) }>
                <h2 id="links-title">"Link templates"</h2>
                <p class="muted">"A JSON list of {type, key, url, text}: type is tags, process, logs or traceId; "
                    <code>"#{…}"</code>" takes a span or resource attribute, trace_id, span_id, service.name, start, end (ms) or start_iso, end_iso. Values are URL-encoded; only http(s) links are made. Saved in this browser."</p>
                <textarea data-testid="links-json" rows="10" spellcheck="false" aria-label="Link templates as JSON" placeholder=example
                    prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                {move || error.get().map(|e| view! { <p class="bad" role="alert" data-testid="links-dialog-error">{e}</p> })}
                <div class="buttons">
                    <button data-testid="links-cancel" on:click=move |_| close()>"Cancel"</button>
                    <button class="primary" data-testid="links-save" on:click=save>"Save"</button>
                </div>
            </div>
        </div>
    }
}
