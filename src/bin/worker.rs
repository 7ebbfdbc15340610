//! The parse worker's entry point (built by trunk with `data-type="worker"`):
//! file bytes in through `postMessage`, a snapshot of the parsed set out.
//! Natively it does nothing.

fn main() {
    #[cfg(target_arch = "wasm32")]
    clew::ui::worker::run();
}
