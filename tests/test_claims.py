"""Claims: found with the real spaCy parser, marked and linked by hand, status and check."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator import DecisionError
from annotator.nlp.claim_finder import (_told_genders, citations, find_claims, find_quote,
                                         quotations, suggest_works, support_status)
from annotator.entities.names import name_key
from annotator.records import BibEntry, Link
from tests.conftest import (DATA, REFERENCES, TITUS, TITUS_PASSAGE, premier_claim, reopened_at,
                            run, titus_linked, titus_replaced)

SID = "german-soviet-axis-talks"
NEKRICH = "According to a study by Alexander Nekrich, on 25 November 1940"
ISRAELYAN = "According to Soviet diplomat Victor Israelyan"


@pytest.fixture
def ref_ws(seed_ws):
    seed_ws.bib_add(REFERENCES)
    return seed_ws


@pytest.fixture
def proposed_ws(ref_ws, nlp):
    ref_ws.propose_claims(nlp=nlp)
    return ref_ws


def _starting(rows, prefix):
    found = [r for r in rows if r.text.startswith(prefix)]
    assert len(found) == 1, [r.text[:60] for r in rows]
    return found[0]


# -- proposals on the seed -------------------------------------------------------------------
def test_claims_propose_attributions_on_the_seed(proposed_ws):
    rows = proposed_ws.claims()
    nek = _starting(rows, NEKRICH)
    assert (nek.kind, nek.agent, nek.state, nek.status) == \
        ("attributed", "Alexander Nekrich", "proposed", "attributed")
    assert "counterproposal" in nek.text and nek.text.endswith("Iraq and Iran.")
    assert [(ln.bib_key, ln.status, ln.rel) for ln in nek.links] == \
        [("nekrich1997", "suggested", "supports")]
    isr = _starting(rows, ISRAELYAN)
    assert (isr.kind, isr.agent) == ("attributed", "Victor Israelyan")
    assert [ln.bib_key for ln in isr.links] == ["israelyan2003"]


def test_claims_propose_quotations_with_hitler_as_speaker(proposed_ws):
    quoted = proposed_ws.claims(kinds=["quoted"])
    remark = _starting(quoted, "Regarding the counterproposal, Hitler remarked")
    assert remark.agent == "Hitler"
    assert "brought to her knees" in remark.text  # the quotations are one claim
    memo = next(r for r in quoted if "in an internal memoranda Hitler stated" in r.text)
    assert memo.agent == "Hitler"
    assert memo.text.endswith('approved by me."')  # a quote over three sentences, not cut
    assert {r.agent for r in quoted} == {"Hitler"}


def test_claims_propose_unattributed_assertions(proposed_ws):
    rows = proposed_ws.claims(status="unsupported")
    assert rows and all(r.kind == "unattributed" and not r.agent for r in rows)
    texts = [r.text for r in rows]
    assert any(t.startswith("Germany ended the Molotov–Ribbentrop Pact in June 1941") for t in texts)
    assert any(t.startswith("Those factors resulted in Molotov") for t in texts)
    assert not any(t.startswith("German–Soviet Axis talks\n") for t in texts)  # no heading
    cues = {r.cue.split(":")[0] for r in rows}
    assert {"date", "causal"} <= cues


def test_claims_propose_reports_what_it_found_and_keeps_no_text_in_memory(ref_ws, nlp):
    ref_ws._textmaps.clear()
    seen: list[tuple[int, int]] = []
    report = ref_ws.propose_claims(nlp=nlp, progress=lambda done, total: seen.append((done, total)))
    # each text read when the model comes to it, not kept: an edition is not held at once
    assert not ref_ws._textmaps
    rows = ref_ws.claims()
    assert sorted(report.new) == sorted(r.id for r in rows) and report.refreshed == 0
    assert dict(report.kinds) == dict(Counter(r.kind for r in rows))
    assert report.sources == len(ref_ws.sources()) and report.model.startswith("rule:claims@")
    # words, as the bar shows them: rising to the sources' word count
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert seen[-1] == (sum(s.words for s in ref_ws.sources()),) * 2


def test_claims_propose_again_keeps_decisions_and_adds_nothing(proposed_ws, nlp):
    rows = proposed_ws.claims()
    nek = _starting(rows, NEKRICH)
    first = rows[0]
    proposed_ws.confirm_claim(nek.id)
    proposed_ws.reject_claim(first.id)
    again_report = proposed_ws.propose_claims(nlp=nlp)
    assert again_report.new == () and again_report.kinds == ()
    assert again_report.refreshed == len(rows) - 2  # the ones nobody decided, found again
    again = proposed_ws.claims(state=["proposed", "confirmed", "rejected"])
    assert len(again) == len(rows)
    assert proposed_ws.claim(nek.id).state == "confirmed"
    assert proposed_ws.claim(first.id).state == "rejected"
    assert first.id not in {r.id for r in proposed_ws.claims()}  # rejected: hidden by default


def test_claims_agent_links_to_register_entity(ref_ws, nlp):
    con = ref_ws.store.conn
    con.execute("INSERT INTO entities (id, type, preferred, status, created_at) VALUES "
                "('person-hitler', 'person', 'Adolf Hitler', 'confirmed', 'now')")
    con.execute("INSERT INTO variants (entity_id, surface, key) VALUES "
                "('person-hitler', 'Hitler', ?)", (name_key("Hitler"),))
    ref_ws.propose_claims(nlp=nlp)
    quoted = ref_ws.claims(kinds="quoted")
    assert quoted and {r.agent_entity_id for r in quoted} == {"person-hitler"}


# -- by hand -----------------------------------------------------------------------------------
def test_claims_add_by_quote_link_and_check(ref_ws):
    row = ref_ws.add_claim(SID, quote="Germany ended the Molotov–Ribbentrop Pact in June 1941")
    assert (row.state, row.status, row.kind) == ("confirmed", "unsupported", "unattributed")
    text = ref_ws.reading_text(SID)
    assert text[row.start:row.end] == "Germany ended the Molotov–Ribbentrop Pact in June 1941"
    assert row.paragraph == 6 and row.line > 40
    report = ref_ws.check()
    assert not report.ok and [r.id for r in report.failing] == [row.id]
    link = ref_ws.link_claim(row.id, "nekrich1997", locus="p. 214")
    assert (link.bib_key, link.locus, link.rel, link.status) == \
        ("nekrich1997", "p. 214", "supports", "confirmed")
    assert ref_ws.claim(row.id).status == "supported"
    assert ref_ws.claim(row.id).works == ("nekrich1997 (p. 214)",)
    assert ref_ws.check().ok
    ref_ws.unlink(link.id)
    assert ref_ws.claim(row.id).status == "unsupported"


def test_claims_quote_tolerates_whitespace_and_quote_marks(ref_ws):
    row = ref_ws.add_claim(SID, quote='Stalin  "demands more and more",\n"he\'s a cold-blooded '
                                      'blackmailer"', kind="quoted", agent="Hitler")
    assert ref_ws.reading_text(SID)[row.start:row.end].startswith('Stalin "demands')
    assert row.status == "attributed"


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"quote": "the Soviet Union"}, "D302"),
    ({"quote": "words that are nowhere in the text"}, "D301"),
    ({"span": (10, 5)}, "D318"),
    ({"span": (0, 10**7)}, "D318"),
    ({"span": (0, 10), "quote": "the Soviet Union"}, "D303"),
    ({}, "D303"),
    ({"span": (0, 10), "kind": "gossip"}, "D305"),
])
def test_claims_add_refuses_bad_input(ref_ws, kwargs, code):
    with pytest.raises(DecisionError) as info:
        ref_ws.add_claim(SID, **kwargs)
    assert info.value.code == code
    assert ref_ws.claims() == []


def test_claims_add_reversed_span_is_told_as_reversed(ref_ws):
    """'--span 10:5' is a span typed the wrong way round, not one outside the text."""
    with pytest.raises(DecisionError) as info:
        ref_ws.add_claim(SID, span=(10, 5))
    assert "10:5" in str(info.value) and "is reversed" in str(info.value)
    assert "did you mean 5:10?" in str(info.value)
    with pytest.raises(DecisionError) as info:
        ref_ws.add_claim(SID, span=(0, 10**7))
    assert "is not inside the reading text" in str(info.value)


def test_claims_ambiguous_quote_says_how_often(ref_ws):
    with pytest.raises(DecisionError) as info:
        ref_ws.add_claim(SID, quote="Hitler")
    text = ref_ws.reading_text(SID)
    assert info.value.code == "D302"
    assert f"occur {text.count('Hitler')} times" in str(info.value) and "--nth" in str(info.value)


def test_claims_link_refuses_unknown_key_and_suggests(ref_ws):
    row = ref_ws.add_claim(SID, span=(26, 100))
    with pytest.raises(DecisionError) as info:
        ref_ws.link_claim(row.id, "nekrch1997")
    assert info.value.code == "D307" and "nekrich1997" in str(info.value)
    with pytest.raises(DecisionError) as info:
        ref_ws.link_claim(row.id, "nekrich1997", rel="proves")
    assert info.value.code == "D308"
    with pytest.raises(DecisionError) as info:
        ref_ws.link_claim(999, "nekrich1997")
    assert info.value.code == "D306"


def test_claims_add_with_an_agent_is_attributed(ref_ws, tmp_path):
    """A claim marked with an agent and no kind was 'unattributed' with an agent, listed
    with kind unattributed beside the agent it names; as 'claim agent' does, it is
    attributed. An explicit kind stays, and no agent stays unattributed."""
    row = ref_ws.add_claim(SID, quote="Germany ended the Molotov–Ribbentrop Pact in June "
                                      "1941", agent="Nekrich")
    assert (row.kind, row.agent, row.status) == ("attributed", "Nekrich", "attributed")
    quoted = ref_ws.add_claim(SID, quote="the four power pact", kind="quoted", agent="Hitler")
    assert quoted.kind == "quoted"
    assert ref_ws.add_claim(SID, quote="Iraq and Iran").kind == "unattributed"
    done = run(ref_ws.root, "claim", "add", SID, "--quote", "Stalin-drafted",
               "--agent", "Nekrich")
    assert done.exit_code == 0, done.output
    assert ref_ws.claim(int(done.stdout.split()[-1])).kind == "attributed"


@pytest.mark.parametrize("locus", ["p. 20–10", "pp. 214-13", "pp.", "chap."])
def test_claims_link_refuses_a_locus_that_points_nowhere(ref_ws, locus):
    """A backwards range or a bare label was stored as the locus and cited as is."""
    row = ref_ws.add_claim(SID, span=(26, 100))
    with pytest.raises(DecisionError) as info:
        ref_ws.link_claim(row.id, "nekrich1997", locus=locus)
    assert info.value.code == "D314" and locus in str(info.value)
    assert ref_ws.claim(row.id).links == ()
    suggested = ref_ws.link_claim(row.id, "israelyan2003")
    with pytest.raises(DecisionError) as info:
        ref_ws.accept_links([suggested.id], locus=locus)
    assert info.value.code == "D314"


@pytest.mark.parametrize("locus", ["p. 12", "pp. 12–14", "pp. 180-82", "chap. 3", "S. 14",
                                   "fol. 12r", "n. 4", "1998-9", ""])
def test_claims_link_keeps_a_locus_that_points_somewhere(ref_ws, locus):
    row = ref_ws.add_claim(SID, span=(26, 100))
    assert ref_ws.link_claim(row.id, "nekrich1997", locus=locus).locus == locus


def test_claims_link_finds_a_work_by_its_doi(ref_ws, tmp_path):
    """A DOI copied from a paper (bare, doi:, https://doi.org/) names the work that has it;
    it was 'no bibliography entry'. One no work has says how to add it."""
    bib = tmp_path / "doi.bib"
    bib.write_text("@article{doionly,\n  doi = {10.2307/1879431},\n}\n"
                   "@article{dx,\n  title = {T},\n  doi = {https://doi.org/10.1000/ABC.1},\n}\n",
                   encoding="utf-8")
    ref_ws.bib_add(bib)
    row = ref_ws.add_claim(SID, span=(26, 100))
    assert ref_ws.link_claim(row.id, "10.2307/1879431", locus="p. 5").bib_key == "doionly"
    assert ref_ws.link_claim(row.id, "doi:10.1000/abc.1").bib_key == "dx"
    assert ref_ws.link_claim(row.id, "https://doi.org/10.2307/1879431",
                             rel="mentions").bib_key == "doionly"
    with pytest.raises(DecisionError) as info:
        ref_ws.link_claim(row.id, "10.5555/nowhere")
    assert info.value.code == "D307" and "doi = {10.5555/nowhere}" in str(info.value)
    again = tmp_path / "again.bib"  # a second entry of that work: the editor says which
    again.write_text("@book{doitwice,\n  doi = {10.2307/1879431},\n}\n", encoding="utf-8")
    ref_ws.bib_add(again)
    with pytest.raises(DecisionError) as info:
        ref_ws.link_claim(row.id, "10.2307/1879431")
    assert info.value.code == "D319" and "doionly, doitwice" in str(info.value)


def test_claims_link_finds_a_work_by_an_alias_of_its_key(ref_ws, tmp_path):
    """A key a work lists in its ``ids`` (biblatex's aliases, as ``bib fold`` writes the keys
    it folded) names that work, as biber resolves a citation of it, and the link says so
    (was: D307 'no bibliography entry'); a key of its own outranks another's alias, an alias
    two works list is the editor's to choose (D319), and a near miss suggests the alias."""
    from typer.testing import CliRunner

    from annotator.cli import app

    bib = tmp_path / "ids.bib"
    bib.write_text("@book{pennant1778, ids = {tourwales, pennanttour}, author = {Pennant, "
                   "Thomas}, title = {A Tour in Wales}, date = {1778}}\n"
                   "@book{tourscotland, ids = {nekrich1997}, title = {A Tour in Scotland}}\n",
                   encoding="utf-8")
    ref_ws.bib_add(bib)
    row = ref_ws.add_claim(SID, span=(26, 100))
    link = ref_ws.link_claim(row.id, "tourwales", locus="p. 3")
    assert (link.bib_key, link.alias) == ("pennant1778", "tourwales")
    assert ref_ws.link_claim(row.id, "nekrich1997").bib_key == "nekrich1997"  # its own key
    done = CliRunner().invoke(app, ["-w", str(ref_ws.root), "claim", "link", str(row.id),
                                    "PennantTour", "--rel", "mentions"])
    assert done.exit_code == 0, done.output
    assert "'PennantTour' is an alias of pennant1778 (its ids): linked to pennant1778, " \
           "mentions" in done.stderr
    with pytest.raises(DecisionError) as info:
        ref_ws.link_claim(row.id, "tourwale")
    assert info.value.code == "D307" and "did you mean tourwales" in str(info.value)
    twice = tmp_path / "twice.bib"
    twice.write_text("@book{pennant1778b, ids = {tourwales}, title = {A Tour in Wales, "
                     "again}}\n", encoding="utf-8")
    ref_ws.bib_add(twice)
    with pytest.raises(DecisionError) as info:
        ref_ws.link_claim(row.id, "tourwales")
    assert info.value.code == "D319" and "pennant1778, pennant1778b" in str(info.value)


def test_claims_link_to_a_passage_of_another_source(ref_ws, tmp_path):
    other = tmp_path / "memo.txt"
    other.write_text("Memorandum\n\nPolitical conversations have been started. Preparations "
                     "for the East are to be continued.\n", encoding="utf-8")
    ref_ws.add(other)
    row = ref_ws.add_claim(SID, quote="all preparations for the East previously ordered "
                                      "orally are to be continued")
    memo = ref_ws.reading_text("memo")
    start = memo.index("Preparations")
    link = ref_ws.link_claim(row.id, passage=("memo", start, len(memo)))
    assert link.target == f"memo:{start}-{len(memo)}"
    assert ref_ws.claim(row.id).status == "supported"
    with pytest.raises(DecisionError) as info:
        ref_ws.link_claim(row.id, passage=(SID, row.start, row.end))
    assert info.value.code == "D317"  # its own words: not a passage outside the text
    with pytest.raises(DecisionError) as info:
        ref_ws.link_claim(row.id, passage=("memo", start, len(memo) + 1))
    assert info.value.code == "D318"
    with pytest.raises(DecisionError) as info:
        ref_ws.link_claim(row.id)
    assert info.value.code == "D316"  # neither a key nor a passage: no relation named
    with pytest.raises(DecisionError) as info:
        ref_ws.confirm_claims([])
    assert info.value.code == "D315"  # no ids: not an unknown claim


def test_claims_link_again_says_whether_it_added_gave_a_locus_or_accepted(ref_ws, tmp_path):
    """Linking a work again with a locus gave the locus-less link that locus, and the result
    and the CLI line read as if a second link was added: they say which it was now."""
    row = ref_ws.add_claim(SID, span=(26, 100))
    first = ref_ws.link_claim(row.id, "nekrich1997")
    assert (first.action, first.locus) == ("added", "")
    again = ref_ws.link_claim(row.id, "nekrich1997", locus="p. 12")
    assert (again.id, again.action, again.locus, again.was) == (first.id, "locus", "p. 12", "")
    assert isinstance(again, Link) and len(ref_ws.claim(row.id).links) == 1
    second = ref_ws.link_claim(row.id, "nekrich1997", locus="p. 14")  # one with a locus stays
    assert second.action == "added" and second.id != first.id
    with ref_ws.store.transaction() as conn:  # what the finder suggests
        conn.execute("INSERT INTO links (claim_id, bib_key, rel, locus, status, provenance) "
                     "VALUES (?, 'israelyan2003', 'supports', '', 'suggested', 'rule:x')",
                     (row.id,))
    accepted = ref_ws.link_claim(row.id, "israelyan2003")
    assert (accepted.action, accepted.status) == ("accepted", "confirmed")

    other = tmp_path / "memo.txt"
    other.write_text("Memorandum\n\nPreparations for the East are to be continued.\n",
                     encoding="utf-8")
    ref_ws.add(other)
    passage = ("memo", 12, 24)
    ref_ws.link_claim(row.id, passage=passage, locus="fol. 2")
    moved = ref_ws.link_claim(row.id, passage=passage, locus="fol. 3")
    assert (moved.action, moved.locus, moved.was) == ("locus", "fol. 3", "fol. 2")
    acts = ref_ws.store.one("SELECT count(*) FROM decisions")[0]
    with pytest.raises(DecisionError) as info:  # no locus: nothing to change (was an empty act)
        ref_ws.link_claim(row.id, passage=passage)
    assert info.value.code == "D309"
    assert ref_ws.store.one("SELECT count(*) FROM decisions")[0] == acts


def test_claims_link_cli_says_what_it_did(ref_ws):
    row = ref_ws.add_claim(SID, span=(26, 100))
    added = run(ref_ws, "claim", "link", str(row.id), "nekrich1997")
    lid = added.stdout.strip()
    assert added.exit_code == 0 and added.stderr == \
        f"claim {row.id}: linked to nekrich1997, supports (link {lid})\n"
    filled = run(ref_ws, "claim", "link", str(row.id), "nekrich1997", "--loc", "p. 12")
    assert filled.exit_code == 0 and filled.stdout.strip() == lid
    assert filled.stderr == f"claim {row.id}: link {lid} to nekrich1997 now has locus p. 12\n"
    more = run(ref_ws, "claim", "link", str(row.id), "nekrich1997", "--loc", "p. 14")
    assert more.stderr == (f"claim {row.id}: linked to nekrich1997 (p. 14), supports "
                           f"(link {more.stdout.strip()})\n") and more.stdout.strip() != lid


def test_claims_accepting_suggestion_supports_and_reject_is_remembered(proposed_ws, nlp):
    nek = _starting(proposed_ws.claims(), NEKRICH)
    isr = _starting(proposed_ws.claims(), ISRAELYAN)
    proposed_ws.accept_link(nek.links[0].id, locus="p. 203")
    assert proposed_ws.claim(nek.id).status == "supported"
    assert proposed_ws.claim(nek.id).works == ("nekrich1997 (p. 203)",)
    proposed_ws.unlink(isr.links[0].id)  # a suggestion: kept as rejected
    proposed_ws.propose_claims(nlp=nlp)
    assert [ln.status for ln in proposed_ws.claim(isr.id).links] == ["rejected"]


def test_claims_propose_keeps_a_redone_editors_act(proposed_ws, nlp):
    """An agent an editor set, undone and redone: the act is in force, and a new finder run
    keeps the editor's agent (was: a redo, logged as an undo of the undo, counted as no
    editor's act, and the run put the finder's agent back); undone, the run gives the
    finder's."""
    nek = _starting(proposed_ws.claims(), NEKRICH)
    proposed_ws.set_claim_agent(nek.id, "a spokesman")
    undone = proposed_ws.undo()
    assert proposed_ws.claim(nek.id).agent == "Alexander Nekrich"
    redone = proposed_ws.undo(undone.id)
    proposed_ws.propose_claims(nlp=nlp)
    assert proposed_ws.claim(nek.id).agent == "a spokesman"
    proposed_ws.undo(redone.id)
    assert proposed_ws.claim(nek.id).agent == "Alexander Nekrich"


def test_claims_accept_and_unlink_several_are_one_act_each(proposed_ws):
    links = [_starting(proposed_ws.claims(), text).links[0].id for text in (NEKRICH, ISRAELYAN)]
    before = proposed_ws.store.one("SELECT count(*) FROM decisions")[0]
    accepted = proposed_ws.accept_links(links, locus="p. 1")
    assert [ln.status for ln in accepted] == ["confirmed", "confirmed"]
    proposed_ws.unlink_links(links)  # suggestions: kept as rejected
    acts = proposed_ws.store.query("SELECT act, target FROM decisions WHERE id > ? ORDER BY id",
                                   (before,))
    assert [(r["act"], r["target"]) for r in acts] == [
        ("link-accept", f"links:{links[0]},{links[1]}"), ("unlink", f"links:{links[0]},{links[1]}")]
    def status(i):
        return proposed_ws.store.one("SELECT status FROM links WHERE id = ?", (i,))[0]

    proposed_ws.undo()
    assert {status(i) for i in links} == {"confirmed"}
    with pytest.raises(DecisionError):  # an unknown id refuses the whole act
        proposed_ws.unlink_links([links[0], 99999])
    assert status(links[0]) == "confirmed"


def test_claims_acts_are_in_the_decision_log(ref_ws):
    row = ref_ws.add_claim(SID, span=(26, 100))
    link = ref_ws.link_claim(row.id, "israelyan2003", rel="mentions")
    ref_ws.unlink(link.id)
    acts = [(r["act"], r["target"]) for r in ref_ws.store.query(
        "SELECT act, target FROM decisions WHERE act LIKE 'claim%' OR act = 'unlink' "
        "ORDER BY id")]
    assert acts == [("claim-add", f"claim:{row.id}"), ("claim-link", f"claim:{row.id}"),
                    ("unlink", f"link:{link.id}")]
    changes = json.loads(ref_ws.store.one(
        "SELECT changes FROM decisions WHERE act = 'unlink'")["changes"])
    assert changes[0]["table"] == "links" and changes[0]["after"] is None


def test_claims_check_allows_attributed(ref_ws):
    ref_ws.add_claim(SID, quote=NEKRICH, kind="attributed", agent="Alexander Nekrich")
    assert not ref_ws.check().ok
    assert ref_ws.check(allow=["attributed"]).ok


# -- CLI ---------------------------------------------------------------------------------------
def test_claims_cli_add_link_table_and_check(ref_ws):
    result = run(ref_ws, "claim", "add", SID, "--quote", "Those factors resulted in Molotov "
                 "taking a firm line.")
    assert result.exit_code == 0, result.output
    cid = result.stdout.strip()
    result = run(ref_ws, "check")
    assert result.exit_code == 1
    line = result.stdout.strip()
    assert line.startswith("sources/german-soviet-axis-talks.xml:")
    assert f"claim {cid} unsupported (unattributed, ¶ 4, line " in line
    assert line.endswith("Those factors resulted in Molotov taking a firm line.")
    result = run(ref_ws, "claim", "link", cid, "nekrich1997", "--loc", "p. 214")
    assert result.exit_code == 0, result.output
    result = run(ref_ws, "check")
    assert result.exit_code == 0
    assert "1 confirmed claim checked, 0 not supported" in result.stderr
    result = run(ref_ws, "check", "--format", "json")
    assert (result.exit_code, json.loads(result.stdout)) == (0, {"claims": [],
                                                                 "stale_mentions": [],
                                                                 "source_warnings": []})
    result = run(ref_ws, "claims", "--format", "csv")
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("id,source,location,text,kind,status,agent,supports,contradicts,"
                               "mentions,")
    assert "nekrich1997 (p. 214)" in lines[1]
    result = run(ref_ws, "claims", "--format", "md")
    assert result.stdout.startswith("| id | source | location |")


def test_claims_cli_user_errors_exit_2(ref_ws):
    result = run(ref_ws, "claim", "add", SID, "--quote", "Soviet Union")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "[D302]" in result.stderr
    result = run(ref_ws, "claim", "link", "42", "nekrich1997")
    assert result.exit_code == 2 and "[D306]" in result.stderr
    result = run(ref_ws, "claims", "--status", "dubious")
    assert result.exit_code == 2 and "'dubious' is not one of 'supported'" in result.stderr
    before = ref_ws.add_claim(SID, quote=NEKRICH)
    result = run(ref_ws, "claim", "reject", str(before.id), "42")
    assert result.exit_code == 2 and "[D306]" in result.stderr
    assert ref_ws.claim(before.id) == before  # nothing done when one id is wrong


# -- pure parts --------------------------------------------------------------------------------
def test_claims_support_status():
    conf = Link(id=1, claim_id=1, rel="supports", status="confirmed", bib_key="k")
    sugg = Link(id=2, claim_id=1, rel="supports", status="suggested", bib_key="k")
    contra = Link(id=3, claim_id=1, rel="contradicts", status="confirmed", bib_key="k")
    assert support_status("", [conf]) == "supported"
    assert support_status("Nekrich", [sugg]) == "attributed"
    assert support_status("", [sugg, contra]) == "unsupported"


def test_claims_finder_on_a_small_text(nlp):
    doc = nlp('The treaty was signed in 1939. Molotov said: "We will not sign it." '
              "According to Jane Smith, the talks failed because Stalin hesitated.")
    found = {doc.text[p.start:p.end]: p for p in find_claims(doc)}
    assert found["The treaty was signed in 1939."].kind == "unattributed"
    said = found['Molotov said: "We will not sign it."']
    assert (said.kind, said.agent) == ("quoted", "Molotov")
    acc = found["According to Jane Smith, the talks failed because Stalin hesitated."]
    assert (acc.kind, acc.agent) == ("attributed", "Jane Smith")
    assert doc.text[acc.agent_start:acc.agent_end] == "Jane Smith"


@given(st.text(alphabet="ab “”\"\n.", max_size=60))
def test_claims_quotations_are_balanced_and_inside_blocks(text):
    for a, b in quotations(text):
        assert 0 <= a < b <= len(text)
        assert text[a] in "“\"" and text[b - 1] in "”\""
        assert "\n\n" not in text[a:b]


@given(st.text(min_size=1, max_size=40), st.text(max_size=40), st.text(max_size=40))
def test_claims_find_quote_finds_what_is_there(quote, before, after):
    if not quote.split():
        return
    text = before + " " + quote + " " + after
    hits = find_quote(text, quote)
    first_word = len(before) + 1 + len(quote) - len(quote.lstrip())
    assert any(a == first_word and text[a:b].split() == quote.split() for a, b in hits)


def test_claims_location_gives_page_from_pb(ws, tmp_path):
    tei = tmp_path / "diary.xml"
    tei.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc>
<titleStmt><title>Diary</title></titleStmt><publicationStmt><p>x</p></publicationStmt>
<sourceDesc><p>manuscript</p></sourceDesc></fileDesc></teiHeader>
<text><body><pb n="213"/><p>The first entry is short.</p>
<p>The talks ended on 14 November
<pb n="214"/>1940 without an agreement.</p></body></text></TEI>""", encoding="utf-8")
    ws.add(tei)
    first = ws.add_claim("diary", quote="The first entry is short.")
    second = ws.add_claim("diary", quote="1940 without an agreement.")
    assert (first.page, first.paragraph, first.line) == ("213", 1, 5)
    assert (second.page, second.paragraph, second.line) == ("214", 2, 7)
    assert second.location == "p. 214, ¶ 2, line 7"


def test_claims_replaced_source_keeps_or_stales_claims(ws, tmp_path):
    src = tmp_path / "note.txt"
    src.write_text("Note\n\nThe pact was signed in 1939.\n\nThe war began in 1941.\n",
                   encoding="utf-8")
    ws.add(src)
    kept = ws.add_claim("note", quote="The pact was signed in 1939.")
    gone = ws.add_claim("note", quote="The war began in 1941.")
    src.write_text("Note\n\nThe pact was signed in 1939.\n\nThe war began in June 1941.\n",
                   encoding="utf-8")
    ws.add(src, replace=True)
    assert ws.claim(kept.id).text == "The pact was signed in 1939."
    stale = ws.claim(gone.id)
    # its words and place as they were (was: '[stale: ...]' at '¶ 0, line 0')
    assert (stale.state, stale.was, stale.text, stale.location) == \
        ("stale", "confirmed", "The war began in 1941.", gone.location)
    with pytest.raises(DecisionError) as info:
        ws.confirm_claim(gone.id)
    assert info.value.code == "D310"


# -- a replaced source: claims and passages move with their words, or go stale ----------------
def _exported(ws, name):
    return (ws.exports_dir / name).read_text(encoding="utf-8")


def test_claims_replace_moves_a_passage_link_with_its_words(ws, tmp_path):
    """Words changed before a linked passage: the link moves with the passage's words, as the
    claims and mentions of that source do, and the export wraps those words (was: the link
    kept its offsets, so the passage seg cut words in two and the claim still counted as
    supported by other words)."""
    claim, link = titus_linked(ws)
    result = titus_replaced(ws, tmp_path, "Respected Friend,", "Respected and dear Friend,")
    assert result.stale == 0
    moved = ws.claim(claim.id).links[0]
    assert (moved.id, moved.stale) == (link.id, False)
    assert (moved.target_start, moved.target_end) == \
        (link.target_start + len(" and dear"), link.target_end + len(" and dear"))
    assert ws.reading_text("a00187152")[moved.target_start:moved.target_end] == TITUS_PASSAGE
    assert ws.passage_words(moved) == TITUS_PASSAGE
    assert ws.claim(claim.id).status == "supported" and ws.check().ok
    ws.export_tei()
    seg = f'<seg type="passage" xml:id="passage-{moved.target_start}-{moved.target_end}">'
    assert seg + TITUS_PASSAGE + "</seg>" in _exported(ws, "A00187152.xml")
    assert f'target="A00187152.xml#passage-{moved.target_start}-{moved.target_end}"' in \
        _exported(ws, "A00187143.xml")


def test_claims_replace_stales_a_passage_link_whose_words_changed(ws, tmp_path):
    """Words changed inside a linked passage: the link keeps the offsets it had on the text
    it was made on, marked stale, and shows those words; it supports nothing until linked
    again, and no export writes it (was: it stayed over other words, the export's seg cut a
    word in two, the claim page showed the wrong words and the claim still passed check)."""
    claim, link = titus_linked(ws)
    assert ws.check().ok
    result = titus_replaced(ws, tmp_path, "from near New York", "from near the city of New York")
    assert result.stale == 1
    row = ws.claim(claim.id)
    stale = row.links[0]
    assert (stale.id, stale.stale, stale.target_start, stale.target_end) == \
        (link.id, True, link.target_start, link.target_end)
    assert ws.passage_words(stale) == TITUS_PASSAGE  # the words it was linked to
    assert row.status == "unsupported"
    assert row.works == (f"{link.target} [stale: the passage changed, link {link.id}]",)
    report = ws.check()
    assert [r.id for r in report.failing] == [claim.id]
    ws.export_tei()
    assert 'type="passage"' not in _exported(ws, "A00187152.xml")
    assert "A00187152.xml#passage" not in _exported(ws, "A00187143.xml")
    shown = run(ws, "claim", "show", str(claim.id))
    assert shown.exit_code == 0, shown.output
    assert f"link {link.id}: supports {link.target} [stale: the passage changed]" in shown.stdout
    assert f"was: “{TITUS_PASSAGE}”" in shown.stdout
    ws.export_claims("csv")
    assert link.target not in (ws.exports_dir / "claims.csv").read_text(encoding="utf-8-sig")
    again = ws.link_claim(claim.id, passage=("a00187152", link.target_start,
                                             link.target_end + len(" the city of")))
    assert again.id != link.id and not again.stale
    assert ws.claim(claim.id).status == "supported"


def test_claims_replace_stale_claim_keeps_its_words_and_place_and_fails_check(ws, tmp_path):
    """Words changed inside a confirmed claim: the claim is stale, keeps the words and place
    it had (read from the version it was made on), and check fails on it, saying where it
    was, what it said and how to mark it again (was: '[stale: ...]' at '¶ 0, line 0', and it
    dropped out of check: '0 confirmed claims checked', exit 0). A proposal on the changed
    words is withdrawn, not checked."""
    from annotator.store import claims as rows_of
    from annotator.store import now

    ws.bib_add(REFERENCES)
    ws.add(TITUS)
    start = ws.reading_text("a00187152").index(TITUS_PASSAGE)
    claim = ws.add_claim("a00187152", span=(start, start + len(TITUS_PASSAGE)))
    ws.link_claim(claim.id, "nekrich1997", locus="p. 1")
    claim = ws.claim(claim.id)
    sha = ws.source("a00187152").sha256
    near = start + TITUS_PASSAGE.index("near New York")
    with ws.store.transaction() as conn:  # what the finder proposes, on the same words
        proposed = rows_of.insert_proposal(conn, "a00187152", sha, near, near + 13,
                                           "unattributed", "", None, "", "rule:x", now())
    assert ws.check().ok
    titus_replaced(ws, tmp_path, "from near New York", "from near the city of New York")
    stale = ws.claim(claim.id)
    assert (stale.state, stale.was, stale.text, stale.location, stale.start, stale.end) == \
        ("stale", "confirmed", TITUS_PASSAGE, claim.location, claim.start, claim.end)
    assert proposed not in {r.id for r in ws.claims(state=("proposed", "stale", "rejected"))}
    report = ws.check()
    assert not report.ok and report.failing == ()
    assert ([r.id for r in report.stale], report.checked) == ([claim.id], 1)
    result = run(ws, "check")
    assert result.exit_code == 1
    line = result.stdout.strip()
    now = ws.claim(claim.id).now
    assert line.startswith(f"sources/A00187152.xml:{now.line}: claim {claim.id} stale: "
                           f"its words changed (was confirmed, unattributed, {claim.location} "
                           f"before the source was replaced; now near {now.location}): "
                           + TITUS_PASSAGE)
    assert line.endswith("; mark the claim again on the text now ('annotator claim add "
                         f"a00187152 --span {now.start}:{now.end} --again {claim.id}'): its "
                         "links go to the new claim and this one is set aside")
    assert "1 confirmed claim checked, 0 not supported, 1 stale" in result.stderr
    listed = run(ws, "check", "--format", "json")
    assert [(r["id"], r["state"], r["text"]) for r in json.loads(listed.stdout)["claims"]] == \
        [(claim.id, "stale", TITUS_PASSAGE)]
    listed = json.loads(run(ws, "claims", "--state", "stale", "--format", "json").stdout)
    assert [(r["id"], r["text"], r["location"]) for r in listed] == \
        [(claim.id, TITUS_PASSAGE, claim.location)]
    shown = run(ws, "claim", "show", str(claim.id)).stdout
    assert TITUS_PASSAGE in shown and "[stale" not in shown.splitlines()[2]
    with pytest.raises(DecisionError) as info:
        ws.confirm_claim(claim.id)
    assert info.value.code == "D310" and f"--again {claim.id}" in info.value.hint
    # set aside without marking it again: check passes, nothing checked
    assert ws.reject_claim(claim.id).state == "rejected"
    report = ws.check()
    assert report.ok and report.checked == 0


def _note(tmp_path, *paragraphs):
    """A text file of these paragraphs (blank lines between), one a line of its TEI."""
    src = tmp_path / "note.txt"
    src.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return src


def _line_of(ws, words):
    """The line of the stored TEI of note.txt that holds ``words``."""
    lines = (ws.root / "sources" / "note.xml").read_text(encoding="utf-8").splitlines()
    found = [n for n, line in enumerate(lines, 1) if words in line]
    assert len(found) == 1, (words, found)
    return found[0]


def test_claims_check_names_where_a_stale_claims_words_are_now(ws, tmp_path):
    """Lines added above a claim whose words changed: check names the file's line where its
    words are now, labelled 'now near', with the span to mark, and its old place as the
    version before's; after a second replace it follows them; words gone: the place they
    were, and START:END to mark; a store whose replace did not record it: no line (was: the
    claim's line in the old version, another line of the file now)."""
    ws.add(_note(tmp_path, "Note", "The pact was signed in 1939.", "The war began in 1941."))
    claim = ws.add_claim("note", quote="The war began in 1941.")
    ws.add(_note(tmp_path, "Note", "A first remark.", "A second remark.",
                 "The pact was signed in 1939.", "The war began in June 1941."), replace=True)
    text = ws.reading_text("note")
    now = ws.claim(claim.id).now
    assert (now.start, now.end) == (text.index("The war"), len(text.rstrip()))
    line = _line_of(ws, "The war began in June 1941.")
    assert line == claim.line + 2 and now.line == line
    assert now.location == f"¶ 5, line {line}"
    out = run(ws, "check")
    assert out.exit_code == 1
    assert out.stdout.startswith(
        f"sources/note.xml:{line}: claim {claim.id} stale: its words changed (was confirmed, "
        f"unattributed, {claim.location} before the source was replaced; now near "
        f"¶ 5, line {line}): The war began in 1941.; mark the claim again on the text now "
        f"('annotator claim add note --span {now.start}:{now.end} --again {claim.id}')")
    shown = run(ws, "claim", "show", str(claim.id)).stdout
    assert f"now near ¶ 5, line {line} ({now.start}:{now.end}): The war began in June 1941." \
        in shown
    listed = json.loads(run(ws, "claims", "--state", "stale", "--format", "json").stdout)
    assert listed[0]["now"] == {"start": now.start, "end": now.end,
                                "location": f"¶ 5, line {line}", "line": line,
                                "read_from": "file"}
    assert listed[0]["line"] == claim.line  # its own place: the version before's
    # a second replace, a paragraph more above: its words are followed
    ws.add(_note(tmp_path, "Note", "A first remark.", "A second remark.", "A third.",
                 "The pact was signed in 1939.", "The war began in June 1941."), replace=True)
    assert ws.claim(claim.id).now.line == _line_of(ws, "The war began in June 1941.") \
        == line + 1
    # its words gone: the place they were
    ws.add(_note(tmp_path, "Note", "A first remark.", "A second remark.", "A third.",
                 "The pact was signed in 1939."), replace=True)
    gone = ws.claim(claim.id).now
    assert gone.start == gone.end == len(ws.reading_text("note"))
    assert gone.line == _line_of(ws, "The pact was signed in 1939.")
    assert "--span START:END" in run(ws, "check").stdout
    with ws.store.transaction() as conn:  # a store whose replaces recorded no places
        conn.execute("UPDATE decisions SET payload = json_remove(payload, '$.stale_claims')")
    assert ws.claim(claim.id).now is None
    out = run(ws, "check").stdout
    assert out.startswith(f"sources/note.xml: claim {claim.id} stale: its words changed (was "
                          f"confirmed, unattributed, {claim.location} before the source was "
                          "replaced): ")


def _edited_note(ws, tmp_path, year):
    """note (a claim on 'The war began in 1941.') and other (a claim on its one line), then
    note.xml edited by hand: ``year`` written one less, two lines added above its text, so a
    claim's line in the file now is another. The two claims and the edited file."""
    ws.add(_note(tmp_path, "Note", "The pact was signed in 1939.", "The war began in 1941."))
    other = tmp_path / "other.txt"
    other.write_text("Brahm wrote to Schnitzler.\n", encoding="utf-8")
    ws.add(other)
    on_note = ws.add_claim("note", quote="The war began in 1941.")
    on_other = ws.add_claim("other", quote="Brahm wrote to Schnitzler.")
    file = ws.root / "sources" / "note.xml"
    file.write_bytes(file.read_bytes().replace(year, b"%d" % (int(year) - 1)).replace(
        b"<text>", b"<!-- one -->\n<!-- two -->\n<text>", 1))
    assert b"<!-- two -->" in file.read_bytes()
    return on_note, on_other, file


def test_claims_check_reports_a_file_edited_by_hand_that_claims_rely_on(ws, tmp_path):
    """A source's file edited by hand in sources/ since it was added, a claim on it: check
    lists it among the sources' warnings (S016, with 'add --replace'), checks its claims where
    the store's version has them and every other source's, and exits as for those claims
    (was: S016, exit 2, nothing checked)."""
    ws.bib_add(REFERENCES)
    failing, supported, file = _edited_note(ws, tmp_path, b"1939")
    ws.link_claim(supported.id, "nekrich1997")
    # the stored version's line and words, said to be that version's, the file named without
    # it (was: 'sources/note.xml:LINE' with the line of the version before, read as the edited
    # file's), and once that the stored version was checked and export refuses the file
    out = run(ws, "check")
    assert out.exit_code == 1, out.output
    assert out.stdout == (f"sources/note.xml: claim {failing.id} unsupported (unattributed, "
                          f"{failing.location} of the stored version): The war began in 1941.\n")
    # one line: what to do, and that export refuses the file meanwhile (was: a note after it)
    assert out.stderr.splitlines()[0] == f"{file}: warning: {_said_edited(ws, file)} [S016]"
    assert out.stderr.rstrip().endswith("2 confirmed claims checked, 1 not supported; "
                                        "1 source warning")
    listed = run(ws, "check", "-f", "json")
    assert listed.exit_code == 1, listed.output
    found = json.loads(listed.stdout)
    assert [(c["id"], c["line"], c["read_from"]) for c in found["claims"]] == [
        (failing.id, failing.line, "stored")]
    assert [(w["code"], w["source"], f"{w['message']}; {w['hint']}")
            for w in found["source_warnings"]] == [("S016", "note", _said_edited(ws, file))]
    assert run(ws, "check", "--allow", "unsupported").exit_code == 0


# S016 as the listings and check warn of it: what to do, and what reads the file meanwhile
_EDITED = ("file changed since it was added; run 'annotator add --replace {file}' to take the "
           "edit, or restore the file as it was added: 'annotator source versions note --write "
           "{sha} -o -' prints it, to compare; remove {file} first, then the same with '-o {file}' "
           "writes it back; until then 'export', 'propose', 'claims propose', 'claim add', "
           "'mention add' and 'reject' refuse it, and 'claims', 'claim show', 'check', "
           "'mentions', 'dates' and 'text' read it as the store keeps it")


def _said_edited(ws, file):
    """S016 of note.xml edited, its kept version named by its hash."""
    return _EDITED.format(file=file, sha=ws.source("note").sha256[:8])



def test_listings_read_a_file_edited_by_hand_as_claims_do(ws, tmp_path):
    """A source's file edited by hand since it was added (S016): 'mentions', 'dates' and
    'text' (and 'text --find', where 'claims' sends the editor) read it as the store keeps it,
    as 'claims' does: the S016 warning line on stderr, exit 0, places said to be the stored
    version's, read_from 'stored' in json and csv; the commands the warning says refuse it do
    (was: mentions and dates gave the stored version's lines and words without a word, text
    refused the file, S016, exit 2, and the warning named export alone)."""
    ws.add(_note(tmp_path, "Note", "Brahm wrote in 1939.", "The war began in 1941."))
    text = ws.reading_text("note")
    at = text.index("1939")
    ws.add_mention("note", at, at + 4, "date")
    ws.add_mention("note", text.index("Brahm"), text.index("Brahm") + 5, "person")
    line = _line_of(ws, "Brahm wrote")
    file = ws.root / "sources" / "note.xml"
    file.write_bytes(file.read_bytes().replace(b"1939", b"1938").replace(
        b"<text>", b"<!-- one -->\n<!-- two -->\n<text>", 1))
    warning = f"{file}: warning: {_said_edited(ws, file)} [S016]\n"
    listed = run(ws, "mentions", "note")
    assert (listed.exit_code, listed.stderr) == (0, warning), listed.output
    assert f"line {line} of the stored version" in listed.stdout
    found = json.loads(run(ws, "mentions", "note", "-f", "json").stdout)
    assert {(m["text"], m["place"], m["read_from"]) for m in found} == {
        ("1939", f"line {line} of the stored version", "stored"),
        ("Brahm", f"line {line} of the stored version", "stored")}
    assert run(ws, "mentions", "-f", "csv").stdout.splitlines()[0].endswith(",read_from")
    dates = run(ws, "dates", "note", "-f", "json")
    assert (dates.exit_code, dates.stderr) == (0, warning), dates.output
    assert [(d["surface"], d["read_from"]) for d in json.loads(dates.stdout)] == [
        ("1939", "stored")]
    assert run(ws, "dates", "note").stderr == warning
    shown = run(ws, "text", "note")
    assert (shown.exit_code, shown.stderr) == (0, warning), shown.output
    assert "of the stored version" in shown.stdout and "1939" in shown.stdout
    hits = run(ws, "text", "note", "--find", "1939", "-f", "json")
    assert (hits.exit_code, hits.stderr) == (0, warning), hits.output
    assert [(h["start"], h["location"], h["read_from"]) for h in json.loads(hits.stdout)] == [
        (at, f"¶ 2, line {line} of the stored version", "stored")]
    # the commands the warning names as refusing it do
    for refused in (["claim", "add", "note", "--span", f"{at}:{at + 4}"],
                    ["mention", "add", "note", "--quote", "Brahm", "person"],
                    ["export", "tei"]):
        out = run(ws, *refused)
        assert (out.exit_code, out.stderr.rstrip()[-6:]) == (2, "[S016]"), (refused, out.output)


def _stale_then_edited(ws, tmp_path):
    """A claim on note gone stale by a replace, then note.xml edited by hand (S016): a line
    added above its text. The claim and the file."""
    ws.add(_note(tmp_path, "Note", "Otto Brahm was responsible for the delay."))
    claim = ws.add_claim("note", quote="Otto Brahm was responsible for the delay")
    ws.add(_note(tmp_path, "Note", "Otto Brahm alone was responsible for the delay."),
           replace=True)
    file = ws.root / "sources" / "note.xml"
    file.write_bytes(file.read_bytes().replace(b"<text>", b"<!-- one -->\n<text>", 1))
    return claim, file


def test_claims_a_stale_claim_on_a_file_edited_by_hand_is_advised_a_command_that_works(
        ws, tmp_path):
    """A stale claim whose file was then edited by hand (S016): 'claim add --again', which
    refuses the file, is advised only after 'add --replace' takes the edit, in check and claim
    show alike, with no span (the stored version's would mark a version about to go); claim
    show says its 'now near' is the stored version's as check does; JSON says which version
    each place is of: location_in 'before_replace' for its own place, read_from (also in now)
    'stored' (was: the stored version's span advised, a command refused with S016; claim show
    without 'of the stored version'; JSON's location, the version before the replace's, beside
    read_from 'stored' alone)."""
    claim, file = _stale_then_edited(ws, tmp_path)
    advice = (f"first take the hand edit ('annotator add --replace {file}'; 'claim add' "
              "refuses the file until then), then mark the claim again where 'annotator "
              f"check' then finds its words ('annotator claim add note --span START:END "
              f"--again {claim.id}')")
    checked = run(ws, "check")
    assert checked.stdout.rstrip().endswith(advice), checked.stdout
    shown = run(ws, "claim", "show", str(claim.id))
    assert shown.exit_code == 0, shown.output
    assert f"  {advice}" in shown.stdout.splitlines()
    assert " of the stored version (" in shown.stdout  # its 'now near', as check says it
    [row] = json.loads(run(ws, "claim", "show", str(claim.id), "-f", "json").stdout)
    assert (row["line"], row["location_in"], row["read_from"], row["now"]["read_from"]) == (
        claim.line, "before_replace", "stored", "stored")
    [listed] = json.loads(run(ws, "claims", "-f", "json").stdout)
    assert (listed["location_in"], listed["now"]["read_from"]) == ("before_replace", "stored")
    [failing] = json.loads(run(ws, "check", "-f", "json").stdout)["claims"]
    assert failing["location_in"] == "before_replace"
    # the advice works: the edit taken, check names the span to mark, and claim add takes it
    assert run(ws, "add", "--replace", str(file)).exit_code == 0
    again = run(ws, "check").stdout
    assert "--span START:END" not in again and "first take" not in again
    span = again.split("--span ")[1].split()[0]
    added = run(ws, "claim", "add", "note", "--span", span, "--again", str(claim.id))
    assert added.exit_code == 0, added.output


def test_claims_show_a_file_edited_by_hand_as_the_store_keeps_it(ws, tmp_path):
    """A source's file edited by hand since it was added (S016): 'claims' and 'claim show'
    give its claims as check does, read in the version the store keeps, their places said to
    be that version's (JSON: read_from 'stored', 'file' for the others, in check's JSON too),
    with one warning line on stderr saying what to do and that export refuses the file, exit
    0; export refuses it (S016, exit 2) with the same what to do (was: claims and claim show
    refused it, S016, exit 2, while check only warned; JSON never said which text it read)."""
    edited, kept, file = _edited_note(ws, tmp_path, b"1941")  # its own words edited
    warning = f"{file}: warning: {_said_edited(ws, file)} [S016]\n"
    listed = run(ws, "claims")
    assert listed.exit_code == 0, listed.output
    assert listed.stderr == warning
    [row] = [line for line in listed.stdout.splitlines() if "1941" in line]
    assert f"{edited.location} of the stored version" in row
    assert "stored version" not in "".join(line for line in listed.stdout.splitlines()
                                           if "Brahm" in line)
    out = run(ws, "claims", "-f", "json")
    assert out.exit_code == 0, out.output
    assert out.stderr == warning
    assert [(c["id"], c["text"], c["line"], c["read_from"]) for c in json.loads(out.stdout)] == [
        (edited.id, "The war began in 1941.", edited.line, "stored"),
        (kept.id, "Brahm wrote to Schnitzler.", kept.line, "file")]
    assert run(ws, "claims", "-f", "csv").stdout.splitlines()[0].endswith(",read_from,location_in")
    shown = run(ws, "claim", "show", str(edited.id))
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.splitlines()[:3] == [
        f"claim {edited.id} in note {edited.start}:{edited.end}, {edited.location} of the "
        "stored version", "  confirmed, unattributed, unsupported", "  The war began in 1941."]
    assert shown.stderr == warning
    [one] = json.loads(run(ws, "claim", "show", str(edited.id), "-f", "json").stdout)
    assert (one["line"], one["read_from"]) == (edited.line, "stored")
    other_shown = run(ws, "claim", "show", str(kept.id), "-f", "json")
    assert (other_shown.stderr, json.loads(other_shown.stdout)[0]["read_from"]) == ("", "file")
    checked = json.loads(run(ws, "check", "-f", "json").stdout)
    assert [(c["id"], c["read_from"]) for c in checked["claims"]] == [
        (edited.id, "stored"), (kept.id, "file")]
    assert run(ws, "source", "note").stderr == ""  # its warning in its own lines, exit 0
    assert f"  {warning}" in run(ws, "source", "note").stdout
    # export refuses it, saying what to do as the warning does, and how to have the rest
    # meanwhile (was: what to do with the file alone)
    refused = run(ws, "export", "tei")
    said = f"{file}: {_said_edited(ws, file).split('; until then')[0]}"
    assert refused.exit_code == 2
    assert refused.stderr == (f"{said}; meanwhile export the other sources with 'annotator "
                              "export tei ID...' ('annotator sources' marks the edited ones "
                              "S016) [S016]\n")
    assert run(ws, "export").stderr.endswith(refused.stderr)
    assert run(ws, "export", "tei", "note").stderr == f"{said} [S016]\n"
    assert run(ws, "export", "tei", "other").exit_code == 0
    table = run(ws, "export", "claims")
    assert table.exit_code == 2
    assert table.stderr == (f"{said}; meanwhile 'annotator claims -f csv' (or json, md) gives "
                            "the table, the file read as the store keeps it (read_from) "
                            "[S016]\n")
    assert run(ws, "export", "claims", "-o", "-").stderr == table.stderr


def test_claims_a_stale_claim_of_a_file_edited_by_hand_keeps_its_place_before(ws, tmp_path):
    """A stale claim's place is that of the version before the replace, whatever was done to
    the file since: with its file then edited by hand (S016), 'claims' and 'claim show' give
    it so, not 'of the stored version' (was: said so after the commit before, which a stale
    claim's old place is not); check says its 'now near' is the stored version's."""
    claim, file = _stale_then_edited(ws, tmp_path)
    [row] = json.loads(run(ws, "claims", "-f", "json").stdout)
    assert (row["state"], row["read_from"]) == ("stale", "stored")
    assert "stored version" not in run(ws, "claims").stdout
    shown = run(ws, "claim", "show", str(claim.id))
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.splitlines()[0] == (f"claim {claim.id} in note {claim.start}:{claim.end}"
                                            f", {claim.location} (before the source was "
                                            "replaced)")
    checked = run(ws, "check").stdout
    assert "; now near ¶ 2, line " in checked
    assert " of the stored version): Otto Brahm was responsible" in checked


def test_claims_check_warns_of_confirmed_mentions_gone_stale(ws, tmp_path):
    """A confirmed name whose words changed in a replaced source is stale and in no export:
    check said nothing of it. Now it warns (failing nothing), naming the line where the words
    are now and the command that marks them again, until they are; a name whose words are
    gone from the text, or written over with other words, is listed too, at the place they
    were, saying so: set the mention aside with 'reject mention:N', which undo takes back, or
    mark the words there now as a name of their own (was: not listed, and every act on it
    refused, D005)."""
    ws.add(_note(tmp_path, "Note", "Anny wrote to Josef.", "Otto came."))
    text = ws.reading_text("note")
    ws.add_mention("note", text.index("Anny"), text.index("Anny") + 4, "person")
    ws.add_mention("note", text.index("Otto"), text.index("Otto") + 4, "person")
    [anny] = [m for m in ws.mentions("note") if m.surface == "Anny"]
    [otto] = [m for m in ws.mentions("note") if m.surface == "Otto"]
    ws.add(_note(tmp_path, "Note", "A remark.", "Annie wrote to Josef."), replace=True)
    assert {m.surface: m.status for m in ws.mentions("note")} == {"Anny": "stale",
                                                                  "Otto": "stale"}
    text = ws.reading_text("note")
    start, end = text.index("Annie"), text.index("Annie") + 5
    line = _line_of(ws, "Annie wrote")
    report = ws.check()
    assert report.ok
    stale, gone = report.stale_mentions
    # 'Annie' stands where 'Anny' was: other words, so Anny's are gone too, and 'Annie' is
    # offered as a name of its own, never as Anny's entity (was: 'its words changed', and
    # 'mention add ... --entity' on 'Annie', which made it a confirmed variant of Anny)
    assert (stale.mention.id, stale.now.start, stale.now.end, stale.gone, stale.now_words) == \
        (anny.id, start, end, True, "Annie")
    # Otto's words are gone: listed at the point they were, the end of the text now
    assert (gone.mention.id, gone.now.start, gone.now.end, gone.gone) == \
        (otto.id, len(text), len(text), True)
    out = run(ws, "check")
    assert out.exit_code == 0 and out.stdout == ""
    assert (f"sources/note.xml:{line}: warning: mention {anny.id} stale: its words are gone "
            f"from the text now (was confirmed, person {anny.entity_id} 'Anny', "
            f"{stale.was_at} before the source was replaced; they stood near ¶ 3, line {line}"
            f"), so no export has it; set this mention aside ('annotator reject "
            f"mention:{anny.id}'), or mark the words written there now, 'Annie', as a name of "
            f"their own ('annotator mention add note {start} {end} person')\n") in out.stderr
    # nothing written there: set aside (was: 'mark the name again ... START END ...')
    assert (f"sources/note.xml:{gone.now.line}: warning: mention {otto.id} stale: its words "
            f"are gone from the text now (was confirmed, person {otto.entity_id} 'Otto', "
            f"{gone.was_at} before the source was replaced; they stood near "
            f"{gone.now.location}), so no export has it; set this mention aside ('annotator "
            f"reject mention:{otto.id}')\n") in out.stderr
    assert "; 2 confirmed mentions stale (warnings)" in out.stderr
    # check -f json had them on stderr alone, its JSON the claims' list; now they are in it
    out = run(ws, "check", "-f", "json")
    assert out.exit_code == 0 and "warning: mention" not in out.stderr
    listed = json.loads(out.stdout)
    assert listed == {"claims": [], "stale_mentions": [{
        "id": anny.id, "source": "note", "file": "sources/note.xml", "type": "person",
        "entity": anny.entity_id, "text": "Anny", "start": anny.start, "end": anny.end,
        "was": stale.was_at, "now": {"start": start, "end": end, "location": f"¶ 3, line {line}",
                                     "line": line}, "gone": True, "now_text": "Annie",
        "command": f"annotator mention add note {start} {end} person", "read_from": "file"},
        listed["stale_mentions"][1]], "source_warnings": []}
    # no command where nothing is written (was: the placeholder 'mention add note START END')
    assert (listed["stale_mentions"][1]["gone"], listed["stale_mentions"][1]["command"]) == \
        (True, None)
    assert f"warning: mention {anny.id} stale" in run(ws, "check", "-f", "csv").stderr
    assert run(ws, "mention", "add", "note", str(start), str(end), "person").exit_code == 0
    assert anny.entity_id not in {m.entity_id for m in ws.mentions("note")
                                  if m.status != "stale"}
    assert [s.mention.id for s in ws.check().stale_mentions] == [otto.id]
    # set aside: out of every listing, and undo puts it back
    assert run(ws, "reject", f"mention:{otto.id}").exit_code == 0
    assert ws.check().stale_mentions == ()
    assert "stale" not in run(ws, "check").stderr
    assert otto.id not in {m.id for m in ws.mentions("note")}
    ws.undo()
    assert [s.mention.id for s in ws.check().stale_mentions] == [otto.id]
    assert ws.mention(otto.id).status == "stale"
    helped = " ".join(run(ws, "check", "--help").stdout.split())
    assert ("whose words are gone, or written over with other words, is said so: set it aside "
            "with 'annotator reject mention:N', or mark the words there now as one of their "
            "own (never as its entity's)") in helped
    assert "S016: its claims are checked as the store keeps the file" in helped


def test_claims_check_offers_a_stale_names_words_where_the_text_writes_them_now(ws, tmp_path):
    """'London' written over with 'Scotland' where a confirmed mention stood: check never
    offers 'Scotland' to London's entity (was: 'mention add ... --entity' on 'Scotland', which
    made it a confirmed variant of London). Where the edit wrote 'London' anew further on, it
    offers that, saying the text now writes it elsewhere; once marked there it is no longer
    listed. A London the text had before as well is another's: its words are gone."""
    ws.add(_note(tmp_path, "Note", "We rode to London.", "London is far."))
    text = ws.reading_text("note")
    ws.add_mention("note", text.index("London"), text.index("London") + 6, "place")
    [london] = ws.mentions("note")
    ws.add(_note(tmp_path, "Note", "London: we rode to Scotland.", "London is far."),
           replace=True)
    text = ws.reading_text("note")
    at = text.index("London")
    [stale] = ws.check().stale_mentions
    assert (stale.mention.id, stale.gone, stale.elsewhere, stale.now.start, stale.now.end) == \
        (london.id, False, True, at, at + 6)
    assert stale.command == f"annotator mention add note {at} {at + 6} place --entity " \
        f"{london.entity_id}"
    out = run(ws, "check").stderr
    assert (f"the text now writes them elsewhere, at {stale.now.location}), so no export has "
            f"it; mark the words again there ('{stale.command}')") in out
    assert "Scotland" not in out
    assert run(ws, "mention", "add", "note", str(at), str(at + 6), "place", "--entity",
               london.entity_id).exit_code == 0
    assert ws.check().stale_mentions == ()
    # London written over, and only the London the text had before is left: gone
    ws.add(_note(tmp_path, "Note", "We rode to Scotland.", "London is far."), replace=True)
    text = ws.reading_text("note")
    stale = next(s for s in ws.check().stale_mentions if s.mention.id == london.id)
    scotland = text.index("Scotland")
    assert (stale.gone, stale.now_words, stale.command) == \
        (True, "Scotland", f"annotator mention add note {scotland} {scotland + 8} place")


def test_claims_marking_a_stale_claim_again_takes_its_links(ws, tmp_path):
    """A stale claim's words marked again on the text now, where check says they are: the new
    claim takes its links over (works with their loci, a passage, a contradicting work), its
    kind and agent, and the stale one is set aside, in one act, said by the CLI; check
    passes; one undo takes it all back (was: the new claim had no link, the editor linked
    each work and passage again, then rejected the stale claim)."""
    from tests.conftest import FOULKE

    ws.bib_add(REFERENCES)
    ws.add_many([FOULKE, TITUS])
    sid = "a00187152"
    start = ws.reading_text(sid).index(TITUS_PASSAGE)
    claim = ws.add_claim(sid, span=(start, start + len(TITUS_PASSAGE)), agent="Titus",
                         kind="quoted")
    foulke = ws.reading_text("a00187143").index("I have been much instructed")
    links = [ws.link_claim(claim.id, "nekrich1997", locus="p. 1"),
             ws.link_claim(claim.id, "israelyan2003", rel="contradicts"),
             ws.link_claim(claim.id, passage=("a00187143", foulke, foulke + 27))]
    titus_replaced(ws, tmp_path, "from near New York", "from near the city of New York")
    now = ws.claim(claim.id).now
    assert ws.reading_text(sid)[now.start:now.end] == TITUS_PASSAGE.replace(
        "near New York", "near the city of New York")
    result = run(ws, "claim", "add", sid, "--span", f"{now.start}:{now.end}")
    assert result.exit_code == 0, result.output
    new = ws.claim(int(result.stdout))
    assert (new.kind, new.agent, new.state, new.status) == \
        ("quoted", "Titus", "confirmed", "supported")
    assert [(ln.id, ln.rel, ln.target, ln.locus, ln.status) for ln in new.links] == \
        [(ln.id, ln.rel, ln.target, ln.locus, ln.status) for ln in links]
    assert (f"marks stale claim {claim.id} again: its links {links[0].id} (supports "
            f"nekrich1997 (p. 1)), {links[1].id} (contradicts israelyan2003), {links[2].id} "
            f"(supports {links[2].target}) now this claim's; claim {claim.id} set aside (one "
            "act: 'annotator undo' takes it all back)") in result.stderr
    old = ws.claim(claim.id)
    assert (old.state, old.links) == ("rejected", ())
    report = ws.check()
    assert report.ok and report.checked == 1 and report.stale == ()
    ws.undo()
    assert ws.claim(claim.id).state == "stale"
    assert [ln.id for ln in ws.claim(claim.id).links] == [ln.id for ln in links]
    with pytest.raises(DecisionError):
        ws.claim(new.id)
    # named with --again, marked on fewer words: taken over too
    text = ws.reading_text(sid)
    short = text.index("I may inform thee")
    again = ws.add_claim(sid, span=(short, short + len("I may inform thee")), again=claim.id)
    assert again.again == claim.id and len(again.links) == 3
    with pytest.raises(DecisionError) as info:  # a claim not stale
        ws.add_claim(sid, quote="Respected Friend", again=again.id)
    assert info.value.code == "D320"


def test_claims_the_store_gives_a_sources_stale_claims_alone(ws, tmp_path):
    """Marking a claim asks the store for the source's stale claims only, in reading order
    (``store.claims.stale_claims``): a source of many claims with one stale is one row read,
    as SQL trace shows (was: every claim of the source loaded, the stale ones picked in
    Python)."""
    from annotator.store.claims import stale_claims

    ws.add(_note(tmp_path, "Note", "The war began in 1941. It ended in 1945. Peace came."))
    first = ws.add_claim("note", quote="The war began in 1941.")
    kept = [ws.add_claim("note", quote=q).id for q in ("It ended in 1945.", "Peace came.")]
    ws.add(_note(tmp_path, "Note", "The war began in June 1941. It ended in 1945. Peace came."),
           replace=True)
    assert [ws.claim(c).state for c in kept] == ["confirmed", "confirmed"]
    conn = ws.store.conn
    assert [r["id"] for r in stale_claims(conn, "note")] == [first.id]
    assert stale_claims(conn, "nowhere") == []
    sql: list[str] = []
    conn.set_trace_callback(sql.append)
    try:
        again = ws.add_claim("note", quote="The war began in June 1941.")
    finally:
        conn.set_trace_callback(None)
    assert again.again == first.id
    read = [q for q in sql if q.lstrip().upper().startswith("SELECT") and "FROM claims" in q
            and "source_id" in q]
    # the stale ones, and the claim at the span marked; never the source's every claim
    assert any("status = 'stale'" in q for q in read), read
    assert not [q for q in read if "status = 'stale'" not in q and " start = " not in q], read


def test_claims_marking_where_two_stale_claims_were_takes_neither(ws, tmp_path):
    """A span over the words of two stale claims: neither's links are taken (which one was
    meant?), both stay stale, and the CLI says so with what to do."""
    ws.add(_note(tmp_path, "Note", "The war began in 1941. It ended in 1945."))
    first = ws.add_claim("note", quote="The war began in 1941.")
    second = ws.add_claim("note", quote="It ended in 1945.")
    ws.add(_note(tmp_path, "Note", "The war began in June 1941. It ended in May 1945."),
           replace=True)
    result = run(ws, "claim", "add", "note", "--quote",
                 "The war began in June 1941. It ended in May 1945.")
    assert result.exit_code == 0, result.output
    assert (f"the words of stale claims {first.id}, {second.id} are here: none taken over"
            in result.stderr)
    assert {ws.claim(first.id).state, ws.claim(second.id).state} == {"stale"}


def _proposed(ws, sid, words, *, suggest=None):
    """A claim the finder proposes on ``words`` (found once in the reading text), with a
    suggested link to the work ``suggest``: its id."""
    from annotator.store import claims as rows_of
    from annotator.store import now

    text = ws.reading_text(sid)
    assert text.count(words) == 1, words
    start = text.index(words)
    with ws.store.transaction() as conn:
        cid = rows_of.insert_proposal(conn, sid, ws.source(sid).sha256, start,
                                      start + len(words), "unattributed", "", None, "date",
                                      "rule:claims@x", now())
        if suggest:
            rows_of.suggest_work(conn, cid, suggest, "", "rule:author-match")
    return cid


def test_claims_replace_withdraws_a_proposal_whose_words_changed(ws, tmp_path):
    """A proposal nobody decided whose words changed goes with the replace, with its
    suggested links, out of the listings, the check's count, the summary and the exports; one
    an editor acted on (its agent set) stays, stale (was: it stayed listed as 'stale' beside the finder's new proposal on the words now, counted in
    the summary, even after 'claims propose')."""
    ws.bib_add(REFERENCES)
    ws.add(TITUS)
    sid = "a00187152"
    gone = _proposed(ws, sid, TITUS_PASSAGE, suggest="nekrich1997")
    acted = _proposed(ws, sid, "Respected Friend")
    ws.set_claim_agent(acted, "Titus")
    kept = _proposed(ws, sid, "To Ann Evans, wife of Joshua Evans")
    undecided = ws.check().undecided
    data = TITUS.read_text(encoding="utf-8")
    edited = tmp_path / "edited" / TITUS.name
    edited.parent.mkdir()
    edited.write_text(data.replace("from near New York", "from near the city of New York")
                      .replace("Respected Friend,", "Respected dear Friend,"), encoding="utf-8")
    result = run(ws, "add", "--replace", str(edited))
    assert result.exit_code == 0, result.output
    assert "(1 kept, 1 stale, 1 claim proposal withdrawn)" in result.stderr
    every = {r.id: r for r in ws.claims(state=("proposed", "confirmed", "rejected", "stale"))}
    assert gone not in every and set(every) == {acted, kept}
    assert (every[acted].state, every[acted].was) == ("stale", "proposed")
    assert ws.check().undecided == undecided - 2  # the one withdrawn, the one stale
    with ws.store.transaction() as conn:
        assert conn.execute("SELECT count(*) FROM links WHERE claim_id = ?",
                            (gone,)).fetchone()[0] == 0
    listed = json.loads(run(ws, "claims", "--format", "json").stdout)
    assert gone not in [r["id"] for r in listed]
    ws.export_claims("csv", include_proposals=True)
    table = (ws.exports_dir / "claims.csv").read_text(encoding="utf-8-sig")
    assert "near New York through" not in table and "wife of Joshua Evans" in table


def test_claims_propose_withdraws_a_stale_proposal_of_an_older_replace(ref_ws, nlp):
    """A store whose replace left a proposal stale (as 'add --replace' did before it withdrew
    them): the next 'claims propose' withdraws it, as it withdraws any proposal it no longer
    makes, and keeps a stale confirmed claim (was: stale proposals stayed for good)."""
    sid = SID
    cid = _proposed(ref_ws, sid, "Those factors resulted in Molotov taking a firm line.")
    confirmed = ref_ws.add_claim(sid, quote="Molotov remained firm")
    with ref_ws.store.act("replace", f"source:{sid}", editor="tester", payload={}) as act:
        for one in (cid, confirmed.id):  # what a replace logged before
            act.update("claims", {"id": one}, {"status": "stale"})
    assert ref_ws.claim(cid).was == "proposed"
    report = ref_ws.propose_claims([sid], nlp=nlp)
    assert report.withdrawn == 1
    every = {r.id for r in ref_ws.claims(state=("proposed", "confirmed", "rejected", "stale"))}
    assert cid not in every and confirmed.id in every


def test_claims_store_version_17_passage_link_made_before_its_source_changed_is_stale(
        ws, tmp_path):
    """A store of the release before: its passage links have no version, and one made before
    its source was replaced holds offsets into the text before. Opened, each link holds for
    the version its source had when it was linked (from the log), so that one is stale, not
    read over the new text; a link made since holds for the text now."""
    claim, link = titus_linked(ws)
    old = ws.source("a00187152").sha256
    titus_replaced(ws, tmp_path, "Respected Friend,", "Respected and dear Friend,")
    text = ws.reading_text("a00187152")
    start = text.index("Rhode Island")
    later = ws.link_claim(claim.id, passage=("a00187152", start, start + len("Rhode Island")))
    ws.unlink(later.id)
    # as the release before left it: the link not moved, no version in its column nor in the
    # log (whose JSON json_remove writes unspaced: the migration reads it either way)
    again = reopened_at(ws, 17, f"UPDATE links SET target_start = {link.target_start}, "
                        f"target_end = {link.target_end} WHERE id = {link.id}",
                        "ALTER TABLE links DROP COLUMN target_sha256",
                        "UPDATE decisions SET changes = json_remove(changes, "
                        "'$[0].before.target_sha256')")
    links = {ln.id: ln for ln in again.claim(claim.id).links}
    assert (links[link.id].stale, links[link.id].target_sha256) == (True, old)
    assert again.passage_words(links[link.id]) == TITUS_PASSAGE
    again.undo()  # the unlink, logged without a version: the passage of the text now

    def restored():
        return next(ln for ln in again.claim(claim.id).links if ln.id == later.id)

    assert (restored().stale, again.passage_words(restored())) == (False, "Rhode Island")
    titus_replaced(again, tmp_path, "Respected Friend,", "Dear Friend,")  # and it moves
    assert (restored().stale, again.passage_words(restored())) == (False, "Rhode Island")
    again.close()


def test_claims_cli_show_lists_links_with_ids(proposed_ws):
    nek = _starting(proposed_ws.claims(), NEKRICH)
    result = run(proposed_ws, "claim", "show", str(nek.id))
    assert result.exit_code == 0, result.output
    assert f"link {nek.links[0].id}: supports nekrich1997 [suggested]" in result.stdout
    assert "agent: Alexander Nekrich" in result.stdout
    result = run(proposed_ws, "claim", "accept", str(nek.links[0].id), "--loc", "p. 203")
    assert result.exit_code == 0, result.output
    assert proposed_ws.claim(nek.id).works == ("nekrich1997 (p. 203)",)


def test_claims_in_text_citations_are_found():
    found = citations("The talks failed (Nekrich 1997, p. 214; see Israelyan 2003). "
                      "Nekrich, Ulam and Freeze (1997, pp. 12–14) argue so (Smith et al. 2001).")
    assert [(n, y, loc) for _, _, n, y, loc in found] == [
        ("Nekrich", "1997", "p. 214"), ("Israelyan", "2003", ""),
        ("Nekrich", "1997", "pp. 12–14"), ("Smith", "2001", "")]


@pytest.mark.parametrize(("text", "kind", "agent", "cue"), [
    ("The pact, historians argue, was inevitable.", "attributed", "historians", "verb: argue"),
    ("It is claimed that Stalin knew of the attack in advance.", "attributed", "",
     "verb: claim (passive)"),
    ("Molotov arrived in Berlin. He said that the Soviet Union wanted Finland.", "attributed",
     "Molotov", "verb: say (he = Molotov)"),
    ("“We shall fight on the beaches,” Churchill said in June 1940.", "quoted",
     "Churchill", "verb: say"),
    ("The talks failed in November 1940 (Nekrich 1997, p. 214).", "attributed", "Nekrich",
     "citation: Nekrich 1997, p. 214"),
    ("Stalin allegedly ignored the warnings.", "attributed", "", "hedge: allegedly"),
    # issue 17: the nearest fitting person named before, not the last name in the text
    ("Charles Darwin returned from the voyage in 1836. Richard Owen examined the fossils. "
     "Darwin wrote to Henslow about the finches. He told me that the finches of each island "
     "differ in their beaks.", "attributed", "Darwin", "verb: tell (he = Darwin)"),
    ("Molotov declared that the Soviet Union would join the Axis on its own terms.",
     "attributed", "Molotov", "verb: declare"),
    # gender from the text: 'she' is the person a title makes a woman, not the nearer name
    ("Mrs. Whitmore wrote to Thomas Whitmore. She said that the house was sold.",
     "attributed", "Whitmore", "verb: say (she = Whitmore)"),
    # and what the text calls a person where only that person can be meant, before or after
    # ('his' in the clause the name is the subject of): 'she' is never one known as 'he'
    # (was: the nearest name whose title said nothing, a man)
    ("Joseph Shipley came to see us with his wife. She said that the ship sailed from "
     "Liverpool in May.", "attributed", "", "verb: say (she = ?)"),
    ("Robin Ashby came today from Philadelphia. She said that the ship sailed from Liverpool "
     "in May. Robin Ashby left his coat behind him when he went home.", "attributed", "",
     "verb: say (she = ?)"),
    ("Frances Taylor kept her journal with care through the winter. Robin Ashby came today "
     "from Philadelphia. She said that the ship sailed from Liverpool in May.", "attributed",
     "Frances Taylor", "verb: say (she = Frances Taylor)"),
    # a person the text calls both is neither's
    ("Robin Ashby kept his horse in the barn all winter. In May Robin Ashby wrote to her "
     "sister. He said that the roads were bad.", "attributed", "", "verb: say (he = ?)"),
    # a description stays as written; the nearest fitting name before it is the candidate
    ("Molotov arrived in Berlin on 12 November. The Soviet premier declared that the Soviet "
     "Union would not be hurried.", "attributed", "The Soviet premier",
     "verb: declare (The Soviet premier = Molotov?)"),
    ("TASS reported on the talks in Berlin. The agency stated that no agreement was reached.",
     "attributed", "The agency", "verb: state (The agency = TASS?)"),
    # a thing, not anyone: as written, no candidate; a name inside the phrase is the agent
    ("Geraint Jenkins wrote the history. Furthermore, the preamble to the statutes claimed "
     "that a union already existed between the two lands.", "attributed", "the preamble",
     "verb: claim"),
    ("The clear sound of Ann Moore's voice said that we should come to the meeting.",
     "attributed", "Ann Moore", "verb: say"),
    # the writer's own word is no attribution; a pronoun that names nobody is no agent
    ("I believe that the meeting was well attended and the Friends were satisfied.",
     "unattributed", "", "verb: believe (I: the writer)"),
    ("They say that the ship sailed from Liverpool in May.", "attributed", "",
     "verb: say (they = ?)"),
    ("Many said that the war was over and the army would come home.", "attributed", "",
     "verb: say (many = ?)"),
    # a place the model calls a person speaks not: 'he' is nobody named (Friendly Networks)
    ("Had an appointed meeting near this place (Montgomery Square), where Friends of our "
     "meeting formerly held meetings. I was glad to hear the remarks of a very noted man (one "
     "Wager) on the occasion. He said he therefore thought much of these meetings and could "
     "gladly encourage them.", "attributed", "", "verb: say (he = ?)"),
    # an agent is a person, an organisation or a description, whole (Friendly Networks, EHRI,
    # Curious Travellers): a possessive name is the owner, the person it owns is who 'she'
    # may be, unnamed; no agent starts inside a bracket; no clause, no relative pronoun, no
    # place in a clause of the subject's is the agent; 'this said Bull' is the aforesaid
    ("I hear of the death of Benjamin Morgan's daughter about 17. It is said she had been "
     "some unwell with a cold. She said she did not like to do it but it seemed as if she was "
     "forced to do it.", "attributed", "", "verb: say (she = ?)"),
    ("Mary Smith's brother came today. She said that the ship sailed from Liverpool in May.",
     "attributed", "Mary Smith", "verb: say (she = Mary Smith)"),
    ("Benjamin Morgan's daughter said that she did not like to do it.", "attributed",
     "Benjamin Morgan's daughter", "verb: say"),
    ("According to Benjamin Morgan's wife, the house was sold in May.", "attributed",
     "Benjamin Morgan's wife", "according to"),
    ("I feel but poorly: see George Dillwyn's Youth Instructor, page 64. But page 65, he says, "
     "In proportion as we are attached to our possession, we are distressed with losing them.",
     "attributed", "George Dillwyn", "verb: say (he = George Dillwyn)"),
    ("Some expressions of dear William Hunt’s in a letter to his wife are often in my "
     "remembrance. After he had been speaking to her of his mind he says that the seed stood "
     "firm.", "attributed", "William Hunt", "verb: say (he = William Hunt)"),
    ("[Pierre] Charron says it was a proverb among the Spaniards: Preserve and deliver me from "
     "myself.", "attributed", "[Pierre] Charron", "verb: say"),
    ("A wounded conscience who can bear but he that makes or takes conscience for his "
     "counselor will find it his greatest comforts when all other stand aloof or fail "
     "conscience unpleasant truths may tell best mark her sacred lessons.", "attributed",
     "unpleasant truths", "verb: tell"),
    ("A girl from the Auschwitz camp who had hidden there when the Germans evacuated "
     "Auschwitz, and whom I met after my escape, told me that these human guinea-pigs were "
     "all killed before the evacuation.", "attributed", "girl", "verb: tell"),
    ("Compare the ordinance of 28 February 1942, according to which all Jews in the "
     "Protectorate are to be concentrated at Theresienstadt.", "attributed", "",
     "according to"),
    ("Haywaden is about 20 Miles from this said Bull, we only took a sort of glance at the "
     "comforts.", "unattributed", "", "number: about 20 Miles"),
    ("Some things presented to my view which, as John Parrish, said I thought too good to be "
     "lost: viz I have long believed there was a blessed happy safe state.", "attributed",
     "John Parrish", "verb: say"),
])
def test_claims_finder_kinds(nlp, text, kind, agent, cue):
    found = find_claims(nlp(text))
    assert [(p.kind, p.agent, p.cue) for p in found][-1:] == [(kind, agent, cue)]


@pytest.mark.parametrize(("text", "told"), [
    ("Joseph Shipley came to see us with his wife.", {"joseph shipley": "Masc",
                                                      "shipley": "Masc"}),
    ("Sarah Harrison kept herself apart from the meeting.", {"sarah harrison": "Fem",
                                                              "harrison": "Fem"}),
    # another clause's pronoun, or a sentence naming two: either may be meant, nothing told
    ("Mary Smith said his book was lost.", {}),
    ("John Woolman told Mary Smith of his journey.", {}),
    # 'her' as an object is no possessive: the one told is someone else
    ("Robin Ashby told her that the ship sailed in May.", {}),
    ("Mrs. Whitmore came to tea.", {"whitmore": "Fem"}),
])
def test_claims_finder_genders_the_text_tells(nlp, text, told):
    """A person's gender from the text itself: a title, or a 'his'/'her'/'himself'/'herself'
    that can only be theirs; nothing from a given name."""
    assert _told_genders(nlp(text)) == told


def test_claims_finder_description_candidates(nlp):
    """The candidate a description stands for, with the finder's confidence; a plural names no
    one person, and a name of the wrong gender is passed over."""
    (p,) = find_claims(nlp("Lady Holland met Charles Darwin at the dinner. The scientist said "
                           "that the finches of each island differ."))
    assert (p.agent, p.candidate) == ("The scientist", "Charles Darwin")
    text = "Mrs. Whitmore met Thomas Whitmore. The widow declared that the house was sold."
    (widow,) = find_claims(nlp(text))
    assert (widow.agent, widow.candidate) == ("The widow", "Whitmore")
    assert text[widow.agent_start:widow.agent_end] == "The widow"
    (p,) = find_claims(nlp("Molotov and Ribbentrop met. The ministers said that the talks "
                           "went well."))
    assert p.candidate == "" and "=" not in p.cue
    (named,) = find_claims(nlp("Molotov declared that the Soviet Union would join the Axis."))
    assert named.confidence is not None and widow.confidence is not None
    assert named.confidence > widow.confidence > 0  # a name in the sentence is surer


def test_claims_finder_skips_plain_description(nlp):
    assert find_claims(nlp("The weather was cold. Molotov went home.")) == []


def _review_claims(ws, nlp, tmp_path, paragraph, bib=None):
    """The claims proposed in a plain-text review holding ``paragraph`` (``bib``: a .bib
    file's text, added first)."""
    if bib is not None:
        (tmp_path / "works.bib").write_text(bib, encoding="utf-8")
        ws.bib_add(tmp_path / "works.bib")
    note = tmp_path / "review.txt"
    note.write_text(f"Review\n\n{paragraph}\n", encoding="utf-8")
    ws.add(note)
    ws.propose_claims(["review"], nlp=nlp)
    return ws.claims(source_id="review")


def _review_claim(ws, nlp, tmp_path, sentence, bib=None):
    """The one claim proposed in a plain-text review holding ``sentence``."""
    (row,) = _review_claims(ws, nlp, tmp_path, sentence, bib)
    return row


def test_claims_citation_suggests_work_with_locus(ref_ws, nlp, tmp_path):
    row = _review_claim(ref_ws, nlp, tmp_path,
                        "The Soviet counterproposal asked for Bulgaria (Nekrich 1997, p. 203).")
    assert (row.kind, row.agent) == ("attributed", "Nekrich")
    assert [(ln.bib_key, ln.locus, ln.provenance) for ln in row.links] == \
        [("nekrich1997", "p. 203", "rule:citation")]


def test_claims_cli_propose_loads_the_parser_and_is_idempotent(ref_ws):
    result = run(ref_ws, "claims", "propose")
    assert result.exit_code == 0, result.output
    assert "claim proposals:" in result.stderr and "attributed" in result.stderr
    rows = ref_ws.claims()
    assert _starting(rows, NEKRICH).links[0].bib_key == "nekrich1997"
    assert rows[0].provenance.startswith("rule:claims@en_core_web_sm")
    result = run(ref_ws, "claims", "propose", SID)
    assert result.exit_code == 0 and "none new" in result.stderr
    assert len(ref_ws.claims()) == len(rows)


def test_claims_cli_propose_unknown_model_exits_2(ref_ws):
    result = run(ref_ws, "claims", "propose", "--model", "xx_no_such_model")
    assert result.exit_code == 2 and "[M001]" in result.stderr
    assert ref_ws.claims() == []


def test_claims_acts_undo_with_the_generic_undo(ref_ws):
    row = ref_ws.add_claim(SID, span=(26, 100))
    link = ref_ws.link_claim(row.id, "nekrich1997", locus="p. 214")
    assert ref_ws.claim(row.id).status == "supported"
    ref_ws.undo()  # the link
    assert ref_ws.claim(row.id).links == ()
    ref_ws.undo()  # the claim
    assert ref_ws.claims() == []
    assert link.id not in {r["id"] for r in ref_ws.store.query("SELECT id FROM links")}


def test_claims_expected_token_refuses_stale_pages(ref_ws):
    token = ref_ws.state_token()
    row = ref_ws.add_claim(SID, span=(26, 100), expected=token)
    with pytest.raises(DecisionError) as info:  # the workspace moved on since `token`
        ref_ws.add_claim(SID, span=(120, 160), expected=token)
    assert info.value.code == "D010"
    seen = ref_ws.state_token(f"claim:{row.id}")
    other = ref_ws.add_claim(SID, span=(120, 160))
    ref_ws.link_claim(other.id, "nekrich1997")  # elsewhere: this claim's page is still current
    ref_ws.link_claim(row.id, "nekrich1997", locus="p. 1", expected=seen)
    with pytest.raises(DecisionError) as info:  # this claim changed since `seen`
        ref_ws.confirm_claim(row.id, expected=seen)
    assert info.value.code == "D010"
    assert ref_ws.claim(row.id).status == "supported"
    ref_ws.confirm_claim(row.id, expected=ref_ws.state_token(f"claim:{row.id}"))


def test_claims_undo_of_bib_add_still_cited_is_refused(ref_ws):
    row = ref_ws.add_claim(SID, span=(26, 100))
    ref_ws.link_claim(row.id, "nekrich1997")
    bib_act = ref_ws.store.one("SELECT id FROM decisions WHERE act = 'bib-add'")["id"]
    with pytest.raises(DecisionError) as info:
        ref_ws.undo(bib_act)
    assert info.value.code == "D312"
    assert ref_ws.bib_entry("nekrich1997").key == "nekrich1997"
    assert ref_ws.claim(row.id).status == "supported"


def test_claims_finder_handles_empty_and_blank_text(nlp):
    assert find_claims(nlp("")) == []
    assert find_claims(nlp("\n\n   \n")) == []


def test_claims_confirm_several_is_one_act(ref_ws):
    a = ref_ws.add_claim(SID, span=(26, 100))
    b = ref_ws.add_claim(SID, span=(120, 160))
    before = ref_ws.store.one("SELECT count(*) FROM decisions")[0]
    rows = ref_ws.confirm_claims([a.id, b.id])
    assert [r.state for r in rows] == ["confirmed", "confirmed"]
    assert ref_ws.store.one("SELECT count(*) FROM decisions")[0] == before + 1
    ref_ws.undo()
    assert {ref_ws.claim(a.id).state, ref_ws.claim(b.id).state} == {a.state}
    with pytest.raises(DecisionError) as info:  # an unknown id refuses the whole act
        ref_ws.reject_claims([a.id, 999])
    assert info.value.code == "D306"
    assert ref_ws.claim(a.id).state == a.state


# -- agents the editor corrects (issue 17) -----------------------------------------------------
def test_claims_agent_given_as_entity_id_is_linked_not_stored_as_a_string(ref_ws):
    from tests.review_seed import propose_by_names

    propose_by_names(ref_ws)
    result = run(ref_ws, "claim", "add", SID, "--quote",
                 "Germany ended the Molotov–Ribbentrop Pact in June 1941", "--kind", "attributed",
                 "--agent", "person-vyacheslav-molotov")
    assert result.exit_code == 0, result.output
    row = ref_ws.claim(int(result.stdout.strip()))
    assert (row.agent, row.agent_entity_id) == ("Vyacheslav Molotov", "person-vyacheslav-molotov")
    # an id that names no person or organisation is refused, not kept as the agent's words
    for agent, said, code in (
            ("person-nobody", "no entity 'person-nobody'", "D021"),
            ("place-berlin", "place-berlin is a place, not a person or an org", "D313")):
        refused = run(ref_ws, "claim", "agent", str(row.id), agent)
        assert refused.exit_code == 2 and refused.stderr.count("\n") == 1, refused.output
        assert said in refused.stderr and refused.stderr.rstrip().endswith(f"[{code}]")
    assert ref_ws.claim(row.id).agent == "Vyacheslav Molotov"
    assert run(ref_ws, "claim", "agent", str(row.id), "Molotov").exit_code == 0  # words: kept


def test_claims_description_agent_candidate_shown_and_confirmed(ref_ws, nlp, tmp_path):
    """'The Soviet premier' is kept as written with its candidate Molotov: listed (table and
    JSON) and shown, until the editor confirms it with 'claim agent'; undo brings it back."""
    row = premier_claim(ref_ws, nlp, tmp_path)
    assert (row.agent, row.agent_candidate) == ("The Soviet premier", "Molotov")
    listed = json.loads(run(ref_ws, "claims", "--source", "talks", "--format", "json").stdout)
    mine = next(r for r in listed if r["id"] == row.id)
    assert (mine["agent"], mine["candidate"]) == ("The Soviet premier", "Molotov")
    table = run(ref_ws, "claims", "--source", "talks").stdout
    assert "candidate" in table.splitlines()[1] and "Molotov" in table
    shown = run(ref_ws, "claim", "show", str(row.id)).stdout
    assert f"The Soviet premier may be Molotov: confirm with 'annotator claim agent {row.id} " \
           '"Molotov"\'' in shown
    result = run(ref_ws, "claim", "agent", str(row.id), "Molotov")
    assert result.exit_code == 0, result.output
    fixed = ref_ws.claim(row.id)
    assert (fixed.agent, fixed.agent_candidate) == ("Molotov", "")
    ref_ws.undo()
    again = ref_ws.claim(row.id)
    assert (again.agent, again.agent_candidate) == ("The Soviet premier", "Molotov")


def test_claims_proposals_carry_a_confidence_and_unattributed_come_last(proposed_ws):
    rows = proposed_ws.claims()
    kinds = [r.kind for r in rows]
    assert "unattributed" in kinds and kinds[0] != "unattributed"
    first = kinds.index("unattributed")
    assert set(kinds[first:]) == {"unattributed"}  # after every attributed or quoted one
    for group in (rows[:first], rows[first:]):  # each in reading order
        assert [(r.source_id, r.start) for r in group] == \
            sorted((r.source_id, r.start) for r in group)
    assert all(r.confidence is not None and 0 < r.confidence <= 1 for r in rows)
    named = min(r.confidence for r in rows if r.agent and "=" not in r.cue)
    assert named > max(r.confidence for r in rows[first:])
    listed = json.loads(run(proposed_ws, "claims", "--format", "json").stdout)
    assert [(r["id"], r["confidence"]) for r in listed] == [(r.id, r.confidence) for r in rows]
    added = proposed_ws.add_claim(SID, quote="Those factors resulted in Molotov taking a firm "
                                  "line.", kind="attributed", agent="Molotov")
    assert proposed_ws.claim(added.id).confidence is not None  # a proposal it confirmed
    ed = proposed_ws.add_claim(SID, span=(0, 24), kind="editorial")
    assert ed.confidence is None  # the editor's own


def test_claims_agent_command_corrects_the_agent_and_undoes(ref_ws):
    from tests.review_seed import propose_by_names

    propose_by_names(ref_ws)
    row = ref_ws.add_claim(SID, quote="Germany ended the Molotov–Ribbentrop Pact in June 1941",
                           kind="attributed", agent="the Soviet premier")
    assert row.agent_entity_id is None
    result = run(ref_ws, "claim", "agent", str(row.id), "person-stalin")
    assert result.exit_code == 0, result.output
    fixed = ref_ws.claim(row.id)
    assert (fixed.agent, fixed.agent_entity_id) == ("Stalin", "person-stalin")
    assert ref_ws.history(limit=1)[0].act == "claim-agent"
    ref_ws.undo()
    assert ref_ws.claim(row.id).agent == "the Soviet premier"
    # words naming a known person are linked too; unknown words stay words
    assert ref_ws.set_claim_agent(row.id, "Molotov").agent_entity_id == \
        "person-vyacheslav-molotov"
    assert ref_ws.set_claim_agent(row.id, "a spokesman").agent_entity_id is None
    bad = run(ref_ws, "claim", "agent", "999", "person-stalin")
    assert bad.exit_code == 2 and "[D306]" in bad.output


def test_claims_propose_on_a_diary_names_no_pronoun_and_opens_on_words(ws, nlp):
    """A first-person journal: 'I believe' is the writer's, 'they'/'one' name nobody, and a
    claim starts on its words, not on the colon a sentence split left before them."""
    ws.add(DATA / "editions" / "friendly-networks" / "A0011538.xml")
    ws.propose_claims(nlp=nlp)
    rows = ws.claims(state="proposed")
    assert len(rows) > 40
    pronouns = {"i", "we", "he", "she", "they", "one", "it", "you"}
    assert [r.agent for r in rows if r.agent.lower() in pronouns] == []
    assert [r.text[:20] for r in rows if r.text[:1] in ":;,.)"] == []
    assert any(r.kind == "unattributed" and "the writer" in r.cue for r in rows)


def test_claims_linking_a_proposed_claim_decides_it_in_the_same_act(proposed_ws):
    """An editor who links a proposed claim (or accepts its suggested link) has decided it:
    it is confirmed, in the tables and the check at once, and one undo takes both back."""
    def state(cid):
        return proposed_ws.claim(cid).state

    proposed = [c for c in proposed_ws.claims(state="proposed") if not c.links]
    mine = proposed[0].id
    before = proposed_ws.store.one("SELECT count(*) FROM decisions")[0]
    link = proposed_ws.link_claim(mine, "nekrich1997", locus="p. 199")
    assert state(mine) == "confirmed"
    assert mine in {c.id for c in proposed_ws.claims(state="confirmed")}  # as tables read
    assert proposed_ws.store.one("SELECT count(*) FROM decisions")[0] == before + 1
    proposed_ws.undo()
    assert state(mine) == "proposed"
    assert all(ln.id != link.id for ln in proposed_ws.claim(mine).links)
    suggested = _starting(proposed_ws.claims(state="proposed"), NEKRICH)
    proposed_ws.accept_links([suggested.links[0].id])
    assert state(suggested.id) == "confirmed"
    proposed_ws.undo()
    assert state(suggested.id) == "proposed"


def test_claims_undo_refusal_names_the_row_as_the_editor_does(ref_ws):
    """D008 names 'claim 36', 'link 3' (one row), not the store's tables 'claims 36'."""
    row = ref_ws.add_claim(SID, span=(26, 100))
    link = ref_ws.link_claim(row.id, "nekrich1997", locus="p. 214")
    ref_ws.unlink(link.id)
    ref_ws.reject_claim(row.id)
    act = {r["act"]: r["id"] for r in ref_ws.store.query("SELECT act, id FROM decisions")}
    for first, named, later in (("claim-link", f"link {link.id}", "unlink"),
                                ("claim-add", f"claim {row.id}", "claim-reject")):
        with pytest.raises(DecisionError) as info:
            ref_ws.undo(act[first])
        assert info.value.code == "D008"
        assert f"cannot be undone: {named} changed since by decision {act[later]}" \
            in str(info.value)


def test_claims_errors_name_places_as_the_workspace_does(ref_ws, monkeypatch):
    """Claim refusals name the store and the source file relative to the workspace, as
    review's do (was the absolute path of each), run inside it."""
    monkeypatch.chdir(ref_ws.root)
    stored = run(ref_ws, "claim", "link", "99", "nekrich1997")
    assert stored.exit_code == 2
    assert stored.stderr.startswith("annotator.sqlite: no claim 99;"), stored.stderr
    review = run(ref_ws, "confirm", "person-nobody")
    assert review.exit_code == 2 and review.stderr.startswith("annotator.sqlite: ")
    span = run(ref_ws, "claim", "add", SID, "--span", "0:999999")
    assert span.exit_code == 2
    assert span.stderr.startswith(f"sources/{SID}.xml: span 0:999999 "), span.stderr


def test_claims_agent_is_the_paragraphs_own_not_the_salutations(ws, nlp, tmp_path):
    """spaCy parses across the blank lines: "wrote" got the heading's first word as subject,
    whose subtree holds "Hermann Bahr" of the salutation too, and the agent was Bahr."""
    path = tmp_path / "letter.txt"
    path.write_text("Letters\n\nDear Hermann Bahr,\n\nArthur Schnitzler wrote to me on 3 February "
                    "1901 that the play would open in March.\n", encoding="utf-8")
    sid = ws.add(path).source.id
    ws.propose_claims(nlp=nlp)
    text = ws.reading_text(sid)
    [claim] = [c for c in ws.claims() if "wrote" in text[c.start:c.end]]
    assert claim.agent == "Arthur Schnitzler"


def test_claims_in_text_citations_by_a_non_ascii_capital_are_found():
    found = citations("Łukasiewicz (1920) and others (see Žižek 2000, p. 3; Ødegaard 1990).")
    assert [(n, y, loc) for _, _, n, y, loc in found] == [
        ("Łukasiewicz", "1920", ""), ("Žižek", "2000", "p. 3"), ("Ødegaard", "1990", "")]


def test_claims_citation_of_lukasiewicz_suggests_his_work(ws, nlp, tmp_path):
    """'Łukasiewicz (1920)' finds the work by '{\\L}ukasiewicz' (its key keeps the l)."""
    row = _review_claim(ws, nlp, tmp_path,
                        "The third value was possibility, as Łukasiewicz (1920) argued.",
                        bib="@book{,\n  author = {{\\L}ukasiewicz, Jan},\n  title = {On "
                            "Three-Valued Logic},\n  year = {1920},\n}\n")
    assert [(ln.bib_key, ln.provenance) for ln in row.links] == \
        [("lukasiewicz1920three", "rule:citation")]


def test_claims_a_name_in_another_script_matches_its_author_only():
    """A Cyrillic agent and author are compared spelt as keys spell them ('Петров' ->
    'petrov'; they folded to nothing and matched nothing): another surname is no match."""
    work = BibEntry(key="petrov1950", type="book",
                    fields=(("author", "Петров, Иван"), ("year", "1950")), origin="x", line=1)
    assert suggest_works("Иван Сидоров", [work], [("Сидоров", "1950", "")]) == []
    assert [(w.key, rule) for w, _, rule in suggest_works("Иван Петров", [work])] == [
        ("petrov1950", "rule:author-match")]


def test_claims_a_citation_year_never_matches_a_bc_work_of_that_number():
    """'(Cicero 0044)' is AD 44: a work dated '-0044' (BC) is not it; one dated 0044 is."""
    bc = BibEntry(key="cicero-0044officiis", type="book",
                  fields=(("author", "Cicero"), ("date", "-0044")), origin="x", line=1)
    ad = BibEntry(key="cicero0044", type="book",
                  fields=(("author", "Cicero"), ("date", "0044")), origin="x", line=2)
    assert [(e.key, rule) for e, _locus, rule in
            suggest_works("Seneca", [bc, ad], [("Cicero", "0044", "")])] == \
        [("cicero0044", "rule:citation")]


def test_claims_a_short_year_is_a_citation_of_a_known_work_only():
    """'(Einhard 830)' cites a work of 830 the bibliography holds; '(Chapter 3)',
    '(Book 3, ch. 2)' and a short year no work has stay numbers."""
    from annotator.nlp.claim_finder import cited_as

    vita = BibEntry(key="einhard830vita", type="book",
                    fields=(("author", "Einhard"), ("date", "0830")), origin="x", line=1)
    text = ("Charles rode out (Einhard 830, ch. 22). See above (Chapter 3; Book 3, ch. 2). "
            "Einhard (830) and Einhard (831) say so.")
    known = cited_as([vita])
    assert [(n, y, loc) for _, _, n, y, loc in citations(text, known)] == [
        ("Einhard", "830", "ch. 22"), ("Einhard", "830", "")]
    assert citations(text) == []
    assert [(e.key, loc, rule) for e, loc, rule in
            suggest_works("", [vita], [("Einhard", "830", "ch. 22")])] == \
        [("einhard830vita", "ch. 22", "rule:citation")]


def test_claims_and_others_is_no_name_a_citation_gives():
    """BibTeX's 'and others' is et al.: '(Others 1940)' cites no work by it (was: a name
    'others'); a name's surname is biber's family part ('Smith, Jr., John': Smith)."""
    from annotator.nlp.claim_finder import cited_as

    work = BibEntry(key="molotov1940", type="book", fields=(
        ("author", "Molotov, V. M. and Smith, Jr., John and others"), ("year", "1940")),
        origin="x", line=1)
    assert cited_as([work]) == {("molotov", 1940), ("smith", 1940)}


def test_claims_citation_of_a_three_digit_year_suggests_the_work(ws, nlp, tmp_path):
    row = _review_claim(ws, nlp, tmp_path,
                        "The emperor refused to learn to write (Einhard 830, ch. 25).",
                        bib="@book{einhard,\n  author = {Einhard},\n  title = {Vita Karoli "
                            "Magni},\n  year = {830},\n}\n")
    assert (row.kind, row.agent) == ("attributed", "Einhard")
    assert [(ln.bib_key, ln.locus, ln.provenance) for ln in row.links] == \
        [("einhard", "ch. 25", "rule:citation")]


@pytest.mark.parametrize(("text", "found"), [
    ("(Roberts 2006, 12)", [("Roberts", "2006", "p. 12")]),
    ("(Roberts 2006: 12)", [("Roberts", "2006", "p. 12")]),
    ("(Roberts 2006:12)", [("Roberts", "2006", "p. 12")]),
    ("(Roberts 2006, 12-14)", [("Roberts", "2006", "pp. 12-14")]),
    ("(Roberts 2006: 12–14)", [("Roberts", "2006", "pp. 12–14")]),
    ("(Roberts 2006, xii)", [("Roberts", "2006", "p. xii")]),
    ("(Roberts 2006, 12, 15)", [("Roberts", "2006", "pp. 12, 15")]),
    ("(Roberts 2006a, 7)", [("Roberts", "2006a", "p. 7")]),
    ("(cf. Roberts 2006, 12)", [("Roberts", "2006", "p. 12")]),
    ("(see also Roberts 2006, 12)", [("Roberts", "2006", "p. 12")]),
    ("(see Roberts 2006, 12-14; Gorodetsky 1999)",
     [("Roberts", "2006", "pp. 12-14"), ("Gorodetsky", "1999", "")]),
    ("(Smith and Jones 2001, 5)", [("Smith", "2001", "p. 5")]),
    ("(Smith et al. 2001: 5)", [("Smith", "2001", "p. 5")]),
    ("Roberts (2006: 12) argues", [("Roberts", "2006", "p. 12")]),
    ("(Roberts 2006, ch. 3)", [("Roberts", "2006", "ch. 3")]),
    # issue: a bare page after the year made no citation at all
])
def test_claims_author_date_citations_with_a_bare_page_are_found(text, found):
    assert [(n, y, loc) for _, _, n, y, loc in citations(text)] == found


@pytest.mark.parametrize("text", [
    "(Chapter 3)", "(Chapter 3, 12)", "(1939, 12 divisions)", "(1939, 12)", "(Book 3, ch. 2)",
    "(Roberts 2006, 12 divisions)", "(June 1941)", "(June 1941, 12)", "(Summer 1941)",
])
def test_claims_numbers_and_dates_in_brackets_are_no_citations(text):
    """A bare page after a year makes no citation of what was none: a chapter, a count, a
    month or a season with its year, unless a work is known by that name and year."""
    from annotator.nlp.claim_finder import cited_as

    assert citations(f"The line held {text}.") == []
    june = BibEntry(key="june1941", type="book",
                    fields=(("author", "June, Jennifer"), ("year", "1941")), origin="x", line=1)
    known = [(n, y) for _, _, n, y, _ in citations(text, cited_as([june]))]
    assert known == ([("June", "1941")] if "June" in text else [])


def test_claims_further_years_of_one_author_are_citations_of_their_own():
    """'(Smith 2001, 2003)' cites two works where both are known (or carry a letter); a
    number no work of Smith has is a page."""
    from annotator.nlp.claim_finder import cited_as

    works = [BibEntry(key=f"smith{y}", type="book", fields=(("author", "Smith, Ann"),
                                                            ("year", str(y))),
                      origin="x", line=1) for y in (2001, 2003)]
    known = cited_as(works)
    found = citations("(Smith 2001, 2003; Smith 2001a, 2001b; Smith 2001, 1204)", known)
    assert [(n, y, loc) for _, _, n, y, loc in found] == [
        ("Smith", "2001", ""), ("Smith", "2003", ""), ("Smith", "2001a", ""),
        ("Smith", "2001b", ""), ("Smith", "2001", "p. 1204")]


ROBERTS_BIB = """@book{roberts2006, author = {Roberts, Geoffrey}, title = {Stalin's Wars},
  year = {2006}}
@book{gorodetsky1999, author = {Gorodetsky, Gabriel}, title = {Grand Delusion}, year = {1999}}
@book{gorodetsky1986, author = {Gorodetsky, Gabriel}, title = {Stafford Cripps' Mission to
  Moscow}, year = {1986}}
"""


def test_claims_author_date_citations_suggest_the_work_with_its_page(ws, nlp, tmp_path):
    """The review's paragraphs: each form of the page cites Roberts 2006 at p. 12 (only the
    'p. 12' one did; the others were unsupported with cue 'date: Roberts 2006'), and a
    bracket of two citations suggests both works."""
    (tmp_path / "works.bib").write_text(ROBERTS_BIB, encoding="utf-8")
    ws.bib_add(tmp_path / "works.bib")
    path = tmp_path / "review.txt"
    path.write_text("Review\n\nThe Germans planned a swift invasion (Roberts 2006: 12).\n\n"
                    "The Red Army was unprepared for the attack (Roberts 2006, 12).\n\n"
                    "The Soviets were slow to mount an offensive (Roberts 2006, p. 12).\n\n"
                    "Stalin ignored the warnings (see Roberts 2006, 12-14; Gorodetsky 1999).\n",
                    encoding="utf-8")
    ws.add(path)
    ws.propose_claims(["review"], nlp=nlp)
    rows = ws.claims(source_id="review")
    assert [(r.kind, r.agent, [(ln.bib_key, ln.locus, ln.provenance) for ln in r.links])
            for r in rows] == [
        ("attributed", "Roberts", [("roberts2006", "p. 12", "rule:citation")]),
        ("attributed", "Roberts", [("roberts2006", "p. 12", "rule:citation")]),
        ("attributed", "Roberts", [("roberts2006", "p. 12", "rule:citation")]),
        ("attributed", "Roberts", [("roberts2006", "pp. 12-14", "rule:citation"),
                                   ("gorodetsky1999", "", "rule:citation")])]


def test_claims_a_citation_with_a_year_suggests_that_year_only(ws, nlp, tmp_path):
    """'(Gorodetsky 1999, p. 45)' is his book of 1999, not that of 1986 too (which was
    suggested by author-match)."""
    row = _review_claim(ws, nlp, tmp_path, "Stalin expected a long war (Gorodetsky 1999, p. 45).",
                        bib=ROBERTS_BIB)
    assert [(ln.bib_key, ln.locus, ln.provenance) for ln in row.links] == \
        [("gorodetsky1999", "p. 45", "rule:citation")]


def test_claims_a_cited_year_no_work_has_suggests_the_author_saying_so(ws, nlp, tmp_path):
    """No work of Gorodetsky's is of 1990: his works are suggested without the locus, under
    a rule of their own that the listings and 'claim show' name."""
    row = _review_claim(ws, nlp, tmp_path, "Cripps warned Stalin in vain (Gorodetsky 1990, 33).",
                        bib=ROBERTS_BIB)
    assert [(ln.bib_key, ln.locus, ln.provenance) for ln in row.links] == [
        ("gorodetsky1986", "", "rule:citation-other-year"),
        ("gorodetsky1999", "", "rule:citation-other-year")]
    first = row.links[0].id
    assert row.by_rel["supports"][0] == \
        f"gorodetsky1986 [suggested, not of the cited year: link {first}]"
    result = run(ws, "claim", "show", str(row.id))
    assert f"link {first}: supports gorodetsky1986 [suggested, not of the cited year]" in \
        result.stdout


def test_claims_an_agent_cited_with_a_year_gets_no_author_match():
    """'Gorodetsky argues ... (Gorodetsky 1999)': the agent's other works are not suggested;
    another agent's are."""
    works = [BibEntry(key=f"gorodetsky{y}", type="book",
                      fields=(("author", "Gorodetsky, Gabriel"), ("year", str(y))),
                      origin="x", line=1) for y in (1986, 1999)]
    cited = [("Gorodetsky", "1999", "p. 45")]
    assert [(w.key, loc, rule) for w, loc, rule in
            suggest_works("Gabriel Gorodetsky", works, cited)] == \
        [("gorodetsky1999", "p. 45", "rule:citation")]
    assert [(w.key, rule) for w, _, rule in suggest_works("Gorodetsky", works)] == \
        [("gorodetsky1986", "rule:author-match"), ("gorodetsky1999", "rule:author-match")]


# Words of a register's notes and an editor's notes that name no author, each with the year
# of an event or a title (the forms found in the EHRI registers and Curious Travellers'
# notes): '(Mar-Jul 1944)' a date, 'SS-Hauptsturmführer (1942)' a rank, 'the Red Cross
# (1944)', 'his Secretary (1664)', 'The New Monk (1798)' a body, a person and a title, and a
# name of the register's places and organisations ('in Hungary', 'Hlinka Guard').
REGISTER_PLACES = frozenset({"hungary", "hlinka guard", "international committee of red cross"})


@pytest.mark.parametrize("text", [
    "Organised the deportation of the Jews (Mar-Jul 1944).",
    "Was an SS-Hauptsturmführer (1942) and close aide.",
    "Served with the International Committee of the Red Cross (1944).",
    "A portrait of the Earl and his Secretary (1664), attributed to a Dutch painter.",
    "A character in The New Monk (1798), a parody.",
    "From Dover to the Isle of Wight (1801), p. 166.",
    "Named Righteous Among the Nations (1965) by Yad Vashem.",
    "Hungarista Mozgalom\n\n(1935) 1939-1945",
    "Joined the commando in Hungary (1944).",
    "Main Commander of Hlinka Guard (1939).",
    "Sentenced in (Hungary 1944).",
])
def test_claims_years_of_places_bodies_titles_and_ranks_are_no_citations(text):
    """A capitalised word and a year were a citation whatever they named: the EHRI
    registers gave 'Hungary 1944', 'Guard 1939', 'Cross 1944', 'SS-Hauptsturmführer 1942',
    'Mar-Jul 1944' as citations, with no work of the bibliography by that name."""
    assert citations(text, (), REGISTER_PLACES) == []


@pytest.mark.parametrize(("text", "found"), [
    # a work of the bibliography by that name and year: always a citation
    ("Served with the Red Cross (1944).", [("Cross", "1944", "")]),
    ("Joined the commando in Hungary (1944).", [("Hungary", "1944", "")]),
])
def test_claims_a_name_and_year_of_a_work_is_always_a_citation(text, found):
    known = {("cross", 1944), ("hungary", 1944)}
    assert [(n, y, loc) for _, _, n, y, loc in citations(text, known, REGISTER_PLACES)] == found


@pytest.mark.parametrize(("text", "found"), [
    ("Alexander Nekrich (1997) argues so.", [("Nekrich", "1997", "")]),
    ("The work of Nekrich (1997) shows it.", [("Nekrich", "1997", "")]),
    ("The Smith (1999) study found it.", [("Smith", "1999", "")]),
    ("In his book, Nekrich (1997, p. 12) says so.", [("Nekrich", "1997", "p. 12")]),
    ("This is discussed in Gorodetsky (1999, p. 45).", [("Gorodetsky", "1999", "p. 45")]),
    ("As Smith and Jones (2001) showed, it held.", [("Smith", "2001", "")]),
    ("It held (Smith, 2001, p. 4).", [("Smith", "2001", "p. 4")]),
    ("It held (Lévi-Strauss 1955).", [("Lévi-Strauss", "1955", "")]),
    ("Later Mazower (2008) showed it.", [("Mazower", "2008", "")]),
])
def test_claims_citations_no_work_matches_are_kept_where_they_name_an_author(text, found):
    """The rules that take places, bodies and titles out leave an author's name alone, with
    the register's places given and no bibliography."""
    assert [(n, y, loc) for _, _, n, y, loc in citations(text, (), REGISTER_PLACES)] == found


def test_claims_propose_takes_no_register_place_for_a_citation(ws, nlp, tmp_path):
    """Through a real run: the register's organisations (EHRI's, a real file) make 'Hlinka
    Guard (1939)' no citation, so the claim is no 'citation: Guard 1939' attributed to
    'Guard'; 'Gorodetsky (1999)' in the same note still is one."""
    ws.add(DATA / "editions" / "ehri" / "EHRI_index_organizations.xml")
    note = tmp_path / "notes.txt"
    note.write_text("Notes\n\nHe was the main commander of Hlinka Guard (1939) and was sentenced "
                    "to 25 years in 1947.\n\nThe guard was disbanded in 1945, as Gorodetsky "
                    "(1999) shows.\n", encoding="utf-8")
    ws.add(note)
    ws.propose_claims(["notes"], nlp=nlp)
    text = ws.reading_text("notes")
    assert sorted((text[c.start:c.start + 12], c.cue, c.agent)
                  for c in ws.claims(source_id="notes")) == [
        ("He was the m", "date: 1939", ""),
        ("The guard wa", "citation: Gorodetsky 1999", "Gorodetsky")]


def _bib(tmp_path, name, *works):
    """A .bib file of books (key, surname, year) each."""
    path = tmp_path / name
    path.write_text("".join(f"@book{{{key},\n  author = {{{who}, A.}},\n  title = {{On the "
                            f"Pact}},\n  year = {{{year}}},\n}}\n" for key, who, year in works),
                    encoding="utf-8")
    return path


REVIEW = ("Review\n\nThe pact was a mistake, as Nekrich (1999) argues.\n\n"
          "The talks failed in November, as Gorodetsky (1999) argues.\n\n"
          "The ministers met again in Moscow, as Israelyan (2003) argues.\n")


def _links_by_claim(ws, sid):
    text = ws.reading_text(sid)
    return {text[c.start:c.start + 16]: sorted((ln.bib_key, ln.status, ln.provenance)
                                               for ln in c.links)
            for c in ws.claims(source_id=sid, state="proposed,confirmed,rejected")}


def test_claims_propose_again_withdraws_suggestions_it_no_longer_makes(ws, nlp, tmp_path):
    """A run after the bibliography changed replaces the finder's own undecided suggestions:
    'Nekrich (1999)' pointed to his book of 1997 (not of the cited year) until a work of 1999
    came in; then the 1997 one goes (was: it stayed until an editor unlinked it). A link an
    editor accepted or rejected stays as it is, and so does a confirmed claim."""
    ws.bib_add(_bib(tmp_path, "old.bib", ("nekrich1997", "Nekrich", 1997),
                    ("gorodetsky1986", "Gorodetsky", 1986), ("israelyan1990", "Israelyan", 1990)))
    note = tmp_path / "review.txt"
    note.write_text(REVIEW, encoding="utf-8")
    ws.add(note)
    ws.propose_claims(["review"], nlp=nlp)
    other = "rule:citation-other-year"
    assert _links_by_claim(ws, "review") == {
        "The pact was a m": [("nekrich1997", "suggested", other)],
        "The talks failed": [("gorodetsky1986", "suggested", other)],
        "The ministers me": [("israelyan1990", "suggested", other)]}
    claims = {ws.reading_text("review")[c.start:c.start + 16]: c for c in ws.claims()}
    ws.accept_link(claims["The talks failed"].links[0].id)  # confirms the claim too
    ws.unlink(claims["The ministers me"].links[0].id)  # kept as rejected
    decisions = len(ws.history())
    ws.bib_add(_bib(tmp_path, "new.bib", ("nekrich1999", "Nekrich", 1999),
                    ("gorodetsky1999", "Gorodetsky", 1999), ("israelyan2003", "Israelyan", 2003)))
    result = run(ws, "claims", "propose", "review")
    assert result.exit_code == 0, result.output
    assert "claim proposals: none new; no longer found, withdrawn: 1 suggested links" in \
        result.stderr
    assert _links_by_claim(ws, "review") == {
        "The pact was a m": [("nekrich1999", "suggested", "rule:citation")],
        "The talks failed": [("gorodetsky1986", "confirmed", other)],
        "The ministers me": [("israelyan1990", "rejected", other),
                             ("israelyan2003", "suggested", "rule:citation")]}
    assert len(ws.history()) == decisions + 1  # the bib add; a run is no act to undo


def test_claims_propose_again_withdraws_proposals_it_no_longer_makes(ws, nlp, tmp_path):
    """Proposals an earlier finder made that this one does not make (here written as an
    earlier version of the rules left them: on the heading, and on the last words) are
    removed by the next run with their suggestions; one whose agent an editor set stays,
    with what the editor gave it (was: both stayed, and a refresh overwrote an agent an
    editor had set on a proposal)."""
    from annotator.store import claims as rows_of

    ws.bib_add(REFERENCES)
    note = tmp_path / "review.txt"
    note.write_text(REVIEW, encoding="utf-8")
    src = ws.add(note).source
    ws.propose_claims(["review"], nlp=nlp)
    text = ws.reading_text("review")
    made = {c.id for c in ws.claims(source_id="review")}
    nek = text.index("The pact")
    old = []
    with ws.store.transaction() as conn:
        for start, end in ((0, 6), (nek, nek + 8), (text.index("Moscow"), len(text.rstrip()))):
            old.append(rows_of.insert_proposal(conn, "review", src.sha256, start, end,
                                               "attributed", "Nekrich", None, "verb: old",
                                               "rule:claims@old", "2026-01-01T00:00:00Z"))
            rows_of.suggest_work(conn, old[-1], "nekrich1997", "", "rule:author-match")
    ws.set_claim_agent(old[1], "Alexander Nekrich")
    gorodetsky = next(c.id for c in ws.claims(source_id="review") if c.agent == "Gorodetsky")
    ws.set_claim_agent(gorodetsky, "Gabriel Gorodetsky")
    report = ws.propose_claims(["review"], nlp=nlp)
    left = {c.id: c for c in ws.claims(source_id="review")}
    assert set(left) == made | {old[1]}
    assert (left[old[1]].agent, left[old[1]].cue) == ("Alexander Nekrich", "verb: old")
    assert (left[gorodetsky].agent, left[gorodetsky].state) == ("Gabriel Gorodetsky", "proposed")
    assert (report.withdrawn, report.new) == (2, ())


CF_REVIEW = ("Trade expanded (cf. Roberts 2006, 12). Prices rose sharply (Roberts 2006, "
             "pp. 12-14). Stalin waited (cf. Gorodetsky 1999, p. 45).")


def test_claims_a_citation_inside_its_claim_is_never_cut_at_its_abbreviations(ws, nlp,
                                                                              tmp_path):
    """The review's paragraph: spaCy ends a sentence at 'cf.', so the claim was 'Trade
    expanded (cf.' and 'Roberts 2006, 12).' belonged to no claim; each sentence is one claim
    now, with its citation and the work it suggests."""
    assert [(r.text, [(ln.bib_key, ln.locus) for ln in r.links])
            for r in _review_claims(ws, nlp, tmp_path, CF_REVIEW, ROBERTS_BIB)] == [
        ("Trade expanded (cf. Roberts 2006, 12).", [("roberts2006", "p. 12")]),
        ("Prices rose sharply (Roberts 2006, pp. 12-14).", [("roberts2006", "pp. 12-14")]),
        ("Stalin waited (cf. Gorodetsky 1999, p. 45).", [("gorodetsky1999", "p. 45")])]


@pytest.mark.parametrize(("text", "units"), [
    # spaCy ends a sentence at each of these abbreviations
    ("He wrote (Roberts 2006, n. 3). It rained (Smith ed. 1990, vol. 2, p. 4). Mr. Smith said "
     "so.", ["He wrote (Roberts 2006, n. 3).", "It rained (Smith ed. 1990, vol. 2, p. 4).",
             "Mr. Smith said so."]),
    ("Trade expanded, cf. Roberts on this point. Prices rose.",
     ["Trade expanded, cf. Roberts on this point.", "Prices rose."]),
    ("The figures are on pp. 12-14 of the report. The data appear in vol. 2 of the series.",
     ["The figures are on pp. 12-14 of the report.",
      "The data appear in vol. 2 of the series."]),
    ("See Roberts, Trade, ed. Smith, ch. 4 on this. The passage is at fol. 3r of the "
     "manuscript.", ["See Roberts, Trade, ed. Smith, ch. 4 on this.",
                     "The passage is at fol. 3r of the manuscript."]),
    # a bracket runs on to its close, within its block, not past a blank line
    ("The following have returned: my brother Hans (Hans asks whether they still have his "
     "things. All of them are dead.) Then it rained.",
     ["The following have returned: my brother Hans (Hans asks whether they still have his "
      "things. All of them are dead.)", "Then it rained."]),
    ("The ships sailed (late. They were slow.\n\nThen it rained.",
     ["The ships sailed (late.", "They were slow.", "Then it rained."]),
    # a sentence may end at these: before a capital they end one
    ("This was shown by Smith et al. The ships sailed.",
     ["This was shown by Smith et al.", "The ships sailed."]),
    ("He said no. Then he left.", ["He said no.", "Then he left."]),
    ("See ibid. The next point is clear.", ["See ibid.", "The next point is clear."]),
])
def test_claims_units_end_neither_in_a_bracket_nor_at_a_citations_abbreviation(nlp, text,
                                                                                units):
    from annotator.nlp.claim_finder import claim_units

    doc = nlp(text)
    assert [doc[s:e].text.strip() for s, e in claim_units(doc)] == units


@pytest.mark.parametrize(("text", "locus"), [
    ("(Roberts 2006, 12, 15)", "pp. 12, 15"),
    ("(Roberts 2006, pp. 12, 15)", "pp. 12, 15"),
    ("(Roberts 2006, p. 12, n. 3)", "p. 12, n. 3"),
    ("(Roberts 2006, 12, n. 3)", "p. 12, n. 3"),
    ("(Roberts 2006, n. 3)", "n. 3"),
    ("(Roberts 2006, pp. 12 and 15)", "pp. 12 and 15"),
    ("(Roberts 2006, 12 and 15)", "pp. 12 and 15"),
    ("(Roberts 2006, fol. 3r)", "fol. 3r"),
    ("(Roberts 2006, col. 4)", "col. 4"),
    ("(Roberts 2006, § 5)", "§ 5"),
    ("(Roberts 2006, chap. 2)", "chap. 2"),
    ("(Roberts 2006, vol. 2, p. 4)", "vol. 2, p. 4"),
    ("(Roberts 2006, vol. II, p. 4)", "vol. II, p. 4"),
    ("(Roberts 2006, 12f.)", "pp. 12f."),
    ("(Roberts 2006, 12 ff.)", "pp. 12 ff."),
    ("Roberts (2006, p. 12, n. 3) argues", "p. 12, n. 3"),
    # a locus that cannot be read: the citation without it
    ("(Roberts 2006, passim)", ""),
    ("(Roberts 2006, esp. the preface)", ""),
    ("(Roberts 2006: s.v. Moscow)", ""),
])
def test_claims_a_citation_is_found_whatever_its_locus(text, locus):
    """Only a locus of one label and one number, or of bare pages, made a citation: with
    any other, the citation was lost, not only its locus."""
    assert [(n, y, loc) for _, _, n, y, loc in citations(f"Trade grew {text}.")] == \
        [("Roberts", "2006", locus)]


@pytest.mark.parametrize(("text", "known"), [
    ("(Roberts 2006, 12 divisions)", []),
    ("(Berlin 1936, the Games)", [("Berlin", "1936", "")]),
    ("(London 1851, 3rd ed.)", [("London", "1851", "")]),
    ("Churchill (1940, the year of the Blitz) spoke.", [("Churchill", "1940", "")]),
])
def test_claims_words_after_a_year_that_are_no_locus_make_no_citation(text, known):
    """A count, or words no locus begins with, after a name and a year no work has: no
    citation. Of a known work, a citation without a locus, unless the words are a count."""
    assert citations(f"The line held {text}.") == []
    works = {("roberts", 2006), ("berlin", 1936), ("london", 1851), ("churchill", 1940)}
    assert [(n, y, loc) for _, _, n, y, loc in citations(f"The line held {text}.", works)] \
        == known


def test_undo_of_a_register_import_gives_the_finders_claims_the_agent_it_finds_now(ws, tmp_path):
    """A proposed claim whose agent the finder linked to a register entry gets, when an undo
    takes the entry away, the agent entity the finder gives its name now (the proposed entity
    the import had merged into the entry, back), and the entry again on a redo (was: left on
    no entity by the schema's SET NULL, unlogged, and still on none after the redo)."""
    (tmp_path / "reg.xml").write_text(
        '<listPerson xmlns="http://www.tei-c.org/ns/1.0"><person xml:id="darwin"><persName>'
        "Charles Darwin</persName></person></listPerson>", encoding="utf-8")
    (tmp_path / "t.txt").write_text("Charles Darwin argued that species change over time.\n",
                                    encoding="utf-8")
    ws.add(tmp_path / "t.txt")
    ws.propose()
    assert "person-charles-darwin" in {e.id for e in ws.entities()}
    imported = ws.import_register(tmp_path / "reg.xml")
    ws.propose_claims()

    def agents():
        return {(c.agent, c.agent_entity_id) for c in ws.claims()}

    assert agents() == {("Charles Darwin", "darwin")}
    undone = ws.undo(imported.decision_id)
    assert agents() == {("Charles Darwin", "person-charles-darwin")}
    ws.undo(undone.id)
    assert agents() == {("Charles Darwin", "darwin")}


def test_claims_cli_accept_notes_a_link_id_that_is_also_a_claim_with_suggestions(proposed_ws):
    """'claim accept N' takes link ids; where N is also a claim with suggested links of its
    own, the command says whose link it accepted and how to accept that claim's (was: claim
    N's suggestions silently stayed, link N of another claim accepted)."""
    ws = proposed_ws
    nek = _starting(ws.claims(), NEKRICH)
    link = nek.links[0]
    other = next(c for c in ws.claims() if c.id == link.id)  # claim N beside link N
    assert other.id != nek.id and not other.links
    with ws.store.transaction() as conn:  # a suggestion of claim N's own, as propose makes
        own = conn.execute("INSERT INTO links (claim_id, bib_key, rel, locus, status, provenance)"
                           " VALUES (?, 'israelyan2003', 'supports', '', 'suggested', "
                           "'rule:citation')", (other.id,)).lastrowid
    result = run(ws, "claim", "accept", str(link.id))
    assert result.exit_code == 0, result.output
    assert f"note: {link.id} is link {link.id}, of claim {nek.id}" in result.stderr
    assert f"'annotator claim accept {own}'" in result.stderr
    result = run(ws, "claim", "accept", str(own))  # claim N's own: no note
    assert result.exit_code == 0 and "note:" not in result.stderr
