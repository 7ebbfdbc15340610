//! Analyses off the main thread: the page hands each loaded snapshot to an analysis
//! worker and the tabs ask it for their data, a window of rows at a time.
//!
//! ```text
//! loader ──snapshot (transferred)──▶ client::adopt ──▶ worker: host (decode, keep the set)
//! view ── channel(request) ──▶ client::ask ──▶ host: Answerer::answer ──▶ JSON ──▶ view's signals
//! ```
//!
//! * [`host`]: the worker's side; [`client`]: the page's side of the messages;
//! * [`channel`]: a view's request as signals (latest answer, phase, `data-ready`);
//! * [`text_measure`]: lets the chart code measure label text inside the worker.
//!
//! The set lives twice: on the page for the waterfall, in the worker for the analyses.
//! The worker decodes its copy of the snapshot while the page decodes its own, so both
//! are ready at about the same time (README, "Layout", has the measurements).

pub mod channel;
pub mod client;
pub mod host;
pub mod text_measure;
