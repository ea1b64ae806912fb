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

/// Deletes the messages of the outbox at `dir` written before `before` (by the date their name
/// starts with, the mail's date); answers how many went. A missing folder holds nothing.
pub async fn prune(dir: &Path, before: chrono::DateTime<chrono::Utc>) -> std::io::Result<usize> {
    // Names start with the date, fixed width, so comparing the text compares the times.
    let cutoff = before.format("%Y%m%dT%H%M%S").to_string();
    let mut entries = match tokio::fs::read_dir(dir).await {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let mut gone = 0;
    while let Some(entry) = entries.next_entry().await? {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let written = name.trim_start_matches('.');
        let stale = written.get(..cutoff.len()).is_some_and(|date| {
            date.bytes().all(|b| b.is_ascii_digit() || b == b'T') && date < cutoff.as_str()
        });
        if stale && (name.ends_with(".eml") || name.ends_with(".tmp")) {
            tokio::fs::remove_file(entry.path()).await?;
            gone += 1;
        }
    }
    Ok(gone)
}

#[async_trait]
impl Mailer for OutboxMailer {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        let bytes = build(mail, &self.from)?;
        // Named by the mail's date and a counter: listed in the order they were written.
        let n = self.counter.fetch_add(1, Ordering::SeqCst);
        let name = format!("{}-{:06}.eml", mail.date.format("%Y%m%dT%H%M%S%.6fZ"), n);
        let unavailable = |e: std::io::Error| MailError::Unavailable(format!("outbox: {e}"));
        let dir = self.dir.clone();
        // One trip to the blocking pool for the whole write (`tokio::fs` makes one per call;
        // those thread hops were most of a mail's cost in the booking's profile).
        tokio::task::spawn_blocking(move || {
            std::fs::create_dir_all(&dir)?;
            // Written under a temporary name and renamed, so a reader never sees half a message.
            let tmp = dir.join(format!(".{name}.tmp"));
            std::fs::write(&tmp, &bytes)?;
            std::fs::rename(&tmp, dir.join(&name))
        })
        .await
        .map_err(|e| MailError::Unavailable(format!("outbox: the write stopped: {e}")))?
        .map_err(unavailable)?;
        Ok(())
    }
}
