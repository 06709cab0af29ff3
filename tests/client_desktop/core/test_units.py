"""The core's pure pieces, by table: pull pacing, journal transitions, binding status."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from client_desktop.core import journal as j
from client_desktop.core.api_client import PulledOrder
from client_desktop.core.binding import Binding, BindingPhase
from client_desktop.core.poller import Pacer
from client_desktop.core.vault import Vault
from trading.exchanges.binance_web.auth import WebSession


# --- pacing -----------------------------------------------------------------------------------
def test_first_pull_has_a_random_phase_within_one_interval():
    phases = [Pacer(rng=random.Random(seed)).first_delay() for seed in range(200)]
    assert all(0 <= p < 1.0 for p in phases)
    assert max(phases) - min(phases) > 0.8  # spread over the second, not bunched


@pytest.mark.parametrize(
    ("failures", "low", "high"),
    [(1, 1.0, 1.1), (2, 2.0, 2.2), (3, 4.0, 4.4), (5, 16.0, 17.6), (6, 30.0, 33.0), (9, 30, 33)],
)
def test_backoff_doubles_up_to_thirty_seconds(failures, low, high):
    pacer = Pacer(rng=random.Random(1))
    delays = [pacer.failed() for _ in range(failures)]
    assert low <= delays[-1] <= high
    assert pacer.down


def test_success_resets_the_backoff_and_jitters_the_interval():
    pacer = Pacer(rng=random.Random(2))
    pacer.failed()
    pacer.failed()
    delay = pacer.next_delay()
    assert 0.9 <= delay <= 1.1 and not pacer.down
    assert 1.0 <= pacer.failed() <= 1.1


# --- journal ----------------------------------------------------------------------------------
def order(order_id: int = 7, **kw) -> PulledOrder:
    values = {
        "id": order_id,
        "symbol": "BTCUSDT",
        "direction": "LONG",
        "time_increment": "TEN_MINUTE",
        "payout_ratio": Decimal("0.80"),
        "amount": Decimal("12"),
        "created_at": "2026-11-22T10:00:00Z",
        "valid_until": "2026-11-22T10:01:00Z",
    }
    values.update(kw)
    return PulledOrder(**values)


@pytest.fixture
def journal(tmp_path):
    book = j.Journal(tmp_path / "journal.sqlite3", "http://s/", trader_id=1)
    yield book
    book.close()


def test_an_order_is_recorded_once(journal):
    first, created = journal.record(order(), Decimal("12"), 100.0)
    again, created_again = journal.record(order(), Decimal("99"), 200.0)
    assert (created, created_again) == (True, False)
    assert first == again and again.state == j.RECEIVED and again.amount == Decimal("12")


def test_entries_are_per_server_and_trader(tmp_path, journal):
    journal.record(order(), Decimal("12"), 100.0)
    other_trader = j.Journal(tmp_path / "journal.sqlite3", "http://s", trader_id=2)
    other_server = j.Journal(tmp_path / "journal.sqlite3", "http://t", trader_id=1)
    assert other_trader.get(7) is None and other_server.get(7) is None
    assert j.Journal(tmp_path / "journal.sqlite3", "http://s", trader_id=1).get(7) is not None


def test_life_of_an_entry_and_its_report(journal):
    journal.record(order(), Decimal("12"), 100.0)
    assert journal.mark_sending(7, 101.0).state == j.PLACING
    assert journal.mark_unknown(7, "reset").state == j.UNKNOWN
    done = journal.finish(7, j.PLACED, 102.0, binance_order_id="B1", latency_ms=35)
    assert done.final and journal.owned_binance_ids() == {"B1"}
    assert [e.order_id for e in journal.unreported_final()] == [7]
    assert done.report_body() == {
        "outcome": "placed",
        "binance_order_id": "B1",
        "error_code": "",
        "error_message": "",  # the "unknown" note is cleared once the outcome is known
        "amount": "12",
        "latency_ms": 35,
    }
    journal.mark_reported(7, 103.0)
    assert journal.recover_work() == [] and journal.unreported_final() == []
    [view] = journal.rows()
    assert (view.order_id, view.state, view.binance_order_id) == (7, j.PLACED, "B1")


def test_only_final_states_finish(journal):
    journal.record(order(), Decimal("12"), 100.0)
    with pytest.raises(ValueError):
        journal.finish(7, j.PLACING, 1.0)


def test_recover_work_is_everything_unreported_oldest_first(journal):
    for number, at in ((3, 30.0), (1, 10.0), (2, 20.0)):
        journal.record(order(number), Decimal("5"), at)
    journal.finish(2, j.SKIPPED, 21.0)
    journal.mark_reported(2, 22.0)
    assert [e.order_id for e in journal.recover_work()] == [1, 3]
    assert journal.counts_since(15.0) == {j.RECEIVED: 1, j.SKIPPED: 1}


# --- binding status ---------------------------------------------------------------------------
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expiry", "phase", "left"),
    [
        (-1, BindingPhase.BOUND, None),  # Binance gave no expiry: only its answers can end it
        (int((NOW + timedelta(hours=2)).timestamp()), BindingPhase.BOUND, 7200 - 30),
        (int((NOW + timedelta(seconds=31)).timestamp()), BindingPhase.BOUND, 1),
        (int((NOW + timedelta(seconds=30)).timestamp()), BindingPhase.EXPIRED, 0),
        (int((NOW - timedelta(days=1)).timestamp()), BindingPhase.EXPIRED, 0),
    ],
)
def test_binding_status_and_time_left(tmp_path, expiry, phase, left):
    binding = Binding(Vault(tmp_path, "dev"), "amy", now=lambda: NOW)
    assert binding.status().phase is BindingPhase.NONE
    seen = []
    binding.subscribe(seen.append)
    binding.store(WebSession("c", "p", expiry))
    status = binding.status()
    assert status.phase is phase
    assert status.seconds_left == (None if left is None else pytest.approx(left))
    assert (binding.session() is None) == (phase is BindingPhase.EXPIRED)
    assert seen[0].phase is phase


def test_a_stored_binding_that_expired_meanwhile_loads_as_expired(tmp_path):
    vault = Vault(tmp_path, "dev")
    vault.save("amy", WebSession("c", "p", int((NOW - timedelta(seconds=1)).timestamp())))
    binding = Binding(vault, "amy", now=lambda: NOW)
    assert binding.status().phase is BindingPhase.EXPIRED
    assert binding.status().reason == "binance_session_expired"
    assert vault.load("amy") is None


def test_prune_forgets_only_old_reported_entries(journal):
    for number, at in ((1, 10.0), (2, 20.0), (3, 30.0)):
        journal.record(order(number), Decimal("5"), at)
        journal.finish(number, j.PLACED, at + 1)
    journal.mark_reported(1, 12.0)
    journal.mark_reported(3, 32.0)
    assert journal.prune(before=25.0) == 1  # 2 is old but unreported: kept
    assert sorted(v.order_id for v in journal.rows()) == [2, 3]
