"""The review desk's pages and actions: each action is the same library call as the CLI's.

``create_app(workspace)`` returns a Starlette app. Pages are rendered on the server with Jinja2
(autoescape on: every text from a source, a .bib or the register is escaped); htmx swaps the
parts that change. Requests run one at a time against the one ``Workspace`` (a lock), in a worker
thread, so a slow store never blocks the event loop and the SQLite connection is never shared
by two requests at once.

Two editors at once (a page and the CLI, or two tabs): a form carries the state token of what it
shows; the library refuses an act on something that changed meanwhile, and the page says so.

DOCS: docs/server.md
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from annotator.errors import AnnotatorError
from annotator.server import reading
from annotator.server.guard import LOOPBACK_NAMES, TOKEN_FIELD, Guard, new_token
from annotator.workspace import Workspace

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
Form = dict[str, str]
View = Callable[["Desk", Request, Form], Response]


class Desk:
    """One workspace served: its templates, its token, and the lock every request takes."""

    def __init__(self, workspace: Workspace, token: str) -> None:
        self.ws = workspace
        self.token = token
        self.lock = threading.Lock()
        self.env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True,
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        self.env.globals.update(token=token, token_field=TOKEN_FIELD)
        self._kinds: dict[tuple[str, str], list[str]] = {}

    def page(self, request: Request, name: str, *, status: int = 200,
             **context: Any) -> HTMLResponse:
        """Render a template; htmx requests get only its ``content`` block when it has one."""
        template = self.env.get_template(name)
        context = {"request": request, "workspace": self.ws.root.name,
                   "editor": self.ws.editor, "path": request.url.path, **context}
        if request.headers.get("hx-request") and "partial" in template.blocks \
                and not request.headers.get("hx-boosted"):
            html = "".join(template.blocks["partial"](template.new_context(context)))
        else:
            html = template.render(context)
        return HTMLResponse(html, status_code=status)

    def fail(self, request: Request, err: AnnotatorError) -> HTMLResponse:
        """An act the library refused: say why, where the editor is looking."""
        status = 409 if err.code in STALE_CODES else 400
        resp = self.page(request, "message.html", status=status, error=err)
        if request.headers.get("hx-request"):
            resp.headers["HX-Retarget"] = "#flash"
            resp.headers["HX-Reswap"] = "innerHTML"
        return resp

    def block_kinds(self, source_id: str) -> list[str]:
        """The element name of each block of a source (head, p, note...), for styling."""
        tm = self.ws.textmap(source_id)
        key = (source_id, tm.sha256)
        if key not in self._kinds:
            nodes = list(self.ws.parsed(source_id).root.iter())
            kinds = []
            for start in tm.blocks:
                kinds.append(_block_name(nodes, tm.tree_pos(start)) if start < len(tm.text)
                             else "p")
            self._kinds[key] = kinds
        return self._kinds[key]

    def run(self, view: View, request: Request, form: Form) -> Response:
        with self.lock:
            try:
                return view(self, request, form)
            except AnnotatorError as err:
                return self.fail(request, err)


# Error codes that mean "this changed since your page was drawn" (answered 409, not 400).
STALE_CODES = frozenset({"D101", "W101"})


def _block_name(nodes: list[Any], pos: Any) -> str:
    if pos is None:
        return "p"
    from annotator.tei.textmap import BLOCK, TAIL, _local

    el = nodes[pos.node]
    if pos.slot == TAIL:
        el = el.getparent()
    while el is not None and _local(el) not in BLOCK:
        el = el.getparent()
    return _local(el) if el is not None else "p"


def _endpoint(desk: Desk, view: View) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        form: Form = {}
        if request.method == "POST":
            body = (await request.body()).decode("utf-8", "replace")
            form = {k: v for k, v in parse_qsl(body, keep_blank_values=True) if k != TOKEN_FIELD}
        return await run_in_threadpool(desk.run, view, request, form)

    endpoint.__name__ = view.__name__
    return endpoint


def back(request: Request, default: str) -> Response:
    """After a plain (non-htmx) form post: go back to the page it came from."""
    return RedirectResponse(request.headers.get("referer") or default, status_code=303)


# -- pages ------------------------------------------------------------------------------------
def sources_page(desk: Desk, request: Request, form: Form) -> Response:
    """The sources with their counts: where to start reading."""
    return desk.page(request, "sources.html", sources=desk.ws.sources(),
                     counts=desk.ws.source_counts(), nav="sources")


def reading_page(desk: Desk, request: Request, form: Form) -> Response:
    """One source to read: mentions by type and status, claims by support, page numbers."""
    sid = request.path_params["source_id"]
    src = desk.ws.source(sid)
    tm = desk.ws.textmap(sid)
    highlights: list[reading.Highlight] = []
    html = reading.render_reading(tm.text, tm.blocks, tm.pages, highlights,
                                  block_kinds=desk.block_kinds(sid))
    return desk.page(request, "reading.html", source=src, body=html, nav="sources",
                     pages=len(tm.pages))


# -- the app ----------------------------------------------------------------------------------
ROUTES: list[tuple[str, View, tuple[str, ...]]] = [
    ("/", sources_page, ("GET",)),
    ("/s/{source_id}", reading_page, ("GET",)),
]


def create_app(workspace: Workspace, *, token: str | None = None,
               hosts: tuple[str, ...] = LOOPBACK_NAMES, any_ip: bool = False) -> Starlette:
    """The review desk over ``workspace`` as an ASGI app.

    ``token`` is the secret every state-changing request must carry (default: a fresh random
    one); ``hosts`` are the host names the app answers to (loopback by default), ``any_ip`` also
    accepts IP literals (a server bound to 0.0.0.0 is reached by its LAN address).
    """
    desk = Desk(workspace, token or new_token())
    routes: list[Any] = [Route(path, _endpoint(desk, view), methods=list(methods))
                         for path, view, methods in ROUTES]
    routes.append(Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"))
    app = Starlette(routes=routes, middleware=[
        Middleware(Guard, token=desk.token, hosts=hosts, any_ip=any_ip)])
    app.state.desk = desk
    return app
