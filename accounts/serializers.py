"""Input validation and output shapes of the auth API."""

from rest_framework import serializers


class LoginIn(serializers.Serializer):
    username = serializers.CharField(max_length=64)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    device_id = serializers.CharField(max_length=128, required=False, allow_blank=True, default="")


class DisplayNameField(serializers.CharField):
    """The trader's display name, or the username when none is set (read from the whole trader)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(source="*", **kwargs)

    def to_representation(self, value) -> str:
        return value.display_name or value.username


# A ``Trader`` as the client sees it (the serializer reads the model itself).
class TraderOut(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    username = serializers.CharField()
    display_name = DisplayNameField()
    expires_at = serializers.DateTimeField()
    status = serializers.CharField()
    order_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    language = serializers.CharField()


class LoginOut(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()
    server_time = serializers.DateTimeField()
    trader = TraderOut()


class ErrorOut(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    detail = serializers.JSONField(required=False)
