//! Bringing an appointment over from another booking system (Easy!Appointments, see
//! `rantevou import easyappointments`): through the same store write as any booking, its locks
//! and all, so that an overlap is refused rather than double-booked. Its id is derived from
//! where it came from, so that a second import finds it instead of bringing it twice. Nothing
//! is mailed unless asked: then one notice, "your appointment is now managed here", and the
//! appointment's timed mail (link, reminders) as for any booking.

use crate::bot_check;
use crate::context::Context;
use crate::mail::MailDelivery;
use chrono::{DateTime, Utc};
use rand::rngs::OsRng;
use rantevou_domain::appointment::{Appointment, BookingRequest, Consent, MailKind};
use rantevou_domain::availability::OfferedSlot;
use rantevou_domain::patron::{parse_patron_input, FieldErrors, PatronInput};
use rantevou_domain::policy::RequiredFields;
use rantevou_domain::ports::{Appointments, Bookings, CreateConditions, Created, StoreError};
use rantevou_domain::question::Answers;
use rantevou_domain::slot_lock::locks_for;
use rantevou_domain::{AppointmentId, ManageKeys};
use std::sync::Arc;

/// What the consent of an imported appointment says it was given in.
pub const EASY_APPOINTMENTS: &str = "Easy!Appointments";

/// Brings appointments over into the store.
#[derive(Clone)]
pub struct Importing {
    ctx: Context,
    bookings: Arc<dyn Bookings>,
    appointments: Arc<dyn Appointments>,
    mail: MailDelivery,
    keys: Arc<ManageKeys>,
}

/// One appointment of the other system, as the importer understood it.
#[derive(Debug, Clone)]
pub struct Carried {
    /// Where it comes from, unique and stable: e.g. `easyappointments:http://host#54`.
    pub origin: String,
    /// The service's id in this library's configuration.
    pub service: String,
    /// The provider's id.
    pub provider: String,
    /// Its start.
    pub start: DateTime<Utc>,
    /// Its end (must be the service's length later).
    pub end: DateTime<Utc>,
    /// The patron: name, email, phone, topic, language (terms and privacy: accepted there).
    pub patron: PatronInput,
    /// When it was booked there (the consent's time).
    pub booked_at: DateTime<Utc>,
    /// Its video-call link, if it had one.
    pub meeting_url: Option<String>,
    /// Answers to the service's questions, if the other system held any.
    pub answers: Answers,
}

/// An appointment brought over.
#[derive(Debug, Clone)]
pub enum CarriedOver {
    /// Written now.
    New {
        /// As stored (after its notice, with `notify`).
        appointment: Appointment,
        /// The patron's manage link.
        manage_url: String,
    },
    /// Brought over by an earlier import: left as it is.
    Already {
        /// As stored.
        appointment: Appointment,
        /// Its manage link, while its key is current.
        manage_url: Option<String>,
    },
}

/// Why an appointment cannot be brought over.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CarryError {
    /// The configuration has no such service.
    #[error("the configuration has no service {0:?}")]
    UnknownService(String),
    /// No such provider, or one who does not give the service.
    #[error("the configuration has no provider {0:?} for that service")]
    UnknownProvider(String),
    /// Its length is not the service's.
    #[error("it lasts {found} minutes, the service {expected}")]
    Length {
        /// Its minutes.
        found: i64,
        /// The service's.
        expected: u32,
    },
    /// The patron's details do not pass the booking form's checks.
    #[error("the patron's details: {0}")]
    Patron(FieldErrors),
    /// It has started or passed.
    #[error("it is not in the future")]
    Past,
    /// Another appointment holds part of its time.
    #[error("another appointment holds part of that time (an overlap: not double-booked)")]
    SlotTaken,
    /// The store failed; nothing was written.
    #[error(transparent)]
    Store(StoreError),
}

impl Importing {
    /// Importing through `bookings`, reading back through `appointments`, the notice through
    /// `mail`, links under `keys`.
    pub fn new(
        ctx: Context,
        bookings: Arc<dyn Bookings>,
        appointments: Arc<dyn Appointments>,
        mail: MailDelivery,
        keys: Arc<ManageKeys>,
    ) -> Self {
        Importing {
            ctx,
            bookings,
            appointments,
            mail,
            keys,
        }
    }

    /// The shared context.
    pub fn context(&self) -> &Context {
        &self.ctx
    }

    /// The id an appointment from `origin`, booked there at `booked_at`, has here (the same on
    /// every import; see [`AppointmentId::derived`]).
    pub fn id_of(origin: &str, booked_at: DateTime<Utc>) -> AppointmentId {
        AppointmentId::derived(origin, booked_at)
    }

    /// Brings `item` over, unless an earlier import did. With `notify`, the patron is mailed
    /// the notice now (a failed send stays pending and is retried by the scheduler), and gets
    /// the appointment's link mail and reminders; without, nothing is ever mailed on its own.
    pub async fn carry(&self, item: &Carried, notify: bool) -> Result<CarriedOver, CarryError> {
        let now = self.ctx.now();
        let id = Self::id_of(&item.origin, item.booked_at);
        if let Some(existing) = self
            .appointments
            .get(id, now)
            .await
            .map_err(CarryError::Store)?
        {
            let manage_url = self
                .keys
                .token_of(&existing.id, &existing.token_hash)
                .map(|t| self.ctx.links.manage_url(&existing.id, &t));
            return Ok(CarriedOver::Already {
                appointment: existing,
                manage_url,
            });
        }
        let appointment = self.appointment(id, item, notify, now)?;
        let token = self.keys.token(&appointment.id);
        let manage_url = self.ctx.links.manage_url(&appointment.id, &token);
        match self
            .bookings
            .create(&appointment, &CreateConditions::default())
            .await
        {
            Ok(Created::New(stored) | Created::Replayed(stored)) => {
                tracing::info!(appointment = %stored.id, provider = %stored.provider, "imported");
                let stored = if notify {
                    self.mail
                        .deliver_recorded(&stored, MailKind::Imported, Some(&manage_url))
                        .await
                } else {
                    stored
                };
                Ok(CarriedOver::New {
                    appointment: stored,
                    manage_url,
                })
            }
            Err(StoreError::SlotTaken) => Err(CarryError::SlotTaken),
            Err(e) => Err(CarryError::Store(e)),
        }
    }

    /// Checks `item` against the configuration as [`Importing::carry`] would, writing nothing.
    pub fn check(&self, item: &Carried) -> Result<(), CarryError> {
        let now = self.ctx.now();
        self.appointment(Self::id_of(&item.origin, item.booked_at), item, false, now)
            .map(|_| ())
    }

    /// The appointment `item` becomes, booked, its token under the current key.
    fn appointment(
        &self,
        id: AppointmentId,
        item: &Carried,
        notify: bool,
        now: DateTime<Utc>,
    ) -> Result<Appointment, CarryError> {
        let config = &self.ctx.config;
        let service = config
            .service(&item.service)
            .ok_or_else(|| CarryError::UnknownService(item.service.clone()))?;
        let provider = config
            .provider(&item.provider)
            .filter(|p| service.is_offered_by(&p.id))
            .ok_or_else(|| CarryError::UnknownProvider(item.provider.clone()))?;
        let found = (item.end - item.start).num_minutes();
        if found != i64::from(service.duration_minutes) {
            return Err(CarryError::Length {
                found,
                expected: service.duration_minutes,
            });
        }
        if item.start <= now {
            return Err(CarryError::Past);
        }
        // Staff record the patron's own words: only name and email are needed.
        let required = RequiredFields {
            phone: false,
            notes: false,
        };
        let patron = parse_patron_input(&item.patron, required, config.library.default_language())
            .map_err(CarryError::Patron)?;
        let lang = patron.language;
        let consent = Consent {
            terms_url: config.library.terms_url.get(lang).to_owned(),
            privacy_url: config.library.privacy_url.get(lang).to_owned(),
            at: item.booked_at,
            given_in: Some(EASY_APPOINTMENTS.to_owned()),
        };
        let slot = OfferedSlot {
            service,
            provider,
            start: item.start,
            // Also off the grid (staff entered it there): the lock units it touches.
            locks: locks_for(provider, item.start, service.occupied()),
        };
        let mut policy = config.policy.clone();
        policy.hold_minutes = 0;
        let request = BookingRequest {
            slot,
            patron: patron.clone(),
            consent,
            answers: item.answers.clone(),
            from_waitlist: false,
        };
        let (mut a, _) = Appointment::book(request, &self.keys, &policy, now, &mut OsRng);
        a.id = id;
        a.token_hash = self.keys.token(&id).hash();
        a.created_at = item.booked_at.min(now);
        a.patron_key = Some(bot_check::patron_key(&self.keys, &patron.customer.email));
        if let Some(url) = &item.meeting_url {
            a.meeting.url = Some(url.clone());
            a.meeting.version = 1;
        }
        // The notice is sent right after the write (a failure leaves it pending).
        a.pending_mail = if notify {
            vec![MailKind::Imported]
        } else {
            Vec::new()
        };
        if !notify {
            a.meeting.due = None;
            a.reminders.clear();
            a.delivery = Default::default();
        }
        Ok(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn an_imported_appointment_has_the_same_id_on_every_import_and_its_own() {
        let at = Utc.with_ymd_and_hms(2026, 11, 20, 8, 30, 0).unwrap();
        let a = Importing::id_of("easyappointments:http://127.0.0.1:8081#54", at);
        assert_eq!(
            a,
            Importing::id_of("easyappointments:http://127.0.0.1:8081#54", at)
        );
        assert_ne!(
            a,
            Importing::id_of("easyappointments:http://127.0.0.1:8081#55", at)
        );
        assert_eq!(
            a.as_uuid().get_version_num(),
            7,
            "a v7 id, as the API accepts"
        );
        let parsed: AppointmentId = a.to_string().parse().unwrap();
        assert_eq!(parsed, a);
    }
}
