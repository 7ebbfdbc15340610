//! WCAG 2.2 contrast: `#rrggbb` colours in; relative luminance, contrast ratios and
//! the text colour (black or white) that reads best on a coloured background out.

/// Text on a coloured bar or chip: near-black (the light theme's `--fg`) or white.
pub const DARK_TEXT: &str = "#000000";
pub const LIGHT_TEXT: &str = "#ffffff";

/// WCAG AA for normal text.
pub const AA_TEXT: f64 = 4.5;
/// WCAG AA for large text and for graphics (bars, focus rings, node borders).
pub const AA_LARGE: f64 = 3.0;

/// `#rgb` or `#rrggbb` (the `#` optional) as 0–255 channels; `None` for anything else.
pub fn parse_hex(color: &str) -> Option<[u8; 3]> {
    let h = color.strip_prefix('#').unwrap_or(color);
    if !h.is_ascii() {
        return None;
    }
    let digit = |s: &str| u8::from_str_radix(s, 16).ok();
    match h.len() {
        6 => Some([digit(&h[0..2])?, digit(&h[2..4])?, digit(&h[4..6])?]),
        3 => {
            let one = |k: usize| digit(&h[k..k + 1]).map(|v| v * 17);
            Some([one(0)?, one(1)?, one(2)?])
        }
        _ => None,
    }
}

/// Relative luminance (0 black … 1 white) of sRGB channels, per WCAG 2.2.
pub fn luminance(rgb: [u8; 3]) -> f64 {
    let lin = |c: u8| {
        let v = c as f64 / 255.0;
        if v <= 0.04045 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2])
}

/// Contrast ratio between two colours (1 … 21), in either order.
pub fn ratio(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la >= lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// [`ratio`] of two hex colours; `None` when either does not parse.
pub fn ratio_hex(a: &str, b: &str) -> Option<f64> {
    Some(ratio(parse_hex(a)?, parse_hex(b)?))
}

/// The text colour for a background: black or white, whichever contrasts more (at
/// least 4.58:1 for any background). An unparsable background gets black.
pub fn text_on(background: &str) -> &'static str {
    let Some(bg) = parse_hex(background) else { return DARK_TEXT };
    if ratio(bg, [0, 0, 0]) >= ratio(bg, [255, 255, 255]) { DARK_TEXT } else { LIGHT_TEXT }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view_model::palette::PALETTE;

    #[test]
    fn parses_long_and_short_hex() {
        assert_eq!(parse_hex("#4e79a7"), Some([0x4e, 0x79, 0xa7]));
        assert_eq!(parse_hex("fff"), Some([255, 255, 255]));
        assert_eq!(parse_hex("#12345"), None);
        assert_eq!(parse_hex("#gg0000"), None);
        assert_eq!(parse_hex("#é0000"), None);
    }

    #[test]
    fn ratios_match_the_wcag_reference_values() {
        // Black on white is the maximum, 21:1; a colour against itself is 1:1.
        assert!((ratio([0, 0, 0], [255, 255, 255]) - 21.0).abs() < 1e-9);
        assert!((ratio([120, 30, 200], [120, 30, 200]) - 1.0).abs() < 1e-9);
        // #767676 on white is the well-known 4.54:1 (the lightest grey passing AA).
        let grey = ratio_hex("#767676", "#ffffff").unwrap_or(0.0);
        assert!((grey - 4.54).abs() < 0.01, "{grey}");
        assert_eq!(ratio_hex("#000", "#fff"), ratio_hex("#ffffff", "#000000"));
    }

    #[test]
    fn text_on_picks_the_stronger_of_black_and_white() {
        assert_eq!(text_on("#ffffff"), DARK_TEXT);
        assert_eq!(text_on("#000000"), LIGHT_TEXT);
        assert_eq!(text_on("#edc948"), DARK_TEXT); // yellow
        assert_eq!(text_on("#1d2330"), LIGHT_TEXT); // the light theme's text colour
        assert_eq!(text_on("not a colour"), DARK_TEXT);
    }

    #[test]
    fn every_service_colour_carries_aa_text() {
        for c in PALETTE {
            let r = ratio_hex(c, text_on(c)).unwrap_or(0.0);
            assert!(r >= AA_TEXT, "{c}: {r:.2}");
        }
    }

    /// The `--name: #hex;` variables of the CSS block opened by `selector` in base.css.
    fn theme_vars(selector: &str) -> Vec<(String, String)> {
        let css = include_str!("../../styles/base.css");
        let Some(at) = css.find(selector) else { return Vec::new() };
        let block = &css[at..];
        let block = &block[..block.find('}').unwrap_or(block.len())];
        block
            .lines()
            .filter_map(|l| {
                let (k, v) = l.trim().split_once(':')?;
                let v = v.trim().trim_end_matches(';');
                (k.starts_with("--") && parse_hex(v).is_some()).then(|| (k.to_string(), v.to_string()))
            })
            .collect()
    }

    #[test]
    fn theme_text_colours_meet_aa_on_their_backgrounds() {
        // Text colours of styles/base.css against every background they are drawn on:
        // the page, panels, hover, the selected row and find matches; in both themes.
        let texts = ["--fg", "--fg-2", "--muted", "--accent", "--error", "--ok", "--warn"];
        let backgrounds = ["--bg", "--bg-2", "--bg-3", "--sel", "--match", "--match-cur"];
        for selector in [":root {", ":root[data-theme=\"dark\"] {"] {
            let vars = theme_vars(selector);
            let get = |name: &str| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
            assert_eq!(vars.len(), 16, "{selector}: {vars:?}");
            for t in texts {
                for b in backgrounds {
                    let (Some(tc), Some(bc)) = (get(t), get(b)) else { panic!("{selector}: {t} or {b} missing") };
                    let r = ratio_hex(&tc, &bc).unwrap_or(0.0);
                    assert!(r >= AA_TEXT, "{selector} {t} {tc} on {b} {bc}: {r:.2}");
                }
            }
            // A primary button's text on the accent colour.
            let (Some(a), Some(afg)) = (get("--accent"), get("--accent-fg")) else { panic!("{selector}: accent") };
            assert!(ratio_hex(&a, &afg).unwrap_or(0.0) >= AA_TEXT, "{selector}: accent-fg on accent");
        }
        // The dark theme chosen by the system is the dark theme chosen by the toggle.
        assert_eq!(theme_vars(":root:not([data-theme=\"light\"]) {"), theme_vars(":root[data-theme=\"dark\"] {"));
    }
}
