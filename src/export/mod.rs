//! Export: a loaded [`TraceSet`](crate::model::TraceSet) in, files for other tools out —
//! OTLP JSON ([`otlp`]) with valid, deterministic ids ([`ids`]).

pub mod ids;
pub mod otlp;
