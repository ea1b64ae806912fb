//! The mail adapters of rantevou, both implementing [`rantevou_domain::ports::Mailer`], each
//! behind its feature: SES v2 (`ses`: production) and an outbox folder of `.eml` files
//! (`outbox`: `rantevou serve`, tests). Both send the same bytes, built with `mail-builder`
//! ([`mime`]); the messages themselves are rendered by `rantevou-app`.

pub mod mime;
#[cfg(feature = "outbox")]
pub mod outbox;
#[cfg(feature = "ses")]
pub mod ses;

pub use mime::Sender;
#[cfg(feature = "outbox")]
pub use outbox::{prune as prune_outbox, OutboxMailer};
#[cfg(feature = "ses")]
pub use ses::SesMailer;
