"""Helpers of the operator-surface tests (API, admin, demo): operators and ready-made leader
events with executions, built through services where one exists."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import Permission

from trading.copytrade.choices import ExecutionStatus
from trading.copytrade.models import CopyExecution, Follower, Leader, LeaderEvent
from trading.copytrade.services import followers as services

PASSWORD = "op-pass-123456"


def make_operator(django_user_model, username: str = "op1", *, perm: bool = True, staff=True):
    user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=staff)
    if perm:
        user.user_permissions.add(
            Permission.objects.get(codename="operate", content_type__app_label="copytrade")
        )
    return user


def make_follower(name: str = "f1", venue: str = "binance", **kw) -> Follower:
    return services.follower_create(
        name=name,
        venue=venue,
        environment=kw.pop("environment", "sim"),
        api_key=kw.pop("api_key", f"key-{name}-0123456789"),
        api_secret=kw.pop("api_secret", f"secret-{name}"),
        passphrase=kw.pop("passphrase", "pp" if venue == "bitget" else ""),
    )


def make_leader() -> Leader:
    return services.leader_set(environment="sim", api_key="leader-key-0123456", api_secret="s")


def make_event(
    leader: Leader,
    order_id: str,
    results: dict[Follower, tuple[str, int | None]],
    *,
    side: str = "BUY",
    ratio: str = "0.1",
) -> LeaderEvent:
    """A leader event and one execution per follower: ``{follower: (status, latency_ms)}``."""
    event = LeaderEvent.objects.create(
        leader=leader,
        leader_order_id=order_id,
        side=side,
        filled_base=Decimal("0.01"),
        filled_quote=Decimal("650"),
        balance_before=Decimal("6500"),
        ratio=Decimal(ratio),
        dispatched=True,
    )
    for follower, (status, latency) in results.items():
        CopyExecution.objects.create(
            event=event,
            follower=follower,
            client_order_id=f"c{event.pk}x{follower.pk}",
            side=side,
            requested=Decimal("10"),
            status=status,
            latency_ms=latency,
            error="boom" if status == ExecutionStatus.FAILED else "",
            skip_reason="below_minimum" if status == ExecutionStatus.SKIPPED else "",
        )
    return event
