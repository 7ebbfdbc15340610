//! What a span calls, for the dependency graph: a span and an [`AttrLookup`] over
//! [`KEYS`] (and [`PREFIXES`]) in; the node it calls out ([`Target`]) — an LLM model, a
//! database, a messaging destination, or a remote service named on the calling side —
//! with the node's kind, id and label.
//!
//! The first of these names the node:
//!
//! 1. an LLM model call (CLIENT, PRODUCER, INTERNAL or kind-less span with
//!    `gen_ai.request.model` / `gen_ai.response.model`): provider + model;
//! 2. `peer.service` (CLIENT, PRODUCER, CONSUMER);
//! 3. `db.system` / `db.system.name` + `db.name` / `db.namespace` / `server.address`
//!    (CLIENT, PRODUCER, kind-less);
//! 4. `messaging.system` + `messaging.destination.name` / `messaging.destination`
//!    (CLIENT, PRODUCER, kind-less, CONSUMER);
//! 5. `server.address`, `net.peer.name`, `peer.hostname`, then the host of `http.host`,
//!    `url.full` or `http.url` (CLIENT, PRODUCER, CONSUMER).
//!
//! A name from 2 or 5 is a *remote service* ([`Target::remote`]). Its kind: `database`
//! when the span has `db.*` attributes (or Zipkin's `sql.*` tags) or the name is a
//! well-known store (mysql, postgres(ql), redis, memcache(d), mongo(db), cassandra,
//! elasticsearch); else `messaging` for a PRODUCER or CONSUMER span or one with
//! `messaging.*`; else `llm` with `gen_ai.*`; else `external`.

use std::borrow::Cow;

use crate::analysis::attr_lookup::AttrLookup;
use crate::analysis::service_graph::NodeKind;
use crate::model::{Span, SpanKind};

/// Attribute keys a target is named from (indices: the `K_*` constants).
pub(super) const KEYS: [&str; 18] = [
    "gen_ai.request.model",
    "gen_ai.response.model",
    "gen_ai.provider.name",
    "gen_ai.system",
    "db.system",
    "db.system.name",
    "db.name",
    "db.namespace",
    "server.address",
    "messaging.system",
    "messaging.destination.name",
    "messaging.destination",
    "peer.service",
    "net.peer.name",
    "peer.hostname",
    "http.host",
    "url.full",
    "http.url",
];
const K_MODEL: usize = 0;
const K_RESPONSE_MODEL: usize = 1;
const K_PROVIDER: usize = 2;
const K_GEN_AI_SYSTEM: usize = 3;
const K_DB_SYSTEM: usize = 4;
const K_DB_SYSTEM_NAME: usize = 5;
const K_DB_NAME: usize = 6;
const K_DB_NAMESPACE: usize = 7;
const K_SERVER_ADDRESS: usize = 8;
const K_MESSAGING_SYSTEM: usize = 9;
const K_DESTINATION_NAME: usize = 10;
const K_DESTINATION: usize = 11;
const K_PEER_SERVICE: usize = 12;
const K_NET_PEER_NAME: usize = 13;
const K_PEER_HOSTNAME: usize = 14;
const K_HTTP_HOST: usize = 15;
const K_URL_FULL: usize = 16;
const K_HTTP_URL: usize = 17;

/// Key prefixes that decide a remote service's kind (indices: the `P_*` constants).
pub(super) const PREFIXES: [&str; 4] = ["db.", "messaging.", "gen_ai.", "sql."];
const P_DB: usize = 0;
const P_MESSAGING: usize = 1;
const P_GEN_AI: usize = 2;
const P_SQL: usize = 3;

/// Names (or the start of a name's words) of stores that make a remote a database.
const KNOWN_STORES: [&str; 7] = ["mysql", "postgres", "redis", "memcache", "mongo", "cassandra", "elasticsearch"];

/// The node a span calls: its kind and the two parts of its id and label (provider +
/// model, system + database name, system + destination; a remote service's name alone),
/// borrowed from the span's attributes where they are text, so most spans allocate nothing.
pub(super) struct Target<'a> {
    pub kind: NodeKind,
    pub first: Cow<'a, str>,
    pub second: Option<Cow<'a, str>>,
    /// Named by a remote-service attribute (`peer.service`, `server.address`, a host…):
    /// the name may be an instrumented service's, and the call is drawn only when no
    /// instrumented span answers it.
    pub remote: bool,
}

impl Target<'_> {
    /// Writes the node id (`llm:<provider>/<model>`, `database:<system>[/<name>]`,
    /// `messaging:<system>[/<destination>]`, `<kind>:<remote name>`) into `buf`.
    pub fn write_id(&self, buf: &mut String) {
        buf.clear();
        buf.push_str(self.kind.as_str());
        buf.push(':');
        buf.push_str(&self.first);
        if let Some(second) = &self.second {
            buf.push('/');
            buf.push_str(second);
        }
    }
    /// Display text: "anthropic claude-3-5-sonnet", "postgresql db chat", "kafka events",
    /// "mysql db", "payments-api".
    pub fn label(&self) -> String {
        let mut out = self.first.to_string();
        if self.kind == NodeKind::Database {
            out.push_str(" db");
        }
        if let Some(second) = &self.second {
            out.push(' ');
            out.push_str(second);
        }
        out
    }
}

/// The node a span calls, if any (see the module text for the order).
pub(super) fn target<'a>(look: &mut AttrLookup<'a>, s: &Span) -> Option<Target<'a>> {
    let kind = s.kind;
    let callish = matches!(kind, SpanKind::Client | SpanKind::Producer | SpanKind::Unspecified);
    let remote_side = matches!(kind, SpanKind::Client | SpanKind::Producer | SpanKind::Consumer);
    // LLM model calls (in-process model calls are often INTERNAL).
    if (callish || kind == SpanKind::Internal)
        && let Some(model) = look.text(s, K_MODEL).or_else(|| look.text(s, K_RESPONSE_MODEL)) {
            let provider = look.text(s, K_PROVIDER).or_else(|| look.text(s, K_GEN_AI_SYSTEM)).unwrap_or(Cow::Borrowed("llm"));
            return Some(Target { kind: NodeKind::Llm, first: provider, second: Some(model), remote: false });
        }
    if remote_side && let Some(name) = look.text(s, K_PEER_SERVICE) {
        return Some(remote(look, s, name));
    }
    if callish
        && let Some(system) = look.text(s, K_DB_SYSTEM).or_else(|| look.text(s, K_DB_SYSTEM_NAME)) {
            let name = look.text(s, K_DB_NAME).or_else(|| look.text(s, K_DB_NAMESPACE)).or_else(|| look.text(s, K_SERVER_ADDRESS));
            return Some(Target { kind: NodeKind::Database, first: system, second: name, remote: false });
        }
    if (callish || kind == SpanKind::Consumer)
        && let Some(system) = look.text(s, K_MESSAGING_SYSTEM) {
            let dest = look.text(s, K_DESTINATION_NAME).or_else(|| look.text(s, K_DESTINATION));
            return Some(Target { kind: NodeKind::Messaging, first: system, second: dest, remote: false });
        }
    if !remote_side {
        return None;
    }
    let name = look
        .text(s, K_SERVER_ADDRESS)
        .or_else(|| look.text(s, K_NET_PEER_NAME))
        .or_else(|| look.text(s, K_PEER_HOSTNAME))
        .or_else(|| look.text(s, K_HTTP_HOST).and_then(host_cow))
        .or_else(|| look.text(s, K_URL_FULL).and_then(host_cow))
        .or_else(|| look.text(s, K_HTTP_URL).and_then(host_cow))?;
    Some(remote(look, s, name))
}

/// A remote service called `name`, of the kind its span and name suggest.
fn remote<'a>(look: &mut AttrLookup<'a>, s: &Span, name: Cow<'a, str>) -> Target<'a> {
    let kind = if look.has_prefix(s, P_DB) || look.has_prefix(s, P_SQL) || is_known_store(&name) {
        NodeKind::Database
    } else if matches!(s.kind, SpanKind::Producer | SpanKind::Consumer) || look.has_prefix(s, P_MESSAGING) {
        NodeKind::Messaging
    } else if look.has_prefix(s, P_GEN_AI) {
        NodeKind::Llm
    } else {
        NodeKind::External
    };
    Target { kind, first: name, second: None, remote: true }
}

/// Whether a word of `name` (split at anything but letters and digits) starts with a
/// [`KNOWN_STORES`] name, ignoring ASCII case: "mysql", "redis-auth.internal", "MongoDB".
pub(super) fn is_known_store(name: &str) -> bool {
    name.split(|c: char| !c.is_ascii_alphanumeric()).any(|word| {
        let w = word.as_bytes();
        KNOWN_STORES.iter().any(|k| w.len() >= k.len() && w[..k.len()].eq_ignore_ascii_case(k.as_bytes()))
    })
}

/// [`host_of`] keeping a borrowed text borrowed.
fn host_cow(text: Cow<'_, str>) -> Option<Cow<'_, str>> {
    match text {
        Cow::Borrowed(t) => host_of(t).map(Cow::Borrowed),
        Cow::Owned(t) => host_of(&t).map(|h| Cow::Owned(h.to_string())),
    }
}

/// The host of a URL (`https://user@api.example.com:443/v1?q` → `api.example.com`,
/// `http://[::1]:80/` → `::1`) or of a `host[:port]` text; `None` when there is none.
pub(super) fn host_of(text: &str) -> Option<&str> {
    let rest = text.split_once("://").map_or(text, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else if host_port.matches(':').count() == 1 {
        match host_port.split_once(':') {
            Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
            _ => host_port,
        }
    } else {
        host_port // A name, or a bare IPv6 address.
    };
    let host = host.trim();
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_of_urls_and_host_headers() {
        assert_eq!(host_of("https://user:pw@api.example.com:443/v1/chat?x=1#f"), Some("api.example.com"));
        assert_eq!(host_of("http://auth-service/v1/authentications/"), Some("auth-service"));
        assert_eq!(host_of("auth-service:8080"), Some("auth-service"));
        assert_eq!(host_of("http://[2001:db8::1]:8080/x"), Some("2001:db8::1"));
        assert_eq!(host_of("2001:db8::1"), Some("2001:db8::1"));
        assert_eq!(host_of("/only/a/path"), None);
        assert_eq!(host_of(""), None);
        assert_eq!(host_of("http://é.example/ü"), Some("é.example"));
    }

    #[test]
    fn known_stores_by_word() {
        for yes in ["mysql", "MySQL", "postgresql", "redis-auth.internal", "memcached", "mongodb", "orders_cassandra", "elasticsearch-7"] {
            assert!(is_known_store(yes), "{yes}");
        }
        for no in ["auth", "myredis", "evcache", "", "ünïcode"] {
            assert!(!is_known_store(no), "{no}");
        }
    }
}
