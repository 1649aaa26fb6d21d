"""Exports byte for byte: the same store gives the same files, whatever the export's inside.

An edition is built without running the model, so every machine builds the same one: the
sample source and six real letters (EHRI, Friendly Networks; tests/data/SOURCES.md) are
added, the register imported, the model's proposals of one run (``data/golden/
proposals.json``) stored as ``propose`` stores them, then an editor's decisions, claims and
links applied. Every export it writes (annotated TEI with and without proposals, in each
register mode, register.xml, BibTeX, CSL-JSON, the claims table) must equal the files in
``data/golden/expected`` byte for byte: a faster export that changes one byte fails here.

When an export is meant to change, write the files anew and read the diff before committing:

    python tests/test_export_golden.py --write
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotator import Workspace

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "data" / "golden"
EDITIONS = ROOT / "tests" / "data" / "editions"
SAMPLE = ROOT / "sources" / "german-soviet-axis-talks.xml"
REGISTER = ROOT / "register.xml"
SOURCES = [SAMPLE, *(EDITIONS / rel for rel in (
    "ehri/EHRI-ET-WL16560044_EN.xml", "ehri/EHRI-ET-YV5082493_EN.xml",
    "ehri/EHRI-ET-YV9392546_EN.xml", "friendly-networks/A0011538.xml",
    "friendly-networks/A00187143.xml", "friendly-networks/A00187152.xml"))]
SAMPLE_ID = "german-soviet-axis-talks"
# (include_proposals, register) of each TEI export, by folder
TEI_RUNS = {"tei-proposals": (True, None), "tei-decided": (False, None),
            "tei-register-file": (True, "file"), "tei-register-none": (False, "none")}


def build(folder: Path) -> Path:
    """The golden edition's workspace in ``folder``, every export written under ``out``."""
    from annotator import Workspace
    from annotator.acts.propose import known_entities, write_proposals
    from annotator.records import Proposal

    ws = Workspace.init(folder / "ws")
    try:
        ws.add_many(SOURCES)
        ws.import_register(REGISTER)
        ws.bib_add(ROOT / "sources" / "references.bib")
        stored = json.loads((GOLDEN / "proposals.json").read_text(encoding="utf-8"))
        for src in ws.sources():
            props = [Proposal(**{**p, "date_value": tuple(map(tuple, p["date_value"]))})
                     for p in stored[Path(src.file).name]]
            with ws.store.transaction() as tx:
                write_proposals(tx, src.id, src.sha256, props, known_entities(tx)[0],
                                replace=True)
        ws.apply_decisions(GOLDEN / "decisions.toml")
        _claims(ws)
        out = folder / "out"
        for name, (proposals, register) in TEI_RUNS.items():
            ws.export_tei(include_proposals=proposals, register=register, out_dir=out / name)
        ws.export_bibtex(all=True, out=out / "references.bib")
        ws.export_csl(all=True, out=out / "references.json")
        ws.export_claims("csv", include_proposals=True, out=out / "claims.csv")
    finally:
        ws.close()
    return out


def _claims(ws: Workspace) -> None:
    """Claims an editor marked in the sample, linked to works and to a passage of a letter."""
    letter = next(s.id for s in ws.sources() if s.id != SAMPLE_ID)
    said = ws.add_claim(SAMPLE_ID, quote="Molotov tried to set German and Soviet spheres of "
                        "influence.", kind="attributed", agent="Molotov")
    ws.link_claim(said.id, "nekrich1997", locus="p. 199")
    firm = ws.add_claim(SAMPLE_ID, quote="Molotov remained firm and sought to remove German "
                        "troops from Finland and gain a warm water port in the Baltic.")
    ws.link_claim(firm.id, "israelyan2003", locus="pp. 12-14", rel="mentions")
    text = ws.reading_text(letter)
    start = len(text) - len(text.lstrip())
    ws.link_claim(firm.id, passage=(letter, start, start + 40))


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# An annotated TEI file is kept as what the export inserted into its source (offset in the
# source's characters, text), a tenth of the file, and read as such in a diff; the other
# files (registers, .bib, CSL-JSON, the claims table) are kept whole.
INSERTS = ".inserts.json"
BY_NAME = {p.name: p for p in SOURCES}


def _kept(name: str, data: bytes) -> tuple[str, bytes]:
    """The golden file for export ``name``: its insertions when it is a source's export."""
    source = BY_NAME.get(name.rsplit("/", 1)[-1])
    if source is None:
        return name, data
    import difflib

    before, after = source.read_text(encoding="utf-8"), data.decode("utf-8")
    inserts: list[str] = []
    # lines first, then the characters of the lines that changed: quick on long files
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    offsets = [0]
    for line in a:
        offsets.append(offsets[-1] + len(line))
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        old, new = "".join(a[i1:i2]), "".join(b[j1:j2])
        for cop, c1, _, d1, d2 in difflib.SequenceMatcher(None, old, new,
                                                          autojunk=False).get_opcodes():
            assert cop in ("equal", "insert"), f"{name}: the export changed its source ({cop})"
            if cop == "insert":
                inserts.append(json.dumps([offsets[i1] + c1, new[d1:d2]], ensure_ascii=False))
    return name + INSERTS, ("[\n" + ",\n".join(inserts) + "\n]\n").encode()


def _export_of(name: str, kept: bytes) -> tuple[str, bytes]:
    """The export a golden file stands for (``_kept`` undone)."""
    if not name.endswith(INSERTS):
        return name, kept
    name = name[:-len(INSERTS)]
    text = BY_NAME[name.rsplit("/", 1)[-1]].read_text(encoding="utf-8")
    out, at = [], 0
    for offset, inserted in json.loads(kept):
        out += [text[at:offset], inserted]
        at = offset
    out.append(text[at:])
    return name, "".join(out).encode("utf-8")


def test_exports_are_the_golden_files_byte_for_byte(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_EDITOR", "tester")
    got = _files(build(tmp_path))
    want = dict(_export_of(n, b) for n, b in _files(GOLDEN / "expected").items())
    assert sorted(got) == sorted(want)
    assert len(got) > 30  # every TEI file of every run, and the one-file exports
    changed = [name for name in want if got[name] != want[name]]
    assert not changed, f"exports differ from tests/data/golden/expected: {changed}"


def test_exports_from_kept_maps_are_those_from_maps_built_anew(tmp_path, monkeypatch):
    """An export reads each file's map as the store kept it (its columns viewed as arrays,
    its reading text as kept) or builds it where none is kept: the same files either way."""
    from annotator import Workspace

    monkeypatch.setenv("ANNOTATOR_EDITOR", "tester")
    build(tmp_path)
    got = {}
    for way in ("kept", "built"):
        ws = Workspace(tmp_path / "ws")  # nothing in memory: every map read or built now
        try:
            if way == "built":
                with ws.store.transaction() as tx:
                    tx.execute("DELETE FROM textmaps")
            for name, (proposals, register) in TEI_RUNS.items():
                ws.export_tei(include_proposals=proposals, register=register,
                              out_dir=tmp_path / way / name)
            kept = ws.store.one("SELECT count(*) AS n FROM textmaps")["n"]
        finally:
            ws.close()
        assert kept == len(SOURCES)  # built maps are kept again for the next run
        got[way] = _files(tmp_path / way)
    assert len(got["kept"]) > 20
    assert got["kept"] == got["built"]


def test_golden_exports_hold_what_an_edition_holds():
    """The golden files are not empty shells: proposals, decided names, dates, claims and
    links are in them, so comparing them checks every part of the export."""
    kept = {n: b.decode("utf-8") for n, b in (_export_of(n, b) for n, b in
                                                _files(GOLDEN / "expected").items())}
    sample, decided = kept[f"tei-proposals/{SAMPLE.name}"], kept[f"tei-decided/{SAMPLE.name}"]
    for marker in (' resp="#', "<persName", "<placeName", "<orgName", "<date ", 'type="claim"',
                   'type="supports"'):
        assert marker in sample, marker
    register = kept["tei-register-file/register.xml"]
    assert "<listPerson" in register and "<listPlace" in register
    # ' resp=': an agent's note points with corresp="#...", a proposal carries resp="#..."
    assert ' resp="#' not in decided and "<persName" in decided and "when=" in decided
    assert any('type="passage"' in text for name, text in kept.items()
               if name.startswith("tei-proposals/") and SAMPLE.name not in name)


if __name__ == "__main__":  # python tests/test_export_golden.py --write
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/test_export_golden.py --write")
    import os
    import tempfile

    os.environ["ANNOTATOR_EDITOR"] = "tester"
    with tempfile.TemporaryDirectory() as tmp:
        out = build(Path(tmp))
        shutil.rmtree(GOLDEN / "expected", ignore_errors=True)
        for name, data in _files(out).items():
            name, data = _kept(name, data)
            (GOLDEN / "expected" / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / "expected" / name).write_bytes(data)
    print(f"wrote {GOLDEN / 'expected'}: review the diff before committing")
