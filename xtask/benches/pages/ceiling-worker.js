// Counts every frame, and in mode "read" also reads its text (the browser
// makes the JS string only when `data` is read), in mode "parse" parses it;
// first/last on the page clock.
onmessage = (event) => {
  const { ws: url, mode, cap } = event.data;
  const state = { frames: 0, messages: 0, first: 0, last: 0, done: false };
  const origin = performance.timeOrigin;
  const ws = new WebSocket(url);
  ws.onmessage = (frame) => {
    const now = performance.now();
    if (!state.first) state.first = now;
    state.frames++;
    if (mode === "read") {
      state.units = (state.units || 0) + frame.data.length;
    } else if (mode === "parse") {
      const parsed = JSON.parse(frame.data);
      state.messages += Array.isArray(parsed) ? parsed.length : 1;
    }
    state.last = now;
    if (state.last - state.first > cap) { state.done = true; ws.close(); }
  };
  ws.onclose = () => { state.done = true; };
  // The replay keeps the socket open after its last frame: 2 s of silence ends the run.
  setInterval(() => {
    if (state.first && performance.now() - state.last > 2000) state.done = true;
    postMessage({ ...state, origin });
  }, 200);
};
