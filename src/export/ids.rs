//! Export ids: a [`TraceSet`]'s trace and span ids in, OTLP-valid hex ids out (non-zero,
//! 32 and 16 digits, unique per trace), with every id that had to change listed.
//!
//! Valid hex ids are kept. An id that is not (raw text, zero, or a span id seen before in
//! its trace) gets a new one from the FNV-1a hash of its text (and its occurrence, for a
//! duplicate), stepping past ids already taken. The walk is in set order, so the same set
//! always gets the same ids.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::model::{SpanId, TraceId, TraceSet, NO_SPAN};

/// Whether a re-encoded id was a trace's or a span's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IdKind {
    Trace,
    Span,
}

/// One id the export had to change.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct IdChange {
    pub kind: IdKind,
    /// The (exported) trace id the span belongs to; the new id itself for a trace.
    pub trace: String,
    /// The id as Clew prints it (raw text, or hex for a zero or duplicate id).
    pub from: String,
    /// Which span of the trace with that id (0 for the first in set order, 1 for the
    /// second…); a change with 0 also applies to references to the id (parents, links).
    pub nth: u32,
    /// The exported hex id.
    pub to: String,
    /// Why: `not hex`, `zero` or `duplicate`.
    pub reason: &'static str,
}

impl IdChange {
    /// One line for a person: `span id "x" in trace <id> (not hex) → <new>`.
    pub fn line(&self) -> String {
        let nth = if self.nth > 0 { format!(" (occurrence {})", self.nth + 1) } else { String::new() };
        match self.kind {
            IdKind::Trace => format!("trace id {:?} ({}) → {}", self.from, self.reason, self.to),
            IdKind::Span => format!("span id {:?}{nth} in trace {} ({}) → {}", self.from, self.trace, self.reason, self.to),
        }
    }
}

/// The exported ids of a set's spans and traces.
pub struct IdMap {
    /// Per trace of the set, its exported id (only the exported traces are filled).
    pub trace: Vec<u128>,
    /// Per span of the set, its exported id (0 for spans of traces not exported).
    pub span: Vec<u64>,
    /// Raw trace ids (text) → exported id, for links into traces that are not exported.
    raw_trace: FxHashMap<String, u128>,
    /// (exported trace id, raw span id text) → exported span id, for parents and links.
    raw_span: FxHashMap<(u128, String), u64>,
    taken_traces: FxHashSet<u128>,
    pub changes: Vec<IdChange>,
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_OFFSET_2: u64 = 0x6c62_272e_07bb_0142;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv1a(text: &str, offset: u64) -> u64 {
    text.bytes().fold(offset, |h, b| (h ^ b as u64).wrapping_mul(FNV_PRIME))
}

fn hash_span(text: &str) -> u64 {
    fnv1a(text, FNV_OFFSET)
}

fn hash_trace(text: &str) -> u128 {
    ((fnv1a(text, FNV_OFFSET) as u128) << 64) | fnv1a(text, FNV_OFFSET_2) as u128
}

/// The first id from `start` on that is non-zero and not in `taken`.
fn free_u64(start: u64, taken: &FxHashSet<u64>) -> u64 {
    let mut v = start;
    while v == 0 || taken.contains(&v) {
        v = v.wrapping_add(1);
    }
    v
}

fn free_u128(start: u128, taken: &FxHashSet<u128>) -> u128 {
    let mut v = start;
    while v == 0 || taken.contains(&v) {
        v = v.wrapping_add(1);
    }
    v
}

impl IdMap {
    /// Assigns ids to the spans of `traces` (indices into `set.traces`, in export order).
    pub fn new(set: &TraceSet, traces: &[usize]) -> IdMap {
        let mut m = IdMap {
            trace: vec![0; set.traces.len()],
            span: vec![0; set.spans.len()],
            raw_trace: FxHashMap::default(),
            raw_span: FxHashMap::default(),
            taken_traces: set.traces.iter().filter_map(|t| if let TraceId::Hex(v) = t.trace_id { Some(v) } else { None }).collect(),
            changes: Vec::new(),
        };
        for &ti in traces {
            let Some(t) = set.traces.get(ti) else { continue };
            let tid = m.trace_id(set, t.trace_id);
            m.trace[ti] = tid;
            let tid_text = format!("{tid:032x}");
            let mut taken: FxHashSet<u64> = FxHashSet::default();
            // Spans seen so far per id text: the occurrence number of the next one.
            let mut seen: FxHashMap<String, u32> = FxHashMap::default();
            for s in &set.spans[t.spans.range()] {
                if let SpanId::Hex(v) = s.span_id {
                    taken.insert(v);
                }
            }
            let mut kept: FxHashSet<u64> = FxHashSet::default();
            for i in t.spans.range() {
                let s = &set.spans[i];
                let text = s.span_id.to_text(&set.strings);
                let nth = {
                    let n = seen.entry(text.clone()).or_insert(0);
                    *n += 1;
                    *n - 1
                };
                let (start, reason) = match s.span_id {
                    SpanId::Hex(v) if v != 0 && kept.insert(v) => {
                        m.span[i] = v;
                        continue;
                    }
                    SpanId::Hex(0) => (hash_span(&format!("{text}#{nth}")), "zero"),
                    SpanId::Hex(_) => (hash_span(&format!("{text}#{nth}")), "duplicate"),
                    SpanId::Raw(_) if nth == 0 => (hash_span(&text), "not hex"),
                    SpanId::Raw(_) => (hash_span(&format!("{text}#{nth}")), "duplicate"),
                };
                let new = free_u64(start, &taken);
                taken.insert(new);
                if nth == 0 {
                    m.raw_span.insert((tid, text.clone()), new);
                }
                m.note(IdKind::Span, &tid_text, text, nth, new, reason);
                m.span[i] = new;
            }
            // Parents that are not in the trace keep a stable id too.
            for i in t.spans.range() {
                let s = &set.spans[i];
                if s.parent == NO_SPAN
                    && let Some(SpanId::Raw(r)) = s.parent_id
                {
                    let text = set.str(r).to_string();
                    if let std::collections::hash_map::Entry::Vacant(e) = m.raw_span.entry((tid, text.clone())) {
                        let new = free_u64(hash_span(&text), &taken);
                        taken.insert(new);
                        e.insert(new);
                        m.note(IdKind::Span, &tid_text, text, 0, new, "not hex");
                    }
                }
            }
        }
        m.changes.sort();
        m
    }

    fn note(&mut self, kind: IdKind, trace: &str, from: String, nth: u32, to: u64, reason: &'static str) {
        self.changes.push(IdChange { kind, trace: trace.to_string(), from, nth, to: format!("{to:016x}"), reason });
    }

    /// The exported id of a trace id (assigning one to a raw or zero id on first sight).
    pub fn trace_id(&mut self, set: &TraceSet, id: TraceId) -> u128 {
        let (text, reason) = match id {
            TraceId::Hex(v) if v != 0 => return v,
            TraceId::Hex(_) => (format!("{:032x}", 0), "zero"),
            TraceId::Raw(r) => (set.str(r).to_string(), "not hex"),
        };
        if let Some(&v) = self.raw_trace.get(&text) {
            return v;
        }
        let new = free_u128(hash_trace(&text), &self.taken_traces);
        self.taken_traces.insert(new);
        self.raw_trace.insert(text.clone(), new);
        let to = format!("{new:032x}");
        self.changes.push(IdChange { kind: IdKind::Trace, trace: to.clone(), from: text, nth: 0, to, reason });
        new
    }

    /// The exported id of a span id named in trace `tid` (a parent not in the trace, or a
    /// link's target): hex as it is, raw text through the trace's map or its hash.
    pub fn span_ref(&self, tid: u128, id: SpanId, set: &TraceSet) -> u64 {
        match id {
            SpanId::Hex(v) => v,
            SpanId::Raw(r) => {
                let text = set.str(r);
                self.raw_span.get(&(tid, text.to_string())).copied().unwrap_or_else(|| hash_span(text).max(1))
            }
        }
    }
}
