//! One Jaeger span's gathered fields in, a raw span in the builder and its warnings
//! out, in steps: ids, references (parent and links), times, tags (kind, error,
//! status), logs, flags, the process, then Jaeger's own `warnings`.
//!
//! Parent rule: the first CHILD_OF reference, else the first FOLLOWS_FROM (flagged);
//! every other reference becomes a link, with `multiple_parents` for >1 CHILD_OF.

use std::borrow::Cow;

use serde::Deserialize;

use super::process::JProcess;
use super::tags::TagsOut;
use super::{Ctx, SpanAcc};
use crate::model::builder::{RawSpan, SetBuilder};
use crate::model::{
    span_flags, AttrValue, Link, LinkKind, Range32, SpanId, SpanKind, StatusCode, StrId, TraceId, WarningKind, NO_SPAN,
};
use crate::parse::ids::span_id;
use crate::parse::lax::{Lax, LaxList};
use crate::parse::scalars::{Num, Scalar, Text};
use crate::parse::span::{attrs_in, fix_event_times, new_span, otel_status, Keys, SpanNotes};
use crate::parse::time::{scalar_duration_ns, scalar_time_ns};

/// A reference as written.
#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub(super) struct JRef<'a> {
    #[serde(borrow, rename = "refType", alias = "ref_type")]
    ref_type: Scalar<'a>,
    #[serde(borrow, rename = "traceID", alias = "traceId", alias = "trace_id")]
    trace_id: Text<'a>,
    #[serde(borrow, rename = "spanID", alias = "spanId", alias = "span_id")]
    span_id: Text<'a>,
}

/// A reference after its type is known.
pub(super) struct Ref {
    follows: bool,
    trace_id: TraceId,
    span_id: SpanId,
}

/// Turns the gathered fields of one span into a raw span and its warnings.
pub(super) fn emit_span<'a>(ctx: &mut Ctx<'a, '_>, acc: SpanAcc<'a>) {
    let mut notes = SpanNotes::default();
    // A span without its own traceID takes the enclosing trace's.
    let frame_tid = ctx.frames.last().and_then(|f| f.trace_id.clone());
    let tid_text: &str = match (&acc.trace_id, &frame_tid) {
        (Text::Str(s), _) => s,
        (_, Some(t)) => t,
        _ => "",
    };
    let ids = (("traceID", tid_text), ("spanID", acc.span_id.or_empty()));
    let mut span = new_span(ctx.b, &mut ctx.docs.tids, ctx.docs.enc, ids.0, ids.1, &mut notes);
    references(ctx, &mut span, tid_text, &acc.refs, &mut notes);
    span.start_ns = notes.start_time("startTime", scalar_time_ns(&acc.start), || acc.start.show());
    span.duration_ns = notes.duration(scalar_duration_ns(&acc.duration), || acc.duration.show());
    span.name = ctx.b.strings.intern(acc.name.or_empty());
    tags_and_status(ctx.b, &ctx.keys, &mut span, acc.tags, &mut notes);
    if let Some(logs) = acc.logs {
        span.events = logs.range;
        fix_event_times(ctx.b, logs.range, span.start_ns);
        for p in logs.problems {
            notes.input(p);
        }
    }
    span.w3c_flags = match acc.flags {
        Num::Null => 0,
        n => n.as_u32_saturating().unwrap_or_else(|| {
            notes.input("\"flags\" is not a number; ignored");
            0
        }),
    };
    span.scope = ctx.b.empty_scope();
    let pending = resource(ctx, &mut span, &acc.process, &acc.process_id, &mut notes);
    if acc.warnings.bad {
        notes.input("\"warnings\" is not a list; ignored");
    }
    for w in &acc.warnings.items {
        if let Some(t) = w.text() {
            notes.input(format!("Jaeger warning: {t}"));
        }
    }
    let raw = notes.push_span(ctx.b, span);
    crate::parse::places::note(ctx.b, raw, acc.at);
    if let Some(frame) = ctx.frames.last_mut() {
        if frame.first_span.is_none() {
            frame.first_span = Some(raw);
        }
        if let Some(pid) = pending {
            frame.pending.push((raw, pid));
        }
    }
}

/// References → the span's parent and its links.
fn references<'a>(
    ctx: &mut Ctx<'a, '_>,
    span: &mut RawSpan,
    tid_text: &str,
    list: &LaxList<Lax<JRef<'a>>>,
    notes: &mut SpanNotes,
) {
    if list.bad {
        notes.input("\"references\" is not a list; ignored");
    }
    let mut refs = std::mem::take(&mut ctx.docs.refs);
    refs.clear();
    for (i, r) in list.items.iter().enumerate() {
        let Lax::Ok(r) = r else {
            notes.input(format!("references[{i}] is not an object; ignored"));
            continue;
        };
        if let Some(r) = read_ref(ctx, i, r, (tid_text, span.trace_id), notes) {
            refs.push(r);
        }
    }
    link_refs(ctx.b, span, &refs, notes);
    ctx.docs.refs = refs;
}

/// Reference `i` with its ids decoded, or `None` (with a problem) when it points nowhere.
/// `own_trace` is the span's trace id as written and as decoded.
fn read_ref(ctx: &mut Ctx<'_, '_>, i: usize, r: &JRef, own_trace: (&str, TraceId), notes: &mut SpanNotes) -> Option<Ref> {
    let enc = ctx.docs.enc;
    let follows = match &r.ref_type {
        Scalar::Null | Scalar::U(0) => false,
        Scalar::U(1) => true,
        Scalar::Str(s) if s.trim().eq_ignore_ascii_case("CHILD_OF") => false,
        Scalar::Str(s) if s.trim().eq_ignore_ascii_case("FOLLOWS_FROM") => true,
        other => {
            notes.input(format!("references[{i}] has an unknown refType {}; read as CHILD_OF", other.show()));
            false
        }
    };
    let rs = r.span_id.or_empty();
    if rs.trim().is_empty() {
        notes.input(format!("references[{i}] has no spanID; ignored"));
        return None;
    }
    let (rsid, ok) = span_id(rs, enc, ctx.b);
    if !ok {
        notes.bad_id(&format!("references[{i}].spanID"), rs, enc);
    }
    if rsid == SpanId::Hex(0) {
        notes.input(format!("references[{i}] points to span id 0; ignored"));
        return None;
    }
    let rtid = match r.trace_id.as_str() {
        Some(t) if t == own_trace.0 => own_trace.1,
        Some(t) if !t.trim().is_empty() => {
            let (rt, ok) = ctx.docs.tids.get(t, enc, ctx.b);
            if !ok {
                notes.bad_id(&format!("references[{i}].traceID"), t, enc);
            }
            rt
        }
        _ => own_trace.1,
    };
    Some(Ref { follows, trace_id: rtid, span_id: rsid })
}

/// The first CHILD_OF reference (else the first FOLLOWS_FROM) is the parent; the
/// others become links.
fn link_refs(b: &mut SetBuilder, span: &mut RawSpan, refs: &[Ref], notes: &mut SpanNotes) {
    let links_start = b.links.len();
    let parent_at = refs.iter().position(|r| !r.follows).or_else(|| refs.iter().position(|r| r.follows));
    if let Some((p, parent)) = parent_at.and_then(|p| Some((p, refs.get(p)?))) {
        span.parent_id = Some(parent.span_id);
        if parent.follows {
            notes.flags |= span_flags::FOLLOWS_FROM;
        }
        for (i, r) in refs.iter().enumerate() {
            if i == p {
                continue;
            }
            b.links.push(Link {
                trace_id: r.trace_id,
                span_id: r.span_id,
                kind: if r.follows { LinkKind::FollowsFrom } else { LinkKind::ChildOf },
                trace_state: StrId::EMPTY,
                attrs: Range32::default(),
                dropped_attrs: 0,
            });
        }
        let child_of = refs.iter().filter(|r| !r.follows).count();
        if child_of > 1 {
            notes.warn(
                WarningKind::MultipleParents,
                format!(
                    "span has {child_of} CHILD_OF references; the first ({}) is its parent, the others are kept as links",
                    parent.span_id.to_text(&b.strings)
                ),
            );
        }
    }
    span.links = Range32::new(links_start, b.links.len());
}

/// A `span.kind` tag value; the usual lower-case spellings without allocating.
fn kind_of_tag(s: &str) -> SpanKind {
    match s {
        "server" => SpanKind::Server,
        "client" => SpanKind::Client,
        "producer" => SpanKind::Producer,
        "consumer" => SpanKind::Consumer,
        "internal" => SpanKind::Internal,
        _ => SpanKind::parse(s),
    }
}

/// Tags → the span's attributes, its kind (`span.kind`), and its status (`error`,
/// `otel.status_code`, `otel.status_description`).
fn tags_and_status(b: &mut SetBuilder, keys: &Keys, span: &mut RawSpan, tags: Option<TagsOut>, notes: &mut SpanNotes) {
    let tags = tags.unwrap_or(TagsOut { range: Range32::new(b.attrs.len(), b.attrs.len()), ..TagsOut::default() });
    if tags.not_list {
        notes.input("\"tags\" is not a list; ignored");
    }
    if tags.bad_items > 0 {
        notes.input(format!("{} tag(s) are not objects; ignored", tags.bad_items));
    }
    span.attrs = tags.range;
    let mut error = false;
    for a in attrs_in(b, tags.range) {
        if a.key == keys.span_kind {
            if let AttrValue::Str(s) = a.value {
                span.kind = kind_of_tag(b.strings.get(s));
            }
        } else if a.key == keys.error {
            error |= match a.value {
                AttrValue::Bool(v) => v,
                AttrValue::Str(s) => b.strings.get(s).trim().eq_ignore_ascii_case("true"),
                _ => false,
            };
        }
    }
    let (code, msg) = otel_status(b, keys, tags.range);
    span.status_message = msg;
    span.status = if error || code == StatusCode::Error { StatusCode::Error } else { code };
    if span.status == StatusCode::Error {
        notes.flags |= span_flags::ERROR;
    }
}

/// The span's resource: the embedded process, else the trace's `processes[processID]`,
/// which may come later: then the process id is answered, to resolve when the trace closes.
fn resource<'a>(
    ctx: &mut Ctx<'a, '_>,
    span: &mut RawSpan,
    process: &Lax<JProcess<'a>>,
    process_id: &Text<'a>,
    notes: &mut SpanNotes,
) -> Option<Cow<'a, str>> {
    let mut pending = None;
    span.resource = match (process, process_id) {
        (Lax::Ok(p), _) => ctx.process_resource(p),
        (_, Text::Str(pid)) => {
            pending = Some(pid.clone());
            NO_SPAN
        }
        _ => ctx.no_service(),
    };
    if matches!(process, Lax::Bad) {
        notes.input("\"process\" is not an object; ignored");
    }
    pending
}
