//! The duration scatter of the trace list: one point per trace (start time across,
//! duration up) in; the plot's scale, its axes as SVG (plotters), the points as a few
//! `<path>` strings (one per colour and size class, never one element per point), and
//! hit-testing of a pointer position or a brushed rectangle out. The duration axis is
//! logarithmic when the durations spread over more than 30×.

use plotters::prelude::*;

use crate::analysis::chart_theme::{ChartTheme, Colors};
use crate::format;

/// Space around the plot, px: left (duration labels), right, top, bottom (time labels).
pub const PLOT_LEFT_PX: f64 = 78.0;
pub const PLOT_RIGHT_PX: f64 = 14.0;
pub const PLOT_TOP_PX: f64 = 10.0;
pub const PLOT_BOTTOM_PX: f64 = 40.0;
/// Point radius per size class (span count ≤ 10, ≤ 100, more).
pub const RADIUS_PX: [f64; 3] = [2.5, 3.5, 5.0];

/// One trace on the plot.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScatterPoint {
    /// What the point stands for (a row of the list).
    pub id: u32,
    pub start_ns: u64,
    pub duration_ns: u64,
    pub error: bool,
    pub spans: u32,
}

/// The size class of a trace with `spans` spans.
pub fn size_class(spans: u32) -> usize {
    match spans {
        0..=10 => 0,
        11..=100 => 1,
        _ => 2,
    }
}

/// How data maps to pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScatterScale {
    pub width_px: f64,
    pub height_px: f64,
    pub t0_ns: u64,
    pub t1_ns: u64,
    pub d_lo_ns: f64,
    pub d_hi_ns: f64,
    pub log_y: bool,
}

impl ScatterScale {
    /// A scale that fits every point, with a little room at the ends.
    pub fn fit(points: &[ScatterPoint], width_px: f64, height_px: f64) -> ScatterScale {
        let t0 = points.iter().map(|p| p.start_ns).min().unwrap_or(0);
        let t1 = points.iter().map(|p| p.start_ns).max().unwrap_or(0);
        let pad_t = ((t1 - t0) / 50).max(1_000_000);
        let lo = points.iter().map(|p| p.duration_ns).min().unwrap_or(0).max(1) as f64;
        let hi = points.iter().map(|p| p.duration_ns).max().unwrap_or(0).max(1) as f64;
        let log_y = hi / lo > 30.0;
        let (d_lo, d_hi) = if log_y { (lo / 1.3, hi * 1.3) } else { (0.0, (hi * 1.08).max(lo + 1.0)) };
        ScatterScale {
            width_px: width_px.max(PLOT_LEFT_PX + PLOT_RIGHT_PX + 50.0),
            height_px: height_px.max(PLOT_TOP_PX + PLOT_BOTTOM_PX + 40.0),
            t0_ns: t0.saturating_sub(pad_t),
            t1_ns: t1.saturating_add(pad_t),
            d_lo_ns: d_lo,
            d_hi_ns: d_hi,
            log_y,
        }
    }
    fn plot_w(&self) -> f64 {
        self.width_px - PLOT_LEFT_PX - PLOT_RIGHT_PX
    }
    fn plot_h(&self) -> f64 {
        self.height_px - PLOT_TOP_PX - PLOT_BOTTOM_PX
    }
    fn y_frac(&self, d: f64) -> f64 {
        if self.log_y {
            let (lo, hi) = (self.d_lo_ns.max(1.0).ln(), self.d_hi_ns.max(2.0).ln());
            (d.max(1.0).ln() - lo) / (hi - lo).max(1e-9)
        } else {
            (d - self.d_lo_ns) / (self.d_hi_ns - self.d_lo_ns).max(1.0)
        }
    }
    pub fn x_px(&self, start_ns: u64) -> f64 {
        let span = (self.t1_ns - self.t0_ns).max(1) as f64;
        PLOT_LEFT_PX + (start_ns.saturating_sub(self.t0_ns) as f64 / span) * self.plot_w()
    }
    pub fn y_px(&self, duration_ns: u64) -> f64 {
        PLOT_TOP_PX + (1.0 - self.y_frac(duration_ns as f64)) * self.plot_h()
    }
    /// Whether a pixel is inside the plot.
    pub fn in_plot(&self, x_px: f64, y_px: f64) -> bool {
        (PLOT_LEFT_PX..=self.width_px - PLOT_RIGHT_PX).contains(&x_px) && (PLOT_TOP_PX..=self.height_px - PLOT_BOTTOM_PX).contains(&y_px)
    }
}

/// One `<path>`: every point of one colour (error or not) and size class.
#[derive(Clone, Debug, PartialEq)]
pub struct ScatterPath {
    pub error: bool,
    pub size: usize,
    pub points: usize,
    /// The `d` attribute: a circle per point.
    pub d: String,
}

/// The points as at most six paths (ok/error × three sizes), errors last so they sit on top.
pub fn paths(scale: &ScatterScale, points: &[ScatterPoint]) -> Vec<ScatterPath> {
    let mut out: Vec<ScatterPath> = Vec::new();
    for error in [false, true] {
        for (size, &r) in RADIUS_PX.iter().enumerate() {
            // The circle after its move is the same for every point of the class.
            let circle = format!("a{r} {r} 0 1 0 {} 0a{r} {r} 0 1 0 -{} 0", 2.0 * r, 2.0 * r);
            let mut d = String::new();
            let mut n = 0;
            for p in points.iter().filter(|p| p.error == error && size_class(p.spans) == size) {
                let (x, y) = (scale.x_px(p.start_ns), scale.y_px(p.duration_ns));
                d.push('M');
                push_tenths(&mut d, x - r);
                d.push(' ');
                push_tenths(&mut d, y);
                d.push_str(&circle);
                n += 1;
            }
            if n > 0 {
                out.push(ScatterPath { error, size, points: n, d });
            }
        }
    }
    out
}

/// Writes `v` to a tenth of a pixel, with integer formatting (a float's `{:.1}` is
/// several times slower, and 10,000 points write 20,000 of them).
fn push_tenths(d: &mut String, v: f64) {
    use std::fmt::Write as _;
    let tenths = (v * 10.0).round() as i64;
    if tenths < 0 {
        d.push('-');
    }
    let a = tenths.unsigned_abs();
    let _ = write!(d, "{}.{}", a / 10, a % 10);
}

/// The point nearest to a pixel, within `max_px` of its edge; the later point wins a tie
/// (it is drawn on top).
pub fn hit(scale: &ScatterScale, points: &[ScatterPoint], x_px: f64, y_px: f64, max_px: f64) -> Option<u32> {
    let mut best: Option<(f64, u32)> = None;
    for p in points {
        let (dx, dy) = (scale.x_px(p.start_ns) - x_px, scale.y_px(p.duration_ns) - y_px);
        let d = (dx * dx + dy * dy).sqrt() - RADIUS_PX[size_class(p.spans)];
        if d <= max_px && best.is_none_or(|(b, _)| d <= b) {
            best = Some((d, p.id));
        }
    }
    best.map(|(_, id)| id)
}

/// A rectangle in pixels, corners in any order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Brush {
    pub x0_px: f64,
    pub y0_px: f64,
    pub x1_px: f64,
    pub y1_px: f64,
}

impl Brush {
    /// (left, top, width, height).
    pub fn rect(&self) -> (f64, f64, f64, f64) {
        let (l, t) = (self.x0_px.min(self.x1_px), self.y0_px.min(self.y1_px));
        (l, t, (self.x1_px - self.x0_px).abs(), (self.y1_px - self.y0_px).abs())
    }
    /// Too small to be a brush (a click).
    pub fn is_click(&self) -> bool {
        let (_, _, w, h) = self.rect();
        w < 4.0 && h < 4.0
    }
}

/// The ids of the points whose centre is inside the brush, in the order given.
pub fn brushed(scale: &ScatterScale, points: &[ScatterPoint], brush: &Brush) -> Vec<u32> {
    let (l, t, w, h) = brush.rect();
    points
        .iter()
        .filter(|p| {
            let (x, y) = (scale.x_px(p.start_ns), scale.y_px(p.duration_ns));
            x >= l && x <= l + w && y >= t && y <= t + h
        })
        .map(|p| p.id)
        .collect()
}

/// The axes, grid and labels as an `<svg>` of the scale's size, transparent behind the
/// plot, with the same plot area the points use.
pub fn axes_svg(scale: &ScatterScale, theme: &ChartTheme) -> String {
    let c = Colors::of(theme);
    let (w, h) = (scale.width_px as u32, scale.height_px as u32);
    let mut buf = String::new();
    let t0 = scale.t0_ns;
    let fmt_x = |v: &f64| format::utc_hms(t0.saturating_add(*v as u64));
    let fmt_y = |v: &f64| format::duration(*v as u64);
    let x_range = 0f64..(scale.t1_ns - scale.t0_ns).max(1) as f64;
    let failed = {
        let root = SVGBackend::with_string(&mut buf, (w, h)).into_drawing_area();
        let drawn = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
            let builder = |root| {
                let mut b = ChartBuilder::on(root);
                b.margin_top(PLOT_TOP_PX as u32)
                    .margin_right(PLOT_RIGHT_PX as u32)
                    .x_label_area_size(PLOT_BOTTOM_PX as u32)
                    .y_label_area_size(PLOT_LEFT_PX as u32);
                b
            };
            // The same mesh on either kind of duration axis.
            macro_rules! mesh {
                ($y:expr) => {{
                    let mut chart = builder(&root).build_cartesian_2d(x_range.clone(), $y)?;
                    chart
                        .configure_mesh()
                        .bold_line_style(c.grid.mix(0.6))
                        .light_line_style(c.grid.mix(0.0))
                        .axis_style(c.fg)
                        .label_style(("sans-serif", 12).into_font().color(&c.fg))
                        .axis_desc_style(("sans-serif", 12).into_font().color(&c.fg))
                        .x_labels(8)
                        .y_labels(6)
                        .x_desc("start (UTC)")
                        .x_label_formatter(&fmt_x)
                        .y_label_formatter(&fmt_y)
                        .draw()?;
                }};
            }
            if scale.log_y {
                mesh!((scale.d_lo_ns..scale.d_hi_ns).log_scale());
            } else {
                mesh!(scale.d_lo_ns..scale.d_hi_ns);
            }
            root.present()?;
            Ok(())
        })();
        drawn.is_err()
    };
    if failed { String::new() } else { buf }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pt(id: u32, start_ms: u64, dur_ms: u64, error: bool, spans: u32) -> ScatterPoint {
        ScatterPoint { id, start_ns: 1_700_000_000_000_000_000 + start_ms * 1_000_000, duration_ns: dur_ms * 1_000_000, error, spans }
    }

    #[test]
    fn points_paths_hits_and_brush() {
        let pts = vec![pt(0, 0, 100, false, 5), pt(1, 1000, 200, true, 50), pt(2, 2000, 150, false, 5), pt(3, 3000, 120, false, 500)];
        let s = ScatterScale::fit(&pts, 600.0, 240.0);
        // 100–200 ms spread 2×: a linear axis from 0.
        assert!(!s.log_y);
        // Three classes here: ok/small (0 and 2), error/medium (1), ok/large (3).
        let p = paths(&s, &pts);
        assert_eq!(p.iter().map(|p| (p.error, p.size, p.points)).collect::<Vec<_>>(), [(false, 0, 2), (false, 2, 1), (true, 1, 1)]);
        assert_eq!(p[0].d.matches('M').count(), 2);
        // Later start is further right; longer is higher up.
        assert!(s.x_px(pts[1].start_ns) > s.x_px(pts[0].start_ns));
        assert!(s.y_px(pts[1].duration_ns) < s.y_px(pts[0].duration_ns));
        let (x, y) = (s.x_px(pts[2].start_ns), s.y_px(pts[2].duration_ns));
        assert_eq!(hit(&s, &pts, x + 1.0, y - 1.0, 4.0), Some(2));
        assert_eq!(hit(&s, &pts, x, s.height_px - 1.0, 4.0), None);
        // A rectangle around the middle two starts.
        let b = Brush { x0_px: s.x_px(pts[1].start_ns) - 2.0, y0_px: 0.0, x1_px: s.x_px(pts[2].start_ns) + 2.0, y1_px: s.height_px };
        assert_eq!(brushed(&s, &pts, &b), [1, 2]);
        assert!(Brush { x0_px: 5.0, y0_px: 5.0, x1_px: 7.0, y1_px: 3.0 }.is_click());
        // 1 ms to 2 s: logarithmic.
        assert!(ScatterScale::fit(&[pt(0, 0, 1, false, 1), pt(1, 5, 2000, false, 1)], 600.0, 240.0).log_y);
    }

    #[test]
    fn tenths_read_as_the_float_formatting_does() {
        for v in [0.0, 1.25, 3.04, 12.96, 599.99, 240.0, -2.5, -0.36, 1e6 + 0.05] {
            let mut d = String::new();
            push_tenths(&mut d, v);
            let want = format!("{v:.1}");
            assert!(d == want || (d.parse::<f64>().unwrap_or(f64::NAN) - v).abs() <= 0.05 + 1e-9, "{v}: {d} vs {want}");
        }
        let mut d = String::new();
        push_tenths(&mut d, 12.34);
        assert_eq!(d, "12.3");
    }

    #[test]
    fn axes_share_the_plot_area() {
        let pts = vec![pt(0, 0, 100, false, 5), pt(1, 60_000, 200, true, 50)];
        let s = ScatterScale::fit(&pts, 600.0, 240.0);
        let svg = axes_svg(&s, &ChartTheme::light());
        assert!(svg.starts_with("<svg") && svg.contains("start (UTC)"), "{svg}");
        assert!(svg.contains("ms"));
    }
}
