//! CSV (RFC 4180): a header and rows of strings in, text with CRLF line ends out,
//! fields quoted when they need it and formula-safe.

/// Whether a spreadsheet could read the cell as a formula: it begins with `=`, `+`, `-`, `@`, tab or CR
/// and is not a plain number (`-12.5` stays a number).
fn formula_like(s: &str) -> bool {
    let plain_number = s.parse::<f64>().is_ok() && s.bytes().all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b));
    s.starts_with(['=', '+', '-', '@', '\t', '\r']) && !plain_number
}

/// Quotes a CSV field when it holds a comma, quote, CR/LF or leading/trailing space. A formula-like
/// cell gets a leading apostrophe, so trace content is shown as text and never evaluated.
pub fn csv_field(s: &str) -> String {
    let guarded;
    let s = if formula_like(s) {
        guarded = format!("'{s}");
        guarded.as_str()
    } else {
        s
    };
    let needs = s.contains([',', '"', '\n', '\r', '\t']) || s.starts_with(' ') || s.ends_with(' ');
    if needs {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Writes a header and rows as CSV with CRLF line ends.
pub fn to_csv(header: &[String], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    let line = |out: &mut String, fields: &[String]| {
        let parts: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&parts.join(","));
        out.push_str("\r\n");
    };
    line(&mut out, header);
    for r in rows {
        line(&mut out, r);
    }
    out
}
