//! What the public writes share: the bot check's solution verified (when the library asks for
//! one), and the patron's key.

use crate::context::Context;
use rantevou_domain::challenge::{self, SolvedChallenge};
use rantevou_domain::patron::{FieldCode, FieldErrors, PatronEmail};
use rantevou_domain::ports::Metric;
use rantevou_domain::ports::{Resends, StoreError};
use rantevou_domain::{Language, ManageKeys};

/// The solution `payload` verified under `keys` at the context's now, when the library asks for
/// a bot check; else `None` (and the reason on field `challenge` in `errors`, if it asks).
pub(crate) fn verify(
    ctx: &Context,
    keys: &ManageKeys,
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
    challenge::verify(keys, payload, ctx.now())
        .map_err(|code| {
            errors.push("challenge", code);
            ctx.count(Metric::BotCheckRefused);
        })
        .ok()
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
