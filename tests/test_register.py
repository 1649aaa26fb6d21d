"""The register: TEI personography/placeography in and out, ids kept, search."""

from __future__ import annotations

import pytest
from lxml import etree

from annotator import SourceError
from tests.conftest import ROOT, run
from tests.review_seed import propose_by_names

SAMPLE_REGISTER = ROOT / "register.xml"

REGISTER = """<?xml version="1.0" encoding="UTF-8"?>
<listPerson xmlns="http://www.tei-c.org/ns/1.0">
  <person xml:id="hitler_a">
    <persName><forename>Adolf</forename> <surname>Hitler</surname></persName>
    <persName>Hitler</persName>
    <idno type="URI">https://www.wikidata.org/entity/Q352</idno>
    <idno type="GND">118551655</idno>
    <idno type="local">17</idno>
    <note>Reich Chancellor.</note>
  </person>
</listPerson>
"""


def test_register_import_keeps_ids_and_merges_candidates(seed_ws, tmp_path):
    """A proposed entity sharing a name with an entry is grouped under it, but what the model
    proposed stays proposed (was: confirmed by the import, and exported as decided): the
    editor decides it once, on the entry."""
    ws = seed_ws
    ids = propose_by_names(ws)
    path = tmp_path / "persons.xml"
    path.write_text(REGISTER, encoding="utf-8")
    result = ws.import_register(path)
    assert (result.added, result.merged) == (1, 1)
    assert "its mentions stay proposed ('annotator confirm hitler_a'" in result.merges[0]
    e = ws.entity("hitler_a")
    assert (e.status, e.preferred, e.note) == ("confirmed", "Adolf Hitler", "Reich Chancellor.")
    assert dict(e.authority) == {"wikidata": "Q352", "gnd": "118551655"}
    assert e.mentions == len(ids["person-adolf-hitler"])
    assert {m.status for m in ws.mentions() if m.entity_id == "hitler_a"} == {"proposed"}
    assert [d.act for d in ws.history(limit=1)] == ["import"]
    ws.export_tei()
    exported = next((ws.root / "exports").glob("*.xml")).read_text(encoding="utf-8")
    assert "#hitler_a" not in exported
    ws.confirm("hitler_a")
    assert {m.status for m in ws.mentions() if m.entity_id == "hitler_a"} == {"confirmed"}
    ws.undo()
    ws.undo()
    assert ws.entity("person-adolf-hitler").status == "proposed"
    assert "hitler_a" not in {e.id for e in ws.entities()}


def test_register_import_never_resolves_an_ambiguous_name(seed_ws, tmp_path):
    """A proposed entity whose mentions are flagged ambiguous (the name fits several
    entities, so propose joined none) is not merged into the entry that shares its name:
    kept apart and named, its mentions proposed as they were."""
    ws = seed_ws
    ids = propose_by_names(ws)
    with ws.store.transaction() as conn:
        conn.execute("UPDATE mentions SET flags = 'ambiguous' WHERE entity_id = ?",
                     ("person-adolf-hitler",))
    path = tmp_path / "persons.xml"
    path.write_text(REGISTER, encoding="utf-8")
    result = ws.import_register(path)
    assert (result.added, result.merged) == (1, 0)
    assert len(result.shared) == 1
    assert "hitler_a and person-adolf-hitler share a name, but the mentions of " \
           "person-adolf-hitler are flagged ambiguous" in result.shared[0]
    assert "'annotator merge person-adolf-hitler hitler_a'" in result.shared[0]
    assert ws.entity("person-adolf-hitler").status == "proposed"
    assert {(m.entity_id, m.status) for m in ws.mentions()
            if m.id in ids["person-adolf-hitler"]} == {("person-adolf-hitler", "proposed")}


def test_register_import_twice_changes_nothing(ws, tmp_path):
    path = tmp_path / "persons.xml"
    path.write_text(REGISTER, encoding="utf-8")
    ws.import_register(path)
    second = ws.import_register(path)
    assert (second.added, second.updated, second.merged) == (0, 0, 0)


@pytest.mark.parametrize("body,code", [
    ('<listPerson xmlns="http://www.tei-c.org/ns/1.0"><person><persName>X</persName>'
     '</person></listPerson>', "S202"),
    ('<listPerson xmlns="http://www.tei-c.org/ns/1.0"><person xml:id="x"/></listPerson>',
     "S203"),
    ('<listPlace xmlns="http://www.tei-c.org/ns/1.0"><place xml:id="b"><placeName>B</placeName>'
     '<idno type="geonames">Berlin</idno></place></listPlace>', "S204"),
    ('<listPerson><person xml:id="x"><persName>X</persName></person></listPerson>', "S201"),
    ('<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p/></body></text></TEI>', "S201"),
    ('<listPerson xmlns="http://www.tei-c.org/ns/1.0"><person', "S005"),
])
def test_register_import_refuses_bad_files(ws, tmp_path, body, code):
    path = tmp_path / "bad.xml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(SourceError) as err:
        ws.import_register(path, strict=True)
    assert err.value.code == code
    assert str(path) in str(err.value)
    assert ws.entities() == []


def test_register_import_of_a_spreadsheet_says_it_is_not_xml(ws, tmp_path):
    """A spreadsheet register (Friendly Networks keeps one as TSV) is refused as what it is,
    not as XML that is 'not well-formed' at its first byte."""
    path = tmp_path / "constellations.tsv"
    path.write_text("SNAC ID\tARK ID\n85290808\tw6n9820p\n", encoding="utf-8")
    refused = run(ws, "register", "import", str(path))
    assert refused.exit_code == 2 and refused.stderr.count("\n") == 1, refused.output
    assert refused.stderr.startswith(f"{path}:1:1: not a TEI register: the file is not XML; ")
    assert "listPerson" in refused.stderr and refused.stderr.rstrip().endswith("[S201]")
    assert ws.entities() == []


@pytest.mark.parametrize("name", ["missing.xml", "folder"])
def test_register_import_refuses_unreadable_files(ws, tmp_path, name):
    (tmp_path / "folder").mkdir()
    with pytest.raises(SourceError) as err:
        ws.import_register(tmp_path / name)
    assert err.value.code == "S201"
    assert err.value.location is not None and err.value.location.path == tmp_path / name


def test_register_export_is_valid_tei_and_round_trips(seed_ws, tmp_path, tei_schema):
    ws = seed_ws
    propose_by_names(ws)
    ws.import_register(SAMPLE_REGISTER)
    ws.set_note("place-berlin", "Capital & seat of government <1940>.")
    data = ws.export_register()
    doc = etree.fromstring(data)
    assert tei_schema.validate(doc), tei_schema.error_log
    ns = {"t": "http://www.tei-c.org/ns/1.0"}
    hitler = doc.xpath("//t:person[@xml:id='person-adolf-hitler']", namespaces=ns)[0]
    assert [n.text for n in hitler.findall("t:persName", ns)] == ["Adolf Hitler", "Hitler"]
    assert hitler.find("t:idno[@type='wikidata']", ns).text == "Q352"
    other = imported_anew(data, tmp_path)
    assert sorted(map(register_key, other.register())) == sorted(map(register_key,
                                                                    ws.register()))


def imported_anew(data, tmp_path):
    """A new workspace that imported this exported register."""
    from annotator import Workspace

    out = tmp_path / "register.xml"
    out.write_bytes(data)
    other = Workspace.init(tmp_path / "other")
    other.import_register(out)
    return other


def register_key(e):
    return (e.id, e.type, e.preferred, set(e.variants), e.authority, e.note)


VARIANTS = """<listPerson xmlns="http://www.tei-c.org/ns/1.0">
  <person xml:id="dejong"><persName>De Jong, Sal</persName>
    <persName type="variant">Sal. De Jong</persName></person>
  <person xml:id="w"><persName>Weinstock, Eugen</persName>
    <persName type="variant">Eugen WEINSTOCK</persName></person>
  <person xml:id="h"><persName>Heller, Artur</persName></person>
</listPerson>
"""


def test_register_import_keeps_the_files_own_spellings(ws, tmp_path):
    """A variant the file writes is kept as written; the running-text form made from the
    inverted name ("Sal De Jong") only adds a name the file does not have ("Artur Heller"),
    and an export imported again gives the same names."""
    path = tmp_path / "persons.xml"
    path.write_text(VARIANTS, encoding="utf-8")
    ws.import_register(path)
    assert set(ws.entity("dejong").variants) == {"De Jong, Sal", "Sal. De Jong"}
    assert set(ws.entity("w").variants) == {"Weinstock, Eugen", "Eugen WEINSTOCK"}
    assert set(ws.entity("h").variants) == {"Heller, Artur", "Artur Heller"}
    data = ws.export_register()
    assert b"Sal. De Jong" in data and b"Eugen WEINSTOCK" in data
    other = imported_anew(data, tmp_path)
    assert sorted(map(register_key, other.register())) == sorted(map(register_key,
                                                                    ws.register()))


BERNAT = ('<?xml version="1.0"?><TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc>'
          "<titleStmt><title>B</title></titleStmt><publicationStmt><p>x</p></publicationStmt>"
          "<sourceDesc><p>x</p></sourceDesc></fileDesc></teiHeader><text><body><p>"
          '<persName ref="#metge">Metge, Bernat</persName> wrote to '
          '<persName ref="#metge">Bernat (Bernard)</persName> and '
          '<persName ref="#tolkien">J. R. R. Tolkien</persName> to '
          '<persName ref="#tolkien">Tolkien (Oxford), John Ronald Reuel</persName>.</p>'
          "</body></text></TEI>")


def test_register_export_import_export_gives_the_same_names(ws, tmp_path):
    """Names from a source's markup (a bracketed qualifier, an inverted name, initials) go
    out as written, and what import makes of them for running text ("Bernat" of "Bernat
    (Bernard)") is not written out as names of their own (was: a re-import gained
    <persName type="variant">Bernat</persName>, so every round trip changed the file)."""
    (tmp_path / "b.xml").write_text(BERNAT, encoding="utf-8")
    ws.add(tmp_path / "b.xml")
    ws.confirm("metge", "tolkien")
    first = ws.export_register()
    assert b">Bernat (Bernard)<" in first and b">Bernat<" not in first
    again = imported_anew(first, tmp_path)
    assert "Bernat" in again.entity("metge").variants  # still found in running text
    second = again.export_register()
    assert second == first
    (tmp_path / "3").mkdir()
    third = imported_anew(second, tmp_path / "3")
    assert sorted(map(register_key, third.register())) == \
        sorted(map(register_key, again.register()))
    assert third.export_register() == first


GESTAPO = ('<?xml version="1.0"?><TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc>'
           "<titleStmt><title>G</title></titleStmt><publicationStmt><p>x</p></publicationStmt>"
           "<sourceDesc><p>x</p></sourceDesc></fileDesc></teiHeader><text><body><p>The "
           '<orgName ref="https://portal.ehri-project.eu/authorities/ehri_cb-350">Gestapo</orgName>'
           " came.</p></body></text></TEI>")
BRNO = ('<listPlace xmlns="http://www.tei-c.org/ns/1.0"><place xml:id="brno"><placeName>Brno'
        '</placeName><linkGrp><link target="http://www.geonames.org/3078610/brno.html"/>'
        "</linkGrp></place></listPlace>")


def test_register_writes_pointers_as_the_edition_wrote_them(ws, tmp_path):
    """A source's ``https://`` @ref and a register's GeoNames page go out as written, in
    register export, the TEI export's register.xml and the review card; they are still
    compared by key, so an ``http://`` spelling of the same URI names the same entity."""
    (tmp_path / "g.xml").write_text(GESTAPO, encoding="utf-8")
    (tmp_path / "places.xml").write_text(BRNO, encoding="utf-8")
    ws.add(tmp_path / "g.xml")
    ws.import_register(tmp_path / "places.xml")
    ws.confirm("org-gestapo")
    ehri = "https://portal.ehri-project.eu/authorities/ehri_cb-350"
    geonames = "http://www.geonames.org/3078610/brno.html"
    assert ws.candidate("org-gestapo").refs == (ehri,)
    data = ws.export_register()
    assert f'<ptr target="{ehri}"/>'.encode() in data
    assert f'<ptr target="{geonames}"/>'.encode() in data
    assert b"http://portal" not in data
    ws.export_tei(register="file")
    written = (ws.root / "exports" / "register.xml").read_bytes()
    assert f'<ptr target="{ehri}"/>'.encode() in written
    other = imported_anew(data, tmp_path)
    (tmp_path / "h.xml").write_text(GESTAPO.replace("https://", "http://"), encoding="utf-8")
    other.add(tmp_path / "h.xml")
    assert {m.entity_id for m in other.mentions() if m.type == "org"} == {"org-gestapo"}
    assert other.export_register() == data


def test_register_search_by_any_name_and_id(seed_ws):
    ws = seed_ws
    propose_by_names(ws)
    ws.import_register(SAMPLE_REGISTER)
    assert [e.id for e in ws.register(query="hitler")] == ["person-adolf-hitler"]
    assert [e.id for e in ws.register(query="Q855")] == ["person-joseph-stalin"]
    assert [e.id for e in ws.register(query="stalin's")] == ["person-joseph-stalin"]
    assert {e.type for e in ws.register(type="org")} == {"org"}
    assert ws.register(query="nobody at all") == []


def test_register_sample_file_ids_are_well_formed(ws):
    result = ws.import_register(SAMPLE_REGISTER)
    entries = ws.register()
    assert result.added == len(entries) > 20
    for e in entries:
        assert e.id.startswith(f"{e.type}-")


LETTER = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0">
  <teiHeader><fileDesc><titleStmt><title>A letter</title></titleStmt>
    <publicationStmt><p>Written for annotator's tests.</p></publicationStmt>
    <sourceDesc><p>Invented.</p></sourceDesc></fileDesc></teiHeader>
  <text><body><p>Yesterday <persName ref="#hitler">Hitler</persName> spoke and
    <persName ref="#molotov">Molotov</persName> answered.</p></body></text>
</TEI>
"""
PERSONS = """<?xml version="1.0" encoding="UTF-8"?>
<listPerson xmlns="http://www.tei-c.org/ns/1.0">
  <person xml:id="hitler"><persName>Adolf Hitler</persName></person>
  <person xml:id="molotov"><persName>Vyacheslav Molotov</persName></person>
</listPerson>
"""


def test_register_imported_after_the_letters_gives_its_preferred_names(ws, tmp_path):
    """The letters' ``@ref="#hitler"`` made "Hitler"; the register's entry, imported after,
    names it "Adolf Hitler", the letters' spelling stays a variant; the editor's own choice
    (``prefer``) is kept; undo gives the old names back."""
    (tmp_path / "letter.xml").write_text(LETTER, encoding="utf-8")
    ws.add(tmp_path / "letter.xml")
    assert ws.entity("hitler").preferred == "Hitler"
    ws.set_preferred("molotov", "V. M. Molotov")
    path = tmp_path / "persons.xml"
    path.write_text(PERSONS, encoding="utf-8")
    ws.import_register(path)
    hitler = ws.entity("hitler")
    assert (hitler.status, hitler.preferred) == ("confirmed", "Adolf Hitler")
    assert "Hitler" in hitler.variants
    molotov = ws.entity("molotov")
    assert molotov.preferred == "V. M. Molotov"  # the editor's choice, not the register's
    assert "Vyacheslav Molotov" in molotov.variants
    ws.import_register(path)  # again: nothing moves, nothing logged
    assert (ws.entity("hitler").preferred, ws.entity("molotov").preferred) == (
        "Adolf Hitler", "V. M. Molotov")
    assert [d.act for d in ws.history(limit=2)] == ["import", "prefer"]
    ws.undo()
    assert ws.entity("hitler").preferred == "Hitler"
    assert ws.entity("molotov").preferred == "V. M. Molotov"


def test_register_import_keeps_a_name_a_decisions_file_preferred(ws, tmp_path):
    """``[[prefer]]`` in a decisions file is the editor's choice too; undone, it is not."""
    (tmp_path / "letter.xml").write_text(LETTER, encoding="utf-8")
    ws.add(tmp_path / "letter.xml")
    (tmp_path / "d.toml").write_text('[[prefer]]\nentity = "hitler"\npreferred = "A. Hitler"\n',
                                     encoding="utf-8")
    ws.apply_decisions(tmp_path / "d.toml")
    path = tmp_path / "persons.xml"
    path.write_text(PERSONS, encoding="utf-8")
    ws.import_register(path)
    assert ws.entity("hitler").preferred == "A. Hitler"
    ws.undo()
    ws.undo()  # the decisions file too: the name is the letter's again, no one chose it
    assert ws.entity("hitler").preferred == "Hitler"
    ws.import_register(path)
    assert ws.entity("hitler").preferred == "Adolf Hitler"


def test_register_import_keeps_a_name_preferred_again_by_a_redo(ws, tmp_path):
    """A ``prefer`` brought back by undoing its undo (a redo, logged as an ``undo``) is the
    editor's choice in force: the import keeps it."""
    (tmp_path / "letter.xml").write_text(LETTER, encoding="utf-8")
    ws.add(tmp_path / "letter.xml")
    ws.set_preferred("molotov", "V. M. Molotov")
    undo = ws.undo()
    assert ws.entity("molotov").preferred == "Molotov"
    ws.undo(undo.id)  # the redo
    assert ws.entity("molotov").preferred == "V. M. Molotov"
    path = tmp_path / "persons.xml"
    path.write_text(PERSONS, encoding="utf-8")
    ws.import_register(path)
    molotov = ws.entity("molotov")
    assert molotov.preferred == "V. M. Molotov"
    assert "Vyacheslav Molotov" in molotov.variants


PLACES = """<?xml version="1.0" encoding="UTF-8"?>
<listPlace xmlns="http://www.tei-c.org/ns/1.0">
  <place xml:id="spielberg"><placeName>Spielberg</placeName>
    <linkGrp><link target="http://www.geonames.org/3065525/spilberk.html" type="normal"/>
      <link target="https://en.wikipedia.org/wiki/Prague_Castle" type="desc"/></linkGrp></place>
  <place xml:id="prager-burg"><placeName>Die Prager Burg</placeName>
    <linkGrp><link target="http://www.geonames.org/6290257/" type="normal"/>
      <link target="https://en.wikipedia.org/wiki/Prague_Castle" type="desc"/>
      <link target="https://example.org/castles.pdf" type="normal"/></linkGrp></place>
  <place xml:id="brno"><placeName>Brno</placeName>
    <linkGrp><link target="https://example.org/castles.pdf" type="normal"/>
      <link target="http://www.geonames.org/3078610/brno.html" type="normal"/></linkGrp></place>
  <place xml:id="brno.html"><placeName>Brünn</placeName>
    <linkGrp><link target="https://www.geonames.org/3078610" type="normal"/></linkGrp></place>
  <place><placeName>Štefanovičova-Str.</placeName></place>
</listPlace>
"""


def test_register_import_keeps_every_entry_of_the_file(ws, tmp_path):
    """A shared Wikipedia page or PDF is no identity; a shared GeoNames id is a suggestion,
    never a silent merge; an entry without xml:id is left out, named, the rest imported."""
    path = tmp_path / "places.xml"
    path.write_text(PLACES, encoding="utf-8")
    result = ws.import_register(path)
    assert sorted(e.id for e in ws.register()) == ["brno", "brno.html", "prager-burg",
                                                   "spielberg"]
    assert (result.added, result.updated, result.merged) == (4, 0, 0)
    assert "Die Prager Burg" not in ws.entity("spielberg").variants
    assert len(result.shared) == 1
    assert "brno.html and brno" in result.shared[0]
    assert "annotator merge brno.html brno" in result.shared[0]
    assert [line.split(": ")[0] for line in result.left_out] == [f"{path}:15"]
    assert "[S202]" in result.left_out[0]
    again = ws.import_register(path)  # idempotent: nothing added, updated or merged
    assert (again.added, again.updated, again.merged, again.decision_id) == (0, 0, 0, None)
    assert len(ws.register()) == 4


def test_register_import_strict_refuses_an_entry_it_cannot_read(ws, tmp_path):
    path = tmp_path / "places.xml"
    path.write_text(PLACES, encoding="utf-8")
    with pytest.raises(SourceError) as err:
        ws.import_register(path, strict=True)
    assert (err.value.code, err.value.location.line) == ("S202", 15)
    assert "nothing was imported" in str(err.value)
    assert ws.entities() == []


def test_register_import_cli_names_what_it_left_out(ws, tmp_path):
    path = tmp_path / "places.xml"
    path.write_text(PLACES, encoding="utf-8")
    done = run(ws, "register", "import", str(path))
    assert done.exit_code == 0, done.output
    assert "4 added, 0 updated, 0 merged, 1 entry left out, 1 kept apart" in done.output
    assert f"{path}:15: <place> without xml:id" in done.output
    strict = run(ws, "register", "import", "--strict", str(path))
    assert strict.exit_code == 2 and "S202" in strict.output


def test_register_import_cli_takes_several_files_each_its_own_act(ws, tmp_path):
    """As ``add`` takes several sources: each file is its own act (undo takes back the last
    only) with its own summary naming it; --strict refuses a file with an entry it cannot
    read, and a file that cannot be read is named, the others imported either way (exit 2)."""
    persons, places = tmp_path / "persons.xml", tmp_path / "places.xml"
    persons.write_text(REGISTER, encoding="utf-8")
    places.write_text(PLACES, encoding="utf-8")
    done = run(ws, "register", "import", str(persons), str(places))
    assert done.exit_code == 0, done.output
    assert f"register {persons}: 1 added, 0 updated, 0 merged (decision 1)" in done.output
    assert f"register {places}: 4 added, 0 updated, 0 merged, 1 entry left out, 1 kept " \
           "apart (decision 2)" in done.output
    assert [(d.act, d.target) for d in ws.history()] == [
        ("import", "register:places.xml"), ("import", "register:persons.xml")]
    ws.undo()
    assert sorted(e.id for e in ws.register()) == ["hitler_a"]
    ws.undo()
    assert ws.register() == []
    refused = run(ws, "register", "import", "--strict", str(places), str(persons),
                  str(tmp_path / "missing.xml"))
    assert refused.exit_code == 2
    assert f"register {persons}: 1 added" in refused.output
    assert "[S202]" in refused.output and "missing.xml" in refused.output and "[S201]" in \
        refused.output
    assert [e.id for e in ws.register()] == ["hitler_a"]


def test_register_import_keeps_apart_a_name_the_markup_points_elsewhere(ws, tmp_path):
    """A proposed 'Ribbentrop' made from a letter's ``@ref="#ribbentrop-rudolf"`` (the son) was
    merged by name into the register's ``ribbentrop`` (the father); the markup says who it is,
    so it is kept apart and the pair named as a suggestion. A 'Molotov' no pointer identifies
    is still merged by name, and one whose ``@ref`` is the entry's id is the entry."""
    (tmp_path / "letter.xml").write_text(LETTER.replace(
        '<persName ref="#molotov">Molotov</persName>',
        '<persName>Vyacheslav Molotov</persName> and <persName ref="#ribbentrop-rudolf">Ribbentrop'
        '</persName>'), encoding="utf-8")
    ws.add(tmp_path / "letter.xml")
    son = next(e for e in ws.entities() if e.preferred == "Ribbentrop")
    path = tmp_path / "persons.xml"
    path.write_text(PERSONS.replace(
        "</listPerson>", '  <person xml:id="ribbentrop"><persName>Ribbentrop</persName>'
        "</person>\n</listPerson>"), encoding="utf-8")
    result = ws.import_register(path)
    assert ws.entity(son.id).status == "confirmed"  # kept (known: the file's pointer), with its mention
    assert [m.entity_id for m in ws.mentions() if m.surface == "Ribbentrop"] == [son.id]
    assert [line for line in result.shared if son.id in line] == [
        f"{path}:5: ribbentrop and {son.id} share a name, but the sources point to {son.id} "
        f"as {ws.store.one('SELECT pointer FROM pointers WHERE entity_id = ?', (son.id,))[0]}, "
        f"not merged: if they are one, 'annotator merge {son.id} ribbentrop'"]
    assert [m.entity_id for m in ws.mentions() if "Ribbentrop" not in m.surface] == [
        "hitler", "molotov"]
    done = run(ws, "register", "import", str(path))  # again: the pair named again, no change
    assert "Kept apart (merge them if they are one): 1" in done.output, done.output
    assert "1 kept apart (nothing changed)" in done.output


FIVE = """<listPerson xmlns="http://www.tei-c.org/ns/1.0">
  <person xml:id="a"><persName>Anna Adler</persName></person>
  <person><persName>No Id</persName></person>
  <person xml:id="c"/>
  <person xml:id="d"><persName>Dora Dix</persName><idno type="wikidata">XQ1</idno></person>
  <person xml:id="e"><persName>Emil Ebner</persName></person>
</listPerson>
"""


def test_register_import_counts_entries_and_ids_left_out_apart(ws, tmp_path):
    """A malformed authority id (S204) leaves out the id, not its entry: the entry is counted
    as imported, the id as an id left out, never as a left-out entry."""
    path = tmp_path / "persons.xml"
    path.write_text(FIVE, encoding="utf-8")
    result = ws.import_register(path)
    assert sorted(e.id for e in ws.register()) == ["a", "d", "e"]
    assert result.added == 3
    assert [line.rsplit("[", 1)[1] for line in result.left_out] == ["S202]", "S203]"]
    assert [line.rsplit("[", 1)[1] for line in result.ids_left_out] == ["S204]"]
    path.write_text(FIVE.replace('"a"', '"a2"').replace('"d"', '"d2"').replace('"e"', '"e2"'),
                    encoding="utf-8")
    done = run(ws, "register", "import", str(path))
    assert done.exit_code == 0, done.output
    assert ("register: 3 added, 0 updated, 0 merged, 2 entries left out, 1 id left out "
            in done.output)
    assert "Entries left out: 2" in done.output
    assert "Ids left out (their entries imported): 1" in done.output


BRUENN_LETTER = ('<?xml version="1.0"?><TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader>'
                 "<fileDesc><titleStmt><title>L</title></titleStmt><publicationStmt><p>x</p>"
                 "</publicationStmt><sourceDesc><p>x</p></sourceDesc></fileDesc></teiHeader>"
                 '<text><body><p>We came to <placeName ref="https://www.geonames.org/3078610/">'
                 "Bruenn</placeName> and saw the <placeName "
                 'ref="https://en.wikipedia.org/wiki/Prague_Castle">Burg</placeName>.</p>'
                 "</body></text></TEI>")


def test_register_import_merges_an_earlier_entity_by_identity_only(ws, tmp_path):
    """An entity a source's markup made, sharing a GeoNames id with an entry, is merged into
    it, the line naming the id as the register writes it; one sharing only a descriptive
    link is not."""
    (tmp_path / "l.xml").write_text(BRUENN_LETTER, encoding="utf-8")
    ws.add(tmp_path / "l.xml")
    made = {m.entity_id for m in ws.mentions()}
    assert len(made) == 2
    path = tmp_path / "places.xml"
    path.write_text(PLACES, encoding="utf-8")
    result = ws.import_register(path)
    assert result.merged == 1
    (bruenn,) = made - {e.id for e in ws.entities()}
    assert result.merges == (f"{bruenn} merged into brno: both answer to "
                             "http://www.geonames.org/3078610/brno.html",)
    assert {m.entity_id for m in ws.mentions()} - made == {"brno"}


TOLSTOY = """<listPerson xmlns="http://www.tei-c.org/ns/1.0">
  <person xml:id="{id}"><persName>{name}</persName>
    <idno type="{type}">{value}</idno></person>
</listPerson>
"""
R1 = {"id": "tolstoy", "name": "Tolstoy, Leo"}
R2 = {"id": "lev-tolstoi", "name": "Tolstoi, Lev"}
URI1 = {"type": "URI", "value": "http://www.wikidata.org/entity/Q7243"}
URI2 = {"type": "URI", "value": "https://www.wikidata.org/wiki/Q7243"}
BARE = {"type": "wikidata", "value": "Q7243"}


@pytest.mark.parametrize("one_file", [True, False])
@pytest.mark.parametrize("ids", [(URI1, URI1), (URI1, URI2), (BARE, BARE), (URI2, BARE)])
def test_register_entries_with_one_authority_id_are_kept_apart(ws, tmp_path, one_file, ids):
    """Two register entries with one wikidata id, in one file or two, the id as its URI or
    bare, are both imported and named as a merge suggestion, never merged (was: one file's
    kept apart, a second file's merged the first file's entry into its own, and a bare id
    named nothing)."""
    texts = [TOLSTOY.format(**R1, **ids[0]), TOLSTOY.format(**R2, **ids[1])]
    if one_file:
        texts = [texts[0].replace("</listPerson>\n", "") + texts[1].split(">", 1)[1]]
    paths = []
    for i, text in enumerate(texts):
        paths.append(tmp_path / f"r{i + 1}.xml")
        paths[-1].write_text(text, encoding="utf-8")
    done = ws.import_registers(paths)
    assert sorted(e.id for e in ws.register()) == ["lev-tolstoi", "tolstoy"]
    assert [r.merged for r in done] == [0] * len(paths)
    shared = [line for r in done for line in r.shared]
    assert len(shared) == 1, shared
    assert f"{paths[-1]}:" in shared[0] and "lev-tolstoi and tolstoy" in shared[0]
    assert "same wikidata id Q7243" in shared[0]
    assert "'annotator merge lev-tolstoi tolstoy'" in shared[0]
    if ids == (URI1, URI1):  # the pointer as the file wrote it, not its compared form
        assert "both answer to http://www.wikidata.org/entity/Q7243 " in shared[0]
    assert [(s.reason, s.other.id) for s in ws.similar("tolstoy")][:1] == [
        ("same wikidata id Q7243", "lev-tolstoi")]


AUTHORITY_ENTRY = """<listPlace xmlns="http://www.tei-c.org/ns/1.0">
  <place xml:id="brno"><placeName>Brno</placeName><idno type="{scheme}">{value}</idno></place>
</listPlace>
"""
AUTHORITY_LETTER = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0">
  <teiHeader><fileDesc><titleStmt><title>A letter</title></titleStmt>
    <publicationStmt><p>Written for annotator's tests.</p></publicationStmt>
    <sourceDesc><p>Invented.</p></sourceDesc></fileDesc></teiHeader>
  <text><body><p>We came to <placeName ref="{uri}">Brünn</placeName> in May.</p></body></text>
</TEI>
"""


@pytest.mark.parametrize("register_first", [True, False])
@pytest.mark.parametrize("scheme,value,uri", [
    ("wikidata", "Q14960", "http://www.wikidata.org/entity/Q14960"),
    ("wikidata", "Q14960", "https://www.wikidata.org/wiki/Q14960"),
    ("wikidata", "https://www.wikidata.org/wiki/Q14960", "http://www.wikidata.org/entity/Q14960"),
    ("geonames", "3078610", "http://www.geonames.org/3078610/brno.html"),
    ("viaf", "130168302", "https://viaf.org/viaf/130168302/"),
    ("gnd", "4008279-6", "https://d-nb.info/gnd/4008279-6"),
])
def test_register_authority_id_joins_the_sources_ref_to_its_record(ws, tmp_path, scheme, value,
                                                                   uri, register_first):
    """A register entry's authority id, bare or as a URI, is the record a source's @ref names
    by any of its URIs: one entity, the entry, whichever came first (was: a bare id, or the
    other URI of one Wikidata item, joined nothing, and the letter's Brünn was a place of its
    own beside the register's Brno)."""
    register, letter = tmp_path / "places.xml", tmp_path / "letter.xml"
    register.write_text(AUTHORITY_ENTRY.format(scheme=scheme, value=value), encoding="utf-8")
    letter.write_text(AUTHORITY_LETTER.format(uri=uri), encoding="utf-8")
    if register_first:
        ws.import_register(register)
        ws.add(letter)
    else:
        ws.add(letter)
        done = ws.import_register(register)
        assert done.merged == 1
        assert done.merges[0].startswith("place-brunn merged into brno: ")
    [name] = [m for m in ws.mentions() if m.type == "place"]
    assert (name.entity_id, name.status) == ("brno", "confirmed")
    assert [e.id for e in ws.entities()] == ["brno"]
    brno = ws.entity("brno")
    assert (brno.preferred, brno.status) == ("Brno", "confirmed")
    assert "Brünn" in brno.variants


def test_register_authority_id_of_two_entities_joins_none(ws, tmp_path):
    """A source's @ref to a record two register entries hold (a merge suggestion not yet
    decided) is neither of them: a place of its own, not the first entry picked."""
    register, letter = tmp_path / "places.xml", tmp_path / "letter.xml"
    register.write_text(AUTHORITY_ENTRY.format(scheme="wikidata", value="Q14960").replace(
        "</listPlace>", '<place xml:id="bruna"><placeName>Bruna</placeName>'
        '<idno type="wikidata">Q14960</idno></place></listPlace>'), encoding="utf-8")
    letter.write_text(AUTHORITY_LETTER.format(uri="http://www.wikidata.org/entity/Q14960"),
                      encoding="utf-8")
    ws.import_register(register)
    ws.add(letter)
    [name] = [m for m in ws.mentions() if m.type == "place"]
    assert name.entity_id == "place-brunn"


LINKED_REGISTER = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body>
  <listPlace>
    <place xml:id="germany">
      <placeName>Germany</placeName>
      <placeName>Deutschland</placeName>
      <linkGrp>
        <link target="http://www.geonames.org/2921044/germany" type="normal"/>
        <link target="https://en.wikipedia.org/wiki/Germany" type="desc"/>
      </linkGrp>
      <note>A country.</note>
    </place>
    <place xml:id="german_reich">
      <placeName>German Reich</placeName>
      <link target="https://portal.ehri-project.eu/authorities/ehri_pers-000001"/>
      <note>1871 to 1945.</note>
    </place>
  </listPlace>
  <listPerson>
    <person xml:id="hitler_a">
      <persName>Adolf Hitler</persName>
      <idno type="URI">https://www.wikidata.org/entity/Q352</idno>
      <idno type="GND">118551655</idno>
    </person>
  </listPerson>
</body></text></TEI>
"""

GEONAMES_LETTER = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0">
  <teiHeader><fileDesc><titleStmt><title>A testimony</title></titleStmt>
    <publicationStmt><p>Written for annotator's tests.</p></publicationStmt>
    <sourceDesc><p>Invented.</p></sourceDesc></fileDesc></teiHeader>
  <text><body><p>We left <placeName ref="https://www.geonames.org/2921044/">the Reich</placeName>
    in 1939.</p></body></text>
</TEI>
"""


def test_register_export_keeps_pointers_and_note_lines(ws, tmp_path, tei_schema):
    """An exported register imported into a new workspace is the same register: its links
    (GeoNames, Wikipedia, EHRI), a merged entry's id and notes with their lines come back, and
    a source's GeoNames @ref then means the entry, not a new place."""
    from annotator.store import pointers

    path = tmp_path / "places.xml"
    path.write_text(LINKED_REGISTER, encoding="utf-8")
    ws.import_register(path)
    ws.merge("german_reich", "germany")
    ws.set_note("hitler_a", "Reich Chancellor.\nFrom 1933.\n\nSee also the party.")
    data = ws.export_register()
    assert tei_schema.validate(etree.fromstring(data)), tei_schema.error_log
    other = imported_anew(data, tmp_path)

    def linked(w):
        return pointers.of_entities(w.store.conn, [e.id for e in w.register()])

    assert sorted(map(register_key, other.register())) == sorted(map(register_key,
                                                                    ws.register()))
    assert ws.entity("germany").note == "A country.\n1871 to 1945."
    assert ws.entity("hitler_a").note == "Reich Chancellor.\nFrom 1933.\n\nSee also the party."
    assert {k: set(v) for k, v in linked(other).items()} == {
        k: set(v) for k, v in linked(ws).items()}
    assert set(linked(ws)["germany"]) == {
        "germany", "german_reich", "https://www.geonames.org/2921044",
        "http://en.wikipedia.org/wiki/Germany",
        "http://portal.ehri-project.eu/authorities/ehri_pers-000001"}
    letter = tmp_path / "letter.xml"
    letter.write_text(GEONAMES_LETTER, encoding="utf-8")
    other.add(letter)
    assert [(m.type, m.entity_id) for m in other.mentions()] == [("place", "germany")]
    assert {e.id for e in other.entities(type="place")} == {"germany"}


GEO_REGISTER = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body>
  <listPlace>
    <place xml:id="berlin">
      <placeName>Berlin</placeName>
      <location><geo>52.52 13.40</geo></location>
      <idno type="geonames">2950159</idno>
    </place>
    <place xml:id="berlin_city"><placeName>Berlin City</placeName></place>
    <place xml:id="reichshauptstadt"><placeName>Reichshauptstadt</placeName>
      <location><geo>52.5 13.4</geo></location></place>
    <place xml:id="potsdam"><placeName>Potsdam</placeName></place>
  </listPlace>
</body></text></TEI>
"""


def test_register_export_keeps_coordinates_and_every_merged_id(ws, tmp_path, tei_schema):
    """A place's <geo> and every id merged into an entry (each a <ptr type="sameAs">, bare:
    the edition's id, no entry of the file) come back from an exported register, whose
    pointers all resolve ('annotator validate'); a source pointing to any of those ids then
    names the entry in the new workspace (was: the first as @sameAs="#berlin_city", naming
    no entry of the file, as did each further <ptr target="#id">)."""
    from annotator.tei.validate import validate

    import json

    from annotator.store import pointers

    path = tmp_path / "places.xml"
    path.write_text(GEO_REGISTER, encoding="utf-8")
    ws.import_register(path)
    ws.merge("berlin_city", "berlin")
    ws.merge("reichshauptstadt", "berlin")  # its own coordinates give way to Berlin's
    assert ws.entity("berlin").geo == "52.52 13.40"
    data = ws.export_register()
    doc = etree.fromstring(data)
    assert tei_schema.validate(doc), tei_schema.error_log
    ns = {"t": "http://www.tei-c.org/ns/1.0"}
    (berlin,) = doc.xpath("//t:place[@xml:id='berlin']", namespaces=ns)
    assert berlin.findtext("t:location/t:geo", namespaces=ns) == "52.52 13.40"
    also = [p.get("target") for p in berlin.findall("t:ptr[@type='sameAs']", ns)]
    assert sorted(also) == ["berlin_city", "reichshauptstadt"] and berlin.get("sameAs") is None
    (tmp_path / "register.xml").write_bytes(data)
    assert validate(tmp_path / "register.xml").findings == ()
    other = imported_anew(data, tmp_path)

    def key(e):
        return (*register_key(e), e.geo)

    assert sorted(map(key, other.register())) == sorted(map(key, ws.register()))
    assert {e.id: e.geo for e in other.register()} == {"berlin": "52.52 13.40", "potsdam": ""}
    assert set(pointers.of_entities(other.store.conn, ["berlin"])["berlin"]) == {
        "berlin", "berlin_city", "reichshauptstadt"}
    letter = tmp_path / "letter.xml"
    letter.write_text(GEONAMES_LETTER.replace(
        '<placeName ref="https://www.geonames.org/2921044/">the Reich</placeName>',
        '<placeName ref="#reichshauptstadt">the capital</placeName> and '
        '<placeName ref="#berlin_city">the city</placeName>'), encoding="utf-8")
    other.add(letter)
    assert [(m.surface, m.entity_id) for m in other.mentions()] == [
        ("the capital", "berlin"), ("the city", "berlin")]
    assert {e.id for e in other.entities(type="place")} == {"berlin", "potsdam"}
    rows = json.loads(run(other.root, "entities", "-t", "place", "-f", "json").stdout)
    assert {r["id"]: r["geo"] for r in rows} == {"berlin": "52.52 13.40", "potsdam": ""}


def test_register_export_dash_is_stdout(ws, tmp_path, monkeypatch):
    """``-o -`` is standard output, as for ``export bibtex|csl|claims``: not a file named '-'."""
    path = tmp_path / "persons.xml"
    path.write_text(REGISTER, encoding="utf-8")
    ws.import_register(path)
    monkeypatch.chdir(tmp_path)
    done = run(ws, "register", "export", "-o", "-")
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith("<?xml") and 'xml:id="hitler_a"' in done.stdout
    assert "wrote" not in done.stderr
    assert not (tmp_path / "-").exists()


def test_register_export_to_a_folder_writes_register_xml_in_it(ws, tmp_path):
    """``-o DIR/`` (made if missing) and ``-o`` an existing folder write register.xml there,
    as the exports' -o does (was: a file named DIR, and E001 'Is a directory')."""
    path = tmp_path / "persons.xml"
    path.write_text(REGISTER, encoding="utf-8")
    ws.import_register(path)
    made = tmp_path / "out"
    for given in (f"{made}/", str(made)):
        done = run(ws, "register", "export", "-o", given)
        assert done.exit_code == 0, done.output
        assert done.stderr.strip() == f"wrote {made / 'register.xml'}"
    assert made.is_dir() and 'xml:id="hitler_a"' in (made / "register.xml").read_text(
        encoding="utf-8")


def test_register_and_entities_show_authority_ids_in_one_shape(ws, tmp_path):
    """'register -f json' gave ["wikidata:Q352", ...], 'entities -f json' {"wikidata": ...}:
    now both an object by scheme (as a decisions file's link writes them), and both
    'gnd:118551655 wikidata:Q352' in a table or CSV."""
    import json

    path = tmp_path / "persons.xml"
    path.write_text(REGISTER, encoding="utf-8")
    ws.import_register(path)
    ids = {"wikidata": "Q352", "gnd": "118551655"}
    for args in (["register"], ["entities"]):
        done = run(ws, *args, "-f", "json")
        assert done.exit_code == 0, done.output
        assert [e["authority"] for e in json.loads(done.stdout)] == [ids], args
        done = run(ws, *args, "-f", "csv")
        assert "gnd:118551655 wikidata:Q352" in done.stdout, args


ENTRY_POINTERS = """<listPlace xmlns="http://www.tei-c.org/ns/1.0">
  <place xml:id="brno" sameAs="#brunn">
    <placeName>Brno</placeName>
    <idno type="URI">https://www.wikidata.org/wiki/Q14960</idno>
    <link type="desc" target="https://www.geonames.org/3078610"/>
    <ptr type="sameAs" target="#bruenn"/>
    <link target="https://en.wikipedia.org/wiki/Brno"/>
    <link target="https://www.geonames.org/3078610"/>
  </place>
</listPlace>"""


def test_register_entry_pointers_and_identity_from_one_walk(tmp_path):
    """One walk of an entry gives every pointer it answers to and those saying who it is (a
    'desc' link and a Wikipedia page are not), each in the order first met (was: two walks,
    one per tuple); read_entries keeps both."""
    from annotator.acts.register import read_entries
    from annotator.entities.pointers import entry_pointers

    root = etree.fromstring(ENTRY_POINTERS)
    every, identity, written = entry_pointers(root[0])
    wikidata, geonames = "http://wikidata.org/wiki/Q14960", "https://www.geonames.org/3078610"
    assert every == ("brno", "brunn", wikidata, geonames, "bruenn",
                     "http://en.wikipedia.org/wiki/Brno")  # normalised (entities.pointers)
    assert identity == ("brno", "brunn", wikidata, "bruenn", geonames)
    assert written == ("brno", "#brunn", "https://www.wikidata.org/wiki/Q14960", geonames,
                       "#bruenn", "https://en.wikipedia.org/wiki/Brno")  # as the file has them
    [entry] = read_entries(root, tmp_path / "places.xml")
    assert (entry.pointers, entry.identity, entry.written) == (every, identity, written)


def test_register_file_with_no_entry_read_names_every_problem(ws, tmp_path):
    """A register none of whose entries can be read is refused naming each entry (was: the
    first only, the others counted), as --strict and bib add name theirs."""
    path = tmp_path / "bad.xml"
    path.write_text('<listPerson xmlns="http://www.tei-c.org/ns/1.0">\n'
                    '  <person><persName>A</persName></person>\n'
                    '  <person xml:id="b"/>\n</listPerson>\n', encoding="utf-8")
    with pytest.raises(SourceError) as info:
        ws.import_register(path)
    err = info.value
    assert (err.code, err.location.line) == ("S202", 2)
    assert [d.split(": ")[0] for d in err.details] == [f"{path}:2", f"{path}:3"]
    assert "[S203]" in err.details[1] and "nothing was imported" in str(err)
    assert ws.entities() == []


LISBON_REGISTER = ('<?xml version="1.0"?><TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader>'
                   '<fileDesc><titleStmt><title>r</title></titleStmt><publicationStmt><p>x</p>'
                   '</publicationStmt><sourceDesc><p>x</p></sourceDesc></fileDesc></teiHeader>'
                   '<text><body><listPlace><place xml:id="lisboa"><placeName>Costa Rica</placeName>'
                   '</place></listPlace></body></text></TEI>')


def _names(ws):
    return [(m.start, m.end, m.entity_id) for m in ws.mentions() if m.type != "date"]


def test_register_undo_takes_the_proposals_on_its_entries_along(ws, tmp_path):
    """Undoing a register import after ``propose`` takes the proposals linked to its entries
    along, and the source is proposed again by the next run, without the register; redone,
    the entry takes the proposals made since on a proposed entity of its name, as the import
    merges one, and that entity goes (was: left proposed and 'linked' on no entity, confirmed
    into a bare placeName, and the source skipped as unchanged; then the redo took those
    proposals away too, until the next propose). The name is of two words: one word alone
    is joined only within the register's edition (``test_register_import_keeps_a_word_apart``)."""
    (tmp_path / "k.txt").write_text("A journey\n\nIn 1938 we travelled from Costa Rica by ship.\n",
                                    encoding="utf-8")
    ws.add(tmp_path / "k.txt")
    (tmp_path / "reg.xml").write_text(LISBON_REGISTER, encoding="utf-8")
    imported = ws.import_register(tmp_path / "reg.xml")
    ws.propose(["k"])
    assert _names(ws) == [(37, 47, "lisboa")]

    undone = ws.undo(imported.decision_id)
    assert _names(ws) == []
    assert (undone.payload["proposals"], undone.payload["propose_again"]) == (1, ["k"])
    assert ws.store.query("SELECT id FROM entities") == []
    again = ws.propose(["k"])
    assert not again.sources[0].skipped
    [(start, end, entity)] = _names(ws)
    assert (start, end) == (37, 47) and ws.entity(entity).status == "proposed"

    result = run(ws, "undo", str(undone.id))  # the redo: the entry is back with the proposal
    assert result.exit_code == 0, result.output
    assert "proposal(s)" not in result.output
    assert _names(ws) == [(37, 47, "lisboa")]
    assert [r["id"] for r in ws.store.query("SELECT id FROM entities")] == ["lisboa"]
    assert ws.propose(["k"]).sources[0].skipped
    assert _names(ws) == [(37, 47, "lisboa")]


WORD_REGISTER = """<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>r</title></titleStmt><publicationStmt><publisher>Early Holocaust Testimonies</publisher>
</publicationStmt><sourceDesc><p>x</p>
</sourceDesc></fileDesc></teiHeader><text><body><listPerson>
<person xml:id="ehri_et_paul"><persName>Paul (SS man in Sobibór)</persName><persName>Paul</persName></person>
<person xml:id="ehri_et_lenke"><persName>Lenke</persName></person>
</listPerson><listPlace>
<place xml:id="state-of-israel"><placeName>Israel</placeName></place>
<place xml:id="haifa"><placeName>Haifa</placeName></place>
</listPlace></body></text></TEI>"""


def test_register_import_keeps_a_word_apart(ws, tmp_path):
    """A proposed entity sharing only a name of one word with an entry of a register that
    names its edition, named in a source of another edition (its header names another, and
    its markup points to no entry of the register), is kept apart and named as
    a merge suggestion (was: merged, so an 1824 journal's apostle Paul became the
    testimonies' SS man 'Paul' and its 'Israel of old' the modern state); the register's own
    edition still joins its one-word names, and a redo of the import keeps to the same rule.
    Real model."""
    journal = tmp_path / "journal.xml"
    journal.write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>J'
        "</title></titleStmt><publicationStmt><publisher>Friendly Networks</publisher>"
        "</publicationStmt><sourceDesc><p>x</p></sourceDesc></fileDesc></teiHeader><text><body>"
        "<p>We read how Paul wrote to the Romans in Rome. It was with Israel of old, as Paul "
        "says.</p></body></text></TEI>", encoding="utf-8")
    testimony = tmp_path / "testimony.xml"
    testimony.write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>T'
        "</title></titleStmt><publicationStmt><publisher>Early Holocaust Testimonies"
        "</publisher></publicationStmt>"
        "<sourceDesc><p>x</p></sourceDesc></fileDesc></teiHeader><text><body><p>In the camp "
        '<persName ref="#ehri_et_lenke">Lenke</persName> fed us. In 1946 we came to Haifa by '
        "ship.</p></body></text></TEI>", encoding="utf-8")
    ws.add(journal)
    ws.add(testimony)
    ws.propose()
    by_name = {(m.source_id, m.surface): m.entity_id for m in ws.mentions() if m.type != "date"}
    paul, israel = by_name["journal", "Paul"], by_name["journal", "Israel"]
    haifa = by_name["testimony", "Haifa"]
    assert haifa != "haifa" and paul != "ehri_et_paul"  # the journal's Paul is no one's yet
    path = tmp_path / "reg.xml"
    path.write_text(WORD_REGISTER, encoding="utf-8")
    result = ws.import_register(path)
    assert result.merges == (f"{haifa} merged into haifa: a proposed place with one of its "
                             "names; its mentions stay proposed ('annotator confirm haifa' "
                             "confirms them)",)
    assert {ws.entity(paul).status, ws.entity(israel).status} == {"proposed"}
    said = "\n".join(result.shared)
    assert f"ehri_et_paul and {paul} share only the name 'Paul', and {paul} is named in " \
           "another edition than the register's (Early Holocaust Testimonies), not merged: if " \
           f"they are one, 'annotator merge {paul} ehri_et_paul'" in said
    assert f"state-of-israel and {israel} share only the name 'Israel'" in said
    undone = ws.undo(result.decision_id)
    ws.propose()
    ws.undo(undone.id)  # the redo joins as the import did: not the journal's Paul and Israel
    assert {m.entity_id for m in ws.mentions() if m.surface in ("Paul", "Israel")
            and m.source_id == "journal"} == {paul, israel}
