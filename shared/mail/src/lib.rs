//! Mail of rantevou: the seed's two messages (confirmation, cancellation) rendered in the
//! patron's language as text + HTML with an `.ics`, built into MIME with `mail-builder`, and
//! the two adapters of [`rantevou_domain::ports::Mailer`]: SES v2 and an outbox folder.

pub mod calendar;
pub mod message;
pub mod mime;
pub mod outbox;
pub mod ses;

pub use message::{messages, MailKind};
pub use mime::Sender;
pub use outbox::OutboxMailer;
pub use ses::SesMailer;
