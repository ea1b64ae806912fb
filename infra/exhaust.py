"""Client addresses trying to book every free time of the next 60 days (see infra/bin/exhaust).

Each attempt: GET /api/challenge, solve it (SHA-256, as the site's worker does, in a pool of
one process per core), POST the booking with a fresh made-up email. Thread i speaks from the
loopback address 127.0.0.(2 + i mod ADDRESSES), so the server's per-address limits see that
many clients. A 429 is waited out as its Retry-After says. Prints the attempts by answer, the
bookings made, the work the challenges asked, and the time filling every free time would take
at the rate seen.

Arguments: BASE SECONDS THREADS [ADDRESSES (1)]
"""

import base64
import collections
import datetime
import hashlib
import http.client
import itertools
import json
import multiprocessing
import os
import sys
import threading
import time
import urllib.parse

BASE, SECONDS, THREADS = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
ADDRESSES = int(sys.argv[4]) if len(sys.argv) > 4 else 1
HOST = urllib.parse.urlsplit(BASE)
local = threading.local()


def request(method, path, body=None):
    """One request from this thread's own source address."""
    data = json.dumps(body).encode() if body is not None else None
    conn = http.client.HTTPConnection(HOST.hostname, HOST.port, timeout=30,
                                      source_address=(getattr(local, "source", "127.0.0.1"), 0))
    try:
        headers = {"content-type": "application/json"} if data is not None else {}
        conn.request(method, path, body=data, headers=headers)
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def solve(c):
    """The base64 solution of challenge `c` (in a pool process)."""
    for n in range(c["maxnumber"] + 1):
        if hashlib.sha256(f"{c['salt']}{n}".encode()).hexdigest() == c["challenge"]:
            payload = {k: c[k] for k in ("algorithm", "challenge", "salt", "signature")}
            payload["number"] = n
            return base64.b64encode(json.dumps(payload).encode()).decode()
    raise RuntimeError("unsolvable challenge")


def free_slots():
    _, _, body = request("GET", "/api/services")
    services = json.loads(body)
    service = services["services"][0]["id"]
    horizon = services["policy"]["horizon_days"]
    today = datetime.date.today()
    slots = []
    for offset in range(0, horizon + 1, 31):
        start = today + datetime.timedelta(days=offset)
        end = min(today + datetime.timedelta(days=horizon), start + datetime.timedelta(days=30))
        _, _, body = request("GET", f"/api/availability?service={service}&from={start}&to={end}")
        for day in json.loads(body)["days"]:
            slots += [s["start"] for s in day["slots"]]
    return service, sorted(set(slots))


# Forked: the pool's processes run solve() only.
pool = multiprocessing.get_context("fork").Pool(os.cpu_count())
service, slots = free_slots()
print(f"{len(slots)} free times in the next 60 days; {THREADS} threads from {ADDRESSES}"
      f" address(es), {SECONDS:.0f} s, solving on {os.cpu_count()} cores")
work = []
answers = collections.Counter()
booked = []
lock = threading.Lock()
queue = iter(slots)
serial = itertools.count()
deadline = time.monotonic() + SECONDS
began = time.monotonic()
solving = []


def attempt(start):
    """Tries `start` until it is booked, refused for good, or time is up."""
    while time.monotonic() < deadline:
        status, headers, body = request("GET", "/api/challenge")
        if status == 429:
            with lock:
                answers["challenge 429"] += 1
            time.sleep(float(headers.get("retry-after", "1")))
            continue
        challenge = json.loads(body)
        t0 = time.monotonic()
        with lock:
            work.append((t0 - began, challenge["maxnumber"]))
        pending = pool.apply_async(solve, (challenge,))
        try:
            solution = pending.get(timeout=max(0.0, deadline - t0))
        except multiprocessing.TimeoutError:
            with lock:
                answers["unsolved when time was up"] += 1
            return
        with lock:
            solving.append(time.monotonic() - t0)
        n = next(serial)
        status, headers, body = request("POST", "/api/appointments", {
            "service": service, "provider": "any", "start": start,
            "customer": {"name": f"Bot {n}", "email": f"bot{n}@example.org", "phone": "6900000000"},
            "answers": {"status": "ug", "school": "information-sciences"},
            "notes": "x", "language": "en", "accept_terms": True, "accept_privacy": True,
            "challenge": solution,
        })
        with lock:
            answers[f"booking {status}"] += 1
            if status == 201:
                booked.append(time.monotonic() - began)
        if status == 429:
            time.sleep(float(headers.get("retry-after", "1")))
            continue
        if status == 422 and b'"challenge"' in body:
            continue  # the work asked rose meanwhile: a new challenge
        return


def worker(i):
    local.source = f"127.0.0.{2 + i % ADDRESSES}"
    while time.monotonic() < deadline:
        with lock:
            start = next(queue, None)
        if start is None:
            return
        attempt(start)


threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.monotonic() - began
print("answers:", dict(sorted(answers.items())))
print(f"booked {len(booked)} of {len(slots)} in {elapsed:.1f} s"
      f" (first 5 within {booked[4] if len(booked) > 4 else float('nan'):.1f} s)")
if solving:
    solving.sort()
    print(f"bot check: median {1000 * solving[len(solving) // 2]:.0f} ms per challenge in Python,"
          f" max {1000 * solving[-1]:.0f} ms")
if work:
    asked = sorted(m for _, m in work)
    last = [m for t, m in work if t > elapsed - 60] or asked
    print(f"work asked: from {asked[0]:,} to {asked[-1]:,} (median {asked[len(asked) // 2]:,});"
          f" in the last minute up to {max(last):,}")
if booked:
    minutes = collections.Counter(int(t // 60) for t in booked)
    print("bookings per minute:", [minutes.get(m, 0) for m in range(int(elapsed // 60) + 1)])
last_minute = [t for t in booked if t > elapsed - 60]
if last_minute:
    rate = len(last_minute)
    print(f"in the last minute: {rate} bookings; filling the other {len(slots) - len(booked)}"
          f" at that rate would take {(len(slots) - len(booked)) / rate:.0f} more minutes"
          f" from {ADDRESSES} address(es)")
elif booked and len(booked) < len(slots):
    print(f"none in the last minute (the work asked then: up to {max((m for t, m in work if t > elapsed - 60), default=0):,} hashes)")
pool.terminate()
