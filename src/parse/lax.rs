//! Lax JSON containers: an object or list in, the parsed value out, or a mark saying
//! it was missing, `null`, or (wrongly) of another type. [`Lax`] for objects,
//! [`LaxList`] for lists that remember a wrong type, [`LooseVec`] for lists where
//! `null` and absent are simply empty (and a wrong type is a JSON error).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::scalars::{skip_map, skip_seq, visit_nulls, visit_scalars};

/// An object that may be missing, `null`, or (wrongly) not an object.
#[derive(Debug, Default)]
pub(crate) enum Lax<T> {
    Ok(T),
    #[default]
    Null,
    Bad,
}

impl<T> Lax<T> {
    pub(crate) fn get(&self) -> Option<&T> {
        match self {
            Lax::Ok(t) => Some(t),
            _ => None,
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Lax<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Lax<T>, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Lax<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, a: A) -> Result<Lax<T>, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(a)).map(Lax::Ok)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<Lax<T>, A::Error> {
                skip_seq(a).map(|()| Lax::Bad)
            }
            visit_nulls!(|_| Lax::Null);
            visit_scalars!(|_| Lax::Bad);
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// A list that may be missing or `null` (empty), or (wrongly) not a list (`bad`).
#[derive(Debug)]
pub(crate) struct LaxList<T> {
    pub(crate) items: Vec<T>,
    pub(crate) bad: bool,
}

impl<T> Default for LaxList<T> {
    fn default() -> Self {
        LaxList { items: Vec::new(), bad: false }
    }
}

impl<T> LaxList<T> {
    fn bad() -> Self {
        LaxList { items: Vec::new(), bad: true }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for LaxList<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<LaxList<T>, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = LaxList<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<LaxList<T>, A::Error> {
                let mut items = Vec::new();
                while let Some(t) = a.next_element::<T>()? {
                    items.push(t);
                }
                Ok(LaxList { items, bad: false })
            }
            fn visit_map<A: MapAccess<'de>>(self, a: A) -> Result<LaxList<T>, A::Error> {
                skip_map(a).map(|()| LaxList::bad())
            }
            visit_nulls!(|_| LaxList::default());
            visit_scalars!(|_| LaxList::bad());
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// A list that may be `null` or absent (both empty); any other type is a JSON error.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LooseVec<T>(pub(crate) Vec<T>);

impl<T> Default for LooseVec<T> {
    fn default() -> Self {
        LooseVec(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for LooseVec<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<LooseVec<T>, D::Error> {
        let v: Option<Vec<T>> = Option::deserialize(d)?;
        Ok(LooseVec(v.unwrap_or_default()))
    }
}
