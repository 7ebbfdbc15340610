//! Jaeger tags in, attributes in the builder's arena out: a tag list (`[{key, type,
//! value}…]` of the UI model or `[{key, vType, vStr…}]` of api_v2, or tolerantly
//! `{key: value}`) streamed into `b.attrs`, each value converted following its
//! declared type; a value that does not fit its type is kept as text.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::model::builder::SetBuilder;
use crate::model::{Attr, AttrValue, Range32, StrId};
use crate::parse::lax::Lax;
use crate::parse::scalars::{visit_nulls, visit_scalars, Scalar, Text};

/// A Jaeger tag / log field / process tag in either spelling.
#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub(super) struct JTag<'a> {
    #[serde(borrow)]
    pub(super) key: Text<'a>,
    #[serde(borrow, rename = "type", alias = "vType", alias = "v_type")]
    pub(super) ty: Scalar<'a>,
    #[serde(borrow)]
    pub(super) value: Scalar<'a>,
    #[serde(borrow, rename = "vStr", alias = "v_str")]
    pub(super) v_str: Scalar<'a>,
    #[serde(borrow, rename = "vBool", alias = "v_bool")]
    pub(super) v_bool: Scalar<'a>,
    #[serde(borrow, rename = "vInt64", alias = "v_int64")]
    pub(super) v_int64: Scalar<'a>,
    #[serde(borrow, rename = "vFloat64", alias = "v_float64")]
    pub(super) v_float64: Scalar<'a>,
    #[serde(borrow, rename = "vBinary", alias = "v_binary")]
    pub(super) v_binary: Scalar<'a>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum TagType {
    Str,
    Bool,
    Int,
    Float,
    Binary,
    /// Unknown or absent: inferred from the JSON value.
    Infer,
}

fn tag_type(ty: &Scalar) -> TagType {
    match ty {
        Scalar::Str(s) => {
            let s = s.trim();
            if s.eq_ignore_ascii_case("string") {
                TagType::Str
            } else if s.eq_ignore_ascii_case("bool") || s.eq_ignore_ascii_case("boolean") {
                TagType::Bool
            } else if s.eq_ignore_ascii_case("int64") || s.eq_ignore_ascii_case("int") {
                TagType::Int
            } else if s.eq_ignore_ascii_case("float64") || s.eq_ignore_ascii_case("float") || s.eq_ignore_ascii_case("double") {
                TagType::Float
            } else if s.eq_ignore_ascii_case("binary") {
                TagType::Binary
            } else {
                TagType::Infer
            }
        }
        Scalar::U(0) => TagType::Str,
        Scalar::U(1) => TagType::Bool,
        Scalar::U(2) => TagType::Int,
        Scalar::U(3) => TagType::Float,
        Scalar::U(4) => TagType::Binary,
        _ => TagType::Infer,
    }
}

fn infer_value(b: &mut SetBuilder, v: &Scalar) -> AttrValue {
    match v {
        Scalar::Str(s) => AttrValue::Str(b.str_value(s)),
        Scalar::Bool(x) => AttrValue::Bool(*x),
        Scalar::U(x) => match i64::try_from(*x) {
            Ok(i) => AttrValue::Int(i),
            Err(_) => AttrValue::Str(b.str_value(&x.to_string())),
        },
        Scalar::I(x) => AttrValue::Int(*x),
        Scalar::F(x) => AttrValue::Double(*x),
        Scalar::Other | Scalar::Null => AttrValue::Empty,
    }
}

fn text_value(b: &mut SetBuilder, v: &Scalar) -> AttrValue {
    match v.text() {
        Some(t) => AttrValue::Str(b.str_value(&t)),
        None => AttrValue::Empty,
    }
}

/// Converts a tag value following its declared type; a value that does not fit the
/// type is kept as text.
fn typed_value(b: &mut SetBuilder, ty: TagType, v: &Scalar) -> AttrValue {
    if matches!(v, Scalar::Null | Scalar::Other) {
        return AttrValue::Empty;
    }
    match ty {
        TagType::Infer => infer_value(b, v),
        TagType::Str => text_value(b, v),
        TagType::Bool => match v {
            Scalar::Bool(x) => AttrValue::Bool(*x),
            Scalar::Str(s) if s.trim().eq_ignore_ascii_case("true") => AttrValue::Bool(true),
            Scalar::Str(s) if s.trim().eq_ignore_ascii_case("false") => AttrValue::Bool(false),
            Scalar::U(0) => AttrValue::Bool(false),
            Scalar::U(1) => AttrValue::Bool(true),
            _ => text_value(b, v),
        },
        TagType::Int => match v {
            Scalar::U(x) => match i64::try_from(*x) {
                Ok(i) => AttrValue::Int(i),
                Err(_) => text_value(b, v),
            },
            Scalar::I(x) => AttrValue::Int(*x),
            Scalar::F(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => AttrValue::Int(*x as i64),
            Scalar::F(x) => AttrValue::Double(*x),
            Scalar::Str(s) => match s.trim().parse::<i64>() {
                Ok(i) => AttrValue::Int(i),
                Err(_) => text_value(b, v),
            },
            Scalar::Bool(_) | Scalar::Other | Scalar::Null => text_value(b, v),
        },
        TagType::Float => match v {
            Scalar::U(x) => AttrValue::Double(*x as f64),
            Scalar::I(x) => AttrValue::Double(*x as f64),
            Scalar::F(x) => AttrValue::Double(*x),
            Scalar::Str(s) => match s.trim().parse::<f64>() {
                Ok(f) => AttrValue::Double(f),
                Err(_) => text_value(b, v),
            },
            Scalar::Bool(_) | Scalar::Other | Scalar::Null => text_value(b, v),
        },
        TagType::Binary => match v {
            Scalar::Str(s) => AttrValue::Bytes(b.str_value(s)),
            _ => text_value(b, v),
        },
    }
}

/// The attribute value of one tag, in the UI (`type`/`value`) or api_v2 (`vType`/`v*`) shape.
fn tag_attr_value(b: &mut SetBuilder, t: &JTag) -> AttrValue {
    let ty = tag_type(&t.ty);
    if !t.value.is_null() {
        return typed_value(b, ty, &t.value);
    }
    // api_v2: the value sits in the field of its type; proto3 JSON omits defaults.
    let ty = if ty == TagType::Infer && t.ty.is_null() {
        if !t.v_bool.is_null() {
            TagType::Bool
        } else if !t.v_int64.is_null() {
            TagType::Int
        } else if !t.v_float64.is_null() {
            TagType::Float
        } else if !t.v_binary.is_null() {
            TagType::Binary
        } else if !t.v_str.is_null() {
            TagType::Str
        } else {
            // Neither a value nor a type: an empty attribute.
            return AttrValue::Empty;
        }
    } else {
        ty
    };
    let field = match ty {
        TagType::Str | TagType::Infer => &t.v_str,
        TagType::Bool => &t.v_bool,
        TagType::Int => &t.v_int64,
        TagType::Float => &t.v_float64,
        TagType::Binary => &t.v_binary,
    };
    if field.is_null() {
        return match ty {
            TagType::Str | TagType::Infer => AttrValue::Str(StrId::EMPTY),
            TagType::Bool => AttrValue::Bool(false),
            TagType::Int => AttrValue::Int(0),
            TagType::Float => AttrValue::Double(0.0),
            TagType::Binary => AttrValue::Bytes(StrId::EMPTY),
        };
    }
    typed_value(b, ty, field)
}

pub(super) fn push_tag(b: &mut SetBuilder, t: &JTag) {
    let key = b.strings.intern(t.key.or_empty());
    let value = tag_attr_value(b, t);
    b.attrs.push(Attr { key, value });
}

/// What a streamed tag list produced.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct TagsOut {
    pub(super) range: Range32,
    /// Elements that were not objects.
    pub(super) bad_items: u32,
    /// The list itself was not a list.
    pub(super) not_list: bool,
}

/// Streams a tag list (`[{key,type,value}…]`, or tolerantly `{key: value}`) into `b.attrs`.
pub(super) struct TagsSeed<'c> {
    pub(super) b: &'c mut SetBuilder,
}

impl<'de, 'c> DeserializeSeed<'de> for TagsSeed<'c> {
    type Value = TagsOut;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<TagsOut, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, 'c> Visitor<'de> for TagsSeed<'c> {
    type Value = TagsOut;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of tags")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<TagsOut, A::Error> {
        let start = self.b.attrs.len();
        let mut bad_items = 0;
        while let Some(t) = a.next_element::<Lax<JTag<'de>>>()? {
            match t {
                Lax::Ok(t) => push_tag(self.b, &t),
                Lax::Null | Lax::Bad => bad_items += 1,
            }
        }
        Ok(TagsOut { range: Range32::new(start, self.b.attrs.len()), bad_items, not_list: false })
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<TagsOut, A::Error> {
        // Not Jaeger's shape, but unambiguous: {key: value, …}.
        let start = self.b.attrs.len();
        while let Some(k) = a.next_key::<Text<'de>>()? {
            let v: Scalar<'de> = a.next_value()?;
            let key = self.b.strings.intern(k.or_empty());
            let value = infer_value(self.b, &v);
            self.b.attrs.push(Attr { key, value });
        }
        Ok(TagsOut { range: Range32::new(start, self.b.attrs.len()), bad_items: 0, not_list: false })
    }
    visit_nulls!(|s| TagsOut { range: Range32::new(s.b.attrs.len(), s.b.attrs.len()), ..TagsOut::default() });
    visit_scalars!(|_| TagsOut { not_list: true, ..TagsOut::default() });
}
