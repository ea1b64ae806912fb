"""Measures a function's bootstrap against a minimal local Lambda Runtime API.

    infra/bin/moto exec -- python3 infra/measure_bootstrap.py BINARY EVENT.json [INVOCATIONS]

Starts BINARY as Lambda would (AWS_LAMBDA_RUNTIME_API pointing here), and reports:
- init: process start -> its first `GET /runtime/invocation/next` (the runtime is ready),
- the median and p99 time per invocation (event handed out -> response posted),
- peak resident memory (VmHWM) after all invocations.
The function talks to the DynamoDB endpoint in the environment (moto under `moto exec`), into
a table this script creates from infra/dynamodb-table.json.

`measure(command, env, event, count)` is the same measurement for another caller (the deploy
rehearsal, infra/rehearse.py, which starts an arm64 bootstrap under qemu with the
environment its template gives it).
"""
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Runtime(BaseHTTPRequestHandler):
    """The Runtime API's `next`, `response` and `error`; the state is the server's."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        run = self.server.run
        if not self.path.endswith("/invocation/next"):
            self.send_error(404)
            return
        now = time.perf_counter()
        if run["first_next"] is None:
            run["first_next"] = now
        if run["n"] >= run["count"]:
            run["finished"].set()
            time.sleep(3600)  # keep the runtime waiting, as Lambda does between events
            return
        run["n"] += 1
        request_id = f"req-{run['n']}"
        run["handed"][request_id] = now
        body = run["event"]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Lambda-Runtime-Aws-Request-Id", request_id)
        self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 60_000))
        self.send_header("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:eu-central-1:123456789012:function:measure")
        self.send_header("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0")
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        run = self.server.run
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        parts = self.path.split("/")
        if "invocation" in parts and parts[-1] in ("response", "error"):
            request_id = parts[-2]
            run["done"].append(time.perf_counter() - run["handed"].pop(request_id, time.perf_counter()))
            try:
                answer = json.loads(body)
                run["answers"].append(answer.get("statusCode", answer) if isinstance(answer, dict) else answer)
            except ValueError:
                run["answers"].append(None)
        elif parts[-1] == "error":  # init error
            run["init_error"] = body.decode(errors="replace")
            run["finished"].set()
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()


def measure(command, env, event, count=1, timeout=600):
    """Starts `command` (a list) with `env` plus the Runtime API's variables, hands it `event`
    (bytes) `count` times; returns init, per-invocation times, answers and peak memory."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Runtime)
    server.daemon_threads = True
    server.run = {"first_next": None, "handed": {}, "done": [], "answers": [], "n": 0,
                  "count": count, "event": event, "finished": threading.Event(), "init_error": None}
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = dict(env)
    env.update({
        "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{server.server_port}",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_GROUP_NAME": "measure",
        "AWS_LAMBDA_LOG_STREAM_NAME": "measure",
    })
    env.setdefault("AWS_LAMBDA_FUNCTION_NAME", "measure")
    run = server.run
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + timeout
        while not run["finished"].wait(timeout=0.2):
            if process.poll() is not None:
                raise RuntimeError(f"{command[-1]} exited with {process.returncode} after "
                                   f"{len(run['done'])} invocation(s)")
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {len(run['done'])} invocations finished")
        if run["init_error"] is not None:
            raise RuntimeError(f"{command[-1]} failed its init: {run['init_error']}")
        peak_kib = 0
        with open(f"/proc/{process.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    peak_kib = int(line.split()[1])
    finally:
        process.kill()
        process.wait()
        server.shutdown()
    per = sorted(d * 1000 for d in run["done"])
    return {
        "init_ms": round((run["first_next"] - started) * 1000, 1),
        "invocations": len(per),
        "answers": run["answers"],
        "invocation_median_ms": round(statistics.median(per), 2),
        "invocation_p99_ms": round(per[max(int(len(per) * 0.99) - 1, 0)], 2),
        "peak_rss_mib": round(peak_kib / 1024, 1),
    }


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
    binary, event = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    table = f"measure-{os.getpid()}"
    create_table(table)
    env = dict(os.environ)
    env.update({
        "RANTEVOU_TABLE": table,
        "RANTEVOU_NOW": "2026-11-28T10:00:00Z",
        "RANTEVOU_KEYS_FILE": keys_file(),
        "RUST_LOG": "error",
    })
    result = measure([binary], env, open(event, "rb").read(), count)
    result["binary"] = binary
    result["statuses"] = sorted(set(a for a in result.pop("answers") if isinstance(a, int)))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
