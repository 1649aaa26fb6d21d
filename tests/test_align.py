"""Aligning a replaced source's reading text with the new one: every block is a run of
identical characters, so a span moved with it reads the same words; what it keeps is what
character-level difflib keeps, but where an edit moves or repeats words and the two choose
different (equally true) copies; a long text with scattered edits, or repeated throughout,
is aligned without difflib over the whole of it."""

from __future__ import annotations

import difflib
import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.acts.align import Match, align, block_of
from tests.conftest import SEED_TXT

TEXT = SEED_TXT.read_text(encoding="utf-8")
PARAS = [p for p in TEXT.split("\n") if p.strip()]


def valid(old: str, new: str, blocks: list[Match]) -> int:
    """The characters ``blocks`` match, after checking each is a run of identical characters,
    ascending in both texts, never touching the one before in both."""
    a_end = b_end = -1
    for m in blocks:
        assert m.size > 0
        assert m.a >= a_end and m.b >= b_end, (m, a_end, b_end)
        assert not (m.a == a_end and m.b == b_end), f"{m} continues the block before"
        assert old[m.a:m.a + m.size] == new[m.b:m.b + m.size]
        a_end, b_end = m.a + m.size, m.b + m.size
    return sum(m.size for m in blocks)


def spans(text: str, rnd: random.Random) -> list[tuple[int, int]]:
    """Each word, and runs of two to four words, as mentions and claims are."""
    words = [m.span() for m in re.finditer(r"\w+", text)]
    return words + [(words[k][0], words[k + rnd.randrange(1, 4)][1])
                    for k in range(len(words) - 3)]


def moved(old: str, new: str, blocks: list[Match], wanted: list[tuple[int, int]]
          ) -> dict[tuple[int, int], tuple[int, int]]:
    """Where each span of ``wanted`` moves: both ends in one block, else left out."""
    starts = [m.a for m in blocks]
    out = {}
    for start, end in wanted:
        m = block_of(blocks, starts, start, end)
        if m is not None:
            out[start, end] = (start + m.b - m.a, end + m.b - m.a)
    return out


def edited(text: str, rnd: random.Random, count: int) -> str:
    """``text`` after ``count`` random edits: a letter changed, words put in or taken out,
    a stretch moved or repeated elsewhere."""
    for _ in range(count):
        kind = rnd.choice(("letter", "insert", "delete", "word", "move", "repeat"))
        i = rnd.randrange(len(text))
        j = min(len(text), i + rnd.randrange(1, 40))
        if kind == "letter":
            text = text[:i] + rnd.choice("aeiou ,.") + text[i + 1:]
        elif kind == "insert":
            text = text[:i] + rnd.choice(("the ", "x", "\n", "Mr Smith ")) + text[i:]
        elif kind == "delete":
            text = text[:i] + text[j:]
        elif kind == "word":
            text = text[:i] + "lorem" + text[j:]
        elif kind == "repeat":
            text = text[:i] + text[i:j] + text[i:]
        else:
            rest = text[:i] + text[j:]
            k = rnd.randrange(len(rest) + 1)
            text = rest[:k] + text[i:j] + rest[k:]
    return text


@settings(max_examples=60, deadline=None)
@given(st.randoms(use_true_random=False), st.integers(1, 30))
def test_align_every_moved_span_reads_the_same_words(rnd, count):
    old = TEXT
    new = edited(old, rnd, count)
    blocks = align(old, new)
    valid(old, new, blocks)
    for (start, end), (new_start, new_end) in moved(old, new, blocks, spans(old, rnd)).items():
        assert new[new_start:new_end] == old[start:end]


def test_align_keeps_what_difflib_keeps_but_for_moved_words():
    """Over 60 edited stretches of up to 2,000 characters, the spans kept differ from
    character-level difflib's only where both alignments are true and choose differently:
    an edit moved or repeated words, and difflib took the longest run of characters (which may
    begin or end inside a word) where the words' alignment took the longest run of whole words.
    So the totals are within 1% and no stretch loses more than a few."""
    rnd = random.Random(33)
    total_difflib = total_align = 0
    for _ in range(60):
        lo = rnd.randrange(len(TEXT) - 2000)
        old = TEXT[lo:lo + rnd.choice((300, 1000, 2000))]
        new = edited(old, rnd, rnd.choice((1, 1, 2, 5, 20)))
        by_difflib = [m for m in difflib.SequenceMatcher(None, old, new, autojunk=False)
                      .get_matching_blocks() if m.size]
        blocks = align(old, new)
        wanted = spans(old, rnd)
        kept_difflib, kept = moved(old, new, by_difflib, wanted), moved(old, new, blocks, wanted)
        total_difflib += len(kept_difflib)
        total_align += len(kept)
        assert len(kept) >= len(kept_difflib) - max(10, len(kept_difflib) // 10)
    assert abs(total_align - total_difflib) <= total_difflib // 100


def test_align_one_letter_changed_gives_difflib_blocks():
    old = TEXT
    i = TEXT.index("Molotov") + 2
    new = old[:i] + "x" + old[i + 1:]
    blocks = align(old, new)
    assert blocks == [Match(0, 0, i), Match(i + 1, i + 1, len(old) - i - 1)]
    assert blocks == [m for m in difflib.SequenceMatcher(None, old, new, autojunk=False)
                      .get_matching_blocks() if m.size]


def test_align_a_paragraph_moved_stales_only_its_words():
    """A paragraph moved to the end: every other paragraph moves with its words, the moved one
    is stale. Character-level difflib also stales the paragraph before the moved one, unchanged
    and in place: its longest run begins with the moved paragraph's closing '.\\n' matched with
    that paragraph's, which leaves it without its last character."""
    old = "\n".join(PARAS)
    new = "\n".join(PARAS[:2] + PARAS[3:] + PARAS[2:3])
    at = [old.index(p) for p in PARAS]
    paragraphs = [(start, start + len(p)) for start, p in zip(at, PARAS)]
    blocks = align(old, new)
    valid(old, new, blocks)
    kept = moved(old, new, blocks, paragraphs)
    assert set(kept) == set(paragraphs) - {paragraphs[2]}
    by_difflib = [m for m in difflib.SequenceMatcher(None, old, new, autojunk=False)
                  .get_matching_blocks() if m.size]
    assert set(moved(old, new, by_difflib, paragraphs)) == set(kept) - {paragraphs[1]}


def test_align_text_repeated_with_every_paragraph_changed_keeps_the_rest():
    """Sixteen copies of the article, a word changed in every paragraph of every copy: no
    line is unchanged and no word is found once, yet what is unchanged is matched (the words
    found as often in both versions anchor it) and every span around an edit moves."""
    old = "\n".join(PARAS * 16)
    new = "\n".join(re.sub(r"\bthe\b", "THE", p, count=1) for p in PARAS * 16)
    blocks = align(old, new)
    assert valid(old, new, blocks) >= len(old) - 3 * 16 * len(PARAS)
    assert len(blocks) == sum(1 for p in PARAS * 16 if re.search(r"\bthe\b", p)) + 1


def test_align_text_repeated_many_times_with_scattered_edits_keeps_the_rest():
    """120 copies of the article (580k characters), ten words changed far apart: every line
    and word is found 120 times or more (too often for difflib, and no token is found once),
    yet each line anchors the copies in order and only the changed words are left out."""
    old = "\n".join(PARAS * 120)
    words = list(re.finditer(r"\w{5,}", old))
    new = old
    for m in reversed(words[len(words) // 20::len(words) // 10][:10]):
        new = new[:m.start()] + m.group().upper() + new[m.end():]
    blocks = align(old, new)
    assert valid(old, new, blocks) >= len(old) - 10 * 20
    assert len(blocks) <= 2 * 10 + 1


def test_align_rewritten_text_matches_only_identical_characters():
    rnd = random.Random(1)
    words = TEXT.split(" ")
    new = " ".join(rnd.sample(words, len(words)))
    blocks = align(TEXT, new)
    valid(TEXT, new, blocks)
    for (start, end), (new_start, new_end) in moved(TEXT, new, blocks,
                                                    spans(TEXT, rnd)).items():
        assert new[new_start:new_end] == TEXT[start:end]


def test_align_empty_and_identical_texts():
    assert align("", "") == []
    assert align("abc", "") == [] == align("", "abc")
    assert align(TEXT, TEXT) == [Match(0, 0, len(TEXT))]
    assert align("abc", "xabcx") == [Match(0, 1, 3)]


def _nearest_by_every_block(text, blocks, start, end):
    """Where a stale claim's words are nearest, as ``nearest`` found it by looking at every
    block for each claim (the reference its bisect must agree with)."""
    from annotator.text import word_span

    new_start, new_end = 0, None
    for b in blocks:
        if b.a + b.size <= start:
            new_start = b.b + b.size
        elif b.a <= start:
            new_start = start + b.b - b.a
        if new_end is None and b.a < end <= b.a + b.size:
            new_end = end + b.b - b.a
        elif new_end is None and b.a >= end:
            new_end = b.b
    if new_end is None:
        new_end = len(text)
    if new_end <= new_start:
        return new_start, new_start
    return word_span(text, new_start, new_end) or (new_start, new_start)


@settings(max_examples=40, deadline=None)
@given(st.randoms(use_true_random=False), st.integers(1, 30))
def test_align_nearest_by_bisect_is_where_every_block_puts_it(rnd, count):
    """A stale claim's nearest place, found by bisect over the blocks (was: a pass over every
    block for each stale claim), is the same for every span of an edited text."""
    from annotator.acts.ingest import nearest

    old = TEXT
    new = edited(old, rnd, count)
    blocks = align(old, new)
    starts, ends = [b.a for b in blocks], [b.a + b.size for b in blocks]
    for start, end in [*spans(old, rnd)[::7], (0, 1), (0, len(old)), (len(old) - 1, len(old))]:
        assert nearest(new, blocks, starts, ends, start, end) == \
            _nearest_by_every_block(new, blocks, start, end)
