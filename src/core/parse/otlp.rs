//! OTLP JSON text in, raw spans into a [`SetBuilder`] out.
//!
//! Reads `ExportTraceServiceRequest` documents: `resourceSpans` (or Tempo's
//! `batches`, or snake_case `resource_spans`), `scopeSpans` or the legacy
//! `instrumentationLibrarySpans`, Jaeger v3's `{"result": …}` wrapper, and JSON
//! Lines with one request per line. Ids in hex (any case) or base64; kinds and
//! status codes as numbers or enum names; nanosecond times as strings or numbers,
//! exact past 2^53; typed attribute values including arrays, kv-lists and bytes.

use std::borrow::Cow;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::util::{json_lines, LooseVec, Num, Text};
use super::ReadError;
use crate::core::build::{RawSpan, SetBuilder};
use crate::core::model::ids::{self, IdEncoding};
use crate::core::model::*;

#[derive(Deserialize, Default)]
#[serde(default)]
struct ResourceJ<'a> {
    #[serde(borrow)]
    attributes: LooseVec<KeyValue<'a>>,
    #[serde(rename = "droppedAttributesCount", alias = "dropped_attributes_count")]
    dropped: Num,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ScopeJ<'a> {
    #[serde(borrow)]
    name: Text<'a>,
    #[serde(borrow)]
    version: Text<'a>,
    #[serde(borrow)]
    attributes: LooseVec<KeyValue<'a>>,
    #[serde(rename = "droppedAttributesCount", alias = "dropped_attributes_count")]
    dropped: Num,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SpanJ<'a> {
    #[serde(rename = "traceId", alias = "trace_id", borrow)]
    trace_id: Text<'a>,
    #[serde(rename = "spanId", alias = "span_id", borrow)]
    span_id: Text<'a>,
    #[serde(rename = "parentSpanId", alias = "parent_span_id", borrow)]
    parent_span_id: Text<'a>,
    #[serde(rename = "traceState", alias = "trace_state", borrow)]
    trace_state: Text<'a>,
    flags: Num,
    #[serde(borrow)]
    name: Text<'a>,
    #[serde(borrow)]
    kind: Text<'a>,
    #[serde(rename = "startTimeUnixNano", alias = "start_time_unix_nano")]
    start: Num,
    #[serde(rename = "endTimeUnixNano", alias = "end_time_unix_nano")]
    end: Num,
    #[serde(borrow)]
    attributes: LooseVec<KeyValue<'a>>,
    #[serde(rename = "droppedAttributesCount", alias = "dropped_attributes_count")]
    dropped_attrs: Num,
    #[serde(borrow)]
    events: LooseVec<EventJ<'a>>,
    #[serde(rename = "droppedEventsCount", alias = "dropped_events_count")]
    dropped_events: Num,
    #[serde(borrow)]
    links: LooseVec<LinkJ<'a>>,
    #[serde(rename = "droppedLinksCount", alias = "dropped_links_count")]
    dropped_links: Num,
    #[serde(borrow)]
    status: Option<StatusJ<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StatusJ<'a> {
    #[serde(borrow)]
    code: Text<'a>,
    #[serde(borrow)]
    message: Text<'a>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EventJ<'a> {
    #[serde(rename = "timeUnixNano", alias = "time_unix_nano")]
    time: Num,
    #[serde(borrow)]
    name: Text<'a>,
    #[serde(borrow)]
    attributes: LooseVec<KeyValue<'a>>,
    #[serde(rename = "droppedAttributesCount", alias = "dropped_attributes_count")]
    dropped: Num,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LinkJ<'a> {
    #[serde(rename = "traceId", alias = "trace_id", borrow)]
    trace_id: Text<'a>,
    #[serde(rename = "spanId", alias = "span_id", borrow)]
    span_id: Text<'a>,
    #[serde(rename = "traceState", alias = "trace_state", borrow)]
    trace_state: Text<'a>,
    #[serde(borrow)]
    attributes: LooseVec<KeyValue<'a>>,
    #[serde(rename = "droppedAttributesCount", alias = "dropped_attributes_count")]
    dropped: Num,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct KeyValue<'a> {
    #[serde(borrow)]
    key: Cow<'a, str>,
    #[serde(borrow)]
    value: Option<AnyValue<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AnyValue<'a> {
    #[serde(rename = "stringValue", alias = "string_value", borrow)]
    string_value: Option<Cow<'a, str>>,
    #[serde(rename = "boolValue", alias = "bool_value", borrow)]
    bool_value: Option<Text<'a>>,
    #[serde(rename = "intValue", alias = "int_value")]
    int_value: Option<Num>,
    #[serde(rename = "doubleValue", alias = "double_value")]
    double_value: Option<Num>,
    #[serde(rename = "bytesValue", alias = "bytes_value", borrow)]
    bytes_value: Option<Cow<'a, str>>,
    #[serde(rename = "arrayValue", alias = "array_value", borrow)]
    array_value: Option<ArrayJ<'a>>,
    #[serde(rename = "kvlistValue", alias = "kvlist_value", borrow)]
    kvlist_value: Option<KvListJ<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ArrayJ<'a> {
    #[serde(borrow)]
    values: LooseVec<AnyValue<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct KvListJ<'a> {
    #[serde(borrow)]
    values: LooseVec<KeyValue<'a>>,
}

/// Where a converted value goes.
#[derive(Clone, Copy)]
enum Slot {
    Value(usize),
    Attr(usize),
}

/// Writes attributes into the arena. Nested arrays/kv-lists are laid out with a
/// work queue (no recursion): each container reserves its contiguous range first.
fn push_attrs(b: &mut SetBuilder, kvs: &[KeyValue<'_>]) -> Range32 {
    let start = b.attrs.len();
    for kv in kvs {
        let key = b.strings.intern(&kv.key);
        b.attrs.push(Attr { key, value: AttrValue::Empty });
    }
    let mut queue: Vec<(Slot, &AnyValue<'_>)> = Vec::new();
    for (i, kv) in kvs.iter().enumerate() {
        if let Some(v) = &kv.value {
            queue.push((Slot::Attr(start + i), v));
        }
    }
    while let Some((slot, v)) = queue.pop() {
        let value = if let Some(s) = &v.string_value {
            AttrValue::Str(b.str_value(s))
        } else if let Some(bv) = &v.bool_value {
            AttrValue::Bool(bv.as_str().map(|s| s.eq_ignore_ascii_case("true")).unwrap_or(false))
        } else if let Some(n) = v.int_value {
            match n {
                Num::U(u) => match i64::try_from(u) {
                    Ok(i) => AttrValue::Int(i),
                    Err(_) => AttrValue::Str(b.strings.intern(&u.to_string())),
                },
                Num::I(i) => AttrValue::Int(i),
                Num::F(f) => AttrValue::Int(f as i64),
                Num::Bad | Num::Null => AttrValue::Empty,
            }
        } else if let Some(n) = v.double_value {
            n.as_f64().map(AttrValue::Double).unwrap_or(AttrValue::Empty)
        } else if let Some(s) = &v.bytes_value {
            AttrValue::Bytes(b.str_value(s))
        } else if let Some(arr) = &v.array_value {
            let r0 = b.values.len();
            b.values.extend(std::iter::repeat_n(AttrValue::Empty, arr.values.0.len()));
            for (k, item) in arr.values.0.iter().enumerate() {
                queue.push((Slot::Value(r0 + k), item));
            }
            AttrValue::Array(Range32::new(r0, b.values.len()))
        } else if let Some(kvl) = &v.kvlist_value {
            let r0 = b.attrs.len();
            for kv in &kvl.values.0 {
                let key = b.strings.intern(&kv.key);
                b.attrs.push(Attr { key, value: AttrValue::Empty });
            }
            for (k, kv) in kvl.values.0.iter().enumerate() {
                if let Some(inner) = &kv.value {
                    queue.push((Slot::Attr(r0 + k), inner));
                }
            }
            AttrValue::KvList(Range32::new(r0, b.attrs.len()))
        } else {
            AttrValue::Empty
        };
        match slot {
            Slot::Value(i) => b.values[i] = value,
            Slot::Attr(i) => b.attrs[i].value = value,
        }
    }
    Range32::new(start, start + kvs.len())
}

fn count(n: Num) -> u32 {
    n.as_u64().map(|v| v.min(u32::MAX as u64) as u32).unwrap_or(0)
}

fn kind_of(t: &Text<'_>) -> SpanKind {
    match t.as_str() {
        None => SpanKind::Unspecified,
        Some(s) => match s.trim().parse::<u8>() {
            Ok(v) => SpanKind::from_u8(v),
            Err(_) => SpanKind::parse(s),
        },
    }
}

fn status_of(t: &Text<'_>) -> StatusCode {
    match t.as_str() {
        None => StatusCode::Unset,
        Some(s) => match s.trim().parse::<u8>() {
            Ok(v) => StatusCode::from_u8(v),
            Err(_) => {
                let u = s.trim().to_ascii_uppercase();
                if u.ends_with("ERROR") {
                    StatusCode::Error
                } else if u.ends_with("OK") {
                    StatusCode::Ok
                } else {
                    StatusCode::Unset
                }
            }
        },
    }
}

/// Reads OTLP JSON (a document or JSON Lines) into the builder.
pub fn read(b: &mut SetBuilder, text: &str) -> Result<(), ReadError> {
    match json_lines(text) {
        None => read_doc(b, text).map_err(|e| ReadError::from_json(&e, 0)),
        Some(lines) => {
            let total = lines.len();
            let mut bad: Vec<(usize, ReadError)> = Vec::new();
            for (line_no, line) in lines {
                let before = b.spans.len();
                if let Err(e) = read_doc(b, line) {
                    // Drop the partial spans of a broken line; say so in a warning.
                    b.spans.truncate(before);
                    bad.push((line_no, ReadError::from_json(&e, line_no - 1)));
                }
            }
            if bad.len() == total {
                if let Some((_, e)) = bad.into_iter().next() {
                    return Err(e);
                }
                return Ok(());
            }
            for (line_no, e) in bad {
                let msg = match e {
                    ReadError::Json { column, reason, .. } => {
                        format!("JSON Lines: line {line_no} is not valid JSON (column {column}: {reason}); the spans of that line are not loaded")
                    }
                    ReadError::Shape(s) => format!("JSON Lines: line {line_no}: {s}"),
                };
                b.warn(WarningKind::Input, NO_SPAN, msg);
            }
            Ok(())
        }
    }
}

/// Streams one document into the builder: spans are converted one at a time as
/// they are deserialized, never collected into a big intermediate vector.
fn read_doc(b: &mut SetBuilder, text: &str) -> Result<(), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    RootSeed { b }.deserialize(&mut de)?;
    de.end()
}

/// `{resourceSpans|resource_spans|batches: [...], result: {...}}`.
struct RootSeed<'b> {
    b: &'b mut SetBuilder,
}

impl<'de> DeserializeSeed<'de> for RootSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RootSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an OTLP ExportTraceServiceRequest object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match key.as_ref() {
                "resourceSpans" | "resource_spans" | "batches" => {
                    map.next_value_seed(ListSeed { b: &mut *self.b, item: Item::ResourceSpans })?
                }
                "result" => map.next_value_seed(RootSeed { b: &mut *self.b })?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

#[derive(Clone, Copy)]
enum Item {
    ResourceSpans,
    ScopeSpans { resource: u32 },
    Span { resource: u32, scope: u32 },
}

/// A JSON array (or null) whose elements are read by `ElemSeed`.
struct ListSeed<'b> {
    b: &'b mut SetBuilder,
    item: Item,
}

impl<'de> DeserializeSeed<'de> for ListSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ListSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        match self.item {
            Item::Span { resource, scope } => {
                while let Some(sp) = seq.next_element::<SpanJ<'de>>()? {
                    convert_span(self.b, &sp, resource, scope);
                }
            }
            item => while seq.next_element_seed(ElemSeed { b: &mut *self.b, item })?.is_some() {},
        }
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // An object where an array belongs: skip it (nothing to read).
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }
}

/// One `resourceSpans` or `scopeSpans` element.
struct ElemSeed<'b> {
    b: &'b mut SetBuilder,
    item: Item,
}

impl<'de> DeserializeSeed<'de> for ElemSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ElemSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object")
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let b = self.b;
        match self.item {
            Item::ResourceSpans => {
                // The resource may come after its spans: reserve its slot first.
                let r = b.add_resource("", Range32::default(), 0, StrId::EMPTY);
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    match key.as_ref() {
                        "resource" => {
                            let res: Option<ResourceJ<'de>> = map.next_value()?;
                            if let Some(res) = res {
                                let attrs = push_attrs(b, &res.attributes.0);
                                let service = res
                                    .attributes
                                    .0
                                    .iter()
                                    .find(|kv| kv.key == "service.name")
                                    .and_then(|kv| kv.value.as_ref())
                                    .and_then(|v| v.string_value.as_deref())
                                    .unwrap_or("")
                                    .trim();
                                let service = b.strings.intern(service);
                                let slot = &mut b.resources[r as usize];
                                slot.attrs = attrs;
                                slot.dropped_attrs = count(res.dropped);
                                slot.service = service;
                            }
                        }
                        "scopeSpans" | "scope_spans" | "instrumentationLibrarySpans" | "instrumentation_library_spans" => {
                            map.next_value_seed(ListSeed { b: &mut *b, item: Item::ScopeSpans { resource: r } })?
                        }
                        "schemaUrl" | "schema_url" => {
                            let t: Text<'de> = map.next_value()?;
                            let id = b.strings.intern(t.or_empty());
                            b.resources[r as usize].schema_url = id;
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
            }
            Item::ScopeSpans { resource } => {
                let s = b.add_scope("", "", Range32::default(), 0, StrId::EMPTY);
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    match key.as_ref() {
                        "scope" | "instrumentationLibrary" | "instrumentation_library" => {
                            let sc: Option<ScopeJ<'de>> = map.next_value()?;
                            if let Some(sc) = sc {
                                let attrs = push_attrs(b, &sc.attributes.0);
                                let name = b.strings.intern(sc.name.or_empty());
                                let version = b.strings.intern(sc.version.or_empty());
                                let slot = &mut b.scopes[s as usize];
                                slot.name = name;
                                slot.version = version;
                                slot.attrs = attrs;
                                slot.dropped_attrs = count(sc.dropped);
                            }
                        }
                        "spans" => map.next_value_seed(ListSeed { b: &mut *b, item: Item::Span { resource, scope: s } })?,
                        "schemaUrl" | "schema_url" => {
                            let t: Text<'de> = map.next_value()?;
                            let id = b.strings.intern(t.or_empty());
                            b.scopes[s as usize].schema_url = id;
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
            }
            Item::Span { resource, scope } => {
                // Not reached: spans are read by ListSeed directly.
                let _ = (resource, scope);
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            }
        }
        Ok(())
    }
}

fn convert_span(b: &mut SetBuilder, sp: &SpanJ<'_>, resource: u32, scope: u32) {
    let mut bad_ids: Vec<String> = Vec::new();
    let (trace_id, ok) = ids::trace_id(sp.trace_id.or_empty(), IdEncoding::HexOrBase64, &mut b.strings);
    if !ok {
        bad_ids.push(format!("trace id {:?}", sp.trace_id.or_empty()));
    }
    let (span_id, ok) = ids::span_id(sp.span_id.or_empty(), IdEncoding::HexOrBase64, &mut b.strings);
    if !ok {
        bad_ids.push(format!("span id {:?}", sp.span_id.or_empty()));
    }
    let parent_text = sp.parent_span_id.or_empty().trim();
    let parent_id = if parent_text.is_empty() || parent_text.bytes().all(|c| c == b'0') || parent_text == "AAAAAAAAAAA=" {
        None
    } else {
        let (p, ok) = ids::span_id(parent_text, IdEncoding::HexOrBase64, &mut b.strings);
        if !ok {
            bad_ids.push(format!("parent span id {parent_text:?}"));
        }
        Some(p)
    };
    let mut raw = RawSpan::new(trace_id, span_id);
    raw.parent_id = parent_id;
    raw.name = b.strings.intern(sp.name.or_empty());
    raw.kind = kind_of(&sp.kind);
    raw.resource = resource;
    raw.scope = scope;
    raw.trace_state = b.strings.intern(sp.trace_state.or_empty());
    raw.w3c_flags = count(sp.flags);
    raw.dropped_attrs = count(sp.dropped_attrs);
    raw.dropped_events = count(sp.dropped_events);
    raw.dropped_links = count(sp.dropped_links);
    let start = sp.start.as_u64().filter(|&t| t > 0);
    let end = sp.end.as_u64().filter(|&t| t > 0);
    raw.start_ns = start;
    let mut negative: Option<u64> = None;
    raw.duration_ns = match (start, end) {
        (Some(s), Some(e)) if e >= s => Some(e - s),
        (Some(s), Some(e)) => {
            negative = Some(s - e);
            raw.flags |= span_flags::NEGATIVE_DURATION;
            Some(0)
        }
        _ => None,
    };
    raw.attrs = push_attrs(b, &sp.attributes.0);
    if let Some(st) = &sp.status {
        raw.status = status_of(&st.code);
        raw.status_message = b.str_value(st.message.or_empty());
    }
    if raw.status != StatusCode::Error && attrs_say_error(b, raw.attrs) {
        raw.status = StatusCode::Error;
    }
    if raw.status == StatusCode::Error {
        raw.flags |= span_flags::ERROR;
    }
    // Events.
    let ev0 = b.events.len();
    for ev in &sp.events.0 {
        let attrs = push_attrs(b, &ev.attributes.0);
        let name = b.strings.intern(ev.name.or_empty());
        b.events.push(Event { time_ns: ev.time.as_u64().unwrap_or(0), name, attrs, dropped_attrs: count(ev.dropped) });
    }
    raw.events = Range32::new(ev0, b.events.len());
    // Links.
    let ln0 = b.links.len();
    for l in &sp.links.0 {
        let (tid, tok) = ids::trace_id(l.trace_id.or_empty(), IdEncoding::HexOrBase64, &mut b.strings);
        let (sid, sok) = ids::span_id(l.span_id.or_empty(), IdEncoding::HexOrBase64, &mut b.strings);
        if !tok || !sok {
            bad_ids.push(format!("link to {:?}/{:?}", l.trace_id.or_empty(), l.span_id.or_empty()));
        }
        let attrs = push_attrs(b, &l.attributes.0);
        let trace_state = b.strings.intern(l.trace_state.or_empty());
        b.links.push(Link { trace_id: tid, span_id: sid, kind: LinkKind::Link, trace_state, attrs, dropped_attrs: count(l.dropped) });
    }
    raw.links = Range32::new(ln0, b.links.len());
    if !bad_ids.is_empty() {
        raw.flags |= span_flags::INVALID_ID;
    }
    let idx = b.push_span(raw);
    if !bad_ids.is_empty() {
        b.warn(
            WarningKind::InvalidId,
            idx,
            format!("{} is neither hex nor base64; kept as given", bad_ids.join(", ")),
        );
    }
    if let Some(by) = negative {
        let id = span_id.to_text(&b.strings);
        b.warn(
            WarningKind::NegativeDuration,
            idx,
            format!("span {id} ends {} before it starts; shown with duration 0", crate::core::format::duration(by)),
        );
    }
    if sp.start.is_present() && start.is_none() {
        b.warn(WarningKind::Input, idx, "startTimeUnixNano is not a positive number".to_string());
    }
}

/// `error=true` (bool or text) or `otel.status_code=ERROR` among the attributes.
pub(crate) fn attrs_say_error(b: &SetBuilder, attrs: Range32) -> bool {
    b.attrs[attrs.range()].iter().any(|a| {
        let key = b.strings.get(a.key);
        match (key, a.value) {
            ("error", AttrValue::Bool(v)) => v,
            ("error", AttrValue::Str(s)) => b.strings.get(s).trim().eq_ignore_ascii_case("true"),
            ("otel.status_code", AttrValue::Str(s)) => b.strings.get(s).trim().eq_ignore_ascii_case("error"),
            _ => false,
        }
    })
}
