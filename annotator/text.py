"""Small rules on text that many layers need, each written once: trimming a span, slugs,
XML escaping.

DOCS: docs/architecture.md
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from annotator.errors import DecisionError


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The span [start, end) of ``text`` without whitespace at either end (empty stays empty)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _in_word(char: str) -> bool:
    return char.isalnum() or unicodedata.category(char).startswith("M")


def whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """The span [start, end) of ``text`` widened to the whole words its edges cut, then
    trimmed: offsets typed by hand ('memo:0:40') cover 'held in', never 'held i'."""
    while 0 < start < len(text) and _in_word(text[start - 1]) and _in_word(text[start]):
        start -= 1
    while 0 < end < len(text) and _in_word(text[end - 1]) and _in_word(text[end]):
        end += 1
    return trim(text, start, end)


def cuts_word(text: str, start: int, end: int) -> bool:
    """Whether [start, end) of ``text`` begins or ends inside a word ('Paris' of 'Parisian'),
    by the word characters ``whole_words`` widens over."""
    return whole_words(text, start, end) != trim(text, start, end)


def span_fault(start: int, end: int, length: int) -> str | None:
    """Why ``start:end`` is no span of a text of ``length`` characters, in the words of a
    refusal, or None when it is one: a reversed span is told as such ('10:5'), with the span
    meant, not as one outside the text."""
    if 0 <= start < end <= length:
        return None
    if 0 <= end < start <= length:
        return f"is reversed (its start after its end: did you mean {end}:{start}?)"
    return f"is not inside the reading text (0:{length})" if start != end else "is empty"


def word_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``whole_words`` of [start, end), or None when it holds no word (only spaces or
    punctuation): what a span typed or selected by hand marks, as INCEpTION and Recogito snap
    a selection to tokens ('Molot' of 'Molotov' marks 'Molotov')."""
    start, end = whole_words(text, start, end)
    return (start, end) if any(_in_word(c) for c in text[start:end]) else None


def crosses_block(text: str, start: int, end: int) -> bool:
    """Whether [start, end) of a reading text runs from one block (paragraph, heading, list
    item...) into the next: a reading text's only line breaks are the blank line ("\\n\\n")
    between blocks (``tei.textmap``: whitespace inside a block is one space)."""
    return "\n" in text[start:end]


def widened_note(text: str, asked: tuple[int, int], got: tuple[int, int]) -> str:
    """What a hand-made span marked when it is more than what was given, less spaces: "marked
    'Molotov' (12:19), not 'Molot' (12:17), which cut a word"; '' when it is the span given.
    Each span is quoted as its offsets hold it (``'t '`` for 84:86, not ``'t'``)."""
    a, b = asked
    if tuple(got) == trim(text, a, b):
        return ""
    why = ("which cut a word" if cuts_word(text, a, b)
           else "as the edition marks such a name")
    return (f"marked {span_repr(text, *got)} ({got[0]}:{got[1]}), not {span_repr(text, a, b)} "
            f"({a}:{b}), {why}")


def span_repr(text: str, start: int, end: int, limit: int = 60) -> str:
    """The exact characters of a span, as Python writes them ('t ', 'a\\nb'): one line, its
    spaces seen; a long one clipped in the middle."""
    said = text[start:end]
    if len(said) > limit:
        said = f"{said[:limit // 2 - 1]}…{said[-(limit // 2):]}"
    return repr(said)


def slug(text: str, *, limit: int = 60, empty: str = "x", latin: bool = True) -> str:
    """The slug part of an entity id (or a source id): ASCII, lower case, words joined by '-'.
    Letters of every script are spelt as keys and searches spell them (``ascii_letters``:
    "Łódź" -> "lodz", "Пушкин" -> "pushkin"); ``latin=False``: what NFKD cannot make ASCII is
    dropped, as source ids always were (``empty`` when nothing is left)."""
    ascii_ = (ascii_letters(text) if latin else
              unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode())
    s = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")
    return s[:limit].rstrip("-") or empty


def source_id(file_name: str) -> str:
    """The id a source added from a file of this name gets (``A00187143.xml`` ->
    ``a00187143``); its file keeps the name. Adding a file again finds its source by this id,
    so it is made as it always was (``latin=False``): a workspace's ids stay its own."""
    stem = file_name.rsplit(".", 1)[0] if "." in file_name.lstrip(".") else file_name
    return slug(stem, limit=48, empty="source", latin=False)


# -- XML text ---------------------------------------------------------------------------------
# What no XML 1.0 file can hold: C0 controls but tab, line feed and carriage return; U+FFFE and
# U+FFFF; lone surrogates. A source's own text is refused only for these (S017).
_NOT_XML_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff"
_NOT_XML = re.compile(f"[{_NOT_XML_CHARS}]")
# What an editor types (a name, a note, a decisions file) may not hold: those, and DEL and the C1
# controls (U+007F-U+009F), which XML 1.0 allows but discourages: they never belong in a name or
# a note, and a terminal runs some of them ('entities' showed 'bad^?'). A character class, for
# the stricter sets built on it (an editor's name).
NOT_TYPED_CHARS = f"{_NOT_XML_CHARS}\x7f-\x9f"
_NOT_TYPED = re.compile(f"[{NOT_TYPED_CHARS}]")


def first_few(items: Sequence[str], shown: int = 3) -> str:
    """Items too many for one line of a message, cut: the first ``shown`` joined by commas,
    then how many more ('a, b, c and 4 more'); the message says how many in all."""
    more = f" and {len(items) - shown} more" if len(items) > shown else ""
    return ", ".join(items[:shown]) + more


def line_col(text: str, at: int) -> tuple[int, int]:
    """Line and column (from 1, a column counting characters) of offset ``at`` of ``text``:
    where a message sends an editor in the file's own text."""
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1


def not_xml(text: str, *, typed: bool = False) -> tuple[int, int, str] | None:
    """(line, column, 'control character U+0007') of the first character no XML file can
    hold (``typed``: nor what an editor types, DEL and the C1 controls too), else None.

    Text holding one could never be exported as TEI, so it is refused where it comes in (a
    .txt, a .bib, an editor's note), not found out by a broken export later.
    """
    m = (_NOT_TYPED if typed else _NOT_XML).search(text)
    if m is None:
        return None
    return (*line_col(text, m.start()), not_xml_named(m.group()))


# Letters are spelt in ASCII by anyascii (ISC): Latin letters as Text::Unidecode spells them
# but 'ĸ' ('q', Greenlandic's spelling since 1973; 'k' before), 'Пушкин' -> 'Pushkin',
# 'Ἀριστοτέλης' -> 'Aristotelis', '田中' -> 'TianZhong'. Imported on first use: it reads its
# tables from its package data, and start-up needs none of them. One spelling for entity ids,
# citation keys and searches.
def ascii_letters(text: str) -> str:
    """``text`` in ASCII, case mostly kept: every letter, mark and digit as anyascii spells it
    ('Łódź' -> 'Lodz', 'Толстой' -> 'Tolstoy'), any other character a space (a separator, as
    ASCII punctuation is: 'O’Brien' as 'O'Brien'): what ids and keys are made of."""
    if text.isascii():
        return text
    from anyascii import anyascii

    return "".join(c if c.isascii() else anyascii(c) if unicodedata.category(c)[0] in "LMN"
                   else " " for c in text)


def fold(text: str) -> str:
    """``text`` as a search compares it: case and accents folded, Latin letters spelt as
    ``ascii_letters`` spells them ('Łódź' -> 'lodz', 'Æthelred' -> 'aethelred'), other scripts
    kept ('Сидоров' -> 'сидоров'), so a query typed in ASCII finds the name and one in Cyrillic
    finds only what it names."""
    return "".join(ascii_letters(c) if not c.isascii() and _is_latin(c) else c
                   for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c)).casefold()


def _is_latin(char: str) -> bool:
    return unicodedata.name(char, "").startswith("LATIN ")


def not_xml_named(char: str) -> str:
    """What a character no XML file can hold is, for a message: 'control character U+0007',
    'noncharacter U+FFFE' or 'lone surrogate U+D800' (U+FFFE is no control character). DEL and
    the C1 controls (U+007F-U+009F), which XML holds but a .bib refuses, are control
    characters too; an invisible or bidi character an editor's name refuses is a 'format
    character U+202E RIGHT-TO-LEFT OVERRIDE' (its Unicode name, for a character no one sees;
    controls and noncharacters have none), U+2028 a 'line separator'."""
    code = ord(char)
    kind = ("noncharacter" if code in (0xFFFE, 0xFFFF) else
            "lone surrogate" if 0xD800 <= code <= 0xDFFF else
            _FORMATS.get(unicodedata.category(char), "control character"))
    name = unicodedata.name(char, "")
    return f"{kind} U+{code:04X}" + (f" {name}" if name and name != kind.upper() else "")


_FORMATS = {"Cf": "format character", "Zl": "line separator", "Zp": "paragraph separator"}


def first_not_xml(values: Iterable[object]) -> str | None:
    """``not_xml_named`` of the first character no XML file can hold, DEL or C1 control
    (``not_xml(typed=True)``) in the strings among ``values`` (lists, tuples and dicts looked
    into), else None: for what an editor types."""
    for v in values:
        if isinstance(v, str):
            found = not_xml(v, typed=True)
            if found is not None:
                return found[2]
        elif isinstance(v, dict | list | tuple):
            inner = first_not_xml([*v.keys(), *v.values()] if isinstance(v, dict) else v)
            if inner is not None:
                return inner
    return None


def refuse_not_xml(values: Iterable[object]) -> None:
    """Refuse an editor's act whose text (a note, a name, a locus) holds a character no TEI
    file can hold (accepted, it would make every later export not well-formed), DEL or a C1
    control (shown raw, or run by a terminal)."""
    bad = first_not_xml(values)
    if bad is not None:
        raise DecisionError(f"the text holds the {bad}",
                            hint="remove it (TEI cannot hold it or discourages it) and try again",
                            code="D018")


# ``translate`` looks every character up in a dict (600 ns for an id); most texts need no
# escape, which one regular-expression search finds out (80 ns).
def esc(text: str) -> str:
    """Text content, escaped (``&``, ``<``, ``>``)."""
    return text.translate(_TEXT_ESCAPES) if _TEXT_SPECIAL.search(text) else text


def attrs(pairs: Iterable[tuple[str, str | None]]) -> str:
    """`` name="value"`` for each pair with a value, in the given order, escaped (tab, LF and
    CR as references, so attribute-value normalisation keeps them)."""
    return "".join([f' {name}="{attr_value(value)}"' for name, value in pairs
                    if value is not None])


def attr_value(value: str) -> str:
    """An attribute's value, escaped as ``attrs`` escapes it (for a tag written whole)."""
    return value.translate(_ATTR_ESCAPES) if _ATTR_SPECIAL.search(value) else value


_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTR_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                               "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"})
_TEXT_SPECIAL = re.compile("[&<>]")
_ATTR_SPECIAL = re.compile('[&<>"\t\n\r]')


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


# a negative number or an ISO date BC (or a range from one): data, no formula that runs
_SIGNED = re.compile(r"-\d+(?:\.\d+)?|-\d{4}(?:-\d\d){0,2}(?:/-?\d{4}(?:-\d\d){0,2})?")


def spreadsheet_safe(value: str) -> str:
    """A CSV cell a spreadsheet shows as text: one starting with = + - @ (or a tab, a CR) is
    a formula to Excel and LibreOffice ('=HYPERLINK(...)' in an agent's name runs), so it
    gets a leading ' as OWASP's CSV-injection advice says; a minus then digits (a number, a
    year BC such as -0044, an ISO date) calls nothing, and stays as it is, for scripts."""
    if value.startswith(_FORMULA) and not _SIGNED.fullmatch(value):
        return "'" + value
    return value
