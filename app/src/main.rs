//! The dashboard entry point: wires the app to the page (wasm only).

#[cfg(target_arch = "wasm32")]
fn main() {
    app::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the meshview app runs in a browser; build it with trunk");
}
