//! The clock: the domain and the use cases never read one; the wiring passes this in.

use chrono::{DateTime, Utc};

/// Now. The wiring gives the real clock (or a pinned one for fixture replays); tests give a
/// fixed instant.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

impl<F> Clock for F
where
    F: Fn() -> DateTime<Utc> + Send + Sync,
{
    fn now(&self) -> DateTime<Utc> {
        self()
    }
}
