"""Names and dates already marked up in a TEI source become confirmed mentions."""

from __future__ import annotations

import json

from tests.conftest import DATA


def test_markup_becomes_confirmed_mentions(ws):
    ws.add(DATA / "marked.xml")
    text = ws.reading_text("marked")
    got = {(m.surface, m.type): m for m in ws.mentions("marked")}
    assert set(got) == {("12 November 1940", "date"), ("Adolf Hitler", "person"),
                        ("Molotov", "person"), ("Berlin", "place"),
                        ("the Foreign Office", "org"), ("NKVD", "org"),
                        ("a day that never was", "date")}
    for m in got.values():
        assert (m.status, m.decided, m.provenance) == ("confirmed", True, "source")
        assert text[m.start:m.end] == m.surface
    assert dict(got["12 November 1940", "date"].date_value) == {"when": "1940-11-12"}
    assert got["a day that never was", "date"].date_value == ()  # bad @when: kept, no value
    assert got["Adolf Hitler", "person"].entity_id == "hitler"
    assert got["Berlin", "place"].entity_id == "berlin"
    hitler = ws.entity("hitler")
    assert (hitler.status, hitler.authority) == ("confirmed", (("wikidata", "Q352"),))
    nkvd = ws.entity(got["NKVD", "org"].entity_id)  # @ref to nothing: a candidate to review
    assert (nkvd.id, nkvd.status) == ("org-nkvd", "proposed")
    assert ws.entity(got["the Foreign Office", "org"].entity_id).preferred == "Foreign Office"
    assert "Without an id" not in {e.preferred for e in ws.entities()}
    row = ws.store.one("SELECT date_value FROM mentions WHERE type = 'date' AND "
                       "date_value IS NOT NULL")
    assert json.loads(row[0]) == {"when": "1940-11-12"}


def test_markup_proposals_never_contradict_it(ws):
    ws.add(DATA / "marked.xml")
    source = {(m.start, m.end) for m in ws.mentions("marked") if m.provenance == "source"}
    ws.propose()
    for m in ws.mentions("marked"):
        if m.provenance != "source":
            assert not any(m.start < b and a < m.end for a, b in source), m
    names = {m.surface for m in ws.mentions("marked") if m.provenance != "source"}
    assert "Hitler" in names  # the unmarked mention is proposed, linked to the register entry
    hitler = [m for m in ws.mentions("marked") if m.surface == "Hitler"]
    assert [m.entity_id for m in hitler] == ["hitler"]


def test_markup_added_is_not_undone_as_an_editor_act(ws):
    import pytest

    from annotator import DecisionError

    ws.add(DATA / "marked.xml")
    with pytest.raises(DecisionError) as err:
        ws.undo()
    assert err.value.code == "D007"
    assert len(ws.mentions("marked")) == 7
