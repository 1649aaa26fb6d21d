"""An edition's conventions of where a name's element starts and ends, learned from its markup.

Editions differ: one writes ``Mr. <persName>Krimke</persName>``, another ``<persName>Dr. Leo
Baeck</persName>``; one keeps "uncle", "the", "city of" or a possessive "'s" outside the element,
another inside; in a diary the date may wrap the whole dateline (``<dateline><date>3.</date>``).
``count`` counts, over the confirmed mentions, how often each thing stands inside or just outside
the element; ``decide`` takes each convention by the majority once there is enough evidence
(``MIN_EVIDENCE``), from the first of several levels that has it (a source's own markup, else its
edition's, else the workspace's: ``acts.conventions``); until then the default (the span rules of
``annotator.nlp.spans``) holds. ``span_rules`` turns the result into the rules proposals (and a
mention added from a selection) are cleaned with. One convention is of where names are
proposed, not of their spans: whether the edition marks names in its editor's notes
(``note_cases``; where it leaves them bare, none is proposed there). One is of dates, not spans:
whether the edition marks a weekday alone heading a diary's entry ("First Day.") as a date
(``heading_cases``); only where it marks them is one proposed (no evidence: none).

Settings in ``[annotator.conventions]`` of annotator.toml override what was learned.

DOCS: docs/proposals.md#conventions
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from annotator.chronology import find_dates, weekday_headings
from annotator.entities.names import KIN_WORDS, POSSESSIVE, TITLE_WORDS
from annotator.nlp.spans import (RULES, Rule, clean_span, strip_edge_punctuation, strip_kin,
                                 strip_leading_article, strip_possessive, strip_salutation,
                                 strip_title)

INSIDE, OUTSIDE, WHOLE = "inside", "outside", "whole"
MARKED, UNMARKED = "marked", "unmarked"
# convention -> (what it is about, its values, the default)
CONVENTIONS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "titles": ("titles and honorifics before a person's name (Mr., Dr., Sir, Lady)",
               (INSIDE, OUTSIDE), OUTSIDE),
    "kin": ("kin terms before a person's name (uncle, mother, cousin)", (INSIDE, OUTSIDE),
            OUTSIDE),
    "articles": ("a leading 'the' of a place or organisation ('the Gestapo')",
                 (INSIDE, OUTSIDE), OUTSIDE),
    "city_of": ("'city of', 'town of', 'county of' before a place", (INSIDE, OUTSIDE), OUTSIDE),
    "possessive": ("a possessive 's after a name ('Fraenkel's')", (INSIDE, OUTSIDE), OUTSIDE),
    # "inside" counts datelines the date wraps whole, "outside" dates within a dateline
    "datelines": ("dates in a dateline: the date alone, or the whole dateline",
                  (WHOLE, INSIDE), INSIDE),
    # "marked" counts editor's notes with a name marked, "unmarked" those holding capitalised
    # names none of which is marked, in a source marking names in its own text
    "editor_notes": ("names in the editor's notes (note type editorial, commentary...): "
                     "proposed, or left unmarked", (MARKED, UNMARKED), MARKED),
    # "marked" counts such headings under a date of the markup, "unmarked" those left bare in
    # a source that marks other dates; unmarked by default: the one edition seen with such
    # headings (Friendly Networks) leaves 47 of 48 bare, and proposing them unasked cost
    # date precision
    "weekday_headings": ("a weekday alone heading a diary's entry ('First Day.', 'Fifth Day "
                         "morning'): proposed as a date, or left unmarked", (MARKED, UNMARKED),
                         UNMARKED),
}
MIN_EVIDENCE = 3  # cases seen before a convention is taken as learned
Counts = Mapping[str, tuple[int, int]]  # convention -> cases (inside, outside) seen

_OWNERS = frozenset({"my", "his", "her", "thy", "our", "their", "your", "dear", "beloved"})
_PLACE_HEADS = re.compile(r"(?:city|town|county|village|parish|borough|shire|isle|kingdom|"
                          r"port|province|state)\s+of\s+$", re.I)
_WORD_BEFORE = re.compile(r"(?<![^\W\d_])([^\W\d_][\w’'-]*\.?)([ \t]+)$")
_WORD = re.compile(r"[^\W\d_][\w’'-]*")


@dataclass(frozen=True, slots=True)
class Conventions:
    """Each convention's value, and the (inside, outside) counts it was learned from."""

    titles: str = OUTSIDE
    kin: str = OUTSIDE
    articles: str = OUTSIDE
    city_of: str = OUTSIDE
    possessive: str = OUTSIDE
    datelines: str = INSIDE
    editor_notes: str = MARKED
    weekday_headings: str = UNMARKED
    # the cases seen at the first level asked (a source's own, an edition's)
    evidence: Counts = field(default_factory=dict)
    overridden: frozenset[str] = frozenset()
    # convention -> the level whose cases decided it ("source", "edition", "workspace")
    learned_from: Mapping[str, str] = field(default_factory=dict)

    def value(self, name: str) -> str:
        return str(getattr(self, name))

    def rows(self) -> list[dict[str, object]]:
        """One row per convention: name, value, where it comes from (``source``: learned,
        annotator.toml or default; ``from``: the level whose cases decided a learned one),
        the evidence."""
        out: list[dict[str, object]] = []
        for name, (about, kinds, default) in CONVENTIONS.items():
            first, second = self.evidence.get(name, (0, 0))
            source = ("annotator.toml" if name in self.overridden else
                      "learned" if name in self.learned_from else "default")
            # the cases seen for each value, named as the values are (datelines: whole/inside)
            out.append({"convention": name, "value": self.value(name), "source": source,
                        "from": self.learned_from.get(name, "") if source == "learned" else "",
                        "evidence": f"{first} {kinds[0]}, {second} {kinds[1]}",
                        "default": default, "about": about})
        return out

    def key(self) -> tuple[str, ...]:
        """The values alone, in ``CONVENTIONS``' order: equal keys shape spans alike."""
        return tuple(self.value(n) for n in CONVENTIONS)

    def with_overrides(self, overrides: Mapping[str, str]) -> Conventions:
        return _make({**{n: self.value(n) for n in CONVENTIONS}, **overrides}, self.evidence,
                     frozenset(overrides), self.learned_from)


def _make(values: Mapping[str, str], evidence: Counts,
          overridden: frozenset[str] = frozenset(),
          learned_from: Mapping[str, str] | None = None) -> Conventions:
    """Conventions of ``values`` (a field each, named as in ``CONVENTIONS``), the rest default."""
    chosen = {n: values.get(n, default) for n, (_, _, default) in CONVENTIONS.items()}
    return Conventions(**chosen, evidence=evidence, overridden=overridden,
                       learned_from=learned_from or {})


DEFAULT = Conventions()


def check_overrides(overrides: Mapping[str, object]) -> list[str]:
    """What is wrong with ``[annotator.conventions]``: one message per bad entry."""
    bad = []
    for name, value in overrides.items():
        if name not in CONVENTIONS:
            bad.append(f"unknown convention '{name}' (use one of {', '.join(CONVENTIONS)})")
        elif value not in CONVENTIONS[name][1]:
            bad.append(f"convention {name} = '{value}' (use one of "
                       f"{', '.join(CONVENTIONS[name][1])})")
    return bad


@dataclass(frozen=True, slots=True)
class Marked:
    """A confirmed mention in its reading text; ``dateline`` a date's: the span of the dateline
    it lies in, if any (``count`` asks no name's)."""

    text: str
    start: int
    end: int
    type: str
    dateline: tuple[int, int] | None = None
    from_file: bool = False  # marked in the file (provenance ``source``), not by the editor


# patterns tried on every mention and span, compiled once
_S_AFTER = re.compile(r"['’]s\b")
_APOSTROPHE_S = re.compile(r"['’]s?\b")
_THE_BEFORE = re.compile(r"(?<!\w)[Tt]he[ \t]+$")


# _WORD_BEFORE read backwards from the span: spaces, a stop, the run of word characters (of
# which the word is from its first letter on), matched once at the span instead of searched
# for at each of the 40 characters before it
_BEFORE_REVERSED = re.compile(r"[ \t]+\.?([\w’'-]*)")
_A_LETTER = re.compile(r"[^\W\d_]")


def _word_before(text: str, start: int) -> str:
    """The word right before ``start``, lower case, its stop dropped: what ``_WORD_BEFORE``
    finds there ("" where a line break or nothing but spaces stands between)."""
    m = _BEFORE_REVERSED.match(text[max(0, start - 40):start][::-1])
    if m is None:
        return ""
    run = m.group(1)[::-1]
    first = _A_LETTER.search(run)
    return run[first.start():].lower() if first else ""


def _first_word(text: str, start: int, end: int) -> str:
    m = _WORD.match(text, start, end)
    return m.group().lower().rstrip(".") if m else ""


def count(mentions: Iterable[Marked]) -> Counts:
    """How often each convention's thing stands inside or outside the mentions' elements."""
    counts = {name: [0, 0] for name in CONVENTIONS}
    for m in mentions:
        if m.type == "date":  # only whether it wraps its dateline
            if m.dateline is not None:
                a, b = m.dateline
                counts["datelines"][0 if m.start <= a + 1 and m.end >= b - 1 else 1] += 1
            continue
        span = m.text[m.start:m.end]
        first, before = _first_word(m.text, m.start, m.end), _word_before(m.text, m.start)
        if m.type == "person":
            words = _WORD.findall(span)
            if first in TITLE_WORDS and len(words) > 1:
                counts["titles"][0] += 1
            elif before in TITLE_WORDS:
                counts["titles"][1] += 1
            if first in KIN_WORDS or (first in _OWNERS and len(words) > 1 and
                                      words[1].lower() in KIN_WORDS):
                counts["kin"][0] += 1
            elif before in KIN_WORDS:
                counts["kin"][1] += 1
        if m.type in ("place", "org"):
            if first == "the" and len(span.split()) > 1:
                counts["articles"][0] += 1
            elif before == "the":
                counts["articles"][1] += 1
        if m.type == "place":
            if _PLACE_HEADS.search(span[:span.lower().find(" of ") + 4] if " of " in span
                                   else ""):
                counts["city_of"][0] += 1
            elif _PLACE_HEADS.search(m.text[max(0, m.start - 20):m.start]):
                counts["city_of"][1] += 1
        if POSSESSIVE.search(span):
            counts["possessive"][0] += 1
        elif POSSESSIVE.match(m.text, m.end) or _S_AFTER.match(m.text[m.end:m.end + 3]):
            counts["possessive"][1] += 1
    return {k: (v[0], v[1]) for k, v in counts.items()}


def note_cases(marked: Sequence[Marked], notes: Sequence[tuple[int, int]],
               waiting: Sequence[tuple[int, int]] = (),
               rejected: Sequence[tuple[int, int]] = ()) -> tuple[int, int]:
    """How many of a source's editor's notes (``notes``: ``tei.voice.editor_spans``) hold a
    confirmed name, and how many leave their names bare, in a source whose confirmed names
    outside its notes show that it marks names (one marking none says nothing of its notes).
    Bare, where the source's names are its file's markup (the edition went over the whole
    file): a note holding capitalised words ("Huldah Hoag", "Cf. Pennant's Tour"); where the
    editor marked them: a note where the editor rejected a name proposal and none waits for a
    decision (``rejected``, ``waiting``), not one the editor has not looked at."""
    starts = [a for a, _ in notes]

    def note_of(start: int, end: int) -> int:
        """The index of the note [start, end) lies in, else -1 (``notes`` are sorted)."""
        i = bisect_right(starts, start) - 1
        return i if i >= 0 and end <= notes[i][1] else -1

    names = [m for m in marked if m.type != "date"]
    held = [note_of(m.start, m.end) for m in names]
    outside = [m for m, i in zip(names, held) if i < 0]
    if not outside:
        return 0, 0
    by_file = any(m.from_file for m in outside)
    named = set(held)
    decided = set() if by_file else \
        {note_of(s, e) for s, e in rejected} - {note_of(s, e) for s, e in waiting}
    marked_n = bare = 0
    for i, (a, b) in enumerate(notes):
        if i in named:
            marked_n += 1
        elif _capitalised(names[0].text, a, b) if by_file else i in decided:
            bare += 1
    return marked_n, bare


_SENTENCE_START = tuple(".!?:;\"'‘“([—–-")


def _capitalised(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` holds a capitalised word not opening a sentence ("Luke
    12:16" holds none, "Cf. also a note by Trevor Parkins" does)."""
    for m in _WORD.finditer(text, start, end):
        w = m.group()
        if len(w) > 1 and w[0].isupper() and w[1].islower():
            before = text[start:m.start()].rstrip()
            if before and not before.endswith(_SENTENCE_START):
                return True
    return False


def heading_cases(text: str, dates: Sequence[tuple[int, int]],
                  pending: Sequence[tuple[int, int]] = (),
                  rejected: Sequence[tuple[int, int]] = (), *,
                  from_file: bool = True) -> tuple[int, int]:
    """How many weekday headings ("First Day." opening a diary's line) a source's confirmed
    ``dates`` mark, and how many they leave bare though it marks other dates. A source that
    marks no date says nothing of its headings, nor does a heading under a date proposal not
    decided yet (``pending``): only the edition's markup or the editor's decision does. Bare,
    where the dates are the file's markup (``from_file``: the edition went over the whole
    file), a heading under no date; where the editor marked them, one whose proposal the
    editor rejected (``rejected``), not one never proposed (headings are not, by default),
    which the editor may not have looked at. A weekday that opens a longer date ("Tuesday
    July 8th") is no heading."""
    headings = weekday_headings(text) if dates else []
    if not headings:
        return 0, 0
    # only where a heading may open a longer date: the dates of the headings' lines
    found = find_dates(text, on_lines_of=headings)
    marked = bare = 0
    for a, b in headings:
        if any(s < b and a < e and e - s > b - a for s, e in found):
            continue
        if any(s < b and a < e for s, e in dates):
            marked += 1
        elif not any(s < b and a < e for s, e in pending) and \
                (from_file or any(s < b and a < e for s, e in rejected)):
            bare += 1
    return marked, bare


def summed(counts: Iterable[Counts]) -> Counts:
    """The cases of several sources together."""
    out = {name: [0, 0] for name in CONVENTIONS}
    for c in counts:
        for name, (inside, outside) in c.items():
            out[name][0] += inside
            out[name][1] += outside
    return {k: (v[0], v[1]) for k, v in out.items()}


def decide(levels: Sequence[tuple[str, Counts]]) -> Conventions:
    """Each convention from the first level (narrowest first: a source's, its edition's, the
    workspace's) whose cases are enough, at least MIN_EVIDENCE and not a tie, by their
    majority; the default where none has enough. The evidence shown is the first level's."""
    values: dict[str, str] = {}
    learned_from: dict[str, str] = {}
    for name, (_, kinds, _) in CONVENTIONS.items():
        for level, counts in levels:
            inside, outside = counts.get(name, (0, 0))
            if inside + outside >= MIN_EVIDENCE and inside != outside:
                values[name] = kinds[0] if inside > outside else kinds[1]
                learned_from[name] = level
                break
    return _make(values, dict(levels[0][1]) if levels else {}, learned_from=learned_from)


# -- applying them ---------------------------------------------------------------------------
def _extend_before(words: frozenset[str], types: tuple[str, ...], *, owners: bool = False,
                   name: str) -> Rule:
    """A rule taking in the words of ``words`` right before a span of one of ``types``."""

    def rule(text: str, start: int, end: int, type_: str) -> tuple[int, int] | None:
        if type_ not in types:
            return start, end
        while True:
            m = _WORD_BEFORE.search(text[max(0, start - 40):start])
            if m is None or "\n" in m.group(2):
                return start, end
            w = m.group(1).lower().rstrip(".")
            if w in words or (owners and w in _OWNERS and start != end):
                start -= len(m.group(0))
                if w in _OWNERS:
                    return start, end
                continue
            return start, end

    rule.__name__ = name
    return rule


def _take_possessive(text: str, start: int, end: int, type_: str) -> tuple[int, int] | None:
    """"Fraenkel's": the possessive goes inside the name's element."""
    if type_ != "date":
        m = _APOSTROPHE_S.match(text[end:end + 3])
        if m and (m.group() != "'" or text[end - 1:end] == "s"):
            return start, end + len(m.group())
    return start, end


def _take_place_head(text: str, start: int, end: int, type_: str) -> tuple[int, int] | None:
    """"city of London": the head goes inside the place's element."""
    if type_ == "place":
        m = _PLACE_HEADS.search(text[max(0, start - 20):start])
        if m:
            head = re.search(r"(?:the\s+)?" + re.escape(m.group()) + "$",
                             text[max(0, start - 25):start], re.I)
            return start - len(head.group() if head else m.group()), end
    return start, end


_THE = frozenset({"the"})


def span_rules(conv: Conventions, base: tuple[Rule, ...] = RULES) -> tuple[Rule, ...]:
    """The span rules under these conventions: default rules left out or added where the
    edition puts things inside its elements."""
    drop: set[Rule] = set()
    add: list[Rule] = []
    if conv.titles == INSIDE:
        drop.add(strip_title)
        add.append(_extend_before(TITLE_WORDS, ("person",), name="take_title"))
    if conv.kin == INSIDE:
        drop.add(strip_kin)
        add.append(_extend_before(KIN_WORDS, ("person",), owners=True, name="take_kin"))
    if conv.articles == INSIDE:
        drop.add(strip_leading_article)
        add.append(_keep_article)
    if conv.city_of == INSIDE:
        add.append(_take_place_head)
    if conv.possessive == INSIDE:
        drop.add(strip_possessive)
        add.append(_take_possessive)
    if not drop and not add:
        return base
    return (*(r for r in base if r not in drop), *add)


def _keep_article(text: str, start: int, end: int, type_: str) -> tuple[int, int] | None:
    """"the Gestapo": a leading "the" of a place or organisation goes inside its element."""
    m = _THE_BEFORE.search(text[max(0, start - 5):start])
    if type_ in ("place", "org") and m:
        return start - len(m.group()), end
    return start, end



# What a selection is trimmed by before the conventions: edges, and what is outside by default.
SELECTION_RULES: tuple[Rule, ...] = (strip_edge_punctuation, strip_leading_article,
                                     strip_salutation, strip_title, strip_kin, strip_possessive,
                                     strip_edge_punctuation)


def snap_selection(text: str, start: int, end: int, type_: str,
                   conv: Conventions) -> tuple[int, int]:
    """An editor's selection as the edition marks such a name: "Mr. Krimke" selected where
    titles stay outside gives "Krimke", "Krimke" where they are inside "Mr. Krimke"; a
    possessive, an article, a kin term or "city of" likewise. Dates are left as selected."""
    if type_ == "date":
        return start, end
    span = clean_span(text, start, end, type_, span_rules(conv, SELECTION_RULES))
    return span if span is not None else (start, end)
