//! `gap`: a parent and its children in; the parent time no child covers (before the
//! first, between, after the last) out, when it is long enough in ns and in %.

use super::{op, spans_capped, Ctx, Finding, PatternKind};
use crate::analysis::intervals::percent_of;
use crate::format::duration;
use crate::model::{Span, TimeNs};

impl Ctx<'_, '_> {
    pub(super) fn gap(&mut self, p_idx: u32, p: &Span, kids: &[u32]) {
        let set = self.set;
        if p.duration_ns == 0 || kids.is_empty() {
            return;
        }
        let (lo, hi) = (p.start_ns, p.end_ns());
        let mut iv: Vec<(TimeNs, TimeNs)> = kids
            .iter()
            .map(|&c| (set.spans[c as usize].start_ns.max(lo), set.spans[c as usize].end_ns().min(hi)))
            .filter(|(s, e)| e > s)
            .collect();
        iv.sort_unstable();
        let (before, between, after) = match iv.first() {
            None => (p.duration_ns, 0, 0),
            Some(&(first_start, first_end)) => {
                let mut between = 0u64;
                let mut cur_end = first_end;
                for &(s, e) in &iv[1..] {
                    if s > cur_end {
                        between += s - cur_end;
                    }
                    cur_end = cur_end.max(e);
                }
                (first_start - lo, between, hi - cur_end.min(hi))
            }
        };
        let total = before + between + after;
        let pct = percent_of(total, p.duration_ns);
        if total < self.cfg.gap_min_ns || pct < self.cfg.gap_min_percent || !self.top.admits(PatternKind::Gap, total) {
            return;
        }
        let mut parts = Vec::new();
        if before > 0 {
            parts.push(format!("{} ({:.0}%) before the first child", duration(before), percent_of(before, p.duration_ns)));
        }
        if between > 0 {
            parts.push(format!("{} ({:.0}%) between children", duration(between), percent_of(between, p.duration_ns)));
        }
        if after > 0 {
            parts.push(format!("{} ({:.0}%) after the last child", duration(after), percent_of(after, p.duration_ns)));
        }
        self.top.push(Finding {
            kind: PatternKind::Gap,
            spans: spans_capped(std::iter::once(p_idx).chain(kids.iter().copied())),
            impact_ns: total,
            message: format!(
                "{} of {} in {} ({:.0}%) is not covered by any child: {}",
                duration(total),
                duration(p.duration_ns),
                op(set, p),
                pct,
                parts.join(", ")
            ),
            parent: p_idx,
        });
    }
}
