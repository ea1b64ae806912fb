//! Booking a time: every field checked at once, the start checked against the rules for the
//! chosen provider (or every provider, for "any"), then one conditional store write per
//! candidate until one holds; the confirmation (or, when the library holds bookings until the
//! patron confirms, the request to confirm) goes out after the write.

use crate::bot_check;
use crate::context::Context;
use crate::mail::MailDelivery;
use chrono::{DateTime, Duration, Utc};
use rand::rngs::OsRng;
use rantevou_domain::appointment::{Appointment, BookingRequest, Consent, MailKind, PatronLimit};
use rantevou_domain::availability::{offers, resolve, AvailabilityError};
use rantevou_domain::challenge::Challenge;
use rantevou_domain::mail_cap::{MailCap, Unasked};
use rantevou_domain::patron::{parse_patron_input, FieldCode, FieldErrors, PatronInput};
use rantevou_domain::ports::Metric;
use rantevou_domain::ports::{Bookings, CreateConditions, Created, IdempotencyKey, StoreError};
use rantevou_domain::question::{parse_answers, SentAnswers};
use rantevou_domain::{ManageKeys, ProviderChoice};
use std::sync::Arc;

/// Books appointments and sends their confirmations.
#[derive(Clone)]
pub struct Booking {
    ctx: Context,
    bookings: Arc<dyn Bookings>,
    mail: MailDelivery,
    keys: Arc<ManageKeys>,
}

/// What a patron asks to book, as sent (the use case parses and checks every part).
#[derive(Debug, Clone, Default)]
pub struct BookRequest {
    /// The service's id.
    pub service: Option<String>,
    /// A provider's id; missing, empty or `any`: the first free one in the service's order.
    pub provider: Option<String>,
    /// The start, RFC 3339.
    pub start: Option<String>,
    /// The patron's details and consent.
    pub patron: PatronInput,
    /// The answers to the service's questions, by question id, as sent.
    pub answers: SentAnswers,
    /// Whether the patron came from the waiting list's mail (the booking page says so).
    pub from_waitlist: bool,
    /// Makes a retried request return the first appointment instead of booking again.
    pub idempotency_key: Option<IdempotencyKey>,
    /// The bot check's solution (base64 of the ALTCHA JSON), when the library asks for one.
    pub challenge: Option<String>,
}

/// A booking made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Booked {
    /// Booked (or held) now; the confirmation (or the request to confirm) went out, or is
    /// pending. The manage link is shown once.
    New {
        /// The appointment.
        appointment: Appointment,
        /// Its manage link, with the token; `None` for a hold: its token confirms it, and only
        /// the patron's mailbox may see that.
        manage_url: Option<String>,
    },
    /// A repeat of an earlier request with the same idempotency key: nothing new happened.
    Replayed {
        /// The appointment booked the first time.
        appointment: Appointment,
        /// Its manage link, the same as the first time (`None` for a hold, or if the key that
        /// made it was retired since).
        manage_url: Option<String>,
    },
}

/// Why a booking was not made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BookError {
    /// Fields at fault, all of them.
    #[error("{0}")]
    Invalid(FieldErrors),
    /// No such service.
    #[error("unknown service")]
    UnknownService,
    /// No such provider, or one that does not offer the service.
    #[error("unknown provider")]
    UnknownProvider,
    /// Someone else holds part of that time (with every candidate provider).
    #[error("the slot is taken")]
    SlotTaken,
    /// The patron already holds as many upcoming appointments as the library allows.
    #[error("the patron holds {max} upcoming appointments already")]
    TooManyActive {
        /// The library's limit.
        max: u32,
    },
    /// The idempotency key was used before for another request.
    #[error("the idempotency key was used for another request")]
    IdempotencyKeyReused,
    /// The store failed; nothing was booked.
    #[error(transparent)]
    Store(StoreError),
}

/// The `start` of a request, or its field error.
pub(crate) fn parse_start(raw: Option<&str>, errors: &mut FieldErrors) -> Option<DateTime<Utc>> {
    match raw.map(DateTime::parse_from_rfc3339) {
        Some(Ok(t)) => Some(t.with_timezone(&Utc)),
        Some(Err(_)) => {
            errors.push("start", FieldCode::Invalid);
            None
        }
        None => {
            errors.push("start", FieldCode::Required);
            None
        }
    }
}

impl Booking {
    /// Booking through `bookings`, confirmations through `mail`, manage links under `keys`.
    pub fn new(
        ctx: Context,
        bookings: Arc<dyn Bookings>,
        mail: MailDelivery,
        keys: Arc<ManageKeys>,
    ) -> Self {
        Booking {
            ctx,
            bookings,
            mail,
            keys,
        }
    }

    /// The shared context.
    pub fn context(&self) -> &Context {
        &self.ctx
    }

    /// A new bot-check challenge at the work asked now (`None`: the library asks for none).
    pub async fn challenge(&self) -> Option<Challenge> {
        bot_check::issue(&self.ctx, &self.keys, &*self.bookings).await
    }

    /// The per-patron limit of a booking by the patron `key` at `now` (none when the library
    /// sets 0), remembered past the horizon.
    fn patron_limit(&self, key: &str, now: DateTime<Utc>) -> Option<PatronLimit> {
        let policy = &self.ctx.config.policy;
        (policy.max_active_per_patron > 0).then(|| PatronLimit {
            key: key.to_owned(),
            max: policy.max_active_per_patron,
            keep_until: now + Duration::days(i64::from(policy.horizon_days) + 2),
        })
    }

    /// Books `request`. Fields at fault are reported together (the service first); an unknown
    /// service or provider ends the check early.
    #[tracing::instrument(skip_all, fields(service = request.service.as_deref().unwrap_or("")))]
    pub async fn book(&self, request: BookRequest) -> Result<Booked, BookError> {
        let now = self.ctx.now();
        // A time on a day staff closed is not offered, from the moment it was closed.
        let closures = self
            .bookings
            .staff_closures()
            .await
            .map_err(BookError::Store)?;
        let config = &*self.ctx.config.with_staff_closures(&closures);
        let mut errors = FieldErrors::default();
        let patron = parse_patron_input(
            &request.patron,
            config.policy.required,
            config.library.default_language(),
        )
        .map_err(|e| errors.extend(e))
        .ok();
        let start = parse_start(request.start.as_deref(), &mut errors);
        let Some(service_id) = request.service.as_deref() else {
            let mut all = FieldErrors::default();
            all.push("service", FieldCode::Required);
            all.extend(errors);
            return Err(BookError::Invalid(all));
        };
        let choice =
            ProviderChoice::parse(request.provider.as_deref()).ok_or(BookError::UnknownProvider)?;
        let (service, providers) = resolve(config, service_id, &choice).map_err(|e| match e {
            AvailabilityError::UnknownService(_) => BookError::UnknownService,
            _ => BookError::UnknownProvider,
        })?;
        let answers = parse_answers(&service.questions, &request.answers, &mut errors);
        let candidates = match start.map(|s| offers(config, service, &providers, s, now)) {
            Some(Ok(offered)) => offered,
            Some(Err(e)) => {
                errors.push("start", e.code());
                Vec::new()
            }
            None => Vec::new(),
        };
        let solved = bot_check::verify(
            &self.ctx,
            &self.keys,
            &*self.bookings,
            request.challenge.as_deref(),
            &mut errors,
        )
        .await;
        let (Some(patron), true) = (patron, errors.is_empty()) else {
            return Err(BookError::Invalid(errors));
        };
        let patron_key = bot_check::patron_key(&self.keys, &patron.customer.email);
        let limit = self.patron_limit(&patron_key, now);
        let cap = MailCap::of(
            config.policy.mail_per_address_per_day,
            config.library.timezone,
            &patron_key,
            Unasked::Booking,
            now,
        );
        let conditions = CreateConditions {
            idempotency_key: request.idempotency_key.as_ref(),
            patron: limit.as_ref(),
            challenge: solved.as_ref(),
            // Not an address whose mail bounced: the confirmation would never arrive.
            deliverable: Some(&patron_key),
            mail_cap: cap.as_ref(),
            calendar: false,
        };
        for slot in candidates {
            let request = BookingRequest {
                slot,
                patron: patron.clone(),
                consent: Consent {
                    // The pages in the patron's language: the ones the form linked.
                    terms_url: config.library.terms_url.get(patron.language).to_owned(),
                    privacy_url: config.library.privacy_url.get(patron.language).to_owned(),
                    at: now,
                    given_in: None,
                },
                answers: answers.clone(),
                from_waitlist: request.from_waitlist,
            };
            let (mut appointment, token) =
                Appointment::book(request, &self.keys, &config.policy, now, &mut OsRng);
            appointment.patron_key = Some(patron_key.clone());
            // The provider's own calendar's busy times refuse the time in the same write.
            let conditions = CreateConditions {
                calendar: config
                    .provider(appointment.provider.as_str())
                    .is_some_and(|p| p.calendar.is_some()),
                ..conditions
            };
            match self.bookings.create(&appointment, &conditions).await {
                Ok(Created::New(stored)) => {
                    self.ctx.count(Metric::Bookings);
                    self.ctx.work.counted(&self.ctx);
                    let links = &self.ctx.links;
                    // A failed send leaves the mail pending; the booking stands. The answer
                    // is the appointment as stored after the mail was recorded.
                    let (stored, manage_url) = if stored.hold_until().is_some() {
                        tracing::info!(appointment = %stored.id, provider = %stored.provider, "held");
                        let confirm_url = links.confirm_url(&stored.id, &token);
                        let kind = MailKind::ConfirmRequest;
                        let stored = self
                            .mail
                            .deliver_recorded(&stored, kind, Some(&confirm_url))
                            .await;
                        (stored, None)
                    } else {
                        tracing::info!(appointment = %stored.id, provider = %stored.provider, "booked");
                        let manage_url = links.manage_url(&stored.id, &token);
                        let kind = MailKind::Confirmation;
                        let stored = self
                            .mail
                            .deliver_recorded(&stored, kind, Some(&manage_url))
                            .await;
                        (stored, Some(manage_url))
                    };
                    return Ok(Booked::New {
                        appointment: stored,
                        manage_url,
                    });
                }
                Ok(Created::Replayed(first)) => {
                    tracing::info!(appointment = %first.id, "idempotent replay");
                    let manage_url = self
                        .keys
                        .token_of(&first.id, &first.token_hash)
                        // Under holds only the patron's mailbox sees a link, even once confirmed.
                        .filter(|_| config.policy.hold_minutes == 0 && first.hold_until().is_none())
                        .map(|t| self.ctx.links.manage_url(&first.id, &t));
                    return Ok(Booked::Replayed {
                        appointment: first,
                        manage_url,
                    });
                }
                // With "any", someone took this provider's time: try the next one.
                Err(StoreError::SlotTaken) => continue,
                Err(StoreError::ChallengeUsed) => {
                    let mut errors = FieldErrors::default();
                    errors.push("challenge", FieldCode::Used);
                    return Err(BookError::Invalid(errors));
                }
                Err(StoreError::PatronLimit) => {
                    let max = config.policy.max_active_per_patron;
                    return Err(BookError::TooManyActive { max });
                }
                Err(StoreError::Undeliverable) => {
                    let mut errors = FieldErrors::default();
                    errors.push("customer.email", FieldCode::Undeliverable);
                    return Err(BookError::Invalid(errors));
                }
                Err(StoreError::MailCapped) => {
                    tracing::info!("booking refused: the address had its mail for today");
                    self.ctx.count(Metric::MailCapped);
                    let mut errors = FieldErrors::default();
                    errors.push("customer.email", FieldCode::TooManyMails);
                    return Err(BookError::Invalid(errors));
                }
                Err(StoreError::IdempotencyMismatch) => {
                    return Err(BookError::IdempotencyKeyReused)
                }
                Err(e) => return Err(BookError::Store(e)),
            }
        }
        Err(BookError::SlotTaken)
    }
}
