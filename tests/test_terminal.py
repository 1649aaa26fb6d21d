"""The full-screen terminal review (Textual), driven through a real pseudo-terminal with real
key presses; the store is checked after every act."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time

import pexpect
import pytest

from tests.conftest import ROOT, SEED_TXT
from tests.review_seed import KNOWN, known_entity, propose_by_names

NOTES = "axis-notes"  # a second source naming the same people


@pytest.fixture
def two_sources(seed_ws, tmp_path):
    copy = tmp_path / f"{NOTES}.txt"
    shutil.copyfile(SEED_TXT, copy)
    seed_ws.add(copy)
    propose_by_names(seed_ws)
    propose_by_names(seed_ws, NOTES)
    return seed_ws


def _review(ws) -> pexpect.spawn:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color",
           "ANNOTATOR_EDITOR": "keys"}
    return pexpect.spawn(sys.executable, ["-m", "annotator", "-w", str(ws.root), "review"],
                         env=env, encoding="utf-8", timeout=60, dimensions=(45, 150))


def _until(check, what: str, child: pexpect.spawn, timeout: float = 60.0) -> None:
    """Wait until the store shows the act (the app commits it when it handles the key)."""
    end = time.monotonic() + timeout
    seen = ""
    while time.monotonic() < end:
        try:
            seen = (seen + child.read_nonblocking(100000, timeout=0.2))[-4000:]
        except (pexpect.TIMEOUT, pexpect.EOF):
            pass
        if check():
            time.sleep(1.0)  # the act is in the store; let the screen redraw before more keys
            return
    screen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", " ", seen)
    raise AssertionError(f"the store never showed: {what}; the screen ended with: {screen}")


def _mentions(ws, entity_id):
    return [m for m in ws.mentions() if m.entity_id == entity_id]


def test_terminal_review_accept_reject_here_merge_split_undo(two_sources):
    ws = two_sources
    child = _review(ws)
    child.expect("left of")  # the counts line: the screen is drawn
    child.expect("accept")  # the footer's keys

    first = ws.queue()[0]
    child.send("a")
    _until(lambda: ws.entity(first).status == "confirmed", f"{first} confirmed", child)

    # h: not in this source. The highlighted mention is the first listed (one per source
    # first, sources in order): all of the entity's mentions there are rejected, no others.
    second = ws.queue()[0]
    here = ws.candidate(second, limit=None).contexts[0].source_id
    child.send("h")
    _until(lambda: all(m.status == "rejected" for m in _mentions(ws, second)
                       if m.source_id == here), f"{second} rejected in {here}", child)
    elsewhere = [m for m in _mentions(ws, second) if m.source_id != here]
    assert elsewhere and all(m.status == "proposed" for m in elsewhere)
    assert ws.entity(second).status == "proposed"
    # kept as a rejection of its names in that source only: not proposed there again
    scoped = ws.store.query("SELECT source_id, type FROM source_rejections")
    assert scoped and {tuple(r) for r in scoped} == {(here, ws.entity(second).type)}
    assert ws.store.query("SELECT * FROM rejections") == []

    # m: merge by type-ahead search into a *proposed* entity of its type (the list offers no
    # other: a merge across types is refused, D032), one whose whole name is one hit
    current = ws.queue()[0]
    kin = [e for e in ws.entities(type=ws.entity(current).type) if e.id != current]
    into = next(e.id for e in kin if e.status == "proposed" and not any(
        e.preferred.casefold() in " ".join((o.id, o.preferred, *o.variants)).casefold()
        for o in kin if o.id != e.id))
    moved = {m.id for m in _mentions(ws, current)}
    assert ws.entity(into).status == "proposed"
    child.send("m")
    child.expect("merge into")
    child.send(ws.entity(into).preferred)  # the whole name: one hit, whatever the load
    time.sleep(2.0)
    child.send("\r")
    _until(lambda: moved <= {m.id for m in _mentions(ws, into)}, f"merged into {into}", child)

    # space picks mentions, p splits them off to a new entity
    current = ws.queue()[0]
    listed = sorted(ws.candidate(current, limit=None).contexts,
                    key=lambda c: c.status == "rejected")  # as the screen lists them
    assert len(listed) >= 3 and all(c.status == "proposed" for c in listed[:3])
    picked = {listed[0].mention_id, listed[2].mention_id}
    for key in (" ", "\x1b[B", "\x1b[B", " ", "p"):  # pick, down, down, pick, split
        child.send(key)
        time.sleep(0.6)
    _until(lambda: {ws.mention(i).entity_id for i in picked} - {current}, "split", child)
    new = {ws.mention(i).entity_id for i in picked}
    assert len(new) == 1 and current not in new
    assert all(ws.mention(c.mention_id).entity_id == current for c in listed
               if c.mention_id not in picked)

    # u undoes the split
    child.send("u")
    _until(lambda: {ws.mention(i).entity_id for i in picked} == {current}, "split undone",
           child)
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_terminal_review_marks_a_rejected_mention_and_counts_follow(two_sources):
    ws = two_sources
    child = _review(ws)
    child.expect("left of")
    first = ws.queue()[0]
    total = len(ws.queue())
    child.expect(f"{total} left of {total}")
    target = ws.candidate(first, limit=None).contexts[0].mention_id
    child.send("r")
    _until(lambda: ws.mention(target).status == "rejected", "mention rejected", child)
    child.expect("rejected")  # the mention stays listed, marked
    child.send("a")
    child.expect(f"{total - 1} left of {total}")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_terminal_review_empty_queue_says_so(ws):
    child = _review(ws)
    child.expect("Nothing left to review")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_review_help_does_not_import_textual():
    code = ("import sys, runpy; sys.argv=['annotator','review','--help']\n"
            "try:\n    runpy.run_module('annotator', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "assert 'textual' not in sys.modules, 'textual imported'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True)


def _screen(child: pexpect.spawn, *texts: str, timeout: float = 60.0) -> str:
    """The screen's text (escapes taken out) once it shows every one of ``texts``."""
    end = time.monotonic() + timeout
    seen = ""
    while time.monotonic() < end:
        try:
            seen += child.read_nonblocking(100000, timeout=0.2)
        except (pexpect.TIMEOUT, pexpect.EOF):
            pass
        plain = re.sub(r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|[PX^_][^\x1b]*\x1b\\|\][^\x07]*\x07|.)",
                       "", seen)
        if all(t in plain for t in texts):
            return plain
    raise AssertionError(f"the screen never showed {texts}: {plain[-3000:]}")


# the NKVD written again, unmarked: a new mention of the entity the edition pointed to, which
# brings that known entity to the queue for it
MARKED_LATER = ("<p>He left Berlin on 14 November 1940, and wrote again on the 20th. The NKVD "
                "had come.</p>")


def test_terminal_review_shows_the_sources_own_ref_and_date_reasons(ws, tmp_path):
    """The edition's own @ref of a candidate as the source writes it ("NKVD" pointed to
    #nowhere, which no register has; known, the edition's, it comes to the queue for the
    "NKVD" the text writes again), and each proposed date's value with its reason."""
    from tests.conftest import DATA

    letter = tmp_path / "marked.xml"
    letter.write_text((DATA / "marked.xml").read_text(encoding="utf-8").replace(
        '<p>Dated <date when="1940-13-40">a day that never was</date>.</p>', MARKED_LATER),
        encoding="utf-8")
    ws.add(letter)
    ws.propose()
    for eid in ws.queue():  # leave only the candidate the edition pointed to
        if eid != "nowhere":
            ws.reject(eid)
    assert ws.queue() == ["nowhere"]
    dates = [m for m in ws.mentions("marked", types=["date"]) if m.status == "proposed"]
    date = max(dates, key=lambda m: len(m.date_reason))  # "on the 20th": an inferred one
    assert date.date_value and date.date_reason
    child = _review(ws)
    value = " ".join(f"{k}={v}" for k, v in date.date_value)
    # the known entity's card: the edition's pointer, and the mention to decide (its marked
    # one is decided: the edition's)
    _screen(child, "the source's own @ref #nowhere", "had come",
            f"{date.surface} = {value}", date.date_reason[:40])
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()


def _matches_lines(app) -> list[str]:
    from textual.widgets import Static

    return str(app.query_one("#matches", Static).content).splitlines()


def test_terminal_review_lists_merge_suggestions_surest_first_and_shift_m_merges_here(
        seed_ws):
    """Another file's bare 'Hitler' beside 'Adolf Hitler' and the register's 'Alois Hitler':
    the card of 'Hitler' says it is maybe the same as each, the surer first (a shared written
    form before a family name, though Alois Hitler is confirmed), every suggestion before the
    register matches, with the name and id each way keeps; m lists them first; M then Enter
    folds the surest into this card's entity, which keeps its id and stays on screen.
    A real Textual app driven by its pilot, the store checked after the act."""
    import asyncio

    from annotator.cli.review_app import MergeScreen, ReviewApp

    ws = seed_ws
    propose_by_names(ws)
    propose_by_names(ws, candidates={"hitler": ("person", ["Hitler"]),
                                     "person-alois-hitler": ("person", ["Alois Hitler"])})
    ws.store.conn.execute("BEGIN IMMEDIATE")  # another file's mention of the bare name
    ws.store.conn.execute("UPDATE mentions SET entity_id = 'hitler' WHERE id = (SELECT MAX(id) "
                          "FROM mentions WHERE entity_id = 'person-adolf-hitler')")
    ws.store.conn.execute("INSERT INTO entities (id, type, preferred, status, created_at) "
                          "VALUES ('person-alois-hitler', 'person', 'Alois Hitler', "
                          "'confirmed', '2026-01-01T00:00:00Z') ON CONFLICT DO UPDATE SET "
                          "status = 'confirmed'")
    ws.store.conn.execute("INSERT OR IGNORE INTO variants (entity_id, surface, key) VALUES "
                          "('person-alois-hitler', 'Alois Hitler', 'alois hitler')")
    ws.store.conn.execute("COMMIT")
    for eid in ws.queue():  # the bare 'Hitler' first
        if eid != "hitler":
            ws.skip(eid)
    assert ws.queue()[0] == "hitler"

    async def drive() -> None:
        app = ReviewApp(ws)
        async with app.run_test(size=(200, 50)) as pilot:
            await pilot.pause()
            lines = _matches_lines(app)
            said = [ln for ln in lines if ln.startswith("maybe the same as")]
            assert said == [
                "maybe the same as Adolf Hitler (proposed, person-adolf-hitler): both written "
                "\u201cHitler\u201d \u2014 m merges into it, keeps Adolf Hitler "
                "(person-adolf-hitler) \u00b7 M the other way, keeps Hitler (hitler)",
                "maybe the same as Alois Hitler (confirmed, person-alois-hitler): \u201cHitler"
                "\u201d is the family name of \u201cAlois Hitler\u201d \u2014 m merges into it, "
                "keeps Alois Hitler (person-alois-hitler) \u00b7 M the other way, keeps Hitler "
                "(hitler)"]
            assert lines[:2] == said  # before any register match
            assert any(ln.startswith("register match: Alois Hitler") for ln in lines[2:])
            # m: the suggestions first in the list, the surest highlighted
            await pilot.press("m")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, MergeScreen)
            assert [e.id for e in screen.entities[:2]] == ["person-adolf-hitler",
                                                           "person-alois-hitler"]
            await pilot.press("escape")
            await pilot.pause()
            # M then Enter: Adolf Hitler folds into this card's Hitler
            await pilot.press("M")
            await pilot.pause()
            assert isinstance(app.screen, MergeScreen)
            assert "keeps its id" in str(app.screen.query_one("#ask").content)
            await pilot.press("enter")
            await pilot.pause()
            assert app.cand is not None and app.cand.entity.id == "hitler"
            await pilot.press("q")

    asyncio.run(drive())
    assert ws.history(limit=1)[0].act == "merge"
    # the entity kept is named anew among both's mentions: the fullest name
    assert ws.entity("hitler").preferred == "Adolf Hitler"
    assert "Hitler" in ws.entity("hitler").variants
    assert not [e for e in ws.entities(counts=False) if e.id == "person-adolf-hitler"]


def test_terminal_review_undo_refuses_when_its_newest_cannot_be_taken_back(seed_ws):
    """u, like a plain `annotator undo`, takes back the newest of the session's decisions only:
    one changed since from elsewhere is refused (D007) with why and what to do, naming the one
    before it and the command that takes it back, which stays decided (the old u undid it in
    the same press). A real Textual app driven by its pilot."""
    import asyncio

    from textual.widgets import Static

    from annotator.cli.review_app import ReviewApp

    propose_by_names(seed_ws)
    first, second = seed_ws.queue()[:2]

    async def drive() -> None:
        app = ReviewApp(seed_ws)
        async with app.run_test(size=(200, 50)) as pilot:
            await pilot.pause()
            await pilot.press("a")
            await pilot.press("a")
            await pilot.pause()
            later = seed_ws.reject(second)  # another editor, meanwhile
            await pilot.press("u")
            await pilot.pause()
            said = str(app.query_one("#message", Static).content)
            first_id, second_id = app.done
            assert f"undo refused: decision {second_id} (confirm " in said
            assert f"changed since by decision {later.id}; undo {later.id} first; " in said
            assert f"'annotator undo {first_id}' takes it back [D007]" in said
            assert app.done == [first_id, second_id]

    asyncio.run(drive())
    assert seed_ws.entity(first).status == "confirmed"
    assert seed_ws.entity(second).status == "rejected"


def test_terminal_review_says_an_ambiguous_name_could_be_several(ws, tmp_path):
    """A third text's "Hitler" fits both proposed "Hitler"s, so propose joined neither and
    flagged its mention ``ambiguous``: its card says so and names the entities it could be,
    their names escaped as markup (one is written with brackets) and shown as written."""
    import asyncio

    from textual.widgets import Static

    from annotator.cli.review_app import ReviewApp
    from tests.review_seed import ambiguous_hitler_first

    a, b, c = ambiguous_hitler_first(ws, tmp_path, "Hitler [b]")  # rich would read it as markup

    async def drive() -> dict[str, str]:
        app = ReviewApp(ws)
        async with app.run_test(size=(200, 50)) as pilot:
            await pilot.pause()
            cards = {}
            cards["c"] = str(app.query_one("#entity", Static).render())
            await pilot.press("s")  # the next card: a plain entity, no such line
            await pilot.pause()
            cards["next"] = str(app.query_one("#entity", Static).render())
            await pilot.press("q")
            return cards

    cards = asyncio.run(drive())
    line = next(ln for ln in cards["c"].splitlines() if ln.startswith("ambiguous:"))
    assert line.startswith("ambiguous: its name fits several entities equally, none was picked"
                           " · could be: ")
    assert f"Hitler [b] ({a.entity_id})" in line
    assert f"Adolf Hitler ({b.entity_id})" in line
    assert "ambiguous" not in cards["next"]


def test_terminal_review_offers_a_known_entitys_new_mentions(seed_ws, tmp_path):
    """A register entry whose model mentions stay proposed has its own card: it says so,
    x rejects those mentions (the entry stays confirmed), u takes that back, a accepts them;
    t (which would change the entry itself) is not offered and changes nothing."""
    ws = seed_ws
    ids = known_entity(ws, tmp_path)
    ws.confirm("person-adolf-hitler", "place-soviet-union")  # the two with more mentions
    assert ws.queue()[0] == KNOWN
    child = _review(ws)
    _screen(child, "Joachim von Ribbentrop (register entry, confirmed): 9 new mentions proposed",
            "a accepts them, x rejects them (never the entry)")
    last = ws.history()[0].id
    child.send("t")
    _screen(child, "its card decides its new mentions only")
    assert ws.history()[0].id == last
    child.send("x")
    _until(lambda: {ws.mention(i).status for i in ids} == {"rejected"}, "new ones rejected",
           child)
    assert ws.entity(KNOWN).status == "confirmed"
    assert ws.store.query("SELECT * FROM rejections WHERE type = 'person'") == []
    assert KNOWN not in ws.queue()
    child.send("u")
    _until(lambda: {ws.mention(i).status for i in ids} == {"proposed"}, "reject undone", child)
    child.send("a")
    _until(lambda: {ws.mention(i).status for i in ids} == {"confirmed"}, "new ones accepted",
           child)
    assert ws.history()[0].act == "confirm-proposed"
    child.send("q")
    child.expect(pexpect.EOF)


def test_terminal_review_question_mark_shows_the_keys_and_escape_or_question_mark_closes(
        two_sources):
    """'?' shows every key with what it does (Textual's keys panel, as the browser desk's '?'),
    those the footer has no room for too; a real '?' key through the pseudo-terminal shows
    it, and the pilot checks that '?' and Esc close it, and that no act was made."""
    import asyncio

    from annotator.cli.review_app import ReviewApp

    ws = two_sources
    before = ws.history()
    child = _review(ws)
    child.expect("left of")
    _screen(child, "? keys")  # first in the footer, however narrow
    child.send("?")
    _screen(child, "close the keys", "split off picked", "skip")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    async def drive() -> None:
        app = ReviewApp(ws)
        async with app.run_test(size=(150, 45)) as pilot:
            await pilot.pause()
            for close in ("question_mark", "escape"):
                await pilot.press("question_mark")
                await pilot.pause()
                assert len(app.screen.query("HelpPanel")) == 1
                await pilot.press(close)
                await pilot.pause()
                assert not app.screen.query("HelpPanel"), f"{close} left the keys shown"
            await pilot.press("q")

    asyncio.run(drive())
    assert ws.history() == before


def test_terminal_review_without_a_terminal_says_so_and_never_hangs(seed_ws):
    """A pipe or /dev/null is no terminal: one line naming what to use, exit 2, at once (it
    drew escape codes to the pipe and waited for keys until killed)."""
    propose_by_names(seed_ws)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ANNOTATOR_EDITOR": "keys"}
    done = subprocess.run([sys.executable, "-m", "annotator", "-w", str(seed_ws.root), "review"],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.rstrip().endswith("[C022]")
    assert "needs a terminal" in done.stderr and "review --list" in done.stderr
    assert "\x1b" not in done.stderr


def test_terminal_review_list_gives_the_queue_in_its_order(seed_ws):
    from tests.conftest import run

    propose_by_names(seed_ws)
    seed_ws.skip("person-adolf-hitler")
    got = run(seed_ws, "review", "--list", "--format", "json")
    assert got.exit_code == 0, got.output
    rows = json.loads(got.stdout)
    ids = [r["id"] for r in rows]
    assert ids == seed_ws.queue()  # the order the screen takes them, skipped last
    assert ids[-1] == "person-adolf-hitler" and rows[-1]["skipped"] is True
    first = rows[0]
    assert first["to_decide"] == len(_mentions(seed_ws, first["id"]))
    assert first["status"] == "proposed" and "[" in first["context"]
    places = json.loads(run(seed_ws, "review", "--list", "-t", "place", "-f", "json").stdout)
    assert places and {r["type"] for r in places} == {"place"}
