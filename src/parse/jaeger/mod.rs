//! Jaeger JSON reader, for the UI / query-API model and for api_v2 protobuf-JSON: text
//! in, raw spans, attributes, events, links and resources pushed into a [`SetBuilder`] out.
//!
//! Accepted shapes (any of them per line in JSON Lines):
//!
//! ```text
//! {data:[trace…], total, limit, offset, errors}   query-API envelope ("result" too)
//! {data: trace}                                   UI-processed trace (extra keys ignored)
//! [trace…] | trace {traceID, spans, processes, warnings}
//! [span…]  | span  (with an embedded "process" or a dangling processID)
//! ```
//!
//! Spans are streamed straight into the builder while serde walks the text (no
//! `serde_json::Value`, no per-file span vector); only `processID`s wait for the
//! trace's `processes`, which may come after the spans. Key spellings of the UI
//! model (`traceID`, `type`/`value`) and of api_v2 (`traceId`, `vType`/`vStr`…) are
//! both understood; times are µs numbers or RFC 3339, durations µs or `"100000ns"`.
//!
//! Parent rule: the first CHILD_OF reference, else the first FOLLOWS_FROM (flagged);
//! every other reference becomes a link, with `multiple_parents` for >1 CHILD_OF.
//! Bad values (wrong types, unparsable times) become `input` warnings on their span.
//!
//! api_v2 (`{"spans":[…]}` with base64 `traceId`/`spanId`, RFC 3339 `startTime`,
//! `"100000ns"` durations, `vType`/`vStr`… tags and a `process` per span) is the same
//! model in protobuf-JSON spelling, read with base64-first ids; a missing `refType`
//! is CHILD_OF (the proto default).
//!
//! Files: `tags` (tag lists → attributes), `logs` (→ events), `process` (processes →
//! resources), `emit` (one span's fields → a raw span and its warnings).

mod emit;
mod logs;
mod process;
mod tags;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::collections::HashMap;

use serde::de::{IgnoredAny, MapAccess};
use serde::Deserialize;

use super::docs::{read_docs, run_seed, DocReader, Mark, NodeSeed, Nodes};
use super::ids::TraceIdCache;
use super::lax::{Lax, LaxList};
use super::places::FirstKey;
use super::scalars::{Num, Scalar, Text};
use super::span::Keys;
use super::ReadError;
use crate::model::builder::SetBuilder;
use crate::model::ids::IdEncoding;
use crate::model::{WarningKind, NO_SPAN};
use emit::{emit_span, JRef, Ref};
use logs::{LogsOut, LogsSeed};
use process::{JProcess, ProcMap};
use tags::{TagsOut, TagsSeed};

/// Reads Jaeger UI / query-API JSON (hex ids, µs times).
pub(crate) fn read(b: &mut SetBuilder, text: &str) -> Result<(), ReadError> {
    read_with(b, text, IdEncoding::Hex)
}

/// Reads Jaeger api_v2 protobuf-JSON: ids are base64 first, hex as a fallback.
pub(crate) fn read_api_v2(b: &mut SetBuilder, text: &str) -> Result<(), ReadError> {
    read_with(b, text, IdEncoding::Base64OrHex)
}

/// Reads Jaeger JSON with the given id encoding.
fn read_with(b: &mut SetBuilder, text: &str, enc: IdEncoding) -> Result<(), ReadError> {
    let mut reader = JaegerDocs { enc, res_cache: HashMap::new(), no_service: None, keys: None, tids: TraceIdCache::default(), refs: Vec::new() };
    read_docs(b, text, &mut reader)
}

/// An error entry of the query API envelope.
#[derive(Deserialize, Default, Debug)]
#[serde(default)]
struct ApiError<'a> {
    #[serde(borrow)]
    code: Scalar<'a>,
    #[serde(borrow, alias = "message")]
    msg: Text<'a>,
    #[serde(borrow, rename = "traceID", alias = "traceId")]
    trace_id: Text<'a>,
}

/// Per-read state that outlives one document (resource dedupe).
struct JaegerDocs {
    enc: IdEncoding,
    /// Process content → resource index.
    res_cache: HashMap<String, u32>,
    /// The resource with no service name.
    no_service: Option<u32>,
    keys: Option<Keys>,
    tids: TraceIdCache,
    /// Reused per span.
    refs: Vec<Ref>,
}

impl<'a> DocReader<'a> for JaegerDocs {
    fn read_doc(&mut self, b: &mut SetBuilder, text: &'a str) -> Result<(), serde_json::Error> {
        let keys = *self.keys.get_or_insert_with(|| Keys::new(b));
        let mut ctx = Ctx { b, docs: self, keys, frames: vec![Frame::default()], ignored: 0 };
        run_seed(text, NodeSeed(&mut ctx))?;
        // Spans outside any trace object: their processIDs cannot resolve.
        if let Some(root) = ctx.frames.pop() {
            ctx.close_frame(root, None, &[]);
        }
        if ctx.ignored > 0 {
            let n = ctx.ignored;
            ctx.b.warn(
                WarningKind::Input,
                NO_SPAN,
                format!("{n} JSON value(s) that are neither a trace nor a span were ignored"),
            );
        }
        Ok(())
    }
    fn rolled_back(&mut self, mark: &Mark) {
        self.res_cache.retain(|_, r| mark.keeps_resource(*r));
        if self.no_service.is_some_and(|r| !mark.keeps_resource(r)) {
            self.no_service = None;
        }
    }
}

/// A trace object being read: spans whose processID waits for `processes`.
#[derive(Default)]
struct Frame<'a> {
    pending: Vec<(u32, Cow<'a, str>)>,
    first_span: Option<u32>,
    trace_id: Option<Cow<'a, str>>,
}

struct Ctx<'a, 'b> {
    b: &'b mut SetBuilder,
    docs: &'b mut JaegerDocs,
    keys: Keys,
    frames: Vec<Frame<'a>>,
    ignored: u32,
}

/// Keys of any object the walker meets (trace, span, envelope).
#[derive(Deserialize)]
#[serde(field_identifier)]
enum NodeKey {
    #[serde(rename = "traceID", alias = "traceId", alias = "trace_id")]
    TraceId,
    #[serde(rename = "spanID", alias = "spanId", alias = "span_id")]
    SpanId,
    #[serde(rename = "operationName", alias = "operation_name")]
    OperationName,
    #[serde(rename = "references")]
    References,
    #[serde(rename = "startTime", alias = "start_time")]
    StartTime,
    #[serde(rename = "duration")]
    Duration,
    #[serde(rename = "tags")]
    Tags,
    #[serde(rename = "logs")]
    Logs,
    #[serde(rename = "processID", alias = "processId", alias = "process_id")]
    ProcessId,
    #[serde(rename = "process")]
    Process,
    #[serde(rename = "warnings")]
    Warnings,
    #[serde(rename = "flags")]
    Flags,
    #[serde(rename = "spans")]
    Spans,
    #[serde(rename = "processes")]
    Processes,
    #[serde(rename = "data", alias = "result")]
    Data,
    #[serde(rename = "errors")]
    Errors,
    #[serde(other)]
    Other,
}

/// Fields of one span, gathered while its object is read.
#[derive(Default)]
struct SpanAcc<'a> {
    trace_id: Text<'a>,
    span_id: Text<'a>,
    name: Text<'a>,
    refs: LaxList<Lax<JRef<'a>>>,
    start: Scalar<'a>,
    duration: Scalar<'a>,
    tags: Option<TagsOut>,
    logs: Option<LogsOut>,
    process_id: Text<'a>,
    process: Lax<JProcess<'a>>,
    warnings: LaxList<Scalar<'a>>,
    flags: Num,
    /// A key only spans have was seen.
    span_keys: bool,
    /// The text of the object's first key, for its place in the input.
    at: Option<&'a str>,
}

/// Any object is a trace, an envelope or a span: container keys are walked, span keys
/// gathered, and the span emitted when its object closes.
impl<'a> Nodes<'a> for Ctx<'a, '_> {
    const EXPECTING: &'static str = "Jaeger traces or spans";
    fn stray_scalar(&mut self) {
        self.ignored += 1;
    }
    fn object<A: MapAccess<'a>>(&mut self, mut map: A) -> Result<(), A::Error> {
        let ctx = self;
        let mut acc = SpanAcc::default();
        let mut container = false;
        let mut pushed_frame = false;
        let mut processes: Option<ProcMap<'a>> = None;
        let mut api_errors: LaxList<Lax<ApiError<'a>>> = LaxList::default();
        let mut first = FirstKey::default();
        while let Some(key) = first.next_key::<NodeKey, _>(&mut map)? {
            match key {
                NodeKey::TraceId => acc.trace_id = map.next_value()?,
                NodeKey::SpanId => {
                    acc.span_id = map.next_value()?;
                    acc.span_keys = true;
                }
                NodeKey::OperationName => {
                    acc.name = map.next_value()?;
                    acc.span_keys = true;
                }
                NodeKey::References => {
                    acc.refs = map.next_value()?;
                    acc.span_keys = true;
                }
                NodeKey::StartTime => acc.start = map.next_value()?,
                NodeKey::Duration => acc.duration = map.next_value()?,
                NodeKey::Tags => {
                    acc.tags = Some(map.next_value_seed(TagsSeed { b: &mut *ctx.b })?);
                    acc.span_keys = true;
                }
                NodeKey::Logs => {
                    acc.logs = Some(map.next_value_seed(LogsSeed { b: &mut *ctx.b, keys: ctx.keys })?);
                    acc.span_keys = true;
                }
                NodeKey::ProcessId => acc.process_id = map.next_value()?,
                NodeKey::Process => acc.process = map.next_value()?,
                NodeKey::Warnings => acc.warnings = map.next_value()?,
                NodeKey::Flags => acc.flags = map.next_value()?,
                NodeKey::Spans => {
                    container = true;
                    if !pushed_frame {
                        let trace_id = match &acc.trace_id {
                            Text::Str(s) => Some(s.clone()),
                            _ => None,
                        };
                        ctx.frames.push(Frame { trace_id, ..Frame::default() });
                        pushed_frame = true;
                    }
                    map.next_value_seed(NodeSeed(&mut *ctx))?;
                }
                NodeKey::Processes => {
                    container = true;
                    processes = Some(map.next_value()?);
                }
                NodeKey::Data => {
                    container = true;
                    map.next_value_seed(NodeSeed(&mut *ctx))?;
                }
                NodeKey::Errors => api_errors = map.next_value()?,
                NodeKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        for e in api_errors.items.iter().filter_map(Lax::get) {
            let code = e.code.text().map(|c| format!(" (code {c})")).unwrap_or_default();
            let trace = e.trace_id.as_str().map(|t| format!(" for trace {t}")).unwrap_or_default();
            ctx.b.warn(
                WarningKind::Input,
                NO_SPAN,
                format!("the Jaeger query API reported an error{code}{trace}: {}", e.msg.or_empty()),
            );
        }
        if container {
            let trace_warnings: Vec<String> =
                acc.warnings.items.iter().filter_map(|w| w.text().map(|t| t.into_owned())).collect();
            if pushed_frame {
                if let Some(frame) = ctx.frames.pop() {
                    ctx.close_frame(frame, processes.as_ref(), &trace_warnings);
                }
            } else {
                for w in trace_warnings {
                    ctx.b.warn(WarningKind::Input, NO_SPAN, format!("trace warning: {w}"));
                }
            }
        } else if acc.span_keys
            || (!matches!(acc.trace_id, Text::Null) && (!acc.start.is_null() || !acc.duration.is_null()))
        {
            acc.at = first.text();
            emit_span(ctx, acc);
        } else {
            ctx.ignored += 1;
        }
        Ok(())
    }
}
