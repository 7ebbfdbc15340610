//! LLM cost and latency: attribute families, pricing (explicit vs table, cached rates,
//! unknown models), aggregates, CSV, and the built-in demo trace (handbook §7).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test or benchmark fails by panicking; clippy.toml already exempts #[test] bodies, and this covers their helpers")]

use clew::analysis::llm::aggregate::{self, GroupBy};
use clew::analysis::llm::call::{self, CostSource};
use clew::analysis::llm::{chat, summary};
use clew::analysis::percentile::nearest_rank;
use clew::analysis::pricing::{normalize_model, ModelPrice, PriceError, PriceTable};
use clew::model::builder::{RawSpan, SetBuilder};
use clew::model::*;
use clew::view_model::{csv, llm_table, llm_text};

// ---------------------------------------------------------------------------
// Helpers: build small trace sets by hand
// ---------------------------------------------------------------------------

#[derive(Clone)]
enum V {
    S(&'static str),
    I(i64),
    D(f64),
    B(bool),
    A(Vec<&'static str>),
}

struct SpanSpec {
    id: u64,
    parent: Option<u64>,
    name: &'static str,
    service: &'static str,
    start_ms: u64,
    dur_ms: u64,
    attrs: Vec<(&'static str, V)>,
    events: Vec<(&'static str, u64)>,
    error: bool,
    status_message: &'static str,
}

fn sp(id: u64, parent: Option<u64>, name: &'static str, start_ms: u64, dur_ms: u64, attrs: Vec<(&'static str, V)>) -> SpanSpec {
    SpanSpec { id, parent, name, service: "svc", start_ms, dur_ms, attrs, events: vec![], error: false, status_message: "" }
}

const T0: u64 = 1_700_000_000_000_000_000;

fn push_value(b: &mut SetBuilder, v: &V) -> AttrValue {
    match v {
        V::S(s) => AttrValue::Str(b.str_value(s)),
        V::I(i) => AttrValue::Int(*i),
        V::D(d) => AttrValue::Double(*d),
        V::B(x) => AttrValue::Bool(*x),
        V::A(items) => {
            let start = b.values.len();
            for it in items {
                let id = b.str_value(it);
                b.values.push(AttrValue::Str(id));
            }
            AttrValue::Array(Range32::new(start, b.values.len()))
        }
    }
}

/// One trace per distinct `trace` number in `traces`; each inner list is one trace.
fn build_traces(traces: Vec<Vec<SpanSpec>>) -> TraceSet {
    let mut b = SetBuilder::new();
    let scope = b.empty_scope();
    let mut resources: Vec<(&'static str, u32)> = Vec::new();
    for (ti, spans) in traces.into_iter().enumerate() {
        for s in spans {
            let res = match resources.iter().find(|(n, _)| *n == s.service) {
                Some((_, r)) => *r,
                None => {
                    let r = b.add_resource(s.service, Range32::default(), 0, StrId::EMPTY);
                    resources.push((s.service, r));
                    r
                }
            };
            let a0 = b.attrs.len();
            let vals: Vec<AttrValue> = s.attrs.iter().map(|(_, v)| push_value(&mut b, v)).collect();
            for ((k, _), v) in s.attrs.iter().zip(vals) {
                b.push_attr(k, v);
            }
            let attrs = Range32::new(a0, b.attrs.len());
            let e0 = b.events.len();
            for (name, at_ms) in &s.events {
                let name = b.strings.intern(name);
                b.events.push(Event { time_ns: T0 + at_ms * 1_000_000, name, attrs: Range32::default(), dropped_attrs: 0 });
            }
            let events = Range32::new(e0, b.events.len());
            let mut raw = RawSpan::new(TraceId::Hex(0xabc0 + ti as u128), SpanId::Hex(s.id));
            raw.parent_id = s.parent.map(SpanId::Hex);
            raw.start_ns = Some(T0 + s.start_ms * 1_000_000);
            raw.duration_ns = Some(s.dur_ms * 1_000_000);
            raw.name = b.strings.intern(s.name);
            raw.kind = SpanKind::Client;
            raw.resource = res;
            raw.scope = scope;
            raw.attrs = attrs;
            raw.events = events;
            if s.error {
                raw.status = StatusCode::Error;
                raw.flags |= span_flags::ERROR;
                raw.status_message = b.strings.intern(s.status_message);
            }
            b.push_span(raw);
        }
    }
    b.finish()
}

fn build(spans: Vec<SpanSpec>) -> TraceSet {
    build_traces(vec![spans])
}

fn one_call(set: &TraceSet) -> call::LlmCall {
    let a = call::analyze_set(set, &PriceTable::builtin());
    assert_eq!(a.calls.len(), 1, "expected one call, got {:?}", a.calls);
    a.calls.into_iter().next().unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

// ---------------------------------------------------------------------------
// Pricing: matching, import/export, editing
// ---------------------------------------------------------------------------

#[test]
fn matching_rule_handles_dates_prefixes_and_longest_prefix() {
    let t = PriceTable::builtin();
    let m = |name: &str| t.lookup(name).map(|p| p.model.clone());
    assert_eq!(m("claude-3-5-sonnet-20241022").as_deref(), Some("claude-3-5-sonnet"));
    assert_eq!(m("openai/gpt-4o-mini").as_deref(), Some("gpt-4o-mini"));
    assert_eq!(m("gpt-4o-mini-2024-07-18").as_deref(), Some("gpt-4o-mini"));
    assert_eq!(m("text-embedding-ada-002").as_deref(), Some("text-embedding-ada-002"));
    assert_eq!(m("GPT-4o").as_deref(), Some("gpt-4o"));
    assert_eq!(m("gpt-4o-2024-08-06").as_deref(), Some("gpt-4o"));
    assert_eq!(m("anthropic/claude-3-5-sonnet-latest").as_deref(), Some("claude-3-5-sonnet"));
    assert_eq!(m("us.anthropic.claude-3-5-sonnet-20241022-v2:0").as_deref(), Some("claude-3-5-sonnet"));
    assert_eq!(m("claude-3-5-sonnet-v2@20241022").as_deref(), Some("claude-3-5-sonnet"));
    assert_eq!(m("models/gemini-1.5-pro-002").as_deref(), Some("gemini-1.5-pro"));
    assert_eq!(m("claude-sonnet-4-5-20250929").as_deref(), Some("claude-sonnet-4-5"));
    assert_eq!(m("claude-opus-4-1-20250805").as_deref(), Some("claude-opus-4-1"));
    assert_eq!(m("o3-mini-2025-01-31").as_deref(), Some("o3-mini"));
    // Not a date/version suffix: different products, no price.
    assert_eq!(m("gpt-4o-realtime-preview"), None);
    assert_eq!(m("gemini-2.5-flash-lite"), None);
    assert_eq!(m("llama-3-70b"), None);
    assert_eq!(m(""), None);
    assert_eq!(normalize_model("OpenAI/GPT-4o-Mini-2024-07-18"), "gpt-4o-mini");
}

#[test]
fn builtin_table_keeps_date_sources_and_seed_prices() {
    let t = PriceTable::builtin();
    // The built-in table's date and seed prices (USD per million tokens), as published
    // by each provider's pricing page on that date.
    assert_eq!(t.as_of, "2026-11-25");
    assert_eq!(t.sources.get("openai").map(|s| s.as_str()), Some("platform.openai.com/docs/pricing"));
    let s = t.lookup("claude-3-5-sonnet").unwrap();
    assert_eq!((s.input_usd_per_mtok, s.output_usd_per_mtok), (3.0, 15.0));
    assert_eq!(s.cached_input_usd_per_mtok, Some(0.3));
    assert_eq!(s.cache_write_usd_per_mtok, Some(3.75));
    let m = t.lookup("gpt-4o-mini").unwrap();
    assert_eq!((m.input_usd_per_mtok, m.output_usd_per_mtok), (0.15, 0.6));
    assert_eq!(t.lookup("text-embedding-ada-002").unwrap().input_usd_per_mtok, 0.1);
}

#[test]
fn price_table_round_trips_through_json() {
    let t = PriceTable::builtin();
    let text = t.to_json();
    let back = PriceTable::from_json(&text).unwrap();
    assert_eq!(back, t);
    // A bare array of entries is accepted too.
    let arr = PriceTable::from_json(r#"[{"provider":"x","model":"m1","input":1,"output":2}]"#).unwrap();
    // The one entry of the array.
    assert_eq!(arr.models.len(), 1);
    assert_eq!(arr.models[0].cached_input_usd_per_mtok, None);
}

#[test]
fn price_import_errors_say_what_and_where() {
    // The stray comma is on line 2.
    let e = PriceTable::from_json("{\n  \"models\": [,]\n}").unwrap_err();
    match &e {
        PriceError::Json { line, .. } => assert_eq!(*line, 2),
        other => panic!("expected a JSON error, got {other:?}"),
    }
    assert!(e.to_string().contains("line 2"), "{e}");

    let e = PriceTable::from_json(r#"{"as_of":"2026-01-01","models":[{"model":"a","input":1,"output":1},{"model":"b","input":"cheap","output":1}]}"#)
        .unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("models[1]") && msg.contains("input") && msg.contains("cheap"), "{msg}");

    let msg = PriceTable::from_json(r#"{"as_of":"x"}"#).unwrap_err().to_string();
    assert!(msg.contains("missing \"models\""), "{msg}");

    let msg = PriceTable::from_json(r#"{"models":[{"model":"a","input":1}]}"#).unwrap_err().to_string();
    assert!(msg.contains("models[0]") && msg.contains("output"), "{msg}");

    let msg = PriceTable::from_json(r#"{"models":[{"model":"a","input":-1,"output":1}]}"#).unwrap_err().to_string();
    assert!(msg.contains("models[0]") && msg.contains("≥ 0"), "{msg}");

    let msg = PriceTable::from_json(r#"{"models":[{"model":"a","input":1,"output":1},{"model":"A","input":1,"output":1}]}"#)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("listed twice"), "{msg}");

    let msg = PriceTable::from_json("42").unwrap_err().to_string();
    assert!(msg.contains("top level"), "{msg}");
}

#[test]
fn price_editing_sets_replaces_and_removes() {
    let mut t = PriceTable::builtin();
    let n = t.models.len();
    t.set_price(ModelPrice::new("acme", "acme-large", 2.0, 6.0)).unwrap();
    assert_eq!(t.models.len(), n + 1);
    assert_eq!(t.lookup("acme-large-2411").unwrap().output_usd_per_mtok, 6.0);
    // Replace (case-insensitive name).
    t.set_price(ModelPrice::new("acme", "Acme-Large", 1.0, 3.0)).unwrap();
    assert_eq!(t.models.len(), n + 1);
    assert_eq!(t.lookup("acme-large").unwrap().input_usd_per_mtok, 1.0);
    assert!(t.set_price(ModelPrice::new("x", "bad", -1.0, 1.0)).is_err());
    assert!(t.set_price(ModelPrice::new("x", " ", 1.0, 1.0)).is_err());
    assert!(t.remove_price("acme-large"));
    assert!(!t.remove_price("acme-large"));
    assert!(t.lookup("acme-large").is_none());
}

// ---------------------------------------------------------------------------
// Attribute families
// ---------------------------------------------------------------------------

#[test]
fn otel_genai_current_names() {
    let set = build(vec![sp(
        1,
        None,
        "chat gpt-4o-mini",
        0,
        1000,
        vec![
            ("gen_ai.provider.name", V::S("openai")),
            ("gen_ai.operation.name", V::S("chat")),
            ("gen_ai.request.model", V::S("gpt-4o-mini")),
            ("gen_ai.response.model", V::S("gpt-4o-mini-2024-07-18")),
            ("gen_ai.usage.input_tokens", V::I(1000)),
            ("gen_ai.usage.output_tokens", V::I(200)),
            ("gen_ai.usage.cache_read.input_tokens", V::I(400)),
            ("gen_ai.usage.cache_creation.input_tokens", V::I(100)),
            ("gen_ai.usage.reasoning.output_tokens", V::I(50)),
            ("gen_ai.response.finish_reasons", V::A(vec!["stop"])),
            ("gen_ai.response.time_to_first_chunk", V::D(0.2)),
            ("gen_ai.conversation.id", V::S("conv-1")),
            ("gen_ai.request.max_tokens", V::I(512)),
            ("gen_ai.request.temperature", V::D(0.3)),
        ],
    )]);
    let c = one_call(&set);
    assert_eq!(c.model.as_deref(), Some("gpt-4o-mini-2024-07-18"), "response model wins, as written");
    assert_eq!(c.request_model.as_deref(), Some("gpt-4o-mini"));
    assert_eq!(c.provider.as_deref(), Some("openai"));
    assert_eq!(c.operation.as_deref(), Some("chat"));
    assert_eq!((c.input_tokens, c.output_tokens), (1000, 200));
    assert_eq!((c.cache_read_tokens, c.cache_creation_tokens, c.reasoning_tokens), (400, 100, 50));
    // 1000 input tokens less 400 read from and 100 written to the cache.
    assert_eq!(c.uncached_input_tokens, 500);
    // time_to_first_chunk is 0.2 s.
    assert_eq!(c.ttft_ns, Some(200_000_000));
    // 200 output tokens over 1000 − 200 ms of generation.
    assert!((c.tokens_per_second.unwrap() - 250.0).abs() < 1e-9);
    assert_eq!(c.finish_reasons, vec!["stop"]);
    assert!(!c.truncated && !c.content_filtered);
    assert_eq!(c.conversation_id.as_deref(), Some("conv-1"));
    assert_eq!(c.max_tokens, Some(512));
    assert_eq!(c.temperature, Some(0.3));
    // gpt-4o-mini: 500 × 0.15 + 400 × 0.075 + 100 × 0.15 (no cache-write rate) + 200 × 0.6, per 1M.
    assert_eq!(c.cost_source, CostSource::Table);
    assert_eq!(c.price_model.as_deref(), Some("gpt-4o-mini"));
    assert!(close(c.cost_usd.unwrap(), (500.0 * 0.15 + 400.0 * 0.075 + 100.0 * 0.15 + 200.0 * 0.6) / 1e6));
}

#[test]
fn otel_genai_deprecated_names_and_string_values() {
    // Zipkin carries tags as strings only; finish reasons as a JSON array string.
    let set = build(vec![sp(
        1,
        None,
        "chat",
        0,
        500,
        vec![
            ("gen_ai.system", V::S("anthropic")),
            ("gen_ai.request.model", V::S("claude-3-5-sonnet-20241022")),
            ("gen_ai.usage.prompt_tokens", V::S("2000")),
            ("gen_ai.usage.completion_tokens", V::S(" 100 ")),
            ("gen_ai.usage.cache_read_input_tokens", V::S("1000")),
            ("gen_ai.response.finish_reasons", V::S("[\"length\"]")),
        ],
    )]);
    let c = one_call(&set);
    assert_eq!(c.provider.as_deref(), Some("anthropic"));
    assert_eq!((c.input_tokens, c.output_tokens, c.cache_read_tokens), (2000, 100, 1000));
    assert_eq!(c.finish_reasons, vec!["length"]);
    assert!(c.truncated, "length flags truncation");
    // 1000 uncached × 3 + 1000 cached × 0.3 + 100 × 15, per 1M.
    assert!(close(c.cost_usd.unwrap(), (1000.0 * 3.0 + 1000.0 * 0.3 + 100.0 * 15.0) / 1e6));
}

#[test]
fn openinference_family() {
    let set = build(vec![
        sp(1, None, "agent", 0, 2000, vec![("openinference.span.kind", V::S("AGENT")), ("session.id", V::S("sess-9")), ("user.id", V::S("u-1"))]),
        sp(
            2,
            Some(1),
            "ChatOpenAI",
            10,
            900,
            vec![
                ("openinference.span.kind", V::S("LLM")),
                ("llm.model_name", V::S("gpt-4o")),
                ("llm.provider", V::S("openai")),
                ("llm.token_count.prompt", V::I(3000)),
                ("llm.token_count.completion", V::I(300)),
                ("llm.token_count.total", V::I(3300)),
                ("llm.token_count.prompt_details.cache_read", V::I(1000)),
                ("llm.token_count.completion_details.reasoning", V::I(20)),
            ],
        ),
        sp(
            3,
            Some(1),
            "priced elsewhere",
            1000,
            100,
            vec![("llm.model_name", V::S("gpt-4o")), ("llm.token_count.prompt", V::I(10)), ("llm.cost.total", V::D(0.5))],
        ),
    ]);
    let a = call::analyze_set(&set, &PriceTable::builtin());
    // Spans 2 and 3; the agent span 1 is not a call.
    assert_eq!(a.calls.len(), 2);
    let c = &a.calls[0];
    assert_eq!(c.model.as_deref(), Some("gpt-4o"));
    assert_eq!(c.provider.as_deref(), Some("openai"));
    assert_eq!(c.operation.as_deref(), Some("llm"));
    assert_eq!((c.input_tokens, c.output_tokens, c.total_tokens), (3000, 300, 3300));
    assert_eq!((c.cache_read_tokens, c.reasoning_tokens), (1000, 20));
    assert_eq!(c.conversation_id.as_deref(), Some("sess-9"), "session.id inherited from the agent span");
    assert_eq!(c.user_id.as_deref(), Some("u-1"));
    // gpt-4o: 2000 uncached × 2.5 + 1000 cached × 1.25 + 300 output × 10, per 1M.
    assert!(close(c.cost_usd.unwrap(), (2000.0 * 2.5 + 1000.0 * 1.25 + 300.0 * 10.0) / 1e6));
    let e = &a.calls[1];
    assert_eq!(e.cost_source, CostSource::Explicit);
    assert_eq!(e.cost_usd, Some(0.5));
    // The agent span is context, not a call.
    assert_eq!(a.context.len(), 1);
    assert_eq!(a.context[0].kind, call::ContextKind::Agent);
}

#[test]
fn openllmetry_family_total_tokens() {
    let set = build(vec![
        sp(
            1,
            None,
            "openai.chat",
            0,
            300,
            vec![
                ("gen_ai.system", V::S("openai")),
                ("llm.request.type", V::S("chat")),
                ("gen_ai.request.model", V::S("gpt-4.1-mini")),
                ("gen_ai.usage.prompt_tokens", V::I(800)),
                ("llm.usage.total_tokens", V::I(1000)),
                ("gen_ai.usage.cache_read_input_tokens", V::I(600)),
            ],
        ),
        // Only a total, on an embedding model: the total is input.
        sp(
            2,
            None,
            "openai.embeddings",
            400,
            50,
            vec![("gen_ai.request.model", V::S("text-embedding-3-small")), ("llm.usage.total_tokens", V::I(5000))],
        ),
        // Only a total, on a chat model: cannot be split, so unpriced.
        sp(3, None, "openai.chat", 500, 50, vec![("gen_ai.request.model", V::S("gpt-4o")), ("llm.usage.total_tokens", V::I(5000))]),
    ]);
    let a = call::analyze_set(&set, &PriceTable::builtin());
    assert_eq!(a.calls.len(), 3);
    let c = &a.calls[0];
    assert_eq!(c.operation.as_deref(), Some("chat"));
    assert_eq!((c.input_tokens, c.output_tokens, c.cache_read_tokens), (800, 200, 600), "output = total − input");
    // gpt-4.1-mini: 200 uncached × 0.4 + 600 cached × 0.1 + 200 output × 1.6, per 1M.
    assert!(close(c.cost_usd.unwrap(), (200.0 * 0.4 + 600.0 * 0.1 + 200.0 * 1.6) / 1e6));
    let e = &a.calls[1];
    assert_eq!(e.input_tokens, 5000);
    // text-embedding-3-small: 0.02 per 1M input tokens.
    assert!(close(e.cost_usd.unwrap(), 5000.0 * 0.02 / 1e6));
    let u = &a.calls[2];
    assert_eq!(u.cost_usd, None);
    assert_eq!(u.cost_source, CostSource::Unknown);
}

#[test]
fn vercel_ai_sdk_family_and_wrapper_not_double_counted() {
    let set = build(vec![
        sp(
            1,
            None,
            "ai.generateText",
            0,
            1500,
            vec![
                ("ai.operationId", V::S("ai.generateText")),
                ("ai.model.id", V::S("gpt-4o-mini")),
                ("ai.model.provider", V::S("openai.chat")),
                ("ai.usage.promptTokens", V::I(100)),
                ("ai.usage.completionTokens", V::I(50)),
            ],
        ),
        sp(
            2,
            Some(1),
            "ai.generateText.doGenerate",
            10,
            1400,
            vec![
                ("ai.operationId", V::S("ai.generateText.doGenerate")),
                ("ai.model.id", V::S("gpt-4o-mini")),
                ("ai.model.provider", V::S("openai.chat")),
                ("ai.response.model", V::S("gpt-4o-mini-2024-07-18")),
                ("ai.usage.promptTokens", V::S("100")),
                ("ai.usage.completionTokens", V::S("50")),
                ("ai.usage.cachedInputTokens", V::I(20)),
                ("ai.response.msToFirstChunk", V::D(400.0)),
                ("ai.response.finishReason", V::S("content-filter")),
            ],
        ),
    ]);
    let a = call::analyze_set(&set, &PriceTable::builtin());
    assert_eq!(a.calls.len(), 1, "the wrapper is not counted again");
    let c = &a.calls[0];
    assert_eq!(c.name, "ai.generateText.doGenerate");
    assert_eq!(c.model.as_deref(), Some("gpt-4o-mini-2024-07-18"));
    assert_eq!(c.provider.as_deref(), Some("openai"));
    // doGenerate's usage; msToFirstChunk is 400 ms.
    assert_eq!((c.input_tokens, c.output_tokens, c.cache_read_tokens), (100, 50, 20));
    assert_eq!(c.ttft_ns, Some(400_000_000));
    assert!(c.content_filtered);
    assert_eq!(a.context.len(), 1);
    assert_eq!(a.context[0].kind, call::ContextKind::Wrapper);
    let s = summary::summarize_trace(&set, 0, &a.calls, None);
    // 100 input tokens once, not also the wrapper's 100.
    assert_eq!(s.totals.input_tokens, 100);
}

#[test]
fn handbook_family_explicit_cost_purpose_and_first_token_event() {
    let mut g = sp(
        1,
        None,
        "llm.generate",
        0,
        2000,
        vec![
            ("gen_ai.system", V::S("anthropic")),
            ("gen_ai.request.model", V::S("claude-3-5-sonnet-20241022")),
            ("gen_ai.usage.input_tokens", V::I(1000)),
            ("gen_ai.usage.output_tokens", V::I(100)),
            ("llm.purpose", V::S("generate")),
            ("llm.cost.input_usd", V::D(0.003)),
            ("llm.cost.output_usd", V::S("0.0015")),
        ],
    );
    g.events = vec![("llm.first_token", 500)];
    let c = one_call(&build(vec![g]));
    assert_eq!(c.purpose.as_deref(), Some("generate"));
    assert_eq!(c.cost_source, CostSource::Explicit);
    // input_usd 0.003 + output_usd 0.0015.
    assert!(close(c.cost_usd.unwrap(), 0.0045));
    // The llm.first_token event 500 ms in; 100 output tokens over the other 1.5 s.
    assert_eq!(c.ttft_ns, Some(500_000_000));
    assert!((c.tokens_per_second.unwrap() - 100.0 / 1.5).abs() < 1e-9);
}

#[test]
fn explicit_cost_precedence_and_table_fallback() {
    let base = || {
        vec![
            ("gen_ai.request.model", V::S("gpt-4o")),
            ("gen_ai.usage.input_tokens", V::I(1_000_000)),
            ("gen_ai.usage.output_tokens", V::I(0)),
        ]
    };
    let with = |extra: Vec<(&'static str, V)>| {
        let mut a = base();
        a.extend(extra);
        one_call(&build(vec![sp(1, None, "x", 0, 10, a)]))
    };
    // Table: 1M input tokens of gpt-4o = $2.50.
    let t = with(vec![]);
    assert_eq!(t.cost_source, CostSource::Table);
    assert!(close(t.cost_usd.unwrap(), 2.5));
    // llm.cost.usd wins over everything.
    let e = with(vec![("gen_ai.usage.cost", V::D(9.0)), ("llm.cost.total", V::D(8.0)), ("llm.cost.usd", V::D(1.25))]);
    assert_eq!((e.cost_usd, e.cost_source), (Some(1.25), CostSource::Explicit));
    // then input+output
    let e = with(vec![("llm.cost.total", V::D(8.0)), ("llm.cost.input_usd", V::D(1.0)), ("llm.cost.output_usd", V::D(0.5))]);
    assert_eq!(e.cost_usd, Some(1.5));
    // then llm.cost.total, then gen_ai.usage.cost
    let e = with(vec![("gen_ai.usage.cost", V::D(9.0)), ("llm.cost.total", V::D(8.0))]);
    assert_eq!(e.cost_usd, Some(8.0));
    let e = with(vec![("gen_ai.usage.cost", V::S("9"))]);
    assert_eq!(e.cost_usd, Some(9.0));
    // An explicit cost of 0 is a real 0.
    let z = with(vec![("llm.cost.usd", V::I(0))]);
    assert_eq!((z.cost_usd, z.cost_source), (Some(0.0), CostSource::Explicit));
}

#[test]
fn cached_pricing_uses_cached_and_cache_write_rates_with_input_fallback() {
    let call = |model: &'static str, input: i64, read: i64, write: i64, output: i64| {
        one_call(&build(vec![sp(
            1,
            None,
            "x",
            0,
            10,
            vec![
                ("gen_ai.request.model", V::S(model)),
                ("gen_ai.usage.input_tokens", V::I(input)),
                ("gen_ai.usage.cache_read.input_tokens", V::I(read)),
                ("gen_ai.usage.cache_creation.input_tokens", V::I(write)),
                ("gen_ai.usage.output_tokens", V::I(output)),
            ],
        )]))
    };
    // claude-3-5-sonnet: input 3, cached 0.3, cache write 3.75, output 15.
    let c = call("claude-3-5-sonnet-20241022", 10_000, 6_000, 2_000, 100);
    assert_eq!(c.uncached_input_tokens, 2_000);
    assert!(close(c.cost_usd.unwrap(), (2_000.0 * 3.0 + 6_000.0 * 0.3 + 2_000.0 * 3.75 + 100.0 * 15.0) / 1e6));
    // gemini-2.0-flash has no cached or cache-write rate: both fall back to input (0.1).
    // 500 uncached (1000 − 400 − 100); output 0.4.
    let g = call("gemini-2.0-flash", 1_000, 400, 100, 10);
    assert!(close(g.cost_usd.unwrap(), (500.0 * 0.1 + 400.0 * 0.1 + 100.0 * 0.1 + 10.0 * 0.4) / 1e6));
    // Cache counts larger than input: uncached floors at 0.
    let f = call("gpt-4o-mini", 100, 300, 0, 0);
    assert_eq!(f.uncached_input_tokens, 0);
    // gpt-4o-mini's cached rate: 0.075.
    assert!(close(f.cost_usd.unwrap(), 300.0 * 0.075 / 1e6));
}

#[test]
fn unknown_model_is_unpriced_never_zero() {
    let set = build(vec![
        sp(1, None, "root", 0, 1000, vec![]),
        sp(
            2,
            Some(1),
            "chat",
            0,
            100,
            vec![("gen_ai.request.model", V::S("my-private-llm")), ("gen_ai.usage.input_tokens", V::I(10)), ("gen_ai.usage.output_tokens", V::I(5))],
        ),
        sp(
            3,
            Some(1),
            "chat",
            200,
            100,
            vec![("gen_ai.request.model", V::S("gpt-4o-mini")), ("gen_ai.usage.input_tokens", V::I(1000)), ("gen_ai.usage.output_tokens", V::I(100))],
        ),
        // Tokens but no model.
        sp(4, Some(1), "tokens only", 400, 100, vec![("gen_ai.usage.input_tokens", V::I(7))]),
        // A model but no usage.
        sp(5, Some(1), "model only", 600, 100, vec![("gen_ai.request.model", V::S("gpt-4o"))]),
    ]);
    let prices = PriceTable::builtin();
    let a = call::analyze_set(&set, &prices);
    // Spans 2 to 5. Only gpt-4o-mini (span 3) is priced: the private model, the span
    // without a model and the one without usage are not.
    assert_eq!(a.calls.len(), 4);
    let unknown = a.calls.iter().find(|c| c.model.as_deref() == Some("my-private-llm")).unwrap();
    assert_eq!(unknown.cost_usd, None);
    assert_eq!(unknown.cost_source, CostSource::Unknown);
    let s = summary::summarize_trace(&set, 0, &a.calls, None);
    assert_eq!(s.totals.unpriced_calls, 3);
    assert_eq!(s.totals.priced_calls, 1);
    // gpt-4o-mini: 1000 × 0.15 + 100 × 0.6, per 1M = $0.00021.
    assert!(close(s.totals.cost_usd, (1000.0 * 0.15 + 100.0 * 0.6) / 1e6));

    let j = summary::trace_llm_json(&set, 0, &prices);
    assert_eq!(j["calls"], 4);
    assert_eq!(j["unpriced_calls"], 3);
    // Input 10 + 1000 + 7, output 5 + 100.
    assert_eq!(j["input_tokens"], 1017);
    assert_eq!(j["output_tokens"], 105);
    assert_eq!(j["cached_input_tokens"], 0);
    assert_eq!(j["cost_usd"].as_f64(), Some(0.00021));
    assert_eq!(j["by_model"]["my-private-llm"]["cost_usd"].as_f64(), Some(0.0));
    assert_eq!(j["by_model"]["my-private-llm"]["calls"], 1);
    assert_eq!(j["by_model"][call::UNKNOWN_MODEL]["input_tokens"], 7);
    let keys: Vec<&String> = j.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["by_model", "cached_input_tokens", "calls", "cost_usd", "input_tokens", "output_tokens", "unpriced_calls"]);
    // Table rows show "unknown", not $0.
    let t = llm_table::calls_table(&set, &a.calls);
    let cost_col = t.columns.iter().position(|c| c.name == "Cost").unwrap();
    let row = a.calls.iter().position(|c| c.model.as_deref() == Some("my-private-llm")).unwrap();
    assert_eq!(t.rows[row][cost_col].text, "unknown");
}

/// `clew analyze` (text) prints a trace's cost as the UI does; all-unpriced is unknown.
#[test]
fn analyze_text_prints_cost_like_the_ui() {
    let opts = clew::report::ReportOptions::default();
    let text = clew::report::analyze_text(&load_demo(), &opts);
    assert!(text.contains("LLM       4 call(s), 3989 in / 779 out tokens, $0.017977\n"), "{text}");
    let set = build(vec![sp(
        1,
        None,
        "chat",
        0,
        100,
        vec![("gen_ai.request.model", V::S("my-private-llm")), ("gen_ai.usage.input_tokens", V::I(10)), ("gen_ai.usage.output_tokens", V::I(5))],
    )]);
    let text = clew::report::analyze_text(&set, &opts);
    assert!(text.contains("LLM       1 call(s), 10 in / 5 out tokens, cost unknown\n"), "{text}");
}

#[test]
fn errors_rate_limits_and_finish_flags() {
    let mut rl = sp(
        1,
        None,
        "chat",
        0,
        10,
        vec![("gen_ai.request.model", V::S("gpt-4o")), ("gen_ai.usage.input_tokens", V::I(1)), ("llm.error.type", V::S("rate_limit"))],
    );
    rl.error = true;
    let mut h429 = sp(
        2,
        None,
        "chat",
        20,
        10,
        vec![("gen_ai.request.model", V::S("gpt-4o")), ("http.response.status_code", V::S("429")), ("error.type", V::S("429"))],
    );
    h429.error = true;
    let mut timeout = sp(3, None, "chat", 40, 10, vec![("gen_ai.request.model", V::S("gpt-4o")), ("error.type", V::S("timeout"))]);
    timeout.error = true;
    let filt = sp(
        4,
        None,
        "chat",
        60,
        10,
        vec![("gen_ai.request.model", V::S("gpt-4o")), ("gen_ai.response.finish_reasons", V::A(vec!["content_filter", "stop"]))],
    );
    let mut status_only = sp(5, None, "chat", 80, 10, vec![("gen_ai.request.model", V::S("gpt-4o"))]);
    status_only.error = true;
    status_only.status_message = "Rate limit reached for requests";
    let set = build_traces(vec![vec![rl], vec![h429], vec![timeout], vec![filt], vec![status_only]]);
    let a = call::analyze_set(&set, &PriceTable::builtin());
    // One call per trace above.
    assert_eq!(a.calls.len(), 5);
    let by_span = |id: u64| a.calls.iter().find(|c| set.spans[c.span as usize].span_id == SpanId::Hex(id)).unwrap().clone();
    let c = by_span(1);
    assert!(c.error && c.rate_limited);
    assert_eq!(llm_text::error_text(&c), "rate limit");
    let c = by_span(2);
    assert!(c.error && c.rate_limited);
    assert_eq!(c.http_status, Some(429));
    let c = by_span(3);
    assert!(c.error && !c.rate_limited);
    assert_eq!(llm_text::error_text(&c), "timeout");
    let c = by_span(4);
    assert!(!c.error && c.content_filtered && !c.truncated);
    assert_eq!(llm_text::finish_text(&c), "content_filter, stop ⚠ content filter");
    let c = by_span(5);
    assert!(c.error && c.rate_limited);

    let mix = aggregate::finish_reason_mix(&a.calls);
    let reasons: Vec<(&str, u64)> = mix.iter().map(|r| (r.reason.as_str(), r.calls)).collect();
    // Only span 4 reports finish reasons (content_filter and stop); the other 4 do not.
    assert_eq!(reasons, vec![(aggregate::NOT_REPORTED, 4), ("content_filter", 1), ("stop", 1)]);
    assert!(mix[1].content_filter);
}

#[test]
fn agent_and_tool_spans_are_context_not_calls() {
    let set = build(vec![
        sp(1, None, "invoke_agent triage", 0, 3000, vec![("gen_ai.operation.name", V::S("invoke_agent")), ("gen_ai.agent.name", V::S("triage"))]),
        sp(
            2,
            Some(1),
            "chat model-a",
            10,
            500,
            vec![("gen_ai.operation.name", V::S("chat")), ("gen_ai.request.model", V::S("model-a")), ("gen_ai.usage.input_tokens", V::S("1840"))],
        ),
        sp(3, Some(1), "execute_tool search", 600, 100, vec![("gen_ai.operation.name", V::S("execute_tool")), ("gen_ai.tool.name", V::S("search"))]),
        sp(4, Some(1), "GET /x", 800, 100, vec![("http.request.method", V::S("GET")), ("cache.hit", V::B(false))]),
    ]);
    let a = call::analyze_set(&set, &PriceTable::builtin());
    // Only "chat model-a" is a call; the agent and the tool are its context.
    assert_eq!(a.calls.len(), 1);
    let kinds: Vec<(call::ContextKind, Option<&str>)> = a.context.iter().map(|c| (c.kind, c.label.as_deref())).collect();
    assert_eq!(kinds, vec![(call::ContextKind::Agent, Some("triage")), (call::ContextKind::Tool, Some("search"))]);
    assert_eq!(llm_table::context_table(&a.context).rows.len(), 2);
}

#[test]
fn summary_wall_share_critical_path_share_and_extremes() {
    // root 0..1000; two overlapping calls 100..400 and 300..500, one 800..900 (child HTTP span under it).
    let set = build(vec![
        sp(1, None, "root", 0, 1000, vec![]),
        sp(2, Some(1), "a", 100, 300, vec![("gen_ai.request.model", V::S("gpt-4o")), ("gen_ai.usage.input_tokens", V::I(1000))]),
        sp(3, Some(1), "b", 300, 200, vec![("gen_ai.request.model", V::S("gpt-4o")), ("gen_ai.usage.input_tokens", V::I(9000))]),
        sp(4, Some(1), "c", 800, 100, vec![("gen_ai.request.model", V::S("nobody-knows")), ("gen_ai.usage.input_tokens", V::I(1))]),
        sp(5, Some(4), "POST /v1/chat", 810, 80, vec![]),
    ]);
    let a = call::analyze_set(&set, &PriceTable::builtin());
    let idx = |id: u64| set.spans.iter().position(|s| s.span_id == SpanId::Hex(id)).unwrap() as u32;
    // A critical path given by hand: 800 ms, of which b 200, c 20 and its child 80.
    let cp: Vec<(u32, u64)> = vec![(idx(1), 500_000_000), (idx(3), 200_000_000), (idx(4), 20_000_000), (idx(5), 80_000_000)];
    let s = summary::summarize_trace(&set, 0, &a.calls, Some(&cp));
    assert_eq!(s.llm_wall_ns, 500_000_000, "100..500 ∪ 800..900");
    // 500 of the root's 1000 ms.
    assert!((s.wall_share - 0.5).abs() < 1e-12);
    // 200 + 20 + 80 (time under a call counts as the call's) = 300, 300 / 800 = 0.375.
    assert_eq!(s.critical_path_llm_ns, Some(300_000_000));
    assert!((s.critical_path_share.unwrap() - 0.375).abs() < 1e-12);
    // b has 9000 input tokens, a 1000; a lasts 300 ms, b 200 and c 100.
    assert_eq!(s.most_expensive, Some(idx(3)), "unpriced calls never win");
    assert_eq!(s.slowest, Some(idx(2)));
}

#[test]
fn aggregates_by_user_tenant_trace_cache_and_latency_percentiles() {
    let trace = |user: &'static str, lat: u64, cached: i64| {
        vec![
            sp(1, None, "root", 0, 5000, vec![("user.id", V::S(user)), ("tenant.id", V::S("acme"))]),
            sp(
                2,
                Some(1),
                "chat",
                0,
                lat,
                vec![
                    ("gen_ai.request.model", V::S("gpt-4o-mini")),
                    ("gen_ai.provider.name", V::S("openai")),
                    ("gen_ai.usage.input_tokens", V::I(1000)),
                    ("gen_ai.usage.output_tokens", V::I(10)),
                    ("gen_ai.usage.cache_read.input_tokens", V::I(cached)),
                ],
            ),
        ]
    };
    let mut traces = Vec::new();
    for i in 1..=100u64 {
        traces.push(trace(if i % 2 == 0 { "alice" } else { "bob" }, i * 10, if i <= 50 { 500 } else { 0 }));
    }
    let set = build_traces(traces);
    let a = call::analyze_set(&set, &PriceTable::builtin());
    // 100 traces of one call each, alternating between alice and bob.
    assert_eq!(a.calls.len(), 100);
    let users = aggregate::group_calls(&set, &a.calls, GroupBy::User);
    let keys: Vec<(&str, u64)> = users.iter().map(|r| (r.key.as_str(), r.totals.calls)).collect();
    assert!(keys.contains(&("alice", 50)) && keys.contains(&("bob", 50)));
    let tenants = aggregate::group_calls(&set, &a.calls, GroupBy::Tenant);
    assert_eq!(tenants.len(), 1);
    assert_eq!(tenants[0].key, "acme");
    assert_eq!(aggregate::group_calls(&set, &a.calls, GroupBy::Trace).len(), 100);
    let cache = aggregate::cache_by_model(&a.calls);
    assert_eq!(cache.len(), 1);
    // 50 calls read 500 cached tokens of 100 × 1000 input: 25,000 / 100,000.
    assert!((cache[0].hit_rate.unwrap() - 0.25).abs() < 1e-12);
    // Latencies 10, 20, … 1000 ms: p50 is the 50th, p95 the 95th, p99 the 99th.
    let lat = aggregate::latency_by_model(&a.calls);
    assert_eq!(lat[0].calls, 100);
    assert_eq!(lat[0].p50_ns, 500_000_000);
    assert_eq!(lat[0].p95_ns, 950_000_000);
    assert_eq!(lat[0].p99_ns, 990_000_000);
    assert_eq!(lat[0].max_ns, 1_000_000_000);
    assert_eq!(nearest_rank::<u64>(&[], 50.0), None);
    // usd_text's rule: below $1, 6 decimals (trailing zeros trimmed) or 3 significant
    // digits when that is finer; from $1 up, 2 decimals.
    assert_eq!(clew::format::usd(0.017721), "$0.017721");
    assert_eq!(clew::format::usd(0.0000492), "$0.0000492");
    assert_eq!(clew::format::usd(0.0001755), "$0.000176");
    assert_eq!(clew::format::usd(12.3456), "$12.35");
    assert_eq!(clew::format::usd(0.0), "$0");
    assert_eq!(nearest_rank(&[7], 99.0), Some(7));
    let tables = llm_table::aggregate_tables(&set, &a.calls);
    let ids: Vec<&str> = tables.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        ids,
        ["by-model", "by-provider", "by-service", "by-operation", "by-purpose", "by-user", "by-tenant", "by-conversation", "by-trace", "cache", "finish", "latency"]
    );
}

#[test]
fn tables_sort_and_export_csv_with_quoting() {
    assert_eq!(csv::csv_field("plain"), "plain");
    assert_eq!(csv::csv_field("a,b"), "\"a,b\"");
    assert_eq!(csv::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_eq!(csv::csv_field("two\nlines"), "\"two\nlines\"");
    // Formula-like cells are neutralized; plain numbers stay numbers.
    assert_eq!(csv::csv_field("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
    assert_eq!(csv::csv_field("+1+2"), "'+1+2");
    assert_eq!(csv::csv_field("-cmd"), "'-cmd");
    assert_eq!(csv::csv_field("@SUM(A1)"), "'@SUM(A1)");
    assert_eq!(csv::csv_field("\tx"), "\"'\tx\"");
    assert_eq!(csv::csv_field("\rx"), "\"'\rx\"");
    assert_eq!(csv::csv_field("-12.5"), "-12.5");
    assert_eq!(csv::csv_field("+3"), "+3");
    assert_eq!(csv::csv_field("-inf"), "'-inf");
    let set = build(vec![
        sp(1, None, "root", 0, 1000, vec![("user.id", V::S("O'Brien, \"Pat\""))]),
        sp(2, Some(1), "x", 0, 100, vec![("gen_ai.request.model", V::S("gpt-4o")), ("gen_ai.usage.input_tokens", V::I(10))]),
        sp(3, Some(1), "y", 200, 100, vec![("gen_ai.request.model", V::S("gpt-4o-mini")), ("gen_ai.usage.input_tokens", V::I(1000))]),
        sp(4, Some(1), "z", 400, 100, vec![("gen_ai.request.model", V::S("mystery")), ("gen_ai.usage.input_tokens", V::I(5))]),
    ]);
    let a = call::analyze_set(&set, &PriceTable::builtin());
    let mut t = llm_table::group_table(&aggregate::group_calls(&set, &a.calls, GroupBy::User), GroupBy::User);
    let csv = t.to_csv();
    let mut lines = csv.split("\r\n");
    assert_eq!(lines.next(), Some("user.id,Calls,Cost (USD),Unpriced calls,Input tokens,Output tokens,Cache read,Reasoning,Errors"));
    // The root's user makes all 3 calls: gpt-4o 10 × 2.5 + gpt-4o-mini 1000 × 0.15, per 1M
    // = $0.000175; "mystery" is unpriced; input 10 + 1000 + 5.
    assert_eq!(lines.next(), Some("\"O'Brien, \"\"Pat\"\"\",3,0.000175,1,1015,0,0,0,0"));
    assert_eq!(t.csv_file_name(), "clew-llm-by-user.csv");

    let mut calls = llm_table::calls_table(&set, &a.calls);
    let cost = calls.columns.iter().position(|c| c.name == "Cost").unwrap();
    let model = calls.columns.iter().position(|c| c.name == "Model").unwrap();
    calls.sort_by_column(cost, false);
    let order: Vec<&str> = calls.rows.iter().map(|r| r[model].text.as_str()).collect();
    assert_eq!(order, ["gpt-4o-mini", "gpt-4o", "mystery"], "unknown cost sorts last");
    calls.sort_by_column(cost, true);
    let order: Vec<&str> = calls.rows.iter().map(|r| r[model].text.as_str()).collect();
    assert_eq!(order, ["gpt-4o", "gpt-4o-mini", "mystery"]);
    // Row spans follow their rows.
    assert_eq!(set.name_of(&set.spans[calls.row_spans[0].unwrap() as usize]), "x");
    calls.sort_by_column(model, true);
    let order: Vec<&str> = calls.rows.iter().map(|r| r[model].text.as_str()).collect();
    assert_eq!(order, ["gpt-4o", "gpt-4o-mini", "mystery"]);
    // A column past the last (the table has 9) leaves the table as it was.
    let before = t.clone();
    t.sort_by_column(99, true);
    assert_eq!(t, before, "out of range: unchanged");
    let calls_csv = calls.to_csv();
    // Line 3 is the last of the 3 rows after the header: mystery sorts last by model.
    assert!(calls_csv.lines().nth(3).unwrap().contains(",mystery,"));
    assert!(calls_csv.contains(",unknown,"), "cost source column says unknown; cost cell is empty");
    assert!(calls_csv.starts_with("Span,Model,Input tokens,Output tokens,Cost (USD),Latency (ms),TTFT (ms),Tokens/s,Service,"), "{calls_csv}");
}

#[test]
fn chat_messages_from_each_family_are_plain_text() {
    let set = build(vec![
        sp(
            1,
            None,
            "genai",
            0,
            10,
            vec![
                ("gen_ai.request.model", V::S("m")),
                ("gen_ai.system_instructions", V::S(r#"[{"type":"text","content":"Be brief."}]"#)),
                (
                    "gen_ai.input.messages",
                    V::S(r#"[{"role":"user","parts":[{"type":"text","content":"<b>hi</b>"}]},{"role":"assistant","parts":[{"type":"tool_call","name":"search","arguments":{"q":"x"}}]}]"#),
                ),
                ("gen_ai.output.messages", V::S(r#"[{"role":"assistant","parts":[{"type":"text","content":"hello"}],"finish_reason":"stop"}]"#)),
            ],
        ),
        sp(
            2,
            None,
            "openllmetry",
            20,
            10,
            vec![
                ("gen_ai.request.model", V::S("m")),
                ("gen_ai.prompt.0.role", V::S("system")),
                ("gen_ai.prompt.0.content", V::S("sys")),
                ("gen_ai.prompt.1.role", V::S("user")),
                ("gen_ai.prompt.1.content", V::S("question")),
                ("gen_ai.completion.0.role", V::S("assistant")),
                ("gen_ai.completion.0.content", V::S("answer")),
            ],
        ),
        sp(
            3,
            None,
            "openinference",
            40,
            10,
            vec![
                ("llm.model_name", V::S("m")),
                ("llm.input_messages.0.message.role", V::S("user")),
                ("llm.input_messages.0.message.content", V::S("q?")),
                ("llm.output_messages.0.message.role", V::S("assistant")),
                ("llm.output_messages.0.message.content", V::S("a!")),
            ],
        ),
        sp(
            4,
            None,
            "vercel",
            60,
            10,
            vec![
                ("ai.model.id", V::S("m")),
                ("ai.prompt", V::S(r#"{"system":"sys","messages":[{"role":"user","content":[{"type":"text","text":"hey"}]}]}"#)),
                ("ai.response.text", V::S("yo")),
            ],
        ),
        sp(5, None, "plain", 80, 10, vec![("gen_ai.prompt", V::S("just text")), ("gen_ai.completion", V::S("{not json"))]),
    ]);
    let m = |id: u64| {
        let i = set.spans.iter().position(|s| s.span_id == SpanId::Hex(id)).unwrap() as u32;
        chat::span_messages(&set, i).into_iter().map(|m| (m.direction, m.role, m.text)).collect::<Vec<_>>()
    };
    use chat::Direction::{Input as I, Output as O};
    let s = |x: &str| x.to_string();
    assert_eq!(
        m(1),
        vec![
            (I, s("system"), s("Be brief.")),
            (I, s("user"), s("<b>hi</b>")),
            (I, s("assistant"), s("→ tool call search({\"q\":\"x\"})")),
            (O, s("assistant"), s("hello")),
        ]
    );
    assert_eq!(m(2), vec![(I, s("system"), s("sys")), (I, s("user"), s("question")), (O, s("assistant"), s("answer"))]);
    assert_eq!(m(3), vec![(I, s("user"), s("q?")), (O, s("assistant"), s("a!"))]);
    assert_eq!(m(4), vec![(I, s("system"), s("sys")), (I, s("user"), s("hey")), (O, s("assistant"), s("yo"))]);
    assert_eq!(m(5), vec![(I, s("user"), s("just text")), (O, s("assistant"), s("{not json"))]);
}

#[test]
fn span_call_inherits_user_up_a_deep_chain_without_recursion() {
    let mut spans = vec![sp(1, None, "root", 0, 10_000, vec![("user.id", V::S("deep-user"))])];
    for i in 2..=30_000u64 {
        spans.push(sp(i, Some(i - 1), "n", 0, 10_000, vec![]));
    }
    spans.push(sp(
        30_001,
        Some(30_000),
        "chat",
        0,
        100,
        vec![("gen_ai.request.model", V::S("gpt-4o")), ("gen_ai.usage.input_tokens", V::I(10))],
    ));
    let set = build(spans);
    let prices = PriceTable::builtin();
    let a = call::analyze_set(&set, &prices);
    // The chat span at the bottom of the 30,000-deep chain.
    assert_eq!(a.calls.len(), 1);
    assert_eq!(a.calls[0].user_id.as_deref(), Some("deep-user"));
    let c = call::span_call(&set, a.calls[0].span, &prices).unwrap();
    assert_eq!(c.user_id.as_deref(), Some("deep-user"));
    assert!(call::span_call(&set, 0, &prices).is_none());
    assert!(call::span_call(&set, u32::MAX, &prices).is_none());
}

#[test]
fn empty_and_out_of_range_inputs_do_not_panic() {
    // An empty set: trace 5, trace 0 and span 3 are all past the end.
    let set = TraceSet::default();
    let prices = PriceTable::builtin();
    assert!(call::analyze_trace(&set, 5, &prices).calls.is_empty());
    let j = summary::trace_llm_json(&set, 0, &prices);
    assert_eq!(j["calls"], 0);
    let s = summary::summarize_trace(&set, 0, &[], Some(&[]));
    assert_eq!(s.totals.calls, 0);
    assert!(chat::span_messages(&set, 3).is_empty());
}

// ---------------------------------------------------------------------------
// The built-in demo (handbook §7)
// ---------------------------------------------------------------------------

fn demo_bytes() -> Vec<u8> {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/public/demo.json")).expect("public/demo.json exists")
}

fn load_demo() -> TraceSet {
    let bytes = demo_bytes();
    clew::parse::load(&[("demo.json", &bytes)], Some(clew::parse::Format::Otlp)).expect("the demo loads as OTLP")
}

#[test]
fn demo_loads_19_spans_9_services_root_3841ms() {
    // The handbook §7 chat trace: 19 spans of 9 services; the root POST lasts 3841 ms.
    let set = load_demo();
    assert_eq!(set.traces.len(), 1);
    assert_eq!(set.spans.len(), 19);
    let services: std::collections::BTreeSet<&str> = set.spans.iter().map(|s| set.service_of(s)).collect();
    assert_eq!(services.len(), 9, "{services:?}");
    let t = &set.traces[0];
    // The traceId in public/demo.json.
    assert_eq!(t.trace_id.to_text(&set.strings), "3fa85f6457174562b3fc2c963f66afa6");
    let root = &set.spans[t.root as usize];
    assert_eq!(set.name_of(root), "POST /api/v1/chat");
    assert_eq!(root.duration_ns, 3_841_000_000);
    assert_eq!(t.duration_ns, 3_841_000_000);
    assert!(set.warnings.is_empty(), "{:?}", set.warnings);
}

/// Offsets and durations of the handbook's span tree, in pre-order.
#[test]
fn demo_matches_the_handbook_span_tree() {
    let set = load_demo();
    let t0 = set.traces[0].start_ns;
    let got: Vec<(String, String, u64, u64, u32)> = set
        .spans
        .iter()
        .map(|s| (set.service_of(s).to_string(), set.name_of(s).to_string(), (s.start_ns - t0) / 1_000_000, s.duration_ns / 1_000_000, s.depth))
        .collect();
    let want: Vec<(&str, &str, u64, u64, u32)> = vec![
        ("api-gateway", "POST /api/v1/chat", 0, 3841, 0),
        ("auth-service", "validateJWT", 0, 38, 1),
        ("auth-service", "GET session:token", 2, 6, 2),
        ("session-service", "getSession", 40, 12, 1),
        ("session-service", "SELECT sessions", 41, 9, 2),
        ("context-service", "loadHistory", 54, 384, 1),
        ("context-service", "SELECT messages", 55, 155, 2),
        ("context-service", "SELECT context", 211, 225, 2),
        ("rag-service", "vectorSearch", 56, 231, 1),
        ("llm-router", "embedding", 58, 118, 2),
        ("rag-service", "query", 177, 106, 2),
        ("llm-orchestrator", "complete", 615, 2900, 1),
        ("llm-router", "classify", 616, 268, 2),
        ("llm-router", "generate", 885, 2208, 2),
        ("llm-router", "postprocess", 3094, 192, 2),
        ("storage-service", "saveMessage", 3520, 154, 1),
        ("storage-service", "INSERT messages", 3521, 149, 2),
        ("audit-service", "enqueueEvent", 3680, 96, 1),
        ("audit-service", "PRODUCE chat.events", 3682, 92, 2),
    ];
    let got_ref: Vec<(&str, &str, u64, u64, u32)> = got.iter().map(|(a, b, c, d, e)| (a.as_str(), b.as_str(), *c, *d, *e)).collect();
    assert_eq!(got_ref, want);
    // No cost attributes anywhere: the costs must come from the price table.
    assert!(set.attrs.iter().all(|a| !set.str(a.key).starts_with("llm.cost")));
    // One cache-hit event, on the redis span.
    let hits: Vec<&Span> = set.spans.iter().filter(|s| set.events[s.events.range()].iter().any(|e| set.str(e.name).contains("cache.hit"))).collect();
    assert_eq!(hits.len(), 1);
    assert_eq!(set.attr_text(hits[0], "db.system").as_deref(), Some("redis"));
    assert_eq!(hits[0].kind, SpanKind::Client);
}

#[test]
fn demo_llm_calls_tokens_and_costs_from_the_table() {
    let set = load_demo();
    let prices = PriceTable::builtin();
    let a = call::analyze_trace(&set, 0, &prices);
    let calls: Vec<(&str, &str, u64, u64)> =
        a.calls.iter().map(|c| (c.name.as_str(), c.model_key(), c.input_tokens, c.output_tokens)).collect();
    // The gen_ai.usage attributes of the demo's four llm-router spans.
    assert_eq!(
        calls,
        vec![
            ("embedding", "text-embedding-ada-002", 312, 0),
            ("classify", "gpt-4o-mini", 156, 43),
            ("generate", "claude-3-5-sonnet-20241022", 2847, 612),
            ("postprocess", "gpt-4o-mini", 674, 124),
        ]
    );
    assert!(a.calls.iter().all(|c| c.cost_source == CostSource::Table));
    let cost = |name: &str| a.calls.iter().find(|c| c.name == name).unwrap().cost_usd.unwrap();
    assert!(close(cost("generate"), 2847.0 * 3e-6 + 612.0 * 15e-6));
    assert!(close(cost("generate"), 0.017721));
    assert!(close(cost("classify"), (156.0 * 0.15 + 43.0 * 0.6) / 1e6));
    assert!(close(cost("postprocess"), (674.0 * 0.15 + 124.0 * 0.6) / 1e6));
    // Table prices per 1M tokens: claude-3-5-sonnet 3 / 15, gpt-4o-mini 0.15 / 0.6,
    // text-embedding-ada-002 0.1 (input only).
    assert!(close(cost("embedding"), 312.0 * 0.1 / 1e6));

    let generate = a.calls.iter().find(|c| c.name == "generate").unwrap();
    assert_eq!(generate.provider.as_deref(), Some("anthropic"));
    assert_eq!(generate.purpose.as_deref(), Some("generate"));
    // generate's first token comes 412 ms in; 612 output tokens over the other
    // 2208 − 412 = 1796 ms.
    assert_eq!(generate.ttft_ns, Some(412_000_000));
    assert!((generate.tokens_per_second.unwrap() - 612.0 / 1.796).abs() < 1e-6);
    assert_eq!(generate.user_id.as_deref(), Some("usr_9kx2z"));
    assert_eq!(generate.tenant_id.as_deref(), Some("tnt_acme"));
    assert!(generate.conversation_id.is_some());
    assert_eq!(generate.finish_reasons, vec!["stop"]);

    let s = summary::summarize_trace(&set, 0, &a.calls, None);
    assert_eq!(s.most_expensive, Some(generate.span));
    assert_eq!(s.slowest, Some(generate.span));
    assert_eq!(s.totals.unpriced_calls, 0);
    // The four calls do not overlap: their durations add up to 2786 ms of the root's 3841.
    assert_eq!(s.llm_wall_ns, (118 + 268 + 2208 + 192) * 1_000_000);
    assert!((s.wall_share - 2786.0 / 3841.0).abs() < 1e-12);

    let j = summary::trace_llm_json(&set, 0, &prices);
    assert_eq!(j["calls"], 4);
    assert_eq!(j["input_tokens"], 312 + 156 + 2847 + 674);
    assert_eq!(j["output_tokens"], 43 + 612 + 124);
    assert_eq!(j["cached_input_tokens"], 0);
    assert_eq!(j["unpriced_calls"], 0);
    // 0.0000312 (embedding) + 0.0000492 (classify) + 0.017721 (generate) + 0.0001755
    // (postprocess), rounded to 7 decimals.
    assert_eq!(j["cost_usd"].as_f64(), Some(0.0179769));
    assert_eq!(j["by_model"]["gpt-4o-mini"]["calls"], 2);
    assert_eq!(j["by_model"]["claude-3-5-sonnet-20241022"]["cost_usd"].as_f64(), Some(0.017721));

    let badges = llm_text::trace_badges(&set, 0, &prices);
    // One badge per call.
    assert_eq!(badges.len(), 4);
    assert_eq!(badges[&generate.span], "claude-3-5-sonnet-20241022 · 2,847→612 tok · $0.017721");
    assert!(badges.values().any(|b| b == "text-embedding-ada-002 · 312 tok · $0.0000312"), "{badges:?}");

    // The generate span has readable chat text.
    let msgs = chat::span_messages(&set, generate.span);
    assert!(msgs.iter().any(|m| m.role == "user" && m.direction == chat::Direction::Input));
    assert!(msgs.iter().any(|m| m.role == "assistant" && m.direction == chat::Direction::Output));
}

// ---------------------------------------------------------------------------
// Charts
// ---------------------------------------------------------------------------

#[test]
fn charts_are_labelled_svg_with_escaped_user_labels() {
    use clew::analysis::chart_theme::{parse_hex_color, ChartTheme};
    use clew::analysis::llm::charts;
    let set = load_demo();
    let prices = PriceTable::builtin();
    let a = call::analyze_set(&set, &prices);
    let theme = ChartTheme::dark();
    let by_model = aggregate::group_calls(&set, &a.calls, GroupBy::Model);

    let svg = charts::cost_by_model_svg(&by_model, &theme, 640, 300);
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("Cost by model"));
    assert!(svg.contains("claude-3-5-sonnet-20241022") && svg.contains("gpt-4o-mini"));
    assert!(svg.contains("$0.017721"), "bar value label");
    assert!(svg.contains("#0D1117"), "background color from the theme");

    let svg = charts::cost_over_time_svg(&a.calls, &theme, 640, 300);
    assert!(svg.contains("Cumulative cost over time") && svg.contains("time since first call"));

    let svg = charts::tokens_scatter_svg(&a.calls, &theme, 640, 300);
    assert!(svg.contains("Tokens per call") && svg.contains("input tokens") && svg.contains("output tokens"));
    assert!(svg.contains("text-embedding-ada-002"), "legend names the models");

    let lat = aggregate::latency_by_model(&a.calls);
    let svg = charts::latency_by_model_svg(&lat, &theme, 640, 300);
    // claude-3-5-sonnet's one call, generate, lasts 2208 ms.
    assert!(svg.contains("Latency by model") && svg.contains("p95 2.21 s"));

    // Labels from the trace are XML-escaped.
    let evil = build(vec![sp(
        1,
        None,
        "x",
        0,
        10,
        vec![("gen_ai.request.model", V::S("<script>alert(1)</script>&")), ("gen_ai.usage.input_tokens", V::I(5)), ("gen_ai.usage.output_tokens", V::I(5))],
    )]);
    let ea = call::analyze_set(&evil, &prices);
    let rows = aggregate::group_calls(&evil, &ea.calls, GroupBy::Model);
    for svg in [
        charts::cost_by_model_svg(&rows, &theme, 400, 200),
        charts::tokens_scatter_svg(&ea.calls, &theme, 400, 200),
        charts::latency_by_model_svg(&aggregate::latency_by_model(&ea.calls), &theme, 400, 200),
    ] {
        assert!(!svg.contains("<script"), "{svg}");
        assert!(svg.contains("&lt;script&gt;"), "{svg}");
    }
    // Unknown cost says so instead of a $0 bar.
    assert!(charts::cost_by_model_svg(&rows, &theme, 400, 200).contains("cost unknown"));

    // Nothing to draw: a message, still an SVG; odd sizes and colors do not panic.
    let bad = ChartTheme { fg: "nope".into(), bg: "#12".into(), grid: "".into(), palette: vec![] };
    for svg in [
        charts::cost_by_model_svg(&[], &bad, 0, 0),
        charts::cost_over_time_svg(&[], &bad, 10_000, 3),
        charts::tokens_scatter_svg(&[], &bad, 200, 100),
        charts::latency_by_model_svg(&[], &bad, 200, 100),
    ] {
        assert!(svg.starts_with("<svg") && svg.contains("No "), "{svg}");
    }
    assert_eq!(parse_hex_color("#fff"), Some(plotters::style::RGBColor(255, 255, 255)));
    assert_eq!(charts::short_label("a-very-long-model-name-that-goes-on-and-on"), "a-very-long-model-name-that…");
}

#[test]
fn mistral_models_are_priced_with_their_aliases() {
    let t = clew::analysis::pricing::PriceTable::builtin();
    // Input prices per 1M tokens in the built-in table.
    for (name, input) in [
        ("mistral-large-latest", 2.0),
        ("mistral-large-2411", 2.0),
        ("mistral/mistral-small-latest", 0.1),
        ("codestral-2501", 0.3),
        ("ministral-8b-latest", 0.1),
    ] {
        let p = t.lookup(name).unwrap_or_else(|| panic!("{name} not priced"));
        assert_eq!(p.provider, "mistral", "{name}");
        assert!((p.input_usd_per_mtok - input).abs() < 1e-12, "{name}");
    }
}
