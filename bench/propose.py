"""Benchmark: words/s of `annotator propose` (the library call) against bare `nlp.pipe`.

Both run the same components (load_pipeline: NER only) over the same texts: the sample
source's reading text repeated into sources of about 10k words. Prints words/s of each, their
ratio (target >= 0.9 with one process, a real gain with two), and the peak memory (ru_maxrss)
of a subprocess proposing over 100k and 1M words, to show that memory stays flat.

    python bench/propose.py [--words 100000] [--big 1000000] [--skip-big] [--skip-speed] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, sample_reading_text

PER_SOURCE = 10_000  # words per generated source


def make_workspace(folder: Path, words: int):
    """A workspace holding ``words`` words of the sample text in ~10k-word .txt sources."""
    from annotator import Workspace

    ws = Workspace.init(folder)
    paras = [p for p in sample_reading_text().split("\n\n") if p.strip()]
    body_words = sum(len(p.split()) for p in paras)
    repeats = max(1, round(PER_SOURCE / body_words))
    n_sources = max(1, round(words / (repeats * body_words)))
    files = []
    for i in range(n_sources):
        f = folder / f"part-{i:04d}.txt"
        f.write_text(f"Part {i}\n\n" + "\n\n".join(paras * repeats) + "\n", encoding="utf-8")
        files.append(f)
    ws.add_many(files)
    return ws


def bench_library(ws, n_process: int) -> tuple[int, float]:
    words = sum(s.words for s in ws.sources())
    t0 = time.perf_counter()
    report = ws.propose(force=True, n_process=n_process)
    dt = time.perf_counter() - t0
    assert report.proposed > 0
    return words, dt


def bench_bare(ws, n_process: int, *, chunked: bool) -> tuple[int, float]:
    """Bare ``nlp.pipe`` over the reading texts: whole, or cut as annotator cuts them."""
    from annotator.nlp.pipeline import cached_pipeline, chunks, pipe_batch_size

    nlp = cached_pipeline(ws.settings.model)
    texts = [ws.reading_text(s.id) for s in ws.sources()]
    words = sum(len(t.split()) for t in texts)
    batch = ws.settings.batch_size
    if chunked:
        batch = pipe_batch_size(batch, n_process, sum(len(t) for t in texts))
        texts = [piece for t in texts for _, piece in chunks(t)]
    t0 = time.perf_counter()
    n = 0
    for doc in nlp.pipe(texts, batch_size=batch, n_process=n_process):
        n += len(doc.ents)
    dt = time.perf_counter() - t0
    assert n > 0
    return words, dt


def peak_memory(words: int) -> dict[str, float]:
    """Propose over ``words`` words in a fresh process, as `annotator propose` does after
    `annotator add`; that process's peak memory in MiB.

    The workspace is made by another process first. Reported as VmHWM (the peak resident set
    of the process itself) and ru_maxrss (which Linux carries over from the parent at fork,
    hence measured before the parent grows).
    """
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "ws"
        make = (f"import sys; sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / 'bench')!r}]\n"
                f"from propose import make_workspace\n"
                f"make_workspace(__import__('pathlib').Path({str(folder)!r}), {words}).close()")
        subprocess.run([sys.executable, "-c", make], check=True, capture_output=True)
        code = f"""
import json, resource, sys, time
sys.path.insert(0, {str(ROOT)!r})
from annotator import Workspace
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
ws = Workspace.open({str(folder)!r})
before = hwm()
t0 = time.perf_counter()
report = ws.propose()
dt = time.perf_counter() - t0
words = sum(s.words for s in ws.sources())
print(json.dumps({{"words": words, "seconds": dt, "hwm_mib": hwm(), "before_mib": before,
                   "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                   "proposed": report.proposed, "sources": len(ws.sources())}}))
"""
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=100_000)
    parser.add_argument("--big", type=int, default=1_000_000)
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()
    # Memory first, while this process is small (ru_maxrss is inherited at fork).
    sizes = [args.words] if args.skip_big else [args.words, args.big]
    for words in sizes:
        m = peak_memory(words)
        print(f"peak memory, {m['words']:,} words in {m['sources']} sources: "
              f"{m['hwm_mib']:.0f} MiB VmHWM, {m['maxrss_mib']:.0f} MiB ru_maxrss "
              f"(before proposing {m['before_mib']:.0f} MiB; {m['words'] / m['seconds']:,.0f} "
              f"words/s, {m['proposed']:,} proposals)")
    if args.skip_speed:
        return
    from annotator.nlp.pipeline import cached_pipeline

    with tempfile.TemporaryDirectory() as tmp:
        ws = make_workspace(Path(tmp) / "ws", args.words)
        cached_pipeline(ws.settings.model)  # load once, outside the timings
        print(f"{len(ws.sources())} sources, {sum(s.words for s in ws.sources()):,} words")
        one = 0.0
        for n_process in (1, 2):
            # Interleaved rounds, best of each: other work on the machine shifts single runs.
            best = {"whole": 0.0, "chunks": 0.0, "library": 0.0}
            for _ in range(args.rounds):
                for kind in best:
                    if kind == "library":
                        w, dt = bench_library(ws, n_process)
                    else:
                        w, dt = bench_bare(ws, n_process, chunked=kind == "chunks")
                    best[kind] = max(best[kind], w / dt)
            lib = best["library"]
            print(f"n_process={n_process} (best of {args.rounds}): annotator propose {lib:,.0f} "
                  f"words/s; bare nlp.pipe on whole texts {best['whole']:,.0f} words/s "
                  f"(ratio {lib / best['whole']:.2f}); on the same chunks {best['chunks']:,.0f} "
                  f"words/s (ratio {lib / best['chunks']:.2f})")
            if n_process == 1:
                one = lib
            else:
                print(f"annotator propose, 2 processes vs 1: {lib / one:.2f}x")
        # What excluding the components NER does not need buys (same chunks, one process).
        import spacy

        from annotator.nlp.pipeline import chunks

        full = spacy.load(ws.settings.model)
        ner = cached_pipeline(ws.settings.model)
        pieces = [p for s in ws.sources() for _, p in chunks(ws.reading_text(s.id))]
        words = sum(len(p.split()) for p in pieces)
        speed = {"full": 0.0, "ner": 0.0}
        for _ in range(args.rounds):
            for name, nlp in (("full", full), ("ner", ner)):
                t0 = time.perf_counter()
                for _doc in nlp.pipe(pieces, batch_size=ws.settings.batch_size):
                    pass
                speed[name] = max(speed[name], words / (time.perf_counter() - t0))
        print(f"bare nlp.pipe, full pipeline {full.pipe_names}: {speed['full']:,.0f} words/s; "
              f"only {ner.pipe_names}: {speed['ner']:,.0f} words/s "
              f"({speed['ner'] / speed['full']:.2f}x)")
        ws.close()


if __name__ == "__main__":
    main()
