"""Celery tasks of the Alpha bot (thin: each runs one machine command or one timer).

Late acknowledgement is global: a task whose worker dies is delivered again; every runner checks
the bot's phase and cycle under its row lock and a placement that was already sent is looked up,
never re-sent (see ``commands``).
"""

from __future__ import annotations

from decimal import Decimal

from celery import shared_task

from trading.alpha.core import machine as m


def run_command_later(bot_id: int, command: object) -> None:
    """Enqueue ``command`` (called after the transaction that decided it committed)."""
    from trading.alpha.services.progress import VenueRefresh

    if isinstance(command, m.PlacePair):
        place_pair.delay(bot_id, command.cycle)
    elif isinstance(command, m.CancelLegs):
        cancel_legs.delay(bot_id, command.cycle, list(command.order_ids))
    elif isinstance(command, m.SellLeftover):
        sell_leftover.delay(bot_id, command.cycle, str(command.qty))
    elif isinstance(command, m.Reconcile):
        reconcile.delay(bot_id, command.cycle)
    elif isinstance(command, m.CheckProgress):
        check_progress.delay(bot_id, command.cycle)
    elif isinstance(command, VenueRefresh):
        venue_refresh.delay(bot_id, command.cycle)
    else:  # NotifyPaused never leaves the transaction that decided it
        raise TypeError(f"not a task command: {command!r}")


def _run(bot_id: int, command: m.Command) -> None:
    from trading.alpha.services import commands

    commands.run(bot_id, command)


@shared_task(name="alpha.place_pair", ignore_result=True)
def place_pair(bot_id: int, cycle: int) -> None:
    _run(bot_id, m.PlacePair(cycle))


@shared_task(name="alpha.cancel_legs", ignore_result=True)
def cancel_legs(bot_id: int, cycle: int, order_ids: list[str]) -> None:
    _run(bot_id, m.CancelLegs(cycle, tuple(order_ids)))


@shared_task(name="alpha.sell_leftover", ignore_result=True)
def sell_leftover(bot_id: int, cycle: int, qty: str) -> None:
    _run(bot_id, m.SellLeftover(cycle, Decimal(qty)))


@shared_task(name="alpha.reconcile", ignore_result=True)
def reconcile(bot_id: int, cycle: int) -> None:
    _run(bot_id, m.Reconcile(cycle))


@shared_task(name="alpha.check_progress", ignore_result=True)
def check_progress(bot_id: int, cycle: int) -> None:
    _run(bot_id, m.CheckProgress(cycle))


@shared_task(name="alpha.venue_refresh", ignore_result=True)
def venue_refresh(bot_id: int, cycle: int) -> None:
    from trading.alpha.services.progress import VenueRefresh

    _run(bot_id, VenueRefresh(cycle))  # type: ignore[arg-type]


@shared_task(name="alpha.timers", ignore_result=True)
def timers() -> dict[str, int]:
    """Beat (every 5 s): timeouts and expired sessions."""
    from trading.alpha.services import timers as t

    return t.tick()


@shared_task(name="alpha.refresh_tokens", ignore_result=True)
def refresh_tokens() -> dict[str, int]:
    """Beat (every 24 h): the token catalogue of every environment a credential uses."""
    from trading.alpha.models import AlphaCredential
    from trading.alpha.services.catalogue import tokens_refresh

    envs = set(AlphaCredential.objects.values_list("env", flat=True))
    return {env: tokens_refresh(env=env) for env in sorted(envs)}
