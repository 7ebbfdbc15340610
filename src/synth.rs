//! A seed and a size in, a realistic synthetic trace file out (OTLP with hex or
//! base64 ids, Jaeger or Zipkin), for benchmarks and cross-format tests.
//!
//! The same seed gives the same traces in every format. Times are whole
//! microseconds so that Jaeger and Zipkin (µs on the wire) carry them exactly;
//! only kinds every format can carry are used (server, client, producer).

use std::fmt::Write as _;

/// Output encodings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenFormat {
    Otlp,
    OtlpBase64,
    Jaeger,
    Zipkin,
}

impl GenFormat {
    pub fn parse(s: &str) -> Option<GenFormat> {
        match s {
            "otlp" => Some(GenFormat::Otlp),
            "otlp-base64" => Some(GenFormat::OtlpBase64),
            "jaeger" => Some(GenFormat::Jaeger),
            "zipkin" => Some(GenFormat::Zipkin),
            _ => None,
        }
    }
}

/// What to generate.
#[derive(Clone, Copy, Debug)]
pub struct GenOptions {
    pub spans: usize,
    pub traces: usize,
    pub seed: u64,
}

const SERVICES: [&str; 12] = [
    "frontend", "api-gateway", "auth-service", "cart-service", "checkout-service", "payment-service",
    "inventory-service", "search-service", "recommendation-service", "llm-router", "notification-service",
    "shipping-service",
];
const OPS: [&str; 8] = ["GET /items", "POST /orders", "handle", "validate", "lookup", "render", "publish", "compute"];
const MODELS: [&str; 3] = ["gpt-4o-mini", "claude-3-5-sonnet-20241022", "text-embedding-3-small"];

/// Kind of a generated span: 2 server, 3 client, 4 producer.
#[derive(Clone, Debug)]
pub struct GenSpan {
    pub trace: u128,
    pub id: u64,
    pub parent: Option<u64>,
    pub service: usize,
    pub name: String,
    pub kind: u8,
    pub start_us: u64,
    pub duration_us: u64,
    pub error: bool,
    /// (key, value) string tags; numeric values are written as ints in OTLP/Jaeger.
    pub tags: Vec<(&'static str, GenVal)>,
    pub event: Option<(u64, &'static str)>,
}

#[derive(Clone, Debug)]
pub enum GenVal {
    Str(String),
    Int(i64),
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }
}

fn mix(x: u64) -> u64 {
    let mut r = Rng(x);
    r.next()
}

/// Generates the spans (all traces, in trace order, parents before children).
pub fn generate(opts: GenOptions) -> Vec<GenSpan> {
    let traces = opts.traces.max(1);
    let mut rng = Rng(opts.seed ^ 0x5EED);
    let mut out = Vec::with_capacity(opts.spans);
    let base_us: u64 = 1_700_000_000_000_000;
    let mut counter: u64 = opts.seed.wrapping_mul(1_000_003);
    for t in 0..traces {
        let n = opts.spans / traces + usize::from(t < opts.spans % traces);
        if n == 0 {
            continue;
        }
        let trace_id = ((rng.next() as u128) << 64) | rng.next() as u128 | 1;
        let first = out.len();
        let root_start = base_us + t as u64 * 7_000_000 + rng.below(1_000_000);
        let root_dur = 200_000 + rng.below(4_000_000) + n as u64 * 20;
        counter += 1;
        out.push(GenSpan {
            trace: trace_id,
            id: mix(counter) | 1,
            parent: None,
            service: 0,
            name: "GET /checkout".to_string(),
            kind: 2,
            start_us: root_start,
            duration_us: root_dur,
            error: false,
            tags: vec![("http.request.method", GenVal::Str("GET".into())), ("http.route", GenVal::Str("/checkout".into()))],
            event: None,
        });
        let mut depth: Vec<u32> = vec![0];
        for i in 1..n {
            // Parent: usually a recent span (depth), sometimes any span (width).
            let len = i;
            let mut p = if rng.chance(550) { len - 1 - rng.below(len.min(6) as u64) as usize } else { rng.below(len as u64) as usize };
            if depth[p] >= 24 || out[first + p].duration_us < 4 {
                p = rng.below(len.min(50) as u64) as usize;
                if out[first + p].duration_us < 4 {
                    p = 0;
                }
            }
            let parent = out[first + p].clone();
            let offset = rng.below(parent.duration_us * 6 / 10 + 1);
            let remaining = parent.duration_us - offset;
            let dur = (remaining * (20 + rng.below(70)) / 100).max(1);
            let same_service = rng.chance(400);
            let service = if same_service { parent.service } else { 1 + rng.below(SERVICES.len() as u64 - 1) as usize };
            let roll = rng.below(1000);
            let mut tags: Vec<(&'static str, GenVal)> = Vec::new();
            let (name, kind) = if roll < 150 {
                let table = ["orders", "items", "users", "carts"][rng.below(4) as usize];
                tags.push(("db.system", GenVal::Str("postgresql".into())));
                tags.push(("db.name", GenVal::Str("shop".into())));
                tags.push(("db.statement", GenVal::Str(format!("SELECT * FROM {table} WHERE id = ?"))));
                (format!("SELECT {table}"), 3u8)
            } else if roll < 180 {
                let model = MODELS[rng.below(MODELS.len() as u64) as usize];
                tags.push(("gen_ai.system", GenVal::Str(if model.starts_with("claude") { "anthropic" } else { "openai" }.into())));
                tags.push(("gen_ai.request.model", GenVal::Str(model.into())));
                tags.push(("gen_ai.usage.input_tokens", GenVal::Int(50 + rng.below(3000) as i64)));
                tags.push(("gen_ai.usage.output_tokens", GenVal::Int(rng.below(800) as i64)));
                ("chat".to_string(), 3u8)
            } else if roll < 195 {
                tags.push(("messaging.system", GenVal::Str("kafka".into())));
                tags.push(("messaging.destination.name", GenVal::Str("events".into())));
                ("events publish".to_string(), 4u8)
            } else {
                let op = OPS[rng.below(OPS.len() as u64) as usize];
                (op.to_string(), if same_service { 3u8 } else { 2u8 })
            };
            let error = rng.chance(10);
            let event = if rng.chance(100) { Some((rng.below(dur + 1), "cache.miss")) } else { None };
            counter += 1;
            out.push(GenSpan {
                trace: trace_id,
                id: mix(counter) | 1,
                parent: Some(parent.id),
                service,
                name,
                kind,
                start_us: parent.start_us + offset,
                duration_us: dur,
                error,
                tags,
                event,
            });
            depth.push(depth[p] + 1);
        }
    }
    out
}

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(o, "\\u{:04x}", c as u32);
            }
            c => o.push(c),
        }
    }
    o
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64(bytes: &[u8]) -> String {
    let mut o = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = ((b[0] as u32) << 16) | ((b[1] as u32) << 8) | b[2] as u32;
        o.push(B64[(n >> 18) as usize & 63] as char);
        o.push(B64[(n >> 12) as usize & 63] as char);
        o.push(if chunk.len() > 1 { B64[(n >> 6) as usize & 63] as char } else { '=' });
        o.push(if chunk.len() > 2 { B64[n as usize & 63] as char } else { '=' });
    }
    o
}

fn tid(t: u128, b64: bool) -> String {
    if b64 {
        base64(&t.to_be_bytes())
    } else {
        format!("{t:032x}")
    }
}
fn sid(s: u64, b64: bool) -> String {
    if b64 {
        base64(&s.to_be_bytes())
    } else {
        format!("{s:016x}")
    }
}

/// Skews the clocks: every span called from another service starts `early_us` earlier
/// than its caller's clock would put it, as if each callee's clock ran that much behind
/// its caller's; its subtree follows (so the skew adds up along a chain of calls). This is
/// the case the clock-skew adjustment moves back into each caller's window. Spans come
/// parents first, as [`generate`] makes them.
pub fn skew(spans: &mut [GenSpan], early_us: u64) {
    // Per span: its service and how far it was moved back.
    let mut moved: rustc_hash::FxHashMap<(u128, u64), (usize, u64)> = rustc_hash::FxHashMap::default();
    for s in spans.iter_mut() {
        let back = match s.parent.and_then(|p| moved.get(&(s.trace, p))) {
            Some(&(service, back)) if service != s.service => back.saturating_add(early_us),
            Some(&(_, back)) => back,
            None => 0,
        };
        // (An event's time is an offset from its span's start and moves with it.)
        s.start_us = s.start_us.saturating_sub(back);
        moved.insert((s.trace, s.id), (s.service, back));
    }
}

/// Writes the spans in the chosen encoding.
pub fn encode(spans: &[GenSpan], format: GenFormat) -> String {
    let mut o = String::with_capacity(spans.len() * 420);
    match format {
        GenFormat::Otlp | GenFormat::OtlpBase64 => {
            let b64 = format == GenFormat::OtlpBase64;
            o.push_str("{\"resourceSpans\":[");
            let mut first_rs = true;
            for (si, svc) in SERVICES.iter().enumerate() {
                if !spans.iter().any(|s| s.service == si) {
                    continue;
                }
                if !first_rs {
                    o.push(',');
                }
                first_rs = false;
                let _ = write!(
                    o,
                    "{{\"resource\":{{\"attributes\":[{{\"key\":\"service.name\",\"value\":{{\"stringValue\":\"{svc}\"}}}}]}},\"scopeSpans\":[{{\"scope\":{{\"name\":\"clew-gen\",\"version\":\"1\"}},\"spans\":["
                );
                let mut first = true;
                for s in spans.iter().filter(|s| s.service == si) {
                    if !first {
                        o.push(',');
                    }
                    first = false;
                    let _ = write!(o, "{{\"traceId\":\"{}\",\"spanId\":\"{}\"", tid(s.trace, b64), sid(s.id, b64));
                    if let Some(p) = s.parent {
                        let _ = write!(o, ",\"parentSpanId\":\"{}\"", sid(p, b64));
                    }
                    let _ = write!(
                        o,
                        ",\"name\":\"{}\",\"kind\":{},\"startTimeUnixNano\":\"{}\",\"endTimeUnixNano\":\"{}\",\"attributes\":[",
                        esc(&s.name),
                        s.kind,
                        s.start_us * 1000,
                        (s.start_us + s.duration_us) * 1000
                    );
                    for (k, (key, v)) in s.tags.iter().enumerate() {
                        if k > 0 {
                            o.push(',');
                        }
                        match v {
                            GenVal::Str(x) => {
                                let _ = write!(o, "{{\"key\":\"{key}\",\"value\":{{\"stringValue\":\"{}\"}}}}", esc(x));
                            }
                            GenVal::Int(x) => {
                                let _ = write!(o, "{{\"key\":\"{key}\",\"value\":{{\"intValue\":\"{x}\"}}}}");
                            }
                        }
                    }
                    o.push(']');
                    if let Some((off, name)) = s.event {
                        let _ = write!(o, ",\"events\":[{{\"timeUnixNano\":\"{}\",\"name\":\"{name}\"}}]", (s.start_us + off) * 1000);
                    }
                    if s.error {
                        o.push_str(",\"status\":{\"code\":2,\"message\":\"failed\"}");
                    }
                    o.push('}');
                }
                o.push_str("]}]}");
            }
            o.push_str("]}");
        }
        GenFormat::Jaeger => {
            o.push_str("{\"data\":[");
            let mut i = 0;
            let mut first_t = true;
            while i < spans.len() {
                let t = spans[i].trace;
                let mut j = i;
                while j < spans.len() && spans[j].trace == t {
                    j += 1;
                }
                if !first_t {
                    o.push(',');
                }
                first_t = false;
                let _ = write!(o, "{{\"traceID\":\"{}\",\"spans\":[", tid(t, false));
                for (k, s) in spans[i..j].iter().enumerate() {
                    if k > 0 {
                        o.push(',');
                    }
                    let _ = write!(o, "{{\"traceID\":\"{}\",\"spanID\":\"{}\",\"operationName\":\"{}\",\"references\":[", tid(t, false), sid(s.id, false), esc(&s.name));
                    if let Some(p) = s.parent {
                        let _ = write!(o, "{{\"refType\":\"CHILD_OF\",\"traceID\":\"{}\",\"spanID\":\"{}\"}}", tid(t, false), sid(p, false));
                    }
                    let _ = write!(o, "],\"startTime\":{},\"duration\":{},\"tags\":[", s.start_us, s.duration_us);
                    let kind = match s.kind {
                        2 => "server",
                        4 => "producer",
                        _ => "client",
                    };
                    let _ = write!(o, "{{\"key\":\"span.kind\",\"type\":\"string\",\"value\":\"{kind}\"}}");
                    for (key, v) in &s.tags {
                        match v {
                            GenVal::Str(x) => {
                                let _ = write!(o, ",{{\"key\":\"{key}\",\"type\":\"string\",\"value\":\"{}\"}}", esc(x));
                            }
                            GenVal::Int(x) => {
                                let _ = write!(o, ",{{\"key\":\"{key}\",\"type\":\"int64\",\"value\":{x}}}");
                            }
                        }
                    }
                    if s.error {
                        o.push_str(",{\"key\":\"error\",\"type\":\"bool\",\"value\":true},{\"key\":\"otel.status_description\",\"type\":\"string\",\"value\":\"failed\"}");
                    }
                    o.push_str("],\"logs\":[");
                    if let Some((off, name)) = s.event {
                        let _ = write!(o, "{{\"timestamp\":{},\"fields\":[{{\"key\":\"event\",\"type\":\"string\",\"value\":\"{name}\"}}]}}", s.start_us + off);
                    }
                    let _ = write!(o, "],\"processID\":\"p{}\"}}", s.service);
                }
                o.push_str("],\"processes\":{");
                let mut used: Vec<usize> = spans[i..j].iter().map(|s| s.service).collect();
                used.sort_unstable();
                used.dedup();
                for (k, svc) in used.iter().enumerate() {
                    if k > 0 {
                        o.push(',');
                    }
                    let _ = write!(o, "\"p{svc}\":{{\"serviceName\":\"{}\",\"tags\":[]}}", SERVICES[*svc]);
                }
                o.push_str("}}");
                i = j;
            }
            o.push_str("]}");
        }
        GenFormat::Zipkin => {
            o.push('[');
            for (k, s) in spans.iter().enumerate() {
                if k > 0 {
                    o.push(',');
                }
                let _ = write!(o, "{{\"traceId\":\"{}\",\"id\":\"{}\"", tid(s.trace, false), sid(s.id, false));
                if let Some(p) = s.parent {
                    let _ = write!(o, ",\"parentId\":\"{}\"", sid(p, false));
                }
                let kind = match s.kind {
                    2 => "SERVER",
                    4 => "PRODUCER",
                    _ => "CLIENT",
                };
                let _ = write!(
                    o,
                    ",\"kind\":\"{kind}\",\"name\":\"{}\",\"timestamp\":{},\"duration\":{},\"localEndpoint\":{{\"serviceName\":\"{}\"}}",
                    esc(&s.name),
                    s.start_us,
                    s.duration_us,
                    SERVICES[s.service]
                );
                if let Some((off, name)) = s.event {
                    let _ = write!(o, ",\"annotations\":[{{\"timestamp\":{},\"value\":\"{name}\"}}]", s.start_us + off);
                }
                o.push_str(",\"tags\":{");
                let mut first = true;
                for (key, v) in &s.tags {
                    if !first {
                        o.push(',');
                    }
                    first = false;
                    let text = match v {
                        GenVal::Str(x) => esc(x),
                        GenVal::Int(x) => x.to_string(),
                    };
                    let _ = write!(o, "\"{key}\":\"{text}\"");
                }
                if s.error {
                    if !first {
                        o.push(',');
                    }
                    o.push_str("\"error\":\"failed\"");
                }
                o.push_str("}}");
            }
            o.push(']');
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_traces() {
        let a = generate(GenOptions { spans: 500, traces: 3, seed: 7 });
        let b = generate(GenOptions { spans: 500, traces: 3, seed: 7 });
        assert_eq!(a.len(), 500);
        assert_eq!(encode(&a, GenFormat::Otlp), encode(&b, GenFormat::Otlp));
        // Children lie inside their parents.
        for s in &a {
            if let Some(p) = s.parent {
                let ps = a.iter().find(|x| x.id == p && x.trace == s.trace).expect("parent exists");
                assert!(s.start_us >= ps.start_us);
                assert!(s.start_us + s.duration_us <= ps.start_us + ps.duration_us);
            }
        }
    }

    #[test]
    fn base64_matches_known_values() {
        assert_eq!(base64(&[0, 0, 0, 0, 0, 0, 0, 1]), "AAAAAAAAAAE=");
        assert_eq!(base64(b"Man"), "TWFu");
    }
}
