//! Trace backends (Jaeger, Tempo, Zipkin) as Clew's data sources: a connection and a
//! question (one trace, a search, the services) in, the URLs to ask ([`urls`]), the
//! search answers as trace summaries ([`search`]) and the failures explained for a
//! person ([`failure`]) out. Pure: the browser's fetch lives in `ui::backend`.

pub mod failure;
pub mod recent;
pub mod search;
pub mod urls;

/// Which backend API a connection speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BackendKind {
    Jaeger,
    Tempo,
    Zipkin,
}

impl BackendKind {
    pub const ALL: [BackendKind; 3] = [BackendKind::Jaeger, BackendKind::Tempo, BackendKind::Zipkin];

    /// The name in URLs (`backend=`) and storage.
    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Jaeger => "jaeger",
            BackendKind::Tempo => "tempo",
            BackendKind::Zipkin => "zipkin",
        }
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            BackendKind::Jaeger => "Jaeger",
            BackendKind::Tempo => "Tempo",
            BackendKind::Zipkin => "Zipkin",
        }
    }

    pub fn parse(s: &str) -> Option<BackendKind> {
        BackendKind::ALL.into_iter().find(|k| k.name().eq_ignore_ascii_case(s.trim()))
    }
}

/// A backend to ask: its kind, base URL (no trailing `/`) and an optional header sent with
/// every request (`Authorization: Bearer …`). Cookies go only with `send_cookies`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connection {
    pub kind: BackendKind,
    pub base: String,
    pub header: Option<(String, String)>,
    pub send_cookies: bool,
}

impl Connection {
    /// A connection without header or cookies; the base loses trailing slashes.
    pub fn new(kind: BackendKind, base: &str) -> Connection {
        Connection { kind, base: base.trim().trim_end_matches('/').to_string(), header: None, send_cookies: false }
    }
}

/// Parses a `Name: value` header line; `None` when it has no name or no colon.
pub fn parse_header(line: &str) -> Option<(String, String)> {
    let (name, value) = line.split_once(':')?;
    let name = name.trim();
    let ok = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_!#$%&'*+.^`|~".contains(&b));
    ok.then(|| (name.to_string(), value.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_headers() {
        assert_eq!(BackendKind::parse(" Tempo "), Some(BackendKind::Tempo));
        assert_eq!(BackendKind::parse("honeycomb"), None);
        assert_eq!(Connection::new(BackendKind::Jaeger, " http://j:16686/ ").base, "http://j:16686");
        assert_eq!(parse_header("Authorization: Bearer abc:def"), Some(("Authorization".into(), "Bearer abc:def".into())));
        assert_eq!(parse_header("no colon"), None);
        assert_eq!(parse_header(": x"), None);
        assert_eq!(parse_header("Bad Name: x"), None);
    }
}
