"""The trader's futures API under ``/api/v1/futures/`` (client token): key, trade preview and
the one click, trades, manual close, positions, PnL, statements. Thin: validate, call a service
or selector, shape the JSON. Every refusal is ``{code, message, detail}``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Trader
from accounts.serializers import ErrorOut
from kernel.refusals import INVALID_INPUT, Refused
from trading.exchanges.errors import ExchangeError
from trading.futures_trading import selectors
from trading.futures_trading.core.profit_share import period_start
from trading.futures_trading.core.sizing import margin_needed, worst_case_loss
from trading.futures_trading.errors import (
    NO_FUTURES_KEY,
    TRADE_NOT_FOUND,
    VENUE_ERROR,
)
from trading.futures_trading.models import FuturesAccount, Statement, TradeIntent
from trading.futures_trading.serializers import AnyOut, KeyIn, TradeIn
from trading.futures_trading.services import trades as services
from trading.futures_trading.services.marks import mark_prices
from trading.futures_trading.services.precheck import risk_checks
from trading.futures_trading.services.statements import statement_compute

TAG = ["futures"]
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 502: ErrorOut}


def _trader(request) -> Trader:  # type: ignore[no-untyped-def]
    return Trader.objects.get(pk=request.user.trader_id)


def _account(trader: Trader) -> FuturesAccount:
    account = FuturesAccount.objects.filter(trader=trader).select_related("credential").first()
    if account is None:
        raise Refused(NO_FUTURES_KEY)
    return account


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


def _money(value: Decimal | None, places: str = "0.01") -> str | None:
    return str(value.quantize(Decimal(places))) if value is not None else None


def _valid(serializer_class, request):  # type: ignore[no-untyped-def]
    s = serializer_class(data=request.data)
    if not s.is_valid():
        raise Refused(INVALID_INPUT, s.errors)
    return s


def account_payload(account: FuturesAccount) -> dict[str, Any]:
    return {
        "api_key_masked": account.credential.api_key_masked,
        "environment": account.credential.environment, "hedge_mode": account.hedge_mode,
        "multi_assets": account.multi_assets, "wallet": _money(account.wallet),
        "available": _money(account.available), "checked_at": account.checked_at,
        "check_error": account.check_error,
    }  # fmt: skip


def intent_payload(i: TradeIntent) -> dict[str, Any]:
    return {
        "id": i.pk, "signal_key": i.signal_key, "symbol": i.symbol, "direction": i.direction,
        "state": i.state, "state_label": i.get_state_display(), "leverage": i.leverage,
        "margin": _money(i.margin), "quantity": str(i.filled_qty or i.quantity),
        "entry_price": str(i.entry_price), "take_profit": str(i.take_profit or ""),
        "stop_loss": str(i.stop_loss or ""), "error": i.error, "close_reason": i.close_reason,
        "close_price": str(i.close_price), "clicked_at": i.clicked_at, "entry_at": i.entry_at,
        "closed_at": i.closed_at,
        "legs": [{"kind": leg.kind, "state": leg.state, "trigger": str(leg.trigger_price or "")}
                 for leg in i.legs.all()],
    }  # fmt: skip


class KeyView(APIView):
    @extend_schema(tags=TAG, operation_id="futures_key_get", responses={200: AnyOut, **ERRORS})
    def get(self, request):  # type: ignore[no-untyped-def]
        return Response(account_payload(_account(_trader(request))))

    @extend_schema(tags=TAG, operation_id="futures_key_set", request=KeyIn,
                   responses={200: AnyOut, **ERRORS})  # fmt: skip
    def put(self, request):  # type: ignore[no-untyped-def]
        d = _valid(KeyIn, request).validated_data
        account, check = services.futures_key_set(trader=_trader(request), **d)
        return Response({**account_payload(account), "ok": check.ok, "error": check.error})


class KeyTestView(APIView):
    @extend_schema(tags=TAG, operation_id="futures_key_test", request=None,
                   responses={200: AnyOut, **ERRORS})  # fmt: skip
    def post(self, request):  # type: ignore[no-untyped-def]
        account = _account(_trader(request))
        check = services.futures_key_test(account=account)
        return Response({**account_payload(account), "ok": check.ok, "error": check.error,
                         "can_withdraw": check.can_withdraw})  # fmt: skip


class PreviewView(APIView):
    """What the confirmation dialog shows: size, margin, worst-case loss, every risk check."""

    @extend_schema(tags=TAG, operation_id="futures_trade_preview", request=TradeIn,
                   responses={200: AnyOut, **ERRORS})  # fmt: skip
    def post(self, request):  # type: ignore[no-untyped-def]
        s = _valid(TradeIn, request)
        trader = _trader(request)
        account = _account(trader)
        spec, choice = s.spec(), s.choice()
        draft = TradeIntent(
            trader=trader, signal_key=spec.signal_key, symbol=spec.symbol,
            direction=spec.direction.value, entry_ref=spec.entry_ref, take_profit=spec.take_profit,
            stop_loss=spec.stop_loss, margin=choice.margin, leverage=choice.leverage,
            share_ratio=selectors.share_ratio_at(timezone.now()),
        )  # fmt: skip
        try:
            checked = risk_checks(draft, account)
        except ExchangeError as exc:
            raise Refused(VENUE_ERROR, reason=exc) from None
        lang = _lang()
        notional = checked.quantity * checked.price
        loss = (worst_case_loss(checked.quantity, checked.price, spec.stop_loss)
                if spec.stop_loss else None)  # fmt: skip
        return Response({
            "symbol": spec.symbol, "direction": spec.direction.value, "price": str(checked.price),
            "quantity": str(checked.quantity), "notional": _money(notional),
            "leverage": choice.leverage, "margin": _money(margin_needed(notional, choice.leverage)),
            "take_profit": str(spec.take_profit or ""), "stop_loss": str(spec.stop_loss or ""),
            "worst_case_loss": _money(loss), "ok": not checked.refusals,
            "checks": [{"rule": c.rule, "ok": c.ok, "text": c.text(lang)} for c in checked.checks],
        })  # fmt: skip


class TradesView(APIView):
    @extend_schema(tags=TAG, operation_id="futures_trades_list", responses={200: AnyOut, **ERRORS})
    def get(self, request):  # type: ignore[no-untyped-def]
        trader = _trader(request)
        rows = selectors.pnl_by_trade(trader)
        by_id = {r["intent"].pk: r for r in rows}
        intents = TradeIntent.objects.filter(trader=trader).prefetch_related("legs")[:200]
        out = []
        for i in intents:
            pnl = by_id.get(i.pk)
            item = intent_payload(i)
            if pnl:
                item.update(
                    {k: _money(pnl[k], "0.0001") for k in ("gross", "fees", "funding", "net")}
                )
            out.append(item)
        return Response({"trades": out})

    @extend_schema(tags=TAG, operation_id="futures_trade_open", request=TradeIn,
                   responses={201: AnyOut, **ERRORS})  # fmt: skip
    def post(self, request):  # type: ignore[no-untyped-def]
        s = _valid(TradeIn, request)
        trader = _trader(request)
        _account(trader)
        try:
            intent = services.trade_open_now(trader=trader, spec=s.spec(), choice=s.choice())
        except ExchangeError as exc:
            raise Refused(VENUE_ERROR, reason=exc) from None
        return Response(intent_payload(intent), status=201)


class TradeCloseView(APIView):
    @extend_schema(tags=TAG, operation_id="futures_trade_close", request=None,
                   responses={200: AnyOut, **ERRORS})  # fmt: skip
    def post(self, request, pk: int):  # type: ignore[no-untyped-def]
        intent = TradeIntent.objects.filter(pk=pk, trader_id=request.user.trader_id).first()
        if intent is None:
            raise Refused(TRADE_NOT_FOUND)
        try:
            intent = services.trade_close(intent=intent)
        except ExchangeError as exc:
            raise Refused(VENUE_ERROR, reason=exc) from None
        return Response(intent_payload(intent))


class PositionsView(APIView):
    """Open positions with unrealized PnL at the current mark price (live, not the last sync)."""

    @extend_schema(tags=TAG, operation_id="futures_positions", responses={200: AnyOut, **ERRORS})
    def get(self, request):  # type: ignore[no-untyped-def]
        trader = _trader(request)
        rows = list(trader.futures_positions.all().order_by("symbol"))
        marks = mark_prices(_account(trader).credential, sorted({p.symbol for p in rows}))
        out = []
        for p in rows:
            mark = marks.get(p.symbol, p.mark_price)
            upnl = p.amount * (mark - p.entry_price) if p.symbol in marks else p.unrealized_pnl
            out.append({"symbol": p.symbol, "position_side": p.position_side,
                        "amount": str(p.amount), "entry_price": str(p.entry_price),
                        "mark_price": str(mark), "unrealized_pnl": _money(upnl, "0.0001"),
                        "updated_at": p.updated_at})  # fmt: skip
        return Response({"positions": out})


class PnlView(APIView):
    @extend_schema(tags=TAG, operation_id="futures_pnl", responses={200: AnyOut, **ERRORS})
    def get(self, request):  # type: ignore[no-untyped-def]
        trader = _trader(request)
        totals = selectors.pnl_totals(trader)
        days = selectors.pnl_by_day(trader)
        return Response({
            "totals": {k: _money(v, "0.0001") if isinstance(v, Decimal) else v
                       for k, v in totals.items()},
            "days": [{k: (_money(v, "0.0001") if isinstance(v, Decimal) else v)
                      for k, v in d.items()} for d in days],
        })  # fmt: skip


def statement_payload(s: Statement) -> dict[str, Any]:
    return {
        "id": s.pk, "period_start": s.period_start, "period_end": s.period_end,
        "revision": s.revision, "state": s.state, "gross_pnl": _money(s.gross_pnl, "0.0001"),
        "fees": _money(s.fees, "0.0001"), "funding": _money(s.funding, "0.0001"),
        "net_pnl": _money(s.net_pnl, "0.0001"), "carry_in": _money(s.carry_in, "0.0001"),
        "chargeable": str(s.chargeable), "platform_share": str(s.platform_share),
        "trader_share": str(s.trader_share), "carry_out": _money(s.carry_out, "0.0001"),
        "income_count": s.income_count, "issued_at": s.issued_at,
    }  # fmt: skip


class StatementsView(APIView):
    @extend_schema(tags=TAG, operation_id="futures_statements", responses={200: AnyOut, **ERRORS})
    def get(self, request):  # type: ignore[no-untyped-def]
        from kernel.runtime_config import config_get

        trader = _trader(request)
        issued = Statement.objects.filter(trader=trader)[:100]
        start = period_start(timezone.now(), config_get("futures_settlement_period"))
        current, count = statement_compute(trader, start)
        return Response({
            "statements": [statement_payload(s) for s in issued],
            "current": {"period_start": start, "income_count": count,
                        "net_pnl": _money(current.net_pnl, "0.0001"),
                        "chargeable": str(current.chargeable),
                        "platform_share": str(current.platform_share),
                        "trader_share": str(current.trader_share)},
        })  # fmt: skip
