//! A replica's hold on one project in Redis mode. The tailer rebuilds the
//! project's graph from its checkpoint and the stream after it, then reads
//! the stream as it grows (a blocking read on a connection of its own) into
//! the project's hub, which fans out to this replica's clients; it writes a
//! checkpoint now and then. When Redis goes away, the hub keeps its clients
//! and last state, `/healthz` says degraded, and the tailer reconnects with
//! backoff, then goes on from where it was (or rebuilds, when the epoch
//! moved on or the history no longer reaches back to it).
//!
//! A replica that fell further behind than the stream holds, with no
//! checkpoint holding what was trimmed, goes on with a gap in its graph: it
//! counts it, marks its checkpoints as having a gap (a whole graph's
//! checkpoint replaces one with a gap at the same offset), and replaces
//! its graph with the first whole checkpoint past the gap that another
//! replica writes. A replica that starts from a checkpoint with a gap
//! carries the gap on, until the same happens.
//!
//! With `--simulate`, one replica at a time runs a project's simulator:
//! the one holding the project's producer lease.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use redis::RedisResult;
use shared::protocol::{Message, Pos};
use tokio::time::Instant;

use crate::hub::{now_millis, Hub};
use crate::metrics::Counters;
use crate::simulate::{self, SimSettings};
use crate::store::{CheckpointMark, Entry, Store, READ_BATCH_ENTRIES};

/// How often a replica writes its project's checkpoint, by default.
pub const CHECKPOINT_INTERVAL_SECS: u64 = 5;
/// First and longest pause before reconnecting after a Redis error.
const MIN_BACKOFF_MILLIS: u64 = 100;
const MAX_BACKOFF_MILLIS: u64 = 5_000;
/// How long the producer lease lasts, and how often its holder renews it.
const LEASE_MILLIS: u64 = 10_000;
const LEASE_RENEW_MILLIS: u64 = 3_000;

/// One project's tailer on this replica.
pub struct Tail {
    store: Store,
    project: String,
    hub: Arc<Hub>,
    counters: Arc<Counters>,
    checkpoint_every: Duration,
    /// The graph lacks messages at or before this offset (trimmed before
    /// this replica, or the one whose checkpoint it took, read them).
    gap_through: Option<u64>,
    /// The last checkpoint offered to Redis in this session.
    offered: Option<CheckpointMark>,
}

impl Tail {
    pub fn new(
        store: Store,
        project: String,
        hub: Arc<Hub>,
        counters: Arc<Counters>,
        checkpoint_every: Duration,
    ) -> Tail {
        Tail { store, project, hub, counters, checkpoint_every, gap_through: None, offered: None }
    }

    /// Runs until the task is dropped; each Redis error pauses it with
    /// exponential backoff, then a new session starts.
    pub async fn run(mut self) {
        let mut backoff_millis = MIN_BACKOFF_MILLIS;
        loop {
            let started = Instant::now();
            let Err(error) = self.session().await;
            self.counters.redis_connected.store(false, Ordering::Relaxed);
            Counters::add(&self.counters.redis_errors, 1);
            if started.elapsed() > Duration::from_millis(MAX_BACKOFF_MILLIS) {
                backoff_millis = MIN_BACKOFF_MILLIS;
            }
            eprintln!("feed: project {}: redis: {error}; retrying in {backoff_millis} ms", self.project);
            tokio::time::sleep(Duration::from_millis(backoff_millis)).await;
            backoff_millis = (backoff_millis * 2).min(MAX_BACKOFF_MILLIS);
        }
    }

    /// Syncs the hub with Redis, then tails the stream until an error.
    async fn session(&mut self) -> RedisResult<std::convert::Infallible> {
        let mut connection = self.store.tail_connection().await?;
        let head = self.store.head(&self.project).await?;
        if !self.hub.is_ready() || head.epoch != self.hub.position().epoch {
            self.rebuild().await?;
        }
        self.connected();
        // Written on the first tick: a replica that kept its graph through
        // a Redis restart puts it back for the others.
        self.offered = None;
        let mut next_checkpoint = Instant::now() + self.checkpoint_every;
        loop {
            let after = self.hub.position().offset;
            let entries = self.store.read_after(&mut connection, &self.project, after).await?;
            self.connected();
            if !self.apply(entries) {
                self.rebuild().await?;
            }
            if Instant::now() >= next_checkpoint {
                next_checkpoint = Instant::now() + self.checkpoint_every;
                if self.gap_filled_elsewhere().await? {
                    self.rebuild().await?;
                }
                self.checkpoint().await?;
                // Redis may have lost the project (a restart without
                // persistence): its history started over in a new epoch.
                if self.store.head(&self.project).await?.epoch != self.hub.position().epoch {
                    self.rebuild().await?;
                }
            }
        }
    }

    /// The graph from the checkpoint (if it is of the project's epoch),
    /// then every entry after it; the hub is ready afterwards. Without a
    /// checkpoint the hub keeps the graph it holds (empty on a new hub; the
    /// last state when Redis lost the project) and goes on from the oldest
    /// entry there is, with a gap.
    async fn rebuild(&mut self) -> RedisResult<()> {
        let head = self.store.head(&self.project).await?;
        let checkpoint = self.store.read_checkpoint(&self.project).await?;
        let position = self.hub.position();
        // A ready hub of the same epoch goes on from where it is, unless
        // the checkpoint is ahead of it (it fell behind the history) or
        // fills its gap.
        let going_on = self.hub.is_ready() && position.epoch == head.epoch;
        match checkpoint.filter(|c| c.mark.at.epoch == head.epoch && c.mark.at.offset <= head.offset) {
            Some(c) if !going_on || (c.mark.at.offset > position.offset && !c.mark.gap) || self.fills_gap(&c.mark) => {
                self.hub.restore(c.snapshot, &c.mark.at, now_millis());
                self.set_gap(c.mark.gap.then_some(c.mark.at.offset));
            }
            None if !going_on => {
                self.hub.rebase(&Pos { epoch: head.epoch.clone(), offset: 0 });
                self.set_gap(None);
            }
            _ => {}
        }
        let rounds = usize::try_from(head.offset.saturating_sub(self.hub.position().offset)).unwrap_or(usize::MAX);
        for _ in 0..rounds.div_ceil(READ_BATCH_ENTRIES) {
            let position = self.hub.position();
            let entries = self.store.range_after(&self.project, position.offset, READ_BATCH_ENTRIES).await?;
            let Some(first) = entries.first() else { break };
            if first.epoch != position.epoch || first.offset != position.offset + 1 {
                let (project, offset) = (&self.project, first.offset);
                eprintln!("feed: project {project}: history trimmed before offset {offset} with no checkpoint");
                self.hub.rebase(&Pos { epoch: first.epoch.clone(), offset: first.offset - 1 });
                Counters::add(&self.counters.history_gaps, 1);
                let through = self.gap_through.map_or(first.offset - 1, |held| held.max(first.offset - 1));
                self.set_gap(Some(through));
            }
            if !self.apply(entries) {
                break;
            }
        }
        self.hub.set_ready();
        Ok(())
    }

    /// Applies entries in runs of one epoch; false when they do not follow
    /// the hub's position (the replica must rebuild).
    fn apply(&self, entries: Vec<Entry>) -> bool {
        let Some(last) = entries.last() else { return true };
        let lag_millis = u64::try_from(now_millis() - last.published_millis).unwrap_or(0);
        self.counters.redis_lag_millis.store(lag_millis, Ordering::Relaxed);
        let mut run: Vec<Message> = Vec::new();
        let mut run_start: Option<(String, u64)> = None;
        for entry in entries {
            let continues = run_start
                .as_ref()
                .is_some_and(|(epoch, first)| *epoch == entry.epoch && *first + run.len() as u64 == entry.offset);
            if !continues {
                if let Some((epoch, first)) = run_start.take() {
                    if self.hub.accept(&epoch, first, std::mem::take(&mut run), now_millis()).is_err() {
                        return false;
                    }
                }
                run_start = Some((entry.epoch, entry.offset));
            }
            run.push(entry.message);
        }
        run_start.is_none_or(|(epoch, first)| self.hub.accept(&epoch, first, run, now_millis()).is_ok())
    }

    /// Writes the graph as the project's checkpoint when it moved on (or
    /// has come whole).
    async fn checkpoint(&mut self) -> RedisResult<()> {
        let gap = self.gap_through.is_some();
        let mark = CheckpointMark { at: self.hub.position(), gap };
        if self.offered.as_ref() == Some(&mark) {
            return Ok(());
        }
        let (at, snapshot) = self.hub.snapshot_message(now_millis());
        let mark = CheckpointMark { at, gap };
        self.store.write_checkpoint(&self.project, &mark, &snapshot).await?;
        self.offered = Some(mark);
        Ok(())
    }

    /// Whether the graph has a gap that the project's checkpoint fills.
    async fn gap_filled_elsewhere(&self) -> RedisResult<bool> {
        if self.gap_through.is_none() {
            return Ok(false);
        }
        let mark = self.store.checkpoint_mark(&self.project).await?;
        Ok(mark.is_some_and(|mark| mark.at.epoch == self.hub.position().epoch && self.fills_gap(&mark)))
    }

    /// Whether a checkpoint holds every message this replica's graph lacks:
    /// a whole one past the gap.
    fn fills_gap(&self, mark: &CheckpointMark) -> bool {
        !mark.gap && self.gap_through.is_some_and(|through| mark.at.offset >= through)
    }

    /// Marks the graph whole (`None`) or lacking messages through an offset.
    fn set_gap(&mut self, through: Option<u64>) {
        let gauge = &self.counters.graphs_with_gaps;
        match (self.gap_through.is_some(), through.is_some()) {
            (false, true) => gauge.fetch_add(1, Ordering::Relaxed),
            (true, false) => gauge.fetch_sub(1, Ordering::Relaxed),
            _ => 0,
        };
        self.gap_through = through;
    }

    fn connected(&self) {
        self.counters.redis_connected.store(true, Ordering::Relaxed);
    }
}

impl Drop for Tail {
    /// A project that stops takes its gap off the gauge.
    fn drop(&mut self) {
        self.set_gap(None);
    }
}

/// Runs `project`'s simulator on this replica while it holds the project's
/// producer lease (so one replica at a time produces); a replica that
/// takes the lease over starts with its own mesh, which replaces the graph.
pub async fn simulate_with_lease(
    store: Store,
    project: String,
    settings: SimSettings,
    replica: String,
    counters: Arc<Counters>,
) {
    let renew_every = Duration::from_millis(LEASE_RENEW_MILLIS);
    loop {
        if !store.hold_lease(&project, &replica, LEASE_MILLIS).await.unwrap_or(false) {
            tokio::time::sleep(renew_every).await;
            continue;
        }
        let renew = async {
            loop {
                tokio::time::sleep(renew_every).await;
                if !store.hold_lease(&project, &replica, LEASE_MILLIS).await.unwrap_or(false) {
                    return;
                }
            }
        };
        let produce = simulate::run(&project, settings.clone(), |messages| {
            let (store, project, counters) = (store.clone(), project.clone(), counters.clone());
            async move {
                match store.publish(&project, &messages).await {
                    Ok(_) => Counters::add(&counters.messages_published, messages.len() as u64),
                    // Redis is away: what the simulator made meanwhile is lost.
                    Err(_) => Counters::add(&counters.redis_errors, 1),
                }
            }
        });
        tokio::select! {
            () = renew => {}
            () = produce => {}
        }
    }
}
