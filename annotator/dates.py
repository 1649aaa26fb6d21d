"""Date mentions as TEI values: what goes into ``<date when=...>``, ``from``/``to`` or ``notBefore``.

A small normaliser of our own because no maintained library handles the range forms ("12 to 14
November 1940", "October and November 1940"), and dateparser fills missing parts from today's
date ("July 1940" -> 1940-07-26), which must never reach an export. Here a value has exactly the
precision the text gives (``1940``, ``1940-06``, ``1940-11-25``, ``--11-25`` for a day without a
year); nothing is ever taken from the clock. Fuzzy expressions ("early June 1940") get the
coarser ``when``; decades and centuries get ``notBefore``/``notAfter``; relative ones ("just a year
before") are kept as date mentions without a value and flagged ``relative``; durations
("two-day") are not dates.

Pure functions; the table of tested expressions is tests/test_dates.py.

DOCS: docs/proposals.md#dates
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from annotator.calendar import NEW_STYLE_YEAR, real_date

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
# "first" .. "twentieth", "thirtieth": days ("the fourth of June") and centuries ("twelfth")
ORDINAL_WORDS = {w: i for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split(),
    start=1)} | {"thirtieth": 30}
_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?:[12]?\d|3[01])(?:st|nd|rd|th)?"
_YEAR = r"(?:[12]\d{3})"
_DASH = r"(?:-|–|—)"
_RANGE = rf"(?:\s*{_DASH}\s*|\s+(?:to|until|till|through|and)\s+)"
_FUZZY = (r"(?:early|late|mid|middle|beginning|start|end|spring|summer|autumn|fall|winter|"
          r"circa|ca\.|c\.|about|around|approximately|some\s+time\s+in|sometime\s+in)")
_LEAD = re.compile(r"^(?:(?:in|on|during|of|from|between|by)\s+)+", re.I)
_ARTICLE = re.compile(r"^the\s+", re.I)
# "the year 1635", "the Year of 1585": the word names what the number is, and adds nothing
_YEAR_WORD = re.compile(rf"^years?\s+(?:of\s+)?(?={_YEAR}\b)", re.I)

_RELATIVE_WORDS = frozenset("""
    before after ago earlier later following previous preceding next last same that this these
    those today yesterday tomorrow recent recently then now future past present first second
    third final coming current meantime meanwhile once
    monday tuesday wednesday thursday friday saturday sunday
""".split())
_DAYTIME = r"(?:morning|forenoon|noon|afternoon|evening|night)s?\b"
_UNIT = r"(?:day|night|week|fortnight|month|year|decade|century|centuries|hour|minute)s?"
_NUMBER_WORD = (r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                r"fifteen|twenty|thirty|forty|fifty|hundred|several|many|few|some|\d+)")
_DURATION = re.compile(rf"^(?:(?:about|around|nearly|almost|over|some|just)\s+)?"
                       rf"{_NUMBER_WORD}(?:[\s-]+{_NUMBER_WORD})*[\s-]+{_UNIT}(?:[\s-]long)?$",
                       re.I)
# A time word with nothing that places it ("day", "all day", "the winter", "our day's"):
# a stretch of time in general, no date of the text.
_BARE_TIME = re.compile(rf"^(?:(?:all|whole|entire|the|a|an|our|my|his|her|its|their|your)\s+)*"
                        rf"(?:{_UNIT}|spring|summer|autumn|fall|winter|season|time|weekend)"
                        rf"(?:['’]s?)?$", re.I)
_TIME_WORDS = re.compile(rf"\b(?:{_UNIT}|era|period|time|times|future|past|age|spring|summer|"
                         rf"autumn|fall|winter|weekend)\b", re.I)


@dataclass(frozen=True, slots=True)
class DateValue:
    """A date mention's TEI attributes (``when``, ``from``/``to``, ``notBefore``/``notAfter``).

    ``attrs`` is empty for a relative date (``flags == "relative"``): the editor supplies it.
    ``flags`` is '' or 'fuzzy' (the text is vaguer than the value) or 'relative'.
    """

    attrs: tuple[tuple[str, str], ...]
    flags: str = ""

    def as_dict(self) -> dict[str, str]:
        return dict(self.attrs)


@dataclass(frozen=True, slots=True)
class _Point:
    year: int | None
    month: int | None = None
    day: int | None = None

    def tei(self) -> str:
        if self.year is None:
            if self.day is not None:
                return f"--{self.month:02d}-{self.day:02d}"
            return f"--{self.month:02d}"
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


def _month(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def _day(word: str) -> int:
    """'14th' -> 14: the digits of a word that _DAY matched."""
    return int(re.sub(r"\D", "", word))


def _valid(p: _Point) -> bool:
    return real_date(p.year, p.month, p.day)


# One date point, most specific first. Named groups: d (day), m (month), y (year).
_POINT_FORMS = [
    re.compile(rf"^(?P<y>{_YEAR})-(?P<mn>\d{{2}})-(?P<dn>\d{{2}})$"),
    re.compile(rf"^(?P<y>{_YEAR})-(?P<mn>\d{{2}})$"),
    re.compile(rf"^(?:the\s+)?(?P<d>{_DAY})(?:\s+of)?\s+(?P<m>{_MONTH}),?\s+(?P<y>{_YEAR})$", re.I),
    re.compile(rf"^(?P<m>{_MONTH})\s+(?P<d>{_DAY}),?\s+(?P<y>{_YEAR})$", re.I),
    re.compile(rf"^(?P<m>{_MONTH}),?\s+(?:of\s+)?(?P<y>{_YEAR})$", re.I),
    re.compile(rf"^(?P<y>{_YEAR})$"),
    re.compile(rf"^(?P<y>{_YEAR}),?\s+(?P<m>{_MONTH})$", re.I),  # "1944, April"
    re.compile(rf"^(?P<y>{_YEAR}),?\s+(?P<m>{_MONTH})\s+(?P<d>{_DAY})$", re.I),  # "1824 March 17"
    re.compile(rf"^(?:the\s+)?(?P<d>{_DAY})(?:\s+of)?\s+(?P<m>{_MONTH})$", re.I),
    re.compile(rf"^(?P<m>{_MONTH})\s+(?P<d>{_DAY})$", re.I),
]


def _point(text: str) -> _Point | None:
    """One calendar point at the precision written, or None."""
    text = text.strip()
    for form in _POINT_FORMS:
        m = form.match(text)
        if not m:
            continue
        g = m.groupdict()
        year = int(g["y"]) if g.get("y") else None
        if g.get("mn"):
            month: int | None = int(g["mn"])
        elif g.get("m"):
            month = _month(g["m"])
        else:
            month = None
        if g.get("dn"):
            day: int | None = int(g["dn"])
        elif g.get("d"):
            day = _day(g["d"])
        else:
            day = None
        p = _Point(year, month, day)
        return p if _valid(p) else None
    return None


def _range(text: str, *, between: bool = False) -> tuple[_Point, _Point] | None:
    """A range written with to/until/and/a dash; the shared tail (month, year) fills the start.

    "and" joins two full dates into a range only after "between": "1935 and June 1941" are two.
    """
    m = re.search(_RANGE, text.strip(), flags=re.I)
    if m is None:
        return None
    left, right = text.strip()[:m.start()].strip(), text.strip()[m.end():].strip()
    if m.group().strip().lower() == "and" and not between and \
            (first := _point(left)) is not None and first.year is not None:
        return None
    end = _point(right)
    if end is None:
        # "1939-45": a two-digit end year
        m = re.fullmatch(rf"({_YEAR})", left)
        if m and re.fullmatch(r"\d{2}", right):
            y0 = int(m.group(1))
            y1 = y0 // 100 * 100 + int(right)
            if y1 > y0:
                return _Point(y0), _Point(y1)
        return None
    start = _point(left)
    if start is None:
        if re.fullmatch(_DAY, left, re.I) and end.day is not None:
            start = _Point(end.year, end.month, _day(left))  # "12 to 14 November 1940"
        elif re.fullmatch(_MONTH, left, re.I) and end.month is not None and end.day is None:
            start = _Point(end.year, _month(left))  # "October and November 1940"
        else:
            return None
    elif start.year is None and end.year is not None:
        start = _Point(end.year, start.month, start.day)  # "3 October to 5 November 1940"
    if not _valid(start) or not _valid(end):
        return None
    if start.year is not None and end.year is not None and \
            (start.year, start.month or 0, start.day or 0) > (end.year, end.month or 0, end.day or 0):
        return None
    return start, end


def _decade_or_century(text: str, part: str = "") -> tuple[str, str] | None:
    """The years of a decade or century ("the 1930s", "the 1800s", "the twelfth century"),
    narrowed to the third ``part`` (or an "early", "mid", "late" before it) says."""
    m = _DECADE.fullmatch(text)
    if m:
        base = int(m.group(2)) * 10
        last = base + 99 if base % 100 == 0 else base + 9  # "the 1800s": the century
        return _years(*part_of(base, last, part or m["part"] or ""))
    m = _CENTURY.fullmatch(text)
    if m:  # the nth century as catalogues and editions count it: the 12th is 1100-1199
        n = int(m["n"]) if m["n"] else (20 if m["tens"] else 0) + ORDINAL_WORDS[m["word"].lower()]
        first = (n - 1) * 100
        return _years(*part_of(first, first + 99, part or m["part"] or ""))
    return None


def _years(first: int, last: int) -> tuple[str, str]:
    return f"{first:04d}", f"{last:04d}"


# the third of a span of years a vague word names: "early", "mid", "late" ...
_THIRDS = {"early": 0, "beginning": 0, "start": 0, "mid": 1, "middle": 1, "late": 2, "end": 2}
_THIRD_WORD = re.compile(rf"\b(?:{'|'.join(_THIRDS)})\b", re.I)


def part_of(first: int, last: int, words: str) -> tuple[int, int]:
    """The years ``words`` narrow a decade's or century's to: its first third for "early"
    or "the beginning of", its middle third for "mid" or "the middle of", its last for
    "late" or "the end of" ("early 1800s" 1800-1833, "the middle of the 19th century"
    1833-1866, "late eighteenth-century" 1766-1799, "the late 1930s" 1936-1939); the thirds
    meet, so a year on the line is in both. Any other words, the whole."""
    m = _THIRD_WORD.search(words)
    if m is None:
        return first, last
    third = (last - first + 1) // 3
    return ((first, first + third), (first + third, last - third),
            (last - third, last))[_THIRDS[m.group().lower()]]


# _decade_or_century's, compiled once as _CENTURY is: it is tried on every date span
_DECADE = re.compile(r"(?:(?P<part>early|late|mid)[\s-]+)?(\d{3})0'?s", re.I)
_CENTURY = re.compile(
    rf"(?:(?P<part>early|late|mid)[\s-]+)?(?:(?P<n>\d{{1,2}})(?:st|nd|rd|th)|(?P<tens>twenty[\s-]+)?"
    rf"(?P<word>{'|'.join(sorted(ORDINAL_WORDS, key=len, reverse=True))}))[\s-]+century", re.I)


# An editor's brackets inside a date: "179[1]", "Aug[ust] 3", "[c. 1790]", "1790[?]", "[sic]"
BRACKET_GROUP = re.compile(r"\[([^\[\]\n]*)\]")
_DOUBT = re.compile(r"\s*\?\s*$")
_SIC = re.compile(r"\s*sic\b[.!]?\s*", re.I)


def bracket_drops(content: str) -> bool:
    """Whether an editor's bracketed words add nothing to the date's reading (its doubt "?", a
    "sic"), so the whole group goes, not only its brackets."""
    return bool(_DOUBT.fullmatch(content) or _SIC.fullmatch(content))


# a doubt written right after a date, outside brackets: "12 May 1791?"
_DOUBT_AFTER = re.compile(r"(?<=[\w\]])\?\s*$")


def read_through(surface: str) -> tuple[str, bool] | None:
    """A date's words with what an editor supplied in brackets read in, as TEI takes the
    editor's reading for the value ("31 August 179[1]" -> "31 August 1791", "Aug[ust] 3",
    "3[rd] May", "[c. 1790]"), and whether the editor marks it doubtful ("1790[?]",
    "[1791?]", or a "?" right after the date, "12 May 1791?"); None when there are neither
    brackets nor such a "?". A "[sic]" is dropped."""
    after = _DOUBT_AFTER.search(surface)
    if after is not None:
        surface = surface[:after.start()]
    if "[" not in surface:
        return (surface, True) if after is not None else None
    doubt = after is not None

    def supplied(m: re.Match[str]) -> str:
        nonlocal doubt
        content = m[1]
        if _DOUBT.search(content):
            doubt, content = True, _DOUBT.sub("", content)
        return "" if bracket_drops(content) else content
    return BRACKET_GROUP.sub(supplied, surface), doubt


@functools.lru_cache(maxsize=4096)  # a span is read where it is found, widened and merged
def normalise_date(surface: str) -> DateValue | None:
    """The TEI value of a date expression, or None when it is not a date (a duration, a number).

    Relative expressions ("just a year before", "the following years") give a DateValue with no
    attributes and ``flags='relative'``. What an editor supplied in brackets is read in
    (``read_through``), a doubt ("[?]") making the value fuzzy; where that reads as no date
    ("13 [14]", a correction beside the day written), the brackets' words are left out.
    """
    through = read_through(surface)
    if through is not None:
        value = _normalise(through[0])
        if value is not None and value.attrs:
            return DateValue(value.attrs, "fuzzy" if through[1] else value.flags)
    return _normalise(surface)


# _normalise's, names_time's and merge_date_spans' patterns, compiled once: they are tried on
# every date span
_LOWER_LETTERS = re.compile(r"[a-z]+")
_A_DIGIT = re.compile(r"\d")
_FUZZY_OR_DAYTIME = re.compile(rf"\b(?:{_FUZZY}|{_DAYTIME})", re.I)
_RANGE_GAP = re.compile(_RANGE, re.I)
_TIME_NAMES = _RELATIVE_WORDS | MONTHS.keys()  # words that name a time


def _normalise(surface: str) -> DateValue | None:
    text = " ".join(surface.replace("\u00a0", " ").split()).strip(" ,.;:()[]\"'“”‘’")
    if not text:
        return None
    between = bool(re.match(r"between\s", text, re.I))
    text = _LEAD.sub("", text)
    text = _YEAR_WORD.sub("", _ARTICLE.sub("", text))
    fuzzy = False
    part = ""  # "early", "mid", "late" ...: the third of a decade or century it names
    m = re.match(rf"^(?:the\s+)?{_FUZZY}(?:[\s-]+of)?[\s-]+(?:the\s+)?(?:of\s+)?", text, re.I)
    if m and m.end() < len(text):
        rest = text[m.end():]
        if _point(rest) or _range(rest, between=between) or _decade_or_century(rest):
            text, fuzzy, part = rest, True, m.group()
    flags = "fuzzy" if fuzzy else ""
    p = _point(text)
    if p is not None:
        return DateValue((("when", p.tei()),), flags)
    r = _range(text, between=between)
    if r is not None:
        return DateValue((("from", r[0].tei()), ("to", r[1].tei())), flags)
    span = _decade_or_century(text, part)
    if span is not None:
        return DateValue((("notBefore", span[0]), ("notAfter", span[1])), flags)
    if _DURATION.match(text):
        return None
    words = set(_LOWER_LETTERS.findall(text.lower()))
    if words & _RELATIVE_WORDS or _TIME_WORDS.search(text) and not _BARE_TIME.match(text):
        return DateValue((), "relative")
    return None


# A double year, as English texts dated a day from 1 January to 24 March before 1752: "1722/3",
# "1709/10", "1699/1700", "1750-1" (a dash before one digit only, and after a day or month:
# "1939-45" and "1695-6" alone are spans of years); from 1752 on only after January, February
# or March ("10 February 1760/1", a habit kept) or a feast ("Candlemas 1760/1"), else "1939/40"
# is a span too.
_DOUBLE_YEAR = re.compile(r"\b(1\d{3})(?:\s*/\s*(\d{1,4})|-(\d))(?!\d|-\d|/\d)")
_EARLY_MONTH = re.compile(r"\b(?:jan(?:uary|ry|y|r|u)?|feb(?:ruary|ry|y|r|u)?|mar(?:ch)?)\b",
                          re.I)


def _later_year(m: re.Match[str]) -> int | None:
    """The second year of a double year match, when it is the year after the first."""
    year, digits = int(m[1]), m[2] or m[3]
    later = int(digits) if len(digits) == 4 else year - year % 10 ** len(digits) + int(digits)
    return later if later == year + 1 else None


def double_year(text: str, feast: re.Pattern[str] | None = None) -> tuple[str, int] | None:
    """The words of a date with its double year ("the 10th of February 1722/3") cut to the
    first year ("... 1722"), and that year; None without one. From 1752 on a double year is
    one only after January, February or March ("12 January 1940/1"; "1939/40" alone or "May
    1940/1" stays a span of years), or after a feast, as ``feast`` finds its name
    ("Candlemas 1760/1": the feasts are the chronology's). Its reading is
    ``annotator.calendar.old_style``'s."""
    for m in _DOUBLE_YEAR.finditer(text):
        if m[3] and not re.search(rf"\d|\b{_MONTH}|\bmo(?:nth)?\b", text[:m.start()], re.I):
            continue  # "in 1695-6", no day or month: as likely two years, a span of them
        if int(m[1]) >= NEW_STYLE_YEAR and not _EARLY_MONTH.search(text, 0, m.start()) and \
                not (feast is not None and feast.search(text, 0, m.start())):
            continue
        if _later_year(m) is not None:
            return text[:m.end(1)] + text[m.end():], int(m[1])
    return None


# A calendar named after a date: "O.S." or "Old Style" (a Julian day), "N.S." or "New Style"
_STYLE_MARK = re.compile(r",?\s*(\(\s*)?(?:(?P<old>O\.\s?S\.|[Oo]ld\s+[Ss]tyle)|N\.\s?S\.|"
                         r"[Nn]ew\s+[Ss]tyle)(?(1)\s*\))")


def style_mark(text: str) -> tuple[str, bool] | None:
    """A date's words without the calendar named after them ("Feb. 11, 1731 O.S.", "26
    October 1917 (O.S.)", "10 February 1723 N.S."), and whether it is Old Style; None when
    none is named."""
    for m in _STYLE_MARK.finditer(text):
        if m.end() == len(text.rstrip(" .,;")) or m.end() == len(text):
            return text[:m.start()], m["old"] is not None
    return None


def style_mark_end(text: str, end: int) -> int:
    """A date span's end with a calendar named right after it taken in."""
    m = _STYLE_MARK.match(text, end)
    return m.end() if m is not None and m.start() == end else end


def double_year_end(text: str, start: int, end: int,
                    feast: re.Pattern[str] | None = None) -> int:
    """A date span's end with the rest of a double year taken in: "February 1722" of
    "February 1722/3" ends after the "/3" (``feast``: as ``double_year`` takes it)."""
    m = _DOUBLE_YEAR.match(text, max(start, end - 4))
    return m.end() if m is not None and m.end(1) == end and \
        double_year(text[start:m.end()], feast) is not None else end


def names_time(text: str) -> bool:
    """Whether words hold a number, a month or a word of time or of relation ("after",
    "century", "Monday", "early"): what may end a date span ("1940 and after")."""
    words = set(_LOWER_LETTERS.findall(text.lower()))
    return bool(_A_DIGIT.search(text) or words & _TIME_NAMES or
                _TIME_WORDS.search(text) or _FUZZY_OR_DAYTIME.search(text))


# -- widening spaCy's DATE spans ------------------------------------------------------------
_LEFT_PART = re.compile(
    rf"(?:(?<=\s)|^)(?P<part>(?:{_DAY}|{_MONTH}|{_DAY}\s+{_MONTH}|{_MONTH}\s+{_DAY})"
    rf"(?:,?\s+{_YEAR})?){_RANGE}(?:{_DAY}\s+)?$", re.I)
_LEFT_DAY = re.compile(rf"(?:(?<=\s)|^)(?P<part>{_DAY})\s+(?:of\s+)?$", re.I)
# how the words before a date end where either of those two can match: a space after a day,
# "of" or a word of a range, or a dash (a space or not after it); looked for in the last
# seven characters before the spaces, the longest of them ("through")
_LEFT_END = re.compile(r"(?:\d|-|–|—|st|nd|rd|th|to|until|till|through|and|of)\Z", re.I)


def widen_date_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Take in what spaCy clipped off the left of a date: "12 to 14 |November 1940|".

    Widened only when the wider text normalises to a range (or, for a lone day, to a day), so a
    stray number stays out, and only within the date's block.
    """
    window = text[max(0, start - 40):start]
    window = window[window.rfind("\n") + 1:]  # never into the block before
    # neither can match where the words do not end so: most dates, after "on", "in", "the"
    # (was: both searched for at each word of the forty characters, three times as long)
    if not window[-1:].isspace() and window[-1:] not in ("-", "–", "—"):
        return start, end
    tail = window.rstrip()
    if _LEFT_END.search(tail, max(0, len(tail) - 7)) is None:
        return start, end
    for pattern, want in ((_LEFT_PART, "from"), (_LEFT_DAY, "when")):
        m = pattern.search(window)
        if m is None:
            continue
        new_start = start - (len(window) - m.start("part"))
        value = normalise_date(text[new_start:end])
        if value is not None and value.attrs and value.attrs[0][0] == want and \
                (want == "from" or value.attrs[0][1].count("-") == 2):
            return new_start, end
    return start, end


def merge_date_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join neighbouring date spans that form one range ("October" + " and " + "November 1940"),
    within one block: "1766 –" ending a heading and "August 13" opening the next are two."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out:
            ps, pe = out[-1]
            gap = text[pe:s]
            if s >= pe and "\n" not in gap and _RANGE_GAP.fullmatch(gap):
                value = normalise_date(text[ps:e])
                if value is not None and value.attrs and value.attrs[0][0] == "from":
                    out[-1] = (ps, e)
                    continue
            if s < pe:  # overlapping or contained: keep the wider
                out[-1] = (ps, max(pe, e))
                continue
        out.append((s, e))
    return out


def markup_date_note(payload: dict[str, object]) -> str:
    """What a date set on the file's own dated element leaves undone ('' for any other):
    exports keep the element as the file writes it (they only insert), so the editor learns
    where the value shows and where it does not. ``payload``: the ``date`` decision's."""
    own = payload.get("markup")
    if not isinstance(own, dict) or not own:
        return ""
    said = " ".join(f'{k}="{v}"' for k, v in own.items())
    if payload.get("markup_unread"):  # no value in the store, an attribute in the file
        said += ", not a TEI date annotator could read"
    return (f"warning: the source's own markup dates this mention ({said}); exported TEI keeps "
            "the file's markup (an export only inserts, and counts it in 'dates_kept'), so the "
            "value set shows in 'annotator mentions', 'dates list' and the review desk, "
            "not in the exported file")
