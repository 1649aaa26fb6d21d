"""Checking a TEI file against a RELAX NG schema, with findings an editor can jump to.

The schema is the editor's choice (``--schema tei_all.rng``, a project ODD's .rng), or the
local one named by the file's ``<?xml-model href="...rng"?>``. It is compiled once per process
and path (tei_all takes seconds), so validating many files costs one compile. Every finding is
``file:line:col: message``; a file that is not well-formed is one finding too (it cannot be
valid). A missing or broken schema is a usage error (``SourceError`` E01x), not a finding.

DOCS: docs/export.md#validate
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from annotator.errors import Location, SourceError
from annotator.records import Finding, Validation
from annotator.tei.parse import parse_xml, read_source_bytes

_SCHEMAS: dict[tuple[str, int, int], etree.RelaxNG] = {}
_XML_MODEL = re.compile(rb"<\?xml-model\s[^>]*?href=([\"'])([^\"']+)\1[^>]*\?>")


def compile_schema(path: str | Path) -> etree.RelaxNG:
    """The compiled RELAX NG schema at ``path`` (cached while the file is unchanged)."""
    p = Path(path)
    try:
        st = p.resolve().stat()
    except OSError:
        raise SourceError("schema not found", hint="give the path of a RELAX NG .rng file",
                          location=Location(p), code="E011") from None
    key = (str(p.resolve()), st.st_mtime_ns, st.st_size)
    if key not in _SCHEMAS:
        root = parse_xml(read_source_bytes(p, max_bytes=256 * 1024 * 1024), p)
        tree = root.getroottree()
        tree.docinfo.URL = str(p.resolve())  # so <include href> resolves beside the schema
        try:
            _SCHEMAS[key] = etree.RelaxNG(tree)
        except etree.RelaxNGParseError as exc:
            first = exc.error_log[0] if len(exc.error_log) else None
            raise SourceError(f"not a usable RELAX NG schema ({first.message if first else exc})",
                              hint="give the XML syntax .rng (not .rnc) of the schema",
                              location=Location(p, first.line if first and first.line > 0
                                                else None),  # libxml2 says -1 for no line
                              code="E012") from None
    return _SCHEMAS[key]


def schema_of(path: Path, data: bytes) -> Path | None:
    """The local .rng a file names in ``<?xml-model href=...?>``, if there is one on disk."""
    for m in _XML_MODEL.finditer(data[:8192]):
        href = m.group(2).decode("utf-8", "replace")
        if "://" in href or not href.endswith(".rng"):
            continue
        candidate = (path.parent / href).resolve()
        if candidate.is_file():
            return candidate
    return None


def validate(path: str | Path, schema: str | Path | None = None) -> Validation:
    """Validate one file; returns its findings (none: valid)."""
    p = Path(path)
    data = read_source_bytes(p)
    rng = Path(schema) if schema is not None else schema_of(p, data)
    if rng is None:
        raise SourceError("no schema to validate against",
                          hint="give one with --schema (for TEI: tei_all.rng)",
                          location=Location(p), code="E010")
    compiled = compile_schema(rng)
    try:
        root = parse_xml(data, p)
    except SourceError as err:
        loc = err.location
        finding = Finding(path=str(p), line=loc.line if loc else None,
                          col=loc.col if loc else None, message=err.message)
        return Validation(path=str(p), schema=str(rng), findings=(finding,))
    compiled.validate(root.getroottree())
    findings = tuple(Finding(path=str(p), line=e.line or None, col=e.column or None,
                             message=e.message) for e in compiled.error_log)
    return Validation(path=str(p), schema=str(rng), findings=findings)
