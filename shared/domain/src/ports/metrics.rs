//! What happened, counted: the service's own metrics (CloudWatch's embedded metric format in
//! AWS, through the wiring; nothing locally). Never a patron's data: a metric is a name and a
//! count.

/// One thing that is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    /// A booking made (or a hold).
    Bookings,
    /// An appointment cancelled, by the patron or staff.
    Cancellations,
    /// An appointment moved by its patron.
    Moves,
    /// A waiting address told that a time freed.
    WaitlistNotices,
    /// A message to a patron handed to the mail service.
    MailSent,
    /// A message that failed (to be tried again, or given up).
    MailFailed,
    /// A message that bounced for good.
    MailBounced,
    /// A message its recipient complained of.
    MailComplained,
    /// A booking, move, resend or waiting-list join refused by the bot check.
    BotCheckRefused,
    /// A run of the scheduler (its heartbeat: an alarm fires when it stops).
    SchedulerRuns,
    /// A booking, move, join or resend refused (or not mailed) because its address had as
    /// much unasked mail that day as the library allows.
    MailCapped,
}

impl Metric {
    /// Every metric (the dashboard in `template.yaml` shows exactly these; a test says so).
    pub const ALL: [Metric; 11] = [
        Metric::Bookings,
        Metric::Cancellations,
        Metric::Moves,
        Metric::WaitlistNotices,
        Metric::MailSent,
        Metric::MailFailed,
        Metric::MailBounced,
        Metric::MailComplained,
        Metric::BotCheckRefused,
        Metric::SchedulerRuns,
        Metric::MailCapped,
    ];

    /// Its name in the `rantevou` namespace.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Bookings => "Bookings",
            Metric::Cancellations => "Cancellations",
            Metric::Moves => "Moves",
            Metric::WaitlistNotices => "WaitlistNotices",
            Metric::MailSent => "MailSent",
            Metric::MailFailed => "MailFailed",
            Metric::MailBounced => "MailBounced",
            Metric::MailComplained => "MailComplained",
            Metric::BotCheckRefused => "BotCheckRefused",
            Metric::SchedulerRuns => "SchedulerRuns",
            Metric::MailCapped => "MailCapped",
        }
    }
}

/// Where counts go.
pub trait Metrics: Send + Sync {
    /// `n` more of `metric`.
    fn count(&self, metric: Metric, n: u64);
}

/// Counts nowhere (local runs, tests).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoMetrics;

impl Metrics for NoMetrics {
    fn count(&self, _: Metric, _: u64) {}
}
