//! End-to-end: a worker that stops after going Live is never shown as Live.
//! The release build is served with its worker loader patched to break the
//! worker on request, over a `BroadcastChannel`, so the test knows the
//! moment of the break: closed (`self.close()`), or failing in its own
//! code (its clock throws, so every tick handler throws out of the wasm
//! midway, as a trap would). The badge must
//! leave "Live" within 3 s of the break and offer a Reload that works.
//! Needs a release build in dist/ (or `MESHVIEW_DIST`), like `e2e.rs`.
// Native only: std::time::Instant is fine here (it is banned for wasm code).
#![allow(clippy::disallowed_methods)]

// Not every helper is used by this suite.
#[allow(dead_code)]
mod support;

use std::time::{Duration, Instant};

use feed::{SimSettings, Source};
use shared::sim::Mix;
use support::{check, eval, free_port, text_of, wait_for, wait_for_within, Browser, TestResult};

const BADGE: &str = "[data-testid=badge]";
const RELOAD: &str = "[data-testid=reload]";
/// The promise under test: a stopped worker is off the badge this fast.
const LEAVES_LIVE_WITHIN: Duration = Duration::from_secs(3);
/// The channel the patched loader listens on.
const BREAK_CHANNEL: &str = "meshview-e2e-break";

/// Appended to `stream_loader.js`: breaks this worker when told to.
fn break_hook() -> String {
    format!(
        r#"
// e2e (xtask/tests/e2e_watchdog.rs): break this worker on request.
self.meshviewBreak = new BroadcastChannel("{BREAK_CHANNEL}");
self.meshviewBreak.onmessage = (event) => {{
  if (event.data === "close") self.close();
  if (event.data === "throw") Date.now = () => {{ throw new Error("e2e: injected failure"); }};
}};
"#
    )
}

/// A temporary copy of dist/, removed even when the test fails.
struct DistCopy(std::path::PathBuf);

impl Drop for DistCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Serves the build with the patched loader and a live simulated feed.
async fn serve_breakable() -> (feed::Feed, DistCopy) {
    let loader = std::fs::read_to_string(support::dist().join("stream_loader.js")).expect("dist/stream_loader.js");
    let dir = support::dist_copy_with(&[("stream_loader.js", format!("{loader}\n{}", break_hook()))]);
    let settings = SimSettings { n_nodes: 20, messages_per_sec: 100.0, batch: 5, seed: 4, mix: Mix::EventsAndLogs };
    let feed = support::serve_with_csp(free_port(), Source::Simulated(settings), dir.clone(), "/", None).await;
    (feed, DistCopy(dir))
}

/// Fails unless `expression` holds at every poll for `duration`.
async fn holds_for(client: &fantoccini::Client, what: &str, expression: &str, duration: Duration) -> TestResult {
    let end = Instant::now() + duration;
    while Instant::now() < end {
        let value = eval(client, expression).await?;
        check(value == true, format!("{what} stopped holding: {expression} was {value}"))?;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

async fn badge_leaves_live_when_the_worker_breaks(how: &'static str) {
    let (feed, _dist_copy) = serve_breakable().await;
    let url = format!("http://{}/", feed.addr);
    let is_live = format!("{} === 'Live'", text_of(BADGE));
    Browser::run(1440, 900, |client| async move {
        client.goto(&url).await.map_err(|e| e.to_string())?;
        wait_for(&client, "the badge to say Live", &is_live).await?;
        // A healthy worker is never taken for stopped.
        holds_for(&client, "Live with a healthy worker", &is_live, Duration::from_secs(4)).await?;
        let reload_before = eval(&client, &format!("document.querySelector('{RELOAD}') === null")).await?;
        check(reload_before == true, "a Reload button while the worker was healthy")?;

        let broken_at = Instant::now();
        eval(
            &client,
            &format!("(window.meshviewBreak = new BroadcastChannel('{BREAK_CHANNEL}')).postMessage('{how}')"),
        )
        .await?;
        wait_for_within(&client, "the badge to leave Live", &format!("!({is_live})"), LEAVES_LIVE_WITHIN).await?;
        eprintln!("{how}: the badge left Live {} ms after the break", broken_at.elapsed().as_millis());
        let badge = eval(&client, &text_of(BADGE)).await?;
        check(badge == "Worker stopped", format!("the badge says {badge}, not Worker stopped"))?;
        wait_for(&client, "a Reload button", &format!("document.querySelector('{RELOAD}')")).await?;
        // The dead worker stays reported as stopped.
        holds_for(
            &client,
            "Worker stopped",
            &format!("{} === 'Worker stopped'", text_of(BADGE)),
            Duration::from_secs(2),
        )
        .await?;
        // Reload starts a new worker (the hook waits for another request).
        eval(&client, &format!("document.querySelector('{RELOAD}').click()")).await?;
        wait_for(&client, "Live after Reload", &format!("{is_live} && !document.querySelector('{RELOAD}')")).await?;
        Ok(())
    })
    .await;
    feed.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_worker_is_not_shown_as_live() {
    badge_leaves_live_when_the_worker_breaks("close").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_whose_code_throws_is_not_shown_as_live() {
    badge_leaves_live_when_the_worker_breaks("throw").await;
}

/// The topology's paint worker fails to start (its script throws): the
/// page paints the topology itself, and says so in nothing but speed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paint_worker_that_fails_leaves_the_page_painting() {
    let dir =
        support::dist_copy_with(&[("paint_loader.js", "throw new Error('paint worker broken on purpose');".into())]);
    let _dist_copy = DistCopy(dir.clone());
    let settings = SimSettings { n_nodes: 60, messages_per_sec: 100.0, batch: 5, seed: 4, mix: Mix::Mixed };
    let feed = support::serve_with_csp(free_port(), Source::Simulated(settings), dir, "/", None).await;
    let url = format!("http://{}/", feed.addr);
    Browser::run(1440, 900, |client| async move {
        client.goto(&url).await.map_err(|e| e.to_string())?;
        wait_for(&client, "the badge to say Live", &format!("{} === 'Live'", text_of(BADGE))).await?;
        wait_for(
            &client,
            "a topology painted by the page",
            &format!("{} > 500", support::drawn_pixels("[data-testid=topology]")),
        )
        .await?;
        let painter = "document.querySelector('[data-testid=topology]').dataset.paintedBy";
        wait_for(&client, "the page named as the painter", &format!("{painter} === 'page'")).await?;
        Ok(())
    })
    .await;
    feed.stop().await;
}

/// Starts each worker loader from the page with `module` named as the
/// script to run, and records what the worker did: `message` (it ran a
/// script, which posted) or `error` (it refused, or failed).
fn start_loaders(module: &str) -> String {
    format!(
        r#"(() => {{
  window.loaderProbe = {{}};
  for (const loader of ["stream_loader.js", "paint_loader.js"]) {{
    const worker = new Worker(`./${{loader}}?module=${{encodeURIComponent({module})}}`, {{ type: "module" }});
    worker.onmessage = () => {{ window.loaderProbe[loader] = "message"; }};
    worker.onerror = () => {{ window.loaderProbe[loader] ??= "error"; }};
    // The paint loader waits for a compiled module after loading its script.
    worker.postMessage(null);
  }}
  return true;
}})()"#
    )
}

/// The loaders run only a module script of the page's own origin: named a
/// script that would run anywhere else (a `data:` script that posts, on a
/// page served without a Content-Security-Policy to stop it), each fails
/// instead; named the page's own module script, the stream worker starts
/// and says so (gloo's "loaded"), which shows the probe can see a run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_loaders_refuse_a_script_of_another_origin() {
    let settings = SimSettings { n_nodes: 20, messages_per_sec: 50.0, batch: 5, seed: 4, mix: Mix::Mixed };
    let feed = support::serve_with_csp(free_port(), Source::Simulated(settings), support::dist(), "/", None).await;
    let url = format!("http://{}/", feed.addr);
    Browser::run(1440, 900, |client| async move {
        client.goto(&url).await.map_err(|e| e.to_string())?;
        wait_for(&client, "the badge to say Live", &format!("{} === 'Live'", text_of(BADGE))).await?;
        let both = "window.loaderProbe['stream_loader.js'] && window.loaderProbe['paint_loader.js']";
        let foreign = r#""data:text/javascript,postMessage('ran')""#;
        eval(&client, &start_loaders(foreign)).await?;
        wait_for(&client, "both loaders to answer", both).await?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let outcome =
            eval(&client, "window.loaderProbe['stream_loader.js'] + ' ' + window.loaderProbe['paint_loader.js']")
                .await?;
        check(outcome == "error error", format!("a foreign script (stream, paint loader): {outcome}"))?;
        let own = "document.querySelector('script[type=module]').textContent.match(/from '([^']+)'/)[1]";
        eval(&client, &start_loaders(&format!("new URL({own}, location.href).href"))).await?;
        wait_for(&client, "the stream loader to answer", "window.loaderProbe['stream_loader.js']").await?;
        let stream = eval(&client, "window.loaderProbe['stream_loader.js']").await?;
        check(stream == "message", format!("the page's own module script did not start the stream worker: {stream}"))?;
        Ok(())
    })
    .await;
    feed.stop().await;
}
