//! The use cases of rantevou: what the functions (and `rantevou serve`) do, with no HTTP, no
//! AWS, no SQL, no environment and no clock of their own.
//!
//! | module | use case | ports it is given |
//! |---|---|---|
//! | [`free_slots`] | the catalogue and the free times of a service | [`LockReader`](rantevou_domain::ports::LockReader) |
//! | [`book`] | book a time (one provider or any) and send the confirmation | [`Bookings`](rantevou_domain::ports::Bookings), mail |
//! | [`fetch`] | an appointment, for whoever holds its token | [`Appointments`](rantevou_domain::ports::Appointments) |
//! | [`confirm`] | confirm a held booking and send the confirmation | [`Appointments`](rantevou_domain::ports::Appointments), [`Confirmations`](rantevou_domain::ports::Confirmations), mail |
//! | [`cancel`] | cancel with a reason and send the cancellation | [`Appointments`](rantevou_domain::ports::Appointments), [`Cancellations`](rantevou_domain::ports::Cancellations), mail |
//! | [`reschedule`] | move an appointment to another time and send the "moved" mail | [`Appointments`](rantevou_domain::ports::Appointments), [`Reschedules`](rantevou_domain::ports::Reschedules), mail |
//! | [`resend`] | mail a patron the links of their upcoming appointments again | [`Resends`](rantevou_domain::ports::Resends), [`Mailer`](rantevou_domain::ports::Mailer) |
//! | [`waitlist`] | join a full day's waiting list, leave it, be told once when a time frees | [`Waitlist`](rantevou_domain::ports::Waitlist), [`LockReader`](rantevou_domain::ports::LockReader), [`Mailer`](rantevou_domain::ports::Mailer) |
//! | [`staff`] | the librarian's side: agenda, cancel as staff, send the link, closures, export, a patron's data exported or erased | [`StaffStore`](rantevou_domain::ports::StaffStore), mail |
//! | [`mail`] | deliver a message, and retry what is pending | [`Mailer`](rantevou_domain::ports::Mailer), [`MailLog`](rantevou_domain::ports::MailLog), [`MailQueue`](rantevou_domain::ports::MailQueue); the one scheduler of timed mail (link, reminders) |
//!
//! Each use case is a struct built once by the wiring with only the ports it needs, and each
//! has its own error enum; `rantevou-http` maps those to statuses in one place. The patron's
//! texts come from one catalogue per language ([`texts`]); the mail is rendered by
//! [`messages`].

pub mod book;
mod bot_check;
#[cfg(feature = "calendars")]
pub mod calendars;
pub mod cancel;
pub mod confirm;
pub mod context;
pub mod details;
pub mod feedback;
pub mod fetch;
pub mod free_slots;
mod fresh;
pub mod import;
pub mod mail;
pub mod messages;
pub mod reschedule;
pub mod resend;
pub mod staff;
pub mod statistics;
pub mod texts;
pub mod waitlist;

pub use book::{BookError, BookRequest, Booked, Booking};
pub use bot_check::{WorkGauge, RATE_CHECK};
pub use cancel::{CancelError, CancelState, Cancelled, Cancelling};
pub use confirm::{ConfirmError, ConfirmState, Confirmed, Confirming};
pub use context::{Context, Links, LinksError};
pub use feedback::Recorded;
pub use fetch::{FetchError, Fetching};
pub use free_slots::{FreeSlots, FreeSlotsError, SlotsQuery};
pub use import::{Carried, CarriedOver, CarryError, Importing};
pub use mail::{Delivery, MailDelivery, MailRetry, LEASE};
pub use reschedule::{MoveRequest, RescheduleError, Rescheduling};
pub use resend::{ResendError, ResendRequest, Resending, Resent};
pub use staff::{CalendarHealth, ClosureAdded, Erased, Staff, StaffError};
pub use statistics::{Counted, Counting};
pub use texts::{texts, Texts};
pub use waitlist::{Joined, WaitRequest, WaitlistError, Waitlisting};
