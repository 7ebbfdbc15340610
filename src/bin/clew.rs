//! The native `clew` CLI over the same core as the browser app.
//!
//! * `clew analyze [--format F] [--json] [--no-skew-adjust] FILE...`: load files (fragments of one
//!   trace merge) and print a summary, or one JSON object with `--json`. Files that
//!   would take the model's arenas past their `u32` limit are refused (exit 1). Times are
//!   adjusted for clock skew (`analysis::skew`) unless `--no-skew-adjust` is given.
//! * `clew export --format otlp [--input-format F] [--filter FILTER] FILE...`: load files as
//!   `analyze` does and write the traces (those the filter keeps) as one OTLP JSON document to stdout; ids that had to be re-encoded
//!   are listed on stderr, one `clew: re-encoded …` line each.
//! * `clew analyze --filter FILTER …`: the same, over the traces the filter keeps (the
//!   trace list's filter language, `analysis::many::filter`).
//! * `clew compare [--json] [--no-skew-adjust] (--slowest P% | --a FILTER --b FILTER | --traces ID_A,ID_B) FILE...`:
//!   two groups of traces compared per `service/operation` path (`analysis::many::cohort`),
//!   on times adjusted for clock skew as `analyze` does.
//! * `clew gen --spans N [--traces T] [--format otlp|otlp-base64|jaeger|zipkin] [--seed S] [--skew-ms MS] [--out FILE]`:
//!   write a realistic synthetic trace file.

use std::io::Write;
use std::process::ExitCode;

use clew::export::otlp;
use clew::analysis::many::cohort::{cohort_diff, slowest_split, CohortDiff, OUTSIDE_ROOT};
use clew::analysis::many::filter;
use clew::analysis::many::summary::summarize_all;
use clew::format as fmt;
use clew::model::builder::SetBuilder;
use clew::model::subset::subset;
use clew::model::TraceSet;
use clew::parse::{self, Format};
use clew::report;
use clew::synth::{self, GenFormat, GenOptions};

const USAGE: &str = "usage:
  clew analyze [--format otlp|jaeger|zipkin|jaeger-proto] [--json] [--filter FILTER] [--no-skew-adjust] FILE...
  clew compare [--format F] [--json] [--filter FILTER] [--no-skew-adjust] (--slowest P% | --a FILTER --b FILTER | --traces ID_A,ID_B) FILE...
  clew export --format otlp [--input-format otlp|jaeger|zipkin|jaeger-proto] [--filter FILTER] FILE... > out.json
  clew gen --spans N [--traces T] [--format otlp|otlp-base64|jaeger|zipkin] [--seed S] [--skew-ms MS] [--out FILE]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(|s| s.as_str()) {
        Some("analyze") => analyze(&args[1..]),
        Some("export") => export(&args[1..]),
        Some("compare") => compare(&args[1..]),
        Some("gen") => generate(&args[1..]),
        Some("-h") | Some("--help") | Some("help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn fail(msg: &str) -> ExitCode {
    eprintln!("clew: {msg}");
    ExitCode::from(1)
}

/// What `analyze` and `compare` read from their arguments.
#[derive(Default)]
struct Common<'a> {
    json: bool,
    format: Option<Format>,
    files: Vec<&'a str>,
    filter: Option<&'a str>,
    slowest: Option<&'a str>,
    a: Option<&'a str>,
    b: Option<&'a str>,
    traces: Option<&'a str>,
    /// `--no-skew-adjust`: keep the times as recorded.
    no_skew_adjust: bool,
}

/// Reads the options both commands share; `compare` also takes the group options.
fn parse_args(args: &[String], groups: bool) -> Result<Common<'_>, String> {
    let mut c = Common::default();
    let mut i = 0;
    while i < args.len() {
        let value = |name: &str| args.get(i + 1).map(|s| s.as_str()).ok_or(format!("{name} needs a value"));
        match args[i].as_str() {
            "--json" => c.json = true,
            "--no-skew-adjust" => c.no_skew_adjust = true,
            "--format" => {
                let f = value("--format").map_err(|_| "--format needs a value: otlp, jaeger, zipkin or jaeger-proto".to_string())?;
                c.format = Some(Format::parse(f).ok_or(format!("unknown format {f:?}; use otlp, jaeger, zipkin or jaeger-proto"))?);
                i += 1;
            }
            s if s.starts_with("--format=") => match Format::parse(&s["--format=".len()..]) {
                Some(f) => c.format = Some(f),
                None => return Err(format!("unknown format in {s:?}; use otlp, jaeger, zipkin or jaeger-proto")),
            },
            "--filter" => {
                c.filter = Some(value("--filter")?);
                i += 1;
            }
            opt @ ("--slowest" | "--a" | "--b" | "--traces") if groups => {
                let v = Some(value(opt)?);
                match opt {
                    "--slowest" => c.slowest = v,
                    "--a" => c.a = v,
                    "--b" => c.b = v,
                    _ => c.traces = v,
                }
                i += 1;
            }
            s if s.starts_with("--") => return Err(format!("unknown option {s}\n{USAGE}")),
            s => c.files.push(s),
        }
        i += 1;
    }
    if c.files.is_empty() {
        return Err(format!("no input files\n{USAGE}"));
    }
    Ok(c)
}

/// Reads the named files and loads them into one set (their bytes are dropped after): the
/// one reader of `analyze`, `compare` and `export`.
fn read_files(files: &[&str], format: Option<Format>) -> Result<TraceSet, String> {
    let mut contents: Vec<(String, Vec<u8>)> = Vec::with_capacity(files.len());
    for f in files {
        let bytes = std::fs::read(f).map_err(|e| format!("{f}: cannot read the file: {e}"))?;
        contents.push((f.to_string(), bytes));
    }
    load(SetBuilder::new(), &contents, format)
}

/// The traces a filter keeps (all of them for `None`), ascending.
fn filtered(set: &TraceSet, q: Option<&str>) -> Vec<usize> {
    match q {
        None => (0..set.traces.len()).collect(),
        Some(q) => {
            let (summaries, facts) = summarize_all(set, &clew::analysis::pricing::PriceTable::builtin());
            filter::parse(q).select(set, &summaries, &facts)
        }
    }
}

fn analyze(args: &[String]) -> ExitCode {
    let c = match parse_args(args, false) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let json = c.json;
    let mut set = match read_files(&c.files, c.format) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    if !c.no_skew_adjust {
        clew::analysis::skew::apply(&mut set);
    }
    if c.filter.is_some() {
        set = subset(&set, &filtered(&set, c.filter));
    }
    let opts = report::ReportOptions::default();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    // The JSON report is written one trace at a time, never held whole in memory.
    let written = if json {
        report::write_analyze_json(&set, &opts, &mut out).and_then(|()| out.write_all(b"\n"))
    } else {
        out.write_all(report::analyze_text(&set, &opts).as_bytes())
    };
    if written.and_then(|()| out.flush()).is_err() {
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

/// `clew export --format otlp FILE...`: the loaded traces as OTLP JSON on stdout.
fn export(args: &[String]) -> ExitCode {
    let mut out_format: Option<&str> = None;
    let mut format: Option<Format> = None;
    let mut filter: Option<&str> = None;
    let mut files: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let val = args.get(i + 1).map(String::as_str);
        match args[i].as_str() {
            "--format" => {
                out_format = val;
                i += 1;
            }
            "--filter" => match val {
                Some(f) => {
                    filter = Some(f);
                    i += 1;
                }
                None => return fail("--filter needs a filter, such as 'error' or 'duration>1s service=cart'"),
            },
            "--input-format" => match val.and_then(Format::parse) {
                Some(f) => {
                    format = Some(f);
                    i += 1;
                }
                None => return fail("--input-format takes otlp, jaeger, zipkin or jaeger-proto"),
            },
            s if s.starts_with("--") => return fail(&format!("unknown option {s}\n{USAGE}")),
            s => files.push(s),
        }
        i += 1;
    }
    match out_format {
        Some("otlp") => {}
        Some(f) => return fail(&format!("unknown export format {f:?}; the one export format is otlp")),
        None => return fail(&format!("export needs --format otlp\n{USAGE}")),
    }
    if files.is_empty() {
        return fail(&format!("no input files\n{USAGE}"));
    }
    let set = match read_files(&files, format) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    // The traces the filter keeps (the trace list's filter language), or every one.
    let keep = filter.map(|q| filtered(&set, Some(q)));
    let exported = otlp::export(&set, keep.as_deref());
    for c in &exported.id_changes {
        eprintln!("clew: re-encoded {}", c.line());
    }
    let mut out = std::io::stdout().lock();
    if out.write_all(exported.json.as_bytes()).and_then(|()| out.write_all(b"\n")).and_then(|()| out.flush()).is_err() {
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

fn compare(args: &[String]) -> ExitCode {
    let c = match parse_args(args, true) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let chosen = [c.slowest.is_some(), c.a.is_some() || c.b.is_some(), c.traces.is_some()].iter().filter(|&&x| x).count();
    if chosen != 1 || c.a.is_some() != c.b.is_some() {
        return fail(&format!("choose the groups with one of --slowest P%, --a FILTER --b FILTER, --traces ID_A,ID_B\n{USAGE}"));
    }
    let mut set = match read_files(&c.files, c.format) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    // The browser's cohorts compare adjusted times when its switch is on (the default).
    if !c.no_skew_adjust {
        clew::analysis::skew::apply(&mut set);
    }
    let scope = filtered(&set, c.filter);
    let (a, b) = if let Some(p) = c.slowest {
        match p.trim_end_matches('%').parse::<f64>() {
            Ok(v) if v > 0.0 && v < 100.0 => slowest_split(&set, &scope, v),
            _ => return fail(&format!("--slowest takes a percentage between 0 and 100, such as 10%, not {p:?}")),
        }
    } else if let Some(ids) = c.traces {
        let Some((ia, ib)) = ids.split_once(',') else { return fail("--traces takes two trace ids: ID_A,ID_B") };
        let find = |id: &str| set.traces.iter().position(|t| t.trace_id.to_text(&set.strings).eq_ignore_ascii_case(id.trim()));
        match (find(ia), find(ib)) {
            (Some(x), Some(y)) => (vec![x], vec![y]),
            (None, _) => return fail(&format!("no trace {:?} in the input", ia.trim())),
            (_, None) => return fail(&format!("no trace {:?} in the input", ib.trim())),
        }
    } else {
        let keep = |q: Option<&str>| {
            let f = filtered(&set, q);
            scope.iter().copied().filter(|t| f.binary_search(t).is_ok()).collect::<Vec<usize>>()
        };
        (keep(c.a), keep(c.b))
    };
    if a.is_empty() || b.is_empty() {
        return fail(&format!("a group is empty: A has {} traces, B has {}", a.len(), b.len()));
    }
    let diff = cohort_diff(&set, &a, &b);
    // The skew statement counts the moved spans of the compared traces.
    let compared: Vec<usize> = a.iter().chain(&b).copied().collect();
    let text = if c.json {
        let out = CompareJson { diff: &diff, skew: report::skew_json(&set, Some(&compared)) };
        serde_json::to_string(&out).unwrap_or_default() + "\n"
    } else {
        format!("{}\n{}", report::skew_line(&set, Some(&compared)), compare_text(&diff))
    };
    let stdout = std::io::stdout();
    if stdout.lock().write_all(text.as_bytes()).is_err() {
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

/// `clew compare --json`: the comparison's fields in their order, then `skew`.
#[derive(serde::Serialize)]
struct CompareJson<'a> {
    #[serde(flatten)]
    diff: &'a CohortDiff,
    skew: serde_json::Value,
}

/// The readable form of a cohort comparison: the groups, then one line per path.
fn compare_text(d: &CohortDiff) -> String {
    let signed = |v: f64| if v >= 0.0 { format!("+{}", fmt::duration(v.round() as u64)) } else { fmt::duration_signed(v.round() as i64) };
    let mut out = format!(
        "A: {} traces, mean {}\nB: {} traces, mean {}\nB − A: {}\n\n{:>12} {:>12}  path (critical-path time per trace: B − A, mean span duration: B − A)\n",
        d.a.traces,
        fmt::duration(d.a.mean_duration_ns.round() as u64),
        d.b.traces,
        fmt::duration(d.b.mean_duration_ns.round() as u64),
        signed(d.delta_duration_ns),
        "critical",
        "mean",
    );
    for r in &d.rows {
        let mean = r.delta_mean_ns.map(signed).unwrap_or_else(|| "—".to_string());
        let last = r.path.last().map(|s| s.as_str()).unwrap_or(OUTSIDE_ROOT);
        let note = if r.slower_off_path() { "  (slower, but off the critical path)" } else { "" };
        out.push_str(&format!("{:>12} {:>12}  {}{}{}\n", signed(r.delta_critical_ns), mean, "  ".repeat(r.path.len().saturating_sub(1)), last, note));
    }
    out
}

/// Reads the files into one set (fragments of one trace merge). Refuses the first file
/// that fails to read, or that takes an arena of the builder past its limit: the model's
/// `u32` indices would not hold it, so the message names the file and the limit.
fn load(mut b: SetBuilder, files: &[(String, Vec<u8>)], format: Option<Format>) -> Result<TraceSet, String> {
    for (name, bytes) in files {
        parse::read_input(&mut b, name, bytes, format).map_err(|e| e.to_string())?;
        b.check_arenas().map_err(|full| format!("{name}: {full}"))?;
    }
    Ok(b.finish())
}

fn generate(args: &[String]) -> ExitCode {
    let mut spans: Option<usize> = None;
    let mut traces = 1usize;
    let mut seed = 1u64;
    let mut skew_ms = 0u64;
    let mut format = GenFormat::Otlp;
    let mut out: Option<&str> = None;
    let mut i = 0;
    while i < args.len() {
        let val = args.get(i + 1);
        let need = |name: &str| format!("{name} needs a value");
        match args[i].as_str() {
            "--spans" => match val.and_then(|v| v.replace('_', "").parse().ok()) {
                Some(v) => spans = Some(v),
                None => return fail(&need("--spans (a whole number)")),
            },
            "--traces" => match val.and_then(|v| v.parse().ok()) {
                Some(v) if v > 0 => traces = v,
                _ => return fail(&need("--traces (a whole number above 0)")),
            },
            "--seed" => match val.and_then(|v| v.parse().ok()) {
                Some(v) => seed = v,
                None => return fail(&need("--seed (a whole number)")),
            },
            "--skew-ms" => match val.and_then(|v| v.parse().ok()) {
                Some(v) => skew_ms = v,
                None => return fail(&need("--skew-ms (a whole number of ms)")),
            },
            "--format" => match val.and_then(|v| GenFormat::parse(v)) {
                Some(f) => format = f,
                None => return fail("--format takes otlp, otlp-base64, jaeger or zipkin"),
            },
            "--out" | "-o" => match val {
                Some(v) => out = Some(v),
                None => return fail(&need("--out (a file path)")),
            },
            s => return fail(&format!("unknown argument {s}\n{USAGE}")),
        }
        i += 2;
    }
    let Some(spans) = spans else { return fail(&format!("--spans is required\n{USAGE}")) };
    let mut data = synth::generate(GenOptions { spans, traces, seed });
    if skew_ms > 0 {
        synth::skew(&mut data, skew_ms.saturating_mul(1000));
    }
    let text = synth::encode(&data, format);
    let written = match out {
        Some(path) => std::fs::write(path, text.as_bytes()).map_err(|e| format!("{path}: {e}")),
        None => std::io::stdout().lock().write_all(text.as_bytes()).map_err(|e| e.to_string()),
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&format!("cannot write: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE_SPAN: &str = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]},
        "scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
        "name":"GET /","startTimeUnixNano":"1000","endTimeUnixNano":"2000"}]}]}]}"#;

    fn files(n: usize) -> Vec<(String, Vec<u8>)> {
        (1..=n).map(|k| (format!("part{k}.json"), ONE_SPAN.as_bytes().to_vec())).collect()
    }

    #[test]
    fn load_refuses_the_file_that_passes_the_arena_limit() {
        // Each file adds one span, resource and attribute (fragments of one trace) and no
        // new text (35 bytes: "api", "service.name"… and "unknown_service"): a limit of 40
        // takes 40 files, and the 41st is named with the limit.
        let full =
            "part41.json: too much data for one load: 41 spans, more than the limit of 40. Load fewer or smaller files.";
        let limited = || SetBuilder::with_arena_limit(40);
        assert_eq!(load(limited(), &files(40), None).map(|s| s.spans.len()), Ok(40));
        assert_eq!(load(limited(), &files(41), None).err().as_deref(), Some(full));
        assert_eq!(load(SetBuilder::new(), &files(3), None).map(|s| s.spans.len()), Ok(3));
    }
}
