"""Input validation of the trader's futures API (outputs are plain dicts built in ``api``)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.choices import Environment
from trading.futures_trading.core.values import Direction, TradeChoice, TradeIntentSpec

PRICE = {"max_digits": 24, "decimal_places": 8, "min_value": Decimal("0.00000001")}


class KeyIn(serializers.Serializer):
    api_key = serializers.CharField(max_length=128, trim_whitespace=True)
    api_secret = serializers.CharField(max_length=128, trim_whitespace=True)
    environment = serializers.ChoiceField(
        choices=[Environment.TEST, Environment.PROD, Environment.SIM], default=Environment.TEST
    )


SIGNAL_REFUSALS = {
    "signal_unknown": _("没有这个信号"),
    "signal_mismatch": _("交易对、方向或止盈止损与信号不一致"),
    "signal_expired": _("信号已过期（持有期已结束或已出结果），不能再据此下单"),
}


class TradeIn(serializers.Serializer):
    """A signal spec (symbol, direction, levels, opaque signal key) and the trader's choice."""

    signal_key = serializers.CharField(max_length=64)
    symbol = serializers.RegexField(r"^[A-Z0-9]{2,20}USDT$")
    direction = serializers.ChoiceField(choices=[d.value for d in Direction])
    entry_ref = serializers.DecimalField(**PRICE)
    take_profit = serializers.DecimalField(required=False, allow_null=True, **PRICE)
    stop_loss = serializers.DecimalField(required=False, allow_null=True, **PRICE)
    margin = serializers.DecimalField(max_digits=20, decimal_places=2, min_value=Decimal("1"))
    leverage = serializers.IntegerField(min_value=1, max_value=125)
    trailing_callback_pct = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal("0.1"), max_value=Decimal("10"),
        required=False, allow_null=True,
    )  # fmt: skip
    trailing_activation = serializers.DecimalField(required=False, allow_null=True, **PRICE)

    def validate(self, attrs: dict) -> dict:
        """A trade named after a signal (``signal:<id>``) must be that open signal's own levels."""
        from trading.futures_trading.from_signal import signal_refusal

        code = signal_refusal(
            signal_key=attrs["signal_key"], symbol=attrs["symbol"], direction=attrs["direction"],
            take_profit=attrs.get("take_profit"), stop_loss=attrs.get("stop_loss"),
        )  # fmt: skip
        if code is not None:
            raise serializers.ValidationError({"signal_key": [SIGNAL_REFUSALS[code]]}, code=code)
        return attrs

    def spec(self) -> TradeIntentSpec:
        d = self.validated_data
        return TradeIntentSpec(
            symbol=d["symbol"], direction=Direction(d["direction"]), entry_ref=d["entry_ref"],
            take_profit=d.get("take_profit"), stop_loss=d.get("stop_loss"),
            signal_key=d["signal_key"],
        )  # fmt: skip

    def choice(self) -> TradeChoice:
        d = self.validated_data
        return TradeChoice(
            margin=d["margin"], leverage=d["leverage"],
            trailing_callback_pct=d.get("trailing_callback_pct"),
            trailing_activation=d.get("trailing_activation"),
        )  # fmt: skip


class AnyOut(serializers.Serializer):
    """Documentation placeholder: the reply is the JSON object described in docs/futures.md."""
