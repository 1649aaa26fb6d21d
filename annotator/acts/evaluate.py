"""How well proposals fit an editor's own annotations: precision, recall, F1 and date values.

The gold is either a JSON file of spans over a plain-text file (the shape of the seed's
gold.json: ``{"text_file": ..., "spans": [{"start", "end", "label", "tei"?}]}``, labels PERSON,
PLACE, ORG, DATE, and IGNORE for stretches not scored) or an annotated TEI file of the same text,
whose ``persName``, ``placeName``, ``orgName`` and ``date`` elements are the gold. Either text is
aligned to the reading text of the workspace source that holds the same text (``_Aligner``:
where a character-level difflib mapped each span, without its quadratic time), so offsets need
not agree character for character.

DOCS: docs/proposals.md#evaluation
"""

from __future__ import annotations

import difflib
import re
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from annotator.acts.align import align, block_of
from annotator.acts.context import ActContext
from annotator.acts.queries import mentions
from annotator.acts.scoring import SCORED, GoldSpan, score
from annotator.acts.texts import Texts
from annotator.errors import Location, SourceError
from annotator.records import DateClassScore, EvalReport, Mention, Proposal, TypeScore
from annotator.vocab import DATE_ATTRS


LABELS = {"PERSON": "person", "PER": "person", "PLACE": "place", "LOC": "place", "GPE": "place",
          "ORG": "org", "DATE": "date", "IGNORE": "ignore"}
TEI_ELEMENTS = {"persName": "person", "placeName": "place", "orgName": "org", "date": "date"}
# The kinds of dated gold dates the date figures are broken down by (issue 19), in the order a
# date is tested for them: the first that fits is its class.
DATE_CLASSES = ("span or vague", "weekday + date", "relative", "old form", "diary day",
                "year from document", "full explicit")
_CLASS_TESTS = {
    "span or vague": re.compile(
        r"\b(?:early|late|mid|middle|beginning|end|spring|summer|autumn|fall|winter|about|"
        r"around|circa|ca|or|between|until|till|to(?!-)|and|before|after|since|century|"
        r"\d{3}0'?s)\b|\d\s*[-–—]\s*\d", re.I),
    "weekday + date": re.compile(
        r"\b(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\b|\b(?:first|second|"
        r"third|fourth|fifth|sixth|seventh|1st|2n?d|3r?d|[4-7]th)[\s-]+day\b", re.I),
    "relative": re.compile(
        r"\b(?:yesterday|to-?day|to-?morrow|to-?night|next|last|following|previous|preceding|"
        r"this|same|ago|morning|evening|afternoon|night|inst|instant|ult|ultimo|proximo)\b",
        re.I),
    "old form": re.compile(
        r"\b(?:(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)(?:r|ry|t)|a\.\s?d|anno|"
        r"lord|mo|months?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
        r"twenty|thirty|hundred|thousand)\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|['/]\d\d\b|"
        r"\b\d{1,2}d\b", re.I),
}
_MONTH_WORD = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.I)
_YEAR = re.compile(r"\b(?:1\d{3}|20\d\d)\b")


def date_class(surface: str, value: dict[str, str]) -> str:
    """Which of DATE_CLASSES a dated gold date belongs to, from its words and its value.

    Judged on the gold alone, so the same date is in the same class before and after a change.
    """
    text = " ".join(surface.split())
    if set(value) - {"when"}:
        return "span or vague"
    for name, pattern in _CLASS_TESTS.items():
        if pattern.search(text):
            return name
    when = value.get("when", "")
    if not _YEAR.search(text) and re.fullmatch(r"\d{4}(?:-\d\d)?", when) and \
            re.search(rf"\b{when[2:4]}\b", text):
        return "old form"  # a two-digit year: "October 44", "43"
    if not _MONTH_WORD.search(text) and not _YEAR.search(text):
        return "diary day"
    if not _YEAR.search(text) and value.get("when", "")[:1].isdigit():
        return "year from document"
    return "full explicit"


def _bad(path: Path, what: str, code: str, hint: str = "give a gold JSON or annotated TEI "
                                                       "file") -> SourceError:
    return SourceError(what, hint=hint, location=Location(path), code=code)


def load_gold(path: Path) -> tuple[str, list[GoldSpan]]:
    """The gold text and its spans, from a gold JSON file or an annotated TEI file."""
    if not path.is_file():
        raise _bad(path, "gold file not found", "S101")
    if path.suffix.lower() in (".xml", ".tei"):
        return _load_tei_gold(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise _bad(path, f"not valid JSON ({exc})", "S102") from None
    if not isinstance(data, dict) or not isinstance(data.get("spans"), list) or \
            not isinstance(data.get("text_file"), str):
        raise _bad(path, "not a gold file: needs 'text_file' and a list of 'spans'", "S102")
    text_path = path.parent / data["text_file"]
    if not text_path.is_file():
        raise _bad(path, f"its text file '{data['text_file']}' is not beside it", "S101",
                   hint="put the text file next to the gold file")
    text = text_path.read_text(encoding="utf-8")
    spans = []
    for i, s in enumerate(data["spans"]):
        try:
            start, end, label = int(s["start"]), int(s["end"]), LABELS[str(s["label"]).upper()]
        except (KeyError, TypeError, ValueError):
            raise _bad(path, f"span {i} needs integer start/end and a label out of "
                             f"{', '.join(sorted(LABELS))}", "S102") from None
        if not 0 <= start < end <= len(text):
            raise _bad(path, f"span {i} ({start}:{end}) lies outside its text", "S102")
        value = tuple((k, str(v)) for k, v in (s.get("tei") or {}).items() if k in DATE_ATTRS)
        spans.append(GoldSpan(start, end, label, value))
    return text, spans


def _load_tei_gold(path: Path) -> tuple[str, list[GoldSpan]]:
    from annotator.tei.parse import TEI_NS, parse_source
    from annotator.tei.textmap import build_textmap, element_spans

    parsed = parse_source(path)
    tm = build_textmap(parsed)
    nodes = list(parsed.root.iter())
    types = {i: t for i, el in enumerate(nodes) if isinstance(el.tag, str) and
             el.tag.startswith(f"{{{TEI_NS}}}") and (t := TEI_ELEMENTS.get(el.tag.rsplit("}", 1)[1]))}
    found = element_spans(tm, types)
    spans = []
    for i, type_ in types.items():
        if i not in found:
            continue
        el = nodes[i]
        value = tuple((a, v) for a in DATE_ATTRS if (v := el.get(a))) if type_ == "date" else ()
        spans.append(GoldSpan(found[i][0], found[i][1], type_, value))
    return tm.text, spans


# a block ``align`` finds at least this long (characters) is taken as difflib would take it
# (at 32, a diary of short repeated lines, "15. At ditto. 16. At ditto.", lost a gold date
# difflib mapped: runs of 32-63 characters there are ones difflib paired otherwise)
_ANCHOR = 64
# between two such blocks, difflib aligns the characters when the stretches' lengths multiplied
# are at most this (a few milliseconds)
_GAP_WORK = 250_000


class _Aligner:
    """Maps offsets of one text onto another through the runs of characters they share, as a
    character-level difflib finds them (which took 40-150 s on a 55k-character diary): the long
    runs ``align`` finds, and between them difflib's on the short stretches left, where a slip
    splitting a word ('H itler') would have ``align`` match a space its words' alignment
    chose and difflib the longer run of letters."""

    def __init__(self, a: str, b: str) -> None:
        found = align(a, b)
        self.blocks: list[difflib.Match] = []
        a_done = b_done = k = 0
        for anchor in [*(m for m in found if m.size >= _ANCHOR), difflib.Match(len(a), len(b), 0)]:
            inside = []
            while k < len(found) and found[k].a < anchor.a:
                if found[k].size < _ANCHOR:
                    inside.append(found[k])
                k += 1
            k += 1  # the anchor itself
            if (anchor.a - a_done) * (anchor.b - b_done) <= _GAP_WORK:
                inside = [difflib.Match(a_done + m.a, b_done + m.b, m.size) for m in
                          difflib.SequenceMatcher(None, a[a_done:anchor.a], b[b_done:anchor.b],
                                                  autojunk=False).get_matching_blocks() if m.size]
            self.blocks += [*inside, anchor] if anchor.size else inside
            a_done, b_done = anchor.a + anchor.size, anchor.b + anchor.size
        self.starts = [blk.a for blk in self.blocks]

    def _map(self, pos: int) -> int | None:
        blk = block_of(self.blocks, self.starts, pos, pos + 1)
        return None if blk is None else blk.b + pos - blk.a

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        s, e = self._map(start), self._map(end - 1)
        return (s, e + 1) if s is not None and e is not None and e >= s else None


def _squash(text: str) -> str:
    return " ".join(text.split())


class _Readings:
    """The workspace's sources' reading texts as ``_pick_source`` compares them (whitespace
    squashed, characters counted), each read once in a run however many gold files ask, and
    only as far as one is asked (a source whose text is the gold's ends the search); and the
    gold files the run has read (``gold``)."""

    def __init__(self, texts: Texts) -> None:
        self.texts = texts
        self._sources = [src.id for src in texts.sources()]
        self._squashed: list[str] = []
        self._counts: dict[str, Counter[str]] = {}
        self._golds: dict[Path, tuple[str, list[GoldSpan]]] = {}

    def gold(self, path: Path) -> tuple[str, list[GoldSpan]]:
        """``load_gold``, read once in a run: ``own_sources`` reads a TEI gold file to tell
        whether it is a source's own, and scoring it reads it again."""
        if path not in self._golds:
            self._golds[path] = load_gold(path)
        return self._golds[path]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        """(source id, squashed reading text), in the store's order."""
        for i, source_id in enumerate(self._sources):
            if i == len(self._squashed):
                self._squashed.append(_squash(self.texts.textmap(source_id).text))
            yield source_id, self._squashed[i]

    def counts(self, source_id: str, squashed: str) -> Counter[str]:
        if source_id not in self._counts:
            self._counts[source_id] = Counter(squashed)
        return self._counts[source_id]


def _pick_source(readings: _Readings, text: str, path: Path) -> str:
    """The workspace source whose reading text is the gold text: the same text but for its
    whitespace, else the one sharing most characters, however placed (difflib's
    ``quick_ratio``: twice the characters in common over both lengths), if most are."""
    target = _squash(text)
    in_target = Counter(target)
    best, best_ratio = None, 0.0
    for source_id, reading in readings:
        if reading == target:
            return source_id
        both = len(reading) + len(target)
        shared = sum((readings.counts(source_id, reading) & in_target).values())
        ratio = 2.0 * shared / both if both else 1.0
        if ratio > best_ratio:
            best, best_ratio = source_id, ratio
    if best is None or best_ratio < 0.8:
        raise _bad(path, "no source of this workspace has the gold's text", "S103",
                   hint="add the source the gold file annotates first")
    return best


def gold_for_source(texts: Texts, path: Path, readings: _Readings | None = None, *,
                    source_id: str | None = None) -> tuple[str, list[GoldSpan]]:
    """The source a gold file annotates, and its gold spans in that source's reading text.
    ``readings``: the sources' texts as a run over several gold files has read them;
    ``source_id``: the source, when known (the gold is its own file)."""
    text, gold = readings.gold(path) if readings is not None else load_gold(path)
    if source_id is None:
        source_id = _pick_source(readings or _Readings(texts), text, path)
    reading = texts.textmap(source_id).text
    aligner = _Aligner(text, reading) if text != reading else None  # same text: same offsets
    mapped = []
    for g in gold:
        span = aligner.span(g.start, g.end) if aligner is not None else (g.start, g.end)
        if span is not None:
            mapped.append(GoldSpan(span[0], span[1], g.type, g.value))
    return source_id, mapped


def own_sources(ctx: ActContext, paths: Iterable[Path],
                readings: _Readings | None = None) -> dict[Path, str]:
    """Gold files that are a workspace source's own file: path -> source id. Such a source's
    file markup is stored as its confirmed mentions, which would score themselves: such a gold
    is scored against proposals made without it (``folds.held_out``). The same source is that
    file in sources/, the same bytes, or a TEI file of the same reading text (whitespace
    aside) as a source whose file's markup is stored, whatever that file marks (``_same_text``:
    a copy one tag apart scored the stored markup against itself, recall near 1.0)."""
    from annotator.tei.parse import sha256_hex

    texts = ctx.texts
    by_hash: dict[str, str] = {}
    by_path: dict[Path, str] = {}
    for src in texts.sources():
        by_hash.setdefault(src.sha256, src.id)
        by_path[(texts.root / src.file).resolve()] = src.id
    own = {}
    for path in paths:
        source_id = by_path.get(path.resolve())
        if source_id is None and path.suffix.lower() in (".xml", ".tei") and path.is_file():
            source_id = by_hash.get(sha256_hex(path.read_bytes())) or _same_text(
                ctx, path, readings or _Readings(texts))
        if source_id is not None:
            own[path] = source_id
    return own


def _same_text(ctx: ActContext, path: Path, readings: _Readings) -> str | None:
    """The source whose reading text is the gold file's (whitespace aside, or a word or a few
    apart: ``_near_copy``) and whose stored confirmed mentions include its file's markup
    (provenance ``source``), though the gold's bytes and markup differ (saved again, a tag
    added or dropped); None if none. The gold's
    markup is not compared (was: the same names and dates marked, so a copy one tag apart
    scored the stored markup against itself): whatever it marks, the stored mentions it would
    score are the file's, not the model's. A source whose confirmed mentions are the editor's
    own decisions (a .txt, a TEI file without markup) is scored as stored."""
    text, _ = readings.gold(path)
    target = _squash(text)
    source_id = next((sid for sid, reading in readings if reading == target), None)
    if source_id is None:
        source_id = _near_copy(readings, target)
    if source_id is None:
        return None
    marked = any(m.status == "confirmed" and m.provenance == "source"
                 for m in mentions(ctx, source_id))
    return source_id if marked else None


# a gold whose squashed reading text shares at least this share of its characters with a
# source's, in runs in order (``align``), is that source's text with a word or a few changed
_NEAR = 0.95


def _near_copy(readings: _Readings, target: str) -> str | None:
    """The source whose reading text is the gold's but for a word or a few (a newer release of
    the edition with a typo mended), if one is: ``_NEAR`` of both texts' characters in runs
    they share (was: the text had to be the same, so one word changed scored the stored markup
    against itself, person F1 1.0). Only sources sharing that many characters however placed
    (counted, as ``_pick_source`` does) are aligned, so most cost a character count."""
    in_target = Counter(target)
    best, best_ratio = None, _NEAR
    for source_id, reading in readings:
        both = len(reading) + len(target)
        if not both or 2.0 * min(len(reading), len(target)) / both < best_ratio:
            continue
        shared = sum((readings.counts(source_id, reading) & in_target).values())
        if 2.0 * shared / both < best_ratio:
            continue
        ratio = 2.0 * sum(m.size for m in align(target, reading)) / both
        if ratio >= best_ratio:
            best, best_ratio = source_id, ratio
    return best


def evaluate(ctx: ActContext, gold: str | Path, *, confirmed_only: bool = False) -> EvalReport:
    """Score this workspace's mentions against a gold file (gold JSON or annotated TEI):
    those of the source the gold file annotates, or, where the gold is that source's own
    file, proposals made without its markup (``own_sources``)."""
    return next(evaluate_each(ctx, [gold], confirmed_only=confirmed_only))


def evaluate_each(ctx: ActContext, golds: Iterable[str | Path], *,
                  confirmed_only: bool = False,
                  say: Callable[[str], None] | None = None) -> Iterator[EvalReport]:
    """``evaluate`` for each gold file in turn, the report of each as it is scored; the
    sources' texts are read for finding which one a gold file annotates once for them all,
    and the proposals for the sources whose own files are gold are made in one run, each
    learned from every other source (``folds.held_out``). ``say``: one line of what is
    being done, for the held-out proposals that take seconds a source."""
    from annotator.acts.folds import held_out  # its spaCy steps, only for a held-out gold

    paths = [Path(g) for g in golds]
    readings = _Readings(ctx.texts)
    own = own_sources(ctx, paths, readings)
    if own and confirmed_only:
        path, source_id = next(iter(own.items()))
        raise SourceError(f"gold file is the file of source '{source_id}': its confirmed "
                          "mentions are this file's own markup, which would score itself",
                          hint="drop --confirmed-only to score proposals made without its "
                               "markup, or use 'annotator eval --folds K'",
                          location=Location(path), code="S104")
    withheld = held_out(ctx, list(own.values()), say) if own else {}
    for path in paths:
        yield _evaluated(ctx, path, readings, confirmed_only=confirmed_only,
                         source_id=own.get(path), withheld=withheld)


def _evaluated(ctx: ActContext, path: Path, readings: _Readings, *, confirmed_only: bool,
               source_id: str | None = None,
               withheld: dict[str, list[Proposal]] | None = None) -> EvalReport:
    """``evaluate``, with the sources' texts as the run has read them so far; ``source_id``:
    the source whose own file the gold is, scored by its proposals in ``withheld``."""
    source_id, mapped = gold_for_source(ctx.texts, path, readings, source_id=source_id)
    reading = ctx.texts.textmap(source_id).text
    statuses = ("confirmed",) if confirmed_only else ("confirmed", "proposed")
    own = (withheld or {}).get(source_id)
    predicted: Sequence[Mention | Proposal] = own if own is not None else [
        m for m in mentions(ctx, source_id) if m.status in statuses]
    scores, pairs = score(mapped, predicted)
    errors = []
    counts = {name: [0, 0, 0, 0, 0] for name in DATE_CLASSES}  # gold right wrong no-value missed
    for g, m in pairs:
        surface = reading[g.start:g.end]
        row = counts[date_class(surface, dict(g.value))]
        row[0] += 1
        ours = dict(m.date_value) if m is not None else None
        if ours == dict(g.value):
            row[1] += 1
            continue
        row[2 if ours else 3 if m is not None else 4] += 1
        errors.append((surface, json.dumps(dict(g.value)),
                       json.dumps(ours) if m is not None else "(not found)"))
    classes = tuple(DateClassScore(name, *row) for name, row in counts.items())
    return EvalReport(source_id=source_id, gold_file=str(path), scores=tuple(scores),
                      dates_gold=len(pairs), dates_right=sum(c.right for c in classes),
                      date_errors=tuple(errors), date_classes=classes,
                      withheld=(source_id,) if own is not None else ())


def combine(reports: list[EvalReport]) -> EvalReport:
    """Several gold files' reports as one: counts added up, errors kept in order."""
    scores = []
    for type_ in SCORED:
        parts = [r.score(type_) for r in reports]
        scores.append(TypeScore(type_, *(sum(getattr(p, f) for p in parts)
                                         for f in ("gold", "predicted", "exact_tp",
                                                   "overlap_tp"))))
    classes = tuple(
        DateClassScore(name, *(sum(getattr(c, f) for r in reports for c in r.date_classes
                                   if c.name == name)
                               for f in ("gold", "right", "wrong", "no_value", "missed")))
        for name in DATE_CLASSES)
    return EvalReport(source_id=f"{len(reports)} sources",
                      gold_file=", ".join(r.gold_file for r in reports), scores=tuple(scores),
                      dates_gold=sum(r.dates_gold for r in reports),
                      dates_right=sum(r.dates_right for r in reports),
                      date_errors=tuple(e for r in reports for e in r.date_errors),
                      date_classes=classes,
                      withheld=tuple(s for r in reports for s in r.withheld))
