"""The review desk driven in headless Chromium, by keyboard, against the real app and store.

Chromium is Debian's ``chromium`` (``.ci/run`` installs it); Playwright drives it through its
``executable_path``. When Chromium is missing these tests fail: they are part of done.
Screenshots go to tests/artifacts/ (not committed).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from annotator.server.run import LocalServer
from tests.conftest import ARTIFACTS, ROOT

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
    seed_ws.bib_add(ROOT / "sources" / "references.bib")
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


@pytest.fixture
def claims_ws(seed_ws, nlp):
    seed_ws.bib_add(ROOT / "sources" / "references.bib")
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
