//! A connection that must keep taking what the server writes: a write that makes no progress
//! for [`WRITE_TIMEOUT`] fails, and the connection closes. Without it a client that sends
//! requests (pipelined, many) and never reads their answers holds its connection, and enough of
//! them hold every place the server has.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{sleep, Sleep};

/// Longest a write may wait for the client to read.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// `S` whose writes time out after `timeout` without progress.
pub struct WriteTimeout<S> {
    inner: S,
    timeout: Duration,
    stalled: Option<Pin<Box<Sleep>>>,
}

impl<S> WriteTimeout<S> {
    /// `inner`, its writes bounded by `timeout`.
    pub fn new(inner: S, timeout: Duration) -> Self {
        WriteTimeout {
            inner,
            timeout,
            stalled: None,
        }
    }

    /// After a write that did not progress: pending until the deadline, then an error.
    fn wait(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Error> {
        let timeout = self.timeout;
        let stalled = self.stalled.get_or_insert_with(|| Box::pin(sleep(timeout)));
        match stalled.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the client stopped reading",
            )),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for WriteTimeout<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

macro_rules! timed {
    ($self:ident, $cx:ident, $call:expr) => {{
        match $call {
            Poll::Ready(result) => {
                $self.stalled = None;
                Poll::Ready(result)
            }
            Poll::Pending => match $self.wait($cx) {
                Poll::Ready(e) => Poll::Ready(Err(e)),
                Poll::Pending => Poll::Pending,
            },
        }
    }};
}

impl<S: AsyncWrite + Unpin> AsyncWrite for WriteTimeout<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = &mut *self;
        timed!(this, cx, Pin::new(&mut this.inner).poll_write(cx, buf))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let this = &mut *self;
        timed!(this, cx, Pin::new(&mut this.inner).poll_flush(cx))
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let this = &mut *self;
        timed!(this, cx, Pin::new(&mut this.inner).poll_shutdown(cx))
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let this = &mut *self;
        timed!(
            this,
            cx,
            Pin::new(&mut this.inner).poll_write_vectored(cx, bufs)
        )
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    #[tokio::test]
    async fn a_write_the_client_never_takes_fails_after_the_timeout() {
        // A pipe whose reader never reads: its buffer fills, then every write waits.
        let (client, server) = tokio::io::duplex(64);
        let mut timed = WriteTimeout::new(server, Duration::from_millis(200));
        let started = tokio::time::Instant::now();
        let err = loop {
            if let Err(e) = timed.write_all(&[b'x'; 1024]).await {
                break e;
            }
        };
        assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
        assert!(started.elapsed() >= Duration::from_millis(200));
        drop(client);
    }

    #[tokio::test]
    async fn a_client_that_reads_keeps_its_connection() {
        let (mut client, server) = tokio::io::duplex(64);
        let mut timed = WriteTimeout::new(server, Duration::from_millis(500));
        let reader = tokio::spawn(async move {
            use tokio::io::AsyncReadExt;
            let mut total = 0;
            let mut buf = [0u8; 16];
            while total < 1024 {
                tokio::time::sleep(Duration::from_millis(20)).await;
                total += client.read(&mut buf).await.unwrap();
            }
            total
        });
        // Slowly read, but read: every write makes progress within the timeout.
        for _ in 0..16 {
            timed.write_all(&[b'y'; 64]).await.unwrap();
        }
        drop(timed);
        assert!(reader.await.unwrap() >= 1024);
    }
}
