"""Measures a function's bootstrap against a minimal local Lambda Runtime API.

    infra/bin/moto exec -- python3 infra/measure_bootstrap.py BINARY EVENT.json [INVOCATIONS]

Starts BINARY as Lambda would (AWS_LAMBDA_RUNTIME_API pointing here), and reports:
- init: process start -> its first `GET /runtime/invocation/next` (the runtime is ready),
- the median and p99 time per invocation (event handed out -> response posted),
- peak resident memory (VmHWM) after all invocations.
The function talks to the DynamoDB endpoint in the environment (moto under `moto exec`), into
a table this script creates from infra/dynamodb-table.json.
"""
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BINARY, EVENT = sys.argv[1], sys.argv[2]
COUNT = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
event_body = open(EVENT, "rb").read()

state = {"first_next": None, "handed": {}, "done": [], "statuses": [], "n": 0}
finished = threading.Event()


class Runtime(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        if not self.path.endswith("/invocation/next"):
            self.send_error(404)
            return
        now = time.perf_counter()
        if state["first_next"] is None:
            state["first_next"] = now
        if state["n"] >= COUNT:
            finished.set()
            time.sleep(3600)  # keep the runtime waiting, as Lambda does between events
            return
        state["n"] += 1
        request_id = f"req-{state['n']}"
        state["handed"][request_id] = now
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(event_body)))
        self.send_header("Lambda-Runtime-Aws-Request-Id", request_id)
        self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 10_000))
        self.send_header("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:eu-central-1:123456789012:function:measure")
        self.send_header("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0")
        self.end_headers()
        self.wfile.write(event_body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        parts = self.path.split("/")
        if "invocation" in parts and parts[-1] in ("response", "error"):
            request_id = parts[-2]
            state["done"].append(time.perf_counter() - state["handed"].pop(request_id, time.perf_counter()))
            try:
                state["statuses"].append(json.loads(body).get("statusCode"))
            except ValueError:
                state["statuses"].append(None)
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()


def create_table(name):
    """The table, with the sample configuration pushed to it (as `rantevou config push` does):
    without one the functions refuse to serve."""
    import boto3
    client = boto3.client("dynamodb", endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name=os.environ.get("AWS_REGION", "eu-central-1"))
    here = os.path.dirname(__file__)
    definition = json.load(open(os.path.join(here, "dynamodb-table.json")))
    definition.pop("_comment")
    definition.pop("TimeToLiveAttribute")
    client.create_table(TableName=name, **definition)
    source = open(os.path.join(here, "library.toml"), encoding="utf-8").read()
    client.put_item(TableName=name, Item={"PK": {"S": "CONFIG"}, "SK": {"S": "LIBRARY"}, "source": {"S": source}})


def keys_file():
    """A manage-key file for the functions that make links (on AWS, the stack's secret)."""
    import secrets, tempfile
    handle, path = tempfile.mkstemp(prefix="rantevou-keys-")
    os.write(handle, (secrets.token_urlsafe(48) + "\n").encode())
    os.close(handle)
    return path


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Runtime)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    table = f"measure-{os.getpid()}"
    create_table(table)
    env = dict(os.environ)
    env.update({
        "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{server.server_port}",
        "AWS_LAMBDA_FUNCTION_NAME": "measure",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_GROUP_NAME": "measure",
        "AWS_LAMBDA_LOG_STREAM_NAME": "measure",
        "RANTEVOU_TABLE": table,
        "RANTEVOU_NOW": "2026-11-28T10:00:00Z",
        "RANTEVOU_KEYS_FILE": keys_file(),
        "RUST_LOG": "error",
    })
    started = time.perf_counter()
    process = subprocess.Popen([BINARY], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not finished.wait(timeout=600):
            sys.exit(f"only {len(state['done'])} invocations finished")
        peak_kib = 0
        with open(f"/proc/{process.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    peak_kib = int(line.split()[1])
    finally:
        process.kill()
        process.wait()
    init_ms = (state["first_next"] - started) * 1000
    per = sorted(d * 1000 for d in state["done"])
    print(json.dumps({
        "binary": BINARY,
        "invocations": len(per),
        "statuses": sorted(set(state["statuses"])),
        "init_ms": round(init_ms, 1),
        "invocation_median_ms": round(statistics.median(per), 2),
        "invocation_p99_ms": round(per[int(len(per) * 0.99) - 1], 2),
        "peak_rss_mib": round(peak_kib / 1024, 1),
    }))


main()
