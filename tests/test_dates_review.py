"""Dates in review: a source's own date (found, shown, set), date values corrected and
confirmed in one act, and their certainty in the exported TEI and the .bib entry."""

from __future__ import annotations

import csv
import io
import json

import pytest

from annotator.errors import DecisionError
from tests.conftest import DATA, run

TEI = "http://www.tei-c.org/ns/1.0"
LETTER = f"""<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="{TEI}"><teiHeader><fileDesc><titleStmt><title>A letter to a brother</title>
</titleStmt><publicationStmt><p>Written for annotator's tests.</p></publicationStmt>
<sourceDesc><p>Made up.</p></sourceDesc></fileDesc><profileDesc><correspDesc>
<correspAction type="sent"><date when="1864-04-12">12 April 1864</date></correspAction>
</correspDesc></profileDesc></teiHeader><text><body>
<p>Dear Brother, your letter of April 11th came yesterday. We leave on Tuesday, 19th April 1864,
and hope to be home by the 2d of May.</p>
</body></text></TEI>
"""


@pytest.fixture
def letter_ws(ws, tmp_path):
    path = tmp_path / "letter.xml"
    path.write_text(LETTER, encoding="utf-8")
    ws.add(path)
    ws.propose()
    return ws


def _dates(ws):
    return {m.surface: m for m in ws.mentions("letter") if m.type == "date"}


def test_dates_review_source_date_found_shown_and_set(letter_ws):
    ws = letter_ws
    src = ws.source("letter")
    assert (src.date, src.date_reason) == ("1864-04-12", "the header's sending date 1864-04-12")
    listed = run(ws, "sources", "--format", "json")
    assert json.loads(listed.output)[0]["date"] == "1864-04-12"
    april = _dates(ws)["April 11th"]
    assert dict(april.date_value) == {"when": "1864-04-11"}
    assert (april.date_cert, april.date_reason) == ("medium", "year from the header's sending "
                                                              "date 1864-04-12")
    assert dict(_dates(ws)["yesterday"].date_value) == {"when": "1864-04-11"}
    result = run(ws, "source", "date", "letter", "1865-04-12")
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith(" source-date source:letter date=1865-04-12\n")
    assert ws.source("letter").date_reason == "set by the editor"
    ws.propose()  # the new date is what partial dates lean on now
    assert dict(_dates(ws)["April 11th"].date_value) == {"when": "1865-04-11"}
    work = next(e for e in ws.bib() if e.origin == "source:letter")
    assert work.get("date") == "1865-04-12"
    bad = run(ws, "source", "date", "letter", "1865-13-01")
    assert bad.exit_code == 2 and "D029" in bad.output


def test_dates_review_set_confirm_undo_and_export(letter_ws):
    ws = letter_ws
    dates = _dates(ws)
    stated = dates["Tuesday, 19th April 1864"]  # weekday + date: one mention
    assert (stated.date_cert, "weekday-mismatch" in stated.flags) == ("high", False)
    decision = ws.confirm_dates("letter", certain=True)
    after = _dates(ws)
    assert after["Tuesday, 19th April 1864"].status == "confirmed"
    assert after["April 11th"].status == "proposed"  # inferred: waits for the editor
    assert decision.target.split() == [f"mention:{stated.id}"]
    may = after["the 2d of May"]
    result = run(ws, "date", "set", f"mention:{may.id}", "--when", "1864-05-02")
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith(f" date mention:{may.id} when=1864-05-02\n")  # what it set
    may = ws.mention(may.id)
    assert (may.status, dict(may.date_value), may.date_reason, may.date_cert) == \
        ("confirmed", {"when": "1864-05-02"}, "set by the editor", "high")
    ws.confirm(f"mention:{after['April 11th'].id}")
    ws.export_tei(["letter"])
    text = next((ws.root / "exports").rglob("letter*.xml")).read_text(encoding="utf-8")
    assert '<date when="1864-04-19" cert="high">Tuesday, 19th April 1864</date>' in text
    assert '<date when="1864-04-11" cert="medium" evidence="internal">April 11th</date>' in text
    ws.undo()
    ws.undo()
    assert ws.mention(may.id).status == "proposed"
    with pytest.raises(DecisionError) as err:
        ws.set_date(may.id)
    assert err.value.code == "D013"
    listing = run(ws, "dates", "list", "letter", "--format", "json")
    rows = {r["surface"]: r for r in json.loads(listing.output)}
    assert rows["April 11th"]["reason"].startswith("year from")
    nothing = run(ws, "dates", "confirm", "letter", "--certain")
    assert nothing.exit_code == 2 and "[D023]" in nothing.output


def test_dates_review_a_number_that_points_is_no_year(ws, tmp_path):
    """A letter's number inside <ref> (or <idno>) is no date; a year in the text still is."""
    path = tmp_path / "refs.xml"
    path.write_text(LETTER.replace(
        "and hope to be home by the 2d of May.</p>",
        'and hope to be home by the 2d of May. See further <ref target="1304.xml">1304</ref> '
        'and our letter of 1786, catalogued as <idno>1379</idno>.</p>'), encoding="utf-8")
    ws.add(path)
    ws.propose()
    found = {m.surface for m in ws.mentions("refs") if m.type == "date"}
    assert "1304" not in found and "1379" not in found
    assert "1786" in found


@pytest.mark.parametrize(("value", "why"), [("1901-02-30", "February 1901 has 28 days"),
                                            ("1900-02-29", "February 1900 has 28 days"),
                                            ("1864-04-31", "April has 30 days"),
                                            ("1864-13-01", "there is no month 13"),
                                            ("--02-30", "February has 29 days at most"),
                                            ("--13", "there is no month 13"),
                                            ("---32", "no month has 32 days"),
                                            ("---00", "there is no day 0"),
                                            # XML Schema 1.0 (the schema's check) has no year 0
                                            ("0000", "there is no year 0: TEI's dates write 1 BC "
                                                     "as -0001"),
                                            ("-0000-03-15", "there is no year 0: TEI's dates "
                                                            "write 1 BC as -0001")])
def test_dates_review_a_value_that_is_no_day_says_why(letter_ws, value, why):
    """The form is right, the day does not exist: said so, not 'is not an ISO date'."""
    may = _dates(letter_ws)["the 2d of May"]
    result = run(letter_ws, "date", "set", f"mention:{may.id}", "--when", value)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    what = "date" if value in ("--13", "0000") else "day"  # a year, a month: no day named
    assert f"{value} is no {what} of the calendar ({why}); fix the when value" in result.stderr
    assert result.stderr.endswith("[D029]\n") and "ISO" not in result.stderr
    assert letter_ws.mention(may.id).status == "proposed"


@pytest.mark.parametrize("value", ["---31", "---01", "--02-29", "--06-12", "--08", "-0056"])
def test_dates_review_yearless_values_of_tei_are_days(letter_ws, value):
    """att.datable.w3c's XSD forms without a year: gDay ``---DD`` (a day of any month, up to 31),
    gMonthDay ``--MM-DD`` (29 February allowed), gMonth ``--MM``; ``---31`` is no month 31."""
    may = _dates(letter_ws)["the 2d of May"]
    result = run(letter_ws, "date", "set", f"mention:{may.id}", "--when", value)
    assert result.exit_code == 0, result.output
    assert dict(letter_ws.mention(may.id).date_value) == {"when": value}


def test_dates_review_set_help_names_the_forms_it_takes(letter_ws):
    """--when takes TEI's yearless values too: its help says so, and so does a refusal."""
    helped = " ".join(run(letter_ws, "date", "set", "--help").output.split())
    assert "YYYY, YYYY-MM, YYYY-MM-DD, or without a year --MM, --MM-DD or ---DD" in helped
    assert helped.count("(the forms --when takes)") == 4  # --from, --to, --not-before/after
    may = _dates(letter_ws)["the 2d of May"]
    bad = run(letter_ws, "date", "set", f"mention:{may.id}", "--when", "May")
    assert bad.exit_code == 2 and "--MM-DD or ---DD)" in bad.stderr and "[D013]" in bad.stderr


EHRI_LETTER = "editions/ehri/EHRI-ET-YV5082493_EN.xml"  # <date when="1929-07-08">8 July 1929</date>


def test_dates_review_set_on_the_files_own_date_warns_and_the_export_counts_it(ws):
    """`date set` on a date the file marks itself (EHRI's `<date when=...>`) is taken (the
    store's listings show it) but an export keeps the file's markup: the act says so, and the
    export, writing nothing new (`unchanged`), says per file that the file's value was kept."""
    ws.add(DATA / EHRI_LETTER)
    own = next(m for m in ws.mentions() if m.surface == "8 July 1929")
    assert own.provenance == "source" and dict(own.date_value) == {"when": "1929-07-08"}
    first = run(ws, "export", "tei", "-f", "json")
    assert first.exit_code == 0 and json.loads(first.stdout)[0]["dates_kept"] == 0
    assert "kept as the file writes" not in first.stderr
    result = run(ws, "date", "set", f"mention:{own.id}", "--when", "-0044-03-15")
    assert result.exit_code == 0, result.output
    said = result.stderr.splitlines()
    assert said[0].endswith(f" date mention:{own.id} when=-0044-03-15") and len(said) == 2
    assert said[1].startswith("warning: the source's own markup dates this mention "
                              '(when="1929-07-08"); exported TEI keeps the file\'s markup')
    assert "'annotator mentions', 'dates list' and the review desk" in said[1]
    assert dict(ws.mention(own.id).date_value) == {"when": "-0044-03-15"}
    again = run(ws, "export", "tei", "-f", "json")
    assert again.exit_code == 0, again.output
    row = json.loads(again.stdout)[0]
    assert (row["action"], row["dates_kept"], row["pointers_kept"]) == ("unchanged", 1, 0)
    assert again.stderr == ("exports/EHRI-ET-YV5082493_EN.xml: 1 of the file's own date value(s) "
                            "(@when...) kept as the file writes them where an editor set another "
                            "(an export only inserts; docs/export.md#what-an-export-inserts)\n")
    assert ws.export_tei().dates_kept == 1


@pytest.mark.parametrize("attrs", ['when="sometime 1820"', 'when="1820-13-01"', 'when=""',
                                   'from="1820" to="about 1821"'])
def test_dates_review_set_on_the_files_unread_date_warns_too(ws, tmp_path, attrs):
    """A date the file marks with an attribute annotator could not read at import takes no
    value, but an export still keeps the attribute (a second @when cannot be inserted, the
    file's bytes are never changed): `date set` on it warns as on a readable one, and says the
    file's value was not read; the export counts the file's value as kept."""
    path = tmp_path / "unread.xml"
    path.write_text(LETTER.replace("the 2d of May.</p>", f"the 2d of May.</p><p>Written in "
                                   f"<date {attrs}>the year 1820</date>.</p>"), encoding="utf-8")
    ws.add(path)
    own = next(m for m in ws.mentions() if m.surface == "the year 1820")
    assert own.provenance == "source" and not own.date_value
    result = run(ws, "date", "set", f"mention:{own.id}", "--when", "1820")
    assert result.exit_code == 0, result.output
    said = result.stderr.splitlines()
    assert len(said) == 2 and said[1].startswith(
        f"warning: the source's own markup dates this mention ({attrs}, not a TEI date "
        "annotator could read); exported TEI keeps the file's markup"), said
    assert ws.export_tei().dates_kept == 1


def test_dates_review_the_same_value_again_changes_and_logs_nothing(letter_ws):
    """A date set to the value the editor set before is refused as nothing to do (D031), and
    the log gets no repeat of the decision; a date the file does not mark gets no warning."""
    may = _dates(letter_ws)["the 2d of May"]
    first = run(letter_ws, "date", "set", f"mention:{may.id}", "--when", "1864-05-02")
    assert first.exit_code == 0 and first.stderr.count("\n") == 1  # no warning
    logged = len(letter_ws.history())
    again = run(letter_ws, "date", "set", f"mention:{may.id}", "--when", "1864-05-02")
    assert again.exit_code == 2 and again.stderr.endswith("[D031]\n")
    assert f"mention {may.id} already has when=1864-05-02, set by the editor; nothing changed" \
        in again.stderr
    assert len(letter_ws.history()) == logged
    other = run(letter_ws, "date", "set", f"mention:{may.id}", "--when", "1864-05-03")
    assert other.exit_code == 0 and len(letter_ws.history()) == logged + 1


TESTIMONY = f"""<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="{TEI}"><teiHeader><fileDesc><titleStmt><title>A testimony</title>
</titleStmt><publicationStmt><p>Written for annotator's tests.</p></publicationStmt>
<sourceDesc><p>Made up.</p></sourceDesc></fileDesc><profileDesc><correspDesc>
<correspAction type="sent"><date when="1945-10-24">24 October 1945</date></correspAction>
</correspDesc></profileDesc></teiHeader><text><body>
<p>My relatives who survived:</p>
<p>Lenke, 22, sister. Now in Hungary. Comes here in next days.</p>
<p>Dear Brother, we arrived on the 22nd. I wrote to him on the 22d, and on the 3rd inst. he
answered. It is the 22nd today.</p>
</body></text></TEI>
"""


def test_dates_review_a_bare_number_is_no_day_an_ordinal_is(ws, tmp_path):
    """The model tags the age in "Lenke, 22, sister" as a DATE; read as a day of the source's
    month it was proposed as 1945-10-22. A number alone is a day only where a dated entry
    opens with it ("22." in a diary); "the 22nd", "22d", "the 3rd inst." are days anywhere."""
    path = tmp_path / "letter.xml"
    path.write_text(TESTIMONY, encoding="utf-8")
    ws.add(path)
    ws.propose()
    dates = {m.surface: dict(m.date_value) for m in ws.mentions("letter") if m.type == "date"}
    assert not [s for s in dates if s.strip(" ,.").isdigit()]  # the age: no date at all
    assert dates["on the 22nd"] == {"when": "1945-10-22"}
    assert dates["on the 22d"] == {"when": "1945-10-22"}
    assert dates["the 3rd inst."] == {"when": "1945-10-03"}
    assert dates["22nd"] == {"when": "1945-10-22"}  # the model's "the 22nd today"


# Friendly Networks' A00187144 (swat-ds/friendly-networks @ 77da3cef, content/pid-tei/; CC BY 4.0,
# credit: Friends Historical Library of Swarthmore College, as its availability says): its
# header's lines and its opener as the file writes them, the header's @when a day and month
# swapped (10th Month 3rd is October 3rd).
FOULKE = f"""<TEI xmlns="{TEI}">
<teiHeader><fileDesc><titleStmt>
<title>Joseph Foulke letter to John Hunt, 1823 10mo 3: Electronic Version</title>
</titleStmt><publicationStmt><availability status="free"><p>The text encoding and editorial notes were created and/or prepared by the <hi rend="italic" >Friends Historical Library of Swarthmore College</hi> and are licensed under a <ref target="https://creativecommons.org/licenses/by/4.0/">Creative Commons Attribution 4.0 International License</ref> (CC BY 4.0).</p></availability>
</publicationStmt><sourceDesc><p>John Hunt papers, SFHL-RG5-240</p></sourceDesc></fileDesc>
<profileDesc>
<creation>Original written <date when="1823-03-10">10th Month 3rd, 1823</date></creation>
</profileDesc></teiHeader>
<text><body><div>
<opener>
<dateline>Gwynedd B<supplied>oarding</supplied> School <date when="1823-10-03">10th Month 3rd, 1823</date><note type="authorial" place="margin">Received this <date when="1823-10-06">6th of 10th month</date></note></dateline>
<salute>Beloved friends</salute>
</opener>
<p>Thy acceptable letter came duly to hand a few days after its date.</p>
</div></body></text></TEI>
"""
CREATION_LINE, DATELINE_LINE = 7, 11


def _foulke(tmp_path, text=FOULKE, name="foulke.xml"):
    from annotator.tei.parse import parse_source

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path, parse_source(path)


@pytest.mark.parametrize("dateline", [
    "as the file writes it",
    # as 'bench/dev_corpora.py' gives it: the dates unwrapped, the note's words after the date
    "unwrapped"])
def test_dates_review_header_value_a_slip_the_dateline_dates_the_source(tmp_path, dateline):
    """A00187144's header says 1823-03-10 in @when and '10th Month 3rd, 1823' in words, its
    dateline 1823-10-03: the header's own words give the dateline's date, so its value is a
    slip and the dateline dates the source; both places are named (was: 1823-03-10 taken
    without a word)."""
    from annotator.tei.dating import source_date

    text = FOULKE
    if dateline == "unwrapped":
        text = text.replace('<date when="1823-10-03">10th Month 3rd, 1823</date>',
                            "10th Month 3rd, 1823").replace(
            '<date when="1823-10-06">6th of 10th month</date>', "6th of 10th month")
    found = source_date(_foulke(tmp_path, text)[1])
    assert found.day is not None and found.day.tei() == "1823-10-03"
    d = found.disagreement
    assert d is not None and d.slip
    assert (d.header, d.header_where, d.header_line, d.header_words) == (
        "1823-03-10", "the header's creation date", CREATION_LINE, "10th Month 3rd, 1823")
    assert (d.dateline, d.dateline_line) == ("1823-10-03", DATELINE_LINE)
    assert found.reason == f"{d.dateline_where} 1823-10-03"


@pytest.mark.parametrize(("creation", "day", "slip"), [
    # the header says another day in its words too: an edition may correct a misdated letter
    # there (Curious Travellers' 1138 does), so the header's stays
    ('<date when="1823-03-10">10th of 3rd month, 1823</date>', "1823-03-10", False),
    ('<date when="1823-03-10"/>', "1823-03-10", False),
    # one day at different precision, or a range holding it: no disagreement
    ('<date when="1823">1823</date>', "1823", None),
    ('<date from="1823-09-01" to="1823-12-31">autumn 1823</date>', "1823-09-01", None),
    ('<date when="1823-10-03">10th Month 3rd, 1823</date>', "1823-10-03", None)])
def test_dates_review_header_kept_unless_its_words_give_the_dateline(tmp_path, creation, day,
                                                                      slip):
    from annotator.tei.dating import source_date

    text = FOULKE.replace('<date when="1823-03-10">10th Month 3rd, 1823</date>', creation)
    found = source_date(_foulke(tmp_path, text)[1])
    assert found.day is not None and found.day.tei() == day
    assert found.reason.startswith("the header's creation date")
    if slip is None:
        assert found.disagreement is None
    else:
        assert found.disagreement is not None and found.disagreement.slip is slip


def test_dates_review_header_and_dateline_disagree_said_once_by_add_propose_check(ws, tmp_path):
    """add, propose and check each say it once: the file and the header's line, both values,
    the dateline's line, the date taken, what to do (S026); check still exits 0. A date the
    editor set answers it: nothing is said after."""
    path, _ = _foulke(tmp_path)
    added = run(ws, "add", str(path))
    assert added.exit_code == 0, added.output
    said = [line for line in added.stderr.splitlines() if "[S026]" in line]
    assert len(said) == 1
    line = said[0]
    assert line.startswith(f"{path}:{CREATION_LINE}: warning: the header's creation date "
                           f"1823-03-10 and the dateline's date 1823-10-03 (line {DATELINE_LINE})")
    assert "the source is dated 1823-10-03" in line
    assert "'annotator source date foulke 1823-03-10'" in line
    assert ws.source("foulke").date == "1823-10-03"
    proposed = run(ws, "propose")
    assert proposed.exit_code == 0, proposed.output
    said = [line for line in proposed.stderr.splitlines() if "[S026]" in line]
    assert len(said) == 1 and said[0].endswith(line.split(": warning: ", 1)[1])
    assert said[0].startswith(f"{ws.root / 'sources' / 'foulke.xml'}:{CREATION_LINE}: ")
    checked = run(ws, "check")
    assert checked.exit_code == 0, checked.output
    assert [x for x in checked.stderr.splitlines() if "[S026]" in x] == said
    assert checked.stderr.rstrip().endswith("; 1 source warning")
    assert [str(w) for w in ws.check().warnings] == said
    assert run(ws, "source", "date", "foulke", "1823-10-03").exit_code == 0
    assert not ws.check().warnings
    assert "S026" not in run(ws, "check").stderr


CATALOGUED = f"""<TEI xmlns="{TEI}"><teiHeader><fileDesc><titleStmt><title>A letter to a friend
</title></titleStmt><publicationStmt><p>Written for annotator's tests.</p></publicationStmt>
<sourceDesc><msDesc><msIdentifier><idno>MS 12</idno></msIdentifier><history><p>Catalogued
<date when="1792-08-01">August 1792</date>.</p></history></msDesc></sourceDesc></fileDesc>
</teiHeader><text><body><div><opener><dateline>Downing, 12 May 1791.</dateline></opener>
<p>Dear Sir, the books came.</p></div></body></text></TEI>
"""


def test_dates_review_dateline_outranks_the_source_descriptions_date(ws, tmp_path):
    """A sourceDesc date (here the manuscript's catalogue entry) dates the description, not the
    writing: the letter's own dateline dates the source and S026 says the source description's
    date gave way; without a dateline the description's date is the fallback (was: the
    catalogue's 1792-08-01 outranked the dateline)."""
    from annotator.tei.dating import source_date

    path, parsed = _foulke(tmp_path, CATALOGUED, "catalogued.xml")
    found = source_date(parsed)
    assert found.day is not None and found.day.tei() == "1791-05-12"
    assert found.reason == "the dateline 1791-05-12"
    assert found.disagreement is not None and found.disagreement.described
    added = run(ws, "add", str(path))
    assert added.exit_code == 0, added.output
    said = [line for line in added.stderr.splitlines() if "[S026]" in line]
    assert len(said) == 1
    assert "the source is dated 1791-05-12, the dateline's: the text's own date outranks the " \
           "source description's date" in said[0]
    assert "'annotator source date catalogued 1792-08-01'" in said[0]
    assert ws.source("catalogued").date == "1791-05-12"
    undated = CATALOGUED.replace("<opener><dateline>Downing, 12 May 1791.</dateline></opener>", "")
    found = source_date(_foulke(tmp_path, undated, "undated.xml")[1])
    assert found.day is not None and found.day.tei() == "1792-08-01"
    assert found.reason == "the source description's date 1792-08-01"


def _two_letters(ws, tmp_path):
    """FOULKE (S026: its header's value a slip) and CATALOGUED (S026: the catalogue's date gave
    way to the dateline) added to ``ws``."""
    for text, name in ((FOULKE, "foulke.xml"), (CATALOGUED, "catalogued.xml")):
        path, _ = _foulke(tmp_path, text, name)
        assert run(ws, "add", str(path)).exit_code == 0


def test_dates_review_check_reads_the_warning_kept_when_the_source_was_added(ws, tmp_path,
                                                                              monkeypatch):
    """S026 is worked out once, when the file is added, and kept with its version: check
    parses no source to say it (was: check parsed every TEI source again)."""
    import annotator.acts.source_dates as source_dates

    _two_letters(ws, tmp_path)
    said = [str(w) for w in ws.check().warnings]
    assert [w.split(": warning: ")[0] for w in said] == [
        f"{ws.root / 'sources' / 'catalogued.xml'}:4", f"{ws.root / 'sources' / 'foulke.xml'}:7"]

    def parsed(*args, **kwargs):
        raise AssertionError("a source was parsed to say S026")

    monkeypatch.setattr(source_dates, "parse_source", parsed)
    monkeypatch.setattr(source_dates, "date_disagreement", parsed)
    assert [str(w) for w in ws.check().warnings] == said
    checked = run(ws, "check")
    assert [x for x in checked.stderr.splitlines() if "[S026]" in x] == said


def test_dates_review_check_json_has_the_source_warnings(ws, tmp_path):
    """check -f json lists the sources' warnings as 'sources -f json' gives them (code,
    source, place, message, hint) in its source_warnings, and says them on stderr no more: a
    date disagreement (S026) and a file edited since it was added (S016), which check now
    says in every format (was: JSON without them, S026 on stderr only, S016 nowhere)."""
    _two_letters(ws, tmp_path)
    edited = ws.root / "sources" / "catalogued.xml"
    edited.write_bytes(edited.read_bytes() + b"<!-- mended -->\n")
    listed = json.loads(run(ws, "sources", "-f", "json").stdout)
    expected = [{"code": w["code"], "source": s["id"], "place": w["place"],
                 "message": w["message"], "hint": w["hint"]}
                for s in listed for w in s["warnings"]]
    assert [(w["source"], w["code"]) for w in expected] == [
        ("catalogued", "S026"), ("catalogued", "S016"), ("foulke", "S026")]
    out = run(ws, "check", "-f", "json")
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout) == {"claims": [], "stale_mentions": [],
                                      "source_warnings": expected}
    assert "warning:" not in out.stderr
    assert out.stderr.rstrip().endswith("; 3 source warnings")
    said = run(ws, "check").stderr.splitlines()
    assert [line.rsplit(" ", 1)[-1] for line in said if ": warning: " in line] == [
        "[S026]", "[S016]", "[S026]"]
    assert [line for line in said if line.endswith("[S016]")] == [
        f"{expected[1]['place']}: warning: file changed since it was added; "
        f"{expected[1]['hint']} [S016]"]
    assert expected[1]["place"].endswith("catalogued.xml")


def test_dates_review_sources_and_source_show_the_warning(ws, tmp_path):
    """'annotator sources' marks a source whose header and dateline disagree on its date with
    S026 (its JSON gives the warning in full) and 'annotator source ID' (or 'source show ID')
    says the line check says (was: neither said it, and 'source ID' was no command)."""
    _two_letters(ws, tmp_path)
    path, _ = _foulke(tmp_path, LETTER, "letter.xml")
    assert run(ws, "add", str(path)).exit_code == 0
    line = next(str(w) for w in ws.check().warnings if w.source_id == "foulke")
    listed = run(ws, "sources", "--format", "csv")
    assert listed.exit_code == 0, listed.output
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(listed.stdout))}
    assert (rows["foulke"]["warnings"], rows["catalogued"]["warnings"],
            rows["letter"]["warnings"]) == ("S026", "S026", "")
    table = run(ws, "sources").stdout
    assert "1823-10-03 S026" in table and table.count("S026") == 2
    data = {r["id"]: r for r in json.loads(run(ws, "sources", "--format", "json").stdout)}
    assert data["letter"]["warnings"] == []
    (warned,) = data["foulke"]["warnings"]
    assert warned["code"] == "S026"
    assert f"{warned['place']}: warning: {warned['message']}; {warned['hint']} [S026]" == line
    for args in (["source", "foulke"], ["source", "show", "foulke"]):
        shown = run(ws, *args)
        assert shown.exit_code == 0, shown.output
        assert shown.stdout.splitlines()[2:] == [
            "  dated 1823-10-03 (the dateline's date 1823-10-03)", f"  {line}"]
    shown = run(ws, "source", "letter")
    assert shown.exit_code == 0 and "S026" not in shown.stdout
    assert "  dated 1864-04-12 (the header's sending date 1864-04-12)" in shown.stdout
    (one,) = json.loads(run(ws, "source", "foulke", "-f", "json").stdout)
    assert one["warnings"] == [warned] and one["date_reason"] == "the dateline's date 1823-10-03"
    assert run(ws, "source", "date", "foulke", "1823-03-10").exit_code == 0
    assert "S026" not in run(ws, "source", "foulke").stdout
    assert run(ws, "sources").stdout.count("S026") == 1
    missing = run(ws, "source", "nosuch")
    assert missing.exit_code == 2 and "nosuch" in missing.stderr


REDATED = ("the date of 1 source(s) set by today's rule, a letter's dateline before its source "
           "description's date (catalogued 1792-08-01 -> 1791-05-12); 'annotator propose' "
           "dates their mentions again")


def _as_version_19(ws):
    """Close ``ws`` and make its store one of version 19: no warnings kept, and CATALOGUED
    dated by its catalogue entry, as before the dateline outranked it. Its path."""
    import sqlite3

    path = ws.store.path
    ws.close()
    conn = sqlite3.connect(path)
    if "date_differs" in {r[1] for r in conn.execute("PRAGMA table_info(source_versions)")}:
        conn.execute("ALTER TABLE source_versions DROP COLUMN date_differs")
    conn.executescript(
        "UPDATE sources SET date = '1792-08-01', "
        "date_reason = 'the source description''s date 1792-08-01' WHERE id = 'catalogued';"
        "PRAGMA user_version = 19;")
    conn.close()
    return path


def test_dates_review_init_says_which_dates_bringing_an_older_store_up_changed(ws, tmp_path):
    """'annotator init' run again on an older workspace brings its store up to date and says
    the sources dated anew, as any other command would (was: said by nothing)."""
    _two_letters(ws, tmp_path)
    path = _as_version_19(ws)
    again = run(ws, "init", str(ws.root))
    assert again.exit_code == 0, again.output
    assert again.stderr.splitlines()[0] == f"{path}: {REDATED}"
    assert ws.source("catalogued").date == "1791-05-12"


def test_dates_review_older_store_gets_its_warnings_and_todays_source_dates(ws, tmp_path,
                                                                          monkeypatch):
    """A store of version 19 (no warnings kept; a source dated by its catalogue entry, as
    before the dateline outranked it): opening it works out each version's S026 once and dates
    the sources the editor did not date by today's rule, saying which changed; nothing is
    parsed after (was: the catalogue's date kept until the file was replaced, and every check
    parsed every source)."""
    import annotator.acts.source_dates as source_dates

    _two_letters(ws, tmp_path)
    said = [str(w) for w in ws.check().warnings]
    assert run(ws, "source", "date", "foulke", "1823-10-01").exit_code == 0
    path = _as_version_19(ws)
    opened = run(ws, "sources", "--format", "json")
    assert opened.exit_code == 0, opened.output
    assert opened.stderr.splitlines() == [f"{path}: {REDATED}"]
    data = {r["id"]: r for r in json.loads(opened.stdout)}
    assert (data["catalogued"]["date"], data["catalogued"]["date_reason"]) == (
        "1791-05-12", "the dateline 1791-05-12")
    assert data["foulke"]["date"] == "1823-10-01"  # the editor's: kept, and no S026
    assert data["foulke"]["warnings"] == []
    assert run(ws, "sources").stderr == ""  # said once

    def parsed(*args, **kwargs):
        raise AssertionError("a source was parsed to say S026")

    monkeypatch.setattr(source_dates, "parse_source", parsed)
    assert run(ws, "undo").exit_code == 0  # the editor's date: foulke's S026 is said again
    checked = run(ws, "check")
    assert [x for x in checked.stderr.splitlines() if "[S026]" in x] == said


OLD_LETTER = LETTER.replace("12 April 1864", "3 October 1766").replace(
    "1864-04-12", "1766-10-03").replace(
    "<p>Dear Brother, your letter of April 11th came yesterday. We leave on Tuesday, 19th April "
    "1864,\nand hope to be home by the 2d of May.</p>",
    "<p>My father died on the 10th of February 1722, and was buried at Bangor.</p>")


def test_dates_review_the_julian_flag_set_and_cleared(ws, tmp_path):
    """`date set --julian` flags a date Old Style and `--gregorian` clears the flag, the value
    read from the words converted as the rules convert (its words a Julian day: 10 February
    1722 is Gregorian 21 February), or given with --when and kept as given, the mention
    confirmed, each one act in the date's history that undo takes back, the export following
    the flag (was: no command set or cleared it; then the flag alone kept the value, exported
    when-custom="1722-01-30", a Julian day the words do not say)."""
    path = tmp_path / "letter.xml"
    path.write_text(OLD_LETTER, encoding="utf-8")
    ws.add(path)
    ws.propose()
    died = _dates(ws)["the 10th of February 1722"]
    assert (dict(died.date_value), died.flags) == ({"when": "1722-02-10"}, "")
    target = f"mention:{died.id}"
    result = run(ws, "date", "set", target, "--julian")
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith(f" date {target} julian=set when=1722-02-21 "
                                  "(was when=1722-02-10)\n")
    got = ws.mention(died.id)
    assert (dict(got.date_value), got.flags, got.status, got.date_cert) == (
        {"when": "1722-02-21"}, "julian", "confirmed", "high")
    assert got.date_reason == "stated in full; flagged julian by the editor: Julian " \
        "1722-02-10 is Gregorian 1722-02-21"
    assert 'when="1722-02-21" calendar="#julian" when-custom="1722-02-10"' in _exported(ws)
    listed = run(ws, "history", "--target", target, "--format", "json")
    assert [(d["act"], d["payload"]) for d in json.loads(listed.output)] == [
        ("date", {"julian": "set", "now": {"when": "1722-02-21"},
                  "was": {"when": "1722-02-10"}})]
    logged = len(ws.history())
    again = run(ws, "date", "set", target, "--julian")
    assert again.exit_code == 2 and again.stderr.endswith("[D031]\n")
    assert f"mention {died.id} is already confirmed and flagged julian; nothing changed" \
        in again.stderr
    assert len(ws.history()) == logged
    assert run(ws, "undo").exit_code == 0
    got = ws.mention(died.id)
    assert (got.flags, got.status, got.date_reason, dict(got.date_value)) == (
        "", "proposed", "stated in full", {"when": "1722-02-10"})
    logged = len(ws.history())
    both = run(ws, "date", "set", target, "--when", "1722-02-21", "--julian")
    assert both.exit_code == 0 and len(ws.history()) == logged + 1
    got = ws.mention(died.id)
    assert (dict(got.date_value), got.flags, got.date_reason) == (
        {"when": "1722-02-21"}, "julian", "set by the editor")
    cleared = run(ws, "date", "set", target, "--gregorian")
    assert cleared.exit_code == 0 and cleared.stderr.endswith(" julian=cleared\n")
    got = ws.mention(died.id)
    assert (dict(got.date_value), got.flags) == ({"when": "1722-02-21"}, "")
    assert got.date_reason == "set by the editor; julian flag cleared by the editor"
    assert "calendar=" not in _exported(ws)
    assert [d.payload for d in ws.history(target=target)][:2] == [
        {"julian": "cleared"}, {"value": {"when": "1722-02-21"}, "julian": "set"}]
    with pytest.raises(DecisionError) as err:
        ws.set_date(died.id)
    assert err.value.code == "D013"


FEAST_LETTER = LETTER.replace(
    "<p>Dear Brother, your letter of April 11th came yesterday. We leave on Tuesday, 19th April "
    "1864,\nand hope to be home by the 2d of May.</p>",
    "<p>The rent was paid at Candlemas 1722/3, and he came on <date when=\"1790-03-03\">3 March"
    " 1790</date>.</p>")


def test_dates_review_the_julian_flag_alone_on_rules_and_markup(ws, tmp_path):
    """`--gregorian` alone on a date the rules flagged gives back the day its words say
    (Candlemas 1722/3 is 2 February 1723, not the converted 13th), and `--julian` alone
    converts it again; the file's own value (a <date when>) stays whatever the flag; both
    flags at once are refused (was: the converted day kept for words that say 2 February;
    a traceback for the file's date; the last flag given won)."""
    path = tmp_path / "letter.xml"
    path.write_text(FEAST_LETTER, encoding="utf-8")
    ws.add(path)
    ws.propose()
    feast, marked = _dates(ws)["Candlemas 1722/3"], _dates(ws)["3 March 1790"]
    assert (dict(feast.date_value), feast.flags) == ({"when": "1723-02-13"}, "julian")
    cleared = run(ws, "date", "set", str(feast.id), "--gregorian")
    assert cleared.exit_code == 0, cleared.output
    assert cleared.stderr.endswith(" julian=cleared when=1723-02-02 (was when=1723-02-13)\n")
    got = ws.mention(feast.id)
    assert (dict(got.date_value), got.flags) == ({"when": "1723-02-02"}, "")
    assert got.date_reason.endswith("; julian flag cleared by the editor: the day as written, "
                                    "1723-02-02")
    assert run(ws, "date", "set", str(feast.id), "--julian").exit_code == 0
    got = ws.mention(feast.id)
    assert (dict(got.date_value), got.flags) == ({"when": "1723-02-13"}, "julian")
    assert got.date_reason.endswith("; flagged julian by the editor: Julian 1723-02-02 is "
                                    "Gregorian 1723-02-13")
    flagged = run(ws, "date", "set", str(marked.id), "--julian")
    assert flagged.exit_code == 0, flagged.output
    assert flagged.stderr.endswith(f" date mention:{marked.id} julian=set\n")
    assert dict(ws.mention(marked.id).date_value) == {"when": "1790-03-03"}
    logged = len(ws.history())
    both = run(ws, "date", "set", str(feast.id), "--gregorian", "--julian")
    assert both.exit_code == 2 and both.stderr.endswith("[C020]\n")
    assert "--gregorian and --julian say the opposite: give one" in both.stderr
    assert len(ws.history()) == logged


def _exported(ws) -> str:
    report = ws.export_tei(["letter"])
    return (ws.root / report.files[0].path).read_text(encoding="utf-8")


def test_dates_review_the_editor_says_how_certain_a_value_is(letter_ws):
    """`date set --cert low|medium|high` gives the editor's value its certainty (an estimate
    is no value stated in full), alone or with the value, one act in the date's history that
    undo takes back; the export writes that @cert, and no @evidence="internal" (the editor's
    estimate is no inference from the text's chronology) (was: no --cert, C020; every value
    the editor set exported cert="high")."""
    ws = letter_ws
    may = _dates(ws)["the 2d of May"]
    target = f"mention:{may.id}"
    result = run(ws, "date", "set", target, "--not-before", "1864-05-01", "--not-after",
                 "1864-05-03", "--cert", "low")
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith(
        f" date {target} notAfter=1864-05-03 notBefore=1864-05-01 cert=low\n")
    got = ws.mention(may.id)
    assert (got.date_cert, got.date_reason, got.status) == ("low", "set by the editor",
                                                            "confirmed")
    assert 'notBefore="1864-05-01" notAfter="1864-05-03" cert="low">the 2d of May' in \
        _exported(ws)
    rows = list(csv.DictReader(io.StringIO(run(ws, "dates", "list", "letter", "-f",
                                               "csv").stdout)))
    assert next(r for r in rows if r["surface"] == "the 2d of May")["cert"] == "low"
    alone = run(ws, "date", "set", target, "--cert", "medium")  # the value stays
    assert alone.exit_code == 0 and alone.stderr.endswith(f" date {target} cert=medium\n")
    got = ws.mention(may.id)
    assert (dict(got.date_value), got.date_cert) == (
        {"notBefore": "1864-05-01", "notAfter": "1864-05-03"}, "medium")
    assert [d.payload for d in ws.history(target=target)][:2] == [
        {"cert": "medium"},
        {"value": {"notBefore": "1864-05-01", "notAfter": "1864-05-03"}, "cert": "low"}]
    logged = len(ws.history())
    again = run(ws, "date", "set", target, "--cert", "medium")
    assert again.exit_code == 2 and "is already confirmed and cert medium; nothing changed" \
        in again.stderr and again.stderr.endswith("[D031]\n")
    assert len(ws.history()) == logged
    assert run(ws, "undo").exit_code == 0
    assert ws.mention(may.id).date_cert == "low"
    bad = run(ws, "date", "set", target, "--cert", "certain")
    assert bad.exit_code == 2 and "--cert" in bad.stderr and "Traceback" not in bad.output
    with pytest.raises(DecisionError) as err:
        ws.set_date(may.id, cert="certain")
    assert err.value.code == "D037" and "'certain' is not a certainty" in str(err.value)
    ws.set_date(may.id, when="1864-05-02")  # a value without --cert: high, as before
    assert ws.mention(may.id).date_cert == "high"
    assert 'when="1864-05-02" cert="high"' in _exported(ws)


def test_dates_review_dates_source_is_dates_list_source(ws, tmp_path):
    """'annotator dates SOURCE', which the help's 'A source's dates' leads a user to type,
    failed with C020 (no such command) where 'dates list SOURCE' was meant (user41 report,
    defect 11); now a word that names no command of 'dates' is the source of 'dates list',
    its options with it, as 'annotator source ID' is 'source show ID'."""
    path, _ = _foulke(tmp_path, LETTER.replace(
        "19th April 1864", '<date when="1864-04-19">19th April 1864</date>'), "letter.xml")
    assert run(ws, "add", str(path)).exit_code == 0
    for options in ([], ["-f", "csv", "--status", "confirmed"]):
        bare, listed = run(ws, "dates", "letter", *options), run(ws, "dates", "list", "letter",
                                                                  *options)
        assert (bare.exit_code, bare.stdout) == (0, listed.stdout)
        assert "1864-04-19" in bare.stdout
    unknown = run(ws, "dates", "nosuch")
    assert unknown.exit_code == 2 and "S015" in unknown.output and "C020" not in unknown.output
    assert "'annotator dates SOURCE'" in run(ws, "dates", "-h").stdout
