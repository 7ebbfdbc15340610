//! Prompts and completions as chat text: one span's attributes and events in (OTel
//! GenAI, OpenLLMetry, OpenInference, Vercel AI SDK), plain-text [`ChatMessage`]s out,
//! inputs first. Never HTML: the UI renders them as text nodes.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::{AttrValue, TraceSet};

/// Whether a message was sent to the model or came back from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    Input,
    Output,
}

/// One chat message as plain text (never HTML).
#[derive(Clone, Debug, PartialEq)]
pub struct ChatMessage {
    pub direction: Direction,
    /// `system`, `user`, `assistant`, `tool`, … (as written, lower-cased).
    pub role: String,
    pub text: String,
    /// The attribute or event it came from.
    pub source: String,
}

/// Text of a message content value: a string, or parts (`{type:"text", content|text}`,
/// tool calls, tool results); other values as compact JSON. One level deep only.
fn content_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Array(parts) => {
            let mut out: Vec<String> = Vec::new();
            for p in parts {
                out.push(part_text(p));
            }
            out.retain(|s| !s.is_empty());
            out.join("\n")
        }
        Value::Object(_) => part_text(v),
        other => other.to_string(),
    }
}

fn part_text(p: &Value) -> String {
    match p {
        Value::String(s) => s.clone(),
        Value::Object(o) => {
            let ty = o.get("type").and_then(|t| t.as_str()).unwrap_or("");
            let field = |k: &str| o.get(k).map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            });
            match ty {
                "tool_call" | "tool-call" | "function_call" | "tool_use" => {
                    let name = field("name").or_else(|| field("toolName")).unwrap_or_default();
                    let args = field("arguments").or_else(|| field("args")).or_else(|| field("input")).unwrap_or_default();
                    format!("→ tool call {name}({args})")
                }
                "tool_call_response" | "tool-result" | "tool_result" | "function_call_output" => {
                    let r = field("response").or_else(|| field("result")).or_else(|| field("output")).or_else(|| field("content")).unwrap_or_default();
                    format!("← tool result: {r}")
                }
                _ => field("content").or_else(|| field("text")).unwrap_or_else(|| p.to_string()),
            }
        }
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Messages from a JSON value: an array of `{role, parts|content}` objects, an object
/// with `messages`/`prompt`/`system` (Vercel `ai.prompt`), or a bare string.
fn messages_from_json(v: &Value, dir: Direction, default_role: &str, source: &str, out: &mut Vec<ChatMessage>) {
    let one = |m: &Value, out: &mut Vec<ChatMessage>| {
        if let Value::Object(o) = m {
            let role = o.get("role").and_then(|r| r.as_str()).unwrap_or(default_role).to_lowercase();
            let content = o.get("parts").or_else(|| o.get("content")).or_else(|| o.get("text")).or_else(|| o.get("message"));
            let text = match content {
                Some(c) => content_text(c),
                None => {
                    // gen_ai.system_instructions items are parts themselves.
                    part_text(m)
                }
            };
            out.push(ChatMessage { direction: dir, role, text, source: source.to_string() });
        } else {
            let text = content_text(m);
            if !text.is_empty() {
                out.push(ChatMessage { direction: dir, role: default_role.to_string(), text, source: source.to_string() });
            }
        }
    };
    match v {
        Value::Array(items) => {
            if items.iter().all(|i| i.get("role").is_none()) && !items.is_empty() && default_role == "system" {
                // System instructions: one message of parts.
                out.push(ChatMessage { direction: dir, role: "system".to_string(), text: content_text(v), source: source.to_string() });
            } else {
                for m in items {
                    one(m, out);
                }
            }
        }
        Value::Object(o) if o.contains_key("messages") || o.contains_key("prompt") || o.contains_key("system") => {
            if let Some(s) = o.get("system") {
                let text = content_text(s);
                if !text.is_empty() {
                    out.push(ChatMessage { direction: dir, role: "system".to_string(), text, source: source.to_string() });
                }
            }
            if let Some(Value::Array(ms)) = o.get("messages") {
                for m in ms {
                    one(m, out);
                }
            }
            if let Some(p) = o.get("prompt") {
                let text = content_text(p);
                if !text.is_empty() {
                    out.push(ChatMessage { direction: dir, role: "user".to_string(), text, source: source.to_string() });
                }
            }
        }
        other => one(other, out),
    }
}

/// Reads one attribute value (JSON text, structured value, or plain text) as messages.
fn messages_from_attr(set: &TraceSet, v: AttrValue, dir: Direction, default_role: &str, source: &str, out: &mut Vec<ChatMessage>) {
    let json = match v {
        AttrValue::Str(s) => {
            let t = set.str(s);
            let tt = t.trim_start();
            if tt.starts_with('[') || tt.starts_with('{') {
                match serde_json::from_str::<Value>(t) {
                    Ok(j) => j,
                    Err(_) => Value::String(t.to_string()),
                }
            } else {
                Value::String(t.to_string())
            }
        }
        other => set.value_json(other),
    };
    messages_from_json(&json, dir, default_role, source, out);
}

/// Prompts and completions of a span as plain-text chat messages, inputs first.
/// Reads OTel GenAI (`gen_ai.system_instructions`, `gen_ai.input.messages`,
/// `gen_ai.output.messages`, older `gen_ai.prompt` / `gen_ai.completion`, and the
/// deprecated `gen_ai.*.message` / `gen_ai.choice` events), OpenLLMetry's
/// `gen_ai.prompt.N.role/content`, OpenInference's
/// `llm.input_messages.N.message.role/content` (and `input.value`/`output.value`
/// when there are no messages), and Vercel's `ai.prompt`, `ai.prompt.messages`,
/// `ai.response.text`.
pub fn span_messages(set: &TraceSet, span: u32) -> Vec<ChatMessage> {
    let mut out = Vec::new();
    let Some(s) = set.spans.get(span as usize) else { return out };
    let attrs = set.span_attrs(s);
    let get = |k: &str| attrs.iter().find(|a| set.str(a.key) == k).map(|a| a.value);

    if let Some(v) = get("gen_ai.system_instructions") {
        messages_from_attr(set, v, Direction::Input, "system", "gen_ai.system_instructions", &mut out);
    }
    let mut structured = false;
    for (key, dir, role) in [
        ("gen_ai.input.messages", Direction::Input, "user"),
        ("gen_ai.prompt", Direction::Input, "user"),
        ("ai.prompt.messages", Direction::Input, "user"),
        ("ai.prompt", Direction::Input, "user"),
    ] {
        if let Some(v) = get(key) {
            messages_from_attr(set, v, dir, role, key, &mut out);
            structured = true;
            break;
        }
    }
    // Flattened indexed families: gen_ai.prompt.N.*, llm.input_messages.N.message.*
    /// (role, content, source family) of one indexed message.
    type Indexed = (Option<String>, Option<String>, String);
    const FAMILIES: [(&str, Direction, &str); 4] = [
        ("gen_ai.prompt.", Direction::Input, "gen_ai.prompt"),
        ("gen_ai.completion.", Direction::Output, "gen_ai.completion"),
        ("llm.input_messages.", Direction::Input, "llm.input_messages"),
        ("llm.output_messages.", Direction::Output, "llm.output_messages"),
    ];
    let mut indexed: BTreeMap<(Direction, u32), Indexed> = BTreeMap::new();
    for a in attrs {
        let k = set.str(a.key);
        let parsed = FAMILIES.iter().find_map(|(prefix, dir, src)| k.strip_prefix(prefix).map(|rest| (*dir, rest, *src)));
        let Some((dir, rest, src)) = parsed else { continue };
        let Some((n, field)) = rest.split_once('.') else { continue };
        let Ok(n) = n.parse::<u32>() else { continue };
        let field = field.strip_prefix("message.").unwrap_or(field);
        let e = indexed.entry((dir, n)).or_insert((None, None, src.to_string()));
        match field {
            "role" => e.0 = Some(set.value_text(a.value).to_lowercase()),
            "content" => e.1 = Some(set.value_text(a.value)),
            _ => {}
        }
    }
    let has_indexed_input = indexed.keys().any(|(d, _)| *d == Direction::Input);
    if !structured {
        for ((dir, _), (role, content, src)) in indexed.iter().filter(|((d, _), _)| *d == Direction::Input) {
            if let Some(c) = content {
                out.push(ChatMessage { direction: *dir, role: role.clone().unwrap_or_else(|| "user".to_string()), text: c.clone(), source: src.clone() });
            }
        }
        if !has_indexed_input
            && let Some(v) = get("input.value") {
                messages_from_attr(set, v, Direction::Input, "user", "input.value", &mut out);
            }
    }

    let mut structured_out = false;
    for (key, role) in [("gen_ai.output.messages", "assistant"), ("gen_ai.completion", "assistant"), ("ai.response.text", "assistant")] {
        if let Some(v) = get(key) {
            messages_from_attr(set, v, Direction::Output, role, key, &mut out);
            structured_out = true;
            break;
        }
    }
    let has_indexed_output = indexed.keys().any(|(d, _)| *d == Direction::Output);
    if !structured_out {
        for ((dir, _), (role, content, src)) in indexed.iter().filter(|((d, _), _)| *d == Direction::Output) {
            if let Some(c) = content {
                out.push(ChatMessage { direction: *dir, role: role.clone().unwrap_or_else(|| "assistant".to_string()), text: c.clone(), source: src.clone() });
            }
        }
        if !has_indexed_output
            && let Some(v) = get("output.value") {
                messages_from_attr(set, v, Direction::Output, "assistant", "output.value", &mut out);
            }
    }

    // Deprecated GenAI events: gen_ai.system.message, gen_ai.user.message, gen_ai.assistant.message,
    // gen_ai.tool.message, gen_ai.choice.
    if out.is_empty() {
        for e in set.events.get(s.events.range()).unwrap_or(&[]) {
            let name = set.str(e.name);
            let (dir, role) = match name {
                "gen_ai.system.message" => (Direction::Input, "system"),
                "gen_ai.user.message" => (Direction::Input, "user"),
                "gen_ai.assistant.message" => (Direction::Input, "assistant"),
                "gen_ai.tool.message" => (Direction::Input, "tool"),
                "gen_ai.choice" => (Direction::Output, "assistant"),
                _ => continue,
            };
            let eattrs = set.attrs.get(e.attrs.range()).unwrap_or(&[]);
            let content = eattrs
                .iter()
                .find(|a| matches!(set.str(a.key), "content" | "gen_ai.prompt" | "gen_ai.completion" | "message" | "body"))
                .map(|a| a.value);
            if let Some(v) = content {
                let before = out.len();
                messages_from_attr(set, v, dir, role, name, &mut out);
                for m in out.iter_mut().skip(before) {
                    if m.role.is_empty() {
                        m.role = role.to_string();
                    }
                }
            }
        }
    }
    out.retain(|m| !m.text.trim().is_empty());
    out
}
