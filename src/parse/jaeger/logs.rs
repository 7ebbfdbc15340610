//! Jaeger logs in, events in the builder's arena out: `logs: [{timestamp, fields}]`
//! streamed into `b.events` (fields into `b.attrs` as tags), each event named by its
//! `event` or `message` field, else "log". A log without a usable timestamp is shown
//! at its span's start; what is wrong becomes a problem for the span's warnings.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::tags::{TagsOut, TagsSeed};
use crate::model::builder::SetBuilder;
use crate::model::{AttrValue, Event, Range32, StrId};
use crate::parse::scalars::{skip_map, skip_seq, visit_nulls, visit_scalars, Scalar};
use crate::parse::span::{attrs_in, Keys, NO_TIME};
use crate::parse::time::{scalar_time_ns, Parsed};

/// Why a log element was ignored when it is not an object.
const NOT_AN_OBJECT: &str = "is not an object; ignored";

/// What a streamed log list produced.
#[derive(Debug, Default)]
pub(super) struct LogsOut {
    pub(super) range: Range32,
    pub(super) problems: Vec<String>,
}

/// Streams `logs: [{timestamp, fields}]` into `b.events` (fields into `b.attrs`).
pub(super) struct LogsSeed<'c> {
    pub(super) b: &'c mut SetBuilder,
    pub(super) keys: Keys,
}

impl<'de, 'c> DeserializeSeed<'de> for LogsSeed<'c> {
    type Value = LogsOut;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<LogsOut, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, 'c> Visitor<'de> for LogsSeed<'c> {
    type Value = LogsOut;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of logs")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<LogsOut, A::Error> {
        let start = self.b.events.len();
        let mut problems = Vec::new();
        let mut i = 0usize;
        while let Some(r) = a.next_element_seed(LogSeed { b: &mut *self.b, keys: self.keys })? {
            if let Err(p) = r {
                problems.push(format!("logs[{i}]: {p}"));
            }
            i += 1;
        }
        Ok(LogsOut { range: Range32::new(start, self.b.events.len()), problems })
    }
    fn visit_map<A: MapAccess<'de>>(self, a: A) -> Result<LogsOut, A::Error> {
        skip_map(a).map(|()| self.not_list())
    }
    visit_nulls!(|s| LogsOut { range: Range32::new(s.b.events.len(), s.b.events.len()), problems: Vec::new() });
    visit_scalars!(|s| s.not_list());
}

impl LogsSeed<'_> {
    fn not_list(&self) -> LogsOut {
        let n = self.b.events.len();
        LogsOut { range: Range32::new(n, n), problems: vec!["\"logs\" is not a list; ignored".to_string()] }
    }
}

#[derive(Deserialize)]
#[serde(field_identifier)]
enum LogKey {
    #[serde(rename = "timestamp")]
    Timestamp,
    #[serde(rename = "fields")]
    Fields,
    #[serde(other)]
    Other,
}

/// One log: pushes an event, or returns why it could not (not an object).
struct LogSeed<'c> {
    b: &'c mut SetBuilder,
    keys: Keys,
}

impl<'de, 'c> DeserializeSeed<'de> for LogSeed<'c> {
    type Value = Result<(), String>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, 'c> Visitor<'de> for LogSeed<'c> {
    type Value = Result<(), String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a log object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
        let mut ts: Scalar<'de> = Scalar::Null;
        let mut fields: Option<TagsOut> = None;
        while let Some(k) = a.next_key::<LogKey>()? {
            match k {
                LogKey::Timestamp => ts = a.next_value()?,
                LogKey::Fields => fields = Some(a.next_value_seed(TagsSeed { b: &mut *self.b })?),
                LogKey::Other => {
                    a.next_value::<IgnoredAny>()?;
                }
            }
        }
        let attrs = fields.map(|f| f.range).unwrap_or_default();
        let mut name = StrId::EMPTY;
        for key in [self.keys.event, self.keys.message] {
            if let Some(AttrValue::Str(s)) = attrs_in(self.b, attrs).iter().find(|x| x.key == key).map(|x| x.value)
                && !s.is_empty()
            {
                name = s;
                break;
            }
        }
        if name.is_empty() {
            name = self.keys.log;
        }
        let (time_ns, problem) = match scalar_time_ns(&ts) {
            Parsed::Ns(t) => (t, None),
            Parsed::Missing => (NO_TIME, Some("log has no timestamp; shown at the span's start".to_string())),
            Parsed::Negative | Parsed::Bad => {
                (NO_TIME, Some(format!("log timestamp {} is not a valid time; shown at the span's start", ts.show())))
            }
        };
        self.b.events.push(Event { time_ns, name, attrs, dropped_attrs: 0 });
        match problem {
            Some(p) => Ok(Err(p)),
            None => Ok(Ok(())),
        }
    }
    fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<Self::Value, A::Error> {
        skip_seq(a).map(|()| Err(NOT_AN_OBJECT.to_string()))
    }
    visit_nulls!(|_| Err("is null; ignored".to_string()));
    visit_scalars!(|_| Err(NOT_AN_OBJECT.to_string()));
}
