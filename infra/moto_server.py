"""Local DynamoDB + SES v2 endpoint for tests: moto, served single-threaded.

The stock `moto_server` is multi-threaded, and moto's TransactWriteItems snapshots and
restores whole tables, so concurrent transactions lose other clients' writes. Serving every
request on one thread (werkzeug, threaded=False) serialises them and keeps them correct.

Usage: python3 infra/moto_server.py PORT_FILE   (binds 127.0.0.1 on a free port, writes it)
"""
import os
import sys

from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server


def main() -> None:
    port_file = sys.argv[1]
    app = DomainDispatcherApplication(create_backend_app)
    server = make_server("127.0.0.1", 0, app, threaded=False, processes=1)
    tmp = port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_port))
    os.replace(tmp, port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
