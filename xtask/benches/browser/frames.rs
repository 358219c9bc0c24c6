//! The page's animation frames over a bench window (see `xtask::frames`):
//! a `requestAnimationFrame` loop on the page records the time between
//! consecutive frames (a few microseconds a frame). Optionally each frame
//! also scrolls a list by a step, as a reader scrolling through a table
//! while the stream flows: the scroll's own work (the virtual list
//! re-rendering its window) is then in the frames.

use fantoccini::Client;
use serde_json::Value;
use xtask::frames::Frames;

use crate::support::eval;

/// Pixels scrolled per frame when scrolling (about a row and a half).
const SCROLL_STEP_PX: u32 = 40;
/// Frame intervals kept at most (a minute at 60 frames a second).
const MAX_FRAMES: usize = 3600;

/// Starts recording frames on the page, each frame scrolling the list
/// under `scroll` (a CSS selector of a scrolling element) if given: down by
/// a step a frame, back to the top at the bottom.
pub async fn start(client: &Client, scroll: Option<&str>) -> Result<(), String> {
    let scroller = match scroll {
        Some(selector) => format!(
            "const list = document.querySelector({selector:?});
             if (!list) throw new Error('nothing to scroll at ' + {selector:?});
             const step = () => {{
               list.scrollTop = list.scrollTop + list.clientHeight >= list.scrollHeight ? 0 : list.scrollTop + {SCROLL_STEP_PX};
             }};"
        ),
        None => "const step = () => {};".to_owned(),
    };
    let script = format!(
        "(() => {{
           {scroller}
           const frames = {{ intervals: [], last: null, on: true }};
           window.__benchFrames = frames;
           const tick = (now) => {{
             if (!frames.on) return;
             if (frames.last !== null && frames.intervals.length < {MAX_FRAMES}) frames.intervals.push(now - frames.last);
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

/// Stops recording and returns the window's frames.
pub async fn finish(client: &Client) -> Result<Frames, String> {
    let taken = eval(
        client,
        "(() => { const f = window.__benchFrames; if (!f) return null; f.on = false; return f.intervals; })()",
    )
    .await?;
    let intervals = taken.as_array().ok_or("the page recorded no frames")?;
    Ok(Frames::of(intervals.iter().filter_map(Value::as_f64).collect()))
}
