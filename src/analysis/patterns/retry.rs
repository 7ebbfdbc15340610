//! `retry`: the children of one parent in; runs of the same operation where every
//! attempt but the last failed out, as findings (a storm at `retry_storm_min`
//! attempts), plus the spans in those runs (N+1 leaves them out).

use std::collections::BTreeMap;

use super::{op, op_key, spans_capped, Ctx, Finding, PatternKind};
use crate::format::duration;
use crate::model::Span;

impl Ctx<'_, '_> {
    /// Retries: runs of the same operation where every attempt but the last failed and
    /// each attempt starts after the failed one before it ended.
    /// Returns the spans that are part of a retry run.
    pub(super) fn retries(&mut self, p_idx: u32, p: &Span, kids: &[u32]) -> Vec<u32> {
        let set = self.set;
        let mut by_op: BTreeMap<(u32, u32), Vec<u32>> = BTreeMap::new();
        for &c in kids {
            by_op.entry(op_key(set, &set.spans[c as usize])).or_default().push(c);
        }
        let mut in_runs = Vec::new();
        for group in by_op.values() {
            if group.len() < 2 {
                continue;
            }
            let mut k = 0;
            while k < group.len() {
                // A run starts at an error and continues while the previous attempt failed.
                let mut end = k;
                while end + 1 < group.len()
                    && set.spans[group[end] as usize].is_error()
                    && set.spans[group[end + 1] as usize].start_ns >= set.spans[group[end] as usize].end_ns()
                {
                    end += 1;
                }
                let run = &group[k..=end];
                let failed = run.iter().filter(|&&c| set.spans[c as usize].is_error()).count();
                if run.len() >= 2 && failed >= 1 {
                    in_runs.extend_from_slice(run);
                    let first = &set.spans[run[0] as usize];
                    let last = &set.spans[run[run.len() - 1] as usize];
                    let impact = last.start_ns.saturating_sub(first.start_ns);
                    if !self.top.admits(PatternKind::Retry, impact) {
                        k = end + 1;
                        continue;
                    }
                    let storm = run.len() >= self.cfg.retry_storm_min;
                    let ok = !last.is_error();
                    self.top.push(Finding {
                        kind: PatternKind::Retry,
                        spans: spans_capped(run.iter().copied()),
                        impact_ns: impact,
                        message: format!(
                            "{}{} attempts of {} under {}, {} failed{}; {} passed before the last attempt began",
                            if storm { "retry storm: " } else { "" },
                            run.len(),
                            op(set, first),
                            op(set, p),
                            failed,
                            if ok { ", the last succeeded" } else { ", all failed" },
                            duration(impact)
                        ),
                        parent: p_idx,
                    });
                }
                k = end + 1;
            }
        }
        in_runs.sort_unstable();
        in_runs
    }
}
