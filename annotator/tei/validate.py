"""Checking a TEI file against a RELAX NG schema, with findings an editor can jump to.

The schema is the editor's choice (``--schema``, a project ODD's .rng), else the local one named
by the file's ``<?xml-model href="...rng"?>``, else the official TEI P5 ``tei_all.rng`` kept in
the repository's ``schemas/``. Compiling all of tei_all takes libxml2 about 10 s of CPU, so it
is not done: a file is first checked against the schema *narrowed* to the elements the file
uses: every ``<element name>`` pattern whose name does not occur in the file becomes
``<notAllowed/>`` (through a ``ref``: libxml2 misreads a choice of nothing but ``notAllowed``,
``_narrowed``). That only removes documents from the schema's language and keeps every document
the file could match, so "valid" against the narrowed schema is "valid" against the full one;
it compiles in hundredths of a second. A file that fails it is told its errors by the schema
*hollowed* to its elements (``_hollowed``): each other element pattern keeps its name and holds
``<empty/>``, so the patterns of the file's elements are whole and libxml2 compiles them into
the automata it builds from the full schema, and tells the exact errors it tells there (against
the narrowed one it tells others); that takes about 1 s. All of tei_all is compiled only where
the hollowed schema does not compile, to say why (E012). Each schema has its ``empty``
folded away first, as RELAX NG's simplification does (``_fold_empties``): libxml2 refused
an interleave of empties where it stands beside an element in a choice.
A valid file's pointers must also lead somewhere (``resolve``: ``ref="#x"`` names an xml:id of
the file, ``other.xml#x`` one of that file), which no RELAX NG schema can say; ``#x`` the file
does not hold is a warning (editions keep their registers in other files), not an error,
unless markup an annotator export wrote holds it (``_written_by_annotator``).
Every finding is ``file:line:col: message``; a file that is not well-formed is one finding too.
libxml2 tells only the first bad attribute of an element; the others are found by validating
again without it (``_every_bad_attribute``), and none where the element's content is wrong:
those are found by validating it alone (``_hidden_attributes``). One it lacks libxml2 tells
as the element's "failed to validate attributes", at its child if it has one (``_owned``),
and then none it may not have (``_unknown_beside_missing``).
libxml2 stops reading an element's children at the first it did not expect; the siblings
after it are told by validating a copy again without it (``_after_misplaced``).
A missing or broken schema is a usage error (``SourceError`` E01x), not a finding.

DOCS: docs/export.md#validate
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from lxml import etree

from annotator.errors import Location, SourceError
from annotator.records import Finding, Validation
from annotator.tei.header import STANDOFF_ID, annotator_apps
from annotator.tei.parse import (TEI_NS, XML_ID, decode_xml, parse_xml,
                                 read_source_bytes)
from annotator.tei.pointer_table import is_pointer
from annotator.tei.resolve import attribute_places, check_pointers
from annotator.tei.schema_findings import (MISSING_ATTRIBUTE, Grammar, attribute_names,
                                            bad_attribute, explain, owner, owner_name, patterns,
                                            told_attribute)
from annotator.tei.schema_table import RNG_NS

TEI_ALL = Path(__file__).resolve().parents[2] / "schemas" / "tei_all.rng"
_SCHEMAS: dict[tuple[str, int, int], etree.RelaxNG] = {}
_XML_MODEL = re.compile(r"<\?xml-model\s[^>]*?href=([\"'])([^\"']+)\1[^>]*\?>")


def _schema_key(p: Path) -> tuple[str, int, int]:
    try:
        st = p.resolve().stat()
    except OSError:
        raise SourceError("schema not found", hint="give the path of a RELAX NG .rng file",
                          location=Location(p), code="E011") from None
    return (str(p.resolve()), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=4)
def _grammar(key: tuple[str, int, int]) -> etree._ElementTree:
    p = Path(key[0])
    tree = parse_xml(read_source_bytes(p, max_bytes=256 * 1024 * 1024), p).getroottree()
    tree.docinfo.URL = key[0]  # so <include href> resolves beside the schema
    _fold_empties(tree)
    return tree


_EMPTY = f"{RNG_NS}empty"
_CHOICE = f"{RNG_NS}choice"
_HOLDERS = frozenset(f"{RNG_NS}{kind}" for kind in (
    "group", "interleave", "choice", "optional", "zeroOrMore", "oneOrMore"))


def _fold_empties(tree: etree._ElementTree) -> None:
    """Fold ``empty`` away as RELAX NG's simplification does (its section 4.20: ``group``
    and ``interleave`` of ``p`` and ``empty`` are ``p``; of, or a ``choice`` or repeat of,
    nothing but ``empty`` is ``empty``; a ``ref`` to a define that is ``empty`` is
    ``empty``), in place: the language stays the same, and libxml2 no longer misreads it.
    libxml2 refuses ``<doc/>`` of ``doc = a | (empty & empty)``, and of
    ``doc = E | (empty & b)`` with ``E = empty``, which RELAX NG allows; the narrowed schema,
    where ``a`` is not allowed, accepted the first, so a file was valid or invalid by which
    check ran, and told it needs <a>. Only nodes holding an ``empty`` are visited (tei_all
    has none: ``empty`` is only ever an element's whole content there)."""
    root = tree.getroot()
    work = [p for e in root.iter(_EMPTY) if (p := e.getparent()) is not None]
    whole = root.find(f".//{RNG_NS}include") is None and root.find(
        f".//{RNG_NS}externalRef") is None  # else a define may have parts elsewhere
    names: Counter[str] | None = None  # how many defines have each name
    while work:
        hollow: set[str] = set()
        while work:
            node = work.pop()
            parent = node.getparent()
            if parent is None:
                continue  # folded away already
            if node.tag == f"{RNG_NS}define":
                if names is None:
                    names = Counter(d.get("name", "") for d in root.iter(f"{RNG_NS}define"))
                name = node.get("name", "")
                if whole and names[name] == 1 and _home(node) is root and [
                        c.tag for c in patterns(node)] == [_EMPTY]:
                    hollow.add(name)
            elif node.tag in _HOLDERS:
                kids = patterns(node)
                empties = [c for c in kids if c.tag == _EMPTY]
                if empties and len(empties) == len(kids):
                    _replace_by_empty(node, parent)
                    work.append(parent)
                elif empties and node.tag != _CHOICE:
                    for c in empties:
                        node.remove(c)
        for ref in list(root.iter(f"{RNG_NS}ref")) if hollow else ():
            if ref.get("name") in hollow and _home(ref) is root and (
                    parent := ref.getparent()) is not None:
                _replace_by_empty(ref, parent)
                work.append(parent)


def _home(node: etree._Element) -> etree._Element | None:
    """The grammar whose defines a schema node's ``ref`` names (or that holds a define)."""
    return next(node.iterancestors(f"{RNG_NS}grammar"), None)


def _replace_by_empty(node: etree._Element, parent: etree._Element) -> None:
    folded = etree.Element(_EMPTY)
    folded.tail = node.tail
    parent.replace(node, folded)


def _compile(tree: etree._ElementTree, p: Path) -> etree.RelaxNG:
    try:
        return etree.RelaxNG(tree)
    except etree.RelaxNGParseError as exc:
        first = exc.error_log[0] if len(exc.error_log) else None
        raise SourceError(f"not a usable RELAX NG schema ({first.message if first else exc})",
                          hint="give the XML syntax .rng (not .rnc) of the schema",
                          location=Location(p, first.line if first and first.line > 0
                                            else None),  # libxml2 says -1 for no line
                          code="E012") from None


def compile_schema(path: str | Path) -> etree.RelaxNG:
    """The compiled RELAX NG schema at ``path`` (cached while the file is unchanged)."""
    p = Path(path)
    key = _schema_key(p)
    if key not in _SCHEMAS:
        _SCHEMAS[key] = _compile(_grammar(key), p)
    return _SCHEMAS[key]


def _unused(tree: etree._ElementTree, names: frozenset[str]
            ) -> list[tuple[etree._Element, etree._Element]]:
    """The element patterns (each with its parent) of a schema's tree naming an element not
    in ``names``, the local names of a file's elements: patterns that match nothing in that
    file, whatever they hold. One with a name class (``anyName``) is kept."""
    return [(el, parent) for el in tree.getroot().iter(f"{RNG_NS}element")
            if (name := el.get("name")) is not None and (parent := el.getparent()) is not None
            and name.rpartition(":")[2] not in names]


def _grammar_copy(key: tuple[str, int, int]) -> etree._ElementTree:
    tree = copy.deepcopy(_grammar(key))
    tree.docinfo.URL = key[0]
    return tree


def _compiled(tree: etree._ElementTree) -> etree.RelaxNG | None:
    try:
        return etree.RelaxNG(tree)
    except etree.RelaxNGParseError:
        return None


_GONE = "annotator.narrowed-away"  # the define every element pattern narrowed away names


@lru_cache(maxsize=64)
def _narrowed(key: tuple[str, int, int], names: frozenset[str]) -> etree.RelaxNG | None:
    """The schema with only the element patterns named in ``names``; None if that does not
    compile (the full schema then decides).

    Each other element pattern becomes a ``ref`` to one define that is ``notAllowed``, not a
    ``notAllowed`` in its place: libxml2 drops a ``notAllowed`` alternative from a
    ``choice``, and a choice left with none it takes for ``empty``, so ``<doc/>`` of
    ``doc = a | b`` narrowed to ``doc`` was valid. A ref it keeps, and refuses."""
    tree = _grammar_copy(key)
    for el, parent in _unused(tree, names):
        gone = etree.Element(f"{RNG_NS}ref", name=_GONE)
        gone.tail = el.tail
        parent.replace(el, gone)
    etree.SubElement(etree.SubElement(tree.getroot(), f"{RNG_NS}define", name=_GONE),
                     f"{RNG_NS}notAllowed")
    return _compiled(tree)


@lru_cache(maxsize=8)  # each up to ~30 MB (the elements of a long letter)
def _hollowed(key: tuple[str, int, int], names: frozenset[str]) -> etree.RelaxNG | None:
    """The schema whose element patterns not named in ``names`` hold nothing (``empty``),
    for the errors of a file the narrowed check refused; None if it does not compile.

    Each element the file uses keeps its whole pattern, which names the same elements as
    before: libxml2 compiles its content into the same automaton as the full schema's and
    tells the same errors at the same elements (against ``_narrowed``'s it tells others:
    ``notAllowed`` makes a content model one it walks instead, and its errors climb to every
    ancestor). Only the used elements' automata are built: about 1 s for a Curious
    Travellers letter, where all of tei_all takes 10 s."""
    tree = _grammar_copy(key)
    for el, _ in _unused(tree, names):
        for child in list(el):
            el.remove(child)
        etree.SubElement(el, f"{RNG_NS}empty")
    return _compiled(tree)


def _for_errors(rng: Path, key: tuple[str, int, int], names: frozenset[str]
                ) -> etree.RelaxNG:
    """The schema whose errors a file using the elements ``names`` is told: the hollowed
    one, or the full one where that does not compile (which says why: E012)."""
    hollow = _hollowed(key, names)
    return hollow if hollow is not None else compile_schema(rng)


def schema_of(path: Path, text: str) -> Path | None:
    """The local .rng a file (its characters, ``text``) names in ``<?xml-model href=...?>``,
    if there is one on disk."""
    for m in _XML_MODEL.finditer(text, 0, 8192):
        href = m.group(2)
        if "://" in href or not href.endswith(".rng"):
            continue
        candidate = (path.parent / href).resolve()
        if candidate.is_file():
            return candidate
    return None


def default_schema() -> Path:
    """The TEI P5 tei_all schema kept in the repository (``schemas/tei_all.rng``)."""
    if not TEI_ALL.is_file():
        raise SourceError("no schema to validate against (schemas/tei_all.rng is not beside "
                          "this installation)",
                          hint="give one with --schema, or install annotator from its "
                               "repository (pip install -e .)",
                          location=Location(TEI_ALL), code="E010")
    return TEI_ALL


def _findings(p: Path, tree: etree._ElementTree, text: str, key: tuple[str, int, int],
              log: list[etree._LogEntry | _Told]) -> tuple[Finding, ...]:
    """The schema's errors as findings: each at its element's start tag (or attribute), line
    and column, in words (``schema_findings``); libxml2 gives a line and an XPath only."""
    grammar = _reading(key)
    elements = {e: i for i, e in enumerate(e for e in tree.getroot().iter()
                                           if isinstance(e.tag, str))}
    # element, message, attribute, line, whether about its attributes
    told: list[tuple[int | None, str, str | None, int | None, bool]] = []
    for e in log:
        el = _at(tree, e.path)
        if el is None or el not in elements:
            told.append((None, e.message, None, e.line or None, False))
            continue
        seen = e.seen if isinstance(e, _Told) and e.seen is not None else el
        message, attr = explain(grammar, seen, e.type_name, e.message)
        attrs = e.type_name in _ATTRIBUTE_ERRORS
        if any(t[0] == elements[el] and t[2] == attr and t[4] == attrs for t in told):
            continue  # libxml2 tells one misplaced element twice (ELEMWRONG, EXTRACONTENT)
        told.append((elements[el], message, attr, e.line or None, attrs))
    places = attribute_places(text, [(i, a or "") for i, _, a, _, _ in told if i is not None])
    out = []
    for i, message, attr, line, _ in told:
        where = places.get((i, attr or ""), (line, None)) if i is not None else (line, None)
        out.append(Finding(path=str(p), line=where[0], col=where[1], message=message))
    return tuple(out)


def _at(tree: etree._ElementTree, path: str | None) -> etree._Element | None:
    """The element an error's XPath names; libxml2 writes a prefixed element as ``n:note``,
    read with the prefixes the file declares (without them, lxml raised XPathEvalError)."""
    if not path:
        return None
    try:
        found = tree.xpath(path)
    except etree.XPathEvalError:
        prefixes: dict[str, str] = {}
        for el in tree.iter():
            if isinstance(el.tag, str):
                for prefix, uri in el.nsmap.items():
                    if prefix:
                        prefixes.setdefault(prefix, uri)
        try:
            found = tree.xpath(path, namespaces=prefixes)
        except etree.XPathEvalError:  # one prefix bound to two namespaces in the file
            return None
    return found[0] if isinstance(found, list) and found and isinstance(
        found[0], etree._Element) else None


_BAD_ATTRIBUTE = "RELAXNG_ERR_INVALIDATTR"


def _every_bad_attribute(compiled: etree.RelaxNG, tree: etree._ElementTree
                         ) -> list[etree._LogEntry]:
    """The errors of the last ``compiled.validate(tree)``, each bad attribute of an element
    after the one libxml2 told: it stops at an element's first bad attribute (a name the
    schema does not know, or a value it refuses), so an editor fixing it was told the next
    one by the next run. A copy of the tree loses the attributes told and is validated again
    while libxml2 tells another attribute the element has (one round per bad attribute of the
    worst element, each a validation: milliseconds)."""
    log = list(compiled.error_log)
    told: dict[str, list[etree._LogEntry]] = {}
    for e in log:
        if e.type_name == _BAD_ATTRIBUTE and e.path:
            told.setdefault(e.path, []).append(e)
    if not told:
        return log
    work = copy.deepcopy(tree)
    pending = {path: entries[-1] for path, entries in told.items()}
    while pending:
        for path, entry in pending.items():
            el = _at(work, path)
            told_one = told_attribute(el, entry.message) if el is not None else None
            if el is not None and told_one is not None:
                del el.attrib[told_one]
        compiled.validate(work)
        pending = {}
        for e in compiled.error_log:
            el = _at(work, e.path) if e.type_name == _BAD_ATTRIBUTE and e.path in told else None
            if el is not None and told_attribute(el, e.message) is not None:
                told[e.path].append(e)
                pending[e.path] = e
    out = []
    for e in log:  # each element's bad attributes together, where libxml2 told the first
        if e.type_name != _BAD_ATTRIBUTE or e.path not in told:
            out.append(e)
        elif e is told[e.path][0]:
            out.extend(told[e.path])
    return out


class _Told(NamedTuple):
    """An error libxml2 would have told about an element, had its content been right."""

    type_name: str
    message: str
    path: str
    line: int | None
    # the element as libxml2 saw it, in a copy without the misplaced siblings before it
    # (``_after_misplaced``): what its message reads its place by
    seen: etree._Element | None = None


_MISPLACED = "RELAXNG_ERR_ELEMWRONG"  # "Did not expect element X there"
_STRAY_TEXT = "RELAXNG_ERR_TEXTWRONG"  # "Did not expect text in element X content"


def _after_misplaced(compiled: etree.RelaxNG, tree: etree._ElementTree,
                     log: list[etree._LogEntry]) -> list[etree._LogEntry | _Told]:
    """``log`` with the errors of the siblings after each misplaced element, and inside them:
    libxml2 stops reading an element's children at the first it did not expect, so a second
    misplaced ``<title>`` in ``<body>``, or a bad attribute in a later ``<p>``, was told by the
    next run only; and at text where an element may hold none. A copy of the tree loses the
    misplaced elements told (and that text) and is validated again while libxml2 tells another (one round per misplaced sibling after the first, each a copy
    and a validation: milliseconds); each is explained by its place in the copy it was told
    in, after the siblings libxml2 read. What their absence alone makes wrong is not told: an
    error at an element holding one taken out ("Expecting an element , got nothing" where it
    was required) was the first's, already told at it. What a misplaced element holds is not
    read (nor does libxml2 read it)."""
    wrong = [e for e in log if e.type_name in (_MISPLACED, _STRAY_TEXT) and e.path]
    if not wrong:
        return list(log)
    work: etree._ElementTree = tree
    original = {el: el for el in tree.iter()}
    told = {(e.path, e.type_name, e.message) for e in log}
    out: list[etree._LogEntry | _Told] = list(log)
    holding: set[etree._Element] = set()  # the originals' elements holding one taken out
    while wrong:  # a copy each round: the elements told in the last keep their siblings
        last, work = work, copy.deepcopy(work)
        original = {new: original[old] for new, old in zip(work.iter(), last.iter())}
        found = [(e.type_name, el) for e in wrong if (el := _at(work, e.path)) is not None
                 and el.getparent() is not None]
        for kind, el in found:
            if kind == _STRAY_TEXT:
                holding.add(original[el])  # what else is wrong in it was told with the text
                _strip_text(el)
            else:
                holding.update(original[el].iterancestors())
                _take_out(el)
        if not found:
            break
        compiled.validate(work)
        wrong = []
        for e in _every_bad_attribute(compiled, work):
            el = _at(work, e.path)
            if el is None or el not in original:
                continue
            mine = original[el]
            about = owner(mine, e.message) if e.type_name in _FAILED else mine
            if mine in holding or about in holding:
                continue
            entry = _Told(e.type_name, e.message, tree.getpath(mine), e.line, el)
            if (entry.path, entry.type_name, entry.message) in told:
                continue
            told.add((entry.path, entry.type_name, entry.message))
            out.append(entry)
            if e.type_name in (_MISPLACED, _STRAY_TEXT):
                wrong.append(e)
    return out


def _strip_text(el: etree._Element) -> None:
    """``el`` without the text of its own (not its children's) that is more than space."""
    if el.text and el.text.strip():
        el.text = None
    for child in el:
        if child.tail and child.tail.strip():
            child.tail = None


def _take_out(el: etree._Element) -> None:
    """``el`` out of its parent, the text after it kept where it stood."""
    parent = el.getparent()
    assert parent is not None
    if el.tail:
        before = el.getprevious()
        if before is not None:
            before.tail = (before.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


_ATTRIBUTE_ERRORS = frozenset({_BAD_ATTRIBUTE, MISSING_ATTRIBUTE})
_FAILED = frozenset({MISSING_ATTRIBUTE, "RELAXNG_ERR_CONTENTVALID"})  # "Element X failed to"


def _owned(key: tuple[str, int, int], tree: etree._ElementTree,
           log: list[etree._LogEntry]) -> list[etree._LogEntry | _Told]:
    """``log`` with each "Element X failed to validate attributes" at X: libxml2 gives the
    path of X's child it stood at, if any, so the error was told at the child, in its
    words, and hid the child's own error (one finding per element); at the root, no path
    (then it is the one X the schema finds attributes missing or unknown of, if one). Where
    X's attributes are read with its content (a schema libxml2 does not compile to an
    automaton), one missing is "X failed to validate content": told as missing, where the
    schema requires one X lacks."""
    out: list[etree._LogEntry | _Told] = []
    grammar = _reading(key)
    for e in log:
        if e.type_name not in _FAILED:
            out.append(e)
            continue
        name = owner_name(e.message)
        if (el := _at(tree, e.path)) is not None:
            mine: etree._Element | None = owner(el, e.message)
        else:
            wrong = [] if e.path else [x for x in tree.getroot().iter(f"{{*}}{name}")
                                       if _attributes_wrong(grammar, x)]
            mine = wrong[0] if len(wrong) == 1 else None
        if mine is None or e.type_name != MISSING_ATTRIBUTE and not grammar.missing_attributes(
                name, attribute_names(mine)):
            out.append(e)
            continue
        out.append(_Told(MISSING_ATTRIBUTE, f"Element {name} failed to validate attributes",
                         tree.getpath(mine),
                         mine.sourceline if isinstance(mine.sourceline, int) else None))
    return out


def _attributes_wrong(grammar: Grammar, el: etree._Element) -> bool:
    """Whether the schema, as ``schema_findings`` reads it, finds an attribute the element
    lacks or one it may not have."""
    name = etree.QName(el).localname
    present = attribute_names(el)
    return bool(grammar.missing_attributes(name, present)
                or grammar.unknown_attributes(name, present))


def _hidden_attributes(key: tuple[str, int, int], tree: etree._ElementTree,
                       log: list[etree._LogEntry | _Told]) -> list[etree._LogEntry | _Told]:
    """``log`` with the bad attributes of each element whose content is wrong, after its
    content's error: libxml2 tells one error per element, the content's, so an editor
    fixing ``<respStmt>`` learnt of its bad ``@typo`` by the next run. The element (and the
    parent of a misplaced one) is validated alone, without children, against the schema
    where its pattern's content (every other element) is ``empty`` (``_attributes_only``).
    An attribute it lacks libxml2 tells at its start tag, before its content (``_owned``)."""
    out: list[etree._LogEntry | _Told] = []
    about = {_at(tree, e.path) for e in log if e.type_name in _ATTRIBUTE_ERRORS}
    for e in log:
        out.append(e)
        if e.type_name in _ATTRIBUTE_ERRORS:
            continue
        el = _at(tree, e.path)
        for one in (el, el.getparent() if el is not None else None):
            if one is None or not one.attrib or one in about:
                continue
            about.add(one)
            path = tree.getpath(one)
            alone = _attributes_only(key, etree.QName(one).localname)
            if alone is None:
                continue
            bare = etree.Element(one.tag)
            for name, value in one.attrib.items():
                bare.set(name, value)
            line = one.sourceline if isinstance(one.sourceline, int) else None
            if not alone.validate(bare):
                out.extend(_Told(t.type_name, t.message, path, line)
                           for t in _every_bad_attribute(alone, bare.getroottree())
                           if t.type_name == _BAD_ATTRIBUTE)
    return out


def _unknown_beside_missing(key: tuple[str, int, int], tree: etree._ElementTree,
                            log: list[etree._LogEntry | _Told]
                            ) -> list[etree._LogEntry | _Told]:
    """``log`` with, after each element's missing attributes, the attributes it has that
    its pattern does not know: libxml2 tells none of them while one is missing."""
    grammar = _reading(key)
    told = {(e.path, bad_attribute(e.message)) for e in log if e.type_name == _BAD_ATTRIBUTE}
    out: list[etree._LogEntry | _Told] = []
    for e in log:
        out.append(e)
        el = _at(tree, e.path) if e.type_name == MISSING_ATTRIBUTE else None
        if el is None:
            continue
        name = etree.QName(el).localname
        for local in grammar.unknown_attributes(name, attribute_names(el)):
            if (e.path, local) not in told:
                told.add((e.path, local))
                out.append(_Told(_BAD_ATTRIBUTE, f"Invalid attribute {local} for element "
                                 f"{name}", str(e.path), e.line))
    return out


@lru_cache(maxsize=32)
def _attributes_only(key: tuple[str, int, int], name: str) -> etree.RelaxNG | None:
    """The schema whose start is the element ``name``, every other element pattern
    ``empty``: what its attributes may be, whatever its content (None where its pattern is
    not a define's whole body, or does not compile so)."""
    tree = _grammar_copy(key)
    root = tree.getroot()
    start = root.find(f"{RNG_NS}start")
    mine = next((el for el in root.iter(f"{RNG_NS}element")
                 if (el.get("name") or "").rpartition(":")[2] == name), None)
    home = mine.getparent() if mine is not None else None
    if start is None or home is None or home.tag != f"{RNG_NS}define":
        return None
    for el in list(root.iter(f"{RNG_NS}element")):
        if el is not mine and (parent := el.getparent()) is not None:
            _replace_by_empty(el, parent)
    start.clear()
    etree.SubElement(start, f"{RNG_NS}ref", name=home.get("name", ""))
    return _compiled(tree)


@lru_cache(maxsize=4)
def _reading(key: tuple[str, int, int]) -> Grammar:
    return Grammar(_grammar(key))


def _schema_findings(p: Path, tree: etree._ElementTree, text: str, key: tuple[str, int, int],
                     compiled: etree.RelaxNG) -> tuple[Finding, ...]:
    """What ``compiled`` (the schema of ``key``, whole or hollowed) says of a file."""
    compiled.validate(tree)
    log = _owned(key, tree, _after_misplaced(compiled, tree, _every_bad_attribute(compiled,
                                                                                  tree)))
    return _findings(p, tree, text, key, _unknown_beside_missing(
        key, tree, _hidden_attributes(key, tree, log)))


def validate(path: str | Path, schema: str | Path | None = None, *,
             pointers: bool = True) -> Validation:
    """Validate one file; returns its findings (none: valid): what the schema says, then,
    unless ``pointers`` is False, each local pointer that names no element (``resolve``)."""
    p = Path(path)
    data = read_source_bytes(p)
    try:  # in the file's own encoding (UTF-16, ISO-8859-1...), as annotator reads sources
        decoded: tuple[str, str] | SourceError = decode_xml(data, p)
    except SourceError as err:
        decoded = err
    text = decoded[0] if isinstance(decoded, tuple) else ""
    rng = Path(schema) if schema is not None else schema_of(p, text) or default_schema()
    key = _schema_key(rng)
    try:
        if isinstance(decoded, SourceError):
            raise decoded
        root = parse_xml(data, p, decoded)
    except SourceError as err:
        _for_errors(rng, key, frozenset())  # a schema that does not compile is a usage
        # error, whatever the file (here: as far as a file of no named element needs it)
        loc = err.location
        hint = err.hint
        if err.code == "S005" and not text.lstrip("\ufeff \t\r\n").startswith("<"):
            hint = "it is no XML file (its first character is not '<'): give TEI .xml files"
        # said as 'add' says it, its hint and code too (was: the message alone); apart, so
        # that JSON has them as fields (was: folded into the message)
        finding = Finding(path=str(p), line=loc.line if loc else None,
                          col=loc.col if loc else None, message=err.message, hint=hint or None,
                          code=err.code)
        return Validation(path=str(p), schema=str(rng), findings=(finding,))
    tree = root.getroottree()
    names = frozenset(etree.QName(e).localname for e in root.iter() if isinstance(e.tag, str))
    quick = _narrowed(key, names)
    findings: tuple[Finding, ...] = ()
    if quick is None or not quick.validate(tree):
        findings = _schema_findings(p, tree, text, key, _for_errors(rng, key, names))
    if not pointers:
        return Validation(path=str(p), schema=str(rng), findings=findings)
    checked = check_pointers(p, root, text)
    return Validation(path=str(p), schema=str(rng),
                      findings=findings + _written_by_annotator(root, text, checked.dangling),
                      elsewhere=checked.elsewhere, bare=checked.bare)


_TEI = f"{{{TEI_NS}}}"


def _written_by_annotator(root: etree._Element, text: str, dangling: tuple[Finding, ...]
                          ) -> tuple[Finding, ...]:
    """The pointer findings, those on markup an annotator export wrote made errors that say
    so: a ``#x`` there names an entry the export should have written (in its standOff), not
    one of the edition's registers kept elsewhere. Its markup is told where the header has
    annotator's ``<application xml:id="annotator" ident="annotator">``: a proposal
    (``cert="unknown"``, ``@resp`` naming one of annotator's applications, as re-import tells
    it) and what is inside ``<standOff xml:id="annotator-standoff">``. A name an editor
    decided is written unmarked, and stays a warning, as the edition's own pointers do."""
    apps = annotator_apps(root) if dangling else []
    if not apps:
        return dangling
    ours = {f"#{a.get(XML_ID)}" for a in apps}
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    wanted: list[tuple[int, str]] = []
    for i, el in enumerate(elements):
        if not str(el.tag).startswith(_TEI):
            continue
        standoff = any(a.tag == f"{_TEI}standOff" and a.get(XML_ID) == STANDOFF_ID
                       for a in el.iterancestors())
        if standoff or el.get("cert") == "unknown" and (el.get("resp") or "").strip() in ours:
            local = str(el.tag)[len(_TEI):]
            wanted.extend((i, str(a)) for a in el.attrib if is_pointer(local, str(a)))
    places = set(attribute_places(text, wanted).values()) if wanted else set()
    return tuple(
        Finding(path=f.path, line=f.line, col=f.col, message=f"{f.message}, and annotator "
                "wrote it: the export lacks what it names; export it again")
        if f.warning and (f.line, f.col) in places else f for f in dangling)
