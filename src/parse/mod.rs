//! Bytes in, spans into a [`SetBuilder`] out: detects the wire format of each input
//! and hands it to the matching reader. Hard failures are [`LoadError`]s that name
//! the input, where in it, and why; everything softer is a warning in the builder.
//!
//! ```text
//! bytes ─▶ detect (first keys, JSON Lines?) ─▶ otlp | jaeger (UI JSON, api_v2) | zipkin | console
//!                     └─▶ chrome / langfuse / unknown ─▶ LoadError::Unsupported
//! ```
//!
//! The readers share, one job a module: `scalars` and `lax` (JSON values of any type),
//! `time` (wire times), `ids` (id decoding), `docs` (documents, JSON Lines and the
//! array walker), `span` (status, attributes, event times, span warnings) and `places`
//! (where each span's object lies in its input). No reader imports from another.
// Readers never index: input-derived positions are looked up with `.get()`. Tests may
// index, as a panic there is a failing test.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

mod console;
pub mod detect;
mod docs;
mod ids;
mod jaeger;
mod lax;
mod otlp;
pub mod places;
mod scalars;
mod span;
mod time;
mod zipkin;

use crate::model::builder::SetBuilder;
use crate::model::TraceSet;
use docs::Mark;

/// A wire format Clew reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Otlp,
    Jaeger,
    Zipkin,
    JaegerProto,
    /// The OpenTelemetry Python `ConsoleSpanExporter`'s span objects.
    OtelConsole,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Otlp => "otlp",
            Format::Jaeger => "jaeger",
            Format::Zipkin => "zipkin",
            Format::JaegerProto => "jaeger-proto",
            Format::OtelConsole => "otel-console",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Format::Otlp => "OTLP JSON",
            Format::Jaeger => "Jaeger JSON",
            Format::Zipkin => "Zipkin v2 JSON",
            Format::JaegerProto => "Jaeger api_v2 JSON",
            Format::OtelConsole => "OpenTelemetry console exporter JSON",
        }
    }
    /// Parses a `--format` value.
    pub fn parse(s: &str) -> Option<Format> {
        match s.trim().to_ascii_lowercase().as_str() {
            "otlp" | "otlp-json" | "otel" => Some(Format::Otlp),
            "jaeger" | "jaeger-json" => Some(Format::Jaeger),
            "zipkin" | "zipkin-v2" => Some(Format::Zipkin),
            "jaeger-proto" | "jaeger-apiv2" | "jaeger_proto" | "apiv2" => Some(Format::JaegerProto),
            "otel-console" | "console" => Some(Format::OtelConsole),
            _ => None,
        }
    }
}

/// The formats Clew reads, for messages.
pub const READABLE_FORMATS: &str = "OTLP JSON (resourceSpans, batches, JSON Lines), Jaeger JSON, Zipkin v2 JSON, Jaeger api_v2 JSON \
     and OpenTelemetry console-exporter spans, one document or several concatenated";

/// Why an input could not be loaded. Each message names the input and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    #[error("{name}: the file is empty (0 bytes). Choose a trace file with content.")]
    Empty { name: String },
    #[error("{name}: not valid JSON at line {line}, column {column}: {reason}. Check that the file is complete and is JSON, not a JavaScript literal.")]
    Json { name: String, line: usize, column: usize, reason: String },
    #[error("{name}: this looks like {looks_like}, which is not a trace format Clew reads. Clew reads {READABLE_FORMATS}.")]
    Unsupported { name: String, looks_like: String },
    #[error("{name}: read as {format}, but it contains no spans. Export a trace that has spans.")]
    NoSpans { name: String, format: &'static str },
    #[error("{name}: the file is {size_mb} MB, more than the {limit_mb} MB Clew can hold in this tab. Load fewer traces at a time.")]
    TooLarge { name: String, size_mb: u64, limit_mb: u64 },
    #[error("{name}: the input has more {arena} than the {limit} that one trace set can index. Load fewer traces at a time.")]
    TooManyItems { name: String, arena: &'static str, limit: u32 },
    #[error("no input given")]
    NoInput,
}

/// An error from one reader, before the input name is attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ReadError {
    Json { line: usize, column: usize, reason: String },
}

impl ReadError {
    pub(crate) fn from_json(e: &serde_json::Error, line_offset: usize) -> ReadError {
        ReadError::Json { line: e.line() + line_offset, column: e.column(), reason: json_reason(e) }
    }
    fn into_load(self, name: &str) -> LoadError {
        match self {
            ReadError::Json { line, column, reason } => LoadError::Json { name: name.to_string(), line, column, reason },
        }
    }
}

/// serde_json's message without its " at line X column Y" suffix.
pub(crate) fn json_reason(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s.get(..i).unwrap_or(&s).to_string(),
        None => s,
    }
}

/// The most items one arena of a trace set (spans, attributes, events…) may hold:
/// they are indexed by `u32`, and `u32::MAX` means "no span".
pub const MAX_ARENA_ITEMS: u32 = u32::MAX - 1;

/// The first arena of the builder that holds more than [`MAX_ARENA_ITEMS`], if any.
fn overfull_arena(b: &SetBuilder) -> Option<&'static str> {
    let lens = [
        ("spans", b.spans.len()),
        ("attributes", b.attrs.len()),
        ("attribute values", b.values.len()),
        ("events", b.events.len()),
        ("links", b.links.len()),
        ("resources", b.resources.len()),
        ("scopes", b.scopes.len()),
    ];
    lens.into_iter().find(|&(_, n)| u32::try_from(n).map_or(true, |n| n > MAX_ARENA_ITEMS)).map(|(arena, _)| arena)
}

/// The most bytes one input may have (the browser tab's memory is the limit).
pub const MAX_INPUT_BYTES: usize = 1536 * 1024 * 1024;

/// Reads one input into the builder. Returns the format it was read as.
pub fn read_input(b: &mut SetBuilder, name: &str, bytes: &[u8], forced: Option<Format>) -> Result<Format, LoadError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(LoadError::TooLarge {
            name: name.to_string(),
            size_mb: (bytes.len() / (1024 * 1024)) as u64,
            limit_mb: (MAX_INPUT_BYTES / (1024 * 1024)) as u64,
        });
    }
    let input = bytes;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(|c| c.is_ascii_whitespace()) {
        return Err(LoadError::Empty { name: name.to_string() });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = docs::line_col(bytes, e.valid_up_to());
        LoadError::Json { name: name.to_string(), line, column, reason: "the bytes are not UTF-8 text".to_string() }
    })?;
    let format = match forced {
        Some(f) => f,
        None => match detect::detect(text) {
            detect::Detected::Format(f) => f,
            detect::Detected::Unsupported(what) => {
                return Err(LoadError::Unsupported { name: name.to_string(), looks_like: what })
            }
            detect::Detected::InvalidJson { line, column, reason } => {
                return Err(LoadError::Json { name: name.to_string(), line, column, reason })
            }
        },
    };
    let before = Mark::take(b);
    b.reading = (input.as_ptr() as usize, input.len());
    let result = match format {
        Format::Otlp => otlp::read(b, text),
        Format::Jaeger => jaeger::read(b, text),
        Format::Zipkin => zipkin::read(b, text),
        Format::JaegerProto => jaeger::read_api_v2(b, text),
        Format::OtelConsole => console::read(b, text),
    };
    b.reading = (0, 0);
    if let Err(e) = result {
        // Leave the builder as it was before this input.
        before.restore(b);
        return Err(e.into_load(name));
    }
    let too_many = |arena| LoadError::TooManyItems { name: name.to_string(), arena, limit: MAX_ARENA_ITEMS };
    if let Some(arena) = overfull_arena(b) {
        before.restore(b);
        return Err(too_many(arena));
    }
    let added = b.spans.len().saturating_sub(before.spans());
    if added == 0 {
        return Err(LoadError::NoSpans { name: name.to_string(), format: format.label() });
    }
    let added = u32::try_from(added).map_err(|_| too_many("spans"))?;
    places::settle(b, input, before.spans());
    b.add_source(name, format.as_str(), added);
    Ok(format)
}

/// Loads several inputs into one set; fragments of one trace id merge.
pub fn load(inputs: &[(&str, &[u8])], forced: Option<Format>) -> Result<TraceSet, LoadError> {
    load_placed(inputs, forced).map(|(set, _)| set)
}

/// Loads several inputs into one set, with where each span's object lies in its input.
pub fn load_placed(inputs: &[(&str, &[u8])], forced: Option<Format>) -> Result<(TraceSet, places::SpanPlaces), LoadError> {
    if inputs.is_empty() {
        return Err(LoadError::NoInput);
    }
    let mut b = SetBuilder::new();
    for (name, bytes) in inputs {
        read_input(&mut b, name, bytes, forced)?;
    }
    let places = places::SpanPlaces::take(&mut b);
    Ok((b.finish(), places))
}
