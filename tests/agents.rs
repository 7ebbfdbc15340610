//! Agent runs, steps, the agent graph and the agent patterns (`agent_loop`,
//! `llm_retry`, `context_growth`) on crafted OTLP JSON traces written the way OTel
//! GenAI, OpenInference, OpenLLMetry and the Vercel AI SDK document their spans.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

use clew::analysis::agents::graph::{agent_graph, NodeKind};
use clew::analysis::agents::runs::{agent_runs, AgentRun, StepKind};
use clew::analysis::agents::runs_json;
use clew::analysis::patterns::{patterns, PatternConfig, PatternKind};
use clew::analysis::pricing::PriceTable;
use clew::model::TraceSet;
use serde_json::{json, Value};

/// One span: id, parent, name, start ms, duration ms, attributes, error.
type S = (u64, Option<u64>, &'static str, u64, u64, Value, bool);

fn sp(id: u64, parent: Option<u64>, name: &'static str, start_ms: u64, dur_ms: u64, attrs: Value) -> S {
    (id, parent, name, start_ms, dur_ms, attrs, false)
}

fn otlp_attr(k: &str, v: &Value) -> Value {
    let value = match v {
        Value::String(s) => json!({"stringValue": s}),
        Value::Number(n) if n.is_i64() => json!({"intValue": n.to_string()}),
        Value::Number(n) => json!({"doubleValue": n}),
        Value::Bool(b) => json!({"boolValue": b}),
        other => json!({"stringValue": other.to_string()}),
    };
    json!({"key": k, "value": value})
}

fn load(spans: Vec<S>) -> TraceSet {
    let t0: u64 = 1_700_000_000_000_000_000;
    let spans: Vec<Value> = spans
        .iter()
        .map(|(id, parent, name, start, dur, attrs, err)| {
            let attrs: Vec<Value> = attrs.as_object().unwrap().iter().map(|(k, v)| otlp_attr(k, v)).collect();
            json!({
                "traceId": "0af7651916cd43dd8448eb211c80319c",
                "spanId": format!("{id:016x}"),
                "parentSpanId": parent.map(|p| format!("{p:016x}")).unwrap_or_default(),
                "name": name,
                "kind": 3,
                "startTimeUnixNano": (t0 + start * 1_000_000).to_string(),
                "endTimeUnixNano": (t0 + (start + dur) * 1_000_000).to_string(),
                "attributes": attrs,
                "status": {"code": if *err { 2 } else { 0 }},
            })
        })
        .collect();
    let doc = json!({"resourceSpans": [{"resource": {"attributes": [otlp_attr("service.name", &json!("agent-app"))]},
        "scopeSpans": [{"scope": {"name": "test"}, "spans": spans}]}]});
    let text = doc.to_string();
    clew::parse::load(&[("agents.json", text.as_bytes())], None).unwrap()
}

fn runs_of(set: &TraceSet) -> Vec<AgentRun> {
    agent_runs(set, 0, &PriceTable::builtin())
}

/// (kind, name, span id) of every step of a run.
fn steps(set: &TraceSet, run: &AgentRun) -> Vec<(&'static str, String, String)> {
    run.steps
        .iter()
        .map(|s| (s.kind.as_str(), s.name.clone().unwrap_or_default(), set.spans[s.span as usize].span_id.to_text(&set.strings)))
        .collect()
}

fn id(n: u64) -> String {
    format!("{n:016x}")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

fn gen_ai_chat(input: i64, output: i64) -> Value {
    json!({"gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": input, "gen_ai.usage.output_tokens": output})
}

/// OTel GenAI: a planner agent with two calls, a tool between them and a nested researcher agent.
fn otel_genai() -> TraceSet {
    load(vec![
        sp(1, None, "invoke_agent planner", 0, 1000, json!({"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "planner"})),
        sp(2, Some(1), "chat gpt-4o", 10, 100, gen_ai_chat(1000, 100)),
        sp(3, Some(1), "execute_tool get_weather", 120, 50,
            json!({"gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "get_weather", "gen_ai.tool.call.arguments": "{\"city\":\"Paris\"}"})),
        sp(4, Some(1), "chat gpt-4o", 180, 100, gen_ai_chat(1400, 50)),
        sp(5, Some(1), "invoke_agent researcher", 300, 400, json!({"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "researcher"})),
        sp(6, Some(5), "chat gpt-4o", 310, 100, gen_ai_chat(200, 20)),
        sp(7, Some(5), "execute_tool search", 420, 100, json!({"gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "search"})),
    ])
}

#[test]
fn otel_genai_runs_steps_nested_run_and_follow_up() {
    let set = otel_genai();
    let runs = runs_of(&set);
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0].name, "planner");
    assert_eq!(
        steps(&set, &runs[0]),
        vec![
            ("llm", "gpt-4o".into(), id(2)),
            ("tool", "get_weather".into(), id(3)),
            ("llm", "gpt-4o".into(), id(4)),
            ("agent", "researcher".into(), id(5)),
        ]
    );
    assert_eq!(runs[1].name, "researcher");
    assert_eq!(runs[1].parent, Some(0));
    assert_eq!(steps(&set, &runs[1]), vec![("llm", "gpt-4o".into(), id(6)), ("tool", "search".into(), id(7))]);
    // gpt-4o: $2.50 in, $10 out per million tokens. 1000 in + 100 out = $0.0035.
    let first = &runs[0].steps[0];
    assert_eq!((first.input_tokens, first.output_tokens), (Some(1000), Some(100)));
    assert!(close(first.cost_usd.unwrap(), 0.0035));
    // The tool's result added 1400 − (1000 + 100) = 300 tokens to the next call: $0.00075.
    let tool = &runs[0].steps[1];
    assert_eq!(tool.arguments.as_deref(), Some("{\"city\":\"Paris\"}"));
    assert_eq!(tool.follow_up_tokens, Some(300));
    assert!(close(tool.follow_up_cost_usd.unwrap(), 0.00075));
    assert_eq!((tool.input_tokens, tool.cost_usd), (None, None));
    // The nested run carries its own steps' sums: 200 in, 20 out, $0.0007; its span's time.
    let nested = &runs[0].steps[3];
    assert_eq!((nested.input_tokens, nested.output_tokens, nested.duration_ns), (Some(200), Some(20), 400_000_000));
    assert!(close(nested.cost_usd.unwrap(), 0.0007));
    // No follow-up for a tool with no LLM call after it.
    assert_eq!(runs[1].steps[1].follow_up_tokens, None);
}

#[test]
fn analyze_json_lists_runs_with_exact_step_fields() {
    let set = otel_genai();
    let j = runs_json(&set, &runs_of(&set));
    assert_eq!(j[0]["span_id"], json!(id(1)));
    assert_eq!(j[0]["name"], json!("planner"));
    assert_eq!(
        j[0]["steps"][1],
        json!({"kind": "tool", "name": "get_weather", "span_id": id(3), "input_tokens": null, "output_tokens": null,
            "cost_usd": null, "duration_ns": 50_000_000u64})
    );
    assert_eq!(j[1]["steps"][0]["input_tokens"], json!(200));
    // Through the report: every trace has an `agents` key.
    let report = clew::report::analyze_json(&set, &Default::default());
    assert_eq!(report["traces"][0]["agents"], j);
}

#[test]
fn agent_graph_agents_tools_models_and_handoffs() {
    let set = otel_genai();
    let g = agent_graph(&runs_of(&set));
    let names: Vec<(NodeKind, &str, u64)> = g.nodes.iter().map(|n| (n.kind, n.name.as_str(), n.load.count)).collect();
    assert_eq!(
        names,
        vec![
            (NodeKind::Agent, "planner", 1),
            (NodeKind::Agent, "researcher", 1),
            (NodeKind::Tool, "get_weather", 1),
            (NodeKind::Tool, "search", 1),
            (NodeKind::Model, "gpt-4o", 3),
        ]
    );
    let edge = |f: &str, t: &str| g.edges.iter().find(|e| g.nodes[e.from].name == f && g.nodes[e.to].name == t).map(|e| e.load);
    assert_eq!(edge("planner", "gpt-4o").unwrap().count, 2);
    assert_eq!(edge("planner", "researcher").unwrap().count, 1);
    assert_eq!(edge("researcher", "search").unwrap().duration_ns, 100_000_000);
    assert!(close(edge("planner", "gpt-4o").unwrap().cost_usd.unwrap(), 0.0035 + 0.004));
    assert_eq!(g.edges.len(), 5);
}

#[test]
fn openinference_chain_agent_llm_tool_retriever() {
    let set = load(vec![
        sp(1, None, "RunnableSequence", 0, 900, json!({"openinference.span.kind": "CHAIN"})),
        sp(2, Some(1), "AgentExecutor", 10, 800, json!({"openinference.span.kind": "AGENT", "agent.name": "support"})),
        sp(3, Some(2), "ChatOpenAI", 20, 100, json!({"openinference.span.kind": "LLM", "llm.model_name": "gpt-4o-mini",
            "llm.token_count.prompt": 500, "llm.token_count.completion": 60})),
        sp(4, Some(2), "lookup_order", 130, 40, json!({"openinference.span.kind": "TOOL", "tool.name": "lookup_order", "input.value": "{\"id\":7}"})),
        sp(5, Some(2), "VectorStoreRetriever", 180, 30, json!({"openinference.span.kind": "RETRIEVER"})),
        sp(6, Some(2), "inner chain", 220, 200, json!({"openinference.span.kind": "CHAIN"})),
        sp(7, Some(6), "ChatOpenAI", 230, 100, json!({"openinference.span.kind": "LLM", "llm.model_name": "gpt-4o-mini",
            "llm.token_count.prompt": 900, "llm.token_count.completion": 40})),
    ]);
    let runs = runs_of(&set);
    assert_eq!(runs.len(), 1, "the CHAIN root is not a run when an agent exists");
    assert_eq!(runs[0].name, "support");
    assert_eq!(
        steps(&set, &runs[0]),
        vec![
            ("llm", "gpt-4o-mini".into(), id(3)),
            ("tool", "lookup_order".into(), id(4)),
            ("retrieval", "VectorStoreRetriever".into(), id(5)),
            ("llm", "gpt-4o-mini".into(), id(7)),
        ]
    );
    assert_eq!(runs[0].steps[1].arguments.as_deref(), Some("{\"id\":7}"));
    // 900 − (500 + 60) = 340 tokens, shared by the tool and the retrieval: 170 each.
    assert_eq!(runs[0].steps[1].follow_up_tokens, Some(170));
    assert_eq!(runs[0].steps[2].follow_up_tokens, Some(170));
}

#[test]
fn openllmetry_workflow_agent_task_tool() {
    let set = load(vec![
        sp(1, None, "trip.workflow", 0, 900, json!({"traceloop.span.kind": "workflow", "traceloop.entity.name": "trip"})),
        sp(2, Some(1), "booker.agent", 10, 800, json!({"traceloop.span.kind": "agent", "traceloop.entity.name": "booker"})),
        sp(3, Some(2), "plan.task", 20, 300, json!({"traceloop.span.kind": "task"})),
        sp(4, Some(3), "openai.chat", 30, 100, json!({"llm.request.type": "chat", "gen_ai.request.model": "gpt-4o",
            "gen_ai.usage.prompt_tokens": 100, "gen_ai.usage.completion_tokens": 10})),
        sp(5, Some(2), "book_flight.tool", 400, 100, json!({"traceloop.span.kind": "tool", "traceloop.entity.name": "book_flight",
            "traceloop.entity.input": "{\"to\":\"NYC\"}"})),
    ]);
    let runs = runs_of(&set);
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].name, "booker");
    assert_eq!(steps(&set, &runs[0]), vec![("llm", "gpt-4o".into(), id(4)), ("tool", "book_flight".into(), id(5))]);
    assert_eq!(runs[0].steps[1].arguments.as_deref(), Some("{\"to\":\"NYC\"}"));
    // 100 in, 10 out at gpt-4o prices: $0.00035.
    assert!(close(runs[0].steps[0].cost_usd.unwrap(), 0.00035));
}

#[test]
fn vercel_tool_calls_under_the_root_run_and_wrappers_are_not_steps() {
    let usage = |i: i64, o: i64| json!({"ai.model.id": "gpt-4o", "ai.usage.promptTokens": i, "ai.usage.completionTokens": o});
    let set = load(vec![
        sp(1, None, "ai.generateText", 0, 900, usage(700, 70)),
        sp(2, Some(1), "ai.generateText.doGenerate", 10, 200, usage(300, 50)),
        sp(3, Some(1), "ai.toolCall", 220, 80, json!({"ai.operationId": "ai.toolCall", "ai.toolCall.name": "weather", "ai.toolCall.args": "{\"q\":1}"})),
        sp(4, Some(1), "ai.generateText.doGenerate", 310, 200, usage(400, 20)),
    ]);
    let runs = runs_of(&set);
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].name, "ai.generateText", "no agent span: the root is the run");
    assert_eq!(
        steps(&set, &runs[0]),
        vec![("llm", "gpt-4o".into(), id(2)), ("tool", "weather".into(), id(3)), ("llm", "gpt-4o".into(), id(4))]
    );
    assert_eq!(runs[0].steps[1].follow_up_tokens, Some(50));
}

#[test]
fn plain_llm_trace_has_no_runs() {
    let set = load(vec![sp(1, None, "chat", 0, 100, gen_ai_chat(10, 5))]);
    assert!(runs_of(&set).is_empty());
}

fn of_kind(set: &TraceSet, kind: PatternKind) -> Vec<clew::analysis::patterns::Finding> {
    patterns(set, 0, &PatternConfig::default()).into_iter().filter(|f| f.kind == kind).collect()
}

#[test]
fn agent_loop_same_tool_same_arguments_three_times() {
    let tool = |args: &'static str| json!({"gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "search", "gen_ai.tool.call.arguments": args});
    let set = load(vec![
        sp(1, None, "invoke_agent a", 0, 1000, json!({"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "looper"})),
        sp(2, Some(1), "execute_tool search", 10, 100, tool("{\"q\":\"x\"}")),
        sp(3, Some(1), "execute_tool search", 120, 100, tool("{\"q\":\"x\"}")),
        sp(4, Some(1), "execute_tool search", 230, 150, tool("{\"q\":\"x\"}")),
        sp(5, Some(1), "execute_tool search", 400, 100, tool("{\"q\":\"y\"}")),
    ]);
    let f = of_kind(&set, PatternKind::AgentLoop);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].spans.len(), 3);
    // The two repeats after the first: 100 + 150 ms.
    assert_eq!(f[0].impact_ns, 250_000_000);
    assert!(f[0].message.contains("looper called tool search 3 times"), "{}", f[0].message);
}

#[test]
fn llm_retry_failed_then_same_call() {
    let mut failed = sp(2, Some(1), "chat gpt-4o", 0, 100, gen_ai_chat(1000, 0));
    failed.5["error.type"] = json!("RateLimitError");
    failed.6 = true;
    let set = load(vec![
        sp(1, None, "invoke_agent a", 0, 1000, json!({"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "a"})),
        failed,
        sp(3, Some(1), "chat gpt-4o", 600, 100, gen_ai_chat(1000, 100)),
    ]);
    let f = of_kind(&set, PatternKind::LlmRetry);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].impact_ns, 600_000_000);
    // The failed attempt: 1000 input tokens at $2.50 per million = $0.0025.
    assert!(f[0].message.contains("1 rate-limited") && f[0].message.contains("$0.0025"), "{}", f[0].message);
}

#[test]
fn context_growth_three_calls_in_a_run() {
    let set = load(vec![
        sp(1, None, "invoke_agent a", 0, 1000, json!({"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "grower"})),
        sp(2, Some(1), "chat", 0, 100, gen_ai_chat(1000, 10)),
        sp(3, Some(1), "chat", 200, 100, gen_ai_chat(3000, 10)),
        sp(4, Some(1), "chat", 400, 200, gen_ai_chat(5000, 10)),
    ]);
    let f = of_kind(&set, PatternKind::ContextGrowth);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].impact_ns, 300_000_000);
    // (3000 − 1000) + (5000 − 1000) = 6000 tokens re-sent at $2.50 per million = $0.015.
    assert!(f[0].message.contains("6,000 tokens") && f[0].message.contains("$0.015"), "{}", f[0].message);
    // Two calls are not a streak.
    let cfg = PatternConfig { context_growth_min_calls: 4, ..PatternConfig::default() };
    assert!(patterns(&set, 0, &cfg).iter().all(|f| f.kind != PatternKind::ContextGrowth));
}

#[test]
fn pattern_kind_names() {
    let names: Vec<&str> = PatternKind::ALL.iter().map(|k| k.as_str()).collect();
    assert!(names.ends_with(&["agent_loop", "llm_retry", "context_growth"]));
    let _ = StepKind::Retrieval.as_str();
}

#[test]
fn step_table_and_graph_svg_are_escaped_text() {
    use clew::view_model::agent_view::{graph_svg, steps_table};
    let set = load(vec![
        sp(1, None, "invoke_agent <b>x</b>", 0, 500, json!({"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "<b>x</b>"})),
        sp(2, Some(1), "execute_tool t", 10, 100, json!({"gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "t&t",
            "gen_ai.tool.call.arguments": "<script>alert(1)</script> and a long tail of arguments to be cut short here"})),
    ]);
    let runs = runs_of(&set);
    let t = steps_table(runs.first());
    assert_eq!(t.rows.len(), 1);
    assert_eq!(t.row_spans, vec![Some(1)]);
    assert!(t.rows[0][10].text.ends_with('…') && t.rows[0][10].raw.starts_with("<script>"));
    let svg = graph_svg(&agent_graph(&runs)).unwrap();
    assert!(svg.contains("&lt;b&gt;x&lt;/b&gt;") && svg.contains("t&amp;t") && !svg.contains("<b>"), "{svg}");
}
