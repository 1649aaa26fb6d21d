"""The common words of the model's language, from the lemma lists its lemmatizer ships.

A register name of one word is found again only where it is a name (``acts.propose``): "Iron
painted White" is no Josiah White, "Bangor Cathedral" no place "Cathedral". Which words are
common ones the text alone does not always tell (older English capitalises its nouns and
adjectives), so the model's own lemma index says it: the words it knows as adjectives, verbs
or adverbs. Its nouns are not used, as they hold proper names too ("london", "paul").
Read once per process from the installed pipeline's files, offline; a pipeline without a
lookup lemmatizer gives none, and only the text's evidence counts.
"""

from __future__ import annotations

import functools
from pathlib import Path

from annotator.nlp.pipeline import meta_path

# spaCy's ids (``strings.get_string_id``, stable: pipelines' files are keyed by them) of "adj",
# "verb" and "adv", the lemma index's keys: read without importing spaCy (seconds)
_COMMON_POS = (12401032943472870168, 6360137228241296794, 10054248821341768113)


@functools.lru_cache(maxsize=4)
def common_words(model: str) -> frozenset[str]:
    """The lower-case adjectives, verbs and adverbs of ``model``'s lemma index, or none."""
    meta = meta_path(model)
    if meta is None:
        return frozenset()
    found = sorted(meta.parent.glob("lemmatizer/lookups/lookups.bin")) or \
        sorted(meta.parent.glob("*/lemmatizer/lookups/lookups.bin"))
    if not found:
        return frozenset()
    import srsly  # type: ignore[import-untyped]

    try:
        index = srsly.msgpack_loads(Path(found[0]).read_bytes()).get("lemma_index") or {}
    except (OSError, ValueError, TypeError):
        return frozenset()
    return frozenset(w for pos in _COMMON_POS for w in index.get(pos, ())
                     if isinstance(w, str) and w.isalpha())


def is_common(word: str, words: frozenset[str]) -> bool:
    """``word`` (folded) or its singular is one of ``words``: "white", "hills"."""
    return word in words or word.endswith("s") and (
        word[:-1] in words or word.endswith("es") and word[:-2] in words)
