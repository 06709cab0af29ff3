"""Writes of spot copy trading: followers, the leader, global start/stop, recording leader events
and dispatching their fan-out (one task per chunk of followers). Views, admin, tasks and the
watcher call these."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import ExchangeCredential
from kernel.refusals import Refused
from kernel.runtime_config import config_get, config_set, config_stored
from trading.copytrade import notices, tasks
from trading.copytrade.choices import FollowerState
from trading.copytrade.core.leader_events import LeaderOrder
from trading.copytrade.core.sizing import copy_ratio
from trading.copytrade.errors import FOLLOWER_DISABLED, FOLLOWER_PENDING
from trading.copytrade.models import Follower, Leader, LeaderEvent
from trading.copytrade.services import balances, fanout_lease, venues
from trading.exchanges import loop
from trading.exchanges.errors import AuthError, ExchangeError

MAX_EVENT_AGE_S = 120  # a fill recovered later than this is recorded but not copied


# --- followers ------------------------------------------------------------------------------------
def follower_create(
    *,
    name: str,
    venue: str,
    environment: str,
    api_key: str,
    api_secret: str,
    passphrase: str = "",
    state: str = FollowerState.ACTIVE,
) -> Follower:
    """A new follower with its encrypted credential, ACTIVE unless told otherwise (seeds, benches
    and tests whose keys are known good; people add followers through ``follower_add``)."""
    with transaction.atomic():
        cred = ExchangeCredential.objects.create(
            label=name,
            venue=venue,
            environment=environment,
            api_key=api_key,
            api_secret=api_secret,
            passphrase=passphrase,
        )
        return Follower.objects.create(name=name, credential=cred, state=state)


def follower_add(
    *,
    name: str,
    venue: str,
    environment: str,
    api_key: str,
    api_secret: str,
    passphrase: str = "",
) -> Follower:
    """What a person adding a follower gets: a PENDING follower (not copied yet) whose keys are
    checked against its venue right after the commit (``copytrade.verify_follower``); good keys
    make it ACTIVE (跟单中), refused keys DISABLED with the venue's reason."""
    from trading.copytrade.tasks import verify_follower

    follower = follower_create(
        name=name,
        venue=venue,
        environment=environment,
        api_key=api_key,
        api_secret=api_secret,
        passphrase=passphrase,
        state=FollowerState.PENDING,
    )
    transaction.on_commit(lambda: verify_follower.delay(follower.pk))
    return follower


def follower_update(*, follower: Follower, **fields: str) -> Follower:
    """Change name / venue / environment / keys; new keys clear the last error."""
    cred = follower.credential
    if "name" in fields:
        follower.name = cred.label = fields.pop("name")
    for attr in ("venue", "environment", "api_key", "api_secret", "passphrase"):
        if attr in fields:
            setattr(cred, attr, fields[attr])
    with transaction.atomic():
        cred.save()
        if {"api_key", "api_secret", "passphrase"} & fields.keys():
            follower.last_error = ""
        follower.save()
    venues.forget(cred.pk)
    return follower


def follower_set_state(*, follower: Follower, state: str, error: str | None = None) -> Follower:
    """Pause / resume / disable. Resuming a DISABLED or PENDING follower is refused until its keys
    verify."""
    if state == FollowerState.ACTIVE and follower.state == FollowerState.DISABLED:
        raise Refused(FOLLOWER_DISABLED)
    if state == FollowerState.ACTIVE and follower.state == FollowerState.PENDING:
        raise Refused(FOLLOWER_PENDING)
    follower.state = state
    fields = ["state", "updated_at"]
    if error is not None:
        follower.last_error = error
        fields.append("last_error")
    follower.save(update_fields=fields)
    return follower


def follower_delete(*, follower: Follower) -> None:
    """Delete the follower, its executions and its credential."""
    cred = follower.credential
    with transaction.atomic():
        follower.delete()
        cred.delete()
    balances.balance_forget(follower.pk)
    venues.forget(cred.pk)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    free_usdt: Decimal | None = None
    free_btc: Decimal | None = None
    error: str = ""


def follower_verify(*, follower: Follower) -> VerifyResult:
    """Check the keys by reading balances; bad keys DISABLE the follower with a clear error,
    good keys clear the error, re-enable a DISABLED follower as PAUSED and start a new (PENDING)
    one copying (ACTIVE). Other venue trouble leaves the state as it is, with the error."""
    client = venues.venue_for(follower.credential)
    try:
        found = loop.run(client.balances(), timeout=20)
    except AuthError as exc:
        was_disabled = follower.state == FollowerState.DISABLED
        with transaction.atomic():
            follower_set_state(follower=follower, state=FollowerState.DISABLED, error=str(exc))
            if not was_disabled:
                notices.follower_disabled(
                    follower_id=follower.pk,
                    name=follower.name,
                    venue=follower.venue,
                    error=str(exc),
                    cause=f"verify{int(time.time() * 1000)}",
                )
        return VerifyResult(False, error=str(exc))
    except ExchangeError as exc:
        Follower.objects.filter(pk=follower.pk).update(last_error=str(exc))
        return VerifyResult(False, error=str(exc))
    usdt, btc = (found[a].free if a in found else Decimal(0) for a in ("USDT", "BTC"))
    balances.balance_store(follower.pk, usdt, btc)
    if follower.state == FollowerState.DISABLED:
        follower.state = FollowerState.PAUSED
    elif follower.state == FollowerState.PENDING:
        follower.state = FollowerState.ACTIVE
    follower.last_error = ""
    follower.save(update_fields=["state", "last_error", "updated_at"])
    return VerifyResult(True, usdt, btc)


# --- leader and global switch ---------------------------------------------------------------------
def leader_set(*, environment: str, api_key: str, api_secret: str, label: str = "leader") -> Leader:
    """Set or replace THE leader (Binance): the previous one is deactivated, not deleted (its
    events keep their history)."""
    with transaction.atomic():
        Leader.objects.select_for_update().filter(is_active=True).update(is_active=False)
        cred = ExchangeCredential.objects.create(
            label=label,
            venue="binance",
            environment=environment,
            api_key=api_key,
            api_secret=api_secret,
        )
        return Leader.objects.create(credential=cred, is_active=True)


def copy_set_running(*, running: bool) -> bool:
    """Global start / stop: stops dispatching new copies; connections and streams stay up.
    Operators are notified when the switch actually changes."""
    with transaction.atomic():
        was = config_stored("copy_running")
        config_set("copy_running", "true" if running else "false")
        if was != running:
            notices.running_changed(running=running)
    return running


def copy_is_running() -> bool:
    return bool(config_get("copy_running"))


# --- leader events --------------------------------------------------------------------------------
def leader_event_record(
    *,
    leader: Leader,
    order: LeaderOrder,
    balance_before: Decimal,
    balance_source: str,
    received_ms: int | None = None,
) -> LeaderEvent | None:
    """Record a completed leader market order once (unique order id) and, if copying is running,
    hand it to the fan-out after commit. Returns ``None`` for a duplicate (replay, reconnect)."""
    received_ms = received_ms or int(time.time() * 1000)
    reason = _not_copied_reason(order, received_ms)
    try:
        with transaction.atomic():
            event = LeaderEvent.objects.create(
                leader=leader,
                leader_order_id=order.order_id,
                side=order.side,
                filled_base=order.base,
                filled_quote=order.quote,
                balance_before=balance_before,
                balance_source=balance_source,
                ratio=copy_ratio(order.filled, balance_before),
                price=(order.quote / order.base).quantize(Decimal("1E-8")),
                filled_at=order.event_time,
                received_at=datetime.fromtimestamp(received_ms / 1000, tz=UTC),
                received_ms=received_ms,
                dispatched=not reason,
                not_copied_reason=reason,
            )
            if not reason:
                transaction.on_commit(lambda: _dispatch(event.pk))
    except IntegrityError:
        return None
    return event


def _not_copied_reason(order: LeaderOrder, received_ms: int) -> str:
    if not copy_is_running():
        return "stopped"
    if order.event_time and received_ms / 1000 - order.event_time.timestamp() > MAX_EVENT_AGE_S:
        return "stale"
    return ""


def _dispatch(event_id: int) -> None:
    copy_fanout_dispatch(event_id=event_id)


def copy_fanout_dispatch(*, event_id: int) -> int:
    """Enqueue one ``copytrade.fanout_chunk`` task per chunk of ACTIVE followers (runtime knob
    ``copy_fanout_chunk``, default 100; in eager mode they run right here, one after the other).
    Called after the event's commit. Returns how many chunks were enqueued."""
    ids = list(
        Follower.objects.filter(state=FollowerState.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    size = max(1, int(config_get("copy_fanout_chunk")))
    chunks = [ids[i : i + size] for i in range(0, len(ids), size)]
    fanout_lease.chunks_register(event_id, chunks)
    for chunk in chunks:
        tasks.fanout_chunk.delay(event_id, chunk)
    return len(chunks)


def leader_mark_seen(*, leader: Leader, at: datetime) -> None:
    """Remember the newest leader order time handled (the REST reconcile starts there)."""
    Leader.objects.filter(pk=leader.pk).update(last_seen_order_time=at)
    leader.last_seen_order_time = at


def now() -> datetime:
    return timezone.now()
