//! Session files: a history written and read back replays exactly; every
//! kind of bad file gets its own error and nothing else.

use shared::encode::{encode_batch, encode_message};
use shared::history::{History, HistoryBudget, Input, MarkKind};
use shared::limits::MAX_SESSION_FILE_BYTES;
use shared::session::{
    body_crc, encode_session, read_session, read_session_meta, write_session, SessionError, SESSION_MAGIC,
};
use shared::sim::{SimConfig, Simulator};
use shared::{LogWatch, Reducer};

const START_MILLIS: i64 = 1_795_719_600_000;

fn recorded(frames: usize) -> History {
    let mut sim = Simulator::new(SimConfig { n_nodes: 200, seed: 21, ..SimConfig::default() });
    let mut history = History::new(HistoryBudget::default());
    let mut live = Reducer::new();
    history.record(&mut live, START_MILLIS, Input::Frame(encode_message(&sim.snapshot(START_MILLIS))));
    for frame in 1..=frames {
        let at = START_MILLIS + frame as i64 * 100;
        let batch: Vec<_> = (0..50).map(|_| sim.next_message(at)).collect();
        history.record(&mut live, at, Input::Frame(encode_batch(&batch)));
        if frame == frames / 2 {
            history.mark(at, MarkKind::Disconnected);
            history.record(&mut live, at, Input::ConnectionOpened);
        }
    }
    history
}

fn all_logs(mut state: Reducer) -> shared::View {
    state.watch_log(LogWatch::All);
    state.to_view()
}

#[test]
fn a_session_round_trips_exactly() {
    let history = recorded(400);
    let file = write_session(&history, "payments").expect("written");
    let meta = read_session_meta(&file).expect("a header");
    let (start, end) = history.span().expect("a window");
    assert_eq!((meta.project.as_str(), meta.start_millis, meta.end_millis), ("payments", start, end));
    assert_eq!((meta.format, meta.inputs), (1, 402));
    let session = read_session(&file).expect("read");
    let (replayed, live) = History::replayed(
        HistoryBudget::default(),
        session.meta.start_millis,
        session.base,
        session.inputs,
        session.marks,
    );
    assert_eq!(replayed.span(), Some((start, end)));
    for at in [start, start + 1, (start + end) / 2, end - 150, end] {
        let original = history.state_at(at).map(all_logs);
        assert_eq!(replayed.state_at(at).map(all_logs), original, "at {at}");
    }
    assert_eq!(all_logs(live), all_logs(history.state_at(end).expect("the end")));
    let marks = |h: &History| h.status().marks.iter().map(|m| (m.at_millis, m.kind)).collect::<Vec<_>>();
    assert!(marks(&replayed).contains(&(START_MILLIS + 200 * 100, MarkKind::Disconnected)));
    assert_eq!(marks(&replayed), marks(&history));
}

/// A valid file to damage.
fn good_file() -> Vec<u8> {
    write_session(&recorded(40), "p").expect("written")
}

fn with(mut file: Vec<u8>, change: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    change(&mut file);
    file
}

#[test]
fn every_bad_file_gets_its_error() {
    let good = good_file();
    let header_len = 24 + u32::from_le_bytes(good[20..24].try_into().expect("4 bytes")) as usize;
    let cases: Vec<(&str, Vec<u8>, SessionError)> = vec![
        ("empty", Vec::new(), SessionError::NotASession),
        ("a text file", b"hello, this is not a session".to_vec(), SessionError::NotASession),
        (
            "a newer format",
            with(good.clone(), |f| f[16..20].copy_from_slice(&2u32.to_le_bytes())),
            SessionError::NewerFormat { format: 2 },
        ),
        ("cut in the header", good[..20].to_vec(), SessionError::Truncated),
        ("cut in the metadata", good[..header_len - 3].to_vec(), SessionError::Truncated),
        ("no body", good[..header_len].to_vec(), SessionError::Truncated),
        (
            "bytes after the body",
            with(good.clone(), |f| f.push(0)),
            SessionError::Corrupt("1 bytes after the body".into()),
        ),
        ("cut in the body", good[..header_len + (good.len() - header_len) / 2].to_vec(), SessionError::Truncated),
        (
            "a damaged checksum",
            with(good.clone(), |f| {
                let at = f.len() - 6;
                f[at] ^= 0x55;
            }),
            SessionError::Corrupt("the body's checksum does not match".into()),
        ),
        (
            "too much metadata",
            with(good.clone(), |f| f[20..24].copy_from_slice(&(1u32 << 30).to_le_bytes())),
            SessionError::BadMetadata("1073741824 bytes of metadata".into()),
        ),
        (
            "too large",
            vec![0; MAX_SESSION_FILE_BYTES + 1],
            SessionError::TooLarge { bytes: MAX_SESSION_FILE_BYTES as u64 + 1 },
        ),
    ];
    for (what, file, expected) in cases {
        match read_session(&file) {
            Ok(_) => panic!("{what}: read as a session"),
            Err(error) => {
                // Every case's words are this crate's own (no library's).
                assert_eq!(error, expected, "{what}");
                assert!(!error.to_string().is_empty());
            }
        }
    }
}

/// CRC-32 (ISO-HDLC: reflected, polynomial 0xEDB88320, all ones in and
/// out), a bit at a time: the definition, independent of any library.
fn crc32_by_definition(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[test]
fn the_body_ends_with_its_crc_32() {
    // The catalogue's check value of CRC-32/ISO-HDLC.
    assert_eq!((crc32_by_definition(b"123456789"), body_crc(b"123456789")), (0xCBF4_3926, 0xCBF4_3926));
    let file = good_file();
    let header_len = 24 + u32::from_le_bytes(file[20..24].try_into().expect("4 bytes")) as usize;
    let body_len = u32::from_le_bytes(file[header_len..header_len + 4].try_into().expect("4 bytes")) as usize;
    let body = &file[header_len + 4..header_len + 4 + body_len];
    let stored = u32::from_le_bytes(file[header_len + 4 + body_len..].try_into().expect("4 bytes after the body"));
    assert!(body_len > 1_000, "a body of {body_len} bytes");
    assert_eq!(stored, crc32_by_definition(body));
}

/// A body that passes its checksum and still does not decode (written
/// by a faulty program, or edited) is named in the file's own words.
#[test]
fn a_body_that_does_not_decode_is_named() {
    let good = good_file();
    let header_len = 24 + u32::from_le_bytes(good[20..24].try_into().expect("4 bytes")) as usize;
    let packed_len = u32::from_le_bytes(good[header_len..header_len + 4].try_into().expect("4 bytes")) as usize;
    let packed = &good[header_len + 4..header_len + 4 + packed_len];
    let encoded = lz4_flex::decompress_size_prepended(packed).expect("the good body unpacks");
    let with_body = |encoded: &[u8]| {
        let packed = lz4_flex::compress_prepend_size(encoded);
        let mut file = good[..header_len].to_vec();
        file.extend_from_slice(&(packed.len() as u32).to_le_bytes());
        file.extend_from_slice(&packed);
        file.extend_from_slice(&crc32_by_definition(&packed).to_le_bytes());
        file
    };
    assert!(read_session(&with_body(&encoded)).is_ok(), "the good body, packed again");
    let cut = with_body(&encoded[..encoded.len() / 2]);
    assert_eq!(read_session(&cut).err(), Some(SessionError::Corrupt("the body ends early".into())));
}

#[test]
fn damaged_metadata_is_named() {
    let good = good_file();
    let mut file = good[..24].to_vec();
    let meta = br#"{"format":1,"project":"p"}"#;
    file[20..24].copy_from_slice(&(meta.len() as u32).to_le_bytes());
    file.extend_from_slice(meta);
    match read_session(&file) {
        Err(SessionError::BadMetadata(why)) => assert!(why.contains("missing field"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert!(good.starts_with(SESSION_MAGIC));
}

#[test]
fn a_state_whose_totals_lie_is_refused() {
    let mut state = Reducer::new();
    state.apply_frame(r#"{"data":{"type":"log-chunk","nodeId":"a","text":"one\ntwo\n"}}"#, START_MILLIS);
    // Tamper with the saved state as a hand-edited file would.
    let mut json = serde_json::to_value(&state).expect("a value");
    json["logs"]["tally"]["total_bytes"] = serde_json::json!(1);
    let lying: Reducer = serde_json::from_value(json).expect("still a reducer");
    let file = encode_session("p", START_MILLIS, &lying, Vec::new(), Vec::new()).expect("written");
    match read_session(&file) {
        Err(SessionError::Corrupt(why)) => assert_eq!(why, "logs: bytes disagree"),
        other => panic!("{other:?}"),
    }
    // The same state untouched reads.
    let file = encode_session("p", START_MILLIS, &state, Vec::new(), Vec::new()).expect("written");
    assert!(read_session(&file).is_ok());
}

#[test]
fn an_empty_history_has_nothing_to_save() {
    let history = History::new(HistoryBudget::default());
    assert_eq!(write_session(&history, "p").err(), Some(SessionError::Empty));
}
