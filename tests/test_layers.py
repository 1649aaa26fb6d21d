"""The package's layers, read from the code itself with ``ast``: every import (also inside
functions and under TYPE_CHECKING) goes to the module's own layer or a lower one; only the
store speaks SQL; only ``annotator.nlp`` imports spaCy; only ``annotator.tei.parse`` builds an
lxml parser; only ``annotator.cli`` prints or exits.

DOCS: docs/architecture.md
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "annotator"

# Lowest first. A module belongs to the first entry that is its name or a package above it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("annotator.errors", "annotator.records", "annotator.config", "annotator.files",
     "annotator.calendar", "annotator.dates", "annotator.chronology", "annotator.text",
     "annotator.version", "annotator.folder", "annotator.filters", "annotator.vocab",
     "annotator.interrupt", "annotator.collector"),
    ("annotator.tei",),
    ("annotator.nlp", "annotator.entities", "annotator.bibliography"),
    ("annotator.store",),
    ("annotator.acts", "annotator.export"),
    ("annotator.workspace", "annotator"),
    ("annotator.cli", "annotator.server", "annotator.__main__"),
)
LAYER_NAMES = ("base", "tei", "logic", "store", "acts", "workspace", "front")
SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|BEGIN|COMMIT|"
                 r"ROLLBACK|SAVEPOINT|RELEASE|WITH|REPLACE)\b")
PARSERS = {"XMLParser", "HTMLParser", "XMLPullParser", "HTMLPullParser", "iterparse",
           "XMLTreeBuilder", "ETCompatXMLParser"}
SPACY = ("spacy", "thinc")


@dataclass(frozen=True)
class Problem:
    module: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line}: {self.what}"


def layer_of(module: str) -> int:
    best: tuple[int, int] | None = None  # (length of the matching name, layer)
    for i, names in enumerate(LAYERS):
        for name in names:
            if module == name or (name != "annotator" and module.startswith(name + ".")):
                if best is None or len(name) > best[0]:
                    best = (len(name), i)
    if best is None:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS in tests/test_layers.py")
    return best[1]


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(node: ast.AST, module: str, is_package: bool) -> list[str]:
    """The annotator modules (or names in them) an import statement reaches."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    assert isinstance(node, ast.ImportFrom)
    if node.level:
        base = module.split(".")
        if not is_package:
            base = base[:-1]
        base = base[:len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    return [f"{target}.{a.name}" for a in node.names] + [target]


def resolve(name: str, modules: set[str]) -> str:
    """The longest known module that ``name`` is or lies in (a name imported from a module)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name


def strings(tree: ast.AST) -> list[tuple[int, str]]:
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docs.add(id(body[0].value))
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs]


def check(root: Path = PACKAGE, only: str | None = None) -> list[Problem]:
    """Every problem of the package under ``root`` (or of its module ``only``)."""
    files = {module_name(p, root): p for p in sorted(root.rglob("*.py"))}
    modules = set(files)
    problems: list[Problem] = []
    for module, path in files.items():
        if only is not None and module != only:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        mine = layer_of(module)
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for name in imported(node, module, path.name == "__init__.py"):
                    top = name.split(".")[0]
                    if top in SPACY and not (module == "annotator.nlp"
                                             or module.startswith("annotator.nlp.")):
                        problems.append(Problem(module, node.lineno,
                                                f"imports {name}: spaCy only in annotator.nlp"))
                    if top != "annotator":
                        continue
                    target = resolve(name, modules)
                    if not target or target == module:
                        continue
                    if module == "annotator" or target == "annotator":
                        # the front door re-exports; below it only its base names are used
                        if module != "annotator" and name not in (
                                "annotator", *(f"annotator.{n}" for n in
                                               ("errors", "version", "records", "config",
                                                "files", "calendar", "dates", "text"))):
                            problems.append(Problem(module, node.lineno,
                                                    f"imports {name} from the front door"))
                        continue
                    theirs = layer_of(target)
                    if theirs > mine:
                        problems.append(Problem(
                            module, node.lineno,
                            f"imports {target} ({LAYER_NAMES[theirs]}) from the "
                            f"{LAYER_NAMES[mine]} layer"))
            elif isinstance(node, ast.Attribute) and node.attr in PARSERS \
                    and module != "annotator.tei.parse":
                problems.append(Problem(module, node.lineno,
                                        f"builds an lxml parser ({node.attr}) outside tei.parse"))
            elif isinstance(node, ast.Attribute) and node.attr == "texts" \
                    and mine == LAYER_NAMES.index("front"):
                problems.append(Problem(module, node.lineno, "reaches past the Workspace "
                                        "(.texts): the CLI and server ask the Workspace"))
            elif isinstance(node, ast.Call) and not module.startswith("annotator.cli"):
                func = node.func
                name = (func.id if isinstance(func, ast.Name) else
                        f"{getattr(func.value, 'id', '')}.{func.attr}"
                        if isinstance(func, ast.Attribute) else "")
                if name in ("print", "exit", "quit", "sys.exit", "os._exit", "typer.Exit"):
                    problems.append(Problem(module, node.lineno,
                                            f"calls {name}: only annotator.cli prints or exits"))
            elif isinstance(node, ast.Raise) and not module.startswith("annotator.cli"):
                exc = node.exc
                if isinstance(exc, ast.Call):
                    exc = exc.func
                if isinstance(exc, (ast.Name, ast.Attribute)) and \
                        (getattr(exc, "id", None) or getattr(exc, "attr", None)) in (
                            "SystemExit", "Exit"):
                    problems.append(Problem(module, node.lineno,
                                            "raises SystemExit: only annotator.cli exits"))
        if layer_of(module) != LAYER_NAMES.index("store"):
            for line, text in strings(tree):
                if SQL.match(text) and re.search(r"\b(FROM|INTO|SET|TABLE|VALUES|user_version|"
                                                 r"journal_mode|TRANSACTION|IMMEDIATE)\b|;",
                                                 text) or SQL.fullmatch(text.strip() + " "):
                    problems.append(Problem(module, line, f"SQL outside the store: {text[:50]!r}"))
    return problems


# Modules still being moved onto the layers (issue 13): their SQL and upward imports are
# reported but tolerated until they move. An entry that no longer has a problem must go.
PENDING: frozenset[str] = frozenset()


def test_layers_one_way():
    problems = sorted({str(p) for p in check() if p.module not in PENDING})
    assert not problems, "\n".join(problems)


def test_layers_pending_modules_still_pending():
    still = {p.module for p in check()}
    assert not PENDING - still, f"remove from PENDING: {sorted(PENDING - still)}"


def test_layers_every_module_has_a_layer():
    for path in PACKAGE.rglob("*.py"):
        layer_of(module_name(path, PACKAGE))


@pytest.mark.parametrize("module, line, expected", [
    # an upward import, at module level and inside a function
    ("store/__init__.py", "from annotator.acts import review\n", "imports annotator.acts.review"),
    ("tei/parse.py", "def f():\n    from annotator.workspace import Workspace\n",
     "imports annotator.workspace"),
    ("dates.py", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                 "    from annotator.tei.textmap import TextMap\n", "imports annotator.tei.textmap"),
    ("export/tei.py", "from annotator import Workspace\n", "from the front door"),
    ("acts/review.py", "X = conn.execute('SELECT id FROM entities')\n", "SQL outside the store"),
    ("acts/review.py", "import spacy\n", "spaCy only in annotator.nlp"),
    ("export/insert.py", "from lxml import etree\np = etree.XMLParser()\n", "lxml parser"),
    ("acts/propose.py", "print('done')\n", "only annotator.cli prints"),
    ("acts/propose.py", "import sys\nsys.exit(2)\n", "only annotator.cli prints or exits"),
    ("cli/source.py", "def f(ws):\n    return ws.texts.versions('x')\n", "past the Workspace"),
])
def test_layers_catches_a_deliberate_breach(tmp_path, module, line, expected):
    import shutil

    copy = tmp_path / "annotator"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / module
    target.write_text(target.read_text(encoding="utf-8") + "\n" + line, encoding="utf-8")
    problems = check(copy, only=module_name(target, copy))
    assert any(expected in p.what for p in problems), problems


def test_layers_one_store_schema():
    """schemas/store.sql is the project's schema; the package ships the same bytes."""
    root = PACKAGE.parent
    assert (root / "schemas" / "store.sql").read_bytes() == \
        (PACKAGE / "store" / "schema.sql").read_bytes()


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Module -> the annotator modules it imports (every import, also inside functions and
    under TYPE_CHECKING); the front door's lazy re-exports are left out (it is on top)."""
    files = {module_name(p, root): p for p in sorted(root.rglob("*.py"))}
    graph: dict[str, set[str]] = {m: set() for m in files}
    for module, path in files.items():
        if module == root.name:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for name in imported(node, module, path.name == "__init__.py"):
                    target = resolve(name, set(files)) if name.startswith(root.name) else ""
                    if target and target not in (module, root.name):
                        graph[module].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected parts of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_layers_no_import_cycle():
    assert cycles(import_graph()) == []


def test_layers_a_cycle_is_found(tmp_path):
    pkg = tmp_path / "annotator"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def f():\n    from annotator import b\n")
    (pkg / "b.py").write_text("from annotator.a import f\n")
    assert cycles(import_graph(pkg)) == [["annotator.a", "annotator.b"]]


def depth(graph: dict[str, set[str]], start: str) -> int:
    """The longest chain of imports from ``start`` (the graph has no cycle)."""
    memo: dict[str, int] = {}

    def longest(v: str) -> int:
        if v not in memo:
            memo[v] = 1 + max((longest(w) for w in graph.get(v, ())), default=0)
        return memo[v]

    return longest(start)


if __name__ == "__main__":  # python tests/test_layers.py: the import graph's depth
    g = import_graph()
    print(f"{len(g)} modules, {sum(map(len, g.values()))} imports, "
          f"depth from annotator.__main__: {depth(g, 'annotator.__main__')}")


def test_layers_every_module_the_docs_name_exists():
    """A page that sends a reader to a module that moved sends them nowhere."""
    import re

    root = PACKAGE.parent
    missing = [f"{page.relative_to(root)}: {name}"
               for page in sorted([root / "README.md", *(root / "docs").glob("*.md")])
               for name in re.findall(r"`(annotator/[\w/]+\.(?:py|sql))`",
                                      page.read_text(encoding="utf-8"))
               if not (root / name).exists()]
    assert not missing, missing


def test_layers_every_module_is_in_the_architecture_page():
    page = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [str(p.relative_to(PACKAGE)) for p in sorted(PACKAGE.rglob("*.py"))
               if p.read_text(encoding="utf-8").strip()
               and f"`{p.relative_to(PACKAGE)}`" not in page]
    assert not missing, f"add to docs/architecture.md's module table: {missing}"
