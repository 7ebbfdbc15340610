//! Search answers: a backend's response body in, one summary per trace out, sorted by
//! start (latest first), then id.
//!
//! Jaeger (`{data:[trace…]}`, v3 `{result:{resourceSpans}}`) and Zipkin (`[[span…]…]`)
//! answer with whole traces, read by the same readers as files; Tempo answers with
//! summaries only (`{traces:[{traceID, rootServiceName, rootTraceName,
//! startTimeUnixNano, durationMs, spanSets}]}`), and the trace is fetched when opened.
//! The page has the worker read an answer ([`summaries_text`], [`summaries_of_text`]).

use serde::{Deserialize, Serialize};

use super::BackendKind;
use crate::model::TraceSet;
use crate::parse;

/// One trace found by a search.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceSummary {
    pub trace_id: String,
    pub root_service: String,
    pub root_name: String,
    pub start_ns: u64,
    pub duration_ns: u64,
    /// Spans in the trace (Jaeger, Zipkin) or matched by the query (Tempo).
    pub spans: u32,
    /// Error spans, where the answer says (not Tempo).
    pub errors: Option<u32>,
    /// Sorted service names, where the answer names them.
    pub services: Vec<String>,
}

impl TraceSummary {
    /// The trace list's row for this result (its spans are not loaded; LLM totals unknown).
    pub fn list_row(&self) -> crate::analysis::many::summary::TraceSummary {
        crate::analysis::many::summary::TraceSummary {
            trace_id: self.trace_id.clone(),
            start_ns: self.start_ns,
            duration_ns: self.duration_ns,
            root_service: self.root_service.clone(),
            root_operation: self.root_name.clone(),
            spans: self.spans,
            services: if self.services.is_empty() && !self.root_service.is_empty() { vec![self.root_service.clone()] } else { self.services.clone() },
            errors: self.errors.unwrap_or(0),
            ..Default::default()
        }
    }
}

#[derive(Deserialize)]
struct TempoAnswer {
    traces: Option<Vec<TempoTrace>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TempoTrace {
    #[serde(rename = "traceID")]
    trace_id: String,
    #[serde(rename = "rootServiceName")]
    root_service: String,
    #[serde(rename = "rootTraceName")]
    root_name: String,
    #[serde(rename = "startTimeUnixNano")]
    start: serde_json::Value,
    #[serde(rename = "durationMs")]
    duration_ms: serde_json::Value,
    #[serde(rename = "spanSets")]
    span_sets: Vec<TempoSpanSet>,
    #[serde(rename = "spanSet")]
    span_set: Option<TempoSpanSet>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TempoSpanSet {
    matched: u32,
}

fn number(v: &serde_json::Value) -> u64 {
    match v {
        serde_json::Value::Number(n) => n.as_u64().or_else(|| n.as_f64().map(|f| f.max(0.0) as u64)).unwrap_or(0),
        serde_json::Value::String(s) => s.trim().parse().unwrap_or(0),
        _ => 0,
    }
}

/// Why a search answer gave no summaries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SearchError {
    /// Not JSON at all.
    NotJson(String),
    /// JSON, but not a search answer of this backend.
    NotSearch(String),
}

/// The summaries of a search answer of backend `kind`.
pub fn summaries(kind: BackendKind, body: &[u8]) -> Result<Vec<TraceSummary>, SearchError> {
    if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_err() {
        let head: String = String::from_utf8_lossy(body.get(..80).unwrap_or(body)).chars().filter(|c| !c.is_control()).collect();
        return Err(SearchError::NotJson(head));
    }
    let mut out = match kind {
        BackendKind::Tempo => tempo(body)?,
        BackendKind::Jaeger | BackendKind::Zipkin => {
            let empty = matches!(serde_json::from_slice::<serde_json::Value>(body), Ok(serde_json::Value::Array(a)) if a.is_empty())
                || matches!(serde_json::from_slice::<serde_json::Value>(body), Ok(v) if v.get("data").is_some_and(|d| d.as_array().is_some_and(|a| a.is_empty())));
            if empty {
                Vec::new()
            } else {
                let set = parse::load(&[("search", body)], None).map_err(|e| SearchError::NotSearch(e.to_string()))?;
                of_set(&set)
            }
        }
    };
    out.sort_by(|a, b| b.start_ns.cmp(&a.start_ns).then_with(|| a.trace_id.cmp(&b.trace_id)));
    Ok(out)
}

/// [`summaries`] as JSON text, as the worker that reads a search answer sends it to the page.
pub fn summaries_text(kind: BackendKind, body: &[u8]) -> String {
    serde_json::to_string(&summaries(kind, body)).unwrap_or_else(|e| format!("{{\"Err\":{{\"NotSearch\":{}}}}}", serde_json::Value::String(e.to_string())))
}

/// The summaries (or why there are none) from the worker's text ([`summaries_text`]).
pub fn summaries_of_text(text: &str) -> Result<Vec<TraceSummary>, SearchError> {
    serde_json::from_str(text).unwrap_or_else(|e| Err(SearchError::NotSearch(format!("the worker's answer could not be read: {e}"))))
}

fn tempo(body: &[u8]) -> Result<Vec<TraceSummary>, SearchError> {
    let answer: TempoAnswer = serde_json::from_slice(body).map_err(|e| SearchError::NotSearch(e.to_string()))?;
    let Some(traces) = answer.traces else {
        return Err(SearchError::NotSearch("the answer has no \"traces\" list".into()));
    };
    Ok(traces
        .into_iter()
        .filter(|t| !t.trace_id.trim().is_empty())
        .map(|t| {
            let matched = t.span_sets.iter().map(|s| s.matched).sum::<u32>() + t.span_set.map(|s| s.matched).unwrap_or(0);
            TraceSummary {
                trace_id: t.trace_id.trim().to_ascii_lowercase(),
                root_service: if t.root_service.is_empty() { "<root span not yet received>".into() } else { t.root_service },
                root_name: t.root_name,
                start_ns: number(&t.start),
                duration_ns: number(&t.duration_ms).saturating_mul(1_000_000),
                spans: matched,
                errors: None,
                services: Vec::new(),
            }
        })
        .collect())
}

/// Summaries of loaded traces (a Jaeger or Zipkin search answer read as a file).
pub fn of_set(set: &TraceSet) -> Vec<TraceSummary> {
    set.traces
        .iter()
        .map(|t| {
            let root = set.spans.get(t.root as usize);
            let mut services: Vec<String> = set.spans[t.spans.range()].iter().map(|s| set.service_of(s).to_string()).collect();
            services.sort();
            services.dedup();
            TraceSummary {
                trace_id: t.trace_id.to_text(&set.strings),
                root_service: root.map(|r| set.service_of(r).to_string()).unwrap_or_default(),
                root_name: root.map(|r| set.name_of(r).to_string()).unwrap_or_default(),
                start_ns: t.start_ns,
                duration_ns: t.duration_ns,
                spans: t.spans.len,
                errors: Some(t.errors),
                services,
            }
        })
        .collect()
}

/// Service names from a services answer: Jaeger `{data:[…]}`, Zipkin `[…]`, Tempo tag
/// values `{tagValues:[{type, value}…]}` (or plain strings). Sorted, unique; anything else
/// gives none.
pub fn service_names(kind: BackendKind, body: &[u8]) -> Vec<String> {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else { return Vec::new() };
    let list = match kind {
        BackendKind::Jaeger => v.get("data").cloned(),
        BackendKind::Zipkin => Some(v),
        BackendKind::Tempo => v.get("tagValues").cloned(),
    };
    let mut out: Vec<String> = list
        .and_then(|l| l.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|x| x.as_str().or_else(|| x.get("value").and_then(|v| v.as_str())).map(str::to_string))
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tempo_summaries() {
        let body = br#"{"traces":[
          {"traceID":"2F3E0CEE77AE5DC9C17ADE3689EB2E54","rootServiceName":"shop-backend","rootTraceName":"update-billing",
           "startTimeUnixNano":"1684778327699392724","durationMs":557,"spanSets":[{"spans":[],"matched":2}]},
          {"traceID":"0af7651916cd43dd8448eb211c80319c","rootServiceName":"","startTimeUnixNano":"1684778327699392725","durationMs":1,
           "spanSet":{"matched":1}}],"metrics":{"inspectedTraces":2}}"#;
        let s = summaries(BackendKind::Tempo, body).unwrap();
        assert_eq!(s.len(), 2);
        // Latest first.
        assert_eq!(s[0].trace_id, "0af7651916cd43dd8448eb211c80319c");
        assert_eq!(s[0].root_service, "<root span not yet received>");
        assert_eq!((s[1].root_name.as_str(), s[1].duration_ns, s[1].spans), ("update-billing", 557_000_000, 2));
        assert!(matches!(summaries(BackendKind::Tempo, br#"{"batches":[]}"#), Err(SearchError::NotSearch(_))));
        assert!(matches!(summaries(BackendKind::Tempo, b"<html>login</html>"), Err(SearchError::NotJson(_))));
    }

    #[test]
    fn summaries_travel_as_text() {
        let body = br#"{"traces":[{"traceID":"ab","rootServiceName":"web","startTimeUnixNano":"5","durationMs":2}]}"#;
        assert_eq!(summaries_of_text(&summaries_text(BackendKind::Tempo, body)), summaries(BackendKind::Tempo, body));
        assert_eq!(summaries_of_text(&summaries_text(BackendKind::Tempo, b"<html>")), Err(SearchError::NotJson("<html>".into())));
        assert!(matches!(summaries_of_text("{"), Err(SearchError::NotSearch(_))));
    }

    #[test]
    fn service_lists() {
        assert_eq!(service_names(BackendKind::Jaeger, br#"{"data":["b","a"],"total":2}"#), vec!["a", "b"]);
        assert_eq!(service_names(BackendKind::Zipkin, br#"["z"]"#), vec!["z"]);
        assert_eq!(service_names(BackendKind::Tempo, br#"{"tagValues":[{"type":"string","value":"cart"},"web"]}"#), vec!["cart", "web"]);
        assert_eq!(service_names(BackendKind::Tempo, b"nope"), Vec::<String>::new());
    }

    #[test]
    fn jaeger_and_zipkin_answers_are_read_as_traces() {
        let jaeger = br#"{"data":[{"traceID":"00000000000000aa","spans":[
            {"traceID":"00000000000000aa","spanID":"0000000000000001","operationName":"GET /","startTime":1000,"duration":50,"processID":"p1",
             "tags":[{"key":"error","type":"bool","value":true}]}],
            "processes":{"p1":{"serviceName":"web"}}}],"total":0,"limit":0,"offset":0,"errors":null}"#;
        let s = summaries(BackendKind::Jaeger, jaeger).unwrap();
        assert_eq!((s[0].root_service.as_str(), s[0].root_name.as_str(), s[0].spans, s[0].errors), ("web", "GET /", 1, Some(1)));
        assert_eq!(summaries(BackendKind::Jaeger, br#"{"data":[],"total":0}"#), Ok(Vec::new()));
        let zipkin = br#"[[{"traceId":"00000000000000bb","id":"0000000000000002","name":"get","timestamp":5,"duration":7,
            "localEndpoint":{"serviceName":"edge"}}]]"#;
        assert_eq!(summaries(BackendKind::Zipkin, zipkin).unwrap()[0].root_service, "edge");
        assert_eq!(summaries(BackendKind::Zipkin, b"[]"), Ok(Vec::new()));
    }
}
