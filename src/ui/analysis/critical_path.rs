//! The critical path tab: the selected trace in; its contributors and its segments in
//! time order out (click a row to jump to its span), and the waterfall highlight switch.

use leptos::prelude::*;

use crate::analysis::critical_path::critical_path;
use crate::analysis::intervals::percent_of;
use crate::format;
use crate::ui::analysis::{no_data, op_name, MAX_ROWS};
use crate::ui::controls::checkbox;
use crate::ui::state::AppState;
use crate::ui::util::Shared;


/// The critical path of the selected trace: contributors and segments; click a row
/// to jump to its span.
#[component]
pub fn CriticalPathView() -> impl IntoView {
    let Some(app) = use_context::<AppState>() else { return no_data("critical-path-view") };
    let data = Memo::new(move |_| {
        let loaded = app.loaded.get()?;
        let t = app.trace.get();
        let cp = critical_path(&loaded.set, t);
        Some((Shared(loaded), Shared::new(cp)))
    });
    let body = move || {
        let Some((loaded, cp)) = data.get() else {
            return view! { <p class="an-note">"Load a trace to see its critical path."</p> }.into_any();
        };
        let set = &loaded.set;
        let Some(t) = set.traces.get(cp.trace) else {
            return view! { <p class="an-note">"No trace selected."</p> }.into_any();
        };
        let t0 = t.start_ns;
        let summary = format!(
            "{} spans on the path, {} segments, trace {}",
            cp.contributions.len(),
            cp.segments.len(),
            format::duration(cp.trace_duration_ns)
        );
        let contrib_rows = cp
            .contributions
            .iter()
            .take(MAX_ROWS)
            .map(|c| {
                let (svc, name) = op_name(set, c.span);
                let span = c.span;
                let width = format!("width:{:.1}px", (c.percent * 1.2).clamp(0.0, 120.0));
                view! {
                    <tr class="clickable" data-testid="critical-path-contrib" title="Show in the waterfall" on:click=move |_| app.jump_to_span(span)>
                        <td class="name">{svc}</td>
                        <td class="name">{name}</td>
                        <td class="num">{format::duration(c.contribution_ns)}</td>
                        <td><span class="an-share" style=width></span>{format!("{:.1}%", c.percent)}</td>
                    </tr>
                }
            })
            .collect_view();
        let seg_rows = cp
            .segments
            .iter()
            .take(MAX_ROWS)
            .map(|g| {
                let (svc, name) = op_name(set, g.span);
                let span = g.span;
                let pct = percent_of(g.duration_ns(), cp.trace_duration_ns);
                view! {
                    <tr class="clickable" data-testid="critical-path-row" title="Show in the waterfall" on:click=move |_| app.jump_to_span(span)>
                        <td class="num">{format!("+{}", format::duration(g.start_ns.saturating_sub(t0)))}</td>
                        <td class="name">{svc}</td>
                        <td class="name">{name}</td>
                        <td class="num">{format::duration(g.duration_ns())}</td>
                        <td class="num">{format!("{pct:.1}%")}</td>
                    </tr>
                }
            })
            .collect_view();
        let cut = (cp.segments.len() > MAX_ROWS || cp.contributions.len() > MAX_ROWS)
            .then(|| view! { <p class="an-note">{format!("Showing the first {MAX_ROWS} rows.")}</p> });
        view! {
            <p class="an-note">{summary}</p>
            <h3>"Contribution by span"</h3>
            <div class="an-table-wrap">
                <table class="an-table">
                    <thead><tr><th>"service"</th><th>"operation"</th><th class="num">"on the path"</th><th>"% of trace"</th></tr></thead>
                    <tbody>{contrib_rows}</tbody>
                </table>
            </div>
            <h3>"Segments in time order"</h3>
            <div class="an-table-wrap">
                <table class="an-table" data-testid="critical-path-table">
                    <thead><tr><th class="num">"start"</th><th>"service"</th><th>"operation"</th><th class="num">"duration"</th><th class="num">"% of trace"</th></tr></thead>
                    <tbody>{seg_rows}</tbody>
                </table>
            </div>
            {cut}
        }
        .into_any()
    };
    view! {
        <div class="an-view view-pane" data-testid="critical-path-view">
            <div class="an-bar">
                <h2>"Critical path"</h2>
                <span class="an-note">"The chain of work that decides when the trace ends; a parent's own time is listed between its children."</span>
                <span class="spacer"></span>
                <label>
                    {checkbox(app.show_critical_path, "critical-path-highlight")}
                    " Highlight in the waterfall"
                </label>
            </div>
            {body}
        </div>
    }
    .into_any()
}
