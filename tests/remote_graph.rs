//! Remote services in the dependency graph: crafted OTLP, Jaeger and Zipkin traces
//! (and corpus files) in; the nodes and edges that calls to uninstrumented services
//! add out — each naming source and its order, the node kinds, the child-SERVER rule
//! (a call is drawn once), PRODUCER/CONSUMER edges through the broker, both the
//! per-trace and set-wide `dependency_graph` of `clew analyze --json`, and the list of
//! a remote node's client spans that the graph tab shows.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test or benchmark fails by panicking; clippy.toml already exempts #[test] bodies, and this covers their helpers")]

use std::path::PathBuf;

use clew::analysis::service_graph::{dependency_graph, DependencyGraph, NodeKind};
use clew::model::TraceSet;
use clew::parse::{load, Format};
use clew::report::{self, ReportOptions};
use clew::view_model::graph_spans::{node_span_list, MAX_LISTED_SPANS};

/// A crafted span: its service, id, parent id (0: a root), kind (upper case), name and
/// attributes. Times: span `id` starts `id` ms after T0 and lasts `100 - id` ms, so
/// a child (higher id) sits inside its parent.
struct Sp {
    trace: u32,
    svc: &'static str,
    id: u64,
    parent: u64,
    kind: &'static str,
    attrs: Attrs,
}

fn sp(svc: &'static str, id: u64, parent: u64, kind: &'static str) -> Sp {
    Sp { trace: 1, svc, id, parent, kind, attrs: Vec::new() }
}

impl Sp {
    fn attr(mut self, k: &'static str, v: &'static str) -> Sp {
        self.attrs.push((k, v));
        self
    }
    fn trace(mut self, t: u32) -> Sp {
        self.trace = t;
        self
    }
    fn start_us(&self) -> u64 {
        1_700_000_000_000_000 + self.id * 1_000
    }
    fn duration_us(&self) -> u64 {
        (100 - self.id.min(99)) * 1_000
    }
}

fn load_as(text: &str, format: Format) -> TraceSet {
    load(&[("inline.json", text.as_bytes())], Some(format)).unwrap_or_else(|e| panic!("inline should load: {e}\n{text}"))
}

fn otlp(spans: &[Sp]) -> TraceSet {
    let resources: Vec<String> = spans
        .iter()
        .map(|s| {
            let attrs: Vec<String> =
                s.attrs.iter().map(|(k, v)| format!(r#"{{"key":"{k}","value":{{"stringValue":"{v}"}}}}"#)).collect();
            let parent = if s.parent == 0 { String::new() } else { format!(r#""parentSpanId":"{:016x}","#, s.parent) };
            let kind = format!("SPAN_KIND_{}", s.kind);
            let start_ns = s.start_us() * 1_000;
            format!(
                r#"{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"{}"}}}}]}},"scopeSpans":[{{"spans":[{{"traceId":"{:032x}","spanId":"{:016x}",{parent}"name":"op{}","kind":"{kind}","startTimeUnixNano":"{start_ns}","endTimeUnixNano":"{}","attributes":[{}]}}]}}]}}"#,
                s.svc,
                s.trace,
                s.id,
                s.id,
                start_ns + s.duration_us() * 1_000,
                attrs.join(",")
            )
        })
        .collect();
    load_as(&format!(r#"{{"resourceSpans":[{}]}}"#, resources.join(",")), Format::Otlp)
}

fn jaeger(spans: &[Sp]) -> TraceSet {
    let mut services: Vec<&str> = spans.iter().map(|s| s.svc).collect();
    services.sort_unstable();
    services.dedup();
    let items: Vec<String> = spans
        .iter()
        .map(|s| {
            let mut tags: Vec<String> = s.attrs.iter().map(|(k, v)| format!(r#"{{"key":"{k}","type":"string","value":"{v}"}}"#)).collect();
            tags.push(format!(r#"{{"key":"span.kind","type":"string","value":"{}"}}"#, s.kind.to_ascii_lowercase()));
            let refs = if s.parent == 0 {
                String::new()
            } else {
                format!(r#"{{"refType":"CHILD_OF","traceID":"{:032x}","spanID":"{:016x}"}}"#, s.trace, s.parent)
            };
            let p = services.iter().position(|x| *x == s.svc).unwrap();
            format!(
                r#"{{"traceID":"{:032x}","spanID":"{:016x}","operationName":"op{}","references":[{refs}],"startTime":{},"duration":{},"tags":[{}],"processID":"p{p}"}}"#,
                s.trace,
                s.id,
                s.id,
                s.start_us(),
                s.duration_us(),
                tags.join(",")
            )
        })
        .collect();
    let processes: Vec<String> = services.iter().enumerate().map(|(p, name)| format!(r#""p{p}":{{"serviceName":"{name}","tags":[]}}"#)).collect();
    load_as(&format!(r#"{{"data":[{{"traceID":"1","spans":[{}],"processes":{{{}}}}}]}}"#, items.join(","), processes.join(",")), Format::Jaeger)
}

/// Zipkin v2: `zipkin.remote` and `zipkin.ipv4` attributes become the remote endpoint's
/// `serviceName` and `ipv4`; `zipkin.shared` marks a shared span; the rest are tags.
fn zipkin(spans: &[Sp]) -> TraceSet {
    let items: Vec<String> = spans
        .iter()
        .map(|s| {
            let get = |k: &str| s.attrs.iter().find(|(key, _)| *key == k).map(|(_, v)| *v);
            let tags: Vec<String> = s.attrs.iter().filter(|(k, _)| !k.starts_with("zipkin.")).map(|(k, v)| format!(r#""{k}":"{v}""#)).collect();
            let mut remote: Vec<String> = Vec::new();
            if let Some(name) = get("zipkin.remote") {
                remote.push(format!(r#""serviceName":"{name}""#));
            }
            if let Some(ip) = get("zipkin.ipv4") {
                remote.push(format!(r#""ipv4":"{ip}""#));
            }
            let remote = if remote.is_empty() { String::new() } else { format!(r#","remoteEndpoint":{{{}}}"#, remote.join(",")) };
            let parent = if s.parent == 0 { String::new() } else { format!(r#""parentId":"{:016x}","#, s.parent) };
            let shared = if get("zipkin.shared").is_some() { r#","shared":true"# } else { "" };
            format!(
                r#"{{"traceId":"{:032x}","id":"{:016x}",{parent}"kind":"{}","name":"op{}","timestamp":{},"duration":{},"localEndpoint":{{"serviceName":"{}"}}{remote}{shared},"tags":{{{}}}}}"#,
                s.trace,
                s.id,
                s.kind,
                s.id,
                s.start_us(),
                s.duration_us(),
                s.svc,
                tags.join(",")
            )
        })
        .collect();
    load_as(&format!("[{}]", items.join(",")), Format::Zipkin)
}

/// `from>to (calls)` for every edge, sorted.
fn edges(g: &DependencyGraph) -> Vec<String> {
    g.edges.iter().map(|e| format!("{}>{} ({})", g.nodes[e.from].id, g.nodes[e.to].id, e.calls)).collect()
}

fn kind_of(g: &DependencyGraph, id: &str) -> Option<NodeKind> {
    g.node_index(id).map(|i| g.nodes[i].kind)
}

fn corpus(rel: &str) -> TraceSet {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus").join(rel);
    let bytes = std::fs::read(&path).unwrap();
    load(&[(rel, &bytes)], None).unwrap()
}

// ───────────────────────────── naming ─────────────────────────────

type Attrs = Vec<(&'static str, &'static str)>;

/// One trace per case: a SERVER root in `checkout` and one CLIENT call with `attrs`;
/// the call must make the edge `checkout → want` and nothing else.
fn naming_cases() -> Vec<(Attrs, &'static str, NodeKind)> {
    vec![
        (vec![("peer.service", "payments")], "external:payments", NodeKind::External),
        (vec![("server.address", "api.example.com")], "external:api.example.com", NodeKind::External),
        (vec![("net.peer.name", "legacy-billing")], "external:legacy-billing", NodeKind::External),
        (vec![("peer.hostname", "ledger.internal")], "external:ledger.internal", NodeKind::External),
        (vec![("http.host", "geo.example.org:8443")], "external:geo.example.org", NodeKind::External),
        (vec![("url.full", "https://user@maps.example.net:443/v1/tiles?z=3")], "external:maps.example.net", NodeKind::External),
        (vec![("http.url", "http://auth-service/v1/authentications/")], "external:auth-service", NodeKind::External),
        // peer.service comes first, then server.address, net.peer.name, peer.hostname, the host.
        (vec![("url.full", "https://b.example/x"), ("peer.hostname", "c"), ("net.peer.name", "d"), ("server.address", "e"), ("peer.service", "first")], "external:first", NodeKind::External),
        (vec![("url.full", "https://b.example/x"), ("peer.hostname", "c"), ("net.peer.name", "d"), ("server.address", "e")], "external:e", NodeKind::External),
        (vec![("url.full", "https://b.example/x"), ("peer.hostname", "c"), ("net.peer.name", "d")], "external:d", NodeKind::External),
        (vec![("url.full", "https://b.example/x"), ("peer.hostname", "c")], "external:c", NodeKind::External),
        // db.system names the node before server.address (as before); peer.service before both.
        (vec![("db.system", "mysql"), ("db.name", "orders"), ("server.address", "10.0.0.7")], "database:mysql/orders", NodeKind::Database),
        (vec![("db.system", "mysql"), ("server.address", "db-7.internal")], "database:mysql/db-7.internal", NodeKind::Database),
        (vec![("peer.service", "orders-db"), ("db.system", "mysql"), ("db.name", "orders")], "database:orders-db", NodeKind::Database),
        (vec![("messaging.system", "kafka"), ("messaging.destination.name", "orders"), ("server.address", "broker-1")], "messaging:kafka/orders", NodeKind::Messaging),
        // Kinds of a remote: db.* (or Zipkin's sql.*), a well-known store, messaging.*, gen_ai.*.
        (vec![("peer.service", "ledger"), ("db.statement", "SELECT 1")], "database:ledger", NodeKind::Database),
        (vec![("peer.service", "ledger"), ("sql.query", "SELECT 1")], "database:ledger", NodeKind::Database),
        (vec![("server.address", "memcached-prod.internal")], "database:memcached-prod.internal", NodeKind::Database),
        (vec![("peer.service", "Redis")], "database:Redis", NodeKind::Database),
        (vec![("peer.service", "events"), ("messaging.operation", "publish")], "messaging:events", NodeKind::Messaging),
        (vec![("server.address", "api.openai.com"), ("gen_ai.system", "openai")], "llm:api.openai.com", NodeKind::Llm),
        // A model names an LLM node by provider and model, as before.
        (vec![("server.address", "api.openai.com"), ("gen_ai.system", "openai"), ("gen_ai.request.model", "gpt-4o")], "llm:openai/gpt-4o", NodeKind::Llm),
    ]
}

fn check_naming(format: &str, build: fn(&[Sp]) -> TraceSet) {
    let cases = naming_cases();
    let mut spans = Vec::new();
    for (t, (attrs, _, _)) in cases.iter().enumerate() {
        let t = t as u32 + 1;
        spans.push(sp("checkout", 1, 0, "SERVER").trace(t));
        let mut call = sp("checkout", 2, 1, "CLIENT").trace(t);
        for &(k, v) in attrs {
            call = call.attr(k, v);
        }
        spans.push(call);
    }
    let set = build(&spans);
    assert_eq!(set.traces.len(), cases.len(), "{format}");
    assert_eq!(set.spans.len(), 2 * cases.len(), "{format}");
    for (t, (attrs, want, kind)) in cases.iter().enumerate() {
        let g = dependency_graph(&set, Some(t));
        assert_eq!(edges(&g), vec![format!("service:checkout>{want} (1)")], "{format} {attrs:?}");
        assert_eq!(kind_of(&g, want), Some(*kind), "{format} {attrs:?}");
        let n = g.node_index(want).unwrap();
        // The node's spans are the client spans that call it.
        assert_eq!(g.nodes[n].spans.len(), 1, "{format} {attrs:?}");
        assert_eq!(set.spans[g.nodes[n].spans[0] as usize].kind, clew::model::SpanKind::Client);
    }
}

#[test]
fn otlp_naming_sources_in_order() {
    check_naming("otlp", otlp);
}

#[test]
fn jaeger_naming_sources_in_order() {
    check_naming("jaeger", jaeger);
}

#[test]
fn zipkin_naming_sources_in_order() {
    // Tags carry the same keys; the remote endpoint is checked below.
    check_naming("zipkin", zipkin);
}

#[test]
fn zipkin_remote_endpoint_names_the_remote() {
    let set = zipkin(&[
        sp("web", 1, 0, "SERVER"),
        // remoteEndpoint.serviceName → peer.service.
        sp("web", 2, 1, "CLIENT").attr("zipkin.remote", "mysql").attr("zipkin.ipv4", "10.0.0.7").attr("sql.query", "SELECT 1"),
        sp("web", 3, 1, "CLIENT").attr("zipkin.remote", "memcached").attr("zipkin.ipv4", "10.0.0.8"),
        sp("web", 4, 1, "CLIENT").attr("zipkin.remote", "recommendations"),
        // Only an address: remoteEndpoint.ipv4 → server.address.
        sp("web", 5, 1, "CLIENT").attr("zipkin.ipv4", "10.0.0.9"),
        sp("web", 6, 1, "CLIENT").attr("zipkin.remote", "recommendations"),
    ]);
    let g = dependency_graph(&set, Some(0));
    assert_eq!(
        edges(&g),
        vec![
            "service:web>database:memcached (1)",
            "service:web>database:mysql (1)",
            "service:web>external:10.0.0.9 (1)",
            "service:web>external:recommendations (2)",
        ]
    );
    assert_eq!(g.nodes[g.node_index("database:mysql").unwrap()].label, "mysql db");
    assert_eq!(g.nodes[g.node_index("external:recommendations").unwrap()].label, "recommendations");
}

/// The issue's production case: two services call a cache, a SQL database and another
/// backend, each named only in `remoteEndpoint`; all three are nodes, over one trace and
/// over the set.
#[test]
fn zipkin_two_services_calling_three_uninstrumented_backends() {
    let set = zipkin(&[
        sp("frontend", 1, 0, "SERVER"),
        sp("frontend", 2, 1, "CLIENT").attr("zipkin.remote", "memcache"),
        sp("frontend", 3, 1, "CLIENT"),
        sp("catalog", 3, 1, "SERVER").attr("zipkin.shared", "1"),
        sp("catalog", 4, 3, "CLIENT").attr("zipkin.remote", "mysql").attr("sql.query", "SELECT * FROM items"),
        sp("catalog", 5, 3, "CLIENT").attr("zipkin.remote", "memcache"),
        sp("catalog", 6, 3, "CLIENT").attr("zipkin.remote", "pricing-backend").attr("http.path", "/prices"),
    ]);
    let want = vec![
        "service:catalog>database:memcache (1)",
        "service:catalog>database:mysql (1)",
        "service:catalog>external:pricing-backend (1)",
        "service:frontend>database:memcache (1)",
        "service:frontend>service:catalog (1)",
    ];
    assert_eq!(edges(&dependency_graph(&set, Some(0))), want);
    assert_eq!(edges(&dependency_graph(&set, None)), want);
}

// ───────────────────────────── one call, one edge ─────────────────────────────

/// A client span answered by a child SERVER span in another service is that service
/// edge, not a remote node — in every format, and for a Zipkin shared span.
#[test]
fn a_child_server_span_takes_the_call() {
    let spans = || {
        vec![
            sp("a", 1, 0, "SERVER"),
            sp("a", 2, 1, "CLIENT").attr("peer.service", "b-public-name").attr("server.address", "b.internal"),
            sp("b", 3, 2, "SERVER"),
            // A call to an uninstrumented service next to it.
            sp("a", 4, 1, "CLIENT").attr("peer.service", "vault"),
        ]
    };
    let want = vec!["service:a>external:vault (1)", "service:a>service:b (1)"];
    assert_eq!(edges(&dependency_graph(&otlp(&spans()), Some(0))), want, "otlp");
    assert_eq!(edges(&dependency_graph(&jaeger(&spans()), Some(0))), want, "jaeger");
    assert_eq!(edges(&dependency_graph(&zipkin(&spans()), Some(0))), want, "zipkin");
    // Zipkin: client and server halves share an id; the server half becomes the child.
    let shared = zipkin(&[
        sp("a", 1, 0, "SERVER"),
        sp("a", 2, 1, "CLIENT").attr("zipkin.remote", "b"),
        sp("b", 2, 1, "SERVER").attr("zipkin.shared", "1"),
        sp("a", 4, 1, "CLIENT").attr("zipkin.remote", "vault"),
    ]);
    assert_eq!(edges(&dependency_graph(&shared, Some(0))), want, "zipkin shared");
}

#[test]
fn nested_client_spans_and_transports_draw_one_edge() {
    let set = otlp(&[
        sp("a", 1, 0, "SERVER"),
        // A client library span around the HTTP client span, answered two levels down.
        sp("a", 2, 1, "CLIENT").attr("peer.service", "b"),
        sp("a", 3, 2, "CLIENT").attr("server.address", "b.internal"),
        sp("b", 4, 3, "SERVER"),
        // The same, unanswered: one remote edge, from the outer span.
        sp("a", 5, 1, "CLIENT").attr("peer.service", "vault"),
        sp("a", 6, 5, "CLIENT").attr("server.address", "vault.internal"),
        // An LLM call and its HTTP request: the LLM node only.
        sp("a", 7, 1, "CLIENT").attr("gen_ai.system", "openai").attr("gen_ai.request.model", "gpt-4o"),
        sp("a", 8, 7, "CLIENT").attr("url.full", "https://api.openai.com/v1/chat/completions"),
    ]);
    let g = dependency_graph(&set, Some(0));
    assert_eq!(edges(&g), vec!["service:a>external:vault (1)", "service:a>llm:openai/gpt-4o (1)", "service:a>service:b (1)"]);
    let vault = g.node_index("external:vault").unwrap();
    assert_eq!(g.nodes[vault].spans, vec![4], "the outer client span (index 4 in pre-order)");
}

#[test]
fn a_remote_named_like_a_service_is_that_service() {
    let set = jaeger(&[
        sp("a", 1, 0, "SERVER"),
        // b is instrumented in this trace, but this call's server side is missing.
        sp("a", 2, 1, "CLIENT").attr("peer.service", "b"),
        sp("a", 3, 1, "CLIENT").attr("peer.service", "c"),
        sp("c", 4, 3, "SERVER"),
        sp("c", 5, 4, "CLIENT").attr("peer.service", "b"),
        sp("b", 6, 5, "SERVER"),
        // Named like the caller itself: no self edge, unless it is a store named after it.
        sp("a", 7, 1, "CLIENT").attr("peer.service", "a"),
        sp("a", 8, 1, "CLIENT").attr("peer.service", "a").attr("db.statement", "SELECT 1"),
    ]);
    let g = dependency_graph(&set, Some(0));
    assert_eq!(edges(&g), vec!["service:a>database:a (1)", "service:a>service:b (1)", "service:a>service:c (1)", "service:c>service:b (1)"]);
    // The service node keeps only its own spans.
    let b = g.node_index("service:b").unwrap();
    assert_eq!(g.nodes[b].spans.len(), 1);
    assert_eq!(g.nodes.len(), 4);
}

#[test]
fn a_client_answered_in_its_own_service_draws_nothing() {
    let set = otlp(&[
        sp("a", 1, 0, "SERVER"),
        sp("a", 2, 1, "CLIENT").attr("server.address", "a.internal"),
        sp("a", 3, 2, "SERVER"),
    ]);
    let g = dependency_graph(&set, Some(0));
    assert!(g.edges.is_empty(), "{:?}", edges(&g));
    assert_eq!(g.nodes.len(), 1);
}

// ───────────────────────────── brokers ─────────────────────────────

#[test]
fn producer_and_consumer_go_through_the_broker() {
    // Zipkin: the broker is the remote endpoint of both; the consumer is the producer's child.
    let child = zipkin(&[
        sp("shop", 1, 0, "SERVER"),
        sp("shop", 2, 1, "PRODUCER").attr("zipkin.remote", "kafka").attr("kafka.topic", "orders"),
        sp("billing", 3, 2, "CONSUMER").attr("zipkin.remote", "kafka").attr("kafka.topic", "orders"),
        sp("billing", 4, 3, "CLIENT").attr("zipkin.remote", "ledger"),
    ]);
    let want = vec!["messaging:kafka>service:billing (1)", "service:billing>external:ledger (1)", "service:shop>messaging:kafka (1)"];
    assert_eq!(edges(&dependency_graph(&child, Some(0))), want, "no direct shop → billing edge");
    assert_eq!(kind_of(&dependency_graph(&child, Some(0)), "messaging:kafka"), Some(NodeKind::Messaging));
    // Siblings under one SERVER span (the consumer is not the producer's child): the
    // server → consumer edge is the same message, drawn through the broker only.
    let siblings = zipkin(&[
        sp("shop", 1, 0, "SERVER"),
        sp("shop", 2, 1, "PRODUCER").attr("zipkin.remote", "rabbitmq"),
        sp("mailer", 3, 1, "CONSUMER").attr("zipkin.remote", "rabbitmq"),
    ]);
    assert_eq!(edges(&dependency_graph(&siblings, Some(0))), vec!["messaging:rabbitmq>service:mailer (1)", "service:shop>messaging:rabbitmq (1)"]);
    // OTLP with messaging.* attributes: the destination node, no direct edge either.
    let otel = otlp(&[
        sp("shop", 1, 0, "SERVER"),
        sp("shop", 2, 1, "PRODUCER").attr("messaging.system", "kafka").attr("messaging.destination.name", "orders"),
        sp("billing", 3, 2, "CONSUMER").attr("messaging.system", "kafka").attr("messaging.destination.name", "orders"),
    ]);
    assert_eq!(
        edges(&dependency_graph(&otel, Some(0))),
        vec!["messaging:kafka/orders>service:billing (1)", "service:shop>messaging:kafka/orders (1)"]
    );
    // Jaeger tags: peer.service on both sides.
    let jg = jaeger(&[
        sp("shop", 1, 0, "SERVER"),
        sp("shop", 2, 1, "PRODUCER").attr("peer.service", "nats"),
        sp("billing", 3, 2, "CONSUMER").attr("peer.service", "nats"),
    ]);
    assert_eq!(edges(&dependency_graph(&jg, Some(0))), vec!["messaging:nats>service:billing (1)", "service:shop>messaging:nats (1)"]);
}

#[test]
fn a_consumer_without_a_broker_is_the_producer_call() {
    // The consumer names no broker: the producer's call is the service edge to it.
    let set = zipkin(&[
        sp("shop", 1, 0, "SERVER"),
        sp("shop", 2, 1, "PRODUCER").attr("zipkin.remote", "kafka"),
        sp("billing", 3, 2, "CONSUMER"),
    ]);
    assert_eq!(edges(&dependency_graph(&set, Some(0))), vec!["service:shop>service:billing (1)"]);
    // The producer names none: the direct edge stays next to the consumer's broker edge.
    let set = zipkin(&[
        sp("shop", 1, 0, "SERVER"),
        sp("shop", 2, 1, "PRODUCER"),
        sp("billing", 3, 2, "CONSUMER").attr("zipkin.remote", "kafka"),
    ]);
    assert_eq!(edges(&dependency_graph(&set, Some(0))), vec!["messaging:kafka>service:billing (1)", "service:shop>service:billing (1)"]);
}

// ───────────────────────────── both graphs, the corpus ─────────────────────────────

#[test]
fn analyze_json_has_remote_nodes_per_trace_and_set_wide() {
    let mut spans = Vec::new();
    for t in 1..=3u32 {
        spans.push(sp("checkout", 1, 0, "SERVER").trace(t));
        let call = sp("checkout", 2, 1, "CLIENT").trace(t).attr("peer.service", "payments");
        spans.push(if t == 2 { call.attr("error", "true") } else { call });
    }
    let set = jaeger(&spans);
    let j = report::analyze_json(&set, &ReportOptions::default());
    for t in j["traces"].as_array().unwrap() {
        let g = &t["dependency_graph"];
        assert!(g["nodes"].as_array().unwrap().iter().any(|n| n["id"] == "external:payments" && n["kind"] == "external" && n["label"] == "payments"));
        assert_eq!(g["edges"][0]["to"], "external:payments");
        assert_eq!(g["edges"][0]["calls"], 1);
    }
    let all = &j["dependency_graph"];
    let e = &all["edges"][0];
    // Three calls of 98 ms each (span 2 lasts 100 - 2 ms, `Sp::duration_us`), one an error.
    assert_eq!((e["from"].as_str(), e["to"].as_str(), e["calls"].as_u64(), e["errors"].as_u64()), (Some("service:checkout"), Some("external:payments"), Some(3), Some(1)));
    assert_eq!(e["p50_ns"], 98_000_000);
    // The service-to-service graph keeps its meaning: no remote services in it.
    assert_eq!(j["service_graph"], serde_json::json!([]));
}

#[test]
fn corpus_zipkin_traces_gain_their_remote_services() {
    // messaging-orphans.json: transfer-service publishes to rabbitmq (PRODUCER, remote
    // rabbitmq), notification-service consumes from it (CONSUMER, remote rabbitmq).
    let set = corpus("zipkin/messaging-orphans.json");
    assert_eq!(set.spans.len(), 11, "MANIFEST: 11 spans");
    let g = dependency_graph(&set, None);
    let e = edges(&g);
    assert!(e.contains(&"service:transfer-service>messaging:rabbitmq (1)".to_string()), "{e:?}");
    assert!(e.contains(&"messaging:rabbitmq>service:notification-service (1)".to_string()), "{e:?}");
    // netflix: apip calls evcache_g, named only in remoteEndpoint; its api call has the server half.
    let set = corpus("zipkin/netflix-incomplete-spans.json");
    assert_eq!(set.spans.len(), 8, "MANIFEST: 8 spans");
    let e = edges(&dependency_graph(&set, Some(0)));
    assert!(e.contains(&"service:apip>external:evcache_g (1)".to_string()), "{e:?}");
    assert!(!e.iter().any(|x| x.contains("external:api")), "api answers its own call: {e:?}");
    // smartthings: bookie's 120 SQL queries name bookie itself (a store named after it);
    // pusher posts to archiver.st.internal (http.url).
    let set = corpus("zipkin/smartthings-mobile-web-install-1041spans.json");
    assert_eq!(set.spans.len(), 1041, "MANIFEST: 1041 spans");
    let e = edges(&dependency_graph(&set, Some(0)));
    assert!(e.contains(&"service:bookie>database:bookie (120)".to_string()), "{e:?}");
    assert!(e.contains(&"service:pusher>external:archiver.st.internal (1)".to_string()), "{e:?}");
    // Their spans are named "\n": listed as "(no name)" with the query they ran.
    let g = dependency_graph(&set, Some(0));
    let n = &g.nodes[g.node_index("database:bookie").unwrap()];
    let list = node_span_list(&set, &n.spans, &n.label, n.kind.as_str(), MAX_LISTED_SPANS);
    assert_eq!((list.total, list.rows.len()), (120, 120));
    assert!(list.rows.iter().all(|r| r.name == "(no name)" && !r.detail.is_empty()), "{:?}", list.rows[0]);
}

// ───────────────────────────── the list under the graph ─────────────────────────────

#[test]
fn a_remote_node_lists_its_client_spans() {
    let mut spans = Vec::new();
    for t in 1..=2u32 {
        spans.push(sp("frontend", 1, 0, "SERVER").trace(t));
        spans.push(sp("frontend", 2, 1, "CLIENT").trace(t).attr("zipkin.remote", "memcache").attr("http.path", "/get   session"));
        spans.push(sp("catalog", 3, 1, "CLIENT").trace(t).attr("zipkin.remote", "memcache").attr("error", "timeout"));
    }
    let set = zipkin(&spans);
    let g = dependency_graph(&set, None);
    let n = &g.nodes[g.node_index("database:memcache").unwrap()];
    let list = node_span_list(&set, &n.spans, &n.label, n.kind.as_str(), MAX_LISTED_SPANS);
    // Two client spans per trace, two traces.
    assert_eq!(list.total, 4);
    assert_eq!(list.heading, "4 client spans call memcache db (database), in 2 traces");
    let rows: Vec<(&str, &str, &str, &str, bool)> =
        list.rows.iter().map(|r| (r.service.as_str(), r.name.as_str(), r.detail.as_str(), r.duration.as_str(), r.error)).collect();
    // Span 2 lasts 98 ms, span 3 97 ms (`Sp::duration_us`); the catalog call has an error
    // tag; the detail is the first of the statement / URL / path keys, spaces squeezed.
    assert_eq!(rows[0], ("frontend", "op2", "/get session", "98 ms", false));
    assert_eq!(rows[1], ("catalog", "op3", "", "97 ms", true));
    assert_eq!(rows.len(), 4);
    // Cut to one row; an index out of range is skipped.
    let cut = node_span_list(&set, &[n.spans[0], u32::MAX], "memcache db", "database", 1);
    assert_eq!((cut.rows.len(), cut.total), (1, 1));
    assert_eq!(cut.heading, "1 client span calls memcache db (database)");
}
