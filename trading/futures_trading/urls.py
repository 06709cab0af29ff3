"""The trader's futures API routes (included under /api/v1/)."""

from django.urls import path

from trading.futures_trading import views

urlpatterns = [
    path("futures/key", views.KeyView.as_view(), name="futures-key"),
    path("futures/key/test", views.KeyTestView.as_view(), name="futures-key-test"),
    path("futures/preview", views.PreviewView.as_view(), name="futures-preview"),
    path("futures/trades", views.TradesView.as_view(), name="futures-trades"),
    path("futures/trades/<int:pk>/close", views.TradeCloseView.as_view(), name="futures-close"),
    path("futures/positions", views.PositionsView.as_view(), name="futures-positions"),
    path("futures/pnl", views.PnlView.as_view(), name="futures-pnl"),
    path("futures/statements", views.StatementsView.as_view(), name="futures-statements"),
]
