"""Input validation and output shapes of the copy-trading operator API (docs/products.md
copy-trading §5). Secrets are write-only: outputs carry only the masked API key and whether a
passphrase is set. Money is a decimal string (never a float). The output serializers are the one
description of each shape: they read the models and selector rows themselves (``source``), the
views hand them the objects."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from rest_framework import serializers

from trading.exchanges.environments import endpoints
from trading.exchanges.venue_errors import explain, explain_text

EXCHANGES = ("binance", "bitget")
ENVIRONMENTS = ("prod", "test", "demo", "sim")
CONNECTOR = {"binance": "binance_spot", "bitget": "bitget"}
MONEY = {"max_digits": 28, "decimal_places": 12, "coerce_to_string": True}


def env_supported(exchange: str, env: str) -> bool:
    """Whether Fleet has endpoints for ``exchange`` in ``env`` (Bitget has no testnet)."""
    try:
        endpoints(CONNECTOR[exchange], env)
    except KeyError:
        return False
    return True


def check_pair(exchange: str, env: str, passphrase: str) -> dict[str, list[str]]:
    """Field errors of a (venue, environment, passphrase) combination (empty = fine)."""
    errors: dict[str, list[str]] = {}
    if not env_supported(exchange, env):
        errors["env"] = [f"{exchange} has no {env!r} environment"]
    if exchange == "bitget" and not passphrase:
        said = explain("bitget", "passphrase_missing", lang=get_language())
        errors["passphrase"] = [said.text]
    return errors


# --- inputs ------------------------------------------------------------------------------------
class OperatorLoginIn(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    otp_token = serializers.CharField(
        max_length=16, required=False, allow_blank=True, default="", help_text="TOTP code"
    )


class FollowerIn(serializers.Serializer):
    name = serializers.CharField(max_length=64)
    exchange = serializers.ChoiceField(choices=EXCHANGES)
    env = serializers.ChoiceField(choices=ENVIRONMENTS)
    api_key = serializers.CharField(max_length=256, write_only=True)
    api_secret = serializers.CharField(max_length=512, write_only=True)
    passphrase = serializers.CharField(
        max_length=128, write_only=True, required=False, allow_blank=True, default=""
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors = check_pair(attrs["exchange"], attrs["env"], attrs.get("passphrase", ""))
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class FollowerPatchIn(serializers.Serializer):
    """Every field optional; the merged result is checked like a new follower."""

    name = serializers.CharField(max_length=64, required=False)
    exchange = serializers.ChoiceField(choices=EXCHANGES, required=False)
    env = serializers.ChoiceField(choices=ENVIRONMENTS, required=False)
    api_key = serializers.CharField(max_length=256, write_only=True, required=False)
    api_secret = serializers.CharField(max_length=512, write_only=True, required=False)
    passphrase = serializers.CharField(
        max_length=128, write_only=True, required=False, allow_blank=True
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError({"non_field_errors": ["nothing to change"]})
        return attrs


class LeaderIn(serializers.Serializer):
    exchange = serializers.ChoiceField(choices=EXCHANGES, default="binance")
    env = serializers.ChoiceField(choices=ENVIRONMENTS)
    api_key = serializers.CharField(max_length=256, write_only=True)
    api_secret = serializers.CharField(max_length=512, write_only=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors = check_pair(attrs["exchange"], attrs["env"], "")
        if attrs["exchange"] != "binance":
            errors["exchange"] = ["the leader must be a Binance account"]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


# --- outputs -----------------------------------------------------------------------------------
def error_words(raw: str) -> str:
    """A stored venue error in the caller's language (``Accept-Language``) from the one catalogue
    (``trading.exchanges.venue_errors``); the raw ``[venue code] message`` stays in its own field."""
    return explain_text(raw, get_language()).text if raw else ""


class ErrorWordsField(serializers.CharField):
    """A stored ``[venue code] message`` shown as words in the asked language."""

    def to_representation(self, value: str) -> str:
        return error_words(value)


class IsSetField(serializers.BooleanField):
    """Whether a (secret) value is set — never the value."""

    def to_representation(self, value: object) -> bool:
        return bool(value)


class TenthsField(serializers.FloatField):
    """Seconds rounded to a tenth."""

    def to_representation(self, value: float) -> float:
        return round(float(value), 1)


class OperatorLoginOut(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()
    username = serializers.CharField()


# A ``CopyExecution``: the newest copy to one follower.
class LastCopyOut(serializers.Serializer):
    event_id = serializers.IntegerField()
    side = serializers.CharField()
    ratio = serializers.DecimalField(max_digits=16, decimal_places=12, source="event.ratio")
    requested = serializers.DecimalField(**MONEY)
    status = serializers.CharField()
    filled_base = serializers.DecimalField(**MONEY)
    filled_quote = serializers.DecimalField(**MONEY)
    error = serializers.CharField()
    error_text = ErrorWordsField(
        source="error", help_text="the error in words, in the asked language"
    )
    skip_reason = serializers.CharField()
    latency_ms = serializers.IntegerField(allow_null=True)
    at = serializers.DateTimeField(source="updated_at")


# A ``selectors.FollowerRow``: the follower, its cached balance (null: never read) and its newest
# copy.
class FollowerOut(serializers.Serializer):
    id = serializers.IntegerField(source="follower.pk")
    name = serializers.CharField(source="follower.name")
    exchange = serializers.CharField(source="follower.venue")
    env = serializers.CharField(source="follower.environment")
    state = serializers.CharField(source="follower.state")
    api_key_masked = serializers.CharField(source="follower.credential.api_key_masked")
    has_passphrase = IsSetField(source="follower.credential.passphrase")
    # freeUSDT / freeBTC: the field names of docs/products.md copy-trading §5
    freeUSDT = serializers.DecimalField(**MONEY, allow_null=True, source="balance.usdt")
    freeBTC = serializers.DecimalField(**MONEY, allow_null=True, source="balance.btc")
    balance_age_s = TenthsField(allow_null=True, source="balance.age_s")
    last_error = serializers.CharField(
        source="follower.last_error", help_text="raw: [venue code] venue message"
    )
    last_error_text = ErrorWordsField(
        source="follower.last_error", help_text="the same in words, in the asked language"
    )
    last_copy = LastCopyOut(allow_null=True)
    created_at = serializers.DateTimeField(source="follower.created_at")


class FollowerCreatedOut(FollowerOut):
    status = serializers.CharField(help_text="always CREATED (docs/products.md copy-trading §5.1)")


class VerifyOut(serializers.Serializer):
    ok = serializers.BooleanField()
    freeUSDT = serializers.DecimalField(**MONEY, allow_null=True)
    freeBTC = serializers.DecimalField(**MONEY, allow_null=True)
    error = serializers.CharField(allow_blank=True, help_text="raw: [venue code] venue message")
    error_text = ErrorWordsField(
        allow_blank=True, source="error", help_text="in words, asked language"
    )
    state = serializers.CharField()


# ``{"leader": Leader, "conn": selectors.LeaderConnection}``: the leader and its stream.
class LeaderOut(serializers.Serializer):
    id = serializers.IntegerField(source="leader.pk")
    exchange = serializers.CharField(source="leader.credential.venue")
    env = serializers.CharField(source="leader.credential.environment")
    api_key_masked = serializers.CharField(source="leader.credential.api_key_masked")
    connected = serializers.BooleanField(source="conn.connected")
    connection = serializers.CharField(
        source="conn.state",
        help_text="connecting | connected | disconnected | stalled | unknown (no report for 60 s)",
    )
    connection_detail = serializers.CharField(allow_blank=True, source="conn.detail")


class LeaderSetOut(serializers.Serializer):
    listening = serializers.BooleanField(
        help_text="the leader is stored and the stream process will (re)subscribe to it"
    )
    leader = LeaderOut()


class RunningOut(serializers.Serializer):
    running = serializers.BooleanField()


# A ``selectors.EventSummary``: one leader order and what its fan-out did.
class EventOut(serializers.Serializer):
    id = serializers.IntegerField(source="event.pk")
    t = serializers.DateTimeField(
        source="event.received_at", help_text="when the leader fill reached Fleet"
    )
    leader_order_id = serializers.CharField(source="event.leader_order_id")
    type = serializers.CharField(source="event.side", help_text="BUY | SELL")
    ratio = serializers.DecimalField(
        max_digits=16,
        decimal_places=12,
        source="event.ratio",
        help_text="x (BUY) or y (SELL) as a fraction",
    )
    x_percent = serializers.DecimalField(
        max_digits=20, decimal_places=4, source="percent", help_text="the same ratio in percent"
    )
    filled_base = serializers.DecimalField(**MONEY, source="event.filled_base")
    filled_quote = serializers.DecimalField(**MONEY, source="event.filled_quote")
    fanout = serializers.IntegerField()
    ok = serializers.IntegerField()
    fail = serializers.IntegerField()
    skipped = serializers.IntegerField()
    pending = serializers.IntegerField()
    latency_ms = serializers.IntegerField(allow_null=True)
    not_copied_reason = serializers.CharField(allow_blank=True, source="event.not_copied_reason")


class LatencyOut(serializers.Serializer):
    events = serializers.IntegerField()
    p50_ms = serializers.IntegerField(allow_null=True)
    p95_ms = serializers.IntegerField(allow_null=True)


class StatusOut(serializers.Serializer):
    running = serializers.BooleanField()
    leader = LeaderOut(allow_null=True)
    followers = FollowerOut(many=True)
    recent_events = EventOut(many=True)
    latency = LatencyOut()
    server_time = serializers.DateTimeField()
