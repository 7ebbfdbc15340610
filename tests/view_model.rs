//! Native tests of the waterfall view model: rows, windows, bars, ticks, find,
//! palette, minimap, deep links and keyboard/wheel/drag navigation, over small traces
//! built through the parser.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test or benchmark fails by panicking; clippy.toml already exempts #[test] bodies, and this covers their helpers")]

use clew::model::TraceSet;
use clew::view_model::list_window::{Viewport, MAX_SCROLL_PX};
use clew::view_model::waterfall::{self, Collapsed, TimeWindow, ROW_HEIGHT_PX, ROWS};
use clew::view_model::waterfall_nav::{drag_window, navigate, wheel_window, NavAction, NavKey, WheelMode};
use clew::view_model::{axis, deeplink::DeepLink, find, minimap, palette};

/// All fixture times are offsets from this instant.
const BASE_NS: u64 = 1_700_000_000_000_000_000;

/// (span id, parent id, name, service, start ms, end ms, error, events at ms)
type SpanSpec<'a> = (&'a str, &'a str, &'a str, &'a str, u64, u64, bool, &'a [u64]);

fn otlp(spans: &[SpanSpec]) -> String {
    let mut out = String::from(r#"{"resourceSpans":["#);
    for (k, (id, parent, name, service, s, e, err, events)) in spans.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        let evs: Vec<String> =
            events.iter().map(|t| format!(r#"{{"timeUnixNano":"{}","name":"ev"}}"#, BASE_NS + t * 1_000_000)).collect();
        out.push_str(&format!(
            r#"{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"{service}"}}}}]}},
            "scopeSpans":[{{"spans":[{{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"{id}","parentSpanId":"{parent}",
            "name":"{name}","startTimeUnixNano":"{}","endTimeUnixNano":"{}",
            "attributes":[{{"key":"http.route","value":{{"stringValue":"/r/{name}"}}}},{{"key":"n","value":{{"intValue":"{k}"}}}}],
            "events":[{}],
            "status":{{"code":{}}}}}]}}]}}"#,
            BASE_NS + s * 1_000_000,
            BASE_NS + e * 1_000_000,
            evs.join(","),
            if *err { 2 } else { 0 }
        ));
    }
    out.push_str("]}");
    out
}

fn tree() -> TraceSet {
    // A ─┬ B ─┬ D
    //    │    └ E
    //    └ C ── F (error)
    let json = otlp(&[
        ("000000000000000a", "", "A", "api", 0, 1000, false, &[]),
        ("000000000000000b", "000000000000000a", "B", "auth", 100, 400, false, &[]),
        ("000000000000000c", "000000000000000a", "C", "db", 500, 900, false, &[650]),
        ("000000000000000d", "000000000000000b", "D", "auth", 150, 200, false, &[]),
        ("000000000000000e", "000000000000000b", "E", "cache", 250, 300, false, &[]),
        ("000000000000000f", "000000000000000c", "F <b>x</b>", "db", 600, 700, true, &[]),
    ]);
    clew::parse::load(&[("tree.json", json.as_bytes())], None).expect("fixture loads")
}

fn names(set: &TraceSet, rows: &[u32]) -> Vec<String> {
    rows.iter().map(|&i| set.name_of(&set.spans[i as usize]).chars().take(1).collect()).collect()
}

fn idx(set: &TraceSet, name: &str) -> u32 {
    set.spans.iter().position(|s| set.name_of(s).starts_with(name)).expect("span exists") as u32
}

#[test]
fn all_expanded_rows_are_preorder() {
    let set = tree();
    let rows = waterfall::visible_rows(&set, 0, &Collapsed::none(), None);
    assert_eq!(names(&set, &rows), ["A", "B", "D", "E", "C", "F"]);
}

#[test]
fn collapsing_a_subtree_hides_only_its_descendants() {
    let set = tree();
    let mut c = Collapsed::none();
    let b = idx(&set, "B");
    c.set(b, 1, true);
    let rows = waterfall::visible_rows(&set, 0, &c, None);
    assert_eq!(names(&set, &rows), ["A", "B", "C", "F"]);
    c.set(b, 1, false);
    // All 6 spans of the tree again.
    assert_eq!(waterfall::visible_rows(&set, 0, &c, None).len(), 6);
}

#[test]
fn collapse_all_and_to_depth() {
    let set = tree();
    assert_eq!(names(&set, &waterfall::visible_rows(&set, 0, &Collapsed::all(), None)), ["A"]);
    assert_eq!(names(&set, &waterfall::visible_rows(&set, 0, &Collapsed::to_depth(2), None)), ["A", "B", "C"]);
    // Expanding one span under a depth limit shows just its children.
    let mut c = Collapsed::to_depth(2);
    c.set(idx(&set, "C"), 1, false);
    assert_eq!(names(&set, &waterfall::visible_rows(&set, 0, &c, None)), ["A", "B", "C", "F"]);
}

#[test]
fn filter_keeps_matches_with_their_ancestors() {
    let set = tree();
    let keep = waterfall::keep_mask(&set, 0, &[idx(&set, "E")]);
    let rows = waterfall::visible_rows(&set, 0, &Collapsed::none(), Some(&keep));
    assert_eq!(names(&set, &rows), ["A", "B", "E"]);
}

#[test]
fn reveal_expands_collapsed_ancestors() {
    let set = tree();
    let mut c = Collapsed::all();
    waterfall::reveal(&set, &mut c, idx(&set, "F"));
    let rows = waterfall::visible_rows(&set, 0, &c, None);
    assert_eq!(names(&set, &rows), ["A", "B", "C", "F"]);
}

#[test]
fn deep_chain_is_walked_without_recursion() {
    // 30 000 nested spans.
    let n = 30_000u64;
    let mut specs = Vec::new();
    let ids: Vec<String> = (1..=n).map(|i| format!("{i:016x}")).collect();
    for i in 0..n as usize {
        let parent = if i == 0 { "" } else { ids[i - 1].as_str() };
        specs.push((ids[i].as_str(), parent, "s", "svc", i as u64, 2 * n - i as u64, false, &[][..]));
    }
    let set = clew::parse::load(&[("chain.json", otlp(&specs).as_bytes())], None).expect("loads");
    assert_eq!(waterfall::visible_rows(&set, 0, &Collapsed::none(), None).len(), n as usize);
    // The deepest span has every other span of the chain above it.
    let last = (n - 1) as u32;
    assert_eq!(waterfall::ancestors(&set, last).len(), n as usize - 1);
    let mut c = Collapsed::all();
    waterfall::reveal(&set, &mut c, last);
    assert_eq!(waterfall::visible_rows(&set, 0, &c, None).len(), n as usize);
}

#[test]
fn window_draws_only_visible_rows_plus_margin() {
    let vp = Viewport { scroll_top_px: 0.0, height_px: 480.0 };
    let w = ROWS.window(1_000_000, vp);
    assert_eq!(w.first, 0);
    assert!(w.last - w.first <= 480 / ROW_HEIGHT_PX as usize + 2 + waterfall::MARGIN_ROWS);
    assert!(w.total_px <= MAX_SCROLL_PX);
    // Scrolled to the very bottom of a million rows: the last row is drawn and sits at the bottom.
    let bottom = Viewport { scroll_top_px: w.total_px - 480.0, height_px: 480.0 };
    let wb = ROWS.window(1_000_000, bottom);
    assert_eq!(wb.last, 1_000_000);
    let last_row_bottom = wb.top_px + (wb.last - wb.first) as f64 * ROW_HEIGHT_PX;
    assert!((last_row_bottom - (bottom.scroll_top_px + 480.0)).abs() < ROW_HEIGHT_PX, "{last_row_bottom}");
    // Small lists are not scaled: row k sits at k * height. 240 px down is row 10
    // (24 px rows), drawn from MARGIN_ROWS rows above it.
    let ws = ROWS.window(100, Viewport { scroll_top_px: 240.0, height_px: 240.0 });
    assert_eq!(ws.first, 10 - waterfall::MARGIN_ROWS);
    assert_eq!(ws.top_px, ws.first as f64 * ROW_HEIGHT_PX);
    assert_eq!(ROWS.window(0, vp).last, 0);
}

#[test]
fn scroll_to_show_moves_only_when_needed() {
    let vp = Viewport { scroll_top_px: 0.0, height_px: 240.0 };
    assert_eq!(ROWS.scroll_to_show(100, vp, 3), None);
    let down = ROWS.scroll_to_show(100, vp, 50).expect("scrolls");
    let w = ROWS.window(100, Viewport { scroll_top_px: down, height_px: 240.0 });
    assert!(w.first <= 50 && 50 < w.last);
    // In a scaled million-row list the target row ends up drawn.
    let big = ROWS.scroll_to_show(1_000_000, vp, 765_432).expect("scrolls");
    let w = ROWS.window(1_000_000, Viewport { scroll_top_px: big, height_px: 240.0 });
    assert!(w.first <= 765_432 && 765_432 < w.last, "{w:?}");
}

#[test]
fn bars_are_percent_of_the_window() {
    let set = tree();
    let t = &set.traces[0];
    let win = TimeWindow::of_trace(t.duration_ns);
    let b = waterfall::bar(&set.spans[idx(&set, "B") as usize], t.start_ns, win);
    // B runs 100..400 ms of the trace's 1000: from 10 %, 30 % wide.
    assert!((b.left_pct - 10.0).abs() < 1e-9 && (b.width_pct - 30.0).abs() < 1e-9);
    // Zoomed to 500..1000 ms, B is off screen and C (500..900) starts at 0 %, 400 / 500
    // = 80 % wide.
    let z = win.sub(0.5, 1.0);
    assert!(waterfall::bar(&set.spans[idx(&set, "B") as usize], t.start_ns, z).off_screen);
    let c = waterfall::bar(&set.spans[idx(&set, "C") as usize], t.start_ns, z);
    assert!(c.left_pct.abs() < 1e-9 && (c.width_pct - 80.0).abs() < 1e-9);
    assert!(c.label_left && c.label_inside, "{c:?}");
    assert!(!b.label_inside);
}

#[test]
fn zoom_and_pan_stay_in_bounds() {
    let all = TimeWindow { start_ns: 0.0, end_ns: 1e9 };
    // Half the width around the middle: 0.25..0.75 s.
    let z = all.zoom(0.5, 0.5, all);
    assert_eq!((z.start_ns, z.end_ns), (2.5e8, 7.5e8));
    // Panning far right stops at the end, keeping the 0.5 s width.
    let p = z.pan(10.0, all);
    assert_eq!((p.start_ns, p.end_ns), (5e8, 1e9));
    let out = z.zoom(100.0, 0.0, all);
    assert_eq!(out, all);
}

#[test]
fn self_time_subtracts_child_cover() {
    let set = tree();
    // A: 1000 ms minus B (300) and C (400).
    assert_eq!(clew::analysis::stats::self_time(&set, idx(&set, "A")), 300_000_000);
    // B: 300 ms minus D (50) and E (50); D has no children.
    assert_eq!(clew::analysis::stats::self_time(&set, idx(&set, "B")), 200_000_000);
    assert_eq!(clew::analysis::stats::self_time(&set, idx(&set, "D")), 50_000_000);
    // A's children cover two stretches: B (from 10 %, 30 % wide) and C.
    let seg = waterfall::child_cover_segments(&set, idx(&set, "A"), 8);
    assert_eq!(seg.len(), 2);
    assert!((seg[0].0 - 10.0).abs() < 1e-9 && (seg[0].1 - 30.0).abs() < 1e-9);
    // C's event at 650 ms: (650 - 500) / 400 = 37.5 % along C.
    assert_eq!(waterfall::event_ticks(&set, idx(&set, "C"), 10), vec![37.5]);
}

#[test]
fn ticks_pick_a_readable_unit() {
    // Steps of 1, 2 or 5 × a power of ten, near the number of ticks asked for: 0.5 s over
    // 3.841 s, 0.5 ms over 2 ms, 500 µs over 900 µs, 10 ms over 40 ms, 0.1 µs over 0.3 µs.
    let t = axis::ticks(0.0, 3.841e9, 8);
    assert_eq!(t.first().map(|t| t.label.as_str()), Some("0.0 s"));
    assert!(t.iter().any(|t| t.label == "2.5 s"), "{t:?}");
    let t = axis::ticks(0.0, 2.0e6, 5);
    assert_eq!(t[1].label, "0.5 ms");
    let t = axis::ticks(0.0, 900e3, 3);
    assert_eq!(t[1].label, "500 µs");
    let t = axis::ticks(0.0, 40e6, 4);
    assert_eq!(t[1].label, "10 ms");
    assert!(t.iter().all(|x| x.pct >= 0.0 && x.pct <= 100.0));
    let t = axis::ticks(1500.0, 1800.0, 3);
    assert_eq!(t.iter().map(|x| x.label.as_str()).collect::<Vec<_>>(), ["1.5 µs", "1.6 µs", "1.7 µs", "1.8 µs"]);
}

#[test]
fn find_terms() {
    let set = tree();
    let q = |s: &str| names(&set, &find::parse(s).find(&set, 0));
    // "B" by name, C and F by their service "db", F by its name too.
    assert_eq!(q("b"), ["B", "C", "F"]);
    assert_eq!(q("service=auth"), ["B", "D"]);
    assert_eq!(q("service:db"), ["C", "F"]);
    assert_eq!(q("http.route=/r/C"), ["C"]);
    assert_eq!(q("duration>100ms"), ["A", "B", "C"]);
    assert_eq!(q("duration<=50ms"), ["D", "E"]);
    assert_eq!(q("error"), ["F"]);
    assert_eq!(q("service=db errors"), ["F"]);
    assert_eq!(q("name:\"f <b>\""), ["F"]);
    // The attribute n is each span's place in the fixture list: D is the fourth (3).
    assert_eq!(q("n=3"), ["D"]);
    assert!(q("").is_empty());
    assert_eq!(clew::analysis::query::parse_duration_ns("1.5s"), Some(1_500_000_000));
    assert_eq!(clew::analysis::query::parse_duration_ns("250us"), Some(250_000));
    assert_eq!(clew::analysis::query::parse_duration_ns("fast"), None);
}

#[test]
fn palette_is_stable_and_distinct() {
    let a = palette::assign(["api", "auth", "db", "cache"]);
    let b = palette::assign(["cache", "db", "api", "auth", "api"]);
    assert_eq!(a, b);
    let mut slots: Vec<usize> = a.values().copied().collect();
    slots.sort_unstable();
    slots.dedup();
    // One slot for each of the 4 services.
    assert_eq!(slots.len(), 4);
    assert_eq!(palette::assign(["api"])["api"], palette::preferred_slot("api"));
}

#[test]
fn minimap_counts_per_cell() {
    let set = tree();
    let d = minimap::density(&set, 0, 10, 6);
    assert_eq!((d.cols, d.rows), (10, 6));
    // Row 0 is A, covering every column.
    assert!((0..10).all(|c| d.at(c, 0) == 1));
    // Row 1 is B (100..400 ms): columns 1..4 of ten 100 ms columns.
    assert_eq!((0..10).map(|c| d.at(c, 1)).collect::<Vec<_>>(), [0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    // F is the one error span, in one cell.
    assert_eq!(d.errors.iter().sum::<u32>(), 1);
    // Fewer pixel rows than spans: buckets add up.
    let d2 = minimap::density(&set, 0, 10, 2);
    assert_eq!(d2.counts.iter().map(|&x| x as usize).sum::<usize>(), d.counts.iter().map(|&x| x as usize).sum::<usize>());
}

#[test]
fn deep_link_round_trips() {
    let d = DeepLink {
        trace: Some("0af7651916cd43dd8448eb211c80319c".into()),
        span: Some("000000000000000b".into()),
        zoom: Some((100, 2000)),
        find: Some("service=auth duration>1ms & \"x\"".into()),
        only_matching: true,
        tab: None,
        filter: None,
        list: false,
        skew_off: true,
    };
    let h = d.to_hash();
    assert!(h.ends_with("&skew=0"), "{h}");
    assert!(!h.contains(' '));
    assert_eq!(DeepLink::from_hash(&format!("#{h}")), d);
    // The trace list: its filter and that it is shown.
    let l = DeepLink { filter: Some("service=api duration>1s".into()), list: true, ..DeepLink::default() };
    assert_eq!(l.to_hash(), "view=list&filter=service%3Dapi%20duration%3E1s");
    assert_eq!(DeepLink::from_hash(&l.to_hash()), l);
    assert_eq!(DeepLink::from_hash("#zoom=5-1&junk&trace="), DeepLink::default());
    // The clock-skew adjustment is on unless the hash says `skew=0`.
    assert!(!DeepLink::from_hash("#skew=1").skew_off);
    assert!(DeepLink::from_hash("#view=list&skew=0").skew_off);
}

/// The span `key` leads to from `selected` (by first letter), or what else it does.
fn nav(set: &TraceSet, c: &Collapsed, selected: Option<&str>, key: NavKey) -> NavAction {
    let rows = waterfall::visible_rows(set, 0, c, None);
    navigate(set, &rows, c, selected.map(|n| idx(set, n)), key)
}

#[test]
fn nav_keys_map_from_key_names() {
    assert_eq!(NavKey::from_key("ArrowDown"), Some(NavKey::Down));
    assert_eq!(NavKey::from_key("j"), Some(NavKey::Down));
    assert_eq!(NavKey::from_key("ArrowUp"), Some(NavKey::Up));
    assert_eq!(NavKey::from_key("k"), Some(NavKey::Up));
    assert_eq!(NavKey::from_key("Home"), Some(NavKey::First));
    assert_eq!(NavKey::from_key("End"), Some(NavKey::Last));
    assert_eq!(NavKey::from_key("ArrowLeft"), Some(NavKey::Out));
    assert_eq!(NavKey::from_key("ArrowRight"), Some(NavKey::In));
    assert_eq!(NavKey::from_key("n"), None);
    assert_eq!(NavKey::from_key("Enter"), None);
}

#[test]
fn up_down_home_end_move_along_the_rows() {
    let set = tree();
    let c = Collapsed::none();
    let sel = |n: &str| NavAction::Select(idx(&set, n));
    // Rows: A B D E C F.
    assert_eq!(nav(&set, &c, None, NavKey::Down), sel("A"));
    assert_eq!(nav(&set, &c, None, NavKey::Up), sel("A"));
    assert_eq!(nav(&set, &c, Some("A"), NavKey::Down), sel("B"));
    assert_eq!(nav(&set, &c, Some("E"), NavKey::Down), sel("C"));
    assert_eq!(nav(&set, &c, Some("F"), NavKey::Down), sel("F"), "the last row stays");
    assert_eq!(nav(&set, &c, Some("C"), NavKey::Up), sel("E"));
    assert_eq!(nav(&set, &c, Some("A"), NavKey::Up), sel("A"), "the first row stays");
    assert_eq!(nav(&set, &c, Some("D"), NavKey::First), sel("A"));
    assert_eq!(nav(&set, &c, None, NavKey::Last), sel("F"));
    // A selection hidden under a collapsed span starts over at the first row.
    let mut hidden = Collapsed::none();
    hidden.set(idx(&set, "B"), 1, true);
    assert_eq!(nav(&set, &hidden, Some("D"), NavKey::Down), sel("A"));
    // No rows, nothing to select.
    assert_eq!(navigate(&set, &[], &c, None, NavKey::Down), NavAction::None);
    assert_eq!(navigate(&set, &[], &c, None, NavKey::Last), NavAction::None);
}

#[test]
fn left_collapses_then_goes_to_the_parent() {
    let set = tree();
    let b = idx(&set, "B");
    let c = Collapsed::none();
    assert_eq!(nav(&set, &c, Some("B"), NavKey::Out), NavAction::SetCollapsed { span: b, depth: 1, collapsed: true });
    let mut folded = Collapsed::none();
    folded.set(b, 1, true);
    assert_eq!(nav(&set, &folded, Some("B"), NavKey::Out), NavAction::Select(idx(&set, "A")));
    assert_eq!(nav(&set, &c, Some("D"), NavKey::Out), NavAction::Select(b), "a leaf goes to its parent");
    assert_eq!(nav(&set, &Collapsed::all(), Some("A"), NavKey::Out), NavAction::None, "a collapsed root stays");
    assert_eq!(nav(&set, &c, None, NavKey::Out), NavAction::None);
}

#[test]
fn right_expands_then_goes_to_the_first_child() {
    let set = tree();
    let b = idx(&set, "B");
    let mut folded = Collapsed::none();
    folded.set(b, 1, true);
    let expand = |span: u32, depth: u32| NavAction::SetCollapsed { span, depth, collapsed: false };
    assert_eq!(nav(&set, &folded, Some("B"), NavKey::In), expand(b, 1));
    assert_eq!(nav(&set, &Collapsed::none(), Some("B"), NavKey::In), NavAction::Select(idx(&set, "D")));
    assert_eq!(nav(&set, &Collapsed::none(), Some("E"), NavKey::In), NavAction::None, "a leaf has nowhere to go");
    assert_eq!(nav(&set, &Collapsed::none(), None, NavKey::In), NavAction::None);
    // Spans collapsed by a depth limit expand too.
    assert_eq!(nav(&set, &Collapsed::to_depth(1), Some("A"), NavKey::In), expand(idx(&set, "A"), 0));
    assert_eq!(nav(&set, &Collapsed::to_depth(2), Some("C"), NavKey::In), expand(idx(&set, "C"), 1));
}

#[test]
fn wheel_zooms_at_the_pointer_or_pans() {
    assert_eq!(WheelMode::of(true, false, false, false), Some(WheelMode::Zoom));
    assert_eq!(WheelMode::of(false, true, false, true), Some(WheelMode::Zoom), "a zoom modifier wins over Shift");
    assert_eq!(WheelMode::of(false, false, true, false), Some(WheelMode::Zoom));
    assert_eq!(WheelMode::of(false, false, false, true), Some(WheelMode::Pan));
    assert_eq!(WheelMode::of(false, false, false, false), None);
    let all = TimeWindow { start_ns: 0.0, end_ns: 1e9 };
    // Wheel up zooms in around the anchor: the point under the pointer stays put.
    let z = wheel_window(all, all, WheelMode::Zoom, -100.0, 0.0, 0.25);
    assert!(z.len_ns() < all.len_ns());
    assert!(((z.start_ns + z.len_ns() * 0.25) - 2.5e8).abs() < 1.0, "{z:?}");
    // A sideways wheel (delta_x only) pans too; the step is capped at half a window.
    let half = TimeWindow { start_ns: 0.0, end_ns: 5e8 };
    let p = wheel_window(half, all, WheelMode::Pan, 0.0, 80.0, 0.5);
    assert_eq!((p.start_ns, p.end_ns), (5e7, 5.5e8));
    let far = wheel_window(half, all, WheelMode::Pan, 100_000.0, 0.0, 0.5);
    assert_eq!((far.start_ns, far.end_ns), (2.5e8, 7.5e8));
    // Zooming out stops at the whole trace.
    assert_eq!(wheel_window(all, all, WheelMode::Zoom, 10_000.0, 0.0, 0.5), all);
}

#[test]
fn drag_zooms_to_the_range_unless_it_is_a_click() {
    let all = TimeWindow { start_ns: 0.0, end_ns: 1e9 };
    assert_eq!(drag_window(all, all, 0.5, 0.502), None);
    let z = drag_window(all, all, 0.75, 0.25).expect("a range");
    assert_eq!((z.start_ns, z.end_ns), (2.5e8, 7.5e8));
    // Too narrow a range widens to a microsecond around its middle.
    let tiny = TimeWindow { start_ns: 0.0, end_ns: 10_000.0 };
    let w = drag_window(tiny, all, 0.5, 0.51).expect("a range");
    assert!((w.len_ns() - 1000.0).abs() < 1e-6 && (w.start_ns - 4550.0).abs() < 1e-6, "{w:?}");
}
