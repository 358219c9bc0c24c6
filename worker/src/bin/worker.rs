//! The worker entry point: registers the gloo worker (wasm only).

#[cfg(target_arch = "wasm32")]
fn main() {
    use gloo_worker::Registrable;
    console_error_panic_hook::set_once();
    worker::MeshWorker::registrar().register();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the meshview worker runs in a browser; build it with trunk");
}
