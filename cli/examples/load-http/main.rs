//! Load against a running `rantevou serve` (see `infra/bin/load`, which starts one):
//! availability reads as the site makes them (one month), bookings spread over every free
//! time, moves of appointments to free times (the manage page's), their cancels, the staff agenda of a
//! booked-out week, and a stampede of clients on one time, which must end with exactly one
//! booking.
//!
//! `cargo run --release -p rantevou --example load-http -- http://127.0.0.1:8080 [clients] [reads] [stampede]`
//!
//! With `LOAD_ONLY=bookings` in the environment, only the bookings (one client, then
//! `clients`): for a profile or the CPU of a booking (`infra/bin/load` passes it on); with
//! `LOAD_ONLY=availability`, only the availability reads.
//!
//! With `--outbox URL DIR` instead (see `infra/bin/load-outbox`): `/api/services` alone and
//! while four clients reload the outbox of 2,000 mails.
//!
//! Each client (a thread) keeps one HTTP/1.1 connection, as a browser does. Prints a
//! Markdown table.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Barrier;
use std::time::{Duration, Instant};

mod outbox;

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// One client with its own keep-alive connection (ureq, the tests' HTTP client).
struct Client {
    base: String,
    agent: ureq::Agent,
}

impl Client {
    fn new(base: &str) -> Client {
        Client {
            base: base.to_owned(),
            agent: rantevou_testkit::http::agent(),
        }
    }

    /// Sends one request and reads the whole answer: (status, body).
    fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, String) {
        let url = format!("{}{path}", self.base);
        let (status, _, body) =
            rantevou_testkit::http::send(&self.agent, method, &url, headers, body);
        (status, body)
    }
}

/// Latencies of one phase, and how long it took in all.
struct Phase {
    name: String,
    clients: usize,
    latencies: Vec<Duration>,
    elapsed: Duration,
    outcome: String,
    /// The server's CPU over the phase, when its pid is known (`SERVER_PID`).
    cpu: Option<Duration>,
}

/// The CPU (user + system) the server `SERVER_PID` has used so far, from `/proc/<pid>/stat`
/// (in clock ticks of `CLK_TCK`, 100 if not given); `None` without a pid.
#[allow(clippy::disallowed_methods)] // the driver's own switches, set by infra/bin/load
fn server_cpu() -> Option<Duration> {
    let pid = std::env::var("SERVER_PID").ok()?;
    let hz: f64 = std::env::var("CLK_TCK")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(100.0);
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command's closing parenthesis; utime and stime are the 14th and 15th.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(Duration::from_secs_f64(ticks / hz))
}

/// The phase `what` of one client's requests, begun at `since` (its instant and the server's
/// CPU then), each to answer 200; and how many did.
fn one_client(
    what: &str,
    since: (Instant, Option<Duration>),
    latencies: Vec<Duration>,
    statuses: &[u16],
) -> (Phase, usize) {
    let ok = count(statuses, 200);
    let phase = Phase {
        name: format!("{what}, one client"),
        clients: 1,
        latencies,
        elapsed: since.0.elapsed(),
        outcome: format!("{ok} × 200"),
        cpu: cpu_since(since.1),
    };
    (phase, ok)
}

/// The server's CPU since `from` (a [`server_cpu`] reading).
fn cpu_since(from: Option<Duration>) -> Option<Duration> {
    Some(server_cpu()?.saturating_sub(from?))
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
        let cpu = self.cpu.map_or("–".to_owned(), |c| {
            format!(
                "{:.2}",
                c.as_secs_f64() * 1000.0 / self.latencies.len().max(1) as f64
            )
        });
        format!(
            "| {} | {} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} | {} | {cpu} |",
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
fn drive<F>(
    base: &str,
    clients: usize,
    total: usize,
    request: F,
) -> (Vec<Duration>, Vec<u16>, Duration)
where
    F: Fn(usize) -> (String, String, Option<String>) + Sync,
{
    let next = AtomicUsize::new(0);
    let started = Instant::now();
    let seen: Vec<(Duration, u16)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..clients)
            .map(|_| {
                let (request, next) = (&request, &next);
                s.spawn(move || {
                    let client = Client::new(base);
                    let mut seen = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= total {
                            return seen;
                        }
                        let (method, path, body) = request(i);
                        // Unique across phases: each request is a booking of its own.
                        let n = KEYS.fetch_add(1, Ordering::Relaxed);
                        let key = format!("load-{n}-{}", std::process::id());
                        let mut headers = vec![("Content-Type", "application/json")];
                        if body.is_some() {
                            headers.push(("Idempotency-Key", key.as_str()));
                        }
                        let t = Instant::now();
                        let (status, _) =
                            client.send(&method, &path, &headers, body.as_deref().unwrap_or(""));
                        seen.push((t.elapsed(), status));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    let (latencies, statuses) = seen.into_iter().unzip();
    (latencies, statuses, started.elapsed())
}

/// Appointments moved in the moves phase (each needs two free times of the horizon).
const MOVES: usize = 50;

/// The phases as a Markdown table.
fn print_table(phases: Vec<Phase>) {
    println!(
        "| phase | clients | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | answers | server CPU ms/req |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|");
    for mut phase in phases {
        println!("{}", phase.row());
    }
}

/// The idempotency keys handed out so far.
static KEYS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn count(statuses: &[u16], code: u16) -> usize {
    statuses.iter().filter(|s| **s == code).count()
}

fn booking(start: &str, n: usize, challenge: Option<&String>) -> String {
    serde_json::json!({
        "service": "mylibrarylive", "provider": "any", "start": start,
        "customer": {"name": format!("Load {n}"), "email": format!("load{n}@example.org"), "phone": "2310891000"},
        "answers": {"status": "ug", "school": "information-sciences"},
        "notes": "load test", "language": "el", "accept_terms": true, "accept_privacy": true,
        "challenge": challenge
    })
    .to_string()
}

/// `n` bot-check challenges fetched and solved ahead of the timed phases (as the site does
/// while the patron types), on every core; none when the library asks for none.
fn solved_challenges(base: &str, n: usize, difficulty: u64) -> Vec<String> {
    if difficulty == 0 {
        return Vec::new();
    }
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..std::thread::available_parallelism().map_or(2, |p| p.get()))
            .map(|_| {
                let next = &next;
                s.spawn(move || {
                    let mut out = Vec::new();
                    while next.fetch_add(1, Ordering::Relaxed) < n {
                        out.push(rantevou_testkit::solved_challenge(base));
                    }
                    out
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    })
}

fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().collect();
    let base = args
        .get(1)
        .map_or("http://127.0.0.1:8080", String::as_str)
        .trim_end_matches('/')
        .to_owned();
    if args.get(2).map(String::as_str) == Some("--outbox") {
        let (Some(url), Some(dir)) = (args.get(3), args.get(4)) else {
            return Err(
                "--outbox needs the outbox URL (with its key) and the outbox folder".into(),
            );
        };
        return outbox::outbox_load(&base, url, std::path::Path::new(dir));
    }
    let clients: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(16);
    let reads: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(20_000);
    let stampede: usize = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(200);
    #[allow(clippy::disallowed_methods)] // the driver's own switch, set by infra/bin/load
    let only = std::env::var("LOAD_ONLY").ok();
    let (only_bookings, only_availability) = match only.as_deref() {
        Some("bookings") => (true, false),
        Some("availability") => (false, true),
        Some(v) => {
            return Err(format!(
                "LOAD_ONLY={v}: the phases it takes are `bookings` and `availability`"
            )
            .into())
        }
        None => (false, false),
    };

    // What can be booked: the whole horizon, in requests of at most 62 days, from the
    // server's today (its first day when no `from` is given).
    let probe = Client::new(&base);
    let (_, services) = probe.send("GET", "/api/services", &[], "");
    let services: serde_json::Value = serde_json::from_str(&services)?;
    let horizon = services["policy"]["horizon_days"].as_u64().unwrap_or(60);
    let difficulty = services["policy"]["proof_of_work_difficulty"]
        .as_u64()
        .unwrap_or(0);
    let (_, first) = probe.send("GET", "/api/availability?service=mylibrarylive", &[], "");
    let first: serde_json::Value = serde_json::from_str(&first)?;
    let today: chrono::NaiveDate = first["days"][0]["date"]
        .as_str()
        .ok_or("no days in the availability")?
        .parse()?;
    let mut free: Vec<String> = Vec::new();
    let mut from = today;
    while from <= today + chrono::Days::new(horizon) {
        let to = from + chrono::Days::new(61);
        let (_, body) = probe.send(
            "GET",
            &format!("/api/availability?service=mylibrarylive&from={from}&to={to}"),
            &[],
            "",
        );
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
    println!("free times over the horizon: {}", free.len());
    let month_from = today;
    let month_to = today + chrono::Days::new(30);
    let mut phases = Vec::new();

    // 1. Availability as the site asks for it (a month), one client and then many.
    for c in [1, clients].into_iter().filter(|_| !only_bookings) {
        let n = if c == 1 { reads / 4 } else { reads };
        let path =
            format!("/api/availability?service=mylibrarylive&from={month_from}&to={month_to}");
        let (latencies, statuses, elapsed) =
            drive(&base, c, n, |_| ("GET".into(), path.clone(), None));
        phases.push(Phase {
            name: "availability (one month)".into(),
            clients: c,
            latencies,
            elapsed,
            outcome: format!("{} × 200", count(&statuses, 200)),
            cpu: None,
        });
    }

    if only_availability {
        print_table(phases);
        return Ok(());
    }

    // Kept aside: the times the moves of phase 3 book and move into (two per move).
    let moves = MOVES.min(free.len().saturating_sub(2) / 4);
    let (free, kept) = free.split_at(free.len() - 2 * moves);
    let (move_from, move_to) = kept.split_at(moves);

    // 2. Bookings spread over every free time but the last (kept for the stampede): first one
    // client alone (the server's time per booking, the bot check verified), then the rest.
    let spread = &free[..free.len() - 1];
    let total = spread.len();
    let alone = 50.min(total / 2);
    // One for each booking, each appointment to move, and each move (a move is bot-checked).
    let solved = solved_challenges(&base, total + stampede + 2 * moves, difficulty);
    let cpu = server_cpu();
    let (latencies, statuses, elapsed) = drive(&base, 1, alone, |i| {
        (
            "POST".into(),
            "/api/appointments".into(),
            Some(booking(&spread[i], i, solved.get(i))),
        )
    });
    phases.push(Phase {
        name: "bookings, one client".into(),
        clients: 1,
        latencies,
        elapsed,
        outcome: format!("{} × 201", count(&statuses, 201)),
        cpu: cpu_since(cpu),
    });
    let mut booked = count(&statuses, 201);
    let rest = total - alone;
    let cpu = server_cpu();
    let (latencies, statuses, elapsed) = drive(&base, clients, rest, |i| {
        let n = alone + i;
        (
            "POST".into(),
            "/api/appointments".into(),
            Some(booking(&spread[n], n, solved.get(n))),
        )
    });
    booked += count(&statuses, 201);
    phases.push(Phase {
        name: "bookings, each on its own time".into(),
        clients,
        latencies,
        elapsed,
        outcome: format!(
            "{} × 201, {} other",
            count(&statuses, 201),
            rest - count(&statuses, 201)
        ),
        cpu: cpu_since(cpu),
    });

    if only_bookings {
        print_table(phases);
        println!("bookings made: {booked}");
        return match total - booked {
            0 => Ok(()),
            failed => {
                Err(format!("{failed} of {total} bookings on distinct free times failed").into())
            }
        };
    }

    // 3. Moves (the manage page's "change the time"), one client: each appointment booked
    // first (not timed), then moved in one write to a free time of its own.
    let client = Client::new(&base);
    let json = [("Content-Type", "application/json")];
    let mut booked_to_move = Vec::new();
    for (i, start) in move_from.iter().enumerate() {
        let n = 200_000 + i;
        let body = booking(start, n, solved.get(total + stampede + i));
        let (status, answer) = client.send("POST", "/api/appointments", &json, &body);
        if status != 201 {
            return Err(format!("a booking to move answered {status}: {answer}").into());
        }
        booked_to_move.push(serde_json::from_str::<serde_json::Value>(&answer)?);
    }
    let started = Instant::now();
    let cpu = server_cpu();
    let (mut latencies, mut statuses) = (Vec::new(), Vec::new());
    let mut to_cancel = Vec::new();
    for (i, (a, to)) in booked_to_move.iter().zip(move_to).enumerate() {
        let manage = a["manage_url"].as_str().unwrap_or_default();
        let token = manage.rsplit("token=").next().unwrap_or_default();
        let path = format!(
            "/api/appointments/{}/reschedule",
            a["id"].as_str().unwrap_or_default()
        );
        let body = serde_json::json!({"token": token, "start": to, "version": a["version"],
            "challenge": solved.get(total + stampede + moves + i)});
        let t = Instant::now();
        let (status, answer) = client.send("POST", &path, &json, &body.to_string());
        latencies.push(t.elapsed());
        statuses.push(status);
        let version = serde_json::from_str::<serde_json::Value>(&answer)
            .map(|v| v["version"].clone())
            .unwrap_or_default();
        to_cancel.push((
            a["id"].as_str().unwrap_or_default().to_owned(),
            token.to_owned(),
            version,
        ));
    }
    let (phase, moved) = one_client("moves", (started, cpu), latencies, &statuses);
    phases.push(phase);
    if moved != moves {
        return Err(format!("{} of {moves} moves failed: {statuses:?}", moves - moved).into());
    }

    // 3b. Cancels of the moved appointments (the manage page's, with a reason), one client.
    let started = Instant::now();
    let cpu = server_cpu();
    let (mut latencies, mut statuses) = (Vec::new(), Vec::new());
    for (id, token, version) in &to_cancel {
        let path = format!("/api/appointments/{id}/cancel");
        let body = serde_json::json!({"token": token, "reason": "load", "version": version});
        let t = Instant::now();
        let (status, _) = client.send("POST", &path, &json, &body.to_string());
        latencies.push(t.elapsed());
        statuses.push(status);
    }
    let (phase, cancelled) = one_client("cancels", (started, cpu), latencies, &statuses);
    phases.push(phase);
    if cancelled != moves {
        return Err(format!(
            "{} of {moves} cancels failed: {statuses:?}",
            moves - cancelled
        )
        .into());
    }

    // 4. The staff console's agenda of a week in which every time is booked, signed in with
    // the key `rantevou serve` printed (given as the fifth argument), one client.
    if let Some(key) = args.get(5).filter(|k| !k.is_empty()) {
        let bearer = format!("Bearer {key}");
        let week_to = today + chrono::Days::new(6);
        let path = format!("/api/staff/agenda?from={today}&to={week_to}");
        let client = Client::new(&base);
        let started = Instant::now();
        let (mut latencies, mut statuses) = (Vec::new(), Vec::new());
        for _ in 0..500 {
            let t = Instant::now();
            let (status, _) = client.send("GET", &path, &[("Authorization", &bearer)], "");
            latencies.push(t.elapsed());
            statuses.push(status);
        }
        phases.push(Phase {
            name: "staff agenda (a booked-out week)".into(),
            clients: 1,
            latencies,
            elapsed: started.elapsed(),
            outcome: format!("{} × 200", count(&statuses, 200)),
            cpu: None,
        });
    }

    // 5. The stampede: `stampede` clients, each connected first, on the one time left.
    let last = &free[free.len() - 1];
    let gate = Barrier::new(stampede);
    let started = Instant::now();
    let seen: Vec<(Duration, u16)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..stampede)
            .map(|i| {
                let (gate, base, solved) = (&gate, &base, &solved);
                s.spawn(move || {
                    let client = Client::new(base);
                    client.send("GET", "/api/services", &[], "");
                    let body = booking(last, 100_000 + i, solved.get(total + i));
                    gate.wait();
                    let t = Instant::now();
                    let headers = [("Content-Type", "application/json")];
                    let (status, _) = client.send("POST", "/api/appointments", &headers, &body);
                    (t.elapsed(), status)
                })
            })
            .collect();
        workers.into_iter().filter_map(|w| w.join().ok()).collect()
    });
    let (latencies, statuses): (Vec<Duration>, Vec<u16>) = seen.into_iter().unzip();
    let won = count(&statuses, 201);
    let lost = count(&statuses, 409);
    phases.push(Phase {
        name: "stampede on one time".into(),
        clients: stampede,
        latencies,
        elapsed: started.elapsed(),
        outcome: format!("{won} × 201, {lost} × 409"),
        cpu: None,
    });
    print_table(phases);
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
