//! Reading a snapshot: the bytes of the format in [`super`] in, a checked [`TraceSet`] out,
//! in one go ([`decode`]) or in budgeted steps ([`Decoder`]) that a UI thread can yield between.

use super::{SnapshotError, MAGIC, VERSION};
use crate::model::{
    Attr, AttrValue, Event, Link, LinkKind, Range32, Resource, Scope, Source, Span, SpanId, SpanKind, StatusCode,
    StrId, Strings, Trace, TraceId, TraceSet, Warning, WarningKind, NO_SPAN,
};

// Bytes of one record of each fixed-size section. (Warnings and sources hold text.)
const END: usize = 4;
/// Trace id (tag + u128), spans range, root, start, duration, max depth, errors, warnings range.
const TRACE: usize = 17 + 8 + 4 + 8 + 8 + 4 + 4 + 8;
/// See [`read_span`] for the fields.
const SPAN: usize = 4 + 9 + 9 + 4 * 4 + 8 + 8 + 4 + 1 + 1 + 4 + 4 + 4 + 8 * 3 + 4 * 5 + 2 + 4;
const VALUE: usize = 1 + 8;
const ATTR: usize = 4 + VALUE;
const EVENT: usize = 8 + 4 + 8 + 4;
const LINK: usize = 17 + 9 + 1 + 4 + 8 + 4;
const RESOURCE: usize = 4 + 8 + 4 + 4;
const SCOPE: usize = 4 + 4 + 8 + 4 + 4;
const SHIFT: usize = 8;

/// The snapshot as a whole: lengths, counts and text, each read checked against the bytes left.
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
    fn u32(&mut self, what: &'static str) -> Result<u32, SnapshotError> {
        Ok(u32::from_le_bytes(self.arr(what)?))
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
}

/// One record of a fixed-size section. Its fields are read in order from offsets that are
/// constants once the reads are inlined, so only the tags of ids and values can fail.
struct Rec<'a, const N: usize> {
    b: &'a [u8; N],
    at: usize,
}

impl<const N: usize> Rec<'_, N> {
    #[inline(always)]
    fn arr<const K: usize>(&mut self) -> [u8; K] {
        let mut a = [0u8; K];
        a.copy_from_slice(&self.b[self.at..self.at + K]);
        self.at += K;
        a
    }
    #[inline(always)]
    fn u8(&mut self) -> u8 {
        self.arr::<1>()[0]
    }
    #[inline(always)]
    fn u16(&mut self) -> u16 {
        u16::from_le_bytes(self.arr())
    }
    #[inline(always)]
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.arr())
    }
    #[inline(always)]
    fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.arr())
    }
    #[inline(always)]
    fn u128(&mut self) -> u128 {
        u128::from_le_bytes(self.arr())
    }
    #[inline(always)]
    fn range(&mut self) -> Range32 {
        Range32 { start: self.u32(), len: self.u32() }
    }
    #[inline(always)]
    fn str_id(&mut self) -> StrId {
        StrId(self.u32())
    }
    #[inline(always)]
    fn trace_id(&mut self) -> Result<TraceId, SnapshotError> {
        let tag = self.u8();
        let v = self.u128();
        match tag {
            0 => Ok(TraceId::Hex(v)),
            1 => Ok(TraceId::Raw(str_index(v, "trace id")?)),
            t => Err(SnapshotError::Corrupt(format!("trace id tag {t}"))),
        }
    }
    #[inline(always)]
    fn span_id(&mut self) -> Result<Option<SpanId>, SnapshotError> {
        let tag = self.u8();
        let v = self.u64();
        match tag {
            0 => Ok(None),
            1 => Ok(Some(SpanId::Hex(v))),
            2 => Ok(Some(SpanId::Raw(str_index(u128::from(v), "span id")?))),
            t => Err(SnapshotError::Corrupt(format!("span id tag {t}"))),
        }
    }
    #[inline(always)]
    fn value(&mut self) -> Result<AttrValue, SnapshotError> {
        let tag = self.u8();
        let p = self.u64();
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
pub(super) fn str_index(v: u128, what: &str) -> Result<StrId, SnapshotError> {
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

/// Decodes a snapshot made by [`encode`](super::encode) in one go (a loop over [`Decoder::step`]).
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
    /// The clock-skew state: whether the times are adjusted, and the per-span shifts.
    Skew,
    /// The clock-skew state's moved spans per trace.
    SkewMoved,
    /// Every index and range is checked, phase by phase (see [`check_items`]).
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
            let (r, left, set, b) = (&mut self.r, &mut self.left, &mut self.set, &mut budget);
            let done = match self.stage {
                Stage::StringEnds => {
                    if left.is_none() {
                        self.string_data = r.string("string data")?;
                    }
                    let done = section::<END, _>(r, left, &mut self.string_ends, "string ends", b, |f| Ok(f.u32()))?;
                    if done {
                        let data = std::mem::take(&mut self.string_data);
                        let ends = std::mem::take(&mut self.string_ends);
                        set.strings = Strings::from_raw_parts(data, ends)
                            .ok_or_else(|| SnapshotError::Corrupt("string table offsets are inconsistent".into()))?;
                    }
                    done
                }
                Stage::Traces => section::<TRACE, _>(r, left, &mut set.traces, "traces", b, read_trace)?,
                Stage::Spans => section::<SPAN, _>(r, left, &mut set.spans, "spans", b, read_span)?,
                Stage::Attrs => section::<ATTR, _>(r, left, &mut set.attrs, "attrs", b, |f| {
                    Ok(Attr { key: f.str_id(), value: f.value()? })
                })?,
                Stage::Values => section::<VALUE, _>(r, left, &mut set.values, "values", b, |f| f.value())?,
                Stage::Events => section::<EVENT, _>(r, left, &mut set.events, "events", b, |f| {
                    Ok(Event { time_ns: f.u64(), name: f.str_id(), attrs: f.range(), dropped_attrs: f.u32() })
                })?,
                Stage::Links => section::<LINK, _>(r, left, &mut set.links, "links", b, read_link)?,
                Stage::Resources => section::<RESOURCE, _>(r, left, &mut set.resources, "resources", b, |f| {
                    Ok(Resource { service: f.str_id(), attrs: f.range(), dropped_attrs: f.u32(), schema_url: f.str_id() })
                })?,
                Stage::Scopes => section::<SCOPE, _>(r, left, &mut set.scopes, "scopes", b, |f| {
                    Ok(Scope {
                        name: f.str_id(),
                        version: f.str_id(),
                        attrs: f.range(),
                        dropped_attrs: f.u32(),
                        schema_url: f.str_id(),
                    })
                })?,
                Stage::Warnings => {
                    let done = text_section(r, left, &mut set.warnings, 9, "warnings", b, |r| {
                        Ok(Warning {
                            kind: WarningKind::from_u8(r.u8("warning")?),
                            span: r.u32("warning")?,
                            message: r.string("warning message")?,
                        })
                    })?;
                    if done {
                        set.set_warnings = r.range("set warnings")?;
                    }
                    done
                }
                Stage::Sources => {
                    text_section(r, left, &mut set.sources, 12, "sources", b, |r| {
                        Ok(Source { name: r.string("source")?, format: r.string("source")?, spans: r.u32("source")? })
                    })?
                }
                Stage::Skew => {
                    if left.is_none() {
                        set.skew.adjusted = match r.u8("skew")? {
                            0 => false,
                            1 => true,
                            v => return Err(SnapshotError::Corrupt(format!("skew flag {v}"))),
                        };
                    }
                    section::<SHIFT, _>(r, left, &mut set.skew.shift_ns, "skew shifts", b, |f| Ok(f.u64() as i64))?
                }
                Stage::SkewMoved => {
                    let done = section::<END, _>(r, left, &mut set.skew.moved_per_trace, "skew moved counts", b, |f| Ok(f.u32()))?;
                    if done && r.at != r.buf.len() {
                        return Err(SnapshotError::Corrupt(format!("{} trailing bytes", r.buf.len() - r.at)));
                    }
                    done
                }
                Stage::Validate => {
                    while self.check_phase < CHECK_PHASES && budget > 0 {
                        let len = check_len(&self.set, self.check_phase);
                        if self.check_at < len {
                            let end = len.min(self.check_at.saturating_add(budget));
                            check_items(&self.set, self.check_phase, self.check_at..end)?;
                            budget -= end - self.check_at;
                            self.check_at = end;
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
        Stage::Sources => Stage::Skew,
        Stage::Skew => Stage::SkewMoved,
        Stage::SkewMoved => Stage::Validate,
        Stage::Validate | Stage::Done => Stage::Done,
    }
}

/// The count of a section, read (and checked against the bytes left for records of at least
/// `min_record` bytes) on the first call, when `left` is `None`.
fn section_count(
    r: &mut Reader<'_>,
    left: Option<usize>,
    min_record: usize,
    what: &'static str,
    reserve: impl FnOnce(usize),
) -> Result<usize, SnapshotError> {
    match left {
        Some(n) => Ok(n),
        None => {
            let n = r.count(min_record, what)?;
            reserve(n);
            Ok(n)
        }
    }
}

/// Reads records of `N` bytes into `out` until the section is complete or `budget` runs out;
/// true when the section is complete. The count was checked against the bytes left, so the
/// records of one call are one slice of the snapshot, decoded at fixed offsets.
fn section<'a, const N: usize, T>(
    r: &mut Reader<'a>,
    left: &mut Option<usize>,
    out: &mut Vec<T>,
    what: &'static str,
    budget: &mut usize,
    read: impl Fn(&mut Rec<'a, N>) -> Result<T, SnapshotError>,
) -> Result<bool, SnapshotError> {
    let n = section_count(r, *left, N, what, |n| out.reserve_exact(n))?;
    let k = n.min(*budget);
    let (records, _) = r.take(k * N, what)?.as_chunks::<N>();
    for b in records {
        let mut rec = Rec { b, at: 0 };
        out.push(read(&mut rec)?);
        debug_assert_eq!(rec.at, N, "{what}: record size");
    }
    *budget -= k;
    *left = Some(n - k);
    Ok(n == k)
}

/// Reads records that hold text (at least `min_record` bytes each) one at a time into `out`
/// until the section is complete or `budget` runs out; true when the section is complete.
fn text_section<'a, T>(
    r: &mut Reader<'a>,
    left: &mut Option<usize>,
    out: &mut Vec<T>,
    min_record: usize,
    what: &'static str,
    budget: &mut usize,
    mut read: impl FnMut(&mut Reader<'a>) -> Result<T, SnapshotError>,
) -> Result<bool, SnapshotError> {
    let mut n = section_count(r, *left, min_record, what, |n| out.reserve_exact(n))?;
    while n > 0 && *budget > 0 {
        out.push(read(r)?);
        n -= 1;
        *budget -= 1;
    }
    *left = Some(n);
    Ok(n == 0)
}

#[inline(always)]
fn read_trace(f: &mut Rec<'_, TRACE>) -> Result<Trace, SnapshotError> {
    Ok(Trace {
        trace_id: f.trace_id()?,
        spans: f.range(),
        root: f.u32(),
        start_ns: f.u64(),
        duration_ns: f.u64(),
        max_depth: f.u32(),
        errors: f.u32(),
        warnings: f.range(),
    })
}

#[inline(always)]
fn read_span(f: &mut Rec<'_, SPAN>) -> Result<Span, SnapshotError> {
    let trace = f.u32();
    let span_id = f.span_id()?.ok_or_else(|| SnapshotError::Corrupt("span without id".into()))?;
    Ok(Span {
        trace,
        span_id,
        parent_id: f.span_id()?,
        parent: f.u32(),
        subtree_end: f.u32(),
        depth: f.u32(),
        child_count: f.u32(),
        start_ns: f.u64(),
        duration_ns: f.u64(),
        name: f.str_id(),
        kind: SpanKind::from_u8(f.u8()),
        status: StatusCode::from_u8(f.u8()),
        status_message: f.str_id(),
        resource: f.u32(),
        scope: f.u32(),
        attrs: f.range(),
        events: f.range(),
        links: f.range(),
        trace_state: f.str_id(),
        w3c_flags: f.u32(),
        dropped_attrs: f.u32(),
        dropped_events: f.u32(),
        dropped_links: f.u32(),
        flags: f.u16(),
        input_index: f.u32(),
    })
}

#[inline(always)]
fn read_link(f: &mut Rec<'_, LINK>) -> Result<Link, SnapshotError> {
    let trace_id = f.trace_id()?;
    let span_id = f.span_id()?.ok_or_else(|| SnapshotError::Corrupt("link without span id".into()))?;
    let kind = match f.u8() {
        1 => LinkKind::FollowsFrom,
        2 => LinkKind::ChildOf,
        _ => LinkKind::Link,
    };
    Ok(Link { trace_id, span_id, kind, trace_state: f.str_id(), attrs: f.range(), dropped_attrs: f.u32() })
}

/// How many items validation phase `phase` checks.
fn check_len(set: &TraceSet, phase: usize) -> usize {
    match phase {
        0 => set.traces.len(),
        1 => 1, // set_warnings and the skew state's lengths
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

/// Checks items `items` of validation phase `phase`: every index and range the rest of the
/// code slices with. The first failing item, in order, is the error.
fn check_items(set: &TraceSet, phase: usize, items: std::ops::Range<usize>) -> Result<(), SnapshotError> {
    let (n_spans, n_attrs, n_values) = (set.spans.len(), set.attrs.len(), set.values.len());
    let start = items.start;
    match phase {
        0 => {
            for (k, t) in part(&set.traces, &items, "trace")?.iter().enumerate() {
                check_range(t.spans, n_spans, "trace spans")?;
                if set.skew.moved_per_trace.get(start + k).is_some_and(|&n| n > t.spans.len) {
                    return Err(SnapshotError::Corrupt("more spans moved for clock skew than the trace holds".into()));
                }
                check_range(t.warnings, set.warnings.len(), "trace warnings")?;
                if !t.spans.is_empty() && !t.spans.range().contains(&(t.root as usize)) {
                    return Err(SnapshotError::Corrupt("trace root outside its spans".into()));
                }
            }
        }
        1 => {
            check_range(set.set_warnings, set.warnings.len(), "set warnings")?;
            let shifts = set.skew.shift_ns.len();
            if shifts != 0 && shifts != n_spans {
                return Err(SnapshotError::Corrupt(format!("{shifts} skew shifts for {n_spans} spans")));
            }
            let (counts, n_traces) = (set.skew.moved_per_trace.len(), set.traces.len());
            if counts != 0 && counts != n_traces {
                return Err(SnapshotError::Corrupt(format!("{counts} skew moved counts for {n_traces} traces")));
            }
            if !set.skew.adjusted && (shifts != 0 || counts != 0) {
                return Err(SnapshotError::Corrupt("clock-skew shifts on a set whose times are not adjusted".into()));
            }
        }
        2 => {
            for (k, s) in part(&set.spans, &items, "span")?.iter().enumerate() {
                check_span(set, start + k, s)?;
            }
        }
        3 => {
            for a in part(&set.attrs, &items, "attr")? {
                check_value(a.value, n_attrs, n_values)?;
            }
        }
        4 => {
            for v in part(&set.values, &items, "value")? {
                check_value(*v, n_attrs, n_values)?;
            }
        }
        5 => {
            for e in part(&set.events, &items, "event")? {
                check_range(e.attrs, n_attrs, "event attrs")?;
            }
        }
        6 => {
            for l in part(&set.links, &items, "link")? {
                check_range(l.attrs, n_attrs, "link attrs")?;
            }
        }
        7 => {
            for r in part(&set.resources, &items, "resource")? {
                check_range(r.attrs, n_attrs, "resource attrs")?;
            }
        }
        8 => {
            for s in part(&set.scopes, &items, "scope")? {
                check_range(s.attrs, n_attrs, "scope attrs")?;
            }
        }
        9 => {
            for w in part(&set.warnings, &items, "warning")? {
                if w.span != NO_SPAN && w.span as usize >= n_spans {
                    return Err(SnapshotError::Corrupt(format!("warning span {}", w.span)));
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// Items `items` of an arena, or the error naming the first one missing.
fn part<'s, T>(all: &'s [T], items: &std::ops::Range<usize>, what: &str) -> Result<&'s [T], SnapshotError> {
    all.get(items.clone()).ok_or_else(|| SnapshotError::Corrupt(format!("{what} index {}", items.start)))
}

/// Checks span `i`: inside its trace's range, its subtree and parent within it, and its
/// resource, scope and arena ranges in bounds.
fn check_span(set: &TraceSet, i: usize, s: &Span) -> Result<(), SnapshotError> {
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
    check_range(s.attrs, set.attrs.len(), "span attrs")?;
    check_range(s.events, set.events.len(), "span events")?;
    check_range(s.links, set.links.len(), "span links")
}
