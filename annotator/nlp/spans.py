"""Clean spans: trim what scholars do not mark from the model's spans, one small rule each.

Each rule takes the reading text, a span and its type and returns the span it should be, or
None to drop it. ``clean_span`` applies them in order. The rules are pure string work, so they
hold for any pipeline, and each has its own test in tests/test_rules.py.

DOCS: docs/proposals.md#clean-spans
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence

from annotator.entities.names import (DEGREE_WORDS, GENERIC_PLACES, KIN_WORDS, PARTICLES,
                                      PLACE_HEADS, PLACE_OF, POSSESSIVE, TITLE_WORDS, TextWords)
from annotator.entities.names import last_word as _last_word
from annotator.text import crosses_block

Rule = Callable[[str, int, int, str], "tuple[int, int] | None"]

_EDGE = " \t\n\r\"'“”‘’«»„‚()[]{}<>,;:!?*_/\\|"
_EDGE_END = _EDGE + "."
_ARTICLE = re.compile(r"^the\s+", re.I)

# Demonyms: "Soviet diplomat", "German Foreign Minister".
DEMONYMS = frozenset("""
    soviet german italian british english french russian american japanese chinese polish
    finnish spanish austrian hungarian romanian bulgarian yugoslav greek turkish dutch belgian
    swiss swedish norwegian danish czech slovak ukrainian iranian indian iraqi nazi allied
    european prussian bavarian roman irish scottish welsh canadian australian
""".split())
# Languages that are no country's demonym ("Boy speaks Hungarian, German, Yiddish, Hebrew").
LANGUAGES = frozenset({"hebrew", "yiddish", "latin"})
_NOT_GIVEN = frozenset("""
    the a an in on at of and or but while when if as after before since during between with
    for from to by this that these those he she it they we his her its their our my your
    however although though then also yet so thus moreover nevertheless meanwhile
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
""".split())
DIRECTIONS = frozenset({"east", "west", "north", "south", "northeast", "northwest",
                        "southeast", "southwest", "orient", "occident"})
_UPPER = "A-ZÀ-ÖØ-ÞĀ-ſ"
_WORD = re.compile(r"[^\W\d_][\w.’'-]*")
# Words that make what follows a common noun ("the Castle", "an old Inn"), not a person's name;
# "a"/"an" and the like before one word only ("an Eduard Stern" is a person all the same).
# Each is matched at the start of the text before a name reversed (_reversed: "the" ending it
# is "eht" opening it), as _last_word is: (?<![\w’'])the[ \t]+$, (?<![\w’'])(?:the|a|an|...)[ \t]+$
# and the same with a lower-case word between, [a-z][a-z’'-]*[ \t]+$ ("an old Inn").
_DETERMINERS = "the a an every each no another any some".split()
_THE = re.compile(r"\n?[ \t]+eht(?![\w’'])", re.I)
_DETERMINER = re.compile(rf"\n?[ \t]+(?:{'|'.join(w[::-1] for w in _DETERMINERS)})(?![\w’'])",
                         re.I)
_DETERMINER_ADJ = re.compile(r"\n?[ \t]+[a-z’'-]*[a-z][ \t]+"
                             rf"(?:{'|'.join(w[::-1] for w in _DETERMINERS)})(?![\w’'])", re.I)
# Ranks that follow "the" as part of how a person is named ("the Marquis of Buckingham").
_RANKS = frozenset({"marquis", "marquess", "viscount", "baronet", "baron", "earl", "knight"})
# Archaic pronouns, capitalised in prayer and scripture: no name alone ("Thou hast") and no
# name's first word ("Thy Righteousness", "Thy Son").
ARCHAIC_PRONOUNS = frozenset("thou thee thy thine ye".split())
# Pronouns, capitalised by a diarist as any noun ("Said Something", "by Myself"): no name alone.
PRONOUNS = frozenset("""
    something nothing anything everything someone somebody anyone anybody everyone everybody
    nobody myself himself herself itself ourselves yourself yourselves themselves
""".split())
_FUNCTION = frozenset("the a an and or of in on at to by for with from but this that".split()) \
    | ARCHAIC_PRONOUNS | PRONOUNS
# made once, not for every span: a place that is one of these alone names none; a person whose
# first word is one of these is named with a title or rank ("the Marquis of Buckingham")
_NO_PLACE = GENERIC_PLACES | _FUNCTION
_RANKED = TITLE_WORDS | _RANKS


# the rules' patterns, compiled once: they are tried on every span
_WORD_STOP = re.compile(r"(?:[a-z]{3,}|\.)\.$")  # "miles.", "...": a sentence's stop
_DIGIT_STOP = re.compile(r"\d\.$")
_OPENS_SENTENCE = re.compile(r"(?:^|[.!?\n][\"”’)]*\s*)$")
# the word and spaces ending a text, ([^\W\d_][\w’'-]*)(\s+)$, matched on the text reversed: the
# spaces, then the word's characters back to its first letter (as _last_word)
_GIVEN_BEFORE_REVERSED = re.compile(r"(\s+)([\w’'-]*[^\W\d_])")
_WORD_ON_LINE_BEFORE = re.compile(r"(?<![^\W\d_])([^\W\d_][\w’'-]*)[^\S\n]+$")
_AFTER_STOP = re.compile(r"(?:[.!?:;][\"”’)]*\s+|\n\s*|^\s*)$")
_AFTER_TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|St|Lt|Gen|Col)\.\s+$")
_POSSESSIVE_END = re.compile(r"['’]s?$")


def _norm(word: str) -> str:
    return word.lower().rstrip(".")


def strip_edge_punctuation(text: str, start: int, end: int, type_: str) -> tuple[int, int] | None:
    """Quotes, brackets and punctuation at either edge are not part of a name or date.

    A final dot stays when it ends an abbreviation ("Inc.", "Jr."): only a dot after a word of
    three or more lower-case letters, or a run of dots, is trimmed.
    """
    while start < end and text[start] in _EDGE_END:
        start += 1
    while end > start:
        ch = text[end - 1]
        if ch in _EDGE:
            end -= 1
        elif ch == "." and (_WORD_STOP.search(text[start:end])
                            or _DIGIT_STOP.search(text[start:end])):
            end -= 1
        else:
            break
    return (start, end) if end > start else None


def strip_possessive(text: str, start: int, end: int, type_: str) -> tuple[int, int] | None:
    """A possessive ending ("Hitler's", "the Soviets'") is grammar, not the name."""
    m = POSSESSIVE.search(text[start:end])
    if m and type_ != "date" and end - start - len(m.group()) > 0:
        return start, end - len(m.group())
    return start, end


def strip_leading_article(text: str, start: int, end: int, type_: str) -> tuple[int, int] | None:
    """A leading "the" ("the Soviet Union") is not marked; "The Hague" keeps its capital T."""
    m = _ARTICLE.match(text[start:end])
    if m and end - start > m.end():
        if text[start] == "T" and start > 0 and not _OPENS_SENTENCE.search(text[:start]):
            return start, end  # capital "The" mid-sentence: part of the name
        return start + m.end(), end
    return start, end


# A word joining the name to what came before ("& Gilt", "and Wales") or an indefinite article
# ("a Ruinous Appearance", "a Mr Smith"): lower case only, so "A. Smith" and "And" keep theirs.
_CONNECTIVE = re.compile(r"(?:&|and|an?)[ \t\n]+")


def strip_leading_connective(text: str, start: int, end: int, type_: str
                             ) -> tuple[int, int] | None:
    """A leading "&", "and", "a" or "an" is not part of a name (a date keeps its "a")."""
    while (m := _CONNECTIVE.match(text, start, end)) and m.end() < end and \
            (type_ != "date" or m.group().rstrip() in ("&", "and")):
        start = m.end()
    return start, end


def strip_title(text: str, start: int, end: int, type_: str) -> tuple[int, int] | None:
    """Titles and offices before a person's name ("Lt. General", "Soviet Foreign Minister").

    Strips the longest leading run of title words and demonyms that holds at least one title
    word and leaves a capitalised name behind.
    """
    if type_ != "person":
        return start, end
    words = list(_WORD.finditer(text, start, end))
    cut = None
    seen_title = False
    for i, w in enumerate(words[:-1]):
        n = _norm(w.group())
        if n in TITLE_WORDS:
            seen_title = True
        elif n not in DEMONYMS:
            break
        if seen_title and words[i + 1].group()[:1].isupper() and \
                _norm(words[i + 1].group()) not in TITLE_WORDS | DEMONYMS:
            cut = words[i + 1].start()
    return (cut, end) if cut is not None else (start, end)


# Titles of address, not of nobility: after one, a name's "of PLACE" says where the person
# lives ("Mr Jackson of Keswick", "Dr Hunter of London"), while a peer's "of" is part of his
# title ("Lord Lyttelton of Frankley", "Duke of Ormond").
ADDRESS_TITLES = frozenset("""
    mr mrs miss ms mister messrs master mistress dr doctor rev revd reverend prof professor
    capt captain lieut lt col colonel maj major gen general sir dame
""".split())
_NAME_WORDS = rf"[{_UPPER}][\w’'-]*(?<![’']s)(?:[ \t]+[{_UPPER}][\w’'-]*(?<![’']s)){{0,2}}"
# written with a capital ("Mr", "MR"): "miss", "general", "major", "master" in lower case are
# other words ("I shall miss Anne of Cleves", "the general Body of Christians")
_ADDRESS_TITLE = "(?=[A-Z])(?i:" + "|".join(sorted(ADDRESS_TITLES, key=len, reverse=True)) + \
    r")\.?"
# Peerages and offices held "of" a place: right before "of", the word makes "X of Y" one title
# and name, whatever title of address stands before it ("General Duke of Wellington", "Mr
# Dean of Carlisle"); the place is no one's home there. Lower-case, no dot.
PEER_OF_WORDS = frozenset("""
    duke duchess earl countess marquis marquess marchioness baron baroness viscount viscountess
    lord lady count prince princess king queen emperor empress elector margrave
    bishop archbishop dean abbot abbess prior prioress provost warden master mayor governor
""".split())
# "Mr Jackson of |": a titled name and "of", ending the text before a place's name
_TITLED_OF = re.compile(rf"(?<![\w’']){_ADDRESS_TITLE}[ \t]+{_NAME_WORDS}[ \t]+of[ \t]+$")
# "Mr Jackson of Keswick": the same, with the place's name after it
_TITLED_OF_PLACE = re.compile(rf"(?<![\w’']){_ADDRESS_TITLE}[ \t]+{_NAME_WORDS}[ \t]+of[ \t]+"
                              rf"({_NAME_WORDS})")
_WORD_OF = re.compile(r"([^\W\d_]+)\.?[ \t]+of[ \t]+$")
# cut_designation's, made once: it is tried on every span
_OF_NAME = re.compile(r"[ \t]+of[ \t]+[A-Z]")
_TITLE_OR_ADDRESS = TITLE_WORDS | ADDRESS_TITLES


def _peer_of(text: str, of_end: int) -> bool:
    """The word before the "of" that ends at ``of_end`` is a peerage or an office ("Duke of
    |"): what follows is his title, not where he lives."""
    m = _WORD_OF.search(text, max(0, of_end - 30), of_end)
    return m is not None and _norm(m.group(1)) in PEER_OF_WORDS


def after_titled_name(text: str, start: int) -> bool:
    """The name at ``start`` follows a titled person's name and "of" ("Mr Jackson of
    |Keswick"): it says where that person lives, a place, no person; not after a peerage
    ("General Duke of |Wellington")."""
    return _TITLED_OF.search(text, max(0, start - 60), start) is not None and \
        not _peer_of(text, start)


def cut_designation(text: str, start: int, end: int, type_: str) -> tuple[int, int] | None:
    """A titled person's name ends before "of PLACE" ("Mr Jackson| of Keswick"): the place he
    is "of" is no part of his name, whether the title is in the span or just before it; a
    peer's "Lord Lyttelton of Frankley" is left whole, and so is a peerage or office before
    "of" after any title ("General Duke of Wellington")."""
    if type_ != "person":
        return start, end
    of = _OF_NAME.search(text[start:end])
    if of is None or of.start() == 0:
        return start, end
    words = _WORD.findall(text, start, start + of.start())
    title = words[0] if len(words) > 1 and _norm(words[0]) in _TITLE_OR_ADDRESS else \
        _last_word(text[max(0, start - 40):start])
    if _norm(title) not in ADDRESS_TITLES or not title[:1].isupper() or \
            not all(w[:1].isupper() for w in words) or POSSESSIVE.search(words[-1]) or \
            _norm(words[-1]) in PEER_OF_WORDS:
        return start, end
    return start, start + of.start()


# A letter's salutation before a name ("My dear Coleridge", "Dearest Catherine"): the
# writer's words to the person, no part of the name, whatever the edition does with titles.
_SALUTATION = re.compile(rf"(?i:(?:my[ \t]+)?dear(?:est)?)[ \t]+(?=[{_UPPER}])")


def strip_salutation(text: str, start: int, end: int, type_: str) -> tuple[int, int] | None:
    """"Dear", "My dear", "Dearest", "My dearest" before a name are not part of it ("My dear
    Coleridge" -> "Coleridge", "Dear Mrs Clarkson" -> "Mrs Clarkson", then as titles go)."""
    m = _SALUTATION.match(text, start, end)
    return (m.end(), end) if m and type_ != "date" else (start, end)


def strip_kin(text: str, start: int, end: int, type_: str) -> tuple[int, int] | None:
    """Kin terms before a person's name ("Cousin William", "Aunt Rachel Hale") are not part of
    it; a kin term with no capitalised name after it ("Uncle") is left as it is."""
    if type_ != "person":
        return start, end
    words = list(_WORD.finditer(text, start, end))
    for i, w in enumerate(words[:-1]):
        if w.group().lower() not in KIN_WORDS:
            break
        nxt = words[i + 1]
        if nxt.group()[:1].isupper() and nxt.group().lower() not in KIN_WORDS:
            return nxt.start(), end
    return start, end


def drop_demonym_person(text: str, start: int, end: int, type_: str) -> tuple[int, int] | None:
    """A "person" that starts with a demonym and no title ("Soviet Axis") is not a person."""
    if type_ != "person":
        return start, end
    first = _WORD.match(text, start)
    if first and first.start() == start and _norm(first.group()) in DEMONYMS:
        return None
    return start, end


def demonym(key: str) -> bool:
    """Whether a name key is a nationality or language alone ("hungarian", "germans",
    "yiddish"): made from a place's name, it names a people or a tongue, not the place; a
    name it is part of is none ("German Empire", "Soviet Union")."""
    return key in DEMONYMS or key in LANGUAGES or key[-1:] == "s" and key[:-1] in DEMONYMS


# drop_common_noun's and _last_word's patterns, compiled once: they are tried on every span
_CITATION = re.compile(r"\d+(?:[ \t]*:[ \t]*|\.)\d+")  # "11:3", "10: 41", "3.16"
# a book's chapter and verse after its name: "Luke 12:16-21", "Luke 10: 41"
_CITED_AFTER = re.compile(r"[ \t]+\d{1,3}[ \t]*:[ \t]*\d{1,3}\b")
_NOT_ORDINAL = re.compile(r"[ \t]+\S*\d(?!\d*(?:st|nd|rd|th|d)\b)")
_CAPITALISED_AFTER = re.compile(r"[ \t]+([A-Z][a-z]+)\b")
# a word written as one of a row of abbreviations, a form's choices ("Sing. Mar. Wid. Div.")
_ABBREVIATION_BEFORE = re.compile(r"(?<![\w.])([A-Z][a-z]{1,4})\.[ \t]+$")
_ABBREVIATION_AFTER = re.compile(r"\.[ \t]+([A-Z][a-z]{1,4})\.(?!\w)")


def _abbreviated(text: str, before: str, end: int) -> bool:
    """Whether the word ending at ``end`` is written as one of a row of abbreviations, a
    capitalised one with its stop on either side ("Mar. Wid. Div."), none of them a title
    ("Mr. Wid." is a name)."""
    after = _ABBREVIATION_AFTER.match(text, end)
    if after is None:
        return False
    prior = _ABBREVIATION_BEFORE.search(before)
    return prior is not None and not {_norm(prior.group(1)), _norm(after.group(1))} & TITLE_WORDS


def drop_common_noun(text: str, start: int, end: int, type_: str) -> tuple[int, int] | None:
    """What the text writes as a common noun is no name, whatever its capital letter.

    A person right after "the" ("the Castle"; not a rank: "the Marquis of Buckingham"), one word
    after "a", "an", "every"... ("an Inn", "an old Church"; not "a Stalin-drafted"), a person ending in or followed by
    the head of a building's or street's name ("Chirk Castle", "Second Street"), a citation
    ("Daniel 11:3"; "Luke" before its chapter and verse, "Luke 10: 41"), a function word
    ("The") or lone letter not after a title ("5 ft. X 5 ft.",
    but "Mrs. F."), one of a row of abbreviations ("Sing. Mar. Wid. Div."); a trailing word
    with a digit that is no ordinal is cut ("Henry 7th" kept);
    a place that is a generic word of the landscape or a function word alone ("the River",
    "Town"); a person or place that is or starts with an archaic pronoun ("Thou", "Thy Son").
    """
    first = _WORD.match(text, start)
    if type_ in ("person", "place") and first and first.start() == start and \
            first.group().lower() in ARCHAIC_PRONOUNS:
        return None  # "Thou", "Thy Son"
    if type_ == "place":
        return None if text[start:end].lower() in _NO_PLACE else (start, end)
    if type_ != "person":
        return start, end
    if _CITATION.search(text, start, end) or (
            _CITED_AFTER.match(text, end) and " " not in text[start:end].strip()):
        return None  # a citation: "Daniel 11:3", "Luke" of "Luke 10: 41"
    # a trailing word with a digit that is no ordinal ("Belhaven 3 miles") is not the name's
    digit = _NOT_ORDINAL.search(text[start:end])
    if digit:
        end = start + digit.start()
    span = text[start:end]
    words = _WORD.findall(span)
    before = text[max(0, start - 40):start]
    if not words or span.isdigit():
        return None
    if len(words) == 1 and (words[0].lower() in _FUNCTION or (
            len(words[0].rstrip(".")) == 1 and _norm(_last_word(before)) not in TITLE_WORDS)):
        return None  # "The", a lone letter ("5 ft. X 5 ft."; "Mrs. F." kept)
    if len(words) == 1 and _abbreviated(text, before, end):
        return None  # "Wid." among a form's "Sing. Mar. Wid. Div."
    # "a Stalin-drafted agreement": the article goes with the compound, not the name
    # "a Mrs Read": a title of address, with its capital, names her; an office in lower case
    # does not ("the chief Proprietor", "the general Opinion")
    title = _last_word(before)
    ranked = _norm(words[0]) in _RANKED or text[end:end + 1] in ("-", "–") or \
        title[:1].isupper() and _norm(title) in TITLE_WORDS
    backwards = before[::-1]
    if not ranked and (_THE.match(backwards) or len(words) == 1 and (
            _DETERMINER.match(backwards) or _DETERMINER_ADJ.match(backwards))):
        return None
    after = _CAPITALISED_AFTER.match(text[end:end + 30])
    if _norm(words[-1]) in PLACE_HEADS or (after and after.group(1).lower() in PLACE_HEADS):
        return None
    return start, end


def drop_degree_phrase(text: str, start: int, end: int, type_: str) -> tuple[int, int] | None:
    """A name that opens with an adverb of degree ("Very Dull", "Quite Poor") is an adjective
    phrase a diarist capitalised, no name."""
    first = _WORD.match(text, start)
    if type_ != "date" and first and first.start() == start and \
            first.group().lower() in DEGREE_WORDS:
        return None
    return start, end


def drop_title_alone(text: str, start: int, end: int, type_: str) -> tuple[int, int] | None:
    """A title or office with no name after it ("Lord", "Lady", "Mrs", "Treasurer", "Ly.")
    names nobody in particular: the name it goes with, when there is one, is marked. A
    person's title of nobility ("Duke |of Feria|") takes in the place it is named by."""
    words = _WORD.findall(text, start, end)
    if type_ != "date" and words and all(_norm(w) in TITLE_WORDS for w in words):
        of = _OF_NAME.match(text, end)
        return (start, of.end()) if of and type_ == "person" else None
    return start, end


_OF_NAME = re.compile(r"[ \t]+of[ \t]+[A-Z][\w’'-]*")


def drop_bare_direction(text: str, start: int, end: int, type_: str) -> tuple[int, int] | None:
    """A compass point alone ("the East") is a direction, not a place to mark."""
    if type_ == "place" and text[start:end].lower() in DIRECTIONS:
        return None
    return start, end


def drop_uncapitalised(text: str, start: int, end: int, type_: str) -> tuple[int, int] | None:
    """A name with no capital letter ("minister") is not a proper name."""
    if type_ != "date" and not any(ch.isupper() for ch in text[start:end]):
        return None
    return start, end


def extend_given_names(text: str, start: int, end: int, type_: str) -> tuple[int, int] | None:
    """Take in given names the model left out: ", Adolf |Hitler|" becomes "Adolf Hitler".

    A capitalised word right before a person's name joins it unless it starts a sentence, is a
    title, a demonym or a function word. Name particles ("von") join when a given name precedes.
    """
    if type_ != "person":
        return start, end
    while True:
        m = _GIVEN_BEFORE_REVERSED.match(text[max(0, start - 40):start][::-1])
        if m is None or "\n" in m.group(1):
            return start, end
        word = m.group(2)[::-1]
        w_start = start - len(m.group(0))
        n = _norm(word)
        if n in PARTICLES:
            before = _WORD_ON_LINE_BEFORE.search(text[max(0, w_start - 40):w_start])
            if before is None or not before.group(1)[:1].isupper() or \
                    _sentence_start(text, w_start - len(before.group(0))):
                return start, end
            start = w_start
            continue
        if not word[:1].isupper() or n in TITLE_WORDS or n in DEMONYMS or n in _NOT_GIVEN \
                or n in KIN_WORDS \
                or _sentence_start(text, w_start) or word.isupper() and len(word) > 1:
            return start, end
        start = w_start


def _sentence_start(text: str, pos: int) -> bool:
    before = text[max(0, pos - 4):pos]
    return pos == 0 or bool(_AFTER_STOP.search(before)) and \
        not _AFTER_TITLE.search(text[max(0, pos - 8):pos])


RULES: tuple[Rule, ...] = (
    strip_edge_punctuation,
    strip_leading_connective,
    strip_leading_article,
    strip_salutation,
    cut_designation,
    strip_title,
    strip_kin,
    strip_possessive,
    strip_edge_punctuation,
    drop_uncapitalised,
    drop_demonym_person,
    drop_degree_phrase,
    drop_title_alone,
    drop_bare_direction,
    drop_common_noun,
    extend_given_names,
)
# Applied to the names the register and the text's own names find again, too.
HIT_RULES: tuple[Rule, ...] = (drop_degree_phrase, drop_title_alone, drop_common_noun)


# -- titles -------------------------------------------------------------------------------------
# Names inside the title of an event, treaty, operation or work are not marked ("Molotov" in
# "Molotov–Ribbentrop Pact", "France" in "Battle of France"): the model's title-like spans
# (labels mapped to TITLE in the label map) and titles found by these patterns.
TITLE = "title"  # the label map's value for spaCy labels whose spans are titles
# A capitalised word, or a compound of them ("German–Soviet", "Brest-Litovsk").
_CAP = rf"[{_UPPER}][\w’']*(?:[–-][{_UPPER}][\w’']*)*"
_TREATY_HEADS = "Pact|Treaty|Agreement|Accords?|Protocol|Convention|Declaration|Conference|Talks"
_TALKS = "talks|negotiations|pact|treaty|agreement"
_OF_HEADS = "Battle|Siege|Treaty|Peace|Congress|Sack|Fall|Invasion"
# A capitalised word at a word's start: its capital first, the word edge checked behind it, so
# a pattern opening with one is searched for at the capitals alone (one opening with \b is tried
# at every character).
_CAP_AT = rf"[{_UPPER}](?<!\w.)[\w’']*(?:[–-][{_UPPER}][\w’']*)*"


def _words_at(words: str) -> str:
    """An alternation of words ("A|B"), each at a word's start, the edge checked behind each
    word: a pattern opening with it is searched for at their first letters alone."""
    return "|".join(rf"{w}(?<!\w{w})" for w in words.split("|"))


# Each pattern with the words one of which a text must hold for the pattern to be tried (each
# pattern's head or first word, a whole word of the text).
_TITLE_PATTERNS = (
    # "Molotov–Ribbentrop Pact", "Munich Agreement": up to four capitalised words + a head.
    (re.compile(rf"{_CAP_AT}[ \t]+(?:{_CAP}[ \t]+){{0,3}}(?:{_TREATY_HEADS})\b"),
     frozenset(_TREATY_HEADS.replace("Accords?", "Accord|Accords").split("|"))),
    # "German–Soviet Axis talks": a compound and one more capitalised word + lower-case talks.
    (re.compile(rf"{_CAP_AT}[–-]{_CAP}(?:[ \t]+{_CAP}){{1,3}}[ \t]+(?:{_TALKS})\b"),
     frozenset(_TALKS.split("|"))),
    # "Battle of France", "Treaty of Versailles", "Siege of the Alcázar".
    (re.compile(rf"(?:{_words_at(_OF_HEADS)})[ \t]+of[ \t]+(?:the[ \t]+)?{_CAP}"
                rf"(?:[ \t]+{_CAP})?"),
     frozenset(_OF_HEADS.split("|"))),
    # "Operation Barbarossa", "Operation Sea Lion".
    (re.compile(rf"{_words_at('Operation')}[ \t]+{_CAP}(?:[ \t]+{_CAP})?"), frozenset({"Operation"})),
)


def find_titles(text: str, words: TextWords | None = None) -> list[tuple[int, int]]:
    """Titles of treaties, events and operations the text writes as such, by pattern.
    ``words``: the text's words, where they are at hand: a pattern is tried where they hold
    one of its words (was: each word searched for in the text, longer than the patterns)."""
    def holds(needs: frozenset[str]) -> bool:
        if words is None:
            return any(word in text for word in needs)
        return not words.written.isdisjoint(needs)

    return sorted((m.start(), m.end()) for pattern, needs in _TITLE_PATTERNS
                  if holds(needs) for m in pattern.finditer(text))


def drop_inside_title(titles: Iterable[tuple[int, int]]) -> Rule:
    """A name inside a title ("France" in "Battle of France") is part of the title, not marked.

    ``titles`` are the model's title-like spans (EVENT, LAW, WORK_OF_ART by default) and
    ``find_titles``; the rule drops a person, place or organisation that overlaps one of them.
    Dates are kept.
    """
    spans = sorted(titles)
    starts = [s for s, _ in spans]
    ends = list(itertools.accumulate((e for _, e in spans), max))  # furthest end so far

    def rule(text: str, start: int, end: int, type_: str) -> tuple[int, int] | None:
        if type_ == "date":
            return start, end
        i = bisect.bisect_left(starts, end)  # titles that start before the name ends
        return None if i and ends[i - 1] > start else (start, end)

    rule.__name__ = "drop_inside_title"
    return rule


# An address is not prose: a register's idno or a link in a note ("https://de.wikipedia.org/
# wiki/Arthur_Schnitzler", "www.example.org/S.04.02.15") holds no person and no date to mark.
_ADDRESS = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*://|www\.)[^\s<>\"]+"
                      r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def address_mask(text: str) -> bytearray:
    """1 at each character of a web address or an e-mail address in ``text``: no proposal is
    made over one."""
    mask = bytearray(len(text))
    if "://" not in text and "www." not in text and "@" not in text:
        return mask  # most texts: a substring search, not the pattern tried at every word
    for m in _ADDRESS.finditer(text):
        mask[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    return mask


_BREAK = re.compile(r"\n[ \t]*\n\s*")


def split_at_breaks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A span cut at each block break (a blank line) inside it: no name or date runs from one
    block into the next, but the model reads across them ("March 1771" heading a month and
    "Third month 1." opening its first entry came as one date)."""
    if not crosses_block(text, start, end):
        return [(start, end)]
    out = []
    for m in _BREAK.finditer(text, start, end):
        if m.start() > start:
            out.append((start, m.start()))
        start = m.end()
    if end > start:
        out.append((start, end))
    return out


def clean_span(text: str, start: int, end: int, type_: str,
               rules: tuple[Rule, ...] = RULES) -> tuple[int, int] | None:
    """The span after every rule, or None when a rule drops it."""
    span = (start, end)
    for rule in rules:
        kept = rule(text, span[0], span[1], type_)
        if kept is None:
            return None
        span = kept
    return span


# -- places the model calls persons ----------------------------------------------------------
# Prepositions of place and motion: "lay at Bala", "came to Carnarvon", "the road through Aber".
LOCATIVES = frozenset("""
    at in near to from through towards toward into across via beyond
""".split())
_NAME_GOES_ON = re.compile(r"[ \t]+([A-Z][\w-]*)")
_BEFORE = re.compile(r"([^\W\d_]+)[.:]?\s+(?:([^\W\d_]+)\s+)?$")
# _BEFORE over the text before a name reversed, one match at its start: the last word, and the
# word before it, read backwards (the search tried at every character of the 40, each word's
# letters taken and given back one by one; _before_name)
_BEFORE_REVERSED = re.compile(r"\s+(?:([^\W\d_]+)\s+[.:]?([^\W\d_]+)|[.:]?([^\W\d_]+))")


def _kin(word: str) -> bool:
    w = word.lower()
    return w in KIN_WORDS or w.endswith("s") and w[:-1] in KIN_WORDS or w in ("heir", "heiress")


def places_by_context(text: str, names: Sequence[tuple[int, int, str]],
                      words: TextWords | None = None) -> list[tuple[int, int, str]]:
    """A name the model calls a person that this text writes after a preposition of place
    more often than as a person is a place, everywhere in the text.

    Each written form of a person name is looked for throughout the text. Where it stands
    after "at", "in", "to", "from", "near", "through"... or after "the town of" (a place
    word and "of") or a titled person's name and "of" ("Mr Jackson of Keswick"), that counts
    for a place; after a title ("Mr.", "Lady"), a kin term
    ("his Sons Madawc", "Heir to Meredith", "daughter of Owen") or as the family
    name of a longer person name of the text ("Pennant" beside "Thomas Pennant"), for a
    person; a possessive ("went to Coles' house") or the start of a longer person name of the
    text ("to William Hunt's" beside the person "William Hunt") counts for neither. A name of
    one word
    with more place than person contexts, and at least one, becomes a place: the small
    English model calls Snowdon, Llangollen and Carnarvon persons in a travel diary.
    Names of two words or more ("John Cowperthwaite") stay persons.
    ``words``: the text's words, where they are at hand: a name that is one of them is found
    where they are written (was: a pattern made and searched for over the text for each name).
    """
    persons = {text[s:e] for s, e, t in names if t == "person"}
    family = {w for p in persons for w in p.split()[1:]}
    places = set()
    one = [p for p in persons if " " not in p and p not in family and p[:1].isupper()]
    at = _written_at(text, [p for p in one if _ONE_WORD.fullmatch(p)], words) \
        if words is not None else {}
    for surface in one:
        place = person = 0
        if surface in at:
            found: Iterable[tuple[int, int]] = at[surface]
        else:
            # the name first, the word edge checked behind it: a pattern that opens with a
            # literal is searched for fast, one opening with a lookbehind is tried at every offset
            word = re.escape(surface)
            found = (m.span() for m in re.finditer(rf"{word}(?<![\w’'-]{word})(?![\w-])", text))
        for start, end in found:
            if text[end:end + 1] in ("'", "’"):
                continue  # "Coles' house", "Pennant's Tour": a person's
            more = _NAME_GOES_ON.match(text, end)
            if more and f"{surface} {more.group(1)}" in persons:
                continue  # "to William Hunt's": the first word of a longer person name
            before = _before_name(text, start)
            if before is None:
                continue
            last, prev = before
            if _norm(last) in TITLE_WORDS or _kin(last) or \
                    last.lower() in ("to", "of") and _kin(prev):
                person += 1  # "Mr. Jones", "his Sons Madawc", "Son and Heir to Meredith"
            elif last.lower() in LOCATIVES or last.lower() == "of" and (
                    prev.lower() in PLACE_OF or after_titled_name(text, start)):
                place += 1
        if place > person:
            places.add(surface)
    if not places:
        return list(names)
    return [(s, e, "place" if t == "person" and text[s:e] in places else t)
            for s, e, t in names]


def _before_name(text: str, start: int) -> tuple[str, str] | None:
    """The last word of the 40 characters before ``start`` and the word before it ('' when
    the one before is no word), as _BEFORE finds them (both only when spaces alone end the
    text after the last, a stop or colon after the one before allowed); None when no word
    and spaces end it."""
    m = _BEFORE_REVERSED.match(text[max(0, start - 40):start][::-1])
    if m is None:
        return None
    if m.group(3) is not None:
        return m.group(3)[::-1], ""
    return m.group(1)[::-1], m.group(2)[::-1]


_ONE_WORD = re.compile(r"[^\W_]+")  # one word of TextWords


def _written_at(text: str, names: Sequence[str], words: TextWords
                ) -> dict[str, list[tuple[int, int]]]:
    """Where each of ``names`` (capitalised words of ``words``) is written as a word of its
    own, as ``places_by_context``'s pattern finds it: not after a word character, a hyphen or
    an apostrophe, nor before a word character or a hyphen ("_" and those end a word of the
    text; a word's other neighbours are no word characters)."""
    wanted = set(names)
    at: dict[str, list[tuple[int, int]]] = {n: [] for n in names}
    if not wanted:
        return at
    ws, ends = words.words, words.ends
    for i in words.capitals:
        w = ws[i]
        if w in wanted:
            start, end = ends[2 * i], ends[2 * i + 1]
            if text[start - 1:start] not in ("_", "’", "'", "-") and \
                    text[end:end + 1] not in ("_", "-"):
                at[w].append((start, end))
    return at


# -- places the model missed ------------------------------------------------------------------
# "lay at Llandilo", "walked from Tenby", "went to Aberystwith": a capitalised name right after
# a preposition of place is a place; "to" only after a verb or noun of motion, since older
# English capitalises what follows an infinitive's "to" ("to Dine", "to Breakfast").
_MOTION = r"(?:went|go|goes|going|gone|came|come|comes|coming|walked|rode|drove|sailed|" \
    r"returned|proceeded|travelled|traveled|journeyed|removed|moved|set[ \t]+out|" \
    r"set[ \t]+off|sent|deported|transported|taken|brought|arrived|got|road|way|miles?|" \
    r"journey|return|route|letter|transport|transports)"
# (the lookahead is the first letters of the words: most places are rejected by it alone)
_AFTER_PREPOSITION = re.compile(
    rf"(?<![\w’'])(?=(?i:[abcdfgijlmnprstvw]))"
    rf"(?i:at|from|near|through|towards|toward|into|via|beyond|reached|"
    rf"{_MOTION}[ \t]+to)[ \t]+"
    r"((?:[A-Z][\w’'-]*)(?:[ \t]+[A-Z][\w’'-]*){0,3})")
# The first words of those two patterns, a whole word of the text each (each is followed by a
# space, and a word character before it keeps the pattern from matching), as they match them.
_MOTION_FIRST = _MOTION.replace(r"[ \t]+out", "").replace(r"[ \t]+off", "")  # "set"
_PREPOSITION_FIRST = re.compile(
    rf"(?i:at|from|near|through|towards|toward|into|via|beyond|reached|{_MOTION_FIRST})")
_TITLE_FIRST = re.compile(_ADDRESS_TITLE.removesuffix(r"\.?"))


@functools.cache  # made when first asked: thousands of words, no cost to an import
def _casings(pattern: re.Pattern[str]) -> frozenset[str]:
    """Every word of ASCII letters that a pattern of (?i:) words matches whole, "At", "aT"..."""
    words = re.findall(r"[a-z]+\??", pattern.pattern.split("(?i:", 1)[1])
    words = [w for x in words for w in ((x[:-1], x[:-2]) if x.endswith("?") else (x,))]
    return frozenset(f for f in ("".join(p) for w in words for p in itertools.product(
        *((c, c.upper()) for c in w))) if pattern.fullmatch(f))


def _at_words(pattern: re.Pattern[str], first: re.Pattern[str], words: TextWords
              ) -> Iterator[re.Match[str]]:
    """``pattern.finditer(words.text)`` for a pattern whose matches each begin with a whole word
    of the text that ``first`` matches: the pattern tried
    at those words only (was: at every character, the long alternation of its first words at
    each word's start, a tenth of a propose run's own work)."""
    text, ends = words.text, words.ends
    written = words.written
    hits = written & _casings(first)
    if not text.isascii():  # (?i:) takes "ſ" for an "s", the Kelvin sign for a "k"
        hits |= {w for w in written if not w.isascii() and first.fullmatch(w)}
    pos = 0
    for i in [i for i, w in enumerate(words.words) if w in hits]:
        if ends[2 * i] >= pos and (m := pattern.match(text, ends[2 * i])) is not None:
            yield m
            pos = m.end()


# the same prepositions, ending the text before a word ("at |", "went to |")
_PREPOSITION_BEFORE = re.compile(
    rf"(?<![\w’'])(?i:at|from|near|through|towards|toward|into|via|beyond|reached|"
    rf"{_MOTION}[ \t]+to)[ \t]+$")
_IN_BEFORE = re.compile(r"(?<![\w’'])(?i:in)[ \t]+$")
_JOINED_BEFORE = re.compile(r"([^\W_][\w.]*)[ \t]$")
_CAPITAL_AFTER = re.compile(r"[ \t]([^\W\d_])")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;][\"'’”)\]]*[ \t]+|\n[ \t]*)$")


def in_longer_name(text: str, start: int, end: int) -> bool:
    """The word at ``start:end`` is one of a longer capitalised name: a capitalised word
    joined to it by a space after ("Montgomery Square", "Bangor Cathedral") or before
    ("Henrietta Maria"); not a title or a function word before ("Mr White", "At Haines's"),
    nor a word that ends a sentence ("Mother. Camp") or begins one ("Later Theresienstadt")."""
    before = _JOINED_BEFORE.search(text, max(0, start - 40), start)
    if before is not None:
        word = before.group(1)
        if word[0].isupper() and (not word.endswith(".") or "." in word[:-1]) and \
                _norm(word) not in TITLE_WORDS and word.lower() not in _FUNCTION and \
                not _SENTENCE_START.search(text, max(0, before.start() - 8), before.start()):
            return True
    after = _CAPITAL_AFTER.match(text, end)
    return after is not None and after.group(1).isupper()


def named_by_context(text: str, start: int, type_: str, *, known: bool = False) -> bool:
    """The words before ``start`` make the word there a name of ``type_``: a title before a
    person's ("Mr White", "Dr. Paul"), a preposition of place before a place's ("at Mold").
    ``known``: the word is a place the register confirms, which "in" names too ("stayed in
    Bath"); it names no new place ("in Bed", "in Meeting" in a text that capitalises nouns)."""
    before = text[max(0, start - 40):start]
    if type_ == "person":
        return _norm(_last_word(before)) in TITLE_WORDS
    return type_ == "place" and (_PREPOSITION_BEFORE.search(before) is not None or
                                 known and _IN_BEFORE.search(before) is not None)


_NOT_PLACE_FIRST = TITLE_WORDS | _FUNCTION | DEMONYMS | KIN_WORDS | DIRECTIONS | frozenset("""
    i which what whom whose where whence one nothing all
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    monday tuesday wednesday thursday friday saturday sunday god christ
""".split())
# Nouns English takes as a destination without an article ("went to Church", "at Dinner",
# "from School"): capitalised in older texts, no place's name alone.
_BARE_DESTINATIONS = frozenset("""
    breakfast dinner supper tea bed church chapel meeting school college market home work
    town sea court prison hospital camp table prayers service
""".split())


def places_after_prepositions(text: str, names: Sequence[tuple[int, int, str]],
                              noun: Callable[[str], bool], split: TextWords | None = None
                              ) -> list[tuple[int, int]]:
    """Spans of capitalised names the text writes right after a preposition of place ("lay
    at Llandilo", "went to Aberystwith") or after a titled person's name and "of" ("Mrs
    Clarkson of Bury") that no name of ``names`` covers: places the model missed. Not a title, a kin term, a month or weekday, a possessive ("went to Coles'": a
    person's house), a one-word common noun of the text (``noun``), or a person's name of the
    text or a word of one. ``split``: the text's words, where they are at hand."""
    taken = bytearray(len(text))
    person_words: set[str] = set()
    for s, e, t in names:
        taken[s:e] = b"\x01" * (e - s)
        if t == "person":
            person_words.update(w.lower() for w in _WORD.findall(text, s, e))
    out = []
    split = TextWords(text) if split is None else split
    for m in itertools.chain(_at_words(_AFTER_PREPOSITION, _PREPOSITION_FIRST, split),
                             _at_words(_TITLED_OF_PLACE, _TITLE_FIRST, split)):
        s, e = m.span(1)
        words = text[s:e].split()
        if _norm(words[0]) in _NOT_PLACE_FIRST or _POSSESSIVE_END.search(words[-1]) or \
                _peer_of(text, s) or \
                text[e:e + 1] in ("'", "’", "-") or taken.find(1, s, e) != -1 or \
                any(w.lower() in person_words for w in words) or \
                len(words) == 1 and (noun(words[0].lower()) or
                                     words[0].lower() in _BARE_DESTINATIONS):
            continue
        out.append((s, e))
    return out


# -- the place of a dateline ------------------------------------------------------------------
# A run of capitalised words, with the small words place names hold ("Isle of Wight",
# "Stratford upon Avon", "Frankfurt am Main").
_PLACE_RUN = re.compile(rf"[{_UPPER}][\w’'.-]*(?:[ \t]+(?:(?:of|upon|on|in|the|de|la|le|am|an|"
                        rf"der|sur)[ \t]+)*[{_UPPER}][\w’'.-]*)*")
# A docket's or a note's abbreviations, no word of the model's lexicon ("Recd", "N.B.").
_DOCKET = frozenset("recd rec'd rec’d answd ans'd ans’d endd nb ps pp".split())
_POSSESSIVE = re.compile(r"['’]s?(?![\w’'])")


def _common_word(word: str, common: Callable[[str], bool]) -> bool:
    """``word`` is a common word of the language (``common``), a past form of one
    ("Answered") or a docket's abbreviation ("Recd", "N.B."): a dateline's endorsement."""
    w = word.lower().replace(".", "")
    return w in _DOCKET or common(w) or w.endswith("ed") and (common(w[:-1]) or common(w[:-2]))


def _dateline_pieces(text: str, a: int, b: int,
                     common: Callable[[str], bool]) -> list[list[re.Match[str]]]:
    """The capitalised runs of ``text[a:b]`` as lists of words, a run cut after a common word
    that ends a sentence ("Private. London": "Private." and "London")."""
    pieces = []
    for m in _PLACE_RUN.finditer(text, a, b):
        words: list[re.Match[str]] = []
        for w in _WORD.finditer(text, m.start(), m.end()):
            words.append(w)
            if w.group().endswith(".") and _common_word(w.group(), common):
                pieces.append(words)
                words = []
        if words:
            pieces.append(words)
    return pieces


def dateline_places(text: str, datelines: Iterable[tuple[int, int]],
                    names: Sequence[tuple[int, int, str]], dates: Sequence[tuple[int, int]],
                    common: Callable[[str], bool] = lambda word: False
                    ) -> tuple[list[tuple[int, int, str]], list[tuple[int, int]]]:
    """A dateline names where and when a letter was written ("Grasmere, Monday 3d March
    1806", "Stratton Street, Feby. 21. 1786"): the capitalised words right before its first
    date are a place, and those before them set off by commas only ("Rydal Mount, Kendal").
    Returns ``names`` with the persons there made places, and the runs there no name or date
    covers (the places the model missed). Not a place: a dateline opening with its date ("3.",
    "10th Month 3rd, 1823") or with no date in it, what a lower-case word or a full stop
    parts from the date ("On board the Bellerophon", "Private. London": only the last run),
    a person's house ("At Mr Clarkson's, Bury": the person stays one), a person further from
    the date than the first run ("W. Wordsworth, Grasmere"), a salutation ("Dear Sir,"), and
    a common word of the language (``common``: ``nlp.lexicon``'s) but one after "at" or set off
    by commas like a place ("Bath, 3 March"): an endorsement ("Received 3 March 1806", "Copy.",
    "N.B.", "Sent by Post,")."""
    starts = sorted(s for s, _ in dates)
    parts = []
    for a, b in datelines:
        i = bisect.bisect_left(starts, a)  # the first date starting in the dateline
        if i < len(starts) and starts[i] < b and text[a:starts[i]].strip():
            parts.append((a, starts[i]))
    if not parts:
        return list(names), []
    taken = bytearray(len(text))
    for s, e in (*((s, e) for s, e, _ in names), *dates):
        taken[s:e] = b"\x01" * (e - s)
    persons = [(s, e) for s, e, t in names if t == "person"]
    placed: set[tuple[int, int]] = set()  # the persons made places
    found = []
    for a, b in parts:
        edge, nearest = b, True  # where the runs before the date have reached
        for words in reversed(_dateline_pieces(text, a, b, common)):
            if re.search(r"[^\W_]", text[words[-1].end():edge]):
                break  # a lower-case word or a number between it and the date
            first = edge = words[0].start()
            while words and _norm(words[-1].group()) in _NOT_PLACE_FIRST:
                words.pop()  # a weekday or month the date left out ("Grasmere Monday")
            if not words:
                continue
            at = _norm(words[0].group()) == "at"
            words = words[1:] if at else words  # "At Bury"
            if not words or _SALUTATION.match(text, first) or \
                    _norm(words[0].group()) in _NOT_PLACE_FIRST or \
                    _POSSESSIVE.search(words[-1].group()) or \
                    _POSSESSIVE.match(text, words[-1].end()):
                break  # a salutation, a title, a person's house ("Mrs Smith's")
            s, e = words[0].start(), words[-1].end()
            here = [p for p in persons if s <= p[0] and p[1] <= e]
            if here and not nearest or len(words) == 1 and \
                    _common_word(words[0].group(), common) and not at and not (
                        text[e:e + 1] == "," and text[a:s].rstrip()[-1:] in ("", ",")):
                break
            placed.update(here)
            span = strip_edge_punctuation(text, s, e, "place")
            if span is not None and taken.find(1, *span) == -1:
                found.append(span)
            nearest = False
            if at:
                break
    retyped = [(s, e, "place" if (s, e) in placed else t) for s, e, t in names]
    return retyped, sorted(found)
