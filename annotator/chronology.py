"""Dates in a document's own chronology: partial, relative and old forms resolved with a reason.

``annotator.dates`` reads a date expression on its own, at the precision written. A text's
dates are often less than that: "April 11th" in a letter dated 1864, "19th" under a journal's
month heading, "yesterday", "the 3rd of 1st month", "Octr 3d". This module rewrites the old
forms into plain ones (``plain_form``), then walks a source's date mentions in reading order
(``Chronology``): a dated header or dateline is the anchor, each dated entry (dateline, a dated
heading, a day opening a paragraph) restarts the running date, and each partial or relative
date takes what it lacks from it. Every value carries how it was found (``reason``) and how
sure it is (``cert``: high when the text states it in full, medium when inferred); a weekday is
checked against the calendar and a mismatch flagged, never corrected. Nothing comes from the
clock: a date with nothing to resolve against keeps no value.

Pure functions and one small state machine; base layer (imports ``annotator.dates`` and
``annotator.calendar`` only).

DOCS: docs/proposals.md#dates-in-the-documents-chronology
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as _dt
import functools
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from annotator.calendar import (LAST_JULIAN_DAY, NEW_STYLE_YEAR, easter, gregorian_to_julian,
                                julian_to_gregorian, no_old_style_day, old_style, quaker_month,
                                real_iso)
from annotator.dates import (BRACKET_GROUP, MONTHS, ORDINAL_WORDS, bracket_drops, double_year,
                             double_year_end, names_time, normalise_date, part_of, read_through,
                             style_mark, style_mark_end)

MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december")
EDITOR = "set by the editor"  # the reason of a source date an editor gave
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ORDINAL_WORDS = ORDINAL_WORDS
_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_ORD_TENS = {"twentieth": 20, "thirtieth": 30}
# Older English spellings of months: "Octr", "Novr", "Janry", "7ber" (September).
OLD_MONTHS = {
    "janry": 1, "janr": 1, "jany": 1, "janu": 1, "febry": 2, "febr": 2, "feby": 2, "febu": 2,
    "apl": 4, "aprl": 4, "augt": 8, "agust": 8, "septr": 9, "sepr": 9, "sept": 9, "7ber": 9,
    "7br": 9, "octr": 10, "octo": 10, "8ber": 10, "8br": 10, "novr": 11, "novem": 11, "9ber": 11,
    "9br": 11, "decr": 12, "decem": 12, "xber": 12, "10ber": 12, "xbr": 12, "10br": 12,
    "febuary": 2, "feburary": 2, "januar": 1, "septembr": 9, "octobr": 10, "novembr": 11,
    "decembr": 12,
}
_ALL_MONTHS = {**MONTHS, **OLD_MONTHS}
MONTH_WORD = r"(?:" + "|".join(sorted(map(re.escape, _ALL_MONTHS), key=len, reverse=True)) + \
    r")\b\.?"
_NUM_WORD = r"(?:" + "|".join(sorted([*_ORDINAL_WORDS, *_UNITS, *_TENS], key=len,
                                     reverse=True)) + r")"
_QUAKER_DAY = re.compile(  # "First Day" is Sunday, "the 7th day" Saturday (not "7th day of")
    r"\b(?:the\s+)?(first|second|third|fourth|fifth|sixth|seventh|1st|2d|2nd|3d|3rd|4th|5th|6th|"
    r"7th|[1-7])\s*day\b(?:\s+of\s+the\s+week\b)?(?!\s+of\b)", re.I)
_WEEKDAY = re.compile(r"\b(mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\b\.?",
                      re.I)
_QUAKER_MONTH = re.compile(
    rf"\b(?:the\s+)?(\d{{1,2}}|{_NUM_WORD})(?:st|nd|rd|d|th)?\s*(?:mo\b\.?|month\b)", re.I)


@dataclass(frozen=True, slots=True)
class Day:
    """A calendar point at the precision known: a year, a month of it, or a day."""

    year: int | None
    month: int | None = None
    day: int | None = None

    def tei(self) -> str:
        parts = [f"{self.year:04d}" if self.year is not None else "-"]
        if self.month is not None:
            parts.append(f"{self.month:02d}")
            if self.day is not None:
                parts.append(f"{self.day:02d}")
        return "-".join(parts)

    def date(self) -> _dt.date | None:
        if self.year is None or self.month is None or self.day is None:
            return None
        try:
            return _dt.date(self.year, self.month, self.day)
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class Resolved:
    """A date mention's TEI value and how it was found.

    ``cert`` is 'high' (stated in full), 'medium' (inferred from the chronology) or '' (no
    value); ``flags`` as in DateValue, plus 'weekday-mismatch' when the weekday written does
    not fit the date, 'partial' when a part it lacks (its year, its month) comes from nowhere,
    and NO_SUCH_DAY when its day is none its month has ("30 February 1761"). ``stated``: the
    value is the text's own, not inferred (the store keeps it, ``mentions.date_stated``): a
    doubt it carries ('12 May 1791?', cert 'medium') is the text's, which the TEI export tells
    from an inference without reading ``reason``.
    """

    attrs: tuple[tuple[str, str], ...]
    reason: str = ""
    cert: str = ""
    flags: str = ""
    stated: bool = False
    # a date flagged julian: its day as the words write it (the Julian day, its year from 1
    # January; the value itself where the day was read as written), which the store keeps
    # (``mentions.date_written``) for the TEI export's ``@when-custom``; else ''
    written: str = ""


# the flag of a date whose day its month has not ("30 February 1761", "the 31st" of a June, a
# 29 February a letter's year has not): no value, as a 'partial' date has none, but for
# another cause, which the editor corrects rather than completes (was: flagged 'partial', as
# "April" with no year to take is)
NO_SUCH_DAY = "no-such-day"

_TEI_DAY = re.compile(r"(\d{4})(?:-(\d\d)(?:-(\d\d))?)?")
# the date finder's and the chronology's patterns tried on every span, compiled once
_WORD_AND_STOP = re.compile(r"(\w+)\.$")
_NO_SPACE = re.compile(r"\S+")
_THE_BEFORE = re.compile(r"\bthe\s+$", re.I)


def parse_day(value: str) -> Day | None:
    """'1865-04-12', '1865-04' or '1865' (a TEI value) as a Day."""
    m = _TEI_DAY.fullmatch(value.strip())
    if m is None:
        return None
    d = Day(int(m[1]), int(m[2]) if m[2] else None, int(m[3]) if m[3] else None)
    if d.month is not None and not 1 <= d.month <= 12:
        return None
    if d.day is not None and d.date() is None:
        return None
    return d


def _words_number(words: str) -> int | None:
    """'one thousand eight hundred and forty' -> 1840, 'eighteen hundred and two' -> 1802,
    'twenty-first' -> 21."""
    total, current = 0, 0
    tokens = [t for t in re.split(r"[\s-]+", words.lower()) if t and t != "and"]
    if not tokens:
        return None
    for t in tokens:
        if t in _UNITS:
            current += _UNITS[t]
        elif t in _TENS:
            current += _TENS[t]
        elif t in _ORDINAL_WORDS:
            current += _ORDINAL_WORDS[t]
        elif t == "hundred":
            current = (current or 1) * 100
        elif t == "thousand":
            total += (current or 1) * 1000
            current = 0
        else:
            return None
    return total + current


_NUMBER_RUN = re.compile(rf"\b{_NUM_WORD}(?:(?:[\s-]+|\s+and\s+)(?:{_NUM_WORD}|hundred|thousand)"
                         rf")*(?:[\s-]+(?:hundred|thousand))?\b", re.I)


def _numbers_in_words(text: str) -> str:
    """Number words to digits: years ("one thousand eight hundred and forty") and days."""
    def swap(m: re.Match[str]) -> str:
        n = _words_number(m.group())
        return str(n) if n is not None and (1 <= n <= 31 or 1000 <= n <= 2100) else m.group()
    return _NUMBER_RUN.sub(swap, text)


def plain_form(surface: str) -> tuple[str, int | None]:
    """An old or odd date expression in the plain English ``annotator.dates`` reads, and the
    weekday it names (0 Monday .. 6 Sunday) or None.

    "the 9th day of March, A.D. 1858" -> "9 of March 1858"; "13 of the 5 month 1818" ->
    "13 of May 1818"; "Octr 3d" -> "October 3"; "17 First Day." -> ("17", 6).
    """
    text = " ".join(surface.replace("\u00a0", " ").split())
    text = re.sub(r"\[[^\]]*\]", " ", text)  # editorial corrections: "13 [14]."
    weekday = None
    m = _QUAKER_DAY.search(text)
    if m:
        word = m.group(1).lower()
        n = _ORDINAL_WORDS.get(word) or int(re.sub(r"\D", "", word))
        weekday = (n + 5) % 7  # first day (1) is Sunday (6)
        text = text[:m.start()] + " " + text[m.end():]
    m = _WEEKDAY.search(text)
    if m:
        weekday = next(i for i, w in enumerate(WEEKDAYS) if w.startswith(m.group(1).lower()[:3]))
        text = text[:m.start()] + " " + text[m.end():]
    text = re.sub(r"\b(?:being|was|is)\b", " ", text, flags=re.I)
    text = re.sub(r"\b(?:(?:in\s+)?the\s+year\s+of\s+(?:our\s+lord|christ)|anno\s+domini|"
                  r"in\s+the\s+year|"
                  r"a\.\s?d\.?|anno)(?=\s|$|,)", " ", text, flags=re.I)
    text = _numbers_in_words(text)

    def quaker(m: re.Match[str]) -> str:
        word = m.group(1).lower()
        n = int(word) if word.isdigit() else _words_number(word)
        return f" {MONTH_NAMES[n - 1]} " if n is not None and 1 <= n <= 12 else m.group()
    text = _QUAKER_MONTH.sub(quaker, text)
    text = re.sub(r"\b(\d{1,2})(?:st|nd|rd|th|d)\b\.?", r"\1", text)  # ordinals: "3d" -> "3"
    text = re.sub(r"\bday\s+of\b", "of", text, flags=re.I)
    text = re.sub(r"\b(\d{1,2})\s+day\b", r"\1", text, flags=re.I)  # "23 day."
    text = re.sub(r"\b(?:instant|inst)\b\.?", "of this month", text, flags=re.I)
    text = re.sub(r"\b(?:ultimo|ult)\b\.?", "of last month", text, flags=re.I)
    text = re.sub(r"\b(?:proximo|prox)\b\.?", "of next month", text, flags=re.I)

    def month(m: re.Match[str]) -> str:
        return MONTH_NAMES[_ALL_MONTHS[m.group().rstrip(".").lower()] - 1]
    text = re.sub(MONTH_WORD, month, text, flags=re.I)
    months = "|".join(MONTH_NAMES)
    text = re.sub(rf"\b({months})\s*[.:,]?\s+(\d{{1,2}})\s*[.:;,]?\s*[-–—]?\s*(\d{{4}})\b",
                  r"\1 \2, \3", text, flags=re.I)  # "July 25. 1777", "Novr: 17. 1777"
    text = re.sub(rf"\b({months})\s*[.:]\s*(?=\d)", r"\1 ", text, flags=re.I)
    text = re.sub(rf"\bthe\s+(?=(?:{months})\b)", "", text, flags=re.I)  # "of the May"
    text = re.sub(rf"\b({months})\s+(?:on\s+)?the\s+(\d)", r"\1 \2", text, flags=re.I)
    text = " ".join(text.split()).strip(" ,.;:-–—")
    text = re.sub(r"(?:\s+|,)+(?:and|being|was|is)$", "", text, flags=re.I)
    text = re.sub(r"\s+,", ",", text).strip(" ,")
    return text, weekday


# -- reading one expression ----------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Expr:
    """What one date expression says, before the chronology fills it in.

    ``kind``: 'value' (``attrs`` from annotator.dates, stated), 'partial' (``day``: a month and
    day, a month alone or a day alone, year unknown), 'relative' (``offset`` days from the
    running date; ``base`` 'entry' for today/yesterday, 'last' for the next/previous day),
    'weekday' (a weekday alone), 'month-rel' (a day of this/last/next month), 'period-rel'
    (this/last/next week or month: ``base`` the unit, ``offset`` -1, 0, 1), 'alt' (one of
    two dates, ``day`` or ``other``), 'feast' (a saint's day and a year: ``attrs`` the year),
    'no-day' (a date but for a day its month has not: ``why`` says so), 'none'.
    """

    kind: str
    attrs: tuple[tuple[str, str], ...] = ()
    flags: str = ""
    day: Day = Day(None)
    offset: int = 0
    base: str = ""
    weekday: int | None = None
    two_digit: bool = False
    other: Day = Day(None)  # the later end of an 'alt' ("end of March or early April")
    old_style: str = ""  # how an Old Style date was read (calendar.old_style), for its reason
    written: Day = Day(None)  # an Old Style date's day as written, the year from 1 January
    quaker: bool = False  # a Quaker month number, read as January's count (before 1752: March's)
    feast: str = ""  # a fixed feast's name and day ("Michaelmas, 29 September"), for its reason
    movable: str = ""  # a movable feast without its year ("Easter"): its words, its day to come
    part: str = ""  # a century's vague words ("the middle of"): the third of it they name
    why: str = ""  # a 'no-day': the day its month has not ("no such day: February 1761...")


_RELATIVE_DAYS = [
    (re.compile(r"^(?:this\s+day|to-?day|this\s+(?:morning|evening|afternoon|forenoon)|"
                r"to-?night)$", re.I), 0, "entry"),
    (re.compile(r"^yesterday(?:\s+(?:morning|evening|afternoon))?$", re.I), -1, "entry"),
    (re.compile(r"^to-?morrow(?:\s+(?:morning|evening|afternoon))?$", re.I), 1, "entry"),
    (re.compile(r"^(?:the\s+)?(?:next|following)\s+(?:day|morning)$|^the\s+day\s+after$|"
                r"^the\s+morrow$", re.I), 1, "last"),
    (re.compile(r"^(?:the\s+)?(?:previous|preceding)\s+day$|^the\s+day\s+before$", re.I), -1,
     "last"),
]
_TWO_DIGIT = [  # forms with a two-digit year: the century comes from the document
    re.compile(r"^(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{2})$"),
    re.compile(rf"^(?P<d>\d{{1,2}})\s+(?P<mw>{'|'.join(MONTH_NAMES)}),?\s*['/]?(?P<y>\d{{2}})$",
               re.I),
    re.compile(rf"^(?P<mw>{'|'.join(MONTH_NAMES)})\s+(?P<d>\d{{1,2}}),?\s*['/](?P<y>\d{{2}})$",
               re.I),
    re.compile(rf"^(?P<mw>{'|'.join(MONTH_NAMES)}),?\s*['/]?(?P<y>\d{{2}})$", re.I),
    re.compile(r"^'?(?P<y>3[2-9]|[4-9]\d|(?<=')\d\d)$"),  # never a day: "'43", "43"
    # a season, as "Spring 1943" is (fuzzy): "Spring 43", "the summer of '44"
    re.compile(r"^(?:the\s+)?(?P<season>spring|summer|autumn|fall|winter)(?:\s+of)?,?\s*['/]?"
               r"(?P<y>\d{2})$", re.I),
]


@functools.lru_cache(maxsize=4096)  # one date is read where it is found, merged and resolved
def read_expression(surface: str) -> Expr:
    """What a date mention's words say on their own (see Expr): with what an editor supplied
    in brackets read in ("31 August 179[1]"), else without the brackets' words ("13 [14].", a
    correction beside the day the writer gave); an Old Style date (a double year, a Quaker
    month before 1752, a date marked "O.S.") read as ``annotator.calendar.old_style`` reads
    it; a date but for a day its month has not, a 'no-day' (``_no_such_day``)."""
    expr = _read_expression(surface)
    return (_no_such_day(surface) or expr) if expr.kind == "none" else expr


_DAY_PAST_28 = re.compile(r"(?<![\d/])(29|30|31)(st|th)?(?![\d/])", re.I)


def _no_such_day(surface: str) -> Expr | None:
    """Words that are a date with the 1st for their 29th, 30th or 31st ("30 February 1761",
    "29 February 1760/1", 1761 no leap year, "the 29th of 12th month 1721"): a 'no-day', its
    reason naming the month (of the year, as written) that has no such day, so that the
    editor sees the words and tags them; None for any other words."""
    m = _DAY_PAST_28.search(surface)
    if m is None:
        return None
    probe = read_expression(f"{surface[:m.start()]}1{'st' if m[2] else ''}{surface[m.end():]}")
    if probe.kind not in ("value", "partial"):
        return None
    day = probe.written if probe.written.month is not None else \
        _values_day(probe.attrs) if probe.kind == "value" else probe.day
    if day is None or day.month is None or day.day != 1:
        return None
    month = MONTH_NAMES[day.month - 1].title() + (f" {day.year}" if day.year else "")
    return Expr("no-day", why=f"no such day: {month} has no {m[1]}{'st' if m[1] == '31' else 'th'}")


def _read_expression(surface: str) -> Expr:
    mark = style_mark(surface)
    words = mark[0] if mark else surface
    split = double_year(words, _FEAST_NAMED)
    words = split[0] if split else words
    expr = _read_through(words) or _month_first_day(_read(words), words)
    back = 0  # years the words read were moved on
    later = words.replace(str(split[1]), str(split[1] + 1), 1) if split else ""
    if split and expr.kind == "none":  # "29 February 1723/4": a day of the later year only
        expr, back = _read_through(later) or _month_first_day(_read(later), later), 1
    elif split and expr.kind == "feast" and _before_lady_day(feast := _read(later)):
        expr, back = feast, 1  # "Candlemas 1760/1", "Shrove Tuesday 1760/1": the later year's
    quaker = _QUAKER_MONTH.search(_numbers_in_words(words)) is not None
    if expr.kind == "partial" and quaker and expr.day.month is not None:
        return dataclasses.replace(expr, quaker=True)  # its year, and so its month, to come
    leap = _leap_day(words) if expr.kind == "none" and (split or mark and mark[1]) else None
    if leap is not None:  # "February 29, 1699/1700": 1700 a leap year of the Julian calendar
        expr, back = Expr("value", weekday=expr.weekday), 0
    day = leap or (_values_day(expr.attrs) if expr.kind in ("value", "feast") else None)
    if day is None or day.year is None or expr.kind == "feast" and day.day is None:
        return Expr("none") if back else expr
    read = old_style(day.year - back, day.month, day.day, quaker=quaker, double=split is not None,
                     marked=mark is not None and mark[1])
    if read is None:  # no Old Style date, or one whose day its year has not ("29 February 1760/1")
        return Expr("none") if back or leap or no_old_style_day(
            day.year - back, day.month, day.day, quaker=quaker, double=split is not None,
            marked=mark is not None and mark[1]) else expr
    if not read.julian:  # a double year after 1752: the later year, the day as written
        return dataclasses.replace(expr, attrs=(("when", Day(*read.value).tei()),),
                                   old_style=f"{Day(*read.value).tei()} ({read.why})",
                                   written=Day(*read.value))
    return dataclasses.replace(expr, attrs=(("when", Day(*read.value).tei()),),
                               flags=",".join(f for f in (expr.flags, "julian") if f),
                               old_style=f"{Day(*read.written).tei()} Old Style ({read.why})",
                               written=Day(*read.written))


_A_YEAR = re.compile(r"\b1\d{3}\b")


def _leap_day(words: str) -> Day | None:
    """29 February of the year the words write, read with their year left out: the day the
    Gregorian calendar has not in 1700, 1500..., which the Julian calendar Old Style dates
    are written in has every fourth year (``old_style`` tells whether that year has it)."""
    m = _A_YEAR.search(words)
    if m is None:
        return None
    rest = _read(words[:m.start()] + words[m.end():])
    if rest.kind != "partial" or (rest.day.month, rest.day.day) != (2, 29):
        return None
    return Day(int(m[0]), 2, 29)


def _read_through(surface: str) -> Expr | None:
    """The expression with the editor's brackets read in (annotator.dates.read_through), a
    doubt ("1790[?]") making it fuzzy; None without brackets or when that reads as no date."""
    through = read_through(surface)
    if through is None:
        return None
    expr = _month_first_day(_read(through[0]), through[0])
    if expr.kind == "none":
        return None
    return dataclasses.replace(expr, flags="fuzzy") if through[1] else expr


# TEI's yearless values (att.datable.w3c: XSD gMonth, gMonthDay, gDay), as an editor sets them
_YEARLESS = re.compile(r"--(\d\d)(?:-(\d\d))?|---(\d\d)")


def _yearless(value: str) -> Expr | None:
    """``--MM``, ``--MM-DD`` or ``---DD`` as the partial date it is (a month, a day of a month,
    a day of any month), the year (and month) left to the chronology; 'none' when it names no
    date (``--13``, ``---32``); None when it is not one of these forms."""
    m = _YEARLESS.fullmatch(value.strip())
    if m is None:
        return None
    if not real_iso(m[0]):
        return Expr("none")
    if m[3]:
        return Expr("partial", day=Day(None, None, int(m[3])))
    return Expr("partial", day=Day(None, int(m[1]), int(m[2]) if m[2] else None))


def _read(surface: str) -> Expr:
    yearless = _yearless(surface)
    if yearless is not None:
        return yearless
    m = _FEAST_YEAR.fullmatch(" ".join(surface.split()))
    if m:  # "Michaelmas 1791", "St. Luke's day 1766": its day in that year; else the year
        fixed = feast_day(m["feast"])
        if fixed is None and feast_day_unknown(m["feast"]):
            return Expr("feast", (("when", m["year"]),))
        if fixed is None:
            day, why, julian = movable_feast(m["feast"], int(m["year"]))
            words = Day(*gregorian_to_julian(day.year, day.month, day.day)) \
                if julian and day and day.year and day.month and day.day else Day(None)
            return Expr("feast", (("when", day.tei() if day else m["year"]),),
                        flags="julian" if julian else "", day=day or Day(None), feast=why,
                        written=words)
        day = Day(int(m["year"]), fixed[1], fixed[2])
        return Expr("feast", (("when", day.tei()),), day=day,
                    feast=f"{fixed[0]} is {fixed[2]} {MONTH_NAMES[fixed[1] - 1].title()}")
    m = _FEAST_ALONE.fullmatch(" ".join(surface.split()))
    if m and (fixed := feast_day(m["feast"])) is not None:  # "Christmas Day": its year to come
        return Expr("partial", day=Day(None, fixed[1], fixed[2]),
                    feast=f"{fixed[0]} is {fixed[2]} {MONTH_NAMES[fixed[1] - 1].title()}")
    if m and any(p.fullmatch(m["feast"]) for p, _ in _MOVABLE_FEAST):  # "at Easter": its year,
        return Expr("partial", movable=m["feast"])  # and so its day, to come
    text, weekday = plain_form(surface)
    text = re.sub(r"^(?:on|in|at|of|by|from|during)\s+", "", text, flags=re.I).strip()
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)  # 3.11.1954: day first
    if m and parse_day(f"{m[3]}-{int(m[2]):02d}-{int(m[1]):02d}"):
        return Expr("value", (("when", f"{m[3]}-{int(m[2]):02d}-{int(m[1]):02d}"),),
                    weekday=weekday)
    if text:
        value = normalise_date(text)
        if value is not None and value.attrs:
            when = dict(value.attrs).get("when", "")
            m = re.fullmatch(r"--(\d\d)-(\d\d)", when)
            if m:
                return Expr("partial", day=Day(None, int(m[1]), int(m[2])), weekday=weekday)
            return Expr("value", value.attrs, value.flags, weekday=weekday)
    for pattern in _TWO_DIGIT:
        m = pattern.fullmatch(text)
        if m:
            g = m.groupdict()
            month = (MONTH_NAMES.index(g["mw"].lower()) + 1 if g.get("mw") else
                     int(g["m"]) if g.get("m") else None)
            return Expr("partial", flags="fuzzy" if g.get("season") else "",
                        day=Day(int(g["y"]), month, int(g["d"]) if g.get("d") else None),
                        weekday=weekday, two_digit=True)
    alt = _alternatives(text)
    if alt is not None:
        return alt
    for pattern, offset, base in _RELATIVE_DAYS:
        if pattern.fullmatch(text):
            return Expr("relative", offset=offset, base=base, weekday=weekday)
    m = _CENTURY_REL.fullmatch(text)
    if m:  # "last Century", "the middle of the last century", "this century"
        return Expr("century-rel", flags="fuzzy" if m["vague"] else "",
                    offset={"last": -1, "next": 1}.get(m["which"].lower(), 0),
                    part=m["vague"] or "")
    m = _PERIOD_REL.fullmatch(text)
    if m:  # "last week", "next month": the week or month next to the day of writing
        return Expr("period-rel", base=m[2].lower(),
                    offset={"this": 0, "last": -1, "next": 1}[m[1].lower()])
    months = "|".join(MONTH_NAMES)
    m = re.fullmatch(r"(?:the\s+)?(\d{1,2})\s+of\s+(this|last|next)\s+month", text, re.I)
    if m:
        shift = {"this": 0, "last": -1, "next": 1}[m[2].lower()]
        return Expr("month-rel", day=Day(None, None, int(m[1])), offset=shift, weekday=weekday)
    m = re.fullmatch(rf"(?:the\s+)?(\d{{1,2}})(?:\s+of)?\s+({months})", text, re.I) or \
        re.fullmatch(rf"({months})\s+(\d{{1,2}})", text, re.I)
    if m:  # a day February has not ("30 February"): annotator.dates refused it
        return Expr("none", weekday=weekday)
    m = re.fullmatch(rf"({months})", text, re.I)
    if m:
        return Expr("partial", day=Day(None, MONTH_NAMES.index(m[1].lower()) + 1),
                    weekday=weekday)
    m = re.fullmatch(r"(?:the\s+)?(\d{1,2})", text)
    if m and 1 <= int(m[1]) <= 31 and re.search(r"\d", surface):  # "fourth" alone: no day
        return Expr("partial", day=Day(None, None, int(m[1])), weekday=weekday)
    if not text and weekday is not None:
        return Expr("weekday", weekday=weekday)
    if weekday is not None and re.fullmatch(r"(?:morning|evening|afternoon|night|forenoon)",
                                            text, re.I):
        return Expr("weekday", weekday=weekday)
    m = re.fullmatch(r"(?:last|next)", text, re.I)
    if m and weekday is not None:
        return Expr("weekday", offset=-1 if m[0].lower() == "last" else 1, weekday=weekday)
    value = normalise_date(surface)
    if value is not None and value.attrs:
        return Expr("value", value.attrs, value.flags)
    return Expr("none")


def _month_first_day(expr: Expr, surface: str) -> Expr:
    """"Ninth Month First Day": with a month and no day number, a Quaker "first day" is the
    first day of that month, not a Sunday."""
    m = _QUAKER_DAY.search(surface)
    if m is None or expr.weekday is None:
        return expr
    word = m.group(1).lower()
    n = _ORDINAL_WORDS.get(word) or int(re.sub(r"\D", "", word))
    if expr.kind == "partial" and expr.day.month is not None and expr.day.day is None and \
            not expr.two_digit:
        return Expr("partial", day=Day(expr.day.year, expr.day.month, n))
    day = _values_day(expr.attrs) if expr.kind == "value" else None
    if day is not None and day.month is not None and day.day is None:
        return Expr("value", (("when", Day(day.year, day.month, n).tei()),))
    return expr


_VAGUE = re.compile(r"^(?:the\s+)?(?:very\s+)?(?:early|late|mid|middle|beginning|end|start|"
                    r"first\s+days|last\s+days)(?:\s+of)?[\s-]+(?:the\s+)?", re.I)
# the vague part standing right before a date's span: "about the middle of |the last Century|"
_VAGUE_BEFORE = re.compile(r"(?<!\w)" + _VAGUE.pattern[1:] + r"$", re.I)  # not "amid the"
# a century named from the writer's time: the one before, of or after the source's year
_CENTURY_REL = re.compile(rf"(?P<vague>{_VAGUE.pattern[1:]})?(?:the\s+)?"
                          rf"(?P<which>last|this|present|next)\s+century", re.I)


# a week or month named from the day of writing ("last week", "next month"); not "the last
# week" (the seven days up to it) nor "the next week" (counted from a day the story told),
# whether "the" is in the span or just before it (_PERIOD_OWNED), nor "last month of my stay"
_PERIOD_REL = re.compile(r"(this|last|next)\s+(week|month)", re.I)
_PERIOD_OWNED = re.compile(r"\b(?:the|that|these|those|my|his|her|its|our|your|their)\s+$",
                           re.I)
_OF_AFTER = re.compile(r"\s+of\b", re.I)


def _alternatives(text: str) -> Expr | None:
    """"end of March or early April" (1852 or none): the two ends of a notBefore/notAfter."""
    parts = re.split(r"\s+or\s+", text, flags=re.I)
    if len(parts) != 2:
        return None
    ends = []
    for part in parts:
        e = read_expression(_VAGUE.sub("", part))
        if e.kind == "value" and (d := _values_day(e.attrs)) is not None:
            ends.append(d)
        elif e.kind == "partial" and not e.two_digit and e.day.month is not None:
            ends.append(e.day)
        else:
            return None
    first, last = ends
    if first.year is None and last.year is not None:
        first = Day(last.year, first.month, first.day)
    if (first.year is None) != (last.year is None):
        return None
    return Expr("alt", day=first, other=last)


# Feasts on a fixed day of the calendar (the Book of Common Prayer's, and the English quarter
# days: Lady Day, Midsummer, Michaelmas, Christmas), by their names; movable ones (Easter,
# Whitsun) are none of these. A saint's day by the saint's name ("St. Luke's day").
FIXED_FEASTS = {
    "New Year's Day": (1, 1), "Twelfth Day": (1, 6), "Epiphany": (1, 6), "Candlemas": (2, 2),
    "Lady Day": (3, 25), "Midsummer Day": (6, 24), "Lammas": (8, 1), "Michaelmas": (9, 29),
    "All Saints": (11, 1), "All Hallows": (11, 1), "Hallowmas": (11, 1), "All Souls": (11, 2),
    "Martinmas": (11, 11), "Christmas Eve": (12, 24), "Christmas": (12, 25),
    "Childermas": (12, 28),
}
# Movable feasts, by their days from Easter Day (None: a season, "Whitsuntide", no one day)
MOVABLE_FEASTS = {
    "Easter Day": 0, "Easter Sunday": 0, "Easter Monday": 1, "Easter": 0, "Good Friday": -2,
    "Palm Sunday": -7, "Shrove Tuesday": -47, "Ash Wednesday": -46, "Ascension Day": 39,
    "Whit Sunday": 49, "Whitsunday": 49, "Pentecost": 49, "Whit Monday": 50,
    "Trinity Sunday": 56, "Whitsuntide": None, "Whitsun": None,
}
# Easter by the Julian computus before the Gregorian (1583), by the Gregorian after Britain
# took it (1753): between the two a text's Easter depends on where it was written
GREGORIAN_EASTER_FROM = 1583
SAINTS_DAYS = {
    "agnes": (1, 21), "vincent": (1, 22), "valentine": (2, 14), "david": (3, 1),
    "chad": (3, 2), "patrick": (3, 17), "cuthbert": (3, 20), "benedict": (3, 21),
    "george": (4, 23), "mark": (4, 25), "dunstan": (5, 19), "barnabas": (6, 11),
    "john": (6, 24),  # St John the Baptist's, Midsummer Day, as "St. John's day" is kept
    "peter": (6, 29), "swithin": (7, 15), "swithun": (7, 15), "james": (7, 25),
    "anne": (7, 26), "lawrence": (8, 10), "laurence": (8, 10), "bartholomew": (8, 24),
    "giles": (9, 1), "matthew": (9, 21), "michael": (9, 29), "luke": (10, 18),
    "crispin": (10, 25), "martin": (11, 11), "edmund": (11, 20), "catherine": (11, 25),
    "katherine": (11, 25), "andrew": (11, 30), "nicholas": (12, 6), "lucy": (12, 13),
    "thomas": (12, 21), "stephen": (12, 26),
}


def _feast_words(name: str) -> str:
    """A fixed feast's name as written: its first letter a capital, the rest in either case,
    a hyphen or spaces between its words, "Day" after it or not ("Lady-day", "Michaelmas
    Day", "All Saints' Day")."""
    first, *rest = name.replace("'", "['’]").split()
    words = first + "".join(rf"[\s-]+(?i:{w})" for w in rest)
    return words if name.endswith(("Day", "Eve")) else rf"{words}(?:['’]s?)?(?:[\s-]+(?i:day))?"


_SAINT = r"(?:St\.?|Saint)\s+(?P<saint>[A-Z][a-z]+)['’]s\s+[Dd]ay"
_FEAST = r"(?:" + "|".join([_SAINT.replace("?P<saint>", ""), *(
    _feast_words(n) for n in sorted([*FIXED_FEASTS, *MOVABLE_FEASTS], key=len, reverse=True))]
) + r")\b"
_FEAST_NAMED = re.compile(_FEAST)  # a double year after it is one whatever the year
_FEAST_YEAR = re.compile(rf"(?:on\s+|at\s+)?(?P<feast>{_FEAST}),?\s+(?P<year>1[0-9]{{3}}|"
                         rf"20[0-9]{{2}})\.?")
_FEAST_ALONE = re.compile(rf"(?:(?i:on|at|of|by|since|till|until|before|after)\s+)?(?:the\s+)?"
                          rf"(?P<feast>{_FEAST})[.,;:]?")
# a feast's name that names something else: "All Saints Church", "Christmas Island",
# "All Souls College", "the Michaelmas term", "Lady Day quarter"
_FEAST_NAMING = (r"(?![ \t]*[-–—]?[ \t]*(?:[A-Z][a-z]|(?i:church|chapel|college|parish|island|street|"
                 r"term|quarter|rent|fair|sessions|holidays?|vacation|recess|week|time|season|tide)\b))")
# nor is one before two digits, its two-digit year ("At Pentecost 43", "At Easter 43"), the
# model's to read with its year ("At Christmas 3 of us went" keeps its feast)
_FEAST_NUMBERED = r"(?![ \t]*,?[ \t]*\n?[ \t]*['’]?\d\d\b)"
_FIXED_FEAST = [(re.compile(_feast_words(n)), n) for n in sorted(FIXED_FEASTS, key=len,
                                                                   reverse=True)]
_MOVABLE_FEAST = [(re.compile(_feast_words(n)), n) for n in sorted(MOVABLE_FEASTS, key=len,
                                                                     reverse=True)]


def _before_lady_day(expr: Expr) -> bool:
    """Whether a feast read is a day from 1 January to 24 March, the days a double year
    gives the later year ("Candlemas 1760/1" is 1761's; a movable one's day is that year's)."""
    day = _values_day(expr.attrs)
    return expr.kind == "feast" and day is not None and day.month is not None and \
        day.day is not None and (day.month, day.day) < (3, 25)


def _movable_name(words: str) -> str:
    """A movable feast's name as MOVABLE_FEASTS spells it ("Whit Monday"), from its words."""
    return next((n for p, n in _MOVABLE_FEAST if p.fullmatch(words)), "Easter")


def movable_feast(words: str, year: int) -> tuple[Day | None, str, bool]:
    """A movable feast's day in ``year`` ("Whit Sunday", 49 days after Easter Day), as TEI's
    Gregorian day, why, and whether it was counted in the Julian calendar (before 1583,
    Easter by the Julian computus, its day converted); no day (None) for a season
    ("Whitsuntide") or a year from 1583 to 1752, when Britain kept the Julian Easter and much
    of Europe the Gregorian, and the day depends on where the text was written."""
    name = _movable_name(words)
    offset = MOVABLE_FEASTS[name]
    if offset is None:
        return None, f"{name} is a season, not one day", False
    if GREGORIAN_EASTER_FROM <= year <= NEW_STYLE_YEAR:
        return None, (f"{name} {year}: Britain kept the Julian Easter until {NEW_STYLE_YEAR}, "
                      f"much of Europe the Gregorian from {GREGORIAN_EASTER_FROM}"), False
    julian = year < GREGORIAN_EASTER_FROM
    sunday = easter(year, julian=julian)
    g = _dt.date(*(julian_to_gregorian(*sunday) if julian else sunday)) + \
        _dt.timedelta(days=offset)
    day = Day(g.year, g.month, g.day)
    after = "" if offset == 0 else f"{abs(offset)} day{'s' * (abs(offset) != 1)} " \
        f"{'after' if offset > 0 else 'before'} "
    why = f"{name} {year} is {after}Easter Day, {Day(*sunday).tei()} by the " \
        f"{'Julian' if julian else 'Gregorian'} computus, a movable feast"
    if julian:
        written = Day(*gregorian_to_julian(g.year, g.month, g.day))
        why += f"; Julian {written.tei()} is Gregorian {day.tei()}"
    return day, why, julian


def feast_day_unknown(words: str) -> bool:
    """Whether a feast's words name a saint whose day is not in SAINTS_DAYS."""
    m = re.fullmatch(_SAINT, words)
    return m is not None and m["saint"].lower() not in SAINTS_DAYS


def feast_day(words: str) -> tuple[str, int, int] | None:
    """A feast on a fixed day ("Michaelmas", "Lady-day", "St. Luke's day"): its name and its
    month and day; None for a movable feast or a saint with no day here."""
    m = re.fullmatch(_SAINT, words)
    if m:
        day = SAINTS_DAYS.get(m["saint"].lower())
        return (f"St {m['saint']}'s day", *day) if day else None
    for pattern, name in _FIXED_FEAST:
        if pattern.fullmatch(words):
            return (name, *FIXED_FEASTS[name])
    return None


# -- the running chronology ----------------------------------------------------------------
def _shift(day: Day, days: int) -> Day | None:
    d = day.date()
    if d is None:
        return None
    n = d + _dt.timedelta(days=days)
    return Day(n.year, n.month, n.day)


def _names_year(expr: Expr) -> bool:
    """Whether an expression writes its year (a date stated in full, a two-digit year, a year
    with a feast, a value the file's markup gives): only such a year is one "named before in
    the paragraph" for the dates after it. A year the chronology inferred (a month placed by
    its tense, "yesterday", a weekday, a day of the month) is none: each such date leans on
    the source's or the entry's date by its own words."""
    return expr.kind in ("value", "feast") or expr.day.year is not None


@functools.lru_cache(maxsize=4096)  # a marked date's value is read as found, kept, checked
def _values_day(attrs: tuple[tuple[str, str], ...]) -> Day | None:
    """The single point of a TEI value (``when`` only), as a Day."""
    values = dict(attrs)
    return parse_day(values["when"]) if set(values) == {"when"} else None


def _by_its_day(day: Day, writing: Day, tense: str, aside: bool = False) -> bool:
    """Whether a day in the month of a letter's date (a plain one, "on 20 April", or a feast's,
    movable or fixed) lies in another year than the letter's, by its day and its sentence's
    tense, as a month in another month does: spoken of as past and after the letter's day
    ("we arrived on 20 April" and "last Easter" in a letter of 1 April 1790 are 1789's), or
    as to come and before it; else, without a tense, in a letter dated by its month alone
    (no day to compare), or in a note, written after the letter ("Received this 22 of the 3rd
    month" in the margin of a letter of 17 March 1824: the receiver's past, 1824's), it keeps
    the letter's year. One test for both, so that a feast and the day it falls on agree."""
    if day.day is None or writing.day is None or aside:
        return False
    return tense == "past" and day.day > writing.day or \
        tense == "future" and day.day < writing.day


class Chronology:
    """The running date of one source, walked in reading order.

    ``anchor`` is the date the source was written (header, dateline); ``entry`` the date of the
    current dated entry (a dateline, a dated heading, a day opening a paragraph); ``last`` the
    last full date the text gave; ``year`` the last year it named, and in which block.
    """

    def __init__(self, anchor: Day | None = None, anchor_reason: str = "") -> None:
        self.anchor = anchor
        self.anchor_reason = anchor_reason or (f"the source's date {anchor.tei()}"
                                               if anchor else "")
        self.entry: Day | None = None
        self.entry_reason = ""
        self.last: Day | None = None
        self.year: tuple[int, int] | None = None  # (year, block)
        self.old_style = False  # the running date is an Old Style one (_old_style_running)

    def _context(self) -> tuple[Day, str] | None:
        """The date partial dates lean on: the current entry, else the anchor."""
        if self.entry is not None:
            return self.entry, self.entry_reason
        if self.anchor is not None:
            return self.anchor, self.anchor_reason
        return None

    def resolve(self, surface: str, *, block: int = 0, entry: bool = False,
                aside: bool = False, tense: str = "") -> Resolved:
        """The value of one date mention, and the state updated for the ones after it.

        ``entry`` marks a mention that dates what follows (a dateline, a dated heading, a day
        opening a paragraph of a journal); an ``aside`` (in an editor's note) is resolved but
        leaves the state alone. ``tense`` ('past', 'future' or '', ``tense_around``) says on
        which side of the source's date a month named without a year lies.
        """
        expr = read_expression(surface)
        out = self._resolve(expr, block, entry, tense, aside)
        if expr.quaker and self._old_style_running() and \
                (day := _values_day(out.attrs)) is not None and day.year is not None and \
                day.year < NEW_STYLE_YEAR:  # a Quaker month of a year before 1752: from March
            expr = self._quaker_month(expr)
            out = self._resolve(expr, block, entry, tense, aside)
        out, written = self._julian(expr, out)
        words = written or (expr.written if expr.written.year is not None else None)
        if words is not None and "julian" in out.flags.split(","):
            out = dataclasses.replace(out, written=words.tei())
        if aside:
            return self._weekday_checked(expr, out)
        return self._remember(expr, out, block, entry, written)

    def _old_style_running(self) -> bool:
        """Whether the running date is an Old Style one: the last day the text gave (else the
        entry's) was read as Old Style and is before the change of 1752."""
        day = self.last or self.entry
        return self.old_style and day is not None and day.year is not None and \
            (day.year, day.month or 0, day.day or 0) <= LAST_JULIAN_DAY

    @staticmethod
    def _quaker_month(expr: Expr) -> Expr:
        """A Quaker month without a year in an Old Style text: the First Month is March."""
        assert expr.day.month is not None
        return dataclasses.replace(expr, day=Day(None, quaker_month(expr.day.month),
                                                 expr.day.day))

    def _julian(self, expr: Expr, out: Resolved) -> tuple[Resolved, Day | None]:
        """A value and the day the running date keeps of it: the day as written for an Old
        Style date; a day inferred from an Old Style running date ("11." after "10 of the
        Tenth Month 1740") is a Julian day too, and its value is its Gregorian day."""
        if expr.old_style:
            return out, expr.written
        if "julian" in out.flags.split(","):  # counted as a Julian day already (an Easter)
            return out, None
        day = _values_day(out.attrs)
        if day is None or day.year is None or day.month is None or day.day is None or \
                not self._old_style_running() or \
                (day.year, day.month, day.day) > LAST_JULIAN_DAY:
            return out, None
        g = Day(*julian_to_gregorian(day.year, day.month, day.day))
        return Resolved((("when", g.tei()),), f"{out.reason}; Old Style: Julian {day.tei()} is "
                        f"Gregorian {g.tei()}", out.cert,
                        ",".join(f for f in (out.flags, "julian") if f), out.stated), day

    def marked(self, attrs: tuple[tuple[str, str], ...], *, block: int = 0,
               entry: bool = False) -> Resolved:
        """A date the file's markup (or the editor) valued: that value, and the state updated
        by it as by a date stated in full (an entry's when ``entry``)."""
        out = Resolved(attrs, "the file's markup", "high")
        return self._remember(Expr("value", attrs), out, block, entry)

    def _weekday_checked(self, expr: Expr, out: Resolved) -> Resolved:
        day = _values_day(out.attrs)
        d = day.date() if day is not None else None
        if d is None or expr.weekday is None or d.weekday() == expr.weekday:
            return out
        return Resolved(out.attrs, f"{out.reason}; the weekday written "
                        f"({WEEKDAYS[expr.weekday].title()}) is not the calendar's "
                        f"({WEEKDAYS[d.weekday()].title()})", out.cert,
                        ",".join(f for f in (out.flags, "weekday-mismatch") if f), out.stated)

    def _remember(self, expr: Expr, out: Resolved, block: int, entry: bool,
                  written: Day | None = None) -> Resolved:
        out = self._weekday_checked(expr, out)
        day = written or _values_day(out.attrs)
        if day is not None:
            if expr.old_style or (day.year or 0) >= NEW_STYLE_YEAR:
                self.old_style = bool(expr.old_style) and "julian" in expr.flags
            if entry and "fuzzy" not in out.flags:
                self.entry, self.entry_reason = day, f"the entry date {day.tei()}"
            if day.day is not None:
                self.last = day
            if day.year is not None and _names_year(expr):
                self.year = (day.year, block)
        elif out.attrs and out.cert == "high":  # a span the text names, not one inferred
            years = [int(v[:4]) for _, v in out.attrs if re.match(r"\d{4}", v)]
            if years:
                self.year = (years[-1], block)
        return out

    def _writing(self, block: int) -> Day | None:
        """The source's date, when a month named without a year in running text leans on it
        (no dated entry of its own since, no year named before in the paragraph) and it has a
        month: the day of writing, around which such a month lies."""
        anchor = self.anchor
        if anchor is None or anchor.year is None or anchor.month is None or \
                self.entry not in (None, anchor) or \
                self.year is not None and self.year[1] == block:
            return None
        return anchor

    def _around(self, expr: Expr, writing: Day, tense: str, name: str = "") -> Resolved:
        """A month (and day) named without a year, in another month than the source's date
        (or a feast in its month, its day then compared): within the year before that date
        if the text speaks of it as past ("in February we went", in a letter of August),
        within the year after it if as to come ("I hope to see you in February"); else
        either, and the value says so (notBefore the one before, notAfter the one after),
        unless a weekday written with it fits only one of them. ``name`` names it in the
        reason (a movable feast, whose month may differ from year to year), else its month."""
        assert writing.year is not None and writing.month is not None
        month, n = expr.day.month, expr.day.day
        assert month is not None
        at, on = (month, n or 0), (writing.month, writing.day or 0)
        before = Day(writing.year - (at > on), month, n)
        after = Day(writing.year + (at < on), month, n)
        why, name = self.anchor_reason, name or MONTH_NAMES[month - 1].title()
        sides = {"past": (before, f"the {name} before {why} (spoken of as past)"),
                 "future": (after, f"the {name} after {why} (spoken of as to come)")}
        if tense not in sides and n is not None and expr.weekday is not None:
            fits = [t for t, (d, _) in sides.items()
                    if (dd := d.date()) is not None and dd.weekday() == expr.weekday]
            if len(fits) == 1:
                tense = fits[0]
                sides[tense] = (sides[tense][0], f"the {name} "
                                f"{'before' if tense == 'past' else 'after'} {why} (its "
                                "weekday fits that year)")
        if tense in sides:
            day, reason = sides[tense]
            if n is not None and day.date() is None:
                return Resolved((), "not a day of that year", "", NO_SUCH_DAY)
            return Resolved((("when", day.tei()),), reason, "medium", expr.flags)
        if n is not None and (before.date() is None or after.date() is None):
            return Resolved((), "no year to take it from", "", "partial")  # 29 February
        return Resolved((("notBefore", before.tei()), ("notAfter", after.tei())),
                        f"the {name} before or after {why} (the text does not say which)",
                        "medium", expr.flags)

    def _year_for(self, month: int | None, block: int, entry: bool,
                  day: int | None = None) -> tuple[int, str] | None:
        """The year a date without one takes, and why: a dated entry's from the entry before
        (a year later when the months start again, or for a feast's ``day`` the days: Easter
        heading an entry after 10 April, Easter Day being 4 April, is the next year's), others
        from a year named earlier in the same paragraph, the current entry or the source's own
        date, in that order."""
        ctx = self._context()
        if entry and ctx is not None and ctx[0].year is not None:
            base, why = ctx
            assert base.year is not None
            if month is not None and base.month is not None and self.entry is not None and \
                    (month, day or 0) < (base.month, (base.day or 0) if day else 0):
                again = "the months start again" if month < base.month else \
                    "its day that year is before it"
                return base.year + 1, f"the year after {why} ({again})"
            return base.year, f"year from {why}"
        if self.year is not None and self.year[1] == block:
            return self.year[0], f"year from {self.year[0]} named before in the paragraph"
        if ctx is not None and ctx[0].year is not None:
            return ctx[0].year, f"year from {ctx[1]}"
        return None

    def _resolve(self, expr: Expr, block: int, entry: bool, tense: str = "",
                 aside: bool = False) -> Resolved:
        if expr.kind == "value" and expr.old_style:
            return Resolved(expr.attrs, f"stated: {expr.old_style}", "high", expr.flags, True)
        if expr.kind == "value":
            return Resolved(expr.attrs, "stated in full" if not expr.flags else
                            f"stated ({expr.flags})",
                            "high" if not expr.flags else "medium", expr.flags, True)
        if expr.kind == "feast" and expr.feast and expr.day.day is None:
            return Resolved(expr.attrs, f"the year stated with a feast ({expr.feast}: its day "
                            "is left to the editor)", "high")
        if expr.kind == "feast" and expr.feast:
            style = f"{expr.old_style}; " if expr.old_style else ""
            fixed = "" if "movable" in expr.feast else ", a feast on a fixed day"
            return Resolved(expr.attrs, f"stated: {style}{expr.feast}{fixed}", "high",
                            expr.flags, True)
        if expr.kind == "feast":
            return Resolved(expr.attrs, "the year stated with a feast (a saint's day not "
                            "known here: its day is left to the editor)", "high")
        if expr.kind == "no-day":
            return Resolved((), expr.why, "", NO_SUCH_DAY)
        if expr.kind == "partial" and expr.movable:
            return self._movable(expr, block, entry, tense, aside)
        if expr.kind == "partial" and expr.two_digit:
            return self._two_digit(expr)
        if expr.kind == "partial" and expr.day.month is not None:
            return self._partial(expr, block, entry, tense, aside)
        if expr.kind == "partial" and expr.day.day is not None:
            out = self._day_alone(expr.day.day, entry, expr.weekday, tense)  # "3[?]": doubt stays
            return dataclasses.replace(out, flags=expr.flags) if out.attrs else out
        if expr.kind == "month-rel":
            ctx = self._context()
            if ctx is None or ctx[0].month is None or ctx[0].year is None:
                return Resolved((), "no month to take it from", "", "partial")
            y, mo = ctx[0].year, ctx[0].month + expr.offset
            y, mo = y + (mo - 1) // 12, (mo - 1) % 12 + 1
            day = Day(y, mo, expr.day.day)
            if day.date() is None:
                return Resolved((), "not a day of that month", "", NO_SUCH_DAY)
            which = {0: "the month", -1: "the month before", 1: "the month after"}[expr.offset]
            return Resolved((("when", day.tei()),), f"{which} of {ctx[1]}", "medium")
        if expr.kind == "century-rel":
            return self._century(expr)
        if expr.kind == "period-rel":
            return self._period(expr)
        if expr.kind == "relative":
            base = self._context() if expr.base == "entry" else \
                ((self.last, f"the date {self.last.tei()}") if self.last else self._context())
            if base is None or base[0].date() is None:
                return Resolved((), "no full date to count from", "", "relative")
            shifted = _shift(base[0], expr.offset)
            assert shifted is not None
            word = {0: "the day of", -1: "the day before", 1: "the day after"}[expr.offset]
            return Resolved((("when", shifted.tei()),), f"{word} {base[1]}", "medium")
        if expr.kind == "weekday":
            return self._weekday(expr, tense)
        if expr.kind == "alt":
            return self._alternative(expr, block)
        if expr.kind == "none":  # "last week", "a year before": said why, not an empty reason
            return Resolved((), RELATIVE_WHY, "", "relative")
        return Resolved((), "", "", "")

    def _partial(self, expr: Expr, block: int, entry: bool, tense: str,
                 aside: bool = False) -> Resolved:
        """A month, or a day of a month, without its year (a feast without one, "Christmas
        Day", is its day): the year around the letter's date (in its month, a day as
        ``_by_its_day`` says), else the running one; the reason names the feast's day first."""
        writing = None if entry else self._writing(block)
        feast = bool(expr.feast or expr.movable) and expr.day.day is not None
        if writing is not None and (writing.month != expr.day.month or
                                    _by_its_day(expr.day, writing, tense, aside)):
            out = self._around(expr, writing, tense, _movable_name(expr.movable)
                               if expr.movable else "")
        elif (found := self._year_for(expr.day.month, block, entry,
                                      expr.day.day if feast else None)) is None:
            out = Resolved((), "no year to take it from", "", "partial")
        elif expr.day.day is not None and \
                (day := Day(found[0], expr.day.month, expr.day.day)).date() is None:
            out = Resolved((), "not a day of that year", "", NO_SUCH_DAY)
        else:
            day = Day(found[0], expr.day.month, expr.day.day)
            out = Resolved((("when", day.tei()),), found[1], "medium", expr.flags)
        if expr.feast and out.attrs:
            return dataclasses.replace(out, reason=f"{expr.feast}, a feast on a fixed day; "
                                       f"{out.reason}")
        return out

    def _movable(self, expr: Expr, block: int, entry: bool, tense: str,
                 aside: bool = False) -> Resolved:
        """A movable feast without its year ("at Easter", "Whit Monday." heading an entry):
        the year a month and day without one take (around the letter's date as its sentence
        speaks of it, else the running one), the feast placed by its day in the year of the
        date it leans on, its day then counted for the year found, cert medium, the reason
        naming the count; no value where no year is given or the feast has no one day in it
        (a season, Easter from 1583 to 1752)."""
        writing = None if entry else self._writing(block)
        found = (writing.year, "") if writing is not None else self._year_for(None, block, entry)
        if found is None or found[0] is None:
            return Resolved((), "no year to take it from", "", "partial")
        near, why, _ = movable_feast(expr.movable, found[0])
        if near is None:
            return Resolved((), why, "", "partial")
        out = self._partial(dataclasses.replace(expr, day=Day(None, near.month, near.day)),
                            block, entry, tense, aside)
        attrs, whys, julian = [], [], False
        for name, value in out.attrs:
            day, why, counted = movable_feast(expr.movable, int(value[:4]))
            if day is None:
                return Resolved((), why, "", "partial")
            attrs.append((name, day.tei()))
            whys.append(why)
            julian |= counted
        if not attrs:
            return out
        day = _values_day(tuple(attrs))  # a day counted Julian: its day as written kept
        g = day.date() if julian and day is not None else None
        written = Day(*gregorian_to_julian(g.year, g.month, g.day)) if g is not None else None
        return Resolved(tuple(attrs), f"{'; '.join(whys)}; {out.reason}", out.cert,
                        ",".join(f for f in (out.flags, "julian" if written else "") if f),
                        written=written.tei() if written else "")

    def _alternative(self, expr: Expr, block: int) -> Resolved:
        first, last, reason, cert = expr.day, expr.other, "stated (one of two)", "high"
        if first.year is None:
            found = self._year_for(first.month, block, False)
            if found is None:
                return Resolved((), "no year to take it from", "", "partial")
            first, last = Day(found[0], first.month, first.day), Day(found[0], last.month,
                                                                     last.day)
            reason, cert = f"one of two; {found[1]}", "medium"
        if (first.month or 0, first.day or 0) > (last.month or 0, last.day or 0) and \
                first.year == last.year:
            return Resolved((), "", "", "fuzzy")
        return Resolved((("notBefore", first.tei()), ("notAfter", last.tei())), reason, cert,
                        stated=expr.day.year is not None)

    def _century(self, expr: Expr) -> Resolved:
        """"last century" in a text of 1788: the 17th, 1600-1699, counted as "the nth century"
        is (annotator.dates: the nth is (n-1)00 to (n-1)99)."""
        ctx = self._context()
        if ctx is None or ctx[0].year is None:
            return Resolved((), "no year to count the century from", "", "relative")
        first = (ctx[0].year // 100 + expr.offset) * 100
        which = {-1: "the century before", 0: "the century of", 1: "the century after"}
        first, last = part_of(first, first + 99, expr.part)  # "the middle of": its third
        third = {0: ", its first third", 33: ", its middle third", 66: ", its last third"}[
            first % 100] if last - first < 99 else ""
        return Resolved((("notBefore", f"{first:04d}"), ("notAfter", f"{last:04d}")),
                        f"{which[expr.offset]} {ctx[1]}{third}", "medium", expr.flags)

    def _period(self, expr: Expr) -> Resolved:
        """"last week", "next week", "last month" in a dated letter or entry: the week (Monday
        to Sunday, as ISO 8601 counts it) before, of or after the one of the day of writing,
        as notBefore/notAfter; the month before, of or after its month, as "March" alone is a
        month; cert medium, as "last Tuesday" is its day."""
        base, why = self._day_of_writing() or (None, "")
        d = base.date() if base is not None else None
        which = {-1: "before", 0: "of", 1: "after"}[expr.offset]
        if expr.base == "week" and d is not None:
            monday = d - _dt.timedelta(days=d.weekday()) + _dt.timedelta(weeks=expr.offset)
            return Resolved((("notBefore", monday.isoformat()),
                             ("notAfter", (monday + _dt.timedelta(days=6)).isoformat())),
                            f"the week (Monday to Sunday) {which} the one of {why}"
                            if expr.offset else f"the week (Monday to Sunday) of {why}",
                            "medium")
        if expr.base == "month" and base is not None and base.year is not None and \
                base.month is not None:
            k = base.year * 12 + base.month - 1 + expr.offset
            return Resolved((("when", Day(k // 12, k % 12 + 1).tei()),),
                            f"the month {which} {why}", "medium")
        return Resolved((), f"no {'full ' if expr.base == 'week' else ''}date to count the "
                        f"{expr.base} from", "", "relative")

    def _day_of_writing(self) -> tuple[Day, str] | None:
        """The date a weekday, week or month named from the writer's present is counted from:
        the entry's or the source's, not a title's (no day of writing)."""
        if self.entry is None and self.anchor_reason.startswith("the title"):
            return None
        return self._context()

    def _two_digit(self, expr: Expr) -> Resolved:
        ref = self.anchor or self.entry
        if ref is None or ref.year is None or expr.day.year is None:
            return Resolved((), "a two-digit year and no century known", "", "partial")
        year = ref.year // 100 * 100 + expr.day.year
        if year > ref.year:  # never after the document: the century before
            year -= 100
        day = Day(year, expr.day.month, expr.day.day)
        if day.month is not None and day.day is not None and day.date() is None:
            return Resolved((), "not a day of that year", "", NO_SUCH_DAY)
        return Resolved((("when", day.tei()),), f"century from {self.anchor_reason or 'the entry'}",
                        "medium", expr.flags)

    def _story(self) -> Day | None:
        """The last full date, when it is one told in the story of a dated letter (no dated
        entry, more than a month from the letter's date: "My father died on the 10th of
        February 1722/3" in a letter of October 1766), which partial dates lean on; else None."""
        a, last = self.anchor, self.last
        if self.entry is not None or a is None or last is None or a.year is None or \
                a.month is None or last.year is None or last.month is None:
            return None
        return last if abs(last.year * 12 + last.month - a.year * 12 - a.month) > 1 else None

    def _day_alone(self, n: int, entry: bool, weekday: int | None = None,
                   tense: str = "") -> Resolved:
        """A day of the month without its month: the month of the entry (of the last date),
        the next one for an entry whose days start again; in running text a weekday written
        with it ("on Tuesday the 6th") takes the month next to it whose calendar fits. After
        a date told in the story of a letter (``_story``), the letter's own date is the base
        where the day is spoken of as to come, or where its weekday fits the months around
        the letter's date and not those around the story's."""
        ctx = self._context() if self.entry is not None or self.last is None else \
            (self.last, f"the date {self.last.tei()} before")
        story = None if entry else self._story()
        if story is not None and self.anchor is not None and (
                tense == "future" or weekday is not None and
                _fitting_month(self.anchor, n, weekday) is not None and
                _fitting_month(story, n, weekday) is None):
            ctx = self.anchor, f"{self.anchor_reason} (not the date {story.tei()} of the " \
                "story before)"
        if ctx is None or ctx[0].month is None or ctx[0].year is None:
            return Resolved((), "no month to take it from", "", "partial")
        base, why = ctx
        assert base.year is not None and base.month is not None
        y, mo = base.year, base.month
        reason = f"month and year from {why}"
        if entry and self.entry is not None and base.day is not None and n < base.day:
            y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)  # the days start again
            reason = f"the next month after {why}"
        elif not entry and weekday is not None:
            fit = _fitting_month(base, n, weekday)
            if fit is not None and fit[2]:
                y, mo = fit[0], fit[1]
                reason = f"the month {'after' if fit[2] > 0 else 'before'} {why}, " \
                    f"whose {n} is a {WEEKDAYS[weekday].title()}"
        elif not entry and base is self.anchor and tense == "future" and base.day is not None \
                and n < base.day:
            y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)  # to come: its next such day
            reason = f"the month after {why} (spoken of as to come)"
        day = Day(y, mo, n)
        if day.date() is None:
            return Resolved((), "not a day of that month", "", NO_SUCH_DAY)
        return Resolved((("when", day.tei()),), reason, "medium")

    def _weekday(self, expr: Expr, tense: str = "") -> Resolved:
        """A weekday alone: the day it is counted from where that is the weekday; with "last"
        or "next", the one before or after it; else, where the sentence speaks of it as past
        or as to come ("went to Kendal on Saturday", "on Friday he goes to Stowey", in a
        letter of a Monday), the one before or after, as a month named alone is."""
        ctx = self._day_of_writing()
        if ctx is None or ctx[0].date() is None or expr.weekday is None:
            return Resolved((), "no full date to count the weekday from", "", "relative")
        base, why = ctx
        d = base.date()
        assert d is not None
        name = WEEKDAYS[expr.weekday].title()
        if expr.offset == 0 and d.weekday() == expr.weekday:
            return Resolved((("when", base.tei()),), f"the weekday of {why}", "medium")
        if expr.offset == 0 and tense not in ("past", "future"):
            return Resolved((), "a weekday alone, neither past nor to come in its sentence: "
                            f"which {name}, before or after {why}, is left to the editor", "",
                            "relative")
        later = expr.offset > 0 or expr.offset == 0 and tense == "future"
        # a week away at least: "last Monday" in a letter of a Monday is the Monday before it
        # (was: the letter's own day), as "next Monday" is the one after it
        step = ((expr.weekday - d.weekday()) % 7 or 7) if later else -(
            (d.weekday() - expr.weekday) % 7 or 7)
        n = d + _dt.timedelta(days=step)
        if expr.offset == 0:
            side = ("after", "to come") if later else ("before", "past")
            return Resolved((("when", n.isoformat()),),
                            f"the {name} {side[0]} {why} (spoken of as {side[1]})", "medium")
        word = "the next" if expr.offset > 0 else "the last"
        return Resolved((("when", n.isoformat()),), f"{word} {name} from {why}", "medium")


def _fitting_month(base: Day, n: int, weekday: int) -> tuple[int, int, int] | None:
    """The year and month, of ``base``'s month, the next or the one before (in that order),
    whose day ``n`` is ``weekday``, and the step taken (0, 1, -1); None if none is."""
    if base.year is None or base.month is None:
        return None
    for step in (0, 1, -1):
        k = base.month - 1 + step
        d = Day(base.year + k // 12, k % 12 + 1, n).date()
        if d is not None and d.weekday() == weekday:
            return d.year, d.month, step
    return None


def anchor_of(candidates: list[tuple[str, str]]) -> tuple[Day, str] | None:
    """The source's date from (TEI value or words, where) candidates in order of trust: the
    first that holds a date stated on its own (the start of a range), at its precision."""
    for text, where in candidates:
        day = parse_day(text) or _stated_day(text)
        if day is None:
            for s, e in find_dates(text):
                day = _stated_day(text[s:e])
                if day is not None:
                    break
        if day is None and (m := re.search(r"\b(1[0-9]{3}|20[0-9]{2})\b", text)):
            day = Day(int(m[1]))
        if day is not None:
            return day, f"{where} {day.tei()}"
    return None


def _stated_day(text: str) -> Day | None:
    expr = read_expression(text)
    if expr.kind != "value" or expr.flags not in ("", "julian"):
        return None
    values = dict(expr.attrs)
    start = values.get("when") or values.get("from") or values.get("notBefore")
    return parse_day(start) if start else None


# a letter's opening line: a place ("Chester,", "Newport upon Tyne,"), then its full date
_PLACE_LEAD = re.compile(r"(?:[A-Z][\w'’.-]*(?:[ \t]+(?:[A-Z][\w'’.-]*|upon|on|near|by|de|in))"
                         r"{0,3}[ \t]*,[ \t]*)?")
DATELINE_MAX = 80  # characters: a longer line is a sentence, not a dateline


def opening_dateline(line: str) -> bool:
    """Whether a plain text's line is a letter's dateline: its date stated to the day, alone
    or after a place ("Chester, Octr 3d 1766", "London, Tuesday 4 March 1851", "3 May 1791."),
    nothing after it."""
    line = line.strip()
    if not line or "\n" in line or len(line) > DATELINE_MAX:
        return False
    rest = line[_PLACE_LEAD.match(line).end():].rstrip(" .")  # type: ignore[union-attr]
    day = _stated_day(rest) if rest else None
    return day is not None and day.day is not None


# -- finding the dates a model misses ------------------------------------------------------
def _cases(letter: str) -> str:
    """The characters (?i:) takes for a lower-case letter of the ordinal words."""
    return {"s": "sSſ", "i": "iIİı"}.get(letter, letter + letter.upper())


def _first(chars: Iterable[str]) -> str:
    """A look ahead for one of ``chars``, before an alternation of words beginning with them:
    where none stands the words are not tried one by one (a hundred month words, twenty
    ordinal ones, at each place the finder tries)."""
    return "(?=[" + "".join(sorted(map(re.escape, set(chars)))) + "])"


def _by_first(words: Iterable[str]) -> str:
    """An alternation of words, the longest first, those of one first character after it
    together ("S(?:eptember|ept)"): the engine passes over the words of another character at
    one look, not at each word (the same word matches, as at most one character's can)."""
    groups: dict[str, list[str]] = {}
    for w in sorted(words, key=len, reverse=True):
        groups.setdefault(w[0], []).append(re.escape(w[1:]))
    return "|".join(f"{re.escape(c)}(?:{'|'.join(rest)})" for c, rest in groups.items())


def _cased(words: list[str]) -> str:
    """Month words as written in running text: capitalised or upper case, never "may" or
    "march" the verbs."""
    forms = {f for w in words for f in (w.capitalize(), w.upper())}
    return _first(f[0] for f in forms) + rf"(?:{_by_first(forms)})\b\.?"


_M = _cased(list(_ALL_MONTHS))
_D = r"(?:[12]?\d|3[01])(?:st|nd|rd|th|d)?\b"
_DW = _first(c for w in _ORDINAL_WORDS for c in _cases(w[0])) + \
    rf"(?i:{_by_first(_ORDINAL_WORDS)})"
_Y = r"(?:1[0-9]{3}|20[0-9]{2})\b"
_YEAR_WORDS = (rf"(?:(?:one\s+thousand|(?:sixteen|seventeen|eighteen|nineteen)\s+hundred)"
               rf"(?:[\s-]+(?:and|hundred|{_NUM_WORD})\b)*)")
_QM = rf"(?:(?:[1-9]|1[0-2])(?:st|nd|rd|th|d)?|{_DW})\s*(?:mo\b\.?|[Mm]onth\b)"
_MON = rf"(?:{_M}|{_QM})"
# a weekday: its name, or a Quaker's "First Day" to "Seventh day"
_WEEKDAYS = ("Mon", "Tues", "Wednes", "Thurs", "Fri", "Satur", "Sun")
_DAY_ORDINALS = ("[Ff]irst", "[Ss]econd", "[Tt]hird", "[Ff]ourth", "[Ff]ifth", "[Ss]ixth",
                 "[Ss]eventh")
_WD = rf"(?:(?:{'|'.join(_WEEKDAYS)})day|(?:{'|'.join(_DAY_ORDINALS)})\s+[Dd]ay)"
_YEAR_TAIL = (rf"(?:,?\s+(?:(?:[Aa]\.\s?[Dd]\.?|[Ii]n\s+the\s+year(?:\s+of\s+our\s+[Ll]ord)?|"
              rf"[Aa]nno(?:\s+[Dd]omini)?)\s*)?(?:{_Y}|{_YEAR_WORDS}\b|['/]\d\d\b))")
_WD_AFTER = rf"(?:,?\s+(?:being\s+|was\s+|a\s+)?{_WD}\b)?"
# a year alone, named as one: "the year of our Lord 1765", "the Year one thousand seven hundred
# and sixty" (the number in words, which the model does not take for a date)
_YEAR_OF = (rf"[Tt]he\s+[Yy]ear\s+(?:(?:of\s+our\s+[Ll]ord|of\s+[Cc]hrist)\s*,?\s+(?:{_Y}|"
            rf"{_YEAR_WORDS}\b)|{_YEAR_WORDS}\b)")
FINDER = re.compile(
    rf"(?:{_WD},?\s+(?:the\s+)?)?(?:"
    rf"(?:the\s+)?(?:{_D}|{_DW})(?:\s+[Dd]ay)?(?:\s+of)?(?:\s+the)?\s+{_MON}{_YEAR_TAIL}?"
    rf"{_WD_AFTER}"
    rf"|{_MON}:?\s+(?:on\s+)?(?:the\s+)?(?:{_D}|{_DW}\b)(?:\s*[.,:;]?\s*[-–—]?\s*{_Y})?"
    rf"{_WD_AFTER}"
    rf"|{_M},?\s+{_Y}"
    rf"|{_M}\s+'?\d\d\b(?!\s*(?:st|nd|rd|th|d)\b)(?![.,]?\d)"
    rf"|{_Y},?\s+{_MON}(?:\s+{_D})?"
    rf"|{_YEAR_OF}|{_FEAST},?\s+{_Y}|{_FEAST}{_FEAST_NAMING}{_FEAST_NUMBERED}"
    rf"|\b\d{{1,2}}\.\d{{1,2}}\.(?:\d{{4}}|\d\d)\b"
    rf"|(?:the\s+)?{_D}\s+(?:of\s+)?(?:this|last|next)\s+month"
    rf"|\b[Oo]n\s+the\s+(?:[12]?\d|3[01])(?:st|nd|rd|th|d)\b(?=\s*[.,;:!?)]|\s*$)"
    rf"|(?:the\s+)?{_D}\s+(?:inst|ult|prox)\b\.?"
    rf"|\b(?:[Yy]esterday|[Tt]o-?morrow)(?:\s+(?:morning|evening|afternoon))?"
    rf"|\b(?:[Tt]he\s+)?(?:next|following|previous|preceding)\s+day\b"
    rf"|\b[Tt]he\s+day\s+(?:before|after)\b(?!\s+(?:the|a|an|his|her|my|our|their)\b)"
    rf")"
    # a diary's day heading, a weekday and the day of the month on one line: "Thursday 14:",
    # "Tuesday 26" (not a time, "Monday 10.30", "Sunday, 8 o clock")
    rf"|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?[ \t]+(?:the[ \t]+)?{_D}(?![.:]?\d)"
    rf"(?![ \t]*(?i:o['’]?[ \t]?clock|[ap]\.?m\b))")
# A day opening a paragraph of a journal ("24th.", "On the 23d", "4th. Sunday.").
ENTRY_DAY = re.compile(rf"(?:On\s+)?(?:the\s+)?(?:[12]?\d|3[01])(?:st|nd|rd|th|d)\b\.?"
                       rf"(?:\s*{_WD}\b\.?)?")
# A dateline or dated heading that is a day number and little else ("2.", "17 First Day.").
DATELINE_DAY = re.compile(rf"^(?:[12]?\d|3[01])(?:st|nd|rd|th|d)?\b[\s.,]*(?:\[[^\]]*\][\s.]*)?"
                          rf"(?:(?:the\s+|was\s+)?(?:{_WD}|[1-7](?:st|nd|rd|th|d)?\s+day|day)"
                          rf"\b\.?)?$", re.I)


# Where a FINDER match can begin: a digit, or the first two letters of one of its branches'
# first words (an optional leading group is either there or skipped). Scanning for those
# (one letter, then the next: the regex engine skips to the letters in C) and trying FINDER
# only where its branches' first words stand finds the same matches as ``FINDER.finditer`` in
# a tenth of the time. A new branch of FINDER adds its first word to _OPENINGS, with the
# first two letters it can begin with.
def _pairs(*firsts: str) -> frozenset[str]:
    """The first two letters of words: ``firsts`` each gives one letter's characters."""
    return frozenset(a + b for a in firsts[0] for b in firsts[1])


# the characters a word after "the" in _OPENINGS' first begins with (where most "the"s fail)
_THE_NEXT = "".join(sorted({c for w in _ORDINAL_WORDS for c in _cases(w[0])} | set("nfpdYy")))
# FINDER's first words, each with the pairs of letters it can begin with: at a pair in the
# text only the words that begin with it are tried, after a test of one character each (was:
# all that begin with its first letter, at each "t" of "this", "with", "that" "the" and the
# ordinal words beginning with "t" one by one, the ordinal words at every "the", a weekday's
# fourteen forms at every "M", "F", "S", "s": the scan took a sixth longer)
_OPENINGS: tuple[tuple[str, frozenset[str]], ...] = (
    # "the", "on": only with what FINDER's branches read after them (most are no date's)
    (rf"[Tt]he\s+(?=[\d{_THE_NEXT}])(?:\d|{_DW}|next|following|previous|preceding|day|[Yy]ear)",
     _pairs("Tt", "h")),
    (r"[Oo]n\s+the\s+\d", _pairs("Oo", "n")), (r"[Tt]o-?morrow", _pairs("Tt", "o")),
    (r"[Yy]esterday", _pairs("Yy", "e")),
    *((w, _pairs(*w[:2])) for w in ("next", "following", "previous", "preceding")),
    *((f"{w}day", _pairs(*w[:2])) for w in _WEEKDAYS),
    *((rf"{o}\s+[Dd]ay", _pairs(o[1:3], o[4])) for o in _DAY_ORDINALS),
    (_SAINT.replace("?P<saint>", ""), _pairs("S", "ta")),  # "St", "Saint"
    # feasts: each name at its own letters
    *((_feast_words(n), _pairs(*n[:2])) for n in [*FIXED_FEASTS, *MOVABLE_FEASTS]),
    *((rf"{re.escape(f)}\b", _pairs(*f[:2])) for w in _ALL_MONTHS
      for f in (w.capitalize(), w.upper()) if not f[0].isdigit()),  # "7ber": at the digit
    *((f"(?i:{w})", _pairs(_cases(w[0]), _cases(w[1]))) for w in _ORDINAL_WORDS))
_SECONDS: dict[str, set[str]] = {}
for _, _firsts in _OPENINGS:
    for _pair in _firsts:
        _SECONDS.setdefault(_pair[0], set()).add(_pair[1])


def _opening(pair: str) -> str:
    """The first words that can begin with ``pair``, as one pattern."""
    words = [w for w, pairs in _OPENINGS if pair in pairs]
    assert words, f"no first word begins with {pair!r}"  # an empty one would match anything
    return "|".join(words)


# one pattern per first letter, each opening with that letter, for a whole text: the engine
# skips to its letter in C (the alternation of them all tries its branches at every
# character, 1.4 times as long; at any place only the branch of its letter can match, so both
# find the same places); the alternation for a few lines, as it stops soon after each. After
# the letter, the letter after it picks its first words (an alternative beginning with a
# letter is passed over at a look at one character); the match takes the first letter only,
# so the next one is tried too
_LETTER_STARTS = tuple(re.compile(
    re.escape(a) + "(?=" + "|".join(f"{re.escape(b)}(?<=(?={_opening(a + b)})..)"
                                    for b in sorted(bs)) + ")")
    for a, bs in sorted(_SECONDS.items()))
_LETTER_START = re.compile("|".join(p.pattern for p in _LETTER_STARTS))
_DIGIT = re.compile(r"\d")


def finder_matches(text: str, lines: Sequence[tuple[int, int]] | None = None
                   ) -> Iterator[re.Match[str]]:
    """``FINDER.finditer(text)`` within each block, trying FINDER only where a match can begin.

    A match ends at the block's end (the next line break, where the reading text has none but
    the blank line between blocks): FINDER's spaces would take one ("1770\n\nJuly", a title's
    year and the next heading's month, read as July 1770), and no date runs into the next
    block. ``lines``: only those (start, end), in order (``_lines_of``); the matches there are
    those of the whole text, as no match runs from one line into the next."""
    pos = 0
    block_end = -1
    match = FINDER.match
    for lo, hi in ((0, len(text)),) if lines is None else lines:
        for p in _starts(text, lo, hi):
            if p >= block_end:
                block_end = text.find("\n", p)
                if block_end == -1:
                    block_end = len(text)
            if p >= pos and (m := match(text, p, block_end)) is not None:
                yield m
                pos = m.end()


def _starts(text: str, lo: int, hi: int) -> list[int]:
    """Where a FINDER match may begin in ``text[lo:hi]``, in order. Within a line (``hi`` its
    break) the letters' patterns read no further than it: a first word they would read past
    it begins no match, as ``finder_matches`` ends each at the break, and a word cut there
    is one more place tried (was: the search for the next place went on past the line, to
    the next first word of the text, thousands of characters on)."""
    if hi == len(text):
        letters = [m.start() for start in _LETTER_STARTS for m in start.finditer(text, lo)]
    else:
        letters = [m.start() for m in _LETTER_START.finditer(text, lo, hi)]
    return sorted(letters + [m.start() for m in _DIGIT.finditer(text, lo, hi)])


def _lines_of(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The lines (start, end: its line break or the text's end) the spans start in, in order,
    each once."""
    out = set()
    for start, _ in spans:
        end = text.find("\n", start)
        out.add((text.rfind("\n", 0, start) + 1, len(text) if end < 0 else end))
    return sorted(out)


def find_dates(text: str, on_lines_of: Iterable[tuple[int, int]] | None = None
               ) -> list[tuple[int, int]]:
    """Spans of date expressions a NER model tends to miss: old and Quaker forms, two-digit
    years, day-first numbers, weekday + date, days of this month; also where an editor
    supplied part of one in brackets ("31 August 179[1]", "Aug. 31 [1791]"), the span taking
    in the brackets. ``on_lines_of``: only on the lines these spans start in (a date is found
    within its line: those the whole text's finding starts there), the rest not read."""
    lines = None if on_lines_of is None else _lines_of(text, on_lines_of)
    out = _find_dates(text, lines)
    supplied: list[tuple[int, int]] = []
    for line_start, plain, where, gone in _bracketed_lines(text, lines):
        for s, e in _find_dates(plain):
            a, b = line_start + where[s], line_start + where[e - 1] + 1
            while a > line_start and gone[a - 1 - line_start]:
                a -= 1  # the "[" of "[17]91", "[1791]"
            while b < line_start + len(gone) and gone[b - line_start]:
                b += 1  # the "]" of "179[1]", a "[?]" after the date
            if any(gone[a - line_start:b - line_start]) and \
                    read_expression(text[a:b]).kind != "none":
                supplied.append((a, b))
    return merge_spans(out, supplied) if supplied else out


def _bracketed_lines(text: str, lines: Sequence[tuple[int, int]] | None = None
                     ) -> Iterator[tuple[int, str, list[int], bytearray]]:
    """Each line holding an editor's brackets as annotator.dates.read_through reads it (the
    brackets gone, and a doubt or a "sic" whole): its start, its words so, where each of those
    characters stands in the line, and which of the line's characters went. ``lines``: only
    those (start, end)."""
    if lines is not None:
        for start, end in lines:
            if text.find("[", start, end) >= 0 and (got := _bracketed(text[start:end])):
                yield start, *got
        return
    bracket = text.find("[")
    while bracket >= 0:  # found, not matched: a pattern for "a line with a [" scans each
        # line again from each of its characters
        start = text.rfind("\n", 0, bracket) + 1
        end = text.find("\n", bracket)
        end = len(text) if end < 0 else end
        bracket = text.find("[", end)
        if got := _bracketed(text[start:end]):
            yield start, *got


def _bracketed(line: str) -> tuple[str, list[int], bytearray] | None:
    """A line's words without the editor's brackets, where each stands and which characters
    went (``_bracketed_lines``); None where none went."""
    gone = bytearray(len(line))
    for g in BRACKET_GROUP.finditer(line):
        gone[g.start()] = gone[g.end() - 1] = 1
        content = g[1].rstrip()
        if bracket_drops(g[1]):
            gone[g.start():g.end()] = b"\x01" * (g.end() - g.start())
        elif content.endswith("?"):
            gone[g.start(1) + len(content) - 1] = 1
    if not any(gone):
        return None
    kept = [m.span() for m in _KEPT.finditer(gone)]  # runs of characters kept, not each one
    return "".join([line[a:b] for a, b in kept]), \
        list(itertools.chain.from_iterable(itertools.starmap(range, kept))), gone


_KEPT = re.compile(rb"\x00+")


def bracket_span(text: str, start: int, end: int) -> tuple[int, int]:
    """A date span with the editor's brackets it cuts or touches taken in ("c. 1790" of
    "[c. 1790]", "1790" of "1790[?]", "17]91" of "[17]91"), when the words then read as a
    date with the brackets read in; else the span as it was ("May 1790[1", a note's number)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    a, b = start, end
    for m in BRACKET_GROUP.finditer(text, line_start, len(text) if line_end < 0 else line_end):
        if m.start() <= b and m.end() >= a:
            a, b = min(a, m.start()), max(b, m.end())
    if (a, b) != (start, end) and _read_through(text[a:b]) is not None:
        return a, b
    return start, end


def _find_dates(text: str, lines: Sequence[tuple[int, int]] | None = None
                ) -> list[tuple[int, int]]:
    out = []
    for m in finder_matches(text, lines):
        s, e = m.span()
        while e > s and text[e - 1] in " ,":
            e -= 1
        word = _WORD_AND_STOP.search(text[s:e])
        if word and word[1].lower() in MONTH_NAMES:  # "of May." ends a sentence
            e -= 1
        e = double_year_end(text, s, e, _FEAST_NAMED)  # "29 February 1723/4": 1724's only
        if read_expression(text[s:e]).kind != "none" or \
                read_expression(text[s:style_mark_end(text, e)]).kind != "none":
            out.append((s, e))  # "29 February 1699 O.S.": a day of the calendar it names
    return out


def entry_dates(text: str, blocks: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """Spans that date an entry: a dateline or heading that is a day ("2.", "13 [14]."), and a
    day opening a paragraph. ``blocks`` are (start, end, kind) with kind 'dateline', 'head'
    or 'p'. A paragraph's first line is read where it stands, not copied (was: every block
    copied twice, a note's too, a text's length over)."""
    out = []
    for start, end, kind in blocks:
        if kind not in ("dateline", "head", "p"):
            continue
        first = _NOT_SPACE.search(text, start, end)
        if first is None:
            continue
        s = first.start()
        # its first block only: a note inside it is a block of its own
        line_end = text.find("\n", s, end)
        line_end = end if line_end < 0 else line_end
        if kind == "p":
            if (m := ENTRY_DAY.match(text, s, line_end)) is not None:
                out.append((s, s + len(m.group().rstrip())))
            continue
        chunk = text[s:line_end].rstrip()
        if chunk and (DATELINE_DAY.match(chunk) or read_expression(chunk).kind not in ("none",)):
            out.append((s, s + len(chunk)))  # the whole dateline is the date
    return out


_NOT_SPACE = re.compile(r"\S")


def trim_date_span(text: str, start: int, end: int) -> tuple[int, int]:
    """A model's date span that reads as no date because it ran on into words that name no
    time ("Tuesday 26 Walked", a diary's next sentence; "Years 1750 &"): cut after the date
    it begins with. A span ending in a word of time ("1940 and after", "the 1930s era")
    stays whole, and so does one that reads as a date."""
    surface = text[start:end]
    if read_expression(surface).kind != "none":
        return start, end
    words = list(_NO_SPACE.finditer(surface))
    for k in range(len(words) - 1, 0, -1):
        if names_time(surface[words[k].start():]):
            break
        head = surface[:words[k - 1].end()].rstrip(" ,;:&–—-")
        if read_expression(head).kind in ("value", "partial", "weekday"):
            return start, start + len(head)
    return start, end


def _day_heading(expr: Expr) -> bool:
    """A weekday and a day of the month, no month ("Thursday 14"): a diary's day heading,
    which dates what follows where it stands as one (``_heading_here``: opening a line, or
    in a diary a sentence, or after a dash); in running prose ("on Thursday 14 we went") it
    is resolved but dates nothing after it."""
    return expr.kind == "partial" and expr.weekday is not None and expr.day.month is None \
        and expr.day.day is not None


_ADVERB = re.compile(r"(?:only|just|but|even)\s+", re.I)
_LAST_NEXT_AFTER = re.compile(r"[ \t]+(last|next)\b(?![ \t]+(?:week|month|year|night|time|of)\b)",
                              re.I)
_LAST_NEXT_BEFORE = re.compile(r"(?<!the )(?<!\w)(?:last|next)[ \t]+$", re.I)


def _adverb_dropped(text: str, start: int, end: int) -> tuple[int, int]:
    """A date's span opening with an adverb ("only yesterday", "just Tuesday") without it,
    where the rest reads as a day: "yesterday" keeps its value. A span that is no date ("just
    one month", a duration) stays as it is, and is left out."""
    m = _ADVERB.match(text, start, end)
    if m and read_expression(text[m.end():end]).kind in ("relative", "weekday") and \
            normalise_date(text[start:end]) is not None:
        return m.end(), end
    return start, end


def _letters_weekday(expr: Expr, before: str, chron: Chronology, entries_seen: int) -> bool:
    """Whether a weekday alone is one a letter's prose speaks of ("I saw Coleridge on
    Tuesday", "on Friday he goes"), which its clause's tense places before or after the
    letter's date: not in a diary, whose entries are days and whose running date is no day
    of writing; not heading a line or a sentence ("Sunday. We went"); not an ordinal day
    ("on the third day of this miserable hike", no Quaker Third Day)."""
    return expr.kind == "weekday" and expr.offset == 0 and not _days(chron, entries_seen) \
        and not _opens_line(before) and not _THE_BEFORE.search(before)


def _weekday_words(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """A weekday alone with the "last" or "next" written after or before it taken in ("on
    Tuesday last", "next Friday"), which choose the one meant; any other span as it is."""
    expr = read_expression(text[start:end])
    if expr.kind != "weekday" or expr.offset:
        return start, end
    m = _LAST_NEXT_AFTER.match(text, end, hi)
    if m:
        return start, m.end()
    m = _LAST_NEXT_BEFORE.search(text, max(lo, start - 6), start)
    return (m.start(), end) if m else (start, end)


def _vague_start(text: str, start: int, end: int, lo: int) -> int:
    """A century's span with the vague words right before it taken in ("the middle of", "the
    beginning of" before a model's "the last Century"), so its value is flagged fuzzy as the
    words say; any other span as it is."""
    expr = read_expression(text[start:end])
    if expr.kind != "century-rel" or expr.flags:
        return start
    m = _VAGUE_BEFORE.search(text, max(lo, start - 60), start)
    return m.start() if m else start


def _heading_here(before: str, chron: Chronology, entries_seen: int) -> bool:
    """Whether a weekday and day ("Thursday 14") standing after ``before`` in its block is a
    diary's day heading, which dates what follows: where it opens the block or a line, or,
    in a source whose entries are days (two dated entries already, or one that is not the
    source's own date), where it opens a sentence or follows a dash ("––– Friday 15."). In a
    letter, whose one entry is its dateline, a weekday opening a sentence ("we arrived
    safely. Thursday 14 we went to the Pump Room") is prose, resolved as "on Thursday 14"
    is."""
    if not before.rstrip(" \t") or before.rstrip(" \t").endswith("\n"):
        return True
    return _days(chron, entries_seen) and _opens_line(before)


def _days(chron: Chronology, entries_seen: int) -> bool:
    """Whether a source's entries are days (a diary): two dated entries already, or one that
    is not the source's own date. A letter's one entry is its dateline."""
    return entries_seen >= 2 or chron.entry is not None and chron.entry != chron.anchor


# A weekday alone heading a diary's line or entry ("First Day.", "Was First Day. At our
# meeting...", "Fifth Day morning", "Sunday."): the weekday's words, not the "Was" before them
_WEEKDAY_HEADING = re.compile(
    rf"[ \t]*(?:(?:[Ii]t[ \t]+)?[Ww]as[ \t]+)?(?P<wd>{_WD}(?:[ \t]+of[ \t]+the[ \t]+week)?"
    rf"(?:[ \t]+(?i:morning|forenoon|afternoon|evening|night))?)\b(?![ \t]*(?:\d|of\b))")
# the same after a line break: the engine skips to each in C (was: ``^`` of re.M, tried at
# every character); a match ends after a word, never at the next line's start
_WEEKDAY_HEADING_LINE = re.compile("\n" + _WEEKDAY_HEADING.pattern)


def weekday_headings(text: str) -> list[tuple[int, int]]:
    """Spans of a weekday alone opening a line ("First Day. Asa Matlack went with me"), as a
    Quaker diary heads a day's entry: a diary's day heading where it is a line of its own, or
    opens a block in a source whose entries are days (``date_mentions`` tells which)."""
    first = _WEEKDAY_HEADING.match(text)
    return [m.span("wd") for m in ([first] if first else [])] + \
        [m.span("wd") for m in _WEEKDAY_HEADING_LINE.finditer(text, first.end() if first else 0)]


def _own_line(text: str, start: int, end: int) -> bool:
    """Whether a span is alone on its line but for a stop and a "Was" before it."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    after = text[end:len(text) if line_end < 0 else line_end]
    return re.fullmatch(r"[ \t]*(?:(?:[Ii]t[ \t]+)?[Ww]as[ \t]+)?", text[line_start:start]) \
        is not None and re.fullmatch(r"[\s.,:;!]*", after) is not None


def _opens_line(before: str) -> bool:
    """Whether what stands before a date in its block leaves it opening a line or a sentence
    (nothing, a line break, a stop or a dash: "––– Thursday 14:"), where a diary's day heading
    stands; after a word ("on Thursday 14 we went") it is running prose."""
    before = before.rstrip(" \t")
    return not before or before[-1] in "\n.!?:;-–—_"


# Words that tell a sentence speaks of what is to come, or of what is past (a verb's past
# form: a closed list of common irregular ones, and words in -ed not after "am", "is", "are",
# "be", where they are mostly adjectives or a passive to come: "I am pleased", "to be paid").
# What is to come is also what a verb in the present binds or means to do, its infinitive
# with "to" (obligation, intention, arrangement): "must go", "am to go", "have to be",
# "obliges me to go", "wish to see", "promise to call" ("obliged me to", "had to", "promised
# to" say the past, an -ed or a past form, and the two cues cancel).
_BOUND = (r"(?:must|(?:am|is|are|have|has|about)\s+to|(?:obliges?|compels?|requires?|forces?|"
          r"wants?|wish|wishes|desires?|promises?|purposes?|designs?|plans?|resolves?|means?|"
          r"proposes?)(?:\s+(?:me|us|him|her|them|you))?\s+to)")
_FUTURE = re.compile(rf"\b(?:will|shall|wo|hope|hopes|hoping|intend|intends|intending|expect|"
                     rf"expects|expecting|going|soon|next|{_BOUND})\b|\w['’]ll\b", re.I)
_PAST = re.compile(r"\b(?:was|were|had|did|ago|last|since|went|came|saw|left|got|gave|made|"
                   r"took|sent|wrote|told|found|heard|spent|met|paid|began|brought|bought|"
                   r"thought|said|kept|felt|knew|lost|held|sat|stood|ran|rode|fell|became|"
                   r"spoke|chose|drove|grew|led)\b", re.I)
_ED = re.compile(r"\b(?:(am|is|are|be|being)\s+)?(\w+[^e\W]ed)\b", re.I)
_SENTENCE_END = re.compile(r"[.!?;:\n]")


_NEAR = 8  # a weekday's tense: the words of its clause this near it
_CLAUSE = re.compile(r",\s*(?:and|but|while|whereas|yet)\b", re.I)
# the present tense a day to come is spoken of in ("on Friday he goes to Stowey", "the coach
# leaves on Monday"): a weekday's cue only, where no word says the past
_PRESENT = re.compile(r"\b(?:is|are|goes|comes|leaves|sets|starts|returns|sails|arrives|"
                      r"begins|meets|dines)\b", re.I)


def tense_around(text: str, start: int, end: int, lo: int = 0, hi: int | None = None, *,
                 clause: bool = False) -> str:
    """'past' or 'future' when the words of the sentence a date stands in (within ``lo``..``hi``,
    its block, and the block before when this one goes on from it in lower case, as over a
    page break; the date's own words left out) say only the one, else ''. A cue, not a parse:
    "which I hope to deliver to you in February" is future, "had to leave on the 1st October"
    past, "the fair is in May" neither. With ``clause`` (a weekday) the words of the date's clause
    alone count (the sentence cut at ", and", ", but"), up to ``_NEAR`` on each side, and a present tense with no word of the
    past speaks of a day to come ("on Friday he goes to Stowey")."""
    hi = len(text) if hi is None else hi
    parts = _SENTENCE_END.split(text[lo:start])
    head = parts[-1]
    if len(parts) == 1 and head.lstrip()[:1].islower():  # a block going on from the one before
        head = _SENTENCE_END.split(text[max(0, lo - 400):lo].rstrip())[-1] + " " + head
    m = _SENTENCE_END.search(text, end, hi)
    tail = text[end:m.start() if m else hi]
    if clause:  # "I saw him on Tuesday last, and on Friday he goes": the date's clause only,
        # the words near it ("... as you have entered a note ... I go to Chester on Thursday")
        head = " ".join(_CLAUSE.split(head)[-1].split()[-_NEAR:])
        tail = " ".join(_CLAUSE.split(tail)[0].split()[:_NEAR])
    words = f"{head} {tail}"
    future = _FUTURE.search(words) is not None
    past = _PAST.search(words) is not None or any(
        not w[1] and not w[2].lower().endswith("eed") for w in _ED.finditer(words))
    if clause and not past:
        future = future or _PRESENT.search(words) is not None
    return "past" if past and not future else "future" if future and not past else ""


_NEXT_CHAR = re.compile(r"[ \t]*(\S)")


def _doubt_taken_in(text: str, end: int, kind: str, before: str) -> int:
    """A date's end with a "?" written right after it taken in ("12 May 1791?", the editor's
    or writer's doubt, read as "[1791?]" is), where it is no question's mark: in a dateline or
    heading, after a date opening a line, or with the sentence going on after it ("1791?),",
    "1791? or 1792"); "did he come on 12 May?" ends a question and stays out."""
    if end >= len(text) or text[end] != "?" or not text[end - 1:end].isalnum():
        return end
    m = _NEXT_CHAR.match(text, end + 1)
    after = m[1] if m else ""
    if kind in ("dateline", "head") or _opens_line(before) or \
            (after and (after in ",;:)]" or after.islower() or after.isdigit())):
        return end + 1
    return end


def merge_spans(*groups: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Date spans of several finders as one list: where two overlap, the wider stays."""
    out: list[tuple[int, int]] = []
    for s, e in sorted({span for g in groups for span in g}, key=lambda x: (x[0], -x[1])):
        if out and s < out[-1][1]:
            if e - s > out[-1][1] - out[-1][0]:
                out[-1] = (s, e)
            continue
        out.append((s, e))
    return out


def _has_day(expr: Expr) -> bool:
    """Whether an expression names a day (a paragraph opening with it starts a dated entry)."""
    if expr.kind == "partial":
        return expr.day.day is not None
    day = _values_day(expr.attrs) if expr.kind == "value" else None
    return day is not None and day.day is not None


_BARE = re.compile(r"(?:[12]?\d|3[01])\.?")


def _bare_number(text: str, start: int, end: int) -> bool:
    """Whether a span is a number that only a dated entry makes a day: digits alone, no "the"
    before them, no ordinal ("the 22nd", "22d", "on the 3rd inst." are days wherever they
    stand; "22." opening a journal's entry is one; "Lenke, 22, sister" is an age)."""
    return bool(_BARE.fullmatch(text[start:end].strip())) and \
        not _THE_BEFORE.search(text[max(0, start - 8):start])


_AGE_AFTER = re.compile(r"[ \t]*(?:-[ \t]*)?(?:years?|yrs?)\b", re.I)
_NAME_COMMA = re.compile(r"(?<![\w'’.-])([A-Z][\w'’.-]*),[ \t]*$")


def _age(text: str, start: int, end: int) -> bool:
    """Whether a span is digits alone that give a person's age, no two-digit year: set off by
    commas right after a name ("Lenke, 43, mother", "Herman Klein, 57, brother") or followed
    by "years"/"yrs" ("43 years old"). After a month or a season the number is a year ("May,
    44,"); "In Spring 43", "At Easter 43" have no comma and stay years."""
    if not text[start:end].strip().isdigit():
        return False
    if _AGE_AFTER.match(text, end):
        return True
    before = _NAME_COMMA.search(text, max(0, start - 40), start)
    return before is not None and text[end:end + 3].lstrip(" \t").startswith(",") and \
        before[1].lower().rstrip(".") not in _ALL_MONTHS and \
        before[1].lower() not in ("spring", "summer", "autumn", "fall", "winter", "easter",
                                  "christmas", "whitsun", "michaelmas")


# What a number standing before a span counts: an age ("she was aged 33", "He is aged 45",
# "age 12"), a page, leaf or other place in a book ("page 300, 52", "pp. 12-14", "fol. 3"),
# "No. 5"; the span's number (or the last of a list after the word) is no year and no day.
_COUNTED = re.compile(r"(?<![\w.])(?:(?i:aged|age|pages?|folios?|fols?\.|leaf|leaves|vol\.|"
                      r"volumes?|chap\.|chapters?|verses?|lines?|nos?\.|numbers?)|pp?\.)"
                      r"(?:[ \t]+(?i:about|near|nearly|almost|above|upwards[ \t]+of))?[ \t]*"
                      r"(?:\d+[ \t]*(?:,|-|–|&|and)[ \t]*)*$")
# A part of a stretch of time counted out: "55 Years, 1 Month, 21 days", "2 months and 3 days"
_COUNT_UNIT = r"(?:years?|yrs?\.?|months?|mos?\.?|weeks?|days?)"
_COUNT_BEFORE = re.compile(rf"\d+[ \t]+{_COUNT_UNIT}[ \t]*(?:,|and)[ \t]*$", re.I)
_COUNT_AFTER = re.compile(rf"[ \t]*(?:,|and)[ \t]*\d+[ \t]+{_COUNT_UNIT}", re.I)
_MONTHS_COUNT = re.compile(r"\d+[ \t]+months\b", re.I)  # "3 Months": no Quaker month is plural
_COUNT_SPAN = re.compile(rf"\d+(?:[ \t]+{_COUNT_UNIT})?", re.I)  # "55", "1 Month"


def _count(text: str, start: int, end: int) -> bool:
    """Whether a span is a number that counts, no date: an age after "aged", a page or folio
    (alone or the last of a list after the word: "page 300, 52"), or a part of a stretch of
    time ("Aged 55 Years, 1 Month, 21 days": "1 Month" is no Quaker First Month, "55" no
    year). Only a span of digits (with a unit word) is one: "aged 33" is no date, "page 3 of
    May 1791" still is."""
    surface = text[start:end].strip()
    line_start = text.rfind("\n", 0, start) + 1
    before = text[max(line_start, start - 60):start]
    if surface.isdigit() and _COUNTED.search(before):
        return True
    if _MONTHS_COUNT.fullmatch(surface):
        return True
    if _COUNT_SPAN.fullmatch(surface) is None:
        return False
    return _COUNT_BEFORE.search(before) is not None or \
        (re.search(r"[A-Za-z]", surface) is not None and
         _COUNT_AFTER.match(text, end, end + 30) is not None)


@dataclass(frozen=True, slots=True)
class Dating:
    """What a source gives its dates to lean on: its own date and its blocks (start, end,
    kind 'dateline', 'head' or 'p')."""

    anchor: Day | None = None
    anchor_reason: str = ""
    blocks: tuple[tuple[int, int, str], ...] = ()
    references: tuple[tuple[int, int], ...] = ()  # ref, idno...: a bare number there is no year
    # (start, end, TEI attributes) of the dates the file's markup (or the editor) valued: they
    # are read as valued, so a dateline whose words do not give its date still dates its entry
    marked: tuple[tuple[int, int, tuple[tuple[str, str], ...]], ...] = ()
    # (start, end) in the editor's voice (``tei.voice``): their dates are flagged 'editorial'
    # and, the file's valued ones too, leave the running date alone
    editorial: tuple[tuple[int, int], ...] = ()
    # whether a weekday alone heading a diary's entry is proposed: only where the edition
    # marks such headings (its convention, ``nlp.conventions``; with no evidence, not)
    weekday_headings: bool = False


# The reason of a date read as relative with no value ("last week", "just a year before",
# "the following years"): it is counted from another time or vague, no day of its own, and a
# span such as a week is not given a range (user41 report, defect 11: the reason was empty)
RELATIVE_WHY = ("relative: counted from another time, or vague, with no day of its own to "
                "give; its value is left to the editor")


def _reach(spans: Iterable[tuple[int, int]]) -> Callable[[int], int]:
    """The furthest end among ``spans`` starting before a place (-1 where none does): with it
    a date asks whether one of them overlaps it (``furthest(end) > start``) or holds it
    (``furthest(start + 1) >= end``) by a bisection, not by ``any`` over them all for each
    date (the marked dates times the dates)."""
    ordered = sorted(spans)
    starts = [a for a, _ in ordered]
    reach = list(itertools.accumulate((b for _, b in ordered), max))

    def furthest(before: int) -> int:
        i = bisect.bisect_left(starts, before)
        return reach[i - 1] if i else -1
    return furthest


def date_mentions(text: str, model_spans: list[tuple[int, int]], dating: Dating = Dating()
                  ) -> list[tuple[int, int, Resolved]]:
    """A source's date mentions with their values, in reading order.

    ``model_spans`` (a NER model's dates) are joined by the finder's and the entry dates';
    where spans overlap the wider stays. Spans that are no date at all (a duration) are left
    out. ``blocks`` are (start, end, kind) of datelines, headings and paragraphs.
    """
    blocks = dating.blocks
    entries = set(entry_dates(text, list(blocks)))
    valued = {(s, e): attrs for s, e, attrs in dating.marked}
    found = merge_spans(model_spans, find_dates(text), list(entries))
    line_heads = set(weekday_headings(text))
    headings = line_heads - set(found) if dating.weekday_headings else set()
    spans = merge_spans(found, list(headings))
    if valued:  # what the markup dates stands as marked, and nothing over it
        over = _reach(valued)
        spans = sorted([*((s, e) for s, e in spans if over(e) <= s), *valued])
    editorial = _reach(dating.editorial)
    starts = [b[0] for b in blocks]
    notes = [(k, a, b) for k, (a, b, kind) in enumerate(blocks) if kind == "note"]
    chron = Chronology(dating.anchor, dating.anchor_reason)
    out = []
    entries_seen = 0  # the dated entries so far (a letter has one, its dateline)
    for start, end in spans:
        i = bisect.bisect_right(starts, start) - 1
        while i >= 0 and blocks[i][1] < end:  # the innermost block holding the span
            i -= 1
        kind = blocks[i][2] if i >= 0 else ""
        lo, hi = (blocks[i][0], blocks[i][1]) if i >= 0 else (0, len(text))
        before = text[lo:start]
        editors = editorial(start + 1) >= end
        if (start, end) in valued and editors:
            out.append((start, end, Resolved(valued[start, end], "the file's markup", "high",
                                             "editorial")))
            continue
        if (start, end) in valued:
            first = i >= 0 and not before.strip()
            day = _values_day(valued[start, end])
            entry = first and (kind in ("dateline", "head") or (start, end) in entries or
                               kind == "p" and day is not None and day.day is not None)
            entries_seen += entry
            out.append((start, end, chron.marked(valued[start, end], block=i, entry=entry)))
            continue
        end = _doubt_taken_in(text, style_mark_end(text, double_year_end(text, start, end, _FEAST_NAMED)),
                              kind, before)
        start = _vague_start(text, start, end, lo)
        start, end = _weekday_words(text, *_adverb_dropped(text, start, end), lo, hi)
        surface = text[start:end]
        if read_expression(surface).kind == "none" and normalise_date(surface) is None:
            continue
        if surface.strip().isdigit() and any(a <= start and end <= b
                                             for a, b in dating.references):
            continue  # "<ref target='1304.xml'>1304</ref>": a letter's number, no year
        first_in_block = i >= 0 and not text[lo:start].strip()
        own_line = (start, end) in headings and _own_line(text, start, end)
        if (start, end) in headings and not own_line and not _days(chron, entries_seen):
            continue  # "First Day. We went" opening a letter's paragraph: no heading
        is_entry = (start, end) in entries or (kind in ("dateline", "head") and
                                               first_in_block) or \
            (kind == "p" and first_in_block and _has_day(read_expression(surface))) or \
            _day_heading(read_expression(surface)) and _heading_here(before, chron, entries_seen)
        if not is_entry and kind != "dateline" and _bare_number(text, start, end):
            continue  # "Lenke, 22, sister": an age or a count, no day of the month
        if kind != "dateline" and (_age(text, start, end) or _count(text, start, end)):
            continue  # "Lenke, 43, mother", "aged 33", "page 300, 52": no year, no day
        aside = editors or any(a <= start and end <= b for k, a, b in notes if k <= i)
        entries_seen += is_entry and not aside
        # only a date wanting its month or year leans on its sentence's tense, and a weekday
        # alone in a letter's prose on its clause's
        expr = read_expression(surface)
        tense = tense_around(text, start, end, lo, hi) if expr.kind == "partial" else \
            tense_around(text, start, end, lo, hi, clause=True) \
            if _letters_weekday(expr, before, chron, entries_seen) and not is_entry and \
            (start, end) not in line_heads else ""
        if expr.kind == "period-rel" and (_PERIOD_OWNED.search(text, max(lo, start - 8), start)
                                          or _OF_AFTER.match(text, end, hi)):
            # "the last month of my stay", "in the Course of the next week": a week or month
            # counted from a time the story tells, not from the day of writing
            got = Resolved((), RELATIVE_WHY, "", "relative")
        else:
            got = chron.resolve(surface, block=i, entry=is_entry and not aside, aside=aside,
                                tense=tense)
        if editors:
            got = dataclasses.replace(got, flags=",".join(f for f in (got.flags, "editorial")
                                                          if f))
        out.append((start, end, got))
    return out
