"""Titles for sentence-case styles: protect what must keep its case, and nothing more.

biblatex's ``\\MakeSentenceCase`` and BibTeX's ``change.case$`` lower-case every letter of a
title that no braces protect. Bracing every capitalised word (what many exporters do) makes
sentence case impossible: "On the Battlefields of the Cold War" keeps every capital. So, as
Better BibTeX does, only words that cannot be lower-cased without becoming wrong are braced:

* acronyms, two or more capitals ("NASA", "USSR", "U.S.", "COVID-19");
* words with a capital after their first letter ("iPhone", "McCarthy", "LaTeX");

what the source braced stays braced, and nothing inside braces or a command's argument is
touched. The first word keeps its capital without braces (styles never lower it).

DOCS: docs/export.md#bibtex-and-csl-json
"""

from __future__ import annotations

import re

# a word at brace depth 0: letters, digits and the marks that join them
_WORD = re.compile(r"[^\W_][\w.'’]*")


def must_keep_case(word: str) -> bool:
    """Whether lower-casing a word (but its first letter) would make it wrong."""
    letters = [c for c in word if c.isalpha()]
    if len(letters) < 2:
        return False
    upper = sum(c.isupper() for c in letters)
    return upper >= 2 or any(c.isupper() for c in letters[1:])


def protect(value: str) -> str:
    """A title value with the words that must keep their case braced (see module doc)."""
    if not any(c.isupper() for c in value):
        return value
    out: list[str] = []
    depth = 0
    i, n = 0, len(value)
    start = 0  # where the text at depth 0 not yet scanned begins
    while i < n:
        ch = value[i]
        if ch == "\\":
            m = _COMMAND.match(value, i)
            end = m.end() if m else i + 1
            if depth == 0:  # a command and its argument are kept as they are
                out.append(_protect_run(value[start:i]))
                if end < n and value[end] == "{":
                    end = _group_end(value, end + 1)
                out.append(value[i:end])
                start = end
            i = end
            continue
        if ch == "{":
            if depth == 0:
                out.append(_protect_run(value[start:i]))
                start = i
            depth += 1
        elif ch == "}" and depth:
            depth -= 1
            if depth == 0:
                out.append(value[start:i + 1])
                start = i + 1
        i += 1
    out.append(_protect_run(value[start:]) if depth == 0 else value[start:])
    return "".join(out)


_COMMAND = re.compile(r"\\(?:[A-Za-z]+|.)")


def _group_end(value: str, pos: int) -> int:
    depth, i, n = 1, pos, len(value)
    while i < n and depth:
        if value[i] == "\\":
            i += 2
            continue
        depth += (value[i] == "{") - (value[i] == "}")
        i += 1
    return min(i, n)


def _protect_run(text: str) -> str:
    return _WORD.sub(lambda m: "{" + m.group() + "}" if must_keep_case(m.group())
                     else m.group(), text)
