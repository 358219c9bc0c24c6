//! End-to-end: the dashboard as deployments run it: from a sub-path and in
//! a cross-origin iframe, under a strict Content-Security-Policy, and driven
//! by an embedding portal.
// Native only: std::time::Instant is fine here (it is banned for wasm code).
#![allow(clippy::disallowed_methods)]

#[allow(dead_code)] // each suite uses part of the shared support
mod support;

use std::time::Duration;

use feed::SimSettings;
use shared::sim::Mix;
use support::{
    check, counts, drawn_pixels, eval, figure, free_port, replay_feed, stream, text_of, wait_for, Browser, BADGE,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_from_a_sub_path_and_in_a_cross_origin_iframe() {
    let (_, frames) = stream(12, 200);
    let feed = replay_feed(frames, "/dash/").await;
    let page = format!("http://{}/dash/", feed.addr);
    let host_page = format!(
        "<!DOCTYPE html><title>host</title><iframe id=dash src='{page}' style='width:1200px;height:700px'></iframe>"
    );
    let (site, _) = support::static_site(&[("host.html", host_page)]).await;
    let host_url = format!("http://localhost:{}/host.html", site.addr.port());
    Browser::run(1280, 800, |client| async move {
        client.goto(&page).await.map_err(|e| e.to_string())?;
        wait_for(&client, "nodes under a sub-path", &format!("{} === '12'", text_of("[data-testid=node-count]")))
            .await?;
        // The host page is on `localhost`, the dashboard on `127.0.0.1`:
        // two origins, so the iframe is cross-origin.
        client.goto(&host_url).await.map_err(|e| e.to_string())?;
        wait_for(&client, "the iframe", "document.getElementById('dash')").await?;
        client.enter_frame(0).await.map_err(|e| e.to_string())?;
        wait_for(&client, "nodes inside the iframe", &format!("{} === '12'", text_of("[data-testid=node-count]")))
            .await?;
        Ok(())
    })
    .await;
    site.stop().await;
    feed.stop().await;
}

/// Screenshots for review (target/screenshots/), at exactly the sizes named,
/// of what they are for: a node picked on the canvas and one picked in the
/// table, each selected, ringed and detailed; the canvas in the theme's
/// colours (light and dark); no sideways scrolling in a 400 px embed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strict_csp_allows_the_dashboard_and_nothing_else() {
    let (snapshot, frames) = stream(25, 1500);
    let (n_nodes, _) = counts(&snapshot);
    let index = std::fs::read_to_string(support::dist().join("index.html")).expect("dist/index.html");
    let port = free_port();
    let stream_origin = format!("ws://127.0.0.1:{port}");
    let csp = xtask::csp::policy(&index, &[&stream_origin], &[]);
    let source = feed::Source::Replay { frames: std::sync::Arc::new(frames), frames_per_sec: 0.0 };
    let feed = support::serve_with_csp(port, source, support::dist(), "/", Some(csp)).await;
    let url = format!("http://127.0.0.1:{port}/");
    Browser::run(1440, 900, |client| async move {
        client.goto(&url).await.map_err(|e| e.to_string())?;
        wait_for(&client, "nodes under CSP", &format!("{} === '{n_nodes}'", text_of("[data-testid=node-count]"))).await?;
        // Painted by the topology's own worker, which the policy must allow too.
        wait_for(&client, "the topology under CSP", &format!("{} > 500", drawn_pixels("[data-testid=topology]"))).await?;
        // The worker loads the page's module (a same-origin script and the
        // compiled module it is sent): allowed by the policy, not fallen back.
        let painter = "document.querySelector('[data-testid=topology]').dataset.paintedBy";
        wait_for(&client, "the paint worker painting under CSP", &format!("{painter} === 'worker'")).await?;
        eval(&client, "document.querySelector('.panel-charts').scrollIntoView()").await?;
        wait_for(&client, "a chart under CSP", &format!("{} > 500", drawn_pixels(".chart canvas"))).await?;
        // The page counts violations from its first moment; give the
        // once-a-second mirror time to show them.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let violations = eval(&client, &figure("csp-violations")).await?;
        check(violations.as_f64() == Some(0.0), format!("{violations} CSP violations"))?;
        // The policy really is in force: an injected inline script is refused.
        eval(&client, "(() => { const s = document.createElement('script'); s.textContent = 'window.__inline = 1'; document.body.appendChild(s); })()").await?;
        wait_for(&client, "the refused script to be counted", &format!("{} >= 1", figure("csp-violations"))).await?;
        let ran = eval(&client, "window.__inline ?? null").await?;
        check(ran.is_null(), "an inline script ran under the strict policy")
    })
    .await;
    feed.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portal_embeds_and_drives_the_dashboard() {
    let port = free_port();
    let portal = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/portal.html"))
        .expect("examples/portal.html");
    let (site, _) = support::static_site(&[("portal.html", portal)]).await;
    // Embedding is off unless the deployment names the portal; the
    // session files a portal may open are listed too.
    let config = format!(
        r#"{{"allowedParentOrigins": ["http://localhost:{}"], "sessionUrls": ["/recordings/incident.meshview"]}}"#,
        site.addr.port()
    );
    let settings = SimSettings { n_nodes: 24, messages_per_sec: 150.0, batch: 5, seed: 8, mix: Mix::EventsAndLogs };
    let dist = support::dist_copy_with(&[("config.json", config)]);
    std::fs::create_dir_all(dist.join("recordings")).expect("a folder");
    std::fs::write(dist.join("recordings/incident.meshview"), incident_session()).expect("a session file");
    let feed = support::serve_with_csp(port, feed::Source::Simulated(settings), dist, "/", None).await;
    // The portal is on `localhost`, the dashboard on `127.0.0.1`: two origins.
    let url = format!("http://localhost:{}/portal.html?dash=http://127.0.0.1:{port}/", site.addr.port());
    let events = |kind: &str| format!("window.meshviewEvents.filter(m => m.type === '{kind}')");
    Browser::run(1440, 1000, |client| async move {
        client.goto(&url).await.map_err(|e| e.to_string())?;
        wait_for(&client, "ready", &format!("{}.length === 1", events("ready"))).await?;
        wait_for(&client, "a resize", &format!("{}.some(m => m.height > 300)", events("resize"))).await?;
        wait_for(&client, "connection live", &format!("{}.some(m => m.state === 'live')", events("connection")))
            .await?;
        let height = eval(&client, "document.getElementById('dash').getBoundingClientRect().height").await?;
        check(height.as_f64().is_some_and(|h| h > 300.0), format!("the iframe was not sized: {height}"))?;

        eval(&client, "sendToDashboard({type: 'setTheme', theme: 'dark'})").await?;
        eval(&client, "sendToDashboard({type: 'pause'})").await?;
        wait_for(&client, "connection paused", &format!("{}.some(m => m.state === 'paused')", events("connection")))
            .await?;
        eval(&client, "sendToDashboard({type: 'setFilter', text: 'n1'})").await?;
        eval(&client, "sendToDashboard({type: 'setNodeSort', by: 'status'})").await?;
        eval(&client, "sendToDashboard({type: 'setEdgeSort', by: 'errors'})").await?;
        eval(&client, "sendToDashboard({type: 'setGroupBy', by: 'meta:region'})").await?;
        eval(&client, "sendToDashboard({type: 'selectNode', nodeId: 'n2'})").await?;
        wait_for(&client, "select n2", &format!("{}.some(m => m.nodeId === 'n2')", events("select"))).await?;

        client.enter_frame(0).await.map_err(|e| e.to_string())?;
        wait_for(&client, "the dark theme", "document.documentElement.dataset.theme === 'dark'").await?;
        wait_for(&client, "the filter", "document.querySelector('input[aria-label=\"Filter nodes\"]').value === 'n1'")
            .await?;
        // The sorts show in their controls, and all three in the address.
        let sorted = "document.querySelector('select[aria-label=\"Sort nodes\"]').value === 'status' \
            && document.querySelector('select[aria-label=\"Sort edges\"]').value === 'errors' \
            && ['nodeSort=status', 'edgeSort=errors', 'groupBy=meta'].every(p => location.search.includes(p))";
        wait_for(&client, "the sorts and grouping", sorted).await?;
        // A message from any other origin (here the dashboard's own) is ignored and counted.
        eval(&client, "window.postMessage({target: 'meshview', version: 1, type: 'setTheme', theme: 'light'}, '*')")
            .await?;
        wait_for(&client, "the ignored message", &format!("{} >= 1", figure("embed-messages-ignored"))).await?;
        let theme = eval(&client, "document.documentElement.dataset.theme").await?;
        check(theme == "dark", format!("a foreign message changed the theme to {theme}"))?;
        client.enter_parent_frame().await.map_err(|e| e.to_string())?;

        eval(&client, "sendToDashboard({type: 'resume'})").await?;
        eval(&client, "sendToDashboard({type: 'setProject', project: 'other'})").await?;
        client.enter_frame(0).await.map_err(|e| e.to_string())?;
        wait_for(&client, "the project switch", &format!("{} === 'other'", text_of(".brand .project"))).await?;
        wait_for(&client, "live on the new project", &format!("{} === 'Live'", text_of(BADGE))).await?;
        wait_for(
            &client,
            "the new project's socket",
            &format!("{}.includes('project=other')", text_of("[data-testid=link-url]")),
        )
        .await?;
        wait_for(&client, "some history", "document.querySelector('[data-testid=save-session]')?.disabled === false")
            .await?;
        client.enter_parent_frame().await.map_err(|e| e.to_string())?;

        // The portal asks for the session and gets the file's bytes.
        eval(&client, "sendToDashboard({type: 'saveSession'})").await?;
        let session = wait_for(
            &client,
            "the session file",
            &format!("{}.map(m => [m.name, m.size, m.data?.byteLength, [...(m.data ?? []).slice(0, 16)].map(c => String.fromCharCode(c)).join('')])[0]", events("session")),
        )
        .await?;
        check(
            session[0].as_str().is_some_and(|name| name.starts_with("meshview-other-"))
                && session[1].as_u64().is_some_and(|size| size > 100)
                && session[1] == session[2]
                && session[3] == "MESHVIEW-SESSION",
            format!("session message: {session}"),
        )?;
        // Only what config.json lists opens.
        eval(&client, "sendToDashboard({type: 'openSession', url: '/recordings/other.meshview'})").await?;
        wait_for(
            &client,
            "the refusal",
            &format!("{}.some(m => m.text.includes('not listed'))", events("sessionError")),
        )
        .await?;
        eval(&client, "sendToDashboard({type: 'openSession', url: '/recordings/incident.meshview'})").await?;
        client.enter_frame(0).await.map_err(|e| e.to_string())?;
        wait_for(&client, "the recording", &format!("{}.startsWith('Recording · incident · ')", text_of(BADGE))).await?;
        // (The portal's filter `n1` is still in force: "0 of 3".)
        wait_for(&client, "its nodes", &format!("{}.endsWith('of 3')", text_of("[data-testid=node-count]"))).await?;
        Ok(())
    })
    .await;
    site.stop().await;
    feed.stop().await;
}

/// A broken or mistyped `config.json` fails closed: the page says why,
/// still shows its own stream, and allows no embedding.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_config_json_is_named_and_the_page_fails_closed() {
    let cases = [
        (r#"{"project": "p""#, "config.json is not JSON"),
        (r#"{"projekt": "p"}"#, "unknown field `projekt`"),
        (r#"{"idle": "soon"}"#, "config.json: invalid type"),
        ("[]", "config.json: not a JSON object"),
    ];
    for (config, said) in cases {
        let (_, frames) = stream(12, 200);
        let dist = support::dist_copy_with(&[("config.json", config.to_owned())]);
        let feed = support::serve_with_csp(
            0,
            feed::Source::Replay { frames: std::sync::Arc::new(frames), frames_per_sec: 0.0 },
            dist,
            "/",
            None,
        )
        .await;
        let page = format!("http://{}/", feed.addr);
        Browser::run(1280, 800, |client| async move {
            client.goto(&page).await.map_err(|e| e.to_string())?;
            wait_for(&client, "its own stream", &format!("{} === '12'", text_of("[data-testid=node-count]"))).await?;
            let notice =
                eval(&client, "[...document.querySelectorAll('.notice')].map(n => n.textContent).join(' | ')").await?;
            check(notice.as_str().is_some_and(|text| text.contains(said)), format!("{config}: notice {notice}"))?;
            Ok(())
        })
        .await;
        feed.stop().await;
    }
}

/// A small recorded session of project "incident": three nodes.
fn incident_session() -> Vec<u8> {
    use shared::history::{History, HistoryBudget, Input};
    let mut history = History::new(HistoryBudget::default());
    let mut live = shared::Reducer::new();
    let at = 1_795_719_600_000;
    for (offset, id) in ["a", "b", "c"].into_iter().enumerate() {
        let frame = format!(
            r#"{{"data":{{"type":"node-upsert","node":{{"id":"{id}","kind":"svc","label":"{id}","status":"error"}}}}}}"#
        );
        history.record(&mut live, at + offset as i64 * 1_000, Input::Frame(frame));
    }
    shared::session::write_session(&history, "incident").expect("a session file")
}
