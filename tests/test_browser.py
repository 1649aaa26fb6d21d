"""The review desk driven in headless Chromium, by keyboard, against the real app and store.

Chromium is Debian's ``chromium`` (``.ci/run`` installs it); Playwright drives it through its
``executable_path``. When Chromium is missing these tests fail: they are part of done.
Screenshots go to tests/artifacts/ (not committed).
"""

from __future__ import annotations

import os
import re
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

from annotator.server.run import LocalServer
from tests.conftest import ARTIFACTS, REFERENCES, edition_file, molotov_widened, replaced_letter

CHROMIUM = os.environ.get("ANNOTATOR_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}: apt-get install chromium"
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def desk_ws(seed_ws, nlp):
    """The sample workspace as an editor finds it: entity and claim proposals, the .bib."""
    seed_ws.bib_add(REFERENCES)
    seed_ws.propose()
    seed_ws.propose_claims(nlp=nlp)
    return seed_ws


@pytest.fixture
def desk(desk_ws):
    server = LocalServer(desk_ws, port=0).start()
    yield server
    server.stop()


@pytest.fixture
def page(browser, desk):
    context = browser.new_context(viewport={"width": 1360, "height": 900}, base_url=desk.url)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield pg
    context.close()
    assert errors == [], errors  # no script errors, no CSP violations


@contextmanager
def served_page(browser, ws):
    """A page of the desk served over ``ws``, in a context of its own, and the script errors
    it raises: (page, errors); the server stops after."""
    server = LocalServer(ws, port=0).start()
    context = browser.new_context(viewport={"width": 1200, "height": 800}, base_url=server.url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield page, errors
    finally:
        context.close()
        server.stop()


def shot(pg, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    pg.screenshot(path=str(path), full_page=False)
    return path


def test_browser_reading_view_marks_mentions_and_claims(page, desk_ws):
    page.goto("/")
    page.click("a.title:has-text('German–Soviet Axis talks')")
    page.wait_for_selector("article#text p[data-o]")
    tm = desk_ws.textmap("german-soviet-axis-talks")
    first = page.inner_text("article#text p[data-o='0']")
    assert first == tm.text[:len(first)] and first
    mentions = [m for m in desk_ws.mentions("german-soviet-axis-talks")]
    shown = page.eval_on_selector_all("article#text mark[data-m]",
                                      "els => [...new Set(els.map(e => +e.dataset.m))]")
    assert sorted(shown) == sorted(m.id for m in mentions)
    claims = page.eval_on_selector_all("article#text span[data-c]",
                                       "els => [...new Set(els.map(e => +e.dataset.c))]")
    assert sorted(claims) == sorted(c.id for c in desk_ws.claims())
    # a click on a mark shows its mention in the side panel
    hitler = next(m for m in mentions if m.surface == "Hitler")
    page.click(f"article#text mark[data-m='{hitler.id}']")
    page.wait_for_selector("#panel .quote mark")
    assert page.inner_text("#panel .quote") == "Hitler"
    assert shot(page, "reading-view").stat().st_size > 10_000
    page.keyboard.press("?")  # the keys of this page
    assert page.is_visible("dialog#keys") and "add a mention" in page.inner_text("dialog#keys")
    page.keyboard.press("Escape")
    assert not page.is_visible("dialog#keys")


@pytest.fixture
def claims_ws(seed_ws, nlp):
    seed_ws.bib_add(REFERENCES)
    seed_ws.propose_claims(nlp=nlp)
    return seed_ws


def test_browser_link_nekrich_claim_to_its_work_by_keyboard(browser, claims_ws):
    server = LocalServer(claims_ws, port=0).start()
    context = browser.new_context(viewport={"width": 1360, "height": 900}, base_url=server.url)
    pg = context.new_page()
    try:
        pg.goto("/claims?status=attributed")
        pg.click("a.claim-link:has-text('According to a study by Alexander Nekrich')")
        pg.wait_for_selector("#workform")
        pg.keyboard.press("/")
        pg.keyboard.type("Nekrich")
        pg.wait_for_selector("#bib-hits input[value='nekrich1997']:checked")
        pg.keyboard.press("Tab")  # to the chosen work
        pg.keyboard.press("Tab")  # to the locus
        pg.keyboard.type("p. 214")
        pg.keyboard.press("Enter")
        pg.wait_for_selector(".message.ok")
        shot(pg, "claim-page")
    finally:
        context.close()
        server.stop()
    claim = next(c for c in claims_ws.claims() if c.agent == "Alexander Nekrich")
    assert claim.status == "supported"
    assert [(ln.bib_key, ln.locus, ln.status) for ln in claim.links] == \
        [("nekrich1997", "p. 214", "confirmed")]


REGISTER = """<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>Register</title></titleStmt><publicationStmt><p>edition</p></publicationStmt>
<sourceDesc><p>edition</p></sourceDesc></fileDesc></teiHeader><text><body><listPerson>
<person xml:id="person-molotov"><persName>Vyacheslav Mikhailovich Molotov</persName>
<idno type="wikidata">Q80097</idno></person></listPerson></body></text></TEI>"""
# What the editor decides for each candidate of the seed (the rest is accepted).
POLICY = {"org-soviet-information-bureau": ["x"], "person-vyacheslav-molotov": ["m", "1"],
          "place-baltic": ["t", "o"]}


def _press(pg, *keys):
    """Press keys on the queue and wait until the card has been redrawn by htmx."""
    pg.wait_for_function("document.readyState === 'complete' && window.htmx")
    before = pg.get_attribute(".queue-head", "data-render")
    for k in keys:
        pg.keyboard.press(k)
    pg.wait_for_function("n => document.querySelector('.queue-head') && "
                         "document.querySelector('.queue-head').dataset.render !== n", arg=before)


def test_browser_review_entity_queue_by_keyboard(page, desk_ws, tmp_path):
    reg = tmp_path / "register.xml"
    reg.write_text(REGISTER, encoding="utf-8")
    desk_ws.import_register(reg)
    candidates = desk_ws.queue()
    page.goto("/")
    page.keyboard.press("g")
    page.keyboard.press("q")
    page.wait_for_selector(".card[data-entity]")
    assert page.get_attribute(".card", "data-entity") == candidates[0]
    shot(page, "entity-queue")
    seen: list[str] = []
    undone = skipped = False
    while page.locator(".card[data-entity]").count():
        eid = page.get_attribute(".card", "data-entity")
        seen.append(eid)
        if eid == "place-germany" and not undone:  # accept, think again, undo, accept
            _press(page, "a")
            assert desk_ws.entity(eid).status == "confirmed"
            _press(page, "u")
            assert desk_ws.entity(eid).status == "proposed"
            assert page.get_attribute(".card", "data-entity") == eid
            undone = True
        if eid == "place-india" and not skipped:
            _press(page, "s")
            skipped = True
            continue
        _press(page, *POLICY.get(eid, ["a"]))
    assert page.inner_text(".card.done .name") == "Nothing left to decide."
    assert undone and skipped and seen.count("place-india") == 2
    assert sorted(set(seen)) == sorted(candidates)
    # the store afterwards: every decision as taken, in the decisions log, by this editor
    for eid in candidates:
        keys = POLICY.get(eid, ["a"])
        if keys == ["x"]:
            assert desk_ws.entity(eid).status == "rejected", eid
        elif keys[0] == "m":
            assert [e.id for e in desk_ws.entities() if e.id == eid] == []
        elif keys[0] == "t":
            assert [(e.type, e.status) for e in desk_ws.entities() if e.preferred == "Baltic"] \
                == [("org", "confirmed")]
        else:
            assert desk_ws.entity(eid).status == "confirmed", eid
    molotov = desk_ws.entity("person-molotov")
    # the gold's six: none inside the title "Molotov–Ribbentrop Pact"
    assert "Vyacheslav Molotov" in molotov.variants and molotov.mentions == 6
    assert desk_ws.queue() == []
    acts = [d.act for d in desk_ws.history() if d.editor == "tester"]
    assert {"confirm", "reject", "merge", "relabel", "skip", "undo"} <= set(acts)


def test_browser_two_tabs_act_on_changed_entity_is_refused(browser, desk, desk_ws):
    context = browser.new_context(viewport={"width": 1200, "height": 800}, base_url=desk.url)
    one, two = context.new_page(), context.new_page()
    try:
        for pg in (one, two):
            pg.goto("/queue")
            pg.wait_for_selector(".card[data-entity]")
        eid = one.get_attribute(".card", "data-entity")
        assert two.get_attribute(".card", "data-entity") == eid
        _press(one, "a")
        two.keyboard.press("x")
        two.wait_for_selector("#flash .message.stale")
        assert "changed since you loaded it" in two.inner_text("#flash")
        assert desk_ws.entity(eid).status == "confirmed"
        two.reload()
        assert two.get_attribute(".card", "data-entity") != eid
    finally:
        context.close()


SELECT_JS = """([start, end]) => {
    const walker = document.createTreeWalker(document.getElementById('text'),
                                             NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let node, setStart = false;
    while ((node = walker.nextNode())) {
        const base = window.annotatorDesk.pointOffset(node, 0);
        if (base === null) continue;
        const len = Array.from(node.data).length;
        if (!setStart && start >= base && start < base + len) {
            range.setStart(node, start - base); setStart = true;
        }
        if (setStart && end > base && end <= base + len) { range.setEnd(node, end - base); break; }
    }
    const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
}"""


def _select(pg, start: int, end: int) -> None:
    """Select reading-text offsets start:end as an editor's mouse would: a DOM range."""
    pg.evaluate(SELECT_JS, [start, end])


def test_browser_select_text_adds_a_mention(page, desk_ws):
    sid = "german-soviet-axis-talks"
    text = desk_ws.reading_text(sid)
    start = text.index("Lebensraum")
    page.goto(f"/s/{sid}")
    page.wait_for_selector("article#text p[data-o]")
    _select(page, start, start + len("Lebensraum"))
    page.wait_for_selector("#selbar:not([hidden])")
    assert page.inner_text("#selbar .sel-text") == "“Lebensraum”"
    page.keyboard.press("l")
    page.wait_for_selector("article#text mark.place.confirmed:has-text('Lebensraum')")
    added = [m for m in desk_ws.mentions(sid) if m.start == start]
    assert [(m.end, m.type, m.status) for m in added] == [(start + 10, "place", "confirmed")]



DRAG_JS = """w => {
    const walk = document.createTreeWalker(document.getElementById('text'), NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walk.nextNode())) {
        const i = node.data.indexOf(w);
        if (i < 0) continue;
        const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + w.length);
        const box = r.getBoundingClientRect();
        return [box.left, box.top, box.right, box.bottom];
    }
}"""


def _drag(pg, word: str) -> None:
    """Select ``word`` (its first occurrence, inside one text node) with the mouse: a drag."""
    left, top, right, bottom = pg.evaluate(DRAG_JS, word)
    pg.mouse.move(left + 1, (top + bottom) / 2)
    pg.mouse.down()
    pg.mouse.move(right - 1, (top + bottom) / 2, steps=5)
    pg.mouse.up()


def test_browser_key_right_after_a_drag_marks_the_words_on_screen(page, desk_ws):
    """A word selected, a pause, another dragged over and l pressed at once: the earlier word
    was marked (the bar's form was filled 60 ms after the selection changed), a confirmed
    wrong mention. Now a key reads the selection on screen, and with none marks nothing."""
    sid = "german-soviet-axis-talks"
    text = desk_ws.reading_text(sid)
    page.goto(f"/s/{sid}")
    page.wait_for_function("document.readyState === 'complete' && window.htmx")
    before = {m.id for m in desk_ws.mentions(sid)}
    _drag(page, "nominally")
    page.wait_for_selector("#selbar:not([hidden])")
    _drag(page, "adherent")
    page.keyboard.press("l")
    page.wait_for_selector("#flash .message.ok")
    assert page.inner_text("#flash") == 'Place mention added: "adherent".'
    added = [(m.start, m.end, m.type) for m in desk_ws.mentions(sid) if m.id not in before]
    at = text.index("adherent")
    assert added == [(at, at + len("adherent"), "place")]
    # the selection gone (a click elsewhere, a key), the bar still up: a key marks nothing
    _drag(page, "conference")
    page.wait_for_selector("#selbar:not([hidden])")
    page.evaluate("window.getSelection().removeAllRanges()")
    page.keyboard.press("p")
    page.wait_for_timeout(300)
    assert len(desk_ws.mentions(sid)) == len(before) + 1


def test_browser_select_words_by_keyboard_marks_a_person(page, desk_ws):
    """v selects a word (the text's first, or the open mention's), the arrows move it a word or
    a paragraph, Shift extends it; p marks it through the selection's route, Esc leaves nothing,
    and the selection never goes past either end of the text."""
    sid = "german-soviet-axis-talks"
    text, tm = desk_ws.reading_text(sid), desk_ws.textmap(sid)
    count = len(desk_ws.mentions(sid))
    page.goto(f"/s/{sid}")
    page.wait_for_function("document.readyState === 'complete' && window.htmx")
    selected = "() => window.getSelection().toString()"
    page.keyboard.press("v")
    assert page.evaluate(selected) == "German"  # the heading's first word
    assert page.get_attribute("#text", "class").split()[-1] == "kbd-select"
    page.keyboard.press("ArrowLeft")
    assert page.evaluate(selected) == "German"
    assert "the start of the text" in page.inner_text("#flash")
    page.keyboard.press("ArrowDown")  # the next paragraph's first word
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    start = text.index("Soviet Axis talks occurred")
    assert page.evaluate(selected) == "Soviet Axis"
    assert page.inner_text("#flash").startswith("Selecting “Soviet Axis” (2 words)")
    assert page.inner_text("#selbar .sel-text") == "“Soviet Axis”"
    shot(page, "keyboard-selection")
    page.keyboard.press("p")
    page.wait_for_selector("article#text mark.person.confirmed:has-text('Soviet Axis')")
    added = [(m.start, m.end, m.type, m.status) for m in desk_ws.mentions(sid)
             if m.start == start]
    assert added == [(start, start + len("Soviet Axis"), "person", "confirmed")]
    assert not page.evaluate(selected) and "kbd-select" not in page.get_attribute("#text", "class")
    # from the open mention; Esc leaves it unmarked
    first = min(desk_ws.mentions(sid), key=lambda m: m.start)
    page.keyboard.press("j")
    page.wait_for_selector(f"#panel form[action$='/mention/{first.id}']")
    page.keyboard.press("v")
    assert page.evaluate(selected) == first.surface.split()[0]
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Escape")
    assert page.evaluate(selected) == "" and page.is_hidden("#selbar")
    assert "nothing marked" in page.inner_text("#flash")
    assert len(desk_ws.mentions(sid)) == count + 1
    # c marks a claim alike: its kind chosen, Enter adds it
    page.keyboard.press("v")
    for _ in first.surface.split()[1:]:
        page.keyboard.press("Shift+ArrowRight")
    assert page.evaluate(selected) == first.surface
    page.keyboard.press("c")
    page.keyboard.press("Enter")
    page.wait_for_selector("#flash .message.ok:has-text('Claim')")
    assert _claim_at(desk_ws, sid, first.start, first.end) == [("unattributed", "", "confirmed")]
    # never past the end: the last paragraph's words, and more
    page.keyboard.press("v")
    for _ in tm.blocks:
        page.keyboard.press("ArrowDown")
    last = len(re.findall(r"[^\W_]+", text[tm.blocks[-1]:]))
    for _ in range(last + 2):
        page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("ArrowDown")
    assert "the end of the text" in page.inner_text("#flash")
    assert page.evaluate(selected).split()[-1] == re.findall(r"[^\W_]+", text)[-1]
    page.keyboard.press("?")
    assert "select by keyboard" in page.inner_text("dialog#keys")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    assert len(desk_ws.mentions(sid)) == count + 1

def _claim_at(ws, sid, start, end):
    return [(c.kind, c.agent, c.state) for c in ws.claims(source_id=sid, state=("proposed",
            "confirmed")) if (c.start, c.end) == (start, end)]


def test_browser_claim_from_selection_with_kind_and_agent_by_keyboard(page, desk_ws):
    sid = "german-soviet-axis-talks"
    text = desk_ws.reading_text(sid)
    quote = "the showdown with Bolshevism"
    q0 = text.index(quote)
    fact = "Ribbentrop and Molotov tried to set German and Soviet spheres of influence."
    f0 = text.index(fact)
    page.goto(f"/s/{sid}")
    page.wait_for_function("document.readyState === 'complete' && window.htmx")
    # c opens the claim form with its kind focused; a letter picks the kind, Tab the agent
    _select(page, q0, q0 + len(quote))
    page.wait_for_selector("#selbar:not([hidden])")
    page.keyboard.press("c")
    page.wait_for_selector("#claimkind:not([hidden])")
    assert page.evaluate("document.activeElement.name") == "kind"
    assert not page.is_visible("#claimkind input[name=agent]")  # unattributed: no agent
    page.keyboard.press("q")
    assert page.input_value("#claimkind select") == "quoted"
    assert page.is_visible("#claimkind input[name=agent]")
    shot(page, "claim-kind-form")
    page.keyboard.press("Tab")
    page.keyboard.type("Hitler")
    page.keyboard.press("Enter")
    page.wait_for_selector("#selbar", state="hidden")
    page.wait_for_selector(f"article#text span[data-c]:has-text('{quote}')")
    assert _claim_at(desk_ws, sid, q0, q0 + len(quote)) == [("quoted", "Hitler", "confirmed")]
    # Escape cancels: the form closes, nothing is added
    acts = len(desk_ws.history())
    _select(page, f0, f0 + len(fact))
    page.wait_for_selector("#selbar:not([hidden])")
    page.keyboard.press("c")
    page.wait_for_selector("#claimkind:not([hidden])")
    page.keyboard.press("e")
    page.keyboard.press("Escape")
    page.wait_for_selector("#claimkind", state="hidden")
    assert len(desk_ws.history()) == acts
    before = _claim_at(desk_ws, sid, f0, f0 + len(fact))
    assert ("editorial", "", "confirmed") not in before
    # an editorial claim: no agent asked for, Enter adds it
    _select(page, f0, f0 + len(fact))
    page.wait_for_selector("#selbar:not([hidden])")
    page.keyboard.press("c")
    page.keyboard.press("e")
    assert page.input_value("#claimkind select") == "editorial"
    assert not page.is_visible("#claimkind input[name=agent]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#selbar", state="hidden")
    page.wait_for_function("() => !document.querySelector('#claimkind:not([hidden])')")
    assert _claim_at(desk_ws, sid, f0, f0 + len(fact)) == [("editorial", "", "confirmed")], \
        before


def test_browser_adjust_a_mention_to_a_selection(browser, desk, desk_ws):
    context = browser.new_context(viewport={"width": 1360, "height": 900}, base_url=desk.url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        _adjust_by_keyboard(page, desk_ws)
    finally:
        context.close()
    assert [e for e in errors if "409 (Conflict)" not in e] == []  # the refusal: a 409
    assert len(errors) == 1


def _adjust_by_keyboard(page, desk_ws):
    sid, m, wider, start = molotov_widened(desk_ws)
    page.goto(f"/s/{sid}")
    page.wait_for_function("document.readyState === 'complete' && window.htmx")
    page.click(f"article#text mark[data-m='{m.id}']")
    page.wait_for_selector("#panel .adjust-hint")
    assert not page.is_visible("#panel form.adjust")  # nothing selected yet
    _select(page, start, start + len(wider))
    page.wait_for_selector("#panel form.adjust:not([hidden])")
    assert page.inner_text("#panel form.adjust .sel-text") == f"\u201c{wider}\u201d"
    shot(page, "mention-adjust")
    page.keyboard.press("a")
    page.wait_for_selector("#panel .message.ok")
    assert "adjusted" in page.inner_text("#panel .message.ok")
    page.wait_for_selector(f"article#text mark[data-m='{m.id}'].confirmed")
    marked = page.eval_on_selector_all(f"article#text mark[data-m='{m.id}']",
                                       "els => els.map(e => e.textContent).join('')")
    assert marked == wider
    after = desk_ws.mention(m.id)
    assert (after.start, after.end, after.status) == (start, start + len(wider), "confirmed")
    # meanwhile the CLI takes it back: the panel's form is stale and says so
    desk_ws.undo()
    _select(page, m.start, m.end)
    page.wait_for_selector("#panel form.adjust:not([hidden])")
    page.keyboard.press("a")
    page.wait_for_selector("#flash .message.stale")
    assert "changed since you loaded it" in page.inner_text("#flash")
    assert desk_ws.mention(m.id).start == m.start


def test_browser_split_mentions_off_an_entity_by_keyboard(page, desk_ws):
    eid = desk_ws.queue()[0]
    cand = desk_ws.candidate(eid)
    moved = cand.contexts[1].mention_id
    page.goto("/queue")
    page.wait_for_selector(".card[data-entity]")
    page.keyboard.press("k")
    page.wait_for_selector("#choose-split:not([hidden])")
    page.keyboard.press("2")
    page.keyboard.press("a")  # swallowed by the open chooser: not an accept
    assert page.is_checked(f"#choose-split input[name='split:{moved}']")
    page.keyboard.press("n")
    page.keyboard.type("Other Hitler")
    shot(page, "queue-split")
    _press(page, "Enter")
    assert f"Split 1 mention off {cand.entity.preferred} into Other Hitler" in \
        page.inner_text(".message.ok")
    new = desk_ws.entity(desk_ws.mention(moved).entity_id)
    assert (new.preferred, new.status) == ("Other Hitler", "proposed")
    assert desk_ws.entity(eid).status == "proposed"
    assert page.get_attribute(".card", "data-entity") == eid  # still to decide
    # Escape closes the chooser without splitting
    acts = len(desk_ws.history())
    page.keyboard.press("k")
    page.wait_for_selector("#choose-split:not([hidden])")
    page.keyboard.press("1")
    page.keyboard.press("Escape")
    page.wait_for_selector("#choose-split", state="hidden")
    assert len(desk_ws.history()) == acts


def test_browser_reload_shows_what_changed_meanwhile(page, desk_ws):
    page.goto("/register?status=proposed")
    page.wait_for_function("document.readyState === 'complete' && window.htmx")
    assert page.locator("#changes details").count() == 0
    eid = desk_ws.queue()[0]
    desk_ws.confirm(eid)  # the CLI, meanwhile
    desk_ws.link(eid, "wikidata", "Q352")
    page.reload()
    page.wait_for_selector("#changes details.changes")
    summary = page.inner_text("#changes summary")
    assert summary.startswith("2 decisions since you last looked") and "tester" in summary
    page.click("#changes summary")
    assert f"entity:{eid}" in page.inner_text("#changes")
    assert page.locator(f"#entity-{eid}").count() == 0  # confirmed: no longer a candidate
    page.reload()  # seen now: nothing new to show
    page.wait_for_function("document.readyState === 'complete'")
    page.wait_for_timeout(200)
    assert page.locator("#changes details").count() == 0


def test_browser_hostile_text_stays_text(browser, ws, tmp_path):
    hostile = ('Moscow <script>alert("src")</script> "onmouseover=alert(2) x=" '
               "<img src=x onerror=alert(3)>")
    src = tmp_path / "hostile.txt"
    src.write_text(f"Hostile\n\n{hostile} and more.\n", encoding="utf-8")
    ws.add(src)
    bib = tmp_path / "hostile.bib"
    bib.write_text("@book{evil2020, author = {Evil, Eve}, year = {2020},\n"
                   "  title = {<script>alert(\"bib\")</script> \"onmouseover=alert(4) x=\"}}\n",
                   encoding="utf-8")
    ws.bib_add(bib)
    text = ws.reading_text("hostile")
    claim = ws.add_claim("hostile", span=(text.index("Moscow"), len(text)))
    server = LocalServer(ws, port=0).start()
    context = browser.new_context(base_url=server.url)
    pg = context.new_page()
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        pg.goto("/s/hostile")
        assert hostile in pg.inner_text("article#text")
        pg.hover("article#text p:nth-of-type(2)")
        pg.goto(f"/claim/{claim.id}")
        pg.keyboard.press("/")
        pg.keyboard.type("evil")
        pg.wait_for_selector("#bib-hits input[value='evil2020']")
        assert '<script>alert("bib")</script>' in pg.inner_text("#bib-hits")
        pg.hover("#bib-hits label")
        assert pg.evaluate("document.querySelectorAll('script').length") == 2
    finally:
        context.close()
        server.stop()
    assert dialogs == []


# -- repairing what the machine got wrong (issue 17) -------------------------------------------
def test_browser_queue_lists_every_mention_and_splits_off_the_fifth(page, desk_ws):
    eid = next(i for i in desk_ws.queue()
               if len(desk_ws.candidate(i, limit=None).contexts) >= 5)
    while desk_ws.queue()[0] != eid:  # bring it to the front of the queue
        desk_ws.skip(desk_ws.queue()[0])
    every = desk_ws.candidate(eid, limit=None).contexts
    fifth = every[4].mention_id
    page.goto("/queue")
    page.wait_for_selector(".card[data-entity]")
    assert page.locator("ol.contexts li").count() == len(every)  # all, not three
    page.keyboard.press("k")
    page.wait_for_selector("#choose-split:not([hidden])")
    page.keyboard.press("5")
    assert page.is_checked(f"#choose-split input[name='split:{fifth}']")
    page.keyboard.press("n")
    page.keyboard.type("Fifth Person")
    shot(page, "queue-split-fifth")
    _press(page, "Enter")
    moved = desk_ws.mention(fifth)
    assert moved.entity_id != eid and desk_ws.entity(moved.entity_id).preferred == "Fifth Person"
    assert all(desk_ws.mention(c.mention_id).entity_id == eid for c in every
               if c.mention_id != fifth)


def test_browser_merge_into_a_proposed_entity_by_search(page, desk_ws):
    eid = desk_ws.queue()[0]
    kind = desk_ws.entity(eid).type
    target = next(e for e in desk_ws.entities(type=kind, status="proposed") if e.id != eid)
    moving = {c.mention_id for c in desk_ws.candidate(eid, limit=None).contexts}
    names = {eid: desk_ws.entity(eid).preferred}
    page.goto("/queue")
    page.wait_for_selector(".card[data-entity]")
    page.keyboard.press("m")
    page.wait_for_selector("#choose-merge:not([hidden])")
    page.keyboard.press("/")
    page.keyboard.type(target.preferred)
    shot(page, "queue-merge-proposed")
    _press(page, "Enter")
    # the entity chosen merges into the one searched for, which keeps its id and is named
    # anew among all their mentions
    assert f"Merged {names[eid]} into {target.preferred}; kept " in page.inner_text(".message.ok")
    assert f"({target.id})" in page.inner_text(".message.ok")
    assert [e.id for e in desk_ws.entities() if e.id == eid] == []
    assert moving <= {m.id for m in desk_ws.mentions() if m.entity_id == target.id}
    assert desk_ws.entity(target.id).status == "proposed"  # merged into, not decided
    _press(page, "u")
    assert desk_ws.entity(eid).status == "proposed"


def test_browser_correct_a_claims_agent_to_a_register_entity(page, desk_ws):
    from tests.review_seed import propose_by_names

    propose_by_names(desk_ws)
    row = desk_ws.add_claim("german-soviet-axis-talks",
                            quote="Germany ended the Molotov–Ribbentrop Pact in June 1941",
                            kind="attributed", agent="the Soviet premier")
    assert row.agent_entity_id is None
    page.goto(f"/claim/{row.id}")
    page.wait_for_selector("#agentform")
    page.wait_for_function("document.readyState === 'complete' && window.htmx")
    page.keyboard.press("w")
    page.keyboard.press("Control+a")
    page.keyboard.type("person-stalin")
    shot(page, "claim-agent")
    page.keyboard.press("Enter")
    page.wait_for_selector(".message.ok")
    assert "person-stalin" in page.inner_text(".message.ok")
    fixed = desk_ws.claim(row.id)
    assert (fixed.agent, fixed.agent_entity_id) == ("Stalin", "person-stalin")
    assert desk_ws.history(limit=1)[0].act == "claim-agent"


def test_browser_claims_are_quiet_and_no_work_is_preselected(page, desk_ws):
    sid = "german-soviet-axis-talks"
    page.goto(f"/s/{sid}")
    page.wait_for_selector("article#text span[data-c]")
    lines = page.eval_on_selector_all(
        "article#text span[data-c]", "els => els.map(e => getComputedStyle(e).textDecorationLine)")
    assert lines and set(lines) == {"none"}  # no underline on every sentence
    marked = page.eval_on_selector(
        "article#text span[data-c]", "e => getComputedStyle(e.closest('p')).boxShadow")
    assert marked != "none"  # a mark in the margin instead
    page.check("#claim-lines")
    assert page.eval_on_selector("article#text span[data-c]",
                                 "e => getComputedStyle(e).textDecorationLine") == "underline"
    # the footer never covers the end of the text
    page.keyboard.press("End")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    last = page.eval_on_selector("article#text p:last-of-type",
                                 "e => e.getBoundingClientRect().bottom")
    footer = page.eval_on_selector("footer.keys-hint", "e => e.getBoundingClientRect().top")
    assert last <= footer
    claim = desk_ws.claims()[0]
    page.goto(f"/claim/{claim.id}")
    page.wait_for_selector("#workform")
    assert page.locator("#bib-hits input[type=radio]").count() > 0
    assert page.locator("#bib-hits input:checked").count() == 0


def test_browser_confirms_and_corrects_a_date(page, desk_ws):
    """A date's panel shows its value and how it was found; confirm one, correct another."""
    sid = "german-soviet-axis-talks"
    dates = {m.surface: m for m in desk_ws.mentions(sid) if m.type == "date"}
    july, june = dates["July 1940"], dates["June 1941"]
    page.goto(f"/s/{sid}")
    page.wait_for_function("document.readyState === 'complete' && window.htmx")
    page.click(f"article#text mark[data-m='{july.id}']")
    page.wait_for_selector("#panel .date-value")
    assert 'when="1940-07"' in page.inner_text("#panel .date-value")
    assert page.inner_text("#panel .date-reason") == "stated in full"
    page.click("#panel form.actions button[value='confirm']")
    page.wait_for_selector("#panel .message.ok")
    assert desk_ws.mention(july.id).status == "confirmed"
    page.click(f"article#text mark[data-m='{june.id}']")
    page.wait_for_selector(f"#panel form.date-set[action$='/{june.id}/date']")
    page.fill("#panel form.date-set input[name='when']", "1941-06-22")
    shot(page, "date-panel")
    page.click("#panel form.date-set button")
    page.wait_for_selector("#panel .message.ok:has-text('Date set to when=1941-06-22')")
    after = desk_ws.mention(june.id)
    assert (after.status, dict(after.date_value), after.date_reason) == \
        ("confirmed", {"when": "1941-06-22"}, "set by the editor")


def test_browser_date_card_flags_a_date_old_style_and_clears_the_flag(browser, ws, tmp_path):
    """The date card says whether a date's words are Old Style and toggles it, as 'date set
    --julian/--gregorian' does: cleared, the rules' Julian 10 February 1722/3 is its words'
    day, 1723-02-10; flagged again, its Gregorian day (was: the desk had no such toggle, only
    the library and the command line)."""
    src = tmp_path / "hunt.txt"
    src.write_text("Dear Sir,\n\nMy father died on the 10th of February 1722/3, at home.\n",
                   encoding="utf-8")
    ws.add(src)
    ws.propose()
    (date,) = [m for m in ws.mentions("hunt") if m.surface == "the 10th of February 1722/3"]
    assert (dict(date.date_value), "julian" in date.flags) == ({"when": "1723-02-21"}, True)
    with served_page(browser, ws) as (pg, errors):
        pg.goto("/s/hunt")
        pg.wait_for_function("document.readyState === 'complete' && window.htmx")
        pg.click(f"article#text mark[data-m='{date.id}']")
        pg.wait_for_selector("#panel form.date-calendar")
        assert "Old Style" in pg.inner_text("#panel form.date-calendar")
        shot(pg, "date-julian")
        pg.click("#panel form.date-calendar button[value='gregorian']")
        pg.wait_for_selector("#panel .message.ok:has-text('Julian flag cleared: when=1723-02-10')")
        after = ws.mention(date.id)
        assert (after.status, dict(after.date_value), after.flags) == (
            "confirmed", {"when": "1723-02-10"}, "")
        assert "read as Gregorian" in pg.inner_text("#panel form.date-calendar")
        pg.click("#panel form.date-calendar button[value='julian']")
        pg.wait_for_selector("#panel .message.ok:has-text('Flagged Old Style (Julian): "
                             "when=1723-02-21')")
        assert (dict(ws.mention(date.id).date_value), ws.mention(date.id).flags) == (
            {"when": "1723-02-21"}, "julian")
        assert errors == []


def test_browser_selection_replaces_the_proposal_it_overlaps_and_counts_follow(page, desk_ws):
    sid, proposal, wider, start = molotov_widened(desk_ws)
    assert proposal.status == "proposed" and proposal.entity_id
    # an edition that keeps titles inside the element (learned, or said in annotator.toml)
    desk_ws.settings = desk_ws.settings.with_overrides(conventions={"titles": "inside"})
    before = {s: sum(1 for m in desk_ws.mentions(sid) if m.status == s)
              for s in ("confirmed", "proposed", "rejected")}
    page.goto(f"/s/{sid}")
    page.wait_for_selector("article#text p[data-o]")
    assert page.inner_text("#counts [data-count='proposed']") == f"{before['proposed']} proposed"
    _select(page, start, start + len(wider))
    page.wait_for_selector("#selbar:not([hidden])")
    page.keyboard.press("p")
    page.wait_for_selector("#flash .message")
    assert "replacing the proposal 'Vyacheslav Molotov'" in page.inner_text("#flash")
    page.wait_for_selector(f"article#text mark.person.confirmed[data-m]:has-text('{wider.split()[0]}')")
    # one act: the proposal is rejected, the editor's span joins the proposal's entity
    assert desk_ws.mention(proposal.id).status == "rejected"
    added = [m for m in desk_ws.mentions(sid) if (m.start, m.end) == (start, start + len(wider))]
    assert [(m.status, m.entity_id) for m in added] == [("confirmed", proposal.entity_id)]
    assert desk_ws.entity(proposal.entity_id).preferred == "Vyacheslav Molotov"
    after = {s: sum(1 for m in desk_ws.mentions(sid) if m.status == s)
             for s in ("confirmed", "proposed", "rejected")}
    assert after["proposed"] == before["proposed"] - 1
    page.wait_for_function(
        "n => document.querySelector('#counts [data-count=proposed]').textContent === n",
        arg=f"{after['proposed']} proposed")
    assert page.inner_text("#counts [data-count='confirmed']") == \
        f"{after['confirmed']} confirmed"
    shot(page, "selection-replaces-proposal")
    assert desk_ws.history(limit=1)[0].act == "add-mention"
    desk_ws.undo()  # one undo takes both back
    assert desk_ws.mention(proposal.id).status == "proposed"
    assert [m for m in desk_ws.mentions(sid) if (m.start, m.end) ==
            (start, start + len(wider))] == []


def test_browser_queue_rejects_in_one_source_by_keyboard(page, desk_ws, tmp_path):
    """``h`` then a source's number: the entity's mentions there are rejected and its names
    kept out of that source; the other source keeps them; ``u`` takes it back."""
    sid = "german-soviet-axis-talks"
    copy = tmp_path / "axis-notes.txt"
    copy.write_text(desk_ws.reading_text(sid), encoding="utf-8")
    desk_ws.add(copy)
    desk_ws.propose(["axis-notes"])
    eid = next(i for i in desk_ws.queue()
               if {c.source_id for c in desk_ws.candidate(i, limit=None).contexts}
               == {sid, "axis-notes"})
    while desk_ws.queue()[0] != eid:
        desk_ws.skip(desk_ws.queue()[0])
    page.goto("/queue")
    page.wait_for_selector(f".card[data-entity='{eid}']")
    page.wait_for_function("document.readyState === 'complete' && window.htmx")
    page.keyboard.press("h")
    page.wait_for_selector("#choose-here:not([hidden])")
    first = page.get_attribute("#choose-here button[data-key='1']", "value").split(":", 1)[1]
    shot(page, "queue-reject-here")
    _press(page, "1")
    assert "not proposed there again" in page.inner_text(".message.ok")
    by_source = {(m.source_id, m.status) for m in desk_ws.mentions() if m.entity_id == eid}
    other = ({sid, "axis-notes"} - {first}).pop()
    assert (first, "rejected") in by_source and (first, "proposed") not in by_source
    assert (other, "proposed") in by_source
    assert {r["source_id"] for r in desk_ws.store.query(
        "SELECT source_id FROM source_rejections")} == {first}
    _press(page, "u")
    assert desk_ws.store.query("SELECT * FROM source_rejections") == []


def test_browser_confirms_a_description_agents_candidate(page, desk_ws, nlp, tmp_path):
    from tests.conftest import premier_claim

    claim = premier_claim(desk_ws, nlp, tmp_path)
    page.goto(f"/claim/{claim.id}")
    page.wait_for_selector("form.candidate")
    page.wait_for_function("document.readyState === 'complete' && window.htmx")
    assert page.inner_text("form.candidate .candidate-name") == "Molotov"
    shot(page, "claim-candidate")
    page.keyboard.press("v")
    page.wait_for_selector(".message.ok")
    assert "Molotov" in page.inner_text(".message.ok")
    assert (desk_ws.claim(claim.id).agent, desk_ws.claim(claim.id).agent_candidate) == \
        ("Molotov", "")
    assert page.locator("form.candidate").count() == 0


def test_browser_queue_link_opens_the_mention_in_its_source(page, desk_ws):
    """A mention's source link on the queue card lands on that mention in the reading view,
    scrolled to and with its panel open (an offset anchor went nowhere)."""
    page.goto("/queue?type=person")
    page.wait_for_selector(".card[data-entity]")
    eid = page.get_attribute(".card", "data-entity")
    mention = desk_ws.candidate(eid, limit=100).contexts[11]
    page.click(".contexts li:nth-child(12) .where a")
    page.wait_for_selector(f"#panel form[action$='/mention/{mention.mention_id}']")
    assert page.get_attribute("mark.focus", "data-m") == str(mention.mention_id)
    assert page.evaluate("document.querySelector('mark.focus').getBoundingClientRect().top "
                         "< window.innerHeight && window.scrollY > 0")


def test_browser_reading_view_decides_mentions_by_keyboard(page, desk_ws):
    """j / k walk the mentions of a source, each opening its panel; the panel's acts have keys:
    y accept, n reject, t then a type, w a date's value."""
    sid = "german-soviet-axis-talks"
    marks = sorted(desk_ws.mentions(sid), key=lambda m: m.start)
    page.goto(f"/s/{sid}")
    page.wait_for_function("document.readyState === 'complete' && window.htmx")

    def step(key, mention):
        page.keyboard.press(key)
        page.wait_for_selector(f"#panel form[action$='/mention/{mention.id}']")
        assert page.get_attribute("mark.focus", "data-m") == str(mention.id)

    step("j", marks[0])
    step("j", marks[1])
    step("k", marks[0])
    baltic = next(m for m in marks if m.surface == "Baltic")
    for _ in range(marks.index(baltic)):
        page.keyboard.press("j")
    page.wait_for_selector(f"#panel form[action$='/mention/{baltic.id}']")
    page.keyboard.press("t")
    page.keyboard.press("o")
    page.wait_for_selector("#panel .message.ok:has-text('Accepted as org.')")
    assert (desk_ws.mention(baltic.id).type, desk_ws.mention(baltic.id).status) == \
        ("org", "confirmed")
    assert page.get_attribute("mark.focus", "data-m") == str(baltic.id)  # still where it was
    after = marks[marks.index(baltic) + 1]
    step("j", after)
    page.keyboard.press("n")
    page.wait_for_selector("#panel .message.ok:has-text('Entity rejected.')")
    assert desk_ws.entity(desk_ws.mention(after.id).entity_id).status == "rejected"
    june = next(m for m in marks if m.surface == "June 1941")
    page.click(f"article#text mark[data-m='{june.id}']")
    page.wait_for_selector(f"#panel form[action$='/mention/{june.id}']")
    page.keyboard.press("w")
    page.keyboard.type("1941-06-22")
    page.keyboard.press("Enter")
    page.wait_for_selector("#panel .message.ok:has-text('Date set to when=1941-06-22')")
    assert dict(desk_ws.mention(june.id).date_value) == {"when": "1941-06-22"}
    page.keyboard.press("?")
    assert "the next / previous mention" in page.inner_text("dialog#keys")


def test_browser_queue_reload_keeps_the_undo(page, desk_ws):
    """After a reload (or coming back) the queue's u still takes back this page's last
    decision: the page's address keeps them."""
    page.goto("/queue")
    page.wait_for_selector(".card[data-entity]")
    eid = page.get_attribute(".card", "data-entity")
    _press(page, "a")
    assert desk_ws.entity(eid).status == "confirmed"
    page.reload()
    page.wait_for_selector(".card[data-entity]")
    assert page.is_enabled("button[value=undo]")
    _press(page, "u")
    assert desk_ws.entity(eid).status == "proposed"
    assert page.get_attribute(".card", "data-entity") == eid


def test_browser_key_pressed_as_the_panel_arrives_acts_in_place(page, desk_ws):
    """A key pressed the moment a panel is drawn acts through htmx (in place), not as a plain
    form post that reloads the page: htmx settles new content at once (it waited 20 ms)."""
    sid = "german-soviet-axis-talks"
    first = min(desk_ws.mentions(sid), key=lambda m: m.start)
    page.goto(f"/s/{sid}")
    page.wait_for_function("document.readyState === 'complete' && window.htmx")
    page.evaluate("""() => {
        window.samePage = true;
        document.addEventListener("htmx:afterSwap", () => setTimeout(() => document.dispatchEvent(
            new KeyboardEvent("keydown", {key: "y", bubbles: true})), 0), {once: true});
    }""")
    page.keyboard.press("j")
    page.wait_for_selector("#panel .message.ok")
    assert page.evaluate("window.samePage === true")
    assert desk_ws.mention(first.id).status == "confirmed"


def test_browser_claim_page_steps_to_the_next_claim_by_keyboard(page, desk_ws):
    """On a claim's page j / k go to the next / previous claim in the claims table's order,
    so an editor decides them one after another; the steps count the claims the list shows
    (a rejected one leaves it, and j from it goes on to the next listed)."""
    order = [c.id for c in desk_ws.claims()]
    page.goto(f"/claim/{order[0]}")
    page.wait_for_function("document.readyState === 'complete' && window.htmx")
    assert page.locator("a[rel=prev]").count() == 0
    assert f"claim 1 of {len(order)}" in page.inner_text(".claim-steps")
    page.keyboard.press("j")
    page.wait_for_url(f"**/claim/{order[1]}")
    assert f"claim 2 of {len(order)}" in page.inner_text(".claim-steps")
    page.keyboard.press("k")
    page.wait_for_url(f"**/claim/{order[0]}")
    page.wait_for_function("document.readyState === 'complete' && window.htmx")
    page.keyboard.press("n")  # not a claim: it leaves the list the steps count
    page.wait_for_selector(".message.ok")
    page.keyboard.press("j")
    page.wait_for_url(f"**/claim/{order[1]}")
    assert f"claim 1 of {len(order) - 1}" in page.inner_text(".claim-steps")


def test_browser_reading_view_undoes_the_last_decision_made_on_it(page, desk_ws):
    """u takes back the panel's last act (the button names it), also after a reload."""
    sid = "german-soviet-axis-talks"
    first = next(m for m in desk_ws.mentions(sid) if m.entity_id)
    page.goto(f"/s/{sid}")
    page.wait_for_function("document.readyState === 'complete' && window.htmx")
    assert "nothing decided" in page.inner_text("#undo-bar")
    page.click(f"article#text mark[data-m='{first.id}']")
    page.wait_for_selector(f"#panel form[action$='/mention/{first.id}']")
    page.keyboard.press("n")
    page.wait_for_selector("#panel .message.ok:has-text('Entity rejected.')")
    assert desk_ws.entity(first.entity_id).status == "rejected"
    rejected = desk_ws.last_undoable()
    assert f"undo #{rejected.id} (reject entity:{first.entity_id})" in page.inner_text("#undo-bar")
    page.keyboard.press("Y")  # and this one mention confirmed: two decisions on this page
    page.wait_for_selector("#panel .message.ok:has-text('Mention confirmed.')")
    page.reload()
    page.wait_for_function("document.readyState === 'complete' && window.htmx")
    page.keyboard.press("u")
    page.wait_for_selector("#panel .message.ok:has-text('Undid decision')")
    assert desk_ws.mention(first.id).status == "rejected"
    assert f"undo #{rejected.id}" in page.inner_text("#undo-bar")
    page.keyboard.press("u")
    page.wait_for_selector(f"#panel .message.ok:has-text('Undid decision {rejected.id}')")
    assert desk_ws.entity(first.entity_id).status == "proposed"
    assert "nothing decided" in page.inner_text("#undo-bar")
    assert "session" not in page.url


def test_browser_undo_says_in_the_message_line_what_it_took_back(page, desk_ws):
    """After u the banner (#flash, read out) still said 'Place mention added...' while the
    side bar said 'Undid decision N': now the banner says what was undone."""
    sid = "german-soviet-axis-talks"
    at = desk_ws.reading_text(sid).index("adherent")
    page.goto(f"/s/{sid}")
    page.wait_for_function("document.readyState === 'complete' && window.htmx")
    _select(page, at, at + len("adherent"))
    page.wait_for_selector("#selbar:not([hidden])")
    page.keyboard.press("l")
    page.wait_for_selector("#flash .message.ok:has-text('Place mention added')")
    added = desk_ws.history(limit=1)[0]
    page.keyboard.press("u")
    page.wait_for_selector(f"#panel .message.ok:has-text('Undid decision {added.id}')")
    assert page.inner_text("#flash") == f"Undid decision {added.id} (add-mention {added.target})."


def test_browser_queue_undo_refused_as_superseded_then_offers_nothing_past_it(browser, desk,
                                                                             desk_ws):
    """u on the queue when the decision its button named was changed since (the CLI): the
    refusal names the later decision and the page's decision before it with the command that
    takes it back; the button then offers nothing (the old next u took that one back unasked).
    (Its own page: the refusal's 400 is in the console, as it should be.)"""
    context = browser.new_context(viewport={"width": 1200, "height": 800}, base_url=desk.url)
    page = context.new_page()
    try:
        page.goto("/queue")
        page.wait_for_selector(".card[data-entity]")
        first = page.get_attribute(".card", "data-entity")
        _press(page, "a")
        second = page.get_attribute(".card", "data-entity")
        _press(page, "a")
        later = desk_ws.reject(second)  # from the command line, meanwhile
        _press(page, "u")  # the card is drawn again with the page's decisions left
        flash = page.inner_text("#flash")
        assert f"decision {later.id}" in flash and "D008" in flash
        assert "this page's newest decision that can be undone is" in flash
        assert desk_ws.entity(first).status == "confirmed"
        assert page.is_disabled("button[data-key='u']")
        assert "annotator undo" in page.inner_text("#queue")
        assert (desk_ws.entity(first).status, desk_ws.entity(second).status) == ("confirmed",
                                                                                 "rejected")
        _press(page, "s")  # the next act: the card says it, no refusal is left above it
        page.wait_for_selector("#queue .message.ok:has-text('Skipped')")
        assert page.inner_text("#flash") == ""
    finally:
        context.close()


def _reject_entity_on_page(page, sid, mention):
    """The reading view of ``sid`` opened, ``mention``'s panel open and its entity rejected
    (``n``)."""
    page.goto(f"/s/{sid}")
    page.wait_for_function("document.readyState === 'complete' && window.htmx")
    page.click(f"article#text mark[data-m='{mention.id}']")
    page.wait_for_selector(f"#panel form[action$='/mention/{mention.id}']")
    page.keyboard.press("n")
    page.wait_for_selector("#panel .message.ok:has-text('Entity rejected.')")


def test_browser_reading_view_undo_offers_nothing_after_the_cli_changed_its_newest(page,
                                                                                  desk_ws):
    """The page's last decision changed since by the CLI: the page drawn again offers no undo
    (the old bar offered the one before, and u took it back unasked): the bar says why and
    names the one before with the command that takes it back; u undoes nothing, the button
    beside that one takes it back (History's undo), back to the page."""
    sid = "german-soviet-axis-talks"
    first = next(m for m in desk_ws.mentions(sid) if m.entity_id)
    _reject_entity_on_page(page, sid, first)
    rejected = desk_ws.last_undoable()
    other = next(m for m in desk_ws.mentions(sid) if m.entity_id not in (None, first.entity_id))
    page.click(f"article#text mark[data-m='{other.id}']")
    page.wait_for_selector(f"#panel form[action$='/mention/{other.id}']")
    page.keyboard.press("Y")
    page.wait_for_selector("#panel .message.ok:has-text('Mention confirmed.')")
    confirmed = desk_ws.last_undoable()
    later = desk_ws.reject(f"mention:{other.id}")  # the CLI, meanwhile
    page.reload()
    page.wait_for_function("document.readyState === 'complete' && window.htmx")
    bar = " ".join(page.inner_text("#undo-bar").split())
    assert page.locator("#undo-bar button[data-key='u']").count() == 0
    assert f"#{confirmed.id} (confirm mention:{other.id}) cannot be undone" in bar
    assert f"by decision {later.id}" in bar
    assert f"is #{rejected.id} (reject entity:{first.entity_id}): its button takes it back, as " \
        f"History's and annotator undo {rejected.id} do." in bar
    page.keyboard.press("u")
    page.wait_for_timeout(300)
    assert desk_ws.entity(first.entity_id).status == "rejected"
    assert desk_ws.mention(other.id).status == "rejected"  # the CLI's, left alone
    assert desk_ws.history(limit=1)[0].id == later.id
    # the button beside it takes back that older decision, as History's does (was: no button)
    older = page.locator(f"#undo-bar button:has-text('Undo #{rejected.id} (reject "
                         f"entity:{first.entity_id})')")
    with page.expect_navigation():
        older.click()
    undone = desk_ws.history(limit=1)[0]
    assert (undone.act, undone.undoes) == ("undo", rejected.id)
    assert desk_ws.entity(first.entity_id).status == "proposed"
    assert desk_ws.mention(other.id).status == "rejected"  # the CLI's, left alone
    assert f"/s/{sid}" in page.url and page.locator("#undo-bar button").count() == 0


def test_browser_reading_view_undo_refused_redraws_what_changed_under_the_page(browser, desk,
                                                                              desk_ws):
    """u on the reading view after the CLI undid the page's decision: the refusal (D008) comes
    with the marks, the open panel and the bar drawn as the store now is, not left stale.
    (Its own page: the refusal's 400 is in the console, as it should be.)"""
    sid = "german-soviet-axis-talks"
    first = next(m for m in desk_ws.mentions(sid) if m.entity_id and m.status == "proposed")
    context = browser.new_context(viewport={"width": 1200, "height": 800}, base_url=desk.url)
    page = context.new_page()
    try:
        _reject_entity_on_page(page, sid, first)
        mark = f"article#text mark[data-m='{first.id}']"
        assert "rejected" in page.get_attribute(mark, "class").split()
        rejected = desk_ws.last_undoable()
        undone = desk_ws.undo()  # 'annotator undo', meanwhile
        assert undone.undoes == rejected.id
        page.keyboard.press("u")
        page.wait_for_selector("#flash :text('D008')")
        assert f"decision {rejected.id} is already undone (by {undone.id})" in \
            page.inner_text("#flash")
        assert "see the History page (g h)" in page.inner_text("#flash")
        assert desk_ws.entity(first.entity_id).status == "proposed"
        assert "proposed" in page.get_attribute(mark, "class").split()
        assert "rejected" not in page.get_attribute(mark, "class").split()
        panel = " ".join(page.inner_text("#panel").split())
        assert "rejected with" not in panel and "Entity rejected" not in panel
        assert page.inner_text("#panel .title + .pill") == "proposed"
        assert page.locator(f"#panel form[action$='/mention/{first.id}']").count() >= 1
        bar = " ".join(page.inner_text("#undo-bar").split())
        assert "nothing decided on this page yet" not in bar
        assert f"#{rejected.id} was undone since" in bar
    finally:
        context.close()


def test_browser_history_undoes_the_older_decision_by_its_button_after_a_replacement(
        browser, ws, tmp_path):
    """A source's replacement, newest, is not undone, nor the decision before it that it
    changed: History says so naming the replacement, u takes nothing back, and a button
    labelled with the newest decision that can be undone undoes exactly that
    one (was: no button, only 'annotator undo N', for a terminal); the newest stays."""
    earlier, _, replaced = replaced_letter(ws, tmp_path, other=True)
    with served_page(browser, ws) as (page, errors):
        page.goto("/history")
        head = " ".join(page.inner_text(".queue-head").split())
        assert f"#{replaced.id} (replace source:letter) and 1 older act(s) cannot be undone" in head
        page.keyboard.press("u")  # the plain undo never passes over the newest
        page.wait_for_timeout(300)
        assert ws.history(limit=1)[0].act == "replace"
        button = page.locator(f"button:has-text('Undo #{earlier.id} (claim-add "
                              f"{earlier.target})')")
        assert button.count() == 1
        with page.expect_navigation():
            button.click()
        undone = ws.history(limit=1)[0]
        assert (undone.act, undone.undoes) == ("undo", earlier.id)
        assert [c.source_id for c in ws.claims()] == ["letter"]
        assert page.locator(".queue-head button").count() == 0
        assert f"#{replaced.id} (replace source:letter) and 1 older act(s) cannot be undone" in \
            " ".join(page.inner_text(".queue-head").split())
        assert errors == []


def test_browser_reading_view_undo_refused_redraws_an_open_claim_panel(browser, desk, desk_ws):
    """u refused (D008) with a claim's panel open: the panel comes back as the store now is
    (the claim confirmed meanwhile by the CLI), as a mention's panel does (was: left showing
    the claim as proposed). (Its own page: the refusal's 400 is in the console.)"""
    sid = "german-soviet-axis-talks"
    first = next(m for m in desk_ws.mentions(sid) if m.entity_id and m.status == "proposed")
    claim = next(c for c in desk_ws.claims(source_id=sid) if c.state == "proposed")
    context = browser.new_context(viewport={"width": 1200, "height": 800}, base_url=desk.url)
    page = context.new_page()
    try:
        _reject_entity_on_page(page, sid, first)
        page.evaluate(f"location.hash = '#c{claim.id}'")  # the claim's panel opens
        page.wait_for_selector(f"#panel h3:has-text('Claim {claim.id}')")
        assert "proposed" in page.inner_text("#panel")
        desk_ws.undo()  # the CLI, meanwhile: the page's decision undone, the claim confirmed
        desk_ws.confirm_claim(claim.id)
        page.keyboard.press("u")
        page.wait_for_selector("#flash :text('D008')")
        page.wait_for_selector("#panel .pill.confirmed")
        assert page.text_content("#panel h3") == f"Claim {claim.id}"
        assert page.locator("#panel .pill.proposed").count() == 0
    finally:
        context.close()


def test_browser_queue_says_an_ambiguous_name_could_be_several(browser, ws, tmp_path):
    """A third text's "Hitler" fits both proposed "Hitler"s, so propose joined neither and
    flagged its mention ``ambiguous``: its card says so and names the entities it could be, as
    the terminal card does (was: only the merge suggestions hinted it), names escaped as text;
    the next, plain card has no such line."""
    from tests.review_seed import ambiguous_hitler_first

    a, b, c = ambiguous_hitler_first(ws, tmp_path, "Hitler <i>b</i>")
    server = LocalServer(ws, port=0).start()
    context = browser.new_context(viewport={"width": 1200, "height": 800}, base_url=server.url)
    page = context.new_page()
    try:
        page.goto("/queue")
        page.wait_for_selector(f".card[data-entity='{c.entity_id}']")
        line = " ".join(page.inner_text(".card .ambiguous").split())
        assert line.startswith("ambiguous: its name fits several entities equally, none was "
                               "picked · could be: ")
        assert f"Hitler <i>b</i> {a.entity_id}" in line
        assert f"Adolf Hitler {b.entity_id}" in line and line.endswith("(m merges into one)")
        assert page.locator(".card .ambiguous i").count() == 0
        _press(page, "s")  # the next card: a plain entity, no such line
        assert page.get_attribute(".card", "data-entity") != c.entity_id
        assert page.locator(".card .ambiguous").count() == 0
    finally:
        context.close()
        server.stop()


def test_browser_queue_undoes_an_older_decision_by_its_button_or_says_why_not(browser, desk,
                                                                             desk_ws):
    """The queue's newest decision changed since by the CLI: the note names the page's newest
    that can be undone with a button (History's undo, by id; was: only History or the
    terminal); changed meanwhile too, it is refused with the library's message (D008), and
    the one before it is then taken back, back on the queue. (Its own page: the refusal's
    400 is in the console, as it should be.)"""
    context = browser.new_context(viewport={"width": 1200, "height": 800}, base_url=desk.url)
    page = context.new_page()
    try:
        page.goto("/queue")
        page.wait_for_selector(".card[data-entity]")
        made = []
        for _ in range(3):
            made.append(page.get_attribute(".card", "data-entity"))
            _press(page, "a")
        d1, d2, _ = [d for d in desk_ws.history(limit=3)][::-1]
        desk_ws.reject(made[2])  # the CLI, meanwhile: the newest cannot be undone
        page.reload()
        page.wait_for_selector(".card[data-entity]")
        assert page.is_disabled("button[data-key='u']")
        button = page.locator(f"button.older:has-text('Undo #{d2.id} (confirm entity:"
                              f"{made[1]})')")
        later = desk_ws.reject(made[1])  # and this one too, after the page was drawn
        with page.expect_navigation():
            button.click()
        said = " ".join(page.inner_text("main").split())
        assert "D008" in said and f"decision {later.id}" in said
        assert desk_ws.entity(made[1]).status == "rejected"
        page.go_back()
        page.reload()
        page.wait_for_selector(".card[data-entity]")
        with page.expect_navigation():
            page.click(f"button.older:has-text('Undo #{d1.id} (confirm entity:{made[0]})')")
        assert "/queue" in page.url
        page.wait_for_selector(".card[data-entity]")
        undone = desk_ws.history(limit=1)[0]
        assert (undone.act, undone.undoes) == ("undo", d1.id)
        assert [desk_ws.entity(e).status for e in made] == ["proposed", "rejected", "rejected"]
        assert page.locator("button.older").count() == 0
    finally:
        context.close()


KNOWN_REGISTER = REGISTER.replace('person-molotov', 'molotov').replace(
    'Vyacheslav Mikhailovich Molotov', 'Vyacheslav Molotov')


def test_browser_queue_card_of_a_register_entry_decides_its_new_mentions(page, desk_ws,
                                                                         tmp_path):
    """A register import merges the model's Vyacheslav Molotov into its entry and leaves
    his mentions proposed: the queue shows the entry's card ('register entry, confirmed: N
    new mentions proposed'), x rejects those mentions and u takes it back, h 1 rejects those
    of the source, a accepts them; the entry stays confirmed, with its names and id; no
    type, merge or split key is offered."""
    reg = tmp_path / "register.xml"
    reg.write_text(KNOWN_REGISTER, encoding="utf-8")
    desk_ws.import_register(reg)
    new = [m.id for m in desk_ws.mentions() if m.entity_id == "molotov"
           and m.status == "proposed"]
    assert new and desk_ws.entity("molotov").status == "confirmed"
    while desk_ws.queue()[0] != "molotov":
        desk_ws.skip(desk_ws.queue()[0])
    entry = desk_ws.entity("molotov", counts=False)
    page.goto("/queue")
    page.wait_for_selector(".card[data-entity='molotov'] .known")
    assert page.inner_text(".card .known strong") == (
        f"Vyacheslav Molotov (register entry, confirmed): {len(new)} new mention"
        f"{'s' * (len(new) != 1)} proposed")
    assert sorted(page.eval_on_selector_all(".keys-bar > button[data-key]",
                                            "bs => bs.map(b => b.dataset.key)")) == [
        "a", "h", "s", "u", "x"]
    shot(page, "queue-known-entity")

    def statuses():
        return {desk_ws.mention(i).status for i in new}

    _press(page, "x")
    assert statuses() == {"rejected"}
    assert "stays as it is" in page.inner_text(".message.ok")
    _press(page, "u")
    assert statuses() == {"proposed"}
    page.wait_for_selector(".card[data-entity='molotov']")
    page.keyboard.press("h")
    page.wait_for_selector("#choose-here:not([hidden])")
    _press(page, "1")
    assert statuses() == {"rejected"}
    _press(page, "u")
    page.wait_for_selector(".card[data-entity='molotov']")
    _press(page, "a")
    assert statuses() == {"confirmed"}
    assert desk_ws.entity("molotov", counts=False) == entry
    assert "molotov" not in desk_ws.queue()
    acts = [d.act for d in desk_ws.history() if d.editor == "tester"]
    assert acts[:5] == ["confirm-proposed", "undo", "reject-here", "undo", "reject-proposed"]


def test_browser_stale_claim_page_says_where_its_words_are_now(browser, ws, tmp_path):
    """A claim whose words changed when its letter was replaced: its page says where they are
    now, as 'claim show' says it ('now near ¶ 1, line 1 (0:67): Otto <b>Brahm</b> & Co.
    ...'), the new words escaped, shown as written and never markup (was: only that its
    words changed, the place now left to 'annotator claims')."""
    from annotator.records import now_near
    from tests.conftest import run

    letter = tmp_path / "letter.txt"
    letter.write_text("Otto Brahm was responsible for the delay of the play.\n", encoding="utf-8")
    ws.add(letter)
    claim = ws.add_claim("letter", quote="Otto Brahm was responsible for the delay")
    letter.write_text("Otto <b>Brahm</b> & Co. alone was responsible for the delay of the "
                      "play.\n", encoding="utf-8")
    ws.add(letter, replace=True)
    row = ws.claim(claim.id)
    assert row.state == "stale" and row.now is not None
    said = now_near(row.now, ws.reading_text("letter"))
    assert said.startswith("now near ¶ 1") and said.endswith(
        ": Otto <b>Brahm</b> & Co. alone was responsible for the delay")
    shown = run(ws, "claim", "show", str(claim.id))
    assert shown.exit_code == 0 and f"\n  {said}\n" in shown.stdout
    with served_page(browser, ws) as (page, errors):
        page.goto(f"/claim/{claim.id}")
        assert page.inner_text(".stale-note .now-near") == said
        assert page.locator(".stale-note b").count() == 0  # the file's words, not markup
        shot(page, "stale-claim-now-near")
        assert errors == []


def test_browser_claim_page_fits_the_window_whatever_the_sources_titles(browser, desk_ws,
                                                                        tmp_path):
    """A source with a long title (an archival one often is) lengthens the source picker of
    'Link a passage': the page still fits its window, with no sideways scroll (before: the
    panel ran 56 px off a 1360 px window and the picker's end was cut off)."""
    title = ("Letter from Robert Ker Porter to his sister Jane Porter, written on the road "
             "from St Petersburg to Moscow, with a sketch of the post house, 1805-1806, "
             "folder 12 of the family papers")
    path = edition_file(tmp_path, "long.xml", "A letter.")
    path.write_text(path.read_text(encoding="utf-8").replace("<title>G</title>",
                                                             f"<title>{title}</title>"),
                    encoding="utf-8")
    desk_ws.add(path)
    claim = desk_ws.claims()[0]
    with served_page(browser, desk_ws) as (page, errors):
        page.goto(f"/claim/{claim.id}")
        page.wait_for_function("document.readyState === 'complete' && window.htmx")
        assert title in page.evaluate("Array.from(document.querySelectorAll("
                                      "'select[name=source] option'), o => o.textContent)")
        wide, window = page.evaluate("[document.documentElement.scrollWidth, "
                                     "document.documentElement.clientWidth]")
        assert wide <= window, (wide, window)
        assert errors == []
