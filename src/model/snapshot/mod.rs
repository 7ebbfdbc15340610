//! A compact binary snapshot of a [`TraceSet`]: a set in, bytes out, and back.
//!
//! The parse worker encodes the set it built ([`write`]); the page decodes it without
//! parsing JSON again ([`read`]). The format is a versioned header followed by flat
//! little-endian arrays, one section per arena, in a fixed order:
//!
//! ```text
//! "CLEWSNAP" u32 version
//! strings   : bytes(data) u32[] ends
//! traces    : u32 n, n × fixed record
//! spans     : u32 n, n × fixed record (ids as tag + u64)
//! attrs     : u32 n, n × (u32 key, value)        value = u8 tag + u64 payload
//! values    : u32 n, n × value
//! events, links, resources, scopes : u32 n, n × fixed record
//! warnings  : u32 n, n × (u8 kind, u32 span, bytes message)
//! set_warnings range, sources
//! skew      : u8 adjusted, u32 n, n × i64 shift   (n is 0 or the span count),
//!             u32 m, m × u32 moved per trace     (m is 0 or the trace count)
//! ```
//!
//! Every section but the warnings and the sources holds records of one fixed size (the
//! skew section's flag byte comes before its count), so a
//! section's length is checked once against its count and its records decode at fixed
//! offsets. Decoding checks every length, range and
//! index it reads, so a truncated or corrupt snapshot is a [`SnapshotError`], never a
//! panic or an out-of-range slice later.
//!
//! [`TraceSet`]: super::TraceSet

mod read;
mod write;

pub use read::{decode, Decoder};
pub use write::encode;

const MAGIC: &[u8; 8] = b"CLEWSNAP";
/// Bumped whenever the layout changes.
pub const VERSION: u32 = 2;

/// Why a snapshot could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    #[error("not a Clew snapshot (bad magic)")]
    BadMagic,
    #[error("snapshot version {found} is not supported (expected {expected})")]
    Version { found: u32, expected: u32 },
    #[error("snapshot truncated at byte {at} while reading {what}")]
    Truncated { at: usize, what: &'static str },
    #[error("snapshot corrupt: {0}")]
    Corrupt(String),
}

#[cfg(test)]
mod tests;
