//! Text in, a guess at its wire format out. Looks only at the keys in the first
//! part of the document (so a 1 GB file costs the same as a 1 KB one), and names
//! what a refused input looks like. Of JSON Lines or a JSON sequence (values one after
//! another), the first value is looked at.
//!
//! Marker keys, checked in this order:
//!
//! | seen                                                             | format            |
//! |------------------------------------------------------------------|-------------------|
//! | top-level `traceEvents`                                          | Chrome (refused)  |
//! | top-level `trace` + `observations`                               | Langfuse (refused)|
//! | `context` + `trace_id` + `span_id` + `start_time` + `end_time`     | OTel console span |
//! | `resourceSpans`, `scopeSpans`, `instrumentationLibrarySpans`, top `batches` | OTLP   |
//! | `traceID` / `spanID` / `processID` (capital ID)                  | Jaeger            |
//! | `operationName` with camel-case `traceId` / `spanId`             | Jaeger api_v2     |
//! | `traceId` + `id` (+ `localEndpoint` / `timestamp` / `parentId`)  | Zipkin v2         |

use std::collections::BTreeSet;

use super::docs::json_lines;
use super::{json_reason, Format};

/// The outcome of detection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detected {
    Format(Format),
    Unsupported(String),
    InvalidJson { line: usize, column: usize, reason: String },
}

/// How much of the text is scanned for keys.
const PREFIX_BYTES: usize = 256 * 1024;

/// Keys seen in the prefix, with the nesting depth (1 = top-level object member).
struct Keys {
    all: BTreeSet<String>,
    top: Vec<String>,
    /// First non-space byte of the document.
    first: u8,
    /// First non-space byte inside a top-level array.
    first_in_array: Option<u8>,
    /// Where the first top-level value ends, when it ends inside the prefix.
    first_end: Option<usize>,
}

fn scan_keys(text: &str) -> Keys {
    let bytes = text.as_bytes();
    let end = bytes.len().min(PREFIX_BYTES);
    let b = bytes.get(..end).unwrap_or(bytes);
    let mut all = BTreeSet::new();
    let mut top = Vec::new();
    let mut depth: usize = 0;
    let mut i = 0;
    let first = b.iter().copied().find(|c| !c.is_ascii_whitespace()).unwrap_or(0);
    let mut first_in_array = None;
    let mut saw_first_value = false;
    let mut first_end = None;
    while let Some(&c) = b.get(i) {
        match c {
            b'{' | b'[' => {
                if depth == 1 && first == b'[' && !saw_first_value {
                    first_in_array = Some(c);
                    saw_first_value = true;
                }
                depth += 1;
                i += 1;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                i += 1;
                if depth == 0 && first_end.is_none() {
                    first_end = Some(i);
                }
            }
            b'"' => {
                if depth == 1 && first == b'[' && !saw_first_value {
                    first_in_array = Some(c);
                    saw_first_value = true;
                }
                // Read the string.
                let start = i + 1;
                let mut j = start;
                while let Some(&d) = b.get(j).filter(|&&d| d != b'"') {
                    if d == b'\\' {
                        j += 1;
                    }
                    j += 1;
                }
                let s = text.get(start..j.min(b.len())).unwrap_or("");
                // Is it a key? Next non-space is ':'.
                let mut k = j + 1;
                while b.get(k).is_some_and(u8::is_ascii_whitespace) {
                    k += 1;
                }
                if b.get(k) == Some(&b':') && s.len() < 64 {
                    if depth == 1 && first == b'{' {
                        top.push(s.to_string());
                    }
                    if all.len() < 4096 {
                        all.insert(s.to_string());
                    }
                }
                i = j + 1;
            }
            _ => {
                if depth == 1 && first == b'[' && !saw_first_value && !c.is_ascii_whitespace() && c != b',' {
                    first_in_array = Some(c);
                    saw_first_value = true;
                }
                i += 1;
            }
        }
    }
    Keys { all, top, first, first_in_array, first_end }
}

/// Detects the format of a whole document (or of the first line of JSON Lines).
pub fn detect(text: &str) -> Detected {
    let doc = match json_lines(text).as_deref().and_then(<[_]>::first) {
        Some(&(_, first_line)) => first_line,
        None => text,
    };
    let mut keys = scan_keys(doc);
    // A JSON sequence (values one after another): the first value stands for the rest.
    let mut doc = doc;
    if let Some(first) = keys.first_end.and_then(|e| doc.get(..e))
        && doc.get(first.len()..).is_some_and(|rest| !rest.trim().is_empty())
    {
        doc = first;
        keys = scan_keys(doc);
    }
    let has = |k: &str| keys.all.contains(k);
    let top_has = |k: &str| keys.top.iter().any(|t| t == k);

    if keys.first != b'{' && keys.first != b'[' {
        return match serde_json::from_str::<serde::de::IgnoredAny>(doc) {
            Err(e) => {
                let trimmed = doc.trim_start();
                if trimmed.starts_with('<') {
                    Detected::Unsupported("an HTML or XML document".to_string())
                } else {
                    Detected::InvalidJson { line: e.line(), column: e.column(), reason: json_reason(&e) }
                }
            }
            Ok(_) => Detected::Unsupported("a single JSON value that is not an object or array".to_string()),
        };
    }
    if top_has("traceEvents") || (keys.first == b'[' && has("ph") && has("pid") && has("ts")) {
        return Detected::Unsupported("a Chrome trace-event file (traceEvents), a profiling format".to_string());
    }
    if top_has("observations") || (top_has("trace") && has("projectId")) {
        return Detected::Unsupported("a Langfuse trace export (trace + observations)".to_string());
    }
    if has("context") && has("trace_id") && has("span_id") && has("start_time") && has("end_time") {
        return Detected::Format(Format::OtelConsole);
    }
    if has("resourceSpans") || has("scopeSpans") || has("instrumentationLibrarySpans") || top_has("batches") || has("resource_spans") {
        return Detected::Format(Format::Otlp);
    }
    if has("traceID") || has("spanID") || has("processID") {
        return Detected::Format(Format::Jaeger);
    }
    if has("operationName") && (has("traceId") || has("spanId")) {
        return Detected::Format(Format::JaegerProto);
    }
    if has("traceId") && has("id") {
        return Detected::Format(Format::Zipkin);
    }
    if keys.first == b'[' && keys.first_in_array == Some(b'[') {
        // Array of arrays: Zipkin's /api/v2/traces (maybe with empty inner arrays).
        return Detected::Format(Format::Zipkin);
    }
    // Nothing recognized: is it valid JSON at all?
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(doc) {
        return Detected::InvalidJson { line: e.line(), column: e.column(), reason: json_reason(&e) };
    }
    if keys.first == b'[' && keys.first_in_array.is_none() {
        // `[]`: valid, but nothing to read. Jaeger's reader reports it as empty.
        return Detected::Format(Format::Jaeger);
    }
    if top_has("data") {
        return Detected::Format(Format::Jaeger);
    }
    let mut named: Vec<&str> = keys.top.iter().map(|s| s.as_str()).take(6).collect();
    named.dedup();
    if named.is_empty() {
        Detected::Unsupported("JSON that is not a trace".to_string())
    } else {
        Detected::Unsupported(format!("JSON that is not a trace (top-level keys: {})", named.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_shape() {
        assert_eq!(detect(r#"{"resourceSpans":[]}"#), Detected::Format(Format::Otlp));
        assert_eq!(detect(r#"{"batches":[]}"#), Detected::Format(Format::Otlp));
        assert_eq!(detect(r#"{"result":{"resourceSpans":[]}}"#), Detected::Format(Format::Otlp));
        assert_eq!(detect(r#"{"data":[{"traceID":"1","spans":[]}]}"#), Detected::Format(Format::Jaeger));
        assert_eq!(detect(r#"[{"traceId":"1","id":"2"}]"#), Detected::Format(Format::Zipkin));
        assert_eq!(detect(r#"[[{"traceId":"1","id":"2"}]]"#), Detected::Format(Format::Zipkin));
        assert_eq!(detect(r#"{"spans":[{"traceId":"AA==","spanId":"AA==","operationName":"x"}]}"#), Detected::Format(Format::JaegerProto));
        assert!(matches!(detect(r#"{"traceEvents":[]}"#), Detected::Unsupported(_)));
        assert!(matches!(detect(r#"{"trace":{},"observations":[]}"#), Detected::Unsupported(_)));
        assert!(matches!(detect(r#"{"hello":1}"#), Detected::Unsupported(s) if s.contains("hello")));
        assert!(matches!(detect("[{a: 1,}]"), Detected::InvalidJson { .. }));
        assert!(matches!(detect("not json"), Detected::InvalidJson { .. }));
    }
}
