"""Signal services: decide live signals on closed candles, grade them after their horizon, keep
the scorecards, and the one hook other products attach to when a signal is created."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from kernel.runtime_config import config_get
from notifications.services import notify
from trading.futures import notices, presenters, selectors
from trading.futures.choices import WINDOWS_DAYS, Source
from trading.futures.models import Feed, Scorecard, Signal, SignalOutcome, StrategySetting
from trading.futures.signals import backtest, registry
from trading.futures.signals import grading as pure_grading
from trading.futures.signals.indicators import frame
from trading.futures.signals.scorecard import Score, base_rate, score
from trading.futures.signals.strategies import Signal as Decided
from trading.futures.signals.strategies import build_signal

log = logging.getLogger("fleet.futures.signals")
LIVE_WINDOW = 1000  # candles the live decision sees (indicator warm-up + the model's training)
CATCH_UP = 3  # candles a late run still decides (older ones are history, not signals)


def _dt(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def fee_rate() -> float:
    return float(config_get("signals_fee_bps")) / 10_000


def on_signal_created(signal: Signal) -> None:
    """Called once per new signal, after its transaction committed: logs it and sends the opt-in
    "new signal" notification, with the strategy's measured record, to those who asked for it."""
    log.info("new signal %s (confidence %s)", signal, signal.confidence)
    recipients = notices.opted_in()
    if not recipients:
        return
    notify(
        kind=notices.NEW_SIGNAL.code,
        key=f"signal:{signal.pk}",
        recipients=recipients,
        context=presenters.notice_context(
            signal,
            selectors.scorecards_for([signal]).get(
                (signal.strategy, signal.symbol, signal.interval), {}
            ),
        ),
    )


def signal_create(*, symbol: str, interval: str, decided: Decided) -> Signal | None:
    """Store one decided signal exactly once per (strategy, symbol, interval, decision time)."""
    try:
        with transaction.atomic():
            row = Signal.objects.create(
                symbol=symbol, interval=interval, strategy=decided.strategy,
                decision_time=_dt(decided.decision_time), direction=decided.direction,
                confidence=Decimal(str(decided.confidence)), entry_ref=decided.entry_ref,
                tp=decided.tp, sl=decided.sl, horizon_bars=decided.horizon_bars,
                reason=decided.reason,
            )  # fmt: skip
    except IntegrityError:
        return None  # already decided (a replayed task or a second stream frame)
    transaction.on_commit(lambda: on_signal_created(row))
    return row


def signals_generate(*, feed: Feed, now: datetime | None = None) -> list[Signal]:
    """Decide every enabled strategy on the closed candles of ``feed`` not decided yet."""
    now = now or timezone.now()
    c = selectors.candles(feed.symbol, feed.interval, until=now, last=LIVE_WINDOW)
    if len(c) < 2:
        return []
    f, step_ms = frame(c), c.step_ms
    done_ms = selectors.to_ms(feed.decided_until) if feed.decided_until else 0
    first = max(1, len(c) - CATCH_UP)
    indexes = [i for i in range(first, len(c)) if int(c.open_time[i]) + step_ms > done_ms]
    indexes = [i for i in indexes if _dt(int(c.open_time[i]) + step_ms) <= now]  # closed only
    created: list[Signal] = []
    for name in selectors.strategies_enabled():
        strategy = registry.strategy(name)
        for i in indexes:
            decided = build_signal(strategy, f, i)
            if decided is not None:
                row = signal_create(symbol=feed.symbol, interval=feed.interval, decided=decided)
                created += [row] if row else []
    if indexes:
        Feed.objects.filter(pk=feed.pk).update(
            decided_until=_dt(int(c.open_time[indexes[-1]]) + step_ms)
        )
    return created


def signal_grade(*, signal: Signal, now: datetime | None = None) -> SignalOutcome | None:
    """Grade ``signal`` if its horizon has closed and its candles are complete."""
    now = now or timezone.now()
    one = selectors.step(signal.interval)
    end = signal.decision_time + one * signal.horizon_bars
    if end > now:
        return None
    c = selectors.candles(
        signal.symbol, signal.interval, since=signal.decision_time - one, until=end
    )
    trade = pure_grading.Trade(
        decision_time=selectors.to_ms(signal.decision_time), direction=signal.direction,  # type: ignore[arg-type]
        tp=float(signal.tp), sl=float(signal.sl), horizon=signal.horizon_bars,
        entry_ref=float(signal.entry_ref),
    )  # fmt: skip
    funding = selectors.funding(signal.symbol, since=signal.decision_time, until=end)
    result = pure_grading.grade(c, trade, fee_rate=fee_rate(), funding=funding)
    if not isinstance(result, pure_grading.Graded):
        return None
    outcome, _ = SignalOutcome.objects.get_or_create(
        signal=signal,
        defaults={
            "outcome": result.outcome, "entry": c.price(result.entry),
            "exit_price": c.price(result.exit), "exit_time": _dt(result.exit_time),
            "bars_held": result.bars_held, "r": result.r, "net_r": result.net_r,
            "fees_r": result.fees_r, "funding_r": result.funding_r,
            "mfe_r": result.mfe_r, "mae_r": result.mae_r,
        },
    )  # fmt: skip
    return outcome


def signals_grade(*, now: datetime | None = None) -> int:
    """Grade every signal whose horizon has passed; returns how many were graded now."""
    now = now or timezone.now()
    return sum(signal_grade(signal=s, now=now) is not None for s in selectors.signals_ungraded())


def _store_score(
    *, strategy: str, symbol: str, interval: str, source: str, days: int, card: Score
) -> Scorecard:
    values = card.as_dict()
    row, _ = Scorecard.objects.update_or_create(
        strategy=strategy, symbol=symbol, interval=interval, source=source, window_days=days,
        defaults=values,
    )  # fmt: skip
    return row


def scorecards_update_live(*, feed: Feed, now: datetime | None = None) -> list[Scorecard]:
    """Live scorecards of every strategy on ``feed`` over 7/30/90 days, with their base rates."""
    now = now or timezone.now()
    rows = []
    longest = selectors.candles(
        feed.symbol, feed.interval, since=now - timedelta(days=max(WINDOWS_DAYS)), until=now
    )  # loaded once; the shorter windows are its tail
    for days in WINDOWS_DAYS:
        since = now - timedelta(days=days)
        f = frame(longest.since(selectors.to_ms(since)))
        for name in registry.NAMES:
            graded = _graded_since(feed, name, since)
            longs = sum(g[0] == "LONG" for g in graded)
            geometry = registry.strategy(name).geometry
            base = (
                base_rate(f, geometry, longs=longs, shorts=len(graded) - longs)
                if len(f.candles)
                else None
            )
            card = score([g[1] for g in graded], base)
            rows.append(_store_score(strategy=name, symbol=feed.symbol, interval=feed.interval,
                                     source=Source.LIVE, days=days, card=card))  # fmt: skip
    return rows


def _graded_since(
    feed: Feed, strategy: str, since: datetime
) -> list[tuple[str, pure_grading.Graded]]:
    outcomes = SignalOutcome.objects.filter(
        signal__symbol=feed.symbol, signal__interval=feed.interval, signal__strategy=strategy,
        signal__decision_time__gte=since,
    ).select_related("signal").order_by("signal__decision_time")  # fmt: skip
    return [
        (o.signal.direction, pure_grading.Graded(
            o.outcome, float(o.entry), float(o.exit_price), selectors.to_ms(o.exit_time),  # type: ignore[arg-type]
            o.bars_held, o.r, o.fees_r, o.funding_r, o.mfe_r, o.mae_r,
        ))
        for o in outcomes
    ]  # fmt: skip


def scorecards_update_backtest(*, feed: Feed, now: datetime | None = None) -> list[Scorecard]:
    """Backtested scorecards: the same strategy code over the stored candles of each window."""
    now = now or timezone.now()
    rows = []
    for days in WINDOWS_DAYS:
        c = selectors.candles(
            feed.symbol, feed.interval, since=now - timedelta(days=days), until=now
        )
        funding = selectors.funding(feed.symbol, since=now - timedelta(days=days), until=now)
        runs = backtest.run(c, registry.strategies(), fee_rate=fee_rate(), funding=funding)
        for run in runs:
            rows.append(_store_score(strategy=run.name, symbol=feed.symbol, interval=feed.interval,
                                     source=Source.BACKTEST, days=days, card=run.score))  # fmt: skip
    return rows


def feed_save(*, feed: Feed) -> Feed:
    """Store an edited feed (admin); a changed symbol or interval starts deciding afresh."""
    if feed.pk:
        before = Feed.objects.filter(pk=feed.pk).values_list("symbol", "interval").first()
        if before != (feed.symbol, feed.interval):
            feed.decided_until = None
    feed.save()
    return feed


def strategy_set_enabled(*, name: str, enabled: bool) -> StrategySetting:
    """Switch a strategy's live signals on or off."""
    registry.strategy(name)  # KeyError for an unknown name
    row, _ = StrategySetting.objects.update_or_create(name=name, defaults={"enabled": enabled})
    return row
