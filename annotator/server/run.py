"""Listening: the review desk on a socket, in the foreground (``annotator serve``) or a thread.

The socket is bound before the app is made, so the app knows the exact address it answers to
(port 0 picks a free port) and there is no window in which another program can take the port.

DOCS: docs/server.md
"""

from __future__ import annotations

import socket
import threading
import time

import uvicorn

from annotator.errors import Location, ServerError
from annotator.server.app import create_app
from annotator.server.guard import LOOPBACK_NAMES
from annotator.workspace import Workspace

WILDCARDS = ("0.0.0.0", "::", "")


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port``; a clear error when that is not possible."""
    if not 0 <= port <= 65535:  # getaddrinfo would silently wrap 99999 to another port
        raise ServerError(f"{port} is not a port", hint="give a port from 1 to 65535 with "
                          "--port (0 takes any free port)",
                          location=Location(f"{host}:{port}"), code="W108")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ServerError(f"cannot listen on '{host}' ({exc.strerror})",
                          hint="give an address such as 127.0.0.1 with --host",
                          location=Location(f"{host}:{port}"), code="W102") from None
    family, kind, proto, _, addr = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(addr)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise ServerError(f"cannot listen on port {port} ({exc.strerror})",
                          hint="another program uses it: pick another with --port "
                               "(0 takes any free port)",
                          location=Location(f"{host}:{port}"), code="W103") from None
    sock.set_inheritable(True)
    return sock


class LocalServer:
    """The review desk over one workspace, listening on ``host:port``."""

    def __init__(self, workspace: Workspace, *, host: str = "127.0.0.1", port: int = 8765,
                 token: str | None = None) -> None:
        self.sock = bind(host, port)
        self.host = host
        self.port = int(self.sock.getsockname()[1])
        self.app = create_app(workspace, token=token, hosts=(*LOOPBACK_NAMES, host),
                              any_ip=host in WILDCARDS)
        config = uvicorn.Config(self.app, log_level="warning", access_log=False,
                                proxy_headers=False, server_header=False, lifespan="off")
        self.server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The address to open in a browser."""
        name = "127.0.0.1" if self.host in WILDCARDS else self.host
        name = f"[{name}]" if ":" in name else name
        return f"http://{name}:{self.port}/"

    def run(self) -> None:
        """Serve until interrupted (Ctrl-C)."""
        self.server.run(sockets=[self.sock])

    def start(self, timeout: float = 10.0) -> LocalServer:
        """Serve in a background thread; return once it accepts requests."""
        self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                        name="annotator-serve", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise ServerError("the review desk did not start", hint="see the log above",
                                  location=Location(self.url), code="W104")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop a server started with ``start`` and wait for it."""
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.sock.close()
