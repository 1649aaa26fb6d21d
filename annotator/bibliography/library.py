"""Several .bib files read as one library, the way biber reads them, with every problem said.

Files are read in the order given, as biber reads its ``\\addbibresource`` files: an
``@string`` defined in one is known in the next, a ``crossref`` may point into another file.
What biber tolerates is tolerated and reported as a warning (``Problem.severity``):

* a key used twice (case ignored): the first entry wins, the later one is left out;
* a field given twice in one entry: the last value wins (as biber);
* an undefined macro: its name is kept as text (biber drops it); a macro is defined from its
  ``@string`` on, so one used before it is undefined there, as biber has it;
* a crossref or xref to no entry: the field is kept, nothing is inherited;
* a ``year`` that is no integer (``50 BC``, ``c. 1850``): kept as written, as biber keeps it
  (warning 'legacy year field ... is not an integer'), with the field to write instead;
* a date of a date's form that names no date (``urldate = {2024-02-30}``, ``month = {13}``):
  kept as written; biber ignores it, and every export keeps the part that is (``2024-02``);
* a date of no date's form (``date = {c. 1953}``, ``{1.1.1892}``): kept as written; biber
  ignores it ('Invalid format'), the exports write its year, with the EDTF date to write.

A ``year`` below 0 is read as biber and ISO 8601 read it (``-50`` is 51 BC), which is not what
an editor who wrote it for 50 BC meant: said once a library, a ``note``, which ``--strict``
does not refuse (a year written right is no problem).

An entry bibtexparser cannot read, or with no type, or with a key BibTeX cannot cite, is left
out (``skipped``), as is one holding a control character or noncharacter (XML holds the C1
controls, but none belongs in a bibliography's text); every
other entry of the file still comes in. A file that is not text (not UTF-8 and no declared
encoding) or of which nothing can be read is ``refused``. The caller decides what refuses
(``--strict``: anything).

Values are stored as biber reads them (``annotator.bibliography.latex``): macros and ``#``
resolved, month macros as numbers, exactly decodable LaTeX as Unicode, the rest as written.
Only values with a backslash are decoded, once.

DOCS: docs/claims.md#bibliography
"""

from __future__ import annotations

import bisect
import codecs
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from annotator.bibliography import csl_json
from annotator.bibliography.blocks import Block, Field, Part, split
from annotator.bibliography.datamodel_table import FIELDS
from annotator.bibliography.model import CONTROL, duplicate
# re-exported: where the .bib's readers (acts, cli, entries) have always found them
from annotator.bibliography.model import KEY_OK as KEY_OK
from annotator.bibliography.model import NOTE as NOTE
from annotator.bibliography.model import REFUSED as REFUSED
from annotator.bibliography.model import SKIPPED as SKIPPED
from annotator.bibliography.model import WARNING as WARNING
from annotator.bibliography.model import Problem as Problem
from annotator.bibliography.model import Read as Read
from annotator.bibliography.latex import bare_specials, decode
from annotator.calendar import bib_date, real_date, real_part
from annotator.files import read_named
from annotator.text import line_col, not_xml_named

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
# Fields whose value is no text (biber's verbatim and uri fields): never decoded.
VERBATIM = frozenset({"url", "doi", "eprint", "file", "urlraw", "verba", "verbb", "verbc",
                      "pdf", "pdfurl", "bdsk-url-1", "bdsk-url-2"})
# Fields biber sorts by and LaTeX never typesets: a bare & or % there is no mistake
# (biblatex-examples.bib writes sorttitle = {Computers & Typesetting})
SORT_ONLY = frozenset({"sorttitle", "indexsorttitle", "sortname", "sortkey", "sortshorthand",
                       "sortyear", "presort"})
# Fields that point at the editor's own copies, not at the work (a Zotero, Better BibTeX,
# JabRef or Mendeley attachment's local path, BibDesk's linked files): kept in the store,
# left out of every export, as Zotero's and pandoc's exports leave them out
PRIVATE = frozenset({"file", "pdf", "local-url"})


def private(name: str) -> bool:
    """Whether a field (lower case) is an editor's own, never published."""
    return name in PRIVATE or name.startswith("bdsk-file-")


# BibTeX's names for fields biblatex calls otherwise (inherited under them all the same)
LEGACY = frozenset({"address", "journal", "school", "key", "annote", "archiveprefix",
                    "primaryclass", "hyphenation"})
NOT_INHERITED = frozenset({"crossref", "xref", "ids", "entryset", "related", "relatedtype",
                           "relatedstring", "relatedoptions", "label", "shorthand", "sortkey",
                           "options", "presort", "xdata", "execute", "keywords"})
_ENCODING = re.compile(r"%\s*Encoding:\s*([\w.-]+)|jabref-meta:\s*encoding:\s*([\w.-]+)", re.I)

# what each problem is, in a word or three (``annotator bib add`` groups by it)
LABELS = {"S301": "not UTF-8", "S302": "duplicate key", "S303": "key taken by another work",
          "S304": "no entry type", "S305": "cannot be read", "S306": "field given twice",
          "S307": "crossref or xref to no entry", "S308": "undefined macro", "S309": "no entries",
          "S310": "key BibTeX cannot cite", "S311": "control character or noncharacter",
          "S312": "@preamble not kept", "S313": "year not an integer",
          "S314": "year below 0", "S315": "bare & or %",
          "S316": "no real date", "S317": "no date biber reads", "S321": "not JSON",
          "S322": "not CSL-JSON", "S323": "CSL variables kept in the note",
          "S324": "literal date not said whole", "S325": "likely a work already there",
          "S326": "key made for an entry", "S328": "alias that is another key"}
# the date fields biber reads as dates (EDTF), split into year, month, day... ('urldate':
# 'urlyear'...); a ``month`` is the month of a ``year``
DATE_FIELDS = ("date", "origdate", "eventdate", "urldate")


@dataclass(slots=True)
class Library:
    entries: list[Read] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_files(paths: Sequence[Path], *, stored: Sequence[Read] = (),
               moved: Mapping[str, str] | None = None) -> Library:
    """Read .bib files as one library: every entry that can be read, every problem.
    ``stored``: the works already in the bibliography (added earlier), which a crossref or
    xref may name as well as an entry of the files, as the exports put them in one file.
    ``moved``: parents ``bib fold`` folded (their keys lower-cased) -> the key of the work
    kept, which their children inherit from instead."""
    texts: list[tuple[str, str]] = []
    lib = Library()
    for p in paths:
        text = _text(p, read_named(p, code="S301"), lib.problems)
        if text is not None:
            texts.append((str(p), text))
    return read_texts(texts, lib, stored=stored, moved=moved)


def read_as_csl(path: Path) -> bool:
    """Whether ``read_files`` reads the file as CSL-JSON (by what it holds:
    ``csl_json.looks_like``); a file that cannot be read is none."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return csl_json.looks_like(str(path), data.decode("utf-8-sig", "replace"))


def read_texts(texts: Sequence[tuple[str, str]], lib: Library | None = None, *,
               stored: Sequence[Read] = (), moved: Mapping[str, str] | None = None) -> Library:
    """``read_files`` for texts already in hand, as (name for messages, text)."""
    lib = lib if lib is not None else Library()
    problems = lib.problems
    macros = _Macros(problems)
    raw: list[tuple[Read, list[Field]]] = []
    entries: list[Read] = []  # the .bib's and the CSL-JSON's, in the files' order
    seen: dict[str, tuple[str, int]] = {}
    for name, text in texts:
        if csl_json.looks_like(name, text):
            entries.extend(csl_json.read(name, text, seen, problems))
            continue
        blocks = split(text)
        holding = _controls(name, text, blocks, problems)
        found = strings = 0
        for block in blocks:
            if block.start in holding:
                found += block.kind != "string"
                strings += block.kind == "string"
                continue  # a control character or noncharacter: said above, left out
            if block.kind == "string":
                strings += 1
                macros.define(block.key, macros.resolve(block.fields[0].parts, name,
                                                        block.line, ""), name, block.line)
            elif block.kind == "preamble":
                problems.append(Problem(name, block.line, "", "@preamble is not kept",
                                        "fields that use its definitions keep them as LaTeX",
                                        "S312"))
            elif block.kind == "failed":
                found += 1
                problems.append(Problem(name, block.line, block.key, f"cannot be read "
                                        f"({block.reason})", "left out: check the braces, "
                                        "quotes and commas of this entry", "S305", SKIPPED))
            else:
                found += 1
                read = _entry(block, name, seen, problems)
                if read is not None:
                    _fields(read, block.fields, macros)  # with the macros defined so far
                    raw.append((read, block.fields))
                    entries.append(read)
        if not found and not strings:
            json = text.lstrip()[:1] in ("[", "{")  # a .bib is BibTeX, whatever it holds
            problems.append(Problem(name, None, "", "no entries found",
                                    "this is JSON: name a CSL-JSON file .json" if json else
                                    "give a BibTeX/BibLaTeX file with @type{key, ...} entries "
                                    "(or @string macros for the other files)", "S309",
                                    REFUSED))
    macros.defined_later()
    _years(raw, problems)
    _dates(raw, problems)
    _inherit(entries, problems, stored, moved or {})
    lib.entries.extend(entries)
    return lib


def _fields(read: Read, fields: list[Field], macros: _Macros) -> None:
    """An entry's values as biber reads them, at the place the entry is in its file."""
    for f in fields:
        label = read.key or f"at line {read.line}"
        if f.name in read.fields:
            macros.problems.append(Problem(
                read.path, f.line, label, f"field '{f.name}' given twice",
                "the last value is kept, as biber does: remove the other", "S306"))
        resolved = macros.resolve(f.parts, read.path, f.line, label, month=f.name == "month")
        read.fields[f.name] = resolved if f.name in VERBATIM else decode(resolved)
        if f.name not in VERBATIM and f.name not in SORT_ONLY:
            _bare_specials(read, f, macros.problems)


def _bare_specials(read: Read, f: Field, problems: list[Problem]) -> None:
    """A warning for a field with a bare & or % (LaTeX reads them as a table's column and a
    comment: every LaTeX run with the field fails or cuts it there); the exports escape
    them, as the author meant text. A date's % is EDTF's "approximate and uncertain"
    (``1790%``), which biber reads there and the exports keep: no warning."""
    bare = [c for c in bare_specials(read.fields[f.name])
            if not (c == "%" and f.name in DATE_FIELDS)]
    if not bare:
        return
    escaped = " and ".join("\\" + c for c in bare)
    problems.append(Problem(
        read.path, f.line, read.key or f"at line {read.line}",
        f"field '{f.name}' has a bare {' and '.join(bare)} (LaTeX reads & as a table column, "
        "% as a comment)", f"write {escaped} in the .bib; the LaTeX exports write them so",
        "S315"))


def _text(path: Path, data: bytes, problems: list[Problem]) -> str | None:
    """The file's text: UTF-8, or the encoding the file declares (JabRef's '% Encoding:')."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = exc.start
    m = _ENCODING.search(data[:4096].decode("ascii", "replace"))
    if m:
        name = (m.group(1) or m.group(2)).replace("ISO", "iso-").replace("iso-8859_", "iso8859-")
        try:
            return data.decode(codecs.lookup(name).name)
        except (LookupError, UnicodeDecodeError):
            pass
    line = data[:bad].count(b"\n") + 1
    problems.append(Problem(str(path), line, "", "not UTF-8, and the file declares no encoding",
                            "save the .bib file as UTF-8", "S301", REFUSED))
    return None


def _controls(name: str, text: str, blocks: Sequence[Block],
              problems: list[Problem]) -> set[int]:
    """Report every control character (C0, DEL and the C1 controls, which XML holds but no
    bibliography text does) and noncharacter, each with the entry holding it, and give the
    starts of the blocks holding one: those are left out, the others come in, as Zotero and
    JabRef import what they can. One outside every block (before the first, between two,
    in an @comment) is where biber reads nothing: said, and nothing is left out for it (it
    was blamed on the entry before it, which was left out)."""
    starts = [b.start for b in blocks]
    holding: set[int] = set()
    for m in CONTROL.finditer(text):
        line, col = line_col(text, m.start())
        i = bisect.bisect_right(starts, m.start()) - 1
        what = f"{not_xml_named(m.group())} in the text"
        if i < 0 or m.start() >= blocks[i].end:
            where = " before the first entry" if i < 0 else " outside every entry"
            problems.append(Problem(name, line, "", what + where,
                                    "remove it (no bibliography text holds one); nothing is read "
                                    "there", "S311", WARNING, col))
            continue
        holding.add(blocks[i].start)
        opening = _OPENING.match(text, blocks[i].start)  # none for '@{key, ...' (no type)
        problems.append(Problem(name, line, _label(text, opening) if opening else
                                f"at line {blocks[i].line}", what,
                                "left out: remove it (no bibliography text holds one) and "
                                "add the file again", "S311", SKIPPED, col))
    return holding


# where an entry (or @string, @comment, @preamble) opens, and its key (none when what follows
# the brace is a field: '@book{\n title = ...' has no key 'title')
_OPENING = re.compile(r"@\s*(\w+)\s*[{(]\s*(?:([^\s,{}()=]+)(?=\s*[,})]))?")


def _label(text: str, opening: re.Match[str]) -> str:
    """An entry named as problems name one: its key, else 'at line N' (the line of its
    '@'); '' for what is no entry (@string, @comment, @preamble)."""
    if opening.group(1).lower() in ("string", "comment", "preamble"):
        return ""
    return opening.group(2) or f"at line {text.count(chr(10), 0, opening.start()) + 1}"


def _entry(block: Block, name: str, seen: dict[str, tuple[str, int]],
           problems: list[Problem]) -> Read | None:
    etype, key, line = block.type, block.key, block.line
    label = key or f"at line {line}"
    if not etype:
        problems.append(Problem(name, line, label, "no entry type",
                                f"left out: write the type after '@', e.g. '@book{{{key or 'key'}'",
                                "S304", SKIPPED))
        return None
    if key and not KEY_OK.match(key):
        problems.append(Problem(name, line, key, "the key has characters BibTeX cannot cite",
                                "left out: use letters, digits and - _ : . / only", "S310",
                                SKIPPED))
        return None
    if key and duplicate(key, name, line, seen, problems):
        return None
    return Read(name, line, key, etype)


# -- values ------------------------------------------------------------------------------------
@dataclass(slots=True)
class _Macros:
    """The ``@string`` macros as biber knows them, reading the files in order from the top: a
    macro is defined from its ``@string`` on, so a value using it earlier has it undefined
    (biber: 'undefined macro'), and a later ``@string`` of the same name replaces it from
    there on."""

    problems: list[Problem]
    values: dict[str, str] = field(default_factory=dict)
    first: dict[str, tuple[str, int]] = field(default_factory=dict)  # where each is defined
    early: list[tuple[int, str]] = field(default_factory=list)  # (problem, macro) undefined

    def define(self, name: str, value: str, path: str, line: int) -> None:
        self.values[name.lower()] = value
        self.first.setdefault(name.lower(), (path, line))

    def resolve(self, parts: list[Part], path: str, line: int, key: str, *,
                month: bool = False) -> str:
        """A value's parts (braced, quoted, number, macro) joined, macros resolved."""
        out = []
        for kind, text in parts:
            if kind != "macro":
                out.append(text)
            elif text.lower() in self.values:
                out.append(self.values[text.lower()])
            elif text.lower() in MONTHS:
                i = MONTHS.index(text.lower())
                out.append(str(i + 1) if month else MONTH_NAMES[i])
            else:
                self.early.append((len(self.problems), text))
                self.problems.append(Problem(path, line, key, f"undefined @string macro "
                                             f"'{text}'", "its name is kept as text: define "
                                             "it with @string or put the value in braces",
                                             "S308"))
                out.append(text)
        value = "".join(out)
        return _month(value) if month else value

    def defined_later(self) -> None:
        """Say where a macro undefined where it is used is defined further on: biber reads
        the files from the top, so the ``@string`` must come first."""
        for i, text in self.early:
            found = self.first.get(text.lower())
            if found is None:
                continue
            old = self.problems[i]
            here = found[0] == old.path
            self.problems[i] = replace(
                old, what=f"undefined @string macro '{text}' (its @string comes later, at "
                + (f"line {found[1]})" if here else f"{found[0]}:{found[1]})"),
                hint="its name is kept as text, as biber reads the files in order: " + (
                    "move the @string above its first use" if here else
                    f"give {found[0]} before {old.path}"))


def _month(value: str) -> str:
    """'November', 'nov.' -> '11', as biblatex wants a month."""
    v = value.strip().lower().rstrip(".")
    names = [m.lower() for m in MONTH_NAMES]
    if v in names:
        return str(names.index(v) + 1)
    if v[:3] in MONTHS and len(v) <= 4:
        return str(MONTHS.index(v[:3]) + 1)
    return value


# -- years -------------------------------------------------------------------------------------
# a year field as biber reads it (into DATE): one to four digits, a minus for a year BC
YEAR_FIELD = re.compile(r"-?\d{1,4}")
_BC = re.compile(r"(\d{1,4})\s*(?:B\.?\s*C\.?(?:\s*E\.?)?|v\.\s*Chr\.?)", re.I)
_AD = re.compile(r"(?:A\.?\s*D\.?\s*(\d{1,4})|(\d{1,4})\s*(?:A\.?\s*D\.?|C\.?\s*E\.?))", re.I)
_RANGE = re.compile(r"(\d{4})\s*(?:-{1,3}|–|—|/)\s*(\d{4})")
_FOUR = re.compile(r"\d{4}")


def _years(raw: Sequence[tuple[Read, list[Field]]], problems: list[Problem]) -> None:
    """A year field biber cannot read as a year (a warning naming what to write), and the
    first one below 0 (a note on how it is read: one a library, as one is enough)."""
    negative: list[tuple[Read, int, int]] = []
    for read, fields in raw:
        year = read.fields.get("year")
        if year is None:
            continue
        line = next(f.line for f in reversed(fields) if f.name == "year")
        label = read.key or f"at line {read.line}"
        value = year.strip()
        if YEAR_FIELD.fullmatch(value):
            if int(value) < 0:
                negative.append((read, line, int(value)))
            continue
        problems.append(Problem(read.path, line, label,
                                f"year field '{value}' is not an integer (biber warns and "
                                "cannot sort it as a year)", _instead(value), "S313"))
    if negative:
        read, line, number = negative[0]
        more = len(negative) - 1
        others = f" (and {more} other year{'s' if more > 1 else ''} below 0, read the same " \
                 "way)" if more else ""
        meant = -number  # what a historian writing '-50' means: 50 BC, ISO's -49
        problems.append(Problem(
            read.path, line, read.key or f"at line {read.line}",
            f"year = {{{number}}} is read as biber and ISO 8601 read it, {_bc(number)}{others}",
            f"if {meant} BC is meant, write year = {{{1 - meant}}} or date = "
            f"{{{_iso(1 - meant)}}} (ISO: year 0 is 1 BC, -1 is 2 BC)", "S314", NOTE))


def _dates(raw: Sequence[tuple[Read, list[Field]]], problems: list[Problem]) -> None:
    """A date of the right form that names no date ('2024-02-30', month = {13}): biber
    ignores it with a warning and so would a reader; every export keeps what of it exists
    (``calendar.real_part``), the same in each, and says so in its notes. A date of no
    date's form ('c. 1953', '1.1.1892') biber ignores too: said with what to write."""
    for read, fields in raw:
        label = read.key or f"at line {read.line}"
        for name in (*DATE_FIELDS, "month"):
            value = read.fields.get(name, "").strip()
            found = no_month(value) if name == "month" else real_part(value)
            if found is None and (name == "month" or not value or bib_date(value, real=False)):
                continue
            line = next(f.line for f in reversed(fields) if f.name == name)
            if found is None:
                problems.append(_no_date(read, name, value, line))
                continue
            kept, why = found
            problems.append(Problem(
                read.path, line, label, f"{name} '{value}' is no "
                + (f"month ({why})" if name == "month" else f"real date ({why})"),
                (f"the exports keep {kept}, the part that is" if kept else
                 "the exports leave it out") + f": fix the {name} (annotator bib add "
                "--replace)", "S316"))


# how people write a date that is no EDTF date, and the EDTF date they mean
_CIRCA = re.compile(r"(?:c\.|ca\.?|circa|about|approx\.?|um)\s*(\d{4})", re.I)
_DOTTED = re.compile(r"(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})")  # 1.1.1892: day.month.year


def _no_date(read: Read, name: str, value: str, line: int) -> Problem:
    """The warning for a date field biber cannot read at all ('c. 1953', '1.1.1892'): what
    biber does (ignores it; 'Invalid format' unless it has unspecified digits of a form it
    lacks, '199X~', which it drops without a word), what the exports write, what to write."""
    silent = "X" in value.split("/")[0]
    biber = "biber ignores it" + ("" if silent else ", warning 'Invalid format'")
    year = _FOUR.search(value)
    if name == "urldate":
        kept = "the .bib exports keep it as written, the CSL-JSON leaves it out"
    elif name != "date":
        kept = "the exports keep it as written"
    elif year:
        kept = f"the exports write its year, {year.group()}"
    else:
        kept = "the exports keep it as written (CSL-JSON: a literal)"
    if m := _CIRCA.fullmatch(value):
        instead = f"{{{m.group(1)}~}} (circa)"
    elif (m := _DOTTED.fullmatch(value)) and real_date(*(int(m.group(i)) for i in (3, 2, 1))):
        instead = f"{{{int(m.group(3)):04d}-{int(m.group(2)):02d}-{int(m.group(1)):02d}}}"
    elif m := _RANGE.fullmatch(value):
        instead = f"{{{m.group(1)}/{m.group(2)}}} (a range)"
    elif m := _BC.fullmatch(value):
        instead = f"{{{_iso(1 - int(m.group(1)))}}} (ISO 8601 counts 1 BC as 0000)"
    else:
        instead = "{YYYY-MM-DD} (or YYYY-MM, YYYY), {1953~} for circa, {1891/1893} for a range"
    return Problem(read.path, line, read.key or f"at line {read.line}",
                   f"{name} '{value}' is no date biber reads ({biber})",
                   f"{kept}: write an EDTF date, {name} = {instead}", "S317")


def no_month(value: str) -> tuple[str, str] | None:
    """For a month field that is a number but no month ('13', '0'): (what is kept: nothing,
    why); None for a month, a name or text (kept as written, as biber keeps it)."""
    if value.isdigit() and not 1 <= int(value) <= 12:
        return "", f"there is no month {int(value)}"
    return None


def _instead(value: str) -> str:
    """What to write for a year field that is no integer, as biblatex reads it: ISO 8601's
    years (year 0 is 1 BC, so 50 BC is -49; entries.historical_year counts back)."""
    if m := _BC.fullmatch(value):
        bc = int(m.group(1))
        return (f"write year = {{{1 - bc}}} or date = {{{_iso(1 - bc)}}} (biber counts years "
                f"as ISO 8601: {1 - bc} is {bc} BC)")
    if m := _AD.fullmatch(value):
        return f"write year = {{{int(m.group(1) or m.group(2))}}}"
    if m := _RANGE.fullmatch(value):
        return f"write the range as date = {{{m.group(1)}/{m.group(2)}}}"
    if m := _FOUR.search(value):
        return (f"write the year alone, year = {{{m.group()}}}, or an uncertain one as a date: "
                f"date = {{{m.group()}~}} (circa) or {{{m.group()}?}}")
    return "write the year as an integer, year = {1891}, or a date, date = {1891-03-12}"


def _iso(year: int) -> str:
    """A year as ISO 8601 (and biblatex's date field) writes it: '-0049', '0000', '0830'."""
    return f"-{-year:04d}" if year < 0 else f"{year:04d}"


def _bc(year: int) -> str:
    """A year below 1 (ISO's count) as historians say it: -50 is '51 BC'."""
    return f"{1 - year} BC"


# -- crossref ----------------------------------------------------------------------------------
def _inherit(entries: list[Read], problems: list[Problem], stored: Sequence[Read],
             moved: Mapping[str, str]) -> None:
    """biblatex's inheritance: a child takes the fields it lacks from its ``crossref`` parent
    (the parent's title as the child's ``booktitle`` for in*-types, else ``maintitle``), an
    entry of the files or a ``stored`` work (added earlier: the exports write both in one
    file, where biber finds it); a crossref or xref naming neither is a warning. A parent
    folded by hand (``moved``) is the work kept: the child inherits from it, not from the
    folded entry as the file says it now."""
    by_key = {e.key.lower(): e for e in stored if e.key.lower() not in
              {k.key.lower() for k in entries}}
    by_key.update((e.key.lower(), e) for e in entries if e.key)

    def nowhere(key: str, entry: Read) -> bool:
        return by_key.get(key.lower(), entry) is entry

    for entry in entries:
        label = entry.key or f"at line {entry.line}"
        for key in _xref_keys(entry):  # biber: 'I didn't find a database entry for xref'
            if nowhere(key, entry):
                problems.append(Problem(entry.path, entry.line, label,
                                        f"xref to no entry '{key}'",
                                        "kept (the .bib exports leave it out): add the entry "
                                        "it names, with this file or before it", "S307"))
        ref = entry.fields.get("crossref")
        if ref is None:
            continue
        parent = by_key.get(moved.get(ref.lower(), ref).lower())
        if parent is None or parent is entry:
            problems.append(Problem(entry.path, entry.line, label,
                                    f"crossref to no entry '{ref}'",
                                    "kept, nothing inherited (the .bib exports leave it "
                                    "out): add the parent entry, with this file or before it",
                                    "S307"))
            continue
        for name, value in inherited(entry.type, parent.type, parent.fields).items():
            entry.fields.setdefault(name, value)


def inherited(child: str, parent: str, fields: Mapping[str, str]) -> dict[str, str]:
    """The fields a child of type ``child`` would take from a ``crossref`` parent of type
    ``parent`` with these ``fields``, under the child's names (biblatex's inheritance)."""
    known = FIELDS.get(child, FIELDS["misc"]) | LEGACY
    # biblatex: a multi-volume parent's title is the main title, another's the book title
    # of an in*-child, else the main title
    book = child.startswith("in") and not parent.startswith("mv")
    out: dict[str, str] = {}
    for name, value in fields.items():
        target = name
        if name in ("title", "subtitle", "titleaddon"):
            target = ("book" if book else "main") + name
        # what biblatex would inherit, not the parent's own bookkeeping (ids, sets) or
        # fields its data model lacks (biber would not pass them on either)
        # the data model lists a date by its parts (``date``: ``year``...), as ``defined``
        # in the export reads it: without it a child would lose the parent's date
        dated = target.endswith("date") and f"{target[:-4]}year" in known
        if (target in known or dated) and target not in NOT_INHERITED:
            out.setdefault(target, value)
    return out


def _xref_keys(entry: Read) -> list[str]:
    """The keys an ``xref`` names (comma-separated, as the exports read it)."""
    return [k.strip() for k in entry.fields.get("xref", "").split(",") if k.strip()]
