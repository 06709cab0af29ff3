"""Input validation and output shapes of the auth API."""

from rest_framework import serializers


class LoginIn(serializers.Serializer):
    username = serializers.CharField(max_length=64)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    device_id = serializers.CharField(max_length=128, required=False, allow_blank=True, default="")


class TraderOut(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()
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
