//! Agent traces: a [`TraceSet`] and a [`PriceTable`] in; per trace, agent runs with
//! their steps, the agent graph, and the `"agents"` list of `clew analyze --json` out.
//! One job per file:
//!
//! * [`role`]: which spans are agents, tools, retrievals and chains, by convention;
//! * [`runs`]: runs and their steps, follow-up tokens of tool results;
//! * [`graph`]: agents → tools → models, with agent → agent handoffs.
//!
//! Loop and waste findings built on the runs live with the other patterns
//! (`agent_loop`, `llm_retry`, `context_growth` in [`crate::analysis::patterns`]).

pub mod graph;
pub mod role;
pub mod runs;

use serde_json::{json, Value};

use crate::analysis::pricing::PriceTable;
use crate::model::TraceSet;
use runs::AgentRun;

/// The `"agents"` list of one trace: `[{"span_id","name","steps":[{"kind","name",
/// "span_id","input_tokens","output_tokens","cost_usd","duration_ns"}]}]`, runs in
/// span order, steps in start order; unknown tokens, cost and names are `null`.
pub fn runs_json(set: &TraceSet, runs: &[AgentRun]) -> Value {
    let id = |i: u32| set.spans.get(i as usize).map(|s| s.span_id.to_text(&set.strings));
    Value::Array(
        runs.iter()
            .map(|r| {
                let steps: Vec<Value> = r
                    .steps
                    .iter()
                    .map(|s| {
                        json!({
                            "kind": s.kind.as_str(),
                            "name": s.name,
                            "span_id": id(s.span),
                            "input_tokens": s.input_tokens,
                            "output_tokens": s.output_tokens,
                            "cost_usd": s.cost_usd,
                            "duration_ns": s.duration_ns,
                        })
                    })
                    .collect();
                json!({"span_id": id(r.span), "name": r.name, "steps": steps})
            })
            .collect(),
    )
}

/// [`runs_json`] of trace `trace`.
pub fn agents_json(set: &TraceSet, trace: usize, prices: &PriceTable) -> Value {
    runs_json(set, &runs::agent_runs(set, trace, prices))
}
