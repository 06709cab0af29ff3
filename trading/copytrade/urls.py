"""Copy-trading operator API routes (included under /api/v1/; docs/products.md copy-trading §5)."""

from django.urls import path

from trading.copytrade import views

urlpatterns = [
    path("copy/operator-login", views.OperatorLoginView.as_view(), name="copy-operator-login"),
    path("copy/operator-logout", views.OperatorLogoutView.as_view(), name="copy-operator-logout"),
    path("accounts", views.AccountListView.as_view(), name="copy-accounts"),
    path("accounts/<int:pk>", views.AccountDetailView.as_view(), name="copy-account"),
    path("accounts/<int:pk>/verify", views.AccountVerifyView.as_view(), name="copy-account-verify"),
    path("accounts/<int:pk>/pause", views.AccountPauseView.as_view(), name="copy-account-pause"),
    path("accounts/<int:pk>/resume", views.AccountResumeView.as_view(), name="copy-account-resume"),
    path("leader", views.LeaderView.as_view(), name="copy-leader"),
    path("copy/start", views.CopyStartView.as_view(), name="copy-start"),
    path("copy/stop", views.CopyStopView.as_view(), name="copy-stop"),
    path("status", views.StatusView.as_view(), name="copy-status"),
]
