//! Load against a running `rantevou serve` (see `infra/bin/load`, which starts one):
//! availability reads as the site makes them (one month), bookings spread over every free
//! time, and a stampede of clients on one time, which must end with exactly one booking.
//!
//! `cargo run --release -p rantevou --example load-http -- http://127.0.0.1:8080 [clients] [reads] [stampede]`
//!
//! Each client keeps one HTTP/1.1 connection, as a browser does. Prints a Markdown table.

use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// One keep-alive HTTP/1.1 connection.
struct Client {
    host: String,
    stream: BufReader<TcpStream>,
}

impl Client {
    async fn connect(host: &str) -> Result<Client, Failure> {
        let stream = TcpStream::connect(host).await?;
        stream.set_nodelay(true)?;
        Ok(Client {
            host: host.to_owned(),
            stream: BufReader::new(stream),
        })
    }

    /// Sends one request and reads the whole answer: (status, body).
    async fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Result<(u16, String), Failure> {
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\n",
            self.host,
            body.len()
        );
        for (k, v) in headers {
            request.push_str(&format!("{k}: {v}\r\n"));
        }
        request.push_str("\r\n");
        request.push_str(body);
        self.stream.get_mut().write_all(request.as_bytes()).await?;
        let mut line = String::new();
        self.stream.read_line(&mut line).await?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("bad status line {line:?}"))?;
        let mut length = 0usize;
        loop {
            line.clear();
            self.stream.read_line(&mut line).await?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse()?;
                }
            }
        }
        let mut body = vec![0; length];
        self.stream.read_exact(&mut body).await?;
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    }
}

/// Latencies of one phase, and how long it took in all.
struct Phase {
    name: String,
    clients: usize,
    latencies: Vec<Duration>,
    elapsed: Duration,
    outcome: String,
}

impl Phase {
    fn row(&mut self) -> String {
        self.latencies.sort();
        let pick = |q: f64| {
            let i = ((self.latencies.len() as f64 - 1.0) * q).round() as usize;
            self.latencies
                .get(i)
                .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
        };
        let rate = self.latencies.len() as f64 / self.elapsed.as_secs_f64();
        format!(
            "| {} | {} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} | {} |",
            self.name,
            self.clients,
            self.latencies.len(),
            rate,
            pick(0.5),
            pick(0.9),
            pick(0.99),
            pick(1.0),
            self.outcome
        )
    }
}

/// `total` requests made by `clients` connections; `request(i)` is the i-th.
async fn drive<F>(
    host: &str,
    clients: usize,
    total: usize,
    request: F,
) -> Result<(Vec<Duration>, Vec<u16>, Duration), Failure>
where
    F: Fn(usize) -> (String, String, Option<String>) + Send + Sync + 'static,
{
    let request = Arc::new(request);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (request, next, host) = (Arc::clone(&request), Arc::clone(&next), host.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut client = Client::connect(&host).await?;
            let mut seen = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= total {
                    return Ok::<_, Failure>(seen);
                }
                let (method, path, body) = request(i);
                let key = format!("load-{i}-{}", std::process::id());
                let mut headers = vec![("Content-Type", "application/json")];
                if body.is_some() {
                    headers.push(("Idempotency-Key", key.as_str()));
                }
                let t = Instant::now();
                let (status, _) = client
                    .send(&method, &path, &headers, body.as_deref().unwrap_or(""))
                    .await?;
                seen.push((t.elapsed(), status));
            }
        }));
    }
    let mut latencies = Vec::new();
    let mut statuses = Vec::new();
    for task in tasks {
        for (latency, status) in task.await?? {
            latencies.push(latency);
            statuses.push(status);
        }
    }
    Ok((latencies, statuses, started.elapsed()))
}

fn count(statuses: &[u16], code: u16) -> usize {
    statuses.iter().filter(|s| **s == code).count()
}

fn booking(start: &str, n: usize) -> String {
    serde_json::json!({
        "service": "mylibrarylive", "provider": "any", "start": start,
        "customer": {"name": format!("Load {n}"), "email": format!("load{n}@example.org"), "phone": "2310891000"},
        "notes": "load test", "language": "el", "accept_terms": true, "accept_privacy": true
    })
    .to_string()
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().collect();
    let base = args.get(1).map_or("http://127.0.0.1:8080", String::as_str);
    let clients: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(16);
    let reads: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(20_000);
    let stampede: usize = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(200);
    let host = base
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();

    // What can be booked: the whole horizon, in two requests of at most 62 days.
    let mut probe = Client::connect(&host).await?;
    let (_, services) = probe.send("GET", "/api/services", &[], "").await?;
    let services: serde_json::Value = serde_json::from_str(&services)?;
    let horizon = services["policy"]["horizon_days"].as_u64().unwrap_or(60);
    let today = chrono::Utc::now().date_naive();
    let mut free: Vec<String> = Vec::new();
    let mut from = today;
    while from <= today + chrono::Days::new(horizon) {
        let to = from + chrono::Days::new(61);
        let (_, body) = probe
            .send(
                "GET",
                &format!("/api/availability?service=mylibrarylive&from={from}&to={to}"),
                &[],
                "",
            )
            .await?;
        let v: serde_json::Value = serde_json::from_str(&body)?;
        for day in v["days"].as_array().into_iter().flatten() {
            for slot in day["slots"].as_array().into_iter().flatten() {
                if let Some(s) = slot["start"].as_str() {
                    free.push(s.to_owned());
                }
            }
        }
        from = to + chrono::Days::new(1);
    }
    if free.len() < 2 {
        return Err(format!("only {} free times: nothing to load", free.len()).into());
    }
    let month_from = today;
    let month_to = today + chrono::Days::new(30);
    let mut phases = Vec::new();

    // 1. Availability as the site asks for it (a month), one client and then many.
    for c in [1, clients] {
        let n = if c == 1 { reads / 4 } else { reads };
        let path =
            format!("/api/availability?service=mylibrarylive&from={month_from}&to={month_to}");
        let (latencies, statuses, elapsed) =
            drive(&host, c, n, move |_| ("GET".into(), path.clone(), None)).await?;
        phases.push(Phase {
            name: "availability (one month)".into(),
            clients: c,
            latencies,
            elapsed,
            outcome: format!("{} × 200", count(&statuses, 200)),
        });
    }

    // 2. Bookings spread over every free time but the last (kept for the stampede).
    let spread: Arc<Vec<String>> = Arc::new(free[..free.len() - 1].to_vec());
    let total = spread.len();
    let times = Arc::clone(&spread);
    let (latencies, statuses, elapsed) = drive(&host, clients, total, move |i| {
        (
            "POST".into(),
            "/api/appointments".into(),
            Some(booking(&times[i], i)),
        )
    })
    .await?;
    let booked = count(&statuses, 201);
    phases.push(Phase {
        name: "bookings, each on its own time".into(),
        clients,
        latencies,
        elapsed,
        outcome: format!("{booked} × 201, {} other", total - booked),
    });

    // 3. The stampede: `stampede` clients, all connected first, on the one time left.
    let last = free[free.len() - 1].clone();
    let mut connections = Vec::new();
    for _ in 0..stampede {
        connections.push(Client::connect(&host).await?);
    }
    let gate = Arc::new(tokio::sync::Barrier::new(stampede));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, mut client) in connections.into_iter().enumerate() {
        let (gate, body) = (Arc::clone(&gate), booking(&last, 100_000 + i));
        tasks.push(tokio::spawn(async move {
            gate.wait().await;
            let t = Instant::now();
            let (status, _) = client
                .send(
                    "POST",
                    "/api/appointments",
                    &[("Content-Type", "application/json")],
                    &body,
                )
                .await?;
            Ok::<_, Failure>((t.elapsed(), status))
        }));
    }
    let mut latencies = Vec::new();
    let mut statuses = Vec::new();
    for task in tasks {
        let (latency, status) = task.await??;
        latencies.push(latency);
        statuses.push(status);
    }
    let won = count(&statuses, 201);
    let lost = count(&statuses, 409);
    phases.push(Phase {
        name: "stampede on one time".into(),
        clients: stampede,
        latencies,
        elapsed: started.elapsed(),
        outcome: format!("{won} × 201, {lost} × 409"),
    });

    println!(
        "| phase | clients | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | answers |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---|");
    for mut phase in phases {
        println!("{}", phase.row());
    }
    if won != 1 || lost != stampede - 1 {
        return Err(format!(
            "the stampede must end with exactly one booking: {won} booked, {lost} refused"
        )
        .into());
    }
    if booked != total {
        return Err(format!(
            "{} of {total} bookings on distinct free times failed",
            total - booked
        )
        .into());
    }
    Ok(())
}
