"""What an act is about, as an editor writes it: an entity id (``person-adolf-hitler``, also
``entity:person-adolf-hitler``), ``mention:<id>`` or ``claim:<id>``.

DOCS: docs/review.md#acts
"""

from __future__ import annotations

from annotator.errors import DecisionError

ENTITY = "entity:"
MENTION = "mention:"
CLAIM = "claim:"


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
