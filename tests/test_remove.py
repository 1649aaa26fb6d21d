"""annotator source remove: one act, refused where it would break work elsewhere, undone."""

from __future__ import annotations

import json

import pytest
from conftest import DATA, SAMPLE_TEI, edition_file, run

from annotator.errors import DecisionError, SourceError

MARKED = DATA / "marked.xml"  # a TEI source whose own markup gives mentions


@pytest.fixture
def two(ws):
    """A workspace holding marked.xml (mentions from its markup) and the sample source."""
    ws.add(MARKED)
    ws.add(SAMPLE_TEI)
    return ws


def _ids(ws):
    return [s["id"] for s in json.loads(run(ws, "sources", "--format", "json").stdout)]


def test_remove_then_export_and_undo(two):
    before = sorted((m.start, m.end, m.type, m.status) for m in two.mentions("marked"))
    assert before
    got = run(two, "source", "remove", "marked")
    assert got.exit_code == 0, got.output
    assert f"{len(before)} mention(s)" in got.stderr
    assert _ids(two) == ["german-soviet-axis-talks"]
    assert not (two.sources_dir / "marked.xml").exists()
    assert [m for m in two.mentions() if m.source_id == "marked"] == []
    assert two.entities()  # the register's entities stay
    got = run(two, "export", "tei")
    assert got.exit_code == 0, got.output
    assert not (two.sources_dir / "marked.xml").exists()  # not written back from the store
    assert [p.name for p in two.exports_dir.glob("marked*")] == []
    got = run(two, "undo")
    assert got.exit_code == 0, got.output
    assert "source-remove source:marked" in got.stderr
    assert _ids(two) == ["german-soviet-axis-talks", "marked"]
    assert (two.sources_dir / "marked.xml").read_bytes() == MARKED.read_bytes()
    assert sorted((m.start, m.end, m.type, m.status) for m in two.mentions("marked")) == before


def test_remove_refuses_a_source_whose_passage_a_claim_elsewhere_cites(two):
    claim = two.add_claim("german-soviet-axis-talks", span=(0, 20))
    text = two.reading_text("marked")
    two.link_claim(claim.id, passage=("marked", 0, min(len(text), 10)))
    got = run(two, "source", "remove", "marked")
    assert got.exit_code == 2
    assert "[S024]" in got.stderr and f"claim {claim.id} in german-soviet-axis-talks" \
        in got.stderr and len(got.stderr.strip().splitlines()) == 1
    assert "marked" in _ids(two) and (two.sources_dir / "marked.xml").exists()
    got = run(two, "source", "remove", "marked", "--force")
    assert got.exit_code == 0, got.output
    assert "1 link(s)" in got.stderr
    assert two.claim(claim.id).links == ()
    two.undo()
    assert [ln.target_source_id for ln in two.claim(claim.id).links] == ["marked"]


def test_remove_unknown_source(two):
    got = run(two, "source", "remove", "nope")
    assert got.exit_code == 2
    assert "no source 'nope'" in got.stderr and "[S015]" in got.stderr
    with pytest.raises(SourceError) as err:
        two.remove_source("nope")
    assert err.value.code == "S015"


def test_remove_refuses_a_file_edited_since_it_was_added(two):
    path = two.sources_dir / "marked.xml"
    edited = path.read_bytes().replace(b"</body>", b"<p>An edit.</p></body>")
    path.write_bytes(edited)
    with pytest.raises(SourceError) as err:
        two.remove_source("marked", force=True)
    assert err.value.code == "S025"
    assert path.read_bytes() == edited and "marked" in _ids(two)


def test_undo_of_an_add_names_source_remove(two):
    add = next(d for d in two.history() if d.target == "source:marked")
    with pytest.raises(DecisionError) as err:
        two.undo(add.id)
    assert err.value.code == "D009" and "annotator source remove marked" in str(err.value)


def test_undo_of_a_decision_on_a_removed_source_names_the_removal(two):
    m = two.mentions("marked")[0]
    confirmed = two.reject(f"mention:{m.id}")
    removed = two.remove_source("marked")
    with pytest.raises(DecisionError) as err:
        two.undo(confirmed.id)
    assert err.value.code == "D008" and f"undo {removed.id} first" in str(err.value)


def test_remove_undo_redo_and_undo_again_keep_rows_and_file_together(two):
    """A removal undone, redone (its undo undone) and undone again: the file follows the
    source's row each time, byte for byte, and a plain undo takes back the redo (was: the redo
    refused as if the undo were the source's adding, D009, and a plain undo passed over it);
    a redo over a file edited since is refused (S025), nothing changed."""
    path = two.sources_dir / "marked.xml"
    before = sorted((m.start, m.end, m.type, m.status) for m in two.mentions("marked"))
    removed = two.remove_source("marked")
    undone = two.undo()
    assert undone.undoes == removed.id and path.read_bytes() == MARKED.read_bytes()
    redone = two.undo(undone.id)
    assert redone.undoes == undone.id
    assert _ids(two) == ["german-soviet-axis-talks"] and not path.exists()
    assert [m for m in two.mentions() if m.source_id == "marked"] == []
    again = two.undo()  # the newest act in force is the redo
    assert again.undoes == redone.id
    assert _ids(two) == ["german-soviet-axis-talks", "marked"]
    assert path.read_bytes() == MARKED.read_bytes()
    assert sorted((m.start, m.end, m.type, m.status) for m in two.mentions("marked")) == before
    edited = MARKED.read_bytes().replace(b"</body>", b"<p>An edit.</p></body>")
    path.write_bytes(edited)
    with pytest.raises(SourceError) as err:
        two.undo(again.id)
    assert err.value.code == "S025"
    assert path.read_bytes() == edited and "marked" in _ids(two)


def test_undo_takes_back_a_source_date(two):
    """Setting a source's date is an editor's act: a plain undo takes it back (was: passed
    over, as if it were the source's adding, and an older act undone instead)."""
    two.set_source_date("marked", "1940-11-12")
    older = two.history(limit=2)[1]
    done = two.undo()
    assert done.act == "undo" and done.payload["act"] == "source-date"
    assert two.source("marked").date != "1940-11-12"
    assert two.decision(older.id).undone_by is None


LETTER = "Otto Brahm met Gerhart Hauptmann in Berlin on 3 May 1890. Brahm wrote to Arthur " \
         "Schnitzler in Vienna.\n"
DIARY = "Gerhart Hauptmann travelled to Agnetendorf with Max Reinhardt.\n"
GRAPH = ("entities", "variants", "pointers", "authority_ids", "mentions", "claims")


@pytest.fixture
def proposed(ws, tmp_path):
    """A letter and a diary, proposed: Hauptmann is named in both, the rest in one only."""
    for name, text in (("letter", LETTER), ("diary", DIARY)):
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
        ws.add(tmp_path / f"{name}.txt")
    ws.propose()
    assert {e.id for e in ws.entities()} >= {
        "person-otto-brahm", "person-gerhart-hauptmann", "person-arthur-schnitzler",
        "place-berlin", "place-vienna", "person-max-reinhardt"}
    return ws


def _rows(ws):
    """Every row of the entities' tables, in the order the store lists them (rowid)."""
    conn = ws.store.conn
    return {t: [tuple(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY rowid")]  # noqa: S608
            for t in GRAPH}


def _listed(ws):
    return run(ws, "entities", "--format", "json").stdout


def test_remove_takes_the_proposed_entities_named_nowhere_else_and_undo_brings_them_back(
        proposed):
    """The proposals named only in the removed source go with it in the same act; one named
    elsewhere, confirmed, decided on or a claim's agent in another source stays; undo brings
    every row back as it was, a redo takes them out again (was: they stayed in 'entities'
    with no mention, as if still to review)."""
    ws = proposed
    ws.confirm("entity:place-berlin")
    ws.set_note("person-arthur-schnitzler", "the playwright")
    ws.add_claim("diary", quote="Gerhart Hauptmann travelled", agent="person-otto-brahm")
    rows, listed = _rows(ws), _listed(ws)
    gone = {e.id for e in ws.entities()
            if e.id not in ("place-berlin", "person-arthur-schnitzler", "person-otto-brahm")
            and {m.source_id for m in ws.mentions() if m.entity_id == e.id} == {"letter"}}
    assert "place-vienna" in gone
    got = run(ws, "source", "remove", "letter")
    assert got.exit_code == 0, got.output
    assert f"{len(gone)} proposed entit(ies) named nowhere else" in got.stderr
    left = {e.id for e in ws.entities()}
    assert not left & gone
    assert {"place-berlin", "person-arthur-schnitzler", "person-otto-brahm",
            "person-gerhart-hauptmann", "person-max-reinhardt"} <= left
    # none left with no mention but the held: confirmed, a note (a decision), a claim's agent
    assert {e.id for e in ws.entities() if not e.mentions} == {
        "place-berlin", "person-arthur-schnitzler", "person-otto-brahm"}
    assert ws.claims(source_id="diary")[0].agent_entity_id == "person-otto-brahm"
    undone = ws.undo()
    assert _rows(ws) == rows and _listed(ws) == listed
    ws.undo(undone.id)  # redone
    assert not {e.id for e in ws.entities()} & gone
    ws.undo()
    assert _rows(ws) == rows and _listed(ws) == listed


def test_redo_of_a_removal_keeps_an_entity_named_elsewhere_since(proposed):
    """A removal redone after a claim elsewhere took one of its proposals as agent keeps that
    one, as a removal would, and the claim keeps its agent; the others go again."""
    ws = proposed
    removed = ws.remove_source("letter")
    assert {"person-otto-brahm", "place-vienna"}.isdisjoint(e.id for e in ws.entities())
    undone = ws.undo(removed.id)
    claim = ws.add_claim("diary", quote="Gerhart Hauptmann travelled", agent="person-otto-brahm")
    ws.undo(undone.id)
    ids = {e.id for e in ws.entities()}
    assert "person-otto-brahm" in ids and "place-vienna" not in ids
    assert ws.claim(claim.id).agent_entity_id == "person-otto-brahm"
    assert {v for e in ws.entities() if e.id == "person-otto-brahm" for v in e.variants} \
        >= {"Otto Brahm", "Brahm"}


def test_redo_of_a_removal_refuses_a_passage_cited_since(two):
    """A removal redone after a claim of another source was linked to a passage of the source
    is refused as the removal is (S024, naming the claim), nothing changed (was: the store
    refused the delete, D312, 'other rows still refer to what it added')."""
    removed = two.remove_source("marked")
    undone = two.undo(removed.id)
    claim = two.add_claim("german-soviet-axis-talks", span=(0, 20))
    two.link_claim(claim.id, passage=("marked", 0, 10))
    with pytest.raises(SourceError) as err:
        two.undo(undone.id)
    assert err.value.code == "S024" and f"claim {claim.id} in german-soviet-axis-talks" \
        in str(err.value) and "annotator source remove marked --force" in err.value.hint
    assert "marked" in _ids(two) and (two.sources_dir / "marked.xml").exists()
    assert [ln.target_source_id for ln in two.claim(claim.id).links] == ["marked"]


def test_proposing_again_keeps_a_claims_agent_named_nowhere_else(proposed):
    """A proposal run that drops the proposals it no longer makes keeps one a claim of another
    source has for agent (store.proposals.orphans; was: deleted, and the claim's agent
    unlinked by the schema, unlogged)."""
    from annotator import Workspace

    ws = proposed
    claim = ws.add_claim("diary", quote="Gerhart Hauptmann travelled", agent="person-otto-brahm")
    with (ws.root / "annotator.toml").open("a", encoding="utf-8") as f:
        f.write('\n[annotator.labels]\nPERSON = ""\nGPE = ""\n')  # no persons, no places
    ws.close()
    ws = Workspace.open(ws.root)
    try:
        ws.propose(["letter"], force=True)
        ids = {e.id for e in ws.entities()}
        assert "place-vienna" not in ids and "person-otto-brahm" in ids
        assert ws.claim(claim.id).agent_entity_id == "person-otto-brahm"
    finally:
        ws.close()


def test_a_removed_entitys_id_is_not_taken_again_so_undo_brings_it_back(proposed, tmp_path):
    """A proposal run after a removal gives a new entity of a deleted one's name the next
    free id (person-max-reinhardt-2), never the id the removal logged, so undoing the
    removal puts the old entity back beside it (was: the new entity took the id, and the undo
    was refused, D008 'entity person-max-reinhardt changed since')."""
    ws = proposed
    removed = ws.remove_source("diary")
    assert "person-max-reinhardt" not in {e.id for e in ws.entities()}
    (tmp_path / "note.txt").write_text("Max Reinhardt staged a play.\n", encoding="utf-8")
    ws.add(tmp_path / "note.txt")
    ws.propose(["note"])
    assert {m.entity_id for m in ws.mentions("note") if m.type == "person"} == {
        "person-max-reinhardt-2"}
    ws.undo(removed.id)
    ids = {e.id for e in ws.entities()}
    assert {"person-max-reinhardt", "person-max-reinhardt-2"} <= ids
    assert "person-max-reinhardt" in {m.entity_id for m in ws.mentions("diary")}


def _of_source(ws, source_id):
    """Rows (as the store has them) of the tables whose ids the log keeps, of one source."""
    conn = ws.store.conn
    return {t: [dict(r) for r in conn.execute(
        f"SELECT * FROM {t} WHERE {where} ORDER BY id", (source_id,))]  # noqa: S608
        for t, where in (("mentions", "source_id = ?"), ("runs", "source_id = ?"),
                         ("claims", "source_id = ?"),
                         ("links", "claim_id IN (SELECT id FROM claims WHERE source_id = ?)"))}


def test_ids_a_removal_took_are_not_given_again_so_its_undo_brings_them_back(proposed,
                                                                            tmp_path):
    """The letter, added last, holds the highest mention and run ids; after its removal a
    proposal run on a new source gives its mentions and runs ids above them, so undoing the
    removal puts every row back under its own id (was: the highest id there plus one, the
    removed letter's ids, and the undo refused, D008 'mention 4 changed since')."""
    ws = proposed
    ws.confirm("person-otto-brahm")  # an editor's work on the letter's mentions
    rows = _of_source(ws, "letter")
    assert max(m["id"] for m in ws.store.query("SELECT id FROM mentions")) == \
        max(m["id"] for m in rows["mentions"])
    removed = ws.remove_source("letter")
    (tmp_path / "note.txt").write_text("Max Reinhardt staged a play in Vienna.\n",
                                       encoding="utf-8")
    ws.add(tmp_path / "note.txt")
    ws.propose(["note"])
    note = _of_source(ws, "note")
    assert note["mentions"] and note["runs"]
    for table in ("mentions", "runs"):
        assert min(r["id"] for r in note[table]) > max(r["id"] for r in rows[table]), table
    ws.undo(removed.id)
    assert _of_source(ws, "letter") == rows
    assert _of_source(ws, "note") == note
    assert ws.entity("person-otto-brahm").status == "confirmed"


def test_ids_of_claims_and_links_taken_away_are_not_given_again(proposed, tmp_path):
    """Claims and links an act took away (a removal, an unlink, an undo of a claim's adding)
    keep their ids: a new claim or link takes a fresh one, so undoing that act, or redoing
    the undo, puts them back under their ids (was: the highest id there plus one, theirs,
    and the undo refused, D008 'claim 2 changed since')."""
    ws = proposed
    works = tmp_path / "works.bib"
    works.write_text("@book{brahm1913,\n  author = {Brahm, Otto},\n  title = {Kritiken},\n"
                     "  year = {1913},\n}\n", encoding="utf-8")
    ws.bib_add(works)
    diary = ws.add_claim("diary", quote="Gerhart Hauptmann travelled to Agnetendorf")
    ws.link_claim(diary.id, "brahm1913", locus="p. 12")
    letter = ws.add_claim("letter", quote="Brahm wrote to Arthur Schnitzler")
    ws.link_claim(letter.id, "brahm1913", locus="p. 40")
    rows = _of_source(ws, "letter")
    removed = ws.remove_source("letter")
    again = ws.add_claim("diary", quote="with Max Reinhardt")
    assert again.id > letter.id
    ws.link_claim(again.id, "brahm1913", locus="p. 7")
    (link,) = ws.claim(again.id).links
    assert link.id > max(r["id"] for r in rows["links"])
    ws.undo(removed.id)
    assert _of_source(ws, "letter") == rows
    assert ws.claim(again.id).links == (link,)
    # a link deleted (unlink), another made, the unlink undone: both there
    ws.unlink(link.id)
    unlinked = ws.history(limit=1)[0]
    ws.link_claim(again.id, "brahm1913", locus="p. 8")
    ws.undo(unlinked.id)
    assert {ln.locus for ln in ws.claim(again.id).links} == {"p. 7", "p. 8"}
    # a claim's adding undone, another claim added, the undo undone (a redo): both there
    added = ws.add_claim("diary", quote="Gerhart Hauptmann travelled")
    undone = ws.undo()
    other = ws.add_claim("diary", quote="travelled to Agnetendorf")
    assert other.id > added.id
    ws.undo(undone.id)
    assert ws.claim(added.id).start == added.start and ws.claim(other.id).start == other.start


def test_redo_of_a_removal_after_its_source_was_proposed_again(two):
    """A removal undone, its source proposed again (the run recorded anew, as a proposal run
    records it, unlogged), then redone: the redo takes the source out (was: refused, D008
    'run 2 changed since; decide again instead', as if the run were an editor's work)."""
    two.propose(["marked"])
    removed = two.remove_source("marked")
    undone = two.undo(removed.id)
    two.propose(["marked"], force=True)
    two.undo(undone.id)
    assert _ids(two) == ["german-soviet-axis-talks"]
    again = two.undo()
    assert _ids(two) == ["german-soviet-axis-talks", "marked"] and again.act == "undo"


def test_remove_names_its_entities_by_the_sources_left(named_ws, tmp_path):
    """A place written "Bethgelert" four times in a third file is named so; that file taken
    out, it is "Beddgelert" again, as the two left write it three times (was: "Bethgelert",
    written nowhere in the workspace); undo puts the file's name back."""
    ws = named_ws
    ws.add(edition_file(tmp_path, "c.xml", ", ".join(
        ['<placeName ref="#bd">Bethgelert</placeName>'] * 4)))
    assert ws.entity("bd").preferred == "Bethgelert"
    ws.remove_source("c")
    assert ws.entity("bd").preferred == "Beddgelert"
    ws.undo()
    assert ws.entity("bd").preferred == "Bethgelert"


def test_an_entity_is_held_by_a_decision_naming_its_very_id(ws):
    """``store.proposals.orphans`` and ``runs_own`` tell the decisions that name an entity by
    its exact id, as a target or in the arguments (was: by LIKE patterns, which read the '_'
    of a register's id as any character and ignore case: a decision naming ehri-pers-1 or
    EHRI_PERS_2 held ehri_pers_1 and ehri_pers_2, so a run kept them though nothing did)."""
    from annotator.store.connection import now
    from annotator.store.proposals import orphans, runs_own

    ids = ["ehri_pers_1", "ehri_pers_2", "ehri_pers_3", "ehri_pers_4"]
    with ws.store.transaction() as conn:
        for eid in ids:
            conn.execute("INSERT INTO entities (id, type, preferred, created_at) "
                         "VALUES (?, 'person', ?, ?)", (eid, eid, now()))
        for target, payload in (("entity:ehri-pers-1", "{}"),
                                ("mention:1", '{"into": "EHRI_PERS_2"}'),
                                ("entity:person-x entity:ehri_pers_3", "{}"),
                                ("mention:2", '{"into": "ehri_pers_4"}')):
            conn.execute("INSERT INTO decisions (at, editor, act, target, payload) "
                         "VALUES (?, 'ed', 'note', ?, ?)", (now(), target, payload))
        assert orphans(conn, ids) == ["ehri_pers_1", "ehri_pers_2"]
        assert sorted(runs_own(conn, ids)) == ["ehri_pers_1", "ehri_pers_2"]
        # one query for them all, however many (was: one per entity)
        sql: list[str] = []
        conn.set_trace_callback(sql.append)
        try:
            assert orphans(conn, reversed(ids)) == ["ehri_pers_1", "ehri_pers_2"]
        finally:
            conn.set_trace_callback(None)
        assert len(sql) == 1, sql
