"""Editors' decisions kept as a readable file, applied in one act.

A TOML file names entities by name and type, so it holds whatever entity ids the model
proposes::

    register = "register.xml"         # optional: a TEI register imported first
    reject = [ { name = "Axis", type = "place" } ]
    reject = [ { name = "Hindostan", type = "place", source = "letter-12" } ]  # there only
    relabel = [ { name = "German Foreign office", type = "place", to = "org" } ]
    confirm = [ { name = "Berlin", type = "place" } ]
    merge = [ { name = "Hitler", type = "person", into = "person-adolf-hitler" } ]
    link = [ { entity = "place-berlin", wikidata = "Q64" } ]
    prefer = [ { entity = "place-ussr", preferred = "Soviet Union" } ]
    note = [ { entity = "person-adolf-hitler", note = "..." } ]
    add = [ { source = "letter", text = "German Foreign office", type = "org" } ]
    confirm = [ { type = "date" } ]   # every proposed date the model could normalise
    confirm_claims = [ { kind = "attributed" } ]      # proposed claims of a kind (and ``text``)
    accept_links = [ { key = "nekrich1997", locus = "p. 199" } ]  # suggested links to a work

An ``add`` line marks every occurrence of ``text`` in the source's reading text that no
confirmed mention of that type covers yet (``when``/``from``/``to`` give a date its value).

Each line applies to every entity of that type with that name (any spelling the store knows),
or to the one ``entity`` id. Sections apply in the order add, merge, relabel, reject, confirm,
link, prefer, note, confirm_claims, accept_links. A rejection is recorded even when nothing is
proposed yet, so the name is never proposed for that type (with ``source``: never in that
source, its mentions there rejected).
Lines that match nothing are reported, not errors.

DOCS: docs/review.md#decisions-files
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from annotator.acts.context import ActContext
from annotator.acts.entity_edits import add_variant, reject_key, reject_key_in, set_authority
from annotator.acts.register import import_register
from annotator.acts.review import Review, normalise_date_value
from annotator.entities.authority import AUTHORITIES, normalise_authority
from annotator.entities.names import name_key
from annotator.errors import AnnotatorError, DecisionError, Location, SourceError
from annotator.files import read_named
from annotator.records import ApplyResult
from annotator.store import Act, claims, entities, mentions
from annotator.tei.parse import decode_utf8
from annotator.text import first_not_xml, not_xml
from annotator.vocab import CLAIM_KINDS, DATE_ATTRS, ENTITY_TYPES, MENTION_TYPES


SECTIONS = ("add", "merge", "relabel", "reject", "confirm", "link", "prefer", "note",
            "confirm_claims", "accept_links")
CLAIM_SECTIONS = {"confirm_claims": ({"kind"}, {"kind", "text"}),
                  "accept_links": ({"key"}, {"key", "locus"})}  # (needed, allowed) fields
_FIELDS = {"merge": {"into"}, "relabel": {"to"}, "reject": set(), "confirm": set(),
           "link": set(AUTHORITIES), "prefer": {"preferred"}, "note": {"note"},
           "add": {"source", "text"}}
_OPTIONAL = {"reject": {"source"}}  # fields a line may have besides the needed ones
_DATE_KEYS = set(DATE_ATTRS)


_TOML_AT = re.compile(r" \(at (?:line (\d+), column (\d+)|end of document)\)")


def read_file(path: Path) -> tuple[dict[str, Any], str]:
    """The decisions file as TOML data, checked section by section, and its text (where an
    entry that cannot be applied is, is found in it)."""
    raw = read_named(path, code="S205")  # a folder or an unreadable file: S205, not a trace
    text = decode_utf8(raw, path).removeprefix("\ufeff")  # bad bytes: their line and column
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = _TOML_AT.search(str(exc))  # tomllib puts the place in its message
        line, col = (int(at.group(1)), int(at.group(2))) if at and at.group(1) else (
            (text.count("\n") + 1, None) if at else (None, None))  # or "at end of document"
        raise SourceError(f"not a valid TOML file ({_TOML_AT.sub('', str(exc))})",
                          hint="fix the file", location=Location(path, line, col),
                          code="S208") from None
    except RecursionError:  # tomllib recurses per level of [ and {: nothing else is hurt
        raise SourceError("not a valid TOML file (arrays or tables nested too deep)",
                          hint="fix the file", location=Location(path), code="S208") from None
    # A TOML escape ("\u0002", "\u007f") gets past tomllib; the register is a file's name, not
    # text. DEL and the C1 controls are refused as in what an editor types (D018).
    bad = first_not_xml([v for k, v in data.items() if k != "register"])
    if bad is not None:
        at_line, at_col, field, bad = _not_xml_at(text) or (None, None, "", bad)
        named = "a field's name" if field is None else f"the value of '{field}'"
        raise SourceError(f"{named} holds the {bad}",
                          hint="remove it (TEI cannot hold it or discourages it); nothing was "
                               "applied",
                          location=Location(path, at_line, at_col), code="S209")
    for key, value in data.items():
        if key == "register":
            if not isinstance(value, str):
                raise _bad(path, text, (key,), "register must be a file name",
                           'write register = "..."')
            continue
        if key not in SECTIONS:
            raise _bad(path, text, (key,), f"unknown section '{key}'",
                       f"use {', '.join(SECTIONS)}")
        if not isinstance(value, list):
            raise _bad(path, text, (key,), f"'{key}' must be a list of tables",
                       f'write {key} = [ {{ name = "...", type = "..." }} ]')
        for i, line in enumerate(value):
            if not isinstance(line, dict):
                raise _bad(path, text, (key, i), "each line must be a table",
                           "write { name = ..., ... }")
            if key in CLAIM_SECTIONS:
                needed, allowed = CLAIM_SECTIONS[key]
                if set(line) - allowed or needed - set(line):
                    extra = sorted(set(line) - allowed)[:1]
                    raise _bad(path, text, (key, i, *extra),
                               f"a {key} line takes {', '.join(sorted(allowed))}",
                               f"needs {', '.join(sorted(needed))}")
                if key == "confirm_claims" and line["kind"] not in CLAIM_KINDS:
                    raise _bad(path, text, (key, i, "kind"),
                               f"unknown claim kind {line['kind']!r}",
                               f"kind is one of {', '.join(CLAIM_KINDS)}")
                continue
            allowed = {"name", "type", "entity"} | _FIELDS[key] | _OPTIONAL.get(key, set())
            if key == "add":
                allowed = {"type"} | _FIELDS[key] | _DATE_KEYS
            unknown = set(line) - allowed
            if unknown:
                field = sorted(unknown)[0]
                raise _bad(path, text, (key, i, field), f"unknown field '{field}'",
                           f"use {', '.join(sorted(allowed))}")
            for field in ("name", "entity", "into", "source"):
                if field in line and not isinstance(line[field], str):
                    raise _bad(path, text, (key, i, field), f"{field} must be a string",
                               f'write {field} = "..."')
            if key == "add" or (key == "confirm" and set(line) == {"type"}
                                and line["type"] == "date"):
                if line.get("type") not in MENTION_TYPES or _FIELDS[key] - set(line):
                    raise _bad(path, text, (key, i), "an add line needs source, text and type",
                               'write { source = "...", text = "...", type = "person" }; '
                               f"type is one of {', '.join(MENTION_TYPES)}")
                continue
            if "entity" not in line and not ("name" in line and line.get("type") in ENTITY_TYPES):
                raise _bad(path, text, (key, i), "a line needs entity = ID, or name and type",
                           f"type is one of {', '.join(ENTITY_TYPES)}")
            if key == "relabel" and line.get("to") not in ENTITY_TYPES:
                raise _bad(path, text, (key, i, "to"), f"cannot relabel to {line.get('to')!r}",
                           f"to is one of {', '.join(ENTITY_TYPES)}")
            needed = _FIELDS[key] if key != "link" else set()
            if needed - set(line):
                raise _bad(path, text, (key, i), f"missing '{sorted(needed - set(line))[0]}'",
                           "see docs/review.md#decisions-files")
    return data, text


_OPENS = {"]": "[", "}": "{"}
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|.)", re.S)
_HEADER = re.compile(r"\[(\[?)\s*([^\]\n]*?)\s*\]")
Place = tuple[Any, ...]  # (section,), (section, i) or (section, i, field)


def _unquote(key: str) -> str:
    key = key.strip()
    return key[1:-1] if len(key) > 1 and key[0] == key[-1] and key[0] in "\"'" else key


def _scan(text: str) -> tuple[dict[Place, int], tuple[int, str | None, str] | None]:
    """Where each section, entry (the i-th ``[[section]]`` or i-th item of ``section = [...]``)
    and field of an entry starts in the TOML ``text`` tomllib has read, as offsets, and the
    first character no XML file can hold in its strings (as it is, or as an escape such as
    \\u0002): (offset, the key whose value holds it or None when it is in a key, what), the
    register's file name left out. tomllib gives values, not places."""
    places: dict[Place, int] = {}
    bad: tuple[int, str | None, str] | None = None
    headers: dict[str, int] = {}  # [[section]] headers seen, per section
    table: Place | None = ()  # () at the top, (section, i) under [[section]], None under [x]
    array: str | None = None  # the section whose value, a [ ... ], is being read
    entry = -1  # the item of that array being read
    expect = False  # the next token starts an item of that array
    key, key_start = "", 0
    pending: list[str] = []  # the key being read
    stack: list[str] = []  # open [ and { of values
    at_key = True
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":  # a comment, to the end of its line
            i = n if (j := text.find("\n", i)) < 0 else j
            continue
        if expect and not c.isspace() and c not in "],":
            entry, expect = entry + 1, False
            places.setdefault((array, entry), i)
        if c in "\"'":
            close = c * 3 if text.startswith(c * 3, i) else c
            j = i + len(close)
            while j < n and not text.startswith(close, j):
                if c == '"' and text[j] == "\\":  # basic strings take escapes
                    m = _ESCAPE.match(text, j)
                    assert m is not None  # a backslash matches at least '\\.'
                    digits = m.group(1) or m.group(2)
                    char, after = (chr(int(digits, 16)) if digits else ""), m.end()
                else:
                    char, after = text[j], j + 1
                found = not_xml(char, typed=True) if char else None
                if found is not None and bad is None and (
                        at_key or stack or table != () or key != "register"):
                    bad = (j, None if at_key else key, found[2])
                j = after
            j += len(close)
            for _ in range(2 if len(close) == 3 else 0):  # '"""a""""': a quote inside
                j += j < n and text[j] == c
            if at_key:
                pending.append(text[i:j])
            i = j
            continue
        if c == "=" and at_key:
            key, pending, at_key = _unquote("".join(pending)), [], False
            seg = text[key_start:i]
            at = key_start + len(seg) - len(seg.lstrip())
            if not stack and table == ():
                places.setdefault((key,), at)
            elif not stack and table:
                places.setdefault((*table, key), at)
            elif array is not None and stack == ["[", "{"]:
                places.setdefault((array, entry, key), at)
        elif c == "\n" and not stack:
            pending, at_key, key_start = [], True, i + 1
        elif c == "[" and at_key and not stack:  # a [table] or [[table]] header
            if (m := _HEADER.match(text, i)) and not "".join(pending).strip():
                name = _unquote(m.group(2))
                places.setdefault((name,), i)
                if m.group(1):
                    headers[name] = headers.get(name, -1) + 1
                    table = (name, headers[name])
                    places[table] = i
                else:
                    table = None
            pending.append(c)
        elif c == "{":
            stack.append(c)
            pending, at_key, key_start = [], True, i + 1
        elif c == "[":  # an array
            if not stack and table == ():
                array, entry, expect = key, -1, True
            stack.append(c)
        elif c in "]}" and stack and stack[-1] == _OPENS[c]:
            stack.pop()
            at_key = False
            if not stack:
                array, expect = None, False
        elif c == "," and stack and stack[-1] == "{":
            pending, at_key, key_start = [], True, i + 1
        elif c == "," and stack == ["["] and array is not None:
            expect = True
        elif at_key:
            pending.append(c)
        i += 1
    return places, bad


def _line_col(text: str, at: int) -> tuple[int, int]:
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1


def _not_xml_at(text: str) -> tuple[int, int, str | None, str] | None:
    """(line, column, key, what) of the first character no XML file can hold in the strings of
    the TOML ``text`` (see ``_scan``)."""
    bad = _scan(text)[1]
    return None if bad is None else (*_line_col(text, bad[0]), bad[1], bad[2])


def _entry_at(path: Path, text: str, place: Place) -> Location:
    """Where in the file ``place`` starts, or the nearest enclosing place that is found: the
    field, else its entry, else its section."""
    places = _scan(text)[0]
    for k in range(len(place), 0, -1):
        if place[:k] in places:
            return Location(path, *_line_col(text, places[place[:k]]))
    return Location(path)


def _bad(path: Path, text: str, place: Place, message: str, hint: str) -> SourceError:
    """S206 at the line and column of ``place`` in the file, named ``section[i]`` too."""
    where = place[0] if len(place) == 1 else f"{place[0]}[{place[1]}]"
    return SourceError(f"{where}: {message}", hint=hint, location=_entry_at(path, text, place),
                       code="S206")


def _targets(rec: Act, line: dict[str, Any]) -> list[str]:
    if "entity" in line:
        found = entities.entity_row(rec.conn, line["entity"])
        return [found["id"]] if found else []
    return [r["id"] for r in entities.named(rec.conn, name_key(line["name"]), line["type"])]


def apply_file(ctx: ActContext, path: Path) -> ApplyResult:
    """Import the file's register (if any), then apply its lines as one act."""
    data, text = read_file(path)
    imported = None
    if "register" in data:
        imported = import_register(ctx, path.parent / data["register"])
    review: Review = ctx.review()
    applied = 0
    missing: list[str] = []
    with ctx.store.act("apply", f"file:{path.name}", editor=ctx.editor,
                       payload={"file": str(path)}, log_unchanged=False) as rec:
        for section in SECTIONS:
            for i, line in enumerate(data.get(section, [])):
                try:
                    done = _apply_line(review, rec, section, line)
                except AnnotatorError as err:
                    raise SourceError(f"{section}[{i}]: {err.message}", hint=err.hint,
                                      location=_entry_at(path, text, (section, i)),
                                      code="S207") from None
                if done:
                    applied += 1
                else:
                    label = (line.get("entity") or line.get("key") or line.get("kind") or
                             f"{line.get('name') or line.get('text')} ({line['type']})")
                    missing.append(f"{section} {label}")
    return ApplyResult(applied, tuple(missing), rec.decision_id, imported)


def _apply_line(review: Review, rec: Act, section: str, line: dict[str, Any]) -> bool:
    if section == "add":
        return _add(review, rec, line)
    if section == "confirm_claims":
        return _confirm_claims(review, rec, line)
    if section == "accept_links":
        return _accept_links(rec, line)
    if section == "confirm" and set(line) == {"type"}:
        for mention_id in mentions.proposed_dates_with_value(rec.conn):
            rec.update("mentions", {"id": mention_id}, {"status": "confirmed", "decided": 1})
        return True
    targets = _targets(rec, line)
    if section == "reject" and "source" in line:
        return _reject_here(review, rec, line, targets)
    if section == "reject" and "name" in line:
        reject_key(rec, name_key(line["name"]), line["type"])
        for t in targets:
            review.apply_status(rec, t, "rejected")
        return True
    if not targets:
        return False
    if section == "merge" and targets == [line["into"]]:  # a name may also match ``into``
        raise DecisionError(f"cannot merge {line['into']} into itself",
                            hint="give two different entities", code="D024")
    for t in targets:
        if section == "confirm":
            review.apply_status(rec, t, "confirmed")
        elif section == "reject":
            review.apply_status(rec, t, "rejected")
        elif section == "relabel":
            review.relabel_entity(rec, t, str(line["to"]))
        elif section == "merge":
            if t != line["into"]:
                review.merge_entities(rec, t, str(line["into"]))
        elif section == "link":
            for scheme in AUTHORITIES:
                if scheme in line:
                    set_authority(rec, t, *normalise_authority(scheme, str(line[scheme])))
        elif section == "prefer":
            preferred = " ".join(str(line["preferred"]).split())
            if not name_key(preferred):
                raise DecisionError("empty name", hint="give the preferred name", code="D016")
            rec.update("entities", {"id": t}, {"preferred": preferred})
            add_variant(rec, t, preferred)
        elif section == "note":
            rec.update("entities", {"id": t}, {"note": str(line["note"]).strip()})
    return True


def _reject_here(review: Review, rec: Act, line: dict[str, Any], targets: list[str]) -> bool:
    """A reject line with ``source``: the name is not proposed there again, and the entities
    it names lose their mentions there."""
    source_id = str(line["source"])
    if mentions.current_version(rec.conn, source_id) is None:
        raise DecisionError(f"no source '{source_id}'", hint="list them with 'annotator sources'",
                            code="D017")
    done = sum(review.reject_here(rec, t, source_id) for t in targets)
    if "name" in line:
        reject_key_in(rec, name_key(line["name"]), line["type"], source_id)
        return True
    return done > 0


def _add(review: Review, rec: Act, line: dict[str, Any]) -> bool:
    """Mentions for every uncovered occurrence of a text in a source."""
    source_id, needle, type_ = str(line["source"]), str(line["text"]), str(line["type"])
    sha = mentions.current_version(rec.conn, source_id)
    if sha is None:
        raise DecisionError(f"no source '{source_id}'", hint="list them with 'annotator sources'",
                            code="D017")
    text = review.reading_text(source_id)
    value = normalise_date_value({k: str(line[k]) for k in _DATE_KEYS if k in line} or None)
    found = False
    at = text.find(needle)
    while at >= 0 and needle:
        end = at + len(needle)
        if not mentions.confirmed_covers(rec.conn, source_id, sha, type_, at, end):
            review.insert_mention(rec, source_id, at, end, type_, date_value=value)
        found = True
        at = text.find(needle, end)
    return found


def _confirm_claims(review: Review, rec: Act, line: dict[str, Any]) -> bool:
    """Confirm the proposed claims of a kind (whose text holds ``text``, when given)."""
    rows = claims.proposed_of_kind(rec.conn, str(line["kind"]))
    needle = str(line.get("text", ""))
    done = False
    for r in rows:
        if needle and needle not in review.reading_text(r["source_id"])[r["start"]:r["end"]]:
            continue
        rec.update("claims", {"id": r["id"]}, {"status": "confirmed"})
        done = True
    return done


def _accept_links(rec: Act, line: dict[str, Any]) -> bool:
    """Accept every suggested link to the work ``key`` (with ``locus``, when given)."""
    if not claims.has_work(rec.conn, str(line["key"])):
        raise DecisionError(f"no bibliography entry '{line['key']}'",
                            hint="see 'annotator bib list'", code="D307")
    link_ids = claims.suggested_links(rec.conn, str(line["key"]))
    values: dict[str, Any] = {"status": "confirmed"}
    if "locus" in line:
        values["locus"] = " ".join(str(line["locus"]).split())
    for link_id in link_ids:
        rec.update("links", {"id": link_id}, values)
    return bool(link_ids)
