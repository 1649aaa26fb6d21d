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

import itertools
import json
import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qsl, quote, urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import escape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.convertors import IntegerConvertor, register_url_convertor
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from annotator.acts.queue import known_line
from annotator.acts.undo import Blocked
from annotator.bibliography.entries import names_read, plain, year_written
from annotator.dates import markup_date_note
from annotator.entities.authority import AUTHORITIES
from annotator.entities.similar import merge_note
from annotator.errors import (SEE_HISTORY, AnnotatorError, DecisionError, Location,
                              ServerError)
from annotator.records import (MAX_ROW_ID, BibEntry, Decision, Entity, Link, Mention,
                               SourceWarning, again_note, now_near, row_id)
from annotator.server import reading
from annotator.server.guard import LOOPBACK_NAMES, TOKEN_FIELD, Guard, new_token
from annotator.tei.elements import Elements
from annotator.tei.textmap import TextMap, TreePos, context
from annotator.text import fold, widened_note
from annotator.vocab import (CLAIM_KINDS, CLAIM_STATES, ENTITY_TYPES, LINK_RELS, MENTION_TYPES,
                             SUPPORT)
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
        # the templates ship with the package: not looked at again on every request
        self.env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True,
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                               auto_reload=False)
        self.env.globals.update(token=token, token_field=TOKEN_FIELD, stale_codes=STALE_CODES,
                                missing_codes=MISSING_CODES,
                                authority_url=authority_url, year_of=work_year, plain=plain,
                                names_read=names_read,
                                support=SUPPORT, claim_states=CLAIM_STATES, entity_types=ENTITY_TYPES,
                                link_rels=LINK_RELS, authorities=tuple(AUTHORITIES),
                                mention_types=MENTION_TYPES,
                                type_keys=TYPE_KEYS, type_plurals=TYPE_PLURALS)
        self.pages: dict[str, tuple[Any, str, Any]] = {}  # id -> (store version, HTML, counts)
        self.answers: dict[str, tuple[Any, Any]] = {}  # question -> (store version, answer)
        self.readings: dict[str, tuple[str, reading.Reading]] = {}  # source id -> (sha, view)
        self.writes = 0  # state-changing requests served (their commits are on our connection)
        self.renders = itertools.count(1)  # lets a page (and a test) see that a part was redrawn

    def page(self, request: Request, name: str, *, http_status: int = 200,
             **context: Any) -> HTMLResponse:
        """Render a template; htmx requests get only its ``content`` block when it has one."""
        template = self.env.get_template(name)
        last = self.last_decision()
        context = {"request": request, "workspace": self.ws.root.name,
                   "editor": self.ws.editor, "path": request.url.path,
                   "last_decision": last, **context}
        if request.headers.get("hx-request") and "partial" in template.blocks \
                and not request.headers.get("hx-boosted"):
            html = "".join(template.blocks["partial"](template.new_context(context)))
        else:
            html = template.render(context)
        return HTMLResponse(html, status_code=http_status, headers={
            "Cache-Control": "no-store", DECISION_HEADER: str(last)})

    def last_decision(self) -> int:
        """Id of the newest decision in the log (0 when there is none)."""
        return self.ws.store.last_decision()

    def fail(self, request: Request, err: AnnotatorError) -> HTMLResponse:
        """An act the library refused: say why, where the editor is looking (the log is the
        History page here, not 'annotator history')."""
        if err.hint and SEE_HISTORY in err.hint:
            err.hint = err.hint.replace(SEE_HISTORY, "see the History page (g h)")
        status = 409 if err.code in STALE_CODES else 404 if err.code in MISSING_CODES else 400
        resp = self.page(request, "message.html", http_status=status, error=err)
        if request.headers.get("hx-request"):
            resp.headers["HX-Retarget"] = "#flash"
            resp.headers["HX-Reswap"] = "innerHTML"
        return resp

    def store_version(self) -> tuple[int, int]:
        """Changes when anything may have changed the store: another connection committed
        (``PRAGMA data_version``) or this server handled a state-changing request."""
        return self.ws.store.data_version(), self.writes

    def kept(self, question: str, answer: Callable[[], Any]) -> Any:
        """``answer()``, asked again only when the store may have changed (``store_version``):
        summaries of the whole workspace count every mention."""
        version = self.store_version()
        got = self.answers.get(question)
        if got is None or got[0] != version:
            got = self.answers[question] = (version, answer())
        return got[1]

    def run(self, view: View, request: Request, form: Form) -> Response:
        with self.lock:
            if request.method not in ("GET", "HEAD"):
                self.writes += 1
            try:
                return view(self, request, form)
            except AnnotatorError as err:
                return self.fail(request, err)
            except Exception:  # a bug: its traceback goes to the server's log, a line to the page
                log.exception("%s %s failed", request.method, request.url.path)
                bug = ServerError("the review desk failed on this request (a bug)",
                                  hint="the traceback is in the terminal running "
                                       "'annotator serve'; please report it",
                                  location=Location(request.url.path), code="W199")
                resp = self.fail(request, bug)
                resp.status_code = 500
                return resp


# Every page says how far the decisions log went when it was drawn; the page script remembers
# it, and on the next visit shows what was decided since (by the CLI, another tab...).
DECISION_HEADER = "X-Annotator-Decision"
CHANGES_SHOWN = 12

# Error codes that mean "this changed since your page was drawn" (answered 409, not 400).
STALE_CODES = frozenset({"D010", "D312", "W101", "W111", "W112", "W113"})
# Error codes that mean "there is no such thing" (a source, entity, claim or link id in the
# address): answered 404, as a page that does not exist is.
MISSING_CODES = frozenset({"S015", "D306", "D311", "W110"})


def _block_kinds(tm: TextMap) -> list[str]:
    """The element name of each block of a source (head, p, note...), for styling; from the
    map's ``elements``, so a page is drawn without parsing the file."""
    els = tm.elements()
    return [_block_name(els, tm.roles, tm.tree_pos(start)) if start < len(tm.text) else "p"
            for start in tm.blocks]


def _block_name(els: Elements, roles: Sequence[int], pos: TreePos | None) -> str:
    """The name of the block element holding ``pos``: the nearest element read as a block
    there (a quote inside a sentence is inline, its paragraph the block)."""
    if pos is None:
        return "p"
    from annotator.tei.textmap import ROLE_CODE, TAIL

    block = ROLE_CODE["block"]
    node = els.parent[pos.node] if pos.slot == TAIL and pos.node >= 0 else pos.node
    while node >= 0:
        if roles[node] == block:
            return els.tags[node].rsplit("}", 1)[-1]
        node = els.parent[node]
    return "p"


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
    """The sources with their counts: where to start reading; each marked with what 'sources'
    warns of (S016: its file edited by hand since it was added; S026: its dates disagree),
    so the desk says which file is the problem."""
    sources = desk.ws.sources()
    warned = desk.ws.source_warnings(sources)
    edited = desk.ws.edited_sources(sources)
    return desk.page(request, "sources.html", sources=sources,
                     warnings={s.id: [w for w in (warned.get(s.id), edited.get(s.id)) if w]
                               for s in sources},
                     counts=desk.kept("source_counts", desk.ws.source_counts), nav="sources")


def _edited(desk: Desk, source_ids: Iterable[str] | None = None) -> dict[str, SourceWarning]:
    """S016 of these sources (default: all) whose file was edited by hand since it was added,
    by id: their pages read them as the store keeps them, as 'claims' does, under a banner."""
    ids = None if source_ids is None else set(source_ids)
    return desk.ws.edited_sources(s for s in desk.ws.sources() if ids is None or s.id in ids)


def _textmap(desk: Desk, source_id: str, edited: dict[str, SourceWarning]) -> TextMap:
    """The source's reading text: an edited file's (``edited``) the version the store keeps,
    which its mentions' and claims' offsets hold for, not the file (which is refused, S016)."""
    if source_id in edited:
        tm = desk.ws.version_textmap(source_id, desk.ws.source(source_id).sha256)
        if tm is not None:
            return tm
    return desk.ws.textmap(source_id)


def _reading_html(desk: Desk, source_id: str) -> tuple[str, int, dict[str, Counter[str]]]:
    """The reading text of a source with its mentions and claims marked, its page count, and
    its mentions and claims counted by status.

    Kept per source and looked at again only when the store may have changed: a commit by
    another connection (SQLite's ``data_version``: the CLI, another process) or a
    state-changing request to this server. Then only the blocks whose marks changed are drawn
    again (``reading.Reading``).
    """
    tm = _textmap(desk, source_id, _edited(desk, [source_id]))
    key = (tm.sha256, desk.store_version())
    cached = desk.pages.get(source_id)
    if cached is not None and cached[0] == key:
        return cached[1], len(tm.pages), cached[2]
    view = desk.readings.get(source_id)
    if view is None or view[0] != tm.sha256:
        view = (tm.sha256, reading.Reading(tm.text, tm.blocks, tm.pages,
                                           _block_kinds(tm)))
        desk.readings[source_id] = view
    mentions = desk.ws.mention_marks(source_id)
    claims = desk.ws.claims(source_id=source_id, stored=True)
    marks = [reading.Highlight(s, e, reading.MENTION, i, f"{t} {st}")
             for i, s, e, t, st in mentions]
    marks += [reading.Highlight(c.start, c.end, reading.CLAIM, c.id, f"{c.status} {c.state}",
                                f"claim {c.id}: {c.status}, {c.state}")
              for c in claims]
    html = view[1].render(marks)
    counts = {"mentions": Counter(m[4] for m in mentions),
              "claims": Counter(c.status for c in claims)}
    desk.pages[source_id] = (key, html, counts)
    return html, len(tm.pages), counts


def reading_page(desk: Desk, request: Request, form: Form) -> Response:
    """One source to read: mentions by type and status, claims by support, page numbers."""
    sid = request.path_params["source_id"]
    src = desk.ws.source(sid)
    html, pages, counts = _reading_html(desk, sid)
    asked = _session(request.query_params.get("session", ""))
    session = _undoable(desk, asked)
    return desk.page(request, "reading.html", source=src, body=html, nav="sources", pages=pages,
                     edited=_edited(desk, [sid]),
                     counts=counts, claim_kinds=CLAIM_KINDS, source_id=sid, oob=False,
                     session=_kept(session), undone_since=_gone(asked, session),
                     **_offer(desk, session))


def _gone(asked: Sequence[int], left: Sequence[int]) -> list[int]:
    """The page's decisions undone since it was drawn (History, the CLI, another tab): its bar
    says so rather than 'nothing decided on this page yet'."""
    return [i for i in asked if i not in set(left)]


def _session(text: str) -> list[int]:
    """The decisions made on a page (``session``: ids, oldest first), as the queue keeps them:
    ``u`` takes back the last one."""
    return [i for i in map(row_id, text.split(",")) if i is not None][-SESSION_UNDO:]


def _kept(session: Sequence[int]) -> str:
    """The page's decisions as its address and forms carry them (``session``)."""
    return ",".join(map(str, session[-SESSION_UNDO:]))


def _offer(desk: Desk, session: Sequence[int]) -> dict[str, Any]:
    """What a page's ``u`` offers, for its button: the decision it takes back (``undoable``:
    the library's plain undo over the page's own decisions, so only the newest of them, never
    one a later decision changed or one undone elsewhere; None: none), and when the newest
    cannot be undone, why, what to do and the newest of them that can be, by id (``blocked``,
    in the library's words, as the CLI says them)."""
    undoable, blocked = desk.ws.undo_next(among=session)
    return {"undoable": undoable, "blocked": blocked}


def _made(desk: Desk, form: Form, decision_id: int) -> list[int]:
    """The page's decisions (its ``session`` less those undone since) and the one just made."""
    return [*_undoable(desk, _session(form.get("session", ""))), decision_id]


def _undoable(desk: Desk, session: list[int]) -> list[int]:
    """The page's decisions less those undone since (from History, the CLI, another tab): the
    page's address and forms keep what is left (``_offer`` says which of them ``u`` takes).
    One query, however many decisions the page keeps."""
    return desk.ws.in_force(session)


def _page_undo(desk: Desk, form: Form, where: str) -> tuple[Decision | None, list[int],
                                                            DecisionError | None]:
    """``u`` on a page (the queue, the reading view): undo the decision its button named
    (``undo``, one of the page's ``session``), or without it the one the button would name
    now (``_offer``). Refused (D008: undone or changed since the page was drawn, which the
    refusal names), the refusal says which one ``u`` now offers: the undone decision (or
    None), the page's decisions left, the refusal (or None)."""
    session = _session(form.get("session", ""))
    named = row_id(form.get("undo", ""))
    if named is None or named not in session:
        now, blocked = desk.ws.undo_next(among=session)
        if now is None:
            raise ServerError("nothing to undo on this page", hint=_blocked_hint(blocked),
                              location=Location(where), code="W107")
        named = now.id
    try:
        undone = desk.ws.undo(named)
    except DecisionError as err:
        if err.code != "D008":
            raise
        rest = _undoable(desk, session)
        now, blocked = desk.ws.undo_next(among=rest)
        if now is not None:
            offer = f"u now offers this page's decision {now.id} ({now.act} {now.target})"
        elif blocked is not None and blocked.older is not None:
            offer = _older_way(blocked.older)
        else:
            offer = f"nothing else decided on this page can be undone; {HISTORY_UNDOES}"
        err.hint = f"{err.hint}; {offer}" if err.hint else offer
        return None, rest, err
    return undone, _undoable(desk, session), None


def _blocked_hint(blocked: Blocked | None) -> str:
    """Why a page's ``u`` takes nothing back, in the library's words (as ``annotator undo``
    says them), and the page's newest decision that can be undone, by id; never a decision of
    another page: History lists the older ones."""
    if blocked is None:
        return HISTORY_UNDOES
    d, older = blocked.decision, blocked.older
    can = _older_way(older) if older else HISTORY_UNDOES
    return (f"decision {d.id} ({d.act} {d.target}) cannot be undone: {blocked.why}; "
            f"{blocked.remedy}; {can}")


def _older_way(older: Decision) -> str:
    """The page's newest decision that can be undone, past a newer one that cannot: u does not
    take it back unasked; the editor may, by id, or on History, which offers the newest that
    can be undone (this one, when no newer decision can be)."""
    return (f"this page's newest decision that can be undone is {older.id} ({older.act} "
            f"{older.target}): 'annotator undo {older.id}' takes it back, as History does when "
            "no newer decision can be undone")


# where a page sends the editor for what its u does not take back: History's button offers the
# newest decision that can be undone, past one that cannot (the page's u never passes over)
HISTORY_UNDOES = "History lists older decisions and undoes the newest that can be undone"


def _with_undo(desk: Desk, request: Request, resp: Response, source_id: str,
               session: list[int], undone_since: Sequence[int] = (), done: str = "") -> Response:
    """An answer to an act from the reading view, with the page's undo bar (naming the last
    decision made on the page) and its address keeping them: a reload can still undo.
    ``session``: the page's decisions not undone (``_made``, ``_page_undo``);
    ``undone_since``: those of the page undone elsewhere, which the bar says; ``done``: what
    the act did, for the page's message line (``_said``)."""
    if done:
        _said(resp, done)
    bar = desk.env.get_template("_undo_bar.html").render(
        source_id=source_id, session=_kept(session), oob=True, undone_since=undone_since,
        **_offer(desk, session))
    resp.body = bytes(resp.body) + bar.encode()
    resp.headers["content-length"] = str(len(resp.body))
    resp.headers["HX-Replace-Url"] = _reading_address(source_id, session)
    return resp


def _said(resp: Response, done: str) -> Response:
    """``done`` said in the page's message line (#flash, read out), by the page script, as
    text (HX-Trigger ``annotator:done``): what the last act did, never an earlier act's
    message or refusal left standing there; '' empties it (a page that says the act in its
    own content: the queue's card, the claim page)."""
    resp.headers["HX-Trigger"] = json.dumps({"annotator:done": done})
    return resp


def _reading_address(source_id: str, session: Sequence[int]) -> str:
    """The reading view's address, keeping the page's decisions."""
    kept = _kept(session)
    return f"/s/{quote(source_id)}" + ("?" + urlencode({"session": kept}) if kept else "")


def reading_undo(desk: Desk, request: Request, form: Form) -> Response:
    """``u`` in the reading view: undo the last decision made on this page (refused, as any
    undo is, when it is undone already or a later decision changed what it changed)."""
    sid = request.path_params["source_id"]
    desk.ws.source(sid)
    undone, session, refused = _page_undo(desk, form, f"/s/{sid}")
    if refused is not None:
        if not request.headers.get("hx-request"):
            raise refused
        # refused because the store changed under the page: what changed is drawn again
        # (the marks, the counts, the open panel) with the refusal, as an act's answer is
        resp = desk.fail(request, refused)
        resp.body = bytes(resp.body) + (_text_and_counts(desk, sid)
                                        + _open_panel(desk, request, form, sid)).encode()
        return _with_undo(desk, request, resp, sid, session,
                          undone_since=_gone(_session(form.get("session", "")), session))
    assert undone is not None
    done = (f"Undid decision {undone.undoes} ({undone.payload.get('act', '')} "
            f"{undone.target}).")
    if not request.headers.get("hx-request"):
        return RedirectResponse(_reading_address(sid, session), status_code=303)
    said = f'<div class="message ok" role="status">{escape(done)}</div>'
    resp = HTMLResponse(said + _text_and_counts(desk, sid),
                        headers={"Cache-Control": "no-store",
                                 DECISION_HEADER: str(desk.last_decision())})
    return _with_undo(desk, request, resp, sid, session, done=done)


def _text_and_counts(desk: Desk, source_id: str) -> str:
    """The reading text and its counts as they are now, to swap in out of band."""
    html, _, counts = _reading_html(desk, source_id)
    tally = desk.env.get_template("_counts.html").render(counts=counts, support=SUPPORT, oob=True)
    return f'<div id="text" hx-swap-oob="innerHTML">{html}</div>' + tally


def _open_panel(desk: Desk, request: Request, form: Form, source_id: str) -> str:
    """The panel the page has open (``panel``, sent with ``u``: its mention's id, or
    ``claim:`` and its claim's id) as it is now, out of band; emptied when that mention or
    claim is gone. Nothing when no panel is open."""
    opened = form.get("panel", "")
    is_claim = opened.startswith(CLAIM_PANEL)
    pid = row_id(opened.removeprefix(CLAIM_PANEL))
    if pid is None:
        return ""
    inner = ""
    try:
        if is_claim:
            claim = desk.ws.claim(pid, stored=True)
            if claim.source_id == source_id:
                inner = bytes(desk.page(request, "_panel_claim.html", claim=claim).body).decode()
        else:
            mention = desk.ws.mention(pid)
            if mention.source_id == source_id:
                inner = bytes(_mention_panel(desk, request, mention).body).decode()
    except DecisionError:  # gone since (an undo took back its adding): emptied
        pass
    return f'<div id="panel" hx-swap-oob="innerHTML">{inner}</div>'


CLAIM_PANEL = "claim:"  # an open claim panel's ``panel`` value starts so; a mention's is its id


AGENT_KINDS = ("attributed", "quoted")  # claim kinds that have an agent (who says it)


def _check_source(desk: Desk, source_id: str, form: Form) -> None:
    """A selection's offsets hold for the version of the source its page was drawn from."""
    src = desk.ws.source(source_id)
    if form.get("sha256") and form["sha256"] != src.sha256:
        raise ServerError("the source changed since this page was loaded",
                          hint="reload the page and select the text again",
                          location=Location(src.file), code="W111")


def add_on_selection(desk: Desk, request: Request, form: Form) -> Response:
    """Selected text in the reading view becomes a mention (of a type) or a claim."""
    sid = request.path_params["source_id"]
    _check_source(desk, sid, form)
    start, end = _int(form, "start"), _int(form, "end")
    what = form.get("what", "")
    if what == "claim":
        kind = form.get("kind") or "unattributed"
        agent = form.get("agent", "") if kind in AGENT_KINDS else ""
        row = desk.ws.add_claim(sid, span=(start, end), kind=kind, agent=agent)
        decision = row.decision_id  # this act's, not the log's newest (the CLI may commit)
        assert decision is not None
        said = again_note(row)  # a stale claim's words marked again: what it took over
        done = (f"Claim {row.id} added ({kind}{', by ' + row.agent if row.agent else ''})"
                + _widened(desk.ws.reading_text(sid), (start, end), (row.start, row.end)) + "."
                + (f" It {said}." if said.startswith("marks") else f" {said}." if said else ""))
    else:
        text = desk.ws.reading_text(sid)
        # whole words, then the edition's conventions
        d = desk.ws.add_mention(sid, start, end, what, as_edition=True)
        decision = d.id
        ids = d.payload.get("replaces")
        replaced = [desk.ws.mention(i) for i in (ids if isinstance(ids, list) else [])]
        got = (cast("int", d.payload["start"]), cast("int", d.payload["end"]))
        # the words marked, said: a selection on screen is what the editor checks it against
        done = f'{what.capitalize()} mention added: "{text[got[0]:got[1]]}"' + _widened(
            text, (start, end), got, joint="; ") + (
            ", replacing the proposal " + ", ".join(f"'{text[m.start:m.end]}'" for m in replaced)
            + " (one act: undo takes both back)" if replaced else "") + "."
    if not request.headers.get("hx-request"):
        return back(request, f"/s/{sid}")
    html, _, counts = _reading_html(desk, sid)
    html += desk.env.get_template("_counts.html").render(counts=counts, support=SUPPORT,
                                                          oob=True)
    return _with_undo(desk, request, HTMLResponse(html), sid, _made(desk, form, decision),
                      done=done)


def _widened(text: str, asked: tuple[int, int], got: tuple[int, int], joint: str = ": ") -> str:
    """': marked 'Molotov' (12:19), not 'Molot' (12:17), which cut a word' when a selection
    marked more (or less) than was selected (after ``joint``); else ''."""
    note = widened_note(text, asked, got)
    return f"{joint}{note}" if note else ""


def mention_panel(desk: Desk, request: Request, form: Form) -> Response:
    """A mention clicked in the reading view: its entity and what can be decided about it.

    The address opened as a page (a middle-click, a copied link: no htmx) is the reading view
    at that mention, its panel open, not the bare panel."""
    mention = _mention(desk, request)
    if not request.headers.get("hx-request"):
        return RedirectResponse(f"/s/{quote(mention.source_id)}#m{mention.id}", status_code=303)
    return _mention_panel(desk, request, mention)


def _mention(desk: Desk, request: Request) -> Mention:
    """The mention of the URL (/s/{source_id}/mention/{mention_id}).

    One that was there when the page was drawn and is gone now (an undo took back its adding,
    an act replaced it) is stale: 409. An id never given out, or another source's mention, is
    a wrong address: 404."""
    sid, mid = request.path_params["source_id"], request.path_params["mention_id"]
    try:
        mention = desk.ws.mention(mid)
    except DecisionError:
        mention = None
    if mention is not None and mention.source_id == sid:
        return mention
    desk.ws.source(sid)  # an unknown source says so (S015), as before
    if mention is None and desk.ws.mention_gone(mid):
        raise ServerError(f"mention {mid} was removed since this page was drawn (an undo, or "
                          "an act that replaced it)", hint="reload the page",
                          location=Location(f"mention:{mid}"), code="W101")
    raise ServerError(f"no page at '{request.url.path}': there is no mention {mid} in '{sid}'",
                      hint=f"open the source at /s/{sid}", location=Location(request.url.path),
                      code="W110")


def _mention_panel(desk: Desk, request: Request, mention: Mention, done: str = "") -> HTMLResponse:
    entity = desk.ws.entity(mention.entity_id) if mention.entity_id else None
    return desk.page(request, "_panel_mention.html", mention=mention, entity=entity,
                     tally=desk.ws.mention_tally(entity.id) if entity else {},
                     expected_mention=desk.ws.state_token(f"mention:{mention.id}"),
                     expected_entity=desk.ws.state_token(entity.id) if entity else "",
                     sha256=desk.ws.source(mention.source_id).sha256, done=done)


def mention_decide(desk: Desk, request: Request, form: Form) -> Response:
    """Decide from the reading view: the whole entity, or this one mention."""
    mention = _mention(desk, request)
    mid = mention.id
    act, scope = form.get("act", ""), form.get("scope", "entity")
    target = (f"entity:{mention.entity_id}" if scope == "entity" and mention.entity_id
              else f"mention:{mid}")
    expected = form.get("expected") or None
    if act == "confirm":
        d = desk.ws.confirm(target, expected=expected)
    elif act == "reject":
        d = desk.ws.reject(target, expected=expected)
    elif act.startswith("relabel:"):  # the entity (every mention), or a mention of none
        new = act.split(":", 1)[1]
        d = desk.ws.relabel(target, new, confirm=True, expected=expected)
        return _panel_and_text(desk, request, form, d, f"Accepted as {new}.")
    else:
        raise ServerError(f"unknown act '{act}'", hint="use the buttons of the panel",
                          location=Location(request.url.path), code="W114")
    what = "entity" if target.startswith("entity:") else "mention"
    return _panel_and_text(desk, request, form, d, f"{what.capitalize()} {act}ed.")


def _panel_and_text(desk: Desk, request: Request, form: Form, decision: Decision,
                    done: str) -> Response:
    """After an act from the mention panel: the panel again, the reading text redrawn, and
    the undo bar naming this decision."""
    source_id = request.path_params["source_id"]
    if not request.headers.get("hx-request"):
        return back(request, f"/s/{source_id}")
    resp = _mention_panel(desk, request, _mention(desk, request), done=done)
    html, _, counts = _reading_html(desk, source_id)
    tally = desk.env.get_template("_counts.html").render(counts=counts, support=SUPPORT, oob=True)
    resp.body = bytes(resp.body) + (f'<div id="text" hx-swap-oob="innerHTML">{html}</div>'
                                     + tally).encode()
    return _with_undo(desk, request, resp, source_id, _made(desk, form, decision.id), done=done)


def mention_date(desk: Desk, request: Request, form: Form) -> Response:
    """Correct a date mention's value from its panel (``Workspace.set_date``): confirmed; or,
    act 'julian' or 'gregorian', flag its words Old Style or clear the flag, as ``date set
    --julian/--gregorian`` does (a value read from the words follows the flag)."""
    mention = _mention(desk, request)
    act = form.get("act", "date")
    if act in ("julian", "gregorian"):
        d = desk.ws.set_date(mention.id, julian=act == "julian",
                             expected=form.get("expected") or None)
        shown = " ".join(f"{k}={v}" for k, v in desk.ws.mention(mention.id).date_value)
        said = "Flagged Old Style (Julian)" if act == "julian" else "Julian flag cleared"
        return _panel_and_text(desk, request, form, d, f"{said}: {shown}.")
    value = {k: form.get(k, "").strip() or None for k in ("when", "from", "to", "notBefore",
                                                          "notAfter")}
    if value["from"] or value["to"] or value["notBefore"] or value["notAfter"]:
        value["when"] = None  # bounds given: they are the value, not the old when
    d = desk.ws.set_date(mention.id, when=value["when"], from_=value["from"], to=value["to"],
                     not_before=value["notBefore"], not_after=value["notAfter"],
                     expected=form.get("expected") or None)
    shown = " ".join(f"{k}={v}" for k, v in desk.ws.mention(mention.id).date_value)
    note = markup_date_note(d.payload)  # the file's own date: exports keep the file's value
    said = f" W{note[1:]}." if note else ""
    return _panel_and_text(desk, request, form, d, f"Date set to {shown}.{said}")


def mention_adjust(desk: Desk, request: Request, form: Form) -> Response:
    """Correct a mention's span to the text selected over it (``Workspace.adjust``)."""
    mention = _mention(desk, request)
    _check_source(desk, mention.source_id, form)
    start, end = _int(form, "start"), _int(form, "end")
    if not (start < mention.end and mention.start < end):
        raise ServerError(f"the selection {start}:{end} does not overlap the mention "
                          f"'{mention.surface}' ({mention.start}:{mention.end})",
                          hint="select the right text over the mention, then adjust",
                          location=Location(f"mention:{mention.id}"), code="W109")
    d = desk.ws.adjust(mention.id, start, end, expected=form.get("expected") or None)
    surface = desk.ws.mention(mention.id).surface
    said = _widened(desk.ws.reading_text(mention.source_id), (start, end),
                    (cast("int", d.payload["start"]), cast("int", d.payload["end"])))
    return _panel_and_text(desk, request, form, d,
                           f"Mention adjusted to \u201c{surface}\u201d{said}.")


# -- the entity queue ----------------------------------------------------------------------------
def queue_page(desk: Desk, request: Request, form: Form, *, done: str = "",
               session: Sequence[int] = (), show: str = "") -> Response:
    """One candidate entity at a time, most mentions first, as in the terminal review;
    ``show``: this one first if it is still to decide (the entity a merge kept)."""
    if request.method == "GET":
        done = request.query_params.get("done", "")[:300]
        show = request.query_params.get("show", "")
        session = _undoable(desk, _session(request.query_params.get("session", "")))
    type_ = (form.get("type") if request.method == "POST"
             else request.query_params.get("type")) or None
    if type_ is not None and type_ not in ENTITY_TYPES:
        raise ServerError(f"unknown type '{type_}'", hint=f"use one of {', '.join(ENTITY_TYPES)}",
                          location=Location("/queue"), code="W105")
    ids = desk.ws.queue(type=type_)
    # the first QUEUE_SHOWN mentions in context (one per source first), a link to all of them:
    # an entity of thousands of mentions would take the page seconds to draw
    shown = QUEUE_SHOWN if request.query_params.get("shown") != "all" else None
    cand = desk.ws.candidate(show if show in ids else ids[0], limit=shown) if ids else None
    expected = cand.state if cand else ""
    known = known_line(cand) if cand else ""  # a known entity's card: its new mentions only
    # merge into any entity of the type, proposed too: the field offers them as you type
    offers = [e for e in desk.ws.entities(type=cand.entity.type, counts=False)
              if e.id != cand.entity.id and e.status != "rejected"][:MERGE_OFFERS] \
        if cand and not known else []
    # m then a number: the entities it is probably the same as, then register matches of its
    # type (one of another type is shown, never offered: a merge across types is refused, D032)
    merge_into = [s.other for s in cand.similar] if cand else []
    suggested = {o.id for o in merge_into}
    if cand:
        merge_into += [m for m in cand.matches
                       if m.id not in suggested and m.type == cand.entity.type]
    # each offered entity's state token as drawn: a merge is refused if either side changed
    tokens = {s.other.id: s.other_state for s in cand.similar} if cand else {}
    tokens |= {m.id: desk.ws.state_token(m.id) for m in merge_into[:9] if m.id not in tokens}
    more = _queue_address(type_ or "", session, shown="all")
    # the decision u takes back, named on its button as the reading view's is
    return desk.page(request, "queue.html", cand=cand, left=len(ids), expected=expected,
                     merge_offers=offers, merge_into=merge_into, tokens=tokens, more=more,
                     done=done, session=_kept(session), render=next(desk.renders),
                     nav="queue", type=type_ or "", known=known, **_offer(desk, session))


def _queue_address(type_: str, session: Sequence[int], **more: str) -> str:
    """The queue's address, keeping its type filter and the page's decisions."""
    return "/queue?" + urlencode({k: v for k, v in (("type", type_),
                                                    ("session", _kept(session)),
                                                    *more.items()) if v})


def queue_decide(desk: Desk, request: Request, form: Form) -> Response:
    """A key pressed on the queue: accept, reject (everywhere or in one source), change type,
    merge (the card's entity into another, or with ``M`` another into it), split, skip or undo.

    The same calls as ``annotator review``; ``session`` carries the ids of the decisions made
    on this page, so ``u`` undoes this editor's last one here, as in the terminal.
    """
    act, eid = form.get("act", ""), form.get("entity", "")
    expected = form.get("expected") or None
    show = ""  # the entity a merge kept: the next card if it is still to decide
    if act == "undo":
        undone, session, refused = _page_undo(desk, form, "/queue")
        if refused is not None:
            return _queue_refused(desk, request, form, refused, session)
        assert undone is not None
        done = f"Undid decision {undone.undoes} ({undone.payload.get('act', '')})."
    else:
        name = desk.ws.entity(eid).preferred if eid else ""
        if act == "confirm":
            d = desk.ws.confirm(eid, expected=expected)
            done = f"Accepted {name}."
        elif act == "reject":
            d = desk.ws.reject(eid, expected=expected)
            done = f"Rejected {name}."
        elif act.startswith("reject-here:"):
            sid = act.split(":", 1)[1]
            d = desk.ws.reject_in_source(eid, sid, expected=expected)
            done = f"Rejected {name} in {sid}; not proposed there again."
        elif act in ("confirm-proposed", "reject-proposed"):  # a known entity's new mentions
            d = (desk.ws.confirm_proposed if act == "confirm-proposed"
                 else desk.ws.reject_proposed)(eid, expected=expected)
            n = cast("int", d.payload["mentions"])
            done = (f"{'Accepted' if act == 'confirm-proposed' else 'Rejected'} {n} new "
                    f"mention{'s' * (n != 1)} of {name}; {name} stays as it is.")
        elif act.startswith("reject-proposed-here:"):
            sid = act.split(":", 1)[1]
            d = desk.ws.reject_in_source(eid, sid, proposed_only=True, expected=expected)
            done = (f"Rejected the new mentions of {name} in {sid}; not proposed there again; "
                    f"{name} stays as it is.")
        elif act == "skip":
            d = desk.ws.skip(eid)
            done = f"Skipped {name}; it comes back at the end."
        elif act.startswith("relabel:"):
            new = act.split(":", 1)[1]
            d = desk.ws.relabel(eid, new, confirm=True, expected=expected)
            done = f"Accepted {name} as {new}."
        elif act == "split":
            mids = [k.split(":", 1)[1] for k, v in form.items() if k.startswith("split:") and v]
            d = desk.ws.split(eid, mids, preferred=form.get("preferred", "").strip() or None,
                              expected=expected)
            born = desk.ws.entity(desk.ws.mention(mids[0]).entity_id or "")
            done = (f"Split {len(mids)} mention{'s' * (len(mids) != 1)} off {name} into "
                    f"{born.preferred} ({born.id}).")
        elif act.startswith(("merge:", "merge-here:")) or act == "merge-into":
            # m: the card's entity into the other; M (merge-here): the other into the card's
            other = desk.ws.entity(act.split(":", 1)[1]) if act != "merge-into" else \
                _entity_named(desk, form.get("into", ""), desk.ws.entity(eid).type)
            theirs = form.get(f"expected:{other.id}") or None  # its token as the card drew it
            if act.startswith("merge-here:"):
                d = desk.ws.merge(other.id, eid, expected=theirs, expected_into=expected)
                done = (f"Merged {other.preferred} ({other.id}) into {name}; kept "
                        f"{desk.ws.entity(eid).preferred} ({eid}).")  # named anew
                show = eid
            else:
                d = desk.ws.merge(eid, other.id, expected=expected, expected_into=theirs)
                done = (f"Merged {name} into {other.preferred}; kept "
                        f"{desk.ws.entity(other.id).preferred} ({other.id}).")
                show = other.id
            done += _merge_note(d)
        else:
            raise ServerError(f"unknown act '{act}'", hint="use the keys shown on the card",
                              location=Location("/queue"), code="W114")
        session = _made(desk, form, d.id)
    if not request.headers.get("hx-request"):  # a plain form post (no script): same outcome
        return RedirectResponse(_queue_address(form.get("type", ""), session, done=done,
                                               show=show), status_code=303)
    # the card says what was done: no earlier refusal left above it
    resp = _said(queue_page(desk, request, form, done=done, session=session, show=show), "")
    # the address keeps this page's decisions: a reload (or coming back) can still undo them
    resp.headers["HX-Replace-Url"] = _queue_address(form.get("type", ""), session)
    return resp


def _merge_note(d: Decision) -> str:
    """' Note: ...' when the sources' own markup points to both entities merged."""
    note = merge_note(d.payload)
    return f" N{note[1:]}." if note else ""


def _queue_refused(desk: Desk, request: Request, form: Form, err: DecisionError,
                   session: list[int]) -> Response:
    """``u`` refused on the queue: the refusal, and the card again with the page's decisions
    left, so the next ``u`` takes back the one before."""
    if not request.headers.get("hx-request"):
        raise err
    resp = desk.fail(request, err)
    card = queue_page(desk, request, form, session=session)
    resp.body = bytes(resp.body) + (b'<div id="queue" hx-swap-oob="innerHTML">' + bytes(card.body)
                                    + b"</div>")
    resp.headers["content-length"] = str(len(resp.body))
    resp.headers["HX-Replace-Url"] = _queue_address(form.get("type", ""), session)
    return resp


def _entity_named(desk: Desk, typed: str, type_: str) -> Entity:
    """The entity an editor typed into the merge field: its id, or a name only it has."""
    typed = " ".join(typed.split())
    hits = [e for e in desk.ws.entities(type=type_, counts=False) if e.status != "rejected"
            and typed.casefold() in {e.id.casefold(), e.preferred.casefold(),
                                     *(v.casefold() for v in e.variants)}]
    if len(hits) != 1:
        raise ServerError(f"{'no' if not hits else len(hits)} {type_} entit"
                          f"{'y' if len(hits) == 1 else 'ies'} named '{typed}'",
                          hint="pick one of the names the field offers (or type its id)",
                          location=Location("/queue"), code="W115")
    return hits[0]


QUEUE_SHOWN = 100  # mentions the queue shows of a candidate before "show all"
MERGE_OFFERS = 2000  # entities the merge field offers; any other can be typed by id
SESSION_UNDO = 50  # decisions of one queue page that 'u' can take back, newest last

# How the pages name an entity type (model.ENTITY_TYPES): the key that picks it, as in the
# terminal review, and the label of the queue's type filter.
TYPE_KEYS = {"person": "p", "place": "l", "org": "o", "date": "d"}
TYPE_PLURALS = {"person": "persons", "place": "places", "org": "organisations"}


# -- register ------------------------------------------------------------------------------------
AUTHORITY_URLS = {"wikidata": "https://www.wikidata.org/wiki/{}",
                  "viaf": "https://viaf.org/viaf/{}", "geonames": "https://www.geonames.org/{}",
                  "gnd": "https://d-nb.info/gnd/{}"}


def authority_url(scheme: str, value: str) -> str:
    """Where an authority id resolves, for a link in the register."""
    return AUTHORITY_URLS.get(scheme, "{}").format(quote(value, safe=""))


def register_page(desk: Desk, request: Request, form: Form) -> Response:
    """The register: persons, places and organisations, searchable, with authority ids."""
    q = request.query_params.get("q", "").strip()
    type_ = request.query_params.get("type", "") or None
    status = request.query_params.get("status", "confirmed")
    if status == "confirmed":
        entities = desk.ws.register(type=type_, query=q or None)
    else:
        entities = desk.ws.entities(status=status or None, type=type_)
        if q:
            needle = fold(q)
            entities = [e for e in entities if needle in fold(" ".join(
                [e.id, e.preferred, *e.variants, *(v for _, v in e.authority)]))]
    shown = entities[:REGISTER_ROWS]
    tokens = {e.id: desk.ws.state_token(e.id) for e in shown}
    return desk.page(request, "register.html", entities=shown, total=len(entities), q=q,
                     type=type_ or "", status=status, tokens=tokens, nav="register")


REGISTER_ROWS = 300


def entity_link(desk: Desk, request: Request, form: Form) -> Response:
    """Add an authority id (Wikidata, VIAF, GeoNames, GND) to a register entry."""
    eid = request.path_params["entity_id"]
    desk.ws.link(eid, form.get("scheme", ""), form.get("value", ""),
                 expected=form.get("expected") or None)
    if not request.headers.get("hx-request"):
        return back(request, "/register")
    e = desk.ws.entity(eid)
    return desk.page(request, "_register_row.html", e=e,
                     tokens={eid: desk.ws.state_token(eid)})


# -- claims --------------------------------------------------------------------------------------
def claims_page(desk: Desk, request: Request, form: Form) -> Response:
    """The claims table, filtered by support status, decision and source."""
    status = request.query_params.get("status", "") or None
    state = request.query_params.get("state", "") or None
    source = request.query_params.get("source", "") or None
    rows = desk.ws.claims(status=status, state=state, source_id=source, stored=True)
    tally = Counter(c.status for c in rows)
    return desk.page(request, "claims.html", claims=rows, sources=desk.ws.sources(),
                     edited=_edited(desk, {c.source_id for c in rows}),
                     status=status or "", state=state or "", source=source or "",
                     tally=[(s, tally[s]) for s in SUPPORT if tally[s]], nav="claims")


def claim_page(desk: Desk, request: Request, form: Form, *, done: str = "") -> Response:
    """One claim in its context, its links, and the two ways to link a source."""
    claim = desk.ws.claim(request.path_params["claim_id"], stored=True)
    edited = _edited(desk, [claim.source_id])
    now = _textmap(desk, claim.source_id, edited)
    # a stale claim's offsets hold for the version it was made on: its words there
    tm = now if now.sha256 == claim.sha256 else \
        desk.ws.version_textmap(claim.source_id, claim.sha256)
    text = tm.text if tm is not None else claim.text
    start, end = (claim.start, claim.end) if tm is not None else (0, len(text))
    before, after = context(text, start, end, CONTEXT)
    links = [{"link": link, "label": _link_label(desk, link)} for link in claim.links
             if link.status != "rejected"]
    others = [s for s in desk.ws.sources() if s.id != claim.source_id] or desk.ws.sources()
    agents = [e for t in ("person", "org") for e in desk.ws.entities(type=t, counts=False)
              if e.status != "rejected"][:MERGE_OFFERS]
    # the claims the list shows (rejected ones are not), in its order: 'claim 15 of 15' counts
    # them, and j / k walk them; from a rejected claim they go to its listed neighbours
    # (one reading of every claim: the list's are those of every state but rejected)
    order, listed = desk.kept("claim_order", lambda: _claim_order(desk.ws))
    shown = set(listed)
    before_ = [i for i in order[:order.index(claim.id)] if i in shown] if claim.id in order \
        else []
    at = listed.index(claim.id) if claim.id in shown else -1
    # a stale claim: where its words are in the text now, as 'claim show' says it
    near = now_near(claim.now, now.text) if claim.now is not None else ""
    resp = desk.page(request, "claim.html", claim=claim, now_near=near, edited=edited,
                     claim_text=text[start:end], before=before, after=after,
                     links=links, hits=desk.ws.bib()[:HITS], q="", sources=others,
                     passage_source=others[0].id if others else "", agents=agents,
                     expected=desk.ws.state_token(f"claim:{claim.id}"), done=done,
                     nav="claims", position=(at + 1, len(listed)),
                     previous=before_[-1] if before_ else None,
                     next=listed[len(before_) + (at >= 0)]
                     if len(before_) + (at >= 0) < len(listed) else None)
    # an act's answer: the page says what was done, so no earlier refusal is left above it
    return _said(resp, "") if done else resp


def _claim_order(ws: Workspace) -> tuple[list[int], list[int]]:
    """Every claim's id in the claims table's order, and those the table lists (not
    rejected: ``claims``' default), from one reading of the claims."""
    every = ws.claims(state=CLAIM_STATES, stored=True)
    return [c.id for c in every], [c.id for c in every if c.state != "rejected"]


CONTEXT = 160  # characters of context either side of a claim


def _check_claim(desk: Desk, claim_id: int | str, form: Form) -> None:
    claim = desk.ws.claim(claim_id)
    if form.get("expected") and form["expected"] != desk.ws.state_token(f"claim:{claim.id}"):
        raise ServerError(f"claim {claim.id} changed since this page was loaded (in another "
                          "tab or from the command line)",
                          hint="reload to see it as it is now, then decide again",
                          location=Location(f"claim:{claim.id}"), code="W112")
HITS = 12  # works shown by the type-ahead


def work_year(e: BibEntry) -> str:
    """The year a work is listed with: its own as ``bib list`` shows it (EDTF's marks and
    ranges as written), never the year it was read online (a web page with only an access
    date is 'accessed 2026-11-26')."""
    year = year_written(e)
    accessed = e.get("urldate") or ""
    if not e.get("date") and accessed and accessed.startswith(year):
        return f"accessed {accessed}"
    return year


def _link_label(desk: Desk, link: Link) -> str:
    if link.bib_key is not None:
        try:
            e = desk.ws.bib_entry(link.bib_key)
        except AnnotatorError:
            return link.bib_key
        who = names_read(e.get("author") or e.get("editor"))
        return f"{who} ({work_year(e)}). {plain(e.get('title'))} [{e.key}]"
    assert link.target_source_id is not None  # the store holds a work or a passage, never neither
    label = f"{link.target_source_id}: “{desk.ws.passage_words(link)[:200]}”"
    # a stale passage: the words it was linked to, which its source no longer has there
    return label + (" (stale: the passage changed when its source was replaced; link it "
                    "again)" if link.stale else "")


def claim_panel(desk: Desk, request: Request, form: Form) -> Response:
    """A claim clicked in the reading view: its status and a way to its page (where the
    address opened as a page, not by htmx, goes)."""
    claim = desk.ws.claim(request.path_params["claim_id"], stored=True)
    if not request.headers.get("hx-request"):
        return RedirectResponse(f"/claim/{claim.id}", status_code=303)
    return desk.page(request, "_panel_claim.html", claim=claim)


def bib_search(desk: Desk, request: Request, form: Form) -> Response:
    """Type-ahead over the bibliography: author, title, year or key."""
    q = request.query_params.get("q", "").strip()
    return desk.page(request, "_bib_hits.html", hits=desk.ws.bib(q or None)[:HITS], q=q)


def passage_pick(desk: Desk, request: Request, form: Form) -> Response:
    """Another source's reading text, to select the passage that supports a claim."""
    sid = request.query_params.get("source", "")
    html = _reading_html(desk, sid)[0]
    return HTMLResponse(html)


def claim_link(desk: Desk, request: Request, form: Form) -> Response:
    """Link a claim to a work (with a locus) or to a selected passage of a source."""
    cid = request.path_params["claim_id"]
    _check_claim(desk, cid, form)
    locus, rel = form.get("locus", ""), form.get("rel", "supports")
    if form.get("source"):
        if not form.get("start"):
            raise ServerError("no passage selected", hint="select the passage in the text first",
                              location=Location(request.url.path), code="W106")
        passage = (form["source"], _int(form, "start"), _int(form, "end"))
        link = desk.ws.link_claim(cid, passage=passage, locus=locus, rel=rel,
                                    expected=form.get("expected") or None)
    else:
        if not form.get("key"):
            raise ServerError("no work chosen", hint="search the bibliography and pick a work",
                              location=Location(request.url.path), code="W117")
        link = desk.ws.link_claim(cid, form["key"], locus=locus, rel=rel,
                                    expected=form.get("expected") or None)
    if not request.headers.get("hx-request"):
        return back(request, f"/claim/{cid}")
    done = {"locus": f"Link {link.id} to {link.target} now has locus {link.locus}.",
            "accepted": f"Suggestion accepted: {link.target}."}.get(
                link.action, f"Linked to {link.target}.")
    if link.alias:
        done = f"'{link.alias}' is an alias of {link.bib_key} (its ids). {done}"
    return claim_page(desk, request, form, done=done)


def link_change(desk: Desk, request: Request, form: Form) -> Response:
    """Accept a suggested link (with its locus) or remove a link."""
    cid, lid = request.path_params["claim_id"], request.path_params["link_id"]
    _check_claim(desk, cid, form)
    if lid not in {link.id for link in desk.ws.claim(cid).links}:
        raise ServerError(f"link {lid} is not a link of claim {cid}", hint="reload the page",
                          location=Location(f"claim:{cid}"), code="W113")
    if form.get("do") == "accept":
        desk.ws.accept_link(lid, locus=form.get("locus") or None,
                            expected=form.get("expected") or None)
        done = "Suggestion accepted."
    else:
        desk.ws.unlink(lid, expected=form.get("expected") or None)
        done = "Link removed."
    if not request.headers.get("hx-request"):
        return back(request, f"/claim/{cid}")
    return claim_page(desk, request, form, done=done)


def claim_state(desk: Desk, request: Request, form: Form) -> Response:
    """Confirm or reject a proposed claim."""
    cid = request.path_params["claim_id"]
    state = form.get("state", "confirmed")
    if state not in ("confirmed", "rejected"):
        raise ServerError(f"unknown state '{state}'", hint="use confirmed or rejected",
                          location=Location(request.url.path), code="W116")
    _check_claim(desk, cid, form)
    if state == "rejected":
        desk.ws.reject_claim(cid, expected=form.get("expected") or None)
    else:
        desk.ws.confirm_claim(cid, expected=form.get("expected") or None)
    if not request.headers.get("hx-request"):
        return back(request, f"/claim/{cid}")
    return claim_page(desk, request, form, done=f"Claim {form.get('state', 'confirmed')}.")


def claim_agent(desk: Desk, request: Request, form: Form) -> Response:
    """Correct who a claim is attributed to: a register entity (by id) or words."""
    cid = request.path_params["claim_id"]
    _check_claim(desk, cid, form)
    row = desk.ws.set_claim_agent(cid, form.get("agent", ""),
                                  expected=form.get("expected") or None)
    if not request.headers.get("hx-request"):
        return back(request, f"/claim/{cid}")
    return claim_page(desk, request, form, done=f"Agent: {row.agent or 'none'}"
                      + (f" ({row.agent_entity_id})." if row.agent_entity_id else "."))


def changes_since(desk: Desk, request: Request, form: Form) -> Response:
    """What was decided since a page was last drawn: shown when the editor comes back to it."""
    since = row_id(request.query_params.get("since", ""))
    if since is None:
        since = desk.last_decision()
    newer = [d for d in desk.ws.history(limit=CHANGES_SHOWN + 1) if d.id > since]
    return desk.page(request, "_changes.html", decisions=newer[:CHANGES_SHOWN],
                     more=len(newer) > CHANGES_SHOWN)


# -- history and undo ------------------------------------------------------------------------
def history_page(desk: Desk, request: Request, form: Form) -> Response:
    """The decisions log, newest first: what changed, by whom, when (also from the CLI)."""
    undoable, blocked = desk.ws.undo_next()
    return desk.page(request, "history.html", decisions=desk.ws.history(limit=HISTORY),
                     undoable=undoable, blocked=blocked, nav="history")


HISTORY = 200


def undo_last(desk: Desk, request: Request, form: Form) -> Response:
    """Undo the last decision: the one the page named (``decision``), even when another was
    made after the page was drawn, or the older one its own button offered past a newest that
    cannot be undone (refused, D008, when changed or undone since); without it, the plain
    undo of now (refused, D007, when the newest cannot be undone)."""
    if form.get("decision"):
        d = desk.ws.undo(_int(form, "decision"))
    else:
        d = desk.ws.undo()
    if not request.headers.get("hx-request"):
        return back(request, "/history")
    return desk.page(request, "message.html", error=None,
                     done=f"Undid decision {d.undoes} ({d.payload.get('act', '')} {d.target}).")


def _int(form: Form, name: str) -> int:
    try:
        number = int(form.get(name, ""))
        if abs(number) > MAX_ROW_ID:
            raise ValueError(name)
        return number
    except ValueError:
        raise ServerError(f"'{name}' must be a whole number", hint="select the text again",
                          location=Location(name), code="W118") from None


def no_page(desk: Desk, request: Request, form: Form) -> Response:
    """An address the desk has no page for (a mistyped or outdated link): said on a page of the
    desk, with its navigation, not as a bare 'Not Found'."""
    raise ServerError(f"no page at '{request.url.path}'",
                      hint="use the links at the top of the page",
                      location=Location(request.url.path), code="W110")


# -- the app ----------------------------------------------------------------------------------
class RowIdConvertor(IntegerConvertor):
    """``{x:id}`` in a route: a number SQLite can hold (18 digits); a longer one is a 404, not an
    OverflowError from the store."""

    regex = "[0-9]{1,18}"


register_url_convertor("id", RowIdConvertor())


ROUTES: list[tuple[str, View, tuple[str, ...]]] = [
    ("/", sources_page, ("GET",)),
    ("/s/{source_id}", reading_page, ("GET",)),
    ("/s/{source_id}/add", add_on_selection, ("POST",)),
    ("/s/{source_id}/undo", reading_undo, ("POST",)),
    ("/s/{source_id}/mention/{mention_id:id}", mention_panel, ("GET",)),
    ("/s/{source_id}/mention/{mention_id:id}", mention_decide, ("POST",)),
    ("/s/{source_id}/mention/{mention_id:id}/adjust", mention_adjust, ("POST",)),
    ("/s/{source_id}/mention/{mention_id:id}/date", mention_date, ("POST",)),
    ("/queue", queue_page, ("GET",)),
    ("/queue", queue_decide, ("POST",)),
    ("/register", register_page, ("GET",)),
    ("/entity/{entity_id}/link", entity_link, ("POST",)),
    ("/claims", claims_page, ("GET",)),
    ("/claim/{claim_id:id}", claim_page, ("GET",)),
    ("/claim/{claim_id:id}/panel", claim_panel, ("GET",)),
    ("/claim/{claim_id:id}/link", claim_link, ("POST",)),
    ("/claim/{claim_id:id}/state", claim_state, ("POST",)),
    ("/claim/{claim_id:id}/agent", claim_agent, ("POST",)),
    ("/claim/{claim_id:id}/links/{link_id:id}", link_change, ("POST",)),
    ("/bib/search", bib_search, ("GET",)),
    ("/passage", passage_pick, ("GET",)),
    ("/history", history_page, ("GET",)),
    ("/changes", changes_since, ("GET",)),
    ("/undo", undo_last, ("POST",)),
]


NAV = [("/", "Sources", "s"), ("/queue", "Queue", "q"), ("/register", "Register", "r"),
       ("/claims", "Claims", "c"), ("/history", "History", "h")]


def create_app(workspace: Workspace, *, token: str | None = None,
               hosts: tuple[str, ...] = LOOPBACK_NAMES, any_ip: bool = False) -> Starlette:
    """The review desk over ``workspace`` as an ASGI app.

    ``token`` is the secret every state-changing request must carry (default: a fresh random
    one); ``hosts`` are the host names the app answers to (loopback by default), ``any_ip`` also
    accepts IP literals (a server bound to 0.0.0.0 is reached by its LAN address).
    """
    desk = Desk(workspace, token or new_token())
    paths = {path for path, _, methods in ROUTES if "GET" in methods}
    desk.env.globals["nav_items"] = [item for item in NAV if item[0] in paths]
    routes: list[Any] = [Route(path, _endpoint(desk, view), methods=list(methods))
                         for path, view, methods in ROUTES]
    routes.append(Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"))

    async def not_found(request: Request, exc: Exception) -> Response:
        return await run_in_threadpool(desk.run, no_page, request, {})

    app = Starlette(routes=routes, exception_handlers={404: not_found}, middleware=[
        Middleware(Guard, token=desk.token, hosts=hosts, any_ip=any_ip)])
    app.state.desk = desk
    return app
