//! Browser tests (wasm-bindgen-test in headless Chromium): the parse → snapshot →
//! view-model path running inside wasm, as the worker and the page run it.
//! Run with `make test-wasm`. Natively this file compiles to nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test or benchmark fails by panicking; clippy.toml already exempts #[test] bodies, and this covers their helpers")]
#![cfg(target_arch = "wasm32")]

use clew::model::snapshot;
use clew::parse;
use clew::view_model::{find, waterfall};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const OTLP: &str = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]},
 "scopeSpans":[{"spans":[
  {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"GET /<script>x</script>",
   "startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000500000000",
   "attributes":[{"key":"n","value":{"intValue":"7"}},{"key":"d","value":{"doubleValue":0.25}},
                 {"key":"arr","value":{"arrayValue":{"values":[{"boolValue":true}]}}}],
   "events":[{"timeUnixNano":"1700000000100000000","name":"cache.hit"}]},
  {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b175","parentSpanId":"eee19b7ec3c1b174",
   "name":"child","startTimeUnixNano":"1700000000100000000","endTimeUnixNano":"1700000000300000000","status":{"code":2}}
 ]}]}]}"#;

#[wasm_bindgen_test]
fn parse_and_snapshot_round_trip_in_wasm() {
    let set = parse::load(&[("t.json", OTLP.as_bytes())], None).expect("loads in wasm");
    // The root and its child in OTLP above.
    assert_eq!(set.spans.len(), 2);
    let bytes = snapshot::encode(&set);
    let back = snapshot::decode(&bytes).expect("decodes in wasm");
    assert_eq!(back, set);
    let root = &back.spans[0];
    assert_eq!(back.name_of(root), "GET /<script>x</script>");
    assert_eq!(back.attr_text(root, "arr").as_deref(), Some("[true]"));
}

#[wasm_bindgen_test]
fn broken_input_is_a_load_error_not_a_panic() {
    let err = parse::load(&[("bad.json", b"{\"resourceSpans\": [")], None).expect_err("must fail");
    assert!(err.to_string().contains("bad.json"), "{err}");
    assert!(snapshot::decode(b"garbage").is_err());
}

#[wasm_bindgen_test]
fn rows_and_find_in_wasm() {
    let set = parse::load(&[("t.json", OTLP.as_bytes())], None).expect("loads");
    // Span 0 is the root, span 1 the child (status code 2, an error); only the root has n = 7.
    let rows = waterfall::visible_rows(&set, 0, &waterfall::Collapsed::none(), None);
    assert_eq!(rows, vec![0, 1]);
    assert_eq!(waterfall::visible_rows(&set, 0, &waterfall::Collapsed::all(), None), vec![0]);
    assert_eq!(find::parse("error").find(&set, 0), vec![1]);
    assert_eq!(find::parse("n=7").find(&set, 0), vec![0]);
    // The root's 500 ms less its child's 200 ms.
    assert_eq!(clew::analysis::stats::self_time(&set, 0), 300_000_000);
}
