//! Global keyboard shortcuts: a key event in; dialogs, find, zoom and the tree
//! navigation of `view_model::waterfall_nav` applied to the signals out.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::ui::context::{Dialog, Ui};
use crate::ui::focus;
use crate::ui::state::Tab;
use crate::ui::util::typing_in_field;
use crate::ui::waterfall::find::{apply_find, step_match};
use crate::view_model::waterfall_nav::{navigate, NavAction, NavKey};

/// Global keyboard shortcuts.
pub fn on_key(ui: Ui, ev: web_sys::KeyboardEvent) {
    let key = ev.key();
    if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || focus::in_dialog() {
        return;
    }
    if key == "Escape" {
        if ui.dialog.get_untracked() != Dialog::None {
            ui.dialog.set(Dialog::None);
        } else if typing_in_field() {
            if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element())
                && let Some(h) = el.dyn_ref::<web_sys::HtmlElement>() {
                    let _ = h.blur();
                }
        } else if ui.wf.detail_open.get_untracked() {
            ui.wf.detail_open.set(false);
            // Focus goes back to the rows (it may have been in the panel that closes).
            focus::focus_by_id("wf-rows");
        } else if !ui.wf.find.get_untracked().is_empty() || !ui.wf.find_text.get_untracked().is_empty() {
            ui.wf.find_text.set(String::new());
            apply_find(ui);
            ui.wf.find_pos.set(None);
        } else {
            ui.app.selected.set(None);
        }
        return;
    }
    if typing_in_field() {
        return;
    }
    if key == "?" {
        ev.prevent_default();
        ui.dialog.update(|d| *d = if *d == Dialog::Help { Dialog::None } else { Dialog::Help });
        return;
    }
    if ui.dialog.get_untracked() != Dialog::None || ui.app.tab.get_untracked() != Tab::Waterfall {
        return;
    }
    // Enter, Space and the arrows belong to a focused button, tab or link.
    if focus::on_control() && matches!(key.as_str(), "Enter" | " " | "ArrowUp" | "ArrowDown" | "ArrowLeft" | "ArrowRight" | "Home" | "End") {
        return;
    }
    let Some(v) = ui.derived.view.get_untracked() else { return };
    let sel = ui.app.selected.get_untracked();
    if let Some(nav) = NavKey::from_key(&key) {
        ev.prevent_default();
        let rows = ui.derived.rows.get_untracked();
        match ui.wf.collapsed.with_untracked(|c| navigate(v.set(), &rows, c, sel, nav)) {
            NavAction::None => {}
            NavAction::Select(s) => ui.app.selected.set(Some(s)),
            NavAction::SetCollapsed { span, depth, collapsed } => ui.wf.collapsed.update(|c| c.set(span, depth, collapsed)),
        }
        return;
    }
    match key.as_str() {
        "/" => {
            ev.prevent_default();
            ui.wf.focus_find.update(|n| *n += 1);
        }
        "Enter"
            if sel.is_some() => {
                ev.prevent_default();
                ui.wf.detail_open.set(true);
            }
        "n" => step_match(ui, 1),
        "N" => step_match(ui, -1),
        "0" => ui.wf.zoom.set(None),
        _ => {}
    }
}
