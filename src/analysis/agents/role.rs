//! What part a span plays in an agent trace: one span's own attributes in, its
//! [`Role`] (agent, tool, retrieval, chain, or none) and its agent/tool name and tool
//! arguments out.
//!
//! | family | agent | tool | retrieval | chain (not a step) |
//! |---|---|---|---|---|
//! | OTel GenAI `gen_ai.operation.name` | `invoke_agent` | `execute_tool` | — | `create_agent` |
//! | OpenInference `openinference.span.kind` | `AGENT` | `TOOL` | `RETRIEVER` | `CHAIN` |
//! | OpenLLMetry `traceloop.span.kind` | `agent` | `tool` | — | `workflow`, `task` |
//! | Vercel AI SDK (span name or `ai.operationId`) | — | `ai.toolCall` | — | — |
//!
//! Names: `gen_ai.agent.name`, `agent.name`, `traceloop.entity.name` for agents;
//! `gen_ai.tool.name`, `tool.name`, `ai.toolCall.name`, `traceloop.entity.name` for
//! tools; else the span name. Tool arguments: `gen_ai.tool.call.arguments`,
//! `ai.toolCall.args`, `traceloop.entity.input`, `input.value`.

use crate::model::{AttrValue, Span, TraceSet};

/// A span's part in an agent trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Agent,
    Tool,
    Retrieval,
    /// Chains, workflows, tasks, `create_agent`: recognized, never a step.
    Chain,
}

/// One span's role and names, read from its own attributes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SpanRole {
    pub role: Option<Role>,
    /// The agent or tool name, when an attribute gives it.
    pub label: Option<String>,
    /// Tool arguments as written.
    pub arguments: Option<String>,
}

/// Reads the role of one span (O(attributes)).
pub fn span_role(set: &TraceSet, span: &Span) -> SpanRole {
    // Slots: 0 op, 1 oi kind, 2 traceloop kind, 3 vercel op, 4..=6 agent names, 7..=10 tool names, 11..=14 args.
    let mut slots: [Option<AttrValue>; 15] = [None; 15];
    for a in set.span_attrs(span) {
        let i = match set.str(a.key) {
            "gen_ai.operation.name" => 0,
            "openinference.span.kind" => 1,
            "traceloop.span.kind" => 2,
            "ai.operationId" => 3,
            "gen_ai.agent.name" => 4,
            "agent.name" => 5,
            "traceloop.entity.name" => 6,
            "gen_ai.tool.name" => 7,
            "tool.name" => 8,
            "ai.toolCall.name" => 9,
            "gen_ai.tool.call.arguments" => 11,
            "ai.toolCall.args" => 12,
            "traceloop.entity.input" => 13,
            "input.value" => 14,
            _ => continue,
        };
        if !matches!(a.value, AttrValue::Empty) {
            slots[i] = Some(a.value);
        }
    }
    let text = |i: usize| slots[i].map(|v| set.value_text(v).trim().to_string()).filter(|t| !t.is_empty());
    let lower = |i: usize| text(i).map(|t| t.to_lowercase());
    let name = set.name_of(span);
    let role = match (lower(0).as_deref(), lower(1).as_deref(), lower(2).as_deref()) {
        (Some("invoke_agent"), _, _) | (_, Some("agent"), _) | (_, _, Some("agent")) => Some(Role::Agent),
        (Some("execute_tool"), _, _) | (_, Some("tool"), _) | (_, _, Some("tool")) => Some(Role::Tool),
        (_, Some("retriever"), _) => Some(Role::Retrieval),
        (Some("create_agent"), _, _) | (_, Some("chain"), _) | (_, _, Some("workflow") | Some("task")) => Some(Role::Chain),
        _ if name == "ai.toolCall" || text(3).as_deref() == Some("ai.toolCall") => Some(Role::Tool),
        _ => None,
    };
    let label = match role {
        Some(Role::Agent) => text(4).or_else(|| text(5)).or_else(|| text(6)),
        Some(Role::Tool) => text(7).or_else(|| text(8)).or_else(|| text(9)).or_else(|| text(6)),
        _ => None,
    };
    let arguments = if role == Some(Role::Tool) { (11..=14).find_map(text) } else { None };
    SpanRole { role, label, arguments }
}
