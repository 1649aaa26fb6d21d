"""Records the stages pass to each other: frozen, slotted, offsets not copies of text.

Offsets are code-point indices into a source's reading text (``TextMap.text``), half-open, and
hold for the source version named by its sha256 only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ENTITY_TYPES = ("person", "place", "org")
MENTION_TYPES = ("person", "place", "org", "date")


@dataclass(frozen=True, slots=True)
class Source:
    """One document of the workspace, as the store knows it."""

    id: str
    file: str
    sha256: str
    title: str
    origin: str
    chars: int
    words: int
    added_at: str


@dataclass(frozen=True, slots=True)
class AddResult:
    """What ``Workspace.add`` did with one file: added, unchanged or replaced."""

    source: Source
    action: str
    kept: int = 0  # mentions and claims carried over by a replace
    stale: int = 0  # mentions and claims that no longer match and were marked stale


@dataclass(frozen=True, slots=True)
class Span:
    """A span of one source's reading text."""

    source_id: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Proposal:
    """A mention a pipeline or rule proposes; nothing an editor decided yet."""

    start: int
    end: int
    type: str
    surface: str
    provenance: str
    date_value: tuple[tuple[str, str], ...] = ()  # (("from", "1940-10"), ("to", "1940-11"))
    flags: str = ""


@dataclass(frozen=True, slots=True)
class Mention:
    """A stored mention: a typed span with a status and, for names, its entity."""

    id: int
    source_id: str
    start: int
    end: int
    type: str
    status: str
    entity_id: str | None
    surface: str
    provenance: str
    date_value: tuple[tuple[str, str], ...] = ()
    flags: str = ""
    decided: bool = False


@dataclass(frozen=True, slots=True)
class Entity:
    """A person, place or organisation: a register entry once confirmed."""

    id: str
    type: str
    preferred: str
    status: str
    variants: tuple[str, ...] = ()
    authority: tuple[tuple[str, str], ...] = ()
    note: str = ""
    mentions: int = 0
    sources: int = 0


@dataclass(frozen=True, slots=True)
class Decision:
    """One editor act from the append-only log."""

    id: int
    at: str
    editor: str
    act: str
    target: str
    payload: dict[str, object] = field(default_factory=dict)
    undone_by: int | None = None
    undoes: int | None = None
