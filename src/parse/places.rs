//! Where each span came from in its input text. While a reader walks a span's JSON
//! object, the text of the object's first key (borrowed from the input) in; per raw span,
//! the byte offset of its object's `{` out ([`SpanPlaces`]); and, given the input's bytes,
//! the exact text of that object ([`object_text`]).
//!
//! ```text
//! reader: FirstKey::next_key ─▶ note(raw span, key text) ─▶ settle (walk back to `{`)
//! later:  SpanPlaces::place(set, span) ─▶ (input, start) ─▶ object_text(bytes, start)
//! ```
//!
//! A load pays one `u32` per span; the object's end is found when it is asked for, by
//! matching braces outside strings (the text parsed as JSON, so they match). An object
//! whose first key is written with escapes, or that has no key, has no known place.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{BorrowedStrDeserializer, StrDeserializer};
use serde::de::{DeserializeSeed, Deserializer, Error, MapAccess, Visitor};
use serde::Deserialize;

use crate::model::builder::SetBuilder;
use crate::model::TraceSet;

/// The offset of a span whose place is not known.
pub const NO_PLACE: u32 = u32::MAX;

/// Reads the keys of one object, keeping the text of the first one when serde borrowed it
/// from the input (that is, when it has no escapes).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct FirstKey<'de> {
    read: bool,
    text: Option<&'de str>,
}

impl<'de> FirstKey<'de> {
    /// The object's next key, as `K`.
    pub(crate) fn next_key<K: Deserialize<'de>, A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<Option<K>, A::Error> {
        if self.read {
            return map.next_key();
        }
        self.read = true;
        Ok(map.next_key_seed(KeySeed(PhantomData))?.map(|(key, text)| {
            self.text = text;
            key
        }))
    }
    /// The first key's text, borrowed from the input.
    pub(crate) fn text(&self) -> Option<&'de str> {
        self.text
    }
}

/// A key read as `K`, with its text when it is borrowed.
struct KeySeed<K>(PhantomData<K>);

impl<'de, K: Deserialize<'de>> DeserializeSeed<'de> for KeySeed<K> {
    type Value = (K, Option<&'de str>);
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, K: Deserialize<'de>> Visitor<'de> for KeySeed<K> {
    type Value = (K, Option<&'de str>);
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_borrowed_str<E: Error>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok((K::deserialize(BorrowedStrDeserializer::<E>::new(s))?, Some(s)))
    }
    fn visit_str<E: Error>(self, s: &str) -> Result<Self::Value, E> {
        Ok((K::deserialize(StrDeserializer::<E>::new(s))?, None))
    }
}

/// The first key of an object's text (`{ "key": …`), borrowed from it.
pub(crate) fn first_key_of(object: &str) -> Option<&str> {
    object.strip_prefix('{')?.trim_start().strip_prefix('"')
}

/// Notes that raw span `raw` was read from the object whose first key is `key` (text
/// borrowed from the input being read). Text from elsewhere is ignored.
pub(crate) fn note(b: &mut SetBuilder, raw: u32, key: Option<&str>) {
    let Some(key) = key else { return };
    let (base, len) = b.reading;
    let Some(offset) = (key.as_ptr() as usize).checked_sub(base).filter(|&o| o < len) else { return };
    let Ok(offset) = u32::try_from(offset) else { return };
    let i = raw as usize;
    if b.span_at.len() <= i {
        b.span_at.resize(i + 1, NO_PLACE);
    }
    if let Some(slot) = b.span_at.get_mut(i) {
        *slot = offset;
    }
}

/// After an input was read: gives every raw span from `first` on a slot, and turns the
/// first-key offsets the readers noted into the offsets of their objects' `{`.
pub(crate) fn settle(b: &mut SetBuilder, bytes: &[u8], first: usize) {
    b.span_at.resize(b.spans.len(), NO_PLACE);
    for at in b.span_at.iter_mut().skip(first) {
        if *at != NO_PLACE {
            *at = object_start(bytes, *at as usize).and_then(|s| u32::try_from(s).ok()).unwrap_or(NO_PLACE);
        }
    }
}

/// The `{` before the first key whose text starts at `key`: `{`, blanks, `"`, key.
fn object_start(bytes: &[u8], key: usize) -> Option<usize> {
    let quote = key.checked_sub(1)?;
    if bytes.get(quote) != Some(&b'"') {
        return None;
    }
    let before = bytes.get(..quote)?;
    let brace = before.iter().rposition(|c| !matches!(c, b' ' | b'\t' | b'\n' | b'\r'))?;
    (before.get(brace) == Some(&b'{')).then_some(brace)
}

/// The JSON object that starts at `start` in `bytes`, up to its matching `}`.
pub fn object_text(bytes: &[u8], start: u32) -> Option<&str> {
    let start = start as usize;
    let rest = bytes.get(start..)?;
    if rest.first() != Some(&b'{') {
        return None;
    }
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, &c) in rest.iter().enumerate() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return std::str::from_utf8(rest.get(..=i)?).ok();
                }
            }
            _ => {}
        }
    }
    None
}

/// Where a span's object lies: which input of the load (index into `TraceSet::sources`)
/// and the byte offset of its `{` there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    pub input: usize,
    pub start: u32,
}

/// Per raw span of one load (`Span::input_index`), where its object starts in its input.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpanPlaces {
    at: Vec<u32>,
}

impl SpanPlaces {
    /// Takes the places the readers noted from the builder (before `finish`).
    pub fn take(b: &mut SetBuilder) -> SpanPlaces {
        let mut at = std::mem::take(&mut b.span_at);
        at.resize(b.spans.len(), NO_PLACE);
        SpanPlaces { at }
    }
    /// The place of span `span` (index into `set.spans`), if it is known.
    pub fn place(&self, set: &TraceSet, span: u32) -> Option<Place> {
        let raw = set.spans.get(span as usize)?.input_index;
        let start = *self.at.get(raw as usize)?;
        if start == NO_PLACE {
            return None;
        }
        // The raw spans of each input follow those of the inputs before it.
        let mut first = 0u64;
        for (input, source) in set.sources.iter().enumerate() {
            let end = first + u64::from(source.spans);
            if u64::from(raw) < end {
                return Some(Place { input, start });
            }
            first = end;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_end_at_their_matching_brace_outside_strings() {
        let text = br#"[{"a":"}{\"]","b":[{"c":1}]} , {}]"#;
        assert_eq!(object_text(text, 1), Some(r#"{"a":"}{\"]","b":[{"c":1}]}"#));
        assert_eq!(object_text(text, 0), None);
        assert_eq!(object_text(b"{\"a\":", 0), None);
        assert_eq!(object_start(b"[ {\n  \"k\":1}", 7), Some(2));
        assert_eq!(object_start(b"[\"k\"]", 2), None);
        assert_eq!(first_key_of("{ \"ab\": 1}"), Some("ab\": 1}"));
    }
}
