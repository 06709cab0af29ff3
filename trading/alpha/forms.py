"""Admin forms of the Alpha bot: an operator pastes a trader's Binance web session (headers and
cookies copied from the browser, e.g. "Copy as cURL" of an ``oto-order/place`` request)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Trader
from trading.alpha.choices import AlphaEnv


class PasteSessionForm(forms.Form):
    trader = forms.ModelChoiceField(Trader.objects.order_by("username"), label=_("交易员"))
    env = forms.ChoiceField(choices=AlphaEnv.choices, label=_("环境"), initial=AlphaEnv.PROD)
    pasted = forms.CharField(
        label=_("请求头与 Cookie"),
        widget=forms.Textarea(attrs={"rows": 12, "cols": 100}),
        help_text=_(
            "从浏览器复制（cURL 或 “名称: 值” 每行一个）；须包含 csrftoken 和含 p20t 的 cookie。"
        ),
    )
    expires_at = forms.DateTimeField(label=_("登录到期 (UTC)"), required=False)
