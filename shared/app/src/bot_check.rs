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
/// at most every [`RATE_CHECK`] and counting its own bookings in between. Those bookings are
/// added to the store's count when the rate is read next, not by the booking itself: no
/// booking's answer waits for the counter (on DynamoDB one `UpdateItem` per instance every
/// [`RATE_CHECK`] at most, instead of one per booking).
#[derive(Debug, Default)]
pub struct WorkGauge {
    state: Mutex<Gauge>,
}

#[derive(Debug, Default)]
struct Gauge {
    /// The last reading: when, and the bookings of the ten minutes before it (with this
    /// process's own since then).
    last: Option<(DateTime<Utc>, u32)>,
    /// This process's bookings not yet counted in the store.
    uncounted: u32,
}

impl WorkGauge {
    fn state(&self) -> std::sync::MutexGuard<'_, Gauge> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
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
            .state()
            .last
            .filter(|(at, _)| *at <= now && now - *at < RATE_CHECK);
        let recent = match fresh {
            Some((_, recent)) => recent,
            None => self.read(now, rate).await,
        };
        adaptive_difficulty(base, busy, recent)
    }

    /// The store's rate at `now`, after counting this process's bookings there.
    async fn read(&self, now: DateTime<Utc>, rate: &dyn BookingRate) -> u32 {
        let uncounted = std::mem::take(&mut self.state().uncounted);
        if uncounted > 0 {
            if let Err(e) = rate.count_bookings(now, uncounted).await {
                tracing::warn!(error = %e, "bookings not counted in the rate; kept for the next reading");
                let mut state = self.state();
                state.uncounted = state.uncounted.saturating_add(uncounted);
            }
        }
        match rate.recent_bookings(now).await {
            Ok(recent) => {
                self.state().last = Some((now, recent));
                recent
            }
            Err(e) => {
                tracing::warn!(error = %e, "booking rate not read; the last reading stands");
                self.state().last.map_or(0, |(_, recent)| recent)
            }
        }
    }

    /// One booking made here: in the reading in use at once, in the store's count at the
    /// next reading.
    pub(crate) fn counted(&self, ctx: &Context) {
        let policy = &ctx.config.policy;
        if policy.proof_of_work_difficulty == 0 || policy.busy_bookings_per_10_minutes == 0 {
            return;
        }
        let mut state = self.state();
        state.uncounted = state.uncounted.saturating_add(1);
        if let Some((_, recent)) = state.last.as_mut() {
            *recent = recent.saturating_add(1);
        }
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
