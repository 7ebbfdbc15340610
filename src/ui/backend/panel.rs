//! The backend panel: shown while a backend is connected, a search form (service and
//! operation, or TraceQL for Tempo; lookback; limit) and where the search stands. The
//! traces found go to the trace list below it, whose rows open them (fetched in full, as
//! Tempo's answers are summaries).

use leptos::prelude::*;

use crate::backend::urls::SearchQuery;
use crate::backend::BackendKind;
use crate::ui::backend::{run_search, use_backend, SearchState};
use crate::ui::context::{use_ui, Dialog};
use crate::ui::embed;

const LOOKBACKS: [(&str, &str); 6] = [("15m", "15 minutes"), ("1h", "1 hour"), ("6h", "6 hours"), ("1d", "1 day"), ("2d", "2 days"), ("7d", "7 days")];

#[component]
pub fn BackendPanel() -> impl IntoView {
    let ui = use_ui();
    let Some(b) = use_backend() else { return ().into_any() };
    // An embedded page that opens one trace shows only that trace.
    let p = embed::params();
    if p.embed && p.trace.is_some() {
        return ().into_any();
    }
    let open = RwSignal::new(true);
    let q = b.query;
    let set = move |f: fn(&mut SearchQuery, String), v: String| q.update(|q| f(q, v));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(c) = b.conn.get_untracked() {
            run_search(ui, b, c, q.get_untracked());
        }
    };
    let form = move || {
        let c = b.conn.get()?;
        let tempo = c.kind == BackendKind::Tempo;
        Some(view! {
            <form class="search-form" data-testid="search-form" on:submit=submit>
                {tempo.then(|| view! {
                    <label class="wide">"TraceQL "
                        <input data-testid="search-q" spellcheck="false" placeholder="{ resource.service.name = \"cart\" && status = error }"
                            prop:value=move || q.with(|q| q.q.clone()) on:input=move |ev| set(|q, v| q.q = v, event_target_value(&ev))/></label>
                })}
                <label>"Service "
                    <input data-testid="search-service" list="backend-services" spellcheck="false"
                        prop:value=move || q.with(|q| q.service.clone()) on:input=move |ev| set(|q, v| q.service = v, event_target_value(&ev))/></label>
                <datalist id="backend-services">{move || b.services.get().into_iter().map(|s| view! { <option value=s></option> }).collect_view()}</datalist>
                {(!tempo).then(|| view! {
                    <label>"Operation "
                        <input data-testid="search-operation" spellcheck="false"
                            prop:value=move || q.with(|q| q.operation.clone()) on:input=move |ev| set(|q, v| q.operation = v, event_target_value(&ev))/></label>
                })}
                <label>"Lookback "
                    <select data-testid="search-lookback" on:change=move |ev| set(|q, v| q.lookback = v, event_target_value(&ev))>
                        {LOOKBACKS.into_iter().map(|(v, l)| view! { <option value=v selected=move || q.with(|q| q.lookback == v || (q.lookback.is_empty() && v == "1h"))>{l}</option> }).collect_view()}
                    </select></label>
                <label>"Limit "
                    <input type="number" min="1" max="1000" data-testid="search-limit" class="narrow"
                        prop:value=move || q.with(|q| if q.limit == 0 { 20 } else { q.limit }.to_string())
                        on:input=move |ev| set(|q, v| q.limit = v.parse().unwrap_or(20), event_target_value(&ev))/></label>
                <button type="submit" class="primary" data-testid="search-submit">"Search"</button>
            </form>
        })
    };
    let results = move || match b.search.get() {
        SearchState::Idle => view! { <p class="muted">"Search for traces, or open one by id with ?trace=."</p> }.into_any(),
        SearchState::Busy => view! { <p role="status" data-testid="search-busy">"Searching…"</p> }.into_any(),
        SearchState::Failed(m) => view! { <p class="search-error" role="alert" data-testid="search-error">{m}</p> }.into_any(),
        SearchState::Done(list) if list.is_empty() => view! { <p role="status" data-testid="search-empty">"No traces found."</p> }.into_any(),
        SearchState::Done(list) => {
            let n = list.len();
            view! { <p role="status" class="muted" data-testid="search-results">{format!("{} found, listed below.", crate::format::count(n as u64, "trace"))}</p> }.into_any()
        }
    };
    view! {
        <Show when=move || b.conn.with(|c| c.is_some())>
            <section class="backend-panel" aria-labelledby="backend-title" data-testid="backend-panel">
                <div class="backend-head">
                    <h2 id="backend-title">{move || b.conn.with(|c| c.as_ref().map(|c| format!("{} ", c.kind.label())).unwrap_or_default())}
                        <span class="muted base">{move || b.conn.with(|c| c.as_ref().map(|c| c.base.clone()).unwrap_or_default())}</span></h2>
                    <button class="link" data-testid="backend-toggle" aria-expanded=move || if open.get() { "true" } else { "false" }
                        aria-controls="backend-body" on:click=move |_| open.update(|o| *o = !*o)>
                        {move || if open.get() { "Hide search" } else { "Show search" }}</button>
                    {(!embed::params().embed).then(|| view! {
                        <button class="link" data-testid="backend-change" on:click=move |_| ui.dialog.set(Dialog::Connect)>"Change connection"</button>
                    })}
                </div>
                <div id="backend-body" hidden=move || !open.get()>
                    {form}
                    {results}
                </div>
            </section>
        </Show>
    }
    .into_any()
}
