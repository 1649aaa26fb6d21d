"""Proposals: spaCy reads the sources and suggests persons, places, organisations and dates.

The model is loaded and run by ``annotator.nlp.pipeline``. A run streams the sources' reading texts through one
batched ``nlp.pipe`` holding only the components NER needs (in en_core_web_sm the ``ner``
component has its own tok2vec, so tagger, parser, lemmatizer and attribute ruler are excluded),
cleans the spans (annotator.nlp.spans), normalises dates (annotator.dates), adds the names of the
register and of the source itself where the model missed them (annotator.entities.names.VariantIndex),
groups names into candidate entities and writes one source at a time, so memory stays flat
(committed a few sources together: a run stopped midway proposes the uncommitted ones again).

A source is skipped when its last NER run had the same text (sha256), model and settings;
confirmed, rejected, stale and individually decided mentions are never touched, nor the
proposals an editor's act in force binds (``store.decided.bound_proposals``: split, merged,
relabelled, or of an entity the editor linked or named), nor those the source's file gives as
an annotator export's of another model than the run's (``edition_markup.file_proposals``:
read from it, of the provenance its header names), nor those of its own model and rules the
run finds again (``_found_again``: its own earlier proposals, as the exporting workspace left
them), and nothing is proposed over them.

DOCS: docs/proposals.md
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import json
import logging
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any
import dataclasses
from dataclasses import dataclass, field

from annotator.chronology import (EDITOR, Dating, bracket_span, date_mentions, parse_day,
                                  trim_date_span)
from annotator.collector import frozen
from annotator.dates import merge_date_spans, names_time, normalise_date, widen_date_span
from annotator.entities.names import (KIN_WORDS, PLACE_KINDS, TITLE_WORDS, KnownEntities,
                                      KnownEntity, NameMention, VariantHit, VariantIndex,
                                      WordCase, ends_in_family_name, entity_id, entity_sex,
                                      family_keys, given_names, group_mentions, kin_apart,
                                      known_lookup, name_key, said_sex, settle_types, shouted,
                                      written_lower)
from annotator.errors import Interrupted
from annotator.records import Proposal, ProposeReport, Source, SourceProposeResult
from annotator.acts.context import ActContext
from annotator.acts.conventions import EditionConventions, edition_conventions, whole_datelines
from annotator.acts.edition_markup import (file_proposals, marked_other, marked_terms,
                                          maybe_exported)
from annotator.acts.entity_edits import name_proposed
from annotator.acts.queries import EditionView
from annotator.acts.source_dates import date_warnings
from annotator.acts.texts import RunTexts, Texts
from annotator.interrupt import finishing
from annotator.config import Settings
from annotator.nlp.conventions import (CONVENTIONS, MARKED, UNMARKED, WHOLE, Conventions,
                                       span_rules)
from annotator.nlp.lexicon import common_words, is_common
from annotator.nlp.org_filter import DEFAULT_THRESHOLD, org_confidence, text_facts
from annotator.nlp.spans import (HIT_RULES, RULES, TITLE, Rule, address_mask, clean_span,
                                 dateline_places,
                                 demonym, drop_inside_title, find_titles, in_longer_name,
                                 named_by_context,
                                 places_after_prepositions, places_by_context, split_at_breaks)
from annotator.store import now
from annotator.acts.train import current_model
from annotator.nlp.pipeline import (RawSpan, cached_pipeline, check_labels, pipe_batch_size,
                                     pipeline_provenance, provenance_of, run_ner)
from annotator.store import mentions as mentions_of
from annotator.store import proposals as rows_of
from annotator.store.decided import acted_at, bound_proposals, file_proposals_held
from annotator.store.decisions import registered_editions
from annotator.store.entities import taken_ids
from annotator.store.runs import last_run, record_run
from annotator.tei.dating import blocks_and_references
from annotator.tei.voice import editor_spans, within
from annotator.tei.textmap import TextMap
from annotator.text import crosses_block, trim

log = logging.getLogger(__name__)

RULES_VERSION = 19  # bump when rules, dates or grouping change what a run proposes
# Sources stored per transaction: each commit waits for the disk (synchronous = FULL), about as
# long as storing a short letter's proposals; the model never runs inside one.
SOURCES_PER_COMMIT = 16
Progress = Callable[[int, int], None]  # (words done, words in all)


# -- from spans to proposals -----------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Protected:
    """A stored mention a run must leave alone: nothing new is proposed over it (over a
    rejected one, nothing identical to it)."""

    start: int
    end: int
    type: str
    status: str
    entity_id: str | None = None
    flags: str = ""  # the mention's flags ("group": a name of several entities)
    date_value: str | None = None  # a date's TEI attributes as stored (JSON)


# How sure each step is of what it proposes; an ORG span gets its own (nlp.org_filter).
CONFIDENCE = {"person": 0.7, "place": 0.7, "date": 0.8, "dateline": 0.8, "rule:register": 0.9,
              "rule:propagate": 0.6, "rule:context": 0.5}


def build_proposals(text: str, spans: Sequence[RawSpan], *, labels: dict[str, str],
                    provenance: str, register: VariantIndex | None = None,
                    known: Sequence[KnownEntity] = (),
                    own: Sequence[KnownEntity] = (),
                    rejected: frozenset[tuple[str, str]] = frozenset(),
                    protected: Sequence[Protected] = (),
                    rules: tuple[Rule, ...] = RULES,
                    datelines: Sequence[tuple[int, int]] = (),
                    marked: Sequence[tuple[int, int]] = (),
                    terms: Sequence[tuple[int, int]] = (),
                    org_threshold: float = DEFAULT_THRESHOLD,
                    confirmed: Mapping[str, str] | None = None,
                    dating: Dating = Dating(),
                    lexicon: frozenset[str] = frozenset(),
                    unnamed: Sequence[tuple[int, int]] = ()) -> list[Proposal]:
    """Model spans -> clean, typed proposals, plus the register's and the text's own names.

    Dates are widened, joined by the date finder's (provenance ``rule:dates``) and resolved
    in the source's chronology (``dating``: its own date and blocks); names are cleaned,
    retyped where the text shows a person or a place (``spans.places_by_context``), and looked
    for again where the model missed them: register variants (provenance ``rule:register``),
    names the model found elsewhere in this text (``rule:propagate``) and a capitalised word
    after a preposition of place (``rule:context``, ``spans.places_after_prepositions``; no
    seed, and it gives way to the other two).
    Rejected (key, type) pairs, spans over protected mentions and names inside titles (spans
    whose label maps to ``title``, and ``rules.find_titles``) are left out, and so are names
    over what the file's markup calls a title or a work (``marked``) or a term (``terms``),
    not inside it; a model's name that runs into a term is cut at it, its part outside kept
    ("Buchenwald" of "Buchenwald Concentration Camp", "Concentration Camp" a term). The file's
    markup decides: a name the text's own mentions identify (``own``) has their type and
    entity (``settle_types``, and ``group_mentions`` when stored).

    The steps ``eval --folds`` scores one by one are parameters: ``register`` (None: no
    propagation from what is confirmed), ``rules`` (``nlp.conventions.span_rules`` of the
    edition's conventions; default the plain span rules), ``datelines`` (reading spans of
    datelines whose whole text is one date, when the edition marks them so), ``org_threshold``
    (ORG spans below this ``nlp.org_filter`` confidence are dropped; 0 keeps all) and
    ``confirmed`` (name key -> type of the edition's confirmed names, for the ORG filter).
    ``lexicon``: the common words of the text's language (``nlp.lexicon.common_words``), which
    a register name of one word is found again as only where the words before name it
    (``_name_here``). ``unnamed``: sorted spans where no name is proposed, only dates (the
    editor's notes of an edition that marks no names there: the ``editor_notes`` convention).
    Every proposal carries a confidence (``CONFIDENCE``) the review queue can sort by.

    No proposal crosses a block break (``text.crosses_block``), as no mention an editor marks
    may (D034): each step keeps its spans within a block, and one that still runs into the
    next block is dropped here, where every proposal passes, not cut: its type and date value
    were read over words of both blocks ("Fifth" ending a note and "November 1771" heading
    the next entry gave 1771-11-05, the date of neither), so a part would keep a value its
    words do not give; each block's own words are proposed by the steps that read it.
    """
    dates: list[tuple[int, int]] = []
    names: list[tuple[int, int, str]] = []
    case = WordCase(text)
    outside_titles = drop_inside_title(
        [*((s.start, s.end) for s in spans if labels.get(s.label) == TITLE),
         *find_titles(text, case.words)])
    not_over_marked = _not_over([*marked, *terms])
    outside_terms = _cut_at(text, terms)
    marked_at = _meeting([*marked, *terms])
    addresses = address_mask(text)  # a name inside a web or e-mail address is none, nor a seed
    found = register.find(text, case.words) if register is not None and len(register) else []

    def may_stand(start: int, end: int, type_: str) -> bool:
        """A name may stand there: not inside a title, over what the markup calls a title or
        a work, or in an address (the model's names and the context rule's places alike)."""
        return outside_titles(text, start, end, type_) is not None \
            and not_over_marked(start, end) and addresses.find(1, start, end) == -1

    for s in spans:
        type_ = labels.get(s.label, "")
        if not type_ or type_ == TITLE:
            continue
        for start, end in split_at_breaks(text, s.start, s.end):
            if type_ == "date":
                span = clean_span(text, start, end, "date", rules)
                if span is not None:
                    span = _off_names(text, *span, found)
                if span is not None:
                    dates.append(bracket_span(text, *trim_date_span(
                        text, *widen_date_span(text, *span))))
                continue
            span = clean_span(text, start, end, type_, rules)
            # the model's span ran across the edge of a marked title or term: what its rules
            # leave inside that markup is a piece of the title, no name ("a Statue of Queen"
            # over <rs type="art">Statue of Queen Elizabeth</rs>, cleaned to "Statue of Queen")
            across = span is not None and span != (start, end) and \
                not not_over_marked(start, end)
            for cut in outside_terms(*span) if span is not None else ():
                # cut at a term: what is left is cleaned again
                part = cut if cut == span else clean_span(text, *cut, type_, rules)
                if part is not None and may_stand(*part, type_) and \
                        not (across and marked_at(*part)):
                    names.append((part[0], part[1], type_))
    out: list[Proposal] = []
    model_dates = merge_date_spans(text, dates)
    from_model = set(model_dates)
    # a dateline over a block break (a note inside it) is no one date: its blocks' dates stand
    lines = [(a, b) for a, b in datelines if not crosses_block(text, a, b)]
    seen_lines: set[tuple[int, int]] = set()
    marked_dates = tuple((q.start, q.end, tuple(json.loads(q.date_value).items()))
                         for q in protected if q.type == "date" and q.status == "confirmed"
                         and q.date_value)
    if marked_dates:  # the file's own dated dates (and the editor's) as it gives them
        dating = dataclasses.replace(dating, marked=marked_dates)
    for start, end, value in date_mentions(text, model_dates, dating):
        line = next(((a, b) for a, b in lines if a <= start and end <= b), None)
        if line is not None:  # the edition marks the whole dateline: the date takes it
            if line in seen_lines:
                continue
            seen_lines.add(line)
            start, end = line
        prov = ("rule:dateline" if line is not None else
                provenance if (start, end) in from_model else "rule:dates")
        out.append(Proposal(start, end, "date", text[start:end], prov, value.attrs, value.flags,
                            confidence=CONFIDENCE["dateline" if line else "date"],
                            date_reason=value.reason, date_cert=value.cert,
                            date_stated=value.stated, date_written=value.written))
    for start, end in lines:
        if (start, end) not in seen_lines:
            out.append(Proposal(start, end, "date", text[start:end], "rule:dateline",
                                *_date_value(text[start:end]),
                                confidence=CONFIDENCE["dateline"]))
    names, org_conf = _orgs_kept(text, names, org_threshold, confirmed)
    names = places_by_context(text, _without_overlaps(names), case.words)
    names = _not_nouns(text, names, case, known, own, confirmed or {})
    dated = [(p.start, p.end, "date") for p in out]
    names = _outside_dates(text, names, dated)
    # a dateline's date is the file's own <date> as well as a proposed one
    names, placed = dateline_places(text, [(a, b) for a, b, kind in dating.blocks
                                           if kind == "dateline"],
                                    names, [*((s, e) for s, e, _ in dated),
                                            *((q.start, q.end) for q in protected
                                              if q.type == "date" and q.status != "rejected")],
                                    lambda word: is_common(word, lexicon))
    if "place" in (labels.get("GPE"), labels.get("LOC")):  # what the context rules find
        placed = [sp for sp in placed if may_stand(*sp, "place")]
        by_context = {sp for sp in places_after_prepositions(
            text, [*names, *dated, *((s, e, "place") for s, e in placed)], case.noun, case.words)
            if may_stand(*sp, "place")} | set(placed)
    else:
        by_context = set()
    names = sorted([*names, *((s, e, "place") for s, e in by_context)])
    kin = kin_apart(text, ((i, s, e) for i, (s, e, _) in enumerate(names)))
    mentions = [NameMention(i, t, text[s:e], _said_sex(text, s, e), kin.get(i, -1))
                for i, (s, e, t) in enumerate(names)]
    mentions = settle_types(mentions, known, own, confirmed)
    for (start, end, _), m in zip(names, mentions):
        # an org the edition's names made of another type is as sure as the filter makes them
        conf = org_conf.get((start, end), 1.0) if m.type == "org" else CONFIDENCE.get(m.type)
        if (start, end) in by_context:
            prov, conf = "rule:context", CONFIDENCE["rule:context"] if m.type == "place" else conf
        else:
            prov = provenance
        out.append(Proposal(start, end, m.type, m.surface, prov, confidence=conf))
    taken = bytearray(len(text))  # 1 where a character is already in a mention
    held_at = bytearray(len(text))  # 1 where a mention the run keeps stands (not rejected)
    # a place found by its context alone gives way to the register's and the text's names
    covered: list[Proposal | Protected] = [
        *(p for p in out if p.provenance != "rule:context"), *protected]
    for p in covered:
        taken[p.start:p.end] = b"\x01" * (p.end - p.start)
    for q in protected:
        if q.status != "rejected":
            held_at[q.start:q.end] = b"\x01" * (q.end - q.start)
    extra = tuple(r for r in rules if r not in RULES)  # the edition's own span conventions
    # a place found by its context alone is no seed: one wrong one would spread
    seeds = [m for (start, end, _), m in zip(names, mentions) if (start, end) not in by_context]
    named = _named_somewhere(text, found, case, lexicon)
    for hit, prov in _rule_hits(text, seeds, found, case):
        # taken where it starts: dropped below, cleaned or not (a hit's rules, HIT_RULES and
        # the conventions' extra, only cut its end or widen it, so its start stays in it)
        if taken[hit.start]:
            continue
        if prov == "rule:register":
            if _common_here(case, hit, spans) or not _name_here(text, hit, lexicon, named):
                continue
        span = clean_span(text, hit.start, hit.end, hit.type, (*HIT_RULES, *extra))
        if span is None or taken.find(1, *span) != -1 or \
                outside_titles(text, *span, hit.type) is None or not not_over_marked(*span):
            continue
        taken[span[0]:span[1]] = b"\x01" * (span[1] - span[0])
        out.append(Proposal(span[0], span[1], hit.type, text[span[0]:span[1]], prov,
                            flags="linked" if hit.entity_id else "",
                            confidence=CONFIDENCE[prov]))
    if by_context:
        hits = bytearray(len(text))
        for p in out:
            if p.provenance in ("rule:register", "rule:propagate"):
                hits[p.start:p.end] = b"\x01" * (p.end - p.start)
        out = [p for p in out if p.provenance != "rule:context" or
               hits.find(1, p.start, p.end) == -1]
    decided = {(q.start, q.end, q.type) for q in protected}
    kept = []
    for p in out:
        if p.type != "date" and (name_key(p.surface), p.type) in rejected:
            continue
        if held_at.find(1, p.start, p.end) != -1 or (p.start, p.end, p.type) in decided:
            continue
        if addresses.find(1, p.start, p.end) != -1:  # in a web or e-mail address
            continue
        if p.type != "date" and unnamed and within(unnamed, p.start, p.end):
            continue  # the edition marks no names in its editor's notes
        if crosses_block(text, p.start, p.end):
            log.debug("dropped %s %r over a block break (%s)", p.type, p.surface, p.provenance)
            continue  # a name or date stands within one block (D034), see the docstring
        kept.append(p)
    kept.sort(key=lambda p: (p.start, p.end))
    return kept


# A name's sex by its title (``said_sex``), asked where a run builds its proposals and again
# where it writes them, over the same text and the same spans: looked at once (was: twice).
_said_sex = functools.lru_cache(maxsize=1 << 12)(said_sex)


def _outside_dates(text: str, names: list[tuple[int, int, str]],
                   dated: Sequence[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The model's names less those inside a date proposed there: the date's words are no one
    ("Feby" of "Stratton Street, Feby. 21. 1786", which the date finder reads as a date), as
    names inside titles are none; they seed no propagation either."""
    if not dated:
        return names
    in_date = bytearray(len(text))
    for s, e, _ in dated:
        in_date[s:e] = b"\x01" * (e - s)
    return [(s, e, t) for s, e, t in names if in_date.find(0, s, e) != -1]


def _not_nouns(text: str, names: list[tuple[int, int, str]], case: WordCase,
               known: Sequence[KnownEntity], own: Sequence[KnownEntity],
               confirmed: Mapping[str, str]) -> list[tuple[int, int, str]]:
    """The model's names less one-word ones this text writes as a common noun (``WordCase.noun``:
    "Dull", "Ague" where the text has "dull", "ague" as often as a capitalised one inside a
    sentence); they seed no propagation either. A key the text's markup, the edition's or
    the register's confirmed names have stays."""
    sure = known_lookup(known).confirmed_keys | {k for e in own for k in e.keys} | \
        set(confirmed)
    out = []
    for s, e, t in names:
        key = name_key(text[s:e])
        if key not in sure and case.noun(key):
            continue
        out.append((s, e, t))
    return out


def _common_here(case: WordCase, hit: VariantHit, spans: Sequence[RawSpan]) -> bool:
    """A register variant of one word that is a common word here: the text writes it mostly
    in lower case ("Camp workers" among the text's "camp"s), or writes it in lower case at all
    and here it is one word of a longer name, by the words ("Hungarian Labor Camp") or by the
    model's entity around it ("BUCHENWALD Concentration Camp"). A proper name ("Czech Jews")
    is found again as before."""
    if " " in hit.key:
        return False
    if case.common(hit.key):
        return True
    if not case.lower[hit.key]:
        return False
    return case.inside_name(hit.start, hit.end) or any(
        s.start <= hit.start and hit.end <= s.end and (s.start, s.end) != (hit.start, hit.end)
        for s in spans)


_ALONE_NO_NAME = PLACE_KINDS | TITLE_WORDS  # "the Cathedral", "the King": named by context


def _name_here(text: str, hit: VariantHit, lexicon: frozenset[str],
               named: Collection[str] = ()) -> bool:
    """A register variant of one word is a name where it stands: not one word of a longer
    capitalised name ("Montgomery Square", "Henrietta Maria"; a title before it is none:
    "Mr White") and, where it is a common word of the language (``lexicon``: "Iron painted
    White", "Lay at St Clears") or a word of a place's kind or a title ("the Cathedral"),
    named so by the words before it (``spans.named_by_context``: "Mr White", "at Mold", a
    register place "in Bath"), or a place's common word the text names so elsewhere and never
    writes in lower case (``named``: "Bath is a fine town" after "stayed in Bath"). A sentence or a
    heading capitalises any word: only the words around tell a name there."""
    if " " in hit.key:
        return True
    if in_longer_name(text, hit.start, hit.end):
        return False
    if hit.key in _ALONE_NO_NAME:
        return named_by_context(text, hit.start, hit.type)
    if is_common(hit.key, lexicon):
        return hit.key in named or named_by_context(text, hit.start, hit.type, known=True)
    return True


def _named_somewhere(text: str, hits: Sequence[VariantHit], case: WordCase,
                     lexicon: frozenset[str]) -> set[str]:
    """Register places of one common word (``lexicon``) this text names so by the words before
    one of them ("stayed in Bath", "from Bath") and never writes in lower case: one place
    throughout the text, as an editor reads it, so "Bath is a fine town" is Bath too. A text
    that writes "the bath" anywhere keeps to the words around each, and so does a person's
    name: "Mr White" names no "Iron painted White"."""
    return {h.key for h in hits if h.type == "place" and " " not in h.key
            and not case.lower[h.key]
            and is_common(h.key, lexicon) and not in_longer_name(text, h.start, h.end)
            and named_by_context(text, h.start, h.type, known=True)}


def _off_names(text: str, start: int, end: int,
               hits: Sequence[VariantHit]) -> tuple[int, int] | None:
    """A model's date span less a register name at either edge, which names no time ("Bath
    yesterday" is "yesterday"; "May 1791" keeps a register's "May"); None when nothing of a
    date is left. ``hits`` in text order (``VariantIndex.find``): only those starting within
    the span are read (the span's edges only move inwards)."""
    first = bisect.bisect_left(hits, start, key=lambda h: h.start)
    for h in itertools.islice(hits, first, bisect.bisect_right(hits, end, lo=first,
                                                                key=lambda h: h.start)):
        if not (start <= h.start < h.end <= end) or names_time(text[h.start:h.end]):
            continue
        if h.start == start:
            start = h.end + len(text[h.end:end]) - len(text[h.end:end].lstrip(" \t,"))
        elif h.end == end:
            end = h.start - len(text[start:h.start]) + len(text[start:h.start].rstrip(" \t,"))
    return (start, end) if start < end and names_time(text[start:end]) else None


def _not_over(marked: Sequence[tuple[int, int]]) -> Callable[[int, int], bool]:
    """False for a name over a marked span (the whole of it, or across its edge): the model's
    person "Der Sohn" over ``<rs type="work">Der Sohn</rs>``. A name inside one is kept:
    editions mark the sitter of a portrait inside ``<rs type="art">``, an author in a title."""
    meeting = _meeting(marked)

    def ok(start: int, end: int) -> bool:
        for a, b in meeting(start, end):
            if not (a <= start and end <= b and (a, b) != (start, end)):
                return False
        return True

    return ok


def _cut_at(text: str, terms: Sequence[tuple[int, int]]
            ) -> Callable[[int, int], list[tuple[int, int]]]:
    """The parts of a name's span outside the file's terms: the whole span when it crosses
    none, or lies inside one (a name inside a term is kept, as inside a title); else each
    part before, between and after the terms it holds or runs into, but a part after a term
    only where it starts with a capital ("Jewish Community of Frankfurt", "Jewish Community"
    a term, leaves no "of Frankfurt")."""
    spans = sorted(terms)
    starts = [a for a, _ in spans]
    reach = list(itertools.accumulate((b for _, b in spans), max))

    def cut(start: int, end: int) -> list[tuple[int, int]]:
        j = bisect.bisect_left(starts, end) - 1
        crossed = []
        while j >= 0 and reach[j] > start:
            a, b = spans[j]
            if b > start:
                if a <= start and end <= b and (a, b) != (start, end):
                    return [(start, end)]
                crossed.append((a, b))
            j -= 1
        if not crossed:
            return [(start, end)]
        out, pos = [], start
        for a, b in sorted(crossed):
            if a > pos:
                out.append((pos, a))
            pos = max(pos, b)
        if pos < end:
            out.append((pos, end))
        parts = [trim(text, a, b) for a, b in out]
        return [(a, b) for a, b in parts
                if b > a and (a == start or not text[a].islower())]

    return cut


def _date_value(surface: str) -> tuple[tuple[tuple[str, str], ...], str]:
    """A dateline's value where its text alone gives one ("3." gives none: flag 'relative')."""
    value = normalise_date(surface)
    return (value.attrs, value.flags) if value is not None else ((), "relative")


def _orgs_kept(text: str, names: list[tuple[int, int, str]], threshold: float,
               confirmed: Mapping[str, str] | None
               ) -> tuple[list[tuple[int, int, str]], dict[tuple[int, int], float]]:
    """Names without the ORG spans the filter drops, and the kept ones' confidence."""
    if not any(t == "org" for _, _, t in names):
        return names, {}
    facts = text_facts(text, names)
    kept: list[tuple[int, int, str]] = []
    conf: dict[tuple[int, int], float] = {}
    for s, e, t in names:
        if t == "org":
            c, kind = org_confidence(text, s, e, facts, confirmed=confirmed)
            if kind != "org" or c < threshold:
                continue  # another type's name is found again there by propagation
            conf[(s, e)] = c
        kept.append((s, e, t))
    return kept, conf


def _without_overlaps(names: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Where cleaned name spans overlap, keep the longer (the first of equals)."""
    out: list[tuple[int, int, str]] = []
    for s, e, t in sorted(names, key=lambda x: (x[0], -(x[1] - x[0]))):
        if out and s < out[-1][1]:
            if e - s > out[-1][1] - out[-1][0]:
                out[-1] = (s, e, t)
            continue
        out.append((s, e, t))
    return out


def _rule_hits(text: str, mentions: Sequence[NameMention], found: Sequence[VariantHit],
               case: WordCase) -> Iterator[tuple[VariantHit, str]]:
    """The register's variants (``found`` in the text) and the text's own names found again,
    in the text's words as ``case`` split them; a person's family name the text writes as a
    common noun (``case.noun``: "Dull" of the model's "Very Dull") is no seed."""
    for hit in found:
        yield hit, "rule:register"
    entries: list[tuple[str, str, str | None]] = []
    tails: dict[str, set[str]] = {}
    for m in mentions:
        if not m.key:
            continue
        entries.append((m.key, m.type, None))
        if m.type == "person":
            for tail in family_keys(m.surface):
                if case.noun(tail):
                    continue
                tails.setdefault(tail, set()).add(m.key)
    entries.extend((tail, "person", None) for tail, full in tails.items() if len(full) == 1)
    for hit in VariantIndex(entries).find(text, case.words):
        yield hit, "rule:propagate"


# -- the store -------------------------------------------------------------------------------
def settings_fingerprint(labels: dict[str, str], steps: Mapping[str, Any] | None = None) -> str:
    return json.dumps({"labels": labels, "rules": RULES_VERSION, **(steps or {})},
                      sort_keys=True)


@dataclass(frozen=True, slots=True)
class Steps:
    """The switchable steps of one run, from the settings: ``propagate`` (names of everything
    confirmed found again, ``rule:register``), the conventions shaping each source's spans
    (learned when ``use_conventions``, from the source's own markup, else its edition's; else
    the defaults; annotator.toml overrides both) and the ORG filter's
    threshold."""

    propagate: bool
    learned: EditionConventions
    org_threshold: float
    _rules: dict[tuple[str, ...], tuple[Rule, ...]]  # per conventions' values, made once

    def conventions(self, source_id: str) -> Conventions:
        return self.learned.source(source_id)

    def rules(self, source_id: str) -> tuple[Rule, ...]:
        conv = self.conventions(source_id)
        key = conv.key()
        if key not in self._rules:
            self._rules[key] = span_rules(conv)
        return self._rules[key]

    def names_in_notes(self, source_id: str) -> bool:
        """Whether names are proposed in the source's editor's notes (its edition marks
        them there, or shows nothing of it)."""
        return self.conventions(source_id).editor_notes != UNMARKED

    def fingerprint(self, source_id: str) -> dict[str, Any]:
        conv = self.conventions(source_id)
        return {"propagate": self.propagate, "org_threshold": self.org_threshold,
                "conventions": {n: conv.value(n) for n in CONVENTIONS}}


def run_steps(ctx: ActContext, settings: Settings) -> Steps:
    return Steps(settings.propagate,
                 edition_conventions(EditionView(ctx), learned=settings.use_conventions),
                 settings.org_threshold, {})


def confirmed_names(known: Sequence[KnownEntity], ids: frozenset[str]) -> dict[str, str]:
    """Name key -> type of everything the edition confirmed (the first type a key has)."""
    out: dict[str, str] = {}
    for e in known:
        if e.id in ids:
            for k in e.keys:
                out.setdefault(k, e.type)
    return out


def known_entities(conn: sqlite3.Connection) -> tuple[KnownEntities, frozenset[tuple[str, str]]]:
    """Entities in the store with their variant keys, and the (key, type) pairs rejected
    everywhere (a source's own are ``rows_of.source_rejections``). The entities keep the
    lookups grouping makes of them for every source proposed against this read."""
    read = _Entities(conn)
    return read.known(), read.rejected


class _Entities:
    """One read of the store's entities (``known_entities``), kept in step with what a run
    writes in the same transaction (``write_proposals``: new proposed entities, their
    variants, the orphans dropped), so the entities a source's proposals changed are known
    anew without a read of thousands of rows (was: read again after every such source). A
    change it cannot follow (a variant or a drop of an entity it does not hold, a rejected
    one's) makes it ``lost``: the store is read again."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.variants = rows_of.variant_surfaces(conn)
        rejected = rows_of.rejections(conn)
        self.order: list[tuple[str, str]] = []  # (created_at, id), as the store orders them
        self.states: dict[str, tuple[str, str, str]] = {}  # id -> type, status, created_at
        for eid, type_, status, created in rows_of.entity_states(conn):
            if status == "rejected":
                rejected.update((k, type_) for k, _ in self.variants.get(eid, ()))
            else:
                self.order.append((created, eid))
                self.states[eid] = (type_, status, created)
        self.rejected = frozenset(rejected)
        self.lost = False
        self._made: dict[str, KnownEntity] = {}
        self._known: KnownEntities | None = None

    def known(self) -> KnownEntities:
        """The entities not rejected, oldest first; the same object until one changes."""
        if self._known is None:
            made = self._made
            for _, eid in self.order:
                if eid not in made:
                    type_, status, _ = self.states[eid]
                    made[eid] = _known_entity(eid, type_, status,
                                              tuple(self.variants.get(eid, ())))
            self._known = KnownEntities(made[eid] for _, eid in self.order)
        return self._known

    def made(self, eid: str, type_: str, at: str) -> None:
        """A new proposed entity, created ``at``."""
        if eid in self.states:
            self.lost = True
            return
        self.states[eid] = (type_, "proposed", at)
        bisect.insort(self.order, (at, eid))
        self._known = None

    def variant(self, eid: str, surface: str, key: str) -> None:
        """A variant added, unless the entity has that key (``add_variant``'s INSERT OR
        IGNORE)."""
        if eid not in self.states:
            self.lost = True
            return
        written = self.variants.setdefault(eid, [])
        if all(k != key for k, _ in written):
            written.append((key, surface))
            self._made.pop(eid, None)
            self._known = None

    def dropped(self, ids: Iterable[str]) -> None:
        """Entities deleted, their variants with them."""
        for eid in ids:
            state = self.states.pop(eid, None)
            if state is None:
                self.lost = True
                return
            self.order.remove((state[2], eid))
            self.variants.pop(eid, None)
            self._made.pop(eid, None)
            self._known = None


@functools.lru_cache(maxsize=1 << 16)
def _known_entity(eid: str, type_: str, status: str, written: tuple[tuple[str, str], ...]
                  ) -> KnownEntity:
    """An entity of its (key, surface) variants, with its keys written in lower case, those
    whose last word is a family name and a person's given names: made once per run for an
    entity its sources leave as it was, though a run reads the known entities again after
    each source that changed them (was: the record made again at each read)."""
    common = tuple(k for k, surface in written if written_lower(surface))
    person = type_ == "person"
    given = tuple(dict.fromkeys(w for _, surface in written for w in given_names(surface))) \
        if person else ()
    sex = entity_sex(surface for _, surface in written) if person else ""
    return KnownEntity(eid, type_, status, tuple(k for k, _ in written), common,
                       _unended(written), given, sex)


def register_index(known: Sequence[KnownEntity],
                   ids: frozenset[str] = frozenset()) -> VariantIndex:
    """Every variant of every confirmed entity, to be found again in all sources.

    Confirmed are register entries and the entities of ``ids`` (``confirmed_ids``: those with a
    confirmed mention, the edition's markup included). A confirmed person's family name alone
    ("Sodenstern" for "Georg von Sodenstern") is looked for too when no other confirmed entity
    has it, as its family name or a given name ("John" of "John, Erich" beside "Smith,
    John"); a person's one-word name that other confirmed persons have as theirs, or as a
    family or given name ("Paul (SS man in Sobibór)" beside "Schlesinger, Paul"), is found
    linked to none of them (grouping flags it ambiguous). Not looked for: a variant written as a common word (``KnownEntity.common``); a
    kin word alone, which names someone only in the text whose writer says it (one letter's
    "his Mother" is not another's "Mother Lady Glencairn", nor a form's "MOTHER"); a place's
    nationality or language word (``spans.demonym``: "Boy speaks Hungarian" is not Hungary,
    though an edition marked one "Hungarian" so).
    """
    confirmed = [e for e in known if e.status == "confirmed" or e.id in ids]
    # a person's word several are known by (a name of one word, a family or a given name:
    # "Paul (SS man in Sobibór)" beside "Schlesinger, Paul") is found but names none of them
    bare: dict[str, set[str]] = {}
    for e in confirmed:
        if e.type == "person":
            for k in (*e.keys, *e.family_names(), *e.given):
                if " " not in k:
                    bare.setdefault(k, set()).add(e.id)
    entries = [(k, e.type, None if len(bare.get(k, ())) > 1 else e.id)
               for e in confirmed for k in e.keys
               if k not in e.common and k not in KIN_WORDS
               and not (e.type == "place" and demonym(k))]
    own = {k for k, _, _ in entries}
    tails: dict[str, set[str]] = {}
    given: dict[str, set[str]] = {}  # a word another writes as a given name is no sure family name
    for e in confirmed:
        for tail in e.family_names():
            tails.setdefault(tail, set()).add(e.id)
        for word in e.given:
            given.setdefault(word, set()).add(e.id)
    entries.extend((tail, "person", next(iter(ids))) for tail, ids in tails.items()
                   if len(ids | given.get(tail, set())) == 1 and tail not in own)
    return VariantIndex(entries)


# The home of the files naming no edition (``home_of``): no edition's name starts so.
_ALONE = "\0"


def home_of(edition_of: Callable[[str], str]) -> Callable[[str], str]:
    """Source id -> its home for the one-word rule (``abroad``): its edition (``Texts.edition``),
    else the one home of the files naming none (an editor's .txt letters, a TEI file without
    a header's edition), another edition to every named one (was: no home, so any edition's
    one-word names were its own: a letter's "Mr Pennant" became Curious Travellers' "Mrs
    Pennant"; for a while each such file a home of its own, so a note's "NKVD" no longer
    found the NKVD a TEI file beside it marks)."""
    def home(source_id: str) -> str:
        return edition_of(source_id) or _ALONE
    return home


def entity_homes(conn: sqlite3.Connection, home: Callable[[str], str],
                 registered: Mapping[str, str]) -> dict[str, frozenset[str]]:
    """Entity id -> the homes (``home_of``) of the files whose markup confirms it, for every
    entity only files' markup confirms (one an editor confirmed is the workspace's, every
    edition's, as the entries of a register naming none are), and the edition a register
    import names for its entries (``registered``: ``decisions.registered_editions``, ''
    none named)."""
    homes = {eid: frozenset(map(home, sources)) for eid, sources
             in rows_of.confirming_sources(conn, markup_only=True).items()}
    for eid, edition in registered.items():
        if edition:
            homes[eid] = homes.get(eid, frozenset()) | {edition}
    return homes


def abroad(known: KnownEntities, homes: Mapping[str, frozenset[str]],
           home: str, registered: Mapping[str, str] | None = None) -> KnownEntities:
    """``known`` as a source of ``home`` (``home_of``) knows them: an entity only other
    editions' files' markup confirms (``homes``) keeps its names of several words ("Josiah
    White") but is not known by one word there, its family name among them: another
    edition's "White" or "Montgomery" is a guess at who or where is meant (a "Montgomery
    Square" in Pennsylvania is no Montgomeryshire), so it is neither looked for nor linked
    to; a file naming no edition is another edition to every other file (was: an entity the
    markup made was taken for a register entry, being confirmed, and known by one word
    everywhere: a .txt letter's "Mr Pennant" linked to Curious Travellers' "Mrs Pennant").
    Register entries (``registered``: entry -> its register's edition, '' none named) are
    every edition's, unless their register names its edition and so does the source,
    another: EHRI's "Paul (SS man in Sobibór)" and "Israel" are no "Paul" or "Israel" in an
    1824 Friendly Networks journal; a source naming none (a text file) may be of any."""
    registered = registered or {}
    # the entities away from ``home``, of those only files' markup confirms (was: asked of
    # each of the known entities, thousands with a register, at each read)
    away = {eid for eid, at in homes.items() if home not in at and (
        eid not in registered or bool(registered[eid]) and not home.startswith(_ALONE))}
    if not away or away.isdisjoint(e.id for e in known):
        return known
    return KnownEntities([_abroad(e) if e.id in away else e for e in known])


@functools.lru_cache(maxsize=1 << 16)  # the same entries are away at every read of a run
def _abroad(e: KnownEntity) -> KnownEntity:
    """An entity as a source of another edition knows it (``abroad``): by its names of
    several words alone."""
    keys = tuple(k for k in e.keys if " " in k)
    return KnownEntity(e.id, e.type, e.status, keys, e.common, keys, e.given, e.sex)


@dataclass(frozen=True, slots=True)
class _Names:
    """The store's entities as a run proposes against them (``known_entities``) and what is
    made of them for each source; read again when a source's proposals changed the store."""

    known: KnownEntities
    rejected: frozenset[tuple[str, str]]
    register: VariantIndex | None
    confirmed: dict[str, str]  # ``confirmed_names``
    fingerprint: str  # ``register_fingerprint``
    # each edition's (``of``), made when a source of it is first proposed
    editions: dict[str, _Names] = field(default_factory=dict, compare=False)
    # each edition's register and confirmed names, made of the confirmed entities alone: kept
    # by a read after which only proposed entities changed (``again``)
    sure: dict[str, tuple[VariantIndex | None, dict[str, str]]] = field(
        default_factory=dict, compare=False)

    def of(self, home: str, homes: Mapping[str, frozenset[str]],
           ids: frozenset[str], registered: Mapping[str, str] | None = None) -> _Names:
        """These names as a source of ``home`` (``home_of``) knows them (``abroad``)."""
        got = self.editions.get(home)
        if got is None:
            known = abroad(self.known, homes, home, registered)
            if known is self.known:
                got = self
            else:
                sure = self.sure.get(home)
                if sure is None:
                    sure = self.sure[home] = (
                        None if self.register is None else register_index(known, ids),
                        confirmed_names(known, ids))
                got = _Names(known, self.rejected, *sure, self.fingerprint)
            self.editions[home] = got
        return got

    def again(self, known: KnownEntities, rejected: frozenset[tuple[str, str]],
              ids: frozenset[str]) -> _Names | None:
        """These names with a new read of the store's entities, keeping what is made of the
        confirmed ones (the register, confirmed names, fingerprint, each edition's) when
        those and the rejections are as they were: a run's sources change proposed entities
        only, and each read of thousands of register entries made the register again
        (``register_index``, for each edition too). None when they are not as they were."""
        if rejected != self.rejected or _sure(known, ids) != _sure(self.known, ids):
            return None
        return _Names(known, rejected, self.register, self.confirmed, self.fingerprint,
                      sure=self.sure)


def _sure(known: Sequence[KnownEntity], ids: frozenset[str]) -> list[KnownEntity]:
    """The confirmed entities of ``known`` (register entries and those of ``ids``), all that
    ``register_index``, ``confirmed_names`` and ``register_fingerprint`` read of it."""
    return [e for e in known if e.status == "confirmed" or e.id in ids]


def _with_date(fingerprint: str, date: str) -> str:
    """A run's settings with the source's own date: a date the editor sets is run again."""
    return fingerprint if not date else f"{fingerprint} date={date}"


def register_fingerprint(known: Sequence[KnownEntity],
                         rejected: frozenset[tuple[str, str]],
                         ids: frozenset[str] = frozenset()) -> str:
    data = sorted((e.id, e.type, k) for e in known if e.status == "confirmed" or e.id in ids
                  for k in e.keys)
    digest = hashlib.sha256(json.dumps([data, sorted(rejected)]).encode()).hexdigest()
    return json.dumps({"register": digest[:16]})


def _found_again(ids: Collection[int], props: Sequence[Proposal],
                 rows: Sequence[sqlite3.Row]) -> dict[int, tuple[int, int]]:
    """Id -> span of the proposals the source's file gives as an annotator export's of the
    run's own model and rules (``ids``: those held here, undecided, ``file_proposals_held``
    of its own), whose words the run proposes again
    (the same span or one over it): its own earlier proposals, made in the workspace that
    exported the file. The run keeps them as the file gives them, entity and type, as a run
    keeps its proposals an editor's act binds, and proposes nothing over them: the file's
    entity and type may be an editor's act there (a split, a merge, a relabel of a proposal)
    that no act here records. Those it does not find again it replaces, as its own.
    ``rows``: the version's ``rows_of.mention_spans``, as the caller read them."""
    if not ids or not props:
        return {}
    proposed = _overlapping((p.start, p.end) for p in props)
    return {r["id"]: (r["start"], r["end"]) for r in rows
            if r["id"] in ids and proposed(r["start"], r["end"])}


def _overlapping(spans: Iterable[tuple[int, int]]) -> Callable[[int, int], bool]:
    """Whether [start, end) shares a character with any of ``spans``."""
    meeting = _meeting(spans)
    return lambda start, end: bool(meeting(start, end))


def _meeting(spans: Iterable[tuple[int, int]]
             ) -> Callable[[int, int], list[tuple[int, int]]]:
    """The spans that share a character with [start, end), nearest start first: by bisect
    over their starts, looking back only while one so far reaches past ``start``, not a
    pass over them all."""
    ordered = sorted(spans)
    starts = [a for a, _ in ordered]
    reach = list(itertools.accumulate((b for _, b in ordered), max))  # furthest end so far

    def meeting(start: int, end: int) -> list[tuple[int, int]]:
        out = []
        j = bisect.bisect_left(starts, end) - 1  # spans that start before [start, end) ends
        while j >= 0 and reach[j] > start:
            if ordered[j][1] > start:
                out.append(ordered[j])
            j -= 1
        return out

    return meeting


def _protected(conn: sqlite3.Connection, source_id: str, sha256: str, *,
               everything: bool = False, bound: Collection[int] = (),
               rows: Sequence[sqlite3.Row] | None = None) -> list[Protected]:
    """Mentions a run leaves alone: decided ones and the proposals an editor's act binds
    (``bound``), or with ``everything`` all stored ones; ``rows``: the version's
    ``rows_of.mention_spans``, when the caller has read them."""
    if rows is None:
        rows = rows_of.mention_spans(conn, source_id, sha256)
    return [Protected(r["start"], r["end"], r["type"], r["status"], r["entity_id"],
                      r["flags"] or "", r["date_value"]) for r in rows
            if everything or r["status"] != "proposed" or r["decided"] or r["id"] in bound]


def own_names(text: str, protected: Sequence[Protected],
              known: Sequence[KnownEntity]) -> list[KnownEntity]:
    """The names a text already identifies: the entities of its stored mentions (its markup,
    the editor's decisions; in a register pass its earlier proposals too), each with the keys
    it is written with here. ``group_mentions`` and ``settle_types`` go by them first."""
    entities = known_lookup(known).by_id
    keys: dict[str, list[tuple[str, str]]] = {}
    for q in protected:
        e = entities.get(q.entity_id or "")
        if e is None or q.type != e.type or q.status not in ("confirmed", "proposed") or \
                "group" in q.flags.split(","):  # a group's words name no one of it
            continue
        surface = text[q.start:q.end]
        key = name_key(surface)
        if key:
            keys.setdefault(e.id, []).append((key, surface))
    return [KnownEntity(eid, entities[eid].type, entities[eid].status,
                        tuple(dict.fromkeys(k for k, _ in ks)), unended=_unended(ks))
            for eid, ks in keys.items()]


def _unended(written: Sequence[tuple[str, str]]) -> tuple[str, ...]:
    """The keys of (key, surface) pairs written so that their last word is no family name
    (``ends_in_family_name``: "Kaplan, Israel", a register name with its description)."""
    return tuple(dict.fromkeys(k for k, surface in written if not ends_in_family_name(surface)))


def mentions_sex(conn: sqlite3.Connection, texts: Callable[[str], str], source_id: str,
                 entity: KnownEntity) -> str:
    """'m' or 'f' when the titles of a person's mentions in other sources than
    ``source_id`` (whose proposals are being made anew) say that sex and none the other
    (``said_sex``: "Mrs Pennant", titles left out of the names), a confirmed person's
    confirmed mentions only, else '': the sex a person whose forms have no title is kept
    apart by (was: none, so a later letter's "Mr. Pennant" joined a confirmed Mrs Pennant)."""
    said = {_said_sex(texts(sid), start, end)  # the run's reading of titles, kept
            for _, sid, start, end, status in mentions_of.names_of(conn, [entity.id])
            if sid != source_id and (status == "confirmed" or entity.status == "proposed")}
    said.discard("")
    return next(iter(said)) if len(said) == 1 else ""


def write_proposals(conn: sqlite3.Connection, source_id: str, sha256: str, proposals: Sequence[Proposal],
                    known: Sequence[KnownEntity], *, replace: bool,
                    own: Sequence[KnownEntity] = (), bound: Collection[int] | None = None,
                    touched: set[str] | None = None,
                    spans: Sequence[sqlite3.Row] | None = None, text: str = "",
                    calm: Callable[[list[str]], Mapping[str, str]] | None = None,
                    wrote: _Entities | None = None,
                    texts: Callable[[str], str] | None = None) -> int:
    """Store one source's proposals in the caller's transaction; returns how many it made.

    With ``replace`` (a new NER run) the source's earlier undecided proposals are replaced: a
    proposal made again keeps its row (and id), the others go; those an editor's act binds
    (``bound``, default read now: ``store.decided.bound_proposals``) stay as the act left
    them, entity and type, whatever the run finds. Without it only new spans are
    added. Names are grouped with the store's entities: a name of a confirmed entity is linked
    to it, one of a proposed entity joins it, the rest become new proposed entities; the
    names the source itself identifies (``own_names``) come first (``group_mentions``). A name
    several known entities fit joins none of them: its mentions are flagged ``ambiguous``;
    one whose title in ``text`` (the source's reading text) says a sex joins none all of whose
    forms' titles say the other (``said_sex``).
    ``touched`` gets the entities there were whose proposals it added, moved or took away,
    to be named anew (``entity_edits.name_proposed``). ``spans``: the source version's
    ``rows_of.mention_spans`` as the caller read them in this transaction, nothing written
    since (``_run``'s ``store`` reads them once for what it protects and for this).
    ``calm``: forms -> how the source's edition writes their words in capitals in normal
    case (``Texts.edition_calm``), which names a new entity ("Buchenwald" for a heading's
    "BUCHENWALD"; was: the capitals, as no other text was read).
    ``wrote``: the caller's read of the entities, told what is written to them.
    ``texts``: source id -> its reading text, to read the sex a known person's mentions'
    titles say (``mentions_sex``) where its forms have none.
    """
    stale_rows = []
    if replace:
        if bound is None:
            bound = bound_proposals(conn, source_id)
        stale_rows = [r for r in rows_of.undecided(conn, source_id) if r["id"] not in bound]
    old: dict[tuple[int, int, str], sqlite3.Row] = {
        (r["start"], r["end"], r["type"]): r for r in stale_rows if r["sha256"] == sha256}
    if spans is None:
        spans = rows_of.mention_spans(conn, source_id, sha256)
    existing = {(r["start"], r["end"], r["type"]) for r in spans}
    proposals = [p for p in proposals
                 if (p.start, p.end, p.type) in old or (p.start, p.end, p.type) not in existing]
    kin = kin_apart(text, ((i, p.start, p.end) for i, p in enumerate(proposals)
                           if p.type != "date")) if text else {}
    names = [NameMention(i, p.type, p.surface, _said_sex(text, p.start, p.end) if text else "",
                         kin.get(i, -1))
             for i, p in enumerate(proposals) if p.type != "date"]
    entity_of: dict[int, str] = {}
    linked: set[int] = set()
    unlinked: set[int] = set()
    ambiguous: set[int] = set()  # names several known entities fit: flagged, none picked
    taken: set[str] | None = None  # every entity id, or one an undo puts back: read when needed
    made: set[str] = set()
    stamp = now()
    loud = [m.surface for m in names if shouted(m.surface)] if calm is not None else []
    sex_of = None if texts is None else functools.cache(
        functools.partial(mentions_sex, conn, texts, source_id))
    for cand in group_mentions(names, known, own, calm(loud) if loud and calm else None,
                               sex_of):
        eid = cand.entity_id
        if eid is None:
            if taken is None:
                taken = taken_ids(conn)
            eid = entity_id(cand.type, cand.preferred, taken)
            taken.add(eid)
            made.add(eid)  # named by its names here
            rows_of.insert_entity(conn, eid, cand.type, cand.preferred, stamp)
            if wrote is not None:
                wrote.made(eid, cand.type, stamp)
        if not cand.linked:
            for surface, key in cand.variants:
                rows_of.add_variant(conn, eid, surface, key)
                if wrote is not None:
                    wrote.variant(eid, surface, key)
        for i in cand.members:
            entity_of[i] = eid
            if cand.linked:
                linked.add(i)
            elif cand.entity_id is None or cand.ambiguous:
                unlinked.add(i)  # a register hit whose text names someone else, or no one sure
            if cand.ambiguous:
                ambiguous.add(i)
    kept: set[int] = set()
    left: set[str] = set()  # entities a kept proposal moved away from: maybe left empty
    new: list[rows_of.MentionValues] = []
    for i, p in enumerate(proposals):
        flags = p.flags
        if i in linked and "linked" not in flags.split(","):
            flags = ",".join(f for f in (flags, "linked") if f)
        elif i in unlinked:
            flags = ",".join(f for f in flags.split(",") if f and f != "linked")
        if i in ambiguous and "ambiguous" not in flags.split(","):
            flags = ",".join(f for f in (flags, "ambiguous") if f)
        entity = entity_of.get(i)
        date_value = json.dumps(dict(p.date_value)) if p.date_value else None
        written = json.dumps({"when": p.date_written}) if p.date_written else None
        row = old.get((p.start, p.end, p.type))
        was = row["entity_id"] if row is not None else None
        if touched is not None and (row is None or was != entity):
            touched.update(e for e in (entity, was) if e and e not in made)
        if row is not None:
            kept.add(row["id"])
            if was and was != entity:
                left.add(was)
            if (row["entity_id"], row["flags"], row["provenance"], row["date_value"],
                    row["confidence"], row["date_reason"], row["date_cert"],
                    bool(row["date_stated"]), row["date_written"]) != \
                    (entity, flags, p.provenance, date_value, p.confidence, p.date_reason,
                     p.date_cert, p.date_stated, written):
                rows_of.update_mention(conn, row["id"], entity, flags, p.provenance, date_value,
                                       p.confidence, p.date_reason, p.date_cert, p.date_stated,
                                       written)
            continue
        new.append((source_id, sha256, p.start, p.end, p.type, entity, date_value, flags,
                    p.provenance, stamp, p.confidence, p.date_reason, p.date_cert,
                    p.date_stated, written))
    rows_of.insert_mentions(conn, new)
    if replace:
        gone = [r for r in stale_rows if r["id"] not in kept]
        if touched is not None:
            touched.update(r["entity_id"] for r in gone if r["entity_id"])
        rows_of.delete_mentions(conn, [r["id"] for r in gone])
        left.update(r["entity_id"] for r in gone if r["entity_id"])
    # (was: only the entities of deleted proposals, so one whose proposals all moved to
    # another entity stayed, with no mention, in the listings)
    dropped = rows_of.drop_orphans(conn, left)
    if wrote is not None:
        wrote.dropped(dropped)
    return len(proposals)


def _dating(texts: Texts, source_id: str, tm: TextMap, conv: Conventions) -> Dating:
    """``source_dating``, with whether the source's edition marks a weekday heading an entry
    (``conv``)."""
    return source_dating(texts, source_id, tm, weekday_headings=conv.weekday_headings == MARKED)


def source_dating(texts: Texts, source_id: str, tm: TextMap, *,
                  weekday_headings: bool = False) -> Dating:
    """What a source's dates lean on: its own date (as stored, so a date the editor set
    counts), its datelines, headings and paragraphs; where the editor speaks (its dates
    flagged ``editorial``); and ``weekday_headings``. One for propose and ``eval --folds``,
    so both date a text alike."""
    src = texts.source(source_id)
    anchor = parse_day(src.date) if src.date else None
    reason = f"the date the editor set {src.date}" if src.date_reason == EDITOR else \
        src.date_reason
    blocks, references = blocks_and_references(tm)
    return Dating(anchor, reason if anchor else "", tuple(blocks), tuple(references),
                  editorial=tuple(editor_spans(tm)), weekday_headings=weekday_headings)


# -- the whole run ---------------------------------------------------------------------------
def propose(ctx: ActContext, source_ids: Sequence[str] | None = None, *, model: str | None = None,
            n_process: int | None = None, batch_size: int | None = None, force: bool = False,
            progress: Progress | None = None) -> ProposeReport:
    """Propose persons, places, organisations and dates in the sources (default: all).

    Sources unchanged since their last run with the same model and settings are skipped
    (only the register's new names are looked for). ``progress(words_done, words_total)``.
    Ctrl-C stops the run between two commits (``Interrupted``, with the sources whose
    proposals were stored): those are skipped as unchanged when it runs again.
    """
    settings = ctx.settings.with_overrides(model=model, n_process=n_process,
                                          batch_size=batch_size)
    check_labels(settings.labels)
    if model is None:  # the workspace's trained model, unless a pipeline is asked for
        trained = current_model(ctx.root, settings.model)
        if trained is not None:
            settings = settings.with_overrides(model=str(trained.path))
    sources = ([ctx.texts.source(s) for s in dict.fromkeys(source_ids)] if source_ids
               else ctx.texts.sources())
    provenance = pipeline_provenance(settings.model)
    steps = run_steps(ctx, settings)

    def fingerprint(src: Source) -> str:
        """The run's settings for one source: its own conventions and date among them."""
        return _with_date(settings_fingerprint(settings.labels, steps.fingerprint(src.id)),
                          src.date)

    conn = ctx.store.conn
    todo = []
    skipped: dict[str, SourceProposeResult] = {}  # their register pass still to do
    results: dict[str, SourceProposeResult] = {}  # stored (committed), or nothing to store
    for src in sources:
        ctx.texts.check_unchanged(src)  # as export does: an edited file is not 'unchanged, skipped'
        last = last_run(conn, src.id, "ner")
        if not force and last is not None and last["sha256"] == src.sha256 and \
                last["model"] == provenance and \
                last["settings"] == fingerprint(src):
            skipped[src.id] = SourceProposeResult(src.id, 0, True, src.words)
        else:
            todo.append(src)
    try:
        provenance = _run(ctx, settings, steps, fingerprint, provenance, skipped, todo,
                          results, progress)
    except KeyboardInterrupt:
        left = len(sources) - len(results)
        raise Interrupted(
            f"{len(results)} of {len(sources)} source{'s' * (len(sources) != 1)} proposed",
            hint="run the same command again to propose the rest" if left else
            "nothing is left to propose",
            done=ProposeReport(model=provenance, sources=tuple(
                results[s.id] for s in sources if s.id in results))) from None
    ordered = tuple(results[s.id] for s in sources)
    return ProposeReport(model=provenance, sources=ordered)


def _run(ctx: ActContext, settings: Settings, steps: Steps,
         fingerprint: Callable[[Source], str], provenance: str,
         skipped: dict[str, SourceProposeResult], todo: list[Source],
         results: dict[str, SourceProposeResult], progress: Progress | None) -> str:
    """``propose``'s work: the register's new names in the ``skipped`` sources, the model over
    ``todo``; each source's result goes into ``results`` once its proposals are committed.
    The provenance of the pipeline run."""
    conn = ctx.store.conn
    # Unchanged sources still get the register's new names (no model needed).
    known, rejected = known_entities(conn)
    ids = rows_of.confirmed_ids(conn)
    reg_fp = register_fingerprint(known, rejected, ids)
    # what each file confirms, read once: a run proposes, it never confirms
    registered = registered_editions(conn)  # read once: for homes, and which are entries
    home = home_of(steps.learned.edition_of)
    homes = entity_homes(conn, home, registered)
    lexicon = common_words(settings.model) or common_words(ctx.settings.model) \
        if steps.propagate else frozenset()
    said = RunTexts(ctx.texts)  # the texts read, to name entities anew
    touched: set[str] = set()  # entities whose proposals changed, to name anew
    for src_id, res in skipped.items():
        last = last_run(conn, src_id, "register")
        if not steps.propagate or last is not None and last["settings"] == reg_fp:
            results[src_id] = res
            continue
        src = ctx.texts.source(src_id)
        tm = ctx.texts.kept_unparsed(src) or ctx.texts.kept(ctx.texts.parsed(src))
        text = tm.text
        with finishing() as finish:  # Ctrl-C after finish() waits for the commit and the count
            with ctx.store.transaction() as tx:
                known, rejected = known_entities(tx)
                ids = rows_of.confirmed_ids(tx)
                fp = register_fingerprint(known, rejected, ids)
                known = abroad(known, homes, home(src.id), registered)
                kept = _protected(tx, src.id, src.sha256, everything=True)
                own = own_names(text, kept, known)
                props = build_proposals(text, [], labels=settings.labels, provenance=provenance,
                                        register=register_index(known, ids), known=known,
                                        rejected=rejected | rows_of.source_rejections(tx, src.id),
                                        rules=steps.rules(src.id), protected=kept,
                                        own=own, lexicon=lexicon,
                                        unnamed=() if steps.names_in_notes(src.id)
                                        else editor_spans(tm))
                props = [p for p in props if p.provenance == "rule:register"]
                if props:  # no name over the file's titles, works and terms, read for a name found
                    not_over = _not_over([*marked_other(tm), *marked_terms(tm)])
                    props = [p for p in props if not_over(p.start, p.end)]
                n = write_proposals(tx, src.id, src.sha256, props, known, replace=False, own=own,
                                    touched=touched, text=text, texts=said,
                                    calm=functools.partial(ctx.texts.edition_calm, src.id))
                said.read[src.id] = text
                name_proposed(tx, said, touched)
                record_run(tx, src.id, src.sha256, "register", "rule:register", fp)
                finish()
            results[src_id] = SourceProposeResult(src_id, n, True, res.words,
                                                  register_pass=True)
    if todo:
        nlp = cached_pipeline(settings.model)
        provenance = provenance_of(nlp)
        total = sum(s.words for s in todo)
        done = 0

        def on_chunk(n_words: int) -> None:
            nonlocal done
            done += n_words
            if progress is not None:
                progress(min(done, total), total)

        by_id = {s.id: s for s in todo}
        pending: dict[str, tuple[str, Dating]] = {}  # in flight; without the workspace's cache
        warned = date_warnings(ctx, todo)  # S026, said with the source's result: as stored

        lines: dict[str, list[tuple[int, int]]] = {}
        others: dict[str, list[tuple[int, int]]] = {}  # the file's titles and works
        terms: dict[str, list[tuple[int, int]]] = {}  # and its terms
        # the proposals its file gives as an annotator export's, of another model than this
        # run's and no rule (which the run applies itself): the file's, kept as it gives them
        # (bound, as by an editor's act), not the run's to replace
        given: dict[str, frozenset[tuple[int, int, str, str]]] = {}
        # and those of its own model and rules: its own earlier proposals (``_found_again``)
        mine: dict[str, frozenset[tuple[int, int, str, str]]] = {}

        def items() -> Iterator[tuple[str, str]]:
            for s in todo:
                # the kept map, the file unparsed unless it may be an annotator export's
                tm = ctx.texts.kept_unparsed(s)
                if tm is None or maybe_exported(tm.source_text):
                    parsed = ctx.texts.parsed(s.id)
                    tm = ctx.texts.kept(parsed)  # loaded, not built again
                    gives = file_proposals(parsed, tm).mentions
                    given[s.id] = frozenset(g for g in gives if g[3] != provenance
                                            and not g[3].startswith("rule:"))
                    mine[s.id] = gives - given[s.id]
                conv = steps.conventions(s.id)
                pending[s.id] = tm.text, _dating(ctx.texts, s.id, tm, conv)
                if conv.datelines == WHOLE:
                    lines[s.id] = whole_datelines(tm)
                others[s.id] = marked_other(tm)
                terms[s.id] = marked_terms(tm)
                yield s.id, tm.text

        batch = pipe_batch_size(settings.batch_size, settings.n_process,
                                sum(s.chars for s in todo))
        # What the edition confirmed, read once: a run proposes, it never confirms (a query
        # over every mention, which per source would grow with the edition squared).
        confirmed = rows_of.confirmed_ids(conn)

        def names_now(read: _Entities, before: _Names | None) -> _Names:
            known, rejected = read.known(), read.rejected
            if before is not None and known is before.known and rejected == before.rejected:
                return before  # the source changed no entity
            kept = None if before is None else before.again(known, rejected, confirmed)
            if kept is not None:
                return kept
            return _Names(known, rejected,
                          register_index(known, confirmed) if steps.propagate else None,
                          confirmed_names(known, confirmed),
                          register_fingerprint(known, rejected, confirmed))

        def store(tx: sqlite3.Connection, sid: str, spans: list[RawSpan], names: _Names,
                  acted: dict[str, str], read: _Entities) -> bool:
            """Store one source's proposals; False when that changed the store."""
            src = by_id[sid]
            names = names.of(home(sid), homes, confirmed, registered)
            text, dating = pending.pop(sid)
            theirs, own_before = given.pop(sid, frozenset()), mine.pop(sid, frozenset())
            held = file_proposals_held(tx, sid, src.sha256, theirs | own_before)  # both at once
            bound = bound_proposals(tx, sid, acted) | {i for i, p in held.items() if p in theirs}
            rows = rows_of.mention_spans(tx, sid, src.sha256)  # for all three: read once
            decided = _protected(tx, sid, src.sha256, bound=bound, rows=rows)
            own = own_names(text, decided, names.known)
            props = build_proposals(
                text, spans, labels=settings.labels, provenance=provenance,
                register=names.register, known=names.known,
                rejected=names.rejected | rows_of.source_rejections(tx, sid),
                protected=decided, own=own,
                rules=steps.rules(sid), datelines=lines.pop(sid, ()),
                marked=others.pop(sid, ()),
                terms=terms.pop(sid, ()),
                org_threshold=steps.org_threshold,
                confirmed=names.confirmed, dating=dating, lexicon=lexicon,
                unnamed=() if steps.names_in_notes(sid) else dating.editorial)
            again = _found_again({i for i, p in held.items() if p in own_before}, props, rows)
            if again:
                bound = bound | again.keys()
                kept = _overlapping(again.values())
                props = [p for p in props if not kept(p.start, p.end)]
            before = tx.total_changes
            n = write_proposals(tx, sid, src.sha256, props, names.known, replace=True, own=own,
                                bound=bound, touched=touched, spans=rows, text=text,
                                calm=functools.partial(ctx.texts.edition_calm, sid),
                                wrote=read, texts=said) + len(again)
            said.read[sid] = text
            unchanged = tx.total_changes == before
            record_run(tx, sid, src.sha256, "ner", provenance, fingerprint(src))
            record_run(tx, sid, src.sha256, "register", "rule:register", names.fingerprint)
            warning = warned.pop(sid, None)
            stored[sid] = SourceProposeResult(sid, n, False, src.words,
                                              (warning,) if warning else ())
            log.info("proposed %d mentions in %s", n, sid)
            return unchanged

        ready: list[tuple[str, list[RawSpan]]] = []  # sources the model is done with
        stored: dict[str, SourceProposeResult] = {}  # in the transaction, not committed yet
        # the last read of the store's names, kept across commits: a transaction reads them
        # again, but keeps what is made of the confirmed ones while those are as they were
        # (``_Names.again``; was: made anew at each commit, the register of thousands of
        # entries with it, for each edition)
        held: list[_Names] = []

        def store_ready() -> None:
            stored.clear()
            with finishing() as finish:  # Ctrl-C after finish() waits for the commit
                with ctx.store.transaction() as tx:
                    # read again at the start and after a source changed the store
                    names: _Names | None = held.pop() if held else None
                    stale = True
                    # the store's entities, read at the start and kept in step with what
                    # the sources write (read again only where it lost step)
                    read: _Entities | None = None
                    acted = acted_at(tx)  # a run makes no act: the same for every source here
                    for sid, spans in ready:
                        if stale or names is None or read is None:
                            if read is None or read.lost:
                                read = _Entities(tx)
                            names, stale = names_now(read, names), False
                        if not store(tx, sid, spans, names, acted, read):
                            stale = True
                    if names is not None:
                        held.append(names)
                    # those it moved all proposals off (regrouped, now a register entry's)
                    rows_of.drop_orphans(tx, touched)
                    name_proposed(tx, said, touched)
                    finish()
                results.update(stored)
            ready.clear()

        with frozen():  # the model loaded, and all the run reads before its sources
            for sid, spans in run_ner(nlp, items(), batch_size=batch,
                                      n_process=settings.n_process,
                                      on_chunk=on_chunk if progress else None):
                ready.append((sid, spans))
                if len(ready) >= SOURCES_PER_COMMIT:
                    store_ready()
            if ready:
                store_ready()
        if progress is not None:
            progress(total, total)
    return provenance
