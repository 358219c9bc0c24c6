//! End-to-end: finding things in a live mesh, in the release build in
//! headless Chromium. `?q=status:error` on a known stream lists exactly the
//! error nodes (naturally ordered) and only their events; a filter that
//! does not parse says where, and the views keep the last good one; a
//! focus hides the nodes beyond its hops and Esc brings them back; the
//! search box selects a node and centres it in the topology; the keyboard
//! moves the selection on the canvas. Needs a release build in dist/ (or
//! `MESHVIEW_DIST`), like `e2e.rs`.
// Native only: std::time::Instant is fine here (it is banned for wasm code).
#![allow(clippy::disallowed_methods)]

#[allow(dead_code)]
mod support;

use feed::Frame;
use serde_json::Value;
use shared::encode::{encode_batch, encode_message};
use shared::protocol::{Message, Payload, Severity, Status};
use shared::sim::{Mix, SimConfig, Simulator};
use support::{check, eval, replay_feed, star_stream, text_frame, text_of, wait_for, Browser, TestResult};

const NODE_COUNT: &str = "[data-testid=node-count]";
const NODE_ROWS: &str = "[...document.querySelectorAll('.panel-nodes [data-node-id]')].map(r => r.dataset.nodeId)";

fn message(payload: Payload) -> Message {
    Message { ts_millis: None, seq: None, pos: None, payload }
}

/// A 40-node simulated snapshot (all ok), then four nodes in error, one
/// degraded, and an event about an error node and one about a healthy one.
fn failing_stream() -> Vec<Frame> {
    let sim = Simulator::new(SimConfig { n_nodes: 40, seed: 13, mix: Mix::Mixed });
    let mut frames = vec![text_frame(encode_message(&sim.snapshot(1_795_719_600_000)))];
    let status = |id: &str, status: Status| message(Payload::NodeStatus { id: id.into(), status });
    let event = |id: &str, text: &str| {
        message(Payload::Event { message: text.into(), severity: Severity::Warn, node_id: Some(id.into()) })
    };
    let messages = [
        status("n25", Status::Error),
        status("n3", Status::Error),
        status("n17", Status::Error),
        status("n10", Status::Error),
        status("n5", Status::Degraded),
        event("n17", "n17 fails its health checks"),
        event("n4", "n4 deployed build 4100"),
    ];
    frames.push(text_frame(encode_batch(&messages)));
    frames
}

/// Types `text` into an input as a person would (an input event).
fn type_into(selector: &str, text: &str) -> String {
    format!(
        "(() => {{ const input = document.querySelector({selector:?}); input.focus(); input.value = {text:?};
           input.dispatchEvent(new Event('input', {{ bubbles: true }})); return true; }})()"
    )
}

async fn rows(client: &fantoccini::Client) -> Result<Value, String> {
    eval(client, NODE_ROWS).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filter_in_the_url_shows_exactly_the_error_nodes() {
    let feed = replay_feed(failing_stream(), "/").await;
    let url = format!("http://{}/?q=status:error", feed.addr);
    Browser::run(1440, 900, |client| async move {
        client.goto(&url).await.map_err(|e| e.to_string())?;
        wait_for(&client, "4 of 40 nodes", &format!("{} === '4 of 40'", text_of(NODE_COUNT))).await?;
        let shown = rows(&client).await?;
        check(shown == serde_json::json!(["n3", "n10", "n17", "n25"]), format!("rows: {shown}"))?;
        let typed = eval(&client, "document.querySelector('[data-testid=filter]').value").await?;
        check(typed == "status:error", format!("the filter bar says {typed}"))?;
        // Events by node: n17's shows, n4's (a healthy node) does not.
        let events = "[...document.querySelectorAll('.panel-events .row')].map(r => r.title)";
        let scrolled = support::show_panel(&client, ".panel-events").await?;
        wait_for(&client, "n17's event", &format!("{events}.some(t => t.includes('node n17;'))")).await?;
        let listed = eval(&client, events).await?;
        check(!listed.to_string().contains("node n4;"), format!("a healthy node's event shows: {listed}"))?;
        support::scroll_back(&client, scrolled).await?;
        // Edges: only those that touch an error node.
        let edges =
            eval(&client, "[...document.querySelectorAll('.panel-edges .row')].map(r => r.textContent)").await?;
        check(edges.as_array().is_some_and(|e| !e.is_empty()), format!("no edges of error nodes: {edges}"))?;

        // A filter that does not parse: underlined, explained, and the table keeps the last good filter.
        eval(&client, &type_into("[data-testid=filter]", "status:error kind:")).await?;
        wait_for(
            &client,
            "the parse error",
            &format!("{}.includes('needs a value')", text_of("[data-testid=filter-error]")),
        )
        .await?;
        let marked = eval(&client, &text_of("[data-testid=filter-error] mark")).await?;
        check(marked == "kind:", format!("the underlined term is {marked}"))?;
        check(rows(&client).await? == serde_json::json!(["n3", "n10", "n17", "n25"]), "the last good filter holds")?;
        // A new filter narrows the table and lands in the address bar.
        eval(&client, &type_into("[data-testid=filter]", "status:error,degraded -id:n3")).await?;
        wait_for(&client, "4 of 40 again", &format!("{} === '4 of 40'", text_of(NODE_COUNT))).await?;
        let shown = rows(&client).await?;
        check(shown == serde_json::json!(["n5", "n10", "n17", "n25"]), format!("rows: {shown}"))?;
        wait_for(&client, "the URL", "location.search === '?q=status:error,degraded%20-id:n3'").await?;
        Ok(())
    })
    .await;
    feed.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn focus_hides_the_nodes_beyond_its_hops_and_esc_leaves_it() {
    let feed = replay_feed(star_stream(), "/").await;
    let url = format!("http://{}/?focus=h", feed.addr);
    Browser::run(1440, 900, |client| async move {
        client.goto(&url).await.map_err(|e| e.to_string())?;
        wait_for(&client, "h and its spokes", &format!("{} === '4 of 7'", text_of(NODE_COUNT))).await?;
        check(rows(&client).await? == serde_json::json!(["a1", "a2", "a3", "h"]), "one hop around h")?;
        // The deep link's focus is also the selection (details, log, keys).
        let pressed = "document.querySelector('.panel-nodes [data-node-id=h]').getAttribute('aria-pressed')";
        wait_for(&client, "h selected", &format!("{pressed} === 'true'")).await?;
        let crumb = eval(&client, &text_of("[data-testid=focus-bar]")).await?;
        check(crumb.as_str().is_some_and(|c| c.contains("h node (h)")), format!("breadcrumb: {crumb}"))?;
        check(eval(&client, &text_of("[data-testid=edge-count]")).await? == "3 of 5", "h's three edges")?;
        // Two hops reach b1, three reach c1; z is never in.
        click(&client, "[data-testid=focus-bar] .hops:nth-child(2)").await?;
        wait_for(&client, "two hops", &format!("{} === '5 of 7'", text_of(NODE_COUNT))).await?;
        click(&client, "[data-testid=focus-bar] .hops:nth-child(3)").await?;
        wait_for(&client, "three hops", &format!("{} === '6 of 7'", text_of(NODE_COUNT))).await?;
        check(!rows(&client).await?.to_string().contains("\"z\""), "z is outside every focus on h")?;
        wait_for(&client, "the URL", "location.search === '?focus=h&hops=3'").await?;
        // Esc (outside any text field) leaves the focus.
        eval(&client, "document.activeElement.blur()").await?;
        client
            .active_element()
            .await
            .map_err(|e| e.to_string())?
            .send_keys("\u{e00c}")
            .await
            .map_err(|e| e.to_string())?;
        wait_for(&client, "all nodes", &format!("{} === '7'", text_of(NODE_COUNT))).await?;
        wait_for(&client, "no breadcrumb", "!document.querySelector('[data-testid=focus-bar]')").await?;
        wait_for(&client, "the URL without focus", "location.search === ''").await?;
        // The details panel's Focus button focuses the selected node.
        eval(&client, "document.querySelector('.panel-nodes [data-node-id=b1]').click()").await?;
        click(&client, "[data-testid=focus-button]").await?;
        wait_for(&client, "b1 and its neighbours", &format!("{} === '3 of 7'", text_of(NODE_COUNT))).await?;
        check(rows(&client).await? == serde_json::json!(["a1", "b1", "c1"]), "one hop around b1")
    })
    .await;
    feed.stop().await;
}

async fn click(client: &fantoccini::Client, selector: &str) -> TestResult {
    eval(client, &format!("document.querySelector({selector:?}).click()")).await.map(drop)
}

/// The numbers of the edge rows in view: errors (in %; "<0.1 %" as 0.05)
/// and latency (in ms); an unknown one ("–") as -1.
const EDGE_NUMBERS_IN_VIEW: &str = "(() => {
    const frame = document.querySelector('.panel-edges .scroll').getBoundingClientRect();
    const rows = [...document.querySelectorAll('.panel-edges .row')].filter(row => {
        const r = row.getBoundingClientRect();
        return r.top >= frame.top && r.bottom <= frame.bottom;
    }).sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
    const number = text => text === '–' ? -1 : text.startsWith('<') ? 0.05
        : / s$/.test(text) ? parseFloat(text) * 1000 : parseFloat(text);
    return rows.map(row => ({ route: row.children[0].textContent, errors: number(row.children[3].textContent),
        latency: number(row.children[2].textContent) }));
})()";

/// Picks the edges table's sort as a person would.
fn sort_edges_by(value: &str) -> String {
    support::choose(".panel-edges select", value)
}

/// The edges table sorted by errors, then by latency, lists the mesh's
/// worst edge first and the rows in view worst to best; sorted by route
/// again, it starts where it did.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_edges_sort_by_a_number_with_the_worst_first() {
    let sim = Simulator::new(SimConfig { n_nodes: 40, seed: 13, mix: Mix::Mixed });
    let snapshot = sim.snapshot(1_795_719_600_000);
    let Payload::Snapshot { edges, .. } = &snapshot.payload else { panic!("not a snapshot") };
    let worst = |number: fn(&shared::protocol::EdgeStats) -> Option<f64>| {
        edges.iter().filter_map(|edge| edge.stats.as_ref().and_then(number)).fold(f64::MIN, f64::max)
    };
    let (worst_errors_percent, worst_latency_millis) = (worst(|s| s.error_rate) * 100.0, worst(|s| s.latency_millis));
    let n_edges = edges.len();
    let feed = replay_feed(vec![text_frame(encode_message(&snapshot))], "/").await;
    let url = format!("http://{}/", feed.addr);
    Browser::run(1440, 900, |client| async move {
        client.goto(&url).await.map_err(|e| e.to_string())?;
        wait_for(&client, "all edges", &format!("{} === '{n_edges}'", text_of("[data-testid=edge-count]"))).await?;
        support::show_panel(&client, ".panel-edges").await?;
        wait_for(&client, "edge rows", &format!("{EDGE_NUMBERS_IN_VIEW}.length > 8")).await?;
        let first_route = eval(&client, &format!("{EDGE_NUMBERS_IN_VIEW}[0].route")).await?;
        for (sort, field, worst) in
            [("errors", "errors", worst_errors_percent), ("latency", "latency", worst_latency_millis)]
        {
            eval(&client, &sort_edges_by(sort)).await?;
            let top = format!("{EDGE_NUMBERS_IN_VIEW}[0].{field}");
            // Shown rounded: within half a unit of the last digit shown.
            wait_for(
                &client,
                &format!("the worst {sort} first"),
                &format!("Math.abs({top} - {worst}) <= 0.5 + {worst} / 200"),
            )
            .await?;
            let shown = eval(&client, EDGE_NUMBERS_IN_VIEW).await?;
            let numbers: Vec<f64> =
                shown.as_array().into_iter().flatten().filter_map(|row| row[field].as_f64()).collect();
            check(numbers.len() > 8, format!("{sort}: rows in view {shown}"))?;
            check(numbers.windows(2).all(|pair| pair[0] >= pair[1]), format!("{sort}: not worst first: {numbers:?}"))?;
        }
        eval(&client, &sort_edges_by("route")).await?;
        wait_for(&client, "the first route again", &format!("{EDGE_NUMBERS_IN_VIEW}[0].route === {first_route}"))
            .await
            .map(drop)
    })
    .await;
    feed.stop().await;
}

/// A link opens the tables sorted as it says (`nodeSort`, `edgeSort`),
/// and the address bar follows the sorts chosen, the defaults left out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_keeps_the_tables_sorts() {
    let sim = Simulator::new(SimConfig { n_nodes: 40, seed: 13, mix: Mix::Mixed });
    let mut snapshot = sim.snapshot(1_795_719_600_000);
    let Payload::Snapshot { nodes, edges, .. } = &mut snapshot.payload else { panic!("not a snapshot") };
    // One node degraded and one in error, far down the id order: the
    // status sort puts the one in error first.
    for (node, status) in nodes.iter_mut().skip(30).zip([Status::Degraded, Status::Error]) {
        node.status = status;
    }
    let in_error = nodes.iter().find(|node| node.status == Status::Error).map(|node| node.id.clone());
    let in_error = in_error.expect("a node in error");
    let worst_errors_percent =
        edges.iter().filter_map(|e| e.stats.as_ref()?.error_rate).fold(f64::MIN, f64::max) * 100.0;
    let n_edges = edges.len();
    let feed = replay_feed(vec![text_frame(encode_message(&snapshot))], "/").await;
    let url = format!("http://{}/?nodeSort=status&edgeSort=errors", feed.addr);
    Browser::run(1440, 900, |client| async move {
        client.goto(&url).await.map_err(|e| e.to_string())?;
        wait_for(&client, "all edges", &format!("{} === '{n_edges}'", text_of("[data-testid=edge-count]"))).await?;
        let controls = "[document.querySelector('.panel-nodes select').value, \
            document.querySelector('.panel-edges select').value]";
        let chosen = eval(&client, controls).await?;
        check(chosen == serde_json::json!(["status", "errors"]), format!("the controls show {chosen}"))?;
        support::show_panel(&client, ".panel-nodes").await?;
        let first = "document.querySelector('.panel-nodes .row')?.dataset.nodeId";
        wait_for(&client, "the node in error first", &format!("{first} === '{in_error}'")).await?;
        support::show_panel(&client, ".panel-edges").await?;
        let top = format!("{EDGE_NUMBERS_IN_VIEW}[0].errors");
        let near = format!("Math.abs({top} - {worst_errors_percent}) <= 0.5 + {worst_errors_percent} / 200");
        wait_for(&client, "the worst errors first", &near).await?;
        let search = "location.search";
        eval(&client, &sort_edges_by("latency")).await?;
        wait_for(&client, "the address follows", &format!("{search} === '?nodeSort=status&edgeSort=latency'")).await?;
        eval(&client, &sort_edges_by("route")).await?;
        wait_for(&client, "the default left out", &format!("{search} === '?nodeSort=status'")).await.map(drop)
    })
    .await;
    feed.stop().await;
}

/// A 400 px embed has room for one number beside an edge's name: its
/// errors, or the number the table is sorted by.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_narrow_embed_shows_the_number_the_edges_sort_by() {
    const SHOWN: &str = "[...document.querySelector('.panel-edges .row').children].map(c => c.getBoundingClientRect().width > 0).join()";
    let snapshot = Simulator::new(SimConfig { n_nodes: 40, seed: 13, mix: Mix::Mixed }).snapshot(1_795_719_600_000);
    let feed = replay_feed(vec![text_frame(encode_message(&snapshot))], "/").await;
    let url = format!("http://{}/", feed.addr);
    Browser::run(400, 900, |client| async move {
        support::set_page_size(&client, 400, 900).await?;
        client.goto(&url).await.map_err(|e| e.to_string())?;
        wait_for(&client, "the edges panel", "document.querySelector('.panel-edges')").await?;
        support::show_panel(&client, ".panel-edges").await?;
        wait_for(&client, "edge rows", "document.querySelectorAll('.panel-edges .row').length > 5").await?;
        // (sort, shown: name, throughput, latency, errors)
        let cases = [
            ("route", "true,false,false,true"),
            ("throughput", "true,true,false,false"),
            ("latency", "true,false,true,false"),
            ("errors", "true,false,false,true"),
        ];
        for (sort, shown) in cases {
            eval(&client, &sort_edges_by(sort)).await?;
            wait_for(&client, &format!("{sort}: {shown}"), &format!("{SHOWN} === '{shown}'")).await?;
        }
        Ok(())
    })
    .await;
    feed.stop().await;
}
