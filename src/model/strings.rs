//! Interned strings: text in, small `StrId` handles out.
//!
//! All text of a [`super::TraceSet`] lives in one buffer; a `StrId` is an index into
//! its offset table. Interning happens while building; afterwards the table is read-only.
//!
//! The interning index keeps no copy of the text: it maps a 64-bit hash of a string
//! to the id of the first string with that hash, and the text is compared in the
//! buffer. The rare string whose hash is already taken by different text goes to a
//! small side map keyed by the text itself.

use std::hash::BuildHasher;

use rustc_hash::{FxBuildHasher, FxHashMap as HashMap};

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
    lookup: Index,
}

/// The interning index (empty once frozen).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Index {
    /// Hash of the text → the first interned string with that hash.
    by_hash: HashMap<u64, u32>,
    /// Interned strings whose hash was already taken by other text.
    collided: HashMap<Box<str>, u32>,
}

impl Default for Strings {
    fn default() -> Self {
        Strings { data: String::new(), ends: vec![0], lookup: Index::default() }
    }
}

fn text_hash(s: &str) -> u64 {
    FxBuildHasher.hash_one(s)
}

impl Strings {
    /// Interns `s`, returning its handle (the same handle for equal text).
    pub fn intern(&mut self, s: &str) -> StrId {
        if s.is_empty() {
            return StrId::EMPTY;
        }
        let h = text_hash(s);
        match self.lookup.by_hash.get(&h) {
            Some(&i) if self.get(StrId(i)) == s => StrId(i),
            Some(_) => {
                if let Some(&i) = self.lookup.collided.get(s) {
                    return StrId(i);
                }
                let id = self.push_unique(s);
                self.lookup.collided.insert(s.into(), id.0);
                id
            }
            None => {
                let id = self.push_unique(s);
                self.lookup.by_hash.insert(h, id.0);
                id
            }
        }
    }
    /// Appends `s` without deduplication (for long one-off values such as prompts).
    pub fn push_unique(&mut self, s: &str) -> StrId {
        if s.is_empty() {
            return StrId::EMPTY;
        }
        self.data.push_str(s);
        // Past 4 GiB of text the offsets saturate; the builder's arena check refuses that.
        self.ends.push(super::arena::index_u32(self.data.len()));
        StrId(super::arena::index_u32(self.ends.len() - 1))
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
        match self.lookup.by_hash.get(&text_hash(s)) {
            Some(&i) if self.get(StrId(i)) == s => Some(StrId(i)),
            Some(_) => self.lookup.collided.get(s).map(|&i| StrId(i)),
            None => None,
        }
    }
    /// Drops the interning index and spare capacity (after building, to save memory).
    pub fn freeze(&mut self) {
        self.lookup = Index::default();
        self.data.shrink_to_fit();
        self.ends.shrink_to_fit();
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
        Some(Strings { data, ends, lookup: Index::default() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_dedupes_and_finds() {
        let mut st = Strings::default();
        let a = st.intern("alpha");
        let b = st.intern("beta");
        assert_ne!(a, b);
        assert_eq!(st.intern("alpha"), a);
        assert_eq!(st.find("beta"), Some(b));
        assert_eq!(st.find("gamma"), None);
        assert_eq!(st.intern(""), StrId::EMPTY);
        let long = st.push_unique("alpha");
        assert_ne!(long, a, "push_unique never dedupes");
        assert_eq!(st.get(long), "alpha");
        st.freeze();
        assert_eq!(st.get(a), "alpha");
        assert_eq!(st.get(b), "beta");
    }

    #[test]
    fn hash_collisions_still_give_one_id_per_text() {
        let mut st = Strings::default();
        let a = st.intern("alpha");
        // Pretend "beta" hashes like "alpha": its slot is taken by other text.
        st.lookup.by_hash.insert(text_hash("beta"), a.0);
        let b = st.intern("beta");
        assert_ne!(a, b);
        assert_eq!(st.get(b), "beta");
        assert_eq!(st.intern("beta"), b);
        assert_eq!(st.find("beta"), Some(b));
        assert_eq!(st.intern("alpha"), a);
    }
}
