"""Each source's conventions: from its own markup, else its edition's; overridden in annotator.toml.

A workspace may hold files of several editions, each marking names its own way; what one
edition's markup shows must not shape another's proposals ("Conway's" where only the other
keeps the possessive inside). So the confirmed mentions are counted per source, and each
convention of a source is taken from the first of: its own mentions, when they show enough
cases (``MIN_EVIDENCE``, a majority); the sources of its edition together (the series,
publisher or own schema its file names, ``tei.header.edition_name``; the texts annotator
encoded are one edition, ``Texts.conventions_edition``; a TEI file naming none is on its own);
the default. An edition never borrows another's: one without markup (a new edition's first
files) has the defaults, not the conventions of the other editions beside it.
annotator.toml's ``[annotator.conventions]`` overrides all, in every edition.

DOCS: docs/proposals.md#conventions
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from annotator.config import CONFIG_FILE, Settings
from annotator.errors import ConfigError, Location
from annotator.nlp.conventions import (DEFAULT, Conventions, Counts, Marked, check_overrides,
                                       count, decide, heading_cases, note_cases, summed)
from annotator.nlp.spans import split_at_breaks
from annotator.records import Mention
from annotator.tei.parse import TEI_NS, ParsedSource
from annotator.tei.textmap import TextMap, element_spans
from annotator.tei.voice import editor_spans
from annotator.text import trim
from annotator.vocab import ENTITY_TYPES


class Edition(Protocol):
    """What learning conventions reads of a workspace (``annotator.Workspace`` has it)."""

    @property
    def root(self) -> Path: ...

    @property
    def settings(self) -> Settings: ...

    def mentions(self, source_id: str | None = None, *, status: str | None = None,
                 types: Iterable[str] | None = None) -> list[Mention]: ...

    def mention_spans(self, *, status: str | None = None, types: Iterable[str] | None = None
                      ) -> list[tuple[str, int, int, str, str]]: ...

    def textmap(self, source_id: str, parsed: ParsedSource | None = None) -> TextMap: ...

    def edition(self, source_id: str) -> str: ...

    def conventions_edition(self, source_id: str) -> str: ...


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
    a word of the calendar ("Fifth Day."), each up to its first block break: a note inside
    one ("Received this 6th of 10th month" in the margin) is a block of its own, and no date
    runs into it."""
    out = []
    for a, b in dateline_spans(tm):
        a, b = trim(tm.text, *split_at_breaks(tm.text, a, b)[0])
        if _DATE_WORD.search(tm.text[a:b]):
            out.append((a, b))
    return out


def checked_overrides(ws: Edition) -> Mapping[str, str]:
    """``[annotator.conventions]`` of annotator.toml, checked (ConfigError C003)."""
    overrides = ws.settings.conventions
    bad = check_overrides(overrides)
    if bad:
        raise ConfigError(bad[0], hint="use one of the conventions and values `annotator "
                                       "conventions` lists, in [annotator.conventions]",
                          location=Location(ws.root / CONFIG_FILE), code="C003")
    return overrides


@dataclass(frozen=True, slots=True)
class EditionConventions:
    """What each source's and each edition's confirmed mentions show, and annotator.toml's
    overrides: the conventions of one source, one edition or the workspace on demand."""

    by_source: Mapping[str, Counts]  # source id -> its confirmed mentions' cases
    by_edition: Mapping[str, Counts]  # edition name -> its sources' cases ('' none: no pool)
    everywhere: Counts  # the workspace's
    edition_of: Callable[[str], str]  # source id -> the edition its file names (propose's homes)
    sharing: Callable[[str], str]  # source id -> the edition whose cases it shares (by_edition)
    overrides: Mapping[str, str]
    learned: bool = True

    def source(self, source_id: str) -> Conventions:
        """A source's conventions: its own cases, else its edition's, else the default. The
        texts annotator encoded (.txt, .md) are one edition, the workspace's own; a TEI file
        naming no edition has no edition's, not even theirs."""
        if not self.learned:
            return DEFAULT.with_overrides(self.overrides)
        edition = self.sharing(source_id)
        return decide([("source", self.by_source.get(source_id, {})),
                       ("edition", self.by_edition.get(edition, {}))]
                      ).with_overrides(self.overrides)

    def edition(self, name: str) -> Conventions:
        """An edition's conventions: its sources' cases together, else the default (for ''
        always: the sources naming none are no edition together)."""
        if not self.learned:
            return DEFAULT.with_overrides(self.overrides)
        return decide([("edition", self.by_edition.get(name, {}))]).with_overrides(
            self.overrides)

    def workspace(self) -> Conventions:
        """Every source's cases together, whatever its edition: a workspace of one edition's
        conventions. No proposal follows these where editions differ (``source``)."""
        if not self.learned:
            return DEFAULT.with_overrides(self.overrides)
        return decide([("workspace", self.everywhere)]).with_overrides(self.overrides)


def edition_conventions(ws: Edition, *, learned: bool = True,
                        datelines: bool = True) -> EditionConventions:
    """The conventions the workspace's confirmed mentions show, per source and per edition,
    with annotator.toml's overrides; with ``learned=False`` the defaults with the overrides.
    ``datelines=False`` skips reading the files for datelines, weekday headings and editor's
    notes (the conventions of names' spans only: quicker)."""
    overrides = checked_overrides(ws)
    by_source: dict[str, Counts] = {}
    if learned:
        # proposals not decided yet and those rejected, names or dates, read where needed
        decisions: dict[tuple[str, bool], dict[str, list[tuple[int, int]]]] = {}

        def spans(status: str, sid: str, *, dates: bool = False) -> list[tuple[int, int]]:
            if (status, dates) not in decisions:
                decisions[status, dates] = _spans(ws, status, dates=dates)
            return decisions[status, dates].get(sid, [])

        for sid, marked in _marked(ws, datelines=datelines).items():
            by_source[sid] = count(marked)
            notes = editor_spans(ws.textmap(sid)) if datelines and marked else []
            if notes:
                editor = not any(m.from_file for m in marked if m.type != "date")
                by_source[sid] = {**by_source[sid], "editor_notes": note_cases(
                    marked, notes, spans("proposed", sid) if editor else (),
                    spans("rejected", sid) if editor else ())}
            dates = [m for m in marked if m.type == "date"] if datelines else []
            if dates:
                from_file = any(m.from_file for m in dates)
                by_source[sid] = {**by_source[sid], "weekday_headings": heading_cases(
                    marked[0].text, [(m.start, m.end) for m in dates],
                    spans("proposed", sid, dates=True),
                    () if from_file else spans("rejected", sid, dates=True),
                    from_file=from_file)}
    shares = {sid: ws.conventions_edition(sid) for sid in by_source}
    grouped: dict[str, list[Counts]] = {}
    for sid, c in by_source.items():
        if shares[sid]:  # TEI files naming no edition lend each other nothing
            grouped.setdefault(shares[sid], []).append(c)

    return EditionConventions(by_source, {e: summed(cs) for e, cs in grouped.items()},
                              summed(by_source.values()), _once(ws.edition),
                              _once(ws.conventions_edition, shares), overrides, learned)


def _once(read: Callable[[str], str], seen: dict[str, str] | None = None
          ) -> Callable[[str], str]:
    """``read`` of a source id, asked once each (``seen``: those known already)."""
    seen = {} if seen is None else dict(seen)

    def of(source_id: str) -> str:
        if source_id not in seen:
            seen[source_id] = read(source_id)
        return seen[source_id]
    return of


def _spans(ws: Edition, status: str, *, dates: bool = False
           ) -> dict[str, list[tuple[int, int]]]:
    """Each source's name mentions of a status (no dates), or its date mentions, as spans:
    the store picks them, so no mention of the other kind is read and given its surface."""
    out: dict[str, list[tuple[int, int]]] = {}
    for sid, start, end, _, _ in ws.mention_spans(status=status,
                                                  types=("date",) if dates else ENTITY_TYPES):
        out.setdefault(sid, []).append((start, end))
    return out


def _marked(ws: Edition, *, datelines: bool) -> dict[str, list[Marked]]:
    """Each source's confirmed mentions in its reading text, each date with the dateline it is
    in."""
    by_source: dict[str, list[tuple[int, int, str, bool]]] = {}
    for sid, start, end, type_, provenance in ws.mention_spans(status="confirmed"):
        by_source.setdefault(sid, []).append((start, end, type_, provenance == "source"))
    out: dict[str, list[Marked]] = {}
    for sid, spans in by_source.items():
        tm = ws.textmap(sid)
        want = datelines and any(t == "date" for _, _, t, _ in spans)
        lines = dateline_spans(tm) if want else []
        marked = out.setdefault(sid, [])
        for start, end, type_, from_file in spans:
            if end > len(tm.text):
                continue  # a mention of an older version of the source
            line = next(((a, b) for a, b in lines if a <= start and end <= b), None) \
                if type_ == "date" else None  # a name's is never asked
            marked.append(Marked(tm.text, start, end, type_, line, from_file))
    return out
