//! What the public writes share: the bot check's solution verified (when the library asks for
//! one) against the work the booking rate asks now, and the patron's key.

use crate::context::Context;
use chrono::{DateTime, Duration, Utc};
use rand::rngs::OsRng;
use rantevou_domain::challenge::{
    self, adaptive_difficulty, enough_work, Challenge, SolvedChallenge,
};
use rantevou_domain::patron::{FieldCode, FieldErrors, PatronEmail};
use rantevou_domain::ports::{BookingRate, Metric};
use rantevou_domain::ports::{Resends, StoreError};
use rantevou_domain::{Language, ManageKeys};
use std::sync::Mutex;

/// How long one reading of the booking rate is used before the store is asked again.
pub const RATE_CHECK: Duration = Duration::seconds(10);

/// The bot check's work now: the library's base work, raised with the booking rate across every
/// patron ([`adaptive_difficulty`]). One per process (the context shares it), reading the rate
/// at most every [`RATE_CHECK`] and counting its own bookings in between.
#[derive(Debug, Default)]
pub struct WorkGauge {
    /// The last reading: when, and the bookings of the ten minutes before it.
    last: Mutex<Option<(DateTime<Utc>, u32)>>,
}

impl WorkGauge {
    fn reading(&self) -> Option<(DateTime<Utc>, u32)> {
        *self.last.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn remember(&self, reading: Option<(DateTime<Utc>, u32)>) {
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = reading;
    }

    /// The work a challenge is issued with (and a solution must carry a quarter of) at the
    /// context's now. A failed read of the rate keeps the last one (logged).
    pub(crate) async fn required(&self, ctx: &Context, rate: &dyn BookingRate) -> u64 {
        let policy = &ctx.config.policy;
        let (base, busy) = (
            policy.proof_of_work_difficulty,
            policy.busy_bookings_per_10_minutes,
        );
        if base == 0 || busy == 0 {
            return base;
        }
        let now = ctx.now();
        let fresh = self
            .reading()
            .filter(|(at, _)| *at <= now && now - *at < RATE_CHECK);
        let recent = match fresh {
            Some((_, recent)) => recent,
            None => match rate.recent_bookings(now).await {
                Ok(recent) => {
                    self.remember(Some((now, recent)));
                    recent
                }
                Err(e) => {
                    tracing::warn!(error = %e, "booking rate not read; the last reading stands");
                    self.reading().map_or(0, |(_, recent)| recent)
                }
            },
        };
        adaptive_difficulty(base, busy, recent)
    }

    /// One booking made here: counted in the store (best effort) and in the reading in use.
    pub(crate) async fn counted(&self, ctx: &Context, rate: &dyn BookingRate) {
        if ctx.config.policy.proof_of_work_difficulty == 0 {
            return;
        }
        if let Err(e) = rate.count_booking(ctx.now()).await {
            tracing::warn!(error = %e, "booking not counted in the rate");
        }
        let bumped = self
            .reading()
            .map(|(at, recent)| (at, recent.saturating_add(1)));
        self.remember(bumped);
    }
}

/// A fresh challenge at the work asked now (`None`: the library asks for no bot check).
pub(crate) async fn issue(
    ctx: &Context,
    keys: &ManageKeys,
    rate: &dyn BookingRate,
) -> Option<Challenge> {
    let work = ctx.work.required(ctx, rate).await;
    (work > 0).then(|| challenge::issue(keys, work, ctx.now(), &mut OsRng))
}

/// The solution `payload` verified under `keys` at the context's now, when the library asks for
/// a bot check; else `None` (and the reason on field `challenge` in `errors`, if it asks). A
/// solution of a challenge issued at much less work than is asked now (gathered at a quiet
/// moment) is `expired`: the site fetches a new one.
pub(crate) async fn verify(
    ctx: &Context,
    keys: &ManageKeys,
    rate: &dyn BookingRate,
    payload: Option<&str>,
    errors: &mut FieldErrors,
) -> Option<SolvedChallenge> {
    if ctx.config.policy.proof_of_work_difficulty == 0 {
        return None;
    }
    let Some(payload) = payload.filter(|p| !p.trim().is_empty()) else {
        errors.push("challenge", FieldCode::Required);
        ctx.count(Metric::BotCheckRefused);
        return None;
    };
    let refused = |errors: &mut FieldErrors, code| {
        errors.push("challenge", code);
        ctx.count(Metric::BotCheckRefused);
        None
    };
    match challenge::verify(keys, payload, ctx.now()) {
        Ok(solved) => {
            let required = ctx.work.required(ctx, rate).await;
            if enough_work(&solved, required) {
                Some(solved)
            } else {
                refused(errors, FieldCode::Expired)
            }
        }
        Err(code) => refused(errors, code),
    }
}

/// A patron's key: a keyed digest of the normalised address (the store never sees the
/// address in a key).
pub(crate) fn patron_key(keys: &ManageKeys, email: &PatronEmail) -> String {
    keys.digest("patron", &email.normalized())
}

/// The `email` of a request, or its field error.
pub(crate) fn email_field(raw: Option<&str>, errors: &mut FieldErrors) -> Option<PatronEmail> {
    match raw.map(PatronEmail::parse) {
        Some(Ok(email)) => Some(email),
        Some(Err(code)) => {
            errors.push("email", code);
            None
        }
        None => {
            errors.push("email", FieldCode::Required);
            None
        }
    }
}

/// The `language` of a request (the library's first when left out), or its field error.
pub(crate) fn language_field(
    ctx: &Context,
    raw: Option<&str>,
    errors: &mut FieldErrors,
) -> Option<Language> {
    match raw {
        None | Some("") => Some(ctx.config.library.default_language()),
        Some(code) => code
            .parse::<Language>()
            .map_err(|_| errors.push("language", FieldCode::Invalid))
            .ok(),
    }
}

/// Marks `solved` used (when the library asks for a bot check); used before is the field
/// error of `challenge`, `Ok(Err(..))`.
pub(crate) async fn use_solved(
    store: &dyn Resends,
    solved: Option<&SolvedChallenge>,
) -> Result<Result<(), FieldErrors>, StoreError> {
    let Some(solved) = solved else {
        return Ok(Ok(()));
    };
    match store.use_challenge(solved).await {
        Ok(()) => Ok(Ok(())),
        Err(StoreError::ChallengeUsed) => {
            let mut errors = FieldErrors::default();
            errors.push("challenge", FieldCode::Used);
            Ok(Err(errors))
        }
        Err(e) => Err(e),
    }
}

/// The refusal of an address its owner cannot, or does not want to, get mail at: `Undeliverable`
/// when it bounced for good, `Complained` when they marked our mail as spam.
pub(crate) async fn refused_address(
    store: &dyn Resends,
    patron_key: &str,
) -> Result<Option<FieldCode>, StoreError> {
    Ok(store.suppression(patron_key).await?.map(|s| {
        if s.bounced() {
            FieldCode::Undeliverable
        } else {
            FieldCode::Complained
        }
    }))
}
