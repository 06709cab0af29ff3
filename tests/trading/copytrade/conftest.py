"""Shared fixtures of the copy-trading tests (watcher, fan-out, API). Additive only: each helper
adds its own fixtures below; none changes another's."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from trading.copytrade.services import venues


@pytest.fixture(autouse=True)
def _fresh_venue_clients() -> Iterator[None]:
    """Cached venue clients are bound to an event loop and a sim account: never share them."""
    venues.reset()
    yield
    venues.reset()


@pytest.fixture
def copy_running(db: None) -> bool:
    """The global copy switch turned on (it defaults to off)."""
    from trading.copytrade.services.followers import copy_set_running

    return copy_set_running(running=True)
