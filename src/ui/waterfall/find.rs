//! The find bar: the box text in; the applied query (debounced on big traces), the
//! match count, next/previous steps and the "only matching" switch out.

use leptos::ev;
use leptos::html;
use leptos::prelude::*;

use crate::format;
use crate::ui::context::{use_ui, Ui};
use crate::ui::controls::checkbox;

/// Quiet time after the last key before a find query runs on a big trace.
pub const FIND_DEBOUNCE_MS: u64 = 150;
/// Traces up to this many spans run the query on every key.
const FIND_INSTANT_SPANS: u32 = 20_000;

thread_local! {
    /// Generation of the last find edit; a pending apply runs only if still current.
    static FIND_GEN: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    /// A next/previous step asked for while a search ran (0 = none).
    static FIND_STEP: std::cell::Cell<i64> = const { std::cell::Cell::new(0) };
}

/// Makes the find box text the applied query (a no-op when they are equal).
pub fn apply_find(ui: Ui) {
    FIND_GEN.with(|g| g.set(g.get() + 1));
    let text = ui.wf.find_text.get_untracked();
    if ui.wf.find.with_untracked(|f| *f != text) {
        // Busy until the search effect has run, so a step asked for right now waits
        // for the new matches instead of using the old ones.
        ui.derived.find_busy.set(true);
        ui.wf.find.set(text);
        ui.wf.find_pos.set(None);
    }
}

/// The find box changed: apply now for small traces, else after a quiet time.
fn find_edited(ui: Ui, text: String) {
    ui.wf.find_text.set(text);
    let spans = ui.derived.view.with_untracked(|v| v.as_ref().and_then(|v| v.set().traces.get(v.trace).map(|t| t.spans.len)).unwrap_or(0));
    if spans <= FIND_INSTANT_SPANS {
        apply_find(ui);
        return;
    }
    let generation = FIND_GEN.with(|g| {
        g.set(g.get() + 1);
        g.get()
    });
    set_timeout(
        move || {
            if FIND_GEN.with(|g| g.get()) == generation {
                apply_find(ui);
            }
        },
        std::time::Duration::from_millis(FIND_DEBOUNCE_MS),
    );
}

/// Keeps the box showing a query set from elsewhere (legend, deep link, Esc), and
/// takes a next/previous step asked for while a search was running.
pub fn sync_find_text(ui: Ui) {
    Effect::new(move |_| {
        if !ui.derived.find_busy.get() {
            let step = FIND_STEP.with(|s| s.replace(0));
            if step != 0 {
                step_match(ui, step);
            }
        }
    });
    Effect::new(move |_| {
        let f = ui.wf.find.get();
        if ui.wf.find_text.with_untracked(|t| *t != f) {
            FIND_GEN.with(|g| g.set(g.get() + 1));
            ui.wf.find_text.set(f);
        }
    });
}

/// The find box with its count and buttons.
#[component]
pub fn FindBar() -> impl IntoView {
    let ui = use_ui();
    let input = NodeRef::<html::Input>::new();
    Effect::new(move |prev: Option<u32>| {
        let n = ui.wf.focus_find.get();
        if prev.is_some()
            && let Some(el) = input.get() {
                let _ = el.focus();
                el.select();
            }
        n
    });
    let count = move || {
        let q = ui.wf.find.get();
        if ui.wf.find_text.with(|t| *t != q) {
            // Typing: the count of the previous query would be stale.
            return "…".to_string();
        }
        if ui.derived.find_busy.get() {
            return "searching…".to_string();
        }
        let n = ui.derived.matches.with(|m| m.len());
        if q.trim().is_empty() {
            String::new()
        } else if n == 0 {
            "no matches".to_string()
        } else {
            match ui.wf.find_pos.get() {
                Some(p) => format!("{} of {}", format::thousands(p as u64 + 1), format::thousands(n as u64)),
                None if n == 1 => "1 match".to_string(),
                None => format!("{} matches", format::thousands(n as u64)),
            }
        }
    };
    view! {
        <div class="find" role="search">
            <input type="search" node_ref=input data-testid="find-input" placeholder="Find ( / ): text, key=value, duration>100ms, error"
                aria-label="Find spans"
                prop:value=move || ui.wf.find_text.get()
                on:input=move |ev| find_edited(ui, event_target_value(&ev))
                on:keydown=move |ev: ev::KeyboardEvent| {
                    if ev.key() == "Enter" {
                        ev.prevent_default();
                        step_match(ui, if ev.shift_key() { -1 } else { 1 });
                    } else if ev.key() == "Escape"
                        && let Some(el) = input.get() { let _ = el.blur(); }
                } />
            <span class="find-count" data-testid="find-count" role="status" aria-live="polite">{count}</span>
            <button data-testid="find-prev" title="Previous match (Shift+Enter)" on:click=move |_| step_match(ui, -1)>"↑"</button>
            <button data-testid="find-next" title="Next match (Enter)" on:click=move |_| step_match(ui, 1)>"↓"</button>
            <label class="only" title="Show only matching spans and their ancestors">
                {checkbox(ui.wf.only_matching, "find-only")}
                "only matching"
            </label>
        </div>
    }
}

/// Moves to the next (`dir` = 1) or previous (-1) match and selects it.
pub fn step_match(ui: Ui, dir: i64) {
    apply_find(ui);
    if ui.derived.find_busy.get_untracked() {
        // The search is still running: step once it has finished.
        FIND_STEP.with(|s| s.set(dir));
        return;
    }
    let matches = ui.derived.matches.get_untracked();
    if matches.is_empty() {
        return;
    }
    let n = matches.len() as i64;
    let next = match ui.wf.find_pos.get_untracked() {
        Some(p) => (p as i64 + dir).rem_euclid(n),
        None if dir > 0 => 0,
        None => n - 1,
    } as usize;
    ui.wf.find_pos.set(Some(next));
    ui.app.selected.set(Some(matches[next]));
}
