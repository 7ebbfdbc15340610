//! Id text in, [`TraceId`]/[`SpanId`] out, for every reader: the same results as
//! [`ids::trace_id`]/[`ids::span_id`], with table-driven hex fast paths for the common
//! spellings, a cache for the trace id that consecutive spans repeat, and the warning
//! text for an id that does not decode.

use crate::model::builder::SetBuilder;
use crate::model::ids::{self, IdEncoding};
use crate::model::{SpanId, TraceId};

use super::scalars::clip;

/// The value of a hex digit byte, or 0xFF for a byte that is not one.
const fn digit_value(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0xFF,
    }
}

/// [`digit_value`] of every byte, for one lookup per digit.
const HEX_VALUE: [u8; 256] = {
    let mut t = [0xFFu8; 256];
    let mut rest: &mut [u8] = &mut t;
    let mut c: u8 = 0;
    while let [slot, tail @ ..] = rest {
        *slot = digit_value(c);
        c = c.wrapping_add(1);
        rest = tail;
    }
    t
};

/// Up to 16 hex digits to a number, and the OR of their digit values (above 0x0F
/// when a byte is not a hex digit). One table lookup per digit, no branches.
fn hex_part(part: &[u8]) -> (u64, u8) {
    let mut v: u64 = 0;
    let mut bad = 0u8;
    for &c in part {
        let d = HEX_VALUE.get(usize::from(c)).copied().unwrap_or(0xFF);
        bad |= d;
        v = (v << 4) | u64::from(d & 0x0F);
    }
    (v, bad)
}

/// Exactly 16 hex digits (any case) to a number; `None` if one is not a hex digit.
/// The fixed length lets the compiler unroll the loop: this is the id hot path.
fn hex16(s: &[u8; 16]) -> Option<u64> {
    let (v, bad) = hex_part(s);
    (bad <= 0x0F).then_some(v)
}

/// Decodes 1 to 32 hex digits (any case) into a number; `None` for anything else.
fn hex_u128(s: &[u8]) -> Option<u128> {
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

/// A trace id as [`ids::trace_id`] decodes it, with a fast path for exactly 32 hex
/// digits (which every encoding reads as hex).
pub(crate) fn trace_id(text: &str, enc: IdEncoding, b: &mut SetBuilder) -> (TraceId, bool) {
    if let Some((hi, lo)) = text.as_bytes().split_first_chunk::<16>()
        && let (Ok(lo), Some(hi)) = (<&[u8; 16]>::try_from(lo), hex16(hi))
        && let Some(lo) = hex16(lo)
    {
        return (TraceId::Hex((u128::from(hi) << 64) | u128::from(lo)), true);
    }
    ids::trace_id(text, enc, &mut b.strings)
}

/// A span id as [`ids::span_id`] decodes it, with fast paths for exactly 16 hex digits
/// (hex in every encoding) and, for hex-only input, for shorter plain hex.
pub(crate) fn span_id(text: &str, enc: IdEncoding, b: &mut SetBuilder) -> (SpanId, bool) {
    let bytes = text.as_bytes();
    let fast = match <&[u8; 16]>::try_from(bytes) {
        Ok(digits) => hex16(digits),
        Err(_) if enc == IdEncoding::Hex && bytes.len() < 16 => hex_u128(bytes).and_then(|v| u64::try_from(v).ok()),
        Err(_) => None,
    };
    match fast {
        Some(v) => (SpanId::Hex(v), true),
        None => ids::span_id(text, enc, &mut b.strings),
    }
}

/// Remembers the last trace id text and its decoding: spans of one trace repeat it.
#[derive(Default, Debug)]
pub(crate) struct TraceIdCache {
    text: String,
    id: Option<(TraceId, bool)>,
}

impl TraceIdCache {
    /// Same as [`trace_id`], without decoding the same text twice in a row.
    pub(crate) fn get(&mut self, text: &str, enc: IdEncoding, b: &mut SetBuilder) -> (TraceId, bool) {
        if let Some(hit) = self.id
            && self.text == text
        {
            return hit;
        }
        let hit = trace_id(text, enc, b);
        self.text.clear();
        self.text.push_str(text);
        self.id = Some(hit);
        hit
    }
}

/// The warning for an id field `what` whose `text` did not decode in `enc`.
pub(crate) fn bad_id_message(what: &str, text: &str, enc: IdEncoding) -> String {
    if text.trim().is_empty() {
        return format!("{what} is missing");
    }
    let expect = match enc {
        IdEncoding::Hex => "hex",
        IdEncoding::HexOrBase64 | IdEncoding::Base64OrHex => "base64 or hex",
    };
    format!("{what} {:?} is not valid {expect}; kept as given", clip(text.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_ids() {
        assert_eq!(hex_u128(b"5B8EFFF798038103d269b633813fc60c"), Some(0x5b8efff798038103d269b633813fc60c));
        assert_eq!(hex_u128(b"eee19b7ec3c1b174"), Some(0xeee19b7ec3c1b174));
        assert_eq!(hex_u128(b"1"), Some(1));
        assert_eq!(hex_u128(b"g"), None);
        assert_eq!(hex_u128(b""), None);
        assert_eq!(hex_u128(&[b'0'; 33]), None);
        assert_eq!(HEX_VALUE.iter().filter(|&&d| d <= 0x0F).count(), 22);
    }

    #[test]
    fn fast_paths_agree_with_the_general_decoders() {
        let mut b = SetBuilder::new();
        let texts = [
            "eee19b7ec3c1b174", "EEE19B7EC3C1B174", "2", "04b52eb0cabcb50a", "00000000000000000001", "7uGbfsPBsXQ=",
            "eee19b7ec3c1b17g", " 2", "", "5b8efff798038103d269b633813fc60c", "W47/95gDgQPSabYzgT/GDA==",
        ];
        for enc in [IdEncoding::Hex, IdEncoding::HexOrBase64, IdEncoding::Base64OrHex] {
            for t in texts {
                let slow = ids::span_id(t, enc, &mut b.strings);
                assert_eq!(span_id(t, enc, &mut b), slow, "{t:?} {enc:?}");
                let slow = ids::trace_id(t, enc, &mut b.strings);
                assert_eq!(trace_id(t, enc, &mut b), slow, "{t:?} {enc:?}");
            }
        }
    }
}
