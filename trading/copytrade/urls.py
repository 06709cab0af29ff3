"""Copy-trading operator API routes (included under /api/v1/; docs/products.md copy-trading §5)."""

from django.urls import path

from trading.copytrade import api

urlpatterns = [
    path("copy/operator-login", api.OperatorLoginView.as_view(), name="copy-operator-login"),
    path("copy/operator-logout", api.OperatorLogoutView.as_view(), name="copy-operator-logout"),
    path("accounts", api.AccountListView.as_view(), name="copy-accounts"),
    path("accounts/<int:pk>", api.AccountDetailView.as_view(), name="copy-account"),
    path("accounts/<int:pk>/verify", api.AccountVerifyView.as_view(), name="copy-account-verify"),
    path("accounts/<int:pk>/pause", api.AccountPauseView.as_view(), name="copy-account-pause"),
    path("accounts/<int:pk>/resume", api.AccountResumeView.as_view(), name="copy-account-resume"),
    path("leader", api.LeaderView.as_view(), name="copy-leader"),
    path("copy/start", api.CopyStartView.as_view(), name="copy-start"),
    path("copy/stop", api.CopyStopView.as_view(), name="copy-stop"),
    path("status", api.StatusView.as_view(), name="copy-status"),
]
