//! OpenTelemetry Python `ConsoleSpanExporter` reader: text in (its span objects, one or
//! many: a JSON sequence as the exporter prints them, JSON Lines, or an array), raw
//! spans, attributes, events, links and resources pushed into a [`SetBuilder`] out.
//!
//! One span object reads:
//!
//! ```text
//! { "name": "chat", "context": {"trace_id": "0x5b8a…", "span_id": "0x0515…", "trace_state": "[]"},
//!   "kind": "SpanKind.SERVER", "parent_id": "0x…" | null,
//!   "start_time": "2024-05-07T14:39:51.172469Z", "end_time": "…",
//!   "status": {"status_code": "ERROR", "description": "…"},
//!   "attributes": {"key": value, …}, "events": [{"name", "timestamp", "attributes"}],
//!   "links": [{"context": {"trace_id", "span_id"}, "attributes"}],
//!   "resource": {"attributes": {"service.name": "…"}, "schema_url": ""} }
//! ```
//!
//! * Ids are hex with a `0x` prefix (the prefix is optional); times are ISO 8601.
//! * Attribute values are strings, bools, ints, doubles or arrays of those; anything
//!   else (an object, an array inside an array) is kept as its JSON text.
//! * Resources are deduplicated within one read by their attributes.
//! * Bad values (an id that is not hex, an unreadable time, an object where a span
//!   belongs) become `input` warnings; the span still loads. Nothing recurses: arrays
//!   of spans are walked one level, attribute arrays one level.

use std::collections::HashMap;

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::docs::{read_docs, DocReader, Mark};
use super::ids::{span_id, TraceIdCache};
use super::places;
use super::span::{new_span, SpanNotes};
use super::time::parse_rfc3339_ns;
use super::ReadError;
use crate::model::builder::SetBuilder;
use crate::model::ids::IdEncoding;
use crate::model::{span_flags, Attr, AttrValue, Event, Link, LinkKind, Range32, SpanKind, StatusCode, StrId, WarningKind, NO_SPAN};

/// Reads console-exporter spans into the builder.
pub(crate) fn read(b: &mut SetBuilder, text: &str) -> Result<(), ReadError> {
    read_docs(b, text, &mut ConsoleDocs::default())
}

#[derive(Default)]
struct ConsoleDocs {
    /// Resource attributes as JSON text → resource.
    res_cache: HashMap<String, u32>,
    tids: TraceIdCache,
}

impl<'a> DocReader<'a> for ConsoleDocs {
    fn read_doc(&mut self, b: &mut SetBuilder, text: &'a str) -> Result<(), serde_json::Error> {
        // Each item's text is kept, for where its span lies in the input.
        let items: Vec<(&'a str, Value)> = if text.trim_start().starts_with('[') {
            let raw: Vec<&'a RawValue> = serde_json::from_str(text)?;
            raw.into_iter().map(|r| serde_json::from_str(r.get()).map(|v| (r.get(), v))).collect::<Result<_, _>>()?
        } else {
            vec![(text.trim(), serde_json::from_str(text)?)]
        };
        let mut ignored = 0u32;
        for (item, value) in &items {
            match value {
                Value::Object(span) => self.span(b, span, places::first_key_of(item)),
                Value::Null => {}
                _ => ignored += 1,
            }
        }
        if ignored > 0 {
            b.warn(WarningKind::Input, NO_SPAN, format!("{ignored} JSON value(s) that are not console-exporter spans were ignored"));
        }
        Ok(())
    }

    fn rolled_back(&mut self, mark: &Mark) {
        self.res_cache.retain(|_, r| mark.keeps_resource(*r));
    }
}

/// A text field, or "".
fn text<'v>(m: &'v Map<String, Value>, key: &str) -> &'v str {
    m.get(key).and_then(Value::as_str).unwrap_or("")
}

/// An id without its `0x` prefix.
fn hex(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")).unwrap_or(s)
}

fn kind(s: &str, notes: &mut SpanNotes) -> SpanKind {
    let k = s.trim();
    match k.strip_prefix("SpanKind.").unwrap_or(k).to_ascii_uppercase().as_str() {
        "" => SpanKind::Unspecified,
        "INTERNAL" => SpanKind::Internal,
        "SERVER" => SpanKind::Server,
        "CLIENT" => SpanKind::Client,
        "PRODUCER" => SpanKind::Producer,
        "CONSUMER" => SpanKind::Consumer,
        _ => {
            notes.input(format!("kind {k:?} is not a span kind; read as unspecified"));
            SpanKind::Unspecified
        }
    }
}

/// One scalar attribute value; an array or object is `None` (the caller decides).
fn scalar(b: &mut SetBuilder, v: &Value) -> Option<AttrValue> {
    Some(match v {
        Value::String(s) => AttrValue::Str(b.str_value(s)),
        Value::Bool(x) => AttrValue::Bool(*x),
        Value::Number(n) => match n.as_i64() {
            Some(i) => AttrValue::Int(i),
            None => AttrValue::Double(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::Null => AttrValue::Empty,
        Value::Array(_) | Value::Object(_) => return None,
    })
}

/// Pushes a flat attribute map; returns its range.
fn push_attrs(b: &mut SetBuilder, attrs: Option<&Value>) -> Range32 {
    let Some(Value::Object(map)) = attrs else { return Range32::new(b.attrs.len(), b.attrs.len()) };
    let mut own: Vec<Attr> = Vec::with_capacity(map.len());
    for (k, v) in map {
        let value = match (scalar(b, v), v) {
            (Some(x), _) => x,
            (None, Value::Array(items)) => {
                let vals: Vec<AttrValue> =
                    items.iter().map(|it| scalar(b, it).unwrap_or_else(|| AttrValue::Str(b.str_value(&it.to_string())))).collect();
                let start = b.values.len();
                b.values.extend(vals);
                AttrValue::Array(Range32::new(start, b.values.len()))
            }
            (None, other) => AttrValue::Str(b.str_value(&other.to_string())),
        };
        own.push(Attr { key: b.strings.intern(k), value });
    }
    let start = b.attrs.len();
    b.attrs.extend(own);
    Range32::new(start, b.attrs.len())
}

/// A time field: missing is `None`; unreadable is `None` and noted.
fn time(m: &Map<String, Value>, key: &str, notes: &mut SpanNotes) -> Option<u64> {
    match m.get(key) {
        None | Some(Value::Null) => None,
        Some(v) => {
            let t = v.as_str().and_then(parse_rfc3339_ns);
            if t.is_none() {
                notes.input(format!("{key} {v} is not an ISO 8601 time; treated as missing"));
            }
            t
        }
    }
}

impl ConsoleDocs {
    fn resource(&mut self, b: &mut SetBuilder, res: Option<&Map<String, Value>>) -> u32 {
        let attrs = res.and_then(|r| r.get("attributes"));
        let key = attrs.map(Value::to_string).unwrap_or_default();
        if let Some(&r) = self.res_cache.get(&key) {
            return r;
        }
        let service = attrs.and_then(|a| a.get("service.name")).and_then(Value::as_str).unwrap_or("").to_string();
        let range = push_attrs(b, attrs);
        let schema = res.map(|r| text(r, "schema_url")).unwrap_or("");
        let schema = if schema.is_empty() { StrId::EMPTY } else { b.strings.intern(schema) };
        let r = b.add_resource(&service, range, 0, schema);
        self.res_cache.insert(key, r);
        r
    }

    /// One span object; `at` is the text of its first key, for its place in the input.
    fn span(&mut self, b: &mut SetBuilder, m: &Map<String, Value>, at: Option<&str>) {
        let mut notes = SpanNotes::default();
        let empty = Map::new();
        let ctx = m.get("context").and_then(Value::as_object).unwrap_or(&empty);
        let (tid, sid) = (hex(text(ctx, "trace_id")), hex(text(ctx, "span_id")));
        let mut span = new_span(b, &mut self.tids, IdEncoding::Hex, ("context.trace_id", tid), ("context.span_id", sid), &mut notes);
        if let Some(p) = m.get("parent_id").and_then(Value::as_str).map(hex).filter(|p| !p.is_empty()) {
            let (pid, ok) = span_id(p, IdEncoding::Hex, b);
            if ok {
                span.parent_id = Some(pid);
            } else {
                notes.bad_id("parent_id", p, IdEncoding::Hex);
            }
        }
        span.name = b.strings.intern(text(m, "name"));
        span.kind = kind(text(m, "kind"), &mut notes);
        let ts = text(ctx, "trace_state");
        if !ts.is_empty() && ts != "[]" {
            span.trace_state = b.strings.intern(ts);
        }
        span.start_ns = time(m, "start_time", &mut notes);
        let end = time(m, "end_time", &mut notes);
        span.duration_ns = match (span.start_ns, end) {
            (Some(s), Some(e)) if e >= s => Some(e - s),
            (Some(_), Some(_)) => {
                notes.flags |= span_flags::NEGATIVE_DURATION;
                notes.warn(WarningKind::NegativeDuration, "end_time is before start_time; duration shown as 0".to_string());
                Some(0)
            }
            _ => None,
        };
        if let Some(st) = m.get("status").and_then(Value::as_object) {
            let code = text(st, "status_code");
            span.status = match code.strip_prefix("StatusCode.").unwrap_or(code).to_ascii_uppercase().as_str() {
                "ERROR" => StatusCode::Error,
                "OK" => StatusCode::Ok,
                _ => StatusCode::Unset,
            };
            span.status_message = b.str_value(text(st, "description"));
            if span.status == StatusCode::Error {
                notes.flags |= span_flags::ERROR;
            }
        }
        span.attrs = push_attrs(b, m.get("attributes"));
        span.events = self.events(b, m.get("events"), span.start_ns, &mut notes);
        span.links = self.links(b, m.get("links"), &mut notes);
        span.resource = self.resource(b, m.get("resource").and_then(Value::as_object));
        span.scope = b.empty_scope();
        let raw = notes.push_span(b, span);
        places::note(b, raw, at);
    }

    fn events(&mut self, b: &mut SetBuilder, v: Option<&Value>, start: Option<u64>, notes: &mut SpanNotes) -> Range32 {
        let mut out: Vec<Event> = Vec::new();
        for e in v.and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default() {
            let Some(e) = e.as_object() else {
                notes.input("an event that is not an object was skipped");
                continue;
            };
            let time_ns = time(e, "timestamp", notes).or(start).unwrap_or(0);
            let name = b.strings.intern(text(e, "name"));
            let attrs = push_attrs(b, e.get("attributes"));
            out.push(Event { time_ns, name, attrs, dropped_attrs: 0 });
        }
        let start = b.events.len();
        b.events.extend(out);
        Range32::new(start, b.events.len())
    }

    fn links(&mut self, b: &mut SetBuilder, v: Option<&Value>, notes: &mut SpanNotes) -> Range32 {
        let mut out: Vec<Link> = Vec::new();
        for l in v.and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default() {
            let ctx = l.get("context").and_then(Value::as_object);
            let (tid, sid) = ctx.map(|c| (hex(text(c, "trace_id")), hex(text(c, "span_id")))).unwrap_or(("", ""));
            let (trace_id, tok) = self.tids.get(tid, IdEncoding::Hex, b);
            let (span_id, sok) = span_id(sid, IdEncoding::Hex, b);
            if !(tok && sok) {
                notes.input(format!("a link to trace {tid:?} span {sid:?} has an id that is not hex; it was skipped"));
                continue;
            }
            let attrs = push_attrs(b, l.get("attributes"));
            out.push(Link { trace_id, span_id, kind: LinkKind::Link, trace_state: StrId::EMPTY, attrs, dropped_attrs: 0 });
        }
        let start = b.links.len();
        b.links.extend(out);
        Range32::new(start, b.links.len())
    }
}
