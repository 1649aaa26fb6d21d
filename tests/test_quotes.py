"""Offsets and words: ``annotator text`` shows a source's reading text with its offsets and
finds words in it; ``--quote``/``--nth`` mark by words wherever offsets are taken (mention add,
adjust, claim add, claim link --passage), found one way (``acts.quotes``)."""

from __future__ import annotations

import json

from tests.conftest import run

SID = "german-soviet-axis-talks"


def test_quotes_text_lists_blocks_with_offsets_that_hold(seed_ws):
    text = seed_ws.reading_text(SID)
    got = run(seed_ws, "text", SID, "--format", "json")
    assert got.exit_code == 0, got.output
    rows = json.loads(got.stdout)
    assert [r["block"] for r in rows] == list(range(1, len(rows) + 1)) and len(rows) > 3
    for r in rows:
        assert text[r["start"]:r["end"]] == r["text"] and r["text"] == r["text"].strip()
        assert r["location"].startswith(f"¶ {r['block']}, line ")
    assert " ".join(r["text"] for r in rows).split() == text.split()  # every word, once


def test_quotes_text_find_gives_each_hit_numbered_as_nth_takes_it(seed_ws):
    text = seed_ws.reading_text(SID)
    rows = json.loads(run(seed_ws, "text", SID, "--find", "Hitler", "-f", "json").stdout)
    assert len(rows) == text.count("Hitler") > 2
    assert [r["n"] for r in rows] == list(range(1, len(rows) + 1))
    assert all(text[r["start"]:r["end"]] == "Hitler" for r in rows)
    assert "[Hitler]" in rows[0]["context"]
    assert [(p.start, p.end) for p in seed_ws.find_words(SID, "Hitler")] == \
        [(r["start"], r["end"]) for r in rows]
    none = run(seed_ws, "text", SID, "--find", "words nowhere")
    assert none.exit_code == 0 and none.stdout == "" and "no words of" in none.stderr


def test_quotes_mention_add_by_words_nth_or_refused_naming_the_hits(seed_ws):
    text = seed_ws.reading_text(SID)
    hits = seed_ws.find_words(SID, "Molotov")
    assert len(hits) > 2
    before = len(seed_ws.mentions(SID))
    got = run(seed_ws, "mention", "add", SID, "person", "--quote", "Molotov")
    assert got.exit_code == 2 and got.stderr.count("\n") == 1 and "[D302]" in got.stderr
    assert f"1 at {hits[0].start}:{hits[0].end} (¶ " in got.stderr and "--nth N" in got.stderr
    got = run(seed_ws, "mention", "add", SID, "person", "--quote", "Molotov",
              "--nth", str(len(hits) + 1))
    assert got.exit_code == 2 and "[D321]" in got.stderr
    got = run(seed_ws, "mention", "add", SID, "person", "--quote", "Molotov x y")
    assert got.exit_code == 2 and "[D301]" in got.stderr and f"annotator text {SID}" in got.stderr
    assert len(seed_ws.mentions(SID)) == before  # nothing written
    got = run(seed_ws, "mention", "add", SID, "person", "--quote", "Molotov", "--nth", "2")
    assert got.exit_code == 0, got.output
    added = [m for m in seed_ws.mentions(SID) if (m.start, m.end) == (hits[1].start,
                                                                          hits[1].end)]
    assert len(added) == 1 and added[0].status == "confirmed"
    assert text[added[0].start:added[0].end] == "Molotov"
    got = run(seed_ws, "mention", "add", SID, "1", "2", "person", "--quote", "Molotov")
    assert got.exit_code == 2 and "[C020]" in got.stderr
    # offsets as before
    got = run(seed_ws, "mention", "add", SID, str(hits[2].start), str(hits[2].end), "person")
    assert got.exit_code == 0, got.output


def test_quotes_adjust_by_words_takes_the_hit_over_the_mention(seed_ws):
    hits = seed_ws.find_words(SID, "Molotov")
    third = hits[2]
    seed_ws.add_mention(SID, third.start, third.start + 3, "person")  # 'Mol'... widened
    mid = next(m.id for m in seed_ws.mentions(SID) if m.start == third.start)
    # 'Molotov' occurs several times: the one over the mention is meant
    got = run(seed_ws, "adjust", str(mid), "--quote", "Molotov")
    assert got.exit_code == 0, got.output
    m = seed_ws.mention(mid)
    assert (m.start, m.end) == (third.start, third.end)
    got = run(seed_ws, "adjust", str(mid), "--quote", "Molotov", "--nth", "1")
    assert got.exit_code == 0, got.output
    m = seed_ws.mention(mid)
    assert (m.start, m.end) == (hits[0].start, hits[0].end)
    assert run(seed_ws, "adjust", str(mid)).exit_code == 2  # neither offsets nor words


def test_quotes_claim_passage_and_nth_by_words(seed_ws):
    hits = seed_ws.find_words(SID, "Hitler")
    claim = seed_ws.add_claim(SID, quote="Hitler", nth=3)
    assert (claim.start, claim.end) == (hits[2].start, hits[2].end)
    got = run(seed_ws, "claim", "add", SID, "--quote", "Hitler", "--nth", "4")
    assert got.exit_code == 0, got.output
    got = run(seed_ws, "claim", "link", str(claim.id), "--passage", SID, "--quote", "Hitler")
    assert got.exit_code == 2 and "[D302]" in got.stderr
    got = run(seed_ws, "claim", "link", str(claim.id), "--passage", SID, "--quote", "Hitler",
              "--nth", "5")
    assert got.exit_code == 0, got.output
    link = seed_ws.claim(claim.id).links[0]
    assert (link.target_source_id, link.target_start, link.target_end) == \
        (SID, hits[4].start, hits[4].end)


def test_quotes_link_claim_takes_a_passage_by_its_words_in_the_library(seed_ws):
    """``Workspace.link_claim`` takes the passage's words as ``add_claim`` takes a claim's
    (``passage`` the source, ``quote``, ``nth``), so a notebook links by words as the command
    does (was: only offsets; the command found the words itself): the same refusals, the
    words found before the claim is read, and a source without words (or words with
    offsets) refused, D316, nothing written."""
    import pytest

    from annotator import DecisionError

    ws = seed_ws
    hits = ws.find_words(SID, "Hitler")
    claim = ws.add_claim(SID, quote="Hitler", nth=3)
    link = ws.link_claim(claim.id, passage=SID, quote="Hitler", nth=5)
    assert (link.target_source_id, link.target_start, link.target_end, link.action) == \
        (SID, hits[4].start, hits[4].end, "added")
    wider = "Foreign Minister Vyacheslav Molotov"
    once = ws.link_claim(claim.id, passage=SID, quote=" ".join(wider.split()), rel="mentions")
    start = ws.reading_text(SID).index(wider)
    assert (once.target_start, once.target_end, once.rel) == (start, start + len(wider),
                                                              "mentions")
    for asked, code in [({"quote": "Hitler"}, "D302"), ({"quote": "Hitler", "nth": 99}, "D321"),
                        ({"quote": "no such words here"}, "D301")]:
        with pytest.raises(DecisionError) as err:
            ws.link_claim(claim.id, passage=SID, **asked)
        assert err.value.code == code
    with pytest.raises(DecisionError) as err:  # the words first, as the command did
        ws.link_claim(999, passage=SID, quote="no such words here")
    assert err.value.code == "D301"
    for passage, quote in [(SID, None), ((SID, hits[0].start, hits[0].end), "Hitler"),
                           (None, "Hitler")]:
        with pytest.raises(DecisionError) as err:
            ws.link_claim(claim.id, passage=passage, quote=quote)
        assert err.value.code == "D316"
    assert [ln.id for ln in ws.claim(claim.id).links] == [link.id, once.id]


def test_quotes_link_claim_refuses_nth_without_words(seed_ws):
    """``--nth`` picks among the occurrences of ``--quote`` words: with a passage given by its
    offsets it is refused in one line, exit 2, as ``--quote`` without ``--passage`` is, and
    ``Workspace.link_claim`` refuses it too, D316, nothing linked (was: ignored, the passage
    linked)."""
    import pytest

    from annotator import DecisionError

    claim = seed_ws.add_claim(SID, quote="Hitler", nth=3)
    got = run(seed_ws, "claim", "link", str(claim.id), "--passage", f"{SID}:10:20",
              "--nth", "2")
    assert got.exit_code == 2 and "--nth" in got.stderr and "Traceback" not in got.output
    with pytest.raises(DecisionError) as err:
        seed_ws.link_claim(claim.id, passage=(SID, 10, 20), nth=2)
    assert err.value.code == "D316"
    with pytest.raises(DecisionError) as err:
        seed_ws.link_claim(claim.id, "nekrich1997", nth=2)
    assert err.value.code == "D316"
    assert seed_ws.claim(claim.id).links == ()


def test_quotes_claim_add_refuses_nth_with_a_span(seed_ws):
    """``claim add --span S:E --nth N`` has no words to pick among: refused in one line, exit
    2, as ``claim link`` refuses ``--nth`` without ``--quote``, and ``Workspace.add_claim``
    refuses it too, D303, nothing marked (was: --nth ignored, the span marked)."""
    import pytest

    from annotator import DecisionError

    got = run(seed_ws, "claim", "add", SID, "--span", "10:20", "--nth", "2")
    assert got.exit_code == 2 and "--nth" in got.stderr and "Traceback" not in got.output
    with pytest.raises(DecisionError) as err:
        seed_ws.add_claim(SID, span=(10, 20), nth=2)
    assert err.value.code == "D303" and "a span has none" in str(err.value)
    assert seed_ws.claims() == []


def test_quotes_mention_add_and_adjust_refuse_nth_without_words(seed_ws):
    """``mention add START END TYPE --nth N`` and ``adjust M START END --nth N`` have no
    words to pick among: refused in one line, exit 2, nothing written (was: --nth ignored,
    the offsets marked)."""
    hits = seed_ws.find_words(SID, "Molotov")
    before = seed_ws.mentions(SID)
    got = run(seed_ws, "mention", "add", SID, str(hits[2].start), str(hits[2].end), "person",
              "--nth", "2")
    assert got.exit_code == 2 and "--nth" in got.stderr and "Traceback" not in got.output
    assert got.stderr.count("\n") == 1, got.stderr
    assert seed_ws.mentions(SID) == before
    seed_ws.add_mention(SID, hits[2].start, hits[2].end, "person")
    mid = next(m.id for m in seed_ws.mentions(SID) if m.start == hits[2].start)
    got = run(seed_ws, "adjust", str(mid), str(hits[1].start), str(hits[1].end), "--nth", "1")
    assert got.exit_code == 2 and "--nth" in got.stderr and "Traceback" not in got.output
    assert (seed_ws.mention(mid).start, seed_ws.mention(mid).end) == (hits[2].start,
                                                                      hits[2].end)
