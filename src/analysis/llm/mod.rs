//! LLM calls: a [`TraceSet`](crate::model::TraceSet) and a
//! [`PriceTable`](crate::analysis::pricing::PriceTable) in; per-call facts, per-trace
//! summaries, cross-trace aggregates, chat text of prompts and completions, and charts
//! out. One job per file:
//!
//! * [`recognize`]: which spans are calls, and reading their attribute families;
//! * [`call`]: the per-call model ([`call::LlmCall`]) and the context spans, per trace,
//!   per set or per span;
//! * [`summary`]: the per-trace summary and the `"llm"` object of `clew analyze --json`;
//! * [`aggregate`]: groups (model, provider, user, …), cache use, finish reasons, latency;
//! * [`chat`]: prompts and completions as plain-text messages;
//! * `langfuse`: the Langfuse SDK's usage and cost JSON strings;
//! * [`charts`]: four SVG charts (plotters).
//!
//! The UI's tables, CSV and badges are built from these in `view_model::llm_table`,
//! `view_model::csv` and `view_model::llm_text`. Walks are iterative (pre-order
//! arrays, parent links); nothing recurses over depth.

pub mod aggregate;
pub mod call;
pub mod charts;
pub mod chat;
mod langfuse;
pub mod recognize;
pub mod summary;
