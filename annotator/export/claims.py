"""The claim-to-source table: each claim, where it is, how it is supported, by which works.

For authors (paste it into a paper), reviewers (what is still unsupported) and scripts. Sources
and works are named by citation key, so a row reads like a citation:

* ``csv``: RFC 4180 (CRLF, quotes doubled), UTF-8 with a byte order mark (the file: Excel
  reads UTF-8 only with it, as Zotero's CSV export knows), a header row; one row per claim;
  a cell starting with = + - @ (a formula to a spreadsheet) starts with ' instead (OWASP);
* ``md``: a Markdown table whose works are pandoc citations (``[@nekrich1997, pp. 202–205]``),
  every other text escaped so pandoc reads it as text (an ``@name`` is no citation);
* ``json``: sources (with counts by status), claims with their links, and the cited works;
* ``html``: one self-contained page (inline CSS, no script, nothing fetched; every text
  escaped) with counts by status per source, the claims, and the works they link to.

Every format gives each relation its column (``supports``, ``contradicts``, ``mentions``:
the works and passages under it, with their loci), so a reviewer filters by relation.

Claims an editor rejected are left out; undecided proposals only with ``include_proposals``.
Rows come by source, then by position in the text.
A passage of another source is named by that source's key and where the passage is in it.

DOCS: docs/export.md#claim-tables
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from annotator.acts import claims as claim_acts
from annotator.acts.bibliography import entries
from annotator.acts.context import ActContext
from annotator.bibliography.entries import names_read, plain, year_written
from annotator.errors import AnnotatorError, ConfigError
from annotator.export.output import target, write_export
from annotator.export.works import source_keys
from annotator.records import BibEntry, ClaimRow, Link, Written, location
from annotator.text import spreadsheet_safe
from annotator.vocab import LINK_RELS

FORMATS = ("csv", "md", "json", "html")
STATUSES = ("supported", "attributed", "unsupported")
RELS = LINK_RELS  # a column each, in this order
COLUMNS = ("claim", "source", "location", "text", "kind", "state", "status", "agent", *RELS)
_SHOWN = tuple(c for c in COLUMNS if c != "state")  # the columns of the md and html tables


@dataclass(frozen=True, slots=True)
class Table:
    """Everything a claim table shows, gathered once for every format."""

    claims: tuple[ClaimRow, ...]
    source_key: dict[str, str]  # source id -> its citation key
    source_title: dict[str, str]
    works: dict[str, BibEntry]  # cited works by key
    passages: dict[int, str]  # passage link id -> where it is: '¶ 3, line 41'

    def source(self, source_id: str) -> str:
        return self.source_key.get(source_id, source_id)

    def cited(self, link: Link) -> str:
        return cited_key(link, self.source_key)

    def counts(self) -> dict[str, dict[str, int]]:
        out = {sid: dict.fromkeys(STATUSES, 0) for sid in self.source_title}
        for c in self.claims:
            out.setdefault(c.source_id, dict.fromkeys(STATUSES, 0))[c.status] += 1
        return out


def cited_key(link: Link, source_key: dict[str, str]) -> str:
    """The key a table row cites for a link: its work's, or for a passage its source's (the
    source id when the source has no entry). Every format cites by it and the works lists
    hold what it gives, so no row cites a work the list lacks."""
    if link.bib_key is not None:
        return link.bib_key
    sid = link.target_source_id or ""
    return source_key.get(sid, sid)


def gather(ctx: ActContext, *, include_proposals: bool = False,
           source_key: dict[str, str] | None = None) -> Table:
    """The table's claims, sources and works; ``source_key``: ``works.source_keys(ctx)`` when
    the caller already has it."""
    states = ("confirmed", "proposed") if include_proposals else ("confirmed",)
    claims = sorted(claim_acts.claims(ctx, status=None, source_id=None, kinds=None,
                                      state=states),
                    key=lambda c: (c.source_id, c.start, c.end, c.id))
    if source_key is None:
        source_key = source_keys(ctx)
    keys = {cited_key(link, source_key) for c in claims for link in _links(c)}
    works = {e.key: e for e in entries(ctx.store) if e.key in keys}
    sources = ctx.texts.sources()
    return Table(claims=tuple(claims), source_key=source_key,
                 source_title={s.id: s.title for s in sources}, works=works,
                 passages=_passages(ctx, claims))


def _passages(ctx: ActContext, claims: list[ClaimRow]) -> dict[int, str]:
    """Where each linked passage is in its source, as a reviewer looks it up (reading
    offsets mean nothing to them); a passage of a source no longer there has no place."""
    out: dict[int, str] = {}
    for c in claims:
        for link in _links(c):
            sid, start, end = link.target_source_id, link.target_start, link.target_end
            if sid is None or start is None or end is None:
                continue
            try:
                tm = ctx.texts.textmap(sid)
            except AnnotatorError:
                continue
            if end <= len(tm.text):
                first, last = tm.span_places(start, end)
                out[link.id] = location(*first, last=last)
    return out


def _links(claim: ClaimRow) -> list[Link]:
    """The links a table shows: confirmed ones (suggestions are not yet a source, a stale
    passage no longer one: its words changed), supports first, then contradicts, then
    mentions."""
    return sorted((link for link in claim.links if link.status == "confirmed" and not link.stale),
                  key=lambda link: RELS.index(link.rel) if link.rel in RELS else len(RELS))


def _cells(claim: ClaimRow, cell: Callable[[Link], str]) -> dict[str, list[str]]:
    """The links a table shows, each as ``cell`` writes it, under its relation: a column
    each in every format (reviewers filter by it)."""
    out: dict[str, list[str]] = {rel: [] for rel in RELS}
    for link in _links(claim):
        out[link.rel].append(cell(link))
    return out


def _target(table: Table, link: Link) -> str:
    return table.cited(link) + _place(table, link)


def _place(table: Table, link: Link) -> str:
    """What follows the cited key: nothing for a work, where a passage is for a passage."""
    if link.bib_key is not None:
        return ""
    place = table.passages.get(link.id)
    return f", {place}" if place else f":{link.target_start}-{link.target_end}"


def _by_rel(table: Table, claim: ClaimRow) -> dict[str, str]:
    """A cell per relation: its works and passages, with loci."""
    cells = _cells(claim, lambda link: _target(table, link)
                   + (f" ({link.locus})" if link.locus else ""))
    return {rel: "; ".join(texts) for rel, texts in cells.items()}


def _row(table: Table, c: ClaimRow) -> dict[str, str]:
    return {"claim": str(c.id), "source": table.source(c.source_id), "location": c.location,
            "text": c.text, "kind": c.kind, "state": c.state, "status": c.status,
            "agent": c.agent, **_by_rel(table, c)}


def to_csv(table: Table) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for c in table.claims:
        writer.writerow({k: spreadsheet_safe(v) for k, v in _row(table, c).items()})
    return buf.getvalue()


def _md_cell(text: str) -> str:
    """A cell on one line; its pipes escaped (a table cell ends at a bare one)."""
    return " ".join(text.split()).replace("|", "\\|")


_MD_SPECIAL = str.maketrans({ch: "\\" + ch for ch in "\\`*_[]<>@~^$;#"})


def _md_text(text: str) -> str:
    """Text pandoc reads as text: every character with a meaning in pandoc's Markdown
    escaped (an '@name' would be a citation, '*' emphasis, a ';' in a locus would end it)."""
    return text.translate(_MD_SPECIAL)


def _citations(table: Table, claim: ClaimRow) -> dict[str, str]:
    """Pandoc citations of a claim's works and passages (by their source's key, with where
    the passage is), one cell per relation: ``[@key, p. 3; @other]``."""
    def cite(link: Link) -> str:
        key = table.cited(link)
        locus = link.locus if link.bib_key is not None else table.passages.get(
            link.id, f"{link.target_start}-{link.target_end}")
        return f"@{key}" + (f", {_md_text(locus)}" if locus else "")

    return {rel: f"[{'; '.join(cites)}]" if cites else ""
            for rel, cites in _cells(claim, cite).items()}


def to_markdown(table: Table) -> str:
    lines = ["| " + " | ".join(_SHOWN) + " |", "|" + "---|" * len(_SHOWN)]
    for c in table.claims:
        row = [str(c.id), f"@{table.source(c.source_id)}", _md_text(c.location),
               _md_text(c.text), c.kind, c.status, _md_text(c.agent),
               *_citations(table, c).values()]
        lines.append("| " + " | ".join(_md_cell(x) for x in row) + " |")
    return "\n".join(lines) + "\n"


def to_json(table: Table) -> str:
    counts = table.counts()
    data = {
        "sources": [{"id": sid, "key": table.source(sid), "title": table.source_title[sid],
                     "counts": counts[sid]} for sid in sorted(table.source_title)],
        "claims": [{**_row(table, c), "claim": c.id, "source_id": c.source_id,
                    "start": c.start, "end": c.end, "paragraph": c.paragraph, "line": c.line,
                    "page": c.page, "agent_entity_id": c.agent_entity_id,
                    "links": [{"rel": link.rel, "work": link.bib_key,
                               "source": link.target_source_id and
                               table.source(link.target_source_id),
                               "start": link.target_start, "end": link.target_end,
                               "locus": link.locus} for link in _links(c)]}
                   for c in table.claims],
        "works": [{"key": e.key, "type": e.type, "fields": dict(e.fields)}
                  for e in sorted(table.works.values(), key=lambda e: e.key)],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;
max-width:72rem;padding:0 1rem;color:#1b1b1b;background:#fff}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f1f1f1}td.n{text-align:right;font-variant-numeric:tabular-nums}
.supported{color:#0a5d2a}.attributed{color:#7a5300}.unsupported{color:#a1161d;font-weight:600}
.text{max-width:34rem}code{font-size:.9em}a{color:#0b4f9c}
@media print{body{margin:0;max-width:none}a{color:inherit}}
"""


def to_html(table: Table, *, title: str = "Claims and their sources") -> str:
    e = html.escape
    counts = table.counts()
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
           "style-src 'unsafe-inline'\">", f"<title>{e(title)}</title>",
           f"<style>{_CSS}</style>", "</head>", "<body>", f"<h1>{e(title)}</h1>",
           "<h2>By source</h2>", "<table>", "<thead><tr><th>source</th><th>title</th>"
           + "".join(f'<th class="{s}">{s}</th>' for s in STATUSES)
           + "<th>claims</th></tr></thead>", "<tbody>"]
    for sid in sorted(counts):
        c = counts[sid]
        out.append(f"<tr><td><code>{e(table.source(sid))}</code></td>"
                   f"<td>{e(table.source_title.get(sid, ''))}</td>"
                   + "".join(f'<td class="n">{c[s]}</td>' for s in STATUSES)
                   + f'<td class="n">{sum(c.values())}</td></tr>')
    out += ["</tbody>", "</table>", "<h2>Claims</h2>", "<table>", "<thead><tr>"
            + "".join(f"<th>{h}</th>" for h in _SHOWN)
            + "</tr></thead>", "<tbody>"]
    def cell(link: Link) -> str:
        locus = f" ({e(link.locus)})" if link.locus else ""
        key = table.cited(link)
        # a work, or a passage whose source's entry is in the works list: a link to it
        shown = (f'<a href="#work-{e(key)}">{e(key)}</a>'
                 if link.bib_key is not None or key in table.works else e(key))
        return f"{shown}{e(_place(table, link))}{locus}"

    for cl in table.claims:
        cells = _cells(cl, cell)
        out.append(f'<tr id="claim-{cl.id}"><td class="n">{cl.id}</td>'
                   f"<td><code>{e(table.source(cl.source_id))}</code></td>"
                   f"<td>{e(cl.location)}</td><td class=\"text\">{e(cl.text)}</td>"
                   f"<td>{e(cl.kind)}</td><td class=\"{e(cl.status)}\">{e(cl.status)}</td>"
                   f"<td>{e(cl.agent)}</td>"
                   + "".join(f'<td class="{rel}">{"<br>".join(cells[rel])}</td>' for rel in RELS)
                   + "</tr>")
    out += ["</tbody>", "</table>", "<h2>Works</h2>", "<ul>"]
    for work in sorted(table.works.values(), key=lambda w: w.key):
        f = dict(work.fields)
        who = names_read(f.get("author") or f.get("editor") or "")
        year = year_written(f)
        url = f.get("url", "")
        anchor = (f' <a href="{e(url)}" rel="noreferrer">{e(url)}</a>'
                  if url.startswith(("https://", "http://")) else "")
        out.append(f'<li id="work-{e(work.key)}"><code>{e(work.key)}</code> '
                   f"{e(who)}{(' ' if who.endswith('.') else '. ') if who else ''}"
                   f"<i>{e(plain(f.get('title', '')))}</i>"
                   f"{', ' + e(year) if year else ''}.{anchor}</li>")
    out += ["</ul>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


RENDER = {"csv": to_csv, "md": to_markdown, "json": to_json, "html": to_html}


def export_claims(ctx: ActContext, fmt: str = "csv", *, include_proposals: bool = False,
                  out: str | Path | None = None, table: Table | None = None) -> Written:
    """Write the claim table in ``fmt`` (csv, md, json, html) to ``out`` (default: exports/);
    ``table``: one already gathered (then ``include_proposals`` is the table's)."""
    if fmt not in RENDER:
        raise ConfigError(f"no claim table format '{fmt}'",
                          hint=f"use one of {', '.join(FORMATS)}", code="E020")
    if table is None:
        table = gather(ctx, include_proposals=include_proposals)
    data = (("\ufeff" if fmt == "csv" else "") + RENDER[fmt](table)).encode("utf-8")
    return write_export(ctx.root, target(out, ctx.exports_dir, f"claims.{fmt}"), data,
                        format=fmt, items=len(table.claims))
