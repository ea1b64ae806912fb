//! `rantevou serve`'s edges, as an attacker meets them: a foreign `Host` (DNS rebinding) is
//! refused, a client that dribbles its request head is dropped while others are served, the
//! site's pages cannot be framed, `HEAD` answers wherever `GET` does, and listening on every
//! interface without saying where patrons reach it is refused.

use crate::support::Server;
use std::io::{BufRead, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// `method path` with `host` as the Host header, over a raw socket: the status line and headers.
fn raw(base: &str, method: &str, path: &str, host: &str) -> String {
    let request = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    crate::support::exchange("127.0.0.1", base, &request)
}

#[test]
fn a_foreign_host_name_is_refused_and_the_served_ones_answer() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path());
    let base = &server.1;
    let port = base.rsplit(':').next().unwrap();
    for path in ["/outbox", "/api/services", "/"] {
        let answer = raw(base, "GET", path, &format!("attacker.example:{port}"));
        assert!(answer.starts_with("HTTP/1.1 421"), "{path}: {answer}");
    }
    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}")] {
        let answer = raw(base, "GET", "/api/services", &host);
        assert!(answer.starts_with("HTTP/1.1 200"), "{host}: {answer}");
    }
}

#[test]
fn head_answers_wherever_get_does_without_a_body() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path());
    let host = server.1.trim_start_matches("http://").to_owned();
    for path in ["/", "/api/services", "/styles.css"] {
        let answer = raw(&server.1, "HEAD", path, &host);
        assert!(answer.starts_with("HTTP/1.1 200"), "{path}: {answer}");
        let body = answer.split("\r\n\r\n").nth(1).unwrap_or("");
        assert!(body.is_empty(), "{path}: no body, got {body:?}");
    }
}

#[test]
fn the_site_cannot_be_framed_and_sends_its_policy_as_headers() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path());
    let host = server.1.trim_start_matches("http://").to_owned();
    let answer = raw(&server.1, "GET", "/", &host).to_ascii_lowercase();
    assert!(answer.contains("x-frame-options: deny"), "{answer}");
    assert!(answer.contains("frame-ancestors 'none'"), "{answer}");
    assert!(answer.contains("x-content-type-options: nosniff"));
    assert!(answer.contains("referrer-policy: no-referrer"));
}

#[test]
fn a_client_dribbling_its_request_head_is_dropped_while_others_are_served() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path());
    let addr = server.1.trim_start_matches("http://").to_owned();
    let mut slow = TcpStream::connect(&addr).unwrap();
    slow.set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    slow.write_all(b"GET /api/services HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        .unwrap();
    let began = Instant::now();
    loop {
        // One byte of a header that never ends, every half second or so.
        if slow.write_all(b"a").is_err() {
            break;
        }
        let mut buf = [0u8; 64];
        match slow.read(&mut buf) {
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            // Closed (or told off and closed): dropped.
            _ => break,
        }
        let (status, _, _) =
            rantevou_testkit::http::http("GET", &format!("{}/api/services", server.1), &[], "");
        assert_eq!(status, 200, "others are served meanwhile");
        assert!(
            began.elapsed() < Duration::from_secs(30),
            "still open after 30 s"
        );
    }
    let closed_after = began.elapsed();
    assert!(
        closed_after >= Duration::from_secs(8) && closed_after < Duration::from_secs(20),
        "closed after {closed_after:?}: the 10 s head timeout"
    );
}

#[test]
fn one_address_holding_many_idle_connections_is_capped_while_another_is_served() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path());
    let addr: std::net::SocketAddr = server.1.trim_start_matches("http://").parse().unwrap();
    // 32 connections from 127.0.0.1 that never send a byte: the per-address cap.
    let idle: Vec<TcpStream> = (0..32).map(|_| TcpStream::connect(addr).unwrap()).collect();
    // Give the server time to accept them all, so the next one is the 33rd it sees.
    std::thread::sleep(Duration::from_millis(300));
    let mut over = TcpStream::connect(addr).unwrap();
    over.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let _ = write!(
        over,
        "GET /api/services HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    );
    let mut answer = Vec::new();
    let closed = match over.read_to_end(&mut answer) {
        Ok(_) => answer.is_empty(),
        Err(e) => e.kind() == ErrorKind::ConnectionReset,
    };
    assert!(
        closed,
        "the 33rd connection is closed unanswered: {answer:?}"
    );
    // Another address is served meanwhile (Linux routes all of 127/8 to loopback).
    let request = format!("GET /api/services HTTP/1.0\r\nHost: {addr}\r\n\r\n");
    assert_eq!(
        crate::support::status_from("127.0.0.2", &server.1, &request),
        200
    );
    // And once the idle ones are gone, 127.0.0.1 is served again.
    drop(idle);
    std::thread::sleep(Duration::from_millis(300));
    assert!(raw(&server.1, "GET", "/api/services", &addr.to_string()).starts_with("HTTP/1.1 200"));
}

#[test]
fn listening_on_every_interface_needs_the_public_url() {
    let data = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rantevou"))
        .args(["serve", "--addr", "0.0.0.0:0", "--data"])
        .arg(data.path())
        .current_dir(rantevou_testkit::root())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("--public-url"), "{said}");
    // With it: links use it, and the server says loudly what it exposes.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rantevou"))
        .args([
            "serve",
            "--addr",
            "0.0.0.0:0",
            "--public-url",
            "http://book.lan.example:8080",
        ])
        .arg("--data")
        .arg(data.path())
        .current_dir(rantevou_testkit::root())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let second = lines.next().unwrap().unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(first.contains("http://book.lan.example:8080/"), "{first}");
    assert!(second.starts_with("WARNING"), "{second}");
    assert!(second.contains("reachable from the network"), "{second}");
}

#[test]
fn the_sites_files_answer_only_get_and_head() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path());
    let host = server.1.trim_start_matches("http://").to_owned();
    for method in ["POST", "PUT", "DELETE", "TRACE", "PATCH"] {
        for path in ["/", "/index.html", "/styles.css", "/no-such-file"] {
            let answer = raw(&server.1, method, path, &host);
            assert!(
                answer.starts_with("HTTP/1.1 405"),
                "{method} {path}: {answer}"
            );
            assert!(
                answer.to_ascii_lowercase().contains("allow: get, head"),
                "{method} {path}: {answer}"
            );
        }
    }
    assert!(raw(&server.1, "GET", "/styles.css", &host).starts_with("HTTP/1.1 200"));
}

/// A client that pipelines requests and never reads the answers, with a tiny receive window,
/// is dropped once the server's writes stall for the write timeout; meanwhile, and after, a
/// patron is served.
#[test]
fn a_client_that_never_reads_is_dropped_while_others_are_served() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path());
    let host = server.1.trim_start_matches("http://").to_owned();
    let to: std::net::SocketAddr = host.parse().unwrap();
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket.set_recv_buffer_size(1024).unwrap();
    socket.connect(&to.into()).unwrap();
    let mut hog: TcpStream = socket.into();
    hog.set_write_timeout(Some(Duration::from_secs(2))).unwrap();
    let request = format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n");
    let started = Instant::now();
    // Requests for pages, one after another, never a byte read back.
    let mut sent = 0;
    for _ in 0..5000 {
        if hog.write_all(request.as_bytes()).is_err() {
            break;
        }
        sent += 1;
    }
    // Served meanwhile.
    assert!(raw(&server.1, "GET", "/api/services", &host).starts_with("HTTP/1.1 200"));
    // The server gives up on the hog once its writes have stalled for the write timeout:
    // reading then finds the connection closed (after the answers the kernel had taken).
    std::thread::sleep(Duration::from_secs(12));
    hog.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut sink = [0u8; 65536];
    let mut answered = Vec::new();
    let closed = loop {
        match hog.read(&mut sink) {
            Ok(0) => break true,
            Ok(n) => answered.extend_from_slice(&sink[..n]),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => break true,
            Err(_) => break false,
        }
    };
    assert!(closed, "the connection was closed by the server");
    let answers = String::from_utf8_lossy(&answered)
        .matches("HTTP/1.1 200")
        .count();
    eprintln!(
        "never-reading client: {sent} requests sent, {answers} answers taken before the close"
    );
    assert!(
        answers < sent,
        "the server gave up before answering all {sent}: {answers}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(40),
        "{:?}",
        started.elapsed()
    );
    assert!(raw(&server.1, "GET", "/api/services", &host).starts_with("HTTP/1.1 200"));
}

/// `GET path` with extra header lines, over a raw socket: the whole answer, as bytes.
fn raw_bytes(base: &str, path: &str, extra: &str) -> (String, Vec<u8>) {
    let addr = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n{extra}Connection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a head");
    let head = String::from_utf8_lossy(&answer[..split]).to_ascii_lowercase();
    (head, answer[split + 4..].to_vec())
}

/// A header's value in a lower-cased head.
fn header_of<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines()
        .find_map(|line| line.strip_prefix(&format!("{name}: ")))
}

#[test]
fn the_site_is_sent_gzipped_with_the_lifetimes_cloudfront_gives_it() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path());
    let site = rantevou_testkit::root().join("site");
    // Compressed when asked for, and the same bytes once inflated.
    let (head, body) = raw_bytes(
        &server.1,
        "/js/calendar.js",
        "Accept-Encoding: gzip, br\r\n",
    );
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert_eq!(header_of(&head, "content-encoding"), Some("gzip"), "{head}");
    assert_eq!(header_of(&head, "vary"), Some("accept-encoding"));
    let mut inflated = Vec::new();
    flate2::read::GzDecoder::new(&body[..])
        .read_to_end(&mut inflated)
        .unwrap();
    let file = std::fs::read(site.join("js/calendar.js")).unwrap();
    assert_eq!(inflated, file);
    assert!(
        body.len() * 2 < file.len(),
        "{} of {} bytes",
        body.len(),
        file.len()
    );
    // Scripts and styles an hour, pages revalidated: as infra/publish_site.py uploads them.
    assert_eq!(
        header_of(&head, "cache-control"),
        Some("public, max-age=3600")
    );
    let (page, _) = raw_bytes(&server.1, "/", "");
    assert_eq!(header_of(&page, "cache-control"), Some("no-cache"));
    assert_eq!(header_of(&page, "content-encoding"), None, "not asked for");
    let publish =
        std::fs::read_to_string(rantevou_testkit::root().join("infra/publish_site.py")).unwrap();
    assert!(
        publish.contains("return \"no-cache\"")
            && publish.contains("return \"public, max-age=3600\""),
        "the upload gives the same lifetimes"
    );
    // Revalidation: the same ETag is 304 with no body; refused gzip is plain.
    let etag = header_of(&page, "etag").expect("an etag").to_owned();
    let (again, body) = raw_bytes(&server.1, "/", &format!("If-None-Match: {etag}\r\n"));
    assert!(again.starts_with("http/1.1 304"), "{again}");
    assert!(body.is_empty());
    let (plain, _) = raw_bytes(
        &server.1,
        "/js/calendar.js",
        "Accept-Encoding: gzip;q=0\r\n",
    );
    assert_eq!(header_of(&plain, "content-encoding"), None, "{plain}");
}
