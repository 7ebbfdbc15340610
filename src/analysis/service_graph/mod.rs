//! Who calls whom: a [`TraceSet`] in, graphs out.
//!
//! * [`service_graph`]: service-to-service edges over all traces, counted once per
//!   parent→child span pair whose services differ (no edge where the parent is
//!   missing); `errors` counts pairs whose child has error status.
//! * [`dependency_graph`]: a typed graph for one trace or all traces. Nodes are
//!   services plus what spans call ([`target`] names them): LLM providers and models,
//!   databases (`db.system` + `db.name` / `db.namespace` / `server.address`), messaging
//!   destinations (`messaging.system` + `messaging.destination.name`), and remote
//!   services that emit no spans of their own, named on the calling side by
//!   `peer.service`, `server.address`, `net.peer.name`, `peer.hostname` or the HTTP host
//!   (kinds `database`, `messaging`, `llm` or `external`). Edges carry calls, errors,
//!   p50/p95 latency and the span indices they came from (so a click can filter the
//!   waterfall).
//!
//! ```text
//!   api-gateway ──▶ context-service ──▶ [database] postgresql db chat
//!        │                 (parent→child spans in different services: service edge;
//!        ▼                  CLIENT/PRODUCER span naming what it calls: typed edge)
//!   llm-orchestrator ──▶ llm-router ──▶ [llm] anthropic claude-3-5-sonnet
//!   audit-service ──▶ [messaging] kafka chat.events ──▶ consumer-service (CONSUMER spans)
//!   checkout ──▶ [external] payments.example.com   (peer.service / server.address / host)
//! ```
//!
//! Which spans make a typed edge: CLIENT, PRODUCER and kind-less spans with db.* or
//! messaging.* attributes; CLIENT, PRODUCER, INTERNAL and kind-less spans that name a
//! `gen_ai` model (in-process model calls are often INTERNAL); CLIENT and PRODUCER spans
//! naming a remote service; CONSUMER spans with messaging.* attributes or a named remote
//! (the broker) make an edge from it to their service. A span whose ancestor in the
//! same service already made an edge to the same node is not counted again (framework
//! wrapper + HTTP client instrumentation of one call).
//!
//! A call is drawn once:
//!
//! * a remote-service call that instrumented spans answer — a child SERVER or CONSUMER
//!   span, or any child span in another service, under the calling span or under a
//!   client span it wraps in its own service — is the service edge to that child, not a
//!   remote node;
//! * a remote-named client span under a client span of its own service that already
//!   drew the call (the HTTP request of an LLM call) adds nothing;
//! * a remote named like another service of the scope is that service's node; one named
//!   like the caller's own service is drawn only as a database, broker or LLM (a store
//!   named after its application), never as a call to itself;
//! * a CONSUMER span that names its broker is drawn broker → consumer, without the
//!   parent → child service edge (the producer's own edge goes to the broker); only a
//!   producer or client parent that named no broker keeps the direct edge.

pub mod target;

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use serde_json::json;

use super::attr_lookup::AttrLookup;
use super::percentile::nearest_rank;
use super::stats::{scope_range, Scope};
use crate::model::{DurNs, Span, SpanKind, TraceSet, NO_SPAN};
use target::{target, KEYS, PREFIXES};

/// A service-to-service edge.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ServiceEdge {
    pub from: String,
    pub to: String,
    pub calls: u64,
    pub errors: u64,
}

/// Service-to-service edges over all traces, sorted by (from, to).
pub fn service_graph(set: &TraceSet) -> Vec<ServiceEdge> {
    let mut by_id: HashMap<(u32, u32), (u64, u64)> = HashMap::new();
    for s in &set.spans {
        let Some(p) = parent_of(set, s) else { continue };
        let (a, b) = (set.service_id(p), set.service_id(s));
        if a == b {
            continue;
        }
        let e = by_id.entry((a.0, b.0)).or_default();
        e.0 += 1;
        if s.is_error() {
            e.1 += 1;
        }
    }
    let mut by_name: BTreeMap<(String, String), (u64, u64)> = BTreeMap::new();
    for ((a, b), (calls, errors)) in by_id {
        let from = set.str(crate::model::StrId(a)).to_string();
        let to = set.str(crate::model::StrId(b)).to_string();
        if from == to {
            continue;
        }
        let e = by_name.entry((from, to)).or_default();
        e.0 += calls;
        e.1 += errors;
    }
    by_name.into_iter().map(|((from, to), (calls, errors))| ServiceEdge { from, to, calls, errors }).collect()
}

/// The top-level `service_graph` field of `clew analyze --json`:
/// `[{"from","to","calls","errors"}]` sorted by (from, to), over all traces.
pub fn service_graph_json(set: &TraceSet) -> serde_json::Value {
    serde_json::Value::Array(
        service_graph(set)
            .into_iter()
            .map(|e| json!({"from": e.from, "to": e.to, "calls": e.calls, "errors": e.errors}))
            .collect(),
    )
}

fn parent_of<'a>(set: &'a TraceSet, s: &Span) -> Option<&'a Span> {
    if s.parent == NO_SPAN {
        None
    } else {
        set.spans.get(s.parent as usize)
    }
}

/// Per span of `range`: whether instrumented spans answer its call — a child SERVER or
/// CONSUMER span, or any child span in another service, under it or under a client span
/// it wraps in its own service. A CONSUMER child that names its broker does not answer:
/// that call is drawn through the broker. One backward pass: a child comes after its
/// parent, so every child is seen before its parent.
fn answered_calls<'a>(set: &'a TraceSet, range: Range<usize>, look: &mut AttrLookup<'a>) -> Vec<bool> {
    let base = range.start;
    let mut answered = vec![false; range.len()];
    for i in range.rev() {
        let s = &set.spans[i];
        let p = s.parent as usize;
        if s.parent == NO_SPAN || p < base || p >= i {
            continue;
        }
        let same_service = set.service_id(&set.spans[p]) == set.service_id(s);
        let answers = if !same_service || matches!(s.kind, SpanKind::Server | SpanKind::Consumer) {
            !(s.kind == SpanKind::Consumer && target(look, s).is_some())
        } else {
            answered[i - base] && matches!(s.kind, SpanKind::Client | SpanKind::Producer | SpanKind::Unspecified)
        };
        if answers {
            answered[p - base] = true;
        }
    }
    answered
}

/// What a dependency-graph node stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeKind {
    Service,
    Database,
    Llm,
    Messaging,
    /// A remote service that is not a database, broker or LLM (an API, a backend).
    External,
}

impl NodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Service => "service",
            NodeKind::Database => "database",
            NodeKind::Llm => "llm",
            NodeKind::Messaging => "messaging",
            NodeKind::External => "external",
        }
    }
}

/// A node: a service, database, LLM model, messaging destination or remote service.
#[derive(Clone, Debug, PartialEq)]
pub struct DepNode {
    /// Stable id: `service:<name>`, `database:<system>/<name>`, `llm:<provider>/<model>`,
    /// `messaging:<system>/<destination>`, or `<kind>:<name>` for a remote service
    /// (`external:payments-api`, `database:mysql`, `messaging:rabbitmq`).
    pub id: String,
    pub kind: NodeKind,
    /// Display text, e.g. "postgresql db chat".
    pub label: String,
    /// Spans of the node (for a service: its spans; otherwise the client spans that call
    /// it), ascending indices into `set.spans`.
    pub spans: Vec<u32>,
    /// Spans in `spans` with error status.
    pub errors: u64,
}

/// A directed edge between two nodes (indices into `DependencyGraph::nodes`).
#[derive(Clone, Debug, PartialEq)]
pub struct DepEdge {
    pub from: usize,
    pub to: usize,
    pub calls: u64,
    pub errors: u64,
    pub p50_ns: DurNs,
    pub p95_ns: DurNs,
    /// The spans that make up the edge (the child span of a service call, the calling
    /// span of a typed edge), ascending.
    pub spans: Vec<u32>,
}

/// A typed dependency graph. Nodes are sorted by id, edges by (from id, to id).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DependencyGraph {
    pub nodes: Vec<DepNode>,
    pub edges: Vec<DepEdge>,
    /// The services of the trace roots in scope (node indices), most frequent first
    /// (ties: node order); a layout puts them first.
    pub roots: Vec<usize>,
}

impl DependencyGraph {
    /// Index of a node by id.
    pub fn node_index(&self, id: &str) -> Option<usize> {
        self.nodes.binary_search_by(|n| n.id.as_str().cmp(id)).ok()
    }
    /// Indices of the nodes joined to `node` by an edge (either direction), ascending.
    /// O(edges) per node: for every node at once, walk the edges once.
    pub fn neighbours(&self, node: usize) -> Vec<usize> {
        let mut v: Vec<usize> = self
            .edges
            .iter()
            .filter_map(|e| {
                if e.from == node {
                    Some(e.to)
                } else if e.to == node {
                    Some(e.from)
                } else {
                    None
                }
            })
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

/// Builds the typed dependency graph over one trace (`Some(index)`) or all traces (`None`).
pub fn dependency_graph(set: &TraceSet, trace: Option<usize>) -> DependencyGraph {
    dependency_graph_with(set, trace, &mut AttrLookup::with_prefixes(set, &KEYS, &PREFIXES))
}

/// The dependency graph of every trace, in trace order, built when the iterator
/// reaches it. One attribute lookup serves all traces: its table is as long as the
/// string table, so building one per trace would cost O(traces × strings).
pub fn dependency_graphs(set: &TraceSet) -> impl Iterator<Item = DependencyGraph> + '_ {
    let mut look = AttrLookup::with_prefixes(set, &KEYS, &PREFIXES);
    (0..set.traces.len()).map(move |t| dependency_graph_with(set, Some(t), &mut look))
}

/// [`dependency_graph`] with a lookup for [`KEYS`] and [`PREFIXES`] that the caller may reuse.
fn dependency_graph_with<'a>(set: &'a TraceSet, trace: Option<usize>, look: &mut AttrLookup<'a>) -> DependencyGraph {
    let scope = match trace {
        Some(t) => Scope::Trace(t),
        None => Scope::All,
    };
    let range = scope_range(set, scope);
    let base = range.start;

    struct NodeAcc {
        id: String,
        kind: NodeKind,
        label: String,
        spans: Vec<u32>,
        errors: u64,
    }
    #[derive(Default)]
    struct EdgeAcc {
        durs: Vec<u64>,
        errors: u64,
        spans: Vec<u32>,
    }
    let mut nodes: Vec<NodeAcc> = Vec::new();
    let mut by_id: HashMap<String, u32> = HashMap::new();
    let mut by_service: HashMap<u32, u32> = HashMap::new();
    let mut edges: HashMap<(u32, u32), EdgeAcc> = HashMap::new();
    // Per span: the typed node it (or its nearest same-service ancestor) calls.
    let mut inherited: Vec<u32> = vec![u32::MAX; range.len()];
    // A node by id; the id and label are made into strings only for a new node.
    let mut node_slot = |nodes: &mut Vec<NodeAcc>, id: &str, kind: NodeKind, label: &dyn Fn() -> String| -> u32 {
        if let Some(&n) = by_id.get(id) {
            return n;
        }
        nodes.push(NodeAcc { id: id.to_string(), kind, label: label(), spans: Vec::new(), errors: 0 });
        let n = nodes.len() as u32 - 1;
        by_id.insert(id.to_string(), n);
        n
    };
    let mut id_buf = String::new();
    let add_edge = |edges: &mut HashMap<(u32, u32), EdgeAcc>, key: (u32, u32), s: &Span, i: usize| {
        let e = edges.entry(key).or_default();
        e.durs.push(s.duration_ns);
        if s.is_error() {
            e.errors += 1;
        }
        e.spans.push(i as u32);
    };

    // Every service of the scope is a node first, so that a remote named like a service
    // finds it wherever that service's spans come.
    let mut service_by_name: HashMap<&str, u32> = HashMap::new();
    for i in range.clone() {
        let s = &set.spans[i];
        if let Entry::Vacant(slot) = by_service.entry(set.service_id(s).0) {
            let name = set.service_of(s);
            id_buf.clear();
            id_buf.push_str("service:");
            id_buf.push_str(name);
            let n = node_slot(&mut nodes, &id_buf, NodeKind::Service, &|| name.to_string());
            slot.insert(n);
            service_by_name.insert(name, n);
        }
    }
    let answered = answered_calls(set, range.clone(), look);

    for i in range.clone() {
        let s = &set.spans[i];
        let Some(&me) = by_service.get(&set.service_id(s).0) else { continue };
        let node = &mut nodes[me as usize];
        node.spans.push(i as u32);
        if s.is_error() {
            node.errors += 1;
        }
        // The parent is in scope: spans of a trace are contiguous, a parent before its children.
        let parent = parent_of(set, s).filter(|_| (s.parent as usize) >= base && (s.parent as usize) < i);
        let callee = target(look, s);
        // Service → service, unless this CONSUMER names its broker: then the call goes
        // producer → broker → consumer — but a producer (or client) span that named no
        // broker keeps its direct edge, the only one its call has.
        if let Some(p) = parent
            && let Some(&pn) = by_service.get(&set.service_id(p).0) {
                let unnamed_call = matches!(p.kind, SpanKind::Producer | SpanKind::Client | SpanKind::Unspecified)
                    && inherited[s.parent as usize - base] == u32::MAX;
                let via_broker = s.kind == SpanKind::Consumer && callee.is_some() && !unnamed_call;
                if pn != me && !via_broker {
                    add_edge(&mut edges, (pn, me), s, i);
                }
            }
        // Typed targets; inherited only within one service, so a call made again by
        // another service counts.
        let parent_slot = match parent {
            Some(p) if set.service_id(p) == set.service_id(s) => inherited[s.parent as usize - base],
            _ => u32::MAX,
        };
        inherited[i - base] = parent_slot;
        let Some(t) = callee else { continue };
        let slot = if t.remote {
            if s.kind != SpanKind::Consumer && answered[i - base] {
                continue; // Instrumented spans answer it: the service edge to them is the call.
            }
            if parent_slot != u32::MAX && parent.is_some_and(|p| matches!(p.kind, SpanKind::Client | SpanKind::Producer)) {
                continue; // The transport of its parent's call (an HTTP span under an LLM call).
            }
            match service_by_name.get(t.first.as_ref()) {
                Some(&n) if n != me => n,
                Some(_) if t.kind == NodeKind::External => continue, // A call to its own service.
                _ => {
                    t.write_id(&mut id_buf);
                    node_slot(&mut nodes, &id_buf, t.kind, &|| t.label())
                }
            }
        } else {
            t.write_id(&mut id_buf);
            node_slot(&mut nodes, &id_buf, t.kind, &|| t.label())
        };
        inherited[i - base] = slot;
        if parent_slot == slot {
            continue; // An ancestor in this service already made this call.
        }
        let n = &mut nodes[slot as usize];
        if n.kind != NodeKind::Service {
            n.spans.push(i as u32);
            if s.is_error() {
                n.errors += 1;
            }
        }
        let key = if s.kind == SpanKind::Consumer { (slot, me) } else { (me, slot) };
        add_edge(&mut edges, key, s, i);
    }

    // Services of the trace roots in scope.
    let mut root_count: HashMap<u32, u64> = HashMap::new();
    let traces: Vec<usize> = match trace {
        Some(t) if t < set.traces.len() => vec![t],
        Some(_) => Vec::new(),
        None => (0..set.traces.len()).collect(),
    };
    for t in traces {
        if let Some(r) = set.spans.get(set.traces[t].root as usize)
            && let Some(&n) = by_service.get(&set.service_id(r).0) {
                *root_count.entry(n).or_default() += 1;
            }
    }

    // Sort nodes by id and remap; two ids never collide (services by name text).
    let mut order: Vec<usize> = (0..nodes.len()).collect();
    order.sort_by(|&a, &b| nodes[a].id.cmp(&nodes[b].id));
    let mut new_index = vec![0usize; nodes.len()];
    for (k, &o) in order.iter().enumerate() {
        new_index[o] = k;
    }
    let mut out_edges: Vec<DepEdge> = edges
        .into_iter()
        .map(|((f, t), mut e)| {
            e.durs.sort_unstable();
            e.spans.sort_unstable();
            DepEdge {
                from: new_index[f as usize],
                to: new_index[t as usize],
                calls: e.durs.len() as u64,
                errors: e.errors,
                p50_ns: nearest_rank(&e.durs, 50.0).unwrap_or(0),
                p95_ns: nearest_rank(&e.durs, 95.0).unwrap_or(0),
                spans: e.spans,
            }
        })
        .collect();
    out_edges.sort_by_key(|e| (e.from, e.to));
    let mut slots: Vec<Option<NodeAcc>> = nodes.into_iter().map(Some).collect();
    let out_nodes = order
        .iter()
        .filter_map(|&o| slots[o].take())
        .map(|mut n| {
            n.spans.sort_unstable();
            DepNode { id: n.id, kind: n.kind, label: n.label, spans: n.spans, errors: n.errors }
        })
        .collect();
    let mut roots: Vec<(u64, usize)> = root_count.into_iter().map(|(n, c)| (c, new_index[n as usize])).collect();
    roots.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    DependencyGraph { nodes: out_nodes, edges: out_edges, roots: roots.into_iter().map(|r| r.1).collect() }
}

/// JSON form of a dependency graph: `{"nodes":[{"id","kind","label"}],
/// "edges":[{"from","to","calls","errors","p50_ns","p95_ns"}]}` (from/to are node ids).
pub fn dependency_graph_to_json(g: &DependencyGraph) -> serde_json::Value {
    let nodes: Vec<serde_json::Value> =
        g.nodes.iter().map(|n| json!({"id": n.id, "kind": n.kind.as_str(), "label": n.label})).collect();
    let edges: Vec<serde_json::Value> = g
        .edges
        .iter()
        .map(|e| {
            json!({
                "from": g.nodes[e.from].id,
                "to": g.nodes[e.to].id,
                "calls": e.calls,
                "errors": e.errors,
                "p50_ns": e.p50_ns,
                "p95_ns": e.p95_ns,
            })
        })
        .collect();
    let mut o = serde_json::Map::new();
    o.insert("nodes".into(), serde_json::Value::Array(nodes));
    o.insert("edges".into(), serde_json::Value::Array(edges));
    serde_json::Value::Object(o)
}

/// The per-trace `dependency_graph` field of `clew analyze --json`.
pub fn dependency_graph_json(set: &TraceSet, trace: usize) -> serde_json::Value {
    dependency_graph_to_json(&dependency_graph(set, Some(trace)))
}
