//! A compact binary snapshot of a [`TraceSet`]: a set in, bytes out, and back.
//!
//! The parse worker encodes the set it built; the page decodes it without parsing
//! JSON again. The format is a versioned header followed by flat little-endian
//! arrays, one section per arena, in a fixed order:
//!
//! ```text
//! "CLEWSNAP" u32 version
//! strings   : bytes(data) u32[] ends
//! traces    : u32 n, n × fixed record
//! spans     : u32 n, n × fixed record (ids as tag + u64)
//! attrs     : u32 n, n × (u32 key, value)        value = u8 tag + u64 payload
//! values    : u32 n, n × value
//! events, links, resources, scopes : u32 n, n × fixed record
//! warnings  : u32 n, n × (u8 kind, u32 span, bytes message)
//! set_warnings range, sources
//! ```
//!
//! Decoding checks every length, range and index it reads, so a truncated or
//! corrupt snapshot is a [`SnapshotError`], never a panic or an out-of-range slice later.

use super::{
    Attr, AttrValue, Event, Link, LinkKind, Range32, Resource, Scope, Source, Span, SpanId, SpanKind, StatusCode,
    StrId, Strings, Trace, TraceId, TraceSet, Warning, WarningKind, NO_SPAN,
};

const MAGIC: &[u8; 8] = b"CLEWSNAP";
/// Bumped whenever the layout changes.
pub const VERSION: u32 = 1;

/// Why a snapshot could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    #[error("not a Clew snapshot (bad magic)")]
    BadMagic,
    #[error("snapshot version {found} is not supported (expected {expected})")]
    Version { found: u32, expected: u32 },
    #[error("snapshot truncated at byte {at} while reading {what}")]
    Truncated { at: usize, what: &'static str },
    #[error("snapshot corrupt: {0}")]
    Corrupt(String),
}

// ---------------------------------------------------------------- writing

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
    /// limit ([`super::arena::ARENA_LIMIT`]), so the length is exact.
    fn len(&mut self, n: usize) {
        self.u32(super::arena::index_u32(n));
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
        + set.events.len() * 28;
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
    w.out
}

// ---------------------------------------------------------------- reading

struct Reader<'a> {
    buf: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], SnapshotError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.buf.len());
        match end {
            Some(end) => {
                let s = &self.buf[self.at..end];
                self.at = end;
                Ok(s)
            }
            None => Err(SnapshotError::Truncated { at: self.at, what }),
        }
    }
    fn arr<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], SnapshotError> {
        let s = self.take(N, what)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }
    fn u8(&mut self, what: &'static str) -> Result<u8, SnapshotError> {
        Ok(self.arr::<1>(what)?[0])
    }
    fn u16(&mut self, what: &'static str) -> Result<u16, SnapshotError> {
        Ok(u16::from_le_bytes(self.arr(what)?))
    }
    fn u32(&mut self, what: &'static str) -> Result<u32, SnapshotError> {
        Ok(u32::from_le_bytes(self.arr(what)?))
    }
    fn u64(&mut self, what: &'static str) -> Result<u64, SnapshotError> {
        Ok(u64::from_le_bytes(self.arr(what)?))
    }
    fn u128(&mut self, what: &'static str) -> Result<u128, SnapshotError> {
        Ok(u128::from_le_bytes(self.arr(what)?))
    }
    /// A count of records of at least `min_record` bytes each: refused when the rest
    /// of the buffer cannot hold them (so a corrupt count cannot allocate gigabytes).
    fn count(&mut self, min_record: usize, what: &'static str) -> Result<usize, SnapshotError> {
        let n = self.u32(what)? as usize;
        if n.saturating_mul(min_record) > self.buf.len() - self.at {
            return Err(SnapshotError::Truncated { at: self.at, what });
        }
        Ok(n)
    }
    fn string(&mut self, what: &'static str) -> Result<String, SnapshotError> {
        let n = self.u32(what)? as usize;
        let b = self.take(n, what)?;
        String::from_utf8(b.to_vec()).map_err(|_| SnapshotError::Corrupt(format!("{what} is not UTF-8")))
    }
    fn range(&mut self, what: &'static str) -> Result<Range32, SnapshotError> {
        Ok(Range32 { start: self.u32(what)?, len: self.u32(what)? })
    }
    fn str_id(&mut self, what: &'static str) -> Result<StrId, SnapshotError> {
        Ok(StrId(self.u32(what)?))
    }
    fn trace_id(&mut self) -> Result<TraceId, SnapshotError> {
        let tag = self.u8("trace id")?;
        let v = self.u128("trace id")?;
        match tag {
            0 => Ok(TraceId::Hex(v)),
            1 => Ok(TraceId::Raw(str_index(v, "trace id")?)),
            t => Err(SnapshotError::Corrupt(format!("trace id tag {t}"))),
        }
    }
    fn span_id(&mut self) -> Result<Option<SpanId>, SnapshotError> {
        let tag = self.u8("span id")?;
        let v = self.u64("span id")?;
        match tag {
            0 => Ok(None),
            1 => Ok(Some(SpanId::Hex(v))),
            2 => Ok(Some(SpanId::Raw(str_index(u128::from(v), "span id")?))),
            t => Err(SnapshotError::Corrupt(format!("span id tag {t}"))),
        }
    }
    fn value(&mut self) -> Result<AttrValue, SnapshotError> {
        let tag = self.u8("value")?;
        let p = self.u64("value")?;
        // Arrays and kv-lists pack (start, len) in the two halves of the payload.
        let r = Range32 { start: p as u32, len: (p >> 32) as u32 };
        Ok(match tag {
            0 => AttrValue::Str(str_index(u128::from(p), "string value")?),
            1 => AttrValue::Bool(p != 0),
            2 => AttrValue::Int(p as i64),
            3 => AttrValue::Double(f64::from_bits(p)),
            4 => AttrValue::Bytes(str_index(u128::from(p), "bytes value")?),
            5 => AttrValue::Array(r),
            6 => AttrValue::KvList(r),
            7 => AttrValue::Empty,
            t => return Err(SnapshotError::Corrupt(format!("value tag {t}"))),
        })
    }
}

/// A string index written as a wider payload: the encoder only writes `u32` ones.
fn str_index(v: u128, what: &str) -> Result<StrId, SnapshotError> {
    u32::try_from(v).map(StrId).map_err(|_| SnapshotError::Corrupt(format!("{what} string index {v}")))
}

fn check_range(r: Range32, len: usize, what: &str) -> Result<(), SnapshotError> {
    if (r.start as u64 + r.len as u64) > len as u64 {
        return Err(SnapshotError::Corrupt(format!("{what} range {}+{} past {len}", r.start, r.len)));
    }
    Ok(())
}

fn check_value(v: AttrValue, n_attrs: usize, n_values: usize) -> Result<(), SnapshotError> {
    match v {
        AttrValue::Array(r) => check_range(r, n_values, "array value"),
        AttrValue::KvList(r) => check_range(r, n_attrs, "kvlist value"),
        _ => Ok(()),
    }
}

/// Decodes a snapshot made by [`encode`] in one go (a loop over [`Decoder::step`]).
pub fn decode(bytes: &[u8]) -> Result<TraceSet, SnapshotError> {
    let mut d = Decoder::new(bytes)?;
    loop {
        if let Some(set) = d.step(usize::MAX)? {
            return Ok(set);
        }
    }
}

/// Where a [`Decoder`] is: the arena being read (in file order), then the checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    StringEnds,
    Traces,
    Spans,
    Attrs,
    Values,
    Events,
    Links,
    Resources,
    Scopes,
    Warnings,
    Sources,
    /// Every index and range is checked, phase by phase (see [`Decoder::check_item`]).
    Validate,
    Done,
}

/// Phases of the validation stage, in order.
const CHECK_PHASES: usize = 10;

/// A resumable snapshot decoder: bytes in, a [`TraceSet`] out after enough
/// [`step`](Decoder::step)s, so a caller on a UI thread can yield between steps.
///
/// Each step reads (or checks) at most `budget_items` records; every step makes progress,
/// and a step never allocates more than the snapshot's own length justifies.
pub struct Decoder<'a> {
    r: Reader<'a>,
    stage: Stage,
    /// Records left in the current section; `None` until its count has been read.
    left: Option<usize>,
    string_data: String,
    string_ends: Vec<u32>,
    /// The set under construction; its arenas fill section by section.
    set: TraceSet,
    /// Validation cursor: phase and index within it.
    check_phase: usize,
    check_at: usize,
}

impl<'a> Decoder<'a> {
    /// Checks the header; the body is read by [`step`](Decoder::step).
    pub fn new(bytes: &'a [u8]) -> Result<Decoder<'a>, SnapshotError> {
        let mut r = Reader { buf: bytes, at: 0 };
        if r.take(8, "magic").map_err(|_| SnapshotError::BadMagic)? != MAGIC {
            return Err(SnapshotError::BadMagic);
        }
        let version = r.u32("version")?;
        if version != VERSION {
            return Err(SnapshotError::Version { found: version, expected: VERSION });
        }
        Ok(Decoder {
            r,
            stage: Stage::StringEnds,
            left: None,
            string_data: String::new(),
            string_ends: Vec::new(),
            set: TraceSet::default(),
            check_phase: 0,
            check_at: 0,
        })
    }

    /// Roughly how far along the decode is, 0.0 to 1.0 (by bytes read, then checks).
    pub fn progress(&self) -> f64 {
        if self.stage >= Stage::Validate {
            return if self.stage == Stage::Done { 1.0 } else { 0.9 + 0.1 * self.check_phase as f64 / CHECK_PHASES as f64 };
        }
        0.9 * self.r.at as f64 / self.r.buf.len().max(1) as f64
    }

    /// Reads or checks up to `budget_items` records (at least one). `Ok(None)` means there
    /// is more to do; `Ok(Some(set))` is the finished set. After an error or the finished set,
    /// further calls return an error.
    pub fn step(&mut self, budget_items: usize) -> Result<Option<TraceSet>, SnapshotError> {
        let mut budget = budget_items.max(1);
        while budget > 0 {
            let done = match self.stage {
                Stage::StringEnds => {
                    if self.left.is_none() {
                        self.string_data = self.r.string("string data")?;
                    }
                    let (r, left, out) = (&mut self.r, &mut self.left, &mut self.string_ends);
                    let done = section(r, left, out, 4, "string ends", &mut budget, |r| r.u32("string ends"))?;
                    if done {
                        let data = std::mem::take(&mut self.string_data);
                        let ends = std::mem::take(&mut self.string_ends);
                        self.set.strings = Strings::from_raw_parts(data, ends)
                            .ok_or_else(|| SnapshotError::Corrupt("string table offsets are inconsistent".into()))?;
                    }
                    done
                }
                Stage::Traces => section(&mut self.r, &mut self.left, &mut self.set.traces, 61, "traces", &mut budget, read_trace)?,
                Stage::Spans => section(&mut self.r, &mut self.left, &mut self.set.spans, 122, "spans", &mut budget, read_span)?,
                Stage::Attrs => section(&mut self.r, &mut self.left, &mut self.set.attrs, 13, "attrs", &mut budget, |r| {
                    Ok(Attr { key: r.str_id("attr")?, value: r.value()? })
                })?,
                Stage::Values => section(&mut self.r, &mut self.left, &mut self.set.values, 9, "values", &mut budget, |r| r.value())?,
                Stage::Events => section(&mut self.r, &mut self.left, &mut self.set.events, 24, "events", &mut budget, |r| {
                    Ok(Event {
                        time_ns: r.u64("event")?,
                        name: r.str_id("event")?,
                        attrs: r.range("event")?,
                        dropped_attrs: r.u32("event")?,
                    })
                })?,
                Stage::Links => section(&mut self.r, &mut self.left, &mut self.set.links, 43, "links", &mut budget, read_link)?,
                Stage::Resources => {
                    section(&mut self.r, &mut self.left, &mut self.set.resources, 20, "resources", &mut budget, |r| {
                        Ok(Resource {
                            service: r.str_id("resource")?,
                            attrs: r.range("resource")?,
                            dropped_attrs: r.u32("resource")?,
                            schema_url: r.str_id("resource")?,
                        })
                    })?
                }
                Stage::Scopes => section(&mut self.r, &mut self.left, &mut self.set.scopes, 24, "scopes", &mut budget, |r| {
                    Ok(Scope {
                        name: r.str_id("scope")?,
                        version: r.str_id("scope")?,
                        attrs: r.range("scope")?,
                        dropped_attrs: r.u32("scope")?,
                        schema_url: r.str_id("scope")?,
                    })
                })?,
                Stage::Warnings => {
                    let done = section(&mut self.r, &mut self.left, &mut self.set.warnings, 9, "warnings", &mut budget, |r| {
                        Ok(Warning {
                            kind: WarningKind::from_u8(r.u8("warning")?),
                            span: r.u32("warning")?,
                            message: r.string("warning message")?,
                        })
                    })?;
                    if done {
                        self.set.set_warnings = self.r.range("set warnings")?;
                    }
                    done
                }
                Stage::Sources => {
                    let done = section(&mut self.r, &mut self.left, &mut self.set.sources, 12, "sources", &mut budget, |r| {
                        Ok(Source { name: r.string("source")?, format: r.string("source")?, spans: r.u32("source")? })
                    })?;
                    if done && self.r.at != self.r.buf.len() {
                        return Err(SnapshotError::Corrupt(format!("{} trailing bytes", self.r.buf.len() - self.r.at)));
                    }
                    done
                }
                Stage::Validate => {
                    while self.check_phase < CHECK_PHASES && budget > 0 {
                        if self.check_at < check_len(&self.set, self.check_phase) {
                            check_item(&self.set, self.check_phase, self.check_at)?;
                            self.check_at += 1;
                            budget -= 1;
                        } else {
                            self.check_phase += 1;
                            self.check_at = 0;
                        }
                    }
                    if self.check_phase == CHECK_PHASES {
                        self.stage = Stage::Done;
                        return Ok(Some(std::mem::take(&mut self.set)));
                    }
                    false
                }
                Stage::Done => return Err(SnapshotError::Corrupt("decoder already finished".into())),
            };
            if done {
                self.left = None;
                self.stage = next_stage(self.stage);
            }
        }
        Ok(None)
    }
}

fn next_stage(s: Stage) -> Stage {
    match s {
        Stage::StringEnds => Stage::Traces,
        Stage::Traces => Stage::Spans,
        Stage::Spans => Stage::Attrs,
        Stage::Attrs => Stage::Values,
        Stage::Values => Stage::Events,
        Stage::Events => Stage::Links,
        Stage::Links => Stage::Resources,
        Stage::Resources => Stage::Scopes,
        Stage::Scopes => Stage::Warnings,
        Stage::Warnings => Stage::Sources,
        Stage::Sources => Stage::Validate,
        Stage::Validate | Stage::Done => Stage::Done,
    }
}

/// Reads records of one section into `out` until it is complete or `budget` runs out;
/// true when the section is complete. The count is read (and checked against the bytes
/// left) on the first call, when `left` is `None`.
fn section<'a, T>(
    r: &mut Reader<'a>,
    left: &mut Option<usize>,
    out: &mut Vec<T>,
    min_record: usize,
    what: &'static str,
    budget: &mut usize,
    mut read: impl FnMut(&mut Reader<'a>) -> Result<T, SnapshotError>,
) -> Result<bool, SnapshotError> {
    let mut n = match *left {
        Some(n) => n,
        None => {
            let n = r.count(min_record, what)?;
            out.reserve_exact(n);
            n
        }
    };
    while n > 0 && *budget > 0 {
        out.push(read(r)?);
        n -= 1;
        *budget -= 1;
    }
    *left = Some(n);
    Ok(n == 0)
}

fn read_trace(r: &mut Reader<'_>) -> Result<Trace, SnapshotError> {
    Ok(Trace {
        trace_id: r.trace_id()?,
        spans: r.range("trace")?,
        root: r.u32("trace")?,
        start_ns: r.u64("trace")?,
        duration_ns: r.u64("trace")?,
        max_depth: r.u32("trace")?,
        errors: r.u32("trace")?,
        warnings: r.range("trace")?,
    })
}

fn read_span(r: &mut Reader<'_>) -> Result<Span, SnapshotError> {
    let trace = r.u32("span")?;
    let span_id = r.span_id()?.ok_or_else(|| SnapshotError::Corrupt("span without id".into()))?;
    Ok(Span {
        trace,
        span_id,
        parent_id: r.span_id()?,
        parent: r.u32("span")?,
        subtree_end: r.u32("span")?,
        depth: r.u32("span")?,
        child_count: r.u32("span")?,
        start_ns: r.u64("span")?,
        duration_ns: r.u64("span")?,
        name: r.str_id("span")?,
        kind: SpanKind::from_u8(r.u8("span")?),
        status: StatusCode::from_u8(r.u8("span")?),
        status_message: r.str_id("span")?,
        resource: r.u32("span")?,
        scope: r.u32("span")?,
        attrs: r.range("span")?,
        events: r.range("span")?,
        links: r.range("span")?,
        trace_state: r.str_id("span")?,
        w3c_flags: r.u32("span")?,
        dropped_attrs: r.u32("span")?,
        dropped_events: r.u32("span")?,
        dropped_links: r.u32("span")?,
        flags: r.u16("span")?,
        input_index: r.u32("span")?,
    })
}

fn read_link(r: &mut Reader<'_>) -> Result<Link, SnapshotError> {
    let trace_id = r.trace_id()?;
    let span_id = r.span_id()?.ok_or_else(|| SnapshotError::Corrupt("link without span id".into()))?;
    let kind = match r.u8("link")? {
        1 => LinkKind::FollowsFrom,
        2 => LinkKind::ChildOf,
        _ => LinkKind::Link,
    };
    Ok(Link {
        trace_id,
        span_id,
        kind,
        trace_state: r.str_id("link")?,
        attrs: r.range("link")?,
        dropped_attrs: r.u32("link")?,
    })
}

/// How many items validation phase `phase` checks.
fn check_len(set: &TraceSet, phase: usize) -> usize {
    match phase {
        0 => set.traces.len(),
        1 => 1, // set_warnings
        2 => set.spans.len(),
        3 => set.attrs.len(),
        4 => set.values.len(),
        5 => set.events.len(),
        6 => set.links.len(),
        7 => set.resources.len(),
        8 => set.scopes.len(),
        9 => set.warnings.len(),
        _ => 0,
    }
}

/// Checks item `i` of validation phase `phase`: every index and range the rest of the
/// code slices with.
fn check_item(set: &TraceSet, phase: usize, i: usize) -> Result<(), SnapshotError> {
    let (n_spans, n_attrs, n_values) = (set.spans.len(), set.attrs.len(), set.values.len());
    let corrupt = |what: &str| SnapshotError::Corrupt(format!("{what} index {i}"));
    match phase {
        0 => {
            let t = set.traces.get(i).ok_or_else(|| corrupt("trace"))?;
            check_range(t.spans, n_spans, "trace spans")?;
            check_range(t.warnings, set.warnings.len(), "trace warnings")?;
            if !t.spans.is_empty() && !t.spans.range().contains(&(t.root as usize)) {
                return Err(SnapshotError::Corrupt("trace root outside its spans".into()));
            }
        }
        1 => check_range(set.set_warnings, set.warnings.len(), "set warnings")?,
        2 => {
            let s = set.spans.get(i).ok_or_else(|| corrupt("span"))?;
            let t = set.traces.get(s.trace as usize).ok_or_else(|| SnapshotError::Corrupt("span trace index".into()))?;
            let tr = t.spans.range();
            if !tr.contains(&i) {
                return Err(SnapshotError::Corrupt(format!("span {i} outside its trace range")));
            }
            if (s.subtree_end as usize) <= i || s.subtree_end as usize > tr.end {
                return Err(SnapshotError::Corrupt(format!("span {i} subtree end {}", s.subtree_end)));
            }
            if s.parent != NO_SPAN && (s.parent as usize >= i || (s.parent as usize) < tr.start) {
                return Err(SnapshotError::Corrupt(format!("span {i} parent {}", s.parent)));
            }
            if s.resource as usize >= set.resources.len() && !set.resources.is_empty() {
                return Err(SnapshotError::Corrupt(format!("span {i} resource {}", s.resource)));
            }
            if s.scope as usize >= set.scopes.len() && !set.scopes.is_empty() {
                return Err(SnapshotError::Corrupt(format!("span {i} scope {}", s.scope)));
            }
            check_range(s.attrs, n_attrs, "span attrs")?;
            check_range(s.events, set.events.len(), "span events")?;
            check_range(s.links, set.links.len(), "span links")?;
        }
        3 => check_value(set.attrs.get(i).ok_or_else(|| corrupt("attr"))?.value, n_attrs, n_values)?,
        4 => check_value(*set.values.get(i).ok_or_else(|| corrupt("value"))?, n_attrs, n_values)?,
        5 => check_range(set.events.get(i).ok_or_else(|| corrupt("event"))?.attrs, n_attrs, "event attrs")?,
        6 => check_range(set.links.get(i).ok_or_else(|| corrupt("link"))?.attrs, n_attrs, "link attrs")?,
        7 => check_range(set.resources.get(i).ok_or_else(|| corrupt("resource"))?.attrs, n_attrs, "resource attrs")?,
        8 => check_range(set.scopes.get(i).ok_or_else(|| corrupt("scope"))?.attrs, n_attrs, "scope attrs")?,
        9 => {
            let w = set.warnings.get(i).ok_or_else(|| corrupt("warning"))?;
            if w.span != NO_SPAN && w.span as usize >= n_spans {
                return Err(SnapshotError::Corrupt(format!("warning span {}", w.span)));
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const OTLP: &str = r#"{"resourceSpans":[{"resource":{"attributes":[
        {"key":"service.name","value":{"stringValue":"api"}},
        {"key":"host.cores","value":{"intValue":"8"}}]},
      "scopeSpans":[{"scope":{"name":"lib","version":"1.2","attributes":[{"key":"s","value":{"boolValue":true}}]},
        "spans":[
        {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"GET /<b>x</b>",
         "kind":2,"startTimeUnixNano":"1000000000","endTimeUnixNano":"1500000000",
         "attributes":[
           {"key":"str","value":{"stringValue":"héllo"}},
           {"key":"bool","value":{"boolValue":false}},
           {"key":"int","value":{"intValue":"-42"}},
           {"key":"dbl","value":{"doubleValue":3.25}},
           {"key":"bytes","value":{"bytesValue":"AAEC"}},
           {"key":"arr","value":{"arrayValue":{"values":[{"stringValue":"a"},{"intValue":"1"},{"arrayValue":{"values":[{"boolValue":true}]}}]}}},
           {"key":"kv","value":{"kvlistValue":{"values":[{"key":"inner","value":{"doubleValue":0.5}}]}}},
           {"key":"empty","value":{}}],
         "events":[{"timeUnixNano":"1100000000","name":"cache.hit","attributes":[{"key":"k","value":{"stringValue":"v"}}]}],
         "links":[{"traceId":"00000000000000000000000000000001","spanId":"0000000000000002","attributes":[]}],
         "status":{"code":2,"message":"boom"}},
        {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"not-a-hex-id","parentSpanId":"eee19b7ec3c1b174",
         "name":"child","startTimeUnixNano":"900000000","endTimeUnixNano":"1200000000"},
        {"traceId":"zzz-raw-trace","spanId":"0000000000000001","parentSpanId":"00000000000000ff",
         "name":"orphan","startTimeUnixNano":"2000000000","endTimeUnixNano":"2000001000"}
      ]}]}]}"#;

    fn sample() -> TraceSet {
        match crate::parse::load(&[("sample.json", OTLP.as_bytes())], None) {
            Ok(s) => s,
            Err(e) => panic!("sample did not load: {e}"),
        }
    }

    #[test]
    fn round_trip_keeps_everything() {
        let set = sample();
        assert_eq!(set.spans.len(), 3);
        let bytes = encode(&set);
        let back = decode(&bytes).expect("decodes");
        assert_eq!(back, set);
        // And the derived text is the same.
        let i = back.spans.iter().position(|s| back.name_of(s) == "GET /<b>x</b>").expect("root span");
        let root = &back.spans[i];
        let kv = back.attr(root, "kv").expect("kv attr");
        assert_eq!(back.value_text(kv), r#"{"inner":0.5}"#);
        let arr = back.attr(root, "arr").expect("arr attr");
        assert_eq!(back.value_text(arr), r#"["a",1,[true]]"#);
        assert_eq!(back.attr(root, "int"), Some(AttrValue::Int(-42)));
        assert_eq!(back.attr(root, "dbl"), Some(AttrValue::Double(3.25)));
        assert_eq!(back.attr(root, "bool"), Some(AttrValue::Bool(false)));
        assert_eq!(back.attr(root, "empty"), Some(AttrValue::Empty));
        assert!(matches!(back.attr(root, "bytes"), Some(AttrValue::Bytes(_))));
        assert_eq!(back.attr_text(root, "str").as_deref(), Some("héllo"));
        assert_eq!(back.events.len(), 1);
        assert_eq!(back.links.len(), 1);
        assert!(!back.warnings.is_empty());
    }

    #[test]
    fn raw_ids_survive() {
        let set = sample();
        let back = decode(&encode(&set)).expect("decodes");
        let raw_span = back.spans.iter().find(|s| matches!(s.span_id, SpanId::Raw(_))).expect("raw span id");
        assert_eq!(raw_span.span_id.to_text(&back.strings), "not-a-hex-id");
        let raw_trace = back.traces.iter().find(|t| matches!(t.trace_id, TraceId::Raw(_))).expect("raw trace id");
        assert_eq!(raw_trace.trace_id.to_text(&back.strings), "zzz-raw-trace");
        let orphan = back.spans.iter().find(|s| back.name_of(s) == "orphan").expect("orphan");
        assert_eq!(orphan.parent_id, Some(SpanId::Hex(0xff)));
    }

    #[test]
    fn empty_set_round_trips() {
        let set = TraceSet::default();
        assert_eq!(decode(&encode(&set)).expect("decodes"), set);
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        let bytes = encode(&sample());
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err(), "cut at {cut} decoded");
        }
    }

    #[test]
    fn corrupt_bytes_never_panic() {
        let bytes = encode(&sample());
        // Flip each byte after the header in turn; decoding may succeed or fail but not panic.
        for i in 12..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0xA5;
            let _ = decode(&b);
        }
    }

    #[test]
    fn string_indices_past_u32_are_corrupt_not_truncated() {
        assert_eq!(str_index(7, "span id"), Ok(StrId(7)));
        // 2^32 + 7 would read as string 7 if cut to 32 bits.
        let corrupt = SnapshotError::Corrupt("span id string index 4294967303".into());
        assert_eq!(str_index((1 << 32) + 7, "span id"), Err(corrupt));
    }

    #[test]
    fn bad_magic_and_version_are_named() {
        assert_eq!(decode(b"nope"), Err(SnapshotError::BadMagic));
        let mut bytes = encode(&TraceSet::default());
        bytes[8] = 99;
        assert!(matches!(decode(&bytes), Err(SnapshotError::Version { found: 99, .. })));
    }

    fn decode_stepwise(bytes: &[u8], budget: usize) -> (Result<TraceSet, SnapshotError>, usize) {
        let mut d = match Decoder::new(bytes) {
            Ok(d) => d,
            Err(e) => return (Err(e), 0),
        };
        let mut steps = 0;
        loop {
            steps += 1;
            match d.step(budget) {
                Ok(Some(set)) => return (Ok(set), steps),
                Ok(None) => {}
                Err(e) => return (Err(e), steps),
            }
        }
    }

    #[test]
    fn stepwise_decoding_matches_decode() {
        let set = sample();
        let bytes = encode(&set);
        let whole = decode(&bytes).expect("decodes");
        for budget in [0, 1, 2, 3, 7, 1000] {
            let (back, steps) = decode_stepwise(&bytes, budget);
            assert_eq!(back.as_ref(), Ok(&whole), "budget {budget}");
            if budget <= 1 {
                // One record per step: the sample has dozens of records, so many steps.
                assert!(steps > 20, "budget {budget} took only {steps} steps");
            }
        }
        // Real trace files too (links, events, many attrs).
        for name in ["jaeger-v3-api-hotrod-40spans-result-wrapper.json", "jaeger-memstore-2traces-links-events-errors.json"] {
            let path = format!("{}/tests/corpus/otlp/{name}", env!("CARGO_MANIFEST_DIR"));
            let b = std::fs::read(&path).expect("real test trace is readable");
            let set = crate::parse::load(&[(name, &b[..])], None).expect("real trace loads");
            assert!(!set.spans.is_empty(), "{name}");
            let bytes = encode(&set);
            let (back, steps) = decode_stepwise(&bytes, 5);
            assert_eq!(back.as_ref(), Ok(&set), "{name}");
            assert!(steps > 10, "{name}: {steps} steps");
        }
    }

    #[test]
    fn stepwise_errors_match_decode() {
        let bytes = encode(&sample());
        for cut in 0..bytes.len() {
            let (back, _) = decode_stepwise(&bytes[..cut], 3);
            assert_eq!(back.is_err(), decode(&bytes[..cut]).is_err(), "cut at {cut}");
            assert!(back.is_err(), "cut at {cut} decoded");
        }
        for i in 12..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0xA5;
            assert_eq!(decode_stepwise(&b, 2).0, decode(&b), "flip at {i}");
        }
    }

    #[test]
    fn finished_decoder_refuses_more_steps() {
        let bytes = encode(&sample());
        let mut d = Decoder::new(&bytes).expect("header");
        while d.step(4).expect("step").is_none() {}
        assert_eq!(d.progress(), 1.0);
        assert!(d.step(4).is_err());
    }
}
