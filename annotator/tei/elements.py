"""A file's elements without its tree: tag, parent, attributes and namespaces of every node.

An export reads little of a file's tree (which element a tag is, an id, a pointer, the
namespaces in force) and parsing the file for it took as long as the rest of the export's
work on it. These facts are made when the text map is built, from the same ``root.iter()``
nodes its numbers refer to, and kept with it (``textmap_pack``): an export loads them, and
parses the file only for what they do not hold (the text of an element).

DOCS: docs/store.md#text-maps
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from lxml import etree

from annotator.tei.parse import XML_ID

# the tag of a node that is no element (a comment, a processing instruction, an entity)
NOT_ELEMENT = ""
# the attributes kept: those that say what an element is (its id, the fragments it joins,
# who or what it points to, its type, a date's value, a prefix's definition)
KEPT = (XML_ID, "prev", "next", "type", "ref", "key", "corresp", "target", "when", "from",
        "to", "notBefore", "notAfter", "ident", "matchPattern", "replacementPattern")


@dataclass(slots=True)
class Elements:
    """Every node of ``root.iter()``, by its number there."""

    tags: list[str]  # '{namespace}local' of an element, NOT_ELEMENT for other nodes
    parent: list[int]  # -1 for the root
    attrs: dict[str, dict[int, str]]  # KEPT name (as lxml names it) -> element -> value
    nsmaps: dict[int, dict[str, str]]  # the root's and where declarations change them ('' default)
    _children: dict[int, list[int]] | None = field(default=None, repr=False, compare=False)
    _by_tag: dict[str, list[int]] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def of(cls, nodes: Sequence[etree._Element]) -> Elements:
        """The facts of ``nodes``, ``list(root.iter())``."""
        index = {id(n): i for i, n in enumerate(nodes)}
        tags: list[str] = []
        parent: list[int] = []
        attrs: dict[str, dict[int, str]] = {name: {} for name in KEPT}
        nsmaps: dict[int, dict[str, str]] = {}
        seen: list[dict[str | None, str]] = []  # each node's nsmap (lxml makes it per call)
        for i, n in enumerate(nodes):
            up = n.getparent()
            parent.append(index[id(up)] if up is not None and id(up) in index else -1)
            if not isinstance(n.tag, str):
                tags.append(NOT_ELEMENT)
                seen.append({})
                continue
            tags.append(n.tag)
            if n.attrib:
                for name, value in n.attrib.items():
                    if name in attrs:  # lxml gives str on Python 3 (its stubs say str | bytes)
                        attrs[str(name)][i] = str(value)
            ns = n.nsmap
            seen.append(ns)
            if i == 0 or ns != seen[parent[i]]:
                nsmaps[i] = {p or "": u for p, u in ns.items()}
        return cls(tags, parent, attrs, nsmaps)

    def get(self, node: int, name: str) -> str | None:
        """Attribute ``name`` (one of ``KEPT``) of element ``node``, as ``el.get``."""
        return self.attrs[name].get(node)

    def nsmap(self, node: int) -> dict[str, str]:
        """The namespaces in force on element ``node`` ('' for the default one)."""
        while node not in self.nsmaps and node > 0:
            node = self.parent[node]
        return self.nsmaps.get(node, {})

    def children(self, node: int) -> list[int]:
        """The element children of ``node``, in document order."""
        if self._children is None:
            kids: dict[int, list[int]] = {}
            for i, (p, tag) in enumerate(zip(self.parent, self.tags)):
                if tag:
                    kids.setdefault(p, []).append(i)
            self._children = kids
        return self._children.get(node, [])

    def child(self, node: int, tag: str) -> int | None:
        """The first element child of ``node`` with ``tag``."""
        return next((c for c in self.children(node) if self.tags[c] == tag), None)

    def iter(self, tags: Iterable[str]) -> list[int]:
        """The elements with one of ``tags``, in document order."""
        if self._by_tag is None:
            by_tag: dict[str, list[int]] = {}
            for i, t in enumerate(self.tags):
                by_tag.setdefault(t, []).append(i)
            self._by_tag = by_tag
        found = [self._by_tag.get(t, []) for t in dict.fromkeys(tags)]
        return found[0] if len(found) == 1 else sorted(i for f in found for i in f)

    def dump(self) -> bytes:
        table = list(dict.fromkeys(self.tags))
        at = {t: i for i, t in enumerate(table)}
        return json.dumps({"table": table, "tags": [at[t] for t in self.tags],
                           "parent": self.parent,
                           "attrs": {k: list(v.items()) for k, v in self.attrs.items()},
                           "nsmaps": list(self.nsmaps.items())},
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    @classmethod
    def load(cls, blob: bytes) -> Elements:
        """What ``dump`` wrote; ValueError when it is not that."""
        try:
            head = json.loads(blob)
            table, attrs = head["table"], head["attrs"]
            # [node, value] pairs make a dict as they are: no tuple made per attribute
            return cls([table[t] for t in head["tags"]], list(head["parent"]),
                       {name: dict(attrs[name]) for name in KEPT},
                       {int(k): dict(v) for k, v in head["nsmaps"]})
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise ValueError(f"not kept elements ({exc})") from None
