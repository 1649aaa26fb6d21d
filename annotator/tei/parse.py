"""The one place XML is parsed: safe settings, clear errors, the source's hash.

Entity resolution, DTD loading and the network are off; documents with an internal DTD subset
are refused because entity declarations are how XXE and entity bombs get in, and because a
declared entity could not be mapped back to the file's characters.

A source is read in the encoding it is in (XML 1.0 appendix F: its byte-order mark, else the
encoding its declaration names, else UTF-8) and kept as its own bytes; everything downstream
works on the decoded characters, and an export encodes them back in the file's encoding, so the
characters between insertions are the file's own bytes. lxml parses the characters (as UTF-8,
whatever the file declares), so its tree and the reading text can never disagree about them.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from itertools import islice
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from annotator.errors import Location, SourceError
from annotator.text import line_col

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
# Elements of att.canonical that name who made or answers for a work, a person in practice:
# with @ref/@key the edition identified them (<author ref="pmb2121">Schnitzler, Arthur</author>).
# funder, sponsor, publisher are left out: they name bodies.
RESPONSIBLE = ("author", "editor", "docAuthor", "principal", "actor")
MAX_SOURCE_BYTES = 64 * 1024 * 1024
# a DOCTYPE with an internal subset; quoted ids read whole (a '>' in one does not end it)
_INTERNAL_SUBSET = re.compile(r"<!DOCTYPE(?:[^>\[\"']|\"[^\"]*\"|'[^']*')*\[")
_NEWLINE = re.compile(r"\n")


def _parser(encoding: str | None = None) -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           # huge_tree: text nodes over 10 MB (a long transcription in one
                           # <p>); entity bombs are refused before parsing (_INTERNAL_SUBSET)
                           dtd_validation=False, huge_tree=True, remove_blank_text=False,
                           remove_comments=False, remove_pis=False, strip_cdata=True,
                           encoding=encoding)


@dataclass(frozen=True, slots=True)
class ParsedSource:
    """A TEI source as read: its exact bytes, decoded text, hash, lxml tree and encoding (a
    Python codec name; ``encode(text) == data``)."""

    path: Path
    data: bytes
    text: str
    sha256: str
    root: etree._Element
    encoding: str = "utf-8"

    def encode(self, text: str) -> bytes:
        """``text`` (the source's characters with markup inserted) in the file's encoding; an
        inserted character the encoding cannot hold (a name in ISO-8859-1) becomes a character
        reference, which is the same character to every XML reader."""
        return encoded(text, self.encoding)


def encoded(text: str, codec: str) -> bytes:
    """``ParsedSource.encode`` of a file whose codec is known without its tree."""
    return text.encode(codec, "xmlcharrefreplace")


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


_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"),
         (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
# without a byte-order mark: how '<' starts a file in a wide encoding (XML appendix F)
_WIDE = tuple((re.compile(head), codec) for head, codec in (
    (rb"<\x00\x00\x00", "utf-32-le"), (rb"\x00\x00\x00<", "utf-32-be"),
    (rb"<\x00[^\x00]\x00", "utf-16-le"), (rb"\x00<\x00[^\x00]", "utf-16-be")))
_DECLARED = re.compile(r"""\A\ufeff?<\?xml\s[^>]*?\bencoding\s*=\s*(["'])([A-Za-z][\w.:-]*)\1""")
_UTF8_HINT = "save the file as UTF-8"
_DECLARE_HINT = f"{_UTF8_HINT}, or name its encoding in the XML declaration"


def _bom(data: bytes) -> tuple[bytes, str] | None:
    return next(((bom, codec) for bom, codec in _BOMS if data.startswith(bom)), None)


def _wide(codec: str) -> str | None:
    """'UTF-16' or 'UTF-32' for a codec of either (any byte order), else None."""
    return codec[:6].upper() if codec.startswith(("utf-16", "utf-32")) else None


def decode_utf8(data: bytes, path: Path, *, hint: str = _UTF8_HINT) -> str:
    """Decode UTF-8 or say exactly where the first bad byte is (or which encoding its
    byte-order mark names: for files that must be UTF-8, such as TOML)."""
    bom = _bom(data)
    if bom is not None and bom[1] != "utf-8":
        name = _wide(bom[1])
        raise SourceError(f"the file is {name} (its byte-order mark says so), not UTF-8",
                          hint=f"convert it (iconv -f {name} -t UTF-8 {path.name} > "
                               f"new{path.suffix})",
                          location=Location(path, 1, 1), code="S022")
    return _utf8(data, path, hint)


def _utf8(data: bytes, path: Path, hint: str) -> str:
    """``decode_utf8`` of bytes known to have no other encoding's byte-order mark."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SourceError(f"byte 0x{data[exc.start]:02x} is not UTF-8", hint=hint,
                          location=Location(path, line, col), code="S009") from None


def decode_text(data: bytes, path: Path) -> str:
    """A plain text or Markdown file's characters: UTF-8, or UTF-16/UTF-32 when a byte-order
    mark says so (what Windows Notepad saves as "Unicode"); the mark is not text. Without a
    mark nothing is guessed: UTF-8 or a refusal at the first bad byte."""
    bom = _bom(data)
    if bom is not None and bom[1] != "utf-8":
        return _decode(data[len(bom[0]):], bom[1], path)
    head = data[:4096]
    if head.count(0) * 4 >= len(head):  # every other byte NUL: UTF-16 text, its mark lost
        raise SourceError("the file looks like UTF-16 without a byte-order mark",
                          hint="save it as UTF-8 (or as UTF-16 with its byte-order mark)",
                          location=Location(path, 1, 1), code="S021")
    return decode_utf8(data, path).removeprefix("\ufeff")


def _decode(data: bytes, codec: str, path: Path, name: str | None = None) -> str:
    name = name or _wide(codec) or codec
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        before = data[:exc.start].decode(codec, "replace")
        line, col = line_col(before, len(before))
        raise SourceError(f"bytes {data[exc.start:exc.end][:4].hex(' ')} are not {name}",
                          hint=f"save the file as {name} throughout, or as UTF-8",
                          location=Location(path, line, col), code="S009") from None


def _codec(declared: str, path: Path) -> str:
    try:
        return codecs.lookup(declared).name
    except LookupError:
        raise SourceError(f"encoding {declared} (named in the XML declaration) is not known",
                          hint="save the file as UTF-8, or name its encoding as IANA does",
                          location=Location(path, 1, 1), code="S020") from None


def decode_xml(data: bytes, path: Path) -> tuple[str, str]:
    """An XML file's characters and their codec: the one its byte-order mark names, else (its
    first bytes in a wide encoding, else ASCII) the one its declaration names, else UTF-8.

    A file whose characters would not encode back to exactly its bytes is refused: sources are
    kept byte for byte, and so is every character an export does not insert."""
    if data[:1] == b"<" and data[1:2] != b"\x00":  # no byte-order mark starts so, nor a
        bom = codec = None  # wide encoding's '<': most files, told without looking for them
    else:
        bom = _bom(data)
        codec = bom[1] if bom else next((c for head, c in _WIDE if head.match(data)), None)
    if codec is None:  # ASCII-compatible: a declaration is readable as ASCII
        found = _DECLARED.match(data[:512].decode("latin-1"))
        if found is None or _codec(found.group(2), path) == "utf-8":
            return _utf8(data, path, _DECLARE_HINT), "utf-8"
        declared, codec = found.group(2), _codec(found.group(2), path)
        if _wide(codec) or data[:found.end()].decode(codec, "replace") != found.group(0):
            raise SourceError(f"the XML declaration names {declared}, but the declaration "
                              f"itself is not written in {declared}",
                              hint=f"save the file as {declared} (UTF-16 with its byte-order "
                                   "mark), or name the encoding it is in",
                              location=Location(path, 1, 1), code="S011")
        name = declared
    else:
        found = _DECLARED.match(data[:1024].decode(codec, "replace"))
        name = _wide(codec) or "UTF-8"
        if found is None and bom is None:  # XML allows this only with a declaration
            raise SourceError(f"the file looks like {name} without a byte-order mark or an XML "
                              "declaration naming it", hint=f"save it as {name} with its "
                              "byte-order mark, or as UTF-8", location=Location(path, 1, 1),
                              code="S021")
        if found is not None and (_wide(_codec(found.group(2), path)) or "UTF-8") != name:
            why = "its byte-order mark" if bom else "its first bytes"
            raise SourceError(f"the XML declaration names {found.group(2)}, but the file is "
                              f"{name} ({why} say so)", hint=f"name {name} in the declaration",
                              location=Location(path, 1, 1), code="S011")
        if codec == "utf-8":
            return decode_utf8(data, path), codec
    text = _decode(data, codec, path, name)
    if text.encode(codec) != data:  # a legacy codec with two byte sequences for one character
        raise SourceError(f"the file's {name} does not encode back to the same bytes",
                          hint=f"{_UTF8_HINT} (annotator keeps sources byte for byte)",
                          location=Location(path, 1, 1), code="S023")
    return text, codec


def parse_xml(data: bytes, path: Path,
              decoded: tuple[str, str] | None = None) -> etree._Element:
    """Parse XML bytes with the safe parser; ``decoded``: their characters and codec, when
    ``decode_xml`` gave them already. Syntax errors carry the parser's line and column."""
    text, codec = decode_xml(data, path) if decoded is None else decoded
    subset = _INTERNAL_SUBSET.search(text, 0, 65536)  # before lxml reads any declaration
    if subset is not None:
        raise _subset_error(text, path, subset.start())
    try:
        if codec == "utf-8":
            root = etree.fromstring(data, _parser())
        else:  # lxml reads the characters decoded here: its tree is of exactly them
            root = etree.fromstring(text.encode("utf-8"), _parser("utf-8"))
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (None, None)
        msg = exc.msg.split(", line ")[0] if exc.msg else "not well-formed XML"
        raise SourceError(f"XML is not well-formed: {msg}",
                          hint="fix the markup, then run the command again",
                          location=Location(path, line, col), code="S005") from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None:  # any DOCTYPE; refused only with a subset, before the root's line ends
        line_end = next(islice(_NEWLINE.finditer(text), (source_line(root) or 1) - 1, None), None)
        subset = _INTERNAL_SUBSET.search(text, 0, line_end.start() if line_end else len(text))
        # lxml-stubs leave out DTD.iterentities; lxml has it (entities declared in the subset)
        if subset is not None or any(True for _ in dtd.iterentities()):  # type: ignore[union-attr]
            raise _subset_error(text, path, subset.start() if subset is not None else 0)
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
                              code="S019")
    return root


def _subset_error(text: str, path: Path, start: int) -> SourceError:
    line, col = line_col(text, start)
    return SourceError("document declares a DTD internal subset (entity declarations are not "
                       "accepted, for safety)",
                       hint="remove the <!DOCTYPE [...]> block and use character references",
                       location=Location(path, line, col), code="S006")


def parse_source(path: str | Path, data: bytes | None = None) -> ParsedSource:
    """Read and parse a TEI file; refuse XML that is not TEI."""
    p = Path(path)
    if data is None:
        data = read_source_bytes(p)
    text, codec = decode_xml(data, p)
    root = parse_xml(data, p, (text, codec))
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
    return ParsedSource(path=p, data=data, text=text, sha256=sha256_hex(data), root=root,
                        encoding=codec)


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

