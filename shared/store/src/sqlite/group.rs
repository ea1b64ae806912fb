//! Group commit: bookings that arrive while another commit waits for the disk are committed
//! together, in one `BEGIN IMMEDIATE` transaction and one `fsync`.
//!
//! Each write runs inside its own savepoint of the shared transaction, in the order it arrived:
//! a write that fails (a held slot, a used challenge…) is rolled back to its savepoint and
//! answered with its error, without touching the others; a write sees the ones before it, as it
//! would have if they had committed first. No write that stored something is answered before
//! the `COMMIT` returns, so an answered booking is on disk (`synchronous=FULL`); if the `BEGIN`
//! or the `COMMIT` fails, every such write of the group is answered with that failure and none is
//! stored. A refused write (it stored nothing) is answered as soon as its savepoint is rolled
//! back: if the refusal came from an earlier write of the group whose `COMMIT` then fails, the
//! patron was told a time was taken that is free again, and can simply choose it again.
//!
//! There is no writer thread: each write queues itself and sends a task to the blocking pool
//! that takes the connection; whichever task gets the connection first commits everything
//! queued by then, and the tasks that find the queue empty leave (their writes went with an
//! earlier group). So one booking alone costs what it did, and 16 at once share their commits.

use super::{unavailable, Cached, SqliteStore};
use rantevou_domain::ports::StoreError;
use rusqlite::Connection;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// The most writes one commit takes; the rest go with the next (each write has its own task, so
/// there is always one left to commit them).
const MOST: usize = 16;

/// Bookings taken into groups, and the groups (each one `BEGIN IMMEDIATE` … `COMMIT`). Counted
/// when a group is taken from the queue, before any of its writes is answered: a refusal is
/// answered before its group's `COMMIT`, and a caller that has every answer must find every
/// write counted.
#[derive(Debug, Default)]
pub(super) struct Counts {
    writes: AtomicU64,
    commits: AtomicU64,
}

/// A queued write: run in its savepoint, then answered once the group's fate is known.
pub(super) trait Grouped: Send {
    /// Runs the write in its savepoint; `false` if the savepoint itself could not be released
    /// or rolled back (the whole group is then given up).
    fn run(&mut self, c: &Connection) -> bool;

    /// Answers the caller: its own result, or `failed` (the group's `BEGIN` or `COMMIT`).
    fn answer(self: Box<Self>, failed: Option<&StoreError>);
}

/// One write and where its answer goes.
struct Write<T, F> {
    work: Option<F>,
    result: Option<Result<T, StoreError>>,
    /// Taken when answered: a refused write is answered as soon as it is rolled back.
    reply: Option<oneshot::Sender<Result<T, StoreError>>>,
}

impl<T, F> Grouped for Write<T, F>
where
    T: Send,
    F: FnOnce(&Connection) -> Result<T, StoreError> + Send,
{
    fn run(&mut self, c: &Connection) -> bool {
        let Some(work) = self.work.take() else {
            return true;
        };
        if let Err(e) = c.exec("SAVEPOINT grouped_write", []) {
            self.result = Some(Err(unavailable(e)));
            return false;
        }
        let result = work(c);
        let closed = if result.is_ok() {
            c.exec("RELEASE grouped_write", [])
        } else {
            c.exec("ROLLBACK TO grouped_write", [])
                .and_then(|_| c.exec("RELEASE grouped_write", []))
        };
        if closed.is_err() {
            self.result = Some(result);
            return false;
        }
        match result {
            // Refused (a held time, a used challenge…): it wrote nothing, so its answer does not
            // wait for the group's commit; in a stampede the 199 refusals would otherwise wait
            // for the winner's `fsync`.
            Err(e) => {
                if let Some(reply) = self.reply.take() {
                    let _ = reply.send(Err(e));
                }
            }
            Ok(value) => self.result = Some(Ok(value)),
        }
        true
    }

    fn answer(mut self: Box<Self>, failed: Option<&StoreError>) {
        let Some(reply) = self.reply.take() else {
            return; // answered already, when it was refused
        };
        let answer = match (failed, self.result) {
            (Some(e), _) => Err(e.clone()),
            (None, Some(result)) => result,
            (None, None) => Err(StoreError::Unavailable(
                "sqlite: the write was not run".into(),
            )),
        };
        // The caller may have gone (its request dropped): nothing to tell then.
        let _ = reply.send(answer);
    }
}

/// Rolls back a transaction a panic left open on the connection, so that the next write can
/// begin its own (SQLite would refuse a `BEGIN` inside one).
pub(super) fn end_abandoned(c: &Connection) {
    if !c.is_autocommit() {
        let _ = c.execute_batch("ROLLBACK");
    }
}

/// Begins, runs each of `writes` in arrival order, commits, and answers them.
fn commit(c: &Connection, mut writes: Vec<Box<dyn Grouped>>, counts: &Counts) {
    counts.commits.fetch_add(1, Ordering::Relaxed);
    counts
        .writes
        .fetch_add(writes.len() as u64, Ordering::Relaxed);
    end_abandoned(c);
    if let Err(e) = c.execute_batch("BEGIN IMMEDIATE") {
        let e = unavailable(e);
        writes.into_iter().for_each(|w| w.answer(Some(&e)));
        return;
    }
    let sound = writes.iter_mut().all(|w| w.run(c));
    let outcome = if sound {
        c.execute_batch("COMMIT").map_err(unavailable)
    } else {
        Err(StoreError::Unavailable(
            "sqlite: a write's savepoint could not be closed".into(),
        ))
    };
    match outcome {
        Ok(()) => writes.into_iter().for_each(|w| w.answer(None)),
        Err(e) => {
            end_abandoned(c);
            writes.into_iter().for_each(|w| w.answer(Some(&e)));
        }
    }
}

impl SqliteStore {
    /// Runs write `work` in the next group commit (see the module's text) and answers its
    /// result once that commit is on disk. `work` must not begin or commit a transaction of its
    /// own; returning an error undoes what it wrote.
    pub(super) async fn with_group<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        lock(&self.pending).push(Box::new(Write {
            work: Some(work),
            result: None,
            reply: Some(reply),
        }));
        let conn = Arc::clone(&self.conn);
        let pending = Arc::clone(&self.pending);
        let counts = Arc::clone(&self.grouped);
        // Not awaited: the answer comes through `reply`, from whichever task commits it.
        drop(tokio::task::spawn_blocking(move || {
            // Taken by an earlier group already (it took this write under the connection's
            // lock): leave without waiting for the connection, which the reads on the bookings'
            // way would then find busy.
            if lock(&pending).is_empty() {
                return;
            }
            let guard = lock(&conn);
            // At most `MOST` at a time: the reads on the bookings' way (the month's locks) get
            // the connection between groups instead of waiting for a whole crowd's writes.
            let writes: Vec<_> = {
                let mut queue = lock(&pending);
                let n = queue.len().min(MOST);
                queue.drain(..n).collect()
            };
            if !writes.is_empty() {
                commit(&guard, writes, &counts);
            }
        }));
        answer
            .await
            .map_err(|_| StoreError::Unavailable("sqlite: the write's task stopped".into()))?
    }

    /// How many bookings this store has taken into group commits, and in how many groups (fewer
    /// when bookings arrived together): for tests and load reports.
    pub fn group_commits(&self) -> (u64, u64) {
        (
            self.grouped.writes.load(Ordering::Relaxed),
            self.grouped.commits.load(Ordering::Relaxed),
        )
    }
}

/// A mutex's guard; a panic while holding it leaves nothing half-done here (see
/// [`end_abandoned`]), so a poisoned one is safe to keep using.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
