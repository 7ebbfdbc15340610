//! Sharing and export, from the top bar's *Share* menu: the view's link (with the backend
//! and trace when it came from one) to copy, the current chart or graph as SVG or PNG, the
//! current table as CSV (the view's own CSV export), and the loaded traces as OTLP JSON
//! (built in the worker, with the ids it re-encoded listed).

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::ui::analysis::ask_once;
use crate::ui::backend::use_backend;
use crate::ui::context::use_ui;
use crate::ui::state::Tab;
use crate::ui::util::{copy_text, download};
use crate::view_model::tabs::{Request, Response};

/// The link to this view: the page's address (hash included); when the traces came from a
/// backend, with `backend=`, `base=` and the shown trace's `trace=` instead of a search.
fn share_url(trace_id: Option<String>) -> String {
    let Some(w) = web_sys::window() else { return String::new() };
    let Ok(href) = w.location().href() else { return String::new() };
    let Ok(url) = web_sys::Url::new(&href) else { return href };
    let ui = use_ui();
    let conn = use_backend().and_then(|b| b.conn.get_untracked());
    // Only a trace fetched from the connected backend (its input is named "<Kind> trace <id>")
    // gets the backend link; a file, URL or paste keeps the page's own address.
    // Ids compare without case or leading zeros (a backend may print either form).
    let fetched = |c: &crate::backend::Connection, id: &str| {
        let prefix = format!("{} trace ", c.kind.label());
        let short = |t: &str| t.trim_start_matches('0').to_ascii_lowercase();
        ui.app.loaded.with_untracked(|l| {
            l.as_ref().is_some_and(|l| l.set.sources.iter().any(|s| s.name.strip_prefix(&prefix).is_some_and(|t| short(t) == short(id))))
        })
    };
    if let (Some(c), Some(id)) = (conn, trace_id)
        && fetched(&c, &id) {
        let p = url.search_params();
        p.set("backend", c.kind.name());
        p.set("base", &c.base);
        p.set("trace", &id);
        p.delete("q");
        p.delete("service");
        p.delete("url");
        url.set_search(&p.to_string().as_string().unwrap_or_default());
    }
    url.href()
}

/// The SVG of the current view (its first chart or graph), as standalone text with the
/// computed colours and fonts written onto its elements.
fn view_svg(tab: Tab) -> Option<String> {
    let doc = web_sys::window()?.document()?;
    let svg = doc.query_selector(&format!("[data-testid=\"view-{}\"] svg", tab.name())).ok()??;
    let copy: web_sys::Element = svg.clone_node_with_deep(true).ok()?.dyn_into().ok()?;
    copy.set_attribute("xmlns", "http://www.w3.org/2000/svg").ok()?;
    let rect = svg.get_bounding_client_rect();
    if copy.get_attribute("width").is_none() {
        copy.set_attribute("width", &format!("{:.0}", rect.width())).ok()?;
        copy.set_attribute("height", &format!("{:.0}", rect.height())).ok()?;
    }
    // Styles come from the page's style sheets: copy what drawing needs onto each element.
    let w = web_sys::window()?;
    let originals = svg.query_selector_all("*").ok()?;
    let copies = copy.query_selector_all("*").ok()?;
    const PROPS: [&str; 12] = [
        "fill", "stroke", "stroke-width", "stroke-dasharray", "opacity", "fill-opacity", "stroke-opacity",
        "font-family", "font-size", "font-weight", "text-anchor", "dominant-baseline",
    ];
    for i in 0..originals.length().min(copies.length()) {
        let (Some(o), Some(c)) = (originals.item(i), copies.item(i)) else { continue };
        let (Ok(o), Ok(c)) = (o.dyn_into::<web_sys::Element>(), c.dyn_into::<web_sys::Element>()) else { continue };
        let Ok(Some(style)) = w.get_computed_style(&o) else { continue };
        let inline: String = PROPS.iter().filter_map(|p| style.get_property_value(p).ok().filter(|v| !v.is_empty()).map(|v| format!("{p}:{v};"))).collect();
        let _ = c.set_attribute("style", &inline);
    }
    let bg = w.get_computed_style(&doc.document_element()?).ok()??.get_property_value("background-color").unwrap_or_default();
    let _ = copy.set_attribute("style", &format!("background:{bg}"));
    web_sys::XmlSerializer::new().ok()?.serialize_to_string(&copy).ok()
}

/// Draws SVG text on a canvas and downloads it as PNG (at twice the CSS size).
fn download_png(svg: String, name: String) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&js_sys::Array::of1(&svg.into()), &{
        let o = web_sys::BlobPropertyBag::new();
        o.set_type("image/svg+xml");
        o
    }) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    let Ok(img) = web_sys::HtmlImageElement::new() else { return };
    let img2 = img.clone();
    let url2 = url.clone();
    let onload = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url2);
        let (w, h) = (img2.natural_width().max(1), img2.natural_height().max(1));
        let Ok(canvas) = doc.create_element("canvas") else { return };
        let Ok(canvas) = canvas.dyn_into::<web_sys::HtmlCanvasElement>() else { return };
        canvas.set_width(w * 2);
        canvas.set_height(h * 2);
        let Ok(Some(ctx)) = canvas.get_context("2d") else { return };
        let Ok(ctx) = ctx.dyn_into::<web_sys::CanvasRenderingContext2d>() else { return };
        let _ = ctx.scale(2.0, 2.0);
        let _ = ctx.draw_image_with_html_image_element(&img2, 0.0, 0.0);
        if let Ok(data) = canvas.to_data_url_with_type("image/png") {
            crate::ui::util::download_url(&name, &data);
        }
    });
    img.set_onload(Some(onload.unchecked_ref()));
    let onerror = Closure::once_into_js(move || web_sys::console::warn_1(&"clew: the chart could not be drawn as PNG".into()));
    img.set_onerror(Some(onerror.unchecked_ref()));
    img.set_src(&url);
}

#[component]
pub fn ShareMenu() -> impl IntoView {
    let ui = use_ui();
    let open = RwSignal::new(false);
    let link = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let changes = RwSignal::new(Vec::<String>::new());
    let trace_id = move || {
        ui.app.loaded.with_untracked(|l| {
            l.as_ref().and_then(|l| l.set.traces.get(ui.app.trace.get_untracked()).map(|t| t.trace_id.to_text(&l.set.strings)))
        })
    };
    let has_svg = move || !matches!(ui.app.tab.get(), Tab::Waterfall);
    let toggle = move |_| {
        let now = !open.get_untracked();
        if now {
            link.set(share_url(trace_id()));
            note.set(String::new());
        }
        open.set(now);
    };
    let copy = move |_| {
        let l = share_url(trace_id());
        copy_text(&l);
        link.set(l);
        note.set("Link copied.".into());
    };
    let svg = move |png: bool| {
        let tab = ui.app.tab.get_untracked();
        match view_svg(tab) {
            Some(s) if png => download_png(s, format!("clew-{}.png", tab.name())),
            Some(s) => download(&format!("clew-{}.svg", tab.name()), &s),
            None => note.set("This view has no chart or graph to export.".into()),
        }
    };
    let csv = move |_| {
        let tab = ui.app.tab.get_untracked();
        // The trace list when it is shown, else the view's main table (`<tab>-csv`), else
        // its first table with an export.
        let doc = web_sys::window().and_then(|w| w.document());
        let find = |sel: String| doc.as_ref().and_then(|d| d.query_selector(&sel).ok().flatten());
        // (The list page is mounted only while it is shown.)
        let button = find("[data-testid=\"trace-list-page\"] [data-testid=\"trace-list-csv\"]".into())
            .or_else(|| find(format!("[data-testid=\"view-{0}\"] [data-testid=\"{0}-csv\"]", tab.name())))
            .or_else(|| find(format!("[data-testid=\"view-{}\"] [data-testid$=\"-csv\"]", tab.name())))
            .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok());
        match button {
            Some(b) => b.click(),
            None => note.set("This view has no table with a CSV export.".into()),
        }
    };
    let otlp = move |_| {
        note.set("Building the OTLP JSON…".into());
        ask_once(ui.app, Request::ExportOtlp { traces: None }, move |r| {
            if let Response::Export { json, id_changes } = r {
                download("clew-traces.otlp.json", &json);
                note.set(if id_changes.is_empty() {
                    "Exported; every id was valid OTLP hex.".into()
                } else {
                    format!("Exported; {} ids were not valid OTLP hex and were re-encoded:", id_changes.len())
                });
                changes.set(id_changes);
            }
        });
    };
    view! {
        <div class="share">
            <button data-testid="share" aria-haspopup="true" aria-expanded=move || if open.get() { "true" } else { "false" }
                aria-controls="share-menu" on:click=toggle>"Share"</button>
            <Show when=move || open.get()>
                <div class="share-menu" id="share-menu" data-testid="share-menu" role="group" aria-label="Share and export"
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { open.set(false) }>
                    <label class="share-link">"Link to this view "
                        <input readonly data-testid="share-link" prop:value=move || link.get()/></label>
                    <button data-testid="share-copy-link" on:click=copy>"Copy link"</button>
                    <button data-testid="share-svg" disabled=move || !has_svg() on:click=move |_| svg(false)>"Chart as SVG"</button>
                    <button data-testid="share-png" disabled=move || !has_svg() on:click=move |_| svg(true)>"Chart as PNG"</button>
                    <button data-testid="share-csv" on:click=csv>"Table as CSV"</button>
                    <button data-testid="share-otlp" on:click=otlp>"Traces as OTLP JSON"</button>
                    <p class="share-note" role="status" data-testid="share-note">{move || note.get()}</p>
                    <Show when=move || changes.with(|c| !c.is_empty())>
                        <ul class="share-changes" data-testid="share-id-changes">
                            {move || changes.get().into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                        </ul>
                    </Show>
                </div>
            </Show>
        </div>
    }
}
