from django.urls import path

from trading.alpha import api

urlpatterns = [
    path("alpha/session", api.CredentialView.as_view(), name="alpha-session"),
    path("alpha/risk-notice", api.RiskNoticeView.as_view(), name="alpha-risk-notice"),
    path("alpha/tokens", api.TokensView.as_view(), name="alpha-tokens"),
    path("alpha/bots", api.BotsView.as_view(), name="alpha-bots"),
    path("alpha/bots/<int:bot_id>/cycles", api.CyclesView.as_view(), name="alpha-cycles"),
    path("alpha/bots/<int:bot_id>/balances", api.BalancesView.as_view(), name="alpha-balances"),
    path("alpha/bots/<int:bot_id>/<str:action>", api.BotActionView.as_view(), name="alpha-action"),
]
