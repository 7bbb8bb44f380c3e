"""The layout holds: the Qt-free packages run on a machine without PySide6, and the import contracts in
pyproject.toml (layers, no program importing another, no Qt in the core) really bite."""
from __future__ import annotations

import os
import pkgutil
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import REPO

CONTRACTS = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]
# the one list of what must never import Qt: the forbidden contract's (whole packages, and the Qt-free modules of
# the programs), read from pyproject.toml so that lint-imports and this test cannot drift apart
QT_FREE = next(c["source_modules"] for c in CONTRACTS if c["type"] == "forbidden" and "PySide6" in c["forbidden_modules"])
QT_FREE_PACKAGES = [name for name in QT_FREE if REPO.joinpath(*name.split(".")).is_dir()]
QT_FREE_MODULES = [name for name in QT_FREE if name not in QT_FREE_PACKAGES]
PROGRAMS = ["kiosk", "counter_display", "admin"]
QT_PACKAGES = ["kiosk", "counter_display", "gui"]


def qt_free_modules() -> list[str]:
    names = list(QT_FREE_MODULES)
    for package in QT_FREE_PACKAGES:
        names.append(package)
        path = REPO.joinpath(*package.split("."))
        for info in pkgutil.walk_packages([str(path)], prefix=package + "."):
            leaf = info.name.rsplit(".", 1)[-1]
            if leaf == "__main__" or ".migrations" in info.name:
                continue   # running a program, or Alembic scripts that need its context
            names.append(info.name)
    return names


HIDE_QT = """
import importlib, sys
class NoQt:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("PySide6", "shiboken6"):
            raise ImportError("PySide6 is hidden: the core must not import Qt")
sys.meta_path.insert(0, NoQt())
for name in sys.argv[1:]:
    importlib.import_module(name)
print("ok")
"""


def test_walk_finds_the_core_modules():
    names = qt_free_modules()
    for expected in ("core.config", "core.visitors.store", "core.visitors.recognition.gallery",
                     "admin.cli", "db.service", "printer.layout", "core.voice.announcer"):
        assert expected in names
    assert len(names) > 40


def test_core_imports_without_qt():
    r = subprocess.run([sys.executable, "-c", HIDE_QT, *qt_free_modules()], cwd=REPO, capture_output=True,
                       text=True, timeout=180)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == "ok"


def test_every_qt_free_module_of_the_programs_is_under_contract():
    """A module of kiosk/, counter_display/ or gui/ that reaches no Qt, even through a lazy import, is Qt-free by
    convention only until the contract names it (as face_flow, board_model and visitor_info once were)."""
    grimp = pytest.importorskip("grimp")              # import-linter's own import graph
    assert QT_FREE_PACKAGES and QT_FREE_MODULES and "core" in QT_FREE_PACKAGES
    roots = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    graph = grimp.build_graph(*roots["root_packages"], include_external_packages=True, cache_dir=None)
    qt = [name for name in ("PySide6", "shiboken6") if name in graph.modules]
    assert qt == ["PySide6"] or len(qt) == 2
    leaves = [m for m in graph.modules if m.split(".")[0] in QT_PACKAGES and not graph.find_children(m)]
    assert "counter_display.board_model" in leaves and "kiosk.ui.window" in leaves
    qt_free = {m for m in leaves if not any(graph.chain_exists(importer=m, imported=q, as_packages=True) for q in qt)}
    assert "counter_display.board_model" in qt_free and "kiosk.ui.window" not in qt_free and "kiosk.app" not in qt_free
    assert sorted(qt_free - set(QT_FREE_MODULES)) == [], "add them to the forbidden contract in pyproject.toml"


def test_hiding_qt_really_blocks_it():
    """The check above would be worthless if the hook let PySide6 through."""
    r = subprocess.run([sys.executable, "-c", HIDE_QT, "PySide6.QtCore"], cwd=REPO, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode != 0 and "PySide6 is hidden" in r.stderr


def _lint_imports() -> str:
    exe = Path(sys.executable).with_name("lint-imports")
    if not exe.exists():
        pytest.skip("lint-imports is not installed in this environment")
    return str(exe)


def _copy_tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy(REPO / "pyproject.toml", root)
    for package in ("bilingual", "db", "printer", "core", "gui", "kiosk", "counter_display", "admin"):
        shutil.copytree(REPO / package, root / package, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def _run_contracts(root: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(root))
    return subprocess.run([_lint_imports(), "--no-cache"], cwd=root, capture_output=True, text=True,
                          timeout=300, env=env)


def test_contracts_pass_on_the_tree():
    r = _run_contracts(_copy_tree(Path(__import__("tempfile").mkdtemp())))
    assert r.returncode == 0, r.stdout[-3000:]
    assert "broken" in r.stdout and " 0 broken" in r.stdout


@pytest.mark.parametrize("module, line, contract", [
    ("core/config.py", "import PySide6.QtCore", "never import Qt"),
    ("core/visitors/flow.py", "import kiosk.app", "Layers"),
    ("counter_display/board.py", "import kiosk.worker", "Layers"),
    ("db/feed.py", "import core.config", "Layers"),
    ("admin/cli.py", "import kiosk.app", "Layers"),
    ("kiosk/worker.py", "import counter_display.app", "Layers"),
    ("kiosk/i18n.py", "from PySide6.QtCore import QLocale", "never import Qt"),
])
def test_contracts_bite(tmp_path, module, line, contract):
    """Adding a forbidden import to a copy of the tree breaks the matching contract."""
    root = _copy_tree(tmp_path)
    target = root / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # injected by the test\n",
                      encoding="utf-8")
    r = _run_contracts(root)
    assert r.returncode != 0, r.stdout[-3000:]
    broken = [ln for ln in r.stdout.splitlines() if ln.endswith("BROKEN")]
    assert any(contract in ln for ln in broken) or contract in r.stdout.split("Broken contracts")[-1], r.stdout


# framework hooks: called by Qt or SQLAlchemy, never by name in the project
HOOKS = {"process_bind_param", "process_result_value"}


def unused_definitions() -> list[str]:
    """Module-level functions, classes and constants, and methods, of the shipped packages whose name appears
    nowhere else (programs, tests, benchmarks, scripts, kiosk.spec, pyproject.toml)."""
    import ast
    import re
    from collections import Counter
    packages = ["bilingual", "db", "printer", "core", "gui", "kiosk", "counter_display", "admin"]
    files = [p for k in packages for p in sorted((REPO / k).rglob("*.py")) if "migrations" not in p.parts]
    others = [p for d in ("tests", "benchmarks", "scripts") for p in sorted((REPO / d).glob("*.py"))]
    text = "\n".join(p.read_text(encoding="utf-8") for p in files + others + [REPO / "kiosk.spec",
                                                                              REPO / "pyproject.toml"])
    words = Counter(re.findall(r"\w+", text))
    found = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = []
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.append(node.name)
            elif isinstance(node, ast.Assign):
                names += [t.id for t in node.targets if isinstance(t, ast.Name)]
        for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
            names += [m.name for m in cls.body if isinstance(m, ast.FunctionDef)]
        for name in names:
            if name.startswith("__") or name in HOOKS or name.endswith("Event"):   # dunders, Qt's event handlers
                continue
            if words[name] <= 1:
                found.append(f"{path.relative_to(REPO)}: {name}")
    return found


def test_nothing_defined_is_left_unused():
    assert unused_definitions() == []
