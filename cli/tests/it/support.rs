//! `rantevou serve` started as a newcomer runs it, on a free port with its own data folder;
//! shared by the tests of this folder.

#![allow(dead_code)] // each test binary uses its own part

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// The running server, its base URL (`http://127.0.0.1:PORT`) and its outbox's URL with the
/// key it printed; killed when dropped.
pub struct Server(pub Child, pub String, pub String);

impl Server {
    pub fn start(data: &std::path::Path) -> Server {
        Server::start_with(data, &[])
    }

    /// As [`Server::start`], with more arguments to `serve`.
    pub fn start_with(data: &std::path::Path, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rantevou"))
            .args(["serve", "--addr", "127.0.0.1:0", "--data"])
            .arg(data)
            .args(args)
            .current_dir(rantevou_testkit::root())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut first = String::new();
        BufReader::new(stdout).read_line(&mut first).unwrap();
        let mut urls = first
            .split_whitespace()
            .filter(|w| w.starts_with("http://"));
        let base = urls
            .next()
            .map(|u| u.trim_end_matches('/').to_owned())
            .unwrap_or_else(|| panic!("no URL in {first:?}"));
        let outbox = urls
            .find(|u| u.contains("/outbox?key="))
            .map(|u| u.trim_end_matches(',').to_owned())
            .unwrap_or_else(|| panic!("no outbox URL in {first:?}"));
        Server(child, base, outbox)
    }

    /// Ctrl-C, as the person running it would press; waits for the exit.
    pub fn interrupt(mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .args(["-INT", &self.0.id().to_string()])
            .status();
        let status = self.0.wait().unwrap();
        std::mem::forget(self);
        status
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One request written as is from the local address `from` (127.0.0.2 is another client than
/// 127.0.0.1: ureq cannot choose its local address); the whole answer, as far as it came
/// within 5 s.
pub fn exchange(from: &str, base: &str, request: &str) -> String {
    use std::io::{Read, Write};
    let to: std::net::SocketAddr = base.trim_start_matches("http://").parse().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap();
    let mut stream = runtime.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind(format!("{from}:0").parse().unwrap()).unwrap();
        socket.connect(to).await.unwrap().into_std().unwrap()
    });
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}

/// The status of [`exchange`]'s answer.
pub fn status_from(from: &str, base: &str, request: &str) -> u16 {
    let answer = exchange(from, base, request);
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {answer:?}"))
}

/// The JSON of a booking of `start` for `name` <`email`> about `notes`, with a solved bot
/// check from `base`: as the site posts it.
pub fn booking_body(base: &str, start: &str, name: &str, email: &str, notes: &str) -> String {
    serde_json::json!({"service": "mylibrarylive", "start": start,
        "customer": {"name": name, "email": email, "phone": "6900000000"},
        "answers": {"status": "ug", "school": "information-sciences"},
        "notes": notes, "language": "el", "accept_terms": true, "accept_privacy": true,
        "challenge": rantevou_testkit::solved_challenge(base)})
    .to_string()
}

/// The free starts of each offered day: `(date, [start, …])`.
pub fn free_days(base: &str) -> Vec<(String, Vec<String>)> {
    let (status, _, body) = rantevou_testkit::http::http(
        "GET",
        &format!("{base}/api/availability?service=mylibrarylive"),
        &[],
        "",
    );
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    v["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let starts = d["slots"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["start"].as_str().unwrap().to_owned())
                .collect();
            (d["date"].as_str().unwrap().to_owned(), starts)
        })
        .filter(|(_, starts): &(String, Vec<String>)| !starts.is_empty())
        .collect()
}

/// Books `start` for `name` <`email`> on the server at `base` (201 expected): its answer.
pub fn book(base: &str, start: &str, name: &str, email: &str, notes: &str) -> serde_json::Value {
    let body = booking_body(base, start, name, email, notes);
    let (status, _, created) = rantevou_testkit::http::http(
        "POST",
        &format!("{base}/api/appointments"),
        &[("content-type", "application/json")],
        &body,
    );
    assert_eq!(status, 201, "{created}");
    serde_json::from_str(&created).unwrap()
}
