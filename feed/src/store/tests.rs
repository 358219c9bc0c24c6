//! The checkpoint script against a real redis-server: which checkpoint a
//! write replaces.

use super::*;
use xtask::redis::RedisServer;

const GAP: bool = true;
const WHOLE: bool = false;

/// A checkpoint's offset and whether it has a gap.
type Mark = (u64, bool);

fn snapshot() -> Message {
    let frame = r#"{"data":{"type":"snapshot","nodes":[],"edges":[]}}"#;
    shared::decode_frame(frame).messages.into_iter().next().expect("a snapshot message")
}

fn mark(epoch: &str, (offset, gap): Mark) -> CheckpointMark {
    CheckpointMark { at: Pos { epoch: epoch.into(), offset }, gap }
}

#[tokio::test]
async fn a_checkpoint_replaces_an_older_one_and_a_whole_one_replaces_one_with_a_gap() {
    let redis = RedisServer::start().unwrap_or_else(|why| panic!("{why}"));
    let store = Store::open(&redis.url(), 100).expect("a store");
    // (held, offered, whether the offered one is written)
    let cases: &[(Option<Mark>, Mark, bool)] = &[
        (None, (5, WHOLE), true),
        (None, (5, GAP), true),
        (Some((5, WHOLE)), (6, WHOLE), true),
        (Some((5, WHOLE)), (5, WHOLE), false),
        (Some((5, WHOLE)), (4, WHOLE), false),
        (Some((5, WHOLE)), (6, GAP), true),
        (Some((5, WHOLE)), (5, GAP), false),
        (Some((5, GAP)), (5, WHOLE), true),
        (Some((5, GAP)), (6, WHOLE), true),
        (Some((5, GAP)), (4, WHOLE), false),
        (Some((5, GAP)), (5, GAP), false),
        (Some((5, GAP)), (6, GAP), true),
    ];
    for (case, &(held, offered, written)) in cases.iter().enumerate() {
        let project = format!("case{case}");
        let epoch = store.head(&project).await.expect("a head").epoch;
        if let Some(held) = held {
            assert!(store.write_checkpoint(&project, &mark(&epoch, held), &snapshot()).await.expect("a write"));
        }
        let wrote = store.write_checkpoint(&project, &mark(&epoch, offered), &snapshot()).await.expect("an answer");
        assert_eq!(wrote, written, "case {case}: {held:?} then {offered:?}");
        let now = store.checkpoint_mark(&project).await.expect("a read");
        assert_eq!(now, Some(mark(&epoch, if written { offered } else { held.expect("held") })), "case {case}");
        let read = store.read_checkpoint(&project).await.expect("a read").expect("a checkpoint");
        assert_eq!(Some(read.mark), now, "case {case}");
    }
    // Of another epoch than the project's: never written.
    let other = mark("another-epoch", (9, WHOLE));
    assert!(!store.write_checkpoint("case0", &other, &snapshot()).await.expect("an answer"));
    // Written before checkpoints carried `gap`: whole.
    let mut connection = store.shared.clone();
    let _: u32 =
        redis::cmd("HDEL").arg(key("case1", "checkpoint")).arg("gap").query_async(&mut connection).await.unwrap();
    assert_eq!(store.checkpoint_mark("case1").await.expect("a read").map(|mark| mark.gap), Some(WHOLE));
}
