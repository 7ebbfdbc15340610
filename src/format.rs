//! Human-readable text for numbers: durations in, "1.23 ms" style strings out.

/// Formats nanoseconds with a unit that keeps 3 significant digits: ns, µs, ms, s, min.
pub fn duration(ns: u64) -> String {
    let f = ns as f64;
    if ns < 1_000 {
        format!("{ns} ns")
    } else if ns < 1_000_000 {
        format!("{} µs", sig3(f / 1e3))
    } else if ns < 1_000_000_000 {
        format!("{} ms", sig3(f / 1e6))
    } else if ns < 60_000_000_000 {
        format!("{} s", sig3(f / 1e9))
    } else {
        let mins = ns / 60_000_000_000;
        let secs = (ns % 60_000_000_000) as f64 / 1e9;
        format!("{mins} min {:.0} s", secs.floor())
    }
}

/// Signed variant for offsets that may be negative (clock skew).
pub fn duration_signed(ns: i64) -> String {
    if ns < 0 {
        format!("-{}", duration(ns.unsigned_abs()))
    } else {
        duration(ns as u64)
    }
}

/// Three significant digits, trailing zeros trimmed: 1.50 → "1.5", 123.4 → "123".
fn sig3(v: f64) -> String {
    let s = if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    };
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// US dollars with enough digits for sub-cent LLM costs: $0.000123, $1.23.
pub fn usd(v: f64) -> String {
    if v == 0.0 {
        "$0".to_string()
    } else if v.abs() < 0.01 {
        format!("${v:.6}")
    } else if v.abs() < 1.0 {
        format!("${v:.4}")
    } else {
        format!("${v:.2}")
    }
}

/// An integer with thousands separators: 1234567 → "1,234,567".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn durations_pick_units() {
        assert_eq!(duration(1), "1 ns");
        assert_eq!(duration(1_500), "1.5 µs");
        assert_eq!(duration(3_841_000_000), "3.84 s");
        assert_eq!(duration(2_208_000_000), "2.21 s");
        assert_eq!(duration(118_000_000), "118 ms");
        assert_eq!(duration(90_000_000_000), "1 min 30 s");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(usd(0.000123), "$0.000123");
    }
}
