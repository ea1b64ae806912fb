//! Group commit: the writes that arrive while another is committing wait, and go together in
//! the next transaction, each in a savepoint of its own, with one `COMMIT` (one `fsync`) for
//! them all. 16 clients booking at once therefore do not queue on one `fsync` each.
//!
//! A write's answer is given only after the `COMMIT` returned, so every answered write is on
//! the disk (`synchronous=FULL`). A write that fails is rolled back to its savepoint and the
//! others go on; a failure that ends the whole transaction (a full disk, an I/O error) or a
//! failed `COMMIT` fails every write of the group, none of which was answered yet.

use super::{unavailable, Cached};
use rantevou_domain::ports::StoreError;
use rusqlite::Connection;
use std::sync::{Arc, Mutex};

/// At most this many writes in one transaction (the write lock is held for the group).
const MAX_GROUP: usize = 64;

/// What a write's finish is told: whether its group committed.
type Finish = Box<dyn FnOnce(Result<(), StoreError>) + Send>;

/// One write waiting for a group: run in its savepoint (`Some`), or not at all (`None`: the
/// group could not begin); either way it answers the finish to call once the group ended.
pub(super) type Job = Box<dyn FnOnce(Option<&Connection>) -> (Finish, bool) + Send>;

/// The writes waiting for the next group. Clones share it.
#[derive(Default, Clone)]
pub(super) struct Waiting(Arc<Mutex<Vec<Job>>>);

impl Waiting {
    pub(super) fn push(&self, job: Job) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push(job);
    }

    fn take(&self) -> Vec<Job> {
        let mut waiting = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let n = waiting.len().min(MAX_GROUP);
        waiting.drain(..n).collect()
    }
}

/// The job of write `f`; its result, once its group ended, goes to `answer`.
pub(super) fn job<T, F>(f: F, answer: tokio::sync::oneshot::Sender<Result<T, StoreError>>) -> Job
where
    T: Send + 'static,
    F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
{
    Box::new(move |conn| {
        let (out, sound) = match conn {
            Some(c) => in_savepoint(c, f),
            None => (
                Err(StoreError::Unavailable("sqlite: no transaction".into())),
                true,
            ),
        };
        let finish: Finish = Box::new(move |committed| {
            // The waiting request may have gone (its client hung up): nothing to tell.
            let _ = answer.send(committed.and(out));
        });
        (finish, sound)
    })
}

/// `f` in a savepoint: kept when it succeeds, rolled back when it fails. `false` with it when
/// the transaction around it did not survive (SQLite rolled it back, or the savepoint could
/// not be closed).
fn in_savepoint<T>(
    c: &Connection,
    f: impl FnOnce(&Connection) -> Result<T, StoreError>,
) -> (Result<T, StoreError>, bool) {
    if let Err(e) = c.exec("SAVEPOINT one_write", []) {
        return (Err(unavailable(e)), false);
    }
    let out = f(c);
    if c.is_autocommit() {
        // An error SQLite answers by rolling the whole transaction back.
        return (out, false);
    }
    let closed = match out {
        Ok(_) => c.exec("RELEASE one_write", []),
        Err(_) => c
            .exec("ROLLBACK TO one_write", [])
            .and_then(|_| c.exec("RELEASE one_write", [])),
    };
    match closed {
        Ok(_) => (out, true),
        Err(e) => (Err(unavailable(e)), false),
    }
}

/// Commits the writes waiting in `waiting` as one group, on the connection the caller holds;
/// none when another caller's turn took them. Each write's caller takes a turn after queueing
/// it, so none is left waiting.
pub(super) fn run(c: &Connection, waiting: &Waiting) {
    let jobs = waiting.take();
    if !jobs.is_empty() {
        commit_group(c, jobs);
    }
}

fn commit_group(c: &Connection, jobs: Vec<Job>) {
    // A transaction left open (a write that panicked) is rolled back before anything else.
    if !c.is_autocommit() {
        let _ = c.execute_batch("ROLLBACK");
    }
    if let Err(e) = c.execute_batch("BEGIN IMMEDIATE") {
        let e = unavailable(e);
        for job in jobs {
            let (finish, _) = job(None);
            finish(Err(e.clone()));
        }
        return;
    }
    let mut finishes = Vec::with_capacity(jobs.len());
    let mut sound = true;
    for job in jobs {
        if sound {
            let (finish, still) = job(Some(c));
            finishes.push(finish);
            sound = still;
        } else {
            finishes.push(job(None).0);
        }
    }
    let committed = if sound {
        c.execute_batch("COMMIT").map_err(unavailable)
    } else {
        Err(StoreError::Unavailable(
            "sqlite: the transaction was rolled back".into(),
        ))
    };
    if committed.is_err() && !c.is_autocommit() {
        let _ = c.execute_batch("ROLLBACK");
    }
    for finish in finishes {
        finish(committed.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Connection {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)")
            .unwrap();
        c
    }

    fn insert(k: i64, then: Option<i64>) -> impl FnOnce(&Connection) -> Result<i64, StoreError> {
        move |c| {
            c.exec("INSERT INTO t (k, v) VALUES (?1, 'x')", [k])
                .map_err(unavailable)?;
            if let Some(k2) = then {
                // A second row that clashes: this write fails after writing its first row.
                c.exec("INSERT INTO t (k, v) VALUES (?1, 'y')", [k2])
                    .map_err(|_| StoreError::SlotTaken)?;
            }
            Ok(k)
        }
    }

    fn keys(c: &Connection) -> Vec<i64> {
        let mut s = c.prepare("SELECT k FROM t ORDER BY k").unwrap();
        s.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[tokio::test]
    async fn a_group_keeps_its_good_writes_and_rolls_back_each_failed_one_alone() {
        let c = table();
        let waiting = Waiting::default();
        let mut answers = Vec::new();
        for (k, then) in [(1, None), (2, Some(1)), (3, None)] {
            let (answer, answered) = tokio::sync::oneshot::channel();
            waiting.push(job(insert(k, then), answer));
            answers.push(answered);
        }
        run(&c, &waiting);
        assert!(c.is_autocommit(), "committed");
        let mut got = Vec::new();
        for answered in answers {
            got.push(answered.await.unwrap());
        }
        assert_eq!(got, [Ok(1), Err(StoreError::SlotTaken), Ok(3)]);
        // Row 2, written by the failed write before its clash, is gone with it.
        assert_eq!(keys(&c), [1, 3]);
        // Nothing was left waiting: another turn finds no group.
        run(&c, &waiting);
        assert_eq!(keys(&c), [1, 3]);
    }

    #[tokio::test]
    async fn a_group_that_cannot_commit_fails_every_write_in_it() {
        let c = table();
        // A transaction already open elsewhere on this connection (a write that panicked):
        // rolled back, and the group goes on.
        c.execute_batch("BEGIN; INSERT INTO t (k, v) VALUES (9, 'z')")
            .unwrap();
        let waiting = Waiting::default();
        let (answer, answered) = tokio::sync::oneshot::channel();
        waiting.push(job(insert(1, None), answer));
        run(&c, &waiting);
        assert_eq!(answered.await.unwrap(), Ok(1));
        assert_eq!(keys(&c), [1]);

        // A write that ends the transaction itself (as SQLite does on a full disk): the group's
        // other writes are not committed, and each is told so.
        let (first, first_answered) = tokio::sync::oneshot::channel();
        waiting.push(job(insert(2, None), first));
        let (ender, ender_answered) = tokio::sync::oneshot::channel();
        waiting.push(job(
            |c: &Connection| {
                c.execute_batch("ROLLBACK").map_err(unavailable)?;
                Ok(0)
            },
            ender,
        ));
        let (last, last_answered) = tokio::sync::oneshot::channel();
        waiting.push(job(insert(3, None), last));
        run(&c, &waiting);
        for answered in [first_answered, ender_answered, last_answered] {
            assert!(
                matches!(answered.await.unwrap(), Err(StoreError::Unavailable(_))),
                "not committed"
            );
        }
        assert_eq!(keys(&c), [1]);
        assert!(c.is_autocommit());
    }
}
