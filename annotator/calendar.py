"""The calendar, once: which dates exist, and ISO 8601 date values.

One rule for TEI values (``@when``, ``@notBefore``, ...), bibliography dates (EDTF ranges) and
the dates the rules read in a text: proleptic Gregorian, year 0 a leap year, no month 13, no 30
February, no 29 February 1900.

DOCS: docs/proposals.md#dates
"""

from __future__ import annotations

import re

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


def not_a_day(value: str) -> str | None:
    """Why a TEI date value of the right form (``YYYY-MM-DD``, ``--MM-DD``...) names no date,
    in an editor's words ("February 1901 has 28 days", "there is no month 13"); None when it
    names one. A refusal says this, not that the form is wrong: the form was right."""
    if real_iso(value):
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
        if year == 0:
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
