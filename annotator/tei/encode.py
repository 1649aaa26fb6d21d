"""Plain text and Markdown encoded as TEI, so every source is TEI from then on.

Paragraphs are blocks separated by blank lines; a text without blank lines has one paragraph per
line (as exported articles often have). A text's first line opens the body as ``<head>`` and is
the title only when it looks like one: at most ``TITLE_MAX`` characters and followed by more
text, and no letter's dateline or salutation; else it is a paragraph (a one-line file is one
paragraph: ``<body>`` never holds a ``<head>`` alone, which TEI does not allow). The first line
or the next paragraph, when it is a letter's place and full date on one line ("Chester, Octr
3d 1766", ``chronology.opening_dateline``) and text follows, is its ``<dateline>``, which
dates the source as a TEI file's dateline does; a salutation on a line of its own opening the
text after it ("My dear Coleridge,") is its ``<salute>``.
Markdown ``#`` headings open nested ``<div>``s with a ``<head>`` (a heading with no text is
none; one with no letter or digit titles nothing);
bullet (``-``, ``*``, ``+``) and ordered (``1.``, ``1)``) lists are a ``<list>`` of ``<item>``s,
so each item is a block of its own in the reading text (no nested lists: an indented line,
an indented item too, is part of the item above it);
entity and numeric character references (``&amp;``, ``&#233;``, ``&eacute;``) are decoded
as CommonMark decodes them, outside code spans; other Markdown, inline HTML too, is kept as text
(escaped, so ``<b>`` is read as the four characters it is). A title longer than ``TITLE_MAX``,
or none, gives way to the file name (or ``title``, given).

DOCS: README.md#sources
"""

from __future__ import annotations

import re
from html.entities import html5

from annotator.chronology import opening_dateline
from annotator.text import esc as escape, not_xml


TITLE_MAX = 100  # characters: a longer first line or heading is text, not a document's title

# An ATX heading's opening (CommonMark 0.31): up to three spaces, one to six '#', then a space,
# a tab or the line's end ('#hashtag', '#######' and a line indented four spaces are text)
_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]|$)")
# A list item's opening (CommonMark 0.31): up to three spaces, a bullet or 1-9 digits and '.' or
# ')', then a space, a tab or the line's end ('-5 degrees' and '2024.' are text)
_ITEM = re.compile(r"( {0,3})([-*+]|[0-9]{1,9}[.)])(?:[ \t]+|$)")
_THEMATIC_BREAK = re.compile(r" {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_TAG = re.compile(r"<[^>]*>")
# CommonMark's references: a named one of HTML5's list, decimal of 1-7 digits, hex of 1-6
_REFERENCE = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{0,31}));")
_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)", re.S)

# A letter's salutation on a line of its own ("My dear Coleridge,", "Dear Mr. Lloyd", "Sir,"),
# of five words at most: not a sentence that opens with one ("Dear Mrs Clarkson will, I
# hope, forgive my silence.", "Dear Sir, I shall come on Monday")
_SALUTE = re.compile(r"(?i:(?:my[ \t]+)?(?:dear(?:est)?|honou?red|respected|beloved)[ \t]"
                     r"[^!?\n]{0,50}[^.!?\n]|(?:sir|madam|gentlemen)[,:!]?)\Z")

_TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0">
  <teiHeader>
    <fileDesc>
      <titleStmt>
        <title>{title}</title>
      </titleStmt>
      <publicationStmt>
        <p>Unpublished; encoded as TEI by annotator.</p>
      </publicationStmt>
      <sourceDesc>
        <p>Encoded from the {kind} file <ref target="{name}">{name}</ref>.</p>
      </sourceDesc>
    </fileDesc>
  </teiHeader>
  <text>
    <body>
{body}
    </body>
  </text>
</TEI>
"""


def _paragraphs(lines: list[str]) -> list[str]:
    """A plain text's paragraphs: split at blank lines where it has any, else one a line."""
    text = "\n".join(lines).strip("\n")
    if not text:
        return []
    if re.search(r"\n[ \t]*\n", text):
        blocks = re.split(r"\n[ \t]*\n+", text)
    else:
        blocks = text.split("\n")
    return [b.strip() for b in blocks if b.strip()]


def _p(text: str, indent: str) -> str:
    return f"{indent}<p>{escape(text)}</p>"


def _lines(text: str) -> list[str]:
    """The file's lines: CRLF and a lone CR end a line, a byte-order mark is no text."""
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")


def _document(*, title: str | None, found: str, kind: str, name: str, body: list[str]) -> str:
    """The TEI document; a title ``found`` in the text too long to be one gives way to the
    file name (a ``title`` given is kept as given)."""
    if not title:
        title = found if found and len(found) <= TITLE_MAX else name
    return _TEMPLATE.format(title=escape(title),
                            kind=kind, name=escape(name).replace('"', "&quot;"),
                            body="\n".join(body or ["      <p/>"]))


def _salute(line: str) -> bool:
    """A letter's salutation alone on its line ("My dear Coleridge,", "Sir,")."""
    return len(line.split()) <= 5 and _SALUTE.match(line) is not None


def encode_text(text: str, *, name: str, title: str | None = None) -> str:
    """A plain-text file as a TEI document (string, to be written as UTF-8)."""
    lines = _lines(text)
    filled = [i for i, ln in enumerate(lines) if ln.strip()]
    first = lines[filled[0]].strip() if filled else ""
    body: list[str] = []
    rest = lines
    dated = len(filled) > 1 and opening_dateline(first)  # a letter opening with its dateline
    if dated:
        body.append(f"      <dateline>{escape(first)}</dateline>")
        rest = lines[filled[0] + 1:]
    if len(filled) > 1 and len(first) <= TITLE_MAX and not dated and \
            not _salute(first):  # short, and more text after it: a head
        body.append(f"      <head>{escape(first)}</head>")
        rest = lines[filled[0] + 1:]
    else:
        first = ""
    paragraphs = _paragraphs(rest)
    if not dated and len(paragraphs) > 1 and opening_dateline(paragraphs[0]):
        body.append(f"      <dateline>{escape(paragraphs.pop(0))}</dateline>")  # place, date
    if len(paragraphs) > 1 and _salute(paragraphs[0]):  # "My dear Coleridge,"
        body.append(f"      <salute>{escape(paragraphs.pop(0))}</salute>")
    body.extend(_p(p, "      ") for p in paragraphs)
    return _document(title=title, found=first, kind="plain-text", name=name, body=body)


def _reference(m: re.Match[str]) -> str:
    dec, hex_, named = m.groups()
    if named is not None:
        return html5.get(named + ";", m.group())
    code = int(dec) if dec is not None else int(hex_, 16)
    # CommonMark: U+0000 (and what is no character) is U+FFFD; so is what XML cannot hold
    char = chr(code) if 0 < code <= 0x10FFFF else "\ufffd"
    return "\ufffd" if not_xml(char) is not None else char


def decode_references(text: str) -> str:
    """Markdown text with its entity and numeric character references decoded, as CommonMark
    does (``&amp;`` -> ``&``, ``&#233;`` and ``&eacute;`` -> ``é``; an unknown name is text);
    a code span keeps them as written."""
    out: list[str] = []
    at = 0
    for code in _CODE_SPAN.finditer(text):
        out.append(_REFERENCE.sub(_reference, text[at:code.start()]))
        out.append(code.group())
        at = code.end()
    out.append(_REFERENCE.sub(_reference, text[at:]))
    return "".join(out)


def _heading(line: str) -> tuple[int, str] | None:
    """An ATX heading's level and text, or None. A closing run of '#' goes only when a space or
    tab comes before it ('# foo #' is 'foo', '# foo#' is 'foo#', '# #' has no text), as
    CommonMark says; plain string ops, not one regex, so a long line of spaces stays linear."""
    m = _HEADING.match(line)
    if not m:
        return None
    text = line[m.end(1):].strip(" \t")
    bare = text.rstrip("#")
    if not bare or bare[-1] in " \t":
        text = bare.rstrip(" \t")
    return len(m.group(1)), text


def _item(line: str) -> tuple[str, str, str, int] | None:
    """A list item's kind (its bullet, or an ordered list's '.' or ')'), number ('' for a
    bullet), text and the indent its further lines have; None for a line that opens none
    ('- - -' is a thematic break, kept as text)."""
    m = _ITEM.match(line)
    if not m or _THEMATIC_BREAK.match(line):
        return None
    marker = m.group(2)
    bullet = marker in ("-", "*", "+")
    return (marker if bullet else marker[-1], "" if bullet else marker[:-1], line[m.end():],
            len(m.group(1)) + len(marker) + 1)


_Block = tuple[str, list[tuple[str, list[str]]]]  # kind ('' a paragraph), items (number, lines)


def _markdown_blocks(lines: list[str]) -> list[_Block]:
    """Paragraphs and lists. A list ends at a blank line, at a line that is no item and not
    indented, or at an item of another kind (CommonMark starts a new list there); an item
    interrupts a paragraph only when it has text and, ordered, starts at 1, as CommonMark says
    ('the year\n1999. was' is one paragraph)."""
    blocks: list[_Block] = []
    current: _Block | None = None
    width = 0  # the indent that continues the current item
    for line in lines:
        if not line.strip(" \t"):
            current = None
            continue
        item = _item(line)
        indent = len(line) - len(line.lstrip(" \t"))
        in_list = current is not None and current[0] != ""
        if current is not None and in_list and (indent >= width or (item is None and indent > 0)):
            current[1][-1][1].append(line)  # an indented line: the item goes on
            continue
        if item is not None and (in_list or current is None or (
                item[2].strip(" \t") and (not item[1] or int(item[1]) == 1))):
            kind, number, text, width = item
            if current is None or current[0] != kind:
                current = (kind, [])
                blocks.append(current)
            current[1].append((number, [text]))
            continue
        if current is None or current[0] != "":
            current = ("", [("", [])])
            blocks.append(current)
        current[1][0][1].append(line)
    return blocks


def _render(blocks: list[_Block], indent: str) -> list[str]:
    """Markdown's paragraphs and lists as TEI lines; their text decoded and escaped."""
    out: list[str] = []
    for kind, items in blocks:
        texts = [(n, escape(decode_references("\n".join(ls).strip()))) for n, ls in items]
        if not kind:
            out.extend(f"{indent}<p>{t}</p>" for _, t in texts if t)
            continue
        out.append(f'{indent}<list rend="{"numbered" if kind in ".)" else "bulleted"}">')
        for number, text in texts:
            n = f' n="{number}"' if number else ""
            out.append(f"{indent}  <item{n}>{text}</item>" if text else f"{indent}  <item{n}/>")
        out.append(f"{indent}</list>")
    return out


def encode_markdown(text: str, *, name: str, title: str | None = None) -> str:
    """A Markdown file as TEI: headings open nested divisions, lists are lists."""
    lines = _lines(text)
    out: list[str] = []
    levels: list[int] = []
    pending: list[str] = []
    first_heading = ""

    def flush() -> None:
        indent = "      " + "  " * len(levels)
        out.extend(_render(_markdown_blocks(pending), indent))
        pending.clear()

    texts: list[str] = []  # the lines of text, headings left out

    for line in lines:
        found_heading = _heading(line)
        if found_heading is None:
            pending.append(line)
            if line.strip():
                texts.append(line.strip())
            continue
        flush()
        level, heading = found_heading[0], decode_references(found_heading[1])
        if not heading.strip():  # an empty heading is no heading: no <div>, no empty <head>
            continue
        while levels and levels[-1] >= level:
            levels.pop()
            out.append("      " + "  " * len(levels) + "</div>")
        indent = "      " + "  " * len(levels)
        out.append(f"{indent}<div>")
        out.append(f"{indent}  <head>{escape(heading)}</head>")
        levels.append(level)
        first_heading = first_heading or (heading if _names(heading) else "")
    flush()
    while levels:
        levels.pop()
        out.append("      " + "  " * len(levels) + "</div>")
    first = decode_references(texts[0]) if len(texts) > 1 else ""
    found = first_heading or (first if _names(first) else "")
    return _document(title=title, found=found, kind="Markdown", name=name, body=out)


def _names(line: str) -> bool:
    """A heading or line can title a document: a letter or digit outside its tags ('---',
    '**' or '<b></b>' name nothing)."""
    return any(c.isalnum() for c in _TAG.sub("", line))
