"""Input validation and output shapes of the orders API (not used on the pull hot path, whose
JSON is precomputed in Redis; ``PulledOrderOut`` only documents it)."""

from rest_framework import serializers

from orders.choices import Direction, Outcome, TimeIncrement


class PulledOrderOut(serializers.Serializer):
    id = serializers.IntegerField()
    symbol = serializers.CharField()
    direction = serializers.ChoiceField(choices=Direction.choices)
    time_increment = serializers.ChoiceField(choices=TimeIncrement.choices)
    payout_ratio = serializers.CharField(help_text='decimal as text, e.g. "0.80"')
    amount = serializers.CharField(help_text='the trader\'s order amount (USDT), e.g. "10.00"')
    created_at = serializers.DateTimeField()
    valid_until = serializers.DateTimeField()
    delivery_id = serializers.CharField(
        help_text='"<order>-<trader>": the same on every re-delivery; send it back in ``ack``'
    )


class PullOut(serializers.Serializer):
    server_time = serializers.DateTimeField()
    orders = PulledOrderOut(many=True)


class ExecutionIn(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    binance_order_id = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default=""
    )
    error_code = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    error_message = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, default=None
    )
    latency_ms = serializers.IntegerField(
        min_value=0, max_value=86_400_000, required=False, allow_null=True, default=None
    )


class ExecutionOut(serializers.Serializer):
    order_id = serializers.IntegerField()
    outcome = serializers.CharField()
    binance_order_id = serializers.CharField()
    error_code = serializers.CharField()
    error_message = serializers.CharField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    latency_ms = serializers.IntegerField(allow_null=True)
    reported_at = serializers.DateTimeField()


class SettingsIn(serializers.Serializer):
    order_amount = serializers.CharField(max_length=32)


class SettingsOut(serializers.Serializer):
    order_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    amount_min = serializers.DecimalField(max_digits=12, decimal_places=2)
    amount_max = serializers.DecimalField(max_digits=12, decimal_places=2)


class BindingIn(serializers.Serializer):
    bound = serializers.BooleanField()
    expires_at = serializers.DateTimeField(allow_null=True, required=False, default=None)
