"""The edition's conventions: learned from its confirmed markup, shown, overridden, applied."""

from __future__ import annotations

import json
import re

import pytest
from lxml import etree

from annotator import ConfigError
from annotator.acts.conventions import whole_datelines
from annotator.nlp.conventions import Conventions, span_rules
from annotator.nlp.spans import HIT_RULES, RULES, clean_span
from annotator.tei.parse import parse_source
from annotator.tei.textmap import build_textmap
from tests.conftest import EDITIONS, run

JOURNAL = EDITIONS / "friendly-networks" / "A0011538.xml"  # 's inside, dates wrap datelines
FRAENKEL = EDITIONS / "ehri" / "EHRI-ET-WL16560044_EN.xml"  # "Mrs <persName>Fraenkel"
TEI = "http://www.tei-c.org/ns/1.0"


def test_conventions_learned_from_two_editions_markup(ws):
    assert ws.conventions().rows()[0]["source"] == "default"  # nothing confirmed yet
    ws.add(JOURNAL)
    ws.add(FRAENKEL)
    conv = ws.conventions()
    assert (conv.possessive, conv.datelines, conv.titles) == ("inside", "whole", "outside")
    inside, outside = conv.evidence["titles"]
    assert outside > inside  # EHRI leaves "Mr." and "Mrs" outside persName
    rows = json.loads(run(ws, "conventions", "--format", "json").stdout)
    assert {r["convention"]: (r["value"], r["source"]) for r in rows}["possessive"] == \
        ("inside", "learned")
    # the evidence is named as the values are: a dateline is wrapped whole or has the date inside
    whole, within = conv.evidence["datelines"]
    assert {r["convention"]: r["evidence"] for r in rows}["datelines"] == \
        f"{whole} whole, {within} inside"


def test_conventions_overridden_in_annotator_toml(ws):
    ws.add(JOURNAL)
    (ws.root / "annotator.toml").write_text(
        '[annotator]\n[annotator.conventions]\npossessive = "outside"\ntitles = "inside"\n',
        encoding="utf-8")
    from annotator import Workspace

    again = Workspace.open(ws.root)
    rows = {r["convention"]: r for r in again.conventions().rows()}
    assert (rows["possessive"]["value"], rows["possessive"]["source"]) == \
        ("outside", "annotator.toml")
    assert rows["titles"]["value"] == "inside"
    assert rows["datelines"]["value"] == "whole"  # still learned
    (ws.root / "annotator.toml").write_text(
        '[annotator]\n[annotator.conventions]\ntitles = "sometimes"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        Workspace.open(ws.root).conventions()
    assert err.value.code == "C003"
    result = run(ws, "conventions")
    assert result.exit_code == 2 and "[C003]" in result.stderr


@pytest.mark.parametrize(("conv", "text", "span", "want"), [
    (Conventions(titles="inside"), "met Mr. Krimke there", "Krimke", "Mr. Krimke"),
    (Conventions(), "met Mr. Krimke there", "Mr. Krimke", "Krimke"),
    (Conventions(possessive="inside"), "at Joseph Warrington's house", "Joseph Warrington",
     "Joseph Warrington's"),
    (Conventions(), "at Joseph Warrington's house", "Joseph Warrington's", "Joseph Warrington"),
    (Conventions(kin="inside"), "saw my uncle John Harvey", "John Harvey",
     "my uncle John Harvey"),
    (Conventions(kin="inside"), "saw Cousin Ruth Dale", "Cousin Ruth Dale", "Cousin Ruth Dale"),
    (Conventions(), "saw Cousin Ruth Dale", "Cousin Ruth Dale", "Ruth Dale"),
    (Conventions(articles="inside"), "arrested by the Gestapo.", "Gestapo", "the Gestapo"),
    (Conventions(city_of="inside"), "in the city of London", "London", "the city of London"),
])
def test_conventions_shape_spans(conv, text, span, want):
    start = text.index(span)
    type_ = "org" if span == "Gestapo" else "place" if span == "London" else "person"
    got = clean_span(text, start, start + len(span), type_, span_rules(conv))
    assert got is not None and text[got[0]:got[1]] == want


def test_hit_rules_keep_a_hits_start():
    """propose drops a register or propagated hit whose first character a proposal holds
    before cleaning it (acts.propose.build_proposals): the rules for hits, HIT_RULES and the
    conventions' own, only cut a span's end or widen it, so its start stays in it."""
    every = Conventions(titles="inside", kin="inside", articles="inside", city_of="inside",
                        possessive="inside")
    rules = (*HIT_RULES, *(r for r in span_rules(every) if r not in RULES))
    text = ("On Monday my uncle Mr. John Harvey's brother, the Duke of Feria, came from the "
            "city of London 3 miles with the Gestapo. Very Dull. An Inn, Chirk Castle, "
            "Daniel 11:3, Lord, Sing. Mar. Wid. Div. Thou art Henry 7th.")
    words = [m.span() for m in re.finditer(r"\S+", text)]
    for i, (start, _) in enumerate(words):
        for _, end in words[i:i + 4]:
            for type_ in ("person", "place", "org"):
                got = clean_span(text, start, end, type_, rules)
                assert got is None or got[0] <= start < got[1], (text[start:end], type_)


def test_propose_follows_the_learned_conventions(ws, tmp_path):
    """An annotated journal teaches that dates wrap whole datelines and 's is inside; the
    journal again with its markup taken out gets proposals shaped so."""
    ws.add(JOURNAL)
    tree = etree.parse(str(JOURNAL))
    text = tree.getroot().find(f"{{{TEI}}}text")
    etree.strip_tags(text, f"{{{TEI}}}persName", f"{{{TEI}}}date", f"{{{TEI}}}rs")
    bare = tmp_path / "letter.xml"  # the bare copy
    tree.write(str(bare), xml_declaration=True, encoding="UTF-8")
    ws.add(bare)
    ws.propose(["letter"])
    reading = ws.reading_text("letter")
    datelines = [" ".join("".join(d.itertext()).split())
                 for d in text.iter(f"{{{TEI}}}dateline")]
    got = [" ".join(m.surface.split()) for m in ws.mentions("letter", types=["date"])
           if m.provenance == "rule:dateline"]
    assert len(datelines) > 10 and len(got) >= len(datelines) - 1  # one holds a [sic] note
    assert got[:12] == datelines[:12]
    assert all(m.confidence is not None for m in ws.mentions("letter"))
    ws.settings = ws.settings.with_overrides(use_conventions=False)
    ws.propose(["letter"])  # the steps are part of the run's settings: it runs again
    assert not [m for m in ws.mentions("letter") if m.provenance == "rule:dateline"]
    assert reading == ws.reading_text("letter")


def test_folds_score_the_conventions_step_on_its_own(ws):
    """Friendly Networks keeps "'s" inside persName (its three files here are too few for each
    fold to learn it, so annotator.toml says so): the conventions step matches more names
    exactly than the base pipeline on the held folds."""
    ws.add_many(sorted((EDITIONS / "friendly-networks").glob("*.xml")))
    (ws.root / "annotator.toml").write_text(
        '[annotator]\n[annotator.conventions]\npossessive = "inside"\n', encoding="utf-8")
    result = run(ws, "eval", "--folds", "2", "--methods", "base,conventions", "--type",
                 "person", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {r["method"]: r for r in json.loads(result.stdout)["scores"] if r["type"] == "person"}
    assert rows["conventions"]["gold"] == rows["base"]["gold"] > 0
    assert rows["conventions"]["exact_f1"] > rows["base"]["exact_f1"]


def test_a_selection_is_snapped_to_the_editions_conventions(ws):
    """EHRI leaves "Mrs" outside persName; Friendly Networks keeps "'s" inside: a mention added
    from a sloppy selection follows the edition."""
    ws.add(FRAENKEL)
    sid = ws.sources()[0].id
    text = ws.reading_text(sid)
    at = text.index("Mrs ")
    name_end = at + len("Mrs ") + len(text[at + 4:].split()[0].rstrip(".,;'’s"))
    start, end = ws.snap(sid, at, name_end, "person")
    assert text[start:end] == text[at + 4:name_end]  # the title is left out
    assert ws.snap(sid, at, name_end, "date") == (at, name_end)  # dates as selected
    ws.add(JOURNAL)
    jid = next(s.id for s in ws.sources() if s.id != sid)
    jtext = ws.reading_text(jid)
    poss = jtext.index("’s") if "’s" in jtext else jtext.index("'s")
    word = jtext.rfind(" ", 0, poss) + 1
    assert ws.conventions().possessive == "inside"
    start, end = ws.snap(jid, word, poss, "person")
    assert jtext[start:end] == jtext[word:poss + 2]  # "'s" taken in


@pytest.mark.parametrize("given", ["person", "Person", " PERSON "])
def test_a_selection_is_marked_as_snap_says_whatever_the_type_is_written(ws, given):
    """``snap`` and ``add_mention(as_edition=True)`` mark one span, the type written as the
    editor typed it (was: add_mention gave the edition the type unnormalised, so 'Person' kept
    the "Mrs" that 'person' leaves out)."""
    ws.add(FRAENKEL)
    sid = ws.sources()[0].id
    text = ws.reading_text(sid)
    at = text.index("Mrs ")
    name_end = at + len("Mrs ") + len(text[at + 4:].split()[0].rstrip(".,;'’s"))
    start, end = ws.snap(sid, at, name_end, given)
    assert text[start:end] == text[at + 4:name_end]
    d = ws.add_mention(sid, at, name_end, given, as_edition=True)
    assert (d.payload["start"], d.payload["end"]) == (start, end)


TESTIMONY = EDITIONS / "ehri" / "EHRI-ET-YV9392546_EN.xml"  # "Himmelblau</persName>'s"


def _bare(path, out):
    """The file with its names and dates unwrapped, its header (its edition) kept."""
    tree = etree.parse(str(path))
    text = tree.getroot().find(f"{{{TEI}}}text")
    etree.strip_tags(text, f"{{{TEI}}}persName", f"{{{TEI}}}placeName", f"{{{TEI}}}orgName",
                     f"{{{TEI}}}date", f"{{{TEI}}}rs")
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    return out


def test_conventions_of_one_edition_do_not_shape_anothers_proposals(ws, tmp_path):
    """Friendly Networks keeps "'s" inside persName and wraps datelines whole; an EHRI
    testimony beside it, its markup taken out, is proposed as EHRI marks names: no
    "Himmelblau's" (was: the workspace's conventions, learned from Friendly Networks)."""
    ws.add(JOURNAL)
    bare = ws.add(_bare(TESTIMONY, tmp_path / "testimony.xml")).source.id
    ws.propose([bare])
    names = [m.surface for m in ws.mentions(bare) if m.type != "date"]
    assert "Niky Himmelblau" in names
    assert not [n for n in names if n.endswith(("'s", "’s"))]
    journal = next(s.id for s in ws.sources() if s.id != bare)
    assert ws.edition(journal) == "Friendly Networks"
    assert ws.edition(bare) == "Early Holocaust Testimonies"
    assert ws.conventions(journal).possessive == "inside"
    conv = ws.conventions(bare)
    assert (conv.possessive, conv.datelines) == ("outside", "inside")
    assert {r["convention"]: r["source"] for r in conv.rows()}["possessive"] == "default"


def test_conventions_listed_per_edition_and_per_source(ws):
    """`annotator conventions` shows each edition's conventions from its own sources; with a
    source, that source's and where each comes from."""
    ws.add(JOURNAL)
    ws.add(TESTIMONY)
    rows = json.loads(run(ws, "conventions", "--format", "json").stdout)
    by = {(r["edition"], r["convention"]): r for r in rows}
    fn = by[("Friendly Networks", "possessive")]
    assert (fn["value"], fn["source"], fn["from"], fn["sources"]) == \
        ("inside", "learned", "edition", 1)
    assert by[("Friendly Networks", "datelines")]["value"] == "whole"
    ehri = by[("Early Holocaust Testimonies", "possessive")]
    assert (ehri["value"], ehri["source"]) == ("outside", "default")
    assert by[("Early Holocaust Testimonies", "datelines")]["value"] == "inside"
    sid = next(s.id for s in ws.sources() if ws.edition(s.id) == "Friendly Networks")
    one = json.loads(run(ws, "conventions", sid, "--format", "json").stdout)
    poss = next(r for r in one if r["convention"] == "possessive")
    assert (poss["value"], poss["from"], poss["edition"]) == \
        ("inside", "source", "Friendly Networks")
    bad = run(ws, "conventions", "no-such-source")
    assert bad.exit_code == 2 and "[S015]" in bad.stderr


def test_conventions_a_source_with_too_few_cases_takes_its_editions(ws, tmp_path):
    """A source's own markup decides a convention once it shows MIN_EVIDENCE cases; with
    fewer, the sources of its edition (the series its header names) decide together."""
    def letter(name, body):
        path = tmp_path / f"{name}.xml"
        path.write_text(
            f'<TEI xmlns="{TEI}"><teiHeader><fileDesc><titleStmt><title>{name}</title>'
            '</titleStmt><publicationStmt><p/></publicationStmt><seriesStmt><title>Letters '
            'of A</title></seriesStmt><sourceDesc><p/></sourceDesc></fileDesc></teiHeader>'
            f'<text><body><p>{body}</p></body></text></TEI>', encoding="utf-8")
        return ws.add(path).source.id

    inside = "".join(f"<persName>Amy{i}'s</persName> cat. " for i in range(3))
    outside = "".join(f"<persName>Ben{i}</persName>'s dog. " for i in range(4))
    a = letter("a", inside)
    b = letter("b", outside + "<persName>Cy</persName>'s hat.")
    c = letter("c", "<persName>Dora</persName>'s cup.")  # one case: too few of its own
    assert [ws.conventions(s).possessive for s in (a, b, c)] == ["inside", "outside", "outside"]
    assert [ws.conventions(s).learned_from["possessive"] for s in (a, b, c)] == \
        ["source", "source", "edition"]  # the edition: 3 inside, 6 outside


@pytest.mark.parametrize(("header", "want"), [
    ("<publicationStmt><publisher>Press</publisher></publicationStmt>"
     "<seriesStmt><title type='project'>Series</title><title>Other</title></seriesStmt>",
     "Series"),
    ("<publicationStmt><authority> European\n Archive </authority></publicationStmt>",
     "European Archive"),
    ("<publicationStmt><publisher/><distributor>Library</distributor></publicationStmt>",
     "Library"),
    ("<publicationStmt><publisher/></publicationStmt>", ""),
    ("<publicationStmt><p>Unpublished</p></publicationStmt>", ""),
])
def test_conventions_an_edition_is_what_the_header_names(header, want):
    from annotator.tei.header import edition_name

    root = etree.fromstring(f'<TEI xmlns="{TEI}"><teiHeader><fileDesc><titleStmt><title>t'
                            f'</title></titleStmt>{header}</fileDesc></teiHeader></TEI>')
    assert edition_name(root) == want


@pytest.mark.parametrize(("before", "want"), [
    ('<?xml-model href="CT.rng" type="application/xml" '
     'schematypens="http://relaxng.org/ns/structure/1.0"?>', "CT.rng"),
    ('<?oxygen RNGSchema="letters.rng" type="xml"?>', "letters.rng"),
    # TEI's stock schemas are any edition's: no edition of their own
    ('<?xml-model href="http://www.tei-c.org/release/xml/tei/custom/schema/relaxng/'
     'tei_all.rng" type="application/xml"?>', ""),
    ('<?xml-model href="tei_lite.rng"?>', ""),
    ('<?xml-stylesheet href="letters.xsl" type="text/xsl"?>', ""),
])
def test_conventions_an_edition_is_the_schema_of_its_own_a_file_declares(before, want):
    """A header whose only clue is an empty ``<publisher/>`` (Curious Travellers): the
    edition's own schema the file declares names its edition (was: '', one pool with every
    file naming none, a .txt file annotator encoded among them); the header still first."""
    from annotator.tei.header import edition_name

    body = (f'<TEI xmlns="{TEI}"><teiHeader><fileDesc><titleStmt><title>t</title></titleStmt>'
            '<publicationStmt><publisher/></publicationStmt></fileDesc></teiHeader></TEI>')
    assert edition_name(etree.fromstring(f"{before}{body}".encode())) == want
    named = body.replace("<publisher/>", "<publisher>Press</publisher>")
    assert edition_name(etree.fromstring(f"{before}{named}".encode())) == "Press"


def test_conventions_files_naming_no_edition_lend_each_other_nothing(ws, tmp_path):
    """An article encoded from .txt beside letters whose headers name no edition (an empty
    ``<publisher/>``) and whose markup keeps titles inside persName: the article keeps the
    defaults, "Joachim von Ribbentrop" (was: one edition "(none named)" with the letters,
    and "Foreign Minister Joachim von Ribbentrop"). A letter with too few cases of its own
    still takes the letters' edition, named by the schema they declare. Real model."""
    def letter(name, body):
        path = tmp_path / f"{name}.xml"
        path.write_text(
            '<?xml-model href="CT.rng" type="application/xml" '
            'schematypens="http://relaxng.org/ns/structure/1.0"?>'
            f'<TEI xmlns="{TEI}"><teiHeader><fileDesc><titleStmt><title>{name}</title>'
            '</titleStmt><publicationStmt><publisher/></publicationStmt><sourceDesc><p/>'
            f'</sourceDesc></fileDesc></teiHeader><text><body><p>{body}</p></body></text>'
            '</TEI>', encoding="utf-8")
        return ws.add(path).source.id

    a = letter("a", "We dined with <persName>Mr Jackson</persName> and <persName>Sir George "
                    "Beaumont</persName>; <persName>Lady Beaumont</persName> is better.")
    b = letter("b", "<persName>Mr Pennant</persName> is come.")
    (tmp_path / "talks.txt").write_text(
        "Talks\n\nOn 12 November 1940 Foreign Minister Joachim von Ribbentrop met Soviet "
        "Foreign Minister Vyacheslav Molotov in Berlin.\n", encoding="utf-8")
    talks = ws.add(tmp_path / "talks.txt").source.id
    assert (ws.edition(a), ws.edition(b), ws.edition(talks)) == ("CT.rng", "CT.rng", "")
    assert ws.conventions(a).titles == "inside"
    assert (ws.conventions(b).titles, ws.conventions(b).learned_from["titles"]) == \
        ("inside", "edition")
    assert ws.conventions(talks).titles == "outside"
    ws.propose([talks])
    names = {m.surface for m in ws.mentions(talks) if m.type == "person"}
    assert {"Joachim von Ribbentrop", "Vyacheslav Molotov"} <= names
    assert not [n for n in names if "Minister" in n]


def test_conventions_an_edition_named_by_its_schema_is_shown_by_its_folder(ws, tmp_path):
    """Letters whose headers name no series or publisher, only a schema of their own, added
    from the folder "pennant-letters": 'annotator conventions' shows that edition as
    "pennant-letters (schema CT.rng)" (was: "CT.rng", a file name no editor knows it by);
    the edition itself, which files share conventions, is still the schema ("CT.rng"). A
    file named by its publisher is shown so."""
    folder = tmp_path / "pennant-letters"
    folder.mkdir()
    for name in ("a", "b"):
        (folder / f"{name}.xml").write_text(
            '<?xml-model href="CT.rng" type="application/xml" '
            'schematypens="http://relaxng.org/ns/structure/1.0"?>'
            f'<TEI xmlns="{TEI}"><teiHeader><fileDesc><titleStmt><title>{name}</title>'
            '</titleStmt><publicationStmt><publisher/></publicationStmt><sourceDesc><p/>'
            '</sourceDesc></fileDesc></teiHeader><text><body><p><persName>Mr Pennant'
            '</persName> is come.</p></body></text></TEI>', encoding="utf-8")
        ws.add(folder / f"{name}.xml")
    (tmp_path / "press.xml").write_text(
        f'<TEI xmlns="{TEI}"><teiHeader><fileDesc><titleStmt><title>p</title></titleStmt>'
        '<publicationStmt><publisher>Friends Press</publisher></publicationStmt><sourceDesc>'
        '<p/></sourceDesc></fileDesc></teiHeader><text><body><p>Hi.</p></body></text></TEI>',
        encoding="utf-8")
    ws.add(tmp_path / "press.xml")
    assert ws.edition("a") == "CT.rng"
    assert ws.edition_labels() == {"CT.rng": "pennant-letters (schema CT.rng)",
                                   "Friends Press": "Friends Press"}
    rows = json.loads(run(ws, "conventions", "--format", "json").stdout)
    assert {r["edition"] for r in rows} == {"pennant-letters (schema CT.rng)", "Friends Press"}
    one = json.loads(run(ws, "conventions", "b", "--format", "json").stdout)
    assert {r["edition"] for r in one} == {"pennant-letters (schema CT.rng)"}
    # scripts also get the key that groups the files, which the label shown may not hold
    assert {(r["edition"], r["edition_key"]) for r in rows} == {
        ("pennant-letters (schema CT.rng)", "CT.rng"), ("Friends Press", "Friends Press")}
    assert {r["edition_key"] for r in one} == {"CT.rng"}
    shown = run(ws, "conventions").stdout
    assert "edition_key" not in shown and "pennant-letters" in shown


def test_conventions_the_texts_annotator_encoded_are_one_edition(ws, tmp_path):
    """.txt letters whose names the editor marked with their titles inside, five names in
    four letters, each too few of its own: the next letter learns "titles inside" from them,
    one edition, the workspace's texts, and gets "Mr Wilberforce" (was: each letter on its
    own, the defaults, "Wilberforce"). A TEI file naming no edition, whose markup keeps
    titles outside, is no part of it and lends it nothing. Real model."""
    from annotator.acts.texts import OWN_TEXTS

    def letter(name, body):
        (tmp_path / f"{name}.txt").write_text(f"Letter {name}\n\n{body}\n", encoding="utf-8")
        return ws.add(tmp_path / f"{name}.txt").source.id

    for name, body, names in (
            ("a", "I saw Mr Pennant in London.", ["Mr Pennant"]),
            ("b", "Mrs Piozzi and Mrs Clarkson are well.", ["Mrs Piozzi", "Mrs Clarkson"]),
            ("c", "Mr Lightfoot is come.", ["Mr Lightfoot"]),
            ("d", "We expect Mr Coleridge.", ["Mr Coleridge"])):
        sid = letter(name, body)
        text = ws.reading_text(sid)
        for n in names:
            ws.add_mention(sid, text.index(n), text.index(n) + len(n), "person")
    outside = "".join(f"Mr <persName>Jack{c}</persName> came. " for c in "abcde")
    (tmp_path / "tei.xml").write_text(
        f'<TEI xmlns="{TEI}"><teiHeader><fileDesc><titleStmt><title>t</title></titleStmt>'
        '<publicationStmt><publisher/></publicationStmt><sourceDesc><p/></sourceDesc>'
        f'</fileDesc></teiHeader><text><body><p>{outside}</p></body></text></TEI>',
        encoding="utf-8")
    tei = ws.add(tmp_path / "tei.xml").source.id
    new = letter("e", "I dined with Mr Wilberforce and Mrs Hannah More at Mr Thornton's house.")
    assert (ws.edition(new), ws.conventions_edition(new), ws.conventions_edition(tei)) == \
        ("", OWN_TEXTS, "")
    assert (ws.conventions(new).titles, ws.conventions(new).learned_from["titles"]) == \
        ("inside", "edition")
    assert (ws.conventions(tei).titles, ws.conventions(tei).learned_from["titles"]) == \
        ("outside", "source")
    assert ws.edition_conventions()[OWN_TEXTS][0] == 5
    ws.propose([new])
    names = {m.surface for m in ws.mentions(new) if m.type == "person"}
    assert {"Mr Wilberforce", "Mr Thornton"} <= names
    shown = json.loads(run(ws, "conventions", new, "--format", "json").stdout)
    assert {r["edition"] for r in shown} == {OWN_TEXTS}


def test_conventions_an_edition_is_read_from_the_kept_maps_head(ws, request):
    """The edition is found when the text map is built and kept in the map's head: a new
    process reads it from there for every source, parsing no file (was: each file parsed
    again once per process, for its header)."""
    from annotator.store import textmaps
    from annotator.tei import textmap_pack

    journal = ws.add(JOURNAL).source
    fraenkel = ws.add(FRAENKEL).source
    assert textmap_pack.edition(textmaps.kept_head(ws.store.conn, journal.sha256)) == \
        "Friendly Networks"
    assert textmap_pack.edition(textmaps.kept_head(ws.store.conn, fraenkel.sha256)) == \
        "Early Holocaust Testimonies"
    parsed = request.getfixturevalue("parsed_files")  # counted from here on
    ws.texts.cache.clear()  # as a new process: nothing in memory
    assert [ws.edition(s.id) for s in (journal, fraenkel)] == \
        ["Friendly Networks", "Early Holocaust Testimonies"]
    assert parsed == []
    assert not ws.texts.cache  # only the heads were read
    # nor does `annotator conventions`, whose confirmed mentions read their versions' texts
    # from the kept maps (was: each version's bytes parsed again for the map kept of them)
    rows = json.loads(run(ws, "conventions", "--format", "json").stdout)
    assert {r["edition"] for r in rows} == {"Friendly Networks", "Early Holocaust Testimonies"}
    assert parsed == []


def test_conventions_an_edition_without_a_kept_map_builds_and_keeps_it(ws):
    """No map kept (a store that was busy, one from older code): the edition comes from the
    map, built once and kept, so the next process reads its head."""
    from annotator.store import textmaps
    from annotator.tei import textmap_pack

    src = ws.add(JOURNAL).source
    with ws.store.transaction() as tx:
        tx.execute("DELETE FROM textmaps")
    ws.texts.cache.clear()
    assert ws.edition(src.id) == "Friendly Networks"
    assert textmap_pack.edition(textmaps.kept_head(ws.store.conn, src.sha256)) == \
        "Friendly Networks"


def test_conventions_a_whole_dateline_stops_at_a_note_inside_it(tmp_path):
    """A dateline proposed whole (the edition's convention) is its own words, up to the margin
    note inside it ("Received this 6th of 10th month", read as a block of its own): it ran on
    into the note, a date across a block break."""
    path = tmp_path / "letter.xml"
    path.write_text(f"""<TEI xmlns="{TEI}"><teiHeader><fileDesc><titleStmt><title>t</title>
</titleStmt><publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc>
</teiHeader><text><body><div><opener><dateline>Gwynedd School 10th Month 3rd, 1823<note
place="margin">Received this 6th of 10th month</note></dateline></opener>
<p>Thy acceptable letter came duly to hand.</p></div></body></text></TEI>""", encoding="utf-8")
    tm = build_textmap(parse_source(path))
    assert [tm.text[a:b] for a, b in whole_datelines(tm)] == \
        ["Gwynedd School 10th Month 3rd, 1823"]


def _headings(ws, sid):
    """The weekday headings ("First Day." opening a line) proposed as dates in a source."""
    from annotator.chronology import weekday_headings

    spans = set(weekday_headings(ws.reading_text(sid)))
    return [m for m in ws.mentions(sid, types=["date"]) if (m.start, m.end) in spans]


def test_weekday_headings_follow_the_editions_markup(ws, tmp_path):
    """John Hunt's journal marks its datelines' dates and leaves "First Day." heading an entry
    bare (1 of 12 marked): a bare copy alone gets no such heading proposed (no evidence: the
    default, unmarked), nor beside the journal (learned from the edition), and
    `annotator conventions` says which and why; an annotator.toml saying `marked` gets them
    (was: alone, the headings were proposed, 47 of Friendly Networks' 48 left bare)."""
    from annotator import Workspace

    bare = ws.add(_bare(JOURNAL, tmp_path / "journal.xml")).source.id
    ws.propose([bare])
    assert _headings(ws, bare) == []
    assert len(ws.mentions(bare, types=["date"])) > 20  # the other dates are proposed
    conv = ws.conventions(bare)
    assert conv.weekday_headings == "unmarked"
    assert {r["convention"]: r for r in conv.rows()}["weekday_headings"]["source"] == "default"
    toml = ws.root / "annotator.toml"
    kept = toml.read_text(encoding="utf-8")
    toml.write_text(kept + '\n[annotator.conventions]\nweekday_headings = "marked"\n',
                    encoding="utf-8")
    marked = Workspace.open(ws.root)
    marked.propose([bare])  # its conventions changed: it is proposed again
    heads = _headings(marked, bare)
    assert len(heads) > 5 and {m.surface for m in heads} >= {"First Day", "Fifth Day"}
    marked.close()
    toml.write_text(kept, encoding="utf-8")
    again = Workspace.open(ws.root)
    again.add(JOURNAL)
    conv = again.conventions(bare)
    assert conv.weekday_headings == "unmarked" and "weekday_headings" not in conv.evidence
    rows = {r["convention"]: r for r in conv.rows()}
    assert (rows["weekday_headings"]["source"], rows["weekday_headings"]["from"]) == \
        ("learned", "edition")
    again.propose([bare])
    assert _headings(again, bare) == []
    again.close()
    listed = json.loads(run(ws, "conventions", "--format", "json").stdout)
    row = next(r for r in listed if r["convention"] == "weekday_headings")
    assert (row["value"], row["evidence"]) == ("unmarked", "1 marked, 11 unmarked")


def test_weekday_headings_the_editor_marks_are_proposed(ws, tmp_path):
    """An editor who marks the journal's weekday headings teaches that the edition marks them:
    the rest are proposed; headings still waiting for a decision teach nothing (the editor
    has not looked), rejected ones that the edition leaves them bare."""
    from annotator.acts.conventions import edition_conventions
    from annotator.chronology import weekday_headings

    bare = ws.add(_bare(JOURNAL, tmp_path / "journal.xml")).source.id
    ws.propose([bare])
    assert _headings(ws, bare) == []  # no evidence: none proposed
    spans = weekday_headings(ws.reading_text(bare))
    ws.add_mention(bare, *spans[0], "date")
    assert edition_conventions(ws).by_source[bare]["weekday_headings"] == (1, 0)
    for a, b in spans[1:4]:
        ws.add_mention(bare, a, b, "date")
    conv = ws.conventions(bare)
    assert (conv.weekday_headings, conv.learned_from["weekday_headings"]) == ("marked", "source")
    assert conv.evidence["weekday_headings"] == (4, 0)
    ws.propose([bare])  # its conventions changed: it is proposed again
    heads = [m for m in _headings(ws, bare) if m.status == "proposed"]
    assert len(heads) > 4 and {(m.start, m.end) for m in heads} <= set(spans[4:])
    assert ws.conventions(bare).evidence["weekday_headings"] == (4, 0)  # pending: nothing
    ws.reject(*(f"mention:{m.id}" for m in heads))
    assert ws.conventions(bare).evidence["weekday_headings"] == (4, len(heads))
    assert ws.conventions(bare).weekday_headings == "unmarked"


def test_weekday_headings_of_a_source_marking_no_date_teach_nothing(ws):
    """A weekday opening a line in a source whose markup marks no date at all says nothing of
    the edition's headings; nor does one opening a longer date ("Tuesday July 8th."), nor,
    where the editor marked the dates, one the editor never saw proposed."""
    from annotator.nlp.conventions import heading_cases

    text = "Tuesday July 8th.\n\nWe set off.\n\nWednesday. The day was very fine.\n"
    assert heading_cases(text, []) == (0, 0)
    assert heading_cases(text, [(0, 16)]) == (0, 1)  # "Wednesday" bare, "Tuesday" no heading
    assert heading_cases(text, [(0, 16), (32, 41)]) == (1, 0)
    # the editor's dates: a heading never proposed says nothing, one rejected that it is bare
    assert heading_cases(text, [(0, 16)], from_file=False) == (0, 0)
    assert heading_cases(text, [(0, 16)], (), [(32, 41)], from_file=False) == (0, 1)


def test_conventions_read_spans_as_the_mentions_give_them(ws):
    """Learning conventions reads each mention's span, type and provenance without making a
    ``Mention`` (its surface cut from the reading text) of each: the same, in the same order."""
    ws.add(JOURNAL)
    for status, types in (("confirmed", None), ("confirmed", ("date",)),
                          ("proposed", ("person", "place", "org"))):
        assert ws.mention_spans(status=status, types=types) == [
            (m.source_id, m.start, m.end, m.type, m.provenance)
            for m in ws.mentions(status=status, types=types)]
    assert ws.mention_spans(status="confirmed")


@pytest.mark.parametrize("before", [
    "Mr. ", "said Dr.\t ", "uncle ", "12abc ", "-abc.\t ", "x.. ", "ab_c ", "½x ", "'s  ",
    "a’b-c\t", "line\n ", " ", "Dr.", "", "İstanbul ", "x\u0663y ", "the", "of the  ",
    "a very long run of words before the name, more than forty characters: Lady "])
def test_conventions_read_the_word_before_a_mention_as_the_pattern_finds_it(before):
    """Counting reads the word before each mention backwards from it (matched once, not
    searched for at each character before it): the word ``_WORD_BEFORE`` finds there."""
    from annotator.nlp.conventions import _WORD_BEFORE, _word_before

    text = before + "Name"
    m = _WORD_BEFORE.search(text[max(0, len(before) - 40):len(before)])
    assert _word_before(text, len(before)) == (m.group(1).lower().rstrip(".") if m else "")
