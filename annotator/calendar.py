"""The calendar, once: which dates exist, and ISO 8601 date values.

One rule for TEI values (``@when``, ``@notBefore``, ...), bibliography dates (EDTF ranges) and
the dates the rules read in a text: proleptic Gregorian, year 0 a leap year, no month 13, no 30
February, no 29 February 1900; a date an English text wrote in Old Style (Julian days, the
year from 25 March, Quaker months from March, before 1752) is read into it (``old_style``).

DOCS: docs/proposals.md#dates
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
# the forms as help and refusals name them: a day (a source's own date), a TEI value (@when...)
DAY_FORMS = "YYYY, YYYY-MM or YYYY-MM-DD"
TEI_FORMS = f"{DAY_FORMS.replace(' or', ',')}, or without a year --MM, --MM-DD or ---DD"
ISO_DATE = re.compile(r"(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def real_date(year: int | None, month: int | None = None, day: int | None = None) -> bool:
    """Whether a year, month and day exist. An unknown year (None) allows 29 February."""
    if month is None:
        return True
    if not 1 <= month <= 12:
        return False
    if day is None:
        return True
    feb = 29 if year is None or leap(year) else 28
    return 1 <= day <= (feb if month == 2 else _DAYS[month - 1])


def real_iso(value: str) -> bool:
    """Whether a TEI date value names a date that exists: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``
    (a year BC with a minus, as XML Schema 1.0 counts them: -0001 is 1 BC, no year 0000)
    and XSD's yearless forms that att.datable.w3c allows, ``--MM`` (gMonth), ``--MM-DD``
    (gMonthDay, 29 February allowed) and ``---DD`` (gDay: a day of any month, 01 to 31). The
    form itself is checked by the caller's pattern."""
    if value.startswith("---"):
        return 1 <= int(value[3:]) <= 31
    if value.startswith("--"):
        return real_date(None, *(int(p) for p in value[2:].split("-")))
    parts = value.lstrip("-").split("-")
    if int(parts[0]) == 0:  # XML Schema 1.0, which TEI's schema is checked by, has no year 0
        return False
    if len(parts) == 1:
        return True
    return real_date(int(parts[0]), int(parts[1]), int(parts[2]) if len(parts) == 3 else None)


_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")


def not_a_day(value: str, *, year_zero: bool = False) -> str | None:
    """Why a TEI date value of the right form (``YYYY-MM-DD``, ``--MM-DD``...) names no date,
    in an editor's words ("February 1901 has 28 days", "there is no month 13"); None when it
    names one. A refusal says this, not that the form is wrong: the form was right.
    ``year_zero``: the value is a .bib date, where ISO's year 0000 (1 BC) exists."""
    if real_iso(value) and not (year_zero and value.startswith("0000")):
        return None
    if value.startswith("---"):
        nth = int(value[3:])
        return "there is no day 0" if nth == 0 else f"no month has {nth} days"
    if value.startswith("--"):
        year, rest = None, value[2:]
    else:
        sign = "-" if value.startswith("-") else ""
        year_text, _, rest = value[len(sign):].partition("-")
        year = int(sign + year_text)
        if year == 0 and not year_zero:
            return "there is no year 0: TEI's dates write 1 BC as -0001"
    month, *day = (int(p) for p in rest.split("-") if p.isdigit())
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    if day and day[0] == 0:
        return "there is no day 0"
    if month != 2:
        return f"{_MONTH_NAMES[month - 1]} has {_DAYS[month - 1]} days"
    if year is None:
        return "February has 29 days at most"
    return f"February {year} has {29 if leap(year) else 28} days"


def iso_date(text: str, *, real: bool = True) -> list[list[int]] | None:
    """The parts of an ISO (EDTF) date or range (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, two of
    them joined by "/", the second may be left open: ``[]``), or None. With ``real`` a month
    past 12 or a day its month lacks is no date either (biber ignores it, citeproc would read
    month 13 as a season, TEI's ``@when`` is invalid)."""
    pieces = text.split("/")
    if len(pieces) > 2:
        return None
    out: list[list[int]] = []
    for n, piece in enumerate(pieces):
        if n and not piece:
            out.append([])  # an open end
            continue
        m = ISO_DATE.fullmatch(piece)
        if m is None:
            return None
        parts = [int(x) for x in m.groups() if x]
        if real and not real_date(*parts):
            return None
        out.append(parts)
    return out


# one end of a .bib date as biber reads it (biblatex's EDTF level 0 and 1): a day, month
# (21-41: a division of the year) or year, a time of day after a day, one qualifier
# (~ approximate, ? uncertain, % both)
_BIB_END = re.compile(r"(-?\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})"
                      r"(?:Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?([~?%])?")
SEASONS = {21: "spring", 22: "summer", 23: "autumn", 24: "winter"}  # EDTF's; CSL's 1-4
# the divisions of a year biber reads (ISO 8601-2 4.8, biber's YEARDIVISIONS), as biblatex's
# English strings name them: seasons (21-24; 25-28 of the northern hemisphere, 29-32 of the
# southern), quarters, quadrimesters, semesters
DIVISIONS = {**SEASONS, **{n: f"{SEASONS[21 + (n - 25) % 4]} in the {half} hemisphere"
                           for n, half in ((n, "northern" if n < 29 else "southern")
                                           for n in range(25, 33))},
    **{n: f"quarter {n - 32}" for n in range(33, 37)},
    **{n: f"quadrimester {n - 36}" for n in range(37, 40)},
    40: "semester 1", 41: "semester 2"}
# the months a division spans, for one that is no season (CSL has seasons only)
DIVISION_MONTHS = {**{n: (3 * (n - 33) + 1, 3 * (n - 33) + 3) for n in range(33, 37)},
                   **{n: (4 * (n - 37) + 1, 4 * (n - 37) + 4) for n in range(37, 40)},
                   40: (1, 6), 41: (7, 12)}
# ISO 8601-2's unspecified digits, the forms biber reads (each a range: '199X' is 1990/1999)
_UNSPECIFIED = re.compile(r"(\d{3})X|(\d{2})XX|(\d{4})-XX|(\d{4})-(\d{2})-XX|(\d{4})-XX-XX")


@dataclass(frozen=True, slots=True)
class BibDate:
    """A .bib date (``date``, ``urldate``...) as biber reads it: one or two ends, each its
    (year, month, day) parts, () for an open end ("2019-05-01/", "../2019"), a division of
    the year as its EDTF month 21-41 ("2001-21": spring 2001, "2001-33": its first quarter);
    ``circa`` for ~ or % on an end, ``uncertain`` for ? or %; ``time`` when an end has a
    time of day (biblatex can print it, CSL cannot); ``unspecified`` for unspecified digits,
    read as the range they leave open ("199X": 1990 to 1999)."""

    parts: tuple[tuple[int, ...], ...]
    circa: bool = False
    uncertain: bool = False
    time: bool = False
    unspecified: bool = False

    @property
    def division(self) -> int | None:
        """The start's division of the year in EDTF's count (21 spring ... 41 semester 2),
        or None."""
        first = self.parts[0]
        return first[1] if len(first) > 1 and first[1] in DIVISIONS else None

    @property
    def season(self) -> int | None:
        """The start's season as CSL counts it, 1 spring ... 4 winter (of either
        hemisphere), or None."""
        division = self.division
        return (division - 21) % 4 + 1 if division is not None and division < 33 else None


def bib_date(text: str, *, real: bool = True) -> BibDate | None:
    """The .bib date ``text`` (``BibDate``), or None for what biber does not read as one.
    With ``real`` a month that is no month or division of the year, a day its month lacks
    or a time of day past 23:59:59 is no date either: biber ignores it with a warning.
    Either end may be open ("2019/", "../2019"), not both. Unspecified digits ("199X",
    "19XX", "1999-XX", "1999-05-XX", "1999-XX-XX") are read as biber reads them, the range
    they leave open; biber then ignores an end written after them, and so does this."""
    pieces = text.strip().split("/")
    if len(pieces) > 2:
        return None
    if "X" in pieces[0]:
        return _unspecified(pieces[0])
    if len(pieces) == 2 and all(p in ("", "..") for p in pieces):
        return None  # no end at all: biber reads nothing
    ends: list[tuple[int, ...]] = []
    flags: set[str] = set()
    time = False
    for n, piece in enumerate(pieces):
        if piece in ("", "..") and (n or len(pieces) == 2):
            ends.append(())
            continue
        m = _BIB_END.fullmatch(piece)
        if m is None:
            return None
        year, month, day, hour, minute, second, flag = m.groups()
        parts = tuple(int(x) for x in (year, month, day) if x)
        if real and not _real_end(parts, hour, minute, second):
            return None
        time = time or hour is not None
        flags.update(flag or "")
        ends.append(parts)
    return BibDate(tuple(ends), circa=bool(flags & {"~", "%"}),
                   uncertain=bool(flags & {"?", "%"}), time=time)


def _unspecified(text: str) -> BibDate | None:
    """A date with unspecified digits as biber reads it (``Utils::parse_date_unspecified``):
    the range of what they may be, years, months or days; None for another form (biber
    reads none, and says nothing), or a month that is none."""
    m = _UNSPECIFIED.fullmatch(text)
    if m is None:
        return None
    decade, century, year, month_year, month, days_year = m.groups()
    if decade or century:
        first = int(decade + "0" if decade else century + "00")
        return BibDate(((first,), (first + (9 if decade else 99),)), unspecified=True)
    if year:
        return BibDate(((int(year), 1), (int(year), 12)), unspecified=True)
    if month_year:
        y, mo = int(month_year), int(month)
        if not real_date(y, mo):
            return None
        last = 29 if mo == 2 and leap(y) else _DAYS[mo - 1]
        return BibDate(((y, mo, 1), (y, mo, last)), unspecified=True)
    return BibDate(((int(days_year), 1, 1), (int(days_year), 12, 31)), unspecified=True)


def _real_end(parts: tuple[int, ...], *clock: str | None) -> bool:
    """Whether one end of a .bib date exists: its day (a division of the year has none) and
    its time."""
    if len(parts) > 1 and parts[1] in DIVISIONS:
        return len(parts) == 2
    hour, minute, second = (int(x) if x else 0 for x in clock)
    return real_date(*parts) and hour < 24 and minute < 60 and second < 60


def real_part(text: str) -> tuple[str, str] | None:
    """For a .bib date of the right form that names no date ('2024-02-30', '2000-13-45'):
    what of it exists, each end cut to its real year or month, its qualifier kept
    ('2024-02', '2000'), and why the rest is not ("February 2024 has 29 days"). None for a
    real date and for what has no date's form (biber ignores both alike)."""
    if bib_date(text) is not None or bib_date(text, real=False) is None:
        return None
    kept, why = [], ""
    for piece in text.strip().split("/"):
        m = _BIB_END.fullmatch(piece)
        if m is None:  # an open end
            kept.append(piece)
            continue
        year, month, day, hour, minute, second, flag = m.groups()
        day_text = "-".join(x for x in (year, month, day) if x)
        parts = tuple(int(x) for x in (year, month, day) if x)
        if _real_end(parts, hour, minute, second):
            kept.append(piece)
            continue
        if len(parts) > 1 and parts[1] in DIVISIONS:
            cut, reason = f"{year}-{month}", f"a {_division_word(parts[1])} has no day"
        elif not real_date(*parts[:2]):
            cut, reason = year, f"there is no month {parts[1]}"
        elif len(parts) > 2 and not real_date(*parts):
            cut, reason = f"{year}-{month}", not_a_day(day_text, year_zero=True) or ""
        else:
            cut, reason = day_text, f"there is no time of day {hour}:{minute}:{second}"
        why = why or reason
        kept.append(cut + (flag or ""))
    return "/".join(kept), why


def _division_word(division: int) -> str:
    """What a division of the year is called: 'season', 'quarter'..."""
    return "season" if division < 33 else DIVISIONS[division].split()[0]


# -- Old Style: the year from 25 March and the Julian calendar ------------------------------
# Britain and its colonies counted the year from 25 March and kept the Julian calendar until
# the Calendar (New Style) Act 1750: 1751 ended on 31 December, 1752 began on 1 January and
# its 2 September (Julian) was followed by 14 September (Gregorian). The Quakers numbered the
# months from the year's first, March, until then: the First Month was March, the Eleventh and
# Twelfth January and February; from 1752 the First Month is January.
NEW_STYLE_YEAR = 1752
LAST_JULIAN_DAY = (1752, 9, 2)  # the last day England counted in the Julian calendar


def julian_to_gregorian(year: int, month: int, day: int) -> tuple[int, int, int]:
    """The Gregorian (proleptic) day of a Julian calendar day, through its Julian day number:
    ten days later in the 17th century, eleven from 1 March 1700 (Julian) on."""
    a = (14 - month) // 12
    y, m = year + 4800 - a, month + 12 * a - 3
    jdn = day + (153 * m + 2) // 5 + 365 * y + y // 4 - 32083
    d = _dt.date.fromordinal(jdn - 1721425)
    return d.year, d.month, d.day


def quaker_month(n: int) -> int:
    """The month a Quaker month number names before 1752: the First is March, the Tenth
    December, the Eleventh and Twelfth January and February."""
    return n % 12 + 2 if n < 11 else n - 10


def _julian_real(year: int, month: int, day: int) -> bool:
    """Whether a Julian calendar day exists (every fourth year a leap year, 1700 too)."""
    feb = 29 if year % 4 == 0 else 28
    return 1 <= month <= 12 and 1 <= day <= (feb if month == 2 else _DAYS[month - 1])


@dataclass(frozen=True, slots=True)
class OldStyle:
    """A date written in Old Style, read: ``written`` the day as written (Julian) with its
    year counted from 1 January, ``value`` what TEI's ``@when`` takes (the Gregorian day, or
    the year and month where no day is written), ``why`` the rule in an editor's words."""

    written: tuple[int, int | None, int | None]
    value: tuple[int, int | None, int | None]
    why: str
    julian: bool = True  # its day counted in the Julian calendar, or none before 1752


def old_style(year: int, month: int | None, day: int | None = None, *,
              quaker: bool = False, double: bool = False, marked: bool = False
              ) -> OldStyle | None:
    """A date as an English text before 1752 writes it, read (see docs/proposals.md#old-style):

    - ``quaker``: ``month`` is a Quaker month number; before 1752 the First Month is March
      (from 1752 on it is January, and the date is no Old Style one: None);
    - the year written is the year from 25 March: a date from 1 January to 24 March belongs to
      the next year counted from 1 January; ``double``, a double year written ("1722/3"), says
      so, and ``year`` is its first year;
    - a day before 14 September 1752 is a Julian day: the value is its Gregorian day;
    - ``marked``: the text says "O.S." or "Old Style": the day is a Julian day whenever it is
      (Russia's "26 October 1917 (O.S.)" too), and before 1752 its year is counted from 25
      March as a double year's is;
    - a double year from 1752 on, the old habit kept ("10 February 1760/1"), means the later
      year for a date from January to 24 March; its day is read as written, a Gregorian day
      (``julian`` False): where the source's country changed calendar is not known.

    None for a date that is none of these (no Quaker month before 1752, no double year, a
    double year from 1752 on for a date after 24 March), and for a day the Julian calendar
    has not."""
    if double and not quaker and not marked and year >= NEW_STYLE_YEAR:
        return _double_year_after(year, month, day)
    if quaker:
        if month is None or year >= NEW_STYLE_YEAR or not 1 <= month <= 12:
            return None
        month = quaker_month(month)
    elif not double and not marked:
        return None
    early = double if month is None else month < 3 or month == 3 and (
        day is None and double or day is not None and day < 25)
    ns_year = year + 1 if early and year < NEW_STYLE_YEAR else year
    if day is not None and (month is None or not _julian_real(ns_year, month, day)):
        return None
    written = (ns_year, month, day)
    rules = []
    if quaker:
        rules.append(f"before {NEW_STYLE_YEAR} the First Month is March")
    if ns_year != year:
        rules.append(f"{year} counted from 25 March; {ns_year} from 1 January")
    if marked:
        rules.append("marked Old Style")
    if day is None or month is None or written > LAST_JULIAN_DAY and not marked:
        return OldStyle(written, written, "; ".join(rules) or "a double year")
    value = julian_to_gregorian(ns_year, month, day)
    rules.append(f"Julian {ns_year:04d}-{month:02d}-{day:02d} is Gregorian "
                 f"{value[0]:04d}-{value[1]:02d}-{value[2]:02d}")
    return OldStyle(written, value, "; ".join(rules))


def _double_year_after(year: int, month: int | None, day: int | None) -> OldStyle | None:
    """A double year from 1752 on ("12 January 1940/1"): the later year, for a date from
    January to 24 March only; the day as written."""
    if month is None or month > 3 or month == 3 and day is not None and day >= 25:
        return None
    if not real_date(year + 1, month, day):
        return None
    written = (year + 1, month, day)
    return OldStyle(written, written, f"a double year: {year} counted from 25 March as of old, "
                    f"{year + 1} from 1 January; a Gregorian day, the calendar changed by then",
                    julian=False)


def no_old_style_day(year: int, month: int | None, day: int | None, *, quaker: bool = False,
                     double: bool = False, marked: bool = False) -> bool:
    """Whether ``old_style``'s None for a date written Old Style means the day is not in the
    year the reading puts it in ("29 February 1760/1" and "29 February 1720/1": 1761 and 1721
    have no 29 February, Julian or Gregorian; the 29th of the Twelfth Month 1721, February
    1722), so the words name no day, not whether they are an Old Style date at all (a Quaker
    month from 1752 on, a double year's day from 25 March from 1752 on: read as written)."""
    if day is None or month is None or not (quaker or double or marked):
        return False
    if year >= NEW_STYLE_YEAR and (quaker or double and not marked):
        return not quaker and (month, day) < (3, 25)
    return True


def easter(year: int, *, julian: bool = False) -> tuple[int, int, int]:
    """Easter Day of ``year`` by the Gregorian computus (the Western churches' since 1583,
    Britain's since 1753: the anonymous Gregorian algorithm, Meeus's form) or, ``julian``, by
    the Julian one (the whole Church's before 1583, Britain's until 1752), as a day of that
    calendar."""
    if julian:
        d = (19 * (year % 19) + 15) % 30
        e = (2 * (year % 4) + 4 * (year % 7) - d + 34) % 7
        return year, (d + e + 114) // 31, (d + e + 114) % 31 + 1
    a, (b, c) = year % 19, divmod(year, 100)
    (d, e), f = divmod(b, 4), (b + 8) // 25
    h = (19 * a + b - d - (b - f + 1) // 3 + 15) % 30
    i, k = divmod(c, 4)
    lt = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * lt) // 451
    return year, (h + lt - 7 * m + 114) // 31, (h + lt - 7 * m + 114) % 31 + 1


def gregorian_to_julian(year: int, month: int, day: int) -> tuple[int, int, int]:
    """The Julian calendar day of a Gregorian (proleptic) day: ``julian_to_gregorian``
    undone, through the Julian day number."""
    c = _dt.date(year, month, day).toordinal() + 1721425 + 32082
    d = (4 * c + 3) // 1461
    e = c - 1461 * d // 4
    m = (5 * e + 2) // 153
    return d - 4800 + m // 10, m + 3 - 12 * (m // 10), e - (153 * m + 2) // 5 + 1


_CONVERTED = re.compile(r"Julian (-?\d{4}-\d\d-\d\d) is Gregorian (-?\d{4}-\d\d-\d\d)")


def written_of_reason(value: dict[str, str], reason: str) -> dict[str, str] | None:
    """The days a date flagged julian was read from, as a reason of a store before version 23
    names them (that release kept no ``mentions.date_written``): each value's day the reason
    names as converted ("Julian 1723-02-10 is Gregorian 1723-02-21"), and, where the rules
    read it as written ("... Old Style (...)"), the value itself. None: none named. The
    migration to version 23 fills the column with it, and undo puts it back with a row an act
    logged before then, so neither leaves a flagged date without its words' day."""
    named = {g: j for j, g in _CONVERTED.findall(reason)}
    out = {attr: named.get(v, v) for attr, v in value.items()
           if v in named or "Old Style (" in reason}
    return out or None


def julian_written(value: dict[str, str], written: dict[str, str]
                   ) -> tuple[tuple[str, str], ...] | None:
    """A date flagged ``julian`` (its words a Julian day, its TEI value the Gregorian day),
    as TEI's custom dating attributes give its words' own value: ``when-custom`` (and
    ``from-custom``...) the Julian day, the year counted from 1 January; a month or a year
    as it is. ``written`` is the store's ``mentions.date_written``, each value's day as the
    words write it where the rules (or the editor's flag) read it so; a day with none is the
    Julian day of the value (an editor's, which TEI's ``@when`` takes as Gregorian). None
    where a day was read as written, no Julian day (its written day is its value: an Old
    Style date's day after the change of 1752), or where there is no value.
    DOCS: docs/export.md#old-style-dates"""
    out = []
    for attr, v in value.items():
        m = ISO_DATE.fullmatch(v)
        own = written.get(attr)
        if own is not None and own != v:
            out.append((f"{attr}-custom", own))
            continue
        if m is None or int(m.group(1)) < 1:  # no day of the rules' (nor Python's) calendar
            return None
        if m.group(3) is None:  # a month or a year: the same in either calendar's words
            out.append((f"{attr}-custom", v))
            continue
        if own is not None:  # read as written by the rules: not a Julian day
            return None
        y, mo, d = gregorian_to_julian(*(int(p) for p in m.groups()))
        out.append((f"{attr}-custom", f"{y:04d}-{mo:02d}-{d:02d}"))
    return tuple(out) or None


def flag_value(value: dict[str, str], written: dict[str, str], julian: bool
               ) -> tuple[dict[str, str], dict[str, str], str]:
    """A value read from a date's words, when the editor flags it Old Style or clears the flag
    and gives no value (docs/proposals.md#old-style): flagged, each day is the words' Julian
    day, so its value is the Gregorian day, as the rules convert ("3 March 1790": 1790-03-14);
    cleared, each day the words write otherwise (``written``, the store's
    ``mentions.date_written``: "1723-02-02" of the rules' or an earlier flag's 1723-02-13) is
    the words' own day again. The value, the words' days it keeps as ``written`` (none once
    cleared), and what was done in an editor's words ("" when nothing: a month, a year)."""
    out, kept, said = dict(value), {}, []
    for attr, v in value.items():
        m = ISO_DATE.fullmatch(v)
        if julian and m is not None and m.group(3) is not None and int(m.group(1)) >= 1:
            g = "{:04d}-{:02d}-{:02d}".format(*julian_to_gregorian(*map(int, m.groups())))
            out[attr], kept[attr] = g, v
            said.append(f"Julian {v} is Gregorian {g}")
        elif not julian and written.get(attr, v) != v:
            out[attr] = written[attr]
            said.append(f"the day as written, {written[attr]}")
    return out, kept, ", ".join(said)


def names_julian(xml_id: str, words: str) -> bool:
    """Whether a TEI ``<calendar>`` entry (its xml:id, its words) is the Julian calendar: the
    Guidelines' ``cal_Julian`` ("Julian calendar (including proleptic)"), ``julian``."""
    return "julian" in xml_id.lower() or re.search(r"\bjulian\b", words, re.I) is not None
