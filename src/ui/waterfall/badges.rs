//! LLM badges of the shown trace: the trace and the price table in, the badge text
//! (`model · in→out tok · $cost`) of each LLM call out — from one scan of a small
//! trace, or per drawn row of a big one.

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::model::TraceSet;
use crate::ui::llm::prices::prices;
use crate::ui::util::Shared;
use crate::ui::waterfall::trace_view::TraceView;

/// Traces up to this many spans get their LLM badges from one scan of the trace
/// ([`llm_badges`](crate::ui::llm::prices::llm_badges)); bigger ones per drawn row, so that no
/// scan delays the first paint of a big trace: on the page's opt-level "z" code the scan took
/// 20-50 ms at 10k spans and 90-280 ms at 100k, in the task that lays out the first rows.
pub const BADGES_FULL_SCAN_SPANS: u32 = 4096;
/// A call with descendants is a wrapper (no badge) when a call is among them; in
/// per-row mode at most this many descendants are looked at.
const WRAPPER_SCAN_SPANS: usize = 4096;

/// The LLM badges of the shown trace.
pub enum Badges {
    /// Every call of the trace, by span index.
    All(BTreeMap<u32, String>),
    /// Big traces: computed for the rows drawn, and remembered.
    PerRow { view: Shared<TraceView>, cache: std::sync::Mutex<BTreeMap<u32, Option<String>>> },
}

impl Badges {
    /// The badge text of a span, if it is an LLM call.
    pub fn get(&self, span: u32) -> Option<String> {
        match self {
            Badges::All(m) => m.get(&span).cloned(),
            Badges::PerRow { view, cache } => {
                let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
                cache.entry(span).or_insert_with(|| per_row_badge(view.set(), span)).clone()
            }
        }
    }
}

/// The badge of one span, by the rule of `llm_text::trace_badges`: an LLM call that holds
/// no other call in its subtree.
fn per_row_badge(set: &TraceSet, span: u32) -> Option<String> {
    use crate::analysis::llm::call::span_call;
    use crate::view_model::llm_text::badge_text;
    let table = prices();
    table.with_untracked(|p| {
        let call = span_call(set, span, p)?;
        let s = set.spans.get(span as usize)?;
        let end = (s.subtree_end as usize).min(set.spans.len()).min(span as usize + 1 + WRAPPER_SCAN_SPANS);
        if (span as usize + 1..end).any(|j| span_call(set, j as u32, p).is_some()) {
            return None;
        }
        Some(badge_text(&call))
    })
}
