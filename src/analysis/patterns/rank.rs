//! Ranking: findings in as they are found; the `max` highest-impact findings of each
//! kind out, ranked (impact, then kind, first span, parent), without sorting them all.

use super::{Finding, PatternKind};

const KINDS: usize = PatternKind::ALL.len();

/// Keeps the `max` highest-ranked findings of each kind while they are found, so
/// messages are only formatted for candidates that can still make the cut. Gives
/// exactly what a full sort-and-truncate would.
pub(super) struct Top {
    max: usize,
    per: [Vec<Finding>; KINDS],
    floor: [u64; KINDS],
}

fn rank(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    b.impact_ns
        .cmp(&a.impact_ns)
        .then(a.kind.cmp(&b.kind))
        .then(a.spans.first().cmp(&b.spans.first()))
        .then(a.parent.cmp(&b.parent))
}

impl Top {
    pub(super) fn new(max: usize) -> Top {
        Top { max: max.max(1), per: Default::default(), floor: [0; KINDS] }
    }
    /// Whether a finding with this impact could still be kept.
    pub(super) fn admits(&self, kind: PatternKind, impact_ns: u64) -> bool {
        impact_ns >= self.floor[kind as usize]
    }
    pub(super) fn push(&mut self, f: Finding) {
        let k = f.kind as usize;
        if f.impact_ns < self.floor[k] {
            return;
        }
        self.per[k].push(f);
        if self.per[k].len() >= 2 * self.max + 16 {
            self.per[k].sort_by(rank);
            self.per[k].truncate(self.max);
            self.floor[k] = self.per[k].last().map(|f| f.impact_ns).unwrap_or(0);
        }
    }
    pub(super) fn finish(self) -> Vec<Finding> {
        let max = self.max;
        let mut out: Vec<Finding> = Vec::new();
        for mut v in self.per {
            v.sort_by(rank);
            v.truncate(max);
            out.extend(v);
        }
        out.sort_by(rank);
        out
    }
}
