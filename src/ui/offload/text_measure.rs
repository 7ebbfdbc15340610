//! Text measurement for the charts drawn in the worker: plotters' web font
//! backend sizes every chart label by laying out a `<span>` in `window.document` and
//! reading its `offsetWidth`/`offsetHeight`; a worker has no window and no document.
//! [`install`] gives the worker's global scope the little of `Window`, `document` and
//! `HTMLElement` that this touches — one reusable "span" whose size comes from an
//! `OffscreenCanvas` with the same font (or, without one, from the font size) — so the
//! chart code runs in the worker unchanged. Nothing else uses these names in a worker.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Object, Reflect, Symbol};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{OffscreenCanvas, OffscreenCanvasRenderingContext2d};

/// What the span holds: its text and the CSS font of its style.
#[derive(Default)]
struct Span {
    text: String,
    /// `font-style font-size family`, as canvas `font` takes it.
    font: String,
    size_px: f64,
}

impl Span {
    /// Reads `font-family`, `font-style` and `font-size` from a `style` attribute.
    fn set_style(&mut self, style: &str) {
        let mut family = "sans-serif".to_string();
        let mut slant = "normal".to_string();
        let mut size = 12.0;
        for decl in style.split(';') {
            let Some((k, v)) = decl.split_once(':') else { continue };
            let v = v.trim();
            match k.trim() {
                "font-family" => family = v.to_string(),
                "font-style" => slant = v.to_string(),
                "font-size" => size = v.trim_end_matches("px").trim().parse().unwrap_or(size),
                _ => {}
            }
        }
        self.font = format!("{slant} {size}px {family}");
        self.size_px = size;
    }
}

/// The closures behind the shim, kept for the worker's lifetime.
struct Shim {
    _closures: Vec<Box<dyn std::any::Any>>,
}

thread_local! {
    static SHIM: RefCell<Option<Shim>> = const { RefCell::new(None) };
}

fn define(obj: &Object, key: &JsValue, descriptor: &[(&str, &JsValue)]) {
    let d = Object::new();
    for (k, v) in descriptor {
        let _ = Reflect::set(&d, &JsValue::from_str(k), v);
    }
    let _ = Reflect::set(&d, &"configurable".into(), &JsValue::TRUE);
    Object::define_property(obj, key, &d);
}

/// A function object whose `instanceof` is `test`.
fn class_of(test: Closure<dyn FnMut(JsValue) -> bool>, keep: &mut Vec<Box<dyn std::any::Any>>) -> Function {
    let ctor = Closure::<dyn FnMut()>::new(|| {});
    let f: Function = ctor.as_ref().unchecked_ref::<Function>().clone();
    define(&f, &Symbol::has_instance().into(), &[("value", test.as_ref())]);
    keep.push(Box::new(ctor));
    keep.push(Box::new(test));
    f
}

/// Installs the shim in a worker (does nothing where a document exists).
pub fn install() {
    let global: Object = js_sys::global().unchecked_into();
    if Reflect::has(&global, &"document".into()).unwrap_or(true) || SHIM.with(|s| s.borrow().is_some()) {
        return;
    }
    let ctx: Option<OffscreenCanvasRenderingContext2d> =
        OffscreenCanvas::new(1, 1).ok().and_then(|c| c.get_context("2d").ok().flatten()).and_then(|c| c.dyn_into().ok());
    let span = Rc::new(RefCell::new(Span::default()));
    let mut keep: Vec<Box<dyn std::any::Any>> = Vec::new();
    let element = Object::new();
    let _ = Reflect::set(&element, &"__clewTextMeasure".into(), &JsValue::TRUE);

    let s = span.clone();
    let set_attribute = Closure::<dyn FnMut(String, String)>::new(move |k: String, v: String| {
        if k == "style" {
            s.borrow_mut().set_style(&v);
        }
    });
    let _ = Reflect::set(&element, &"setAttribute".into(), set_attribute.as_ref());
    let s = span.clone();
    let set_text = Closure::<dyn FnMut(JsValue)>::new(move |v: JsValue| s.borrow_mut().text = v.as_string().unwrap_or_default());
    define(&element, &"textContent".into(), &[("set", set_text.as_ref())]);
    let s = span.clone();
    let width = Closure::<dyn FnMut() -> f64>::new(move || {
        let s = s.borrow();
        match &ctx {
            Some(c) => {
                c.set_font(&s.font);
                c.measure_text(&s.text).map(|m| m.width().round()).unwrap_or(0.0)
            }
            None => (s.text.chars().count() as f64 * s.size_px * 0.55).round(),
        }
    });
    define(&element, &"offsetWidth".into(), &[("get", width.as_ref())]);
    let s = span.clone();
    // A span's height with `line-height: normal` is about 1.15 font sizes.
    let height = Closure::<dyn FnMut() -> f64>::new(move || (s.borrow().size_px * 1.15).round());
    define(&element, &"offsetHeight".into(), &[("get", height.as_ref())]);
    let noop = Closure::<dyn FnMut()>::new(|| {});
    let _ = Reflect::set(&element, &"remove".into(), noop.as_ref());

    let body = Object::new();
    let append = Closure::<dyn FnMut(JsValue)>::new(|_| {});
    let _ = Reflect::set(&body, &"append".into(), append.as_ref());
    let document = Object::new();
    let _ = Reflect::set(&document, &"body".into(), &body);
    let el = element.clone();
    let create = Closure::<dyn FnMut(JsValue) -> JsValue>::new(move |_| el.clone().into());
    let _ = Reflect::set(&document, &"createElement".into(), create.as_ref());

    let g = global.clone();
    let window = class_of(Closure::new(move |o: JsValue| o == JsValue::from(g.clone())), &mut keep);
    let html_element = class_of(
        Closure::new(|o: JsValue| o.is_object() && Reflect::get(&o, &"__clewTextMeasure".into()).map(|v| v.is_truthy()).unwrap_or(false)),
        &mut keep,
    );
    let _ = Reflect::set(&global, &"document".into(), &document);
    let _ = Reflect::set(&global, &"Window".into(), &window);
    let _ = Reflect::set(&global, &"HTMLElement".into(), &html_element);
    keep.push(Box::new(set_attribute));
    keep.push(Box::new(set_text));
    keep.push(Box::new(width));
    keep.push(Box::new(height));
    keep.push(Box::new(noop));
    keep.push(Box::new(append));
    keep.push(Box::new(create));
    SHIM.with(|s| *s.borrow_mut() = Some(Shim { _closures: keep }));
}

#[cfg(test)]
mod tests {
    use super::Span;

    #[test]
    fn the_font_comes_from_the_style_attribute() {
        let mut s = Span::default();
        s.set_style("display: inline-block; font-family:sans-serif; font-style:normal; font-size: 12.9px; position: fixed; top: 100%");
        assert_eq!(s.font, "normal 12.9px sans-serif");
        assert_eq!(s.size_px, 12.9);
    }
}
