//! The clocks the wiring hands out: the real one, or one pinned for fixture replays.

use chrono::{DateTime, Utc};
use rantevou_domain::ports::Clock;
use std::sync::Arc;

/// The system clock: the only place rantevou reads it.
#[allow(clippy::disallowed_methods)]
pub fn system() -> Arc<dyn Clock> {
    Arc::new(Utc::now)
}

/// A clock that always says `at` (`RANTEVOU_NOW`, and tests).
pub fn pinned(at: DateTime<Utc>) -> Arc<dyn Clock> {
    Arc::new(move || at)
}
