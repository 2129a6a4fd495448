"""The one registry of what each app adds (pmo/extensions.py)."""

import ast
from pathlib import Path

from pmo import extensions

ROOT = Path(__file__).resolve().parents[2]
APPS = ("pmo", "portfolio", "prioritisation", "benefits")


def test_each_app_registers_its_parts_in_the_domains_order():
    assert list(extensions.PACK_SECTIONS) == ["portfolio", "prioritisation", "benefits"]
    assert [app for app, _ in extensions.PROJECT_TABS] == ["prioritisation", "benefits", "partners"]
    assert [entry.app for entry in extensions.DEMO_DATA] == [
        "prioritisation",
        "benefits",
        "partners",
    ]


def test_no_app_finds_a_module_by_its_name():
    """Extension points are registered, never imported by a name that a
    missing module would quietly skip."""
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Attribute) and node.attr == "import_module":
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
                elif isinstance(node, ast.ImportFrom) and node.module == "importlib":
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []
