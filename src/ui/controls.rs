//! Small form controls bound to signals: a checkbox for a `bool`, a number field for a
//! count of at least 1. Views put them in their own labels.

use std::str::FromStr;

use leptos::prelude::*;

/// A checkbox showing and setting `value`.
pub fn checkbox(value: RwSignal<bool>, testid: &'static str) -> impl IntoView {
    view! {
        <input type="checkbox" data-testid=testid prop:checked=move || value.get()
            on:change=move |ev| value.set(event_target_checked(&ev))/>
    }
}

/// A number field that writes values of at least 1 to `value` on change (other input is ignored).
pub fn count_input<T>(value: RwSignal<T>, testid: &'static str) -> impl IntoView
where
    T: FromStr + Ord + From<u8> + ToString + Copy + Send + Sync + 'static,
{
    view! {
        <input type="number" min="1" style="width:5em" data-testid=testid
            prop:value=move || value.get().to_string()
            on:change=move |ev| {
                if let Ok(v) = event_target_value(&ev).trim().parse::<T>() {
                    value.set(v.max(T::from(1)));
                }
            }/>
    }
}
