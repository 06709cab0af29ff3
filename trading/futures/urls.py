"""Futures signals client API routes (included under /api/v1/)."""

from django.urls import path

from trading.futures import views

urlpatterns = [
    path("futures/signals", views.SignalListView.as_view(), name="futures-signals"),
    path("futures/klines", views.KlineListView.as_view(), name="futures-klines"),
]
