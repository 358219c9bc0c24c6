//! The scanner against serde: on every frame, scanned or not, the decoder
//! yields what serde alone yields (messages, errors, notes), and the
//! scanner reads the elements it is meant to read itself.

use proptest::prelude::*;

use super::scan::{scan_frame, Scanned};
use super::{decode_frame, decode_with_serde, DecodedFrame};
use crate::encode::{encode_batch, encode_message};
use crate::protocol::{Message, Payload};
use crate::sim::{Mix, SimConfig, Simulator};

/// What serde alone makes of `frame`.
fn by_serde(frame: &str) -> DecodedFrame {
    let mut out = DecodedFrame::default();
    decode_with_serde(frame, &mut out);
    out
}

/// How the scanner reads `frame`.
fn scanned(frame: &str) -> Scanned {
    scan_frame(frame, &mut DecodedFrame::default())
}

/// Asserts that the decoder's result is serde's, to the bit: `==` takes
/// -0.0 for 0.0, their debug forms do not.
fn assert_same_as_serde(frame: &str) {
    let (decoded, expected) = (decode_frame(frame), by_serde(frame));
    assert_eq!(format!("{decoded:?}"), format!("{expected:?}"), "frame: {frame}");
    assert_eq!(decoded, expected, "frame: {frame}");
}

fn check(frame: &str, expected: Scanned) {
    assert_eq!(scanned(frame), expected, "frame: {frame}");
    assert_same_as_serde(frame);
}

const STATUS: &str =
    r#"{"ts":"2026-11-26T19:00:00.003Z","seq":4,"data":{"type":"node-status","id":"n6","status":"ok"}}"#;
const UPSERT: &str = r#"{"data":{"type":"node-upsert","node":{"id":"a","kind":"k","label":"l","status":"ok"}}}"#;

#[test]
fn hot_messages_are_scanned() {
    let read = Scanned::Read { by_serde: 0 };
    check(STATUS, read);
    check(&format!(" [ {STATUS} ,\n{STATUS} ] "), read);
    check("[]", read);
    check(
        r#"{"data":{"type":"edge-stats","id":"e1","stats":{"throughput":913.0,"latencyMs":115,"errorRate":0.13031818909709958,"bytes":null}}}"#,
        read,
    );
    check(r#"{"data":{"type":"event","message":"a \"b\"\n\u00e9\ud83d\ude00","severity":"warn","nodeId":null}}"#, read);
    check(r#"{"data":{"type":"event","message":"m","nodeId":"n\u0031"}}"#, read);
    check(r#"{"data":{"type":"log-chunk","nodeId":"n4","text":"line\n\ttabbed\\"}}"#, read);
    check(
        r#"{"data":{"type":"chart-point","series":"cpu:n3","value":{"y":-2.5e-3,"extra":[1,{"a":null}],"t":17}}}"#,
        read,
    );
    check(r#"{"pos":"ep:12","data":{"type":"node-delete","id":"n605"},"future":{"x":[true,false]}}"#, read);
    check(r#"{"seq":18446744073709551615,"data":{"type":"edge-delete","id":"e1","more":"x"}}"#, read);
    // An unparsable time is absent, as serde reads it.
    check(r#"{"ts":"yesterday","data":{"type":"node-delete","id":"n1"}}"#, read);
}

/// Numbers are read to the same bits as serde reads them, whichever way
/// the scanner takes (its own short decimals, serde_json for the rest).
#[test]
fn numbers_read_as_serde_reads_them() {
    let texts = [
        "0",
        "-0",
        "-0.0",
        "7",
        "913.0",
        "0.13031818909709958",
        "1795719600008.0",
        "18446744073709551615",
        "18446744073709551616",
        "123456789012345678901.5",
        "2.5e-3",
        "5E+2",
        "1e22",
        "1e23",
        "-1e-22",
        "1e-23",
        "9007199254740993",
        // serde_json's `float_roundtrip` (off here) would read this one
        // correctly rounded, and the scanner's reading would differ.
        "9007199254740993.0",
        "0.30000000000000004",
        "4.9e-324",
        "1.7976931348623157e308",
        "0.000000000000000000001",
    ];
    for text in texts {
        let negated = text.strip_prefix('-').map_or_else(|| format!("-{text}"), str::to_owned);
        let frame = format!(r#"{{"data":{{"type":"chart-point","series":"s","value":{{"t":{text},"y":{negated}}}}}}}"#);
        assert_eq!(scanned(&frame), Scanned::Read { by_serde: 0 }, "{frame}");
        let bits = |decoded: &DecodedFrame| -> Vec<u64> {
            decoded
                .messages
                .iter()
                .flat_map(|message| match &message.payload {
                    Payload::ChartPoint { point, .. } => vec![point.t_millis.to_bits(), point.y.to_bits()],
                    _ => Vec::new(),
                })
                .collect()
        };
        assert_eq!(bits(&decode_frame(&frame)), bits(&by_serde(&frame)), "{text}");
        assert_eq!(bits(&decode_frame(&frame)).len(), 2, "{text}");
    }
}

/// An element the scanner does not read, after one it read.
fn after_a_status(element: &str) -> String {
    format!("[{STATUS},{element}]")
}

#[test]
fn other_elements_go_to_serde_alone() {
    let one = Scanned::Read { by_serde: 1 };
    check(&format!("[{STATUS},{UPSERT},{STATUS}]"), one);
    let long_id = format!(r#"{{"data":{{"type":"node-delete","id":"{}"}}}}"#, "x".repeat(1025));
    for element in [
        UPSERT,
        // `type` not first, a repeated field, escapes in a key.
        r#"{"data":{"id":"n1","type":"node-delete"}}"#,
        r#"{"seq":1,"seq":2,"data":{"type":"node-delete","id":"n1"}}"#,
        r#"{"data":{"type":"node-status","id":"n1","status":"ok","status":"error"}}"#,
        r#"{"d\u0061ta":{"type":"node-delete","id":"n1"}}"#,
        // What serde notes, repairs or refuses.
        r#"{"seq":-1,"data":{"type":"node-delete","id":"n1"}}"#,
        r#"{"seq":1.5,"data":{"type":"node-delete","id":"n"}}"#,
        r#"{"pos":"no-offset","data":{"type":"node-delete","id":"n1"}}"#,
        r#"{"data":{"type":"log-chunk","nodeId":"n1","text":"lone \ud800"}}"#,
        r#"{"data":{"type":"edge-stats","id":"e1","stats":{"throughput":1e999}}}"#,
        r#"{"data":{"type":"edge-stats","id":"e1","stats":{"queue":3}}}"#,
        r#"{"data":{"type":"edge-stats","id":"e1","stats":{"bytes":"9"}}}"#,
        r#"{"data":{"type":"node-status","id":"n1"}}"#,
        r#"{"data":{"type":"warp","id":"n1"}}"#,
        &long_id,
    ] {
        check(&after_a_status(element), one);
        // First in a frame, or a frame of its own: the frame is serde's.
        check(element, Scanned::Whole);
        check(&format!("[{element},{STATUS}]"), Scanned::Whole);
    }
}

#[test]
fn doubtful_syntax_goes_to_serde_whole() {
    for frame in [
        "",
        "  ",
        "[1]",
        "[",
        &format!("[{STATUS},]"),
        &format!("[{STATUS}] x"),
        &format!("{STATUS}{STATUS}"),
        &format!("[{STATUS},{{\"data\":01}}]"),
        "[{\"a\":\"\u{1}\"}]",
        // A `\u` escape takes four hex digits and no sign.
        &format!(r#"[{STATUS},{{"x":"\u+123"}}]"#),
        r#"[{"data":{"type":"node-delete","id":"n1"}},{"x":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}]"#,
    ] {
        check(frame, Scanned::Whole);
    }
}

/// `n` messages of the simulator's stream after its snapshot.
fn stream(mix: Mix, n: usize) -> Vec<Message> {
    let mut sim = Simulator::new(SimConfig { n_nodes: 300, seed: 7, mix });
    let _ = sim.snapshot(0);
    (0..n).map(|i| sim.next_message(1_795_719_600_000 + i as i64)).collect()
}

/// Whether the scanner reads this kind itself.
fn is_hot(message: &Message) -> bool {
    !matches!(
        message.payload,
        Payload::NodeUpsert(_)
            | Payload::EdgeUpsert(_)
            | Payload::Snapshot { .. }
            | Payload::SnapshotEnd
            | Payload::Resumed { .. }
    )
}

#[test]
fn the_simulated_streams_are_scanned() {
    for mix in [Mix::Mixed, Mix::EventsAndLogs] {
        let messages = stream(mix, 4_000);
        for batch in messages.chunks(100) {
            let cold = batch.iter().filter(|message| !is_hot(message)).count();
            let frame = encode_batch(batch);
            let expected = match batch.first() {
                Some(first) if !is_hot(first) => Scanned::Whole,
                _ => Scanned::Read { by_serde: cold },
            };
            assert_eq!(scanned(&frame), expected);
            assert_same_as_serde(&frame);
        }
        let hot = messages.iter().filter(|message| is_hot(message)).count();
        assert!(hot > 3_850, "{hot} of 4000 {mix:?} messages are hot");
        for message in messages.iter().take(500) {
            assert_same_as_serde(&encode_message(message));
        }
    }
}

/// Characters a mutation inserts: JSON's punctuation and some text.
const ALPHABET: &[char] =
    &['"', '\\', '{', '}', '[', ']', ',', ':', ' ', '\n', '0', '1', '-', '.', 'e', 'u', 'n', 'l', 'd', 'é', '😀'];

#[derive(Debug, Clone)]
enum Edit {
    Delete(usize),
    Insert(usize, usize),
    Repeat(usize, usize),
}

fn apply(frame: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = frame.chars().collect();
    for edit in edits {
        let len = chars.len().max(1);
        match *edit {
            Edit::Delete(at) if !chars.is_empty() => {
                chars.remove(at % len);
            }
            Edit::Insert(at, which) => {
                chars.insert(at % (len + 1), ALPHABET.get(which % ALPHABET.len()).copied().unwrap_or(' '));
            }
            Edit::Repeat(at, span) => {
                let start = at % len;
                let copied: Vec<char> = chars.iter().skip(start).take(span).copied().collect();
                chars.splice(start..start, copied);
            }
            Edit::Delete(_) => {}
        }
    }
    chars.into_iter().collect()
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), any::<usize>()).prop_map(|(at, which)| Edit::Insert(at, which)),
        (any::<usize>(), 1usize..40).prop_map(|(at, span)| Edit::Repeat(at, span)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    /// Damaged frames (a byte gone, one added, a span repeated) decode as
    /// serde alone decodes them, wherever the damage lands.
    #[test]
    fn damaged_frames_decode_as_serde_decodes_them(
        start in 0usize..60,
        len in 1usize..4,
        edits in prop::collection::vec(edit(), 1..4),
    ) {
        let messages = stream(Mix::Mixed, 64);
        let batch = messages.get(start..start + len).unwrap_or_default();
        assert_same_as_serde(&apply(&encode_batch(batch), &edits));
    }
}
