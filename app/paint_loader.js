// The topology's paint worker: the page's own wasm module, started in a
// worker (app/src/paint_worker.rs). The page names its module script in
// `?module=` (only a script of this worker's own origin is loaded) and
// then posts its compiled `WebAssembly.Module`, so the worker neither
// downloads nor compiles the wasm again.
const compiled = new Promise((resolve) => {
  self.onmessage = (event) => resolve(event.data);
});
const named = new URL(self.location.href).searchParams.get("module") || "";
const script = new URL(named, self.location.href);
// No name would resolve to this loader itself, whose import never settles.
if (!named || script.origin !== self.location.origin) {
  throw new Error("paint worker: no module script of this origin named: " + named);
}
const glue = await import(script.href);
await glue.default({ module_or_path: await compiled });
glue.paintWorkerMain();
