//! The patterns tab: the selected trace and editable thresholds in; latency findings
//! ranked by the time at stake out (click to jump, or filter the waterfall to them).

use leptos::prelude::*;

use crate::analysis::patterns::{patterns, Finding, PatternConfig, PatternKind};
use crate::format;
use crate::ui::analysis::{filter_waterfall, no_data};
use crate::ui::state::AppState;
use crate::ui::util::Shared;

/// A number field of the thresholds form: `get` reads the shown value from the
/// config, `set` writes a parsed value back.
fn num_field(
    cfg: RwSignal<PatternConfig>,
    label: &'static str,
    testid: &'static str,
    get: fn(&PatternConfig) -> f64,
    set: fn(&mut PatternConfig, f64),
) -> impl IntoView {
    view! {
        <label>
            <span>{label}</span>
            <input type="number" min="0" step="any" data-testid=testid
                prop:value=move || {
                    let v = cfg.with(get);
                    if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v}") }
                }
                on:change=move |ev| {
                    if let Ok(v) = event_target_value(&ev).trim().parse::<f64>()
                        && v.is_finite() && v >= 0.0 {
                            cfg.update(|c| set(c, v));
                        }
                }/>
        </label>
    }
}

fn ms(ns: u64) -> f64 {
    ns as f64 / 1e6
}
fn ns_of_ms(v: f64) -> u64 {
    (v * 1e6).round().max(0.0) as u64
}

/// Latency patterns of the selected trace, ranked by the time at stake, with an
/// editable thresholds form.
#[component]
pub fn PatternsView() -> impl IntoView {
    let Some(app) = use_context::<AppState>() else { return no_data("patterns-view") };
    let cfg = RwSignal::new(PatternConfig::default());
    let kind_filter = RwSignal::new(None::<PatternKind>);
    let data = Memo::new(move |_| {
        let loaded = app.loaded.get()?;
        let t = app.trace.get();
        let f = cfg.with(|c| patterns(&loaded.set, t, c));
        Some((Shared(loaded), Shared::new(f)))
    });
    let list = move || {
        let Some((loaded, findings)) = data.get() else {
            return view! { <p class="an-note">"Load a trace to see its latency patterns."</p> }.into_any();
        };
        let kf = kind_filter.get();
        let shown: Vec<Finding> = findings.iter().filter(|f| kf.is_none_or(|k| f.kind == k)).cloned().collect();
        if shown.is_empty() {
            return view! { <p class="an-note" data-testid="patterns-empty">"No findings with these thresholds."</p> }.into_any();
        }
        let items = shown
            .into_iter()
            .map(|f| {
                let first = f.spans.first().copied();
                let spans = f.spans.clone();
                let n = spans.len();
                let loaded2 = loaded.clone();
                let label = format!("{}: {} spans", f.kind.as_str(), n);
                view! {
                    <li class="pattern-item" data-testid="pattern-item" data-kind=f.kind.as_str() title="Jump to the first span"
                        on:click=move |_| if let Some(s) = first { app.jump_to_span(s) }>
                        <span class="kind">{f.kind.as_str()}</span>
                        <span class="impact">{format::duration(f.impact_ns)}</span>
                        <span class="msg">{f.message.clone()}</span>
                        <span class="acts">
                            <button title="Show only these spans in the waterfall"
                                on:click=move |ev| {
                                    ev.stop_propagation();
                                    filter_waterfall(app, &loaded2.set, &spans, label.clone());
                                }>{format!("{n} span{}", if n == 1 { "" } else { "s" })}</button>
                        </span>
                    </li>
                }
            })
            .collect_view();
        view! { <ol class="an-findings">{items}</ol> }.into_any()
    };
    let count = move || data.with(|d| d.as_ref().map(|(_, f)| format!("{} finding{}", f.len(), if f.len() == 1 { "" } else { "s" })).unwrap_or_default());
    let kinds = PatternKind::ALL
        .iter()
        .map(|k| {
            let name = k.as_str();
            view! { <option value=name>{name}</option> }
        })
        .collect_view();
    view! {
        <div class="an-view view-pane" data-testid="patterns-view">
            <div class="an-bar">
                <h2>"Latency patterns"</h2>
                <span class="an-note">{count}</span>
                <span class="spacer"></span>
                <label>
                    "Kind "
                    <select data-testid="patterns-kind" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        kind_filter.set(PatternKind::ALL.iter().copied().find(|k| k.as_str() == v));
                    }>
                        <option value="">"all"</option>
                        {kinds}
                    </select>
                </label>
            </div>
            <details class="an-thresholds">
                <summary>"Thresholds"</summary>
                <div class="an-form" data-testid="patterns-form">
                    {num_field(cfg, "N+1: similar siblings ≥", "cfg-n-plus-one", |c| c.n_plus_one_min as f64, |c, v| c.n_plus_one_min = v as usize)}
                    {num_field(cfg, "Gap: at least (ms)", "cfg-gap-ms", |c| ms(c.gap_min_ns), |c, v| c.gap_min_ns = ns_of_ms(v))}
                    {num_field(cfg, "Gap: at least (% of parent)", "cfg-gap-pct", |c| c.gap_min_percent, |c, v| c.gap_min_percent = v)}
                    {num_field(cfg, "Sequential: steps ≥", "cfg-seq-calls", |c| c.sequential_min_calls as f64, |c, v| c.sequential_min_calls = v as usize)}
                    {num_field(cfg, "Sequential: saving ≥ (ms)", "cfg-seq-ms", |c| ms(c.sequential_min_saving_ns), |c, v| c.sequential_min_saving_ns = ns_of_ms(v))}
                    {num_field(cfg, "Late start: wait ≥ (% of parent)", "cfg-late-pct", |c| c.late_start_min_percent, |c, v| c.late_start_min_percent = v)}
                    {num_field(cfg, "Late start: wait ≥ (ms)", "cfg-late-ms", |c| ms(c.late_start_min_ns), |c, v| c.late_start_min_ns = ns_of_ms(v))}
                    {num_field(cfg, "Late start: recurs ≥ (times)", "cfg-late-times", |c| c.late_start_min_occurrences as f64, |c, v| c.late_start_min_occurrences = v as usize)}
                    {num_field(cfg, "Retry storm: attempts ≥", "cfg-retry", |c| c.retry_storm_min as f64, |c, v| c.retry_storm_min = v as usize)}
                    {num_field(cfg, "Fan-out: concurrent ≥", "cfg-fan-out", |c| c.fan_out_min as f64, |c, v| c.fan_out_min = v as usize)}
                    {num_field(cfg, "Findings per kind ≤", "cfg-max", |c| c.max_per_kind as f64, |c, v| c.max_per_kind = v as usize)}
                    <button data-testid="cfg-reset" on:click=move |_| cfg.set(PatternConfig::default())>"Defaults"</button>
                </div>
            </details>
            <p class="an-note">"Ranked by the time at stake. Sequential findings are candidates: a trace cannot show whether one call needs another's result. Click a finding to jump to its span."</p>
            {list}
        </div>
    }
    .into_any()
}
