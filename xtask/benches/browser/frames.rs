//! The page's animation frames over a bench window (see `xtask::frames`):
//! a `requestAnimationFrame` loop on the page records the time between
//! consecutive frames (a few microseconds a frame). Optionally each frame
//! also moves something, as a person would while the stream flows: a
//! reader scrolls a list by a step (the virtual list re-renders its
//! window), or someone drags the topology (the pointer held down, moved 4
//! px a frame, back and forth); the motion's own work is then in the
//! frames. While dragging, the loop also counts the frames in which the
//! topology's picture moved (its stand-in transform changed, or a new
//! picture was shown) and the pictures shown.

use fantoccini::Client;
use serde_json::Value;
use xtask::frames::Frames;

use crate::support::eval;

/// Pixels scrolled per frame when scrolling (about a row and a half).
const SCROLL_STEP_PX: u32 = 40;
/// Pixels the pointer moves per frame when dragging, and the frames it
/// moves one way before it comes back.
const DRAG_STEP_PX: u32 = 4;
const DRAG_FRAMES_ONE_WAY: u32 = 30;

/// What a person does on every frame while frames are recorded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Motion {
    /// Scrolls the list under this CSS selector down by a step, back to
    /// the top at the bottom.
    Scroll(&'static str),
    /// Drags the topology from the middle of its canvas.
    DragTopology,
}
/// Frame intervals kept at most (a minute at 60 frames a second).
const MAX_FRAMES: usize = 3600;

/// Starts recording frames on the page, each frame doing `motion`.
pub async fn start(client: &Client, motion: Option<Motion>) -> Result<(), String> {
    let mover = match motion {
        Some(Motion::Scroll(selector)) => format!(
            "const list = document.querySelector({selector:?});
             if (!list) throw new Error('nothing to scroll at ' + {selector:?});
             const step = () => {{
               list.scrollTop = list.scrollTop + list.clientHeight >= list.scrollHeight ? 0 : list.scrollTop + {SCROLL_STEP_PX};
             }};
             const watch = null;"
        ),
        Some(Motion::DragTopology) => format!(
            "const canvas = document.querySelector('[data-testid=topology]');
             if (!canvas) throw new Error('no topology to drag');
             const box = canvas.parentElement.getBoundingClientRect();
             const x0 = box.left + box.width / 2, y = box.top + box.height / 2;
             const at = (type, x) => canvas.dispatchEvent(new MouseEvent(type, {{ clientX: x, clientY: y, buttons: 1, bubbles: true }}));
             at('mousedown', x0);
             let k = 0;
             const step = () => {{
               k++;
               const along = k % (2 * {DRAG_FRAMES_ONE_WAY});
               at('mousemove', x0 + {DRAG_STEP_PX} * (along < {DRAG_FRAMES_ONE_WAY} ? along : 2 * {DRAG_FRAMES_ONE_WAY} - along));
             }};
             const proto = ImageBitmapRenderingContext.prototype, transfer = proto.transferFromImageBitmap;
             proto.transferFromImageBitmap = function (bitmap) {{ frames.pictures++; return transfer.call(this, bitmap); }};
             let seen = [canvas.style.transform, 0];
             const watch = () => {{
               const now = [canvas.style.transform, frames.pictures];
               if (now[0] !== seen[0] || now[1] !== seen[1]) frames.moved++;
               seen = now;
             }};"
        ),
        None => "const step = () => {}; const watch = null;".to_owned(),
    };
    let script = format!(
        "(() => {{
           const frames = {{ intervals: [], last: null, on: true, moved: 0, pictures: 0, watched: false }};
           window.__benchFrames = frames;
           {mover}
           frames.watched = watch !== null;
           const tick = (now) => {{
             if (!frames.on) return;
             if (frames.last !== null && frames.intervals.length < {MAX_FRAMES}) {{
               frames.intervals.push(now - frames.last);
               if (watch) watch();
             }}
             frames.last = now;
             step();
             requestAnimationFrame(tick);
           }};
           requestAnimationFrame(tick);
           return true;
         }})()"
    );
    eval(client, &script).await.map(drop)
}

/// Stops recording and returns the window's frames (a drag is let go).
pub async fn finish(client: &Client) -> Result<Frames, String> {
    let taken = eval(
        client,
        "(() => { const f = window.__benchFrames; if (!f) return null; f.on = false;
           const canvas = document.querySelector('[data-testid=topology]');
           if (f.watched) canvas.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
           return [f.intervals, f.watched ? [f.moved, f.pictures] : null]; })()",
    )
    .await?;
    let intervals = taken.get(0).and_then(Value::as_array).ok_or("the page recorded no frames")?;
    let frames = Frames::of(intervals.iter().filter_map(Value::as_f64).collect());
    let count = |i: usize| taken.get(1).and_then(|watched| watched.get(i)).and_then(Value::as_u64);
    Ok(match (count(0), count(1)) {
        (Some(moved), Some(pictures)) => frames.with_picture(moved as usize, pictures as usize),
        _ => frames,
    })
}
