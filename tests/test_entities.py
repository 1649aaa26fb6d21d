"""Grouping mentions into candidate entities, ids, keys and finding known names again."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.entities import names
from annotator.entities.names import (KnownEntities, KnownEntity, NameMention, TextWords,
                                      VariantIndex, WordCase, entity_id, group_mentions,
                                      kin_apart, name_key, normal_case, preferred_name, settle_types,
                                      surname_keys)
from tests.conftest import run


@pytest.mark.parametrize(("surface", "key"), [
    ("Hitler's", "hitler"),
    ("Hitler’s", "hitler"),
    ("the Soviet Union", "soviet union"),
    ("The  Hague", "hague"),
    ("Jean-Paul Sartre", "jean paul sartre"),
    ("Gödel", "godel"),
    ("J. R. R. Tolkien", "j r r tolkien"),
])
def test_entities_name_key(surface, key):
    assert name_key(surface) == key


@given(st.text(max_size=30))
def test_entities_name_key_is_idempotent(surface):
    key = name_key(surface)
    assert name_key(key) == key or key.startswith("the ")


def test_entities_ids_never_collide():
    taken = {"person-adolf-hitler"}
    assert entity_id("person", "Adolf Hitler", set()) == "person-adolf-hitler"
    assert entity_id("person", "Adolf Hitler", taken) == "person-adolf-hitler-2"
    assert entity_id("person", "Adolf Hitler", taken | {"person-adolf-hitler-2"}) == \
        "person-adolf-hitler-3"
    assert entity_id("place", "Zürich", set()) == "place-zurich"
    # letters NFKD leaves whole keep their base letter: "Łódź" was "place-odz", "Ærø" "place-r"
    assert [entity_id(t, n, set()) for t, n in (
        ("place", "Łódź"), ("place", "Ærø"), ("place", "Øresund"), ("person", "Đorđe Balašević"),
        ("org", "Straße der Nationen"), ("person", "Þóra"), ("place", "Москва"))] == [
        "place-lodz", "place-aero", "place-oresund", "person-dorde-balasevic",
        "org-strasse-der-nationen", "person-thora", "place-moskva"]
    from annotator.text import source_id

    assert source_id("Łódź.xml") == "odz"  # a source's id stays as it was made: re-adding finds it


def test_entities_ids_and_citation_keys_spell_every_letter_alike():
    """An entity id and a citation key spell a letter the same way, from one table: 'ŋ' is
    'ng' in both (an id had 'n', a key 'ng'), 'ƒ' 'f' (an id dropped it); source ids are made
    as before. Checked over every code point up to U+3000 (Latin, Greek, Cyrillic...)."""
    from annotator.bibliography.entries import ascii_fold
    from annotator.text import slug, source_id

    assert [entity_id("place", n, set()) for n in ("Ŋgaŋa", "ƒjord")] == [
        "place-ngganga", "place-fjord"]
    assert ascii_fold("Ŋgaŋa") == "ngganga" and source_id("Ŋgaŋa.xml") == "gaa"
    apart = [c for c in map(chr, range(0x3000))
             if slug(f"a{c}b", empty="").replace("-", "") != ascii_fold(f"a{c}b")]
    assert apart == []


@pytest.mark.parametrize(("name", "id_"), [
    ("Пушкин", "person-pushkin"), ("Лев Толстой", "person-lev-tolstoy"),
    ("Ἀριστοτέλης", "person-aristotelis"), ("毛泽东", "person-maozedong"),
    ("Şükrü Saracoğlu", "person-sukru-saracoglu"), ("Ærø", "person-aero")])
def test_entities_ids_spell_every_script(name, id_):
    """A name in Cyrillic, Greek or Han script was 'person-x', 'person-x-2'...: now spelt in
    ASCII as anyascii spells it; Latin letters as before."""
    assert entity_id("person", name, set()) == id_


def test_entities_proposed_ids_of_names_in_other_scripts(ws, tmp_path):
    """The user's letter: three names, three readable ids (were person-x, -x-2, -x-3)."""
    path = tmp_path / "ru.txt"
    path.write_text("Letter two\n\nMr. Пушкин met Mr. Толстой and Mr. Ἀριστοτέλης in London.\n",
                    encoding="utf-8")
    ws.add(path)
    ws.propose()
    ids = {e.id for e in ws.entities() if e.type == "person"}
    assert {"person-pushkin", "person-tolstoy", "person-aristotelis"} <= ids, ids
    assert not any(i.startswith("person-x") for i in ids)


def test_entities_search_fold_spells_latin_letters_as_ids_do():
    """Searches fold the Latin letters as ids and keys spell them (their letters and digits:
    'ŀ' folds to 'l·' as NFKD has it), and keep other scripts."""
    import unicodedata

    from annotator.text import ascii_letters, fold

    def alnum(s):
        return re.sub("[^a-z0-9]", "", s)

    apart = [c for c in map(chr, range(0x80, 0x3000)) if c.isalpha()
             and unicodedata.name(c, "").startswith("LATIN ")
             and alnum(fold(c)) != alnum(ascii_letters(c).casefold())]
    assert apart == []
    assert (fold("Сидоров"), fold("ŁÓDŹ"), fold("Straße")) == ("сидоров", "lodz", "strasse")


def test_entities_surname_keys():
    assert surname_keys("joachim von ribbentrop") == ("von ribbentrop", "ribbentrop")
    assert surname_keys("hitler") == ()


def test_entities_preferred_name_is_the_fullest():
    assert preferred_name(["Hitler", "Adolf Hitler", "Hitler"]) == "Adolf Hitler"
    assert preferred_name(["Ribbentrop", "Joachim von Ribbentrop"]) == "Joachim von Ribbentrop"


@pytest.mark.parametrize("written,preferred", [
    # forms from the dev corpora (EHRI, Curious Travellers, Friendly Networks), as often as
    # their files write them: an abbreviation, an address, a heading in capitals, a phrase, a
    # list of alternatives lose to the name an editor would pick
    ({"Gestapo": 19, "H.Q.": 1}, "Gestapo"),
    ({"Vilna": 4, "Kalvariska Ul. 26/II": 1}, "Vilna"),
    ({"Kisvarda": 4, "Deag Ferenc 15": 2}, "Kisvarda"),
    ({"Buchenwald": 2, "BUCHENWALD": 1}, "Buchenwald"),
    ({"Auschwitz": 26, "Auschwitz camp": 1, "Oswiecim (Auschwitz) camp": 1}, "Auschwitz"),
    ({"Westerbork": 8, "Westerbork camp": 1}, "Westerbork"),
    ({"North Wales": 3, "Gwynedh or North-Wales": 1}, "North Wales"),
    ({"our children": 1, "Catherine": 1}, "Catherine"),
    ({"Castle built by --- King Edward I": 1, "Conway Castle": 1}, "Conway Castle"),
    # names joined by "and", "&" or "/": a list written beside its names loses...
    ({"Cecy": 10, "Salisbury": 1, "Mrs. Mostyn and Salisbury": 1}, "Cecy"),
    ({"Paris": 8, "Paris and London": 1}, "Paris"),
    ({"Beddgelert": 8, "Aberglaslyn / Beddgelert": 1}, "Beddgelert"),
    ({"Vale of Clwyd": 3, "Vale & on the River of Clwyd": 1, "River Clwyd": 1}, "Vale of Clwyd"),
    ({"Carnarvon": 13, "Caernarvon": 6, "County Town & Bay of Caernarvon": 1}, "Carnarvon"),
    # ...a name written as a whole at least as often as its parts wins
    ({"Marks": 2, "Marks & Spencer": 5}, "Marks & Spencer"),
    ({"Trinidad": 1, "Trinidad and Tobago": 1}, "Trinidad and Tobago"),
    ({"All Souls Library & College": 1, "The Library": 1}, "All Souls Library & College"),
    # the fullest name still wins over a shorter one written more often
    ({"Fraenkel": 32, "Johanna Fraenkel": 1}, "Johanna Fraenkel"),
    ({"Meredith": 1, "Meredith ap Blethyn": 3}, "Meredith ap Blethyn"),
    ({"HOLZ": 1, "Sonja": 1, "Holz, Sonja": 1}, "Holz, Sonja"),
    ({"F.": 1, "Fraenkel": 1}, "Fraenkel"),
    # capitals lose only to the same name in normal case: a form's family-name field stays
    ({"FISCHER": 1, "Chana": 1}, "FISCHER"),
    # equal forms: the more often written, then the longer
    ({"Cristall": 1, "Cristal": 3}, "Cristal"),
])
def test_entities_preferred_name_is_one_an_editor_would_pick(written, preferred):
    surfaces = [s for s, n in written.items() for _ in range(n)]
    assert preferred_name(surfaces) == preferred
    assert preferred_name(reversed(surfaces)) == preferred


@pytest.mark.parametrize("type_,written,preferred", [
    # forms from the dev corpora (Curious Travellers' journals and letters, EHRI), as often as
    # the edition writes them for one entity; a place: the name most written, a description
    # by its kind losing to its name...
    ("place", {"Beddgelert": 7, "Beddgellart": 4, "BethKelert": 3, "Beddhellert": 1,
               "Vale of BethKelert": 1, "Beddkellert": 1, "Beddgelart": 1}, "Beddgelert"),
    ("place", {"BethKelert": 3, "Vale of BethKelert": 1, "Beddhellert": 1}, "BethKelert"),
    ("place", {"Welshpool": 3, "Welch Pool": 1, "Town": 1, "Welsh Pool": 1}, "Welshpool"),
    ("place", {"Dee": 7, "river Dee": 1, "River": 1}, "Dee"),
    ("place", {"Fort of Dunglas": 1, "Dunglass Castle": 1}, "Dunglass Castle"),
    ("place", {"Gresford Church": 1, "Church of Gresford": 1, "Gresford": 1},
     "Gresford Church"),
    ("place", {"England": 3, "English": 3, "ENGLAND": 1}, "England"),
    # ...its kind alone is no name, and counts for the forms that hold it
    ("place", {"Castle": 4, "Conway": 2, "Castle built by --- King Edward I": 1,
               "the Castle": 1, "Conway castle": 1}, "Conway castle"),
    ("place", {"Lake": 2, "Bala Pool": 1, "Lake or Pool": 1}, "Bala Pool"),
    ("place", {"All Souls Library & College": 1, "The Library": 1},
     "All Souls Library & College"),
    ("place", {"Frankfurt": 1, "Frankfurt am Main": 1}, "Frankfurt am Main"),
    # a person: the fullest name, no title or kin word counted, a word over an initial...
    ("person", {"Underwood": 10, "Tommy Underwood": 2, "Sir Thomas": 1, "Tommy": 1},
     "Tommy Underwood"),
    ("person", {"your son": 1, "Son": 1, "Mr: Pennant": 1, "son": 1, "Sons": 1},
     "Mr: Pennant"),
    ("person", {"T Pennant": 1, "Mr Pennant": 1, "Thomas Pennant Esqr": 1},
     "Thomas Pennant Esqr"),
    # ...then the one its shorter forms agree with
    ("person", {"Mr. Lloyd": 1, "Mr. Lloyds": 1, "John ab John": 1, "John Lloyd": 1},
     "John Lloyd"),
    ("person", {"Fraenkel": 32, "Johanna Fraenkel": 1}, "Johanna Fraenkel"),
    # ...a form's fields (family name in capitals, first name) make the full name
    ("person", {"FISCHER": 2, "Chana": 1}, "Chana Fischer"),
    ("person", {"LANDAU": 1, "Lipold": 1}, "Lipold Landau"),
    # ...a family name in capitals is written as the other forms write it
    ("person", {"Rosa LUXEMBURG": 1, "Luxemburg": 2, "Rosa": 1}, "Rosa Luxemburg"),
    ("person", {"MÜLLER, Hans": 1, "Müller": 3}, "Müller, Hans"),
    ("person", {"Eugen WEINSTOCK": 1, "Weinstock": 1}, "Eugen Weinstock"),
    # ...else in normal case, title-cased where the edition gives no other form (was: "Rosa
    # LUXEMBURG", "Chana FISCHER")
    ("person", {"Rosa LUXEMBURG": 1, "Rosa": 2}, "Rosa Luxemburg"),
    ("person", {"Ludwig VAN BEETHOVEN": 1, "Beethoven": 1}, "Ludwig van Beethoven"),
    ("person", {"Henry VIII": 1, "HENRY": 1}, "Henry VIII"),
    ("person", {"SS Adolf EICHMANN": 1, "Eichmann": 1}, "SS Adolf Eichmann"),
    ("place", {"FRANKFURT-am-MAIN": 1, "FRANKFURT": 1}, "Frankfurt-am-Main"),
    ("place", {"USSR": 2, "U.S.S.R.": 1}, "USSR"),
    # ...an abbreviation with its full stop is more than an initial (was: "T Pennant")
    ("person", {"THO. PENNANT.": 1, "T Pennant": 1}, "Tho. Pennant"),
    ("person", {"GEO. WASHINGTON": 1, "G Washington": 2}, "Geo. Washington"),
    ("person", {"Hitler": 3, "HITLER": 1}, "Hitler"),
    # an organisation: the fullest
    ("org", {"Russians": 3, "Red Army": 1, "Russian soldier": 1, "Russian troops": 1},
     "Red Army"),
])
def test_entities_preferred_name_by_the_entitys_type(type_, written, preferred):
    """A place is named as the edition usually writes it, its description ("Vale of
    BethKelert", "river Dee") losing to its name; a person by the fullest name its shorter
    forms agree with (was: the fullest form whatever the type: "Vale of BethKelert" over
    "Beddgelert" written 7 times, "Castle" over "Conway castle", "Church of Gresford" over
    "Gresford Church", "John ab John" over "John Lloyd"). The others guard what stays."""
    surfaces = [s for s, n in written.items() for _ in range(n)]
    assert preferred_name(surfaces, type_=type_) == preferred
    assert preferred_name(reversed(surfaces), type_=type_) == preferred


@pytest.mark.parametrize("form,cased", [
    # a word that joins a name to a place or a byname is lower case after its first word
    # (was: "John Of Gaunt", "Catherine The Great")
    ("JOHN OF GAUNT", "John of Gaunt"),
    ("CATHERINE THE GREAT", "Catherine the Great"),
    ("MARIA DELLA ROVERE", "Maria della Rovere"),
    # an acronym saying who a person was stays (was: "Ss-Hauptsturmführer", "Nkvd officer",
    # "Unrra officer", Curious Travellers' "Edward I. Odnb s.n")
    ("SS-HAUPTSTURMFÜHRER ALOIS BRUNNER", "SS-Hauptsturmführer Alois Brunner"),
    ("NKVD officer IVANOV", "NKVD officer Ivanov"),
    ("UNRRA officer Smith", "UNRRA officer Smith"),
    ("Edward I. ODNB s.n", "Edward I. ODNB s.n"),
    ("ABRAHAM (SS, BUCHENWALD)", "Abraham (SS, Buchenwald)"),
    # ...but a name's other name is a name ("geb.", "alias")
    ("HOLZ geb. FISCHER", "Holz geb. Fischer"),
    # a king's number stays, a name in Roman letters is a name (was: "LIV Ullmann")
    ("LOUIS XVIII", "Louis XVIII"),
    ("XVIII", "XVIII"),
    ("LIV ULLMANN", "Liv Ullmann"),
    # what held already
    ("Ludwig VAN BEETHOVEN", "Ludwig van Beethoven"),
    ("O'BRIEN", "O'Brien"),
    ("JOHN MCALLISTER", "John McAllister"),
    ("THO. PENNANT.", "Tho. Pennant"),
    ("MR. SMITH.", "Mr. Smith"),
    ("MRS JACKSON", "Mrs Jackson"),
    ("DR KLEIN", "Dr Klein"),
    ("WM. Jones", "Wm. Jones"),
    ("SS Adolf EICHMANN", "SS Adolf Eichmann"),
    ("LLWYD", "Llwyd"),
    # a short family name in capitals after the given name (was: "Otto DIX"), and an article
    # among the particles keeps its capital (was: "Fiorello la Guardia")
    ("Otto DIX", "Otto Dix"),
    ("Rosa DIX LANDAU", "Rosa Dix Landau"),
    ("Otto DIX, SA", "Otto DIX, SA"),
    ("SA man Otto", "SA man Otto"),
    ("Fiorello LA GUARDIA", "Fiorello La Guardia"),
    ("JEAN DE LA FONTAINE", "Jean de La Fontaine"),
    ("Charles DE GAULLE", "Charles de Gaulle"),
    # a "Mc" or "Mac" in normal case before capitals (was: "John McDONALD" as written), and
    # an ending after an apostrophe (was: "John'S")
    ("John McDONALD", "John McDonald"),
    ("Hugh MacLEOD", "Hugh MacLeod"),
    ("McRAE", "McRae"),
    ("Patrick O'NEILL", "Patrick O'Neill"),
    ("D'ARCY", "D'Arcy"),
    ("JOHN'S", "John's"),
    ("MacOS", "MacOS"),
])
def test_entities_title_cased_keeps_small_words_and_acronyms(form, cased):
    """A person's name in capitals that nothing writes in normal case is title-cased as an
    editor would write it: its joining words in lower case, its acronyms and a king's number
    as written."""
    assert names.title_cased(form, "person") == cased


@pytest.mark.parametrize("form,cased", [
    # a place in capitals is title-cased (was: kept in capitals, "NEW YORK")
    ("NEW YORK", "New York"),
    ("LONDON", "London"),
    ("LA GUARDIA", "La Guardia"),
    ("LA PAZ", "La Paz"),
    ("FRANKFURT AM MAIN", "Frankfurt am Main"),
    ("BETWS Y COED", "Betws y Coed"),
    ("ST. ASAPH", "St. Asaph"),
    # an ending after an apostrophe is lower case (was: "King'S Lynn", "St. Paul'S")
    ("KING'S LYNN", "King's Lynn"),
    ("ST. PAUL\u2019S", "St. Paul\u2019s"),
    # ...but its acronyms stay
    ("USA", "USA"),
    ("UNO", "UNO"),
    ("USSR", "USSR"),
    ("U.S.A.", "U.S.A."),
    ("N.Y.", "N.Y."),
    ("US ZONE", "US Zone"),
    ("DP CAMP", "DP Camp"),
    # what held already
    ("FRANKFURT-am-MAIN", "Frankfurt-am-Main"),
    ("New York", "New York"),
])
def test_entities_title_cased_writes_a_place_in_capitals_in_normal_case(form, cased):
    """A place's name in capitals that nothing writes in normal case is title-cased as a
    person's is, its joining words in lower case, its acronyms as written; an organisation's
    stays as written ("NSDAP", "UNRRA")."""
    assert names.title_cased(form, "place") == cased
    assert names.title_cased(form, "org") == form


def test_entities_calm_of_reads_the_sources_till_each_word_is_found():
    """How the sources writing an entity write its capitals: the first source's way of each
    word; the sources are read till each word is found, each word looked for once a text
    (an entity written in hundreds of letters, a form a mention: the run that named it read
    every letter for every mention)."""
    read: list[str] = []

    def texts(*each: str):
        for text in each:
            read.append(text)
            yield text

    forms = ["LANDAU", "Rosa LANDAU", "LANDAU", "GODINGER"]
    got = names.calm_of(forms, texts("LANDAU only", "Landau, Bernat", "Godinger wrote",
                                     "LANDAU and Godinger-Landau"))
    assert got == {"landau": "Landau", "godinger": "Godinger"}
    assert read == ["LANDAU only", "Landau, Bernat", "Godinger wrote"]  # not the fourth
    read.clear()  # the first source's way wins; a word no text writes plain: every text read
    assert names.calm_of(["BAKER", "LANDAU"], texts("LANDAU, Landau", "LANDAU, LAndau")) == \
        {"landau": "Landau"}
    assert len(read) == 2
    read.clear()
    assert names.calm_of(["Rosa", "Landau"], texts("Landau")) == {} and read == []


def test_entities_preferred_name_of_a_persons_form_fields_is_the_full_name():
    """A form giving a person's maiden and family names in capitals and the first name in
    normal case, each a mention, names her in full, family names as the edition writes them
    in normal case elsewhere (``calm``, from ``normal_case``), else as written (was: "Rosa",
    the given name alone)."""
    fields = ["GODINGER", "LANDAU", "Rosa"]
    assert preferred_name(fields, type_="person") == "Rosa Godinger Landau"
    calm = normal_case(fields, "Name: LANDAU. Landau, Bernat, her son.")
    assert calm == {"landau": "Landau"}
    # as the text first writes it with a capital, never in lower case alone
    assert normal_case(["Dr MACDONALD", "BAKER"], "a baker; Dr MacDonald") == \
        {"macdonald": "MacDonald"}
    assert preferred_name(fields, type_="person", calm=calm) == "Rosa Godinger Landau"
    assert preferred_name(["Rosa LUXEMBURG", "Rosa"], type_="person",
                          calm=normal_case(["Rosa LUXEMBURG"], "Luxemburg wrote")) \
        == "Rosa Luxemburg"
    # capitals written plain only by the text lose nothing: "HOLZ" of two persons' fields,
    # merged, is still the name written most
    assert preferred_name(["HOLZ", "FISCHER", "HOLZ", "Chana", "Chona"], type_="person",
                          calm={"holz": "Holz"}) == "Holz"
    # two given names, or a field of two words: no form's fields, the fullest name
    assert preferred_name(["LANDAU", "Rosa", "Rosi"], type_="person") == "Rosa"
    assert preferred_name(["HOLZ", "Sonja", "Holz, Sonja"], type_="person") == "Holz, Sonja"


def test_entities_preferred_name_keeps_the_name_it_has_beside_an_equal_one():
    assert preferred_name(["HOLZ", "Chona"], keep="HOLZ") == "HOLZ"
    assert preferred_name(["HOLZ", "Chona", "Chona"], keep="HOLZ") == "Chona"
    # the name it has title-cased or calmed from these capitals ("Holz") is still the name
    # they write, not a form of the entity's own in normal case that makes "HOLZ" lose (was:
    # "Chona", and after a merge into "Chana Fischer Holz" of two "HOLZ", "Chana")
    assert preferred_name(["HOLZ", "Chona"], keep="Holz") == "Holz"
    assert preferred_name(["HOLZ", "FISCHER", "HOLZ", "Chana", "Chona"], type_="person",
                          keep="Chana Fischer Holz") == "Holz"


def _names(*items):
    return [NameMention(i, t, s) for i, (t, s) in enumerate(items)]


def test_entities_group_short_names_with_their_full_name():
    ms = _names(("person", "Adolf Hitler"), ("person", "Hitler"), ("person", "Hitler's"),
                ("person", "Joachim von Ribbentrop"), ("person", "Ribbentrop"),
                ("place", "Soviet Union"), ("place", "the Soviet Union"))
    groups = {c.preferred: set(c.members) for c in group_mentions(ms)}
    assert groups == {"Adolf Hitler": {0, 1, 2}, "Joachim von Ribbentrop": {3, 4},
                      "Soviet Union": {5, 6}}


def test_entities_ambiguous_surname_stays_apart():
    ms = _names(("person", "John Kennedy"), ("person", "Robert Kennedy"), ("person", "Kennedy"))
    groups = group_mentions(ms)
    assert len(groups) == 3


def test_entities_same_key_other_type_stays_apart():
    ms = _names(("place", "Washington"), ("person", "Washington"))
    assert len(group_mentions(ms)) == 2


def test_entities_link_to_confirmed_register_entry():
    known = [KnownEntity("person-adolf-hitler", "person", "confirmed", ("adolf hitler",)),
             KnownEntity("person-hitler", "person", "proposed", ("hitler",))]
    groups = group_mentions(_names(("person", "Hitler"), ("person", "Adolf Hitler")), known)
    assert [(c.entity_id, c.linked, c.members) for c in groups] == \
        [("person-adolf-hitler", True, (0, 1))]


def test_entities_a_title_of_one_sex_never_links_to_an_entity_titled_the_other():
    """A name whose title says its sex ("Mr", "Sir", "Lord" / "Mrs", "Miss", "Lady", "Madam")
    links to no entity all of whose forms have titles of the other sex (was: "Mr Pennant",
    titles left out, linked to "Mrs Pennant" by the family name); a proposed one fitting it
    is taken instead, and a name or entity with no such title links as before."""
    text = "Then Mr Pennant, Lady Pennant, Pennant and M. Pennant."
    spans = [(m.start(), m.end()) for m in re.finditer("Pennant", text)]
    assert [names.said_sex(text, *sp) for sp in spans] == ["m", "f", "", ""]
    assert names.said_sex("Mrs. Pennant", 0, 12) == "f"
    # a title's full stop before the name (was: no sex, WordCase's pattern of the same name
    # standing for this one)
    assert names.said_sex("met Mr. Pennant", 8, 15) == "m"
    assert names.said_sex("met Lady  Pennant", 10, 17) == "f"
    assert names.entity_sex(["Mrs Pennant", "Mrs. Pennant", "Madam Pennant"]) == "f"
    assert names.entity_sex(["Mrs Pennant", "Sir Thomas Pennant"]) == ""
    assert names.entity_sex(["Mrs Pennant", "Pennant"]) == ""
    her = KnownEntity("pe0238", "person", "confirmed", ("mrs pennant",), sex="f")
    him = KnownEntity("person-thomas-pennant", "person", "proposed", ("thomas pennant",))
    ms = [NameMention(i, "person", "Pennant", sex) for i, sex in enumerate("mf")]
    assert [c.entity_id for c in group_mentions(ms[:1], [her])] == [None]
    assert [c.entity_id for c in group_mentions(ms[:1], [her, him])] == ["person-thomas-pennant"]
    assert [c.entity_id for c in group_mentions(ms[1:], [her, him])] == ["pe0238"]
    assert [c.entity_id for c in group_mentions(_names(("person", "Pennant")), [her])] == \
        ["pe0238"]


def test_entities_a_person_of_untitled_forms_is_of_the_sex_its_mentions_titles_say():
    """A known person whose forms have no title (titles left out of the names: a confirmed
    "Mrs Pennant" is "Pennant") is of the sex its mentions' titles say (``sex_of``), asked only
    for a name whose titles say one: a "Mr. Pennant" joins no such Mrs Pennant (was: linked,
    the entity knowing no sex); her "Mrs" and a bare "Pennant" still link to her."""
    her = KnownEntity("person-pennant", "person", "confirmed", ("pennant",))
    asked: list[str] = []

    def sex_of(e: KnownEntity) -> str:
        asked.append(e.id)
        return "f"

    def linked(*sexes: str) -> list[str | None]:
        ms = [NameMention(i, "person", "Pennant", sex) for i, sex in enumerate(sexes)]
        return [c.entity_id for c in group_mentions(ms, [her], sex_of=sex_of)]

    assert linked("m") == [None]
    assert linked("m", "") == [None]
    assert linked("f") == ["person-pennant"]
    assert asked == ["person-pennant"] * 3
    assert linked("") == ["person-pennant"]
    assert len(asked) == 3  # a name whose title says nothing asks nothing
    # without it, as before: no sex known
    assert [c.entity_id for c in group_mentions([NameMention(0, "person", "Pennant", "m")],
                                                [her])] == ["person-pennant"]


def test_entities_join_a_proposed_entity_of_another_source():
    known = [KnownEntity("place-berlin", "place", "proposed", ("berlin",))]
    (c,) = group_mentions(_names(("place", "Berlin")), known)
    assert c.entity_id == "place-berlin"
    assert c.linked is False


def test_entities_short_name_joins_its_texts_full_name_before_another_files():
    """Another file's "Hitler" (its own @ref) does not pull this text's "Hitler" away from
    the "Adolf Hitler" of the same text; the group links by its full name only."""
    known = [KnownEntity("hitler", "person", "proposed", ("hitler",))]
    ms = _names(("person", "Adolf Hitler"), ("person", "Hitler"), ("person", "Hitler's"))
    assert [(c.entity_id, c.members) for c in group_mentions(ms, known)] == [(None, (0, 1, 2))]
    known.append(KnownEntity("person-a-h", "person", "proposed", ("adolf hitler",)))
    assert [(c.entity_id, c.members) for c in group_mentions(ms, known)] == \
        [("person-a-h", (0, 1, 2))]
    # a text with the short name alone still meets the other file's entity
    assert [c.entity_id for c in group_mentions(_names(("person", "Hitler")), known[:1])] == \
        ["hitler"]


def test_entities_a_name_two_entities_have_joins_neither():
    """Two proposed entities called "Hitler" ("Alois Hitler", "Adolf Hitler" with its
    "Hitler"): a third text's "Hitler" is not given to the first one found; it is a new
    candidate naming both, for the editor. One entity with the name still joins."""
    known = [KnownEntity("person-alois-hitler", "person", "proposed", ("alois hitler",)),
             KnownEntity("person-adolf-hitler", "person", "proposed",
                         ("adolf hitler", "hitler"))]
    (c,) = group_mentions(_names(("person", "Hitler")), known)
    assert (c.entity_id, c.ambiguous) == (None, ("person-adolf-hitler", "person-alois-hitler"))
    # another text's "Hitler" that fitted both too is that candidate: the same name is one
    # candidate across texts, still flagged (was: a new "Hitler" for every text)
    known.append(KnownEntity("person-hitler", "person", "proposed", ("hitler",)))
    (c,) = group_mentions(_names(("person", "Hitler")), known)
    assert (c.entity_id, c.linked, c.ambiguous) == \
        ("person-hitler", False, ("person-adolf-hitler", "person-alois-hitler"))
    known = [known[2], known[1]]  # a text's lone "Hitler" before another's "Adolf Hitler"
    (c,) = group_mentions(_names(("person", "Hitler")), known)
    assert (c.entity_id, c.ambiguous) == ("person-hitler", ("person-adolf-hitler",))
    (c,) = group_mentions(_names(("person", "Hitler")), known[1:])
    assert (c.entity_id, c.ambiguous) == ("person-adolf-hitler", ())
    # the register before proposals: one confirmed entry with the name is the match
    known.append(KnownEntity("hitler_a", "person", "confirmed", ("hitler",)))
    (c,) = group_mentions(_names(("person", "Hitler")), known)
    assert (c.entity_id, c.linked, c.ambiguous) == ("hitler_a", True, ())
    # two confirmed persons by family name: neither, and both named
    known = [KnownEntity("k1", "person", "confirmed", ("john kennedy",)),
             KnownEntity("k2", "person", "confirmed", ("robert kennedy",))]
    (c,) = group_mentions(_names(("person", "Kennedy")), known)
    assert (c.entity_id, c.ambiguous) == (None, ("k1", "k2"))


def test_entities_known_lookup_made_once_per_read(monkeypatch):
    """The store's entities as one read gives them keep the lookup grouping and typing make of
    them: every source proposed against the read uses it (was: made again for each source),
    and finds what a plain list of the same entities gives."""
    made = []
    real = names.KnownLookup.__init__

    def counted(self, known):
        made.append(len(known))
        real(self, known)

    monkeypatch.setattr(names.KnownLookup, "__init__", counted)
    plain = [KnownEntity("person-adolf-hitler", "person", "confirmed", ("adolf hitler",)),
             KnownEntity("person-hitler", "person", "proposed", ("hitler",)),
             KnownEntity("place-berlin", "place", "confirmed", ("berlin",)),
             KnownEntity("org-berlin", "org", "rejected", ("berlin",)),
             KnownEntity("person-john-gunther", "person", "confirmed", ("john gunther",),
                         given=("john",))]
    known = KnownEntities(plain)
    own = [KnownEntity("person-hitler", "person", "proposed", ("hitler",))]
    texts = [_names(("person", "Hitler"), ("org", "Berlin")),
             _names(("org", "Ribbentrop"), ("person", "Joachim von Ribbentrop"),
                    ("place", "Adolf Hitler"), ("person", "Hitler"), ("org", "John"))]
    for ms in texts:
        for mine in ((), own):
            assert group_mentions(ms, known, mine) == group_mentions(ms, plain, mine)
            assert settle_types(ms, known, mine) == settle_types(ms, plain, mine)
    assert made == [5] + [5] * 8  # once for the read, once for each call with the list


def test_entities_the_texts_own_identification_comes_first():
    """A name the file's markup identifies is that entity here, whatever the register says;
    a proposed short name joins the full name the markup gives."""
    known = [KnownEntity("person-adolf-hitler", "person", "confirmed",
                         ("adolf hitler", "hitler")),
             KnownEntity("w1", "person", "proposed", ("alois hitler",))]
    own = [KnownEntity("w1", "person", "proposed", ("alois hitler",))]
    groups = group_mentions(_names(("person", "Hitler"), ("place", "Braunau")), known, own)
    assert [(c.entity_id, c.members) for c in groups] == [("w1", (0,)), (None, (1,))]
    own = [KnownEntity("h1", "person", "proposed", ("hitler",)),
           KnownEntity("h2", "person", "proposed", ("hitler",))]  # two persons "Hitler" here
    (c,) = group_mentions(_names(("person", "Hitler")), known, own)
    assert c.entity_id is None


def test_entities_settle_types_makes_a_surname_a_person():
    ms = _names(("person", "Joachim von Ribbentrop"), ("org", "Ribbentrop"), ("org", "Axis"))
    assert [m.type for m in settle_types(ms)] == ["person", "person", "org"]
    known = [KnownEntity("place-washington", "place", "confirmed", ("washington",))]
    ms = _names(("person", "George Washington"), ("place", "Washington"))
    assert [m.type for m in settle_types(ms, known)] == ["person", "place"]


def test_entities_settle_types_keeps_what_a_title_says_of_the_sex():
    """A name retyped keeps the rest of what it is: its sex as its title says it, and the name
    it is kin of (was: a new NameMention without the sex, so 'Mrs. Ribbentrop', typed an
    organisation by the model, became a person of no sex and could join a man's name)."""
    ms = [NameMention(0, "person", "Joachim von Ribbentrop", sex="m"),
          NameMention(1, "org", "Ribbentrop", sex="f", kin_of=0)]
    settled = settle_types(ms)
    assert [(m.type, m.sex, m.kin_of) for m in settled] == [("person", "m", -1),
                                                             ("person", "f", 0)]


def test_entities_settle_types_follows_the_editions_markup():
    """The file's own markup decides a name's type; the edition's confirmed organisation is
    no person where nothing in the text makes it one."""
    ms = _names(("person", "Frankfurter Zeitung"), ("person", "George Washington"),
                ("person", "Washington"), ("person", "Mamroth"))
    edition = {"frankfurter zeitung": "org", "washington": "place", "mamroth": "person"}
    assert [m.type for m in settle_types(ms, edition=edition)] == \
        ["org", "person", "person", "person"]
    own = [KnownEntity("pmb1", "place", "proposed", ("washington",))]
    assert [m.type for m in settle_types(ms, own=own)] == \
        ["person", "person", "place", "person"]


def test_entities_variant_index_finds_written_forms():
    index = VariantIndex([("adolf hitler", "person", "person-adolf-hitler"),
                          ("hitler", "person", "person-adolf-hitler"),
                          ("may", "person", None)])
    text = "Adolf Hitler and Hitler's plan; HITLER. Hitlers, may be"
    hits = [(text[h.start:h.end], h.entity_id) for h in index.find(text)]
    assert hits == [("Adolf Hitler", "person-adolf-hitler"), ("Hitler", "person-adolf-hitler"),
                    ("HITLER", "person-adolf-hitler")]


@given(st.lists(st.sampled_from(["Hitler", "Adolf", "hitler", "Molotov", "von", "Ribbentrop",
                                 "'s", ",", ".", "-", "Soviet", "Union", "Gödel"]), max_size=25))
def test_entities_variant_hits_name_their_key(words):
    index = VariantIndex([("adolf hitler", "person", "p1"), ("hitler", "person", "p1"),
                          ("von ribbentrop", "person", "p2"), ("soviet union", "place", None),
                          ("godel", "person", None)])
    text = " ".join(words)
    last = -1
    for hit in index.find(text):
        assert name_key(text[hit.start:hit.end]) == hit.key
        assert text[hit.start].isupper()
        assert hit.start >= last
        last = hit.end


@given(st.text(alphabet="aZ_1 ,.'’-\nÄßſ\u0301", max_size=40))
def test_entities_text_words_split_once(text):
    """A text's words are split once (TextWords): WordCase counts them and the register's and
    the text's own names are looked for in them (was: split again for the names), each word
    where a search for it finds it."""
    found = list(re.finditer(r"[^\W_]+", text))
    words = TextWords(text)
    assert [words.span(i) for i in range(len(words.words))] == [m.span() for m in found]
    assert words.capitals == [i for i, m in enumerate(found) if m.group()[0].isupper()]
    assert WordCase(text).words.parts == words.parts
    index = VariantIndex([("a", "person", None), ("z a", "place", None), ("zss", "org", None)])
    assert index.find(text, words) == index.find(text)


@given(st.lists(st.sampled_from(["Hitler", "HITLER", "Adolf", "adolf", "Ädolf", "von", "Von",
                                 "Ribbentrop", "s", "Z", "z", " ", "  ", "-", "'", ",", ".",
                                 "\n", "_"]), max_size=30))
def test_entities_variant_index_each_form_folded_once(parts):
    """VariantIndex.find tries the capitalised words whose written form folds to a name's
    first word, each form folded once (TextWords.folded), and its hits are tuples (was: each
    capitalised word folded where it stands, each hit a frozen dataclass): it finds what
    trying every capitalised word finds, longest name first, hits not overlapping."""
    from annotator.entities.names import _JOIN, _fold
    entries = [("adolf hitler", "person", "p1"), ("hitler", "person", "p1"),
               ("adolf von ribbentrop", "person", "p2"), ("von ribbentrop", "person", None),
               ("z", "place", None), ("z z", "org", None)]
    index = VariantIndex(entries)
    text = "".join(parts)
    words = TextWords(text)
    want, after = [], 0
    lengths = sorted({len(k.split()) for k, _, _ in entries}, reverse=True)
    for i in words.capitals:
        if i < after:
            continue
        for n in lengths:
            if i + n > len(words.words) or not all(
                    _JOIN.fullmatch(words.parts[2 * j]) for j in range(i + 1, i + n)):
                continue
            key = " ".join(_fold(w) for w in words.words[i:i + n])
            entry = next(((t, e) for k, t, e in entries if k == key), None)
            if entry is not None:
                want.append((words.span(i)[0], words.span(i + n - 1)[1], *entry))
                after = i + n
                break
    got = index.find(text, words)
    assert [(h.start, h.end, h.type, h.entity_id) for h in got] == want
    assert all(isinstance(h, tuple) for h in got)


@given(st.text(alphabet="aZ_1 ,.\t\n", max_size=40))
def test_entities_word_case_mid_sentence_by_its_gap(text):
    """WordCase counts a capitalised word as standing mid-sentence by the gap before it,
    each gap looked at once: as _MID over the 8 characters before the word finds."""
    want = Counter(names._fold(m.group()) for m in re.finditer(r"[^\W_]+", text)
                   if m.group()[0].isupper() and names._MID.search(text[:m.start()][-8:]))
    assert +WordCase(text).mid == want


def _named(eid, type_, *names, status="proposed", authority=()):
    from annotator.entities.similar import Named

    return Named(eid, type_, status, names[0], tuple((n, name_key(n)) for n in names),
                 tuple(authority))


@pytest.mark.parametrize(("a", "b", "score", "reason"), [
    # another file's entity beside this text's: the same written form
    (("hitler", "person", "Hitler"), ("person-adolf-hitler", "person", "Adolf Hitler", "Hitler"),
     0.9, "both written \u201cHitler\u201d"),
    # one's name ends the other's full name
    (("ribbentrop", "person", "Ribbentrop"), ("p-jr", "person", "Joachim von Ribbentrop"),
     0.8, "\u201cRibbentrop\u201d is the family name of \u201cJoachim von Ribbentrop\u201d"),
    (("p-jr", "person", "Joachim von Ribbentrop"), ("ribbentrop", "person", "Ribbentrop"),
     0.8, "\u201cRibbentrop\u201d is the family name of \u201cJoachim von Ribbentrop\u201d"),
    # an initial and a title say nothing against
    (("p-ah", "person", "A. Hitler"), ("p-h", "person", "Hitler"),
     0.8, "\u201cHitler\u201d is the family name of \u201cA. Hitler\u201d"),
    (("p-herr", "person", "Herr Hitler", "Hitler"), ("p-adolf", "person", "Adolf Hitler",
                                                    "Hitler"), 0.9, "both written \u201cHitler\u201d"),
    (("place-st-p", "place", "St. Petersburg"), ("place-sp", "place", "Saint Petersburg"), 0.85,
     "\u201cSt. Petersburg\u201d and \u201cSaint Petersburg\u201d are one name written two ways"),
    (("place-t", "place", "Theresien-Stadt"), ("place-t2", "place", "Theresienstadt"), 0.85,
     "\u201cTheresien-Stadt\u201d and \u201cTheresienstadt\u201d are one name written two ways"),
    (("org-ms", "org", "Marks & Spencer"), ("org-ms2", "org", "Marks and Spencer"), 0.85,
     "\u201cMarks & Spencer\u201d and \u201cMarks and Spencer\u201d are one name written two ways"),
    # an organisation's "&", "Co", "Ltd", legal forms written out or abbreviated
    (("org-sc", "org", "Smith & Co"), ("org-sc2", "org", "Smith and Company"), 0.85,
     "\u201cSmith & Co\u201d and \u201cSmith and Company\u201d are one name written two ways"),
    (("org-sl", "org", "Smith Bros. Ltd"), ("org-sl2", "org", "Smith Brothers Limited"), 0.85,
     "\u201cSmith Bros. Ltd\u201d and \u201cSmith Brothers Limited\u201d are one name written "
     "two ways"),
    (("org-k", "org", "Krupp G.m.b.H."), ("org-k2", "org", "Krupp Gesellschaft mit "
     "beschr\u00e4nkter Haftung"), 0.85, "\u201cKrupp G.m.b.H.\u201d and \u201cKrupp "
     "Gesellschaft mit beschr\u00e4nkter Haftung\u201d are one name written two ways"),
    (("org-si", "org", "Siemens AG"), ("org-si2", "org", "Siemens Aktiengesellschaft"), 0.85,
     "\u201cSiemens AG\u201d and \u201cSiemens Aktiengesellschaft\u201d are one name written "
     "two ways"),
    # a legal form is not dropped: one firm "Ltd", another not, may be two
    (("org-s", "org", "Smith"), ("org-sl3", "org", "Smith Ltd"), None, None),
    (("org-a", "org", "Acme Inc"), ("org-a2", "org", "Acme Ltd"), None, None),
    # different given names before one family name: two people
    (("p-adolf", "person", "Adolf Hitler", "Hitler"), ("p-alois", "person", "Alois Hitler"),
     None, None),
    (("p-jfk", "person", "John Kennedy", "Kennedy"), ("p-rfk", "person", "Robert Kennedy",
                                                    "Kennedy"), None, None),
    # a family name is no place's: "Berlin" is not "East Berlin"
    (("place-b", "place", "Berlin"), ("place-eb", "place", "East Berlin"), None, None),
    # another type, or nothing in common
    (("hitler", "person", "Hitler"), ("org-hitler", "org", "Hitler"), None, None),
    (("p-stalin", "person", "Stalin"), ("p-molotov", "person", "Vyacheslav Molotov"), None, None),
])
def test_entities_merge_suggestions_judge(a, b, score, reason):
    from annotator.entities.similar import judge

    assert judge(_named(*a), _named(*b)) == (None if score is None else (score, reason))


def test_entities_merge_suggestions_authority_ids():
    """The same authority id is the surest reason; different ids in one authority rule a pair
    out (merge refuses it), whatever names they share."""
    from annotator.entities.similar import judge

    a = _named("hitler", "person", "Hitler", authority=[("wikidata", "Q352")])
    b = _named("p-ah", "person", "Adolf Hitler", "Hitler", authority=[("wikidata", "Q352")])
    c = _named("p-ah2", "person", "Hitler", authority=[("wikidata", "Q1")])
    d = _named("p-other", "person", "A. H.", authority=[("wikidata", "Q352")])
    assert judge(a, b) == (1.0, "same wikidata id Q352; both written \u201cHitler\u201d")
    assert judge(a, c) is None
    assert judge(a, d) == (1.0, "same wikidata id Q352")


def test_entities_merge_suggestions_markup_pointers():
    """Two entities the sources' own markup points to with different pointers (EHRI's three
    persons written "HOLZ") are two, as different authority ids are; pointers of two kinds
    (one edition's own ids, another's GeoNames URIs) say nothing against."""
    from dataclasses import replace

    from annotator.entities.similar import judge

    sonja = replace(_named("ehri_et_holz_sonja", "person", "HOLZ", "Sonja"),
                    pointers=("ehri_et_holz_sonja",))
    chona = replace(_named("ehri_et_holz_chona", "person", "HOLZ", "Chona"),
                    pointers=("ehri_et_holz_chona",))
    bare = _named("holz", "person", "Holz")
    assert judge(sonja, chona) is None and judge(chona, sonja) is None
    assert judge(sonja, bare) == (0.9, "both written \u201cHOLZ\u201d")
    vilna = replace(_named("vilna", "place", "Vilna"), pointers=("https://www.geonames.org/593116",))
    wilno = replace(_named("pl12", "place", "Vilna"), pointers=("pl12",))
    other = replace(_named("vilna2", "place", "Vilna"), pointers=("https://www.geonames.org/1",))
    assert judge(vilna, wilno) == (0.9, "both written \u201cVilna\u201d")
    assert judge(vilna, other) is None


def test_entities_ambiguous_name_is_flagged_in_the_store(ws, tmp_path):
    """Stored as ``propose`` stores them: the third text's "Hitler" joins neither proposed
    Hitler (Alois, Adolf); its mention is flagged ``ambiguous``, the queue offers both as
    merges and ``entities -f json`` lists them as the entities it ``fits``."""
    from tests.review_seed import propose_ambiguous_hitler

    propose_ambiguous_hitler(ws, tmp_path)
    (a,), (c,) = ws.mentions("a"), ws.mentions("c")
    b = {m.surface: m for m in ws.mentions("b")}
    assert b["Hitler"].entity_id == b["Adolf Hitler"].entity_id != a.entity_id
    assert c.entity_id not in (a.entity_id, b["Hitler"].entity_id)
    assert "ambiguous" in c.flags.split(",")
    assert "ambiguous" not in a.flags.split(",") + b["Hitler"].flags.split(",")
    shown = ws.candidate(c.entity_id)
    assert {a.entity_id, b["Hitler"].entity_id} <= {s.other.id for s in shown.similar}
    # 'entities -f json' names them too, as the review card does (was: only the flag said so)
    rows = {r["id"]: r for r in json.loads(run(ws, "entities", "-f", "json").output)}
    assert set(rows[c.entity_id]["fits"]) == {a.entity_id, b["Hitler"].entity_id}
    assert "fits" not in rows[a.entity_id]


def test_preferred_name_keeps_the_name_it_has_against_the_same_name_with_a_title():
    """An editor's span with the title inside ("Foreign Minister Vyacheslav Molotov", an
    edition keeping titles in persName) renames no one: it is the name the entity has."""
    from annotator.entities.names import preferred_name

    forms = ["Molotov", "Foreign Minister Vyacheslav Molotov"]
    assert preferred_name(forms, type_="person", keep="Vyacheslav Molotov") == \
        "Vyacheslav Molotov"
    assert preferred_name(["Molotov", "Vyacheslav Molotov"], type_="person",
                          keep="Foreign Minister Vyacheslav Molotov") == "Vyacheslav Molotov"
    assert preferred_name(forms, type_="person", keep="Molotov") == \
        "Foreign Minister Vyacheslav Molotov"  # a fuller name than the one it has



@pytest.mark.parametrize(("text", "full", "short"), [
    ("It may be left with Ann Stokes, widow of Doctor Stokes or with Samuel Cole.",
     "Ann Stokes", "Stokes"),
    ("We met Ann Stokes, the widow of the late Dr. Stokes, at Burlington.", "Ann Stokes",
     "Stokes"),
    ("Thomas Pennant, son of Pennant, wrote.", "Thomas Pennant", "Pennant"),
])
def test_entities_a_name_written_as_kin_of_the_name_before_is_another_person(text, full, short):
    """Before: "Stokes" of "Ann Stokes, widow of Doctor Stokes" joined Ann Stokes by the
    family name, the widow and her husband one person; a name written as the kin of the name
    before it stays apart (with no comma it is no such apposition)."""
    at, end = text.index(full), text.rindex(short)
    spans = [(0, at, at + len(full)), (1, end, end + len(short))]
    kin = kin_apart(text, spans)
    assert kin == {1: 0}
    ms = [NameMention(i, "person", text[s:e], "", kin.get(i, -1)) for i, s, e in spans]
    assert sorted(c.members for c in group_mentions(ms)) == [(0,), (1,)]
    plain = text.replace(full + ",", full)
    at, end = plain.index(full), plain.rindex(short)
    assert kin_apart(plain, [(0, at, at + len(full)), (1, end, end + len(short))]) == {}


def test_entities_one_family_name_under_titles_of_both_sexes_is_two_people():
    """Before: where titles stand outside names, a text's "Mr Smith" and "Mrs Smith" (one key,
    "smith") were one person, and "Mrs Smith" joined the text's "Mr John Smith" by his family
    name, as "Lady Lyttelton" joined "Lord Lyttelton". Now the titles of the other sex keep
    them apart, a "Smith" with no title beside both joins neither, and a name with no title
    still joins. Curious Travellers' "Mr. Myddelton" and "Mrs Myddelton", "Mr Orde" and "Mrs
    Orde" are two people each there."""
    def groups(*named):
        return sorted(c.members for c in group_mentions(
            [NameMention(i, "person", form, sex) for i, (form, sex) in enumerate(named)]))

    assert groups(("Smith", "m"), ("Smith", "f"), ("Smith", "f")) == [(0,), (1, 2)]
    assert groups(("Lyttelton", "m"), ("Lyttelton", "f"), ("Lyttelton", "")) == \
        [(0,), (1,), (2,)]
    assert groups(("John Smith", "m"), ("Smith", "f")) == [(0,), (1,)]
    # ...though it still makes the short name fit two (was: the same)
    assert groups(("John Smith", "m"), ("Mary Smith", ""), ("Smith", "f")) == [(0,), (1,), (2,)]
    assert groups(("John Smith", ""), ("Smith", "f")) == [(0, 1)]
    assert groups(("Smith", "f"), ("Smith", "")) == [(0, 1)]
    # the text's own markup says who its "Smith" is: one entity, whatever the titles
    own = [KnownEntity("pe1", "person", "confirmed", ("smith",))]
    assert [c.entity_id for c in group_mentions(
        [NameMention(0, "person", "Smith", "m"), NameMention(1, "person", "Smith", "f")],
        own=own)] == ["pe1"]
def test_known_lookup_keeps_what_it_made_of_the_confirmed_entities():
    """A run reads the store's entities again after each source that changed them; only
    proposed ones change, so what is made of the confirmed ones stands (was: made again at
    each read, the tables of thousands of register entries with them). Confirmed entities
    still come before proposed ones, wherever the read lists them."""
    entry = KnownEntity("person-white", "person", "confirmed", ("josiah white", "white"))
    early = KnownEntity("person-white-2", "person", "proposed", ("white",))
    first = KnownEntities([early, entry]).lookup
    again = KnownEntities([early, entry, KnownEntity("place-x", "place", "proposed",
                                                     ("x",))]).lookup
    assert again.person_keys is first.person_keys
    assert list(again.by_key.get(("person", "white"))) == [entry, early]
    assert list(again.by_tail.get(("person", "white"))) == [entry]
    assert list(again.by_key.get(("place", "x"))) == [again.by_id["place-x"]]
    assert list(again.by_key.get(("place", "y"), [])) == []


def test_variant_index_looks_at_each_gap_once(monkeypatch):
    """Where names of several lengths start with one word, the gaps after it are looked at
    once, not once for every length (was: "Josiah" with names of three, two and one words
    looked at the gap after it three times); what is found is as before."""
    looked = []
    join = names._JOIN

    class Counting:
        def fullmatch(self, gap):
            looked.append(gap)
            return join.fullmatch(gap)

    index = VariantIndex([("josiah albert white", "person", "a"), ("josiah white", "person", "b"),
                          ("josiah", "person", "c")])
    monkeypatch.setattr(names, "_JOIN", Counting())
    hits = index.find("Then Josiah, White and Josiah White came.")
    assert [(h.key, h.entity_id) for h in hits] == [("josiah", "c"), ("josiah white", "b")]
    assert len(looked) == 3  # ", " once, then " " and " " (was 5)


def test_known_entity_family_names_are_made_once_for_its_keys():
    """A run reads the known persons again after each source that changed them: their family
    names ("hitler" of "adolf hitler") are made once for their keys (was: again at each)."""
    def read():
        return KnownEntity("person-h", "person", "confirmed", ("adolf hitler", "kaplan israel"),
                           unended=("kaplan israel",))

    assert read().family_names() == ("hitler",)
    assert read().family_names() is read().family_names()
    assert KnownEntity("place-x", "place", "confirmed", ("new york",)).family_names() == ()


def test_kin_apart_reads_the_words_before_a_name_once():
    """Whether a name is written as another's kin ("Ann Stokes, widow of Doctor Stokes") is
    read once for a place in a text, where a run builds its proposals and again where it
    writes them (was: read twice)."""
    text = "It may be left with Ann Stokes, widow of Doctor Stokes or with Samuel Cole."
    spans = [(0, text.index("Ann"), text.index(",")), (1, text.index("Stokes or"),
                                                      text.index(" or"))]
    names._kin_of_at.cache_clear()
    assert kin_apart(text, spans) == {1: 0}
    assert kin_apart(text, spans) == {1: 0}
    assert names._kin_of_at.cache_info().hits == 2


def test_kin_apart_searches_only_where_a_comma_and_of_stand_before(monkeypatch):
    """The words that make a name another's kin are searched for only where the 80
    characters before it hold a comma and an "of" (was: at each of them, for every name):
    the same places as the search everywhere, on random texts of names, kin terms, titles,
    commas and spaces."""
    import random
    rnd = random.Random(4)
    pieces = ["Ann Stokes", ", ", ",", " widow", " of", " Of", " the late", " Dr.", " Doctor",
              " Stokes", " son", " x", "\t", "of", " SISTER", " and"]
    plain = names._KIN_OF_BEFORE
    for _ in range(5000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 24)))
        for start in range(0, len(text) + 1, 3):
            m = plain.search(text, max(0, start - 80), start)
            assert names._kin_of_at.__wrapped__(text, start) == (-1 if m is None else m.start())

    class Counted:
        searched = 0

        def search(self, *args):
            Counted.searched += 1
            return plain.search(*args)
    monkeypatch.setattr(names, "_KIN_OF_BEFORE", Counted())
    text = "Ann Stokes and Doctor Stokes went to Bath; John Cole of Bath, and his wife"
    assert names._kin_of_at.__wrapped__(text, text.index("Doctor")) == -1
    assert names._kin_of_at.__wrapped__(text, text.index("Bath;")) == -1
    assert Counted.searched == 0
    assert names._kin_of_at.__wrapped__(text, len(text)) == -1 and Counted.searched == 1


def test_said_sex_reads_the_word_before_backwards():
    """The title before a name is read backwards from the name, one match (names.last_word,
    which spans reads the word before a name with too; was: a search over the 24 characters
    before it, tried at every character): the word and the sex the search finds, on random
    texts of titles, words, stops, spaces, tabs and line breaks."""
    import random
    rnd = random.Random(6)
    pieces = ["Mr", "Mrs", "Lady", "lord", "met", "É", "1", "_", ".", " ", " ", "\t", "\n",
              "Pennant", "-"]
    plain = re.compile(r"([^\W\d_]+)\.?[ \t]+$")
    for _ in range(20000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 16)))
        m = plain.search(text)
        assert names.last_word(text) == (m.group(1) if m else "")
        start = rnd.randint(0, len(text))
        m = plain.search(text, max(0, start - 24), start)
        want = names.form_sex(text[start:start + 7]) or \
            (names._title_sex(m.group(1)) if m else "")
        assert names.said_sex(text, start, start + 7) == want, (text, start)
