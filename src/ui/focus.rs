//! Keyboard focus (wasm32 only): an element id, a dialog or a key event in; focus
//! moved, kept inside a dialog (Tab wraps, Esc closes) and given back to the control
//! that opened the dialog out.

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// What Tab can reach inside a dialog.
const FOCUSABLE: &str = "button:not([disabled]), [href], input:not([type=\"hidden\"]):not([tabindex=\"-1\"]):not([disabled]), \
    select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex=\"-1\"])";

thread_local! {
    /// The controls that opened the dialogs now open, innermost last.
    static OPENERS: RefCell<Vec<web_sys::HtmlElement>> = const { RefCell::new(Vec::new()) };
}

fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

fn active() -> Option<web_sys::Element> {
    document().and_then(|d| d.active_element())
}

fn contains(outer: &web_sys::Element, inner: &web_sys::Element) -> bool {
    let node: &web_sys::Node = inner;
    outer.contains(Some(node))
}

/// The elements Tab can reach inside `root` that take space on the page, in document
/// order (an iterative walk over the element tree).
fn focusables(root: &web_sys::Element) -> Vec<web_sys::Element> {
    let mut out = Vec::new();
    let mut next = root.first_element_child();
    while let Some(el) = next {
        if el.matches(FOCUSABLE).unwrap_or(false) && el.get_bounding_client_rect().width() > 0.0 {
            out.push(el.clone());
        }
        // Depth first: a child, else a sibling, else the sibling of the nearest ancestor.
        next = el.first_element_child().or_else(|| {
            let mut up = Some(el);
            while let Some(u) = up {
                if u == *root {
                    return None;
                }
                if let Some(s) = u.next_element_sibling() {
                    return Some(s);
                }
                up = u.parent_element();
            }
            None
        });
    }
    out
}

/// Focuses the element with this id, when there is one.
pub fn focus_by_id(id: &str) {
    if let Some(el) = document().and_then(|d| d.get_element_by_id(id)).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

/// Focuses an element (HTML or SVG).
pub fn focus_element(el: &web_sys::Element) {
    if let Some(h) = el.dyn_ref::<web_sys::HtmlElement>() {
        let _ = h.focus();
    } else if let Some(s) = el.dyn_ref::<web_sys::SvgElement>() {
        let _ = s.focus();
    }
}

/// Whether focus is inside a dialog (dialogs handle their own keys).
pub fn in_dialog() -> bool {
    active().is_some_and(|el| el.closest("[role=\"dialog\"]").ok().flatten().is_some())
}

/// Whether focus is on a control that Enter, Space or the arrows already operate
/// (a button, link, tab, graph node, findings item …): the page's shortcuts leave it be.
pub fn on_control() -> bool {
    let Some(el) = active() else { return false };
    let tag = el.tag_name().to_ascii_lowercase();
    if matches!(tag.as_str(), "button" | "a" | "summary") {
        return true;
    }
    let role = el.get_attribute("role").unwrap_or_default();
    matches!(role.as_str(), "button" | "tab" | "link" | "option" | "menuitem" | "checkbox" | "radio")
}

/// Call while a dialog's view is built: remembers the focused control (its opener),
/// focuses the dialog's first control once it is in the page (unless the dialog
/// focused one itself), and gives focus back to the opener when the dialog goes.
pub fn dialog_opened(dialog: NodeRef<leptos::html::Div>) {
    if let Some(el) = active().and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        OPENERS.with(|o| o.borrow_mut().push(el));
    }
    Effect::new(move |_| {
        let Some(d) = dialog.get() else { return };
        let inside = active().is_some_and(|a| contains(&d, &a));
        if !inside && let Some(first) = focusables(&d).first() {
            focus_element(first);
        }
    });
    on_cleanup(|| {
        if let Some(el) = OPENERS.with(|o| o.borrow_mut().pop())
            && el.is_connected() {
                let _ = el.focus();
            }
    });
}

/// A keydown inside a dialog: Tab and Shift+Tab wrap around its controls, Escape runs `close`.
pub fn dialog_keydown(dialog: &web_sys::Element, ev: &web_sys::KeyboardEvent, close: impl FnOnce()) {
    match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            ev.stop_propagation();
            close();
        }
        "Tab" => {
            let items = focusables(dialog);
            let (Some(first), Some(last)) = (items.first(), items.last()) else { return };
            let cur = active();
            let at = |e: &web_sys::Element| cur.as_ref().is_some_and(|c| c == e);
            let outside = !cur.as_ref().is_some_and(|c| contains(dialog, c));
            if ev.shift_key() && (at(first) || outside) {
                ev.prevent_default();
                focus_element(last);
            } else if !ev.shift_key() && (at(last) || outside) {
                ev.prevent_default();
                focus_element(first);
            }
        }
        _ => {}
    }
}
