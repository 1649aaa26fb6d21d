"""The cycle collector paused during a long act, and back on after it, whatever happens."""

import gc

import pytest

from annotator.collector import paused


def test_collector_is_paused_in_the_block_and_on_after_it():
    assert gc.isenabled()
    with paused():
        assert not gc.isenabled()
        with paused():  # nested: the outer block turns it back on
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_collector_is_on_after_an_error_and_left_off_when_the_caller_turned_it_off():
    with pytest.raises(ValueError), paused():
        raise ValueError("x")
    assert gc.isenabled()
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()  # the caller's choice stands
    finally:
        gc.enable()


def test_collector_is_on_after_an_export(tmp_path):
    from annotator import Workspace

    seen = []
    ws = Workspace.init(tmp_path / "ws")
    src = tmp_path / "a.xml"
    src.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>'
                   "<title>t</title></titleStmt><publicationStmt><p>p</p></publicationStmt>"
                   "<sourceDesc><p>s</p></sourceDesc></fileDesc></teiHeader><text><body>"
                   "<p>Anna wrote.</p></body></text></TEI>", encoding="utf-8")
    ws.add(src)
    report = ws.export_tei(progress=lambda done, total: seen.append(gc.isenabled()))
    assert seen == [False, False]  # paused while it worked (0 of 1 made, then 1 of 1)
    assert gc.isenabled() and len(report.files) == 1
    ws.close()
