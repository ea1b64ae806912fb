//! Changing one appointment as it is now: a conditioned update made again on the appointment
//! read anew when another write came between (the mail's records, feedback, staff changes).

use chrono::{DateTime, Utc};
use rantevou_domain::appointment::Appointment;
use rantevou_domain::ports::{MailLog, StoreError};

/// Which conditioned write a change is.
#[derive(Clone, Copy)]
enum Write {
    /// [`rantevou_domain::ports::AppointmentUpdates::update`]: durable once answered.
    Update,
    /// [`rantevou_domain::ports::AppointmentUpdates::record_delivery`].
    Delivery,
}

/// Writes `change` of `read` with a conditioned update; when another write came between, the
/// change is made again on the appointment read anew (a few times, then
/// [`StoreError::Conflict`]). The stored appointment, or `None` when it is gone.
pub(crate) async fn update_fresh(
    log: &dyn MailLog,
    read: Appointment,
    now: DateTime<Utc>,
    change: impl Fn(Appointment) -> Appointment,
) -> Result<Option<Appointment>, StoreError> {
    change_fresh(log, read, now, change, Write::Update).await
}

/// [`update_fresh`] for the record that a message went (see
/// [`rantevou_domain::ports::AppointmentUpdates::record_delivery`]: the store need not wait
/// for the disk).
pub(crate) async fn record_fresh(
    log: &dyn MailLog,
    read: Appointment,
    now: DateTime<Utc>,
    change: impl Fn(Appointment) -> Appointment,
) -> Result<Option<Appointment>, StoreError> {
    change_fresh(log, read, now, change, Write::Delivery).await
}

async fn change_fresh(
    log: &dyn MailLog,
    mut read: Appointment,
    now: DateTime<Utc>,
    change: impl Fn(Appointment) -> Appointment,
    write: Write,
) -> Result<Option<Appointment>, StoreError> {
    for _ in 0..3 {
        let next = change(read.clone());
        let written = match write {
            Write::Delivery => log.record_delivery(&read, &next).await,
            Write::Update => log.update(&read, &next).await,
        };
        match written {
            Ok(stored) => return Ok(Some(stored)),
            Err(StoreError::Changed) => match log.get(read.id, now).await? {
                Some(fresh) => read = fresh,
                None => return Ok(None),
            },
            Err(e) => return Err(e),
        }
    }
    Err(StoreError::Conflict)
}
