//! Cross-trace aggregates: calls in; rows out, grouped by model, provider, service,
//! operation, purpose, user, tenant, conversation or trace ([`GroupRow`]), cache hit
//! rate by model, the finish-reason mix and latency percentiles by model.

use std::collections::{BTreeMap, BTreeSet};

use super::call::{LlmCall, NONE_KEY};
use super::summary::LlmTotals;
use crate::analysis::percentile::nearest_rank;
use crate::model::TraceSet;

/// What to group calls by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GroupBy {
    Model,
    Provider,
    Service,
    Operation,
    Purpose,
    User,
    Tenant,
    Conversation,
    Trace,
}

impl GroupBy {
    pub const ALL: [GroupBy; 9] = [
        GroupBy::Model,
        GroupBy::Provider,
        GroupBy::Service,
        GroupBy::Operation,
        GroupBy::Purpose,
        GroupBy::User,
        GroupBy::Tenant,
        GroupBy::Conversation,
        GroupBy::Trace,
    ];
    /// Stable id (for CSV file names and test ids).
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Model => "model",
            GroupBy::Provider => "provider",
            GroupBy::Service => "service",
            GroupBy::Operation => "operation",
            GroupBy::Purpose => "purpose",
            GroupBy::User => "user",
            GroupBy::Tenant => "tenant",
            GroupBy::Conversation => "conversation",
            GroupBy::Trace => "trace",
        }
    }
    /// Column header for the key.
    pub fn label(self) -> &'static str {
        match self {
            GroupBy::Model => "Model",
            GroupBy::Provider => "Provider",
            GroupBy::Service => "Service",
            GroupBy::Operation => "Operation",
            GroupBy::Purpose => "Purpose",
            GroupBy::User => "user.id",
            GroupBy::Tenant => "tenant.id",
            GroupBy::Conversation => "Conversation / session",
            GroupBy::Trace => "Trace",
        }
    }
    fn key(self, set: &TraceSet, c: &LlmCall) -> String {
        let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| NONE_KEY.to_string());
        match self {
            GroupBy::Model => c.model_key().to_string(),
            GroupBy::Provider => opt(&c.provider),
            GroupBy::Service => c.service.clone(),
            GroupBy::Operation => opt(&c.operation),
            GroupBy::Purpose => opt(&c.purpose),
            GroupBy::User => opt(&c.user_id),
            GroupBy::Tenant => opt(&c.tenant_id),
            GroupBy::Conversation => opt(&c.conversation_id),
            GroupBy::Trace => set
                .traces
                .get(c.trace as usize)
                .map(|t| t.trace_id.to_text(&set.strings))
                .unwrap_or_else(|| NONE_KEY.to_string()),
        }
    }
}

/// One group of calls.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupRow {
    pub key: String,
    pub totals: LlmTotals,
}

/// Groups calls; rows sorted by cost (descending), then calls (descending), then key.
pub fn group_calls(set: &TraceSet, calls: &[LlmCall], by: GroupBy) -> Vec<GroupRow> {
    let mut m: BTreeMap<String, LlmTotals> = BTreeMap::new();
    for c in calls {
        m.entry(by.key(set, c)).or_default().add(c);
    }
    let mut rows: Vec<GroupRow> = m.into_iter().map(|(key, totals)| GroupRow { key, totals }).collect();
    rows.sort_by(|a, b| {
        b.totals.cost_usd.total_cmp(&a.totals.cost_usd).then(b.totals.calls.cmp(&a.totals.calls)).then(a.key.cmp(&b.key))
    });
    rows
}

/// Cache use of one model.
#[derive(Clone, Debug, PartialEq)]
pub struct CacheRow {
    pub model: String,
    pub calls: u64,
    pub input_tokens: u64,
    pub cache_read_tokens: u64,
    pub cache_creation_tokens: u64,
    /// cache_read ÷ input; `None` without input tokens.
    pub hit_rate: Option<f64>,
}

/// Cache hit rate (cache-read ÷ input tokens) by model, sorted by model.
pub fn cache_by_model(calls: &[LlmCall]) -> Vec<CacheRow> {
    let mut m: BTreeMap<String, LlmTotals> = BTreeMap::new();
    for c in calls {
        m.entry(c.model_key().to_string()).or_default().add(c);
    }
    m.into_iter()
        .map(|(model, t)| CacheRow {
            model,
            calls: t.calls,
            input_tokens: t.input_tokens,
            cache_read_tokens: t.cache_read_tokens,
            cache_creation_tokens: t.cache_creation_tokens,
            hit_rate: t.cache_hit_rate(),
        })
        .collect()
}

/// One finish reason and how many calls ended with it.
#[derive(Clone, Debug, PartialEq)]
pub struct FinishRow {
    /// The reason; `(not reported)` for calls without one.
    pub reason: String,
    pub calls: u64,
    /// Share of all calls.
    pub share: f64,
    pub truncation: bool,
    pub content_filter: bool,
}

/// Key for calls without a finish reason.
pub const NOT_REPORTED: &str = "(not reported)";

/// The finish-reason mix: each reason counted once per call; sorted by count, then reason.
pub fn finish_reason_mix(calls: &[LlmCall]) -> Vec<FinishRow> {
    let mut m: BTreeMap<String, u64> = BTreeMap::new();
    for c in calls {
        let uniq: BTreeSet<&str> = c.finish_reasons.iter().map(|s| s.as_str()).collect();
        if uniq.is_empty() {
            *m.entry(NOT_REPORTED.to_string()).or_default() += 1;
        }
        for r in uniq {
            *m.entry(r.to_string()).or_default() += 1;
        }
    }
    let n = calls.len().max(1) as f64;
    let mut rows: Vec<FinishRow> = m
        .into_iter()
        .map(|(reason, calls)| FinishRow {
            truncation: matches!(reason.as_str(), "length" | "max_tokens" | "max_output_tokens"),
            content_filter: matches!(reason.as_str(), "content_filter" | "content-filter" | "safety"),
            reason,
            calls,
            share: calls as f64 / n,
        })
        .collect();
    rows.sort_by(|a, b| b.calls.cmp(&a.calls).then(a.reason.cmp(&b.reason)));
    rows
}

/// Latency percentiles of one model.
#[derive(Clone, Debug, PartialEq)]
pub struct LatencyRow {
    pub model: String,
    pub calls: u64,
    pub p50_ns: u64,
    pub p95_ns: u64,
    pub p99_ns: u64,
    pub max_ns: u64,
    /// Median TTFT over calls that reported one.
    pub ttft_p50_ns: Option<u64>,
    /// Median tokens/s over calls that have one.
    pub tokens_per_second_p50: Option<f64>,
}

/// Latency percentiles (p50/p95/p99, nearest rank) by model, sorted by model.
pub fn latency_by_model(calls: &[LlmCall]) -> Vec<LatencyRow> {
    /// Latencies, TTFTs and tokens/s of one model.
    type Samples = (Vec<u64>, Vec<u64>, Vec<f64>);
    let mut m: BTreeMap<String, Samples> = BTreeMap::new();
    for c in calls {
        let e = m.entry(c.model_key().to_string()).or_default();
        e.0.push(c.latency_ns);
        if let Some(t) = c.ttft_ns {
            e.1.push(t);
        }
        if let Some(t) = c.tokens_per_second {
            e.2.push(t);
        }
    }
    m.into_iter()
        .map(|(model, (mut lat, mut ttft, mut tps))| {
            lat.sort_unstable();
            ttft.sort_unstable();
            tps.sort_by(|a, b| a.total_cmp(b));
            LatencyRow {
                model,
                calls: lat.len() as u64,
                p50_ns: nearest_rank(&lat, 50.0).unwrap_or(0),
                p95_ns: nearest_rank(&lat, 95.0).unwrap_or(0),
                p99_ns: nearest_rank(&lat, 99.0).unwrap_or(0),
                max_ns: lat.last().copied().unwrap_or(0),
                ttft_p50_ns: nearest_rank(&ttft, 50.0),
                tokens_per_second_p50: nearest_rank(&tps, 50.0),
            }
        })
        .collect()
}
