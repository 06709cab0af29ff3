"""Every strategy by name: the three rule-based ones and the walk-forward model."""

from __future__ import annotations

from trading.futures.signals.model import WalkForwardModel
from trading.futures.signals.strategies import RULES, Strategy

MODEL_NAME = "model_gbm"
NAMES: tuple[str, ...] = (*(s.name for s in RULES), MODEL_NAME)


def strategy(name: str) -> Strategy:
    """A fresh instance of the named strategy (``KeyError`` for an unknown name)."""
    if name == MODEL_NAME:
        return WalkForwardModel()
    for rule in RULES:
        if rule.name == name:
            return rule
    raise KeyError(f"unknown strategy {name!r}; known: {', '.join(NAMES)}")


def strategies(names: list[str] | None = None) -> list[Strategy]:
    """The named strategies (all when ``names`` is None or ``["all"]``)."""
    if not names or names == ["all"]:
        names = list(NAMES)
    return [strategy(n) for n in names]
