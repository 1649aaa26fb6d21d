"""The one place XML is parsed: safe settings, clear errors, the source's hash.

Entity resolution, DTD loading and the network are off; documents with an internal DTD subset
are refused because entity declarations are how XXE and entity bombs get in, and because a
declared entity could not be mapped back to the file's characters.
"""

from __future__ import annotations

import hashlib
import re
from itertools import islice
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from annotator.errors import Location, SourceError

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
MAX_SOURCE_BYTES = 64 * 1024 * 1024
# a DOCTYPE with an internal subset; quoted ids read whole (a '>' in one does not end it)
_INTERNAL_SUBSET = re.compile(rb"<!DOCTYPE(?:[^>\[\"']|\"[^\"]*\"|'[^']*')*\[")
_NEWLINE = re.compile(rb"\n")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           # huge_tree: text nodes over 10 MB (a long transcription in one
                           # <p>); entity bombs are refused before parsing (_INTERNAL_SUBSET)
                           dtd_validation=False, huge_tree=True, remove_blank_text=False,
                           remove_comments=False, remove_pis=False, strip_cdata=True)


@dataclass(frozen=True, slots=True)
class ParsedSource:
    """A TEI source as read: its exact bytes, decoded text, hash and lxml tree."""

    path: Path
    data: bytes
    text: str
    sha256: str
    root: etree._Element


def read_source_bytes(path: str | Path, *, max_bytes: int = MAX_SOURCE_BYTES) -> bytes:
    """Read a file an editor named, refusing what cannot be a source before reading it."""
    p = Path(path)
    if not p.exists():
        raise SourceError("file not found", hint="check the path", location=Location(p),
                          code="S001")
    if p.is_dir():
        raise SourceError("is a directory, not a file", hint="give the files inside it",
                          location=Location(p), code="S002")
    size = p.stat().st_size
    if size == 0:
        raise SourceError("file is empty", hint="add a file with text in it",
                          location=Location(p), code="S003")
    if size > max_bytes:
        raise SourceError(f"file is {size / 1048576:.0f} MiB, over the limit of "
                          f"{max_bytes // 1048576} MiB",
                          hint="split it, or raise max_source_mib in annotator.toml",
                          location=Location(p), code="S004")
    try:
        with open(p, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise SourceError(f"cannot read file ({exc.strerror})", hint="check its permissions",
                          location=Location(p), code="S010") from None


_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
         (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


def decode_utf8(data: bytes, path: Path) -> str:
    """Decode UTF-8 or say exactly where the first bad byte is (or which encoding its
    byte-order mark names: legal XML, but sources are kept byte for byte as UTF-8)."""
    name = next((n for bom, n in _BOMS if data.startswith(bom)), None)
    if name is not None:
        raise SourceError(f"the file is {name} (its byte-order mark says so); annotator keeps "
                          "sources as UTF-8", hint=f"convert it (iconv -f {name} -t UTF-8 "
                          f"{path.name} > new{path.suffix}) and name UTF-8 in its XML declaration",
                          location=Location(path, 1, 1), code="S011")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SourceError(f"byte 0x{data[exc.start]:02x} is not UTF-8",
                          hint="save the file as UTF-8", location=Location(path, line, col),
                          code="S009") from None


def parse_xml(data: bytes, path: Path) -> etree._Element:
    """Parse XML bytes with the safe parser; syntax errors carry the parser's line and column."""
    subset = _INTERNAL_SUBSET.search(data, 0, 65536)  # before lxml reads any declaration
    if subset is not None:
        raise _subset_error(data, path, subset.start())
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (None, None)
        msg = exc.msg.split(", line ")[0] if exc.msg else "not well-formed XML"
        raise SourceError(f"XML is not well-formed: {msg}",
                          hint="fix the markup and add it again",
                          location=Location(path, line, col), code="S005") from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None:  # any DOCTYPE; refused only with a subset, before the root's line ends
        line_end = next(islice(_NEWLINE.finditer(data), (source_line(root) or 1) - 1, None), None)
        subset = _INTERNAL_SUBSET.search(data, 0, line_end.start() if line_end else len(data))
        # lxml-stubs leave out DTD.iterentities; lxml has it (entities declared in the subset)
        if subset is not None or any(True for _ in dtd.iterentities()):  # type: ignore[union-attr]
            raise _subset_error(data, path, subset.start() if subset is not None else 0)
        # Without the DTD, an entity it would declare is left in the tree unexpanded: its
        # characters are unknown, so the file's text cannot be read as the editor reads it.
        entity = next(root.iter(etree.Entity), None)
        if entity is not None:
            holder = entity.getparent()
            raise SourceError(f"entity {entity.text} is declared only in the DTD, which annotator "
                              "does not read", hint="write the character itself or a character "
                              "reference (&#160; for &nbsp;)",
                              location=Location(path, source_line(entity) or (
                                  source_line(holder) if holder is not None else None)),
                              code="S006")
    return root


def _subset_error(data: bytes, path: Path, start: int) -> SourceError:
    line = data.count(b"\n", 0, start) + 1
    col = start - (data.rfind(b"\n", 0, start) + 1) + 1
    return SourceError("document declares a DTD internal subset (entity declarations are not "
                       "accepted, for safety)",
                       hint="remove the <!DOCTYPE [...]> block and use character references",
                       location=Location(path, line, col), code="S006")


def parse_source(path: str | Path, data: bytes | None = None) -> ParsedSource:
    """Read and parse a TEI file; refuse XML that is not TEI."""
    p = Path(path)
    if data is None:
        data = read_source_bytes(p)
    text = decode_utf8(data, p)
    root = parse_xml(data, p)
    declared = root.getroottree().docinfo.encoding
    if declared and declared.lower().replace("_", "-") not in ("utf-8", "utf8", "us-ascii", "ascii"):
        raise SourceError(f"encoding {declared} is not supported",
                          hint="save the file as UTF-8", location=Location(p, 1, 1), code="S011")
    qname = etree.QName(root)
    if qname.namespace != TEI_NS or qname.localname not in ("TEI", "teiCorpus"):
        found = f"{{{qname.namespace}}}{qname.localname}" if qname.namespace else qname.localname
        raise SourceError(f"root element is <{found}>, not TEI <TEI xmlns=\"{TEI_NS}\">",
                          hint="add a TEI file, or a .txt/.md file to encode as TEI",
                          location=Location(p, source_line(root), 1), code="S007")
    if root.find(f"{{{TEI_NS}}}text") is None and root.find(f".//{{{TEI_NS}}}text") is None:
        raise SourceError("TEI document has no <text> element",
                          hint="add <text><body>...</body></text>",
                          location=Location(p, source_line(root), 1), code="S008")
    return ParsedSource(path=p, data=data, text=text, sha256=sha256_hex(data), root=root)


def element_text(el: etree._Element | None) -> str:
    """An element's text content, whitespace folded to single spaces ("" for no element)."""
    if el is None:
        return ""
    # lxml-stubs declare itertext() as yielding str | bytes; lxml yields str on Python 3.
    return " ".join("".join(el.itertext()).split())  # type: ignore[arg-type]


def source_line(el: etree._Element) -> int | None:
    """The line of the file an element starts on, for error messages (None when unknown).

    lxml-stubs declare ``sourceline`` without a type (``...``); lxml gives an int or None.
    """
    line: int | None = el.sourceline  # type: ignore[assignment]  # lxml-stubs gap, see above
    return line


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

