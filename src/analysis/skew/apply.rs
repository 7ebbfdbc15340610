//! Clock-skew adjustment applied to a whole set, in place: a [`TraceSet`] with its times
//! as recorded in; the same set out with every span's start (and its events' times)
//! shifted by [`super::adjust`], its traces laid out again, and the warnings and flags
//! that depend on start times made anew. [`restore`] takes the shifts out again.
//!
//! ```text
//!  apply:   per trace  adjust ─▶ shift starts and events ─▶ flag SKEW_ADJUSTED (own shift)
//!                      ─▶ siblings re-sorted by (start, span id, input order), pre-order again
//!                      ─▶ trace start/duration, CLOCK_SKEW flags
//!           then the warnings of the traces that moved: clock_skew made anew, one
//!           skew_adjusted per moved span, in the builder's order (span, then kind)
//!  restore: the same walk with the shifts negated and no skew_adjusted warnings
//! ```
//!
//! Only the traces with a moved span are touched, their spans permuted in place (no copy
//! of the set, nor of a trace's spans). The set keeps the per-span shifts
//! ([`crate::model::SkewState`]) so that the adjustment can be undone; a span's index may
//! change when its siblings are re-sorted, and [`Relayout`] says where each moved span went.
//! Restoring gives back the set as loaded, byte for byte (barring a shift saturated at
//! the ends of the time range).

use crate::model::{arena, clock_skew_message, span_flags, Range32, SkewState, Span, SpanId, TimeNs, TraceSet, Warning, WarningKind, NO_SPAN};

/// Where spans went when their trace was laid out again: `(old index, new index)` pairs,
/// sorted by old index, for the spans whose index changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Relayout {
    pub moves: Vec<(u32, u32)>,
}

impl Relayout {
    /// The new index of span `old` (itself when it did not move).
    pub fn map(&self, old: u32) -> u32 {
        match self.moves.binary_search_by_key(&old, |m| m.0) {
            Ok(k) => self.moves[k].1,
            Err(_) => old,
        }
    }
}

/// Applies (`on`) or takes out the adjustment; nothing happens when the set is already so.
pub fn set_adjusted(set: &mut TraceSet, on: bool) -> Relayout {
    if on { apply(set) } else { restore(set) }
}

/// Shifts every trace's spans by [`super::adjust`]; a no-op on an adjusted set.
pub fn apply(set: &mut TraceSet) -> Relayout {
    if set.skew.adjusted {
        return Relayout::default();
    }
    let mut shift_ns: Vec<i64> = Vec::new();
    let mut moved_per_trace: Vec<u32> = Vec::new();
    let mut touched = vec![false; set.traces.len()];
    let mut relayout = Relayout::default();
    for (ti, touched) in touched.iter_mut().enumerate() {
        let a = super::adjust(set, ti);
        if a.moved.is_empty() {
            continue;
        }
        *touched = true;
        if shift_ns.is_empty() {
            shift_ns = vec![0; set.spans.len()];
            moved_per_trace = vec![0; set.traces.len()];
        }
        moved_per_trace[ti] = arena::index_u32(a.moved.len());
        let range = set.traces[ti].spans.range();
        shift_ns[range.clone()].copy_from_slice(&a.shift_ns);
        for &(i, _) in &a.moved {
            set.spans[i as usize].flags |= span_flags::SKEW_ADJUSTED;
        }
        shift_trace(set, range.clone(), &a.shift_ns, 1);
        relay_trace(set, ti, &mut shift_ns, &mut relayout);
    }
    set.skew = SkewState { adjusted: true, shift_ns, moved_per_trace };
    remake_warnings(set, &touched, &relayout);
    relayout
}

/// Takes the adjustment out: every span back at its recorded time, the set laid out as loaded.
pub fn restore(set: &mut TraceSet) -> Relayout {
    if !set.skew.adjusted {
        return Relayout::default();
    }
    let mut shift_ns = std::mem::take(&mut set.skew.shift_ns);
    set.skew = SkewState::default();
    let mut touched = vec![false; set.traces.len()];
    let mut relayout = Relayout::default();
    if shift_ns.len() == set.spans.len() {
        for (ti, touched) in touched.iter_mut().enumerate() {
            let range = set.traces[ti].spans.range();
            if shift_ns[range.clone()].iter().all(|&d| d == 0) {
                continue;
            }
            *touched = true;
            for s in &mut set.spans[range.clone()] {
                s.flags &= !span_flags::SKEW_ADJUSTED;
            }
            let own: Vec<i64> = shift_ns[range.clone()].to_vec();
            shift_trace(set, range, &own, -1);
            relay_trace(set, ti, &mut shift_ns, &mut relayout);
        }
    }
    remake_warnings(set, &touched, &relayout);
    relayout
}

/// The number of spans of trace `trace` that the adjustment moved (those flagged
/// [`span_flags::SKEW_ADJUSTED`]), as [`apply`] counted them.
pub fn moved_in_trace(set: &TraceSet, trace: usize) -> usize {
    if !set.skew.adjusted {
        return 0;
    }
    set.skew.moved_per_trace.get(trace).map_or(0, |&n| n as usize)
}

/// At most this many `skew_adjusted` warnings per trace, each naming its span; the rest
/// are one warning with their count (every moved span keeps its mark and its shift).
pub const MAX_SKEW_WARNINGS_PER_TRACE: usize = 1000;

/// A shift in ms with its sign and up to three decimals: "+50 ms", "-0.125 ms".
pub fn shift_text(shift_ns: i64) -> String {
    let ms = format!("{:.3}", shift_ns.unsigned_abs() as f64 / 1e6);
    let ms = ms.trim_end_matches('0').trim_end_matches('.');
    format!("{}{ms} ms", if shift_ns < 0 { '-' } else { '+' })
}

/// Adds `sign × shift` to the starts and event times of the spans in `range`.
fn shift_trace(set: &mut TraceSet, range: std::ops::Range<usize>, shift_ns: &[i64], sign: i64) {
    for (i, &d) in range.zip(shift_ns) {
        let d = d.saturating_mul(sign);
        if d == 0 {
            continue;
        }
        let s = &mut set.spans[i];
        s.start_ns = super::shifted(s.start_ns, d);
        let events = s.events.range();
        for e in set.events.get_mut(events).unwrap_or_default() {
            e.time_ns = super::shifted(e.time_ns, d);
        }
    }
}

/// The sibling order: start (untimed spans last), span id, input order.
fn sibling_key(s: &Span) -> (TimeNs, SpanId, u32) {
    let start = if s.has(span_flags::MISSING_TIMESTAMP) { TimeNs::MAX } else { s.start_ns };
    (start, s.span_id, s.input_index)
}

/// Lays trace `ti` out again after its starts moved: siblings re-sorted, pre-order walk
/// with an explicit stack (the roots keep their order), spans, parents, subtree ends,
/// the root and `shift_ns` moved to their new places; then the trace's bounds and the
/// CLOCK_SKEW flags from the new starts.
fn relay_trace(set: &mut TraceSet, ti: usize, shift_ns: &mut [i64], relayout: &mut Relayout) {
    let range = set.traces[ti].spans.range();
    let first = range.start;
    let n = range.len();
    let local = |p: u32| if p == NO_SPAN { NO_SPAN } else { p.wrapping_sub(first as u32) };
    // Children lists (CSR by local index), each sorted by the sibling key.
    let spans = &set.spans[range.clone()];
    let mut child_start = vec![0u32; n + 1];
    for s in spans {
        let p = local(s.parent);
        if (p as usize) < n {
            child_start[p as usize + 1] += 1;
        }
    }
    for k in 0..n {
        child_start[k + 1] += child_start[k];
    }
    let mut fill = child_start.clone();
    let mut children = vec![0u32; child_start[n] as usize];
    let mut roots = Vec::new();
    for (k, s) in spans.iter().enumerate() {
        let p = local(s.parent);
        if (p as usize) < n {
            children[fill[p as usize] as usize] = arena::index_u32(k);
            fill[p as usize] += 1;
        } else {
            roots.push(arena::index_u32(k));
        }
    }
    for k in 0..n {
        let r = child_start[k] as usize..child_start[k + 1] as usize;
        if r.len() > 1 {
            children[r].sort_by_key(|&c| sibling_key(&spans[c as usize]));
        }
    }
    // Pre-order: order[new] = old.
    let mut order: Vec<u32> = Vec::with_capacity(n);
    let mut stack: Vec<u32> = Vec::new();
    for &r in &roots {
        stack.push(r);
        while let Some(k) = stack.pop() {
            order.push(k);
            let kids = &children[child_start[k as usize] as usize..child_start[k as usize + 1] as usize];
            stack.extend(kids.iter().rev());
        }
    }
    if order.len() == n && order.iter().enumerate().any(|(new, &old)| new as u32 != old) {
        let mut new_of_old = vec![0u32; n];
        for (new, &old) in order.iter().enumerate() {
            new_of_old[old as usize] = arena::index_u32(new);
        }
        let global = |k: u32| arena::index_u32(first + k as usize);
        permute(&mut set.spans[range.clone()], &order);
        if let Some(shifts) = shift_ns.get_mut(range.clone()) {
            permute(shifts, &order);
        }
        for s in &mut set.spans[range.clone()] {
            let p = local(s.parent);
            if (p as usize) < n {
                s.parent = global(new_of_old[p as usize]);
            }
        }
        // Subtree ends: walking backwards, a span's end is the furthest of its children's.
        for k in range.clone() {
            set.spans[k].subtree_end = arena::index_u32(k + 1);
        }
        for k in range.clone().rev() {
            let (p, end) = (set.spans[k].parent, set.spans[k].subtree_end);
            if let Some(ps) = set.spans.get_mut(p as usize).filter(|_| p != NO_SPAN) {
                ps.subtree_end = ps.subtree_end.max(end);
            }
        }
        let t = &mut set.traces[ti];
        if let Some(&r) = new_of_old.get(local(t.root) as usize) {
            t.root = global(r);
        }
        relayout.moves.extend(
            (0..n).filter(|&old| new_of_old[old] as usize != old).map(|old| (global(old as u32), global(new_of_old[old]))),
        );
    }
    // Bounds and CLOCK_SKEW from the new starts.
    let mut start = TimeNs::MAX;
    let mut end = 0;
    for k in range.clone() {
        let s = set.spans[k];
        if !s.has(span_flags::MISSING_TIMESTAMP) {
            start = start.min(s.start_ns);
            end = end.max(s.end_ns());
        }
        let early = set.spans.get(s.parent as usize).is_some_and(|p| {
            s.parent != NO_SPAN && !p.has(span_flags::MISSING_TIMESTAMP) && !s.has(span_flags::MISSING_TIMESTAMP) && s.start_ns < p.start_ns
        });
        let flags = &mut set.spans[k].flags;
        *flags = if early { *flags | span_flags::CLOCK_SKEW } else { *flags & !span_flags::CLOCK_SKEW };
    }
    if start != TimeNs::MAX {
        let t = &mut set.traces[ti];
        t.start_ns = start;
        t.duration_ns = end - start;
    }
}

/// Puts `items[order[k]]` at `k` for every `k`, in place: each cycle of the permutation
/// is walked once, one item held aside (no copy of the trace's spans).
fn permute<T: Copy>(items: &mut [T], order: &[u32]) {
    let mut placed = vec![false; items.len()];
    for start in 0..items.len().min(order.len()) {
        if placed[start] {
            continue;
        }
        let held = items[start];
        let mut at = start;
        loop {
            placed[at] = true;
            let from = order[at] as usize;
            if from == start || from >= items.len() || placed[from] {
                items[at] = held;
                break;
            }
            items[at] = items[from];
            at = from;
        }
    }
}

/// Makes the warnings of the `touched` traces anew: their kept warnings moved with their
/// spans, `clock_skew` from the CLOCK_SKEW flags, and (on an adjusted set) one
/// `skew_adjusted` per moved span; each trace's warnings sorted by span then kind (a
/// stable sort: the builder's order). Other traces' warnings stay as they are.
fn remake_warnings(set: &mut TraceSet, touched: &[bool], relayout: &Relayout) {
    if !touched.contains(&true) {
        return;
    }
    let mut old = std::mem::take(&mut set.warnings);
    let mut out: Vec<Warning> = Vec::with_capacity(old.len());
    for ti in 0..set.traces.len() {
        let begin = out.len();
        let range = set.traces[ti].warnings.range();
        let Some(ws) = old.get_mut(range) else { continue };
        if !touched.get(ti).copied().unwrap_or(false) {
            out.extend(ws.iter_mut().map(|w| Warning { kind: w.kind, span: w.span, message: std::mem::take(&mut w.message) }));
            set.traces[ti].warnings = Range32::new(begin, out.len());
            continue;
        }
        for w in ws.iter_mut().filter(|w| !matches!(w.kind, WarningKind::ClockSkew | WarningKind::SkewAdjusted)) {
            let span = if w.span == NO_SPAN { NO_SPAN } else { relayout.map(w.span) };
            out.push(Warning { kind: w.kind, span, message: std::mem::take(&mut w.message) });
        }
        let mut moved = 0usize;
        for k in set.traces[ti].spans.range() {
            let s = &set.spans[k];
            if s.has(span_flags::CLOCK_SKEW)
                && let Some(p) = set.spans.get(s.parent as usize)
            {
                let message = clock_skew_message(&s.span_id.to_text(&set.strings), p.start_ns - s.start_ns);
                out.push(Warning { kind: WarningKind::ClockSkew, span: arena::index_u32(k), message });
            }
            if set.skew.adjusted && s.has(span_flags::SKEW_ADJUSTED) {
                moved += 1;
                if moved <= MAX_SKEW_WARNINGS_PER_TRACE {
                    out.push(Warning { kind: WarningKind::SkewAdjusted, span: arena::index_u32(k), message: moved_message(set, k) });
                }
            }
        }
        if moved > MAX_SKEW_WARNINGS_PER_TRACE {
            let more = moved - MAX_SKEW_WARNINGS_PER_TRACE;
            let message = format!("{more} more spans shifted into their parents' windows (clock skew adjusted); each is marked in the waterfall");
            out.push(Warning { kind: WarningKind::SkewAdjusted, span: NO_SPAN, message });
        }
        out[begin..].sort_by_key(|w| (w.span, w.kind));
        set.traces[ti].warnings = Range32::new(begin, out.len());
    }
    let set_range = set.set_warnings.range();
    let begin = out.len();
    if let Some(ws) = old.get_mut(set_range) {
        out.extend(ws.iter_mut().map(|w| Warning { kind: w.kind, span: w.span, message: std::mem::take(&mut w.message) }));
    }
    set.set_warnings = Range32::new(begin, out.len());
    set.warnings = out;
}

/// The `skew_adjusted` warning of span `k`: its own shift (its parent's taken off), in ms.
fn moved_message(set: &TraceSet, k: usize) -> String {
    let s = &set.spans[k];
    let own = set.skew.shift_of(arena::index_u32(k)).saturating_sub(set.skew.shift_of(s.parent));
    let parent_service = set.spans.get(s.parent as usize).map(|p| set.service_of(p)).unwrap_or("");
    format!(
        "span {} ({} {}) shifted {} into its parent's window on {} (clock skew adjusted)",
        s.span_id.to_text(&set.strings),
        set.service_of(s),
        set.name_of(s),
        shift_text(own),
        parent_service
    )
}
