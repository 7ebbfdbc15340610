//! Jaeger JSON reader (also the engine of the api_v2 protobuf-JSON reader): text in,
//! raw spans, attributes, events, links and resources pushed into a [`SetBuilder`] out.
//!
//! Accepted shapes (any of them per line in JSON Lines):
//!
//! ```text
//! {data:[trace…], total, limit, offset, errors}   query-API envelope ("result" too)
//! {data: trace}                                   UI-processed trace (extra keys ignored)
//! [trace…] | trace {traceID, spans, processes, warnings}
//! [span…]  | span  (with an embedded "process" or a dangling processID)
//! ```
//!
//! Spans are streamed straight into the builder while serde walks the text (no
//! `serde_json::Value`, no per-file span vector); only `processID`s wait for the
//! trace's `processes`, which may come after the spans. Key spellings of the UI
//! model (`traceID`, `type`/`value`) and of api_v2 (`traceId`, `vType`/`vStr`…) are
//! both understood; times are µs numbers or RFC 3339, durations µs or `"100000ns"`.
//!
//! Parent rule: the first CHILD_OF reference, else the first FOLLOWS_FROM (flagged);
//! every other reference becomes a link, with `multiple_parents` for >1 CHILD_OF.
//! Bad values (wrong types, unparsable times) become `input` warnings on their span.
//!
//! This module also exports the helpers the Zipkin and api_v2 readers share:
//! [`Scalar`], [`Lax`], [`LaxList`], [`Mark`], [`read_docs`] and the time parsers.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::util::{hex16, hex_u128, json_lines, parse_duration_ns, parse_rfc3339_ns, Num, Text};
use super::ReadError;
use crate::model::builder::{RawSpan, SetBuilder};
use crate::model::ids::{self, IdEncoding};
use crate::model::{
    span_flags, Attr, AttrValue, Event, Link, LinkKind, Range32, SpanId, SpanKind, StatusCode, StrId, TraceId,
    WarningKind, NO_SPAN,
};

/// Reads Jaeger UI / query-API JSON (hex ids, µs times).
pub fn read(b: &mut SetBuilder, text: &str) -> Result<(), ReadError> {
    read_with(b, text, IdEncoding::Hex)
}

/// Reads Jaeger JSON with the given id encoding (api_v2 uses base64 first).
pub(crate) fn read_with(b: &mut SetBuilder, text: &str, enc: IdEncoding) -> Result<(), ReadError> {
    let mut reader = JaegerDocs { enc, res_cache: HashMap::new(), no_service: None, keys: None, tids: TraceIdCache::default(), refs: Vec::new() };
    read_docs(b, text, &mut reader)
}

// ───────────────────────────── shared helpers ─────────────────────────────

/// Any JSON scalar with its type kept (strings borrowed when possible).
/// Objects and arrays are `Other`; `null`/absent is `Null`.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) enum Scalar<'a> {
    Str(Cow<'a, str>),
    Bool(bool),
    U(u64),
    I(i64),
    F(f64),
    Other,
    #[default]
    Null,
}

impl Scalar<'_> {
    pub(crate) fn is_null(&self) -> bool {
        matches!(self, Scalar::Null)
    }
    /// The value as text (numbers and bools formatted); `None` for null/objects.
    pub(crate) fn text(&self) -> Option<Cow<'_, str>> {
        match self {
            Scalar::Str(s) => Some(Cow::Borrowed(s)),
            Scalar::Bool(v) => Some(Cow::Owned(v.to_string())),
            Scalar::U(v) => Some(Cow::Owned(v.to_string())),
            Scalar::I(v) => Some(Cow::Owned(v.to_string())),
            Scalar::F(v) => Some(Cow::Owned(v.to_string())),
            Scalar::Other | Scalar::Null => None,
        }
    }
    /// Short description for warnings.
    pub(crate) fn show(&self) -> String {
        match self {
            Scalar::Other => "an object or array".to_string(),
            Scalar::Null => "null".to_string(),
            Scalar::Str(s) => format!("{:?}", clip(s)),
            _ => self.text().map(|t| t.into_owned()).unwrap_or_default(),
        }
    }
}

/// At most 60 characters of `s`, for messages.
pub(crate) fn clip(s: &str) -> String {
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Scalar<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Scalar<'a>, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Scalar<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Str(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Str(Cow::Owned(v)))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Scalar<'a>, E> {
                Ok(Scalar::U(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Scalar<'a>, E> {
                Ok(if v >= 0 { Scalar::U(v as u64) } else { Scalar::I(v) })
            }
            fn visit_f64<E>(self, v: f64) -> Result<Scalar<'a>, E> {
                Ok(Scalar::F(v))
            }
            fn visit_unit<E>(self) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Null)
            }
            fn visit_none<E>(self) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Null)
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Scalar<'a>, D2::Error> {
                d.deserialize_any(V(PhantomData))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Scalar<'a>, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Scalar<'a>, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar::Other)
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// An object that may be missing, `null`, or (wrongly) not an object.
#[derive(Debug, Default)]
pub(crate) enum Lax<T> {
    Ok(T),
    #[default]
    Null,
    Bad,
}

impl<T> Lax<T> {
    pub(crate) fn get(&self) -> Option<&T> {
        match self {
            Lax::Ok(t) => Some(t),
            _ => None,
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Lax<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Lax<T>, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Lax<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, a: A) -> Result<Lax<T>, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(a)).map(Lax::Ok)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Lax<T>, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Lax::Bad)
            }
            fn visit_unit<E>(self) -> Result<Lax<T>, E> {
                Ok(Lax::Null)
            }
            fn visit_none<E>(self) -> Result<Lax<T>, E> {
                Ok(Lax::Null)
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Lax<T>, D2::Error> {
                d.deserialize_any(V(PhantomData))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Lax<T>, E> {
                Ok(Lax::Bad)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Lax<T>, E> {
                Ok(Lax::Bad)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Lax<T>, E> {
                Ok(Lax::Bad)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Lax<T>, E> {
                Ok(Lax::Bad)
            }
            fn visit_str<E>(self, _: &str) -> Result<Lax<T>, E> {
                Ok(Lax::Bad)
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// A list that may be missing or `null` (empty), or (wrongly) not a list (`bad`).
#[derive(Debug)]
pub(crate) struct LaxList<T> {
    pub(crate) items: Vec<T>,
    pub(crate) bad: bool,
}

impl<T> Default for LaxList<T> {
    fn default() -> Self {
        LaxList { items: Vec::new(), bad: false }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for LaxList<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<LaxList<T>, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = LaxList<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<LaxList<T>, A::Error> {
                let mut items = Vec::new();
                while let Some(t) = a.next_element::<T>()? {
                    items.push(t);
                }
                Ok(LaxList { items, bad: false })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<LaxList<T>, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(LaxList { items: Vec::new(), bad: true })
            }
            fn visit_unit<E>(self) -> Result<LaxList<T>, E> {
                Ok(LaxList::default())
            }
            fn visit_none<E>(self) -> Result<LaxList<T>, E> {
                Ok(LaxList::default())
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<LaxList<T>, D2::Error> {
                d.deserialize_any(V(PhantomData))
            }
            fn visit_bool<E>(self, _: bool) -> Result<LaxList<T>, E> {
                Ok(LaxList { items: Vec::new(), bad: true })
            }
            fn visit_i64<E>(self, _: i64) -> Result<LaxList<T>, E> {
                Ok(LaxList { items: Vec::new(), bad: true })
            }
            fn visit_u64<E>(self, _: u64) -> Result<LaxList<T>, E> {
                Ok(LaxList { items: Vec::new(), bad: true })
            }
            fn visit_f64<E>(self, _: f64) -> Result<LaxList<T>, E> {
                Ok(LaxList { items: Vec::new(), bad: true })
            }
            fn visit_str<E>(self, _: &str) -> Result<LaxList<T>, E> {
                Ok(LaxList { items: Vec::new(), bad: true })
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// A time or duration value read from the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Parsed {
    Missing,
    Ns(u64),
    Negative,
    Bad,
}

/// Microseconds (number or numeric string) to nanoseconds, exact for integers.
pub(crate) fn us_num_to_ns(n: Num) -> Parsed {
    match n {
        Num::Null => Parsed::Missing,
        Num::U(v) => v.checked_mul(1000).map(Parsed::Ns).unwrap_or(Parsed::Bad),
        Num::I(v) if v >= 0 => (v as u64).checked_mul(1000).map(Parsed::Ns).unwrap_or(Parsed::Bad),
        Num::I(_) => Parsed::Negative,
        Num::F(v) if !v.is_finite() => Parsed::Bad,
        Num::F(v) if v < 0.0 => Parsed::Negative,
        Num::F(v) => {
            let ns = (v * 1000.0).round();
            if ns >= u64::MAX as f64 {
                Parsed::Bad
            } else {
                Parsed::Ns(ns as u64)
            }
        }
        Num::Bad => Parsed::Bad,
    }
}

/// A Jaeger time: µs as a number or numeric string, else RFC 3339 text.
pub(crate) fn scalar_time_ns(s: &Scalar) -> Parsed {
    scalar_ns(s, parse_rfc3339_ns)
}

/// A Jaeger duration: µs as a number or numeric string, else `"100000ns"`/`"0.1s"` text.
pub(crate) fn scalar_duration_ns(s: &Scalar) -> Parsed {
    scalar_ns(s, |t| {
        let t = t.trim();
        if t.starts_with('-') {
            None
        } else {
            parse_duration_ns(t)
        }
    })
}

fn scalar_ns(s: &Scalar, text: fn(&str) -> Option<u64>) -> Parsed {
    match s {
        Scalar::Null => Parsed::Missing,
        Scalar::U(v) => us_num_to_ns(Num::U(*v)),
        Scalar::I(v) => us_num_to_ns(Num::I(*v)),
        Scalar::F(v) => us_num_to_ns(Num::F(*v)),
        Scalar::Str(t) => match Num::from_text(t) {
            Num::Bad => {
                if t.trim().starts_with('-') && t.trim().ends_with('s') {
                    return Parsed::Negative;
                }
                text(t).map(Parsed::Ns).unwrap_or(Parsed::Bad)
            }
            n => us_num_to_ns(n),
        },
        Scalar::Bool(_) | Scalar::Other => Parsed::Bad,
    }
}

/// Lengths of the builder's arenas, to undo a failed document.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Mark {
    spans: usize,
    attrs: usize,
    values: usize,
    events: usize,
    links: usize,
    pub(crate) resources: usize,
    warnings: usize,
}

impl Mark {
    pub(crate) fn take(b: &SetBuilder) -> Mark {
        Mark {
            spans: b.spans.len(),
            attrs: b.attrs.len(),
            values: b.values.len(),
            events: b.events.len(),
            links: b.links.len(),
            resources: b.resources.len(),
            warnings: b.warnings.len(),
        }
    }
    pub(crate) fn restore(&self, b: &mut SetBuilder) {
        b.spans.truncate(self.spans);
        b.attrs.truncate(self.attrs);
        b.values.truncate(self.values);
        b.events.truncate(self.events);
        b.links.truncate(self.links);
        b.resources.truncate(self.resources);
        b.warnings.truncate(self.warnings);
    }
}

/// A reader of one JSON document (the whole text, or one JSON line).
pub(crate) trait DocReader<'a> {
    fn read_doc(&mut self, b: &mut SetBuilder, text: &'a str) -> Result<(), serde_json::Error>;
    /// The builder was rolled back to `mark`: forget cached resources past it.
    fn rolled_back(&mut self, mark: &Mark);
    /// Called once after every document was read.
    fn finish(&mut self, _b: &mut SetBuilder, _first_span: usize) {}
}

/// Reads a whole text (one document or JSON Lines) with `reader`. Invalid JSON in a
/// single document is an error; in JSON Lines a bad line is skipped with a set-level
/// warning unless no line could be read. A text with no spans leaves the builder as
/// it was and returns `Ok` (the caller reports "no spans").
pub(crate) fn read_docs<'a, R: DocReader<'a>>(b: &mut SetBuilder, text: &'a str, reader: &mut R) -> Result<(), ReadError> {
    let start = Mark::take(b);
    let lines = json_lines(text);
    match lines {
        None => {
            if let Err(e) = reader.read_doc(b, text) {
                start.restore(b);
                reader.rolled_back(&start);
                return Err(ReadError::from_json(&e, 0));
            }
        }
        Some(lines) => {
            let mut read_ok = 0usize;
            let mut first_err: Option<ReadError> = None;
            let mut skipped: Vec<String> = Vec::new();
            for (line_no, line) in lines {
                let m = Mark::take(b);
                match reader.read_doc(b, line) {
                    Ok(()) => read_ok += 1,
                    Err(e) => {
                        m.restore(b);
                        reader.rolled_back(&m);
                        let err = ReadError::from_json(&e, line_no.saturating_sub(1));
                        if let ReadError::Json { line, column, reason } = &err {
                            skipped.push(format!("line {line}: not valid JSON at column {column}: {reason}; the line was skipped"));
                        }
                        if first_err.is_none() {
                            first_err = Some(err);
                        }
                    }
                }
            }
            if read_ok == 0 {
                if let Some(e) = first_err {
                    start.restore(b);
                    reader.rolled_back(&start);
                    return Err(e);
                }
            }
            for msg in skipped {
                b.warn(WarningKind::Input, NO_SPAN, msg);
            }
        }
    }
    reader.finish(b, start.spans);
    if b.spans.len() == start.spans {
        // Nothing loaded: leave no stray warnings or resources behind.
        start.restore(b);
        reader.rolled_back(&start);
    }
    Ok(())
}

/// Runs one seed over a complete JSON document.
pub(crate) fn run_seed<'a, S: DeserializeSeed<'a, Value = ()>>(text: &'a str, seed: S) -> Result<(), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    seed.deserialize(&mut de)?;
    de.end()
}

/// Keys that drive span semantics, interned once per read.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Keys {
    pub(crate) span_kind: StrId,
    pub(crate) error: StrId,
    pub(crate) status_code: StrId,
    pub(crate) status_description: StrId,
    pub(crate) event: StrId,
    pub(crate) message: StrId,
    pub(crate) log: StrId,
}

impl Keys {
    pub(crate) fn new(b: &mut SetBuilder) -> Keys {
        Keys {
            span_kind: b.strings.intern("span.kind"),
            error: b.strings.intern("error"),
            status_code: b.strings.intern("otel.status_code"),
            status_description: b.strings.intern("otel.status_description"),
            event: b.strings.intern("event"),
            message: b.strings.intern("message"),
            log: b.strings.intern("log"),
        }
    }
}

/// Status read from `otel.status_code` / `otel.status_description` attributes.
pub(crate) fn otel_status(b: &SetBuilder, keys: &Keys, attrs: Range32) -> (StatusCode, StrId) {
    let mut code = StatusCode::Unset;
    let mut msg = StrId::EMPTY;
    for a in &b.attrs[attrs.range()] {
        if a.key == keys.status_code {
            match a.value {
                AttrValue::Str(s) => {
                    let t = b.strings.get(s).trim();
                    if t.eq_ignore_ascii_case("ERROR") || t.eq_ignore_ascii_case("STATUS_CODE_ERROR") {
                        code = StatusCode::Error;
                    } else if (t.eq_ignore_ascii_case("OK") || t.eq_ignore_ascii_case("STATUS_CODE_OK")) && code != StatusCode::Error {
                        code = StatusCode::Ok;
                    }
                }
                AttrValue::Int(2) => code = StatusCode::Error,
                AttrValue::Int(1) if code != StatusCode::Error => code = StatusCode::Ok,
                _ => {}
            }
        } else if a.key == keys.status_description {
            if let AttrValue::Str(s) = a.value {
                msg = s;
            }
        }
    }
    (code, msg)
}

/// Makes `extra` attributes follow the span's own range: pushes them at the end of
/// the arena, moving the existing range there first if something was pushed after it.
pub(crate) fn extend_attrs(b: &mut SetBuilder, range: Range32, extra: &[Attr]) -> Range32 {
    if extra.is_empty() {
        return range;
    }
    let mut start = range.start as usize;
    if range.is_empty() {
        start = b.attrs.len();
    } else if range.start as usize + range.len as usize != b.attrs.len() {
        start = b.attrs.len();
        for i in range.range() {
            let a = b.attrs[i];
            b.attrs.push(a);
        }
    }
    b.attrs.extend_from_slice(extra);
    Range32::new(start, b.attrs.len())
}

/// A fast non-cryptographic hasher (FxHash) for maps keyed by ids read from one file.
#[derive(Default, Clone, Copy, Debug)]
pub(crate) struct FxHasher(u64);

impl FxHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        for &x in chunks.remainder() {
            self.add(x as u64);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }
    fn write_u32(&mut self, i: u32) {
        self.add(i as u64);
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_u128(&mut self, i: u128) {
        self.add(i as u64);
        self.add((i >> 64) as u64);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Builds [`FxHasher`]s.
pub(crate) type FxBuild = std::hash::BuildHasherDefault<FxHasher>;

/// Same as [`ids::span_id`], with a fast path for plain hex of at most 16 digits
/// (the common case, and exactly what `ids::span_id` would decode).
pub(crate) fn decode_span_id(text: &str, enc: IdEncoding, b: &mut SetBuilder) -> (SpanId, bool) {
    if enc == IdEncoding::Hex && text.len() <= 16 {
        let v = match <&[u8; 16]>::try_from(text.as_bytes()) {
            Ok(full) => hex16(full),
            Err(_) => hex_u128(text.as_bytes()).map(|v| v as u64),
        };
        if let Some(v) = v {
            return (SpanId::Hex(v), true);
        }
    }
    ids::span_id(text, enc, &mut b.strings)
}

/// Remembers the last trace id text and its decoding: spans of one trace repeat it.
#[derive(Default, Debug)]
pub(crate) struct TraceIdCache {
    text: String,
    id: Option<(TraceId, bool)>,
}

impl TraceIdCache {
    /// Same as [`ids::trace_id`], without decoding the same text twice in a row.
    pub(crate) fn get(&mut self, text: &str, enc: IdEncoding, b: &mut SetBuilder) -> (TraceId, bool) {
        if let Some(hit) = self.id {
            if self.text == text {
                return hit;
            }
        }
        let hit = ids::trace_id(text, enc, &mut b.strings);
        self.text.clear();
        self.text.push_str(text);
        self.id = Some(hit);
        hit
    }
}

/// Events without a timestamp carry this until their span's start is known.
pub(crate) const NO_TIME: u64 = u64::MAX;

/// Gives timeless events of a span its start (or 0).
pub(crate) fn fix_event_times(b: &mut SetBuilder, events: Range32, start: Option<u64>) {
    for e in &mut b.events[events.range()] {
        if e.time_ns == NO_TIME {
            e.time_ns = start.unwrap_or(0);
        }
    }
}

// ───────────────────────────── tags ─────────────────────────────

/// A Jaeger tag / log field / process tag in either spelling.
#[derive(Deserialize, Default, Debug)]
#[serde(default)]
struct JTag<'a> {
    #[serde(borrow)]
    key: Text<'a>,
    #[serde(borrow, rename = "type", alias = "vType", alias = "v_type")]
    ty: Scalar<'a>,
    #[serde(borrow)]
    value: Scalar<'a>,
    #[serde(borrow, rename = "vStr", alias = "v_str")]
    v_str: Scalar<'a>,
    #[serde(borrow, rename = "vBool", alias = "v_bool")]
    v_bool: Scalar<'a>,
    #[serde(borrow, rename = "vInt64", alias = "v_int64")]
    v_int64: Scalar<'a>,
    #[serde(borrow, rename = "vFloat64", alias = "v_float64")]
    v_float64: Scalar<'a>,
    #[serde(borrow, rename = "vBinary", alias = "v_binary")]
    v_binary: Scalar<'a>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum TagType {
    Str,
    Bool,
    Int,
    Float,
    Binary,
    /// Unknown or absent: inferred from the JSON value.
    Infer,
}

fn tag_type(ty: &Scalar) -> TagType {
    match ty {
        Scalar::Str(s) => {
            let s = s.trim();
            if s.eq_ignore_ascii_case("string") {
                TagType::Str
            } else if s.eq_ignore_ascii_case("bool") || s.eq_ignore_ascii_case("boolean") {
                TagType::Bool
            } else if s.eq_ignore_ascii_case("int64") || s.eq_ignore_ascii_case("int") {
                TagType::Int
            } else if s.eq_ignore_ascii_case("float64") || s.eq_ignore_ascii_case("float") || s.eq_ignore_ascii_case("double") {
                TagType::Float
            } else if s.eq_ignore_ascii_case("binary") {
                TagType::Binary
            } else {
                TagType::Infer
            }
        }
        Scalar::U(0) => TagType::Str,
        Scalar::U(1) => TagType::Bool,
        Scalar::U(2) => TagType::Int,
        Scalar::U(3) => TagType::Float,
        Scalar::U(4) => TagType::Binary,
        _ => TagType::Infer,
    }
}

fn infer_value(b: &mut SetBuilder, v: &Scalar) -> AttrValue {
    match v {
        Scalar::Str(s) => AttrValue::Str(b.str_value(s)),
        Scalar::Bool(x) => AttrValue::Bool(*x),
        Scalar::U(x) => match i64::try_from(*x) {
            Ok(i) => AttrValue::Int(i),
            Err(_) => AttrValue::Str(b.str_value(&x.to_string())),
        },
        Scalar::I(x) => AttrValue::Int(*x),
        Scalar::F(x) => AttrValue::Double(*x),
        Scalar::Other | Scalar::Null => AttrValue::Empty,
    }
}

fn text_value(b: &mut SetBuilder, v: &Scalar) -> AttrValue {
    match v.text() {
        Some(t) => AttrValue::Str(b.str_value(&t)),
        None => AttrValue::Empty,
    }
}

/// Converts a tag value following its declared type; a value that does not fit the
/// type is kept as text.
fn typed_value(b: &mut SetBuilder, ty: TagType, v: &Scalar) -> AttrValue {
    if matches!(v, Scalar::Null | Scalar::Other) {
        return AttrValue::Empty;
    }
    match ty {
        TagType::Infer => infer_value(b, v),
        TagType::Str => text_value(b, v),
        TagType::Bool => match v {
            Scalar::Bool(x) => AttrValue::Bool(*x),
            Scalar::Str(s) if s.trim().eq_ignore_ascii_case("true") => AttrValue::Bool(true),
            Scalar::Str(s) if s.trim().eq_ignore_ascii_case("false") => AttrValue::Bool(false),
            Scalar::U(0) => AttrValue::Bool(false),
            Scalar::U(1) => AttrValue::Bool(true),
            _ => text_value(b, v),
        },
        TagType::Int => match v {
            Scalar::U(x) => match i64::try_from(*x) {
                Ok(i) => AttrValue::Int(i),
                Err(_) => text_value(b, v),
            },
            Scalar::I(x) => AttrValue::Int(*x),
            Scalar::F(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => AttrValue::Int(*x as i64),
            Scalar::F(x) => AttrValue::Double(*x),
            Scalar::Str(s) => match s.trim().parse::<i64>() {
                Ok(i) => AttrValue::Int(i),
                Err(_) => text_value(b, v),
            },
            Scalar::Bool(_) | Scalar::Other | Scalar::Null => text_value(b, v),
        },
        TagType::Float => match v {
            Scalar::U(x) => AttrValue::Double(*x as f64),
            Scalar::I(x) => AttrValue::Double(*x as f64),
            Scalar::F(x) => AttrValue::Double(*x),
            Scalar::Str(s) => match s.trim().parse::<f64>() {
                Ok(f) => AttrValue::Double(f),
                Err(_) => text_value(b, v),
            },
            Scalar::Bool(_) | Scalar::Other | Scalar::Null => text_value(b, v),
        },
        TagType::Binary => match v {
            Scalar::Str(s) => AttrValue::Bytes(b.str_value(s)),
            _ => text_value(b, v),
        },
    }
}

/// The attribute value of one tag, in the UI (`type`/`value`) or api_v2 (`vType`/`v*`) shape.
fn tag_attr_value(b: &mut SetBuilder, t: &JTag) -> AttrValue {
    let ty = tag_type(&t.ty);
    if !t.value.is_null() {
        return typed_value(b, ty, &t.value);
    }
    // api_v2: the value sits in the field of its type; proto3 JSON omits defaults.
    let ty = if ty == TagType::Infer && t.ty.is_null() {
        if !t.v_bool.is_null() {
            TagType::Bool
        } else if !t.v_int64.is_null() {
            TagType::Int
        } else if !t.v_float64.is_null() {
            TagType::Float
        } else if !t.v_binary.is_null() {
            TagType::Binary
        } else if !t.v_str.is_null() {
            TagType::Str
        } else {
            // Neither a value nor a type: an empty attribute.
            return AttrValue::Empty;
        }
    } else {
        ty
    };
    let field = match ty {
        TagType::Str | TagType::Infer => &t.v_str,
        TagType::Bool => &t.v_bool,
        TagType::Int => &t.v_int64,
        TagType::Float => &t.v_float64,
        TagType::Binary => &t.v_binary,
    };
    if field.is_null() {
        return match ty {
            TagType::Str | TagType::Infer => AttrValue::Str(StrId::EMPTY),
            TagType::Bool => AttrValue::Bool(false),
            TagType::Int => AttrValue::Int(0),
            TagType::Float => AttrValue::Double(0.0),
            TagType::Binary => AttrValue::Bytes(StrId::EMPTY),
        };
    }
    typed_value(b, ty, field)
}

fn push_tag(b: &mut SetBuilder, t: &JTag) {
    let key = b.strings.intern(t.key.or_empty());
    let value = tag_attr_value(b, t);
    b.attrs.push(Attr { key, value });
}

/// What a streamed tag list produced.
#[derive(Clone, Copy, Debug, Default)]
struct TagsOut {
    range: Range32,
    /// Elements that were not objects.
    bad_items: u32,
    /// The list itself was not a list.
    not_list: bool,
}

/// Streams a tag list (`[{key,type,value}…]`, or tolerantly `{key: value}`) into `b.attrs`.
struct TagsSeed<'c> {
    b: &'c mut SetBuilder,
}

impl<'de, 'c> DeserializeSeed<'de> for TagsSeed<'c> {
    type Value = TagsOut;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<TagsOut, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, 'c> Visitor<'de> for TagsSeed<'c> {
    type Value = TagsOut;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of tags")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<TagsOut, A::Error> {
        let start = self.b.attrs.len();
        let mut bad_items = 0;
        while let Some(t) = a.next_element::<Lax<JTag<'de>>>()? {
            match t {
                Lax::Ok(t) => push_tag(self.b, &t),
                Lax::Null | Lax::Bad => bad_items += 1,
            }
        }
        Ok(TagsOut { range: Range32::new(start, self.b.attrs.len()), bad_items, not_list: false })
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<TagsOut, A::Error> {
        // Not Jaeger's shape, but unambiguous: {key: value, …}.
        let start = self.b.attrs.len();
        while let Some(k) = a.next_key::<Text<'de>>()? {
            let v: Scalar<'de> = a.next_value()?;
            let key = self.b.strings.intern(k.or_empty());
            let value = infer_value(self.b, &v);
            self.b.attrs.push(Attr { key, value });
        }
        Ok(TagsOut { range: Range32::new(start, self.b.attrs.len()), bad_items: 0, not_list: false })
    }
    fn visit_unit<E>(self) -> Result<TagsOut, E> {
        Ok(TagsOut { range: Range32::new(self.b.attrs.len(), self.b.attrs.len()), ..TagsOut::default() })
    }
    fn visit_none<E: de::Error>(self) -> Result<TagsOut, E> {
        self.visit_unit()
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<TagsOut, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E>(self, _: bool) -> Result<TagsOut, E> {
        Ok(TagsOut { not_list: true, ..TagsOut::default() })
    }
    fn visit_i64<E>(self, _: i64) -> Result<TagsOut, E> {
        Ok(TagsOut { not_list: true, ..TagsOut::default() })
    }
    fn visit_u64<E>(self, _: u64) -> Result<TagsOut, E> {
        Ok(TagsOut { not_list: true, ..TagsOut::default() })
    }
    fn visit_f64<E>(self, _: f64) -> Result<TagsOut, E> {
        Ok(TagsOut { not_list: true, ..TagsOut::default() })
    }
    fn visit_str<E>(self, _: &str) -> Result<TagsOut, E> {
        Ok(TagsOut { not_list: true, ..TagsOut::default() })
    }
}

// ───────────────────────────── logs ─────────────────────────────

/// What a streamed log list produced.
#[derive(Debug, Default)]
struct LogsOut {
    range: Range32,
    problems: Vec<String>,
}

/// Streams `logs: [{timestamp, fields}]` into `b.events` (fields into `b.attrs`).
struct LogsSeed<'c> {
    b: &'c mut SetBuilder,
    keys: Keys,
}

impl<'de, 'c> DeserializeSeed<'de> for LogsSeed<'c> {
    type Value = LogsOut;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<LogsOut, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, 'c> Visitor<'de> for LogsSeed<'c> {
    type Value = LogsOut;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of logs")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<LogsOut, A::Error> {
        let start = self.b.events.len();
        let mut problems = Vec::new();
        let mut i = 0usize;
        while let Some(r) = a.next_element_seed(LogSeed { b: &mut *self.b, keys: self.keys })? {
            if let Err(p) = r {
                problems.push(format!("logs[{i}]: {p}"));
            }
            i += 1;
        }
        Ok(LogsOut { range: Range32::new(start, self.b.events.len()), problems })
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<LogsOut, A::Error> {
        while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(self.not_list())
    }
    fn visit_unit<E>(self) -> Result<LogsOut, E> {
        let n = self.b.events.len();
        Ok(LogsOut { range: Range32::new(n, n), problems: Vec::new() })
    }
    fn visit_none<E: de::Error>(self) -> Result<LogsOut, E> {
        self.visit_unit()
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<LogsOut, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E>(self, _: bool) -> Result<LogsOut, E> {
        Ok(self.not_list())
    }
    fn visit_i64<E>(self, _: i64) -> Result<LogsOut, E> {
        Ok(self.not_list())
    }
    fn visit_u64<E>(self, _: u64) -> Result<LogsOut, E> {
        Ok(self.not_list())
    }
    fn visit_f64<E>(self, _: f64) -> Result<LogsOut, E> {
        Ok(self.not_list())
    }
    fn visit_str<E>(self, _: &str) -> Result<LogsOut, E> {
        Ok(self.not_list())
    }
}

impl LogsSeed<'_> {
    fn not_list(&self) -> LogsOut {
        let n = self.b.events.len();
        LogsOut { range: Range32::new(n, n), problems: vec!["\"logs\" is not a list; ignored".to_string()] }
    }
}

#[derive(Deserialize)]
#[serde(field_identifier)]
enum LogKey {
    #[serde(rename = "timestamp")]
    Timestamp,
    #[serde(rename = "fields")]
    Fields,
    #[serde(other)]
    Other,
}

/// One log: pushes an event, or returns why it could not (not an object).
struct LogSeed<'c> {
    b: &'c mut SetBuilder,
    keys: Keys,
}

impl<'de, 'c> DeserializeSeed<'de> for LogSeed<'c> {
    type Value = Result<(), String>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, 'c> Visitor<'de> for LogSeed<'c> {
    type Value = Result<(), String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a log object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
        let mut ts: Scalar<'de> = Scalar::Null;
        let mut fields: Option<TagsOut> = None;
        while let Some(k) = a.next_key::<LogKey>()? {
            match k {
                LogKey::Timestamp => ts = a.next_value()?,
                LogKey::Fields => fields = Some(a.next_value_seed(TagsSeed { b: &mut *self.b })?),
                LogKey::Other => {
                    a.next_value::<IgnoredAny>()?;
                }
            }
        }
        let attrs = fields.map(|f| f.range).unwrap_or_default();
        let mut name = StrId::EMPTY;
        for key in [self.keys.event, self.keys.message] {
            if let Some(AttrValue::Str(s)) = self.b.attrs[attrs.range()].iter().find(|x| x.key == key).map(|x| x.value) {
                if !s.is_empty() {
                    name = s;
                    break;
                }
            }
        }
        if name.is_empty() {
            name = self.keys.log;
        }
        let (time_ns, problem) = match scalar_time_ns(&ts) {
            Parsed::Ns(t) => (t, None),
            Parsed::Missing => (NO_TIME, Some("log has no timestamp; shown at the span's start".to_string())),
            Parsed::Negative | Parsed::Bad => {
                (NO_TIME, Some(format!("log timestamp {} is not a valid time; shown at the span's start", ts.show())))
            }
        };
        self.b.events.push(Event { time_ns, name, attrs, dropped_attrs: 0 });
        match problem {
            Some(p) => Ok(Err(p)),
            None => Ok(Ok(())),
        }
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
        while a.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Err("is not an object; ignored".to_string()))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Err("is null; ignored".to_string()))
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visit_unit()
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Err("is not an object; ignored".to_string()))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Err("is not an object; ignored".to_string()))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Err("is not an object; ignored".to_string()))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Err("is not an object; ignored".to_string()))
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Err("is not an object; ignored".to_string()))
    }
}

// ───────────────────────────── references, processes ─────────────────────────────

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
struct JRef<'a> {
    #[serde(borrow, rename = "refType", alias = "ref_type")]
    ref_type: Scalar<'a>,
    #[serde(borrow, rename = "traceID", alias = "traceId", alias = "trace_id")]
    trace_id: Text<'a>,
    #[serde(borrow, rename = "spanID", alias = "spanId", alias = "span_id")]
    span_id: Text<'a>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
struct JProcess<'a> {
    #[serde(borrow, rename = "serviceName", alias = "service_name")]
    service_name: Text<'a>,
    #[serde(borrow)]
    tags: LaxList<Lax<JTag<'a>>>,
}

/// `processes: {pid: process}` (ids borrowed); anything else is empty.
#[derive(Default, Debug)]
struct ProcMap<'a>(Vec<(Cow<'a, str>, JProcess<'a>)>);

impl<'de: 'a, 'a> Deserialize<'de> for ProcMap<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ProcMap<'a>, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = ProcMap<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of processes")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<ProcMap<'a>, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = a.next_key::<Text<'de>>()? {
                    let p: Lax<JProcess<'de>> = a.next_value()?;
                    if let (Text::Str(k), Lax::Ok(p)) = (k, p) {
                        out.push((k, p));
                    }
                }
                Ok(ProcMap(out))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<ProcMap<'a>, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(ProcMap::default())
            }
            fn visit_unit<E>(self) -> Result<ProcMap<'a>, E> {
                Ok(ProcMap::default())
            }
            fn visit_none<E>(self) -> Result<ProcMap<'a>, E> {
                Ok(ProcMap::default())
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<ProcMap<'a>, D2::Error> {
                d.deserialize_any(V(PhantomData))
            }
            fn visit_bool<E>(self, _: bool) -> Result<ProcMap<'a>, E> {
                Ok(ProcMap::default())
            }
            fn visit_i64<E>(self, _: i64) -> Result<ProcMap<'a>, E> {
                Ok(ProcMap::default())
            }
            fn visit_u64<E>(self, _: u64) -> Result<ProcMap<'a>, E> {
                Ok(ProcMap::default())
            }
            fn visit_f64<E>(self, _: f64) -> Result<ProcMap<'a>, E> {
                Ok(ProcMap::default())
            }
            fn visit_str<E>(self, _: &str) -> Result<ProcMap<'a>, E> {
                Ok(ProcMap::default())
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// An error entry of the query API envelope.
#[derive(Deserialize, Default, Debug)]
#[serde(default)]
struct ApiError<'a> {
    #[serde(borrow)]
    code: Scalar<'a>,
    #[serde(borrow, alias = "message")]
    msg: Text<'a>,
    #[serde(borrow, rename = "traceID", alias = "traceId")]
    trace_id: Text<'a>,
}

// ───────────────────────────── the document walker ─────────────────────────────

/// Per-read state that outlives one document (resource dedupe).
struct JaegerDocs {
    enc: IdEncoding,
    /// Process content → resource index.
    res_cache: HashMap<String, u32>,
    /// The resource with no service name.
    no_service: Option<u32>,
    keys: Option<Keys>,
    tids: TraceIdCache,
    /// Reused per span.
    refs: Vec<Ref>,
}

impl<'a> DocReader<'a> for JaegerDocs {
    fn read_doc(&mut self, b: &mut SetBuilder, text: &'a str) -> Result<(), serde_json::Error> {
        let keys = match self.keys {
            Some(k) => k,
            None => {
                let k = Keys::new(b);
                self.keys = Some(k);
                k
            }
        };
        let mut ctx = Ctx { b, docs: self, keys, frames: vec![Frame::default()], ignored: 0 };
        run_seed(text, NodeSeed { ctx: &mut ctx })?;
        // Spans outside any trace object: their processIDs cannot resolve.
        if let Some(root) = ctx.frames.pop() {
            ctx.close_frame(root, None, &[]);
        }
        if ctx.ignored > 0 {
            let n = ctx.ignored;
            ctx.b.warn(
                WarningKind::Input,
                NO_SPAN,
                format!("{n} JSON value(s) that are neither a trace nor a span were ignored"),
            );
        }
        Ok(())
    }
    fn rolled_back(&mut self, mark: &Mark) {
        let n = mark.resources as u32;
        self.res_cache.retain(|_, r| *r < n);
        if self.no_service.is_some_and(|r| r >= n) {
            self.no_service = None;
        }
    }
}

/// A trace object being read: spans whose processID waits for `processes`.
#[derive(Default)]
struct Frame<'a> {
    pending: Vec<(u32, Cow<'a, str>)>,
    first_span: Option<u32>,
    trace_id: Option<Cow<'a, str>>,
}

struct Ctx<'a, 'b> {
    b: &'b mut SetBuilder,
    docs: &'b mut JaegerDocs,
    keys: Keys,
    frames: Vec<Frame<'a>>,
    ignored: u32,
}

impl<'a> Ctx<'a, '_> {
    fn no_service(&mut self) -> u32 {
        if let Some(r) = self.docs.no_service {
            return r;
        }
        let r = self.b.add_resource("", Range32::default(), 0, StrId::EMPTY);
        self.docs.no_service = Some(r);
        r
    }

    /// The (deduplicated) resource of a process.
    fn process_resource(&mut self, p: &JProcess) -> u32 {
        let service = p.service_name.or_empty();
        let mut key = String::with_capacity(service.len() + 16);
        key.push_str(service);
        for t in &p.tags.items {
            if let Lax::Ok(t) = t {
                key.push('\u{1f}');
                key.push_str(t.key.or_empty());
                for v in [&t.ty, &t.value, &t.v_str, &t.v_bool, &t.v_int64, &t.v_float64, &t.v_binary] {
                    key.push('\u{1e}');
                    if let Some(x) = v.text() {
                        key.push_str(&x);
                    }
                }
            }
        }
        if let Some(&r) = self.docs.res_cache.get(&key) {
            return r;
        }
        let start = self.b.attrs.len();
        for t in &p.tags.items {
            if let Lax::Ok(t) = t {
                push_tag(self.b, t);
            }
        }
        let r = self.b.add_resource(service, Range32::new(start, self.b.attrs.len()), 0, StrId::EMPTY);
        self.docs.res_cache.insert(key, r);
        r
    }

    /// Resolves the processIDs of a finished trace and attaches its warnings.
    fn close_frame(&mut self, frame: Frame<'a>, processes: Option<&ProcMap<'a>>, trace_warnings: &[String]) {
        if !frame.pending.is_empty() {
            let procs: HashMap<&str, &JProcess> =
                processes.map(|p| p.0.iter().map(|(k, v)| (k.as_ref(), v)).collect()).unwrap_or_default();
            let mut resolved: HashMap<&str, u32> = HashMap::new();
            for (raw, pid) in &frame.pending {
                let r = match resolved.get(pid.as_ref()) {
                    Some(&r) => r,
                    None => {
                        let r = match procs.get(pid.as_ref()) {
                            Some(p) => self.process_resource(p),
                            None => NO_SPAN,
                        };
                        resolved.insert(pid.as_ref(), r);
                        r
                    }
                };
                let r = if r == NO_SPAN {
                    let where_ = if processes.is_some() { "the trace's processes" } else { "a \"processes\" map" };
                    self.b.warn(
                        WarningKind::Input,
                        *raw,
                        format!("processID {:?} is not in {where_}; the span has no service", clip(pid)),
                    );
                    self.no_service()
                } else {
                    r
                };
                if let Some(s) = self.b.spans.get_mut(*raw as usize) {
                    s.resource = r;
                }
            }
        }
        for w in trace_warnings {
            let span = frame.first_span.unwrap_or(NO_SPAN);
            self.b.warn(WarningKind::Input, span, format!("trace warning: {w}"));
        }
    }
}

/// Keys of any object the walker meets (trace, span, envelope).
#[derive(Deserialize)]
#[serde(field_identifier)]
enum NodeKey {
    #[serde(rename = "traceID", alias = "traceId", alias = "trace_id")]
    TraceId,
    #[serde(rename = "spanID", alias = "spanId", alias = "span_id")]
    SpanId,
    #[serde(rename = "operationName", alias = "operation_name")]
    OperationName,
    #[serde(rename = "references")]
    References,
    #[serde(rename = "startTime", alias = "start_time")]
    StartTime,
    #[serde(rename = "duration")]
    Duration,
    #[serde(rename = "tags")]
    Tags,
    #[serde(rename = "logs")]
    Logs,
    #[serde(rename = "processID", alias = "processId", alias = "process_id")]
    ProcessId,
    #[serde(rename = "process")]
    Process,
    #[serde(rename = "warnings")]
    Warnings,
    #[serde(rename = "flags")]
    Flags,
    #[serde(rename = "spans")]
    Spans,
    #[serde(rename = "processes")]
    Processes,
    #[serde(rename = "data", alias = "result")]
    Data,
    #[serde(rename = "errors")]
    Errors,
    #[serde(other)]
    Other,
}

/// Fields of one span, gathered while its object is read.
#[derive(Default)]
struct SpanAcc<'a> {
    trace_id: Text<'a>,
    span_id: Text<'a>,
    name: Text<'a>,
    refs: LaxList<Lax<JRef<'a>>>,
    start: Scalar<'a>,
    duration: Scalar<'a>,
    tags: Option<TagsOut>,
    logs: Option<LogsOut>,
    process_id: Text<'a>,
    process: Lax<JProcess<'a>>,
    warnings: LaxList<Scalar<'a>>,
    flags: Num,
    /// A key only spans have was seen.
    span_keys: bool,
}

/// Walks any JSON value: arrays are walked element by element, objects are traces,
/// envelopes or spans. Recursion follows the JSON nesting (serde_json caps it at 128).
struct NodeSeed<'c, 'a, 'b> {
    ctx: &'c mut Ctx<'a, 'b>,
}

impl<'c, 'a, 'b> DeserializeSeed<'a> for NodeSeed<'c, 'a, 'b> {
    type Value = ();
    fn deserialize<D: Deserializer<'a>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'c, 'a, 'b> Visitor<'a> for NodeSeed<'c, 'a, 'b> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("Jaeger traces or spans")
    }
    fn visit_seq<A: SeqAccess<'a>>(self, mut a: A) -> Result<(), A::Error> {
        while a.next_element_seed(NodeSeed { ctx: &mut *self.ctx })?.is_some() {}
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: Deserializer<'a>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        self.ctx.ignored += 1;
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        self.ctx.ignored += 1;
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        self.ctx.ignored += 1;
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        self.ctx.ignored += 1;
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        self.ctx.ignored += 1;
        Ok(())
    }
    fn visit_map<A: MapAccess<'a>>(self, mut map: A) -> Result<(), A::Error> {
        let ctx = self.ctx;
        let mut acc = SpanAcc::default();
        let mut container = false;
        let mut pushed_frame = false;
        let mut processes: Option<ProcMap<'a>> = None;
        let mut api_errors: LaxList<Lax<ApiError<'a>>> = LaxList::default();
        while let Some(key) = map.next_key::<NodeKey>()? {
            match key {
                NodeKey::TraceId => acc.trace_id = map.next_value()?,
                NodeKey::SpanId => {
                    acc.span_id = map.next_value()?;
                    acc.span_keys = true;
                }
                NodeKey::OperationName => {
                    acc.name = map.next_value()?;
                    acc.span_keys = true;
                }
                NodeKey::References => {
                    acc.refs = map.next_value()?;
                    acc.span_keys = true;
                }
                NodeKey::StartTime => acc.start = map.next_value()?,
                NodeKey::Duration => acc.duration = map.next_value()?,
                NodeKey::Tags => {
                    acc.tags = Some(map.next_value_seed(TagsSeed { b: &mut *ctx.b })?);
                    acc.span_keys = true;
                }
                NodeKey::Logs => {
                    acc.logs = Some(map.next_value_seed(LogsSeed { b: &mut *ctx.b, keys: ctx.keys })?);
                    acc.span_keys = true;
                }
                NodeKey::ProcessId => acc.process_id = map.next_value()?,
                NodeKey::Process => acc.process = map.next_value()?,
                NodeKey::Warnings => acc.warnings = map.next_value()?,
                NodeKey::Flags => acc.flags = map.next_value()?,
                NodeKey::Spans => {
                    container = true;
                    if !pushed_frame {
                        let trace_id = match &acc.trace_id {
                            Text::Str(s) => Some(s.clone()),
                            _ => None,
                        };
                        ctx.frames.push(Frame { trace_id, ..Frame::default() });
                        pushed_frame = true;
                    }
                    map.next_value_seed(NodeSeed { ctx: &mut *ctx })?;
                }
                NodeKey::Processes => {
                    container = true;
                    processes = Some(map.next_value()?);
                }
                NodeKey::Data => {
                    container = true;
                    map.next_value_seed(NodeSeed { ctx: &mut *ctx })?;
                }
                NodeKey::Errors => api_errors = map.next_value()?,
                NodeKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        for e in api_errors.items.iter().filter_map(Lax::get) {
            let code = e.code.text().map(|c| format!(" (code {c})")).unwrap_or_default();
            let trace = e.trace_id.as_str().map(|t| format!(" for trace {t}")).unwrap_or_default();
            ctx.b.warn(
                WarningKind::Input,
                NO_SPAN,
                format!("the Jaeger query API reported an error{code}{trace}: {}", e.msg.or_empty()),
            );
        }
        if container {
            let trace_warnings: Vec<String> =
                acc.warnings.items.iter().filter_map(|w| w.text().map(|t| t.into_owned())).collect();
            if pushed_frame {
                if let Some(frame) = ctx.frames.pop() {
                    ctx.close_frame(frame, processes.as_ref(), &trace_warnings);
                }
            } else {
                for w in trace_warnings {
                    ctx.b.warn(WarningKind::Input, NO_SPAN, format!("trace warning: {w}"));
                }
            }
        } else if acc.span_keys
            || (!matches!(acc.trace_id, Text::Null) && (!acc.start.is_null() || !acc.duration.is_null()))
        {
            emit_span(ctx, acc);
        } else {
            ctx.ignored += 1;
        }
        Ok(())
    }
}

/// A reference after its type is known.
struct Ref {
    follows: bool,
    trace_id: TraceId,
    span_id: SpanId,
}

fn bad_id_message(what: &str, text: &str, enc: IdEncoding) -> String {
    if text.trim().is_empty() {
        return format!("{what} is missing");
    }
    let expect = match enc {
        IdEncoding::Hex => "hex",
        IdEncoding::HexOrBase64 | IdEncoding::Base64OrHex => "base64 or hex",
    };
    format!("{what} {:?} is not valid {expect}; kept as given", clip(text.trim()))
}

/// A `span.kind` tag value; the usual lower-case spellings without allocating.
fn kind_of_tag(s: &str) -> SpanKind {
    match s {
        "server" => SpanKind::Server,
        "client" => SpanKind::Client,
        "producer" => SpanKind::Producer,
        "consumer" => SpanKind::Consumer,
        "internal" => SpanKind::Internal,
        _ => SpanKind::parse(s),
    }
}

/// Turns the gathered fields of one span into a raw span and its warnings.
fn emit_span<'a>(ctx: &mut Ctx<'a, '_>, acc: SpanAcc<'a>) {
    let enc = ctx.docs.enc;
    let keys = ctx.keys;
    let mut problems: Vec<(WarningKind, String)> = Vec::new();
    let mut flags: u16 = 0;

    // Ids. A span without its own traceID takes the enclosing trace's.
    let frame_tid = ctx.frames.last().and_then(|f| f.trace_id.clone());
    let tid_text: &str = match (&acc.trace_id, &frame_tid) {
        (Text::Str(s), _) => s,
        (_, Some(t)) => t,
        _ => "",
    };
    let sid_text = acc.span_id.or_empty();
    let b = &mut *ctx.b;
    let (trace_id, tid_ok) = ctx.docs.tids.get(tid_text, enc, b);
    let (span_id, sid_ok) = decode_span_id(sid_text, enc, b);
    if !tid_ok {
        flags |= span_flags::INVALID_ID;
        problems.push((WarningKind::InvalidId, bad_id_message("traceID", tid_text, enc)));
    }
    if !sid_ok {
        flags |= span_flags::INVALID_ID;
        problems.push((WarningKind::InvalidId, bad_id_message("spanID", sid_text, enc)));
    }
    let mut span = RawSpan::new(trace_id, span_id);

    // References → parent + links.
    if acc.refs.bad {
        problems.push((WarningKind::Input, "\"references\" is not a list; ignored".to_string()));
    }
    let mut refs = std::mem::take(&mut ctx.docs.refs);
    refs.clear();
    for (i, r) in acc.refs.items.iter().enumerate() {
        let Lax::Ok(r) = r else {
            problems.push((WarningKind::Input, format!("references[{i}] is not an object; ignored")));
            continue;
        };
        let follows = match &r.ref_type {
            Scalar::Null | Scalar::U(0) => false,
            Scalar::U(1) => true,
            Scalar::Str(s) if s.trim().eq_ignore_ascii_case("CHILD_OF") => false,
            Scalar::Str(s) if s.trim().eq_ignore_ascii_case("FOLLOWS_FROM") => true,
            other => {
                problems.push((
                    WarningKind::Input,
                    format!("references[{i}] has an unknown refType {}; read as CHILD_OF", other.show()),
                ));
                false
            }
        };
        let rs = r.span_id.or_empty();
        if rs.trim().is_empty() {
            problems.push((WarningKind::Input, format!("references[{i}] has no spanID; ignored")));
            continue;
        }
        let (rsid, ok) = decode_span_id(rs, enc, b);
        if !ok {
            flags |= span_flags::INVALID_ID;
            problems.push((WarningKind::InvalidId, bad_id_message(&format!("references[{i}].spanID"), rs, enc)));
        }
        if rsid == SpanId::Hex(0) {
            problems.push((WarningKind::Input, format!("references[{i}] points to span id 0; ignored")));
            continue;
        }
        let rtid = match r.trace_id.as_str() {
            Some(t) if t == tid_text => trace_id,
            Some(t) if !t.trim().is_empty() => {
                let (rt, ok) = ctx.docs.tids.get(t, enc, b);
                if !ok {
                    flags |= span_flags::INVALID_ID;
                    problems.push((WarningKind::InvalidId, bad_id_message(&format!("references[{i}].traceID"), t, enc)));
                }
                rt
            }
            _ => trace_id,
        };
        refs.push(Ref { follows, trace_id: rtid, span_id: rsid });
    }
    let parent_at = refs.iter().position(|r| !r.follows).or_else(|| refs.iter().position(|r| r.follows));
    let links_start = b.links.len();
    if let Some(p) = parent_at {
        span.parent_id = Some(refs[p].span_id);
        if refs[p].follows {
            flags |= span_flags::FOLLOWS_FROM;
        }
        for (i, r) in refs.iter().enumerate() {
            if i == p {
                continue;
            }
            b.links.push(Link {
                trace_id: r.trace_id,
                span_id: r.span_id,
                kind: if r.follows { LinkKind::FollowsFrom } else { LinkKind::ChildOf },
                trace_state: StrId::EMPTY,
                attrs: Range32::default(),
                dropped_attrs: 0,
            });
        }
        let child_of = refs.iter().filter(|r| !r.follows).count();
        if child_of > 1 {
            problems.push((
                WarningKind::MultipleParents,
                format!(
                    "span has {child_of} CHILD_OF references; the first ({}) is its parent, the others are kept as links",
                    refs[p].span_id.to_text(&b.strings)
                ),
            ));
        }
    }
    span.links = Range32::new(links_start, b.links.len());
    ctx.docs.refs = refs;

    // Times.
    span.start_ns = match scalar_time_ns(&acc.start) {
        Parsed::Ns(t) => Some(t),
        Parsed::Missing => None,
        Parsed::Negative | Parsed::Bad => {
            problems.push((
                WarningKind::Input,
                format!("startTime {} is not a valid time; treated as missing", acc.start.show()),
            ));
            None
        }
    };
    span.duration_ns = match scalar_duration_ns(&acc.duration) {
        Parsed::Ns(d) => Some(d),
        Parsed::Missing => None,
        Parsed::Negative => {
            flags |= span_flags::NEGATIVE_DURATION;
            problems.push((
                WarningKind::NegativeDuration,
                format!("duration {} is negative; shown as 0", acc.duration.show()),
            ));
            Some(0)
        }
        Parsed::Bad => {
            problems.push((
                WarningKind::Input,
                format!("duration {} is not a number of microseconds; treated as missing", acc.duration.show()),
            ));
            None
        }
    };

    span.name = b.strings.intern(acc.name.or_empty());

    // Tags: kind, error, status.
    let tags = acc.tags.unwrap_or(TagsOut { range: Range32::new(b.attrs.len(), b.attrs.len()), ..TagsOut::default() });
    if tags.not_list {
        problems.push((WarningKind::Input, "\"tags\" is not a list; ignored".to_string()));
    }
    if tags.bad_items > 0 {
        problems.push((WarningKind::Input, format!("{} tag(s) are not objects; ignored", tags.bad_items)));
    }
    span.attrs = tags.range;
    let mut error = false;
    for a in &b.attrs[tags.range.range()] {
        if a.key == keys.span_kind {
            if let AttrValue::Str(s) = a.value {
                span.kind = kind_of_tag(b.strings.get(s));
            }
        } else if a.key == keys.error {
            error |= match a.value {
                AttrValue::Bool(v) => v,
                AttrValue::Str(s) => b.strings.get(s).trim().eq_ignore_ascii_case("true"),
                _ => false,
            };
        }
    }
    let (code, msg) = otel_status(b, &keys, tags.range);
    span.status_message = msg;
    span.status = if error || code == StatusCode::Error { StatusCode::Error } else { code };
    if span.status == StatusCode::Error {
        flags |= span_flags::ERROR;
    }

    // Logs → events.
    if let Some(logs) = acc.logs {
        span.events = logs.range;
        fix_event_times(b, logs.range, span.start_ns);
        for p in logs.problems {
            problems.push((WarningKind::Input, p));
        }
    }

    span.w3c_flags = match acc.flags {
        Num::Null => 0,
        n => match n.as_u64() {
            Some(v) => v.min(u32::MAX as u64) as u32,
            None => {
                problems.push((WarningKind::Input, "\"flags\" is not a number; ignored".to_string()));
                0
            }
        },
    };
    span.scope = b.empty_scope();
    span.flags = flags;

    // Resource: the embedded process, else the trace's processes[processID].
    let mut pending: Option<Cow<'a, str>> = None;
    span.resource = match (&acc.process, &acc.process_id) {
        (Lax::Ok(p), _) => ctx.process_resource(p),
        (_, Text::Str(pid)) => {
            pending = Some(pid.clone());
            NO_SPAN
        }
        _ => ctx.no_service(),
    };
    if matches!(acc.process, Lax::Bad) {
        problems.push((WarningKind::Input, "\"process\" is not an object; ignored".to_string()));
    }

    let b = &mut *ctx.b;
    let raw = b.push_span(span);
    // The span id is formatted only for spans that have something to say.
    if !problems.is_empty() || acc.warnings.bad || !acc.warnings.items.is_empty() {
        let sid_show = span_id.to_text(&b.strings);
        for (kind, msg) in problems {
            b.warn(kind, raw, format!("span {sid_show}: {msg}"));
        }
        if acc.warnings.bad {
            b.warn(WarningKind::Input, raw, format!("span {sid_show}: \"warnings\" is not a list; ignored"));
        }
        for w in &acc.warnings.items {
            if let Some(t) = w.text() {
                b.warn(WarningKind::Input, raw, format!("span {sid_show}: Jaeger warning: {t}"));
            }
        }
    }
    if let Some(frame) = ctx.frames.last_mut() {
        if frame.first_span.is_none() {
            frame.first_span = Some(raw);
        }
        if let Some(pid) = pending {
            frame.pending.push((raw, pid));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> crate::model::TraceSet {
        let mut b = SetBuilder::new();
        read(&mut b, text).expect("reads");
        b.finish()
    }

    #[test]
    fn typed_tags_and_big_int() {
        let set = load(
            r#"{"traceID":"1","spans":[{"traceID":"1","spanID":"2","operationName":"x","startTime":1,"duration":2,
            "tags":[{"key":"big","type":"int64","value":"9223372036854775222"},{"key":"huge","type":"int64","value":"18446744073709551615"},
            {"key":"b","type":"binary","value":"AQ=="},{"key":"f","type":"float64","value":1.5},{"key":"ok","type":"bool","value":"TRUE"}],
            "processID":"p1"}],"processes":{"p1":{"serviceName":"svc","tags":[{"key":"host","type":"string","value":"h"}]}}}"#,
        );
        let s = &set.spans[0];
        assert_eq!(set.attr(s, "big"), Some(AttrValue::Int(9223372036854775222)));
        assert_eq!(set.attr_text(s, "huge").as_deref(), Some("18446744073709551615"));
        assert!(matches!(set.attr(s, "b"), Some(AttrValue::Bytes(_))));
        assert_eq!(set.attr(s, "f"), Some(AttrValue::Double(1.5)));
        assert_eq!(set.attr(s, "ok"), Some(AttrValue::Bool(true)));
        assert_eq!(set.service_of(s), "svc");
        assert_eq!(set.attr_text(s, "host").as_deref(), Some("h"));
        assert_eq!(s.start_ns, 1000);
        assert_eq!(s.duration_ns, 2000);
    }

    #[test]
    fn api_v2_tag_shape() {
        let mut b = SetBuilder::new();
        read_with(
            &mut b,
            r#"{"spans":[{"traceId":"AAAAAAAAAAAAAAAAAAAAEQ==","spanId":"AAAAAAAAAAM=","startTime":"2017-01-26T16:46:31.639875Z","duration":"0.5s",
            "tags":[{"key":"n","vType":"INT64","vInt64":"42"},{"key":"d","vType":"FLOAT64"},{"key":"s","vStr":"x"},{"key":"e","vType":"BOOL","vBool":true,"x":1}],
            "process":{"serviceName":"a"}}]}"#,
            IdEncoding::Base64OrHex,
        )
        .expect("reads");
        let set = b.finish();
        let s = &set.spans[0];
        assert_eq!(s.span_id.to_text(&set.strings), "0000000000000003");
        assert_eq!(s.duration_ns, 500_000_000);
        assert_eq!(set.attr(s, "n"), Some(AttrValue::Int(42)));
        assert_eq!(set.attr(s, "d"), Some(AttrValue::Double(0.0)));
        assert_eq!(set.attr_text(s, "s").as_deref(), Some("x"));
        assert_eq!(set.attr(s, "e"), Some(AttrValue::Bool(true)));
    }

    #[test]
    fn bad_values_warn_and_keep_span() {
        let set = load(r#"[{"traceID":"ab","spanID":"cd","duration":"invalid","startTime":true,"tags":"x","logs":[5],"references":7}]"#);
        assert_eq!(set.spans.len(), 1);
        let w: Vec<&str> = set.warnings.iter().filter(|w| w.kind == WarningKind::Input).map(|w| w.message.as_str()).collect();
        assert!(w.iter().any(|m| m.contains("duration \"invalid\"")), "{w:?}");
        assert!(w.iter().any(|m| m.contains("startTime")), "{w:?}");
        assert!(w.iter().any(|m| m.contains("\"tags\" is not a list")), "{w:?}");
        assert!(w.iter().any(|m| m.contains("logs[0]")), "{w:?}");
        assert!(w.iter().any(|m| m.contains("\"references\" is not a list")), "{w:?}");
    }

    #[test]
    fn jsonl_bad_line_is_skipped() {
        let text = "{\"traceID\":\"1\",\"spanID\":\"1\",\"startTime\":1,\"duration\":1}\n{oops\n{\"traceID\":\"1\",\"spanID\":\"2\",\"startTime\":1,\"duration\":1}\n";
        let set = load(text);
        assert_eq!(set.spans.len(), 2);
        let set_w = &set.warnings[set.set_warnings.range()];
        assert!(set_w.iter().any(|w| w.message.starts_with("line 2:")), "{set_w:?}");
        let mut b = SetBuilder::new();
        let e = read(&mut b, "{oops\n{oops\n").unwrap_err();
        assert!(matches!(e, ReadError::Json { line: 1, .. }), "{e:?}");
        assert!(b.warnings.is_empty());
    }

    #[test]
    fn negative_duration_flagged() {
        let set = load(r#"{"traceID":"1","spanID":"1","startTime":5,"duration":-3}"#);
        assert!(set.spans[0].has(span_flags::NEGATIVE_DURATION));
        assert!(set.warnings.iter().any(|w| w.kind == WarningKind::NegativeDuration));
        assert!(!set.warnings.iter().any(|w| w.kind == WarningKind::MissingDuration));
    }
}
