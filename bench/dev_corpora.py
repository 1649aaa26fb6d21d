"""Unaided proposals scored against real editions: ``python bench/dev_corpora.py DIR [CORPUS...]``.

DIR is a folder of corpora (the project's dev-corpora), one sub-folder of TEI files each. Every
file is added to a fresh workspace with its own name/date markup taken out (so nothing of the
edition's work helps), proposals are made, and they are scored against the original file: exact
and overlap precision / recall / F1 per type, summed over files, per corpus and over all. A corpus
whose README says "score it for PERSON and DATE only" is scored for those types alone.

``--no-propagate`` / ``--no-conventions`` / ``--no-org-filter`` switch steps off, to measure what
each adds. ``--taught`` keeps the markup of every other file of a corpus (the 2nd, 4th, ... in
name order), which then teaches the edition's conventions and names, and scores only the rest;
``--together`` puts all corpora in one workspace (each corpus still scored on its own), as an
editor holding several editions would. ``--register FILE...`` imports TEI registers into each
workspace before its files (the register's names are then found again). ``--json`` prints the figures as JSON. Under the table, how many gold dates with a value got
exactly that value (a found date with another value or none counts as wrong).
``--dump DIR`` writes each corpus's errors to
``DIR/<corpus>.tsv`` (kind, type, gold span, predicted span, context) for error analysis: ``fp``
no gold overlap, ``fn`` no prediction overlap, ``boundary`` overlapping but not exact, ``value``
a found date whose value is not the gold's (gold value, file, ours). Under that, how many of
the register's names found again (``rule:register``) are a gold name's span and type, overlap
one of its type, or neither (wrong). ``--dates DIR`` writes every proposed date to
``DIR/<corpus>.tsv`` (file, start, end, words, value), to diff the dates two versions give.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator import Workspace  # noqa: E402
from annotator.acts.evaluate import SCORED, _load_tei_gold, gold_for_source, score  # noqa: E402
from annotator.records import TypeScore  # noqa: E402

TEI = "http://www.tei-c.org/ns/1.0"
STRIP = ("persName", "placeName", "orgName", "name", "rs", "date", "geogName")
ONLY = {"friendly-networks": ("person", "date")}  # their README: selective, no places


def stripped(path: Path, out: Path) -> None:
    """The file with its entity and date elements unwrapped (their text kept)."""
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True,
                                                  load_dtd=False))
    text = tree.getroot().find(f"{{{TEI}}}text")
    if text is not None:
        els = [el for el in text.iter() if isinstance(el.tag, str) and
               etree.QName(el).localname in STRIP]
        for el in reversed(els):
            etree.strip_tags(el.getparent(), el.tag) if el.getparent() is not None else None
        # list entries in the text (back matter registers) would be read as the edition's work
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")


def _dump(out, fname, text, gold, predicted, types) -> None:
    """One TSV line per error: fp, fn, or boundary (overlap but not the same span)."""
    def ctx(a: int, b: int) -> str:
        return (text[max(0, a - 30):a] + "[" + text[a:b] + "]" + text[b:b + 30]).replace("\n", " ")
    for t in types:
        g = [x for x in gold if x.type == t]
        p = [m for m in predicted if m.type == t]
        for x in g:
            ov = [m for m in p if m.start < x.end and x.start < m.end]
            if not ov:
                out.write(f"fn\t{t}\t{text[x.start:x.end]!r}\t\t{fname}\t{ctx(x.start, x.end)}\n")
            elif not any((m.start, m.end) == (x.start, x.end) for m in ov):
                m = ov[0]
                out.write(f"boundary\t{t}\t{text[x.start:x.end]!r}\t{text[m.start:m.end]!r}"
                          f"\t{fname}:{m.provenance}\t{ctx(min(x.start, m.start), max(x.end, m.end))}\n")
        others = [x for x in gold if x.type != t]
        for m in p:
            if not any(m.start < x.end and x.start < m.end for x in g):
                wrong = [x.type for x in others if m.start < x.end and x.start < m.end]
                out.write(f"fp\t{t}\t{','.join(wrong)}\t{text[m.start:m.end]!r}\t{fname}:{m.provenance}"
                          f"\t{ctx(m.start, m.end)}\n")


def run(corpora: list[Path], work: Path, args: argparse.Namespace
        ) -> tuple[dict[str, tuple[dict[str, list[int]], list[int], list[int]]], float]:
    """Propose in one workspace holding the files of ``corpora``; each corpus's scores (sums
    per type, dates right) and the time proposing took. With ``--taught`` every other file of
    a corpus keeps its markup (it teaches the edition's conventions and names) and only the
    rest, stripped, is scored."""
    ws = Workspace.init(work)
    for register in args.register:  # an editor's register, before the sources
        ws.import_register(register)
    plain = work / "plain"
    plain.mkdir()
    scored: dict[str, list[Path]] = {}
    added: list[Path] = []
    for corpus in corpora:
        files = sorted(corpus.glob("*.xml"))
        scored[corpus.name] = files[::2] if args.taught else files
        for i, f in enumerate(files):
            if args.taught and i % 2:
                added.append(f)
            else:
                stripped(f, plain / f.name)
                added.append(plain / f.name)
    ws.add_many(added)
    ws.settings = ws.settings.with_overrides(  # type: ignore[misc]
        propagate=not args.no_propagate, use_conventions=not args.no_conventions,
        **({"org_threshold": 0.0} if args.no_org_filter else {}))
    t0 = time.perf_counter()
    ws.propose()
    took = time.perf_counter() - t0
    by_text = {ws.reading_text(s.id): s.id for s in ws.sources()}
    out: dict[str, tuple[dict[str, list[int]], list[int]]] = {}
    for corpus in corpora:
        only = ONLY.get(corpus.name, SCORED)
        sums: dict[str, list[int]] = {t: [0, 0, 0, 0] for t in only}
        dump = open(args.dump / f"{corpus.name}.tsv", "w") if args.dump else None
        dated = [0, 0]  # gold dates with a value, and those given exactly that value
        spread = [0, 0, 0]  # the register's names found again: exact, overlapping, wrong
        for f in scored[corpus.name]:
            text, gold = _load_tei_gold(f)
            if text in by_text:  # the same reading text: no alignment needed
                sid = by_text[text]
            else:
                sid, gold = gold_for_source(ws, f)
            predicted = [m for m in ws.mentions(sid) if m.status in ("confirmed", "proposed")]
            if args.dates:
                _dates(args.dates / f"{corpus.name}.tsv", f.name, ws.reading_text(sid), predicted)
            scores, pairs = score(gold, predicted)
            reading = ws.reading_text(sid)
            for g, m in pairs:
                dated[0] += 1
                ours = dict(m.date_value) if m is not None else None
                if ours == dict(g.value):
                    dated[1] += 1
                elif dump is not None and m is not None:
                    dump.write(f"value\tdate\t{reading[g.start:g.end]!r}\t"
                               f"{json.dumps(dict(g.value))}\t{f.name}\t{json.dumps(ours)}\n")
            if dump is not None:
                _dump(dump, f.name, reading, gold, predicted, only)
            _count_spread(spread, gold, predicted, only)
            for s in scores:
                if s.type in sums:
                    for i, v in enumerate((s.gold, s.predicted, s.exact_tp, s.overlap_tp)):
                        sums[s.type][i] += v
        if dump is not None:
            dump.close()
        out[corpus.name] = (sums, dated, spread)
    ws.close()
    return out, took


def _dates(path: Path, fname: str, text: str, predicted) -> None:
    """Append each date of one file to ``path``: file, start, end, words, value."""
    with open(path, "a") as out:
        for m in sorted((m for m in predicted if m.type == "date"), key=lambda m: m.start):
            out.write(f"{fname}\t{m.start}\t{m.end}\t{text[m.start:m.end]!r}\t"
                      f"{json.dumps(dict(m.date_value) if m.date_value else None)}\n")


def _count_spread(counts: list[int], gold, predicted, types) -> None:
    """Add the ``rule:register`` proposals of the scored types to ``counts``: [the gold's span
    and type, overlapping a gold name of its type, neither]."""
    for m in predicted:
        if m.provenance != "rule:register" or m.type not in types:
            continue
        same = [x for x in gold if x.type == m.type and m.start < x.end and x.start < m.end]
        exact = any((x.start, x.end) == (m.start, m.end) for x in same)
        counts[0 if exact else 1 if same else 2] += 1


def table(name: str, sums: dict[str, list[int]]) -> list[dict[str, object]]:
    rows = []
    total = [0, 0, 0, 0]
    for t, v in sums.items():
        total = [a + b for a, b in zip(total, v)]
        rows.append(_row(name, t, v))
    rows.append(_row(name, "all", total))
    return rows


def _row(name: str, t: str, v: list[int]) -> dict[str, object]:
    s = TypeScore(t, *v)
    return {"corpus": name, "type": t, "gold": s.gold, "pred": s.predicted,
            **{f"ex_{k}": x if x is None else round(x, 3) for k, x in zip("prf", s.exact)},
            **{f"ov_{k}": x if x is None else round(x, 3) for k, x in zip("prf", s.overlap)}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", type=Path)
    ap.add_argument("corpora", nargs="*")
    ap.add_argument("--no-propagate", action="store_true")
    ap.add_argument("--no-conventions", action="store_true")
    ap.add_argument("--no-org-filter", action="store_true")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--together", action="store_true",
                    help="all corpora in one workspace (each still scored on its own)")
    ap.add_argument("--register", type=Path, nargs="+", default=[],
                    help="import these TEI register files into each workspace first")
    ap.add_argument("--taught", action="store_true",
                    help="every other file keeps its markup and teaches; the rest is scored")
    ap.add_argument("--dump", type=Path, help="write each corpus's errors to DIR/<corpus>.tsv")
    ap.add_argument("--dates", type=Path, help="write each corpus's dates to DIR/<corpus>.tsv")
    args = ap.parse_args()
    names = args.corpora or sorted(p.name for p in args.root.iterdir() if p.is_dir())
    rows: list[dict[str, object]] = []
    grand: dict[str, list[int]] = {}
    dates = {}
    spreads: dict[str, list[int]] = {}
    groups = [names] if args.together else [[n] for n in names]
    for group in groups:
        with tempfile.TemporaryDirectory() as tmp:
            got, took = run([args.root / n for n in group], Path(tmp) / "ws", args)
        print(f"# {', '.join(group)}: propose {took:.1f} s", file=sys.stderr)
        for name in group:
            sums, dates[name], spreads[name] = got[name]
            rows += table(name, sums)
            for t, v in sums.items():
                grand[t] = [a + b for a, b in zip(grand.get(t, [0, 0, 0, 0]), v)]
    rows += table("ALL", grand)
    dates["ALL"] = [sum(v[0] for v in dates.values()), sum(v[1] for v in dates.values())]
    for r in rows:
        if r["type"] == "date":
            r["dates_right"] = dates[str(r["corpus"])][1]
            r["dates_valued"] = dates[str(r["corpus"])][0]
    spreads["ALL"] = [sum(v[i] for v in spreads.values()) for i in range(3)]
    for r in rows:
        if r["type"] == "all":
            r["register_spread"] = dict(zip(("exact", "overlap", "wrong"),
                                            spreads[str(r["corpus"])]))
    if args.json:
        print(json.dumps(rows, indent=1))
        return
    cols = [c for c in rows[0] if not c.startswith("dates_") and c != "register_spread"]
    print(" | ".join(cols))
    for r in rows:
        print(" | ".join(str(r[c]) for c in cols))
    print("dates right: " + ", ".join(f"{k} {right}/{gold}" for k, (gold, right) in dates.items()))
    print("register spread (exact/overlap/wrong): " + ", ".join(
        f"{k} {'/'.join(map(str, v))}" for k, v in spreads.items()))


if __name__ == "__main__":
    main()
