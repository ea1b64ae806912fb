//! One library's adapters, built once, and the use cases built from them: each gets only the
//! ports its function may touch (as the function's IAM policy in `template.yaml` allows).

use rantevou_app::{
    Booking, Cancelling, Confirming, Context, Fetching, FreeSlots, Importing, MailDelivery,
    MailRetry, Rescheduling, Resending, Staff, Waitlisting,
};
use rantevou_domain::ports::{Clock, Mailer};
use rantevou_domain::ManageKeys;
use rantevou_store::Store;
use std::sync::Arc;

/// Where mail goes: a mailer already built (the outbox), or SES, whose client is built only
/// for the use cases that send mail.
#[derive(Clone)]
pub(crate) enum Mail {
    #[cfg_attr(not(feature = "local"), allow(dead_code))]
    Built(Arc<dyn Mailer>),
    #[cfg(feature = "ses")]
    Ses {
        sdk: Box<aws_config::SdkConfig>,
        from: rantevou_mail::Sender,
        configuration_set: Option<String>,
    },
    /// A function built without mail (`ses`): it builds no use case that sends any.
    #[cfg(not(feature = "ses"))]
    #[cfg_attr(not(feature = "aws"), allow(dead_code))]
    None,
}

/// A store, a mail route, the manage keys (where the function may read them) and the shared
/// context; the use cases come from here.
#[derive(Clone)]
pub struct Wiring<S> {
    ctx: Context,
    store: Arc<S>,
    mail: Mail,
    keys: Option<Arc<ManageKeys>>,
    /// Where CalDAV calendars' credentials are read.
    #[cfg(feature = "calendars")]
    calendar_secrets: Arc<dyn crate::calendar_fetch::CalendarSecrets>,
}

/// The mailer of a function built without mail: refuses every message (never reached: such a
/// function builds no use case that sends any).
#[cfg(not(feature = "ses"))]
struct NoMail;

#[cfg(not(feature = "ses"))]
#[async_trait::async_trait]
impl Mailer for NoMail {
    async fn send(
        &self,
        _: &rantevou_domain::ports::OutgoingMail,
    ) -> Result<(), rantevou_domain::ports::MailError> {
        Err(rantevou_domain::ports::MailError::Unavailable(
            "this function was built without mail (rantevou-wiring's `ses` feature)".into(),
        ))
    }
}

/// A use case that needs the manage keys, in a process that was given none: it refuses to
/// serve (fail closed) rather than invent a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no manage keys: set RANTEVOU_KEYS_SECRET (AWS) or RANTEVOU_KEYS_FILE")]
pub struct NoKeys;

impl<S: Store + 'static> Wiring<S> {
    #[cfg_attr(not(any(feature = "aws", feature = "local")), allow(dead_code))]
    pub(crate) fn new(
        ctx: Context,
        store: Arc<S>,
        mail: Mail,
        keys: Option<Arc<ManageKeys>>,
    ) -> Self {
        Wiring {
            ctx,
            store,
            mail,
            keys,
            #[cfg(feature = "calendars")]
            calendar_secrets: Arc::new(crate::calendar_fetch::NoSecrets),
        }
    }

    /// The same wiring reading CalDAV calendars' credentials from `secrets`.
    #[cfg(feature = "calendars")]
    pub fn with_calendar_secrets(
        mut self,
        secrets: Arc<dyn crate::calendar_fetch::CalendarSecrets>,
    ) -> Self {
        self.calendar_secrets = secrets;
        self
    }

    fn keys(&self) -> Result<Arc<ManageKeys>, NoKeys> {
        self.keys.clone().ok_or(NoKeys)
    }

    /// The same wiring with mail sent through `mailer` (tests: a failing mailer, SES on moto).
    pub fn with_mailer(mut self, mailer: Arc<dyn Mailer>) -> Self {
        self.mail = Mail::Built(mailer);
        self
    }

    /// The same wiring counting what happens into `metrics` (a Lambda: the embedded metric
    /// format).
    pub fn with_metrics(mut self, metrics: Arc<dyn rantevou_domain::ports::Metrics>) -> Self {
        self.ctx = self.ctx.with_metrics(metrics);
        self
    }

    /// The same wiring with another clock (tests: a later moment on the same store).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.ctx.clock = clock;
        self
    }

    /// The shared context.
    pub fn context(&self) -> &Context {
        &self.ctx
    }

    /// The store (staff tools and tests reach past the use cases here).
    pub fn store(&self) -> &Arc<S> {
        &self.store
    }

    /// Listing free times: the lock reader only.
    pub fn free_slots(&self) -> FreeSlots {
        FreeSlots::new(self.ctx.clone(), self.store.clone())
    }

    /// Booking: the bookings port, mail, and the keys that make manage links.
    pub fn booking(&self) -> Result<Booking, NoKeys> {
        Ok(Booking::new(
            self.ctx.clone(),
            self.store.clone(),
            self.mail_delivery(),
            self.keys()?,
        ))
    }

    /// The resend of a patron's links: the patron index, the mailer, and the keys that make
    /// the links.
    pub fn resending(&self) -> Result<Resending, NoKeys> {
        Ok(Resending::new(
            self.ctx.clone(),
            self.store.clone(),
            self.mailer(),
            self.keys()?,
        ))
    }

    /// Fetching: the appointment reader only.
    pub fn fetching(&self) -> Fetching {
        Fetching::new(self.ctx.clone(), self.store.clone())
    }

    /// Confirming held bookings: the reader, the confirmations port, mail, and the keys that
    /// make the confirmation's manage link.
    pub fn confirming(&self) -> Result<Confirming, NoKeys> {
        Ok(Confirming::new(
            self.ctx.clone(),
            self.store.clone(),
            self.store.clone(),
            self.mail_delivery(),
            self.keys()?,
        ))
    }

    /// Cancelling: the reader, the cancellations port and mail.
    pub fn cancelling(&self) -> Cancelling {
        Cancelling::new(
            self.ctx.clone(),
            self.store.clone(),
            self.store.clone(),
            self.mail_delivery(),
        )
    }

    /// The waiting list: its store, the free times, mail, and the keys of the leave links.
    pub fn waitlisting(&self) -> Result<Waitlisting, NoKeys> {
        Ok(Waitlisting::new(
            self.ctx.clone(),
            self.store.clone(),
            self.store.clone(),
            self.free_slots(),
            self.mailer(),
            self.keys()?,
        ))
    }

    /// Moving appointments: the reader, the reschedules port, mail, and the keys that make the
    /// "moved" mail's manage link.
    pub fn rescheduling(&self) -> Result<Rescheduling, NoKeys> {
        Ok(Rescheduling::new(
            self.ctx.clone(),
            self.store.clone(),
            self.store.clone(),
            self.mail_delivery(),
            self.keys()?,
        ))
    }

    /// The staff operations: the whole store (staff are trusted with it), mail, and the keys
    /// (links in mail, a patron's key).
    pub fn staff(&self) -> Result<Staff, NoKeys> {
        Ok(Staff::new(
            self.ctx.clone(),
            self.store.clone(),
            self.mail_delivery(),
            self.keys()?,
        ))
    }

    /// Bringing appointments over from another system (`rantevou import`): the booking write,
    /// the reads, the mailer and the keys.
    pub fn importing(&self) -> Result<Importing, NoKeys> {
        Ok(Importing::new(
            self.ctx.clone(),
            self.store.clone(),
            self.store.clone(),
            self.mail_delivery(),
            self.keys()?,
        ))
    }

    /// Sending one appointment's mail: the mailer and the mail log.
    pub fn mail_delivery(&self) -> MailDelivery {
        MailDelivery::new(self.ctx.clone(), self.mailer(), self.store.clone())
    }

    /// The one scheduler: the retry of pending mail (delivery, the mail queue, the keys that
    /// re-derive links), the waiting list's notices, and what the mail service says of the
    /// messages (bounces, complaints: the suppressions), and the count of ended appointments
    /// for the statistics.
    pub fn mail_retry(&self) -> Result<MailRetry, NoKeys> {
        let waitlist = self.waitlisting()?;
        let retry = MailRetry::new(self.mail_delivery(), self.store.clone(), self.keys()?)
            .with_waitlist(waitlist)
            .with_suppressions(self.store.clone())
            .with_counting(rantevou_app::Counting::new(
                self.ctx.clone(),
                self.store.clone(),
            ));
        // The librarians' calendars, when any provider has one.
        #[cfg(feature = "calendars")]
        let retry = if self
            .ctx
            .config
            .providers
            .iter()
            .any(|p| p.calendar.is_some())
        {
            retry.with_calendars(rantevou_app::calendars::CalendarSync::new(
                self.ctx.clone(),
                Arc::new(crate::calendar_fetch::HttpCalendars::new(
                    self.calendar_secrets.clone(),
                )),
                self.store.clone(),
            ))
        } else {
            retry
        };
        Ok(retry)
    }

    fn mailer(&self) -> Arc<dyn Mailer> {
        match &self.mail {
            Mail::Built(mailer) => Arc::clone(mailer),
            #[cfg(feature = "ses")]
            Mail::Ses {
                sdk,
                from,
                configuration_set,
            } => Arc::new(rantevou_mail::SesMailer::new(
                aws_sdk_sesv2::Client::new(sdk),
                from.clone(),
                configuration_set.clone(),
            )),
            #[cfg(not(feature = "ses"))]
            Mail::None => Arc::new(NoMail),
        }
    }
}
