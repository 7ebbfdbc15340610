//! Why a backend request failed, told to a person: what the fetch saw in, one message per
//! kind of failure out — nothing answered, a CORS refusal (with the header the backend
//! must send and how to configure each backend), an HTTP status with the body's message,
//! an answer that is not JSON, and JSON that is not a trace.
//!
//! A browser reports "nothing answered" and "CORS refused" as the same `TypeError`; the
//! fetch layer tells them apart with a second `mode: 'no-cors'` request, which succeeds
//! (with an opaque answer) only when something answered.

use super::BackendKind;
use crate::parse::detect::{self, Detected};

/// A failed backend request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Nothing answered (connection refused, DNS, offline).
    Unreachable,
    /// The backend answered but did not allow this origin (CORS).
    Cors,
    /// An HTTP error status, with the message the body gave (if any).
    Http { status: u16, status_text: String, message: Option<String> },
    /// The answer is not JSON; `head` is its beginning.
    NotJson { head: String },
    /// The answer is JSON but not a trace; `what` says what it looks like.
    NotTrace { what: String },
}

impl Failure {
    /// A stable name for tests and attributes (`data-failure`).
    pub fn code(&self) -> &'static str {
        match self {
            Failure::Unreachable => "unreachable",
            Failure::Cors => "cors",
            Failure::Http { .. } => "http",
            Failure::NotJson { .. } => "not-json",
            Failure::NotTrace { .. } => "not-trace",
        }
    }

    /// The message for a person: `kind` and `url` say who was asked, `origin` is Clew's.
    pub fn message(&self, kind: BackendKind, url: &str, origin: &str) -> String {
        let k = kind.label();
        match self {
            Failure::Unreachable => format!(
                "Nothing answered at {url}. Check the address and the port, that {k} is running, and that this computer can reach it (VPN, proxy, firewall)."
            ),
            Failure::Cors => format!(
                "{k} answered at {url}, but it does not allow this page to read the answer (a CORS refusal). The backend must send \
                 the header Access-Control-Allow-Origin: {origin} (and list any header you set in Access-Control-Allow-Headers). {}",
                cors_help(kind, origin)
            ),
            Failure::Http { status, status_text, message } => format!(
                "{k} answered HTTP {status}{}{} for {url}.{}",
                if status_text.is_empty() { "" } else { " " },
                status_text,
                message.as_deref().map(|m| format!(" It said: {m}")).unwrap_or_default()
            ),
            Failure::NotJson { head } => format!(
                "{k} answered at {url}, but not with JSON (it begins with {head:?}). The address may point at a web page or a sign-in page instead of the API."
            ),
            Failure::NotTrace { what } => {
                format!("{k} answered at {url} with JSON, but not a trace: it looks like {what}. Check that the address is {k}'s API.")
            }
        }
    }
}

/// How to make each backend answer CORS for `origin`.
pub fn cors_help(kind: BackendKind, origin: &str) -> String {
    match kind {
        BackendKind::Jaeger => format!(
            "For Jaeger: start the query service with --query.additional-headers=\"Access-Control-Allow-Origin: {origin}\" \
             (or QUERY_ADDITIONAL_HEADERS=\"Access-Control-Allow-Origin: {origin}\")."
        ),
        BackendKind::Tempo => format!(
            "Tempo has no CORS setting: put a proxy in front of it that adds the header, for example nginx's \
             add_header Access-Control-Allow-Origin {origin} always; (and answers OPTIONS requests)."
        ),
        BackendKind::Zipkin => format!("For Zipkin: set QUERY_ALLOWED_ORIGINS={origin} on the Zipkin server."),
    }
}

/// The most of an error body that is read for its message: the page copies no more (an
/// error page can be large, and its message is near the start).
pub const ERROR_BODY_MAX_BYTES: usize = 64 << 10;

/// The message an error body carries: `message`, `msg`, `error` (text or `{message}`), or
/// Jaeger's `errors[0].msg`; otherwise the start of the text, if it is short and plain.
pub fn body_message(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body.get(..4096).unwrap_or(body)).to_string();
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) {
        let s = |v: Option<&serde_json::Value>| v.and_then(|x| x.as_str()).map(str::to_string);
        return s(v.get("message"))
            .or_else(|| s(v.get("msg")))
            .or_else(|| s(v.get("error")))
            .or_else(|| s(v.get("error").and_then(|e| e.get("message"))))
            .or_else(|| s(v.get("errors").and_then(|e| e.get(0)).and_then(|e| e.get("msg"))))
            .filter(|m| !m.trim().is_empty());
    }
    let t = text.trim();
    (!t.is_empty() && !t.starts_with('<')).then(|| t.chars().take(200).collect())
}

/// Bodies up to this size are checked on the page before they go to the worker.
pub const CHECK_MAX_BYTES: usize = 8 << 20;

/// A trace answer that cannot be a trace: not JSON, or JSON of another kind. Bodies over
/// [`CHECK_MAX_BYTES`] are only checked for their first character (the worker reads them).
pub fn check_trace_body(body: &[u8]) -> Option<Failure> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let first = body.iter().find(|b| !b.is_ascii_whitespace()).copied();
    let head = || String::from_utf8_lossy(body.get(..60).unwrap_or(body)).trim().to_string();
    if !matches!(first, Some(b'{') | Some(b'[')) {
        return Some(Failure::NotJson { head: head() });
    }
    if body.len() > CHECK_MAX_BYTES {
        return None;
    }
    let Ok(text) = std::str::from_utf8(body) else { return Some(Failure::NotJson { head: head() }) };
    match detect::detect(text) {
        Detected::Format(_) => None,
        Detected::Unsupported(what) => Some(Failure::NotTrace { what }),
        Detected::InvalidJson { .. } => Some(Failure::NotJson { head: head() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_failure() {
        let u = Failure::Unreachable.message(BackendKind::Tempo, "http://t:3200/api/v2/traces/1", "https://clew.example");
        assert!(u.starts_with("Nothing answered at http://t:3200") && !u.contains("CORS"), "{u}");
        let c = Failure::Cors.message(BackendKind::Jaeger, "http://j/api/traces/1", "https://clew.example");
        assert!(c.contains("CORS") && c.contains("Access-Control-Allow-Origin: https://clew.example") && c.contains("QUERY_ADDITIONAL_HEADERS"));
        assert!(cors_help(BackendKind::Zipkin, "o").contains("QUERY_ALLOWED_ORIGINS=o"));
        assert!(cors_help(BackendKind::Tempo, "o").contains("proxy"));
        let h = Failure::Http { status: 404, status_text: "Not Found".into(), message: Some("trace not found".into()) };
        assert_eq!(h.message(BackendKind::Jaeger, "u", "o"), "Jaeger answered HTTP 404 Not Found for u. It said: trace not found");
    }

    #[test]
    fn body_messages() {
        assert_eq!(body_message(br#"{"data":null,"errors":[{"code":404,"msg":"trace not found"}]}"#).as_deref(), Some("trace not found"));
        assert_eq!(body_message(br#"{"error":{"message":"bad token"}}"#).as_deref(), Some("bad token"));
        assert_eq!(body_message(b"trace not found\n").as_deref(), Some("trace not found"));
        assert_eq!(body_message(b"<html>oops</html>"), None);
        // A large JSON error, read only as far as the page copies it: not JSON any more,
        // and too long to show as text.
        let big = format!(r#"{{"message":"quota exceeded","detail":"{}"}}"#, "x".repeat(ERROR_BODY_MAX_BYTES));
        assert_eq!(body_message(&big.as_bytes()[..ERROR_BODY_MAX_BYTES]).as_deref().map(str::len), Some(200));
    }

    #[test]
    fn trace_bodies() {
        assert!(matches!(check_trace_body(b"<!doctype html><title>Sign in</title>"), Some(Failure::NotJson { .. })));
        assert!(matches!(check_trace_body(br#"{"status":"ok","uptime":5}"#), Some(Failure::NotTrace { .. })));
        assert_eq!(check_trace_body(br#"{"batches":[]}"#), None);
        assert!(matches!(check_trace_body(b"{broken"), Some(Failure::NotJson { .. })));
    }
}
