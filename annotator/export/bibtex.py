"""The bibliography as a .bib file that biber and BibTeX read without a warning.

Two dialects, from the same stored entries (BibLaTeX names, UTF-8 values):

* default, for biber/biblatex: UTF-8, BibLaTeX types and fields. Every entry is made to fit
  biber's data model (``annotator.bibliography.datamodel_table``): legacy names become BibLaTeX ones
  (``address`` -> ``location``, ``journal`` -> ``journaltitle``...), ``date`` wins over ``year``
  (biber wants exactly one), a field the type does not define is dropped (``publisher`` of an
  ``@online`` becomes its ``organization``), an ISBN with a wrong check digit is dropped. What
  cannot be mended (a missing title or date) is said in the result's ``notes``.
* ``ascii=True``, for classic BibTeX: the standard styles' types and fields (``@online`` ->
  ``@misc`` with ``howpublished``, ``location`` -> ``address``, ``date`` -> ``year``) and every
  non-ASCII character as a LaTeX command (pylatexenc, as bibtexparser's LaTeX encoding does).

In both, LaTeX specials in text are escaped (``&`` -> ``\\&``), URLs are verbatim, and the
capitalised words of titles are braced so styles that lower-case titles keep them. The file is
written through a bibtexparser ``Library``; entries come sorted by key with fields in a fixed
order, so the file is the same for the same bibliography.

DOCS: docs/export.md#bibtex-and-csl-json
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.bibliography import entries as bib_mod
from annotator.bibliography.datamodel_table import DATATYPES, FIELDS, MANDATORY
from annotator.calendar import iso_date
from annotator.records import BibEntry, Written

ORDER = ("author", "editor", "translator", "foreword", "key", "title", "subtitle", "titleaddon",
         "journaltitle", "journal", "booktitle", "maintitle", "edition", "volume", "number",
         "series", "chapter", "pages", "howpublished", "type", "publisher", "organization",
         "institution", "school", "location", "address", "date", "year", "month", "isbn",
         "issn", "doi", "eprint", "eprinttype", "url", "urldate", "langid", "language", "note")
ALIASES = {"address": "location", "journal": "journaltitle", "school": "institution",
           "annote": "annotation", "archiveprefix": "eprinttype", "primaryclass": "eprintclass",
           "hyphenation": "langid", "key": "sortkey", "pdf": "file"}
MOVES = {("online", "publisher"): "organization", ("misc", "publisher"): "organization"}
VERBATIM = bib_mod.VERBATIM - {"isbn", "issn"}  # literal fields for biber: LaTeX-escaped
PROTECT = frozenset({"title", "subtitle", "booktitle", "maintitle", "titleaddon"})

# classic BibTeX (the standard .bst styles)
CLASSIC = {"article", "book", "booklet", "inbook", "incollection", "inproceedings", "manual",
           "mastersthesis", "misc", "phdthesis", "proceedings", "techreport", "unpublished"}
TO_CLASSIC = {"thesis": "phdthesis", "report": "techreport", "collection": "book",
              "mvbook": "book", "mvcollection": "book", "reference": "book",
              "mvreference": "book", "inreference": "incollection", "bookinbook": "inbook",
              "suppbook": "inbook", "suppcollection": "incollection", "mvproceedings":
              "proceedings", "conference": "inproceedings"}
CLASSIC_FIELDS = {"location": "address", "journaltitle": "journal"}
CLASSIC_REQUIRED = {
    "article": (("author",), ("title",), ("journal",), ("year",)),
    "book": (("author", "editor"), ("title",), ("publisher",), ("year",)),
    "inbook": (("author", "editor"), ("title",), ("chapter", "pages"), ("publisher",),
               ("year",)),
    "incollection": (("author",), ("title",), ("booktitle",), ("publisher",), ("year",)),
    "inproceedings": (("author",), ("title",), ("booktitle",), ("year",)),
    "manual": (("title",),), "mastersthesis": (("author",), ("title",), ("school",), ("year",)),
    "phdthesis": (("author",), ("title",), ("school",), ("year",)),
    "proceedings": (("title",), ("year",)),
    "techreport": (("author",), ("title",), ("institution",), ("year",)),
    "unpublished": (("author",), ("title",), ("note",)),
}


@dataclass(slots=True)
class Prepared:
    """One entry as it will be written, and what had to be changed or is missing."""

    key: str
    type: str
    fields: dict[str, str]
    notes: list[str] = field(default_factory=list)


def biblatex(entry: BibEntry) -> Prepared:
    """An entry fitted to biber's data model."""
    t = entry.type.lower()
    out = Prepared(entry.key, t, {k.lower(): v.strip() for k, v in entry.fields if v.strip()})
    f = out.fields
    if t not in FIELDS:
        out.notes.append(f"type @{t} is not BibLaTeX's: written as @misc")
        out.type = t = "misc"
    for old, new in ALIASES.items():
        if old in f:
            value = f.pop(old)
            f.setdefault(new, value)
    if "date" in f and iso_date(f["date"]) is None:
        date = f.pop("date")
        m = re.search(r"\d{4}", date)
        if m and "year" not in f:
            f["year"] = m.group()
        if iso_date(date, real=False) is not None:  # a date's form, not a real one
            out.notes.append(f"date '{date}' is not a real date: "
                             + (f"year {f['year']} kept" if "year" in f else "left out"))
    if "date" in f:
        f.pop("year", None)  # biber takes exactly one of date and year
    if "year" in f and not re.fullmatch(r"-?\d+", f["year"]):
        out.notes.append(f"year '{f.pop('year')}' is not a number: left out")
    for (ty, old), new in MOVES.items():
        if t == ty and old in f:
            value = f.pop(old)
            f.setdefault(new, value)
    for name in list(f):
        if not defined(t, name):
            f.pop(name)
            out.notes.append(f"field '{name}' is not defined for @{t}: left out")
        elif DATATYPES.get(name) == "integer" and not re.fullmatch(r"\d+", f[name]):
            moved = f"{name} {f.pop(name)}"  # 'volume II': biber wants a number there
            f["note"] = f"{f['note']}; {moved}" if f.get("note") else moved
    if "isbn" in f and not isbn_ok(f["isbn"]):
        out.notes.append(f"ISBN {f.pop('isbn')} has a wrong check digit: left out")
    for _kind, names in MANDATORY.get(t, ()):
        if not any(n in f for n in names):
            out.notes.append(f"@{t} needs {' or '.join(names)}, which the entry lacks")
    return out


def classic(entry: BibEntry) -> Prepared:
    """An entry for classic BibTeX and its standard styles."""
    prep = biblatex(entry)
    f = prep.fields
    t = prep.type
    if t in ("online", "misc", "software", "dataset") and "url" in f:
        f.setdefault("howpublished", "\\url{" + f["url"] + "}")
    t = TO_CLASSIC.get(t, t if t in CLASSIC else "misc")
    if t in ("phdthesis", "mastersthesis") and "institution" in f:
        f["school"] = f.pop("institution")
    for new_name, old_name in CLASSIC_FIELDS.items():
        if new_name in f:
            f[old_name] = f.pop(new_name)
    if "date" in f:
        date = f.pop("date")
        f.setdefault("year", date[:4].lstrip("-"))
        if len(date) >= 7 and date[4] == "-":
            f.setdefault("month", str(int(date[5:7])))
    if "urldate" in f:
        f["note"] = "; ".join(x for x in (f.get("note"), f"Accessed {f.pop('urldate')}") if x)
    if not ("author" in f or "editor" in f):  # what the styles sort and label by instead
        f.setdefault("key", f.get("organization") or f.get("publisher") or f.get("title", ""))
    prep.type = t
    prep.notes = [n for n in prep.notes if "not defined for" not in n and " needs " not in n]
    for alternatives in CLASSIC_REQUIRED.get(t, ()):
        if not any(a in f for a in alternatives):
            prep.notes.append(f"BibTeX's @{t} needs {' or '.join(alternatives)}")
    return prep


def defined(entry_type: str, name: str) -> bool:
    """Whether biblatex defines a field for a type (``urldate``: biber splits it into
    ``urlyear``, ``urlmonth``... which the data model lists)."""
    fields = FIELDS[entry_type]
    return name in fields or (name.endswith("date") and f"{name[:-4]}year" in fields)


def isbn_ok(value: str) -> bool:
    """Whether an ISBN-10 or ISBN-13 has the right check digit."""
    digits = re.sub(r"[^0-9Xx]", "", value).upper()
    if len(digits) == 10 and digits[:9].isdigit():
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(digits))
        return total % 11 == 0
    if len(digits) == 13 and digits.isdigit():
        return sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(digits)) % 10 == 0
    return False


_SPECIALS = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
             "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
             "^": r"\textasciicircum{}"}
_SPECIAL = re.compile(r"[\\&%$#_{}~^]")


def latex_value(name: str, value: str, *, ascii_only: bool) -> str:
    """A field value as BibTeX text: specials escaped, title words protected, URLs verbatim."""
    if name in VERBATIM or name == "howpublished" and value.startswith("\\url{"):
        return value
    if DATATYPES.get(name) == "name" and _balanced(value):
        text = _SPECIAL.sub(lambda m: m.group() if m.group() in "{}" else _SPECIALS[m.group()],
                            value)
    else:
        text = _SPECIAL.sub(lambda m: _SPECIALS[m.group()], value)
    for ligature, kept in (("--", "-{}-"), ("``", "`{}`"), ("''", "'{}'")):
        while ligature in text:  # '--' would be read as a dash, '``' as a quotation mark
            text = text.replace(ligature, kept)
    if name in PROTECT:
        text = _protect(text)
    if ascii_only:
        from pylatexenc.latexencode import unicode_to_latex

        text = unicode_to_latex(text, non_ascii_only=True,
                                replacement_latex_protection="braces-all")
    return text


def _balanced(text: str) -> bool:
    # not bib._balanced (it skips LaTeX's '\{'): in a stored value '\' is a character of its own
    depth = 0
    for ch in text:
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            return False
    return depth == 0


def _protect(text: str) -> str:
    """Brace words with capitals (but the title's first letter), so styles keep their case."""
    words = re.split(r"(\s+)", text)
    out = []
    first = True
    for w in words:
        if not w.strip():
            out.append(w)
            continue
        caps = any(c.isupper() for c in (w[1:] if first else w))
        if caps and "\\" not in w and "{" not in w:
            m = re.match(r"^([^\w]*)(.*?)([^\w]*)$", w, re.S)
            assert m is not None
            lead, core, trail = m.groups()
            w = f"{lead}{{{core}}}{trail}" if core else w
        out.append(w)
        first = False
    return "".join(out)


def _left_out(entry: BibEntry, ascii_only: bool) -> bool:
    """Classic BibTeX cannot read a citation key that is not ASCII."""
    return ascii_only and not entry.key.isascii()


def render(entries: Sequence[BibEntry], *, ascii_only: bool = False) -> tuple[str, list[str]]:
    """The .bib text of entries (sorted by key) and the notes on what was mended or missing."""
    from bibtexparser import BibtexFormat, Library, write_string
    from bibtexparser.model import Entry, Field

    library = Library()
    notes: list[str] = []
    for entry in sorted(entries, key=lambda e: e.key):
        if _left_out(entry, ascii_only):
            notes.append(f"{entry.key}: the citation key is not ASCII, which classic BibTeX "
                         "cannot read; left out (the biblatex export has it), give the work an "
                         "ASCII key to cite it with BibTeX")
            continue
        prep = classic(entry) if ascii_only else biblatex(entry)
        names = sorted(prep.fields, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER),
                                                   n))
        library.add(Entry(prep.type, prep.key,
                          [Field(n, "{" + latex_value(n, prep.fields[n], ascii_only=ascii_only)
                                 + "}") for n in names]))
        notes.extend(f"{prep.key}: {n}" for n in prep.notes)
    fmt = BibtexFormat()  # type: ignore[no-untyped-call]  # bibtexparser leaves it untyped
    fmt.indent = "  "
    fmt.block_separator = "\n"
    text = write_string(library, unparse_stack=[], bibtex_format=fmt)  # values braced above
    header = ("% Written by annotator for biber/biblatex (UTF-8).\n" if not ascii_only else
              "% Written by annotator for classic BibTeX (ASCII, LaTeX escapes).\n")
    return header + "\n" + text.strip() + "\n", notes


def export_bibtex(ws: Any, *, everything: bool = False, ascii_only: bool = False,
                  out: str | Path | None = None,
                  source_key: dict[str, str] | None = None) -> Written:
    """Write the works (``works.works``) as .bib to ``out`` (default: exports/);
    ``source_key``: ``works.source_keys(ws)`` when the caller already has it."""
    from annotator.export.output import write_export
    from annotator.export.works import works

    entries = works(ws, everything=everything, source_key=source_key)
    text, notes = render(entries, ascii_only=ascii_only)
    data = text.encode("ascii" if ascii_only else "utf-8")
    name = "bibliography-bibtex.bib" if ascii_only else "bibliography.bib"
    items = sum(not _left_out(e, ascii_only) for e in entries)
    return write_export(ws, Path(out) if out else ws.exports_dir / name, data,
                        format="bibtex" if ascii_only else "biblatex", items=items,
                        notes=tuple(notes))
