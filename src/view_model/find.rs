//! Find in trace: a query string in, the matching spans of one trace out.
//!
//! The words are lexed by [`crate::analysis::query`], shared with the trace filter.
//! Grammar (terms separated by spaces, all must match; `"..."` quotes a value):
//!
//! ```text
//! text              name, service, or any attribute value/key contains text (case-insensitive)
//! key=value         the attribute `key` (span, then resource) equals value (case-insensitive)
//! service=x  service:x   the service name contains x
//! name=x     name:x      the span name contains x
//! duration>100ms  dur<=2s  duration>=1.5ms   compare durations (ns, us|µs, ms, s, m)
//! error  errors  is:error  status=error      error spans only
//! ```

use crate::analysis::query::{contains_ci, duration_term, is_error_word, tokens, Cmp};
use crate::model::{AttrValue, Span, TraceSet};

/// One parsed term.
#[derive(Clone, Debug, PartialEq)]
pub enum Term {
    Text(String),
    Attr { key: String, value: String },
    Service(String),
    Name(String),
    Duration { cmp: Cmp, ns: u64 },
    Error,
}

/// A parsed query; an empty one matches nothing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Query {
    pub terms: Vec<Term>,
}

fn parse_term(tok: &str) -> Term {
    let lower = tok.to_lowercase();
    if is_error_word(tok) {
        return Term::Error;
    }
    if let Some((cmp, ns)) = duration_term(tok) {
        return Term::Duration { cmp, ns };
    }
    for (prefix, is_service) in [("service:", true), ("service=", true), ("name:", false), ("name=", false)] {
        if let Some(v) = lower.strip_prefix(prefix) {
            return if is_service { Term::Service(v.to_string()) } else { Term::Name(v.to_string()) };
        }
    }
    if let Some((k, v)) = tok.split_once('=')
        && !k.is_empty() {
            return Term::Attr { key: k.to_string(), value: v.to_lowercase() };
        }
    Term::Text(lower)
}

/// Parses a query string.
pub fn parse(q: &str) -> Query {
    Query { terms: tokens(q).iter().map(|t| parse_term(t)).collect() }
}

impl Query {
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether one span matches every term.
    pub fn matches(&self, set: &TraceSet, span: &Span) -> bool {
        !self.terms.is_empty() && self.terms.iter().all(|t| term_matches(set, span, t))
    }

    /// All matching spans of a trace (indices into `set.spans`, ascending).
    pub fn find(&self, set: &TraceSet, trace: usize) -> Vec<u32> {
        let Some(t) = set.traces.get(trace) else { return Vec::new() };
        if self.is_empty() {
            return Vec::new();
        }
        t.spans
            .range()
            .filter(|&i| set.spans.get(i).is_some_and(|s| self.matches(set, s)))
            .map(|i| i as u32)
            .collect()
    }
}

fn value_contains(set: &TraceSet, v: AttrValue, needle: &str) -> bool {
    match v {
        AttrValue::Str(s) | AttrValue::Bytes(s) => contains_ci(set.str(s), needle),
        AttrValue::Empty => false,
        other => contains_ci(&set.value_text(other), needle),
    }
}

fn term_matches(set: &TraceSet, span: &Span, t: &Term) -> bool {
    match t {
        Term::Error => span.is_error(),
        Term::Name(n) => contains_ci(set.name_of(span), n),
        Term::Service(n) => contains_ci(set.service_of(span), n),
        Term::Duration { cmp, ns } => cmp.holds(span.duration_ns, *ns),
        Term::Attr { key, value } => match key.as_str() {
            "service" | "service.name" if set.attr(span, key).is_none() => {
                set.service_of(span).eq_ignore_ascii_case(value)
            }
            _ => set.attr(span, key).is_some_and(|v| set.value_text(v).to_lowercase() == *value),
        },
        Term::Text(n) => {
            contains_ci(set.name_of(span), n)
                || contains_ci(set.service_of(span), n)
                || set.span_attrs(span).iter().any(|a| contains_ci(set.str(a.key), n) || value_contains(set, a.value, n))
                || set.events[span.events.range()].iter().any(|e| contains_ci(set.str(e.name), n))
        }
    }
}
