//! The words shared by every query box: a query string in, its tokens out (spaces split,
//! `"quoted parts"` kept together), and duration comparisons (`duration>150ms`,
//! `dur<=2s`) parsed to a [`Cmp`] and nanoseconds. Find in the waterfall
//! (`view_model::find`) and the trace filter ([`super::many::filter`]) build their terms
//! from these, so a duration or a quoted value reads the same in both.

/// How a duration is compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
}

impl Cmp {
    /// Whether `value` compares to `bound` this way.
    pub fn holds(self, value: u64, bound: u64) -> bool {
        match self {
            Cmp::Gt => value > bound,
            Cmp::Ge => value >= bound,
            Cmp::Lt => value < bound,
            Cmp::Le => value <= bound,
            Cmp::Eq => value == bound,
        }
    }
}

/// Splits on whitespace, keeping `"quoted parts"` together (quotes removed).
pub fn tokens(q: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in q.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            c => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out.retain(|t| !t.is_empty());
    out
}

/// Parses `100ms`, `1.5s`, `250us`, `3m`, `42` (ns).
pub fn parse_duration_ns(s: &str) -> Option<u64> {
    let s = s.trim();
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let v: f64 = num.parse().ok()?;
    let mul = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "ns" => 1.0,
        "us" | "µs" | "μs" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        "m" | "min" => 60e9,
        _ => return None,
    };
    let ns = v * mul;
    (ns.is_finite() && ns >= 0.0).then_some(ns.round() as u64)
}

/// A duration term (`duration>100ms`, `dur<=2s`, `duration=5ms`; the key in any case):
/// the comparison and the bound, or `None` when the token is not one.
pub fn duration_term(token: &str) -> Option<(Cmp, u64)> {
    let lower = token.to_lowercase();
    for key in ["duration", "dur"] {
        let Some(rest) = lower.strip_prefix(key) else { continue };
        let (cmp, num) = if let Some(n) = rest.strip_prefix(">=") {
            (Cmp::Ge, n)
        } else if let Some(n) = rest.strip_prefix("<=") {
            (Cmp::Le, n)
        } else if let Some(n) = rest.strip_prefix('>') {
            (Cmp::Gt, n)
        } else if let Some(n) = rest.strip_prefix('<') {
            (Cmp::Lt, n)
        } else if let Some(n) = rest.strip_prefix('=') {
            (Cmp::Eq, n)
        } else {
            continue;
        };
        if let Some(ns) = parse_duration_ns(num) {
            return Some((cmp, ns));
        }
    }
    None
}

/// Whether `needle_lower` (already lower case) is in `hay`, ignoring case.
pub fn contains_ci(hay: &str, needle_lower: &str) -> bool {
    if needle_lower.is_empty() {
        return true;
    }
    if hay.is_ascii() && needle_lower.is_ascii() {
        let (h, n) = (hay.as_bytes(), needle_lower.as_bytes());
        return h.len() >= n.len() && h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n));
    }
    hay.to_lowercase().contains(needle_lower)
}

/// Whether a token is the error word (`error`, `errors`, `is:error`, `status=error`).
pub fn is_error_word(token: &str) -> bool {
    matches!(token.to_lowercase().as_str(), "error" | "errors" | "is:error" | "status=error" | "status:error")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!(tokens(r#"a  "b c" d="e f""#), ["a", "b c", "d=e f"]);
        assert_eq!(duration_term("Duration>=1.5ms"), Some((Cmp::Ge, 1_500_000)));
        assert_eq!(duration_term("dur<2s"), Some((Cmp::Lt, 2_000_000_000)));
        assert_eq!(duration_term("duration>fast"), None);
        assert_eq!(parse_duration_ns("3m"), Some(180_000_000_000));
        assert!(contains_ci("Checkout", "heck") && !contains_ci("api", "apis"));
        assert!(is_error_word("IS:ERROR") && !is_error_word("err"));
    }
}
