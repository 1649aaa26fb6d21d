"""Listening: the review desk on a socket, in the foreground (``annotator serve``) or a thread.

The socket is bound before the app is made, so the app knows the exact address it answers to
(port 0 picks a free port) and there is no window in which another program can take the port.

DOCS: docs/server.md
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time

import uvicorn

from annotator.errors import Location, ServerError
from annotator.server.app import create_app
from annotator.server.guard import LOOPBACK_NAMES
from annotator.workspace import Workspace

WILDCARDS = ("0.0.0.0", "::", "")
# Addresses of the documentation networks (RFC 5737, RFC 3849): "connecting" a UDP socket to one
# sends nothing and tells which local address the computer's route to the network would use.
_PROBES = {socket.AF_INET: "192.0.2.1", socket.AF_INET6: "2001:db8::1"}


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


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return False


def network_addresses(families: tuple[socket.AddressFamily, ...]) -> list[str]:
    """This computer's addresses other hosts may reach it at (not loopback, not link-local),
    as far as the standard library can tell: its host name's addresses and the address its
    route to the network leaves from. Nothing is sent."""
    found: list[str] = []
    for family in families:
        try:
            infos = socket.getaddrinfo(socket.gethostname(), None, family, socket.SOCK_STREAM)
        except OSError:
            infos = []
        found += [str(info[4][0]) for info in infos]
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            try:
                probe.connect((_PROBES[family], 9))
                found.append(str(probe.getsockname()[0]))
            except OSError:  # no route to any network
                pass
    return [a for a in dict.fromkeys(found)
            if not _is_loopback(a) and not ipaddress.ip_address(a.split("%")[0]).is_link_local]


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
        # uvicorn imports its protocol modules here, not after the address is printed: a
        # Ctrl-C that came while they loaded hung the process (an import interrupted mid-way)
        config.load()
        self.server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The address to open in a browser."""
        return self._url("127.0.0.1" if self.host in WILDCARDS else self.host)

    def _url(self, name: str) -> str:
        name = f"[{name}]" if ":" in name else name
        return f"http://{name}:{self.port}/"

    @property
    def exposed(self) -> bool:
        """Bound to an address other computers can reach (anything but loopback): the desk has
        no login, and its token only stops other web pages in a browser, so whoever can reach
        the address can read and change the workspace."""
        return self.host in WILDCARDS or not _is_loopback(str(self.sock.getsockname()[0]))

    def network_urls(self) -> list[str]:
        """The addresses other computers reach the desk at: the host given, or for a wildcard
        every address of this computer that can be found (empty when none can); empty when
        the desk listens on loopback only."""
        if not self.exposed:
            return []
        if self.host not in WILDCARDS:
            return [self._url(self.host)]
        both = (socket.AF_INET, socket.AF_INET6)
        families = both if self.sock.family == socket.AF_INET6 else (socket.AF_INET,)
        return [self._url(a) for a in network_addresses(families)]

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
