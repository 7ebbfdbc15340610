//! LLM call text for the UI: an [`LlmCall`] in; the waterfall badge
//! (`model · in→out tok · $cost`), the finish and error texts of the calls table out.

use std::collections::BTreeMap;

use crate::analysis::llm::call::{analyze_trace, LlmCall};
use crate::analysis::llm::recognize::names_rate_limit;
use crate::analysis::pricing::PriceTable;
use crate::format;
use crate::model::TraceSet;

/// A short waterfall badge for a call: `claude-3-5-sonnet-20241022 · 2,847→612 tok · $0.017721`
/// (`cost unknown` when unpriced; no token part when no usage was reported).
pub fn badge_text(c: &LlmCall) -> String {
    let mut parts: Vec<String> = vec![c.model_key().to_string()];
    if c.usage_reported {
        if c.output_tokens > 0 {
            parts.push(format!("{}→{} tok", format::thousands(c.input_tokens), format::thousands(c.output_tokens)));
        } else {
            parts.push(format!("{} tok", format::thousands(c.input_tokens.max(c.total_tokens))));
        }
    }
    parts.push(match c.cost_usd {
        Some(v) => format::usd(v),
        None => "cost unknown".to_string(),
    });
    parts.join(" · ")
}

/// Badges for every call of a trace, by span index (for the waterfall).
pub fn trace_badges(set: &TraceSet, trace: usize, prices: &PriceTable) -> BTreeMap<u32, String> {
    analyze_trace(set, trace, prices).calls.iter().map(|c| (c.span, badge_text(c))).collect()
}

/// Finish reasons with flags, as shown in the calls table.
pub fn finish_text(c: &LlmCall) -> String {
    let mut s = c.finish_reasons.join(", ");
    if c.truncated {
        s.push_str(" ⚠ truncated");
    }
    if c.content_filtered {
        s.push_str(" ⚠ content filter");
    }
    s.trim().to_string()
}

/// Errors as shown in the calls table: "rate limit", the error type, "HTTP 500", or "error".
pub fn error_text(c: &LlmCall) -> String {
    let mut parts: Vec<String> = Vec::new();
    if c.rate_limited {
        parts.push("rate limit".to_string());
    }
    if let Some(t) = &c.error_type
        && !(c.rate_limited && names_rate_limit(t)) {
            parts.push(t.clone());
        }
    if let Some(h) = c.http_status.filter(|h| *h >= 400)
        && (h != 429 || !c.rate_limited) {
            parts.push(format!("HTTP {h}"));
        }
    if parts.is_empty() && c.error {
        parts.push("error".to_string());
    }
    parts.join(", ")
}
