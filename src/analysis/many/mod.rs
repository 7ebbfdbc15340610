//! Many traces at once: a [`crate::model::TraceSet`] in; per-trace summaries, the trace
//! filter language, the `service/operation` path tree, the A/B diff of two traces and the
//! cohort diff of two groups out. One job per file:
//!
//! * [`summary`]: one row per trace (start, root, duration, counts, LLM calls and cost)
//!   and the facts the filter reads;
//! * [`filter`]: the filter language of the trace list, `clew analyze --filter` and
//!   cohort selection;
//! * [`paths`]: every span's path from its root, merged across traces;
//! * [`diff`]: two traces as one merged tree, with counts and duration deltas;
//! * [`aggregate`]: total and self time per path over many traces (the aggregate flame graph);
//! * [`cohort`]: two groups of traces, per path: counts, mean/p50/p95 and the exclusive
//!   critical-path time per trace, sorted by its difference.

pub mod aggregate;
pub mod cohort;
pub mod diff;
pub mod filter;
pub mod paths;
pub mod summary;
