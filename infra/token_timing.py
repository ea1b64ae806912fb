"""Does the answer's time tell whether an appointment id exists? (issue 25; BENCHMARKS.md)

Books one appointment on a running `rantevou serve --no-rate-limit` at BASE, then asks for it
ROUNDS times with a wrong token and as often for made-up well-formed ids (alternating, one kept-alive
connection), and prints the median and p90 of each in microseconds, as the client sees them.

Arguments: BASE [ROUNDS (2000)]
"""

import base64
import hashlib
import http.client
import json
import statistics
import sys
import time
import urllib.parse
import os
import uuid

def made_up_id():
    """A well-formed appointment id (UUIDv7, as the service makes them) that no one has."""
    ms = int(time.time() * 1000).to_bytes(6, "big")
    rest = bytearray(os.urandom(10))
    rest[0] = 0x70 | (rest[0] & 0x0F)
    rest[2] = 0x80 | (rest[2] & 0x3F)
    return str(uuid.UUID(bytes=ms + bytes(rest)))


BASE = sys.argv[1]
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
url = urllib.parse.urlsplit(BASE)
conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)


def get(path):
    conn.request("GET", path)
    r = conn.getresponse()
    return r.status, r.read()


def solved():
    _, body = get("/api/challenge")
    c = json.loads(body)
    for n in range(c["maxnumber"] + 1):
        if hashlib.sha256(f"{c['salt']}{n}".encode()).hexdigest() == c["challenge"]:
            payload = {k: c[k] for k in ("algorithm", "challenge", "salt", "signature")}
            payload["number"] = n
            return base64.b64encode(json.dumps(payload).encode()).decode()
    raise RuntimeError("unsolvable")


_, body = get("/api/services")
service = json.loads(body)["services"][0]["id"]
_, body = get(f"/api/availability?service={service}")
start = next(s["start"] for d in json.loads(body)["days"] for s in d["slots"])
booking = json.dumps({
    "service": service, "provider": "any", "start": start,
    "customer": {"name": "Timing", "email": f"timing{os.getpid()}@example.org", "phone": "6900000000"},
    "answers": {"status": "ug", "school": "information-sciences"},
    "notes": "x", "language": "en", "accept_terms": True, "accept_privacy": True,
    "challenge": solved()})
conn.request("POST", "/api/appointments", body=booking, headers={"content-type": "application/json"})
r = conn.getresponse()
created = json.loads(r.read())
assert r.status == 201, created
real = created["id"]
wrong = "A" * 43

times = {"wrong token, real id": [], "unknown id": []}
for i in range(ROUNDS * 2):
    key = "wrong token, real id" if i % 2 == 0 else "unknown id"
    ident = real if i % 2 == 0 else made_up_id()
    t0 = time.perf_counter_ns()
    status, _ = get(f"/api/appointments/{ident}?token={wrong}")
    times[key].append((time.perf_counter_ns() - t0) / 1000)
    assert status == 404, status
for key, values in times.items():
    values = values[ROUNDS // 10:]  # the first tenth warms up
    values.sort()
    print(f"{key}: median {statistics.median(values):.0f} µs, p90 {values[int(len(values) * 0.9)]:.0f} µs"
          f" ({len(values)} requests)")
