//! Agent runs and their steps: one trace, its LLM calls (from
//! [`crate::analysis::llm::call`]) and a [`PriceTable`] in; [`AgentRun`]s out, in span
//! order, each with its [`AgentStep`]s in start order.
//!
//! * A run is an agent span ([`Role::Agent`]); in a trace with none, the trace's root.
//! * A run's steps are the LLM calls (wrappers left out, as the LLM tab counts them),
//!   tools and retrievals in its subtree that are not inside a nested run; a nested run
//!   is one step (kind `agent`) of its parent run, with the tokens and cost of all its
//!   own steps. Chains, workflows and wrappers are never steps; their children are.
//!   Every span is a step of at most one run.
//! * The follow-up of a tool (or retrieval) step: the input tokens the next LLM call of
//!   the run has beyond the previous call's input and output, shared evenly by the
//!   tools between the two calls, priced at the next call's input rate. Only where
//!   both calls report usage.
//!
//! A trace with no agent, tool, retrieval or chain span has no runs. One pre-order
//! pass with parent links; nothing recurses.

use super::role::{span_role, Role};
use crate::analysis::llm::call::{analyze_trace, LlmCall};
use crate::analysis::pricing::PriceTable;
use crate::model::TraceSet;

/// What a step is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StepKind {
    Llm,
    Tool,
    /// A nested run.
    Agent,
    Retrieval,
}

impl StepKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::Llm => "llm",
            StepKind::Tool => "tool",
            StepKind::Agent => "agent",
            StepKind::Retrieval => "retrieval",
        }
    }
}

/// One step of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct AgentStep {
    pub kind: StepKind,
    /// Index into `set.spans`.
    pub span: u32,
    /// The model (`llm`), tool name (`tool`), agent name (`agent`) or span name.
    pub name: Option<String>,
    /// Tool arguments as written.
    pub arguments: Option<String>,
    pub input_tokens: Option<u64>,
    pub output_tokens: Option<u64>,
    pub cost_usd: Option<f64>,
    pub start_ns: u64,
    pub duration_ns: u64,
    pub error: bool,
    pub rate_limited: bool,
    /// `llm`: the input price per million tokens, when priced from the table.
    pub input_usd_per_mtok: Option<f64>,
    /// Tools: input tokens the result added to the next LLM call.
    pub follow_up_tokens: Option<u64>,
    pub follow_up_cost_usd: Option<f64>,
    /// `agent`: index of the nested run in the trace's run list.
    pub run: Option<u32>,
}

/// One agent run.
#[derive(Clone, Debug, PartialEq)]
pub struct AgentRun {
    /// Index into `set.spans`.
    pub span: u32,
    pub name: String,
    /// The run this one is a step of, as an index into the run list.
    pub parent: Option<u32>,
    pub duration_ns: u64,
    /// Known cost of all its steps, nested runs included.
    pub cost_usd: Option<f64>,
    pub steps: Vec<AgentStep>,
}

/// The runs of trace `trace`, priced with `prices` (see the module docs).
pub fn agent_runs(set: &TraceSet, trace: usize, prices: &PriceTable) -> Vec<AgentRun> {
    agent_runs_from(set, trace, &analyze_trace(set, trace, prices).calls, prices)
}

/// [`agent_runs`] from the trace's calls as [`analyze_trace`] gives them.
pub fn agent_runs_from(set: &TraceSet, trace: usize, calls: &[LlmCall], prices: &PriceTable) -> Vec<AgentRun> {
    let Some(t) = set.traces.get(trace) else { return Vec::new() };
    let range = t.spans.range();
    let Some(spans) = set.spans.get(range.clone()) else { return Vec::new() };
    let base = range.start;
    let roles: Vec<_> = spans.iter().map(|s| if s.attrs.is_empty() { Default::default() } else { span_role(set, s) }).collect();
    if roles.iter().all(|r| r.role.is_none()) {
        return Vec::new();
    }
    let has_agent = roles.iter().any(|r| r.role == Some(Role::Agent));
    let mut call_of: Vec<Option<u32>> = vec![None; spans.len()];
    for (i, c) in calls.iter().enumerate() {
        if let Some(slot) = (c.span as usize).checked_sub(base).and_then(|k| call_of.get_mut(k)) {
            *slot = Some(i as u32);
        }
    }

    let mut runs: Vec<AgentRun> = Vec::new();
    let mut run_at: Vec<Option<u32>> = vec![None; spans.len()];
    let mut owner: Vec<Option<u32>> = vec![None; spans.len()];
    for (k, s) in spans.iter().enumerate() {
        let idx = (base + k) as u32;
        let p = (s.parent as usize).checked_sub(base).filter(|&p| p < k);
        owner[k] = p.and_then(|p| run_at[p].or(owner[p]));
        let role = &roles[k];
        let is_run = if has_agent { role.role == Some(Role::Agent) } else { idx == t.root };
        if is_run {
            run_at[k] = Some(runs.len() as u32);
            let name = role.label.clone().unwrap_or_else(|| set.name_of(s).to_string());
            runs.push(AgentRun { span: idx, name, parent: owner[k], duration_ns: s.duration_ns, cost_usd: None, steps: Vec::new() });
        }
        let Some(r) = owner[k] else { continue };
        let mut step = AgentStep {
            kind: StepKind::Tool,
            span: idx,
            name: None,
            arguments: None,
            input_tokens: None,
            output_tokens: None,
            cost_usd: None,
            start_ns: s.start_ns,
            duration_ns: s.duration_ns,
            error: s.is_error(),
            rate_limited: false,
            input_usd_per_mtok: None,
            follow_up_tokens: None,
            follow_up_cost_usd: None,
            run: None,
        };
        if is_run {
            step.kind = StepKind::Agent;
            step.name = runs.last().map(|r| r.name.clone());
            step.run = run_at[k];
        } else if role.role == Some(Role::Tool) || role.role == Some(Role::Retrieval) {
            if role.role == Some(Role::Retrieval) {
                step.kind = StepKind::Retrieval;
            }
            step.name = Some(role.label.clone().unwrap_or_else(|| set.name_of(s).to_string()));
            step.arguments = role.arguments.clone();
        } else if let Some(c) = call_of[k].and_then(|i| calls.get(i as usize)) {
            llm_step(&mut step, c, prices);
        } else {
            continue;
        }
        if let Some(run) = runs.get_mut(r as usize) {
            run.steps.push(step);
        }
    }
    // Nested runs carry the sums of their steps; children come after parents, so a
    // backward pass sees every nested run complete before its parent's step.
    for i in (0..runs.len()).rev() {
        let sums = sums_of(&runs[i].steps);
        runs[i].cost_usd = sums.2;
        let Some(p) = runs[i].parent else { continue };
        let span = runs[i].span;
        if let Some(step) = runs.get_mut(p as usize).and_then(|r| r.steps.iter_mut().find(|s| s.span == span)) {
            (step.input_tokens, step.output_tokens, step.cost_usd) = sums;
        }
    }
    for run in &mut runs {
        run.steps.sort_by(|a, b| a.start_ns.cmp(&b.start_ns).then(a.span.cmp(&b.span)));
        follow_ups(&mut run.steps);
    }
    runs
}

fn llm_step(step: &mut AgentStep, c: &LlmCall, prices: &PriceTable) {
    step.kind = StepKind::Llm;
    step.name = c.model.clone();
    if c.usage_reported {
        step.input_tokens = Some(c.input_tokens);
        step.output_tokens = Some(c.output_tokens);
    }
    step.cost_usd = c.cost_usd;
    step.error = c.error;
    step.rate_limited = c.rate_limited;
    step.input_usd_per_mtok = c.price_model.as_deref().and_then(|m| prices.lookup(m)).map(|p| p.input_usd_per_mtok);
}

/// Known input, output and cost summed over steps (`None` when none is known).
fn sums_of(steps: &[AgentStep]) -> (Option<u64>, Option<u64>, Option<f64>) {
    let add = |acc: Option<u64>, v: Option<u64>| match (acc, v) {
        (a, None) => a,
        (a, Some(v)) => Some(a.unwrap_or(0).saturating_add(v)),
    };
    let mut out = (None, None, None);
    for s in steps {
        out.0 = add(out.0, s.input_tokens);
        out.1 = add(out.1, s.output_tokens);
        if let Some(c) = s.cost_usd {
            out.2 = Some(out.2.unwrap_or(0.0) + c);
        }
    }
    out
}

/// Fills the follow-up tokens and cost of the tools between two LLM calls.
fn follow_ups(steps: &mut [AgentStep]) {
    let mut prev: Option<(u64, u64)> = None;
    let mut pending: Vec<usize> = Vec::new();
    for i in 0..steps.len() {
        match steps[i].kind {
            StepKind::Tool | StepKind::Retrieval => pending.push(i),
            StepKind::Agent => {}
            StepKind::Llm => {
                let next_in = steps[i].input_tokens;
                if let (Some((p_in, p_out)), Some(n_in), false) = (prev, next_in, pending.is_empty()) {
                    let added = n_in.saturating_sub(p_in.saturating_add(p_out)) / pending.len() as u64;
                    let rate = steps[i].input_usd_per_mtok;
                    for &t in &pending {
                        steps[t].follow_up_tokens = Some(added);
                        steps[t].follow_up_cost_usd = rate.map(|r| added as f64 * r / 1e6);
                    }
                }
                pending.clear();
                prev = match (steps[i].input_tokens, steps[i].output_tokens) {
                    (Some(a), Some(b)) => Some((a, b)),
                    _ => None,
                };
            }
        }
    }
}
