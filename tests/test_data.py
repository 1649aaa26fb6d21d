"""The repository is self-contained: every test input is in tests/data, named with its licence."""

from __future__ import annotations

import re

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
    assert sum((DATA / f).stat().st_size for f in _data_files()) < 1_000_000


@pytest.mark.parametrize("path", sorted(EDITIONS.rglob("*.xml")), ids=lambda p: p.name)
def test_data_editions_are_valid_tei(path):
    assert validate(path, TEI_RNG).valid


def test_data_no_test_or_benchmark_reads_outside_the_repository():
    # a fresh clone has nothing beside it: no path may climb out of the repository
    outside = re.compile(r"""\.\./\w|\.parent\.parent\.parent|ROOT\.parent\b|ANNOTATOR_SHARED""")
    for f in [*ROOT.joinpath("tests").glob("*.py"), *ROOT.joinpath("bench").glob("*.py")]:
        if f.name != "test_data.py":
            assert not outside.search(f.read_text(encoding="utf-8")), f


def test_data_ci_runs_exactly_the_readmes_test_command():
    blocks = re.findall(r"```sh\n(.*?)\n```", (ROOT / "README.md").read_text(encoding="utf-8"),
                        re.S)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == blocks[1]
    assert blocks[1].startswith("sh tests/setup-system.sh && ")
