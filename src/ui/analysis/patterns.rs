//! The patterns tab: the selected trace and editable thresholds in; latency findings
//! ranked by the time at stake out, a virtual list of worker rows (click to jump, or
//! filter the waterfall to them), and their CSV export.

use leptos::prelude::*;

use crate::analysis::patterns::{PatternConfig, PatternKind};
use crate::ui::analysis::{csv_button, filter_loaded, progress_line, view_pane};
use crate::ui::lists::{follow_scroll, ScrollWindow};
use crate::ui::offload::channel::channel;
use crate::ui::state::{AppState, Tab};
use crate::view_model::list_window::{ListGeometry, RowRange, FIRST_FETCH_ROWS};
use crate::view_model::tabs::patterns::PatternsRequest;
use crate::view_model::tabs::{Request, Response};

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

/// Height of one finding in the list (CSS `.pattern-item`: two lines of message).
const FINDING_PX: f64 = 56.0;
/// Findings visible at once.
const FINDINGS_SHOWN: usize = 9;

/// Latency patterns of the selected trace, ranked by the time at stake, with an
/// editable thresholds form. The findings are a virtual list of worker rows.
#[component]
pub fn PatternsView() -> impl IntoView {
    let app = expect_context::<AppState>();
    let cfg = RwSignal::new(PatternConfig::default());
    let kind_filter = RwSignal::new(None::<PatternKind>);
    let want = RwSignal::new(RowRange::first(FIRST_FETCH_ROWS));
    let ch = channel(
        app,
        move || {
            Some(Request::Patterns(PatternsRequest {
                trace: app.trace.get(),
                config: cfg.get(),
                kind: kind_filter.get().map(|k| k.as_str().to_string()),
                rows: want.get(),
            }))
        },
        |r| if let Response::Patterns(p) = r { Some(p) } else { None },
    );
    let sw = ScrollWindow::new(ListGeometry { row_px: FINDING_PX, overscan_rows: 2 }, 0.0, FINDINGS_SHOWN as f64 * FINDING_PX);
    let shown = move || ch.data.with(|d| d.as_ref().map(|d| d.shown).unwrap_or(0));
    follow_scroll(sw, shown, want);
    let win = Memo::new(move |_| sw.window(shown()));
    let generation = Memo::new(move |prev: Option<&u64>| {
        ch.data.track();
        prev.map(|p| p + 1).unwrap_or(0)
    });
    let item = move |(i, _): (usize, u64)| {
        let Some(f) = ch.data.with_untracked(|d| d.as_ref().and_then(|d| i.checked_sub(d.from).and_then(|k| d.rows.get(k)).cloned())) else {
            return view! { <li class="pattern-item pending" data-row=i></li> }.into_any();
        };
        let first = f.spans.first().copied();
        let n = f.spans.len();
        let label = format!("{}: {}", f.kind, crate::format::count(n as u64, "span"));
        let spans = f.spans.clone();
        view! {
            <li class="pattern-item" data-testid="pattern-item" data-kind=f.kind.clone() data-row=i title="Jump to the first span"
                tabindex="0" aria-label=format!("{}, {}: {}", f.kind, f.impact, f.message)
                on:click=move |_| if let Some(s) = first { app.jump_to_span(s) }
                on:keydown=move |ev| if ev.key() == "Enter" && ev.target() == ev.current_target() {
                    ev.prevent_default();
                    if let Some(s) = first { app.jump_to_span(s) }
                }>
                <span class="kind">{f.kind.clone()}</span>
                <span class="impact">{f.impact.clone()}</span>
                <span class="msg" title=f.message.clone()>{f.message.clone()}</span>
                <span class="acts">
                    <button title="Show only these spans in the waterfall"
                        on:click=move |ev| {
                            ev.stop_propagation();
                            filter_loaded(app, &spans, label.clone());
                        }>{crate::format::count(n as u64, "span")}</button>
                </span>
            </li>
        }
        .into_any()
    };
    let drawn = move || {
        let (w, g) = (win.get(), generation.get());
        (w.first..w.last).map(|i| (i, g)).collect::<Vec<_>>()
    };
    let has_data = move || ch.data.with(|d| d.is_some());
    let empty = move || ch.data.with(|d| d.as_ref().is_some_and(|d| d.shown == 0));
    let list = view! {
        <Show when=move || has_data() && !empty()
            fallback=move || empty().then(|| view! { <p class="an-note" data-testid="patterns-empty">"No findings with these thresholds."</p> })>
            <div class="an-findings-scroll" node_ref=sw.scroller tabindex="0" role="region" aria-label="Findings" style=format!("max-height:{}px", FINDINGS_SHOWN as f64 * FINDING_PX)
                on:scroll=move |_| sw.measure()>
                <div class="vt-spacer" style=move || format!("height:{}px", win.get().total_px)>
                    <ol class="an-findings" data-testid="patterns-list" style=move || format!("top:{}px", win.get().top_px)>
                        <For each=drawn key=|k| *k children=item/>
                    </ol>
                </div>
            </div>
        </Show>
    };
    let count = move || {
        ch.data.with(|d| d.as_ref().map(|d| crate::format::count(d.total as u64, "finding")).unwrap_or_default())
    };
    let kinds = PatternKind::ALL
        .iter()
        .map(|k| {
            let name = k.as_str();
            view! { <option value=name>{name}</option> }
        })
        .collect_view();
    let export = csv_button(app, "patterns-csv".into(), "Export CSV of the findings", move || {
        let req = PatternsRequest {
            trace: app.trace.get_untracked(),
            config: cfg.get_untracked(),
            kind: kind_filter.get_untracked().map(|k| k.as_str().to_string()),
            rows: RowRange::default(),
        };
        let name = format!("clew-patterns-{}.csv", req.trace);
        (Request::PatternsCsv(req), name)
    });
    let content = view! {
        <div class="an-bar">
            <h2>"Latency patterns"</h2>
            <span class="an-note" data-testid="patterns-count">{count}</span>
            <span class="spacer"></span>
            {export}
            <label>
                "Kind "
                <select data-testid="patterns-kind" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    kind_filter.set(PatternKind::ALL.iter().copied().find(|k| k.as_str() == v));
                    sw.to_top();
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
                {num_field(cfg, "Agent loop: same tool call ≥", "cfg-agent-loop", |c| c.agent_loop_min as f64, |c, v| c.agent_loop_min = v as usize)}
                {num_field(cfg, "Context growth: calls ≥", "cfg-context-growth", |c| c.context_growth_min_calls as f64, |c, v| c.context_growth_min_calls = v as usize)}
                {num_field(cfg, "Findings per kind ≤", "cfg-max", |c| c.max_per_kind as f64, |c, v| c.max_per_kind = v as usize)}
                <button data-testid="cfg-reset" on:click=move |_| cfg.set(PatternConfig::default())>"Defaults"</button>
            </div>
        </details>
        <p class="an-note">"Ranked by the time at stake. Sequential findings are candidates: a trace cannot show whether one call needs another's result. Click a finding to jump to its span."</p>
        {progress_line("Looking for latency patterns…", move || ch.computing(), move || ch.error())}
        <div class="an-body" class:stale=move || ch.computing()>{list}</div>
    };
    view_pane(Tab::Patterns, "an-view view-pane", move || ch.painted(), content)
}
