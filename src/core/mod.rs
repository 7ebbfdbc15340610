//! The pure core: bytes in, a normalized [`model::TraceSet`] and analyses out.
//! No browser crates here; everything builds and tests natively.

pub mod analysis;
pub mod build;
pub mod format;
pub mod gen;
pub mod model;
pub mod parse;
pub mod report;
