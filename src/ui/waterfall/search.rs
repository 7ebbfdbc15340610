//! The find search: a parsed query and the shown trace in, the matching spans
//! (ascending) out — at once on small traces, else in slices that yield to the browser.

use leptos::prelude::*;

use crate::ui::util::{now_ms, record_timing, timed, yield_to_browser, Shared};
use crate::ui::waterfall::trace_view::TraceView;
use crate::view_model::find;

/// A find search works through the spans in slices of about this long (ms of main thread).
const FIND_SLICE_MS: f64 = 40.0;
/// Traces up to this many spans are searched in one go.
const FIND_ONE_GO_SPANS: u32 = 50_000;

thread_local! {
    /// Generation of the running find search; a newer search stops older ones.
    static FIND_JOB: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Runs query `q` over the shown trace into `matches`: at once for small traces, else
/// in slices of [`FIND_SLICE_MS`]. A newer call cancels a running one.
pub fn start_find(view: Option<Shared<TraceView>>, q: find::Query, matches: RwSignal<Shared<Vec<u32>>>, busy: RwSignal<bool>) {
    let job = FIND_JOB.with(|j| {
        j.set(j.get() + 1);
        j.get()
    });
    let range = match &view {
        Some(v) if !q.is_empty() => v.set().traces.get(v.trace).map(|t| t.spans.range()),
        _ => None,
    };
    let (Some(v), Some(range)) = (view, range) else {
        matches.set(Shared::new(Vec::new()));
        busy.set(false);
        return;
    };
    if range.len() <= FIND_ONE_GO_SPANS as usize {
        matches.set(Shared::new(timed("find_ms", || q.find(v.set(), v.trace))));
        busy.set(false);
        return;
    }
    busy.set(true);
    leptos::task::spawn_local(async move {
        let t_start = now_ms();
        let mut found: Vec<u32> = Vec::new();
        let mut i = range.start;
        let end = range.end.min(v.set().spans.len());
        let mut slices = 0u32;
        while i < end {
            let t0 = now_ms();
            while i < end {
                let stop = (i + 4096).min(end);
                let set = v.set();
                found.extend((i..stop).filter(|&k| q.matches(set, &set.spans[k])).map(|k| k as u32));
                i = stop;
                if now_ms() - t0 >= FIND_SLICE_MS {
                    break;
                }
            }
            slices += 1;
            if i < end {
                yield_to_browser().await;
                if FIND_JOB.with(|j| j.get()) != job {
                    return; // A newer query took over.
                }
            }
        }
        record_timing("find_ms", now_ms() - t_start);
        record_timing("find_slices", slices as f64);
        matches.set(Shared::new(found));
        busy.set(false);
    });
}
