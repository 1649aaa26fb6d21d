"""What the benchmarks share: the sample article made big, its workspace, and a timer.

Each ``bench/*.py`` script runs on its own (``python bench/export.py``), with ``bench/`` first
on ``sys.path``, so they import this as ``_common``.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's annotator, whatever else is on the path
T = TypeVar("T")


def require(path: Path) -> Path:
    """``path``, or exit naming it: a benchmark run on missing input measures nothing."""
    if not path.is_file():
        sys.exit(f"bench: input missing: {path} (run from a full checkout of the repository)")
    return path


SAMPLE = require(ROOT / "sources" / "german-soviet-axis-talks.xml")


def sample_copies(words: int) -> int:
    """How many copies of the sample's body paragraphs make about ``words`` words."""
    _, body, _ = _sample_parts()
    return max(1, round(words / len(re.sub(r"<[^>]+>", " ", body).split())))


def repeated_sample(copies: int) -> str:
    """The sample article (TEI) with its body paragraphs repeated ``copies`` times."""
    head, body, tail = _sample_parts()
    return head + "\n        ".join([body] * copies) + tail


def _sample_parts() -> tuple[str, str, str]:
    """The sample's text before its first body paragraph, the paragraphs, the rest."""
    text = SAMPLE.read_text(encoding="utf-8")
    start = text.index("<p>", text.index("<body>"))
    end = text.rindex("</p>") + len("</p>")
    return text[:start], text[start:end], text[end:]


def workspace_with(folder: Path, text: str) -> Any:
    """A new workspace ``folder/ws`` holding ``text`` as the source ``big`` (``folder/big.xml``)."""
    from annotator import Workspace

    path = folder / "big.xml"
    path.write_text(text, encoding="utf-8")
    ws = Workspace.init(folder / "ws")
    ws.add(path)
    return ws


def sample_reading_text() -> str:
    """The sample article's reading text, as a workspace reads it."""
    from annotator.tei.parse import parse_source
    from annotator.tei.textmap import build_textmap

    return build_textmap(parse_source(SAMPLE)).text


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    """Seconds one call of ``fn`` takes, and what it returned."""
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def runs(fn: Callable[[], object], repeat: int) -> list[float]:
    """Seconds of each of ``repeat`` calls of ``fn``."""
    return [timed(fn)[0] for _ in range(repeat)]
