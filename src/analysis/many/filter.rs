//! The trace filter: a query string in, which traces match out. Terms are separated by
//! spaces and all must match (AND); the words are lexed by [`crate::analysis::query`],
//! as find in the waterfall is. A trace matches a term when:
//!
//! ```text
//! service=NAME            a span has that service (exact, case-sensitive)
//! operation=NAME name=…   a span has that operation (exact)
//! KEY=VALUE               a span (or its resource) has that attribute, compared as text
//! duration>150ms         the trace's duration (last end − first start); also <, >=, <=, =
//! error                   the trace has an error span
//! llm                     the trace has an LLM call
//! any other word          a service, an operation or the trace id contains it (any case)
//! ```
//!
//! An empty filter matches every trace. A loaded trace is matched with its
//! [`TraceFacts`]; a row known only by its [`TraceSummary`] (a backend search result)
//! with [`TraceFilter::matches_summary`], which knows only the root's operation and
//! no attributes.

use super::summary::{service_text, TraceFacts, TraceSummary};
use crate::analysis::query::{contains_ci, duration_term, is_error_word, tokens, Cmp};
use crate::model::TraceSet;

/// One parsed term.
#[derive(Clone, Debug, PartialEq)]
pub enum FilterTerm {
    Service(String),
    Operation(String),
    Attr { key: String, value: String },
    Duration { cmp: Cmp, ns: u64 },
    Error,
    Llm,
    /// Lower-cased.
    Text(String),
}

/// A parsed filter; an empty one matches every trace.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TraceFilter {
    pub terms: Vec<FilterTerm>,
}

fn parse_term(tok: &str) -> FilterTerm {
    if is_error_word(tok) {
        return FilterTerm::Error;
    }
    if tok.eq_ignore_ascii_case("llm") {
        return FilterTerm::Llm;
    }
    if let Some((cmp, ns)) = duration_term(tok) {
        return FilterTerm::Duration { cmp, ns };
    }
    if let Some((key, value)) = tok.split_once('=')
        && !key.is_empty()
    {
        return match key {
            "service" => FilterTerm::Service(value.to_string()),
            "operation" | "name" => FilterTerm::Operation(value.to_string()),
            _ => FilterTerm::Attr { key: key.to_string(), value: value.to_string() },
        };
    }
    FilterTerm::Text(tok.to_lowercase())
}

/// Parses a filter string.
pub fn parse(q: &str) -> TraceFilter {
    TraceFilter { terms: tokens(q).iter().map(|t| parse_term(t)).collect() }
}

impl TraceFilter {
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether loaded trace `trace` (index into `set.traces`) matches every term.
    /// `summary` and `facts` are that trace's, from [`super::summary::summarize`].
    pub fn matches(&self, set: &TraceSet, trace: usize, summary: &TraceSummary, facts: &TraceFacts) -> bool {
        self.terms.iter().all(|term| match term {
            FilterTerm::Service(name) => facts.services.iter().any(|&s| service_text(set, s) == name),
            FilterTerm::Operation(name) => facts.operations.iter().any(|&s| set.str(s) == name),
            FilterTerm::Attr { key, value } => has_attr(set, trace, key, value),
            FilterTerm::Text(word) => {
                facts.services.iter().any(|&s| contains_ci(service_text(set, s), word))
                    || facts.operations.iter().any(|&s| contains_ci(set.str(s), word))
                    || contains_ci(&summary.trace_id, word)
            }
            _ => summary_term(term, summary),
        })
    }

    /// Whether a row known only by its summary matches: operations are the root's, and
    /// an attribute term never matches (the spans are not there to ask).
    pub fn matches_summary(&self, summary: &TraceSummary) -> bool {
        self.terms.iter().all(|term| match term {
            FilterTerm::Service(name) => summary.services.iter().any(|s| s == name) || summary.root_service == *name,
            FilterTerm::Operation(name) => summary.root_operation == *name,
            FilterTerm::Attr { .. } => false,
            FilterTerm::Text(word) => {
                summary.services.iter().any(|s| contains_ci(s, word))
                    || contains_ci(&summary.root_service, word)
                    || contains_ci(&summary.root_operation, word)
                    || contains_ci(&summary.trace_id, word)
            }
            _ => summary_term(term, summary),
        })
    }

    /// Indices of the loaded traces that match, ascending.
    pub fn select(&self, set: &TraceSet, summaries: &[TraceSummary], facts: &[TraceFacts]) -> Vec<usize> {
        (0..set.traces.len().min(summaries.len()).min(facts.len()))
            .filter(|&t| self.matches(set, t, &summaries[t], &facts[t]))
            .collect()
    }
}

/// The terms a summary answers on its own: duration, error, llm.
fn summary_term(term: &FilterTerm, summary: &TraceSummary) -> bool {
    match term {
        FilterTerm::Duration { cmp, ns } => cmp.holds(summary.duration_ns, *ns),
        FilterTerm::Error => summary.errors > 0,
        FilterTerm::Llm => summary.llm_calls > 0,
        _ => false,
    }
}

/// Whether a span of the trace (or its resource) has attribute `key` with text `value`.
fn has_attr(set: &TraceSet, trace: usize, key: &str, value: &str) -> bool {
    let Some(t) = set.traces.get(trace) else { return false };
    let Some(spans) = set.spans.get(t.spans.range()) else { return false };
    spans.iter().any(|s| set.attr(s, key).is_some_and(|v| set.value_text(v) == value))
}
