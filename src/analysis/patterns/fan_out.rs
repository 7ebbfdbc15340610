//! `fan_out`: the children of one parent in; the most children running at one instant
//! (a sweep over starts and ends) out, when at least `fan_out_min`, with the wall time
//! of the fan-out and its slowest child.

use super::{op, spans_capped, Ctx, Finding, PatternKind};
use crate::analysis::intervals::union_len;
use crate::format::duration;
use crate::model::{Span, TimeNs};

impl Ctx<'_, '_> {
    pub(super) fn fan_out(&mut self, p_idx: u32, p: &Span, kids: &[u32]) {
        let set = self.set;
        if kids.len() < self.cfg.fan_out_min.max(2) {
            return;
        }
        // Sweep: +1 at start, -1 at end (ends before starts at the same instant).
        let mut ev: Vec<(TimeNs, i32)> = Vec::with_capacity(kids.len() * 2);
        for &c in kids {
            let s = &set.spans[c as usize];
            if s.duration_ns == 0 {
                continue;
            }
            ev.push((s.start_ns, 1));
            ev.push((s.end_ns(), -1));
        }
        ev.sort_unstable();
        let (mut cur, mut best, mut at) = (0i32, 0i32, 0u64);
        for (t, d) in ev {
            cur += d;
            if cur > best {
                best = cur;
                at = t;
            }
        }
        let width = best.max(0) as usize;
        if width < self.cfg.fan_out_min.max(2) {
            return;
        }
        let mut iv: Vec<(TimeNs, TimeNs)> =
            kids.iter().map(|&c| (set.spans[c as usize].start_ns, set.spans[c as usize].end_ns())).collect();
        let wall = union_len(&mut iv, 0, u64::MAX);
        if !self.top.admits(PatternKind::FanOut, wall) {
            return;
        }
        // The children running at the widest instant; the slowest first.
        let mut running: Vec<u32> = kids
            .iter()
            .copied()
            .filter(|&c| {
                let s = &set.spans[c as usize];
                s.start_ns <= at && s.end_ns() > at
            })
            .collect();
        running.sort_by(|&a, &b| {
            set.spans[b as usize].duration_ns.cmp(&set.spans[a as usize].duration_ns).then(a.cmp(&b))
        });
        let slowest = running.first().map(|&c| &set.spans[c as usize]);
        self.top.push(Finding {
            kind: PatternKind::FanOut,
            spans: spans_capped(running.iter().copied()),
            impact_ns: wall,
            message: format!(
                "{} runs {} children at once ({} children in all, {} wall time){}",
                op(set, p),
                width,
                kids.len(),
                duration(wall),
                slowest
                    .map(|s| format!("; the slowest, {} ({}), sets the pace", op(set, s), duration(s.duration_ns)))
                    .unwrap_or_default()
            ),
            parent: p_idx,
        });
    }
}
