"""Plain text and Markdown encoded as TEI: every file valid against the real tei_all schema,
a title only where the text has one, Markdown's character references decoded."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from annotator.tei.dating import source_date
from annotator.tei.encode import TITLE_MAX, encode_markdown, encode_text
from annotator.tei.parse import parse_source
from annotator.tei.textmap import build_textmap
from annotator.tei.validate import validate
from annotator.text import not_xml
from tests.conftest import run

TEI = {"t": "http://www.tei-c.org/ns/1.0"}
LONG_LINE = " ".join(f"word{i}" for i in range(15000))  # about 90 KB, one line

ODD = {
    "one line": "Just one line, Paris.",
    "one line and its end": "Just one line, Paris.\n",
    "one long line": LONG_LINE,
    "long first line, then text": LONG_LINE + "\n\nA second paragraph.",
    "only a heading": "# Notes",
    "heading and nothing": "# Notes\n\n\n",
    "heading with no text": "# \n",
    "nested headings, nothing in them": "## B\n# A\n### C\n",
    "CRLF": "Title\r\n\r\nFirst.\r\nSecond.\r\n",
    "lone CR": "Title\rFirst.\rSecond.",
    "byte-order mark": "\ufeffTitle\n\nText.",
    "byte-order mark, one line": "\ufeffText.",
    "blank lines only around": "\n\n\n   \n\tText in the middle.\n\n \n",
    "non-Latin": "Письмо\n\n東京で田中さんに会った。\n\nשלום עולם",
    "markup characters": "<b>a & b</b>\n\n]]> &amp; &#233; &#0; &#xD800; &bogus;",
    "whitespace only": " \n\t\n",
    "empty": "",
}


def _check(doc: str, tmp: Path) -> etree._Element:
    """The encoded document, valid against the shipped tei_all schema (as `annotator validate`
    checks it), parsed."""
    path = tmp / "doc.xml"
    path.write_text(doc, encoding="utf-8")
    result = validate(path)
    assert not result.findings, [str(f) for f in result.findings]  # no warnings either
    return etree.fromstring(doc.encode())


def _body(root: etree._Element) -> list[tuple[str, str]]:
    return [(etree.QName(e).localname, e.text or "") for e in root.find(".//t:body", TEI)
            .iter("{*}head", "{*}dateline", "{*}p")]


def _title(root: etree._Element) -> str:
    return root.findtext(".//t:titleStmt/t:title", namespaces=TEI)


@pytest.mark.parametrize("encode", [encode_text, encode_markdown], ids=["txt", "md"])
@pytest.mark.parametrize("text", ODD.values(), ids=ODD.keys())
def test_encode_odd_inputs_are_valid_tei(tmp_path, encode, text):
    root = _check(encode(text, name="odd.txt"), tmp_path)
    words = text.replace("\ufeff", "").split()
    if encode is encode_text and words:  # every word of the file is in the body
        assert " ".join(" ".join(t for _, t in _body(root)).split()) == " ".join(words)
    assert len(_title(root)) <= TITLE_MAX


XML_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                   max_size=300).filter(lambda t: not_xml(t) is None)
LINES = st.lists(st.one_of(XML_TEXT, st.sampled_from(["", "# Head", "## Sub", "#", "\r", " ",
                                                      "&amp;", "&#10;", "<i>x</i>", "`&lt;`",
                                                      "- item", "1. one", "2) two", "  - in"])),
                 max_size=12).map("\n".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(XML_TEXT, LINES), markdown=st.booleans())
@example(text="Just one line, Paris.", markdown=False)
@example(text="# Only a heading", markdown=True)
def test_encode_any_text_is_valid_tei(text, markdown):
    """Whatever characters a file that XML can hold has, its TEI validates (the old encoder
    made a one-line file a <body> holding only its <head>)."""
    encode = encode_markdown if markdown else encode_text
    with tempfile.TemporaryDirectory() as tmp:
        _check(encode(text, name="any.md"), Path(tmp))


@pytest.mark.parametrize(("text", "title", "body"), [
    ("Just one line, Paris.", "one.txt", [("p", "Just one line, Paris.")]),
    ("Letter\n\nParis, 3 May.", "Letter", [("head", "Letter"), ("p", "Paris, 3 May.")]),
    ("Letter\nParis, 3 May.\nLondon.", "Letter",
     [("head", "Letter"), ("p", "Paris, 3 May."), ("p", "London.")]),
    ("x" * (TITLE_MAX + 1) + "\n\nMore.", "one.txt",
     [("p", "x" * (TITLE_MAX + 1)), ("p", "More.")]),
    ("x" * TITLE_MAX + "\n\nMore.", "x" * TITLE_MAX, [("head", "x" * TITLE_MAX), ("p", "More.")]),
])
def test_encode_text_first_line_is_a_head_only_when_it_looks_like_one(tmp_path, text, title, body):
    root = _check(encode_text(text, name="one.txt"), tmp_path)
    assert (_title(root), _body(root)) == (title, body)


@pytest.mark.parametrize(("line", "dateline"), [
    ("Chester, Octr 3d 1766", True), ("London, Tuesday 4 March 1851.", True),
    ("3 May 1791.", True), ("Paris, 3 May.", False), ("I came on 3 May 1791.", False)])
def test_encode_text_letters_opening_place_and_date_is_its_dateline(tmp_path, line, dateline):
    """Before: "Chester, Octr 3d 1766" opening a letter was a paragraph, and the source had no
    date ('the 1st inst.' and 'yesterday' had nothing to lean on); a line that is a place and a
    full date after the title is the <dateline>, which dates the source as in any TEI file."""
    doc = encode_text(f"Letter from Chester\n\n{line}\n\nDear Sir, I received yours of the "
                      "1st inst. yesterday.\n", name="letter.txt")
    root = _check(doc, tmp_path)
    assert root.findtext(".//t:body/t:dateline", namespaces=TEI) == (line if dateline else None)
    if dateline:
        assert source_date(parse_source(tmp_path / "doc.xml")).reason.startswith("the dateline ")


@pytest.mark.parametrize(("line", "salute"), [
    ("My dearest Catherine,", True), ("Dear Manning,", True), ("Dear Mr. Lloyd", True),
    ("Sir,", True), ("Dear Mrs Clarkson will, I hope, forgive my silence.", False),
    ("Dear Sir, I shall come on Monday", False), ("Sir John came.", False)])
def test_encode_text_letters_salutation_is_its_salute(tmp_path, line, salute):
    """A salutation on a line of its own after the dateline is the letter's <salute> (was: a
    paragraph); a sentence opening with "Dear" stays one. The reading text is the same."""
    text = f"Dorothy Wordsworth to Catherine Clarkson\n\nGrasmere, Monday 3d March 1806\n\n" \
           f"{line}\n\nMary and William went to Kendal on Saturday.\n"
    root = _check(encode_text(text, name="letter.txt"), tmp_path)
    assert root.findtext(".//t:body/t:dateline", namespaces=TEI) == \
        "Grasmere, Monday 3d March 1806"
    assert root.findtext(".//t:body/t:salute", namespaces=TEI) == (line if salute else None)
    assert [p.text for p in root.iterfind(".//t:body/t:p", TEI)] == \
        ([] if salute else [line]) + ["Mary and William went to Kendal on Saturday."]
    tm = build_textmap(parse_source(tmp_path / "doc.xml"))
    assert tm.text.split("\n\n")[2:] == [line, "Mary and William went to Kendal on Saturday."]


def test_encode_text_given_title_is_kept_however_long(tmp_path):
    root = _check(encode_text("A line.", name="one.txt", title="T" * 300), tmp_path)
    assert _title(root) == "T" * 300


@pytest.mark.parametrize(("md", "head", "para"), [
    ("# Caf&eacute; &amp; bar\n\nA &#233; &#xE9; &#X4E2D;.", "Café & bar", "A é é 中."),
    ("# H\n\n&bogus; &amp &#12345678; &#x;", "H", "&bogus; &amp &#12345678; &#x;"),
    ("# H\n\n&#0; &#xD800; &#1; &#x110000;", "H", "\ufffd \ufffd \ufffd \ufffd"),
    ("# H\n\n&lt;b&gt; `&amp;` ``a ` &amp;`` &amp;", "H", "<b> `&amp;` ``a ` &amp;`` &"),
    ("# <b>Bold</b>\n\nSee <i>this</i> &amp; <!-- c -->.", "<b>Bold</b>",
     "See <i>this</i> & <!-- c -->."),
])
def test_encode_markdown_decodes_character_references_keeps_html_as_text(tmp_path, md, head,
                                                                        para):
    root = _check(encode_markdown(md, name="n.md"), tmp_path)
    assert _body(root) == [("head", head), ("p", para)]
    assert _title(root) == head


@pytest.mark.parametrize(("md", "title"), [
    ("Just a paragraph.", "n.md"),
    ("A short first line\nand more.", "A short first line"),
    ("#  " + "y" * (TITLE_MAX + 1) + "\n\nText.", "n.md"),
])
def test_encode_markdown_title_is_short_or_the_file_name(tmp_path, md, title):
    assert _title(_check(encode_markdown(md, name="n.md"), tmp_path)) == title


@pytest.mark.parametrize(("md", "title", "body"), [
    ("#\n\nBody text in Berlin.\n", "hash.md", [("p", "Body text in Berlin.")]),
    ("##\n\nBody text.\nMore.", "Body text.", [("p", "Body text.\nMore.")]),
    ("# \n\nBody text in Berlin.", "hash.md", [("p", "Body text in Berlin.")]),
    ("# #\n\nBody.\n\nMore.", "Body.", [("p", "Body."), ("p", "More.")]),
    ("#\n# Real\n\nBody.", "Real", [("head", "Real"), ("p", "Body.")]),
    ("# ---\n\nBody text in Berlin.", "hash.md", [("head", "---"), ("p", "Body text in Berlin.")]),
    ("# **\n\nBody.\n\nMore.", "Body.", [("head", "**"), ("p", "Body."), ("p", "More.")]),
    ("# <b></b>\n## Vienna\n\nBody.", "Vienna",
     [("head", "<b></b>"), ("head", "Vienna"), ("p", "Body.")]),
    ("#######\n\nBody.", "hash.md", [("p", "#######"), ("p", "Body.")]),  # seven: text
])
def test_encode_markdown_empty_heading_is_no_heading(tmp_path, md, title, body):
    """A heading with no text ('#', '##', '# ', '# #') is no heading: no <div>, no empty
    <head>, and the title comes from the next rule (first line of text, else the file name);
    one of punctuation or markup only is kept as written, but titles nothing."""
    root = _check(encode_markdown(md, name="hash.md"), tmp_path)
    assert (_title(root), _body(root)) == (title, body)
    assert not [h for h in root.iter("{*}head") if not (h.text or "").strip()]


@pytest.mark.parametrize(("md", "title", "body"), [
    ("# foo#\n\nBody.", "foo#", [("head", "foo#"), ("p", "Body.")]),
    ("# C#\n\nBody.", "C#", [("head", "C#"), ("p", "Body.")]),
    ("# foo #\n\nBody.", "foo", [("head", "foo"), ("p", "Body.")]),
    ("## foo ##   \n\nBody.", "foo", [("head", "foo"), ("p", "Body.")]),
    ("# foo ### b\n\nBody.", "foo ### b", [("head", "foo ### b"), ("p", "Body.")]),
    ("# #foo\n\nBody.", "#foo", [("head", "#foo"), ("p", "Body.")]),
    (" # One\n  ## Two\n   ### Three\n\nBody.", "One",
     [("head", "One"), ("head", "Two"), ("head", "Three"), ("p", "Body.")]),
    ("# Real\n\n    # Code\n\nBody.", "Real",  # four spaces: no heading
     [("head", "Real"), ("p", "# Code"), ("p", "Body.")]),
    ("#\ttabbed\t#\n\nBody.", "tabbed", [("head", "tabbed"), ("p", "Body.")]),
])
def test_encode_markdown_atx_heading_as_commonmark(tmp_path, md, title, body):
    """CommonMark 0.31's ATX headings: a closing run of '#' is taken off only when a space or
    tab comes before it ('# foo#' keeps its '#'), and one to three spaces may come before the
    opening '#' (four make no heading)."""
    root = _check(encode_markdown(md, name="hash.md"), tmp_path)
    assert (_title(root), _body(root)) == (title, body)



    """A long title is cut with an ellipsis in the table, kept whole in JSON; a 90 KB one-line
    file is no title at all."""
    root = tmp_path / "ws"
    assert run(root.parent, "init", str(root)).exit_code == 0
    (tmp_path / "one.txt").write_text(LONG_LINE, encoding="utf-8")
    (tmp_path / "two.txt").write_text("Some text.", encoding="utf-8")
    assert run(root, "add", str(tmp_path / "one.txt")).exit_code == 0
    long_title = "A very long title " * 20
    got = run(root, "add", "--title", long_title, str(tmp_path / "two.txt"))
    assert got.exit_code == 0, got.output
    table = run(root, "sources").stdout.splitlines()
    rows = [line for line in table if "one.txt" in line or "two.txt" in line or "sources/" in line]
    assert len(rows) == 2, table
    assert any("one.txt" in r for r in rows)
    assert any("A very long title A very" in r and "…" in r for r in rows)
    titles = {r["id"]: r["title"] for r in json.loads(run(root, "sources", "--format",
                                                          "json").stdout)}
    assert titles == {"one": "one.txt", "two": long_title.strip()}


def _blocks(root: etree._Element) -> list[tuple]:
    """The body's paragraphs as ('p', text) and its lists as (rend, [(n, text)...])."""
    out: list[tuple] = []
    for e in root.find(".//t:body", TEI).iter("{*}p", "{*}list"):
        if etree.QName(e).localname == "p":
            out.append(("p", e.text or ""))
        else:
            out.append((e.get("rend"), [(i.get("n"), i.text or "") for i in e]))
    return out


@pytest.mark.parametrize(("md", "blocks"), [
    ("- milk\n- eggs &amp; ham\n- bread", [("bulleted", [(None, "milk"), (None, "eggs & ham"),
                                                         (None, "bread")])]),
    ("* one\n* two\n\n+ three", [("bulleted", [(None, "one"), (None, "two")]),
                                 ("bulleted", [(None, "three")])]),
    ("- a\n* b", [("bulleted", [(None, "a")]), ("bulleted", [(None, "b")])]),  # new bullet
    ("1. one\n2. two\n10. ten", [("numbered", [("1", "one"), ("2", "two"), ("10", "ten")])]),
    ("3) three\n4) four", [("numbered", [("3", "three"), ("4", "four")])]),
    ("To buy:\n- milk\n- eggs\nThen home.",
     [("p", "To buy:"), ("bulleted", [(None, "milk"), (None, "eggs")]), ("p", "Then home.")]),
    ("Steps:\n1. open\n2. close",
     [("p", "Steps:"), ("numbered", [("1", "open"), ("2", "close")])]),
    ("The year\n1999. was good", [("p", "The year\n1999. was good")]),  # only 1 interrupts
    ("-5 degrees\n-\tten\n+1 vote", [("p", "-5 degrees"), ("bulleted", [(None, "ten")]),
                                     ("p", "+1 vote")]),
    ("2024. A year\n*emphasis*", [("numbered", [("2024", "A year")]), ("p", "*emphasis*")]),
    ("- - -\n***", [("p", "- - -\n***")]),  # thematic breaks: text as before
    ("- a\n  more of a\n  - nested\n- b", [("bulleted", [(None, "a\n  more of a\n  - nested"),
                                                        (None, "b")])]),
    ("    - code", [("p", "- code")]),  # four spaces: no item
    ("-\n- b", [("bulleted", [(None, ""), (None, "b")])]),
])
def test_encode_markdown_lists(tmp_path, md, blocks):
    """CommonMark bullet and ordered lists are a <list> with an <item> each (the old encoder
    ran a list into one paragraph); a list ends at a blank or unindented line of text, an
    ordered item interrupts a paragraph only from 1, a marker needs a space after it."""
    root = _check(encode_markdown("# Notes\n\n" + md, name="list.md"), tmp_path)
    assert _blocks(root) == blocks


def test_encode_markdown_list_items_are_blocks_of_the_reading_text(ws, tmp_path):
    """Each item is a block of its own, so a name cannot run from one item into the next."""
    note = tmp_path / "notes.md"
    note.write_text("# Notes\n\nMet in:\n- Paris\n- London\n1. Anna\n2. Karenina\n",
                    encoding="utf-8")
    text = ws.reading_text(ws.add(note).source.id)
    assert text == "Notes\n\nMet in:\n\nParis\n\nLondon\n\nAnna\n\nKarenina"


@pytest.mark.parametrize(("text", "body"), [
    ("Grasmere, Feby. 21. 1786\n\nDear Mrs Clarkson,\n\nI write in haste.\n",
     [("dateline", "Grasmere, Feby. 21. 1786"), ("salute", "Dear Mrs Clarkson,"),
      ("p", "I write in haste.")]),
    ("Grasmere, Feby. 21. 1786\nDear Mrs Clarkson,\nI write in haste.\n",
     [("dateline", "Grasmere, Feby. 21. 1786"), ("salute", "Dear Mrs Clarkson,"),
      ("p", "I write in haste.")]),
    ("Dear Mrs Clarkson,\n\nI write in haste.\n",
     [("salute", "Dear Mrs Clarkson,"), ("p", "I write in haste.")]),
])
def test_encode_text_a_letter_opening_with_its_dateline_or_salute(tmp_path, text, body):
    """A .txt letter whose first line is its dateline or its salutation: that line is the
    <dateline> or <salute>, the title the file name (was: the <head> and the title, so the
    dateline dated nothing and its place was no dateline's place)."""
    root = _check(encode_text(text, name="letter1.txt"), tmp_path)
    assert _title(root) == "letter1.txt"
    assert [(etree.QName(e).localname, e.text) for e in root.find(".//t:body", TEI)] == body
    if body[0][0] == "dateline":
        assert source_date(parse_source(tmp_path / "doc.xml")).reason.startswith("the dateline ")
