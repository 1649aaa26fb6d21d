"""Plain text and Markdown encoded as TEI, so every source is TEI from then on.

Paragraphs are blocks separated by blank lines; a text without blank lines has one paragraph per
line (as exported articles often have). The first line is the title (unless ``title`` is given)
and opens the body as ``<head>``, so the reading text keeps every word of the file. Markdown
``#`` headings open nested ``<div>``s with a ``<head>``; other Markdown is kept as text.
"""

from __future__ import annotations

import re

from annotator.text import esc as escape


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")

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


def _paragraphs(lines: list[str], *, by_line: bool = False) -> list[str]:
    text = "\n".join(lines).strip("\n")
    if not text:
        return []
    if not by_line or re.search(r"\n[ \t]*\n", text):
        blocks = re.split(r"\n[ \t]*\n+", text)
    else:
        blocks = text.split("\n")
    return [b.strip() for b in blocks if b.strip()]


def _p(text: str, indent: str) -> str:
    return f"{indent}<p>{escape(text)}</p>"


def encode_text(text: str, *, name: str, title: str | None = None) -> str:
    """A plain-text file as a TEI document (string, to be written as UTF-8)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")  # CR alone: a line end
    lines = text.split("\n")
    first = next((ln.strip() for ln in lines if ln.strip()), "")
    body: list[str] = []
    rest = lines
    if first:
        idx = next(i for i, ln in enumerate(lines) if ln.strip())
        body.append(f"      <head>{escape(first)}</head>")
        rest = lines[idx + 1:]
    body.extend(_p(p, "      ") for p in _paragraphs(rest, by_line=True))
    return _TEMPLATE.format(title=escape(title or first or name), kind="plain-text",
                            name=escape(name).replace('"', "&quot;"), body="\n".join(body))


def encode_markdown(text: str, *, name: str, title: str | None = None) -> str:
    """A Markdown file as TEI: headings open nested divisions."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")  # CR alone: a line end
    out: list[str] = []
    levels: list[int] = []
    pending: list[str] = []
    first_heading = ""

    def flush() -> None:
        indent = "      " + "  " * len(levels)
        out.extend(_p(p, indent) for p in _paragraphs(pending))
        pending.clear()

    for line in text.split("\n"):
        m = _HEADING.match(line)
        if not m:
            pending.append(line)
            continue
        flush()
        level = len(m.group(1))
        while levels and levels[-1] >= level:
            levels.pop()
            out.append("      " + "  " * len(levels) + "</div>")
        indent = "      " + "  " * len(levels)
        out.append(f"{indent}<div>")
        out.append(f"{indent}  <head>{escape(m.group(2))}</head>")
        levels.append(level)
        first_heading = first_heading or m.group(2)
    flush()
    while levels:
        levels.pop()
        out.append("      " + "  " * len(levels) + "</div>")
    if not out:
        out.append("      <p/>")
    first_line = next((ln.strip() for ln in text.split("\n") if ln.strip()), name)
    return _TEMPLATE.format(title=escape(title or first_heading or first_line), kind="Markdown",
                            name=escape(name).replace('"', "&quot;"), body="\n".join(out))
