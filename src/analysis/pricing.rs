//! LLM list prices: a dated price table in (built-in seed, or user JSON), a model
//! name's rates and a call's cost in USD out.
//!
//! The built-in table is `prices.json` (copied from the project's seed list, with its
//! `as_of` date and sources), compiled in with `include_str!`. Users can edit it, and
//! import/export it as JSON of the same shape:
//!
//! ```text
//! { "as_of": "2026-11-25", "sources": {"openai": "…"}, "about": "…", "matching": "…",
//!   "models": [ {"provider": "openai", "model": "gpt-4o-mini",
//!                "input": 0.15, "cached_input": 0.075, "cache_write": null, "output": 0.6} ] }
//! ```
//! Rates are USD per 1 million tokens.
//!
//! # Matching rule ([`PriceTable::lookup`])
//!
//! A span's model name (as written) is matched against the table entries in order:
//!
//! 1. **exact**: an entry whose `model` equals the name;
//! 2. **normalized**: both sides go through [`normalize_model`] — trimmed and lower-cased;
//!    a path prefix dropped (`openai/`, `models/`, `accounts/x/models/`); known provider
//!    and region prefixes dropped (`anthropic.`, `us.anthropic.`, `openai.`, …); and
//!    suffixes dropped repeatedly: `@…` (Vertex), `:…` (Bedrock `:0`), `-latest`,
//!    `-vN` / `-vN.N`, dates `-YYYYMMDD` / `-YYYY-MM-DD`, and `-MMDD` snapshots — then
//!    compared for equality;
//! 3. **longest prefix**: the normalized name starts with a normalized entry followed by
//!    `-` and a version-like rest (only digits, dots, `vN` parts, separated by `-`,
//!    e.g. `gemini-1.5-pro-002`); the longest such entry wins (`gpt-4o-mini` before
//!    `gpt-4o`).
//!
//! Anything else is unknown: `gpt-4o-realtime-preview` does **not** take `gpt-4o`'s
//! rates, and `gemini-2.5-flash-lite` does not take `gemini-2.5-flash`'s. An unknown
//! model has no cost (never $0).
//!
//! # Cost ([`ModelPrice::cost_usd`])
//!
//! `uncached_input × input + cache_read × cached_input + cache_creation × cache_write +
//! output × output`, each rate per 1M tokens; a missing `cached_input` or `cache_write`
//! rate falls back to the `input` rate. Reasoning tokens are part of output tokens
//! (the providers bill them as output), so they are not added again.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The built-in seed table, as JSON text.
pub const BUILTIN_PRICES_JSON: &str = include_str!("prices.json");

/// One model's list prices, USD per 1M tokens.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelPrice {
    pub provider: String,
    pub model: String,
    /// USD per 1M (uncached) input tokens.
    #[serde(rename = "input")]
    pub input_usd_per_mtok: f64,
    /// USD per 1M prompt-cache read tokens; `None` means the input rate applies.
    #[serde(rename = "cached_input", default, skip_serializing_if = "Option::is_none")]
    pub cached_input_usd_per_mtok: Option<f64>,
    /// USD per 1M prompt-cache write tokens; `None` means the input rate applies.
    #[serde(rename = "cache_write", default, skip_serializing_if = "Option::is_none")]
    pub cache_write_usd_per_mtok: Option<f64>,
    /// USD per 1M output tokens (reasoning tokens included).
    #[serde(rename = "output")]
    pub output_usd_per_mtok: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Token counts that a price applies to. `uncached_input` excludes cache reads/writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BillableTokens {
    pub uncached_input: u64,
    pub cache_read: u64,
    pub cache_creation: u64,
    pub output: u64,
}

impl ModelPrice {
    /// A price with only input and output rates.
    pub fn new(provider: &str, model: &str, input_usd_per_mtok: f64, output_usd_per_mtok: f64) -> ModelPrice {
        ModelPrice {
            provider: provider.to_string(),
            model: model.to_string(),
            input_usd_per_mtok,
            cached_input_usd_per_mtok: None,
            cache_write_usd_per_mtok: None,
            output_usd_per_mtok,
            note: None,
        }
    }
    /// The rate applied to cache reads (the input rate when the model has none).
    pub fn cache_read_rate(&self) -> f64 {
        self.cached_input_usd_per_mtok.unwrap_or(self.input_usd_per_mtok)
    }
    /// The rate applied to cache writes (the input rate when the model has none).
    pub fn cache_write_rate(&self) -> f64 {
        self.cache_write_usd_per_mtok.unwrap_or(self.input_usd_per_mtok)
    }
    /// Cost in USD of the given tokens at this model's rates.
    pub fn cost_usd(&self, t: BillableTokens) -> f64 {
        (t.uncached_input as f64 * self.input_usd_per_mtok
            + t.cache_read as f64 * self.cache_read_rate()
            + t.cache_creation as f64 * self.cache_write_rate()
            + t.output as f64 * self.output_usd_per_mtok)
            / 1_000_000.0
    }
}

/// A dated table of model prices.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PriceTable {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub about: String,
    /// The date the prices were taken (`YYYY-MM-DD` as written).
    pub as_of: String,
    /// Where the prices come from, by provider.
    #[serde(default)]
    pub sources: BTreeMap<String, String>,
    pub models: Vec<ModelPrice>,
    /// The matching rule, in words (kept from the seed file).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub matching: String,
}

/// Why a price table could not be imported or an edit was refused.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum PriceError {
    #[error("price table: not valid JSON at line {line}, column {column}: {reason}")]
    Json { line: usize, column: usize, reason: String },
    #[error("price table: {at}: {reason}")]
    Shape { at: String, reason: String },
}

fn shape(at: impl Into<String>, reason: impl Into<String>) -> PriceError {
    PriceError::Shape { at: at.into(), reason: reason.into() }
}

/// A short description of a JSON value, for error messages.
fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            let short: String = s.chars().take(40).collect();
            format!("the text {short:?}")
        }
        Value::Array(a) => format!("an array of {} items", a.len()),
        Value::Object(_) => "an object".to_string(),
    }
}

fn check_rate(at: &str, field: &str, v: f64) -> Result<(), PriceError> {
    if !v.is_finite() || v < 0.0 {
        return Err(shape(format!("{at}.{field}"), format!("must be a number ≥ 0 (USD per 1M tokens), found {v}")));
    }
    Ok(())
}

/// Reads a rate field: a number (or a numeric string); `null`/absent only when optional.
fn rate_field(obj: &serde_json::Map<String, Value>, at: &str, field: &str, required: bool) -> Result<Option<f64>, PriceError> {
    let v = match obj.get(field) {
        None | Some(Value::Null) if !required => return Ok(None),
        None => return Err(shape(at, format!("missing \"{field}\" (USD per 1M tokens)"))),
        Some(v) => v,
    };
    let n = match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    match n {
        Some(n) => {
            check_rate(at, field, n)?;
            Ok(Some(n))
        }
        None => Err(shape(format!("{at}.{field}"), format!("must be a number ≥ 0 (USD per 1M tokens), found {}", describe(v)))),
    }
}

fn text_field(obj: &serde_json::Map<String, Value>, at: &str, field: &str, required: bool) -> Result<String, PriceError> {
    match obj.get(field) {
        Some(Value::String(s)) => Ok(s.clone()),
        None | Some(Value::Null) if !required => Ok(String::new()),
        None | Some(Value::Null) => Err(shape(at, format!("missing \"{field}\" (text)"))),
        Some(v) => Err(shape(format!("{at}.{field}"), format!("must be text, found {}", describe(v)))),
    }
}

impl PriceTable {
    /// An empty table dated `as_of`.
    pub fn empty(as_of: &str) -> PriceTable {
        PriceTable { about: String::new(), as_of: as_of.to_string(), sources: BTreeMap::new(), models: Vec::new(), matching: String::new() }
    }

    /// The built-in seed table (parsed once).
    pub fn builtin() -> PriceTable {
        static TABLE: OnceLock<PriceTable> = OnceLock::new();
        TABLE
            .get_or_init(|| PriceTable::from_json(BUILTIN_PRICES_JSON).unwrap_or_else(|_| PriceTable::empty("")))
            .clone()
    }

    /// Imports a table from JSON text of the `prices.json` shape. A bare array of
    /// model entries is accepted too. Errors say what is wrong and where
    /// (`models[3].input`).
    pub fn from_json(text: &str) -> Result<PriceTable, PriceError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let root: Value = serde_json::from_str(text).map_err(|e| {
            let s = e.to_string();
            let reason = match s.rfind(" at line ") {
                Some(i) => s[..i].to_string(),
                None => s,
            };
            PriceError::Json { line: e.line(), column: e.column(), reason }
        })?;
        let (obj, models) = match &root {
            Value::Object(o) => match o.get("models") {
                Some(Value::Array(a)) => (Some(o), a),
                Some(v) => return Err(shape("models", format!("must be an array of model prices, found {}", describe(v)))),
                None => return Err(shape("top level", "missing \"models\" (an array of {provider, model, input, output, …})")),
            },
            Value::Array(a) => (None, a),
            v => return Err(shape("top level", format!("expected an object with \"models\", found {}", describe(v)))),
        };
        let mut table = PriceTable::empty("");
        if let Some(o) = obj {
            table.as_of = text_field(o, "top level", "as_of", false)?;
            table.about = text_field(o, "top level", "about", false)?;
            table.matching = text_field(o, "top level", "matching", false)?;
            match o.get("sources") {
                None | Some(Value::Null) => {}
                Some(Value::Object(s)) => {
                    for (k, v) in s {
                        match v {
                            Value::String(t) => {
                                table.sources.insert(k.clone(), t.clone());
                            }
                            v => return Err(shape(format!("sources.{k}"), format!("must be text, found {}", describe(v)))),
                        }
                    }
                }
                Some(v) => return Err(shape("sources", format!("must be an object of provider → URL, found {}", describe(v)))),
            }
        }
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for (i, m) in models.iter().enumerate() {
            let at = format!("models[{i}]");
            let Value::Object(mo) = m else {
                return Err(shape(at, format!("must be an object, found {}", describe(m))));
            };
            let model = text_field(mo, &at, "model", true)?;
            if model.trim().is_empty() {
                return Err(shape(format!("{at}.model"), "must not be empty"));
            }
            let at = format!("{at} (\"{model}\")");
            if let Some(first) = seen.insert(model.trim().to_lowercase(), i) {
                return Err(shape(at, format!("the model is listed twice (first at models[{first}])")));
            }
            let provider = text_field(mo, &at, "provider", false)?;
            let input = rate_field(mo, &at, "input", true)?.unwrap_or(0.0);
            let output = rate_field(mo, &at, "output", true)?.unwrap_or(0.0);
            let cached = rate_field(mo, &at, "cached_input", false)?;
            let write = rate_field(mo, &at, "cache_write", false)?;
            let note = match mo.get("note") {
                Some(Value::String(s)) => Some(s.clone()),
                _ => None,
            };
            table.models.push(ModelPrice {
                provider,
                model,
                input_usd_per_mtok: input,
                cached_input_usd_per_mtok: cached,
                cache_write_usd_per_mtok: write,
                output_usd_per_mtok: output,
                note,
            });
        }
        Ok(table)
    }

    /// Exports the table as pretty JSON (the shape [`PriceTable::from_json`] reads).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_string())
    }

    /// Adds a model's prices, or replaces the entry with the same model name
    /// (compared trimmed and case-insensitively). Refuses negative or non-finite rates
    /// and an empty model name.
    pub fn set_price(&mut self, price: ModelPrice) -> Result<(), PriceError> {
        let at = format!("model \"{}\"", price.model);
        if price.model.trim().is_empty() {
            return Err(shape("model", "must not be empty"));
        }
        check_rate(&at, "input", price.input_usd_per_mtok)?;
        check_rate(&at, "output", price.output_usd_per_mtok)?;
        if let Some(v) = price.cached_input_usd_per_mtok {
            check_rate(&at, "cached_input", v)?;
        }
        if let Some(v) = price.cache_write_usd_per_mtok {
            check_rate(&at, "cache_write", v)?;
        }
        let key = price.model.trim().to_lowercase();
        match self.models.iter_mut().find(|m| m.model.trim().to_lowercase() == key) {
            Some(m) => *m = price,
            None => self.models.push(price),
        }
        Ok(())
    }

    /// Removes a model's entry (trimmed, case-insensitive name). Returns whether one was removed.
    pub fn remove_price(&mut self, model: &str) -> bool {
        let key = model.trim().to_lowercase();
        let before = self.models.len();
        self.models.retain(|m| m.model.trim().to_lowercase() != key);
        self.models.len() != before
    }

    /// Index of the entry that prices `model`, by the matching rule in the module docs.
    pub fn match_index(&self, model: &str) -> Option<usize> {
        if model.trim().is_empty() {
            return None;
        }
        // 1. exact
        if let Some(i) = self.models.iter().position(|m| m.model == model) {
            return Some(i);
        }
        // 2. normalized equality
        let n = normalize_model(model);
        if n.is_empty() {
            return None;
        }
        let normalized: Vec<String> = self.models.iter().map(|m| normalize_model(&m.model)).collect();
        if let Some(i) = normalized.iter().position(|e| !e.is_empty() && *e == n) {
            return Some(i);
        }
        // 3. longest prefix followed by a version-like rest
        let mut best: Option<(usize, usize)> = None;
        for (i, e) in normalized.iter().enumerate() {
            if e.is_empty() || n.len() <= e.len() + 1 || !n.starts_with(e.as_str()) {
                continue;
            }
            let rest = &n[e.len()..];
            let Some(rest) = rest.strip_prefix('-') else { continue };
            if !is_version_like(rest) {
                continue;
            }
            if best.map(|(_, len)| e.len() > len).unwrap_or(true) {
                best = Some((i, e.len()));
            }
        }
        best.map(|(i, _)| i)
    }

    /// The prices for `model`, by the matching rule in the module docs.
    pub fn lookup(&self, model: &str) -> Option<&ModelPrice> {
        self.match_index(model).and_then(|i| self.models.get(i))
    }
}

impl Default for PriceTable {
    fn default() -> Self {
        PriceTable::builtin()
    }
}

/// Prefixes (before a `.`) that name a provider or a cloud region rather than a model
/// (Bedrock ids look like `us.anthropic.claude-3-5-sonnet-20241022-v2:0`).
const DOTTED_PREFIXES: &[&str] = &[
    "anthropic", "openai", "google", "mistral", "meta", "amazon", "cohere", "ai21", "deepseek", "us", "eu", "apac",
    "global",
];

/// `YYYYMMDD` starting with 19 or 20.
fn is_date8(s: &str) -> bool {
    s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) && (s.starts_with("20") || s.starts_with("19"))
}

/// Strips one known suffix; `None` when none applies.
fn strip_one_suffix(s: &str) -> Option<&str> {
    if let Some(i) = s.find('@') {
        return Some(&s[..i]);
    }
    if let Some(i) = s.find(':') {
        return Some(&s[..i]);
    }
    if let Some(rest) = s.strip_suffix("-latest") {
        return Some(rest);
    }
    let (head, last) = s.rsplit_once('-')?;
    if head.is_empty() {
        return None;
    }
    // -YYYYMMDD
    if is_date8(last) {
        return Some(head);
    }
    // -MMDD snapshot (gpt-4-0613, gpt-3.5-turbo-0125)
    if last.len() == 4 && last.bytes().all(|b| b.is_ascii_digit()) {
        return Some(head);
    }
    // -vN or -vN.N (Bedrock -v2)
    if let Some(v) = last.strip_prefix('v')
        && !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'.') && v.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
            return Some(head);
        }
    // -YYYY-MM-DD
    if last.len() == 2 && last.bytes().all(|b| b.is_ascii_digit()) {
        let parts: Vec<&str> = s.rsplitn(4, '-').collect();
        if parts.len() == 4
            && parts[1].len() == 2
            && parts[1].bytes().all(|b| b.is_ascii_digit())
            && parts[2].len() == 4
            && parts[2].bytes().all(|b| b.is_ascii_digit())
            && (parts[2].starts_with("20") || parts[2].starts_with("19"))
            && !parts[3].is_empty()
        {
            return Some(parts[3]);
        }
    }
    None
}

/// Normalizes a model name for matching (see the module docs): lower-case, no path or
/// provider prefix, no date/version/`-latest`/`@…`/`:…` suffix.
pub fn normalize_model(name: &str) -> String {
    let mut s = name.trim().to_lowercase();
    if let Some(i) = s.rfind('/') {
        s = s[i + 1..].to_string();
    }
    loop {
        match s.split_once('.') {
            Some((head, rest)) if DOTTED_PREFIXES.contains(&head) && !rest.is_empty() => s = rest.to_string(),
            _ => break,
        }
    }
    // Bounded: each step makes the string shorter.
    while let Some(shorter) = strip_one_suffix(&s) {
        if shorter.len() >= s.len() || shorter.is_empty() {
            break;
        }
        s = shorter.to_string();
    }
    s
}

/// A version-like rest after `entry-`: parts separated by `-`, each digits/dots, or `v` + digits.
fn is_version_like(rest: &str) -> bool {
    !rest.is_empty()
        && rest.split('-').all(|p| {
            let p = p.strip_prefix('v').unwrap_or(p);
            !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit() || b == b'.') && p.bytes().next().is_some_and(|b| b.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_parses_with_date_and_sources() {
        let t = PriceTable::builtin();
        assert_eq!(t.as_of, "2026-11-25");
        assert!(t.sources.contains_key("anthropic"));
        assert!(t.models.len() >= 30);
    }

    #[test]
    fn normalization() {
        assert_eq!(normalize_model("claude-3-5-sonnet-20241022"), "claude-3-5-sonnet");
        assert_eq!(normalize_model("openai/gpt-4o-mini"), "gpt-4o-mini");
        assert_eq!(normalize_model("gpt-4o-mini-2024-07-18"), "gpt-4o-mini");
        assert_eq!(normalize_model("us.anthropic.claude-3-5-sonnet-20241022-v2:0"), "claude-3-5-sonnet");
        assert_eq!(normalize_model("claude-3-5-sonnet-v2@20241022"), "claude-3-5-sonnet");
        assert_eq!(normalize_model("models/gemini-1.5-pro"), "gemini-1.5-pro");
        assert_eq!(normalize_model("claude-3-5-sonnet-latest"), "claude-3-5-sonnet");
        assert_eq!(normalize_model("gpt-4.1"), "gpt-4.1");
        assert_eq!(normalize_model("claude-opus-4-1"), "claude-opus-4-1");
        assert_eq!(normalize_model("-"), "-");
        assert_eq!(normalize_model(""), "");
    }
}
