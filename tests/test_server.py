"""The review desk over HTTP: pages, escaping, and the guard against other sites and hosts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from contextlib import contextmanager

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from annotator.server.reading import CLAIM, MENTION, Highlight, render_reading
from annotator.server.run import LocalServer
from tests.conftest import ROOT

TOKEN = "test-token-0123456789"
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


def test_server_unknown_source_is_a_clear_400(client):
    r = client.get("/s/no-such-source")
    assert r.status_code == 400
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
                    data={"_token": TOKEN, "start": "0", "end": "0", "what": "place"},
                    headers={"Origin": str(client.base_url)}, follow_redirects=False)
    assert r.status_code != 403


def test_server_referer_stands_in_for_origin(client):
    r = post(client, "/s/german-soviet-axis-talks/add", {"start": "0", "end": "0"}, origin=None,
             headers={"Referer": f"{client.base_url}/s/german-soviet-axis-talks"})
    assert r.status_code != 403
    r = post(client, "/s/german-soviet-axis-talks/add", {"start": "0", "end": "0"}, origin=None,
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
