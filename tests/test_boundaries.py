"""Architecture rules checked by a test: the pure packages import no Django and no server apps;
the simulator shares no code with the connectors."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

RULES = {
    "trading/exchanges": {
        "django",
        "rest_framework",
        "celery",
        "backoffice",
        "accounts",
        "orders",
        "exchange_sim",
        "client_desktop",
        "PySide6",
    },
    "client_desktop": {
        "django",
        "rest_framework",
        "celery",
        "backoffice",
        "accounts",
        "orders",
        "exchange_sim",
        "trading.copytrade",
        "trading.streams",
    },
    "client_desktop/core": {"PySide6"},
    "exchange_sim": {"trading", "client_desktop", "accounts", "orders"},
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def violations(package: str, forbidden: set[str], root: Path = ROOT) -> list[str]:
    bad = []
    for path in (root / package).rglob("*.py"):
        if package == "exchange_sim" and "management" in path.parts:
            continue  # Django commands that merely start the simulator
        for module in imported_modules(path):
            if any(module == f or module.startswith(f + ".") for f in forbidden):
                bad.append(f"{path.relative_to(root)} imports {module}")
    return bad


@pytest.mark.parametrize(("package", "forbidden"), RULES.items())
def test_package_boundaries(package, forbidden):
    assert violations(package, forbidden) == []


def test_rule_detects_a_violation(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "m.py").write_text("from django.db import models\n")
    assert violations("pkg", {"django"}, root=tmp_path) == ["pkg/m.py imports django.db"]
