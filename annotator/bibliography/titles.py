"""Titles for sentence-case styles: protect what must keep its case, and nothing more.

biblatex's ``\\MakeSentenceCase`` and BibTeX's ``change.case$`` lower-case every letter of a
title that no braces protect. Bracing every capitalised word (what many exporters do) makes
sentence case impossible: "On the Battlefields of the Cold War" keeps every capital. So, as
Better BibTeX does, only words that cannot be lower-cased without becoming wrong are braced:

* acronyms, two or more capitals ("NASA", "USSR", "U.S.", "COVID-19");
* words with a capital after their first letter ("iPhone", "McCarthy", "LaTeX");

what the source braced stays braced, and nothing inside braces or a command's argument is
touched. The first word keeps its capital without braces (styles never lower it).

A title as written (``as_written``: the classic BibTeX file's titles read from a TEI source)
is no title-case .bib title but the text as printed, in which, as in Zotero's sentence-case
titles that Better BibTeX protects, a capital after the first word marks a proper noun or
an acronym: every word with a capital but the first is braced ("Richard Bull to Thomas
Pennant" -> "Richard {Bull} to {Thomas} {Pennant}"), what is braced already left as it is.

DOCS: docs/export.md#bibtex-and-csl-json
"""

from __future__ import annotations

import re
from collections.abc import Callable

from annotator.bibliography.latex import group_end

# a word at brace depth 0: letters, digits and the marks that join them
_WORD = re.compile(r"[^\W_][\w.'’]*")


def must_keep_case(word: str) -> bool:
    """Whether lower-casing a word (but its first letter) would make it wrong."""
    letters = [c for c in word if c.isalpha()]
    if len(letters) < 2:
        return False
    upper = sum(c.isupper() for c in letters)
    return upper >= 2 or any(c.isupper() for c in letters[1:])


def protect(value: str, *, as_written: bool = False) -> str:
    """A title value with the words that must keep their case braced (see module doc);
    ``as_written``: every word with a capital but the title's first (see module doc)."""
    if not any(c.isupper() for c in value):
        return value
    first = re.search(r"[^\W_]", value)
    keep = _keeper(first.start() if first and as_written else None)
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
                out.append(_protect_run(value[start:i], start, keep))
                if end < n and value[end] == "{":
                    end = group_end(value, end + 1)
                out.append(value[i:end])
                start = end
            i = end
            continue
        if ch == "{":
            if depth == 0:
                out.append(_protect_run(value[start:i], start, keep))
                start = i
            depth += 1
        elif ch == "}" and depth:
            depth -= 1
            if depth == 0:
                out.append(value[start:i + 1])
                start = i + 1
        i += 1
    out.append(_protect_run(value[start:], start, keep) if depth == 0 else value[start:])
    return "".join(out)


_COMMAND = re.compile(r"\\(?:[A-Za-z]+|.)")


def _keeper(first: int | None) -> Callable[[str, int], bool]:
    """Which words to brace: those that must keep their case, or (``first``: where the title's
    first word starts, for a title as written) every word with a capital but that one."""
    if first is None:
        return lambda word, _at: must_keep_case(word)
    return lambda word, at: must_keep_case(word) or (
        at != first and any(c.isupper() for c in word))


def _protect_run(text: str, offset: int, keep: Callable[[str, int], bool]) -> str:
    return _WORD.sub(lambda m: "{" + m.group() + "}" if keep(m.group(), offset + m.start())
                     else m.group(), text)
