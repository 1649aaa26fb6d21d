"""The bibliography as a .bib file that biber and BibTeX read, every field kept.

Two dialects, from the same stored entries (values as biber reads them, UTF-8):

* default, for biber/biblatex (``annotator.bibliography.biblatex_entries``, which ``bib add``
  compares a .bib entry with): UTF-8, biblatex's own types and field names. Legacy names
  become biblatex's (``address`` -> ``location``, ``journal`` -> ``journaltitle``,
  ``school`` -> ``institution``; CSL's ``archive-place``, ``archive`` and ``archive_location``,
  where the original is kept, -> one ``library``), legacy types too (``@techreport`` -> ``@report`` with
  ``type = {techreport}``, ``@phdthesis``/``@mastersthesis`` -> ``@thesis`` with ``type =
  {phdthesis}``/``{mathesis}``, a type biblatex lacks -> ``@misc`` with ``entrysubtype``).
  Every other field is written as it came, known to biblatex or not (biber ignores fields
  its data model lacks, without harm), so nothing of an entry is lost; a ``year`` equal to
  its ``date``'s is the one field left out (biber wants one of them); a date biber reads
  (EDTF: ``1999~``, ``2001-21``, ``2019-05-01/``) is kept as written, one that names no
  date (``2024-02-30``) keeps the part that is (``2024-02``), in every export alike. What
  biber will warn about (a missing title or date, an ISBN with a wrong check digit) is said
  in ``notes``.
* ``ascii=True``, for classic BibTeX: the standard styles' types and fields (``@online`` ->
  ``@misc`` with ``howpublished``, ``location`` -> ``address``, ``date`` -> ``year``, a
  ``key`` where the styles would have no name to sort by, a
  month as the styles' macro, ``month = apr``, where biblatex takes ``{4}``, a name in
  biblatex's extended format as BibTeX writes names, ``van der Berg, Anna``) and every
  non-ASCII character as a LaTeX escape; a character that has none (Chinese, an emoji) is
  kept as UTF-8, with a note naming the entry, field and character: BibTeX passes bytes
  through, and a cited work missing from the bibliography is worse than one non-ASCII letter
  (Better BibTeX and biber's ``--output-safechars`` keep such characters too). A citation key
  that is not ASCII (``müller2000``) is kept as written, with a note, for the same reason.

Values are LaTeX already (``annotator.bibliography.latex``): written as stored, with titles
protected for sentence-case styles the way Better BibTeX does (``annotator.bibliography.titles``);
in the classic file a title read from a TEI source, which is the text as printed and not in
a .bib's title case, has every capitalised word but its first braced: plain.bst lower-cases
the rest, and "Richard Bull to Thomas Pennant" must not become "Richard bull to thomas pennant".
The file is written through a bibtexparser ``Library``; entries come sorted by key with
fields in a fixed order, so the file is the same for the same bibliography; in the classic
file an entry another cross-references comes after every entry that does (BibTeX's rule). A
``crossref`` or ``xref`` key naming no entry of the file is left out, with a note.

DOCS: docs/export.md#bibtex-and-csl-json
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from annotator.acts.context import ActContext
from annotator.bibliography import entries as bib_mod
from annotator.bibliography.biblatex_entries import PATHS, Prepared, biblatex, in_file, latex_value
from annotator.bibliography.datamodel_table import FIELDS
from annotator.bibliography.latex import describe
from annotator.bibliography.library import MONTHS
from annotator.calendar import DIVISIONS, bib_date, iso_date
from annotator.export.output import target, write_export
from annotator.export.works import parents, works
from annotator.records import BibEntry, Written

ORDER = ("author", "editor", "translator", "foreword", "key", "title", "subtitle", "titleaddon",
         "journaltitle", "journal", "booktitle", "maintitle", "edition", "volume", "number",
         "series", "chapter", "pages", "howpublished", "type", "publisher", "organization",
         "institution", "school", "location", "address", "date", "year", "month", "isbn",
         "issn", "doi", "eprint", "eprinttype", "url", "urldate", "langid", "language", "note")

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


def classic(entry: BibEntry) -> Prepared:
    """An entry for classic BibTeX and its standard styles."""
    prep = biblatex(entry)
    f = prep.fields
    t = prep.type
    if t in ("online", "misc", "software", "dataset") and "url" in f:
        f.setdefault("howpublished", "\\url{" + f["url"] + "}")
    if t in ("thesis", "report") and f.get("type") in ("phdthesis", "mathesis", "techreport"):
        t = {"phdthesis": "phdthesis", "mathesis": "mastersthesis",
             "techreport": "techreport"}[f.pop("type")]
    t = TO_CLASSIC.get(t, t if t in CLASSIC else "misc")
    if t in ("phdthesis", "mastersthesis") and "institution" in f:
        f["school"] = f.pop("institution")
    for new_name, old_name in CLASSIC_FIELDS.items():
        if new_name in f:
            f[old_name] = f.pop(new_name)
    for name in bib_mod.NAME_FIELDS & f.keys():  # BibTeX reads no extended name format
        listed = bib_mod.split_names(f[name])
        classic_names = [bib_mod.classic_name(n) for n in listed]
        if classic_names != listed:
            f[name] = " and ".join(classic_names)
    if "year" in f:
        f["year"] = _classic_year(f["year"])
    if "date" in f:
        prep.notes.extend(_classic_date(f.pop("date"), f))
    if "urldate" in f:
        f["note"] = "; ".join(x for x in (f.get("note"), f"Accessed {f.pop('urldate')}") if x)
    if "key" not in f and _needs_key(t, f):
        f["key"] = _key_of(f)
    prep.type = t
    prep.notes = [n for n in prep.notes if " needs " not in n and "entrysubtype" not in n]
    for alternatives in CLASSIC_REQUIRED.get(t, ()):
        if not any(a in f for a in alternatives):
            prep.notes.append(f"BibTeX's @{t} needs {' or '.join(alternatives)}")
    return prep


# the types plain.bst sorts by editor where there is no author (author.editor.sort,
# editor.sort); every other type sorts by author alone, or by key
EDITOR_SORTED = frozenset({"book", "inbook", "proceedings"})


def _needs_key(entry_type: str, f: dict[str, str]) -> bool:
    """Whether the standard styles need a ``key`` to sort and label the entry by: it has no
    person among its authors and editors (a corporate ``{Name}`` is none), or no author and
    a type the styles sort by author alone (else BibTeX warns "to sort, need author or key")."""
    names = [n for role in ("author", "editor") for n in bib_mod.split_names(f.get(role, ""))]
    persons = [n for n in names if not bib_mod.is_literal(n)]
    return not persons or ("author" not in f and entry_type not in EDITOR_SORTED)


def _key_of(f: dict[str, str]) -> str:
    """What the styles sort an entry without an author by: its own sort key, else the first
    corporate name or editor's surname, the organisation, the publisher or the title."""
    names = [n for role in ("author", "editor") for n in bib_mod.split_names(f.get(role, ""))]
    corporate = [n for n in names if bib_mod.is_literal(n)]
    first = corporate[0] if corporate else names[0] if names else ""
    return (f.get("sortkey") or (bib_mod.surname(first, useprefix=bib_mod.uses_prefix(f))
                                 if first else "")
            or f.get("organization") or f.get("publisher") or f.get("title", ""))


def _classic_date(date: str, f: dict[str, str]) -> list[str]:
    """Set ``year`` (and ``month``, for a date of one month or day) from a biblatex date;
    a range's years joined by "--", an open one's ended or opened by it ("2019--",
    "--2019"), unspecified digits as the range biber reads ("199X": "1990--1999"; BibTeX's
    year takes years only). The notes name what the standard styles have no field for:
    circa, uncertain, a season or other part of the year (a quarter), unspecified digits
    (a time of day, like the day, no style prints)."""
    found = bib_date(date)
    if found is None:  # no date biber reads, kept for the reader: as it is
        f.setdefault("year", _classic_year(date))
        return []
    # an open end as BibTeX prints a range, "2019--" ("2019–", as biblatex and CSL print it)
    years = [str(bib_mod.historical_year(end[0])) if end else "" for end in found.parts]
    f.setdefault("year", "--".join(dict.fromkeys(years)))
    start = found.parts[0]
    one_month = len(found.parts) == 1 or found.unspecified and len(
        {end[:2] for end in found.parts}) == 1  # '1999-05-XX': a day of May 1999
    if one_month and len(start) > 1 and found.division is None:
        f.setdefault("month", str(start[1]))
    division = DIVISIONS.get(found.division or 0, "")
    said = [w for w, on in (
        ("approximate", found.circa), ("uncertain", found.uncertain),
        (f"a season ({division})" if found.season else f"a part of the year ({division})",
         division),
        ("of unspecified digits (biber reads "
         f"{' to '.join(_iso_end(end) for end in found.parts)})",
         found.unspecified)) if on]
    if not said:
        return []
    return [f"date '{date}' is {' and '.join(said)}: classic BibTeX has no field for it, "
            f"year = {{{f['year']}}} written (the biblatex export keeps the date)"]


def _iso_end(parts: tuple[int, ...]) -> str:
    """One end of a date as ISO 8601 writes it: (1999, 5, 1) -> '1999-05-01'."""
    return "-".join(f"{p:04d}" if i == 0 else f"{p:02d}" for i, p in enumerate(parts))


def _classic_year(value: str) -> str:
    """The year of an ISO date or a year field as classic BibTeX prints it, verbatim: a year
    BC as historians write it, ``-45`` for BibLaTeX's ``-0044`` (45 BC: ISO 8601 counts 0000
    as 1 BC), which pandoc reads as CSL's -45; a year that is no number stays as written."""
    year = bib_mod.year_number(value)
    if year is None or (year > 0 and iso_date(value) is None):
        return value  # 'c. 1820', '830': BibTeX prints it as it is
    return str(bib_mod.historical_year(year))


def defined(entry_type: str, name: str) -> bool:
    """Whether biblatex defines a field for a type (``urldate``: biber splits it into
    ``urlyear``, ``urlmonth``... which the data model lists)."""
    fields = FIELDS[entry_type]
    return name in fields or (name.endswith("date") and f"{name[:-4]}year" in fields)


def render(entries: Sequence[BibEntry], *, ascii_only: bool = False) -> tuple[str, list[str]]:
    """The .bib text of entries (sorted by key) and the notes on what was mended or missing."""
    text, notes, _count = render_counted(entries, ascii_only=ascii_only)
    return text, notes


def render_counted(entries: Sequence[BibEntry], *,
                   ascii_only: bool = False) -> tuple[str, list[str], int]:
    """``render``, and how many entries the file has."""
    from bibtexparser import BibtexFormat, Library, write_string
    from bibtexparser.model import Entry, Field

    library = Library()
    notes: list[str] = []
    utf8 = False  # a character without an escape kept in the classic file
    present = {e.key.lower() for e in entries}  # BibTeX matches a crossref in any case
    for entry in _in_order(entries, ascii_only):
        if ascii_only and not entry.key.isascii():  # kept: a cited work must not vanish
            utf8 = True
            notes.append(_key_note(entry.key))
        prep = classic(entry) if ascii_only else biblatex(entry)
        in_file(prep, present)
        names = sorted(prep.fields, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER),
                                                   n))
        written: list[Any] = []
        for n in names:
            value, kept = latex_value(n, prep.fields[n], ascii_only=ascii_only,
                                      as_written=ascii_only and _as_written(entry))
            if kept:
                utf8 = True
                notes.append(_kept_note(prep.key, n, kept))
            written.append(Field(n, _month_macro(value) if ascii_only and n == "month"
                                 else "{" + value + "}"))
        library.add(Entry(prep.type, prep.key, written))
        notes.extend(f"{prep.key}: {n}" for n in prep.notes)
    fmt = BibtexFormat()  # type: ignore[no-untyped-call]  # bibtexparser leaves it untyped
    fmt.indent = "  "
    fmt.block_separator = "\n"
    text = write_string(library, unparse_stack=[], bibtex_format=fmt)  # values braced above
    header = ("% Written by annotator for biber/biblatex (UTF-8).\n" if not ascii_only else
              "% Written by annotator for classic BibTeX (ASCII, LaTeX escapes; UTF-8 where a "
              "character has none, as the notes say).\n" if utf8 else
              "% Written by annotator for classic BibTeX (ASCII, LaTeX escapes).\n")
    return header + "\n" + text.strip() + "\n", notes, len(library.entries)


def _kept_note(key: str, name: str, kept: str) -> str:
    """The note on characters without a LaTeX escape kept as UTF-8 in the classic file: which
    ones, where, and what the editor can do, for the entry stays in the bibliography. In a
    path (``file``) no character takes an escape: the path names the file as it is."""
    more = len(kept) - 1
    others = f" (and {more} more character{'s' if more > 1 else ''})" if more else ""
    if name in PATHS:
        return (f"{key}: field '{name}' has {describe(kept[0])}{others} in a file path, which "
                "no escape may change: kept as UTF-8, so the file is not all ASCII; BibTeX "
                "passes it through and the standard styles do not print it; to have an ASCII "
                "file rename the file, or use biblatex with the UTF-8 export")
    return (f"{key}: field '{name}' has {describe(kept[0])}{others} with no LaTeX escape: "
            "kept as UTF-8, so the file is not all ASCII; BibTeX passes it through, pdfLaTeX "
            "needs a font for it (e.g. the CJK package), XeLaTeX and LuaLaTeX print it; for an "
            "ASCII entry add a romanised form to the .bib (annotator bib add --replace), or "
            "use biblatex with the UTF-8 export")


def _key_note(key: str) -> str:
    """The note on a citation key that is not ASCII, kept as written in the classic file:
    BibTeX 0.99d matches it byte for byte (``\\citation{müller2000}`` finds the entry), but
    whether ``\\cite`` writes those bytes to the .aux depends on the engine and its input
    encoding, so the safe key is a plain-ASCII one."""
    return (f"{key}: the citation key is not ASCII: kept as written, so the file is not all "
            "ASCII; BibTeX matches it, but \\cite with an 8-bit key depends on the engine "
            "(pdfLaTeX's input encoding); to cite it safely give the work a plain-ASCII key "
            "in the .bib it comes from and cite that, or use biblatex with the UTF-8 export")


def _as_written(entry: BibEntry) -> bool:
    """Whether an entry's titles are the text a TEI source prints (read from it): not in the
    title case a .bib title is by convention, so its capitals are proper nouns to keep."""
    return entry.origin.startswith("source:")


def _month_macro(value: str) -> str:
    """A month for classic BibTeX: a number 1-12 as the styles' macro, unbraced (``apr``), which
    plain.bst prints as "April" (a braced ``{4}`` prints "4"); anything else braced as is."""
    if value.isdigit() and 1 <= int(value) <= 12:
        return MONTHS[int(value) - 1]
    return "{" + value + "}"


def _in_order(entries: Sequence[BibEntry], ascii_only: bool) -> list[BibEntry]:
    """Entries sorted by key; for classic BibTeX an entry another cross-references comes after
    it (BibTeX reads a crossref's parent only if it comes later in the file), each chain's
    parents after their children, so parents go to the end, in key order."""
    ordered = sorted(entries, key=lambda e: e.key)
    if not ascii_only:
        return ordered  # biber finds a parent wherever it is
    keys = {e.key.lower(): e.key for e in ordered}
    children: dict[str, list[str]] = {}
    for e in ordered:
        for ref in parents(e):
            if ref.lower() in keys:
                children.setdefault(keys[ref.lower()], []).append(e.key)
    rank: dict[str, int] = {}

    def depth(key: str, seen: frozenset[str]) -> int:
        """How far up a chain of cross-references an entry is (0: none names it)."""
        if key not in rank:
            below = [depth(c, seen | {key}) for c in children.get(key, ()) if c not in seen]
            rank[key] = 1 + max(below) if below else 0
        return rank[key]

    return sorted(ordered, key=lambda e: (depth(e.key, frozenset()), e.key))


def export_bibtex(ctx: ActContext, *, everything: bool = False, ascii_only: bool = False,
                  out: str | Path | None = None,
                  source_key: dict[str, str] | None = None) -> Written:
    """Write the works (``works.works``) as .bib to ``out`` (default: exports/);
    ``source_key``: ``works.source_keys(ctx)`` when the caller already has it."""
    entries = works(ctx, everything=everything, source_key=source_key)
    text, notes, items = render_counted(entries, ascii_only=ascii_only)
    data = text.encode("utf-8")  # the classic file is ASCII but for what the notes name
    name = "bibliography-bibtex.bib" if ascii_only else "bibliography.bib"
    return write_export(ctx.root, target(out, ctx.exports_dir, name), data,
                        format="bibtex" if ascii_only else "biblatex", items=items,
                        notes=tuple(notes))
