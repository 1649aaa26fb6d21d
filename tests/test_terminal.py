"""The terminal review, driven through a pseudo-terminal with real key presses."""

from __future__ import annotations

import os
import sys

import pexpect
import pytest

from tests.conftest import ROOT

STALIN = """<listPerson xmlns="http://www.tei-c.org/ns/1.0">
  <person xml:id="person-joseph-stalin"><persName>Joseph Stalin</persName>
    <idno type="wikidata">Q855</idno></person>
</listPerson>"""


@pytest.fixture
def proposed_ws(seed_ws, tmp_path):
    seed_ws.settings = seed_ws.settings.with_overrides(org_threshold=0.0)  # "Axis" as an org
    seed_ws.propose()
    reg = tmp_path / "stalin.xml"
    reg.write_text(STALIN, encoding="utf-8")
    seed_ws.import_register(reg)
    return seed_ws


def _review(ws) -> pexpect.spawn:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color",
           "ANNOTATOR_EDITOR": "keys"}
    child = pexpect.spawn(sys.executable, ["-m", "annotator", "-w", str(ws.root), "review"],
                          env=env, encoding="utf-8", timeout=30, dimensions=(50, 140))
    return child


def _finish(child: pexpect.spawn) -> None:
    """The review has ended: its output is read to the end and it exited 0."""
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def _status(ws, entity_id):
    return ws.entity(entity_id).status


def test_terminal_review_keys_decide_and_resume(proposed_ws):
    ws = proposed_ws
    child = _review(ws)
    child.expect("PERSON")
    child.expect(r"Adolf Hitler")
    child.expect(r"\[\[(Adolf )?Hitler\]\]")  # a mention in context, highlighted
    child.expect("a accept")
    child.send("a")
    child.expect("accepted Adolf Hitler as person")
    child.expect("Soviet Union")
    child.send("s")
    child.expect("skipped Soviet Union")
    child.expect("Joachim von Ribbentrop")
    child.send("x")
    child.expect("rejected Joachim von Ribbentrop")
    child.expect("Vyacheslav Molotov")
    child.send("u")
    child.expect("undid decision")
    child.expect("Joachim von Ribbentrop")
    child.send("a")
    child.expect("Vyacheslav Molotov")
    child.send("t")
    child.expect("new type")
    child.send("l")
    child.expect("accepted Vyacheslav Molotov as place")
    child.send("u")
    child.expect("undid decision")
    child.expect("PERSON")
    child.expect("Vyacheslav Molotov")
    child.send("?")
    child.expect("keys: a accept")
    child.send("q")
    child.expect("Stopped")
    _finish(child)
    assert _status(ws, "person-adolf-hitler") == "confirmed"
    assert _status(ws, "person-joachim-von-ribbentrop") == "confirmed"
    assert ws.entity("person-vyacheslav-molotov").type == "person"
    assert _status(ws, "person-vyacheslav-molotov") == "proposed"
    assert [d.act for d in ws.history(limit=7)] == ["undo", "relabel", "confirm", "undo",
                                                    "reject", "skip", "confirm"]
    assert {d.editor for d in ws.history(limit=7)} == {"keys"}
    assert ws.queue()[0] == "place-soviet-union"  # another editor's queue: skips are personal
    ws.settings = ws.settings.with_overrides(editor="keys")
    queue = ws.queue()
    assert queue[0] == "person-vyacheslav-molotov" and queue[-1] == "place-soviet-union"

    child = _review(ws)  # a new session resumes where the editor left off
    child.expect("Vyacheslav Molotov")
    child.send("a")
    child.expect("Axis")
    child.send("x")
    child.expect("rejected Axis as org")
    child.expect(r"PERSON .{0,20}Stalin")
    child.expect("register match 1: Joseph Stalin")
    child.send("m")
    child.expect("merged Stalin into Joseph Stalin")
    child.send("q")
    _finish(child)
    stalin = ws.entity("person-joseph-stalin")
    assert (stalin.status, stalin.mentions) == ("confirmed", 4)
    assert {m.status for m in ws.mentions() if m.entity_id == "person-joseph-stalin"} \
        == {"confirmed"}
    assert "person-stalin" not in {e.id for e in ws.entities()}


def test_terminal_review_empty_queue_says_so(ws):
    child = _review(ws)
    child.expect("Nothing left to review")
    _finish(child)


def test_terminal_review_rejects_one_mention_and_undoes_a_skip(proposed_ws):
    ws = proposed_ws
    cand = ws.candidate("person-adolf-hitler")
    first, second = cand.contexts[0], cand.contexts[1]
    child = _review(ws)
    child.expect("Adolf Hitler")
    child.expect("r 1-3 reject that mention only")
    child.send("r")
    child.expect("reject which mention")
    child.send("9")
    child.expect("no mention rejected")
    child.send("r")
    child.expect("reject which mention")
    child.send("2")
    child.expect(f"rejected the mention '{second.text}' at {second.source_id}:{second.start}")
    child.expect(r"PERSON .{0,20}Adolf Hitler")  # the entity is still to decide
    child.send("s")
    child.expect("skipped Adolf Hitler")
    child.expect("Soviet Union")
    child.send("u")
    child.expect(r"undid decision \d+ \(skip\): back in its place in the queue")
    child.expect(r"PERSON .{0,20}Adolf Hitler")
    child.send("q")
    _finish(child)
    assert ws.mention(second.mention_id).status == "rejected"
    assert ws.mention(first.mention_id).status == "proposed"
    assert ws.entity("person-adolf-hitler").status == "proposed"
    ws.settings = ws.settings.with_overrides(editor="keys")
    assert ws.queue()[0] == "person-adolf-hitler"  # the undone skip no longer counts
    assert [d.act for d in ws.history(limit=3)] == ["undo", "skip", "reject"]
    assert ws.history(limit=3)[2].target == f"mention:{second.mention_id}"
