//! The app's dialogs: paste trace JSON (load or add) and the keyboard help.

use leptos::html;
use leptos::prelude::*;

use crate::ui::context::{use_ui, Dialog};
use crate::ui::focus::{dialog_keydown, dialog_opened};
use crate::ui::loader;

#[component]
pub fn PasteDialog() -> impl IntoView {
    let ui = use_ui();
    let text = RwSignal::new(String::new());
    let area = NodeRef::<html::Textarea>::new();
    let dialog = NodeRef::<html::Div>::new();
    dialog_opened(dialog);
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
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="paste-title" data-testid="paste-dialog"
                node_ref=dialog on:click=|ev| ev.stop_propagation()
                on:keydown=move |ev| if let Some(d) = dialog.get_untracked() { dialog_keydown(&d, &ev, || ui.dialog.set(Dialog::None)) }>
                <h2 id="paste-title">"Paste trace JSON"</h2>
                <p class="muted">{format!("{}.", crate::parse::READABLE_FORMATS)}</p>
                <textarea node_ref=area data-testid="paste-text" rows="14" spellcheck="false" aria-label="Trace JSON"
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
pub fn HelpDialog() -> impl IntoView {
    let ui = use_ui();
    let dialog = NodeRef::<html::Div>::new();
    dialog_opened(dialog);
    let keys: [(&str, &str); 14] = [
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
        ("Tab / Shift+Tab", "move between controls; in the graph, arrows move between nodes, Tab enters a node's edges"),
        ("?", "this help"),
    ];
    view! {
        <div class="dialog-backdrop" on:click=move |_| ui.dialog.set(Dialog::None)>
            <div class="dialog help" role="dialog" aria-modal="true" aria-labelledby="help-title" data-testid="help-dialog"
                node_ref=dialog on:click=|ev| ev.stop_propagation()
                on:keydown=move |ev| if let Some(d) = dialog.get_untracked() { dialog_keydown(&d, &ev, || ui.dialog.set(Dialog::None)) }>
                <h2 id="help-title">"Keyboard and mouse"</h2>
                <table>{keys.into_iter().map(|(k, d)| view! { <tr><th><kbd>{k}</kbd></th><td>{d}</td></tr> }).collect_view()}</table>
                <h3>"Find syntax"</h3>
                <p><code>"text"</code>", "<code>"key=value"</code>", "<code>"service=api"</code>", "<code>"name:GET"</code>", "
                   <code>"duration>100ms"</code>", "<code>"error"</code>" — terms combine with AND."</p>
                <div class="buttons"><button class="primary" data-testid="help-close" on:click=move |_| ui.dialog.set(Dialog::None)>"Close"</button></div>
            </div>
        </div>
    }
}
