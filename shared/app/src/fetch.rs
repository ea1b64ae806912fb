//! An appointment, for whoever holds its manage token.

use crate::context::Context;
use rantevou_domain::appointment::Appointment;
use rantevou_domain::ports::{Appointments, StoreError};
use rantevou_domain::AppointmentId;
use std::sync::Arc;

/// Reads appointments by id and token.
#[derive(Clone)]
pub struct Fetching {
    ctx: Context,
    appointments: Arc<dyn Appointments>,
}

/// Why an appointment is not shown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// Unknown id, expired, or the token is not its token: all look the same.
    #[error("not found")]
    NotFound,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Fetching {
    /// Fetching from `appointments`.
    pub fn new(ctx: Context, appointments: Arc<dyn Appointments>) -> Self {
        Fetching { ctx, appointments }
    }

    /// The shared context.
    pub fn context(&self) -> &Context {
        &self.ctx
    }

    /// The appointment `id`, if `token` is its manage token (compared in constant time).
    #[tracing::instrument(skip(self, token), fields(appointment = %id))]
    pub async fn fetch(&self, id: AppointmentId, token: &str) -> Result<Appointment, FetchError> {
        find(&*self.appointments, id, token, &self.ctx).await
    }
}

/// The appointment `id` if `token` is its token: shared by fetching and cancelling.
pub(crate) async fn find(
    appointments: &dyn Appointments,
    id: AppointmentId,
    token: &str,
    ctx: &Context,
) -> Result<Appointment, FetchError> {
    if token.is_empty() {
        return Err(FetchError::NotFound);
    }
    match appointments.get(id, ctx.now()).await? {
        Some(a) if a.token_hash.verify(token) => Ok(a),
        Some(_) => Err(FetchError::NotFound),
        None => {
            // An unknown id costs what a wrong token costs (the same hashing and comparison),
            // so that the answer's time does not tell which ids exist.
            let _ = unknown_id_hash().verify(token);
            Err(FetchError::NotFound)
        }
    }
}

/// The hash an unknown id's token is checked against: no token has it.
fn unknown_id_hash() -> &'static rantevou_domain::TokenHash {
    static HASH: std::sync::OnceLock<rantevou_domain::TokenHash> = std::sync::OnceLock::new();
    HASH.get_or_init(|| rantevou_domain::TokenHash::of("\u{0}no appointment has this token"))
}
