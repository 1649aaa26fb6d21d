"""Candidate entities: the mentions that name one person, place or organisation, grouped.

One review decision covers every mention of a candidate, so grouping is what saves the editor
work: "Adolf Hitler", "Hitler" and "Hitler's" are one candidate, "Joachim von Ribbentrop" and
"Ribbentrop" another, within a source and across sources, and a name already in the register
links to its register entry. Entity ids are ``<type>-<slug of the preferred name>`` with
``-2``, ``-3`` on a collision; once assigned an id never changes.

Pure functions over plain records; the store and spaCy stay outside.

DOCS: docs/proposals.md#grouping
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal, NamedTuple

from annotator.text import slug

POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$")
_WORDS = re.compile(r"[^\W_]+")
# What may stand between two words of one name in running text: "J. R. R.", "Jean-Paul".
_JOIN = re.compile(r"[ \t.\-–'’]{1,3}")
PARTICLES = frozenset({"von", "van", "de", "der", "den", "du", "da", "di", "del", "la", "le",
                        "zu", "ten", "ter", "bin", "ibn", "al"})


@functools.lru_cache(maxsize=1 << 15)  # a word's forms come back in every source
def _fold(text: str) -> str:
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@functools.lru_cache(maxsize=8192)  # the same names come back in every source and step
def name_key(surface: str) -> str:
    """The matching key of a name: folded case and accents, no possessive, no leading "the".

    "Hitler's" -> "hitler"; "the Soviet Union" -> "soviet union"; "Jean-Paul" -> "jean paul".
    """
    text = POSSESSIVE.sub("", surface.strip())
    words = _WORDS.findall(_fold(text))
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def entity_id(type_: str, preferred: str, taken: set[str] | frozenset[str]) -> str:
    """A new entity id ``<type>-<slug>``, with ``-2``, ``-3``... when the id is taken."""
    return free_id(f"{type_}-{slug(preferred)}", taken)


def free_id(base: str, taken: set[str] | frozenset[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... the first not taken."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


@functools.lru_cache(maxsize=8192)  # asked for every known person, once per source
def surname_keys(key: str) -> tuple[str, ...]:
    """Shorter keys that name the same person: "joachim von ribbentrop" -> "von ribbentrop",
    "ribbentrop". Only the family name at the end, never a given name alone."""
    words = key.split()
    if len(words) < 2:
        return ()
    out = []
    for i in range(1, len(words)):
        tail = words[i:]
        if tail[0] in PARTICLES and len(tail) == 1:
            continue
        if len(tail) == 1 and len(tail[0]) < 3:
            continue
        out.append(" ".join(tail))
    return tuple(out)


@functools.lru_cache(maxsize=8192)  # asked of every person's name at each step that groups
def ends_in_family_name(surface: str) -> bool:
    """Whether a person's written name ends in the family name, so that its shorter keys
    (``surname_keys``) name the person too: not a name written inverted ("Kaplan, Israel",
    whose last word is the given name), nor one with a qualifier ("Perutz (husband of Ella
    Meyer, narrator's mother)", whose last word is a word of the description), nor a list or
    a phrase ("Mr Underwood Mr Nicolson and his friend"), nor a description: a noun after a
    lower-case word that is no title or particle ("a Friend", "old Lady"; "late Duke of
    Ormond", "sir Thomas", "ap Griffri" are names), a kin word at its end ("4th. Son")."""
    words = _WORDS.findall(surface)
    if not words or any(c in surface for c in ",([") or _joined(surface) or \
            any(w.lower() in _NO_NAME for w in words) or words[-1].lower() in KIN_WORDS:
        return False
    first = words[0]
    described = first[0].islower() and (first in ("a", "an") or first not in _NOT_OF_THE_NAME
                                        and first not in _CONNECTORS)
    return not described or sum(w[0].isupper() for w in words) > 1


def given_names(surface: str) -> tuple[str, ...]:
    """The keys of the words a person's written name holds before the family name ("adolf" of
    "Adolf Hitler", "israel" of "Israel Kaplan", which the register makes of "Kaplan,
    Israel"), no title or particle; none of a name not so written, nor of one hyphenated word
    ("Schäfer-Mierhofers"). A word the edition writes as one's given name is no sure family
    name of another: a lone "John" is not surely "John, Erich" where "Gunther, John" is
    known too."""
    if not ends_in_family_name(surface):
        return ()
    words = (name_key(w) for w in surface.split()[:-1])
    return tuple(w for w in words if w and w not in PARTICLES and w not in _NOT_OF_THE_NAME)


def family_keys(surface: str) -> tuple[str, ...]:
    """The shorter keys a written person's name is known by ("hitler" of "Adolf Hitler"),
    none where its last word is no family name (``ends_in_family_name``)."""
    return surname_keys(name_key(surface)) if ends_in_family_name(surface) else ()


_QUALIFIER = re.compile(r"\s*\([^)]*\)")  # "(SS, Buchenwald)"
_STRAY_STOP = re.compile(r"(?:^| )[.;:]+(?= |$)")  # a stop left alone: "Perutz ."


def name_forms(name: str) -> tuple[str, ...]:
    """The ways a register name is written in running text: the name without a qualifier in
    brackets ("Abraham (SS, Buchenwald)" -> "Abraham", "Perutz (husband of Ella Meyer)." ->
    "Perutz": the stop that ended the qualifier goes with it) and, for "Surname, Given",
    "Given Surname".
    """
    # most names have neither a qualifier nor a stray stop: their searches are skipped
    plain = " ".join((_QUALIFIER.sub(" ", name) if "(" in name else name).split()
                     ).replace(" ,", ",")
    if "." in plain or ";" in plain or ":" in plain:
        plain = _STRAY_STOP.sub("", plain)
    plain = plain.strip(" ,;")
    out = [n for n in (name.strip(), plain) if n]
    if plain.count(",") == 1:
        family, given = (p.strip() for p in plain.split(","))
        if family and given and not any(ch.isdigit() for ch in plain):
            out.append(f"{given} {family}")
    return tuple(dict.fromkeys(out))


@functools.lru_cache(maxsize=8192)  # an entity's forms come back with every file naming it
def display_name(surface: str) -> str:
    """A surface as a register name: one space between words, no possessive, no "the"."""
    text = POSSESSIVE.sub("", " ".join(surface.split()))
    return text[4:] if text.startswith("the ") and len(text) > 4 else text


# Titles, ranks and offices that stand before a name and are not part of it (lower-case, no dot).
TITLE_WORDS = frozenset("""
    lt lieut lieutenant gen general col colonel maj major capt captain cmdr commander adm admiral
    marshal field fieldmarshal sgt sergeant cpl corporal pvt private brig brigadier
    foreign interior defence defense war finance prime deputy vice chief first
    minister secretary president chancellor premier ambassador envoy consul diplomat
    commissar chairman leader dictator general-secretary
    king queen prince princess duke duchess emperor empress tsar czar kaiser sultan shah pope
    saint st sir dame lord lady mr mrs ms miss dr prof professor herr frau comrade monsieur
    senator governor mayor bishop archbishop cardinal father reverend rev count countess baron
    baroness earl führer fuhrer duce generalissimo ld ly treasurer
    mister doctor mistress madam madame
""".split())
# Titles that say a person's sex: a name after one is nobody's whose every form has a title
# of the other ("Mr Pennant" is not Curious Travellers' "Mrs Pennant"). Lower-case, no dot.
MALE_TITLES = frozenset("mr mister messrs sir lord herr monsieur".split())
FEMALE_TITLES = frozenset(
    "mrs ms miss misses lady madam madame mme mlle mademoiselle dame frau mistress".split())
# the word just before a name, a title's full stop left out ("Mr. Pennant": "Mr"):
# ([^\W\d_]+)\.?[ \t]+$ over the text before it, matched at the start of that text reversed
# (a search for it tries every place of the text, and a word's letters again from each of them),
# a newline after the spaces as $ takes one (``last_word``; spans reads the word before a name
# with it too)
_LAST_WORD_REVERSED = re.compile(r"\n?[ \t]+\.?([^\W\d_]+)")


def last_word(text: str) -> str:
    """The last word before spaces ending ``text`` ("Mr" of "met Mr. "), read backwards;
    '' for none."""
    m = _LAST_WORD_REVERSED.match(text[::-1])
    return m.group(1)[::-1] if m else ""


def _title_sex(word: str) -> str:
    """'m' or 'f' for a title saying the sex, '' for any other word."""
    word = word.casefold()
    return "m" if word in MALE_TITLES else "f" if word in FEMALE_TITLES else ""


def form_sex(surface: str) -> str:
    """The sex a written name's first word says, being such a title ("Mrs Pennant": 'f'), else ''."""
    first = _WORDS.search(surface)
    return _title_sex(first.group()) if first else ""


def said_sex(text: str, start: int, end: int) -> str:
    """The sex the title of a name in ``text`` says: the name's own first word (an edition's
    convention takes titles in) or the word just before it ("Mr Pennant" with titles left
    out), else ''."""
    said = form_sex(text[start:end])
    if said:
        return said
    return _title_sex(last_word(text[max(0, start - 24):start]))


def entity_sex(surfaces: Iterable[str]) -> str:
    """'m' or 'f' when every form of an entity has a title of that sex ("Mrs Pennant",
    "Lady Glencairn"), else '': a form without one, or forms saying both, say nothing."""
    said = {form_sex(s) for s in surfaces}
    return next(iter(said)) if len(said) == 1 else ""


# Kin terms before a person's name ("Cousin William", "Uncle Toby"): outside the name by
# default, as titles are (annotator.nlp.conventions takes them in where an edition does).
KIN_WORDS = frozenset("""
    mother father brother sister uncle aunt cousin wife husband son daughter nephew niece
    grandfather grandmother grandson granddaughter brother-in-law sister-in-law
    mother-in-law father-in-law son-in-law daughter-in-law stepmother stepfather
""".split())
# "Ann Stokes, widow of Doctor |Stokes": after a name, a comma, a kin term and "of" (and any
# titles), the name is that person's kin, another person, whatever family name they share.
_KIN_OF = r"|".join(sorted(KIN_WORDS | {"widow", "widower", "relict", "heir", "heiress"},
                           key=len, reverse=True))
_TITLES_OF = r"|".join(re.escape(t) for t in sorted(TITLE_WORDS, key=len, reverse=True))
_KIN_OF_BEFORE = re.compile(
    rf"[ \t]*,[ \t]+(?:the[ \t]+)?(?:late[ \t]+)?(?i:{_KIN_OF})[ \t]+of[ \t]+(?:the[ \t]+)?"
    rf"(?:late[ \t]+)?(?:(?i:{_TITLES_OF})\.?[ \t]+)*$")


def kin_apart(text: str, spans: Iterable[tuple[int, int, int]]) -> dict[int, int]:
    """For each name (index, start, end) written as the kin of the name just before it ("Ann
    Stokes, widow of Doctor Stokes"), that name's index: the two are no one person, though the
    shorter would join the longer by its family name."""
    spans = list(spans)
    ending = {end: i for i, _, end in spans}
    out = {}
    for i, start, _ in spans:
        at = _kin_of_at(text, start)
        if at in ending:
            out[i] = ending[at]
    return out


@functools.lru_cache(maxsize=1 << 12)  # asked where a run builds proposals and writes them
def _kin_of_at(text: str, start: int) -> int:
    """Where the words that make a name at ``start`` the kin of another begin ("Ann Stokes|,
    widow of Doctor Stokes"), or -1. Searched for only where the 80 characters before hold
    its comma and its "of" (was: at each of them, for every name: 6 in 7 have neither)."""
    lo = max(0, start - 80)
    if text.find(",", lo, start) == -1 or text.find("of", lo, start) == -1:
        return -1
    m = _KIN_OF_BEFORE.search(text, lo, start)
    return -1 if m is None else m.start()


# Heads of the names of buildings, streets and landmarks: "Chirk Castle", "Second Street".
PLACE_HEADS = frozenset("""
    street road lane square avenue place row court terrace castle church chapel cathedral abbey
    priory hall house inn tavern bridge mill college palace tower gate park hill meeting
""".split())
# Generic words of the landscape and settlement, capitalised as common nouns in older English:
# alone ("the River", "a Town") they name no place.
GENERIC_PLACES = frozenset("""
    river rivers sea seas lake lakes town towns village villages city country county mountain
    mountains hill hills vale valley valleys rock rocks wood woods forest island islands bay
    harbour harbor coast shore earth world country-side eminence cataract cascade stream brook
    road roads street bridge church castle inn house garden gardens park field fields meadow
""".split())
# Words before "of" that make what follows a place: "the town of Bala", "the Vale of Clwyd".
PLACE_OF = GENERIC_PLACES | frozenset("""
    vale isle parish borough shire kingdom province district port township neighbourhood
    neighborhood environs
""".split())


# Words that say what kind of place a name is ("Vale of Clwyd", "Chirk Castle", "the River
# Dee", "the Library") rather than which; one alone ("the Cathedral", "a Chapel") names no
# place by itself.
PLACE_KINDS = PLACE_HEADS | PLACE_OF | frozenset("""
    library school academy university hospital prison gaol jail station museum theatre hotel
    ghetto camp barracks factory manor mansion estate farm lodge hundred lordship firth loch
    pool pond mount moor heath marsh glen cape gulf strait canal ford ferry quay wharf pier
    fort fortress monastery convent nunnery synagogue temple cemetery churchyard
""".split())
# Words of a person's form that are no part of the name ("Sir Thomas", "Uncle Toby",
# "Thomas Pennant Esqr").
_NOT_OF_THE_NAME = TITLE_WORDS | KIN_WORDS | {"esq", "esqr", "esquire"}


def preferred_name(surfaces: Iterable[str], *, keep: str | None = None,
                   type_: str | None = None, calm: Mapping[str, str] | None = None) -> str:
    """The name an editor would pick among the ways a text writes one (``_preferred``), a
    word in capitals no form or ``calm`` writes in normal case title-cased where it is a
    person's or a place's, no acronym (``title_cased``: "Rosa GODINGER Landau" -> "Rosa
    Godinger Landau", "NEW YORK" -> "New York")."""
    return title_cased(_preferred(surfaces, keep=keep, type_=type_, calm=calm), type_)


def _preferred(surfaces: Iterable[str], *, keep: str | None, type_: str | None,
               calm: Mapping[str, str] | None) -> str:
    """The name an editor would pick among the ways a text writes one (each surface as often
    as it is written; a name as often as it is written in any case: "England" 3 times and
    "ENGLAND" once are 4). Forms that are no such name lose to those that are (``_flaws``: an
    abbreviation "H.Q.", an address with digits "Kalvariska Ul. 26/II", a phrase or a list,
    "BUCHENWALD" where "Buchenwald" is written too; names
    joined by "and", "&" or "/", "Aberglaslyn / Beddgelert", unless written at least as often
    as all other forms together, as "Marks & Spencer" beside a "Marks"; for a place, a word of
    its kind alone: "Castle", "the Library"). Then, by ``type_``:

    - a place: the most often written, as a place's spellings are many and its register name
      is the edition's usual one ("Beddgelert" 7 times over "BethKelert" 3 times and "Vale
      of BethKelert" once), a kind written alone counting for the forms that hold it ("Castle"
      5 times for "Conway castle" over "Conway" twice); then the form that does not describe
      it by its kind before its name ("BethKelert" over "Vale of BethKelert", "Gresford
      Church" over "Church of Gresford", as often written), then the fullest ("Frankfurt am
      Main", "Llanerch Park");
    - a person, an organisation: the fullest, by its capitalised name words, not counting a
      person's title or kin word, and a word over an initial ("Johanna Fraenkel", written once,
      over "Fraenkel", written 32 times; "Tommy Underwood" over "Sir Thomas", "Thomas
      Pennant" and "THO. PENNANT." over "T Pennant", an abbreviation with its full stop
      being more than an initial; "Westerbork camp" is no fuller than "Westerbork"), then the
      most often written, a person's name with its shorter forms ("John Lloyd" with "Mr.
      Lloyd" over "John ab John"), then a person's name in normal case over one in
      capitals.

    A word of four letters or more in capitals is written first as the forms write it in
    normal case, else as ``calm`` says the edition writes it elsewhere (``normal_case``),
    else as it stands: "Rosa LUXEMBURG" beside "Luxemburg" is "Rosa Luxemburg"; such a form
    loses to one as full written so, but not to one with an initial where it has a word
    ("THO. PENNANT." over "T Pennant", then written "Tho. Pennant" by ``title_cased``). A
    person named by a
    form's fields, a given name and family names in capitals each written alone, is named by
    them all (``_form_fields``: "Rosa GODINGER LANDAU", not "Rosa").

    Then ``keep`` (the name it has: "HOLZ" stays beside an equal "Chona"), then the longest,
    then the first seen."""
    given = Counter(display_name(s) for s in surfaces)
    if len(given) == 1:  # one form: nothing to choose (most entities of a file)
        return _calmed(next(iter(given)), calm) if calm else next(iter(given))
    # a word in capitals (a heading, a signature, a form's family-name field: "THO. PENNANT.",
    # "Rosa LUXEMBURG") is written as the entity's other forms write it in normal case ("Rosa
    # Luxemburg" beside a "Luxemburg"), else as it stands; a form that wrote one so loses to
    # one as full written in normal case ("T Pennant")
    own = {w.lower(): w for s in given if not shouted(s) for w in _WORDS.findall(s)}
    # the name it has writes them as before (chosen so with the edition's normal case or
    # title-cased, it stays so), but as ``calm`` does: its words, made from these capitals,
    # make no form of them loud ("Holz" of "Chana Fischer Holz" leaves "HOLZ" a name)
    kept = {w.lower(): w for w in _WORDS.findall(keep or "")} if keep and not shouted(keep) \
        else {}
    calmed = {s: _calmed(s, {**(calm or {}), **kept, **own}) for s in given}
    counts: Counter[str] = Counter()
    for s, n in given.items():
        counts[calmed[s]] += n
    # written so by the entity's own forms, never plain ("HOLZ" of two fields stays a name)
    loud = {c for s, c in calmed.items() if _calmed(s, own) != s} - given.keys()
    if len(counts) == 1:
        return next(iter(counts))
    if type_ == "person" and (fields := _form_fields(calmed)):
        return fields
    order = {s: i for i, s in enumerate(reversed(list(counts)))}
    keys = {s: name_key(s) for s in counts}
    written: Counter[str] = Counter()  # how often each name is written, in any case
    for s, n in counts.items():
        written[keys[s]] += n

    # names joined are the name when written as a whole at least as often as all other forms
    # together ("Trinidad and Tobago"), a list when written now and then beside its names
    # ("Paris and London" once, "Paris" 8 times)
    listed = {s for s in counts if _joined(s) and 2 * counts[s] < counts.total()}
    place = type_ == "place"
    kinds = {s: _kinds(s) for s in counts} if place else {}
    bare = {s for s in kinds if not _name_words(s, PLACE_KINDS)}  # "Castle", "the River"

    def flawless(s: str) -> int:
        return -_flaws(s) - (s in listed) - (s in bare)

    if place:
        def often(s: str) -> int:
            return written[keys[s]] + sum(counts[b] for b in bare if kinds[b] & kinds[s])

        return max(counts, key=lambda s: (flawless(s), s not in loud, often(s),
                                          -_described(s), _name_words(s), counts[s],
                                          s == keep, len(s), order[s]))
    if type_ == "person":
        # a name as often as it or its family name is written ("John Lloyd" by "Mr. Lloyd")
        untitled = {k: _untitled(k) for k in written}
        shorter = {k: {u, *surname_keys(u)} for k, u in untitled.items()}
        agreed = {k: sum(n for o, n in written.items() if untitled[o] in shorter[k])
                  for k in written}
        best = max(counts, key=lambda s: (
            flawless(s), _name_words(s, _NOT_OF_THE_NAME),
            _name_words(s, _NOT_OF_THE_NAME, initials=False), s not in loud, agreed[keys[s]],
            not shouted(s), counts[s], s == keep, len(s), order[s]))
        # the name it has, written with a title or without ("Foreign Minister Vyacheslav
        # Molotov" for "Vyacheslav Molotov"), is the same name: the one with fewer titles
        if keep and best != keep and untitled[keys[best]] == _untitled(name_key(keep)):
            return min((keep, best), key=lambda s: len(name_key(s).split()))
        return best
    return max(counts, key=lambda s: (flawless(s), _name_words(s),
                                      _name_words(s, initials=False), s not in loud,
                                      written[keys[s]], counts[s], s == keep, len(s),
                                      order[s]))


# a king's or a pope's number ("Henry VIII", "Louis XVIII", "Pius XII"): capitals that stay;
# only I, V and X, as no one is numbered past 39 and "DIX", "LIV", "MIX" are names
_ROMAN = re.compile(r"X{0,3}(?:IX|IV|V?I{0,3})")
# a word in capitals that names no one but says who he was: no vowel and no stop after it
# ("SS", "NKVD", "KGB"; "MR.", "WM." are abbreviations, "MR", "DR" titles),
# or before a word in lower case that describes him ("UNRRA officer Smith", "SS doctor Moll")
_VOWELS = re.compile(r"[AEIOUYaeiouy]|[^\x00-\x7f]")
_DESCRIBED = re.compile(r"[ \t]+([a-z]+)\b")
# a title or a generation written short with no vowel, a word of the name ("MR JACKSON", "DR
# KLEIN", "JOHN SMITH JNR")
_WRITTEN_SHORT = TITLE_WORDS | frozenset({"jr", "jnr", "snr", "sr", "esqr"})
# lower-case words that give a person's other name, no description ("HOLZ geb. FISCHER")
_ALSO_NAMED = frozenset({"geb", "gen", "genannt", "nee", "born", "alias", "called", "dit",
                         "vulgo", "or"})
# small words inside a person's name, lower case after its first word: particles and the
# words that join a name to a place or a byname ("John of Gaunt", "Catherine the Great",
# "Owen ap Cadwgan", "Maria della Rovere")
_INSIDE = PARTICLES | frozenset({"of", "the", "and", "della", "delle", "degli", "dei", "des",
                                 "dos", "das", "ap", "ab", "ferch", "verch", "zum", "zur",
                                 "vom"})
# a family name in capitals after a given name ("Otto DIX", "Rosa DIX LANDAU"): a word and
# spaces before it, only words (in capitals) after it
_AFTER_A_WORD = re.compile(r"[^\W_][ \t]+$")
# an ending after an apostrophe, a word of two letters or more before it ("KING'S", "WE'LL"),
# not a prefix's ("O'NEILL", "D'ARCY")
_ENDING_AFTER = re.compile(r"[^\W\d_]{2}['\u2019]$")
# a name's "Mc" or "Mac" in normal case, the rest in capitals ("McDONALD", "MacLEOD")
_MC_CAPITALS = re.compile(r"(Ma?c)([^\W\d_]{3,})")
_CAPITALS_ON = re.compile(r"(?:[ \t]+[^\W\d_]+)*\.?")
# articles among the particles, which a person's name writes with a capital ("Fiorello La
# Guardia", "Marine Le Pen", "Jean de La Fontaine")
_ARTICLES = frozenset({"la", "le", "les"})


def title_cased(form: str, type_: str | None) -> str:
    """A name with its words in capitals written in normal case, where nothing else says how:
    a person's word of four letters or more ("Rosa GODINGER Landau" -> "Rosa Godinger
    Landau"), abbreviated with a full stop ("THO. Pennant." -> "Tho. Pennant", a
    signature's closing stop dropped) or ending the name after a word in normal case ("Otto
    DIX" -> "Otto Dix"), and any of two letters or more where the whole form is in capitals;
    a place's of four letters or more inside a name written partly in normal case
    ("FRANKFURT-am-MAIN" -> "Frankfurt-am-Main"), and any where the whole form is in
    capitals ("NEW YORK" -> "New York", "LA GUARDIA" -> "La Guardia") but for one word of
    three letters or fewer ("USA", "UNO") and a word whose one vowel is its first letter
    ("USSR"): acronyms; an organisation's never, as one in capitals is mostly an acronym
    ("UNRRA", "NSDAP"). "MCDONALD" and "McDONALD" are "McDonald", "MacLEOD" "MacLeod",
    an ending after an apostrophe lower case ("KING'S LYNN" -> "King's Lynn"), a particle or a joining word after the
    first word lower case ("Ludwig VAN BEETHOVEN" -> "Ludwig van Beethoven", "JOHN OF GAUNT"
    -> "John of Gaunt", "CATHERINE THE GREAT" -> "Catherine the Great", "FRANKFURT AM MAIN"
    -> "Frankfurt am Main"), but a person's article ("Fiorello LA GUARDIA" -> "Fiorello La
    Guardia", "Marine LE PEN"), "O'BRIEN" "O'Brien"; Roman numerals ("Henry VIII") stay, and
    so do acronyms: a word with no vowel ("SS-HAUPTSTURMFÜHRER ALOIS BRUNNER" ->
    "SS-Hauptsturmführer Alois Brunner", "NKVD"), or one a word in lower case follows in a
    form partly in normal case ("UNRRA officer Smith")."""
    if type_ not in ("person", "place"):
        return form
    loud = shouted(form)
    words = _WORDS.findall(form)
    upper = all(not w.isalpha() or w.isupper() for w in words)
    whole = loud and upper
    place = type_ == "place"
    if place:
        if not upper and not loud or upper and len(words) == 1 and len(words[0]) < 4:
            return form  # a name in normal case; "USA", "UNO": an acronym
        whole = upper and any(w.isalpha() for w in words)
    inside = _CONNECTORS if place else _INSIDE - _ARTICLES
    first = _WORDS.search(form)

    def cased(m: re.Match[str]) -> str:
        w = m.group()
        if w.isupper() and len(w) < 3 and _ENDING_AFTER.search(form, 0, m.start()):
            return w.lower()  # "KING'S" -> "King's" (was: "King'S")
        if (mc := _MC_CAPITALS.fullmatch(w)) and mc.group(2).isupper():
            return mc.group(1) + mc.group(2)[0] + mc.group(2)[1:].lower()  # "McDonald"
        later = first is not None and m.start() > first.start()
        stop = form[m.end():m.end() + 1] == "."  # an abbreviation: "WM.", "MR.", "THO."
        if w.isupper() and w.lower() in inside and later and (len(w) > 1 or not stop):
            return w.lower()  # "of", "am", Welsh "y"; not the "Y." of "N.Y."
        if not w.isupper() or len(w) < 2 or _ROMAN.fullmatch(w) or \
                not stop and not _VOWELS.search(w) and w.lower() not in _WRITTEN_SHORT or \
                place and not stop and not _VOWELS.search(w, 1):
            return w
        if len(w) < 4 and not whole and not stop and not (
                not place and later and _AFTER_A_WORD.search(form, 0, m.start())
                and _CAPITALS_ON.fullmatch(form, m.end())
                and not any(c.islower() for c in form[m.end():])):
            return w  # "SS Adolf EICHMANN", "JFK", "Otto Dix, SA": an acronym
        if not whole and (d := _DESCRIBED.match(form, m.end())) and \
                d.group(1) not in _CONNECTORS and d.group(1) not in _ALSO_NAMED:
            return w  # "UNRRA officer Smith": an acronym saying who he was
        if w.startswith("MC") and len(w) > 3:
            return "Mc" + w[2] + w[3:].lower()
        return w[0] + w[1:].lower()

    out = _WORDS.sub(cased, form)
    if out != form and type_ == "person" and out.endswith(".") and len(words[-1]) >= 4:
        out = out[:-1]  # a signature's closing stop ("THO. PENNANT.")
    return out


def normal_case(forms: Iterable[str], text: str) -> dict[str, str]:
    """The words of four letters or more the forms write in capitals that ``text`` writes in
    normal case too, each as it first does ("landau" -> "Landau" where a form says "LANDAU"
    and the text "Landau, Bernat"; "macdonald" -> "MacDonald"; a word written only in lower
    case, "baker", is none): ``preferred_name``'s ``calm``, how the edition writes them."""
    out: dict[str, str] = {}
    tried: set[str] = set()  # each word looked for once: the forms repeat (one a mention)
    for form in dict.fromkeys(forms):
        if not shouted(form):
            continue
        for w in _WORDS.findall(form):
            if len(w) >= 4 and w.isupper() and w.lower() not in out and w not in tried:
                tried.add(w)
                plain = next((m.group() for m in re.finditer(
                    rf"(?<![^\W_]){re.escape(w)}(?![^\W_])", text, re.I)
                    if m.group()[0].isupper() and not m.group().isupper()), None)
                if plain is not None:
                    out[w.lower()] = plain
    return out


def shouted_words(forms: Iterable[str]) -> set[str]:
    """The words of four letters or more the forms write in capitals, folded: those
    ``normal_case`` looks for in normal case."""
    return {w.lower() for form in forms for w in _WORDS.findall(form)
            if len(w) >= 4 and w.isupper()}


def calm_of(forms: Sequence[str], texts: Iterable[str]) -> dict[str, str]:
    """``normal_case`` of the forms in each text in turn, the first text's way of writing a
    word taken: how the sources writing an entity write its capitals in normal case. The
    texts are read till each word is found (an entity of an edition of thousands of letters
    is written in hundreds of them, its forms once a mention)."""
    forms = list(dict.fromkeys(forms))
    wanted = shouted_words(forms)
    calm: dict[str, str] = {}
    for text in texts if wanted else ():
        calm = {**normal_case(forms, text), **calm}
        if wanted <= calm.keys():
            break
    return calm


def _calmed(form: str, calm: Mapping[str, str]) -> str:
    """A form with each word of four letters or more in capitals written as ``calm`` (folded
    word -> the word in normal case) writes it: "Rosa LUXEMBURG" -> "Rosa Luxemburg"."""
    if not shouted(form):
        return form
    return _WORDS.sub(lambda m: calm.get(m.group().lower(), m.group())
                      if len(m.group()) >= 4 and m.group().isupper() else m.group(), form)


def _form_fields(calmed: Mapping[str, str]) -> str:
    """A person a form names field by field, each field a mention of one word (``calmed``:
    each form written -> as the entity's forms write it in normal case): one given name in
    normal case and family names in capitals (EHRI's "GODINGER", "LANDAU", "Rosa" for maiden
    name, family name, first name), named in full, the given name first, then the family
    names in the order written ("Rosa GODINGER LANDAU"; with a "Landau" written too, "Rosa
    GODINGER Landau"); '' for any other set of forms."""
    if any(len(_WORDS.findall(s)) != 1 for s in calmed):
        return ""
    families = list(dict.fromkeys(c for s, c in calmed.items() if shouted(s)))
    folded = {f.casefold() for f in families}
    firsts = [s for s in calmed if not shouted(s) and s.casefold() not in folded]
    if len(firsts) != 1 or not families:
        return ""
    return " ".join([firsts[0], *families])


def _untitled(key: str) -> str:
    """A person's name key without the titles and kin words before it or "esq" after it
    ("mr lloyd" -> "lloyd")."""
    words = key.split()
    while len(words) > 1 and words[0] in _NOT_OF_THE_NAME:
        words.pop(0)
    while len(words) > 1 and words[-1] in _NOT_OF_THE_NAME:
        words.pop()
    return " ".join(words)


def _kinds(form: str) -> frozenset[str]:
    """The words of a place's form that say what kind of place it is ("castle")."""
    return frozenset(w for w in map(str.lower, _WORDS.findall(form)) if w in PLACE_KINDS)


def _described(form: str) -> int:
    """Words of its kind a place's form puts before its name ("Vale of BethKelert", "river
    Dee", "Church of Gresford"): a description of the place, where "Gresford Church" and
    "Menai River" are names."""
    n = 0
    for w in map(str.lower, _WORDS.findall(form)):
        if w in PLACE_KINDS:
            n += 1
        elif w not in _CONNECTORS:
            break
    return n


# lower-case words that stand inside a name ("Frankfurt am Main", "Isle of Man", "Owen ap
# Cadwgan", "Adwy-ar y Claudd"): no phrase
_CONNECTORS = PARTICLES | {
    "of", "the", "and", "on", "upon", "under", "at", "am", "an", "im", "in", "ob", "bei", "sur",
    "sous", "les", "aux", "des", "dos", "das", "do", "della", "degli", "zum", "zur", "vom", "op",
    "het", "en", "y", "yr", "ar", "ap", "ab", "ferch", "verch", "ben", "bat", "el", "et", "und",
    "e"}
# words no name holds: alternatives ("Gwynedh or North-Wales"), a person's relations ("his
# Son Edward", "our children", "thy dear wife")
_NO_NAME = frozenset({"or", "als", "alias", "otherwise", "his", "her", "my", "our", "thy",
                      "their", "your", "its"})


@functools.lru_cache(maxsize=8192)
def _name_words(form: str, other: frozenset[str] = frozenset(), *,
                initials: bool = True) -> int:
    """Words of a name form that are names: capitalised, or of a script without case; not a
    connector written with a capital ("The House" is no fuller than "Newton"), nor one of
    ``other`` (a person's title, a place's kind); without ``initials``, no initial ("T")."""
    return sum(1 for w in _WORDS.findall(form) if (w[0].isupper() or w[0].isalpha()
               and not w[0].islower()) and w.lower() not in _CONNECTORS
               and w.lower() not in other and (initials or len(w) > 1))


def shouted(form: str) -> bool:
    """A word of four letters or more in capitals ("BUCHENWALD", "FRANKFURT-am-MAIN"): a
    heading or a form's field, a spelling that loses to the same name in normal case."""
    return any(len(w) >= 4 and w.isupper() for w in _WORDS.findall(form))


# words that join two names into a list ("Mrs. Mostyn and Salisbury", "Vale & on the River")
_AND = frozenset({"and", "und", "et"})


def _joined(form: str) -> bool:
    """Names joined by "and", "&" or "/": a list, or one name that is written so ("Trinidad
    and Tobago"), which only how often it is written tells apart."""
    return "&" in form or "/" in form or any(w.lower() in _AND for w in _WORDS.findall(form))


@functools.lru_cache(maxsize=8192)
def _flaws(form: str) -> int:
    """How far a form is from a name as an editor writes it, one point for each of: digits (an
    address, "Deag Ferenc 15"); only initials and short words with dots ("H.Q.", "Mr. M"); a
    qualifier in brackets; a list or a phrase (two commas, "or", "his", a lower-case word
    before a later name word: "Castle built by King Edward"). "Holz, Sonja", written inverted,
    is a name."""
    words = _WORDS.findall(form)
    caps = [i for i, w in enumerate(words) if w[0].isupper()]
    phrase = form.count(",") > 1 or any(w.lower() in _NO_NAME for w in words) or any(
        w[0].islower() and len(w) > 1 and w not in _CONNECTORS and i < caps[-1]
        for i, w in enumerate(words) if caps)
    return (any(c.isdigit() for c in form) + ("." in form and all(len(w) <= 2 for w in words))
            + ("(" in form) + phrase)


@dataclass(frozen=True, slots=True)
class NameMention:
    """One person/place/org mention to group: the caller's index, its type and surface."""

    index: int
    type: str
    surface: str
    sex: str = ""  # what a title the text gives it says (``said_sex``): 'm', 'f' or ''
    kin_of: int = -1  # the index of the name it is kin of (``kin_apart``), another person

    @property
    def key(self) -> str:
        return name_key(self.surface)


@dataclass(frozen=True, slots=True)
class KnownEntity:
    """An entity already in the store (confirmed or proposed) with its variant keys;
    ``common``: those written as a common word ("camp" ``written_lower``), which the register
    does not look for elsewhere; ``unended``: those written so that their last word is no
    family name (``ends_in_family_name``: "Kaplan, Israel", "Perutz (husband of ...)"), whose
    shorter keys name no one; ``given``: a person's given names, which are no sure family
    name of another."""

    id: str
    type: str
    status: str
    keys: tuple[str, ...]
    common: tuple[str, ...] = ()
    unended: tuple[str, ...] = ()
    given: tuple[str, ...] = ()  # a person's given names (``given_names``)
    sex: str = ""  # what titles all its forms have say (``entity_sex``): 'm', 'f' or ''

    def family_names(self) -> tuple[str, ...]:
        """A person's shorter keys ("hitler" of "adolf hitler"), from the keys written in the
        order given name, family name; none for another type."""
        if self.type != "person":
            return ()
        return _family_names(self.keys, self.unended)


@functools.lru_cache(maxsize=1 << 16)  # asked of every known person at each read of a run
def _family_names(keys: tuple[str, ...], unended: tuple[str, ...]) -> tuple[str, ...]:
    """``KnownEntity.family_names`` of a person's keys."""
    return tuple(dict.fromkeys(t for k in keys if k not in unended for t in surname_keys(k)))



class KnownEntities(tuple[KnownEntity, ...]):
    """The store's entities as one read of it gives them (``acts.propose.known_entities``),
    with what grouping and typing look up in them (``lookup``) made once for every source
    proposed against that read (was: made again for each source)."""

    @functools.cached_property
    def lookup(self) -> KnownLookup:
        return KnownLookup(self)


class KnownLookup:
    """Known entities by what a text's names are looked up with: their id, a (type, key) of
    theirs, a person's family name and given name (confirmed before proposed), the keys of
    confirmed persons with their family and given names (``person_name_keys``), of confirmed
    entities of other types, and of every confirmed entity.

    What is made of the confirmed entities (``_sure_lookup``) is kept for the next read of
    the store that finds them as they were: a run reads its entities again after each source
    that changed them, and only proposed ones change (was: all made again at each read, the
    tables of thousands of register entries with them)."""

    def __init__(self, known: Sequence[KnownEntity]) -> None:
        sure = _sure_lookup(tuple(e for e in known if e.status == "confirmed"))
        proposed = [e for e in known if e.status == "proposed"]
        self.by_key = _Joined(sure.by_key, _table(proposed, _keys))
        self.by_tail = _Joined(sure.by_tail, _table(proposed, KnownEntity.family_names))
        self.by_given = _Joined(sure.by_given, _table(proposed, _given))
        self.by_id = {e.id: e for e in known}
        self.person_keys = sure.person_keys
        self.other = sure.other
        self.confirmed_keys = sure.confirmed_keys


_Table = dict[tuple[str, str], list[KnownEntity]]


def _table(known: Iterable[KnownEntity], words: Callable[[KnownEntity], Iterable[str]]
           ) -> _Table:
    """(type, word) -> the entities of ``known`` that ``words`` gives it, in their order."""
    out: _Table = {}
    for e in known:
        for word in words(e):
            out.setdefault((e.type, word), []).append(e)
    return out


def _keys(e: KnownEntity) -> tuple[str, ...]:
    return e.keys


def _given(e: KnownEntity) -> tuple[str, ...]:
    return e.given


class _Joined:
    """Two tables read as one: the confirmed entities' lists, then the proposed ones'."""

    def __init__(self, first: _Table, then: _Table) -> None:
        self.first, self.then = first, then

    def get(self, key: tuple[str, str], default: Sequence[KnownEntity] = ()
            ) -> Sequence[KnownEntity]:
        a, b = self.first.get(key), self.then.get(key)
        if a and b:
            return a + b
        return a or b or default


@dataclass(frozen=True, slots=True)
class _Sure:
    """What ``KnownLookup`` makes of the confirmed entities alone."""

    by_key: _Table
    by_tail: _Table
    by_given: _Table
    person_keys: frozenset[str]
    other: frozenset[tuple[str, str]]
    confirmed_keys: frozenset[str]


@functools.lru_cache(maxsize=8)  # an edition's (``acts.propose.abroad``) each
def _sure_lookup(confirmed: tuple[KnownEntity, ...]) -> _Sure:
    return _Sure(_table(confirmed, _keys), _table(confirmed, KnownEntity.family_names),
                 _table(confirmed, _given),
                 frozenset(key for e in confirmed if e.type == "person"
                           for key in (*e.keys, *e.family_names(), *e.given)),
                 frozenset((e.type, k) for e in confirmed if e.type != "person"
                           for k in e.keys),
                 frozenset(k for e in confirmed for k in e.keys))


def known_lookup(known: Sequence[KnownEntity]) -> KnownLookup:
    """``known``'s lookup: the one kept with a read of the store, else made now."""
    return known.lookup if isinstance(known, KnownEntities) else KnownLookup(known)


def written_lower(surface: str) -> bool:
    """A name written without a capital where its script has case ("camp", "selected"): an
    edition that tags a common word for a place names it by its context, not by the word.
    Scripts without case (Hebrew, CJK) are never so."""
    return any(c.islower() for c in surface) and not any(c.isupper() for c in surface)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A group of mentions that name one entity; ``entity_id`` is set when it is a known one."""

    type: str
    preferred: str
    variants: tuple[tuple[str, str], ...]  # (surface, key), first seen first
    members: tuple[int, ...]  # NameMention.index values
    entity_id: str | None = None
    linked: bool = False  # entity_id is a confirmed register entry
    # known entities its name fits equally well (two proposed "Hitler"s): none is picked
    ambiguous: tuple[str, ...] = ()


# A text's mentions of one name: (type, key, sex), the sex '' but where the text gives one
# person's key titles of both sexes (``_slots``).
_Slot = tuple[str, str, str]
# A union-find node: a batch key ("k", slot) or a known entity ("e", entity id).
_Node = tuple[Literal["k"], _Slot] | tuple[Literal["e"], str]


class _Union:
    def __init__(self) -> None:
        self.parent: dict[_Node, _Node] = {}

    def find(self, x: _Node) -> _Node:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: _Node, b: _Node) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


def group_mentions(mentions: Sequence[NameMention], known: Sequence[KnownEntity] = (),
                   own: Sequence[KnownEntity] = (),
                   calm: Mapping[str, str] | None = None,
                   sex_of: Callable[[KnownEntity], str] | None = None) -> list[Candidate]:
    """Group one text's mentions into candidates: the text's own evidence first, then the
    edition's entities.

    1. Same type and same key group, but a person's written with titles of both sexes ("Mr
       Smith", "Mrs Smith", titles left out: ``_slots``); a person's shorter name joins the
       one longer name of the same text it ends ("Hitler" -> "Adolf Hitler"), among the
       mentions and the names the text already identifies (``own``), when that is
       unambiguous, not one written as its kin (``kin_apart``) nor one whose titles say the
       other sex ("Mrs Smith" is not "Mr John Smith").
    2. A name the text itself identifies (``own``: its markup's pointers, the editor's decisions
       in it, one entity for that name here) is that entity.
    3. Else a group links to a known entity by its fullest names only (those no other name of
       the group ends with): a variant of one (confirmed before proposed) or the family name of
       exactly one. Across files a name is a surface match, a guess: another file's "Hitler"
       never pulls this text's "Hitler" away from its "Adolf Hitler". A name that fits several
       equally (two proposed entities both called "Hitler") joins none: the candidate is new,
       with ``ambiguous`` naming them, for the editor to merge into the one meant. A name
       whose titles here say a sex joins no known person of the other: the sex all its
       forms' titles say (``KnownEntity.sex``), else the one its mentions' titles say
       (``sex_of``, asked only then), as where titles stand outside the names.

    A candidate is named by ``preferred_name``, its words in capitals as ``calm`` (from
    ``normal_case``) says the edition writes them.
    """
    uf = _Union()
    look = known_lookup(known)
    own_ids: dict[_Slot, set[str]] = defaultdict(set)
    own_tails: dict[_Slot, set[str]] = defaultdict(set)  # own key -> its family names
    sexes: dict[_Slot, set[str]] = defaultdict(set)  # what titles say of each, '' left out
    for e in own:
        for k in e.keys:
            own_ids[(e.type, k, "")].add(e.id)
            if e.sex:
                sexes[(e.type, k, "")].add(e.sex)
            if k not in e.unended:
                own_tails[(e.type, k, "")].update(surname_keys(k))
    by_key = _slots(mentions, own_ids)
    slot_of = {m.index: tk for tk, ms in by_key.items() for m in ms}
    for tk, ms in by_key.items():
        sexes[tk].update(m.sex for m in ms if m.sex)
    # Longer names first, so a short name finds its long name's group.
    keys = sorted(by_key, key=lambda tk: (-len(tk[1].split()), tk[1], tk[2]))
    text_tails: dict[tuple[str, str], set[_Slot]] = defaultdict(set)
    for tk in keys:
        if tk[0] == "person":
            for tail in {t for m in by_key[tk] for t in family_keys(m.surface)}:
                text_tails[(tk[0], tail)].add(tk)
    for tk, tails in own_tails.items():
        if tk[0] == "person":
            for tail in tails:
                text_tails[(tk[0], tail)].add(tk)
    for tk in own_ids:
        if len(own_ids[tk]) == 1:
            uf.union(("e", next(iter(own_ids[tk]))), ("k", tk))
    for tk in keys:
        uf.find(("k", tk))
        if tk in own_ids or tk[0] != "person":
            continue  # what the text identifies, or no family name to go by
        longer = {uf.find(("k", other)) for other in text_tails.get(tk[:2], ())}
        kin = {uf.find(("k", slot_of[m.kin_of]))  # "Ann Stokes, widow of Doctor Stokes"
               for m in by_key[tk] if m.kin_of in slot_of}
        titled = sexes.get(tk)  # "Mrs Smith" is no "Mr John Smith", nor another than he
        apart = {uf.find(("k", other)) for other in text_tails.get(tk[:2], ())
                 if titled and sexes.get(other) and not titled & sexes[other]}
        if len(longer) == 1 and not longer & (kin | apart):
            uf.union(longer.pop(), ("k", tk))
    groups: dict[_Node, list[_Slot]] = defaultdict(list)
    for tk in keys:
        groups[uf.find(("k", tk))].append(tk)
    entity_of: dict[_Node, str] = {}
    for node in list(uf.parent):
        if node[0] == "e":
            entity_of[uf.find(node)] = node[1]
    own_by_id = {e.id: e for e in own}
    out = []
    for root, tks in groups.items():
        eid = entity_of.get(root)
        own_root = root[0] == "k" and root[1] in own_ids  # a name the text gives several
        ambiguous: tuple[str, ...] = ()
        if eid is None and not own_root and not any(tk in own_ids for tk in tks):
            said = {m.sex for tk in tks for m in by_key[tk]} - {""}
            found = {match.id for tk in _heads([tk[:2] for tk in tks])
                     for match in _known_matches(*(_of_sex(table.get(tk, []), said, sex_of)
                                                   for table in (look.by_key, look.by_tail,
                                                                 look.by_given)),
                                                 bare=" " not in tk[1])}
            if len(found) == 1:
                eid = next(iter(found))
            elif found:
                eid = _unresolved(look, [tk[:2] for tk in tks])
                ambiguous = tuple(sorted(found - {eid}))
        members = sorted((m for tk in tks for m in by_key[tk]), key=lambda m: m.index)
        variants: dict[str, tuple[str, str]] = {}
        for m in members:
            variants.setdefault(m.key, (display_name(m.surface), m.key))
        entity = None if eid is None else own_by_id.get(eid) or look.by_id.get(eid)
        status = entity.status if entity is not None else ""
        out.append(Candidate(
            type=tks[0][0], preferred=preferred_name((m.surface.strip() for m in members),
                                                     type_=tks[0][0], calm=calm),
            variants=tuple(variants.values()), members=tuple(m.index for m in members),
            entity_id=eid, linked=status == "confirmed", ambiguous=ambiguous))
    out.sort(key=lambda c: c.members[0])
    return out


def _slots(mentions: Sequence[NameMention],
           own_ids: Mapping[_Slot, set[str]]) -> dict[_Slot, list[NameMention]]:
    """The mentions by (type, key, sex), the sex '' but for a person's key the text gives
    titles of both sexes ("Mr Smith", "Mrs Smith", "Lord Lyttelton", "Lady Lyttelton", titles
    left out of the names): those are two people, each its own slot, and a mention of the key
    with no title a third, as it could be either (was: one person). A key the text's own
    markup identifies (``own_ids``) is not split: the markup says who it is."""
    by_key: dict[_Slot, list[NameMention]] = defaultdict(list)
    for m in mentions:
        if m.key:
            by_key[(m.type, m.key, "")].append(m)
    for tk in [tk for tk in by_key if tk[0] == "person" and tk not in own_ids]:
        if len({m.sex for m in by_key[tk]} - {""}) > 1:
            for m in by_key.pop(tk):
                by_key[(tk[0], tk[1], m.sex)].append(m)
    return by_key


def _of_sex(known: Sequence[KnownEntity], said: set[str],
            sex_of: Callable[[KnownEntity], str] | None = None) -> list[KnownEntity]:
    """``known`` less those all of whose forms have titles of the other sex than the titles
    a name is given here (``said``): "Mr Pennant" is no "Mrs Pennant", whatever the rest of
    the name (was: linked by the family name alone); a person whose forms have no title is
    of the sex its mentions' titles say (``sex_of``: an edition keeping titles outside the
    names, whose confirmed "Mrs Pennant" is a form "Pennant"; was: of none, so a later
    letter's "Mr. Pennant" was proposed as her)."""
    if not said:
        return list(known)
    return [e for e in known if (e.sex or (sex_of(e) if sex_of and e.type == "person"
                                           else "")) in said | {""}]


def _unresolved(look: KnownLookup, tks: Sequence[tuple[str, str]]) -> str | None:
    """The proposed entity that is this name and no more (each key of it is one of ``tks``),
    oldest first: another text's same name that fitted several entities too. Identical names
    are one candidate across texts, so the editor decides "London" once, not once per letter
    (was: a new candidate in each text beside three confirmed "London"s); which entity it is
    stays the editor's choice (its mentions are flagged ``ambiguous``)."""
    keys = {k for _, k in tks}
    for tk in _heads(tks):
        for e in look.by_key.get(tk, ()):
            if e.status == "proposed" and set(e.keys) <= keys:
                return e.id
    return None


def _heads(tks: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """A group's fullest names: the keys no other key of the group ends with."""
    shorter = {(t, tail) for t, k in tks for tail in surname_keys(k)}
    return [tk for tk in tks if tk not in shorter]


def _known_matches(exact: list[KnownEntity], tails: list[KnownEntity],
                   given: Sequence[KnownEntity] = (), *, bare: bool = False
                   ) -> list[KnownEntity]:
    """The known entities a key names: the register before proposals, a variant before a
    family name. One is a match; several (two proposed "Hitler"s, two confirmed Kennedys) are
    left to the editor, never the first of them picked. A given name (``given``: "Israel" of
    "Kaplan, Israel") names no one alone, but where it is another's family name too ("John"
    of "John, Erich" beside "Smith, John") it makes that one no sure match; so does a key of
    one word (``bare``) that is one's name and others' family or given name ("Paul" of "Paul
    (SS man in Sobibór)" beside "Schlesinger, Paul")."""
    for status in ("confirmed", "proposed"):
        same = [e for e in exact if e.status == status]
        if same:
            if bare:
                same += [e for e in (*tails, *given) if e.status == status]
            return list({e.id: e for e in same}.values())
        by_tail = [e for e in tails if e.status == status]
        if by_tail:
            return list({e.id: e for e in [*by_tail, *given] if e.status == status}.values())
    return []


def person_name_keys(mentions: Iterable[NameMention],
                     known: Sequence[KnownEntity] = ()) -> set[str]:
    """Every key that names a person here: full names, their family names, register persons
    with their family and given names (a given name alone names no one, but it is a person's
    word: "Marta" of "Klein, Marta" is no place), never a word of a description."""
    keys = set(known_lookup(known).person_keys)
    for m in mentions:
        if m.type == "person" and len(m.key.split()) > 1:
            keys.add(m.key)
            keys.update(family_keys(m.surface))
    return keys


def settle_types(mentions: Sequence[NameMention], known: Sequence[KnownEntity] = (),
                 own: Sequence[KnownEntity] = (),
                 edition: Mapping[str, str] | None = None) -> list[NameMention]:
    """Retype a name the model typed one way where the edition or the text shows another.

    In order: a name the text's own markup identifies (``own``) has that entity's type (the
    file's markup decides); the small model often calls a lone surname an ORG ("Ribbentrop"
    after "Joachim von Ribbentrop"): a key that is a person's full or family name in the same
    text, or in the register, is a person unless the register has it as a confirmed place or
    organisation; a name the model calls a person that is no person's name here but one of
    the edition's confirmed names of another type (``edition``: key -> type, say the
    "Frankfurter Zeitung" another file marks ``orgName``) has that type.
    """
    marked: dict[str, set[str]] = defaultdict(set)
    for e in own:
        for k in e.keys:
            marked[k].add(e.type)
    if not isinstance(known, KnownEntities):
        known = KnownEntities(known)  # its lookup made once, for both reads below
    persons = person_name_keys(mentions, known)
    other = known_lookup(known).other
    # a family name of a full name here: the text's own evidence that a key is a person's
    family = {t for m in mentions if m.type == "person" for t in family_keys(m.surface)}
    out = []
    for m in mentions:
        here = marked.get(m.key, set())
        if len(here) == 1:
            type_ = next(iter(here))
        elif m.type in ("org", "place") and m.key in persons and (m.type, m.key) not in other:
            type_ = "person"
        elif m.type == "person" and m.key not in family and edition and \
                edition.get(m.key, "person") != "person":
            type_ = edition[m.key]
        else:
            type_ = m.type
        out.append(m if type_ == m.type else replace(m, type=type_))  # its sex, kin kept
    return out


class VariantHit(NamedTuple):
    """A place in the text where a known name is written (a tuple: made for every name found
    in every text, at less than half a frozen dataclass's cost)."""

    start: int
    end: int
    type: str
    key: str
    entity_id: str | None


class VariantIndex:
    """Finds every written form of given names in a text (register feedback, propagation).

    Matching is on words (case and accents folded), so "Hitler's" and "HITLER" match
    "Hitler"; the first letter in the text must be a capital, so "may" is not "May".
    """

    def __init__(self, entries: Iterable[tuple[str, str, str | None]]) -> None:
        """``entries``: (key, type, entity id or None)."""
        self._entries: dict[str, tuple[str, str | None]] = {}
        self._lengths: dict[str, set[int]] = defaultdict(set)
        for key, type_, eid in entries:
            words = key.split()
            if not words:
                continue
            self._entries.setdefault(key, (type_, eid))
            self._lengths[words[0]].add(len(words))
        self._order = {w: sorted(ls, reverse=True) for w, ls in self._lengths.items()}

    def __len__(self) -> int:
        return len(self._entries)

    def find(self, text: str, words: TextWords | None = None) -> list[VariantHit]:
        """Where the names are written in ``text``; ``words``: its words, when split already."""
        if words is None:
            words = TextWords(text)
        parts, ends, written, folded = words.parts, words.ends, words.words, words.folded
        order = self._order
        hits: list[VariantHit] = []
        n = len(written)
        after = 0  # words before this are inside a hit
        # the capitalised words a name begins with, each written form folded once (was: each
        # capitalised word of the text folded and looked up where it stands)
        firsts = {w for w in words.capitalised if folded[w] in order}
        for i in [i for i in words.capitals if written[i] in firsts]:
            if i < after:
                continue
            first = folded[written[i]]
            lengths = order[first]
            # how many words from this one on the gaps between join into one name, up to the
            # longest length (each gap looked at once, not once for every length)
            joined, top = 1, min(lengths[0], n - i)
            while joined < top and _JOIN.fullmatch(parts[2 * (i + joined)]):
                joined += 1
            for length in lengths:
                if length > joined:
                    continue  # past the text's end, or a gap no name has between its words
                key = first if length == 1 else \
                    " ".join([folded[w] for w in written[i:i + length]])
                entry = self._entries.get(key)
                if entry is not None:
                    hits.append(VariantHit(ends[2 * i], ends[2 * (i + length) - 1], entry[0],
                                           key, entry[1]))
                    after = i + length
                    break
        return hits


class WordCase:
    """How a text writes its words: folded word -> how often in lower case, how often with a
    capital. A one-word name the text writes mostly in lower case is a common word there
    ("Camp workers" among many a "camp"), as an editor reads it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.words = TextWords(text)  # the names found again look through the same words
        self.lower: Counter[str] = Counter()
        self.upper: Counter[str] = Counter()
        self.mid: Counter[str] = Counter()  # capitalised after a word or a comma
        # after "very", "quite"... (an adjective) or "many", "two"... (a common noun)
        self.graded: Counter[str] = Counter()
        # each written form is looked at once, however often the text writes it, and only the
        # capitalised words and the words after a grading one are looked at where they stand
        parts, words = self.words.parts, self.words.words
        grading = set()
        # summed in plain dicts, made Counters once (a Counter's += on a new key calls its
        # __missing__ in Python: once for most words of a text)
        lower: dict[str, int] = {}
        upper: dict[str, int] = {}
        for w, n in Counter(words).items():
            if w[0].islower():
                key = _fold(w)
                lower[key] = lower.get(key, 0) + n
            elif w[0].isupper():
                key = _fold(w)
                upper[key] = upper.get(key, 0) + n
            if w.lower() in _GRADING:
                grading.add(w)
        self.lower.update(lower)
        self.upper.update(upper)
        capitals = self.words.capitals
        if not capitals and not grading:
            return
        # _MID over the 8 characters before a capitalised word, the gap and the last letters of
        # the word before, can only match the gap and the one letter before it: whether the
        # word stands mid-sentence is a matter of its gap, each looked at once
        mid_gaps = {g for g in {parts[2 * i] for i in capitals if i}
                    if _MID.search(("x" + g)[-8:])}
        mid = Counter(words[i] for i in capitals if i and parts[2 * i] in mid_gaps)
        if capitals and capitals[0] == 0 and _MID.search(parts[0][-8:]):
            mid[words[0]] += 1
        for w, n in mid.items():
            self.mid[_fold(w)] += n
        last = len(words) - 1
        ends = self.words.ends
        for i in [i for i, w in enumerate(words) if w in grading]:
            if i == last or parts[2 * i + 2][-1] not in " \t":
                continue
            if words[i].lower() not in DEGREE_WORDS and not _HEAD_END.match(text, ends[2 * i + 3]):
                continue  # a counting word whose next word's noun phrase goes on
            self.graded[_fold(words[i + 1])] += 1

    def common(self, key: str) -> bool:
        """A one-word key the text writes in lower case more often than with a capital."""
        return " " not in key and self.lower[key] > self.upper[key]

    def noun(self, key: str) -> bool:
        """A one-word key the text writes in lower case at least as often as with a capital
        inside a sentence: older English capitalises its nouns ("the Ague", "Dull." opening a
        diary's weather), and a heading or a sentence's first word is capitalised whatever it
        is; a name ("Bath", "Reading") is written with its capital wherever it stands. A word
        the text writes after an adverb of degree ("Very Dull", "quite poor") is an adjective,
        one it counts ("many Mountains which", "two Miles from") a common noun, however it is
        written."""
        return " " not in key and (0 < self.lower[key] >= self.mid[key] or self.graded[key] > 0)

    def inside_name(self, start: int, end: int) -> bool:
        """The span is one word of a longer capitalised name: a capitalised word joined to it
        by a space before ("Labor Camp", "D.P. Camp") or after ("Camp Föhrenwald"). A word
        before that ends a sentence ("Mother. Camp") does not count; an initialism does."""
        before = _WORD_BEFORE.search(self.text, max(0, start - 40), start)
        if before is not None and before.group(1)[0].isupper() and \
                (not before.group(1).endswith(".") or "." in before.group(1)[:-1]):
            return True
        after = _WORD_AFTER.match(self.text, end)
        return after is not None and after.group(1).isupper()


# Adverbs of degree: what follows one is an adjective or adverb ("Very Dull", "quite Poor"),
# no name.
DEGREE_WORDS = frozenset("very quite rather extremely exceedingly somewhat".split())
# Words after which only a common noun stands ("a Carriage", "many Mountains", "two Miles");
# "a Stalin-drafted agreement": the article goes with the compound, not the name.
COUNTING_WORDS = frozenset("""
    a an every each another these those many several few two three four five six seven eight
    nine ten eleven twelve twenty hundred
""".split())
# After the counted word: a stop or a word that ends its noun phrase ("many Mountains which",
# "a Carriage.", "two Miles from"); a name used as a modifier ("an SS man", "a Welsh harp",
# "a Stalin-drafted pact") has a noun or a hyphen after it.
_HEAD_END = re.compile(r"[ \t]*(?:[.,;:!?)\]]|$)|[ \t]+(?:of|and|or|in|on|at|to|from|with|by|for|"
                       r"which|that|who|where|is|was|were|are|be|been|had|have|the|a|an|but|as|"
                       r"we|I|he|she|it|they|out|near|between|about|above|below|before|after)\b",
                       re.I)
_GRADING = DEGREE_WORDS | COUNTING_WORDS
_WORDS_SPLIT = re.compile(r"([^\W_]+)")  # _WORDS, kept by re.split
_MID = re.compile(r"[^\W_][ \t]+$|,[ \t]*$")  # a word or a comma before: mid-sentence
_WORD_BEFORE = re.compile(r"([^\W_][\w.]*)[ \t]$")
_WORD_AFTER = re.compile(r"[ \t]([^\W\d_])")


class _Folded(dict[str, str]):
    """Written word -> its key (``_fold``), folded when first asked for."""

    def __missing__(self, word: str) -> str:
        key = self[word] = _fold(word)
        return key


class TextWords:
    """A text's words, split once for all that read them (``WordCase``, ``VariantIndex.find``):
    the split's [gap, word, gap, word, ..., gap], each word's span, the words that start with a
    capital (where a name can begin), and each written form once: all of them, the capitalised
    ones, and their folded keys (``folded``, made when first asked for)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.parts = _WORDS_SPLIT.split(text)
        self.words = self.parts[1::2]
        # where each part ends in the text: word i is text[ends[2 * i]:ends[2 * i + 1]]
        self.ends = list(itertools.accumulate(map(len, self.parts)))
        self.capitals = [i for i, w in enumerate(self.words) if w[0].isupper()]

    @functools.cached_property
    def written(self) -> frozenset[str]:
        """Every word the text writes, each once: for whether it holds a word at all."""
        return frozenset(self.words)

    @functools.cached_property
    def capitalised(self) -> frozenset[str]:
        """Every word the text writes with a capital first, each once."""
        return frozenset(w for w in self.written if w[0].isupper())

    @functools.cached_property
    def folded(self) -> dict[str, str]:
        """Each word the text writes -> its key (case and accents folded), folded when first
        asked for (most words are never looked up), once."""
        return _Folded()

    def span(self, i: int) -> tuple[int, int]:
        return self.ends[2 * i], self.ends[2 * i + 1]
