//! Numbers and times as people read them, with units. Pure functions.

use shared::bridge::{LinkPhase, LinkStatus};
use shared::Status;

/// `950`, `12.3k`, `4.1M`.
pub fn compact(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude >= 1e6 {
        format!("{:.1}M", value / 1e6)
    } else if magnitude >= 1e4 {
        format!("{:.0}k", value / 1e3)
    } else if magnitude >= 1e3 {
        format!("{:.1}k", value / 1e3)
    } else if magnitude >= 10.0 || value == value.trunc() {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

/// `812 B`, `4.2 KB`, `1.3 MB`, `2.0 GB` (decimal units).
pub fn bytes(value: f64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if value < 1000.0 {
        return format!("{value:.0} B");
    }
    let mut scaled = value / 1000.0;
    let mut unit = 0;
    while scaled >= 1000.0 && unit + 1 < UNITS.len() {
        scaled /= 1000.0;
        unit += 1;
    }
    format!("{scaled:.1} {}", UNITS.get(unit).copied().unwrap_or("TB"))
}

pub fn latency_millis(value: f64) -> String {
    if value < 10.0 {
        format!("{value:.1} ms")
    } else if value < 10_000.0 {
        format!("{value:.0} ms")
    } else {
        format!("{:.1} s", value / 1000.0)
    }
}

/// A 0..=1 fraction as a percentage.
pub fn percent(fraction: f64) -> String {
    let pct = fraction * 100.0;
    if pct == 0.0 {
        "0 %".into()
    } else if pct < 0.1 {
        "<0.1 %".into()
    } else if pct < 10.0 {
        format!("{pct:.1} %")
    } else {
        format!("{pct:.0} %")
    }
}

/// A CSS class for a node status.
pub fn status_class(status: &Status) -> &'static str {
    match status {
        Status::Idle => "st-idle",
        Status::Starting => "st-starting",
        Status::Running => "st-running",
        Status::Ok => "st-ok",
        Status::Degraded => "st-degraded",
        Status::Error => "st-error",
        Status::Stopped => "st-stopped",
        Status::Other(_) => "st-unknown",
    }
}

/// What the connection badge says: a CSS class and the text.
pub fn badge(status: &LinkStatus) -> (&'static str, String) {
    if let Some(meta) = &status.recording {
        let span = format!("{}–{}", clock(meta.start_millis), clock(meta.end_millis));
        return ("badge-recording", format!("Recording · {} · {span}", meta.project));
    }
    if let Some(at_millis) = status.rewound_to_millis {
        let (_, link) = link_badge(&LinkStatus { rewound_to_millis: None, ..status.clone() });
        return ("badge-rewound", format!("Rewound to {} · link: {link}", clock(at_millis)));
    }
    link_badge(status)
}

fn link_badge(status: &LinkStatus) -> (&'static str, String) {
    let seconds = |millis: Option<u32>| millis.map_or(0, |m| m.div_ceil(1000));
    if status.paused {
        let news = match status.events_while_paused {
            0 => String::new(),
            1 => " · 1 new event".into(),
            n => format!(" · {n} new events"),
        };
        return ("badge-paused", format!("Paused{news}"));
    }
    match status.phase {
        LinkPhase::Idle => ("badge-connecting", "Starting".into()),
        LinkPhase::Demo => ("badge-live", "Demo".into()),
        LinkPhase::Connecting if status.attempt == 0 => ("badge-connecting", "Connecting…".into()),
        LinkPhase::Connecting => ("badge-connecting", format!("Reconnecting… attempt {}", status.attempt + 1)),
        LinkPhase::Open if status.snapshot_arriving => ("badge-stale", "Receiving snapshot…".into()),
        LinkPhase::Open if status.graph_stale => ("badge-stale", "Stale until resync".into()),
        LinkPhase::Open if status.quiet => ("badge-quiet", "Quiet".into()),
        LinkPhase::Open => ("badge-live", "Live".into()),
        LinkPhase::Waiting if !status.online => {
            ("badge-offline", format!("Offline · retry in {} s", seconds(status.retry_in_millis)))
        }
        LinkPhase::Waiting => (
            "badge-waiting",
            format!("Reconnecting in {} s · attempt {}", seconds(status.retry_in_millis), status.attempt),
        ),
    }
}

/// `HH:MM:SS` in the user's local time (UTC when not in a browser).
pub fn clock(epoch_millis: i64) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(epoch_millis as f64));
        format!("{:02}:{:02}:{:02}", date.get_hours(), date.get_minutes(), date.get_seconds())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        shared::time::format_clock_utc(epoch_millis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_with_units() {
        let cases: [(String, &str); 12] = [
            (compact(950.0), "950"),
            (compact(1234.0), "1.2k"),
            (compact(45_678.0), "46k"),
            (compact(4_100_000.0), "4.1M"),
            (compact(2.5), "2.5"),
            (bytes(812.0), "812 B"),
            (bytes(4_200.0), "4.2 KB"),
            (bytes(1_300_000.0), "1.3 MB"),
            (latency_millis(3.25), "3.2 ms"),
            (latency_millis(12_500.0), "12.5 s"),
            (percent(0.004), "0.4 %"),
            (percent(0.0004), "<0.1 %"),
        ];
        for (actual, expected) in cases {
            assert_eq!(actual, expected);
        }
    }

    #[test]
    fn badge_tells_the_truth() {
        let base = LinkStatus::default();
        let check = |status: LinkStatus, expected: &str| assert_eq!(badge(&status).1, expected);
        check(LinkStatus { phase: LinkPhase::Open, ..base.clone() }, "Live");
        check(LinkStatus { phase: LinkPhase::Open, quiet: true, ..base.clone() }, "Quiet");
        check(LinkStatus { phase: LinkPhase::Open, graph_stale: true, ..base.clone() }, "Stale until resync");
        let arriving =
            LinkStatus { phase: LinkPhase::Open, graph_stale: true, snapshot_arriving: true, ..base.clone() };
        check(arriving, "Receiving snapshot…");
        check(LinkStatus { phase: LinkPhase::Connecting, ..base.clone() }, "Connecting…");
        check(LinkStatus { phase: LinkPhase::Connecting, attempt: 2, ..base.clone() }, "Reconnecting… attempt 3");
        check(
            LinkStatus { phase: LinkPhase::Waiting, attempt: 3, retry_in_millis: Some(4_200), ..base.clone() },
            "Reconnecting in 5 s · attempt 3",
        );
        check(
            LinkStatus { phase: LinkPhase::Waiting, online: false, retry_in_millis: Some(900), ..base.clone() },
            "Offline · retry in 1 s",
        );
        check(
            LinkStatus { phase: LinkPhase::Open, paused: true, events_while_paused: 7, ..base.clone() },
            "Paused · 7 new events",
        );
        check(LinkStatus { phase: LinkPhase::Demo, ..base }, "Demo");
    }
}
