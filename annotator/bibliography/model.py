"""What reading a bibliography file gives, whatever its format (.bib, CSL-JSON): each entry
as read, and each problem met, with where and how bad.

DOCS: docs/claims.md#bibliography
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# a key BibTeX can cite
KEY_OK = re.compile(r"^[^\s,{}()=#%\"'\\~]+$")
# what no bibliography text holds: C0 and C1 controls, DEL, noncharacters
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
WARNING, SKIPPED, REFUSED = "warning", "skipped", "refused"
NOTE = "note"  # how a value is read, a likely duplicate: worth a look, never refused


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a bibliography file: where, which entry, what, what to do, how bad."""

    path: str
    line: int | None
    key: str
    what: str
    hint: str
    code: str
    severity: str = WARNING
    col: int | None = None

    @property
    def entry(self) -> str:
        """The entry as a message names it: ``entry 'key': ``, ``the entry at line 11: ``
        for one without a key (a key holds no space), or nothing."""
        if self.key.startswith("at line "):
            return f"the entry {self.key}: "
        return f"entry '{self.key}': " if self.key else ""

    def __str__(self) -> str:
        where = ":".join(str(x) for x in (self.path, self.line, self.col) if x)
        return f"{where}: {self.entry}{self.what}; {self.hint} [{self.code}]"


@dataclass(slots=True)
class Read:
    """One entry as read: file, line (1-based), key ("" when the file gives none), type
    (lower case), fields (lower-case names, stored values, the file's order), the URI of
    the reference manager's item it was exported from ('': none given) and whether its key
    is a generic id a processor numbered (citeproc-js's and Mendeley's ``ITEM-2``), which
    another work's key may be: one is then made for it, as for an entry without a key."""

    path: str
    line: int
    key: str
    type: str
    fields: dict[str, str] = field(default_factory=dict)
    uri: str = ""
    generic: bool = False


def duplicate(key: str, name: str, line: int, seen: dict[str, tuple[str, int]],
              problems: list[Problem]) -> bool:
    """Whether ``key`` was read before (case ignored, in any of the files added together):
    the later entry is then left out, as biber does, with a warning naming the first; else
    the key is remembered in ``seen`` as read at ``name``:``line``."""
    first = seen.get(key.lower())
    if first is None:
        seen[key.lower()] = (name, line)
        return False
    where = f"line {first[1]}" if first[0] == name else f"{first[0]}:{first[1]}"
    problems.append(Problem(name, line, key, f"duplicate key (first at {where})",
                            "left out, as biber does: give it a key of its own to keep it",
                            "S302"))
    return True
