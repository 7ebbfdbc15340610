//! `agent_loop`: one trace's agent runs in; per run, a tool called with the same
//! arguments `agent_loop_min` times or more, as findings. Time at stake: the repeats
//! after the first call (their own time); cost at stake: the known follow-up cost of
//! those repeats (the tokens their results added to the next LLM calls).

use std::collections::BTreeMap;

use super::{spans_capped, Ctx, Finding, PatternKind};
use crate::analysis::agents::runs::{AgentRun, StepKind};
use crate::format::{duration, usd};

impl Ctx<'_, '_> {
    pub(super) fn agent_loops(&mut self, runs: &[AgentRun]) {
        for run in runs {
            let mut groups: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
            for (i, s) in run.steps.iter().enumerate() {
                if s.kind == StepKind::Tool {
                    let key = (s.name.as_deref().unwrap_or(""), s.arguments.as_deref().unwrap_or(""));
                    groups.entry(key).or_default().push(i);
                }
            }
            for ((tool, _), idx) in groups {
                if idx.len() < self.cfg.agent_loop_min.max(2) {
                    continue;
                }
                let repeats = &idx[1..];
                let impact: u64 = repeats.iter().map(|&i| run.steps[i].duration_ns).sum();
                if !self.top.admits(PatternKind::AgentLoop, impact) {
                    continue;
                }
                let cost: Option<f64> = repeats.iter().filter_map(|&i| run.steps[i].follow_up_cost_usd).reduce(|a, b| a + b);
                self.top.push(Finding {
                    kind: PatternKind::AgentLoop,
                    spans: spans_capped(idx.iter().map(|&i| run.steps[i].span)),
                    impact_ns: impact,
                    message: format!(
                        "agent {} called tool {} {} times with the same arguments; the {} repeats took {}{}",
                        run.name,
                        tool,
                        idx.len(),
                        repeats.len(),
                        duration(impact),
                        cost.map(|c| format!(" and added {} of follow-up input", usd(c))).unwrap_or_default()
                    ),
                    parent: run.span,
                });
            }
        }
    }
}
