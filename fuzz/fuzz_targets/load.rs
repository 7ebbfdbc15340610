//! Fuzz target: arbitrary bytes through detection and every reader, then the
//! analyses. Any panic is a bug; errors are fine.
#![no_main]

use libfuzzer_sys::fuzz_target;

use clew::parse::{self, Format};

fuzz_target!(|data: &[u8]| {
    // Auto-detection, then each reader forced, so every parser sees every input.
    let _ = parse::load(&[("fuzz", data)], None);
    for f in [Format::Otlp, Format::Jaeger, Format::Zipkin, Format::JaegerProto, Format::OtelConsole] {
        if let Ok(set) = parse::load(&[("fuzz", data)], Some(f)) {
            let opts = clew::report::ReportOptions::default();
            let _ = clew::report::analyze_json(&set, &opts);
        }
    }
});
