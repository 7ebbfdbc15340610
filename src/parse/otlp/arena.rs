//! OTLP JSON lists in, ranges of the builder's arenas out: a span's `attributes`,
//! `events` and `links` streamed element by element by one generic seed, typed
//! values (arrays and kv-lists laid out without recursion), and the already-read
//! attributes of resources, scopes, events and links.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;

use crate::parse::ids::{span_id, trace_id};
use crate::parse::lax::LooseVec;
use crate::parse::scalars::{Num, Text};
use crate::model::builder::SetBuilder;
use crate::model::ids::IdEncoding;
use crate::model::{Attr, AttrValue, Event, Link, LinkKind, Range32, StrId};

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct KeyValue<'a> {
    #[serde(borrow)]
    pub(super) key: Cow<'a, str>,
    #[serde(borrow)]
    pub(super) value: Option<AnyValue<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct AnyValue<'a> {
    #[serde(rename = "stringValue", alias = "string_value", borrow)]
    pub(super) string_value: Option<Cow<'a, str>>,
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

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct EventJ<'a> {
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
pub(super) struct LinkJ<'a> {
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

/// A count field (dropped attributes…): clamped into a `u32`, 0 when not a number.
pub(super) fn count(n: Num) -> u32 {
    n.as_u32_saturating().unwrap_or(0)
}

/// Where a converted value goes.
#[derive(Clone, Copy)]
enum Slot {
    Value(usize),
    Attr(usize),
}

/// Converts a value that needs no range of its own (string, bool, int, double, bytes,
/// or nothing). Returns `None` for arrays and kv-lists, which [`lay_out`] places.
/// When a value carries several fields, the first in this order wins.
fn scalar_value(b: &mut SetBuilder, v: &AnyValue<'_>) -> Option<AttrValue> {
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
    } else if v.array_value.is_some() || v.kvlist_value.is_some() {
        return None;
    } else {
        AttrValue::Empty
    };
    Some(value)
}

/// Lays out values whose slots are already reserved. Arrays and kv-lists are placed
/// with a work queue (no recursion): each container reserves its contiguous range
/// first, then its elements are queued.
fn lay_out<'v>(b: &mut SetBuilder, mut queue: Vec<(Slot, &'v AnyValue<'v>)>) {
    while let Some((slot, v)) = queue.pop() {
        let value = match scalar_value(b, v) {
            Some(value) => value,
            None => {
                if let Some(arr) = &v.array_value {
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
                }
            }
        };
        let target = match slot {
            Slot::Value(i) => b.values.get_mut(i),
            Slot::Attr(i) => b.attrs.get_mut(i).map(|a| &mut a.value),
        };
        if let Some(target) = target {
            *target = value;
        }
    }
}

/// Writes already-read attributes into the arena (resources, scopes, events, links).
pub(super) fn push_attrs(b: &mut SetBuilder, kvs: &[KeyValue<'_>]) -> Range32 {
    let start = b.attrs.len();
    for kv in kvs {
        let key = b.strings.intern(&kv.key);
        b.attrs.push(Attr { key, value: AttrValue::Empty });
    }
    let queue = kvs.iter().enumerate().filter_map(|(i, kv)| Some((Slot::Attr(start + i), kv.value.as_ref()?))).collect();
    lay_out(b, queue);
    Range32::new(start, start + kvs.len())
}

/// Where the elements of one list go, for [`ArenaListSeed`].
pub(super) trait ArenaSink<'de> {
    /// One element as read.
    type Item: Deserialize<'de>;
    /// The length of the arena the list's range is in.
    fn arena_len(&self) -> usize;
    /// Stores one element in the arena.
    fn store(&mut self, item: Self::Item);
    /// Called once the list is complete and its range taken.
    fn close(&mut self) {}
}

/// Streams a nullable list into an arena, one element at a time (no per-span vector),
/// and answers the list's range. `null` or a missing list is empty.
pub(super) struct ArenaListSeed<S>(pub(super) S);

impl<'de, S: ArenaSink<'de>> DeserializeSeed<'de> for ArenaListSeed<S> {
    type Value = Range32;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Range32, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, S: ArenaSink<'de>> Visitor<'de> for ArenaListSeed<S> {
    type Value = Range32;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_none<E>(self) -> Result<Range32, E> {
        let n = self.0.arena_len();
        Ok(Range32::new(n, n))
    }
    fn visit_unit<E>(self) -> Result<Range32, E> {
        let n = self.0.arena_len();
        Ok(Range32::new(n, n))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Range32, D::Error> {
        d.deserialize_seq(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Range32, A::Error> {
        let start = self.0.arena_len();
        while let Some(item) = seq.next_element::<S::Item>()? {
            self.0.store(item);
        }
        let range = Range32::new(start, self.0.arena_len());
        self.0.close();
        Ok(range)
    }
}

/// A span's `attributes`. Scalars are stored at once; arrays and kv-lists wait until
/// the list is complete, so that the span's own range stays contiguous, and are then
/// laid out after it.
pub(super) struct Attrs<'b, 'de> {
    pub(super) b: &'b mut SetBuilder,
    pub(super) nested: Vec<(usize, AnyValue<'de>)>,
}

impl<'de> ArenaSink<'de> for Attrs<'_, 'de> {
    type Item = KeyValue<'de>;
    fn arena_len(&self) -> usize {
        self.b.attrs.len()
    }
    fn store(&mut self, kv: KeyValue<'de>) {
        let key = self.b.strings.intern(&kv.key);
        let value = match kv.value {
            None => AttrValue::Empty,
            Some(v) => match scalar_value(self.b, &v) {
                Some(value) => value,
                None => {
                    self.nested.push((self.b.attrs.len(), v));
                    AttrValue::Empty
                }
            },
        };
        self.b.attrs.push(Attr { key, value });
    }
    fn close(&mut self) {
        if !self.nested.is_empty() {
            lay_out(self.b, self.nested.iter().map(|(i, v)| (Slot::Attr(*i), v)).collect());
        }
    }
}

/// A span's `events`: each event is read, then its attributes and the event itself
/// go to the arenas.
pub(super) struct Events<'b> {
    pub(super) b: &'b mut SetBuilder,
}

impl<'de> ArenaSink<'de> for Events<'_> {
    type Item = EventJ<'de>;
    fn arena_len(&self) -> usize {
        self.b.events.len()
    }
    fn store(&mut self, ev: EventJ<'de>) {
        let b = &mut *self.b;
        let attrs = push_attrs(b, &ev.attributes.0);
        let name = b.strings.intern(ev.name.or_empty());
        b.events.push(Event { time_ns: ev.time.as_u64().unwrap_or(0), name, attrs, dropped_attrs: count(ev.dropped) });
    }
}

/// A span's `links`, like [`Events`]; ids that are neither hex nor base64 are
/// described in `bad_ids`.
pub(super) struct Links<'b, 'm> {
    pub(super) b: &'b mut SetBuilder,
    pub(super) bad_ids: &'m mut Vec<String>,
}

impl<'de> ArenaSink<'de> for Links<'_, '_> {
    type Item = LinkJ<'de>;
    fn arena_len(&self) -> usize {
        self.b.links.len()
    }
    fn store(&mut self, l: LinkJ<'de>) {
        let b = &mut *self.b;
        let (tid, tok) = trace_id(l.trace_id.or_empty(), IdEncoding::HexOrBase64, b);
        let (sid, sok) = span_id(l.span_id.or_empty(), IdEncoding::HexOrBase64, b);
        if !tok || !sok {
            self.bad_ids.push(format!("link to {:?}/{:?}", l.trace_id.or_empty(), l.span_id.or_empty()));
        }
        let attrs = push_attrs(b, &l.attributes.0);
        let trace_state: StrId = b.strings.intern(l.trace_state.or_empty());
        b.links.push(Link { trace_id: tid, span_id: sid, kind: LinkKind::Link, trace_state, attrs, dropped_attrs: count(l.dropped) });
    }
}
