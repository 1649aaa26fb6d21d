"""How likely a span the model calls an organisation is one: cue words and the span's context.

The small English model calls capitalised common nouns of older English ("House", "Kindness",
"Physician"), persons ("Franzi") and places ("Theresienstadt") organisations: on three real
editions only one ORG proposal in thirty was an organisation the editors marked. Its own beam
scores do not tell them apart (a sample gave "Franzi" 1.0 and "Theresienstadt" 0.98), so the
confidence is read from what the text itself shows:

- a head word of organisations ("Regiment", "Hospital", "Society", "Parliament", "& Co.") or an
  acronym ("SS", "N.K.V.D.") makes an organisation likely;
- a single capitalised word the text also writes in lower case ("House", "house") is a common
  noun; one after "a"/"an" or "some" is one too; a lone plural ("Nazis", "Danes") is a group of
  people, not a body;
- a span across a line break is a form's labels, not a name;
- the same name typed as a person or place elsewhere in the text, or confirmed so by the edition,
  is that; confirmed as an organisation, it is one.

Pure functions over the reading text; the proposer keeps ORG spans whose confidence reaches the
threshold (``Settings.org_threshold``) and sorts the review queue by it.

DOCS: docs/proposals.md#organisations
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from annotator.entities.names import name_key

# Head words of organisations (lower case, no dot): the last word of a name that is a body.
CUE_WORDS = frozenset("""
    regiment regiments battalion brigade corps division army armies navy fleet squadron guard
    guards police militia gendarmerie legion
    hospital infirmary asylum dispensary school schools university academy seminary
    institute institution society societies association club league union federation guild
    company companies co corporation firm bank trust partnership
    parliament senate congress assembly council committee commission board ministry
    department bureau agency tribunal government administration cabinet
    party movement congregation meeting mission community organisation organization
    foundation fund service inc ltd llc plc gmbh bros
""".split())
# Buildings (churches, colleges, courts, offices, museums), works and periodicals are left out:
# editions mark them as places or titles as often as organisations.
# Words before a span that make a capitalised single word a common noun.
_INDEFINITE = frozenset({"a", "an", "some", "any", "every", "each", "another", "no", "many",
                         "several", "few", "his", "her", "my", "our", "their", "its", "your",
                         "thy", "this", "that", "these", "those", "such", "very", "large",
                         "small", "good", "great", "fine", "old", "new", "little", "pretty"})
_ACRONYM = re.compile(r"(?:[A-Z]\.){2,6}|[A-Z]{2,5}")
_FIRM = re.compile(r"&\s*(?:Co|Sons|Son|Brothers)\b\.?|\b(?:Co|Inc|Ltd)\.?$")
# Lower-case words a name may hold: "Board of the Reichsvereinigung der Juden", "Voigt u. Heffner".
_JOINERS = frozenset({"of", "the", "for", "and", "de", "der", "des", "du", "la", "le", "von",
                      "van", "u", "und", "et", "in", "at", "on", "zu", "di", "del", "y"})
_WORD = re.compile(r"[^\W\d_][\w’'-]*")
_LAST_WORD = re.compile(r"(?<![^\W\d_])([^\W\d_]+)\W*$")
_PLURAL = re.compile(r"[^s]s$")
_LOWER_WORD = re.compile(r"[a-zß-ÿ][a-zß-ÿ’'-]*")  # a word written in lower case
_JOINED = re.compile(r"[\w’'-]")  # a character a word written before runs on with
_GOES_ON = frozenset([*map(chr, range(ord("a"), ord("z") + 1)),
                      *map(chr, range(ord("ß"), ord("ÿ") + 1)), "’", "'", "-"])

DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True, slots=True)
class TextFacts:
    """What a whole text says about its words and names, read once per text."""

    text: str
    typed: Mapping[str, Counter[str]]  # name key -> how often the model gave it each type
    _lower: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)

    def writes_lower(self, word: str) -> bool:
        """Whether the text writes ``word`` (lower case) as a word of its own: looked for when
        asked, a few words of a text that has an ORG span (was: every lower-case word of the
        text collected, for the one or two asked)."""
        got = self._lower.get(word)
        if got is None:
            got = self._lower[word] = _LOWER_WORD.fullmatch(word) is not None and \
                _whole_word(self.text, word)
        return got


def _whole_word(text: str, word: str) -> bool:
    """Whether ``text`` has ``word`` with no word character, apostrophe or hyphen before it
    and no lower-case letter, apostrophe or hyphen after it (where ``_LOWER_WORD`` would end
    it), found by ``str.find``: a pattern opening with a look-behind is tried at every offset."""
    i = text.find(word)
    while i != -1:
        end = i + len(word)
        if (i == 0 or _JOINED.match(text, i - 1) is None) and \
                (end == len(text) or text[end] not in _GOES_ON):
            return True
        i = text.find(word, i + 1)
    return False


def text_facts(text: str, spans: Iterable[tuple[int, int, str]]) -> TextFacts:
    """``spans``: the text's (start, end, type) name spans as the model typed them."""
    typed: dict[str, Counter[str]] = {}
    for s, e, t in spans:
        typed.setdefault(name_key(text[s:e]), Counter())[t] += 1
    return TextFacts(text, typed)


def org_confidence(text: str, start: int, end: int, facts: TextFacts, *,
                   confirmed: Mapping[str, str] | None = None) -> tuple[float, str]:
    """(confidence that text[start:end] is an organisation, the type it is more likely to be).

    ``confirmed``: name key -> type of the edition's confirmed names. The second value is
    "org", or "person"/"place" when the text or the edition types the name so.
    """
    surface = text[start:end]
    key = name_key(surface)
    if confirmed is not None and key in confirmed:
        kind = confirmed[key]
        return (1.0, "org") if kind == "org" else (0.0, kind)
    if "\n" in surface:
        return 0.0, "org"
    counts = facts.typed.get(key, Counter())
    other = max(((n, t) for t, n in counts.items() if t in ("person", "place")), default=None)
    words = _WORD.findall(surface)
    if not words:
        return 0.0, "org"
    before = _LAST_WORD.search(text[max(0, start - 30):start])
    prev = before.group(1).lower() if before else ""
    caps = [w for w in words if w[:1].isupper()]
    if len(caps) < len([w for w in words if w.lower() not in _JOINERS]):
        return 0.1, "org"  # a lower-case word in it: a phrase, not a name
    cue = [w for w in words if w.lower().rstrip(".") in CUE_WORDS]
    if cue or _FIRM.search(surface):
        if len(words) > 1:
            return 0.9, "org"
        return (0.45 if prev == "the" else 0.3), "org"  # "the Party", "the Church"
    if other is not None and other[0] >= counts.get("org", 0):
        return 0.1, other[1]
    if "&" in surface:
        return 0.1, "org"  # "Woods & Water": a list, not a firm
    if len(words) == 1 and _ACRONYM.fullmatch(surface.strip()) and \
            not facts.writes_lower(surface.lower().replace(".", "")):
        return 0.7, "org"
    if len(words) > 1 and any(_ACRONYM.fullmatch(w) for w in words):
        return 0.6, "org"  # "SS Headquarters", "the Dutch Gestapo" is not, but "NSDAP Office"
    if len(words) == 1:
        word = words[0]
        if facts.writes_lower(word.lower()) or prev in _INDEFINITE:
            return 0.1, "org"  # a common noun written with a capital
        if _PLURAL.search(word) and not word.isupper():
            return 0.15, "org"  # a plural: a group of people, not a body
        return 0.4, "org"  # "Gestapo" or "Franzi": the text does not say which
    if facts.writes_lower(words[-1].lower()):
        return 0.25, "org"  # its head is a common noun: "Traditional Welsh Music"
    return 0.45, "org"
