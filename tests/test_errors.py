"""The error catalogue: every code the package raises is in ``annotator.errors.CATALOGUE`` with
the class that raises it, and ``docs/errors.md`` is made from the catalogue.

Run ``python tests/test_errors.py --write`` to write docs/errors.md after changing a code.
"""

from __future__ import annotations

import ast
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "annotator"
DOC = ROOT / "docs" / "errors.md"
CODE = re.compile(r"[A-Z]\d{3}")
INTRO = """# Errors

Every error an editor can fix is one line on stderr, place first, then what to do, then a
stable code, and exit status 2:

```
sources/letter.xml:41:14: XML is not well-formed: Opening and ending tag mismatch: q line 41 and p; fix the markup, then run the command again [S005]
```

The place is a source's file (`sources/letter.xml`), or the store for an act its state
refused (no such entity, changed since, nothing to undo), the same for review, claims and
bibliography acts. Both are named as reached: relative to the current folder when inside it
(`sources/letter.xml`, `annotator.sqlite` run in the workspace), else the absolute path
(`annotator -w /tmp/ws2 ...` from elsewhere says `/tmp/ws2/sources/letter.xml:` or
`/tmp/ws2/annotator.sqlite:`), so that the file named opens from where the command ran, and
with several editions open a refusal says which one refused.

The command line's own refusals (a missing argument, an unknown option or value) are said the
same way, the command first, and so is an argument an act finds malformed before it reads the
store (an authority id, a type, a mention id, a date value): the store did not refuse it.
An unknown option is matched to a close one (`--forse`: did you mean --force?), else the options
the command takes are named.

```
annotator confirm: missing argument 'targets'; see 'annotator confirm -h' [C020]
annotator propose: no such option: --frobnicate (it takes --batch-size, --force, --model, --n-process); see 'annotator propose -h' [C020]
annotator link: '64' is not a wikidata id; give a Wikidata item id such as Q352 [D030]
```

Tests assert the class and the code, never the wording. Anything else is a bug and shows its
traceback (exit status 1). `annotator check` and `annotator validate` exit 1 for a finding
(a claim without support, an invalid file), not for an error.

A command stopped by Ctrl-C (SIGINT) exits with status 130 (128 + 2, the status the shell
gives a program SIGINT ended), without a traceback. A long one (`add`, `propose`, `claims
propose`, `export`, `train`, `eval`, `apply`, `review`) finishes the item it is at (a source's
row and its file, a commit of proposals, the export's files), prints the lines of the work it
finished, then one line, the command first, saying what was done and what not and how to go
on (`I001`):

```
annotator add: interrupted: 22 of 33 sources added; run the same command again to add the rest [I001]
annotator export tei: interrupted: no TEI file written (12 of 33 made, none put in place; exports/ as it was); run the same command again to export [I001]
```

This page is made from `annotator.errors.CATALOGUE` by `python tests/test_errors.py --write`.
"""


def _codes(node: ast.AST | None) -> list[ast.Constant]:
    """The code literals a value is: itself, or either branch of ``"D302" if hits else "D301"``."""
    if isinstance(node, ast.IfExp):
        return _codes(node.body) + _codes(node.orelse)
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
            CODE.fullmatch(node.value):
        return [node]
    return []


def codes_in_package(*, mentions: bool = True) -> dict[str, list[tuple[str, int, str | None]]]:
    """code -> [(module path, line, class named at the raise site or None)].

    A raise site gives the code to a call (``code="S005"``, ``_bad(path, what, "S101")``,
    ``Problem(..., "S303", ...)``) or names it in a module constant the raise sites use
    (``USAGE = "C020"``). With ``mentions`` every other literal counts too: a code only
    compared or listed (``err.code != "D008"``, a set of codes the desk answers 404 for) is
    said nowhere, so it must not keep a catalogue entry alive."""
    found: dict[str, list[tuple[str, int, str | None]]] = defaultdict(list)
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "errors.py" and path.parent == PACKAGE:
            continue
        rel = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        seen: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                f = node.func
                cls = f.id if isinstance(f, ast.Name) else \
                    f.attr if isinstance(f, ast.Attribute) else None
                given = [kw.value for kw in node.keywords if kw.arg == "code"] + node.args
                for v in (c for value in given for c in _codes(value)):
                    found[v.value].append((rel, v.lineno, cls))
                    seen.add(id(v))
        for stmt in tree.body:  # USAGE, BAD_BYTES = "C020", "C021"; not a set of codes
            if isinstance(stmt, ast.Assign):
                values = stmt.value.elts if isinstance(stmt.value, ast.Tuple) else [stmt.value]
                for v in (c for value in values for c in _codes(value) if id(c) not in seen):
                    found[v.value].append((rel, v.lineno, None))
                    seen.add(id(v))
        if not mentions:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and _codes(node) and id(node) not in seen:
                found[node.value].append((rel, node.lineno, None))
    return found


def render() -> str:
    from annotator.errors import CATALOGUE, SECTIONS

    where = codes_in_package(mentions=False)
    out = [INTRO]
    for letter, heading in SECTIONS:
        out.append(f"\n## {heading}\n\n| code | what is wrong | what to do | raised in |\n"
                   "|---|---|---|---|\n")
        for code, entry in CATALOGUE.items():
            if code[0] != letter:
                continue
            files = sorted({f for f, _, _ in where.get(code, [])})
            place = ", ".join(f"`{f}`" for f in files)
            what = entry.what
            if not heading.startswith(entry.cls.__name__) and \
                    f"/ {entry.cls.__name__}" not in heading:
                what = f"({entry.cls.__name__}) {what}"
            out.append(f"| {code} | {what} | {entry.todo} | {place} |\n")
    return "".join(out)


def test_errors_every_code_is_catalogued():
    from annotator.errors import CATALOGUE

    missing = {c: w for c, w in codes_in_package().items() if c not in CATALOGUE}
    assert not missing, (f"codes raised but not in annotator.errors.CATALOGUE: {missing}; add "
                         "them there and run 'python tests/test_errors.py --write'")


def test_errors_codes_are_raised_by_their_class():
    import annotator.errors as errors

    wrong = []
    for code, uses in codes_in_package().items():
        entry = errors.CATALOGUE.get(code)
        for path, line, cls in uses:
            named = getattr(errors, cls, None) if cls else None
            if entry and isinstance(named, type) and issubclass(named, errors.AnnotatorError) \
                    and not issubclass(named, entry.cls):
                wrong.append(f"{path}:{line}: {code} raised as {cls}, catalogued as "
                             f"{entry.cls.__name__}")
    assert not wrong, "\n".join(wrong)


def test_errors_every_code_is_catalogued_once():
    """A dict literal keeps the last of two entries with one key: the first is lost unseen."""
    import annotator.errors as errors

    tree = ast.parse(Path(errors.__file__).read_text(encoding="utf-8"))
    keys = [k.value for node in ast.walk(tree) if isinstance(node, ast.Dict)
            for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)
            and len(k.value) == 4 and k.value[0] in "CDEIMSW" and k.value[1:].isdigit()]
    assert len(keys) > 100 and len(keys) == len(set(keys)), \
        sorted(k for k in set(keys) if keys.count(k) > 1)


def test_errors_every_catalogued_code_is_used():
    """Raised, not only named: D017 stayed in the desk's set of 'missing' codes after it was
    folded into S015, which kept it 'used' for a test that counted every literal."""
    from annotator.errors import CATALOGUE

    unused = sorted(set(CATALOGUE) - set(codes_in_package(mentions=False)))
    assert not unused, f"catalogued but never raised: {unused}; remove them from CATALOGUE"


def test_errors_doc_is_made_from_the_catalogue():
    assert DOC.read_text(encoding="utf-8") == render(), \
        "docs/errors.md is out of date: run 'python tests/test_errors.py --write'"


def test_errors_message_shape():
    from annotator.errors import Location, SourceError

    err = SourceError("XML is not well-formed", hint="fix the markup",
                      location=Location("sources/a.xml", 3, 7), code="S005")
    assert str(err) == "sources/a.xml:3:7: XML is not well-formed; fix the markup [S005]"


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    sys.path.insert(0, str(ROOT))
    DOC.write_text(render(), encoding="utf-8")


def test_errors_name_a_source_as_reached_from_the_current_folder(ws, tmp_path, monkeypatch):
    """Run with ``-w`` from another folder, a refusal about a source names its file as reached
    from there (``ws/sources/letter.xml`` from the workspace's parent, the absolute path from
    elsewhere), as the store is named; before, ``sources/letter.xml``, which names no file
    there. The same in the hint of a file changed since it was added (S016)."""
    from tests.conftest import run

    letter = tmp_path / "letter.xml"
    letter.write_text(LETTER, encoding="utf-8")
    ws.add(letter)
    (tmp_path / "elsewhere").mkdir()
    file = ws.root / "sources" / "letter.xml"
    for cwd, named in ((tmp_path, "ws/sources/letter.xml"),
                       (tmp_path / "elsewhere", str(file.resolve()))):
        monkeypatch.chdir(cwd)
        result = run(ws, "claim", "add", "letter", "--span", "0:5", "--kind", "gossip")
        assert result.exit_code == 2 and result.stderr.startswith(f"{named}: "), result.stderr
        assert "[D305]" in result.stderr
    file.write_bytes(file.read_bytes().replace(b"Brother", b"Sister"))
    result = run(ws, "export", "tei")
    assert result.exit_code == 2 and "[S016]" in result.stderr, result.output
    assert result.stderr.startswith(f"{named}: ") and f"add --replace {named}'" in result.stderr


LETTER = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>A letter</title>
</titleStmt><publicationStmt><p>Written for annotator's tests.</p></publicationStmt>
<sourceDesc><p>Made up.</p></sourceDesc></fileDesc></teiHeader><text><body>
<p>Dear Brother, your letter came yesterday.</p>
</body></text></TEI>
"""
