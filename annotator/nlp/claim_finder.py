"""Claims: spans of a source that assert something, who asserts them, and what supports them.

Pure functions over records and over a spaCy ``Doc`` passed in (spaCy itself is loaded only in
``annotator.acts.propose``). The finder reads the dependency parse, not just the words:

* **attributed**: "According to X, ..." (the object of *according to*, and for "a study by
  X" the *by* phrase), a speech or thought verb with its subject ("X claimed that ..."),
  a hedge that names no one ("reportedly", "allegedly");
* **quoted**: a quotation whose governing speech verb has a subject: the speaker;
* **unattributed**: an assertion of fact with nothing to back it: a date or a number, a cause
  ("resulted in", "because"), or an evaluation ("apparently", "largely").

A sentence that carries a quotation or a bracket across several of spaCy's sentences is one
claim, and so is one spaCy ends at a citation's abbreviation ("(cf. Roberts 2006, 12)").

Status, from the links an editor confirmed: **supported** (at least one confirmed *supports*
link), **attributed** (an agent but no supporting work), **unsupported**.

DOCS: docs/claims.md
"""

from __future__ import annotations

import re
from dataclasses import replace
from collections.abc import Collection, Iterable, Sequence
from typing import TYPE_CHECKING, Literal

from annotator.nlp.spans import drop_common_noun
from annotator.records import BibEntry, ClaimProposal, Link
from annotator.text import trim

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

# Verbs that report what someone said, wrote or thought (lemmas).
SPEECH_VERBS = frozenset("""
    say state claim remark tell write argue assert declare note insist report suggest contend
    maintain conclude believe estimate observe explain add announce deny admit acknowledge
    recall describe warn complain predict comment confirm emphasize emphasise stress testify
    recount allege affirm proclaim boast concede speculate
    """.split())
# Dependents that carry what was said: "claimed that ...", "stated: ...".
_SAID = frozenset({"ccomp", "parataxis", "xcomp", "dobj"})
HEDGES = frozenset({"reportedly", "allegedly", "purportedly", "supposedly", "rumoredly",
                    "ostensibly"})
CAUSAL = ("because", "due to", "and so", "owing to", "as a result", "resulted in", "result in",
          "results in", "led to", "leads to", "lead to", "caused", "causes", "therefore",
          "thus", "hence", "so that", "consequently", "accelerated", "prompted")
EVALUATIVE = frozenset({"apparently", "seemingly", "largely", "certainly", "clearly",
                        "evidently", "obviously", "undoubtedly", "arguably", "notably",
                        "nominally", "firm", "firmly", "huge", "official", "unbearable", "intended"})
FACT_LABELS = frozenset({"DATE", "CARDINAL", "PERCENT", "MONEY", "QUANTITY", "TIME"})
AGENT_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE"})
# Opening and closing quotation marks; a straight '"' both opens and closes.
_OPEN = {"“": "”", "«": "»", "„": "“", '"': '"'}
_WORK_NOUNS = frozenset({"study", "book", "report", "account", "memoir", "memoirs", "article",
                         "biography", "history", "analysis", "paper", "research", "work",
                         "survey", "diary", "letter", "interview"})


# Words that give a person's gender where the model gives none: titles before a name ("Mrs.
# Whitmore") and descriptions used as agents ("the queen"). Pronouns carry theirs in the parse;
# what the text calls a named person elsewhere ('his', 'herself') is ``_told_genders``'.
_MASC = frozenset("""
    mr mr. sir lord herr monsieur m. signor señor don king prince duke earl count baron emperor
    tsar czar kaiser father son brother husband uncle nephew man gentleman boy widower
    grandfather grandson
    """.split())
_FEM = frozenset("""
    mrs mrs. miss ms ms. lady madam madame mme mme. frau fräulein dame signora señora queen
    princess duchess countess baroness empress tsarina czarina mother daughter sister wife aunt
    niece woman girl widow grandmother granddaughter
    """.split())
# Who a name's possessive can make another person of ("Benjamin Morgan's daughter"): a later
# 'she' may be the daughter, not her father.
_KIN = frozenset("""
    father son brother husband uncle nephew man boy widower grandfather grandson mother daughter
    sister wife aunt niece woman girl widow grandmother granddaughter child friend servant
    cousin companion neighbour neighbor parent
    """.split())
# Descriptions that stand for an organisation, not a person ("the government declared").
_ORG_NOUNS = frozenset("""
    government ministry committee council party press newspaper office department embassy
    army command court commission company agency bureau board cabinet administration
    delegation senate parliament assembly
    """.split())
# Descriptions of things, not of anyone: kept as written, with no candidate ("the preamble to
# the statutes claimed", "the 1793 parish entry notes"). The work nouns are things too.
_THINGS = frozenset("""
    entry preamble document record fact sound statement text passage source note evidence
    register list minutes inscription map table figure census notice law act statute treaty
    pact agreement clause order decree
    """.split())
_DETERMINERS = frozenset({"the", "this", "that"})
_FIRST_PERSON = frozenset({"i", "we", "me", "us"})
# subjects that say who spoke no more than a pronoun does ('what one formerly said')
_ANYONE = frozenset({"one", "someone", "somebody", "anyone", "everyone", "everybody", "people",
                     "many", "some", "several", "others", "most", "few", "all"})
# what may open a claim's words: a quotation or a bracket, not the colon before it
_OPENERS = frozenset("\"'“‘„«‹([")
# How sure the finder is of a proposal, by what it found (ClaimProposal.confidence): a named
# source in the sentence is surest; an agent inferred from a pronoun or a description less;
# an assertion nobody is named for least.
CONFIDENCE = {"according to": 0.9, "citation": 0.9, "verb": 0.85, "passive agent": 0.8,
              "pronoun": 0.65, "passive": 0.6, "hedge": 0.6, "quotation": 0.6,
              "description": 0.55, "date": 0.45, "number": 0.45, "causal": 0.4,
              "evaluative": 0.35}


# -- names ---------------------------------------------------------------------------------
def _names_of(entry: BibEntry) -> list[tuple[str, str]]:
    """(folded last word of the surname, folded first initial) of each author and editor."""
    from annotator.bibliography.entries import OTHERS, ascii_fold, forenames, split_names, surname

    pairs = []
    for field in ("author", "editor"):
        for name in split_names(entry.get(field)):
            if name == OTHERS:
                continue  # BibTeX's 'and others': et al., no name a citation gives
            # a name with no letter or digit folds to nothing: it matches no other name
            fam = surname(name)
            fam = ascii_fold(fam.split()[-1]) if fam else ""
            if fam:
                pairs.append((fam, ascii_fold(forenames(name))[:1]))
    return pairs


def _year(entry: BibEntry) -> int | None:
    """The work's year as a number (the bibliography's one rule: ``830``, ``0830`` are 830)."""
    from annotator.bibliography.entries import year_number, year_of

    return year_number(year_of(entry))


def cited_as(works: Iterable[BibEntry]) -> frozenset[tuple[str, int]]:
    """(folded surname, year) by which a citation names each work: what makes a year of
    fewer than four digits ("Einhard 830") a citation rather than a number."""
    return frozenset((fam, year) for entry in works if (year := _year(entry)) is not None
                     for fam, _ in _names_of(entry))


def suggest_works(agent: str, works: Iterable[BibEntry],
                  cited: Iterable[tuple[str, str, str]] = ()) -> list[tuple[BibEntry, str, str]]:
    """Works a claim may rest on, each with a locus and the rule that found it.

    * ``rule:citation``: a work its in-text citations name, same surname and year ("(Nekrich
      1997, p. 214)"; years compared as numbers: "(Einhard 830)" names a work dated
      ``0830``), with the cited locus;
    * ``rule:citation-other-year``: where no work of a cited surname has the cited year, that
      author's works of other years, without the locus (it points into the cited year's
      edition): a wrong year in the text, or a reprint the bibliography dates otherwise;
    * ``rule:author-match``: a work whose author (or editor) is the agent: same surname, and
      same first initial when both give a forename ("Alexander Nekrich" ~ "Nekrich,
      Aleksandr M."); never for a surname a citation names with a year, since the citation
      already says which work ("(Gorodetsky 1999)" is not his book of 1986).
    """
    from annotator.bibliography.entries import ascii_fold

    works = list(works)
    out: list[tuple[BibEntry, str, str]] = []
    names_of = _names_of

    def add(entry: BibEntry, locus: str, rule: str) -> None:
        if all(e.key != entry.key for e, *_ in out):
            out.append((entry, locus, rule))

    cited = tuple(cited)
    unmatched: list[BibEntry] = []  # a cited author's works, where none is of the cited year
    for name, year, locus in cited:
        number = int(year.rstrip("abcdefghijklmnopqrstuvwxyz"))
        by = [e for e in works if ascii_fold(name) in {f for f, _ in names_of(e)}]
        same = [e for e in by if _year(e) == number]
        for entry in same:
            add(entry, locus, "rule:citation")
        unmatched.extend(by if not same else [])
    for entry in unmatched:
        add(entry, "", "rule:citation-other-year")
    words = [w for w in re.sub(r"['’]s\b", "", agent).split() if w[:1].isupper()]
    if not words:
        return out
    last = ascii_fold(words[-1])
    if not last or last in {ascii_fold(name) for name, _, _ in cited}:
        return out
    initial = ascii_fold(words[0])[:1] if len(words) > 1 else ""
    for entry in works:
        if any(fam == last and (not initial or not gi or gi == initial)
               for fam, gi in names_of(entry)):
            add(entry, "", "rule:author-match")
    return out


# -- status -----------------------------------------------------------------------------------
def support_status(agent: str, links: Iterable[Link]) -> str:
    """supported / attributed / unsupported, from the claim's agent and its links (a stale
    passage, whose words changed, supports nothing)."""
    if any(link.rel == "supports" and link.status == "confirmed" and not link.stale
           for link in links):
        return "supported"
    return "attributed" if agent.strip() else "unsupported"


# -- finding a quotation in the reading text ---------------------------------------------------
_QUOTES = "\"'“”„‟«»‘’‚‛"


def quote_pattern(quote: str) -> re.Pattern[str]:
    """A pattern that finds ``quote`` whatever its whitespace and quotation marks look like."""
    words = quote.split()
    parts = []
    for w in words:
        parts.append("".join(f"[{re.escape(_QUOTES)}]" if ch in _QUOTES else
                             ("[-–—]" if ch in "-–—" else re.escape(ch)) for ch in w))
    return re.compile(r"\s+".join(parts))


def find_quote(text: str, quote: str) -> list[tuple[int, int]]:
    """Every (start, end) where ``quote`` occurs in ``text`` (overlaps included)."""
    if not quote.strip():
        return []
    pat = quote_pattern(quote)
    out: list[tuple[int, int]] = []
    pos = 0
    while True:
        m = pat.search(text, pos)
        if m is None:
            return out
        out.append((m.start(), m.end()))
        pos = m.start() + 1


# -- quotations and claim units ---------------------------------------------------------------
def quotations(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Quoted passages (start, end), marks included, within one block of text.

    Quotes never run across a block break (a blank line): an unclosed mark is dropped.
    """
    end = len(text) if end is None else end
    out: list[tuple[int, int]] = []
    i = start
    while i < end:
        ch = text[i]
        if ch in _OPEN and (ch != '"' or i == start or not text[i - 1].isalnum()):
            closer = _OPEN[ch]
            j = i + 1
            while j < end:
                c = text[j]
                if c == "\n" and text[j:j + 2] == "\n\n":
                    break
                if c == closer or (closer == "”" and c == '"') or (ch == '"' and c == "”"):
                    break
                j += 1
            if j < end and text[j] != "\n":
                out.append((i, j + 1))
                i = j + 1
                continue
        i += 1
    return out


def _text(doc: Doc) -> str:
    """``doc.text``, built once per Doc (spaCy joins every token on each access)."""
    text = doc.user_data.get("annotator_text")
    if text is None:
        text = doc.user_data["annotator_text"] = doc.text
    return str(text)


def _blocks_of(doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
    """Token ranges of [start, end) split wherever the text has a block break (blank line)."""
    out, s = [], start
    for i in range(start + 1, end):
        prev = doc[i - 1]
        gap = _text(doc)[prev.idx:doc[i].idx]
        if "\n\n" in gap:
            first = i - 1 if prev.is_space else i
            if first > s:
                out.append((s, first))
            s = i
    if end > s:
        out.append((s, end))
    return [(a, b) for a, b in out if not all(t.is_space for t in doc[a:b])]


_CLOSE = {"(": ")", "[": "]"}


def brackets(text: str) -> list[tuple[int, int]]:
    """Bracketed passages (start, end), brackets included, round or square, nested ones too,
    within one block of text: a bracket not closed before a blank line is dropped."""
    out: list[tuple[int, int]] = []
    open_at: list[int] = []
    for i, ch in enumerate(text):
        if ch in _CLOSE:
            open_at.append(i)
        elif ch in ")]" and open_at and _CLOSE[text[open_at[-1]]] == ch:
            out.append((open_at.pop(), i + 1))
        elif ch == "\n" and text[i:i + 2] == "\n\n":
            open_at.clear()
    return sorted(out)


# Abbreviations a citation is written with, after which spaCy may end a sentence that goes on
# ("(cf. Roberts 2006, 12)", "vol. 2, p. 4"): a unit never ends at one. Those a sentence
# may end with end one before a capital only ("as shown by Smith et al. Then ...", "see
# pp. 12 ff. The ...", "See ibid. The ...", "he said no. Then ..."); "Ed." is a name.
_NEVER_LAST = re.compile(r"(?<![\w.])(?:(?i:cf|pp|p|vol|eds|e\.g|i\.e|ch|fol)|ed)\.\Z")
_LAST_BEFORE_LOWER = re.compile(r"(?<![\w.])(?i:et\s+al|ibid|ff|n|no)\.\Z")


def _runs_on(text: str, b: int, s: int, spans: Sequence[tuple[int, int]]) -> bool:
    """Whether a unit ending at character ``b`` goes on into the next, beginning at ``s`` in
    the same block: it ends inside a quotation or a bracket, or at a citation's abbreviation."""
    if "\n\n" in text[b:s]:
        return False
    if any(q0 < b < q1 for q0, q1 in spans):
        return True
    before = text[max(0, b - 8):b]
    return bool(_NEVER_LAST.search(before) or
                _LAST_BEFORE_LOWER.search(before) and not text[s:s + 1].isupper())


def claim_units(doc: Doc) -> list[tuple[int, int]]:
    """Sentence spans (token indices), split at block breaks and merged where a sentence of
    spaCy's goes on into the next: so that no quotation or bracket is cut in two, nor a
    citation at its abbreviations ("Trade expanded (cf. Roberts 2006, 12).")."""
    text = _text(doc)
    spans = quotations(text) + brackets(text)
    units: list[list[int]] = []
    for sent in doc.sents:
        for s, e in _blocks_of(doc, sent.start, sent.end):
            if units:
                last = next(t for t in reversed(doc[units[-1][0]:units[-1][1]])
                            if not t.is_space)
                if _runs_on(text, last.idx + len(last.text), doc[s].idx, spans):
                    units[-1][1] = e
                    continue
            units.append([s, e])
    return [(s, e) for s, e in units]


def shift(p: ClaimProposal, offset: int) -> ClaimProposal:
    """A proposal found in a chunk, moved to reading-text offsets."""
    if not offset:
        return p
    return replace(p, start=p.start + offset, end=p.end + offset,
                   agent_start=None if p.agent_start is None else p.agent_start + offset,
                   agent_end=None if p.agent_end is None else p.agent_end + offset)


# -- the finder ---------------------------------------------------------------------------------
def _in_quote(tok: Token, quotes: Sequence[tuple[int, int]]) -> bool:
    return any(q0 <= tok.idx < q1 for q0, q1 in quotes)


def _trim(doc: Doc, s: int, e: int) -> tuple[int, int]:
    """Character span of tokens [s, e) without surrounding whitespace, nor the punctuation a
    sentence split can leave in front (': the ship sailed')."""
    while s < e - 1 and doc[s].is_punct and doc[s].text[:1] not in _OPENERS:
        s += 1
    a = doc[s].idx
    b = doc[e - 1].idx + len(doc[e - 1].text)
    return trim(_text(doc), a, b)


def _agent_of(head: Token, unit: tuple[int, int] | None = None
              ) -> tuple[str, int | None, int | None]:
    """The name an agent phrase stands for: the named entity in it if there is one, else the
    phrase without its determiner; 'a study by Alexander Nekrich' -> 'Alexander Nekrich'; a
    pronoun none (start and end None) but the noun a relative one is of.
    Only the phrase's tokens inside the claim ``unit`` (token indices) count: spaCy parses
    across blank lines, so a phrase may reach back into a heading or a salutation."""
    doc = head.doc
    # "a study by X": the agent is X
    if head.lemma_.lower() in _WORK_NOUNS:
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ in ("by", "of"):
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        return _agent_of(obj, unit)
    sub = list(head.subtree)
    if unit is not None:
        sub = [t for t in sub if unit[0] <= t.i < unit[1]] or [head]
    lo, hi = sub[0].i, sub[-1].i + 1
    if head.pos_ == "PRON":  # 'according to which': the noun the clause is of, else nobody
        rel = next((t for t in head.ancestors if t.dep_ == "relcl"), None)
        if head.tag_ in ("WDT", "WP") and rel is not None and rel.head.pos_ in ("NOUN", "PROPN"):
            return _agent_of(rel.head, unit)
        return "", None, None
    ents = [e for e in doc.ents if lo <= e.start and e.end <= hi and e.label_ == "PERSON"
            and (e.start <= head.i < e.end or _in_phrase(e.root, head, through=True))]
    if not ents:
        ents = [e for e in doc.ents if lo <= e.start and e.end <= hi
                and e.label_ in AGENT_LABELS and e.start <= head.i < e.end]
    if ents:
        ent = ents[-1] if ents[-1].start <= head.i < ents[-1].end else ents[0]
        owned = ent.root.head
        if ent.root.dep_ == "poss" and owned.lemma_.lower() in _KIN and owned.i < hi:
            # "Benjamin Morgan's daughter said": she speaks, not her father
            return _text(doc)[ent.start_char:owned.idx + len(owned.text)], ent.start_char, \
                owned.idx + len(owned.text)
        return _owner(ent)
    # keep the noun phrase itself, not clauses hanging off it: the words before the head
    # that modify it without a verb between ("unpleasant truths", not "when all other stand
    # aloof or fail conscience unpleasant truths")
    first = head.i
    while first - 1 >= lo and _in_phrase(doc[first - 1], head):
        first -= 1
    last = head.i  # and the name's words after it ("Dr Price Jr"), not what follows a gap
    while last + 1 < hi and doc[last + 1].head.i == head.i and \
            doc[last + 1].dep_ in ("compound", "flat"):
        last += 1
    toks = [t for t in doc[first:last + 1]
            if t.dep_ not in ("det", "punct", "prep") and not t.is_space]
    if not toks:
        return head.text, head.idx, head.idx + len(head.text)
    s = toks[0].idx
    e = toks[-1].idx + len(toks[-1].text)
    return _text(doc)[s:e], s, e


# how a word before a noun belongs to its phrase: "the very noted man", "My Black man"
_PHRASE_DEPS = frozenset({"det", "predet", "amod", "compound", "flat", "poss", "case", "nummod",
                          "quantmod", "advmod", "nmod", "punct"})


def _in_phrase(tok: Token, head: Token, *, through: bool = False) -> bool:
    """Whether ``tok`` modifies the noun ``head`` as part of its noun phrase: each step up to
    it a modifier's, and no verb on the way but a participle used as an adjective; ``through``:
    by any relation but a clause's ("the sound of Ann Moore's voice", not "a girl who had
    hidden when the Germans evacuated Auschwitz")."""
    while tok.i != head.i:
        if (not through and tok.dep_ not in _PHRASE_DEPS) or tok.head.i == tok.i or \
                tok.pos_ in ("VERB", "AUX", "SCONJ") and tok.dep_ != "amod":
            return False
        tok = tok.head
    return True


def _speech_verbs(doc: Doc, s: int, e: int, quotes: Sequence[tuple[int, int]]) -> list[Token]:
    """Speech verbs of the unit outside its quotations; not one used as an adjective ("the
    said Bull", "this said inn": the aforesaid)."""
    return [t for t in doc[s:e] if t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in SPEECH_VERBS
            and not _in_quote(t, quotes) and t.dep_ not in ("amod", "acomp")
            and not (t.i > s and doc[t.i - 1].lower_ in ("the", "this", "these", "those"))]


def _subject(verb: Token, unit: tuple[int, int]) -> Token | None:
    """The verb's subject inside the claim ``unit`` (token indices).

    spaCy parses across blank lines: "Dear Hermann Bahr,", then the paragraph "Arthur
    Schnitzler wrote ..." may give "wrote" the heading's first word as subject, whose subtree
    holds both names. A subject before the unit is none of its own: the unit's own subject
    then, else the unit's word before the verb that heads out of the unit (its subject cut
    off)."""
    s, e = unit
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    own = [c for c in subjects if s <= c.i < e]
    found = next((c for c in own if c.pos_ != "PRON"), None) or \
        next((c for c in own if c.dep_ == "nsubj"), None)
    if found is not None:
        return found
    if subjects:  # all before the unit
        return next((t for t in verb.doc[s:verb.i] if not (s <= t.head.i < e)
                     and t.pos_ in ("PROPN", "NOUN", "PRON")), None)
    # "... Stalin himself, in which the premier claimed": relcl verbs have their own nsubj
    return None


def _as_named(verb: Token) -> Token | None:
    """The person of "as X said", which the model may hang on the verb beside a subject of
    its own ("Some things ..., as John Parrish, said"): the speaker, whatever the subject."""
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ == "as" and c.i < verb.i:
            for obj in c.children:
                if obj.dep_ == "pobj" and obj.ent_type_ == "PERSON":
                    return obj
    return None


def _according_to(doc: Doc, s: int, e: int) -> Token | None:
    for t in doc[s:e]:
        if t.lower_ == "according" and t.i + 1 < e and doc[t.i + 1].lower_ == "to":
            for obj in doc[t.i + 1].children:
                if obj.dep_ == "pobj":
                    return obj
            for obj in t.children:
                for o2 in obj.children:
                    if o2.dep_ == "pobj":
                        return o2
    return None


def _fact_cue(doc: Doc, sent: Span) -> str:
    ents = [e for e in sent.ents if e.label_ in FACT_LABELS]
    if ents:
        kind = "date" if ents[0].label_ in ("DATE", "TIME") else "number"
        return f"{kind}: {ents[0].text}"
    low = sent.text.lower()
    for phrase in CAUSAL:
        if re.search(rf"\b{re.escape(phrase)}\b", low):
            return f"causal: {phrase}"
    for t in sent:
        if t.lower_ in EVALUATIVE:
            return f"evaluative: {t.text}"
        if t.tag_ in ("JJR", "JJS", "RBR", "RBS") and t.lower_ not in ("more", "most", "less"):
            return f"evaluative: {t.text}"
    return ""


# In-text citations: "(Nekrich 1997, p. 214)", "(see Nekrich and Ulam 1997; Israelyan 2003)",
# Chicago author-date "(Roberts 2006, 12)", "(Roberts 2006: 12-14)", and narrative ones:
# "Nekrich (1997, pp. 12-14) argues".
# A surname's capital: any Latin, Greek or Cyrillic one, not only A-Z ("Łukasiewicz 1920",
# "Žižek 2000", "Ødegaard 1990" are citations too).
_CAP = "[A-Z" + "".join(c for c in map(chr, [*range(0xC0, 0x530), *range(0x1E00, 0x1F00)])
                        if c.isupper()) + "]"
_NAME = (rf"{_CAP}[\w'’\-]+(?:\s+(?:and|&)\s+{_CAP}[\w'’\-]+|\s+et\s+al\.?|"
         rf"(?:,\s*{_CAP}[\w'’\-]+)+(?:,?\s+(?:and|&)\s+{_CAP}[\w'’\-]+))?")
_YEAR = r"\d{1,4}[a-z]?"
# The locus after the year, read item by item: a label and its number ("p. 12", "n. 3",
# "fol. 3r", "col. 4", "§ 5", "chap. 2", "vol. 2"), or a bare page (Chicago author-date: "12",
# "12-14", "12f.", "xii"), items joined by commas or "and" ("pp. 12, 15", "p. 12, n. 3",
# "pp. 12 and 15", "vol. 2, p. 4").
_LABEL = (r"(?:(?i:pp?|nn?|ll?|chaps?|ch|cap|cols?|fols?|ff?|vols?|bks?|pts?|secs?|sect|nos?|"
          r"arts?|paras?|figs?|tabs?|pls?|fn|sig|lib|s|bd|kap|anm)\.|§§?|¶¶?|(?i:chapter|"
          r"book|part|note|notes|volume|table|figure|plate|line|lines|folio|column|section|"
          r"page|pages)\b)")
_NUM = r"(?:\d+(?:n\d+|[a-z])?|[ivxlc]+(?![\w.])|[IVXLC]+(?![\w.]))"
_AFTER = r"(?:\s*(?:ff?\.|et\s+seq\.|passim\b))?"
_BARE = rf"{_NUM}(?:\s*[-–]\s*{_NUM})?{_AFTER}"
_ITEM = rf"(?:{_LABEL}\s*\w+(?:\s*[-–]\s*\w+)?{_AFTER}|{_BARE})"
_AND = r"(?:\s*,\s*|\s+and\s+|\s*&\s*)"
_LOCUS = re.compile(rf"{_ITEM}(?:{_AND}{_ITEM})*")
_BARE_RUN = re.compile(rf"{_BARE}(?![\w.])(?:{_AND}{_BARE}(?![\w.]))*")
# what after the year is a count, not a locus: "(Roberts 2006, 12 divisions)"
_COUNT = re.compile(r"\d[\d,.]*\s+(?!(?:and|et|passim|ff?)\b)[^\W\d_]{2,}(?!\.)")
# after the year, a comma or a colon, then the locus as written: "(Roberts 2006, 12)",
# "(Roberts 2006: 12)", read by _locus_of
_AT = r"(?:\s*[,:]\s*(?P<locus>[^()]{1,120}?))?"
_CITE_PART = re.compile(rf"^(?:see\s+(?:also\s+)?|cf\.\s+|e\.g\.,?\s+)?(?P<name>{_NAME}),?\s+"
                        rf"(?P<year>{_YEAR}){_AT}$")
_PAREN = re.compile(r"\(([^()]{4,200})\)")
_NARRATIVE = re.compile(rf"(?P<name>{_NAME})\s+\((?P<year>{_YEAR}){_AT}\)")
# "(June 1941)", "(Summer 1941)", "(Mar-Jul 1944)" are dates, not citations, unless a work
# is by "June"
_SEASONS = frozenset("""
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec spring summer autumn fall winter
    """.split())
# Words before a capitalised name that make it the name of a thing, not an author: "the Red
# Cross (1944)", "his Secretary (1664)", "A Highland Story (1789)"
_THING_DETERMINERS = frozenset("""
    the a an his her its their our my your this that these those
    """.split())
# after "the Smith (1999)", a noun that makes the citation an adjective: still a citation
_CITED_WORK = _WORK_NOUNS | {"findings", "data", "edition", "translation", "model", "argument",
                             "thesis", "view"}
_BOUNDARY = tuple(",;:.!?)]")


def _names_a_thing(text: str, before: str, end: int) -> bool:
    """Whether the capitalised name after ``before`` (what is before it on its line; its
    citation ends at ``text[end]``) ends the name of a thing rather than an author's: the run
    of capitalised words before it begins with a determiner or a possessive ("the Red
    Cross", "The New Monk", "his Secretary") or is joined by "of" ("Commander of Hlinka
    Guard", "Isle of Wight"); "the Smith (1999) study" still cites Smith."""
    line = before.split()
    joined = False
    for i in range(len(line) - 1, -1, -1):
        word = line[i].lstrip("‘“\"'")
        if word.endswith(_BOUNDARY):
            break
        if word.lower() in _THING_DETERMINERS:
            after = re.match(r"\s*(\w+)", text[end:])
            return not (i == len(line) - 1 and after and after.group(1) in _CITED_WORK)
        if word == "of" and i and line[i - 1][:1].isupper():
            joined = True
        elif not word[:1].isupper():
            break
    return joined


def _years_after(name: str, locus: str, known: Collection[tuple[str, int]]) -> list[str]:
    """The further years of "(Smith 2001, 2003)", "(Smith 2001a, 2001b)": a locus of years
    only, each with a letter or of a work by that surname the bibliography holds; else
    none, and the locus is pages ("(Smith 2001, 1204)")."""
    from annotator.bibliography.entries import ascii_fold

    items = [i.strip() for i in locus.split(",")]
    if all(re.fullmatch(r"\d{4}[a-z]", i) or re.fullmatch(r"\d{4}", i) and
           (ascii_fold(name), int(i)) in known for i in items):
        return items
    return []


def citations(text: str, known: Collection[tuple[str, int]] = (),
              places: Collection[str] = ()) -> list[tuple[int, int, str, str, str]]:
    """In-text citations in ``text``: (start, end, first surname, year, locus).

    A surname and year a work of the bibliography has (``known``: ``cited_as``) always make
    one, whatever the year's digits ("Einhard 830"). Otherwise only a year of four digits
    does, and only where the name looks like an author's (``_looks_cited``): "(Chapter 3)",
    "(Book 3, ch. 2)", "Henry (8)" are numbers; "(June 1941)", "(Mar-Jul 1944)" dates;
    "in Hungary (1944)", "the Red Cross (1944)" a place and a body (``places``: the name
    keys of the register's places and organisations), "SS-Hauptsturmführer (1942)" a rank.
    The locus is what follows the year after a comma or a colon (``_locus_of``), a bare page
    written as a page: "(Roberts 2006: 12)" -> "p. 12", "(Roberts 2006, 12-14)" -> "pp.
    12-14"; one that cannot be read is left out, the citation kept ("(Roberts 2006,
    passim)"); a count makes none ("(Roberts 2006, 12 divisions)").
    """
    from annotator.bibliography.entries import ascii_fold

    def found(start: int, end: int, c: re.Match[str],
              looks: bool) -> list[tuple[int, int, str, str, str]]:
        name = c.group("name").split()[0].rstrip(",")
        digits = c.group("year").rstrip("abcdefghijklmnopqrstuvwxyz")
        if (ascii_fold(name), int(digits)) not in known and not (len(digits) == 4 and looks):
            return []
        written = " ".join((c.group("locus") or "").split())
        more = _years_after(name, written, known) if written else []
        if more:
            return [(start, end, name, year, "") for year in [c.group("year"), *more]]
        locus = _locus_of(written, (ascii_fold(name), int(digits)) in known)
        return [] if locus is None else [(start, end, name, c.group("year"), locus)]

    out = []
    for m in _PAREN.finditer(text):
        for part in m.group(1).split(";"):
            c = _CITE_PART.match(part.strip())
            if c:
                out.extend(found(m.start(), m.end(), c,
                                 _looks_cited(c.group(0), c.group("name"), "", places)))
    for m in _NARRATIVE.finditer(text):
        if not any(a <= m.start("year") < b for a, b, *_ in out):
            before = text[text.rfind("\n", 0, m.start()) + 1:m.start()]
            out.extend(found(m.start(), m.end(), m,
                             _looks_cited(m.group(0), m.group("name"), before, places) and
                             not _names_a_thing(text, before, m.end())))
    return sorted(out, key=lambda c: c[0])


def _locus_of(written: str, known: bool) -> str | None:
    """The locus of a citation from what follows its year: as written where it reads as one
    ("pp. 12, 15", "p. 12, n. 3"), a bare page written as a page ("12" -> "p. 12", "12, 15"
    -> "pp. 12, 15"); '' for one that cannot be read ("passim", "esp. the preface"), and for
    words no locus begins with where the work is known; None where the words make the
    bracket no citation: a count ("12 divisions"), or words no locus begins with and no
    work of that name and year ("(Berlin 1936, the Games)")."""
    if not written:
        return ""
    if _LOCUS.fullmatch(written):
        run = _BARE_RUN.match(written)
        if run is None:
            return written
        # author-date: a bare number is a page, as "p. 12" says
        return ("p. " if re.fullmatch(r"\w+", run.group()) else "pp. ") + written
    if _COUNT.match(written):
        return None
    if known or re.match(rf"(?:{_LABEL}|{_BARE}(?![\w.])|passim\b|[a-z]{{1,5}}\.)", written):
        return ""
    return None


def _looks_cited(written: str, name: str, before: str, places: Collection[str]) -> bool:
    """Whether ``name`` looks like an author's (``before``: the words before it on its line,
    for a narrative citation), the citation ``written`` being one that no work of the
    bibliography matches: not a month or a season ("Mar-Jul"), not a title or body joined to
    an abbreviation ("SS-Hauptsturmführer", "KZ-Kommandant"), not a name that ends a place's
    or an organisation's name of the register ("Eichmann in Hungary", "Hlinka Guard"), and
    never across a blank line (a register's heading above a date)."""
    from annotator.entities.names import name_key

    first = name.split()[0].rstrip(",")
    words = (before + " " + name).split()
    if "\n\n" in written or re.match(r"[A-Z]{2,}-", first) or \
            all(w in _SEASONS for w in re.split(r"[-–/]", first.lower())):
        return False
    return not any(name_key(" ".join(words[k:])) in places
                   for k in range(max(0, len(words) - 6), len(words)))


# Pronouns that tell a named person's gender where only that person can be meant: a possessive
# or a reflexive in the clause the person is the subject of ("Jordan Evans wrote to her
# sister", "Robin Hall kept himself apart"), in a sentence that names nobody else.
_TELLING = {"his": "Masc", "himself": "Masc", "her": "Fem", "herself": "Fem"}
# Where a clause of its own begins: a pronoun under it need not be its parent's subject's
# ('Mary said his book was lost'). An adverbial clause without a subject of its own shares
# its parent's ('he came to see his mother'), as an xcomp does: no boundary then.
_CLAUSES = frozenset({"ROOT", "ccomp", "advcl", "relcl", "acl", "csubj", "csubjpass",
                      "parataxis", "pcomp"})
_SHARING = frozenset({"advcl", "xcomp"})
# A person known by both pronouns (or both kinds of title): known as neither, fit for neither.
_BOTH = "Both"


def _clause_of(tok: Token) -> Token:
    """The head of the clause ``tok`` is in (its verb, a coordinated verb's own; through
    an adverbial clause or xcomp with no subject of its own, its parent's)."""
    while tok.head is not tok:
        if tok.dep_ in _SHARING and not any(c.dep_ in ("nsubj", "nsubjpass", "expl")
                                             for c in tok.children):
            tok = tok.head
            continue
        if tok.dep_ in _CLAUSES or tok.dep_ == "conj" and tok.pos_ in ("VERB", "AUX"):
            break
        tok = tok.head
    return tok


def _told_genders(doc: Doc) -> dict[str, str]:
    """What the text itself says of each named person's gender, by name key (``_name_key``):
    a title before one of the name's mentions ('Mr.', 'Lady') and a 'his'/'her'/'himself'/
    'herself' where only that person can be meant (``_TELLING``), earlier or later in the
    text; 'Both' where it says both. A one-word name also takes what is said of the longer
    names ending in it ('Hardy' of 'Thomas Hardy'). Worked out once per Doc: it is the whole
    text's, whichever pronoun asks."""
    told = doc.user_data.get("annotator_genders")
    if told is not None:
        return dict(told)
    said: dict[str, set[str]] = {}
    people = [e for e in doc.ents if e.label_ == "PERSON"]
    for e in people:
        title = _gender([doc[e.start - 1].text] if e.start > 0 else [])
        if title:
            said.setdefault(_name_key(e), set()).add(title)
    for sent in doc.sents:
        named = [e for e in people if sent.start <= e.start and e.end <= sent.end]
        if len({_name_key(e) for e in named}) != 1:
            continue  # nobody named, or two: a pronoun may be either's
        subjects = [e.root for e in named if e.root.dep_ in ("nsubj", "nsubjpass")]
        for tok in sent:
            gender = _TELLING.get(tok.lower_)
            if gender is None or tok.lower_ == "her" and tok.dep_ != "poss":
                continue  # 'her' as an object is no possessive: 'he told her'
            clause = _clause_of(tok)
            if any(s.head == clause for s in subjects):
                said.setdefault(_name_key(named[0]), set()).add(gender)
    told = {k: next(iter(v)) if len(v) == 1 else _BOTH for k, v in said.items()}
    for key, gender in [(k, g) for k, g in told.items() if " " in k]:
        last = key.rsplit(" ", 1)[1]
        told[last] = gender if told.get(last, gender) == gender else _BOTH
    doc.user_data["annotator_genders"] = told
    return dict(told)


def _name_key(ent: Span) -> str:
    """A person's name as ``_told_genders`` keys it: its words without a possessive
    ending, in lower case."""
    return _owner(ent)[0].lower()


def _gender(words: Iterable[str]) -> str:
    """'Masc', 'Fem' or '' from titles and descriptions ('Mrs.', 'the queen')."""
    for w in words:
        low = w.lower()
        if low in _MASC:
            return "Masc"
        if low in _FEM:
            return "Fem"
    return ""


def _named_before(doc: Doc, tok: Token, start: int, *, label: str = "PERSON",
                  any_role: bool = False) -> list[tuple[str, int, int, str]]:
    """Names of a ``label`` before ``tok`` from character ``start`` on, nearest first, as
    (text, start, end, gender); the gender from a title before (or in) the name. Where the
    model found none, proper nouns it left untyped: subjects (``any_role``: objects too). A
    name the proposals would not take for a person (``drop_common_noun``: "Montgomery
    Square", a book before its verse) is nobody's."""
    found = []
    text = _text(doc)
    told = _told_genders(doc) if label == "PERSON" else {}
    for e in doc.ents:
        if e.label_ == label and start <= e.start_char and e.end <= tok.i and (
                label != "PERSON" or drop_common_noun(text, e.start_char, e.end_char, "person")):
            title = [doc[e.start - 1].text] if e.start > 0 else []
            words = [t.text for t in e]
            name, a, b = _owner(e)
            # this mention's own title first ('Mrs. Whitmore' beside 'Mr. Whitmore')
            found.append((name, a, b, _gender([*title, *words]) or told.get(name.lower(), "")))
            owned = e.root.head if e.root.dep_ == "poss" else None
            if owned is not None and owned.i < tok.i and owned.lemma_.lower() in _KIN:
                # "Benjamin Morgan's daughter": she is who a later 'she' may be, unnamed
                found.append(("", owned.idx, owned.idx + len(owned.text),
                              _gender([owned.lemma_])))
    if found or label != "PERSON":
        return found[::-1]
    roles = ("nsubj", "nsubjpass") + (("dobj", "pobj", "appos", "conj") if any_role else ())
    for t in reversed(doc[:tok.i]):
        if t.idx < start:
            break
        if t.dep_ in roles and t.pos_ == "PROPN" and t.ent_type_ in ("", "PERSON"):
            parts = [c for c in t.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"]
            titles = [c for c in parts if c.lower_ in _MASC | _FEM]
            first = next((c for c in parts if c not in titles), t)
            a, b = first.idx, t.idx + len(t.text)
            if drop_common_noun(text, a, b, "person"):
                found.append((text[a:b], a, b, _gender(c.text for c in titles) or
                              told.get(text[a:b].lower(), "")))
    return found


_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})


def _owner(ent: Span) -> tuple[str, int, int]:
    """A name as (text, start, end) without the possessive ending the model may give it:
    "Benjamin Morgan's" is Benjamin Morgan."""
    toks = list(ent)
    while len(toks) > 1 and toks[-1].lower_ in _POSSESSIVE:
        toks.pop()
    a, b = toks[0].idx, toks[-1].idx + len(toks[-1].text)
    return _text(ent.doc)[a:b], a, b


def _nearest_fitting(found: Sequence[tuple[str, int, int, str]], gender: str,
                     block_start: int) -> tuple[str, int, int] | None:
    """The nearest name whose gender does not contradict ``gender``; within the block, one
    whose gender the text gives and fits comes first ("Mrs. Whitmore" for "she"). A person
    the text calls both 'he' and 'she' fits neither."""
    fitting = [f for f in found if not gender or not f[3] or f[3] == gender]
    sure = [f for f in fitting if gender and f[3] == gender and f[1] >= block_start]
    best = (sure or fitting)[:1]
    return best[0][:3] if best else None


def _resolve_pronoun(doc: Doc, tok: Token) -> tuple[str, int, int] | None:
    """'he'/'she' as a speaker: the nearest fitting person named before it in the same block
    (gender from the parse: 'she' is not Thomas, once the text calls him 'Mr.' or, anywhere,
    'his' where only he can be meant: ``_told_genders``). 'They' and 'it' name no one
    person."""
    if tok.lower_ not in ("he", "she") or "Plur" in tok.morph.get("Number", []):
        return None
    block_start = _text(doc).rfind("\n\n", 0, tok.idx) + 1
    gender = next(iter(tok.morph.get("Gender", [])), "")
    best = _nearest_fitting(_named_before(doc, tok, block_start), gender, block_start)
    return best if best is None or best[0] else None  # an unnamed daughter: 'she = ?'


def _description(subj: Token) -> str:
    """The words of a definite description ('the Soviet premier') as written, or '' when the
    subject is no such thing (a name, a plural, a bare noun)."""
    if subj.pos_ != "NOUN" or subj.ent_type_ or "Plur" in subj.morph.get("Number", []):
        return ""
    sub = list(subj.subtree)
    if any(e.label_ in ("PERSON", "ORG") and sub[0].i <= e.start and e.end <= sub[-1].i + 1
           for e in subj.doc.ents):  # "the sound of Ann Moore's voice": the name is the agent
        return ""
    det = [c for c in subj.lefts if c.dep_ == "det"]
    if not det or det[0].lower_ not in _DETERMINERS:
        return ""
    a = det[0].idx
    b = subj.idx + len(subj.text)
    return _text(subj.doc)[a:b]


def resolve_description(doc: Doc, subj: Token) -> str:
    """Who a description stands for: the nearest organisation named before ('the government'),
    or the nearest fitting person ('the queen' is no 'Mr.'); '' when nobody fits."""
    block_start = _text(doc).rfind("\n\n", 0, subj.idx) + 1
    if subj.lemma_.lower() in _THINGS | _WORK_NOUNS:
        return ""
    if subj.lemma_.lower() in _ORG_NOUNS:
        orgs = _named_before(doc, subj, 0, label="ORG")
        return orgs[0][0] if orgs else ""
    found = _named_before(doc, subj, 0, any_role=True)
    best = _nearest_fitting(found, _gender([subj.lemma_]), block_start)
    return best[0] if best else ""


def _passive_report(verb: Token) -> Token | Literal[False] | None:
    """'It is claimed that ...', 'was reported by Reuters': the agent of a passive speech verb
    (its 'by' object), False when it has none, None when the verb is not passive."""
    deps = {c.dep_ for c in verb.children}
    if "auxpass" not in deps and "nsubjpass" not in deps:
        return None
    for c in verb.children:
        if c.dep_ == "agent":
            for obj in c.children:
                if obj.dep_ == "pobj":
                    return obj
    return False


def find_claims(doc: Doc, known: Collection[tuple[str, int]] = (),
                places: Collection[str] = ()) -> list[ClaimProposal]:
    """Claim proposals for one parsed text (offsets into ``doc.text``), in text order;
    ``known``: the bibliography's ``cited_as``, whose surnames and years are always
    citations; ``places``: the register's place and organisation names (``citations``)."""
    quotes = quotations(_text(doc))
    marks = quotes + brackets(_text(doc))
    cites = citations(_text(doc), known, places)
    out: list[ClaimProposal] = []
    for s, e in claim_units(doc):
        span = doc[s:e]
        if not any(t.pos_ in ("VERB", "AUX") for t in span):
            continue  # a heading, a caption: asserts nothing
        a, b = _trim(doc, s, e)
        if b - a < 12:
            continue
        found = _classify(doc, s, e, a, b, quotes)
        here = tuple((name, year, locus) for c0, _c1, name, year, locus in cites
                     if a <= c0 < b)
        if here:
            if found is None or found.kind == "unattributed":
                cue = "citation: " + "; ".join(
                    f"{n} {y}" + (f", {loc}" if loc else "") for n, y, loc in here)
                found = ClaimProposal(a, b, "attributed", here[0][0], None, None, cue,
                                      confidence=CONFIDENCE["citation"])
            found = replace(found, citations=here)
        if found is not None:
            out.append(_whole_agent(_text(doc), found, marks))
    return out


def _whole_agent(text: str, p: ClaimProposal, marks: Sequence[tuple[int, int]]) -> ClaimProposal:
    """The proposal with an agent that neither starts nor ends inside a bracket or a quotation
    it does not hold whole: a few words of it are taken in ("[Pierre] Charron", not "Pierre]
    Charron"), more are left out; an agent left with no word is none."""
    if p.agent_start is None or p.agent_end is None:
        return p
    a, b = p.agent_start, p.agent_end
    for q0, q1 in sorted(marks):
        if q0 < a < q1 <= b:  # starts inside
            a = q0 if len(text[q0:a].split()) <= 3 else q1
        elif a <= q0 < b < q1:  # ends inside
            b = q1 if len(text[b:q1].split()) <= 3 else q0
    a, b = trim(text, a, b)
    while a < b and text[a] in ",;:.!?-–—":
        a, b = trim(text, a + 1, b)
    while a < b and text[b - 1] in ",;:.!?-–—":
        a, b = trim(text, a, b - 1)
    if (a, b) == (p.agent_start, p.agent_end):
        return p
    agent = text[a:b] if any(ch.isalnum() for ch in text[a:b]) else ""
    cue = p.cue.replace(p.agent, agent or "?") if p.agent else p.cue
    if not agent:
        return replace(p, agent="", agent_start=None, agent_end=None, cue=cue)
    return replace(p, agent=agent, agent_start=a, agent_end=b, cue=cue)


def _classify(doc: Doc, s: int, e: int, a: int, b: int,
              quotes: Sequence[tuple[int, int]]) -> ClaimProposal | None:
    span = doc[s:e]
    unit_quotes = [(q0, q1) for q0, q1 in quotes if a <= q0 and q1 <= b
                   and len(_text(doc)[q0:q1].split()) >= 2]
    acc = _according_to(doc, s, e)
    if acc is not None:
        name, n0, n1 = _agent_of(acc)
        return ClaimProposal(a, b, "attributed", name, n0, n1, "according to",
                             confidence=CONFIDENCE["according to"])
    for verb in _speech_verbs(doc, s, e, quotes):
        kind = "quoted" if unit_quotes else "attributed"
        passive = _passive_report(verb)
        if passive is not None:
            if passive is False:
                return ClaimProposal(a, b, kind, "", None, None, f"verb: {verb.lemma_} (passive)",
                                     confidence=CONFIDENCE["passive"])
            name, n0, n1 = _agent_of(passive)
            return ClaimProposal(a, b, kind, name, n0, n1, f"verb: {verb.lemma_} (passive)",
                                 confidence=CONFIDENCE["passive agent"])
        named = _as_named(verb)
        if named is not None:  # "which, as John Parrish, said": the speaker is John Parrish
            name, n0, n1 = _agent_of(named, (s, e))
            return ClaimProposal(a, b, kind, name, n0, n1, f"verb: {verb.lemma_}",
                                 confidence=CONFIDENCE["verb"])
        subj = _subject(verb, (s, e))
        said = verb.dep_ == "parataxis" or any(
            c.dep_ in _SAID and c.dep_ != "dobj" or
            (c.dep_ == "dobj" and c.lemma_.lower() in ("that", "this", "it"))
            for c in verb.children)
        if subj is None or not (said or unit_quotes):
            continue
        if subj.pos_ == "PRON" or subj.lower_ in _ANYONE:
            resolved = _resolve_pronoun(doc, subj)
            if resolved is not None:
                name, n0, n1 = resolved
                return ClaimProposal(a, b, kind, name, n0, n1,
                                     f"verb: {verb.lemma_} ({subj.lower_} = {name})",
                                     confidence=CONFIDENCE["pronoun"])
            if subj.lower_ in _FIRST_PERSON:  # 'I believe', 'we argue': the writer's own word
                who = "I" if subj.lower_ == "i" else subj.lower_
                return ClaimProposal(a, b, "unattributed", "", None, None,
                                     f"verb: {verb.lemma_} ({who}: the writer)",
                                     confidence=CONFIDENCE["passive"])
            # 'they say', 'one hears', a 'he' with nobody before it: said, by nobody named
            return ClaimProposal(a, b, kind, "", None, None,
                                 f"verb: {verb.lemma_} ({subj.lower_} = ?)",
                                 confidence=CONFIDENCE["passive"])
        described = _description(subj)
        if described:  # kept as written; who it stands for waits for the editor
            n0 = subj.idx + len(subj.text) - len(described)
            n1 = subj.idx + len(subj.text)
            who = resolve_description(doc, subj)
            return ClaimProposal(a, b, kind, described, n0, n1,
                                 f"verb: {verb.lemma_}" + (f" ({described} = {who}?)" if who
                                                           else ""),
                                 candidate=who, confidence=CONFIDENCE["description"])
        name, n0, n1 = _agent_of(subj, (s, e))
        return ClaimProposal(a, b, kind, name, n0, n1, f"verb: {verb.lemma_}",
                             confidence=CONFIDENCE["verb"])
    hedge = next((t for t in span if t.lower_ in HEDGES), None)
    if hedge is not None:
        return ClaimProposal(a, b, "attributed", "", None, None, f"hedge: {hedge.text}",
                             confidence=CONFIDENCE["hedge"])
    if unit_quotes and any(len(_text(doc)[q0:q1].split()) >= 4 for q0, q1 in unit_quotes):
        return ClaimProposal(a, b, "quoted", "", None, None, "quotation",
                             confidence=CONFIDENCE["quotation"])
    cue = _fact_cue(doc, span)
    if cue:
        return ClaimProposal(a, b, "unattributed", "", None, None, cue,
                             confidence=CONFIDENCE[cue.split(":", 1)[0]])
    return None
