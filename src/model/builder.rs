//! Raw spans in, a [`TraceSet`] out: groups spans into traces, links parents,
//! finds orphans, duplicates, cycles and clock skew, and lays every trace out in
//! depth-first pre-order. Never drops a span: every problem becomes a [`Warning`].
//!
//! ```text
//!  parsers ──push_span()──▶ SetBuilder { raw spans in input order }
//!                                │ check_arenas(): every arena within the u32 index limit
//!                                │ finish()
//!   settle_resources  ──▶ unknown_service for resources without a name
//!   flag_missing      ──▶ missing_service / missing_timestamp / missing_duration; group by trace id
//!   trace_order       ──▶ traces by (start, trace id text, first appearance)
//!   for each trace, TraceScratch::build:
//!     map_ids         ──▶ id map (first span with an id wins; Zipkin server halves win for
//!                          their children); duplicate_span_id
//!     link_parents    ──▶ orphan / self_parent
//!     break_cycles    ──▶ cut at the earliest-starting span (ties: smaller id); cycle
//!     sort_children   ──▶ siblings by (start, span id, input order)
//!     order_roots     ──▶ the trace root's tree first, then other roots by start
//!     lay_out         ──▶ pre-order DFS with an explicit stack; subtree ends
//!     fill_times      ──▶ missing timestamps take the parent's start; clock_skew
//!   Output::push_trace ─▶ each span written to its pre-order slot
//!   place_warnings    ──▶ warnings grouped by trace, then the set-level ones
//! ```

use rustc_hash::FxHashMap as HashMap;

use super::arena::{self, ArenaFull, ArenaLimit};
use super::tree::{TraceInput, TraceScratch};
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
    /// Per raw span, where its JSON object starts in its input (a byte offset), or
    /// `u32::MAX` when that is not known; filled by the readers (`parse::places`).
    pub span_at: Vec<u32>,
    /// The address and length of the input being read, to turn text borrowed from it
    /// into offsets (`parse::read_input` sets it).
    pub reading: (usize, usize),
    /// The empty scope, created on demand.
    empty_scope: Option<u32>,
    /// The most entries per arena (see [`SetBuilder::check_arenas`]).
    arena_limit: ArenaLimit,
}

/// The service name given to spans whose resource has none.
pub const UNKNOWN_SERVICE: &str = "unknown_service";

impl SetBuilder {
    pub fn new() -> SetBuilder {
        SetBuilder::default()
    }

    /// A builder whose arenas hold at most `limit` entries instead of
    /// [`arena::ARENA_LIMIT`]: lets tests reach the limit with a few spans.
    pub fn with_arena_limit(limit: usize) -> SetBuilder {
        SetBuilder { arena_limit: ArenaLimit(limit), ..SetBuilder::default() }
    }

    /// Checks that every arena the parsers filled still fits the model's `u32` indices,
    /// counting the `unknown_service` name [`SetBuilder::finish`] adds. Call it after each
    /// input, to name the input that went over: past the limit, the ranges read so far
    /// are not exact, and `finish` builds nothing.
    pub fn check_arenas(&self) -> Result<(), ArenaFull> {
        let limit = self.arena_limit.0;
        let (text, _) = self.strings.raw_parts();
        let unknown = if self.strings.find(UNKNOWN_SERVICE).is_some() { 0 } else { 1 };
        arena::check("bytes of string text", text.len() + unknown * UNKNOWN_SERVICE.len(), limit)?;
        arena::check("strings", self.strings.len() + unknown, limit)?;
        arena::check("spans", self.spans.len(), limit)?;
        arena::check("attributes", self.attrs.len(), limit)?;
        arena::check("attribute values", self.values.len(), limit)?;
        arena::check("events", self.events.len(), limit)?;
        arena::check("links", self.links.len(), limit)?;
        arena::check("resources", self.resources.len(), limit)?;
        arena::check("scopes", self.scopes.len(), limit)
    }

    /// Adds a resource. An empty service name becomes `unknown_service`; the spans
    /// that use it are flagged `missing_service` when the set is built.
    pub fn add_resource(&mut self, service: &str, attrs: Range32, dropped_attrs: u32, schema_url: StrId) -> u32 {
        let service = if service.trim().is_empty() { StrId::EMPTY } else { self.strings.intern(service) };
        self.resources.push(Resource { service, attrs, dropped_attrs, schema_url });
        arena::index_u32(self.resources.len() - 1)
    }

    pub fn add_scope(&mut self, name: &str, version: &str, attrs: Range32, dropped_attrs: u32, schema_url: StrId) -> u32 {
        let name = self.strings.intern(name);
        let version = self.strings.intern(version);
        self.scopes.push(Scope { name, version, attrs, dropped_attrs, schema_url });
        arena::index_u32(self.scopes.len() - 1)
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
        arena::index_u32(self.spans.len() - 1)
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
    ///
    /// When an arena is over the limit ([`SetBuilder::check_arenas`]) the set holds no
    /// trace, only a set-level warning saying which arena and what limit. Otherwise every
    /// count below is at most the number of raw spans, so the `u32` indices are exact.
    pub fn finish(mut self) -> TraceSet {
        let missing_service = self.settle_resources();
        if let Err(full) = self.check_arenas() {
            let warnings = vec![Warning { kind: WarningKind::Input, span: NO_SPAN, message: full.to_string() }];
            let set_warnings = Range32 { start: 0, len: 1 };
            return TraceSet { warnings, set_warnings, sources: self.sources, ..TraceSet::default() };
        }
        let mut warn_by_raw: Vec<RawWarning> = std::mem::take(&mut self.warnings);
        let (mut flags, groups) = self.flag_missing(&missing_service, &mut warn_by_raw);
        let trace_order = self.trace_order(&groups);

        // Build each trace and write its spans in pre-order.
        let mut out = Output::with_capacity(self.spans.len(), groups.len());
        let mut scratch = TraceScratch::default();
        let last_scope = arena::index_u32(self.scopes.len().saturating_sub(1));
        for &(t_start, _, g) in &trace_order {
            let group = groups.members(g);
            let (spans, strings) = (&self.spans, &self.strings);
            let mut input = TraceInput { spans, group, strings, flags: &mut flags, warnings: &mut warn_by_raw };
            scratch.build(&mut input);
            out.push_trace(&self.spans, group, &scratch, &flags, t_start, last_scope);
        }
        drop(scratch);
        drop(groups);
        // The raw spans are copied out; free them before the warnings are sorted.
        self.spans = Vec::new();
        let Output { spans, mut traces, final_of_raw } = out;
        let limit = self.arena_limit.0;
        let (warnings, set_warnings) = place_warnings(warn_by_raw, &final_of_raw, &spans, &mut traces, limit);

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
            spans,
            attrs: self.attrs,
            values: self.values,
            events: self.events,
            links: self.links,
            resources: self.resources,
            scopes: self.scopes,
            warnings,
            set_warnings,
            sources: self.sources,
            skew: SkewState::default(),
        }
    }

    /// Gives resources without a service name `unknown_service`, and makes sure there is
    /// a resource and a scope for spans to point at. Returns, per resource, whether its
    /// name was missing.
    fn settle_resources(&mut self) -> Vec<bool> {
        let unknown = self.strings.intern(UNKNOWN_SERVICE);
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
        missing_service
    }

    /// One pass over the raw spans: fixes resource indices, flags and warns about missing
    /// services, timestamps and durations, and groups the spans by trace. Returns the
    /// flags of each raw span and the groups.
    fn flag_missing(&mut self, missing_service: &[bool], warnings: &mut Vec<RawWarning>) -> (Vec<u16>, Groups) {
        let mut flags: Vec<u16> = Vec::with_capacity(self.spans.len());
        let mut grouper = Grouper::default();
        for (i, s) in self.spans.iter_mut().enumerate() {
            let raw = arena::index_u32(i);
            if s.resource as usize >= self.resources.len() {
                s.resource = 0;
            }
            let mut f = s.flags;
            let id = |s: &RawSpan| s.span_id.to_text(&self.strings);
            if missing_service[s.resource as usize] {
                warnings.push(RawWarning {
                    kind: WarningKind::MissingService,
                    span: raw,
                    message: format!("span {} has no service name; shown as {UNKNOWN_SERVICE}", id(s)),
                });
            }
            if s.start_ns.is_none() {
                f |= span_flags::MISSING_TIMESTAMP;
                warnings.push(RawWarning {
                    kind: WarningKind::MissingTimestamp,
                    span: raw,
                    message: format!("span {} has no timestamp; shown at its parent's start", id(s)),
                });
            }
            if s.duration_ns.is_none() && s.flags & span_flags::NEGATIVE_DURATION == 0 {
                f |= span_flags::MISSING_DURATION;
                warnings.push(RawWarning {
                    kind: WarningKind::MissingDuration,
                    span: raw,
                    message: format!("span {} has no duration; shown as 0", id(s)),
                });
            }
            flags.push(f);
            grouper.add(s.trace_id, s.start_ns);
        }
        (flags, grouper.finish())
    }

    /// The order of the traces: by (start, trace id text, first appearance), each with
    /// its start and group.
    fn trace_order(&self, groups: &Groups) -> Vec<(TimeNs, String, usize)> {
        let mut order: Vec<(TimeNs, String, usize)> = (0..groups.len())
            .map(|g| (groups.start_ns[g], self.spans[groups.members(g)[0] as usize].trace_id.to_text(&self.strings), g))
            .collect();
        order.sort();
        order
    }
}

/// The built spans and traces, filled one trace at a time.
struct Output {
    spans: Vec<Span>,
    traces: Vec<Trace>,
    /// Final index of each raw span.
    final_of_raw: Vec<u32>,
}

impl Output {
    fn with_capacity(spans: usize, traces: usize) -> Output {
        let final_of_raw = vec![NO_SPAN; spans];
        Output { spans: Vec::with_capacity(spans), traces: Vec::with_capacity(traces), final_of_raw }
    }

    /// Writes the trace `b` laid out, from the raw spans of `group`, and its summary.
    fn push_trace(
        &mut self,
        raw_spans: &[RawSpan],
        group: &[u32],
        b: &TraceScratch,
        flags: &[u16],
        t_start: TimeNs,
        last_scope: u32,
    ) {
        let t_idx = arena::index_u32(self.traces.len());
        let base = arena::index_u32(self.spans.len());
        let mut end_max = t_start;
        let mut any_ts = false;
        let mut errors = 0u32;
        let mut max_depth = 0u32;
        // The raw spans are read in input order and each is written to its pre-order
        // slot: the output region of one trace is small enough to stay in cache, while
        // reading the bigger raw spans in pre-order would jump around memory.
        self.spans.resize(base as usize + group.len(), BLANK_SPAN);
        let out = &mut self.spans[base as usize..];
        for (pos, &raw) in group.iter().enumerate() {
            let i = b.new_pos[pos] as usize;
            self.final_of_raw[raw as usize] = base + b.new_pos[pos];
            let r = &raw_spans[raw as usize];
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
                trace: t_idx,
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
        self.traces.push(Trace {
            trace_id: raw_spans[group[0] as usize].trace_id,
            spans: Range32::new(base as usize, self.spans.len()),
            root: base + b.root_pos,
            start_ns: t_start,
            duration_ns: if any_ts { end_max - t_start } else { 0 },
            max_depth,
            errors,
            warnings: Range32::default(),
        });
    }
}

/// Puts the warnings in their final order: grouped by trace, within a trace by span
/// position then kind, then the set-level ones. Sets each trace's warning range and
/// returns the warnings with the set-level range. Past `limit` warnings, the last ones
/// give way to one set-level note that counts them.
fn place_warnings(
    mut raw: Vec<RawWarning>,
    final_of_raw: &[u32],
    spans: &[Span],
    traces: &mut [Trace],
    limit: usize,
) -> (Vec<Warning>, Range32) {
    let n = final_of_raw.len();
    let mut keyed: Vec<(u32, u32, WarningKind, usize)> = Vec::with_capacity(raw.len());
    let mut set_level: Vec<Warning> = Vec::new();
    for (wi, w) in raw.iter().enumerate() {
        if w.span == NO_SPAN || w.span as usize >= n {
            set_level.push(Warning { kind: w.kind, span: NO_SPAN, message: w.message.clone() });
            continue;
        }
        let fi = final_of_raw[w.span as usize];
        let t = spans[fi as usize].trace;
        keyed.push((t, fi, w.kind, wi));
    }
    keyed.sort();
    let total = keyed.len() + set_level.len();
    if total > limit && limit > 0 {
        set_level.truncate(limit - 1);
        keyed.truncate(limit - 1 - set_level.len());
        let dropped = total - keyed.len() - set_level.len();
        set_level.push(Warning {
            kind: WarningKind::Input,
            span: NO_SPAN,
            message: format!("{dropped} more warnings are not shown: one load holds at most {limit}"),
        });
    }
    let mut warnings: Vec<Warning> = Vec::with_capacity(keyed.len() + set_level.len());
    let mut k = 0;
    for (t_idx, trace) in traces.iter_mut().enumerate() {
        let begin = warnings.len();
        while k < keyed.len() && keyed[k].0 as usize == t_idx {
            let (_, fi, kind, wi) = keyed[k];
            warnings.push(Warning { kind, span: fi, message: std::mem::take(&mut raw[wi].message) });
            k += 1;
        }
        trace.warnings = Range32::new(begin, warnings.len());
    }
    let set_begin = warnings.len();
    warnings.extend(set_level);
    let set_warnings = Range32::new(set_begin, warnings.len());
    (warnings, set_warnings)
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
                    arena::index_u32(sizes.len() - 1)
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
            members[fill[g as usize] as usize] = arena::index_u32(i);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A builder with a small arena limit and `n` spans of one trace, none with a
    /// timestamp or a duration (two warnings each).
    fn spans_without_times(limit: usize, n: u64) -> SetBuilder {
        let mut b = SetBuilder::with_arena_limit(limit);
        let svc = b.add_resource("svc", Range32::default(), 0, StrId::EMPTY);
        for k in 1..=n {
            let mut s = RawSpan::new(TraceId::Hex(1), SpanId::Hex(k));
            s.resource = svc;
            b.push_span(s);
        }
        b
    }

    #[test]
    fn check_arenas_names_the_arena_past_the_limit() {
        // Within 20: 20 spans, 1 resource, 3 strings and 18 bytes of text ("", "svc" and
        // the "unknown_service" finish adds).
        assert_eq!(spans_without_times(20, 20).check_arenas(), Ok(()));
        let over = spans_without_times(20, 21);
        assert_eq!(over.check_arenas(), Err(ArenaFull { what: "spans", len: 21, limit: 20 }));
        // finish builds nothing past the limit, and says why in a set-level warning.
        let set = over.finish();
        assert!(set.spans.is_empty() && set.traces.is_empty());
        assert_eq!(set.set_warnings, Range32 { start: 0, len: 1 });
        assert_eq!(set.warnings[0].kind, WarningKind::Input);
        let message = "too much data for one load: 21 spans, more than the limit of 20. Load fewer or smaller files.";
        assert_eq!(set.warnings[0].message, message);
    }

    #[test]
    fn string_text_counts_against_the_limit() {
        // 8 bytes, plus the 15 of "unknown_service" that finish adds: 23.
        let mut b = SetBuilder::with_arena_limit(23);
        b.strings.intern("12345678");
        assert_eq!(b.check_arenas(), Ok(()));
        b.strings.intern("9");
        assert_eq!(b.check_arenas(), Err(ArenaFull { what: "bytes of string text", len: 24, limit: 23 }));
    }

    #[test]
    fn warnings_past_the_limit_give_way_to_one_note() {
        // 11 spans × 2 warnings = 22; the limit of 20 keeps 19 and a note for the other 3.
        // The arenas fit: 18 bytes of text ("svc" + "unknown_service"), 3 strings, 11 spans.
        let set = spans_without_times(20, 11).finish();
        assert_eq!(set.spans.len(), 11, "every span is kept");
        assert!(set.spans.iter().all(|s| s.has(span_flags::MISSING_TIMESTAMP) && s.has(span_flags::MISSING_DURATION)));
        assert_eq!(set.warnings.len(), 20);
        assert_eq!(set.traces[0].warnings, Range32 { start: 0, len: 19 });
        assert_eq!(set.set_warnings, Range32 { start: 19, len: 1 });
        assert_eq!(set.warnings[19].message, "3 more warnings are not shown: one load holds at most 20");
        // Under the limit nothing is dropped.
        assert_eq!(spans_without_times(22, 11).finish().warnings.len(), 22);
    }
}
