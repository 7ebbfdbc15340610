//! One waterfall row: a span and the view-wide inputs ([`RowCtx`]) in, its
//! [`RowData`] (what is drawn, and the key that decides when it is drawn anew) and
//! the row element out.

use leptos::ev;
use leptos::prelude::*;

use crate::format;
use crate::model::{span_flags, WarningKind};
use crate::ui::context::use_ui;
use crate::ui::waterfall::badges::Badges;
use crate::ui::waterfall::state::CritMap;
use crate::ui::waterfall::trace_view::TraceView;
use crate::view_model::{a11y, contrast};
use crate::view_model::waterfall::{self as wf, Collapsed, TimeWindow};


/// Identity of a drawn row: when any of this changes the row is drawn anew.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RowKey {
    span: u32,
    row: usize,
    selected: bool,
    expanded: Option<bool>,
    /// 0 none, 1 match, 2 current match.
    matched: u8,
    window: (u64, u64),
    crit: bool,
    badge: Option<String>,
    /// Lane width, px (badge placement depends on it).
    lane_px: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RowData {
    pub key: RowKey,
    depth: u32,
    name: String,
    service: String,
    color: &'static str,
    bar: wf::Bar,
    duration: String,
    error: bool,
    /// The accessible name: "service, operation, duration, status".
    spoken: String,
    skew: Option<String>,
    /// The clock-skew adjustment moved this span: its warning, with the shift.
    shifted: Option<String>,
    cover: Vec<(f64, f64)>,
    ticks: Vec<f64>,
    crit_segments: Vec<(f64, f64)>,
    child_count: u32,
    badge_place: Option<wf::BadgePlace>,
}

/// Most child intervals shading one bar; beyond this the bar is drawn plain.
const MAX_COVER_CHILDREN: u32 = 4096;

/// What a row needs besides its span: the view-wide inputs of [`row_data`].
pub struct RowCtx<'a> {
    pub win: TimeWindow,
    pub sel: Option<u32>,
    pub collapsed: &'a Collapsed,
    pub matches: &'a [u32],
    pub current: Option<u32>,
    pub crit: Option<&'a CritMap>,
    pub badges: Option<&'a Badges>,
    pub lane_px: f64,
}

pub fn row_data(v: &TraceView, span: u32, row: usize, cx: &RowCtx) -> Option<RowData> {
    let RowCtx { win, sel, collapsed, matches, current, crit, badges, lane_px } = *cx;
    let set = v.set();
    let s = set.spans.get(span as usize)?;
    let bar = wf::bar(s, v.start_ns, win);
    let expanded = (s.child_count > 0).then(|| !collapsed.is_collapsed(span, s.depth));
    let matched = if current == Some(span) {
        2
    } else if matches.binary_search(&span).is_ok() {
        1
    } else {
        0
    };
    // The mark's text: the span's warning of that kind, else a plain line.
    let warning = |kind: WarningKind, fallback: &str| {
        set.traces.get(s.trace as usize)
            .and_then(|t| set.trace_warnings(t).iter().find(|w| w.span == span && w.kind == kind))
            .map_or_else(|| fallback.to_string(), |w| w.message.clone())
    };
    let skew = s.has(span_flags::CLOCK_SKEW).then(|| warning(WarningKind::ClockSkew, "clock skew: this span starts before its parent"));
    let shifted = s
        .has(span_flags::SKEW_ADJUSTED)
        .then(|| warning(WarningKind::SkewAdjusted, "shifted into its parent's window (clock skew adjusted)"));
    let cover = if s.child_count > 0 && s.child_count <= MAX_COVER_CHILDREN { wf::child_cover_segments(set, span, 12) } else { Vec::new() };
    let duration = format::duration(s.duration_ns);
    let badge = badges.and_then(|b| b.get(span));
    let badge_place = badge.as_ref().map(|b| {
        let dur_chars = duration.chars().count() + if s.is_error() { 2 } else { 0 } + if s.has(span_flags::CLOCK_SKEW) { 2 } else { 0 }
            + if s.has(span_flags::SKEW_ADJUSTED) { 2 } else { 0 };
        wf::badge_place(&bar, lane_px, wf::label_px(dur_chars), wf::label_px(b.chars().count()))
    });
    let dur = s.duration_ns.max(1) as f64;
    let crit_segments: Vec<(f64, f64)> = crit
        .and_then(|c| c.get(&span))
        .map(|segs| {
            segs.iter()
                .map(|&(a, b)| (wf::offset_ns(a, s.start_ns) / dur * 100.0, (b.saturating_sub(a)) as f64 / dur * 100.0))
                .collect()
        })
        .unwrap_or_default();
    let (name, service) = (set.name_of(s).to_string(), set.service_of(s).to_string());
    let spoken = a11y::row_name(&service, &name, &duration, s.status);
    Some(RowData {
        key: RowKey {
            span,
            row,
            selected: sel == Some(span),
            expanded,
            matched,
            window: (win.start_ns as u64, win.end_ns as u64),
            crit: !crit_segments.is_empty(),
            badge,
            lane_px: lane_px.round() as u32,
        },
        depth: s.depth,
        name,
        service,
        color: v.color(span),
        bar,
        duration,
        error: s.is_error(),
        spoken,
        skew,
        shifted,
        cover,
        ticks: wf::event_ticks(set, span, 16),
        crit_segments,
        child_count: s.child_count,
        badge_place,
    })
}

/// The id of a span's row element (the tree grid's `aria-activedescendant`).
pub fn row_id(span: u32) -> String {
    format!("wf-row-{span}")
}

/// Indentation in px for a depth (deep chains stop indenting and show the depth).
fn indent_px(depth: u32) -> u32 {
    depth.min(24) * 14
}

#[component]
pub fn Row(r: RowData) -> impl IntoView {
    let ui = use_ui();
    let span = r.key.span;
    let depth = r.depth;
    let expanded = r.key.expanded;
    let on_toggle = move |ev: ev::MouseEvent| {
        ev.stop_propagation();
        if let Some(e) = expanded {
            ui.wf.collapsed.update(|c| c.set(span, depth, e));
        }
    };
    let on_click = move |_| {
        ui.app.selected.set(Some(span));
        ui.wf.detail_open.set(true);
    };
    let mut class = String::from("wf-row");
    if r.key.selected {
        class.push_str(" selected");
    }
    match r.key.matched {
        1 => class.push_str(" match"),
        2 => class.push_str(" match current"),
        _ => {}
    }
    if r.error {
        class.push_str(" error");
    }
    if r.key.crit {
        class.push_str(" crit");
    }
    let bar_style = format!("left:{:.4}%;width:{:.4}%;--svc:{}", r.bar.left_pct, r.bar.width_pct, r.color);
    // A label inside the bar sits on the bar's colour, in black or white by contrast.
    let label_style = if r.bar.label_inside {
        let right = (100.0 - r.bar.left_pct - r.bar.width_pct).max(0.0);
        format!("right:{right:.4}%;background:{};color:{}", r.color, contrast::text_on(r.color))
    } else if r.bar.label_left {
        format!("right:{:.4}%", (100.0 - r.bar.left_pct).max(0.0))
    } else {
        format!("left:{:.4}%", (r.bar.left_pct + r.bar.width_pct).min(100.0))
    };
    let deep = (depth > 24).then(|| view! { <span class="deep" title="depth">{format!("{depth}")}</span> });
    let toggle = match expanded {
        Some(e) => view! {
            <button class="tog" data-testid="toggle" tabindex="-1"
                aria-label=if e { "Collapse" } else { "Expand" }
                on:click=on_toggle>{if e { "▾" } else { "▸" }}</button>
        }
        .into_any(),
        None => view! { <span class="tog-spacer"></span> }.into_any(),
    };
    let title = format!("{} · {}", r.service, r.name);
    let cover = r
        .cover
        .iter()
        .map(|(l, w)| view! { <span class="cover" style=format!("left:{l:.3}%;width:{w:.3}%")></span> })
        .collect_view();
    let ticks = r.ticks.iter().map(|t| view! { <span class="evt" style=format!("left:{t:.3}%")></span> }).collect_view();
    let crit = r
        .crit_segments
        .iter()
        .map(|(l, w)| view! { <span class="critseg" style=format!("left:{l:.3}%;width:{w:.3}%")></span> })
        .collect_view();
    let marks = format!(
        "{}{}",
        if r.error { "! " } else { "" },
        r.duration
    );
    let skew = r.skew.map(|m| view! { <span class="skew" title=m.clone() aria-label=m>{crate::ui::icons::warn()}</span> });
    let shifted = r.shifted.map(|m| {
        view! { <span class="skew-adjusted" data-testid="skew-adjusted" title=m.clone() aria-label=m>{crate::ui::icons::shift()}</span> }
    });
    // The LLM badge: in the label group (before or after the duration) or inside the bar's right end.
    let badge_el = |text: &str, place: wf::BadgePlace, extra: &str| {
        let style = format!("max-width:{:.0}px{extra}", place.max_px);
        let shown = wf::fit_badge_text(text, place.max_px);
        view! { <span class="llm-badge" data-testid="llm-badge" title=format!("LLM call: {text}") data-full=text.to_string() style=style>{shown}</span> }
    };
    let (mut badge_before, mut badge_after, mut badge_inside) = (None, None, None);
    if let (Some(text), Some(place)) = (r.key.badge.as_deref(), r.badge_place) {
        match place.slot {
            wf::BadgeSlot::BeforeLabel => badge_before = Some(badge_el(text, place, "")),
            wf::BadgeSlot::AfterLabel => badge_after = Some(badge_el(text, place, "")),
            wf::BadgeSlot::InsideEnd => {
                let right = (100.0 - r.bar.left_pct - r.bar.width_pct).max(0.0);
                badge_inside = Some(badge_el(text, place, &format!(";position:absolute;top:5px;right:calc({right:.4}% + 3px)")));
            }
        }
    }
    view! {
        <div role="row" class=class data-testid="span-row" data-span=span id=row_id(span) aria-label=r.spoken
            aria-expanded={expanded.map(|e| e.to_string())}
            aria-selected=if r.key.selected { "true" } else { "false" } aria-rowindex={r.key.row + 1}
            on:click=on_click>
            <div role="gridcell" class="wf-name" style=format!("padding-left:{}px", indent_px(depth) + 4) title=title>
                {toggle}
                {deep}
                <span class="svc-dot" aria-hidden="true" style=format!("background:{}", r.color)></span>
                <span class="svc">{r.service}</span>
                <span class="op">{r.name}</span>
            </div>
            <div role="gridcell" class="wf-lane">
                <div class="bar" class:offscreen=r.bar.off_screen style=bar_style>{cover}{crit}{ticks}</div>
                <span class="dur" class:left=r.bar.label_left class:inside=r.bar.label_inside style=label_style>{badge_before}{skew}{shifted}<span class="d">{marks}</span>{badge_after}</span>
                {badge_inside}
            </div>
        </div>
    }
    // tachys has no typed `aria-level`; add it as a custom attribute.
    .attr("aria-level", (depth + 1).to_string())
}
