//! Flame-graph (icicle) geometry: a generic tree of frames in, the frames of one
//! viewport out. Not tied to spans: the input is a pre-ordered list of
//! [`FlameNode`]s, so one trace's spans ([`spans::trace_tree`]) and a merged
//! "service / operation path" tree of many traces feed the same code.
//!
//! * [`tree`]: [`FlameTree`] — the nodes with their depth, subtree extent, span
//!   counts and laid-out position in value units (siblings packed in start order,
//!   scaled down when concurrent children would overflow their parent);
//! * [`layout`]: a [`FlameViewport`] (zoom root, pixel width, row window) in, the
//!   visible frames in px and the "other" slivers that stand for frames narrower
//!   than a pixel out, plus keyboard neighbours and the zoom breadcrumb;
//! * [`spans`]: the tree of one trace of a [`crate::model::TraceSet`].
//!
//! Every walk is iterative and linear in the nodes it visits; a subtree too narrow
//! to draw is skipped whole (its size is precomputed), so a viewport of a 1M-node
//! tree costs only what it shows.

pub mod layout;
pub mod spans;
pub mod tree;

pub use layout::{FlameFrame, FlameLayout, FlameMove, FlameOther, FlameViewport};
pub use tree::{FlameNode, FlameTree, NO_PARENT};
