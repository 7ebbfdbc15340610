//! Langfuse SDK usage and cost: the `langfuse.observation.usage_details` and
//! `langfuse.observation.cost_details` attributes (JSON objects written as strings) in,
//! token counts and a cost in USD out.
//!
//! * Usage keys may be `input`/`output`/`total` or `input_tokens`/`output_tokens`/
//!   `total_tokens` (`prompt_tokens`/`completion_tokens` too). Langfuse's entries are
//!   disjoint (they add up to the total), so cache entries (`cache_read_input_tokens`,
//!   `input_cached_tokens`, `cache_creation_input_tokens`, …) are added to the input,
//!   and reasoning entries (`output_reasoning_tokens`) to the output, as Clew counts
//!   input with its cached tokens and output with its reasoning tokens.
//! * The cost is the `total` entry when present, else the sum of the entries.
//! * Values may be numbers or numeric strings; anything else is ignored.

use serde_json::Value;

/// Token counts read from `usage_details`, already in Clew's terms.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct LfUsage {
    pub(super) input: Option<u64>,
    pub(super) output: Option<u64>,
    pub(super) total: Option<u64>,
    pub(super) cache_read: Option<u64>,
    pub(super) cache_creation: Option<u64>,
    pub(super) reasoning: Option<u64>,
}

/// A finite number ≥ 0 from a JSON number or numeric string.
fn number(v: &Value) -> Option<f64> {
    let n = match v {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    (n.is_finite() && n >= 0.0).then_some(n)
}

fn count(v: &Value) -> Option<u64> {
    number(v).map(|n| n.round().min(u64::MAX as f64) as u64)
}

fn add(slot: &mut Option<u64>, n: u64) {
    *slot = Some(slot.unwrap_or(0).saturating_add(n));
}

/// Reads `usage_details`; `None` when it is not a JSON object with a count in it.
pub(super) fn usage(text: &str) -> Option<LfUsage> {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text.trim()) else { return None };
    let mut u = LfUsage::default();
    // Disjoint parts, summed into Clew's input/output after the loop.
    let (mut plain_in, mut plain_out) = (None, None);
    for (key, v) in &map {
        let Some(n) = count(v) else { continue };
        let k = key.to_lowercase();
        match k.as_str() {
            "input" | "input_tokens" | "prompt_tokens" | "prompt" => add(&mut plain_in, n),
            "output" | "output_tokens" | "completion_tokens" | "completion" => add(&mut plain_out, n),
            "total" | "total_tokens" => u.total = Some(n),
            _ if k.contains("cache_read") || k.contains("cached") => add(&mut u.cache_read, n),
            _ if k.contains("cache_creation") || k.contains("cache_write") => add(&mut u.cache_creation, n),
            _ if k.contains("reasoning") => add(&mut u.reasoning, n),
            _ => {}
        }
    }
    if plain_in.is_some() || u.cache_read.is_some() || u.cache_creation.is_some() {
        u.input = Some(plain_in.unwrap_or(0).saturating_add(u.cache_read.unwrap_or(0)).saturating_add(u.cache_creation.unwrap_or(0)));
    }
    if plain_out.is_some() || u.reasoning.is_some() {
        u.output = Some(plain_out.unwrap_or(0).saturating_add(u.reasoning.unwrap_or(0)));
    }
    (u != LfUsage::default()).then_some(u)
}

/// Reads `cost_details`: the `total` entry, else the sum of the entries.
pub(super) fn cost_usd(text: &str) -> Option<f64> {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text.trim()) else { return None };
    if let Some(t) = map.get("total").and_then(number) {
        return Some(t);
    }
    let parts: Vec<f64> = map.values().filter_map(number).collect();
    (!parts.is_empty()).then(|| parts.iter().sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_keys_and_cache_entries() {
        let u = usage(r#"{"input": 1200, "output": 80, "total": 1280}"#);
        assert_eq!(u, Some(LfUsage { input: Some(1200), output: Some(80), total: Some(1280), ..Default::default() }));
        let u = usage(r#"{"input_tokens": "100", "output_tokens": 20.0, "cache_read_input_tokens": 900}"#);
        assert_eq!(u.and_then(|u| u.input), Some(1000));
        assert_eq!(u.and_then(|u| u.cache_read), Some(900));
        assert_eq!(usage("not json"), None);
        assert_eq!(usage(r#"{"x": "y"}"#), None);
    }

    #[test]
    fn cost_total_or_sum() {
        assert_eq!(cost_usd(r#"{"input": 0.5, "output": 0.25, "total": 1.0}"#), Some(1.0));
        assert_eq!(cost_usd(r#"{"input": 0.5, "output": 0.25}"#), Some(0.75));
        assert_eq!(cost_usd("[]"), None);
    }
}
