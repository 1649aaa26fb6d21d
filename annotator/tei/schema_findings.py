"""What a schema error means, in an editor's words: the element, where it is, what it expects.

libxml2's RELAX NG messages name no column and often no element: an element whose content ends
too soon is ``Expecting an element , got nothing``, an attribute whose *value* is wrong is
``Invalid attribute quantity for element gap``, the same words as one the element may not have.
Each error of lxml's log carries the XPath of the element it is about; here that element's
content is matched against its pattern in the schema, the names of its children in turn (RELAX
NG derivatives, James Clark's algorithm, over element names only: text and attributes are left
out of the sequence), which tells what could come where the children stop or where the
unexpected one stands; its attributes are looked up in the same pattern, which tells a value the
schema refuses (and what it wants: "a number") from a name it does not know. A construct the
reading does not follow (an ``externalRef``, a nested grammar) leaves libxml2's own message,
with the element named.

DOCS: docs/export.md#validate
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from lxml import etree

from annotator.tei.schema_table import RNG_NS
from annotator.text import first_few

_ANY = frozenset({"*"})  # an anyName / nsName element: any element matches

# what a TEI datatype's value is, in words (the rest are read off their pattern)
_DATATYPES = {
    "teidata.numeric": "a number", "teidata.count": "a whole number (0, 1, 2...)",
    "teidata.probability": "a number from 0 to 1", "teidata.interval": "a number",
    "teidata.temporal.w3c": "a date or time in ISO 8601 form (YYYY, YYYY-MM, YYYY-MM-DD, "
                            "--MM-DD, YYYY-MM-DDThh:mm:ss)",
    "teidata.temporal.iso": "a date or time in ISO 8601 form (YYYY, YYYY-MM-DD, ...)",
    "teidata.duration.w3c": "a duration such as P2Y or PT3H",
    "teidata.truthValue": "true or false", "teidata.xTruthValue": "true, false or unknown",
    "teidata.pointer": "a URI", "teidata.language": "a language tag (en, de, la...)",
    "teidata.enumerated": "one word, no spaces", "teidata.word": "one word, no spaces",
    "teidata.name": "one word, no spaces", "teidata.xmlName": "an XML name",
    "teidata.version": "a version number (4.7.0)",
}
_XSD = {"double": "a number", "decimal": "a number", "float": "a number",
        "nonNegativeInteger": "a whole number (0, 1, 2...)", "integer": "a whole number",
        "positiveInteger": "a whole number from 1", "boolean": "true or false",
        "anyURI": "a URI", "NCName": "an XML name", "ID": "an XML name", "language":
        "a language tag (en, de, la...)", "date": "a date YYYY-MM-DD", "token": "a word"}

_DATE_FORMS = {"date": "YYYY-MM-DD", "gYear": "YYYY", "gYearMonth": "YYYY-MM",
               "gMonth": "--MM", "gMonthDay": "--MM-DD", "gDay": "---DD", "time": "hh:mm:ss",
               "dateTime": "YYYY-MM-DDThh:mm:ss"}


MISSING_ATTRIBUTE = "RELAXNG_ERR_ATTRVALID"  # libxml2: "Element X failed to validate attributes"


class _Unread(Exception):
    """A pattern this reading does not follow (the raw message stands)."""


# A content pattern over element names: ("empty",), ("none",) (notAllowed), ("el", names),
# ("choice", frozenset of patterns), ("group", a, b), ("inter", a, b), ("more", p).
Pat = tuple[Any, ...]
EMPTY: Pat = ("empty",)
NONE: Pat = ("none",)


def _choice(*ps: Pat) -> Pat:
    alts: set[Pat] = set()
    for p in ps:
        if p[0] == "choice":
            alts |= p[1]
        elif p != NONE:
            alts.add(p)
    if not alts:
        return NONE
    return next(iter(alts)) if len(alts) == 1 else ("choice", frozenset(alts))


def _group(a: Pat, b: Pat) -> Pat:
    if NONE in (a, b):
        return NONE
    return b if a == EMPTY else a if b == EMPTY else ("group", a, b)


def _inter(a: Pat, b: Pat) -> Pat:
    if NONE in (a, b):
        return NONE
    return b if a == EMPTY else a if b == EMPTY else ("inter", a, b)


# What a pattern requires of an element's attributes: None (nothing), NEVER (it matches no
# element), ("attr", local name, name), ("all", needs...) or ("any", needs...).
Needs = tuple[Any, ...] | None
NEVER: Needs = ("never",)


def _all_of(needs: list[Needs]) -> Needs:
    if NEVER in needs:
        return NEVER
    kept = tuple(n for n in needs if n is not None)
    return None if not kept else kept[0] if len(kept) == 1 else ("all", *kept)


def _one_of(needs: list[Needs]) -> Needs:
    if any(n is None for n in needs):
        return None
    kept = tuple(n for n in needs if n != NEVER)
    return NEVER if not kept else kept[0] if len(kept) == 1 else ("any", *kept)


def _lacking(needs: Needs, present: frozenset[str]) -> list[frozenset[str]]:
    """Each set of attributes whose adding would meet ``needs`` (none: it cannot be met)."""
    if needs is None:
        return [frozenset()]
    kind = needs[0]
    if kind == "never":
        return []
    if kind == "attr":  # ("attr", local name, name as the schema writes it: xml:id)
        return [frozenset() if needs[1] in present else frozenset({needs[2]})]
    if kind == "any":
        return [w for n in needs[1:] for w in _lacking(n, present)][:64]
    ways = [frozenset[str]()]
    for n in needs[1:]:
        ways = [w | more for w in ways for more in _lacking(n, present)][:64]
    return ways


def patterns(node: etree._Element) -> list[etree._Element]:
    """The RELAX NG patterns among a schema node's children (not its annotations)."""
    return [c for c in node if isinstance(c.tag, str) and c.tag.startswith(RNG_NS)]


@lru_cache(maxsize=65536)
def nullable(p: Pat) -> bool:
    """Whether the content may end here."""
    kind = p[0]
    if kind in ("empty",):
        return True
    if kind in ("none", "el"):
        return False
    if kind == "choice":
        return any(nullable(q) for q in p[1])
    if kind == "more":
        return nullable(p[1])
    return nullable(p[1]) and nullable(p[2])


@lru_cache(maxsize=65536)
def after(p: Pat, name: str) -> Pat:
    """What may follow once a child named ``name`` is read (NONE: it may not stand here)."""
    kind = p[0]
    if kind in ("empty", "none"):
        return NONE
    if kind == "el":
        return EMPTY if name in p[1] or p[1] == _ANY else NONE
    if kind == "choice":
        return _choice(*(after(q, name) for q in p[1]))
    if kind == "more":
        return _group(after(p[1], name), _choice(p, EMPTY))
    if kind == "group":
        first = _group(after(p[1], name), p[2])
        return _choice(first, after(p[2], name)) if nullable(p[1]) else first
    return _choice(_inter(after(p[1], name), p[2]), _inter(p[1], after(p[2], name)))


@lru_cache(maxsize=65536)
def firsts(p: Pat) -> frozenset[str]:
    """The names of the children that may come next."""
    kind = p[0]
    if kind in ("empty", "none"):
        return frozenset()
    if kind == "el":
        return frozenset[str](p[1])
    if kind == "choice":
        return frozenset[str]().union(*(firsts(q) for q in p[1]))
    if kind == "more":
        return firsts(p[1])
    if kind == "group":
        return firsts(p[1]) | firsts(p[2]) if nullable(p[1]) else firsts(p[1])
    return firsts(p[1]) | firsts(p[2])


def _leaves(p: Pat, seen: set[int] | None = None) -> set[str]:
    """Every element name a content pattern holds."""
    seen = set() if seen is None else seen
    if id(p) in seen:
        return set()
    seen.add(id(p))
    if p[0] == "el":
        return set(p[1])
    subs = p[1] if p[0] == "choice" else p[1:]
    return set().union(*(_leaves(q, seen) for q in subs if isinstance(q, tuple)))


def needed(p: Pat, depth: int = 4) -> frozenset[str]:
    """The children that begin a shortest way to complete the content ``p`` (breadth first,
    ``depth`` children at most; empty if none is found that soon)."""
    level: list[tuple[Pat, str]] = [(after(p, n), n) for n in sorted(firsts(p) - _ANY)]
    for _ in range(depth):
        done = frozenset(first for q, first in level if q != NONE and nullable(q))
        if done:
            return done
        level = [(after(q, n), first) for q, first in level if q != NONE
                 for n in sorted(firsts(q) - _ANY)][:4000]
    return frozenset()


class Grammar:
    """The element patterns of a RELAX NG schema (its tree), read as they are asked for."""

    def __init__(self, tree: etree._ElementTree) -> None:
        root = tree.getroot()
        # each name's parts, in order: defines of one name with @combine make one pattern
        self.defines: dict[str, list[etree._Element]] = {}
        for d in root.iter(f"{RNG_NS}define"):
            self.defines.setdefault(d.get("name", ""), []).append(d)
        self.elements: dict[str, etree._Element] = {}
        for e in root.iter(f"{RNG_NS}element"):
            name = e.get("name")
            if name:
                self.elements.setdefault(name.rpartition(":")[2], e)
        self._refs: dict[str, Pat] = {}
        self._attribute_refs: dict[str, Needs] = {}
        self._hosts: tuple[dict[str, set[str]], set[str]] | None = None  # hosts()

    def content(self, name: str) -> Pat:
        """The content pattern of the element ``name`` (its children's names)."""
        el = self.elements.get(name)
        if el is None:
            raise _Unread(name)
        return self._seq(el, skip_name=el.get("name") is None)

    def _seq(self, node: etree._Element, *, skip_name: bool = False) -> Pat:
        kids = patterns(node)
        if skip_name and kids:
            kids = kids[1:]  # the name class of an <element> without @name
        out = EMPTY
        for c in kids:
            out = _group(out, self._pat(c))
        return out

    def _pat(self, node: etree._Element) -> Pat:
        kind = node.tag[len(RNG_NS):]
        if kind in ("attribute", "text", "data", "value", "list", "empty"):
            return EMPTY
        if kind == "notAllowed":
            return NONE
        if kind == "element":
            name = node.get("name")
            return ("el", frozenset({name.rpartition(":")[2]}) if name else _ANY)
        if kind == "ref":
            return self._ref(node.get("name", ""))
        if kind in ("group", "mixed"):
            return self._seq(node)
        if kind == "choice":
            return _choice(*(self._pat(c) for c in patterns(node)))
        if kind == "interleave":
            out = EMPTY
            for c in patterns(node):
                out = _inter(out, self._pat(c))
            return out
        if kind == "oneOrMore":
            return ("more", self._seq(node))
        if kind == "zeroOrMore":
            return _choice(("more", self._seq(node)), EMPTY)
        if kind == "optional":
            return _choice(self._seq(node), EMPTY)
        raise _Unread(kind)

    def _ref(self, name: str) -> Pat:
        """The pattern a define names: its parts combined as their @combine says (RELAX NG:
        ``choice`` or ``interleave``; one part: it alone)."""
        if name not in self._refs:
            parts, interleave = self._parts(name)
            pats = [self._seq(d) for d in parts]  # refs recur only through an element: no loop
            if interleave:
                out = EMPTY
                for p in pats:
                    out = _inter(out, p)
            else:
                out = _choice(*pats)
            self._refs[name] = out
        return self._refs[name]

    def _parts(self, name: str) -> tuple[list[etree._Element], bool]:
        """The defines of one name, and whether they combine by ``interleave`` (else by
        ``choice``, or it is one alone)."""
        parts = self.defines.get(name)
        if not parts:
            raise _Unread(name)
        return parts, any(d.get("combine") == "interleave" for d in parts)

    def namespace(self, name: str) -> str | None:
        """The namespace the schema gives the element ``name`` (the nearest ``@ns``)."""
        el = self.elements[name]
        return next((a.get("ns") for a in (el, *el.iterancestors()) if a.get("ns") is not None),
                    None)

    def hosts(self, name: str) -> frozenset[str]:
        """The elements that may hold an element ``name`` somewhere among their children.

        Read for every element at once, the first time. An element whose content cannot be
        read (a nested grammar) is left out, and every name its patterns hold is kept as one
        it may hold: asked about one of those, ``_Unread`` (a list without it would name too
        few hosts, or none); any other name's hosts are all known."""
        if self._hosts is None:
            table: dict[str, set[str]] = {}
            unsure: set[str] = set()
            for host in self.elements:
                try:
                    held = _leaves(self.content(host))
                except _Unread:
                    unsure |= self._names_under(self.elements[host])
                    continue
                for child in held:
                    table.setdefault(child, set()).add(host)
            self._hosts = (table, unsure)
        table, unsure = self._hosts
        if name in unsure or "*" in unsure:
            raise _Unread(name)
        return frozenset(table.get(name, ()))

    def _names_under(self, element: etree._Element) -> set[str]:
        """Every element name the patterns under ``element`` hold, its refs followed (more
        than it may hold, never fewer); ``*`` where any name may be."""
        out: set[str] = set()
        for n in self._under(element):
            kind = n.tag[len(RNG_NS):]
            if kind == "element":
                out.add(n.get("name", "*").rpartition(":")[2])
            elif kind in ("ref", "parentRef") and n.get("name", "") not in self.defines \
                    or kind in ("externalRef", "include"):
                out.add("*")
        return out

    def attributes(self, name: str) -> dict[str, etree._Element]:
        """The attributes the element ``name`` may have, each its ``attribute`` pattern."""
        el = self.elements.get(name)
        if el is None:
            raise _Unread(name)
        out: dict[str, etree._Element] = {}
        for n in self._under(el):
            if n.tag == f"{RNG_NS}attribute" and n.get("name"):
                out.setdefault(n.get("name", "").rpartition(":")[2], n)
        return out

    def _under(self, element: etree._Element) -> Iterator[etree._Element]:
        """The patterns under ``element``, the defines its refs name read in their place,
        each once; an ``element`` or ``attribute`` below is given, not entered."""
        stack, seen = list(element), set()
        while stack:
            n = stack.pop()
            if not isinstance(n.tag, str) or not n.tag.startswith(RNG_NS):
                continue  # an annotation (a:documentation)
            yield n
            kind = n.tag[len(RNG_NS):]
            if kind in ("ref", "parentRef"):
                if (name := n.get("name", "")) not in seen:
                    seen.add(name)
                    for d in self.defines.get(name, ()):
                        stack.extend(d)
            elif kind not in ("element", "attribute"):
                stack.extend(n)

    def missing_attributes(self, name: str, present: list[str]) -> tuple[frozenset[str], ...]:
        """What the element ``name`` lacks of the attributes its pattern requires, having
        those ``present`` (local names): the fewest to add (as the schema names them,
        ``xml:id``), each way to do it (several where it wants one of a few); none where
        its pattern cannot be read."""
        el = self.elements.get(name)
        if el is None:
            return ()
        try:
            needs = self._needs(el, skip_name=el.get("name") is None)
        except _Unread:
            return ()
        ways = _lacking(needs, frozenset(present))
        if not ways or frozenset() in ways:
            return ()
        fewest = min(len(w) for w in ways)
        return tuple(sorted({w for w in ways if len(w) == fewest}, key=sorted))

    def unknown_attributes(self, name: str, present: list[str]) -> list[str]:
        """Those of the attributes ``present`` (local names) the element ``name``'s pattern
        does not name; none where it cannot be read."""
        try:
            known = self.attributes(name)
        except _Unread:
            return []
        return [a for a in present if a not in known]

    def _needs(self, node: etree._Element, *, skip_name: bool = False) -> Needs:
        """The attributes the patterns under ``node`` require, all of them (RELAX NG's
        attributes are unordered: ``group`` and ``interleave`` alike). An element below
        requires none of its parent's."""
        kids = patterns(node)
        return _all_of([self._need(c) for c in kids[1 if skip_name else 0:]])

    def _need(self, node: etree._Element) -> Needs:
        kind = node.tag[len(RNG_NS):]
        if kind == "attribute":
            name = node.get("name")
            return ("attr", name.rpartition(":")[2], name) if name else None  # anyName: any
        if kind in ("element", "text", "data", "value", "list", "empty", "optional",
                    "zeroOrMore"):
            return None
        if kind == "notAllowed":
            return NEVER
        if kind == "ref":
            name = node.get("name", "")
            if name not in self._attribute_refs:
                parts, interleave = self._parts(name)
                needs = [self._needs(d) for d in parts]
                self._attribute_refs[name] = _all_of(needs) if interleave else _one_of(needs)
            return self._attribute_refs[name]
        if kind in ("group", "mixed", "interleave", "oneOrMore"):
            return self._needs(node)
        if kind == "choice":
            return _one_of([self._need(c) for c in patterns(node)])
        raise _Unread(kind)

    def value_words(self, attribute: etree._Element) -> str:
        """What an attribute's value may be, in words."""
        return self._words(patterns(attribute), set()) or "another value"

    def _words(self, nodes: list[etree._Element], seen: set[str]) -> str:
        values = _only_values(nodes)
        if values:
            return "one of " + first_few([f"'{v}'" for v in values], 8)
        parts: list[str] = []
        forms: list[str] = []
        for n in nodes:
            kind = n.tag[len(RNG_NS):]
            if kind == "ref" and (name := n.get("name", "")) not in seen:
                seen.add(name)
                words = _DATATYPES.get(name) or self._words(
                    [c for d in self.defines.get(name, ()) for c in d], seen)
            elif kind == "data" and (form := _DATE_FORMS.get(n.get("type", ""))):
                forms.append(form)
                continue
            elif kind == "data":
                pattern = n.find(f"{RNG_NS}param[@name='pattern']")
                words = (f"a value matching {pattern.text}" if pattern is not None else
                         _XSD.get(n.get("type", ""), f"an xsd:{n.get('type')}"))
            elif kind == "list":
                inner = self._words(list(n), seen)
                words = f"a list of {inner}, separated by spaces" if inner else ""
            elif kind in ("choice", "group", "oneOrMore", "zeroOrMore", "optional"):
                words = self._words(list(n), seen)
            else:
                words = ""
            if words and words not in parts:
                parts.append(words)
        if forms:
            parts.insert(0, f"a date or time in ISO 8601 form ({', '.join(forms)})")
        return " or ".join(parts)


def _only_values(nodes: list[etree._Element]) -> list[str] | None:
    """The values of a closed list (``value``s, choices of them), None for anything else."""
    out: list[str] = []
    for n in nodes:
        if not isinstance(n.tag, str) or not n.tag.startswith(RNG_NS):
            continue  # an annotation (a:documentation)
        if n.tag == f"{RNG_NS}value":
            out.append(n.text or "")
        elif n.tag == f"{RNG_NS}choice" and (sub := _only_values(list(n))) is not None:
            out.extend(sub)
        else:
            return None
    return out or None


def _tag(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _children(el: etree._Element) -> list[etree._Element]:
    return [c for c in el if isinstance(c.tag, str)]


def _read_to(grammar: Grammar, parent: etree._Element, stop: etree._Element | None
             ) -> tuple[Pat, str | None]:
    """The parent's content after its children before ``stop`` (all of them when None), and
    the name of the last one read."""
    p = grammar.content(_tag(parent))
    last = None
    for c in _children(parent):
        if c is stop:
            break
        p = after(p, _tag(c))
        last = _tag(c)
    return p, last


def _names(names: frozenset[str] | set[str]) -> str:
    return first_few([f"<{n}>" for n in sorted(names - _ANY)], 6)


def _places(el: etree._Element, hosts: frozenset[str] | set[str]) -> str:
    """Where a misplaced element may go, the likely places first: the hosts among its
    siblings and what they hold (an <item> beside a <p> in a <list>), then among its own
    ancestors, nearest first; else a few by name. An alphabetical list of all (<ab>, <abbr>,
    <accMat> ... and 234 more) sends an editor nowhere."""
    parent = el.getparent()
    near = [] if parent is None else [c for c in _children(parent) if c is not el]
    seen = [_tag(e) for c in near for e in c.iter() if isinstance(e.tag, str)]
    seen += [_tag(a) for a in el.iterancestors()]
    likely = list(dict.fromkeys(n for n in seen if n in hosts))[:3]
    if not likely:
        return first_few([f"<{n}>" for n in sorted(hosts)], 3)
    named = [f"<{n}>" for n in likely]
    listed = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} or {named[-1]}"
    others = len(hosts) - len(likely)
    return listed + (f" (or one of {others} more elements that may hold it)" if others else "")


def bad_attribute(message: str) -> str:
    """The attribute libxml2's "Invalid attribute X for element Y" names."""
    return message.removeprefix("Invalid attribute ").rpartition(" for element ")[0]


def told_attribute(el: etree._Element, message: str) -> str | bytes | None:
    """The attribute of ``el`` (its key, namespace and all) that a bad-attribute error
    ``message`` names by its local name, if ``el`` has it."""
    name = bad_attribute(message)
    return next((k for k in el.attrib if etree.QName(k).localname == name), None)


def explain(grammar: Grammar, el: etree._Element, type_name: str, message: str
            ) -> tuple[str, str | None]:
    """The plain message of one schema error about element ``el``, and the attribute it is
    about, if any (where the column points)."""
    name = _tag(el)
    try:
        if type_name == "RELAXNG_ERR_NOELEM":
            p, last = _read_to(grammar, el, None)
            if p != NONE:
                want = needed(p)
                where = f"ends too soon after <{last}>" if last else "is empty"
                if want:
                    some = len(want) > 1
                    return (f"<{name}> {where}: it needs {'one of ' if some else ''}"
                            f"{_names(want)}; add {'one' if some else 'it'}"), None
        elif type_name == "RELAXNG_ERR_ELEMWRONG" and (parent := el.getparent()) is not None:
            pname = _tag(parent)
            p, last = _read_to(grammar, parent, el)
            allowed = firsts(p) if p != NONE else frozenset()
            here = f"<{name}> may not stand in <{pname}>" + (f" after <{last}>" if last else "")
            if _earlier(grammar, parent, el):
                return f"{here}: it must come earlier; move it up", None
            before = sorted(a for a in allowed - _ANY if after(after(p, a), name) != NONE)
            if before and len(before) <= 8:
                return (f"{here}: <{pname}> needs {_names(set(before))} before it; add "
                        f"{'one' if len(before) > 1 else 'it'}"), None
            takes = (f"here <{pname}> takes {_names(allowed)}" if 0 < len(allowed) <= 8 else
                     f"<{pname}> holds no <{name}>" if allowed else "nothing more may come here")
            hosts = grammar.hosts(name)
            if not hosts:
                return f"<{name}> is no element of this schema; remove or rename it", None
            return f"{here} ({takes}); move it into {_places(el, hosts - _ANY)}", None
        elif type_name == "RELAXNG_ERR_ELEMWRONG" and name in grammar.elements:
            ns = grammar.namespace(name)
            if ns and etree.QName(el).namespace != ns:
                return (f"<{name}> is not in the schema's namespace; give it "
                        f"xmlns=\"{ns}\""), None
        elif type_name == "RELAXNG_ERR_INVALIDATTR":
            attr = bad_attribute(message)
            declared = grammar.attributes(name)
            if attr in declared:
                key = told_attribute(el, message)
                value = str(el.attrib[key]) if key is not None else ""
                return (f"<{name} {attr}=\"{value}\">: not a value the schema allows for "
                        f"@{attr}; it must be {grammar.value_words(declared[attr])}"), attr
            close = difflib.get_close_matches(attr, list(declared), n=1, cutoff=0.75)
            hint = f" (did you mean @{close[0]}?)" if close else ""
            return (f"<{name}> may not have @{attr} in this schema{hint}; remove it"), attr
        elif type_name == MISSING_ATTRIBUTE:
            ways = grammar.missing_attributes(name, attribute_names(el))
            if ways:
                return _lacks(name, ways), None
        elif type_name == "RELAXNG_ERR_TEXTWRONG":
            words = next((t.strip() for t in [el.text, *(c.tail for c in el)]
                          if t and t.strip()), "")
            sample = f" ('{words[:30]}')" if words else ""
            kinds = firsts(grammar.content(name))
            into = f"; put it in an element <{name}> holds ({_names(kinds)})" if kinds else ""
            return f"<{name}> may not hold text of its own{sample}{into}", None
    except _Unread:
        pass
    return f"<{name}>: {message}", None


def attribute_names(el: etree._Element) -> list[str]:
    """The local names of an element's attributes, as ``Grammar.missing_attributes`` and
    ``unknown_attributes`` take them."""
    return [etree.QName(a).localname for a in el.attrib]


def _lacks(name: str, ways: tuple[frozenset[str], ...]) -> str:
    """In words: the element ``name`` lacks one of the sets of attributes ``ways``."""
    if len(ways) > 1 and all(len(w) == 1 for w in ways):
        return (f"<{name}> lacks one of {first_few([f'@{a}' for w in ways for a in w], 6)}, "
                "which the schema requires; add one")
    them = [f"@{a}" for a in sorted(ways[0])]
    listed = them[0] if len(them) == 1 else f"{', '.join(them[:-1])} and {them[-1]}"
    return (f"<{name}> lacks {listed}, which the schema requires; add "
            f"{'it' if len(them) == 1 else 'them'}")


def owner_name(message: str) -> str:
    """The element libxml2's "Element X failed to validate attributes" names."""
    return message.removeprefix("Element ").partition(" ")[0]


def owner(el: etree._Element, message: str) -> etree._Element:
    """The element a "failed to validate attributes" error is about: libxml2 names it in
    the message, but gives the path of the child it stood at when it had one."""
    name = owner_name(message)
    return next((a for a in (el, *el.iterancestors()) if _tag(a) == name), el)


def _earlier(grammar: Grammar, parent: etree._Element, el: etree._Element) -> bool:
    """Whether ``el`` would be allowed somewhere before where it stands."""
    p = grammar.content(_tag(parent))
    for c in _children(parent):
        if c is el:
            return False
        if _tag(el) in firsts(p):
            return True
        p = after(p, _tag(c))
    return False
