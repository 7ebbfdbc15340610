//! Zipkin v2 JSON reader: text in (an array of spans, a single span object, the array
//! of arrays from `/api/v2/traces`, or JSON Lines of those), raw spans, attributes,
//! events and resources pushed into a [`SetBuilder`] out. Times are µs on the wire.
//!
//! * Every element of the input array is one span. The server half of a shared RPC
//!   span (`shared: true` on a non-CLIENT span, or kind SERVER when another span of the
//!   read has the same trace and span id and is not SERVER) is flagged
//!   `SHARED_SERVER`; the builder makes it the child of the client half.
//! * `localEndpoint` becomes the resource (`service.name`, `host.ip` as an array of
//!   the ipv4/ipv6 given, `net.host.port`), deduplicated within one read. Without a
//!   service name there, the endpoint of a v1-style core annotation (sr/ss/cs/cr) names
//!   the service. `remoteEndpoint` becomes span attributes: `peer.service`,
//!   `server.address` (ipv4, else ipv6; `server.address.ipv6` when both), `server.port`.
//! * Annotations are events (name = value). A span without `timestamp` but with cs/sr
//!   annotations starts at the earliest annotation; a missing `duration` comes from
//!   cr−cs or ss−sr. v1-style annotations never split a span.
//! * Tags are string attributes. An `error` tag (any value, even empty) or
//!   `otel.status_code=ERROR` makes the span an error; `otel.status_code=OK` is Ok.
//! * Bad values become `input` warnings on their span; the span still loads.
//! * `debug` (a sampling hint) is not kept; unknown keys are ignored.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use rustc_hash::FxHashMap;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::docs::{read_docs, run_seed, DocReader, Mark, NodeSeed, Nodes};
use super::ids::{span_id, TraceIdCache};
use super::lax::Lax;
use super::places::{self, FirstKey};
use super::scalars::{clip, skip_map, skip_seq, visit_nulls, visit_scalars, Num, Scalar, Text};
use super::span::{attrs_in, extend_attrs, fix_event_times, new_span, otel_status, Keys, SpanNotes, NO_TIME};
use super::time::{us_num_to_ns, Parsed};
use super::ReadError;
use crate::model::builder::{RawSpan, SetBuilder};
use crate::model::ids::IdEncoding;
use crate::model::{
    span_flags, Attr, AttrValue, Event, Range32, SpanId, SpanKind, StatusCode, StrId, TraceId, WarningKind, NO_SPAN,
};

/// Reads Zipkin v2 JSON into the builder.
pub(crate) fn read(b: &mut SetBuilder, text: &str) -> Result<(), ReadError> {
    let mut docs = ZipkinDocs { res_cache: HashMap::new(), scratch: String::new(), keys: None, tids: TraceIdCache::default() };
    read_docs(b, text, &mut docs)
}

/// An endpoint as written.
#[derive(Deserialize, Default, Debug)]
#[serde(default)]
struct Endpoint<'a> {
    #[serde(borrow, rename = "serviceName", alias = "service_name")]
    service_name: Text<'a>,
    #[serde(borrow)]
    ipv4: Text<'a>,
    #[serde(borrow)]
    ipv6: Text<'a>,
    port: Num,
}

/// One annotation as written.
#[derive(Deserialize, Default, Debug)]
#[serde(default)]
struct Annotation<'a> {
    timestamp: Num,
    #[serde(borrow)]
    value: Text<'a>,
    #[serde(borrow)]
    endpoint: Lax<Endpoint<'a>>,
}

struct ZipkinDocs {
    /// "service \x1f ipv4 \x1f ipv6 \x1f port" → resource. Owned keys: borrowing
    /// them from the input would make every lookup a cache miss far behind the cursor.
    res_cache: HashMap<String, u32>,
    /// Reused to build lookup keys without allocating.
    scratch: String,
    keys: Option<ZKeys>,
    tids: TraceIdCache,
}

/// Interned keys used per span.
#[derive(Clone, Copy, Debug)]
struct ZKeys {
    base: Keys,
    peer_service: StrId,
    server_address: StrId,
    server_address_v6: StrId,
    server_port: StrId,
    host_ip: StrId,
    host_port: StrId,
}

impl<'a> DocReader<'a> for ZipkinDocs {
    fn read_doc(&mut self, b: &mut SetBuilder, text: &'a str) -> Result<(), serde_json::Error> {
        let keys = *self.keys.get_or_insert_with(|| ZKeys {
            base: Keys::new(b),
            peer_service: b.strings.intern("peer.service"),
            server_address: b.strings.intern("server.address"),
            server_address_v6: b.strings.intern("server.address.ipv6"),
            server_port: b.strings.intern("server.port"),
            host_ip: b.strings.intern("host.ip"),
            host_port: b.strings.intern("net.host.port"),
        });
        let mut ctx = ZCtx { b, docs: self, keys, ignored: 0 };
        run_seed(text, NodeSeed(&mut ctx))?;
        if ctx.ignored > 0 {
            let n = ctx.ignored;
            ctx.b.warn(WarningKind::Input, NO_SPAN, format!("{n} JSON value(s) that are not Zipkin spans were ignored"));
        }
        Ok(())
    }

    fn rolled_back(&mut self, mark: &Mark) {
        self.res_cache.retain(|_, r| mark.keeps_resource(*r));
    }

    /// Flags the server halves of shared RPC spans.
    fn finish(&mut self, b: &mut SetBuilder, first_span: usize) {
        let spans = b.spans.get(first_span..).unwrap_or(&[]);
        let candidate = |s: &RawSpan| s.kind == SpanKind::Server && s.flags & span_flags::SHARED_SERVER == 0;
        // Server spans not already marked shared → whether a non-SERVER span shares the id.
        let mut servers: FxHashMap<(TraceId, SpanId), bool> = FxHashMap::default();
        for s in spans.iter().filter(|s| candidate(s)) {
            servers.insert((s.trace_id, s.span_id), false);
        }
        if servers.is_empty() {
            return;
        }
        for s in spans.iter().filter(|s| s.kind != SpanKind::Server) {
            if let Some(v) = servers.get_mut(&(s.trace_id, s.span_id)) {
                *v = true;
            }
        }
        for s in b.spans.iter_mut().skip(first_span) {
            if candidate(s) && servers.get(&(s.trace_id, s.span_id)).copied().unwrap_or(false) {
                s.flags |= span_flags::SHARED_SERVER;
            }
        }
    }
}

struct ZCtx<'b> {
    b: &'b mut SetBuilder,
    docs: &'b mut ZipkinDocs,
    keys: ZKeys,
    ignored: u32,
}

impl ZCtx<'_> {
    /// The (deduplicated) resource of a local endpoint.
    fn resource(&mut self, service: &str, ep: Option<&Endpoint>) -> u32 {
        let (v4, v6, port) = match ep {
            Some(e) => (e.ipv4.or_empty(), e.ipv6.or_empty(), e.port.as_u64()),
            None => ("", "", None),
        };
        let key = &mut self.docs.scratch;
        key.clear();
        for part in [service, v4, v6] {
            key.push_str(part);
            key.push('\u{1f}');
        }
        if let Some(p) = port {
            key.push_str(&p.to_string());
        }
        if let Some(&r) = self.docs.res_cache.get(key.as_str()) {
            return r;
        }
        let b = &mut *self.b;
        let mut attrs: Vec<Attr> = Vec::new();
        let ips: Vec<&str> = [v4, v6].into_iter().filter(|s| !s.trim().is_empty()).collect();
        if !ips.is_empty() {
            let vstart = b.values.len();
            for ip in &ips {
                let v = AttrValue::Str(b.str_value(ip));
                b.values.push(v);
            }
            attrs.push(Attr { key: self.keys.host_ip, value: AttrValue::Array(Range32::new(vstart, b.values.len())) });
        }
        if let Some(p) = port {
            attrs.push(Attr { key: self.keys.host_port, value: AttrValue::Int(i64::try_from(p).unwrap_or(i64::MAX)) });
        }
        let start = b.attrs.len();
        b.attrs.extend_from_slice(&attrs);
        let r = b.add_resource(service, Range32::new(start, b.attrs.len()), 0, StrId::EMPTY);
        self.docs.res_cache.insert(self.docs.scratch.clone(), r);
        r
    }
}

#[derive(Deserialize)]
#[serde(field_identifier)]
enum ZKey {
    #[serde(rename = "traceId", alias = "trace_id", alias = "traceID")]
    TraceId,
    #[serde(rename = "id", alias = "spanId", alias = "span_id")]
    Id,
    #[serde(rename = "parentId", alias = "parent_id")]
    ParentId,
    #[serde(rename = "name")]
    Name,
    #[serde(rename = "kind")]
    Kind,
    #[serde(rename = "timestamp")]
    Timestamp,
    #[serde(rename = "duration")]
    Duration,
    #[serde(rename = "localEndpoint", alias = "local_endpoint")]
    LocalEndpoint,
    #[serde(rename = "remoteEndpoint", alias = "remote_endpoint")]
    RemoteEndpoint,
    #[serde(rename = "annotations")]
    Annotations,
    #[serde(rename = "tags")]
    Tags,
    #[serde(rename = "shared")]
    Shared,
    #[serde(other)]
    Other,
}

/// Fields of one span, gathered while its object is read.
#[derive(Default)]
struct ZAcc<'a> {
    trace_id: Text<'a>,
    id: Text<'a>,
    parent_id: Text<'a>,
    name: Text<'a>,
    kind: Text<'a>,
    timestamp: Num,
    duration: Num,
    local: Lax<Endpoint<'a>>,
    remote: Lax<Endpoint<'a>>,
    annotations: Option<AnnOut<'a>>,
    tags: Option<ZTagsOut>,
    shared: Scalar<'a>,
    any_key: bool,
    /// The text of the object's first key, for its place in the input.
    at: Option<&'a str>,
}

/// Arrays (of spans or of traces) are walked; every object is a span.
impl<'a> Nodes<'a> for ZCtx<'_> {
    const EXPECTING: &'static str = "Zipkin spans";
    fn stray_scalar(&mut self) {
        self.ignored += 1;
    }
    fn object<A: MapAccess<'a>>(&mut self, mut map: A) -> Result<(), A::Error> {
        let ctx = self;
        let mut acc = ZAcc::default();
        let mut first = FirstKey::default();
        while let Some(key) = first.next_key::<ZKey, _>(&mut map)? {
            match key {
                ZKey::TraceId => acc.trace_id = map.next_value()?,
                ZKey::Id => acc.id = map.next_value()?,
                ZKey::ParentId => acc.parent_id = map.next_value()?,
                ZKey::Name => acc.name = map.next_value()?,
                ZKey::Kind => acc.kind = map.next_value()?,
                ZKey::Timestamp => acc.timestamp = map.next_value()?,
                ZKey::Duration => acc.duration = map.next_value()?,
                ZKey::LocalEndpoint => acc.local = map.next_value()?,
                ZKey::RemoteEndpoint => acc.remote = map.next_value()?,
                ZKey::Annotations => acc.annotations = Some(map.next_value_seed(AnnSeed { b: &mut *ctx.b })?),
                ZKey::Tags => acc.tags = Some(map.next_value_seed(ZTagsSeed { b: &mut *ctx.b })?),
                ZKey::Shared => acc.shared = map.next_value()?,
                ZKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            }
            acc.any_key = true;
        }
        if acc.any_key {
            acc.at = first.text();
            emit_span(ctx, acc);
        } else {
            ctx.ignored += 1;
        }
        Ok(())
    }
}

// ───────────────────────────── annotations ─────────────────────────────

/// What a streamed annotation list produced.
#[derive(Debug, Default)]
struct AnnOut<'a> {
    range: Range32,
    problems: Vec<String>,
    cs: Option<u64>,
    sr: Option<u64>,
    cr: Option<u64>,
    ss: Option<u64>,
    earliest: Option<u64>,
    /// Service of the first core annotation's endpoint.
    core_service: Option<Cow<'a, str>>,
}

struct AnnSeed<'c> {
    b: &'c mut SetBuilder,
}

impl<'de, 'c> DeserializeSeed<'de> for AnnSeed<'c> {
    type Value = AnnOut<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<AnnOut<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, 'c> AnnSeed<'c> {
    fn not_list(&self) -> AnnOut<'de> {
        let n = self.b.events.len();
        AnnOut {
            range: Range32::new(n, n),
            problems: vec!["\"annotations\" is not a list; ignored".to_string()],
            ..AnnOut::default()
        }
    }
}

impl<'de, 'c> Visitor<'de> for AnnSeed<'c> {
    type Value = AnnOut<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of annotations")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<AnnOut<'de>, A::Error> {
        let start = self.b.events.len();
        let mut out = AnnOut::default();
        let mut i = 0usize;
        while let Some(ann) = a.next_element::<Lax<Annotation<'de>>>()? {
            let Lax::Ok(ann) = ann else {
                out.problems.push(format!("annotations[{i}] is not an object; ignored"));
                i += 1;
                continue;
            };
            let value = ann.value.or_empty();
            let time = match us_num_to_ns(ann.timestamp) {
                Parsed::Ns(t) => Some(t),
                Parsed::Missing => {
                    out.problems.push(format!("annotations[{i}] ({:?}) has no timestamp; shown at the span's start", clip(value)));
                    None
                }
                Parsed::Negative | Parsed::Bad => {
                    out.problems.push(format!(
                        "annotations[{i}] ({:?}) has a timestamp that is not a valid time; shown at the span's start",
                        clip(value)
                    ));
                    None
                }
            };
            if let Some(t) = time {
                out.earliest = Some(out.earliest.map_or(t, |e: u64| e.min(t)));
                let slot = match value {
                    "cs" => Some(&mut out.cs),
                    "sr" => Some(&mut out.sr),
                    "cr" => Some(&mut out.cr),
                    "ss" => Some(&mut out.ss),
                    _ => None,
                };
                if let Some(slot) = slot
                    && slot.is_none()
                {
                    *slot = Some(t);
                }
            }
            if out.core_service.is_none()
                && matches!(value, "cs" | "sr" | "cr" | "ss")
                && let Lax::Ok(ep) = &ann.endpoint
            {
                let svc = ep.service_name.to_cow();
                if !svc.trim().is_empty() {
                    out.core_service = Some(svc);
                }
            }
            let name = self.b.str_value(value);
            self.b.events.push(Event { time_ns: time.unwrap_or(NO_TIME), name, attrs: Range32::default(), dropped_attrs: 0 });
            i += 1;
        }
        out.range = Range32::new(start, self.b.events.len());
        Ok(out)
    }
    fn visit_map<A: MapAccess<'de>>(self, a: A) -> Result<AnnOut<'de>, A::Error> {
        skip_map(a).map(|()| self.not_list())
    }
    visit_nulls!(|s| AnnOut { range: Range32::new(s.b.events.len(), s.b.events.len()), ..AnnOut::default() });
    visit_scalars!(|s| s.not_list());
}

// ───────────────────────────── tags ─────────────────────────────

#[derive(Debug, Default)]
struct ZTagsOut {
    range: Range32,
    problems: Vec<String>,
}

/// Why a `tags` value that is not an object is ignored.
const TAGS_NOT_AN_OBJECT: &str = "\"tags\" is not an object; ignored";

/// Streams `tags: {key: "value"}` into `b.attrs` as string attributes.
struct ZTagsSeed<'c> {
    b: &'c mut SetBuilder,
}

impl<'de, 'c> DeserializeSeed<'de> for ZTagsSeed<'c> {
    type Value = ZTagsOut;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<ZTagsOut, D::Error> {
        d.deserialize_any(self)
    }
}

impl ZTagsSeed<'_> {
    fn empty(&self, problem: Option<&str>) -> ZTagsOut {
        let n = self.b.attrs.len();
        ZTagsOut { range: Range32::new(n, n), problems: problem.map(|p| vec![p.to_string()]).unwrap_or_default() }
    }
}

impl<'de, 'c> Visitor<'de> for ZTagsSeed<'c> {
    type Value = ZTagsOut;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map of tags")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<ZTagsOut, A::Error> {
        let start = self.b.attrs.len();
        let mut problems = Vec::new();
        while let Some(k) = a.next_key::<Text<'de>>()? {
            let v: Scalar<'de> = a.next_value()?;
            let key = self.b.strings.intern(k.or_empty());
            let value = match &v {
                Scalar::Str(s) => AttrValue::Str(self.b.str_value(s)),
                Scalar::Null => AttrValue::Empty,
                Scalar::Other => {
                    problems.push(format!("tag {:?} is an object or array, not a string; kept empty", clip(k.or_empty())));
                    AttrValue::Empty
                }
                other => match other.text() {
                    Some(t) => AttrValue::Str(self.b.str_value(&t)),
                    None => AttrValue::Empty,
                },
            };
            self.b.attrs.push(Attr { key, value });
        }
        Ok(ZTagsOut { range: Range32::new(start, self.b.attrs.len()), problems })
    }
    fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<ZTagsOut, A::Error> {
        skip_seq(a).map(|()| self.empty(Some(TAGS_NOT_AN_OBJECT)))
    }
    visit_nulls!(|s| s.empty(None));
    visit_scalars!(|s| s.empty(Some(TAGS_NOT_AN_OBJECT)));
}

// ───────────────────────────── one span ─────────────────────────────

/// Turns the gathered fields of one span into a raw span and its warnings.
fn emit_span(ctx: &mut ZCtx<'_>, acc: ZAcc<'_>) {
    let mut notes = SpanNotes::default();
    let mut span = span_with_parent(ctx, &acc.trace_id, &acc.id, &acc.parent_id, &mut notes);
    span.name = ctx.b.strings.intern(acc.name.or_empty());
    span.kind = kind(&acc.kind, &mut notes);
    let ann = acc.annotations.unwrap_or_default();
    times(&mut span, acc.timestamp, acc.duration, &ann, &mut notes);
    span.events = ann.range;
    fix_event_times(ctx.b, ann.range, span.start_ns);
    for p in ann.problems {
        notes.input(p);
    }
    tags_and_status(ctx.b, &ctx.keys, &mut span, acc.tags, &acc.remote, &mut notes);
    let shared = match &acc.shared {
        Scalar::Bool(v) => *v,
        Scalar::Str(s) => s.trim().eq_ignore_ascii_case("true"),
        _ => false,
    };
    if shared && span.kind != SpanKind::Client {
        notes.flags |= span_flags::SHARED_SERVER;
    }
    span.scope = ctx.b.empty_scope();
    // Resource: localEndpoint, with the service of a core annotation as a fallback.
    let local = match &acc.local {
        Lax::Ok(ep) => Some(ep),
        Lax::Bad => {
            notes.input("localEndpoint is not an object; ignored");
            None
        }
        Lax::Null => None,
    };
    let mut service = local.map(|e| e.service_name.to_cow()).unwrap_or(Cow::Borrowed(""));
    if service.trim().is_empty()
        && let Some(s) = ann.core_service
    {
        service = s;
    }
    span.resource = ctx.resource(&service, local);
    let raw = notes.push_span(ctx.b, span);
    places::note(ctx.b, raw, acc.at);
}

/// The span with its ids decoded; an all-zero parent id means "no parent".
fn span_with_parent(ctx: &mut ZCtx<'_>, tid: &Text, sid: &Text, parent: &Text, notes: &mut SpanNotes) -> RawSpan {
    let enc = IdEncoding::Hex;
    let ids = (("traceId", tid.or_empty()), ("id", sid.or_empty()));
    let mut span = new_span(ctx.b, &mut ctx.docs.tids, enc, ids.0, ids.1, notes);
    if let Some(p) = parent.as_str().map(str::trim).filter(|p| !p.is_empty()) {
        let (pid, ok) = span_id(p, enc, ctx.b);
        if !ok {
            notes.bad_id("parentId", p, enc);
        }
        if pid != SpanId::Hex(0) {
            span.parent_id = Some(pid);
        }
    } else if matches!(parent, Text::Other) {
        notes.input("parentId is not a string; ignored");
    }
    span
}

fn kind(kind: &Text, notes: &mut SpanNotes) -> SpanKind {
    match kind {
        Text::Str(k) if !k.trim().is_empty() => {
            let kind = SpanKind::parse(k);
            if kind == SpanKind::Unspecified {
                notes.input(format!("unknown kind {:?}; ignored", clip(k)));
            }
            kind
        }
        Text::Other => {
            notes.input("kind is not a string; ignored");
            SpanKind::Unspecified
        }
        _ => SpanKind::Unspecified,
    }
}

/// Start and duration, with the v1 core-annotation fallbacks: the earliest annotation
/// when cs/sr are there, and cr−cs or ss−sr.
fn times(span: &mut RawSpan, timestamp: Num, duration: Num, ann: &AnnOut, notes: &mut SpanNotes) {
    span.start_ns = notes.start_time("timestamp", us_num_to_ns(timestamp), || timestamp.show());
    if span.start_ns.is_none() && (ann.cs.is_some() || ann.sr.is_some()) {
        span.start_ns = ann.earliest;
    }
    span.duration_ns = notes.duration(us_num_to_ns(duration), || duration.show());
    if span.duration_ns.is_none() && notes.flags & span_flags::NEGATIVE_DURATION == 0 {
        span.duration_ns = match (ann.cs, ann.cr, ann.sr, ann.ss) {
            (Some(cs), Some(cr), _, _) if cr >= cs => Some(cr - cs),
            (_, _, Some(sr), Some(ss)) if ss >= sr => Some(ss - sr),
            _ => None,
        };
    }
}

/// The remote endpoint as attributes: `peer.service`, `server.address` (ipv4, else
/// ipv6; `server.address.ipv6` when both), `server.port`.
fn remote_attrs(b: &mut SetBuilder, keys: &ZKeys, remote: &Lax<Endpoint>, notes: &mut SpanNotes) -> Vec<Attr> {
    let mut extra: Vec<Attr> = Vec::new();
    match remote {
        Lax::Ok(ep) => {
            if let Some(s) = ep.service_name.as_str().filter(|s| !s.trim().is_empty()) {
                extra.push(Attr { key: keys.peer_service, value: AttrValue::Str(b.str_value(s)) });
            }
            let v4 = ep.ipv4.as_str().filter(|s| !s.trim().is_empty());
            let v6 = ep.ipv6.as_str().filter(|s| !s.trim().is_empty());
            if let Some(a) = v4.or(v6) {
                extra.push(Attr { key: keys.server_address, value: AttrValue::Str(b.str_value(a)) });
            }
            if let (Some(_), Some(a6)) = (v4, v6) {
                extra.push(Attr { key: keys.server_address_v6, value: AttrValue::Str(b.str_value(a6)) });
            }
            if let Some(p) = ep.port.as_u64() {
                extra.push(Attr { key: keys.server_port, value: AttrValue::Int(i64::try_from(p).unwrap_or(i64::MAX)) });
            }
        }
        Lax::Bad => notes.input("remoteEndpoint is not an object; ignored"),
        Lax::Null => {}
    }
    extra
}

/// Tags, then the remote endpoint as attributes right after them; an `error` tag (any
/// value) or `otel.status_code=ERROR` makes the span an error.
fn tags_and_status(
    b: &mut SetBuilder,
    keys: &ZKeys,
    span: &mut RawSpan,
    tags: Option<ZTagsOut>,
    remote: &Lax<Endpoint>,
    notes: &mut SpanNotes,
) {
    let tags = tags.unwrap_or_else(|| {
        let n = b.attrs.len();
        ZTagsOut { range: Range32::new(n, n), problems: Vec::new() }
    });
    for p in tags.problems {
        notes.input(p);
    }
    let extra = remote_attrs(b, keys, remote, notes);
    span.attrs = extend_attrs(b, tags.range, &extra);
    let mut error = false;
    let mut error_msg = StrId::EMPTY;
    for a in attrs_in(b, tags.range) {
        if a.key == keys.base.error {
            error = true;
            if let AttrValue::Str(s) = a.value {
                error_msg = s;
            }
        }
    }
    let (code, desc) = otel_status(b, &keys.base, tags.range);
    if error || code == StatusCode::Error {
        span.status = StatusCode::Error;
        notes.flags |= span_flags::ERROR;
        span.status_message = if !desc.is_empty() { desc } else { error_msg };
    } else {
        span.status = code;
        span.status_message = desc;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TraceSet;

    fn load(text: &str) -> TraceSet {
        let mut b = SetBuilder::new();
        read(&mut b, text).expect("reads");
        b.finish()
    }

    #[test]
    fn shared_pair_is_parent_and_child() {
        let set = load(
            r#"[{"traceId":"a","id":"1","kind":"CLIENT","name":"c","timestamp":10,"duration":100,"localEndpoint":{"serviceName":"x"}},
               {"traceId":"a","id":"1","kind":"SERVER","name":"s","timestamp":20,"duration":50,"localEndpoint":{"serviceName":"y"}},
               {"traceId":"a","id":"2","parentId":"1","name":"db","timestamp":30,"duration":5,"localEndpoint":{"serviceName":"y"}}]"#,
        );
        assert_eq!(set.spans.len(), 3);
        assert!(!set.warnings.iter().any(|w| w.kind == WarningKind::DuplicateSpanId));
        let server = set.spans.iter().position(|s| s.kind == SpanKind::Server).expect("server");
        let client = set.spans.iter().position(|s| s.kind == SpanKind::Client).expect("client");
        assert!(set.spans[server].has(span_flags::SHARED_SERVER));
        assert_eq!(set.spans[server].parent, client as u32);
        let db = set.spans.iter().position(|s| set.name_of(s) == "db").expect("db");
        assert_eq!(set.spans[db].parent, server as u32);
    }

    #[test]
    fn error_tag_empty_value_counts() {
        let set = load(r#"{"traceId":"a","id":"1","timestamp":1,"duration":1,"tags":{"error":""}}"#);
        assert!(set.spans[0].is_error());
        assert_eq!(set.traces[0].errors, 1);
    }

    #[test]
    fn remote_endpoint_becomes_attributes() {
        let set = load(
            r#"[{"traceId":"a","id":"1","timestamp":1,"duration":1,"localEndpoint":{"serviceName":"x","ipv4":"1.2.3.4","port":80},
                 "remoteEndpoint":{"serviceName":"db","ipv4":"5.6.7.8","ipv6":"::1","port":5432},"tags":{"k":"v"}}]"#,
        );
        let s = &set.spans[0];
        assert_eq!(set.attr_text(s, "k").as_deref(), Some("v"));
        assert_eq!(set.attr_text(s, "peer.service").as_deref(), Some("db"));
        assert_eq!(set.attr_text(s, "server.address").as_deref(), Some("5.6.7.8"));
        assert_eq!(set.attr_text(s, "server.address.ipv6").as_deref(), Some("::1"));
        assert_eq!(set.attr(s, "server.port"), Some(AttrValue::Int(5432)));
        assert_eq!(set.attr_text(s, "host.ip").as_deref(), Some("[\"1.2.3.4\"]"));
        assert_eq!(set.service_of(s), "x");
    }

    #[test]
    fn v1_annotations_give_times_and_service() {
        let set = load(
            r#"[{"traceId":"a","id":"1","name":"get","annotations":[
                 {"timestamp":100,"value":"cs","endpoint":{"serviceName":"front"}},
                 {"timestamp":180,"value":"cr","endpoint":{"serviceName":"front"}}]}]"#,
        );
        let s = &set.spans[0];
        assert_eq!(s.start_ns, 100_000);
        assert_eq!(s.duration_ns, 80_000);
        assert_eq!(set.service_of(s), "front");
        assert!(!s.has(span_flags::MISSING_TIMESTAMP));
        assert_eq!(set.events[s.events.range()].len(), 2);
    }

    #[test]
    fn bad_values_become_warnings() {
        let set = load(r#"[{"traceId":"a","id":"1","timestamp":"soon","duration":"long","tags":[1],"annotations":{},"kind":"SIDEWAYS"}]"#);
        assert_eq!(set.spans.len(), 1);
        let n = set.warnings.iter().filter(|w| w.kind == WarningKind::Input).count();
        assert_eq!(n, 5, "{:?}", set.warnings);
    }
}
