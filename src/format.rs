//! Human-readable text for numbers and labels: durations, US dollars, counts and long
//! strings in, "1.23 ms", "$0.017721", "1,234", "a-long-na…" out. One formatter per
//! unit, used by the CLI and the UI alike.

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

/// US dollars for LLM-sized amounts: `$0.017721`, `$0.003459` (6 decimals below $1,
/// trailing zeros trimmed), `$0.0000492` (3 significant digits when that is finer),
/// `$12.34` from $1 up, `$0` for zero. A non-finite amount is `unknown`, never $0;
/// callers show a cost they do not know as unknown rather than passing 0.
pub fn usd(v: f64) -> String {
    if !v.is_finite() {
        return "unknown".to_string();
    }
    let a = v.abs();
    let sign = if v < 0.0 { "-" } else { "" };
    if a == 0.0 {
        return "$0".to_string();
    }
    let body = if a >= 1.0 {
        format!("{a:.2}")
    } else {
        // Micro-dollars (6 decimals), or 3 significant digits when that is finer,
        // so $0.003459 and $0.017721 keep the same precision.
        let digits = ((-a.log10().floor()) as usize + 2).max(6);
        let s = format!("{a:.digits$}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    format!("{sign}${body}")
}

/// At most `max_chars` characters: a longer text keeps its first `max_chars − 1`
/// characters and ends in "…".
pub fn ellipsis(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max_chars.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// An integer with thousands separators: 1234567 → "1,234,567".
/// A count with its noun, singular for one: `1 trace`, `1,234 traces` (thousands separated;
/// the plural adds `s`).
pub fn count(n: u64, noun: &str) -> String {
    format!("{} {noun}{}", thousands(n), if n == 1 { "" } else { "s" })
}

pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A UTC time of day, `HH:MM:SS`, of nanoseconds since the Unix epoch.
pub fn utc_hms(ns: u64) -> String {
    let s = ns / 1_000_000_000;
    format!("{:02}:{:02}:{:02}", (s / 3600) % 24, (s / 60) % 60, s % 60)
}

/// The civil date (year, month 1–12, day 1–31; proleptic Gregorian) of a day count since
/// 1970-01-01, by 400-year eras.
pub fn civil_date(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// A UTC date and time, `YYYY-MM-DD HH:MM:SS.mmm`, of nanoseconds since the Unix epoch.
pub fn utc_datetime(ns: u64) -> String {
    let (year, month, day) = civil_date((ns / 86_400_000_000_000) as i64);
    format!("{year:04}-{month:02}-{day:02} {}.{:03}", utc_hms(ns), (ns / 1_000_000) % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn counts_agree_with_their_number() {
        assert_eq!((count(1, "trace"), count(0, "trace"), count(1234, "span")), ("1 trace".into(), "0 traces".into(), "1,234 spans".into()));
    }
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

    #[test]
    fn usd_keeps_micro_dollars_below_a_cent() {
        assert_eq!(usd(0.003459), "$0.003459");
        assert_eq!(usd(0.00075), "$0.00075");
        assert_eq!(usd(0.027157), "$0.027157");
        assert_eq!(usd(0.0000312), "$0.0000312");
        assert_eq!(usd(0.005), "$0.005");
        assert_eq!(usd(-0.003459), "-$0.003459");
        assert_eq!(usd(f64::NAN), "unknown");
    }

    #[test]
    fn ellipsis_keeps_at_most_max_chars() {
        assert_eq!(ellipsis("abcdef", 6), "abcdef");
        assert_eq!(ellipsis("abcdefg", 6), "abcde…");
        assert_eq!(ellipsis("äöü", 2), "ä…");
        assert_eq!(ellipsis("abc", 0), "…");
    }
}
