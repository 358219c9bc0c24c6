//! End-to-end: the topology of a large mesh, in the release build in
//! headless Chromium. The search box selects a node and centres it (its
//! selection ring is drawn in the middle of the canvas); the keyboard moves
//! the selection to the nearest node in each arrow's direction, focuses
//! with `f` and opens the details with Enter, and steps between groups;
//! and screenshots at 1k and 10k nodes, desktop and 400 px embed, land in
//! target/screenshots/ for review. Needs a release build in dist/ (or
//! `MESHVIEW_DIST`), like `e2e.rs`.
// Native only: std::time::Instant is fine here (it is banned for wasm code).
#![allow(clippy::disallowed_methods)]

#[allow(dead_code)]
mod support;

use std::time::Duration;

use feed::SimSettings;
use shared::encode::encode_message;
use shared::sim::{Mix, SimConfig, Simulator};
use support::{
    check, click_button, eval, free_port, replay_feed, screenshot, simulated_feed, star_stream, text_frame, text_of,
    wait_for, with_theme_rgb, Browser, BADGE,
};

const NODE_COUNT: &str = "[data-testid=node-count]";
const SELECTED_ID: &str = "(document.querySelector('[data-testid=details] .id')?.textContent ?? '')";

/// Pixels of the selection colour (`--accent`) within 24 page px of the
/// canvas's centre.
const RING_AT_CENTRE: &str = r"(() => {
    const canvas = document.querySelector('[data-testid=topology]'), rect = canvas.getBoundingClientRect();
    const ratio = canvas.width / rect.width, [r, g, b] = themeRgb(canvas, '--accent');
    const x0 = Math.round((rect.width / 2 - 24) * ratio), y0 = Math.round((rect.height / 2 - 24) * ratio);
    const d = (c => { const s = new OffscreenCanvas(c.width, c.height).getContext('2d'); s.drawImage(c, 0, 0); return s; })(canvas).getImageData(x0, y0, 48 * ratio, 48 * ratio).data;
    let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] === r && d[i + 1] === g && d[i + 2] === b) n++; return n; })()";

/// Sends keys (WebDriver key codes) to the element with the keyboard.
async fn press(client: &fantoccini::Client, keys: &str) -> support::TestResult {
    let active = client.active_element().await.map_err(|e| e.to_string())?;
    active.send_keys(keys).await.map_err(|e| format!("keys {keys:?}: {e}"))
}

const ARROW_LEFT: &str = "\u{e012}";
const ARROW_RIGHT: &str = "\u{e014}";
const ARROW_DOWN: &str = "\u{e015}";
const ARROW_UP: &str = "\u{e013}";
const ENTER: &str = "\u{e007}";

fn mixed(n_nodes: usize, seed: u64) -> SimSettings {
    SimSettings { n_nodes, messages_per_sec: 600.0, batch: 50, seed, mix: Mix::Mixed }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_selects_a_node_and_centres_it_in_a_large_mesh() {
    let port = free_port();
    let feed = simulated_feed(port, mixed(1000, 21)).await;
    let url = format!("http://127.0.0.1:{port}/");
    Browser::run(1440, 900, |client| async move {
        client.goto(&url).await.map_err(|e| e.to_string())?;
        wait_for(&client, "the mesh", &format!("Number({}) > 900", text_of(NODE_COUNT))).await?;
        // 1,000 nodes do not fit as dots: groups first, nothing selected.
        check(eval(&client, &with_theme_rgb(RING_AT_CENTRE)).await?.as_i64() == Some(0), "a ring before any search")?;
        eval(&client, "document.querySelector('[data-testid=search]').focus()").await?;
        press(&client, "n517").await?;
        wait_for(
            &client,
            "n517 listed first",
            "document.querySelector('#find-search-list [data-node-id]')?.dataset.nodeId === 'n517'",
        )
        .await?;
        press(&client, ENTER).await?;
        wait_for(&client, "n517 selected", &format!("{SELECTED_ID} === 'n517'")).await?;
        wait_for(&client, "n517 ringed in the middle", &format!("{} > 10", with_theme_rgb(RING_AT_CENTRE))).await?;
        let says = eval(&client, &text_of("[data-testid=announcer]")).await?;
        check(says.as_str().is_some_and(|s| s.contains("(n517)")), format!("the live region says {says}"))?;
        // `/` from anywhere jumps back to the search box.
        eval(&client, "document.querySelector('[data-testid=topology]').focus()").await?;
        press(&client, "/").await?;
        wait_for(&client, "the search box focused", "document.activeElement?.id === 'find-search'").await?;
        Ok(())
    })
    .await;
    feed.stop().await;
}

/// Drags the topology by (70, 45) page px from its middle, in one task, and
/// returns the canvas's transform then (before any picture can come back).
const DRAG_NOW: &str = r"(() => {
    const canvas = document.querySelector('[data-testid=topology]'), rect = canvas.getBoundingClientRect();
    const x = rect.left + rect.width / 2, y = rect.top + rect.height / 2;
    const at = (type, dx, dy) => canvas.dispatchEvent(new MouseEvent(type, { clientX: x + dx, clientY: y + dy, buttons: 1, bubbles: true }));
    at('mousedown', 0, 0); at('mousemove', 40, 25); at('mousemove', 70, 45); at('mouseup', 70, 45);
    return canvas.style.transform; })()";

/// Zooms in by one wheel step (deltaY -100: e^0.15) at the canvas's middle
/// (a whole pixel: events carry whole pixels), in one task: [the
/// transform's scale, how far the point under the pointer moved, in px].
const ZOOM_NOW: &str = r"(() => {
    const canvas = document.querySelector('[data-testid=topology]'), rect = canvas.parentElement.getBoundingClientRect();
    const clientX = Math.round(rect.left + rect.width / 2), clientY = Math.round(rect.top + rect.height / 2);
    const x = clientX - rect.left, y = clientY - rect.top;
    canvas.dispatchEvent(new WheelEvent('wheel', { clientX, clientY, deltaY: -100, bubbles: true, cancelable: true }));
    const m = new DOMMatrix(canvas.style.transform);
    return [m.a, Math.hypot(m.a * x + m.e - x, m.d * y + m.f - y)]; })()";

/// The canvas shows a picture drawn for the view as it is (no stand-in).
const DRAWN_HERE: &str = "document.querySelector('[data-testid=topology]').style.transform === ''";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drag_or_zoom_moves_the_picture_at_once_until_the_next_is_painted() {
    let port = free_port();
    let feed = simulated_feed(port, mixed(1000, 23)).await;
    let url = format!("http://127.0.0.1:{port}/");
    Browser::run(1440, 900, |client| async move {
        client.goto(&url).await.map_err(|e| e.to_string())?;
        wait_for(&client, "the mesh", &format!("Number({}) > 900", text_of(NODE_COUNT))).await?;
        let painter = "document.querySelector('[data-testid=topology]').dataset.paintedBy === 'worker'";
        wait_for(&client, "a picture from the paint worker", painter).await?;
        // Paused: no diff redraws the topology meanwhile.
        click_button(&client, "Pause").await?;
        wait_for(&client, "Paused", &format!("{}.startsWith('Paused')", text_of(BADGE))).await?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        wait_for(&client, "the picture drawn for the view", DRAWN_HERE).await?;
        // The picture moves with the pointer in the drag's own task ...
        let during = eval(&client, DRAG_NOW).await?;
        check(during == "matrix(1, 0, 0, 1, 70, 45)", format!("the picture during the drag: {during}"))?;
        // ... and the picture drawn for the new view takes its place.
        wait_for(&client, "the picture drawn after the drag", DRAWN_HERE).await?;
        // A wheel step scales it about the pointer, which stays put.
        let zoom = eval(&client, ZOOM_NOW).await?;
        let (scale, drift) = (zoom[0].as_f64().unwrap_or(0.0), zoom[1].as_f64().unwrap_or(f64::MAX));
        // (The style keeps six significant digits.)
        check((scale - 0.15f64.exp()).abs() < 1e-5 && drift < 0.01, format!("the picture on a wheel step: {zoom}"))?;
        wait_for(&client, "the picture drawn after the zoom", DRAWN_HERE).await?;
        Ok(())
    })
    .await;
    feed.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_keyboard_moves_the_selection_focuses_and_opens_details() {
    let feed = replay_feed(star_stream(), "/").await;
    let url = format!("http://{}/", feed.addr);
    Browser::run(1440, 900, |client| async move {
        client.goto(&url).await.map_err(|e| e.to_string())?;
        wait_for(&client, "7 nodes", &format!("{} === '7'", text_of(NODE_COUNT))).await?;
        eval(&client, "document.querySelector('.panel-nodes [data-node-id=h]').click()").await?;
        wait_for(&client, "h selected", &format!("{SELECTED_ID} === 'h'")).await?;
        eval(&client, "document.querySelector('[data-testid=topology]').focus()").await?;
        // Right of h: a1 on its row; below a1: c1; left of c1: only h.
        for (key, expected) in [(ARROW_RIGHT, "a1"), (ARROW_DOWN, "c1"), (ARROW_LEFT, "h"), (ARROW_RIGHT, "a1")] {
            press(&client, key).await?;
            wait_for(&client, &format!("{expected} selected"), &format!("{SELECTED_ID} === '{expected}'")).await?;
        }
        let says =
            wait_for(&client, "the live region", &format!("{}.includes('(a1)')", text_of("[data-testid=announcer]")))
                .await;
        check(says.is_ok(), "the live region names a1")?;
        // f focuses on a1: h, b1 and a1 itself.
        press(&client, "f").await?;
        wait_for(&client, "a1's focus", &format!("{} === '3 of 7'", text_of(NODE_COUNT))).await?;
        // Enter opens the details.
        press(&client, ENTER).await?;
        wait_for(&client, "the details focused", "document.activeElement?.id === 'node-details'").await?;
        Ok(())
    })
    .await;
    feed.stop().await;
}

/// Pixels of the canvas's outermost rows and columns that are not the
/// background: a fitted graph keeps its margins, so none.
const AT_THE_EDGES: &str = r"(() => {
    const canvas = document.querySelector('[data-testid=topology]'), w = canvas.width, h = canvas.height;
    const s = new OffscreenCanvas(w, h).getContext('2d'); s.drawImage(canvas, 0, 0);
    const [r, g, b] = s.getImageData(0, 0, 1, 1).data;
    const off = (x, y, cw, ch) => { const d = s.getImageData(x, y, cw, ch).data; let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] !== r || d[i + 1] !== g || d[i + 2] !== b) n++; return n; };
    return off(0, 0, 1, h) + off(w - 1, 0, 1, h) + off(0, 0, w, 1) + off(0, h - 1, w, 1); })()";

/// Left alone, the view keeps the whole graph fitted: as a large snapshot
/// fills it over several diffs, drawn as they come, and as the panel
/// changes size (a window or an embedding frame resized) by too little to
/// lay the groups out again. No box runs off the panel.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_mesh_stays_fitted_as_it_fills_and_the_panel_changes() {
    let port = free_port();
    let live = SimSettings { messages_per_sec: 5000.0, ..mixed(10_000, 4) };
    let feed = simulated_feed(port, live).await;
    let url = format!("http://127.0.0.1:{port}/?groupBy=meta:replicas");
    Browser::run(1440, 900, |client| async move {
        support::set_page_size(&client, 1440, 900).await?;
        client.goto(&url).await.map_err(|e| e.to_string())?;
        let all = format!("Number({}) >= 9000", text_of(NODE_COUNT));
        wait_for(&client, "the mesh", &all).await?;
        // Draws at the data's pace: the fill's last diffs, and some after.
        tokio::time::sleep(Duration::from_secs(3)).await;
        let at_edges = eval(&client, AT_THE_EDGES).await?;
        check(at_edges.as_i64() == Some(0), format!("filled: {at_edges} pixels of the graph at the canvas's edges"))?;
        // 110 px narrower: the panel's shape changes by under 15 %.
        support::set_page_size(&client, 1330, 900).await?;
        tokio::time::sleep(Duration::from_secs(3)).await;
        let at_edges = eval(&client, AT_THE_EDGES).await?;
        check(at_edges.as_i64() == Some(0), format!("narrower: {at_edges} pixels of the graph at the canvas's edges"))
    })
    .await;
    feed.stop().await;
}

/// A link opens the topology grouped as it says (`groupBy`), its control
/// showing the key before any node names it, and the address bar follows
/// the control, the default (kind) left out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_keeps_the_topologys_grouping() {
    const CHOSEN: &str = "(() => { const s = document.querySelector('[data-testid=group-by]'); return [s.value, s.selectedOptions[0]?.textContent]; })()";
    let snapshot = Simulator::new(SimConfig { n_nodes: 1000, seed: 5, mix: Mix::Mixed }).snapshot(1_795_719_600_000);
    let feed = replay_feed(vec![text_frame(encode_message(&snapshot))], "/").await;
    let url = format!("http://{}/?groupBy=meta:region", feed.addr);
    Browser::run(1440, 900, |client| async move {
        client.goto(&url).await.map_err(|e| e.to_string())?;
        // The page mounts once its module is instantiated, after the load
        // event `goto` waits for.
        wait_for(&client, "the grouping control", "document.querySelector('[data-testid=group-by]') !== null").await?;
        let chosen = eval(&client, CHOSEN).await?;
        check(
            chosen == serde_json::json!(["meta:region", "Group: region"]),
            format!("at once, the control shows {chosen}"),
        )?;
        wait_for(&client, "the mesh", &format!("{} === '1000'", text_of(NODE_COUNT))).await?;
        let chosen = eval(&client, CHOSEN).await?;
        check(
            chosen == serde_json::json!(["meta:region", "Group: region"]),
            format!("with the mesh, the control shows {chosen}"),
        )?;
        // The boxes are the regions: the keyboard steps onto one of them.
        eval(&client, "document.querySelector('[data-testid=topology]').focus()").await?;
        let says = text_of("[data-testid=topology-says]");
        for key in [ARROW_RIGHT, ARROW_LEFT, ARROW_DOWN, ARROW_UP] {
            press(&client, key).await?;
            let said = format!("{says} !== ''");
            if support::wait_for_within(&client, "a group said", &said, Duration::from_secs(2)).await.is_ok() {
                break;
            }
        }
        let said = eval(&client, &says).await?;
        let region = ["eu-west-1", "us-east-1", "ap-south-1"]
            .iter()
            .any(|r| said.as_str().is_some_and(|s| s.starts_with(&format!("Group {r}: "))));
        check(region, format!("the topology's groups are regions: {said}"))?;
        let choose = |value: &str| support::choose("[data-testid=group-by]", value);
        eval(&client, &choose("meta:replicas")).await?;
        wait_for(&client, "the address follows", "location.search === '?groupBy=meta:replicas'").await?;
        eval(&client, &choose("kind")).await?;
        wait_for(&client, "the default left out", "location.search === ''").await.map(drop)
    })
    .await;
    feed.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screenshots_at_1k_and_10k_nodes() {
    for (n_nodes, seed) in [(1000, 3), (10_000, 4)] {
        let port = free_port();
        let feed = simulated_feed(port, mixed(n_nodes, seed)).await;
        let label = if n_nodes == 1000 { "1k" } else { "10k" };
        for (size, width, height, query) in [
            ("desktop-1440x900", 1440, 900, ""),
            ("embed-400", 400, 900, ""),
            ("desktop-1440x900-errors", 1440, 900, "?q=status:error,degraded"),
            ("desktop-1440x900-focus", 1440, 900, "?focus=n5&hops=2&theme=dark"),
        ] {
            let url = format!("http://127.0.0.1:{port}/{query}");
            let name = format!("find-{label}-{size}");
            Browser::run(width, height, |client| async move {
                support::set_page_size(&client, width, height).await?;
                client.goto(&url).await.map_err(|e| e.to_string())?;
                let all = format!("Number({}.split(' of ').pop()) >= {}", text_of(NODE_COUNT), n_nodes * 9 / 10);
                wait_for(&client, "the mesh", &all).await?;
                // Let statuses flap for a while, so the boxes have something to show.
                tokio::time::sleep(std::time::Duration::from_secs(6)).await;
                let overflow =
                    eval(&client, "document.documentElement.scrollWidth - document.documentElement.clientWidth")
                        .await?;
                check(overflow.as_i64() == Some(0), format!("{name}: {overflow} px of horizontal overflow"))?;
                screenshot(&client, &name).await
            })
            .await;
        }
        feed.stop().await;
    }
}
