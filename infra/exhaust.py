"""One address trying to book every free time of the next 60 days (see infra/bin/exhaust).

Each attempt: GET /api/challenge, solve it (SHA-256, as the site's worker does), POST the
booking with a fresh made-up email. A 429 is waited out as its Retry-After says. Prints the
attempts by answer, the bookings made, and the time filling every free time would take at the
rate seen.
"""

import base64
import collections
import datetime
import hashlib
import itertools
import json
import sys
import threading
import time
import urllib.error
import urllib.request

BASE, SECONDS, THREADS = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])


def request(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method)
    if data is not None:
        req.add_header("content-type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def solve(c):
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


service, slots = free_slots()
print(f"{len(slots)} free times in the next 60 days; {THREADS} threads, {SECONDS:.0f} s")
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
            time.sleep(float(headers.get("Retry-After", headers.get("retry-after", "1"))))
            continue
        t0 = time.monotonic()
        solution = solve(json.loads(body))
        with lock:
            solving.append(time.monotonic() - t0)
        n = next(serial)
        status, headers, body = request("POST", "/api/appointments", {
            "service": service, "provider": "any", "start": start,
            "customer": {"name": f"Bot {n}", "email": f"bot{n}@example.org", "phone": "6900000000"},
            "notes": "x", "language": "en", "accept_terms": True, "accept_privacy": True,
            "challenge": solution,
        })
        with lock:
            answers[f"booking {status}"] += 1
            if status == 201:
                booked.append(time.monotonic() - began)
        if status == 429:
            time.sleep(float(headers.get("Retry-After", headers.get("retry-after", "1"))))
            continue
        return


def worker():
    while time.monotonic() < deadline:
        with lock:
            start = next(queue, None)
        if start is None:
            return
        attempt(start)


threads = [threading.Thread(target=worker) for _ in range(THREADS)]
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
    print(f"bot check: median {1000 * solving[len(solving) // 2]:.0f} ms per challenge in Python")
if len(booked) > 5:
    rate = (len(booked) - 5) / (booked[-1] - booked[4]) * 60
    print(f"sustained: {rate:.1f} bookings per minute after the burst;"
          f" filling all {len(slots)} would take {(len(slots) - 5) / rate:.0f} minutes from this address")
