//! Project ids, the cap on live projects, and projects stopping once their
//! last client left: real WebSockets on 127.0.0.1.

mod support;

use std::time::Duration;

use feed::Guards;
use support::{close_of, connect, first_text, small_mesh, start, wait_until};

#[tokio::test]
async fn a_bad_project_id_is_closed_with_4002_and_a_reason() {
    let feed = start(small_mesh(), Guards::default()).await;
    let too_long = format!("?project={}", "x".repeat(65));
    for query in ["?project=a%2Fb", "?project=a%20b", "?project=%C3%BC", "?project=%3Cscript%3E", too_long.as_str()] {
        let mut ws = connect(feed.addr, query, &[]).await.expect("upgraded, then refused");
        let close = close_of(&mut ws).await;
        let Some((code, reason)) = close else { panic!("{query}: no close frame") };
        assert_eq!(code, 4002, "{query}: {reason}");
        assert!(!reason.is_empty(), "{query}: no reason");
    }
    assert_eq!(feed.stats().live_projects, 0, "a refused id started a project");
    let longest = format!("?project={}", "x".repeat(64));
    for query in ["?project=Mesh-1.prod_eu", longest.as_str(), "?project=", ""] {
        let mut ws = connect(feed.addr, query, &[]).await.expect("upgraded");
        assert!(first_text(&mut ws).await.contains("\"snapshot\""), "{query}: no snapshot");
    }
    feed.stop().await;
}

#[tokio::test]
async fn over_the_cap_is_closed_with_1013_until_a_slot_frees() {
    let guards = Guards { max_live_projects: 2, project_idle_grace: Duration::from_millis(200), ..Guards::default() };
    let feed = start(small_mesh(), guards).await;
    let mut a = connect(feed.addr, "?project=a", &[]).await.expect("a");
    first_text(&mut a).await;
    let mut b = connect(feed.addr, "?project=b", &[]).await.expect("b");
    first_text(&mut b).await;
    // A second client of a live project takes no new slot.
    let mut b_again = connect(feed.addr, "?project=b", &[]).await.expect("b again");
    first_text(&mut b_again).await;
    let mut c = connect(feed.addr, "?project=c", &[]).await.expect("upgraded, then refused");
    let close = close_of(&mut c).await;
    assert_eq!(close.map(|(code, _)| code), Some(1013));
    assert_eq!(feed.stats().live_projects, 2);
    a.close(None).await.expect("a closes");
    wait_until("a's project to stop", || feed.stats().live_projects == 1).await;
    let mut c = connect(feed.addr, "?project=c", &[]).await.expect("c");
    assert!(first_text(&mut c).await.contains("\"snapshot\""));
    feed.stop().await;
}

#[tokio::test]
async fn a_project_stops_after_its_last_client_left_and_its_grace() {
    let grace = Duration::from_millis(1500);
    let guards = Guards { project_idle_grace: grace, ..Guards::default() };
    let feed = start(small_mesh(), guards).await;
    let mut ws = connect(feed.addr, "?project=p", &[]).await.expect("p");
    first_text(&mut ws).await;
    // The project cannot be idle before this: it cannot stop before this plus the grace.
    let leaving = tokio::time::Instant::now();
    ws.close(None).await.expect("closes");
    drop(ws);
    wait_until("the client to leave", || feed.stats().clients == 0).await;
    assert_eq!(feed.stats().live_projects, 1, "stopped at once, with no grace");
    wait_until("the idle project to stop", || feed.stats().live_projects == 0).await;
    assert!(leaving.elapsed() >= grace, "stopped before its grace: {:?}", leaving.elapsed());
    feed.stop().await;
}
