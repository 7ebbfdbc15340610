//! Wasm memory touched ahead of need: a byte target in, memory the allocator can hand out
//! again without page faults out.
//!
//! A wasm instance's memory is mapped by the OS page by page as it is first written; on
//! this project's machine kind that costs about 1 ms per MB, which a load of 100k spans
//! pays for some 100 MB in the worker and 30 MB on the page. [`Prefault`] writes
//! pieces while a thread would otherwise wait (the worker while the browser reads a file,
//! the page while the worker parses); dropping them leaves that memory, already mapped,
//! to the allocator, and wasm memory is never given back to the OS.

/// Bytes written per piece.
pub const PIECE_BYTES: usize = 1 << 20;

/// Written pieces of memory, kept until [`Prefault::release`] (or drop).
#[derive(Default)]
pub struct Prefault {
    pieces: Vec<Vec<u8>>,
    target: usize,
}

impl Prefault {
    /// Nothing touched yet; up to `target` bytes will be.
    pub fn new(target: usize) -> Prefault {
        Prefault { pieces: Vec::new(), target }
    }

    /// Bytes touched so far.
    pub fn touched(&self) -> usize {
        self.pieces.len() * PIECE_BYTES
    }

    /// Touches up to `bytes` more (whole pieces, at least one); false once the target is met.
    pub fn touch(&mut self, bytes: usize) -> bool {
        let mut left = bytes.max(1);
        while left > 0 && self.touched() < self.target {
            // Filling with a non-zero byte writes every page whatever the allocator knows
            // about fresh memory; `black_box` keeps the unused piece from being optimized away.
            let mut piece = vec![1u8; PIECE_BYTES];
            std::hint::black_box(&mut piece);
            self.pieces.push(piece);
            left = left.saturating_sub(PIECE_BYTES);
        }
        self.touched() < self.target
    }

    /// Hands the touched memory back to the allocator.
    pub fn release(self) {}
}
