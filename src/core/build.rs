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

use super::model::*;

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
        for i in 0..n {
            let r = self.spans[i].resource as usize;
            if r >= self.resources.len() {
                self.spans[i].resource = 0;
            }
            if missing_service.get(self.spans[i].resource as usize).copied().unwrap_or(false) {
                let id = self.spans[i].span_id.to_text(&self.strings);
                self.warnings.push(RawWarning {
                    kind: WarningKind::MissingService,
                    span: i as u32,
                    message: format!("span {id} has no service name; shown as {UNKNOWN_SERVICE}"),
                });
            }
        }
        if self.scopes.is_empty() {
            self.empty_scope();
        }

        // Group spans by trace id, in input order of first appearance.
        let mut trace_index: HashMap<TraceId, u32> = HashMap::default();
        let mut groups: Vec<Vec<u32>> = Vec::new();
        for (i, s) in self.spans.iter().enumerate() {
            let g = *trace_index.entry(s.trace_id).or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() as u32 - 1
            });
            groups[g as usize].push(i as u32);
        }

        // Per raw span: extra flags and warnings found while building.
        let mut flags: Vec<u16> = self.spans.iter().map(|s| s.flags).collect();
        let mut warn_by_raw: Vec<RawWarning> = std::mem::take(&mut self.warnings);

        struct BuiltTrace {
            trace_id: TraceId,
            order: Vec<u32>,   // raw indices in pre-order
            parent: Vec<u32>,  // position in `order` of the parent, or NO_SPAN
            depth: Vec<u32>,
            subtree_end: Vec<u32>,
            child_count: Vec<u32>,
            start: Vec<TimeNs>,
            root_pos: u32,
        }

        let mut built: Vec<BuiltTrace> = Vec::with_capacity(groups.len());
        for group in &groups {
            built.push(build_trace(&self.spans, group, &mut flags, &mut warn_by_raw, &self.strings));
        }

        fn build_trace(
            spans: &[RawSpan],
            group: &[u32],
            flags: &mut [u16],
            warnings: &mut Vec<RawWarning>,
            strings: &Strings,
        ) -> BuiltTrace {
            let m = group.len();
            let sid = |raw: u32| spans[raw as usize].span_id.to_text(strings);
            // 1. Id map: the first span with an id wins. Where spans share an id and one
            //    is a Zipkin shared server half, the RPC pair is the server half and the
            //    first CLIENT span of that id (else the first non-server span): the server
            //    half becomes the client half's child and takes over the id for children.
            //    Every other span with that id is a duplicate.
            let mut by_id: HashMap<SpanId, u32> = HashMap::with_capacity_and_hasher(m, Default::default());
            let mut repeated: Vec<u32> = Vec::new();
            for (pos, &raw) in group.iter().enumerate() {
                let s = &spans[raw as usize];
                if by_id.contains_key(&s.span_id) {
                    repeated.push(pos as u32);
                } else {
                    by_id.insert(s.span_id, pos as u32);
                }
            }
            // client half of a shared server span (local position)
            let mut shared_parent: Vec<u32> = vec![NO_SPAN; m];
            if !repeated.is_empty() {
                let mut same: HashMap<SpanId, Vec<u32>> = HashMap::default();
                for &pos in &repeated {
                    let id = spans[group[pos as usize] as usize].span_id;
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
                            shared_parent[sv as usize] = cl;
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
            let mut parent: Vec<u32> = vec![NO_SPAN; m];
            for pos in 0..m {
                let raw = group[pos];
                let s = &spans[raw as usize];
                if shared_parent[pos] != NO_SPAN {
                    parent[pos] = shared_parent[pos];
                    continue;
                }
                let Some(pid) = s.parent_id else { continue };
                if pid == s.span_id {
                    flags[raw as usize] |= span_flags::SELF_PARENT;
                    warnings.push(RawWarning {
                        kind: WarningKind::SelfParent,
                        span: raw,
                        message: format!("span {} names itself as its parent; shown as a root", sid(raw)),
                    });
                    continue;
                }
                match by_id.get(&pid) {
                    Some(&p) if p as usize != pos => parent[pos] = p,
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
            let start_key = |pos: u32| -> (TimeNs, SpanId) {
                let s = &spans[group[pos as usize] as usize];
                (s.start_ns.unwrap_or(u64::MAX), s.span_id)
            };
            let mut color: Vec<u8> = vec![0; m]; // 0 new, 1 on path, 2 done
            let mut path: Vec<u32> = Vec::new();
            for first in 0..m as u32 {
                if color[first as usize] != 0 {
                    continue;
                }
                path.clear();
                let mut cur = first;
                loop {
                    if cur == NO_SPAN || color[cur as usize] == 2 {
                        break;
                    }
                    if color[cur as usize] == 1 {
                        // Cycle: from `cur` along the path to its end.
                        let at = path.iter().position(|&p| p == cur).unwrap_or(0);
                        let cycle = &path[at..];
                        let breaker = cycle.iter().copied().min_by_key(|&p| start_key(p)).unwrap_or(cur);
                        parent[breaker as usize] = NO_SPAN;
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
                    color[cur as usize] = 1;
                    path.push(cur);
                    cur = parent[cur as usize];
                }
                for &p in &path {
                    color[p as usize] = 2;
                }
            }
            // 4. Children lists, siblings sorted by (start, span id, input order).
            let mut child_count = vec![0u32; m];
            for pos in 0..m {
                if parent[pos] != NO_SPAN {
                    child_count[parent[pos] as usize] += 1;
                }
            }
            let mut child_start = vec![0u32; m + 1];
            for pos in 0..m {
                child_start[pos + 1] = child_start[pos] + child_count[pos];
            }
            let mut fill = child_start.clone();
            let mut children = vec![0u32; child_start[m] as usize];
            for pos in 0..m {
                let p = parent[pos];
                if p != NO_SPAN {
                    children[fill[p as usize] as usize] = pos as u32;
                    fill[p as usize] += 1;
                }
            }
            let sort_key = |pos: &u32| -> (TimeNs, SpanId, u32) {
                let (t, id) = start_key(*pos);
                (t, id, *pos)
            };
            for pos in 0..m {
                let r = child_start[pos] as usize..child_start[pos + 1] as usize;
                children[r].sort_unstable_by_key(sort_key);
            }
            // 5. Trace root: earliest-starting span with no parent reference at all;
            //    else the earliest-starting span. Ties: longer duration, smaller id.
            let root_rank = |pos: u32| {
                let s = &spans[group[pos as usize] as usize];
                (s.start_ns.unwrap_or(u64::MAX), std::cmp::Reverse(s.duration_ns.unwrap_or(0)), s.span_id, pos)
            };
            let no_ref_root = (0..m as u32)
                .filter(|&p| spans[group[p as usize] as usize].parent_id.is_none() && shared_parent[p as usize] == NO_SPAN)
                .min_by_key(|&p| root_rank(p));
            let trace_root = no_ref_root.or_else(|| (0..m as u32).min_by_key(|&p| root_rank(p))).unwrap_or(0);
            // The root of the trace root's subtree goes first; then other roots by start.
            let mut top = trace_root;
            let mut guard = 0;
            while parent[top as usize] != NO_SPAN && guard <= m {
                top = parent[top as usize];
                guard += 1;
            }
            let mut roots: Vec<u32> = (0..m as u32).filter(|&p| parent[p as usize] == NO_SPAN && p != top).collect();
            roots.sort_unstable_by_key(sort_key);
            roots.insert(0, top);
            // 6. Pre-order DFS with an explicit stack.
            let mut order: Vec<u32> = Vec::with_capacity(m);
            let mut new_pos = vec![NO_SPAN; m];
            let mut out_parent = Vec::with_capacity(m);
            let mut depth = Vec::with_capacity(m);
            let mut stack: Vec<(u32, u32)> = Vec::new(); // (local pos, depth)
            for &r in &roots {
                stack.push((r, 0));
                while let Some((pos, d)) = stack.pop() {
                    new_pos[pos as usize] = order.len() as u32;
                    order.push(pos);
                    depth.push(d);
                    let p = parent[pos as usize];
                    out_parent.push(if p == NO_SPAN { NO_SPAN } else { new_pos[p as usize] });
                    let r = child_start[pos as usize] as usize..child_start[pos as usize + 1] as usize;
                    for &c in children[r].iter().rev() {
                        stack.push((c, d + 1));
                    }
                }
            }
            // subtree_end: walk backwards, each span's end is the max of its children's ends.
            let mut subtree_end: Vec<u32> = (1..=m as u32).collect();
            for i in (0..m).rev() {
                let p = out_parent[i];
                if p != NO_SPAN {
                    let e = subtree_end[i];
                    if e > subtree_end[p as usize] {
                        subtree_end[p as usize] = e;
                    }
                }
            }
            // 7. Times: a missing timestamp takes the parent's start; clock skew.
            let mut start = vec![0u64; m];
            for i in 0..m {
                let raw = group[order[i] as usize];
                let s = &spans[raw as usize];
                let p = out_parent[i];
                match s.start_ns {
                    Some(t) => {
                        start[i] = t;
                        if p != NO_SPAN {
                            let praw = group[order[p as usize] as usize];
                            if let Some(pt) = spans[praw as usize].start_ns {
                                if t < pt {
                                    flags[raw as usize] |= span_flags::CLOCK_SKEW;
                                    warnings.push(RawWarning {
                                        kind: WarningKind::ClockSkew,
                                        span: raw,
                                        message: format!(
                                            "span {} starts {} before its parent (clock skew?); times are shown as recorded",
                                            sid(raw),
                                            crate::core::format::duration(pt - t)
                                        ),
                                    });
                                }
                            }
                        }
                    }
                    None => {
                        start[i] = if p == NO_SPAN { 0 } else { start[p as usize] };
                    }
                }
            }
            let child_count_out: Vec<u32> = order.iter().map(|&pos| child_count[pos as usize]).collect();
            let order_raw: Vec<u32> = order.iter().map(|&pos| group[pos as usize]).collect();
            BuiltTrace {
                trace_id: spans[group[0] as usize].trace_id,
                order: order_raw,
                parent: out_parent,
                depth,
                subtree_end,
                child_count: child_count_out,
                start,
                root_pos: new_pos[trace_root as usize],
            }
        }

        // Missing timestamps/durations and negative durations: warnings per raw span.
        for (i, s) in self.spans.iter().enumerate() {
            let id = || s.span_id.to_text(&self.strings);
            if s.start_ns.is_none() {
                flags[i] |= span_flags::MISSING_TIMESTAMP;
                warn_by_raw.push(RawWarning {
                    kind: WarningKind::MissingTimestamp,
                    span: i as u32,
                    message: format!("span {} has no timestamp; shown at its parent's start", id()),
                });
            }
            if s.duration_ns.is_none() && s.flags & span_flags::NEGATIVE_DURATION == 0 {
                flags[i] |= span_flags::MISSING_DURATION;
                warn_by_raw.push(RawWarning {
                    kind: WarningKind::MissingDuration,
                    span: i as u32,
                    message: format!("span {} has no duration; shown as 0", id()),
                });
            }
        }

        // Order traces by (start, trace id text).
        let mut trace_start: Vec<(TimeNs, String, usize)> = built
            .iter()
            .enumerate()
            .map(|(k, b)| {
                let st = b
                    .order
                    .iter()
                    .filter_map(|&raw| self.spans[raw as usize].start_ns)
                    .min()
                    .unwrap_or(0);
                (st, b.trace_id.to_text(&self.strings), k)
            })
            .collect();
        trace_start.sort();

        // Map raw index -> final index, then emit spans.
        let mut final_of_raw = vec![NO_SPAN; n];
        let mut out_spans: Vec<Span> = Vec::with_capacity(n);
        let mut traces: Vec<Trace> = Vec::with_capacity(built.len());
        for (t_idx, (t_start, _, k)) in trace_start.iter().enumerate() {
            let b = &built[*k];
            let base = out_spans.len() as u32;
            let mut end_max = *t_start;
            let mut any_ts = false;
            let mut errors = 0u32;
            let mut max_depth = 0u32;
            for (i, &raw) in b.order.iter().enumerate() {
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
                out_spans.push(Span {
                    trace: t_idx as u32,
                    span_id: r.span_id,
                    parent_id: r.parent_id,
                    parent: if b.parent[i] == NO_SPAN { NO_SPAN } else { base + b.parent[i] },
                    subtree_end: base + b.subtree_end[i],
                    depth: b.depth[i],
                    child_count: b.child_count[i],
                    start_ns: b.start[i],
                    duration_ns: dur,
                    name: r.name,
                    kind: r.kind,
                    status: r.status,
                    status_message: r.status_message,
                    resource: r.resource,
                    scope: r.scope.min(self.scopes.len().saturating_sub(1) as u32),
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
                });
            }
            traces.push(Trace {
                trace_id: b.trace_id,
                spans: Range32::new(base as usize, out_spans.len()),
                root: base + b.root_pos,
                start_ns: *t_start,
                duration_ns: if any_ts { end_max - t_start } else { 0 },
                max_depth,
                errors,
                warnings: Range32::default(),
            });
        }

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
