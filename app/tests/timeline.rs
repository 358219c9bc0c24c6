//! What the timeline says and where it puts marks.

use app::components::timeline::{caption, mark_percent, mark_title, span_text};
use shared::bridge::LinkStatus;
use shared::history::{HistoryBudget, HistoryStatus, Mark, MarkKind};

#[test]
fn spans_read_as_seconds_minutes_or_hours() {
    for (millis, text) in
        [(0, "0 s"), (59_999, "59 s"), (60_000, "1:00 min"), (605_000, "10:05 min"), (3_660_000, "1:01 h")]
    {
        assert_eq!(span_text(millis), text, "{millis}");
    }
}

#[test]
fn the_caption_says_live_or_the_moment_shown_and_what_is_kept() {
    let end = 1_700_000_900_000;
    let history = HistoryStatus {
        start_millis: Some(end - 125_000),
        end_millis: Some(end),
        bytes: 3 << 20,
        budget: Some(HistoryBudget::default()),
        ..HistoryStatus::default()
    };
    let live = LinkStatus { history: history.clone(), ..LinkStatus::default() };
    assert_eq!(caption(&live), "Live · 2:05 min kept · 3.1 MB");
    let paused = HistoryStatus { paused_since_millis: Some(end), ..history.clone() };
    assert_eq!(
        caption(&LinkStatus { history: paused, ..LinkStatus::default() }),
        "Live · 2:05 min kept · 3.1 MB · paused: stream too fast"
    );
    let rewound = LinkStatus { history, rewound_to_millis: Some(end - 30_000), ..LinkStatus::default() };
    let text = caption(&rewound);
    assert!(text.starts_with("Showing "), "{text}");
    assert!(text.ends_with(" · 30 s ago · 2:05 min kept · 3.1 MB"), "{text}");
    let off = HistoryStatus {
        budget: Some(HistoryBudget { max_bytes: 0, ..HistoryBudget::default() }),
        ..HistoryStatus::default()
    };
    assert_eq!(caption(&LinkStatus { history: off, ..LinkStatus::default() }), "History off");
    let too_big = HistoryStatus { state_over_budget: true, ..HistoryStatus::default() };
    assert_eq!(
        caption(&LinkStatus { history: too_big, ..LinkStatus::default() }),
        "History off: the state is larger than its memory budget"
    );
}

#[test]
fn marks_sit_in_proportion_on_the_track() {
    assert_eq!(mark_percent(1_500, 1_000, 2_000), 50.0);
    assert_eq!(mark_percent(500, 1_000, 2_000), 0.0);
    assert_eq!(mark_percent(9_000, 1_000, 2_000), 100.0);
    assert_eq!(mark_percent(1_000, 1_000, 1_000), 100.0);
    let burst = Mark { at_millis: 0, kind: MarkKind::ErrorBurst, count: 12 };
    assert!(mark_title(&burst).ends_with(" · 12 error events"), "{}", mark_title(&burst));
    let paused = Mark { at_millis: 0, kind: MarkKind::Paused, count: 1 };
    assert!(mark_title(&paused).ends_with(" · recording paused: the stream was too fast for the history's budget"));
}
