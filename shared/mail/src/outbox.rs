//! The embedded mailer: each message becomes an `.eml` file in a folder (for `rantevou serve`
//! and tests); staff open them in a mail program or at `/outbox`.

use crate::mime::{build, Sender};
use async_trait::async_trait;
use rantevou_domain::ports::{MailError, Mailer, OutgoingMail};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes mail to a folder.
#[derive(Debug)]
pub struct OutboxMailer {
    dir: PathBuf,
    from: Sender,
    counter: AtomicU64,
}

impl OutboxMailer {
    /// A mailer writing into `dir` (created if missing).
    pub fn new(dir: impl Into<PathBuf>, from: Sender) -> Self {
        OutboxMailer {
            dir: dir.into(),
            from,
            counter: AtomicU64::new(0),
        }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

#[async_trait]
impl Mailer for OutboxMailer {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        let bytes = build(mail, &self.from)?;
        // Named by the mail's date and a counter: listed in the order they were written.
        let n = self.counter.fetch_add(1, Ordering::SeqCst);
        let name = format!("{}-{:06}.eml", mail.date.format("%Y%m%dT%H%M%S%.6fZ"), n);
        let unavailable = |e: std::io::Error| MailError::Unavailable(format!("outbox: {e}"));
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(unavailable)?;
        // Written under a temporary name and renamed, so a reader never sees half a message.
        let tmp = self.dir.join(format!(".{name}.tmp"));
        tokio::fs::write(&tmp, &bytes).await.map_err(unavailable)?;
        tokio::fs::rename(&tmp, self.dir.join(&name))
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}
