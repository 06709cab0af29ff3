"""Every runtime knob (``kernel.runtime_config.KNOBS``) is read by the code: a knob the admin
can edit but nothing reads would let an operator change a number that changes nothing.

"Read" = a ``config_get("<key>")`` call with the key as a string literal in a project Python file
outside the tests (found in the syntax tree). No database needed."""

from __future__ import annotations

import ast
from pathlib import Path

from kernel.runtime_config import KNOBS
from tests.source_tree import top_level_packages

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = sorted(top_level_packages())


def _keys_read() -> set[str]:
    keys = set()
    for folder in SOURCE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", getattr(node.func, "attr", None)) == "config_get"
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                ):
                    keys.add(node.args[0].value)
    return keys


def test_every_knob_is_read_by_the_code():
    assert sorted(set(KNOBS) - _keys_read()) == []


def test_every_key_read_is_declared():
    assert sorted(_keys_read() - set(KNOBS)) == []
