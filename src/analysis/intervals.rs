//! Time intervals: `[start, end)` pairs in ns in, the length of their union and a
//! part's share of a whole out. Shared by self time, patterns, critical path and the
//! LLM summary.

use crate::model::{DurNs, TimeNs};

/// The union length of intervals clipped to `[lo, hi]`. Sorts `iv` in place.
pub fn union_len(iv: &mut [(TimeNs, TimeNs)], lo: TimeNs, hi: TimeNs) -> DurNs {
    iv.sort_unstable();
    let mut covered = 0u64;
    let mut cur: Option<(TimeNs, TimeNs)> = None;
    for &(s, e) in iv.iter() {
        let s = s.max(lo);
        let e = e.min(hi);
        if e <= s {
            continue;
        }
        match cur {
            Some((cs, ce)) if s <= ce => cur = Some((cs, ce.max(e))),
            Some((cs, ce)) => {
                covered += ce - cs;
                cur = Some((s, e));
            }
            None => cur = Some((s, e)),
        }
    }
    if let Some((cs, ce)) = cur {
        covered += ce - cs;
    }
    covered
}

/// `part` as a percentage of `whole` (0 when `whole` is 0).
pub fn percent_of(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}
