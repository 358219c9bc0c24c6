//! The targets of "calm at full speed" (issue 12), judged against one run
//! of the browser benchmark: each target's bound, the figures it is
//! judged on, and whether every one of them is within it. The bench prints
//! this verdict at the end of a run and writes it to results.json, so that
//! a run says itself which targets it met.

/// Main thread busy, on every full-speed row (share of the wall time).
pub const MAX_MAIN_BUSY_FULL_SPEED: f64 = 0.10;
/// Main thread busy in the steady 10k scenario.
pub const MAX_MAIN_BUSY_STEADY: f64 = 0.05;
/// p99 of applying a diff, on every full-speed row.
pub const MAX_APPLY_P99_MILLIS: f64 = 8.0;
/// Batch ingest against the JSON.parse ceiling, on every batch row.
pub const MIN_BATCH_SHARE_OF_PARSE: f64 = 0.60;
/// Single-message frames against the count-only ceiling.
pub const MIN_SINGLE_SHARE_OF_COUNT: f64 = 0.95;
/// The whole `dist/`, gzip, in bytes (250 KB).
pub const MAX_DIST_GZIP_BYTES: u64 = 250_000;
/// The stream worker's memory at the end of a row against its memory at
/// the first million messages ("flat": at most this much more).
pub const MAX_MEMORY_GROWTH: f64 = 0.10;

/// What one row of the run measured. `None`: not measured (the row failed
/// or its ceiling page did not run).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowFigures {
    pub label: String,
    /// One of the full-speed rows the targets name (1k, 10k and events,
    /// either framing); not the rows with a person scrolling or dragging,
    /// nor the steady ones.
    pub full_speed: bool,
    /// Messages per frame (1 or 100); 0 for the steady rows.
    pub batch: usize,
    pub main_busy: Option<f64>,
    pub apply_p99_millis: Option<f64>,
    /// Live diffs the page applied in the row (not a snapshot's fill
    /// steps): what its apply p99 is taken over. With a few dozen, the p99
    /// is the slowest diff or next to it.
    pub live_diffs: Option<f64>,
    /// Main-thread tasks over 50 ms after the first nodes were shown.
    pub long_tasks: Option<f64>,
    pub rate: Option<f64>,
    pub count_rate: Option<f64>,
    pub parse_rate: Option<f64>,
    pub memory_at_mark_bytes: Option<f64>,
    pub memory_at_end_bytes: Option<f64>,
}

/// One run: its rows (the steady 10k one labelled `STEADY_LABEL`) and the
/// size of `dist/`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Run {
    pub rows: Vec<RowFigures>,
    pub dist_gzip_bytes: Option<u64>,
}

/// The steady scenario the 5 % bound is for (the others add a filter, a
/// panel in view or a person moving something).
pub const STEADY_LABEL: &str = "steady";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Met,
    Missed,
    /// No figure of this run bears on it (its rows were left out or failed).
    NotMeasured,
}

/// One target against the run.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The target in words, its bound written from the constant.
    pub target: String,
    pub outcome: Outcome,
    /// (row, figure as shown) for every figure judged, the misses marked.
    pub figures: Vec<(String, String, bool)>,
}

/// A figure judged: where it comes from, its value as shown, and whether
/// it is within the bound.
type Judged = (String, String, bool);

fn verdict(target: String, figures: Vec<Judged>) -> Verdict {
    let outcome = if figures.is_empty() {
        Outcome::NotMeasured
    } else if figures.iter().all(|(_, _, within)| *within) {
        Outcome::Met
    } else {
        Outcome::Missed
    };
    Verdict { target, outcome, figures }
}

fn percent(share: f64) -> String {
    format!("{:.1} %", share * 100.0)
}

/// Every target of the issue, in its order, against `run`.
pub fn judge(run: &Run) -> Vec<Verdict> {
    let full_speed = || run.rows.iter().filter(|row| row.full_speed);
    let each = |rows: &mut dyn Iterator<Item = &RowFigures>, figure: &dyn Fn(&RowFigures) -> Option<Judged>| {
        rows.filter_map(figure).collect::<Vec<_>>()
    };
    let main_full = each(&mut full_speed(), &|row| {
        let busy = row.main_busy?;
        Some((row.label.clone(), percent(busy), busy <= MAX_MAIN_BUSY_FULL_SPEED))
    });
    let main_steady = each(&mut run.rows.iter().filter(|row| row.label == STEADY_LABEL), &|row| {
        let busy = row.main_busy?;
        Some((row.label.clone(), percent(busy), busy <= MAX_MAIN_BUSY_STEADY))
    });
    let apply = each(&mut full_speed(), &|row| {
        let p99 = row.apply_p99_millis?;
        let over = row.live_diffs.map(|diffs| format!(" of {diffs:.0} diffs")).unwrap_or_default();
        Some((row.label.clone(), format!("{p99:.1} ms{over}"), p99 <= MAX_APPLY_P99_MILLIS))
    });
    let long_tasks = each(&mut run.rows.iter(), &|row| {
        let count = row.long_tasks?;
        Some((row.label.clone(), format!("{count:.0}"), count == 0.0))
    });
    let share_of = |row: &RowFigures, ceiling: Option<f64>, floor: f64| {
        let (rate, ceiling) = (row.rate?, ceiling.filter(|c| *c > 0.0)?);
        let share = rate / ceiling;
        Some((row.label.clone(), format!("{:.0} %", share * 100.0), share >= floor))
    };
    let batch_ingest = each(&mut full_speed().filter(|row| row.batch > 1), &|row| {
        share_of(row, row.parse_rate, MIN_BATCH_SHARE_OF_PARSE)
    });
    let single = each(&mut full_speed().filter(|row| row.batch == 1), &|row| {
        share_of(row, row.count_rate, MIN_SINGLE_SHARE_OF_COUNT)
    });
    let size = run
        .dist_gzip_bytes
        .map(|bytes| ("dist/".to_owned(), format!("{:.1} KB", bytes as f64 / 1000.0), bytes <= MAX_DIST_GZIP_BYTES));
    let memory = each(&mut run.rows.iter(), &|row| {
        let (mark, end) = (row.memory_at_mark_bytes.filter(|m| *m > 0.0)?, row.memory_at_end_bytes?);
        let growth = end / mark - 1.0;
        Some((row.label.clone(), format!("{:+.1} %", growth * 100.0), growth <= MAX_MEMORY_GROWTH))
    });
    let percent_of = |share: f64| share * 100.0;
    vec![
        verdict(
            format!("main thread <= {:.0} % on every full-speed row", percent_of(MAX_MAIN_BUSY_FULL_SPEED)),
            main_full,
        ),
        verdict(
            format!("main thread <= {:.0} % in the steady 10k scenario", percent_of(MAX_MAIN_BUSY_STEADY)),
            main_steady,
        ),
        verdict(format!("diff apply p99 <= {MAX_APPLY_P99_MILLIS:.0} ms on every full-speed row"), apply),
        verdict("no long task over 50 ms after the first nodes".to_owned(), long_tasks),
        verdict(
            format!("batch ingest >= {:.0} % of the JSON.parse ceiling", percent_of(MIN_BATCH_SHARE_OF_PARSE)),
            batch_ingest,
        ),
        verdict(
            format!("single-message frames >= {:.0} % of count-only", percent_of(MIN_SINGLE_SHARE_OF_COUNT)),
            single,
        ),
        verdict(format!("dist/ <= {:.0} KB gzip", MAX_DIST_GZIP_BYTES as f64 / 1000.0), size.into_iter().collect()),
        verdict(format!("worker memory flat (end within {:.0} % of 1M)", percent_of(MAX_MEMORY_GROWTH)), memory),
    ]
}

/// The verdict as lines for the bench's printout: one per target, then
/// how many were met.
pub fn lines(verdicts: &[Verdict]) -> Vec<String> {
    let mut out: Vec<String> = verdicts
        .iter()
        .map(|v| {
            let word = match v.outcome {
                Outcome::Met => "met",
                Outcome::Missed => "MISSED",
                Outcome::NotMeasured => "not measured",
            };
            let figures: Vec<String> = v
                .figures
                .iter()
                .map(|(row, shown, within)| format!("{row} {shown}{}", if *within { "" } else { " (missed)" }))
                .collect();
            if figures.is_empty() {
                format!("  {word:<12} {}", v.target)
            } else {
                format!("  {word:<12} {}: {}", v.target, figures.join(", "))
            }
        })
        .collect();
    let met = verdicts.iter().filter(|v| v.outcome == Outcome::Met).count();
    out.push(format!("  {met} of {} targets met in this run", verdicts.len()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A full-speed row within every bound by a margin.
    fn good(label: &str, batch: usize) -> RowFigures {
        RowFigures {
            label: label.to_owned(),
            full_speed: true,
            batch,
            main_busy: Some(0.06),
            apply_p99_millis: Some(5.0),
            live_diffs: Some(80.0),
            long_tasks: Some(0.0),
            rate: Some(if batch == 1 { 40_000.0 } else { 500_000.0 }),
            count_rate: Some(41_000.0),
            parse_rate: Some(700_000.0),
            memory_at_mark_bytes: Some(70.0 * 1_048_576.0),
            memory_at_end_bytes: Some(72.0 * 1_048_576.0),
        }
    }

    fn steady(busy: f64) -> RowFigures {
        RowFigures {
            label: STEADY_LABEL.to_owned(),
            main_busy: Some(busy),
            apply_p99_millis: Some(6.0),
            long_tasks: Some(0.0),
            ..RowFigures::default()
        }
    }

    fn run_of(rows: Vec<RowFigures>, dist: u64) -> Run {
        Run { rows, dist_gzip_bytes: Some(dist) }
    }

    fn outcomes(run: &Run) -> Vec<Outcome> {
        judge(run).iter().map(|v| v.outcome).collect()
    }

    use Outcome::{Met, Missed, NotMeasured};

    #[test]
    fn each_bound_is_met_at_its_value_and_missed_just_past_it() {
        // (what is changed, the run, the outcome of each target in order:
        // main full speed, steady, apply, long tasks, batch, single, size,
        // memory).
        let base = || vec![good("1k single", 1), good("1k batch", 100), steady(0.04)];
        let with = |change: &dyn Fn(&mut Vec<RowFigures>)| {
            let mut rows = base();
            change(&mut rows);
            rows
        };
        let cases: Vec<(&str, Run, [Outcome; 8])> = vec![
            ("all within", run_of(base(), 200_000), [Met; 8]),
            ("size at the bound", run_of(base(), 250_000), [Met; 8]),
            ("size over", run_of(base(), 250_001), [Met, Met, Met, Met, Met, Met, Missed, Met]),
            (
                "main at 10 %",
                run_of(with(&|rows| rows[0].main_busy = Some(0.10)), 1),
                [Met, Met, Met, Met, Met, Met, Met, Met],
            ),
            (
                "main over 10 % on one row",
                run_of(with(&|rows| rows[1].main_busy = Some(0.1005)), 1),
                [Missed, Met, Met, Met, Met, Met, Met, Met],
            ),
            (
                "steady at 5 %",
                run_of(with(&|rows| rows[2].main_busy = Some(0.05)), 1),
                [Met, Met, Met, Met, Met, Met, Met, Met],
            ),
            (
                "steady over 5 % (its 10 % bound does not apply)",
                run_of(with(&|rows| rows[2].main_busy = Some(0.051)), 1),
                [Met, Missed, Met, Met, Met, Met, Met, Met],
            ),
            (
                "apply p99 over 8 ms",
                run_of(with(&|rows| rows[0].apply_p99_millis = Some(8.1)), 1),
                [Met, Met, Missed, Met, Met, Met, Met, Met],
            ),
            (
                "a long task on the steady row",
                run_of(with(&|rows| rows[2].long_tasks = Some(1.0)), 1),
                [Met, Met, Met, Missed, Met, Met, Met, Met],
            ),
            (
                "batch at 60 % of parse",
                run_of(with(&|rows| rows[1].rate = Some(420_000.0)), 1),
                [Met, Met, Met, Met, Met, Met, Met, Met],
            ),
            (
                "batch under 60 % of parse",
                run_of(with(&|rows| rows[1].rate = Some(419_000.0)), 1),
                [Met, Met, Met, Met, Missed, Met, Met, Met],
            ),
            (
                "single under 95 % of count (parse does not count for it)",
                run_of(with(&|rows| rows[0].rate = Some(38_900.0)), 1),
                [Met, Met, Met, Met, Met, Missed, Met, Met],
            ),
            (
                "memory grew 11 %",
                run_of(with(&|rows| rows[1].memory_at_end_bytes = Some(77.7 * 1_048_576.0)), 1),
                [Met, Met, Met, Met, Met, Met, Met, Missed],
            ),
        ];
        for (name, run, expected) in cases {
            assert_eq!(outcomes(&run), expected, "{name}");
        }
    }

    #[test]
    fn a_row_with_a_person_moving_is_not_a_full_speed_row() {
        let mut scrolling = good("10k batch, scrolling", 100);
        scrolling.full_speed = false;
        scrolling.main_busy = Some(0.55);
        scrolling.apply_p99_millis = Some(9.0);
        let run = run_of(vec![good("10k batch", 100), scrolling], 1);
        let verdicts = judge(&run);
        assert_eq!(verdicts[0].outcome, Met);
        assert_eq!(verdicts[0].figures.len(), 1);
        assert_eq!(verdicts[2].outcome, Met);
        // Its long tasks and memory still count.
        assert_eq!(verdicts[3].figures.len(), 2);
        assert_eq!(verdicts[7].figures.len(), 2);
    }

    #[test]
    fn targets_with_no_figure_are_not_measured_not_met() {
        // A run of the steady rows alone (`-- steady`), with its ceilings
        // and size unknown.
        let run = Run { rows: vec![steady(0.04)], dist_gzip_bytes: None };
        assert_eq!(
            outcomes(&run),
            [NotMeasured, Met, NotMeasured, Met, NotMeasured, NotMeasured, NotMeasured, NotMeasured]
        );
        // A row whose ceiling page failed (rate 0) is not judged against it.
        let mut row = good("1k single", 1);
        row.count_rate = Some(0.0);
        assert_eq!(judge(&run_of(vec![row], 1))[5].outcome, NotMeasured);
    }

    #[test]
    fn the_printout_names_each_miss_and_counts_the_targets_met() {
        let mut slow = good("10k single", 1);
        slow.apply_p99_millis = Some(12.9);
        slow.live_diffs = Some(36.0);
        let printed = lines(&judge(&run_of(vec![good("1k single", 1), slow, steady(0.065)], 528_874)));
        assert_eq!(printed.len(), 9);
        assert_eq!(
            printed[2],
            "  MISSED       diff apply p99 <= 8 ms on every full-speed row: 1k single 5.0 ms of 80 diffs, 10k single 12.9 ms of 36 diffs (missed)"
        );
        assert_eq!(printed[6], "  MISSED       dist/ <= 250 KB gzip: dist/ 528.9 KB (missed)");
        assert_eq!(printed[4], "  not measured batch ingest >= 60 % of the JSON.parse ceiling");
        assert_eq!(printed[8], "  4 of 8 targets met in this run");
    }
}
