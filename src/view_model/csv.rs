//! CSV (RFC 4180): a header and rows of strings in, text with CRLF line ends out,
//! fields quoted when they need it.

/// Quotes a CSV field when it holds a comma, quote, CR/LF or leading/trailing space.
pub fn csv_field(s: &str) -> String {
    let needs = s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ');
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
