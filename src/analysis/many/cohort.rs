//! Two groups of traces compared (N vs M): a [`TraceSet`] and two lists of trace indices
//! in; per `service/operation` path, each group's count per trace, mean/p50/p95 span
//! duration and mean exclusive critical-path time per trace out, rows sorted by the
//! difference in that critical-path time (B − A, largest first).
//!
//! A path's critical-path time in a trace is the sum of its spans' contributions to the
//! trace's critical path (each piece of the path counts once, for the span doing the
//! work: see [`crate::analysis::critical_path`]). Divided by the group's trace count
//! (traces without the path count as 0), these add up to the group's mean trace
//! duration, so the rows' deltas add up to `delta_duration_ns`. Time of a trace outside
//! its root span (orphans, late spans) is the row [`OUTSIDE_ROOT`]. A span that got
//! slower while a sibling it runs beside stays on the path keeps a `delta_critical_ns`
//! near 0: [`CohortRow::slower_off_path`].

use serde::{Deserialize, Serialize};

use super::paths::PathTree;
use super::summary::service_text;
use crate::analysis::critical_path::critical_path;
use crate::analysis::percentile::nearest_rank;
use crate::model::TraceSet;

/// The path of the row that holds trace time outside the root span's critical path.
pub const OUTSIDE_ROOT: &str = "(outside the root span)";

/// One group as a whole.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupStats {
    pub traces: usize,
    pub mean_duration_ns: f64,
}

/// One group on one path.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PathStats {
    pub count_per_trace: f64,
    /// Mean span duration; `None` when the group has no span on the path.
    pub mean_ns: Option<f64>,
    pub p50_ns: Option<u64>,
    pub p95_ns: Option<u64>,
    pub critical_ns_per_trace: f64,
}

/// One path.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CohortRow {
    pub path: Vec<String>,
    pub service: String,
    pub operation: String,
    pub a: PathStats,
    pub b: PathStats,
    /// `b.critical_ns_per_trace − a.critical_ns_per_trace`.
    pub delta_critical_ns: f64,
    /// `b.mean_ns − a.mean_ns`; `None` when a group has no span on the path.
    pub delta_mean_ns: Option<f64>,
}

impl CohortRow {
    /// The spans got slower (by the mean, weighted by the larger of the two groups' counts
    /// per trace) but at most a tenth of that reached the critical path: the time was spent
    /// beside the path.
    pub fn slower_off_path(&self) -> bool {
        let slower = self.delta_mean_ns.unwrap_or(0.0) * self.b.count_per_trace.max(self.a.count_per_trace);
        slower > 0.0 && self.delta_critical_ns.abs() <= slower * 0.1
    }
}

/// The comparison.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CohortDiff {
    pub a: GroupStats,
    pub b: GroupStats,
    /// `b.mean_duration_ns − a.mean_duration_ns`.
    pub delta_duration_ns: f64,
    pub rows: Vec<CohortRow>,
}

/// Per-node sums of one group.
#[derive(Clone, Default)]
struct Acc {
    durations_ns: Vec<u64>,
    critical_ns: u64,
}

/// Compares group `a` with group `b` (indices into `set.traces`; unknown ones are skipped).
pub fn cohort_diff(set: &TraceSet, a: &[usize], b: &[usize]) -> CohortDiff {
    let mut tree = PathTree::new();
    let mut accs: [Vec<Acc>; 2] = [Vec::new(), Vec::new()];
    let mut outside: [u64; 2] = [0, 0];
    let mut groups = [GroupStats::default(); 2];
    for (g, traces) in [a, b].into_iter().enumerate() {
        let mut total_ns = 0u128;
        for &trace in traces {
            let Some(t) = set.traces.get(trace) else { continue };
            groups[g].traces += 1;
            total_ns += t.duration_ns as u128;
            let nodes = tree.assign(set, trace);
            for acc in accs.iter_mut() {
                acc.resize(tree.nodes.len(), Acc::default());
            }
            for (k, &node) in nodes.iter().enumerate() {
                if let Some(s) = set.spans.get(t.spans.start as usize + k) {
                    accs[g][node as usize].durations_ns.push(s.duration_ns);
                }
            }
            let cp = critical_path(set, trace);
            let mut on_path = 0u64;
            for c in &cp.contributions {
                let Some(&node) = (c.span as usize).checked_sub(t.spans.start as usize).and_then(|k| nodes.get(k)) else { continue };
                accs[g][node as usize].critical_ns += c.contribution_ns;
                on_path += c.contribution_ns;
            }
            outside[g] += t.duration_ns.saturating_sub(on_path);
        }
        groups[g].mean_duration_ns = if groups[g].traces > 0 { total_ns as f64 / groups[g].traces as f64 } else { 0.0 };
    }
    let per_trace = |v: u64, g: usize| if groups[g].traces > 0 { v as f64 / groups[g].traces as f64 } else { 0.0 };
    let mut rows: Vec<CohortRow> = Vec::with_capacity(tree.nodes.len() + 1);
    for (n, node) in tree.nodes.iter().enumerate() {
        let mut stats = |g: usize| {
            let acc = &mut accs[g][n];
            acc.durations_ns.sort_unstable();
            let d = &acc.durations_ns;
            PathStats {
                count_per_trace: per_trace(d.len() as u64, g),
                mean_ns: (!d.is_empty()).then(|| d.iter().map(|&v| v as f64).sum::<f64>() / d.len() as f64),
                p50_ns: nearest_rank(d, 50.0),
                p95_ns: nearest_rank(d, 95.0),
                critical_ns_per_trace: per_trace(acc.critical_ns, g),
            }
        };
        let (sa, sb) = (stats(0), stats(1));
        rows.push(row(tree.path(set, n as u32), service_text(set, node.service).to_string(), set.str(node.operation).to_string(), sa, sb));
    }
    if outside.iter().any(|&v| v > 0) {
        let side = |g: usize| PathStats { critical_ns_per_trace: per_trace(outside[g], g), ..PathStats::default() };
        rows.push(row(vec![OUTSIDE_ROOT.to_string()], String::new(), String::new(), side(0), side(1)));
    }
    rows.sort_by(|x, y| y.delta_critical_ns.total_cmp(&x.delta_critical_ns).then_with(|| x.path.cmp(&y.path)));
    CohortDiff { a: groups[0], b: groups[1], delta_duration_ns: groups[1].mean_duration_ns - groups[0].mean_duration_ns, rows }
}

fn row(path: Vec<String>, service: String, operation: String, a: PathStats, b: PathStats) -> CohortRow {
    let delta_mean_ns = a.mean_ns.zip(b.mean_ns).map(|(x, y)| y - x);
    CohortRow { path, service, operation, delta_critical_ns: b.critical_ns_per_trace - a.critical_ns_per_trace, delta_mean_ns, a, b }
}

/// Splits traces into "the rest" (A) and "the slowest `percent`%" (B) by duration: B
/// holds ⌈percent/100 · n⌉ traces, at least one and at most n − 1 when n ≥ 2. Ties
/// are broken by trace index, so the split is deterministic. Both lists ascending.
pub fn slowest_split(set: &TraceSet, traces: &[usize], percent: f64) -> (Vec<usize>, Vec<usize>) {
    let mut by_dur: Vec<usize> = traces.iter().copied().filter(|&t| t < set.traces.len()).collect();
    by_dur.sort_by(|&x, &y| set.traces[y].duration_ns.cmp(&set.traces[x].duration_ns).then(x.cmp(&y)));
    let n = by_dur.len();
    let want = ((percent.clamp(0.0, 100.0) / 100.0) * n as f64).ceil() as usize;
    let k = if n >= 2 { want.clamp(1, n - 1) } else { want.min(n) };
    let mut slow = by_dur[..k].to_vec();
    let mut rest = by_dur[k..].to_vec();
    slow.sort_unstable();
    rest.sort_unstable();
    (rest, slow)
}
