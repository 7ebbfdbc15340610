//! OTLP JSON export: a [`TraceSet`] and the traces to export in, one OTLP/JSON document
//! (`{"resourceSpans":[…]}`) and the list of ids that had to change out.
//!
//! What Clew holds is written back as read: raw start times (a clock-skew adjustment is
//! taken out),
//! durations as `endTimeUnixNano`, kinds and status codes as OTLP numbers, attributes
//! with their types, events, links, dropped counts, trace state and flags, each
//! resource and scope with theirs. Spans keep the set's order (traces by start,
//! each in pre-order); consecutive spans of one resource and scope share a
//! `resourceSpans` entry, so loading the file back gives the same order. A span's
//! parent is written as its parent in the set (a cut cycle or a self-parent is not
//! written back; an orphan keeps the id of its missing parent). A resource named by
//! something other than `service.name` (Jaeger's process, Zipkin's endpoint) gets a
//! `service.name` attribute. Ids are made valid by [`super::ids`].

use serde_json::{json, Map, Value};

use crate::export::ids::{IdChange, IdMap};
use crate::model::{AttrValue, Attr, TraceSet, NO_SPAN};
use crate::model::builder::UNKNOWN_SERVICE;

/// An OTLP JSON document and the ids it changed.
pub struct OtlpExport {
    pub json: String,
    /// Sorted by kind, trace and original id.
    pub id_changes: Vec<IdChange>,
}

/// Exports the traces `traces` (indices into `set.traces`; every trace when `None`).
pub fn export(set: &TraceSet, traces: Option<&[usize]>) -> OtlpExport {
    let all: Vec<usize> = (0..set.traces.len()).collect();
    let traces = traces.unwrap_or(&all);
    let mut ids = IdMap::new(set, traces);
    let mut blocks: Vec<Value> = Vec::new();
    // The open resourceSpans entry: (resource, scope) and its spans.
    let mut open: Option<(u32, u32, Vec<Value>)> = None;
    for &ti in traces {
        let Some(t) = set.traces.get(ti) else { continue };
        let tid = ids.trace[ti];
        for i in t.spans.range() {
            let s = &set.spans[i];
            let parent = if s.parent != NO_SPAN {
                Some(ids.span[s.parent as usize])
            } else {
                // An orphan keeps its missing parent's id; a cut cycle or self-parent drops it.
                s.parent_id.filter(|p| set.find_span(ti, p).is_none()).map(|p| ids.span_ref(tid, p, set))
            };
            let mut o = Map::new();
            o.insert("traceId".into(), format!("{tid:032x}").into());
            o.insert("spanId".into(), format!("{:016x}", ids.span[i]).into());
            if let Some(p) = parent {
                o.insert("parentSpanId".into(), format!("{p:016x}").into());
            }
            put_str(&mut o, "traceState", set.str(s.trace_state));
            if s.w3c_flags != 0 {
                o.insert("flags".into(), s.w3c_flags.into());
            }
            o.insert("name".into(), set.str(s.name).into());
            o.insert("kind".into(), (s.kind as u8).into());
            // The times as recorded: a clock-skew shift (`analysis::skew`) is taken out.
            let unshift = set.skew.shift_of(crate::model::arena::index_u32(i)).saturating_neg();
            let start_ns = crate::analysis::skew::shifted(s.start_ns, unshift);
            o.insert("startTimeUnixNano".into(), start_ns.to_string().into());
            o.insert("endTimeUnixNano".into(), start_ns.saturating_add(s.duration_ns).to_string().into());
            o.insert("attributes".into(), attrs(set, &set.attrs[s.attrs.range()]));
            put_count(&mut o, "droppedAttributesCount", s.dropped_attrs);
            let events: Vec<Value> = set.events[s.events.range()]
                .iter()
                .map(|e| {
                    let mut ev = Map::new();
                    ev.insert("timeUnixNano".into(), crate::analysis::skew::shifted(e.time_ns, unshift).to_string().into());
                    ev.insert("name".into(), set.str(e.name).into());
                    ev.insert("attributes".into(), attrs(set, &set.attrs[e.attrs.range()]));
                    put_count(&mut ev, "droppedAttributesCount", e.dropped_attrs);
                    Value::Object(ev)
                })
                .collect();
            if !events.is_empty() {
                o.insert("events".into(), events.into());
            }
            put_count(&mut o, "droppedEventsCount", s.dropped_events);
            let mut links = Vec::new();
            for l in &set.links[s.links.range()] {
                let ltid = ids.trace_id(set, l.trace_id);
                let mut lo = Map::new();
                lo.insert("traceId".into(), format!("{ltid:032x}").into());
                lo.insert("spanId".into(), format!("{:016x}", ids.span_ref(ltid, l.span_id, set)).into());
                put_str(&mut lo, "traceState", set.str(l.trace_state));
                lo.insert("attributes".into(), attrs(set, &set.attrs[l.attrs.range()]));
                put_count(&mut lo, "droppedAttributesCount", l.dropped_attrs);
                links.push(Value::Object(lo));
            }
            if !links.is_empty() {
                o.insert("links".into(), links.into());
            }
            put_count(&mut o, "droppedLinksCount", s.dropped_links);
            let mut status = Map::new();
            status.insert("code".into(), (s.status as u8).into());
            put_str(&mut status, "message", set.str(s.status_message));
            o.insert("status".into(), Value::Object(status));
            match &mut open {
                Some((r, sc, spans)) if *r == s.resource && *sc == s.scope => spans.push(Value::Object(o)),
                _ => {
                    if let Some((r, sc, spans)) = open.take() {
                        blocks.push(block(set, r, sc, spans));
                    }
                    open = Some((s.resource, s.scope, vec![Value::Object(o)]));
                }
            }
        }
    }
    if let Some((r, sc, spans)) = open.take() {
        blocks.push(block(set, r, sc, spans));
    }
    let json = json!({ "resourceSpans": blocks }).to_string();
    let mut id_changes = std::mem::take(&mut ids.changes);
    id_changes.sort();
    OtlpExport { json, id_changes }
}

/// One `resourceSpans` entry: the resource, one scope and its spans.
fn block(set: &TraceSet, resource: u32, scope: u32, spans: Vec<Value>) -> Value {
    let mut res = Map::new();
    let mut scope_spans = Map::new();
    let mut rs = Map::new();
    if let Some(r) = set.resources.get(resource as usize) {
        let own = &set.attrs[r.attrs.range()];
        let service = set.str(r.service);
        let mut list = match attrs(set, own) {
            Value::Array(a) => a,
            _ => Vec::new(),
        };
        let named = own.iter().any(|a| set.str(a.key) == "service.name");
        if !named && service != UNKNOWN_SERVICE {
            list.insert(0, json!({ "key": "service.name", "value": { "stringValue": service } }));
        }
        res.insert("attributes".into(), list.into());
        put_count(&mut res, "droppedAttributesCount", r.dropped_attrs);
        put_str(&mut rs, "schemaUrl", set.str(r.schema_url));
    }
    if let Some(sc) = set.scopes.get(scope as usize) {
        let mut so = Map::new();
        so.insert("name".into(), set.str(sc.name).into());
        put_str(&mut so, "version", set.str(sc.version));
        so.insert("attributes".into(), attrs(set, &set.attrs[sc.attrs.range()]));
        put_count(&mut so, "droppedAttributesCount", sc.dropped_attrs);
        scope_spans.insert("scope".into(), Value::Object(so));
        put_str(&mut scope_spans, "schemaUrl", set.str(sc.schema_url));
    }
    scope_spans.insert("spans".into(), spans.into());
    rs.insert("resource".into(), Value::Object(res));
    rs.insert("scopeSpans".into(), vec![Value::Object(scope_spans)].into());
    Value::Object(rs)
}

fn put_str(o: &mut Map<String, Value>, key: &str, v: &str) {
    if !v.is_empty() {
        o.insert(key.into(), v.into());
    }
}

fn put_count(o: &mut Map<String, Value>, key: &str, n: u32) {
    if n != 0 {
        o.insert(key.into(), n.into());
    }
}

/// `[{key, value}]` in OTLP's AnyValue form.
fn attrs(set: &TraceSet, list: &[Attr]) -> Value {
    Value::Array(list.iter().map(|a| json!({ "key": set.str(a.key), "value": any_value(set, a.value) })).collect())
}

/// A value as OTLP's AnyValue; arrays and key-value lists are built with an explicit stack.
fn any_value(set: &TraceSet, v: AttrValue) -> Value {
    enum Frame {
        Enter(AttrValue),
        Array(usize),
        KvList(Vec<String>),
    }
    let mut stack = vec![Frame::Enter(v)];
    let mut out: Vec<Value> = Vec::new();
    while let Some(f) = stack.pop() {
        match f {
            Frame::Enter(v) => match v {
                AttrValue::Str(s) => out.push(json!({ "stringValue": set.str(s) })),
                AttrValue::Bytes(s) => out.push(json!({ "bytesValue": set.str(s) })),
                AttrValue::Bool(b) => out.push(json!({ "boolValue": b })),
                AttrValue::Int(i) => out.push(json!({ "intValue": i.to_string() })),
                AttrValue::Double(d) => out.push(json!({ "doubleValue": double(d) })),
                AttrValue::Empty => out.push(json!({})),
                AttrValue::Array(r) => {
                    let items = &set.values[r.range()];
                    stack.push(Frame::Array(items.len()));
                    stack.extend(items.iter().rev().map(|&i| Frame::Enter(i)));
                }
                AttrValue::KvList(r) => {
                    let items = &set.attrs[r.range()];
                    stack.push(Frame::KvList(items.iter().map(|a| set.str(a.key).to_string()).collect()));
                    stack.extend(items.iter().rev().map(|a| Frame::Enter(a.value)));
                }
            },
            Frame::Array(n) => {
                let items = out.split_off(out.len().saturating_sub(n));
                out.push(json!({ "arrayValue": { "values": items } }));
            }
            Frame::KvList(keys) => {
                let items = out.split_off(out.len().saturating_sub(keys.len()));
                let values: Vec<Value> = keys.into_iter().zip(items).map(|(k, v)| json!({ "key": k, "value": v })).collect();
                out.push(json!({ "kvlistValue": { "values": values } }));
            }
        }
    }
    out.pop().unwrap_or_else(|| json!({}))
}

/// A double as JSON: a number, or proto3 JSON's text for the values JSON has no number for.
fn double(d: f64) -> Value {
    match serde_json::Number::from_f64(d) {
        Some(n) => Value::Number(n),
        None if d.is_nan() => "NaN".into(),
        None if d > 0.0 => "Infinity".into(),
        None => "-Infinity".into(),
    }
}
