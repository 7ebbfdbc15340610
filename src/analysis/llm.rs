//! LLM calls: a [`TraceSet`] and a [`PriceTable`] in; per-call facts ([`LlmCall`]),
//! per-trace summaries ([`TraceLlmSummary`]), cross-trace aggregates, sortable/CSV
//! tables ([`LlmTable`]), chat text of prompts/completions, and the `"llm"` object
//! of `clew analyze --json` ([`trace_llm_json`]) out.
//!
//! # What is a call
//!
//! A span is an LLM call when it carries a model attribute (`gen_ai.request.model`,
//! `gen_ai.response.model`, `llm.model_name`, `ai.model.id`, …) or any token-usage
//! attribute. Recognized attribute families (values may be numbers or numeric strings):
//!
//! | family | model | tokens | other |
//! |---|---|---|---|
//! | OTel GenAI (current + deprecated) | `gen_ai.request.model`, `gen_ai.response.model` | `gen_ai.usage.input_tokens`/`output_tokens` (`prompt_tokens`/`completion_tokens`), `cache_read.input_tokens`, `cache_creation.input_tokens`, `reasoning.output_tokens` | `gen_ai.provider.name`/`gen_ai.system`, `gen_ai.operation.name`, `finish_reasons`, `time_to_first_chunk` (s), `conversation.id`, `request.max_tokens`/`temperature`, `gen_ai.usage.cost` |
//! | OpenInference | `llm.model_name` | `llm.token_count.prompt`/`completion`/`total`, `prompt_details.cache_read`/`cache_write`, `completion_details.reasoning` | `llm.provider`/`llm.system`, `llm.cost.total`, `session.id`, `openinference.span.kind` |
//! | OpenLLMetry | `gen_ai.*` | `llm.usage.total_tokens`, `gen_ai.usage.cache_read_input_tokens`, `cache_creation_input_tokens` | `llm.request.type` |
//! | Vercel AI SDK | `ai.model.id`, `ai.response.model` | `ai.usage.promptTokens`/`completionTokens`/`inputTokens`/`outputTokens`/`totalTokens`/`cachedInputTokens`/`reasoningTokens` | `ai.model.provider`, `ai.response.msToFirstChunk`, `ai.response.finishReason` |
//! | handbook | — | — | `llm.cost.usd`, `llm.cost.input_usd` + `llm.cost.output_usd`, `llm.purpose`, `llm.error.type`, a first-token/first-chunk span event |
//!
//! A call span whose subtree holds another call span (a Vercel `ai.generateText`
//! around its `doGenerate`, a framework span around the SDK span) reports the same
//! tokens again; it is listed as context ([`ContextKind::Wrapper`]), not counted.
//! Agent and tool spans (`invoke_agent`, `execute_tool`, OpenInference AGENT/TOOL)
//! without model or usage are context too.
//!
//! # Per call
//!
//! * model key: the response model if present, else the request model, as written;
//! * uncached input = input − cache_read − cache_creation, floored at 0 (input tokens
//!   *include* cached tokens, as in the GenAI convention);
//! * missing input/output are derived from a total when the other is known; a total
//!   alone counts as input for models whose output rate is 0 (embeddings);
//! * cost: explicit on the span wins (`llm.cost.usd`, then `llm.cost.input_usd` +
//!   `llm.cost.output_usd`, then `llm.cost.total`, then `gen_ai.usage.cost`), else the
//!   price table (see [`super::pricing`]) when usage is known; else unknown — never $0;
//! * TTFT: `gen_ai.response.time_to_first_chunk` (s), `ai.response.msToFirstChunk` /
//!   `ai.stream.msToFirstChunk` (ms), else the first event whose name mentions first
//!   token/chunk or ttft (its time minus the span start);
//! * tokens/s = output tokens ÷ generation time (duration − TTFT when known);
//! * finish reasons from a string, an array, or a JSON-array string; `length` and
//!   `max_tokens` flag truncation, `content_filter` and `safety` flag filtering;
//! * error: error status, `error.type`, `llm.error.type`, HTTP status ≥ 400; rate limit:
//!   HTTP 429, `llm.error.type=rate_limit`, or an error type/message naming a rate limit;
//! * `user.id`, `tenant.id` and the conversation (`gen_ai.conversation.id`,
//!   `session.id`) come from the span, its resource, or the nearest ancestor.
//!
//! Walks are iterative (pre-order arrays, parent links); nothing recurses over depth.

/// The four LLM charts as SVG (plotters); see [`charts`] for the functions.
#[path = "llm_charts.rs"]
pub mod charts;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use super::intervals::union_len;
use super::percentile::nearest_rank;
use super::pricing::{BillableTokens, PriceTable};
use crate::format;
use crate::model::{AttrValue, Span, TraceSet, NO_SPAN};

/// Where a call's cost came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CostSource {
    /// A cost attribute on the span.
    Explicit,
    /// Tokens × the price table.
    Table,
    /// Not priced: unknown model or no token usage.
    Unknown,
}

impl CostSource {
    pub fn as_str(self) -> &'static str {
        match self {
            CostSource::Explicit => "explicit",
            CostSource::Table => "table",
            CostSource::Unknown => "unknown",
        }
    }
}

/// One LLM call.
#[derive(Clone, Debug, PartialEq)]
pub struct LlmCall {
    /// Index into `set.spans`.
    pub span: u32,
    /// Index into `set.traces`.
    pub trace: u32,
    pub service: String,
    pub name: String,
    /// Response model if present, else request model, as written.
    pub model: Option<String>,
    pub request_model: Option<String>,
    pub response_model: Option<String>,
    /// From the span; else the matched price entry's provider.
    pub provider: Option<String>,
    /// `gen_ai.operation.name` (or the family's equivalent).
    pub operation: Option<String>,
    /// `llm.purpose`.
    pub purpose: Option<String>,
    /// Whether the span reported any token counts.
    pub usage_reported: bool,
    /// Input tokens, cached ones included.
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cache_read_tokens: u64,
    pub cache_creation_tokens: u64,
    pub reasoning_tokens: u64,
    /// A reported total, else input + output.
    pub total_tokens: u64,
    /// input − cache_read − cache_creation, floored at 0.
    pub uncached_input_tokens: u64,
    /// `None` when unknown (never 0 for unknown).
    pub cost_usd: Option<f64>,
    pub cost_source: CostSource,
    /// The price-table entry used (its `model` field), when priced from the table.
    pub price_model: Option<String>,
    pub start_ns: u64,
    pub latency_ns: u64,
    pub ttft_ns: Option<u64>,
    pub tokens_per_second: Option<f64>,
    /// Lower-cased, in the order given.
    pub finish_reasons: Vec<String>,
    /// A finish reason of `length` / `max_tokens`.
    pub truncated: bool,
    /// A finish reason of `content_filter` / `safety`.
    pub content_filtered: bool,
    pub error: bool,
    pub error_type: Option<String>,
    pub rate_limited: bool,
    pub http_status: Option<u16>,
    pub max_tokens: Option<u64>,
    pub temperature: Option<f64>,
    pub user_id: Option<String>,
    pub tenant_id: Option<String>,
    /// `gen_ai.conversation.id`, else `session.id`.
    pub conversation_id: Option<String>,
}

impl LlmCall {
    /// The model key used for grouping: the model, or `(unknown model)`.
    pub fn model_key(&self) -> &str {
        self.model.as_deref().unwrap_or(UNKNOWN_MODEL)
    }
}

/// Group key for calls that name no model.
pub const UNKNOWN_MODEL: &str = "(unknown model)";
/// Group key for calls without the grouped attribute.
pub const NONE_KEY: &str = "(none)";

/// Why a span is listed next to the calls without being one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContextKind {
    Agent,
    Tool,
    /// Retrieval, chains, workflows and other GenAI operations without a model.
    Other,
    /// A call span that wraps another call span (its tokens are not counted again).
    Wrapper,
}

impl ContextKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ContextKind::Agent => "agent",
            ContextKind::Tool => "tool",
            ContextKind::Other => "other",
            ContextKind::Wrapper => "wrapper",
        }
    }
}

/// A GenAI span shown as context (agent, tool, wrapper).
#[derive(Clone, Debug, PartialEq)]
pub struct LlmContextSpan {
    pub span: u32,
    pub trace: u32,
    pub kind: ContextKind,
    pub service: String,
    pub name: String,
    /// `gen_ai.operation.name` or the family's equivalent.
    pub operation: Option<String>,
    /// `gen_ai.agent.name` / `gen_ai.tool.name`.
    pub label: Option<String>,
    pub latency_ns: u64,
    pub error: bool,
}

/// Calls and context spans, both ordered by span index.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LlmAnalysis {
    pub calls: Vec<LlmCall>,
    pub context: Vec<LlmContextSpan>,
}

// ---------------------------------------------------------------------------
// Attribute scan
// ---------------------------------------------------------------------------

/// Attribute slots read from one span. Each slot keeps the value of the
/// highest-priority key seen (lower number wins).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Slot {
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
}

const SLOTS: usize = Slot::OiKind as usize + 1;

/// Maps a key to its slot and priority.
fn slot_of(key: &str) -> Option<(Slot, u8)> {
    use Slot::*;
    Some(match key {
        "gen_ai.response.model" => (ResponseModel, 0),
        "ai.response.model" => (ResponseModel, 1),
        "llm.response.model" => (ResponseModel, 2),
        "gen_ai.request.model" => (RequestModel, 0),
        "llm.model_name" => (RequestModel, 1),
        "ai.model.id" => (RequestModel, 2),
        "llm.request.model" => (RequestModel, 3),
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
        _ => return None,
    })
}

/// The slots of one span (own attributes first, then the resource's).
struct Scan {
    vals: [Option<(u8, AttrValue)>; SLOTS],
}

impl Scan {
    fn of(set: &TraceSet, span: &Span) -> Scan {
        let mut scan = Scan { vals: [None; SLOTS] };
        for a in set.span_attrs(span) {
            scan.offer(set.str(a.key), a.value);
        }
        // Resource attributes only fill what the span left empty.
        if let Some(res) = set.resources.get(span.resource as usize) {
            let mut res_scan = Scan { vals: [None; SLOTS] };
            if let Some(attrs) = set.attrs.get(res.attrs.range()) {
                for a in attrs {
                    res_scan.offer(set.str(a.key), a.value);
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
    fn offer(&mut self, key: &str, value: AttrValue) {
        let Some((slot, prio)) = slot_of(key) else { return };
        if matches!(value, AttrValue::Empty) {
            return;
        }
        let cur = &mut self.vals[slot as usize];
        if cur.map(|(p, _)| prio < p).unwrap_or(true) {
            *cur = Some((prio, value));
        }
    }
    fn get(&self, slot: Slot) -> Option<AttrValue> {
        self.vals[slot as usize].map(|(_, v)| v)
    }
    fn has(&self, slot: Slot) -> bool {
        self.vals[slot as usize].is_some()
    }
    fn text(&self, set: &TraceSet, slot: Slot) -> Option<String> {
        let v = self.get(slot)?;
        let t = set.value_text(v);
        let t = t.trim();
        if t.is_empty() {
            None
        } else {
            Some(t.to_string())
        }
    }
    fn num(&self, set: &TraceSet, slot: Slot) -> Option<f64> {
        value_f64(set, self.get(slot)?)
    }
    /// A token count: a finite number ≥ 0, rounded.
    fn count(&self, set: &TraceSet, slot: Slot) -> Option<u64> {
        let v = self.num(set, slot)?;
        if v.is_finite() && v >= 0.0 {
            Some(v.round().min(u64::MAX as f64) as u64)
        } else {
            None
        }
    }
    fn is_llm(&self) -> bool {
        use Slot::*;
        [ResponseModel, RequestModel, Input, Output, Total, CacheRead, CacheCreation, Reasoning].iter().any(|s| self.has(*s))
    }
}

fn value_f64(set: &TraceSet, v: AttrValue) -> Option<f64> {
    match v {
        AttrValue::Int(i) => Some(i as f64),
        AttrValue::Double(d) if d.is_finite() => Some(d),
        AttrValue::Str(s) => set.str(s).trim().parse::<f64>().ok().filter(|d| d.is_finite()),
        _ => None,
    }
}

/// Finish reasons from a string, an array, or a JSON array written as a string.
fn finish_reasons(set: &TraceSet, v: AttrValue) -> Vec<String> {
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
fn is_first_token_event(name: &str) -> bool {
    let n = name.to_lowercase();
    let squashed: String = n.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    squashed.contains("firsttoken") || squashed.contains("firstchunk") || squashed.contains("ttft")
}

fn names_rate_limit(s: &str) -> bool {
    let squashed: String = s.to_lowercase().chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    squashed.contains("ratelimit") || squashed.contains("toomanyrequests") || squashed == "429"
}

/// GenAI operations/kinds that make a span context when it has no model or usage.
fn context_kind(op: Option<&str>, oi_kind: Option<&str>, agent: bool, tool: bool) -> Option<ContextKind> {
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
struct Inherited {
    user: Option<AttrValue>,
    tenant: Option<AttrValue>,
    conversation: Option<AttrValue>,
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
fn own_inherited(set: &TraceSet, span: &Span) -> Inherited {
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

fn text_of(set: &TraceSet, v: Option<AttrValue>) -> Option<String> {
    let t = set.value_text(v?);
    let t = t.trim();
    if t.is_empty() {
        None
    } else {
        Some(t.to_string())
    }
}

/// Builds the call facts of one span from its scan. `inherited` supplies
/// user/tenant/conversation (already resolved up the tree).
fn build_call(set: &TraceSet, span_index: u32, span: &Span, scan: &Scan, inh: Inherited, prices: &PriceTable) -> LlmCall {
    use Slot::*;
    let response_model = scan.text(set, ResponseModel);
    let request_model = scan.text(set, RequestModel);
    let model = response_model.clone().or_else(|| request_model.clone());
    let price_index = model.as_deref().and_then(|m| prices.match_index(m)).or_else(|| {
        // A response model the table does not know: try the request model.
        request_model.as_deref().and_then(|m| prices.match_index(m))
    });
    let price = price_index.and_then(|i| prices.models.get(i));

    let provider = scan
        .text(set, Provider)
        .map(|p| {
            // Vercel's ai.model.provider reads "openai.chat": keep the provider part.
            let from_vercel = scan.vals[Provider as usize].map(|(prio, _)| prio == 4).unwrap_or(false);
            match p.split_once('.') {
                Some((head, _)) if from_vercel && !head.is_empty() => head.to_string(),
                _ => p,
            }
        })
        .or_else(|| price.map(|p| p.provider.clone()).filter(|p| !p.is_empty()));

    // Tokens.
    let mut input = scan.count(set, Input);
    let mut output = scan.count(set, Output);
    let total = scan.count(set, Total);
    let cache_read = scan.count(set, CacheRead).unwrap_or(0);
    let cache_creation = scan.count(set, CacheCreation).unwrap_or(0);
    let reasoning = scan.count(set, Reasoning).unwrap_or(0);
    let usage_reported = input.is_some() || output.is_some() || total.is_some() || scan.has(CacheRead) || scan.has(CacheCreation) || scan.has(Reasoning);
    let mut split_known = input.is_some() || output.is_some();
    match (input, output, total) {
        (None, Some(o), Some(t)) => input = Some(t.saturating_sub(o)),
        (Some(i), None, Some(t)) => output = Some(t.saturating_sub(i)),
        // A total alone is input for models without an output rate (embeddings).
        (None, None, Some(t)) if price.map(|p| p.output_usd_per_mtok == 0.0).unwrap_or(false) => {
            input = Some(t);
            split_known = true;
        }
        _ => {}
    }
    let input_tokens = input.unwrap_or(0);
    let output_tokens = output.unwrap_or(0);
    let uncached = input_tokens.saturating_sub(cache_read).saturating_sub(cache_creation);
    let total_tokens = total.unwrap_or(input_tokens.saturating_add(output_tokens));

    // Cost.
    let nonneg = |v: Option<f64>| v.filter(|x| x.is_finite() && *x >= 0.0);
    let explicit = nonneg(scan.num(set, CostUsd))
        .or_else(|| {
            let i = nonneg(scan.num(set, CostInput));
            let o = nonneg(scan.num(set, CostOutput));
            match (i, o) {
                (None, None) => None,
                (i, o) => Some(i.unwrap_or(0.0) + o.unwrap_or(0.0)),
            }
        })
        .or_else(|| nonneg(scan.num(set, CostTotal)))
        .or_else(|| nonneg(scan.num(set, GenAiCost)));
    let (cost_usd, cost_source, price_model) = if let Some(c) = explicit {
        (Some(c), CostSource::Explicit, None)
    } else if let (Some(p), true) = (price, split_known) {
        let c = p.cost_usd(BillableTokens { uncached_input: uncached, cache_read, cache_creation, output: output_tokens });
        (Some(c), CostSource::Table, Some(p.model.clone()))
    } else {
        (None, CostSource::Unknown, None)
    };

    // Timing.
    let latency_ns = span.duration_ns;
    let ttft_ns = scan
        .num(set, TtftS)
        .filter(|v| *v >= 0.0)
        .map(|s| (s * 1e9).round() as u64)
        .or_else(|| scan.num(set, TtftMs).filter(|v| *v >= 0.0).map(|ms| (ms * 1e6).round() as u64))
        .or_else(|| {
            set.events
                .get(span.events.range())
                .unwrap_or(&[])
                .iter()
                .filter(|e| is_first_token_event(set.str(e.name)) && e.time_ns >= span.start_ns)
                .map(|e| e.time_ns - span.start_ns)
                .min()
        });
    let gen_ns = match ttft_ns {
        Some(t) if t <= latency_ns => latency_ns - t,
        _ => latency_ns,
    };
    let tokens_per_second = if output_tokens > 0 && gen_ns > 0 { Some(output_tokens as f64 / (gen_ns as f64 / 1e9)) } else { None };

    // Finish reasons.
    let finish = scan.get(Finish).map(|v| finish_reasons(set, v)).unwrap_or_default();
    let truncated = finish.iter().any(|r| r == "length" || r == "max_tokens" || r == "max_output_tokens");
    let content_filtered = finish.iter().any(|r| r == "content_filter" || r == "content-filter" || r == "safety");

    // Errors.
    let http_status = scan.num(set, HttpStatus).filter(|v| (100.0..1000.0).contains(v)).map(|v| v as u16);
    let llm_error = scan.text(set, LlmErrorType);
    let error_type = llm_error.clone().or_else(|| scan.text(set, ErrorType));
    let mut exception_rate_limit = false;
    for e in set.events.get(span.events.range()).unwrap_or(&[]) {
        if set.str(e.name) == "exception" {
            for a in set.attrs.get(e.attrs.range()).unwrap_or(&[]) {
                let k = set.str(a.key);
                if (k == "exception.type" || k == "exception.message") && names_rate_limit(&set.value_text(a.value)) {
                    exception_rate_limit = true;
                }
            }
        }
    }
    let rate_limited = http_status == Some(429)
        || llm_error.as_deref().map(names_rate_limit).unwrap_or(false)
        || scan.text(set, ErrorType).as_deref().map(names_rate_limit).unwrap_or(false)
        || (span.is_error() && names_rate_limit(set.str(span.status_message)))
        || exception_rate_limit;
    let error = span.is_error() || error_type.is_some() || http_status.map(|s| s >= 400).unwrap_or(false) || rate_limited;

    LlmCall {
        span: span_index,
        trace: span.trace,
        service: set.service_of(span).to_string(),
        name: set.name_of(span).to_string(),
        model,
        request_model,
        response_model,
        provider,
        operation: scan.text(set, Operation).or_else(|| scan.text(set, OiKind).map(|k| k.to_lowercase())),
        purpose: scan.text(set, Purpose),
        usage_reported,
        input_tokens,
        output_tokens,
        cache_read_tokens: cache_read,
        cache_creation_tokens: cache_creation,
        reasoning_tokens: reasoning,
        total_tokens,
        uncached_input_tokens: uncached,
        cost_usd,
        cost_source,
        price_model,
        start_ns: span.start_ns,
        latency_ns,
        ttft_ns,
        tokens_per_second,
        finish_reasons: finish,
        truncated,
        content_filtered,
        error,
        error_type,
        rate_limited,
        http_status,
        max_tokens: scan.count(set, MaxTokens),
        temperature: scan.num(set, Temperature),
        user_id: text_of(set, inh.user),
        tenant_id: text_of(set, inh.tenant),
        conversation_id: text_of(set, inh.conversation),
    }
}

/// Finds calls and context spans in one trace.
pub fn analyze_trace(set: &TraceSet, trace: usize, prices: &PriceTable) -> LlmAnalysis {
    let mut out = LlmAnalysis::default();
    let Some(t) = set.traces.get(trace) else { return out };
    let range = t.spans.range();
    let Some(spans) = set.spans.get(range.clone()) else { return out };
    let base = range.start;

    // 1. Scan every span once; keep the LLM ones.
    let mut llm: Vec<(u32, Scan)> = Vec::new();
    let mut ctx: Vec<(u32, Scan)> = Vec::new();
    for (k, s) in spans.iter().enumerate() {
        if s.attrs.is_empty() {
            continue;
        }
        let scan = Scan::of(set, s);
        let idx = (base + k) as u32;
        if scan.is_llm() {
            llm.push((idx, scan));
        } else if scan.has(Slot::Operation) || scan.has(Slot::OiKind) || scan.has(Slot::AgentName) || scan.has(Slot::ToolName) {
            // Only GenAI-looking operations are context: gen_ai.operation.name, OpenInference kinds, agents/tools.
            let gen_ai_op = scan.vals[Slot::Operation as usize].map(|(p, _)| p == 0).unwrap_or(false);
            if gen_ai_op || scan.has(Slot::OiKind) || scan.has(Slot::AgentName) || scan.has(Slot::ToolName) {
                ctx.push((idx, scan));
            }
        }
    }
    if llm.is_empty() && ctx.is_empty() {
        return out;
    }

    // 2. Inherited user/tenant/conversation, in one pre-order pass (parents come first).
    let mut inh: Vec<Inherited> = Vec::with_capacity(spans.len());
    for s in spans.iter() {
        let own = own_inherited(set, s);
        let parent = if s.parent != NO_SPAN && (s.parent as usize) >= base && (s.parent as usize) < base + inh.len() {
            inh[s.parent as usize - base]
        } else {
            Inherited::default()
        };
        inh.push(Inherited {
            user: own.user.or(parent.user),
            tenant: own.tenant.or(parent.tenant),
            conversation: own.conversation.or(parent.conversation),
        });
    }

    // 3. Wrappers: a call whose subtree holds the next call (pre-order).
    for (k, (idx, scan)) in llm.iter().enumerate() {
        let s = &set.spans[*idx as usize];
        let wraps = llm.get(k + 1).map(|(next, _)| *next < s.subtree_end).unwrap_or(false);
        if wraps {
            out.context.push(context_span(set, *idx, s, scan, ContextKind::Wrapper));
        } else {
            out.calls.push(build_call(set, *idx, s, scan, inh[*idx as usize - base], prices));
        }
    }
    for (idx, scan) in &ctx {
        let s = &set.spans[*idx as usize];
        let kind = context_kind(
            scan.text(set, Slot::Operation).as_deref(),
            scan.text(set, Slot::OiKind).as_deref(),
            scan.has(Slot::AgentName),
            scan.has(Slot::ToolName),
        )
        .unwrap_or(ContextKind::Other);
        out.context.push(context_span(set, *idx, s, scan, kind));
    }
    out.context.sort_by_key(|c| c.span);
    out
}

fn context_span(set: &TraceSet, idx: u32, s: &Span, scan: &Scan, kind: ContextKind) -> LlmContextSpan {
    LlmContextSpan {
        span: idx,
        trace: s.trace,
        kind,
        service: set.service_of(s).to_string(),
        name: set.name_of(s).to_string(),
        operation: scan.text(set, Slot::Operation).or_else(|| scan.text(set, Slot::OiKind)),
        label: scan.text(set, Slot::AgentName).or_else(|| scan.text(set, Slot::ToolName)).or_else(|| {
            if kind == ContextKind::Wrapper {
                scan.text(set, Slot::ResponseModel).or_else(|| scan.text(set, Slot::RequestModel))
            } else {
                None
            }
        }),
        latency_ns: s.duration_ns,
        error: s.is_error(),
    }
}

/// Calls and context spans of every trace, ordered by span index.
pub fn analyze_set(set: &TraceSet, prices: &PriceTable) -> LlmAnalysis {
    let mut out = LlmAnalysis::default();
    for t in 0..set.traces.len() {
        let a = analyze_trace(set, t, prices);
        out.calls.extend(a.calls);
        out.context.extend(a.context);
    }
    out.calls.sort_by_key(|c| c.span);
    out.context.sort_by_key(|c| c.span);
    out
}

/// The LLM facts of one span on its own (for a detail panel or a waterfall badge):
/// `None` unless the span carries a model or token usage. Unlike [`analyze_trace`],
/// a wrapper span is analyzed too. User/tenant/conversation are looked up the
/// parent chain (iteratively).
pub fn span_call(set: &TraceSet, span: u32, prices: &PriceTable) -> Option<LlmCall> {
    let s = set.spans.get(span as usize)?;
    let scan = Scan::of(set, s);
    if !scan.is_llm() {
        return None;
    }
    let mut inh = own_inherited(set, s);
    let mut p = s.parent;
    let mut steps = 0usize;
    while p != NO_SPAN && steps <= set.spans.len() && (inh.user.is_none() || inh.tenant.is_none() || inh.conversation.is_none()) {
        let Some(ps) = set.spans.get(p as usize) else { break };
        let o = own_inherited(set, ps);
        inh.user = inh.user.or(o.user);
        inh.tenant = inh.tenant.or(o.tenant);
        inh.conversation = inh.conversation.or(o.conversation);
        p = ps.parent;
        steps += 1;
    }
    Some(build_call(set, span, s, &scan, inh, prices))
}

/// A short waterfall badge for a call: `claude-3-5-sonnet-20241022 · 2,847→612 tok · $0.017721`
/// (`cost unknown` when unpriced; no token part when no usage was reported).
pub fn badge_text(c: &LlmCall) -> String {
    let mut parts: Vec<String> = vec![c.model_key().to_string()];
    if c.usage_reported {
        if c.output_tokens > 0 {
            parts.push(format!("{}→{} tok", format::thousands(c.input_tokens), format::thousands(c.output_tokens)));
        } else {
            parts.push(format!("{} tok", format::thousands(c.input_tokens.max(c.total_tokens))));
        }
    }
    parts.push(match c.cost_usd {
        Some(v) => format::usd(v),
        None => "cost unknown".to_string(),
    });
    parts.join(" · ")
}

/// Badges for every call of a trace, by span index (for the waterfall).
pub fn trace_badges(set: &TraceSet, trace: usize, prices: &PriceTable) -> BTreeMap<u32, String> {
    analyze_trace(set, trace, prices).calls.iter().map(|c| (c.span, badge_text(c))).collect()
}

// ---------------------------------------------------------------------------
// Totals and per-trace summary
// ---------------------------------------------------------------------------

/// Sums over a group of calls.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LlmTotals {
    pub calls: u64,
    pub priced_calls: u64,
    pub unpriced_calls: u64,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cache_read_tokens: u64,
    pub cache_creation_tokens: u64,
    pub reasoning_tokens: u64,
    /// Priced calls only.
    pub cost_usd: f64,
    pub errors: u64,
    pub rate_limited: u64,
    pub truncated: u64,
    pub content_filtered: u64,
    pub latency_ns_sum: u64,
}

impl LlmTotals {
    pub fn add(&mut self, c: &LlmCall) {
        self.calls += 1;
        match c.cost_usd {
            Some(v) => {
                self.priced_calls += 1;
                self.cost_usd += v;
            }
            None => self.unpriced_calls += 1,
        }
        self.input_tokens = self.input_tokens.saturating_add(c.input_tokens);
        self.output_tokens = self.output_tokens.saturating_add(c.output_tokens);
        self.cache_read_tokens = self.cache_read_tokens.saturating_add(c.cache_read_tokens);
        self.cache_creation_tokens = self.cache_creation_tokens.saturating_add(c.cache_creation_tokens);
        self.reasoning_tokens = self.reasoning_tokens.saturating_add(c.reasoning_tokens);
        self.errors += c.error as u64;
        self.rate_limited += c.rate_limited as u64;
        self.truncated += c.truncated as u64;
        self.content_filtered += c.content_filtered as u64;
        self.latency_ns_sum = self.latency_ns_sum.saturating_add(c.latency_ns);
    }
    pub fn of(calls: &[LlmCall]) -> LlmTotals {
        let mut t = LlmTotals::default();
        for c in calls {
            t.add(c);
        }
        t
    }
    /// cache_read ÷ input, when there was input.
    pub fn cache_hit_rate(&self) -> Option<f64> {
        if self.input_tokens > 0 {
            Some(self.cache_read_tokens as f64 / self.input_tokens as f64)
        } else {
            None
        }
    }
}

/// The LLM side of one trace.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TraceLlmSummary {
    pub trace: usize,
    pub totals: LlmTotals,
    pub by_model: BTreeMap<String, LlmTotals>,
    pub trace_duration_ns: u64,
    /// Wall time during which at least one call was running (union of intervals).
    pub llm_wall_ns: u64,
    /// `llm_wall_ns ÷ trace duration` (0 when the trace has no duration).
    pub wall_share: f64,
    /// Critical-path time spent in calls (or inside their subtrees), when a critical path was given.
    pub critical_path_llm_ns: Option<u64>,
    /// `critical_path_llm_ns ÷` the sum of all critical-path contributions.
    pub critical_path_share: Option<f64>,
    /// Span index of the priced call with the highest cost.
    pub most_expensive: Option<u32>,
    /// Span index of the call with the longest latency.
    pub slowest: Option<u32>,
}

/// Summarizes the calls of one trace. `calls` may hold calls of other traces (they
/// are skipped). `critical_path` is `(span index, contribution_ns)` per span on the
/// trace's critical path, or `None` when not computed.
pub fn summarize_trace(set: &TraceSet, trace: usize, calls: &[LlmCall], critical_path: Option<&[(u32, u64)]>) -> TraceLlmSummary {
    let mut s = TraceLlmSummary { trace, ..Default::default() };
    let Some(t) = set.traces.get(trace) else { return s };
    s.trace_duration_ns = t.duration_ns;
    let mine: Vec<&LlmCall> = calls.iter().filter(|c| c.trace as usize == trace).collect();
    let mut intervals: Vec<(u64, u64)> = Vec::with_capacity(mine.len());
    for c in &mine {
        s.totals.add(c);
        s.by_model.entry(c.model_key().to_string()).or_default().add(c);
        intervals.push((c.start_ns, c.start_ns.saturating_add(c.latency_ns)));
    }
    s.llm_wall_ns = union_len(&mut intervals, t.start_ns, t.start_ns.saturating_add(t.duration_ns));
    s.wall_share = if t.duration_ns > 0 { s.llm_wall_ns as f64 / t.duration_ns as f64 } else { 0.0 };

    if let Some(cp) = critical_path {
        let total: u64 = cp.iter().map(|(_, ns)| *ns).fold(0u64, |a, b| a.saturating_add(b));
        let mut llm_ns = 0u64;
        for (span, ns) in cp {
            // On a call, or inside one's subtree (pre-order: call <= span < subtree_end).
            let inside = mine.iter().any(|c| {
                let end = set.spans.get(c.span as usize).map(|x| x.subtree_end).unwrap_or(c.span + 1);
                *span >= c.span && *span < end
            });
            if inside {
                llm_ns = llm_ns.saturating_add(*ns);
            }
        }
        s.critical_path_llm_ns = Some(llm_ns);
        s.critical_path_share = Some(if total > 0 { llm_ns as f64 / total as f64 } else { 0.0 });
    }

    s.most_expensive = mine
        .iter()
        .filter_map(|c| c.cost_usd.map(|v| (v, c.span)))
        .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
        .map(|(_, span)| span);
    s.slowest = mine.iter().map(|c| (c.latency_ns, c.span)).max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1))).map(|(_, span)| span);
    s
}

/// Rounds a USD amount to 1e-10 so that sums print without float noise.
pub fn round_usd(v: f64) -> f64 {
    if v.is_finite() {
        (v * 1e10).round() / 1e10
    } else {
        0.0
    }
}

/// The `"llm"` object of one trace in `clew analyze --json`:
/// `{"calls", "input_tokens", "output_tokens", "cached_input_tokens", "cost_usd",
/// "unpriced_calls", "by_model": {"<model>": {"calls", "input_tokens", "output_tokens", "cost_usd"}}}`.
/// `cost_usd` sums priced calls only; `cached_input_tokens` is the cache-read tokens.
pub fn trace_llm_json(set: &TraceSet, trace: usize, prices: &PriceTable) -> Value {
    let a = analyze_trace(set, trace, prices);
    let s = summarize_trace(set, trace, &a.calls, None);
    summary_json(&s)
}

/// The JSON object of [`trace_llm_json`] from an existing summary.
pub fn summary_json(s: &TraceLlmSummary) -> Value {
    let by_model: serde_json::Map<String, Value> = s
        .by_model
        .iter()
        .map(|(m, t)| {
            (
                m.clone(),
                json!({"calls": t.calls, "input_tokens": t.input_tokens, "output_tokens": t.output_tokens, "cost_usd": round_usd(t.cost_usd)}),
            )
        })
        .collect();
    json!({
        "calls": s.totals.calls,
        "input_tokens": s.totals.input_tokens,
        "output_tokens": s.totals.output_tokens,
        "cached_input_tokens": s.totals.cache_read_tokens,
        "cost_usd": round_usd(s.totals.cost_usd),
        "unpriced_calls": s.totals.unpriced_calls,
        "by_model": Value::Object(by_model),
    })
}

// ---------------------------------------------------------------------------
// Cross-trace aggregates
// ---------------------------------------------------------------------------

/// What to group calls by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GroupBy {
    Model,
    Provider,
    Service,
    Operation,
    Purpose,
    User,
    Tenant,
    Conversation,
    Trace,
}

impl GroupBy {
    pub const ALL: [GroupBy; 9] = [
        GroupBy::Model,
        GroupBy::Provider,
        GroupBy::Service,
        GroupBy::Operation,
        GroupBy::Purpose,
        GroupBy::User,
        GroupBy::Tenant,
        GroupBy::Conversation,
        GroupBy::Trace,
    ];
    /// Stable id (for CSV file names and test ids).
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Model => "model",
            GroupBy::Provider => "provider",
            GroupBy::Service => "service",
            GroupBy::Operation => "operation",
            GroupBy::Purpose => "purpose",
            GroupBy::User => "user",
            GroupBy::Tenant => "tenant",
            GroupBy::Conversation => "conversation",
            GroupBy::Trace => "trace",
        }
    }
    /// Column header for the key.
    pub fn label(self) -> &'static str {
        match self {
            GroupBy::Model => "Model",
            GroupBy::Provider => "Provider",
            GroupBy::Service => "Service",
            GroupBy::Operation => "Operation",
            GroupBy::Purpose => "Purpose",
            GroupBy::User => "user.id",
            GroupBy::Tenant => "tenant.id",
            GroupBy::Conversation => "Conversation / session",
            GroupBy::Trace => "Trace",
        }
    }
    fn key(self, set: &TraceSet, c: &LlmCall) -> String {
        let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| NONE_KEY.to_string());
        match self {
            GroupBy::Model => c.model_key().to_string(),
            GroupBy::Provider => opt(&c.provider),
            GroupBy::Service => c.service.clone(),
            GroupBy::Operation => opt(&c.operation),
            GroupBy::Purpose => opt(&c.purpose),
            GroupBy::User => opt(&c.user_id),
            GroupBy::Tenant => opt(&c.tenant_id),
            GroupBy::Conversation => opt(&c.conversation_id),
            GroupBy::Trace => set
                .traces
                .get(c.trace as usize)
                .map(|t| t.trace_id.to_text(&set.strings))
                .unwrap_or_else(|| NONE_KEY.to_string()),
        }
    }
}

/// One group of calls.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupRow {
    pub key: String,
    pub totals: LlmTotals,
}

/// Groups calls; rows sorted by cost (descending), then calls (descending), then key.
pub fn group_calls(set: &TraceSet, calls: &[LlmCall], by: GroupBy) -> Vec<GroupRow> {
    let mut m: BTreeMap<String, LlmTotals> = BTreeMap::new();
    for c in calls {
        m.entry(by.key(set, c)).or_default().add(c);
    }
    let mut rows: Vec<GroupRow> = m.into_iter().map(|(key, totals)| GroupRow { key, totals }).collect();
    rows.sort_by(|a, b| {
        b.totals.cost_usd.total_cmp(&a.totals.cost_usd).then(b.totals.calls.cmp(&a.totals.calls)).then(a.key.cmp(&b.key))
    });
    rows
}

/// Cache use of one model.
#[derive(Clone, Debug, PartialEq)]
pub struct CacheRow {
    pub model: String,
    pub calls: u64,
    pub input_tokens: u64,
    pub cache_read_tokens: u64,
    pub cache_creation_tokens: u64,
    /// cache_read ÷ input; `None` without input tokens.
    pub hit_rate: Option<f64>,
}

/// Cache hit rate (cache-read ÷ input tokens) by model, sorted by model.
pub fn cache_by_model(calls: &[LlmCall]) -> Vec<CacheRow> {
    let mut m: BTreeMap<String, LlmTotals> = BTreeMap::new();
    for c in calls {
        m.entry(c.model_key().to_string()).or_default().add(c);
    }
    m.into_iter()
        .map(|(model, t)| CacheRow {
            model,
            calls: t.calls,
            input_tokens: t.input_tokens,
            cache_read_tokens: t.cache_read_tokens,
            cache_creation_tokens: t.cache_creation_tokens,
            hit_rate: t.cache_hit_rate(),
        })
        .collect()
}

/// One finish reason and how many calls ended with it.
#[derive(Clone, Debug, PartialEq)]
pub struct FinishRow {
    /// The reason; `(not reported)` for calls without one.
    pub reason: String,
    pub calls: u64,
    /// Share of all calls.
    pub share: f64,
    pub truncation: bool,
    pub content_filter: bool,
}

/// Key for calls without a finish reason.
pub const NOT_REPORTED: &str = "(not reported)";

/// The finish-reason mix: each reason counted once per call; sorted by count, then reason.
pub fn finish_reason_mix(calls: &[LlmCall]) -> Vec<FinishRow> {
    let mut m: BTreeMap<String, u64> = BTreeMap::new();
    for c in calls {
        let uniq: BTreeSet<&str> = c.finish_reasons.iter().map(|s| s.as_str()).collect();
        if uniq.is_empty() {
            *m.entry(NOT_REPORTED.to_string()).or_default() += 1;
        }
        for r in uniq {
            *m.entry(r.to_string()).or_default() += 1;
        }
    }
    let n = calls.len().max(1) as f64;
    let mut rows: Vec<FinishRow> = m
        .into_iter()
        .map(|(reason, calls)| FinishRow {
            truncation: matches!(reason.as_str(), "length" | "max_tokens" | "max_output_tokens"),
            content_filter: matches!(reason.as_str(), "content_filter" | "content-filter" | "safety"),
            reason,
            calls,
            share: calls as f64 / n,
        })
        .collect();
    rows.sort_by(|a, b| b.calls.cmp(&a.calls).then(a.reason.cmp(&b.reason)));
    rows
}

/// Latency percentiles of one model.
#[derive(Clone, Debug, PartialEq)]
pub struct LatencyRow {
    pub model: String,
    pub calls: u64,
    pub p50_ns: u64,
    pub p95_ns: u64,
    pub p99_ns: u64,
    pub max_ns: u64,
    /// Median TTFT over calls that reported one.
    pub ttft_p50_ns: Option<u64>,
    /// Median tokens/s over calls that have one.
    pub tokens_per_second_p50: Option<f64>,
}

/// Latency percentiles (p50/p95/p99, nearest rank) by model, sorted by model.
pub fn latency_by_model(calls: &[LlmCall]) -> Vec<LatencyRow> {
    /// Latencies, TTFTs and tokens/s of one model.
    type Samples = (Vec<u64>, Vec<u64>, Vec<f64>);
    let mut m: BTreeMap<String, Samples> = BTreeMap::new();
    for c in calls {
        let e = m.entry(c.model_key().to_string()).or_default();
        e.0.push(c.latency_ns);
        if let Some(t) = c.ttft_ns {
            e.1.push(t);
        }
        if let Some(t) = c.tokens_per_second {
            e.2.push(t);
        }
    }
    m.into_iter()
        .map(|(model, (mut lat, mut ttft, mut tps))| {
            lat.sort_unstable();
            ttft.sort_unstable();
            tps.sort_by(|a, b| a.total_cmp(b));
            LatencyRow {
                model,
                calls: lat.len() as u64,
                p50_ns: nearest_rank(&lat, 50.0).unwrap_or(0),
                p95_ns: nearest_rank(&lat, 95.0).unwrap_or(0),
                p99_ns: nearest_rank(&lat, 99.0).unwrap_or(0),
                max_ns: lat.last().copied().unwrap_or(0),
                ttft_p50_ns: nearest_rank(&ttft, 50.0),
                tokens_per_second_p50: nearest_rank(&tps, 50.0),
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Tables (for the UI and CSV)
// ---------------------------------------------------------------------------

/// A table cell: display text, the raw value for CSV, and a number for sorting.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub text: String,
    pub raw: String,
    pub num: Option<f64>,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        Cell { raw: s.clone(), text: s, num: None }
    }
    pub fn int(n: u64) -> Cell {
        Cell { text: format::thousands(n), raw: n.to_string(), num: Some(n as f64) }
    }
    pub fn usd(v: Option<f64>) -> Cell {
        match v {
            Some(v) => Cell { text: format::usd(v), raw: format!("{}", round_usd(v)), num: Some(v) },
            None => Cell { text: "unknown".to_string(), raw: String::new(), num: None },
        }
    }
    pub fn dur(ns: Option<u64>) -> Cell {
        match ns {
            Some(ns) => Cell { text: format::duration(ns), raw: format!("{}", ns as f64 / 1e6), num: Some(ns as f64) },
            None => Cell { text: "—".to_string(), raw: String::new(), num: None },
        }
    }
    pub fn pct(v: Option<f64>) -> Cell {
        match v {
            Some(v) => Cell { text: format!("{:.1}%", v * 100.0), raw: format!("{:.4}", v), num: Some(v) },
            None => Cell { text: "—".to_string(), raw: String::new(), num: None },
        }
    }
    pub fn float(v: Option<f64>, decimals: usize) -> Cell {
        match v {
            Some(v) => Cell { text: format!("{v:.decimals$}"), raw: format!("{v:.decimals$}"), num: Some(v) },
            None => Cell { text: "—".to_string(), raw: String::new(), num: None },
        }
    }
}

/// A column header.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub name: String,
    /// Right-aligned and sorted numerically.
    pub numeric: bool,
    /// Unit of the raw (CSV) values, added to the CSV header: `Latency (ms)`.
    pub csv_unit: String,
}

impl Column {
    /// The CSV header: the name, with the raw unit in parentheses when there is one.
    pub fn csv_name(&self) -> String {
        if self.csv_unit.is_empty() {
            self.name.clone()
        } else {
            format!("{} ({})", self.name, self.csv_unit)
        }
    }
}

/// A sortable table with CSV export. `row_spans[i]` is the span a row stands for
/// (calls tables), for jumping to the waterfall.
#[derive(Clone, Debug, PartialEq)]
pub struct LlmTable {
    /// Stable id (test ids, CSV file names).
    pub id: String,
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    pub row_spans: Vec<Option<u32>>,
}

/// Columns from `(name, numeric)`; a name ending in ` [unit]` gives the CSV unit.
fn cols(spec: &[(&str, bool)]) -> Vec<Column> {
    spec.iter()
        .map(|(n, num)| {
            let (name, unit) = match n.strip_suffix(']').and_then(|x| x.rsplit_once(" [")) {
                Some((name, unit)) => (name.to_string(), unit.to_string()),
                None => (n.to_string(), String::new()),
            };
            Column { name, numeric: *num, csv_unit: unit }
        })
        .collect()
}

impl LlmTable {
    /// Sorts rows by a column: numbers numerically (rows without a number last),
    /// text case-insensitively; ties keep their order. Out-of-range columns do nothing.
    pub fn sort_by_column(&mut self, col: usize, ascending: bool) {
        if col >= self.columns.len() {
            return;
        }
        let mut idx: Vec<usize> = (0..self.rows.len()).collect();
        let rows = &self.rows;
        idx.sort_by(|&a, &b| {
            let (ca, cb) = (rows[a].get(col), rows[b].get(col));
            let ord = match (ca.and_then(|c| c.num), cb.and_then(|c| c.num)) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => return std::cmp::Ordering::Less,
                (None, Some(_)) => return std::cmp::Ordering::Greater,
                (None, None) => {
                    let ta = ca.map(|c| c.text.to_lowercase()).unwrap_or_default();
                    let tb = cb.map(|c| c.text.to_lowercase()).unwrap_or_default();
                    ta.cmp(&tb)
                }
            };
            if ascending {
                ord
            } else {
                ord.reverse()
            }
        });
        let rows: Vec<Vec<Cell>> = idx.iter().map(|&i| self.rows[i].clone()).collect();
        let spans: Vec<Option<u32>> = idx.iter().map(|&i| self.row_spans.get(i).copied().flatten()).collect();
        self.rows = rows;
        self.row_spans = spans;
    }
    /// CSV (RFC 4180): header row, raw values, CRLF line ends, fields quoted when needed.
    pub fn to_csv(&self) -> String {
        let header: Vec<String> = self.columns.iter().map(|c| c.csv_name()).collect();
        let rows: Vec<Vec<String>> = self.rows.iter().map(|r| r.iter().map(|c| c.raw.clone()).collect()).collect();
        to_csv(&header, &rows)
    }
    /// A file name for the CSV download.
    pub fn csv_file_name(&self) -> String {
        format!("clew-llm-{}.csv", self.id)
    }
}

/// Quotes a CSV field when it holds a comma, quote, CR/LF or leading/trailing space.
pub fn csv_field(s: &str) -> String {
    let needs = s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ');
    if needs {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Writes a header and rows as CSV with CRLF line ends.
pub fn to_csv(header: &[String], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    let line = |out: &mut String, fields: &[String]| {
        let parts: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&parts.join(","));
        out.push_str("\r\n");
    };
    line(&mut out, header);
    for r in rows {
        line(&mut out, r);
    }
    out
}

fn opt_text(o: &Option<String>) -> Cell {
    match o {
        Some(s) => Cell::text(s.clone()),
        None => Cell { text: "—".to_string(), raw: String::new(), num: None },
    }
}

/// Finish reasons with flags, as shown in the calls table.
pub fn finish_text(c: &LlmCall) -> String {
    let mut s = c.finish_reasons.join(", ");
    if c.truncated {
        s.push_str(" ⚠ truncated");
    }
    if c.content_filtered {
        s.push_str(" ⚠ content filter");
    }
    s.trim().to_string()
}

/// Errors as shown in the calls table: "rate limit", the error type, "HTTP 500", or "error".
pub fn error_text(c: &LlmCall) -> String {
    let mut parts: Vec<String> = Vec::new();
    if c.rate_limited {
        parts.push("rate limit".to_string());
    }
    if let Some(t) = &c.error_type {
        if !(c.rate_limited && names_rate_limit(t)) {
            parts.push(t.clone());
        }
    }
    if let Some(h) = c.http_status.filter(|h| *h >= 400) {
        if h != 429 || !c.rate_limited {
            parts.push(format!("HTTP {h}"));
        }
    }
    if parts.is_empty() && c.error {
        parts.push("error".to_string());
    }
    parts.join(", ")
}

/// One row per call.
pub fn calls_table(set: &TraceSet, calls: &[LlmCall]) -> LlmTable {
    let columns = cols(&[
        ("Trace", false),
        ("Service", false),
        ("Span", false),
        ("Model", false),
        ("Provider", false),
        ("Operation", false),
        ("Purpose", false),
        ("Input tokens", true),
        ("Output tokens", true),
        ("Cost [USD]", true),
        ("Latency [ms]", true),
        ("TTFT [ms]", true),
        ("Tokens/s", true),
        ("Finish", false),
        ("Error", false),
        ("Cache read", true),
        ("Cache write", true),
        ("Reasoning", true),
        ("Cost source", false),
        ("user.id", false),
        ("tenant.id", false),
        ("Conversation", false),
    ]);
    let mut rows = Vec::with_capacity(calls.len());
    let mut spans = Vec::with_capacity(calls.len());
    for c in calls {
        let trace_id = set.traces.get(c.trace as usize).map(|t| t.trace_id.to_text(&set.strings)).unwrap_or_default();
        let short = Cell { text: trace_id.chars().take(8).collect(), raw: trace_id, num: None };
        rows.push(vec![
            short,
            Cell::text(c.service.clone()),
            Cell::text(c.name.clone()),
            Cell::text(c.model_key()),
            opt_text(&c.provider),
            opt_text(&c.operation),
            opt_text(&c.purpose),
            Cell::int(c.input_tokens),
            Cell::int(c.output_tokens),
            Cell::usd(c.cost_usd),
            Cell::dur(Some(c.latency_ns)),
            Cell::dur(c.ttft_ns),
            Cell::float(c.tokens_per_second, 1),
            Cell::text(finish_text(c)),
            Cell::text(error_text(c)),
            Cell::int(c.cache_read_tokens),
            Cell::int(c.cache_creation_tokens),
            Cell::int(c.reasoning_tokens),
            Cell::text(c.cost_source.as_str()),
            opt_text(&c.user_id),
            opt_text(&c.tenant_id),
            opt_text(&c.conversation_id),
        ]);
        spans.push(Some(c.span));
    }
    LlmTable { id: "calls".to_string(), title: "LLM calls".to_string(), columns, rows, row_spans: spans }
}

/// Cost and tokens by a grouping.
pub fn group_table(rows: &[GroupRow], by: GroupBy) -> LlmTable {
    let columns = cols(&[
        (by.label(), false),
        ("Calls", true),
        ("Cost [USD]", true),
        ("Unpriced calls", true),
        ("Input tokens", true),
        ("Output tokens", true),
        ("Cache read", true),
        ("Reasoning", true),
        ("Errors", true),
    ]);
    let body = rows
        .iter()
        .map(|r| {
            vec![
                Cell::text(r.key.clone()),
                Cell::int(r.totals.calls),
                // A group with no priced call has an unknown cost, never $0.
                Cell::usd((r.totals.priced_calls > 0).then_some(r.totals.cost_usd)),
                Cell::int(r.totals.unpriced_calls),
                Cell::int(r.totals.input_tokens),
                Cell::int(r.totals.output_tokens),
                Cell::int(r.totals.cache_read_tokens),
                Cell::int(r.totals.reasoning_tokens),
                Cell::int(r.totals.errors),
            ]
        })
        .collect::<Vec<_>>();
    let n = body.len();
    LlmTable { id: format!("by-{}", by.as_str()), title: format!("By {}", by.label()), columns, rows: body, row_spans: vec![None; n] }
}

/// Cache hit rate by model.
pub fn cache_table(rows: &[CacheRow]) -> LlmTable {
    let columns = cols(&[("Model", false), ("Calls", true), ("Input tokens", true), ("Cache read", true), ("Cache write", true), ("Hit rate [ratio]", true)]);
    let body = rows
        .iter()
        .map(|r| {
            vec![
                Cell::text(r.model.clone()),
                Cell::int(r.calls),
                Cell::int(r.input_tokens),
                Cell::int(r.cache_read_tokens),
                Cell::int(r.cache_creation_tokens),
                Cell::pct(r.hit_rate),
            ]
        })
        .collect::<Vec<_>>();
    let n = body.len();
    LlmTable { id: "cache".to_string(), title: "Cache hit rate by model".to_string(), columns, rows: body, row_spans: vec![None; n] }
}

/// The finish-reason mix.
pub fn finish_table(rows: &[FinishRow]) -> LlmTable {
    let columns = cols(&[("Finish reason", false), ("Calls", true), ("Share [ratio]", true), ("Flag", false)]);
    let body = rows
        .iter()
        .map(|r| {
            let flag = if r.truncation {
                "truncation"
            } else if r.content_filter {
                "content filter"
            } else {
                ""
            };
            vec![Cell::text(r.reason.clone()), Cell::int(r.calls), Cell::pct(Some(r.share)), Cell::text(flag)]
        })
        .collect::<Vec<_>>();
    let n = body.len();
    LlmTable { id: "finish".to_string(), title: "Finish reasons".to_string(), columns, rows: body, row_spans: vec![None; n] }
}

/// Latency percentiles by model.
pub fn latency_table(rows: &[LatencyRow]) -> LlmTable {
    let columns = cols(&[
        ("Model", false),
        ("Calls", true),
        ("p50 [ms]", true),
        ("p95 [ms]", true),
        ("p99 [ms]", true),
        ("Max [ms]", true),
        ("TTFT p50 [ms]", true),
        ("Tokens/s p50", true),
    ]);
    let body = rows
        .iter()
        .map(|r| {
            vec![
                Cell::text(r.model.clone()),
                Cell::int(r.calls),
                Cell::dur(Some(r.p50_ns)),
                Cell::dur(Some(r.p95_ns)),
                Cell::dur(Some(r.p99_ns)),
                Cell::dur(Some(r.max_ns)),
                Cell::dur(r.ttft_p50_ns),
                Cell::float(r.tokens_per_second_p50, 1),
            ]
        })
        .collect::<Vec<_>>();
    let n = body.len();
    LlmTable { id: "latency".to_string(), title: "Latency by model".to_string(), columns, rows: body, row_spans: vec![None; n] }
}

/// Context spans (agents, tools, wrappers).
pub fn context_table(ctx: &[LlmContextSpan]) -> LlmTable {
    let columns = cols(&[("Kind", false), ("Service", false), ("Span", false), ("Operation", false), ("Name", false), ("Latency [ms]", true), ("Error", false)]);
    let body = ctx
        .iter()
        .map(|c| {
            vec![
                Cell::text(c.kind.as_str()),
                Cell::text(c.service.clone()),
                Cell::text(c.name.clone()),
                opt_text(&c.operation),
                opt_text(&c.label),
                Cell::dur(Some(c.latency_ns)),
                Cell::text(if c.error { "error" } else { "" }),
            ]
        })
        .collect::<Vec<_>>();
    LlmTable {
        id: "context".to_string(),
        title: "Agents, tools and wrappers".to_string(),
        columns,
        rows: body,
        row_spans: ctx.iter().map(|c| Some(c.span)).collect(),
    }
}

/// Every cross-trace table, in display order: by model, provider, service, operation,
/// purpose, user, tenant, conversation, trace; cache; finish reasons; latency.
pub fn aggregate_tables(set: &TraceSet, calls: &[LlmCall]) -> Vec<LlmTable> {
    let mut out: Vec<LlmTable> = GroupBy::ALL.iter().map(|by| group_table(&group_calls(set, calls, *by), *by)).collect();
    out.push(cache_table(&cache_by_model(calls)));
    out.push(finish_table(&finish_reason_mix(calls)));
    out.push(latency_table(&latency_by_model(calls)));
    out
}

// ---------------------------------------------------------------------------
// Prompts and completions as chat text
// ---------------------------------------------------------------------------

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
        if !has_indexed_input {
            if let Some(v) = get("input.value") {
                messages_from_attr(set, v, Direction::Input, "user", "input.value", &mut out);
            }
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
        if !has_indexed_output {
            if let Some(v) = get("output.value") {
                messages_from_attr(set, v, Direction::Output, "assistant", "output.value", &mut out);
            }
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

#[cfg(test)]
mod display_tests {
    #[test]
    fn a_group_with_only_unpriced_calls_has_unknown_cost() {
        use super::{group_table, GroupBy, GroupRow, LlmTotals};
        let unpriced = GroupRow { key: "acme-mystery-7b".into(), totals: LlmTotals { calls: 2, unpriced_calls: 2, ..Default::default() } };
        let mixed = GroupRow { key: "gpt-4o-mini".into(), totals: LlmTotals { calls: 2, priced_calls: 1, unpriced_calls: 1, cost_usd: 0.00075, ..Default::default() } };
        let t = group_table(&[mixed, unpriced], GroupBy::Model);
        let cost = t.columns.iter().position(|c| c.name == "Cost").unwrap_or(usize::MAX);
        assert_eq!(t.rows[0][cost].text, "$0.00075");
        assert_eq!(t.rows[1][cost].text, "unknown");
        assert_eq!(t.rows[1][cost].raw, "");
        assert!(t.to_csv().contains("acme-mystery-7b,2,,2,"));
    }
}
