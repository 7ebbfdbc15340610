//! Time-axis ticks: a time window in, evenly spaced ticks with readable labels out.
//!
//! Steps follow 1-2-5 × 10^k nanoseconds; the label unit (ns, µs, ms, s) is chosen
//! from the window so every label of one ruler has the same unit.

/// One tick on the ruler.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    /// Offset from the trace start.
    pub offset_ns: f64,
    /// Position in percent of the lane.
    pub pct: f64,
    pub label: String,
}

/// A "nice" step (1, 2 or 5 × 10^k ns) giving about `target` ticks over `len_ns`.
pub fn nice_step_ns(len_ns: f64, target: usize) -> f64 {
    let raw = (len_ns.max(1.0)) / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let m = if norm <= 1.0 {
        1.0
    } else if norm <= 2.0 {
        2.0
    } else if norm <= 5.0 {
        5.0
    } else {
        10.0
    };
    (m * mag).max(1.0)
}

/// Unit divisor and suffix for a window length.
fn unit_for(step_ns: f64) -> (f64, &'static str) {
    if step_ns < 1e3 {
        (1.0, "ns")
    } else if step_ns < 1e6 {
        (1e3, "µs")
    } else if step_ns < 1e9 {
        (1e6, "ms")
    } else {
        (1e9, "s")
    }
}

/// Formats an offset in the unit of the window length, with enough decimals for the step.
pub fn label(offset_ns: f64, step_ns: f64, len_ns: f64) -> String {
    let (div, unit) = unit_for(len_ns);
    let step_in_unit = step_ns / div;
    let decimals = if step_in_unit >= 1.0 { 0 } else { (-step_in_unit.log10().floor()) as usize };
    let v = offset_ns / div;
    let v = if v.abs() < 1e-9 { 0.0 } else { v };
    format!("{v:.decimals$} {unit}")
}

/// Ticks for the window `[start_off_ns, end_off_ns]` (offsets from the trace start).
pub fn ticks(start_off_ns: f64, end_off_ns: f64, target: usize) -> Vec<Tick> {
    let len = (end_off_ns - start_off_ns).max(1.0);
    let step = nice_step_ns(len, target);
    let mut out = Vec::new();
    let mut k = (start_off_ns / step).ceil();
    loop {
        let t = k * step;
        if t > end_off_ns + step * 1e-6 || out.len() > 1000 {
            break;
        }
        out.push(Tick { offset_ns: t, pct: (t - start_off_ns) / len * 100.0, label: label(t, step, len.max(end_off_ns.abs())) });
        k += 1.0;
    }
    out
}
