//! The prices dialog: the table in use in; edits per field, an add/replace form,
//! import by paste or by dropping a file on the dialog, export and reset out (all
//! through [`set_prices`]).

use leptos::ev;
use leptos::prelude::*;

use crate::analysis::pricing::{ModelPrice, PriceTable};
use crate::ui::focus::{dialog_keydown, dialog_opened};
use crate::ui::llm::prices::{prices, set_prices};
use crate::ui::util::download;

fn parse_rate(s: &str) -> Result<Option<f64>, String> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(Some(v)),
        _ => Err(format!("\"{t}\" is not a price (a number ≥ 0, USD per 1M tokens)")),
    }
}

fn rate_text(v: Option<f64>) -> String {
    v.map(crate::model::format_f64).unwrap_or_default()
}

/// The prices dialog: the table, editable; import by paste or drop; export; reset.
#[component]
pub fn PricesDialog(open: RwSignal<bool>) -> impl IntoView {
    let table = prices();
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let paste = RwSignal::new(String::new());
    let dragging = RwSignal::new(false);
    let close = move || open.set(false);
    let dialog = NodeRef::<leptos::html::Div>::new();
    dialog_opened(dialog);

    let import = move |text: String, from: String| match PriceTable::from_json(&text) {
        Ok(t) => {
            let n = t.models.len();
            let as_of = if t.as_of.is_empty() { "no date".to_string() } else { format!("as of {}", t.as_of) };
            set_prices(t);
            error.set(None);
            notice.set(Some(format!("Imported {n} model prices ({as_of}) from {from}.")));
        }
        Err(e) => {
            notice.set(None);
            error.set(Some(format!("{from}: {e}")));
        }
    };

    let on_drop = move |ev: ev::DragEvent| {
        ev.prevent_default();
        ev.stop_propagation();
        dragging.set(false);
        let Some(file) = ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) else { return };
        let name = file.name();
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(v) => import(v.as_string().unwrap_or_default(), name),
                Err(_) => error.set(Some(format!("{name}: the file could not be read."))),
            }
        });
    };

    // One editable row per model. Changes apply on `change` (blur or Enter).
    let rows = {
        let table = table.clone();
        move || {
            let models = table.with(|t| t.models.clone());
            models
                .into_iter()
                .map(|m| {
                    let model = m.model.clone();
                    let field = move |which: &'static str, value: Option<f64>| {
                        let model = model.clone();
                        view! {
                            <td><input type="text" inputmode="decimal" aria-label=format!("{which} price of {model}")
                                prop:value=rate_text(value)
                                on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    match parse_rate(&v) {
                                        Ok(rate) => {
                                            let mut t = prices().get_untracked();
                                            if let Some(e) = t.models.iter_mut().find(|e| e.model == model) {
                                                match which {
                                                    "input" => e.input_usd_per_mtok = rate.unwrap_or(0.0),
                                                    "cached input" => e.cached_input_usd_per_mtok = rate,
                                                    "cache write" => e.cache_write_usd_per_mtok = rate,
                                                    _ => e.output_usd_per_mtok = rate.unwrap_or(0.0),
                                                }
                                            }
                                            error.set(None);
                                            set_prices(t);
                                        }
                                        Err(e) => error.set(Some(format!("{model}, {which}: {e}"))),
                                    }
                                }/></td>
                        }
                    };
                    let remove_model = m.model.clone();
                    view! {
                        <tr>
                            <td>{m.provider.clone()}</td>
                            <td>{m.model.clone()}</td>
                            {field("input", Some(m.input_usd_per_mtok))}
                            {field("cached input", m.cached_input_usd_per_mtok)}
                            {field("cache write", m.cache_write_usd_per_mtok)}
                            {field("output", Some(m.output_usd_per_mtok))}
                            <td><button title="Remove this model" aria-label=format!("Remove {}", m.model)
                                on:click=move |_| {
                                    let mut t = prices().get_untracked();
                                    t.remove_price(&remove_model);
                                    set_prices(t);
                                }>{crate::ui::icons::close()}</button></td>
                        </tr>
                    }
                })
                .collect_view()
        }
    };

    // The "add or replace a model" form.
    let new_provider = RwSignal::new(String::new());
    let new_model = RwSignal::new(String::new());
    let new_in = RwSignal::new(String::new());
    let new_cached = RwSignal::new(String::new());
    let new_write = RwSignal::new(String::new());
    let new_out = RwSignal::new(String::new());
    let add = move |_| {
        let parsed = (|| -> Result<ModelPrice, String> {
            let model = new_model.get_untracked().trim().to_string();
            if model.is_empty() {
                return Err("give the model name".into());
            }
            let input = parse_rate(&new_in.get_untracked())?.ok_or("give the input price")?;
            let output = parse_rate(&new_out.get_untracked())?.ok_or("give the output price")?;
            let mut p = ModelPrice::new(new_provider.get_untracked().trim(), &model, input, output);
            p.cached_input_usd_per_mtok = parse_rate(&new_cached.get_untracked())?;
            p.cache_write_usd_per_mtok = parse_rate(&new_write.get_untracked())?;
            Ok(p)
        })();
        match parsed {
            Ok(p) => {
                let mut t = prices().get_untracked();
                let name = p.model.clone();
                match t.set_price(p) {
                    Ok(()) => {
                        set_prices(t);
                        error.set(None);
                        notice.set(Some(format!("Saved prices for {name}.")));
                        for s in [new_provider, new_model, new_in, new_cached, new_write, new_out] {
                            s.set(String::new());
                        }
                    }
                    Err(e) => error.set(Some(e.to_string())),
                }
            }
            Err(e) => error.set(Some(format!("New model: {e}."))),
        }
    };

    let as_of = {
        let table = table.clone();
        move || {
            table.with(|t| {
                let edited = *t != PriceTable::builtin();
                format!("{}{}", if t.as_of.is_empty() { "no date" } else { t.as_of.as_str() }, if edited { " (edited)" } else { "" })
            })
        }
    };
    let sources = {
        let table = table.clone();
        move || {
            table.with(|t| {
                t.sources.iter().map(|(k, v)| view! { <li>{k.clone()}": "{v.clone()}</li> }).collect_view()
            })
        }
    };
    let count = {
        let table = table.clone();
        move || table.with(|t| t.models.len())
    };
    let input_box = move |sig: RwSignal<String>, label: &'static str, class: &'static str| {
        view! { <input type="text" class=class placeholder=label aria-label=label prop:value=move || sig.get()
            on:input=move |ev| sig.set(event_target_value(&ev))/> }
    };

    view! {
        <div class="dialog-backdrop" on:click=move |_| close()>
            <div class="dialog prices-dialog" class:dragging=move || dragging.get() role="dialog" aria-modal="true"
                aria-labelledby="prices-title" data-testid="prices-dialog" node_ref=dialog
                on:click=|ev| ev.stop_propagation()
                on:keydown=move |ev: ev::KeyboardEvent| if let Some(d) = dialog.get_untracked() { dialog_keydown(&d, &ev, close) }
                on:dragover=move |ev: ev::DragEvent| { ev.prevent_default(); ev.stop_propagation(); dragging.set(true); }
                on:dragleave=move |ev: ev::DragEvent| { ev.stop_propagation(); if ev.related_target().is_none() { dragging.set(false) } }
                on:drop=on_drop>
                <h2 id="prices-title">"LLM prices"</h2>
                <p class="llm-note">
                    "USD per 1 million tokens. Prices as of "<strong data-testid="prices-as-of">{as_of}</strong>
                    " · "{count}" models. Verify before relying on them; edits are kept in this browser."
                </p>
                <ul class="llm-note" data-testid="prices-sources">{sources}</ul>
                <p class="llm-note">"A model name matches an entry when, lower-cased and without a provider prefix (openai/, anthropic.) or a date/version suffix (-20241022, -2024-07-18, @20241022, -latest, -v2), it equals the entry, or starts with it followed by a version; the longest entry wins. Unknown models have no cost."</p>
                {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="prices-error">{e}</p> })}
                {move || notice.get().map(|n| view! { <p class="ok" data-testid="prices-notice">{n}</p> })}
                <div class="row">
                    <button data-testid="prices-export" on:click=move |_| download("clew-prices.json", &prices().get_untracked().to_json())>"Export JSON"</button>
                    <button data-testid="prices-reset" on:click=move |_| {
                        set_prices(PriceTable::builtin());
                        error.set(None);
                        notice.set(Some("Restored the built-in prices.".into()));
                    }>"Reset to built-in"</button>
                    <span class="spacer"></span>
                    <button class="primary" data-testid="prices-close" on:click=move |_| close()>"Close"</button>
                </div>
                <table data-testid="prices-table">
                    <thead><tr><th>"Provider"</th><th>"Model"</th><th>"Input"</th><th>"Cached input"</th><th>"Cache write"</th><th>"Output"</th><th></th></tr></thead>
                    <tbody>
                        {rows}
                        <tr data-testid="prices-add-row">
                            <td>{input_box(new_provider, "provider", "")}</td>
                            <td>{input_box(new_model, "model", "model")}</td>
                            <td>{input_box(new_in, "input", "")}</td>
                            <td>{input_box(new_cached, "cached input", "")}</td>
                            <td>{input_box(new_write, "cache write", "")}</td>
                            <td>{input_box(new_out, "output", "")}</td>
                            <td><button data-testid="prices-add" on:click=add>"Add / replace"</button></td>
                        </tr>
                    </tbody>
                </table>
                <h3>"Import"</h3>
                <div class="drop-hint">"Drop a prices JSON file onto this dialog, or paste it below."</div>
                <textarea data-testid="prices-import-text" rows="6" spellcheck="false" placeholder=r#"{"as_of": "2026-11-25", "models": [{"provider": "openai", "model": "gpt-4o-mini", "input": 0.15, "output": 0.6}]}"#
                    prop:value=move || paste.get() on:input=move |ev| paste.set(event_target_value(&ev))></textarea>
                <div class="row">
                    <button data-testid="prices-import" on:click=move |_| import(paste.get_untracked(), "pasted JSON".into())>"Import pasted JSON"</button>
                </div>
            </div>
        </div>
    }
}
