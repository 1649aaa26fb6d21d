"""CSL-JSON read into the bibliography: Zotero's "CSL JSON" and Better BibTeX's "Better CSL
JSON" exports, pandoc's ``--bibliography`` files, and ``annotator export csl``'s own.

Each item becomes one entry, the reverse of ``annotator.bibliography.csl_items`` (what
``export csl`` writes) where that has a mapping, so that exporting what was read gives the
items back (the round trip the tests hold):

* the CSL type is a biblatex type (``article-journal`` -> ``article``, ``chapter`` ->
  ``incollection``, ``webpage`` -> ``online``); one biblatex has no type for is the nearest
  type with the CSL type as its ``entrysubtype`` (``article-newspaper`` -> ``article`` with
  ``newspaper``, ``map`` -> ``misc`` with ``map``), which the export reads back (``csl_type``);
* names (``family``, ``given``, both particles, ``suffix``, ``literal``) are BibTeX names that
  biber splits into the same parts; a particle written with a capital is biblatex's
  extended name format (``family=Morgan, given=Augustus, prefix=De, useprefix=true``); a
  name with both particles keeps the dropping one at the end of its given names, as Better
  BibTeX does (biblatex has one prefix);
* dates (``date-parts``, an EDTF string, ``raw``, ``literal``, ``circa``, ``season``) are
  EDTF dates (``issued`` -> ``date``, ``accessed`` -> ``urldate``); a CSL year counts no year
  0 (-44 is 44 BC), biblatex's is ISO 8601's (-0043); a literal is read for its year
  (``literal_date``: "ca. 1790" is ``1790~``), what that does not say kept in the note;
* text is escaped for LaTeX (``&`` -> ``\\&``), titles' rich text as LaTeX (``<i>`` ->
  ``\\emph{}``, ``<span class="nocase">`` -> braces);
* ``custom`` (where the export keeps fields CSL has no variable for) gives its fields back;
* a variable the library has no field for (Zotero's ``source``, ``dimensions``, a ``composer``)
  is kept in the entry's ``note`` as ``variable: value``, and said once for the file.

The citation key is the item's ``citation-key`` (CSL 1.0.2, Better CSL JSON), else its ``id``;
an ``id`` that is a Zotero item URI gets a key made as for a .bib entry without one, and so
does a generic ``ITEM-2`` (citeproc-js's, Mendeley's) that another work has as its key. The file
is checked against the official CSL-JSON schema (``csl-data.json``, kept beside this module)
first: a file that is not CSL-JSON, or not JSON, adds nothing.

DOCS: docs/claims.md#bibliography
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from annotator.bibliography.latex import escape
from annotator.bibliography.model import (CONTROL, KEY_OK, NOTE, REFUSED, SKIPPED, Problem,
                                          Read, duplicate)
from annotator.calendar import bib_date
from annotator.text import not_xml_named

# the official CSL-JSON schema: GitHub citation-style-language/schema,
# schemas/input/csl-data.json (commit 00412663), reformatted; MIT, csl-data.LICENSE.txt
SCHEMA = Path(__file__).with_name("csl-data.json")

# CSL type -> (biblatex type, entrysubtype): the subtype says which CSL type it is where the
# biblatex type alone says another (``csl_type`` reads it back)
TYPE_OF: dict[str, tuple[str, str]] = {
    "article": ("online", "article"), "article-journal": ("article", ""),
    "article-magazine": ("article", "magazine"), "article-newspaper": ("article", "newspaper"),
    "bill": ("legislation", "bill"), "book": ("book", ""), "broadcast": ("video", "broadcast"),
    "chapter": ("incollection", ""), "classic": ("book", "classic"),
    "collection": ("misc", "collection"), "dataset": ("dataset", ""), "document": ("misc", ""),
    "entry": ("inreference", "entry"), "entry-dictionary": ("inreference", "entry-dictionary"),
    "entry-encyclopedia": ("inreference", ""), "event": ("misc", "event"),
    "figure": ("image", "figure"), "graphic": ("artwork", ""),
    "hearing": ("jurisdiction", "hearing"), "interview": ("misc", "interview"),
    "legal_case": ("jurisdiction", ""), "legislation": ("legislation", ""),
    "manuscript": ("unpublished", ""), "map": ("misc", "map"),
    "motion_picture": ("video", ""), "musical_score": ("misc", "musical_score"),
    "pamphlet": ("booklet", ""), "paper-conference": ("inproceedings", ""),
    "patent": ("patent", ""), "performance": ("misc", "performance"),
    "periodical": ("periodical", ""), "personal_communication": ("letter", ""),
    "post": ("online", "post"), "post-weblog": ("online", "post-weblog"),
    "regulation": ("legislation", "regulation"), "report": ("report", ""),
    "review": ("review", ""), "review-book": ("review", "review-book"),
    "software": ("software", ""), "song": ("audio", ""), "speech": ("unpublished", "speech"),
    "standard": ("standard", ""), "thesis": ("thesis", ""),
    "treaty": ("legislation", "treaty"), "webpage": ("online", "")}
# biblatex's own words for an article's subtype (the Chicago styles', pandoc's)
_SUBTYPE_WORDS = {"magazine": "article-magazine", "newspaper": "article-newspaper"}

# the thesis or report kind (the .bib's ``type``) as CSL's ``genre`` says it
GENRES = {"phdthesis": "PhD thesis", "mathesis": "Master's thesis", "mastersthesis":
          "Master's thesis", "techreport": "Technical report", "resreport": "Research report",
          "software": "Computer software", "datacd": "CD-ROM", "audiocd": "Audio CD",
          "candthesis": "Candidate thesis", "bathesis": "Bachelor's thesis"}
# babel/polyglossia language names (langid, language, hyphenation) -> BCP 47
LANGUAGES = {"english": "en", "american": "en-US", "usenglish": "en-US", "british":
             "en-GB", "ukenglish": "en-GB", "canadian": "en-CA", "australian": "en-AU",
             "newzealand": "en-NZ", "german": "de", "ngerman": "de-DE", "austrian": "de-AT",
             "naustrian": "de-AT", "swissgerman": "de-CH", "nswissgerman": "de-CH",
             "french": "fr", "francais": "fr", "acadian": "fr-CA", "canadien": "fr-CA",
             "italian": "it", "spanish": "es", "catalan": "ca", "portuguese": "pt",
             "portuges": "pt", "brazil": "pt-BR", "brazilian": "pt-BR", "dutch": "nl",
             "flemish": "nl-BE", "danish": "da", "norwegian": "nb", "norsk": "nb",
             "nynorsk": "nn", "swedish": "sv", "finnish": "fi", "icelandic": "is",
             "polish": "pl", "czech": "cs", "slovak": "sk", "slovene": "sl", "slovenian":
             "sl", "croatian": "hr", "serbian": "sr", "russian": "ru", "ukrainian": "uk",
             "bulgarian": "bg", "greek": "el", "polutonikogreek": "el", "latin": "la",
             "hungarian": "hu", "magyar": "hu", "romanian": "ro", "turkish": "tr",
             "hebrew": "he", "arabic": "ar", "chinese": "zh", "japanese": "ja",
             "korean": "ko", "estonian": "et", "latvian": "lv", "lithuanian": "lt",
             "irish": "ga", "welsh": "cy", "scottish": "gd", "basque": "eu", "galician":
             "gl", "afrikaans": "af", "indonesian": "id", "malay": "ms", "vietnamese": "vi",
             "thai": "th", "hindi": "hi", "persian": "fa", "farsi": "fa", "armenian": "hy",
             "georgian": "ka", "albanian": "sq", "macedonian": "mk", "belarusian": "be",
             "esperanto": "eo", "sanskrit": "sa", "bengali": "bn", "tamil": "ta",
             "urdu": "ur", "yiddish": "yi", "mongolian": "mn", "kurmanji": "kmr",
             "interlingua": "ia", "occitan": "oc", "romansh": "rm", "breton": "br"}
# the other way: the first (plainest) name of each
_GENRE_KINDS = {v: k for k, v in reversed(GENRES.items())}
_BABEL = {v.lower(): k for k, v in reversed(LANGUAGES.items())}


def csl_type(etype: str, entrysubtype: str = "") -> str | None:
    """The CSL type an entry's ``entrysubtype`` names for its biblatex type (``@article``
    with ``newspaper`` is ``article-newspaper``, ``@misc`` with ``map`` a ``map``), else None
    (the type alone says it)."""
    sub = entrysubtype.strip().lower()
    named = _SUBTYPE_WORDS.get(sub, sub)
    found = TYPE_OF.get(named)
    return named if sub and found and found[1] and found[0] == etype.lower() else None


# -- variables -> fields ------------------------------------------------------------------------
_RICH = {"title": "title", "title-short": "shorttitle", "shortTitle": "shorttitle",
         "collection-title": "series", "original-title": "origtitle", "event": "eventtitle",
         "event-title": "eventtitle", "container-title-short": "shortjournal",
         "journalAbbreviation": "shortjournal"}
_TEXT = {"publisher": "publisher", "publisher-place": "location", "volume": "volume",
         "number-of-volumes": "volumes", "edition": "edition", "ISBN": "isbn", "ISSN": "issn",
         "note": "note", "abstract": "abstract", "chapter-number": "chapter",
         "number-of-pages": "pagetotal", "version": "version", "event-place": "venue",
         "original-publisher": "origpublisher", "original-publisher-place": "origlocation",
         "annote": "annotation", "keyword": "keywords", "PMID": "pmid", "PMCID": "pmcid",
         "medium": "howpublished", "call-number": "library", "archive": "archive",
         "archive_location": "archive_location", "archive-place": "archive-place",
         "references": "addendum", "part": "part", "part-title": "issuetitle"}
_VERBATIM = {"URL": "url", "DOI": "doi"}
# biblatex's role (``editoratype``, a bibliography string its styles print) of CSL's
# contributor, which is read into ``editora``; ``csl_items`` writes it as contributor again
COLLABORATOR = "collaborator"
_NAMES = {"author": "author", "editor": "editor", "translator": "translator",
          "container-author": "bookauthor", "contributor": "editora",
          "original-author": "origauthor"}
DATES = _DATES = {"issued": "date", "accessed": "urldate", "original-date": "origdate",
          "event-date": "eventdate"}
# biblatex's literal lists ("Durham and London"), which CSL writes "Durham; London"
_LISTS = frozenset({"publisher", "location", "institution", "origpublisher", "origlocation"})
# where a container's title goes, by CSL type (else ``journaltitle``)
_IN_BOOK = frozenset({"chapter", "paper-conference", "entry", "entry-dictionary",
                      "entry-encyclopedia"})
_BOOKS = frozenset({"book", "classic"})
# what says nothing of the work: how the item is kept, not what it describes
_BOOKKEEPING = frozenset({"id", "citation-key", "type", "custom", "citation-label",
                          "citation-number", "first-reference-note-number", "locator",
                          "year-suffix", "system_id", "label"})
# fields the export reads into the same variable (the first one of an entry gives it, the
# others are its ``custom``), for a custom field that is the field the variable was read into
_SAME = {"publisher": ("organization", "institution", "school"),
         "institution": ("organization", "school", "publisher"),
         "location": ("address",), "address": ("location",),
         "journaltitle": ("journal", "booktitle", "maintitle"),
         "booktitle": ("maintitle", "journaltitle", "journal"),
         "maintitle": ("booktitle", "journaltitle", "journal"),
         "annotation": ("annote",), "shortjournal": ("shorttitle",)}
# A Zotero item's URI, as its CSL JSON export writes the id ('http://zotero.org/users/1/items/
# AB12CD34'; a library not synced: users/local/<id>), or as its web library links to it
# ('https://www.zotero.org/groups/2/items/AB12CD34'): one item, whatever the form
# a Zotero item, as its URI names it (http://zotero.org/users/1/items/KEY), the web library's
# address (a group's name between its number and items/), the Web API's path or URL
# (users/1/items/KEY, https://api.zotero.org/groups/2/items/KEY); and the Web API's CSL-JSON
# id, its library's number and the item's key (12047273/KC6WFG78), which is no URI
_ZOTERO_URI = re.compile(r"(?:https?://(?:www\.|api\.)?zotero\.org/)?(?P<library>users|groups)"
                         r"/(?P<number>\d+)(?:/[^/\s]+)?/items/(?P<item>\w+)|(?:https?://(?:www\.)?"
                         r"zotero\.org/)(?P<path>(?:users|groups)/\S+/items/\w+)")
_WEB_API_ID = re.compile(r"\d+/[23456789A-Z]{8}")
# the ids citeproc-js and Mendeley number items with when the item has none of its own: every
# such file has an ITEM-1, so another file's ITEM-2 is no other work's key
GENERIC_ID = re.compile(r"ITEM-\d+", re.I)
_FIELD_NAME = re.compile(r"[a-z][a-z0-9_-]*")
_SPACE = re.compile(r"[ \t\n\r]+")


def _text(value: Any) -> str:
    """A CSL value as text: a number as written, a list (Zotero's ISSN list) joined."""
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return _SPACE.sub(" ", str(value)).strip()  # a no-break space is kept: it is meant


def _value(name: str, text: str) -> str:
    """Plain text as the stored value of field ``name``: LaTeX specials escaped, a list's
    parts joined with 'and' (one holding an 'and' braced)."""
    if name in _LISTS:
        parts = [p.strip() for p in text.split(";") if p.strip()]
        return " and ".join(f"{{{escape(p)}}}" if re.search(r"\band\b", p) else escape(p)
                            for p in parts)
    return escape(text)


_TAG = re.compile(r'<(/?)(i|b|sup|sub|span)(?:\s+(class="nocase"|style="font-variant:\s*'
                  r'small-caps;?"))?>')
_LATEX_OF = {"i": "\\emph{", "b": "\\textbf{", "sup": "\\textsuperscript{",
             "sub": "\\textsubscript{", 'class="nocase"': "{"}


def unrich(text: str) -> str:
    """CSL rich text as a stored value (``latex.rich`` the other way): ``<i>`` is
    ``\\emph{}``, ``<b>`` ``\\textbf{}``, small capitals ``\\textsc{}``, ``<sup>``/``<sub>``
    ``\\textsuperscript{}``/``\\textsubscript{}``, ``<span class="nocase">`` braces; a tag
    that does not close, or closes none, is text."""
    tags = list(_TAG.finditer(text))
    keep: set[int] = set()
    stack: list[tuple[int, str]] = []
    for i, m in enumerate(tags):
        name = m.group(2)
        if not m.group(1):
            if name != "span" or m.group(3):
                stack.append((i, name))
        elif stack and stack[-1][1] == name:
            keep.update((stack.pop()[0], i))
    out: list[str] = []
    pos = 0
    for i, m in enumerate(tags):
        if i not in keep:
            continue
        out.append(_escaped(text[pos:m.start()]))
        if m.group(1):
            out.append("}")
        else:
            attr = m.group(3) or ""
            out.append(_LATEX_OF.get(m.group(2) if m.group(2) != "span" else attr,
                                     "\\textsc{"))
        pos = m.end()
    out.append(_escaped(text[pos:]))
    # a brace group opening with a command is no case protection to biber or ``rich``: an
    # empty group first makes it one ('{{}\\textbackslash{}MP}')
    return re.sub(r"(?<![\\\w}])\{(?=\\)", "{{}", "".join(out)).strip()


def _escaped(piece: str) -> str:
    """``escape`` keeping the spaces at either end (a piece between two tags), a no-break
    space as it is."""
    core = piece.strip()
    lead = _SPACE.sub(" ", piece[:len(piece) - len(piece.lstrip())])
    trail = _SPACE.sub(" ", piece[len(piece.rstrip()):]) if core else ""
    return lead + escape(core) + trail


def _page(text: str) -> str:
    """A page range as biblatex writes it: '12-15' and '12–15' are '12--15'."""
    return "--".join(escape(p) for p in re.split(r"\s*[-–]+\s*", text))


# -- names --------------------------------------------------------------------------------------
def name(csl: dict[str, Any]) -> str:
    """A CSL name as one BibTeX name that biber reads into the same parts (``csl_items``'
    ``names`` reads it back): 'Beethoven, Ludwig van' has the dropping particle, '{van der
    Berg}, Anna' the non-dropping one, a literal is braced whole, and a particle with given
    names but no family name, a person's all the same, is 'given={Y}, prefix={van},
    useprefix=true'."""
    part = {k: _text(v) for k, v in csl.items() if isinstance(v, str | int) and _text(v)}
    family, given = part.get("family", ""), part.get("given", "")
    ndp, dp, suffix = (part.get(k, "") for k in ("non-dropping-particle",
                                                 "dropping-particle", "suffix"))
    if "literal" in part or not family and not (given and (ndp or dp)):
        literal = part.get("literal") or given
        return literal if literal == "others" else f"{{{escape(literal)}}}"
    capital = any(w[:1].isupper() for w in f"{ndp} {dp}".split())
    if ndp and dp:
        # biblatex has one prefix: the non-dropping particle, cited with the family name;
        # the dropping one ends the given names, as Better BibTeX writes it ('given={J.
        # van}'), where CSL puts it ('Doe, J. van'); ``names`` in the export reads it back
        given, dp = f"{given} {dp}".strip(), ""
    if capital or "," in ndp + dp or not family:
        # a particle and given names with no family name (a person's, not a body's): the
        # extended format holds them apart, which biber reads without a word and pandoc
        # gives back as the CSL name; a BibTeX name would make the particle its family
        pairs = [("family", family), ("given", given), ("prefix", ndp or dp),
                 ("suffix", suffix)]
        out = [f"{k}={{{escape(v)}}}" for k, v in pairs if v]
        return ", ".join(out + ([f"useprefix={'true' if ndp else 'false'}"] if ndp or dp
                                else []))
    last = escape(family)
    if ndp:
        last = f"{{{escape(ndp)} {last}}}"
    elif " " in family or "," in family or re.search(r"\band\b", family):
        last = f"{{{last}}}"
    if dp:
        last = f"{escape(dp)} {last}"
    first = escape(given)
    if "," in given or re.search(r"\band\b", given):
        first = f"{{{first}}}"
    return ", ".join(p for p in (last, escape(suffix), first) if p) if suffix else \
        ", ".join(p for p in (last, first) if p)


# -- dates --------------------------------------------------------------------------------------
def _year(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def edtf(date: Any) -> tuple[str, str] | None:
    """A CSL date as ('date', EDTF) when biber reads it as a date, ('year', text) for a
    literal (kept as written, as a .bib's year that is no integer), None for nothing."""
    if isinstance(date, str):
        date = {"raw": date}
    if not isinstance(date, dict):
        return None
    written = _text(date.get("edtf", ""))
    if written and bib_date(written) is not None:
        return "date", written  # the date as written (export csl's, where circa says less)
    if date.get("date-parts"):
        ends: list[str] = []
        for end in date["date-parts"]:
            read = [_year(x) for x in end]
            numbers = [n for n in read if n is not None]
            if not numbers or numbers[0] == 0 or len(numbers) < len(read):
                ends.append("..")
                continue
            year = numbers[0] if numbers[0] > 0 else numbers[0] + 1  # CSL's -44 is ISO -0043
            text = f"{year:04d}" if year >= 0 else f"-{-year:04d}"
            month = numbers[1:2]
            if month and 13 <= month[0] <= 16:  # citeproc-js's seasons, EDTF's 21-24
                month = [month[0] + 8]
            text += "".join(f"-{n:02d}" for n in (month + numbers[2:3] if month else []))
            ends.append(text)
        if len(ends) == 1 and len(ends[0]) <= 5 and _year(date.get("season")) in (1, 2, 3, 4):
            ends[0] += f"-{20 + int(date['season'])}"
        if ends and date.get("circa") not in (None, False, 0, "", "false"):
            ends[0] += "~"
        value = "/".join(ends) if ends != [".."] * len(ends) else ""
        if value and bib_date(value) is not None:
            return "date", value
    for key in ("edtf", "raw"):
        value = _text(date.get(key, ""))
        if value and bib_date(value) is not None:
            return "date", value
    literal = _text(date.get("literal") or date.get("raw") or "")
    return ("year", literal) if literal else None


_CIRCA = r"(?:c|ca|circa|about|abt|approx|approximately|around|~)\.?"
_WHOLE_YEAR = re.compile(rf"(?P<circa>{_CIRCA}\s*)?(?P<year>\d{{3,4}})(?P<decade>s)?"
                         r"\s*(?P<doubt>\?)?", re.I)
_YEAR_RANGE = re.compile(rf"(?P<circa>{_CIRCA}\s*)?(?P<start>\d{{4}})\s*[-–/]\s*"
                         r"(?P<end>\d{2,4})", re.I)
_ANY_YEAR = re.compile(r"(?<![\d.-])\d{4}(?![\d-])")


def literal_date(text: str) -> tuple[str, bool] | None:
    """A CSL literal date (Zotero's, a catalogue's: "ca. 1790") as the EDTF date biber reads,
    and whether that says all the literal does: "ca. 1790" ``1790~``, "1790?" ``1790?``,
    "c. 1790?" ``1790%``, "1790s" ``179X``, "1790-95" ``1790/1795``, "ca. 1790-1800"
    ``1790~/1800~`` say it all; a literal
    with one year amid other words ("Third Month 1699", "[1790]") is that year, not all it
    says. None where no year can be read ("n.d.", "Spring term")."""
    text = text.strip()
    m = _WHOLE_YEAR.fullmatch(text)
    if m:
        year, decade = m.group("year"), m.group("decade")
        if decade and not (len(year) == 4 and year.endswith("0")):
            return None
        value = f"{year[:3]}X" if decade else year.zfill(4)
        value += "%" if m.group("circa") and m.group("doubt") else "~" if m.group("circa") \
            else "?" if m.group("doubt") else ""
        return (value, True) if bib_date(value) is not None else None
    m = _YEAR_RANGE.fullmatch(text)
    if m:
        start, end = m.group("start"), m.group("end")
        end = start[:4 - len(end)] + end
        mark = "~" if m.group("circa") else ""
        value = f"{start}{mark}/{end}{mark}"
        if end >= start and bib_date(value) is not None:
            return value, True
    years = set(_ANY_YEAR.findall(text))
    if len(years) == 1:
        year = years.pop()
        circa = re.search(rf"(?<!\w){_CIRCA}(?!\w)", text[:text.find(year)], re.I)
        return f"{year}{'~' if circa else ''}", False
    return None


def noted_literal(var: str, value: str, note: str) -> tuple[str, str] | None:
    """The literal date bib add kept in an entry's ``note`` (plain text: 'issued: Third Month
    1699') for the CSL date ``var`` whose field holds ``value`` (the date read from the
    words, '' for none), and the note without it: what ``export csl`` writes back as the
    literal. None where the note keeps no words that give that value."""
    parts = note.split("; ")
    for n, part in enumerate(parts):
        name, sep, words = part.partition(": ")
        if name != var or not sep or not words.strip():
            continue
        read = literal_date(words)
        if read is None and not value or read is not None and not read[1] and read[0] == value:
            return words, "; ".join(parts[:n] + parts[n + 1:])
    return None


# -- items --------------------------------------------------------------------------------------
def _item_fields(item: dict[str, Any]) -> tuple[str, dict[str, str], dict[str, str],
                                                dict[str, tuple[str, str]]]:
    """An item's biblatex type, fields (stored values), what has no field (variable -> text,
    for the note) and its literal dates that no date field says whole (variable -> (the
    literal, the EDTF date read from it or '')), which the note keeps as written too."""
    ctype = str(item.get("type", "document"))
    etype, subtype = TYPE_OF.get(ctype, ("misc", ""))
    fields: dict[str, str] = {}
    left: dict[str, str] = {}
    literals: dict[str, tuple[str, str]] = {}  # variable -> (literal date, EDTF read or '')
    for var in _NAMES:
        value = item.get(var)
        if isinstance(value, list) and value:
            fields[_NAMES[var]] = " and ".join(name(n) for n in value if isinstance(n, dict))
    for var, value in item.items():
        if var in _BOOKKEEPING or var in _NAMES or value in (None, "", [], {}):
            continue
        if var == "volume-title" and isinstance(value, str):
            continue  # below, with the title
        text = _text(value) if not isinstance(value, dict) else ""
        if var in _RICH:
            fields.setdefault(_RICH[var], unrich(text))
        elif var == "container-title":
            field = ("booktitle" if ctype in _IN_BOOK else "maintitle" if ctype in _BOOKS
                     else "titleaddon" if ctype == "webpage" else "journaltitle")
            fields[field] = unrich(text)
        elif var == "publisher" and etype in ("thesis", "report"):
            fields["institution"] = _value("institution", text)
        elif var in _TEXT:
            fields[_TEXT[var]] = _value(_TEXT[var], text)
        elif var in _VERBATIM:
            fields[_VERBATIM[var]] = text
        elif var == "page":
            fields["pages"] = _page(text)
        elif var in ("issue", "number", "collection-number"):
            fields["issue" if var == "issue" and "number" in item else "number"] = escape(text)
        elif var == "genre":
            fields["type"] = _GENRE_KINDS.get(text) or escape(text)
        elif var == "language":
            babel = _BABEL.get(text.lower())
            fields["langid" if babel else "language"] = babel or escape(text)
        elif var in _DATES and _empty(value):
            continue  # an empty date ({"literal": ""}): nothing to keep, nothing to note
        elif var in _DATES and edtf(value) is not None:
            kind, date = edtf(value) or ("", "")
            if kind == "year" and var == "issued" and _own_date(item):
                continue  # the export's: its custom gives the field as it was
            read = literal_date(date) if kind == "year" else (date, True)
            if read is not None:
                fields[_DATES[var]] = read[0]
            if read is None or not read[1]:
                literals[var] = (date, read[0] if read else "")
        else:
            left[var] = _said(value)
    volume = item.get("volume-title")
    if isinstance(volume, str) and volume.strip():
        # CSL 1.0.2, as pandoc writes a biblatex volume of a multi-volume work: the title is
        # the whole work's (biblatex's maintitle), volume-title the volume's own
        if "title" in fields:
            fields.setdefault("maintitle", fields.pop("title"))
        fields["title"] = unrich(_text(volume))
    custom = item.get("custom")
    if isinstance(custom, dict):
        for k, v in custom.items():
            if not (isinstance(v, str) and _FIELD_NAME.fullmatch(k)):
                left[f"custom {k}"] = _said(v)
                continue
            if k in fields:  # the variable came from another field that gives it
                other = next((o for o in _SAME.get(k, ()) if o not in fields and o not in
                              custom), None)
                if other is None:
                    left[f"custom {k}"] = _said(v)
                    continue
                fields = {other if f == k else f: x for f, x in fields.items()}
            fields[k] = v  # the export's own: a stored value, as it was
    if "editora" in fields and "contributor" in item:
        # biblatex reads an editora without a type as an editor's ("edited by"): CSL's
        # contributor is biblatex's collaborator ("in collaboration with"), unless the
        # export's own custom said another role
        fields.setdefault("editoratype", COLLABORATOR)
    if subtype:
        fields["entrysubtype"] = subtype
    for var, (date, _read) in literals.items():
        left[var] = date  # the words as written, which no date field holds
    if left:
        said = "; ".join(f"{k}: {v}" for k, v in left.items())
        fields["note"] = f"{fields['note']}; {escape(said)}" if fields.get("note") else \
            escape(said)
    return etype, fields, left, literals


def _own_date(item: dict[str, Any]) -> bool:
    """Whether the item's ``custom`` holds the ``year`` or ``date`` its literal ``issued``
    says (``export csl``'s, for a year no integer: ``{\noopsort{1985a}}1985``)."""
    custom = item.get("custom")
    return isinstance(custom, dict) and any(isinstance(custom.get(k), str)
                                            for k in ("year", "date"))


def _empty(value: Any) -> bool:
    """Whether a value says nothing: blank text, or parts that are all blank."""
    if isinstance(value, dict):
        return all(_empty(v) for v in value.values())
    if isinstance(value, list):
        return all(_empty(v) for v in value)
    return value is None or isinstance(value, str) and not value.strip()


def _said(value: Any) -> str:
    """A value with no field, as the note says it: names as people write them, a date as
    EDTF, anything else as text (JSON for what has parts)."""
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return "; ".join(_person(v) for v in value)
    if isinstance(value, dict):
        kind_date = edtf(value)
        if kind_date is not None:
            return kind_date[1]
        return json.dumps(value, ensure_ascii=False)
    return _text(value)


def _person(csl: dict[str, Any]) -> str:
    words = [_text(csl.get(k, "")) for k in ("given", "dropping-particle",
                                             "non-dropping-particle", "family", "suffix")]
    return _text(csl.get("literal", "")) or " ".join(w for w in words if w)


def looks_like(name: str, text: str) -> bool:
    """Whether a file is CSL-JSON by what it holds (a JSON list or object), whatever its
    name says, except a .bib file, which is read as BibTeX always."""
    return not name.lower().endswith(".bib") and text.lstrip()[:1] in ("[", "{")


def read(name: str, text: str, seen: dict[str, tuple[str, int]],
         problems: list[Problem]) -> list[Read]:
    """The entries of a CSL-JSON text (``name`` names the file in messages); every problem
    on ``problems``: what is not JSON or not CSL-JSON refuses the file (nothing of it
    read), an item whose key cannot be cited, or is the key of an item before it, or that
    holds a control character is left out, one line each. ``seen``: the keys read so far
    (of every file added together, case ignored) and where."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.append(Problem(name, exc.lineno, "", f"not JSON ({exc.msg})",
                                "CSL-JSON is a list of items, [{\"id\": ..., \"type\": ...}]: "
                                "fix the JSON here", "S321", REFUSED, exc.colno))
        return []
    items = [data] if isinstance(data, dict) else data
    if not isinstance(items, list):
        problems.append(Problem(name, 1, "", f"not CSL-JSON: the file is a JSON "
                                f"{type(data).__name__}, not a list of items",
                                "give a CSL-JSON list of items, [{\"id\": ..., \"type\": ...}]",
                                "S322", REFUSED))
        return []
    if not items:
        problems.append(Problem(name, 1, "", "no items found", "give a CSL-JSON list of "
                                "items, [{\"id\": ..., \"type\": ...}]", "S309", REFUSED))
        return []
    lines = list(_item_lines(text, len(items), single=isinstance(data, dict)))
    bad = _invalid(name, items, lines)
    if bad:
        problems.extend(bad)
        return []
    out: list[Read] = []
    kept: dict[str, int] = {}  # variable -> how many items keep it in the note
    holding = 0
    for n, (item, line) in enumerate(zip(items, lines), 1):
        label = _label(n, item)
        control = next(_strings_with_control(item), None)
        if control is not None:
            problems.append(Problem(name, line, "", f"{label}: {not_xml_named(control)} in "
                                    "the text", "left out: remove it (no bibliography text "
                                    "holds one) and add the file again", "S311", SKIPPED))
            continue
        if not item.get("type"):
            problems.append(Problem(name, line, "", f"{label}: no type (pandoc writes none "
                                    "for a biblatex @set)", "left out: give it a CSL type, "
                                    "e.g. \"type\": \"book\"", "S304", SKIPPED))
            continue
        key = _text(item.get("citation-key") or item.get("id"))
        uri = zotero_uri(_text(item.get("id", "")))
        generic = not item.get("citation-key") and bool(GENERIC_ID.fullmatch(key))
        if uri and key == _text(item.get("id", "")) or generic and key.lower() in seen:
            key = ""  # Zotero's item id, or ITEM-2 again: no key a person cites; one is made
        elif not KEY_OK.match(key):
            problems.append(Problem(name, line, "", f"{label}: the id has characters "
                                    "BibTeX cannot cite", "left out: give the item an id (or "
                                    "citation-key) of letters, digits and - _ : . / only",
                                    "S310", SKIPPED))
            continue
        if key and duplicate(key, name, line, seen, problems):
            continue
        etype, fields, left, literals = _item_fields(item)
        for var in left:
            if var not in literals:
                kept[var] = kept.get(var, 0) + 1
        holding += bool(set(left) - set(literals))
        for var, (date, read) in literals.items():
            said = f"{var} '{date}' is read as {_DATES[var]} = {{{read}}}" if read else \
                f"{var} '{date}' has no year that can be read: no {_DATES[var]}"
            problems.append(Problem(name, line, "", f"{label}: {said}", "the words as "
                                    "written are kept in the entry's note; give a date "
                                    "(date-parts or EDTF) to say it exactly", "S324", NOTE))
        out.append(Read(name, line, key, etype, fields, uri, generic))
    if kept:
        problems.append(Problem(
            name, None, "", "CSL variables with no biblatex field are kept in the note: "
            + ", ".join(f"{k} ({v})" for k, v in sorted(kept.items())),
            f"see them in the note of the {holding} entr{'y' if holding == 1 else 'ies'} "
            "(annotator bib list)", "S323", NOTE))
    return out


def zotero_uri(ident: str) -> str:
    """The Zotero item an id names, as Zotero writes its URI ('http://zotero.org/users/1/
    items/AB12CD34'), whichever form it is given in (the Web API's path or URL, the web
    library's address); the Web API's CSL-JSON id ('12047273/KC6WFG78') as it is, its
    library's number being no user's or group's; '' for an id that names none."""
    ident = ident.strip()
    if _WEB_API_ID.fullmatch(ident):
        return ident  # the library's number is the Web API's own, no user's or group's
    m = _ZOTERO_URI.fullmatch(ident)
    if m is None:
        return ""
    if m.group("library"):
        return f"http://zotero.org/{m.group('library')}/{m.group('number')}/items/" \
            f"{m.group('item')}"
    return f"http://zotero.org/{m.group('path')}"


def _label(n: int, item: Any) -> str:
    """An item as messages name it: 'item 3 (id 'moore2000')'."""
    ident = item.get("id") if isinstance(item, dict) else None
    return f"item {n}" + (f" (id {ident!r})" if ident is not None else "")


def _strings_with_control(value: Any) -> Iterator[str]:
    """The control characters (or noncharacters) of every string in a value, first first."""
    if isinstance(value, str):
        yield from (m.group() for m in CONTROL.finditer(value))
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings_with_control(k)
            yield from _strings_with_control(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings_with_control(v)


def _item_lines(text: str, count: int, *, single: bool) -> Iterator[int]:
    """The line each item starts on (the text is valid JSON: ``json.loads`` read it)."""
    decoder = json.JSONDecoder()
    ws = re.compile(r"[\s,]*")
    pos = ws.match(text, 0).end()  # type: ignore[union-attr]
    if not single:
        pos = ws.match(text, pos + 1).end()  # type: ignore[union-attr]
    line, last = 1, 0
    for _ in range(count):
        line += text.count("\n", last, pos)  # counted on from the item before: linear
        last = pos
        yield line
        _, pos = decoder.raw_decode(text, pos)
        pos = ws.match(text, pos).end()  # type: ignore[union-attr]


@cache
def _validator() -> Any:
    import jsonschema  # only when a CSL-JSON file is read

    return jsonschema.Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))


def _invalid(name: str, items: list[Any], lines: list[int]) -> list[Problem]:
    """What makes items no CSL-JSON, by the official schema: the first fault of each item,
    one line each. A variable the schema does not know at the top of an item (CSL 1.0.2's
    ``citation-key``, Zotero's newer ones) is no fault: it is read or kept in the note."""
    first: dict[int, Problem] = {}
    for err in _validator().iter_errors(items):
        path = list(err.absolute_path)
        if not path or path[0] in first:
            continue
        if err.validator == "additionalProperties" and len(path) == 1:
            continue
        if path[1:] == ["type"] and err.instance == "":
            continue  # pandoc's for a biblatex @set: the item is left out, as one of no type
        n = int(path[0])
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path[1:])
        where = where.lstrip(".") or ("the item" if err.validator != "required" else "")
        first[n] = Problem(name, lines[n], "", f"{_label(n + 1, items[n])}: not CSL-JSON, "
                           + f"{where} {_fault(err)}".strip(),
                           "fix the item, or export CSL JSON again from Zotero or pandoc",
                           "S322", REFUSED)
    return [first[n] for n in sorted(first)]


_KINDS = {"array": "a list", "object": "an object ({...})", "string": "text",
          "number": "a number", "boolean": "true or false"}


def _fault(err: Any) -> str:
    """A schema error in a few words (the schema's own message lists every CSL type)."""
    if err.validator == "enum":
        return f"{err.instance!r} is not one CSL knows"
    if err.validator == "required":
        return f"{err.message}".replace("is a required property", "is missing")
    if err.validator == "anyOf":
        kind = "date" if "date-parts" in json.dumps(err.schema) else "name"
        return f"is no CSL {kind} ({json.dumps(err.instance, ensure_ascii=False)[:60]})"
    if err.validator == "type":
        kinds = err.validator_value if isinstance(err.validator_value, list) else \
            [err.validator_value]
        wanted = " or ".join(_KINDS.get(str(k), str(k)) for k in kinds)
        return f"is {json.dumps(err.instance, ensure_ascii=False)[:60]}, not {wanted}"
    return f"{err.message}"[:120]
