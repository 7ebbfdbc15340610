//! The document walker shared by the readers: a whole text in, one JSON document, JSON
//! Lines of them, or a JSON sequence of them (concatenated values, pretty-printed or not)
//! handed to a [`DocReader`], with the builder rolled back past a document that fails; a
//! failed line of JSON Lines becomes a set-level warning, a broken value of a sequence an
//! error that names its line and column. Also
//! [`NodeSeed`], which walks arrays of any depth and hands each object to the reader.
//!
//! ```text
//! text ─▶ json_lines? / json_sequence? ─▶ read_doc per document ─ error ─▶ Mark::restore, rolled_back
//!                              └─ run_seed(NodeSeed) ─▶ arrays walked ─▶ Nodes::object
//! ```

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::scalars::{visit_nulls, visit_scalars};
use super::ReadError;
use crate::model::builder::SetBuilder;
use crate::model::{WarningKind, NO_SPAN};

/// 1-based line and column of a byte offset.
pub(crate) fn line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let upto = bytes.get(..offset).unwrap_or(bytes);
    let line = upto.iter().filter(|&&c| c == b'\n').count() + 1;
    let col = upto.iter().rev().take_while(|&&c| c != b'\n').count() + 1;
    (line, col)
}

/// Where the first `\n` of `bytes` is. Tests 64-byte blocks eight bytes at a time with
/// the "has a zero byte" word trick (branch-free; native builds turn it into vector
/// compares, and wasm builds without SIMD still do 8 bytes per integer operation), then
/// finds the exact byte: a one-line JSON document of 1 GB is scanned many times faster
/// than byte by byte.
fn find_newline(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGHS: u64 = ONES << 7;
    const NEWLINES: u64 = ONES * b'\n' as u64;
    let (blocks, rest) = bytes.as_chunks::<64>();
    for (k, block) in blocks.iter().enumerate() {
        let (words, _) = block.as_chunks::<8>();
        let hit = words.iter().fold(0u64, |any, w| {
            let x = u64::from_le_bytes(*w) ^ NEWLINES;
            any | (x.wrapping_sub(ONES) & !x & HIGHS)
        });
        if hit != 0 {
            return block.iter().position(|&c| c == b'\n').map(|i| k * 64 + i);
        }
    }
    rest.iter().position(|&c| c == b'\n').map(|i| blocks.len() * 64 + i)
}

/// Splits text into JSON Lines when it holds more than one top-level JSON value,
/// one per line. Returns `(1-based line number, line text)` for non-blank lines,
/// or `None` when the text is a single JSON document.
pub(crate) fn json_lines(text: &str) -> Option<Vec<(usize, &str)>> {
    // Cheap checks on the first non-blank line come first, so that a file holding
    // one document costs a single newline scan, not a split of every line.
    let mut pos = 0;
    let (first, first_end) = loop {
        let end = find_newline(text.as_bytes().get(pos..).unwrap_or_default()).map(|i| pos + i);
        let line = text.get(pos..end.unwrap_or(text.len()))?.trim();
        if !line.is_empty() {
            break (line, end?);
        }
        pos = end? + 1;
    };
    // JSON Lines: every line starts a value and is complete on its own. A pretty-printed
    // document has lines such as `"key": 1,` or `}` that are not whole values.
    let first_ok = first.starts_with('{') || first.starts_with('[');
    let ends_ok = first.ends_with('}') || first.ends_with(']');
    if !first_ok || !ends_ok {
        return None;
    }
    // A second non-blank line must follow.
    if text.get(first_end + 1..)?.trim().is_empty() {
        return None;
    }
    if serde_json::from_str::<IgnoredAny>(first).is_err() {
        return None;
    }
    let mut lines: Vec<(usize, &str)> = Vec::new();
    for (i, l) in text.lines().enumerate() {
        let t = l.trim();
        if !t.is_empty() {
            lines.push((i + 1, t));
        }
    }
    Some(lines)
}

/// Splits a JSON sequence (values one after another with no enclosing array, as the
/// OpenTelemetry console exporters write pretty-printed objects) into its documents:
/// `(lines before the document, document text)`. `None` when the text holds fewer than
/// two values; an error names where the broken value is.
pub(crate) fn json_sequence(text: &str) -> Option<Result<Vec<(usize, &str)>, ReadError>> {
    let mut docs: Vec<(usize, &str)> = Vec::new();
    let mut values = serde_json::Deserializer::from_str(text).into_iter::<IgnoredAny>();
    // Newlines are counted once, from the previous document's start.
    let (mut end, mut counted_to, mut lines) = (0usize, 0usize, 0usize);
    loop {
        match values.next() {
            None => break,
            Some(Ok(_)) => {
                let next_end = values.byte_offset();
                let raw = text.get(end..next_end).unwrap_or_default();
                let begin = end + (raw.len() - raw.trim_start().len());
                let skipped = text.as_bytes().get(counted_to..begin).unwrap_or_default();
                lines += skipped.iter().filter(|&&c| c == b'\n').count();
                counted_to = begin;
                docs.push((lines, text.get(begin..next_end).unwrap_or_default()));
                end = next_end;
            }
            Some(Err(e)) => return Some(Err(ReadError::from_json(&e, 0))),
        }
    }
    (docs.len() > 1).then_some(Ok(docs))
}

/// Lengths of the builder's arenas, to undo a failed document.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Mark {
    spans: usize,
    attrs: usize,
    values: usize,
    events: usize,
    links: usize,
    resources: usize,
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
        b.span_at.truncate(self.spans);
        b.attrs.truncate(self.attrs);
        b.values.truncate(self.values);
        b.events.truncate(self.events);
        b.links.truncate(self.links);
        b.resources.truncate(self.resources);
        b.warnings.truncate(self.warnings);
    }
    /// How many raw spans the builder had.
    pub(crate) fn spans(&self) -> usize {
        self.spans
    }
    /// Whether a resource index was made before this mark.
    pub(crate) fn keeps_resource(&self, resource: u32) -> bool {
        usize::try_from(resource).is_ok_and(|r| r < self.resources)
    }
}

/// A reader of one JSON document (the whole text, or one JSON line).
pub(crate) trait DocReader<'a> {
    fn read_doc(&mut self, b: &mut SetBuilder, text: &'a str) -> Result<(), serde_json::Error>;
    /// The builder was rolled back to `mark`: forget cached resources past it.
    fn rolled_back(&mut self, _mark: &Mark) {}
    /// Called once after every document was read.
    fn finish(&mut self, _b: &mut SetBuilder, _first_span: usize) {}
    /// The set-level warning for a line of JSON Lines that is not valid JSON.
    fn skipped_line(&self, line: usize, column: usize, reason: &str) -> String {
        format!("line {line}: not valid JSON at column {column}: {reason}; the line was skipped")
    }
}

/// Reads a whole text (one document or JSON Lines) with `reader`. Invalid JSON in a
/// single document is an error; in JSON Lines a bad line is skipped with a set-level
/// warning unless no line could be read. A text with no spans leaves the builder as
/// it was and returns `Ok` (the caller reports "no spans").
pub(crate) fn read_docs<'a, R: DocReader<'a>>(b: &mut SetBuilder, text: &'a str, reader: &mut R) -> Result<(), ReadError> {
    let start = Mark::take(b);
    let undo = |b: &mut SetBuilder, reader: &mut R, mark: &Mark| {
        mark.restore(b);
        reader.rolled_back(mark);
    };
    match json_lines(text) {
        None => {
            if let Err(e) = reader.read_doc(b, text) {
                undo(b, reader, &start);
                // One value followed by more: read it as a JSON sequence, all or nothing.
                let docs = match json_sequence(text) {
                    Some(Ok(docs)) if super::json_reason(&e) == "trailing characters" => docs,
                    Some(Err(seq)) if super::json_reason(&e) == "trailing characters" => return Err(seq),
                    _ => return Err(ReadError::from_json(&e, 0)),
                };
                for (lines_before, doc) in docs {
                    if let Err(e) = reader.read_doc(b, doc) {
                        undo(b, reader, &start);
                        return Err(ReadError::from_json(&e, lines_before));
                    }
                }
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
                        undo(b, reader, &m);
                        let err = ReadError::from_json(&e, line_no.saturating_sub(1));
                        let ReadError::Json { line, column, reason } = &err;
                        skipped.push(reader.skipped_line(*line, *column, reason));
                        first_err.get_or_insert(err);
                    }
                }
            }
            if read_ok == 0
                && let Some(e) = first_err
            {
                undo(b, reader, &start);
                return Err(e);
            }
            for msg in skipped {
                b.warn(WarningKind::Input, NO_SPAN, msg);
            }
        }
    }
    reader.finish(b, start.spans);
    if b.spans.len() == start.spans {
        // Nothing loaded: leave no stray warnings or resources behind.
        undo(b, reader, &start);
    }
    Ok(())
}

/// Runs one seed over a complete JSON document.
pub(crate) fn run_seed<'a, S: DeserializeSeed<'a, Value = ()>>(text: &'a str, seed: S) -> Result<(), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    seed.deserialize(&mut de)?;
    de.end()
}

/// What a reader does with the values [`NodeSeed`] meets.
pub(crate) trait Nodes<'de> {
    /// What the walker reads, for serde's "expected …" messages.
    const EXPECTING: &'static str;
    /// A bool, number or string where an array or object belongs.
    fn stray_scalar(&mut self);
    /// One object (a trace, span or envelope, as the reader sees it).
    fn object<A: MapAccess<'de>>(&mut self, map: A) -> Result<(), A::Error>;
}

/// Walks any JSON value: arrays element by element, objects to [`Nodes::object`],
/// `null` skipped, other scalars counted. Recursion follows the JSON nesting (serde_json
/// caps it at 128), never the depth of a span tree.
pub(crate) struct NodeSeed<'c, N>(pub(crate) &'c mut N);

impl<'de, N: Nodes<'de>> DeserializeSeed<'de> for NodeSeed<'_, N> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, N: Nodes<'de>> Visitor<'de> for NodeSeed<'_, N> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(N::EXPECTING)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        while a.next_element_seed(NodeSeed(&mut *self.0))?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        self.0.object(map)
    }
    visit_nulls!(|_| ());
    visit_scalars!(|s| s.0.stray_scalar());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonl_split() {
        assert!(json_lines("{\"a\":1}\n{\"a\":2}\n").is_some());
        assert!(json_lines("{\n \"a\": 1\n}\n").is_none());
        assert!(json_lines("{\"a\":1}").is_none());
        assert!(json_lines("\n\n  {\"a\":1}  \n\n").is_none());
        assert_eq!(json_lines("\n{\"a\":1}\r\n\n[2]\n").map(|l| l.len()), Some(2));
        assert!(find_newline(&[b'x'; 200]).is_none());
        let mut long = vec![b'x'; 200];
        if let Some(c) = long.get_mut(130) {
            *c = b'\n';
        }
        assert_eq!(find_newline(&long), Some(130));
    }

    #[test]
    fn find_newline_finds_the_first_at_every_offset_and_nothing_else() {
        // Every byte value but `\n`, in words and blocks and the rest: no newline.
        let others: Vec<u8> = (0..=255u8).filter(|&c| c != b'\n').cycle().take(700).collect();
        assert_eq!(find_newline(&others), None);
        for at in 0..others.len() {
            let mut b = others.clone();
            if let Some(c) = b.get_mut(at) {
                *c = b'\n';
            }
            if let Some(c) = b.get_mut(at + 9) {
                *c = b'\n';
            }
            assert_eq!(find_newline(&b), Some(at), "newline at {at}");
        }
    }

    #[test]
    fn line_and_column() {
        assert_eq!(line_col(b"ab\ncd", 4), (2, 2));
        assert_eq!(line_col(b"ab", 99), (1, 3));
    }
}
