"""Whether a TEI file's pointers lead somewhere: the ID/IDREF check of a TEI editor.

RELAX NG cannot say that ``ref="#x"`` names an element: tei_all types a pointer as any URI,
and TEI leaves the check to Schematron and to editors (oXygen's and TEI Publisher's ID
checks). Here every value of a pointer attribute (``pointer_table``: ``@ref``, ``@target``,
``@corresp``, ``@resp``, ``@who``, ``@ana``, ``@facs``...; a list, each part) is read as TEI
reads it: an abbreviated pointer (``psn:p12``) is first expanded by the file's ``prefixDef``;
then, as a URI reference (RFC 3986):

* ``#x`` must name an ``xml:id`` of this file;
* ``other.xml#x``, relative to the file's folder, must name one of that file, when that file
  is there (an export set is one folder); a file that is not there is not checked, only named
  (``elsewhere``): an edition's register kept in another folder;
* a bare id (``ref="pl2373"``, Curious Travellers'), which a URI reader takes for a file
  ``pl2373`` beside the letter, is what its edition means by it: the id of an entry of its
  register. One the file holds as an xml:id resolves, and so does one the ``register.xml``
  beside it holds (an export set's register, where an export's bare ``ref="person-grant"``
  points); the others are ``bare`` (the CLI looks them up in the workspace's register), not
  files;
* an absolute URI (``http://...``, ``urn:``, a prefix without a ``prefixDef``) is not
  checked: that would need the network.

A fragment that is no XML name (``#xpointer(...)``, a media fragment ``#xywh=...``), a pointer
into a file that is not XML (``facs="page1.jpg"``) and a pointer under an ``xml:base`` (which
changes what it is relative to) are not checked either.

DOCS: docs/export.md#validate
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from annotator.errors import SourceError
from annotator.records import Finding
from annotator.tei.parse import TEI_NS, XML_ID, decode_xml, parse_xml, read_source_bytes
from annotator.tei.pointer_table import is_pointer
from annotator.tei.prefixes import Prefixes
from annotator.tei.textmap import MARKUP
from annotator.text import line_col

_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_NAME = re.compile(r"[^\W\d][\w.\-\u00b7]*")  # an NCName, as a fragment that can be an xml:id
_TEI = f"{{{TEI_NS}}}"
_BARE = re.compile(r"[^\W\d][\w\-]*")  # an id with no '#', '.', '/': pl2373, not a file name
# the register an export set keeps beside its files (``export.pointing`` writes it)
REGISTER_FILE = "register.xml"


@dataclass(frozen=True, slots=True)
class Pointers:
    """What the pointer check of one file found: the pointers that lead nowhere, and the
    files its pointers name that are not there to check (sorted, once each)."""

    dangling: tuple[Finding, ...]
    elsewhere: tuple[str, ...]
    # bare ids (``pe1267``) the file does not hold: an edition's register's, no files
    bare: tuple[str, ...] = ()


def check_pointers(path: Path, root: etree._Element, text: str) -> Pointers:
    """The pointers of the parsed file ``path`` (``root``, its characters ``text``) that name
    no element (see the module docstring for what is read and what is left unchecked)."""
    own = path.resolve()
    prefixes = Prefixes.of(root)
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    ids = _xml_ids(elements)
    register = path.parent / REGISTER_FILE
    # the ids of the export set's register beside the file (none when the file is that one)
    beside = (ids_of(register) or frozenset()) if register.resolve() != own else frozenset()
    rebased = any(e.get(_XML_BASE) is not None for e in elements)
    elsewhere: set[str] = set()
    bare: set[str] = set()
    bad: list[tuple[int, str, str, str, str]] = []  # element, attr, value, expanded, where
    for i, el in enumerate(elements):
        tag = str(el.tag)
        if not tag.startswith(_TEI) or rebased and any(
                a.get(_XML_BASE) is not None for a in (el, *el.iterancestors())):
            continue
        for attr, value in el.attrib.items():
            if not is_pointer(tag[len(_TEI):], str(attr)):
                continue
            for part in str(value).split():
                expanded = prefixes.expand(part)
                missing, absent = _missing(expanded, path.parent, own, ids)
                if absent and "#" not in expanded and _BARE.fullmatch(absent):
                    if absent not in ids and absent not in beside:  # one held is meant
                        bare.add(absent)
                elif absent:
                    elsewhere.add(absent)
                elif missing is not None:
                    bad.append((i, str(attr), part, expanded, missing))
    places = attribute_places(text, [(i, attr) for i, attr, *_ in bad]) if bad else {}
    dangling = []
    for i, attr, part, expanded, where in bad:
        line, col = places.get((i, attr), (None, None))
        how = f" ({expanded} by the file's prefixDef)" if expanded != part else ""
        dangling.append(Finding(path=str(path), line=line, col=col,
                                message=f"@{attr} '{part}'{how} names no xml:id in {where}",
                                warning=where == "this file"))
    return Pointers(tuple(dangling), tuple(sorted(elsewhere)), tuple(sorted(bare)))


def _missing(pointer: str, folder: Path, own: Path, ids: frozenset[str]
             ) -> tuple[str | None, str | None]:
    """Where a pointer (expanded) should name an xml:id and does not ("this file", or the
    other file's name), and the file it names if that is not there to check; (None, None)
    for one that resolves or is not checked."""
    if _SCHEME.match(pointer) or pointer.startswith("//"):
        return None, None  # absolute, or a prefix nobody declared: not checked offline
    file, _, frag = pointer.partition("#")
    file = unquote(file.partition("?")[0])
    frag = unquote(frag)
    there: frozenset[str] | None = ids
    if file and (target := (folder / file).resolve()) != own:
        if not target.exists():
            return None, file
        there = ids_of(target)  # None: no XML file (an image), not checked
    if there is None or not frag or not _NAME.fullmatch(frag) or frag in there:
        return None, None
    return (file if file and there is not ids else "this file"), None


def ids_of(path: Path) -> frozenset[str] | None:
    """The xml:ids of the XML file at ``path`` (cached while it is unchanged), None when it
    is not XML (an image a ``@facs`` names) or cannot be read."""
    try:
        st = path.stat()
    except OSError:
        return None
    return _ids(str(path), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=256)
def _ids(path: str, mtime_ns: int, size: int) -> frozenset[str] | None:
    p = Path(path)
    try:
        data = read_source_bytes(p)
        root = parse_xml(data, p, decode_xml(data, p))
    except (SourceError, OSError):
        return None
    return _xml_ids(root.iter())


def _xml_ids(elements: Iterable[etree._Element]) -> frozenset[str]:
    """The xml:ids of ``elements`` (a comment or processing instruction has none)."""
    return frozenset(v for e in elements if (v := e.get(XML_ID)))


def attribute_places(text: str, wanted: list[tuple[int, str]]
                     ) -> dict[tuple[int, str], tuple[int | None, int | None]]:
    """Line and column (from 1) of attributes, each given as (the element's index among the
    file's elements in document order, the attribute's name; "" for the start tag itself):
    the markup scanner finds the element's start tag, the attribute is looked up in it."""
    by_element: dict[int, list[str]] = {}
    for i, attr in wanted:
        by_element.setdefault(i, []).append(attr)
    out: dict[tuple[int, str], tuple[int | None, int | None]] = {}
    n = -1
    for m in MARKUP.finditer(text):
        if m.lastgroup != "start":
            continue
        n += 1
        if n not in by_element:
            continue
        s0, s1 = m.start("start"), m.end("start")
        for attr in by_element[n]:
            a = attr and re.compile(rf"\s((?:[\w.\-]+:)?{re.escape(attr)})\s*=").search(
                text, s0, s1)
            out[(n, attr)] = line_col(text, a.start(1) if a else s0)
    return out
