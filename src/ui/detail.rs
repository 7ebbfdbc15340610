//! The span detail panel: the selected span in, its fields, attributes (span /
//! resource / scope, with copy), events, links, warnings and its raw JSON
//! ([`crate::ui::raw_json`]) out — all as text nodes.

use leptos::prelude::*;

use crate::analysis::stats;
use crate::format;
use crate::model::{span_flags, Attr, LinkKind, TraceSet, NO_SPAN};
use crate::ui::context::use_ui;
use crate::ui::focus;
use crate::ui::links::SpanLinks;
use crate::ui::llm::span_section::LlmSpanSection;
use crate::ui::raw_json::{RawJson, RawState};
use crate::ui::util::copy_text;

/// Attributes as (key, value text) pairs.
fn attr_pairs(set: &TraceSet, attrs: &[Attr]) -> Vec<(String, String)> {
    attrs.iter().map(|a| (set.str(a.key).to_string(), set.value_text(a.value))).collect()
}

fn attrs_json(set: &TraceSet, attrs: &[Attr]) -> String {
    let mut m = serde_json::Map::new();
    for a in attrs {
        m.insert(set.str(a.key).to_string(), set.value_json(a.value));
    }
    serde_json::to_string_pretty(&serde_json::Value::Object(m)).unwrap_or_default()
}

#[component]
fn AttrTable(title: String, pairs: Vec<(String, String)>, json: String, testid: &'static str) -> impl IntoView {
    let n = pairs.len();
    let rows = pairs
        .into_iter()
        .map(|(k, v)| {
            let copy = format!("{k}={v}");
            let copy_name = k.clone();
            view! {
                <tr>
                    <th scope="row" class="k">{k}</th>
                    <td class="v">{v}</td>
                    <td class="c"><button class="copy" title="Copy key=value" aria-label=format!("Copy {copy_name}") on:click=move |_| copy_text(&copy)>{crate::ui::icons::copy()}</button></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="attrs" data-testid=testid>
            <h4>{title}" "<span class="n">{format!("({n})")}</span>
                {(n > 0).then(|| view! { <button class="copy-all" title="Copy all as JSON" on:click=move |_| copy_text(&json)>"copy JSON"</button> })}
            </h4>
            {if n == 0 { view! { <p class="none">"none"</p> }.into_any() } else { view! { <table>{rows}</table> }.into_any() }}
        </section>
    }
}

/// The detail panel for the selected span.
#[component]
pub fn DetailPanel() -> impl IntoView {
    let ui = use_ui();
    let raw_state = RawState::default();
    let body = move || {
        let span = ui.app.selected.get()?;
        let loaded = ui.app.loaded.get()?;
        let set = &loaded.set;
        let s = *set.spans.get(span as usize)?;
        let t = *set.traces.get(s.trace as usize)?;
        let color = ui.derived.view.with(|v| v.as_ref().map(|v| v.color(span))).unwrap_or("#888");
        let name = set.name_of(&s).to_string();
        let service = set.service_of(&s).to_string();
        let self_ns = stats::self_time(set, span);
        let status = if s.status_message.is_empty() {
            s.status.as_str().to_string()
        } else {
            format!("{}: {}", s.status.as_str(), set.str(s.status_message))
        };
        let parent_text = match (s.parent, s.parent_id) {
            (p, _) if p != NO_SPAN => set.spans.get(p as usize).map(|ps| format!("{} ({})", set.name_of(ps), ps.span_id.to_text(&set.strings))),
            (_, Some(pid)) => Some(format!("{} (not in this trace)", pid.to_text(&set.strings))),
            _ => None,
        };
        let parent_idx = s.parent;
        let mut fields: Vec<(&'static str, String)> = vec![
            ("Service", service.clone()),
            ("Kind", s.kind.as_str().to_string()),
            ("Status", status),
            ("Start", format!("+{}", format::duration(s.start_ns.saturating_sub(t.start_ns)))),
            ("Duration", format::duration(s.duration_ns)),
            ("Self time", format::duration(self_ns)),
            ("Depth", s.depth.to_string()),
            ("Children", s.child_count.to_string()),
            ("Span ID", s.span_id.to_text(&set.strings)),
            ("Trace ID", t.trace_id.to_text(&set.strings)),
        ];
        if s.start_ns < t.start_ns {
            fields[3].1 = format!("-{}", format::duration(t.start_ns - s.start_ns));
        }
        let shift_ns = set.skew.shift_of(span);
        if shift_ns != 0 {
            fields[3].1.push_str(&format!(" (shifted {} for clock skew)", crate::analysis::skew::shift_text(shift_ns)));
        }
        let field_rows = fields
            .into_iter()
            .map(|(k, v)| view! { <tr><th scope="row">{k}</th><td data-testid=format!("detail-{}", k.to_lowercase().replace(' ', "-"))>{v}</td></tr> })
            .collect_view();
        let parent_row = parent_text.map(|p| {
            view! {
                <tr><th scope="row">"Parent"</th><td>
                    {if parent_idx != NO_SPAN {
                        view! { <button class="link" on:click=move |_| ui.app.selected.set(Some(parent_idx))>{p}</button> }.into_any()
                    } else { view! { <span>{p}</span> }.into_any() }}
                </td></tr>
            }
        });

        let span_attrs = &set.attrs[s.attrs.range()];
        let res = set.resources.get(s.resource as usize).copied();
        let res_attrs: &[Attr] = res.map(|r| &set.attrs[r.attrs.range()]).unwrap_or(&[]);
        let scope = set.scopes.get(s.scope as usize).copied();
        let scope_attrs: &[Attr] = scope.map(|sc| &set.attrs[sc.attrs.range()]).unwrap_or(&[]);
        let scope_title = match scope {
            Some(sc) if !sc.name.is_empty() => {
                if sc.version.is_empty() {
                    format!("Scope · {}", set.str(sc.name))
                } else {
                    format!("Scope · {} {}", set.str(sc.name), set.str(sc.version))
                }
            }
            _ => "Scope".to_string(),
        };

        let events = set.events[s.events.range()]
            .iter()
            .map(|e| {
                let off = if e.time_ns >= s.start_ns {
                    format!("+{}", format::duration(e.time_ns - s.start_ns))
                } else {
                    format!("-{}", format::duration(s.start_ns - e.time_ns))
                };
                let attrs = attr_pairs(set, &set.attrs[e.attrs.range()]);
                view! {
                    <li>
                        <span class="ev-time">{off}</span>" "<span class="ev-name">{set.str(e.name).to_string()}</span>
                        {(!attrs.is_empty()).then(|| view! {
                            <dl>{attrs.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}</dl>
                        })}
                    </li>
                }
            })
            .collect_view();
        let n_events = s.events.len;

        let links = set.links[s.links.range()]
            .iter()
            .map(|l| {
                let tid = l.trace_id.to_text(&set.strings);
                let sid = l.span_id.to_text(&set.strings);
                let kind = match l.kind {
                    LinkKind::Link => "link",
                    LinkKind::FollowsFrom => "follows from",
                    LinkKind::ChildOf => "child of",
                };
                let target = set.find_trace(&l.trace_id).and_then(|ti| set.find_span(ti, &l.span_id));
                let trace_loaded = set.find_trace(&l.trace_id).is_some();
                let action = match target {
                    Some(idx) => view! {
                        <button class="link" data-testid="link-jump" on:click=move |_| ui.app.jump_to_span(idx)>"Go to span"</button>
                    }
                    .into_any(),
                    None if trace_loaded => view! { <span class="muted" data-testid="link-missing">"span not in the loaded trace"</span> }.into_any(),
                    None => match crate::ui::backend::use_backend().and_then(|b| b.conn.get_untracked()) {
                        // Not loaded, but a backend is connected: fetch it, add it, and go to the span.
                        Some(c) => {
                            let (label, tid, sid) = (format!("Fetch from {}", c.kind.label()), tid.clone(), sid.clone());
                            view! {
                                <button class="link" data-testid="link-fetch" on:click=move |_| {
                                    crate::ui::app::session::aim_at(&tid, &sid);
                                    crate::ui::backend::open_trace(ui, c.clone(), tid.clone(), true);
                                }>{label}</button>
                            }
                            .into_any()
                        }
                        None => view! { <span class="muted" data-testid="link-missing">"trace not loaded"</span> }.into_any(),
                    },
                };
                view! {
                    <li>
                        <span class="kind">{kind}</span>" "
                        <code>{format!("{tid} / {sid}")}</code>" "
                        {action}
                    </li>
                }
            })
            .collect_view();
        let n_links = s.links.len;

        let mut warnings: Vec<String> = set.trace_warnings(&t).iter().filter(|w| w.span == span).map(|w| w.message.clone()).collect();
        if warnings.is_empty() && s.has(span_flags::CLOCK_SKEW) {
            warnings.push("clock skew: this span starts before its parent".into());
        }
        // A span of a moved subtree: its own warning is on the span that moved.
        let shift_ns = set.skew.shift_of(span);
        if shift_ns != 0 && !s.has(span_flags::SKEW_ADJUSTED) {
            warnings.push(format!(
                "shifted {} with its ancestor's subtree (clock skew adjusted)",
                crate::analysis::skew::shift_text(shift_ns)
            ));
        }
        let warn_view = (!warnings.is_empty()).then(|| {
            view! {
                <section class="warnings" data-testid="detail-warnings">
                    <h4>"Warnings"</h4>
                    <ul>{warnings.into_iter().map(|w| view! { <li>{crate::ui::icons::warn()}" "{w}</li> }).collect_view()}</ul>
                </section>
            }
        });
        let llm = view! { <LlmSpanSection span=span/> };

        Some(view! {
            <div class="detail-head">
                <span class="svc-dot big" aria-hidden="true" style=format!("background:{color}")></span>
                <h2 data-testid="detail-name" class:error=s.is_error()>{name}</h2>
                <button class="close" data-testid="detail-close" title="Close (Esc)" aria-label="Close details"
                    on:click=move |_| {
                        ui.wf.detail_open.set(false);
                        focus::focus_by_id("wf-rows");
                    }>{crate::ui::icons::close()}</button>
            </div>
            <table class="fields">{field_rows}{parent_row}</table>
            {warn_view}
            {llm}
            <SpanLinks span=span/>
            <AttrTable title="Span attributes".into() pairs=attr_pairs(set, span_attrs) json=attrs_json(set, span_attrs) testid="attrs-span"/>
            <AttrTable title="Resource".into() pairs=attr_pairs(set, res_attrs) json=attrs_json(set, res_attrs) testid="attrs-resource"/>
            <AttrTable title=scope_title pairs=attr_pairs(set, scope_attrs) json=attrs_json(set, scope_attrs) testid="attrs-scope"/>
            <section class="events" data-testid="detail-events">
                <h4>"Events "<span class="n">{format!("({n_events})")}</span></h4>
                {if n_events == 0 { view! { <p class="none">"none"</p> }.into_any() } else { view! { <ul>{events}</ul> }.into_any() }}
            </section>
            <section class="links" data-testid="detail-links">
                <h4>"Links "<span class="n">{format!("({n_links})")}</span></h4>
                {if n_links == 0 { view! { <p class="none">"none"</p> }.into_any() } else { view! { <ul>{links}</ul> }.into_any() }}
            </section>
            <RawJson span=span state=raw_state/>
        })
    };
    view! {
        <aside class="detail" data-testid="detail" aria-label="Span details">
            {body}
        </aside>
    }
}
