//! What the socket (or the demo) hands the link: frames, counted or
//! applied to the live state, each recorded in the history.

use shared::history::Input;

use super::LinkCore;

impl LinkCore {
    /// A text frame arrived (the hot path: the text is kept, not copied).
    pub fn frame(&mut self, text: String, now_millis: f64) {
        let resumes_before = self.reducer.counters().resumes;
        self.record(now_millis, Input::Frame(text));
        self.last_frame_millis = now_millis;
        self.quiet = false;
        if let Some(opened_at) = self.first_frame_due.take() {
            let resumed = self.reducer.counters().resumes > resumes_before;
            self.settle_gap(resumed, opened_at, now_millis);
        }
    }

    /// A binary frame arrived; the protocol has none, so it is counted.
    pub fn binary_frame(&mut self, len_bytes: usize, now_millis: f64) {
        self.record(now_millis, Input::BinaryFrame(len_bytes));
        self.heard(now_millis);
    }

    /// A text frame of `len_utf16` UTF-16 units, over the frame limit, that
    /// the glue never copied into wasm memory: counted as oversize.
    pub fn oversize_frame(&mut self, len_utf16: usize, now_millis: f64) {
        self.record(now_millis, Input::OversizeFrame(len_utf16));
        self.heard(now_millis);
    }

    pub(super) fn heard(&mut self, now_millis: f64) {
        self.last_frame_millis = now_millis;
        if let Some(opened_at) = self.first_frame_due.take() {
            self.settle_gap(false, opened_at, now_millis);
        }
    }

    /// Time the glue measured decoding and reducing (for the rates).
    pub fn add_reduce_millis(&mut self, millis: f64) {
        self.reduce_millis_total += millis;
    }

    /// Applies `input` to the live state and keeps it in the history.
    pub(super) fn record(&mut self, now_millis: f64, input: Input) {
        self.history.record(&mut self.reducer, now_millis as i64, input);
    }
}
