//! The per-call model: a [`TraceSet`] (one trace, the whole set, or one span) and a
//! [`PriceTable`] in; [`LlmCall`]s (tokens, cost, timing, finish, errors, user) and the
//! context spans next to them (agents, tools, wrappers) out, ordered by span index.
//!
//! # Per call
//!
//! * model key: the response model if present, else the request model, as written
//!   (`"unknown"` and empty models are missing; see [`super::recognize`]);
//! * tokens from the attribute families, else Langfuse's `usage_details` JSON, else
//!   promptflow's cumulative counters (a cumulative-only span with a call below it is
//!   skipped: neither call nor context); a call with none is "no usage reported";
//! * uncached input = input − cache_read − cache_creation, floored at 0 (input tokens
//!   *include* cached tokens, as in the GenAI convention);
//! * missing input/output are derived from a total when the other is known; a total
//!   alone counts as input for models whose output rate is 0 (embeddings);
//! * cost: explicit on the span wins (`llm.cost.usd`, then `llm.cost.input_usd` +
//!   `llm.cost.output_usd`, then `llm.cost.total`, then `gen_ai.usage.cost`, then Langfuse's `cost_details`), else the
//!   price table (see [`crate::analysis::pricing`]) when usage is known; else unknown — never $0;
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

use super::langfuse;
use super::recognize::{context_kind, finish_reasons, is_first_token_event, names_rate_limit, own_inherited, text_of, Inherited, Scan, Slot};
use rustc_hash::FxHashMap;

use crate::analysis::pricing::{BillableTokens, PriceTable};
use crate::model::{Span, TraceSet, NO_SPAN};

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

/// Price-table matches by model text, each distinct model matched once per analysis
/// (a match normalizes every table entry: once per call it was the costliest step).
struct PriceMatch<'a> {
    prices: &'a PriceTable,
    seen: FxHashMap<String, Option<usize>>,
}

impl<'a> PriceMatch<'a> {
    fn new(prices: &'a PriceTable) -> PriceMatch<'a> {
        PriceMatch { prices, seen: FxHashMap::default() }
    }
    fn index(&mut self, model: &str) -> Option<usize> {
        if let Some(&i) = self.seen.get(model) {
            return i;
        }
        let i = self.prices.match_index(model);
        self.seen.insert(model.to_string(), i);
        i
    }
}

/// Builds the call facts of one span from its scan. `inherited` supplies
/// user/tenant/conversation (already resolved up the tree).
fn build_call(set: &TraceSet, span_index: u32, span: &Span, scan: &Scan, inh: Inherited, prices: &mut PriceMatch<'_>) -> LlmCall {
    use Slot::*;
    let response_model = scan.text(set, ResponseModel);
    let request_model = scan.text(set, RequestModel);
    let model = response_model.clone().or_else(|| request_model.clone());
    let price_index = model.as_deref().and_then(|m| prices.index(m)).or_else(|| {
        // A response model the table does not know: try the request model.
        request_model.as_deref().and_then(|m| prices.index(m))
    });
    let price = price_index.and_then(|i| prices.prices.models.get(i));

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

    // Tokens: the attribute families, else Langfuse's usage JSON, else promptflow's
    // cumulative counters (only reached on a span with no call below it).
    let real_usage = [Input, Output, Total, CacheRead, CacheCreation, Reasoning].iter().any(|s| scan.has(*s));
    let lf = if real_usage { None } else { scan.text(set, LfUsage).and_then(|t| langfuse::usage(&t)) };
    let cumulative = !real_usage && lf.is_none();
    let (mut input, mut output, total, cache_read, cache_creation, reasoning) = match lf {
        Some(u) => (u.input, u.output, u.total, u.cache_read, u.cache_creation, u.reasoning),
        None if cumulative => (scan.count(set, CumInput), scan.count(set, CumOutput), scan.count(set, CumTotal), None, None, None),
        None => (
            scan.count(set, Input),
            scan.count(set, Output),
            scan.count(set, Total),
            scan.count(set, CacheRead),
            scan.count(set, CacheCreation),
            scan.count(set, Reasoning),
        ),
    };
    let usage_reported = real_usage || [input, output, total, cache_read, cache_creation, reasoning].iter().any(Option::is_some);
    let (cache_read, cache_creation, reasoning) = (cache_read.unwrap_or(0), cache_creation.unwrap_or(0), reasoning.unwrap_or(0));
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
        .or_else(|| nonneg(scan.num(set, GenAiCost)))
        .or_else(|| nonneg(scan.text(set, LfCost).and_then(|t| langfuse::cost_usd(&t))));
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
    analyze_trace_with(set, trace, &mut PriceMatch::new(prices))
}

fn analyze_trace_with(set: &TraceSet, trace: usize, prices: &mut PriceMatch<'_>) -> LlmAnalysis {
    let mut out = LlmAnalysis::default();
    let Some(t) = set.traces.get(trace) else { return out };
    let range = t.spans.range();
    let Some(spans) = set.spans.get(range.clone()) else { return out };
    let base = range.start;

    // 1. Scan every span once; keep the LLM ones (and promptflow's cumulative-only
    // spans, flagged, which count only when no call lies below them).
    let mut llm: Vec<(u32, Scan, bool)> = Vec::new();
    let mut ctx: Vec<(u32, Scan)> = Vec::new();
    for (k, s) in spans.iter().enumerate() {
        if s.attrs.is_empty() {
            continue;
        }
        let scan = Scan::of(set, s);
        let idx = (base + k) as u32;
        if scan.is_llm(set) {
            llm.push((idx, scan, false));
        } else if scan.is_cumulative_only(set) {
            llm.push((idx, scan, true));
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

    // 3. Wrappers: a call whose subtree holds the next call (pre-order). A
    // cumulative-only span with a call below it is neither call nor context.
    for (k, (idx, scan, cumulative)) in llm.iter().enumerate() {
        let s = &set.spans[*idx as usize];
        let wraps = llm.get(k + 1).map(|(next, _, _)| *next < s.subtree_end).unwrap_or(false);
        if wraps && *cumulative {
            continue;
        } else if wraps {
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
    let mut prices = PriceMatch::new(prices);
    for t in 0..set.traces.len() {
        let a = analyze_trace_with(set, t, &mut prices);
        out.calls.extend(a.calls);
        out.context.extend(a.context);
    }
    out.calls.sort_by_key(|c| c.span);
    out.context.sort_by_key(|c| c.span);
    out
}

/// Whether a span is recognized as an LLM call (a model or token usage), without
/// building its facts: O(attributes), where [`span_call`] also walks up the ancestors
/// and prices the call. For "does this subtree hold another call" checks.
pub fn is_call(set: &TraceSet, span: u32) -> bool {
    set.spans.get(span as usize).is_some_and(|s| Scan::of(set, s).is_llm(set))
}

/// The LLM facts of one span on its own (for a detail panel or a waterfall badge):
/// `None` unless the span carries a model or token usage. Unlike [`analyze_trace`],
/// a wrapper span is analyzed too. User/tenant/conversation are looked up the
/// parent chain (iteratively).
pub fn span_call(set: &TraceSet, span: u32, prices: &PriceTable) -> Option<LlmCall> {
    let s = set.spans.get(span as usize)?;
    let scan = Scan::of(set, s);
    if !scan.is_llm(set) {
        // Cumulative counters count only on a span with no call below it.
        let below = (span as usize + 1..s.subtree_end as usize).any(|d| is_call(set, d as u32));
        if !scan.is_cumulative_only(set) || below {
            return None;
        }
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
    Some(build_call(set, span, s, &scan, inh, &mut PriceMatch::new(prices)))
}
