//! Who staff are and what they may reach: the signed-in person (from the sign-in's claims),
//! the providers `library.toml` may limit them to, and the audit record of what they did.

use crate::ids::ProviderId;
use chrono::{DateTime, Utc};

/// The group (Cognito's `cognito:groups` claim, or the local key's claims) that lets a person
/// into the staff console and the `/api/staff` routes.
pub const STAFF_GROUP: &str = "staff";

/// The audit subject of what concerns the whole library (closures, exports, a patron's data).
pub const LIBRARY_SUBJECT: &str = "library";

/// Limits of staff to some providers (`[staff] providers` in `library.toml`): an email address
/// or `group:<name>` mapped to the providers they see. Staff listed nowhere see every provider.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StaffAccess {
    /// Who (a lower-case address, or `group:<name>`) and which providers.
    pub limits: Vec<(String, Vec<ProviderId>)>,
}

impl StaffAccess {
    /// The providers a person with `email` in `groups` may see: `None` for every provider, or
    /// the union of every limit naming them.
    pub fn providers_for(&self, email: Option<&str>, groups: &[String]) -> Option<Vec<ProviderId>> {
        let email = email.map(str::to_lowercase);
        let mut found: Option<Vec<ProviderId>> = None;
        for (who, providers) in &self.limits {
            let applies = match who.strip_prefix("group:") {
                Some(group) => groups.iter().any(|g| g == group),
                None => email.as_deref() == Some(who.as_str()),
            };
            if applies {
                let list = found.get_or_insert_with(Vec::new);
                for p in providers {
                    if !list.contains(p) {
                        list.push(p.clone());
                    }
                }
            }
        }
        found
    }
}

/// The person doing a staff operation, and what they may reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Who, as the audit record names them: the signed-in address (or the account's id), or
    /// `cli:<user>` for the staff commands.
    pub who: String,
    /// The providers they may see (`None`: every provider, and the library-wide operations).
    pub providers: Option<Vec<ProviderId>>,
}

impl Actor {
    /// Someone who may reach everything (the staff commands, run with the store's credentials).
    pub fn unrestricted(who: impl Into<String>) -> Actor {
        Actor {
            who: who.into(),
            providers: None,
        }
    }

    /// Whether they may see `provider`'s appointments.
    pub fn may_see(&self, provider: &ProviderId) -> bool {
        match &self.providers {
            None => true,
            Some(list) => list.contains(provider),
        }
    }

    /// Whether they may do what concerns the whole library (closures, a patron's data).
    pub fn is_unrestricted(&self) -> bool {
        self.providers.is_none()
    }
}

/// One line of the audit record: who did what, when, to which appointment (or the library).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AuditEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// Who ([`Actor::who`]).
    pub who: String,
    /// What, a stable word: `cancel`, `meeting-link`, `attendance`, `mail-retry`,
    /// `closure-add`, `closure-remove`, `export`, `patron-export`, `patron-erase`.
    pub action: String,
    /// An appointment's id, or [`LIBRARY_SUBJECT`].
    pub subject: String,
    /// The particulars staff gave (a reason, a link, a range); never a patron's address.
    pub detail: String,
}
