//! The raw JSON of one span, for the detail panel's two tabs: a set and where its spans
//! lie in their inputs in; the span's exact input text (with where the parts its object
//! does not hold are written) and the span as Clew normalized it ([`RawSpanData`]) out.
//! The objects are read in two steps, so that the worker can read them from the inputs'
//! `Blob`s (which the page keeps anyway) instead of holding the inputs' bytes; natively
//! the bytes are at hand ([`LoadText`]).
//!
//! ```text
//! span ─▶ objects_to_read (SpanPlaces) ─▶ (input, offset) ─▶ read: object_text(bytes or a Blob's slice)
//!      ─▶ answer_from ─▶ InputText + notes;  model fields ─▶ normalized JSON (input order of attributes)
//! ```

use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::model::{span_flags, Attr, LinkKind, Range32, Span, TraceSet, NO_SPAN};
use crate::parse::places::{object_text, Place, SpanPlaces};

/// The inputs of one load as the worker keeps them: their bytes, in load order (as
/// `TraceSet::sources`), and where each span's object starts.
#[derive(Clone, Debug, Default)]
pub struct LoadText {
    pub places: SpanPlaces,
    pub inputs: Vec<Vec<u8>>,
}

/// The most bytes of a span's text the panel shows; the copy buttons copy all of it.
pub const SHOWN_BYTES: usize = 256 * 1024;

/// The part of `text` shown (at most [`SHOWN_BYTES`], cut at a character boundary), and
/// whether it was cut.
pub fn shown(text: &str) -> (&str, bool) {
    if text.len() <= SHOWN_BYTES {
        return (text, false);
    }
    let mut end = SHOWN_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (text.get(..end).unwrap_or_default(), true)
}

/// One span's exact text in its input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InputText {
    /// The input's name.
    pub source: String,
    /// The byte offset of the object's `{` in the input.
    pub offset: u64,
    pub text: String,
    /// Where the parts of the span that its object does not hold are written.
    pub notes: Vec<String>,
    /// Other objects of the input the span goes with (a shared span's other half):
    /// (what it is, its exact text).
    pub related: Vec<(String, String)>,
}

/// The two texts of the raw JSON tabs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RawSpanData {
    pub span: u32,
    /// The exact input text, or why there is none.
    pub input: Result<InputText, String>,
    /// The span as Clew normalized it, as pretty JSON.
    pub normalized: String,
}

/// A span's object as read from its input: the span, where it lies, its exact text.
pub type ReadObject = (u32, Place, String);

/// The objects to read for the raw JSON of `span`: its own, then the other halves of a
/// shared RPC span (each with a known place).
pub fn objects_to_read(set: &TraceSet, places: &SpanPlaces, span: u32) -> Vec<(u32, Place)> {
    let Some(s) = set.spans.get(span as usize) else { return Vec::new() };
    let own = places.place(set, span).map(|p| (span, p));
    let halves = shared_halves(set, span, s).into_iter().filter_map(|(o, _)| places.place(set, o).map(|p| (o, p)));
    own.into_iter().chain(halves).collect()
}

/// The raw JSON of span `span` (index into `set.spans`) over inputs kept in memory; `text`
/// is `None` when they were not kept.
pub fn answer(set: &TraceSet, text: Option<&LoadText>, span: u32) -> RawSpanData {
    let Some(t) = text else {
        let why = "The input text of this load is not kept, so its exact text cannot be shown.".to_string();
        return RawSpanData { span, input: Err(why), normalized: normalized_json(set, span) };
    };
    let read: Vec<ReadObject> = objects_to_read(set, &t.places, span)
        .into_iter()
        .filter_map(|(s, p)| Some((s, p, object_text(t.inputs.get(p.input)?, p.start)?.to_string())))
        .collect();
    answer_from(set, &t.places, span, &read)
}

/// The raw JSON of span `span`, from the objects read for it ([`objects_to_read`]).
pub fn answer_from(set: &TraceSet, places: &SpanPlaces, span: u32, read: &[ReadObject]) -> RawSpanData {
    let input = match set.spans.get(span as usize) {
        None => Err(format!("There is no span {span} in the loaded set.")),
        Some(_) if places.place(set, span).is_none() => Err("Clew did not record where this span lies in its input (its \
            object's first key is written with escapes, or the object has no key), so its exact text cannot be shown."
            .to_string()),
        Some(s) => match read.iter().find(|(o, _, _)| *o == span) {
            None => Err("The span's object could not be read from its input.".to_string()),
            Some((_, place, object)) => Ok(input_text(set, span, s, *place, object, read)),
        },
    };
    RawSpanData { span, input, normalized: normalized_json(set, span) }
}

fn input_text(set: &TraceSet, span: u32, s: &Span, place: Place, object: &str, read: &[ReadObject]) -> InputText {
    let source = set.sources.get(place.input);
    let format = source.map(|x| x.format.as_str()).unwrap_or("");
    let mut notes = Vec::new();
    let mut related = Vec::new();
    match format {
        "otlp" => {
            let scope = set.scopes.get(s.scope as usize).map(|sc| set.str(sc.name)).filter(|n| !n.is_empty());
            let scope = scope.map(|n| format!(" and scope {n}")).unwrap_or_default();
            notes.push(format!(
                "Its resource (service {}){scope} are written in the enclosing resourceSpans and scopeSpans objects, not in the span object.",
                set.service_of(s)
            ));
        }
        "jaeger" | "jaeger-proto" => {
            let value: serde_json::Value = serde_json::from_str(object).unwrap_or_default();
            let pid = ["processID", "processId", "process_id"].iter().find_map(|k| value.get(*k).and_then(|v| v.as_str()));
            if let (Some(pid), None) = (pid, value.get("process")) {
                notes.push(format!("Process {pid} is defined in the trace's processes map, not in the span object."));
            }
            if ["traceID", "traceId", "trace_id"].iter().all(|k| value.get(*k).is_none()) {
                notes.push("Its trace id is written in the enclosing trace object.".to_string());
            }
        }
        _ => {}
    }
    // A Zipkin shared RPC span: the client and server halves are two objects with one id.
    for (other, what) in shared_halves(set, span, s) {
        notes.push(format!("This span is the {what} of a shared RPC span whose other half is written as its own object, shown below."));
        if let Some((_, p, t)) = read.iter().find(|(o, _, _)| *o == other) {
            let name = set.sources.get(p.input).map(|x| x.name.as_str()).unwrap_or("");
            related.push((format!("The other half, at byte {} of {name}", p.start), t.clone()));
        }
    }
    InputText {
        source: source.map(|x| x.name.clone()).unwrap_or_default(),
        offset: u64::from(place.start),
        text: object.to_string(),
        notes,
        related,
    }
}

/// The other halves of a shared RPC span `span`, with what `span` is: its parent when it
/// is the server half, its server-half children when it is the client half.
fn shared_halves(set: &TraceSet, span: u32, s: &Span) -> Vec<(u32, &'static str)> {
    let mut out = Vec::new();
    if s.has(span_flags::SHARED_SERVER) {
        if s.parent != NO_SPAN && set.spans.get(s.parent as usize).is_some_and(|p| p.span_id == s.span_id) {
            out.push((s.parent, "server half"));
        }
        return out;
    }
    for c in span.saturating_add(1)..s.subtree_end {
        if let Some(cs) = set.spans.get(c as usize)
            && cs.parent == span
            && cs.span_id == s.span_id
            && cs.has(span_flags::SHARED_SERVER)
        {
            out.push((c, "client half"));
        }
    }
    out
}

/// Attributes as a JSON object, in their order.
struct Attrs<'a>(&'a TraceSet, &'a [Attr]);

impl Serialize for Attrs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.1.len()))?;
        for a in self.1 {
            m.serialize_entry(self.0.str(a.key), &self.0.value_json(a.value))?;
        }
        m.end()
    }
}

#[derive(Serialize)]
struct Status<'a> {
    code: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct NEvent<'a> {
    time_ns: u64,
    name: &'a str,
    attributes: Attrs<'a>,
    dropped_attributes: u32,
}

#[derive(Serialize)]
struct NLink<'a> {
    trace_id: String,
    span_id: String,
    kind: &'static str,
    trace_state: &'a str,
    attributes: Attrs<'a>,
    dropped_attributes: u32,
}

#[derive(Serialize)]
struct NResource<'a> {
    service: &'a str,
    attributes: Attrs<'a>,
    dropped_attributes: u32,
    schema_url: &'a str,
}

#[derive(Serialize)]
struct NScope<'a> {
    name: &'a str,
    version: &'a str,
    attributes: Attrs<'a>,
}

#[derive(Serialize)]
struct NWarning<'a> {
    kind: &'static str,
    message: &'a str,
}

/// A span as Clew holds it, field by field.
#[derive(Serialize)]
struct Normalized<'a> {
    trace_id: String,
    span_id: String,
    parent_id: Option<String>,
    service: &'a str,
    name: &'a str,
    kind: &'static str,
    start_ns: u64,
    end_ns: u64,
    duration_ns: u64,
    /// Added to the recorded start (and the events' times) by the clock-skew adjustment;
    /// absent when the span did not move.
    #[serde(skip_serializing_if = "Option::is_none")]
    skew_shift_ns: Option<i64>,
    status: Status<'a>,
    attributes: Attrs<'a>,
    resource: Option<NResource<'a>>,
    scope: Option<NScope<'a>>,
    events: Vec<NEvent<'a>>,
    links: Vec<NLink<'a>>,
    trace_state: &'a str,
    w3c_flags: u32,
    dropped_attributes: u32,
    dropped_events: u32,
    dropped_links: u32,
    flags: Vec<&'static str>,
    warnings: Vec<NWarning<'a>>,
}

/// The names of the flags set on a span.
fn flag_names(s: &Span) -> Vec<&'static str> {
    const NAMES: [(u16, &str); 13] = [
        (span_flags::ERROR, "error"),
        (span_flags::ORPHAN, "orphan"),
        (span_flags::CLOCK_SKEW, "clock_skew"),
        (span_flags::MISSING_TIMESTAMP, "missing_timestamp"),
        (span_flags::MISSING_DURATION, "missing_duration"),
        (span_flags::FOLLOWS_FROM, "follows_from"),
        (span_flags::DUPLICATE_ID, "duplicate_id"),
        (span_flags::CYCLE, "cycle"),
        (span_flags::NEGATIVE_DURATION, "negative_duration"),
        (span_flags::INVALID_ID, "invalid_id"),
        (span_flags::SHARED_SERVER, "shared_server"),
        (span_flags::SELF_PARENT, "self_parent"),
        (span_flags::SKEW_ADJUSTED, "skew_adjusted"),
    ];
    NAMES.iter().filter(|(f, _)| s.has(*f)).map(|(_, n)| *n).collect()
}

/// The span as Clew normalized it, as pretty JSON ("" for an unknown span).
pub fn normalized_json(set: &TraceSet, span: u32) -> String {
    let Some(s) = set.spans.get(span as usize) else { return String::new() };
    let attrs = |r: Range32| Attrs(set, set.attrs.get(r.range()).unwrap_or_default());
    let trace_id = set.traces.get(s.trace as usize).map(|t| t.trace_id.to_text(&set.strings)).unwrap_or_default();
    let warnings = set.traces.get(s.trace as usize).map(|t| set.trace_warnings(t)).unwrap_or_default();
    let n = Normalized {
        trace_id,
        span_id: s.span_id.to_text(&set.strings),
        parent_id: s.parent_id.map(|p| p.to_text(&set.strings)),
        service: set.service_of(s),
        name: set.name_of(s),
        kind: s.kind.as_str(),
        start_ns: s.start_ns,
        end_ns: s.end_ns(),
        duration_ns: s.duration_ns,
        skew_shift_ns: Some(set.skew.shift_of(span)).filter(|&d| set.skew.adjusted && d != 0),
        status: Status { code: s.status.as_str(), message: set.str(s.status_message) },
        attributes: attrs(s.attrs),
        resource: set.resources.get(s.resource as usize).map(|r| NResource {
            service: set.str(r.service),
            attributes: attrs(r.attrs),
            dropped_attributes: r.dropped_attrs,
            schema_url: set.str(r.schema_url),
        }),
        scope: set.scopes.get(s.scope as usize).map(|sc| NScope { name: set.str(sc.name), version: set.str(sc.version), attributes: attrs(sc.attrs) }),
        events: set
            .events
            .get(s.events.range())
            .unwrap_or_default()
            .iter()
            .map(|e| NEvent { time_ns: e.time_ns, name: set.str(e.name), attributes: attrs(e.attrs), dropped_attributes: e.dropped_attrs })
            .collect(),
        links: set
            .links
            .get(s.links.range())
            .unwrap_or_default()
            .iter()
            .map(|l| NLink {
                trace_id: l.trace_id.to_text(&set.strings),
                span_id: l.span_id.to_text(&set.strings),
                kind: match l.kind {
                    LinkKind::Link => "link",
                    LinkKind::FollowsFrom => "follows_from",
                    LinkKind::ChildOf => "child_of",
                },
                trace_state: set.str(l.trace_state),
                attributes: attrs(l.attrs),
                dropped_attributes: l.dropped_attrs,
            })
            .collect(),
        trace_state: set.str(s.trace_state),
        w3c_flags: s.w3c_flags,
        dropped_attributes: s.dropped_attrs,
        dropped_events: s.dropped_events,
        dropped_links: s.dropped_links,
        flags: flag_names(s),
        warnings: warnings.iter().filter(|w| w.span == span).map(|w| NWarning { kind: w.kind.as_str(), message: &w.message }).collect(),
    };
    serde_json::to_string_pretty(&n).unwrap_or_default()
}
