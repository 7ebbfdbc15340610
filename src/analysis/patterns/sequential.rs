//! `sequential`: the children of one parent in; outgoing calls (other service,
//! CLIENT/PRODUCER, DB or LLM) that run one step after another out, with the time
//! running them in parallel could save. Candidates only: a trace cannot show a data
//! dependency.

use std::collections::HashMap;

use super::{op, op_key, spans_capped, Ctx, Finding, PatternKind};
use crate::analysis::attr_lookup::AttrLookup;
use crate::format::duration;
use crate::model::{Span, SpanKind, TimeNs, TraceSet};

/// Whether a child is a call out of its parent: another service, an outgoing
/// (CLIENT/PRODUCER) span, or a DB / LLM call.
fn is_outgoing_call(set: &TraceSet, look: &mut AttrLookup<'_>, look_llm: &mut AttrLookup<'_>, parent: &Span, s: &Span) -> bool {
    set.service_id(parent) != set.service_id(s)
        || matches!(s.kind, SpanKind::Client | SpanKind::Producer)
        || look.has(s, 2)
        || look_llm.has(s, 0)
}

impl Ctx<'_, '_> {
    pub(super) fn sequential(&mut self, p_idx: u32, p: &Span, kids: &[u32]) {
        let set = self.set;
        let min_calls = self.cfg.sequential_min_calls.max(2);
        if kids.len() < min_calls {
            return;
        }
        // Operations that occur more than once under this parent belong to N+1 / retry.
        let mut count: HashMap<(u32, u32), usize> = HashMap::new();
        for &c in kids {
            *count.entry(op_key(set, &set.spans[c as usize])).or_default() += 1;
        }
        let mut calls: Vec<u32> = Vec::new();
        for &c in kids {
            let s = &set.spans[c as usize];
            if s.duration_ns > 0
                && count.get(&op_key(set, s)).copied().unwrap_or(0) == 1
                && is_outgoing_call(set, self.look, self.look_llm, p, s)
            {
                calls.push(c);
            }
        }
        // Steps: calls that overlap each other form one step (already parallel);
        // steps that follow one another are the sequence.
        let mut steps: Vec<(TimeNs, TimeNs, Vec<u32>)> = Vec::new();
        for c in calls {
            let s = &set.spans[c as usize];
            match steps.last_mut() {
                Some(last) if s.start_ns < last.1 => {
                    last.1 = last.1.max(s.end_ns());
                    last.2.push(c);
                }
                _ => steps.push((s.start_ns, s.end_ns(), vec![c])),
            }
        }
        if steps.len() < min_calls {
            return;
        }
        let walls: Vec<u64> = steps.iter().map(|st| st.1 - st.0).collect();
        let sum: u64 = walls.iter().sum();
        let longest = walls.iter().copied().max().unwrap_or(0);
        let saving = sum - longest;
        if saving == 0 || saving < self.cfg.sequential_min_saving_ns || !self.top.admits(PatternKind::Sequential, saving) {
            return;
        }
        let parallel_steps = steps.iter().filter(|st| st.2.len() > 1).count();
        let names: Vec<String> = steps
            .iter()
            .take(6)
            .map(|st| {
                let first = op(set, &set.spans[st.2[0] as usize]);
                if st.2.len() > 1 {
                    format!("{first} +{} in parallel", st.2.len() - 1)
                } else {
                    first
                }
            })
            .collect();
        let spans: Vec<u32> = steps.iter().flat_map(|st| st.2.iter().copied()).collect();
        self.top.push(Finding {
            kind: PatternKind::Sequential,
            spans: spans_capped(spans),
            impact_ns: saving,
            message: format!(
                "{} calls under {} run one after another ({}{}): {} in sequence, ~{} if run in parallel (saves ~{}){}. Candidate: a trace cannot show whether one call needs another's result",
                steps.len(),
                op(set, p),
                names.join(", "),
                if steps.len() > 6 { ", …" } else { "" },
                duration(sum),
                duration(longest),
                duration(saving),
                if parallel_steps > 0 { "; overlapping calls count as one step" } else { "" }
            ),
            parent: p_idx,
        });
    }
}
