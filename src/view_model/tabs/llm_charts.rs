//! The LLM tab's four charts with a bounded number of SVG elements: the set's calls in,
//! SVG text out. Charts draw an element per point, so a set with many calls is thinned
//! first to what the chart can show at its size: the tokens scatter keeps one call per
//! model and screen cell (and the calls that set the axes), the cumulative cost merges
//! calls that start close together into one step, and the bar charts keep the
//! [`MAX_MODEL_BARS`] largest models. Small sets are drawn as they are.

use crate::analysis::chart_theme::ChartTheme;
use crate::analysis::llm::aggregate::{group_calls, latency_by_model, GroupBy};
use crate::analysis::llm::call::{LlmCall, UNKNOWN_MODEL};
use crate::analysis::llm::charts;
use crate::model::TraceSet;

/// Most points of the tokens scatter.
pub const MAX_SCATTER_POINTS: usize = 240;
/// Most steps of the cumulative cost line.
pub const MAX_COST_STEPS: usize = 150;
/// Most bars of the by-model bar charts.
pub const MAX_MODEL_BARS: usize = 20;

/// The index of the first call with the largest `key`.
fn arg_max(calls: &[LlmCall], key: impl Fn(&LlmCall) -> u64) -> Option<usize> {
    let mut best: Option<(usize, u64)> = None;
    for (i, c) in calls.iter().enumerate() {
        let k = key(c);
        if best.is_none_or(|(_, b)| k > b) {
            best = Some((i, k));
        }
    }
    best.map(|b| b.0)
}

/// At most about [`MAX_SCATTER_POINTS`] calls that draw the same scatter: one per model
/// and cell of a grid over the axes (coarser until few enough), plus the calls with the
/// most input and the most output tokens (they set the axes). Call order is kept.
pub fn scatter_calls(calls: &[LlmCall]) -> Vec<LlmCall> {
    if calls.len() <= MAX_SCATTER_POINTS {
        return calls.to_vec();
    }
    let x_max = calls.iter().map(|c| c.input_tokens).max().unwrap_or(0).max(1) as f64;
    let y_max = calls.iter().map(|c| c.output_tokens).max().unwrap_or(0).max(1) as f64;
    let mut cells_per_axis = 128.0_f64;
    let mut keep: Vec<bool>;
    loop {
        let mut seen = std::collections::HashSet::new();
        keep = calls
            .iter()
            .map(|c| {
                let cx = (c.input_tokens as f64 / x_max * cells_per_axis).floor() as u64;
                let cy = (c.output_tokens as f64 / y_max * cells_per_axis).floor() as u64;
                seen.insert((c.model.as_deref().unwrap_or(UNKNOWN_MODEL), cx, cy))
            })
            .collect();
        let kept = keep.iter().filter(|&&k| k).count();
        if kept <= MAX_SCATTER_POINTS || cells_per_axis <= 2.0 {
            break;
        }
        cells_per_axis /= 2.0;
    }
    // Still too many (a great many models): the first ones.
    let mut kept = 0;
    for k in keep.iter_mut() {
        if *k {
            kept += 1;
            *k = kept <= MAX_SCATTER_POINTS;
        }
    }
    for i in [arg_max(calls, |c| c.input_tokens), arg_max(calls, |c| c.output_tokens)].into_iter().flatten() {
        keep[i] = true;
    }
    calls.iter().zip(keep).filter(|(_, k)| *k).map(|(c, _)| c.clone()).collect()
}

/// At most about [`MAX_COST_STEPS`] calls that draw the same cumulative cost: priced
/// calls are merged into steps of equal time (a step starts at its first call and
/// carries the cost of all of them); the earliest call and the one that ends last come
/// along unpriced, so the time axis is unchanged.
pub fn cost_calls(calls: &[LlmCall]) -> Vec<LlmCall> {
    let mut priced: Vec<&LlmCall> = calls.iter().filter(|c| c.cost_usd.is_some()).collect();
    if priced.len() <= MAX_COST_STEPS {
        return calls.to_vec();
    }
    priced.sort_by_key(|c| c.start_ns);
    let (t0, t1) = (priced[0].start_ns, priced[priced.len() - 1].start_ns);
    let width_ns = ((t1 - t0) / MAX_COST_STEPS as u64).max(1);
    let mut out: Vec<LlmCall> = Vec::with_capacity(MAX_COST_STEPS + 2);
    let mut step: Option<(u64, LlmCall)> = None;
    for c in priced {
        let b = ((c.start_ns - t0) / width_ns).min(MAX_COST_STEPS as u64 - 1);
        match &mut step {
            Some((sb, s)) if *sb == b => s.cost_usd = Some(s.cost_usd.unwrap_or(0.0) + c.cost_usd.unwrap_or(0.0)),
            _ => {
                if let Some((_, s)) = step.take() {
                    out.push(s);
                }
                step = Some((b, c.clone()));
            }
        }
    }
    if let Some((_, s)) = step {
        out.push(s);
    }
    let bounds = [
        calls.iter().min_by_key(|c| c.start_ns),
        calls.iter().max_by_key(|c| c.start_ns.saturating_add(c.latency_ns)),
    ];
    out.extend(bounds.into_iter().flatten().map(|c| LlmCall { cost_usd: None, ..c.clone() }));
    out
}

/// The four charts as (test id, SVG text), in display order.
pub fn llm_charts(set: &TraceSet, calls: &[LlmCall], theme: &ChartTheme) -> Vec<(String, String)> {
    let mut by_model = group_calls(set, calls, GroupBy::Model);
    by_model.truncate(MAX_MODEL_BARS);
    let mut lat = latency_by_model(calls);
    if lat.len() > MAX_MODEL_BARS {
        lat.sort_by(|a, b| b.p95_ns.cmp(&a.p95_ns).then(a.model.cmp(&b.model)));
        lat.truncate(MAX_MODEL_BARS);
    }
    let bar_h = |n: usize| (110 + 40 * n as u32).clamp(230, 900);
    vec![
        ("llm-chart-cost-by-model".to_string(), charts::cost_by_model_svg(&by_model, theme, 620, bar_h(by_model.len()))),
        ("llm-chart-cost-over-time".to_string(), charts::cost_over_time_svg(&cost_calls(calls), theme, 620, 300)),
        ("llm-chart-tokens".to_string(), charts::tokens_scatter_svg(&scatter_calls(calls), theme, 620, 320)),
        ("llm-chart-latency".to_string(), charts::latency_by_model_svg(&lat, theme, 620, bar_h(lat.len()))),
    ]
}
