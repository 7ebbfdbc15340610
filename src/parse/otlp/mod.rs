//! OTLP JSON text in, raw spans into a [`SetBuilder`] out.
//!
//! Reads `ExportTraceServiceRequest` documents: `resourceSpans` (or Tempo's
//! `batches`, or snake_case `resource_spans`), `scopeSpans` or the legacy
//! `instrumentationLibrarySpans`, Jaeger v3's `{"result": …}` and Tempo v2's `{"trace": …}` wrappers, and JSON
//! Lines with one request per line. Ids in hex (any case) or base64; kinds and
//! status codes as numbers or enum names; nanosecond times as strings or numbers,
//! exact past 2^53; typed attribute values including arrays, kv-lists and bytes.
//!
//! Performance: the document is walked by serde seeds, never collected. A span's
//! scalar fields are borrowed from the input until its object closes; its
//! attributes, events and links go straight into the builder's arenas as they are
//! read, so no per-span vectors are allocated. Ids of exactly 32/16 hex digits and
//! all-digit times take fast paths that give the same result as the general decoders.

mod arena;

use std::borrow::Cow;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::docs::{read_docs, run_seed, DocReader};
use super::ids;
use super::lax::LooseVec;
use super::places::{self, FirstKey};
use super::scalars::{skip_map, Num, Scalar, Text};
use super::span::attrs_in;
use super::ReadError;
use crate::model::builder::{RawSpan, SetBuilder};
use crate::model::ids::IdEncoding;
use crate::model::*;
use arena::{count, push_attrs, ArenaListSeed, Attrs, Events, KeyValue, Links};

/// Reads OTLP JSON (a document or JSON Lines) into the builder.
pub(crate) fn read(b: &mut SetBuilder, text: &str) -> Result<(), ReadError> {
    read_docs(b, text, &mut OtlpDocs)
}

/// Reads one OTLP document at a time; nothing outlives a document.
struct OtlpDocs;

impl<'a> DocReader<'a> for OtlpDocs {
    /// Streams one document into the builder: spans are converted one at a time as
    /// they are deserialized, never collected into a big intermediate vector.
    fn read_doc(&mut self, b: &mut SetBuilder, text: &'a str) -> Result<(), serde_json::Error> {
        run_seed(text, RootSeed { b })
    }
    fn skipped_line(&self, line: usize, column: usize, reason: &str) -> String {
        format!("JSON Lines: line {line} is not valid JSON (column {column}: {reason}); the spans of that line are not loaded")
    }
}

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

/// The keys of an OTLP span object, camelCase or snake_case.
#[derive(Deserialize)]
#[serde(field_identifier)]
enum SpanKey {
    #[serde(rename = "traceId", alias = "trace_id")]
    TraceId,
    #[serde(rename = "spanId", alias = "span_id")]
    SpanId,
    #[serde(rename = "parentSpanId", alias = "parent_span_id")]
    ParentSpanId,
    #[serde(rename = "traceState", alias = "trace_state")]
    TraceState,
    #[serde(rename = "flags")]
    Flags,
    #[serde(rename = "name")]
    Name,
    #[serde(rename = "kind")]
    Kind,
    #[serde(rename = "startTimeUnixNano", alias = "start_time_unix_nano")]
    Start,
    #[serde(rename = "endTimeUnixNano", alias = "end_time_unix_nano")]
    End,
    #[serde(rename = "attributes")]
    Attributes,
    #[serde(rename = "droppedAttributesCount", alias = "dropped_attributes_count")]
    DroppedAttrs,
    #[serde(rename = "events")]
    Events,
    #[serde(rename = "droppedEventsCount", alias = "dropped_events_count")]
    DroppedEvents,
    #[serde(rename = "links")]
    Links,
    #[serde(rename = "droppedLinksCount", alias = "dropped_links_count")]
    DroppedLinks,
    #[serde(rename = "status")]
    Status,
    #[serde(other)]
    Other,
}

/// The scalar fields of one span, borrowed from the input while its object is read.
/// Attributes, events and links do not wait here: they go to the arenas as they are read.
#[derive(Default)]
struct SpanFields<'a> {
    trace_id: Text<'a>,
    span_id: Text<'a>,
    parent_span_id: Text<'a>,
    trace_state: Text<'a>,
    flags: Num,
    name: Text<'a>,
    kind: Scalar<'a>,
    start: Num,
    end: Num,
    dropped_attrs: Num,
    dropped_events: Num,
    dropped_links: Num,
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

/// A span kind given as a number (`2`) or an enum name (`"SPAN_KIND_SERVER"`).
fn kind_of(k: &Scalar<'_>) -> SpanKind {
    if let Scalar::U(v) = k {
        // The common case, without formatting the number as text first.
        return u8::try_from(*v).map(SpanKind::from_u8).unwrap_or(SpanKind::Unspecified);
    }
    match k.text() {
        None => SpanKind::Unspecified,
        Some(s) => match s.trim().parse::<u8>() {
            Ok(v) => SpanKind::from_u8(v),
            Err(_) => SpanKind::parse(&s),
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
                // Jaeger v3's and Tempo v2's wrappers around the request.
                "result" | "trace" => map.next_value_seed(RootSeed { b: &mut *self.b })?,
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
                while seq.next_element_seed(SpanSeed { b: &mut *self.b, resource, scope })?.is_some() {}
            }
            item => while seq.next_element_seed(ElemSeed { b: &mut *self.b, item })?.is_some() {},
        }
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        // An object where an array belongs: skip it (nothing to read).
        skip_map(map)
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
                                if let Some(slot) = b.resources.get_mut(r as usize) {
                                    slot.attrs = attrs;
                                    slot.dropped_attrs = count(res.dropped);
                                    slot.service = service;
                                }
                            }
                        }
                        "scopeSpans" | "scope_spans" | "instrumentationLibrarySpans" | "instrumentation_library_spans" => {
                            map.next_value_seed(ListSeed { b: &mut *b, item: Item::ScopeSpans { resource: r } })?
                        }
                        "schemaUrl" | "schema_url" => {
                            let t: Text<'de> = map.next_value()?;
                            let id = b.strings.intern(t.or_empty());
                            if let Some(slot) = b.resources.get_mut(r as usize) {
                                slot.schema_url = id;
                            }
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
                                if let Some(slot) = b.scopes.get_mut(s as usize) {
                                    slot.name = name;
                                    slot.version = version;
                                    slot.attrs = attrs;
                                    slot.dropped_attrs = count(sc.dropped);
                                }
                            }
                        }
                        "spans" => map.next_value_seed(ListSeed { b: &mut *b, item: Item::Span { resource, scope: s } })?,
                        "schemaUrl" | "schema_url" => {
                            let t: Text<'de> = map.next_value()?;
                            let id = b.strings.intern(t.or_empty());
                            if let Some(slot) = b.scopes.get_mut(s as usize) {
                                slot.schema_url = id;
                            }
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
                skip_map(map)?;
            }
        }
        Ok(())
    }
}

/// One span object: scalar fields are gathered (borrowed from the input), while
/// attributes, events and links stream straight into the builder's arenas. The raw
/// span is pushed when the object closes.
struct SpanSeed<'b> {
    b: &'b mut SetBuilder,
    resource: u32,
    scope: u32,
}

impl<'de> DeserializeSeed<'de> for SpanSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for SpanSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an OTLP span object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let b = self.b;
        let mut f = SpanFields::default();
        let mut attrs: Option<Range32> = None;
        let mut events: Option<Range32> = None;
        let mut links: Option<Range32> = None;
        let mut bad_links: Vec<String> = Vec::new();
        let mut first = FirstKey::default();
        while let Some(key) = first.next_key::<SpanKey, _>(&mut map)? {
            match key {
                SpanKey::TraceId => f.trace_id = map.next_value()?,
                SpanKey::SpanId => f.span_id = map.next_value()?,
                SpanKey::ParentSpanId => f.parent_span_id = map.next_value()?,
                SpanKey::TraceState => f.trace_state = map.next_value()?,
                SpanKey::Flags => f.flags = map.next_value()?,
                SpanKey::Name => f.name = map.next_value()?,
                SpanKey::Kind => f.kind = map.next_value()?,
                SpanKey::Start => f.start = map.next_value()?,
                SpanKey::End => f.end = map.next_value()?,
                SpanKey::Attributes => attrs = Some(map.next_value_seed(ArenaListSeed(Attrs { b: &mut *b, nested: Vec::new() }))?),
                SpanKey::DroppedAttrs => f.dropped_attrs = map.next_value()?,
                SpanKey::Events => events = Some(map.next_value_seed(ArenaListSeed(Events { b: &mut *b }))?),
                SpanKey::DroppedEvents => f.dropped_events = map.next_value()?,
                SpanKey::Links => {
                    bad_links.clear();
                    links = Some(map.next_value_seed(ArenaListSeed(Links { b: &mut *b, bad_ids: &mut bad_links }))?)
                }
                SpanKey::DroppedLinks => f.dropped_links = map.next_value()?,
                SpanKey::Status => f.status = map.next_value()?,
                SpanKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let empty = |len: usize| Range32::new(len, len);
        let attrs = attrs.unwrap_or(empty(b.attrs.len()));
        let events = events.unwrap_or(empty(b.events.len()));
        let links = links.unwrap_or(empty(b.links.len()));
        let parts = SpanParts { attrs, events, links, bad_links, resource: self.resource, scope: self.scope, at: first.text() };
        finish_span(b, f, parts);
        Ok(())
    }
}

/// What a span object put into the arenas while it was read.
struct SpanParts<'a> {
    attrs: Range32,
    events: Range32,
    links: Range32,
    /// Links whose ids are neither hex nor base64, for the span's warning.
    bad_links: Vec<String>,
    resource: u32,
    scope: u32,
    /// The text of the object's first key, for its place in the input.
    at: Option<&'a str>,
}

/// Turns the gathered fields of one span into a raw span and its warnings.
fn finish_span(b: &mut SetBuilder, f: SpanFields<'_>, parts: SpanParts<'_>) {
    let mut bad_ids: Vec<String> = Vec::new();
    let (trace_id, ok) = ids::trace_id(f.trace_id.or_empty(), IdEncoding::HexOrBase64, b);
    if !ok {
        bad_ids.push(format!("trace id {:?}", f.trace_id.or_empty()));
    }
    let (span_id, ok) = ids::span_id(f.span_id.or_empty(), IdEncoding::HexOrBase64, b);
    if !ok {
        bad_ids.push(format!("span id {:?}", f.span_id.or_empty()));
    }
    let parent_text = f.parent_span_id.or_empty().trim();
    let parent_id = if parent_text.is_empty() || parent_text.bytes().all(|c| c == b'0') || parent_text == "AAAAAAAAAAA=" {
        None
    } else {
        let (p, ok) = ids::span_id(parent_text, IdEncoding::HexOrBase64, b);
        if !ok {
            bad_ids.push(format!("parent span id {parent_text:?}"));
        }
        Some(p)
    };
    bad_ids.extend(parts.bad_links);
    let mut raw = RawSpan::new(trace_id, span_id);
    raw.parent_id = parent_id;
    raw.name = b.strings.intern(f.name.or_empty());
    raw.kind = kind_of(&f.kind);
    raw.resource = parts.resource;
    raw.scope = parts.scope;
    raw.trace_state = b.strings.intern(f.trace_state.or_empty());
    raw.w3c_flags = count(f.flags);
    raw.dropped_attrs = count(f.dropped_attrs);
    raw.dropped_events = count(f.dropped_events);
    raw.dropped_links = count(f.dropped_links);
    let start = f.start.as_u64().filter(|&t| t > 0);
    let end = f.end.as_u64().filter(|&t| t > 0);
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
    raw.attrs = parts.attrs;
    if let Some(st) = &f.status {
        raw.status = status_of(&st.code);
        raw.status_message = b.str_value(st.message.or_empty());
    }
    if raw.status != StatusCode::Error && attrs_say_error(b, raw.attrs) {
        raw.status = StatusCode::Error;
    }
    if raw.status == StatusCode::Error {
        raw.flags |= span_flags::ERROR;
    }
    raw.events = parts.events;
    raw.links = parts.links;
    if !bad_ids.is_empty() {
        raw.flags |= span_flags::INVALID_ID;
    }
    let idx = b.push_span(raw);
    places::note(b, idx, parts.at);
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
            format!("span {id} ends {} before it starts; shown with duration 0", crate::format::duration(by)),
        );
    }
    if f.start.is_present() && start.is_none() {
        b.warn(WarningKind::Input, idx, "startTimeUnixNano is not a positive number".to_string());
    }
}

/// `error=true` (bool or text) or `otel.status_code=ERROR` among the attributes.
pub(crate) fn attrs_say_error(b: &SetBuilder, attrs: Range32) -> bool {
    attrs_in(b, attrs).iter().any(|a| {
        let key = b.strings.get(a.key);
        match (key, a.value) {
            ("error", AttrValue::Bool(v)) => v,
            ("error", AttrValue::Str(s)) => b.strings.get(s).trim().eq_ignore_ascii_case("true"),
            ("otel.status_code", AttrValue::Str(s)) => b.strings.get(s).trim().eq_ignore_ascii_case("error"),
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> TraceSet {
        let mut b = SetBuilder::new();
        read(&mut b, text).expect("reads");
        b.finish()
    }

    #[test]
    fn tempo_v2_and_jaeger_v3_wrappers() {
        let inner = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"01","spanId":"02","name":"a","startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]}"#;
        assert_eq!(load(&format!(r#"{{"trace":{inner}}}"#)).spans.len(), 1);
        assert_eq!(load(&format!(r#"{{"result":{inner}}}"#)).spans.len(), 1);
    }

    fn span<'s>(set: &'s TraceSet, name: &str) -> &'s Span {
        set.spans.iter().find(|s| set.name_of(s) == name).expect("span by name")
    }

    #[test]
    fn streamed_attributes_keep_nesting_and_key_order_free() {
        // Value before key, nested kv-list inside an array inside a kv-list, events
        // before attributes: every list stays contiguous and complete.
        let set = load(
            r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"events":[{"name":"ev","timeUnixNano":"7",
              "attributes":[{"value":{"stringValue":"v"},"key":"ek"}]}],
              "attributes":[{"value":{"intValue":"5"},"key":"n"},
                {"key":"kv","value":{"kvlistValue":{"values":[{"key":"arr","value":{"arrayValue":{"values":[
                   {"intValue":1},{"kvlistValue":{"values":[{"key":"deep","value":{"boolValue":true}}]}}]}}}]}}},
                {"key":"s","value":{"stringValue":"x"}}],
              "traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","name":"a",
              "startTimeUnixNano":"1705327800000000001","endTimeUnixNano":"1705327800000000002"}]}]}]}"#,
        );
        let s = span(&set, "a");
        assert_eq!(s.duration_ns, 1);
        let keys: Vec<&str> = set.span_attrs(s).iter().map(|a| set.str(a.key)).collect();
        assert_eq!(keys, ["n", "kv", "s"]);
        assert_eq!(set.attr(s, "n"), Some(AttrValue::Int(5)));
        assert_eq!(set.attr_text(s, "kv").as_deref(), Some(r#"{"arr":[1,{"deep":true}]}"#));
        let ev = &set.events[s.events.range()];
        assert_eq!(ev.len(), 1);
        assert_eq!(set.str(ev[0].name), "ev");
        assert_eq!(set.attrs[ev[0].attrs.range()].len(), 1);
    }

    #[test]
    fn a_broken_json_line_leaves_nothing_behind() {
        // Line 2 reads a span with a bad id (a warning for raw span 1) and then breaks.
        let text = concat!(
            r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"01","spanId":"02","name":"first","startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]}"#,
            "\n",
            r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"gone"}}]},"scopeSpans":[{"spans":[{"traceId":"01","spanId":"zz","name":"lost","attributes":[{"key":"k","value":{"stringValue":"v"}}]}, oops]}]}]}"#,
            "\n",
            r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"01","spanId":"03","parentSpanId":"02","name":"third","startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]}"#,
            "\n",
        );
        let set = load(text);
        assert_eq!(set.spans.len(), 2);
        let third = span(&set, "third");
        assert!(!third.has(span_flags::INVALID_ID));
        assert!(set.warnings.iter().all(|w| w.kind != WarningKind::InvalidId), "{:?}", set.warnings);
        assert!(set.resources.iter().all(|r| set.str(r.service) != "gone"));
        assert!(set.attrs.is_empty());
        let set_w = &set.warnings[set.set_warnings.range()];
        assert!(set_w.iter().any(|w| w.message.contains("line 2")), "{set_w:?}");
    }

    #[test]
    fn fast_paths_agree_with_general_decoders() {
        let set = load(
            r#"{"resourceSpans":[{"scopeSpans":[{"spans":[
              {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"hex","kind":2,
               "startTimeUnixNano":"100","endTimeUnixNano":" 250 "},
              {"traceId":"W47/95gDgQPSabYzgT/GDA==","spanId":"7uGbfsPBsXQ=","parentSpanId":"0000000000000000","name":"b64",
               "kind":"SPAN_KIND_CLIENT","startTimeUnixNano":100,"endTimeUnixNano":300},
              {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b17g","name":"bad","kind":258,
               "startTimeUnixNano":"100","endTimeUnixNano":"150"}]}]}]}"#,
        );
        let hex = span(&set, "hex");
        let b64 = span(&set, "b64");
        assert_eq!(set.traces.len(), 1, "hex and base64 spell the same trace id");
        assert_eq!(hex.span_id, b64.span_id);
        assert_eq!(hex.duration_ns, 150);
        assert_eq!(hex.kind, SpanKind::Server);
        assert_eq!(b64.kind, SpanKind::Client);
        assert_eq!(b64.parent_id, None);
        let bad = span(&set, "bad");
        assert!(bad.has(span_flags::INVALID_ID));
        assert_eq!(bad.span_id.to_text(&set.strings), "eee19b7ec3c1b17g");
        assert_eq!(bad.kind, SpanKind::Unspecified, "258 is not a kind, not 258 mod 256");
    }
}
