"""Loaders for the shared outside-truth fixtures in tests/fixtures (read-only copies of captured venue traffic)."""

import json
from functools import cache
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@cache
def load(relative: str) -> Any:
    return json.loads((FIXTURES / relative).read_text())


def signatures() -> dict[str, Any]:
    return load("signatures.json")


def vector(venue: str, vector_id: str) -> dict[str, Any]:
    return next(v for v in signatures()[venue]["vectors"] if v["id"] == vector_id)


def ccxt_case(name: str, description: str) -> dict[str, Any]:
    return next(c for c in load(f"ccxt/{name}")["cases"] if c["description"] == description)
