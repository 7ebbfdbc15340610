//! Repeated attribute reads for a fixed list of keys: a [`TraceSet`], the keys and a
//! span in, the span's (or its resource's) value for a key out, and whether the span has
//! any key under a prefix (`db.`). Each string id is classified once, so per-span reads
//! compare integers, not text.

use std::borrow::Cow;

use crate::model::{AttrValue, Span, StrId, TraceSet};

/// Fast repeated attribute lookups for a fixed list of keys. The string table is
/// frozen after loading, so key ids are classified lazily by text, once per id.
pub struct AttrLookup<'a> {
    set: &'a TraceSet,
    keys: &'a [&'a str],
    /// Per string id: 0 = not yet seen, 1 = not wanted, 2 + k = `keys[k]`.
    class: Vec<u8>,
    prefixes: &'a [&'a str],
    /// Per string id (empty without prefixes): 0 = not yet seen, else 1 + bit `p` set
    /// when the key starts with `prefixes[p]`.
    prefix_class: Vec<u8>,
}

impl<'a> AttrLookup<'a> {
    /// `keys` may hold at most 250 entries.
    pub fn new(set: &'a TraceSet, keys: &'a [&'a str]) -> AttrLookup<'a> {
        AttrLookup::with_prefixes(set, keys, &[])
    }
    /// Also answers [`AttrLookup::has_prefix`] for `prefixes` (at most 7).
    pub fn with_prefixes(set: &'a TraceSet, keys: &'a [&'a str], prefixes: &'a [&'a str]) -> AttrLookup<'a> {
        let prefixes = &prefixes[..prefixes.len().min(7)];
        let prefix_class = if prefixes.is_empty() { Vec::new() } else { vec![0; set.strings.len()] };
        AttrLookup { set, keys: &keys[..keys.len().min(250)], class: vec![0; set.strings.len()], prefixes, prefix_class }
    }
    fn class_of(&mut self, key: StrId) -> u8 {
        let i = key.0 as usize;
        if i >= self.class.len() {
            return 1;
        }
        if self.class[i] == 0 {
            let text = self.set.str(key);
            self.class[i] = self.keys.iter().position(|k| *k == text).map(|k| k as u8 + 2).unwrap_or(1);
        }
        self.class[i]
    }
    fn prefix_class_of(&mut self, key: StrId) -> u8 {
        let i = key.0 as usize;
        if i >= self.prefix_class.len() {
            return 1;
        }
        if self.prefix_class[i] == 0 {
            let text = self.set.str(key);
            let bits = self.prefixes.iter().enumerate().filter(|(_, p)| text.starts_with(*p)).fold(0u8, |b, (k, _)| b | 1 << k);
            self.prefix_class[i] = bits << 1 | 1;
        }
        self.prefix_class[i]
    }
    /// Whether the span itself (not its resource) has a key starting with `prefixes[p]`.
    pub fn has_prefix(&mut self, span: &Span, p: usize) -> bool {
        if p >= self.prefixes.len() {
            return false;
        }
        let bit = 1u8 << (p + 1);
        let set = self.set;
        set.attrs.get(span.attrs.range()).unwrap_or(&[]).iter().any(|a| self.prefix_class_of(a.key) & bit != 0)
    }
    /// The value of `keys[k]` on the span, else on its resource.
    pub fn get(&mut self, span: &Span, k: usize) -> Option<AttrValue> {
        let want = k as u8 + 2;
        let set = self.set;
        for a in set.attrs.get(span.attrs.range()).unwrap_or(&[]) {
            if self.class_of(a.key) == want {
                return Some(a.value);
            }
        }
        let res = set.resources.get(span.resource as usize)?;
        for a in set.attrs.get(res.attrs.range()).unwrap_or(&[]) {
            if self.class_of(a.key) == want {
                return Some(a.value);
            }
        }
        None
    }
    /// Whether `keys[k]` is set.
    pub fn has(&mut self, span: &Span, k: usize) -> bool {
        self.get(span, k).is_some()
    }
    /// `keys[k]` as trimmed, non-empty text: borrowed from the string table for text
    /// values (no allocation per span), formatted for numbers and the like.
    pub fn text(&mut self, span: &Span, k: usize) -> Option<Cow<'a, str>> {
        let v = self.get(span, k)?;
        let t = match v {
            AttrValue::Str(s) | AttrValue::Bytes(s) => Cow::Borrowed(self.set.str(s).trim()),
            other => Cow::Owned(self.set.value_text(other).trim().to_string()),
        };
        (!t.is_empty()).then_some(t)
    }
}
