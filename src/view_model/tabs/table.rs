//! A table as the worker sends it: columns, the total row count and the rows of one
//! window, each cell with its display text and CSS classes. Built from any list with
//! [`window_of`]; the page draws it with fixed-height rows and never sees the rest.

use serde::{Deserialize, Serialize};

use crate::view_model::list_window::RowRange;

/// A column header: the name, whether it is numeric (right-aligned) and its width.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TableColumn {
    pub name: String,
    pub numeric: bool,
    pub width_px: u32,
}

/// Width a header needs: its bold 12.5 px text, the sort mark and the cell padding.
fn header_width_px(name: &str) -> u32 {
    (name.chars().count() as f64 * 7.4 + 34.0).ceil() as u32
}

impl TableColumn {
    /// A column at least `width_px` wide, and wide enough for its header.
    pub fn new(name: &str, numeric: bool, width_px: u32) -> TableColumn {
        TableColumn { name: name.to_string(), numeric, width_px: width_px.max(header_width_px(name)) }
    }
}

/// One cell: text, an optional tooltip, CSS classes (space separated) and, for share
/// columns, the width of a bar drawn before the text.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TableCell {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub class: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bar_px: Option<f64>,
}

impl TableCell {
    /// A text cell with the given classes.
    pub fn new(text: impl Into<String>, class: &str) -> TableCell {
        TableCell { text: text.into(), class: class.to_string(), ..TableCell::default() }
    }
    /// A left-aligned name (ellipsized when too long; the whole name is its tooltip).
    pub fn name(text: impl Into<String>) -> TableCell {
        let text = text.into();
        TableCell { title: Some(text.clone()), text, class: "name".to_string(), bar_px: None }
    }
    /// A right-aligned number.
    pub fn num(text: impl Into<String>) -> TableCell {
        TableCell::new(text, "num")
    }
}

/// One row: its cells, the span it stands for (a click jumps there) and a key the page
/// can select it by.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TableRow {
    pub cells: Vec<TableCell>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key: Vec<String>,
}

/// The rows `from..from + rows.len()` of a list of `total` rows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TableWindow {
    pub total: usize,
    pub from: usize,
    pub rows: Vec<TableRow>,
}

impl TableWindow {
    /// Row `i` of the list, when it is in this window.
    pub fn row(&self, i: usize) -> Option<&TableRow> {
        i.checked_sub(self.from).and_then(|k| self.rows.get(k))
    }
    /// The range of rows held.
    pub fn held(&self) -> RowRange {
        RowRange { from: self.from, to: self.from + self.rows.len() }
    }
}

/// The rows of `range` (cut to the list) of `items`, each made by `row(index, item)`.
pub fn window_of<T>(items: &[T], range: RowRange, row: impl Fn(usize, &T) -> TableRow) -> TableWindow {
    let r = range.clamped(items.len());
    let rows = items[r.from..r.to].iter().enumerate().map(|(k, it)| row(r.from + k, it)).collect();
    TableWindow { total: items.len(), from: r.from, rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_is_wide_enough_for_its_header() {
        assert_eq!(TableColumn::new("count", true, 72).width_px, 72);
        // "Output tokens": 13 characters need more than 96 px.
        assert!(TableColumn::new("Output tokens", true, 96).width_px > 96);
    }

    #[test]
    fn a_window_holds_only_its_rows() {
        let items: Vec<u32> = (0..100).collect();
        let w = window_of(&items, RowRange { from: 90, to: 140 }, |i, v| TableRow {
            cells: vec![TableCell::num(v.to_string())],
            span: Some(i as u32),
            key: Vec::new(),
        });
        assert_eq!((w.total, w.from, w.rows.len()), (100, 90, 10));
        assert_eq!(w.row(95).map(|r| r.cells[0].text.as_str()), Some("95"));
        assert!(w.row(89).is_none() && w.row(100).is_none());
        assert_eq!(w.held(), RowRange { from: 90, to: 100 });
    }
}
