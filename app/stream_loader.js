// The stream worker (the WebSocket, the decoder, the reducer and the diff
// clock; crate `worker`): the page's own wasm module, started in a worker
// (app/src/stream_worker.rs). The page names its module script in
// `?module=` (only a script of this worker's own origin is loaded); the
// worker instantiates that script's wasm, which trunk names after the
// script (`app-<hash>.js`, `app-<hash>_bg.wasm`) and the page has just
// downloaded, so it comes from the browser's cache.
const named = new URL(self.location.href).searchParams.get("module") || "";
const script = new URL(named, self.location.href);
// No name would resolve to this loader itself, whose import never settles.
if (!named || script.origin !== self.location.origin) {
  throw new Error("stream worker: no module script of this origin named: " + named);
}
const glue = await import(script.href);
const wasm = new URL(script.pathname.replace(/\.js$/, "_bg.wasm"), script);
await glue.default({ module_or_path: wasm });
glue.streamWorkerMain();
