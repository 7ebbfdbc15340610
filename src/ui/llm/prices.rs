//! The LLM price table in use: one global signal, the stored edited copy (localStorage
//! under [`PRICES_KEY`]) or the built-in table; edits, imports and resets go through
//! [`set_prices`]. Also the waterfall's badges priced with it.

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::view_model::llm_text;
use crate::analysis::pricing::PriceTable;
use crate::model::TraceSet;
use crate::ui::util;

/// localStorage key of the edited price table (JSON, the `prices.json` shape).
pub const PRICES_KEY: &str = "clew.prices";

thread_local! {
    static PRICES: ArcRwSignal<PriceTable> = ArcRwSignal::new(stored_prices());
}

/// The price table in use: the stored edited copy, else the built-in table. Shared
/// by the LLM view, the detail-panel section and waterfall badges (read it inside a
/// memo to follow edits).
pub fn prices() -> ArcRwSignal<PriceTable> {
    PRICES.with(|p| p.clone())
}

/// Replaces the price table in use and persists it (the built-in table is stored as
/// "no edits", so a later release's table takes over).
pub fn set_prices(t: PriceTable) {
    if t == PriceTable::builtin() {
        util::local_remove(PRICES_KEY);
    } else {
        util::local_set(PRICES_KEY, &t.to_json());
    }
    prices().set(t);
}

fn stored_prices() -> PriceTable {
    util::local_get(PRICES_KEY).and_then(|t| PriceTable::from_json(&t).ok()).unwrap_or_else(PriceTable::builtin)
}

/// Badges (`model · in→out tok · $cost`) for the calls of one trace, by span index,
/// priced with the table in use. For the waterfall; call it inside a memo.
pub fn llm_badges(set: &TraceSet, trace: usize) -> BTreeMap<u32, String> {
    prices().with(|p| llm_text::trace_badges(set, trace, p))
}
