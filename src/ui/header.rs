//! The trace header: root service and operation, start, duration, counts, warnings, and
//! the clock-skew toggle (`ui::skew`).
//! (With more than one trace loaded, `ui::traces` lists them and steps through them.)
//! `?uiTimelineCollapseTitle=1` starts the summary folded; `?uiTimelineHideSummary=1` leaves it out.

use leptos::prelude::*;

use crate::format;
use crate::ui::context::use_ui;
use crate::ui::icons;
use crate::ui::links::TraceLinks;
use crate::ui::skew::SkewToggle;
use crate::view_model::warnings::{group, WarningLine};
use crate::ui::util::utc_time;

#[component]
pub fn TraceHeader() -> impl IntoView {
    let ui = use_ui();
    let show_warnings = RwSignal::new(false);
    // Jaeger UI's uiTimelineCollapseTitle / uiTimelineHideSummary.
    let params = crate::ui::embed::params();
    let (hide_summary, expanded) = (params.hide_summary, RwSignal::new(!params.collapse_title));
    let info = move || {
        let v = ui.derived.view.get()?;
        let set = v.set();
        let t = *set.traces.get(v.trace)?;
        let root = set.spans.get(t.root as usize).copied();
        // The legend holds each service of the trace once.
        let services = v.legend.len();
        let (root_service, root_name) = root.map(|r| (set.service_of(&r).to_string(), set.name_of(&r).to_string())).unwrap_or_default();
        // Identical messages (the two halves of an RPC) are one line with a count.
        let warnings = group(set.trace_warnings(&t).iter().take(2000).map(|w| (w.span, w.message.clone())));
        let warnings: Vec<WarningLine> = warnings.into_iter().take(300).collect();
        let n_warnings = t.warnings.len;
        let root_color = root.map(|_| v.color(t.root)).unwrap_or("#888");
        Some(view! {
            <div class="trace-title">
                <span class="svc-dot big" aria-hidden="true" style=format!("background:{root_color}")></span>
                <span class="root-svc" data-testid="root-service">{root_service}</span>
                <span class="root-op" data-testid="root-operation">{root_name}</span>
                <span class="trace-id muted" title="Trace ID">{t.trace_id.to_text(&set.strings)}</span>
                <SkewToggle/>
                {(!hide_summary).then(|| view! {
                    <button class="link header-toggle" data-testid="trace-header-toggle" aria-controls="trace-summary"
                        aria-expanded=move || if expanded.get() { "true" } else { "false" }
                        on:click=move |_| expanded.update(|e| *e = !*e)>
                        {move || if expanded.get() { "Hide summary" } else { "Show summary" }}</button>
                })}
            </div>
            <dl class="stats" id="trace-summary" data-testid="trace-header" hidden=move || hide_summary || !expanded.get()>
                <div><dt>"Start"</dt><dd>{utc_time(t.start_ns)}</dd></div>
                <div><dt>"Duration"</dt><dd data-testid="trace-duration">{format::duration(t.duration_ns)}</dd></div>
                <div><dt>"Spans"</dt><dd data-testid="trace-spans">{format::thousands(t.spans.len as u64)}</dd></div>
                <div><dt>"Services"</dt><dd data-testid="trace-services">{services}</dd></div>
                <div><dt>"Depth"</dt><dd data-testid="trace-depth">{t.max_depth}</dd></div>
                <div class:bad={t.errors > 0}><dt>"Errors"</dt><dd data-testid="trace-errors">{t.errors}</dd></div>
                <div class:warn={n_warnings > 0}><dt>"Warnings"</dt><dd>
                    <button class="link" data-testid="trace-warnings" disabled={n_warnings == 0}
                        on:click=move |_| show_warnings.update(|s| *s = !*s)>{n_warnings}</button>
                </dd></div>
            </dl>
            <TraceLinks trace=v.trace/>
            <Show when=move || show_warnings.get()>
                <ul class="warning-list" data-testid="warnings-list">
                    {warnings.iter().cloned().map(|w| {
                        let span = w.span;
                        let clickable = span != crate::model::NO_SPAN;
                        let count = (w.count > 1).then(|| view! { <span class="count" data-testid="warning-count">{format!("×{}", w.count)}</span> });
                        let msg = w.message;
                        view! {
                            <li>
                                {if clickable {
                                    view! { <button class="link" on:click=move |_| ui.app.selected.set(Some(span))>{icons::warn()}" "{msg}</button> }.into_any()
                                } else { view! { <span>{icons::warn()}" "{msg}</span> }.into_any() }}
                                " "{count}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </Show>
        })
    };
    view! { <div class="trace-header">{info}</div> }
}
