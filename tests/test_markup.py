"""Names and dates already marked up in a TEI source become confirmed mentions."""

from __future__ import annotations

import json

import pytest

from tests.conftest import DATA, EDITIONS, run
from tests.conftest import edition_file as _edition


def test_markup_becomes_confirmed_mentions(ws):
    ws.add(DATA / "marked.xml")
    text = ws.reading_text("marked")
    got = {(m.surface, m.type): m for m in ws.mentions("marked")}
    assert set(got) == {("12 November 1940", "date"), ("Adolf Hitler", "person"),
                        ("Molotov", "person"), ("Berlin", "place"),
                        ("the Foreign Office", "org"), ("NKVD", "org"),
                        ("a day that never was", "date")}
    for m in got.values():
        assert (m.status, m.decided, m.provenance) == ("confirmed", True, "source")
        assert text[m.start:m.end] == m.surface
    assert dict(got["12 November 1940", "date"].date_value) == {"when": "1940-11-12"}
    assert got["a day that never was", "date"].date_value == ()  # bad @when: kept, no value
    assert got["Adolf Hitler", "person"].entity_id == "hitler"
    assert got["Berlin", "place"].entity_id == "berlin"
    hitler = ws.entity("hitler")
    assert (hitler.status, hitler.authority) == ("confirmed", (("wikidata", "Q352"),))
    # @ref to an entry no file of the workspace has: the edition's pointer still identifies
    # it, so it is known (the edition's), named by that pointer, not asked again
    nkvd = ws.entity(got["NKVD", "org"].entity_id)
    assert (nkvd.id, nkvd.status) == ("nowhere", "confirmed")
    office = ws.entity(got["the Foreign Office", "org"].entity_id)
    assert (office.preferred, office.status) == ("Foreign Office", "proposed")  # no pointer
    assert ws.entity(got["Molotov", "person"].entity_id).status == "proposed"
    assert set(ws.queue()) == {office.id, got["Molotov", "person"].entity_id}
    assert "Without an id" not in {e.preferred for e in ws.entities()}
    row = ws.store.one("SELECT date_value FROM mentions WHERE type = 'date' AND "
                       "date_value IS NOT NULL")
    assert json.loads(row[0]) == {"when": "1940-11-12"}


def test_markup_proposals_never_contradict_it(ws):
    ws.add(DATA / "marked.xml")
    source = {(m.start, m.end) for m in ws.mentions("marked") if m.provenance == "source"}
    ws.propose()
    for m in ws.mentions("marked"):
        if m.provenance != "source":
            assert not any(m.start < b and a < m.end for a, b in source), m
    names = {m.surface for m in ws.mentions("marked") if m.provenance != "source"}
    assert "Hitler" in names  # the unmarked mention is proposed, linked to the register entry
    hitler = [m for m in ws.mentions("marked") if m.surface == "Hitler"]
    assert [m.entity_id for m in hitler] == ["hitler"]


def test_markup_added_is_not_undone_as_an_editor_act(ws):
    import pytest

    from annotator import DecisionError

    ws.add(DATA / "marked.xml")
    with pytest.raises(DecisionError) as err:
        ws.undo()
    assert err.value.code == "D007"
    assert len(ws.mentions("marked")) == 7


HOLZ = EDITIONS / "ehri" / "EHRI-ET-YV5082493_EN.xml"  # three persons written "HOLZ"
FRAENKEL = EDITIONS / "ehri" / "EHRI-ET-WL16560044_EN.xml"  # Johanna and Arnold "Fraenkel"
PERSONS = EDITIONS / "ehri" / "EHRI_index_persons-slice.xml"


def _entities_of(ws, source_id, surface):
    return {m.entity_id for m in ws.mentions(source_id) if m.surface == surface}


def test_markup_names_group_by_their_ref_not_their_surface(ws):
    ws.add(HOLZ)
    sid = ws.sources()[0].id
    assert _entities_of(ws, sid, "HOLZ") == {"ehri_et_holz_sonja", "ehri_et_holz_chona",
                                             "ehri_et_fischer_holz_chana"}
    sonja = {m.surface for m in ws.mentions(sid) if m.entity_id == "ehri_et_holz_sonja"}
    assert {"HOLZ", "Sonja", "Holz, Sonja"} <= sonja  # one person, whatever the surface
    ws.add(FRAENKEL)  # another source: "Fraenkel" is Johanna or Arnold, by the ref alone
    fid = next(s.id for s in ws.sources() if s.id != sid)
    assert _entities_of(ws, fid, "Fraenkel") == {"ehri_et_fraenkel_johanna",
                                                 "ehri_et_fraenkel_arnold"}


def test_markup_pointers_resolve_into_a_personography_imported_before(ws):
    ws.import_register(PERSONS)
    assert ws.entity("ehri_et_holz_sonja").status == "confirmed"
    ws.add(HOLZ)
    sid = ws.sources()[0].id
    mentions = [m for m in ws.mentions(sid) if m.type == "person"]
    assert {m.entity_id for m in mentions if m.surface == "HOLZ"} == {
        "ehri_et_holz_sonja", "ehri_et_holz_chona", "ehri_et_fischer_holz_chana"}
    assert all(ws.entity(m.entity_id).status == "confirmed" for m in mentions)
    # the register's "Holz, Sonja" is found again as "Sonja Holz" (its running-text form)
    assert "Sonja Holz" in ws.entity("ehri_et_holz_sonja").variants


def test_markup_pointers_resolve_into_a_personography_imported_after(ws):
    ws.add(HOLZ)
    sid = ws.sources()[0].id
    before = {m.id: m.entity_id for m in ws.mentions(sid) if m.type == "person"}
    assert ws.entity("ehri_et_holz_chona").status == "confirmed"  # the file's pointer
    ws.import_register(PERSONS)
    after = {m.id: m.entity_id for m in ws.mentions(sid) if m.type == "person"}
    assert after == before  # the same entities, now the register's entries
    assert all(ws.entity(e).status == "confirmed" for e in after.values())


ORGS = EDITIONS / "ehri" / "EHRI_index_organizations.xml"


def test_markup_uri_pointers_meet_the_register_entrys_link(ws):
    """"Gestapo" and "H.Q." point to the portal URI the register's Geheime Staatspolizei
    links to: imported after the source, the register entry takes them over."""
    ws.add(FRAENKEL)
    sid = ws.sources()[0].id
    assert len(_entities_of(ws, sid, "Gestapo") | _entities_of(ws, sid, "H.Q.")) == 1
    ws.import_register(ORGS)
    assert _entities_of(ws, sid, "Gestapo") == _entities_of(ws, sid, "H.Q.") == {"g350"}
    assert ws.entity("g350").status == "confirmed"


def test_pointer_forms_meet():
    from annotator.entities.pointers import normalise
    from annotator.tei.prefixes import Prefixes

    assert normalise("#ehri_et_landau_lipold") == normalise("ehri_et_landau_lipold") == \
        normalise("persons.xml#ehri_et_landau_lipold") == "ehri_et_landau_lipold"
    assert normalise("http://www.geonames.org/2643743/london.html") == \
        normalise("https://geonames.org/2643743/") == "https://www.geonames.org/2643743"
    assert normalise("https://portal.ehri-project.eu/authorities/ehri_cb-350/") == \
        normalise("http://portal.ehri-project.eu/authorities/ehri_cb-350")
    psn = Prefixes([("psn", r"(p\d+)", "persons.xml#$1")])
    assert normalise("psn:p12", psn) == "p12"
    assert normalise("psn:x", psn) == "psn:x"  # no declaration matches: as written


SCHNITZLER = DATA / "schnitzler-L00001.xml"  # rs type="org"/"work"/"person" with pmb refs


def test_markup_rs_with_a_type_decides_what_is_proposed_over_it(ws):
    """``<rs ref="#pmb29442" type="org">Frankfurter Zeitung ...</rs>`` is the edition's org:
    the model's person over it is not proposed, nor a person in what the file marks as a work
    (``<rs type="work">Der Sohn</rs>``); the name the file's register calls an organisation is
    proposed as that organisation elsewhere in the file."""
    sid = ws.add(SCHNITZLER).source.id
    text = ws.reading_text(sid)
    opener = [m for m in ws.mentions(sid) if m.start == 0]
    assert [(m.type, m.entity_id, m.provenance) for m in opener] == [("org", "pmb29442", "source")]
    assert text[opener[0].start:opener[0].end].startswith("Frankfurter Zeitung")
    ws.propose()
    proposed = [m for m in ws.mentions(sid) if m.provenance != "source"]
    assert not [m for m in proposed if "Zeitung" in m.surface and m.type != "org"]
    assert {m.entity_id for m in proposed if m.surface == "Frankfurter Zeitung"} <= {"pmb29442"}
    works = [text.index("»Der") + 1, text.index("Weihnachts-Einkäufe")]
    assert not [m for m in proposed if any(m.start <= w < m.end for w in works)]


def test_markup_an_org_marked_in_another_file_is_no_person(ws, tmp_path):
    """The same surface marked ``orgName`` elsewhere in the edition: the model's PERSON for
    it ("Frankfurter Zeitung printed the story.") is proposed as that organisation."""
    marked = tmp_path / "letter.xml"
    marked.write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>A'
        '</title></titleStmt><publicationStmt><p>test</p></publicationStmt><sourceDesc><p>test'
        '</p></sourceDesc></fileDesc></teiHeader><text><body><p>He wrote to the <orgName '
        'ref="#fz">Frankfurter Zeitung</orgName>.</p></body></text></TEI>', encoding="utf-8")
    plain = tmp_path / "news.txt"
    plain.write_text("News\n\nFrankfurter Zeitung printed the story. A letter from Frankfurter "
                     "Zeitung reached him in Vienna.\n", encoding="utf-8")
    ws.add(marked)
    ws.add(plain)
    ws.propose()
    found = [(m.type, m.entity_id) for m in ws.mentions("news")
             if m.surface == "Frankfurter Zeitung"]
    assert found == [("org", "fz"), ("org", "fz")]


def test_markup_an_author_the_edition_identifies_is_one_mention_nothing_inside(ws):
    """``<author ref="pmb2121">Schnitzler, Arthur</author>`` in the back matter is the
    edition's person: one confirmed mention of the whole name, no proposal inside it (was
    "Schnitzler" and "Arthur" proposed apart)."""
    sid = ws.add(SCHNITZLER).source.id
    ws.propose()
    text = ws.reading_text(sid)
    authors = [m for m in ws.mentions(sid) if m.surface == "Schnitzler, Arthur"]
    assert [(m.type, m.entity_id, m.provenance) for m in authors] == \
        [("person", "pmb2121", "source")] * 2
    inside = [m for m in ws.mentions(sid) if m.provenance != "source"
              and any(a.start < m.end and m.start < a.end for a in authors)]
    assert inside == []
    assert all(text[m.start:m.end] == m.surface for m in authors)


def test_markup_responsible_names_read_inverted_and_typed_by_the_register(ws, tmp_path):
    """An author or editor whose pointer the store does not know is the person its inverted
    name says ("Bahr, Hermann" is Hermann Bahr); an author pointing to an organisation of the
    register is that organisation; an author holding a persName is that persName's mention."""
    path = tmp_path / "bibl.xml"
    path.write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>A'
        '</title></titleStmt><publicationStmt><p>t</p></publicationStmt><sourceDesc><p>t</p>'
        '</sourceDesc></fileDesc></teiHeader><text><body><p>Works.</p><listBibl>'
        '<bibl><author key="bahr1">Bahr, Hermann</author>: Wienerinnen.</bibl>'
        '<bibl><author ref="#fz">Frankfurter Zeitung</author>: Jahrbuch.</bibl>'
        '<bibl><author ref="#x"><persName ref="#hb">Hermann Bahr</persName></author>: Tagebuch.'
        '</bibl><bibl><editor>Smith, John</editor>: Letters.</bibl></listBibl></body>'
        '<back><listOrg><org xml:id="fz"><orgName>Frankfurter Zeitung</orgName></org></listOrg>'
        '</back></text></TEI>', encoding="utf-8")
    sid = ws.add(path).source.id
    got = {m.surface: (m.type, m.entity_id) for m in ws.mentions(sid)}
    assert got == {"Bahr, Hermann": ("person", "bahr1"), "Frankfurter Zeitung": ("org", "fz"),
                   "Hermann Bahr": ("person", "hb")}  # an editor without a pointer: no mention
    bahr = ws.entity("bahr1")
    assert bahr.preferred == "Hermann Bahr"


def test_markup_entity_is_named_as_an_editor_would_among_the_files_forms(ws, tmp_path):
    """An entity made from an @ref is named by the form an editor would pick among those the
    file writes for it, each as often as written: "Gestapo" (twice), not "H.Q." (once, two
    initials); "Vilna", not the address "Kalvariska Ul. 26/II"."""
    ehri = "https://portal.ehri-project.eu/authorities/ehri_cb-350"
    vilna = "https://www.geonames.org/593116"
    ws.add(_edition(tmp_path, "g.xml", (
        f'The <orgName ref="{ehri}">Gestapo</orgName> came. The <orgName ref="{ehri}">Gestapo'
        f'</orgName> left. She called <orgName ref="{ehri}">H.Q.</orgName>, at <placeName '
        f'ref="{vilna}">Kalvariska Ul. 26/II</placeName> in <placeName ref="{vilna}">Vilna'
        f'</placeName>, and <placeName ref="{vilna}">Vilna</placeName> again.')))
    names = {e.id: e.preferred for e in ws.entities()}
    assert names == {"org-gestapo": "Gestapo", "place-vilna": "Vilna"}  # id'd after it too


RED_ARMY = "https://portal.ehri-project.eu/authorities/ehri_cb-004583"
SCHOREK = EDITIONS / "ehri" / "EHRI-ET-YV9392546_EN.xml"  # "Russians" 3 times, "Red Army"


def _red_army(ws):
    [eid] = {m.entity_id for m in ws.mentions() if m.type == "org" and m.entity_id and
             RED_ARMY in ws.store.query("SELECT written FROM pointers WHERE entity_id = ?",
                                        (m.entity_id,))[0]}
    return ws.entity(eid)


def test_markup_entity_is_named_among_the_forms_of_every_file(ws):
    """EHRI's registration form writes the Red Army "Russian troops" once; Anna Schorek's
    letter "Russians" three times, "Russian soldier" and "Red Army": the entity, made from
    the first file's @ref, is named by the form an editor would pick among all the files
    write for it (was: by the first file's forms alone, never looked at again)."""
    ws.add(HOLZ)
    assert _red_army(ws).preferred == "Russian troops"
    ws.add(SCHOREK)
    assert _red_army(ws).preferred == "Red Army"


@pytest.mark.parametrize("act", ["prefer", "confirm"])
def test_markup_entity_an_editor_named_or_decided_keeps_its_name(ws, act):
    """A name an editor chose, or an entity an editor confirmed, is not renamed by the next
    file's forms; that act undone, the next file names it again."""
    ws.add(HOLZ)
    eid = _red_army(ws).id
    done = ws.set_preferred(eid, "Soviet troops") if act == "prefer" else ws.confirm(eid)
    name = ws.entity(eid).preferred
    [letter] = ws.add_many([SCHOREK])
    assert ws.entity(eid).preferred == name
    ws.undo(done.id)  # by id: a plain undo stops at the file's adding, the newest act
    ws.remove_source(letter.source.id, force=True)
    ws.add(SCHOREK)
    assert ws.entity(eid).preferred == "Red Army"


def test_markup_place_is_named_by_its_usual_name_not_a_description(ws, tmp_path):
    """Curious Travellers' pattern (its files are not copied; the forms and counts are its
    journals'): one journal writes Beddgelert "BethKelert" 3 times and "Vale of BethKelert"
    once, two others "Beddgelert" 7 times. A place is named by the name the edition writes
    most, and a description of it by its kind ("Vale of") loses to the name as often written
    (was: the fullest form of the first file, "Vale of BethKelert", kept)."""
    def place(name):
        return f'<placeName ref="pl1518">{name}</placeName>'

    ws.add(_edition(tmp_path, "j1.xml", " and ".join(
        place(n) for n in ("BethKelert", "Vale of BethKelert", "BethKelert", "BethKelert"))))
    assert ws.entity("pl1518").preferred == "BethKelert"
    ws.add(_edition(tmp_path, "j2.xml", " and ".join([place("Beddgelert")] * 6)))
    ws.add(_edition(tmp_path, "j3.xml", place("Beddgelert")))
    assert ws.entity("pl1518").preferred == "Beddgelert"


def test_a_group_ref_names_its_first_and_makes_no_one_of_several(ws):
    """``ref="pe0102 pe0103 pe0101"`` on "the Misses Rebello and ..." refers to three persons:
    the mention is its first's, flagged 'group', and no other pointer joins that entity, so
    another file's single refs give three persons (was: the group joined pe0101, the one the
    store knew, and pe0102 became another id of Tommy Underwood)."""
    ws.add(DATA / "group-a.xml")
    ws.add(DATA / "group-b.xml")
    owner = {p: ws.store.one("SELECT entity_id FROM pointers WHERE pointer = ?", (p,))
             for p in ("pe0101", "pe0102", "pe0103")}
    assert all(owner.values()) and len({r[0] for r in owner.values()}) == 3
    got = {m.surface: m for m in ws.mentions()}
    group = next(m for s, m in got.items() if s.startswith("the Misses"))
    assert (group.entity_id, group.flags) == (owner["pe0102"][0], "group")
    assert got["Underwood"].entity_id == got["Tommy Underwood"].entity_id == owner["pe0101"][0]
    assert ws.entity(owner["pe0101"][0]).preferred == "Tommy Underwood"
    assert got["Miss Jane Rebello"].entity_id == owner["pe0103"][0]
    assert got["Tommy Underwood"].flags == ""


def test_a_group_ref_gives_its_first_no_name_of_its_words(ws, tmp_path):
    """Curious Travellers' pattern (its files are not copied): ``<persName ref="pe0308 pe1153
    pe1158">Mr Underwood Mr Nicolson and his friend</persName>`` names three persons, so its
    words are no variant of the first, and a Quaker journal's "a very notable Friend" is not
    found as his family name, nor exported as his, nor written in the register as his name
    (was: the group's words a variant of Tommy Underwood, "Friend" linked to him)."""
    ws.add(_edition(tmp_path, "tour.xml", (
        '<persName ref="pe0308">Tommy Underwood</persName> came with <persName ref="pe0308 '
        'pe1153 pe1158">Mr Underwood Mr Nicolson and his friend</persName> to dine.')))
    ws.add(_edition(tmp_path, "journal.xml", (
        "I went to meeting, where a very notable Friend spoke, and <persName ref='pe0308'>"
        "Underwood</persName> was there.")))
    ws.propose()
    assert "Mr Underwood Mr Nicolson and his friend" not in ws.entity("pe0308").variants
    friend = [m for m in ws.mentions("journal") if m.surface == "Friend"]
    assert [m.entity_id for m in friend if m.entity_id == "pe0308"] == []
    ws.confirm("pe0308")
    ws.export_tei()
    register = (ws.exports_dir / "register.xml").read_text(encoding="utf-8")
    assert "his friend" not in register and ">Friend<" not in register
    journal = (ws.exports_dir / "journal.xml").read_text(encoding="utf-8")
    assert 'key="pe0308">Friend<' not in journal and 'ref="pe0308">Friend<' not in journal


def test_markup_the_editions_identifications_are_not_asked_again(ws):
    """An EHRI testimony's names all point to the edition's register (``ref="#ehri_et_..."``,
    a GeoNames or EHRI portal URI): each entity they identify is known, the edition's (was:
    every one proposed, in the review queue, so 'entities --status confirmed' matched none and
    the register was empty, though the edition had decided who each is)."""
    ws.add(EDITIONS / "ehri" / "EHRI-ET-YV9392546_EN.xml")
    pointed = {r[0] for r in ws.store.conn.execute(
        "SELECT DISTINCT entity_id FROM pointers WHERE origin = 'markup'")}
    assert len(pointed) > 40
    assert {e.id for e in ws.entities(status="confirmed")} == pointed
    assert {e.id for e in ws.register()} == pointed
    assert ws.queue() == []
    for m in ws.mentions():  # the mentions are the file's, as they were
        assert (m.status, m.provenance) == ("confirmed", "source")
    listed = run(ws, "entities", "--status", "confirmed", "--format", "csv")
    assert listed.exit_code == 0 and "no entities match" not in listed.output
    assert "ehri_et_alts,person,Alts,1,1,confirmed" in listed.output


def test_markup_known_entity_comes_to_the_queue_for_its_proposals_only(ws, tmp_path):
    """A name the model finds again in running text is a proposal of the entity the file's
    pointer identifies: the entity comes to the queue as a known one, its card deciding that
    proposal only; a name no pointer identifies is a candidate as before."""
    ws.add(_edition(tmp_path, "tour.xml", (
        '<persName ref="pe0308">Tommy Underwood</persName> came to dine with <persName>Mr '
        "Nicolson</persName>. Later that week Tommy Underwood rode to Bangor.")))
    ws.propose()
    tommy = ws.entity("pe0308")
    assert tommy.status == "confirmed"
    proposed = [m for m in ws.mentions("tour") if m.entity_id == "pe0308"
                and m.status == "proposed"]
    assert [m.surface for m in proposed] == ["Tommy Underwood"]
    assert "pe0308" in ws.queue()
    card = ws.candidate("pe0308")
    assert (card.new, card.total) == (1, 1)
    assert [c.mention_id for c in card.contexts] == [proposed[0].id]
    nicolson = next(m.entity_id for m in ws.mentions("tour") if m.surface == "Mr Nicolson")
    assert ws.entity(nicolson).status == "proposed" and nicolson in ws.queue()
    ws.confirm_proposed("pe0308")
    assert "pe0308" not in ws.queue()


def test_markup_known_entities_go_with_their_source_and_come_back(ws):
    """Removing the source that made them known takes them (no editor decided them), its undo
    brings them back known, the redo takes them again; one an editor confirmed stays."""
    ws.add(EDITIONS / "ehri" / "EHRI-ET-YV9392546_EN.xml")
    sid = ws.sources()[0].id
    known = {e.id for e in ws.entities()}
    ws.confirm("ehri_et_alts")
    removed = ws.remove_source(sid)
    assert {e.id for e in ws.entities()} == {"ehri_et_alts"}
    back = ws.undo(removed.id)
    assert {e.id: e.status for e in ws.entities()} == dict.fromkeys(known, "confirmed")
    ws.undo(back.id)
    assert {e.id for e in ws.entities()} == {"ehri_et_alts"}


NEW_YORK = "http://www.geonames.org/5128581/new-york-city.html"


def test_markup_new_entity_id_from_the_name_the_file_gives_it_most(ws, tmp_path):
    """A new entity made from a pointer that can be no id is id'd after the name the file
    gives it most (``preferred_name``), not the first written: EHRI gives a street address and
    the city one GeoNames @ref (was: place-108-lewis-st for New York City, the id its
    @key/@ref and register.xml carry). A person's form fields make her full name, a family
    name in capitals written as the file writes it elsewhere in normal case ("Rosa GODINGER
    Landau"; was: "Rosa", and before that the maiden name "GODINGER"). An entity made
    before keeps its id: ids are pointer targets, exported already."""
    ws.add(_edition(tmp_path, "a.xml", (
        f'Address <placeName ref="{NEW_YORK}">108 Lewis st.</placeName>, '
        f'<placeName ref="{NEW_YORK}">New York City</placeName>. We came to '
        f'<placeName ref="{NEW_YORK}">New York City</placeName>. Maiden name '
        '<persName ref="#rosa">GODINGER</persName> family name <persName ref="#rosa">LANDAU'
        '</persName> first <persName ref="#rosa">Rosa</persName>. Her son <persName '
        'ref="#bernat">Landau, Bernat</persName>.')))
    places = [e for e in ws.entities() if e.type == "place"]
    assert [(e.id, e.preferred) for e in places] == [("place-new-york-city", "New York City")]
    assert ws.entity("rosa").preferred == "Rosa Godinger Landau"

    from annotator import Workspace

    made = Workspace.init(tmp_path / "made-before")
    try:  # the street first, alone: the entity is id'd after it, and keeps that id
        made.add(_edition(tmp_path, "b.xml", f'At <placeName ref="{NEW_YORK}">108 Lewis st.'
                                             '</placeName>.'))
        made.add(tmp_path / "a.xml")
        assert [e.id for e in made.entities() if e.type == "place"] == ["place-108-lewis-st"]
        assert made.entity("place-108-lewis-st").preferred == "New York City"
    finally:
        made.close()
