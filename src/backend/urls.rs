//! The URLs of each backend's API: a connection and a question in, URLs out, in the
//! order to try them (the next one only when the previous answered 404).
//!
//! ```text
//! trace     Jaeger /api/traces/{id} → /api/v3/traces/{id}   Tempo /api/v2/traces/{id} → /api/traces/{id}
//!           Zipkin /api/v2/trace/{id}
//! search    Jaeger /api/traces?service=&operation=&tags=&minDuration=&maxDuration=&limit=&lookback=&start=&end=
//!                  (start, end: µs since the epoch; lookback is sent but not read)
//!                  → /api/v3/traces?query.service_name=…   (v2's query service)
//!           Tempo  /api/search?q=&tags=&minDuration=&maxDuration=&limit=&start=&end=   (start, end: s)
//!           Zipkin /api/v2/traces?serviceName=&spanName=&annotationQuery=&minDuration=&maxDuration=&limit=&endTs=&lookback=
//!                  (endTs, lookback: ms; min/maxDuration: µs)
//! services  Jaeger /api/services   Zipkin /api/v2/services   Tempo /api/search/tags
//! operations Jaeger /api/services/{s}/operations            Tempo /api/v2/search/tag/{tag}/values
//! ```

use super::{BackendKind, Connection};
use crate::url::encode_component as encode;

/// What to search for. Empty fields are left out of the URL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchQuery {
    /// Jaeger `service`, Zipkin `serviceName`; for Tempo, `{resource.service.name="…"}`
    /// when there is no `q`.
    pub service: String,
    /// Jaeger `operation`, Zipkin `spanName`.
    pub operation: String,
    /// Tempo TraceQL (`{ status = error }`).
    pub q: String,
    /// Jaeger `tags` (JSON object text), Tempo `tags` (logfmt), Zipkin `annotationQuery`.
    pub tags: String,
    /// Duration bounds as the backend writes them (Jaeger and Tempo `100ms`; Zipkin wants µs).
    pub min_duration: String,
    pub max_duration: String,
    pub limit: u32,
    /// How far back, as Jaeger writes it (`1h`, `2d`); Zipkin gets it in ms, Tempo as `start`.
    pub lookback: String,
    /// The end of the window, Unix seconds (now, from the caller).
    pub end_s: u64,
}

fn query(pairs: &[(&str, String)]) -> String {
    let parts: Vec<String> = pairs.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{k}={}", encode(v))).collect();
    if parts.is_empty() { String::new() } else { format!("?{}", parts.join("&")) }
}

/// Seconds of a lookback such as `90m`, `1h`, `2d` (default 1 hour; a bare number is seconds).
pub fn lookback_s(text: &str) -> u64 {
    let t = text.trim();
    let (num, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let n: u64 = num.parse().unwrap_or(1);
    match unit {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        "w" => n * 604_800,
        _ => 3600,
    }
}

/// The URLs that may hold trace `id`, the first to try first.
pub fn trace(c: &Connection, id: &str) -> Vec<String> {
    let id = encode(id.trim());
    let b = &c.base;
    match c.kind {
        BackendKind::Jaeger => vec![format!("{b}/api/traces/{id}"), format!("{b}/api/v3/traces/{id}")],
        BackendKind::Tempo => vec![format!("{b}/api/v2/traces/{id}"), format!("{b}/api/traces/{id}")],
        BackendKind::Zipkin => vec![format!("{b}/api/v2/trace/{id}")],
    }
}

/// The search URLs, the first to try first.
pub fn search(c: &Connection, q: &SearchQuery) -> Vec<String> {
    let b = &c.base;
    let limit = if q.limit == 0 { 20 } else { q.limit };
    let lookback = if q.lookback.trim().is_empty() { "1h".to_string() } else { q.lookback.trim().to_string() };
    let window_s = lookback_s(&lookback);
    match c.kind {
        BackendKind::Jaeger => {
            // `/api/traces` reads the window from `start` and `end` (µs since the epoch); it
            // ignores `lookback`, which is sent too, as Jaeger's own UI does.
            let start_s = q.end_s.saturating_sub(window_s);
            let micros = |s: u64| if q.end_s > 0 { (s * 1_000_000).to_string() } else { String::new() };
            let v1 = query(&[
                ("service", q.service.clone()),
                ("operation", q.operation.clone()),
                ("tags", q.tags.clone()),
                ("minDuration", q.min_duration.clone()),
                ("maxDuration", q.max_duration.clone()),
                ("limit", limit.to_string()),
                ("lookback", lookback.clone()),
                ("start", micros(start_s)),
                ("end", micros(q.end_s)),
            ]);
            let v3 = query(&[
                ("query.service_name", q.service.clone()),
                ("query.operation_name", q.operation.clone()),
                ("query.start_time_min", rfc3339(start_s)),
                ("query.start_time_max", rfc3339(q.end_s)),
                ("query.duration_min", q.min_duration.clone()),
                ("query.duration_max", q.max_duration.clone()),
                ("query.search_depth", limit.to_string()),
            ]);
            vec![format!("{b}/api/traces{v1}"), format!("{b}/api/v3/traces{v3}")]
        }
        BackendKind::Tempo => {
            let traceql = if !q.q.trim().is_empty() {
                q.q.trim().to_string()
            } else if !q.service.trim().is_empty() {
                format!("{{resource.service.name=\"{}\"}}", q.service.trim().replace('\\', "\\\\").replace('"', "\\\""))
            } else {
                String::new()
            };
            let start_s = q.end_s.saturating_sub(window_s);
            let args = query(&[
                ("q", traceql),
                ("tags", if q.q.trim().is_empty() { q.tags.clone() } else { String::new() }),
                ("minDuration", q.min_duration.clone()),
                ("maxDuration", q.max_duration.clone()),
                ("limit", limit.to_string()),
                ("start", if q.end_s > 0 { start_s.to_string() } else { String::new() }),
                ("end", if q.end_s > 0 { q.end_s.to_string() } else { String::new() }),
            ]);
            vec![format!("{b}/api/search{args}")]
        }
        BackendKind::Zipkin => {
            let args = query(&[
                ("serviceName", q.service.clone()),
                ("spanName", q.operation.clone()),
                ("annotationQuery", q.tags.clone()),
                ("minDuration", q.min_duration.clone()),
                ("maxDuration", q.max_duration.clone()),
                ("limit", limit.to_string()),
                ("endTs", if q.end_s > 0 { (q.end_s * 1000).to_string() } else { String::new() }),
                ("lookback", (window_s * 1000).to_string()),
            ]);
            vec![format!("{b}/api/v2/traces{args}")]
        }
    }
}

/// The services list (Tempo: the tag names, for autocomplete).
pub fn services(c: &Connection) -> String {
    let b = &c.base;
    match c.kind {
        BackendKind::Jaeger => format!("{b}/api/services"),
        BackendKind::Tempo => format!("{b}/api/search/tags"),
        BackendKind::Zipkin => format!("{b}/api/v2/services"),
    }
}

/// The operations of a service (Tempo: the values of a tag, such as `service.name`).
pub fn operations(c: &Connection, service_or_tag: &str) -> String {
    let b = &c.base;
    let s = encode(service_or_tag);
    match c.kind {
        BackendKind::Jaeger => format!("{b}/api/services/{s}/operations"),
        BackendKind::Tempo => format!("{b}/api/v2/search/tag/{s}/values"),
        BackendKind::Zipkin => format!("{b}/api/v2/spans?serviceName={s}"),
    }
}

/// Unix seconds as RFC 3339 UTC (`2024-01-15T13:30:00Z`).
fn rfc3339(s: u64) -> String {
    if s == 0 {
        return String::new();
    }
    let days = s / 86_400;
    let rem = s % 86_400;
    let (y, m, d) = crate::format::civil_date(days as i64);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_urls_in_fallback_order() {
        let j = Connection::new(BackendKind::Jaeger, "http://j:16686/");
        assert_eq!(trace(&j, "abc"), vec!["http://j:16686/api/traces/abc", "http://j:16686/api/v3/traces/abc"]);
        let t = Connection::new(BackendKind::Tempo, "http://t:3200");
        assert_eq!(trace(&t, " 4bf9 "), vec!["http://t:3200/api/v2/traces/4bf9", "http://t:3200/api/traces/4bf9"]);
        let z = Connection::new(BackendKind::Zipkin, "http://z:9411");
        assert_eq!(trace(&z, "a/b"), vec!["http://z:9411/api/v2/trace/a%2Fb"]);
    }

    #[test]
    fn search_urls() {
        let q = SearchQuery { service: "cart".into(), limit: 5, lookback: "2h".into(), end_s: 1_705_327_800, ..Default::default() };
        let j = search(&Connection::new(BackendKind::Jaeger, "http://j"), &q);
        // The window is in µs: 1705320600 s to 1705327800 s.
        assert_eq!(j[0], "http://j/api/traces?service=cart&limit=5&lookback=2h&start=1705320600000000&end=1705327800000000");
        // 1705327800 - 7200 = 1705320600 = 2024-01-15T12:10:00Z.
        assert_eq!(
            j[1],
            "http://j/api/v3/traces?query.service_name=cart&query.start_time_min=2024-01-15T12%3A10%3A00Z&query.start_time_max=2024-01-15T14%3A10%3A00Z&query.search_depth=5"
        );
        let t = search(&Connection::new(BackendKind::Tempo, "http://t"), &q);
        assert_eq!(t, vec!["http://t/api/search?q=%7Bresource.service.name%3D%22cart%22%7D&limit=5&start=1705320600&end=1705327800"]);
        let tq = SearchQuery { q: "{ status = error }".into(), tags: "ignored=1".into(), ..Default::default() };
        assert_eq!(search(&Connection::new(BackendKind::Tempo, "http://t"), &tq), vec!["http://t/api/search?q=%7B%20status%20%3D%20error%20%7D&limit=20"]);
        let z = search(&Connection::new(BackendKind::Zipkin, "http://z"), &q);
        assert_eq!(z, vec!["http://z/api/v2/traces?serviceName=cart&limit=5&endTs=1705327800000&lookback=7200000"]);
        // Duration bounds as each backend reads them: Jaeger and Tempo text, Zipkin µs.
        let d = |min: &str, max: &str| SearchQuery { min_duration: min.into(), max_duration: max.into(), end_s: 3600, ..Default::default() };
        assert_eq!(
            search(&Connection::new(BackendKind::Jaeger, "http://j"), &d("100ms", "2s"))[0],
            "http://j/api/traces?minDuration=100ms&maxDuration=2s&limit=20&lookback=1h&start=0&end=3600000000"
        );
        assert_eq!(
            search(&Connection::new(BackendKind::Tempo, "http://t"), &d("100ms", "2s")),
            vec!["http://t/api/search?minDuration=100ms&maxDuration=2s&limit=20&start=0&end=3600"]
        );
        assert_eq!(
            search(&Connection::new(BackendKind::Zipkin, "http://z"), &d("100000", "2000000")),
            vec!["http://z/api/v2/traces?minDuration=100000&maxDuration=2000000&limit=20&endTs=3600000&lookback=3600000"]
        );
        // Without an end (no clock), no window is sent but Jaeger's lookback.
        assert_eq!(search(&Connection::new(BackendKind::Jaeger, "http://j"), &SearchQuery::default())[0], "http://j/api/traces?limit=20&lookback=1h");
    }

    #[test]
    fn lookbacks_and_lists() {
        assert_eq!((lookback_s("90m"), lookback_s("2d"), lookback_s("30"), lookback_s("x")), (5400, 172_800, 30, 3600));
        let j = Connection::new(BackendKind::Jaeger, "http://j");
        assert_eq!((services(&j), operations(&j, "a b")), ("http://j/api/services".into(), "http://j/api/services/a%20b/operations".into()));
        let t = Connection::new(BackendKind::Tempo, "http://t");
        assert_eq!(operations(&t, "service.name"), "http://t/api/v2/search/tag/service.name/values");
    }
}
