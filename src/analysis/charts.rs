//! Charts as SVG text (plotters, SVG backend): a [`TraceSet`] and a [`ChartTheme`] in,
//! a labelled, themed `<svg>` string out.
//!
//! * [`latency_histogram_svg`]: how the durations of one operation (service + span
//!   name) spread across all loaded traces.
//! * [`self_time_by_service_svg`]: a horizontal bar chart of summed self time per
//!   service (one trace or all traces).
//!
//! Every label goes through plotters' SVG backend, which XML-escapes text, so
//! service and span names cannot inject markup. Pure: no browser APIs are called
//! here except what plotters itself uses to measure text in wasm.

use plotters::prelude::*;

use super::chart_theme::{ChartTheme, Colors};
use super::stats::{self, GroupBy, Scope};
use crate::format::ellipsis;
use crate::model::TraceSet;

/// A minimal SVG with a message, for empty data or a drawing error.
fn message_svg(msg: &str, c: &Colors, width_px: u32, height_px: u32) -> String {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (width_px.max(50), height_px.max(30))).into_drawing_area();
        let _ = root.fill(&c.bg);
        let style = ("sans-serif", 14).into_font().color(&c.fg);
        let _ = root.draw(&Text::new(msg.to_string(), (10, (height_px.max(30) / 2) as i32), style));
        let _ = root.present();
    }
    buf
}

/// Milliseconds with a sensible number of decimals for axis labels.
fn ms_label(ms: f64) -> String {
    if ms == 0.0 {
        "0".to_string()
    } else if ms >= 100.0 {
        format!("{ms:.0}")
    } else if ms >= 10.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.2}")
    }
}

/// Latency histogram of one operation (`service` + span `name`) over every loaded
/// trace: `bins` equal-width buckets from the fastest to the slowest span, in ms.
pub fn latency_histogram_svg(
    set: &TraceSet,
    service: &str,
    name: &str,
    theme: &ChartTheme,
    width_px: u32,
    height_px: u32,
    bins: usize,
) -> String {
    let c = Colors::of(theme);
    let durs: Vec<u64> = set
        .spans
        .iter()
        .filter(|s| set.name_of(s) == name && set.service_of(s) == service)
        .map(|s| s.duration_ns)
        .collect();
    let title = format!(
        "Latency of {} / {} ({} span{})",
        ellipsis(service, 40),
        ellipsis(name, 60),
        durs.len(),
        if durs.len() == 1 { "" } else { "s" }
    );
    if durs.is_empty() {
        return message_svg(&format!("{title}: no spans"), &c, width_px, height_px);
    }
    // Few spans get few buckets (about 2·√n, at least 5).
    let bins = bins.clamp(2, 200).min((((durs.len() as f64).sqrt() * 2.0).ceil() as usize).max(5));
    let mut lo = durs.iter().copied().min().unwrap_or(0);
    let mut hi = durs.iter().copied().max().unwrap_or(0);
    // A range too narrow to read (all spans alike) is widened around the value.
    let min_span = (hi / 10).max(1_000);
    if hi - lo < min_span {
        let pad = (min_span - (hi - lo)) / 2;
        lo = lo.saturating_sub(pad);
        hi = lo + min_span;
    }
    let width_ns = ((hi - lo) / bins as u64).max(1) + u64::from((hi - lo) % bins as u64 != 0);
    let mut counts = vec![0u32; bins];
    for d in &durs {
        let b = (((d - lo) / width_ns) as usize).min(bins - 1);
        counts[b] += 1;
    }
    let max_count = counts.iter().copied().max().unwrap_or(1).max(1);
    let bin_ms = |b: usize| (lo as f64 + (b as u64 * width_ns) as f64) / 1e6;
    let mut buf = String::new();
    let drawn = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
        let root = SVGBackend::with_string(&mut buf, (width_px.max(200), height_px.max(150))).into_drawing_area();
        root.fill(&c.bg)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(&title, ("sans-serif", 16).into_font().color(&c.fg))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(48)
            .build_cartesian_2d((0u32..bins as u32 - 1).into_segmented(), 0u32..(max_count + max_count / 10 + 1))?;
        // Labels sit at bucket centres and show the centre value.
        let half_ms = width_ns as f64 / 2e6;
        let fmt_x = |v: &SegmentValue<u32>| match v {
            SegmentValue::Exact(b) | SegmentValue::CenterOf(b) => ms_label(bin_ms(*b as usize) + half_ms),
            SegmentValue::Last => String::new(),
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .bold_line_style(c.grid)
            .light_line_style(c.grid.mix(0.4))
            .axis_style(c.fg)
            .label_style(("sans-serif", 12).into_font().color(&c.fg))
            .axis_desc_style(("sans-serif", 13).into_font().color(&c.fg))
            .x_labels(bins.min(10))
            .x_label_formatter(&fmt_x)
            .x_desc("duration (ms)")
            .y_desc("spans")
            .draw()?;
        let bar = c.series(0);
        chart.draw_series(
            Histogram::vertical(&chart)
                .style(bar.filled())
                .margin(1)
                .data(counts.iter().enumerate().map(|(b, &n)| (b as u32, n))),
        )?;
        root.present()?;
        Ok(())
    })();
    if drawn.is_err() {
        return message_svg(&format!("{title}: could not draw"), &c, width_px, height_px);
    }
    buf
}

/// Horizontal bars of summed self time per service over a scope, largest first;
/// at most `max_bars` services (the rest are summed into "other").
pub fn self_time_by_service_svg(set: &TraceSet, scope: Scope, theme: &ChartTheme, width_px: u32, max_bars: usize) -> String {
    let c = Colors::of(theme);
    let mut rows = stats::stats(set, scope, GroupBy::Service);
    stats::sort_rows(&mut rows, stats::StatColumn::SelfSum, stats::SortDir::Desc);
    let max_bars = max_bars.max(1);
    let mut bars: Vec<(String, f64)> =
        rows.iter().take(max_bars).map(|r| (ellipsis(&r.service, 28), r.self_time.sum_ns as f64 / 1e6)).collect();
    if rows.len() > max_bars {
        let rest: u64 = rows[max_bars..].iter().map(|r| r.self_time.sum_ns).sum();
        bars.push((format!("other ({} services)", rows.len() - max_bars), rest as f64 / 1e6));
    }
    let title = "Self time by service (ms)";
    let height_px = (90 + 26 * bars.len() as u32).max(150);
    if bars.is_empty() {
        return message_svg("Self time by service: no spans", &c, width_px, height_px);
    }
    let max_ms = bars.iter().map(|b| b.1).fold(0.0f64, f64::max).max(0.001);
    let label_px = bars.iter().map(|b| b.0.chars().count()).max().unwrap_or(8) as u32 * 7 + 16;
    let n = bars.len();
    let mut buf = String::new();
    let drawn = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
        let root = SVGBackend::with_string(&mut buf, (width_px.max(300), height_px)).into_drawing_area();
        root.fill(&c.bg)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 16).into_font().color(&c.fg))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(label_px.min(width_px / 2))
            .build_cartesian_2d(0f64..max_ms * 1.08, (0u32..(n as u32).saturating_sub(1).max(1)).into_segmented())?;
        let names: Vec<String> = bars.iter().map(|b| b.0.clone()).collect();
        let fmt_y = |v: &SegmentValue<u32>| match v {
            SegmentValue::CenterOf(i) => names.get(*i as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        };
        let fmt_x = |v: &f64| ms_label(*v);
        chart
            .configure_mesh()
            .disable_y_mesh()
            .bold_line_style(c.grid)
            .light_line_style(c.grid.mix(0.4))
            .axis_style(c.fg)
            .label_style(("sans-serif", 12).into_font().color(&c.fg))
            .axis_desc_style(("sans-serif", 13).into_font().color(&c.fg))
            .y_labels(n)
            .y_label_formatter(&fmt_y)
            .x_label_formatter(&fmt_x)
            .x_desc("self time (ms)")
            .draw()?;
        chart.draw_series(
            Histogram::horizontal(&chart)
                .style_func(|v, _| {
                    let i = match v {
                        SegmentValue::Exact(i) | SegmentValue::CenterOf(i) => *i as usize,
                        SegmentValue::Last => 0,
                    };
                    c.series(i).filled()
                })
                .margin(4)
                .data(bars.iter().enumerate().map(|(i, b)| (i as u32, b.1))),
        )?;
        root.present()?;
        Ok(())
    })();
    if drawn.is_err() {
        return message_svg("Self time by service: could not draw", &c, width_px, height_px);
    }
    buf
}
