"""A real CalDAV server for the tests: Radicale or Xandikos, on a free loopback port.

    PYTHON infra/caldav_server.py radicale|xandikos DIR

(PYTHON: the tool's own, from `infra/bin/py-tool radicale==… / xandikos==…`.) Starts the server
over the folder DIR, makes one calendar collection (Radicale: with a user `anna`, password
`5ecret-pw`, HTTP Basic; Xandikos: no authentication, as it is run behind a proxy), prints
`READY <collection URL>` and then serves until its standard input closes (the test ends).
Lines on standard input act on the calendar as a calendar program would: `PUT NAME FILE`
stores the iCalendar object in FILE as NAME.ics, `DELETE NAME` removes it; each answers a line
`DONE <HTTP status>`.
"""

import base64
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

USER, PASSWORD = "anna", "5ecret-pw"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(method: str, url: str, body: bytes = b"", auth: bool = False) -> int:
    req = urllib.request.Request(url, data=body or None, method=method)
    if body:
        req.add_header("Content-Type", "text/calendar; charset=utf-8")
    if auth:
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        req.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(req, timeout=5) as answer:
            return answer.status
    except urllib.error.HTTPError as e:
        return e.code


def main() -> None:
    kind, folder = sys.argv[1], sys.argv[2]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    if kind == "radicale":
        with open(f"{folder}/users", "w", encoding="utf-8") as f:
            f.write(f"{USER}:{PASSWORD}\n")
        command = [
            sys.executable, "-m", "radicale",
            "--server-hosts", f"127.0.0.1:{port}",
            "--storage-filesystem-folder", f"{folder}/collections",
            "--auth-type", "htpasswd",
            "--auth-htpasswd-filename", f"{folder}/users",
            "--auth-htpasswd-encryption", "plain",
            "--logging-level", "warning",
        ]
        collection, auth = f"{base}/{USER}/work/", True
    elif kind == "xandikos":
        command = [
            sys.executable, "-m", "xandikos.web",
            "--defaults", "-d", f"{folder}/store",
            "-l", "127.0.0.1", "-p", str(port),
        ]
        collection, auth = f"{base}/user/calendars/calendar/", False
    else:
        sys.exit(f"caldav_server.py: {kind}: radicale or xandikos")
    server = subprocess.Popen(command, stdout=sys.stderr, stderr=sys.stderr)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        if kind == "radicale":
            status = request("MKCALENDAR", collection, auth=True)
            if status != 201:
                sys.exit(f"caldav_server.py: MKCALENDAR answered {status}")
        print(f"READY {collection}", flush=True)
        for line in sys.stdin:
            words = line.split()
            if words[:1] == ["PUT"] and len(words) == 3:
                with open(words[2], "rb") as f:
                    status = request("PUT", f"{collection}{words[1]}.ics", f.read(), auth)
            elif words[:1] == ["DELETE"] and len(words) == 2:
                status = request("DELETE", f"{collection}{words[1]}.ics", auth=auth)
            else:
                status = 400
            print(f"DONE {status}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
