//! Trace and span identifiers: text from any wire format in, normalized ids out.
//!
//! Valid ids are stored as numbers and print as lower-case hex, trace ids padded to
//! 32 digits and span ids to 16. An id that is neither hex nor base64 is kept as
//! given (lower-cased, interned) and printed as it is.

use super::strings::{StrId, Strings};

/// A trace id: 128-bit (64-bit ids are left-padded), or raw text when invalid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TraceId {
    Hex(u128),
    Raw(StrId),
}

/// A span id: 64-bit, or raw text when invalid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SpanId {
    Hex(u64),
    Raw(StrId),
}

impl TraceId {
    pub fn to_text(self, strings: &Strings) -> String {
        match self {
            TraceId::Hex(v) => format!("{v:032x}"),
            TraceId::Raw(s) => strings.get(s).to_string(),
        }
    }
    pub fn is_valid(self) -> bool {
        matches!(self, TraceId::Hex(_))
    }
}

impl SpanId {
    pub fn to_text(self, strings: &Strings) -> String {
        match self {
            SpanId::Hex(v) => format!("{v:016x}"),
            SpanId::Raw(s) => strings.get(s).to_string(),
        }
    }
    pub fn is_valid(self) -> bool {
        matches!(self, SpanId::Hex(_))
    }
}

/// How an id was written on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdEncoding {
    /// Hex only (Jaeger UI JSON, Zipkin).
    Hex,
    /// Hex, or base64 of the binary id (OTLP JSON from many exporters, Jaeger api_v2).
    HexOrBase64,
    /// Base64 first (protobuf-JSON), hex as a fallback.
    Base64OrHex,
}

/// Parses a hex string of at most `max_digits` digits (any case). Empty is `None`.
fn parse_hex_u128(s: &str, max_digits: usize) -> Option<u128> {
    if s.is_empty() || s.len() > max_digits {
        return None;
    }
    let mut v: u128 = 0;
    for b in s.bytes() {
        let d = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => return None,
        };
        v = (v << 4) | d as u128;
    }
    Some(v)
}

fn b64_val(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// Decodes standard or URL-safe base64 (padding optional). `None` when invalid.
pub fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    if s.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for c in s.bytes() {
        acc = (acc << 6) | b64_val(c)? as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn bytes_to_u128(b: &[u8]) -> u128 {
    b.iter().fold(0u128, |acc, &x| (acc << 8) | x as u128)
}

/// Decodes an id of `width_bytes` (16 for traces, 8 for spans). Returns the value,
/// or `None` when the text is neither valid hex nor valid base64 of that width.
pub fn decode_id(s: &str, width_bytes: usize, enc: IdEncoding) -> Option<u128> {
    let s = s.trim();
    let hex = || parse_hex_u128(s, width_bytes * 2);
    let b64 = || {
        let b = decode_base64(s)?;
        if b.len() == width_bytes || (width_bytes == 16 && b.len() == 8) {
            Some(bytes_to_u128(&b))
        } else {
            None
        }
    };
    match enc {
        IdEncoding::Hex => hex(),
        IdEncoding::HexOrBase64 => {
            // A full-width hex id is hex; otherwise try base64, then short hex.
            if s.len() == width_bytes * 2 {
                hex().or_else(b64)
            } else {
                b64().filter(|_| s.len().is_multiple_of(4) || s.len() >= width_bytes).or_else(hex)
            }
        }
        IdEncoding::Base64OrHex => b64().or_else(hex),
    }
}

/// Normalizes a trace id. Returns the id and whether it was valid.
pub fn trace_id(s: &str, enc: IdEncoding, strings: &mut Strings) -> (TraceId, bool) {
    match decode_id(s, 16, enc) {
        Some(v) => (TraceId::Hex(v), true),
        None => (TraceId::Raw(strings.intern(&s.trim().to_ascii_lowercase())), false),
    }
}

/// Normalizes a span id. Returns the id and whether it was valid.
pub fn span_id(s: &str, enc: IdEncoding, strings: &mut Strings) -> (SpanId, bool) {
    match decode_id(s, 8, enc) {
        Some(v) => (SpanId::Hex(v as u64), true),
        None => (SpanId::Raw(strings.intern(&s.trim().to_ascii_lowercase())), false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_any_case_and_short_ids_pad() {
        let mut st = Strings::default();
        let (t, ok) = trace_id("5B8EFFF798038103D269B633813FC60C", IdEncoding::HexOrBase64, &mut st);
        assert!(ok);
        assert_eq!(t.to_text(&st), "5b8efff798038103d269b633813fc60c");
        let (t, _) = trace_id("463ac35c9f6413ad", IdEncoding::Hex, &mut st);
        assert_eq!(t.to_text(&st), "0000000000000000463ac35c9f6413ad");
        let (s, ok) = span_id("2", IdEncoding::Hex, &mut st);
        assert!(ok);
        assert_eq!(s.to_text(&st), "0000000000000002");
        let (s, _) = span_id("4b52eb0cabcb50a", IdEncoding::Hex, &mut st);
        assert_eq!(s.to_text(&st), "04b52eb0cabcb50a");
    }

    #[test]
    fn base64_ids() {
        let mut st = Strings::default();
        // 16 bytes 0x00..0x0f
        let (t, ok) = trace_id("AAECAwQFBgcICQoLDA0ODw==", IdEncoding::HexOrBase64, &mut st);
        assert!(ok);
        assert_eq!(t.to_text(&st), "000102030405060708090a0b0c0d0e0f");
        let (s, ok) = span_id("AAAAAAAAAAE=", IdEncoding::HexOrBase64, &mut st);
        assert!(ok);
        assert_eq!(s.to_text(&st), "0000000000000001");
    }

    #[test]
    fn invalid_ids_are_kept_lowercased() {
        let mut st = Strings::default();
        let (t, ok) = trace_id("ZZZ", IdEncoding::HexOrBase64, &mut st);
        assert!(!ok);
        assert_eq!(t.to_text(&st), "zzz");
        let (s, ok) = span_id("span-chat", IdEncoding::Hex, &mut st);
        assert!(!ok);
        assert_eq!(s.to_text(&st), "span-chat");
    }
}
