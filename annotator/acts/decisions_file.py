"""Editors' decisions kept as a readable file, applied in one act.

A TOML file names entities by name and type, so it holds whatever entity ids the model
proposes::

    register = "register.xml"         # optional: a TEI register imported first
    register = ["persons.xml", "places.xml"]  # or several, as ``register import`` takes them
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

An ``add`` line marks every whole-word occurrence of ``text`` in the source's reading text
('Paris' of 'Parisian' is none) that no confirmed mention of that type covers yet
(``when``/``from``/``to`` give a date its value).

Each line applies to every entity of that type with that name (any spelling the store knows),
or to the one ``entity`` id. Sections apply in the order add, merge, relabel, reject, confirm,
link, prefer, note, confirm_claims, accept_links. A rejection is recorded even when nothing is
proposed yet, so the name is never proposed for that type (with ``source``: never in that
source, its mentions there rejected).
Lines whose name matches nothing are reported, not errors; a line that finds what it names
as it would make it (the file applied before) is counted as in force, not as applied; an ``entity`` or ``into`` id the
store never had is an entry that cannot be applied (S207). Every entry that is malformed
(S206), or then cannot be applied (S207), is named with each of its independent faults, as a
compiler lists its errors, and nothing is applied, the file's register included (its import
is an act of its own, in the one transaction with the lines').

DOCS: docs/review.md#decisions-files
"""

from __future__ import annotations

import json
import re
import tomllib
from datetime import date, datetime
from pathlib import Path
from typing import Any

from annotator.acts import bibliography
from annotator.acts.context import ActContext
from annotator.acts.entity_edits import (add_variant, reject_key, reject_key_in, rename,
                                         set_authority, settle_ambiguous)
from annotator.acts.register import import_registers
from annotator.acts.review import (Review, no_block_crossing, no_date_value, no_entity,
                                   normalise_date_value)
from annotator.acts.texts import no_source
from annotator.entities.authority import AUTHORITIES, normalise_authority
from annotator.entities.names import name_key
from annotator.errors import AnnotatorError, DecisionError, Interrupted, Location, SourceError
from annotator.files import read_named
from annotator.interrupt import finishing
from annotator.records import ApplyResult, RegisterImport
from annotator.store import Act, claims, entities, mentions
from annotator.store import decisions as log
from annotator.tei.parse import decode_utf8
from annotator.text import cuts_word, first_not_xml, line_col, not_xml
from annotator.vocab import CLAIM_KINDS, DATE_ATTRS, ENTITY_TYPES, MENTION_TYPES


# Each section's line: the fields it needs and those it may have besides, and the values its
# ``type`` takes. A line of a section that takes ``entity`` names its entities by ``entity = ID``
# or by ``name`` and ``type`` instead. The checks and the hints are derived from this one table.
SECTION_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "add": (("source", "text", "type"), DATE_ATTRS, MENTION_TYPES),
    "merge": (("name", "type", "into"), ("entity",), ENTITY_TYPES),
    "relabel": (("name", "type", "to"), ("entity",), ENTITY_TYPES),
    "reject": (("name", "type"), ("entity", "source"), ENTITY_TYPES),
    "confirm": (("name", "type"), ("entity",), MENTION_TYPES),  # { type = "date" } alone
    "link": (("entity",), ("name", "type", *AUTHORITIES), ENTITY_TYPES),
    "prefer": (("entity", "preferred"), ("name", "type"), ENTITY_TYPES),
    "note": (("entity", "note"), ("name", "type"), ENTITY_TYPES),
    "confirm_claims": (("kind",), ("text",), ()),
    "accept_links": (("key",), ("locus",), ()),
}
# What each field's value is: every field is text; a date's may be a TOML date (1939-08-23).
FIELD_TYPES: dict[str, tuple[type, ...]] = {
    field: (str, date) if field in DATE_ATTRS else (str,)
    for needed, optional, _ in SECTION_FIELDS.values() for field in (*needed, *optional)}
SECTIONS = tuple(SECTION_FIELDS)  # the order they apply in
_TARGET = {"name", "type", "entity"}  # how a line names its entities
# Sections whose line needs one or more of its optional fields besides those naming its
# entities: a link line without an authority id would do nothing, yet count as applied.
_ONE_OF = {"link"}


def _others(section: str) -> list[str]:
    """The optional fields of ``section`` besides those that name its entities."""
    return [f for f in SECTION_FIELDS[section][1] if f not in _TARGET]


def _allowed(section: str) -> set[str]:
    needed, optional, _ = SECTION_FIELDS[section]
    return set(needed) | set(optional)


def _takes(section: str) -> str:
    """The fields a line of ``section`` needs and those it may have, as a hint: ``add takes
    source, text, type; optional: when, ...``."""
    needed, optional, _ = SECTION_FIELDS[section]
    said = f"{section} takes {', '.join(needed)}"
    if "entity" in needed and "name" in optional:
        said += " (or name and type instead)"
    elif "entity" in optional and section != "add":
        said += " (or entity instead of name and type)"
    if others := _others(section):
        said += f"; {'one or more of' if section in _ONE_OF else 'optional'}: " + ", ".join(others)
    return said


def _example(section: str) -> str:
    """``section = [ { ... } ]`` with the fields a line of it needs, and what else it takes."""
    needed = SECTION_FIELDS[section][0]
    shown = (*needed, *_others(section)[:1]) if section in _ONE_OF else needed
    fields = ", ".join(f'{f} = "..."' for f in shown)
    return f"write {section} = [ {{ {fields} }} ]; {_takes(section)}"


def _types(section: str) -> str:
    """The values ``type`` takes in a line of ``section``, as a hint."""
    types = SECTION_FIELDS[section][2]
    alone = [t for t in types if t not in ENTITY_TYPES]
    named = ", ".join(t for t in types if t in ENTITY_TYPES)
    if section == "add" or not alone:
        return f"type is one of {', '.join(types)}"
    return f"type is one of {named}, or {{ type = \"{alone[0]}\" }} alone"


_TOML_AT = re.compile(r" \(at (?:line (\d+), column (\d+)|end of document)\)")


def read_file(path: Path) -> tuple[dict[str, Any], str]:
    """The decisions file as TOML data, checked section by section, and its text (where an
    entry that cannot be applied is, is found in it)."""
    raw = read_named(path, code="S205")  # a folder or an unreadable file: S205, not a trace
    text = decode_utf8(raw, path).removeprefix("\ufeff")  # bad bytes: their line and column
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # Python 3.14's error has lineno and colno; 3.11's puts them in its message, or says
        # "at end of document", whose line and column are the text's end.
        at = _TOML_AT.search(str(exc))
        line, col = ((getattr(exc, "lineno"), getattr(exc, "colno")) if hasattr(exc, "lineno")
                     else (int(at.group(1)), int(at.group(2))) if at and at.group(1)
                     else line_col(text, len(text)) if at else (None, None))
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
        at_line, at_col, field, bad, held = _not_xml_at(text) or (None, None, "", bad, None)
        named = "a field's name" if field is None else f"the value of '{field}'"
        raise SourceError(f"{_named(held)}{named} holds the {bad}",
                          hint="remove it (TEI cannot hold it or discourages it); nothing was "
                               "applied",
                          location=Location(path, at_line, at_col), code="S209")
    # every malformed entry, as a compiler lists its errors, not the first only
    problems = [p for key, value in data.items() for p in _check_section(path, text, key, value)]
    if problems:
        raise _refused(path, problems, "S206", ("malformed entry", "malformed entries"))
    return data, text


def _check_section(path: Path, text: str, key: str, value: Any) -> list[Problem]:
    """The S206 problems of the top-level ``key``: none when it is the register's name, or a
    section that is a list of tables each of which ``_check_line`` takes; else every problem
    of each entry at fault."""
    if key == "register":
        hint = 'write register = "..." or, for several, register = ["...", "..."]'
        if isinstance(value, list) and value:
            return [((key, i), _bad(path, text, (key, i), "not a file name", hint))
                    for i, name in enumerate(value) if not isinstance(name, str)]
        return [] if isinstance(value, str) else [((key,), _bad(
            path, text, (key,), "register must be a file name or a list of them", hint))]
    if key not in SECTIONS:
        return [((key,), _bad(path, text, (key,), f"unknown section '{key}'",
                              f"use {', '.join(SECTIONS)}"))]
    if not isinstance(value, list):
        return [((key,), _bad(path, text, (key,), f"'{key}' must be a list of tables",
                              _example(key)))]
    problems: list[Problem] = []
    for i, line in enumerate(value):
        found = (_check_line(path, text, key, i, line) if isinstance(line, dict) else
                 [_bad(path, text, (key, i), "each line must be a table", _example(key))])
        problems.extend(((key, i), p) for p in found)
    return problems


def _refused(path: Path, problems: list[Problem], code: str, entry: tuple[str, str]
             ) -> SourceError:
    """One problem as it is; several as one error of ``code`` whose ``details`` list each, in
    the file's order, and whose own line counts them (as ``bib add --strict`` does): an editor
    fixing a long file gets every mistake in one run, as from a compiler. ``entry`` names an
    entry at fault, one and several."""
    if len(problems) == 1:
        return problems[0][1]
    entries = len({place for place, _ in problems})
    at = [p.location or Location(path) for _, p in problems]  # _bad always places a problem
    ordered = [p for _, p in sorted(zip(at, (p for _, p in problems)), key=lambda a: (
        a[0].line is None, a[0].line or 0, a[0].col or 0))]
    counted = f"{entries} {entry[entries != 1]}"
    if entries != len(ordered):
        counted = f"{len(ordered)} problems in {counted}"
    err = SourceError(f"{counted}, each named above",
                      hint="fix them all, then run the command again; nothing was applied",
                      location=Location(path), code=code)
    err.details = tuple(str(p) for p in ordered)
    return err


def _check_line(path: Path, text: str, key: str, i: int, line: dict[str, Any]
                ) -> list[SourceError]:
    """Every S206 problem of the i-th line of section ``key``, which must have the fields its
    section takes (``SECTION_FIELDS``), of the right kind: each field unknown or of the wrong
    kind, each value outside its vocabulary; then what the line lacks, unless a field is
    unknown (a misspelt field is named once, not again as missing)."""
    needed, _, types = SECTION_FIELDS[key]
    allowed = _allowed(key)
    problems: list[SourceError] = []

    def bad(place: Place, message: str, hint: str) -> None:
        problems.append(_bad(path, text, (key, i, *place), message, hint))

    unknown = sorted(set(line) - allowed)
    for field in unknown:
        bad((field,), f"unknown field '{field}'", _takes(key))
    known: dict[str, Any] = {}  # the fields of the line's section whose value is of their kind
    for field, value in line.items():  # every field, before any is used: 64 is no wikidata id
        if field in unknown:
            continue
        kinds = FIELD_TYPES[field]
        if not isinstance(value, kinds) or isinstance(value, datetime):
            what = "a string or a date" if date in kinds else "a string"
            bad((field,), f"{field} must be {what}", f'write {field} = "..."')
        else:
            known[field] = value
    if key == "confirm_claims" and known.get("kind", CLAIM_KINDS[0]) not in CLAIM_KINDS:
        bad(("kind",), f"unknown claim kind {known['kind']!r}",
            f"kind is one of {', '.join(CLAIM_KINDS)}")
    if "type" in known and known["type"] not in types:
        bad(("type",), f"unknown type {known['type']!r}", _types(key))
    if key == "add" and "text" in known and not known["text"].strip():  # spaces mark nothing
        bad(("text",), "text is empty", 'write text = "the words to mark"')
    if key == "relabel" and "to" in known and known["to"] not in ENTITY_TYPES:
        bad(("to",), f"cannot relabel to {known['to']!r}", f"to is one of {', '.join(ENTITY_TYPES)}")
    if unknown:
        return problems
    if key == "confirm" and known.get("type") in types and known["type"] not in ENTITY_TYPES:
        if set(line) != {"type"}:  # { type = "date" } confirms dates: it names no entity
            bad((), f"a {known['type']} line has type alone", _types(key))
        return problems
    targeted = "entity" in allowed and key != "add"
    if targeted and "entity" not in line and not {"name", "type"} <= set(line):
        bad((), "a line needs entity = ID, or name and type", f"{_takes(key)}; {_types(key)}")
    if missing := sorted(set(needed) - set(line) - (_TARGET if targeted else set())):
        bad((), f"missing {', '.join(repr(f) for f in missing)}", _example(key))
    if key in _ONE_OF and not set(line) & set(_others(key)):
        bad((), "the line names its entities only: it would do nothing", _takes(key))
    return problems


_OPENS = {"]": "[", "}": "{"}
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|.)", re.S)
_HEADER = re.compile(r"\[(\[?)\s*([^\]\n]*?)\s*\]")
Place = tuple[Any, ...]  # (section,), (section, i) or (section, i, field)
_Bad = tuple[int, str | None, str, Place | None]
Problem = tuple[Place, SourceError]  # the entry (or section) at fault, and what is wrong


def _unquote(key: str) -> str:
    key = key.strip()
    return key[1:-1] if len(key) > 1 and key[0] == key[-1] and key[0] in "\"'" else key


_KEY_PART = re.compile(r"\s*(\"(?:[^\"\\]|\\.)*\"|'[^']*'|[^.\"']*)\s*(?:\.|$)")


def _key_parts(key: str) -> list[str]:
    """The parts of a dotted TOML key (``prefer.x``, ``"a.b".c``), unquoted."""
    parts = [_unquote(m.group(1)) for m in _KEY_PART.finditer(key) if m.group(0)]
    return parts or [""]


def _scan(text: str) -> tuple[dict[Place, int], _Bad | None]:
    """Where each section, entry (the i-th ``[[section]]`` or i-th item of ``section = [...]``)
    and field of an entry starts in the TOML ``text`` tomllib has read, as offsets, and the
    first character no XML file can hold in its strings (as it is, or as an escape such as
    \\u0002): (offset, the key whose value holds it or None when it is in a key, what, the
    entry holding it or None), the register's file name left out. A dotted key or table name
    (``prefer.x = 1``, ``[prefer.sub]``) is placed at its first part: the section, or the field
    of the last ``[[section]]`` entry. tomllib gives values, not places."""
    places: dict[Place, int] = {}
    bad: _Bad | None = None
    headers: dict[str, int] = {}  # [[section]] headers seen, per section
    table: Place | None = ()  # () at the top, (section, i) under [[section]], None under [x]
    owner: Place | None = None  # the entry a [section.x] table is part of
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
                        at_key or table != () or key != "register"):
                    held = table or ((array, entry) if array is not None and entry >= 0
                                     else owner)
                    bad = (j, None if at_key else key, found[2], held or None)
                j = after
            j += len(close)
            for _ in range(2 if len(close) == 3 else 0):  # '"""a""""': a quote inside
                j += j < n and text[j] == c
            if at_key:
                pending.append(text[i:j])
            i = j
            continue
        if c == "=" and at_key:
            parts = _key_parts("".join(pending))
            key, pending, at_key = ".".join(parts), [], False
            seg = text[key_start:i]
            at = key_start + len(seg) - len(seg.lstrip())
            if not stack and table == ():
                places.setdefault((parts[0],), at)
            elif not stack and table:
                places.setdefault((*table, parts[0]), at)
            elif array is not None and stack == ["[", "{"]:
                places.setdefault((array, entry, parts[0]), at)
        elif c == "\n" and not stack:
            pending, at_key, key_start = [], True, i + 1
        elif c == "[" and at_key and not stack:  # a [table] or [[table]] header
            if (m := _HEADER.match(text, i)) and not "".join(pending).strip():
                parts = _key_parts(m.group(2))
                name, owner = parts[0], None
                if len(parts) > 1 and name in headers:  # [section.x]: a field of an entry
                    owner = (name, headers[name])
                    places.setdefault((*owner, parts[1]), i)
                else:
                    places.setdefault((name,), i)
                if m.group(1) and len(parts) == 1:
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


def _not_xml_at(text: str) -> tuple[int, int, str | None, str, Place | None] | None:
    """(line, column, key, what, entry) of the first character no XML file can hold in the
    strings of the TOML ``text`` (see ``_scan``)."""
    bad = _scan(text)[1]
    return None if bad is None else (*line_col(text, bad[0]), *bad[1:])


def _named(place: Place | None) -> str:
    """``section[i]: `` (or ``section: ``) that starts a message about ``place``."""
    if not place:
        return ""
    return f"{place[0]}: " if len(place) == 1 else f"{place[0]}[{place[1]}]: "


def _entry_at(path: Path, text: str, place: Place) -> Location:
    """Where in the file ``place`` starts, or the nearest enclosing place that is found: the
    field, else its entry, else its section."""
    places = _scan(text)[0]
    for k in range(len(place), 0, -1):
        if place[:k] in places:
            return Location(path, *line_col(text, places[place[:k]]))
    return Location(path)


def _value_at(path: Path, text: str, key: str) -> Location:
    """Where the value of the top-level ``key`` starts (after its ``=``)."""
    at = _scan(text)[0].get((key,))
    if at is None:
        return Location(path)
    at = text.index("=", at) + 1
    return Location(path, *line_col(text, at + len(text[at:]) - len(text[at:].lstrip(" \t"))))


def _bad(path: Path, text: str, place: Place, message: str, hint: str) -> SourceError:
    """S206 at the line and column of ``place`` in the file, named ``section[i]`` too."""
    return SourceError(f"{_named(place)}{message}", hint=hint, location=_entry_at(path, text, place),
                       code="S206")


def _never_was(rec: Act, entity_id: str) -> bool:
    """An ``entity``/``into`` id the store does not have and never had: a misspelling, refused
    (S207). One an act took away (merged, or relabelled to another id), by this file's earlier
    lines or logged (the file applied before), is a line already done: it matches nothing."""
    if entities.entity_row(rec.conn, entity_id) is not None:
        return False
    return not _removed_here(rec, entity_id) and log.entity_removed(rec.conn, entity_id) is None


def _removed_here(rec: Act, entity_id: str) -> bool:
    """Whether an earlier line of this file took the entity away (merged, relabelled)."""
    return any(ch["table"] == "entities" and ch["key"].get("id") == entity_id
               and ch["after"] is None for ch in rec.changes)


def _targets(rec: Act, line: dict[str, Any]) -> list[str]:
    if "entity" in line:
        found = entities.entity_row(rec.conn, line["entity"])
        return [found["id"]] if found else []
    return [r["id"] for r in entities.named(rec.conn, name_key(line["name"]), line["type"])]


def apply_file(ctx: ActContext, path: Path) -> ApplyResult:
    """Import the file's register (if any), then apply its lines as one act. The two acts are
    logged apart (undoing the file's leaves the register) but kept together: a line that cannot
    be applied leaves no register either, as its refusal says ("nothing was applied").
    Ctrl-C stops it before the commit (nothing applied) or waits for it (all applied): either
    way ``Interrupted`` says which."""
    data, text = read_file(path)
    result: ApplyResult | None = None
    try:
        with finishing() as finish:  # Ctrl-C after finish() waits for the commit
            # the lines are checked against the store with the register
            with ctx.store.transaction():
                imported = _import_named(ctx, path, text, data)
                applied, in_force, missing, gone, decision_id = _apply_lines(ctx, path, text,
                                                                             data)
                finish()
            result = ApplyResult(applied, tuple(missing), decision_id, imported, gone,
                                 in_force)
    except KeyboardInterrupt:
        if result is not None:
            raise Interrupted(f"{path.name} applied whole", hint="nothing is left to apply",
                              done=result) from None
        raise Interrupted(f"nothing of {path.name} applied (it applies as one act)",
                          hint="run the same command again to apply it") from None
    return result


def _import_named(ctx: ActContext, path: Path, text: str, data: dict[str, Any]
                  ) -> tuple[RegisterImport, ...]:
    """The registers the file names (one, or a list), imported as ``register import`` takes
    several: all read first, then each an act of its own, in the order given. A file that
    cannot be read or taken whole (``strict``) refuses them all, at its place in the file."""
    named = data.get("register", [])
    names: list[str] = [named] if isinstance(named, str) else named
    paths = [path.parent / name for name in names]
    try:
        return tuple(import_registers(ctx, paths, strict=True))
    except AnnotatorError as err:
        at = next((i for i, p in enumerate(paths)
                   if err.location is not None and str(err.location.path) == str(p)), 0)
        raise _in_register(err, path, text, names[at],
                           None if isinstance(named, str) else at) from None


def _apply_lines(ctx: ActContext, path: Path, text: str, data: dict[str, Any]
                 ) -> tuple[int, int, list[str], dict[str, str], int | None]:
    """The file's lines as one act: how many applied (changed the store), how many were in
    force already (the file applied before: they match what they would make, and change
    nothing), those that matched nothing, where the entities those name went (merged...), the
    act's decision (None: nothing changed). Any line that cannot be applied refuses them all
    (S207)."""
    review: Review = ctx.review()
    applied = in_force = 0
    missing: list[str] = []
    gone: dict[str, str] = {}  # a line of ``missing`` naming an entity taken away -> where
    refused: list[Problem] = []  # every line that cannot be applied: the act is undone whole
    with ctx.store.act("apply", f"file:{path.name}", editor=ctx.editor,
                       payload={"file": str(path)}, log_unchanged=False) as rec:
        for section in SECTIONS:
            for i, line in enumerate(data.get(section, [])):
                mark = len(rec.changes)
                try:  # a line refused leaves no trace: those after it see the store without it
                    with rec.attempt():
                        done = _apply_line(review, rec, section, line)
                except AnnotatorError as err:
                    if rec.gone:
                        raise  # the act is gone (W009, a full disk): no line more of it
                    refused.append(((section, i), _unapplied(path, text, (section, i), err)))
                    continue
                except _Faults as err:
                    refused.extend(((section, i), _unapplied(
                        path, text, (section, i, *([field] if field else [])), error))
                        for field, error in err.faults)
                    continue
                if done and len(rec.changes) > mark:
                    applied += 1
                elif done or _in_force(review, rec, section, line):
                    in_force += 1
                else:
                    label = (line.get("entity") or line.get("key") or line.get("kind") or
                             f"{line.get('name') or line.get('text')} ({line['type']})")
                    missing.append(f"{section} {label}")
                    went = _taken_to(rec, str(line["entity"])) if "entity" in line else None
                    if went is not None:
                        gone[missing[-1]] = went
        if refused:
            raise _refused(path, refused, "S207", ("entry that cannot be applied",
                                                   "entries that cannot be applied"))
        settle_ambiguous(rec)  # the mentions its lines placed
        rename(rec, review.reading_text)  # what its lines touched, named anew
    return applied, in_force, missing, gone, rec.decision_id


def _in_force(review: Review, rec: Act, section: str, line: dict[str, Any]) -> bool:
    """Whether a line that found nothing to act on is done already, as the file applied before
    left it: a merge whose entity went into ``into``, a relabel whose entity (or name) is of
    type ``to`` now, a reject in a source of an entity whose mentions there are rejected, the
    claims of its kind confirmed, the links to its work accepted. Such a line is counted as in
    force, not reported as matching nothing; a line naming an entity gone elsewhere is still
    reported, with where it went (the id to write)."""
    if section in ("merge", "relabel") and "entity" in line:
        went = _went(rec, str(line["entity"]))
        if went is None:
            return False
        row = entities.entity_row(rec.conn, went[1])
        return (went[1] == line["into"] if section == "merge" else
                row is not None and row["type"] == line["to"])
    if section == "relabel":  # by name: that name is of the type ``to`` now
        return bool(entities.named(rec.conn, name_key(line["name"]), str(line["to"])))
    if section == "reject" and "source" in line:
        return any(m["source_id"] == line["source"] and m["status"] == "rejected"
                   for m in mentions.of_entity(rec.conn, str(line["entity"])))
    if section == "confirm_claims":
        return bool(_of_kind(review, rec, line, "confirmed"))
    if section == "accept_links":
        key = bibliography.entry(review.store, str(line["key"])).key  # an alias: its work's
        return bool(claims.suggested_links(rec.conn, key, status="confirmed"))
    return False


def _taken_to(rec: Act, entity_id: str) -> str | None:
    """Where an entity an act took away went, as said to the editor ('merged into
    place-berlin-2', 'relabelled as org-axis'). None: it is there, or was never anywhere
    else."""
    went = _went(rec, entity_id)
    return None if went is None else f"{went[0]} {went[1]}"


def _went(rec: Act, entity_id: str) -> tuple[str, str] | None:
    """How an entity an act took away went and the entity there is now ('merged into',
    'place-berlin-2'), followed to the end: the act that deleted it, this file's earlier
    lines or a logged one, moved its mentions, pointers, claims or names onto that one. None:
    it is there, or was never anywhere else (undone, or nothing of it moved)."""
    how, at, seen = "", entity_id, {entity_id}
    while entities.entity_row(rec.conn, at) is None:
        ours = _removed_here(rec, at)
        row = None if ours else log.decision_row(rec.conn, log.entity_removed(rec.conn, at))
        changes: list[dict[str, Any]] = rec.changes if ours else \
            json.loads(row["changes"]) if row is not None else []
        into = _moved_to(changes, at)
        if into is None or into in seen:
            return None
        made = any(ch["table"] == "entities" and ch["key"].get("id") == into
                   and ch["before"] is None for ch in changes)
        how = how or ("relabelled as" if made else "merged into")
        at = into
        seen.add(at)
    return (how, at) if how else None


def _moved_to(changes: list[dict[str, Any]], entity_id: str) -> str | None:
    """The entity an act moved ``entity_id``'s rows to: a mention, pointer or claim agent
    of it now of another, else a name of it given to another."""
    for ch in changes:
        before, after = ch["before"] or {}, ch["after"] or {}
        for col in ("entity_id", "agent_entity_id"):
            if before.get(col) == entity_id and after.get(col) not in (None, entity_id):
                return str(after[col])
    names = {ch["key"].get("key") for ch in changes if ch["table"] == "variants"
             and ch["key"].get("entity_id") == entity_id and ch["after"] is None}
    return next((str(ch["key"]["entity_id"]) for ch in changes if ch["table"] == "variants"
                 and ch["before"] is None and ch["key"].get("key") in names
                 and ch["key"].get("entity_id") != entity_id), None)


def _unapplied(path: Path, text: str, place: Place, err: AnnotatorError) -> SourceError:
    """S207: the line at ``place`` (its field, when one is at fault) cannot be applied."""
    return SourceError(f"{_named(place)}{err.message}", hint=err.hint,
                       location=_entry_at(path, text, place), code="S207")


_AGAIN = ", then run the command again"  # parse_xml's hint: apply is the command here


def _in_register(err: AnnotatorError, path: Path, text: str, name: str,
                 item: int | None = None) -> AnnotatorError:
    """``err`` from a register the file names, at the file's register line (the ``item``-th
    name of a list), in one line: where in the register it is (when it is inside it), and that
    the file is applied again."""
    inside = err.location is not None and err.location.line is not None
    message = f"register {name!r}: {f'{err.location}: ' if inside else ''}{err.message}"
    again = f"apply {path.name} again"
    hint = (f"{err.hint.removesuffix(_AGAIN)} in the register and {again}"
            if err.hint.endswith(_AGAIN) else
            f"{err.hint}, then {again}" if err.hint else f"fix the register and {again}")
    at = (_value_at(path, text, "register") if item is None else
          _entry_at(path, text, ("register", item)))
    return type(err)(message, hint=hint, location=at,
                     code=err.code)


class _Faults(Exception):
    """A line's independent faults, each with the field that holds it (S207 is placed there)
    or None (the entry's own place): a line with two bad fields is refused naming both."""

    def __init__(self, faults: list[tuple[str | None, AnnotatorError]]) -> None:
        super().__init__("; ".join(str(e) for _, e in faults))
        self.faults = faults


def _apply_line(review: Review, rec: Act, section: str, line: dict[str, Any]) -> bool:
    if section == "add":
        return _add(review, rec, line)
    if section == "confirm_claims":
        return _confirm_claims(review, rec, line)
    if section == "accept_links":
        return _accept_links(review, rec, line)
    if section == "confirm" and set(line) == {"type"}:
        for mention_id in mentions.proposed_dates_with_value(rec.conn):
            rec.update("mentions", {"id": mention_id}, {"status": "confirmed", "decided": 1})
        return True
    ids: list[tuple[str, str]] = []
    faults: list[tuple[str | None, AnnotatorError]] = [
        (field, no_entity(rec.conn, str(line[at]))) for at, field in (("entity", "entity"),
                                                                 ("into", None))
        if at in line and _never_was(rec, str(line[at]))]  # ``into`` placed at its entry
    if section == "link":  # checked before the entities are looked up: a bad id is refused
        for scheme in AUTHORITIES:
            if scheme in line:
                try:
                    ids.append(normalise_authority(scheme, line[scheme]))
                except DecisionError as err:
                    faults.append((scheme, err))
    if faults:
        raise _Faults(faults)
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
    if section == "merge" and "entity" in line and line["entity"] == line["into"]:
        raise DecisionError(f"cannot merge {line['into']} into itself",
                            hint="give two different entities", code="D024")
    # A name already of ``into`` (the file applied before, or the entities regrouped since):
    # that merge is done, a line that changes nothing, as a confirm of a confirmed entity.
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
            for scheme, value in ids:
                set_authority(rec, t, scheme, value)
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
        raise no_source(rec.conn, source_id, None)
    done = sum(review.reject_here(rec, t, source_id) for t in targets)
    if "name" in line:
        reject_key_in(rec, name_key(line["name"]), line["type"], source_id)
        return True
    return done > 0


def _add(review: Review, rec: Act, line: dict[str, Any]) -> bool:
    """Mentions for every uncovered occurrence of a text in a source."""
    source_id, needle, type_ = str(line["source"]), str(line["text"]), str(line["type"])
    sha = mentions.current_version(rec.conn, source_id)
    faults: list[tuple[str | None, AnnotatorError]] = []
    if sha is None:
        faults.append((None, no_source(rec.conn, source_id, None)))
    given = {k: str(line[k]) for k in DATE_ATTRS if k in line}
    for k, v in given.items():  # each on its own first, so that S207 names the field at fault
        try:
            normalise_date_value({k: v})
        except DecisionError as err:
            faults.append((k, err))
    try:  # the check 'mention add --date' makes: placed at the first date field given
        no_date_value(type_, given or None)
    except DecisionError as err:
        faults.append((next(iter(given)), err))
    if faults:
        raise _Faults(faults)
    assert sha is not None  # its absence is a fault
    text = review.reading_text(source_id)
    value = normalise_date_value(given or None)
    found = False
    at = text.find(needle)
    while at >= 0 and needle:
        end = at + len(needle)
        if cuts_word(text, at, end):  # 'Paris' of 'Parisian' is not Paris
            at = text.find(needle, at + 1)
            continue
        no_block_crossing(text, source_id, at, end, type_)
        if not mentions.confirmed_covers(rec.conn, source_id, sha, type_, at, end):
            review.insert_mention(rec, source_id, at, end, type_, date_value=value)
        found = True
        at = text.find(needle, end)
    return found


def _confirm_claims(review: Review, rec: Act, line: dict[str, Any]) -> bool:
    """Confirm the proposed claims of a kind (whose text holds ``text``, when given)."""
    rows = _of_kind(review, rec, line, "proposed")
    for r in rows:
        rec.update("claims", {"id": r["id"]}, {"status": "confirmed"})
    return bool(rows)


def _of_kind(review: Review, rec: Act, line: dict[str, Any], status: str) -> list[Any]:
    """The claims of a ``confirm_claims`` line's kind with ``status``, whose text holds the
    line's ``text`` when it gives one."""
    needle = str(line.get("text", ""))
    return [r for r in claims.of_kind(rec.conn, str(line["kind"]), status)
            if not needle or needle in review.reading_text(r["source_id"])[r["start"]:r["end"]]]


def _accept_links(review: Review, rec: Act, line: dict[str, Any]) -> bool:
    """Accept every suggested link to the work ``key`` (with ``locus``, when given), the
    work found as ``claim link`` finds it (``bibliography.entry``): by its key in any case,
    an alias of it (its ``ids``, as biber resolves a citation of one) or its DOI."""
    key = bibliography.entry(review.store, str(line["key"])).key
    link_ids = claims.suggested_links(rec.conn, key)
    values: dict[str, Any] = {"status": "confirmed"}
    if "locus" in line:
        values["locus"] = " ".join(str(line["locus"]).split())
    for link_id in link_ids:
        rec.update("links", {"id": link_id}, values)
    return bool(link_ids)
