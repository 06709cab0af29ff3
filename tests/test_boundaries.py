"""Architecture rules checked by a test: the pure packages import no Django and no server apps;
the simulator shares no code with the connectors; the layering kernel <- apps <- backoffice (the
composition root) holds, and no product package imports the desktop client, the simulator or the
developer tools (docs/decisions.md, the section "… kernel, composition root, devtools").
``pyproject.toml`` and ``kernel/ruff.toml`` ban the same imports for ruff (TID251)."""

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

# The product packages: they import the kernel and each other, never the composition root, the
# desktop client, the simulator or the developer tools (demos, benchmarks).
PRODUCTS = (
    "accounts",
    "orders",
    "notifications",
    "trading/copytrade",
    "trading/alpha",
    "trading/futures",
    "trading/futures_trading",
    "trading/streams",
)
NOT_FOR_PRODUCTS = {"backoffice", "client_desktop", "exchange_sim", "devtools"}
APPS = {
    "accounts",
    "orders",
    "notifications",
    "trading.copytrade",
    "trading.alpha",
    "trading.futures",
    "trading.futures_trading",
    "trading.streams",
}
RULES.update({package: NOT_FOR_PRODUCTS for package in PRODUCTS})
RULES["kernel"] = APPS | NOT_FOR_PRODUCTS

# The documented exceptions, each with its reason: a module a package may import although a rule
# above forbids its package. None today (the API refusal type joined the kernel as kernel.refusals).
ALLOWED: dict[str, str] = {}


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
            if module in ALLOWED:
                continue
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


@pytest.mark.parametrize(
    ("package", "snippet", "found"),
    [
        ("orders", "from exchange_sim.demo import credentials\n", "exchange_sim.demo"),
        (
            "trading/copytrade",
            "import client_desktop.core.headless\n",
            "client_desktop.core.headless",
        ),
        ("trading/alpha", "from devtools.bench import alpha\n", "devtools.bench"),
        ("accounts", "from backoffice.launcher import Proc\n", "backoffice.launcher"),
        ("kernel", "from orders import delivery\n", "orders"),
        ("kernel", "from trading.copytrade.selectors import x\n", "trading.copytrade.selectors"),
        ("kernel", "from backoffice.models import RuntimeSetting\n", "backoffice.models"),
    ],
)
def test_layering_rules_detect_a_violation(tmp_path, package, snippet, found):
    (tmp_path / package).mkdir(parents=True)
    (tmp_path / package / "m.py").write_text(snippet)
    assert violations(package, RULES[package], root=tmp_path) == [f"{package}/m.py imports {found}"]


def test_layering_rules_allow_the_kernel_and_the_connectors(tmp_path):
    (tmp_path / "orders").mkdir()
    (tmp_path / "orders" / "m.py").write_text(
        "from backoffice.api.middleware import ApiErrors\nfrom kernel.redis import get_redis\n"
        "from trading.exchanges.environments import sim_url\n"
    )
    (tmp_path / "kernel").mkdir()
    (tmp_path / "kernel" / "m.py").write_text("from trading.futures_trading import services\n")
    assert violations("orders", RULES["orders"], root=tmp_path) == [
        "orders/m.py imports backoffice.api.middleware"
    ]
    assert violations("kernel", RULES["kernel"], root=tmp_path) == [
        "kernel/m.py imports trading.futures_trading"
    ]
