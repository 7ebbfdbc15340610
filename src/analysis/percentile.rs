//! Percentiles: an ascending slice and `p` (0..=100) in, the nearest-rank value out.

/// Nearest-rank percentile of an ascending slice: the value at rank ⌈p/100 · n⌉
/// (clamped to 1..=n); `None` when the slice is empty.
pub fn nearest_rank<T: Copy>(sorted: &[T], p: f64) -> Option<T> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len();
    let rank = ((p / 100.0) * n as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, n) - 1])
}
