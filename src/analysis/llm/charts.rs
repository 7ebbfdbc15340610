//! LLM charts: calls / grouped rows and a theme (fg, bg, grid colors) in, SVG text
//! out (plotters' SVG backend). Four charts: cost by model (bars), cumulative cost
//! over time (line), tokens per call (input × output scatter, one color per model),
//! and latency by model (p50 bars with p95 whiskers).
//!
//! Every label is drawn as an SVG `<text>` node whose content plotters XML-escapes,
//! so model names from the trace cannot inject markup. Long labels are shortened
//! with "…". With nothing to draw, a chart says so instead of drawing empty axes.
//! No function panics: a drawing error gives an SVG that states the error.

use plotters::coord::ranged1d::{SegmentValue, SegmentedCoord};
use plotters::coord::types::{RangedCoordf64, RangedCoordi32};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::aggregate::{GroupRow, LatencyRow};
use super::call::{LlmCall, UNKNOWN_MODEL};
use crate::analysis::chart_theme::{ChartTheme, Colors};
use crate::format;

const FONT: &str = "sans-serif";
/// Font sizes as given to plotters (its SVG backend writes them ÷ 1.24: 16 → 12.9 px).
const TITLE_SIZE: f64 = 20.0;
const LABEL_SIZE: f64 = 16.0;
/// Average character width in px of a label at [`LABEL_SIZE`] (for layout guesses).
const LABEL_CHAR_PX: f64 = 7.4;
/// Height of the x axis area (tick labels and the axis description).
const X_LABEL_AREA_PX: u32 = 46;
const MAX_LABEL_CHARS: usize = 28;

/// Shortens a label to `MAX_LABEL_CHARS` characters with "…".
pub fn short_label(s: &str) -> String {
    format::ellipsis(s, MAX_LABEL_CHARS)
}

/// Width in px reserved for the longest of `labels` at [`LABEL_SIZE`].
fn label_width_px(labels: &[String], width_px: u32) -> u32 {
    let chars = labels.iter().map(|l| l.chars().count()).max().unwrap_or(4) as f64;
    ((chars * LABEL_CHAR_PX) as u32 + 16).clamp(40, (width_px * 45 / 100).max(40))
}

/// Estimated width in px of a label at [`LABEL_SIZE`].
fn text_px(s: &str) -> f64 {
    s.chars().count() as f64 * LABEL_CHAR_PX
}

/// Where a bar's value label goes: inside the bar's end when it fits there,
/// otherwise after `outside_from` (the bar or whisker end). `plot_px` is the width
/// of the plotting area, `x_max` the axis maximum.
fn label_inside(bar: f64, label: &str, x_max: f64, plot_px: f64) -> bool {
    if x_max <= 0.0 {
        return false;
    }
    bar / x_max * plot_px >= text_px(label) + 10.0
}

/// Widens `base` (the axis maximum) so that labels drawn after their bar still fit
/// in the plot. `bars` holds (bar end, end after which an outside label starts,
/// label). Bars keep at least a third of their width (`base` × 3 at most).
fn fit_x_max(bars: &[(f64, f64, String)], base: f64, plot_px: f64) -> f64 {
    let mut x_max = base;
    for _ in 0..4 {
        let mut need = x_max;
        for (bar, out_end, label) in bars {
            if !label_inside(*bar, label, x_max, plot_px) {
                let room = plot_px - text_px(label) - 12.0;
                if room > plot_px * 0.2 {
                    need = need.max(out_end * plot_px / room);
                }
            }
        }
        let need = need.min(base * 3.0);
        if need <= x_max {
            break;
        }
        x_max = need;
    }
    x_max
}

type DrawResult = Result<(), String>;

fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// Runs a drawing closure on a fresh SVG buffer; on error, returns an SVG stating it.
fn render(width_px: u32, height_px: u32, c: &Colors, title: &str, f: impl FnOnce(&DrawingArea<SVGBackend, plotters::coord::Shift>) -> DrawResult) -> String {
    let (w, h) = (width_px.clamp(120, 4000), height_px.clamp(80, 4000));
    let mut buf = String::new();
    let result = {
        let root = SVGBackend::with_string(&mut buf, (w, h)).into_drawing_area();
        let r = root.fill(&c.bg).map_err(err).and_then(|_| f(&root));
        let p = root.present().map_err(err);
        r.and(p)
    };
    match result {
        Ok(()) => buf,
        Err(e) => message_svg(w, h, c, title, &format!("could not draw the chart: {e}")),
    }
}

/// A chart-sized SVG with a title and one line of text (escaped by plotters).
fn message_svg(width_px: u32, height_px: u32, c: &Colors, title: &str, text: &str) -> String {
    let (w, h) = (width_px.clamp(120, 4000), height_px.clamp(80, 4000));
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (w, h)).into_drawing_area();
        let _ = root.fill(&c.bg);
        let title_style = TextStyle::from((FONT, TITLE_SIZE).into_font()).color(&c.fg);
        let _ = root.draw(&Text::new(title.to_string(), (10, 10), title_style));
        let body = TextStyle::from((FONT, LABEL_SIZE).into_font()).color(&c.fg);
        let _ = root.draw(&Text::new(text.to_string(), (10, (h / 2) as i32), body));
        let _ = root.present();
    }
    buf
}

/// The coordinates of a horizontal bar chart: x from 0, one segment per row on y.
type BarChart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, SegmentedCoord<RangedCoordi32>>>;

/// Width in px of the plotting area of a chart `width_px` wide with a `label_w` px
/// label area: the chart less its margins and the label area.
fn plot_width_px(width_px: u32, label_w: u32) -> f64 {
    width_px.clamp(120, 4000).saturating_sub(20 + label_w) as f64
}

/// The frame of a horizontal bar chart: a caption, one labelled row per `labels` entry
/// (index 0 at the bottom), an x axis from 0 to `x_max` with `fmt_x` ticks and `x_desc`.
#[allow(clippy::too_many_arguments)]
fn bar_frame<'a, 'b>(
    root: &'a DrawingArea<SVGBackend<'b>, plotters::coord::Shift>,
    c: &Colors,
    title: &str,
    labels: &[String],
    label_w: u32,
    x_max: f64,
    fmt_x: &dyn Fn(&f64) -> String,
    x_desc: &str,
) -> Result<BarChart<'a, 'b>, String> {
    let n = labels.len();
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT, TITLE_SIZE).into_font().color(&c.fg))
        .margin(10)
        .x_label_area_size(X_LABEL_AREA_PX)
        .y_label_area_size(label_w)
        .build_cartesian_2d(0f64..x_max, (0i32..n as i32).into_segmented())
        .map_err(err)?;
    let fmt_y = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
        _ => String::new(),
    };
    chart
        .configure_mesh()
        .disable_y_mesh()
        .bold_line_style(c.grid)
        .light_line_style(c.bg)
        .axis_style(c.grid)
        .y_labels(n)
        .x_labels(5)
        .y_label_formatter(&fmt_y)
        .x_label_formatter(fmt_x)
        .label_style((FONT, LABEL_SIZE).into_font().color(&c.fg))
        .x_desc(x_desc)
        .axis_desc_style((FONT, LABEL_SIZE).into_font().color(&c.fg))
        .draw()
        .map_err(err)?;
    Ok(chart)
}

/// The bar of row `i`, from 0 to `end`, inset `margin_px` from the row's edges.
fn bar_rect(i: usize, end: f64, color: RGBColor, margin_px: u32) -> Rectangle<(f64, SegmentValue<i32>)> {
    let mut r = Rectangle::new([(0.0, SegmentValue::Exact(i as i32)), (end, SegmentValue::Exact(i as i32 + 1))], color.filled());
    r.set_margin(margin_px, margin_px, 0, 0);
    r
}

/// One value label per row: `(bar end, end after which an outside label starts, label)`.
/// The label goes inside the bar's end when it fits there (see [`label_inside`]), else
/// after the outside end; a row without a bar always has its label outside.
fn bar_labels<'c>(rows: Vec<(Option<f64>, f64, String)>, c: &'c Colors, x_max: f64, plot_px: f64) -> Vec<Text<'c, (f64, SegmentValue<i32>), String>> {
    let outside = TextStyle::from((FONT, LABEL_SIZE).into_font()).color(&c.fg).pos(Pos::new(HPos::Left, VPos::Center));
    let inside = TextStyle::from((FONT, LABEL_SIZE).into_font()).color(&c.bg).pos(Pos::new(HPos::Right, VPos::Center));
    rows.into_iter()
        .enumerate()
        .map(|(i, (bar, outside_from, label))| {
            let y = SegmentValue::CenterOf(i as i32);
            match bar {
                Some(end) if label_inside(end, &label, x_max, plot_px) => Text::new(format!("{label} "), (end, y), inside.clone()),
                _ => Text::new(format!(" {label}"), (outside_from, y), outside.clone()),
            }
        })
        .collect()
}

/// Horizontal bars, one per model, of the priced cost (largest at the top).
/// Models with no priced call show "cost unknown" instead of a bar.
pub fn cost_by_model_svg(rows: &[GroupRow], theme: &ChartTheme, width_px: u32, height_px: u32) -> String {
    let c = Colors::of(theme);
    let title = "Cost by model (USD)";
    if rows.is_empty() {
        return message_svg(width_px, height_px, &c, title, "No LLM calls");
    }
    let mut rows: Vec<&GroupRow> = rows.iter().collect();
    rows.sort_by(|a, b| b.totals.cost_usd.total_cmp(&a.totals.cost_usd).then(a.key.cmp(&b.key)));
    let n = rows.len();
    // Index 0 is drawn at the bottom: put the most expensive at the top.
    let labels: Vec<String> = (0..n).map(|i| short_label(&rows[n - 1 - i].key)).collect();
    let values: Vec<(f64, bool)> = (0..n).map(|i| (rows[n - 1 - i].totals.cost_usd, rows[n - 1 - i].totals.priced_calls > 0)).collect();
    let max = values.iter().map(|v| v.0).fold(0.0f64, f64::max);
    let label_w = label_width_px(&labels, width_px);
    let plot_px = plot_width_px(width_px, label_w);
    let x_max = if max > 0.0 {
        let bars: Vec<(f64, f64, String)> = values.iter().filter(|v| v.1).map(|v| (v.0, v.0, format!(" {}", format::usd(v.0)))).collect();
        fit_x_max(&bars, max * 1.15, plot_px)
    } else {
        1e-6
    };
    render(width_px, height_px, &c, title, |root| {
        let fmt_x = |v: &f64| format::usd(*v);
        let mut chart = bar_frame(root, &c, title, &labels, label_w, x_max, &fmt_x, "cost (USD, priced calls)")?;
        let color = c.series(0);
        chart.draw_series(values.iter().enumerate().filter(|(_, v)| v.1).map(|(i, v)| bar_rect(i, v.0, color, 4))).map_err(err)?;
        // Unpriced rows have no bar: "cost unknown" from 0.
        let labels = values
            .iter()
            .map(|&(v, priced)| if priced { (Some(v), v, format::usd(v)) } else { (None, 0.0, "cost unknown".to_string()) })
            .collect();
        chart.draw_series(bar_labels(labels, &c, x_max, plot_px)).map_err(err)?;
        Ok(())
    })
}

/// Cumulative priced cost over time (x: time since the first call, by call start;
/// the axis runs to the end of the last call, priced or not).
pub fn cost_over_time_svg(calls: &[LlmCall], theme: &ChartTheme, width_px: u32, height_px: u32) -> String {
    let c = Colors::of(theme);
    let title = "Cumulative cost over time (USD)";
    let mut priced: Vec<(u64, f64)> = calls.iter().filter_map(|k| k.cost_usd.map(|v| (k.start_ns, v))).collect();
    if priced.is_empty() {
        return message_svg(width_px, height_px, &c, title, "No priced LLM calls");
    }
    priced.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let t0 = calls.iter().map(|k| k.start_ns).min().unwrap_or(priced[0].0);
    let t_end = calls.iter().map(|k| k.start_ns.saturating_add(k.latency_ns)).max().unwrap_or(t0);
    let mut cum = 0.0;
    let points: Vec<(f64, f64)> = priced
        .iter()
        .map(|(t, v)| {
            cum += v;
            (t.saturating_sub(t0) as f64 / 1e9, cum)
        })
        .collect();
    let last_x = points.last().map(|p| p.0).unwrap_or(0.0);
    let x_max = (t_end.saturating_sub(t0) as f64 / 1e9).max(last_x * 1.05).max(1e-3);
    let y_max = if cum > 0.0 { cum * 1.15 } else { 1e-6 };
    render(width_px, height_px, &c, title, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, TITLE_SIZE).into_font().color(&c.fg))
            .margin(10)
            .x_label_area_size(X_LABEL_AREA_PX)
            .y_label_area_size(84)
            .build_cartesian_2d(0f64..x_max, 0f64..y_max)
            .map_err(err)?;
        let fmt_x = |v: &f64| if *v <= 0.0 { "0".to_string() } else { format::duration((v * 1e9) as u64) };
        let fmt_y = |v: &f64| format::usd(*v);
        chart
            .configure_mesh()
            .bold_line_style(c.grid)
            .light_line_style(c.bg)
            .axis_style(c.grid)
            .x_labels(6)
            .y_labels(5)
            .x_label_formatter(&fmt_x)
            .y_label_formatter(&fmt_y)
            .label_style((FONT, LABEL_SIZE).into_font().color(&c.fg))
            .x_desc("time since first call")
            .axis_desc_style((FONT, LABEL_SIZE).into_font().color(&c.fg))
            .draw()
            .map_err(err)?;
        let color = c.series(0);
        // A step line: the total only changes when a call starts.
        let mut step: Vec<(f64, f64)> = Vec::with_capacity(points.len() * 2 + 1);
        let mut prev = 0.0;
        for (x, y) in &points {
            step.push((*x, prev));
            step.push((*x, *y));
            prev = *y;
        }
        step.push((x_max, prev));
        chart.draw_series(LineSeries::new(step, color.stroke_width(2))).map_err(err)?;
        chart.draw_series(points.iter().map(|p| Circle::new(*p, 3, color.filled()))).map_err(err)?;
        Ok(())
    })
}

/// Input × output tokens per call, one color per model, with a legend.
pub fn tokens_scatter_svg(calls: &[LlmCall], theme: &ChartTheme, width_px: u32, height_px: u32) -> String {
    let c = Colors::of(theme);
    let title = "Tokens per call (input × output)";
    if calls.is_empty() {
        return message_svg(width_px, height_px, &c, title, "No LLM calls");
    }
    let mut models: Vec<&str> = calls.iter().map(|k| k.model.as_deref().unwrap_or(UNKNOWN_MODEL)).collect();
    models.sort_unstable();
    models.dedup();
    // Each model's points, in call order: one pass with a binary search per call
    // (not a scan of every call per model).
    let mut points: Vec<Vec<(f64, f64)>> = vec![Vec::new(); models.len()];
    for k in calls {
        if let Ok(i) = models.binary_search(&k.model.as_deref().unwrap_or(UNKNOWN_MODEL)) {
            points[i].push((k.input_tokens as f64, k.output_tokens as f64));
        }
    }
    let x_max = calls.iter().map(|k| k.input_tokens).max().unwrap_or(0).max(1) as f64 * 1.1;
    let y_max = calls.iter().map(|k| k.output_tokens).max().unwrap_or(0).max(1) as f64 * 1.15;
    render(width_px, height_px, &c, title, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, TITLE_SIZE).into_font().color(&c.fg))
            .margin(10)
            .x_label_area_size(X_LABEL_AREA_PX)
            .y_label_area_size(72)
            .build_cartesian_2d(0f64..x_max, 0f64..y_max)
            .map_err(err)?;
        let fmt = |v: &f64| format::thousands(v.max(0.0).round() as u64);
        chart
            .configure_mesh()
            .bold_line_style(c.grid)
            .light_line_style(c.bg)
            .axis_style(c.grid)
            .x_labels(6)
            .y_labels(5)
            .x_label_formatter(&fmt)
            .y_label_formatter(&fmt)
            .label_style((FONT, LABEL_SIZE).into_font().color(&c.fg))
            .x_desc("input tokens")
            .y_desc("output tokens")
            .axis_desc_style((FONT, LABEL_SIZE).into_font().color(&c.fg))
            .draw()
            .map_err(err)?;
        for (i, (m, pts)) in models.iter().zip(points).enumerate() {
            let color = c.series(i);
            chart
                .draw_series(pts.into_iter().map(|p| Circle::new(p, 4, color.filled())))
                .map_err(err)?
                .label(short_label(m))
                .legend(move |(x, y)| Circle::new((x + 6, y), 4, color.filled()));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(c.bg.mix(0.85))
            .border_style(c.grid)
            .label_font((FONT, LABEL_SIZE).into_font().color(&c.fg))
            .draw()
            .map_err(err)?;
        Ok(())
    })
}

/// Latency by model: a p50 bar with a p95 whisker per model (slowest p95 at the top).
pub fn latency_by_model_svg(rows: &[LatencyRow], theme: &ChartTheme, width_px: u32, height_px: u32) -> String {
    let c = Colors::of(theme);
    let title = "Latency by model (bar p50, whisker p95)";
    if rows.is_empty() {
        return message_svg(width_px, height_px, &c, title, "No LLM calls");
    }
    let mut rows: Vec<&LatencyRow> = rows.iter().collect();
    rows.sort_by(|a, b| b.p95_ns.cmp(&a.p95_ns).then(a.model.cmp(&b.model)));
    let n = rows.len();
    let ordered: Vec<&LatencyRow> = (0..n).map(|i| rows[n - 1 - i]).collect();
    let labels: Vec<String> = ordered.iter().map(|r| short_label(&r.model)).collect();
    let max_ms = ordered.iter().map(|r| r.p95_ns.max(r.p50_ns)).max().unwrap_or(0) as f64 / 1e6;
    let label_w = label_width_px(&labels, width_px);
    let plot_px = plot_width_px(width_px, label_w);
    let bar_label = |r: &LatencyRow| format!("p50 {} · p95 {} · n={}", format::duration(r.p50_ns), format::duration(r.p95_ns), r.calls);
    let x_max = if max_ms > 0.0 {
        let bars: Vec<(f64, f64, String)> = ordered
            .iter()
            .map(|r| (r.p50_ns as f64 / 1e6, r.p95_ns.max(r.p50_ns) as f64 / 1e6, format!(" {}", bar_label(r))))
            .collect();
        fit_x_max(&bars, max_ms * 1.15, plot_px)
    } else {
        1.0
    };
    render(width_px, height_px, &c, title, |root| {
        let fmt_x = |v: &f64| if *v <= 0.0 { "0".to_string() } else { format::duration((v * 1e6) as u64) };
        let mut chart = bar_frame(root, &c, title, &labels, label_w, x_max, &fmt_x, "latency")?;
        let bar = c.series(1);
        chart.draw_series(ordered.iter().enumerate().map(|(i, r)| bar_rect(i, r.p50_ns as f64 / 1e6, bar, 6))).map_err(err)?;
        chart
            .draw_series(ordered.iter().enumerate().map(|(i, r)| {
                let y = SegmentValue::CenterOf(i as i32);
                PathElement::new(vec![(r.p50_ns as f64 / 1e6, y.clone()), (r.p95_ns as f64 / 1e6, y)], c.fg.stroke_width(2))
            }))
            .map_err(err)?;
        let labels = ordered.iter().map(|r| (Some(r.p50_ns as f64 / 1e6), r.p95_ns.max(r.p50_ns) as f64 / 1e6, bar_label(r))).collect();
        chart.draw_series(bar_labels(labels, &c, x_max, plot_px)).map_err(err)?;
        Ok(())
    })
}
