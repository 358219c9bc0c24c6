//! A picture's caption and file name say what it shows.

use app::picture::{caption, picture_name, wrap, Moment};

fn moment(rewound: bool, filter: &str) -> Moment {
    // 2026-12-03 12:20:05.250 UTC
    Moment { project: "pay ments/eu".into(), at_millis: 1_796_300_405_250, rewound, filter: filter.into() }
}

#[test]
fn the_caption_says_project_time_and_filter() {
    assert_eq!(caption("topology", &moment(false, "")), "meshview topology · pay ments/eu · 2026-12-03 12:20:05 UTC");
    assert_eq!(
        caption("chart cpu:n1", &moment(true, " status:error ")),
        "meshview chart cpu:n1 · pay ments/eu · 2026-12-03 12:20:05 UTC · rewound · filter status:error"
    );
}

#[test]
fn the_file_name_carries_project_and_time_in_safe_characters() {
    assert_eq!(picture_name("topology", &moment(false, "")), "meshview-topology-pay_ments_eu-2026-12-03T12-20-05Z.png");
}

#[test]
fn a_caption_wraps_between_its_parts() {
    let text = "meshview chart cpu:n0 · default · 2026-12-03 12:20:05 UTC · filter status:error";
    // A line fits up to 32 characters here.
    let fits = |line: &str| line.chars().count() <= 32;
    assert_eq!(wrap(text, fits), ["meshview chart cpu:n0 · default", "2026-12-03 12:20:05 UTC", "filter status:error"]);
    assert_eq!(wrap(text, |_| true), [text]);
    // A part wider than the room still gets a line of its own.
    assert_eq!(wrap("a · bbbbbb · c", |line: &str| line.len() <= 3), ["a", "bbbbbb", "c"]);
}
