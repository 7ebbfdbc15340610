//! Interned strings: text in, small `StrId` handles out.
//!
//! All text of a [`super::TraceSet`] lives in one buffer; a `StrId` is an index into
//! its offset table. Interning happens while building; afterwards the table is read-only.

use rustc_hash::FxHashMap as HashMap;

/// A handle to an interned string. `StrId::EMPTY` is `""`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StrId(pub u32);

impl StrId {
    pub const EMPTY: StrId = StrId(0);
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// The string table. `ends[i]` is the end offset of string `i` in `data`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Strings {
    data: String,
    ends: Vec<u32>,
    lookup: HashMap<Box<str>, u32>,
}

impl Default for Strings {
    fn default() -> Self {
        Strings { data: String::new(), ends: vec![0], lookup: HashMap::default() }
    }
}

impl Strings {
    /// Interns `s`, returning its handle (the same handle for equal text).
    pub fn intern(&mut self, s: &str) -> StrId {
        if s.is_empty() {
            return StrId::EMPTY;
        }
        if let Some(&i) = self.lookup.get(s) {
            return StrId(i);
        }
        let id = self.push_unique(s);
        self.lookup.insert(s.into(), id.0);
        id
    }
    /// Appends `s` without deduplication (for long one-off values such as prompts).
    pub fn push_unique(&mut self, s: &str) -> StrId {
        if s.is_empty() {
            return StrId::EMPTY;
        }
        self.data.push_str(s);
        self.ends.push(self.data.len() as u32);
        StrId(self.ends.len() as u32 - 1)
    }
    pub fn get(&self, id: StrId) -> &str {
        let i = id.0 as usize;
        if i == 0 || i >= self.ends.len() {
            return "";
        }
        let start = self.ends[i - 1] as usize;
        let end = self.ends[i] as usize;
        self.data.get(start..end).unwrap_or("")
    }
    /// Number of strings, including the empty string at 0.
    pub fn len(&self) -> usize {
        self.ends.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ends.len() <= 1
    }
    /// Finds an already interned string without adding it.
    pub fn find(&self, s: &str) -> Option<StrId> {
        if s.is_empty() {
            return Some(StrId::EMPTY);
        }
        self.lookup.get(s).map(|&i| StrId(i))
    }
    /// Drops the interning index (after building, to save memory).
    pub fn freeze(&mut self) {
        self.lookup = HashMap::default();
    }
    /// Raw parts, for the snapshot codec.
    pub fn raw_parts(&self) -> (&str, &[u32]) {
        (&self.data, &self.ends)
    }
    /// Rebuilds a frozen table from raw parts. Returns `None` when they are inconsistent.
    pub fn from_raw_parts(data: String, ends: Vec<u32>) -> Option<Strings> {
        if ends.first() != Some(&0) {
            return None;
        }
        let mut prev = 0u32;
        for &e in &ends {
            if e < prev || e as usize > data.len() || !data.is_char_boundary(e as usize) {
                return None;
            }
            prev = e;
        }
        Some(Strings { data, ends, lookup: HashMap::default() })
    }
}
