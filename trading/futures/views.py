"""Signals for the desktop client under ``/api/v1/futures/`` (trader session token, like every
client endpoint): the latest signals with their strategy's scorecard, and candles for the chart."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.serializers import ErrorOut
from trading.futures import presenters, selectors
from trading.futures.choices import INTERVALS

TAG = ["futures-signals"]
ERRORS = {400: ErrorOut, 401: ErrorOut}


class SignalsQuery(serializers.Serializer):
    symbol = serializers.RegexField(r"^[A-Z0-9]{2,20}$", required=False)
    interval = serializers.ChoiceField(choices=INTERVALS, required=False)
    limit = serializers.IntegerField(min_value=1, max_value=200, default=50)


class KlinesQuery(serializers.Serializer):
    symbol = serializers.RegexField(r"^[A-Z0-9]{2,20}$")
    interval = serializers.ChoiceField(choices=INTERVALS)
    limit = serializers.IntegerField(min_value=10, max_value=1000, default=200)


def _query(serializer_class: type[serializers.Serializer], request) -> dict:
    data = serializer_class(data=request.query_params)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class SignalListView(APIView):
    @extend_schema(
        tags=TAG,
        summary="Latest futures signals, each with its strategy's 30-day scorecard (live and backtest)",
        parameters=[SignalsQuery],
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
    )
    def get(self, request):
        q = _query(SignalsQuery, request)
        rows = selectors.signals_recent(
            symbol=q.get("symbol"), interval=q.get("interval"), limit=q["limit"]
        )
        cards = selectors.scorecards_for(rows)
        return Response({
            "server_time": timezone.now().isoformat(),
            "risk_notice": str(presenters.RISK_NOTICE),
            "signals": [presenters.signal_json(s, cards[(s.strategy, s.symbol, s.interval)]) for s in rows],
        })  # fmt: skip


class KlineListView(APIView):
    @extend_schema(
        tags=TAG,
        summary="Closed candles of one symbol and interval, oldest first: [open_time_ms, o, h, l, c, v]",
        parameters=[KlinesQuery],
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
    )
    def get(self, request):
        q = _query(KlinesQuery, request)
        rows = selectors.klines(q["symbol"], q["interval"], last=q["limit"]).values_list(
            "open_time", "open", "high", "low", "close", "volume"
        )
        return Response({
            "symbol": q["symbol"], "interval": q["interval"],
            "klines": [[selectors.to_ms(t), str(o), str(h), str(lo), str(c), str(v)]
                       for t, o, h, lo, c, v in rows],
        })  # fmt: skip
