//! Chart colors: a [`ChartTheme`] of CSS hex strings in, the plotters colors every
//! chart draws with ([`Colors`]) out. Shared by the span charts and the LLM charts.

use plotters::style::RGBColor;

/// Colors as CSS hex (`#rrggbb` or `#rgb`); unparsable values fall back to black/white/grey.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartTheme {
    pub fg: String,
    pub bg: String,
    pub grid: String,
    /// Series colors, used in turn.
    pub palette: Vec<String>,
}

impl Default for ChartTheme {
    fn default() -> Self {
        ChartTheme {
            fg: "#1f2328".into(),
            bg: "#ffffff".into(),
            grid: "#d0d7de".into(),
            palette: vec!["#0969da".into(), "#1a7f37".into(), "#9a6700".into(), "#cf222e".into(), "#8250df".into(), "#bf3989".into()],
        }
    }
}

impl ChartTheme {
    /// The light preset of the LLM charts (eight series colors).
    pub fn light() -> ChartTheme {
        ChartTheme {
            fg: "#1f2328".into(),
            bg: "#ffffff".into(),
            grid: "#d0d7de".into(),
            palette: ["#2f6fdb", "#d9480f", "#2b8a3e", "#862e9c", "#c92a2a", "#0b7285", "#e67700", "#5c940d"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        }
    }
    /// The dark preset of the LLM charts.
    pub fn dark() -> ChartTheme {
        ChartTheme {
            fg: "#e6edf3".into(),
            bg: "#0d1117".into(),
            grid: "#30363d".into(),
            palette: ["#6ea8fe", "#ff922b", "#69db7c", "#da77f2", "#ff6b6b", "#3bc9db", "#ffd43b", "#a9e34b"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        }
    }
}

/// Parses `#rrggbb` or `#rgb` (the `#` is optional, spaces around are ignored).
pub fn parse_hex_color(s: &str) -> Option<RGBColor> {
    let h = s.trim();
    let h = h.strip_prefix('#').unwrap_or(h);
    let v = |a: &str| u8::from_str_radix(a, 16).ok();
    match h.len() {
        6 => Some(RGBColor(v(h.get(0..2)?)?, v(h.get(2..4)?)?, v(h.get(4..6)?)?)),
        3 => {
            let d = |i: usize| h.get(i..i + 1).and_then(v).map(|x| x * 17);
            Some(RGBColor(d(0)?, d(1)?, d(2)?))
        }
        _ => None,
    }
}

/// A theme's colors, parsed. Unparsable colors fall back to black text on white with
/// a light grey grid; unparsable series colors are skipped (one blue when none is left).
pub(crate) struct Colors {
    pub fg: RGBColor,
    pub bg: RGBColor,
    pub grid: RGBColor,
    palette: Vec<RGBColor>,
}

impl Colors {
    pub fn of(theme: &ChartTheme) -> Colors {
        let mut palette: Vec<RGBColor> = theme.palette.iter().filter_map(|c| parse_hex_color(c)).collect();
        if palette.is_empty() {
            palette.push(RGBColor(9, 105, 218));
        }
        Colors {
            fg: parse_hex_color(&theme.fg).unwrap_or(RGBColor(0, 0, 0)),
            bg: parse_hex_color(&theme.bg).unwrap_or(RGBColor(255, 255, 255)),
            grid: parse_hex_color(&theme.grid).unwrap_or(RGBColor(200, 200, 200)),
            palette,
        }
    }
    /// The color of series `i` (the palette is used in turn).
    pub fn series(&self, i: usize) -> RGBColor {
        self.palette[i % self.palette.len()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_colors_with_or_without_hash() {
        assert_eq!(parse_hex_color("#0969da"), Some(RGBColor(9, 105, 218)));
        assert_eq!(parse_hex_color(" 0969DA "), Some(RGBColor(9, 105, 218)));
        assert_eq!(parse_hex_color("#fff"), Some(RGBColor(255, 255, 255)));
        assert_eq!(parse_hex_color("#12"), None);
        assert_eq!(parse_hex_color("#gggggg"), None);
        assert_eq!(parse_hex_color("#ééé"), None);
    }

    #[test]
    fn bad_theme_colors_fall_back() {
        let c = Colors::of(&ChartTheme { fg: "nope".into(), bg: "".into(), grid: "#12".into(), palette: vec!["x".into()] });
        assert_eq!((c.fg, c.bg, c.grid), (RGBColor(0, 0, 0), RGBColor(255, 255, 255), RGBColor(200, 200, 200)));
        assert_eq!(c.series(3), RGBColor(9, 105, 218));
        let c = Colors::of(&ChartTheme::dark());
        assert_eq!(c.series(9), parse_hex_color("#ff922b").unwrap_or(RGBColor(0, 0, 0)));
    }
}
