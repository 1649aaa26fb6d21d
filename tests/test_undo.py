"""Undo gives back what an editor saw before the act, redo what they saw after it: the
entities listing, the queue and the exported TEI, proposals included."""

from __future__ import annotations

from conftest import run

LETTER = "Otto Brahm met Gerhart Hauptmann in Berlin on 3 May 1890. Brahm wrote to Arthur " \
         "Schnitzler in Vienna.\n"


def _seen(ws):
    """What an editor sees: the entities listing, the queue, every source's exported TEI."""
    listed = run(ws, "entities", "--format", "json")
    assert listed.exit_code == 0, listed.output
    exported = {}
    for src in ws.sources():
        report = ws.export_tei([src.id])
        exported[src.id] = (ws.root / report.files[0].path).read_bytes()
    return listed.stdout, ws.queue(), exported


def _texts(ws, tmp_path, *named):
    for name, text in named:
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
        ws.add(tmp_path / f"{name}.txt")


SPOKE = "Hitler spoke first; Molotov answered that the Soviet Union would not be hurried.\n"
NAMED = ('<?xml version="1.0" encoding="UTF-8"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0">'
         '<teiHeader><fileDesc><titleStmt><title>Minutes</title></titleStmt><publicationStmt>'
         '<p>Test data of annotator.</p></publicationStmt><sourceDesc><p>Written for the tests.'
         '</p></sourceDesc></fileDesc></teiHeader><text><body><p><persName>Hitler</persName> '
         'received the delegation.</p></body></text></TEI>\n')


def _removed_after_minutes(ws, tmp_path, *, redo):
    """The letter proposed (person-hitler, named there only), then taken out; the minutes,
    whose own markup names Hitler with no pointer, added before the removal, or (``redo``)
    between the removal's undo and its redo."""
    _texts(ws, tmp_path, ("letter", SPOKE))
    ws.propose()
    assert "person-hitler" in {m.entity_id for m in ws.mentions("letter")}
    (tmp_path / "minutes.xml").write_text(NAMED, encoding="utf-8")
    if redo:
        removed = ws.remove_source("letter")
        assert "person-hitler" not in {e.id for e in ws.entities()}
        undone = ws.undo(removed.id)
        ws.add(tmp_path / "minutes.xml")
        ws.undo(undone.id)
    else:
        ws.add(tmp_path / "minutes.xml")
        ws.remove_source("letter")
    assert {m.entity_id for m in ws.mentions("minutes")} == {"person-hitler"}
    return _seen(ws)


def test_a_redone_removal_counts_only_what_it_took_out(ws, tmp_path):
    """A removal redone after another source came to name one of its proposed entities keeps
    that entity, and what an export reads of the log (store.decided) counts it as untouched,
    as a removal made then does: the other source exports alike (was: the removal's logged
    rows still named the entity, so the export took it as decided by an editor and wrote a
    pointer into the minutes' own <persName>Hitler</persName>)."""
    from annotator import Workspace

    redone = _removed_after_minutes(ws, tmp_path, redo=True)
    (tmp_path / "made").mkdir()
    made = Workspace.init(tmp_path / "made" / "ws")
    try:
        assert _removed_after_minutes(made, tmp_path / "made", redo=False) == redone
    finally:
        made.close()
    assert b"<persName>Hitler</persName>" in redone[2]["minutes"]


def test_plain_undo_reads_what_is_in_force_by_the_stores_rule(ws, tmp_path):
    """What a plain undo takes back is read by the rule the exports read (store.logged
    OUT_OF_FORCE), in one query of the log however many undos stand (was: the undo walked the
    chain of every undo in force, one query each, a second writing of the same rule); a redo
    is in force, taken back first, and the exports follow each step."""
    _texts(ws, tmp_path, ("letter", LETTER))
    ws.propose()
    confirmed = ws.confirm("entity:place-berlin")
    confirmed_seen = _seen(ws)
    noted = ws.set_note("place-berlin", "the capital")
    undone = ws.undo()
    assert undone.undoes == noted.id and _seen(ws) == confirmed_seen
    redone = ws.undo(undone.id)
    noted_seen = _seen(ws)
    assert ws.undo_next()[0].id == redone.id  # the redo, not its undo, nor the note
    assert ws.undo().undoes == redone.id and _seen(ws) == confirmed_seen
    took_back = ws.undo()
    assert took_back.undoes == confirmed.id
    statements: list[str] = []
    ws.store.conn.set_trace_callback(statements.append)
    try:
        assert ws.undo_next() == (None, None)  # two undos stand, nothing is in force
    finally:
        ws.store.conn.set_trace_callback(None)
    assert len([s for s in statements if "decisions" in s]) == 1
    again = ws.undo(took_back.id)  # the confirm redone, the note still undone
    assert _seen(ws) == confirmed_seen != noted_seen
    assert ws.undo_next()[0].id == again.id
