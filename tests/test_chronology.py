"""Dates in a document's own chronology: a table of expressions by class, a diary, the weekday
check, real editions, and that no value ever comes from the clock."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from annotator.chronology import (_ALL_MONTHS, _DW, _LETTER_START, _LETTER_STARTS, _M,
                                  _ORDINAL_WORDS, FINDER, Chronology, Dating, Day, Expr, anchor_of, bracket_span,
                                  date_mentions, entry_dates, find_dates, finder_matches,
                                  parse_day, read_expression, tense_around, weekday_headings)
from annotator.tei.dating import anchor_candidates, date_blocks, source_date
from annotator.tei.parse import TEI_NS, parse_source
from annotator.tei.textmap import build_textmap
from tests.conftest import HUNT_BLOCKS

DATA = Path(__file__).parent / "data" / "editions"
LETTER = Day(1864, 4, 12)  # the made-up letters below are dated 12 April 1864 (a Tuesday)

# (class, expression, expected TEI value, certainty) in a letter dated LETTER
TABLE = [
    ("full explicit", "12 November 1940", {"when": "1940-11-12"}, "high"),
    ("full explicit", "1944, April", {"when": "1944-04"}, "high"),
    ("full explicit", "3.11.1954", {"when": "1954-11-03"}, "high"),
    ("year from document", "April 11th", {"when": "1864-04-11"}, "medium"),
    # another month than the letter's, and no sentence to say past or to come: either side
    ("year around document", "the 13th of May", {"notBefore": "1863-05-13",
                                                 "notAfter": "1864-05-13"}, "medium"),
    ("year around document", "the 3rd of 1st month", {"notBefore": "1864-01-03",
                                                      "notAfter": "1865-01-03"}, "medium"),
    ("year from document", "the 18th inst.", {"when": "1864-04-18"}, "medium"),
    ("year from document", "the 2d ult.", {"when": "1864-03-02"}, "medium"),
    ("relative", "yesterday", {"when": "1864-04-11"}, "medium"),
    ("relative", "to-morrow", {"when": "1864-04-13"}, "medium"),
    ("relative", "this day", {"when": "1864-04-12"}, "medium"),
    ("relative", "Tuesday morning", {"when": "1864-04-12"}, "medium"),
    ("relative", "last Friday", {"when": "1864-04-08"}, "medium"),
    # the letter's own weekday: the one a week before or after it, never the letter's day
    ("relative", "last Tuesday", {"when": "1864-04-05"}, "medium"),
    ("relative", "next Tuesday", {"when": "1864-04-19"}, "medium"),
    ("old form", "Octr 3d", {"notBefore": "1863-10-03", "notAfter": "1864-10-03"}, "medium"),
    ("old form", "Novr 21st 1863", {"when": "1863-11-21"}, "high"),
    ("old form", "3d Octr /64", {"when": "1864-10-03"}, "medium"),
    ("old form", "the 9th day of March, A.D. 1858", {"when": "1858-03-09"}, "high"),
    ("old form", "the fourth day of June in the year of our Lord one thousand eight hundred and "
                 "forty", {"when": "1840-06-04"}, "high"),
    ("old form", "13 of the 5 month 1818", {"when": "1818-05-13"}, "high"),
    ("old form", "3rd month 17th 1824", {"when": "1824-03-17"}, "high"),
    ("old form", "8th month on the 24th, 1794", {"when": "1794-08-24"}, "high"),
    ("old form", "1st of the Seventh Month, 1770", {"when": "1770-07-01"}, "high"),
    ("old form", "Novr: 17th. 1777", {"when": "1777-11-17"}, "high"),
    ("old form", "Feby. 21. 1786", {"when": "1786-02-21"}, "high"),
    ("old form", "Oct 17 - 1811", {"when": "1811-10-17"}, "high"),
    ("old form", "October 44", {"when": "1844-10"}, "medium"),
    ("old form", "18.10.45", {"when": "1845-10-18"}, "medium"),
    ("spans and vagueness", "end of March or early April", {"notBefore": "1864-03",
                                                            "notAfter": "1864-04"}, "medium"),
    ("spans and vagueness", "October and November 1940", {"from": "1940-10", "to": "1940-11"},
     "high"),
    ("spans and vagueness", "the 1850s", {"notBefore": "1850", "notAfter": "1859"}, "high"),
    ("spans and vagueness", "early June 1940", {"when": "1940-06"}, "medium"),  # as the seed
    # a century named from the writer's time, counted as "the 19th century" is (1800-1899)
    ("spans and vagueness", "last Century", {"notBefore": "1700", "notAfter": "1799"}, "medium"),
    ("spans and vagueness", "the last century", {"notBefore": "1700", "notAfter": "1799"},
     "medium"),
    ("spans and vagueness", "this century", {"notBefore": "1800", "notAfter": "1899"}, "medium"),
    ("spans and vagueness", "the present century", {"notBefore": "1800", "notAfter": "1899"},
     "medium"),
    ("spans and vagueness", "next century", {"notBefore": "1900", "notAfter": "1999"}, "medium"),
    ("weekday + date", "Tuesday, 4th March 1851", {"when": "1851-03-04"}, "high"),
    ("weekday + date", "Monday the 11th", {"when": "1864-04-11"}, "medium"),
    ("TEI yearless value", "--05-03", {"notBefore": "1863-05-03", "notAfter": "1864-05-03"},
     "medium"),
    ("TEI yearless value", "--05", {"notBefore": "1863-05", "notAfter": "1864-05"}, "medium"),
    ("TEI yearless value", "--04-03", {"when": "1864-04-03"}, "medium"),
    ("TEI yearless value", "---12", {"when": "1864-04-12"}, "medium"),
    ("TEI yearless value", "---03", {"when": "1864-04-03"}, "medium"),
]


@pytest.mark.parametrize(("kind", "surface", "value", "cert"), TABLE,
                         ids=[f"{t[0]}: {t[1]}" for t in TABLE])
def test_chronology_table(kind, surface, value, cert):
    got = Chronology(LETTER, "the header date 1864-04-12").resolve(surface)
    assert dict(got.attrs) == value
    assert got.cert == cert
    assert got.reason
    assert "weekday-mismatch" not in got.flags


def test_chronology_reason_names_what_it_leans_on():
    chron = Chronology(LETTER, "the header date 1864-04-12")
    assert chron.resolve("April 11th").reason == "year from the header date 1864-04-12"
    chron.resolve("17 July 1767", block=1)
    assert chron.resolve("the next day", block=2).reason == "the day after the date 1767-07-17"
    around = Chronology(LETTER, "the header date 1864-04-12")
    assert around.resolve("the 13th of May").reason == \
        "the May before or after the header date 1864-04-12 (the text does not say which)"
    assert around.resolve("the 13th of May", tense="future").reason == \
        "the May after the header date 1864-04-12 (spoken of as to come)"


def test_chronology_weekday_that_does_not_fit_is_flagged_not_corrected():
    got = Chronology().resolve("Wednesday, 4th March 1851")  # 4 March 1851 was a Tuesday
    assert dict(got.attrs) == {"when": "1851-03-04"}
    assert "weekday-mismatch" in got.flags
    assert "Wednesday" in got.reason and "Tuesday" in got.reason
    quaker = Chronology(Day(1770, 7, 1)).resolve("1 First Day.", entry=True)  # a Sunday
    assert "weekday-mismatch" not in quaker.flags


DIARY = f"""<TEI xmlns="{TEI_NS}"><teiHeader><fileDesc><titleStmt><title>A farmer's diary
</title></titleStmt><publicationStmt><p>x</p></publicationStmt><sourceDesc><p>x</p></sourceDesc>
</fileDesc></teiHeader><text><body>
<div><head>December 1799</head>
<div><dateline>30.</dateline><p>Snow. Wrote to my brother, who wrote on the 21st. It came
yesterday.</p></div>
<div><dateline>31 Tuesday.</dateline><p>Thawing. The next day we go to town.</p></div>
<div><dateline>1 First Month 1800.</dateline><p>In town.</p></div>
<div><dateline>2.</dateline><p>Home again.</p></div>
<div><dateline>5 Friday.</dateline><p>Ploughing.<note>The editor: wrongly 1805 in the
copy.</note></p></div>
<div><dateline>Second Month 3.</dateline><p>Went to meeting on the 9th.</p></div>
<div><dateline>27.</dateline><p>Rain.</p></div>
<div><dateline>2.</dateline><p>The months start again.</p></div>
</div></body></text></TEI>"""


def _dated(text: str, parsed) -> list[tuple[str, dict[str, str], str, str]]:
    tm = build_textmap(parsed)
    found = anchor_of(anchor_candidates(parsed))
    dating = Dating(found[0] if found else None, found[1] if found else "",
                    tuple(date_blocks(tm)))
    return [(tm.text[s:e], dict(r.attrs), r.cert, r.flags)
            for s, e, r in date_mentions(tm.text, [], dating)]


def test_chronology_runs_through_a_diary(tmp_path):
    path = tmp_path / "diary.xml"
    path.write_text(DIARY, encoding="utf-8")
    parsed = parse_source(path)
    got = {(s, v.get("when", "")) for s, v, _, _ in _dated(DIARY, parsed)}
    assert ("December 1799", "1799-12") in got
    assert ("30.", "1799-12-30") in got
    assert ("on the 21st", "1799-12-21") in got
    assert ("yesterday", "1799-12-29") in got
    assert ("31 Tuesday.", "1799-12-31") in got
    assert ("The next day", "1800-01-01") in got
    assert ("1 First Month 1800.", "1800-01-01") in got
    assert ("2.", "1800-01-02") in got
    assert ("5 Friday.", "1800-01-05") in got  # a Sunday in 1800: flagged below
    assert ("Second Month 3.", "1800-02-03") in got
    assert ("on the 9th", "1800-02-09") in got
    assert ("27.", "1800-02-27") in got
    assert ("2.", "1800-03-02") in got  # the days start again: the next month
    flags = {s: f for s, _, _, f in _dated(DIARY, parsed)}
    assert "weekday-mismatch" in flags["5 Friday."]
    assert "weekday-mismatch" not in flags["31 Tuesday."]


def _unmarked(path: Path, tmp_path: Path) -> Path:
    """The edition with its dates and names unwrapped: what annotator would be given."""
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True,
                                                  load_dtd=False))
    for text in tree.getroot().iter(f"{{{TEI_NS}}}text"):
        etree.strip_tags(text, *(f"{{{TEI_NS}}}{t}" for t in ("persName", "placeName", "orgName",
                                                              "name", "rs", "date")))
    out = tmp_path / path.name
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    return out


@pytest.mark.parametrize("name", ["friendly-networks/A0011538.xml",
                                  "friendly-networks/A00187143.xml",
                                  "friendly-networks/A00187152.xml"])
def test_chronology_on_real_editions_gives_the_editors_values(name, tmp_path):
    """The editors' dated dates against ours on the same text without its markup (the finder
    alone, no model): most right, almost none wrong."""
    from annotator.acts.evaluate import load_gold

    text, gold = load_gold(DATA / name)
    parsed = parse_source(_unmarked(DATA / name, tmp_path))
    tm = build_textmap(parsed)
    assert tm.text == text
    found = anchor_of(anchor_candidates(parsed))
    dating = Dating(found[0] if found else None, found[1] if found else "",
                    tuple(date_blocks(tm)))
    ours = date_mentions(text, [], dating)
    dated = [g for g in gold if g.type == "date" and g.value]
    right = wrong = 0
    for g in dated:
        hit = next((r for s, e, r in ours if s < g.end and g.start < e), None)
        if hit is not None and hit.attrs:
            right += dict(hit.attrs) == dict(g.value)
            wrong += dict(hit.attrs) != dict(g.value)
    assert dated
    assert right >= 0.75 * len(dated)
    assert wrong <= 0.1 * len(dated)


SURFACES = ["April 11th", "the 13th of May", "yesterday", "19th", "Tuesday", "the next day",
            "Octr 3d", "October 44", "43", "the 3rd of 1st month", "this day", "Friday Morning",
            "end of March or early April", "the 18th inst.", "2.", "17 First Day.", "June",
            "summer", "the following day", "to-morrow"]


@pytest.mark.parametrize("surface", SURFACES)
def test_chronology_never_takes_a_value_from_the_clock(surface):
    """With nothing in the document to lean on, what a date does not say stays unsaid."""
    got = Chronology().resolve(surface, entry=True)
    assert got.attrs == ()
    assert got.cert == ""


@pytest.mark.parametrize(("surface", "anchor"), [(s, "1864-04-12") for s in SURFACES])
def test_chronology_values_come_from_the_text_or_its_date(surface, anchor):
    """Every year in a value is written in the expression or is the source's own date's, or
    the year next to it (a month named without a year lies within a year of it)."""
    got = Chronology(parse_day(anchor), f"the header date {anchor}").resolve(surface)
    for _, v in got.attrs:
        assert abs(int(v[:4]) - int(anchor[:4])) <= 1 or v[2:4] in surface or v[:4] in surface


def test_chronology_finder_and_anchor():
    text = ("We left on Tuesday, 4th March 1851, and came back Octr 3d; he wrote on the 3rd "
            "of 1st month. I may 2 go.")
    found = [text[s:e] for s, e in find_dates(text)]
    assert found[:2] == ["Tuesday, 4th March 1851", "Octr 3d"]
    assert found[2].endswith("3rd of 1st month") and len(found) == 3
    assert anchor_of([("", "nothing"), ("1865-04-12", "the header's sending date")]) == \
        (Day(1865, 4, 12), "the header's sending date 1865-04-12")
    assert anchor_of([("John Cox letter to John Hunt, 1824 3mo 17", "the title")]) == \
        (Day(1824, 3, 17), "the title 1824-03-17")
    letter = "Stratton Street, Feby. 21. 1786. My dear Sir"
    assert [letter[s:e] for s, e in find_dates(letter)] == ["Feby. 21. 1786"]
    assert read_expression("fourth").kind == "none"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", Day(1800, 1, 5).tei())


def _finditer_in_blocks(text: str) -> list[tuple[int, int]]:
    """FINDER.finditer's spans over each block of a reading text (the lines between its
    line breaks) on its own."""
    out, at = [], 0
    for line in text.split("\n"):
        out += [m.span() for m in FINDER.finditer(text, at, at + len(line))]
        at += len(line) + 1
    return out


def test_finder_tried_only_where_a_date_can_begin_finds_what_finditer_finds():
    """The finder's shortcut (FINDER tried only after a first character a branch can start
    with) must find exactly FINDER.finditer's matches within each block: on the real
    editions, the sample, and starts it could miss (mid-word, long s, other digits, runs of
    whitespace, a block break)."""
    texts = [build_textmap(parse_source(p)).text
             for p in [*sorted(DATA.rglob("*.xml")), Path(__file__).parents[1] / "sources" /
                       "german-soviet-axis-talks.xml"] if "index" not in p.name]
    texts += ["ſeventh of May 1801; FIFTEENTH of JULY", "\u0663 May 1801 and \uff13 June",
              "bathe 3rd of May, 123 May",
              "Wednesday,   the\n\n twenty-first day of the 5 mo. 1801",
              "on the 3d. Yesterday Tomorrow; the next day, the day after, 7ber 4 1771",
              "a previous day, no preceding day, our following day, On the 4th.",
              "he came yesterday and goes to-morrow or tomorrow, on the 5th",
              # "the" and "on" begin a date only before what its branches read after them
              "The Year of our Lord 1765; the Year one thousand seven hundred; the 3d of May",
              "the ſeventh of May; The following day; the preceding day; the day before",
              "the\t4th inst.; THE 4th of May; the 12 of this month; the Fifth day of June",
              "On the 4th. on  the 5th; On\tthe 21st, on the twentieth; on the 31d.",
              # at a letter the next one picks the first words tried: each pair, and two in a row
              "tHIRD of May; THirteenth of June; the Sixth day; The seventh Day of 1st mo",
              "St. Paul's day 1801; Saint Mark's day; Whitsunday 1801, New Year's Day 1801",
              "ththe 3d of May; tthe 4th; TThird of May; sSecond of May; MMay 3, 1801"]
    # each first word of a branch, as a word and inside one (the scan tries at each letter
    # only the first words that begin with it)
    firsts = [*(f for w in _ALL_MONTHS for f in (w.capitalize(), w.upper())),
              *(f for w in _ORDINAL_WORDS for f in (w, w.capitalize(), w.upper())),
              "Monday", "Saturday", "Sixth Day", "seventh day"]
    texts[:0] = [f"{w} 3, 1801; x{w} the 3d of {w} 1801" for w in firsts]
    spans = [[m.span() for m in finder_matches(t)] for t in texts]
    assert spans == [_finditer_in_blocks(t) for t in texts]
    # a whole text is scanned one first letter at a time, a few lines by all of them at once:
    # the same places
    for t in texts:
        assert sorted(m.start() for p in _LETTER_STARTS for m in p.finditer(t)) == \
            [m.start() for m in _LETTER_START.finditer(t)]
    assert sum(map(len, spans)) > 50 and all(spans[-12:])
    assert sum(map(bool, spans[:len(firsts)])) > len(firsts) / 2
    # every character (?i:) takes for an ordinal's first two letters starts a date there too
    words = ("eighth", "eleventh", "first", "fourth", "ninth", "second", "sixth", "tenth",
             "third", "twelfth")  # every pair of first letters the ordinal words have
    cases = {c: [chr(i) for i in range(0x10000) if re.fullmatch(f"(?i:{c})", chr(i))]
             for c in {c for w in words for c in w[:2]}}
    assert len(cases["s"]) == 3 and len(cases["i"]) == 4  # "ſ"; "İ" and "ı"
    for word in words:
        for text in (f"x{a}{b}{word[2:]} of May" for a in cases[word[0]] for b in cases[word[1]]):
            assert [m.span() for m in finder_matches(text)] == \
                [m.span() for m in FINDER.finditer(text)] == [(1, len(text))]



def test_finder_looks_ahead_for_every_first_character_of_its_words():
    """The finder looks for a character the month words or the ordinal words can begin with
    before it tries them one by one: every one (?i:) takes for an ordinal's first letter
    ("ſ" for "s") and every first letter of a month's forms passes."""
    firsts = {w[0] for w in _ORDINAL_WORDS}
    some = re.compile(f"(?i:[{''.join(firsts)}])")
    for c in (chr(i) for i in range(0x110000)):
        if some.fullmatch(c):
            assert all(re.match(_DW, c + w[1:]) for w in _ORDINAL_WORDS
                       if re.fullmatch(f"(?i:{w[0]})", c)), c
    for w in _ALL_MONTHS:
        for form in (w.capitalize(), w.upper()):
            assert re.match(_M, form + " ") and FINDER.match(f"{form} 3, 1801"), form


@pytest.mark.parametrize(("text", "headings"), [
    ("First Day. We went\nSecond day morning\n\tWas Third Day\nFourth Day 3\nSunday of May",
     ["First Day", "Second day morning", "Third Day"]),
    ("It was Monday\nMonday\nTuesday\n", ["Monday", "Monday", "Tuesday"]),
    ("We met on Monday.\nFifth\nDay of the week\n\n Sixth Day", ["Fifth\nDay of the week",
                                                               "Sixth Day"])])
def test_chronology_weekday_headings_open_lines(text, headings):
    """A weekday heading opens the text or a line (found after each line break, not tried at
    every character), the weekday's own words, a day named over a line break too."""
    assert [text[a:b] for a, b in weekday_headings(text)] == headings


def test_finder_on_some_lines_finds_what_it_finds_there_in_the_whole_text():
    """``find_dates(text, on_lines_of=spans)`` reads only the lines the spans start in (the
    weekday headings' lines, for the edition's convention) and finds there what the whole
    text's finding does: dates at the line's edges, with brackets, a double year, and a
    pattern looking at the line break after its word."""
    text = ("Tuesday July 8th.\n\nWe left on Tuesday, 4th March 1851, and came back Octr 3d\n"
            "Fifth Day. 31 August 179[1] at Aug. 31 [1791]\nWednesday\n\n"
            "received 6 February 1722/3 on the 3rd of\n1st month. May\n2 go")
    whole = find_dates(text)
    starts = [0, *(i + 1 for i, c in enumerate(text) if c == "\n")]
    assert [text[s:e] for s, e in whole] == [
        "Tuesday July 8th", "Tuesday, 4th March 1851", "Octr 3d", "31 August 179[1]",
        "Aug. 31 [1791]", "6 February 1722/3"]
    for picked in [[a] for a in starts] + [starts, starts[1::2], starts[::3]]:
        lines = [(a, text.find("\n", a) % (len(text) + 1)) for a in picked]
        assert find_dates(text, on_lines_of=[(a, a + 1) for a in picked]) == \
            [(s, e) for s, e in whole if any(a <= s < b for a, b in lines)]
    assert find_dates(text, on_lines_of=[]) == []

@pytest.mark.parametrize(("value", "day"), [
    ("--05", Day(None, 5)), ("--05-03", Day(None, 5, 3)), ("--02-29", Day(None, 2, 29)),
    ("---12", Day(None, None, 12)), ("---31", Day(None, None, 31))])
def test_chronology_reads_tei_yearless_values_as_partial_dates(value, day):
    """An editor's --MM (a month), --MM-DD and ---DD (a day of any month), att.datable.w3c's
    forms, are partial dates: '--05' is May, not the 5th; the chronology gives the rest."""
    assert read_expression(value) == Expr("partial", day=day)


@pytest.mark.parametrize("value", ["--13", "--00", "--02-30", "---32", "---00"])
def test_chronology_yearless_value_that_is_no_date_gets_no_value(value):
    assert read_expression(value).kind == "none"
    assert Chronology(LETTER, "the header date 1864-04-12").resolve(value).attrs == ()


def test_chronology_yearless_values_in_a_journal_and_its_header():
    """A yearless header value does not date the source (the next candidate does); in the
    text, --MM restarts the month and ---DD takes it from the running date."""
    assert anchor_of([("--05-03", "the header's sending date"), ("A diary, 1865", "the title")]
                     ) == (Day(1865), "the title 1865")
    chron = Chronology(Day(1865), "the title 1865")
    assert dict(chron.resolve("--05", entry=True).attrs) == {"when": "1865-05"}
    assert dict(chron.resolve("---12", block=1, entry=True).attrs) == {"when": "1865-05-12"}
    assert dict(chron.resolve("--06-02", block=2, entry=True).attrs) == {"when": "1865-06-02"}
    assert dict(chron.resolve("---03", block=3, entry=True).attrs) == {"when": "1865-06-03"}


def test_chronology_a_bare_number_in_running_text_is_no_day():
    """A model's DATE span that is a number alone: no date mid-sentence (an age, a count),
    a day after "the" or opening a paragraph (a journal's entry) as before."""
    text = "Lenke, 22, sister. Your letter of the 22 came.\n22. Rain all day."
    blocks = ((0, 46, "p"), (47, len(text), "p"))
    dating = Dating(Day(1945, 10, 24), "the source's date 1945-10-24", blocks)
    spans = [(text.index("22"), text.index("22") + 2), (38, 40), (47, 50)]
    got = [(s, text[s:e], dict(r.attrs)) for s, e, r in date_mentions(text, spans, dating)]
    assert got == [(38, "22", {"when": "1945-10-22"}), (47, "22.", {"when": "1945-10-22"})]


def test_chronology_an_age_is_no_two_digit_year():
    """Before: the model's DATE "43" in "Lenke, 43, mother" of a 1945 testimony read 1943, and
    "57" after "Herman Klein," 1857. A number set off by commas after a name, or before
    "years"/"yrs", is an age; after a month, a season or a feast, or alone, it is a year."""
    text = ("Lenke, 43, mother. Herman Klein, 57, brother. Aunt Rosa 45 yrs. In Spring 43 we "
            "left. At Easter 43 they came. In May, 44, the camp. In 44 the transports began.")
    dating = Dating(Day(1945, 10, 24), "the source's date 1945-10-24", ((0, len(text), "p"),))
    nums = [(m.start(), m.end()) for m in re.finditer(r"\b\d\d\b", text)]
    got = [(text[s - 7:e], dict(r.attrs)) for s, e, r in date_mentions(text, nums, dating)]
    assert got == [("Spring 43", {"when": "1943"}), ("Easter 43", {"when": "1943"}),
                   ("n May, 44", {"when": "1944"}), ("mp. In 44", {"when": "1944"})]


@pytest.mark.parametrize(("text", "numbers"), [
    # Friendly Networks A0011538 (an editor's note), A0011517 (two entries): before, 1733,
    # 1752 and 1764-01 in the edition's TEI once confirmed
    ("Ann Quicksall's death was in 9th month 11th 1824, not 10th month; she was aged 33 and was "
     "buried in Friends burial ground in Evesham.", ["33"]),
    ("Was at home reading afternoon in Penn's No Cross No Crown page 300, 52, Chilon's sayings, "
     "one of the wise men.", ["300", "52"]),
    ("Robert Hunt died the 29th Day of the Second Month 1764, Aged 55 Years, 1 Month, 21 days.",
     ["the 29th Day of the Second Month 1764", "55 Years", "1 Month", "21 days"]),
    ("My father died long ago. He is aged 45.", ["45"]),
    ("He was away 3 Months and 2 days, and read pp. 12, 14 of it.", ["3 Months", "12", "14"]),
])
def test_chronology_an_age_a_page_or_a_stretch_of_time_is_no_date(text, numbers):
    """Numbers that count (an age after "aged", a page or a list of pages, the parts of a
    stretch of time) are neither a two-digit year nor a Quaker month: not proposed."""
    dating = Dating(Day(1824, 6, 27), "the header's creation date 1824-06-27",
                    ((0, len(text), "p"),))
    spans = [(text.index(n), text.index(n) + len(n)) for n in numbers]
    assert [text[s:e] for s, e, _ in date_mentions(text, spans, dating)] == \
        [d for d in ("9th month 11th 1824", "the 29th Day of the Second Month 1764") if d in text]


def test_chronology_finds_a_year_of_our_lord_and_a_saints_day_with_its_year():
    """Before: "In the year of our Lord 1765" and the same year in words were not proposed
    (docs/proposals.md lists the form), and the model's "day 1766" of "St. Luke's day 1766" had
    no value. Now each is a date of its own, the feast's with its day (St Luke's, 18
    October)."""
    text = ("In the year of our Lord one thousand seven hundred and sixty we built it. In the "
            "year of our Lord 1765 we sold it. He came on St. Luke's day 1766.")
    day = text.index("day 1766")
    got = [(text[s:e], dict(r.attrs), r.cert)
           for s, e, r in date_mentions(text, [(day, day + 8)], Dating())]
    assert got == [
        ("the year of our Lord one thousand seven hundred and sixty", {"when": "1760"}, "high"),
        ("the year of our Lord 1765", {"when": "1765"}, "high"),
        ("St. Luke's day 1766", {"when": "1766-10-18"}, "high")]


@pytest.mark.parametrize("text, surface, when, julian", [
    ("the half year's rent due at Michaelmas 1791 is still unpaid", "Michaelmas 1791",
     "1791-09-29", False),
    ("He entered upon the farm at Lady Day 1760, as tenant to Mr Pennant.", "Lady Day 1760",
     "1760-03-25", False),
    ("We dined with the Bishop on Christmas Day 1790 and returned home.",
     "Christmas Day 1790", "1790-12-25", False),
    ("Paid the servants their wages at Midsummer Day, 1788.", "Midsummer Day, 1788",
     "1788-06-24", False),
    ("The school opened at Candlemas 1722/3 with ten scholars.", "Candlemas 1722/3",
     "1723-02-13", True),
    ("He preached on All Saints' Day 1790 at Bangor.", "All Saints' Day 1790", "1790-11-01",
     False),
    ("He came on St. Cadoc's day 1766.", "St. Cadoc's day 1766", "1766", False),
    # movable feasts: Easter by the Gregorian computus from 1753, the Julian before 1583
    ("we came back at Easter 1791 to find the house let", "Easter 1791", "1791-04-24", False),
    ("The bridge was opened on Whit Monday, 1818, with much ceremony.", "Whit Monday, 1818",
     "1818-05-11", False),
    ("On Good Friday 1943 the ghetto was quiet.", "Good Friday 1943", "1943-04-23", False),
    ("The comet was seen after Easter 1066 for seven nights.", "Easter 1066", "1066-04-22",
     True),
    ("He preached at Whitsuntide 1790 in the open air.", "Whitsuntide 1790", "1790", False),
    ("we came back at Easter 1740 to find the house let", "Easter 1740", "1740", False),
])
def test_chronology_a_feast_with_its_year(text, surface, when, julian):
    """A feast on a fixed day with a year is that day ("Michaelmas 1791": 29 September 1791),
    read as a date written so would be (a double year's Old Style too), its reason naming
    the feast; a movable one is its day from Easter Day, by the Gregorian computus from 1753
    (Britain's) and by the Julian before 1583, its Julian day converted; between the two,
    and for a season (Whitsuntide) or a saint not known, the year (was: "Michaelmas 1791",
    "Lady Day 1760", "Easter 1791" found by no rule; a saint's day only its year)."""
    got = {text[s:e]: r for s, e, r in date_mentions(text, [], Dating(Day(1800), "the title"))}
    r = got[surface]
    assert dict(r.attrs) == {"when": when} and r.cert == "high"
    assert ("julian" in r.flags) == julian
    assert ("feast" in r.reason) and (r.reason.startswith("stated")) == (len(when) == 10)


def test_chronology_a_feast_without_a_year_takes_the_running_year():
    """A feast on a fixed day without a year is its day in the year a date without one takes:
    a diary's heading the year of the entry before it, a letter's feast the one before or
    after the letter's date as its sentence speaks of it; its reason names the feast; a
    feast's name naming a church, a college, a term or a season is none (was: not proposed,
    no rule read a feast without its year)."""
    diary = "24 December 1772.\n\nAt Coles' at work.\n\nChristmas Day.\n\nI went to Woodbury."
    blocks = ((0, 17, "dateline"), (19, 37, "p"), (39, 53, "head"), (55, 74, "p"))
    got = {diary[s:e]: r for s, e, r in date_mentions(diary, [], Dating(blocks=blocks))}
    assert dict(got["Christmas Day."].attrs) == {"when": "1772-12-25"}  # the whole heading
    assert got["Christmas Day."].reason.startswith("Christmas is 25 December, a feast on a fixed")
    letter = ("I hope to be with you on Christmas Day, and to stay till Twelfth Day. We kept "
              "Michaelmas at Downing. The Christmas holidays were long; All Saints Church and "
              "All Souls College were shut for the Michaelmas term.")
    got = {letter[s:e]: dict(r.attrs) for s, e, r in
           date_mentions(letter, [], Dating(Day(1790, 10, 3), "the letter's date"))}
    assert got == {"Christmas Day": {"when": "1790-12-25"}, "Twelfth Day": {"when": "1791-01-06"},
                   "Michaelmas": {"when": "1790-09-29"}}


def test_chronology_a_movable_feast_without_a_year_takes_the_year_it_leans_on():
    """A movable feast without a year is found and dated as a fixed one is, its day counted
    for the year found: a letter's Easter the one before or after the letter's date as its
    sentence speaks of it, a diary's heading the entry's year (the next one when the months
    start again), cert medium, the reason naming the count; no value where nothing gives the
    year, nor for a season or Easter from 1583 to 1752, when the day depends on where the
    text was written; "the Easter holidays" is none (was: not found, and a model's "Easter"
    had no value, flagged relative)."""
    letter = ("We went home at Easter and saw my sister. I hope to see you on Whit Monday. "
              "The Easter holidays were long.")
    got = {letter[s:e]: r for s, e, r in
           date_mentions(letter, [], Dating(Day(1790, 6, 10), "the letter's date"))}
    assert {k: dict(r.attrs) for k, r in got.items()} == {
        "Easter": {"when": "1790-04-04"}, "Whit Monday": {"when": "1791-06-13"}}
    assert got["Easter"].cert == "medium" and got["Easter"].reason.startswith(
        "Easter 1790 is Easter Day, 1790-04-04 by the Gregorian computus, a movable feast; "
        "the Easter before")
    diary = "30 December 1790.\n\nVery cold.\n\nShrove Tuesday.\n\nWe dined at home."
    blocks = ((0, 17, "dateline"), (19, 29, "p"), (31, 46, "head"), (48, 64, "p"))
    got = {diary[s:e]: r for s, e, r in date_mentions(diary, [], Dating(blocks=blocks))}
    assert dict(got["Shrove Tuesday."].attrs) == {"when": "1791-03-08"}
    assert "the year after the entry date 1790-12-30" in got["Shrove Tuesday."].reason
    for anchor, text in [(None, "We went home at Easter."),
                         (Day(1740, 6, 10), "We went home at Easter."),
                         (Day(1790, 6, 10), "We went home at Whitsuntide.")]:
        got = date_mentions(text, [], Dating(anchor, "the letter's date"))
        assert [r.attrs for _, _, r in got] == [()], (anchor, text)
    r = Chronology(Day(1500, 6, 10), "the letter's date").resolve("Whit Monday")
    assert dict(r.attrs) == {"when": "1500-06-18"} and r.written == "1500-06-08"
    assert "julian" in r.flags.split(",") and r.cert == "medium"
    text = "At Christmas 3 of us went to Bath."  # one digit: no two-digit year, the feast
    assert [text[s:e] for s, e, _ in date_mentions(text, [], Dating(Day(1790, 6, 10)))] == \
        ["Christmas"]


def test_chronology_a_past_feast_in_the_datelines_month_is_the_one_before_the_letter():
    """A yearless feast in the month of a letter's date is placed by its day too, as its
    sentence speaks of it: "last Easter" in a letter of 1 April 1790 is Easter 1789, not
    1790-04-04 three days after the letter; "he rode on Whit Monday" in a letter of 4 May
    1790 Whit Monday 1789 (1 June), "we shall go" the one to come; a fixed feast likewise
    (Lady Day in letters of 20 and 28 March); the reason names the feast, not the month
    its day fell in the dateline's year; a diary's Easter heading an entry after 10 April
    1790 is 1791's (was: the dateline's year whatever the day and tense, and "the May after
    the dateline" for Whit Monday 1791-06-13)."""
    def dated(anchor, text):
        return [(text[s:e], dict(r.attrs).get("when"), r.reason) for s, e, r in
                date_mentions(text, [], Dating(Day(*anchor), "the dateline"))]
    assert [w for _, w, _ in dated((1790, 4, 1), "I went there last Easter.")] == ["1789-04-12"]
    got = dated((1790, 5, 4), "On Whit Monday he rode to Lichfield. I went there last Whit "
                "Monday. We shall go on Whit Monday.")
    assert [w for _, w, _ in got] == ["1789-06-01", "1789-06-01", "1790-05-24"]
    assert got[0][2].endswith("the Whit Monday before the dateline (spoken of as past)")
    got = dated((1790, 6, 10), "I hope to see you on Whit Monday.")
    assert got[0][1] == "1791-06-13" and \
        got[0][2].endswith("the Whit Monday after the dateline (spoken of as to come)")
    for anchor, past, future in [((1790, 3, 20), "1789-03-25", "1790-03-25"),
                                 ((1790, 3, 28), "1790-03-25", "1791-03-25")]:
        got = dated(anchor, "I went there on Lady Day. I shall go again on Lady Day.")
        assert [w for _, w, _ in got] == [past, future], anchor
    diary = "10 April 1790.\n\nVery cold.\n\nEaster Day.\n\nWe dined at home."
    blocks = ((0, 14, "dateline"), (16, 26, "p"), (28, 39, "head"), (41, 58, "p"))
    got = {diary[s:e]: r for s, e, r in date_mentions(diary, [], Dating(blocks=blocks))}
    assert dict(got["Easter Day."].attrs) == {"when": "1791-04-24"}
    assert got["Easter Day."].reason.endswith(
        "the year after the entry date 1790-04-10 (its day that year is before it)")


def test_calendar_easter():
    """Easter Day by either computus: Gregorian 1818-03-22 (the earliest it can be) and
    1943-04-25 (the latest), 2000-04-23, 2024-03-31; Julian 1066-04-16 and the Orthodox
    Easter of 2024, Julian 22 April, Gregorian 5 May."""
    from annotator.calendar import easter, julian_to_gregorian
    assert [easter(y) for y in (1818, 1943, 2000, 2024)] == [
        (1818, 3, 22), (1943, 4, 25), (2000, 4, 23), (2024, 3, 31)]
    assert easter(1066, julian=True) == (1066, 4, 16)
    assert julian_to_gregorian(*easter(2024, julian=True)) == (2024, 5, 5)


def test_chronology_a_date_of_the_story_is_no_base_for_the_letters_days():
    """Before: in a letter dated 3 October 1766 "Thursday the 9th" took the month and year of a
    death told above (1722-02-09, flagged as no Thursday), though 1766-10-09 is one. A date of
    the story, more than a month from the letter's, stays the base of a day spoken of as past
    ("buried on the 14th"); a day to come, or one whose weekday fits the letter's month and
    not the story's, takes the letter's date."""
    text = ("Dear Sir, I received yours of the 1st inst. yesterday. My father died on the 10th "
            "of February 1722/3, and was buried on the 14th. He will come on the 2d. We shall "
            "meet on Thursday the 9th.")
    dating = Dating(Day(1766, 10, 3), "the dateline 1766-10-03", ((0, len(text), "p"),))
    got = {text[s:e]: (dict(r.attrs).get("when"), r.flags)
           for s, e, r in date_mentions(text, [], dating)}
    assert got == {"the 1st inst.": ("1766-10-01", ""), "yesterday": ("1766-10-02", ""),
                   # Old Style (a double year): the Gregorian day, flagged, and the day
                   # after it counted in the same style
                   "the 10th of February 1722/3": ("1723-02-21", "julian"),
                   "on the 14th": ("1723-02-25", "julian"), "Thursday the 9th": ("1766-10-09", ""),
                   "on the 2d": ("1766-11-02", "")}


@pytest.mark.parametrize(("surface", "when"), [("Spring 43", "1943"), ("the summer of '44", "1944"),
                                               ("autumn 38", "1938"), ("Winter 45", "1945")])
def test_chronology_a_season_with_a_two_digit_year(surface, when):
    """Before: "In Spring 43" in a 1945 testimony, the model's span whole, had no value
    ("Spring 1943" had one). A season takes its century as a month does ("October 44")."""
    text = f"We stayed there. In {surface} we left for the town."
    start = text.index(surface)
    dating = Dating(Day(1945, 10, 24), "the source's date 1945-10-24", ((0, len(text), "p"),))
    ((_, _, r),) = date_mentions(text, [(start, start + len(surface))], dating)
    assert (dict(r.attrs), r.flags) == ({"when": when}, "fuzzy")


def test_chronology_no_date_runs_into_the_next_block(tmp_path):
    """The finder reads each block on its own: 'Diary 1770' ending the title page and 'July
    1770' heading the first entry gave '1770\\n\\nJuly' (1770-07), and a margin note's
    'Fifth' with the next heading's 'November 1771' gave 'Fifth\\n\\nNovember 1771'
    (1771-11-05, a date in neither). A heading's or dateline's first block alone is its date,
    and a day opening a paragraph takes no weekday from the next block."""
    path = tmp_path / "hunt.xml"
    path.write_text(HUNT_BLOCKS, encoding="utf-8")
    tm = build_textmap(parse_source(path))
    text = tm.text
    found = {text[s:e]: r.attrs for s, e, r in
             date_mentions(text, [], Dating(blocks=tuple(date_blocks(tm))))}
    assert not [s for s in found if "\n" in s]
    assert found["July 1770"] == (("when", "1770-07"),)
    assert found["November 1771"] == (("when", "1771-11"),)
    assert "Fifth" not in " ".join(found)
    text = "24th\n\nSunday. We went\n\n2.\n\nFirst Day."
    entries = [(0, text.index("We") + 2, "p"), (text.index("2."), len(text), "head")]
    assert [text[s:e] for s, e in entry_dates(text, entries)] == ["24th", "2."]


@pytest.mark.parametrize(("text", "found"), [
    ("the Castle it might have commanded ––– Thursday 14: Went in the Evening", ["Thursday 14"]),
    ("from London –––– Thursday 21st: Went to see the ruins", ["Thursday 21st"]),
    ("Tuesday 26 Walked in the Morning", ["Tuesday 26"]),
    ("it was Sunday, 8 o clock, a heavenly Morning", []),
    ("on Monday 10.30 we left", []),
    ("First Day\n\n19. Went to meeting", [])])
def test_chronology_finder_takes_a_weekday_with_its_day(text, found):
    """Before: a diary's "Thursday 14:" had the model's "Thursday" alone, no value. A weekday
    and a day number on one line is a date; a time after a weekday ("8 o clock") is none."""
    assert [text[s:e] for s, e in find_dates(text)] == found


@pytest.mark.parametrize(("text", "found"), [
    ("He wrote on 31 August 179[1] from Downing.", ["31 August 179[1]"]),
    ("We set out on Aug[ust] 3, 1790 for Chester.", ["Aug[ust] 3, 1790"]),
    ("We left on 3[rd] May 1790 for Wales.", ["3[rd] May 1790"]),
    ("He came back on Aug. 31 [1791] to Downing.", ["Aug. 31 [1791]"]),
    ("It was printed in May 1790[?] at London.", ["May 1790[?]"]),
    ("She died in May 1790[1] at Bath.", ["May 1790"])])  # a note's number is no part of it
def test_chronology_finder_reads_through_an_editors_brackets(text, found):
    """Before: "31 August 179[1]" was found as "31 August" (a day without a year), "Aug[ust] 3,
    1790" not at all. The span is the whole written date, brackets and all."""
    assert [text[s:e] for s, e in find_dates(text)] == found


@pytest.mark.parametrize(("text", "model", "span"), [
    ("The map was drawn [c. 1790] by Moses.", "c. 1790", "[c. 1790]"),
    ("It was printed in 1790[?] at London.", "1790", "1790[?]"),
    ("The letter is dated [17]91 in pencil.", "17]91", "[17]91"),
    ("She died in May 1790[1] at Bath.", "May 1790[1", "May 1790[1")])
def test_chronology_a_models_date_takes_in_the_brackets_it_touches(text, model, span):
    start = text.index(model)
    s, e = bracket_span(text, start, start + len(model))
    assert text[s:e] == span


def test_chronology_brackets_in_a_running_text_and_a_header(tmp_path):
    """A day whose month the editor completed takes the running year; the editor's doubt
    stays; "13 [14]." (a correction beside the day written) still gives the day written.
    The header's "31 August 179[1]" dates the letter, not the dateline's later hand (was:
    the header read as no date, and the dateline's 1792 taken)."""
    chron = Chronology(Day(1790), "the title 1790")
    assert dict(chron.resolve("Aug[ust] 3").attrs) == {"when": "1790-08-03"}
    doubted = chron.resolve("Sept[ember] 4[?]", block=1)
    assert (dict(doubted.attrs), doubted.flags) == ({"when": "1790-09-04"}, "fuzzy")
    assert read_expression("13 [14].").day == Day(None, None, 13)
    path = tmp_path / "letter.xml"
    path.write_text(f"""<TEI xmlns="{TEI_NS}"><teiHeader><fileDesc><titleStmt>
<title>Thomas Pennant to Richard Bull</title></titleStmt><publicationStmt><p/></publicationStmt>
<sourceDesc><p>A letter</p></sourceDesc></fileDesc><profileDesc><correspDesc>
<correspAction type="sent"><persName>Thomas Pennant</persName><date>31 August 179[1]</date>
</correspAction></correspDesc></profileDesc></teiHeader><text><body><div>
<opener><dateline>Downing Aug. 31st. 1792<note>Added in another hand.</note></dateline></opener>
<p>I hope to see you on Saturday the 9th of April.</p></div></body></text></TEI>""",
                    encoding="utf-8")
    found = source_date(parse_source(path))
    assert (found.day, found.reason) == (Day(1791, 8, 31), "the header's sending date 1791-08-31")


def test_chronology_a_century_named_from_the_letters_year():
    """"the last Century" in a letter of 1788 is the 17th (1600-1699), its vague part making it
    fuzzy; with no year to count from it keeps no value (was: no value in any text)."""
    text = "A monument erected about the middle of the last Century, and a portrait (last century)."
    spans = [(text.index("the middle"), text.index(",")),
             (text.index("last century"), text.index("last century") + len("last century"))]
    got = {text[s:e]: (dict(r.attrs), r.flags, r.reason)
           for s, e, r in date_mentions(text, spans, Dating(Day(1788, 2, 11), "the dateline"))}
    assert got["the middle of the last Century"] == (  # its middle third
        {"notBefore": "1633", "notAfter": "1666"}, "fuzzy",
        "the century before the dateline, its middle third")
    assert got["last century"][0] == {"notBefore": "1600", "notAfter": "1699"}
    chron = Chronology(Day(1788, 2, 11), "the dateline")
    chron.resolve("the last century", block=3)
    assert dict(chron.resolve("the 2d of February", block=3).attrs) == {"when": "1788-02-02"}
    alone = Chronology().resolve("the last century")
    assert (alone.attrs, alone.flags) == ((), "relative")


def test_chronology_the_vague_words_before_a_models_century_make_it_fuzzy():
    """Curious Travellers 0004 (a journal of 1775): the model takes "last Century" out of
    "erected about the middle of the last Century"; the span takes in "the middle of" and
    the value is flagged fuzzy, as docs/proposals.md says (was: 'last Century', no flag)."""
    text = ("a Monument of the Carew family with the effigies of one of them in Armour; his "
            "Wife Dame Southcote of very rude Workmanship – erected about the middle of the "
            "last Century, with their Children. He lived in the beginning of the last Century. "
            "It was built in the last Century.")
    spans = [m.span() for m in re.finditer("last Century", text)]
    got = [(text[s:e], dict(r.attrs), r.flags) for s, e, r in date_mentions(
        text, spans, Dating(Day(1775), "the title", ((0, len(text), "p"),)))]
    century = {"notBefore": "1600", "notAfter": "1699"}
    assert got == [("the middle of the last Century", {"notBefore": "1633", "notAfter": "1666"},
                    "fuzzy"),
                   ("the beginning of the last Century",
                    {"notBefore": "1600", "notAfter": "1633"}, "fuzzy"),
                   ("last Century", century, "")]


@pytest.mark.parametrize(("text", "values"), [
    # Curious Travellers 1138 (a letter of 31 August 1791), its February to come, then a past
    # month, and the other way round: each month on its own side of the letter's date
    ("Moses is making a book for you: which I hope to deliver to you in person in February. "
     "I received your parcel in March.", ["1792-02", "1791-03"]),
    ("I received your parcel in March. Moses is making a book for you: which I hope to "
     "deliver to you in person in February.", ["1791-03", "1792-02"]),
    # a day counted from the letter's date is no year named either
    ("Yesterday I wrote to Mr Smith. I shall go to London in June.", ["1791-08-30", "1792-06"]),
    # a year written stays the paragraph's year
    ("In 1790 we were in Bath. I received your parcel in March.", ["1790", "1790-03"])])
def test_chronology_an_inferred_year_is_no_year_named_in_the_paragraph(text, values):
    """A year the chronology inferred (a month placed by its tense, "yesterday") is no year
    "named before in the paragraph" for the dates after it (was: after "in February", to
    come, 1792-02, the past "in March" was 1792-03, 'year from 1792 named before in the
    paragraph'; after "Yesterday" the future June was 1791-06)."""
    spans = [m.span() for m in re.finditer(r"February|March|June|\b1790\b", text)]
    got = date_mentions(text, spans, Dating(Day(1791, 8, 31), "the dateline 1791-08-31",
                                            ((0, len(text), "p"),)))
    assert [dict(r.attrs).get("when") for _, _, r in got] == values
    assert ("named before in the paragraph" in got[-1][2].reason) == ("1790" in text)


def test_chronology_a_weekday_and_day_in_running_prose_dates_nothing_after_it():
    """"on Thursday 14 we went" in a letter is resolved (its month the one next to the running
    date whose calendar fits the weekday) but the dates after it still lean on the letter's
    date; a weekday and day opening a line or following a dash, a diary's day heading, still
    dates what follows (was: any weekday with a day became the running date, so the second
    "yesterday" below was 1778-05-13)."""
    letter = ("Your parcel came yesterday. On Thursday 14 we went to Bala, and on Tuesday the 2nd "
              "to Conway. The carrier left yesterday.")
    dating = Dating(Day(1778, 5, 20), "the dateline", ((0, len(letter), "p"),))
    got = [(letter[s:e], dict(r.attrs).get("when"), r.reason)
           for s, e, r in date_mentions(letter, [], dating)]
    assert [(w, v) for w, v, _ in got] == [
        ("yesterday", "1778-05-19"), ("Thursday 14", "1778-05-14"),
        ("Tuesday the 2nd", "1778-06-02"), ("yesterday", "1778-05-19")]
    assert got[2][2] == "the month after the date 1778-05-14 before, whose 2 is a Tuesday"
    diary = "Thursday 14: Went to church ––– Friday 15. Walked. It rained yesterday."
    dating = Dating(Day(1778, 5), "the title", ((0, len(diary), "p"),))
    got = [(diary[s:e], dict(r.attrs).get("when"))
           for s, e, r in date_mentions(diary, [], dating)]
    assert got == [("Thursday 14", "1778-05-14"), ("Friday 15", "1778-05-15"),
                   ("yesterday", "1778-05-14")]


def test_chronology_a_weekday_opening_a_letters_sentence_is_prose():
    """In a letter (its one dated entry its dateline) a weekday and day opening a sentence is
    prose, resolved as "on Thursday 14" is (14 July 1791 was a Thursday), and "yesterday" and
    "to-morrow" still count from the letter's date; in a diary, whose entries are days, it
    dates what follows (was: the letter's "Thursday 14" was 1791-08-14, a Sunday, flagged
    weekday-mismatch, and became the entry date: yesterday 1791-08-13, to-morrow 08-15)."""
    letter = ("Dear Sir, we arrived safely. Thursday 14 we went to the Pump Room with Mrs "
              "Piozzi. I write this in haste, for yesterday your letter came and to-morrow the "
              "post goes.")
    dating = Dating(Day(1791, 8, 31), "the dateline 1791-08-31", ((0, len(letter), "p"),))
    got = [(letter[s:e], dict(r.attrs).get("when"), r.flags)
           for s, e, r in date_mentions(letter, [], dating)]
    assert got == [("Thursday 14", "1791-07-14", ""), ("yesterday", "1791-08-30", ""),
                   ("to-morrow", "1791-09-01", "")]
    diary = "Thursday 14: Went to church. Friday 15 Walked. It rained yesterday."
    dating = Dating(Day(1778, 5), "the title", ((0, len(diary), "p"),))
    assert [(diary[s:e], dict(r.attrs).get("when"))
            for s, e, r in date_mentions(diary, [], dating)] == [
        ("Thursday 14", "1778-05-14"), ("Friday 15", "1778-05-15"), ("yesterday", "1778-05-14")]


def _blocks(text: str, kinds: dict[str, str]) -> tuple[tuple[int, int, str], ...]:
    """The blank-line blocks of ``text``, each of the kind ``kinds`` gives its words, else p."""
    out, pos = [], 0
    for words in text.split("\n\n"):
        start = text.index(words, pos)
        out.append((start, start + len(words), kinds.get(words, "p")))
        pos = start + len(words)
    return tuple(out)


def test_chronology_a_quaker_weekday_heading_a_diarys_entry():
    """"First Day." opening a diary's entry, a line of its own or the start of a block in a
    source whose entries are days, is proposed as a weekday heading is, the entry's day where
    it is that weekday (William Matlack's journal of 1824, Friendly Networks A0011538, CC BY
    4.0; was: not proposed, no finder knowing a weekday alone); in a letter's paragraph it is
    not, and a weekday that does not fit the entry keeps no value. Only where the edition marks
    such headings (``Dating.weekday_headings``, its convention): by default none is."""
    diary = ("Sixth Month, 1824.\n\n11.\n\nFirst Day the first time we met at 10 o'clock in "
             "the morning.\n\n15.\n\nFifth Day.\n\nAt our meeting smaller than usual.\n\n16."
             "\n\nWas First Day. At our meeting I had something to say.")
    dating = Dating(Day(1824, 6), "the header", _blocks(diary, {
        "Sixth Month, 1824.": "head", "11.": "dateline", "15.": "dateline",
        "16.": "dateline"}), weekday_headings=True)
    got = [(diary[s:e], dict(r.attrs).get("when"), r.reason)
           for s, e, r in date_mentions(diary, [], dating)]
    assert [(w, v) for w, v, _ in got] == [
        ("Sixth Month, 1824.", "1824-06"), ("11.", "1824-06-11"),
        ("First Day", None),  # 11 June 1824 was a Friday: no value, never corrected
        ("15.", "1824-06-15"), ("Fifth Day", None), ("16.", "1824-06-16"), ("First Day", None)]
    diary = diary.replace("Sixth Month", "Seventh Month").replace("15.", "22.")
    dating = Dating(Day(1824, 7), "the header", _blocks(diary, {
        "Seventh Month, 1824.": "head", "11.": "dateline", "22.": "dateline",
        "16.": "dateline"}), weekday_headings=True)
    got = [(diary[s:e], dict(r.attrs).get("when"), r.reason)
           for s, e, r in date_mentions(diary, [], dating)]
    assert [(w, v) for w, v, _ in got if "Day" in w] == [
        ("First Day", "1824-07-11"), ("Fifth Day", "1824-07-22"), ("First Day", None)]
    assert got[2][2] == "the weekday of the entry date 1824-07-11"
    unmarked = date_mentions(diary, [], Dating(Day(1824, 7), "the header", dating.blocks))
    assert [diary[s:e] for s, e, _ in unmarked if "Day" in diary[s:e]] == []  # the default
    letter = "First Day. We went to meeting and heard a great deal.\n\nThy loving friend"
    dating = Dating(Day(1824, 7, 11), "the dateline", _blocks(letter, {}), weekday_headings=True)
    assert date_mentions(letter, [], dating) == []
    alone = "Dear friend,\n\nFirst Day.\n\nWe went to meeting."
    got = date_mentions(alone, [], Dating(Day(1824, 7, 11), "the dateline", _blocks(alone, {}),
                                          weekday_headings=True))
    assert [(alone[s:e], dict(r.attrs)) for s, e, r in got] == [
        ("First Day", {"when": "1824-07-11"})]


@pytest.mark.parametrize(("text", "kind", "surface", "flags"), [
    ("Downing, 12 May 1791?", "dateline", "12 May 1791?", "fuzzy"),
    ("The letter (12 May 1791?) came by the carrier.", "p", "12 May 1791?", "fuzzy"),
    ("12 May 1791? Went to town.", "p", "12 May 1791?", "fuzzy"),
    ("He wrote on 12 May 1791? or a week later.", "p", "12 May 1791?", "fuzzy"),
    ("[12 May 1791?]", "dateline", "[12 May 1791?]", "fuzzy"),  # as the bracketed form
    # a question's mark, no doubt of the date
    ("Did he come on 12 May 1791? He did.", "p", "12 May 1791", "")])
def test_chronology_a_question_mark_right_after_a_date_makes_it_doubtful(text, kind, surface,
                                                                          flags):
    """A "?" right after a date outside brackets is the editor's or writer's doubt as "[1791?]"
    is: the span takes it in and the value is fuzzy, except where it ends a question (was: left
    out of the span, and the date stated in full)."""
    got = date_mentions(text, [], Dating(Day(1791), "the title", ((0, len(text), kind),)))
    assert [(text[s:e], dict(r.attrs), r.flags) for s, e, r in got] == [
        (surface, {"when": "1791-05-12"}, flags)]
    assert read_expression("1791?").flags == "fuzzy"


@pytest.mark.parametrize(("sentence", "date", "value"), [
    # Curious Travellers 1138, a letter of 31 August 1791: to come, so the next February
    ("Moses is making a book for you: which I hope to deliver to you in person in February.",
     "February", {"when": "1792-02"}),
    # EHRI YV3549264, a testimony of July 1945: past, so the October before (the edition's)
    ("He had to leave the camp with a work detachment on the 1st October.", "1st October",
     {"when": "1944-10-01"}),
    ("We walked to Bala in February.", "February", {"when": "1791-02"}),
    ("In October we went to Bath.", "October", {"when": "1790-10"}),
    ("I shall be in London in October.", "October", {"when": "1791-10"}),
    ("I am to be in London in October.", "October", {"when": "1791-10"}),
    # neither said: either side of the letter's date
    ("Parliament meets in February.", "February", {"notBefore": "1791-02",
                                                   "notAfter": "1792-02"}),
    # a weekday that fits one year only: 9 April 1791 was a Saturday, 9 April 1792 a Monday
    ("It is requested to attend at Mold, on Saturday the 9th of April.",
     "Saturday the 9th of April", {"when": "1791-04-09"}),
    # the letter's own month, or a year named before in the paragraph: as before
    ("He came on the 3rd of August.", "3rd of August", {"when": "1791-08-03"}),
    ("In 1790 we were in Bath, and in October we shall go home.", "October",
     {"when": "1790-10"})])
def test_chronology_a_month_without_a_year_lies_around_the_letters_date(sentence, date,
                                                                         value):
    """A month named without a year in a letter lies within a year of its date: before it when
    the sentence speaks of it as past, after it when as to come, else either (notBefore /
    notAfter), never in the letter's year whatever the sense (was: "in February", to come, in
    a letter of August 1791 was 1791-02, and the testimony's past "1st October" 1945-10-01)."""
    anchor = Day(1945, 7) if "camp" in sentence else Day(1791, 8, 31)
    at = sentence.index(date)
    years = [m.span() for m in re.finditer(r"\b1\d{3}\b", sentence)]  # as the model's
    got = [dict(r.attrs) for s, e, r in date_mentions(
        sentence, [(at, at + len(date)), *years], Dating(anchor, "the header's date",
                                                         ((0, len(sentence), "p"),)))
           if s <= at < e]
    assert got == [value]


def test_chronology_tense_reads_on_over_a_page_break():
    """EHRI YV3549264 breaks "had to leave the camp with / a work detachment on the 1st
    October." over a page: the block opening in lower case goes on from the one before, whose
    "had" says past."""
    text = "He had to leave the camp with\n\na work detachment on the 1st October. He had"
    lo = text.index("a work")
    at = text.index("the 1st October")
    assert tense_around(text, at, at + len("the 1st October"), lo, text.index(" He had")) == \
        "past"
    text = text.replace("a work", "A work")  # a sentence of its own: no cue
    assert tense_around(text, at, at + len("the 1st October"), lo, text.index(" He had")) == ""


# Old Style: real sentences. John Hunt's journal (Friendly Networks, A0011517, CC BY 4.0), the
# Washington family Bible (public domain; the TEI Guidelines' att.calendarSystem example dates
# it when="1732-02-22"), and the review's Quaker journal and letter of 1766.
OLD_STYLE = [
    ("Robert Hunt son of Robert Hunt and Elizabeth Hunt was born the 21st day of the Second "
     "Month, 1709.", Day(1770), "the 21st day of the Second Month, 1709", "1709-05-02",
     "1709-04-21"),
    ("Her mother was born the 3rd day of the Second Month 1709 and died the 5th of 1st month "
     "1750/1, aged 41.", Day(1824, 10, 10), "the 3rd day of the Second Month 1709",
     "1709-04-14", "1709-04-03"),
    ("Her mother was born the 3rd day of the Second Month 1709 and died the 5th of 1st month "
     "1750/1, aged 41.", Day(1824, 10, 10), "the 5th of 1st month 1750/1", "1751-03-16",
     "1751-03-05"),
    ("My father died on the 10th of February 1722/3. We shall meet on Thursday the 9th.",
     Day(1766, 10, 3), "the 10th of February 1722/3", "1723-02-21", "1723-02-10"),
    ("George Washington Son to Augustine & Mary his Wife was Born ye 11th Day of February 1731/2 "
     "about 10 in the Morning", Day(1732), "11th Day of February 1731/2", "1732-02-22",
     "1732-02-11"),
]


@pytest.mark.parametrize("text, anchor, surface, when, written", OLD_STYLE)
def test_chronology_old_style_dates_before_1752(text, anchor, surface, when, written):
    """A Quaker month before 1752 counts from March, a double year's date from 1 January to
    24 March is in the later year, and its Julian day is given as TEI's @when takes it, the
    Gregorian day; the reason names the day as written, the flag says Old Style (was: the
    month counted from January, the "/1" cut off, the Julian day given as Gregorian)."""
    got = {text[s:e]: r for s, e, r in date_mentions(text, [], Dating(anchor, "the header"))}
    assert surface in got
    r = got[surface]
    assert dict(r.attrs) == {"when": when}
    assert "julian" in r.flags.split(",")
    assert f"{written} Old Style" in r.reason and r.cert == "high"


@pytest.mark.parametrize("surface, when", [
    ("1st of the Seventh Month, 1770", "1770-07-01"),  # from 1752 the First Month is January
    ("6th of First Month, 1771", "1771-01-06"),
    ("the 10th of February 1722", "1722-02-10"),  # no sign of Old Style: as written
    ("c.1275–1304/6", None),  # no double year: 1306 is not the year after 1304
    ("12 January 1940/1", "1941-01-12"),  # from 1752 on the later year, a Gregorian day
    ("1939/40", None),  # a span of years
    ("May 1940", "1940-05"),
])
def test_chronology_old_style_only_where_the_text_says_so(surface, when):
    """Quaker months from 1752 on and dates with no double year keep their reading."""
    r = Chronology(Day(1780)).resolve(surface)
    assert "julian" not in r.flags.split(",")
    if when:
        assert dict(r.attrs) == {"when": when}


@pytest.mark.parametrize("text, surface, when", [
    ("The Committee met on 12 January 1940/1 and again in March.", "12 January 1940/1",
     "1941-01-12"),
    ("Received of Mr Pennant the 10 February 1760/1 the sum of five pounds.",
     "the 10 February 1760/1", "1761-02-10"),
    ("Our meeting was held Jan. 3, 1800/1, at the house of John Cox.", "Jan. 3, 1800/1",
     "1801-01-03"),
    ("He came home on 29 February 1763/4 and stayed.", "29 February 1763/4", "1764-02-29"),
    ("Her sister was born the 29th of February 1723/4.", "the 29th of February 1723/4",
     "1724-03-11"),
    ("The rent was paid at Candlemas 1760/1 in full.", "Candlemas 1760/1", "1761-02-02"),
    ("We met on St David's day 1760/1 at Bangor.", "St David's day 1760/1", "1761-03-01"),
    ("He was married on Shrove Tuesday 1760/1.", "Shrove Tuesday 1760/1", "1761-02-03"),
    ("The rent was paid at Candlemas 1722/3 in full.", "Candlemas 1722/3", "1723-02-13"),
])
def test_chronology_a_double_year_after_1752(text, surface, when):
    """A double year kept by habit after the change of 1752 ("12 January 1940/1") means the
    later year for a date from January to 24 March, its day a Gregorian one, with no julian
    flag, the reason saying so; a 29 February of the later year is read; a feast with a
    double year is found whole whatever the year, and one from January to 24 March is the
    later year's feast, Shrove Tuesday 1761's day (was: no value, the words read as a span of
    years; "29 February 1723/4" none, 1723 having no 29 February; "Candlemas 1760/1" found as
    "Candlemas 1760", 1760-02-02)."""
    got = {text[s:e]: r for s, e, r in date_mentions(text, [], Dating(Day(1800), "the title"))}
    r = got[surface]
    assert dict(r.attrs) == {"when": when} and r.cert == "high"
    assert ("julian" in r.flags) == (when < "1752")
    if when > "1752":
        assert "a double year" in r.reason and "Gregorian day" in r.reason


@pytest.mark.parametrize("text, surface, when", [
    ("The deed is dated February 29, 1699/1700, at Chester.", "February 29, 1699/1700",
     "1700-03-11"),
    ("She was born the 29th of February 1699/1700.", "the 29th of February 1699/1700",
     "1700-03-11"),
    ("He was born on 29 February 1699 O.S. at Bristol.", "29 February 1699 O.S.", "1700-03-11"),
])
def test_chronology_a_julian_leap_day_the_gregorian_calendar_has_not(text, surface, when):
    """29 February of 1700, a leap year of the Julian calendar and none of the Gregorian, is a
    day of a date written Old Style (a double year, "O.S."): its value the Gregorian 11 March
    1700, the words found whole and flagged julian (was: no value, the words read against the
    Gregorian calendar, which has no 29 February 1700)."""
    got = {text[s:e]: r for s, e, r in date_mentions(text, [], Dating(Day(1700), "the title"))}
    r = got[surface]
    assert dict(r.attrs) == {"when": when} and r.cert == "high"
    assert "julian" in r.flags.split(",") and "1700-02-29 Old Style" in r.reason


@pytest.mark.parametrize("text, surface", [
    ("He came home on 29 February 1760/1 and stayed.", "29 February 1760/1"),
    ("He came home on 29 February 1720/1 and stayed.", "29 February 1720/1"),
    ("Her sister died the 29th of 12th month 1721, aged 3.", "the 29th of 12th month 1721"),
    ("He was born on 29 February 1720 O.S. at Bristol.", "29 February 1720 O.S."),
])
def test_chronology_an_old_style_day_its_year_has_not(text, surface):
    """A 29 February Old Style puts in a year that has none, Julian or Gregorian (1760/1 is
    1761's February; 1720/1 is 1721's; the Twelfth Month of 1721 is February 1722; 1720 O.S.
    counts February in 1721), names no day: no value, as "29 February 1722/3" and "30
    February 1760" have none (was: the words read as written, 1760-02-29, 1720-02-29,
    1721-12-29, 1720-02-29, stated in full); "30 March 1760/1", after Lady Day, is still the
    first year's day as written."""
    got = {text[s:e]: r for s, e, r in date_mentions(text, [], Dating(Day(1800), "the title"))}
    assert not any(r.attrs for r in got.values()), got
    assert Chronology(Day(1780)).resolve(surface).attrs == ()
    assert dict(Chronology(Day(1780)).resolve("30 March 1760/1").attrs) == {"when": "1760-03-30"}


@pytest.mark.parametrize("text, surface, why", [
    ("My father wrote on 29 February 1760/1 and stayed.", "29 February 1760/1",
     "February 1761 has no 29th"),
    ("He came home on 29 February 1720/1 and stayed.", "29 February 1720/1",
     "February 1721 has no 29th"),
    ("Her sister died the 29th of 12th month 1721, aged 3.", "the 29th of 12th month 1721",
     "February 1722 has no 29th"),
    ("He was born on 29 February 1720 O.S. at Bristol.", "29 February 1720 O.S.",
     "February 1721 has no 29th"),
    ("and again on 30 February 1761 he wrote.", "30 February 1761", "February 1761 has no 30th"),
    ("He left on February 30, 1761 for Bath.", "February 30, 1761", "February 1761 has no 30th"),
    ("We shall meet on the 31st of June.", "the 31st of June", "June has no 31st"),
])
def test_chronology_a_day_its_month_has_not_is_proposed_without_a_value(text, surface, why):
    """Words that would be a date but for a day their month has not, in the year as written
    Old Style or not, are found whole and proposed with no value, flagged no-such-day, the reason
    saying which day is missing, so that the editor sees them and tags them as other dates
    without a value are (was: not proposed at all, while the docs said such a date "gets no
    value"); the 29th of a leap year's February and the 31st of May are days."""
    got = {text[s:e]: r for s, e, r in date_mentions(text, [], Dating(Day(1800), "the title"))}
    assert list(got) == [surface], got
    r = got[surface]
    assert r.attrs == () and r.cert == "" and r.flags == "no-such-day"
    assert r.reason == f"no such day: {why}"
    assert read_expression("29 February").kind == "partial"
    assert read_expression("31 May 1790").kind == "value"


def test_calendar_old_style_rules():
    """The calendar's rules on their own: Julian to Gregorian ten days apart before March
    1700 and eleven after, the Quakers' Eleventh Month of 1750 is January 1751, and a Julian
    29 February the Gregorian calendar has not is read."""
    from annotator.calendar import julian_to_gregorian, no_old_style_day, old_style
    assert julian_to_gregorian(1752, 9, 2) == (1752, 9, 13)
    assert julian_to_gregorian(1699, 6, 1) == (1699, 6, 11)
    assert julian_to_gregorian(1700, 2, 29) == (1700, 3, 11)
    read = old_style(1750, 11, None, quaker=True)
    assert read is not None and read.value == (1751, 1, None)
    assert old_style(1752, 1, 1, quaker=True) is None
    assert old_style(1721, 3, 24, double=True).written == (1722, 3, 24)
    assert old_style(1731, None, marked=True).value == (1731, None, None)  # "1731 O.S."
    assert no_old_style_day(1760, 2, 29, double=True)  # 1761 has no 29 February
    assert not no_old_style_day(1760, 3, 30, double=True)  # after Lady Day: as written
    assert not no_old_style_day(1780, 12, 29, quaker=True)  # from 1752 the months as written


def test_chronology_old_style_running_date():
    """Days a text gives after an Old Style date are Julian days too, counted as written and
    given as their Gregorian day, and a Quaker month without a year counts from March: a
    journal before 1752 in John Hunt's forms, and the Washington family Bible's "the 3d of
    April following" (was: the running date restarted from the converted day, so "11." after
    the Tenth Month's 10th was read as the next month's, and the Eleventh Month was November)."""
    chron = Chronology()
    got = [chron.resolve(s, entry=e) for s, e in (
        ("10 of the Tenth Month 1740.", True), ("11.", True), ("1 of the Eleventh Month.", True),
        ("5 of the Twelfth Month.", True), ("the next day", False),
        ("1st of the Seventh Month, 1770.", True), ("2.", True))]
    assert [dict(r.attrs)["when"] for r in got] == [
        "1740-12-21", "1740-12-22", "1741-01-12", "1741-02-16", "1741-02-17", "1770-07-01",
        "1770-07-02"]
    assert ["julian" in r.flags for r in got] == [True] * 5 + [False] * 2
    assert "Julian 1741-01-01 is Gregorian 1741-01-12" in got[2].reason
    text = ("George Washington Son to Augustine & Mary his Wife was Born ye 11th Day of February "
            "1731/2 about 10 in the Morning & was Baptiz'd the 3d of April following")
    dated = {text[s:e]: r for s, e, r in date_mentions(text, [], Dating(Day(1732), "the title"))}
    assert dict(dated["the 3d of April"].attrs) == {"when": "1732-04-14"}


def test_chronology_old_style_date_named_in_a_later_journal():
    """A journal of 1770 that names a birth of 1709 in Old Style goes on in its own year: its
    next Quaker month counts from January (John Hunt's family record, A0011517)."""
    chron = Chronology()
    chron.resolve("1st of the Seventh Month, 1770.", entry=True)
    born = chron.resolve("the 21st day of the Second Month, 1709")
    assert dict(born.attrs) == {"when": "1709-05-02"}
    nxt = chron.resolve("1 of the Eighth Month.", entry=True)
    assert (dict(nxt.attrs), nxt.flags) == ({"when": "1770-08-01"}, "")


@pytest.mark.parametrize("text, surface, when", [
    # the TEI Guidelines' att.calendarSystem example (CC BY), which dates it when="1732-02-22"
    ("He was born on Feb. 22, 1732 (Feb. 11, 1731/32, O.S.).", "Feb. 11, 1731/32, O.S.",
     "1732-02-22"),
    ("He was born on Feb. 11, 1731 O.S. in Virginia.", "Feb. 11, 1731 O.S.", "1732-02-22"),
    ("the Prince landed the 5th of November, 1688, Old Style, at Torbay",
     "the 5th of November, 1688, Old Style", "1688-11-15"),
])
def test_chronology_a_date_marked_old_style(text, surface, when):
    """"O.S." or "Old Style" after a date makes its day a Julian one, its year counted from 25
    March before 1752; the span takes the mark in (was: the day read as Gregorian, the mark
    left out)."""
    got = {text[s:e]: r for s, e, r in date_mentions(text, [], Dating(Day(1800), "the title"))}
    assert dict(got[surface].attrs) == {"when": when}
    assert "julian" in got[surface].flags


def test_chronology_a_date_marked_new_style_is_read_as_written():
    text = "dated 10 February 1723 N.S. at London"
    got = {text[s:e]: r for s, e, r in date_mentions(text, [], Dating(Day(1800), "the title"))}
    assert dict(got["10 February 1723 N.S."].attrs) == {"when": "1723-02-10"}
    assert got["10 February 1723 N.S."].flags == ""


def test_chronology_old_style_quaker_month_first_day():
    """"Ninth Month First Day" (John Hunt's form: the month's first day) before 1752 is the
    first of November, a Julian day (was: the first-day rule dropped the Old Style reading:
    1740-11-01 stated in full)."""
    got = Chronology().resolve("Ninth Month First Day 1740.", entry=True)
    assert (dict(got.attrs), got.flags) == ({"when": "1740-11-12"}, "julian")


_LETTER_DAYS = re.compile(r"\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|only yesterday")


@pytest.mark.parametrize("text, dated, want", [
    # Lamb to Manning, London, Saturday 5 April 1800: "last" the one before, a present tense
    # in its own clause one to come
    ("Your letter came yesterday. I saw Coleridge on Tuesday last, and on Friday he goes to "
     "Stowey.", Day(1800, 4, 5),
     [("yesterday", "1800-04-04"), ("Tuesday last", "1800-04-01"), ("Friday", "1800-04-11")]),
    # Dorothy Wordsworth, Grasmere, Monday 3 March 1806: spoken of as past
    ("Mary and William went to Kendal on Saturday, and Sir George Beaumont writes from "
     "Coleorton that Lady Beaumont is better. The last letter you wrote came only yesterday.",
     Day(1806, 3, 3), [("Saturday", "1806-03-01"), ("yesterday", "1806-03-02")]),
    ("Mr Jackson of Keswick called on Tuesday last and told us that Southey is gone to "
     "Lisbon.", Day(1800, 2, 27), [("Tuesday last", "1800-02-25")]),
    ("We hope to see you at Keswick on Monday, if the weather holds.", Day(1800, 2, 27),
     [("Monday", "1800-03-03")]),
    ("I shall write again next Sunday.", Day(1800, 2, 27), [("next Sunday", "1800-03-02")]),
    # what a verb in the present binds or means to do, its infinitive with "to", is to come;
    # bound in the past, it is past (was: no value for the first five, no cue known)
    ("Business obliges me to go to Chester on Thursday.", Day(1800, 3, 3),
     [("Thursday", "1800-03-06")]),
    ("I am to go to Chester on Thursday.", Day(1800, 3, 3), [("Thursday", "1800-03-06")]),
    ("I must go to Chester on Thursday.", Day(1800, 3, 3), [("Thursday", "1800-03-06")]),
    ("I have to be at Chester on Thursday.", Day(1800, 3, 3), [("Thursday", "1800-03-06")]),
    ("I wish to see you at Chester on Thursday.", Day(1800, 3, 3),
     [("Thursday", "1800-03-06")]),
    ("Business obliged me to go to Chester on Thursday.", Day(1800, 3, 3),
     [("Thursday", "1800-02-27")]),
    # nothing says which: no value, as before
    ("Many thanks for your kind letter of Tuesday.", Day(1800, 2, 27), [("Tuesday", None)]),
])
def test_chronology_a_weekday_in_a_letter_lies_before_or_after_its_date(text, dated, want):
    """A weekday alone in a dated letter is the one before the letter's date where its clause
    speaks of the past or "last" follows it, the one after where it speaks of what is to come
    or "next" stands with it, cert medium; "only yesterday" is "yesterday", its value kept
    (was: "Tuesday", "Saturday", "Friday" no value, "last" left out of the span; "only
    yesterday" the span, no value)."""
    spans = [m.span() for m in _LETTER_DAYS.finditer(text)]
    dating = Dating(dated, f"the dateline {dated.tei()}", ((0, len(text), "p"),))
    got = date_mentions(text, spans, dating)
    assert [(text[s:e], dict(r.attrs).get("when")) for s, e, r in got] == want
    assert all(r.cert == "medium" for _, _, r in got if r.attrs)
    reasons = {text[s:e]: r.reason for s, e, r in got}
    if "Saturday" in reasons:
        assert reasons["Saturday"] == \
            "the Saturday before the dateline 1806-03-03 (spoken of as past)"


def test_chronology_a_weekday_heading_a_diary_takes_no_tense():
    """A weekday opening a line heads an entry: its sentence's tense ("Sunday. We went to
    church") does not move it to the Sunday before the running date; it stays the weekday of
    that date or none."""
    text = "Tuesday 6. Rain.\n\nSunday. We went to church and heard a good sermon."
    spans = [m.span() for m in re.finditer(r"Sunday", text)]
    got = date_mentions(text, spans, Dating(Day(1778, 5), "the title",
                                            ((0, 16, "p"), (18, len(text), "p"))))
    assert [(text[s:e], dict(r.attrs).get("when")) for s, e, r in got] == \
        [("Tuesday 6", "1778-05-06"), ("Sunday", None)]


def test_chronology_no_tense_moves_an_ordinal_day_a_diarys_weekday_or_a_duration():
    """EHRI testimonies (CC BY 4.0): "On the third day of this miserable hike" is an ordinal
    day, no Quaker Third Day, and "just one month" a duration, not "one month"; in a diary
    (its entries days) a weekday in its prose is no day before or after a letter's date."""
    text = ("On the third day of this miserable hike, the children and I resolved we would "
            "rather be shot dead trying to escape. That sum enabled the black marketeer who "
            "sold it to buy food and tobacco for just one month.")
    spans = [m.span() for m in re.finditer(r"third day|just one month", text)]
    dating = Dating(Day(1945, 10, 18), "the header's creation date 1945-10-18",
                    ((0, len(text), "p"),))
    assert [(text[s:e], dict(r.attrs)) for s, e, r in date_mentions(text, spans, dating)] == \
        [("third day", {})]
    diary = "12. At home.\n\n14. Went to meeting. We stayed till Thursday, and went home."
    spans = [m.span() for m in re.finditer(r"Thursday", diary)]
    got = date_mentions(diary, spans, Dating(Day(1772, 5), "the title",
                                             ((0, 12, "p"), (14, len(diary), "p"))))
    assert [(diary[s:e], dict(r.attrs).get("when")) for s, e, r in got][-1] == \
        ("Thursday", None)


def test_dates_ask_the_marked_and_editorial_spans_by_bisection_as_any_would():
    """date_mentions asks whether a marked date overlaps a date and whether the editor's
    voice holds it by the furthest end among the spans starting before it (``_reach``), for
    nested, overlapping, touching and empty lists alike: what ``any`` over them all says."""
    import random

    from annotator.chronology import _reach

    rng = random.Random(7)
    for n in (0, 1, 2, 5, 30):
        spans = [(a, a + rng.randint(0, 12)) for a in (rng.randint(0, 60) for _ in range(n))]
        furthest = _reach(spans)
        for s in range(0, 70):
            for e in range(s, s + 15):
                assert (furthest(e) > s) == any(a < e and s < b for a, b in spans)
                assert (furthest(s + 1) >= e) == any(a <= s and e <= b for a, b in spans)


@pytest.mark.parametrize("line", [
    "31 August 179[1]", "[17]91 and [?] 1790[?]", "[sic] 3 May", "Aug. 31 [1791]",
    "[c. 1790]", "no brackets", "[[x]]", "a [b] c [d] e"])
def test_a_bracketed_line_is_read_with_its_brackets_gone_character_for_character(line):
    """The finder reads a line holding an editor's brackets without them: its words so, and
    where each of their characters stands in the line (taken by runs of kept characters)."""
    from annotator.chronology import _bracketed

    got = _bracketed(line)
    if got is None:
        return
    plain, where, gone = got
    assert where == [i for i, x in enumerate(gone) if not x]
    assert plain == "".join(line[i] for i in where)


def test_chronology_a_relative_date_without_a_value_says_why():
    """"last week" in a letter was proposed with no value and an empty reason (user41 report,
    defect 11), as were other relative dates and a weekday no day or tense placed; now each
    says why it has no value (a week in a dated letter has its range since: see
    test_chronology_last_week_and_last_month_in_a_dated_letter)."""
    text = "London, 11 February 1788.\nI saw him just a year before, and shall write on Tuesday."
    blocks = ((0, 25, "dateline"), (26, len(text), "p"))
    spans = [(text.index("just a year before"), text.index(",", 26))]
    got = {text[s:e]: r for s, e, r in date_mentions(
        text, spans, Dating(Day(1788, 2, 11), "the dateline", blocks))}
    year = got["just a year before"]
    assert (year.attrs, year.flags) == ((), "relative")
    assert year.reason.startswith("relative: counted from another time")
    assert Chronology().resolve("the following years").reason == year.reason
    alone = Chronology().resolve("last week")
    assert (alone.attrs, alone.reason, alone.flags) == (
        (), "no full date to count the week from", "relative")
    tuesday = Chronology(Day(1788, 2, 11), "the dateline").resolve("Tuesday", block=1)
    assert (tuesday.attrs, tuesday.reason) == ((), "a weekday alone, neither past nor to come "
                                               "in its sentence: which Tuesday, before or "
                                               "after the dateline, is left to the editor")
    assert Chronology().resolve("Monday").reason == "no full date to count the weekday from"


def test_chronology_last_week_and_last_month_in_a_dated_letter(nlp):
    """"last week", "next week", "last month" in a dated letter get their range as "last
    Tuesday" gets its day: the week (Monday to Sunday) before or after the letter's week, as
    notBefore/notAfter, the month before or after its month, a month's value as "March" alone
    has; cert medium, the reason saying from what (was: no value, flagged relative, the
    reason 'relative: counted from another time, or vague'). A letter dated by its month
    alone gives a month, no week; "the last week" (the seven days up to it) stays without a
    value. The spans are the real model's."""
    text = ("London, Thursday 1 April 1790.\nI saw him in town last week, and he came again "
            "last month. I shall see him next week.")
    blocks = ((0, 30, "dateline"), (31, len(text), "p"))
    spans = [(e.start_char, e.end_char) for e in nlp(text).ents if e.label_ == "DATE"]
    got = {text[s:e]: r for s, e, r in date_mentions(
        text, spans, Dating(Day(1790, 4, 1), "the dateline", blocks))}
    assert {w: dict(r.attrs) for w, r in got.items() if w != "Thursday 1 April 1790"} == {
        "last week": {"notBefore": "1790-03-22", "notAfter": "1790-03-28"},
        "last month": {"when": "1790-03"},
        "next week": {"notBefore": "1790-04-05", "notAfter": "1790-04-11"}}
    assert (got["last week"].cert, got["last week"].flags, got["last week"].reason) == (
        "medium", "", "the week (Monday to Sunday) before the one of the dateline")
    assert got["last month"].reason == "the month before the dateline"
    # January: the year before; a Monday's week starts on it
    monday = Chronology(Day(1790, 1, 4), "the dateline")
    assert dict(monday.resolve("last week").attrs) == {"notBefore": "1789-12-28",
                                                       "notAfter": "1790-01-03"}
    assert dict(monday.resolve("last month").attrs) == {"when": "1789-12"}
    month_only = Chronology(Day(1790, 4), "the dateline")
    assert dict(month_only.resolve("next month").attrs) == {"when": "1790-05"}
    assert month_only.resolve("next week").attrs == ()
    assert Chronology(Day(1790, 4, 1), "the dateline").resolve("the last week").attrs == ()


def _letter_dates(anchor: tuple[int, ...], text: str) -> list[tuple[str, str | None, str]]:
    """(words, @when, reason) of each date found in a letter of the date ``anchor``."""
    return [(text[s:e], dict(r.attrs).get("when"), r.reason) for s, e, r in
            date_mentions(text, [], Dating(Day(*anchor), "the dateline"))]


def test_chronology_a_day_in_the_datelines_month_is_placed_by_its_day_and_tense():
    """A day of the month of a letter's date, without its year, is placed by its day and its
    sentence's tense, as a feast in that month is: "we arrived there on 20 April" in a letter
    of 1 April 1790 is 1789-04-20, "we shall go on 2 April" in one of 20 April 1790
    1791-04-02; spoken of as past before the letter's day, or to come after it, it keeps the
    letter's year, and so it does with no tense ("there is a fair on 20 April") (was: the
    letter's year whatever the day and the tense, its months alone compared: 1790-04-20,
    nineteen days after the letter, for what had happened)."""
    got = _letter_dates((1790, 4, 1), "We arrived there on 20 April. We shall arrive there "
                        "again on 20 April. There is a fair on 20 April.")
    assert [w for _, w, _ in got] == ["1789-04-20", "1790-04-20", "1790-04-20"]
    assert [r for _, _, r in got] == ["the April before the dateline (spoken of as past)",
                                      "year from the dateline", "year from the dateline"]
    got = _letter_dates((1790, 4, 20), "We went there on 2 April. We shall go there on 2 "
                        "April.")
    assert [w for _, w, _ in got] == ["1790-04-02", "1791-04-02"]


def test_chronology_a_feast_in_the_datelines_month_agrees_with_its_day():
    """A feast, movable or fixed, in the month of a letter's date is placed as the day it
    falls on is, by one test (_by_its_day): with no tense, the letter's year ("Easter is
    early" in a letter of 10 April 1790: Easter 1790, 1790-04-04, as "4 April" there), with
    one, its day against the letter's; in a letter dated by its month alone, no day to
    compare, the letter's year for both ("we went there last Easter" in a letter of April
    1790: Easter 1790, as "on 4 April" there; was: Easter 1789, 1789-04-12, its day compared
    with none, while a plain day kept 1790). A movable feast's day is then counted for the
    year found: the years agree."""
    def same(anchor: tuple[int, ...], sentence: str, feast: str, day: str) -> None:
        got = _letter_dates(anchor, f"{sentence.format(feast)} {sentence.format(day)}")
        assert got[0][0] == feast and got[1][0] == day, got
        assert got[0][1] and got[1][1] and got[0][1][:4] == got[1][1][:4], \
            (anchor, sentence, got)
    for anchor in [(1790, 4, 10), (1790, 4)]:
        for sentence in ["We dined there on {}.", "We shall dine there on {}.",
                         "The fair is on {}."]:
            same(anchor, sentence, "Easter", "4 April")
    for anchor in [(1790, 3, 20), (1790, 3, 28), (1790, 3)]:
        for sentence in ["I went there on {}.", "I shall go there on {}.", "I go on {}."]:
            same(anchor, sentence, "Lady Day", "25 March")
    assert [w for _, w, _ in _letter_dates((1790, 4), "We went there last Easter.")] == \
        ["1790-04-04"]
    assert [w for _, w, _ in _letter_dates((1790, 4, 10), "Easter is early.")] == \
        ["1790-04-04"]


def test_chronology_a_day_its_month_has_not_is_flagged_apart_from_a_missing_part():
    """A date whose day its month has not ("30 February 1761", "the 31st" in a letter of June,
    the 31st of this month there, "29 February '61") is flagged no-such-day, apart from a date
    that lacks a part nothing supplies ("April" with no year to take, "the 3rd" with no
    month), flagged partial: the one is the writer's slip or a misreading to correct, the
    other a date to complete (was: both partial). A month with its year, "April 1790", is a
    value, 1790-04, with no flag, as before."""
    june = Chronology(Day(1790, 6, 3), "the dateline")
    for words, reason in [("30 February 1761", "no such day: February 1761 has no 30th"),
                          ("the 31st", "not a day of that month"),
                          ("the 31 of this month", "not a day of that month")]:
        r = june.resolve(words)
        assert (r.attrs, r.flags, r.reason) == ((), "no-such-day", reason), words
    r = Chronology(Day(1700, 4, 1), "the dateline").resolve("29 February '61")
    assert (r.attrs, r.flags, r.reason) == ((), "no-such-day", "not a day of that year")
    for words, reason in [("April", "no year to take it from"),
                          ("the 3rd", "no month to take it from")]:
        r = Chronology().resolve(words)
        assert (r.attrs, r.flags, r.reason) == ((), "partial", reason), words
    r = june.resolve("April 1790")
    assert (r.attrs, r.flags, r.cert) == ((("when", "1790-04"),), "", "high")


def test_chronology_a_note_keeps_the_datelines_year_for_a_day_of_its_month(tmp_path):
    """A day of the letter's month in a note, written after the letter, keeps the letter's
    year whatever its tense: the receiver's "Received this 22 of the 3rd month" in the
    margin of a dateline of 17 March 1824 (Friendly Networks A00187148) is 1824-03-22, while
    "we arrived there on 20 March" in the letter's own words is 1823's (was, with the day rule
    alone: 1823-03-22, the receiver's past taken for the writer's)."""
    path = tmp_path / "letter.xml"
    path.write_text(f"""<TEI xmlns="{TEI_NS}"><teiHeader><fileDesc><titleStmt><title>A letter
</title></titleStmt><publicationStmt><p>x</p></publicationStmt><sourceDesc><p>x</p></sourceDesc>
</fileDesc></teiHeader><text><body><opener><dateline>near Burlington, 3rd month 17th 1824.<note
type="authorial" place="margin">Received this 22 of the 3rd month</note></dateline>
<salute>Dear Friend</salute></opener><p>We arrived there on 20 March, and are well.</p>
</body></text></TEI>""", encoding="utf-8")
    got = {words: value for words, value, _, _ in _dated("", parse_source(path))}
    assert got == {"3rd month 17th 1824": {"when": "1824-03-17"},
                   "22 of the 3rd month": {"when": "1824-03-22"},
                   "20 March": {"when": "1823-03-20"}}


def test_chronology_a_week_or_month_of_the_story_gets_no_range():
    """"last month", "next week" with "the" (or a possessive) before them or "of" after are
    counted from a time the story tells, not from the day of writing, and get no value:
    "During the last month of my stay in Theresienstadt" in a testimony of July 1945 (EHRI
    YV3549264, the model's span "last month"), "in the Course of the next week" (was, with
    the week and month rule alone: 1945-06 and the week after the letter's)."""
    text = ("London, 2 July 1945.\nDuring the last month of my stay I shared a room. He will "
            "come in the Course of the next week. I saw him last month.")
    blocks = ((0, 20, "dateline"), (21, len(text), "p"))
    spans = [(m.start(), m.end()) for m in re.finditer(r"(?:last|next) (?:month|week)", text)]
    got = [(text[s:e], dict(r.attrs), r.flags) for s, e, r in date_mentions(
        text, spans, Dating(Day(1945, 7, 2), "the dateline", blocks))]
    assert got[1:] == [("last month", {}, "relative"), ("next week", {}, "relative"),
                       ("last month", {"when": "1945-06"}, "")]
