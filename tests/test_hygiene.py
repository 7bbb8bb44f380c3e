"""The tests themselves: none can hang CI, and fixtures shared by several test modules live in conftest.py,
never imported from another test module (pytest would then run that module's fixtures under two names, and a
test module would depend on another one's internals)."""
from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _modules() -> dict[Path, ast.Module]:
    return {p: ast.parse(p.read_text(encoding="utf-8")) for p in sorted(TESTS.glob("*.py"))}


def _imported(tree: ast.Module) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
            names += [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names += [a.name for a in node.names]
    return names


def _is_fixture(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(target, ast.Attribute) and target.attr == "fixture" or \
        isinstance(target, ast.Name) and target.id == "fixture"


def test_no_test_module_imports_another():
    found = []
    for path, tree in _modules().items():
        for name in _imported(tree):
            parts = name.split(".")
            if parts[0] == "tests" and len(parts) > 1 and parts[1].startswith("test_") or \
                    parts[0].startswith("test_") and parts[0] != path.stem:
                found.append(f"{path.name}: {name}")
    assert found == []


def test_support_modules_hold_no_fixtures():
    """A fixture in a plain helper module could only be used by importing it into a test module."""
    found = []
    for path, tree in _modules().items():
        if path.name == "conftest.py" or path.name.startswith("test_"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(map(_is_fixture, node.decorator_list)):
                found.append(f"{path.name}: {node.name}")
    assert found == []


def test_the_checks_above_see_what_they_look_for():
    tree = ast.parse("from tests.test_kiosk_face import store\nimport pytest\n@pytest.fixture\ndef db():\n    pass\n")
    assert "tests.test_kiosk_face.store" in _imported(tree)
    assert _is_fixture(tree.body[2].decorator_list[0])
    assert _is_fixture(ast.parse("@pytest.fixture(scope='module')\ndef a(): pass").body[0].decorator_list[0])


def test_every_test_has_a_timeout(pytestconfig):
    assert pytestconfig.pluginmanager.hasplugin("timeout"), "pytest-timeout is not installed"
    assert 0 < float(pytestconfig.getini("timeout")) <= 600


def test_no_readline_without_a_deadline():
    """A child's pipe read with readline() hangs on a silent child; the tests read lines with select/poll under a
    deadline instead (e.g. tests/test_admin_cli.py's _read_lines)."""
    found = []
    for path, tree in _modules().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "readline":
                found.append(f"{path.name}:{node.lineno}")
    assert found == []
