"""Date normalisation: a table of expressions and their TEI values, never today's date."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.dates import merge_date_spans, normalise_date, widen_date_span

TABLE = [
    # exact points, at the precision written
    ("1935", {"when": "1935"}, ""),
    ("July 1940", {"when": "1940-07"}, ""),
    ("in July 1940", {"when": "1940-07"}, ""),
    ("June 1941", {"when": "1941-06"}, ""),
    ("25 November 1940", {"when": "1940-11-25"}, ""),
    ("November 25, 1940", {"when": "1940-11-25"}, ""),
    ("the 25th of November 1940", {"when": "1940-11-25"}, ""),
    ("Sept. 1939", {"when": "1939-09"}, ""),
    ("1940-11-25", {"when": "1940-11-25"}, ""),
    ("25 November", {"when": "--11-25"}, ""),
    # ranges
    ("October and November 1940", {"from": "1940-10", "to": "1940-11"}, ""),
    ("12 to 14 November 1940", {"from": "1940-11-12", "to": "1940-11-14"}, ""),
    ("12–14 November 1940", {"from": "1940-11-12", "to": "1940-11-14"}, ""),
    ("3 October to 5 November 1940", {"from": "1940-10-03", "to": "1940-11-05"}, ""),
    ("from 1939 to 1945", {"from": "1939", "to": "1945"}, ""),
    ("between 1939 and 1945", {"from": "1939", "to": "1945"}, ""),
    ("1939–45", {"from": "1939", "to": "1945"}, ""),
    ("November 1940 to March 1941", {"from": "1940-11", "to": "1941-03"}, ""),
    # fuzzy: the coarser value, or a bracket
    ("early June 1940", {"when": "1940-06"}, "fuzzy"),
    ("late 1941", {"when": "1941"}, "fuzzy"),
    ("mid-1941", {"when": "1941"}, "fuzzy"),
    ("the summer of 1940", {"when": "1940"}, "fuzzy"),
    ("the 1930s", {"notBefore": "1930", "notAfter": "1939"}, ""),
    ("1940s", {"notBefore": "1940", "notAfter": "1949"}, ""),
    # the nth century as catalogues count it: the 19th is 1800-1899, as the 1800s
    ("the 19th century", {"notBefore": "1800", "notAfter": "1899"}, ""),
    ("the 1800s", {"notBefore": "1800", "notAfter": "1899"}, ""),
    # Curious Travellers 0004 (was: no value, flagged relative)
    ("twelfth century", {"notBefore": "1100", "notAfter": "1199"}, ""),
    ("the ninth century", {"notBefore": "0800", "notAfter": "0899"}, ""),
    # "early", "mid", "late": the first, middle or last third (was: the whole, fuzzy)
    ("the late eighteenth-century", {"notBefore": "1766", "notAfter": "1799"}, "fuzzy"),
    ("late eighteenth-century", {"notBefore": "1766", "notAfter": "1799"}, "fuzzy"),
    ("early 1800s", {"notBefore": "1800", "notAfter": "1833"}, "fuzzy"),
    ("the middle of the 19th century", {"notBefore": "1833", "notAfter": "1866"}, "fuzzy"),
    ("the beginning of the twentieth century", {"notBefore": "1900", "notAfter": "1933"},
     "fuzzy"),
    ("mid-1930s", {"notBefore": "1933", "notAfter": "1936"}, "fuzzy"),
    ("the end of the 1790s", {"notBefore": "1796", "notAfter": "1799"}, "fuzzy"),
    ("about the 1790s", {"notBefore": "1790", "notAfter": "1799"}, "fuzzy"),
    ("the twenty-first century", {"notBefore": "2000", "notAfter": "2099"}, ""),
    ("in the year 1635", {"when": "1635"}, ""),
    ("the Year 1585", {"when": "1585"}, ""),
    ("Years 1750", {"when": "1750"}, ""),
    ("the last Century", {}, "relative"),
    ("year 35", {}, "relative"),
    # relative: kept, without a value
    ("just a year before", {}, "relative"),
    ("the following years", {}, "relative"),
    ("the period before", {}, "relative"),
    ("the immediate future", {}, "relative"),
    ("Monday", {}, "relative"),
]


@pytest.mark.parametrize(("surface", "value", "flags"), TABLE, ids=[t[0] for t in TABLE])
def test_dates_table(surface, value, flags):
    got = normalise_date(surface)
    assert got is not None
    assert got.as_dict() == value
    assert got.flags == flags


@pytest.mark.parametrize("surface", ["two-day", "three years", "a week", "fourth", "12", "",
                                     "February 30, 1940", "14 to 12 November 1940"])
def test_dates_not_a_date(surface):
    assert normalise_date(surface) is None


@pytest.mark.parametrize("surface", ["day", "all day", "the winter", "Summer", "our day's",
                                     "the whole week", "all the days"])
def test_dates_a_time_word_alone_is_no_date(surface):
    """Before: "rained all day", "the heat of the day", "gathering winter apples" gave date
    mentions flagged relative; a time word with nothing placing it names no date."""
    assert normalise_date(surface) is None


@pytest.mark.parametrize("surface", ["this day", "the next day", "a very hot summer",
                                     "the following winter", "some time"])
def test_dates_a_placed_time_word_stays_relative(surface):
    assert normalise_date(surface).flags == "relative"


def test_dates_leap_day():
    assert normalise_date("29 February 1940").as_dict() == {"when": "1940-02-29"}
    assert normalise_date("29 February 1941") is None


def test_dates_widen_takes_in_the_clipped_range_start():
    text = "After negotiations from 12 to 14 November 1940, Ribbentrop"
    start = text.index("November")
    s, e = widen_date_span(text, start, start + len("November 1940"))
    assert text[s:e] == "12 to 14 November 1940"


@pytest.mark.parametrize(("text", "model", "wide"), [
    ("from 12–14 November 1940 on", "14 November 1940", "12–14 November 1940"),
    ("from 12 —\t14 November 1940 on", "14 November 1940", "12 —\t14 November 1940"),
    ("from 12 THROUGH 14 November 1940", "14 November 1940", "12 THROUGH 14 November 1940"),
    ("on the 3rd of\u00a0November 1940", "November 1940", "3rd of\u00a0November 1940"),
    ("on the 3rd November 1940", "November 1940", "3rd November 1940"),
    ("went on November 1940", "November 1940", "November 1940"),
    ("from 12 to14 November 1940", "14 November 1940", "14 November 1940")])
def test_dates_widen_where_the_words_before_end_as_a_range_or_a_day(text, model, wide):
    """Only words ending in a space after a day, "of" or a word of a range, or in a dash, are
    read for a clipped range or day (the rest are not searched): each such end, in any case,
    and no other."""
    start = text.index(model)
    s, e = widen_date_span(text, start, start + len(model))
    assert text[s:e] == wide


def test_dates_widen_leaves_a_stray_number_out():
    text = "He had 12 divisions. November 1940 came."
    start = text.index("November")
    assert widen_date_span(text, start, start + 13) == (start, start + 13)


def test_dates_merge_neighbours_into_a_range():
    text = "occurred in October and November 1940, nominally"
    a = text.index("October")
    b = text.index("November")
    assert merge_date_spans(text, [(a, a + 7), (b, b + 13)]) == [(a, b + 13)]
    # two dates that do not form a range stay apart
    text2 = "in 1935 and June 1941"
    assert len(merge_date_spans(text2, [(3, 7), (12, 21)])) == 2


@given(st.integers(1000, 2999), st.integers(1, 12))
def test_dates_month_year_keeps_its_precision(year, month):
    from annotator.dates import MONTHS

    name = next(k for k, v in MONTHS.items() if v == month and len(k) > 3 or
                (v == month and k == "may"))
    value = normalise_date(f"{name.title()} {year}")
    assert value.as_dict() == {"when": f"{year:04d}-{month:02d}"}


@given(st.text(max_size=40))
def test_dates_never_crash_and_never_invent(surface):
    value = normalise_date(surface)
    if value is not None and value.attrs:
        import re

        years = set(re.findall(r"\d{2,4}", surface))
        for _, v in value.attrs:
            year = v.lstrip("-").split("-")[0]
            assert any(year.startswith(y[:2]) for y in years) or v.startswith("--")


def test_dates_a_value_is_a_day_exactly_when_the_tei_schema_takes_it(tei_schema):
    """``real_iso`` (what ``date set`` and the chronology accept) agrees with the datatype check
    of the schema an export is validated by (XML Schema 1.0: no year 0000, -0001 is 1 BC, leap
    years BC as its library counts them): no accepted value makes an export invalid."""
    from lxml import etree

    from annotator.calendar import real_iso

    head = ('<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>t'
            "</title></titleStmt><publicationStmt><p>p</p></publicationStmt><sourceDesc><p>s</p>"
            "</sourceDesc></fileDesc></teiHeader><text><body><p>")
    values = [f"{y}{md}" for y in ("-0045", "-0044", "-0005", "-0004", "-0001", "0000", "-0000",
                                   "0001", "0004", "1900", "2000")
              for md in ("", "-01", "-02-28", "-02-29", "-04-31", "-12-31")]
    values += ["--02-29", "--02-30", "---31", "---32", "--12", "--13"]
    for value in values:
        doc = etree.fromstring(f'{head}<date when="{value}">x</date></p></body></text></TEI>')
        assert real_iso(value) == tei_schema.validate(doc), value


def test_dates_widen_and_merge_stay_within_a_block():
    """A range is read within one block: "1766 –" ending a heading and "August 13" opening
    the next paragraph were merged into one date '1766 –\\n\\nAugust 13' (from 1766 to
    --08-13), and a day ending a block was taken into the next block's date."""
    text = "Tour of 1766 –\n\nAugust 13 we set out"
    a, b = text.index("1766"), text.index("August")
    assert merge_date_spans(text, [(a, a + 4), (b, b + 9)]) == [(a, a + 4), (b, b + 9)]
    assert merge_date_spans(text.replace("\n\n", " "), [(a, a + 4), (b - 1, b + 8)]) == \
        [(a, b + 8)]
    text = "from 12 to\n\n14 November 1940 on"
    start = text.index("14 November")
    assert widen_date_span(text, start, start + 16) == (start, start + 16)


@pytest.mark.parametrize(("surface", "value", "flags"), [
    ("31 August 179[1]", {"when": "1791-08-31"}, ""),
    ("[17]91", {"when": "1791"}, ""),
    ("Aug[ust] 3", {"when": "--08-03"}, ""),
    ("3[rd] May 1790", {"when": "1790-05-03"}, ""),
    ("Aug. 31 [1791]", {"when": "1791-08-31"}, ""),
    ("[c. 1790]", {"when": "1790"}, "fuzzy"),
    ("1790[?]", {"when": "1790"}, "fuzzy"),
    ("May [1791?]", {"when": "1791-05"}, "fuzzy"),
    ("13 May [sic] 1790", {"when": "1790-05-13"}, "")])
def test_dates_read_through_an_editors_brackets(surface, value, flags):
    """Curious Travellers' 1138 dates its letter "31 August 179[1]": no value (was). What an
    editor supplies in brackets is the editor's reading, TEI's value; a "?" there is a doubt."""
    got = normalise_date(surface)
    assert got is not None and (got.as_dict(), got.flags) == (value, flags)
