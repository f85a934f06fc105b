"""Serve the workshop page on this computer: ``python run.py workshop [SCENARIO] [--host H] [--port P]``.

The server binds 127.0.0.1 unless told otherwise (a warning says when the page is reachable from other
machines), prints its address and opens nothing else: no browser, no external URL (Dash serves its own
scripts and the page uses no CDN and no web font, so it works offline).
"""

from __future__ import annotations

import ipaddress
import logging
import sys
import threading
from pathlib import Path
from typing import TextIO

from werkzeug.serving import BaseWSGIServer, make_server


class ServeError(ValueError):
    """A user's mistake in starting the server (a port in use, a broken scenario): one line."""


def is_loopback(host: str) -> bool:
    """True when ``host`` only answers this computer (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def address(server: BaseWSGIServer) -> str:
    host = server.host if ":" not in server.host else f"[{server.host}]"
    return f"http://{host}:{server.server_port}/"


def start(scenario: str | Path, host: str = "127.0.0.1", port: int = 8050, **options) -> BaseWSGIServer:
    """Build the app and bind its server (port 0: a free port); call ``serve_forever`` to answer requests."""
    from workshop.app import create_app
    from workshop.state import InputError

    try:
        app = create_app(scenario, **options)
    except InputError as error:
        raise ServeError(str(error)) from None
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request is noise in a meeting room
    try:
        return make_server(host, port, app.server, threaded=True)
    except OSError as error:
        raise ServeError(f"--host {host} --port {port}: cannot listen there ({error.strerror})") from None


def start_in_thread(scenario: str | Path, host: str = "127.0.0.1", port: int = 0, **options) -> BaseWSGIServer:
    """A server answering in a background thread (for tests and benchmarks); ``shutdown()`` stops it."""
    server = start(scenario, host, port, **options)
    threading.Thread(target=server.serve_forever, name="workshop", daemon=True).start()
    return server


def serve(scenario: str | Path, host: str = "127.0.0.1", port: int = 8050, out: TextIO | None = None) -> None:
    """Serve until interrupted, after printing the address (and a warning when bound beyond loopback)."""
    server = start(scenario, host, port)
    if not is_loopback(host):
        print(
            f"warning: --host {host} makes the page reachable from other computers on the network; "
            "use --host 127.0.0.1 to keep it on this one",
            file=sys.stderr,
        )
    print(f"workshop: {address(server)}  (Ctrl+C to stop)", file=out or sys.stdout, flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
