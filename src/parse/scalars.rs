//! Lax JSON scalars: one JSON value in, a typed scalar out that never fails on a wrong
//! type. [`Num`] (numbers that arrive as strings and back, exact past 2^53), [`Text`]
//! (any scalar as text) and [`Scalar`] (any scalar with its type kept); objects and
//! arrays are skipped and marked, `null` is its own case. Also [`clip`] for messages.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

/// A JSON number or numeric string, kept exact for integers up to u64/i64.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub(crate) enum Num {
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
    pub(crate) fn as_u64(self) -> Option<u64> {
        match self {
            Num::U(v) => Some(v),
            Num::I(v) => u64::try_from(v).ok(),
            Num::F(v) if v >= 0.0 && v.is_finite() => Some(v as u64),
            _ => None,
        }
    }
    pub(crate) fn as_f64(self) -> Option<f64> {
        match self {
            Num::U(v) => Some(v as f64),
            Num::I(v) => Some(v as f64),
            Num::F(v) => Some(v),
            _ => None,
        }
    }
    /// The value clamped into a `u32` (a count or flags field); `None` when it is not
    /// a non-negative number.
    pub(crate) fn as_u32_saturating(self) -> Option<u32> {
        self.as_u64().map(|v| u32::try_from(v).unwrap_or(u32::MAX))
    }
    pub(crate) fn is_present(self) -> bool {
        !matches!(self, Num::Null)
    }
    /// Parses numeric text: integers exactly, else as float.
    pub(crate) fn from_text(s: &str) -> Num {
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
    /// The value as written, for messages.
    pub(crate) fn show(self) -> String {
        match self {
            Num::U(v) => v.to_string(),
            Num::I(v) => v.to_string(),
            Num::F(v) => v.to_string(),
            Num::Bad => "(not a number)".to_string(),
            Num::Null => "null".to_string(),
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
pub(crate) fn parse_digits(s: &[u8]) -> Option<u64> {
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

/// Visitor methods for the scalars (bool, numbers, strings) that all answer `$body`,
/// with `$this` bound to the visitor.
macro_rules! visit_scalars {
    (|$this:pat_param| $body:expr) => {
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            let $this = self;
            Ok($body)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            let $this = self;
            Ok($body)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            let $this = self;
            Ok($body)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            let $this = self;
            Ok($body)
        }
        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            let $this = self;
            Ok($body)
        }
    };
}
pub(crate) use visit_scalars;

/// Visitor methods for `null` and absent values (both answer `$body`), and for an
/// optional value, which is visited again as itself.
macro_rules! visit_nulls {
    (|$this:pat_param| $body:expr) => {
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            let $this = self;
            Ok($body)
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            let $this = self;
            Ok($body)
        }
        fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    };
}
pub(crate) use visit_nulls;

/// Skips the rest of a list.
pub(crate) fn skip_seq<'de, A: SeqAccess<'de>>(mut a: A) -> Result<(), A::Error> {
    while a.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

/// Skips the rest of an object.
pub(crate) fn skip_map<'de, A: MapAccess<'de>>(mut a: A) -> Result<(), A::Error> {
    while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
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
            visit_nulls!(|_| Num::Null);
            fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<Num, A::Error> {
                skip_seq(a).map(|()| Num::Bad)
            }
            fn visit_map<A: MapAccess<'de>>(self, a: A) -> Result<Num, A::Error> {
                skip_map(a).map(|()| Num::Bad)
            }
        }
        d.deserialize_any(V)
    }
}

/// Any JSON scalar with its type kept (strings borrowed when possible).
/// Objects and arrays are `Other`; `null`/absent is `Null`.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) enum Scalar<'a> {
    Str(Cow<'a, str>),
    Bool(bool),
    U(u64),
    I(i64),
    F(f64),
    Other,
    #[default]
    Null,
}

impl Scalar<'_> {
    pub(crate) fn is_null(&self) -> bool {
        matches!(self, Scalar::Null)
    }
    /// The value as text (numbers and bools formatted); `None` for null/objects.
    pub(crate) fn text(&self) -> Option<Cow<'_, str>> {
        match self {
            Scalar::Str(s) => Some(Cow::Borrowed(s)),
            Scalar::Bool(v) => Some(Cow::Owned(v.to_string())),
            Scalar::U(v) => Some(Cow::Owned(v.to_string())),
            Scalar::I(v) => Some(Cow::Owned(v.to_string())),
            Scalar::F(v) => Some(Cow::Owned(v.to_string())),
            Scalar::Other | Scalar::Null => None,
        }
    }
    /// Short description for warnings.
    pub(crate) fn show(&self) -> String {
        match self {
            Scalar::Other => "an object or array".to_string(),
            Scalar::Null => "null".to_string(),
            Scalar::Str(s) => format!("{:?}", clip(s)),
            _ => self.text().map(|t| t.into_owned()).unwrap_or_default(),
        }
    }
}

/// At most 60 characters of `s`, for messages.
pub(crate) fn clip(s: &str) -> String {
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or(s)),
        None => s.to_string(),
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Scalar<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Scalar<'a>, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Scalar<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Str(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Str(Cow::Owned(v)))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Scalar<'a>, E> {
                Ok(Scalar::U(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Scalar<'a>, E> {
                Ok(u64::try_from(v).map(Scalar::U).unwrap_or(Scalar::I(v)))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Scalar<'a>, E> {
                Ok(Scalar::F(v))
            }
            visit_nulls!(|_| Scalar::Null);
            fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<Scalar<'a>, A::Error> {
                skip_seq(a).map(|()| Scalar::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, a: A) -> Result<Scalar<'a>, A::Error> {
                skip_map(a).map(|()| Scalar::Other)
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// Any JSON scalar as text: strings borrowed when possible, numbers and bools
/// formatted. Objects and arrays become `Text::Other` (ignored by callers).
#[derive(Clone, Debug, PartialEq, Default)]
pub(crate) enum Text<'a> {
    Str(Cow<'a, str>),
    Other,
    #[default]
    Null,
}

impl<'a> Text<'a> {
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Text::Str(s) => Some(s),
            _ => None,
        }
    }
    pub(crate) fn or_empty(&self) -> &str {
        self.as_str().unwrap_or("")
    }
    /// The text as a `Cow` of the input's lifetime; empty when it is not text.
    pub(crate) fn to_cow(&self) -> Cow<'a, str> {
        match self {
            Text::Str(s) => s.clone(),
            _ => Cow::Borrowed(""),
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text<'a>, D::Error> {
        Ok(match Scalar::deserialize(d)? {
            Scalar::Str(s) => Text::Str(s),
            Scalar::Other => Text::Other,
            Scalar::Null => Text::Null,
            other => Text::Str(Cow::Owned(other.text().map(Cow::into_owned).unwrap_or_default())),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn text_formats_scalars() {
        let t: Text = serde_json::from_str("-3").unwrap();
        assert_eq!(t.as_str(), Some("-3"));
        let t: Text = serde_json::from_str("1.5").unwrap();
        assert_eq!(t.as_str(), Some("1.5"));
        let t: Text = serde_json::from_str("true").unwrap();
        assert_eq!(t.as_str(), Some("true"));
        let t: Text = serde_json::from_str("[1]").unwrap();
        assert_eq!(t, Text::Other);
        let t: Text = serde_json::from_str("null").unwrap();
        assert_eq!(t, Text::Null);
    }
}
