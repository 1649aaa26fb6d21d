"""How long ``add --replace`` takes to align a source's old and new reading texts, beside the
character-level difflib it used before, measured in the same run.

    python bench/replace.py [FILE.xml] [--scales 1,16] [--repeat 3] [--cap 60]

FILE is a long real source (default: Curious Travellers' 0012.xml from the project's
dev-corpora, 55k characters); 16x is a synthetic text of the same kind of size times 16 (the
sample article's paragraphs repeated, ~160k words). Each text is edited four ways: one letter
changed mid-text, ten words changed spread through it, a paragraph moved ten paragraphs down,
and every word shuffled (fully rewritten). For each, ``align`` (min and median of
``--repeat`` runs) and difflib (once, in a child process given ``--cap`` seconds: past it the
row says '> cap'), and how many of the old text's words (as mentions) and runs of 2-4 words
(as claims) each keeps. Then one end-to-end row: ``Workspace.add(replace=True)`` of FILE with
one word changed, beside adding the same file to a new workspace (what a replace costs
besides the alignment).
"""

from __future__ import annotations

import argparse
import difflib
import multiprocessing
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

from _common import repeated_sample, require, runs, sample_copies

from annotator.acts.align import Match, align, block_of
from annotator.tei.parse import parse_source
from annotator.tei.textmap import build_textmap

DEFAULT = Path("/work/shared/dev-corpora/curious-travellers/0012.xml")


def reading_text(data: bytes, name: str) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        return build_textmap(parse_source(path)).text


def cases(text: str) -> dict[str, str]:
    """The four edited versions of ``text``."""
    rnd = random.Random(33)
    mid = len(text) // 2
    one = text[:mid] + ("x" if text[mid] != "x" else "y") + text[mid + 1:]
    words = list(re.finditer(r"\w{4,}", text))
    several = text
    for m in reversed(words[len(words) // 20::len(words) // 10][:10]):
        several = several[:m.start()] + m.group().upper() + "ed" + several[m.end():]
    paras = text.split("\n\n")
    k = len(paras) // 3
    reordered = "\n\n".join(paras[:k] + paras[k + 1:k + 11] + paras[k:k + 1] + paras[k + 11:])
    tokens = text.split(" ")
    rewritten = " ".join(rnd.sample(tokens, len(tokens)))
    return {"one edit": one, "10 edits": several, "paragraph moved": reordered,
            "rewritten": rewritten}


def spans(text: str) -> list[tuple[int, int]]:
    words = [m.span() for m in re.finditer(r"\w+", text)]
    return words + [(words[k][0], words[k + 1 + k % 3][1]) for k in range(len(words) - 3)]


def kept(blocks: list[Match], wanted: list[tuple[int, int]]) -> int:
    starts = [m.a for m in blocks]
    return sum(block_of(blocks, starts, s, e) is not None for s, e in wanted)


def _difflib_child(old: str, new: str, out: object) -> None:
    t0 = time.perf_counter()
    blocks = [m for m in difflib.SequenceMatcher(None, old, new, autojunk=False)
              .get_matching_blocks() if m.size]
    out.send((time.perf_counter() - t0, [tuple(m) for m in blocks]))  # type: ignore[attr-defined]


def by_difflib(old: str, new: str, cap: float) -> tuple[float, list[Match]] | None:
    """difflib's seconds and blocks, or None past ``cap`` seconds (the child is stopped)."""
    ctx = multiprocessing.get_context("fork")
    here, there = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_difflib_child, args=(old, new, there))
    child.start()
    got = here.recv() if here.poll(cap) else None
    child.terminate()
    child.join()
    if got is None:
        return None
    return got[0], [Match(*m) for m in got[1]]


def row(label: str, old: str, new: str, repeat: int, cap: float) -> None:
    ts = runs(lambda: align(old, new), repeat)
    blocks = align(old, new)
    wanted = spans(old)
    base = by_difflib(old, new, cap)
    mine = f"{min(ts):7.3f}/{statistics.median(ts):7.3f} s  kept {kept(blocks, wanted):6d}"
    if base is None:
        theirs = f"> {cap:.0f} s".rjust(9) + "      kept      ?  ratio     ?"
    else:
        theirs = (f"{base[0]:9.2f} s  kept {kept(base[1], wanted):6d}  "
                  f"ratio {base[0] / min(ts):8.0f}x faster")
    print(f"{label:<26} align {mine} of {len(wanted)}   difflib {theirs}", flush=True)


def end_to_end(data: bytes, name: str, repeat: int) -> None:
    """``add --replace`` of the file with one word changed vs ``add`` of it to a new workspace."""
    from annotator import Workspace

    text = data.decode("utf-8")
    body = text.index("<body")
    word = re.compile(r">([^<]*?)\b(\w{5,})\b").search(text, body + len(text[body:]) // 2)
    assert word is not None, "no word to change in the file's body"
    edited = (text[:word.start(2)] + word.group(2).upper() + text[word.end(2):]).encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ws = Workspace.init(folder / "ws")
        src = folder / name
        src.write_bytes(data)
        ws.add(src)
        replaced, added = [], []
        for k in range(repeat):  # edited, back, edited, ...
            src.write_bytes(data if k % 2 else edited)
            t0 = time.perf_counter()
            ws.add(src, replace=True)
            replaced.append(time.perf_counter() - t0)
            fresh = Workspace.init(folder / f"fresh{k}")
            t0 = time.perf_counter()
            fresh.add(src)
            added.append(time.perf_counter() - t0)
    print(f"{'add --replace, 1 word':<26} tool {min(replaced):7.3f}/"
          f"{statistics.median(replaced):7.3f} s   base (add to a new workspace) "
          f"{min(added):7.3f}/{statistics.median(added):7.3f} s   ratio "
          f"{min(replaced) / min(added):5.2f}x", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--scales", default="1,16")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cap", type=float, default=60.0)
    args = ap.parse_args()
    data = require(args.file).read_bytes()
    for scale in (int(s) for s in args.scales.split(",")):
        if scale == 1:
            old = reading_text(data, args.file.name)
        else:
            size = len(reading_text(data, args.file.name).split()) * scale
            old = reading_text(repeated_sample(sample_copies(size)).encode("utf-8"),
                               "synthetic.xml")
        print(f"-- {scale}x: {len(old)} characters, {len(old.split())} words", flush=True)
        for label, new in cases(old).items():
            row(f"{label} ({scale}x)", old, new, args.repeat, args.cap)
    end_to_end(data, args.file.name, args.repeat)


if __name__ == "__main__":
    main()
