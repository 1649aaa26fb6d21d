"""The stretches two versions of a reading text share, found fast enough that replacing a long
diary after a typo is fixed takes well under a second, not minutes.

A character-level ``difflib.SequenceMatcher`` over two whole texts is quadratic: 47 s for one
changed letter in a 55k-character diary, hours at 500k. Here the unchanged head and tail are
matched first (most edits are local), the rest by lines, the gaps between lines matched by
words, and only the gaps between matched words by characters. At each step difflib aligns the
tokens where its work is small (its longest-match search reads each token's occurrences in the
other text: the sum of count-in-old times count-in-new bounds it); where it is not, tokens
shared as rarely in both texts (a word found once in each, as patience diff does) are anchors,
the longest run of them in order is kept, and the stretches between them are aligned again.
A stretch too big for difflib and sharing no rare token is left unmatched (its head and tail
still match): a text rewritten throughout keeps what its shared words give, no more.

Every block is a run of characters identical in both texts (``text[a:a+size] ==
new[b:b+size]``), blocks ascend in both texts and never touch in both at once (adjacent runs
are one block), as ``SequenceMatcher.get_matching_blocks`` gives them, less its final empty one.

DOCS: docs/claims.md#a-replaced-source
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Hashable, Sequence
from itertools import accumulate

Match = difflib.Match

# the tokens of each level, each tiling the text it is applied to; None: single characters
_LEVELS: tuple[re.Pattern[str] | None, ...] = (
    re.compile(r"[^\n]*\n|[^\n]+"),  # lines, each with its line break
    re.compile(r"\w+|\s+|[^\w\s]"),  # words, runs of spaces, single signs
    None,
)
# difflib aligns a stretch when its longest-match search reads at most this many token
# occurrences (a few milliseconds); above it, rare shared tokens split the stretch first
_BUDGET = 50_000
# and all of them together at most this many per character of the two texts, plus _BUDGET: past
# it a stretch gets its head and tail only, so the time stays linear in the texts' length
_WORK_PER_CHAR = 4
# a shared head or tail, or a run of lines, shorter than this (characters) is left to the finer
# alignment
_SHORTEST_RUN = 64


def align(old: str, new: str) -> list[Match]:
    """The runs of characters ``old`` and ``new`` share, in order (see the module's docstring)."""
    aligner = _Aligner(old, new)
    aligner.refine(0, len(old), 0, len(new), 0)
    found = sorted(aligner.found)
    blocks: list[Match] = []
    for m in found:
        if blocks and blocks[-1].a + blocks[-1].size == m.a and \
                blocks[-1].b + blocks[-1].size == m.b:
            last = blocks.pop()
            m = Match(last.a, last.b, last.size + m.size)
        blocks.append(m)
    return blocks


def block_of(blocks: Sequence[Match], starts: Sequence[int], start: int, end: int
             ) -> Match | None:
    """The block holding the whole span [start, end) of the old text, if one does (``starts``:
    each block's ``a``, for bisect)."""
    i = bisect_right(starts, start) - 1
    if i >= 0 and end <= blocks[i].a + blocks[i].size:
        return blocks[i]
    return None


class _Aligner:
    """One alignment: the two texts, the blocks found, the difflib work left."""

    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new
        self.found: list[Match] = []
        self.work_left = _BUDGET + _WORK_PER_CHAR * (len(old) + len(new))

    def refine(self, alo: int, ahi: int, blo: int, bhi: int, level: int) -> None:
        """Match old[alo:ahi] with new[blo:bhi]: head and tail, then the tokens of ``level``
        between them, then the gaps between matched tokens at the next level."""
        old, new, out = self.old, self.new, self.found
        # a long shared head or tail is taken at once; a short one may be a coincidence (the
        # full stop ending a paragraph moved to the end) that the tokens' alignment outdoes
        head = _common_head(old, alo, ahi, new, blo, bhi)
        if head >= _SHORTEST_RUN:
            out.append(Match(alo, blo, head))
            alo, blo = alo + head, blo + head
        tail = _common_tail(old, alo, ahi, new, blo, bhi)
        if tail >= _SHORTEST_RUN:
            out.append(Match(ahi - tail, bhi - tail, tail))
            ahi, bhi = ahi - tail, bhi - tail
        if alo == ahi or blo == bhi or level == len(_LEVELS):
            return  # (past the characters: what they left is unmatched)
        a_at, a_tokens = _tokens(old, alo, ahi, _LEVELS[level])
        b_at, b_tokens = _tokens(new, blo, bhi, _LEVELS[level])
        runs = self.match_tokens(a_tokens, b_tokens, anchored=level < len(_LEVELS) - 1)
        if level == 0:  # a short run of lines matched among changed ones may be a blank line
            # matched across the true alignment: its words decide
            runs = [(i, j, n) for i, j, n in runs if a_at[i + n] - a_at[i] >= _SHORTEST_RUN]
        i_done, j_done = 0, 0
        for i, j, n in [*runs, (len(a_tokens), len(b_tokens), 0)]:
            if i > i_done and j > j_done:
                self.refine(a_at[i_done], a_at[i], b_at[j_done], b_at[j], level + 1)
            if n:
                out.append(Match(a_at[i], b_at[j], a_at[i + n] - a_at[i]))
            i_done, j_done = i + n, j + n

    def match_tokens(self, a: Sequence[Hashable], b: Sequence[Hashable], *, anchored: bool
                     ) -> list[tuple[int, int, int]]:
        """Runs of equal tokens (i in a, j in b, length), ascending in both; a stretch too big
        for difflib (or past the work left) is split by rare shared tokens if ``anchored``
        (lines and words: a character is seldom rare), else left unmatched."""
        out: list[tuple[int, int, int]] = []
        todo = [(0, len(a), 0, len(b))]
        while todo:
            alo, ahi, blo, bhi = todo.pop()
            if alo == ahi or blo == bhi:
                continue
            if ahi - alo == 1 and bhi - blo == 1:  # a token each side: the same or not
                if a[alo] == b[blo]:
                    out.append((alo, blo, 1))
                continue
            in_a, in_b = Counter(a[alo:ahi]), Counter(b[blo:bhi])
            work = sum(k * in_b[tok] for tok, k in in_a.items())
            if work <= min(_BUDGET, self.work_left):
                matcher = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
                found = matcher.get_matching_blocks()
                self.work_left -= work * len(found)  # a longest-match search each, about
                out.extend((alo + i, blo + j, k) for i, j, k in found if k)
                continue
            # too big for difflib: its shared head and tail first, then anchors
            head = tail = 0
            while alo + head < ahi and blo + head < bhi and a[alo + head] == b[blo + head]:
                head += 1
            while alo + head < ahi - tail and blo + head < bhi - tail and \
                    a[ahi - tail - 1] == b[bhi - tail - 1]:
                tail += 1
            if head or tail:
                if head:
                    out.append((alo, blo, head))
                if tail:
                    out.append((ahi - tail, bhi - tail, tail))
                todo.append((alo + head, ahi - tail, blo + head, bhi - tail))
                continue
            anchors = _anchors(a, b, alo, ahi, blo, bhi, in_a, in_b) if anchored else []
            i_done, j_done = alo, blo
            for i, j in anchors:
                out.append((i, j, 1))
                todo.append((i_done, i, j_done, j))
                i_done, j_done = i + 1, j + 1
            if anchors:
                todo.append((i_done, ahi, j_done, bhi))
        out.sort()
        return out


def _tokens(text: str, lo: int, hi: int, pattern: re.Pattern[str] | None
            ) -> tuple[list[int], list[str]]:
    """The tokens of text[lo:hi] and where each starts, with ``hi`` last."""
    if pattern is None:
        return list(range(lo, hi + 1)), list(text[lo:hi])
    found = pattern.findall(text, lo, hi)
    return list(accumulate(map(len, found), initial=lo)), found


def _common_head(a: str, alo: int, ahi: int, b: str, blo: int, bhi: int) -> int:
    """How many characters a[alo:ahi] and b[blo:bhi] share at their start (binary search over
    slice comparisons, which run in C)."""
    lo, hi = 0, min(ahi - alo, bhi - blo)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[alo + lo:alo + mid] == b[blo + lo:blo + mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_tail(a: str, alo: int, ahi: int, b: str, blo: int, bhi: int) -> int:
    """How many characters a[alo:ahi] and b[blo:bhi] share at their end."""
    lo, hi = 0, min(ahi - alo, bhi - blo)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[ahi - mid:ahi - lo] == b[bhi - mid:bhi - lo]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _anchors(a: Sequence[Hashable], b: Sequence[Hashable], alo: int, ahi: int, blo: int,
             bhi: int, in_a: Counter[Hashable], in_b: Counter[Hashable]
             ) -> list[tuple[int, int]]:
    """Pairs (i, j) of equal tokens, ascending in both: of the tokens found as often in
    a[alo:ahi] as in b[blo:bhi], those found least often (once, when any is), the k-th in a
    paired with the k-th in b, and of these the longest chain ascending in both. (A text
    repeated throughout has no token found once: each line of it k times in both versions
    anchors it. Pairing in order errs only where one edit took a token away and another put
    it back; the longest chain then leaves out the pairs that cross the true ones.)"""
    shared = [k for tok, k in in_a.items() if in_b.get(tok) == k]
    if not shared:
        return []
    rarest = min(shared)
    chosen = {tok for tok, k in in_a.items() if k == rarest and in_b.get(tok) == k}
    where_b: dict[Hashable, list[int]] = {}
    for j in range(blo, bhi):
        if b[j] in chosen:
            where_b.setdefault(b[j], []).append(j)
    seen: Counter[Hashable] = Counter()
    pairs = []
    for i in range(alo, ahi):
        if a[i] in chosen:
            pairs.append((i, where_b[a[i]][seen[a[i]]]))
            seen[a[i]] += 1
    return _longest_chain(pairs)


def _longest_chain(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of ``pairs`` (ascending in i) whose j ascend too (patience sorting)."""
    tops: list[int] = []  # the smallest last j of a chain of each length
    top_at: list[int] = []  # the pair ending that chain
    before: list[int] = []  # each pair's predecessor in its chain, -1 for none
    for k, (_, j) in enumerate(pairs):
        n = bisect_left(tops, j)
        before.append(top_at[n - 1] if n else -1)
        if n == len(tops):
            tops.append(j)
            top_at.append(k)
        else:
            tops[n], top_at[n] = j, k
    chain = []
    k = top_at[-1] if top_at else -1
    while k >= 0:
        chain.append(pairs[k])
        k = before[k]
    return chain[::-1]
