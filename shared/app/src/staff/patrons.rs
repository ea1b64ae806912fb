//! A patron's data, on their request: everything stored about an address exported, or erased
//! (upcoming appointments cancelled and mailed, then every appointment anonymised).

use super::{invalid, staff_reason, Erased, Staff, StaffError, Subject, ERASED_EMAIL, ERASED_NAME};
use crate::fresh::update_fresh;
use rantevou_domain::appointment::{Appointment, MailKind, Status};
use rantevou_domain::patron::{FreeText, PatronEmail, PatronName};
use rantevou_domain::staff::Actor;

impl Staff {
    /// Every appointment stored about `email` (past and future, any status), for a patron's
    /// request to see their data (written to the audit record, without the address).
    pub async fn patron_export(
        &self,
        by: &Actor,
        email: &str,
    ) -> Result<Vec<Appointment>, StaffError> {
        let list = self.patron_appointments(by, email).await?;
        let detail = format!("{} appointment(s)", list.len());
        self.audit(by, "patron-export", Subject::Library, detail)
            .await;
        Ok(list)
    }

    /// Every appointment stored about `email` (past and future, any status).
    async fn patron_appointments(
        &self,
        by: &Actor,
        email: &str,
    ) -> Result<Vec<Appointment>, StaffError> {
        if !by.is_unrestricted() {
            return Err(StaffError::Forbidden(
                "a patron's data concerns every provider",
            ));
        }
        let email = PatronEmail::parse(email)
            .map_err(|_| invalid("email", format!("{email:?} is not an email address")))?;
        let key = crate::bot_check::patron_key(&self.keys, &email);
        let mut all = self.store.of_patron(&key).await?;
        all.retain(|a| !a.is_expired(self.ctx.now()));
        Ok(all)
    }

    /// Erases `email`'s personal data: upcoming appointments are cancelled (the patron mailed,
    /// with `reason`), and every appointment whose mail is all sent keeps no name, address,
    /// phone, topic or reason.
    pub async fn erase_patron(
        &self,
        by: &Actor,
        email: &str,
        reason: &str,
    ) -> Result<Erased, StaffError> {
        let reason = staff_reason(reason)?;
        let now = self.ctx.now();
        let mut report = Erased::default();
        for a in self.patron_appointments(by, email).await? {
            let a = if a.start > now && !matches!(a.status, Status::Cancelled { .. }) {
                report.cancelled += 1;
                self.cancel_found(a, &reason).await?
            } else {
                a
            };
            // A confirmation still pending on a cancelled appointment will never go (stale);
            // a cancellation still pending must reach the patron's real address first.
            if a.mail_pending(MailKind::Cancellation) && a.delivery.failure.is_none() {
                report.waiting_for_mail += 1;
                continue;
            }
            self.anonymise(a).await?;
            report.anonymised += 1;
        }
        let detail = format!(
            "cancelled {}, anonymised {}, waiting for mail {}",
            report.cancelled, report.anonymised, report.waiting_for_mail
        );
        self.audit(by, "patron-erase", Subject::Library, detail)
            .await;
        Ok(report)
    }

    async fn anonymise(&self, a: Appointment) -> Result<(), StaffError> {
        let name = PatronName::parse(ERASED_NAME).map_err(|_| invalid("name", "unparsable"))?;
        let email = PatronEmail::parse(ERASED_EMAIL).map_err(|_| invalid("email", "unparsable"))?;
        let anonymised = |mut next: Appointment| {
            next.patron.customer.name = name.clone();
            next.patron.customer.email = email.clone();
            next.patron.customer.phone = None;
            next.patron.notes = FreeText::default();
            next.answers.clear();
            next.patron_key = None;
            // Started or cancelled: its place among the patron's is free already.
            next.patron_place = None;
            next.pending_mail.clear();
            next.meeting.due = None;
            next.reminders.clear();
            next.delivery = Default::default();
            if let Status::Cancelled { reason, .. } = &mut next.status {
                *reason = FreeText::default();
            }
            next
        };
        update_fresh(&*self.store, a, self.ctx.now(), anonymised).await?;
        Ok(())
    }
}
