//! Backends on the page: the connection (from the Connect dialog or `?backend=&base=`),
//! a trace fetched and loaded through the same loader as a file, and searches whose
//! summaries go to the trace list as rows whose trace is not loaded
//! ([`crate::ui::traces::ListState::found`]); opening one fetches the trace in full. The
//! URLs, answers and failure messages are pure ([`crate::backend`]); the requests go
//! through [`fetch`], and the worker reads a search's answer ([`read`]).
//!
//! `?backend=…&base=…&trace=<id>` fetches and opens that trace (no demo); `&q=` or
//! `&service=` searches instead. While a trace is fetched the root is `aria-busy`, and a
//! failure is its `data-load-error`, as for any load.

pub mod connect;
pub mod fetch;
pub mod panel;
pub mod read;

use std::sync::Arc;

use js_sys::Array;
use leptos::prelude::*;
use web_sys::Blob;

use crate::analysis::many::summary::TraceSummary as ListSummary;
use crate::backend::failure::{self, Failure};
use crate::backend::search::{self, TraceSummary};
use crate::backend::urls::{self, SearchQuery};
use crate::backend::{BackendKind, Connection};
use crate::ui::context::{Status, Ui};
use crate::ui::embed;
use crate::ui::loader::{self, Input};
use crate::ui::traces::FetchHook;
use crate::ui::util::js_error_text;

/// Where a search stands.
#[derive(Clone, Debug, PartialEq)]
pub enum SearchState {
    Idle,
    Busy,
    Done(Vec<TraceSummary>),
    Failed(String),
}

/// The backend state the dialog, the panel and the detail panel share.
#[derive(Clone, Copy)]
pub struct BackendCtx {
    pub conn: RwSignal<Option<Connection>>,
    pub query: RwSignal<SearchQuery>,
    pub search: RwSignal<SearchState>,
    /// Service names for the search form's suggestions.
    pub services: RwSignal<Vec<String>>,
}

pub fn use_backend() -> Option<BackendCtx> {
    use_context::<BackendCtx>()
}

/// This page's origin (what a backend's CORS header must name).
pub fn origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

fn now_s() -> u64 {
    (js_sys::Date::now() / 1000.0).max(0.0) as u64
}

/// A trace answer that cannot be a trace, checked on the page before the worker reads it.
fn check(answer: &fetch::Answer) -> Option<Failure> {
    if answer.len() <= failure::CHECK_MAX_BYTES {
        return failure::check_trace_body(&answer.bytes());
    }
    let head = answer.head(256);
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
    let first = head.iter().find(|b| !b.is_ascii_whitespace()).copied();
    (!matches!(first, Some(b'{') | Some(b'[')))
        .then(|| Failure::NotJson { head: String::from_utf8_lossy(head.get(..60).unwrap_or(head)).trim().to_string() })
}

/// Fetches trace `id` from `c` and loads it, replacing the set or adding to it.
pub fn open_trace(ui: Ui, c: Connection, id: String, add: bool) {
    let load = loader::begin_fetch(ui, format!("Fetching trace {id} from {}", c.kind.label()));
    leptos::task::spawn_local(async move {
        let result = match fetch::get_first(&c, &urls::trace(&c, &id)).await {
            Ok((answer, url)) => match check(&answer) {
                Some(f) => Err(f.message(c.kind, &url, &origin())),
                None => Blob::new_with_buffer_source_sequence(&Array::of1(&answer.buffer))
                    .map(|blob| Input { name: format!("{} trace {id}", c.kind.label()), blob })
                    .map_err(|e| js_error_text(&e)),
            },
            Err((f, url)) => Err(f.message(c.kind, &url, &origin())),
        };
        loader::finish_fetch(ui, load, result, add);
    });
}

/// Runs a search on `c`; progress and failure also go to the root's attributes.
pub fn run_search(ui: Ui, b: BackendCtx, c: Connection, q: SearchQuery) {
    b.search.set(SearchState::Busy);
    ui.load.status.set(Status::Loading {
        text: format!("Searching {}", c.kind.label()),
        started_ms: crate::ui::util::now_ms(),
        done_bytes: 0.0,
        total_bytes: 0.0,
    });
    leptos::task::spawn_local(async move {
        let q = SearchQuery { end_s: now_s(), ..q };
        let result = match fetch::get_first(&c, &urls::search(&c, &q)).await {
            Ok((answer, url)) => read::summaries(ui, c.kind, answer.buffer).await.map_err(|e| {
                let f = match e {
                    search::SearchError::NotJson(head) => Failure::NotJson { head },
                    search::SearchError::NotSearch(what) => Failure::NotTrace { what: format!("no search answer ({what})") },
                };
                f.message(c.kind, &url, &origin())
            }),
            Err((f, url)) => Err(f.message(c.kind, &url, &origin())),
        };
        // A load started meanwhile keeps its own status.
        let searching = matches!(ui.load.status.get_untracked(), Status::Loading { ref text, .. } if text.starts_with("Searching"));
        match result {
            Ok(list) => {
                if searching {
                    ui.load.status.set(Status::Idle);
                }
                ui.list.found.set(list.iter().map(TraceSummary::list_row).collect());
                ui.list.shown.set(true);
                b.search.set(SearchState::Done(list));
            }
            Err(msg) => {
                if searching {
                    ui.load.status.set(Status::Error(msg.clone()));
                }
                b.search.set(SearchState::Failed(msg));
            }
        }
    });
}

/// Fetches the service names for the search form (failures leave the list empty: the
/// search itself says what is wrong).
pub fn load_services(b: BackendCtx, c: Connection) {
    leptos::task::spawn_local(async move {
        let url = match c.kind {
            BackendKind::Tempo => urls::operations(&c, "resource.service.name"),
            _ => urls::services(&c),
        };
        if let Ok(answer) = fetch::get(&c, &url).await {
            b.services.set(search::service_names(c.kind, &answer.bytes()));
        }
    });
}

/// Makes `c` the connection: the panel shows its search form, and the trace list's rows
/// that are not loaded are fetched from it when opened.
pub fn connect(ui: Ui, b: BackendCtx, c: Connection) {
    b.services.set(Vec::new());
    b.search.set(SearchState::Idle);
    ui.list.found.set(Vec::new());
    let hook: FetchHook = Arc::new(move |s: ListSummary| {
        if let Some(c) = b.conn.get_untracked() {
            open_trace(ui, c, s.trace_id, false);
        }
    });
    ui.list.fetch.set_value(Some(hook));
    b.conn.set(Some(c.clone()));
    load_services(b, c);
}

/// Whether `?backend=` asks for a backend (then no demo loads).
pub fn from_url() -> bool {
    embed::params().backend.is_some()
}

/// Provides the backend context and acts on `?backend=&base=` (`trace=`, `q=`, `service=`).
pub fn install(ui: Ui) -> BackendCtx {
    let b = BackendCtx {
        conn: RwSignal::new(None),
        query: RwSignal::new(SearchQuery::default()),
        search: RwSignal::new(SearchState::Idle),
        services: RwSignal::new(Vec::new()),
    };
    provide_context(b);
    let p = embed::params();
    let Some(kind_name) = p.backend.as_deref() else { return b };
    let Some(kind) = BackendKind::parse(kind_name) else {
        ui.load.status.set(Status::Error(format!("The backend parameter must be jaeger, tempo or zipkin, not {kind_name:?}.")));
        return b;
    };
    let base = p.base.clone().unwrap_or_default();
    if let Err(p) = crate::url::http_url(&base, None) {
        ui.load.status.set(Status::Error(p.message(&format!("The base parameter (the address of the {} API)", kind.label()), &base)));
        return b;
    }
    let c = Connection::new(kind, &base);
    connect(ui, b, c.clone());
    if let Some(id) = p.trace.clone() {
        open_trace(ui, c, id, false);
    } else if p.q.is_some() || p.service.is_some() {
        let q = SearchQuery { q: p.q.clone().unwrap_or_default(), service: p.service.clone().unwrap_or_default(), ..Default::default() };
        b.query.set(q.clone());
        run_search(ui, b, c, q);
    }
    b
}
