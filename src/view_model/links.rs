//! Link templates (in the style of Jaeger UI's `linkPatterns`): a JSON list of templates
//! and a span or trace in; the links to show out, as (text, href) pairs.
//!
//! ```text
//! [{"type":"tags|process|logs|traceId","key":"…","url":"https://logs.example/?q=#{trace_id}","text":"Logs for #{service.name}"}]
//! ```
//!
//! * `tags`: shown on spans that have the span attribute `key`; `process`: the resource
//!   attribute `key`; `logs`: an event attribute `key`; `traceId`: on the trace (header)
//!   and on every span (detail panel). A template without `key` applies to every span.
//! * `#{name}` takes a span attribute, then a resource attribute, or one of `trace_id`,
//!   `span_id`, `service.name`, `start` / `end` (ms since the epoch), `start_ms` / `end_ms`,
//!   `start_iso` / `end_iso` (RFC 3339 UTC). A template that names a value the span does
//!   not have gives no link.
//! * In `url` every substituted value is percent-encoded (all but `A–Z a–z 0–9 - . _ ~`);
//!   a link is produced only when the result is an `http://` or `https://` URL. In `text`
//!   values are inserted as they are (the page shows it as text).

use serde::{Deserialize, Serialize};

use crate::model::{Span, TraceSet};
use crate::url::encode_component as encode;

/// One template.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkTemplate {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub key: String,
    pub url: String,
    #[serde(default)]
    pub text: String,
}

/// A link ready to draw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedLink {
    pub text: String,
    pub href: String,
}

const KINDS: [&str; 4] = ["tags", "process", "logs", "traceId"];

/// Parses a JSON list of templates. Unknown types and non-http(s) URL templates are
/// refused with a message naming the template.
pub fn parse_templates(json: &str) -> Result<Vec<LinkTemplate>, String> {
    let list: Vec<LinkTemplate> = serde_json::from_str(json).map_err(|e| format!("link templates: {e}"))?;
    for (i, t) in list.iter().enumerate() {
        if !KINDS.contains(&t.kind.as_str()) {
            return Err(format!("link template {}: type {:?} is not one of tags, process, logs, traceId", i + 1, t.kind));
        }
        if !is_http(&t.url) {
            return Err(format!("link template {}: the url must start with http:// or https://", i + 1));
        }
    }
    Ok(list)
}

/// Whether a URL is http(s) (scheme compared case-insensitively).
pub fn is_http(url: &str) -> bool {
    let lower = url.trim_start().get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Replaces every `#{name}` with `lookup(name)` (encoded when `encode_values`); `None`
/// when a name has no value or a `#{` is not closed.
pub fn substitute(template: &str, lookup: &dyn Fn(&str) -> Option<String>, encode_values: bool) -> Option<String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(at) = rest.find("#{") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let close = after.find('}')?;
        let value = lookup(after[..close].trim())?;
        out.push_str(&if encode_values { encode(&value) } else { value });
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// RFC 3339 UTC with milliseconds from Unix nanoseconds: `2024-05-01T12:34:56.789Z`.
pub fn iso_time(ns: u64) -> String {
    let ms = ns / 1_000_000;
    let (days, ms_of_day) = ((ms / 86_400_000) as i64, ms % 86_400_000);
    let (year, month, day) = crate::format::civil_date(days);
    let (h, m, s, milli) = (ms_of_day / 3_600_000, ms_of_day / 60_000 % 60, ms_of_day / 1000 % 60, ms_of_day % 1000);
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{milli:03}Z")
}

/// The value of `#{name}` for a span.
fn span_value(set: &TraceSet, s: &Span, name: &str) -> Option<String> {
    let trace_id = || set.traces.get(s.trace as usize).map(|t| t.trace_id.to_text(&set.strings));
    match name {
        "trace_id" | "traceID" | "traceId" => trace_id(),
        "span_id" | "spanID" | "spanId" => Some(s.span_id.to_text(&set.strings)),
        "start" | "start_ms" => Some((s.start_ns / 1_000_000).to_string()),
        "end" | "end_ms" => Some((s.end_ns() / 1_000_000).to_string()),
        "start_iso" => Some(iso_time(s.start_ns)),
        "end_iso" => Some(iso_time(s.end_ns())),
        "service.name" | "service" => Some(set.service_of(s).to_string()),
        _ => set.attr_text(s, name),
    }
}

/// Whether template `t` applies to span `s`.
fn applies(set: &TraceSet, s: &Span, t: &LinkTemplate) -> bool {
    if t.key.is_empty() || t.kind == "traceId" {
        return true;
    }
    match t.kind.as_str() {
        "tags" => set.span_attrs(s).iter().any(|a| set.str(a.key) == t.key),
        "process" => set
            .resources
            .get(s.resource as usize)
            .is_some_and(|r| t.key == "service.name" || set.attrs[r.attrs.range()].iter().any(|a| set.str(a.key) == t.key)),
        "logs" => set.events[s.events.range()].iter().any(|e| set.attrs[e.attrs.range()].iter().any(|a| set.str(a.key) == t.key)),
        _ => false,
    }
}

fn resolve(t: &LinkTemplate, lookup: &dyn Fn(&str) -> Option<String>) -> Option<ResolvedLink> {
    let href = substitute(&t.url, lookup, true)?;
    if !is_http(&href) {
        return None;
    }
    let text = if t.text.is_empty() { href.clone() } else { substitute(&t.text, lookup, false)? };
    Some(ResolvedLink { text, href })
}

/// The links of span `span` (index into `set.spans`), in template order.
pub fn span_links(set: &TraceSet, span: u32, templates: &[LinkTemplate]) -> Vec<ResolvedLink> {
    let Some(s) = set.spans.get(span as usize) else { return Vec::new() };
    let lookup = |name: &str| span_value(set, s, name);
    templates.iter().filter(|t| applies(set, s, t)).filter_map(|t| resolve(t, &lookup)).collect()
}

/// The `traceId` links of trace `trace`, resolved against its root span.
pub fn trace_links(set: &TraceSet, trace: usize, templates: &[LinkTemplate]) -> Vec<ResolvedLink> {
    let Some(t) = set.traces.get(trace) else { return Vec::new() };
    let Some(root) = set.spans.get(t.root as usize) else { return Vec::new() };
    let lookup = |name: &str| match name {
        "start" | "start_ms" => Some((t.start_ns / 1_000_000).to_string()),
        "end" | "end_ms" => Some((t.start_ns.saturating_add(t.duration_ns) / 1_000_000).to_string()),
        "start_iso" => Some(iso_time(t.start_ns)),
        "end_iso" => Some(iso_time(t.start_ns.saturating_add(t.duration_ns))),
        _ => span_value(set, root, name),
    };
    templates.iter().filter(|x| x.kind == "traceId").filter_map(|x| resolve(x, &lookup)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitution_encodes_values_and_keeps_the_rest() {
        let lookup = |n: &str| match n {
            "a" => Some("x y&z=1/é".to_string()),
            "b" => Some("plain".to_string()),
            _ => None,
        };
        assert_eq!(substitute("https://h/?q=#{a}&b=#{ b }", &lookup, true).as_deref(), Some("https://h/?q=x%20y%26z%3D1%2F%C3%A9&b=plain"));
        assert_eq!(substitute("#{a}", &lookup, false).as_deref(), Some("x y&z=1/é"));
        assert_eq!(substitute("https://h/#{missing}", &lookup, true), None);
        assert_eq!(substitute("https://h/#{a", &lookup, true), None);
    }

    #[test]
    fn only_http_urls() {
        assert!(is_http("https://x") && is_http("HTTP://x") && !is_http("javascript:alert(1)") && !is_http("//x"));
        // A value cannot turn a template into another scheme: it is encoded.
        let lookup = |_: &str| Some("javascript:alert(1)".to_string());
        let t = LinkTemplate { kind: "tags".into(), key: String::new(), url: "#{x}".into(), text: String::new() };
        assert_eq!(resolve(&t, &lookup), None);
        assert!(parse_templates(r#"[{"type":"tags","key":"k","url":"javascript:alert(1)"}]"#).is_err());
        assert!(parse_templates(r#"[{"type":"bogus","url":"https://x"}]"#).is_err());
    }

    #[test]
    fn iso_times() {
        assert_eq!(iso_time(0), "1970-01-01T00:00:00.000Z");
        // 2024-02-29T12:34:56.789Z = 1,709,210,096,789 ms since the epoch (a leap day).
        assert_eq!(iso_time(1_709_210_096_789_000_000), "2024-02-29T12:34:56.789Z");
    }
}
