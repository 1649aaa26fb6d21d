"""The sample workspace's decisions, kept as files, applied after real proposals."""

from __future__ import annotations

import shutil

import pytest

from annotator import SourceError
from annotator.store.decisions import preferred_by_editor
from tests.conftest import GOLD, REFERENCES, ROOT, run

SAMPLE_DECISIONS = ROOT / "decisions.toml"


@pytest.fixture(scope="module")
def applied(tmp_path_factory):
    """The README's first command on a copy of the sample workspace: add, bib add, propose,
    claims propose, apply."""
    import os

    from annotator import Workspace
    from tests.conftest import SAMPLE_TEI

    os.environ.setdefault("ANNOTATOR_EDITOR", "tester")
    ws = Workspace.init(tmp_path_factory.mktemp("sample") / "ws")
    ws.add(SAMPLE_TEI)
    ws.bib_add(REFERENCES)
    ws.settings = ws.settings.with_overrides(org_threshold=0.0)  # "Axis" as an org, to reject
    ws.propose()
    ws.propose_claims()
    result = ws.apply_decisions(SAMPLE_DECISIONS)
    yield ws, result
    ws.close()


def test_decisions_file_sample_gives_confirmed_annotations(applied):
    ws, result = applied
    assert result.missing == ()
    assert result.register is not None and result.register.added >= 2
    report = ws.evaluate(GOLD, confirmed_only=True)
    assert {s.type: (s.gold, s.predicted, s.exact_tp) for s in report.scores} == {
        "person": (35, 35, 35), "place": (35, 35, 35), "org": (2, 2, 2), "date": (8, 8, 8)}
    assert report.dates_right == report.dates_gold == 8
    hitler = ws.entity("person-adolf-hitler")
    assert (hitler.status, hitler.authority) == ("confirmed", (("wikidata", "Q352"),))
    assert {m.status for m in ws.mentions() if m.entity_id == "person-adolf-hitler"} \
        == {"confirmed"}
    assert ws.entity("place-united-kingdom").mentions == 2  # "Britain" merged in
    org = [m for m in ws.mentions(types=["org"]) if m.status == "confirmed"]
    assert {m.surface for m in org} == {"German Foreign office", "Soviet Information Bureau"}
    assert ws.entity("org-axis").status == "rejected"
    rejected = {tuple(r) for r in ws.store.query("SELECT key, type FROM rejections")}
    assert {("axis", "place"), ("axis", "org")} <= rejected


def test_decisions_file_sample_confirms_claims_and_accepts_links(applied):
    ws, _ = applied
    claims = ws.claims()
    assert claims and {c.state for c in claims} == {"confirmed"}
    nekrich = [c for c in claims if "According to a study by Alexander Nekrich" in
               ws.reading_text(c.source_id)[c.start:c.end]]
    assert len(nekrich) == 1 and nekrich[0].status == "supported"
    assert [w.bib_key for w in nekrich[0].links if w.status == "confirmed"] == ["nekrich1997"]
    unsupported = [c for c in claims if c.status == "unsupported"]
    assert unsupported and all(c.kind == "unattributed" for c in unsupported)


def test_decisions_file_claim_lines_are_checked(seed_ws, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('confirm_claims = [ { kind = "attributed", name = "x" } ]\n')
    with pytest.raises(SourceError) as err:
        seed_ws.apply_decisions(bad)
    assert err.value.code == "S206"


def test_decisions_file_apply_is_one_act_and_idempotent(applied):
    ws, _ = applied
    acts = [d.act for d in ws.history(limit=2)]
    assert acts == ["apply", "import"]
    before = ws.store.query("SELECT COUNT(*) FROM mentions WHERE status = 'confirmed'")[0][0]
    again = ws.apply_decisions(SAMPLE_DECISIONS)
    assert again.register.added == 0 and again.register.merged == 0
    assert ws.store.query("SELECT COUNT(*) FROM mentions WHERE status = 'confirmed'")[0][0] \
        == before
    # applied again, nothing changes: the log gets no empty acts to read or undo
    assert (again.decision_id, again.register.decision_id) == (None, None)
    assert [d.act for d in ws.history(limit=2)] == acts


def test_decisions_file_applied_again_counts_lines_in_force(applied):
    """Applied again, every line of the sample file is in force and says so, none 'nothing
    matches' (was: 'applied 30 lines' and a 'nothing matches' note for each claims and links
    line, whose claims and links the first run had confirmed)."""
    import tomllib

    ws, first = applied
    lines = sum(len(v) for k, v in tomllib.loads(SAMPLE_DECISIONS.read_text()).items()
                if k != "register")
    assert first.applied + first.in_force == lines and first.applied > 30
    again = run(ws, "apply", str(SAMPLE_DECISIONS))
    assert again.exit_code == 0, again.output
    assert again.stderr.splitlines()[1:] == [f"{lines} lines already in force, 0 applied"]
    result = ws.apply_decisions(SAMPLE_DECISIONS)
    assert (result.applied, result.in_force, result.missing) == (0, lines, ())


def test_decisions_file_line_matching_nothing_still_said_beside_lines_in_force(applied,
                                                                                tmp_path):
    """A line that matches nothing is still reported when the lines around it are in force:
    claims of a kind none of whose text holds the line's, a name nothing has."""
    ws, _ = applied
    path = tmp_path / "d.toml"
    path.write_text("confirm = [ { name = 'Nobody', type = 'person' },\n"
                    "            { entity = 'place-berlin' } ]\n"
                    "confirm_claims = [ { kind = 'attributed' },\n"
                    "                   { kind = 'quoted', text = 'no such words here' } ]\n"
                    "accept_links = [ { key = 'nekrich1997' } ]\n", encoding="utf-8")
    r = run(ws, "apply", str(path))
    assert r.exit_code == 0, r.output
    assert r.stderr.splitlines() == [
        "3 lines already in force, 0 applied",
        f"{path}: nothing matches 'confirm Nobody (person)' (nothing proposed under that name)",
        f"{path}: nothing matches 'confirm_claims quoted' (nothing proposed under that name)"]


def test_decisions_file_lines_in_force_beside_lines_applied(seed_ws, tmp_path):
    """A relabel by name, a reject in one source by entity id and a confirm: applied again,
    each is in force (was: the relabel and the reject matched nothing, and were said to);
    a file with lines of both kinds counts each."""
    from tests.review_seed import SOURCE, propose_by_names

    propose_by_names(seed_ws, candidates={"org-axis": ("org", ["Axis"]),
                                          "person-stalin": ("person", ["Stalin"]),
                                          "place-berlin": ("place", ["Berlin"])})
    path = tmp_path / "d.toml"
    path.write_text("relabel = [ { name = 'Axis', type = 'org', to = 'place' } ]\n"
                    f"reject = [ {{ entity = 'person-stalin', source = '{SOURCE}' }} ]\n"
                    "confirm = [ { entity = 'place-berlin' } ]\n", encoding="utf-8")
    first = seed_ws.apply_decisions(path)
    assert (first.applied, first.in_force, first.missing) == (3, 0, ())
    again = seed_ws.apply_decisions(path)
    assert (again.applied, again.in_force, again.missing, again.decision_id) == (0, 3, (), None)
    path.write_text(path.read_text() + "link = [ { entity = 'place-berlin', wikidata = 'Q64' } ]\n",
                    encoding="utf-8")
    r = run(seed_ws, "apply", str(path))
    assert r.exit_code == 0, r.output
    assert r.stderr.startswith("applied 1 line, 3 already in force (decision "), r.stderr


@pytest.mark.parametrize("text,code", [
    ("reject = [ { name = 'Axis' } ]", "S206"),
    ("reject = [ { name = 'Axis', type = 'planet' } ]", "S206"),
    ("confirm = 'Axis'", "S206"),
    ("approve = []", "S206"),
    ("relabel = [ { name = 'Axis', type = 'org', to = 'date' } ]", "S206"),
    ("link = [ { name = 'Axis', type = 'org', wikidata = 'X1' } ]", "S207"),
    ("reject = [ { name = 'Axis', type = 'org', colour = 'red' } ]", "S206"),
    ("add = [ { source = 's', text = 'x' } ]", "S206"),
    ("reject = [", "S208"),
    ("confirm = [ { name = 5, type = 'org' } ]", "S206"),
    ("reject = [ { name = 5, type = 'org' } ]", "S206"),
    ("prefer = [ { name = 'Axis', type = 'org', preferred = ' ' } ]", "S207"),
])
def test_decisions_file_bad_lines_are_refused(seed_ws, tmp_path, text, code):
    path = tmp_path / "d.toml"
    path.write_text(text, encoding="utf-8")
    from tests.review_seed import propose_by_names

    propose_by_names(seed_ws, candidates={"org-axis": ("org", ["Axis"])})
    before = seed_ws.store.query("SELECT COUNT(*) FROM decisions")[0][0]
    with pytest.raises(SourceError) as err:
        seed_ws.apply_decisions(path)
    assert err.value.code == code
    assert str(path) in str(err.value)
    assert seed_ws.store.query("SELECT COUNT(*) FROM decisions")[0][0] == before


HEADERS = """confirm = [ { name = "Axis", type = "org" } ]

[[prefer]]
entity = "org-axis"
preferred = "Axis powers"

[[prefer]]
name = "Axis"
type = "org"
  colour = "red"
"""


@pytest.mark.parametrize("text,code,at,named", [
    (HEADERS, "S206", "10:3", "prefer[1]: unknown field 'colour'"),
    ("reject = [\n  { name = 'Axis', type = 'org' },\n  { name = 'Axis' },\n]\n",
     "S206", "3:3", "reject[1]: a line needs"),
    ("[[relabel]]\nname = 'Axis'\ntype = 'org'\n\nto = 'date'\n", "S206", "5:1",
     "relabel[0]: cannot relabel"),
    ("reject = [ { name = 'Axis', type = 'org' }, 'Axis' ]\n", "S206", "1:45",
     "reject[1]: each line must be a table"),
    ("# the sections\n\napprove = []\n", "S206", "3:1", "approve: unknown section"),
    ("confirm_claims = [\n  { kind = 'attributed' },\n  { kind = 'hearsay' },\n]\n",
     "S206", "3:5", "confirm_claims[1]: unknown claim kind"),
    ("prefer = [\n  { name = 'Axis', type = 'org', preferred = 'A' },\n"
     "  { name = 'Axis', type = 'org', preferred = ' ' },\n]\n", "S207", "3:3",
     "prefer[1]: empty name"),
    ("confirm = []\nprefer.x = 1\n", "S206", "2:1", "prefer: 'prefer' must be a list"),
    ('[[prefer]]\nentity = "org-axis"\npreferred = "A"\n\n[prefer.sub]\nz = 1\n', "S206",
     "5:1", "prefer[0]: unknown field 'sub'"),
    ("reject = [\n  { name = 'Axis', type = 'org' }", "S208", "2:34",
     "not a valid TOML file (Unclosed array)"),
    ("# the register\nregister =  'nonexistent.xml'\n", "S201", "2:13",
     "register 'nonexistent.xml': file not found"),
    ("reject = [ { name = 'Axis', type = 'org' },\n  { name = \"A\\u0002\", type = 'org' } ]\n",
     "S209", "2:14", "reject[1]: the value of 'name' holds the control character U+0002"),
    ("add = [ { source = 'german-soviet-axis-talks', text = '', type = 'org' } ]\n", "S206",
     "1:48", "add[0]: text is empty"),
    ("add = [ { source = 'german-soviet-axis-talks', text = '   ', type = 'org' } ]\n", "S206",
     "1:48", "add[0]: text is empty"),
    ("link = [ { entity = 'org-axis', wikidata = 64 } ]\n", "S206", "1:33",
     "link[0]: wikidata must be a string"),
    ("accept_links = [ { key = 3 } ]\n", "S206", "1:20", "accept_links[0]: key must be a string"),
    ("note = [ { entity = 'org-axis', note = ['a'] } ]\n", "S206", "1:33",
     "note[0]: note must be a string"),
    ("[[add]]\nsource = 'german-soviet-axis-talks'\ntext = 'x'\ntype = 'date'\n"
     "when = 1939-08-23T10:00:00\n", "S206", "5:1",
     "add[0]: when must be a string or a date"),
    ("link = [ { entity = 'org-axis', wikidata = 'X1' } ]\n", "S207", "1:33",
     "link[0]: 'X1' is not a wikidata id"),
    ("add = [ { source = 'german-soviet-axis-talks', text = 'Axis', type = 'date', "
     "when = '1939', to = 'soon' } ]\n", "S207", "1:93", "add[0]: 'soon' is not a TEI date"),
])
def test_decisions_file_errors_name_the_line_of_the_entry(seed_ws, tmp_path, text, code, at,
                                                          named):
    """A malformed or inapplicable entry is named by its line (and the field's, when one field
    is wrong), in [[section]] tables as in section = [ ... ] lists: a list index alone sent
    the editor counting tables."""
    path = tmp_path / "d.toml"
    path.write_text(text, encoding="utf-8")
    from tests.review_seed import propose_by_names

    propose_by_names(seed_ws, candidates={"org-axis": ("org", ["Axis"])})
    with pytest.raises(SourceError) as err:
        seed_ws.apply_decisions(path)
    assert err.value.code == code
    assert str(err.value).startswith(f"{path}:{at}: {named}")


@pytest.mark.parametrize("text,at", [
    ("confirm = [ { name = 'Axis', type = 'org' } ]\nlink = [ { entity = 'org-axis' } ]\n",
     "2:10"),
    ("[[link]]\nname = 'Axis'\ntype = 'org'\n", "1:1"),
])
def test_decisions_file_link_without_an_authority_is_refused(seed_ws, tmp_path, text, at):
    """A link line naming its entity but no authority id did nothing, yet was counted as
    applied: it is refused (S206) at its entry, the hint naming the fields that link takes, and
    nothing in the file is applied."""
    from annotator.entities.authority import AUTHORITIES
    from tests.review_seed import propose_by_names

    propose_by_names(seed_ws, candidates={"org-axis": ("org", ["Axis"])})
    path = tmp_path / "d.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as err:
        seed_ws.apply_decisions(path)
    said = str(err.value)
    assert err.value.code == "S206"
    assert said.startswith(f"{path}:{at}: link[0]: "), said
    assert f"one or more of: {', '.join(AUTHORITIES)} [S206]" in said, said
    assert seed_ws.entity("org-axis").status != "confirmed"


def test_decisions_file_reports_names_that_match_nothing(seed_ws, tmp_path):
    path = tmp_path / "d.toml"
    path.write_text("confirm = [ { name = 'Nobody', type = 'person' } ]\n"
                    "reject = [ { name = 'Nowhere', type = 'place' } ]\n", encoding="utf-8")
    result = seed_ws.apply_decisions(path)
    assert (result.applied, result.missing) == (1, ("confirm Nobody (person)",))
    assert seed_ws.store.one("SELECT 1 FROM rejections WHERE key = 'nowhere'") is not None


@pytest.mark.parametrize(("data", "code", "place"), [
    (b"reject = [ { name = 'Axis', type = 'org' } ]\nconfirm = [ { name = 'M\xfcller' } ]\n",
     "S009", ":2:"),
    (b"reject = [ { name = 'Axis', type = 'org' } ]\nconfirm = [\n", "S208", ":3:"),
    (b"reject = [ { name = 'Axis', type = 'org' } ]\nconfirm = { x\n", "S208", ":2:"),
])
def test_decisions_file_bad_bytes_and_syntax_name_their_line(seed_ws, tmp_path, data, code,
                                                               place):
    path = tmp_path / "d.toml"
    path.write_bytes(data)
    with pytest.raises(SourceError) as err:
        seed_ws.apply_decisions(path)
    assert err.value.code == code and f"{path}{place}" in str(err.value), str(err.value)
    assert "(at line" not in str(err.value)


def test_decisions_file_with_a_byte_order_mark_is_read(seed_ws, tmp_path):
    path = tmp_path / "d.toml"
    path.write_bytes(b"\xef\xbb\xbfreject = [ { name = 'Nowhere', type = 'place' } ]\n")
    assert seed_ws.apply_decisions(path).applied == 1


def test_decisions_file_reject_in_one_source(seed_ws, tmp_path):
    """``source`` on a reject line: not in that source only; its mentions there are rejected."""
    from tests.review_seed import SOURCE, propose_by_names

    propose_by_names(seed_ws, candidates={"place-axis": ("place", ["Axis"])})
    path = tmp_path / "d.toml"
    path.write_text(f"reject = [ {{ name = 'Axis', type = 'place', source = '{SOURCE}' }},\n"
                    f"           {{ name = 'Nowhere', type = 'place', source = '{SOURCE}' }} ]\n",
                    encoding="utf-8")
    result = seed_ws.apply_decisions(path)
    assert (result.applied, result.missing) == (2, ())
    assert {m.status for m in seed_ws.mentions(SOURCE, types=["place"])
            if m.entity_id == "place-axis"} == {"rejected"}
    assert sorted(tuple(r) for r in seed_ws.store.query("SELECT * FROM source_rejections")) \
        == [(SOURCE, "axis", "place"), (SOURCE, "nowhere", "place")]
    assert seed_ws.store.query("SELECT * FROM rejections") == []
    path.write_text("reject = [ { name = 'Axis', type = 'place', source = 'elsewhere' } ]\n",
                    encoding="utf-8")
    with pytest.raises(SourceError) as err:
        seed_ws.apply_decisions(path)
    assert err.value.code == "S207" and "no source 'elsewhere'" in str(err.value)


@pytest.mark.parametrize("text,hint", [
    ("[prefer]\nentity = 'org-axis'\npreferred = 'A'\n",
     'write prefer = [ { entity = "...", preferred = "..." } ]'),
    ("note = { entity = 'org-axis' }\n", 'write note = [ { entity = "...", note = "..." } ]'),
    ("relabel = 'Axis'\n", 'write relabel = [ { name = "...", type = "...", to = "..." } ]'),
    ("confirm = [ { name = 'Axis', type = 'planet' } ]\n",
     'type is one of person, place, org, or { type = "date" } alone'),
    ("reject = [ { name = 'Axis', type = 'date' } ]\n", "type is one of person, place, org ["),
    ("add = [ { source = 's', text = 'x', type = 'planet' } ]\n",
     "type is one of person, place, org, date ["),
    ("add = [ { source = 's', text = 'x', type = 'date', colour = 'red' } ]\n",
     "unknown field 'colour'; add takes source, text, type; optional: when, from, to, notBefore,"
     " notAfter ["),
    ("reject = [ { name = 'Axis' } ]\n",
     "reject takes name, type (or entity instead of name and type); optional: source; type is"),
    ("link = [ { wikidata = 'Q1' } ]\n",
     "link takes entity (or name and type instead); one or more of: wikidata,"),
])
def test_decisions_file_hints_show_the_sections_own_fields(seed_ws, tmp_path, text, hint):
    """A hint shows the fields and types of the section at fault (a [prefer] table was told to
    write name and type, which is not what a prefer line needs)."""
    path = tmp_path / "d.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as err:
        seed_ws.apply_decisions(path)
    assert err.value.code == "S206" and hint in str(err.value), str(err.value)


def test_decisions_file_merge_already_done_changes_nothing(seed_ws, tmp_path):
    """A merge whose name already belongs to ``into`` (the entities were regrouped since the
    file was written) is done: the rest of the file applies, it was refused whole (S207)."""
    from tests.review_seed import propose_by_names

    propose_by_names(seed_ws, candidates={"org-axis": ("org", ["Axis"])})
    path = tmp_path / "d.toml"
    path.write_text("merge = [ { name = 'Axis', type = 'org', into = 'org-axis' } ]\n"
                    "confirm = [ { entity = 'org-axis' } ]\n", encoding="utf-8")
    result = seed_ws.apply_decisions(path)
    assert (result.applied, result.in_force, result.missing) == (1, 1, ())
    assert seed_ws.entity("org-axis").status == "confirmed"


def test_decisions_file_register_not_well_formed_names_both_places(seed_ws, tmp_path):
    """A register that is not well-formed is named at the decisions file's register line and at
    its own line and column, in one line, with what to do for apply (was the register's place
    alone, telling the editor to 'add it again')."""
    (tmp_path / "bad.xml").write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0">\n<a></b>\n',
                                      encoding="utf-8")
    path = tmp_path / "d.toml"
    path.write_text("# the register\nregister = 'bad.xml'\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        seed_ws.apply_decisions(path)
    said = str(err.value)
    assert err.value.code == "S005"
    assert said.startswith(f"{path}:2:12: register 'bad.xml': {tmp_path / 'bad.xml'}:2:"), said
    assert said.endswith("fix the markup in the register and apply d.toml again [S005]"), said
    assert "\n" not in said


def test_decisions_file_line_refused_keeps_no_register(seed_ws, tmp_path):
    """A file whose line cannot be applied applies nothing, its register included: the
    register was imported, as an act of its own, before the line was refused ("nothing was
    applied", yet an import in the history and its entries in the store)."""
    shutil.copyfile(ROOT / "register.xml", tmp_path / "register.xml")
    path = tmp_path / "d.toml"
    path.write_text("register = 'register.xml'\n"
                    "prefer = [ { entity = 'person-adolf-hitler', preferred = 'Hitler' } ]\n"
                    "accept_links = [ { key = 'nekrich1997' } ]\n", encoding="utf-8")
    before = seed_ws.history()
    result = run(seed_ws, "apply", str(path))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"{path}:3:18: accept_links[0]: no bibliography entry "
                                    f"'nekrich1997'"), result.stderr
    assert "[S207]" in result.stderr
    assert seed_ws.register() == [] and seed_ws.history() == before
    seed_ws.bib_add(REFERENCES)  # it can be applied now (matching nothing): both are kept
    r = seed_ws.apply_decisions(path)
    assert r.register is not None and r.register.added >= 2
    assert (r.applied, r.missing) == (1, ("accept_links nekrich1997",))
    assert seed_ws.entity("person-adolf-hitler").preferred == "Hitler"  # the register's entry
    assert [d.act for d in seed_ws.history(limit=2)] == ["apply", "import"]


SEVERAL_PERSONS = """<listPerson xmlns="http://www.tei-c.org/ns/1.0">
  <person xml:id="tolstoy"><persName>Tolstoy, Leo</persName></person>
</listPerson>
"""
SEVERAL_PLACES = """<listPlace xmlns="http://www.tei-c.org/ns/1.0">
  <place xml:id="yasnaya"><placeName>Yasnaya Polyana</placeName></place>
</listPlace>
"""


def _several(tmp_path, decisions):
    (tmp_path / "persons.xml").write_text(SEVERAL_PERSONS, encoding="utf-8")
    (tmp_path / "places.xml").write_text(SEVERAL_PLACES, encoding="utf-8")
    (tmp_path / "bad.xml").write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0">\n<a></b>\n',
                                      encoding="utf-8")
    path = tmp_path / "d.toml"
    path.write_text(decisions, encoding="utf-8")
    return path


def test_decisions_file_names_several_registers(seed_ws, tmp_path):
    """register = [...] imports each file as 'register import' does, each an act of its own
    named in the answer, then the lines (was: S206 'register must be a file name')."""
    path = _several(tmp_path, "register = ['persons.xml', 'places.xml']\n"
                              "note = [ { entity = 'tolstoy', note = 'Writer.' } ]\n")
    result = run(seed_ws, "apply", str(path))
    assert result.exit_code == 0, result.output
    assert f"register {tmp_path / 'persons.xml'}: 1 added" in result.stderr, result.stderr
    assert f"register {tmp_path / 'places.xml'}: 1 added" in result.stderr, result.stderr
    assert [d.act for d in seed_ws.history(limit=3)] == ["apply", "import", "import"]
    assert seed_ws.entity("tolstoy").note == "Writer."
    assert seed_ws.entity("yasnaya").status == "confirmed"
    again = seed_ws.apply_decisions(path)
    assert [r.added for r in again.registers] == [0, 0] and again.register.added == 0


@pytest.mark.parametrize("decisions,code,at,said", [
    # a register that cannot be read: at its name in the list, nothing of any imported
    ("register = ['persons.xml',\n  'bad.xml']\n", "S005", "2:3", "register 'bad.xml': "),
    ("register = ['persons.xml', 'nowhere.xml']\n", "S201", "1:28",
     "register 'nowhere.xml': file not found"),
    # a line that cannot be applied: no register either
    ("register = ['persons.xml', 'places.xml']\n"
     "note = [ { entity = 'nobody', note = 'x' } ]\n", "S207", "2:12", "note[0]: no entity"),
    ("register = []\n", "S206", "1:1", "register: register must be a file name or a list of "
     "them"),
    ("register = ['persons.xml', 3]\n", "S206", "1:28", "register[1]: not a file name"),
])
def test_decisions_file_several_registers_all_or_nothing(seed_ws, tmp_path, decisions, code,
                                                         at, said):
    path = _several(tmp_path, decisions)
    before = seed_ws.history()
    with pytest.raises(SourceError) as err:
        seed_ws.apply_decisions(path)
    assert err.value.code == code
    assert str(err.value).startswith(f"{path}:{at}: {said}"), str(err.value)
    assert seed_ws.register() == [] and seed_ws.history() == before


def test_decisions_file_applied_again_says_register_unchanged(seed_ws, tmp_path):
    """The register line of ``apply`` ends as ``register import``'s does: its decision, or
    "(nothing changed)" when the file is applied again (it ended with the counts alone)."""
    shutil.copyfile(ROOT / "register.xml", tmp_path / "register.xml")
    path = tmp_path / "d.toml"
    path.write_text("register = 'register.xml'\nreject = [ { name = 'Axis', type = 'org' } ]\n",
                    encoding="utf-8")
    first = run(seed_ws, "apply", str(path))
    imported = seed_ws.history(limit=2)[1]
    assert first.exit_code == 0 and imported.act == "import", first.output
    assert f"merged (decision {imported.id})\n" in first.stderr, first.stderr
    again = run(seed_ws, "apply", str(path))
    assert again.exit_code == 0, again.output
    assert "register: 0 added, 0 updated, 0 merged (nothing changed)\n" in again.stderr, \
        again.stderr


def test_decisions_file_date_may_be_a_toml_date(seed_ws, tmp_path):
    """``when = 1939-08-23`` (a TOML date, not a string) is the date it names."""
    path = tmp_path / "d.toml"
    path.write_text("add = [ { source = 'german-soviet-axis-talks', text = 'Axis', type = 'date',"
                    " when = 1939-08-23 } ]\n", encoding="utf-8")
    assert seed_ws.apply_decisions(path).applied == 1
    assert seed_ws.store.one("SELECT 1 FROM mentions WHERE date_value LIKE '%1939-08-23%'")


def test_every_field_has_a_type():
    from annotator.acts.decisions_file import FIELD_TYPES, SECTION_FIELDS

    assert {f for needed, optional, _ in SECTION_FIELDS.values() for f in (*needed, *optional)} \
        == set(FIELD_TYPES)


def test_decisions_file_names_every_malformed_entry_at_once(seed_ws, tmp_path):
    """A file with several malformed entries is refused with each named on its own line, then
    a line counting them (S206), as a compiler lists every error: stopping at the first sent
    the editor back once per mistake. Nothing in the file is applied."""
    from typer.testing import CliRunner

    from annotator.cli import app
    from tests.review_seed import propose_by_names

    propose_by_names(seed_ws, candidates={"org-axis": ("org", ["Axis"])})
    path = tmp_path / "d.toml"
    path.write_text("# two mistakes\n"
                    "link = [ { entity = 'org-axis', wikidata = 64 } ]\n"
                    "confirm = [\n"
                    "  { name = 'Axis', type = 'org' },\n"
                    "  { name = 'Axis', type = 'org', colour = 'red' },\n"
                    "]\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        seed_ws.apply_decisions(path)
    assert err.value.code == "S206"
    assert [d.split(": ")[:2] for d in err.value.details] == [
        [f"{path}:2:33", "link[0]"], [f"{path}:5:34", "confirm[1]"]]
    result = CliRunner().invoke(app, ["-w", str(seed_ws.root), "apply", str(path)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 3, result.stderr
    assert lines[0].startswith(f"{path}:2:33: link[0]: wikidata must be a string")
    assert lines[1].startswith(f"{path}:5:34: confirm[1]: unknown field 'colour'")
    assert lines[2].startswith(f"{path}: 2 malformed entries") and lines[2].endswith("[S206]")
    assert seed_ws.entity("org-axis").status != "confirmed"
    assert seed_ws.entity("org-axis").authority == ()


def test_decisions_file_names_every_entry_that_cannot_be_applied(seed_ws, tmp_path):
    """Entries well-formed but not applicable (an id that is not one, an entity or a source
    that does not exist) are each named on their own line in the file's order, then counted
    (S207), and nothing of the file is applied: the first one stopped the file, and an editor
    fixing a long file ran it once per mistake."""
    from typer.testing import CliRunner

    from annotator.cli import app
    from tests.review_seed import propose_by_names

    propose_by_names(seed_ws, candidates={"org-axis": ("org", ["Axis"])})
    before = seed_ws.store.last_decision()
    mentions = len(seed_ws.mentions())
    path = tmp_path / "d.toml"
    path.write_text("confirm = [ { entity = 'org-axis' } ]\n"
                    "link = [ { entity = 'org-axis', wikidata = 'X1' } ]\n"
                    "merge = [ { entity = 'org-axis', into = 'org-nowhere' } ]\n"
                    "add = [ { source = 'german-soviet-axis-talks', text = 'Axis', type = 'place' },\n"
                    "        { source = 'elsewhere', text = 'Axis', type = 'org' } ]\n",
                    encoding="utf-8")
    with pytest.raises(SourceError) as err:
        seed_ws.apply_decisions(path)
    assert err.value.code == "S207"
    assert [d.split(": ")[:2] for d in err.value.details] == [
        [f"{path}:2:33", "link[0]"], [f"{path}:3:11", "merge[0]"], [f"{path}:5:9", "add[1]"]]
    assert str(err.value).startswith(f"{path}: 3 entries that cannot be applied")
    result = CliRunner().invoke(app, ["-w", str(seed_ws.root), "apply", str(path)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 4 and "Traceback" not in result.output, result.stderr
    assert [line.rsplit(" ", 1)[-1] for line in lines] == ["[S207]"] * 4
    assert seed_ws.entity("org-axis").status != "confirmed"
    assert seed_ws.entity("org-axis").authority == ()
    assert len(seed_ws.mentions()) == mentions
    assert seed_ws.store.last_decision() == before


@pytest.mark.parametrize("text,code,named", [
    ("link = [ { entity = 'org-axis', wikidata = 'X1', viaf = 'abc' } ]\n", "S207",
     [("1:33", "'X1' is not a wikidata id"), ("1:50", "viaf")]),
    ("add = [ { source = 'german-soviet-axis-talks', text = 'Axis', type = 'date', "
     "when = 'soon', to = 'later' } ]\n", "S207",
     [("1:78", "'soon' is not a TEI date"), ("1:93", "'later' is not a TEI date")]),
    ("add = [ { source = 'elsewhere', text = 'Axis', type = 'date', when = 'soon' } ]\n",
     "S207", [("1:9", "no source 'elsewhere'"), ("1:63", "'soon' is not a TEI date")]),
    ("confirm = [ { name = 5, type = 'planet' } ]\n", "S206",
     [("1:15", "name must be a string"), ("1:25", "unknown type 'planet'")]),
    ("reject = [ { name = 'Axis', type = 'org', colour = 'red', size = 'big' } ]\n", "S206",
     [("1:43", "unknown field 'colour'"), ("1:59", "unknown field 'size'")]),
])
def test_decisions_file_entry_names_each_bad_field(seed_ws, tmp_path, text, code, named):
    """An entry with two independent faults (two bad fields, or a source that does not exist
    and a bad date) is refused naming each at its place, then a line counting them: only its
    first was named, and the editor ran the file again to find the second."""
    from tests.review_seed import propose_by_names

    propose_by_names(seed_ws, candidates={"org-axis": ("org", ["Axis"])})
    path = tmp_path / "d.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as err:
        seed_ws.apply_decisions(path)
    assert err.value.code == code
    assert len(err.value.details) == len(named), err.value.details
    for detail, (at, said) in zip(err.value.details, named):
        assert detail.startswith(f"{path}:{at}: ") and said in detail, detail
        assert detail.endswith(f"[{code}]")
    assert str(err.value).startswith(f"{path}: 2 problems in 1 ")


@pytest.mark.parametrize("field", ["when", "from", "notBefore"])
def test_decisions_file_add_refuses_a_date_value_on_a_name(seed_ws, tmp_path, field):
    """An ``add`` line giving a person, place or organisation a date value is refused at its
    field (S207, with the words of D026, the check 'mention add --date' makes), and nothing of
    the file is applied (was: the mention was stored with when=1801, which the CLI refuses)."""
    before = seed_ws.store.last_decision()
    mentions = len(seed_ws.mentions())
    path = tmp_path / "d.toml"
    path.write_text("add = [ { source = 'german-soviet-axis-talks', text = 'Berlin', "
                    "type = 'place' },\n        { source = 'german-soviet-axis-talks', "
                    f"text = 'Axis', type = 'org', {field} = '1801' }} ]\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        seed_ws.apply_decisions(path)
    assert err.value.code == "S207"
    assert str(err.value).startswith(f"{path}:2:77: add[1]: an org mention takes no date "
                                     "value (only dates do)"), str(err.value)
    assert len(seed_ws.mentions()) == mentions
    assert seed_ws.store.last_decision() == before


def test_decisions_file_refuses_an_entity_id_that_does_not_exist(seed_ws, tmp_path):
    """An ``entity`` id the store never had (misspelt) is refused at its field, as a merge
    ``into`` one is, every such entry named, nothing of the file applied (was: 'nothing
    matches' warnings, exit 0, the other lines applied; with a bad merge, only the merge
    named). A line's name that matches nothing is still reported, not refused."""
    from typer.testing import CliRunner

    from annotator.cli import app
    from tests.review_seed import propose_by_names

    propose_by_names(seed_ws, candidates={"person-tolstoy": ("person", ["Tolstoy"]),
                                          "org-axis": ("org", ["Axis"])})
    before = seed_ws.store.last_decision()
    path = tmp_path / "d.toml"
    path.write_text("link = [ { entity = 'tolstoi', wikidata = 'Q7243' } ]\n"
                    "note = [ { entity = 'tolstoi', note = 'x' } ]\n"
                    "confirm = [ { entity = 'org-axis' } ]\n"
                    "merge = [ { entity = 'org-axis', into = 'org-nowhere' } ]\n",
                    encoding="utf-8")
    result = CliRunner().invoke(app, ["-w", str(seed_ws.root), "apply", str(path)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    listed = "list them with 'annotator entities' or 'annotator register' [S207]"
    near = "did you mean person-tolstoy [S207]"  # close to an id's words, not only within it
    assert [line.split(": ")[:3] for line in lines[:3]] == [
        [f"{path}:1:12", "link[0]", f"no entity 'tolstoi'; {near}"],
        [f"{path}:2:12", "note[0]", f"no entity 'tolstoi'; {near}"],
        [f"{path}:4:11", "merge[0]", f"no entity 'org-nowhere'; {listed}"]]
    assert lines[3].startswith(f"{path}: 3 entries that cannot be applied"), lines
    assert seed_ws.entity("org-axis").status == "proposed"
    assert seed_ws.store.last_decision() == before
    path.write_text("confirm = [ { name = 'Tolstoi', type = 'person' } ]\n", encoding="utf-8")
    assert seed_ws.apply_decisions(path).missing == ("confirm Tolstoi (person)",)


def _merge_and_relabel(ws, tmp_path, more: str = ""):
    """A decisions file whose merge and relabel take away ids a later line names."""
    from tests.review_seed import propose_by_names

    propose_by_names(ws, candidates={"org-axis": ("org", ["Axis"]),
                                     "person-stalin": ("person", ["Stalin"]),
                                     "person-j-stalin": ("person", ["J. Stalin"])})
    path = tmp_path / "d.toml"
    path.write_text("merge = [ { entity = 'person-j-stalin', into = 'person-stalin' } ]\n"
                    "relabel = [ { entity = 'org-axis', to = 'place' } ]\n"
                    "link = [ { entity = 'person-j-stalin', wikidata = 'Q855' } ]\n" + more,
                    encoding="utf-8")
    return path


def test_decisions_file_entity_ids_a_file_took_away_apply_again(seed_ws, tmp_path):
    """An ``entity`` id that the file's own relabel or merge took away (applied before, or by
    its earlier lines) is a line already done, not a misspelling: applied again, the file
    changes nothing and is not refused."""
    path = _merge_and_relabel(seed_ws, tmp_path)
    first = seed_ws.apply_decisions(path)
    assert first.decision_id is not None and first.missing == ("link person-j-stalin",)
    assert seed_ws.entity("place-axis").type == "place"
    again = seed_ws.apply_decisions(path)
    assert again.decision_id is None
    # the merge and the relabel are in force; the link names an entity the merge took away
    assert (again.applied, again.in_force, again.missing) == (0, 2, ("link person-j-stalin",))


def test_decisions_file_says_where_an_entity_its_merge_took_went(seed_ws, tmp_path):
    """A line naming an entity the file's own merge (or relabel) took away says it was merged
    into (relabelled as) the entity now there, the id to write (was: 'nothing proposed
    under that name', of an entity the file itself merged); applied again, the merge line
    too, from the log."""
    path = _merge_and_relabel(seed_ws, tmp_path,
                              "note = [ { entity = 'org-axis', note = 'The Axis powers.' } ]\n")
    first = run(seed_ws, "apply", str(path))
    assert first.exit_code == 0, first.output
    said = first.stderr.splitlines()[1:]
    assert said == [
        f"{path}: nothing matches 'link person-j-stalin' (person-j-stalin was merged into "
        "person-stalin before it: write that id)",
        f"{path}: nothing matches 'note org-axis' (org-axis was relabelled as place-axis "
        "before it: write that id)"]
    again = run(seed_ws, "apply", str(path))
    assert again.stderr.splitlines() == [
        "2 lines already in force, 0 applied", *said]  # the merge and the relabel


def test_decisions_file_merge_across_types_is_refused(seed_ws, tmp_path):
    """A [[merge]] of a person into a place made the person's mentions places; it is named
    at its line as the file's other inapplicable entries are (S207, with D032's words), and
    nothing of the file is applied."""
    from tests.review_seed import propose_by_names

    propose_by_names(seed_ws)
    before = seed_ws.store.last_decision()
    typed = {m.id: (m.type, m.entity_id) for m in seed_ws.mentions()}
    path = tmp_path / "d.toml"
    path.write_text("confirm = [ { entity = 'place-berlin' } ]\n\n"
                    "[[merge]]\nname = 'Stalin'\ntype = 'person'\ninto = 'place-berlin'\n",
                    encoding="utf-8")
    with pytest.raises(SourceError) as err:
        seed_ws.apply_decisions(path)
    assert err.value.code == "S207"
    said = str(err.value)
    assert said.startswith(f"{path}:3:1: merge[0]: person-stalin is a person and "
                           "place-berlin is a place"), said
    assert "annotator relabel person-stalin place" in said, said
    assert {m.id: (m.type, m.entity_id) for m in seed_ws.mentions()} == typed
    assert seed_ws.entity("place-berlin").status != "confirmed"
    assert seed_ws.store.last_decision() == before


def test_decisions_file_add_marks_whole_words_only(seed_ws, tmp_path):
    """An ``add`` line's text marks whole words: 'German' is not the 'German' of 'Germany' or
    'Germans' (a plain substring search marked those too), and a text found only inside words
    ('Germ') matches nothing, reported as the file's other lines that match nothing are."""
    path = tmp_path / "d.toml"
    path.write_text("add = [ { source = 'german-soviet-axis-talks', text = 'German', type = 'org' },\n"
                    "        { source = 'german-soviet-axis-talks', text = 'Germ', type = 'org' } ]\n",
                    encoding="utf-8")
    result = seed_ws.apply_decisions(path)
    text = seed_ws.reading_text("german-soviet-axis-talks")
    marked = [(m.start, m.end) for m in seed_ws.mentions() if m.type == "org"
              and m.status == "confirmed" and text[m.start:m.end].startswith("Germ")]
    assert len(marked) == 10 and {text[a:b] for a, b in marked} == {"German"}
    assert all(not text[b].isalnum() for _, b in marked)
    assert result.applied == 1 and len(result.missing) == 1 and "Germ" in result.missing[0]


def test_decisions_file_merge_names_anew_and_a_preferred_name_stays(named_ws, tmp_path):
    """A file's merge names the entity kept as a merge does (Lloyd is "John Lloyd"), a name
    chosen by no editor, which the next act chooses again; its ``prefer`` is the editor's,
    which none does (was: "Mr. Lloyd" kept by the merge)."""
    ws = named_ws
    path = tmp_path / "d.toml"
    path.write_text("merge = [ { entity = 'jl', into = 'lloyd' } ]\n", encoding="utf-8")
    ws.apply_decisions(path)
    assert ws.entity("lloyd").preferred == "John Lloyd"
    ws.undo()
    assert ws.entity("lloyd").preferred == "Mr. Lloyd"
    ws.redo()  # the file's act again, its name still the store's
    assert ws.entity("lloyd").preferred == "John Lloyd"
    assert not preferred_by_editor(ws.store.conn, "lloyd")
    john = next(m.id for m in ws.mentions("a") if m.surface == "John Lloyd")
    ws.reject(f"mention:{john}")
    assert ws.entity("lloyd").preferred == "Mr. Lloyd"
    path.write_text("merge = [ { entity = 'bd', into = 'bk' } ]\n"
                    "prefer = [ { entity = 'bk', preferred = 'Bethgelert' } ]\n",
                    encoding="utf-8")
    ws.apply_decisions(path)
    ws.reject(f"mention:{next(m.id for m in ws.mentions('a') if m.surface == 'BethKelert')}")
    assert ws.entity("bk").preferred == "Bethgelert"


def test_decisions_file_accepts_links_to_a_work_named_by_an_alias(seed_ws, nlp, tmp_path):
    """``accept_links`` finds its work as ``claim link`` does: a key the work lists in its
    ``ids`` (biblatex's aliases, as ``bib fold`` writes the keys it folded) or its key in
    another case accepts the suggestions to that work (was: D307 'no bibliography entry' for
    the alias, and nothing accepted for 'Nekrich1997', which only the key's case told apart);
    an unknown key is still refused, naming the alias it is close to."""
    bib = tmp_path / "refs.bib"
    bib.write_text(REFERENCES.read_text(encoding="utf-8").replace(
        "@book{nekrich1997,", "@book{nekrich1997,\n  ids = {pariahs},"), encoding="utf-8")
    seed_ws.bib_add(bib)
    seed_ws.propose_claims(nlp=nlp)
    suggested = [ln for c in seed_ws.claims() for ln in c.links if ln.status == "suggested"]
    assert {ln.bib_key for ln in suggested} >= {"nekrich1997"}
    path = tmp_path / "d.toml"
    path.write_text("accept_links = [ { key = 'pariahs', locus = 'p. 199' } ]\n",
                    encoding="utf-8")
    r = seed_ws.apply_decisions(path)
    assert (r.applied, r.missing) == (1, ())
    links = [ln for c in seed_ws.claims() for ln in c.links if ln.bib_key == "nekrich1997"]
    assert links and {(ln.status, ln.locus) for ln in links} == {("confirmed", "p. 199")}
    again = seed_ws.apply_decisions(path)  # the alias's links are accepted: in force
    assert (again.applied, again.in_force, again.missing) == (0, 1, ())
    seed_ws.undo()
    path.write_text("accept_links = [ { key = 'Nekrich1997' } ]\n", encoding="utf-8")
    r = seed_ws.apply_decisions(path)
    assert (r.applied, r.missing) == (1, ())
    links = [ln for c in seed_ws.claims() for ln in c.links if ln.bib_key == "nekrich1997"]
    assert {ln.status for ln in links} == {"confirmed"}
    path.write_text("accept_links = [ { key = 'pariah' } ]\n", encoding="utf-8")
    result = run(seed_ws, "apply", str(path))
    assert result.exit_code == 2 and "[S207]" in result.stderr, result.output
    assert "no bibliography entry 'pariah'" in result.stderr
    assert "did you mean pariahs" in result.stderr
