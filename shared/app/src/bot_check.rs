//! What the public writes share: the bot check's solution verified (when the library asks for
//! one), and the patron's key.

use crate::context::Context;
use rantevou_domain::challenge::{self, SolvedChallenge};
use rantevou_domain::patron::{FieldCode, FieldErrors, PatronEmail};
use rantevou_domain::ManageKeys;

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
        return None;
    };
    challenge::verify(keys, payload, ctx.now())
        .map_err(|code| errors.push("challenge", code))
        .ok()
}

/// A patron's key: a keyed digest of the normalised address (the store never sees the
/// address in a key).
pub(crate) fn patron_key(keys: &ManageKeys, email: &PatronEmail) -> String {
    keys.digest("patron", &email.normalized())
}
