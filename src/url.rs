//! URLs as Clew reads and writes them, text in and text out: [`encode_component`] and
//! [`decode_component`] for query values and path segments, and [`http_url`], which resolves
//! an address given by a person or a host page (against an optional base: the page's own
//! URL) and accepts only http(s), with a message that says what was wrong ([`UrlProblem`]).

/// Why a text is not an http(s) address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UrlProblem {
    Empty,
    /// Not a URL (no host, or relative with no base to resolve it against).
    Invalid,
    /// A URL of another scheme (`file`, `javascript`, `data`…), lowercased.
    NotHttp(String),
}

impl UrlProblem {
    /// The message for a person: `what` names the place of the address (`The url parameter`,
    /// `links=`), `raw` is the text given.
    pub fn message(&self, what: &str, raw: &str) -> String {
        match self {
            UrlProblem::Empty => format!("{what} is empty; give an http:// or https:// address."),
            UrlProblem::Invalid => format!("{what} is not a valid http:// or https:// address: {raw}"),
            UrlProblem::NotHttp(scheme) => format!("{what} must be an http:// or https:// address, not a {scheme}: address ({raw})."),
        }
    }
}

/// The scheme (lowercased) and the rest of an absolute URL; `None` for a relative reference.
fn scheme_of(s: &str) -> Option<(String, &str)> {
    let end = s.find(':')?;
    let scheme = &s[..end];
    let first = scheme.chars().next()?;
    let valid = first.is_ascii_alphabetic() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    valid.then(|| (scheme.to_ascii_lowercase(), &s[end + 1..]))
}

/// `//authority` + the rest, split: the authority (host required) and what follows it.
fn authority_of(rest: &str) -> Result<(&str, &str), UrlProblem> {
    let after = rest.strip_prefix("//").ok_or(UrlProblem::Invalid)?;
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let auth = &after[..end];
    let host = auth.rsplit('@').next().unwrap_or(auth);
    let host = host.strip_prefix('[').map_or_else(|| host.split(':').next().unwrap_or(""), |v6| v6.split(']').next().unwrap_or(""));
    if host.is_empty() || auth.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(UrlProblem::Invalid);
    }
    Ok((auth, &after[end..]))
}

/// A path, query and fragment split into the path and the rest (`?…#…`).
fn split_path(s: &str) -> (&str, &str) {
    let end = s.find(['?', '#']).unwrap_or(s.len());
    (&s[..end], &s[end..])
}

/// An absolute path with its `.` and `..` segments taken out (RFC 3986 §5.2.4); never above `/`.
fn remove_dots(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *seg {
            "." | ".." => {
                if *seg == ".." {
                    out.pop();
                }
                if last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    format!("/{}", out.join("/"))
}

/// `raw` (trimmed) as an absolute http(s) URL: as given when it is absolute (the scheme
/// lowercased), else resolved against `base` (RFC 3986 §5.2: `//host…`, `/path`, `?query`,
/// `#fragment` or a path relative to the base's directory, dot segments removed).
pub fn http_url(raw: &str, base: Option<&str>) -> Result<String, UrlProblem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(UrlProblem::Empty);
    }
    let http = |scheme: &str| if scheme == "http" || scheme == "https" { Ok(()) } else { Err(UrlProblem::NotHttp(scheme.to_string())) };
    if let Some((scheme, rest)) = scheme_of(raw) {
        http(&scheme)?;
        authority_of(rest)?;
        return Ok(format!("{scheme}:{rest}"));
    }
    let base = base.ok_or(UrlProblem::Invalid)?;
    let (scheme, rest) = scheme_of(base.trim()).ok_or(UrlProblem::Invalid)?;
    http(&scheme)?;
    let (auth, tail) = authority_of(rest)?;
    if raw.starts_with("//") {
        authority_of(raw)?;
        return Ok(format!("{scheme}:{raw}"));
    }
    let (base_path, base_rest) = split_path(tail);
    let base_path = if base_path.is_empty() { "/" } else { base_path };
    let base_query = base_rest.split('#').next().unwrap_or("");
    let resolved = match raw.as_bytes()[0] {
        b'#' => format!("{base_path}{base_query}{raw}"),
        b'?' => format!("{base_path}{raw}"),
        b'/' => {
            let (path, more) = split_path(raw);
            format!("{}{more}", remove_dots(path))
        }
        _ => {
            let (path, more) = split_path(raw);
            let dir = &base_path[..base_path.rfind('/').map_or(0, |i| i + 1)];
            format!("{}{more}", remove_dots(&format!("{dir}{path}")))
        }
    };
    Ok(format!("{scheme}://{auth}{resolved}"))
}

/// Percent-encodes everything but RFC 3986's unreserved characters (a query value, a path
/// segment).
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}


/// Undoes [`encode_component`] (and a form's `+` for a space); a `%` not followed by two hex
/// digits stays as it is.
pub fn decode_component(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_round_trip() {
        assert_eq!(encode_component("a b/c?d=é"), "a%20b%2Fc%3Fd%3D%C3%A9");
        assert_eq!(decode_component(&encode_component("a b/c?d=é")), "a b/c?d=é");
        assert_eq!(decode_component("100%+x%zz"), "100% x%zz");
    }

    #[test]
    fn absolute_addresses_pass_as_given() {
        assert_eq!(http_url(" https://t.example:3200/api ", None), Ok("https://t.example:3200/api".into()));
        assert_eq!(http_url("HTTP://h/x?y#z", None), Ok("http://h/x?y#z".into()));
        assert_eq!(http_url("http://[::1]:9411", None), Ok("http://[::1]:9411".into()));
        assert_eq!(http_url("http://user@h", None), Ok("http://user@h".into()));
    }

    #[test]
    fn other_schemes_and_non_urls_are_refused() {
        assert_eq!(http_url("javascript:alert(1)", None), Err(UrlProblem::NotHttp("javascript".into())));
        assert_eq!(http_url("FILE:///etc/passwd", Some("http://p/")), Err(UrlProblem::NotHttp("file".into())));
        assert_eq!(http_url("  ", None), Err(UrlProblem::Empty));
        assert_eq!(http_url("http:/x", None), Err(UrlProblem::Invalid));
        assert_eq!(http_url("http://:80/x", None), Err(UrlProblem::Invalid));
        assert_eq!(http_url("http://a b/", None), Err(UrlProblem::Invalid));
        // A relative reference needs a base, and an http(s) one.
        assert_eq!(http_url("traces/a.json", None), Err(UrlProblem::Invalid));
        assert_eq!(http_url("a.json", Some("file:///home/x.html")), Err(UrlProblem::NotHttp("file".into())));
        let m = UrlProblem::NotHttp("javascript".into()).message("The url parameter", "javascript:x");
        assert_eq!(m, "The url parameter must be an http:// or https:// address, not a javascript: address (javascript:x).");
        assert_eq!(UrlProblem::Invalid.message("links=", "x"), "links= is not a valid http:// or https:// address: x");
    }

    #[test]
    fn relative_references_resolve_against_the_base() {
        let base = Some("http://host:8080/some/deep/index.html?embed=1#trace=ab");
        let r = |raw: &str| http_url(raw, base).ok();
        assert_eq!(r("a.json"), Some("http://host:8080/some/deep/a.json".into()));
        assert_eq!(r("./x/../b.json?v=1"), Some("http://host:8080/some/deep/b.json?v=1".into()));
        assert_eq!(r("../../../../up.json"), Some("http://host:8080/up.json".into()));
        assert_eq!(r("/e2e-fixtures/t.json"), Some("http://host:8080/e2e-fixtures/t.json".into()));
        assert_eq!(r("/a/./b/../c/"), Some("http://host:8080/a/c/".into()));
        assert_eq!(r("?q=1"), Some("http://host:8080/some/deep/index.html?q=1".into()));
        assert_eq!(r("#x"), Some("http://host:8080/some/deep/index.html?embed=1#x".into()));
        assert_eq!(r("//other:9/p"), Some("http://other:9/p".into()));
        assert_eq!(r(".."), Some("http://host:8080/some/".into()));
        assert_eq!(http_url("t.json", Some("https://h")), Ok("https://h/t.json".into()));
    }
}
