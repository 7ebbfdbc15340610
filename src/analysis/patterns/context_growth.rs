//! `context_growth`: one trace's agent runs in; per run, a streak of at least
//! `context_growth_min_calls` LLM calls whose input tokens grow call after call, as
//! findings. Cost at stake: the input tokens each call has beyond the streak's first,
//! at the call's input price (when priced from the table). Time at stake: the time of
//! the calls after the first.

use super::{spans_capped, Ctx, Finding, PatternKind};
use crate::analysis::agents::runs::{AgentRun, AgentStep, StepKind};
use crate::format::{duration, thousands, usd};

impl Ctx<'_, '_> {
    pub(super) fn context_growth(&mut self, runs: &[AgentRun]) {
        let min = self.cfg.context_growth_min_calls.max(2);
        for run in runs {
            let calls: Vec<(&AgentStep, u64)> =
                run.steps.iter().filter(|s| s.kind == StepKind::Llm).filter_map(|s| s.input_tokens.map(|t| (s, t))).collect();
            let mut i = 0;
            while i < calls.len() {
                let mut end = i;
                while end + 1 < calls.len() && calls[end + 1].1 > calls[end].1 {
                    end += 1;
                }
                let streak = &calls[i..=end];
                i = end + 1;
                if streak.len() < min {
                    continue;
                }
                let first = streak[0].1;
                let grown: u64 = streak.iter().map(|(_, t)| t - first).sum();
                let impact: u64 = streak[1..].iter().map(|(s, _)| s.duration_ns).sum();
                if !self.top.admits(PatternKind::ContextGrowth, impact) {
                    continue;
                }
                let cost: Option<f64> =
                    streak.iter().filter_map(|(s, t)| s.input_usd_per_mtok.map(|r| (t - first) as f64 * r / 1e6)).reduce(|a, b| a + b);
                self.top.push(Finding {
                    kind: PatternKind::ContextGrowth,
                    spans: spans_capped(streak.iter().map(|(s, _)| s.span)),
                    impact_ns: impact,
                    message: format!(
                        "agent {}: input grew over {} LLM calls from {} to {} tokens; {} tokens re-sent beyond the first call{} over {}",
                        run.name,
                        streak.len(),
                        thousands(first),
                        thousands(streak[streak.len() - 1].1),
                        thousands(grown),
                        cost.map(|c| format!(" ({})", usd(c))).unwrap_or_default(),
                        duration(impact)
                    ),
                    parent: run.span,
                });
            }
        }
    }
}
