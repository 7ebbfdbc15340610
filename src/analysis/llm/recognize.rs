//! Which spans are LLM calls, and reading them: a span's attributes (and its resource's)
//! in, one value per slot (model, provider, tokens, cost, timing, errors, …) out,
//! each from the highest-priority key of its family.
//!
//! A span is an LLM call when it carries a model attribute (`gen_ai.request.model`,
//! `gen_ai.response.model`, `llm.model_name`, `ai.model.id`, …; an empty or `"unknown"`
//! model counts as missing) or any token-usage attribute. Recognized attribute families
//! (values may be ints, doubles or numeric strings):
//!
//! | family | model | tokens | other |
//! |---|---|---|---|
//! | OTel GenAI (current + deprecated) | `gen_ai.request.model`, `gen_ai.response.model` | `gen_ai.usage.input_tokens`/`output_tokens` (`prompt_tokens`/`completion_tokens`), `cache_read.input_tokens`, `cache_creation.input_tokens`, `reasoning.output_tokens` | `gen_ai.provider.name`/`gen_ai.system`, `gen_ai.operation.name`, `finish_reasons`, `time_to_first_chunk` (s), `conversation.id`, `request.max_tokens`/`temperature`, `gen_ai.usage.cost` |
//! | OpenInference | `llm.model_name` | `llm.token_count.prompt`/`completion`/`total`, `prompt_details.cache_read`/`cache_write`, `completion_details.reasoning` | `llm.provider`/`llm.system`, `llm.cost.total`, `session.id`, `openinference.span.kind` |
//! | OpenLLMetry | `gen_ai.*` | `llm.usage.total_tokens`, `gen_ai.usage.cache_read_input_tokens`, `cache_creation_input_tokens` | `llm.request.type` |
//! | Vercel AI SDK | `ai.model.id`, `ai.response.model` | `ai.usage.promptTokens`/`completionTokens`/`inputTokens`/`outputTokens`/`totalTokens`/`cachedInputTokens`/`reasoningTokens` | `ai.model.provider`, `ai.response.msToFirstChunk`, `ai.response.finishReason` |
//! | OpenLLMetry via LangChain | `gen_ai.*` = `"unknown"` (ignored), then `traceloop.association.properties.ls_model_name` or any `<vendor>.association.properties.ls_model_name` | — | a span with `llm.request.type` and a model-call `gen_ai.operation.name` is a call even with no model or usage |
//! | Langfuse SDK | `langfuse.observation.model.name` | `langfuse.observation.usage_details` (JSON string) | `langfuse.observation.type` = `generation`, `langfuse.observation.cost_details` (JSON string) |
//! | promptflow | — | `__computed__.cumulative_token_count.prompt`/`completion`/`total`, only without other usage and only on a span with no call below it | — |
//! | handbook | — | — | `llm.cost.usd`, `llm.cost.input_usd` + `llm.cost.output_usd`, `llm.purpose`, `llm.error.type`, a first-token/first-chunk span event |
//!
//! A call span whose subtree holds another call span (a Vercel `ai.generateText`
//! around its `doGenerate`, a framework span around the SDK span) reports the same
//! tokens again; it is listed as context ([`ContextKind::Wrapper`]), not counted.
//! Agent and tool spans (`invoke_agent`, `execute_tool`, OpenInference AGENT/TOOL)
//! without model or usage are context too.

use serde_json::Value;

use super::call::ContextKind;
use crate::model::{AttrValue, Span, TraceSet};

/// Attribute slots read from one span. Each slot keeps the value of the
/// highest-priority key seen (lower number wins).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Slot {
    ResponseModel,
    RequestModel,
    Provider,
    Operation,
    Purpose,
    Input,
    Output,
    Total,
    CacheRead,
    CacheCreation,
    Reasoning,
    CostUsd,
    CostInput,
    CostOutput,
    CostTotal,
    GenAiCost,
    TtftS,
    TtftMs,
    Finish,
    MaxTokens,
    Temperature,
    ErrorType,
    LlmErrorType,
    HttpStatus,
    User,
    Tenant,
    Conversation,
    AgentName,
    ToolName,
    OiKind,
    /// `langfuse.observation.type` = `generation` (other types are not offered).
    LfGeneration,
    /// `langfuse.observation.usage_details`, a JSON object written as a string.
    LfUsage,
    /// `langfuse.observation.cost_details`, a JSON object written as a string.
    LfCost,
    /// promptflow's `__computed__.cumulative_token_count.*`: the tokens of the span's
    /// whole subtree, counted only where nothing better exists.
    CumInput,
    CumOutput,
    CumTotal,
}

pub(super) const SLOTS: usize = Slot::CumTotal as usize + 1;

/// Maps a key to its slot and priority.
pub(super) fn slot_of(key: &str) -> Option<(Slot, u8)> {
    use Slot::*;
    Some(match key {
        "gen_ai.response.model" => (ResponseModel, 0),
        "ai.response.model" => (ResponseModel, 1),
        "llm.response.model" => (ResponseModel, 2),
        "gen_ai.request.model" => (RequestModel, 0),
        "llm.model_name" => (RequestModel, 1),
        "ai.model.id" => (RequestModel, 2),
        "llm.request.model" => (RequestModel, 3),
        "traceloop.association.properties.ls_model_name" => (RequestModel, 4),
        "langfuse.observation.model.name" => (RequestModel, 6),
        "gen_ai.provider.name" => (Provider, 0),
        "gen_ai.system" => (Provider, 1),
        "llm.provider" => (Provider, 2),
        "llm.system" => (Provider, 3),
        "ai.model.provider" => (Provider, 4),
        "gen_ai.operation.name" => (Operation, 0),
        "llm.request.type" => (Operation, 1),
        "ai.operationId" => (Operation, 2),
        "llm.purpose" => (Purpose, 0),
        "gen_ai.usage.input_tokens" => (Input, 0),
        "gen_ai.usage.prompt_tokens" => (Input, 1),
        "llm.token_count.prompt" => (Input, 2),
        "llm.usage.prompt_tokens" => (Input, 3),
        "ai.usage.inputTokens" => (Input, 4),
        "ai.usage.promptTokens" => (Input, 5),
        "gen_ai.usage.output_tokens" => (Output, 0),
        "gen_ai.usage.completion_tokens" => (Output, 1),
        "llm.token_count.completion" => (Output, 2),
        "llm.usage.completion_tokens" => (Output, 3),
        "ai.usage.outputTokens" => (Output, 4),
        "ai.usage.completionTokens" => (Output, 5),
        "gen_ai.usage.total_tokens" => (Total, 0),
        "llm.usage.total_tokens" => (Total, 1),
        "llm.token_count.total" => (Total, 2),
        "ai.usage.totalTokens" => (Total, 3),
        "gen_ai.usage.cache_read.input_tokens" => (CacheRead, 0),
        "gen_ai.usage.cache_read_input_tokens" => (CacheRead, 1),
        "llm.token_count.prompt_details.cache_read" => (CacheRead, 2),
        "gen_ai.usage.cache_read_tokens" => (CacheRead, 3),
        "ai.usage.cachedInputTokens" => (CacheRead, 4),
        "gen_ai.usage.cache_creation.input_tokens" => (CacheCreation, 0),
        "gen_ai.usage.cache_creation_input_tokens" => (CacheCreation, 1),
        "llm.token_count.prompt_details.cache_write" => (CacheCreation, 2),
        "gen_ai.usage.cache_creation_tokens" => (CacheCreation, 3),
        "gen_ai.usage.cache_write_tokens" => (CacheCreation, 4),
        "gen_ai.usage.reasoning.output_tokens" => (Reasoning, 0),
        "gen_ai.usage.reasoning_tokens" => (Reasoning, 1),
        "llm.token_count.completion_details.reasoning" => (Reasoning, 2),
        "ai.usage.reasoningTokens" => (Reasoning, 3),
        "llm.cost.usd" => (CostUsd, 0),
        "llm.cost.input_usd" => (CostInput, 0),
        "llm.cost.output_usd" => (CostOutput, 0),
        "llm.cost.total" => (CostTotal, 0),
        "gen_ai.usage.cost" => (GenAiCost, 0),
        "gen_ai.response.time_to_first_chunk" => (TtftS, 0),
        "gen_ai.server.time_to_first_token" => (TtftS, 1),
        "ai.response.msToFirstChunk" => (TtftMs, 0),
        "ai.stream.msToFirstChunk" => (TtftMs, 1),
        "gen_ai.response.finish_reasons" => (Finish, 0),
        "gen_ai.response.finish_reason" => (Finish, 1),
        "ai.response.finishReason" => (Finish, 2),
        "llm.response.finish_reason" => (Finish, 3),
        "gen_ai.completion.0.finish_reason" => (Finish, 4),
        "gen_ai.request.max_tokens" => (MaxTokens, 0),
        "llm.request.max_tokens" => (MaxTokens, 1),
        "ai.settings.maxOutputTokens" => (MaxTokens, 2),
        "ai.settings.maxTokens" => (MaxTokens, 3),
        "gen_ai.request.temperature" => (Temperature, 0),
        "llm.request.temperature" => (Temperature, 1),
        "ai.settings.temperature" => (Temperature, 2),
        "error.type" => (ErrorType, 0),
        "exception.type" => (ErrorType, 1),
        "llm.error.type" => (LlmErrorType, 0),
        "http.response.status_code" => (HttpStatus, 0),
        "http.status_code" => (HttpStatus, 1),
        "user.id" => (User, 0),
        "enduser.id" => (User, 1),
        "langfuse.user.id" => (User, 2),
        "ai.telemetry.metadata.userId" => (User, 3),
        "tenant.id" => (Tenant, 0),
        "gen_ai.conversation.id" => (Conversation, 0),
        "session.id" => (Conversation, 1),
        "langfuse.session.id" => (Conversation, 2),
        "ai.telemetry.metadata.sessionId" => (Conversation, 3),
        "gen_ai.agent.name" => (AgentName, 0),
        "gen_ai.tool.name" => (ToolName, 0),
        "openinference.span.kind" => (OiKind, 0),
        "langfuse.observation.type" => (LfGeneration, 0),
        "langfuse.observation.usage_details" => (LfUsage, 0),
        "langfuse.observation.cost_details" => (LfCost, 0),
        "__computed__.cumulative_token_count.prompt" => (CumInput, 0),
        "__computed__.cumulative_token_count.completion" => (CumOutput, 0),
        "__computed__.cumulative_token_count.total" => (CumTotal, 0),
        // SDKs built on OpenLLMetry write `<vendor>.association.properties.ls_model_name`.
        _ if key.ends_with(".association.properties.ls_model_name") => (RequestModel, 5),
        _ => return None,
    })
}

/// The slots of one span (own attributes first, then the resource's).
pub(super) struct Scan {
    pub(super) vals: [Option<(u8, AttrValue)>; SLOTS],
    /// The span carries OpenLLMetry's `llm.request.type`.
    request_type: bool,
}

impl Scan {
    pub(super) fn of(set: &TraceSet, span: &Span) -> Scan {
        let mut scan = Scan { vals: [None; SLOTS], request_type: false };
        for a in set.span_attrs(span) {
            scan.offer(set, set.str(a.key), a.value);
        }
        // Resource attributes only fill what the span left empty.
        if let Some(res) = set.resources.get(span.resource as usize) {
            let mut res_scan = Scan { vals: [None; SLOTS], request_type: false };
            if let Some(attrs) = set.attrs.get(res.attrs.range()) {
                for a in attrs {
                    res_scan.offer(set, set.str(a.key), a.value);
                }
            }
            for (own, res) in scan.vals.iter_mut().zip(res_scan.vals) {
                if own.is_none() {
                    *own = res;
                }
            }
        }
        scan
    }
    fn offer(&mut self, set: &TraceSet, key: &str, value: AttrValue) {
        let Some((slot, prio)) = slot_of(key) else { return };
        if matches!(value, AttrValue::Empty) {
            return;
        }
        match slot {
            // LangChain through OpenLLMetry writes the model as the literal "unknown".
            Slot::ResponseModel | Slot::RequestModel => {
                let t = set.value_text(value);
                let t = t.trim();
                if t.is_empty() || t.eq_ignore_ascii_case("unknown") {
                    return;
                }
            }
            Slot::LfGeneration if !set.value_text(value).trim().eq_ignore_ascii_case("generation") => return,
            Slot::Operation if key == "llm.request.type" => self.request_type = !set.value_text(value).trim().is_empty(),
            _ => {}
        }
        let cur = &mut self.vals[slot as usize];
        if cur.map(|(p, _)| prio < p).unwrap_or(true) {
            *cur = Some((prio, value));
        }
    }
    pub(super) fn get(&self, slot: Slot) -> Option<AttrValue> {
        self.vals[slot as usize].map(|(_, v)| v)
    }
    pub(super) fn has(&self, slot: Slot) -> bool {
        self.vals[slot as usize].is_some()
    }
    /// The slot's value as trimmed, non-empty text.
    pub(super) fn text(&self, set: &TraceSet, slot: Slot) -> Option<String> {
        text_of(set, self.get(slot))
    }
    pub(super) fn num(&self, set: &TraceSet, slot: Slot) -> Option<f64> {
        value_f64(set, self.get(slot)?)
    }
    /// A token count: a finite number ≥ 0, rounded.
    pub(super) fn count(&self, set: &TraceSet, slot: Slot) -> Option<u64> {
        let v = self.num(set, slot)?;
        if v.is_finite() && v >= 0.0 {
            Some(v.round().min(u64::MAX as f64) as u64)
        } else {
            None
        }
    }
    /// A model, token usage (of any family), a Langfuse generation, or an OpenLLMetry
    /// call span (`llm.request.type` with a model-call `gen_ai.operation.name`).
    /// Cumulative counters alone are not enough: see [`Scan::is_cumulative_only`].
    pub(super) fn is_llm(&self, set: &TraceSet) -> bool {
        use Slot::*;
        [ResponseModel, RequestModel, Input, Output, Total, CacheRead, CacheCreation, Reasoning, LfGeneration, LfUsage]
            .iter()
            .any(|s| self.has(*s))
            || self.is_bare_openllmetry_call(set)
    }
    /// OpenLLMetry's call span that reported neither model nor usage (streamed or
    /// failed responses): `llm.request.type` and a `gen_ai.operation.name` that is not
    /// an agent or tool operation.
    fn is_bare_openllmetry_call(&self, set: &TraceSet) -> bool {
        let gen_ai_op = match self.vals[Slot::Operation as usize] {
            Some((0, v)) => set.value_text(v).trim().to_lowercase(),
            _ => return false,
        };
        self.request_type
            && !gen_ai_op.is_empty()
            && !matches!(gen_ai_op.as_str(), "invoke_agent" | "create_agent" | "execute_tool")
    }
    /// promptflow's cumulative counters with no other sign of a call: a call only
    /// when no call lies below it (see `call::analyze_trace`).
    pub(super) fn is_cumulative_only(&self, set: &TraceSet) -> bool {
        use Slot::*;
        !self.is_llm(set) && [CumInput, CumOutput, CumTotal].iter().any(|s| self.has(*s))
    }
}

pub(super) fn value_f64(set: &TraceSet, v: AttrValue) -> Option<f64> {
    match v {
        AttrValue::Int(i) => Some(i as f64),
        AttrValue::Double(d) if d.is_finite() => Some(d),
        AttrValue::Str(s) => set.str(s).trim().parse::<f64>().ok().filter(|d| d.is_finite()),
        _ => None,
    }
}

/// Finish reasons from a string, an array, or a JSON array written as a string.
pub(super) fn finish_reasons(set: &TraceSet, v: AttrValue) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |s: &str| {
        let s = s.trim().trim_matches('"').trim().to_lowercase();
        if !s.is_empty() {
            out.push(s);
        }
    };
    match v {
        AttrValue::Array(r) => {
            for item in set.values.get(r.range()).unwrap_or(&[]) {
                push(&set.value_text(*item));
            }
        }
        other => {
            let text = set.value_text(other);
            let t = text.trim();
            if t.starts_with('[') {
                match serde_json::from_str::<Value>(t) {
                    Ok(Value::Array(items)) => {
                        for it in items {
                            match it {
                                Value::String(s) => push(&s),
                                other => push(&other.to_string()),
                            }
                        }
                    }
                    _ => {
                        for part in t.trim_matches(|c| c == '[' || c == ']').split(',') {
                            push(part);
                        }
                    }
                }
            } else {
                for part in t.split(',') {
                    push(part);
                }
            }
        }
    }
    out
}

/// True when an event name marks the first token or chunk.
pub(super) fn is_first_token_event(name: &str) -> bool {
    let n = name.to_lowercase();
    let squashed: String = n.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    squashed.contains("firsttoken") || squashed.contains("firstchunk") || squashed.contains("ttft")
}

/// Whether an error type or message names a rate limit (`rate_limit`, `RateLimitError`,
/// "Too Many Requests", `429`).
pub fn names_rate_limit(s: &str) -> bool {
    let squashed: String = s.to_lowercase().chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    squashed.contains("ratelimit") || squashed.contains("toomanyrequests") || squashed == "429"
}

/// GenAI operations/kinds that make a span context when it has no model or usage.
pub(super) fn context_kind(op: Option<&str>, oi_kind: Option<&str>, agent: bool, tool: bool) -> Option<ContextKind> {
    let op = op.map(|s| s.to_lowercase());
    let oi = oi_kind.map(|s| s.to_lowercase());
    match (op.as_deref(), oi.as_deref()) {
        (Some("invoke_agent") | Some("create_agent"), _) | (_, Some("agent")) => Some(ContextKind::Agent),
        (Some("execute_tool"), _) | (_, Some("tool")) => Some(ContextKind::Tool),
        _ if agent => Some(ContextKind::Agent),
        _ if tool => Some(ContextKind::Tool),
        (Some(_), _) => Some(ContextKind::Other),
        (_, Some(_)) => Some(ContextKind::Other),
        _ => None,
    }
}

/// Values that flow down the tree: user, tenant, conversation.
#[derive(Clone, Copy, Default)]
pub(super) struct Inherited {
    pub(super) user: Option<AttrValue>,
    pub(super) tenant: Option<AttrValue>,
    pub(super) conversation: Option<AttrValue>,
}

/// Offers a key/value to the user/tenant/conversation slots (lower priority wins).
fn offer_inherited(slots: &mut [Option<(u8, AttrValue)>; 3], key: &str, v: AttrValue) {
    let Some((slot, prio)) = slot_of(key) else { return };
    let i = match slot {
        Slot::User => 0,
        Slot::Tenant => 1,
        Slot::Conversation => 2,
        _ => return,
    };
    if matches!(v, AttrValue::Empty) {
        return;
    }
    if slots[i].map(|(p, _)| prio < p).unwrap_or(true) {
        slots[i] = Some((prio, v));
    }
}

/// User, tenant and conversation of the span itself (own attributes, then resource).
pub(super) fn own_inherited(set: &TraceSet, span: &Span) -> Inherited {
    let mut own: [Option<(u8, AttrValue)>; 3] = [None; 3];
    for a in set.span_attrs(span) {
        offer_inherited(&mut own, set.str(a.key), a.value);
    }
    let mut res: [Option<(u8, AttrValue)>; 3] = [None; 3];
    if let Some(r) = set.resources.get(span.resource as usize) {
        for a in set.attrs.get(r.attrs.range()).unwrap_or(&[]) {
            offer_inherited(&mut res, set.str(a.key), a.value);
        }
    }
    let pick = |i: usize| own[i].or(res[i]).map(|(_, v)| v);
    Inherited { user: pick(0), tenant: pick(1), conversation: pick(2) }
}

/// A value as trimmed, non-empty text.
pub(super) fn text_of(set: &TraceSet, v: Option<AttrValue>) -> Option<String> {
    let t = set.value_text(v?);
    let t = t.trim();
    if t.is_empty() {
        None
    } else {
        Some(t.to_string())
    }
}
