//! Trace shapes for the analysis benchmarks: a shape name and a span count in,
//! generated spans out (encode them with `synth::encode`). Each shape stresses one
//! analysis the way a real trace can: long chains of LLM calls on the critical path,
//! wide fan-outs, deep chains, many traces with late starts, long N+1 runs.
//!
//! `generated` is exactly `clew gen --spans N --traces 1 --seed 1`.

use clew::synth::{self, GenOptions, GenSpan, GenVal};

/// Every shape, in table order.
pub const SHAPES: [&str; 9] =
    ["generated", "llm-agent", "llm-fan-out", "llm-chain", "deep-chain", "fan-out", "late-start", "n-plus-one", "many-traces"];

const T0_US: u64 = 1_700_000_000_000_000;
const MODELS: [&str; 5] =
    ["gpt-4o-mini", "claude-3-5-sonnet-20241022", "gpt-4o-2024-08-06", "acme-mystery-7b", "text-embedding-3-small"];

/// Appends spans of one trace; ids are unique across the whole output.
struct Out {
    spans: Vec<GenSpan>,
    trace: u128,
}

impl Out {
    fn add(&mut self, parent: Option<u64>, service: usize, name: &str, start_us: u64, duration_us: u64, tags: Tags) -> u64 {
        let id = (self.spans.len() as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let kind = if parent.is_none() { 2 } else { 3 };
        self.spans.push(GenSpan {
            trace: self.trace,
            id,
            parent,
            service,
            name: name.to_string(),
            kind,
            start_us,
            duration_us: duration_us.max(1),
            error: false,
            tags,
            event: None,
        });
        id
    }
}

type Tags = Vec<(&'static str, GenVal)>;

fn text(v: &str) -> GenVal {
    GenVal::Str(v.to_string())
}

/// Model, provider and token counts of call number `k`.
fn call_tags(k: u64) -> Tags {
    let model = MODELS[(k % MODELS.len() as u64) as usize];
    vec![
        ("gen_ai.system", text(if model.starts_with("claude") { "anthropic" } else { "openai" })),
        ("gen_ai.request.model", text(model)),
        ("gen_ai.usage.input_tokens", GenVal::Int(100 + (k * 37 % 3000) as i64)),
        ("gen_ai.usage.output_tokens", GenVal::Int((k * 11 % 700) as i64)),
    ]
}

/// An agent running steps one after another: each step is a wrapped call, a plain
/// call, or a tool holding an HTTP call and a nested call.
fn llm_agent(n: usize) -> Vec<GenSpan> {
    let mut o = Out { spans: Vec::with_capacity(n), trace: 0xa9e7 };
    let root = o.add(None, 0, "POST /chat", T0_US, 1, vec![("user.id", text("u-1"))]);
    let agent = o.add(Some(root), 9, "invoke_agent", T0_US + 10, 1, vec![("gen_ai.operation.name", text("invoke_agent"))]);
    let (mut t, mut k) = (T0_US + 20, 0u64);
    while o.spans.len() + 3 <= n {
        let d = 200 + k * 7 % 400;
        match k % 3 {
            0 => {
                let w = o.add(Some(agent), 9, "ai.generateText", t, d + 20, vec![("ai.model.id", text("gpt-4o-mini"))]);
                o.add(Some(w), 9, "ai.generateText.doGenerate", t + 10, d, call_tags(k));
            }
            1 => {
                o.add(Some(agent), 9, "chat", t, d, call_tags(k));
            }
            _ => {
                let tool = o.add(Some(agent), 9, "execute_tool", t, d, vec![("gen_ai.operation.name", text("execute_tool"))]);
                let url = GenVal::Str(format!("http://s/items/{k}"));
                o.add(Some(tool), 7, "GET", t + 5, d / 3, vec![("http.request.method", text("GET")), ("url.full", url)]);
                o.add(Some(tool), 9, "chat", t + d / 2, d / 3, call_tags(k));
            }
        }
        t += d + 30;
        k += 1;
    }
    o.spans[0].duration_us = t + 10 - T0_US;
    o.spans[1].duration_us = t - T0_US;
    o.spans
}

/// One root with `n - 1` overlapping calls.
fn llm_fan_out(n: usize) -> Vec<GenSpan> {
    let mut o = Out { spans: Vec::with_capacity(n), trace: 0xfa17 };
    let root = o.add(None, 9, "batch", T0_US, 5_000_000, vec![]);
    for k in 1..n as u64 {
        o.add(Some(root), 9, "chat", T0_US + 100 + k % 1000 * 4_000 + k % 7, 500 + k * 13 % 30_000, call_tags(k));
    }
    o.spans
}

/// A chain `n` deep, each span 1 µs inside its parent; with `calls`, every level but
/// every fourth (a tool) is an LLM call.
fn chain(n: usize, calls: bool) -> Vec<GenSpan> {
    let mut o = Out { spans: Vec::with_capacity(n), trace: if calls { 0xc4a1 } else { 0xdee9 } };
    let mut parent = None;
    for k in 0..n as u64 {
        let tags = match (calls, k % 4) {
            (false, _) => vec![],
            (true, 3) => vec![("gen_ai.operation.name", text("execute_tool"))],
            (true, _) => call_tags(k),
        };
        let name = if calls { "step" } else { ["a", "b", "c", "d", "e", "f", "g"][(k % 7) as usize] };
        parent = Some(o.add(parent, 1 + (k % 3) as usize, name, T0_US + k, 2 * n as u64 + 10 - 2 * k, tags));
    }
    o.spans
}

/// One root with `n - 1` DB queries in overlapping waves.
fn fan_out(n: usize) -> Vec<GenSpan> {
    let mut o = Out { spans: Vec::with_capacity(n), trace: 0xfa50 };
    let root = o.add(None, 1, "root", T0_US, 900_000, vec![]);
    for k in 1..n as u64 {
        let stmt = GenVal::Str(format!("SELECT * FROM t{} WHERE id = {k}", k % 10));
        let tags = vec![("db.system", text("postgresql")), ("db.statement", stmt)];
        o.add(Some(root), 3, &format!("SELECT op{}", k % 10), T0_US + 2 + k % 500 * 1_000, 500 + k % 13 * 10, tags);
    }
    o.spans
}

/// Traces of five spans whose query starts late (the same key in every trace) and
/// a step whose key occurs once in the set.
fn late_start(n: usize) -> Vec<GenSpan> {
    let mut o = Out { spans: Vec::with_capacity(n), trace: 0 };
    let mut k = 0u64;
    while o.spans.len() + 5 <= n.max(5) {
        o.trace = 0x1a7e_0000_0000 + u128::from(k);
        let t = T0_US + k * 20_000;
        let root = o.add(None, 1, "GET /report", t, 10_000, vec![]);
        o.add(Some(root), 2, "auth", t + 100, 400, vec![]);
        o.add(Some(root), 3, "SELECT report", t + 3_000 + k % 2_000, 1_000, vec![("db.system", text("postgresql"))]);
        o.add(Some(root), 4, &format!("render v{k}"), t + 7_000, 500, vec![]);
        o.add(Some(root), 5, "flush", t + 8_000, 300, vec![]);
        k += 1;
    }
    o.spans
}

/// One parent with `n - 2` similar queries one after another, and retry runs.
fn n_plus_one(n: usize) -> Vec<GenSpan> {
    let mut o = Out { spans: Vec::with_capacity(n), trace: 0x9101 };
    let root = o.add(None, 3, "GET /cart", T0_US, n as u64 * 110 + 100, vec![]);
    let load = o.add(Some(root), 3, "load cart", T0_US + 10, n as u64 * 110, vec![]);
    let mut t = T0_US + 20;
    for k in 2..n as u64 {
        if k % 40 == 0 {
            o.add(Some(load), 5, "POST /charge", t, 80, vec![("http.request.method", text("POST")), ("http.route", text("/charge"))]);
            if let Some(s) = o.spans.last_mut() {
                s.error = k % 80 == 0;
            }
        } else {
            let stmt = GenVal::Str(format!("SELECT * FROM items WHERE id = {k} AND s = 'x{k}'"));
            o.add(Some(load), 3, "SELECT items", t, 60 + k % 40, vec![("db.system", text("postgresql")), ("db.statement", stmt)]);
        }
        t += 100 + k % 7;
    }
    o.spans
}

/// Traces of five spans: an agent, a call (one of 100 fine-tuned models) and a tool
/// with a query.
fn many_traces(n: usize) -> Vec<GenSpan> {
    let mut o = Out { spans: Vec::with_capacity(n), trace: 0 };
    let mut k = 0u64;
    while o.spans.len() + 5 <= n.max(5) {
        o.trace = 0x3a11_0000_0000 + u128::from(k);
        let t = T0_US + k * 10_000;
        let root = o.add(None, 0, "POST /ask", t, 5_000, vec![]);
        let agent = o.add(Some(root), 9, "invoke_agent", t + 10, 4_900, vec![("gen_ai.operation.name", text("invoke_agent"))]);
        let mut tags = call_tags(k);
        tags[1] = ("gen_ai.request.model", GenVal::Str(format!("ft:gpt-4o-mini:org:{}", k % 100)));
        o.add(Some(agent), 9, "chat", t + 20, 2_000, tags);
        let tool = o.add(Some(agent), 9, "execute_tool", t + 2_100, 1_500, vec![("gen_ai.operation.name", text("execute_tool"))]);
        let stmt = GenVal::Str(format!("SELECT v FROM kb WHERE k = 'k{k}'"));
        o.add(Some(tool), 3, "SELECT", t + 2_150, 1_000, vec![("db.system", text("postgresql")), ("db.statement", stmt)]);
        k += 1;
    }
    o.spans
}

/// The spans of `shape` with about `n` spans (`None` for an unknown shape).
pub fn shape(name: &str, n: usize) -> Option<Vec<GenSpan>> {
    Some(match name {
        "generated" => synth::generate(GenOptions { spans: n, traces: 1, seed: 1 }),
        "llm-agent" => llm_agent(n),
        "llm-fan-out" => llm_fan_out(n),
        "llm-chain" => chain(n, true),
        "deep-chain" => chain(n, false),
        "fan-out" => fan_out(n),
        "late-start" => late_start(n),
        "n-plus-one" => n_plus_one(n),
        "many-traces" => many_traces(n),
        _ => return None,
    })
}
