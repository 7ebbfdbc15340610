//! `n_plus_one`: the children of one parent in; groups of at least `n_plus_one_min`
//! similar DB / HTTP / RPC calls (same normalized statement, route or URL path) out,
//! with the wall time one batched call could save.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{op, spans_capped, Ctx, Finding, PatternKind};
use crate::analysis::attr_lookup::AttrLookup;
use crate::analysis::intervals::union_len;
use crate::format::{duration, ellipsis};
use crate::model::{Span, SpanKind, TimeNs, TraceSet};

/// Replaces quoted strings and numbers with `?`, collapses whitespace and `?` lists:
/// `SELECT * FROM t WHERE id = 42 AND n IN (1, 2,3) AND s='x'` →
/// `SELECT * FROM t WHERE id = ? AND n IN (?) AND s=?`.
pub fn normalize_statement(stmt: &str) -> String {
    // The first 4096 characters.
    let stmt = stmt.char_indices().nth(4096).map_or(stmt, |(end, _)| &stmt[..end]);
    let mut out = String::with_capacity(stmt.len().min(512));
    let mut chars = stmt.chars().peekable();
    let mut prev_ident = false;
    while let Some(c) = chars.next() {
        if c == '\'' {
            // Quoted string; '' is an escaped quote.
            while let Some(q) = chars.next() {
                if q == '\'' {
                    if chars.peek() == Some(&'\'') {
                        chars.next();
                        continue;
                    }
                    break;
                }
            }
            out.push('?');
            prev_ident = false;
        } else if c.is_ascii_digit() && !prev_ident {
            while chars.next_if(|&d| d.is_ascii_alphanumeric() || d == '.' || d == '_').is_some() {}
            out.push('?');
            prev_ident = false;
        } else if c.is_whitespace() {
            if !out.ends_with(' ') && !out.is_empty() {
                out.push(' ');
            }
            prev_ident = false;
        } else {
            prev_ident = c.is_alphanumeric() || c == '_' || c == '$';
            out.push(c);
        }
    }
    // Collapse "?, ?, ?" (and "?,?") into "?". Only ASCII bytes are looked at or
    // skipped, so every slice below starts and ends on a character boundary.
    let text = out.trim();
    let b = text.as_bytes();
    let mut collapsed = String::with_capacity(text.len());
    let (mut k, mut run) = (0, 0);
    while k < b.len() {
        if b[k] != b'?' {
            k += 1;
            continue;
        }
        collapsed.push_str(&text[run..=k]);
        let mut j = k + 1;
        loop {
            let mut m = j;
            while m < b.len() && b[m] == b' ' {
                m += 1;
            }
            if m < b.len() && b[m] == b',' {
                m += 1;
                while m < b.len() && b[m] == b' ' {
                    m += 1;
                }
                if m < b.len() && b[m] == b'?' {
                    j = m + 1;
                    continue;
                }
            }
            break;
        }
        k = j;
        run = j;
    }
    collapsed.push_str(&text[run..]);
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


/// Writes the N+1 similarity key of a DB / HTTP / RPC call into `key` (reused from
/// span to span); false for other spans.
fn similarity_key(set: &TraceSet, look: &mut AttrLookup<'_>, s: &Span, key: &mut String) -> bool {
    key.clear();
    key.push_str(set.service_of(s));
    if let Some(stmt) = look.text(s, 0).or_else(|| look.text(s, 1)) {
        key.push_str("\u{1}db\u{1}");
        key.push_str(&normalize_statement(&stmt));
        return true;
    }
    let is_db = look.has(s, 2) || look.has(s, 3);
    let method = look.text(s, 4).or_else(|| look.text(s, 5));
    let route = look.text(s, 6).or_else(|| look.text(s, 7));
    let url = look.text(s, 8).or_else(|| look.text(s, 9)).or_else(|| look.text(s, 10)).or_else(|| look.text(s, 11));
    let is_http = method.is_some() || route.is_some() || url.is_some();
    let is_rpc = look.has(s, 12);
    if !(is_db || is_http || is_rpc || s.kind == SpanKind::Client) {
        return false;
    }
    let m = method.unwrap_or_default();
    if let Some(r) = route {
        let _ = write!(key, "\u{1}http\u{1}{m} {r}");
    } else if let Some(u) = url {
        let _ = write!(key, "\u{1}http\u{1}{m} {}", normalize_url(&u));
    } else {
        key.push_str("\u{1}name\u{1}");
        key.push_str(set.name_of(s));
    }
    true
}

impl Ctx<'_, '_> {
    pub(super) fn n_plus_one(&mut self, p_idx: u32, p: &Span, kids: &[u32], retried: &[u32]) {
        let set = self.set;
        if kids.len() < self.cfg.n_plus_one_min.max(2) {
            return;
        }
        let mut groups: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        let mut key = String::new();
        for &c in kids {
            if retried.binary_search(&c).is_ok() {
                continue;
            }
            if similarity_key(set, self.look, &set.spans[c as usize], &mut key) {
                // A key is copied only for a new group.
                match groups.get_mut(key.as_str()) {
                    Some(g) => g.push(c),
                    None => {
                        groups.insert(key.clone(), vec![c]);
                    }
                }
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
