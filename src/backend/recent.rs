//! Recent connections as kept in the browser's storage: connections in, JSON text out and
//! back. A header's value (a secret, such as a bearer token) is kept only when the user
//! ticked "remember"; otherwise only its name is, and the value is asked for again.

use serde::{Deserialize, Serialize};

use super::{BackendKind, Connection};

/// How many connections are kept, latest first.
pub const MAX_RECENT: usize = 8;

/// One stored connection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recent {
    pub kind: String,
    pub base: String,
    /// The header's name, if one was set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_name: Option<String>,
    /// The header's value, only when remembered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_value: Option<String>,
    #[serde(default)]
    pub send_cookies: bool,
}

impl Recent {
    /// What is stored of `c`: the header value only when `remember`.
    pub fn of(c: &Connection, remember: bool) -> Recent {
        Recent {
            kind: c.kind.name().to_string(),
            base: c.base.clone(),
            header_name: c.header.as_ref().map(|h| h.0.clone()),
            header_value: c.header.as_ref().filter(|_| remember).map(|h| h.1.clone()),
            send_cookies: c.send_cookies,
        }
    }

    /// The connection it stands for, when the header (if any) was remembered.
    pub fn connection(&self) -> Option<Connection> {
        let kind = BackendKind::parse(&self.kind)?;
        let header = match (&self.header_name, &self.header_value) {
            (Some(n), Some(v)) => Some((n.clone(), v.clone())),
            (Some(_), None) => return None,
            (None, _) => None,
        };
        Some(Connection { kind, base: self.base.clone(), header, send_cookies: self.send_cookies })
    }

    /// A label for the list: `Tempo · http://tempo:3200 · Authorization`.
    pub fn label(&self) -> String {
        let kind = BackendKind::parse(&self.kind).map(|k| k.label()).unwrap_or("?");
        let header = match (&self.header_name, &self.header_value) {
            (Some(n), Some(_)) => format!(" · {n} (remembered)"),
            (Some(n), None) => format!(" · {n} (asked again)"),
            (None, _) => String::new(),
        };
        format!("{kind} · {}{header}", self.base)
    }
}

/// Reads the stored list (an unreadable one is empty).
pub fn parse(text: &str) -> Vec<Recent> {
    serde_json::from_str::<Vec<Recent>>(text).unwrap_or_default().into_iter().filter(|r| BackendKind::parse(&r.kind).is_some()).collect()
}

/// The list with `r` first (an older entry for the same kind and base goes), as JSON.
pub fn push(list: &[Recent], r: Recent) -> (Vec<Recent>, String) {
    let mut out = vec![r.clone()];
    out.extend(list.iter().filter(|o| !(o.kind == r.kind && o.base == r.base)).cloned());
    out.truncate(MAX_RECENT);
    let text = serde_json::to_string(&out).unwrap_or_else(|_| "[]".into());
    (out, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn() -> Connection {
        Connection {
            kind: BackendKind::Tempo,
            base: "http://tempo:3200".into(),
            header: Some(("Authorization".into(), "Bearer s3cret".into())),
            send_cookies: false,
        }
    }

    #[test]
    fn secrets_are_kept_only_when_remembered() {
        let (_, text) = push(&[], Recent::of(&conn(), false));
        assert!(!text.contains("s3cret") && text.contains("Authorization"), "{text}");
        let list = parse(&text);
        assert_eq!(list[0].connection(), None, "the header must be given again");
        assert_eq!(list[0].label(), "Tempo · http://tempo:3200 · Authorization (asked again)");
        let (_, text) = push(&list, Recent::of(&conn(), true));
        assert!(text.contains("s3cret"));
        let list = parse(&text);
        assert_eq!(list.len(), 1, "one entry per kind and base");
        assert_eq!(list[0].connection(), Some(conn()));
    }

    #[test]
    fn the_list_is_bounded_and_latest_first() {
        let mut list = Vec::new();
        for i in 0..10 {
            list = push(&list, Recent::of(&Connection::new(BackendKind::Jaeger, &format!("http://j{i}")), false)).0;
        }
        assert_eq!(list.len(), MAX_RECENT);
        assert_eq!(list[0].base, "http://j9");
        assert_eq!(parse("not json"), Vec::new());
        assert_eq!(parse(r#"[{"kind":"nope","base":"x"}]"#), Vec::new());
    }
}
