//! The outbox phase of the load driver (`--outbox URL DIR`, see `infra/bin/load-outbox`).

use crate::{booking, count, drive, print_table, Client, Failure, Phase};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// Mails in the outbox for [`outbox_load`].
const OUTBOX_MAILS: usize = 2_000;

/// `/api/services` from one client, alone and while four clients reload the outbox's first
/// page (the outbox topped up to [`OUTBOX_MAILS`] with copies of a real booking's mail):
/// the outbox's file reads must not hold up the API.
pub(crate) fn outbox_load(base: &str, url: &str, dir: &std::path::Path) -> Result<(), Failure> {
    let emls = |dir: &std::path::Path| -> Result<Vec<std::path::PathBuf>, Failure> {
        let mut found: Vec<_> = std::fs::read_dir(dir)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        found.sort();
        Ok(found)
    };
    if !dir.exists() || emls(dir)?.is_empty() {
        // One real booking, for a real confirmation mail to copy.
        let probe = Client::new(base);
        let (_, body) = probe.send("GET", "/api/availability?service=mylibrarylive", &[], "");
        let v: serde_json::Value = serde_json::from_str(&body)?;
        let start = v["days"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|d| d["slots"].as_array().into_iter().flatten())
            .find_map(|s| s["start"].as_str())
            .ok_or("no free time to book")?
            .to_owned();
        let challenge = rantevou_testkit::solved_challenge(base);
        let headers = [("Content-Type", "application/json")];
        let (status, _) = probe.send(
            "POST",
            "/api/appointments",
            &headers,
            &booking(&start, 0, Some(&challenge)),
        );
        if status != 201 {
            return Err(format!("the seed booking answered {status}").into());
        }
    }
    let found = emls(dir)?;
    let model = found.first().ok_or("no mail in the outbox")?;
    for i in found.len()..OUTBOX_MAILS {
        // Older than any real mail: named by a send time in 2020, as the outbox names them.
        let name = format!("20200101T000000.{i:06}Z-{i:06}.eml");
        std::fs::copy(model, dir.join(name))?;
    }
    let mails = emls(dir)?.len();
    let path = url
        .strip_prefix(base)
        .ok_or("the outbox URL is not on the server")?
        .to_owned();
    let requests = 2_000;
    let services = |_| ("GET".to_owned(), "/api/services".to_owned(), None);
    let (latencies, statuses, elapsed) = drive(base, 1, requests, services);
    let mut phases = vec![Phase {
        name: "/api/services, alone".into(),
        clients: 1,
        latencies,
        elapsed,
        outcome: format!("{} × 200", count(&statuses, 200)),
        cpu: None,
    }];
    let stop = std::sync::atomic::AtomicBool::new(false);
    let readers = 4;
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..readers)
            .map(|_| {
                let (stop, path) = (&stop, &path);
                s.spawn(move || {
                    let client = Client::new(base);
                    let mut seen = Vec::new();
                    while !stop.load(Ordering::Relaxed) {
                        let t = Instant::now();
                        let (status, _) = client.send("GET", path, &[], "");
                        seen.push((t.elapsed(), status));
                    }
                    seen
                })
            })
            .collect();
        let started = Instant::now();
        let (latencies, statuses, elapsed) = drive(base, 1, requests, services);
        phases.push(Phase {
            name: format!("/api/services, while {readers} clients reload /outbox"),
            clients: 1,
            latencies,
            elapsed,
            outcome: format!("{} × 200", count(&statuses, 200)),
            cpu: None,
        });
        stop.store(true, Ordering::Relaxed);
        let seen: Vec<(Duration, u16)> = workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect();
        let (latencies, statuses): (Vec<Duration>, Vec<u16>) = seen.into_iter().unzip();
        phases.push(Phase {
            name: format!("/outbox first page, {mails} mails"),
            clients: readers,
            latencies,
            elapsed: started.elapsed(),
            outcome: format!("{} × 200", count(&statuses, 200)),
            cpu: None,
        });
    });
    print_table(phases);
    Ok(())
}
