"""Undo gives back what an editor saw before the act, redo what they saw after it: the
entities listing, the queue and the exported TEI, proposals included."""

from __future__ import annotations

import json
import re

import pytest
from conftest import DATA, run

from annotator.errors import DecisionError

MARKED = DATA / "marked.xml"  # its markup names Molotov (no pointer) and NKVD (ref="#nowhere")
LETTER = "Otto Brahm met Gerhart Hauptmann in Berlin on 3 May 1890. Brahm wrote to Arthur " \
         "Schnitzler in Vienna.\n"
DIARY = "Gerhart Hauptmann travelled to Agnetendorf with Max Reinhardt.\n"
NOTE = "A report\n\nThe NKVD arrested him in Moscow.\n"
NKVD = ('<listOrg xmlns="http://www.tei-c.org/ns/1.0"><org xml:id="nkvd"><orgName>NKVD</orgName>'
        '</org></listOrg>')


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


@pytest.fixture
def split_off(ws, tmp_path):
    """A letter and a diary, proposed; Hauptmann's mention in the letter split off to a
    proposed entity of his name (person-gerhart-hauptmann-2), the diary's one confirmed."""
    _texts(ws, tmp_path, ("letter", LETTER), ("diary", DIARY))
    ws.propose()
    ws.split("person-gerhart-hauptmann", [m.id for m in ws.mentions("letter")
                                          if m.entity_id == "person-gerhart-hauptmann"])
    ws.confirm("entity:person-gerhart-hauptmann")
    assert [(m.entity_id, m.status) for m in ws.mentions("letter") if m.start == 15] == [
        ("person-gerhart-hauptmann-2", "proposed")]
    return ws


@pytest.mark.parametrize("act", [
    lambda ws: ws.merge("person-gerhart-hauptmann", "person-max-reinhardt"),
    lambda ws: ws.relabel("person-gerhart-hauptmann", "place"),
], ids=["merge", "relabel"])
def test_undo_leaves_the_proposals_of_another_entity_of_the_name(split_off, act):
    """Undoing an act that took a confirmed entity away (merged, relabelled to another id)
    puts it back and leaves the proposals of a proposed entity sharing its name, which the act
    never touched, where they were (was: they went with the undo, 'annotator propose proposes
    again in letter', and the entity was left with none until the next propose)."""
    ws = split_off
    before = _seen(ws)
    done = act(ws)
    after = _seen(ws)
    undone = ws.undo(done.id)
    assert "proposals" not in undone.payload
    assert _seen(ws) == before
    ws.undo(undone.id)
    assert _seen(ws) == after


def test_redo_of_a_register_import_keeps_what_it_kept_apart(ws, tmp_path):
    """A register import keeps apart a proposed entity of an entry's name that the sources'
    markup points to otherwise (NKVD, ref="#nowhere"); its redo leaves that entity's proposals
    in another source where the import left them (was: they went with the redo, as if the
    import had merged that entity into the entry)."""
    ws.add(MARKED)
    _texts(ws, tmp_path, ("note", NOTE))
    ws.propose()
    assert [m.entity_id for m in ws.mentions("note") if m.surface == "NKVD"] == ["nowhere"]
    (tmp_path / "orgs.xml").write_text(NKVD, encoding="utf-8")
    before = _seen(ws)
    imported = ws.import_register(tmp_path / "orgs.xml")
    assert "nkvd and nowhere share a name" in imported.shared[0]
    after = _seen(ws)
    undone = ws.undo(imported.decision_id)
    assert _seen(ws) == before
    redone = ws.undo(undone.id)
    assert "proposals" not in redone.payload
    assert _seen(ws) == after
    assert [m.entity_id for m in ws.mentions("note") if m.surface == "NKVD"] == ["nowhere"]


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


def test_redo_takes_back_the_newest_undo_as_an_editors_redo_does(ws, tmp_path):
    """'annotator redo' takes back the newest undo not taken back yet: the act it undid is in
    force again and the editor sees what they saw after it; a second redo takes back the undo
    before that, and with no undo left to take back it says so (D036, exit 2)."""
    _texts(ws, tmp_path, ("letter", LETTER))
    ws.propose()
    ws.confirm("entity:place-berlin")
    confirmed_seen = _seen(ws)
    ws.set_note("place-berlin", "the capital")
    noted_seen = _seen(ws)
    ws.undo()
    ws.undo()
    assert _seen(ws) != confirmed_seen
    result = run(ws, "redo")
    assert result.exit_code == 0, result.output
    assert "redid what decision" in result.stderr
    assert _seen(ws) == confirmed_seen  # the newest undo was the confirm's
    assert ws.redo().act == "undo" and _seen(ws) == noted_seen
    refused = run(ws, "redo")
    assert refused.exit_code == 2 and "nothing to redo" in refused.stderr
    assert "[D036]" in refused.stderr
    undone = run(ws, "undo")  # an undo after redos: it takes back the last redo, and says so
    assert undone.exit_code == 0, undone.output
    assert re.search(r"decision \d+: undid \d+, the redo of \d+: what decision \d+ had undone "
                     r"is undone again", undone.stderr), undone.stderr
    assert _seen(ws) == confirmed_seen
    ws.redo()
    assert _seen(ws) == noted_seen


def _tpe(ws):
    """The mention of named_ws writing "Thomas Pennant Esqr" (Pennant's, ``tp``)."""
    return f"mention:{ws.mentions('a')[2].id}"


# (act undone by id, later act, the entity both touched, its name after the undo, what else
# holds after it): the later act changed that entity's row only by the name the store derives,
# or (where the first act only derived its name) in another column
PASSED_OVER = {
    "confirm, then a mention rejected": (
        lambda ws: ws.confirm("entity:tp"), lambda ws: ws.reject(_tpe(ws)), "tp", "T Pennant",
        lambda ws: ws.mentions("a")[2].status == "rejected"),
    "confirm, then split": (
        lambda ws: ws.confirm("entity:tp"), lambda ws: ws.split("tp", [int(_tpe(ws)[8:])]),
        "tp", "T Pennant", lambda ws: ws.mentions("a")[2].entity_id != "tp"),
    "confirm, then merged into": (
        lambda ws: ws.confirm("entity:lloyd"), lambda ws: ws.merge("jl", "lloyd"), "lloyd",
        "John Lloyd", lambda ws: "jl" not in {e.id for e in ws.entities()}),
    "a mention rejected, then a note": (
        lambda ws: ws.reject(_tpe(ws)), lambda ws: ws.set_note("tp", "the traveller"), "tp",
        "Thomas Pennant Esqr", lambda ws: ws.entity("tp").note == "the traveller"
        and ws.mentions("a")[2].status == "confirmed"),  # the markup's, as before the reject
}


@pytest.mark.parametrize("case", PASSED_OVER.values(), ids=PASSED_OVER.keys())
def test_undo_by_id_passes_over_a_name_derived_since(named_ws, case):
    """An act whose rows a later act changed only by naming an entity anew (a name the store
    derives from the mentions, no editor's) is undone by id, and so by a page's own undo: the
    rest is put back and the entity named anew as its mentions write it now; the later act's
    work stays, and a redo gives back what the editor saw before the undo (was: D008 'entity tp
    changed since by decision 4; undo 4 first', and D007 for the page's undo)."""
    from annotator.store.decisions import preferred_by_editor

    ws = named_ws
    first, later, eid, named, kept = case
    done = first(ws)
    later(ws)
    seen = _seen(ws)
    assert ws.undo_next(among=[done.id]) == (ws.decision(done.id), None)
    undone = ws.undo(done.id)
    assert ws.entity(eid).preferred == named
    assert not preferred_by_editor(ws.store.conn, eid)
    assert kept(ws)
    ws.undo(undone.id)
    assert _seen(ws) == seen


def test_undo_by_id_refuses_what_a_later_act_decided_on_the_same_rows(named_ws):
    """What an undo would overwrite still refuses it, naming the row and the act to undo
    first: a name an editor chose since over the one the act derived or kept, and a mention
    the act decided that a later act decided again."""
    ws = named_ws
    rejected = ws.reject(_tpe(ws))
    preferred = ws.set_preferred("tp", "Thomas Pennant")
    confirmed = ws.confirm("entity:lloyd")
    relabelled = ws.relabel(_tpe(ws), "org")
    chosen = ws.set_preferred("lloyd", "Mr Lloyd")
    for done, row, later in [(rejected, _tpe(ws).replace(":", " "), relabelled),
                             (confirmed, "entity lloyd", chosen)]:
        with pytest.raises(DecisionError) as err:
            ws.undo(done.id)
        assert err.value.code == "D008"
        assert f"{row} changed since by decision {later.id}" in err.value.message
        assert err.value.hint == f"undo {later.id} first"
    ws.undo(relabelled.id)
    with pytest.raises(DecisionError) as err:
        ws.undo(rejected.id)
    assert f"entity tp changed since by decision {preferred.id}" in err.value.message


def _refused_naming(ws, monkeypatch, newest, why, how_many, remedy, older):
    """A plain undo refused naming ``newest`` (the source's act), in the library's words
    (``undo_next``) and the CLI's one line (D007, exit 2), offering ``older`` by id."""
    assert ws.undo_next() == (None, (newest, why, how_many, remedy, older))
    monkeypatch.chdir(ws.root)
    refused = run(ws, "undo")
    more = f" (nor can {how_many - 1} older act(s))" if how_many > 1 else ""
    assert refused.exit_code == 2 and refused.stderr == (
        f"annotator.sqlite: undo refused: decision {newest.id} ({newest.act} {newest.target}) "
        f"cannot be undone: {why}{more}; {remedy}; the newest that can be undone is decision "
        f"{older.id} ({older.act} {older.target}): 'annotator undo {older.id}' takes it back "
        "[D007]\n")


@pytest.mark.parametrize("act", ["replace", "add"])
def test_plain_undo_never_passes_over_a_newer_add_or_replace(ws, tmp_path, monkeypatch, act):
    """`add --replace` (or `add`) then `annotator undo`: the newest act is the source's, which
    is not undone, so the undo refuses in one line (D007, exit 2) naming it, why, what to do
    and the older act it would have taken, by id; undone by id it is refused (D009) saying why
    and what to do (was: the plain undo took back the claim marked before on another source,
    unasked, and D009 said only 'cannot be undone')."""
    _texts(ws, tmp_path, ("letter", LETTER), ("diary", DIARY))
    claimed = ws.decision(ws.add_claim("letter", quote="Brahm wrote to Arthur").decision_id)
    if act == "replace":
        (tmp_path / "diary.txt").write_text(DIARY.replace("travelled", "went"),
                                            encoding="utf-8")
        ws.add(tmp_path / "diary.txt", replace=True)
        why = "a source's replacement is not undone"
        remedy = ("write the earlier file with 'annotator source versions diary --write N -o "
                  "FOLDER/' and add it again with 'annotator add --replace FILE' to go back to "
                  "it, or take the source out with 'annotator source remove diary'")
    else:
        _texts(ws, tmp_path, ("note", NOTE))
        why = "adding a source is not undone"
        remedy = ("take the source out with 'annotator source remove note', or change its file "
                  "with 'annotator add --replace FILE'")
    newest = ws.history(limit=1)[0]
    assert newest.act == act
    named = f"decision {newest.id} ({act} {newest.target}) cannot be undone: {why}"
    _refused_naming(ws, monkeypatch, newest, why, 1, remedy, claimed)
    with pytest.raises(DecisionError) as err:
        ws.undo(newest.id)
    assert (err.value.code, err.value.message, err.value.hint) == ("D009", named, remedy)
    assert ws.claims()[0].source_id == "letter"
    assert ws.undo(claimed.id).undoes == claimed.id and not ws.claims()


def test_plain_undo_after_a_replace_that_changed_the_act_before_names_the_replacement(
        ws, tmp_path, monkeypatch):
    """`add --replace` then `annotator undo`, when the act before the replacement was on the
    replaced source and the replacement changed its rows: the refusal names the replacement,
    why and what to do, as when the act before is on another source, counts that act among
    those that cannot be undone, and offers the newest that can be (was: it named the act
    before, 'changed since by' the replacement, said 'decide again instead', and offered
    that older act as if the replacement were not there)."""
    _texts(ws, tmp_path, ("letter", LETTER), ("diary", DIARY))
    older = ws.decision(ws.add_claim("diary", quote="travelled to Agnetendorf").decision_id)
    moved = ws.decision(ws.add_claim("letter", quote="Brahm wrote to Arthur").decision_id)
    # the claim's words changed (stale): a move alone no longer blocks its undo
    (tmp_path / "letter.txt").write_text("An inserted sentence comes first. " + LETTER.replace(
        "Brahm wrote to", "Brahm then wrote to"), encoding="utf-8")
    ws.add(tmp_path / "letter.txt", replace=True)
    newest = ws.history(limit=1)[0]
    assert newest.act == "replace" and moved.id < newest.id
    why = "a source's replacement is not undone"
    remedy = ("write the earlier file with 'annotator source versions letter --write N -o "
              "FOLDER/' and add it again with 'annotator add --replace FILE' to go back to "
              "it, or take the source out with 'annotator source remove letter'")
    _refused_naming(ws, monkeypatch, newest, why, 2, remedy, older)
    assert len(ws.claims()) == 2


def _act(ws, via, *args):
    """One act by the library (``Workspace``'s method of that name) or by the CLI."""
    if via == "cli":
        done = run(ws, *args)
        assert done.exit_code == 0, done.output
        return ws.history(limit=1)[0]
    return getattr(ws, args[0])(*args[1:])


@pytest.mark.parametrize("via", ["library", "cli"])
def test_relabel_back_gives_the_entity_its_id_again(ws, tmp_path, via):
    """An entity relabelled to another type and back has its own id again, which earlier
    exports point to: the id the first relabel deleted is reserved for its undo, and these are
    the same entity's moves (was: person-max-reinhardt came back as person-max-reinhardt-2).
    Undo and redo of both give back exactly what was seen."""
    _texts(ws, tmp_path, ("letter", LETTER), ("diary", DIARY))
    ws.propose()
    seen = [_seen(ws)]
    first = _act(ws, via, "relabel", "person-max-reinhardt", "org")
    seen.append(_seen(ws))
    back = _act(ws, via, "relabel", "org-max-reinhardt", "person")
    assert back.payload["new"] == "person-max-reinhardt"
    assert ws.entity("person-max-reinhardt").type == "person"
    assert not [e for e in ws.entities() if e.id.startswith("person-max-reinhardt-")]
    seen.append(_seen(ws))
    ws.undo(back.id)
    assert _seen(ws) == seen[1]
    ws.undo(first.id)
    assert _seen(ws) == seen[0]
    ws.redo()
    assert _seen(ws) == seen[1]
    ws.redo()
    assert _seen(ws) == seen[2]


@pytest.mark.parametrize("via", ["library", "cli"])
def test_merging_a_confirmed_entity_confirms_the_one_merged_into(split_off, via):
    """Merging a confirmed entity into a proposed one is an editor's decision: the entity
    merged into is confirmed, with its undecided mentions (was: left proposed, for the queue to
    offer again, though the mentions merged were confirmed). Undo and redo are exact."""
    ws = split_off
    before = _seen(ws)
    done = _act(ws, via, "merge", "person-gerhart-hauptmann", "person-gerhart-hauptmann-2")
    assert ws.entity("person-gerhart-hauptmann-2").status == "confirmed"
    assert {m.status for m in ws.mentions() if m.entity_id == "person-gerhart-hauptmann-2"} \
        == {"confirmed"}
    after = _seen(ws)
    undone = ws.undo(done.id)
    assert _seen(ws) == before
    ws.undo(undone.id)
    assert _seen(ws) == after


def test_undo_unwinds_a_chain_of_relabels_past_the_finders_agent_link(ws, tmp_path):
    """Relabels undone newest first each go back, though undoing the newest left a proposed
    claim's agent on no entity (the finder finds no person or organisation of the name while
    it is a place): the finder's link is the machine's, which the undo links anew, as it
    never refuses for proposals (was: 'claim 1 changed since by decision N; undo N first',
    N the undo just made, whose log did not even hold that change)."""
    (tmp_path / "t.txt").write_text("Charles Darwin argued that species change over time.\n",
                                    encoding="utf-8")
    ws.add(tmp_path / "t.txt")
    ws.propose()
    ws.propose_claims()

    def agents():
        return [(c.agent, c.agent_entity_id) for c in ws.claims()]

    assert agents() == [("Charles Darwin", "person-charles-darwin")]
    done = [ws.relabel("person-charles-darwin", "org").id,
            ws.relabel("org-charles-darwin", "place").id,
            ws.relabel("place-charles-darwin", "person").id]
    ws.undo(done[2])
    assert agents() == [("Charles Darwin", None)]  # a place is no agent
    ws.undo(done[1])
    assert agents() == [("Charles Darwin", "org-charles-darwin")]
    ws.undo()
    assert agents() == [("Charles Darwin", "person-charles-darwin")]
    assert [e.id for e in ws.entities()] == ["person-charles-darwin"]


def test_a_replaced_file_comes_back_from_the_versions_the_store_keeps(ws, tmp_path):
    """A replacement is not undone; the way back is the earlier file, which the store keeps:
    'source versions' lists them, '--write N -o FOLDER/' writes one byte for byte under the
    source's file name, never over a file, and adding it again makes it the source's file."""
    (tmp_path / "diary.txt").write_text(DIARY, encoding="utf-8")
    first = ws.add(tmp_path / "diary.txt").source.sha256
    (tmp_path / "diary.txt").write_text(DIARY.replace("travelled", "went"), encoding="utf-8")
    ws.add(tmp_path / "diary.txt", replace=True)
    listed = json.loads(run(ws, "source", "versions", "diary", "-f", "json").stdout)
    assert [(v["version"], v["act"], v["current"]) for v in listed] == [
        (1, "add", False), (2, "replace", True)]
    assert listed[0]["sha256"] == first
    back = tmp_path / "back"
    result = run(ws, "source", "versions", "diary", "--write", "1", "-o", f"{back}/")
    assert result.exit_code == 0, result.output
    assert f"add it back with 'annotator add --replace {back / 'diary.xml'}'" in result.stderr
    assert (back / "diary.xml").read_bytes() == ws.source_version("diary", 1)[1]
    printed = run(ws, "source", "versions", "diary", "--write", "1", "-o", "-")
    assert printed.exit_code == 0 and printed.stdout_bytes == (back / "diary.xml").read_bytes()
    again = run(ws, "source", "versions", "diary", "--write", first[:8], "-o", str(back))
    assert again.exit_code == 2 and again.stderr.rstrip().endswith("[S029]"), again.output
    assert run(ws, "source", "versions", "diary", "--write", "3", "-o",
               str(tmp_path / "x.xml")).stderr.rstrip().endswith("[S028]")
    assert ws.add(back / "diary.xml", replace=True).action == "replaced"
    assert ws.source("diary").sha256 == first
    assert [(v.current, v.sha256 == first) for v in ws.source_versions("diary")] == [
        (False, True), (False, False), (True, True)]


def test_plain_undo_when_only_sources_were_added_or_replaced_says_why(ws, tmp_path):
    """A plain undo with no act in force but a replacement says why the replacement is not
    undone and how to go back (was: 'nothing to undo; see annotator history', which an editor
    who just replaced a file types first)."""
    (tmp_path / "diary.txt").write_text(DIARY, encoding="utf-8")
    ws.add(tmp_path / "diary.txt")
    (tmp_path / "diary.txt").write_text(DIARY.replace("travelled", "went"), encoding="utf-8")
    ws.add(tmp_path / "diary.txt", replace=True)
    refused = run(ws, "undo")
    assert refused.exit_code == 2 and refused.stderr.count("\n") == 1, refused.output
    assert "nothing to undo: decision 2 (replace source:diary) cannot be undone: a source's " \
           "replacement is not undone; write the earlier file with 'annotator source versions " \
           "diary --write N -o FOLDER/'" in refused.stderr
    assert refused.stderr.rstrip().endswith("[D007]")


def test_undo_reads_the_later_acts_once_for_all_the_mentions_a_replacement_moved(
        ws, tmp_path, monkeypatch):
    """Whether only replacements moved the mentions of an act since is read of the later acts
    once for all its mentions (was: every later act's changes read and parsed again for each
    mention, here both of Otto Brahm's); the undo is the same."""
    from annotator.store import decisions

    letter = tmp_path / "letter.txt"
    letter.write_text(LETTER, encoding="utf-8")
    ws.add(letter)
    ws.propose()
    brahm = [m for m in ws.mentions("letter") if m.surface in ("Otto Brahm", "Brahm")]
    assert len({m.entity_id for m in brahm}) == 1 and len(brahm) == 2
    confirmed = ws.confirm(f"entity:{brahm[0].entity_id}")
    letter.write_text("Berlin, 1890.\n\n" + LETTER, encoding="utf-8")
    ws.add(letter, replace=True)
    read: list[int] = []
    after = decisions.changes_after
    monkeypatch.setattr(decisions, "changes_after",
                        lambda conn, after_id: read.append(after_id) or after(conn, after_id))
    ws.undo(confirmed.id)
    assert read == [confirmed.id]
    assert {ws.mention(m.id).status for m in brahm} == {"proposed"}


def test_undo_an_act_whose_mentions_a_replacement_only_moved(ws, tmp_path):
    """An act on mentions that a later ``add --replace`` only carried to the new text (the same
    words at new offsets) is undone there, and redone: the mentions stay where they are now
    (was: D008 'mention N changed since by decision M (replace ...)', so no act before a
    replacement could be undone). An editor's adjust since still refuses it."""
    letter = tmp_path / "letter.txt"
    letter.write_text(LETTER, encoding="utf-8")
    ws.add(letter)
    ws.propose()
    (schnitzler,) = [m for m in ws.mentions("letter") if m.surface == "Arthur Schnitzler"]
    confirmed = ws.confirm(f"entity:{schnitzler.entity_id}")
    letter.write_text("Berlin, 1890.\n\n" + LETTER, encoding="utf-8")
    ws.add(letter, replace=True)
    moved = ws.mention(schnitzler.id)
    assert (moved.start > schnitzler.start, moved.status) == (True, "confirmed")
    seen = _seen(ws)
    ws.undo(confirmed.id)
    back = ws.mention(schnitzler.id)
    assert (back.start, back.end, back.status) == (moved.start, moved.end, "proposed")
    assert ws.entity(schnitzler.entity_id).status == "proposed"
    ws.redo()
    assert _seen(ws) == seen
    ws.adjust(schnitzler.id, moved.start + len("Arthur "), moved.end)
    with pytest.raises(DecisionError) as err:
        ws.undo(confirmed.id)
    assert err.value.code == "D008"


def test_undo_an_act_whose_claim_and_passage_a_replacement_only_moved(ws, tmp_path):
    """A claim, and a passage linked to, that a later ``add --replace`` only carried to the new
    text (the same words at new offsets) no longer block the undo of an earlier act, as
    mentions do not: the claim's add and the passage's link are undone and redone where they
    lie now (was: D008 'claim N changed since by decision M (replace source:letter)')."""
    _texts(ws, tmp_path, ("letter", LETTER), ("diary", DIARY))
    claim = ws.add_claim("letter", quote="Brahm wrote to Arthur Schnitzler")
    claimed = ws.history(limit=1)[0].id
    diary = ws.add_claim("diary", quote="Gerhart Hauptmann travelled to Agnetendorf")
    at = ws.reading_text("letter").index("Otto Brahm met")
    ws.link_claim(diary.id, passage=("letter", at, at + len("Otto Brahm met")))
    linked = ws.history(limit=1)[0].id
    (tmp_path / "letter.txt").write_text("Berlin, 1890.\n\n" + LETTER, encoding="utf-8")
    ws.add(tmp_path / "letter.txt", replace=True)
    moved = ws.claim(claim.id)
    assert (moved.start > claim.start, moved.state, moved.text) == \
        (True, "confirmed", "Brahm wrote to Arthur Schnitzler")
    [carried] = ws.claim(diary.id).links
    assert (carried.stale, carried.target_start > at) == (False, True)
    ws.undo(linked)
    assert ws.claim(diary.id).links == ()
    ws.redo()
    assert ws.claim(diary.id).links == (carried,)
    ws.undo(claimed)
    assert [c.id for c in ws.claims()] == [diary.id]
    ws.redo()
    back = ws.claim(claim.id)
    assert (back.start, back.end, back.sha256, back.text, back.state) == \
        (moved.start, moved.end, moved.sha256, moved.text, "confirmed")
