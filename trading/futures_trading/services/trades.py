"""Writes of futures trading: the trader's futures key, the one click, the manual close.

``trade_open`` records the intent (one per (signal, trader); a replayed or concurrent click
finds the same row) and enqueues ``intent_advance`` after commit; ``trade_open_now`` does the
same and advances at once (the API's synchronous path and the benchmark).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.choices import Environment, Venue
from accounts.models import Trader
from accounts.services import credential_save
from kernel.refusals import Refused
from trading.exchanges.binance_futures.client import FuturesClient
from trading.exchanges.errors import ExchangeError
from trading.futures_trading import selectors
from trading.futures_trading.choices import IntentState
from trading.futures_trading.core.values import TradeChoice, TradeIntentSpec
from trading.futures_trading.errors import BUSY, KEY_CAN_WITHDRAW
from trading.futures_trading.models import FuturesAccount, TradeIntent
from trading.futures_trading.services import venues
from trading.futures_trading.services.closing import close_at_market
from trading.futures_trading.services.execution import claim, intent_advance, release

RETRYABLE = (IntentState.REFUSED, IntentState.FAILED)


@dataclass(frozen=True)
class KeyCheck:
    """What "test connection" found."""

    ok: bool
    wallet: Decimal
    available: Decimal
    hedge: bool
    multi_assets: bool
    can_withdraw: bool | None  # None: the venue does not report it (testnet)
    error: str = ""


async def _probe(client: FuturesClient) -> KeyCheck:
    balances, modes, restrictions = await asyncio.gather(
        client.balances(), client.account_modes(), client.api_restrictions()
    )
    usdt = balances.get("USDT")
    can_withdraw = restrictions.enable_withdrawals if restrictions else None
    return KeyCheck(
        ok=not can_withdraw, wallet=usdt.wallet_balance if usdt else Decimal(0),
        available=usdt.available_balance if usdt else Decimal(0), hedge=modes.hedge,
        multi_assets=modes.multi_assets, can_withdraw=can_withdraw,
        error="key can withdraw" if can_withdraw else "",
    )  # fmt: skip


def futures_key_test(*, account: FuturesAccount) -> KeyCheck:
    """Test connection: balance, account mode, permissions; stores what it read."""
    try:
        check = venues.call(account.credential, _probe)
    except ExchangeError as exc:
        check = KeyCheck(False, Decimal(0), Decimal(0), False, False, None, str(exc)[:255])
    account.checked_at = timezone.now()
    account.check_error = check.error
    if check.error == "" or check.can_withdraw:
        account.wallet, account.available = check.wallet, check.available
        account.hedge_mode, account.multi_assets = check.hedge, check.multi_assets
    account.save()
    return check


@transaction.atomic
def futures_key_set(
    *, trader: Trader, api_key: str, api_secret: str, environment: str = Environment.TEST
) -> tuple[FuturesAccount, KeyCheck]:
    """Store (or replace) the trader's futures key — testnet by default — and test it; a key
    that can withdraw is refused and not kept."""
    account = FuturesAccount.objects.filter(trader=trader).select_related("credential").first()
    cred = credential_save(
        credential=account.credential if account else None, label=f"futures:{trader.username}",
        venue=Venue.BINANCE, environment=environment, owner=trader, api_key=api_key,
        api_secret=api_secret,
    )  # fmt: skip
    account = account or FuturesAccount.objects.create(trader=trader, credential=cred)
    account.credential = cred
    check = futures_key_test(account=account)
    if check.can_withdraw:
        transaction.set_rollback(True)
        raise Refused(KEY_CAN_WITHDRAW)
    return account, check


def trade_record(*, trader: Trader, spec: TradeIntentSpec, choice: TradeChoice) -> TradeIntent:
    """The intent of one click, recorded once per (signal, trader). A refused or failed one
    (nothing executed) is re-armed with the new choice; any other is returned unchanged."""
    fields = {
        "symbol": spec.symbol, "direction": spec.direction.value, "entry_ref": spec.entry_ref,
        "take_profit": spec.take_profit, "stop_loss": spec.stop_loss, "margin": choice.margin,
        "leverage": choice.leverage, "trailing_callback_pct": choice.trailing_callback_pct,
        "trailing_activation": choice.trailing_activation,
        "share_ratio": selectors.share_ratio_at(timezone.now()),
    }  # fmt: skip
    try:
        with transaction.atomic():
            return TradeIntent.objects.create(trader=trader, signal_key=spec.signal_key, **fields)
    except IntegrityError:
        pass
    with transaction.atomic():
        intent = TradeIntent.objects.select_for_update().get(
            trader=trader, signal_key=spec.signal_key
        )
        if intent.state in RETRYABLE and not intent.filled_qty:
            for name, value in fields.items():
                setattr(intent, name, value)
            intent.state, intent.error = IntentState.RECORDED, ""
            intent.save()
        return intent


def trade_open(*, trader: Trader, spec: TradeIntentSpec, choice: TradeChoice) -> TradeIntent:
    """Record the click and let a worker drive it (``futures.advance`` after commit)."""
    from trading.futures_trading.tasks import advance

    intent = trade_record(trader=trader, spec=spec, choice=choice)
    if intent.state == IntentState.RECORDED:
        transaction.on_commit(lambda: advance.delay(intent.pk))
    return intent


def trade_open_now(*, trader: Trader, spec: TradeIntentSpec, choice: TradeChoice) -> TradeIntent:
    """Record the click and drive it here and now (a concurrent duplicate waits on the lease)."""
    intent = trade_record(trader=trader, spec=spec, choice=choice)
    if intent.state in (IntentState.RECORDED, IntentState.ENTRY_SENT, IntentState.ENTRY_FILLED):
        intent = intent_advance(intent.pk)
    return intent


def trade_close(*, intent: TradeIntent, wait_s: float = 5.0) -> TradeIntent:
    """The trader closes the position: reduce-only MARKET, then the legs are cancelled. Takes the
    intent's lease first, so it never races a worker still placing the legs."""
    deadline = time.monotonic() + wait_s
    while not claim(intent.pk):
        if time.monotonic() > deadline:
            raise Refused(BUSY)
        time.sleep(0.1)
    try:
        intent.refresh_from_db()
        if intent.state in (IntentState.ENTRY_FILLED, IntentState.PROTECTED, IntentState.CLOSING):
            close_at_market(intent, manual=True)
    finally:
        release(intent.pk)
    return intent
