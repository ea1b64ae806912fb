//! A provider: the librarian or department who holds the consultations.

use crate::ids::ProviderId;
use crate::language::Localized;
use crate::working_plan::WorkingPlan;

/// Who patrons meet, when they work, and where staff copies of the mail go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provider {
    /// Stable id used in URLs, the API and slot-lock keys.
    pub id: ProviderId,
    /// Display name per language.
    pub name: Localized,
    /// Mailbox that receives a copy of every confirmation and cancellation.
    pub email: String,
    /// Weekly hours with breaks.
    pub working_plan: WorkingPlan,
    /// Length of one slot lock for this provider, in minutes.
    ///
    /// Derived by the loader: the largest unit that divides every duration, grid and buffer
    /// of the provider's services, every start of a stretch of work and the hour. Locks on a
    /// common unit make two appointments conflict exactly when their lock sets intersect.
    pub lock_minutes: u32,
}
