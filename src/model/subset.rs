//! A subset of a loaded set: a [`TraceSet`] and trace indices in; a new set holding only
//! those traces (in the given order) out, with every span index, parent, subtree end and
//! warning moved to its new place. The string, attribute, value, event, link, resource
//! and scope arenas are kept whole, so every `Range32` and `StrId` still holds. Set-level
//! warnings, the sources and the clock-skew state (with each kept span's shift and each
//! kept trace's moved count) stay. Used by `clew analyze --filter` and to run the set-wide
//! analyses over the traces a filter keeps.

use super::{arena, Range32, Trace, TraceSet, Warning, NO_SPAN};

/// The traces `keep` (indices into `set.traces`; unknown ones are skipped) as a set of their own.
pub fn subset(set: &TraceSet, keep: &[usize]) -> TraceSet {
    let mut out = TraceSet {
        strings: set.strings.clone(),
        attrs: set.attrs.clone(),
        values: set.values.clone(),
        events: set.events.clone(),
        links: set.links.clone(),
        resources: set.resources.clone(),
        scopes: set.scopes.clone(),
        sources: set.sources.clone(),
        ..TraceSet::default()
    };
    out.skew.adjusted = set.skew.adjusted;
    for &ti in keep {
        let Some(t) = set.traces.get(ti) else { continue };
        let Some(spans) = set.spans.get(t.spans.range()) else { continue };
        let (old, new) = (t.spans.start, arena::index_u32(out.spans.len()));
        let moved = |i: u32| if i == NO_SPAN { NO_SPAN } else { i.wrapping_sub(old).wrapping_add(new) };
        let trace_index = arena::index_u32(out.traces.len());
        for s in spans {
            let mut s = *s;
            s.trace = trace_index;
            s.parent = moved(s.parent);
            s.subtree_end = moved(s.subtree_end);
            out.spans.push(s);
        }
        if let Some(shifts) = set.skew.shift_ns.get(t.spans.range()) {
            out.skew.shift_ns.resize(out.spans.len() - spans.len(), 0);
            out.skew.shift_ns.extend_from_slice(shifts);
        }
        let w_start = out.warnings.len();
        for w in set.trace_warnings(t) {
            out.warnings.push(Warning { span: moved(w.span), ..w.clone() });
        }
        out.traces.push(Trace {
            spans: Range32 { start: new, len: t.spans.len },
            root: moved(t.root),
            warnings: Range32::new(w_start, out.warnings.len()),
            ..*t
        });
        if !set.skew.moved_per_trace.is_empty() {
            out.skew.moved_per_trace.push(set.skew.moved_per_trace.get(ti).copied().unwrap_or(0));
        }
    }
    if !out.skew.shift_ns.is_empty() {
        out.skew.shift_ns.resize(out.spans.len(), 0);
    }
    let s_start = out.warnings.len();
    out.warnings.extend(set.warnings[set.set_warnings.range()].iter().cloned());
    out.set_warnings = Range32::new(s_start, out.warnings.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{load, Format};

    #[test]
    fn a_subset_reads_like_a_load_of_those_traces() {
        // Two traces of two spans; keeping the second gives a set equal to loading it alone.
        let span = |t: u8, s: u8, p: Option<u8>| {
            let parent = p.map(|p| format!(r#""parentSpanId":"{p:016x}","#)).unwrap_or_default();
            format!(
                r#"{{"traceId":"{t:032x}","spanId":"{s:016x}",{parent}"name":"s{s}","startTimeUnixNano":"{}","endTimeUnixNano":"{}"}}"#,
                1000 * t as u64 + s as u64,
                2000 * t as u64
            )
        };
        let doc = |spans: &[String]| format!(r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{}]}}]}}]}}"#, spans.join(","));
        let both = doc(&[span(1, 1, None), span(1, 2, Some(1)), span(2, 3, None), span(2, 4, Some(3))]);
        let Ok(set) = load(&[("a.json", both.as_bytes())], Some(Format::Otlp)) else { panic!("loads") };
        let sub = subset(&set, &[1]);
        assert_eq!(sub.traces.len(), 1);
        assert_eq!(sub.spans.len(), 2);
        assert_eq!((sub.traces[0].root, sub.spans[1].parent, sub.spans[0].subtree_end), (0, 0, 2));
        assert_eq!(sub.spans.iter().map(|s| sub.name_of(s)).collect::<Vec<_>>(), ["s3", "s4"]);
        assert_eq!(sub.spans.iter().map(|s| s.trace).collect::<Vec<_>>(), [0, 0]);
    }
}
