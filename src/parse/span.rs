//! Span helpers common to the readers: attributes and events already in the builder's
//! arenas in, a span's status, relocated attribute ranges and event times out; and
//! [`SpanNotes`], which gathers a span's flags and problems while it is converted and
//! turns them into warnings on the pushed span.

use crate::model::builder::{RawSpan, SetBuilder};
use crate::model::ids::IdEncoding;
use crate::model::{span_flags, Attr, AttrValue, Range32, StatusCode, StrId, WarningKind};

use super::ids::{bad_id_message, span_id, TraceIdCache};
use super::time::Parsed;

/// Keys that drive span semantics, interned once per read.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Keys {
    pub(crate) span_kind: StrId,
    pub(crate) error: StrId,
    pub(crate) status_code: StrId,
    pub(crate) status_description: StrId,
    pub(crate) event: StrId,
    pub(crate) message: StrId,
    pub(crate) log: StrId,
}

impl Keys {
    pub(crate) fn new(b: &mut SetBuilder) -> Keys {
        Keys {
            span_kind: b.strings.intern("span.kind"),
            error: b.strings.intern("error"),
            status_code: b.strings.intern("otel.status_code"),
            status_description: b.strings.intern("otel.status_description"),
            event: b.strings.intern("event"),
            message: b.strings.intern("message"),
            log: b.strings.intern("log"),
        }
    }
}

/// The attributes of `range` (empty if the range is not in the arena).
pub(crate) fn attrs_in(b: &SetBuilder, range: Range32) -> &[Attr] {
    b.attrs.get(range.range()).unwrap_or_default()
}

/// Status read from `otel.status_code` / `otel.status_description` attributes.
pub(crate) fn otel_status(b: &SetBuilder, keys: &Keys, attrs: Range32) -> (StatusCode, StrId) {
    let mut code = StatusCode::Unset;
    let mut msg = StrId::EMPTY;
    for a in attrs_in(b, attrs) {
        if a.key == keys.status_code {
            match a.value {
                AttrValue::Str(s) => {
                    let t = b.strings.get(s).trim();
                    if t.eq_ignore_ascii_case("ERROR") || t.eq_ignore_ascii_case("STATUS_CODE_ERROR") {
                        code = StatusCode::Error;
                    } else if (t.eq_ignore_ascii_case("OK") || t.eq_ignore_ascii_case("STATUS_CODE_OK")) && code != StatusCode::Error {
                        code = StatusCode::Ok;
                    }
                }
                AttrValue::Int(2) => code = StatusCode::Error,
                AttrValue::Int(1) if code != StatusCode::Error => code = StatusCode::Ok,
                _ => {}
            }
        } else if a.key == keys.status_description
            && let AttrValue::Str(s) = a.value
        {
            msg = s;
        }
    }
    (code, msg)
}

/// Makes `extra` attributes follow the span's own range: pushes them at the end of
/// the arena, moving the existing range there first if something was pushed after it.
pub(crate) fn extend_attrs(b: &mut SetBuilder, range: Range32, extra: &[Attr]) -> Range32 {
    if extra.is_empty() {
        return range;
    }
    let own = range.range();
    let start = if range.is_empty() {
        b.attrs.len()
    } else if own.end != b.attrs.len() {
        let start = b.attrs.len();
        if own.end <= start {
            b.attrs.extend_from_within(own);
        }
        start
    } else {
        own.start
    };
    b.attrs.extend_from_slice(extra);
    Range32::new(start, b.attrs.len())
}

/// Events without a timestamp carry this until their span's start is known.
pub(crate) const NO_TIME: u64 = u64::MAX;

/// Gives timeless events of a span its start (or 0).
pub(crate) fn fix_event_times(b: &mut SetBuilder, events: Range32, start: Option<u64>) {
    for e in b.events.get_mut(events.range()).unwrap_or_default() {
        if e.time_ns == NO_TIME {
            e.time_ns = start.unwrap_or(0);
        }
    }
}

/// A raw span with its own ids decoded, the trace id through `tids`. Each id is given
/// as (field name, text); one that does not decode is noted under its field name.
pub(crate) fn new_span(
    b: &mut SetBuilder,
    tids: &mut TraceIdCache,
    enc: IdEncoding,
    trace: (&str, &str),
    span: (&str, &str),
    notes: &mut SpanNotes,
) -> RawSpan {
    let (trace_id, tid_ok) = tids.get(trace.1, enc, b);
    let (id, sid_ok) = span_id(span.1, enc, b);
    if !tid_ok {
        notes.bad_id(trace.0, trace.1, enc);
    }
    if !sid_ok {
        notes.bad_id(span.0, span.1, enc);
    }
    RawSpan::new(trace_id, id)
}

/// The flags and problems found while one span is converted.
#[derive(Debug, Default)]
pub(crate) struct SpanNotes {
    pub(crate) flags: u16,
    problems: Vec<(WarningKind, String)>,
}

impl SpanNotes {
    pub(crate) fn warn(&mut self, kind: WarningKind, message: String) {
        self.problems.push((kind, message));
    }
    /// A problem with an input value (the span still loads).
    pub(crate) fn input(&mut self, message: impl Into<String>) {
        self.problems.push((WarningKind::Input, message.into()));
    }
    /// An id field `what` whose `text` did not decode: flags the span and says why.
    pub(crate) fn bad_id(&mut self, what: &str, text: &str, enc: IdEncoding) {
        self.flags |= span_flags::INVALID_ID;
        self.problems.push((WarningKind::InvalidId, bad_id_message(what, text, enc)));
    }
    /// A span's start time; an unreadable one (`field` shown as `shown`) is missing.
    pub(crate) fn start_time(&mut self, field: &str, parsed: Parsed, shown: impl FnOnce() -> String) -> Option<u64> {
        match parsed {
            Parsed::Ns(t) => Some(t),
            Parsed::Missing => None,
            Parsed::Negative | Parsed::Bad => {
                self.input(format!("{field} {} is not a valid time; treated as missing", shown()));
                None
            }
        }
    }
    /// A span's duration in µs on the wire: a negative one is 0 and flagged, an
    /// unreadable one is missing.
    pub(crate) fn duration(&mut self, parsed: Parsed, shown: impl FnOnce() -> String) -> Option<u64> {
        match parsed {
            Parsed::Ns(d) => Some(d),
            Parsed::Missing => None,
            Parsed::Negative => {
                self.flags |= span_flags::NEGATIVE_DURATION;
                self.warn(WarningKind::NegativeDuration, format!("duration {} is negative; shown as 0", shown()));
                Some(0)
            }
            Parsed::Bad => {
                self.input(format!("duration {} is not a number of microseconds; treated as missing", shown()));
                None
            }
        }
    }
    /// Pushes the span with the gathered flags, and each problem as a warning on it
    /// (`span <id>: …`). Returns the raw span's index.
    pub(crate) fn push_span(self, b: &mut SetBuilder, mut span: RawSpan) -> u32 {
        span.flags = self.flags;
        let span_id = span.span_id;
        let raw = b.push_span(span);
        // The span id is formatted only for spans that have something to say.
        if !self.problems.is_empty() {
            let sid_show = span_id.to_text(&b.strings);
            for (kind, msg) in self.problems {
                b.warn(kind, raw, format!("span {sid_show}: {msg}"));
            }
        }
        raw
    }
}
