"""A bibliography entry as one CSL-JSON item, for Zotero, pandoc --citeproc and every CSL
processor (what ``annotator.export.csl`` writes, and what ``bib add`` compares a CSL-JSON
item with: the file ``export csl`` wrote, added back, is the works already there).

Each entry becomes one CSL item under its citation key (``id``), valid against the official
schema (``csl-data.json``) and read the way Zotero and pandoc read it:

* types: biblatex's to CSL's (``@book`` -> ``book``, ``@article`` -> ``article-journal``,
  ``@online`` -> ``webpage``, ``@thesis``/``@phdthesis`` -> ``thesis``, ...); the thesis or
  report kind (``type = {phdthesis}``) is the ``genre`` ("PhD thesis");
* names split as biber splits them, to ``family``, ``given``, ``dropping-particle`` (the von
  part: 'Ludwig van Beethoven'), ``non-dropping-particle`` (with ``useprefix``, or braced:
  '{van der} Berg') and ``suffix`` ('Jr.'); a braced ``{Corporate Name}`` stays whole as
  ``literal``, and ``and others`` is the ``literal`` "others" (et al. to pandoc's citeproc);
* ``issued`` from ``date`` (a range as two date-parts, an open end ``[0]``; ``~`` and ``?``
  as ``circa``, a season as ``season``, a quarter or semester as its months, unspecified
  digits as the range biber reads, ``199X`` 1990 to 1999), or ``year`` with ``month`` and
  ``day``, a ``year`` that is no integer as a ``literal``; a date that names none as the .bib
  keeps it;
  where the original is kept (a TEI ``msIdentifier``) as ``archive`` (institution, repository),
  ``archive_location`` (collection, shelf mark) and ``archive-place`` (settlement), the parts
  the .bib joins into one ``library``; a .bib's own ``library`` ("a library name and a call
  number") as ``call-number``, as pandoc reads it; ``language`` as a BCP 47 tag (``english``
  -> ``en``, ``ngerman`` -> ``de-DE``), from ``langid``/``language``;
* ``number`` by type: an article's is its ``issue``, a book's (with a series) its
  ``collection-number``, a report's or patent's its ``number``;
* the DOI without its ``https://doi.org/`` prefix; no line breaks in any value;
* titles as CSL rich text (``<i>``, ``<span class="nocase">`` for what the .bib braced),
  other text plain (``annotator.bibliography.latex``);
* every field with no CSL variable in ``custom`` (the schema's place for "additional
  information that does not have a designated CSL JSON field"), under its .bib name, as it
  was stored, so nothing of an entry is lost.

DOCS: docs/export.md#bibtex-and-csl-json
"""

from __future__ import annotations

import re
from typing import Any

from annotator.bibliography.csl_json import (COLLABORATOR, DATES, GENRES, LANGUAGES, csl_type,
                                             noted_literal)
from annotator.bibliography.entries import (DOI_PREFIX, OTHERS, historical_year, is_literal,
                                            name_parts, real_dates, split_names, uses_prefix,
                                            year_number)
from annotator.bibliography.latex import plain, rich
from annotator.bibliography.library import YEAR_FIELD, private
from annotator.calendar import DIVISION_MONTHS, DIVISIONS, bib_date
from annotator.records import BibEntry

TYPES = {"article": "article-journal", "book": "book", "mvbook": "book", "collection": "book",
         "mvcollection": "book", "proceedings": "book", "mvproceedings": "book",
         "reference": "book", "mvreference": "book", "manual": "book", "bookinbook": "chapter",
         "inbook": "chapter", "incollection": "chapter", "suppbook": "chapter",
         "suppcollection": "chapter", "inproceedings": "paper-conference",
         "conference": "paper-conference", "inreference": "entry-encyclopedia",
         "online": "webpage", "electronic": "webpage", "www": "webpage", "thesis": "thesis",
         "phdthesis": "thesis", "mastersthesis": "thesis", "report": "report",
         "techreport": "report", "unpublished": "manuscript", "periodical": "periodical",
         "suppperiodical": "article-journal", "patent": "patent", "dataset": "dataset",
         "software": "software", "booklet": "pamphlet", "misc": "document",
         "standard": "standard", "audio": "song", "video": "motion_picture",
         "music": "song", "movie": "motion_picture", "artwork": "graphic", "image": "graphic",
         "legislation": "legislation", "jurisdiction": "legal_case", "letter":
         "personal_communication", "review": "review", "article-newspaper": "article-newspaper"}
RICH = {"title": "title", "journaltitle": "container-title", "journal": "container-title",
        "booktitle": "container-title", "maintitle": "container-title",
        "series": "collection-title", "shorttitle": "title-short",
        "origtitle": "original-title", "eventtitle": "event", "shortjournal":
        "container-title-short"}
TEXT = {"publisher": "publisher", "location": "publisher-place", "address": "publisher-place",
        "volume": "volume", "volumes": "number-of-volumes", "edition": "edition",
        "isbn": "ISBN", "issn": "ISSN", "url": "URL", "note": "note", "abstract": "abstract",
        "institution": "publisher", "school": "publisher", "organization": "publisher",
        "chapter": "chapter-number", "pagetotal": "number-of-pages", "version": "version",
        "venue": "event-place", "eventtitleaddon": "event", "origpublisher":
        "original-publisher", "origlocation": "original-publisher-place", "annotation":
        "annote", "annote": "annote", "keywords": "keyword", "pmid": "PMID", "pmcid": "PMCID",
        "howpublished": "medium", "library": "call-number", "archive": "archive",
        "archive_location": "archive_location", "archive-place": "archive-place",
        "addendum": "references",
        "part": "part", "issuetitle": "part-title"}
# eprint archives whose identifiers are links (as pandoc and biblatex make them)
EPRINTS = {"arxiv": "https://arxiv.org/abs/", "googlebooks": "https://books.google.com?id=",
           "jstor": "https://www.jstor.org/stable/", "pubmed":
           "https://www.ncbi.nlm.nih.gov/pubmed/", "hdl": "https://hdl.handle.net/"}
NAMES = {"author": "author", "editor": "editor", "translator": "translator",
         "bookauthor": "container-author", "commentator": "contributor",
         "annotator": "contributor", "introduction": "contributor", "foreword": "contributor",
         "afterword": "contributor", "editora": "contributor", "editorb": "contributor",
         "editorc": "contributor", "origauthor": "original-author"}
# biblatex's literal lists ("Durham and London"): CSL has one string, "Durham; London"
LISTS = frozenset({"location", "address", "publisher", "institution", "school",
                   "organization", "origlocation", "origpublisher"})
# what the item says elsewhere (date parts, the kind of number, the type) and how the .bib
# file is kept (crossref, sort keys): not repeated in ``custom``
USED = frozenset({"date", "year", "month", "day", "urldate", "number", "issue", "type",
                  "subtitle", "titleaddon", "pages", "doi", "langid", "language",
                  "hyphenation", "crossref", "entrysubtype"})
# what is used above only when there is what it adds to
AFTER = {"booksubtitle": "booktitle", "booktitleaddon": "booktitle"}
ISSUE_TYPES = frozenset({"article-journal", "article-magazine", "article-newspaper",
                         "periodical"})
SERIES_TYPES = frozenset({"book", "chapter", "paper-conference", "entry-encyclopedia"})
_DOI_PREFIX = re.compile(f"^{DOI_PREFIX}", re.I)


def names(value: str, *, useprefix: bool = False) -> list[dict[str, str]]:
    """CSL names of a BibTeX name list, split as biber splits them (``entries.name_parts``).

    A braced name is one ``literal``; BibTeX's ``and others`` is the literal ``others``, which
    pandoc's citeproc renders as the style's "et al." (CSL has no name for it). The von part
    is the ``dropping-particle`` (biblatex's default, ``useprefix=false``: 'Beethoven, Ludwig
    van', cited as 'Beethoven'), the ``non-dropping-particle`` with ``useprefix`` (the entry's
    ``options``, or the name's own in biblatex's extended format: 'family=Berg, given=Anna,
    prefix=van der, useprefix=true'); lower-case words a braced family name opens with ('{van
    der} Berg', and an extended name's family, 'family=van Berg') are the
    ``non-dropping-particle`` too, the particle a citation keeps, as pandoc reads them; the
    suffix ('Jr.') is the ``suffix``. Beside a non-dropping particle, lower-case words the
    given names end with are the ``dropping-particle`` ('{de Doe}, J. van': ``_dropped``).
    """
    out: list[dict[str, str]] = []
    for name in split_names(value):
        if name == OTHERS:
            out.append({"literal": OTHERS})
            continue
        if is_literal(name):
            out.append({"literal": plain(name)})
            continue
        parts = name_parts(name)
        family = plain(parts.family).split()
        lead = 0
        while lead < len(family) - 1 and family[lead][:1].islower():
            lead += 1
        csl = {"family": " ".join(family[lead:]), "given": plain(parts.given),
               "non-dropping-particle": " ".join(family[:lead]),
               "dropping-particle": "", "suffix": plain(parts.jr)}
        von = plain(parts.von)
        if parts.prefixed(useprefix) and von:
            csl["non-dropping-particle"] = f"{von} {csl['non-dropping-particle']}".strip()
        else:
            csl["dropping-particle"] = von
        if csl["non-dropping-particle"] and not csl["dropping-particle"]:
            csl["given"], csl["dropping-particle"] = _dropped(csl["given"])
        out.append({k: v for k, v in csl.items() if v})
    return out


def _dropped(given: str) -> tuple[str, str]:
    """(given names, dropping particle) of the given names of a name that has a
    non-dropping particle: the lower-case words they end with after a capitalised one ('J.
    van': 'J.', 'van'), which is how biblatex, with one prefix, holds CSL's second particle
    (as Better BibTeX writes it, and citeproc-js reads a given name)."""
    words = given.split()
    cut = len(words)
    while cut > 1 and words[cut - 1][:1].islower():
        cut -= 1
    return " ".join(words[:cut]), " ".join(words[cut:])


def date_parts(value: str) -> dict[str, Any] | None:
    """CSL date of a biblatex (EDTF) date or range; None for anything else. An open end is
    CSL's ``[0]`` (printed "2019–", "–2019", as pandoc reads "/2019"); a date approximate
    (``~``, or ``%``: approximate and uncertain, as the biblatex manual reads EDTF) is
    ``circa``, CSL's word for it, and where that does not say every qualifier as written
    (``?`` uncertain, which CSL has no word for; ``%``; a range's qualified end; digits left
    unspecified, ``179X``) the date keeps its EDTF text too in ``edtf``, a variable of the CSL-JSON schema's dates, which
    bib add reads back first (citeproc and pandoc print the date-parts); a season (EDTF's 21-32, of
    either hemisphere) is CSL's ``season`` 1-4 (a range's is its start's), another division
    of the year (a quarter, quadrimester, semester: 33-41), which CSL has no word for, the
    months it spans ("2001-33": January to March 2001); unspecified digits are the range
    biber reads ("199X": 1990 to 1999); a time of day is left out (CSL dates have none)."""
    found = bib_date("/".join(piece.strip() for piece in value.split("/")))
    if found is None:
        return None
    ends = [[historical_year(end[0]), *end[1:]] if end else [0] for end in found.parts]
    if len(ends) == 1 and found.division in DIVISION_MONTHS:
        first, last = DIVISION_MONTHS[found.division]
        ends = [[ends[0][0], first], [ends[0][0], last]]
    for n, end in enumerate(ends):
        if len(end) > 1 and end[1] in DIVISION_MONTHS:
            end[1] = DIVISION_MONTHS[end[1]][n and 1]  # a range's start and end months
        elif len(end) > 1 and end[1] in DIVISIONS:
            del end[1:]  # a season has no day, and its word is the item's season
    out: dict[str, Any] = {"date-parts": ends}
    if found.season is not None:
        out["season"] = found.season
    if found.circa:
        out["circa"] = True
    written = "/".join(piece.strip() for piece in value.split("/"))
    if found.unspecified or _QUALIFIER.search(written) and \
            written != _circa_read(written, found.circa):
        out["edtf"] = written
    return out


_QUALIFIER = re.compile(r"[~?%]")


def _circa_read(written: str, circa: bool) -> str:
    """The EDTF date the date-parts and ``circa`` alone give back (bib add reads circa as
    its first end's ``~``): ``written`` without qualifiers, the first end approximate."""
    ends = [_QUALIFIER.sub("", end) for end in written.split("/")]
    if circa:
        ends[0] += "~"
    return "/".join(ends)


def language(value: str) -> str:
    """A BCP 47 tag for a babel name ('ngerman' -> 'de-DE') or a tag ('en-GB'); else the
    value as it is (citeproc then leaves it alone)."""
    v = plain(value).strip()
    if v.lower() in LANGUAGES:
        return LANGUAGES[v.lower()]
    return v


def issued(f: dict[str, str]) -> dict[str, Any] | None:
    """The item's date: ``date``, or ``year`` with ``month`` and ``day`` when they are
    numbers; a year field that is no integer ('c. 1953') as a literal, as biber keeps it
    (``item`` keeps the field as stored in ``custom`` too, for the way back).
    A year field is read as biber reads it (``830``, ``-44``: 45 BC, as a date's year),
    with the one count of years BC."""
    if f.get("date"):
        found = date_parts(f["date"])
        if found is not None:
            return found
    year = f.get("year", "")
    if year and not YEAR_FIELD.fullmatch(year):
        return {"literal": plain(year)}  # 'c. 1953', as biber keeps it and pandoc reads it
    date = f.get("date", "")
    number = year_number(year or date)
    if number is None:
        return {"literal": plain(date)} if date else None
    parts = [historical_year(number)]
    month = f.get("month", "")
    if month.isdigit() and 1 <= int(month) <= 12:
        parts.append(int(month))
        day = f.get("day", "")
        if day.isdigit() and 1 <= int(day) <= 31:
            parts.append(int(day))
    return {"date-parts": [parts]}


def item(entry: BibEntry) -> dict[str, Any]:
    """One CSL-JSON item."""
    f = {k.lower(): v.strip() for k, v in entry.fields
         if v.strip() and not private(k.lower())}  # no local file's path
    real_dates(f)  # what the .bib exports keep of a date that is none, the same here
    etype = entry.type.lower()
    ctype = csl_type(etype, f.get("entrysubtype", "")) or TYPES.get(etype, "document")
    out: dict[str, Any] = {"id": entry.key, "type": ctype}
    custom: dict[str, str] = {}
    prefix = uses_prefix(f)
    for name, value in f.items():
        if name in NAMES:
            out.setdefault(NAMES[name], []).extend(names(value, useprefix=prefix))
        elif name in RICH and RICH[name] not in out:
            out[RICH[name]] = rich(value)
        elif name in TEXT and TEXT[name] not in out:
            out[TEXT[name]] = _one_line(value) if name in ("url", "eprint") else \
                "; ".join(plain(v) for v in split_names(value)) if name in LISTS else \
                plain(value)
        elif name == "editoratype" and value.lower() == COLLABORATOR and f.get("editora"):
            continue  # CSL's contributor says it (bibliography.csl_json reads it so)
        elif name not in USED and not (name in AFTER and f.get(AFTER[name])):
            custom[name] = value
    if f.get("subtitle"):
        out["title"] = f"{out.get('title', '')}: {rich(f['subtitle'])}".lstrip(": ")
    if f.get("booktitle") and out.get("container-title") == rich(f["booktitle"]):
        for part, sep in (("booksubtitle", ": "), ("booktitleaddon", ". ")):
            if f.get(part):
                out["container-title"] += sep + rich(f[part])
    eprint, archive = f.get("eprint", ""), f.get("eprinttype", "").lower()
    if eprint and archive in EPRINTS and "URL" not in out:
        out["URL"] = EPRINTS[archive] + _one_line(eprint)
    if f.get("titleaddon"):
        if "container-title" not in out and ctype == "webpage":
            out["container-title"] = rich(f["titleaddon"])
        else:
            out["title"] = f"{out.get('title', '')}. {rich(f['titleaddon'])}".lstrip(". ")
    if f.get("pages"):
        out["page"] = plain(f["pages"]).replace("–", "-")
    number = f.get("number") or f.get("issue")
    if number:
        if ctype in ISSUE_TYPES:
            out["issue"] = plain(f.get("issue") or number)
            if f.get("issue") and f.get("number"):
                out["number"] = plain(f["number"])
        elif ctype in SERIES_TYPES and (f.get("series") or etype != "report"):
            out["collection-number"] = plain(number)
        else:
            out["number"] = plain(number)
    kind = f.get("type", "")
    if kind or etype in GENRES:
        out["genre"] = GENRES.get(kind.lower(), plain(kind)) if kind else GENRES[etype]
    when = issued(f)
    if when is not None:
        out["issued"] = when
    if when is not None and "literal" in when:
        # the field the literal is, as stored ('{\noopsort{1985a}}1985'), which
        # bibliography.csl_json reads back instead of reading the literal as a date
        source = "year" if f.get("year") and not YEAR_FIELD.fullmatch(f["year"]) else "date"
        custom[source] = f[source]
    if f.get("urldate"):
        accessed = date_parts(f["urldate"])
        if accessed is not None:
            out["accessed"] = accessed
    for var, field in DATES.items():
        # a literal date bib add read with other words ('Third Month 1699': date = {1699},
        # the words in the note) goes back as the literal it was, out of the note
        noted = noted_literal(var, f.get(field, ""), out.get("note", ""))
        if noted is not None:
            out[var] = {"literal": noted[0]}
            out["note"] = noted[1]
            if not noted[1]:
                del out["note"]
    if f.get("doi"):
        out["DOI"] = _DOI_PREFIX.sub("", _one_line(f["doi"]))
    lang = f.get("langid") or f.get("language") or f.get("hyphenation")
    if lang:
        out["language"] = language(lang)
    if custom:
        out["custom"] = {k: _one_line(v) for k, v in custom.items()}
    return out


def _one_line(value: str) -> str:
    return " ".join(value.split())
