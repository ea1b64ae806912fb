//! The mail adapters of rantevou, both implementing [`rantevou_domain::ports::Mailer`]: SES v2
//! (production) and an outbox folder of `.eml` files (`rantevou serve`, tests). Both send the
//! same bytes, built with `mail-builder` ([`mime`]); the messages themselves are rendered by
//! `rantevou-app`.

pub mod mime;
pub mod outbox;
pub mod ses;

pub use mime::Sender;
pub use outbox::OutboxMailer;
pub use ses::SesMailer;
