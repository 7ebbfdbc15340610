//! Embedding options: the page's query string in, what the embedded view shows out.
//!
//! ```text
//! ?embed=1 | ?uiEmbed=v0      hide the top chrome (file buttons, paste, theme, brand)
//! ?tabs=0                     with embed: hide the tabs too (no top bar at all)
//! ?theme=light|dark | ?uiTheme=light|dark   force the theme (not stored)
//! ?trace=<id>                 select this trace (hex trace id) after loading
//! ?find=<query> | ?uiFind=    pre-fill the find box
//! ?url=<http(s) URL>          load a trace at start (read by the loader)
//! ?origins=<origin>,<origin>  the only host origins whose postMessage calls are handled
//! ?view=<tab>                 open this view (waterfall, critical-path, graph, …)
//! ?span=<id>                  select this span (and open its detail)
//! ?uiTimelineHideMinimap=1    Jaeger UI: no minimap over the waterfall
//! ?uiTimelineCollapseTitle=1  Jaeger UI: the trace header starts collapsed to its title line
//! ?uiTimelineHideSummary=1    Jaeger UI: no summary facts (start, duration, counts) in the header
//! ?backend=jaeger|tempo|zipkin&base=<URL>   connect to a backend; with trace= fetch that trace,
//!                             with q= (Tempo TraceQL) or service= search it
//! ```
//! The URL hash (deep link) wins over `trace`, `find`, `view` and `span` when both are given.

use crate::url::decode_component;

/// A theme forced by the URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ForcedTheme {
    Light,
    Dark,
}

/// Options read from the query string.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EmbedParams {
    /// Hide the top chrome.
    pub embed: bool,
    /// Show the tabs (only meaningful with `embed`; default true).
    pub tabs: bool,
    pub theme: Option<ForcedTheme>,
    /// Trace id as lower-case hex, leading zeros as given.
    pub trace: Option<String>,
    pub find: Option<String>,
    /// The view to open (a tab name; names no tab knows are ignored by the app).
    pub view: Option<String>,
    /// A span id to select, lower case.
    pub span: Option<String>,
    pub hide_minimap: bool,
    pub collapse_title: bool,
    pub hide_summary: bool,
    /// `backend=`, lower case (the app checks the name).
    pub backend: Option<String>,
    /// `base=`: the backend's base URL, as given.
    pub base: Option<String>,
    /// `q=`: a search query (Tempo TraceQL).
    pub q: Option<String>,
    /// `service=`: search this service.
    pub service: Option<String>,
    /// Host origins allowed to post (`scheme://host[:port]`, lower case, no trailing `/`);
    /// `None` when the parameter is absent (every parent or opener may post).
    pub origins: Option<Vec<String>>,
}

fn truthy(v: &str) -> bool {
    !matches!(v.trim().to_ascii_lowercase().as_str(), "" | "0" | "false" | "no" | "off")
}

/// `https://a.example, https://b.example/` → `["https://a.example", "https://b.example"]`.
/// An empty list (`origins=`) lets no host in.
fn parse_origins(v: &str) -> Vec<String> {
    let mut out: Vec<String> =
        v.split(',').map(|o| o.trim().trim_end_matches('/').to_ascii_lowercase()).filter(|o| !o.is_empty()).collect();
    out.sort();
    out.dedup();
    out
}

impl EmbedParams {
    /// Parses a query string (with or without `?`). Unknown keys are ignored; for a
    /// key given twice the last one wins.
    pub fn from_query(q: &str) -> EmbedParams {
        let mut p = EmbedParams { tabs: true, ..EmbedParams::default() };
        for part in q.trim_start_matches('?').split('&') {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            let v = decode_component(v);
            match k {
                // `?embed` alone means on.
                "embed" => p.embed = part == "embed" || truthy(&v),
                // Jaeger UI: uiEmbed=v0.
                "uiEmbed" => p.embed = v.trim() == "v0" || truthy(&v),
                "tabs" => p.tabs = truthy(&v),
                "theme" | "uiTheme" => {
                    p.theme = match v.trim().to_ascii_lowercase().as_str() {
                        "light" => Some(ForcedTheme::Light),
                        "dark" => Some(ForcedTheme::Dark),
                        _ => None,
                    }
                }
                "trace" | "traceId" => {
                    let t = v.trim().to_ascii_lowercase();
                    p.trace = (!t.is_empty()).then_some(t);
                }
                "find" | "uiFind" => p.find = (!v.trim().is_empty()).then_some(v),
                "origins" => p.origins = Some(parse_origins(&v)),
                "view" => {
                    let t = v.trim().to_ascii_lowercase();
                    p.view = (!t.is_empty()).then_some(t);
                }
                "span" | "spanId" => {
                    let t = v.trim().to_ascii_lowercase();
                    p.span = (!t.is_empty()).then_some(t);
                }
                "backend" => p.backend = Some(v.trim().to_ascii_lowercase()).filter(|b| !b.is_empty()),
                "base" => p.base = Some(v.trim().to_string()).filter(|b| !b.is_empty()),
                "q" => p.q = Some(v.trim().to_string()).filter(|b| !b.is_empty()),
                "service" => p.service = Some(v.trim().to_string()).filter(|b| !b.is_empty()),
                "uiTimelineHideMinimap" => p.hide_minimap = truthy(&v),
                "uiTimelineCollapseTitle" => p.collapse_title = truthy(&v),
                "uiTimelineHideSummary" => p.hide_summary = truthy(&v),
                _ => {}
            }
        }
        p
    }

    /// Whether the top bar is shown at all.
    pub fn show_topbar(&self) -> bool {
        !self.embed || self.tabs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_show_everything() {
        let p = EmbedParams::from_query("");
        assert_eq!(p, EmbedParams { tabs: true, ..EmbedParams::default() });
        assert!(p.show_topbar());
    }

    #[test]
    fn embed_theme_trace_and_find() {
        let p = EmbedParams::from_query("?embed=1&theme=dark&trace=0AF7651916CD43DD8448EB211C80319C&find=service%3Dapi+x&url=http%3A%2F%2Fa");
        assert!(p.embed && p.tabs);
        assert_eq!(p.theme, Some(ForcedTheme::Dark));
        assert_eq!(p.trace.as_deref(), Some("0af7651916cd43dd8448eb211c80319c"));
        assert_eq!(p.find.as_deref(), Some("service=api x"));
        assert!(p.show_topbar());
    }

    #[test]
    fn tabs_off_hides_the_bar_only_when_embedded() {
        assert!(!EmbedParams::from_query("embed=1&tabs=0").show_topbar());
        assert!(EmbedParams::from_query("tabs=0").show_topbar());
        assert!(EmbedParams::from_query("embed").embed);
        assert!(!EmbedParams::from_query("embed=0").embed);
        assert!(!EmbedParams::from_query("embed=false").embed);
    }

    #[test]
    fn jaeger_ui_aliases() {
        let p = EmbedParams::from_query("uiEmbed=v0&uiTheme=light&uiFind=error");
        assert!(p.embed);
        assert_eq!(p.theme, Some(ForcedTheme::Light));
        assert_eq!(p.find.as_deref(), Some("error"));
    }

    #[test]
    fn origins_are_a_normalized_list() {
        assert_eq!(EmbedParams::from_query("").origins, None);
        let p = EmbedParams::from_query("origins=https%3A%2F%2FGrafana.example%2F,%20https://ops.example:8443,,https://ops.example:8443");
        assert_eq!(p.origins, Some(vec!["https://grafana.example".to_string(), "https://ops.example:8443".to_string()]));
        assert_eq!(EmbedParams::from_query("origins=").origins, Some(Vec::new()));
    }

    #[test]
    fn view_span_and_the_jaeger_timeline_switches() {
        let p = EmbedParams::from_query("view=Graph&span=B7AD6B7169203331&uiTimelineHideMinimap=1&uiTimelineCollapseTitle=true&uiTimelineHideSummary=0");
        assert_eq!(p.view.as_deref(), Some("graph"));
        assert_eq!(p.span.as_deref(), Some("b7ad6b7169203331"));
        assert!(p.hide_minimap && p.collapse_title && !p.hide_summary);
        let d = EmbedParams::from_query("view=&span=%20");
        assert_eq!((d.view, d.span, d.hide_minimap, d.collapse_title, d.hide_summary), (None, None, false, false, false));
    }

    #[test]
    fn backend_parameters() {
        let p = EmbedParams::from_query("backend=Tempo&base=http%3A%2F%2F127.0.0.1%3A3200%2F&trace=ABC&q=%7B%20status%20%3D%20error%20%7D&service=cart");
        assert_eq!(p.backend.as_deref(), Some("tempo"));
        assert_eq!(p.base.as_deref(), Some("http://127.0.0.1:3200/"));
        assert_eq!(p.trace.as_deref(), Some("abc"));
        assert_eq!(p.q.as_deref(), Some("{ status = error }"));
        assert_eq!(p.service.as_deref(), Some("cart"));
        assert_eq!(EmbedParams::from_query("backend=&base=").backend, None);
    }

    #[test]
    fn bad_values_are_ignored() {
        let p = EmbedParams::from_query("theme=purple&trace=&find=%20&&=&%zz=1");
        assert_eq!(p.theme, None);
        assert_eq!(p.trace, None);
        assert_eq!(p.find, None);
    }
}
