//! Wire times in, nanoseconds out: RFC 3339 timestamps, protobuf-JSON durations
//! (`"100000ns"`, `"1.5s"`), and microsecond numbers (Jaeger, Zipkin) as [`Parsed`],
//! which tells a missing value from a negative or unreadable one.

use super::scalars::{Num, Scalar};

/// Parses an RFC 3339 timestamp (`2017-01-26T16:46:31.639875Z`, offsets allowed)
/// into nanoseconds since the epoch.
pub(crate) fn parse_rfc3339_ns(s: &str) -> Option<u64> {
    let b = s.trim().as_bytes();
    if b.len() < 19 {
        return None;
    }
    let at = |i: usize| b.get(i).copied();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = std::str::from_utf8(b.get(r)?).ok()?;
        part.parse::<i64>().ok()
    };
    let year = num(0..4)?;
    let month = num(5..7)?;
    let day = num(8..10)?;
    let hour = num(11..13)?;
    let min = num(14..16)?;
    let sec = num(17..19)?;
    if at(4) != Some(b'-') || at(7) != Some(b'-') || !matches!(at(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let mut i = 19;
    let mut frac_ns: i64 = 0;
    if at(i) == Some(b'.') {
        i += 1;
        let mut digits = 0;
        while let Some(c) = at(i).filter(u8::is_ascii_digit) {
            if digits < 9 {
                frac_ns = frac_ns * 10 + i64::from(c - b'0');
                digits += 1;
            }
            i += 1;
        }
        while digits < 9 {
            frac_ns *= 10;
            digits += 1;
        }
    }
    let mut offset_s: i64 = 0;
    match at(i) {
        None | Some(b'Z' | b'z') => {}
        Some(c @ (b'+' | b'-')) => {
            let sign = if c == b'-' { -1 } else { 1 };
            let oh = num(i + 1..i + 3)?;
            let om = num(i + 4..i + 6).unwrap_or(0);
            offset_s = sign * (oh * 3600 + om * 60);
        }
        Some(_) => return None,
    }
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || min > 59 || sec > 60 {
        return None;
    }
    // Days from civil (proleptic Gregorian).
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146097 + doe - 719468;
    let secs = days * 86400 + hour * 3600 + min * 60 + sec - offset_s;
    // Before 1970 is not a valid time; past the year 2554 nanoseconds no longer fit in a u64.
    u64::try_from(secs).ok()?.checked_mul(1_000_000_000)?.checked_add(u64::try_from(frac_ns).ok()?)
}

/// Parses a protobuf-JSON duration such as `"100000ns"`, `"1.5s"`, `"0.000100s"`.
pub(crate) fn parse_duration_ns(s: &str) -> Option<u64> {
    let t = s.trim();
    // The number, nanoseconds per unit, and the digits of a fraction that unit holds.
    let (num, scale, digits): (&str, u64, usize) = if let Some(n) = t.strip_suffix("ns") {
        (n, 1, 0)
    } else if let Some(n) = t.strip_suffix("us").or_else(|| t.strip_suffix("µs")) {
        (n, 1_000, 3)
    } else if let Some(n) = t.strip_suffix("ms") {
        (n, 1_000_000, 6)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1_000_000_000, 9)
    } else {
        (t, 1, 0)
    };
    if scale == 1 {
        return num.trim().parse::<u64>().ok();
    }
    // Exact for "<int>.<frac>s" by splitting.
    let num = num.trim();
    if let Some((int, frac)) = num.split_once('.') {
        let int: u64 = if int.is_empty() { 0 } else { int.parse().ok()? };
        let mut frac_s: String = frac.chars().take(digits).collect();
        if !frac_s.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        while frac_s.len() < digits {
            frac_s.push('0');
        }
        let f: u64 = if frac_s.is_empty() { 0 } else { frac_s.parse().ok()? };
        int.checked_mul(scale)?.checked_add(f)
    } else {
        num.parse::<u64>().ok()?.checked_mul(scale)
    }
}

/// A time or duration value read from the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Parsed {
    Missing,
    Ns(u64),
    Negative,
    Bad,
}

/// Microseconds (number or numeric string) to nanoseconds, exact for integers.
pub(crate) fn us_num_to_ns(n: Num) -> Parsed {
    match n {
        Num::Null => Parsed::Missing,
        Num::U(v) => v.checked_mul(1000).map(Parsed::Ns).unwrap_or(Parsed::Bad),
        Num::I(v) => match u64::try_from(v) {
            Ok(v) => v.checked_mul(1000).map(Parsed::Ns).unwrap_or(Parsed::Bad),
            Err(_) => Parsed::Negative,
        },
        Num::F(v) if !v.is_finite() => Parsed::Bad,
        Num::F(v) if v < 0.0 => Parsed::Negative,
        Num::F(v) => {
            let ns = (v * 1000.0).round();
            if ns >= u64::MAX as f64 {
                Parsed::Bad
            } else {
                Parsed::Ns(ns as u64)
            }
        }
        Num::Bad => Parsed::Bad,
    }
}

/// A Jaeger time: µs as a number or numeric string, else RFC 3339 text.
pub(crate) fn scalar_time_ns(s: &Scalar) -> Parsed {
    scalar_ns(s, parse_rfc3339_ns)
}

/// A Jaeger duration: µs as a number or numeric string, else `"100000ns"`/`"0.1s"` text.
pub(crate) fn scalar_duration_ns(s: &Scalar) -> Parsed {
    scalar_ns(s, |t| {
        let t = t.trim();
        if t.starts_with('-') {
            None
        } else {
            parse_duration_ns(t)
        }
    })
}

fn scalar_ns(s: &Scalar, text: fn(&str) -> Option<u64>) -> Parsed {
    match s {
        Scalar::Null => Parsed::Missing,
        Scalar::U(v) => us_num_to_ns(Num::U(*v)),
        Scalar::I(v) => us_num_to_ns(Num::I(*v)),
        Scalar::F(v) => us_num_to_ns(Num::F(*v)),
        Scalar::Str(t) => match Num::from_text(t) {
            Num::Bad => {
                if t.trim().starts_with('-') && t.trim().ends_with('s') {
                    return Parsed::Negative;
                }
                text(t).map(Parsed::Ns).unwrap_or(Parsed::Bad)
            }
            n => us_num_to_ns(n),
        },
        Scalar::Bool(_) | Scalar::Other => Parsed::Bad,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339() {
        assert_eq!(parse_rfc3339_ns("1970-01-01T00:00:01Z"), Some(1_000_000_000));
        assert_eq!(parse_rfc3339_ns("2017-01-26T16:46:31.639875Z"), Some(1_485_449_191_639_875_000));
        assert_eq!(parse_rfc3339_ns("2017-01-26T17:46:31.639875+01:00"), Some(1_485_449_191_639_875_000));
        assert_eq!(parse_rfc3339_ns("2017-01-26 16:46:31"), Some(1_485_449_191_000_000_000));
        assert_eq!(parse_rfc3339_ns("2017-01-26T16:46:31x"), None);
        assert_eq!(parse_rfc3339_ns("nope"), None);
        // Found by the fuzzer: a far-future year overflowed the nanosecond count.
        assert_eq!(parse_rfc3339_ns("9999-01-26T16:46:31.639875Z"), None);
        assert_eq!(parse_rfc3339_ns("2554-07-21T23:34:33.709551615Z"), Some(u64::MAX));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ns("100000ns"), Some(100_000));
        assert_eq!(parse_duration_ns("1.5s"), Some(1_500_000_000));
        assert_eq!(parse_duration_ns("0.000100s"), Some(100_000));
        assert_eq!(parse_duration_ns("2.5ms"), Some(2_500_000));
        assert_eq!(parse_duration_ns("7us"), Some(7_000));
        assert_eq!(parse_duration_ns("x"), None);
    }

    #[test]
    fn microseconds() {
        assert_eq!(us_num_to_ns(Num::I(-1)), Parsed::Negative);
        assert_eq!(us_num_to_ns(Num::I(2)), Parsed::Ns(2000));
        assert_eq!(us_num_to_ns(Num::U(u64::MAX)), Parsed::Bad);
        assert_eq!(scalar_duration_ns(&Scalar::Str("-5ns".into())), Parsed::Negative);
        assert_eq!(scalar_time_ns(&Scalar::Null), Parsed::Missing);
    }
}
