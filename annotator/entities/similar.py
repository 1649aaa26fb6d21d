"""Likely duplicates: which two entities of one type are probably one, and why, in words.

Grouping prefers a text's own evidence, so one person can end up as two entities (another
file's ``hitler`` beside this text's ``person-adolf-hitler``); the editor merges them once when
the review points them out, as OpenRefine's key collision clustering does. Each reason is a
key collision, never a fuzzy score: a shared written form, a family name that ends the other's
full name, the same authority id, for places and organisations the same name once
abbreviations and spacing are set aside. Anything contradicting (different given names,
different ids in one authority, which ``merge`` refuses, different pointers of one kind in the
sources' own markup, which the edition's editors set) rules a pair out.

Pure functions over plain records (no lxml: the CLI and the review read ``merge_note`` after a
merge the markup tells apart); the store gives the candidates by its indexes.

DOCS: docs/review.md#merge-suggestions
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from annotator.entities.names import PARTICLES, family_keys

# Words before a family name that are no given name: "Frau Landau" says nothing against
# "Lipold Landau".
TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "lady", "lord", "herr", "frau",
                    "fraulein", "prof", "professor", "rev", "st", "saint", "king", "queen",
                    "general", "captain", "colonel", "major", "count", "baron", "madame",
                    "monsieur", "mme", "mlle", "president", "minister", "chancellor", "uncle",
                    "aunt", "father", "mother", "brother", "sister"})

# Written forms of one word in place and organisation names: "St. Petersburg" is "Saint
# Petersburg", "Marks & Spencer" (its "&" no word) "Marks and Spencer", "Smith & Co" "Smith and
# Company", "Krupp GmbH" (or "G.m.b.H.", its letters joined as every loose key's words are)
# "Krupp Gesellschaft mit beschränkter Haftung". A legal form is written out, never dropped:
# "Smith Ltd" and "Smith" may be two firms.
_SAME_WORD = {"st": "saint", "ste": "sainte", "sankt": "saint", "mt": "mount", "ft": "fort",
              "co": "company", "cie": "company", "comp": "company", "corp": "corporation",
              "inc": "incorporated", "ltd": "limited", "ltda": "limited", "bros": "brothers",
              "assn": "association", "assoc": "association", "intl": "international",
              "natl": "national", "mfg": "manufacturing", "univ": "university",
              "dept": "department", "and": "", "und": "", "et": "", "of": "", "the": ""}
# Legal forms written out in several words, as their abbreviation (keys: folded, no "&").
_SAME_PHRASE = {"gesellschaft mit beschrankter haftung": "gmbh",
                "aktiengesellschaft": "ag", "public limited company": "plc",
                "limited liability company": "llc", "kommanditgesellschaft": "kg",
                "societe anonyme": "sa"}

# How sure each reason is; a pair takes its best.
AUTHORITY, SHARED, NORMALISED, FAMILY = 1.0, 0.9, 0.85, 0.8


@dataclass(frozen=True, slots=True)
class Named:
    """An entity as judging reads it: its names (surface, key), its preferred name first, and
    authority ids."""

    id: str
    type: str
    status: str
    preferred: str
    names: tuple[tuple[str, str], ...]
    authority: tuple[tuple[str, str], ...] = ()
    pointers: tuple[str, ...] = ()  # the sources' markup's (@ref...), normalised


def pointer_kind(pointer: str) -> str:
    """What a normalised pointer is an id in: a URI's host, else '' (the edition's own ids):
    two pointers of one kind that differ name two things, of two kinds (one edition's
    ``#p12``, another's GeoNames URI) may name one."""
    head, sep, rest = pointer.partition("://")
    return rest.split("/", 1)[0].casefold() if sep and head.isalpha() else ""


def loose_key(key: str) -> str:
    """A place's or organisation's key with abbreviations written out and no spaces:
    "st petersburg" and "saint petersburg", "theresien stadt" and "theresienstadt", "smith co"
    ("Smith & Co") and "smith and company" are one. The store keeps it beside each name
    (``variants.loose``, indexed), so a name made only of dropped words keeps its own."""
    spaced = f" {key} "
    for phrase, short in _SAME_PHRASE.items():
        spaced = spaced.replace(f" {phrase} ", f" {short} ")
    return "".join(_SAME_WORD.get(w, w) for w in spaced.split()) or key.replace(" ", "")


def _given(key: str, family: str) -> list[str]:
    """The given names before ``family`` (a tail of ``key``): no titles, no particles."""
    head = key[:len(key) - len(family)].split()
    return [w for w in head if w not in TITLES and w not in PARTICLES]


def _compatible(a: str, b: str) -> bool:
    """Whether two person keys may name one person: no two different given names before one
    family name ("adolf hitler" and "alois hitler" are two; "a hitler" may be "adolf hitler")."""
    wa, wb = a.split(), b.split()
    if wa[-1] != wb[-1]:
        return True  # another family name: nothing to compare
    n = 0
    while n < min(len(wa), len(wb)) and wa[-1 - n] == wb[-1 - n]:
        n += 1
    family = " ".join(wa[len(wa) - n:])
    ga, gb = _given(a, family), _given(b, family)
    if not ga or not gb:
        return True
    x, y = ga[0], gb[0]
    return x == y or (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y))


def contradiction(a: Named, b: Named) -> str:
    """Why ``a`` and ``b`` cannot be one ('' if nothing says so)."""
    ids = dict(b.authority)
    for scheme, value in a.authority:
        if scheme in ids and ids[scheme] != value:
            return f"different {scheme} ids"
    kinds = {pointer_kind(p) for p in b.pointers}
    if a.pointers and not set(a.pointers) & set(b.pointers) and \
            any(pointer_kind(p) in kinds for p in a.pointers):
        return "the sources' markup points to them as two"
    if a.type == "person":
        for sa, ka in a.names:
            for sb, kb in b.names:
                if ka and kb and not _compatible(ka, kb):
                    return f"{sa} and {sb} have different given names"
    return ""


def _first(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Key -> the first name that has it: a reason names the entity by its preferred name
    (``Named.names`` begins with it), not by a variant it was called before a merge renamed
    it ("T Pennant" once "Thomas Pennant" was merged in)."""
    out: dict[str, str] = {}
    for key, name in pairs:
        out.setdefault(key, name)
    return out


def judge(a: Named, b: Named) -> tuple[float, str] | None:
    """How likely ``a`` and ``b`` are one entity and the reason in words, best reason first;
    None when nothing says so or something says they are two."""
    if a.id == b.id or a.type != b.type or contradiction(a, b):
        return None
    found: list[tuple[float, str]] = []
    ids = dict(b.authority)
    found += [(AUTHORITY, f"same {scheme} id {value}") for scheme, value in a.authority
              if ids.get(scheme) == value]
    keys_a = {k for _, k in a.names if k}
    keys_b = {k for _, k in b.names if k}
    found += [(SHARED, f"both written \u201c{s}\u201d") for s, k in a.names if k in keys_b]
    if a.type == "person":
        tails_b = _first((t, s) for s, k in b.names for t in family_keys(s))
        tails_a = _first((t, s) for s, k in a.names for t in family_keys(s))
        found += [(FAMILY, f"\u201c{s}\u201d is the family name of \u201c{tails_b[k]}\u201d")
                  for s, k in a.names if k in tails_b and k not in keys_b]
        found += [(FAMILY, f"\u201c{s}\u201d is the family name of \u201c{tails_a[k]}\u201d")
                  for s, k in b.names if k in tails_a and k not in keys_a]
    else:
        loose_b = _first((loose_key(k), s) for s, k in b.names if k)
        found += [(NORMALISED, f"\u201c{s}\u201d and \u201c{loose_b[loose_key(k)]}\u201d are "
                   "one name written two ways") for s, k in a.names
                  if k and k not in keys_b and loose_key(k) in loose_b]
    if not found:
        return None
    found.sort(key=lambda f: -f[0])
    best = found[0][0]
    return best, "; ".join(dict.fromkeys(r for _, r in found))


def merge_note(payload: dict[str, object]) -> str:
    """What a merge of two entities the sources' markup tells apart leaves undone ('' for any
    other merge): the files keep their pointers (exports only insert), so the editor learns
    where the merge does and does not show. ``payload``: the merge decision's."""
    marked, kept = payload.get("markup"), payload.get("into")
    if not isinstance(marked, list) or len(marked) != 2:
        return ""
    theirs, ours = marked
    return (f"note: the sources' own markup points to both ({', '.join(theirs)}; "
            f"{', '.join(ours)}); exported files keep those pointers, so the export shows the "
            f"merge only in the register entry of {kept}, which carries both names "
            "(register.xml, --register file)")
