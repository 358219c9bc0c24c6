//! The live projects: which ids are acceptable, one hub (and producer) per
//! project while it has clients or producers (and a grace period after), and a cap
//! on how many run at once, so random project names cannot exhaust the
//! server.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use crate::hub::{new_epoch, now_millis, Hub};
use crate::metrics::Counters;
use crate::simulate::{self, SimSettings};
use crate::store::Store;
use crate::tail::{self, Tail};

/// Longest project id, in bytes.
pub const MAX_PROJECT_ID_BYTES: usize = 64;
/// Projects streamed at once (with clients or within their grace period);
/// a client asking for one more is told to try again later.
pub const MAX_LIVE_PROJECTS: usize = 64;
/// How long a project's simulator keeps running after its last client left
/// (a reconnecting dashboard finds the same mesh).
pub const PROJECT_IDLE_GRACE_SECS: u64 = 30;
/// Shortest and longest pause between two sweeps for idle projects.
const MIN_SWEEP_MILLIS: u64 = 10;
const MAX_SWEEP_MILLIS: u64 = 1000;

/// Whether `id` is an acceptable project id: 1 to [`MAX_PROJECT_ID_BYTES`]
/// of `A-Z a-z 0-9 . _ -`.
pub fn is_valid_project_id(id: &str) -> bool {
    (1..=MAX_PROJECT_ID_BYTES).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// What every project of a server gets.
#[derive(Debug, Clone)]
pub struct ProjectSettings {
    /// Run the simulator as each project's producer.
    pub simulate: Option<SimSettings>,
    /// The bounds of each project's history (see `history.rs`).
    pub history_max_messages: usize,
    pub history_max_bytes: usize,
    /// Redis mode: where the streams live, how often a checkpoint is
    /// written, and this replica's name (for the producer lease).
    pub store: Option<Store>,
    pub checkpoint_every: Duration,
    pub replica: String,
}

/// The running projects of one server.
pub struct Projects {
    entries: Mutex<HashMap<String, Entry>>,
    settings: ProjectSettings,
    max_live: usize,
    idle_grace: Duration,
    shutdown: watch::Receiver<bool>,
    counters: Arc<Counters>,
}

/// One client's hold on a project's hub; the project counts as idle from
/// when the last lease is dropped.
pub struct Lease {
    projects: Arc<Projects>,
    project: String,
    pub hub: Arc<Hub>,
}

/// Every project slot is taken.
#[derive(Debug, PartialEq, Eq)]
pub struct Full;

struct Entry {
    hub: Arc<Hub>,
    /// The project's producer, stopped with the entry.
    _tasks: Vec<TaskGuard>,
    n_clients: usize,
    idle_since: Option<Instant>,
}

/// Aborts its task when dropped.
pub struct TaskGuard(tokio::task::AbortHandle);

impl Drop for TaskGuard {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl TaskGuard {
    /// Spawns `task`, which also ends when `shutdown` turns true.
    pub fn spawn(task: impl Future<Output = ()> + Send + 'static, shutdown: &watch::Receiver<bool>) -> TaskGuard {
        let mut stopping = shutdown.clone();
        let handle = tokio::spawn(async move {
            tokio::select! {
                () = task => {}
                _ = stopping.wait_for(|stop| *stop) => {}
            }
        });
        TaskGuard(handle.abort_handle())
    }
}

impl Projects {
    /// The registry, and a task that stops projects idle for `idle_grace`
    /// (it ends with `shutdown`).
    pub fn start(
        settings: ProjectSettings,
        max_live: usize,
        idle_grace: Duration,
        shutdown: watch::Receiver<bool>,
        counters: Arc<Counters>,
    ) -> Arc<Projects> {
        let projects = Arc::new(Projects {
            entries: Mutex::default(),
            settings,
            max_live,
            idle_grace,
            shutdown: shutdown.clone(),
            counters,
        });
        let sweep_millis = (idle_grace.as_millis() / 4).clamp(MIN_SWEEP_MILLIS.into(), MAX_SWEEP_MILLIS.into());
        let sweep_every = Duration::from_millis(u64::try_from(sweep_millis).unwrap_or(MAX_SWEEP_MILLIS));
        // The task holds only a weak reference: the registry goes with the server.
        let weak = Arc::downgrade(&projects);
        let mut stopping = shutdown;
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(sweep_every);
            loop {
                tokio::select! {
                    _ = ticker.tick() => {}
                    _ = stopping.wait_for(|stop| *stop) => return,
                }
                let Some(projects) = weak.upgrade() else { return };
                projects.sweep(Instant::now());
            }
        });
        projects
    }

    /// Joins `project` (valid id), starting it if it is not live.
    pub fn join(self: &Arc<Self>, project: &str) -> Result<Lease, Full> {
        let mut entries = self.lock();
        let entry = self.entry(&mut entries, project)?;
        entry.n_clients += 1;
        entry.idle_since = None;
        Ok(Lease { projects: self.clone(), project: project.to_owned(), hub: entry.hub.clone() })
    }

    /// The hub of `project` (valid id) for a producer, starting it if it is
    /// not live; a project without clients stays live for the grace period
    /// after its last message.
    pub fn for_producer(&self, project: &str) -> Result<Arc<Hub>, Full> {
        let mut entries = self.lock();
        let entry = self.entry(&mut entries, project)?;
        if entry.n_clients == 0 {
            entry.idle_since = Some(Instant::now());
        }
        Ok(entry.hub.clone())
    }

    /// Projects that are live.
    pub fn n_live(&self) -> usize {
        self.lock().len()
    }

    fn entry<'a>(&self, entries: &'a mut HashMap<String, Entry>, project: &str) -> Result<&'a mut Entry, Full> {
        if !entries.contains_key(project) && entries.len() >= self.max_live {
            return Err(Full);
        }
        Ok(entries.entry(project.to_owned()).or_insert_with(|| self.start_project(project)))
    }

    fn start_project(&self, project: &str) -> Entry {
        let settings = &self.settings;
        let history = (settings.history_max_messages, settings.history_max_bytes);
        if let Some(store) = &settings.store {
            return self.start_stored_project(project, store, history);
        }
        let hub = Hub::new(&new_epoch(), history, self.counters.clone());
        let mut tasks = Vec::new();
        if let Some(sim) = settings.simulate.clone() {
            let (hub, project, counters) = (hub.clone(), project.to_owned(), self.counters.clone());
            let producer = async move {
                simulate::run(&project, sim, |messages| {
                    Counters::add(&counters.messages_published, messages.len() as u64);
                    hub.publish(messages, now_millis());
                    std::future::ready(())
                })
                .await;
            };
            tasks.push(TaskGuard::spawn(producer, &self.shutdown));
        }
        Entry { hub, _tasks: tasks, n_clients: 0, idle_since: Some(Instant::now()) }
    }

    /// A project in Redis: a tailer feeds its hub; the simulator, if any,
    /// publishes into Redis while this replica holds the producer lease.
    fn start_stored_project(&self, project: &str, store: &Store, history: (usize, usize)) -> Entry {
        let hub = Hub::in_store(history, self.counters.clone());
        let (counters, every) = (self.counters.clone(), self.settings.checkpoint_every);
        let tail = Tail::new(store.clone(), project.to_owned(), hub.clone(), counters, every);
        let mut tasks = vec![TaskGuard::spawn(tail.run(), &self.shutdown)];
        if let Some(sim) = self.settings.simulate.clone() {
            let (replica, counters) = (self.settings.replica.clone(), self.counters.clone());
            let producer = tail::simulate_with_lease(store.clone(), project.to_owned(), sim, replica, counters);
            tasks.push(TaskGuard::spawn(producer, &self.shutdown));
        }
        Entry { hub, _tasks: tasks, n_clients: 0, idle_since: Some(Instant::now()) }
    }

    /// Redis mode's store, if in use.
    pub fn store(&self) -> Option<&Store> {
        self.settings.store.as_ref()
    }

    /// Stops every project idle for at least the grace period (dropping its
    /// entry stops its producer).
    fn sweep(&self, now: Instant) {
        let grace = self.idle_grace;
        self.lock().retain(|_, entry| entry.idle_since.is_none_or(|since| now.duration_since(since) < grace));
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        let mut entries = self.projects.lock();
        if let Some(entry) = entries.get_mut(&self.project) {
            entry.n_clients = entry.n_clients.saturating_sub(1);
            if entry.n_clients == 0 {
                entry.idle_since = Some(Instant::now());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_ids_by_charset_and_length() {
        for good in ["default", "a", "Mesh-1.prod_eu", &"x".repeat(64)] {
            assert!(is_valid_project_id(good), "{good} refused");
        }
        for bad in ["", &"x".repeat(65), "a/b", "a b", "ü", "a\nb", "a?b", "<script>", "a%20b", "a:b"] {
            assert!(!is_valid_project_id(bad), "{bad:?} accepted");
        }
    }

    fn settings() -> ProjectSettings {
        ProjectSettings {
            simulate: Some(SimSettings { n_nodes: 3, messages_per_sec: 10.0, ..SimSettings::default() }),
            history_max_messages: 100,
            history_max_bytes: 1 << 20,
            store: None,
            checkpoint_every: Duration::from_secs(5),
            replica: "r".into(),
        }
    }

    #[tokio::test]
    async fn idle_projects_stop_after_the_grace_and_free_their_slot() {
        let (_stop, stopping) = watch::channel(false);
        let projects = Projects::start(settings(), 2, Duration::from_secs(3600), stopping, Arc::default());
        let a = projects.join("a").unwrap();
        let a_again = projects.join("a").unwrap();
        let _b = projects.join("b").unwrap();
        assert_eq!(projects.n_live(), 2);
        assert!(matches!(projects.join("c"), Err(Full)));
        drop(a);
        // One of a's two clients is still there: not idle.
        projects.sweep(Instant::now() + Duration::from_secs(7200));
        assert_eq!(projects.n_live(), 2);
        drop(a_again);
        let left = Instant::now();
        projects.sweep(left + Duration::from_secs(3599));
        assert_eq!(projects.n_live(), 2, "stopped within the grace");
        projects.sweep(left + Duration::from_secs(3601));
        assert_eq!(projects.n_live(), 1, "still live after the grace");
        assert!(projects.join("c").is_ok());
    }

    #[tokio::test]
    async fn a_client_returning_within_the_grace_keeps_the_project() {
        let (_stop, stopping) = watch::channel(false);
        let projects = Projects::start(settings(), 2, Duration::from_secs(3600), stopping, Arc::default());
        let first = projects.join("a").unwrap();
        let hub = first.hub.clone();
        drop(first);
        let back = projects.join("a").unwrap();
        assert!(Arc::ptr_eq(&hub, &back.hub), "a new hub for a project within its grace");
        projects.sweep(Instant::now() + Duration::from_secs(7200));
        assert_eq!(projects.n_live(), 1);
    }
}
