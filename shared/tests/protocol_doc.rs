//! docs/protocol.md cannot drift from the code: every JSON example in it is
//! decoded here. A block marked `json` must decode without an error; one
//! marked `json error=<kind>` must give exactly one error, of that kind;
//! `json client` is the auth frame the dashboard sends; `json
//! ingest-answer` is an ingest answer.

use shared::decode::DecodeErrorKind;
use shared::decode_frame;
use shared::encode::encode_auth;
use shared::ingest::IngestAnswer;

/// The fenced blocks of the page: (info string, body, line number).
fn json_blocks() -> Vec<(String, String, usize)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/protocol.md");
    let page = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let mut blocks = Vec::new();
    let mut open: Option<(String, String, usize)> = None;
    for (number, line) in page.lines().enumerate() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(info)) => open = Some((info.trim().to_owned(), String::new(), number + 1)),
            (Some(_), Some(_)) => blocks.extend(open.take()),
            (Some((_, body, _)), None) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "an unclosed fence in docs/protocol.md");
    blocks.into_iter().filter(|(info, _, _)| info.starts_with("json")).collect()
}

fn error_kind(name: &str) -> DecodeErrorKind {
    DecodeErrorKind::ALL
        .into_iter()
        .find(|kind| kind.label().replace(' ', "-") == name.replace("json", "JSON"))
        .unwrap_or_else(|| panic!("no error kind named {name}"))
}

#[test]
fn every_example_decodes_as_the_page_says() {
    let blocks = json_blocks();
    assert!(blocks.len() >= 14, "only {} JSON examples found: is the fence parser broken?", blocks.len());
    for (info, body, line) in &blocks {
        let decoded = decode_frame(body);
        match info.as_str() {
            "json" => {
                assert_eq!(decoded.errors, vec![], "example at line {line}");
                assert!(!decoded.messages.is_empty(), "example at line {line} holds no message");
            }
            "json client" => {
                let expected: serde_json::Value =
                    serde_json::from_str(&encode_auth("<token>")).expect("the auth frame is JSON");
                let shown: serde_json::Value = serde_json::from_str(body).expect("the example is JSON");
                assert_eq!(shown, expected, "auth example at line {line}");
            }
            "json ingest-answer" => {
                let answer: Result<IngestAnswer, _> = serde_json::from_str(body);
                assert!(answer.is_ok(), "ingest answer at line {line}: {answer:?}");
            }
            other => {
                let name = other.strip_prefix("json error=").unwrap_or_else(|| panic!("unknown block {other:?}"));
                let kinds: Vec<DecodeErrorKind> = decoded.errors.iter().map(|e| e.kind).collect();
                assert_eq!(kinds, vec![error_kind(name)], "example at line {line}");
            }
        }
    }
}

#[test]
fn the_batch_example_keeps_its_good_messages() {
    let blocks = json_blocks();
    let batch = blocks
        .iter()
        .find(|(info, body, _)| info == "json error=bad-fields" && body.trim_start().starts_with('['))
        .expect("the page shows a batch with one bad element");
    assert_eq!(decode_frame(&batch.1).messages.len(), 2);
}
