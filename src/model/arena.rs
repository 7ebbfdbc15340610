//! Arena lengths in, `u32` indices or an [`ArenaFull`] verdict out.
//!
//! Every reference inside a [`super::TraceSet`] is a `u32` (span indices, [`super::Range32`],
//! [`super::StrId`], string end offsets), so one load holds at most [`ARENA_LIMIT`] entries
//! per arena and as many bytes of string text. The builder checks its arenas against that
//! limit ([`super::builder::SetBuilder::check_arenas`]); the conversions here never wrap.

/// The most entries one arena may hold, and the most bytes of string text: every index
/// is then below `u32::MAX`, which stays free for [`super::NO_SPAN`], and every end
/// offset fits in a `u32`.
pub const ARENA_LIMIT: usize = u32::MAX as usize;

/// The limit a [`super::builder::SetBuilder`] applies: [`ARENA_LIMIT`] unless a test
/// lowers it to exercise the check without allocating gigabytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArenaLimit(pub usize);

impl Default for ArenaLimit {
    fn default() -> Self {
        ArenaLimit(ARENA_LIMIT)
    }
}

/// An arena that grew past the limit: what it holds, how many, and the limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("too much data for one load: {len} {what}, more than the limit of {limit}. Load fewer or smaller files.")]
pub struct ArenaFull {
    /// What the arena holds, plural ("spans", "bytes of string text", …).
    pub what: &'static str,
    pub len: usize,
    pub limit: usize,
}

/// `Ok` when an arena of `len` entries fits under `limit`.
pub fn check(what: &'static str, len: usize, limit: usize) -> Result<(), ArenaFull> {
    if len > limit {
        return Err(ArenaFull { what, len, limit });
    }
    Ok(())
}

/// An arena length or index as a `u32`, saturating at `u32::MAX` instead of wrapping.
/// Within [`ARENA_LIMIT`] it is exact; a saturated value can only come from arenas that
/// [`check`] refuses, and it points past every arena instead of at a wrong entry.
pub fn index_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_names_the_arena_and_the_limit() {
        assert_eq!(check("spans", 3, 3), Ok(()));
        let full = check("spans", 4, 3);
        assert_eq!(full, Err(ArenaFull { what: "spans", len: 4, limit: 3 }));
        let text = full.map_err(|e| e.to_string()).err().unwrap_or_default();
        assert_eq!(text, "too much data for one load: 4 spans, more than the limit of 3. Load fewer or smaller files.");
    }

    #[test]
    fn index_u32_is_exact_within_the_limit_and_never_wraps() {
        assert_eq!(index_u32(0), 0);
        assert_eq!(index_u32(ARENA_LIMIT), u32::MAX);
        // 2^32 would wrap to 0 with `as u32`; saturated, it stays past every arena
        // (on 32-bit targets no usize is past the limit).
        if let Some(past) = ARENA_LIMIT.checked_add(1) {
            assert_eq!(index_u32(past), u32::MAX);
        }
        assert_eq!(index_u32(usize::MAX), u32::MAX);
    }
}
