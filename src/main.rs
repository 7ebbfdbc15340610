//! The browser app's entry point: installs the panic hook and mounts the UI.
//! Natively it does nothing (the app only exists in wasm).

fn main() {
    #[cfg(target_arch = "wasm32")]
    clew::ui::start();
}
