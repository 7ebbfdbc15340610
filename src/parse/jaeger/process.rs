//! Jaeger processes in, deduplicated resources out: a span's embedded `process`, or
//! its `processID` looked up in the trace's `processes` map once the trace object
//! closes (the map may come after the spans). A span whose process cannot be found
//! gets the resource without a service, and a warning.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::tags::{push_tag, JTag};
use super::{Ctx, Frame};
use crate::model::{Range32, StrId, WarningKind, NO_SPAN};
use crate::parse::lax::{Lax, LaxList};
use crate::parse::scalars::{clip, skip_seq, visit_nulls, visit_scalars, Text};

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub(super) struct JProcess<'a> {
    #[serde(borrow, rename = "serviceName", alias = "service_name")]
    service_name: Text<'a>,
    #[serde(borrow)]
    tags: LaxList<Lax<JTag<'a>>>,
}

/// `processes: {pid: process}` (ids borrowed); anything else is empty.
#[derive(Default, Debug)]
pub(super) struct ProcMap<'a>(Vec<(Cow<'a, str>, JProcess<'a>)>);

impl<'de: 'a, 'a> Deserialize<'de> for ProcMap<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ProcMap<'a>, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = ProcMap<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of processes")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<ProcMap<'a>, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = a.next_key::<Text<'de>>()? {
                    let p: Lax<JProcess<'de>> = a.next_value()?;
                    if let (Text::Str(k), Lax::Ok(p)) = (k, p) {
                        out.push((k, p));
                    }
                }
                Ok(ProcMap(out))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<ProcMap<'a>, A::Error> {
                skip_seq(a).map(|()| ProcMap::default())
            }
            visit_nulls!(|_| ProcMap::default());
            visit_scalars!(|_| ProcMap::default());
        }
        d.deserialize_any(V(PhantomData))
    }
}

impl<'a> Ctx<'a, '_> {
    pub(super) fn no_service(&mut self) -> u32 {
        if let Some(r) = self.docs.no_service {
            return r;
        }
        let r = self.b.add_resource("", Range32::default(), 0, StrId::EMPTY);
        self.docs.no_service = Some(r);
        r
    }

    /// The (deduplicated) resource of a process.
    pub(super) fn process_resource(&mut self, p: &JProcess) -> u32 {
        let service = p.service_name.or_empty();
        let mut key = String::with_capacity(service.len() + 16);
        key.push_str(service);
        for t in &p.tags.items {
            if let Lax::Ok(t) = t {
                key.push('\u{1f}');
                key.push_str(t.key.or_empty());
                for v in [&t.ty, &t.value, &t.v_str, &t.v_bool, &t.v_int64, &t.v_float64, &t.v_binary] {
                    key.push('\u{1e}');
                    if let Some(x) = v.text() {
                        key.push_str(&x);
                    }
                }
            }
        }
        if let Some(&r) = self.docs.res_cache.get(&key) {
            return r;
        }
        let start = self.b.attrs.len();
        for t in &p.tags.items {
            if let Lax::Ok(t) = t {
                push_tag(self.b, t);
            }
        }
        let r = self.b.add_resource(service, Range32::new(start, self.b.attrs.len()), 0, StrId::EMPTY);
        self.docs.res_cache.insert(key, r);
        r
    }

    /// Resolves the processIDs of a finished trace and attaches its warnings.
    pub(super) fn close_frame(&mut self, frame: Frame<'a>, processes: Option<&ProcMap<'a>>, trace_warnings: &[String]) {
        if !frame.pending.is_empty() {
            let procs: HashMap<&str, &JProcess> =
                processes.map(|p| p.0.iter().map(|(k, v)| (k.as_ref(), v)).collect()).unwrap_or_default();
            let mut resolved: HashMap<&str, u32> = HashMap::new();
            for (raw, pid) in &frame.pending {
                let r = match resolved.get(pid.as_ref()) {
                    Some(&r) => r,
                    None => {
                        let r = match procs.get(pid.as_ref()) {
                            Some(p) => self.process_resource(p),
                            None => NO_SPAN,
                        };
                        resolved.insert(pid.as_ref(), r);
                        r
                    }
                };
                let r = if r == NO_SPAN {
                    let where_ = if processes.is_some() { "the trace's processes" } else { "a \"processes\" map" };
                    self.b.warn(
                        WarningKind::Input,
                        *raw,
                        format!("processID {:?} is not in {where_}; the span has no service", clip(pid)),
                    );
                    self.no_service()
                } else {
                    r
                };
                if let Some(s) = self.b.spans.get_mut(*raw as usize) {
                    s.resource = r;
                }
            }
        }
        for w in trace_warnings {
            let span = frame.first_span.unwrap_or(NO_SPAN);
            self.b.warn(WarningKind::Input, span, format!("trace warning: {w}"));
        }
    }
}
