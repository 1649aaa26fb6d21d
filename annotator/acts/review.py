"""Editors' decisions: confirm, reject and correct candidates entity by entity.

A decision on an entity applies to all of its mentions except those decided one by one
(``mentions.decided = 1``), which keep their own state. Every public act is one
``Store.act`` block: one committed transaction that also appends the decision, with the
before and after images of every row it changed, so ``acts.undo`` puts back the exact earlier
state.

Targets are an entity id (``person-adolf-hitler``, also written ``entity:person-adolf-hitler``)
or ``mention:<id>`` (acts/targets.py). Undo and history are in acts/undo.py, the review queue
in acts/queue.py, the row changes an act makes to an entity in acts/entity_edits.py.

DOCS: docs/review.md
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from annotator.acts.entity_edits import (add_variant, cascade_status, drop_left,
                                         drop_rejected_last, move_children,
                                         reject_key, reject_key_in, reject_keys, rename,
                                         set_authority, settle_ambiguous, unique_entity_id)
from annotator.acts.targets import (MENTION, parse_mention_id, parse_target, state_digest,
                                    target_name)
from annotator.acts.texts import no_source
from annotator.calendar import DAY_FORMS, TEI_FORMS, flag_value, not_a_day
from annotator.chronology import EDITOR, parse_day
from annotator.dates import normalise_date
from annotator.entities.authority import AUTHORITIES, normalise_authority
from annotator.entities.names import display_name, free_id, name_key
from annotator.errors import DecisionError
from annotator.records import Decision
from annotator.store import Act, Store, entities, mentions, now
from annotator.store import decisions as log
from annotator.store import pointers
from annotator.store.dates import editors_dates, own_work, source_known, waiting_dates
from annotator.store.decided import file_date_value, is_from_files
from annotator.store.logged import CHOSEN
from annotator.store.mentions import mention_at
from annotator.text import (crosses_block, fold, refuse_not_xml, slug, span_fault, span_repr,
                            word_span)
from annotator.vocab import CERTAINTIES, DATE_ATTRS, ENTITY_TYPES, MENTION_TYPES

DATE_KEYS = DATE_ATTRS
_ISO_DATE = re.compile(r"-?\d{4}(-\d{2}(-\d{2})?)?|--\d{2}(-\d{2})?|---\d{2}")
_A_DAY = re.compile(r"-?\d{4}-\d{2}-\d{2}|--\d{2}-\d{2}|---\d{2}")  # the forms naming a day
# (source_id, start, end, type) -> the span as the edition marks such a name (its conventions)
Edition = Callable[[str, int, int, str], tuple[int, int]]


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
        if not isinstance(v, str) or not _ISO_DATE.fullmatch(v):
            raise DecisionError(f"'{v}' is not a TEI date ({TEI_FORMS})",
                                hint=f"fix the {k} value", code="D013")
        _a_day(v, hint=f"fix the {k} value")
    for first, last in (("from", "to"), ("notBefore", "notAfter")):
        a, b = value.get(first), value.get(last)
        n = min(len(a or ""), len(b or ""))
        if a and b and a[0].isdigit() and b[0].isdigit() and a[:n] > b[:n]:  # years CE, ISO
            raise DecisionError(f"{first} {a} is after {last} {b}",
                                hint=f"give the earlier date as {first}", code="D013")
    return json.dumps({k: value[k] for k in DATE_KEYS if k in value}, separators=(",", ":"))


def _a_day(value: str, *, hint: str) -> None:
    """A value of the right form that names no day is refused as such, not as a wrong form."""
    why = not_a_day(value)
    if why is not None:  # a year or a month names no day: it is then "no date"
        what = "day" if _A_DAY.fullmatch(value) else "date"
        raise DecisionError(f"{value} is no {what} of the calendar ({why})", hint=hint,
                            code="D029")


@contextmanager
def located(store: Store) -> Iterator[None]:
    """Errors raised here name the store that refused them (``annotator.sqlite: ...``): wrap
    only what reads or changes the store, so a malformed argument checked before names no
    place (the command line names the command, a usage error; a page says the message)."""
    try:
        yield
    except DecisionError as err:
        if err.location is None:
            err.location = store.place
        raise


def _mention_type(type_: str) -> str:
    """A mention type as given ('Person ') in the form stored, or D003."""
    type_ = type_.strip().lower()
    if type_ not in MENTION_TYPES:
        raise DecisionError(f"'{type_}' is not a type",
                            hint=f"use {', '.join(MENTION_TYPES)}", code="D003")
    return type_


def older_version(conn: sqlite3.Connection, row: sqlite3.Row) -> DecisionError:
    """D005 for a mention of an older version of its source: it keeps the decision it had on
    the text it was made on (or stays the proposal it was, never decided), and the editor
    marks the words again on the text now, or has the text now proposed."""
    sid = row["source_id"]
    add = f"'annotator mention add {sid} START END TYPE'"
    hint = (f"it was only proposed there, and is kept as it was; propose the text now "
            f"('annotator propose {sid}') or mark the words again ({add})"
            if mentions.status_before_stale(conn, row["id"]) == "proposed" else
            f"it is kept as it was decided there; mark the words again on the text now ({add})")
    return DecisionError(f"mention {row['id']} belongs to an older version of "
                         f"{sid} (its file was replaced since)", hint=hint, code="D005")


def no_entity(conn: sqlite3.Connection, entity_id: str) -> DecisionError:
    """D021 for an entity id the store does not have, naming the ids like it (a misspelling)."""
    near = near_ids(entities.ids_and_names(conn), entity_id)
    hint = ("did you mean " + ", ".join(near) if near
            else "list them with 'annotator entities' or 'annotator register'")
    return DecisionError(f"no entity '{entity_id}'", hint=hint, code="D021")


def near_ids(known: Sequence[tuple[str, str]], typed: str, shown: int = 3) -> list[str]:
    """The ids of up to ``shown`` entities a mistyped id may have meant: those whose slug (the
    id less its type) holds the typed slug ('hitler'), then those whose slug ('leo-tolstoy'),
    one of its words ('tolstoy') or folded preferred name is close to it ('tolstoi'), as an
    unknown option's close names are found (difflib, cutoff 0.75). Five thousand entities
    take some 40 ms; only a typo pays for it."""
    import difflib  # only for a typo

    head, dash, rest = typed.strip().partition("-")
    typed = rest if dash and head in ENTITY_TYPES else typed.strip()  # 'person-' is in all
    bare = slug(typed)
    near = [eid for eid, _ in known if bare in eid.split("-", 1)[-1]]
    keys: dict[str, list[str]] = {}
    for eid, name in known:
        rest = eid.split("-", 1)[-1]
        for key in {rest, fold(name), *rest.split("-")}:
            keys.setdefault(key, []).append(eid)
    for wanted in dict.fromkeys((bare, fold(typed))):
        for key in difflib.get_close_matches(wanted, keys, n=shown, cutoff=0.75):
            near += keys[key]
    return list(dict.fromkeys(near))[:shown]


def no_date_value(type_: str, value: object) -> None:
    """D026 for a date value given to a mention of a name (a person's ``when``): only a date
    mention has one, however it is added (``mention add --date``, a decisions file's add)."""
    if type_ != "date" and value is not None:
        article = "an" if type_[:1] in ("a", "e", "i", "o", "u") else "a"
        raise DecisionError(f"{article} {type_} mention takes no date value (only dates do)",
                            hint="drop the date value, or mark it as a date", code="D026")


def no_block_crossing(text: str, source_id: str, start: int, end: int, type_: str) -> None:
    """D034 for a name or date mention over a block break ('Kafka.\\n\\nSecond': the end of a
    paragraph and a heading): no name runs from one block into the next, and marked so it would
    replace a right proposal and add a junk variant to the register. However it is added
    (``mention add``, a selection, ``adjust``, a decisions file's add); claims may cross."""
    if crosses_block(text, start, end):
        words = " / ".join(" ".join(b.split()) for b in text[start:end].split("\n\n"))
        raise DecisionError(f"the {type_} mention {start}:{end} of {source_id} \"{words}\" "
                            "crosses a block break (a paragraph, heading or list item ends "
                            "inside it): a name or date stands within one block",
                            hint="select (or give offsets of) the words within one block",
                            code="D034")


def _not_itself(entity_id: str, into: str) -> None:
    if entity_id == into:
        raise DecisionError(f"cannot merge {entity_id} into itself",
                            hint="give two different entities", code="D024")


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
        row = entities.entity_row(conn, entity_id)
        if row is None:
            raise no_entity(conn, entity_id)
        return row

    def _not_an_entity(self, conn: sqlite3.Connection, mention_id: int, command: str,
                       rest: str) -> DecisionError:
        """D035 for a mention given to an act on an entity ('link mention:3 ...'): the entity
        it is of, spelt into the command meant, or that it is of none (D028: no mention)."""
        row = self._mention_row(conn, mention_id)
        eid = row["entity_id"]
        of = f"of {eid}" if eid else "of no entity"
        hint = (f"give its entity id: annotator {command} {eid} {rest}" if eid else
                "list the entities with 'annotator entities'")
        return DecisionError(f"{command} takes an entity id, not a mention: mention {mention_id} "
                             f"is {of}", hint=hint, code="D035")

    def _mention_row(self, conn: sqlite3.Connection, mention_id: int) -> sqlite3.Row:
        row = mentions.mention_row(conn, mention_id)
        if row is None:
            raise DecisionError(f"no mention {mention_id}",
                                hint="list them with 'annotator mentions [SOURCE]'",
                                code="D028")
        return row

    def _current_mention_row(self, conn: sqlite3.Connection, mention_id: int) -> sqlite3.Row:
        """A mention an act decides on, which must be of its source's current version: one of
        an older version (stale since its file was replaced) has offsets into a text that is
        gone, and deciding it would decide other words (D005)."""
        row = self._mention_row(conn, mention_id)
        if mentions.current_version(conn, row["source_id"]) != row["sha256"]:
            raise older_version(conn, row)
        return row

    def surface(self, row: sqlite3.Row | dict[str, Any]) -> str:
        """The characters a stored mention covers, read from its source's reading text."""
        if mentions.current_version(self.store.conn, row["source_id"]) != row["sha256"]:
            return ""
        return self.reading_text(row["source_id"])[row["start"]:row["end"]]

    def state_token(self, *targets: str) -> str:
        """A short hash of the targets' current rows: pass it back as ``expected``.

        Without targets it stands for the whole workspace: it changes with every decision.
        """
        if not targets:
            last = log.last_id(self.store.conn)
            return hashlib.sha256(f"workspace:{last}".encode()).hexdigest()[:16]
        names = [target_name(t) for t in targets]
        with located(self.store):
            return self.token(self.store.conn, names)

    def token(self, conn: sqlite3.Connection, targets: Sequence[str]) -> str:
        """The state token of ``targets`` as ``conn`` sees them (within an act, or not)."""
        groups: list[Sequence[sqlite3.Row | tuple[Any, ...]]] = []
        for target in targets:
            kind, key = parse_target(target)
            if kind == "mention":
                groups.append([self._mention_row(conn, int(key))])
            elif kind == "claim":
                groups.append(log.claim_state_rows(conn, key))
            else:
                groups.append(log.entity_state_rows(conn, self._entity_row(conn, str(key))))
        return state_digest(groups)

    # -- the act wrapper ----------------------------------------------------------------------
    @contextmanager
    def _act(self, act: str, targets: Sequence[str], payload: dict[str, Any],
             expected: str | None, *, checked: int | None = None) -> Iterator[Act]:
        """One act on targets; ``expected`` is the state token of the first ``checked`` ones
        (default all): for a merge, of the entity merged away, as the editor saw it."""
        names = [target_name(t) for t in targets]
        refuse_not_xml([*names, payload])
        with self._open(act, " ".join(names), payload) as rec:
            if expected is not None and self.token(rec.conn, names[:checked]) != expected:
                raise DecisionError(f"{' '.join(names)} changed since you loaded it",
                                    hint="reload and try again", code="D010")
            yield rec

    @contextmanager
    def _open(self, act: str, target: str, payload: dict[str, Any]) -> Iterator[Act]:
        """The act's transaction, whose refusals name the store (``located``); what an act
        checks of its arguments before it opens names no place. The mentions it placed lose
        their ``ambiguous`` flag (``settle_ambiguous``), and the entities it touched are named
        anew last (``rename``)."""
        with located(self.store), self.store.act(act, target, editor=self.editor,
                                                 payload=payload) as rec:
            yield rec
            settle_ambiguous(rec)
            rename(rec, self.reading_text)

    def _done(self, rec: Act) -> Decision:
        return log.decision(self.store.conn, rec.decision_id)

    # -- acts ---------------------------------------------------------------------------------
    def confirm(self, targets: Sequence[str], *, expected: str | None = None) -> Decision:
        """Confirm entities (with all their undecided mentions) or single mentions."""
        return self._set_status("confirm", "confirmed", targets, expected)

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

    def apply_status(self, rec: Act, target: str, status: str, *, cascade: bool = True) -> None:
        """Within an act: set a target's status; for an entity, also its undecided mentions
        (not with ``cascade`` False: a register import makes an entity known, the mentions
        the model proposed of it stay for an editor to decide)."""
        kind, key = parse_target(target)
        conn = rec.conn
        if kind == "mention":
            if status == "rejected" and self._mention_row(conn, int(key))["status"] == "stale":
                # set aside: its offsets are an older version's (D005), so it is taken out
                # (logged: undo puts it back), never made a mention of the text now; a
                # proposed entity it was the last of goes with it (``drop_left``)
                rec.delete("mentions", {"id": key})
                drop_left(rec)
                return
            row = self._current_mention_row(conn, int(key))
            values: dict[str, Any] = {"status": status, "decided": 1}
            if status != "rejected" and row["entity_id"] is None and row["type"] != "date":
                # its entity went when it was rejected, its last: it joins or starts one again
                values["entity_id"] = self.entity_for(rec, self.surface(row), row["type"])
            rec.update("mentions", {"id": key}, values)
            if status == "rejected":  # its proposed entity's last: that goes too
                drop_rejected_last(rec, row["entity_id"])
            return
        row = self._entity_row(conn, str(key))
        rec.update("entities", {"id": key}, {"status": status})
        if row["status"] == status == "confirmed" and is_from_files(conn, str(key)):
            rec.touch("entities", {"id": key})  # known from the files' pointers: now decided
        if cascade:
            cascade_status(rec, str(key), status)
        for k in [v["key"] for v in entities.variants(conn, str(key))]:
            if status == "rejected":
                reject_key(rec, k, row["type"])
            else:
                rec.delete("rejections", {"key": k, "type": row["type"]})

    def decide_proposed(self, entity_id: str, status: str, *,
                        expected: str | None = None) -> Decision:
        """A known (confirmed) entity's new mentions, the undecided proposals a register import
        or a proposing run linked to it, confirmed or rejected as one act; the entity, its
        names, ids and its other mentions stay as they are. Confirmed, they follow the
        entity's later decisions as its others do; rejected, each is decided one by one, so
        confirming the entity again leaves them rejected, and proposing again does not bring
        them back (its names are not rejected: the register keeps them)."""
        act = {"confirmed": "confirm-proposed", "rejected": "reject-proposed"}[status]
        _, key = parse_target(entity_id)
        payload: dict[str, Any] = {}
        with self._act(act, [entity_id], payload, expected) as rec:
            row = self._entity_row(rec.conn, str(key))
            ids = mentions.proposed_of_entity(rec.conn, str(key))
            if row["status"] != "confirmed":
                raise DecisionError(f"{key} is {row['status']}, not a known entity: its "
                                    "mentions are decided with it",
                                    hint=f"decide the entity itself ('annotator "
                                    f"{act.split('-')[0]} {key}')", code="D033")
            if not ids:
                raise DecisionError(f"{key} has no proposed mentions to decide",
                                    hint="its mentions are decided; list them with "
                                    "'annotator mentions'", code="D033")
            payload["mentions"] = len(ids)  # logged with the act: how many it decided
            decided = {"decided": 1} if status == "rejected" else {}
            for mid in ids:
                rec.update("mentions", {"id": mid}, {"status": status, **decided})
        return self._done(rec)

    def reject_in_source(self, entity_id: str, source_id: str, *, proposed_only: bool = False,
                         expected: str | None = None) -> Decision:
        """Not in this source: the entity's mentions there are rejected, and its names found
        there are never proposed again as its type in that source (any version of it); other
        sources keep them ("Hindostan" the ship here, the region elsewhere). With
        ``proposed_only`` (a known entity's card in the queue) its undecided proposals there
        only: its confirmed mentions there stay."""
        _, key = parse_target(entity_id)
        payload: dict[str, Any] = {"source": source_id}
        if proposed_only:
            payload["proposed_only"] = True
        with self._act("reject-here", [entity_id], payload, expected) as rec:
            if not self.reject_here(rec, str(key), source_id, proposed_only=proposed_only):
                where = sorted({m["source_id"] for m in mentions.of_entity(rec.conn, str(key))})
                raise DecisionError(f"{key} has no{' proposed' * proposed_only} mentions in "
                                    f"{source_id}",
                                    hint=f"its mentions are in {', '.join(where) or 'no source'}",
                                    code="D019")
        return self._done(rec)

    def reject_here(self, rec: Act, entity_id: str, source_id: str, *,
                    proposed_only: bool = False) -> int:
        """Within an act: what ``reject_in_source`` does; returns how many mentions it
        rejected (none: nothing is recorded)."""
        conn = rec.conn
        row = self._entity_row(conn, entity_id)
        if mentions.current_version(conn, source_id) is None:
            raise no_source(conn, source_id, self.store.place)
        statuses = ("proposed",) if proposed_only else ("proposed", "confirmed")
        here = [m for m in mentions.of_entity(conn, entity_id)
                if m["source_id"] == source_id and m["status"] in statuses]
        keys = {name_key(s) for s in map(self.surface, here) if s} or \
            {v["key"] for v in entities.variants(conn, entity_id)}
        for m in here:
            rec.update("mentions", {"id": m["id"]}, {"status": "rejected", "decided": 1})
        for k in sorted(k for k in keys if k and here):
            reject_key_in(rec, k, row["type"], source_id)
        return len(here)

    def set_date(self, mention_id: int | str, value: dict[str, str], *,
                 julian: bool | None = None, cert: str | None = None,
                 expected: str | None = None) -> Decision:
        """Give a date mention the editor's value (when, from/to, notBefore/notAfter), or
        its ``julian`` flag (an Old Style date: its words a Julian day, its value the
        Gregorian day; True sets it, False clears it, None leaves it), or how certain its
        value is (``cert``: low, medium, high), or several, in one act; it is confirmed with
        it. A value given: its reason 'set by the editor', its certainty ``cert``, else high
        (an editor's range for "early 1800s" is an estimate: ``cert='low'``). The flag or the
        certainty alone: the value stays, the flag's reason says the editor's flag
        (docs/proposals.md#old-style)."""
        text = str(mention_id)
        _, key = parse_target(text if text.startswith(MENTION) else MENTION + text)
        if cert is not None and cert not in CERTAINTIES:
            raise DecisionError(f"'{cert}' is not a certainty",
                                hint=f"give --cert {', '.join(CERTAINTIES)}", code="D037")
        stored = normalise_date_value(value) if value or (julian is None and cert is None) \
            else None
        if stored is None and julian is None and cert is None:
            raise DecisionError("no date value given",
                                hint="give --when, --from/--to, --not-before/--not-after, "
                                     "--julian/--gregorian or --cert", code="D013")
        payload: dict[str, Any] = {"value": json.loads(stored)} if stored is not None else {}
        if julian is not None:
            payload["julian"] = "set" if julian else "cleared"
        if cert is not None:
            payload["cert"] = cert
        with self._act("date", [f"mention:{key}"], payload, expected) as rec:
            row = self._current_mention_row(rec.conn, int(key))
            if row["type"] != "date":
                raise DecisionError(f"mention {key} is a {row['type']}, not a date",
                                    hint=f"relabel it first: annotator relabel mention:{key} "
                                         "date", code="D026")
            if stored is None and row["date_value"] is None and julian:
                raise DecisionError(f"mention {key} has no value to flag julian",
                                    hint=f"give its Gregorian day too: annotator date set "
                                         f"mention:{key} --when YYYY-MM-DD --julian",
                                    code="D013")
            if stored is None and row["date_value"] is None and cert is not None:
                raise DecisionError(f"mention {key} has no value to say how certain it is",
                                    hint=f"give its value too: annotator date set "
                                         f"mention:{key} --when ... --cert {cert}",
                                    code="D013")
            changes: dict[str, Any] = {"status": "confirmed", "decided": 1}
            if stored is not None:
                changes |= {"date_value": stored, "date_reason": EDITOR,
                            "date_cert": cert or "high", "date_stated": 0, "date_set": 1,
                            "date_written": None}  # no words' day: the editor's value
            elif cert is not None:
                changes["date_cert"] = cert
            if julian is not None:
                flags = [f for f in (row["flags"] or "").split(",") if f and f != "julian"]
                changes["flags"] = ",".join([*flags, "julian"] if julian else flags)
                if stored is None and changes["flags"] != (row["flags"] or ""):
                    changes |= _flagged(rec.conn, row, julian, payload)
            rec.update("mentions", {"id": key}, changes)
            if not rec.changes:  # the same value, set by the editor before: nothing to log
                flag = ", ".join(w for w in (
                    "" if julian is None else "flagged julian" if julian else
                    "not flagged julian", "" if cert is None else f"cert {cert}") if w)
                said = " ".join(f"{k}={v}" for k, v in payload.get("value", {}).items())
                said = f"already has {said}{', ' + flag if flag else ''}, set by the editor" \
                    if said else f"is already confirmed and {flag}"
                raise DecisionError(f"mention {key} {said}; nothing changed",
                                    hint="give another value, or leave it", code="D031")
            own = file_date_value(rec.conn, int(key))
            if own is not None and "value" in payload and own[0] != payload["value"]:
                payload["markup"] = own[0]  # logged with the act: exports keep the file's value
                if not own[1]:  # kept too, though annotator could not read it
                    payload["markup_unread"] = True
        return self._done(rec)

    def confirm_dates(self, source_id: str, *, certain: bool = True) -> Decision:
        """Confirm a source's proposed dates that have a value as one act; with ``certain``
        only those stated in full whose weekday fits (inferred ones wait for the editor)."""
        ids = waiting_dates(self.store.conn, source_id, certain=certain)
        if not ids:
            editors = editors_dates(self.store.conn, source_id)
            aside = f" ({editors} in the editor's voice, flag editorial, are confirmed one by " \
                    "one: 'annotator confirm mention:N')" if editors else ""
            raise DecisionError(f"no proposed date of '{source_id}' has a "
                                f"{'certain ' if certain else ''}value{aside}",
                                hint=f"list them with 'annotator dates list {source_id}'",
                                location=self.store.place, code="D023")
        return self._set_status("confirm", "confirmed", [f"mention:{i}" for i in ids], None)

    def set_source_date(self, source_id: str, value: str) -> Decision:
        """Set the date a source was written (its anchor: what its partial dates lean on)."""
        if _ISO_DATE.fullmatch(value):
            _a_day(value, hint="give a day of the calendar, as 1865-04-12")
        day = parse_day(value)
        if day is None:
            raise DecisionError(f"'{value}' is not a date ({DAY_FORMS})",
                                hint="give the date as 1865-04-12", code="D013")
        with self._open("source-date", f"source:{source_id}", {"date": day.tei()}) as rec:
            if not source_known(rec.conn, source_id):
                raise no_source(rec.conn, source_id, self.store.place)
            rec.update("sources", {"id": source_id}, {"date": day.tei(), "date_reason": EDITOR})
            work = own_work(rec.conn, source_id)
            if work is not None:  # the source's own bibliography entry takes the date
                fields = {k: v for k, v in json.loads(work["fields"]).items() if k != "year"}
                rec.update("bib", {"key": work["key"]},
                           {"fields": json.dumps({**fields, "date": day.tei()},
                                                 ensure_ascii=False)})
        return self._done(rec)

    def relabel(self, target: str, new_type: str, *, confirm: bool = False,
                expected: str | None = None) -> Decision:
        """Change the type of an entity (all its mentions) or of one mention."""
        new_type = new_type.strip().lower()
        kind, key = parse_target(target)
        allowed = MENTION_TYPES if kind == "mention" else ENTITY_TYPES
        if new_type not in allowed:
            raise DecisionError(f"'{new_type}' is not a type", hint=f"use {', '.join(allowed)}",
                                code="D003")
        payload: dict[str, Any] = {"type": new_type, "confirm": confirm}
        with self._act("relabel", [target], payload, expected) as rec:
            if kind == "mention":
                self._relabel_mention(rec, int(key), new_type)
                if confirm:
                    self.apply_status(rec, target, "confirmed")
            else:
                new_id = self.relabel_entity(rec, str(key), new_type)
                if new_id != key:
                    payload["new"] = new_id  # logged with the act: the entity's id now
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
        if new_id != entity_id and entities.entity_row(conn, new_id) is not None:
            self.merge_entities(rec, entity_id, new_id, retype=True)
            return new_id
        # not one an act in force deleted, which its undo puts back, unless this entity's own
        # relabels took it there: relabelled back to its type, an entity has its id again
        if new_id != entity_id and not log.moved_on_to(conn, new_id, entity_id):
            new_id = free_id(new_id, entities.taken_ids(conn, new_type))
        if new_id == entity_id:
            rec.update("entities", {"id": entity_id}, {"type": new_type})
        else:
            rec.insert("entities", {**row, "id": new_id, "type": new_type})
            move_children(rec, entity_id, new_id)
            rec.delete("entities", {"id": entity_id})
        for m in mentions.of_entity(conn, new_id):
            self._retype_mention(rec, m["id"], new_type)
        reject_keys(rec, new_id, old_type)
        return new_id

    def _retype_mention(self, rec: Act, mention_id: int, new_type: str) -> None:
        m = self._mention_row(rec.conn, mention_id)
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
        m = self._current_mention_row(rec.conn, mention_id)
        if m["type"] == new_type:
            return
        self._retype_mention(rec, mention_id, new_type)
        entity_id = None
        if new_type != "date":
            entity_id = self.entity_for(rec, self.surface(m), new_type)
        values: dict[str, Any] = {"entity_id": entity_id, "decided": 1}
        if new_type != "date":
            values["date_value"] = None
        elif not m["date_value"]:  # a date its words give a value to gets it, as proposed
            found = normalise_date(self.surface(m))  # ones do; "Barack Obama" gets none
            values["date_value"] = normalise_date_value(found.as_dict()) if found else None
            values["flags"] = found.flags if found else "relative"
        rec.update("mentions", {"id": mention_id}, values)

    def entity_for(self, rec: Act, surface: str, type_: str, *,
                   status: str = "proposed") -> str:
        """Within an act: the entity a name of this type belongs to, made if there is none."""
        named = entities.named(rec.conn, name_key(surface), type_)
        if named:  # a confirmed one first, then a proposed one
            best = min(named, key=lambda r: (r["status"] != "confirmed",
                                             r["status"] != "proposed", r["id"]))
            return str(best["id"])
        name = display_name(surface)
        new_id = unique_entity_id(rec.conn, type_, name)
        rec.insert("entities", {"id": new_id, "type": type_, "preferred": name,
                                "status": status, "note": "", "created_at": now()})
        add_variant(rec, new_id, surface)
        return new_id

    def merge(self, entity_id: str, into: str, *, expected: str | None = None,
              expected_into: str | None = None) -> Decision:
        """Merge one entity into another: mentions, variants and authority ids move over;
        ``into`` keeps its id and is named anew among the mentions it has now, unless an
        editor chose its name (``rename``). ``expected``, ``expected_into``: the state
        tokens of each as the editor saw them (a review card draws both), refused (D010) if
        either changed since."""
        kind, key = parse_target(entity_id)
        kind2, key2 = parse_target(into)
        if kind != "entity" or kind2 != "entity":
            raise DecisionError("merge takes two entity ids", hint="give entity ids, not mentions",
                                code="D011")
        _not_itself(str(key), str(key2))
        payload: dict[str, Any] = {"into": key2}
        with self._act("merge", [entity_id, into], payload, expected, checked=1) as rec:
            if expected_into is not None and \
                    self.token(rec.conn, [target_name(into)]) != expected_into:
                raise DecisionError(f"{target_name(into)} changed since you loaded it",
                                    hint="reload and try again", code="D010")
            # the sources' own markup tells the two apart: merged all the same (the editor may
            # know better), but the files keep their pointers, so the answer says so
            marked = [pointers.of_entity(rec.conn, str(k), origin="markup") for k in (key, key2)]
            if all(marked):
                payload["markup"] = marked  # logged with the act: the one merged's, then into's
            self.merge_entities(rec, str(key), str(key2))
        return self._done(rec)

    def merge_entities(self, rec: Act, entity_id: str, into: str, *,
                       retype: bool = False, decide: bool = True) -> None:
        """Within an act: fold ``entity_id`` into ``into`` and delete it. Every merge (the
        command, the review desks, a decisions file, a register import) comes through here, so
        one of another type is refused here (D032): its mentions would silently change type.
        ``retype``: relabel's own, an entity relabelled onto the id of one of its new type.
        ``decide``: undecided mentions take the status of ``into`` (an editor's merge into a
        confirmed entity confirms them), and a proposed ``into`` is confirmed, with them, when
        the entity merged was: merging a confirmed entity is a decision, which the review queue
        must not offer again; a register import's merge leaves them proposed."""
        conn = rec.conn
        _not_itself(entity_id, into)
        src = self._entity_row(conn, entity_id)
        dst = self._entity_row(conn, into)
        if src["type"] != dst["type"] and not retype:
            raise DecisionError(
                f"{entity_id} is a {src['type']} and {into} is a {dst['type']}: entities of "
                f"different types are not merged (the mentions would change type)",
                hint=f"if they are one, relabel one first ('annotator relabel {entity_id} "
                     f"{dst['type']}' or 'annotator relabel {into} {src['type']}'), then merge "
                     f"the id it prints", code="D032")
        ids = entities.authority_ids(conn, into)
        for scheme, value in entities.authority_ids(conn, entity_id).items():
            if scheme in ids and ids[scheme] != value:
                raise DecisionError(
                    f"{entity_id} and {into} have different {scheme} ids "
                    f"({value}, {ids[scheme]})",
                    hint=f"they may be different; or remove one with 'annotator link {entity_id} "
                         f"{scheme} \"\"' first", code="D025")
        if src["type"] != dst["type"]:
            reject_keys(rec, entity_id, src["type"])
        for m in mentions.of_entity(conn, entity_id):
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
            if decide and not m["decided"] and dst["status"] != "proposed":
                values["status"] = dst["status"]
            rec.update("mentions", {"id": m["id"]}, values)
        if src["note"] and src["note"] not in dst["note"]:
            note = f"{dst['note']}\n{src['note']}" if dst["note"] else src["note"]
            rec.update("entities", {"id": into}, {"note": note})
        if src["geo"] and not dst["geo"]:  # a place's coordinates are not lost by a merge
            rec.update("entities", {"id": into}, {"geo": src["geo"]})
        move_children(rec, entity_id, into)
        add_variant(rec, into, src["preferred"])
        rec.delete("entities", {"id": entity_id})
        if decide and src["status"] == "confirmed" and dst["status"] == "proposed":
            self.apply_status(rec, into, "confirmed")  # an editor's merge of a confirmed one

    def split(self, entity_id: str, mention_ids: Iterable[int | str], *,
              preferred: str | None = None, expected: str | None = None) -> Decision:
        """Move some mentions off an entity to a new entity (a second person of that name...).

        The mentions stay as decided as they were: split off a confirmed entity, they make a
        new confirmed one (an editor's confirmation is not taken back by telling two people
        apart); off a proposed one, a proposed one. Splitting off every mention is refused
        (D012): it would leave the entity empty, where ``prefer`` renames it and ``merge``
        moves its mentions to another one."""
        _, key = parse_target(entity_id)
        ids = [parse_mention_id(i) for i in mention_ids]
        if not ids:
            raise DecisionError("no mentions to split off", hint="give mention ids", code="D012")
        payload: dict[str, Any] = {"mentions": ids, "preferred": preferred}
        with self._act("split", [entity_id], payload, expected) as rec:
            conn = rec.conn
            src = self._entity_row(conn, str(key))
            moved = [self._current_mention_row(conn, i) for i in ids]
            for m in moved:
                if m["entity_id"] != key:
                    raise DecisionError(f"mention {m['id']} is not a mention of {key}",
                                        hint="give mentions of that entity", code="D012")
            surfaces = [self.surface(m) for m in moved]
            name = (preferred or next((s for s in surfaces if s), "")).strip()
            if not name:
                raise DecisionError("no name for the new entity", hint="pass --preferred NAME",
                                    code="D016")
            left = {m["id"] for m in mentions.of_entity(conn, str(key))} - set(ids)
            if not left:
                raise DecisionError(
                    f"split would take every mention of {key} off it, leaving it empty",
                    hint=f"to name it anew, 'annotator prefer {key} NAME'; to join its "
                         f"mentions to another entity, 'annotator merge {key} OTHER'",
                    code="D012")
            status = "confirmed" if src["status"] == "confirmed" else "proposed"
            new_id = unique_entity_id(conn, src["type"], name)
            payload["new"] = new_id  # logged with the act: the id the editor goes on with
            payload["status"] = status  # said by the command: "(confirmed, 2 mentions)"
            rec.insert("entities", {"id": new_id, "type": src["type"], "preferred": name,
                                    "status": status, "note": "", "created_at": now()},
                       naming=CHOSEN if preferred else None)  # the editor's name stays
            add_variant(rec, new_id, name)
            for m, s in zip(moved, surfaces):
                values: dict[str, Any] = {"entity_id": new_id}
                if not m["decided"] and status == "proposed":
                    values["status"] = "proposed"
                rec.update("mentions", {"id": m["id"]}, values)
                if s:
                    add_variant(rec, new_id, s)
            staying = {name_key(self.surface(m)) for m in mentions.of_entity(conn, str(key))}
            keep = staying | {name_key(src["preferred"])}
            for k in {name_key(s) for s in surfaces if s} - keep:
                rec.delete("variants", {"entity_id": key, "key": k})
        return self._done(rec)

    def adjust(self, mention_id: int | str, start: int, end: int, *,
               expected: str | None = None) -> Decision:
        """Correct a mention's span; the corrected mention counts as confirmed.

        The span is snapped to whole words as ``add_mention``'s is (``snap``, without the
        edition's conventions: the editor is correcting this very span); ``payload['selected']``
        is the span given when the one marked differs."""
        mid = parse_mention_id(mention_id)
        asked = (start, end)
        row = mentions.mention_row(self.store.conn, mid)  # none: the act refuses it (D028)
        if row is not None and mentions.current_version(self.store.conn, row["source_id"]) \
                == row["sha256"]:  # an older version's: the act refuses it (D005)
            start, end = self.snap(row["source_id"], start, end, row["type"])
        payload: dict[str, Any] = {"start": start, "end": end}
        if (start, end) != asked:
            payload["selected"] = list(asked)
        with self._act("adjust", [f"{MENTION}{mid}"], payload, expected) as rec:
            m = self._current_mention_row(rec.conn, mid)
            text = self._check_span(rec.conn, m["source_id"], start, end)
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
                                    code="D027")
            add_variant(rec, entity_id, surface)
        elif type_ != "date":
            entity_id = self.entity_for(rec, surface, type_, status="confirmed")
        sha = mentions.current_version(conn, source_id)
        assert sha is not None  # the act checked the span against the source
        old = mention_at(conn, source_id, sha, start, end, type_)
        values = {"status": "confirmed", "decided": 1, "entity_id": entity_id,
                  "date_value": date_value}
        if old is not None:
            rec.update("mentions", {"id": old["id"]}, values)
        else:
            rec.insert("mentions", {"source_id": source_id, "sha256": sha, "start": start,
                                    "end": end, "type": type_, "provenance": "editor",
                                    "created_at": now(), **values})

    def _check_span(self, conn: sqlite3.Connection, source_id: str, start: int, end: int
                    ) -> str:
        if mentions.current_version(conn, source_id) is None:
            raise no_source(conn, source_id, self.store.place)
        text = self.reading_text(source_id)
        fault = span_fault(start, end, len(text))
        if fault is not None or not text[start:end].strip():
            raise DecisionError(f"{start}:{end} of {source_id}'s reading text "
                                f"{fault or 'holds no word'}",
                                hint="give start < end inside the text, covering a word",
                                code="D022")
        return text

    def snap(self, source_id: str, start: int, end: int, type_: str, *,
             edition: Edition | None = None) -> tuple[int, int]:
        """A hand-made span as it is marked: the whole words its edges cut, then (``edition``)
        as the edition marks a name of this type. The one way a typed or selected span is
        marked (``add_mention``, ``adjust``, ``Workspace.snap``). A span outside the text is
        left for ``_check_span`` to refuse; one around no word is refused (D022), one over a
        block break (D034, ``no_block_crossing``)."""
        type_ = _mention_type(type_)
        text = self.reading_text(source_id)
        if not 0 <= start < end <= len(text):
            return start, end
        words = word_span(text, start, end)
        if words is None:
            raise DecisionError(f"{start}:{end} of {source_id}'s reading text holds no word "
                                f"({span_repr(text, start, end)})",
                                hint="give start < end around the words of the name",
                                code="D022")
        marked = edition(source_id, *words, type_) if edition is not None else words
        no_block_crossing(text, source_id, *marked, type_)
        return marked

    def add_mention(self, source_id: str, start: int, end: int, type_: str, *,
                    entity_id: str | None = None,
                    date_value: dict[str, str] | str | None = None,
                    expected: str | None = None,
                    edition: Edition | None = None) -> Decision:
        """Add a mention the model missed (or got wrong); it is confirmed, and joins (or
        starts) an entity.

        The span, typed or selected, is widened to the whole words its edges cut and trimmed
        ('Molot' of 'Molotov' marks 'Molotov'), then given to ``edition`` (the edition's
        conventions: a selection's title or article in or out), whichever way it was added; a
        span with no word is refused (D022). ``payload['selected']``: the span given, when the
        one marked differs (``annotator.text.widened_note`` says so).

        Undecided proposals it overlaps are rejected in the same act (``payload['replaces']``):
        'Miss Frances Henslow' selected over the proposal 'Frances Henslow' replaces it, and
        joins the proposal's entity when no entity is given and they are of one type.
        """
        type_ = _mention_type(type_)
        value = normalise_date_value(date_value)
        no_date_value(type_, value)
        if type_ == "date" and entity_id:
            raise DecisionError("dates are not entities", hint="drop the entity", code="D014")
        asked = (start, end)
        start, end = self.snap(source_id, start, end, type_, edition=edition)
        payload: dict[str, Any] = {"source": source_id, "start": start, "end": end, "type": type_,
                   "entity": entity_id, "date_value": value}
        if (start, end) != asked:
            payload["selected"] = list(asked)
        span = f"span:{source_id}:{start}-{end}"
        with self._open("add-mention", span, payload) as rec:
            if expected is not None and entity_id and self.token(rec.conn,
                                                                 [entity_id]) != expected:
                raise DecisionError(f"{entity_id} changed since you loaded it",
                                    hint="reload and try again", code="D010")
            self._check_span(rec.conn, source_id, start, end)
            sha = mentions.current_version(rec.conn, source_id)
            assert sha is not None  # _check_span found the source
            over = [r for r in mentions.proposed_overlapping(rec.conn, source_id, sha, start, end)
                    if (r["start"], r["end"], r["type"]) != (start, end, type_)]
            joins = {r["entity_id"] for r in over if r["type"] == type_ and r["entity_id"]}
            if entity_id is None and type_ != "date" and len(joins) == 1:
                entity_id = joins.pop()
            for r in over:
                rec.update("mentions", {"id": r["id"]}, {"status": "rejected", "decided": 1})
            payload.update(entity=entity_id, replaces=[r["id"] for r in over])  # logged at commit
            self.insert_mention(rec, source_id, start, end, type_, entity_id=entity_id,
                                date_value=value)
        return self._done(rec)

    def link(self, entity_id: str, scheme: str, value: str, *,
             expected: str | None = None) -> Decision:
        """Link an entity to an authority record (Wikidata, VIAF, GeoNames, GND); '' unlinks."""
        kind, key = parse_target(entity_id)
        removing = not value.strip()
        if removing:
            if scheme.strip().lower() not in AUTHORITIES:
                normalise_authority(scheme, "")  # refused, naming the scheme as typed
            scheme = scheme.strip().lower()
        else:
            scheme, value = normalise_authority(scheme, value)
        with self._act("link", [entity_id], {"scheme": scheme, "value": value},
                       expected) as rec:
            if kind == "mention":
                raise self._not_an_entity(rec.conn, int(key), "link",
                                          f"{scheme} {value.strip() or chr(34) * 2}")
            self._entity_row(rec.conn, str(key))
            set_authority(rec, str(key), scheme, None if removing else value)
        return self._done(rec)

    def set_preferred(self, entity_id: str, name: str, *,
                      expected: str | None = None) -> Decision:
        """Set the name the register shows and exports first."""
        _, key = parse_target(entity_id)
        refuse_not_xml([name])  # before folding: NEL and U+001C-U+001F are spaces to split()
        name = " ".join(name.split())
        if not name_key(name):
            raise DecisionError("empty name", hint="give the preferred name", code="D016")
        with self._act("prefer", [entity_id], {"name": name}, expected) as rec:
            self._entity_row(rec.conn, str(key))
            rec.update("entities", {"id": key}, {"preferred": name})
            add_variant(rec, str(key), name)
        return self._done(rec)

    def set_note(self, entity_id: str, note: str, *, expected: str | None = None) -> Decision:
        """Set an entity's editorial note (exported with the register)."""
        _, key = parse_target(entity_id)
        with self._act("note", [entity_id], {"note": note}, expected) as rec:
            self._entity_row(rec.conn, str(key))
            rec.update("entities", {"id": key}, {"note": note.strip()})
        return self._done(rec)

    def skip(self, entity_id: str) -> Decision:
        """Put a candidate to the end of this editor's review queue (changes nothing else)."""
        _, key = parse_target(entity_id)
        with self._act("skip", [entity_id], {}, None) as rec:
            self._entity_row(rec.conn, str(key))
        return self._done(rec)


_EDITOR_FLAG = re.compile(r"; (?:flagged julian|julian flag cleared) by the editor(?:: [^;]*)?$")


def _flagged(conn: sqlite3.Connection, row: sqlite3.Row, julian: bool,
             payload: dict[str, Any]) -> dict[str, Any]:
    """A date's changes when the editor flags it julian (or clears the flag) and gives no
    value: a value read from its words is converted as the rules convert (flagged: the words'
    Julian day, its Gregorian value; cleared: the words' own day again), since the flag says
    what the words are; an editor's value or the file's own stays. The reason says the flag,
    once (a flag set, then cleared, says the last), and what it did; ``payload`` logs the
    value before and after (docs/proposals.md#old-style). The words' days the value was read
    from are kept in ``date_written`` while flagged, and read from it when cleared."""
    reason = row["date_reason"] or ""
    value = json.loads(row["date_value"]) if row["date_value"] else {}
    written = json.loads(row["date_written"]) if row["date_written"] else {}
    now, words, said = ({}, {}, "") if row["date_set"] or \
        file_date_value(conn, row["id"]) is not None else flag_value(value, written, julian)
    flag = "flagged julian by the editor" if julian else "julian flag cleared by the editor"
    kept = _EDITOR_FLAG.sub("", reason)
    out: dict[str, Any] = {"date_reason": "; ".join(filter(None, [kept, flag])) +
                           (f": {said}" if said else ""),
                           "date_written": json.dumps(words) if words else None}
    if said:
        for v in now.values() if not julian else ():
            if (why := not_a_day(v)) is not None:  # a Julian day only: 29 February 1700
                raise DecisionError(
                    f"mention {row['id']}: its words' day {v} is no Gregorian day ({why}), so "
                    "they are Old Style; the julian flag stays",
                    hint=f"leave it, or give the value: annotator date set mention:{row['id']} "
                         "--when YYYY-MM-DD --gregorian", code="D029")
        out["date_value"] = normalise_date_value(now)
        payload |= {"now": now, "was": value}
    return out
