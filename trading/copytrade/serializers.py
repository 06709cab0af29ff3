"""Input validation and output shapes of the copy-trading operator API (docs/products.md
copy-trading §5). Secrets are write-only: outputs carry only the masked API key and whether a
passphrase is set. Money is a decimal string (never a float)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from rest_framework import serializers

from trading.exchanges.environments import endpoints
from trading.exchanges.venue_errors import explain

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
class OperatorLoginOut(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()
    username = serializers.CharField()


class LastCopyOut(serializers.Serializer):
    event_id = serializers.IntegerField()
    side = serializers.CharField()
    ratio = serializers.DecimalField(max_digits=16, decimal_places=12)
    requested = serializers.DecimalField(**MONEY)
    status = serializers.CharField()
    filled_base = serializers.DecimalField(**MONEY)
    filled_quote = serializers.DecimalField(**MONEY)
    error = serializers.CharField()
    error_text = serializers.CharField(help_text="the error in words, in the asked language")
    skip_reason = serializers.CharField()
    latency_ms = serializers.IntegerField(allow_null=True)
    at = serializers.DateTimeField()


class FollowerOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    exchange = serializers.CharField()
    env = serializers.CharField()
    state = serializers.CharField()
    api_key_masked = serializers.CharField()
    has_passphrase = serializers.BooleanField()
    # freeUSDT / freeBTC: the field names of docs/products.md copy-trading §5
    freeUSDT = serializers.DecimalField(**MONEY, allow_null=True)
    freeBTC = serializers.DecimalField(**MONEY, allow_null=True)
    balance_age_s = serializers.FloatField(allow_null=True)
    last_error = serializers.CharField(help_text="raw: [venue code] venue message")
    last_error_text = serializers.CharField(help_text="the same in words, in the asked language")
    last_copy = LastCopyOut(allow_null=True)
    created_at = serializers.DateTimeField()


class FollowerCreatedOut(FollowerOut):
    status = serializers.CharField(help_text="always CREATED (docs/products.md copy-trading §5.1)")


class VerifyOut(serializers.Serializer):
    ok = serializers.BooleanField()
    freeUSDT = serializers.DecimalField(**MONEY, allow_null=True)
    freeBTC = serializers.DecimalField(**MONEY, allow_null=True)
    error = serializers.CharField(allow_blank=True, help_text="raw: [venue code] venue message")
    error_text = serializers.CharField(allow_blank=True, help_text="in words, asked language")
    state = serializers.CharField()


class LeaderOut(serializers.Serializer):
    id = serializers.IntegerField()
    exchange = serializers.CharField()
    env = serializers.CharField()
    api_key_masked = serializers.CharField()
    connected = serializers.BooleanField()
    connection = serializers.CharField(
        help_text="connecting | connected | disconnected | stalled | unknown (no report for 60 s)"
    )
    connection_detail = serializers.CharField(allow_blank=True)


class LeaderSetOut(serializers.Serializer):
    listening = serializers.BooleanField(
        help_text="the leader is stored and the stream process will (re)subscribe to it"
    )
    leader = LeaderOut()


class RunningOut(serializers.Serializer):
    running = serializers.BooleanField()


class EventOut(serializers.Serializer):
    id = serializers.IntegerField()
    t = serializers.DateTimeField(help_text="when the leader fill reached Fleet")
    leader_order_id = serializers.CharField()
    type = serializers.CharField(help_text="BUY | SELL")
    ratio = serializers.DecimalField(
        max_digits=16, decimal_places=12, help_text="x (BUY) or y (SELL) as a fraction"
    )
    x_percent = serializers.DecimalField(
        max_digits=20, decimal_places=4, help_text="the same ratio in percent"
    )
    filled_base = serializers.DecimalField(**MONEY)
    filled_quote = serializers.DecimalField(**MONEY)
    fanout = serializers.IntegerField()
    ok = serializers.IntegerField()
    fail = serializers.IntegerField()
    skipped = serializers.IntegerField()
    pending = serializers.IntegerField()
    latency_ms = serializers.IntegerField(allow_null=True)
    not_copied_reason = serializers.CharField(allow_blank=True)


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
