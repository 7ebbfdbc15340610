//! Native tests of the span table's data on the demo trace: every span listed, the find
//! language as filter, sorts (numbers by value, ties in trace order), attribute columns,
//! the suggested keys and formula-safe CSV.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

use clew::model::TraceSet;
use clew::view_model::list_window::RowRange;
use clew::view_model::tabs::spans::{answer, base, csv, order, SpansRequest};

fn demo() -> TraceSet {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/public/demo.json")).unwrap();
    clew::parse::load(&[("demo.json", &bytes)], None).unwrap()
}

fn req(query: &str, sort: Option<(usize, bool)>, attrs: &[&str]) -> SpansRequest {
    SpansRequest { trace: 0, query: query.to_string(), sort, attrs: attrs.iter().map(|s| s.to_string()).collect(), rows: RowRange::first(100) }
}

fn column(set: &TraceSet, r: &SpansRequest, col: usize) -> Vec<String> {
    let b = base(set, 0);
    let rows = order(set, &b, 0, r);
    answer(set, &b, &rows, r).table.rows.iter().map(|row| row.cells[col].text.clone()).collect()
}

#[test]
fn all_spans_filter_and_sort() {
    let set = demo();
    assert_eq!(column(&set, &req("", None, &[]), 1).len(), 19); // the demo's 19 spans
    // service=llm-router: classify, generate, postprocess, embedding (trace order).
    assert_eq!(column(&set, &req("service=llm-router", None, &[]), 1), vec!["embedding", "classify", "generate", "postprocess"]);
    // Duration, longest first: the root (3.84 s), complete (2.9 s), generate (2.21 s).
    let by_dur = column(&set, &req("", Some((4, false)), &[]), 1);
    assert_eq!(&by_dur[..3], &["POST /api/v1/chat", "complete", "generate"]);
    let shortest = column(&set, &req("", Some((4, true)), &[]), 4);
    assert_eq!(shortest[0], "6 ms"); // GET session:token, 6 ms
    // Operation, A to Z (case-insensitive).
    let names = column(&set, &req("", Some((1, true)), &[]), 1);
    let mut sorted = names.clone();
    sorted.sort_by_key(|s| s.to_lowercase());
    assert_eq!(names, sorted);
}

#[test]
fn attribute_columns_keys_and_csv() {
    let set = demo();
    let b = base(&set, 0);
    assert!(!b.keys.is_empty());
    assert!(b.keys.windows(2).all(|w| w[0].1 >= w[1].1), "keys by count, most common first");
    let key = b.keys[0].0.clone();
    let r = req("", None, &[key.as_str()]);
    let rows = order(&set, &b, 0, &r);
    let data = answer(&set, &b, &rows, &r);
    assert_eq!(data.columns.len(), 8); // 7 fixed + 1 attribute
    assert_eq!(data.columns[7].name, key);
    let filled = data.table.rows.iter().filter(|row| !row.cells[7].text.is_empty()).count();
    assert_eq!(filled, b.keys[0].1);
    let text = csv(&set, &b, &rows, &r);
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 20); // header + 19 spans
    assert!(lines[0].starts_with("span_id,service,operation,kind,start_ms,duration_ms,self_ms,status,"));
    // The root starts at 0 and lasts 3,841 ms (public/demo.json): times are plain numbers in ms.
    assert!(lines[1].starts_with("a1b2c3d400001111,api-gateway,POST /api/v1/chat,server,0.000,3841.000,"), "{}", lines[1]);
}

/// Mixed numeric and text cells sort in one consistent order: numbers by value first, then
/// text without regard to case ("9" < "10" < "1a" would otherwise loop back to "9").
#[test]
fn mixed_cells_sort_in_a_total_order() {
    use clew::view_model::tabs::spans::text_cmp;
    let mut cells = vec!["1a", "10", "B", "9", "a", "-2.5", "1A"];
    cells.sort_by(|x, y| text_cmp(x, y));
    assert_eq!(cells, ["-2.5", "9", "10", "1A", "1a", "a", "B"]);
    for x in &cells {
        for y in &cells {
            assert_eq!(text_cmp(x, y), text_cmp(y, x).reverse(), "{x} vs {y}");
        }
    }
}
