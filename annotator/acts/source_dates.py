"""What a source says of its own date that the editor should check: its header's date and its
dateline's naming different days (S026). Said once per source by ``add`` (the file as given),
``propose`` (each source proposed) and ``check`` (every source), and shown by ``sources`` and
``source``, never for a source whose date the editor set: that is the editor's answer. The
disagreement is worked out once per version, when it is added (or the store upgraded), and kept
with its bytes (``source_versions.date_differs``): only the line is made here.

DOCS: docs/proposals.md#dates-in-the-documents-chronology
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from annotator.acts.context import ActContext
from annotator.chronology import EDITOR
from annotator.errors import AnnotatorError
from annotator.files import reached
from annotator.records import Source, SourceWarning
from annotator.store import sources as source_rows
from annotator.tei.dating import DateDisagreement, date_disagreement
from annotator.tei.parse import parse_source


def date_warning(src: Source, differs: DateDisagreement | None, path: Path
                 ) -> SourceWarning | None:
    """S026 for a source whose header and dateline disagree on its date (``differs``: the
    file's ``date_disagreement``, which ``source_date`` gives too), at the header's line
    of ``path``, naming both values and places and the date the source has (as stored: a store
    made before the rule keeps the header's until the file is replaced)."""
    if differs is None or src.date_reason == EDITOR:
        return None
    d = differs
    header_start = d.header.split("/")[0]
    at = f" (line {d.dateline_line})" if d.dateline_line else ""
    message = f"{d.header_where} {d.header} and {d.dateline_where} {d.dateline}{at} name " \
              "different days; "
    if src.date == d.dateline and d.slip:
        message += (f"the source is dated {d.dateline}, the dateline's, which the header date's "
                    f"own words ('{d.header_words}') give too: its value {header_start} is taken "
                    "for a slip")
        other = header_start
    elif src.date == d.dateline and d.described:
        message += (f"the source is dated {d.dateline}, the dateline's: the text's own date "
                    f"outranks {d.header_where}, which may date the description, not the "
                    "writing")
        other = header_start
    elif src.date == header_start:
        message += f"the source is dated {header_start}, the header's"
        other = d.dateline
    else:
        message += f"the source is dated {src.date or 'by neither'}" + \
            (f" ({src.date_reason})" if src.date_reason else "")
        other = d.dateline
    place = reached(path) + (f":{d.header_line}" if d.header_line else "")
    return SourceWarning(src.id, place, message,
                         hint="correct the one that is wrong and 'annotator add --replace' the "
                              "file, or set the source's date with 'annotator source date "
                              f"{src.id} {other}'", code="S026")


def date_warnings(ctx: ActContext, sources: Iterable[Source] | None = None
                  ) -> dict[str, SourceWarning]:
    """S026 of these sources (default: every one, by id), by source id, at each one's file,
    from what the store keeps of its version (worked out once, when it was added or the store
    upgraded): no file is parsed. A version kept without it (none should be) is parsed once
    from the bytes the store keeps, and what was found kept; one that cannot be parsed has
    none (``check`` reports, it does not stop)."""
    asked = [s for s in (ctx.texts.sources() if sources is None else sources)
             if s.date_reason != EDITOR]
    conn = ctx.store.conn
    known = source_rows.date_differs(conn, (s.sha256 for s in asked))
    worked: dict[str, DateDisagreement | None] = {}
    for src in asked:
        if src.sha256 in known or src.sha256 in worked:
            continue
        data = source_rows.version_bytes(conn, src.sha256)
        try:
            worked[src.sha256] = None if data is None else date_disagreement(
                parse_source(ctx.texts.path(src), data))
        except AnnotatorError:
            worked[src.sha256] = None
    if worked:
        ctx.store.keep_if_free(lambda tx: source_rows.keep_date_differs(tx, worked),
                               f"dates of {len(worked)} source version(s)")
    known.update(worked)
    found = ((s.id, date_warning(s, known[s.sha256], ctx.texts.path(s))) for s in asked)
    return {sid: w for sid, w in found if w is not None}
