"""The package stays ``mypy --strict`` clean (house style: all signatures annotated).

One mypy run over ``annotator/`` with the settings in pyproject.toml ``[tool.mypy]``; a type
error anywhere fails the suite, so CI keeps the package clean.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_typing_package_is_mypy_strict_clean() -> None:
    proc = subprocess.run([sys.executable, "-m", "mypy", "--strict", "annotator"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Success: no issues found" in proc.stdout
