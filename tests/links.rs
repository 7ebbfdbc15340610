//! Native tests of link templates on the demo trace: which spans a template applies to,
//! substitution of attributes, ids and times, URL encoding, and http(s) only.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

use clew::model::TraceSet;
use clew::view_model::links::{parse_templates, span_links, trace_links};

fn demo() -> TraceSet {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/public/demo.json")).unwrap();
    clew::parse::load(&[("demo.json", &bytes)], None).unwrap()
}

#[test]
fn the_e2e_fixture_resolves_on_the_demo() {
    let set = demo();
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/e2e/fixtures/links.json")).unwrap();
    let t = parse_templates(&text).unwrap();
    let trace = trace_links(&set, 0, &t);
    assert_eq!(trace.len(), 1);
    // The demo trace starts at 2026-11-25 10:00:00 UTC = 1,795,600,800,000 ms and lasts 3,841 ms.
    assert_eq!(
        trace[0].href,
        "https://logs.example/explore?q=3fa85f6457174562b3fc2c963f66afa6&from=1795600800000&to=1795600803841"
    );
    assert_eq!(trace[0].text, "Logs of trace 3fa85f6457174562b3fc2c963f66afa6");
    // The tags template applies only to spans with gen_ai.request.model.
    let with_model: Vec<u32> = (0..set.spans.len() as u32).filter(|&i| set.attr_text(&set.spans[i as usize], "gen_ai.request.model").is_some()).collect();
    assert!(!with_model.is_empty());
    for i in 0..set.spans.len() as u32 {
        let links = span_links(&set, i, &t);
        let tags = links.iter().filter(|l| l.href.starts_with("https://metrics.example/")).count();
        assert_eq!(tags, usize::from(with_model.contains(&i)));
        assert_eq!(links.len() - tags, 1, "the traceId template shows on every span");
    }
    let generate = (0..set.spans.len() as u32).find(|&i| set.name_of(&set.spans[i as usize]) == "generate").unwrap();
    let model = set.attr_text(&set.spans[generate as usize], "gen_ai.request.model").unwrap();
    let l = span_links(&set, generate, &t).into_iter().find(|l| l.text.starts_with("Model")).unwrap();
    assert_eq!(l.href, format!("https://metrics.example/d/llm?model={model}&svc=llm-router"));
}

#[test]
fn values_are_encoded_and_missing_values_give_no_link() {
    let set = demo();
    let t = parse_templates(r#"[{"type":"tags","url":"https://x.example/?q=#{service.name} #{db.statement}"},
        {"type":"process","key":"service.name","url":"https://x.example/#{no.such.key}"}]"#)
    .unwrap();
    let stmt = (0..set.spans.len() as u32).find(|&i| set.attr_text(&set.spans[i as usize], "db.statement").is_some()).unwrap();
    let links = span_links(&set, stmt, &t);
    assert_eq!(links.len(), 1); // the second names a key no span has
    let svc = set.service_of(&set.spans[stmt as usize]).to_string();
    // The literal space of the template stays; the values' spaces and `=` are encoded.
    assert!(links[0].href.starts_with(&format!("https://x.example/?q={svc} ")), "{}", links[0].href);
    let value = &links[0].href[format!("https://x.example/?q={svc} ").len()..];
    assert!(!value.contains(' ') && !value.contains('=') && value.contains("%20"), "encoded statement: {value}");
}
