//! Clew: a trace viewer that runs in the browser.
//!
//! ```text
//! bytes ──parse──▶ model::TraceSet (+ warnings) ──analysis──▶ facts ──view_model──▶ layouts ──ui──▶ SVG/DOM
//! ```
//!
//! * [`core`] is pure Rust (parse, model, build, analysis) shared by the browser app
//!   and the native `clew` CLI.
//! * [`view_model`] turns the model into UI-shaped geometry; also pure.
//! * `ui` (wasm32 only) is the thin Leptos layer.

pub mod core;
pub mod view_model;

#[cfg(target_arch = "wasm32")]
pub mod ui;
pub use crate::core::{analysis, model, parse, report};
pub use crate::core::gen as synth;
