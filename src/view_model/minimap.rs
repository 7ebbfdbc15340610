//! Minimap density: a trace and a pixel grid size in, span counts per cell out.
//!
//! Rows of the grid are buckets of the trace's pre-order (every span, collapsed or
//! not); columns are buckets of the trace's time. Each span adds one to the cells
//! its bar crosses in its row, through a per-row difference array, so the cost is
//! O(spans + cells) whatever the span lengths.

use crate::model::TraceSet;

/// Counts per cell, row-major; plus a separate grid for error spans.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Density {
    pub cols: usize,
    pub rows: usize,
    pub counts: Vec<u32>,
    pub errors: Vec<u32>,
    pub max: u32,
}

impl Density {
    pub fn at(&self, col: usize, row: usize) -> u32 {
        self.counts.get(row * self.cols + col).copied().unwrap_or(0)
    }
}

pub fn density(set: &TraceSet, trace: usize, cols: usize, rows: usize) -> Density {
    let (cols, rows) = (cols.max(1), rows.max(1));
    let Some(t) = set.traces.get(trace) else { return Density { cols, rows, ..Default::default() } };
    let range = t.spans.range();
    let n = range.len().max(1);
    let rows = rows.min(n);
    let t0 = t.start_ns as f64;
    let len = t.duration_ns.max(1) as f64;
    let mut diff = vec![0i64; (cols + 1) * rows];
    let mut ediff = vec![0i64; (cols + 1) * rows];
    for (k, i) in range.enumerate() {
        let Some(s) = set.spans.get(i) else { break };
        let row = k * rows / n;
        let c0 = (((s.start_ns as f64 - t0) / len) * cols as f64).floor().clamp(0.0, (cols - 1) as f64) as usize;
        let c1 = (((s.end_ns() as f64 - t0) / len) * cols as f64).ceil().clamp((c0 + 1) as f64, cols as f64) as usize;
        let base = row * (cols + 1);
        diff[base + c0] += 1;
        diff[base + c1] -= 1;
        if s.is_error() {
            ediff[base + c0] += 1;
            ediff[base + c1] -= 1;
        }
    }
    let mut counts = vec![0u32; cols * rows];
    let mut errors = vec![0u32; cols * rows];
    let mut max = 0;
    for r in 0..rows {
        let (mut acc, mut eacc) = (0i64, 0i64);
        for c in 0..cols {
            acc += diff[r * (cols + 1) + c];
            eacc += ediff[r * (cols + 1) + c];
            let v = acc.max(0) as u32;
            counts[r * cols + c] = v;
            errors[r * cols + c] = eacc.max(0) as u32;
            max = max.max(v);
        }
    }
    Density { cols, rows, counts, errors, max }
}
