"""``eval`` on an edition's own files as the edition grows: ``python bench/eval_scale.py DIR``.

    python bench/eval_scale.py DIR [--sizes 8,16,32]

DIR is a folder of annotated TEI files (one edition, e.g. the dev corpora's
``friendly-networks``). For each size N, a fresh workspace holds N copies of its files, taken in
name order and round again (a comment after the XML declaration makes each copy's bytes its
own), and ``evaluate_each`` scores every one of them held out alone, as ``annotator eval
sources/*.xml`` does. Prints, per size, the wall and CPU seconds (the machine is shared: CPU is
the steadier figure), CPU seconds per source (flat when the time grows linearly with the
edition) and the person and date figures (each copy scores as its file, so they grow with N).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator import Workspace  # noqa: E402
from annotator.acts.evaluate import combine  # noqa: E402


def edition_of(files: list[Path], n: int, folder: Path) -> Workspace:
    """A workspace in ``folder`` holding ``n`` copies of ``files``, each its own bytes."""
    ws = Workspace.init(folder / "ws")
    paths = []
    for i in range(n):
        f = files[i % len(files)]
        data = f.read_text(encoding="utf-8")
        mark = f"<!-- copy {i} -->"
        data, done = re.subn(r"^(<\?xml[^>]*\?>)", rf"\1{mark}", data, count=1)
        copy = folder / f"c{i:04d}-{f.name}"
        copy.write_text(data if done else mark + data, encoding="utf-8")
        paths.append(copy)
    ws.add_many(paths)
    return ws


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--sizes", default="8,16,32")
    args = parser.parse_args()
    files = sorted(args.folder.glob("*.xml"))
    if not files:
        sys.exit(f"bench: no .xml files in {args.folder}")
    print("sources  wall s  cpu s  cpu s/source  person exact  dates right")
    for n in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            ws = edition_of(files, n, Path(tmp))
            gold = sorted((ws.root / "sources").glob("*.xml"))
            t0, c0 = time.perf_counter(), time.process_time()
            report = combine(list(ws.evaluate_each(gold)))
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            person = report.score("person")
            print(f"{n:7d}  {wall:6.1f}  {cpu:5.1f}  {cpu / n:12.2f}  "
                  f"{person.exact_tp:5d}/{person.gold:<6d}  "
                  f"{report.dates_right}/{report.dates_gold}", flush=True)


if __name__ == "__main__":
    main()
