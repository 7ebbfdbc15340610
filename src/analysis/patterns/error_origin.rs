//! `error_origin`: a trace's error spans in; for each error root (an error span whose
//! parent is not in error) the deepest error span below it through error links, the
//! chain between them and the origin's message out.

use super::{op, Ctx, Finding, PatternKind, MAX_FINDING_SPANS};
use crate::format::ellipsis;
use crate::model::{Span, TraceSet, NO_SPAN};

impl Ctx<'_, '_> {
    pub(super) fn error_origins(&mut self, range: std::ops::Range<usize>) {
        let set = self.set;
        let base = range.start;
        // best[i]: the deepest error span reachable from i through error parent→child links.
        let mut best: Vec<u32> = vec![NO_SPAN; range.len()];
        let better = |a: u32, b: u32| -> u32 {
            if a == NO_SPAN {
                return b;
            }
            if b == NO_SPAN {
                return a;
            }
            // Deeper wins; then the earlier start; then the smaller index.
            let key = |x: u32| {
                let s = &set.spans[x as usize];
                (std::cmp::Reverse(s.depth), s.start_ns, x)
            };
            if key(a) <= key(b) {
                a
            } else {
                b
            }
        };
        for i in range.clone().rev() {
            let s = &set.spans[i];
            if !s.is_error() {
                continue;
            }
            let k = i - base;
            if best[k] == NO_SPAN {
                best[k] = i as u32;
            }
            if s.parent != NO_SPAN && (s.parent as usize) >= base && (s.parent as usize) < i && set.spans[s.parent as usize].is_error() {
                let pk = s.parent as usize - base;
                best[pk] = better(best[pk], best[k]);
            }
        }
        for i in range {
            let s = &set.spans[i];
            if !s.is_error() {
                continue;
            }
            let parent_err = s.parent != NO_SPAN && set.spans.get(s.parent as usize).map(|p| p.is_error()).unwrap_or(false);
            if parent_err {
                continue;
            }
            let origin = best[i - base];
            if origin == NO_SPAN || !self.top.admits(PatternKind::ErrorOrigin, s.duration_ns) {
                continue;
            }
            // Chain from the origin up to this error root.
            let mut chain = vec![origin];
            let mut cur = origin;
            let mut hops = 0usize;
            while cur as usize != i && cur != NO_SPAN {
                cur = set.spans[cur as usize].parent;
                hops += 1;
                if cur != NO_SPAN && (chain.len() < MAX_FINDING_SPANS - 1 || cur as usize == i) {
                    chain.push(cur);
                }
                if hops > set.spans.len() {
                    break;
                }
            }
            let o = &set.spans[origin as usize];
            let why = error_text(set, o);
            let message = if origin as usize == i {
                format!("error originates in {}{}", op(set, o), why)
            } else {
                format!(
                    "error in {} is explained by {} ({} levels down){}",
                    op(set, s),
                    op(set, o),
                    o.depth.saturating_sub(s.depth),
                    why
                )
            };
            self.top.push(Finding {
                kind: PatternKind::ErrorOrigin,
                spans: chain,
                impact_ns: s.duration_ns,
                message,
                parent: if s.parent == NO_SPAN { NO_SPAN } else { s.parent },
            });
        }
    }
}

/// ": <status message or exception message>" or "".
fn error_text(set: &TraceSet, s: &Span) -> String {
    let mut msg = set.str(s.status_message).trim().to_string();
    if msg.is_empty() {
        for ev in set.events.get(s.events.range()).unwrap_or(&[]) {
            if let Some(a) = set.attrs.get(ev.attrs.range()).unwrap_or(&[]).iter().find(|a| {
                let k = set.str(a.key);
                k == "exception.message" || k == "message" || k == "error.message"
            }) {
                msg = set.value_text(a.value).trim().to_string();
                if !msg.is_empty() {
                    break;
                }
            }
        }
    }
    if msg.is_empty() {
        msg = text(set, s, "error.message").or_else(|| text(set, s, "exception.message")).or_else(|| text(set, s, "error.type")).unwrap_or_default();
    }
    if msg.is_empty() {
        String::new()
    } else {
        format!(": {}", ellipsis(&msg, 201))
    }
}

/// An attribute of the span (or its resource) as trimmed, non-empty text.
fn text(set: &TraceSet, s: &Span, key: &str) -> Option<String> {
    set.attr_text(s, key).map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}
