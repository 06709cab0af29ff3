from django.urls import path

from trading.alpha import views

urlpatterns = [
    path("alpha/session", views.CredentialView.as_view(), name="alpha-session"),
    path("alpha/risk-notice", views.RiskNoticeView.as_view(), name="alpha-risk-notice"),
    path("alpha/tokens", views.TokensView.as_view(), name="alpha-tokens"),
    path("alpha/bots", views.BotsView.as_view(), name="alpha-bots"),
    path("alpha/bots/<int:bot_id>/cycles", views.CyclesView.as_view(), name="alpha-cycles"),
    path("alpha/bots/<int:bot_id>/balances", views.BalancesView.as_view(), name="alpha-balances"),
    path(
        "alpha/bots/<int:bot_id>/<str:action>", views.BotActionView.as_view(), name="alpha-action"
    ),
]
