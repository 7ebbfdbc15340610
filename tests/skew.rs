//! Native tests of clock-skew adjustment (`analysis::skew`) on crafted skewed pairs:
//! a Jaeger/OTLP client → server hop whose server clock runs behind, a server span longer
//! than its client, a same-process child that is never moved, and a Zipkin shared
//! client/server span. Every shift is exact.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

use clew::analysis::skew::adjust;
use clew::model::TraceSet;

const T0_MS: u64 = 1_700_000_000_000;

/// OTLP spans: (id, parent, service, start ms, end ms) relative to T0.
fn otlp(spans: &[(&str, &str, &str, i64, i64)]) -> TraceSet {
    let items: Vec<String> = spans
        .iter()
        .map(|(id, parent, svc, s, e)| {
            let ns = |ms: i64| ((T0_MS as i64 + ms) as u64) * 1_000_000;
            format!(
                r#"{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"{svc}"}}}}]}},"scopeSpans":[{{"spans":[{{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"{id}","parentSpanId":"{parent}","name":"{id}","startTimeUnixNano":"{}","endTimeUnixNano":"{}"}}]}}]}}"#,
                ns(*s),
                ns(*e)
            )
        })
        .collect();
    let text = format!(r#"{{"resourceSpans":[{}]}}"#, items.join(","));
    clew::parse::load(&[("skew.json", text.as_bytes())], None).unwrap()
}

fn shift_ms(set: &TraceSet, id: &str) -> i64 {
    let a = adjust(set, 0);
    let first = set.traces[0].spans.start as usize;
    let i = (0..set.spans.len()).find(|&i| set.spans[i].span_id.to_text(&set.strings) == id).unwrap();
    a.shift_of(first, i as u32) / 1_000_000
}

#[test]
fn a_server_behind_its_client_is_centred_and_its_subtree_follows() {
    // Client 0..100 ms on api; its server on db starts at -30 and lasts 60 ms (clock behind).
    // 100 - 60 = 40 ms of network, 20 each way: the server moves to 20 ms, a shift of +50 ms.
    // Its same-process child (-25..-5) moves with it by +50 and is not adjusted again.
    let set = otlp(&[
        ("aaaaaaaaaaaaaaa1", "", "api", 0, 100),
        ("aaaaaaaaaaaaaaa2", "aaaaaaaaaaaaaaa1", "db", -30, 30),
        ("aaaaaaaaaaaaaaa3", "aaaaaaaaaaaaaaa2", "db", -25, -5),
    ]);
    assert_eq!(shift_ms(&set, "aaaaaaaaaaaaaaa1"), 0);
    assert_eq!(shift_ms(&set, "aaaaaaaaaaaaaaa2"), 50);
    assert_eq!(shift_ms(&set, "aaaaaaaaaaaaaaa3"), 50);
    let a = adjust(&set, 0);
    assert_eq!(a.moved.len(), 1);
    assert_eq!(a.moved[0].1, 50_000_000);
}

#[test]
fn a_server_longer_than_its_client_starts_with_it_and_inside_spans_stay() {
    // Server 150 ms under a 100 ms client, ahead by 400 ms: it starts with the client (-400 ms).
    // A server well inside its client (10..90) is not moved.
    let set = otlp(&[
        ("bbbbbbbbbbbbbbb1", "", "api", 0, 100),
        ("bbbbbbbbbbbbbbb2", "bbbbbbbbbbbbbbb1", "pay", 400, 550),
        ("bbbbbbbbbbbbbbb3", "bbbbbbbbbbbbbbb1", "auth", 10, 90),
        ("bbbbbbbbbbbbbbb4", "bbbbbbbbbbbbbbb1", "api", 200, 300),
    ]);
    assert_eq!(shift_ms(&set, "bbbbbbbbbbbbbbb2"), -400);
    assert_eq!(shift_ms(&set, "bbbbbbbbbbbbbbb3"), 0);
    // Same process as the parent: outside it, but never moved.
    assert_eq!(shift_ms(&set, "bbbbbbbbbbbbbbb4"), 0);
}

#[test]
fn a_zipkin_shared_span_centres_its_server_half() {
    // One shared id: the client half 0..100 ms (frontend), the server half reported by
    // backend at +1000 ms for 80 ms. The server half is centred: 10 ms, a shift of -990 ms.
    let t = T0_MS * 1000;
    let text = format!(
        r#"[{{"traceId":"463ac35c9f6413ad","id":"a2fb4a1d1a96d312","kind":"CLIENT","name":"get","timestamp":{},"duration":100000,"localEndpoint":{{"serviceName":"frontend"}}}},
            {{"traceId":"463ac35c9f6413ad","id":"a2fb4a1d1a96d312","kind":"SERVER","shared":true,"name":"get","timestamp":{},"duration":80000,"localEndpoint":{{"serviceName":"backend"}}}}]"#,
        t,
        t + 1_000_000
    );
    let set = clew::parse::load(&[("zipkin.json", text.as_bytes())], None).unwrap();
    assert_eq!(set.spans.len(), 2); // the pair becomes parent (client) and child (server)
    let a = adjust(&set, 0);
    let first = set.traces[0].spans.start as usize;
    let server = (0..set.spans.len()).find(|&i| set.spans[i].parent != clew::model::NO_SPAN).unwrap();
    assert_eq!(a.shift_of(first, server as u32) / 1_000_000, -990);
}
