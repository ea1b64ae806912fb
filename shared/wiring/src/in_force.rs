//! The configuration in force in a warm function, kept current without a redeploy: read whole
//! at the start, then, at most once per interval (on a request, since a Lambda sleeps between
//! them), only its version; read whole again when the version changed. A failed check or a
//! new configuration that cannot be used keeps the one in force (and says so in the logs): a
//! working function never stops serving over a check.

use rantevou_domain::ports::StoreError;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// How often a warm function asks whether a new configuration was pushed: a pushed one is in
/// force everywhere within this, at one small read per function per interval.
pub const CHECK_EVERY: Duration = Duration::from_secs(60);

/// What a process built from one configuration, and which one it was.
pub(crate) struct InForce<T> {
    every: Option<Duration>,
    held: Mutex<Option<Held<T>>>,
}

struct Held<T> {
    value: Arc<T>,
    version: String,
    generation: u64,
    checked: Instant,
}

/// A value built from the configuration in force, with the generation it belongs to (one
/// higher each time a new configuration was taken up), so that what was built from it can
/// be built again.
pub(crate) struct Current<T> {
    pub value: Arc<T>,
    pub generation: u64,
}

impl<T> InForce<T> {
    /// Checked every `every`, or never (`None`: a configuration file, read once).
    pub fn new(every: Option<Duration>) -> Self {
        InForce {
            every,
            held: Mutex::new(None),
        }
    }

    /// The value in force at `now`: loaded the first time (and until that succeeds), its
    /// version checked once `every` has passed since the last check, loaded again when the
    /// version changed.
    pub async fn get<E, V, VF, L, LF>(
        &self,
        now: Instant,
        version: V,
        load: L,
    ) -> Result<Current<T>, E>
    where
        E: std::fmt::Display,
        V: FnOnce() -> VF,
        VF: Future<Output = Result<Option<String>, StoreError>>,
        L: FnOnce() -> LF,
        LF: Future<Output = Result<(T, String), E>>,
    {
        let mut held = self.held.lock().await;
        let Some(h) = held.as_mut() else {
            let (value, version) = load().await?;
            let h = held.insert(Held {
                value: Arc::new(value),
                version,
                generation: 1,
                checked: now,
            });
            return Ok(h.current());
        };
        let due = self
            .every
            .is_some_and(|every| now.saturating_duration_since(h.checked) >= every);
        if !due {
            return Ok(h.current());
        }
        h.checked = now;
        match version().await {
            Ok(Some(v)) if v == h.version => {}
            Ok(Some(v)) => match load().await {
                Ok((value, version)) => {
                    tracing::info!(version = %version, was = %h.version, "new configuration in force");
                    h.value = Arc::new(value);
                    h.version = version;
                    h.generation += 1;
                }
                Err(e) => tracing::error!(
                    version = %v, in_force = %h.version, error = %e,
                    "a new configuration was pushed but cannot be used; the one in force stays"
                ),
            },
            Ok(None) => tracing::warn!(
                in_force = %h.version,
                "no configuration in the table any more; the one in force stays"
            ),
            Err(e) => tracing::warn!(
                in_force = %h.version, error = %e,
                "the configuration's version could not be read; the one in force stays"
            ),
        }
        Ok(h.current())
    }
}

impl<T> Held<T> {
    fn current(&self) -> Current<T> {
        Current {
            value: Arc::clone(&self.value),
            generation: self.generation,
        }
    }
}

/// A value built from another that may be replaced (a use case from the wiring): built again
/// only when the generation it was built from changed.
pub(crate) struct Derived<U> {
    built: Mutex<Option<(u64, Arc<U>)>>,
}

impl<U> Derived<U> {
    pub fn new() -> Self {
        Derived {
            built: Mutex::new(None),
        }
    }

    /// The value for `generation`, built by `build` when it has none for it.
    pub async fn get<E>(
        &self,
        generation: u64,
        build: impl FnOnce() -> Result<U, E>,
    ) -> Result<Arc<U>, E> {
        let mut built = self.built.lock().await;
        match built.as_ref() {
            Some((g, value)) if *g == generation => Ok(Arc::clone(value)),
            _ => {
                let value = Arc::new(build()?);
                *built = Some((generation, Arc::clone(&value)));
                Ok(value)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex as StdMutex;

    /// A table holding one configuration version, counting the reads of each kind.
    #[derive(Default)]
    struct Table {
        version: StdMutex<Option<String>>,
        small_reads: AtomicUsize,
        whole_reads: AtomicUsize,
        unreachable: StdMutex<bool>,
    }

    impl Table {
        fn push(&self, v: &str) {
            *self.version.lock().unwrap() = Some(v.into());
        }
        async fn version(&self) -> Result<Option<String>, StoreError> {
            self.small_reads.fetch_add(1, Ordering::SeqCst);
            if *self.unreachable.lock().unwrap() {
                return Err(StoreError::Unavailable("timeout".into()));
            }
            Ok(self.version.lock().unwrap().clone())
        }
        async fn load(&self) -> Result<(String, String), String> {
            self.whole_reads.fetch_add(1, Ordering::SeqCst);
            let v = self.version.lock().unwrap().clone();
            match v {
                Some(v) if v.starts_with("bad") => Err(format!("{v} is not valid")),
                Some(v) => Ok((format!("built from {v}"), v)),
                None => Err("no configuration".into()),
            }
        }
        fn reads(&self) -> (usize, usize) {
            (
                self.small_reads.load(Ordering::SeqCst),
                self.whole_reads.load(Ordering::SeqCst),
            )
        }
    }

    async fn get(
        cache: &InForce<String>,
        table: &Table,
        now: Instant,
    ) -> Result<(String, u64), String> {
        cache
            .get(now, || table.version(), || table.load())
            .await
            .map(|c| ((*c.value).clone(), c.generation))
    }

    #[tokio::test]
    async fn a_pushed_configuration_is_in_force_within_the_interval_at_one_small_read_each() {
        let table = Table::default();
        let cache = InForce::new(Some(CHECK_EVERY));
        let t0 = Instant::now();
        assert_eq!(
            get(&cache, &table, t0).await.unwrap_err(),
            "no configuration"
        );
        assert_eq!(
            table.reads(),
            (0, 1),
            "nothing in force: loaded, not checked"
        );
        table.push("v1");
        assert_eq!(
            get(&cache, &table, t0).await.unwrap(),
            ("built from v1".into(), 1)
        );

        // Within the minute: served from memory, whatever is pushed meanwhile.
        table.push("v2");
        for s in 0..60 {
            let now = t0 + Duration::from_secs(s) + Duration::from_millis(999);
            assert_eq!(get(&cache, &table, now).await.unwrap().0, "built from v1");
        }
        assert_eq!(table.reads(), (0, 2), "no read at all inside the interval");

        // At the minute: one small read sees the new version, one whole read takes it up.
        let t1 = t0 + CHECK_EVERY;
        assert_eq!(
            get(&cache, &table, t1).await.unwrap(),
            ("built from v2".into(), 2)
        );
        assert_eq!(table.reads(), (1, 3));

        // An unchanged version costs the small read only, once per interval.
        for s in 0..=180 {
            get(&cache, &table, t1 + Duration::from_secs(s))
                .await
                .unwrap();
        }
        assert_eq!(
            table.reads(),
            (4, 3),
            "three more checks in three minutes, no load"
        );
    }

    #[tokio::test]
    async fn a_failed_check_or_an_unusable_push_keeps_the_configuration_in_force() {
        let table = Table::default();
        table.push("v1");
        let cache = InForce::new(Some(CHECK_EVERY));
        let t0 = Instant::now();
        get(&cache, &table, t0).await.unwrap();

        *table.unreachable.lock().unwrap() = true;
        let t1 = t0 + CHECK_EVERY;
        assert_eq!(
            get(&cache, &table, t1).await.unwrap(),
            ("built from v1".into(), 1)
        );
        // The failed check counts: the next one waits for the next interval.
        get(&cache, &table, t1 + Duration::from_secs(1))
            .await
            .unwrap();
        assert_eq!(table.reads(), (1, 1));
        *table.unreachable.lock().unwrap() = false;

        table.push("bad-v2");
        let t2 = t1 + CHECK_EVERY;
        assert_eq!(
            get(&cache, &table, t2).await.unwrap(),
            ("built from v1".into(), 1)
        );
        table.push("v3");
        let t3 = t2 + CHECK_EVERY;
        assert_eq!(
            get(&cache, &table, t3).await.unwrap(),
            ("built from v3".into(), 2)
        );
    }

    #[tokio::test]
    async fn a_configuration_file_is_read_once() {
        let table = Table::default();
        table.push("v1");
        let cache = InForce::new(None);
        let t0 = Instant::now();
        get(&cache, &table, t0).await.unwrap();
        table.push("v2");
        let later = t0 + Duration::from_secs(3600);
        assert_eq!(get(&cache, &table, later).await.unwrap().0, "built from v1");
        assert_eq!(table.reads(), (0, 1));
    }

    #[tokio::test]
    async fn what_is_built_from_the_configuration_is_built_again_only_when_it_changed() {
        let derived = Derived::new();
        let builds = AtomicUsize::new(0);
        let build = |g: u64| {
            builds.fetch_add(1, Ordering::SeqCst);
            Ok::<_, String>(format!("use case {g}"))
        };
        assert_eq!(*derived.get(1, || build(1)).await.unwrap(), "use case 1");
        assert_eq!(*derived.get(1, || build(1)).await.unwrap(), "use case 1");
        assert_eq!(*derived.get(2, || build(2)).await.unwrap(), "use case 2");
        assert_eq!(builds.load(Ordering::SeqCst), 2);
        // A build that fails leaves nothing built: the next request tries again.
        let failed: Result<Arc<String>, String> =
            derived.get(3, || Err("no keys".to_owned())).await;
        assert!(failed.is_err());
        assert_eq!(*derived.get(3, || build(3)).await.unwrap(), "use case 3");
    }
}
