"""The trader's futures API routes (included under /api/v1/)."""

from django.urls import path

from trading.futures_trading import api

urlpatterns = [
    path("futures/key", api.KeyView.as_view(), name="futures-key"),
    path("futures/key/test", api.KeyTestView.as_view(), name="futures-key-test"),
    path("futures/preview", api.PreviewView.as_view(), name="futures-preview"),
    path("futures/trades", api.TradesView.as_view(), name="futures-trades"),
    path("futures/trades/<int:pk>/close", api.TradeCloseView.as_view(), name="futures-close"),
    path("futures/positions", api.PositionsView.as_view(), name="futures-positions"),
    path("futures/pnl", api.PnlView.as_view(), name="futures-pnl"),
    path("futures/statements", api.StatementsView.as_view(), name="futures-statements"),
]
