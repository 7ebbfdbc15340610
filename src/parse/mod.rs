//! Bytes in, spans into a [`SetBuilder`] out: detects the wire format of each input
//! and hands it to the matching reader. Hard failures are [`LoadError`]s that name
//! the input, where in it, and why; everything softer is a warning in the builder.
//!
//! ```text
//! bytes ─▶ detect (first keys, JSON Lines?) ─▶ otlp | jaeger | zipkin | jaeger_proto
//!                     └─▶ chrome / langfuse / unknown ─▶ LoadError::Unsupported
//! ```

pub mod detect;
pub mod jaeger;
pub mod jaeger_proto;
pub mod otlp;
pub mod util;
pub mod zipkin;

use crate::model::builder::SetBuilder;
use crate::model::TraceSet;

/// A wire format Clew reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Otlp,
    Jaeger,
    Zipkin,
    JaegerProto,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Otlp => "otlp",
            Format::Jaeger => "jaeger",
            Format::Zipkin => "zipkin",
            Format::JaegerProto => "jaeger-proto",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Format::Otlp => "OTLP JSON",
            Format::Jaeger => "Jaeger JSON",
            Format::Zipkin => "Zipkin v2 JSON",
            Format::JaegerProto => "Jaeger api_v2 JSON",
        }
    }
    /// Parses a `--format` value.
    pub fn parse(s: &str) -> Option<Format> {
        match s.trim().to_ascii_lowercase().as_str() {
            "otlp" | "otlp-json" | "otel" => Some(Format::Otlp),
            "jaeger" | "jaeger-json" => Some(Format::Jaeger),
            "zipkin" | "zipkin-v2" => Some(Format::Zipkin),
            "jaeger-proto" | "jaeger-apiv2" | "jaeger_proto" | "apiv2" => Some(Format::JaegerProto),
            _ => None,
        }
    }
}

/// The formats Clew reads, for messages.
pub const READABLE_FORMATS: &str =
    "OTLP JSON (resourceSpans, batches, JSON Lines), Jaeger JSON, Zipkin v2 JSON and Jaeger api_v2 JSON";

/// Why an input could not be loaded. Each message names the input and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    #[error("{name}: the file is empty (0 bytes). Choose a trace file with content.")]
    Empty { name: String },
    #[error("{name}: not valid JSON at line {line}, column {column}: {reason}. Check that the file is complete and is JSON, not a JavaScript literal.")]
    Json { name: String, line: usize, column: usize, reason: String },
    #[error("{name}: this looks like {looks_like}, which is not a trace format Clew reads. Clew reads {READABLE_FORMATS}.")]
    Unsupported { name: String, looks_like: String },
    #[error("{name}: read as {format}, but {reason}")]
    Shape { name: String, format: &'static str, reason: String },
    #[error("{name}: read as {format}, but it contains no spans. Export a trace that has spans.")]
    NoSpans { name: String, format: &'static str },
    #[error("{name}: the file is {size_mb} MB, more than the {limit_mb} MB Clew can hold in this tab. Load fewer traces at a time.")]
    TooLarge { name: String, size_mb: u64, limit_mb: u64 },
    #[error("no input given")]
    NoInput,
}

/// An error from one reader, before the input name is attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    Json { line: usize, column: usize, reason: String },
    Shape(String),
}

impl ReadError {
    pub fn from_json(e: &serde_json::Error, line_offset: usize) -> ReadError {
        ReadError::Json { line: e.line() + line_offset, column: e.column(), reason: json_reason(e) }
    }
    fn into_load(self, name: &str, format: Format) -> LoadError {
        match self {
            ReadError::Json { line, column, reason } => LoadError::Json { name: name.to_string(), line, column, reason },
            ReadError::Shape(reason) => LoadError::Shape { name: name.to_string(), format: format.label(), reason },
        }
    }
}

/// serde_json's message without its " at line X column Y" suffix.
fn json_reason(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
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
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(|c| c.is_ascii_whitespace()) {
        return Err(LoadError::Empty { name: name.to_string() });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = util::line_col(bytes, e.valid_up_to());
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
    let before = b.spans.len();
    let result = match format {
        Format::Otlp => otlp::read(b, text),
        Format::Jaeger => jaeger::read(b, text),
        Format::Zipkin => zipkin::read(b, text),
        Format::JaegerProto => jaeger_proto::read(b, text),
    };
    if let Err(e) = result {
        // Leave the builder as it was before this input.
        b.spans.truncate(before);
        return Err(e.into_load(name, format));
    }
    let added = b.spans.len() - before;
    if added == 0 {
        return Err(LoadError::NoSpans { name: name.to_string(), format: format.label() });
    }
    b.add_source(name, format.as_str(), added as u32);
    Ok(format)
}

/// Loads several inputs into one set; fragments of one trace id merge.
pub fn load(inputs: &[(&str, &[u8])], forced: Option<Format>) -> Result<TraceSet, LoadError> {
    if inputs.is_empty() {
        return Err(LoadError::NoInput);
    }
    let mut b = SetBuilder::new();
    for (name, bytes) in inputs {
        read_input(&mut b, name, bytes, forced)?;
    }
    Ok(b.finish())
}
