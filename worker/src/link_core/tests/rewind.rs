//! Time travel through the link: the page, fed only the posted diffs, is
//! shown the state of an earlier moment, then the live state again, while
//! the live state went on in between.

use shared::View;

use super::{clock_text, config, LinkCore, START_MILLIS};
use crate::link_core::Action;

fn node(id: &str, status: &str) -> String {
    format!(
        r#"{{"data":{{"type":"node-upsert","node":{{"id":"{id}","kind":"svc","label":"{id}","status":"{status}"}}}}}}"#
    )
}

/// Ticks until the link has posted everything, applying each diff.
fn drain(core: &mut LinkCore, page: &mut View, now_millis: &mut f64) {
    for _ in 0..20 {
        *now_millis += 250.0;
        for action in core.tick(*now_millis, 0.5) {
            if let Action::PostDiff(diff) = action {
                page.apply_diff(*diff);
            }
        }
    }
}

/// A link of `project` whose socket just opened and brought node `a` (ok),
/// the page fed by it, and the clock.
fn opened_with_a(project: &str) -> (LinkCore, View, f64) {
    let mut core = LinkCore::new(clock_text);
    let now = START_MILLIS;
    let _ = core.configure(config(project), now);
    let _ = core.opened(now);
    core.frame(node("a", "ok"), now);
    (core, View::default(), now)
}

fn statuses(view: &View) -> Vec<String> {
    let mut shown: Vec<String> =
        view.nodes.values().map(|node| format!("{}={}", node.id, node.status.as_wire())).collect();
    shown.sort();
    shown
}

#[test]
fn the_page_is_shown_an_earlier_moment_and_then_live_again() {
    let (mut core, mut page, mut now) = opened_with_a("a");
    drain(&mut core, &mut page, &mut now);
    let before_b = now;
    now += 1_000.0;
    core.frame(node("b", "ok"), now);
    now += 1_000.0;
    core.frame(node("a", "error"), now);
    drain(&mut core, &mut page, &mut now);
    assert_eq!(statuses(&page), ["a=error", "b=ok"]);

    core.rewind(Some(before_b as i64));
    drain(&mut core, &mut page, &mut now);
    assert_eq!(statuses(&page), ["a=ok"], "the moment before b came");
    assert_eq!(core.rewound_to(), Some(before_b as i64));
    let status = core.status(now);
    assert_eq!(status.rewound_to_millis, Some(before_b as i64));
    assert_eq!(status.n_nodes, 2, "the live state is still counted");

    // The stream goes on meanwhile; the page stays at its moment.
    core.frame(node("c", "degraded"), now);
    drain(&mut core, &mut page, &mut now);
    assert_eq!(statuses(&page), ["a=ok"]);

    core.rewind(None);
    drain(&mut core, &mut page, &mut now);
    assert_eq!(statuses(&page), ["a=error", "b=ok", "c=degraded"]);
    assert_eq!(core.rewound_to(), None);
    // And live diffs flow again.
    core.frame(node("b", "error"), now);
    drain(&mut core, &mut page, &mut now);
    assert_eq!(statuses(&page), ["a=error", "b=error", "c=degraded"]);
}

#[test]
fn the_history_window_is_in_the_status_and_a_moment_before_it_is_clamped() {
    let (mut core, mut page, mut now) = opened_with_a("a");
    now += 500.0;
    core.frame(node("b", "ok"), now);
    let history = core.status(now).history;
    assert_eq!((history.start_millis, history.end_millis), (Some(START_MILLIS as i64), Some(now as i64)));
    assert!(history.bytes > 0);
    core.rewind(Some(0));
    drain(&mut core, &mut page, &mut now);
    assert_eq!(core.rewound_to(), Some(START_MILLIS as i64));
    assert_eq!(statuses(&page), ["a=ok"]);
}

/// The session file a link saves, opened in another link with no server,
/// shows the same mesh, and its timeline scrubs through the recording.
#[test]
fn a_saved_session_opens_in_another_link_and_scrubs() {
    let (mut core, mut page, mut now) = opened_with_a("payments");
    let first = now;
    now += 1_000.0;
    core.frame(node("b", "error"), now);
    drain(&mut core, &mut page, &mut now);
    let actions = core.save_session();
    let [Action::PostSessionFile { name, bytes }] = actions.as_slice() else { panic!("{actions:?}") };
    assert_eq!(name, "meshview-payments-1970-01-01T00-16-41Z.meshview");

    let mut other = LinkCore::new(clock_text);
    let mut other_page = View::default();
    let mut other_now = START_MILLIS + 50_000.0;
    let _ = other.configure(config("elsewhere"), other_now);
    let actions = other.open_session(bytes);
    assert!(actions.contains(&Action::Disconnect), "{actions:?}");
    drain(&mut other, &mut other_page, &mut other_now);
    assert_eq!(statuses(&other_page), ["a=ok", "b=error"]);
    let status = other.status(other_now);
    assert_eq!(status.recording.as_ref().map(|meta| meta.project.as_str()), Some("payments"));
    assert_eq!(
        (status.history.start_millis, status.history.end_millis),
        (Some(first as i64), Some((first + 1_000.0) as i64))
    );
    other.rewind(Some(first as i64));
    drain(&mut other, &mut other_page, &mut other_now);
    assert_eq!(statuses(&other_page), ["a=ok"]);

    // A damaged file changes nothing.
    let mut damaged = bytes.clone();
    damaged.truncate(damaged.len() - 10);
    let actions = other.open_session(&damaged);
    let [Action::SessionError(why)] = actions.as_slice() else { panic!("{actions:?}") };
    assert!(why.starts_with("not opened: the session file is cut short"), "{why}");
    drain(&mut other, &mut other_page, &mut other_now);
    assert_eq!(statuses(&other_page), ["a=ok"]);
    assert!(other.status(other_now).recording.is_some());

    // Configuring the link again leaves the recording.
    let _ = other.configure(config("elsewhere"), other_now);
    drain(&mut other, &mut other_page, &mut other_now);
    assert!(other_page.nodes.is_empty());
    assert!(other.status(other_now).recording.is_none());
}
