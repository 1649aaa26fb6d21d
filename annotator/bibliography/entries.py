"""The bibliography: the works a claim can be linked to, each under a stable citation key.

Reads BibTeX/BibLaTeX with bibtexparser 2.x through a small parse stack of our own (string
macros with ``#`` concatenation, month macros, LaTeX decoded to UTF-8, crossref inherited), and
TEI ``bibl``/``biblStruct`` elements. A .bib file is checked whole before anything is kept: a
duplicate key, an entry without a type, unbalanced braces or an undefined macro is a
``SourceError`` naming the file, the line and the entry, and none of the file is added.

Keys: the key written in the .bib; otherwise author surname + year + first title word
(``nekrich1997pariahs``), with ``a``, ``b``, ... appended on a clash. The store keeps a key once
assigned; nothing here renames one.

DOCS: docs/claims.md#bibliography
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.middlewares.middleware import BlockMiddleware, LibraryMiddleware
from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry

from annotator.errors import Location, SourceError
from annotator.files import read_named
from annotator.records import BibEntry
from annotator.tei.parse import TEI_NS, XML_ID, element_text, source_line

if TYPE_CHECKING:
    from lxml import etree

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")
# Fields kept verbatim: LaTeX decoding would mangle '~', '_' or '%' in them.
VERBATIM = frozenset({"url", "doi", "eprint", "file", "urlraw", "verba", "verbb", "verbc",
                      "pdf", "isbn", "issn"})
# Entry types BibLaTeX and BibTeX know; others are kept but logged by nobody: types are free.
_KEY_OK = re.compile(r"^[^\s,{}()=#%\"'\\~]+$")
_STOP = frozenset({"a", "an", "the", "on", "of", "in", "and", "for", "to", "at", "by", "from",
                   "with", "der", "die", "das", "le", "la", "les", "un", "une", "el", "los"})
_ERRORS = "annotator_errors"


# -- parse stack ------------------------------------------------------------------------------
def _split_concat(value: str) -> list[str]:
    """Split a raw field value on top-level '#' (outside braces and quotes)."""
    parts, depth, quoted, cur = [], 0, False, []
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            cur.append(value[i:i + 2])
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == '"' and depth == 0:
            quoted = not quoted
        elif ch == "#" and depth == 0 and not quoted:
            parts.append("".join(cur).strip())
            cur = []
            i += 1
            continue
        cur.append(ch)
        i += 1
    parts.append("".join(cur).strip())
    return parts


def _balanced(text: str) -> bool:
    depth = 0
    for m in re.finditer(r"(?<!\\)[{}]", text):
        depth += 1 if m.group() == "{" else -1
        if depth < 0:
            return False
    return depth == 0


def _resolve(value: str, macros: dict[str, str], *, month: bool = False) -> tuple[str, str]:
    """A raw value with its delimiters, macros and concatenations resolved; (value, error)."""
    out = []
    for part in _split_concat(value):
        if len(part) >= 2 and ((part[0] == "{" and part[-1] == "}")
                               or (part[0] == '"' and part[-1] == '"')):
            out.append(part[1:-1])
        elif part.isdigit():
            out.append(part)
        elif part.lower() in macros:
            out.append(macros[part.lower()])
        elif part.lower() in MONTHS:
            out.append(str(MONTHS.index(part.lower()) + 1) if month else part.capitalize())
        elif not part:
            return "", "empty part in a '#' concatenation"
        else:
            return "", f"undefined @string macro '{part}'"
    return "".join(out), ""


class ResolveMacros(LibraryMiddleware):
    """@string macros (later definitions win, case-insensitive), '#' and month macros."""

    @classmethod
    def metadata_key(cls) -> str:
        return "annotator_macros"

    def transform(self, library: Library) -> Library:
        macros: dict[str, str] = {}
        for s in library.strings:
            value, err = _resolve(s.value, macros)
            if not err:
                macros[s.key.lower()] = value
        for entry in library.entries:
            errors = entry.parser_metadata.setdefault(_ERRORS, [])
            for f in entry.fields:
                if not isinstance(f.value, str):
                    continue
                value, err = _resolve(f.value, macros, month=f.key.lower() == "month")
                if err:
                    errors.append((f.start_line, f"field '{f.key}': {err}",
                                   "define it with @string or put the value in braces"))
                elif not _balanced(value):
                    errors.append((f.start_line, f"field '{f.key}': unbalanced braces",
                                   "close every '{' with '}'"))
                f.value = value
        return library


class NormaliseMonth(BlockMiddleware):
    """``month = {November}`` or ``nov`` -> ``11``, as BibLaTeX wants it."""

    @classmethod
    def metadata_key(cls) -> str:
        return "annotator_month"

    def transform_entry(self, entry: Entry, library: Library) -> Entry:
        f = entry.fields_dict.get("month")
        if f is not None and isinstance(f.value, str):
            v = f.value.strip().lower().rstrip(".")
            if v in _MONTH_NAMES:
                f.value = str(_MONTH_NAMES.index(v) + 1)
            elif v[:3] in MONTHS and len(v) <= 4:
                f.value = str(MONTHS.index(v[:3]) + 1)
        return entry


class DecodeLatex(BlockMiddleware):
    """LaTeX accents and commands -> UTF-8 (pylatexenc), except in verbatim fields (url, doi)."""

    def __init__(self) -> None:
        super().__init__(allow_inplace_modification=True)
        from pylatexenc.latex2text import LatexNodes2Text

        self._decoder = LatexNodes2Text(math_mode="verbatim", keep_braced_groups=False)

    @classmethod
    def metadata_key(cls) -> str:
        return "annotator_latex"

    def transform_entry(self, entry: Entry, library: Library) -> Entry:
        for f in entry.fields:
            if isinstance(f.value, str) and f.key.lower() not in VERBATIM and \
                    re.search(r"[\\{}$~-]", f.value):
                f.value = " ".join(self._decoder.latex_to_text(f.value).split())
        return entry


class ResolveCrossref(LibraryMiddleware):
    """BibLaTeX inheritance: a child takes the fields it lacks from its ``crossref`` parent.

    The parent's title becomes the child's ``booktitle`` (in*-types) or ``maintitle``; other
    fields are copied as they are.
    """

    @classmethod
    def metadata_key(cls) -> str:
        return "annotator_crossref"

    def transform(self, library: Library) -> Library:
        by_key = {e.key.lower(): e for e in library.entries}
        for entry in library.entries:
            ref = entry.fields_dict.get("crossref")
            if ref is None:
                continue
            parent = by_key.get(str(ref.value).lower())
            if parent is None or parent is entry:
                entry.parser_metadata.setdefault(_ERRORS, []).append(
                    (ref.start_line, f"crossref to unknown entry '{ref.value}'",
                     "add the parent entry to the same file or remove the crossref"))
                continue
            have = {k.lower() for k in entry.fields_dict}
            for key, value in parent.items():
                if key in ("ENTRYTYPE", "ID", "crossref"):
                    continue
                target = key
                if key == "title":
                    target = "booktitle" if entry.entry_type.lower().startswith("in") \
                        else "maintitle"
                if target not in have:
                    entry[target] = value
                    have.add(target)
        return library


def parse_stack() -> list[Any]:
    """The middlewares every .bib goes through, in order."""
    return [ResolveMacros(), ResolveCrossref(), NormaliseMonth(), DecodeLatex()]


# -- reading .bib files -----------------------------------------------------------------------
def read_bib(path: str | Path, *, origin: str | None = None,
             known: Iterable[BibEntry] = ()) -> list[BibEntry]:
    """Every entry of a .bib file, or a ``SourceError`` for the first fault (nothing partial).

    ``known``: the entries already in the store; a generated key does not clash with their
    keys, and an entry without a key that describes a known work gets that work's key back.
    """
    p = Path(path)
    data = read_named(p, code="S301")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise SourceError("not UTF-8", hint="save the .bib file as UTF-8",
                          location=Location(p, line), code="S301") from None
    return parse_bib(text, path=p, origin=origin or str(p), known=known)


def parse_bib(text: str, *, path: str | Path, origin: str,
              known: Iterable[BibEntry] = ()) -> list[BibEntry]:
    """Parse BibTeX text (see ``read_bib``); ``path`` names the file in messages."""
    # bibtexparser logs each aborted block as a warning; we report it ourselves, once.
    bt_log = logging.getLogger("bibtexparser.splitter")
    old, bt_log.disabled = bt_log.disabled, True
    try:
        library = bibtexparser.parse_string(text, parse_stack=parse_stack())
    finally:
        bt_log.disabled = old
    problems: list[tuple[int, str, str]] = []  # (line, message, hint)
    for block in library.failed_blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            first = (block.previous_block.start_line or 0) + 1
            problems.append((line, f"entry '{block.key}': duplicate key (first used at line "
                                   f"{first})", "give one of the two entries another key"))
        elif isinstance(block, DuplicateFieldKeyBlock):
            entry = block.ignore_error_block  # the Entry holding the duplicate fields
            key = entry.key if isinstance(entry, Entry) else "?"
            names = ", ".join(sorted(block.duplicate_keys))
            problems.append((line, f"entry '{key}': field {names} given twice",
                             "keep one of them"))
        else:
            key = _raw_key(block.raw or "")
            reason = getattr(block.error, "abort_reason", "") or str(block.error)
            what = "unbalanced braces or quotes" if not _balanced(block.raw or "") else \
                "cannot be read"
            reason = " ".join(reason.split())
            problems.append((line, f"entry '{key}': {what} ({reason})" if reason else
                             f"entry '{key}': {what}",
                             "check the braces, quotes and commas of this entry"))
    entries: list[BibEntry] = []
    known = list(known)
    used = {k.key for k in known}
    in_file = {e.key for e in library.entries if e.key}
    pending: list[tuple[Entry, dict[str, str]]] = []
    for entry in library.entries:
        line = (entry.start_line or 0) + 1
        label = entry.key or f"at line {line}"
        for fline, msg, hint in entry.parser_metadata.get(_ERRORS, []):
            problems.append(((fline or entry.start_line or 0) + 1, f"entry '{label}': {msg}",
                             hint))
        etype = (entry.entry_type or "").strip().lower()
        if not etype:
            problems.append((line, f"entry '{label}': no entry type",
                             f"write the type after '@', e.g. '@book{{{entry.key or 'key'}'"))
            continue
        if entry.key and not _KEY_OK.match(entry.key):
            problems.append((line, f"entry '{entry.key}': the key has characters BibTeX "
                                   "cannot cite", "use letters, digits and - _ : . / only"))
            continue
        fields: dict[str, str] = {}
        for f in entry.fields:
            name = f.key.strip().lower()
            if name in fields:
                problems.append((line, f"entry '{label}': field '{name}' given twice",
                                 "keep one of them"))
            fields[name] = str(f.value).strip()
        pending.append((entry, fields))
    if problems:
        problems.sort()
        line, msg, hint = problems[0]
        more = len(problems) - 1
        if more:
            msg += f" (and {more} more problem{'s' if more > 1 else ''} in this file)"
        raise SourceError(msg, hint=f"{hint}; nothing of the file was added",
                          location=Location(path, line), code=_code(msg))
    if not pending:
        raise SourceError("no entries found", hint="give a BibTeX/BibLaTeX file with @type{key, "
                          "...} entries", location=Location(path), code="S309")
    used |= in_file
    for entry, fields in pending:
        etype = entry.entry_type.strip().lower()
        key = entry.key
        if not key:
            twin = next((k for k in known if k.type == etype and dict(k.fields) == fields), None)
            key = twin.key if twin is not None else make_key(fields, used)
            used.add(key)
        entries.append(BibEntry(key=key, type=etype, fields=tuple(fields.items()),
                                origin=origin, line=(entry.start_line or 0) + 1))
    return entries


def _code(message: str) -> str:
    for needle, code in (("duplicate key", "S302"), ("no entry type", "S304"),
                         ("unbalanced", "S305"), ("cannot be read", "S305"),
                         ("given twice", "S306"), ("crossref", "S307"), ("macro", "S308"),
                         ("concatenation", "S308"), ("key has characters", "S310")):
        if needle in message:
            return code
    return "S300"


def _raw_key(raw: str) -> str:
    m = re.match(r"\s*@\s*\w*\s*[{(]\s*([^,\s{}()=]*)", raw)
    return m.group(1) if m and m.group(1) else "?"


# -- keys -------------------------------------------------------------------------------------
def ascii_fold(text: str) -> str:
    """Lower-case ASCII letters and digits only: 'Uläm' -> 'ulam'."""
    text = text.replace("ß", "ss").replace("ø", "o").replace("Ø", "O").replace("ł", "l")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", text.lower())


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


def surname(name: str) -> str:
    """Family name of a BibTeX name: 'Nekrich, Aleksandr M.' and 'Aleksandr M. Nekrich' ->
    'Nekrich'; 'von Ribbentrop, Joachim' -> 'von Ribbentrop'; '{Wikimedia Foundation}' whole."""
    name = name.strip()
    if name.startswith("{") and name.endswith("}"):
        return name[1:-1].strip()
    if "," in name:
        return name.split(",", 1)[0].strip()
    words = name.split()
    if not words:
        return ""
    # 'Joachim von Ribbentrop': the family name starts at the first lower-case particle.
    for i, w in enumerate(words[:-1]):
        if i > 0 and w[:1].islower():
            return " ".join(words[i:])
    return words[-1]


def forenames(name: str) -> str:
    """What a BibTeX name has besides its ``surname``: 'Nekrich, Aleksandr M.' and
    'Aleksandr M. Nekrich' -> 'Aleksandr M.'; 'Plato' -> ''."""
    name = name.strip()
    if name.startswith("{") and name.endswith("}"):
        return ""
    if "," in name:
        return name.split(",", 1)[1].strip()
    return " ".join(name.split()[:-len(surname(name).split())])


def authors(entry: BibEntry | dict[str, str]) -> list[str]:
    """The entry's author names, else its editors'."""
    get = entry.get
    value = get("author", "") or get("editor", "")
    return split_names(value) if value else []


def year_of(entry: BibEntry | dict[str, str]) -> str:
    for name in ("year", "date"):
        m = re.search(r"\d{4}", entry.get(name, "") or "")
        if m:
            return m.group()
    return ""


def make_key(fields: dict[str, str] | BibEntry, taken: Iterable[str]) -> str:
    """A citation key from author surname, year and the first title word, unique in ``taken``.

    With no author or editor the first three title words stand in for the name.
    """
    get = fields.get
    names = authors(fields)
    words = [w for w in (ascii_fold(t) for t in re.split(r"[\s\-–—:/]+", get("title", "") or ""))
             if w and w not in _STOP]
    if names:
        base = ascii_fold(surname(names[0])) + year_of(fields) + (words[0] if words else "")
    else:
        base = "".join(words[:3]) + year_of(fields)
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


def _person(el: etree._Element) -> str:
    """A TEI author/editor as a BibTeX name: 'Surname, Forenames' where the parts are marked."""
    sur = el.find(f".//{_T}surname")
    if sur is not None:
        fores = [element_text(f) for f in el.iter(f"{_T}forename")]
        return f"{element_text(sur)}, {' '.join(fores)}".rstrip(", ")
    org = el.find(f".//{_T}orgName")
    if org is not None:
        return "{" + element_text(org) + "}"
    return element_text(el)


def _names(parent: etree._Element, tag: str) -> str:
    return " and ".join(n for n in (_person(e) for e in parent.findall(f"{_T}{tag}")) if n)


# <date type="..."> (or <note type="..."><date/></note>) saying when a web page was read
_ACCESS = frozenset({"accessed", "access", "retrieved", "urldate"})


def _accessed(d: etree._Element) -> bool:
    parent = d.getparent()
    note = parent.get("type") if parent is not None and parent.tag == f"{_T}note" else None
    return any((t or "").lower() in _ACCESS for t in (d.get("type"), note))


def _date(parent: etree._Element, *, accessed: bool = False) -> str:
    """The first date of the work (or, with ``accessed``, of the reading) under ``parent``."""
    d = next((d for d in parent.iter(f"{_T}date") if _accessed(d) == accessed), None)
    if d is None:
        return ""
    for attr in ("when", "notBefore", "from"):
        if d.get(attr):
            return d.get(attr, "")
    return element_text(d)


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
        f["title"] = element_text(main.find(f"{_T}title"))
        if analytic is not None and monogr is not None:
            mtitle = monogr.find(f"{_T}title")
            level = mtitle.get("level", "m") if mtitle is not None else "m"
            f["journaltitle" if level == "j" else "booktitle"] = element_text(mtitle)
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
                f["title"] = element_text(t)
            elif level == "j":
                f["journaltitle"] = element_text(t)
            elif level in ("m", "s"):
                f["booktitle" if etype != "book" else "title"] = element_text(t)
        if "title" not in f and titles:
            f["title"] = element_text(titles[0])
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
    m = re.match(r"\d{4}", f.get("date") or (f["urldate"] if etype == "online" else ""))
    if m:
        f["year"] = m.group()
    return etype, {k: v for k, v in f.items() if v}


def tei_entries(root: etree._Element, *, source_id: str, title: str,
                taken: Iterable[str]) -> list[BibEntry]:
    """The works a TEI source names in its text (``listBibl``, ``bibl``, ``biblStruct``), and
    the source itself as a citable work (first, from ``sourceDesc`` and ``titleStmt``).

    A ``bibl`` inside another ``bibl``/``biblStruct`` is part of it, not a work of its own.
    ``xml:id`` is the key where there is one.
    """
    used = {k.lower() for k in taken}
    out: list[BibEntry] = []
    origin = f"source:{source_id}"

    def add(etype: str, fields: dict[str, str], line: int | None, xml_id: str | None) -> None:
        # the key names the work: the year of access standing in for its date is no part of it
        own = {k: v for k, v in fields.items() if k != "year" or "date" in fields}
        key = xml_id if xml_id and _KEY_OK.match(xml_id) and xml_id.lower() not in used \
            else make_key(own, used)
        used.add(key.lower())
        out.append(BibEntry(key=key, type=etype, fields=tuple(fields.items()), origin=origin,
                            line=line))

    header = root.find(f"{_T}teiHeader")
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
        stmt = header.find(f".//{_T}titleStmt")
        if stmt is not None:
            fields.setdefault("author", _names(stmt, "author"))
            fields.setdefault("editor", _names(stmt, "editor"))
        if not fields.get("title"):
            fields["title"] = title
        fields = {k: v for k, v in fields.items() if v}
        if fields.get("title"):
            add(etype, fields, source_line(work if work is not None else header), None)
    for el in root.iter(f"{_T}bibl", f"{_T}biblStruct"):
        if _inside(el, header) or _nested(el):
            continue
        etype, fields = tei_fields(el)
        if not fields.get("title") and not fields.get("author"):
            continue
        add(etype, fields, source_line(el), el.get(XML_ID))
    return out


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


def same_work(a: BibEntry, b: BibEntry) -> bool:
    """Whether two entries describe the same work the same way (re-adding is then a no-op)."""
    return a.type == b.type and dict(a.fields) == dict(b.fields)


def author_keys(entry: BibEntry) -> set[str]:
    """Folded surnames of the entry's authors and editors, for matching an agent's name."""
    out = set()
    for field in ("author", "editor", "translator"):
        for n in split_names(entry.get(field)):
            s = ascii_fold(surname(n).split()[-1] if surname(n) else "")
            if s:
                out.add(s)
    return out
