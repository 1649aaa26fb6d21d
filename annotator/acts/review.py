"""Editors' decisions: confirm, reject and correct candidates entity by entity, and undo them.

A decision on an entity applies to all of its mentions except those decided one by one
(``mentions.decided = 1``), which keep their own state. Every public act is one
``Store.act`` block: one committed transaction that also appends the decision, with the
before and after images of every row it changed, so ``undo`` puts back the exact earlier state.

Targets are an entity id (``person-adolf-hitler``, also written ``entity:person-adolf-hitler``)
or ``mention:<id>``.

DOCS: docs/review.md
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from difflib import SequenceMatcher
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

from annotator.entities.names import entity_id as new_entity_id
from annotator.entities.names import display_name, name_key
from annotator.errors import DecisionError, Location
from annotator.calendar import real_iso
from annotator.records import (DATE_ATTRS, ENTITY_TYPES, MENTION_TYPES, Candidate, Context,
                               Decision, Entity)
from annotator.store import Act, Store, now
from annotator.store import pointers
from annotator.tei.textmap import context
from annotator.text import slug

ENTITY = "entity:"
MENTION = "mention:"
CLAIM = "claim:"
DATE_KEYS = DATE_ATTRS
_ISO_DATE = re.compile(r"-?\d{4}(-\d{2}(-\d{2})?)?|--\d{2}(-\d{2})?|---\d{2}")

# Authority id shapes (Wikidata's format constraints for these properties).
AUTHORITIES: dict[str, tuple[re.Pattern[str], str]] = {
    "wikidata": (re.compile(r"Q[1-9]\d*"), "a Wikidata item id such as Q352"),
    "viaf": (re.compile(r"[1-9]\d{1,21}"), "a VIAF cluster number such as 30300781"),
    "geonames": (re.compile(r"[1-9]\d{0,9}"), "a GeoNames id such as 2950159"),
    "gnd": (re.compile(r"1[0123]?\d{7}[0-9X]|[47]\d{6}-\d|[1-9]\d{0,7}-[0-9X]|3\d{7}[0-9X]"),
            "a GND id such as 118551655 or 4010877-3"),
}
_AUTHORITY_URL = re.compile(
    r"https?://(?:www\.)?(?:wikidata\.org/(?:wiki|entity)/|viaf\.org/viaf/|"
    r"(?:sws\.)?geonames\.org/|d-nb\.info/gnd/)([^/?#\s]+)")


def normalise_authority(scheme: str, value: str) -> tuple[str, str]:
    """Check an authority id's shape; accept the id or its URL. Raises DecisionError D004."""
    scheme = scheme.strip().lower()
    if scheme not in AUTHORITIES:
        raise DecisionError(f"unknown authority '{scheme}'",
                            hint=f"use one of {', '.join(AUTHORITIES)}", code="D004")
    value = value.strip()
    url = _AUTHORITY_URL.fullmatch(value.rstrip("/"))
    if url:
        value = url.group(1)
    if scheme == "wikidata":
        value = value.upper()
    pattern, example = AUTHORITIES[scheme]
    if not pattern.fullmatch(value):
        raise DecisionError(f"'{value}' is not a {scheme} id", hint=f"give {example}",
                            code="D004")
    return scheme, value


def normalise_date_value(value: dict[str, str] | str | None) -> str | None:
    """A date mention's TEI value as stored (JSON), checked: keys when/from/to/notBefore/notAfter."""
    if value is None or value == "" or value == {}:
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.lstrip().startswith("{") else {"when": value}
        except json.JSONDecodeError:
            raise DecisionError(f"date value {value!r} is not JSON",
                                hint='give {"when": "1940-11-12"} or a date', code="D013") from None
    if not isinstance(value, dict) or not value:
        raise DecisionError("date value must be an object", hint='give {"when": "1940-11-12"}',
                            code="D013")
    for k, v in value.items():
        if k not in DATE_KEYS:
            raise DecisionError(f"unknown date attribute '{k}'",
                                hint=f"use {', '.join(DATE_KEYS)}", code="D013")
        if not isinstance(v, str) or not _ISO_DATE.fullmatch(v) or not real_iso(v):
            raise DecisionError(f"'{v}' is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)",
                                hint=f"fix the {k} value", code="D013")
    return json.dumps({k: value[k] for k in DATE_KEYS if k in value}, separators=(",", ":"))


def parse_target(target: str) -> tuple[str, str | int]:
    """('entity', id) or ('mention', id) from 'person-x', 'entity:person-x' or 'mention:12'."""
    t = target.strip()
    if t.startswith(CLAIM) and t[len(CLAIM):].isdigit():
        return "claim", int(t[len(CLAIM):])
    if t.startswith(MENTION):
        rest = t[len(MENTION):]
        if not rest.isdigit():
            raise DecisionError(f"'{target}' is not a mention", hint="write mention:<number>",
                                code="D002")
        return "mention", int(rest)
    if t.startswith(ENTITY):
        t = t[len(ENTITY):]
    if not t:
        raise DecisionError("empty target", hint="give an entity id or mention:<id>", code="D001")
    return "entity", t


def target_name(target: str) -> str:
    """The target as the decisions log writes it: 'entity:<id>' or 'mention:<id>'."""
    kind, key = parse_target(target)
    return f"{kind}:{key}"


def decision_from_row(row: sqlite3.Row) -> Decision:
    return Decision(id=row["id"], at=row["at"], editor=row["editor"], act=row["act"],
                    target=row["target"], payload=json.loads(row["payload"] or "{}"),
                    undone_by=row["undone_by"], undoes=row["undoes"])


def _located(method: Callable[Concatenate[Review, P], R]) -> Callable[Concatenate[Review, P], R]:
    """Errors of an act name the store they were refused by (``annotator.sqlite: ...``)."""

    @wraps(method)
    def wrapper(self: Review, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(self, *args, **kwargs)
        except DecisionError as err:
            if err.location is None:
                err.location = Location(self.store.path.name)
            raise

    return wrapper


class Review:
    """The decision engine over one store; the workspace's review methods delegate to it.

    ``reading_text(source_id)`` gives the current reading text of a source, used to read a
    mention's surface from its offsets (surfaces are never stored).
    """

    def __init__(self, store: Store, editor: str, reading_text: Callable[[str], str]) -> None:
        self.store = store
        self.editor = editor
        self.reading_text = reading_text

    # -- reading ------------------------------------------------------------------------------
    def _entity_row(self, conn: sqlite3.Connection, entity_id: str) -> sqlite3.Row:
        row: sqlite3.Row | None = conn.execute("SELECT * FROM entities WHERE id = ?",
                                               (entity_id,)).fetchone()
        if row is None:
            near = conn.execute("SELECT id FROM entities WHERE id LIKE ? ORDER BY id LIMIT 3",
                                (f"%{slug(entity_id.split('-', 1)[-1])}%",)).fetchall()
            hint = ("did you mean " + ", ".join(r["id"] for r in near) if near
                    else "list them with 'annotator entities' or 'annotator register'")
            raise DecisionError(f"no entity '{entity_id}'", hint=hint, code="D001")
        return row

    def _mention_row(self, conn: sqlite3.Connection, mention_id: int) -> sqlite3.Row:
        row: sqlite3.Row | None = conn.execute("SELECT * FROM mentions WHERE id = ?",
                                               (mention_id,)).fetchone()
        if row is None:
            raise DecisionError(f"no mention {mention_id}",
                                hint="list mentions with 'annotator entities' or the browser",
                                code="D002")
        return row

    def surface(self, row: sqlite3.Row | dict[str, Any]) -> str:
        """The characters a stored mention covers, read from its source's reading text."""
        cur = self.store.one("SELECT sha256 FROM sources WHERE id = ?", (row["source_id"],))
        if cur is None or cur["sha256"] != row["sha256"]:
            return ""
        return self.reading_text(row["source_id"])[row["start"]:row["end"]]

    @_located
    def state_token(self, *targets: str) -> str:
        """A short hash of the targets' current rows: pass it back as ``expected``.

        Without targets it stands for the whole workspace: it changes with every decision.
        """
        if not targets:
            row = self.store.query("SELECT MAX(id) AS d FROM decisions")[0]  # always one row
            return hashlib.sha256(f"workspace:{row['d']}".encode()).hexdigest()[:16]
        return self._token(self.store.conn, targets)

    def _token(self, conn: sqlite3.Connection, targets: Sequence[str]) -> str:
        h = hashlib.sha256()
        for target in targets:
            kind, key = parse_target(target)
            if kind == "mention":
                rows = [self._mention_row(conn, int(key))]
            elif kind == "claim":  # the claim and its links: what a claim page shows
                rows = conn.execute("SELECT * FROM claims WHERE id = ?", (key,)).fetchall()
                rows.extend(conn.execute("SELECT * FROM links WHERE claim_id = ? ORDER BY id",
                                         (key,)).fetchall())
            else:
                rows = [self._entity_row(conn, str(key))]
                for sql in ("SELECT * FROM variants WHERE entity_id = ? ORDER BY key",
                            "SELECT * FROM authority_ids WHERE entity_id = ? ORDER BY scheme",
                            "SELECT * FROM mentions WHERE entity_id = ? ORDER BY id"):
                    rows.extend(conn.execute(sql, (key,)).fetchall())
            for r in rows:
                h.update(json.dumps(list(tuple(r)), ensure_ascii=False).encode())
        return h.hexdigest()[:16]

    def history(self, *, target: str | None = None, limit: int | None = None) -> list[Decision]:
        """The decisions log, newest first; with ``target``, the acts that touched it."""
        if limit is not None and limit <= 0:
            return []
        want = target_name(target) if target else None
        key = want.split(":", 1)[1] if want else None
        # a cursor, not a list: the desk asks for the last few on every page, and the log grows;
        # SQLite passes only acts that name the key somewhere, _touches decides on those
        rows = self.store.conn.execute(
            "SELECT * FROM decisions WHERE ?1 IS NULL OR instr(target, ?1) > 0 "
            "OR instr(changes, ?1) > 0 ORDER BY id DESC", (key,))
        out: list[Decision] = []
        for row in rows:
            if want is not None and not _touches(row, want):
                continue
            out.append(decision_from_row(row))
            if limit is not None and len(out) >= limit:
                break
        return out

    # -- the act wrapper ----------------------------------------------------------------------
    @contextmanager
    def _act(self, act: str, targets: Sequence[str], payload: dict[str, Any],
             expected: str | None, *, checked: int | None = None) -> Iterator[Act]:
        """One act on targets; ``expected`` is the state token of the first ``checked`` ones
        (default all): for a merge, of the entity merged away, as the editor saw it."""
        names = [target_name(t) for t in targets]
        with self.store.act(act, " ".join(names), editor=self.editor, payload=payload) as rec:
            if expected is not None and self._token(rec.conn, names[:checked]) != expected:
                raise DecisionError(f"{' '.join(names)} changed since you loaded it",
                                    hint="reload and try again", code="D010")
            yield rec

    def _done(self, rec: Act) -> Decision:
        row = self.store.one("SELECT * FROM decisions WHERE id = ?", (rec.decision_id,))
        assert row is not None
        return decision_from_row(row)

    # -- acts ---------------------------------------------------------------------------------
    @_located
    def confirm(self, targets: Sequence[str], *, expected: str | None = None) -> Decision:
        """Confirm entities (with all their undecided mentions) or single mentions."""
        return self._set_status("confirm", "confirmed", targets, expected)

    @_located
    def reject(self, targets: Sequence[str], *, expected: str | None = None) -> Decision:
        """Reject entities (never proposed again for that type) or single mentions."""
        return self._set_status("reject", "rejected", targets, expected)

    def _set_status(self, act: str, status: str, targets: Sequence[str],
                    expected: str | None) -> Decision:
        if not targets:
            raise DecisionError(f"nothing to {act}", hint="give entity ids or mention:<id>",
                                code="D001")
        with self._act(act, targets, {}, expected) as rec:
            for target in targets:
                self.apply_status(rec, target, status)
        return self._done(rec)

    def apply_status(self, rec: Act, target: str, status: str) -> None:
        """Within an act: set a target's status; for an entity, also its undecided mentions."""
        kind, key = parse_target(target)
        conn = rec.conn
        if kind == "mention":
            self._mention_row(conn, int(key))
            rec.update("mentions", {"id": key}, {"status": status, "decided": 1})
            return
        row = self._entity_row(conn, str(key))
        rec.update("entities", {"id": key}, {"status": status})
        _cascade_status(rec, str(key), status)
        keys = [r["key"] for r in conn.execute("SELECT key FROM variants WHERE entity_id = ?",
                                               (key,))]
        for k in keys:
            if status == "rejected":
                reject_key(rec, k, row["type"])
            else:
                rec.delete("rejections", {"key": k, "type": row["type"]})

    @_located
    def relabel(self, target: str, new_type: str, *, confirm: bool = False,
                expected: str | None = None) -> Decision:
        """Change the type of an entity (all its mentions) or of one mention."""
        new_type = new_type.strip().lower()
        kind, key = parse_target(target)
        allowed = MENTION_TYPES if kind == "mention" else ENTITY_TYPES
        if new_type not in allowed:
            raise DecisionError(f"'{new_type}' is not a type", hint=f"use {', '.join(allowed)}",
                                code="D003")
        with self._act("relabel", [target], {"type": new_type, "confirm": confirm},
                       expected) as rec:
            if kind == "mention":
                self._relabel_mention(rec, int(key), new_type)
                if confirm:
                    self.apply_status(rec, target, "confirmed")
            else:
                new_id = self.relabel_entity(rec, str(key), new_type)
                if confirm:
                    self.apply_status(rec, new_id, "confirmed")
        return self._done(rec)

    def relabel_entity(self, rec: Act, entity_id: str, new_type: str) -> str:
        """Within an act: retype an entity; its id follows when it is '<type>-<slug>'."""
        conn = rec.conn
        row = dict(self._entity_row(conn, entity_id))
        old_type = row["type"]
        if new_type == old_type:
            return entity_id
        prefix = f"{old_type}-"
        new_id = new_type + entity_id[len(old_type):] if entity_id.startswith(prefix) else entity_id
        if new_id != entity_id and conn.execute("SELECT 1 FROM entities WHERE id = ?",
                                                (new_id,)).fetchone():
            self.merge_entities(rec, entity_id, new_id)
            return new_id
        if new_id == entity_id:
            rec.update("entities", {"id": entity_id}, {"type": new_type})
        else:
            rec.insert("entities", {**row, "id": new_id, "type": new_type})
            _move_children(rec, entity_id, new_id)
            rec.delete("entities", {"id": entity_id})
        for m in conn.execute("SELECT id FROM mentions WHERE entity_id = ?", (new_id,)).fetchall():
            self._retype_mention(rec, m["id"], new_type)
        _reject_keys(rec, new_id, old_type)
        return new_id

    def _retype_mention(self, rec: Act, mention_id: int, new_type: str) -> None:
        m = rec.conn.execute("SELECT * FROM mentions WHERE id = ?", (mention_id,)).fetchone()
        if m["type"] == new_type:
            return
        clash = mention_at(rec.conn, m["source_id"], m["sha256"], m["start"], m["end"],
                           new_type, other_than=mention_id)
        if clash is not None:
            raise DecisionError(f"mention {mention_id} cannot become a {new_type}: mention "
                                f"{clash['id']} is already a {new_type} at that span",
                                hint=f"reject mention:{mention_id} instead", code="D006")
        rec.update("mentions", {"id": mention_id}, {"type": new_type})

    def _relabel_mention(self, rec: Act, mention_id: int, new_type: str) -> None:
        m = self._mention_row(rec.conn, mention_id)
        if m["type"] == new_type:
            return
        self._retype_mention(rec, mention_id, new_type)
        entity_id = None
        if new_type != "date":
            entity_id = self.entity_for(rec, self.surface(m), new_type)
        values: dict[str, Any] = {"entity_id": entity_id, "decided": 1}
        if new_type != "date":
            values["date_value"] = None
        rec.update("mentions", {"id": mention_id}, values)

    def entity_for(self, rec: Act, surface: str, type_: str, *,
                   status: str = "proposed") -> str:
        """Within an act: the entity a name of this type belongs to, made if there is none."""
        key = name_key(surface)
        row = rec.conn.execute(
            "SELECT e.id FROM entities e JOIN variants v ON v.entity_id = e.id "
            "WHERE v.key = ? AND e.type = ? "
            "ORDER BY e.status = 'confirmed' DESC, e.status = 'proposed' DESC, e.id LIMIT 1",
            (key, type_)).fetchone()
        if row is not None:
            return str(row["id"])
        name = display_name(surface)
        new_id = unique_entity_id(rec.conn, type_, name)
        rec.insert("entities", {"id": new_id, "type": type_, "preferred": name,
                                "status": status, "note": "", "created_at": now()})
        add_variant(rec, new_id, surface)
        return new_id

    @_located
    def merge(self, entity_id: str, into: str, *, expected: str | None = None) -> Decision:
        """Merge one entity into another: mentions, variants and authority ids move over."""
        kind, key = parse_target(entity_id)
        kind2, key2 = parse_target(into)
        if kind != "entity" or kind2 != "entity":
            raise DecisionError("merge takes two entity ids", hint="give entity ids, not mentions",
                                code="D011")
        with self._act("merge", [entity_id, into], {"into": key2}, expected, checked=1) as rec:
            self.merge_entities(rec, str(key), str(key2))
        return self._done(rec)

    def merge_entities(self, rec: Act, entity_id: str, into: str) -> None:
        """Within an act: fold ``entity_id`` into ``into`` and delete it."""
        conn = rec.conn
        if entity_id == into:
            raise DecisionError(f"cannot merge {entity_id} into itself",
                                hint="give two different entities", code="D011")
        src = self._entity_row(conn, entity_id)
        dst = self._entity_row(conn, into)
        ids = {r["scheme"]: r["value"] for r in conn.execute(
            "SELECT scheme, value FROM authority_ids WHERE entity_id = ?", (into,))}
        for r in conn.execute("SELECT scheme, value FROM authority_ids WHERE entity_id = ?",
                              (entity_id,)).fetchall():
            if r["scheme"] in ids and ids[r["scheme"]] != r["value"]:
                raise DecisionError(
                    f"{entity_id} and {into} have different {r['scheme']} ids "
                    f"({r['value']}, {ids[r['scheme']]})",
                    hint=f"they may be different; or remove one with 'annotator link {entity_id} "
                         f"{r['scheme']} \"\"' first", code="D011")
        if src["type"] != dst["type"]:
            _reject_keys(rec, entity_id, src["type"])
        for m in conn.execute("SELECT * FROM mentions WHERE entity_id = ?",
                              (entity_id,)).fetchall():
            twin = mention_at(conn, m["source_id"], m["sha256"], m["start"], m["end"],
                              dst["type"], other_than=m["id"])
            if twin is not None:  # the same span is already a mention of that type: keep one
                if m["decided"] and not twin["decided"]:
                    rec.update("mentions", {"id": twin["id"]},
                               {"status": m["status"], "decided": 1})
                rec.delete("mentions", {"id": m["id"]})
                continue
            self._retype_mention(rec, m["id"], dst["type"])
            values: dict[str, Any] = {"entity_id": into}
            if not m["decided"] and dst["status"] != "proposed":
                values["status"] = dst["status"]
            rec.update("mentions", {"id": m["id"]}, values)
        if src["note"] and src["note"] not in dst["note"]:
            note = f"{dst['note']}\n{src['note']}" if dst["note"] else src["note"]
            rec.update("entities", {"id": into}, {"note": note})
        _move_children(rec, entity_id, into)
        add_variant(rec, into, src["preferred"])
        rec.delete("entities", {"id": entity_id})

    @_located
    def split(self, entity_id: str, mention_ids: Sequence[int | str], *,
              preferred: str | None = None, expected: str | None = None) -> Decision:
        """Move some mentions off an entity to a new entity (a second person of that name...)."""
        _, key = parse_target(entity_id)
        ids = [int(str(i).removeprefix(MENTION)) for i in mention_ids]
        if not ids:
            raise DecisionError("no mentions to split off", hint="give mention ids", code="D012")
        with self._act("split", [entity_id], {"mentions": ids, "preferred": preferred},
                       expected) as rec:
            conn = rec.conn
            src = self._entity_row(conn, str(key))
            moved = [self._mention_row(conn, i) for i in ids]
            for m in moved:
                if m["entity_id"] != key:
                    raise DecisionError(f"mention {m['id']} is not a mention of {key}",
                                        hint="give mentions of that entity", code="D012")
            surfaces = [self.surface(m) for m in moved]
            name = (preferred or next((s for s in surfaces if s), "")).strip()
            if not name:
                raise DecisionError("no name for the new entity", hint="pass --preferred NAME",
                                    code="D016")
            new_id = unique_entity_id(conn, src["type"], name)
            rec.insert("entities", {"id": new_id, "type": src["type"], "preferred": name,
                                    "status": "proposed", "note": "", "created_at": now()})
            add_variant(rec, new_id, name)
            for m, s in zip(moved, surfaces):
                values: dict[str, Any] = {"entity_id": new_id}
                if not m["decided"]:
                    values["status"] = "proposed"
                rec.update("mentions", {"id": m["id"]}, values)
                if s:
                    add_variant(rec, new_id, s)
            staying = {name_key(self.surface(m)) for m in conn.execute(
                "SELECT * FROM mentions WHERE entity_id = ?", (key,)).fetchall()}
            keep = staying | {name_key(src["preferred"])}
            for k in {name_key(s) for s in surfaces if s} - keep:
                rec.delete("variants", {"entity_id": key, "key": k})
        return self._done(rec)

    @_located
    def adjust(self, mention_id: int | str, start: int, end: int, *,
               expected: str | None = None) -> Decision:
        """Correct a mention's span; the corrected mention counts as confirmed."""
        mid = int(str(mention_id).removeprefix(MENTION))
        with self._act("adjust", [f"{MENTION}{mid}"], {"start": start, "end": end},
                       expected) as rec:
            m = self._mention_row(rec.conn, mid)
            text = self._check_span(rec.conn, m["source_id"], start, end, sha=m["sha256"])
            clash = mention_at(rec.conn, m["source_id"], m["sha256"], start, end, m["type"],
                               other_than=mid)
            if clash is not None:
                raise DecisionError(f"mention {clash['id']} already covers {start}:{end}",
                                    hint=f"confirm mention:{clash['id']} and reject "
                                         f"mention:{mid}", code="D006")
            rec.update("mentions", {"id": mid}, {"start": start, "end": end, "decided": 1,
                                                 "status": "confirmed"})
            if m["entity_id"]:
                add_variant(rec, m["entity_id"], text[start:end])
        return self._done(rec)

    def insert_mention(self, rec: Act, source_id: str, start: int, end: int, type_: str, *,
                       entity_id: str | None = None, date_value: str | None = None) -> None:
        """Within an act: a confirmed mention decided alone; a name joins (or starts) an entity.

        A mention already at that span and type is confirmed instead of added twice.
        """
        conn = rec.conn
        surface = self.reading_text(source_id)[start:end]
        if entity_id:
            ent = self._entity_row(conn, entity_id)
            if ent["type"] != type_:
                raise DecisionError(f"{entity_id} is a {ent['type']}, not a {type_}",
                                    hint=f"add it as a {ent['type']} or pick another entity",
                                    code="D014")
            add_variant(rec, entity_id, surface)
        elif type_ != "date":
            entity_id = self.entity_for(rec, surface, type_, status="confirmed")
        sha = conn.execute("SELECT sha256 FROM sources WHERE id = ?",
                           (source_id,)).fetchone()["sha256"]
        old = mention_at(conn, source_id, sha, start, end, type_)
        values = {"status": "confirmed", "decided": 1, "entity_id": entity_id,
                  "date_value": date_value}
        if old is not None:
            rec.update("mentions", {"id": old["id"]}, values)
        else:
            rec.insert("mentions", {"source_id": source_id, "sha256": sha, "start": start,
                                    "end": end, "type": type_, "provenance": "editor",
                                    "created_at": now(), **values})

    def _check_span(self, conn: sqlite3.Connection, source_id: str, start: int, end: int, *,
                    sha: str | None = None) -> str:
        src = conn.execute("SELECT sha256 FROM sources WHERE id = ?", (source_id,)).fetchone()
        if src is None:
            raise DecisionError(f"no source '{source_id}'", hint="list them with 'annotator "
                                "sources'", code="D017")
        if sha is not None and sha != src["sha256"]:
            raise DecisionError("the mention belongs to an older version of its source",
                                hint="reject it and add the mention again", code="D005")
        text = self.reading_text(source_id)
        if not (0 <= start < end <= len(text)) or not text[start:end].strip():
            raise DecisionError(f"{start}:{end} is not a span of {source_id}'s reading text "
                                f"(0:{len(text)})",
                                hint="give start < end inside the text, covering a word",
                                code="D005")
        return text

    @_located
    def add_mention(self, source_id: str, start: int, end: int, type_: str, *,
                    entity_id: str | None = None,
                    date_value: dict[str, str] | str | None = None,
                    expected: str | None = None) -> Decision:
        """Add a mention the model missed; it is confirmed, and joins (or starts) an entity."""
        type_ = type_.strip().lower()
        if type_ not in MENTION_TYPES:
            raise DecisionError(f"'{type_}' is not a type",
                                hint=f"use {', '.join(MENTION_TYPES)}", code="D003")
        value = normalise_date_value(date_value)
        if type_ != "date" and value is not None:
            raise DecisionError("only dates take a date value", hint="drop the date value",
                                code="D013")
        if type_ == "date" and entity_id:
            raise DecisionError("dates are not entities", hint="drop the entity", code="D014")
        payload = {"source": source_id, "start": start, "end": end, "type": type_,
                   "entity": entity_id, "date_value": value}
        span = f"span:{source_id}:{start}-{end}"
        with self.store.act("add-mention", span, editor=self.editor, payload=payload) as rec:
            if expected is not None and entity_id and self._token(rec.conn,
                                                                  [entity_id]) != expected:
                raise DecisionError(f"{entity_id} changed since you loaded it",
                                    hint="reload and try again", code="D010")
            self._check_span(rec.conn, source_id, start, end)
            self.insert_mention(rec, source_id, start, end, type_, entity_id=entity_id,
                                date_value=value)
        return self._done(rec)

    @_located
    def link(self, entity_id: str, scheme: str, value: str, *,
             expected: str | None = None) -> Decision:
        """Link an entity to an authority record (Wikidata, VIAF, GeoNames, GND); '' unlinks."""
        _, key = parse_target(entity_id)
        removing = not value.strip()
        if removing:
            scheme = scheme.strip().lower()
            if scheme not in AUTHORITIES:
                normalise_authority(scheme, "")
        else:
            scheme, value = normalise_authority(scheme, value)
        with self._act("link", [entity_id], {"scheme": scheme, "value": value},
                       expected) as rec:
            self._entity_row(rec.conn, str(key))
            set_authority(rec, str(key), scheme, None if removing else value)
        return self._done(rec)

    @_located
    def set_preferred(self, entity_id: str, name: str, *,
                      expected: str | None = None) -> Decision:
        """Set the name the register shows and exports first."""
        _, key = parse_target(entity_id)
        name = " ".join(name.split())
        if not name_key(name):
            raise DecisionError("empty name", hint="give the preferred name", code="D016")
        with self._act("prefer", [entity_id], {"name": name}, expected) as rec:
            self._entity_row(rec.conn, str(key))
            rec.update("entities", {"id": key}, {"preferred": name})
            add_variant(rec, str(key), name)
        return self._done(rec)

    @_located
    def set_note(self, entity_id: str, note: str, *, expected: str | None = None) -> Decision:
        """Set an entity's editorial note (exported with the register)."""
        _, key = parse_target(entity_id)
        with self._act("note", [entity_id], {"note": note}, expected) as rec:
            self._entity_row(rec.conn, str(key))
            rec.update("entities", {"id": key}, {"note": note.strip()})
        return self._done(rec)

    @_located
    def skip(self, entity_id: str) -> Decision:
        """Put a candidate to the end of this editor's review queue (changes nothing else)."""
        _, key = parse_target(entity_id)
        with self._act("skip", [entity_id], {}, None) as rec:
            self._entity_row(rec.conn, str(key))
        return self._done(rec)

    # -- undo ---------------------------------------------------------------------------------
    @_located
    def undo(self, decision_id: int | None = None, *, expected: str | None = None) -> Decision:
        """Undo the last act not yet undone (or a given one), putting back the earlier rows."""
        with self.store.transaction() as conn:
            row = (self._last_undoable(conn) if decision_id is None
                   else conn.execute("SELECT * FROM decisions WHERE id = ?",
                                     (decision_id,)).fetchone())
        if row is None:
            if decision_id is None:
                raise DecisionError("nothing to undo", hint="see 'annotator history'",
                                    code="D007")
            raise DecisionError(f"no decision {decision_id}", hint="see 'annotator history'",
                                code="D015")
        target = row["target"]
        with self.store.act("undo", target, editor=self.editor,
                            payload={"decision": row["id"], "act": row["act"]}) as rec:
            fresh = rec.conn.execute("SELECT * FROM decisions WHERE id = ?",
                                     (row["id"],)).fetchone()
            self._check_undoable(rec.conn, fresh)
            if expected is not None:
                names = [t for t in target.split() if t.startswith((ENTITY, MENTION))]
                if self._token(rec.conn, names) != expected:
                    raise DecisionError(f"{target} changed since you loaded it",
                                        hint="reload and try again", code="D010")
            try:
                rec.restore(json.loads(fresh["changes"]))
            except sqlite3.IntegrityError:  # e.g. a work still cited by a claim's link
                raise DecisionError(f"decision {row['id']} cannot be undone: other rows still "
                                    "refer to what it added", hint="undo or remove those first "
                                    "(e.g. unlink the claims linked to the work)",
                                    code="D312") from None
            rec.undoes = fresh["id"]
        return self._done(rec)

    def _last_undoable(self, conn: sqlite3.Connection) -> sqlite3.Row | None:
        """The newest act still in force: not undone, and a forward act (or a redo)."""
        row: sqlite3.Row
        for row in conn.execute("SELECT * FROM decisions WHERE undone_by IS NULL AND "
                                "target NOT LIKE 'source:%' ORDER BY id DESC"):
            depth, cur = 0, row
            while cur["undoes"] is not None:
                depth += 1
                cur = conn.execute("SELECT * FROM decisions WHERE id = ?",
                                   (cur["undoes"],)).fetchone()
            if depth % 2 == 0:
                return row
        return None

    def _check_undoable(self, conn: sqlite3.Connection, row: sqlite3.Row) -> None:
        if row["target"].startswith("source:"):
            raise DecisionError(f"decision {row['id']} ({row['act']} {row['target']}) "
                                "cannot be undone", hint="replace or remove the source file "
                                "instead", code="D009")
        if row["undone_by"] is not None:
            raise DecisionError(f"decision {row['id']} is already undone (by "
                                f"{row['undone_by']})", hint="see 'annotator history'",
                                code="D008")
        changes = json.loads(row["changes"])
        final: dict[str, dict[str, Any]] = {}
        for ch in changes:
            final[_change_key(ch)] = ch
        for k, ch in final.items():
            where = " AND ".join(f"{c} = ?" for c in ch["key"])
            cur = conn.execute(f"SELECT * FROM {ch['table']} WHERE {where}",  # noqa: S608
                               tuple(ch["key"].values())).fetchone()
            if (dict(cur) if cur is not None else None) != ch["after"]:
                later = _later_change(conn, row["id"], k)
                by = f" by decision {later}" if later else ""
                first = f"undo {later} first" if later else "decide again instead"
                raise DecisionError(f"decision {row['id']} cannot be undone: {k} changed "
                                    f"since{by}", hint=first, code="D008")

    # -- the review queue ---------------------------------------------------------------------
    def queue(self, *, type_: str | None = None, editor: str | None = None,
              by: str = "mentions") -> list[str]:
        """Candidate entities to decide, most mentions first (``by="confidence"``: the surest
        proposals first, then most mentions); ones this editor skipped last."""
        skipped = {r["target"][len(ENTITY):] for r in self.store.query(
            "SELECT target FROM decisions WHERE act = 'skip' AND undone_by IS NULL AND "
            "editor = ?", (editor or self.editor,))}
        order = "sure DESC, n DESC, e.id" if by == "confidence" else "n DESC, e.id"
        rows = self.store.query(
            "SELECT e.id, COUNT(m.id) AS n, MAX(COALESCE(m.confidence, 0)) AS sure "
            "FROM entities e JOIN mentions m ON m.entity_id = e.id AND m.status != 'stale' "
            "WHERE e.status = 'proposed' AND (? IS NULL OR e.type = ?) "
            f"GROUP BY e.id ORDER BY {order}", (type_, type_))  # noqa: S608 (two fixed orders)
        ids = [r["id"] for r in rows]
        return [i for i in ids if i not in skipped] + [i for i in ids if i in skipped]

    def contexts(self, entity_id: str, *, limit: int = 3, width: int = 60) -> tuple[Context, ...]:
        """Up to ``limit`` mentions of an entity in context, from as many sources as possible."""
        rows = self.store.query(
            "SELECT m.* FROM mentions m JOIN sources s ON s.id = m.source_id "
            "AND s.sha256 = m.sha256 WHERE m.entity_id = ? ORDER BY m.source_id, m.start",
            (entity_id,))
        picked: list[sqlite3.Row] = []
        seen: set[str] = set()
        for r in rows:  # one per source first, then the rest in order
            if r["source_id"] not in seen:
                seen.add(r["source_id"])
                picked.append(r)
        chosen = {r["id"] for r in picked}
        picked += [r for r in rows if r["id"] not in chosen]
        out = []
        for r in picked[:limit]:
            text = self.reading_text(r["source_id"])
            a, b = r["start"], r["end"]
            before, after = context(text, a, b, width)
            out.append(Context(r["id"], r["source_id"], a, b, before, text[a:b], after))
        return tuple(out)

    def matches(self, entity: Entity, *, limit: int = 3,
                load: Callable[[str], Entity]) -> tuple[Entity, ...]:
        """Confirmed register entries that may be the same as a candidate, best first."""
        keys = {name_key(v) for v in (entity.preferred, *entity.variants)}
        tokens = {t for k in keys for t in k.split()}
        scored: dict[str, float] = {}
        for r in self.store.query(
                "SELECT v.entity_id, v.key, e.type FROM variants v "
                "JOIN entities e ON e.id = v.entity_id "
                "WHERE e.status = 'confirmed' AND e.id != ?", (entity.id,)):
            best = max(_similarity(r["key"], k) for k in keys)
            words = set(r["key"].split())
            if tokens and words and (tokens <= words or words <= tokens):
                best = max(best, 0.9)
            if r["type"] == entity.type:
                best += 0.05
            if best >= 0.8:
                scored[r["entity_id"]] = max(scored.get(r["entity_id"], 0.0), best)
        ranked = sorted(scored, key=lambda i: (-scored[i], i))[:limit]
        return tuple(load(i) for i in ranked)

    def candidate(self, entity_id: str, *, load: Callable[[str], Entity]) -> Candidate:
        """One entity as the review shows it: mentions in context, register matches."""
        ent = load(entity_id)
        return Candidate(ent, self.contexts(entity_id), self.matches(ent, load=load))


def _similarity(a: str, b: str) -> float:
    """difflib's ratio, skipped (0.0) when its cheap upper bound is already below 0.8."""
    m = SequenceMatcher(None, a, b)
    if m.real_quick_ratio() < 0.8 or m.quick_ratio() < 0.8:
        return 0.0
    return m.ratio()


# -- helpers used within an act -----------------------------------------------------------------
def unique_entity_id(conn: sqlite3.Connection, type_: str, name: str) -> str:
    """A new '<type>-<slug>' id, with '-2', '-3'... when the name is taken."""
    taken = {r["id"] for r in conn.execute("SELECT id FROM entities WHERE id LIKE ?",
                                           (f"{type_}-%",))}
    return new_entity_id(type_, name, taken)


def add_variant(rec: Act, entity_id: str, surface: str) -> None:
    """Within an act: record a spelling of an entity's name, once per key."""
    surface = " ".join(surface.split())
    key = name_key(surface)
    if key and rec.conn.execute("SELECT 1 FROM variants WHERE entity_id = ? AND key = ?",
                                (entity_id, key)).fetchone() is None:
        rec.insert("variants", {"entity_id": entity_id, "surface": surface, "key": key})


def set_authority(rec: Act, entity_id: str, scheme: str, value: str | None) -> None:
    """Within an act: set (or with None remove) an entity's id in one authority file."""
    old = rec.conn.execute("SELECT value FROM authority_ids WHERE entity_id = ? AND scheme = ?",
                           (entity_id, scheme)).fetchone()
    if value is None:
        rec.delete("authority_ids", {"entity_id": entity_id, "scheme": scheme})
    elif old is None:
        rec.insert("authority_ids", {"entity_id": entity_id, "scheme": scheme, "value": value})
    else:
        rec.update("authority_ids", {"entity_id": entity_id, "scheme": scheme}, {"value": value})


def _cascade_status(rec: Act, entity_id: str, status: str) -> None:
    for m in rec.conn.execute("SELECT id FROM mentions WHERE entity_id = ? AND decided = 0 "
                              "AND status != 'stale'", (entity_id,)).fetchall():
        rec.update("mentions", {"id": m["id"]}, {"status": status})


def _reject_keys(rec: Act, entity_id: str, type_: str) -> None:
    """The entity's names are not of ``type_``: never propose them as that again."""
    for r in rec.conn.execute("SELECT key FROM variants WHERE entity_id = ?",
                              (entity_id,)).fetchall():
        reject_key(rec, r["key"], type_)


def mention_at(conn: sqlite3.Connection, source_id: str, sha256: str, start: int, end: int,
               type_: str, *, other_than: int | None = None) -> sqlite3.Row | None:
    """The mention of that type on that span of that version, if any (besides ``other_than``):
    a span has at most one mention of each type."""
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM mentions WHERE source_id = ? AND sha256 = ? AND start = ? AND end = ? "
        "AND type = ? AND id IS NOT ?", (source_id, sha256, start, end, type_, other_than)
    ).fetchone()
    return row


def reject_key(rec: Act, key: str, type_: str) -> None:
    """Within an act: the name ``key`` is not of ``type_`` (recorded once)."""
    if rec.conn.execute("SELECT 1 FROM rejections WHERE key = ? AND type = ?",
                        (key, type_)).fetchone() is None:
        rec.insert("rejections", {"key": key, "type": type_})


def _move_children(rec: Act, old: str, new: str) -> None:
    """Within an act: variants, authority ids, mentions, claim agents and the edition's pointers
    of ``old`` go to ``new``.

    Rows are moved explicitly (never by ON DELETE cascades) so every change is in the log.
    """
    conn = rec.conn
    for v in conn.execute("SELECT * FROM variants WHERE entity_id = ?", (old,)).fetchall():
        add_variant(rec, new, v["surface"])
        rec.delete("variants", {"entity_id": old, "key": v["key"]})
    for a in conn.execute("SELECT * FROM authority_ids WHERE entity_id = ?", (old,)).fetchall():
        if conn.execute("SELECT 1 FROM authority_ids WHERE entity_id = ? AND scheme = ?",
                        (new, a["scheme"])).fetchone() is None:
            rec.insert("authority_ids", {"entity_id": new, "scheme": a["scheme"],
                                         "value": a["value"]})
        rec.delete("authority_ids", {"entity_id": old, "scheme": a["scheme"]})
    for m in conn.execute("SELECT id FROM mentions WHERE entity_id = ?", (old,)).fetchall():
        rec.update("mentions", {"id": m["id"]}, {"entity_id": new})
    for c in conn.execute("SELECT id FROM claims WHERE agent_entity_id = ?", (old,)).fetchall():
        rec.update("claims", {"id": c["id"]}, {"agent_entity_id": new})
    pointers.move(rec, old, new)


def _change_key(ch: dict[str, Any]) -> str:
    key = ch["key"]
    if ch["table"] == "entities":
        return f"entity {key['id']}"
    if ch["table"] == "mentions":
        return f"mention {key['id']}"
    return f"{ch['table']} " + "/".join(str(v) for v in key.values())


def _later_change(conn: sqlite3.Connection, after_id: int, key: str) -> int | None:
    for row in conn.execute("SELECT id, changes FROM decisions WHERE id > ? ORDER BY id DESC",
                            (after_id,)):
        if any(_change_key(ch) == key for ch in json.loads(row["changes"])):
            return int(row["id"])
    return None


def _touches(row: sqlite3.Row, target: str) -> bool:
    if target in row["target"].split():
        return True
    kind, key = target.split(":", 1)
    table = "entities" if kind == "entity" else "mentions"
    for ch in json.loads(row["changes"]):
        if ch["table"] == table and str(ch["key"].get("id")) == key:
            return True
        if kind == "entity" and ch["table"] in ("mentions", "variants", "authority_ids"):
            for image in (ch["before"], ch["after"]):
                if image and image.get("entity_id") == key:
                    return True
    return False
