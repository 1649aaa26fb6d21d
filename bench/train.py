"""Benchmark: `annotator train` time per 10k tokens, and propose with the trained model against
bare `nlp.pipe` of that same model.

A workspace is made of real editions (default: the EHRI and Friendly Networks slices in
tests/data/editions; ``--corpus DIR`` for another folder of TEI files) and trained on their
markup. Then their reading texts, as plain-text sources without markup (repeated to about
``--words`` words), are proposed on with the trained model (`Workspace.propose`, the library
call) and read by bare ``nlp.pipe`` of the same model, in interleaved rounds (best of each):
the ratio is the cost of everything around the model (target >= 0.9).

    python bench/train.py [--corpus DIR] [--epochs 5] [--words 20000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _common import ROOT

EDITIONS = ROOT / "tests" / "data" / "editions"


def make_workspace(folder: Path, files: list[Path]):
    from annotator import Workspace

    ws = Workspace.init(folder)
    ws.add_many(files)
    return ws


def add_plain_copies(ws, folder: Path, words: int) -> list[str]:
    """The sources' reading texts as .txt sources without markup, about ``words`` words."""
    texts = [ws.reading_text(s.id) for s in ws.sources()]
    per_round = sum(len(t.split()) for t in texts)
    files = []
    for r in range(max(1, round(words / per_round))):
        for i, text in enumerate(texts):
            f = folder / f"plain-{r:02d}-{i:02d}.txt"
            f.write_text(text, encoding="utf-8")
            files.append(f)
    return [res.source.id for res in ws.add_many(files)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="a folder of TEI files (default: the "
                                                    "slices in tests/data/editions)")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--words", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    files = sorted(args.corpus.glob("*.xml")) if args.corpus else sorted(
        p for p in EDITIONS.rglob("*.xml") if "index" not in p.name)
    from annotator.acts.propose import cached_pipeline

    with tempfile.TemporaryDirectory() as tmp:
        ws = make_workspace(Path(tmp) / "ws", files)
        r = ws.train(epochs=args.epochs, patience=args.epochs)
        print(f"training: {len(files)} sources, {r.examples} examples, {r.tokens:,} tokens, "
              f"{r.epochs_run} epochs in {r.seconds:.1f} s ({r.cpu_seconds:.1f} s CPU)")
        print(f"training time per 10k tokens: {r.seconds / r.tokens * 10_000:.1f} s for "
              f"{r.epochs_run} epochs, {r.seconds / r.tokens * 10_000 / r.epochs_run:.2f} s per "
              f"epoch ({r.cpu_seconds / r.tokens * 10_000 / r.epochs_run:.2f} s CPU)")
        plain = add_plain_copies(ws, Path(tmp), args.words)
        nlp = cached_pipeline(r.path)  # what propose loads: loaded once, outside the timings
        texts = [ws.reading_text(s) for s in plain]
        words = sum(len(t.split()) for t in texts)
        print(f"proposing over {len(plain)} plain sources, {words:,} words, with {r.model}")
        best = {"library": 0.0, "bare": 0.0}
        for _ in range(args.rounds):  # interleaved: other work on the machine shifts single runs
            t0 = time.perf_counter()
            report = ws.propose(plain, force=True)
            best["library"] = max(best["library"], words / (time.perf_counter() - t0))
            assert report.model == r.model and report.proposed > 0
            t0 = time.perf_counter()
            n = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=ws.settings.batch_size))
            best["bare"] = max(best["bare"], words / (time.perf_counter() - t0))
            assert n > 0
        print(f"best of {args.rounds}: annotator propose with the trained model "
              f"{best['library']:,.0f} words/s; bare nlp.pipe of the same model "
              f"{best['bare']:,.0f} words/s (ratio {best['library'] / best['bare']:.2f})")
        ws.close()


if __name__ == "__main__":
    main()
