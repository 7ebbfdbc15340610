//! Find in trace: a query string in, the matching spans of one trace out.
//!
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

use crate::model::{AttrValue, Span, TraceSet};

/// How a duration is compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
}

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

/// Splits on whitespace, keeping `"quoted parts"` together (quotes removed).
fn tokens(q: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in q.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            c => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out.retain(|t| !t.is_empty());
    out
}

/// Parses `100ms`, `1.5s`, `250us`, `3m`, `42` (ns).
pub fn parse_duration_ns(s: &str) -> Option<u64> {
    let s = s.trim();
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let v: f64 = num.parse().ok()?;
    let mul = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "ns" => 1.0,
        "us" | "µs" | "μs" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        "m" | "min" => 60e9,
        _ => return None,
    };
    let ns = v * mul;
    (ns.is_finite() && ns >= 0.0).then_some(ns.round() as u64)
}

fn parse_term(tok: &str) -> Term {
    let lower = tok.to_lowercase();
    if matches!(lower.as_str(), "error" | "errors" | "is:error" | "status=error" | "status:error") {
        return Term::Error;
    }
    for key in ["duration", "dur"] {
        if let Some(rest) = lower.strip_prefix(key) {
            let (cmp, num) = if let Some(n) = rest.strip_prefix(">=") {
                (Cmp::Ge, n)
            } else if let Some(n) = rest.strip_prefix("<=") {
                (Cmp::Le, n)
            } else if let Some(n) = rest.strip_prefix('>') {
                (Cmp::Gt, n)
            } else if let Some(n) = rest.strip_prefix('<') {
                (Cmp::Lt, n)
            } else if let Some(n) = rest.strip_prefix('=') {
                (Cmp::Eq, n)
            } else {
                continue;
            };
            if let Some(ns) = parse_duration_ns(num) {
                return Term::Duration { cmp, ns };
            }
        }
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

fn contains_ci(hay: &str, needle_lower: &str) -> bool {
    if needle_lower.is_empty() {
        return true;
    }
    if hay.is_ascii() && needle_lower.is_ascii() {
        let (h, n) = (hay.as_bytes(), needle_lower.as_bytes());
        return h.len() >= n.len() && h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n));
    }
    hay.to_lowercase().contains(needle_lower)
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
        Term::Duration { cmp, ns } => {
            let d = span.duration_ns;
            match cmp {
                Cmp::Gt => d > *ns,
                Cmp::Ge => d >= *ns,
                Cmp::Lt => d < *ns,
                Cmp::Le => d <= *ns,
                Cmp::Eq => d == *ns,
            }
        }
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
