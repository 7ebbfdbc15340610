//! Writing a snapshot: a [`TraceSet`] in, the bytes of the format in [`super`] out.

use super::{MAGIC, VERSION};
use crate::model::{AttrValue, Range32, SpanId, TraceId, TraceSet};

struct Writer {
    out: Vec<u8>,
}

impl Writer {
    fn u8(&mut self, v: u8) {
        self.out.push(v);
    }
    fn u16(&mut self, v: u16) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }
    fn u32(&mut self, v: u32) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }
    fn u128(&mut self, v: u128) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }
    /// An arena length. A built or decoded set keeps every arena within the `u32`
    /// limit ([`crate::model::arena::ARENA_LIMIT`]), so the length is exact.
    fn len(&mut self, n: usize) {
        self.u32(crate::model::arena::index_u32(n));
    }
    fn bytes(&mut self, b: &[u8]) {
        self.len(b.len());
        self.out.extend_from_slice(b);
    }
    fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }
    fn range(&mut self, r: Range32) {
        self.u32(r.start);
        self.u32(r.len);
    }
    fn trace_id(&mut self, id: TraceId) {
        match id {
            TraceId::Hex(v) => {
                self.u8(0);
                self.u128(v);
            }
            TraceId::Raw(s) => {
                self.u8(1);
                self.u128(s.0 as u128);
            }
        }
    }
    fn span_id(&mut self, id: Option<SpanId>) {
        match id {
            None => {
                self.u8(0);
                self.u64(0);
            }
            Some(SpanId::Hex(v)) => {
                self.u8(1);
                self.u64(v);
            }
            Some(SpanId::Raw(s)) => {
                self.u8(2);
                self.u64(s.0 as u64);
            }
        }
    }
    fn value(&mut self, v: AttrValue) {
        let (tag, payload): (u8, u64) = match v {
            AttrValue::Str(s) => (0, s.0 as u64),
            AttrValue::Bool(b) => (1, b as u64),
            AttrValue::Int(i) => (2, i as u64),
            AttrValue::Double(d) => (3, d.to_bits()),
            AttrValue::Bytes(s) => (4, s.0 as u64),
            AttrValue::Array(r) => (5, r.start as u64 | (r.len as u64) << 32),
            AttrValue::KvList(r) => (6, r.start as u64 | (r.len as u64) << 32),
            AttrValue::Empty => (7, 0),
        };
        self.u8(tag);
        self.u64(payload);
    }
}

/// Encodes a set into a snapshot.
pub fn encode(set: &TraceSet) -> Vec<u8> {
    let approx = 64
        + set.strings.raw_parts().0.len()
        + set.strings.len() * 4
        + set.spans.len() * 140
        + (set.attrs.len() + set.values.len()) * 13
        + set.events.len() * 28
        + set.skew.shift_ns.len() * 8
        + set.skew.moved_per_trace.len() * 4;
    let mut w = Writer { out: Vec::with_capacity(approx) };
    w.out.extend_from_slice(MAGIC);
    w.u32(VERSION);

    let (data, ends) = set.strings.raw_parts();
    w.str(data);
    w.len(ends.len());
    for &e in ends {
        w.u32(e);
    }

    w.len(set.traces.len());
    for t in &set.traces {
        w.trace_id(t.trace_id);
        w.range(t.spans);
        w.u32(t.root);
        w.u64(t.start_ns);
        w.u64(t.duration_ns);
        w.u32(t.max_depth);
        w.u32(t.errors);
        w.range(t.warnings);
    }

    w.len(set.spans.len());
    for s in &set.spans {
        w.u32(s.trace);
        w.span_id(Some(s.span_id));
        w.span_id(s.parent_id);
        w.u32(s.parent);
        w.u32(s.subtree_end);
        w.u32(s.depth);
        w.u32(s.child_count);
        w.u64(s.start_ns);
        w.u64(s.duration_ns);
        w.u32(s.name.0);
        w.u8(s.kind as u8);
        w.u8(s.status as u8);
        w.u32(s.status_message.0);
        w.u32(s.resource);
        w.u32(s.scope);
        w.range(s.attrs);
        w.range(s.events);
        w.range(s.links);
        w.u32(s.trace_state.0);
        w.u32(s.w3c_flags);
        w.u32(s.dropped_attrs);
        w.u32(s.dropped_events);
        w.u32(s.dropped_links);
        w.u16(s.flags);
        w.u32(s.input_index);
    }

    w.len(set.attrs.len());
    for a in &set.attrs {
        w.u32(a.key.0);
        w.value(a.value);
    }
    w.len(set.values.len());
    for v in &set.values {
        w.value(*v);
    }

    w.len(set.events.len());
    for e in &set.events {
        w.u64(e.time_ns);
        w.u32(e.name.0);
        w.range(e.attrs);
        w.u32(e.dropped_attrs);
    }

    w.len(set.links.len());
    for l in &set.links {
        w.trace_id(l.trace_id);
        w.span_id(Some(l.span_id));
        w.u8(l.kind as u8);
        w.u32(l.trace_state.0);
        w.range(l.attrs);
        w.u32(l.dropped_attrs);
    }

    w.len(set.resources.len());
    for r in &set.resources {
        w.u32(r.service.0);
        w.range(r.attrs);
        w.u32(r.dropped_attrs);
        w.u32(r.schema_url.0);
    }

    w.len(set.scopes.len());
    for s in &set.scopes {
        w.u32(s.name.0);
        w.u32(s.version.0);
        w.range(s.attrs);
        w.u32(s.dropped_attrs);
        w.u32(s.schema_url.0);
    }

    w.len(set.warnings.len());
    for x in &set.warnings {
        w.u8(x.kind as u8);
        w.u32(x.span);
        w.str(&x.message);
    }
    w.range(set.set_warnings);

    w.len(set.sources.len());
    for s in &set.sources {
        w.str(&s.name);
        w.str(&s.format);
        w.u32(s.spans);
    }

    w.u8(set.skew.adjusted as u8);
    w.len(set.skew.shift_ns.len());
    for &d in &set.skew.shift_ns {
        w.u64(d as u64);
    }
    w.len(set.skew.moved_per_trace.len());
    for &n in &set.skew.moved_per_trace {
        w.u32(n);
    }
    w.out
}

