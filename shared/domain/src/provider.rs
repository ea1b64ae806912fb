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
    /// Where its consultations take place: the video-call link's source.
    pub meeting: Meeting,
    /// The librarian's own calendar, whose busy times the scheduler reads into the store
    /// (`calendar` in `library.toml`); `None`: only rantevou's bookings and closures count.
    pub calendar: Option<Calendar>,
}

/// Where a provider's own calendar is read from (`calendar` in `library.toml`).
#[derive(Clone, PartialEq, Eq)]
pub enum Calendar {
    /// A published ICS address (Outlook's "publish calendar", Google's "address in iCal
    /// format", Apple's public calendar): `{ kind = "ics", url = "https://…" }`. Plain `http`
    /// only on a loopback address (tests, `rantevou serve`).
    Ics {
        /// The address. It may hold a secret token (Google's "secret address"): it is never
        /// logged nor shown; only its host is.
        url: url::Url,
    },
    /// A CalDAV calendar collection (Nextcloud, Radicale, Xandikos, iCloud, Fastmail, …): its
    /// events in the booking window read with a `calendar-query` REPORT:
    /// `{ kind = "caldav", url = "https://…/calendars/sip/work/", secret = "rantevou-calendar/sip" }`.
    CalDav {
        /// The collection's address (same rules as an ICS address).
        url: url::Url,
        /// The name of the secret holding `user:password` for HTTP Basic authentication (in
        /// Secrets Manager on AWS, in the local secrets file otherwise); `None`: the server
        /// asks for none.
        secret: Option<String>,
    },
}

/// What a calendar's secret's name must begin with: on AWS the scheduler may read only the
/// Secrets Manager secrets so named.
pub const CALENDAR_SECRET_PREFIX: &str = "rantevou-calendar/";

impl Calendar {
    /// The host its address names, the one host the scheduler may fetch from.
    pub fn host(&self) -> &str {
        self.url().host_str().unwrap_or("")
    }

    /// The address read.
    pub fn url(&self) -> &url::Url {
        match self {
            Calendar::Ics { url } | Calendar::CalDav { url, .. } => url,
        }
    }

    /// `ics` or `caldav`, as in `library.toml`.
    pub fn kind(&self) -> &'static str {
        match self {
            Calendar::Ics { .. } => "ics",
            Calendar::CalDav { .. } => "caldav",
        }
    }
}

impl std::fmt::Debug for Calendar {
    /// The kind and host only: the address may be a secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Calendar({}, {})", self.kind(), self.host())
    }
}

/// Where a provider's video calls take place (`meeting` in `library.toml`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Meeting {
    /// One room for every appointment (e.g. a Zoom room with a waiting room, as the seed's
    /// library uses): `{ kind = "fixed", url = "https://…" }`.
    Fixed {
        /// The room's link.
        url: String,
    },
    /// A fresh Jitsi room per appointment, its name unguessable and stable for that
    /// appointment: `{ kind = "jitsi", base_url = "https://meet.jit.si" }`.
    Jitsi {
        /// The Jitsi server, without a trailing slash.
        base_url: String,
    },
    /// Staff send the link themselves (`rantevou send-link`): `{ kind = "manual" }`, and the
    /// default.
    Manual,
}

impl Meeting {
    /// The link of a new appointment's room, if the library knows it at booking: the fixed
    /// room, or a Jitsi room named by 128 random bits (`rantevou-<32 hex digits>`).
    pub fn link_for<R: rand::RngCore + rand::CryptoRng>(&self, rng: &mut R) -> Option<String> {
        match self {
            Meeting::Fixed { url } => Some(url.clone()),
            Meeting::Jitsi { base_url } => {
                let mut bytes = [0u8; 16];
                rng.fill_bytes(&mut bytes);
                let room: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
                Some(format!("{base_url}/rantevou-{room}"))
            }
            Meeting::Manual => None,
        }
    }
}
