//! The Redis side of `--redis` (docs/deploy.md, "Running more than one
//! feed"): per project a stream whose entry ids are the message offsets,
//! the epoch and offset counter beside it, a checkpoint, and a producer
//! lease. Positions are assigned inside Redis by one script per publish
//! (the counter increment and the appends together, as Centrifugo's Redis
//! engine does), so a position means the same on every replica.
//!
//! Keys, with the project id as the hash tag (one cluster slot per project):
//! - `meshview:{P}:meta`: hash `epoch`, `offset` (the last offset assigned);
//! - `meshview:{P}:stream`: stream, entry id `<offset>-0`, fields `e` (epoch),
//!   `t` (publish time, epoch ms), `m` (the message, JSON, without pos/seq);
//! - `meshview:{P}:checkpoint`: hash `epoch`, `offset`, `snapshot` (a
//!   snapshot message, JSON), `t`, and `gap` (`1` when the graph lacks
//!   messages that were trimmed before its replica read them): the graph
//!   through that offset;
//! - `meshview:{P}:producer`: the replica that runs the simulator.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig, MultiplexedConnection};
use redis::streams::{StreamId, StreamRangeReply, StreamReadReply};
use redis::{AsyncConnectionConfig, Client, RedisResult, Script};
use shared::encode::encode_message;
use shared::limits::MAX_FRAME_BYTES;
use shared::protocol::{Message, Payload, Pos};

use crate::history;
use crate::hub::{new_epoch, now_millis};

/// How long a Redis command may take (a checkpoint of a large graph is
/// megabytes) before it counts as failed.
const COMMAND_TIMEOUT_MILLIS: u64 = 5_000;
/// How long a connection attempt may take.
const CONNECT_TIMEOUT_MILLIS: u64 = 1_000;
/// Longest wait between reconnect attempts of the shared connection.
const MAX_RECONNECT_DELAY_MILLIS: u64 = 5_000;
/// Entries read per command when catching up.
pub const READ_BATCH_ENTRIES: usize = 1000;
/// How long one blocking read waits for new entries.
pub const TAIL_BLOCK_MILLIS: u64 = 1000;

/// The start of the scripts that need the project's epoch: it reads it, or
/// creates it (starting the history over) when the project has none.
macro_rules! ensure_epoch {
    () => {
        r"
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  epoch = ARGV[1]
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'epoch', epoch, 'offset', 0)
end
"
    };
}

/// Numbers and appends messages: `KEYS` meta, stream; `ARGV` a new epoch
/// (used when the project has none: its history starts over), MAXLEN, the
/// publish time, then the messages. Returns the epoch and the first offset.
const PUBLISH: &str = concat!(
    ensure_epoch!(),
    r"
local n = #ARGV - 3
local first = redis.call('HINCRBY', KEYS[1], 'offset', n) - n + 1
for i = 1, n do
  redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[2], (first + i - 1) .. '-0', 'e', epoch, 't', ARGV[3], 'm', ARGV[i + 3])
end
return {epoch, first}
"
);

/// The project's epoch and last offset, creating the epoch when missing.
const HEAD: &str = concat!(
    ensure_epoch!(),
    r"
return {epoch, tonumber(redis.call('HGET', KEYS[1], 'offset') or '0')}
"
);

/// Writes a checkpoint of the project's epoch when it is newer than the
/// one there, or as new and whole where that one has a gap: `KEYS` meta,
/// checkpoint; `ARGV` epoch, offset, snapshot, time, gap (`1` or `0`).
/// Returns 1 when written.
const CHECKPOINT: &str = r"
if redis.call('HGET', KEYS[1], 'epoch') ~= ARGV[1] then return 0 end
local held = redis.call('HMGET', KEYS[2], 'epoch', 'offset', 'gap')
if held[1] == ARGV[1] then
  local held_offset, offset = tonumber(held[2] or '0'), tonumber(ARGV[2])
  local fills = ARGV[5] == '0' and held[3] == '1' and offset >= held_offset
  if offset <= held_offset and not fills then return 0 end
end
redis.call('HSET', KEYS[2], 'epoch', ARGV[1], 'offset', ARGV[2], 'snapshot', ARGV[3], 't', ARGV[4], 'gap', ARGV[5])
return 1
";

/// Takes or keeps the producer lease: `KEYS` lease; `ARGV` replica, ms.
const LEASE: &str = r"
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if holder then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
";

/// One stream entry, decoded.
#[derive(Debug)]
pub struct Entry {
    pub epoch: String,
    pub offset: u64,
    pub published_millis: i64,
    pub message: Message,
}

/// A checkpoint read back.
#[derive(Debug)]
pub struct Checkpoint {
    pub mark: CheckpointMark,
    pub snapshot: Message,
}

/// Where a checkpoint is, and whether its graph lacks trimmed messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointMark {
    pub at: Pos,
    pub gap: bool,
}

/// The Redis connection shared by a replica's projects, and its scripts.
#[derive(Clone)]
pub struct Store {
    client: Client,
    shared: ConnectionManager,
    publish: Script,
    head: Script,
    checkpoint: Script,
    lease: Script,
    /// The stream's MAXLEN: messages kept per project.
    history_max_messages: usize,
}

impl Store {
    /// A store on `url` (`redis://HOST:PORT`); connects lazily, so a Redis
    /// that is down at start is only a degraded replica.
    pub fn open(url: &str, history_max_messages: usize) -> RedisResult<Store> {
        let client = Client::open(url)?;
        let config = ConnectionManagerConfig::new()
            .set_response_timeout(Some(Duration::from_millis(COMMAND_TIMEOUT_MILLIS)))
            .set_connection_timeout(Some(Duration::from_millis(CONNECT_TIMEOUT_MILLIS)))
            .set_max_delay(Duration::from_millis(MAX_RECONNECT_DELAY_MILLIS));
        let shared = ConnectionManager::new_lazy_with_config(client.clone(), config)?;
        Ok(Store {
            client,
            shared,
            publish: Script::new(PUBLISH),
            head: Script::new(HEAD),
            checkpoint: Script::new(CHECKPOINT),
            lease: Script::new(LEASE),
            history_max_messages,
        })
    }

    /// A connection of its own for blocking reads (a blocked read would
    /// hold up every command on a shared one).
    pub async fn tail_connection(&self) -> RedisResult<MultiplexedConnection> {
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(Duration::from_millis(CONNECT_TIMEOUT_MILLIS)))
            .set_response_timeout(Some(Duration::from_millis(TAIL_BLOCK_MILLIS + COMMAND_TIMEOUT_MILLIS)));
        self.client.get_multiplexed_async_connection_with_config(&config).await
    }

    pub async fn ping(&self) -> RedisResult<()> {
        redis::cmd("PING").query_async(&mut self.shared.clone()).await
    }

    /// Appends `messages` to `project`'s stream; returns the position of
    /// the first. Messages without `ts` get the publish time, so every
    /// replica sends the same.
    pub async fn publish(&self, project: &str, messages: &[Message]) -> RedisResult<Pos> {
        let now = now_millis();
        let mut invocation = self.publish.key(key(project, "meta"));
        invocation.key(key(project, "stream")).arg(new_epoch()).arg(self.history_max_messages).arg(now);
        for message in messages {
            let stamped =
                Message { ts_millis: message.ts_millis.or(Some(now)), seq: None, pos: None, ..message.clone() };
            invocation.arg(encode_message(&stamped));
        }
        let (epoch, offset): (String, u64) = invocation.invoke_async(&mut self.shared.clone()).await?;
        Ok(Pos { epoch, offset })
    }

    /// The project's epoch and last offset (creating the epoch if needed).
    pub async fn head(&self, project: &str) -> RedisResult<Pos> {
        let mut invocation = self.head.key(key(project, "meta"));
        invocation.key(key(project, "stream")).arg(new_epoch());
        let (epoch, offset): (String, u64) = invocation.invoke_async(&mut self.shared.clone()).await?;
        Ok(Pos { epoch, offset })
    }

    /// Entries after `offset`, at most `count`, oldest first.
    pub async fn range_after(&self, project: &str, offset: u64, count: usize) -> RedisResult<Vec<Entry>> {
        let reply: StreamRangeReply = redis::cmd("XRANGE")
            .arg(key(project, "stream"))
            .arg(format!("({offset}-0"))
            .arg("+")
            .arg("COUNT")
            .arg(count)
            .query_async(&mut self.shared.clone())
            .await?;
        Ok(reply.ids.iter().map(entry_of).collect())
    }

    /// Blocks (up to [`TAIL_BLOCK_MILLIS`]) for entries after `offset`.
    pub async fn read_after(
        &self,
        connection: &mut MultiplexedConnection,
        project: &str,
        offset: u64,
    ) -> RedisResult<Vec<Entry>> {
        let reply: Option<StreamReadReply> = redis::cmd("XREAD")
            .arg("COUNT")
            .arg(READ_BATCH_ENTRIES)
            .arg("BLOCK")
            .arg(TAIL_BLOCK_MILLIS)
            .arg("STREAMS")
            .arg(key(project, "stream"))
            .arg(format!("{offset}-0"))
            .query_async(connection)
            .await?;
        let ids = reply.into_iter().flat_map(|reply| reply.keys).flat_map(|stream| stream.ids);
        Ok(ids.map(|id| entry_of(&id)).collect())
    }

    /// Where the project's checkpoint is, without reading its graph.
    pub async fn checkpoint_mark(&self, project: &str) -> RedisResult<Option<CheckpointMark>> {
        let (epoch, offset, gap): (Option<String>, Option<u64>, Option<String>) = redis::cmd("HMGET")
            .arg(key(project, "checkpoint"))
            .arg("epoch")
            .arg("offset")
            .arg("gap")
            .query_async(&mut self.shared.clone())
            .await?;
        Ok(epoch.zip(offset).map(|(epoch, offset)| mark_of(epoch, offset, gap.as_deref())))
    }

    /// The project's checkpoint, if there is one that can be read.
    pub async fn read_checkpoint(&self, project: &str) -> RedisResult<Option<Checkpoint>> {
        type Fields = (Option<String>, Option<u64>, Option<String>, Option<String>);
        let (epoch, offset, snapshot, gap): Fields = redis::cmd("HMGET")
            .arg(key(project, "checkpoint"))
            .arg("epoch")
            .arg("offset")
            .arg("snapshot")
            .arg("gap")
            .query_async(&mut self.shared.clone())
            .await?;
        let (Some(epoch), Some(offset), Some(snapshot)) = (epoch, offset, snapshot) else {
            return Ok(None);
        };
        let decoded = shared::decode_frame(&snapshot).messages.into_iter().next();
        Ok(decoded
            .filter(|message| matches!(message.payload, Payload::Snapshot { .. }))
            .map(|snapshot| Checkpoint { mark: mark_of(epoch, offset, gap.as_deref()), snapshot }))
    }

    /// Writes a checkpoint of the graph at `mark`; false when Redis holds a
    /// newer one (or as new and whole), or the project's epoch moved on.
    pub async fn write_checkpoint(
        &self,
        project: &str,
        mark: &CheckpointMark,
        snapshot: &Message,
    ) -> RedisResult<bool> {
        let mut invocation = self.checkpoint.key(key(project, "meta"));
        invocation.key(key(project, "checkpoint")).arg(&mark.at.epoch).arg(mark.at.offset);
        invocation.arg(encode_message(snapshot)).arg(now_millis()).arg(if mark.gap { "1" } else { "0" });
        let written: u8 = invocation.invoke_async(&mut self.shared.clone()).await?;
        Ok(written == 1)
    }

    /// `resumed` and the messages after `since` through offset `to`, read
    /// from the stream, as frames; `None` when the stream no longer holds
    /// every one of them in `since`'s epoch.
    pub async fn resume_frames(&self, project: &str, since: &Pos, to: u64) -> RedisResult<Option<Vec<String>>> {
        let missed = usize::try_from(to.saturating_sub(since.offset)).unwrap_or(usize::MAX);
        if missed > self.history_max_messages {
            return Ok(None);
        }
        let mut texts = Vec::with_capacity(missed);
        let mut at = since.offset;
        for _ in 0..missed.div_ceil(READ_BATCH_ENTRIES) {
            let entries = self.range_after(project, at, READ_BATCH_ENTRIES.min(missed - texts.len())).await?;
            for entry in entries {
                if entry.epoch != since.epoch || entry.offset != at + 1 {
                    return Ok(None);
                }
                at = entry.offset;
                let pos = Some(Pos { epoch: entry.epoch, offset: at });
                texts.push(encode_message(&Message { seq: Some(at), pos, ..entry.message }));
            }
        }
        if at != to {
            return Ok(None);
        }
        Ok(Some(history::resume_frames(since, texts.iter().map(String::as_str), MAX_FRAME_BYTES)))
    }

    /// Takes or renews the producer lease of `project` for `replica`.
    pub async fn hold_lease(&self, project: &str, replica: &str, lease_millis: u64) -> RedisResult<bool> {
        let mut invocation = self.lease.key(key(project, "producer"));
        invocation.arg(replica).arg(lease_millis);
        let held: u8 = invocation.invoke_async(&mut self.shared.clone()).await?;
        Ok(held == 1)
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("history_max_messages", &self.history_max_messages).finish_non_exhaustive()
    }
}

/// `meshview:{<project>}:<what>`; project ids hold no braces.
pub fn key(project: &str, what: &str) -> String {
    format!("meshview:{{{project}}}:{what}")
}

/// A checkpoint's mark from its fields; one written before checkpoints
/// carried `gap` is taken as whole.
fn mark_of(epoch: String, offset: u64, gap: Option<&str>) -> CheckpointMark {
    CheckpointMark { at: Pos { epoch, offset }, gap: gap == Some("1") }
}

/// An entry as the store wrote it. One that does not decode (never written
/// by a feed) still holds its offset, as an event saying so, so the
/// positions stay whole.
fn entry_of(id: &StreamId) -> Entry {
    let offset = id.id.split('-').next().and_then(|n| n.parse().ok()).unwrap_or(0);
    let text: Option<String> = id.get("m");
    let decoded = text.as_deref().map(shared::decode_frame).and_then(|frame| frame.messages.into_iter().next());
    let message = decoded.unwrap_or_else(|| Message {
        ts_millis: None,
        seq: None,
        pos: None,
        payload: Payload::Event {
            message: format!("stream entry {} could not be read", id.id),
            severity: shared::Severity::Warn,
            node_id: None,
        },
    });
    Entry { epoch: id.get("e").unwrap_or_default(), offset, published_millis: id.get("t").unwrap_or_default(), message }
}

#[cfg(test)]
mod tests;
