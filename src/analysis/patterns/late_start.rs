//! `late_start`: children that idle-wait a large share of their parent before they
//! start, recorded per (parent operation, child operation) while walking a trace and
//! reported when the same pair waits late often enough in the set (a sign of queueing).

use std::collections::{HashMap, HashSet};

use super::{op, op_key, spans_capped, Ctx, Finding, PatternConfig, PatternKind};
use crate::analysis::intervals::percent_of;
use crate::analysis::tree::children;
use crate::format::duration;
use crate::model::{Span, TraceSet};

/// (parent service, parent name, child service, child name) as interned ids.
pub(super) type LateKey = (u32, u32, u32, u32);

impl Ctx<'_, '_> {
    /// Records children that idle-wait long before starting (reported after all
    /// parents are seen, once recurrence is known).
    pub(super) fn late_start(&mut self, _p_idx: u32, p: &Span, kids: &[u32]) {
        let set = self.set;
        if p.duration_ns == 0 {
            return;
        }
        let mut busy_until = p.start_ns;
        for &c in kids {
            let s = &set.spans[c as usize];
            let wait = s.start_ns.saturating_sub(busy_until);
            busy_until = busy_until.max(s.end_ns());
            if wait >= self.cfg.late_start_min_ns && percent_of(wait, p.duration_ns) >= self.cfg.late_start_min_percent {
                let (ps, pn) = op_key(set, p);
                let (cs, cn) = op_key(set, s);
                self.late.entry((ps, pn, cs, cn)).or_default().push((c, wait));
            }
        }
    }

    /// Reports the recorded late starts whose (parent operation, child operation)
    /// recurs at least `late_start_min_occurrences` times, in this trace or across the
    /// set. `totals`: the counts over the whole set, when already known.
    pub(super) fn report_late_starts(&mut self, trace: usize, totals: Option<&HashMap<LateKey, usize>>) {
        let (set, cfg) = (self.set, self.cfg);
        let late = std::mem::take(&mut self.late);
        let min_occ = cfg.late_start_min_occurrences.max(1);
        let elsewhere = match totals {
            Some(_) => HashMap::new(),
            None => {
                let need: Vec<LateKey> = late.iter().filter(|(_, v)| v.len() < min_occ).map(|(k, _)| *k).collect();
                late_counts(set, cfg, Some(trace), Some(&need))
            }
        };
        for (k, occ) in late {
            let other = match totals {
                Some(tot) => tot.get(&k).copied().unwrap_or(0).saturating_sub(occ.len()),
                None => elsewhere.get(&k).copied().unwrap_or(0),
            };
            if occ.len() + other < min_occ {
                continue;
            }
            let impact: u64 = occ.iter().map(|o| o.1).sum();
            if !self.top.admits(PatternKind::LateStart, impact) {
                continue;
            }
            let first = &set.spans[occ[0].0 as usize];
            let parent = first.parent;
            let parent_op = set.spans.get(parent as usize).map(|p| op(set, p)).unwrap_or_default();
            let mean = impact / occ.len().max(1) as u64;
            self.top.push(Finding {
                kind: PatternKind::LateStart,
                spans: spans_capped(occ.iter().map(|o| o.0)),
                impact_ns: impact,
                message: format!(
                    "{} waits ~{} before starting under {} ({} time{} in this trace{}); a recurring late start suggests queueing, e.g. connection-pool exhaustion",
                    op(set, first),
                    duration(mean),
                    parent_op,
                    occ.len(),
                    if occ.len() == 1 { "" } else { "s" },
                    if other > 0 { format!(", {other} in other traces") } else { String::new() }
                ),
                parent,
            });
        }
    }
}

/// Counts late starts per (parent operation, child operation) over every trace but
/// `skip`; with `wanted`, only those keys are counted (and only their parents looked at).
pub(super) fn late_counts(set: &TraceSet, cfg: &PatternConfig, skip: Option<usize>, wanted: Option<&[LateKey]>) -> HashMap<LateKey, usize> {
    let mut out: HashMap<LateKey, usize> = HashMap::new();
    if wanted.is_some_and(|w| w.is_empty()) {
        return out;
    }
    let parent_keys: Option<HashSet<(u32, u32)>> = wanted.map(|w| w.iter().map(|k| (k.0, k.1)).collect());
    let wanted: Option<HashSet<LateKey>> = wanted.map(|w| w.iter().copied().collect());
    for (t_idx, t) in set.traces.iter().enumerate() {
        if Some(t_idx) == skip {
            continue;
        }
        for i in t.spans.range() {
            let p = &set.spans[i];
            if p.child_count == 0 || p.duration_ns == 0 {
                continue;
            }
            let (ps, pn) = op_key(set, p);
            if parent_keys.as_ref().is_some_and(|pk| !pk.contains(&(ps, pn))) {
                continue;
            }
            let mut busy_until = p.start_ns;
            for c in children(set, i as u32) {
                let s = &set.spans[c as usize];
                let wait = s.start_ns.saturating_sub(busy_until);
                busy_until = busy_until.max(s.end_ns());
                if wait >= cfg.late_start_min_ns && percent_of(wait, p.duration_ns) >= cfg.late_start_min_percent {
                    let (cs, cn) = op_key(set, s);
                    let k = (ps, pn, cs, cn);
                    if wanted.as_ref().is_none_or(|w| w.contains(&k)) {
                        *out.entry(k).or_default() += 1;
                    }
                }
            }
        }
    }
    out
}
