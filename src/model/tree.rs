//! One trace's raw spans in, its tree out: [`TraceScratch::build`] links parents, breaks
//! cycles, sorts siblings and lays the trace out in depth-first pre-order, reporting each
//! problem as a flag and a warning on the raw span. The phases, one method each, are
//! drawn in the [`super::builder`] module diagram.

use rustc_hash::FxHashMap as HashMap;

use super::arena;
use super::builder::{RawSpan, RawWarning};
use super::*;

/// One trace's raw spans, and where the phases of [`TraceScratch::build`] report the
/// problems they find.
pub(super) struct TraceInput<'a> {
    pub(super) spans: &'a [RawSpan],
    /// The raw indices of the trace's spans, in input order: "pos" indexes this.
    pub(super) group: &'a [u32],
    pub(super) strings: &'a Strings,
    /// Flags of every raw span.
    pub(super) flags: &'a mut [u16],
    pub(super) warnings: &'a mut Vec<RawWarning>,
}

impl TraceInput<'_> {
    /// The raw span at `pos`.
    fn at(&self, pos: u32) -> &RawSpan {
        &self.spans[self.group[pos as usize] as usize]
    }
    /// The id of the span at `pos`, as text for messages.
    fn id_text(&self, pos: u32) -> String {
        self.at(pos).span_id.to_text(self.strings)
    }
    /// Flags the span at `pos` and records a warning about it.
    fn report(&mut self, pos: u32, flag: u16, kind: WarningKind, message: String) {
        let raw = self.group[pos as usize];
        self.flags[raw as usize] |= flag;
        self.warnings.push(RawWarning { kind, span: raw, message });
    }
}

/// One trace's tree, laid out by [`TraceScratch::build`]. Per-span vectors indexed by
/// "pos" follow the group's input order; those indexed by "i" follow the pre-order.
/// The buffers are kept from one trace to the next to save allocations. A trace has at
/// most as many spans as the set, which [`super::builder::SetBuilder::finish`] checked
/// against the arena limit, so positions and counts converted to `u32` here are exact.
#[derive(Default)]
pub(super) struct TraceScratch {
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
    pub(super) child_count: Vec<u32>,
    child_start: Vec<u32>,
    fill: Vec<u32>,
    children: Vec<u32>,
    roots: Vec<u32>,
    pub(super) new_pos: Vec<u32>,
    stack: Vec<(u32, u32)>,
    // ── by i (pre-order) ──
    /// pos of the i-th span.
    order: Vec<u32>,
    /// i of the parent, or NO_SPAN.
    pub(super) out_parent: Vec<u32>,
    pub(super) depth: Vec<u32>,
    pub(super) subtree_end: Vec<u32>,
    pub(super) start: Vec<TimeNs>,
    /// i of the trace root.
    pub(super) root_pos: u32,
}

/// Clears `v` and fills it with `m` copies of `x`, keeping its allocation.
fn reset<T: Clone>(v: &mut Vec<T>, m: usize, x: T) {
    v.clear();
    v.resize(m, x);
}

impl TraceScratch {
    /// Links parents, breaks cycles, sorts siblings and lays the trace out in pre-order:
    /// one method per phase, in the order of the module diagram.
    pub(super) fn build(&mut self, t: &mut TraceInput) {
        self.gather(t);
        self.map_ids(t);
        self.link_parents(t);
        self.break_cycles(t);
        self.sort_children();
        let trace_root = self.order_roots();
        self.lay_out();
        self.fill_times(t);
        self.root_pos = self.new_pos[trace_root as usize];
    }

    /// 0. One gather of the fields the tree needs, so that later phases read small
    ///    arrays instead of chasing the raw spans.
    fn gather(&mut self, t: &TraceInput) {
        self.key.clear();
        self.parent_ref.clear();
        self.duration.clear();
        for &raw in t.group {
            let s = &t.spans[raw as usize];
            self.key.push((s.start_ns.unwrap_or(u64::MAX), s.span_id));
            self.parent_ref.push(s.parent_id);
            self.duration.push(s.duration_ns.unwrap_or(0));
        }
    }

    /// 1. Id map: the first span with an id wins. Where spans share an id and one is a
    ///    Zipkin shared server half, see [`TraceScratch::settle_repeated_ids`].
    fn map_ids(&mut self, t: &mut TraceInput) {
        let m = t.group.len();
        if self.by_id.capacity() > 4 * m + 64 {
            // A big map left by an earlier trace would make clearing cost its capacity.
            self.by_id = HashMap::default();
        }
        self.by_id.clear();
        self.by_id.reserve(m);
        self.repeated.clear();
        for (pos, &(_, id)) in self.key.iter().enumerate() {
            match self.by_id.entry(id) {
                std::collections::hash_map::Entry::Occupied(_) => self.repeated.push(arena::index_u32(pos)),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(arena::index_u32(pos));
                }
            }
        }
        reset(&mut self.shared_parent, m, NO_SPAN);
        if !self.repeated.is_empty() {
            self.settle_repeated_ids(t);
        }
    }

    /// Spans that share an id, id by id in sorted order: where one is a Zipkin shared
    /// server half, the RPC pair is the server half and the first CLIENT span of that id
    /// (else the first non-server span): the server half becomes the client half's child
    /// and takes over the id for children. Every other span with that id is a duplicate.
    fn settle_repeated_ids(&mut self, t: &mut TraceInput) {
        let by_id = &mut self.by_id;
        let mut same: HashMap<SpanId, Vec<u32>> = HashMap::default();
        for &pos in &self.repeated {
            let id = self.key[pos as usize].1;
            let first = by_id.get(&id).copied().unwrap_or(pos);
            same.entry(id).or_insert_with(|| vec![first]).push(pos);
        }
        let mut ids: Vec<SpanId> = same.keys().copied().collect();
        ids.sort_unstable();
        let (spans, group) = (t.spans, t.group);
        let is_server = |p: u32| spans[group[p as usize] as usize].flags & span_flags::SHARED_SERVER != 0;
        let is_client = |p: u32| spans[group[p as usize] as usize].kind == SpanKind::Client;
        for id in ids {
            let Some(list) = same.get(&id) else { continue };
            let server = list.iter().copied().find(|&p| is_server(p));
            let client = server.and_then(|_| {
                list.iter()
                    .copied()
                    .find(|&p| !is_server(p) && is_client(p))
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
                let message = format!("span id {} appears more than once; children attach to the first", t.id_text(p));
                t.report(p, span_flags::DUPLICATE_ID, WarningKind::DuplicateSpanId, message);
            }
        }
    }

    /// 2. Resolve parents: the client half for a shared server span, else the span the
    ///    parent reference names. A span naming itself, or a parent not loaded, is a root.
    fn link_parents(&mut self, t: &mut TraceInput) {
        reset(&mut self.parent, t.group.len(), NO_SPAN);
        for pos in 0..t.group.len() {
            if self.shared_parent[pos] != NO_SPAN {
                self.parent[pos] = self.shared_parent[pos];
                continue;
            }
            let Some(pid) = self.parent_ref[pos] else { continue };
            let p32 = arena::index_u32(pos);
            if pid == self.key[pos].1 {
                let message = format!("span {} names itself as its parent; shown as a root", t.id_text(p32));
                t.report(p32, span_flags::SELF_PARENT, WarningKind::SelfParent, message);
                continue;
            }
            match self.by_id.get(&pid) {
                Some(&p) if p as usize != pos => self.parent[pos] = p,
                _ => {
                    let message = format!(
                        "parent {} of span {} is not loaded; shown as a root of its own subtree",
                        pid.to_text(t.strings),
                        t.id_text(p32)
                    );
                    t.report(p32, span_flags::ORPHAN, WarningKind::Orphan, message);
                }
            }
        }
    }

    /// 3. Break cycles. Walk up from each unvisited span with colors; a span met again
    ///    on the current path closes a cycle, cut at its smallest key.
    fn break_cycles(&mut self, t: &mut TraceInput) {
        let m = t.group.len();
        reset(&mut self.color, m, 0u8); // 0 new, 1 on path, 2 done
        for first in 0..arena::index_u32(m) {
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
                    let message = format!(
                        "span {} is part of a parent cycle of {} spans; the cycle is cut here and it is shown as a root",
                        t.id_text(breaker),
                        cycle.len()
                    );
                    t.report(breaker, span_flags::CYCLE, WarningKind::Cycle, message);
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
    }

    /// 4. Children lists (CSR), siblings sorted by (start, span id, input order).
    fn sort_children(&mut self) {
        let m = self.parent.len();
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
                self.children[self.fill[p as usize] as usize] = arena::index_u32(pos);
                self.fill[p as usize] += 1;
            }
        }
        let key = &self.key;
        for pos in 0..m {
            let r = self.child_start[pos] as usize..self.child_start[pos + 1] as usize;
            if r.len() > 1 {
                self.children[r].sort_unstable_by_key(|&p| sibling_key(key, p));
            }
        }
    }

    /// 5. Trace root: earliest-starting span with no parent reference at all; else the
    ///    earliest-starting span. Ties: longer duration, smaller id. The root of the trace
    ///    root's subtree goes first in `roots`, then the other roots by start. Returns
    ///    the trace root's pos.
    fn order_roots(&mut self) -> u32 {
        let m = self.parent.len();
        let m32 = arena::index_u32(m);
        let (key, duration) = (&self.key, &self.duration);
        let root_rank = |pos: u32| {
            let (start, id) = key[pos as usize];
            (start, std::cmp::Reverse(duration[pos as usize]), id, pos)
        };
        let (shared_parent, parent_ref) = (&self.shared_parent, &self.parent_ref);
        let no_ref_root = (0..m32)
            .filter(|&p| parent_ref[p as usize].is_none() && shared_parent[p as usize] == NO_SPAN)
            .min_by_key(|&p| root_rank(p));
        let trace_root = no_ref_root.or_else(|| (0..m32).min_by_key(|&p| root_rank(p))).unwrap_or(0);
        let mut top = trace_root;
        let mut guard = 0;
        while self.parent[top as usize] != NO_SPAN && guard <= m {
            top = self.parent[top as usize];
            guard += 1;
        }
        self.roots.clear();
        self.roots.extend((0..m32).filter(|&p| self.parent[p as usize] == NO_SPAN && p != top));
        self.roots.sort_unstable_by_key(|&p| sibling_key(key, p));
        self.roots.insert(0, top);
        trace_root
    }

    /// 6. Pre-order DFS with an explicit stack, then each span's subtree end: walking
    ///    backwards, a span's end is the max of its children's ends.
    fn lay_out(&mut self) {
        let m = self.parent.len();
        self.order.clear();
        reset(&mut self.new_pos, m, NO_SPAN);
        self.out_parent.clear();
        self.depth.clear();
        self.stack.clear(); // (pos, depth)
        for &r in &self.roots {
            self.stack.push((r, 0));
            while let Some((pos, d)) = self.stack.pop() {
                self.new_pos[pos as usize] = arena::index_u32(self.order.len());
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
        self.subtree_end.clear();
        self.subtree_end.extend(1..=arena::index_u32(m));
        for i in (0..m).rev() {
            let p = self.out_parent[i];
            if p != NO_SPAN {
                let e = self.subtree_end[i];
                if e > self.subtree_end[p as usize] {
                    self.subtree_end[p as usize] = e;
                }
            }
        }
    }

    /// 7. Times: a missing timestamp takes the parent's start; a span that starts before
    ///    its parent is flagged clock skew (times stay as recorded).
    fn fill_times(&mut self, t: &mut TraceInput) {
        let m = self.order.len();
        reset(&mut self.start, m, 0);
        for i in 0..m {
            let pos = self.order[i];
            let ts = self.key[pos as usize].0;
            let p = self.out_parent[i];
            if ts != u64::MAX || t.at(pos).start_ns.is_some() {
                self.start[i] = ts;
                if p != NO_SPAN {
                    let ppos = self.order[p as usize];
                    let pt = self.key[ppos as usize].0;
                    if ts < pt && t.at(ppos).start_ns.is_some() {
                        let message = clock_skew_message(&t.id_text(pos), pt - ts);
                        t.report(pos, span_flags::CLOCK_SKEW, WarningKind::ClockSkew, message);
                    }
                }
            } else {
                self.start[i] = if p == NO_SPAN { 0 } else { self.start[p as usize] };
            }
        }
    }
}

/// The order of siblings (and of extra roots): start, span id, input order.
fn sibling_key(key: &[(TimeNs, SpanId)], pos: u32) -> (TimeNs, SpanId, u32) {
    let (t, id) = key[pos as usize];
    (t, id, pos)
}
