"""Dev check: TEI files added and exported with nothing decided come back byte for byte.

For each file, a new workspace adds it, and ``export tei`` (default options) writes it again;
the script prints, per file, ``same`` or where the bytes first differ, and what the export
would warn of (``pointers_kept``, ``dates_kept``: nothing was decided, so none), then the
counts.
Not a test: it reads whatever files it is given (the dev corpora live outside the repository).

    python bench/noop_export.py /work/shared/dev-corpora/*/*.xml tests/data/*.xml
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from _common import require  # (importing it puts this checkout first on sys.path)


def check(path: Path, folder: Path) -> str:
    """'same', or a short account of the first difference; then the warnings, if any."""
    from annotator import AnnotatorError, Workspace

    ws = Workspace.init(folder / "ws")
    try:
        sid = ws.add(path).source.id
        report = ws.export_tei([sid])
        out = (ws.root / report.files[0].path).read_bytes()
    except AnnotatorError as err:
        return f"refused: {err.code} {err}"
    finally:
        ws.close()
    f = report.files[0]
    warned = "".join(f", {n} {what} warned" for n, what in (
        (f.pointers_kept, "pointers_kept"), (f.dates_kept, "dates_kept")) if n)
    src = path.read_bytes()
    if out == src:
        return "same" + warned
    at = next((i for i, (a, b) in enumerate(zip(src, out)) if a != b), min(len(src), len(out)))
    line = src[:at].count(b"\n") + 1
    return f"differs at line {line}: +{len(out) - len(src)} bytes, " \
           f"{out[at:at + 60].decode('utf-8', 'replace')!r}{warned}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+", type=Path)
    args = ap.parse_args()
    same = warned = 0
    files = [require(p) for p in args.files]  # every input there before the first export
    for path in files:
        with tempfile.TemporaryDirectory() as tmp:
            got = check(path.resolve(), Path(tmp))
        same += got.startswith("same")
        warned += "warned" in got
        print(f"{path}: {got}")
    print(f"{same}/{len(args.files)} byte-identical, {warned} with a warning")


if __name__ == "__main__":
    main()
