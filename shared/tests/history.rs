//! The time-travel history: the state it rebuilds at any moment equals a
//! reducer fed the same inputs up to that moment; it stays within its byte
//! budget; and a reducer retargeted to another moment brings a receiver
//! there through ordinary diffs.

use proptest::prelude::*;
use shared::encode::{encode_batch, encode_message};
use shared::history::{History, HistoryBudget, Input, MarkKind};
use shared::limits::MAX_LOG_LINES_PER_NODE;
use shared::protocol::{MeshNode, Message, Payload, Status};
use shared::sim::{SimConfig, Simulator};
use shared::{Event, LogWatch, Reducer, Severity, View};

const START_MILLIS: i64 = 1_700_000_000_000;

/// A reducer that carries every log in its diffs, so views compare whole.
fn watching_all() -> Reducer {
    let mut reducer = Reducer::new();
    reducer.watch_log(LogWatch::All);
    reducer
}

/// A stream of stamped inputs of every kind, from the simulator and
/// `choices` (one per input: what kind, and how far in time after the last).
fn stream(seed: u64, choices: &[(u8, u16)]) -> Vec<(i64, Input)> {
    let mut sim = Simulator::new(SimConfig { n_nodes: 30, seed, ..SimConfig::default() });
    let mut at_millis = START_MILLIS;
    let mut inputs = vec![(at_millis, Input::Frame(encode_message(&sim.snapshot(at_millis))))];
    for &(kind, step_millis) in choices {
        at_millis += i64::from(step_millis % 700);
        let input = match kind % 16 {
            0 => Input::ConnectionOpened,
            1 => Input::ClearNode(format!("svc-{}", kind % 7)),
            2 => Input::ClearEvents,
            3 => Input::LocalEvent(Event {
                ts_millis: at_millis,
                severity: Severity::Warn,
                message: "connection lost".into(),
                node_id: None,
                local: true,
            }),
            4 => Input::Frame(r#"[{"type":"node-upsert"}, 7"#.into()),
            5 => Input::Frame(encode_message(&sim.snapshot(at_millis))),
            6 => Input::Messages((0..3).map(|_| sim.next_message(at_millis)).collect()),
            7 => Input::ClearEdge("e-0".into()),
            _ => {
                let batch: Vec<_> = (0..1 + kind % 5).map(|_| sim.next_message(at_millis)).collect();
                Input::Frame(encode_batch(&batch))
            }
        };
        inputs.push((at_millis, input));
    }
    inputs
}

/// Everything a state holds, logs included (a rebuilt state watches no log).
fn whole(mut state: Reducer) -> View {
    state.watch_log(LogWatch::All);
    state.to_view()
}

fn record_all(inputs: &[(i64, Input)], budget: HistoryBudget) -> (History, Reducer) {
    let mut history = History::new(budget);
    let mut live = watching_all();
    for (at_millis, input) in inputs {
        history.record(&mut live, *at_millis, input.clone());
        assert!(
            history.bytes() as u64 <= budget.max_bytes,
            "{} bytes over a budget of {}",
            history.bytes(),
            budget.max_bytes
        );
    }
    (history, live)
}

fn fed_up_to(inputs: &[(i64, Input)], at_millis: i64) -> Reducer {
    let mut reducer = watching_all();
    for (stamp, input) in inputs.iter().take_while(|(stamp, _)| *stamp <= at_millis) {
        reducer.feed(input, *stamp);
    }
    reducer
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever the stream, budget and moment: the rebuilt state equals a
    /// reducer fed the stream up to that moment (clamped to the window).
    #[test]
    fn the_state_at_a_moment_is_the_stream_up_to_it(
        seed in 0u64..1_000,
        choices in proptest::collection::vec((any::<u8>(), any::<u16>()), 1..400),
        max_bytes in prop_oneof![Just(64u64 << 20), 200_000u64..2_000_000],
        max_age_millis in prop_oneof![Just(15 * 60_000u64), 5_000u64..60_000],
        moments in proptest::collection::vec(0.0f64..1.2, 1..6),
    ) {
        let inputs = stream(seed, &choices);
        let budget = HistoryBudget { max_age_millis, max_bytes };
        let (history, live) = record_all(&inputs, budget);
        // Pauses (a stream too fast for the budget) have their own test.
        let status = history.status();
        prop_assume!(status.paused_since_millis.is_none() && status.marks.iter().all(|m| m.kind != MarkKind::Paused));
        let Some((start, end)) = history.span() else {
            // Nothing kept is allowed only when one checkpoint cannot fit.
            prop_assert!(live.approx_bytes() as u64 + 4096 > max_bytes || history.status().state_over_budget);
            return Ok(());
        };
        prop_assert_eq!(end, inputs.last().map(|(at, _)| *at).unwrap_or_default());
        prop_assert!(start >= end - max_age_millis as i64 - max_age_millis as i64 / 4 - 700);
        for fraction in moments {
            let at_millis = start + ((end - start) as f64 * fraction) as i64;
            let rebuilt = history.state_at(at_millis).expect("a moment in the window");
            let expected = fed_up_to(&inputs, at_millis.max(start));
            prop_assert_eq!(whole(rebuilt), expected.to_view(), "at {} of {}..{}", at_millis, start, end);
        }
        // The latest moment is the live state.
        prop_assert_eq!(history.state_at(end).map(whole), Some(live.to_view()));
    }

    /// A receiver following one reducer's diffs, after `retarget`, ends up
    /// holding the other state, and the graph crosses as a difference.
    #[test]
    fn a_retargeted_reducer_brings_its_receiver_to_the_target(
        seed in 0u64..1_000,
        choices in proptest::collection::vec((any::<u8>(), any::<u16>()), 1..200),
        split in 0.0f64..1.0,
        diff_taken_at in 0.0f64..1.0,
    ) {
        let inputs = stream(seed, &choices);
        let cut = ((inputs.len() as f64) * split) as usize;
        let diffs_until = ((inputs.len() as f64) * diff_taken_at) as usize;
        let mut shown = watching_all();
        let mut receiver = View::default();
        for (index, (at_millis, input)) in inputs.iter().enumerate() {
            shown.feed(input, *at_millis);
            // Diffs stop part way: the rest is still pending in `shown`.
            if index < diffs_until {
                receiver.apply_diff(shown.take_diff());
            }
        }
        let target = fed_up_to(&inputs[..cut], i64::MAX);
        shown.retarget(&target);
        let mut rounds = 0;
        while shown.has_changes() {
            receiver.apply_diff(shown.take_diff());
            rounds += 1;
            prop_assert!(rounds < 100);
        }
        receiver.apply_diff(shown.take_diff());
        prop_assert_eq!(&receiver, &target.to_view());
        prop_assert_eq!(shown.to_view(), target.to_view());
    }
}

#[test]
fn a_retarget_to_a_near_moment_sends_only_what_changed() {
    let mut sim = Simulator::new(SimConfig { n_nodes: 500, seed: 3, ..SimConfig::default() });
    let mut shown = watching_all();
    shown.apply(sim.snapshot(START_MILLIS), START_MILLIS);
    let _ = shown.take_diff();
    let mut target = shown.clone();
    let _ = target.take_diff();
    let upsert = shared::protocol::Message {
        payload: shared::protocol::Payload::NodeDelete { id: target.nodes().next().expect("a node").id.clone() },
        ..sim.next_message(START_MILLIS)
    };
    target.apply(upsert, START_MILLIS);
    shown.retarget(&target);
    let diff = shown.take_diff();
    assert_eq!(diff.node_upserts.len() + diff.node_removals.len(), 1, "{diff:?}");
    assert!(diff.edge_upserts.is_empty(), "edges unchanged but sent: {}", diff.edge_upserts.len());
    assert!(!diff.graph_reset);
}

#[test]
fn history_stays_within_its_byte_budget_over_a_million_messages() {
    let budget = HistoryBudget::default();
    let mut sim = Simulator::new(SimConfig { n_nodes: 1_000, seed: 9, ..SimConfig::default() });
    let mut history = History::new(budget);
    let mut live = Reducer::new();
    history.record(&mut live, START_MILLIS, Input::Frame(encode_message(&sim.snapshot(START_MILLIS))));
    let mut most_bytes = 0;
    const FRAMES: usize = 10_000;
    const MESSAGES_PER_FRAME: usize = 100;
    for frame in 0..FRAMES {
        let at_millis = START_MILLIS + frame as i64 * 10;
        let batch: Vec<_> = (0..MESSAGES_PER_FRAME).map(|_| sim.next_message(at_millis)).collect();
        history.record(&mut live, at_millis, Input::Frame(encode_batch(&batch)));
        most_bytes = most_bytes.max(history.bytes());
    }
    assert_eq!(live.counters().messages(), (FRAMES * MESSAGES_PER_FRAME + 1) as u64);
    assert!(most_bytes as u64 <= budget.max_bytes, "held {most_bytes} bytes");
    // And it is not empty: the budget holds several checkpoints.
    let status = history.status();
    eprintln!("state {} bytes; {status:?}", live.approx_bytes());
    assert!(status.checkpoints >= 2, "{status:?}");
    assert!(status.checkpoints_dropped > 0);
    let (start, end) = history.span().expect("a window");
    assert!(end - start > 1_000, "window {start}..{end}");
}

#[test]
fn old_moments_are_let_go_after_the_age_budget() {
    let budget = HistoryBudget { max_age_millis: 60_000, max_bytes: 64 << 20 };
    let mut sim = Simulator::new(SimConfig::default());
    let mut history = History::new(budget);
    let mut live = Reducer::new();
    for second in 0..600 {
        let at_millis = START_MILLIS + second * 1_000;
        history.record(&mut live, at_millis, Input::Frame(encode_message(&sim.next_message(at_millis))));
    }
    let (start, end) = history.span().expect("a window");
    assert_eq!(end, START_MILLIS + 599_000);
    // The window covers the age budget, and at most a quarter more.
    assert!(end - start >= 60_000, "window of {} ms", end - start);
    assert!(end - start <= 75_000, "window of {} ms", end - start);
}

/// A log refilled whole between two checkpoints: the newer one owns all of
/// it, never more than it refers to, and letting the older one go keeps the
/// count right (it once subtracted past zero there).
#[test]
fn a_log_refilled_between_checkpoints_is_charged_what_it_holds() {
    let budget = HistoryBudget { max_age_millis: 20_000, max_bytes: 64 << 20 };
    let mut history = History::new(budget);
    let mut live = Reducer::new();
    let message = |payload| Message { ts_millis: None, seq: None, pos: None, payload };
    let node = MeshNode { id: "a".into(), kind: "svc".into(), label: "a".into(), status: Status::Ok, meta: vec![] };
    let snapshot = Payload::Snapshot { nodes: vec![node], edges: vec![], partial: false };
    history.record(&mut live, START_MILLIS, Input::Messages(vec![message(snapshot)]));
    // Each second, more lines than a log keeps.
    let text: String = (0..MAX_LOG_LINES_PER_NODE + 10).map(|line| format!("line {line}\n")).collect();
    for second in 1..=90 {
        let chunk = Payload::LogChunk { node_id: "a".into(), text: text.clone() };
        history.record(&mut live, START_MILLIS + second * 1_000, Input::Messages(vec![message(chunk)]));
    }
    let (start, end) = history.span().expect("a window");
    assert_eq!(end, START_MILLIS + 90_000);
    assert!(end - start >= 20_000, "window of {} ms", end - start);
    // What is charged is what the kept checkpoints refer to: at least the
    // oldest one's log, whole (1,000 lines of 8-9 bytes and their headers).
    assert!(history.bytes() > MAX_LOG_LINES_PER_NODE * 40, "{} bytes", history.bytes());
    assert!(history.bytes() < 4 << 20, "{} bytes", history.bytes());
}

#[test]
fn marks_show_disconnections_gaps_and_error_bursts() {
    let mut history = History::new(HistoryBudget::default());
    let mut live = Reducer::new();
    let frame = |seq: u64, severity: &str| {
        format!(
            r#"{{"seq":{seq},"ts":"2026-01-01T00:00:00Z","data":{{"type":"event","severity":"{severity}","message":"m"}}}}"#
        )
    };
    history.record(&mut live, START_MILLIS, Input::Frame(frame(1, "info")));
    history.record(&mut live, START_MILLIS + 10, Input::Frame(frame(5, "info")));
    history.mark(START_MILLIS + 20, MarkKind::Disconnected);
    // Four errors in a second are not a burst; five are.
    for i in 0..4 {
        history.record(&mut live, START_MILLIS + 5_000 + i, Input::Frame(frame(6 + i as u64, "error")));
    }
    let kinds =
        |history: &History| history.status().marks.iter().map(|mark| (mark.kind, mark.count)).collect::<Vec<_>>();
    assert_eq!(kinds(&history), vec![(MarkKind::Gap, 1), (MarkKind::Disconnected, 1)]);
    history.record(&mut live, START_MILLIS + 5_500, Input::Frame(frame(10, "error")));
    history.record(&mut live, START_MILLIS + 5_600, Input::Frame(frame(11, "error")));
    assert_eq!(kinds(&history), vec![(MarkKind::Gap, 1), (MarkKind::Disconnected, 1), (MarkKind::ErrorBurst, 6)]);
}

#[test]
fn a_history_with_no_bytes_keeps_nothing() {
    let mut history = History::new(HistoryBudget { max_age_millis: 60_000, max_bytes: 0 });
    let mut live = Reducer::new();
    history.record(
        &mut live,
        START_MILLIS,
        Input::Messages(vec![Simulator::new(SimConfig::default()).snapshot(START_MILLIS)]),
    );
    assert_eq!(live.nodes().len(), SimConfig::default().n_nodes, "the live state still moves on");
    assert_eq!(history.span(), None);
    assert_eq!(history.bytes(), 0);
    assert!(history.state_at(START_MILLIS).is_none());
}

#[test]
fn a_small_state_replays_more_between_checkpoints() {
    use shared::history::{replay_limit_bytes, MAX_REPLAY_BYTES, MIN_REPLAY_BYTES};
    assert_eq!(replay_limit_bytes(0), MAX_REPLAY_BYTES);
    assert_eq!(replay_limit_bytes(4_400_000), 4 * 1024 * 1024);
    assert_eq!(replay_limit_bytes(23_100_000), 2 * 1024 * 1024);
    assert_eq!(replay_limit_bytes(usize::MAX), MIN_REPLAY_BYTES);
    // It never grows with the state.
    let limits: Vec<usize> = (0..40).map(|mb| replay_limit_bytes(mb * 1_000_000)).collect();
    assert!(limits.windows(2).all(|pair| matches!(pair, [a, b] if b <= a)), "{limits:?}");
}

/// Frames of `per_frame` simulated messages every `every_millis` from
/// `from_millis` for `secs` seconds, recorded and kept for checking.
fn record_phase(
    history: &mut History,
    live: &mut Reducer,
    sim: &mut Simulator,
    inputs: &mut Vec<(i64, Input)>,
    (from_millis, secs): (i64, i64),
    (every_millis, per_frame): (i64, usize),
) -> i64 {
    let mut at_millis = from_millis;
    while at_millis < from_millis + secs * 1000 {
        let batch: Vec<_> = (0..per_frame).map(|_| sim.next_message(at_millis)).collect();
        let input = Input::Frame(encode_batch(&batch));
        inputs.push((at_millis, input.clone()));
        history.record(live, at_millis, input);
        at_millis += every_millis;
    }
    at_millis
}

#[test]
fn a_stream_too_fast_for_the_budget_pauses_recording_until_it_slows() {
    use shared::history::MIN_WINDOW_MILLIS;
    let budget = HistoryBudget { max_age_millis: 15 * 60_000, max_bytes: 4 << 20 };
    let mut sim = Simulator::new(SimConfig { n_nodes: 200, seed: 3, ..SimConfig::default() });
    let (mut history, mut live, mut inputs) = (History::new(budget), watching_all(), Vec::new());
    let snapshot = Input::Frame(encode_message(&sim.snapshot(START_MILLIS)));
    inputs.push((START_MILLIS, snapshot.clone()));
    history.record(&mut live, START_MILLIS, snapshot);
    // 60 s slow (10 messages a second), 15 s fast (10,000 a second: 4 MiB
    // hold a few seconds of it), then slow again for 20 s.
    let slow = (1_000, 10);
    let burst_from = record_phase(&mut history, &mut live, &mut sim, &mut inputs, (START_MILLIS + 1_000, 60), slow);
    assert_eq!(history.status().paused_since_millis, None, "a slow stream is recorded");
    let burst_until = record_phase(&mut history, &mut live, &mut sim, &mut inputs, (burst_from, 15), (10, 100));
    let status = history.status();
    let paused_at = status.paused_since_millis.expect("the burst paused recording");
    assert!((burst_from..burst_until).contains(&paused_at), "paused at {paused_at}");
    assert!(history.bytes() as u64 <= budget.max_bytes);
    assert!(status.marks.iter().any(|mark| mark.kind == MarkKind::Paused && mark.at_millis == paused_at));
    // What is kept ends at the pause, and is shorter than the minimum.
    let (start, end) = history.span().expect("what was kept stays");
    assert_eq!(end, paused_at);
    assert!(end - start < MIN_WINDOW_MILLIS, "kept {} ms", end - start);
    // The live state missed nothing.
    assert!(live.to_view() == fed_up_to(&inputs, i64::MAX).to_view());
    // A moment inside the pause shows the last one recorded.
    let in_pause = history.state_at(burst_until - 1).expect("a state");
    assert!(whole(in_pause) == fed_up_to(&inputs, paused_at).to_view());

    let resumed_by = record_phase(&mut history, &mut live, &mut sim, &mut inputs, (burst_until, 20), slow);
    assert_eq!(history.status().paused_since_millis, None, "recording resumed once the stream slowed");
    let (_, end) = history.span().expect("a window");
    assert_eq!(end, resumed_by - slow.0);
    // It resumed within two rate windows of the slow stream, with a new
    // checkpoint: a session holds what was recorded since then.
    let recording = history.recording().expect("a recording");
    let resumed_at = recording.start_millis;
    assert!((burst_until + 1..=burst_until + 2_000).contains(&resumed_at), "resumed at {resumed_at}");
    for at_millis in [paused_at, burst_until - 1, resumed_at - 1, resumed_at, end - 3_500, end] {
        let expected = if at_millis < resumed_at { paused_at } else { at_millis };
        let rebuilt = history.state_at(at_millis).expect("a state");
        assert!(
            whole(rebuilt) == fed_up_to(&inputs, expected).to_view(),
            "at {at_millis}: not the state at {expected}"
        );
    }
    // A new budget while paused resumes through a checkpoint too: the
    // latest moment is still the stream up to it.
    let mut paused_again = History::new(budget);
    let mut again = watching_all();
    let mut burst = Vec::new();
    let snapshot = Input::Frame(encode_message(&sim.snapshot(START_MILLIS)));
    burst.push((START_MILLIS, snapshot.clone()));
    paused_again.record(&mut again, START_MILLIS, snapshot);
    let at = record_phase(&mut paused_again, &mut again, &mut sim, &mut burst, (START_MILLIS + 10, 8), (10, 100));
    assert!(paused_again.status().paused_since_millis.is_some());
    paused_again.set_budget(HistoryBudget { max_bytes: 8 << 20, ..budget }, at);
    record_phase(&mut paused_again, &mut again, &mut sim, &mut burst, (at, 3), (10, 100));
    let (_, end) = paused_again.span().expect("a window");
    let latest = paused_again.state_at(end).expect("a state");
    assert!(whole(latest) == fed_up_to(&burst, end).to_view(), "the latest kept moment after a new budget");
    // And what a session would hold replays to it: no inputs missing.
    let session = paused_again.recording().expect("a recording");
    let mut replayed = session.base;
    for (at_millis, input) in &session.inputs {
        replayed.feed(input, *at_millis);
    }
    assert!(whole(replayed) == fed_up_to(&burst, end).to_view(), "a session after a new budget replays whole");
    // (The checkpoint is the state just before the input of its moment.)
    assert!(whole(recording.base) == fed_up_to(&inputs, resumed_at - 1).to_view());
}
