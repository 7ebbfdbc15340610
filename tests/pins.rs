//! Pinned outputs: every corpus file and a set of crafted traces in, their
//! `clew analyze --json` report (plus the set-wide stats and LLM aggregates that the
//! report does not carry) compared with the checked-in expectation under `tests/pins/`.
//!
//! Every set is adjusted for clock skew first (`analysis::skew::apply`), as `clew analyze`
//! and the browser do by default.
//!
//! The pins were written by the code as it stood before a change; a refactor or a
//! faster algorithm must reproduce them byte for byte. A change that means to alter
//! an output regenerates them with `PIN_UPDATE=1 cargo test --test pins` in a commit
//! that says what moved and why.
//!
//! Small inputs are pinned in full (readable diffs); the large crafted traces (a
//! 30,000-deep chain, a 50,000-wide fan-out) are pinned by a 64-bit FNV-1a digest of
//! the same text.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test or benchmark fails by panicking; clippy.toml already exempts #[test] bodies, and this covers their helpers")]

use std::path::{Path, PathBuf};

use clew::analysis::llm::call;
use clew::analysis::skew;
use clew::analysis::pricing::PriceTable;
use clew::analysis::stats::{self, GroupBy, Scope};
use clew::model::TraceSet;
use clew::parse;
use clew::report::{self, ReportOptions};
use clew::synth::{self, GenFormat, GenOptions};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// Everything pinned for one loaded set, as one text.
fn pinned_text(set: &TraceSet) -> String {
    let opts = ReportOptions::default();
    let mut out = serde_json::to_string_pretty(&report::analyze_json(set, &opts)).unwrap_or_default();
    out.push('\n');
    let extra = serde_json::json!({
        "stats_by_service": stats::stats_json(set, Scope::All, GroupBy::Service),
        "stats_by_operation": stats::stats_json(set, Scope::All, GroupBy::Operation),
    });
    out.push_str(&serde_json::to_string_pretty(&extra).unwrap_or_default());
    out.push('\n');
    // The LLM aggregates over the whole set, as the LLM tab computes them.
    let a = call::analyze_set(set, &PriceTable::builtin());
    out.push_str(&format!("{a:#?}\n"));
    out
}

fn load_text(name: &str, bytes: &[u8]) -> String {
    match load_set(&[(name, bytes)]) {
        Ok(set) => pinned_text(&set),
        Err(e) => format!("error: {e}\n"),
    }
}

fn fnv1a64(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("fnv1a64:{h:016x} bytes:{}\n", text.len())
}

/// Compares `actual` with the pin at `rel` (or writes it with `PIN_UPDATE=1`).
/// Returns a failure line instead of panicking, so one run lists every mismatch.
fn check(rel: &str, actual: &str) -> Option<String> {
    let path = root().join("pins").join(rel);
    if std::env::var_os("PIN_UPDATE").is_some() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(&path, actual).unwrap();
        return None;
    }
    match std::fs::read_to_string(&path) {
        Ok(expected) if expected == actual => None,
        Ok(expected) => {
            let line = expected.lines().zip(actual.lines()).position(|(a, b)| a != b).map_or(0, |i| i + 1);
            Some(format!("{rel}: differs from its pin (first at line {line})"))
        }
        Err(e) => Some(format!("{rel}: no pin ({e}); run with PIN_UPDATE=1 to write it")),
    }
}

fn corpus_files() -> Vec<(String, PathBuf)> {
    let base = root().join("corpus");
    let mut out = Vec::new();
    let mut stack = vec![base.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n != "LICENSES") {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|e| e == "json" || e == "jsonl") {
                let rel = p.strip_prefix(&base).unwrap().to_string_lossy().replace('\\', "/");
                out.push((rel, p));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn corpus_outputs_match_their_pins() {
    let files = corpus_files();
    // 38 trace files (the MANIFEST's 40 entries less its two left-out AGPL files).
    assert_eq!(files.len(), 38, "corpus files: {files:?}");
    let failures: Vec<String> = files
        .iter()
        .filter_map(|(rel, path)| {
            let bytes = std::fs::read(path).unwrap();
            check(&format!("corpus/{rel}.txt"), &load_text(rel, &bytes))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn demo_output_matches_its_pin() {
    let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("public/demo.json")).unwrap();
    assert_eq!(check("crafted/demo.txt", &load_text("demo.json", &bytes)), None);
}

/// Generated sets in every writer format: services, DB, messaging and LLM calls.
#[test]
fn generated_outputs_match_their_pins() {
    let cases = [
        ("gen-otlp-2000x4-s1", 2000, 4, 1, GenFormat::Otlp),
        ("gen-jaeger-5000x1-s2", 5000, 1, 2, GenFormat::Jaeger),
        ("gen-zipkin-3000x10-s3", 3000, 10, 3, GenFormat::Zipkin),
        ("gen-otlp-b64-1500x3-s4", 1500, 3, 4, GenFormat::OtlpBase64),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|&(name, spans, traces, seed, format)| {
            let doc = synth::encode(&synth::generate(GenOptions { spans, traces, seed }), format);
            check(&format!("crafted/{name}.txt"), &fnv1a64(&load_text(&format!("{name}.json"), doc.as_bytes())))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn otlp_doc(spans: &str) -> String {
    format!(
        "{{\"resourceSpans\":[{{\"resource\":{{\"attributes\":[{{\"key\":\"service.name\",\"value\":{{\"stringValue\":\"svc\"}}}}]}},\"scopeSpans\":[{{\"spans\":[{spans}]}}]}}]}}"
    )
}

/// A 30,000-deep chain: each span starts 1 µs after its parent and ends 1 µs before it.
fn deep_chain_doc() -> String {
    let n = 30_000u64;
    let spans: Vec<String> = (1..=n)
        .map(|i| {
            let parent = if i == 1 { String::new() } else { format!(",\"parentSpanId\":\"{:016x}\"", i - 1) };
            format!(
                "{{\"traceId\":\"000000000000000000000000000000aa\",\"spanId\":\"{i:016x}\"{parent},\"name\":\"op{}\",\"startTimeUnixNano\":\"{}\",\"endTimeUnixNano\":\"{}\"}}",
                i % 7,
                1_000_000 + i * 1000,
                100_000_000 - i * 1000
            )
        })
        .collect();
    otlp_doc(&spans.join(","))
}

#[test]
fn deep_chain_output_matches_its_pin() {
    let doc = deep_chain_doc();
    assert_eq!(check("crafted/deep-chain-30000.txt", &fnv1a64(&load_text("deep.json", doc.as_bytes()))), None);
}

/// A 50,000-wide fan-out: one root, children of 10 operations in overlapping waves.
fn fan_out_doc() -> String {
    let n = 50_000u64;
    let mut spans = vec![
        "{\"traceId\":\"000000000000000000000000000000bb\",\"spanId\":\"0000000000000001\",\"name\":\"root\",\"startTimeUnixNano\":\"1000\",\"endTimeUnixNano\":\"900000000\"}".to_string(),
    ];
    for i in 2..=n {
        let start = 2000 + (i % 500) * 1_000_000 + i;
        spans.push(format!(
            "{{\"traceId\":\"000000000000000000000000000000bb\",\"spanId\":\"{i:016x}\",\"parentSpanId\":\"0000000000000001\",\"name\":\"SELECT op{}\",\"kind\":3,\"attributes\":[{{\"key\":\"db.system\",\"value\":{{\"stringValue\":\"postgresql\"}}}},{{\"key\":\"db.statement\",\"value\":{{\"stringValue\":\"SELECT * FROM t{} WHERE id = {i}\"}}}}],\"startTimeUnixNano\":\"{start}\",\"endTimeUnixNano\":\"{}\"}}",
            i % 10,
            i % 10,
            start + 500_000 + (i % 13) * 10_000
        ));
    }
    otlp_doc(&spans.join(","))
}

#[test]
fn wide_fan_out_output_matches_its_pin() {
    let doc = fan_out_doc();
    assert_eq!(check("crafted/fan-out-50000.txt", &fnv1a64(&load_text("fan.json", doc.as_bytes()))), None);
}

// ---------------------------------------------------------------------------
// Extended pins: what the analyses compute beyond the `clew analyze` report (the
// critical-path structs, findings with their parents, per-trace stats with span
// lists, both graphs, the LLM summaries with "waiting on LLM" and "critical path in
// LLM", the LLM aggregates, the charts and the text report). Written before the
// analyses were made linear, so the faster algorithms must give the same answers.
// Pinned in full when short, else by digest, under `tests/pins/extended/`.

use clew::analysis::chart_theme::ChartTheme;
use clew::analysis::llm::{aggregate, charts as llm_charts, summary};
use clew::analysis::{charts, critical_path, patterns, service_graph};
use clew::synth::{GenSpan, GenVal};

/// Everything in [`pinned_text`] plus the full results of each analysis.
fn extended_text(set: &TraceSet) -> String {
    let opts = ReportOptions::default();
    let cfg = patterns::PatternConfig::default();
    let prices = PriceTable::builtin();
    let mut out = pinned_text(set);
    out.push_str(&report::analyze_text(set, &opts));
    let all = call::analyze_set(set, &prices);
    let by_trace = patterns::patterns_all(set, &cfg);
    for t in 0..set.traces.len() {
        let cp = critical_path::critical_path(set, t);
        out.push_str(&format!("trace {t}\n{cp:?}\n"));
        let pairs: Vec<(u32, u64)> = cp.contributions.iter().map(|c| (c.span, c.contribution_ns)).collect();
        let own = call::analyze_trace(set, t, &prices);
        let s = summary::summarize_trace(set, t, &own.calls, Some(&pairs));
        // The UI passes the calls of the whole set; the summary keeps this trace's.
        let s_all = summary::summarize_trace(set, t, &all.calls, Some(&pairs));
        out.push_str(&format!("{s:?}\nsame with all calls: {}\n", s == s_all));
        let one = patterns::patterns(set, t, &cfg);
        out.push_str(&format!("{one:?}\nsame as patterns_all: {}\n", by_trace.get(t) == Some(&one)));
        for group in [GroupBy::Service, GroupBy::Operation] {
            out.push_str(&format!("{:?}\n", stats::stats(set, Scope::Trace(t), group)));
        }
        out.push_str(&format!("{:?}\n", service_graph::dependency_graph(set, Some(t))));
    }
    for group in [GroupBy::Service, GroupBy::Operation] {
        out.push_str(&format!("{:?}\n", stats::stats(set, Scope::All, group)));
    }
    out.push_str(&format!("{:?}\n", stats::self_times(set, 0..set.spans.len())));
    out.push_str(&format!("{:?}\n{:?}\n", service_graph::service_graph(set), service_graph::dependency_graph(set, None)));
    for by in aggregate::GroupBy::ALL {
        out.push_str(&format!("{:?}\n", aggregate::group_calls(set, &all.calls, by)));
    }
    out.push_str(&format!("{:?}\n", aggregate::cache_by_model(&all.calls)));
    out.push_str(&format!("{:?}\n", aggregate::finish_reason_mix(&all.calls)));
    let latency = aggregate::latency_by_model(&all.calls);
    out.push_str(&format!("{latency:?}\n"));
    // LLM facts of each call and wrapper span on its own (the waterfall badges).
    for span in all.calls.iter().map(|c| c.span).chain(all.context.iter().map(|c| c.span)) {
        out.push_str(&format!("{:?}\n", call::span_call(set, span, &prices)));
    }
    // Charts, each as its sorted lines: plotters draws histogram bars in hash order.
    let theme = ChartTheme::default();
    let light = ChartTheme::light();
    let mut svgs = vec![charts::self_time_by_service_svg(set, Scope::All, &theme, 640, 15)];
    if let Some(top) = stats::stats(set, Scope::All, GroupBy::Operation).first() {
        svgs.push(charts::latency_histogram_svg(set, &top.service, &top.operation, &theme, 640, 320, 40));
    }
    svgs.push(llm_charts::cost_by_model_svg(&aggregate::group_calls(set, &all.calls, aggregate::GroupBy::Model), &light, 640, 360));
    svgs.push(llm_charts::cost_over_time_svg(&all.calls, &light, 640, 360));
    svgs.push(llm_charts::tokens_scatter_svg(&all.calls, &light, 640, 360));
    svgs.push(llm_charts::latency_by_model_svg(&latency, &light, 640, 360));
    for svg in svgs {
        let mut lines: Vec<&str> = svg.lines().collect();
        lines.sort_unstable();
        out.push_str(&lines.join("\n"));
        out.push('\n');
    }
    out.push('\n');
    out
}

/// The extended text in full when it is short (readable diffs), else its digest.
fn extended_pin(set: &TraceSet) -> String {
    let text = extended_text(set);
    if text.len() <= 200_000 { text } else { fnv1a64(&text) }
}

/// Loads the inputs and adjusts the times for clock skew, as `clew analyze` does.
fn load_set(inputs: &[(&str, &[u8])]) -> Result<TraceSet, parse::LoadError> {
    let mut set = parse::load(inputs, None)?;
    skew::apply(&mut set);
    Ok(set)
}

fn check_extended(rel: &str, inputs: &[(&str, &[u8])]) -> Option<String> {
    let text = match load_set(inputs) {
        Ok(set) => extended_pin(&set),
        Err(_) => "error\n".to_string(),
    };
    check(&format!("extended/{rel}.txt"), &text)
}

#[test]
fn corpus_extended_outputs_match_their_pins() {
    let failures: Vec<String> = corpus_files()
        .iter()
        .filter_map(|(rel, path)| {
            let bytes = std::fs::read(path).unwrap();
            check_extended(&format!("corpus/{rel}"), &[(rel.as_str(), &bytes)])
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn demo_and_generated_extended_outputs_match_their_pins() {
    let demo = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("public/demo.json")).unwrap();
    let mut failures: Vec<String> = check_extended("demo", &[("demo.json", &demo)]).into_iter().collect();
    for (name, spans, traces, seed, format) in [("gen-otlp-2000x4-s1", 2000, 4, 1, GenFormat::Otlp), ("gen-zipkin-3000x10-s3", 3000, 10, 3, GenFormat::Zipkin)] {
        let doc = synth::encode(&synth::generate(GenOptions { spans, traces, seed }), format);
        failures.extend(check_extended(name, &[("gen.json", doc.as_bytes())]));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// splitmix64, for the crafted shapes below.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
}

/// Builds spans of crafted shapes (times in µs; services index `synth`'s list).
struct Shape {
    spans: Vec<GenSpan>,
    trace: u128,
    next_id: u64,
}

type Tags = Vec<(&'static str, GenVal)>;

impl Shape {
    fn new(trace: u128) -> Shape {
        Shape { spans: Vec::new(), trace, next_id: 0 }
    }
    #[allow(clippy::too_many_arguments)]
    fn span(&mut self, parent: Option<u64>, service: usize, name: &str, kind: u8, start_us: u64, duration_us: u64, tags: Tags) -> u64 {
        self.next_id += 1;
        let id = self.next_id.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        self.spans.push(GenSpan {
            trace: self.trace,
            id,
            parent,
            service,
            name: name.to_string(),
            kind,
            start_us,
            duration_us,
            error: false,
            tags,
            event: None,
        });
        id
    }
    fn last(&mut self) -> &mut GenSpan {
        self.spans.last_mut().unwrap()
    }
}

fn s(v: &str) -> GenVal {
    GenVal::Str(v.to_string())
}

const PIN_MODELS: [&str; 7] =
    ["gpt-4o-mini", "gpt-4o-2024-08-06", "claude-3-5-sonnet-20241022", "text-embedding-3-small", "acme-mystery-7b", "gemini-1.5-pro", "o1-mini"];

/// GenAI attributes of one call: model, tokens, and by `k` a finish reason, cache
/// reads, an explicit cost, or a rate-limit error.
fn llm_tags(r: &mut Rng, k: u64) -> Tags {
    let model = PIN_MODELS[r.below(PIN_MODELS.len() as u64) as usize];
    let mut t: Tags = vec![
        ("gen_ai.operation.name", s("chat")),
        ("gen_ai.system", s(if model.starts_with("claude") { "anthropic" } else { "openai" })),
        ("gen_ai.request.model", s(model)),
        ("gen_ai.usage.input_tokens", GenVal::Int(20 + r.below(4000) as i64)),
        ("gen_ai.usage.output_tokens", GenVal::Int(r.below(900) as i64)),
    ];
    match k % 9 {
        0 => t.push(("gen_ai.response.finish_reasons", s("[\"stop\"]"))),
        1 => t.push(("gen_ai.response.finish_reasons", s("length"))),
        2 => t.push(("gen_ai.usage.cache_read.input_tokens", GenVal::Int(r.below(20) as i64))),
        3 => t.push(("llm.cost.usd", s("0.0125"))),
        4 => {
            t.push(("http.response.status_code", GenVal::Int(429)));
            t.push(("error.type", s("rate_limit_exceeded")));
        }
        5 => t.push(("gen_ai.response.model", s("gpt-4o-mini-2024-07-18"))),
        6 => t.push(("gen_ai.response.finish_reasons", s("content_filter,stop"))),
        _ => {}
    }
    t
}

/// An agent loop of `steps` sequential steps under one root: wrapped calls (a
/// framework span around the SDK span), plain calls, tools holding HTTP calls and
/// nested calls, nested agents with calls and DB queries, and overlapping calls.
/// The critical path is long and goes through the calls.
fn llm_agent_loop(steps: u64) -> Vec<GenSpan> {
    let mut r = Rng(11);
    let mut g = Shape::new(0xa11c_e000_0000_0000_0000_0000_0000_0001);
    let t0 = 1_700_000_000_000_000u64;
    let total = steps * 1_000 + 10_000;
    let root = g.span(None, 0, "POST /chat", 2, t0, total, vec![("user.id", s("u-42")), ("session.id", s("conv-7"))]);
    let agent = g.span(
        Some(root),
        9,
        "invoke_agent planner",
        1,
        t0 + 100,
        total - 200,
        vec![("gen_ai.operation.name", s("invoke_agent")), ("gen_ai.agent.name", s("planner"))],
    );
    let mut t = t0 + 500;
    for i in 0..steps {
        let d = 300 + r.below(500);
        match i % 5 {
            0 => {
                let w = g.span(Some(agent), 9, "ai.generateText", 1, t, d + 40, vec![("ai.model.id", s("gpt-4o-mini")), ("ai.operationId", s("ai.generateText"))]);
                let tags = llm_tags(&mut r, i);
                g.span(Some(w), 9, "ai.generateText.doGenerate", 3, t + 20, d, tags);
                g.last().event = Some((d / 3, "gen_ai.first_token"));
            }
            1 => {
                let tags = llm_tags(&mut r, i);
                g.span(Some(agent), 9, "chat", 3, t, d, tags);
                if i % 3 == 0 {
                    g.last().error = true;
                }
            }
            2 => {
                let tool = g.span(Some(agent), 9, "execute_tool search", 1, t, d, vec![("gen_ai.operation.name", s("execute_tool")), ("gen_ai.tool.name", s("search"))]);
                g.span(Some(tool), 7, "GET", 3, t + 10, d / 3, vec![("http.request.method", s("GET")), ("url.full", s(&format!("https://search/api/items/{}?q=x", 1000 + i)))]);
                if i % 4 == 2 {
                    let tags: Tags = vec![("gen_ai.request.model", s("text-embedding-3-small")), ("gen_ai.usage.total_tokens", GenVal::Int(64))];
                    g.span(Some(tool), 9, "embeddings", 3, t + d / 3 + 20, d / 2, tags);
                }
            }
            3 => {
                let sub = g.span(Some(agent), 9, "invoke_agent researcher", 1, t, d, vec![("gen_ai.operation.name", s("invoke_agent")), ("gen_ai.agent.name", s("researcher"))]);
                let tags = llm_tags(&mut r, i + 1);
                g.span(Some(sub), 9, "chat", 3, t + 5, d / 3, tags);
                g.span(Some(sub), 3, "SELECT notes", 3, t + d / 3 + 10, d / 4, vec![("db.system", s("postgresql")), ("db.statement", s(&format!("SELECT * FROM notes WHERE id = {i}")))]);
                let tags = llm_tags(&mut r, i + 2);
                g.span(Some(sub), 9, "chat", 3, t + d / 3 + d / 4 + 20, d / 3, tags);
            }
            _ => {
                let tags = llm_tags(&mut r, i);
                g.span(Some(agent), 9, "chat", 3, t, d, tags);
                let w = g.span(Some(agent), 9, "llm.wrapper", 1, t + d / 4, d / 2, vec![("gen_ai.request.model", s("claude-3-5-sonnet-20241022"))]);
                let tags = llm_tags(&mut r, i + 3);
                g.span(Some(w), 9, "chat", 3, t + d / 4 + 5, d / 2 - 10, tags);
            }
        }
        // Now and then the agent idles before the next step.
        t += d + 60 + if i % 37 == 0 { 2_000 } else { 0 };
    }
    g.spans.iter_mut().for_each(|x| x.duration_us = x.duration_us.max(1));
    if let Some(rt) = g.spans.first_mut() {
        rt.duration_us = t - t0 + 100;
    }
    if let Some(ag) = g.spans.get_mut(1) {
        ag.duration_us = t - t0 - 100;
    }
    g.spans
}

/// One root with `n` overlapping calls in waves; every tenth is a wrapper around a call.
fn llm_fan_out(n: u64) -> Vec<GenSpan> {
    let mut r = Rng(12);
    let mut g = Shape::new(0xfa11_0000_0000_0000_0000_0000_0000_0002);
    let t0 = 1_700_000_100_000_000u64;
    let root = g.span(None, 9, "batch", 2, t0, 2_000_000, vec![("tenant.id", s("acme"))]);
    for i in 0..n {
        let start = t0 + 100 + (i % 400) * 4_000 + r.below(3_000);
        let d = 1_000 + r.below(40_000);
        let tags = llm_tags(&mut r, i);
        if i % 10 == 0 {
            let w = g.span(Some(root), 9, "ai.embedMany", 1, start, d + 50, vec![("ai.model.id", s("text-embedding-3-small"))]);
            g.span(Some(w), 9, "ai.embedMany.doEmbed", 3, start + 10, d, tags);
        } else {
            g.span(Some(root), 9, "chat", 3, start, d, tags);
            if i % 13 == 0 {
                g.last().error = true;
            }
        }
    }
    g.spans
}

/// A chain `depth` deep where every level is a call (every fourth a tool); a few
/// levels outlive their parent or start before it.
fn llm_deep_chain(depth: u64) -> Vec<GenSpan> {
    let mut r = Rng(13);
    let mut g = Shape::new(0xdee9_0000_0000_0000_0000_0000_0000_0003);
    let t0 = 1_700_000_200_000_000u64;
    let total = depth * 10 + 1_000;
    let mut parent = None;
    for i in 0..depth {
        let mut start = t0 + i * 3;
        let mut dur = total - i * 6;
        if i % 17 == 16 {
            dur += 5; // outlives its parent
        }
        if i % 23 == 22 {
            start -= 5; // starts before its parent
        }
        let (name, tags) = if i % 4 == 3 {
            ("execute_tool lookup", vec![("gen_ai.operation.name", s("execute_tool")), ("gen_ai.tool.name", s("lookup"))])
        } else {
            ("chat", llm_tags(&mut r, i))
        };
        parent = Some(g.span(parent, 9 - (i % 3) as usize, name, 3, start, dur, tags));
    }
    g.spans
}

/// `traces` small traces whose child queries start late (a recurring key), plus
/// keys that occur once in the set and keys that recur within one trace.
fn late_start_traces(traces: u64) -> Vec<GenSpan> {
    let mut out = Vec::new();
    let mut r = Rng(14);
    for k in 0..traces {
        let mut g = Shape::new(0x1a7e_0000_0000_0000_0000_0000_0000_0000 | u128::from(k + 1));
        g.next_id = k * 100;
        let t0 = 1_700_000_300_000_000u64 + k * 50_000;
        let root = g.span(None, 1, "GET /report", 2, t0, 10_000 + r.below(5_000), vec![]);
        g.span(Some(root), 2, "auth", 3, t0 + 100, 400, vec![]);
        let wait = 2_500 + r.below(3_000);
        g.span(Some(root), 3, "SELECT report", 3, t0 + wait, 1_000, vec![("db.system", s("postgresql")), ("db.statement", s(&format!("SELECT * FROM r WHERE id = {k}")))]);
        let once = format!("render v{k}");
        g.span(Some(root), 4, &once, 3, t0 + wait + 4_000, 500, vec![]);
        if k % 7 == 0 {
            let twice = format!("flush v{k}");
            g.span(Some(root), 5, &twice, 3, t0 + wait + 6_000, 200, vec![]);
            g.span(Some(root), 5, &twice, 3, t0 + wait + 9_000, 200, vec![]);
        }
        out.extend(g.spans);
    }
    out
}

/// One parent with `n` similar queries in sequence, runs of retries, a second N+1
/// group over URLs, and distinct calls to other services.
fn n_plus_one_long(n: u64) -> Vec<GenSpan> {
    let mut g = Shape::new(0x9100_0000_0000_0000_0000_0000_0000_0005);
    let t0 = 1_700_000_400_000_000u64;
    let root = g.span(None, 3, "GET /cart", 2, t0, n * 200 + 10_000, vec![]);
    let load = g.span(Some(root), 3, "load cart", 1, t0 + 10, n * 200 + 5_000, vec![]);
    let mut t = t0 + 50;
    for i in 0..n {
        if i % 50 == 49 {
            for a in 0..3 {
                g.span(Some(load), 5, "POST /charge", 3, t, 80, vec![("http.request.method", s("POST")), ("http.route", s("/charge"))]);
                g.last().error = a < 2;
                t += 100;
            }
        } else if i % 97 == 0 {
            g.span(Some(load), 6, "GET", 3, t, 90, vec![("http.request.method", s("GET")), ("url.full", s(&format!("http://inventory/api/stock/{i}?x=1")))]);
        } else if i % 211 == 0 {
            let name = format!("call shipping {i}");
            g.span(Some(load), 11, &name, 3, t, 150, vec![]);
        } else {
            let stmt = if i % 3 == 0 { format!("SELECT * FROM items WHERE id IN ({i}, {}, 3)", i + 1) } else { format!("SELECT * FROM items WHERE id = {i} AND s = 'x{i}'") };
            g.span(Some(load), 3, "SELECT items", 3, t, 60 + (i % 40), vec![("db.system", s("postgresql")), ("db.statement", GenVal::Str(stmt))]);
        }
        t += 100 + (i % 7) * 10;
    }
    g.spans
}

/// Many small traces with calls to many (fine-tuned) models and unique statements.
fn many_llm_traces(traces: u64) -> Vec<GenSpan> {
    let mut out = Vec::new();
    let mut r = Rng(15);
    for k in 0..traces {
        let mut g = Shape::new(0x3a11_0000_0000_0000_0000_0000_0000_0000 | u128::from(k + 1));
        g.next_id = k * 100;
        let t0 = 1_700_000_500_000_000u64 + k * 10_000;
        let root = g.span(None, 0, "POST /ask", 2, t0, 5_000, vec![("user.id", s(&format!("user-{}", k % 40)))]);
        let agent = g.span(Some(root), 9, "invoke_agent helper", 1, t0 + 10, 4_900, vec![("gen_ai.operation.name", s("invoke_agent"))]);
        let mut tags = llm_tags(&mut r, k);
        if k % 3 == 0 {
            tags.retain(|(key, _)| *key != "gen_ai.request.model");
            tags.push(("gen_ai.request.model", s(&format!("ft:gpt-4o-mini:org:{}", k % 150))));
        }
        g.span(Some(agent), 9, "chat", 3, t0 + 20, 2_000, tags);
        let tool = g.span(Some(agent), 9, "execute_tool db", 1, t0 + 2_100, 1_500, vec![("gen_ai.operation.name", s("execute_tool"))]);
        g.span(Some(tool), 3, "SELECT", 3, t0 + 2_150, 1_000, vec![("db.system", s("postgresql")), ("db.name", s("kb")), ("db.statement", s(&format!("SELECT body FROM kb WHERE key = 'k{k}'")))]);
        out.extend(g.spans);
    }
    out
}

fn otlp(spans: &[GenSpan]) -> String {
    synth::encode(spans, GenFormat::Otlp)
}

#[test]
fn llm_agent_loop_matches_its_pin() {
    let doc = otlp(&llm_agent_loop(2_500));
    assert_eq!(check_extended("llm-agent-loop-2500", &[("agent.json", doc.as_bytes())]), None);
}

#[test]
fn llm_fan_out_matches_its_pin() {
    let doc = otlp(&llm_fan_out(6_000));
    assert_eq!(check_extended("llm-fan-out-6000", &[("fan.json", doc.as_bytes())]), None);
}

#[test]
fn llm_deep_chain_matches_its_pin() {
    let doc = otlp(&llm_deep_chain(4_000));
    assert_eq!(check_extended("llm-deep-chain-4000", &[("chain.json", doc.as_bytes())]), None);
}

#[test]
fn late_start_traces_match_their_pin() {
    let doc = otlp(&late_start_traces(1_500));
    assert_eq!(check_extended("late-start-1500-traces", &[("late.json", doc.as_bytes())]), None);
}

#[test]
fn n_plus_one_long_matches_its_pin() {
    let doc = otlp(&n_plus_one_long(8_000));
    assert_eq!(check_extended("n-plus-one-8000", &[("n1.json", doc.as_bytes())]), None);
}

#[test]
fn many_llm_traces_match_their_pin() {
    let doc = otlp(&many_llm_traces(2_000));
    assert_eq!(check_extended("many-llm-traces-2000", &[("many.json", doc.as_bytes())]), None);
}

/// A Jaeger trace whose root has CHILD_OF and FOLLOWS_FROM children (the async ones
/// run past the root), with grandchildren under both.
fn jaeger_follows_from(n: u64) -> String {
    let tid = "00000000000000000000000000000f0f";
    let mut spans = vec![format!(
        "{{\"traceID\":\"{tid}\",\"spanID\":\"0000000000000001\",\"operationName\":\"enqueue\",\"references\":[],\"startTime\":1700000600000000,\"duration\":50000,\"tags\":[],\"processID\":\"p1\"}}"
    )];
    for i in 2..=n {
        let (parent, rt) = if i % 3 == 0 { (i - 1, "FOLLOWS_FROM") } else { (1, if i % 2 == 0 { "CHILD_OF" } else { "FOLLOWS_FROM" }) };
        let start = 1_700_000_600_000_000u64 + i * 40;
        let dur = 2_000 + (i % 11) * 9_000;
        spans.push(format!(
            "{{\"traceID\":\"{tid}\",\"spanID\":\"{i:016x}\",\"operationName\":\"work {}\",\"references\":[{{\"refType\":\"{rt}\",\"traceID\":\"{tid}\",\"spanID\":\"{parent:016x}\"}}],\"startTime\":{start},\"duration\":{dur},\"tags\":[],\"processID\":\"p{}\"}}",
            i % 5,
            1 + i % 2
        ));
    }
    format!(
        "{{\"data\":[{{\"traceID\":\"{tid}\",\"spans\":[{}],\"processes\":{{\"p1\":{{\"serviceName\":\"producer\",\"tags\":[]}},\"p2\":{{\"serviceName\":\"worker\",\"tags\":[]}}}}}}]}}",
        spans.join(",")
    )
}

/// Zipkin shared RPC spans: a client and a server half with the same id, and the
/// server's children.
fn zipkin_shared(n: u64) -> String {
    let tid = "000000000000000000000000000005a5";
    let mut spans = vec![format!(
        "{{\"traceId\":\"{tid}\",\"id\":\"0000000000000001\",\"kind\":\"SERVER\",\"name\":\"get /\",\"timestamp\":1700000700000000,\"duration\":900000,\"localEndpoint\":{{\"serviceName\":\"edge\"}}}}"
    )];
    for i in 2..=n {
        let start = 1_700_000_700_000_000u64 + 10 + i * 300;
        spans.push(format!(
            "{{\"traceId\":\"{tid}\",\"id\":\"{i:016x}\",\"parentId\":\"0000000000000001\",\"kind\":\"CLIENT\",\"name\":\"get /item\",\"timestamp\":{start},\"duration\":250,\"localEndpoint\":{{\"serviceName\":\"edge\"}},\"tags\":{{\"http.path\":\"/item/{i}\"}}}}"
        ));
        spans.push(format!(
            "{{\"traceId\":\"{tid}\",\"id\":\"{i:016x}\",\"parentId\":\"0000000000000001\",\"kind\":\"SERVER\",\"shared\":true,\"name\":\"get /item\",\"timestamp\":{},\"duration\":200,\"localEndpoint\":{{\"serviceName\":\"items\"}}}}",
            start + 20
        ));
    }
    format!("[{}]", spans.join(","))
}

/// Zipkin, OTLP and Jaeger inputs loaded together: one generated set split across
/// Zipkin and OTLP (the halves of each trace in different files), a Jaeger trace with
/// FOLLOWS_FROM children and Zipkin shared spans.
#[test]
fn format_mix_matches_its_pin() {
    let generated = synth::generate(GenOptions { spans: 6_000, traces: 3, seed: 7 });
    let mut even: Vec<GenSpan> = Vec::with_capacity(generated.len() / 2 + 1);
    let mut odd: Vec<GenSpan> = Vec::with_capacity(generated.len() / 2);
    for (i, span) in generated.into_iter().enumerate() {
        if i % 2 == 0 { even.push(span) } else { odd.push(span) }
    }
    let zipkin = synth::encode(&even, GenFormat::Zipkin);
    let otlp_doc = otlp(&odd);
    let jaeger = jaeger_follows_from(1_500);
    let shared = zipkin_shared(800);
    let inputs: [(&str, &[u8]); 4] =
        [("half.zipkin.json", zipkin.as_bytes()), ("half.otlp.json", otlp_doc.as_bytes()), ("ff.jaeger.json", jaeger.as_bytes()), ("shared.zipkin.json", shared.as_bytes())];
    assert_eq!(check_extended("format-mix", &inputs), None);
}

/// The 30,000-deep chain and the 50,000-wide fan-out above, with the extended outputs.
#[test]
fn deep_chain_and_fan_out_extended_match_their_pins() {
    let (chain, fan) = (deep_chain_doc(), fan_out_doc());
    let mut failures: Vec<String> = check_extended("deep-chain-30000", &[("deep.json", chain.as_bytes())]).into_iter().collect();
    failures.extend(check_extended("fan-out-50000", &[("fan.json", fan.as_bytes())]));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
