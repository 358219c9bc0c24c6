//! One row of the browser benchmark and its columns: a single table
//! drives both the printed line and results.json.

use serde_json::{json, Value};
use xtask::targets::RowFigures;

#[derive(Default)]
pub struct Row {
    pub stream: String,
    pub framing: String,
    /// Messages per frame.
    pub batch: usize,
    pub messages: u64,
    pub meshview_rate: f64,
    pub meshview_main_busy: f64,
    /// The page's main thread on a core, and runnable but waiting for one,
    /// as shares of the wall time (`threads.rs`).
    pub main_on_core: f64,
    pub main_waiting: f64,
    pub apply_p50_millis: f64,
    pub apply_p99_millis: f64,
    /// Live diffs the page applied (a snapshot's fill steps not counted):
    /// the page's apply percentiles are over the last 240 of them, so with
    /// a few dozen (a batch row's seconds of flow) the p99 is the slowest
    /// diff or next to it.
    pub live_diffs: f64,
    /// p99 of a diff's data task alone (the rest of `apply_p99_millis` is
    /// publishing).
    pub data_p99_millis: f64,
    /// p99 of the longer of a diff's two tasks (data, then publishing).
    pub task_p99_millis: f64,
    /// p99 of how many diffs the oldest graph change still queued in the
    /// worker had missed (how stale the graph shown was).
    pub graph_lag_p99_diffs: f64,
    /// Main-thread tasks over 50 ms after the first nodes were shown, and the longest.
    pub long_tasks: f64,
    pub longest_task_millis: f64,
    pub memory_at_mark_bytes: f64,
    pub memory_at_end_bytes: f64,
    pub first_node_millis: f64,
    /// The page's time in the snapshot's fill steps, together, and the
    /// longest step (its data and publishing).
    pub fill_millis: f64,
    pub fill_step_max_millis: f64,
    /// What a person does every frame while the stream flows (a list
    /// scrolled a step), and the page's animation frames meanwhile
    /// (`frames.rs`). Only on those rows: recording frames makes the page
    /// render one at every display refresh, which it otherwise would not,
    /// and that is main-thread time of its own.
    pub motion: Option<crate::frames::Motion>,
    pub frames: xtask::frames::Frames,
    pub reference_rate: f64,
    pub reference_messages: f64,
    pub ceiling_count_rate: f64,
    /// Single-message frames: a worker that reads each frame's text and
    /// nothing more (what any client of a text stream pays the browser).
    pub ceiling_read_rate: f64,
    pub ceiling_parse_rate: f64,
    pub note: String,
}

/// One column of the results: its title and width in the printed table
/// (empty title: JSON only), its key in results.json (empty: table only),
/// and its cell. One table, so the printout and the file cannot disagree.
struct Column {
    title: &'static str,
    width: usize,
    key: &'static str,
    cell: fn(&Row) -> Cell,
}

enum Cell {
    Text(String),
    /// A number and how the table shows it.
    Number(f64, String),
    /// Not measured in this run (shown as "—", null in JSON).
    Missing,
}

fn mib(bytes: f64) -> f64 {
    bytes / 1_048_576.0
}

fn num(value: f64, shown: String) -> Cell {
    Cell::Number(value, shown)
}

/// A share of wall time, shown in percent to a tenth.
fn percent(share: f64) -> Cell {
    num(share, format!("{:.1}%", share * 100.0))
}

/// A reference-relative figure, missing when the reference did not run.
fn versus_reference(row: &Row, value: f64, shown: fn(f64) -> String) -> Cell {
    if row.reference_rate > 0.0 {
        num(value, shown(value))
    } else {
        Cell::Missing
    }
}

const COLUMNS: &[Column] = &[
    Column { title: "stream", width: 30, key: "stream", cell: |r| Cell::Text(r.stream.clone()) },
    Column { title: "framing", width: 14, key: "framing", cell: |r| Cell::Text(r.framing.clone()) },
    Column { title: "", width: 0, key: "messages", cell: |r| num(r.messages as f64, String::new()) },
    Column {
        title: "meshview/s",
        width: 10,
        key: "meshview_msgs_per_sec",
        cell: |r| num(r.meshview_rate, format!("{:.0}", r.meshview_rate)),
    },
    Column { title: "main%", width: 7, key: "main_thread_busy", cell: |r| percent(r.meshview_main_busy) },
    Column { title: "on core", width: 7, key: "main_thread_on_core", cell: |r| percent(r.main_on_core) },
    Column { title: "", width: 0, key: "main_thread_waiting", cell: |r| num(r.main_waiting, String::new()) },
    Column {
        title: "apply p50",
        width: 9,
        key: "apply_p50_ms",
        cell: |r| num(r.apply_p50_millis, format!("{:.2}", r.apply_p50_millis)),
    },
    Column {
        title: "p99 ms",
        width: 7,
        key: "apply_p99_ms",
        cell: |r| num(r.apply_p99_millis, format!("{:.2}", r.apply_p99_millis)),
    },
    Column { title: "diffs", width: 6, key: "live_diffs", cell: |r| num(r.live_diffs, format!("{:.0}", r.live_diffs)) },
    Column {
        title: "data p99",
        width: 8,
        key: "data_p99_ms",
        cell: |r| num(r.data_p99_millis, format!("{:.2}", r.data_p99_millis)),
    },
    Column {
        title: "task p99",
        width: 8,
        key: "task_p99_ms",
        cell: |r| num(r.task_p99_millis, format!("{:.2}", r.task_p99_millis)),
    },
    Column {
        title: "lag p99",
        width: 7,
        key: "graph_lag_p99_diffs",
        cell: |r| num(r.graph_lag_p99_diffs, format!("{:.0}", r.graph_lag_p99_diffs)),
    },
    Column {
        title: "long",
        width: 5,
        key: "long_tasks_after_first_nodes",
        cell: |r| num(r.long_tasks, format!("{:.0}", r.long_tasks)),
    },
    Column {
        title: "late fr",
        width: 7,
        key: "frames_late_share",
        cell: |r| if r.frames.count == 0 { Cell::Missing } else { percent(r.frames.late_share) },
    },
    Column {
        title: "fr p99",
        width: 6,
        key: "frame_interval_p99_ms",
        cell: |r| {
            if r.frames.count == 0 {
                Cell::Missing
            } else {
                num(r.frames.p99_millis, format!("{:.0}", r.frames.p99_millis))
            }
        },
    },
    Column {
        title: "max ms",
        width: 7,
        key: "longest_task_ms",
        cell: |r| num(r.longest_task_millis, format!("{:.0}", r.longest_task_millis)),
    },
    Column {
        title: "mem @1M",
        width: 9,
        key: "worker_memory_at_1m_bytes",
        cell: |r| num(r.memory_at_mark_bytes, format!("{:.1}MiB", mib(r.memory_at_mark_bytes))),
    },
    Column {
        title: "mem end",
        width: 9,
        key: "worker_memory_at_end_bytes",
        cell: |r| num(r.memory_at_end_bytes, format!("{:.1}MiB", mib(r.memory_at_end_bytes))),
    },
    Column {
        title: "first node",
        width: 10,
        key: "first_node_ms",
        cell: |r| num(r.first_node_millis, format!("{:.0}ms", r.first_node_millis)),
    },
    Column {
        title: "fill ms",
        width: 8,
        key: "snapshot_fill_ms",
        cell: |r| num(r.fill_millis, format!("{:.0}", r.fill_millis)),
    },
    Column {
        title: "step max",
        width: 8,
        key: "snapshot_fill_step_max_ms",
        cell: |r| num(r.fill_step_max_millis, format!("{:.1}", r.fill_step_max_millis)),
    },
    Column {
        title: "ref/s",
        width: 9,
        key: "reference_msgs_per_sec",
        cell: |r| versus_reference(r, r.reference_rate, |v| format!("{v:.0}")),
    },
    Column {
        title: "",
        width: 0,
        key: "reference_messages_measured",
        cell: |r| versus_reference(r, r.reference_messages, |_| String::new()),
    },
    Column {
        title: "count/s",
        width: 9,
        key: "ceiling_count_msgs_per_sec",
        cell: |r| num(r.ceiling_count_rate, format!("{:.0}", r.ceiling_count_rate)),
    },
    Column {
        title: "read/s",
        width: 9,
        key: "ceiling_read_msgs_per_sec",
        cell: |r| num(r.ceiling_read_rate, format!("{:.0}", r.ceiling_read_rate)),
    },
    Column {
        title: "parse/s",
        width: 9,
        key: "ceiling_parse_msgs_per_sec",
        cell: |r| num(r.ceiling_parse_rate, format!("{:.0}", r.ceiling_parse_rate)),
    },
    Column {
        title: "×ref",
        width: 8,
        key: "",
        cell: |r| versus_reference(r, r.meshview_rate / r.reference_rate.max(1e-9), |v| format!("{v:.0}×")),
    },
    Column {
        title: "÷parse",
        width: 8,
        key: "",
        cell: |r| {
            if r.ceiling_parse_rate <= 0.0 {
                return Cell::Missing;
            }
            let share = r.meshview_rate / r.ceiling_parse_rate;
            num(share, format!("{:.0}%", share * 100.0))
        },
    },
    Column { title: "", width: 0, key: "note", cell: |r| Cell::Text(r.note.clone()) },
];

pub fn header() -> String {
    let titles = COLUMNS.iter().filter(|column| !column.title.is_empty());
    titles.map(|column| pad(column.title, column.width, column.width >= 14)).collect::<Vec<_>>().join(" ")
}

/// Left-aligned for the text columns, right-aligned for numbers.
fn pad(text: &str, width: usize, left: bool) -> String {
    if left {
        format!("{text:<width$}")
    } else {
        format!("{text:>width$}")
    }
}

impl Row {
    /// What the targets are judged on (nothing where the row failed).
    pub fn figures(&self) -> RowFigures {
        let stream = self.stream.split_whitespace().next().unwrap_or_default();
        let label = format!("{stream}, {}", self.framing);
        let full_speed = self.motion.is_none();
        if self.meshview_rate <= 0.0 {
            return RowFigures { label, full_speed, batch: self.batch, ..RowFigures::default() };
        }
        let measured = |value: f64| (value > 0.0).then_some(value);
        RowFigures {
            label,
            full_speed,
            batch: self.batch,
            main_busy: Some(self.meshview_main_busy),
            apply_p99_millis: Some(self.apply_p99_millis),
            live_diffs: measured(self.live_diffs),
            long_tasks: Some(self.long_tasks),
            rate: Some(self.meshview_rate),
            count_rate: measured(self.ceiling_count_rate),
            parse_rate: measured(self.ceiling_parse_rate),
            memory_at_mark_bytes: measured(self.memory_at_mark_bytes),
            memory_at_end_bytes: measured(self.memory_at_end_bytes),
        }
    }

    pub fn line(&self) -> String {
        let cells = COLUMNS.iter().filter(|column| !column.title.is_empty()).map(|column| {
            let text = match (column.cell)(self) {
                Cell::Text(text) | Cell::Number(_, text) => text,
                Cell::Missing => "—".to_owned(),
            };
            pad(&text, column.width, column.width >= 14)
        });
        let note = if self.note.is_empty() { String::new() } else { format!("  ({})", self.note) };
        cells.collect::<Vec<_>>().join(" ") + &note
    }

    pub fn to_json(&self) -> Value {
        let fields = COLUMNS.iter().filter(|column| !column.key.is_empty()).map(|column| {
            let value = match (column.cell)(self) {
                Cell::Text(text) => json!(text),
                Cell::Number(value, _) => json!(value),
                Cell::Missing => Value::Null,
            };
            (column.key.to_owned(), value)
        });
        Value::Object(fields.collect())
    }
}
