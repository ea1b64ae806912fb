//! What the use-case tests share: a mailer that records (or refuses), and the stores to run on.

use async_trait::async_trait;
use rantevou_domain::ports::{MailError, Mailer, OutgoingMail};
use std::sync::Mutex;

/// Records every mail, or refuses them all (`refuse`).
#[derive(Default)]
pub struct Recorder {
    pub sent: Mutex<Vec<OutgoingMail>>,
    pub refuse: bool,
}

#[async_trait]
impl Mailer for Recorder {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        if self.refuse {
            return Err(MailError::Unavailable("down".into()));
        }
        self.sent.lock().unwrap().push(mail.clone());
        Ok(())
    }
}

impl Recorder {
    /// Everything sent so far, and forgets it.
    pub fn take(&self) -> Vec<OutgoingMail> {
        std::mem::take(&mut *self.sent.lock().unwrap())
    }
}

/// An `.ics` parsed back: its `METHOD` and its one event.
pub fn calendar_event(text: &str) -> (String, icalendar::Event) {
    use icalendar::{Calendar, CalendarComponent};
    let calendar: Calendar = text.parse().expect("the .ics parses");
    let method = calendar.property_value("METHOD").unwrap().to_owned();
    let event = calendar
        .components
        .iter()
        .find_map(|c| match c {
            CalendarComponent::Event(e) => Some(e.clone()),
            _ => None,
        })
        .expect("one event");
    (method, event)
}
