"""Futures signals client API routes (included under /api/v1/)."""

from django.urls import path

from trading.futures import api

urlpatterns = [
    path("futures/signals", api.SignalListView.as_view(), name="futures-signals"),
    path("futures/klines", api.KlineListView.as_view(), name="futures-klines"),
]
