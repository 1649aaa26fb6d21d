"""The repository is self-contained: every test input is in tests/data, named with its licence."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from annotator.tei.validate import validate
from tests.conftest import DATA, EDITIONS, ROOT, TEI_RNG

_LISTED = re.compile(r"^\| `([^`]+)`", re.M)


def _data_files():
    return sorted(p.relative_to(DATA).as_posix() for p in DATA.rglob("*")
                  if p.is_file() and p.name != "SOURCES.md")


def test_data_every_file_is_listed_with_its_licence():
    listed = _LISTED.findall((DATA / "SOURCES.md").read_text(encoding="utf-8"))
    patterns = [re.compile(re.escape(name).replace(r"\*", "[^/]*") + "$") for name in listed]
    unlisted = [f for f in _data_files() if not any(p.match(f) for p in patterns)]
    assert unlisted == []


@pytest.mark.parametrize("path", sorted(EDITIONS.rglob("*.xml")), ids=lambda p: p.name)
def test_data_editions_state_their_open_licence(path):
    # only files that carry an open licence themselves may be copied (Curious Travellers, whose
    # only licence is the site code's AGPL-3.0, may not)
    from annotator.tei.parse import parse_xml

    root = parse_xml(path.read_bytes(), path)
    ns = {"t": "http://www.tei-c.org/ns/1.0"}
    availability = root.xpath("string(//t:publicationStmt/t:availability)", namespaces=ns)
    targets = root.xpath("//t:publicationStmt/t:availability//@target", namespaces=ns)
    assert "creativecommons.org/licenses/by" in " ".join(targets), availability


def test_data_is_small():
    # 1.1 MB since two Friendly Networks journals came for the editor's-voice tests (their
    # notes, whole, are what those tests read; was 1 MB)
    assert sum((DATA / f).stat().st_size for f in _data_files()) < 1_100_000


@pytest.mark.parametrize("path", sorted(EDITIONS.rglob("*.xml")), ids=lambda p: p.name)
def test_data_editions_are_valid_tei(path):
    # valid tei_all; their pointers to registers kept elsewhere (EHRI's #ehri_et_...) are
    # counted by tests/test_export_set.py
    assert validate(path, TEI_RNG, pointers=False).valid


def _climbs_out(tree: ast.AST, folder: Path) -> list[str]:
    """Paths in a module that leave the repository: a relative string that resolves above it,
    three ``.parent`` in a row (from a file in tests/ or bench/), or ``ROOT.parent``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                node.value.startswith(".."):
            where = (folder / node.value).resolve()
            if where != ROOT and ROOT not in where.parents:
                found.append(node.value)
        elif isinstance(node, ast.Attribute) and node.attr == "parent":
            depth, inner = 1, node.value
            while isinstance(inner, ast.Attribute) and inner.attr == "parent":
                depth, inner = depth + 1, inner.value
            if depth >= 3 or (isinstance(inner, ast.Name) and inner.id == "ROOT"):
                found.append(ast.unparse(node))
    return found


def test_data_no_test_or_benchmark_reads_outside_the_repository():
    # a fresh clone has nothing beside it: no path may climb out of the repository
    for f in [*ROOT.joinpath("tests").glob("*.py"), *ROOT.joinpath("bench").glob("*.py")]:
        if f.name == "test_data.py":  # its planted example below
            continue
        assert _climbs_out(ast.parse(f.read_text(encoding="utf-8")), f.parent) == [], f


def test_data_a_path_out_of_the_repository_is_found():
    planted = ast.parse('X = ROOT.parent / "x"\nY = Path(__file__).parent.parent.parent\n'
                        'Z = "../../elsewhere/gold.json"\n')
    assert len(_climbs_out(planted, ROOT / "tests")) == 3


def test_data_ci_runs_exactly_the_readmes_test_command():
    blocks = re.findall(r"```sh\n(.*?)\n```", (ROOT / "README.md").read_text(encoding="utf-8"),
                        re.S)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == blocks[1]
    assert blocks[1].startswith("sh tests/setup-system.sh && ")
