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

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::jaeger::{
    clip, extend_attrs, fix_event_times, otel_status, read_docs, run_seed, us_num_to_ns, DocReader, FxBuild, Keys,
    Lax, Mark, Parsed, Scalar, TraceIdCache, NO_TIME, decode_span_id,
};
use super::util::{Num, Text};
use super::ReadError;
use crate::model::builder::{RawSpan, SetBuilder};
use crate::model::ids::IdEncoding;
use crate::model::{
    span_flags, Attr, AttrValue, Event, Range32, SpanId, SpanKind, StatusCode, StrId, TraceId, WarningKind, NO_SPAN,
};

/// Reads Zipkin v2 JSON into the builder.
pub fn read(b: &mut SetBuilder, text: &str) -> Result<(), ReadError> {
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

fn cow<'a>(t: &Text<'a>) -> Cow<'a, str> {
    match t {
        Text::Str(s) => s.clone(),
        _ => Cow::Borrowed(""),
    }
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
        let keys = match self.keys {
            Some(k) => k,
            None => {
                let k = ZKeys {
                    base: Keys::new(b),
                    peer_service: b.strings.intern("peer.service"),
                    server_address: b.strings.intern("server.address"),
                    server_address_v6: b.strings.intern("server.address.ipv6"),
                    server_port: b.strings.intern("server.port"),
                    host_ip: b.strings.intern("host.ip"),
                    host_port: b.strings.intern("net.host.port"),
                };
                self.keys = Some(k);
                k
            }
        };
        let mut ctx = ZCtx { b, docs: self, keys, ignored: 0 };
        run_seed(text, ZNodeSeed { ctx: &mut ctx })?;
        if ctx.ignored > 0 {
            let n = ctx.ignored;
            ctx.b.warn(WarningKind::Input, NO_SPAN, format!("{n} JSON value(s) that are not Zipkin spans were ignored"));
        }
        Ok(())
    }

    fn rolled_back(&mut self, mark: &Mark) {
        let n = mark.resources as u32;
        self.res_cache.retain(|_, r| *r < n);
    }

    /// Flags the server halves of shared RPC spans.
    fn finish(&mut self, b: &mut SetBuilder, first_span: usize) {
        let spans = b.spans.get(first_span..).unwrap_or(&[]);
        let candidate = |s: &RawSpan| s.kind == SpanKind::Server && s.flags & span_flags::SHARED_SERVER == 0;
        // Server spans not already marked shared → whether a non-SERVER span shares the id.
        let mut servers: HashMap<(TraceId, SpanId), bool, FxBuild> = HashMap::default();
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
            attrs.push(Attr { key: self.keys.host_port, value: AttrValue::Int(p.min(i64::MAX as u64) as i64) });
        }
        let start = b.attrs.len();
        b.attrs.extend_from_slice(&attrs);
        let r = b.add_resource(service, Range32::new(start, b.attrs.len()), 0, StrId::EMPTY);
        self.docs.res_cache.insert(self.docs.scratch.clone(), r);
        r
    }
}

/// Walks arrays (of spans or of traces) and span objects.
struct ZNodeSeed<'c, 'b> {
    ctx: &'c mut ZCtx<'b>,
}

impl<'c, 'a, 'b> DeserializeSeed<'a> for ZNodeSeed<'c, 'b> {
    type Value = ();
    fn deserialize<D: Deserializer<'a>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
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
}

impl<'c, 'a, 'b> Visitor<'a> for ZNodeSeed<'c, 'b> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("Zipkin spans")
    }
    fn visit_seq<A: SeqAccess<'a>>(self, mut a: A) -> Result<(), A::Error> {
        while a.next_element_seed(ZNodeSeed { ctx: &mut *self.ctx })?.is_some() {}
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: Deserializer<'a>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        self.ctx.ignored += 1;
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        self.ctx.ignored += 1;
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        self.ctx.ignored += 1;
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        self.ctx.ignored += 1;
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        self.ctx.ignored += 1;
        Ok(())
    }
    fn visit_map<A: MapAccess<'a>>(self, mut map: A) -> Result<(), A::Error> {
        let ctx = self.ctx;
        let mut acc = ZAcc::default();
        while let Some(key) = map.next_key::<ZKey>()? {
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
                if let Some(slot) = slot {
                    if slot.is_none() {
                        *slot = Some(t);
                    }
                }
            }
            if out.core_service.is_none() && matches!(value, "cs" | "sr" | "cr" | "ss") {
                if let Lax::Ok(ep) = &ann.endpoint {
                    let svc = cow(&ep.service_name);
                    if !svc.trim().is_empty() {
                        out.core_service = Some(svc);
                    }
                }
            }
            let name = self.b.str_value(value);
            self.b.events.push(Event { time_ns: time.unwrap_or(NO_TIME), name, attrs: Range32::default(), dropped_attrs: 0 });
            i += 1;
        }
        out.range = Range32::new(start, self.b.events.len());
        Ok(out)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<AnnOut<'de>, A::Error> {
        while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(self.not_list())
    }
    fn visit_unit<E>(self) -> Result<AnnOut<'de>, E> {
        let n = self.b.events.len();
        Ok(AnnOut { range: Range32::new(n, n), ..AnnOut::default() })
    }
    fn visit_none<E>(self) -> Result<AnnOut<'de>, E> {
        let n = self.b.events.len();
        Ok(AnnOut { range: Range32::new(n, n), ..AnnOut::default() })
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<AnnOut<'de>, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E>(self, _: bool) -> Result<AnnOut<'de>, E> {
        Ok(self.not_list())
    }
    fn visit_i64<E>(self, _: i64) -> Result<AnnOut<'de>, E> {
        Ok(self.not_list())
    }
    fn visit_u64<E>(self, _: u64) -> Result<AnnOut<'de>, E> {
        Ok(self.not_list())
    }
    fn visit_f64<E>(self, _: f64) -> Result<AnnOut<'de>, E> {
        Ok(self.not_list())
    }
    fn visit_str<E>(self, _: &str) -> Result<AnnOut<'de>, E> {
        Ok(self.not_list())
    }
}

// ───────────────────────────── tags ─────────────────────────────

#[derive(Debug, Default)]
struct ZTagsOut {
    range: Range32,
    problems: Vec<String>,
}

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
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<ZTagsOut, A::Error> {
        while a.next_element::<IgnoredAny>()?.is_some() {}
        Ok(self.empty(Some("\"tags\" is not an object; ignored")))
    }
    fn visit_unit<E>(self) -> Result<ZTagsOut, E> {
        Ok(self.empty(None))
    }
    fn visit_none<E>(self) -> Result<ZTagsOut, E> {
        Ok(self.empty(None))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<ZTagsOut, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E>(self, _: bool) -> Result<ZTagsOut, E> {
        Ok(self.empty(Some("\"tags\" is not an object; ignored")))
    }
    fn visit_i64<E>(self, _: i64) -> Result<ZTagsOut, E> {
        Ok(self.empty(Some("\"tags\" is not an object; ignored")))
    }
    fn visit_u64<E>(self, _: u64) -> Result<ZTagsOut, E> {
        Ok(self.empty(Some("\"tags\" is not an object; ignored")))
    }
    fn visit_f64<E>(self, _: f64) -> Result<ZTagsOut, E> {
        Ok(self.empty(Some("\"tags\" is not an object; ignored")))
    }
    fn visit_str<E>(self, _: &str) -> Result<ZTagsOut, E> {
        Ok(self.empty(Some("\"tags\" is not an object; ignored")))
    }
}

// ───────────────────────────── one span ─────────────────────────────

fn bad_id(what: &str, text: &str) -> String {
    if text.trim().is_empty() {
        format!("{what} is missing")
    } else {
        format!("{what} {:?} is not valid hex; kept as given", clip(text.trim()))
    }
}

fn emit_span<'a>(ctx: &mut ZCtx<'_>, acc: ZAcc<'a>) {
    let keys = ctx.keys;
    let mut problems: Vec<(WarningKind, String)> = Vec::new();
    let mut flags: u16 = 0;
    let b = &mut *ctx.b;

    let tid_text = acc.trace_id.or_empty();
    let sid_text = acc.id.or_empty();
    let (trace_id, tid_ok) = ctx.docs.tids.get(tid_text, IdEncoding::Hex, b);
    let (span_id, sid_ok) = decode_span_id(sid_text, IdEncoding::Hex, b);
    if !tid_ok {
        flags |= span_flags::INVALID_ID;
        problems.push((WarningKind::InvalidId, bad_id("traceId", tid_text)));
    }
    if !sid_ok {
        flags |= span_flags::INVALID_ID;
        problems.push((WarningKind::InvalidId, bad_id("id", sid_text)));
    }
    let mut span = RawSpan::new(trace_id, span_id);

    if let Some(p) = acc.parent_id.as_str().map(str::trim).filter(|p| !p.is_empty()) {
        let (pid, ok) = decode_span_id(p, IdEncoding::Hex, b);
        if !ok {
            flags |= span_flags::INVALID_ID;
            problems.push((WarningKind::InvalidId, bad_id("parentId", p)));
        }
        // An all-zero parent id means "no parent".
        if pid != SpanId::Hex(0) {
            span.parent_id = Some(pid);
        }
    } else if matches!(acc.parent_id, Text::Other) {
        problems.push((WarningKind::Input, "parentId is not a string; ignored".to_string()));
    }

    span.name = b.strings.intern(acc.name.or_empty());
    span.kind = match &acc.kind {
        Text::Str(k) if !k.trim().is_empty() => {
            let kind = SpanKind::parse(k);
            if kind == SpanKind::Unspecified {
                problems.push((WarningKind::Input, format!("unknown kind {:?}; ignored", clip(k))));
            }
            kind
        }
        Text::Other => {
            problems.push((WarningKind::Input, "kind is not a string; ignored".to_string()));
            SpanKind::Unspecified
        }
        _ => SpanKind::Unspecified,
    };

    // Times, with the v1 core-annotation fallbacks.
    let ann = acc.annotations.unwrap_or_default();
    span.start_ns = match us_num_to_ns(acc.timestamp) {
        Parsed::Ns(t) => Some(t),
        Parsed::Missing => None,
        Parsed::Negative | Parsed::Bad => {
            problems.push((WarningKind::Input, format!("timestamp {} is not a valid time; treated as missing", show_num(acc.timestamp))));
            None
        }
    };
    if span.start_ns.is_none() && (ann.cs.is_some() || ann.sr.is_some()) {
        span.start_ns = ann.earliest;
    }
    span.duration_ns = match us_num_to_ns(acc.duration) {
        Parsed::Ns(d) => Some(d),
        Parsed::Missing => None,
        Parsed::Negative => {
            flags |= span_flags::NEGATIVE_DURATION;
            problems.push((WarningKind::NegativeDuration, format!("duration {} is negative; shown as 0", show_num(acc.duration))));
            Some(0)
        }
        Parsed::Bad => {
            problems.push((
                WarningKind::Input,
                format!("duration {} is not a number of microseconds; treated as missing", show_num(acc.duration)),
            ));
            None
        }
    };
    if span.duration_ns.is_none() && flags & span_flags::NEGATIVE_DURATION == 0 {
        span.duration_ns = match (ann.cs, ann.cr, ann.sr, ann.ss) {
            (Some(cs), Some(cr), _, _) if cr >= cs => Some(cr - cs),
            (_, _, Some(sr), Some(ss)) if ss >= sr => Some(ss - sr),
            _ => None,
        };
    }

    // Events.
    span.events = ann.range;
    fix_event_times(b, ann.range, span.start_ns);
    for p in ann.problems {
        problems.push((WarningKind::Input, p));
    }

    // Tags, then the remote endpoint as attributes right after them.
    let tags = acc.tags.unwrap_or_else(|| {
        let n = b.attrs.len();
        ZTagsOut { range: Range32::new(n, n), problems: Vec::new() }
    });
    for p in tags.problems {
        problems.push((WarningKind::Input, p));
    }
    let mut extra: Vec<Attr> = Vec::new();
    match &acc.remote {
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
                extra.push(Attr { key: keys.server_port, value: AttrValue::Int(p.min(i64::MAX as u64) as i64) });
            }
        }
        Lax::Bad => problems.push((WarningKind::Input, "remoteEndpoint is not an object; ignored".to_string())),
        Lax::Null => {}
    }
    span.attrs = extend_attrs(b, tags.range, &extra);

    // Error and status.
    let mut error = false;
    let mut error_msg = StrId::EMPTY;
    for a in &b.attrs[tags.range.range()] {
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
        flags |= span_flags::ERROR;
        span.status_message = if !desc.is_empty() { desc } else { error_msg };
    } else {
        span.status = code;
        span.status_message = desc;
    }

    let shared = match &acc.shared {
        Scalar::Bool(v) => *v,
        Scalar::Str(s) => s.trim().eq_ignore_ascii_case("true"),
        _ => false,
    };
    if shared && span.kind != SpanKind::Client {
        flags |= span_flags::SHARED_SERVER;
    }

    span.scope = b.empty_scope();
    span.flags = flags;

    // Resource: localEndpoint, with the service of a core annotation as a fallback.
    let local = match &acc.local {
        Lax::Ok(ep) => Some(ep),
        Lax::Bad => {
            problems.push((WarningKind::Input, "localEndpoint is not an object; ignored".to_string()));
            None
        }
        Lax::Null => None,
    };
    let mut service = local.map(|e| cow(&e.service_name)).unwrap_or(Cow::Borrowed(""));
    if service.trim().is_empty() {
        if let Some(s) = ann.core_service {
            service = s;
        }
    }
    span.resource = ctx.resource(&service, local);

    let b = &mut *ctx.b;
    let raw = b.push_span(span);
    let sid_show = span_id.to_text(&b.strings);
    for (kind, msg) in problems {
        b.warn(kind, raw, format!("span {sid_show}: {msg}"));
    }
}

fn show_num(n: Num) -> String {
    match n {
        Num::U(v) => v.to_string(),
        Num::I(v) => v.to_string(),
        Num::F(v) => v.to_string(),
        Num::Bad => "(not a number)".to_string(),
        Num::Null => "null".to_string(),
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
