//! Deep links: the view state in, a URL hash fragment out, and back.
//!
//! `#trace=<hex>&span=<hex>&zoom=<start_ns>-<end_ns>&find=<query>&only=1` — zoom
//! offsets are from the trace start; values are percent-encoded. With many traces
//! loaded, `filter=<query>` keeps the trace list's filter, and `view=list` says the
//! list (not a trace) is shown. `skew=0` says the clock-skew adjustment is off (it is on
//! by default, and only the off state is written).

use crate::url::{decode_component, encode_component};

/// What the hash remembers.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeepLink {
    pub trace: Option<String>,
    pub span: Option<String>,
    /// Zoom window as offsets from the trace start, ns.
    pub zoom: Option<(u64, u64)>,
    pub find: Option<String>,
    pub only_matching: bool,
    /// The selected tab, by its short name.
    pub tab: Option<String>,
    /// The trace list's filter.
    pub filter: Option<String>,
    /// The trace list is shown.
    pub list: bool,
    /// The clock-skew adjustment is off (`skew=0`).
    pub skew_off: bool,
}

impl DeepLink {
    /// The fragment without the leading `#` (empty when nothing is set).
    pub fn to_hash(&self) -> String {
        let mut parts = Vec::new();
        if self.list {
            parts.push("view=list".to_string());
        }
        if let Some(f) = self.filter.as_ref().filter(|f| !f.is_empty()) {
            parts.push(format!("filter={}", encode_component(f)));
        }
        if let Some(t) = &self.tab {
            parts.push(format!("tab={}", encode_component(t)));
        }
        if let Some(t) = &self.trace {
            parts.push(format!("trace={}", encode_component(t)));
        }
        if let Some(s) = &self.span {
            parts.push(format!("span={}", encode_component(s)));
        }
        if let Some((a, b)) = self.zoom {
            parts.push(format!("zoom={a}-{b}"));
        }
        if let Some(f) = &self.find
            && !f.is_empty() {
                parts.push(format!("find={}", encode_component(f)));
            }
        if self.only_matching {
            parts.push("only=1".to_string());
        }
        if self.skew_off {
            parts.push("skew=0".to_string());
        }
        parts.join("&")
    }

    /// Parses a fragment (with or without `#`); unknown keys are ignored.
    pub fn from_hash(h: &str) -> DeepLink {
        let mut d = DeepLink::default();
        for part in h.trim_start_matches('#').split('&') {
            let Some((k, v)) = part.split_once('=') else { continue };
            let v = decode_component(v);
            match k {
                "trace" if !v.is_empty() => d.trace = Some(v),
                "span" if !v.is_empty() => d.span = Some(v),
                "tab" if !v.is_empty() => d.tab = Some(v),
                "find" if !v.is_empty() => d.find = Some(v),
                "only" => d.only_matching = v == "1",
                "filter" if !v.is_empty() => d.filter = Some(v),
                "view" => d.list = v == "list",
                "skew" => d.skew_off = v == "0",
                "zoom" => {
                    if let Some((a, b)) = v.split_once('-')
                        && let (Ok(a), Ok(b)) = (a.parse::<u64>(), b.parse::<u64>())
                            && b > a {
                                d.zoom = Some((a, b));
                            }
                }
                _ => {}
            }
        }
        d
    }
}
