//! The Connect dialog: the backend's kind, base URL, an optional header and the "send
//! cookies" / "remember" choices in; a connection (and a recent-connections entry in
//! localStorage, with the header's value only when remembered) out.

use leptos::html;
use leptos::prelude::*;

use crate::backend::recent::{self, Recent};
use crate::backend::{parse_header, BackendKind, Connection};
use crate::ui::backend::{connect, use_backend};
use crate::ui::context::{use_ui, Dialog};
use crate::ui::focus::{dialog_keydown, dialog_opened};
use crate::ui::util::{local_get, local_set};

/// Where recent connections are stored.
const STORAGE_KEY: &str = "clew-connections";

fn stored() -> Vec<Recent> {
    recent::parse(&local_get(STORAGE_KEY).unwrap_or_default())
}

#[component]
pub fn ConnectDialog() -> impl IntoView {
    let ui = use_ui();
    let Some(b) = use_backend() else { return ().into_any() };
    let dialog = NodeRef::<html::Div>::new();
    let base_input = NodeRef::<html::Input>::new();
    dialog_opened(dialog);
    let current = b.conn.get_untracked();
    let kind = RwSignal::new(current.as_ref().map(|c| c.kind).unwrap_or(BackendKind::Jaeger));
    let base = RwSignal::new(current.as_ref().map(|c| c.base.clone()).unwrap_or_default());
    let header = RwSignal::new(current.as_ref().and_then(|c| c.header.as_ref()).map(|(n, v)| format!("{n}: {v}")).unwrap_or_default());
    let cookies = RwSignal::new(current.as_ref().is_some_and(|c| c.send_cookies));
    let remember = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let recents = RwSignal::new(stored());
    Effect::new(move |_| {
        if let Some(i) = base_input.get() {
            let _ = i.focus();
        }
    });
    let close = move || ui.dialog.set(Dialog::None);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let url = base.get_untracked();
        if let Err(p) = crate::url::http_url(&url, None) {
            problem.set(Some(format!("{} For example: http://localhost:16686.", p.message("The base URL", &url))));
            return;
        }
        let h = header.get_untracked();
        let header = if h.trim().is_empty() {
            None
        } else {
            match parse_header(&h) {
                Some(pair) => Some(pair),
                None => {
                    problem.set(Some("The header must read Name: value, for example Authorization: Bearer <token>.".into()));
                    return;
                }
            }
        };
        let c = Connection { header, send_cookies: cookies.get_untracked(), ..Connection::new(kind.get_untracked(), &url) };
        let (_, text) = recent::push(&stored(), Recent::of(&c, remember.get_untracked()));
        local_set(STORAGE_KEY, &text);
        close();
        connect(ui, b, c);
    };
    let pick = move |r: Recent| {
        if let Some(k) = BackendKind::parse(&r.kind) {
            kind.set(k);
        }
        base.set(r.base.clone());
        cookies.set(r.send_cookies);
        header.set(match (&r.header_name, &r.header_value) {
            (Some(n), Some(v)) => format!("{n}: {v}"),
            (Some(n), None) => format!("{n}: "),
            _ => String::new(),
        });
        remember.set(r.header_value.is_some());
    };
    view! {
        <div class="dialog-backdrop" on:click=move |_| close()>
            <div class="dialog connect" role="dialog" aria-modal="true" aria-labelledby="connect-title" data-testid="connect-dialog"
                node_ref=dialog on:click=|ev| ev.stop_propagation()
                on:keydown=move |ev| if let Some(d) = dialog.get_untracked() { dialog_keydown(&d, &ev, close) }>
                <h2 id="connect-title">"Connect to a trace backend"</h2>
                <form on:submit=submit>
                    <div class="field">
                        <label for="connect-kind">"Backend"</label>
                        <select id="connect-kind" data-testid="connect-kind"
                            on:change=move |ev| if let Some(k) = BackendKind::parse(&event_target_value(&ev)) { kind.set(k) }>
                            {BackendKind::ALL.into_iter().map(|k| view! {
                                <option value=k.name() selected=move || kind.get() == k>{k.label()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="connect-base">"Base URL"</label>
                        <input id="connect-base" type="text" inputmode="url" spellcheck="false" node_ref=base_input data-testid="connect-base"
                            placeholder=move || match kind.get() {
                                BackendKind::Jaeger => "http://localhost:16686",
                                BackendKind::Tempo => "http://localhost:3200",
                                BackendKind::Zipkin => "http://localhost:9411",
                            }
                            prop:value=move || base.get() on:input=move |ev| base.set(event_target_value(&ev))/>
                    </div>
                    <div class="field">
                        <label for="connect-header">"Header (optional)"</label>
                        <input id="connect-header" data-testid="connect-header" autocomplete="off" spellcheck="false"
                            placeholder="Authorization: Bearer …"
                            prop:value=move || header.get() on:input=move |ev| header.set(event_target_value(&ev))/>
                    </div>
                    <label class="check"><input type="checkbox" data-testid="connect-cookies" prop:checked=move || cookies.get()
                        on:change=move |ev| cookies.set(event_target_checked(&ev))/>
                        " Send cookies (only if the backend signs you in with a cookie and allows credentials)"</label>
                    <label class="check"><input type="checkbox" data-testid="connect-remember" prop:checked=move || remember.get()
                        on:change=move |ev| remember.set(event_target_checked(&ev))/>
                        " Remember the header's value on this device (otherwise only its name is kept)"</label>
                    {move || problem.get().map(|p| view! { <p class="connect-problem" role="alert" data-testid="connect-problem">{p}</p> })}
                    <div class="buttons">
                        <button type="button" data-testid="connect-cancel" on:click=move |_| close()>"Cancel"</button>
                        <button type="submit" class="primary" data-testid="connect-submit">"Connect"</button>
                    </div>
                </form>
                <Show when=move || recents.with(|r| !r.is_empty())>
                    <h3>"Recent connections"</h3>
                    <ul class="recent" data-testid="connect-recent">
                        {move || recents.get().into_iter().map(|r| {
                            let label = r.label();
                            view! { <li><button type="button" class="link" data-testid="connect-recent-item" on:click=move |_| pick(r.clone())>{label}</button></li> }
                        }).collect_view()}
                    </ul>
                </Show>
            </div>
        </div>
    }
    .into_any()
}
