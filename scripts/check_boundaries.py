"""Check that product modules never see the wire: they call the connectors' named methods
(``account_snapshot()``, ``orders_since()``, ``venue_now_ms()``, ``warm()`` …) and never a venue
path or a connector's signed-request layer (docs/decisions.md, "Structure: connectors hide the
wire").

    python scripts/check_boundaries.py          # lists every violation, exit 1 if any

The rules are the ``RULES`` table: a rule names the packages it applies to and a function from a
parsed module to its violations, so a new boundary is one more entry.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The product packages: everything that uses the connectors in trading/exchanges.
PRODUCTS = (
    "trading/copytrade",
    "trading/alpha",
    "trading/futures",
    "trading/futures_trading",
    "trading/streams",
    "orders",
    "accounts",
    "notifications",
)
SKIP_DIRS = {"migrations", "__pycache__"}

# A venue REST or WebSocket path: Binance /api/v3, /sapi, /fapi, /dapi, /eapi, /papi, /bapi;
# Bitget /api/v2. Fleet's own API is /api/v1 and is not a venue path.
VENUE_PATH = re.compile(r"/(?:api/v[2-9]|[bdefps]api)(?![\w-])")
# The connectors' wire layer: the signed-request object, its call, and the stream's settings.
CONNECTOR_INTERNALS = {"rest", "signed", "heartbeat_interval", "open_session"}
ATTRIBUTE_BUILTINS = {"getattr", "setattr", "hasattr"}

Finding = tuple[int, str]  # (line, what)


def _docstrings(tree: ast.Module) -> set[int]:
    """ids of the docstring nodes: prose may name a venue endpoint; only code must not."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def venue_paths(tree: ast.Module) -> Iterator[Finding]:
    """String literals (f-string parts too) holding a venue path, docstrings excepted."""
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            match = VENUE_PATH.search(node.value)
            if match:
                yield node.lineno, f"venue path {match.group(0)!r} in {node.value[:60]!r}"


def connector_internals(tree: ast.Module) -> Iterator[Finding]:
    """``x.rest``, ``x.signed(…)``, ``x.stream.heartbeat_interval = …``, ``x.open_session()``
    and the same names reached through ``getattr`` / ``setattr`` / ``hasattr``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in CONNECTOR_INTERNALS:
            yield node.lineno, f"connector internal .{node.attr}"
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ATTRIBUTE_BUILTINS
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value in CONNECTOR_INTERNALS
        ):
            yield node.lineno, f"connector internal {node.func.id}(…, {node.args[1].value!r})"


@dataclass(frozen=True)
class Rule:
    packages: tuple[str, ...]
    check: Callable[[ast.Module], Iterator[Finding]]
    why: str


RULES: dict[str, Rule] = {
    "venue-path": Rule(
        PRODUCTS, venue_paths, "products call connector methods; paths live in trading/exchanges"
    ),
    "connector-internals": Rule(
        PRODUCTS,
        connector_internals,
        "products call named connector methods, not the signed-request layer or stream settings",
    ),
}


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    rule: str
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: [{self.rule}] {self.what}"


def modules(root: Path, package: str) -> Iterator[Path]:
    for path in sorted((root / package).rglob("*.py")):
        if not SKIP_DIRS.intersection(path.relative_to(root).parts):
            yield path


def violations(root: Path = ROOT, rules: dict[str, Rule] = RULES) -> list[Violation]:
    """Every violation of ``rules`` under ``root``, in path and line order."""
    found = []
    for name, rule in rules.items():
        for package in rule.packages:
            for path in modules(root, package):
                tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
                rel = path.relative_to(root).as_posix()
                found += [Violation(rel, line, name, what) for line, what in rule.check(tree)]
    return sorted(found, key=lambda v: (v.path, v.line, v.rule))


def main(root: Path = ROOT) -> int:
    found = violations(root)
    for violation in found:
        print(violation)
    if found:
        why = {v.rule: RULES[v.rule].why for v in found}
        print("\n".join(f"{rule}: {text}" for rule, text in why.items()), file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
