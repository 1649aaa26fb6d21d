"""The review desk over HTTP: pages, escaping, and the guard against other sites and hosts."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from contextlib import contextmanager

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from annotator.server.reading import CLAIM, MENTION, Highlight, Reading, render_reading
from annotator.server.run import LocalServer, network_addresses
from tests.conftest import (DATA, REFERENCES, ROOT, TITUS_PASSAGE, molotov_widened,
                            premier_claim, replaced_letter, titus_linked, titus_replaced)
from tests.test_claims import _edited_note

TOKEN = "test-token-0123456789"
HX = {"HX-Request": "true"}  # as htmx asks: a panel, not a page
HOSTILE = ('Moscow <script>alert("pwn")</script> and "onmouseover=alert(1) x=" '
           "<img src=x onerror=alert(2)> & more")


def served(ws):
    """The real app on a free port of 127.0.0.1, and an HTTP client for it."""
    server = LocalServer(ws, port=0, token=TOKEN).start()
    client = httpx.Client(base_url=server.url.rstrip("/"), timeout=10)
    return server, client


@pytest.fixture
def client(seed_ws):
    server, c = served(seed_ws)
    yield c
    c.close()
    server.stop()


def post(client, url, data=None, *, token=TOKEN, origin="self", headers=None):
    h = {"X-Annotator-Token": token} if token else {}
    if origin:
        h["Origin"] = str(client.base_url) if origin == "self" else origin
    h.update(headers or {})
    return client.post(url, data=data or {}, headers=h, follow_redirects=False)


def test_server_sources_page_lists_sources(client):
    r = client.get("/")
    assert r.status_code == 200
    doc = lxml_html.fromstring(r.text)
    links = doc.xpath("//table[contains(@class,'sources')]//a/@href")
    assert links == ["/s/german-soviet-axis-talks"]
    assert "German–Soviet Axis talks" in r.text


def test_server_reading_view_holds_the_reading_text(client, seed_ws):
    r = client.get("/s/german-soviet-axis-talks")
    assert r.status_code == 200
    doc = lxml_html.fromstring(r.text)
    tm = seed_ws.textmap("german-soviet-axis-talks")
    paras = doc.xpath("//article[@id='text']/p[@data-o]")
    assert len(paras) == len(tm.blocks)
    texts = [p.text_content() for p in paras]
    assert "\n\n".join(texts) == tm.text
    heads = doc.xpath("//article[@id='text']/p[contains(@class,'head')]")
    assert heads and heads[0].text_content() == tm.text[:len(heads[0].text_content())]


def test_server_unknown_source_is_a_clear_404(client):
    r = client.get("/s/no-such-source")
    assert r.status_code == 404  # no such page, as HTTP says it (a refused act is 400)
    assert "no source" in r.text and "S015" in r.text


def test_server_escapes_source_text(ws, tmp_path):
    src = tmp_path / "hostile.txt"
    src.write_text(f"Hostile {HOSTILE}\n\nThe text says {HOSTILE} again.\n", encoding="utf-8")
    ws.add(src)
    server, c = served(ws)
    with server_stopped(server), c:
        for url in ("/", "/s/hostile"):
            r = c.get(url)
            assert r.status_code == 200
            assert "<script>alert" not in r.text and "<img src=x" not in r.text
            doc = lxml_html.fromstring(r.text)
            scripts = doc.xpath("//script")
            assert [s.get("src") for s in scripts] == ["/static/htmx.min.js", "/static/desk.js"]
            assert not doc.xpath("//*[@onmouseover or @onerror]")
        assert "&lt;script&gt;alert(&#34;pwn&#34;)" in r.text or "&lt;script&gt;alert(\"pwn\")" \
            in r.text
        text = "".join(p.text_content() for p in
                       lxml_html.fromstring(r.text).xpath("//article[@id='text']/p"))
        assert HOSTILE in text


def test_server_refuses_other_host_names(client):
    port = client.base_url.port
    assert client.get("/", headers={"Host": f"evil.example:{port}"}).status_code == 421
    assert client.get("/", headers={"Host": f"localhost:{port}"}).status_code == 200
    assert client.get("/", headers={"Host": f"[::1]:{port}"}).status_code == 200


@pytest.mark.parametrize("case", ["no-origin", "other-origin", "null-origin", "cross-site",
                                  "no-token", "wrong-token"])
def test_server_refuses_cross_site_posts(client, seed_ws, case):
    before = seed_ws.store.one("SELECT count(*) FROM decisions")[0]
    kwargs = {"no-origin": {"origin": None}, "other-origin": {"origin": "http://evil.example"},
              "null-origin": {"origin": "null"},
              "cross-site": {"headers": {"Sec-Fetch-Site": "cross-site"}},
              "no-token": {"token": None}, "wrong-token": {"token": "x" * 20}}[case]
    r = post(client, "/s/german-soviet-axis-talks/add",
             {"start": "0", "end": "5", "what": "place"}, **kwargs)
    assert r.status_code == 403
    assert seed_ws.store.one("SELECT count(*) FROM decisions")[0] == before


def test_server_token_in_form_field_is_accepted(client):
    r = client.post("/s/german-soviet-axis-talks/add",
                    data={"_token": TOKEN, "start": "0", "end": "0", "what": "claim"},
                    headers={"Origin": str(client.base_url)}, follow_redirects=False)
    assert r.status_code == 400  # past the guard; the library refuses the empty span
    assert "D318" in r.text


def test_server_referer_stands_in_for_origin(client):
    form = {"start": "0", "end": "0", "what": "claim"}
    r = post(client, "/s/german-soviet-axis-talks/add", form, origin=None,
             headers={"Referer": f"{client.base_url}/s/german-soviet-axis-talks"})
    assert r.status_code == 400
    r = post(client, "/s/german-soviet-axis-talks/add", form, origin=None,
             headers={"Referer": "http://evil.example/page"})
    assert r.status_code == 403


def test_server_refuses_huge_posts(client):
    r = post(client, "/s/german-soviet-axis-talks/add", {"x": "y" * 300_000})
    assert r.status_code == 413


def test_server_security_headers(client):
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert r.headers["x-frame-options"] == "DENY"
    assert client.get("/static/htmx.min.js").status_code == 200


def test_server_serve_cli_prints_address_and_answers(seed_ws):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "annotator", "-w", str(seed_ws.root), "serve",
                             "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        r = httpx.get(url, timeout=10)
        assert r.status_code == 200 and "german-soviet-axis-talks" in r.text
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
    # Ctrl-C is how the desk stops: said so, status 130, not a run interrupted midway
    assert proc.returncode == 130
    assert proc.stderr.read().splitlines()[-1] == "review desk stopped"


def test_server_serve_cli_on_the_network_warns_on_stderr(seed_ws):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "annotator", "-w", str(seed_ws.root), "serve",
                             "--host", "0.0.0.0", "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        url = proc.stdout.readline().strip()
        port = url.rsplit(":", 1)[1].rstrip("/")
        warning = proc.stderr.readline()
        assert warning.startswith("warning: the review desk is reachable from the network "
                                  "with no login, at ")
        assert "--host 127.0.0.1" in warning and "127.0.0.1:" not in warning
        addresses = network_addresses((socket.AF_INET,))
        for address in addresses:  # the real addresses it listens on, with its port
            assert f"http://{address}:{port}/" in warning
        if not addresses:
            assert "every address of this computer (0.0.0.0)" in warning
        assert httpx.get(url, timeout=10).status_code == 200  # serving: Ctrl-C now stops it
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)


def test_server_on_loopback_is_not_exposed_a_named_address_is(seed_ws):
    with server_stopped(LocalServer(seed_ws, port=0)) as local:
        assert not local.exposed and local.network_urls() == []
    for address in network_addresses((socket.AF_INET,))[:1]:
        with server_stopped(LocalServer(seed_ws, host=address, port=0)) as named:
            assert named.exposed and named.network_urls() == [f"http://{address}:{named.port}/"]


def test_server_serve_cli_port_in_use_is_one_line(seed_ws):
    from annotator.cli import app
    from annotator.server.run import bind
    from typer.testing import CliRunner

    sock = bind("127.0.0.1", 0)
    try:
        port = sock.getsockname()[1]
        result = CliRunner().invoke(app, ["-w", str(seed_ws.root), "serve", "--port", str(port)])
    finally:
        sock.close()
    assert result.exit_code == 2
    assert "[W103]" in result.output


def test_server_port_out_of_range_is_refused():
    from annotator.errors import ServerError
    from annotator.server.run import bind

    for port in (65536, 99999, -1):  # getaddrinfo wraps 99999 to 34463 without a word
        with pytest.raises(ServerError) as err:
            bind("127.0.0.1", port).close()
        assert err.value.code == "W108"


@contextmanager
def server_stopped(server):
    try:
        yield server
    finally:
        server.stop()


# -- rendering the reading text -----------------------------------------------------------
def _blocks(text: str) -> list[int]:
    starts = [0]
    i = text.find("\n\n")
    while i != -1:
        starts.append(i + 2)
        i = text.find("\n\n", i + 2)
    return starts


@st.composite
def _texts_and_marks(draw):
    words = st.text(alphabet="ab <>&\"'é😀", min_size=1, max_size=12).filter(
        lambda w: w.strip() == w and "\n" not in w and w)
    paras = draw(st.lists(st.lists(words, min_size=1, max_size=6).map(" ".join), min_size=1,
                          max_size=4))
    text = "\n\n".join(paras)
    n = len(text)
    spans = draw(st.lists(st.tuples(st.integers(0, n), st.integers(0, n), st.booleans()),
                          max_size=12))
    marks = [Highlight(min(a, b), max(a, b), CLAIM if c else MENTION, i, "person proposed")
             for i, (a, b, c) in enumerate(spans) if a != b]
    pages = sorted(draw(st.lists(st.integers(0, n), max_size=3)))
    return text, marks, [(p, str(k + 1)) for k, p in enumerate(pages)]


@settings(max_examples=150, deadline=None)
@given(_texts_and_marks())
def test_server_render_keeps_every_character_at_its_offset(case):
    text, marks, pages = case
    blocks = _blocks(text)
    doc = lxml_html.fromstring(f"<div>{render_reading(text, blocks, pages, marks)}</div>")
    paras = doc.xpath("./p")
    assert [int(p.get("data-o")) for p in paras] == blocks
    assert "\n\n".join(p.text_content() for p in paras) == text
    # each mark covers exactly its characters, in as many pieces as it was cut into
    for h in marks:
        attr = "data-c" if h.layer == CLAIM else "data-m"
        pieces = doc.xpath(f"//*[@{attr}='{h.ident}']")
        covered = "".join(el.text_content() for el in pieces)
        gaps = {b - k for b in blocks[1:] for k in (1, 2)}
        assert covered == "".join(text[i] for i in range(h.start, h.end) if i not in gaps)
    assert len(doc.xpath("//*[@class='pb' or starts-with(@class,'pb ')]")) == len(pages)


# -- claims ------------------------------------------------------------------------------------
NEKRICH = "According to a study by Alexander Nekrich"


@pytest.fixture
def claims_client(seed_ws, nlp):
    seed_ws.bib_add(REFERENCES)
    seed_ws.propose_claims(nlp=nlp)
    server, c = served(seed_ws)
    yield c
    c.close()
    server.stop()


def _nekrich(ws):
    return next(c for c in ws.claims() if c.text.startswith(NEKRICH))


def _expected(client, url):
    doc = lxml_html.fromstring(client.get(url).text)
    return doc.xpath("//form[@id='workform']//input[@name='expected']/@value")[0]


def test_server_claims_table_filters_by_status_and_source(claims_client, seed_ws):
    all_rows = lxml_html.fromstring(claims_client.get("/claims").text).xpath(
        "//table[contains(@class,'claims')]/tbody/tr")
    assert len(all_rows) == len(seed_ws.claims())
    r = claims_client.get("/claims", params={"status": "attributed",
                                             "source": "german-soviet-axis-talks"})
    doc = lxml_html.fromstring(r.text)
    ids = [int(x) for x in doc.xpath("//table[contains(@class,'claims')]/tbody/tr/td[1]/a/text()")]
    assert ids == [c.id for c in seed_ws.claims(status="attributed")]
    assert _nekrich(seed_ws).id in ids
    assert {c.status for c in seed_ws.claims() if c.id in ids} == {"attributed"}


def test_server_claims_table_unattributed_last_with_confidence(claims_client, seed_ws):
    rows = lxml_html.fromstring(claims_client.get("/claims").text).xpath(
        "//table[contains(@class,'claims')]/tbody/tr")
    kinds = [r.xpath("td[4]/text()")[0].strip() for r in rows]
    first = kinds.index("unattributed")
    assert first > 0 and set(kinds[first:]) == {"unattributed"}
    sure = [float(r.xpath("string(td[contains(@class,'confidence')])")) for r in rows]
    assert sure == [c.confidence for c in seed_ws.claims()]


def test_server_claim_page_shows_the_candidate_and_v_confirms_it(seed_ws, nlp, tmp_path):
    """A description agent's candidate on the claim page: ``v`` sets it, as 'claim agent'."""
    claim = premier_claim(seed_ws, nlp, tmp_path)
    server, client = served(seed_ws)
    try:
        listed = lxml_html.fromstring(client.get("/claims").text)
        assert "(may be Molotov)" in listed.xpath("string(//span[@class='candidate'])")
        url = f"/claim/{claim.id}"
        doc = lxml_html.fromstring(client.get(url).text)
        form = doc.xpath("//form[contains(@class,'candidate')]")[0]
        assert form.xpath("string(.//strong[@class='candidate-name'])") == "Molotov"
        assert form.xpath(".//button/@data-key") == ["v"]
        fields = {i.get("name"): i.get("value") for i in form.xpath(".//input")}
        assert fields["agent"] == "Molotov"
        r = post(client, f"{url}/agent", {k: v for k, v in fields.items() if k != "_token"},
                 headers={"HX-Request": "true"})
        assert r.status_code == 200, r.text
        after = seed_ws.claim(claim.id)
        assert (after.agent, after.agent_candidate) == ("Molotov", "")
        assert not lxml_html.fromstring(r.text).xpath("//form[contains(@class,'candidate')]")
    finally:
        client.close()
        server.stop()


def test_server_claim_page_says_a_suggestion_is_not_of_the_cited_year(seed_ws, nlp, tmp_path):
    """'(Gorodetsky 1990, 33)' with no work of his of 1990: the page marks the suggestion of
    his other book, not as a plain 'suggested'."""
    (tmp_path / "g.bib").write_text("@book{gorodetsky1999, author = {Gorodetsky, Gabriel},\n"
                                    "  title = {Grand Delusion}, year = {1999}}\n",
                                    encoding="utf-8")
    seed_ws.bib_add(tmp_path / "g.bib")
    (tmp_path / "note.txt").write_text("Note\n\nCripps warned Stalin in vain (Gorodetsky "
                                       "1990, 33).\n", encoding="utf-8")
    seed_ws.add(tmp_path / "note.txt")
    seed_ws.propose_claims(["note"], nlp=nlp)
    (claim,) = seed_ws.claims(source_id="note")
    server, client = served(seed_ws)
    try:
        doc = lxml_html.fromstring(client.get(f"/claim/{claim.id}").text)
        assert doc.xpath("//li[contains(@class,'link')]//span[@class='pill proposed']/text()") \
            == ["suggested, not of the cited year"]
    finally:
        client.close()
        server.stop()


def test_server_claim_link_to_work_is_the_library_act(claims_client, seed_ws):
    claim = _nekrich(seed_ws)
    url = f"/claim/{claim.id}"
    r = post(claims_client, f"{url}/link", {"key": "nekrich1997", "locus": "p. 214",
                                            "rel": "supports",
                                            "expected": _expected(claims_client, url)},
             headers={"HX-Request": "true"})
    assert r.status_code == 200, r.text
    after = seed_ws.claim(claim.id)
    assert after.status == "supported"
    assert [(ln.bib_key, ln.locus, ln.status) for ln in after.links] == \
        [("nekrich1997", "p. 214", "confirmed")]
    last = seed_ws.store.one("SELECT act, target, editor FROM decisions ORDER BY id DESC LIMIT 1")
    assert tuple(last) == ("claim-link", f"claim:{claim.id}", "tester")
    assert "Pariahs, Partners, Predators" in r.text


def test_server_claim_changed_meanwhile_is_refused(claims_client, seed_ws):
    claim = _nekrich(seed_ws)
    url = f"/claim/{claim.id}"
    expected = _expected(claims_client, url)
    seed_ws.link_claim(claim.id, "israelyan2003", rel="mentions")  # the CLI, meanwhile
    before = seed_ws.store.one("SELECT count(*) FROM decisions")[0]
    r = post(claims_client, f"{url}/link", {"key": "nekrich1997", "expected": expected},
             headers={"HX-Request": "true"})
    assert r.status_code == 409
    assert "changed since this page was loaded" in r.text and "W112" in r.text
    assert r.headers["HX-Retarget"] == "#flash"
    assert seed_ws.store.one("SELECT count(*) FROM decisions")[0] == before
    # reloaded, the page shows the change and the act goes through
    page = claims_client.get(url).text
    assert "israelyan2003" in page
    r = post(claims_client, f"{url}/link", {"key": "nekrich1997",
                                            "expected": _expected(claims_client, url)})
    assert r.status_code == 303
    assert seed_ws.claim(claim.id).status == "supported"


def test_server_claim_select_passage_of_another_source(claims_client, seed_ws, tmp_path):
    other = tmp_path / "memo.txt"
    other.write_text("A memo\n\nMolotov's counterproposal reached Berlin on 26 November.\n")
    seed_ws.add(other)
    claim = _nekrich(seed_ws)
    url = f"/claim/{claim.id}"
    pick = claims_client.get("/passage", params={"source": "memo"}).text
    assert 'data-o="' in pick and "counterproposal" in pick
    text = seed_ws.reading_text("memo")
    start = text.index("Molotov")
    r = post(claims_client, f"{url}/link", {"source": "memo", "start": str(start),
                                            "end": str(len(text)), "locus": "¶ 2",
                                            "expected": _expected(claims_client, url)})
    assert r.status_code == 303
    link = seed_ws.claim(claim.id).links[-1]
    assert (link.target_source_id, link.target_start, link.target_end, link.locus) == \
        ("memo", start, len(text), "¶ 2")


def test_server_claim_page_shows_stale_words_as_they_were(ws, tmp_path):
    """A claim and a passage whose words changed when their source was replaced: the claim
    page shows the words they had, read from the version they were made on, and says the
    link is stale (was: the page read the old offsets over the new text, wrong words)."""
    claim, link = titus_linked(ws)
    start = ws.reading_text("a00187152").index(TITUS_PASSAGE)
    own = ws.add_claim("a00187152", span=(start, start + len(TITUS_PASSAGE)))
    titus_replaced(ws, tmp_path, "from near New York", "from near the city of New York")
    server, client = served(ws)
    try:
        page = lxml_html.fromstring(client.get(f"/claim/{claim.id}").text)
        shown = " ".join(page.xpath("string(//ul[@class='links']/li)").split())
        assert f"a00187152: “{TITUS_PASSAGE}”" in shown and "stale" in shown
        url = f"/claim/{own.id}"
        page = lxml_html.fromstring(client.get(url).text)
        assert page.xpath("string(//blockquote[@class='claim-text']/span[2])") == TITUS_PASSAGE
        assert "(it was confirmed)" in page.xpath("string(//span[contains(@class, "
                                                  "'stale-note')])")
        expected = page.xpath("//form[@id='workform']//input[@name='expected']/@value")[0]
        r = post(client, f"{url}/state", {"state": "rejected", "expected": expected})
        assert r.status_code == 303 and ws.claim(own.id).state == "rejected"
    finally:
        client.close()
        server.stop()


def test_server_escapes_bibliography_text(claims_client, seed_ws, tmp_path):
    bib = tmp_path / "hostile.bib"
    bib.write_text("@book{hostile2020,\n  author = {Evil, Eve},\n"
                   "  title = {Moscow <script>alert(1)</script> \"onmouseover=alert(1) x=\"},\n"
                   "  year = {2020},\n}\n", encoding="utf-8")
    seed_ws.bib_add(bib)
    claim = _nekrich(seed_ws)
    seed_ws.link_claim(claim.id, "hostile2020", locus='p. 1 "onmouseover=alert(2)')
    for url in ("/bib/search?q=evil", f"/claim/{claim.id}", "/claims"):
        r = claims_client.get(url)
        assert r.status_code == 200
        assert "<script>alert" not in r.text
        doc = lxml_html.fromstring(r.text)
        assert not doc.xpath("//*[@onmouseover]")
        assert len(doc.xpath("//script")) in (0, 2)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in claims_client.get("/bib/search?q=evil").text


def test_server_sources_page_counts_claims_by_support(claims_client, seed_ws):
    doc = lxml_html.fromstring(claims_client.get("/").text)
    pills = doc.xpath("//table[contains(@class,'sources')]//td[4]/span/text()")
    want = {}
    for c in seed_ws.claims():
        want[c.status] = want.get(c.status, 0) + 1
    assert sorted(pills) == sorted(f"{n} {s}" for s, n in want.items())


def test_server_a_file_edited_by_hand_is_read_as_the_store_keeps_it(ws, tmp_path):
    """A source's file edited by hand since it was added (S016): the claims table, its claims'
    pages and its reading view read it as the store keeps it, as 'claims' does, under a banner
    with the S016 line (escaped); another source's claim and view open as before, without
    one; the sources page marks the edited source (was: every claims page, even one of
    another source, and the edited source's view refused, 400, and '/' marked nothing)."""
    edited, kept, file = _edited_note(ws, tmp_path, b"1941")  # its claim's own words edited
    server, client = served(ws)

    def banners(url):
        r = client.get(url)
        assert r.status_code == 200, (url, r.text)
        doc = lxml_html.fromstring(r.text)
        return r.text, doc, [" ".join(b.text_content().split())
                             for b in doc.xpath("//*[contains(@class,'source-warning')]")]

    try:
        said = (f"{file}: file changed since it was added run 'annotator add --replace "
                f"{file}' to take the edit")
        for url in ("/claims", f"/claim/{edited.id}", "/s/note"):
            html, doc, [banner] = banners(url)
            assert banner.startswith(said) and banner.endswith("S016"), (url, banner)
            assert "&#39;annotator add --replace" in html  # escaped as every text
        for url in (f"/claim/{kept.id}", "/s/other", "/claims?source=other"):
            assert banners(url)[2] == [], url
        _, doc, _ = banners(f"/claim/{edited.id}")
        assert doc.xpath("string(//blockquote[@class='claim-text']/span[2])") == \
            "The war began in 1941."  # the stored version's words (the file's say 1940)
        assert f"{edited.location} of the stored version" in " ".join(doc.text_content().split())
        _, doc, _ = banners("/s/note")
        words = doc.xpath("string(//article[@id='text'])")
        assert "The war began in 1941." in words and "1940" not in words  # the stored version
        _, doc, _ = banners("/")
        marked = {row.xpath("string(.//code[1])"): row.xpath(".//*[@data-code]/@data-code")
                  for row in doc.xpath("//table[contains(@class,'sources')]/tbody/tr")}
        assert marked == {"note": ["S016"], "other": []}
    finally:
        client.close()
        server.stop()


# -- entities --------------------------------------------------------------------------------
@pytest.fixture
def proposed_client(seed_ws):
    seed_ws.propose()
    server, c = served(seed_ws)
    yield c
    c.close()
    server.stop()


def test_server_reading_view_marks_every_current_mention(proposed_client, seed_ws):
    doc = lxml_html.fromstring(proposed_client.get("/s/german-soviet-axis-talks").text)
    text = seed_ws.reading_text("german-soviet-axis-talks")
    for m in seed_ws.mentions("german-soviet-axis-talks"):
        pieces = doc.xpath(f"//article[@id='text']//mark[@data-m='{m.id}']")
        assert "".join(p.text_content() for p in pieces) == text[m.start:m.end]
        assert f"{m.type} {m.status}" in pieces[0].get("class")


def test_server_register_search_by_name_variant_and_type(proposed_client, seed_ws):
    r = proposed_client.get("/register", params={"status": "", "q": "ribbentrop"})
    doc = lxml_html.fromstring(r.text)
    names = doc.xpath("//table[contains(@class,'register')]//span[@class='title']/text()")
    want = [e.preferred for e in seed_ws.entities()
            if any("ribbentrop" in v.lower() for v in (e.preferred, *e.variants))]
    assert names and sorted(names) == sorted(want)
    r = proposed_client.get("/register", params={"status": "", "type": "place"})
    types = lxml_html.fromstring(r.text).xpath("//table[contains(@class,'register')]//td[2]//text()")
    assert set(t.strip() for t in types if t.strip()) == {"place"}


@pytest.mark.parametrize("status", ["", "confirmed"])
def test_server_register_search_spells_letters_nfkd_leaves_whole(ws, tmp_path, status):
    """'lodz' finds 'Łódź' and 'aethelred' 'Æthelred' (the Ł and Æ were dropped or kept)."""
    tei = tmp_path / "names.xml"
    tei.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>'
                   "<title>N</title></titleStmt><publicationStmt><p>x</p></publicationStmt>"
                   "<sourceDesc><p>x</p></sourceDesc></fileDesc></teiHeader><text><body><p>"
                   '<persName ref="#ae">Æthelred</persName> rode to <placeName ref="#lo">Łódź'
                   "</placeName>.</p></body></text></TEI>", encoding="utf-8")
    ws.add(tei)
    if status:
        ws.confirm(*[e.id for e in ws.entities()])
    server, c = served(ws)
    with server_stopped(server), c:
        found = {q: lxml_html.fromstring(c.get("/register", params={"status": status, "q": q})
                                         .text).xpath("//table[contains(@class,'register')]"
                                                      "//span[@class='title']/text()")
                 for q in ("lodz", "aethelred", "ŁÓDŹ", "Сидоров")}
    assert found == {"lodz": ["Łódź"], "aethelred": ["Æthelred"], "ŁÓDŹ": ["Łódź"],
                     "Сидоров": []}


def test_server_reading_view_page_numbers_in_margin(ws, tmp_path):
    tei = tmp_path / "paged.xml"
    tei.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>'
                   "<title>Paged</title></titleStmt><publicationStmt><p>x</p></publicationStmt>"
                   "<sourceDesc><p>x</p></sourceDesc></fileDesc></teiHeader><text><body>"
                   '<pb n="12"/><p>First page text.</p><p>Still the first <pb n="13"/>and the '
                   'second.</p><pb n="14"/><p>Third page.</p></body></text></TEI>')
    ws.add(tei)
    server, c = served(ws)
    with server_stopped(server), c:
        doc = lxml_html.fromstring(c.get("/s/paged").text)
    paras = doc.xpath("//article[@id='text']/p")
    marks = [(pb.getparent().get("data-o"), pb.get("data-n"), pb.text_content())
             for pb in doc.xpath("//article[@id='text']//span[@class='pb']")]
    assert marks == [(paras[0].get("data-o"), "12", ""), (paras[1].get("data-o"), "13", ""),
                     (paras[2].get("data-o"), "14", "")]
    assert paras[1].text_content() == "Still the first and the second."


def _queue_form(client):
    return _queue_form_of(client.get("/queue").text)


def _queue_form_of(html):
    doc = lxml_html.fromstring(html)
    form = doc.xpath("//section[contains(@class,'card')]//form")[0]
    return {i.get("name"): i.get("value") or "" for i in form.xpath(".//input[@type='hidden']")
            if i.get("name") != "_token"}


def test_server_queue_shows_the_first_candidate_in_context(proposed_client, seed_ws):
    first = seed_ws.queue()[0]
    cand = seed_ws.candidate(first, limit=None)  # every mention, not three
    doc = lxml_html.fromstring(proposed_client.get("/queue").text)
    assert doc.xpath("//section[contains(@class,'card')]/@data-entity") == [first]
    assert doc.xpath("//h2[@class='name']/text()") == [cand.entity.preferred]
    marks = doc.xpath("//ol[@class='contexts']/li/mark/text()")
    assert marks == [c.text for c in cand.contexts]
    keys = doc.xpath("//form[contains(@class,'keys-bar')]//button/@data-key")
    assert {"a", "x", "t", "m", "s", "u"} <= set(keys)


def test_server_queue_shows_the_first_mentions_and_a_link_to_all(proposed_client, seed_ws,
                                                                 monkeypatch):
    """An entity of thousands of mentions: the first QUEUE_SHOWN (one per source first), and
    a link that shows every one."""
    from annotator.server import app as server_app

    first = seed_ws.queue()[0]
    every = seed_ws.candidate(first, limit=None).contexts
    assert len(every) > 2
    monkeypatch.setattr(server_app, "QUEUE_SHOWN", 2)
    doc = lxml_html.fromstring(proposed_client.get("/queue").text)
    marks = doc.xpath("//ol[@class='contexts']/li/mark/text()")
    assert marks == [c.text for c in every[:2]]
    more = doc.xpath("//p[contains(@class,'more')]/a/@href")
    assert more and f"{len(every)}" in doc.xpath("string(//p[contains(@class,'more')])")
    doc = lxml_html.fromstring(proposed_client.get(more[0]).text)
    assert doc.xpath("//ol[@class='contexts']/li/mark/text()") == [c.text for c in every]
    assert not doc.xpath("//p[contains(@class,'more')]")


def test_server_queue_accept_is_the_library_act(proposed_client, seed_ws):
    form = _queue_form(proposed_client)
    r = post(proposed_client, "/queue", {**form, "act": "confirm"}, headers={"HX-Request": "1"})
    assert r.status_code == 200
    assert seed_ws.entity(form["entity"]).status == "confirmed"
    d = seed_ws.history(limit=1)[0]
    assert (d.act, d.target, d.editor) == ("confirm", f"entity:{form['entity']}", "tester")
    assert f"Accepted {seed_ws.entity(form['entity']).preferred}" in r.text
    assert form["entity"] not in seed_ws.queue()
    # 'u' takes back the decision made on this page, and only that one
    again = lxml_html.fromstring(r.text).xpath("//input[@name='session']/@value")[0]
    assert again == str(d.id)
    r = post(proposed_client, "/queue", {"act": "undo", "session": again},
             headers={"HX-Request": "1"})
    assert r.status_code == 200 and "Undid decision" in r.text
    assert seed_ws.entity(form["entity"]).status == "proposed"


def test_server_queue_rejects_in_one_source(seed_ws, tmp_path):
    """``h`` then the source: the library's reject_in_source, one act, undone by ``u``."""
    from tests.review_seed import SOURCE, propose_by_names

    copy = tmp_path / "axis-notes.txt"
    copy.write_text(seed_ws.reading_text(SOURCE), encoding="utf-8")
    seed_ws.add(copy)
    propose_by_names(seed_ws)
    propose_by_names(seed_ws, "axis-notes")
    server, client = served(seed_ws)
    try:
        form = _queue_form(client)
        eid = form["entity"]
        doc = lxml_html.fromstring(client.get("/queue").text)
        here = doc.xpath("//div[@id='choose-here']//button/@value")
        assert sorted(here) == ["reject-here:axis-notes", f"reject-here:{SOURCE}"]
        assert "h" in doc.xpath("//form[contains(@class,'keys-bar')]//button/@data-key")
        r = post(client, "/queue", {**form, "act": "reject-here:axis-notes"},
                 headers={"HX-Request": "1"})
        assert r.status_code == 200 and "not proposed there again" in r.text
        assert {(m.source_id, m.status) for m in seed_ws.mentions()
                if m.entity_id == eid} == {(SOURCE, "proposed"), ("axis-notes", "rejected")}
        assert {r["source_id"] for r in seed_ws.store.query(
            "SELECT source_id FROM source_rejections")} == {"axis-notes"}
        session = lxml_html.fromstring(r.text).xpath("//input[@name='session']/@value")[0]
        r = post(client, "/queue", {"act": "undo", "session": session},
                 headers={"HX-Request": "1"})
        assert r.status_code == 200
        assert seed_ws.store.query("SELECT * FROM source_rejections") == []
    finally:
        client.close()
        server.stop()


def test_server_queue_card_shows_the_sources_ref_and_the_register_match(seed_ws):
    """The card says what the edition itself pointed to (``@ref="#nowhere"`` on "NKVD", which
    no register entry answers to) and which register entry a candidate may be, with its ids,
    without opening the merge chooser."""
    from tests.conftest import DATA
    from tests.review_seed import propose_by_names

    # its own register: "hitler", wikidata Q352; and "NKVD" written again, unmarked: the
    # known entity the edition pointed to (#nowhere) comes to the queue for that mention
    marked = seed_ws.root / "marked.xml"
    marked.write_text((DATA / "marked.xml").read_text(encoding="utf-8").replace(
        "Hitler spoke first;", "The NKVD listened. Hitler spoke first;"), encoding="utf-8")
    seed_ws.add(marked)
    propose_by_names(seed_ws, "marked", {"nowhere": ("org", ["NKVD"])})
    propose_by_names(seed_ws)  # the seed's candidate person-adolf-hitler
    server, client = served(seed_ws)
    try:
        doc = lxml_html.fromstring(client.get("/queue", params={"type": "person"}).text)
        assert doc.xpath("//section[contains(@class,'card')]/@data-entity") == \
            ["person-adolf-hitler"]
        match = doc.xpath("//ul[@class='matches']/li")
        assert [li.xpath("string(code)") for li in match] == ["hitler"]
        assert match[0].xpath("string(strong)") == seed_ws.entity("hitler").preferred
        assert match[0].xpath(".//a/@href") == ["https://www.wikidata.org/wiki/Q352"]
        assert not doc.xpath("//div[@class='refs']")  # the seed has no markup
        for eid in seed_ws.queue(type="org"):
            if eid != "nowhere":
                seed_ws.reject(eid)
        doc = lxml_html.fromstring(client.get("/queue", params={"type": "org"}).text)
        assert doc.xpath("//section[contains(@class,'card')]/@data-entity") == ["nowhere"]
        assert doc.xpath("//div[@class='refs']/code/text()") == ["#nowhere"]  # as written
        where = doc.xpath("//ol[@class='contexts']/li/span[@class='where']")
        assert [" ".join(w.text_content().split()) for w in where] == ["1 marked"]
        # known, the edition's own: no register entry is offered to merge it into
        assert not doc.xpath("//ul[@class='matches']/li/code")
    finally:
        client.close()
        server.stop()


def _two_ribbentrops(seed_ws):
    """The queue left with this text's 'Joachim von Ribbentrop' first and another file's bare
    'Ribbentrop' (one mention) beside it."""
    from tests.review_seed import propose_by_names

    propose_by_names(seed_ws)
    propose_by_names(seed_ws, candidates={"ribbentrop": ("person", ["Ribbentrop"])})
    for eid in seed_ws.queue():  # leave the two Ribbentrops
        if "ribbentrop" not in eid:
            seed_ws.skip(eid)
    seed_ws.store.conn.execute("BEGIN IMMEDIATE")  # another file's mention of the bare name
    seed_ws.store.conn.execute("UPDATE mentions SET entity_id = 'ribbentrop' WHERE id = ("
                               "SELECT MAX(id) FROM mentions WHERE entity_id = "
                               "'person-joachim-von-ribbentrop')")
    seed_ws.store.conn.execute("COMMIT")


def test_server_queue_card_suggests_the_entity_it_is_probably_and_m_1_merges(seed_ws):
    """Another file's 'Ribbentrop' beside this text's 'Joachim von Ribbentrop': the card says
    "maybe the same as", why, that m then 1 merges and which name and id each way keeps; m 1
    is that entity, before any register match, and merges with the existing merge act; the
    next card is the one kept."""
    _two_ribbentrops(seed_ws)
    server, client = served(seed_ws)
    try:
        doc = lxml_html.fromstring(client.get("/queue").text)
        assert doc.xpath("//section[contains(@class,'card')]/@data-entity") == \
            ["person-joachim-von-ribbentrop"]
        (line,) = doc.xpath("//ul[@aria-label='Probably the same']/li")
        assert " ".join(line.text_content().split()) == (
            "maybe the same as Ribbentrop proposed ribbentrop (both written \u201cRibbentrop"
            "\u201d) \u2014 m 1 to merge, keeps Ribbentrop (ribbentrop) \u00b7 M 1 the other "
            "way, keeps Joachim von Ribbentrop (person-joachim-von-ribbentrop)")
        (first,) = doc.xpath("//div[@id='choose-merge']//button[@data-key='1']")
        assert first.get("value") == "merge:ribbentrop"
        form = _queue_form(client)
        r = post(client, "/queue", {**form, "act": "merge:ribbentrop"},
                 headers={"HX-Request": "1"})
        assert r.status_code == 200
        # the entity kept is named anew among both's mentions: the fullest name
        assert "Merged Joachim von Ribbentrop into Ribbentrop; kept Joachim von Ribbentrop " \
            "(ribbentrop)." in r.text
        assert {m.entity_id for m in seed_ws.mentions() if m.surface.endswith("Ribbentrop")} \
            == {"ribbentrop"}
        doc = lxml_html.fromstring(r.text)
        assert doc.xpath("//section[contains(@class,'card')]/@data-entity") == ["ribbentrop"]
    finally:
        client.close()
        server.stop()


def test_server_queue_never_offers_a_merge_into_a_register_match_of_another_type(seed_ws):
    """A person 'Berlin' beside the register's place Berlin: the card shows the register match,
    but its merge chooser offered 'm 1' into it, a merge that made the person's mentions
    places; now it offers none (a merge across types is refused, D032: relabel first)."""
    from tests.review_seed import propose_by_names

    propose_by_names(seed_ws)
    propose_by_names(seed_ws, candidates={"person-berlin": ("person", ["Berlin"])})
    seed_ws.confirm("place-berlin")
    for eid in seed_ws.queue():
        if eid != "person-berlin":
            seed_ws.skip(eid)
    server, client = served(seed_ws)
    try:
        doc = lxml_html.fromstring(client.get("/queue").text)
        assert doc.xpath("//section[contains(@class,'card')]/@data-entity") == ["person-berlin"]
        assert "place-berlin" in " ".join(
            doc.xpath("//ul[@aria-label='Register matches']//text()"))
        offered = doc.xpath("//div[@id='choose-merge']//button[@name='act']/@value")
        assert "merge:place-berlin" not in offered, offered
    finally:
        client.close()
        server.stop()


def test_server_queue_shift_m_merges_the_suggested_entity_into_the_card(seed_ws):
    """M then 1: the other way round, the suggested 'Ribbentrop' folds into the card's
    'Joachim von Ribbentrop', which keeps its id (and its name, the fullest) and is the next
    card, with the other's mention; refused (D010, nothing merged) when either entity changed
    since the card was drawn."""
    _two_ribbentrops(seed_ws)
    server, client = served(seed_ws)
    card = "person-joachim-von-ribbentrop"
    try:
        doc = lxml_html.fromstring(client.get("/queue").text)
        (button,) = doc.xpath("//form[contains(@class,'keys-bar')]//button[@data-key='M']")
        assert button.get("data-opens") == "choose-merge-here"
        (one,) = doc.xpath("//div[@id='choose-merge-here']//li")
        assert one.xpath(".//button/@value") == ["merge-here:ribbentrop"]
        assert one.xpath(".//button/@data-key") == ["1"]
        assert one.xpath("string(.//span[@class='keeps'])") == f"keeps Joachim von Ribbentrop " \
            f"({card})"
        # the suggested entity changed meanwhile (the CLI): refused, nothing merged
        form = _queue_form(client)
        seed_ws.set_note("ribbentrop", "the foreign minister")
        before = seed_ws.history(limit=1)[0].id
        r = post(client, "/queue", {**form, "act": "merge-here:ribbentrop"},
                 headers={"HX-Request": "1"})
        assert r.status_code == 409 and "D010" in r.text and "ribbentrop" in r.text
        assert seed_ws.history(limit=1)[0].id == before
        # the card's entity changed meanwhile: refused too
        form = _queue_form(client)
        seed_ws.set_note(card, "checked in the 1941 edition")
        r = post(client, "/queue", {**form, "act": "merge-here:ribbentrop"},
                 headers={"HX-Request": "1"})
        assert r.status_code == 409 and "D010" in r.text
        assert seed_ws.history(limit=1)[0].act == "note"
        # and the other way into the suggestion (m): refused when the suggestion changed
        form = _queue_form(client)
        seed_ws.set_note("ribbentrop", "the minister")
        r = post(client, "/queue", {**form, "act": "merge:ribbentrop"},
                 headers={"HX-Request": "1"})
        assert r.status_code == 409 and "D010" in r.text
        form = _queue_form(client)
        n = len(seed_ws.entity(card).variants)
        r = post(client, "/queue", {**form, "act": "merge-here:ribbentrop"},
                 headers={"HX-Request": "1"})
        assert r.status_code == 200
        assert (f"Merged Ribbentrop (ribbentrop) into Joachim von Ribbentrop; kept Joachim von "
                f"Ribbentrop ({card}).") in r.text
        assert seed_ws.entity(card).preferred == "Joachim von Ribbentrop"
        assert len(seed_ws.entity(card).variants) >= n
        assert {m.entity_id for m in seed_ws.mentions() if m.surface.endswith("Ribbentrop")} \
            == {card}
        assert seed_ws.history(limit=1)[0].act == "merge"
        doc = lxml_html.fromstring(r.text)
        assert doc.xpath("//section[contains(@class,'card')]/@data-entity") == [card]
        assert not doc.xpath("//ul[@aria-label='Probably the same']")
    finally:
        client.close()
        server.stop()


def test_server_queue_refuses_an_act_on_a_changed_entity(proposed_client, seed_ws):
    form = _queue_form(proposed_client)
    seed_ws.set_note(form["entity"], "checked in the 1941 edition")  # the CLI, meanwhile
    before = seed_ws.history(limit=1)[0].id
    r = post(proposed_client, "/queue", {**form, "act": "confirm"}, headers={"HX-Request": "1"})
    assert r.status_code == 409
    assert "changed since you loaded it" in r.text and "D010" in r.text
    assert r.headers["HX-Retarget"] == "#flash"
    assert seed_ws.history(limit=1)[0].id == before
    assert seed_ws.entity(form["entity"]).status == "proposed"
    # relabelled meanwhile (a new id): refused too, naming what is gone
    form = _queue_form(proposed_client)
    seed_ws.relabel(form["entity"], "org")
    r = post(proposed_client, "/queue", {**form, "act": "reject"}, headers={"HX-Request": "1"})
    assert r.status_code in (400, 409) and form["entity"] in r.text
    assert seed_ws.history(limit=1)[0].act == "relabel"


@pytest.mark.parametrize("act", ["reject-proposed", "confirm-proposed", "reject-proposed-here"])
def test_server_queue_card_of_a_known_entity_decides_its_new_mentions(seed_ws, tmp_path, act):
    """A register entry whose model mentions stay proposed is a card of its own, as in the
    terminal: it says so, shows those mentions only and offers a, x, h, s, u (no type, merge
    or split: they would change the entry); each is one library act on the mentions, the
    entry as it was; u takes it back; an act on a card the CLI changed meanwhile: 409."""
    from tests.review_seed import KNOWN, SOURCE, known_entity

    ids = known_entity(seed_ws, tmp_path)
    seed_ws.confirm("person-adolf-hitler", "place-soviet-union")
    server, client = served(seed_ws)
    try:
        doc = lxml_html.fromstring(client.get("/queue").text)
        assert doc.xpath("//section[contains(@class,'card')]/@data-entity") == [KNOWN]
        assert doc.xpath("normalize-space(//div[@class='known']/strong)") == (
            "Joachim von Ribbentrop (register entry, confirmed): 9 new mentions proposed")
        assert len(doc.xpath("//ol[@class='contexts']/li")) == 9
        assert not doc.xpath("//ul[@aria-label='Register matches']")
        bar = "//form[contains(@class,'keys-bar')]"
        keys = doc.xpath(f"{bar}/button/@data-key")
        assert sorted(keys) == ["a", "h", "s", "u", "x"]
        assert doc.xpath(f"{bar}/button[@data-key='a']/@value") == ["confirm-proposed"]
        assert doc.xpath(f"{bar}/button[@data-key='x']/@value") == ["reject-proposed"]
        assert doc.xpath("//div[@id='choose-here']//button/@value") == [
            f"reject-proposed-here:{SOURCE}"]
        form = _queue_form(client)
        value = f"{act}:{SOURCE}" if act.endswith("here") else act
        seed_ws.confirm(f"mention:{ids[0]}")  # the CLI, meanwhile
        r = post(client, "/queue", {**form, "act": value}, headers=HX)
        assert r.status_code == 409 and "D010" in r.text
        seed_ws.undo()
        entry = seed_ws.entity(KNOWN, counts=False)
        r = post(client, "/queue", {**form, "act": value}, headers=HX)
        assert r.status_code == 200
        want = "confirmed" if act == "confirm-proposed" else "rejected"
        assert {seed_ws.mention(i).status for i in ids} == {want}
        assert seed_ws.entity(KNOWN, counts=False) == entry  # status, names, ids as they were
        assert "stays as it is" in r.text
        assert KNOWN not in seed_ws.queue()
        d = seed_ws.history(limit=1)[0]
        assert (d.act, d.target) == ("reject-here" if act.endswith("here") else act,
                                     f"entity:{KNOWN}")
        session = lxml_html.fromstring(r.text).xpath("//input[@name='session']/@value")[0]
        assert session == str(d.id)
        r = post(client, "/queue", {"act": "undo", "session": session}, headers=HX)
        assert r.status_code == 200 and "Undid decision" in r.text
        assert {seed_ws.mention(i).status for i in ids} == {"proposed"}
        assert seed_ws.queue()[0] == KNOWN
    finally:
        client.close()
        server.stop()


def test_server_add_mention_on_selection_is_the_library_act(proposed_client, seed_ws):
    sid = "german-soviet-axis-talks"
    text = seed_ws.reading_text(sid)
    start = text.index("Lebensraum")
    sha = seed_ws.source(sid).sha256
    r = post(proposed_client, f"/s/{sid}/add", {"start": str(start), "end": str(start + 10),
                                               "what": "place", "sha256": sha},
             headers={"HX-Request": "1"})
    assert r.status_code == 200
    added = [m for m in seed_ws.mentions(sid) if m.start == start]
    assert [(m.type, m.status, m.surface) for m in added] == [("place", "confirmed", "Lebensraum")]
    assert f'data-m="{added[0].id}"' in r.text
    # the page was drawn for another version of the source: refused
    r = post(proposed_client, f"/s/{sid}/add", {"start": "0", "end": "6", "what": "place",
                                               "sha256": "0" * 64})
    assert r.status_code == 409 and "W111" in r.text


def test_server_mention_panel_decides_the_entity_or_one_mention(proposed_client, seed_ws):
    sid = "german-soviet-axis-talks"
    m = next(m for m in seed_ws.mentions(sid) if m.surface == "Hitler")
    doc = lxml_html.fromstring(proposed_client.get(f"/s/{sid}/mention/{m.id}", headers=HX).text)
    forms = doc.xpath("//form")
    entity_form = {i.get("name"): i.get("value") for i in forms[0].xpath(".//input")}
    mention_form = {i.get("name"): i.get("value") for i in forms[1].xpath(".//input")}
    r = post(proposed_client, f"/s/{sid}/mention/{m.id}", {**mention_form, "act": "reject"},
             headers={"HX-Request": "1"})
    assert r.status_code == 200 and 'hx-swap-oob="innerHTML"' in r.text
    assert next(x for x in seed_ws.mentions(sid) if x.id == m.id).status == "rejected"
    # the entity form was drawn before the mention changed: refused, nothing applied
    r = post(proposed_client, f"/s/{sid}/mention/{m.id}", {**entity_form, "act": "confirm"},
             headers={"HX-Request": "1"})
    assert r.status_code == 409
    assert seed_ws.entity(m.entity_id).status == "proposed"


def test_server_register_adds_authority_ids(proposed_client, seed_ws):
    eid = seed_ws.queue()[0]
    seed_ws.confirm(eid)
    doc = lxml_html.fromstring(proposed_client.get("/register").text)
    form = doc.xpath(f"//tr[@id='entity-{eid}']//form")[0]
    expected = form.xpath(".//input[@name='expected']/@value")[0]
    r = post(proposed_client, f"/entity/{eid}/link", {"scheme": "wikidata", "value": "Q352",
                                                     "expected": expected},
             headers={"HX-Request": "1"})
    assert r.status_code == 200
    assert dict(seed_ws.entity(eid).authority) == {"wikidata": "Q352"}
    row = lxml_html.fromstring(r.text)
    assert row.xpath("//a/@href") == ["https://www.wikidata.org/wiki/Q352"]
    r = post(proposed_client, f"/entity/{eid}/link", {"scheme": "wikidata", "value": "352x"},
             headers={"HX-Request": "1"})
    assert r.status_code == 400


def test_server_history_shows_decisions_made_elsewhere(proposed_client, seed_ws):
    eid = seed_ws.queue()[0]
    seed_ws.reject(eid)  # the CLI
    doc = lxml_html.fromstring(proposed_client.get("/history").text)
    first = doc.xpath("//table[contains(@class,'history')]/tbody/tr[1]/td//text()")
    assert "reject" in first and f"entity:{eid}" in first and "tester" in first
    r = post(proposed_client, "/undo", {})
    assert r.status_code == 303
    assert seed_ws.entity(eid).status == "proposed"


@settings(max_examples=60, deadline=None)
@given(_texts_and_marks(), st.lists(st.lists(st.integers(0, 11), max_size=4), min_size=1,
                                    max_size=4))
def test_server_render_block_by_block_equals_full_render(case, drops):
    text, marks, pages = case
    blocks = _blocks(text)
    view = Reading(text, blocks, pages)
    for drop in drops:  # marks come and go between requests; only changed blocks are redrawn
        now = [h for h in marks if h.ident not in drop]
        assert view.render(now) == render_reading(text, blocks, pages, now)


def test_server_queue_of_one_type(proposed_client, seed_ws):
    doc = lxml_html.fromstring(proposed_client.get("/queue", params={"type": "place"}).text)
    assert doc.xpath("//section[contains(@class,'card')]/@data-entity") == \
        seed_ws.queue(type="place")[:1]
    form = {i.get("name"): i.get("value") or "" for i in
            doc.xpath("//form[contains(@class,'keys-bar')]//input[@type='hidden']")
            if i.get("name") != "_token"}
    assert form["type"] == "place"
    r = post(proposed_client, "/queue", {**form, "act": "skip"})
    assert r.status_code == 303 and "type=place" in r.headers["location"]
    assert proposed_client.get("/queue", params={"type": "event"}).status_code == 400


def test_server_claim_on_selection_takes_kind_and_agent(client, seed_ws):
    sid = "german-soviet-axis-talks"
    text = seed_ws.reading_text(sid)
    quote = "the showdown with Bolshevism"
    start = text.index(quote)
    span = {"start": str(start), "end": str(start + len(quote)), "what": "claim"}
    r = post(client, f"/s/{sid}/add", {**span, "kind": "quoted", "agent": " Adolf  Hitler "},
             headers={"HX-Request": "1"})
    assert r.status_code == 200
    assert "quoted, by Adolf Hitler" in r.headers["HX-Trigger"]
    [claim] = [c for c in seed_ws.claims(source_id=sid) if c.start == start]
    assert (claim.kind, claim.agent, claim.state) == ("quoted", "Adolf Hitler", "confirmed")
    d = seed_ws.history(limit=1)[0]
    assert (d.act, d.target) == ("claim-add", f"claim:{claim.id}")
    # an editorial claim has no agent, whatever the form says; a kind of no meaning is refused
    fact = "Ribbentrop and Molotov tried to set German and Soviet spheres of influence."
    f0 = text.index(fact)
    r = post(client, f"/s/{sid}/add", {"start": str(f0), "end": str(f0 + len(fact)),
                                       "what": "claim", "kind": "editorial", "agent": "X"})
    assert r.status_code == 303
    [claim] = [c for c in seed_ws.claims(source_id=sid) if c.start == f0]
    assert (claim.kind, claim.agent) == ("editorial", "")
    r = post(client, f"/s/{sid}/add", {**span, "kind": "rumour"})
    assert r.status_code == 400 and "D305" in r.text


def _adjust_form(client, sid, mention_id):
    doc = lxml_html.fromstring(client.get(f"/s/{sid}/mention/{mention_id}", headers=HX).text)
    form = doc.xpath("//form[contains(@class,'adjust')]")[0]
    assert form.get("hidden") is not None  # shown only while text is selected
    return {i.get("name"): i.get("value") or "" for i in form.xpath(".//input")
            if i.get("name") != "_token"}


def test_server_mention_adjust_to_selection_is_the_library_act(proposed_client, seed_ws):
    sid, m, wider, start = molotov_widened(seed_ws)
    assert start < m.start < start + len(wider)
    form = _adjust_form(proposed_client, sid, m.id)
    url = f"/s/{sid}/mention/{m.id}/adjust"
    r = post(proposed_client, url, {**form, "start": str(start), "end": str(start + len(wider))},
             headers={"HX-Request": "1"})
    assert r.status_code == 200
    assert "Mention adjusted to \u201cForeign Minister Vyacheslav Molotov\u201d" in r.text
    assert 'hx-swap-oob="innerHTML"' in r.text  # the reading text redrawn too
    after = seed_ws.mention(m.id)
    assert (after.start, after.end, after.status) == (start, start + len(wider), "confirmed")
    d = seed_ws.history(limit=1)[0]
    assert (d.act, d.target, d.editor) == ("adjust", f"mention:{m.id}", "tester")
    # the same form again: drawn before the mention changed, refused with nothing applied
    r = post(proposed_client, url, {**form, "start": str(m.start), "end": str(m.end)},
             headers={"HX-Request": "1"})
    assert r.status_code == 409 and "D010" in r.text and "changed since" in r.text
    assert r.headers["HX-Retarget"] == "#flash"
    assert seed_ws.mention(m.id).start == start
    # a selection elsewhere in the text is not an adjustment of this mention
    form = _adjust_form(proposed_client, sid, m.id)
    r = post(proposed_client, url, {**form, "start": "0", "end": "6"})
    assert r.status_code == 400 and "W109" in r.text
    # the source changed since the page was drawn
    r = post(proposed_client, url, {**form, "start": str(m.start), "end": str(m.end),
                                    "sha256": "0" * 64})
    assert r.status_code == 409 and "W111" in r.text
    # without the per-server token or from another origin: refused by the guard
    r = post(proposed_client, url, {**form, "start": str(m.start), "end": str(m.end)},
             token=None)
    assert r.status_code == 403
    r = post(proposed_client, url, {**form, "start": str(m.start), "end": str(m.end)},
             origin="http://evil.example")
    assert r.status_code == 403
    assert seed_ws.history(limit=1)[0].id == d.id


def test_server_queue_split_mentions_off_the_entity(proposed_client, seed_ws):
    form = _queue_form(proposed_client)
    eid = form["entity"]
    cand = seed_ws.candidate(eid, limit=None)  # split from any of them
    assert len(cand.contexts) >= 2
    before = seed_ws.entity(eid).mentions
    doc = lxml_html.fromstring(proposed_client.get("/queue").text)
    boxes = doc.xpath("//div[@id='choose-split']//input[@type='checkbox']")
    assert [b.get("name") for b in boxes] == [f"split:{c.mention_id}" for c in cand.contexts]
    assert [b.get("data-key") for b in boxes] == [str(i) if i < 10 else None
                                                  for i in range(1, len(boxes) + 1)]
    moved = cand.contexts[1].mention_id
    r = post(proposed_client, "/queue", {**form, "act": "split", f"split:{moved}": "1",
                                         "preferred": " Another One "},
             headers={"HX-Request": "1"})
    assert r.status_code == 200
    new_id = seed_ws.mention(moved).entity_id
    assert new_id != eid
    new = seed_ws.entity(new_id)
    assert (new.preferred, new.type, new.mentions) == ("Another One", cand.entity.type, 1)
    assert seed_ws.entity(eid).mentions == before - 1
    assert f"Split 1 mention off {cand.entity.preferred} into Another One ({new_id})" in r.text
    d = seed_ws.history(limit=1)[0]
    assert (d.act, d.target, d.payload["mentions"]) == ("split", f"entity:{eid}", [moved])
    # the card was drawn before the split: the same form is refused, nothing applied
    other = cand.contexts[0].mention_id
    r = post(proposed_client, "/queue", {**form, "act": "split", f"split:{other}": "1"},
             headers={"HX-Request": "1"})
    assert r.status_code == 409 and "D010" in r.text
    assert seed_ws.mention(other).entity_id == eid
    # nothing chosen: said so
    form = _queue_form(proposed_client)
    r = post(proposed_client, "/queue", {**form, "act": "split"}, headers={"HX-Request": "1"})
    assert r.status_code == 400 and "D012" in r.text


# -- issue 16: exact guard, ids beyond SQLite, unknown form values -------------------------------
def test_server_guard_is_exact_about_host_and_origin(client, seed_ws):
    port = client.base_url.port
    for host in (f"127.0.0.1:{port}@evil.example", f"127.0.0.1:{port + 1}",
                 f"127.0.0.1:{port}:{port}", f"127.0.0.1:{port}/x"):
        assert client.get("/", headers={"Host": host}).status_code == 421, host
    before = seed_ws.store.one("SELECT count(*) FROM decisions")[0]
    for origin in (f"https://127.0.0.1:{port}", f"http://127.0.0.1:{port}@evil.example",
                   f"http://127.0.0.1:{port + 1}"):
        r = post(client, "/s/german-soviet-axis-talks/add",
                 {"start": "0", "end": "5", "what": "place"}, origin=origin)
        assert r.status_code == 403, origin
    assert seed_ws.store.one("SELECT count(*) FROM decisions")[0] == before


def test_server_ids_beyond_sqlite_are_not_found(client, seed_ws):
    huge = "99999999999999999999"
    sid = "german-soviet-axis-talks"
    assert client.get(f"/claim/{huge}").status_code == 404
    assert client.get(f"/s/{sid}/mention/{huge}").status_code == 404
    assert post(client, f"/s/{sid}/mention/{huge}", {"act": "confirm"}).status_code == 404
    assert post(client, f"/claim/{huge}/state", {"state": "confirmed"}).status_code == 404
    r = post(client, f"/s/{sid}/add", {"start": huge, "end": huge, "what": "place"})
    assert r.status_code == 400 and "W118" in r.text
    r = post(client, "/queue", {"act": "undo", "session": huge})
    assert r.status_code == 400 and "W107" in r.text
    assert client.get("/changes", params={"since": huge}).status_code == 200


def test_server_claim_state_must_be_confirmed_or_rejected(claims_client, seed_ws):
    claim = _nekrich(seed_ws)
    url = f"/claim/{claim.id}"
    r = post(claims_client, f"{url}/state", {"state": "weird",
                                             "expected": _expected(claims_client, url)})
    assert r.status_code == 400 and "W116" in r.text
    assert seed_ws.claim(claim.id).state == claim.state == "proposed"


def test_server_a_work_made_from_a_source_is_listed_without_its_access_year(client, seed_ws):
    work = next(e for e in seed_ws.bib() if e.origin.startswith("source:"))
    assert work.get("urldate") and not work.get("date")  # a web page read on a day
    hits = client.get("/bib/search", params={"q": "Axis"}).text
    title = work.get("title")
    assert title in hits
    assert f"(accessed {work.get('urldate')})" in hits
    assert f"({work.get('urldate')[:4]})" not in hits  # not "(2026) German–Soviet Axis talks"


def test_server_desk_shows_a_work_as_bib_list_does(claims_client, seed_ws, tmp_path):
    """The type-ahead and a claim's links showed a work dated in EDTF by its bare number
    ('(1790)' for 1790%, '()' for 199X) and an author in biblatex's extended format as its
    pairs ('given=Y, prefix=van, useprefix=true'): as ``bib list`` shows them."""
    (tmp_path / "x.bib").write_text(
        "@book{vanpct, author = {given=Y, prefix=van, useprefix=true}, title = {Pact},"
        " date = {1790%}}\n@book{berg9x, author = {family=Berg, given=Anna, prefix=van der},"
        " title = {Quire}, date = {199X}}\n", encoding="utf-8")
    seed_ws.bib_add(tmp_path / "x.bib")
    hits = lxml_html.fromstring(claims_client.get("/bib/search", params={"q": "van"}).text)
    shown = " ".join(hits.xpath("string(.)").split())
    assert "Y van (1790%). Pact" in shown and "van der Berg, Anna (199X). Quire" in shown
    claim = _nekrich(seed_ws)
    seed_ws.link_claim(claim.id, "vanpct")
    seed_ws.link_claim(claim.id, "berg9x")
    doc = lxml_html.fromstring(claims_client.get(f"/claim/{claim.id}").text)
    labels = doc.xpath("//li[contains(@class,'link')]/span[@class='quote']/text()")
    assert "Y van (1790%). Pact [vanpct]" in labels
    assert "van der Berg, Anna (199X). Quire [berg9x]" in labels


def test_server_selection_follows_the_editions_conventions(proposed_client, seed_ws):
    """'Foreign Minister Vyacheslav Molotov' selected where titles stand outside the element
    (the default, and what the sample shows): the proposal 'Vyacheslav Molotov' is confirmed,
    no name with the title in it is made; with titles inside, the wider span replaces it."""
    sid, proposal, wider, start = molotov_widened(seed_ws)
    form = {"start": str(start), "end": str(start + len(wider)), "what": "person"}
    r = post(proposed_client, f"/s/{sid}/add", form, headers={"HX-Request": "1"})
    assert r.status_code == 200
    assert seed_ws.mention(proposal.id).status == "confirmed"
    assert [m for m in seed_ws.mentions(sid) if m.start == start] == []
    assert not any(wider in v for v in seed_ws.entity(proposal.entity_id).variants)
    seed_ws.undo()
    seed_ws.settings = seed_ws.settings.with_overrides(conventions={"titles": "inside"})
    r = post(proposed_client, f"/s/{sid}/add", form, headers={"HX-Request": "1"})
    assert r.status_code == 200 and "replacing the proposal" in r.headers["HX-Trigger"]
    assert seed_ws.mention(proposal.id).status == "rejected"
    (added,) = [m for m in seed_ws.mentions(sid) if m.start == start]
    assert (added.surface, added.entity_id) == (wider, proposal.entity_id)


def test_server_unknown_address_is_the_desks_404_page(client):
    """A mistyped or outdated address is a page of the desk (its navigation, a line saying
    what is wrong), not a bare 'Not Found'."""
    for url in ("/nope", "/claim/abc", "/s/german-soviet-axis-talks/nope"):
        r = client.get(url)
        assert r.status_code == 404, url
        doc = lxml_html.fromstring(r.text)
        assert doc.xpath("//nav[@aria-label='Desk']//a[@href='/queue']"), url
        assert f"no page at '{url}'" in doc.text_content() and "W110" in r.text


def test_server_mention_panel_changes_the_entitys_type(proposed_client, seed_ws):
    """A mistyped entity is retyped from the reading view (every mention, and accepted), as
    the queue's t does; a date mention can become a name."""
    sid = "german-soviet-axis-talks"
    baltic = next(m for m in seed_ws.mentions(sid) if m.surface == "Baltic")
    doc = lxml_html.fromstring(proposed_client.get(f"/s/{sid}/mention/{baltic.id}", headers=HX).text)
    entity_form = {i.get("name"): i.get("value") for i in doc.xpath("//form")[0].xpath(".//input")}
    offered = doc.xpath("//div[@id='choose-panel-type']//button/@value")
    assert offered == ["relabel:person", "relabel:org"]
    r = post(proposed_client, f"/s/{sid}/mention/{baltic.id}",
             {**entity_form, "act": "relabel:org"}, headers={"HX-Request": "1"})
    assert r.status_code == 200 and "Accepted as org." in r.text
    after = seed_ws.mention(baltic.id)
    assert (after.type, after.status) == ("org", "confirmed")
    assert seed_ws.entity(after.entity_id).type == "org"
    # the same form again: drawn before the change, refused
    r = post(proposed_client, f"/s/{sid}/mention/{baltic.id}",
             {**entity_form, "act": "relabel:person"}, headers={"HX-Request": "1"})
    assert r.status_code == 409 and seed_ws.mention(baltic.id).type == "org"
    date = next(m for m in seed_ws.mentions(sid) if m.type == "date")
    doc = lxml_html.fromstring(proposed_client.get(f"/s/{sid}/mention/{date.id}", headers=HX).text)
    assert doc.xpath("//div[@id='choose-panel-type']//button/@value") == \
        ["relabel:person", "relabel:place", "relabel:org"]


def test_server_history_undo_takes_back_the_decision_the_page_named(proposed_client, seed_ws):
    """The History page's u undoes the decision it shows as last; one made after the page was
    drawn (another tab, the CLI) is left alone."""
    first, second = seed_ws.queue()[:2]
    seed_ws.confirm(first)
    doc = lxml_html.fromstring(proposed_client.get("/history").text)
    form = {i.get("name"): i.get("value")
            for i in doc.xpath("//form[@action='/undo']//input") if i.get("name") != "_token"}
    assert f"entity:{first}" in doc.xpath("string(//form[@action='/undo']//button)")
    seed_ws.reject(second)  # meanwhile
    r = post(proposed_client, "/undo", form)
    assert r.status_code == 303
    assert seed_ws.entity(first).status == "proposed"
    assert seed_ws.entity(second).status == "rejected"
    # taken back already: the same form again is refused, nothing else undone
    r = post(proposed_client, "/undo", form)
    assert r.status_code == 400 and "D008" in r.text
    assert seed_ws.entity(second).status == "rejected"


# -- panel addresses opened as pages, mentions that never were or are gone ------------------------
def test_server_a_panels_address_opened_as_a_page_is_its_page(claims_client, seed_ws):
    """A middle-click or a copied link asks without htmx: the reading view at the mention (its
    panel opens there) or the claim's page, not a bare fragment; htmx still gets the panel."""
    sid = "german-soviet-axis-talks"
    seed_ws.propose()
    m = next(m for m in seed_ws.mentions(sid) if m.surface == "Hitler")
    r = claims_client.get(f"/s/{sid}/mention/{m.id}")
    assert (r.status_code, r.headers["location"]) == (303, f"/s/{sid}#m{m.id}")
    page = claims_client.get(f"/s/{sid}/mention/{m.id}", follow_redirects=True)
    assert page.status_code == 200 and lxml_html.fromstring(page.text).xpath(
        f"//article[@id='text']//mark[@data-m='{m.id}']")
    assert "<html" not in claims_client.get(f"/s/{sid}/mention/{m.id}", headers=HX).text
    claim = _nekrich(seed_ws)
    r = claims_client.get(f"/claim/{claim.id}/panel")
    assert (r.status_code, r.headers["location"]) == (303, f"/claim/{claim.id}")
    panel = claims_client.get(f"/claim/{claim.id}/panel", headers=HX).text
    assert "<html" not in panel and f'href="/claim/{claim.id}"' in panel
    r = claims_client.get("/claim/987654/panel")
    assert r.status_code == 404 and "D306" in r.text


def test_server_a_mention_that_never_was_is_404_a_removed_one_409(proposed_client, seed_ws,
                                                                   tmp_path):
    """An id never given out, or another source's mention, is a wrong address (the desk's 404
    page, W110); a mention there when the page was drawn and gone now is 'changed meanwhile'."""
    sid = "german-soviet-axis-talks"
    other = tmp_path / "other.txt"
    other.write_text("Molotov went to Berlin.\n", encoding="utf-8")
    seed_ws.add(other)
    seed_ws.add_mention("other", 0, 7, "person")
    elsewhere = seed_ws.mentions("other")[0]
    never = max(m.id for m in seed_ws.mentions()) + 1000
    for mid in (never, elsewhere.id):
        for headers in ({}, HX):
            r = proposed_client.get(f"/s/{sid}/mention/{mid}", headers=headers)
            assert r.status_code == 404 and "W110" in r.text, (mid, headers)
            said = lxml_html.fromstring(r.text).text_content()
            assert f"there is no mention {mid} in '{sid}'" in said
            assert "Changed meanwhile" not in said
        r = post(proposed_client, f"/s/{sid}/mention/{mid}", {"act": "confirm"}, headers=HX)
        assert r.status_code == 404 and "W110" in r.text
    # added, its page drawn, then taken back: the newest id, gone, told by the log
    start = seed_ws.reading_text(sid).index("Lebensraum")
    seed_ws.add_mention(sid, start, start + len("Lebensraum"), "place")
    added = next(m for m in seed_ws.mentions(sid) if m.start == start)
    seed_ws.undo()
    r = proposed_client.get(f"/s/{sid}/mention/{added.id}", headers=HX)
    assert r.status_code == 409 and "W101" in r.text and "Changed meanwhile" in r.text
    # a proposal removed below the newest id (the id tells): stale too
    seed_ws.add_mention(sid, start, start + len("Lebensraum"), "place")
    again = next(m for m in seed_ws.mentions(sid) if m.start == start)
    assert seed_ws.mention_gone(added.id) is (added.id != again.id)
    assert seed_ws.mention_gone(never) is False and seed_ws.mention_gone(again.id) is False


def test_server_404_page_is_titled_not_found(client):
    for url in ("/nope", "/s/no-such-source", "/claim/987654"):
        doc = lxml_html.fromstring(client.get(url).text)
        assert doc.findtext(".//title").startswith("Not found"), url


def test_server_panel_of_a_rejected_entity_says_it_was_rejected(proposed_client, seed_ws):
    """Not '0 mentions': the entity was rejected, with how many mentions."""
    sid = "german-soviet-axis-talks"
    m = next(m for m in seed_ws.mentions(sid) if m.surface == "Hitler")
    had = seed_ws.entity(m.entity_id).mentions
    assert had > 1
    doc = lxml_html.fromstring(proposed_client.get(f"/s/{sid}/mention/{m.id}", headers=HX).text)
    assert doc.xpath("string(//span[@class='tally'])") == f"{had} mentions"
    seed_ws.reject(f"mention:{m.id}")
    doc = lxml_html.fromstring(proposed_client.get(f"/s/{sid}/mention/{m.id}", headers=HX).text)
    assert doc.xpath("string(//span[@class='tally'])") == f"{had - 1} mentions, 1 rejected"
    seed_ws.undo()
    seed_ws.reject(m.entity_id)
    doc = lxml_html.fromstring(proposed_client.get(f"/s/{sid}/mention/{m.id}", headers=HX).text)
    assert doc.xpath("string(//span[@class='tally'])") == f"rejected with its {had} mentions"


def test_server_a_date_that_is_no_day_says_why(proposed_client, seed_ws):
    """As the command line says it: the form is right, the day does not exist."""
    sid = "german-soviet-axis-talks"
    date = next(m for m in seed_ws.mentions(sid) if m.type == "date")
    doc = lxml_html.fromstring(proposed_client.get(f"/s/{sid}/mention/{date.id}", headers=HX).text)
    form = {i.get("name"): i.get("value") or "" for i in
            doc.xpath("//form[contains(@class,'date-set')]//input") if i.get("name") != "_token"}
    r = post(proposed_client, f"/s/{sid}/mention/{date.id}/date", {**form, "when": "1901-02-30"},
             headers=HX)
    said = lxml_html.fromstring(r.text).text_content()
    assert r.status_code == 400 and "D029" in said
    assert "1901-02-30 is no day of the calendar (February 1901 has 28 days)" in said
    assert seed_ws.mention(date.id).date_value == date.date_value


def test_server_date_card_julian_toggle_is_refused_cross_site(proposed_client, seed_ws):
    """The date card's Old Style toggle posts as the card's other acts do: from another
    origin or without the token nothing changes; from the desk it flags the date."""
    sid = "german-soviet-axis-talks"
    date = next(m for m in seed_ws.mentions(sid) if m.type == "date" and m.date_value)
    doc = lxml_html.fromstring(proposed_client.get(f"/s/{sid}/mention/{date.id}", headers=HX).text)
    form = {i.get("name"): i.get("value") or "" for i in
            doc.xpath("//form[contains(@class,'date-calendar')]//input")
            if i.get("name") != "_token"}
    assert doc.xpath("//form[contains(@class,'date-calendar')]//button/@value") == ["julian"]
    url = f"/s/{sid}/mention/{date.id}/date"
    before = seed_ws.store.one("SELECT count(*) FROM decisions")[0]
    for kwargs in ({"origin": "http://evil.example"}, {"token": None},
                   {"headers": {"Sec-Fetch-Site": "cross-site"}}):
        r = post(proposed_client, url, {**form, "act": "julian"}, **kwargs)
        assert r.status_code == 403
    assert seed_ws.store.one("SELECT count(*) FROM decisions")[0] == before
    assert "julian" not in seed_ws.mention(date.id).flags
    r = post(proposed_client, url, {**form, "act": "julian"}, headers=HX)
    assert r.status_code == 200 and "Flagged Old Style (Julian)" in r.text
    assert "julian" in seed_ws.mention(date.id).flags.split(",")


def test_server_date_card_offers_no_old_style_toggle_without_a_value(proposed_client, seed_ws):
    """A date with no value ('Thursday' with no date to lean on) has no day to flag Old
    Style: its card shows no toggle (was: an 'Old Style (Julian)' button that could only be
    refused, D013, with a command line to type), a date with a value shows it."""
    sid = "german-soviet-axis-talks"
    dates = [m for m in seed_ws.mentions(sid) if m.type == "date"]
    bare = next(m for m in dates if not m.date_value)
    valued = next(m for m in dates if m.date_value)
    for m, shown in ((bare, []), (valued, ["julian"])):
        doc = lxml_html.fromstring(proposed_client.get(f"/s/{sid}/mention/{m.id}",
                                                       headers=HX).text)
        assert doc.xpath("//form[contains(@class,'date-calendar')]//button/@value") == shown


def _undo_bar(html):
    doc = lxml_html.fromstring(html)
    return (doc.xpath("string(//div[@id='undo-bar']//input[@name='session']/@value)"),
            " ".join(doc.xpath("string(//div[@id='undo-bar']//button[@data-key='u'])").split()))


def test_server_reading_view_undoes_its_own_last_decision(proposed_client, seed_ws):
    """u in the reading view takes back the last decision made on that page, named on its
    button; the address keeps them; one undone already or changed since is refused."""
    sid = "german-soviet-axis-talks"
    assert _undo_bar(proposed_client.get(f"/s/{sid}").text) == ("", "")
    m = next(m for m in seed_ws.mentions(sid) if m.surface == "Hitler")
    panel = lxml_html.fromstring(proposed_client.get(f"/s/{sid}/mention/{m.id}", headers=HX).text)
    mention_form = {i.get("name"): i.get("value") for i in panel.xpath("//form")[1].xpath(".//input")
                    if i.get("name") != "_token"}
    r = post(proposed_client, f"/s/{sid}/mention/{m.id}",
             {**mention_form, "act": "reject", "session": ""}, headers=HX)
    first = seed_ws.last_undoable()
    assert r.status_code == 200 and first.target == f"mention:{m.id}"
    assert _undo_bar(r.text) == (str(first.id), f"u undo #{first.id} (reject mention:{m.id})")
    assert r.headers["HX-Replace-Url"] == f"/s/{sid}?session={first.id}"
    start = seed_ws.reading_text(sid).index("Lebensraum")
    r = post(proposed_client, f"/s/{sid}/add", {"start": str(start), "end": str(start + 10),
                                                "what": "place", "session": str(first.id)},
             headers=HX)
    second = seed_ws.last_undoable()
    assert _undo_bar(r.text)[0] == f"{first.id},{second.id}"
    # a reload keeps them; another decision made meanwhile (the CLI) is not this page's
    other = next(e for e in seed_ws.queue() if e != m.entity_id)
    seed_ws.confirm(other)
    page = proposed_client.get(f"/s/{sid}", params={"session": f"{first.id},{second.id}"})
    assert _undo_bar(page.text) == (f"{first.id},{second.id}",
                                   f"u undo #{second.id} ({second.act} {second.target})")
    r = post(proposed_client, f"/s/{sid}/undo", {"session": f"{first.id},{second.id}"},
             headers=HX)
    assert r.status_code == 200 and f"Undid decision {second.id}" in r.text
    assert [x for x in seed_ws.mentions(sid) if x.start == start and x.type == "place"] == []
    assert seed_ws.entity(other).status == "confirmed"  # not the page's: left alone
    assert _undo_bar(r.text) == (str(first.id), f"u undo #{first.id} (reject mention:{m.id})")
    # the mention decided again meanwhile: its reject cannot be undone over that, neither
    # as the bar named it nor as the bar would name it now (nothing)
    seed_ws.confirm(f"mention:{m.id}")
    named = {"session": str(first.id), "undo": str(first.id)}
    r = post(proposed_client, f"/s/{sid}/undo", named, headers=HX)
    assert r.status_code == 400 and "D008" in r.text
    r = post(proposed_client, f"/s/{sid}/undo", {"session": str(first.id)}, headers=HX)
    assert r.status_code == 400 and "W107" in r.text
    assert seed_ws.mention(m.id).status == "confirmed"
    seed_ws.undo()
    assert post(proposed_client, f"/s/{sid}/undo", {"session": str(first.id)},
                headers=HX).status_code == 200
    assert seed_ws.mention(m.id).status == "proposed"
    r = post(proposed_client, f"/s/{sid}/undo", named, headers=HX)
    assert r.status_code == 400 and "D008" in r.text  # undone already
    r = post(proposed_client, f"/s/{sid}/undo", {"session": ""}, headers=HX)
    assert r.status_code == 400 and "W107" in r.text


def _reject_on_page(client, ws, sid, surface, session):
    """Reject one mention from its panel in the reading view, carrying the page's session."""
    m = next(m for m in ws.mentions(sid) if m.surface == surface and m.status == "proposed")
    panel = lxml_html.fromstring(client.get(f"/s/{sid}/mention/{m.id}", headers=HX).text)
    form = {i.get("name"): i.get("value") for i in panel.xpath("//form")[1].xpath(".//input")
            if i.get("name") != "_token"}
    r = post(client, f"/s/{sid}/mention/{m.id}", {**form, "act": "reject", "session": session},
             headers=HX)
    assert r.status_code == 200, r.text
    return m, ws.last_undoable()


def test_server_reading_view_undo_walks_past_what_was_undone_elsewhere(proposed_client, seed_ws):
    """The page's last decision undone from History or the CLI: the page drawn again (or
    answering) drops it, and u takes back the one before, not refusing for ever."""
    sid = "german-soviet-axis-talks"
    m1, first = _reject_on_page(proposed_client, seed_ws, sid, "Hitler", "")
    m2, second = _reject_on_page(proposed_client, seed_ws, sid, "Molotov", str(first.id))
    seed_ws.undo(second.id)  # the CLI, or the History page
    page = proposed_client.get(f"/s/{sid}", params={"session": f"{first.id},{second.id}"})
    assert _undo_bar(page.text) == (str(first.id), f"u undo #{first.id} (reject mention:{m1.id})")
    r = post(proposed_client, f"/s/{sid}/undo", {"session": _undo_bar(page.text)[0]}, headers=HX)
    assert r.status_code == 200 and f"Undid decision {first.id}" in r.text
    assert seed_ws.mention(m1.id).status == "proposed"


def _bar_form(html):
    """The undo bar's form as the page sends it (``session`` and the ``undo`` it names)."""
    form = lxml_html.fromstring(html).xpath("//div[@id='undo-bar']//form")[0]
    return {i.get("name"): i.get("value") for i in form.xpath(".//input")
            if i.get("name") != "_token"}


def _bar_note(html):
    return " ".join(" ".join(s.text_content() for s in lxml_html.fromstring(html).xpath(
        "//div[@id='undo-bar']//span[contains(@class,'sub')]")).split())


def test_server_reading_view_undo_refused_as_superseded_names_the_one_before(proposed_client,
                                                                           seed_ws):
    """The decision the bar named changed since by a later one: u says which, and the bar then
    offers nothing (u never takes back an older decision past it), naming the page's decision
    before it and the way to take it back; sent by id (the editor chose it), it is undone."""
    sid = "german-soviet-axis-talks"
    m1, first = _reject_on_page(proposed_client, seed_ws, sid, "Hitler", "")
    m2, second = _reject_on_page(proposed_client, seed_ws, sid, "Molotov", str(first.id))
    named = _bar_form(proposed_client.get(f"/s/{sid}",
                                          params={"session": f"{first.id},{second.id}"}).text)
    assert named == {"session": f"{first.id},{second.id}", "undo": str(second.id)}
    later = seed_ws.confirm(f"mention:{m2.id}")  # the CLI decides that mention again
    r = post(proposed_client, f"/s/{sid}/undo", named, headers=HX)
    said = " ".join(lxml_html.fromstring(r.text).text_content().split())
    assert r.status_code == 400 and "D008" in said
    assert f"decision {second.id} cannot be undone" in said and f"decision {later.id}" in said
    assert f"this page's newest decision that can be undone is {first.id} (reject " \
        f"mention:{m1.id}): 'annotator undo {first.id}' takes it back" in said
    assert _undo_bar(r.text) == (f"{first.id},{second.id}", "")
    assert seed_ws.mention(m1.id).status == "rejected"
    r = post(proposed_client, f"/s/{sid}/undo", {**_bar_form(r.text), "undo": str(first.id)},
             headers=HX)
    assert r.status_code == 200 and f"Undid decision {first.id}" in r.text
    assert (seed_ws.mention(m1.id).status, seed_ws.mention(m2.id).status) == ("proposed",
                                                                               "confirmed")
    assert _undo_bar(r.text) == (str(second.id), "")


def test_server_reading_view_undo_bar_never_passes_over_the_newest(proposed_client, seed_ws):
    """A page drawn after a later decision changed what its last decision changed (the CLI,
    another tab) offers no undo: the bar says why the newest cannot be undone and what to do,
    in the library's words, and names the page's decision before it with the command that
    takes it back; u is refused (W107) saying the same, and undoes nothing (the old bar
    offered the one before, and u took it back unasked)."""
    sid = "german-soviet-axis-talks"
    m1, first = _reject_on_page(proposed_client, seed_ws, sid, "Hitler", "")
    m2, second = _reject_on_page(proposed_client, seed_ws, sid, "Molotov", str(first.id))
    later = seed_ws.confirm(f"mention:{m2.id}")
    page = proposed_client.get(f"/s/{sid}", params={"session": f"{first.id},{second.id}"}).text
    assert _undo_bar(page) == (f"{first.id},{second.id}", "")
    assert _bar_note(page) == (f"#{second.id} (reject mention:{m2.id}) cannot be undone: "
                               f"mention {m2.id} changed since by decision {later.id}; undo "
                               f"{later.id} first. The newest of this page's decisions that can "
                               f"be undone is #{first.id} (reject mention:{m1.id}): its button "
                               f"takes it back, as History's and annotator undo {first.id} do. "
                               f"Undo #{first.id} (reject mention:{m1.id})")
    r = post(proposed_client, f"/s/{sid}/undo", _bar_form(page), headers=HX)
    said = " ".join(lxml_html.fromstring(r.text).text_content().split())
    assert r.status_code == 400 and "W107" in said and f"decision {later.id}" in said
    assert f"'annotator undo {first.id}' takes it back" in said
    assert (seed_ws.mention(m1.id).status, seed_ws.mention(m2.id).status) == ("rejected",
                                                                               "confirmed")


def _queue_session(html):
    return lxml_html.fromstring(html).xpath("string(//input[@name='session']/@value)")


def test_server_queue_undo_walks_past_what_was_undone_never_what_changed(proposed_client,
                                                                         seed_ws):
    """The queue's u: a decision of the page undone elsewhere leaves its list; one changed
    since is refused naming the later decision, and the card then offers no undo, naming the
    one before (taken back only when sent by id)."""
    decided, session = [], ""
    for _ in range(3):
        form = {**_queue_form(proposed_client), "session": session}
        r = post(proposed_client, "/queue", {**form, "act": "confirm"}, headers=HX)
        session = _queue_session(r.text)
        assert r.status_code == 200
        decided.append((form["entity"], seed_ws.last_undoable()))
    (e1, d1), (e2, d2), (e3, d3) = decided
    assert _queue_session(r.text) == f"{d1.id},{d2.id},{d3.id}"
    seed_ws.undo(d3.id)  # from the CLI: the page drawn again leaves it out
    page = proposed_client.get("/queue", params={"session": f"{d1.id},{d2.id},{d3.id}"})
    assert _queue_session(page.text) == f"{d1.id},{d2.id}"
    assert _queue_form_of(page.text)["undo"] == str(d2.id)
    later = seed_ws.reject(e2)  # the CLI changes what d2 changed: the card named d2
    r = post(proposed_client, "/queue", {**_queue_form_of(page.text), "act": "undo"},
             headers=HX)
    said = " ".join(lxml_html.fromstring(r.text).text_content().split())
    assert r.status_code == 400 and "D008" in said and f"decision {later.id}" in said
    assert r.headers["HX-Retarget"] == "#flash"
    card = lxml_html.fromstring(r.text).xpath("//div[@id='queue'][@hx-swap-oob]")
    assert len(card) == 1 and card[0].xpath("string(.//input[@name='session']/@value)") == \
        f"{d1.id},{d2.id}" and card[0].xpath(".//input[@name='undo']") == []
    assert f"this page's newest decision that can be undone is {d1.id}" in said
    # drawn again, the card offers no undo (not d1 past d2), and says why and which can be
    page = proposed_client.get("/queue", params={"session": f"{d1.id},{d2.id}"})
    assert _queue_undo_button(page.text) == "u undo"
    said = " ".join(lxml_html.fromstring(page.text).text_content().split())
    assert f"#{d2.id} (confirm {d2.target}) cannot be undone" in said
    assert f"is #{d1.id} (confirm {d1.target}): its button takes it back, as History's and " \
        f"annotator undo {d1.id} do. Undo #{d1.id} (confirm {d1.target})" in said
    # the button beside it submits History's undo (/undo, the decision by id, the token)
    doc = lxml_html.fromstring(page.text)
    assert doc.xpath("//span[contains(@class,'blocked')]//button[@form='undo-older']")
    older = doc.xpath("//form[@id='undo-older']")[0]
    assert (older.get("action"), older.get("method")) == ("/undo", "post")
    assert {i.get("name"): i.get("value") for i in older.xpath(".//input")} == \
        {"_token": TOKEN, "decision": str(d1.id)}
    r = post(proposed_client, "/queue", {**_queue_form_of(page.text), "act": "undo",
                                         "undo": str(d1.id)}, headers=HX)  # chosen by id
    assert r.status_code == 200 and f"Undid decision {d1.id}" in r.text
    assert [seed_ws.entity(e).status for e in (e1, e2, e3)] == ["proposed", "rejected",
                                                                "proposed"]


def test_server_page_session_costs_the_same_queries_however_long(proposed_client, seed_ws):
    """The queue and the reading view keep their decisions less those undone elsewhere in one
    look at the log: drawing them with 30 decisions asks the store no more than with 3."""
    sid = "german-soviet-axis-talks"
    entities = seed_ws.queue()[:15]
    decided = [seed_ws.confirm(e).id for e in entities] + [seed_ws.reject(e).id for e in entities]
    seed_ws.undo(decided[-1])  # undone elsewhere: the pages leave it out
    conn = seed_ws.store.conn

    def queries(url: str, session: list[int]) -> int:
        proposed_client.get(url, params={"session": ",".join(map(str, session))})  # warm
        sql: list[str] = []
        conn.set_trace_callback(sql.append)
        try:
            page = proposed_client.get(url, params={"session": ",".join(map(str, session))})
        finally:
            conn.set_trace_callback(None)
        assert page.status_code == 200
        kept = lxml_html.fromstring(page.text).xpath("string(//input[@name='session']/@value)")
        assert kept == ",".join(str(i) for i in session if i != decided[-1])
        return len(sql)

    for url in ("/queue", f"/s/{sid}"):
        assert queries(url, decided[-3:]) == queries(url, decided), url


def test_server_claim_on_selection_undo_names_its_own_decision(client, seed_ws):
    """Adding a claim from the reading view puts that act's decision on the page's undo list,
    not the log's newest: another writer committing in that instant is not named."""
    sid = "german-soviet-axis-talks"
    text = seed_ws.reading_text(sid)
    quote = "the showdown with Bolshevism"
    start = text.index(quote)
    # another connection's commit lands right after the act's (a trigger makes it certain)
    seed_ws.store.conn.execute(
        "CREATE TEMP TRIGGER meanwhile AFTER INSERT ON decisions WHEN NEW.act = 'claim-add' "
        "BEGIN INSERT INTO decisions (at, editor, act, target, payload, changes) "
        "VALUES (NEW.at, 'cli', 'confirm', 'entity:elsewhere', '{}', '[]'); END")
    try:
        r = post(client, f"/s/{sid}/add", {"start": str(start), "end": str(start + len(quote)),
                                           "what": "claim", "session": ""}, headers=HX)
    finally:
        seed_ws.store.conn.execute("DROP TRIGGER meanwhile")
    assert r.status_code == 200, r.text
    [claim] = [c for c in seed_ws.claims(source_id=sid) if c.start == start]
    added = next(d for d in seed_ws.history(limit=2) if d.act == "claim-add")
    assert seed_ws.history(limit=1)[0].target == "entity:elsewhere"  # the newest is not ours
    assert _undo_bar(r.text) == (str(added.id), f"u undo #{added.id} (claim-add claim:{claim.id})")
    r = post(client, f"/s/{sid}/undo", {"session": str(added.id)}, headers=HX)
    assert r.status_code == 200 and [c for c in seed_ws.claims(source_id=sid)
                                     if c.start == start] == []


def _queue_undo_button(html):
    doc = lxml_html.fromstring(html)
    return " ".join(doc.xpath("string(//button[@name='act'][@value='undo'])").split())


def test_server_queue_undo_button_names_the_decision_it_undoes(proposed_client, seed_ws):
    """The queue's u names what it takes back, as the reading view's does: 'undo #N (act
    target)', the page's last decision still undoable."""
    assert _queue_undo_button(proposed_client.get("/queue").text) == "u undo"
    session, decided = "", []
    for _ in range(2):
        form = {**_queue_form(proposed_client), "session": session}
        r = post(proposed_client, "/queue", {**form, "act": "confirm"}, headers=HX)
        session = _queue_session(r.text)
        d = seed_ws.last_undoable()
        decided.append(d)
        assert d.target == f"entity:{form['entity']}"
        assert _queue_undo_button(r.text) == f"u undo #{d.id} (confirm entity:{form['entity']})"
    first, second = decided
    page = proposed_client.get("/queue", params={"session": session})  # a reload names it too
    assert _queue_undo_button(page.text) == f"u undo #{second.id} (confirm {second.target})"
    r = post(proposed_client, "/queue", {**_queue_form(proposed_client), "act": "undo",
                                         "session": session}, headers=HX)
    assert r.status_code == 200
    assert _queue_undo_button(r.text) == f"u undo #{first.id} (confirm {first.target})"


def test_server_queue_merge_says_the_markup_points_to_both(ws):
    """A merge on the queue of two persons EHRI's letter marks with two @refs is made, and
    its answer says that the files keep both pointers."""
    ws.add(ROOT / "tests" / "data" / "editions" / "ehri" / "EHRI-ET-YV5082493_EN.xml")
    server, client = served(ws)
    try:
        r = post(client, "/queue", {"act": "merge:ehri_et_fischer_holz_chana",
                                    "entity": "ehri_et_holz_chona"}, headers=HX)
        assert r.status_code == 200
        text = " ".join(lxml_html.fromstring(r.text).text_content().split())
        # named anew: "HOLZ", written twice now, beside "FISCHER", "Chana" and "Chona" once,
        # as the letter writes it in normal case ("Holz, Sonja")
        # (the entity merged into is named with FISCHER title-cased, as nothing writes it in
        # normal case: "Chana Fischer Holz")
        assert "Merged Chona Holz into Chana Fischer Holz; kept Holz " \
            "(ehri_et_fischer_holz_chana). Note: the " \
            "sources' own markup points to both (ehri_et_holz_chona; ehri_et_fischer_holz_chana" \
            "); exported files keep those pointers" in text
        assert ws.entity("ehri_et_fischer_holz_chana").mentions == 5
    finally:
        client.close()
        server.stop()


def test_server_history_offers_the_older_undo_by_id_past_what_a_replacement_blocked(
        ws, tmp_path, monkeypatch):
    """After a source's replacement blocked the newest claim's act, History says why the newest
    cannot be undone, from one look at the log, and offers a button for exactly the newest act
    that can be, labelled with it and posting its id (was: no button, only the command, sending
    a browser user to a terminal); u stays the plain undo, refused (D007): it never passes over
    the newest unasked. Pressed, the button undoes that act and no other, the newest stays; the
    blocked act sent by id is refused (D008), and from another site the button's post is."""
    from annotator.acts import undo as undo_acts

    earlier, blocked, _ = replaced_letter(ws, tmp_path, other=True)
    looks = []
    real = undo_acts._plain_pick
    monkeypatch.setattr(undo_acts, "_plain_pick",
                        lambda conn, *among: looks.append(1) or real(conn, *among))
    server, client = served(ws)
    try:
        doc = lxml_html.fromstring(client.get("/history").text)
        assert len(looks) == 1
        head = doc.xpath("//div[contains(@class,'queue-head')]")[0]
        assert head.xpath(".//form[@action='/undo']//input[@name='decision']/@value") == \
            [str(earlier.id)]
        button = head.xpath(".//form[@action='/undo']//button")
        assert len(button) == 1 and button[0].get("data-key") is None
        assert " ".join(button[0].text_content().split()) == \
            f"Undo #{earlier.id} (claim-add {earlier.target})"
        said = " ".join(head.xpath(".//span[contains(@class,'blocked')]")[0].text_content()
                        .split())
        # the replacement is named, newer than the act it blocked (as annotator undo says)
        assert said.startswith("#") and "(replace source:letter) and 1 older act(s) cannot be " \
            "undone: a source's replacement is not undone" in said
        assert said.endswith(f"The newest that can be undone is #{earlier.id} (claim-add "
                             f"{earlier.target}): its button takes it back, as annotator undo "
                             f"{earlier.id} does.")
        r = post(client, "/undo", {})
        assert r.status_code == 400 and "D007" in r.text
        r = post(client, "/undo", {"decision": str(blocked.id)})
        assert r.status_code == 400 and "D008" in r.text
        r = post(client, "/undo", {"decision": str(earlier.id)},
                 headers={"Sec-Fetch-Site": "cross-site"})
        assert r.status_code == 403
        assert sorted(c.source_id for c in ws.claims()) == ["letter", "other"]
        r = post(client, "/undo", {"decision": str(earlier.id)})
        assert r.status_code == 303 and r.headers["location"].endswith("/history")
        undone = ws.history(limit=1)[0]
        assert (undone.act, undone.undoes) == ("undo", earlier.id)
        assert [c.source_id for c in ws.claims()] == ["letter"]
        # nothing left that can be undone: no button, the newest still said
        head = lxml_html.fromstring(client.get("/history").text).xpath(
            "//div[contains(@class,'queue-head')]")[0]
        assert head.xpath(".//button") == []
        assert "(replace source:letter) and 1 older act(s) cannot be undone" in \
            " ".join(head.text_content().split())
    finally:
        client.close()
        server.stop()


def test_server_reading_view_undo_refused_redraws_what_changed_under_the_page(proposed_client,
                                                                             seed_ws):
    """u refused because the CLI undid the page's decision (D008): the answer draws the marks,
    the open panel and the bar as the store now is, and the bar says the page's decision was
    undone since (not 'nothing decided on this page yet')."""
    sid = "german-soviet-axis-talks"
    m, rejected = _reject_on_page(proposed_client, seed_ws, sid, "Molotov", "")
    undone = seed_ws.undo()  # 'annotator undo', meanwhile
    r = post(proposed_client, f"/s/{sid}/undo", {"session": str(rejected.id),
                                                  "undo": str(rejected.id), "panel": str(m.id)},
             headers=HX)
    doc = lxml_html.fromstring(r.text)
    said = " ".join(doc.text_content().split())
    assert r.status_code == 400 and "D008" in said
    assert f"decision {rejected.id} is already undone (by {undone.id})" in said
    assert "see the History page (g h)" in said and "annotator history" not in said
    mark = doc.xpath(f"//div[@id='text'][@hx-swap-oob]//mark[@data-m='{m.id}']")[0]
    assert "proposed" in mark.get("class").split() and "rejected" not in mark.get("class")
    panel = doc.xpath("//div[@id='panel'][@hx-swap-oob]")[0]
    assert panel.xpath("string(.//span[@class='title']/following-sibling::span[1])") == \
        "proposed"
    assert "rejected with" not in panel.text_content()
    assert _undo_bar(r.text) == ("", "")
    assert _bar_note(r.text) == (f"Nothing decided on this page is left to undo: "
                                 f"#{rejected.id} was undone since (History, the command line "
                                 "or another tab).")
    # the page drawn again from its address says the same
    page = proposed_client.get(f"/s/{sid}", params={"session": str(rejected.id)}).text
    assert f"#{rejected.id} was undone since" in _bar_note(page)
    # no panel open: nothing to draw there; a panel of a mention gone: emptied
    r = post(proposed_client, f"/s/{sid}/undo", {"session": str(rejected.id),
                                                  "undo": str(rejected.id)}, headers=HX)
    assert r.status_code == 400 and "id=\"panel\"" not in r.text
    r = post(proposed_client, f"/s/{sid}/undo", {"session": str(rejected.id),
                                                  "undo": str(rejected.id), "panel": "99999"},
             headers=HX)
    assert lxml_html.fromstring(r.text).xpath("string(//div[@id='panel'])").strip() == ""


def test_server_reading_view_undo_bar_says_why_after_a_replacement_naming_no_other_source(
        seed_ws, tmp_path):
    """A page's decision a source's replacement changed: the bar says why and what to do as
    'annotator undo' does (D007's words), in sentences of their own, and that History lists
    older decisions, never naming the decision on another source a plain undo took of old
    (was 'History undoes #N (claim-add claim:1)'); u is refused and undoes nothing."""
    earlier, claimed, replaced = replaced_letter(seed_ws, tmp_path, other=True)
    server, client = served(seed_ws)
    try:
        page = client.get("/s/letter", params={"session": str(claimed.id)}).text
        assert _undo_bar(page) == (str(claimed.id), "")
        claim = claimed.target.removeprefix("claim:")
        note = _bar_note(page)
        assert note == (
            f"#{claimed.id} (claim-add claim:{claim}) cannot be undone: claim {claim} changed "
            f"since by decision {replaced.id} (replace source:letter); a source's replacement "
            f"cannot be undone; decide again instead. Nothing decided on this page can be "
            f"undone; History lists older decisions and undoes the newest that can be undone.")
        assert f"#{earlier.id}" not in note and earlier.target not in note
        assert lxml_html.fromstring(page).xpath("//div[@id='undo-bar']//a/@href") == ["/history"]
        r = post(client, "/s/letter/undo", {"session": str(claimed.id)}, headers=HX)
        said = " ".join(lxml_html.fromstring(r.text).text_content().split())
        assert r.status_code == 400 and "W107" in said
        assert "decide again instead; History lists older decisions" in said
        assert f"decision {earlier.id}" not in said
        assert sorted(c.source_id for c in seed_ws.claims()
                      if c.source_id in ("letter", "other")) == ["letter", "other"]
    finally:
        client.close()
        server.stop()


def test_server_a_date_the_file_marks_itself_warns_the_export_keeps_it(proposed_client, seed_ws):
    """The date panel says what `date set` says: the file's own date takes the value in the
    store, but exports keep the file's markup."""
    sid = seed_ws.add(DATA / "editions" / "ehri" / "EHRI-ET-YV5082493_EN.xml").source.id
    own = next(m for m in seed_ws.mentions(sid) if m.type == "date" and m.provenance == "source")
    doc = lxml_html.fromstring(proposed_client.get(f"/s/{sid}/mention/{own.id}", headers=HX).text)
    form = {i.get("name"): i.get("value") or "" for i in
            doc.xpath("//form[contains(@class,'date-set')]//input") if i.get("name") != "_token"}
    r = post(proposed_client, f"/s/{sid}/mention/{own.id}/date", {**form, "when": "-0044-03-15"},
             headers=HX)
    said = " ".join(lxml_html.fromstring(r.text).text_content().split())
    assert r.status_code == 200 and "Date set to when=-0044-03-15." in said
    assert "Warning: the source's own markup dates this mention (when=" in said
    assert "exported TEI keeps the file's markup" in said


def test_server_claim_page_counts_the_claims_the_list_shows(claims_client, seed_ws):
    """The claim page said 'claim 15 of 18' while the claims list showed 15: the rejected
    claims were counted (and j / k stepped onto them). Now it counts and walks the list."""
    listed = [c.id for c in seed_ws.claims()]
    gone = seed_ws.reject_claims(listed[1:3])
    assert {c.state for c in gone} == {"rejected"}
    shown = lxml_html.fromstring(claims_client.get("/claims").text).xpath(
        "//table[contains(@class,'claims')]/tbody/tr")
    kept = [c.id for c in seed_ws.claims()]
    assert len(shown) == len(kept) == len(listed) - 2
    doc = lxml_html.fromstring(claims_client.get(f"/claim/{kept[-1]}").text)
    steps = " ".join(doc.xpath("//nav[contains(@class,'claim-steps')]")[0].text_content().split())
    assert f"claim {len(kept)} of {len(kept)}" in steps
    first = lxml_html.fromstring(claims_client.get(f"/claim/{kept[0]}").text)
    assert first.xpath("//a[@rel='next']/@href") == [f"/claim/{kept[1]}"]  # over the rejected
    rejected = lxml_html.fromstring(claims_client.get(f"/claim/{listed[1]}").text)
    assert rejected.xpath("//a[@rel='prev']/@href") == [f"/claim/{kept[0]}"]
    assert rejected.xpath("//a[@rel='next']/@href") == [f"/claim/{kept[1]}"]


def test_server_selection_mid_word_marks_the_whole_word(client, seed_ws):
    """A selection ending mid-word ('Molot' of 'Molotov') became a mention of 'Molot'; now it
    is widened to the word before the edition's conventions, and the page says what it
    marked. A claim selected mid-word likewise."""
    sid = "german-soviet-axis-talks"
    text = seed_ws.reading_text(sid)
    at = text.index("Molotov")
    r = post(client, f"/s/{sid}/add", {"start": str(at), "end": str(at + 5), "what": "person"},
             headers={"HX-Request": "1"})
    assert r.status_code == 200, r.text
    added = [m for m in seed_ws.mentions(sid) if m.status == "confirmed"]
    assert [(m.start, m.end, m.surface) for m in added] == [(at, at + 7, "Molotov")]
    said = json.loads(r.headers["HX-Trigger"])["annotator:done"]
    assert said == (f"Person mention added: \"Molotov\"; marked 'Molotov' ({at}:{at + 7}), "
                    f"not 'Molot' ({at}:{at + 5}), which cut a word."), said
    cut = text.index("spheres") + 3
    r = post(client, f"/s/{sid}/add", {"start": str(at + 2), "end": str(cut), "what": "claim"},
             headers={"HX-Request": "1"})
    assert r.status_code == 200, r.text
    claim, = seed_ws.claims(source_id=sid)
    assert (claim.start, claim.end) == (at, cut + 4)
    assert "which cut a word" in json.loads(r.headers["HX-Trigger"])["annotator:done"]


def _said(r):
    """What an answer puts in the page's message line (#flash): HX-Trigger annotator:done."""
    return json.loads(r.headers.get("HX-Trigger", "{}")).get("annotator:done")


def test_server_an_act_says_itself_in_the_message_line(proposed_client, seed_ws):
    """After u in the reading view the message line (#flash, read out) still said 'Person
    mention added.' while the side bar said 'Undid decision 40': now every act from the
    reading view says itself there; on the queue and the claim page, which say the act in
    the page, the line is emptied of an earlier refusal."""
    sid = "german-soviet-axis-talks"
    text = seed_ws.reading_text(sid)
    at = text.index("adherent")
    r = post(proposed_client, f"/s/{sid}/add", {"start": str(at), "end": str(at + 8),
                                                "what": "place"}, headers=HX)
    assert _said(r) == 'Place mention added: "adherent".'
    added = seed_ws.history(limit=1)[0]
    r = post(proposed_client, f"/s/{sid}/undo", {"session": str(added.id)}, headers=HX)
    assert r.status_code == 200
    assert _said(r) == f"Undid decision {added.id} (add-mention {added.target})."
    m = next(x for x in seed_ws.mentions(sid) if x.entity_id and x.status == "proposed")
    r = post(proposed_client, f"/s/{sid}/mention/{m.id}", {"act": "reject", "scope": "mention"},
             headers=HX)
    assert r.status_code == 200 and _said(r) == "Mention rejected."
    form = _queue_form(proposed_client)
    r = post(proposed_client, "/queue", {**form, "act": "skip"}, headers=HX)
    assert r.status_code == 200 and _said(r) == ""
    claim = seed_ws.add_claim(sid, span=(at, at + 8))
    url = f"/claim/{claim.id}"
    r = post(proposed_client, f"{url}/state", {"state": "rejected",
                                               "expected": _expected(proposed_client, url)},
             headers=HX)
    assert r.status_code == 200 and _said(r) == ""


def test_server_selection_over_a_block_break_is_refused(client, seed_ws):
    """A selection from the end of one block into the next ('...Pact.\\n\\nAfter') was marked
    as one name; now the library refuses it (D034), said in the message line, nothing added."""
    sid = "german-soviet-axis-talks"
    text = seed_ws.reading_text(sid)
    brk = text.index("\n\n", 100)
    before = seed_ws.history(limit=1)
    r = post(client, f"/s/{sid}/add", {"start": str(brk - 4), "end": str(brk + 6),
                                       "what": "person"}, headers=HX)
    assert r.status_code == 400 and "D034" in r.text and "crosses a block break" in r.text
    assert r.headers["HX-Retarget"] == "#flash"
    assert seed_ws.history(limit=1) == before


def test_server_block_kinds_follow_the_reading_text(tmp_path):
    """A paragraph that opens with a quote of its sentence is styled as a paragraph (was: as
    a quote, the first block element above its first character), a quote between
    paragraphs as a quote."""
    from annotator.server.app import _block_kinds
    from annotator.tei import build_textmap, parse_source
    from tests.test_textmap import HEAD, TAIL

    path = tmp_path / "q.xml"
    path.write_text(HEAD + "<div><p><quote>Righteous</quote> shall hold on.</p>"
                           "<quote>Set apart.</quote></div>" + TAIL, encoding="utf-8")
    tm = build_textmap(parse_source(path))
    assert tm.text == "Righteous shall hold on.\n\nSet apart."
    assert _block_kinds(tm) == ["p", "quote"]
