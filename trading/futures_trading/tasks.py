"""Celery tasks of futures trading (thin: each calls one function)."""

from __future__ import annotations

import logging

from celery import shared_task

from trading.exchanges.errors import ExchangeError
from trading.futures_trading.models import FuturesAccount
from trading.futures_trading.services.execution import intent_advance
from trading.futures_trading.services.repair import repair_once
from trading.futures_trading.services.statements import statements_issue_due
from trading.futures_trading.services.sync import account_sync

log = logging.getLogger("fleet.futures")


@shared_task(name="futures.advance", ignore_result=True)
def advance(intent_id: int) -> None:
    """Drive one clicked intent (idempotent: a redelivery finds it advanced or leased)."""
    intent_advance(intent_id)


@shared_task(name="futures.repair", ignore_result=True)
def repair() -> dict[str, int]:
    """Beat: finish half-done intents, check every protected position still has its stop."""
    return repair_once()


@shared_task(name="futures.sync", ignore_result=True)
def sync() -> int:
    """Beat: REST sync of fills, income and positions for every futures account."""
    done = 0
    for account in FuturesAccount.objects.select_related("credential", "trader"):
        try:
            account_sync(account)
            done += 1
        except ExchangeError as exc:
            log.warning("futures sync of %s failed: %s", account.trader, exc)
    return done


@shared_task(name="futures.statements", ignore_result=True)
def statements() -> int:
    """Beat: issue the statements of the settlement period that just ended."""
    return statements_issue_due()
