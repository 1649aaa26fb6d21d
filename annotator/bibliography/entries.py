"""The bibliography: the works a claim can be linked to, each under a stable citation key.

Reads BibTeX/BibLaTeX files as biber does (``annotator.bibliography.library``: several files as
one library, every problem said, what biber tolerates tolerated) and TEI ``bibl``/
``biblStruct`` elements. Field values are stored as biber reads them: LaTeX source with what
decodes exactly as Unicode (``annotator.bibliography.latex``); ``plain`` gives the text for
people.

Keys: the key written in the .bib; otherwise author surname + year + first title word
(``nekrich1997pariahs``), with ``a``, ``b``, ... appended on a clash; a body (a braced literal
name) stands in by its initials (``fhlsc1824john``, ``body_key``). The store keeps a key once
assigned; nothing here renames one.

DOCS: docs/claims.md#bibliography
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.bibliography.latex import escape, escape_name, group_end, plain
from annotator.bibliography.library import (DATE_FIELDS, KEY_OK, NOTE, REFUSED, VERBATIM,
                                            YEAR_FIELD, Problem, Read, inherited, no_month,
                                            read_files, read_texts)
from annotator.calendar import bib_date, real_part
from annotator.errors import Location, SourceError
from annotator.records import BibEntry
from annotator.tei.parse import TEI_NS, XML_ID, element_text, source_line
from annotator.text import ascii_letters

if TYPE_CHECKING:
    from lxml import etree

__all__ = ["VERBATIM", "Problem", "inherited", "plain"]
_STOP = frozenset({"a", "an", "the", "on", "of", "in", "and", "for", "to", "at", "by", "from",
                   "with", "der", "die", "das", "le", "la", "les", "un", "une", "el", "los"})


# What comes before a DOI as people copy it ('doi:10.1000/x', 'https://doi.org/10.1000/x'):
# the DOI is what follows (a lookup by DOI, CSL's DOI field)
DOI_PREFIX = r"(?:doi:\s*|https?://(?:dx\.)?doi\.org/)"


# -- reading .bib files -----------------------------------------------------------------------
def read_library(paths: Sequence[str | Path], *, origins: Sequence[str] | None = None,
                 known: Iterable[BibEntry] = (), moved: dict[str, str] | None = None
                 ) -> tuple[list[BibEntry], list[Problem]]:
    """Every entry the .bib files (one library) give, and every problem met on the way.

    ``origins``: what each entry remembers as its file (default: the path as given).
    ``known``: the entries already in the store; a generated key does not clash with their
    keys, an entry without a key that describes a known work gets that work's key back, and
    a crossref or xref may name one (no S307; a child inherits from it as from a parent
    added with it). ``moved``: parents ``bib fold`` folded (keys lower-cased) -> the work
    kept, which their children inherit from.
    """
    files = [Path(p) for p in paths]
    known = list(known)
    lib = read_files(files, stored=[Read(k.origin, k.line or 0, k.key, k.type, dict(k.fields))
                                    for k in known], moved=moved)
    names = dict(zip((str(p) for p in files), origins or [str(p) for p in files]))
    return _entries(lib.entries, names, known, lib.problems), lib.problems


def parse_bib(text: str, *, path: str | Path, origin: str,
              known: Iterable[BibEntry] = ()) -> list[BibEntry]:
    """The entries of BibTeX text; ``path`` names it in messages. A text that cannot be read
    at all is a ``SourceError`` (its first problem); other problems are tolerated."""
    lib = read_texts([(str(path), text)])
    refused = [p for p in lib.problems if p.severity == REFUSED]
    if refused:
        raise problem_error(refused[0], len(refused))
    return _entries(lib.entries, {str(path): origin}, known)


def read_bib(path: str | Path, *, origin: str | None = None,
             known: Iterable[BibEntry] = ()) -> list[BibEntry]:
    """``read_library`` of one file; a file that cannot be read is a ``SourceError``."""
    entries, problems = read_library([path], origins=[origin or str(path)], known=known)
    refused = [p for p in problems if p.severity == REFUSED]
    if refused:
        raise problem_error(refused[0], len(refused))
    return entries


def problem_error(problem: Problem, count: int = 1, *, hint: str = "") -> SourceError:
    """A problem as the ``SourceError`` the CLI prints (``count``: how many there are)."""
    more = f" (and {count - 1} more problem{'s' if count > 2 else ''})" if count > 1 else ""
    return SourceError(
        problem.entry + problem.what + more,
        hint=hint or problem.hint, code=problem.code,
        location=Location(problem.path, problem.line, problem.col))


def refusal(refused: Sequence[Problem], nothing: str) -> SourceError:
    """The refusal of a whole file (``bib add``, ``register import``: with ``--strict``, or a
    file that cannot be read) for its problems, ``nothing`` saying that nothing came in: one
    problem is one line, its own remedy then ``nothing``; several are counted on the first's
    line and each named in ``details``, the problems that refused it and no other."""
    if len(refused) == 1:
        return problem_error(refused[0], hint=f"{refused[0].hint}; {nothing}")
    err = problem_error(refused[0], len(refused), hint=nothing)
    err.details = tuple(str(p) for p in refused)
    return err


def _entries(found: list[Read], origins: dict[str, str], known: Iterable[BibEntry],
             problems: list[Problem] | None = None) -> list[BibEntry]:
    """The entries read, each under its key: the file's, else a stored work's (the work it
    describes), else one made, which ``problems`` is told (S326): the editor cites it by a
    key the file does not show."""
    known = list(known)
    stored = {k.key.lower(): k.origin for k in known}
    used = {k.key for k in known} | {r.key for r in found if r.key}
    out: list[BibEntry] = []
    for read in found:
        key = read.key
        if read.generic and stored.get(key.lower(), origins.get(read.path, read.path)) != \
                origins.get(read.path, read.path):
            # another file's ITEM-2: known again by its fields, else a key of its own; this
            # file's own ITEM-2 is its entry again (edited: --replace updates it, as any key)
            key = ""
        if not key:
            # the same Zotero item (edited since: --replace updates it), else the same work
            twin = next((k for k in known if read.uri and k.uri == read.uri), None) or next(
                (k for k in known if k.type == read.type and dict(k.fields) == read.fields),
                None)
            key = twin.key if twin is not None else make_key(read.fields, used)
            used.add(key)
            if problems is not None and twin is None:
                problems.append(_key_made(read, key))
        out.append(BibEntry(key=key, type=read.type, fields=tuple(read.fields.items()),
                            origin=origins.get(read.path, read.path), line=read.line,
                            uri=read.uri))
    return out


def _key_made(read: Read, key: str) -> Problem:
    """The note that an entry is under a key made for it, which its file does not give
    (S326): why, and which key the editor cites it by."""
    if read.key:
        why = f"its id '{read.key}' (a processor's numbering) is another work's key"
    elif read.uri:
        why = f"its id names a Zotero item ({read.uri}), no key a person cites"
    else:
        why = "it has no key"
    return Problem(read.path, read.line, key, f"{why}: added under the key '{key}', made as "
                   "for an entry without one", f"cite it as '{key}', or give the item a "
                   "citation-key of its own and add it again", "S326", NOTE)


# -- keys -------------------------------------------------------------------------------------
def ascii_fold(text: str) -> str:
    """Lower-case ASCII letters and digits only, every script spelt (``ascii_letters``):
    'Uläm' -> 'ulam', 'Łukasiewicz' -> 'lukasiewicz', 'Толстой' -> 'tolstoy'."""
    return re.sub(r"[^a-z0-9]+", "", ascii_letters(text).lower())


def split_names(value: str) -> list[str]:
    """BibTeX name list 'A and B and C' -> ['A', 'B', 'C'] (not inside braces)."""
    names: list[str] = []
    cur: list[str] = []
    depth = 0
    tokens = re.split(r"(\{|\}|\s+and\s+)", value)
    for tok in tokens:
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth -= 1
        elif depth == 0 and re.fullmatch(r"\s+and\s+", tok or ""):
            names.append("".join(cur).strip())
            cur = []
            continue
        cur.append(tok)
    names.append("".join(cur).strip())
    return [n for n in names if n]


# BibTeX's name for "and others" at the end of a list: et al., not a person
OTHERS = "others"
# LaTeX's letters by command ({\\oe}, {\\AA}): their case is the name's
_LETTER_COMMANDS = frozenset({"oe", "OE", "ae", "AE", "aa", "AA", "o", "O", "l", "L", "ss",
                              "i", "j"})


@dataclass(frozen=True, slots=True)
class NameParts:
    """A BibTeX name in its four parts, as biber reads it ("First von Last", "von Last,
    First", "von Last, Jr, First"), each as written (LaTeX, braces kept): ``von`` is
    biblatex's name prefix (lower-case words before the family name: 'de la' of 'Jean de la
    Fontaine'), ``jr`` its suffix ('Jr.', 'III'); ``useprefix`` the name's own option
    (biblatex's extended name format, ``useprefix=true``), None where the entry's decides."""

    family: str
    given: str = ""
    von: str = ""
    jr: str = ""
    useprefix: bool | None = None

    def prefixed(self, entry_option: bool) -> bool:
        """Whether the von part is cited and sorted with the family name: the name's own
        ``useprefix`` where it has one, else the entry's (``uses_prefix``)."""
        return entry_option if self.useprefix is None else self.useprefix


def name_parts(name: str) -> NameParts:
    """The parts of one BibTeX name by BibTeX's rules, as biber (btparse) applies them.

    A word is lower case if its first letter outside braces is ('de', 'van', 'jean-Paul');
    a braced group is caseless, so '{van der} Berg, Anna' and 'Kurt {von} Neumann' have no
    von part (the braces say the words belong where they stand), except a braced special
    character, which has its letter's case ('{\\'E}mile' is upper case). Without a comma,
    the von part runs from the first lower-case word to the last one before the family
    name, which is at least the last word; with commas, it is the lower-case words the
    family part opens with ('Drummond de Andrade, Carlos' has none, as biblatex reads it).
    A name that is one brace group (a body's) is all family name. A name in biblatex's
    extended format ('family=Berg, given=Anna, prefix=van der, useprefix=true') gives its
    parts by name (``_extended``)."""
    name = name.strip()
    if is_literal(name):
        return NameParts(family=name[1:-1].strip())
    if _XNAME.search(name):
        return _extended(name)
    parts = [_words(p) for p in _top_level_split(name, ",")]
    if len(parts) == 1:
        words = parts[0]
        if not words:
            return NameParts(family="")
        lower = [i for i, w in enumerate(words[:-1]) if _word_case(w) == "lower"]
        if not lower:
            return NameParts(family=words[-1], given=" ".join(words[:-1]))
        return NameParts(family=" ".join(words[lower[-1] + 1:]),
                         given=" ".join(words[:lower[0]]),
                         von=" ".join(words[lower[0]:lower[-1] + 1]))
    vonlast, given = parts[0], " ".join(" ".join(p) for p in parts[-1:] if len(parts) > 1)
    jr = " ".join(parts[1]) if len(parts) > 2 else ""
    if len(parts) > 3:  # 'von Last, Jr, First, more': the rest is given names, as written
        given = ", ".join(" ".join(p) for p in parts[2:])
    cut = 0
    if vonlast and _word_case(vonlast[0]) == "lower":
        cut = max(i for i, w in enumerate(vonlast[:-1]) if _word_case(w) == "lower") + 1 \
            if len(vonlast) > 1 else 0
    return NameParts(family=" ".join(vonlast[cut:]), given=given,
                     von=" ".join(vonlast[:cut]), jr=jr)


# biber's test for a name in the extended format: a name part's key and '=' (its xnamesep)
_XNAME = re.compile(r"(?:family|given|prefix|suffix)\s*=")
_XPARTS = {"family": "family", "given": "given", "prefix": "von", "suffix": "jr"}


def _extended(name: str) -> NameParts:
    """A name in biblatex's extended format, as biber reads it (``parsename_x``): key=value
    pairs split at commas, a pair in double quotes holding its commas ('"family=Smith, Jr."',
    as biber's CSV reader takes it; a brace group holds them too); the name parts family,
    given, prefix, suffix, and the name's own ``useprefix``. Initials (``given-i``) and
    other keys say nothing of the parts (biber warns of an unknown one and ignores it)."""
    found: dict[str, str] = {}
    useprefix = None
    for item in _top_level_split(name, ",", quotes=True):
        key, sep, value = item.strip().strip('"').partition("=")
        key, value = key.strip().lower(), value.strip()
        if not sep:
            continue
        if key in _XPARTS:
            found[_XPARTS[key]] = value
        elif key == "useprefix" and value.lower() in ("true", "false"):
            useprefix = value.lower() == "true"
    return NameParts(family=found.get("family", ""), given=found.get("given", ""),
                     von=found.get("von", ""), jr=found.get("jr", ""), useprefix=useprefix)


def classic_name(name: str) -> str:
    """A name as BibTeX writes it ('von Last, Jr, First'): one in biblatex's extended format
    ('family=Berg, given=Anna, prefix=van der') is 'van der Berg, Anna', a family name with
    a comma braced; any other name as it is. For where people read the name (a TEI
    ``<author>``, a classic .bib, a listing), not ``key=value`` pairs. One with no family
    part ('given=Y, prefix=van'), which biber reads as given names and a prefix alone, is
    written as biblatex prints it, 'Y van' (BibTeX prints that so too), never 'van, Y',
    which names a family 'van'."""
    if is_literal(name.strip()) or not _XNAME.search(name):
        return name
    parts = name_parts(name)
    if not parts.family:
        return " ".join(p for p in (parts.given, parts.von, parts.jr) if p)
    family = f"{{{parts.family}}}" if "," in parts.family else parts.family
    last = " ".join(x for x in (parts.von, family) if x)
    if parts.jr:
        return f"{last}, {parts.jr}, {parts.given}"
    return f"{last}, {parts.given}" if parts.given else last


def alias_keys(ids: str) -> list[str]:
    """The keys an ``ids`` field lists, biblatex's aliases of the entry's key (comma-separated,
    as biber splits it)."""
    return [k.strip() for k in ids.split(",") if k.strip()]


def names_read(value: str) -> str:
    """A name list as a listing shows it to people: each name as written, but one in
    biblatex's extended format as a person reads it, not its ``key=value`` pairs
    ('family=Berg, given=Anna, prefix=van der' is 'van der Berg, Anna'; a name with no
    family part, 'given=Y, prefix=van', is 'Y van', as citeproc prints it)."""
    if not _XNAME.search(value):
        return plain(value)
    return " and ".join(plain(classic_name(name)) for name in split_names(value))


def _top_level_split(text: str, seps: str, *, quotes: bool = False) -> list[str]:
    """``text`` split at each of the characters ``seps`` outside braces (a ``\\~`` accent is
    no tie); ``quotes``: outside double quotes too."""
    out, depth, quoted, start = [], 0, False, 0
    for i, ch in enumerate(text):
        depth += (ch == "{") - (ch == "}")
        quoted ^= quotes and ch == '"' and depth == 0
        if ch in seps and depth == 0 and not quoted \
                and not (ch == "~" and text[i - 1:i] == "\\"):
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return out


def _words(part: str) -> list[str]:
    """The words of a name part: split at spaces and ties outside braces."""
    return [w for w in _top_level_split(part, " \t\n\r~\u00a0") if w]


def _word_case(word: str) -> str:
    """'lower', 'upper' or 'none' (caseless: no letter outside braces), as BibTeX decides
    whether a word is part of a von part."""
    i, n = 0, len(word)
    while i < n:
        ch = word[i]
        if ch == "{":
            close = group_end(word, i + 1)
            if word.startswith("{\\", i):  # a special character: its letter's case
                m = re.match(r"\\([A-Za-z]+|.)\s*(?:\{\s*)?([^\W\d_])?", word[i + 1:close])
                if m:
                    if m.group(1) in _LETTER_COMMANDS:
                        return "upper" if m.group(1)[0].isupper() else "lower"
                    if m.group(2):
                        return "upper" if m.group(2).isupper() else "lower"
            i = close
            continue
        if ch == "\\":  # a command outside braces ('\\relax'): its name is no letter of the word
            m = re.match(r"\\(?:[A-Za-z]+|.)", word[i:])
            i += len(m.group()) if m else 1
            continue
        if ch.isalpha():
            return "lower" if ch.islower() else "upper" if ch.isupper() else "none"
        i += 1
    return "none"


def surname(name: str, *, useprefix: bool = False) -> str:
    """The family name a citation gives, as biblatex cites and sorts it: by default
    (``useprefix=false``) biber's family part alone: 'Nekrich, Aleksandr M.' and 'Aleksandr
    M. Nekrich' -> 'Nekrich'; 'von Ribbentrop, Joachim' and 'Jean de la Fontaine' ->
    'Ribbentrop', 'Fontaine' ('von Ribbentrop' with ``useprefix``, an entry's ``options``:
    ``uses_prefix``); braced, a particle is the family name's ('{van der} Berg, Anna' ->
    '{van der} Berg'); '{Wikimedia Foundation}' whole ('{Nekrich}, {Aleksandr M.}':
    '{Nekrich}'). A name's own ``useprefix`` (the extended format's) outranks the entry's."""
    parts = name_parts(name)
    return f"{parts.von} {parts.family}" if parts.prefixed(useprefix) and parts.von \
        else parts.family


def uses_prefix(entry: BibEntry | dict[str, str]) -> bool:
    """Whether an entry's ``options`` set biblatex's ``useprefix`` (``useprefix`` or
    ``useprefix=true``): its names' von parts are cited and sorted with the family name."""
    options = entry.get("options", "") or ""
    return any(re.fullmatch(r"useprefix(?:\s*=\s*true)?", o.strip(), re.I)
               for o in options.split(","))


def forenames(name: str) -> str:
    """The given names of a BibTeX name: 'Nekrich, Aleksandr M.', 'Aleksandr M. Nekrich'
    and 'Nekrich, Jr., Aleksandr M.' -> 'Aleksandr M.'; 'Plato' -> ''."""
    return name_parts(name).given


def authors(entry: BibEntry | dict[str, str]) -> list[str]:
    """The entry's author names, else its editors'."""
    get = entry.get
    value = get("author", "") or get("editor", "")
    return split_names(value) if value else []


# A year as ISO 8601-2 and BibLaTeX's date field write it, sign and all: biber reads '-0044' as
# year -44, era BCE. The minus is the year's only where no letter or digit comes before it
# ('1891-1892' is 1891, and would never be read as a range ending in year -1892)
_YEAR = re.compile(r"(?:(?<![\w])-)?\d{4}")


def year_of(entry: BibEntry | dict[str, str]) -> str:
    """The work's year as written, from ``year`` else ``date``, with its sign (a BC work
    dated ``-0044`` is never AD ``0044``); a year field of fewer digits (``830``, ``-44``)
    is a year as biber reads it. Keys and listings show ``year_shown``, one spelling a year."""
    year = (entry.get("year", "") or "").strip()
    if YEAR_FIELD.fullmatch(year):
        return year
    for value in (year, entry.get("date", "") or ""):
        m = _YEAR.search(value)
        if m:
            return m.group()
    return ""


def real_dates(fields: dict[str, str]) -> list[str]:
    """Mend an entry's dates for an export, in place, the same for every export: a date of a
    date's form that names no date (``2024-02-30``) keeps the part that is (``2024-02``),
    a month that is no month (``13``) is left out, as ``bib add`` warned (S316). The notes
    say what was done, one a field."""
    notes = []
    for name in DATE_FIELDS:
        value = fields.get(name, "")
        found = real_part(value)
        if found is not None:
            fields[name], why = found
            notes.append(f"{name} '{value}' is not a real date ({why}): {fields[name]} kept")
    month = fields.get("month", "")
    if no_month(month) is not None:
        del fields["month"]
        notes.append(f"month '{month}' is no month: left out")
    return notes


def year_number(value: str) -> int | None:
    """The year of a year field or a date (its first, for a range) as a number, counted as
    BibLaTeX counts (ISO 8601's astronomical years: ``0000`` is 1 BC, ``-0044`` 45 BC)."""
    year = year_of({"year": value})
    return int(year) if year else None


def year_shown(entry: BibEntry | dict[str, str]) -> str:
    """The work's year as its key and every listing spell it, from its number alone, so one
    year is one spelling (``year = {-44}`` and ``date = {-0044}``, ``830`` and ``0830``): a
    year AD as the number it is (``830``, ``1891``), one counted differently by BibLaTeX
    (ISO 8601) and historians (``0`` or less) in ISO's signed four digits (``-0044``, 45 BC;
    ``0000``), never a bare ``-44``, which a historian reads as 44 BC. '' for no year."""
    number = year_number(year_of(entry))
    if number is None:
        return ""
    return str(number) if number > 0 else f"-{-number:04d}" if number else "0000"


def year_written(entry: BibEntry | dict[str, str]) -> str:
    """The work's year as a listing shows it: ``year_shown``, but for a date biber reads
    with more than a year's number in it, the year (or range of years) as written, EDTF's
    marks kept: '1790%' (approximate and uncertain), '1778~', '199X' (some year of the
    1990s), '1790–1795', '–2019' (an open start), where ``year_shown`` says '1790', '1778',
    nothing, '1790' and '2019'; a range BC with EDTF's slash, '-0044/-0043'. Never a key's
    part: keys keep ``year_shown``."""
    if YEAR_FIELD.fullmatch((entry.get("year", "") or "").strip()):
        return year_shown(entry)
    date = "/".join(p.strip() for p in (entry.get("date", "") or "").split("/"))
    found = bib_date(date)
    if found is None:
        return year_shown(entry)
    ends = [_year_written(p) for p in date.split("/")][:1 if found.unspecified else 2]
    if len(ends) == 2 and ends[0] == ends[1]:
        return ends[0]  # '1790-05/1790-08': one year
    # a range BC takes EDTF's slash: '-0044–-0043' reads as a sum
    return ("/" if any(e.startswith("-") for e in ends) else "–").join(ends)


def _year_written(end: str) -> str:
    """The year of one end of a date, as written ('1790%', '199X', '0830' as '830'); ''
    for an open end."""
    m = re.match(r"(-?\d{4})|(\d{2,3}X{1,2})(?![\dX])", end)
    if m is None:
        return ""
    year = m.group(2) or year_shown({"year": m.group(1)})
    return year + (end[-1] if end[-1] in "~?%" else "")


def historical_year(year: int) -> int:
    """A BibLaTeX (astronomical) year as historians and CSL count it, with no year 0:
    ``-44`` is 45 BC, ``-45``; ``0`` is 1 BC, ``-1``. pandoc reads a .bib's dates so."""
    return year - 1 if year <= 0 else year


def is_literal(name: str) -> bool:
    """Whether a BibTeX name is one brace group, '{Friends Historical Library}': a literal
    name (a body's), never split into family and given names ('{A} and {B}' is two)."""
    if not (name.startswith("{") and name.endswith("}")):
        return False
    depth = 0
    for i, ch in enumerate(name):
        depth += (ch == "{") - (ch == "}")
        if depth == 0 and i < len(name) - 1:
            return False
    return True


def body_key(name: str) -> str:
    """A body's part of a citation key, short and readable, as JabRef abbreviates a braced
    institution: the abbreviation it gives in parentheses ('{... ({AGG})}' -> 'agg'); else,
    of its first comma part's capitalised words other than 'The', the initials when there
    are three or more ('Friends Historical Library of Swarthmore College' -> 'fhlsc'), the
    words whole when fewer ('Wikimedia Foundation' -> 'wikimediafoundation': two initials
    say nothing). Only the name decides it, so the same body always gets the same part."""
    text = plain(name).strip("{} ")
    abbr = re.search(r"\(\s*([A-Z][A-Za-z0-9&.]*[A-Z0-9])\s*\)", text)
    if abbr:
        return ascii_fold(abbr.group(1))
    words = [w for w in re.split(r"[\s\-–—/]+", text.split(",")[0]) if ascii_fold(w)]
    big = [w for w in words if next(c for c in w if c.isalnum()).isupper()
           and w.lower() not in _STOP]
    if len(big) >= 3:
        return "".join(ascii_fold(w)[:1] for w in big)
    return "".join(ascii_fold(w) for w in (big or [w for w in words if w.lower() not in _STOP]
                                           or words))


def make_key(fields: dict[str, str] | BibEntry, taken: Iterable[str]) -> str:
    """A citation key from author surname, year and the first title word, unique in ``taken``.

    A first author or editor that is a body (a braced literal name) is its ``body_key``,
    not the whole name run together. With no author or editor the first three title words
    stand in for the name.
    """
    get = fields.get
    names = authors(fields)
    words = [w for w in (ascii_fold(t) for t in re.split(r"[\s\-–—:/]+",
                                                          plain(get("title", "") or "")))
             if w and w not in _STOP]
    if names:
        parts = name_parts(names[0])
        # no family name (a particle and given names: 'given={Jean}, prefix={de}'): the
        # particle and the given names stand in for it
        name = body_key(names[0]) if is_literal(names[0]) else \
            ascii_fold(surname(names[0], useprefix=uses_prefix(fields))) or \
            ascii_fold(f"{parts.von} {parts.given}")
        base = name + year_shown(fields) + (words[0] if words else "")
    else:
        base = "".join(words[:3]) + year_shown(fields)
    base = base or "work"
    used = {k.lower() for k in taken}
    if base not in used:
        return base
    for suffix in _suffixes():
        if base + suffix not in used:
            return base + suffix
    raise AssertionError("unreachable")


def _suffixes() -> Iterable[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    yield from letters
    for a in letters:
        for b in letters:
            yield a + b


# -- TEI --------------------------------------------------------------------------------------
_T = f"{{{TEI_NS}}}"


# What names an organisation in TEI: inside a responsibility (author, editor) or on its own in
# the header (who publishes the file, who holds the manuscript).
_ORG_TAGS = tuple(f"{_T}{t}" for t in ("orgName", "institution", "repository"))
_ORG_HOLDERS = _ORG_TAGS + tuple(f"{_T}{t}" for t in ("publisher", "authority", "distributor",
                                                      "funder", "sponsor"))
_ORG_NAME_TYPES = frozenset({"org", "organisation", "organization", "institution", "corporate"})
# Head words of the bodies that edit and hold sources; German compounds end in them
# ("Nationalbibliothek", "Staatsarchiv").
_ORG_HEADS = re.compile(
    r"(?:library|libraries|archives?|museum|university|universit[äe]t|universiteit|universit[ée]"
    r"|institute|institut|foundation|stiftung|society|gesellschaft|academy|akademie|college"
    r"|bibliothek|biblioth[èe]que|biblioteca|archiv|archivio|project|projekt)$", re.I)


def organisations(root: etree._Element | None) -> set[str]:
    """The names of the organisations an element (a ``teiHeader``) names as such."""
    if root is None:
        return set()
    return {t for el in root.iter(*_ORG_HOLDERS) if (t := _org_text(el))}


def _org_text(el: etree._Element | None) -> str:
    """An organisation's name: its ``orgName`` where it marks one, never its ``address``."""
    if el is None:
        return ""
    name = el.find(f"{_T}orgName")
    if name is not None:
        return element_text(name)
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        parts.append(node.text or "")
        for child in node:
            if isinstance(child.tag, str) and child.tag != f"{_T}address":
                walk(child)
            parts.append(child.tail or "")

    walk(el)
    return " ".join("".join(parts).split())


def _is_organisation(el: etree._Element, text: str, orgs: Collection[str]) -> bool:
    """Whether an author/editor with no marked parts (no ``persName``, ``orgName``...) is a
    body, not a person: a ``name type="org"``, named so elsewhere in the header, or a name
    whose last word is a body's ("Österreichische Nationalbibliothek")."""
    if any((n.get("type") or "").lower() in _ORG_NAME_TYPES for n in el.iter(f"{_T}name")):
        return True
    words = text.split()
    return text in orgs or ("," not in text and len(words) > 1 and
                            bool(_ORG_HEADS.search(words[-1].strip(".,;"))))


def _person(el: etree._Element, orgs: Collection[str] = ()) -> str:
    """A TEI author/editor as a BibTeX name: 'Surname, Forenames' where the parts are marked;
    an organisation as one literal name, braced whole ('{Österreichische Nationalbibliothek}'),
    so biber and citeproc never split it into given and family names."""
    sur = el.find(f".//{_T}surname")
    if sur is not None:
        fores = [element_text(f) for f in el.iter(f"{_T}forename")]
        return f"{element_text(sur)}, {' '.join(fores)}".rstrip(", ")
    if el.find(f".//{_T}persName") is not None:
        return element_text(el)
    org = next(el.iter(*_ORG_TAGS), None)
    text = _org_text(org) if org is not None else element_text(el)
    if text and (org is not None or _is_organisation(el, text, orgs)):
        return "{" + text + "}"
    return text


def _names(parent: etree._Element, tag: str, orgs: Collection[str] = ()) -> str:
    return " and ".join(n for n in (_person(e, orgs) for e in parent.findall(f"{_T}{tag}"))
                        if n)


# <date type="..."> (or <note type="..."><date/></note>) saying when a web page was read
_ACCESS = frozenset({"accessed", "access", "retrieved", "urldate"})


def _accessed(d: etree._Element) -> bool:
    parent = d.getparent()
    note = parent.get("type") if parent is not None and parent.tag == f"{_T}note" else None
    return any((t or "").lower() in _ACCESS for t in (d.get("type"), note))


def _date(parent: etree._Element, *, accessed: bool = False) -> str:
    """The first date of the work (or, with ``accessed``, of the reading) under ``parent``."""
    d = next((d for d in parent.iter(f"{_T}date") if _accessed(d) == accessed), None)
    return "" if d is None else _date_value(d)


def _date_value(d: etree._Element) -> str:
    """A TEI date as a BibLaTeX date: ``@when``; ``@from``/``@to`` as the range biblatex
    and CSL both have ('1901-03-01/1901-03-05', never its first day); else the start of what
    it gives, else its words."""
    start, end = d.get("from") or "", d.get("to") or ""
    if start and end:
        return f"{start}/{end}"
    for attr in ("when", "notBefore", "from"):
        if d.get(attr):
            return d.get(attr, "")
    return element_text(d)


# Around the names a TEI title marks (persName, placeName...): braces once the title is a
# value, so sentence-case styles keep their capitals (private-use characters until then).
NAME_OPEN, NAME_CLOSE = "\ue000", "\ue001"
_NAME_TAGS = tuple(f"{_T}{t}" for t in ("persName", "placeName", "orgName", "geogName", "name"))


def _title(el: etree._Element | None) -> str:
    """A TEI title's text, the proper nouns it marks between ``NAME_OPEN``/``NAME_CLOSE``."""
    text = element_text(el)
    if el is None:
        return text
    for name in el.iter(*_NAME_TAGS):
        words = element_text(name)
        at = text.find(words) if words else -1
        if at >= 0 and NAME_OPEN not in text[at:at + len(words)]:
            text = f"{text[:at]}{NAME_OPEN}{words}{NAME_CLOSE}{text[at + len(words):]}"
    return text


def tei_fields(el: etree._Element) -> tuple[str, dict[str, str]]:
    """A TEI ``bibl`` or ``biblStruct`` as a BibLaTeX (type, fields).

    An access date (``<date type="accessed">``) is ``urldate``, never the work's date. An
    ``@online`` without a date of its own gets the year it was read: biblatex requires a date,
    and Wikipedia's "Cite this page" cites an undated page so (year of access + access date).
    """
    f: dict[str, str] = {}
    local = el.tag.split("}")[-1]
    if local == "biblStruct":
        analytic = el.find(f"{_T}analytic")
        monogr = el.find(f"{_T}monogr")
        parts = [p for p in (analytic, monogr) if p is not None]
        main = analytic if analytic is not None else monogr
        if main is None:
            main = el
        f["author"] = _names(main, "author")
        f["editor"] = _names(monogr if monogr is not None else main, "editor")
        f["title"] = _title(main.find(f"{_T}title"))
        if analytic is not None and monogr is not None:
            mtitle = monogr.find(f"{_T}title")
            level = mtitle.get("level", "m") if mtitle is not None else "m"
            f["journaltitle" if level == "j" else "booktitle"] = _title(mtitle)
            etype = "article" if level == "j" else "incollection"
        else:
            etype = "book"
        imprint = el.find(f".//{_T}imprint")
        scope_root = imprint if imprint is not None else el
        for p in parts + ([imprint] if imprint is not None else []):
            f.setdefault("publisher", element_text(p.find(f"{_T}publisher")))
            f.setdefault("location", element_text(p.find(f"{_T}pubPlace")))
        f["date"] = _date(scope_root) or _date(el)
    else:
        etype = {"book": "book", "article": "article", "chapter": "incollection",
                 "thesis": "thesis", "website": "online", "webpage": "online",
                 "manuscript": "unpublished"}.get(el.get("type", ""), "misc")
        f["author"] = _names(el, "author")
        f["editor"] = _names(el, "editor")
        titles = el.findall(f"{_T}title")
        for t in titles:
            level = t.get("level", "")
            if level in ("", "a", "u") and "title" not in f:
                f["title"] = _title(t)
            elif level == "j":
                f["journaltitle"] = _title(t)
            elif level in ("m", "s"):
                f["booktitle" if etype != "book" else "title"] = _title(t)
        if "title" not in f and titles:
            f["title"] = _title(titles[0])
        f["publisher"] = element_text(el.find(f"{_T}publisher"))
        f["location"] = element_text(el.find(f"{_T}pubPlace"))
        f["date"] = _date(el)
    for idno in el.iter(f"{_T}idno"):
        kind = (idno.get("type") or "").lower()
        if kind in ("isbn", "issn", "doi", "url"):
            f[kind] = element_text(idno)
    for scope in el.iter(f"{_T}biblScope"):
        unit = scope.get("unit") or scope.get("type") or ""
        name = {"page": "pages", "pp": "pages", "volume": "volume", "vol": "volume",
                "issue": "number"}.get(unit)
        if name:
            lo, hi = scope.get("from"), scope.get("to")
            f[name] = f"{lo}--{hi}" if lo and hi else element_text(scope)
    ptr = el.find(f".//{_T}ptr")
    if ptr is not None and ptr.get("target") and "url" not in f:
        f["url"] = ptr.get("target", "")
    if f.get("url") and etype in ("misc", "article") and not f.get("journaltitle"):
        etype = "online"  # a web page (an encyclopedia article): BibLaTeX @online
        if f.get("booktitle"):
            f["organization"] = f.get("publisher", "")
            f["titleaddon"] = f.pop("booktitle")
    f["urldate"] = _date(el, accessed=True)
    m = _YEAR.match(f.get("date") or (f["urldate"] if etype == "online" else ""))
    if m:
        f["year"] = m.group()
    return etype, {k: v for k, v in f.items() if v}


def tei_entries(root: etree._Element, *, source_id: str, title: str,
                taken: Iterable[str], date: str = "",
                known: Iterable[BibEntry] = (),
                ours: Callable[[BibEntry], bool] | None = None,
                clashed: list[tuple[BibEntry, str, BibEntry | None]] | None = None,
                renamed: dict[str, str] | None = None) -> list[BibEntry]:
    """The works a TEI source names in its text (``listBibl``, ``bibl``, ``biblStruct``), and
    the source itself as a citable work (first, from ``sourceDesc`` and ``titleStmt``), dated
    ``date`` (the date it was written) when its description gives none.

    A ``bibl`` inside another ``bibl``/``biblStruct`` is part of it, not a work of its own.
    ``xml:id`` is the key where there is one. A ``bibl`` that points to its work
    (``work_pointer``: ``<bibl><title ref="bi0032">journey to London</title></bibl>``) cites
    that work: one work per pointer, keyed by the id it points to, however often the text
    cites it, and none where the work is listed in the file or stored already by the
    file's edition (``ours``: a ``known`` work read from a source of the same edition;
    default: from any source), as a name's ``@ref`` is one person. A pointer whose key a
    work not ``ours`` has (a user's .bib ``tour``) names another work: the file's gets a key
    of its own, and another source's citing it again is that work (``ours``, same title).
    A title alone (no pointer, author, date or id) cited again, or a stored work's title
    (``known``), cites that work too: an edition's inline ``<bibl><title>`` is a citation,
    not a new undated entry each time; so does any bibl without pointer or id that says
    what one before it in the file, or an ``ours`` stored work, says (``cited_text``: an
    article in a journal three letters cite alike is one work).

    An ``xml:id`` that is the key of a ``known`` work read from this very source (its
    version a replace reads again) keeps that key: it is the work the source gave, no clash.
    So does a bibl with neither (``edited``): an earlier work of this source that no bibl of
    the file says any more, of a like title (a typo mended, a subtitle added) and no other
    authors, is that bibl edited, keyed as before, never a second work beside it; a bibl
    given an id (or a pointer) since is such a work too, said alike or edited, keyed by the
    id where it is free: ``renamed`` is told (new key -> the earlier), to keep the earlier an
    alias. A replace's bibl with neither whose key, made anew, a stored work lists in its
    ``ids`` is the work ``bib fold`` folded into that one: it adds none again.

    ``clashed`` is told each work whose own key (its ``xml:id``, or the id its pointer names)
    another work has, so it got a key of its own or kept its earlier one: (the work, that
    key, the stored work holding it, None for a work of this file).
    """
    used = {k.lower() for k in taken}
    known = list(known)
    is_ours = ours or (lambda work: work.origin.startswith("source:"))
    stored = {k.key.lower(): k for k in known}
    out: list[BibEntry] = []
    origin = f"source:{source_id}"
    # keys of the works this source gave before, each taken back once by the id that gave it
    again = {k.key.lower(): k.key for k in known if k.origin == origin}
    # a replace's keys made anew that are aliases (ids) of a stored work: the keys of works
    # of this source folded into it, which the file, read again, gives again
    folded = {a.lower() for k in known for a in alias_keys(k.get("ids"))} if again else set()

    def add(etype: str, fields: dict[str, str], line: int | None, xml_id: str | None,
            before: str = "") -> None:
        # the key names the work: the year of access standing in for its date is no part of it
        own = {k: v for k, v in fields.items() if k != "year" or "date" in fields}
        wanted = xml_id if xml_id and KEY_OK.match(xml_id) else ""
        if before:  # its bibl edited: the work this source gave, under its key or the id
            again.pop(before.lower(), None)  # its bibl gives it now (renamed, the old an alias)
            key = wanted if wanted and wanted.lower() not in used and renamed is not None \
                else before
            if key != before and renamed is not None:
                renamed[key] = before
        elif wanted and wanted.lower() in again:
            wanted = again.pop(wanted.lower())
            key = wanted
        else:
            key = wanted if wanted and wanted.lower() not in used else make_key(own, used)
            if not wanted and key.lower() in folded:
                used.add(key.lower())
                return  # a work the editor folded into another (bib fold): that work
        used.add(key.lower())
        out.append(BibEntry(key=key, type=etype, fields=tuple(
            (k, as_value(k, v)) for k, v in fields.items()), origin=origin, line=line))
        if wanted and key != wanted and clashed is not None:
            clashed.append((out[-1], wanted, stored.get(wanted.lower())))

    header = root.find(f"{_T}teiHeader")
    record: list[Any] | None = None  # the source itself as a work: [type, fields, line, id]
    if header is not None:
        desc = header.find(f".//{_T}sourceDesc")
        work = None
        if desc is not None:
            work = desc.find(f"{_T}biblStruct")
            if work is None:
                work = desc.find(f"{_T}bibl")
        if work is not None:
            etype, fields = tei_fields(work)
        else:
            etype, fields = "misc", {}
        orgs = organisations(header)
        stmt = header.find(f".//{_T}titleStmt")
        if stmt is not None:
            if not fields.get("author"):
                fields["author"] = _names(stmt, "author", orgs)
            if not fields.get("editor"):
                fields["editor"] = _names(stmt, "editor", orgs)
        if not fields.get("title"):
            fields["title"] = title
        if work is None:  # the file itself is the work: who publishes it
            fields["publisher"] = _publisher(header)
        for name, value in _holding(desc).items():  # who holds its original, and where
            fields.setdefault(name, value)
        if date and not fields.get("date") and not fields.get("year"):
            fields["date"] = _range_from(header, date)
        fields = {k: v for k, v in fields.items() if v}
        if fields.get("title"):
            record = [etype, fields, source_line(work if work is not None else header), None]
    listed = [el for el in _listed(root, header) if not _nested(el)]
    ids = {i.lower() for el in listed if (i := el.get(XML_ID))}
    # the works of the text, one per pointer (and per bare title): [type, fields, line, id]
    works: list[list[Any]] = []
    by_pointer: dict[str, list[Any]] = {}
    by_title: dict[str, list[Any]] = {}
    stored_here: set[str] = set()  # pointers to a work the edition's sources gave
    titled: dict[str, list[BibEntry]] = {}  # the stored works by title, folded once
    for k in known:
        if t := k.get("title"):
            titled.setdefault(ascii_fold(plain(t)), []).append(k)
    said: set[tuple[str, tuple[tuple[str, str], ...]]] = set()  # citations read, as compared
    named: set[str] = set()  # the stored works a bibl here cites, by key folded
    for el in listed:
        etype, fields = tei_fields(el)
        if not fields.get("title") and not fields.get("author"):
            continue
        pointer = work_pointer(el)
        title = ascii_fold(cleaned(fields.get("title", "")))
        bare = set(fields) == {"title"} and not el.get(XML_ID)
        if pointer:
            key = pointer_key(pointer)
            listed_here = key.lower() in ids and key.lower() != (el.get(XML_ID) or "").lower()
            if key and listed_here:
                continue  # a citation of a work listed here: that work
            if pointer in by_pointer:  # cited again: the same work, what it adds kept
                for name, value in fields.items():
                    by_pointer[pointer][1].setdefault(name, value)
                continue
            if pointer in stored_here or key and _cited(stored.get(key.lower()),
                                                        titled.get(title, []) if title else [],
                                                        is_ours):
                stored_here.add(pointer)
                named.update([key.lower(), *(k.key.lower() for k in titled.get(title, []))])
                continue  # a work this edition's sources gave already: that work
            cited = [etype, fields, source_line(el), key]
            by_pointer[pointer] = cited
        elif bare and title and (title in by_title or len(titled.get(title, [])) == 1):
            named.update(k.key.lower() for k in titled.get(title, []))
            continue  # a title alone, cited before here or one stored work's: that work
        elif not el.get(XML_ID) and ((text := _as_cited(etype, fields)) in said or any(
                k.origin.startswith("source:") and is_ours(k) and cited_text(k) == text
                for k in titled.get(title, []))):
            named.update(k.key.lower() for k in titled.get(title, []) if cited_text(k) == text)
            continue  # cited alike before here, or by a source of the edition: that work
        else:
            cited = [etype, fields, source_line(el), el.get(XML_ID)]
            if not el.get(XML_ID):
                said.add(_as_cited(etype, fields))
        works.append(cited)
        by_title.setdefault(title, cited)
    works = [record, *works] if record is not None else works
    unsaid = [k for k in known if k.origin == origin and k.key.lower() not in named]
    paired = works
    if record is not None and (itself := _own_record_key(root, known, origin)):
        # a bibl of the text given the id of the source's own record is not the source (was:
        # it took the record's key, the record made anew, so an edited bibl overwrote the
        # letter's record): it is its earlier work, and the id clashes (S327)
        paired = [works[0], *([*w[:3], None] if (w[3] or "").lower() == itself.lower() else w
                              for w in works[1:])]
    for (etype, fields, line, xml_id), before in zip(
            works, edited(paired, unsaid, record=record is not None)):
        add(etype, fields, line, xml_id, before)
    return out


def _own_record_key(root: etree._Element, known: Iterable[BibEntry], origin: str) -> str:
    """The key of the record a source gave before of itself (its work read from a line before
    its ``<text>``), '' if none."""
    text = root.find(f"{_T}text")
    start = source_line(text) if text is not None else None
    if start is None:
        return ""
    header = [k for k in known if k.origin == origin and k.line is not None and k.line < start]
    return min(header, key=lambda k: k.line or 0).key if header else ""


def edited(works: Sequence[Sequence[Any]], earlier: Sequence[BibEntry], *,
           record: bool = False) -> list[str]:
    """For each work a source's file gives now ([type, fields, line, id], as ``tei_entries``
    reads them), the key of the earlier work of that source (``earlier``: those no bibl of
    the file cites by pointer or as a stored work) its bibl is, else '': a bibl whose work
    the source gave before under another wording, as an editor mends a title's typo, adds a
    subtitle or a date and replaces the file, or under another key, the bibl given an
    ``xml:id`` (or a pointer) since. Only a work no bibl keeps its key for, said the same or
    of a like title (``_like_title``), no other authors and no other volume, part, number
    or year (``other_part``: 'Letters, vol. 1' edited into 'Letters, vol. 2' is another
    volume, not a typo mended); the same first, then the closest title, then the nearest
    line, so two works edited alike keep their order. ``record``: the first work is the
    source's own record, the source itself whatever its header's date or number says now."""
    ids = [w[3] if w[3] and KEY_OK.match(w[3]) else "" for w in works]
    mine = {k.key.lower() for k in earlier}
    left = [k for k in earlier if k.key.lower() not in {i.lower() for i in ids}]
    pairs = []
    for n, (etype, fields, line, _) in enumerate(works):
        if ids[n].lower() in mine:
            continue  # keyed by its id as before
        work = BibEntry(key="", type=etype, fields=tuple(
            (k, as_value(k, v)) for k, v in fields.items()), origin="")
        for old in left:
            same = (old.type, {f: v for f, v in old.fields if f != "ids"}) == \
                (work.type, dict(work.fields))
            like = 2.0 if same else _like_title(work, old)
            if like and (same or not _other_authors(work, old) and (
                    record and n == 0 or not other_part(work, old))):
                pairs.append((-like, abs((old.line or 0) - (line or 0)), n, old.key))
    out = [""] * len(works)
    taken: set[str] = set()
    for _, _, n, key in sorted(pairs):
        if not out[n] and key not in taken:
            out[n] = key
            taken.add(key)
    return out


def _like_title(a: BibEntry, b: BibEntry) -> float:
    """How alike two works' titles are, 0 for not: 1 the same (case, accents and LaTeX
    ignored), 0.9 the one's words within the other's (a subtitle, a series added), else
    difflib's ratio where it is 0.8 or more (a typo mended); numbers written in words or
    digits alike, 'the' left out ('Part Two' and 'Part the Second' are one title)."""
    x, y = (" ".join(_numbered(w) for w in _title_words(e.get("title")) if w != "the")
            for e in (a, b))
    if not x or not y:
        return 0.0
    if x == y:
        return 1.0
    if f" {x} " in f" {y} " or f" {y} " in f" {x} ":
        return 0.9
    ratio = difflib.SequenceMatcher(None, x, y).ratio()
    return ratio if ratio >= 0.8 else 0.0


# what a title names a part or edition of a work by ('vol. II', 'Part Two', 'the Second
# Book', 'Volume the First', '2nd ed.'), the number written beside it (an article between)
# in a word or a roman numeral; digits, '1st' too, name one anywhere
_PART_WORDS = frozenset("vol vols volume volumes tome tom band bd teil part pt parts book bk "
                        "no nos nr number issue livre letter series ser ed edn edition "
                        "editions".split())
_NUMBER_WORDS = {w: n for n, words in enumerate(
    ("one first", "two second", "three third", "four fourth", "five fifth", "six sixth",
     "seven seventh", "eight eighth", "nine ninth", "ten tenth", "eleven eleventh",
     "twelve twelfth"), 1) for w in words.split()}
_ORDINAL_DIGITS = re.compile(r"(\d+)(?:st|nd|rd|th|d)")
_ROMAN = re.compile(r"m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})")
_ROMAN_VALUES = {"m": 1000, "d": 500, "c": 100, "l": 50, "x": 10, "v": 5, "i": 1}
# the fields biblatex tells the volumes, parts, issues and editions of one work apart by
PART_FIELDS = ("volume", "part", "number", "issue", "edition")
# the fields an entry names its parents by (biblatex's crossref and xref, comma-separated)
PARENT_FIELDS = ("crossref", "xref")
# every field an entry names other works by their keys (comma-separated): its parents,
# biblatex's related works, the xdata it takes fields from, a set's members; a fold or a
# rename moves them all to the key kept
KEY_FIELDS = (*PARENT_FIELDS, "related", "xdata", "entryset")


def _title_words(title: str) -> list[str]:
    """A title's words, lower case, accents and LaTeX left out."""
    return re.findall(r"[a-z0-9]+", ascii_letters(cleaned(plain(title))).lower())


def _number(word: str) -> int | None:
    """The number a word writes in digits ('2', '2nd'), else None."""
    if word.isdigit():
        return int(word)
    m = _ORDINAL_DIGITS.fullmatch(word)
    return int(m[1]) if m else None


def _numbered(word: str) -> str:
    """A word, a number word or an ordinal in digits ('second', '2nd': '2')."""
    n = _NUMBER_WORDS.get(word) or _number(word)
    return word if n is None else str(n)


def title_numbers(title: str) -> frozenset[int]:
    """The numbers a title names its volume, part, edition or year by: every number in
    digits ('2', '2nd'), and a roman numeral or a number word (one to twelve, first to
    twelfth) beside a word such as vol., part, book, no., ed., an article between allowed
    ('Letters, vol. II' and 'Letters, vol. 2' are {2}; 'The Second Part of Travels',
    'Part the Second' {2}); case, accents and LaTeX ignored."""
    words = _title_words(title)
    out = {n for n in map(_number, words) if n is not None}
    bare = [w for w in words if w != "the"]  # 'Volume the First' is 'Volume First'
    for i, word in enumerate(bare):
        if not ({bare[i - 1] if i else "", bare[i + 1] if i + 1 < len(bare) else ""}
                & _PART_WORDS):
            continue
        if word in _NUMBER_WORDS:
            out.add(_NUMBER_WORDS[word])
        elif _ROMAN.fullmatch(word) and word not in _PART_WORDS:
            values = [_ROMAN_VALUES[c] for c in word]
            out.add(sum(-v if v < after else v for v, after in zip(values, [*values[1:], 0])))
    return frozenset(out)


def _other_number_words(a: str, b: str) -> bool:
    """Whether each of two titles has a number word or an ordinal the other lacks ('Tour,
    the First' and 'Tour, the Second'): in doubt, another part, not a typo mended; a number
    given where there was none is an edit."""
    x, y = ({_numbered(w) for w in _title_words(t)} for t in (a, b))
    return all(any(w.isdigit() for w in words)
               for words in (x - y, y - x))


def other_part(a: BibEntry, b: BibEntry) -> bool:
    """Whether two works of a like title are other volumes, parts, numbers, editions or years
    of one work: a field biblatex tells them apart by (``PART_FIELDS``) or their year, given
    in both and other, or their titles naming other numbers ('Letters, vol. 1' and 'Letters,
    vol. 2', '1st ed.' and '2nd ed.', 'Part I' and 'Part the Second'), or each naming a
    number word the other lacks. A number or year one of them lacks tells nothing (a date added
    is an edit)."""
    for name in PART_FIELDS:
        x, y = (ascii_fold(cleaned(plain(w.get(name)))) for w in (a, b))
        if x and y and x != y:
            return True
    years = year_shown(a), year_shown(b)
    numbers = title_numbers(a.get("title")), title_numbers(b.get("title"))
    return all(years) and years[0] != years[1] or all(numbers) and numbers[0] != numbers[1] \
        or _other_number_words(a.get("title"), b.get("title"))


def beside(work: BibEntry, earlier: Sequence[BibEntry]) -> str:
    """The key of the first of ``earlier`` works that ``work`` is another volume, part,
    edition or year of (a like title, no other authors, ``other_part``), else ''."""
    return next((old.key for old in earlier if _like_title(work, old)
                 and not _other_authors(work, old) and other_part(work, old)), "")


def _other_authors(a: BibEntry, b: BibEntry) -> bool:
    """Whether two works name authors (else editors) and no family name of them alike."""
    x, y = ({ascii_fold(plain(name_parts(n).family)) for n in authors(w) if n != OTHERS}
            for w in (a, b))
    return bool(x and y and not x & y)


def _cited(work: BibEntry | None, same_title: list[BibEntry],
           ours: Callable[[BibEntry], bool]) -> bool:
    """Whether the work stored under a pointer's key (``work``) is the one the pointer names:
    the edition's (``ours``), never a .bib entry or another edition's that has the key; when
    such a work has it, the edition's own work of that title (one of ``same_title``, the
    stored works of the pointer's title), stored under a key of its own."""
    if work is None:
        return False
    if ours(work):
        return True
    return any(k.origin.startswith("source:") and ours(k) for k in same_title)


def work_pointer(el: etree._Element) -> str:
    """What a ``bibl`` in the text points to as the work it cites: its ``@ref`` or
    ``@corresp``, else its own title's ``@ref`` or ``@key`` (``<bibl><title ref="bi0032">``,
    as an edition points a name to its register; the first title, a ``biblStruct``'s
    analytic one first, never a journal's or series' title, which names what holds the
    work); one pointer, '' for none or several."""
    own = next((t for path in (f"{_T}analytic/{_T}title", f"{_T}monogr/{_T}title",
                               f"{_T}title") if (t := el.find(path)) is not None), None)
    nodes = [(el, ("ref", "corresp"))]
    if own is not None and own.get("level") not in ("j", "s"):
        nodes.append((own, ("ref", "key")))
    for node, names in nodes:
        for name in names:
            value = (node.get(name) or "").split()
            if value:
                return value[0] if len(value) == 1 else ""
    return ""


def pointer_key(pointer: str) -> str:
    """The citation key a pointer gives its work: the id it points to (``#bi0032``,
    ``bibliography.xml#bi0032``, ``bi0032``: ``bi0032``; a URL's last part), '' when that is
    no key BibTeX can cite."""
    key = re.split(r"[#/]", pointer.rstrip("/"))[-1]
    return key if key and KEY_OK.match(key) else ""


def cited_text(work: BibEntry) -> tuple[str, tuple[tuple[str, str], ...]]:
    """What a work an edition's text cites says, as a citation is compared with another: its
    type and every field as text for people, case and accents ignored (a bibl's 'journey to
    London' is its 'Journey to London'), as the bare titles of one file are compared. Not
    its ``ids``, the keys it is also cited by (``bib fold`` gives the kept work the folded
    ones): what it is called, not what it says."""
    return work.type.lower(), tuple(sorted((name, ascii_fold(cleaned(plain(value))))
                                           for name, value in work.fields if name != "ids"))


def _as_cited(etype: str, fields: dict[str, str]) -> tuple[str, tuple[tuple[str, str], ...]]:
    """``cited_text`` of a bibl's (type, fields) as read, before it is stored."""
    return cited_text(BibEntry(key="", type=etype, fields=tuple(
        (k, as_value(k, v)) for k, v in fields.items()), origin=""))


def text_pointers(root: etree._Element) -> tuple[int | None, dict[tuple[int | None, str], str]]:
    """Where a TEI source's text begins (its ``<text>``'s line; the works read from lines
    before it are the source's own record) and, for each ``bibl``/``biblStruct`` of its text,
    by (line, folded title), the key of the work it names: its pointer's (``work_pointer``),
    else its own ``xml:id``; '' for neither, so a work read from that line with that title is
    known again for the work the file says it is."""
    text = root.find(f"{_T}text")
    start = source_line(text) if text is not None else None
    found: dict[tuple[int | None, str], str] = {}
    if text is None:
        return start, found
    for el in text.iter(f"{_T}bibl", f"{_T}biblStruct"):
        if _nested(el):
            continue
        pointer = work_pointer(el)
        key = pointer_key(pointer) if pointer else el.get(XML_ID) or ""
        title = ascii_fold(cleaned(tei_fields(el)[1].get("title", "")))
        place = (source_line(el), title)
        found[place] = "" if found.get(place, key) != key else key  # two ways: none sure
    return start, found


def cleaned(title: str) -> str:
    return title.replace(NAME_OPEN, "").replace(NAME_CLOSE, "")


def _publisher(header: etree._Element) -> str:
    """Who publishes the file (``publicationStmt``): its publishers, else its distributor or
    authority, as one literal list ('A and B'): an organisation, never a name to split."""
    stmt = header.find(f".//{_T}publicationStmt")
    if stmt is None:
        return ""
    for tag in ("publisher", "distributor", "authority"):
        found = [t for el in stmt.findall(f"{_T}{tag}") if (t := _org_text(el))]
        if found:
            return " and ".join(found)
    return ""


def _holding(desc: etree._Element | None) -> dict[str, str]:
    """Where the original is kept (``msIdentifier``), in CSL's three parts, which the .bib
    export joins into biblatex's one ``library`` ("a library name and a call number"):
    ``archive`` the institution and repository, ``archive_location`` its collection and
    shelf mark (the first ``idno``: later ones are other systems' numbers, an Islandora
    pid), ``archive-place`` the settlement; the address left out."""
    ident = desc.find(f".//{_T}msIdentifier") if desc is not None else None
    if ident is None:
        return {}

    def say(*tags: str) -> str:
        return ", ".join(t for tag in tags for el in ident.findall(f"{_T}{tag}")[
            :1 if tag == "idno" else None] if (t := _org_text(el)))

    return {k: v for k, v in (("archive-place", say("settlement")),
                              ("archive", say("institution", "repository")),
                              ("archive_location", say("collection", "idno"))) if v}


def _range_from(header: etree._Element, date: str) -> str:
    """``date`` (the day the source was written, the start of a range where the header gives
    one) as the whole range its header's date says ('1901-03-01/1901-03-05')."""
    for d in header.iter(f"{_T}date", f"{_T}origDate"):
        if d.get("from") == date and d.get("to"):
            return f"{date}/{d.get('to')}"
    return date


def lists_works(root: etree._Element) -> bool:
    """Whether a TEI file's text lists or cites works (a ``bibl`` or ``biblStruct`` outside its
    header): only then does ``tei_entries`` compare them with the stored works (``known``);
    the header's description of the source itself needs only the keys taken."""
    return next(_listed(root, root.find(f"{_T}teiHeader")), None) is not None


def _listed(root: etree._Element, header: etree._Element | None) -> Iterator[etree._Element]:
    """The ``bibl`` and ``biblStruct`` elements of a TEI file outside its header."""
    return (el for el in root.iter(f"{_T}bibl", f"{_T}biblStruct") if not _inside(el, header))


def _inside(el: etree._Element, ancestor: etree._Element | None) -> bool:
    if ancestor is None:
        return False
    p = el.getparent()
    while p is not None:
        if p is ancestor:
            return True
        p = p.getparent()
    return False


def _nested(el: etree._Element) -> bool:
    p = el.getparent()
    while p is not None:
        if p.tag in (f"{_T}bibl", f"{_T}biblStruct"):
            return True
        p = p.getparent()
    return False


NAME_FIELDS = frozenset({"author", "editor", "translator", "bookauthor", "holder",
                          "commentator", "annotator", "introduction", "foreword", "afterword",
                          "editora", "editorb", "editorc"})


def as_value(name: str, text: str) -> str:
    """Plain text (read from TEI) as a stored value: LaTeX specials escaped, braces that hold
    a name together kept, URLs and DOIs as they are."""
    if name in VERBATIM or name == "pages":  # a page range's '--' is the range's dash
        return text.replace(NAME_OPEN, "").replace(NAME_CLOSE, "")
    if name in NAME_FIELDS:
        return escape_name(text.replace(NAME_OPEN, "").replace(NAME_CLOSE, ""))
    return escape(text).replace(NAME_OPEN, "{").replace(NAME_CLOSE, "}")


# legacy types as biblatex's, so that the same kind of work compares the same
_SAME_TYPE = {"phdthesis": "thesis", "mastersthesis": "thesis", "techreport": "report",
              "conference": "inproceedings", "electronic": "online", "www": "online"}
WorkIdentity = tuple[str, tuple[str, ...], str, str]


def work_identity(entry: BibEntry) -> WorkIdentity | None:
    """What makes two entries likely one work, as JabRef's duplicate check compares them:
    the kind of work (its type: an article and the chapter reprinting it are two), the
    authors' (else editors') family names, the title with its subtitle, the year; case,
    accents, punctuation and LaTeX ignored ('A Tour in {Wales}' is 'A Tour in Wales'). None
    for an entry with no title, or with neither names nor a year."""
    title = ascii_fold(plain(entry.get("title")) + plain(entry.get("subtitle")))
    names = tuple(ascii_fold(plain(name_parts(n).family)) for n in authors(entry)
                  if n != OTHERS)
    year = year_shown(entry)
    kind = _SAME_TYPE.get(entry.type.lower(), entry.type.lower())
    return (kind, names, title, year) if title and (names or year) else None


def same_work(a: BibEntry, b: BibEntry, *, aliases: bool = True) -> bool:
    """Whether two entries describe the same work the same way (re-adding is then a no-op);
    ``aliases=False``: their ``ids`` aside, as a source read again gives none of those ``bib
    fold`` gave the work it kept."""
    def fields(e: BibEntry) -> dict[str, str]:
        return {k: v for k, v in e.fields if aliases or k != "ids"}

    return a.type == b.type and fields(a) == fields(b)
