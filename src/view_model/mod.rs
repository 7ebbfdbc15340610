//! UI-shaped geometry from the model: a [`crate::model::TraceSet`] plus view
//! state in, rows, bars, ticks, colors and grids out. Pure and natively tested.

pub mod a11y;
pub mod agent_view;
pub mod axis;
pub mod contrast;
pub mod csv;
pub mod deeplink;
pub mod embed;
pub mod find;
pub mod flame;
pub mod graph_keys;
pub mod graph_layout;
pub mod graph_spans;
pub mod graph_view;
pub mod list_window;
pub mod llm_table;
pub mod llm_text;
pub mod minimap;
pub mod palette;
pub mod tabs;
pub mod trace_scatter;
pub mod waterfall;
pub mod waterfall_nav;
