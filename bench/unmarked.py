"""Copies of annotated TEI files without their names and dates, to measure proposals against.

    python bench/unmarked.py OUT_FOLDER FILE_OR_FOLDER...

``persName``, ``placeName``, ``orgName``, ``name``, ``rs`` and ``date`` inside ``<text>`` are
unwrapped (their words stay); the header, ``dateline``, ``opener``, ``div`` and everything else
stay as they are. Added to a workspace and proposed, the copies are scored against the originals
with ``annotator eval ORIGINALS...``:

    python bench/unmarked.py /tmp/dev/plain /work/shared/dev-corpora/friendly-networks
    annotator init /tmp/dev/ws && cd /tmp/dev/ws && annotator add /tmp/dev/plain/*.xml
    annotator propose && annotator eval /work/shared/dev-corpora/friendly-networks

Without this the copies' own markup would come in as confirmed mentions and score everything.
"""

from __future__ import annotations

import sys
from pathlib import Path

from lxml import etree

TEI = "{http://www.tei-c.org/ns/1.0}"
UNWRAP = [f"{TEI}{t}" for t in ("persName", "placeName", "orgName", "name", "rs", "date")]


def unmarked(path: Path) -> bytes:
    """The file's bytes with the name and date elements of its ``<text>`` unwrapped."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    tree = etree.parse(str(path), parser)
    for text in tree.getroot().iter(f"{TEI}text"):
        etree.strip_tags(text, *UNWRAP)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for arg in map(Path, sys.argv[2:]):
        for path in sorted(arg.glob("*.xml")) if arg.is_dir() else [arg]:
            (out / path.name).write_bytes(unmarked(path))
            print(out / path.name)


if __name__ == "__main__":
    main()
