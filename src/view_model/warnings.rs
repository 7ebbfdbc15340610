//! The trace header's warning list: (span, message) pairs in load order in; identical
//! messages grouped out, each with its first span and how many times it came, in order
//! of first appearance. The two halves of a Zipkin RPC share a message; it shows once, ×2.

use std::collections::HashMap;

/// One line of the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WarningLine {
    /// The span of its first occurrence (`NO_SPAN` when none).
    pub span: u32,
    pub message: String,
    pub count: usize,
}

/// Groups identical messages.
pub fn group(warnings: impl IntoIterator<Item = (u32, String)>) -> Vec<WarningLine> {
    let mut out: Vec<WarningLine> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for (span, message) in warnings {
        match at.get(&message) {
            Some(&i) => out[i].count += 1,
            None => {
                at.insert(message.clone(), out.len());
                out.push(WarningLine { span, message, count: 1 });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_messages_group_in_first_order() {
        let w = vec![(3, "b".to_string()), (1, "a".to_string()), (4, "b".to_string())];
        let g = group(w);
        assert_eq!(g, vec![WarningLine { span: 3, message: "b".into(), count: 2 }, WarningLine { span: 1, message: "a".into(), count: 1 }]);
    }
}
