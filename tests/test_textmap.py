"""Reading text and offset map: the written policy, and the round trip on generated TEI."""

from __future__ import annotations

from html import unescape
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.tei import build_textmap, parse_source
from annotator.tei import textmap_pack as textmap_store
from annotator.tei.marked import marked, pointer_forms
from annotator.tei.textmap import (CDATA, EMPTY, END, GEN, OTHER, START, TOKEN, _WS_RUN,
                                   _runs, context)
from tests.conftest import DATA, SAMPLE_TEI

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0">'
        "<teiHeader><fileDesc><titleStmt><title>t</title></titleStmt><publicationStmt><p>p</p>"
        "</publicationStmt><sourceDesc><p>s</p></sourceDesc></fileDesc></teiHeader><text><body>")
TAIL = "</body></text></TEI>\n"


def textmap_of(xml: str, tmp_path, name="t.xml"):
    path = tmp_path / name
    path.write_bytes(xml.encode("utf-8"))
    src = parse_source(path)
    return src, build_textmap(src)


def check_roundtrip(src, tm) -> None:
    """Every reading character maps back to the same character in the file and in the tree."""
    nodes = list(src.root.iter())
    for i, ch in enumerate(tm.text):
        a, b = tm.char_source(i)
        pos = tm.tree_pos(i)
        if pos is None:
            assert ch.isspace() and a == b
            continue
        raw = src.text[a:b]
        decoded = unescape(raw).replace("\r\n", "\n").replace("\r", "\n")
        node = nodes[pos.node]
        in_tree = (node.text if pos.slot == 0 else node.tail)[pos.offset]
        if ch == " ":
            assert decoded.isspace() and in_tree.isspace()
        else:
            assert decoded == ch, (i, ch, raw)
            assert in_tree == ch, (i, ch, in_tree)


def test_textmap_rich_file_policy(tmp_path):
    src = parse_source(DATA / "rich.xml")
    tm = build_textmap(src)
    assert tm.text == (
        "Berlin, 14 November 1940\n\nDear Sir & Madam,\n\nThe Doctor met Molotov\n\n"
        "Vyacheslav Molotov, Soviet Foreign Minister.\n\nin the morning; the talks were "
        "fruitless and long\u2014very long. Ribbentrop spoke of Berlin & Rome.\n\n"
        "Yours, A. Writer")
    assert tm.page_of(tm.text.index("Ribbentrop")) == "2"
    assert tm.page_of(tm.text.index("Doctor")) is None
    check_roundtrip(src, tm)


def test_textmap_span_crossing_elements_maps_to_source(tmp_path):
    src = parse_source(DATA / "rich.xml")
    tm = build_textmap(src)
    start = tm.text.index("Berlin &")
    a, b = tm.source_span(start, start + len("Berlin"))
    assert src.text[a:b] == 'Ber<lb break="no"/>lin'
    start = tm.text.index("long\u2014very")
    a, b = tm.source_span(start, start + len("long\u2014very"))
    assert src.text[a:b] == "long&#x2014;very"


def test_textmap_lines_and_blocks(tmp_path):
    src = parse_source(SAMPLE_TEI)
    tm = build_textmap(src)
    assert tm.text.startswith("German–Soviet Axis talks\n\nGerman–Soviet Axis talks occurred")
    off = tm.text.index("According to a study")
    assert tm.block_of(off) == 5
    line, col = tm.line_col(tm.char_source(off)[0])
    assert src.text.splitlines()[line - 1][col - 1:].startswith("According to a study")


@pytest.mark.parametrize("fragment,expected", [
    ("<p>a<lb/>b</p>", "a b"),
    ("<p>a<lb break='no'/>b</p>", "ab"),
    ("<p>a <pb n='3'/> b</p>", "a b"),
    ("<p>x<choice><orig>olde</orig><reg>old</reg></choice></p>", "xold"),
    ("<p><app><rdg>r1</rdg><rdg>r2</rdg></app></p>", "r1"),
    ("<p>a<!-- no -->b<?pi no?>c</p>", "abc"),
    ("<p>  lots \n\t of   space  </p><p>next</p>", "lots of space\n\nnext"),
    ("<p>a&#10;b&#xA0;c</p>", "a b\u00a0c"),
    ("<p>line\r\nbreak</p>", "line break"),
    ("<p><![CDATA[<raw> & ]]>text</p>", "<raw> & text"),
    ("<p>in<fw>head</fw>side</p>", "inside"),
])
def test_textmap_policy_cases(tmp_path, fragment, expected):
    src, tm = textmap_of(HEAD + fragment + TAIL, tmp_path)
    assert tm.text == expected
    check_roundtrip(src, tm)


@pytest.mark.parametrize("fragment,expected", [
    # an element TEI lets stand within or between paragraphs (model.inter) is inline in running
    # text: a quote, a citation, a reference, a stage direction inside a sentence
    ("<p>Hence the <quote>Righteous shall hold</quote> on.</p>", "Hence the Righteous shall hold on."),
    ("<lg><l>he cried <quote>away</quote> and went</l></lg>", "he cried away and went"),
    ("<p>As <cit><quote>all is well</quote> <bibl>Smith 3</bibl></cit> says.</p>",
     "As all is well Smith 3 says."),
    ("<p>See <bibl>Smith, p. 3</bibl> again.</p>", "See Smith, p. 3 again."),
    ("<p>a <hi><quote>b</quote></hi> c</p>", "a b c"),
    ("<p>He <stage>aside</stage> spoke.</p>", "He aside spoke."),
    ("<list><item><label>1.</label> one</item></list>", "1. one"),
    ("<p>a <quote>b <note>n</note> c</quote> d</p>", "a b\n\nn\n\nc d"),  # a note is its own block
    # ... and a block between paragraphs, or holding blocks itself wherever it stands
    ("<div><p>a</p><quote>b</quote><p>c</p></div>", "a\n\nb\n\nc"),
    ("<div><cit><quote>b</quote><bibl>c</bibl></cit></div>", "b\n\nc"),
    ("<list><label>1.</label><item>one</item></list>", "1.\n\none"),
    ("<p>a <quote><p>b</p></quote> c</p>", "a\n\nb\n\nc"),
    ("<p>a <quote><l>b</l><l>c</l></quote> d</p>", "a\n\nb\n\nc\n\nd"),
    ("<p>a <cit><quote><lg><l>b</l></lg></quote></cit> c</p>", "a\n\nb\n\nc"),
    ("<p>a <list><item>b</item></list> c</p>", "a\n\nb\n\nc"),
])
def test_textmap_inline_or_block_by_place(tmp_path, fragment, expected):
    """A quote inside a sentence was read as a block: 'Hence it is that the\\n\\nRighteous
    shall…', and the model saw two broken sentences."""
    src, tm = textmap_of(HEAD + fragment + TAIL, tmp_path)
    assert tm.text == expected
    check_roundtrip(src, tm)


def test_textmap_quotes_in_a_sentence_are_read_in_their_sentences(tmp_path):
    """A letter that quotes the Bible inside its sentences (Friendly Networks' A00187144 does,
    as below, the verses in the King James words): its paragraph is one block, each sentence
    whole (was: 'Hence it is that the', a blank line, 'Righteous shall hold on his way…')."""
    path = tmp_path / "quotes.xml"
    path.write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>A '
        'letter</title></titleStmt><publicationStmt><p/></publicationStmt><sourceDesc><p/>'
        '</sourceDesc></fileDesc></teiHeader><text><body><div><p>Hence it is that the <quote '
        'type="biblical">Righteous shall hold on his way and they that have clean hands shall '
        'be stronger and stronger.</quote> And again, <quote type="biblical">they that be wise '
        'shall shine as the brightness of the firmament.</quote> (Daniel 12:3).</p></div>'
        '</body></text></TEI>', encoding="utf-8")
    src = parse_source(path)
    tm = build_textmap(src)
    assert "\n" not in tm.text and tm.blocks == [0]
    assert "Hence it is that the Righteous shall hold on his way and they that have clean " \
           "hands shall be stronger and stronger. And again, they that be wise" in tm.text
    check_roundtrip(src, tm)


def test_textmap_block_tables_match_tei_all():
    from annotator.tei import block_table
    from tests.conftest import TEI_RNG

    inter, mixed = block_table.derive(TEI_RNG)
    assert (inter, mixed) == (block_table.INTER, block_table.MIXED)
    source = Path(block_table.__file__).read_text(encoding="utf-8")
    assert source.endswith(block_table.emit(inter, mixed)), "run emit() and write the tables"
    assert {"quote", "cit", "bibl", "said"} <= inter and "p" not in inter
    assert {"p", "l", "note", "hi"} <= mixed and not {"div", "cit", "lg"} & mixed


# -- hypothesis: generated TEI ------------------------------------------------------------
_chars = st.sampled_from(list("abc XYZ éß—\u00a0\t\n,.;'") + ["\r\n"])


@st.composite
def _text(draw):
    out = []
    for ch in draw(st.lists(_chars, max_size=8)):
        style = draw(st.integers(0, 4))
        if ch == "\r\n" or style < 3:
            out.append({"&": "&amp;", "<": "&lt;"}.get(ch, ch))
        elif style == 3:
            out.append(f"&#{ord(ch[0])};")
        else:
            out.append(f"&#x{ord(ch[0]):X};")
    for special in draw(st.lists(st.sampled_from(["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]),
                                 max_size=2)):
        out.insert(draw(st.integers(0, len(out))), special)
    return "".join(out)


def _inline(children):
    return st.one_of(
        st.builds(lambda c: f'<hi rend="b">{c}</hi>', children),
        st.builds(lambda c: f"<persName ref='#x'>{c}</persName>", children),
        st.builds(lambda a, b: f"<choice><abbr>{a}</abbr><expan>{b}</expan></choice>", _text(),
                  _text()),
        st.builds(lambda c: f"<note>{c}</note>", children),
        st.builds(lambda c: f"<del>{c}</del>", children),
        st.just("<lb/>"), st.just('<lb break="no"/>'), st.just('<pb n="7"/>'),
        st.just("<!-- c -->"), st.just("<?pi x?>"),
        st.builds(lambda t: f"<![CDATA[{t.replace(']]>', '')}]]>", st.text("ab <&>", max_size=4)),
    )


_content = st.recursive(_text(), lambda children: st.lists(
    st.one_of(_text(), _inline(children)), max_size=4).map("".join), max_leaves=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_content, min_size=1, max_size=3))
def test_textmap_roundtrip_generated(tmp_path_factory, paragraphs):
    tmp = tmp_path_factory.mktemp("gen")
    xml = HEAD + "".join(f"<p>{p}</p>" for p in paragraphs) + TAIL
    src, tm = textmap_of(xml, tmp)
    check_roundtrip(src, tm)
    # any span maps to a source range whose characters, tags removed, hold the span's words
    for start in range(0, len(tm.text), 3):
        end = min(len(tm.text), start + 5)
        a, b = tm.source_span(start, end)
        assert 0 <= a <= b <= len(src.text)
    assert all(k != GEN or tm.text[tm.r_start[i]:].startswith(("\n\n", " "))
               for i, k in enumerate(tm.kind))
    loaded = textmap_store.load(textmap_store.dump(tm), src.text, src.sha256)
    assert loaded == tm
    assert loaded.elements() == tm.elements()  # kept with it, so an export need not parse


def test_textmap_runs_fast_path_matches_the_regex():
    """Text on one line skips the regular expression; the runs must be the same."""
    from itertools import product

    for n in range(9):
        for chars in product("a \u00a0", repeat=n):
            body = "".join(chars)
            assert _runs(body) == [(m.start(), m.group()) for m in _WS_RUN.finditer(body)], body
    for body in ("a\tb", "a  b", " a\n", "\r\n a b ", "\n  ", " \t\r\n", "", "\u00a0\n"):
        assert _runs(body) == [(m.start(), m.group()) for m in _WS_RUN.finditer(body)]


@pytest.mark.parametrize("name", ["rich.xml", "minutes-crlf.xml", "schnitzler-L00001.xml",
                                  "tei-stylesheets-testnotes1.xml"])
def test_textmap_markup_lists_every_tag_as_the_full_scan_does(name):
    src = parse_source(DATA / name)
    mk = build_textmap(src).markup
    kinds = {"start": START, "end": END, "cdata": CDATA}
    want = [(m.start(), m.end(), EMPTY if m.group("empty") else kinds.get(m.lastgroup, OTHER))
            for m in TOKEN.finditer(src.text) if m.lastgroup not in ("text", "ref")]
    assert list(zip(mk.start, mk.end, mk.kind)) == want
    nodes = list(src.root.iter())
    assert sorted(mk.node_open) == [i for i, n in enumerate(nodes) if isinstance(n.tag, str)]
    for i, tok in mk.node_open.items():  # each element's tags name it
        tag = src.text[mk.start[tok]:mk.end[tok]]
        assert tag.startswith("<" + nodes[i].prefix + ":" if nodes[i].prefix else "<")
        assert mk.node[tok] == mk.node[mk.node_close[i]] == i


def test_textmap_context_stays_in_the_block_and_cuts_at_words():
    text = "Head\n\nOne two three Molotov four five six.\n\nNext block"
    s = text.index("Molotov")
    assert context(text, s, s + 7, 100) == ("One two three ", " four five six.")
    assert context(text, s, s + 7, 10) == ("…three ", " four…")
    assert context(text, 0, 4, 10) == ("", "")


@pytest.mark.parametrize("path", [SAMPLE_TEI, *(DATA / n for n in (
    "rich.xml", "minutes-crlf.xml", "schnitzler-L00001.xml", "tei-stylesheets-testnotes1.xml",
    "marked.xml"))], ids=lambda p: p.name)
def test_textmap_kept_in_the_store_loads_as_built(path):
    src = parse_source(path)
    tm = build_textmap(src)
    blob = textmap_store.dump(tm)
    kept = textmap_store.load(blob, src.text, src.sha256)
    assert kept == tm
    # what the file's markup says is kept too: an export loads it, and reads the forms of
    # every source from the head alone
    assert kept.marked == marked(tm) and kept.elements() == tm.elements()
    assert textmap_store.forms(blob) == marked(tm).forms == pointer_forms(src.text)
    # both of an export's questions answered by one decode of the head
    assert textmap_store.forms_and_edition(blob) == (marked(tm).forms, tm.edition)
    assert kept.markup == tm.markup and kept.roles == tm.roles and kept.pages == tm.pages
    assert list(kept.markup.node_close) == list(tm.markup.node_close)  # order kept too


@pytest.mark.parametrize("path", [SAMPLE_TEI, DATA / "rich.xml", DATA / "marked.xml"],
                         ids=lambda p: p.name)
def test_textmap_kept_columns_are_viewed_by_an_export_where_the_map_holds_them(path):
    """An export's index of a kept map views its columns in the map's bytes (read-only, no
    copy) and reads what it computed at each load (generated segments, block tags, tag codes,
    namespace scopes) as kept: the same numbers as from a map built now."""
    import numpy as np

    from annotator.export.insert import index_file

    src = parse_source(path)
    tm = build_textmap(src)
    blob = textmap_store.dump(tm)
    kept = textmap_store.load(blob, src.text, src.sha256, viewed=True)
    assert tm.kept is None and kept.kept is not None and kept.kept.blob is blob
    # a map loaded for its text does not hold on to its bytes
    assert textmap_store.load(blob, src.text, src.sha256).kept is None
    # its own columns and annotations are views of the bytes too, not copies: the same
    # numbers, the same map
    assert kept == tm and kept.markup == tm.markup and kept.marked == marked(tm)
    columns = [kept.r_start, kept.s_start, kept.s_end, kept.kind, kept.node, kept.slot,
               kept.slot_off, kept.roles, kept.markup.start, kept.markup.end,
               kept.markup.kind, kept.markup.node, kept.markup.after,
               kept.markup.node_open.column, *kept.marked.annotations.columns()[1:]]
    for col in columns:
        assert isinstance(col, memoryview) and col.obj is blob and col.readonly
    els = kept.elements()  # and its elements' columns, in the bytes they are kept in
    assert els == tm.elements() and dict(els.attrs) == tm.elements().attrs
    for col in (els.codes, els.parent, els.scope):
        assert isinstance(col, memoryview) and col.obj is kept.elements_data
    built, viewed = index_file(tm, lambda: src.root), index_file(kept, lambda: src.root)
    for ix in (built, viewed):
        ix.warm()
    for name in ("tok_start", "tok_end", "tok_after", "tok_kind", "tok_node", "r_start",
                 "s_start", "s_end", "kind", "gens"):
        a, b = getattr(built.cols.named(), name), getattr(viewed.cols.named(), name)
        assert a.tolist() == b.tolist(), name
        assert not b.flags.writeable and np.shares_memory(b, np.frombuffer(blob, np.uint8))
    assert built.tok_block.tolist() == viewed.tok_block.tolist()
    assert built.ns_scope.tolist() == viewed.ns_scope.tolist()
    assert built.node_names[0].tolist() == viewed.node_names[0].tolist()
    assert built.node_names[1] == viewed.node_names[1]


@pytest.mark.parametrize("path", [SAMPLE_TEI, DATA / "marked.xml", DATA / "rich.xml"],
                         ids=lambda p: p.name)
def test_textmap_kept_annotations_are_read_as_columns_not_a_dict(path):
    """A kept map's annotation elements load as the columns they are kept in (an export asks
    a few keys of each source): every key found, with its chain, as the dict found them."""
    from annotator.tei.textmap import Annotations

    src = parse_source(path)
    tm = build_textmap(src)
    found = marked(tm).annotations
    kept = textmap_store.load(textmap_store.dump(tm), src.text, src.sha256).marked.annotations
    assert isinstance(kept, Annotations) and not isinstance(kept, dict)
    assert kept == found and len(kept) == len(found) and set(kept) == set(found)
    for key, chain in found.items():
        assert key in kept and kept[key] == chain and kept.get(key) == chain
        kind, s, e = key
        assert (kind, s, e + 1) not in kept and kept.get((kind + "x", s, e)) is None
    assert ("seg:claim", -1, 0) not in kept and "seg" not in kept
    assert dict(kept) == found and list(kept) == list(found)  # in the order found
    with pytest.raises(KeyError):
        kept[("persName", len(tm.text) + 1, len(tm.text) + 2)]
    # kept again as loaded: the same
    again = textmap_store.load(textmap_store.dump(textmap_store.load(
        textmap_store.dump(tm), src.text, src.sha256)), src.text, src.sha256)
    assert again.marked.annotations == found


def test_textmap_kept_columns_take_32_bits_where_their_numbers_fit():
    # an export reads every source's kept map: numbers in 4 bytes where they fit make the maps
    # a third smaller; a column with a number that does not fit stays 64-bit
    from array import array

    from annotator.tei.elements import columns, kept_columns

    src = parse_source(DATA / "rich.xml")
    tm = build_textmap(src)
    kept = textmap_store.load(textmap_store.dump(tm), src.text, src.sha256)
    assert kept.r_start.itemsize == kept.markup.start.itemsize == 4
    assert kept.elements().parent.itemsize == 4
    assert kept == tm and kept.elements() == tm.elements()
    widths, data = kept_columns([array("q", [1, -1]), array("q", [0, 2**31, -1])])
    assert widths == "iq" and len(data) == 2 * 4 + 3 * 8
    read, end = columns(memoryview(data), 0, [2, 3], widths)
    assert [c.tolist() for c in read] == [[1, -1], [0, 2**31, -1]] and end == len(data)


def test_textmap_kept_bytes_that_are_not_a_map_are_refused():
    src = parse_source(DATA / "rich.xml")
    blob = textmap_store.dump(build_textmap(src))
    head = b'{"columns": [1], "text": 0, "pages": []}'
    for bad in (b"", b"\x00\x00", blob[:-8], blob + b"\x00", blob[:40], b"x" * len(blob),
                blob[:4] + b"[" + blob[5:], len(head).to_bytes(4, "little") + head + bytes(8)):
        with pytest.raises(ValueError, match="not a kept text map"):
            textmap_store.load(bad, src.text, src.sha256)


def test_textmap_kept_maps_go_stale_with_the_code_that_decodes_and_parses_the_file():
    # a kept map's offsets point into the text parse.py decodes, in the tree it parses
    from annotator.tei import parse, textmap

    kept_by = {Path(p).resolve() for p in textmap_store.SOURCES}
    assert {Path(m.__file__).resolve() for m in (parse, textmap, textmap_store)} <= kept_by


def test_textmap_cache_holds_every_source_of_the_workspace(tmp_path):
    from annotator import Workspace
    from annotator.acts.texts import TEXTMAP_CACHE

    files = []
    for i in range(TEXTMAP_CACHE + 3):
        files.append(tmp_path / f"note-{i:02d}.txt")
        files[-1].write_text(f"Note {i} about Vienna.\n", encoding="utf-8")
    with Workspace.init(tmp_path / "ws") as ws:
        ws.add_many(files)
        ids = [s.id for s in ws.sources()]
        first = [ws.textmap(i) for i in ids]
        # a second pass over every source finds each map again, none rebuilt or reloaded
        assert all(ws.textmap(i) is tm for i, tm in zip(ids, first))


def test_textmap_kept_is_read_without_parsing_and_refuses_a_changed_file(tmp_path):
    """A kept map is loaded from the file's bytes without parsing its XML: the same map as
    one built from the parsed file; a file edited behind the store's back is refused."""
    from annotator import AnnotatorError, Workspace

    with Workspace.init(tmp_path / "ws") as ws:
        src = ws.add(SAMPLE_TEI).source
        kept = ws.context.texts.kept_unparsed(src)
        built = build_textmap(parse_source(ws.root / src.file))
        assert kept is not None
        assert (kept.text, kept.r_start, kept.s_start, kept.kind, kept.markup.start) == \
            (built.text, built.r_start, built.s_start, built.kind, built.markup.start)
        path = ws.root / src.file
        path.write_bytes(path.read_bytes().replace(b"</TEI>", b"</TEI>\n<!-- edited -->"))
        with pytest.raises(AnnotatorError) as err:
            ws.context.texts.kept_unparsed(src)
        assert err.value.code == "S016"


def test_elements_say_what_the_tree_says(tmp_path):
    """``Elements`` (kept with the map, so an export need not parse the file) give every
    node's tag, parent, kept attributes and namespaces as lxml does, on real editions and on
    a file that declares TEI under a prefix inside a foreign root's subtree."""
    from annotator.tei.elements import KEPT, NOT_ELEMENT, Elements
    from annotator.tei.parse import parse_source

    prefixed = tmp_path / "prefixed.xml"
    prefixed.write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>t'
        '</title></titleStmt><publicationStmt><p/></publicationStmt><sourceDesc><p/>'
        '</sourceDesc></fileDesc></teiHeader><text><body><!-- c --><p xml:id="p1" '
        'xmlns:t="http://www.tei-c.org/ns/1.0" rend="x"><t:persName ref="#a" next="#b">A'
        '</t:persName><?pi x?><x:foo xmlns:x="urn:x" type="y"/></p></body></text></TEI>',
        encoding="utf-8")
    files = [*sorted((DATA / "editions").rglob("*.xml")), prefixed]
    for path in files:
        parsed = parse_source(path)
        nodes = list(parsed.root.iter())
        els = Elements.load(build_textmap(parsed).elements().dump())
        assert len(els.tags) == len(nodes), path
        for i, n in enumerate(nodes):
            up = n.getparent()
            assert els.parent[i] == (nodes.index(up) if up is not None else -1)
            if not isinstance(n.tag, str):
                assert els.tags[i] == NOT_ELEMENT
                continue
            assert els.tags[i] == n.tag
            assert {a: els.get(i, a) for a in KEPT} == {a: n.get(a) for a in KEPT}
            assert els.nsmap(i) == {p or "": u for p, u in n.nsmap.items()}


def test_element_spans_of_one_map_asked_again_are_those_of_a_fresh_one():
    """A map walks its segments once for every set of elements asked of it (``owned_spans``,
    kept): each set's spans are those a fresh map gives, asked in any order, nested or not."""
    from annotator.tei.textmap import element_spans
    for path in sorted((DATA / "editions").rglob("*.xml"))[:6]:
        parsed = parse_source(path)
        tags = [getattr(n, "tag", "") for n in parsed.root.iter()]
        sets = [{i for i, t in enumerate(tags) if isinstance(t, str) and t.endswith(names)}
                for names in (("}p",), ("}div", "}p"), ("Name", "}date", "}hi"), ("}body",))]
        kept = build_textmap(parsed)
        for wanted in [*sets, *reversed(sets)]:
            fresh = build_textmap(parse_source(path))
            assert element_spans(kept, wanted) == element_spans(fresh, wanted)
            assert kept._owned is not None and fresh._owned is not None
        assert any(element_spans(kept, s) for s in sets)
