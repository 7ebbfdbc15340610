//! The context every component shares: app, waterfall and loader signals in one
//! `Copy` [`Ui`], provided by the app shell and read with [`use_ui`]. Also the small
//! enums the shell keeps in it (theme, open dialog, load status).

use std::sync::Arc;

use leptos::prelude::*;

use crate::ui::state::{AppState, Loaded};
use crate::ui::traces::ListState;
use crate::ui::util;
use crate::ui::waterfall::state::{WfDerived, WfState};

/// Which color theme is forced; `Auto` follows `prefers-color-scheme`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Auto,
    Light,
    Dark,
}

impl Theme {
    /// Whether the page shows dark colors with this setting.
    pub fn is_dark(self) -> bool {
        match self {
            Theme::Dark => true,
            Theme::Light => false,
            Theme::Auto => util::prefers_dark(),
        }
    }
}

/// Which dialog is open (at most one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialog {
    None,
    Paste,
    Help,
    /// The backend Connect dialog.
    Connect,
}

/// What the loader is doing.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Idle,
    Loading { text: String, started_ms: f64, done_bytes: f64, total_bytes: f64 },
    Error(String),
}

/// Loader state shared by the top bar, the status banner and the root attributes.
#[derive(Clone, Copy)]
pub struct LoadCtx {
    pub status: RwSignal<Status>,
    /// Set (spans, traces) once the first view of a load has painted.
    pub painted: RwSignal<Option<(usize, usize)>>,
    /// The next file-input change adds to the loaded set.
    pub add_mode: RwSignal<bool>,
    /// The set the loader has just decoded; the app shell puts it on screen.
    pub delivered: RwSignal<Option<Arc<Loaded>>>,
}

impl LoadCtx {
    pub fn new() -> LoadCtx {
        LoadCtx {
            status: RwSignal::new(Status::Idle),
            painted: RwSignal::new(None),
            add_mode: RwSignal::new(false),
            delivered: RwSignal::new(None),
        }
    }
}

impl Default for LoadCtx {
    fn default() -> Self {
        LoadCtx::new()
    }
}

/// Everything the UI shares, `Copy`, provided as context.
#[derive(Clone, Copy)]
pub struct Ui {
    pub app: AppState,
    pub wf: WfState,
    pub derived: WfDerived,
    pub load: LoadCtx,
    pub theme: RwSignal<Theme>,
    pub dialog: RwSignal<Dialog>,
    /// The trace list of a multi-trace load.
    pub list: ListState,
}

pub fn use_ui() -> Ui {
    expect_context::<Ui>()
}

/// Whether the page shows the dark theme (follows the app's toggle when there is one).
pub fn dark_theme() -> bool {
    use_context::<Ui>().map(|u| u.theme.get()).unwrap_or(Theme::Auto).is_dark()
}
