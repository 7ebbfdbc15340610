//! Analyses off the main thread: the analysis tabs ask the worker, which keeps the set
//! of the last load, for their data, a window of rows at a time.
//!
//! ```text
//! view ── channel(request) ──▶ client::ask ──(loader's worker)──▶ host: Answerer::answer(kept set)
//! view's signals ◀── client::on_answer ◀──(loader: "answer")── JSON ◀──┘
//! ```
//!
//! * [`host`]: the worker's side; [`client`]: the page's side of the messages;
//! * [`channel`]: a view's request as signals (latest answer, phase, `data-ready`);
//! * [`text_measure`]: lets the chart code measure label text inside the worker.
//!
//! The set lives twice: on the page for the waterfall, in the worker for the analyses
//! (README, "Where the analyses run", has the measurements behind this choice).

pub mod channel;
pub mod client;
pub mod host;
pub mod text_measure;
