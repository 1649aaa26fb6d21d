"""What an act is about, as an editor writes it: an entity id (``person-adolf-hitler``, also
``entity:person-adolf-hitler``), ``mention:<id>`` or ``claim:<id>``.

DOCS: docs/review.md#acts
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from annotator.errors import DecisionError
from annotator.records import row_id

ENTITY = "entity:"
MENTION = "mention:"
CLAIM = "claim:"


def parse_target(target: str) -> tuple[str, str | int]:
    """('entity', id) or ('mention', id) from 'person-x', 'entity:person-x' or 'mention:12'."""
    t = target.strip()
    if t.startswith(CLAIM) and t[len(CLAIM):].isdigit():
        cid = row_id(t, CLAIM)
        if cid is None:
            raise DecisionError(f"no claim {t[len(CLAIM):]}",
                                hint="see 'annotator claims' for claim ids", code="D306")
        return "claim", cid
    if t.startswith(MENTION):
        return "mention", parse_mention_id(t)
    if t.startswith(ENTITY):
        t = t[len(ENTITY):]
    if not t:
        raise DecisionError("empty target", hint="give an entity id or mention:<id>", code="D001")
    return "entity", t


def parse_mention_id(value: int | str) -> int:
    """The id in ``12`` or ``mention:12``; a DecisionError when it cannot be one (a number
    beyond SQLite's range names no mention)."""
    mid = row_id(value, MENTION)
    if mid is None:
        text = str(value).strip().removeprefix(MENTION)
        if text.isascii() and text.isdigit():
            raise DecisionError(f"no mention {text}",
                                hint="list them with 'annotator mentions [SOURCE]'", code="D028")
        raise DecisionError(f"'{value}' is not a mention", hint="write mention:<number>",
                            code="D002")
    return mid


def target_name(target: str) -> str:
    """The target as the decisions log writes it: 'entity:<id>' or 'mention:<id>'."""
    kind, key = parse_target(target)
    return f"{kind}:{key}"


def state_digest(groups: Iterable[Sequence[sqlite3.Row | tuple[Any, ...]]]) -> str:
    """The state token of targets whose rows are ``groups`` (one group per target): a short
    hash an editor's page passes back as ``expected``. One ``repr`` per target (the values are
    SQLite's: numbers, strings, None, each written one way), a third quicker than JSON: an
    entity of thousands of mentions hashes in milliseconds."""
    h = hashlib.sha256()
    for rows in groups:
        h.update(repr([tuple(r) for r in rows]).encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:16]
