//! Helpers shared by the readers: tolerant JSON scalars (numbers that arrive as
//! strings and back), JSON Lines splitting, and byte offsets to line/column.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, Visitor};
use serde::Deserialize;

/// 1-based line and column of a byte offset.
pub fn line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let upto = &bytes[..offset.min(bytes.len())];
    let line = upto.iter().filter(|&&c| c == b'\n').count() + 1;
    let col = upto.iter().rev().take_while(|&&c| c != b'\n').count() + 1;
    (line, col)
}

/// Value of each hex digit byte, or 0xFF for a byte that is not one.
const HEX_VALUE: [u8; 256] = {
    let mut t = [0xFFu8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

/// Up to 16 hex digits to a number, and the OR of their digit values (above 0x0F
/// when a byte is not a hex digit). One table lookup per digit, no branches.
fn hex_part(part: &[u8]) -> (u64, u8) {
    let mut v: u64 = 0;
    let mut bad = 0u8;
    for &c in part {
        let d = HEX_VALUE[c as usize];
        bad |= d;
        v = (v << 4) | u64::from(d & 0x0F);
    }
    (v, bad)
}

/// Exactly 16 hex digits (any case) to a number; `None` if one is not a hex digit.
/// The fixed length lets the compiler unroll the loop: this is the id hot path.
pub fn hex16(s: &[u8; 16]) -> Option<u64> {
    let (v, bad) = hex_part(s);
    (bad <= 0x0F).then_some(v)
}

/// Decodes 1 to 32 hex digits (any case) into a number; `None` for anything else.
pub fn hex_u128(s: &[u8]) -> Option<u128> {
    if s.is_empty() || s.len() > 32 {
        return None;
    }
    // Two 64-bit halves: cheaper than shifting a u128 per digit.
    let (hi, lo) = s.split_at(s.len().saturating_sub(16));
    let (h, bad_h) = hex_part(hi);
    let (l, bad_l) = hex_part(lo);
    if (bad_h | bad_l) > 0x0F {
        return None;
    }
    Some((u128::from(h) << 64) | u128::from(l))
}

/// Where the first `\n` of `bytes` is. Scans 64-byte blocks with a branch-free test
/// (which the compiler turns into vector compares), then finds the exact byte: a
/// one-line JSON document of 1 GB is scanned many times faster than byte by byte.
fn find_newline(bytes: &[u8]) -> Option<usize> {
    let mut blocks = bytes.chunks_exact(64);
    let mut base = 0;
    for block in &mut blocks {
        if block.iter().fold(0u8, |any, &c| any | u8::from(c == b'\n')) != 0 {
            return block.iter().position(|&c| c == b'\n').map(|i| base + i);
        }
        base += 64;
    }
    blocks.remainder().iter().position(|&c| c == b'\n').map(|i| base + i)
}

/// Splits text into JSON Lines when it holds more than one top-level JSON value,
/// one per line. Returns `(1-based line number, line text)` for non-blank lines,
/// or `None` when the text is a single JSON document.
pub fn json_lines(text: &str) -> Option<Vec<(usize, &str)>> {
    // Cheap checks on the first non-blank line come first, so that a file holding
    // one document costs a single newline scan, not a split of every line.
    let mut pos = 0;
    let (first, first_end) = loop {
        let end = find_newline(&text.as_bytes()[pos..]).map(|i| pos + i);
        let line = text.get(pos..end.unwrap_or(text.len()))?.trim();
        if !line.is_empty() {
            break (line, end?);
        }
        pos = end? + 1;
    };
    // JSON Lines: every line starts a value and is complete on its own. A pretty-printed
    // document has lines such as `"key": 1,` or `}` that are not whole values.
    let first_ok = first.starts_with('{') || first.starts_with('[');
    let ends_ok = first.ends_with('}') || first.ends_with(']');
    if !first_ok || !ends_ok {
        return None;
    }
    // A second non-blank line must follow.
    if text.get(first_end + 1..)?.trim().is_empty() {
        return None;
    }
    if serde_json::from_str::<IgnoredAny>(first).is_err() {
        return None;
    }
    let mut lines: Vec<(usize, &str)> = Vec::new();
    for (i, l) in text.lines().enumerate() {
        let t = l.trim();
        if !t.is_empty() {
            lines.push((i + 1, t));
        }
    }
    Some(lines)
}

/// A JSON number or numeric string, kept exact for integers up to u64/i64.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub enum Num {
    U(u64),
    I(i64),
    F(f64),
    /// Present but not a number (e.g. `"invalid"`, `true`, an object).
    Bad,
    /// `null` or absent.
    #[default]
    Null,
}

impl Num {
    pub fn as_u64(self) -> Option<u64> {
        match self {
            Num::U(v) => Some(v),
            Num::I(v) if v >= 0 => Some(v as u64),
            Num::F(v) if v >= 0.0 && v.is_finite() => Some(v as u64),
            _ => None,
        }
    }
    pub fn as_i64(self) -> Option<i64> {
        match self {
            Num::U(v) => i64::try_from(v).ok(),
            Num::I(v) => Some(v),
            Num::F(v) if v.is_finite() => Some(v as i64),
            _ => None,
        }
    }
    pub fn as_f64(self) -> Option<f64> {
        match self {
            Num::U(v) => Some(v as f64),
            Num::I(v) => Some(v as f64),
            Num::F(v) => Some(v),
            _ => None,
        }
    }
    pub fn is_present(self) -> bool {
        !matches!(self, Num::Null)
    }
    /// Parses numeric text: integers exactly, else as float.
    pub fn from_text(s: &str) -> Num {
        if let Some(v) = parse_digits(s.as_bytes()) {
            return Num::U(v);
        }
        let t = s.trim();
        if let Ok(v) = t.parse::<u64>() {
            Num::U(v)
        } else if let Ok(v) = t.parse::<i64>() {
            Num::I(v)
        } else if let Ok(v) = t.parse::<f64>() {
            if v.is_finite() {
                Num::F(v)
            } else {
                Num::Bad
            }
        } else {
            Num::Bad
        }
    }
}

/// Eight ASCII digits (the first digit in the lowest byte) to their value, or `None`
/// when one of the bytes is not a digit. SWAR: all eight are checked and combined
/// with a few word operations instead of a loop.
fn eight_digits(chunk: [u8; 8]) -> Option<u64> {
    let w = u64::from_le_bytes(chunk);
    // Each byte must be 0x30..=0x39: high nibble 3, and adding 6 must not carry into it.
    let high = w & 0xF0F0_F0F0_F0F0_F0F0;
    let carry = w.wrapping_add(0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0;
    if high != 0x3030_3030_3030_3030 || carry != 0x3030_3030_3030_3030 {
        return None;
    }
    // Pairwise combine: digits → 2-digit → 4-digit → 8-digit numbers.
    let d = w & 0x0F0F_0F0F_0F0F_0F0F;
    let d = (d.wrapping_mul(10) + (d >> 8)) & 0x00FF_00FF_00FF_00FF;
    let d = (d.wrapping_mul(100) + (d >> 16)) & 0x0000_FFFF_0000_FFFF;
    Some((d.wrapping_mul(10_000) + (d >> 32)) & 0xFFFF_FFFF)
}

/// Plain decimal digits (1 to 19 of them, so the value surely fits) to a number;
/// `None` for anything else. The hot path of OTLP's nanosecond time strings.
pub fn parse_digits(s: &[u8]) -> Option<u64> {
    if s.is_empty() || s.len() > 19 {
        return None;
    }
    let mut v: u64 = 0;
    let mut rest = s;
    while let Some((chunk, tail)) = rest.split_first_chunk::<8>() {
        v = v * 100_000_000 + eight_digits(*chunk)?;
        rest = tail;
    }
    for &c in rest {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u64::from(c - b'0');
    }
    Some(v)
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Num, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Num;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a numeric string")
            }
            fn visit_u64<E>(self, v: u64) -> Result<Num, E> {
                Ok(Num::U(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Num, E> {
                Ok(Num::I(v))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Num, E> {
                Ok(Num::F(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Num, E> {
                Ok(Num::from_text(v))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Num, E> {
                Ok(Num::Bad)
            }
            fn visit_unit<E>(self) -> Result<Num, E> {
                Ok(Num::Null)
            }
            fn visit_none<E>(self) -> Result<Num, E> {
                Ok(Num::Null)
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Num, D2::Error> {
                d.deserialize_any(V)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<Num, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Num::Bad)
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut a: A) -> Result<Num, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Num::Bad)
            }
        }
        d.deserialize_any(V)
    }
}

/// Any JSON scalar as text: strings borrowed when possible, numbers and bools
/// formatted. Objects and arrays become `Text::Other` (ignored by callers).
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Text<'a> {
    Str(Cow<'a, str>),
    Other,
    #[default]
    Null,
}

impl<'a> Text<'a> {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Text::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn or_empty(&self) -> &str {
        self.as_str().unwrap_or("")
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text<'a>, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Text<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'a>, E> {
                Ok(Text::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Text<'a>, E> {
                Ok(Text::Str(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Text<'a>, E> {
                Ok(Text::Str(Cow::Owned(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Text<'a>, E> {
                Ok(Text::Str(Cow::Owned(v.to_string())))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Text<'a>, E> {
                Ok(Text::Str(Cow::Owned(v.to_string())))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Text<'a>, E> {
                Ok(Text::Str(Cow::Owned(v.to_string())))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Text<'a>, E> {
                Ok(Text::Str(Cow::Owned(v.to_string())))
            }
            fn visit_unit<E>(self) -> Result<Text<'a>, E> {
                Ok(Text::Null)
            }
            fn visit_none<E>(self) -> Result<Text<'a>, E> {
                Ok(Text::Null)
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Text<'a>, D2::Error> {
                d.deserialize_any(V(std::marker::PhantomData))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<Text<'a>, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Text::Other)
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut a: A) -> Result<Text<'a>, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Text::Other)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A list that may be `null`, absent, or (wrongly) not a list: all become empty.
#[derive(Debug, Clone, PartialEq)]
pub struct LooseVec<T>(pub Vec<T>);

impl<T> Default for LooseVec<T> {
    fn default() -> Self {
        LooseVec(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for LooseVec<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<LooseVec<T>, D::Error> {
        let v: Option<Vec<T>> = Option::deserialize(d)?;
        Ok(LooseVec(v.unwrap_or_default()))
    }
}

/// Parses an RFC 3339 timestamp (`2017-01-26T16:46:31.639875Z`, offsets allowed)
/// into nanoseconds since the epoch.
pub fn parse_rfc3339_ns(s: &str) -> Option<u64> {
    let b = s.trim().as_bytes();
    if b.len() < 19 {
        return None;
    }
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
    if b[4] != b'-' || b[7] != b'-' || !(b[10] == b'T' || b[10] == b't' || b[10] == b' ') {
        return None;
    }
    let mut i = 19;
    let mut frac_ns: i64 = 0;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let mut digits = 0;
        while i < b.len() && b[i].is_ascii_digit() {
            if digits < 9 {
                frac_ns = frac_ns * 10 + (b[i] - b'0') as i64;
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
    if i < b.len() {
        match b[i] {
            b'Z' | b'z' => {}
            b'+' | b'-' => {
                let sign = if b[i] == b'-' { -1 } else { 1 };
                let oh = num(i + 1..i + 3)?;
                let om = num(i + 4..i + 6).unwrap_or(0);
                offset_s = sign * (oh * 3600 + om * 60);
            }
            _ => return None,
        }
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
    if secs < 0 {
        return None;
    }
    // Past the year 2554 nanoseconds no longer fit in a u64: not a valid time.
    (secs as u64).checked_mul(1_000_000_000)?.checked_add(frac_ns as u64)
}

/// Parses a protobuf-JSON duration such as `"100000ns"`, `"1.5s"`, `"0.000100s"`.
pub fn parse_duration_ns(s: &str) -> Option<u64> {
    let t = s.trim();
    let (num, mult) = if let Some(n) = t.strip_suffix("ns") {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix("us").or_else(|| t.strip_suffix("µs")) {
        (n, 1e3)
    } else if let Some(n) = t.strip_suffix("ms") {
        (n, 1e6)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1e9)
    } else {
        (t, 1.0)
    };
    if mult == 1.0 {
        return num.trim().parse::<u64>().ok();
    }
    // Exact for "<int>.<frac>s" by splitting.
    let num = num.trim();
    if let Some((int, frac)) = num.split_once('.') {
        let int: u64 = if int.is_empty() { 0 } else { int.parse().ok()? };
        let scale = mult as u64;
        let digits = (scale as f64).log10().round() as usize;
        let mut frac_s: String = frac.chars().take(digits).collect();
        if !frac_s.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        while frac_s.len() < digits {
            frac_s.push('0');
        }
        let f: u64 = if frac_s.is_empty() { 0 } else { frac_s.parse().ok()? };
        Some(int.checked_mul(scale)?.checked_add(f)?)
    } else {
        num.parse::<u64>().ok()?.checked_mul(mult as u64)
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
        assert_eq!(parse_duration_ns("x"), None);
    }

    #[test]
    fn nums_exact_past_2_53() {
        let n: Num = serde_json::from_str("\"1705327800000000001\"").unwrap();
        assert_eq!(n.as_u64(), Some(1_705_327_800_000_000_001));
        let n: Num = serde_json::from_str("1705327800000000001").unwrap();
        assert_eq!(n.as_u64(), Some(1_705_327_800_000_000_001));
        let n: Num = serde_json::from_str("\"invalid\"").unwrap();
        assert_eq!(n, Num::Bad);
    }

    #[test]
    fn digits_fast_path_matches_std() {
        for s in ["0", "7", "12345678", "123456789", "1705327800000000001", "9999999999999999999", "00000000000000000001"] {
            assert_eq!(parse_digits(s.as_bytes()), if s.len() <= 19 { s.parse::<u64>().ok() } else { None }, "{s}");
        }
        for s in ["", "12a45678", "1234567/", "1234567:", " 1", "+1", "-1", "1.5", "12345678\u{0}"] {
            assert_eq!(parse_digits(s.as_bytes()), None, "{s:?}");
        }
        assert_eq!(Num::from_text(" 42 "), Num::U(42));
        assert_eq!(Num::from_text("-3"), Num::I(-3));
    }

    #[test]
    fn hex_ids() {
        assert_eq!(hex_u128(b"5B8EFFF798038103d269b633813fc60c"), Some(0x5b8efff798038103d269b633813fc60c));
        assert_eq!(hex_u128(b"eee19b7ec3c1b174"), Some(0xeee19b7ec3c1b174));
        assert_eq!(hex_u128(b"1"), Some(1));
        assert_eq!(hex_u128(b"g"), None);
        assert_eq!(hex_u128(b""), None);
        assert_eq!(hex_u128(&[b'0'; 33]), None);
    }

    #[test]
    fn jsonl_split() {
        assert!(json_lines("{\"a\":1}\n{\"a\":2}\n").is_some());
        assert!(json_lines("{\n \"a\": 1\n}\n").is_none());
        assert!(json_lines("{\"a\":1}").is_none());
        assert!(json_lines("\n\n  {\"a\":1}  \n\n").is_none());
        assert_eq!(json_lines("\n{\"a\":1}\r\n\n[2]\n").map(|l| l.len()), Some(2));
        assert!(find_newline(&[b'x'; 200]).is_none());
        let mut long = vec![b'x'; 200];
        long[130] = b'\n';
        assert_eq!(find_newline(&long), Some(130));
    }
}
