"""A .bib file split into its blocks (@string, @preamble, entries), as biber's btparse does.

bibtexparser's splitter ends a quoted value at any '"', even inside braces, where BibTeX and
biber do not: ``subtitle = "{Ein Handbuch f{\\"u}r zeitgem{"a}{\\ss} Schaffende}"`` (German
babel shorthand, common in real files) lost that entry's remaining fields without a word.
This splitter follows BibTeX's rules: a quoted value ends at a '"' outside braces, braces
balance regardless of backslashes, ``#`` joins parts, a bare word is a macro. An entry it
cannot read is a ``Failed`` block (reading resumes at the next '@' that starts a line), never
an exception; nothing recurses, so nesting depth costs nothing.

Text outside blocks is a comment, as for BibTeX; ``@comment`` blocks are skipped.

DOCS: docs/claims.md#bibliography
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

# a value part: ("{", text) braced, ('"', text) quoted, ("0", digits), ("macro", name)
Part = tuple[str, str]


@dataclass(slots=True)
class Field:
    name: str
    parts: list[Part]
    line: int


@dataclass(slots=True)
class Block:
    """One block: kind "entry", "string", "preamble" or "failed"; ``line`` 1-based; ``start``
    and ``end`` the offsets of its '@' and after its close (a failed block's reaches where
    reading resumed), so what lies outside every block is known (BibTeX reads none of it)."""

    kind: str
    line: int
    type: str = ""
    key: str = ""
    fields: list[Field] = field(default_factory=list)
    reason: str = ""
    start: int = 0
    end: int = 0


class _Abort(Exception):
    def __init__(self, reason: str, resume: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.resume = resume


_AT = re.compile(r"@[ \t]*([A-Za-z][\w-]*)?[ \t\r\n]*([{(]?)")
_SPACE = re.compile(r"(?:\s|%[^\n]*(?:\n|$))*")
_NAME = re.compile(r"[^\s\"#%'(),={}]+")
_NUMBER = re.compile(r"\d+(?![^\s\"#%'(),={}])")
_BRACES = re.compile(r"[{}]")
_QUOTED = re.compile(r"[{}\"]")
_LINE_START_AT = re.compile(r"\n[ \t]*@[ \t]*[A-Za-z]")


def split(text: str) -> list[Block]:
    """The blocks of a .bib text, in order."""
    return _Reader(text).blocks()


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        # where a new block may start: an '@' first on its line (reading resumes there, and a
        # value still open there was never closed)
        self.starts = [m.start() + 1 for m in _LINE_START_AT.finditer(text)]

    def line(self, pos: int) -> int:
        return bisect.bisect_left(self.newlines, pos) + 1

    def next_start(self, pos: int) -> int:
        i = bisect.bisect_left(self.starts, pos)
        return self.starts[i] if i < len(self.starts) else self.n

    def blocks(self) -> list[Block]:
        text = self.text
        out: list[Block] = []
        pos = 0
        while True:
            m = _AT.search(text, pos)
            if m is None:
                return out
            kind = (m.group(1) or "").lower()
            line = self.line(m.start())
            if not m.group(2) or not (kind or m.group(2) == "{"):  # '@word' with no brace: comment text, as for BibTeX
                pos = m.end()
                continue
            close = "}" if m.group(2) == "{" else ")"
            try:
                if kind == "comment":
                    pos = self.skip_comment(m.end(), close)
                elif kind == "preamble":
                    _parts, pos = self.value(self.skip(m.end()))
                    pos = self.expect(pos, close)
                    out.append(Block("preamble", line, start=m.start(), end=pos))
                elif kind == "string":
                    name, pos = self.field_name(self.skip(m.end()))
                    parts, pos = self.value(pos)
                    pos = self.expect(pos, close)
                    out.append(Block("string", line, key=name, fields=[Field(name, parts, line)],
                                     start=m.start(), end=pos))
                else:
                    block, pos = self.entry(m.end(), close)
                    block.type, block.line, block.start, block.end = kind, line, m.start(), pos
                    out.append(block)
            except _Abort as err:
                pos = max(err.resume, m.end())
                out.append(Block("failed", line, type=kind, key=_raw_key(text, m.end()),
                                 reason=err.reason, start=m.start(), end=pos))

    def entry(self, pos: int, close: str) -> tuple[Block, int]:
        text, n = self.text, self.n
        pos = self.skip(pos)
        m = _KEY.match(text, pos)
        key = m.group() if m else ""
        pos = self.skip(m.end() if m else pos)
        block = Block("entry", 0, key=key)
        while True:
            if pos < n and text[pos] == close:
                return block, pos + 1
            if pos >= n or text[pos] != ",":
                what = f"field '{block.fields[-1].name}'" if block.fields else "the key"
                raise self.abort(f"expected ',' or '{close}' after {what}", pos)
            pos = self.skip(pos + 1)
            if pos < n and text[pos] in (",", close):
                continue
            line = self.line(pos)
            name, pos = self.field_name(pos)
            parts, pos = self.value(pos)
            block.fields.append(Field(name.lower(), parts, line))
            pos = self.skip(pos)

    def field_name(self, pos: int) -> tuple[str, int]:
        m = _NAME.match(self.text, pos)
        if m is None:
            raise self.abort("expected a field name", pos)
        pos = self.skip(m.end())
        if pos >= self.n or self.text[pos] != "=":
            raise self.abort(f"expected '=' after '{m.group()}'", pos)
        return m.group(), self.skip(pos + 1)

    def value(self, pos: int) -> tuple[list[Part], int]:
        """The parts of a value joined by '#', and the position after it."""
        text, n = self.text, self.n
        parts: list[Part] = []
        while True:
            if pos >= n:
                raise self.abort("the file ends inside a value", pos)
            ch = text[pos]
            if ch in "{\"":
                end = self.group_end(pos + 1, quoted=ch == '"')
                parts.append((ch, text[pos + 1:end - 1]))
                pos = end
            else:
                m = _NUMBER.match(text, pos) or _NAME.match(text, pos)
                if m is None:
                    raise self.abort("expected a value", pos)
                parts.append(("0" if m.group().isdigit() else "macro", m.group()))
                pos = m.end()
            pos = self.skip(pos)
            if pos < n and text[pos] == "#":
                pos = self.skip(pos + 1)
                continue
            return parts, pos

    def group_end(self, pos: int, *, quoted: bool = False) -> int:
        """Index after the '}' (or the '"' outside braces) closing a value opened before
        ``pos``; reaching an '@' that starts a line first means it was never closed."""
        depth = 0 if quoted else 1
        stop = self.next_start(pos)
        for m in (_QUOTED if quoted else _BRACES).finditer(self.text, pos, stop):
            ch = m.group()
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0 and not quoted:
                    return m.end()
                if depth < 0:
                    raise _Abort("a '}' closes more than the quoted value opened",
                                 self.next_start(m.end()))
            elif depth == 0:  # '"' outside braces
                return m.end()
        missing = "'\"'" if quoted and depth == 0 else "'}'"
        where = "a new entry starts" if stop < self.n else "the file ends"
        raise _Abort(f"unbalanced braces or quotes: {where} while a {missing} is missing", stop)

    def skip_comment(self, pos: int, close: str) -> int:
        if close == ")":
            end = self.text.find(")", pos)
            return self.n if end < 0 else end + 1
        try:
            return self.group_end(pos)
        except _Abort as err:
            return err.resume

    def expect(self, pos: int, close: str) -> int:
        pos = self.skip(pos)
        if pos < self.n and self.text[pos] == close:
            return pos + 1
        raise self.abort(f"expected '{close}'", pos)

    def skip(self, pos: int) -> int:
        m = _SPACE.match(self.text, pos)
        return m.end() if m else pos

    def abort(self, what: str, pos: int) -> _Abort:
        if pos >= self.n:
            found = "the end of the file"
        else:
            found = repr(self.text[pos:pos + 12].split("\n")[0] or "\n")
        return _Abort(f"{what}, found {found}", self.next_start(pos))


_KEY = re.compile(r"[^\s,{}()=\"#%]*")


def _raw_key(text: str, pos: int) -> str:
    m = re.compile(r"\s*([^,\s{}()=]*)").match(text, pos)
    return m.group(1) if m and m.group(1) else "?"
