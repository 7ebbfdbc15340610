//! The normalized trace model: what every parser produces and every analysis reads.
//!
//! In: nothing (this module only defines types). Out: [`TraceSet`], a compact arena
//! holding every loaded trace. Layout guarantees, relied on everywhere downstream:
//!
//! * `TraceSet::spans` is grouped by trace (`Trace::spans` is a range into it), and
//!   within a trace the spans are in depth-first pre-order: a parent comes before
//!   its children, siblings are ordered by start time (then span id; a clock-skew
//!   adjustment, `analysis::skew::apply`, re-sorts them by the adjusted times), and the
//!   subtree of span `i` is the contiguous range `i..spans[i].subtree_end`.
//! * `Span::parent` is an index into `spans` (or [`NO_SPAN`]), always smaller than
//!   the child's own index. `depth` is 0 for a root.
//! * Strings (names, keys, string values, raw ids) are interned in [`Strings`] and
//!   referenced by [`StrId`]. `StrId::EMPTY` is the empty string.
//! * Attributes, events and links live in flat arenas referenced by [`Range32`].

pub mod arena;
pub mod builder;
pub mod ids;
pub mod snapshot;
pub mod strings;
pub mod subset;
mod tree;

pub use ids::{SpanId, TraceId};
pub use strings::{StrId, Strings};

/// Nanoseconds since the Unix epoch.
pub type TimeNs = u64;
/// A duration in nanoseconds.
pub type DurNs = u64;

/// Marker for "no span" in `u32` span indices.
pub const NO_SPAN: u32 = u32::MAX;

/// A half-open range `start..start+len` into one of the arenas of a [`TraceSet`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Range32 {
    pub start: u32,
    pub len: u32,
}

impl Range32 {
    /// The range `start..end` of an arena. Arena positions past `u32::MAX` saturate
    /// instead of wrapping (see [`arena::index_u32`]); the builder refuses such arenas.
    pub fn new(start: usize, end: usize) -> Self {
        Range32 { start: arena::index_u32(start), len: arena::index_u32(end.saturating_sub(start)) }
    }
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..(self.start as usize + self.len as usize)
    }
    pub fn is_empty(self) -> bool {
        self.len == 0
    }
}

/// OpenTelemetry span kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum SpanKind {
    #[default]
    Unspecified = 0,
    Internal = 1,
    Server = 2,
    Client = 3,
    Producer = 4,
    Consumer = 5,
}

impl SpanKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SpanKind::Unspecified => "unspecified",
            SpanKind::Internal => "internal",
            SpanKind::Server => "server",
            SpanKind::Client => "client",
            SpanKind::Producer => "producer",
            SpanKind::Consumer => "consumer",
        }
    }
    pub fn from_u8(v: u8) -> SpanKind {
        match v {
            1 => SpanKind::Internal,
            2 => SpanKind::Server,
            3 => SpanKind::Client,
            4 => SpanKind::Producer,
            5 => SpanKind::Consumer,
            _ => SpanKind::Unspecified,
        }
    }
    /// Parses `"SPAN_KIND_SERVER"`, `"server"`, `"SERVER"`, … (case-insensitive).
    pub fn parse(s: &str) -> SpanKind {
        let s = s.trim();
        let s = s.strip_prefix("SPAN_KIND_").or_else(|| s.strip_prefix("span_kind_")).unwrap_or(s);
        match s.to_ascii_lowercase().as_str() {
            "internal" => SpanKind::Internal,
            "server" => SpanKind::Server,
            "client" => SpanKind::Client,
            "producer" => SpanKind::Producer,
            "consumer" => SpanKind::Consumer,
            _ => SpanKind::Unspecified,
        }
    }
}

/// OpenTelemetry status code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum StatusCode {
    #[default]
    Unset = 0,
    Ok = 1,
    Error = 2,
}

impl StatusCode {
    pub fn as_str(self) -> &'static str {
        match self {
            StatusCode::Unset => "unset",
            StatusCode::Ok => "ok",
            StatusCode::Error => "error",
        }
    }
    pub fn from_u8(v: u8) -> StatusCode {
        match v {
            1 => StatusCode::Ok,
            2 => StatusCode::Error,
            _ => StatusCode::Unset,
        }
    }
}

/// A typed attribute value. Arrays and key-value lists point into the set's
/// `values` / `attrs` arenas so that the whole model stays flat.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AttrValue {
    Str(StrId),
    Bool(bool),
    Int(i64),
    Double(f64),
    /// Bytes, kept as the base64 text they arrived in.
    Bytes(StrId),
    /// Elements in `TraceSet::values`.
    Array(Range32),
    /// Entries in `TraceSet::attrs`.
    KvList(Range32),
    /// An attribute with no value (`{}` in OTLP).
    Empty,
}

/// One key/value attribute.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Attr {
    pub key: StrId,
    pub value: AttrValue,
}

/// A timestamped span event (OTLP event, Jaeger log, Zipkin annotation).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Event {
    pub time_ns: TimeNs,
    pub name: StrId,
    pub attrs: Range32,
    pub dropped_attrs: u32,
}

/// How a link relates to its span.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum LinkKind {
    /// A plain OTLP link.
    #[default]
    Link = 0,
    /// A Jaeger FOLLOWS_FROM reference that did not become the parent.
    FollowsFrom = 1,
    /// A second (or later) CHILD_OF reference.
    ChildOf = 2,
}

/// A link from a span to another span, maybe in another trace.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    pub trace_id: TraceId,
    pub span_id: SpanId,
    pub kind: LinkKind,
    pub trace_state: StrId,
    pub attrs: Range32,
    pub dropped_attrs: u32,
}

/// The resource (process) a span was emitted by.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Resource {
    /// `service.name`, or `unknown_service` when absent.
    pub service: StrId,
    pub attrs: Range32,
    pub dropped_attrs: u32,
    pub schema_url: StrId,
}

/// The instrumentation scope (library) that produced a span.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scope {
    pub name: StrId,
    pub version: StrId,
    pub attrs: Range32,
    pub dropped_attrs: u32,
    pub schema_url: StrId,
}

/// Bit flags on a span.
pub mod span_flags {
    /// Status is error (OTLP code 2, `error=true`, Zipkin `error` tag, `otel.status_code=ERROR`).
    pub const ERROR: u16 = 1 << 0;
    /// The parent id is not in the trace; the span is a root of its own subtree.
    pub const ORPHAN: u16 = 1 << 1;
    /// The span starts before its parent.
    pub const CLOCK_SKEW: u16 = 1 << 2;
    /// The span had no timestamp; it is shown at its parent's start.
    pub const MISSING_TIMESTAMP: u16 = 1 << 3;
    /// The span had no duration (or no end).
    pub const MISSING_DURATION: u16 = 1 << 4;
    /// The parent came from a FOLLOWS_FROM reference.
    pub const FOLLOWS_FROM: u16 = 1 << 5;
    /// Another span with the same id came earlier in the input.
    pub const DUPLICATE_ID: u16 = 1 << 6;
    /// The parent link was cut to break a cycle.
    pub const CYCLE: u16 = 1 << 7;
    /// The end was before the start.
    pub const NEGATIVE_DURATION: u16 = 1 << 8;
    /// An id was neither hex nor base64.
    pub const INVALID_ID: u16 = 1 << 9;
    /// The span is the server half of a Zipkin shared RPC span.
    pub const SHARED_SERVER: u16 = 1 << 10;
    /// The span had itself as parent.
    pub const SELF_PARENT: u16 = 1 << 11;
    /// Clock-skew adjustment moved the span (and its subtree) into its parent's window
    /// (`analysis::skew`); its shift is in [`super::SkewState::shift_ns`].
    pub const SKEW_ADJUSTED: u16 = 1 << 12;
}

/// One span. Plain data: every reference is an index or an interned string.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Span {
    /// Index into `TraceSet::traces`.
    pub trace: u32,
    pub span_id: SpanId,
    /// The parent id as written in the input (may be absent from the trace).
    pub parent_id: Option<SpanId>,
    /// Index of the parent in `TraceSet::spans`, or [`NO_SPAN`] for a root.
    pub parent: u32,
    /// One past the last span of this span's subtree (pre-order).
    pub subtree_end: u32,
    /// 0 for a root.
    pub depth: u32,
    /// Number of direct children.
    pub child_count: u32,
    /// Start time; for a span with no timestamp, its parent's start.
    pub start_ns: TimeNs,
    /// Duration; 0 when missing or negative.
    pub duration_ns: DurNs,
    pub name: StrId,
    pub kind: SpanKind,
    pub status: StatusCode,
    pub status_message: StrId,
    /// Index into `TraceSet::resources`.
    pub resource: u32,
    /// Index into `TraceSet::scopes`.
    pub scope: u32,
    pub attrs: Range32,
    pub events: Range32,
    pub links: Range32,
    pub trace_state: StrId,
    /// W3C trace flags as given (0 when absent).
    pub w3c_flags: u32,
    pub dropped_attrs: u32,
    pub dropped_events: u32,
    pub dropped_links: u32,
    /// See [`span_flags`].
    pub flags: u16,
    /// Index of this span in the input order of the whole load (stable, for tie-breaks).
    pub input_index: u32,
}

impl Span {
    pub fn end_ns(&self) -> TimeNs {
        self.start_ns.saturating_add(self.duration_ns)
    }
    pub fn has(&self, flag: u16) -> bool {
        self.flags & flag != 0
    }
    pub fn is_error(&self) -> bool {
        self.has(span_flags::ERROR)
    }
}

/// One trace: a contiguous pre-ordered range of spans.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Trace {
    pub trace_id: TraceId,
    /// Range into `TraceSet::spans`.
    pub spans: Range32,
    /// Index of the trace root (see the ingest rules), into `TraceSet::spans`.
    pub root: u32,
    /// Earliest start among spans that have a timestamp.
    pub start_ns: TimeNs,
    /// Latest end minus earliest start, among spans that have a timestamp.
    pub duration_ns: DurNs,
    /// 1-based: a lone root has max_depth 1.
    pub max_depth: u32,
    pub errors: u32,
    /// Range into `TraceSet::warnings`.
    pub warnings: Range32,
}

/// What kind of problem a warning reports. Printed names are stable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum WarningKind {
    Orphan = 0,
    DuplicateSpanId = 1,
    Cycle = 2,
    SelfParent = 3,
    ClockSkew = 4,
    NegativeDuration = 5,
    MissingTimestamp = 6,
    MissingDuration = 7,
    InvalidId = 8,
    MissingService = 9,
    MultipleParents = 10,
    /// A problem in the input that is not about one span (e.g. a JSON line that failed).
    Input = 11,
    /// Clock-skew adjustment moved the span; the message gives the shift.
    SkewAdjusted = 12,
}

impl WarningKind {
    pub const ALL: [WarningKind; 13] = [
        WarningKind::Orphan,
        WarningKind::DuplicateSpanId,
        WarningKind::Cycle,
        WarningKind::SelfParent,
        WarningKind::ClockSkew,
        WarningKind::NegativeDuration,
        WarningKind::MissingTimestamp,
        WarningKind::MissingDuration,
        WarningKind::InvalidId,
        WarningKind::MissingService,
        WarningKind::MultipleParents,
        WarningKind::Input,
        WarningKind::SkewAdjusted,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            WarningKind::Orphan => "orphan",
            WarningKind::DuplicateSpanId => "duplicate_span_id",
            WarningKind::Cycle => "cycle",
            WarningKind::SelfParent => "self_parent",
            WarningKind::ClockSkew => "clock_skew",
            WarningKind::NegativeDuration => "negative_duration",
            WarningKind::MissingTimestamp => "missing_timestamp",
            WarningKind::MissingDuration => "missing_duration",
            WarningKind::InvalidId => "invalid_id",
            WarningKind::MissingService => "missing_service",
            WarningKind::MultipleParents => "multiple_parents",
            WarningKind::Input => "input",
            WarningKind::SkewAdjusted => "skew_adjusted",
        }
    }
    pub fn from_u8(v: u8) -> WarningKind {
        WarningKind::ALL.get(v as usize).copied().unwrap_or(WarningKind::Input)
    }
}

/// A problem found while loading, tied to a span where there is one.
#[derive(Clone, Debug, PartialEq)]
pub struct Warning {
    pub kind: WarningKind,
    /// Index into `TraceSet::spans`, or [`NO_SPAN`].
    pub span: u32,
    pub message: String,
}

/// Everything loaded: all traces, in one arena.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TraceSet {
    pub strings: Strings,
    /// Ordered by trace start as recorded, then trace id (a clock-skew adjustment moves a
    /// trace's start but not its place).
    pub traces: Vec<Trace>,
    pub spans: Vec<Span>,
    pub attrs: Vec<Attr>,
    pub values: Vec<AttrValue>,
    pub events: Vec<Event>,
    pub links: Vec<Link>,
    pub resources: Vec<Resource>,
    pub scopes: Vec<Scope>,
    /// Grouped by trace (`Trace::warnings`), then set-level warnings (span = NO_SPAN,
    /// no trace) at the end, in `set_warnings`.
    pub warnings: Vec<Warning>,
    /// Range into `warnings` for warnings not tied to a trace.
    pub set_warnings: Range32,
    /// The names of the inputs, in load order, with the format each was read as.
    pub sources: Vec<Source>,
    /// Whether the times are adjusted for clock skew, and by how much.
    pub skew: SkewState,
}

/// The clock-skew adjustment applied to a set's times (`analysis::skew::apply`, undone by
/// `analysis::skew::restore`). Default: the times as recorded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SkewState {
    /// Whether the adjustment is applied.
    pub adjusted: bool,
    /// Per span (index into `TraceSet::spans`), the shift added to its recorded start and
    /// to its events' times; empty when no span moved.
    pub shift_ns: Vec<i64>,
    /// Per trace, how many of its spans the adjustment moved (flagged `SKEW_ADJUSTED`);
    /// empty when no span moved.
    pub moved_per_trace: Vec<u32>,
}

impl SkewState {
    /// The shift of span `span` (0 when it did not move).
    pub fn shift_of(&self, span: u32) -> i64 {
        self.shift_ns.get(span as usize).copied().unwrap_or(0)
    }
}

/// One input that went into the set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    pub name: String,
    pub format: String,
    pub spans: u32,
}

impl TraceSet {
    pub fn str(&self, id: StrId) -> &str {
        self.strings.get(id)
    }
    pub fn span_attrs(&self, span: &Span) -> &[Attr] {
        &self.attrs[span.attrs.range()]
    }
    pub fn trace_spans(&self, trace: &Trace) -> &[Span] {
        &self.spans[trace.spans.range()]
    }
    pub fn service_of(&self, span: &Span) -> &str {
        self.resources.get(span.resource as usize).map(|r| self.str(r.service)).unwrap_or("unknown_service")
    }
    pub fn service_id(&self, span: &Span) -> StrId {
        self.resources.get(span.resource as usize).map(|r| r.service).unwrap_or(StrId::EMPTY)
    }
    pub fn name_of(&self, span: &Span) -> &str {
        self.str(span.name)
    }
    /// Looks up an attribute on the span itself, then on its resource.
    pub fn attr(&self, span: &Span, key: &str) -> Option<AttrValue> {
        let own = self.span_attrs(span).iter().find(|a| self.str(a.key) == key).map(|a| a.value);
        own.or_else(|| {
            let res = self.resources.get(span.resource as usize)?;
            self.attrs[res.attrs.range()].iter().find(|a| self.str(a.key) == key).map(|a| a.value)
        })
    }
    /// An attribute as text (strings as they are, numbers and bools formatted).
    pub fn attr_text(&self, span: &Span, key: &str) -> Option<String> {
        self.attr(span, key).map(|v| self.value_text(v))
    }
    /// An attribute as a number, accepting numeric strings (Zipkin tags are strings).
    pub fn attr_f64(&self, span: &Span, key: &str) -> Option<f64> {
        match self.attr(span, key)? {
            AttrValue::Int(i) => Some(i as f64),
            AttrValue::Double(d) => Some(d),
            AttrValue::Str(s) => self.str(s).trim().parse::<f64>().ok(),
            AttrValue::Bool(_) | AttrValue::Bytes(_) | AttrValue::Array(_) | AttrValue::KvList(_) | AttrValue::Empty => None,
        }
    }
    /// Renders a value as display text. Arrays and kv-lists render as JSON.
    /// Iterative: nested values are rendered with an explicit stack.
    pub fn value_text(&self, v: AttrValue) -> String {
        match v {
            AttrValue::Str(s) => self.str(s).to_string(),
            AttrValue::Bytes(s) => self.str(s).to_string(),
            AttrValue::Bool(b) => b.to_string(),
            AttrValue::Int(i) => i.to_string(),
            AttrValue::Double(d) => format_f64(d),
            AttrValue::Empty => String::new(),
            AttrValue::Array(_) | AttrValue::KvList(_) => self.value_json(v).to_string(),
        }
    }
    /// Converts a value to JSON (arrays and kv-lists become JSON arrays/objects).
    pub fn value_json(&self, v: AttrValue) -> serde_json::Value {
        use serde_json::Value as J;
        // Explicit stack: (value, key-in-parent) pairs are built bottom-up.
        enum Frame {
            Enter(AttrValue),
            ExitArray(usize),
            ExitObject(Vec<String>),
        }
        let mut stack = vec![Frame::Enter(v)];
        let mut out: Vec<J> = Vec::new();
        while let Some(f) = stack.pop() {
            match f {
                Frame::Enter(v) => match v {
                    AttrValue::Str(s) | AttrValue::Bytes(s) => out.push(J::String(self.str(s).to_string())),
                    AttrValue::Bool(b) => out.push(J::Bool(b)),
                    AttrValue::Int(i) => out.push(J::from(i)),
                    AttrValue::Double(d) => out.push(serde_json::Number::from_f64(d).map(J::Number).unwrap_or(J::Null)),
                    AttrValue::Empty => out.push(J::Null),
                    AttrValue::Array(r) => {
                        let items = &self.values[r.range()];
                        stack.push(Frame::ExitArray(items.len()));
                        for item in items.iter().rev() {
                            stack.push(Frame::Enter(*item));
                        }
                    }
                    AttrValue::KvList(r) => {
                        let items = &self.attrs[r.range()];
                        stack.push(Frame::ExitObject(items.iter().map(|a| self.str(a.key).to_string()).collect()));
                        for item in items.iter().rev() {
                            stack.push(Frame::Enter(item.value));
                        }
                    }
                },
                Frame::ExitArray(n) => {
                    let items = out.split_off(out.len().saturating_sub(n));
                    out.push(J::Array(items));
                }
                Frame::ExitObject(keys) => {
                    let items = out.split_off(out.len().saturating_sub(keys.len()));
                    out.push(J::Object(keys.into_iter().zip(items).collect()));
                }
            }
        }
        out.pop().unwrap_or(J::Null)
    }
    /// Total number of spans across all traces.
    pub fn span_count(&self) -> usize {
        self.spans.len()
    }
    /// Warnings of one trace.
    pub fn trace_warnings(&self, trace: &Trace) -> &[Warning] {
        &self.warnings[trace.warnings.range()]
    }
    /// Finds a trace by its id.
    pub fn find_trace(&self, id: &TraceId) -> Option<usize> {
        self.traces.iter().position(|t| t.trace_id == *id)
    }
    /// Finds a span (the first with that id) inside one trace.
    pub fn find_span(&self, trace: usize, id: &SpanId) -> Option<u32> {
        let t = self.traces.get(trace)?;
        t.spans.range().find(|&i| self.spans[i].span_id == *id).map(arena::index_u32)
    }
}

/// The clock-skew warning of a span that starts `early_ns` before its parent.
pub fn clock_skew_message(span_id: &str, early_ns: DurNs) -> String {
    format!(
        "span {span_id} starts {} before its parent (clock skew?); times are shown as recorded",
        crate::format::duration(early_ns)
    )
}

/// Formats a float without a trailing `.0` for whole numbers.
pub fn format_f64(d: f64) -> String {
    if d.is_finite() && d.fract() == 0.0 && d.abs() < 1e15 {
        format!("{}", d as i64)
    } else {
        format!("{d}")
    }
}
