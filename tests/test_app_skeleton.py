"""Every Django app has the same skeleton with the same names (docs/decisions.md, section
"one skeleton per app"): a newcomer who knows one app knows where things live in all.

Checked here, on the source tree (no imports):
- an app's top-level modules and packages are skeleton names, or an extra listed below with the
  reason it is not one of them;
- every model (a ``models.Model`` subclass) is in the app's ``models.py``;
- the pure cores (``core/``) import no Django, Celery, Redis, network, clock or app module
  outside ``core/``: they are functions of values, tested with tables.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

APPS = (
    "accounts",
    "orders",
    "notifications",
    "trading/copytrade",
    "trading/alpha",
    "trading/futures",
    "trading/futures_trading",
)

# The skeleton: the same name means the same thing in every app.
SKELETON = frozenset(
    {
        "__init__",
        "apps",
        "models",  # every model of the app
        "choices",  # the app's TextChoices / enumerations
        "errors",  # the app's refusals
        "notices",  # the notification kinds the app sends
        "services",  # writes (a module, or a package of modules when one file would be too big)
        "selectors",  # reads
        "core",  # pure cores: functions of values
        "views",  # the HTTP API (DRF views)
        "serializers",  # the API's input and output shapes
        "urls",
        "api_auth",  # how the app's API authenticates (accounts: traders; copytrade: operators)
        "forms",  # admin forms
        "admin",
        "tasks",  # Celery tasks (thin)
        "streams",  # jobs of the stream process (a module, or a package with one module a job)
        "management",  # Django management commands
        "migrations",
        "templatetags",
        "templates",
        "static",
        "locale",
    }
)

# App-specific extras, each with the reason it is not under a skeleton name.
EXTRAS: dict[str, dict[str, str]] = {
    "accounts": {
        "bruteforce": "the login throttle, shared by the trader and staff logins",
        "session_cache": "the Redis copy of sessions the order hot path reads",
        "staff_login": "the staff login shared by the admin and the copytrade operator API",
    },
    "orders": {
        "hotpath": "the pull and the execution report, served in front of Django as plain WSGI",
        "push": "the push server process and its wire protocol",
        "delivery": "the Redis side of order delivery (the pull's hot path)",
        "validation": "the rules of an order's fields, shared by every create path and admin form",
        "report_input": "the execution report's body, checked without DRF for the hot path",
        "report_batch": "execution reports committed in groups, acknowledged once durable",
        "reports": "history and report queries over a date range (the admin's report pages)",
        "admin_reports": "admin report pages",
        "admin_views": "admin views outside the model admins",
    },
    "notifications": {
        "channels": "one pure request builder per outbound platform (Telegram, DingTalk, …)",
        "delivery": "the delivery pipeline: deliveries per channel, pacing, retries, digests",
        "dispatch": "the bridge from committed notifications to one delivery task each",
        "kinds": "the registry of notification kinds other apps declare in their notices.py",
        "messages": "rendering a notification into one channel's message",
        "pacing": "delivery scheduling by values (quiet hours, rate limits, digests); uses choices",
        "recipients": "who receives a kind of notification",
        "watch": "the beat's table of watched conditions, each product's check named by path",
    },
    "trading/copytrade": {},
    "trading/alpha": {
        "inprocess": "the bot's moving parts in one process (stream job + command workers), for bench/demo",
        "notices_text": "the risk notice a trader accepts before the first start (zh and en)",
    },
    "trading/futures": {
        "presenters": "how a signal and its scorecard are shown, shared by the admin, API and client",
        "signals": "the signal engine (candles, indicators, strategies, model, grading): numeric "
        "code on numpy/TA-Lib/scikit-learn that reads candle files, so not a pure core",
    },
    "trading/futures_trading": {
        "from_signal": "the check that a trade opened from a signal carries that signal's terms",
    },
}

# Modules on their way out of a product package (listed so the rule holds meanwhile; an entry
# whose module is gone fails test_no_stale_entries). Empty: the demos and benchmarks now live in
# devtools/ and the loop bridge in trading/exchanges/loop.py.
LEAVING: dict[str, set[str]] = {}

# What a pure core may not import: frameworks, storage, network, processes, clocks, and the
# server apps (a core reaches its own app only through other core modules).
CORE_FORBIDDEN = (
    "django",
    "celery",
    "rest_framework",
    "drf_spectacular",
    "asgiref",
    "redis",
    "httpx",
    "requests",
    "websockets",
    "aiohttp",
    "socket",
    "asyncio",
    "threading",
    "subprocess",
    "sqlite3",
    "time",
    "random",
    "os",
    "backoffice",
    "accounts",
    "orders",
    "notifications",
    "trading",
)
# Value modules of the connector layer a core may use (types, errors, client order ids).
CORE_ALLOWED = (
    "trading.exchanges.types",
    "trading.exchanges.errors",
    "trading.exchanges.client_ids",
)


def top_level_names(app_dir: Path) -> set[str]:
    """The app's modules and packages (``foo.py`` and ``foo/`` are both ``foo``)."""
    names = set()
    for child in app_dir.iterdir():
        if child.name.startswith(".") or child.name == "__pycache__":
            continue
        if child.is_dir() or child.suffix == ".py":
            names.add(child.stem if child.suffix == ".py" else child.name)
    return names


def unknown_names(app: str, root: Path = ROOT) -> list[str]:
    allowed = SKELETON | set(EXTRAS.get(app, {})) | LEAVING.get(app, set())
    return sorted(f"{app}/{name}" for name in top_level_names(root / app) - allowed)


def stale_entries(app: str, root: Path = ROOT) -> list[str]:
    present = top_level_names(root / app)
    listed = set(EXTRAS.get(app, {})) | LEAVING.get(app, set())
    return sorted(f"{app}/{name}" for name in listed - present)


def app_sources(app_dir: Path) -> list[Path]:
    return [p for p in app_dir.rglob("*.py") if "migrations" not in p.parts]


def model_classes(path: Path) -> list[str]:
    """Classes deriving from ``models.Model`` (or a bare imported ``Model``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        and any(ast.unparse(base) in {"models.Model", "Model"} for base in node.bases)
    ]


def models_outside_models_py(app: str, root: Path = ROOT) -> list[str]:
    app_dir = root / app
    bad = []
    for path in app_sources(app_dir):
        if path == app_dir / "models.py":
            continue
        bad.extend(f"{path.relative_to(root)}: {name}" for name in model_classes(path))
    return sorted(bad)


def imported_names(path: Path) -> set[str]:
    """Every dotted name a module imports (``from a import b`` counts as ``a.b``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def is_forbidden_in_core(name: str, app_module: str) -> bool:
    def under(prefix: str) -> bool:
        return name == prefix or name.startswith(prefix + ".")

    if under(f"{app_module}.core") or name.startswith("__future__"):
        return False
    if any(under(allowed) for allowed in CORE_ALLOWED):
        return False
    return any(under(forbidden) for forbidden in CORE_FORBIDDEN)


def impure_core_imports(app: str, root: Path = ROOT) -> list[str]:
    core = root / app / "core"
    if not core.is_dir():
        return []
    app_module = app.replace("/", ".")
    return sorted(
        f"{path.relative_to(root)} imports {name}"
        for path in core.rglob("*.py")
        for name in imported_names(path)
        if is_forbidden_in_core(name, app_module)
    )


@pytest.mark.parametrize("app", APPS)
def test_app_modules_have_skeleton_names(app):
    assert unknown_names(app) == []


@pytest.mark.parametrize("app", APPS)
def test_no_stale_entries(app):
    assert stale_entries(app) == []


@pytest.mark.parametrize("app", APPS)
def test_models_live_in_models_py(app):
    assert models_outside_models_py(app) == []


@pytest.mark.parametrize("app", APPS)
def test_cores_are_pure(app):
    assert impure_core_imports(app) == []


def test_every_app_is_checked():
    assert set(EXTRAS) == set(APPS)
    assert set(LEAVING) <= set(APPS)


def write(path: Path, text: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_checker_rejects_a_bad_app(tmp_path):
    app = tmp_path / "orders"
    write(app / "__init__.py")
    write(app / "models.py", "from django.db import models\nclass Order(models.Model):\n    pass\n")
    write(app / "api.py", "from django.db.models import Model\nclass Token(Model):\n    pass\n")
    write(app / "helpers" / "__init__.py")
    write(app / "core" / "__init__.py")
    write(app / "core" / "rules.py", "import time\nfrom orders.models import Order\n")
    write(app / "core" / "fine.py", "from decimal import Decimal\nfrom orders.core import rules\n")
    write(app / "core" / "net.py", "from trading.exchanges import http\n")

    assert unknown_names("orders", root=tmp_path) == ["orders/api", "orders/helpers"]
    assert models_outside_models_py("orders", root=tmp_path) == ["orders/api.py: Token"]
    assert impure_core_imports("orders", root=tmp_path) == [
        "orders/core/net.py imports trading.exchanges.http",
        "orders/core/rules.py imports orders.models.Order",
        "orders/core/rules.py imports time",
    ]
    assert "orders/hotpath" in stale_entries("orders", root=tmp_path)


def test_checker_accepts_a_good_app(tmp_path):
    app = tmp_path / "trading" / "futures_trading"
    write(app / "__init__.py")
    write(app / "models.py", "from django.db import models\nclass Trade(models.Model):\n    pass\n")
    write(app / "services" / "__init__.py")
    write(app / "services" / "trades.py", "from trading.futures_trading.models import Trade\n")
    write(app / "from_signal.py")
    write(app / "core" / "risk.py", "from trading.exchanges.types import SymbolRules\n")
    write(app / "core" / "sizing.py", "from trading.futures_trading.core import risk\n")

    assert unknown_names("trading/futures_trading", root=tmp_path) == []
    assert models_outside_models_py("trading/futures_trading", root=tmp_path) == []
    assert impure_core_imports("trading/futures_trading", root=tmp_path) == []
    assert stale_entries("trading/futures_trading", root=tmp_path) == []
