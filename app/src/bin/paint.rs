//! The topology's paint worker (wasm only; see `app::paint_worker`).

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    app::paint_worker::run();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the meshview paint worker runs in a browser; build it with trunk");
}
