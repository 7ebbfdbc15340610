//! Raw spans in, a [`TraceSet`] out: groups spans into traces, links parents,
//! finds orphans, duplicates, cycles and clock skew, and lays every trace out in
//! depth-first pre-order. Never drops a span: every problem becomes a [`Warning`].
//!
//! ```text
//!  parsers ──push_span()──▶ SetBuilder { raw spans in input order }
//!                                │ finish()
//!        group by trace id ──▶ id map (first span with an id wins; Zipkin server
//!                                │      halves win for their children)
//!        resolve parents  ──▶ orphan / self_parent / multiple-parents warnings
//!        break cycles     ──▶ at the earliest-starting span (ties: smaller id)
//!        pre-order DFS    ──▶ explicit stack, siblings by (start, span id)
//!        fill times       ──▶ missing timestamps take the parent's start; clock skew
//! ```

use rustc_hash::FxHashMap as HashMap;

use super::*;

/// A warning recorded by a parser, tied to a raw span (by input index) or to the set.
#[derive(Clone, Debug)]
pub struct RawWarning {
    pub kind: WarningKind,
    /// Index into the builder's raw spans, or `NO_SPAN`.
    pub span: u32,
    pub message: String,
}

/// A span as a parser reads it, before the tree is known.
#[derive(Clone, Copy, Debug)]
pub struct RawSpan {
    pub trace_id: TraceId,
    pub span_id: SpanId,
    /// The parent reference (CHILD_OF, else FOLLOWS_FROM, else Zipkin parentId).
    pub parent_id: Option<SpanId>,
    /// `None` when the input has no timestamp.
    pub start_ns: Option<TimeNs>,
    /// `None` when the input has no duration / end time.
    pub duration_ns: Option<DurNs>,
    pub name: StrId,
    pub kind: SpanKind,
    pub status: StatusCode,
    pub status_message: StrId,
    pub resource: u32,
    pub scope: u32,
    pub attrs: Range32,
    pub events: Range32,
    pub links: Range32,
    pub trace_state: StrId,
    pub w3c_flags: u32,
    pub dropped_attrs: u32,
    pub dropped_events: u32,
    pub dropped_links: u32,
    /// Flags a parser already knows: ERROR, FOLLOWS_FROM, INVALID_ID,
    /// NEGATIVE_DURATION, SHARED_SERVER.
    pub flags: u16,
}

impl RawSpan {
    /// A span with only ids set; parsers fill in the rest.
    pub fn new(trace_id: TraceId, span_id: SpanId) -> RawSpan {
        RawSpan {
            trace_id,
            span_id,
            parent_id: None,
            start_ns: None,
            duration_ns: None,
            name: StrId::EMPTY,
            kind: SpanKind::Unspecified,
            status: StatusCode::Unset,
            status_message: StrId::EMPTY,
            resource: 0,
            scope: 0,
            attrs: Range32::default(),
            events: Range32::default(),
            links: Range32::default(),
            trace_state: StrId::EMPTY,
            w3c_flags: 0,
            dropped_attrs: 0,
            dropped_events: 0,
            dropped_links: 0,
            flags: 0,
        }
    }
}

/// Collects what parsers read, then builds the [`TraceSet`].
#[derive(Debug, Default)]
pub struct SetBuilder {
    pub strings: Strings,
    pub attrs: Vec<Attr>,
    pub values: Vec<AttrValue>,
    pub events: Vec<Event>,
    pub links: Vec<Link>,
    pub resources: Vec<Resource>,
    pub scopes: Vec<Scope>,
    pub spans: Vec<RawSpan>,
    pub warnings: Vec<RawWarning>,
    pub sources: Vec<Source>,
    /// Interned "unknown_service".
    unknown_service: Option<StrId>,
    /// The empty scope, created on demand.
    empty_scope: Option<u32>,
}

/// The service name given to spans whose resource has none.
pub const UNKNOWN_SERVICE: &str = "unknown_service";

impl SetBuilder {
    pub fn new() -> SetBuilder {
        SetBuilder::default()
    }

    /// Adds a resource. An empty service name becomes `unknown_service`; the spans
    /// that use it are flagged `missing_service` when the set is built.
    pub fn add_resource(&mut self, service: &str, attrs: Range32, dropped_attrs: u32, schema_url: StrId) -> u32 {
        let service = if service.trim().is_empty() { StrId::EMPTY } else { self.strings.intern(service) };
        self.resources.push(Resource { service, attrs, dropped_attrs, schema_url });
        self.resources.len() as u32 - 1
    }

    pub fn add_scope(&mut self, name: &str, version: &str, attrs: Range32, dropped_attrs: u32, schema_url: StrId) -> u32 {
        let name = self.strings.intern(name);
        let version = self.strings.intern(version);
        self.scopes.push(Scope { name, version, attrs, dropped_attrs, schema_url });
        self.scopes.len() as u32 - 1
    }

    /// The shared empty scope, for formats that have none.
    pub fn empty_scope(&mut self) -> u32 {
        if let Some(s) = self.empty_scope {
            return s;
        }
        let s = self.add_scope("", "", Range32::default(), 0, StrId::EMPTY);
        self.empty_scope = Some(s);
        s
    }

    /// Adds a string attribute to the attribute arena (the caller tracks the range).
    pub fn push_attr(&mut self, key: &str, value: AttrValue) {
        let key = self.strings.intern(key);
        self.attrs.push(Attr { key, value });
    }

    /// Interns a string value; long values are stored without deduplication.
    pub fn str_value(&mut self, s: &str) -> StrId {
        if s.len() > 64 {
            self.strings.push_unique(s)
        } else {
            self.strings.intern(s)
        }
    }

    /// Adds a span; returns its raw index (for warnings).
    pub fn push_span(&mut self, span: RawSpan) -> u32 {
        self.spans.push(span);
        self.spans.len() as u32 - 1
    }

    pub fn warn(&mut self, kind: WarningKind, span: u32, message: impl Into<String>) {
        self.warnings.push(RawWarning { kind, span, message: message.into() });
    }

    /// Records that an input was read.
    pub fn add_source(&mut self, name: &str, format: &str, spans: u32) {
        self.sources.push(Source { name: name.to_string(), format: format.to_string(), spans });
    }

    /// Builds the trace set. Consumes the builder.
    ///
    /// Cost: a few sequential passes over the raw spans and one hash map per trace for
    /// the id lookup. Traces are built one at a time in their final order, straight
    /// into the output, with scratch buffers reused from trace to trace.
    pub fn finish(mut self) -> TraceSet {
        let unknown = self.strings.intern(UNKNOWN_SERVICE);
        self.unknown_service = Some(unknown);
        let n = self.spans.len();

        // missing_service: spans whose resource has no service name.
        let mut missing_service = vec![false; self.resources.len()];
        for (i, r) in self.resources.iter_mut().enumerate() {
            if r.service.is_empty() {
                r.service = unknown;
                missing_service[i] = true;
            }
        }
        if self.resources.is_empty() {
            self.resources.push(Resource { service: unknown, attrs: Range32::default(), dropped_attrs: 0, schema_url: StrId::EMPTY });
            missing_service.push(true);
        }
        if self.scopes.is_empty() {
            self.empty_scope();
        }

        // One pass over the raw spans: fix resource indices, flag and warn about missing
        // services, timestamps and durations, and group the spans by trace.
        let mut warn_by_raw: Vec<RawWarning> = std::mem::take(&mut self.warnings);
        let mut flags: Vec<u16> = Vec::with_capacity(n);
        let mut grouper = Grouper::default();
        for (i, s) in self.spans.iter_mut().enumerate() {
            if s.resource as usize >= self.resources.len() {
                s.resource = 0;
            }
            let mut f = s.flags;
            let id = |s: &RawSpan| s.span_id.to_text(&self.strings);
            if missing_service[s.resource as usize] {
                warn_by_raw.push(RawWarning {
                    kind: WarningKind::MissingService,
                    span: i as u32,
                    message: format!("span {} has no service name; shown as {UNKNOWN_SERVICE}", id(s)),
                });
            }
            if s.start_ns.is_none() {
                f |= span_flags::MISSING_TIMESTAMP;
                warn_by_raw.push(RawWarning {
                    kind: WarningKind::MissingTimestamp,
                    span: i as u32,
                    message: format!("span {} has no timestamp; shown at its parent's start", id(s)),
                });
            }
            if s.duration_ns.is_none() && s.flags & span_flags::NEGATIVE_DURATION == 0 {
                f |= span_flags::MISSING_DURATION;
                warn_by_raw.push(RawWarning {
                    kind: WarningKind::MissingDuration,
                    span: i as u32,
                    message: format!("span {} has no duration; shown as 0", id(s)),
                });
            }
            flags.push(f);
            grouper.add(s.trace_id, s.start_ns);
        }
        let groups = grouper.finish();

        // Order traces by (start, trace id text, first appearance).
        let mut trace_order: Vec<(TimeNs, String, usize)> = (0..groups.len())
            .map(|g| (groups.start_ns[g], self.spans[groups.members(g)[0] as usize].trace_id.to_text(&self.strings), g))
            .collect();
        trace_order.sort();

        // Build each trace and write its spans in pre-order.
        let mut final_of_raw = vec![NO_SPAN; n];
        let mut out_spans: Vec<Span> = Vec::with_capacity(n);
        let mut traces: Vec<Trace> = Vec::with_capacity(groups.len());
        let mut scratch = TraceScratch::default();
        let last_scope = self.scopes.len().saturating_sub(1) as u32;
        for (t_idx, &(t_start, _, g)) in trace_order.iter().enumerate() {
            let group = groups.members(g);
            scratch.build(&self.spans, group, &mut flags, &mut warn_by_raw, &self.strings);
            let b = &scratch;
            let base = out_spans.len() as u32;
            let mut end_max = t_start;
            let mut any_ts = false;
            let mut errors = 0u32;
            let mut max_depth = 0u32;
            // The raw spans are read in input order and each is written to its pre-order
            // slot: the output region of one trace is small enough to stay in cache, while
            // reading the bigger raw spans in pre-order would jump around memory.
            out_spans.resize(base as usize + group.len(), BLANK_SPAN);
            let out = &mut out_spans[base as usize..];
            for (pos, &raw) in group.iter().enumerate() {
                let i = b.new_pos[pos] as usize;
                final_of_raw[raw as usize] = base + i as u32;
                let r = &self.spans[raw as usize];
                let f = flags[raw as usize];
                let dur = r.duration_ns.unwrap_or(0);
                if r.start_ns.is_some() {
                    any_ts = true;
                    end_max = end_max.max(b.start[i].saturating_add(dur));
                }
                if f & span_flags::ERROR != 0 {
                    errors += 1;
                }
                max_depth = max_depth.max(b.depth[i] + 1);
                out[i] = Span {
                    trace: t_idx as u32,
                    span_id: r.span_id,
                    parent_id: r.parent_id,
                    parent: if b.out_parent[i] == NO_SPAN { NO_SPAN } else { base + b.out_parent[i] },
                    subtree_end: base + b.subtree_end[i],
                    depth: b.depth[i],
                    child_count: b.child_count[pos],
                    start_ns: b.start[i],
                    duration_ns: dur,
                    name: r.name,
                    kind: r.kind,
                    status: r.status,
                    status_message: r.status_message,
                    resource: r.resource,
                    scope: r.scope.min(last_scope),
                    attrs: r.attrs,
                    events: r.events,
                    links: r.links,
                    trace_state: r.trace_state,
                    w3c_flags: r.w3c_flags,
                    dropped_attrs: r.dropped_attrs,
                    dropped_events: r.dropped_events,
                    dropped_links: r.dropped_links,
                    flags: f,
                    input_index: raw,
                };
            }
            traces.push(Trace {
                trace_id: self.spans[group[0] as usize].trace_id,
                spans: Range32::new(base as usize, out_spans.len()),
                root: base + b.root_pos,
                start_ns: t_start,
                duration_ns: if any_ts { end_max - t_start } else { 0 },
                max_depth,
                errors,
                warnings: Range32::default(),
            });
        }
        drop(scratch);
        drop(groups);
        // The raw spans are copied out; free them before the warnings are sorted.
        self.spans = Vec::new();

        // Warnings: grouped by trace, within a trace by span position then kind.
        let mut keyed: Vec<(u32, u32, WarningKind, usize)> = Vec::with_capacity(warn_by_raw.len());
        let mut set_level: Vec<Warning> = Vec::new();
        for (wi, w) in warn_by_raw.iter().enumerate() {
            if w.span == NO_SPAN || w.span as usize >= n {
                set_level.push(Warning { kind: w.kind, span: NO_SPAN, message: w.message.clone() });
                continue;
            }
            let fi = final_of_raw[w.span as usize];
            let t = out_spans[fi as usize].trace;
            keyed.push((t, fi, w.kind, wi));
        }
        keyed.sort();
        let mut warnings: Vec<Warning> = Vec::with_capacity(keyed.len() + set_level.len());
        let mut k = 0;
        for (t_idx, trace) in traces.iter_mut().enumerate() {
            let begin = warnings.len();
            while k < keyed.len() && keyed[k].0 as usize == t_idx {
                let (_, fi, kind, wi) = keyed[k];
                warnings.push(Warning { kind, span: fi, message: std::mem::take(&mut warn_by_raw[wi].message) });
                k += 1;
            }
            trace.warnings = Range32::new(begin, warnings.len());
        }
        let set_begin = warnings.len();
        warnings.extend(set_level);
        let set_warnings = Range32::new(set_begin, warnings.len());

        self.strings.freeze();
        // The arenas grew by doubling while reading; give the slack back (in wasm the
        // capacity is memory the tab holds for as long as the set lives).
        self.attrs.shrink_to_fit();
        self.values.shrink_to_fit();
        self.events.shrink_to_fit();
        self.links.shrink_to_fit();
        TraceSet {
            strings: self.strings,
            traces,
            spans: out_spans,
            attrs: self.attrs,
            values: self.values,
            events: self.events,
            links: self.links,
            resources: self.resources,
            scopes: self.scopes,
            warnings,
            set_warnings,
            sources: self.sources,
        }
    }
}

/// Filler for output slots that are overwritten right away.
const BLANK_SPAN: Span = Span {
    trace: 0,
    span_id: SpanId::Hex(0),
    parent_id: None,
    parent: NO_SPAN,
    subtree_end: 0,
    depth: 0,
    child_count: 0,
    start_ns: 0,
    duration_ns: 0,
    name: StrId::EMPTY,
    kind: SpanKind::Unspecified,
    status: StatusCode::Unset,
    status_message: StrId::EMPTY,
    resource: 0,
    scope: 0,
    attrs: Range32 { start: 0, len: 0 },
    events: Range32 { start: 0, len: 0 },
    links: Range32 { start: 0, len: 0 },
    trace_state: StrId::EMPTY,
    w3c_flags: 0,
    dropped_attrs: 0,
    dropped_events: 0,
    dropped_links: 0,
    flags: 0,
    input_index: 0,
};

/// Assigns raw spans to traces, in order of first appearance of each trace id.
#[derive(Default)]
struct Grouper {
    index: HashMap<TraceId, u32>,
    /// The last trace id seen and its group: spans of one trace usually come
    /// together, so most spans skip the hash lookup.
    last: Option<(TraceId, u32)>,
    group_of: Vec<u32>,
    sizes: Vec<u32>,
    start_ns: Vec<Option<TimeNs>>,
}

impl Grouper {
    fn add(&mut self, trace_id: TraceId, start_ns: Option<TimeNs>) {
        let g = match self.last {
            Some((tid, g)) if tid == trace_id => g,
            _ => {
                let (sizes, starts) = (&mut self.sizes, &mut self.start_ns);
                let g = *self.index.entry(trace_id).or_insert_with(|| {
                    sizes.push(0);
                    starts.push(None);
                    sizes.len() as u32 - 1
                });
                self.last = Some((trace_id, g));
                g
            }
        };
        self.group_of.push(g);
        self.sizes[g as usize] += 1;
        if let Some(t) = start_ns {
            let m = &mut self.start_ns[g as usize];
            *m = Some(m.map_or(t, |m| m.min(t)));
        }
    }

    fn finish(self) -> Groups {
        let mut bounds: Vec<u32> = Vec::with_capacity(self.sizes.len() + 1);
        bounds.push(0);
        for &c in &self.sizes {
            bounds.push(bounds[bounds.len() - 1] + c);
        }
        let mut fill: Vec<u32> = bounds[..self.sizes.len()].to_vec();
        let mut members = vec![0u32; self.group_of.len()];
        for (i, &g) in self.group_of.iter().enumerate() {
            members[fill[g as usize] as usize] = i as u32;
            fill[g as usize] += 1;
        }
        Groups { members, bounds, start_ns: self.start_ns.into_iter().map(|t| t.unwrap_or(0)).collect() }
    }
}

/// Raw spans grouped by trace id, in order of first appearance: group `g` holds the
/// raw indices `members[bounds[g]..bounds[g + 1]]` in input order.
struct Groups {
    members: Vec<u32>,
    bounds: Vec<u32>,
    /// Earliest start of each group among spans that have one (0 when none has).
    start_ns: Vec<TimeNs>,
}

impl Groups {
    fn len(&self) -> usize {
        self.bounds.len() - 1
    }
    fn members(&self, g: usize) -> &[u32] {
        &self.members[self.bounds[g] as usize..self.bounds[g + 1] as usize]
    }
}

/// One trace's tree, laid out by [`TraceScratch::build`]. Per-span vectors indexed by
/// "pos" follow the group's input order; those indexed by "i" follow the pre-order.
/// The buffers are kept from one trace to the next to save allocations.
#[derive(Default)]
struct TraceScratch {
    // ── by pos (input order within the trace) ──
    /// (start or u64::MAX, span id): the sibling and cycle-breaking key, gathered once
    /// so that sorting does not chase the raw spans.
    key: Vec<(TimeNs, SpanId)>,
    /// The parent reference as read.
    parent_ref: Vec<Option<SpanId>>,
    /// Duration, 0 when missing.
    duration: Vec<DurNs>,
    by_id: HashMap<SpanId, u32>,
    repeated: Vec<u32>,
    /// Client half of a Zipkin shared server span.
    shared_parent: Vec<u32>,
    parent: Vec<u32>,
    color: Vec<u8>,
    path: Vec<u32>,
    child_count: Vec<u32>,
    child_start: Vec<u32>,
    fill: Vec<u32>,
    children: Vec<u32>,
    roots: Vec<u32>,
    new_pos: Vec<u32>,
    stack: Vec<(u32, u32)>,
    // ── by i (pre-order) ──
    /// pos of the i-th span.
    order: Vec<u32>,
    /// i of the parent, or NO_SPAN.
    out_parent: Vec<u32>,
    depth: Vec<u32>,
    subtree_end: Vec<u32>,
    start: Vec<TimeNs>,
    /// i of the trace root.
    root_pos: u32,
}

/// Clears `v` and fills it with `m` copies of `x`, keeping its allocation.
fn reset<T: Clone>(v: &mut Vec<T>, m: usize, x: T) {
    v.clear();
    v.resize(m, x);
}

impl TraceScratch {
    /// Links parents, breaks cycles, sorts siblings and lays the trace out in pre-order.
    /// `group` holds the raw indices of the trace's spans in input order.
    fn build(&mut self, spans: &[RawSpan], group: &[u32], flags: &mut [u16], warnings: &mut Vec<RawWarning>, strings: &Strings) {
        let m = group.len();
        let sid = |raw: u32| spans[raw as usize].span_id.to_text(strings);
        // One gather of the fields the tree needs, so that later steps read small
        // arrays instead of chasing the raw spans.
        self.key.clear();
        self.parent_ref.clear();
        self.duration.clear();
        for &raw in group {
            let s = &spans[raw as usize];
            self.key.push((s.start_ns.unwrap_or(u64::MAX), s.span_id));
            self.parent_ref.push(s.parent_id);
            self.duration.push(s.duration_ns.unwrap_or(0));
        }
        // 1. Id map: the first span with an id wins. Where spans share an id and one
        //    is a Zipkin shared server half, the RPC pair is the server half and the
        //    first CLIENT span of that id (else the first non-server span): the server
        //    half becomes the client half's child and takes over the id for children.
        //    Every other span with that id is a duplicate.
        if self.by_id.capacity() > 4 * m + 64 {
            // A big map left by an earlier trace would make clearing cost its capacity.
            self.by_id = HashMap::default();
        }
        self.by_id.clear();
        self.by_id.reserve(m);
        self.repeated.clear();
        for (pos, &(_, id)) in self.key.iter().enumerate() {
            match self.by_id.entry(id) {
                std::collections::hash_map::Entry::Occupied(_) => self.repeated.push(pos as u32),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(pos as u32);
                }
            }
        }
        reset(&mut self.shared_parent, m, NO_SPAN);
        if !self.repeated.is_empty() {
            let by_id = &mut self.by_id;
            let mut same: HashMap<SpanId, Vec<u32>> = HashMap::default();
            for &pos in &self.repeated {
                let id = self.key[pos as usize].1;
                let first = by_id.get(&id).copied().unwrap_or(pos);
                same.entry(id).or_insert_with(|| vec![first]).push(pos);
            }
            let mut ids: Vec<SpanId> = same.keys().copied().collect();
            ids.sort_unstable();
            for id in ids {
                let Some(list) = same.get(&id) else { continue };
                let is_server = |p: u32| spans[group[p as usize] as usize].flags & span_flags::SHARED_SERVER != 0;
                let server = list.iter().copied().find(|&p| is_server(p));
                let client = server.and_then(|_| {
                    list.iter()
                        .copied()
                        .find(|&p| !is_server(p) && spans[group[p as usize] as usize].kind == SpanKind::Client)
                        .or_else(|| list.iter().copied().find(|&p| !is_server(p)))
                });
                let keep: Vec<u32> = match (server, client) {
                    (Some(sv), Some(cl)) => {
                        self.shared_parent[sv as usize] = cl;
                        by_id.insert(id, sv);
                        vec![sv, cl]
                    }
                    _ => vec![list[0]],
                };
                for &p in list {
                    if keep.contains(&p) {
                        continue;
                    }
                    let raw = group[p as usize];
                    flags[raw as usize] |= span_flags::DUPLICATE_ID;
                    warnings.push(RawWarning {
                        kind: WarningKind::DuplicateSpanId,
                        span: raw,
                        message: format!("span id {} appears more than once; children attach to the first", sid(raw)),
                    });
                }
            }
        }
        // 2. Resolve parents.
        reset(&mut self.parent, m, NO_SPAN);
        for (pos, &raw) in group.iter().enumerate() {
            if self.shared_parent[pos] != NO_SPAN {
                self.parent[pos] = self.shared_parent[pos];
                continue;
            }
            let Some(pid) = self.parent_ref[pos] else { continue };
            if pid == self.key[pos].1 {
                flags[raw as usize] |= span_flags::SELF_PARENT;
                warnings.push(RawWarning {
                    kind: WarningKind::SelfParent,
                    span: raw,
                    message: format!("span {} names itself as its parent; shown as a root", sid(raw)),
                });
                continue;
            }
            match self.by_id.get(&pid) {
                Some(&p) if p as usize != pos => self.parent[pos] = p,
                _ => {
                    flags[raw as usize] |= span_flags::ORPHAN;
                    warnings.push(RawWarning {
                        kind: WarningKind::Orphan,
                        span: raw,
                        message: format!(
                            "parent {} of span {} is not loaded; shown as a root of its own subtree",
                            pid.to_text(strings),
                            sid(raw)
                        ),
                    });
                }
            }
        }
        // 3. Break cycles. Walk up from each unvisited span with colors; a span met
        //    again on the current path closes a cycle.
        reset(&mut self.color, m, 0u8); // 0 new, 1 on path, 2 done
        for first in 0..m as u32 {
            if self.color[first as usize] != 0 {
                continue;
            }
            self.path.clear();
            let mut cur = first;
            loop {
                if cur == NO_SPAN || self.color[cur as usize] == 2 {
                    break;
                }
                if self.color[cur as usize] == 1 {
                    // Cycle: from `cur` along the path to its end.
                    let at = self.path.iter().position(|&p| p == cur).unwrap_or(0);
                    let cycle = &self.path[at..];
                    let breaker = cycle.iter().copied().min_by_key(|&p| self.key[p as usize]).unwrap_or(cur);
                    self.parent[breaker as usize] = NO_SPAN;
                    let raw = group[breaker as usize];
                    flags[raw as usize] |= span_flags::CYCLE;
                    warnings.push(RawWarning {
                        kind: WarningKind::Cycle,
                        span: raw,
                        message: format!(
                            "span {} is part of a parent cycle of {} spans; the cycle is cut here and it is shown as a root",
                            sid(raw),
                            cycle.len()
                        ),
                    });
                    break;
                }
                self.color[cur as usize] = 1;
                self.path.push(cur);
                cur = self.parent[cur as usize];
            }
            for &p in &self.path {
                self.color[p as usize] = 2;
            }
        }
        // 4. Children lists (CSR), siblings sorted by (start, span id, input order).
        reset(&mut self.child_count, m, 0);
        for &p in &self.parent {
            if p != NO_SPAN {
                self.child_count[p as usize] += 1;
            }
        }
        reset(&mut self.child_start, m + 1, 0);
        for pos in 0..m {
            self.child_start[pos + 1] = self.child_start[pos] + self.child_count[pos];
        }
        self.fill.clear();
        self.fill.extend_from_slice(&self.child_start[..m]);
        reset(&mut self.children, self.child_start[m] as usize, 0);
        for (pos, &p) in self.parent.iter().enumerate() {
            if p != NO_SPAN {
                self.children[self.fill[p as usize] as usize] = pos as u32;
                self.fill[p as usize] += 1;
            }
        }
        let key = &self.key;
        let sort_key = |pos: &u32| -> (TimeNs, SpanId, u32) {
            let (t, id) = key[*pos as usize];
            (t, id, *pos)
        };
        for pos in 0..m {
            let r = self.child_start[pos] as usize..self.child_start[pos + 1] as usize;
            if r.len() > 1 {
                self.children[r].sort_unstable_by_key(sort_key);
            }
        }
        // 5. Trace root: earliest-starting span with no parent reference at all;
        //    else the earliest-starting span. Ties: longer duration, smaller id.
        let duration = &self.duration;
        let root_rank = |pos: u32| {
            let (start, id) = key[pos as usize];
            (start, std::cmp::Reverse(duration[pos as usize]), id, pos)
        };
        let (shared_parent, parent_ref) = (&self.shared_parent, &self.parent_ref);
        let no_ref_root = (0..m as u32)
            .filter(|&p| parent_ref[p as usize].is_none() && shared_parent[p as usize] == NO_SPAN)
            .min_by_key(|&p| root_rank(p));
        let trace_root = no_ref_root.or_else(|| (0..m as u32).min_by_key(|&p| root_rank(p))).unwrap_or(0);
        // The root of the trace root's subtree goes first; then other roots by start.
        let mut top = trace_root;
        let mut guard = 0;
        while self.parent[top as usize] != NO_SPAN && guard <= m {
            top = self.parent[top as usize];
            guard += 1;
        }
        self.roots.clear();
        self.roots.extend((0..m as u32).filter(|&p| self.parent[p as usize] == NO_SPAN && p != top));
        self.roots.sort_unstable_by_key(sort_key);
        self.roots.insert(0, top);
        // 6. Pre-order DFS with an explicit stack.
        self.order.clear();
        reset(&mut self.new_pos, m, NO_SPAN);
        self.out_parent.clear();
        self.depth.clear();
        self.stack.clear(); // (pos, depth)
        for &r in &self.roots {
            self.stack.push((r, 0));
            while let Some((pos, d)) = self.stack.pop() {
                self.new_pos[pos as usize] = self.order.len() as u32;
                self.order.push(pos);
                self.depth.push(d);
                let p = self.parent[pos as usize];
                self.out_parent.push(if p == NO_SPAN { NO_SPAN } else { self.new_pos[p as usize] });
                let r = self.child_start[pos as usize] as usize..self.child_start[pos as usize + 1] as usize;
                for &c in self.children[r].iter().rev() {
                    self.stack.push((c, d + 1));
                }
            }
        }
        // subtree_end: walk backwards, each span's end is the max of its children's ends.
        self.subtree_end.clear();
        self.subtree_end.extend(1..=m as u32);
        for i in (0..m).rev() {
            let p = self.out_parent[i];
            if p != NO_SPAN {
                let e = self.subtree_end[i];
                if e > self.subtree_end[p as usize] {
                    self.subtree_end[p as usize] = e;
                }
            }
        }
        // 7. Times: a missing timestamp takes the parent's start; clock skew.
        reset(&mut self.start, m, 0);
        for i in 0..m {
            let pos = self.order[i] as usize;
            let t = self.key[pos].0;
            let p = self.out_parent[i];
            if t != u64::MAX || spans[group[pos] as usize].start_ns.is_some() {
                self.start[i] = t;
                if p != NO_SPAN {
                    let ppos = self.order[p as usize] as usize;
                    let pt = self.key[ppos].0;
                    if t < pt && spans[group[ppos] as usize].start_ns.is_some() {
                        let raw = group[pos];
                        flags[raw as usize] |= span_flags::CLOCK_SKEW;
                        warnings.push(RawWarning {
                            kind: WarningKind::ClockSkew,
                            span: raw,
                            message: format!(
                                "span {} starts {} before its parent (clock skew?); times are shown as recorded",
                                sid(raw),
                                crate::format::duration(pt - t)
                            ),
                        });
                    }
                }
            } else {
                self.start[i] = if p == NO_SPAN { 0 } else { self.start[p as usize] };
            }
        }
        self.root_pos = self.new_pos[trace_root as usize];
    }
}
