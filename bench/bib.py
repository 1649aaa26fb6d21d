"""How long importing a real bibliography takes, against bibtexparser's own parse of it.

    python bench/bib.py [--entries 3000] [--repeat 3]

The .bib file is made of the real bibliographies the tests use (biblatex's
``biblatex-examples.bib``, Beebe's ``texbook1.bib`` and ``texgraph.bib``: LaTeX accents,
``@string`` macros, crossrefs, long notes), repeated with renamed keys until it has about
``--entries`` entries. Times, best of ``--repeat``:

* ``bibtexparser.parse_string`` with its default parse stack (what a user of bibtexparser
  gets), and with no middleware (its splitter alone);
* annotator's reading (``bibliography.library.read_texts``: split, macros, exact LaTeX
  decoding of the values with a backslash, crossref inheritance, every problem);
* ``Workspace.bib_add`` of the file into a new workspace (reading + keys + the store).

Prints seconds, entries per second and each time's ratio to bibtexparser's default parse
(issue 15 asks for the import within 2x of it).
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

from _common import ROOT, require, runs

SOURCES = [require(ROOT / "tests" / "data" / "bib" / name)
           for name in ("biblatex-examples.bib", "texbook1.bib", "texgraph.bib")]
_HEAD = re.compile(r"^(@(?!string|preamble|comment)\w+\s*[{(]\s*)([^,\s]+)(\s*,)", re.M | re.I)
_XREF = re.compile(r"(crossref\s*=\s*[{\"])([^}\"]+)", re.I)


def big_bib(entries: int) -> tuple[str, int]:
    """The sources repeated with keys renamed per copy: (text, number of entries)."""
    texts = [p.read_text(encoding="utf-8") for p in SOURCES]
    per_copy = sum(len(_HEAD.findall(t)) for t in texts)
    copies = max(1, round(entries / per_copy))
    out = []
    for n in range(copies):
        for t in texts:
            t = _HEAD.sub(lambda m: f"{m.group(1)}{m.group(2)}-c{n}{m.group(3)}", t)
            out.append(_XREF.sub(lambda m: f"{m.group(1)}{m.group(2)}-c{n}", t))
    return "\n".join(out), per_copy * copies


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--entries", type=int, default=3000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    import bibtexparser

    from annotator import Workspace
    from annotator.bibliography.library import read_texts

    text, count = big_bib(args.entries)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.bib"
        path.write_text(text, encoding="utf-8")
        n = 0

        def add() -> None:
            nonlocal n
            n += 1
            ws = Workspace.init(Path(tmp) / f"ws{n}")
            try:
                added = ws.bib_add(path).added
                assert len(added) > count * 0.9, len(added)  # the file's unique keys
            finally:
                ws.close()

        rows = [
            ("bibtexparser.parse_string (default stack)",
             min(runs(lambda: bibtexparser.parse_string(text), args.repeat))),
            ("bibtexparser.parse_string (no middleware)",
             min(runs(lambda: bibtexparser.parse_string(text, parse_stack=[]), args.repeat))),
            ("annotator read (library.read_texts)",
             min(runs(lambda: read_texts([(str(path), text)]), args.repeat))),
            ("annotator bib add (read + keys + store)", min(runs(add, args.repeat))),
        ]
    base = rows[0][1]
    print(f"{count} entries, {len(text) / 1e6:.1f} MB ({', '.join(p.name for p in SOURCES)}, "
          f"keys renamed per copy); best of {args.repeat}")
    print(f"{'':44} {'seconds':>8} {'entries/s':>10} {'x bibtexparser':>15}")
    for name, secs in rows:
        print(f"{name:44} {secs:8.2f} {count / secs:10.0f} {secs / base:15.2f}")


if __name__ == "__main__":
    main()
