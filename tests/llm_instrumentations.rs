//! LLM traces as real instrumentation libraries write them (issue 13, part A): OTLP JSON
//! text in, built from each library's documented attribute names, the recognized calls
//! out with their token, cost and model answers spelled out.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

use clew::analysis::llm::call::{analyze_set, CostSource, LlmCall};
use clew::analysis::pricing::PriceTable;
use clew::model::TraceSet;
use clew::view_model::llm_table;
use serde_json::{json, Value};

/// One OTLP span: (span id, parent id or "", name, attributes as OTLP key/values).
fn otlp(spans: &[(&str, &str, &str, Vec<Value>)]) -> String {
    let spans: Vec<Value> = spans
        .iter()
        .enumerate()
        .map(|(k, (id, parent, name, attrs))| {
            json!({
                "traceId": "5b8aa5a2d2c872e8321cf37308d69df2",
                "spanId": id,
                "parentSpanId": parent,
                "name": name,
                "kind": 3,
                "startTimeUnixNano": format!("{}", 1_700_000_000_000_000_000u64 + k as u64 * 1_000_000),
                "endTimeUnixNano": format!("{}", 1_700_000_001_000_000_000u64),
                "attributes": attrs,
            })
        })
        .collect();
    json!({"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "agent"}}]},
        "scopeSpans": [{"spans": spans}]
    }]})
    .to_string()
}

fn s(key: &str, v: &str) -> Value {
    json!({"key": key, "value": {"stringValue": v}})
}
/// OTLP JSON writes 64-bit integers as strings.
fn i(key: &str, v: i64) -> Value {
    json!({"key": key, "value": {"intValue": v.to_string()}})
}
fn d(key: &str, v: f64) -> Value {
    json!({"key": key, "value": {"doubleValue": v}})
}

fn calls_of(text: &str) -> (TraceSet, Vec<LlmCall>) {
    let set = clew::parse::load(&[("t.json", text.as_bytes())], None).unwrap();
    let calls = analyze_set(&set, &PriceTable::builtin()).calls;
    (set, calls)
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-12)
}

#[test]
fn openllmetry_unknown_model_falls_back_to_ls_model_name() {
    // LangChain through OpenLLMetry: request and response model are the literal "unknown".
    let text = otlp(&[
        ("0000000000000001", "", "ChatAnthropic.chat", vec![
            s("llm.request.type", "chat"),
            s("gen_ai.system", "Anthropic"),
            s("gen_ai.request.model", "unknown"),
            s("gen_ai.response.model", "unknown"),
            s("traceloop.association.properties.ls_model_name", "anthropic/claude-sonnet-4-20250514"),
            i("gen_ai.usage.input_tokens", 1200),
            i("gen_ai.usage.output_tokens", 80),
        ]),
        // An SDK built on OpenLLMetry writes its own prefix; the model is empty here.
        ("0000000000000002", "", "ChatAnthropic.chat", vec![
            s("gen_ai.request.model", ""),
            s("lmnr.association.properties.ls_model_name", "claude-sonnet-4-20250514"),
            i("gen_ai.usage.input_tokens", 1000),
            i("gen_ai.usage.output_tokens", 100),
        ]),
    ]);
    let (_, calls) = calls_of(&text);
    assert_eq!(calls.len(), 2);
    let a = &calls[0];
    assert_eq!(a.model.as_deref(), Some("anthropic/claude-sonnet-4-20250514"));
    assert_eq!(a.response_model, None);
    assert_eq!(a.price_model.as_deref(), Some("claude-sonnet-4"));
    assert_eq!((a.input_tokens, a.output_tokens), (1200, 80));
    // 1,200 × $3/M + 80 × $15/M.
    assert!(close(a.cost_usd, 0.0048), "{:?}", a.cost_usd);
    assert_eq!(a.cost_source, CostSource::Table);
    let b = &calls[1];
    assert_eq!(b.model.as_deref(), Some("claude-sonnet-4-20250514"));
    // 1,000 × $3/M + 100 × $15/M.
    assert!(close(b.cost_usd, 0.0045), "{:?}", b.cost_usd);
}

#[test]
fn langfuse_generations_read_usage_and_cost_json() {
    let text = otlp(&[
        ("0000000000000001", "", "chat", vec![
            s("langfuse.observation.type", "generation"),
            s("langfuse.observation.model.name", "gpt-4o-mini"),
            s("langfuse.observation.usage_details", r#"{"input": 1200, "output": 80, "total": 1280}"#),
            s("langfuse.observation.cost_details", r#"{"input": 0.00018, "output": 0.000048, "total": 0.000228}"#),
        ]),
        // input_tokens/output_tokens with a cache entry, no cost: priced from the table.
        ("0000000000000002", "", "chat", vec![
            s("langfuse.observation.type", "generation"),
            s("langfuse.observation.model.name", "claude-sonnet-4-20250514"),
            s("langfuse.observation.usage_details", r#"{"input_tokens": 200, "output_tokens": 50, "cache_read_input_tokens": 1000}"#),
        ]),
        // A cost without a total entry is the sum of the entries.
        ("0000000000000003", "", "chat", vec![
            s("langfuse.observation.type", "generation"),
            s("langfuse.observation.model.name", "some-private-model"),
            s("langfuse.observation.usage_details", r#"{"input": 10, "output": 5}"#),
            s("langfuse.observation.cost_details", r#"{"input": 0.001, "output": 0.002}"#),
        ]),
        // A plain span is not a call.
        ("0000000000000004", "", "retrieve", vec![s("langfuse.observation.type", "span")]),
    ]);
    let (_, calls) = calls_of(&text);
    assert_eq!(calls.len(), 3);
    let a = &calls[0];
    assert_eq!(a.model.as_deref(), Some("gpt-4o-mini"));
    assert_eq!((a.input_tokens, a.output_tokens, a.total_tokens), (1200, 80, 1280));
    assert_eq!(a.cost_source, CostSource::Explicit);
    assert!(close(a.cost_usd, 0.000228), "{:?}", a.cost_usd);
    let b = &calls[1];
    // Langfuse's entries are disjoint: input 200 + cache read 1,000.
    assert_eq!((b.input_tokens, b.cache_read_tokens, b.uncached_input_tokens, b.output_tokens), (1200, 1000, 200, 50));
    // 200 × $3/M + 1,000 × $0.30/M + 50 × $15/M.
    assert_eq!(b.cost_source, CostSource::Table);
    assert!(close(b.cost_usd, 0.00165), "{:?}", b.cost_usd);
    let c = &calls[2];
    assert!(close(c.cost_usd, 0.003), "{:?}", c.cost_usd);
    assert_eq!((c.input_tokens, c.output_tokens), (10, 5));
}

#[test]
fn openllmetry_call_without_model_or_usage_is_a_call_with_no_usage() {
    let text = otlp(&[
        ("0000000000000001", "", "openai.chat", vec![
            s("llm.request.type", "chat"),
            s("gen_ai.operation.name", "chat"),
            s("gen_ai.system", "openai"),
        ]),
        // An agent operation with llm.request.type stays context.
        ("0000000000000002", "", "agent", vec![s("llm.request.type", "chat"), s("gen_ai.operation.name", "invoke_agent")]),
    ]);
    let (set, calls) = calls_of(&text);
    assert_eq!(calls.len(), 1);
    let c = &calls[0];
    assert!(!c.usage_reported);
    assert_eq!((c.model.as_deref(), c.input_tokens, c.output_tokens), (None, 0, 0));
    assert_eq!((c.cost_usd, c.cost_source), (None, CostSource::Unknown));
    let table = llm_table::calls_table(&set, &calls);
    let col = table.columns.iter().position(|c| c.name == "Cost source").unwrap();
    assert_eq!(table.rows[0][col].text, "no usage reported");
}

#[test]
fn tokens_and_finish_reasons_in_other_encodings() {
    let text = otlp(&[("0000000000000001", "", "generate_content", vec![
        s("gen_ai.request.model", "gpt-4o-mini"),
        // Token counts as stringValue, a double, and an intValue string.
        s("gen_ai.usage.input_tokens", "1000"),
        d("gen_ai.usage.output_tokens", 200.0),
        i("gen_ai.usage.cache_read.input_tokens", 400),
        s("gen_ai.request.max_tokens", "512"),
        s("gen_ai.request.temperature", "0.7"),
        s("gen_ai.response.time_to_first_chunk", "0.25"),
        s("gen_ai.response.finish_reasons", r#"["STOP"]"#),
    ])]);
    let (_, calls) = calls_of(&text);
    assert_eq!(calls.len(), 1);
    let c = &calls[0];
    assert_eq!((c.input_tokens, c.output_tokens, c.cache_read_tokens), (1000, 200, 400));
    assert_eq!(c.finish_reasons, vec!["stop".to_string()]);
    assert_eq!((c.max_tokens, c.temperature, c.ttft_ns), (Some(512), Some(0.7), Some(250_000_000)));
    // 600 × $0.15/M + 400 × $0.075/M + 200 × $0.60/M.
    assert!(close(c.cost_usd, 0.00024), "{:?}", c.cost_usd);
    let explicit = otlp(&[("0000000000000001", "", "chat", vec![
        s("gen_ai.request.model", "gpt-4o-mini"),
        i("llm.token_count.prompt", 10),
        s("llm.cost.total", "0.5"),
    ])]);
    let (_, calls) = calls_of(&explicit);
    assert!(close(calls[0].cost_usd, 0.5));
}

#[test]
fn promptflow_cumulative_counters_count_only_below_every_call() {
    let text = otlp(&[
        // The flow: cumulative counters over its whole subtree.
        ("0000000000000001", "", "flow", vec![
            i("__computed__.cumulative_token_count.prompt", 800),
            i("__computed__.cumulative_token_count.completion", 100),
            i("__computed__.cumulative_token_count.total", 900),
        ]),
        // A call with real usage: the cumulative counters on it are ignored.
        ("0000000000000002", "0000000000000001", "openai_chat", vec![
            s("llm.response.model", "gpt-4o-mini"),
            i("llm.usage.prompt_tokens", 300),
            i("llm.usage.completion_tokens", 40),
            i("__computed__.cumulative_token_count.prompt", 999),
            i("__computed__.cumulative_token_count.completion", 999),
        ]),
        // A function with only cumulative counters and no call below: it is the call.
        ("0000000000000003", "0000000000000001", "my_llm_tool", vec![
            i("__computed__.cumulative_token_count.prompt", 500),
            i("__computed__.cumulative_token_count.completion", 60),
            i("__computed__.cumulative_token_count.total", 560),
        ]),
    ]);
    let (set, calls) = calls_of(&text);
    assert_eq!(calls.len(), 2);
    let names: Vec<&str> = calls.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["openai_chat", "my_llm_tool"]);
    assert_eq!((calls[0].input_tokens, calls[0].output_tokens), (300, 40));
    assert_eq!((calls[1].input_tokens, calls[1].output_tokens, calls[1].total_tokens), (500, 60, 560));
    assert!(calls[1].usage_reported);
    assert_eq!(calls[1].cost_usd, None);
    // The flow is neither a call nor context, and its own facts are not a call.
    assert!(analyze_set(&set, &PriceTable::builtin()).context.is_empty());
    assert!(clew::analysis::llm::call::span_call(&set, 0, &PriceTable::builtin()).is_none());
    assert!(clew::analysis::llm::call::span_call(&set, 2, &PriceTable::builtin()).is_some());
}
