//! Service colors: service names in, a stable palette slot per service out.
//!
//! A service's preferred slot is a hash of its name, so the same service keeps its
//! color across loads; when two services of one set collide the later one (by name)
//! takes the next free slot. The colors read on light and dark backgrounds.

use std::collections::BTreeMap;

/// Twelve distinguishable hues (mid lightness, for both themes).
pub const PALETTE: [&str; 12] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#e15759", "#2f9fd8",
    "#8cd17d", "#d37295", "#a0cbe8",
];

fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// The preferred slot of a service name.
pub fn preferred_slot(service: &str) -> usize {
    (fnv1a(service) % PALETTE.len() as u64) as usize
}

/// Slots for a set of services (any order, duplicates ignored). Deterministic.
pub fn assign<'a>(services: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, usize> {
    let mut names: Vec<&str> = services.into_iter().collect();
    names.sort_unstable();
    names.dedup();
    let mut used = [false; PALETTE.len()];
    let mut out = BTreeMap::new();
    for (n, name) in names.iter().enumerate() {
        let pref = preferred_slot(name);
        let slot = if n < PALETTE.len() {
            (0..PALETTE.len()).map(|k| (pref + k) % PALETTE.len()).find(|&s| !used[s]).unwrap_or(pref)
        } else {
            pref
        };
        used[slot] = true;
        out.insert(name.to_string(), slot);
    }
    out
}

pub fn color(slot: usize) -> &'static str {
    PALETTE[slot % PALETTE.len()]
}
