"""The workspace's conventions: learned from its confirmed mentions, overridden in annotator.toml.

DOCS: docs/proposals.md#conventions
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Protocol

from annotator.config import CONFIG_FILE, Settings
from annotator.errors import ConfigError, Location
from annotator.nlp.conventions import DEFAULT, Conventions, Marked, check_overrides, learn
from annotator.records import Mention
from annotator.tei.parse import TEI_NS, ParsedSource
from annotator.tei.textmap import TextMap, element_spans
from annotator.text import trim


class Edition(Protocol):
    """What learning conventions reads of a workspace (``annotator.Workspace`` has it)."""

    @property
    def root(self) -> Path: ...

    @property
    def settings(self) -> Settings: ...

    def mentions(self, source_id: str | None = None, *, status: str | None = None,
                 types: Iterable[str] | None = None) -> list[Mention]: ...

    def textmap(self, source_id: str, parsed: ParsedSource | None = None) -> TextMap: ...


def dateline_spans(tm: TextMap) -> list[tuple[int, int]]:
    """The reading spans of the source's ``dateline`` elements, without edge white space (from
    the map's kept elements: the file is not parsed for them)."""
    kinds = dict.fromkeys(tm.elements().iter([f"{{{TEI_NS}}}dateline"]), "dateline")
    if not kinds:
        return []
    out = []
    for a, b in sorted(element_spans(tm, kinds).values()):
        a, b = trim(tm.text, a, b)
        if b > a:
            out.append((a, b))
    return out


_DATE_WORD = re.compile(r"\d|\b(?:day|month|year|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|"
                        r"dec|mon|tue|wed|thu|fri|sat|sun)", re.I)


def whole_datelines(tm: TextMap) -> list[tuple[int, int]]:
    """Datelines to propose whole as dates (the edition's convention): those with a number or
    a word of the calendar ("Fifth Day.")."""
    return [(a, b) for a, b in dateline_spans(tm) if _DATE_WORD.search(tm.text[a:b])]


def checked_overrides(ws: Edition) -> Mapping[str, str]:
    """``[annotator.conventions]`` of annotator.toml, checked (ConfigError C003)."""
    overrides = ws.settings.conventions
    bad = check_overrides(overrides)
    if bad:
        raise ConfigError(bad[0], hint="use one of the conventions and values `annotator "
                                       "conventions` lists, in [annotator.conventions]",
                          location=Location(ws.root / CONFIG_FILE), code="C003")
    return overrides


def edition_conventions(ws: Edition, *, learned: bool = True,
                        datelines: bool = True) -> Conventions:
    """The conventions the workspace's confirmed mentions show, with annotator.toml's
    overrides; with ``learned=False`` the defaults with the overrides. ``datelines=False``
    skips reading the files for datelines (names only: quicker)."""
    overrides = checked_overrides(ws)
    if not learned:
        return DEFAULT.with_overrides(overrides)
    marked: list[Marked] = []
    by_source: dict[str, list[tuple[int, int, str]]] = {}
    for m in ws.mentions(status="confirmed"):
        by_source.setdefault(m.source_id, []).append((m.start, m.end, m.type))
    for sid, spans in by_source.items():
        tm = ws.textmap(sid)
        want = datelines and any(t == "date" for _, _, t in spans)
        lines = dateline_spans(tm) if want else []
        for start, end, type_ in spans:
            if end > len(tm.text):
                continue  # a mention of an older version of the source
            line = next(((a, b) for a, b in lines if a <= start and end <= b), None)
            marked.append(Marked(tm.text, start, end, type_, line))
    return learn(marked).with_overrides(overrides)
