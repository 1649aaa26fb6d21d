"""A bibliography entry as the biblatex export writes it: biblatex's types and field names,
each value as the .bib has it (what ``annotator.export.bibtex`` writes, and what ``bib add``
compares a .bib entry with: the file ``export bibtex`` wrote, added back, is the works already
there).

Legacy names become biblatex's (``address`` -> ``location``, ``journal`` -> ``journaltitle``,
``school`` -> ``institution``, an ``@online``'s ``publisher`` -> ``organization``; CSL's
``archive-place``, ``archive`` and ``archive_location`` -> one ``library``), legacy types too
(``@techreport`` -> ``@report`` with ``type = {techreport}``), a ``year`` equal to its
``date``'s left out, a local file's path (``library.private``) too; values are LaTeX as
stored, a bare ``&`` or ``%`` escaped and titles protected for sentence case
(``latex_value``).

DOCS: docs/export.md#bibtex-and-csl-json
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

from annotator.bibliography import entries as bib_mod
from annotator.bibliography.datamodel_table import FIELDS, MANDATORY
from annotator.bibliography.latex import escape_bare, to_ascii
from annotator.bibliography.library import DATE_FIELDS, SORT_ONLY, private
from annotator.bibliography.titles import protect
from annotator.calendar import bib_date
from annotator.records import BibEntry

ALIASES = {"address": "location", "journal": "journaltitle", "school": "institution",
           "annote": "annotation", "archiveprefix": "eprinttype", "primaryclass": "eprintclass",
           "hyphenation": "langid", "key": "sortkey", "pdf": "file"}
# legacy and other tools' types -> (biblatex type, its ``type`` field)
TYPES = {"techreport": ("report", "techreport"), "phdthesis": ("thesis", "phdthesis"),
         "mastersthesis": ("thesis", "mathesis"), "conference": ("inproceedings", ""),
         "electronic": ("online", ""), "www": ("online", ""), "webpage": ("online", "")}
# where the original is kept, in CSL's parts (a TEI msIdentifier's): biblatex has one field,
# ``library``, "a library name and a call number" ('Wien, Nationalbibliothek, Autogr. 123')
ARCHIVE = ("archive-place", "archive", "archive_location")
MOVES = {("online", "publisher"): "organization", ("misc", "publisher"): "organization"}
VERBATIM = bib_mod.VERBATIM
# verbatim fields that hold file paths and text, not URLs: never percent-encoded
PATHS = frozenset({"file", "pdf", "verba", "verbb", "verbc"})
PROTECT = frozenset({"title", "subtitle", "booktitle", "maintitle", "titleaddon",
                     "booksubtitle", "mainsubtitle", "shorttitle", "origtitle"})


@dataclass(slots=True)
class Prepared:
    """One entry as it will be written, and what a reader should know about it."""

    key: str
    type: str
    fields: dict[str, str]
    notes: list[str] = field(default_factory=list)


def biblatex(entry: BibEntry) -> Prepared:
    """An entry in biblatex's types and field names, every field kept but the editor's own
    (``library.private``: a local file's path)."""
    t = entry.type.lower()
    out = Prepared(entry.key, t, {k.lower(): v.strip() for k, v in entry.fields
                                  if v.strip() and not private(k.lower())})
    f = out.fields
    if t in TYPES:
        out.type, subtype = TYPES[t]
        t = out.type
        if subtype:
            f.setdefault("type", subtype)
    elif t not in FIELDS:
        out.notes.append(f"type @{t} is not biblatex's: written as @misc with entrysubtype")
        f.setdefault("entrysubtype", t)
        out.type = t = "misc"
    for old, new in ALIASES.items():
        if old in f and new not in f:
            f[new] = f.pop(old)
    if "library" not in f and any(n in f for n in ARCHIVE):  # biblatex's one field for it
        f["library"] = ", ".join(f.pop(n) for n in ARCHIVE if n in f)
    out.notes.extend(bib_mod.real_dates(f))
    if "date" in f and bib_date(f["date"]) is None:  # no date biber reads: '1.1.1892'
        date = f.pop("date")
        year = bib_mod.year_of({"date": date})  # with its sign: -0044 is BC, never AD 44
        if year and "year" not in f:
            f["year"] = year
        else:
            f["date"] = date  # no year in it, or one of its own: kept for the reader
    if "date" in f and "year" in f and (
            bib_mod.year_number(f["year"]) == bib_mod.year_number(f["date"])):
        f.pop("year")  # biber takes exactly one of date and year
    for (ty, old), new in MOVES.items():  # the same thing under biblatex's name for it
        if t == ty and old in f and f.setdefault(new, f[old]) == f[old]:
            f.pop(old)
    if "isbn" in f and not isbn_ok(f["isbn"]):
        out.notes.append(f"ISBN {f['isbn']} has a wrong check digit (kept; biber warns)")
    for _kind, names in MANDATORY.get(t, ()):
        if not any(n in f for n in names):
            out.notes.append(f"@{t} needs {' or '.join(names)}, which the entry lacks")
    return out



def isbn_ok(value: str) -> bool:
    """Whether an ISBN-10 or ISBN-13 has the right check digit."""
    digits = re.sub(r"[^0-9Xx]", "", value).upper()
    if len(digits) == 10 and digits[:9].isdigit():
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(digits))
        return total % 11 == 0
    if len(digits) == 13 and digits.isdigit():
        return sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(digits)) % 10 == 0
    return False


def latex_value(name: str, value: str, *, ascii_only: bool,
                as_written: bool = False) -> tuple[str, str]:
    """A stored value as written to the file: a bare ``&`` or ``%`` escaped (text, as the
    author meant: LaTeX would take them as a table column and a comment; a field biber
    only sorts by, ``sorttitle``, is never typeset and keeps it, and a date field, which
    biber parses, keeps EDTF's ``%``, uncertain and approximate: ``1790%``), titles protected
    for sentence case (``as_written``: every capitalised word but the first,
    ``titles.protect``), and with ``ascii_only`` every non-ASCII character that has a LaTeX
    escape escaped: (value, the characters that have none, kept in the value as they are;
    "" when there are none). A verbatim field is written as stored; in the classic file a
    URL's non-ASCII characters are percent-encoded (the same URL), a path's (``file``, as
    Zotero and JabRef write it) kept as UTF-8 and named, since no escape names the file."""
    if name in VERBATIM or value.startswith("\\url{"):
        if not ascii_only or value.isascii():
            return value, ""
        if name in PATHS:
            return value, "".join(dict.fromkeys(ch for ch in value if not ch.isascii()))
        return quote(value, safe="".join(chr(c) for c in range(33, 127))), ""
    text = value if name in SORT_ONLY or name in DATE_FIELDS else escape_bare(value)
    text = protect(text, as_written=as_written) if name in PROTECT else text
    if not ascii_only:
        return text, ""
    return to_ascii(text)


def in_file(prep: Prepared, present: set[str]) -> Prepared:
    """The entry as a file of the works ``present`` (keys, lower-cased) holds it: the keys
    naming no work of it, or another work's own, left out, with notes."""
    _without_missing_parents(prep, present)
    _without_taken_aliases(prep, present)
    return prep


def _without_missing_parents(prep: Prepared, present: set[str]) -> None:
    """Leave out a ``crossref`` (and the keys of an ``xref``) naming no entry of the file, with
    a note: a work listed brings its parents (``works.with_parents``), so such a key names no
    work of the bibliography (``bib add`` warned, S307), and BibTeX stops at it ("a bad cross
    reference"), biber warns; the child kept what it has, having inherited nothing."""
    for name in bib_mod.PARENT_FIELDS:
        value = prep.fields.get(name)
        if value is None:
            continue
        keys = [k.strip() for k in value.split(",") if k.strip()]
        missing = [k for k in keys if k.lower() not in present]
        if not missing:
            continue
        kept = [k for k in keys if k not in missing]
        if kept:
            prep.fields[name] = ",".join(kept)
        else:
            del prep.fields[name]
        why = "BibTeX stops at it, biber warns" if name == "crossref" else "biber warns"
        prep.notes.append(f"{name} {', '.join(repr(k) for k in missing)} names no work of the "
                          f"bibliography: left out ({why}); add that work with 'annotator bib "
                          "add' to keep it")


def _without_taken_aliases(prep: Prepared, present: set[str]) -> None:
    """Leave out of ``ids`` an alias another entry of the file has as its key (a key ``bib
    fold`` folded, given to a work added since), with a note: biber skips it with a warning,
    and a citation of it is that entry's."""
    value = prep.fields.get("ids")
    if value is None:
        return
    keys = bib_mod.alias_keys(value)
    taken = [k for k in keys if k.lower() in present]
    if not taken:
        return
    kept = [k for k in keys if k not in taken]
    if kept:
        prep.fields["ids"] = ", ".join(kept)
    else:
        del prep.fields["ids"]
    prep.notes.append(f"ids {', '.join(repr(k) for k in taken)} is another work's key here: "
                      "left out (biber skips it with a warning); cite that work by it")


def written(entry: BibEntry, present: set[str]) -> tuple[str, dict[str, str]]:
    """The entry's type and fields as the biblatex export writes them in a file of the works
    ``present`` (``biblatex``, ``in_file``, each value by ``latex_value``): two entries the
    same here are one entry of the file."""
    prep = in_file(biblatex(entry), present)
    return prep.type, {name: latex_value(name, value, ascii_only=False)[0]
                       for name, value in prep.fields.items()}
