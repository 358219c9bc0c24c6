//! End-to-end: screenshots of a populated dashboard (desktop, 400 px
//! embed, dark) into target/screenshots/, with the assertions they are for:
//! exact sizes, a picked and detailed node, themed colours, no overflow.
// Native only: std::time::Instant is fine here (it is banned for wasm code).
#![allow(clippy::disallowed_methods)]

#[allow(dead_code)] // each suite uses part of the shared support
mod support;

use std::time::Duration;

use feed::SimSettings;
use shared::sim::Mix;
use support::{
    check, click_button, drawn_pixels, eval, free_port, screenshot, simulated_feed, text_of, wait_for, with_theme_rgb,
    Browser, BADGE,
};

/// The edge rows in the panel's view: how many, the names cut short, and
/// whether the errors column shows.
const EDGE_ROWS_SHOWN: &str = "(() => {
    const frame = document.querySelector('.panel-edges .scroll').getBoundingClientRect();
    const rows = [...document.querySelectorAll('.panel-edges .row')].filter(row => {
        const r = row.getBoundingClientRect();
        return r.top >= frame.top && r.bottom <= frame.bottom;
    });
    const cut = rows.map(row => row.querySelector('.label')).filter(cell => cell.scrollWidth > cell.clientWidth)
        .map(cell => cell.textContent);
    const errors = rows[0]?.children[3];
    return { rows: rows.length, cut, errors_shown: !!errors && errors.getBoundingClientRect().width > 0 };
})()";

/// Lists on screen whose rows stop short of their panel's bottom (with
/// more rows than fit): a list beside a taller panel grows to its bottom
/// and renders rows there, not a blank band.
const LISTS_SHORT: &str = "(() => [...document.querySelectorAll('.scroll[data-on-screen=true]')]
    .filter(frame => frame.scrollHeight > frame.clientHeight + 28)
    .map(frame => {
        const bottom = frame.closest('.panel').getBoundingClientRect().bottom - 1;
        const rows = [...frame.querySelectorAll('.row')].map(row => row.getBoundingClientRect().bottom);
        return { list: frame.getAttribute('aria-label'), short_px: Math.round(bottom - Math.max(...rows)) };
    })
    .filter(list => list.short_px > 2))()";

/// Whether the log follows, and how far below its view its last line is.
const LOG_TAIL: &str = "(() => {
    const frame = document.querySelector('[data-testid=logs] .scroll');
    const follow = document.querySelector('.panel-logs input[type=checkbox]').checked;
    return { follow, below_px: frame.scrollHeight - frame.scrollTop - frame.clientHeight };
})()";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screenshots_of_a_populated_dashboard() {
    /// An inner pixel (in page px) of a dot in a status colour of the theme
    /// in force, and whether the canvas's background is `--panel`; or null.
    const FIND_A_DOT: &str = r"(() => {
        const canvas = document.querySelector('[data-testid=topology]'), style = getComputedStyle(canvas);
        const rgb = name => themeRgb(canvas, name);
        const { width, height } = canvas, data = (c => { const s = new OffscreenCanvas(c.width, c.height).getContext('2d'); s.drawImage(c, 0, 0); return s; })(canvas).getImageData(0, 0, width, height).data;
        const is = (x, y, [r, g, b]) => { const i = (y * width + x) * 4; return data[i] === r && data[i + 1] === g && data[i + 2] === b; };
        const rect = canvas.getBoundingClientRect(), ratio = width / rect.width, background = is(0, 0, rgb('--panel'));
        for (const status of ['--error', '--degraded', '--ok', '--running', '--starting', '--idle', '--stopped', '--unknown']) {
            const c = rgb(status);
            for (let y = 3; y < height - 3; y++) for (let x = 3; x < width - 3; x++)
                if (is(x, y, c) && is(x - 3, y, c) && is(x + 3, y, c) && is(x, y - 3, c) && is(x, y + 3, c))
                    return { background, status, x: Math.round(rect.left + x / ratio), y: Math.round(rect.top + y / ratio) };
        }
        return null;
    })()";
    /// Canvas pixels in the selection colour (`--accent`), within 20 page
    /// px of a point or anywhere.
    fn ring_pixels(near: Option<(i64, i64)>) -> String {
        let [x, y] = near.map_or(["null".to_owned(), "null".to_owned()], |(x, y)| [x.to_string(), y.to_string()]);
        with_theme_rgb(&format!(
            "(() => {{ const canvas = document.querySelector('[data-testid=topology]'), rect = canvas.getBoundingClientRect();
            const ratio = canvas.width / rect.width, [r, g, b] = themeRgb(canvas, '--accent'), near = {x} !== null;
            const x0 = near ? Math.round(({x} - rect.left - 20) * ratio) : 0, y0 = near ? Math.round(({y} - rect.top - 20) * ratio) : 0;
            const d = (c => {{ const s = new OffscreenCanvas(c.width, c.height).getContext('2d'); s.drawImage(c, 0, 0); return s; }})(canvas).getImageData(x0, y0, near ? 40 * ratio : canvas.width, near ? 40 * ratio : canvas.height).data;
            let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] === r && d[i + 1] === g && d[i + 2] === b) n++; return n; }})()"
        ))
    }
    use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};

    let port = free_port();
    let feed =
        simulated_feed(port, SimSettings { n_nodes: 60, messages_per_sec: 300.0, batch: 10, seed: 5, mix: Mix::Mixed })
            .await;
    let runs =
        [("desktop-1440x900", 1440, 900, ""), ("embed-400", 400, 900, ""), ("dark-1440x900", 1440, 900, "?theme=dark")];
    for (name, width, height, query) in runs {
        let url = format!("http://127.0.0.1:{port}/{query}");
        Browser::run(width, height, |client| async move {
            support::set_page_size(&client, width, height).await?;
            client.goto(&url).await.map_err(|e| e.to_string())?;
            let size = eval(&client, "[innerWidth, innerHeight]").await?;
            check(size == serde_json::json!([width, height]), format!("{name}: the page is {size}"))?;
            wait_for(&client, "Live", &format!("{} === 'Live'", text_of(BADGE))).await?;
            wait_for(&client, "nodes", &format!("Number({}) > 40", text_of("[data-testid=node-count]"))).await?;
            wait_for(&client, "a drawn topology", &format!("{} > 500", drawn_pixels("[data-testid=topology]"))).await?;

            // Click a dot on the canvas: the scene picks it, and it is ringed and
            // detailed. Paused, so that no diff moves the dot meanwhile (the
            // layout may form its regions again as nodes come and go).
            click_button(&client, "Pause").await?;
            wait_for(&client, "Paused", &format!("{}.startsWith('Paused')", text_of(BADGE))).await?;
            // A diff already on its way may still land and be drawn.
            tokio::time::sleep(Duration::from_millis(500)).await;
            let dot = wait_for(&client, "a dot in a status colour", &with_theme_rgb(FIND_A_DOT)).await?;
            check(dot["background"] == true, format!("{name}: the canvas background is not --panel: {dot}"))?;
            let (Some(x), Some(y)) = (dot["x"].as_i64(), dot["y"].as_i64()) else { return Err(format!("{dot}")) };
            let press = MouseActions::new("mouse".into())
                .then(PointerAction::MoveTo { duration: None, x: x as f64, y: y as f64 })
                .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
                .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
            client.perform_actions(press).await.map_err(|e| format!("click at {x}, {y}: {e}"))?;
            wait_for(
                &client,
                "details of the clicked dot",
                &format!("{} !== ''", text_of("[data-testid=details] .id")),
            )
            .await?;
            wait_for(&client, "the clicked dot ringed", &format!("{} > 10", ring_pixels(Some((x, y))))).await?;
            click_button(&client, "Jump to live").await?;
            wait_for(&client, "Live again", &format!("{} === 'Live'", text_of(BADGE))).await?;

            // Select a node that logs (the simulator favours n0..n7) in the table.
            // A narrow embed stacks the panels: the table is further down.
            let scrolled = support::show_panel(&client, ".panel-nodes").await?;
            wait_for(&client, "node n1's row", "document.querySelector('[data-node-id=n1]')").await?;
            eval(&client, "document.querySelector('[data-node-id=n1]').click()").await?;
            let selected = "document.querySelector('[data-node-id=n1]')?.classList.contains('selected')";
            wait_for(&client, "n1's row selected", selected).await?;
            wait_for(&client, "n1's details", &format!("{} === 'n1'", text_of("[data-testid=details] .id"))).await?;
            // Its chart stands out, and only its.
            let charts = "[...document.querySelectorAll('.chart.chart-selected')].map(c => c.dataset.series).join()";
            wait_for(&client, "n1's chart marked", &format!("{charts} === 'cpu:n1'")).await?;
            // Every edge row in view shows its name whole and its errors
            // (the narrowest embed gives up throughput and latency first).
            support::show_panel(&client, ".panel-edges").await?;
            wait_for(&client, "edge rows", "document.querySelectorAll('.panel-edges .row').length > 5").await?;
            let edges = eval(&client, EDGE_ROWS_SHOWN).await?;
            check(
                edges["rows"].as_i64().is_some_and(|n| n > 5) && edges["cut"] == serde_json::json!([]),
                format!("{name}: edge names cut short: {edges}"),
            )?;
            check(edges["errors_shown"] == true, format!("{name}: the edges' errors column is hidden: {edges}"))?;
            support::show_panel(&client, ".panel-logs").await?;
            wait_for(&client, "n1's log", "document.querySelectorAll('[data-testid=logs] .row').length > 0").await?;
            // The log follows its tail as lines come, the reader not having
            // scrolled: its own scrolling must not read as the reader's.
            tokio::time::sleep(Duration::from_millis(1500)).await;
            let tail = eval(&client, LOG_TAIL).await?;
            check(
                tail["follow"] == true && tail["below_px"].as_f64().is_some_and(|px| px < 28.0),
                format!("{name}: the log stopped following: {tail}"),
            )?;
            let short = eval(&client, LISTS_SHORT).await?;
            check(short == serde_json::json!([]), format!("{name}: lists without rows to their bottom: {short}"))?;
            support::scroll_back(&client, scrolled).await?;
            wait_for(&client, "n1 ringed", &format!("{} > 10", ring_pixels(None))).await?;
            let overflow =
                eval(&client, "document.documentElement.scrollWidth - document.documentElement.clientWidth").await?;
            check(overflow.as_i64() == Some(0), format!("{name}: {overflow} px of horizontal overflow"))?;
            screenshot(&client, name).await
        })
        .await;
    }
    feed.stop().await;
}
