//! `llm_retry`: one trace's LLM calls in; a call that failed or was rate-limited and
//! the same call again (same model, same span name) as the next call of the trace, as
//! findings, one per chain of attempts. Time at stake: from the first failed attempt's
//! start to the last attempt's start; cost at stake: the known cost of the failed
//! attempts.

use super::{spans_capped, Ctx, Finding, PatternKind};
use crate::analysis::llm::call::LlmCall;
use crate::format::{duration, usd};

impl Ctx<'_, '_> {
    /// `calls` in start order.
    pub(super) fn llm_retries(&mut self, calls: &[&LlmCall]) {
        let same = |a: &LlmCall, b: &LlmCall| a.model == b.model && a.name == b.name;
        let mut i = 0;
        while i < calls.len() {
            let mut end = i;
            while end + 1 < calls.len() && (calls[end].error || calls[end].rate_limited) && same(calls[end], calls[end + 1]) {
                end += 1;
            }
            if end == i {
                i += 1;
                continue;
            }
            let chain = &calls[i..=end];
            let failed = &chain[..chain.len() - 1];
            let impact = chain[chain.len() - 1].start_ns.saturating_sub(chain[0].start_ns);
            if self.top.admits(PatternKind::LlmRetry, impact) {
                let cost: Option<f64> = failed.iter().filter_map(|c| c.cost_usd).reduce(|a, b| a + b);
                let limited = failed.iter().filter(|c| c.rate_limited).count();
                self.top.push(Finding {
                    kind: PatternKind::LlmRetry,
                    spans: spans_capped(chain.iter().map(|c| c.span)),
                    impact_ns: impact,
                    message: format!(
                        "{} attempts of LLM call {} ({}), {} failed{}; {} passed before the last attempt began{}",
                        chain.len(),
                        chain[0].name,
                        chain[0].model_key(),
                        failed.len(),
                        if limited > 0 { format!(" ({limited} rate-limited)") } else { String::new() },
                        duration(impact),
                        cost.map(|c| format!("; the failed attempts cost {}", usd(c))).unwrap_or_default()
                    ),
                    parent: chain[0].span,
                });
            }
            i = end + 1;
        }
    }
}
