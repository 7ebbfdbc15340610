//! The shown trace, prepared once per (set, trace): the loaded set and a trace index
//! in; its time bounds, service colors and legend out.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::model::TraceSet;
use crate::ui::state::Loaded;
use crate::view_model::palette;
use crate::view_model::waterfall::TimeWindow;

/// What one trace needs for drawing, computed once per (set, trace).
pub struct TraceView {
    pub loaded: Arc<Loaded>,
    pub trace: usize,
    pub start_ns: u64,
    pub duration_ns: u64,
    /// Palette slot per resource index.
    pub slot_of_resource: Vec<usize>,
    /// Services of this trace with their slot, sorted by name.
    pub legend: Vec<(String, usize)>,
}

impl TraceView {
    pub fn set(&self) -> &TraceSet {
        &self.loaded.set
    }
    pub fn color(&self, span: u32) -> &'static str {
        let r = self.set().spans.get(span as usize).map(|s| s.resource as usize).unwrap_or(0);
        palette::color(self.slot_of_resource.get(r).copied().unwrap_or(0))
    }
    pub fn bounds(&self) -> TimeWindow {
        TimeWindow::of_trace(self.duration_ns)
    }
}

pub fn trace_view(loaded: &Arc<Loaded>, trace: usize) -> Option<TraceView> {
    let set = &loaded.set;
    let t = set.traces.get(trace)?;
    let services: BTreeSet<&str> = set.resources.iter().map(|r| set.str(r.service)).collect();
    let slots = palette::assign(services.iter().copied());
    let slot_of_resource =
        set.resources.iter().map(|r| slots.get(set.str(r.service)).copied().unwrap_or(0)).collect::<Vec<_>>();
    let mut in_trace = BTreeMap::new();
    let mut seen = vec![false; set.resources.len()];
    for s in &set.spans[t.spans.range()] {
        if let Some(flag) = seen.get_mut(s.resource as usize)
            && !*flag {
                *flag = true;
                let name = set.service_of(s).to_string();
                let slot = slots.get(&name).copied().unwrap_or(0);
                in_trace.insert(name, slot);
            }
    }
    Some(TraceView {
        loaded: loaded.clone(),
        trace,
        start_ns: t.start_ns,
        duration_ns: t.duration_ns,
        slot_of_resource,
        legend: in_trace.into_iter().collect(),
    })
}
