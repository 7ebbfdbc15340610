//! `n_plus_one`: the children of one parent in; groups of at least `n_plus_one_min`
//! similar DB / HTTP / RPC calls (same normalized statement, route or URL path) out,
//! with the wall time one batched call could save.

use std::collections::BTreeMap;

use super::{op, spans_capped, Ctx, Finding, PatternKind};
use crate::analysis::attr_lookup::AttrLookup;
use crate::analysis::intervals::union_len;
use crate::format::{duration, ellipsis};
use crate::model::{Span, SpanKind, TimeNs, TraceSet};

/// Replaces quoted strings and numbers with `?`, collapses whitespace and `?` lists:
/// `SELECT * FROM t WHERE id = 42 AND n IN (1, 2,3) AND s='x'` →
/// `SELECT * FROM t WHERE id = ? AND n IN (?) AND s=?`.
pub fn normalize_statement(stmt: &str) -> String {
    let mut out = String::with_capacity(stmt.len().min(512));
    let chars: Vec<char> = stmt.chars().take(4096).collect();
    let mut i = 0;
    let mut prev_ident = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            // Quoted string; '' is an escaped quote.
            i += 1;
            while i < chars.len() {
                if chars[i] == '\'' {
                    if chars.get(i + 1) == Some(&'\'') {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            i += 1;
            out.push('?');
            prev_ident = false;
            continue;
        }
        if c.is_ascii_digit() && !prev_ident {
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.' || chars[i] == '_') {
                i += 1;
            }
            out.push('?');
            prev_ident = false;
            continue;
        }
        if c.is_whitespace() {
            if !out.ends_with(' ') && !out.is_empty() {
                out.push(' ');
            }
            prev_ident = false;
            i += 1;
            continue;
        }
        prev_ident = c.is_alphanumeric() || c == '_' || c == '$';
        out.push(c);
        i += 1;
    }
    // Collapse "?, ?, ?" (and "?,?") into "?".
    let mut collapsed = String::with_capacity(out.len());
    let b: Vec<char> = out.trim().chars().collect();
    let mut k = 0;
    while k < b.len() {
        collapsed.push(b[k]);
        if b[k] == '?' {
            let mut j = k + 1;
            loop {
                let mut m = j;
                while m < b.len() && b[m] == ' ' {
                    m += 1;
                }
                if m < b.len() && b[m] == ',' {
                    m += 1;
                    while m < b.len() && b[m] == ' ' {
                        m += 1;
                    }
                    if m < b.len() && b[m] == '?' {
                        j = m + 1;
                        continue;
                    }
                }
                break;
            }
            k = j;
        } else {
            k += 1;
        }
    }
    collapsed
}

/// Path of a URL with numeric / id-like segments replaced by `?`.
fn normalize_url(url: &str) -> String {
    let no_query = url.split(['?', '#']).next().unwrap_or("");
    let path = match no_query.find("://") {
        Some(p) => {
            let rest = &no_query[p + 3..];
            match rest.find('/') {
                Some(q) => &rest[q..],
                None => "/",
            }
        }
        None => no_query,
    };
    path.split('/')
        .map(|seg| {
            let digits = seg.chars().filter(|c| c.is_ascii_digit()).count();
            if !seg.is_empty() && (digits * 2 >= seg.len() || (seg.len() >= 16 && seg.chars().all(|c| c.is_ascii_hexdigit() || c == '-'))) {
                "?"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}


/// The N+1 similarity key of a DB / HTTP / RPC call; `None` for other spans.
fn similarity_key(set: &TraceSet, look: &mut AttrLookup<'_>, s: &Span) -> Option<String> {
    let svc = set.service_of(s);
    if let Some(stmt) = look.text(s, 0).or_else(|| look.text(s, 1)) {
        return Some(format!("{svc}\u{1}db\u{1}{}", normalize_statement(&stmt)));
    }
    let is_db = look.has(s, 2) || look.has(s, 3);
    let method = look.text(s, 4).or_else(|| look.text(s, 5));
    let route = look.text(s, 6).or_else(|| look.text(s, 7));
    let url = look.text(s, 8).or_else(|| look.text(s, 9)).or_else(|| look.text(s, 10)).or_else(|| look.text(s, 11));
    let is_http = method.is_some() || route.is_some() || url.is_some();
    let is_rpc = look.has(s, 12);
    if !(is_db || is_http || is_rpc || s.kind == SpanKind::Client) {
        return None;
    }
    let m = method.unwrap_or_default();
    if let Some(r) = route {
        return Some(format!("{svc}\u{1}http\u{1}{m} {r}"));
    }
    if let Some(u) = url {
        return Some(format!("{svc}\u{1}http\u{1}{m} {}", normalize_url(&u)));
    }
    Some(format!("{svc}\u{1}name\u{1}{}", set.name_of(s)))
}

impl Ctx<'_, '_> {
    pub(super) fn n_plus_one(&mut self, p_idx: u32, p: &Span, kids: &[u32], retried: &[u32]) {
        let set = self.set;
        if kids.len() < self.cfg.n_plus_one_min.max(2) {
            return;
        }
        let mut groups: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for &c in kids {
            if retried.binary_search(&c).is_ok() {
                continue;
            }
            if let Some(k) = similarity_key(set, self.look, &set.spans[c as usize]) {
                groups.entry(k).or_default().push(c);
            }
        }
        for (key, g) in groups {
            if g.len() < self.cfg.n_plus_one_min.max(2) {
                continue;
            }
            let mut iv: Vec<(TimeNs, TimeNs)> =
                g.iter().map(|&c| (set.spans[c as usize].start_ns, set.spans[c as usize].end_ns())).collect();
            let wall = union_len(&mut iv, 0, u64::MAX);
            let longest = g.iter().map(|&c| set.spans[c as usize].duration_ns).max().unwrap_or(0);
            let sum: u64 = g.iter().map(|&c| set.spans[c as usize].duration_ns).sum();
            let impact = wall.saturating_sub(longest);
            if !self.top.admits(PatternKind::NPlusOne, impact) {
                continue;
            }
            let what = key.split('\u{1}').nth(2).unwrap_or("").to_string();
            let first = &set.spans[g[0] as usize];
            self.top.push(Finding {
                kind: PatternKind::NPlusOne,
                spans: spans_capped(g.iter().copied()),
                impact_ns: impact,
                message: format!(
                    "{} similar calls from {} under {}: {} (sum {}, wall time {}); one batched call could save ~{}",
                    g.len(),
                    set.service_of(first),
                    op(set, p),
                    ellipsis(&what, 161),
                    duration(sum),
                    duration(wall),
                    duration(impact)
                ),
                parent: p_idx,
            });
        }
    }
}
