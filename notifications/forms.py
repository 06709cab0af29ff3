"""Admin forms of notifications: a channel with write-only secret inputs (the stored URL token and
secret are never put into the page; blank keeps them) and a subscription naming its recipient."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Trader
from notifications.choices import ChannelKind
from notifications.models import Channel, Subscription

REF = re.compile(r"^[tu]:\d+$")


def _secret_input(label, help_text) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off", "size": 80}),
        help_text=help_text,
    )


class ChannelForm(forms.ModelForm):
    """``url`` and ``secret`` are form-only inputs: never rendered, copied onto the instance only
    when typed (``secret_values``)."""

    SECRET_FIELDS = ("url", "secret")

    url = _secret_input(
        _("地址"),
        _(
            "机器人 Webhook 地址（含 access_token / key）；Telegram 填 API 地址，留空用 https://api.telegram.org。已保存的值不显示，留空保持不变。"
        ),
    )
    secret = _secret_input(
        _("密钥"),
        _(
            "钉钉/飞书加签密钥、Webhook 签名密钥；Telegram 填机器人 Token。已保存的值不显示，留空保持不变。"
        ),
    )
    owner_trader = forms.ModelChoiceField(
        Trader.objects.all(),
        required=False,
        label=_("所有者（交易员）"),
        help_text=_("留空则渠道属于当前后台用户；所有者会在渠道故障时收到站内通知。"),
    )

    class Meta:
        model = Channel
        fields = ["name", "kind", "chat_id", "language", "is_enabled"]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        stored = self.instance if self.instance.pk else None
        url = data.get("url") or (stored.url if stored else "")
        secret = data.get("secret") or (stored.secret if stored else "")
        kind = data.get("kind")
        if kind == ChannelKind.TELEGRAM:
            if not secret:
                self.add_error("secret", _("Telegram 需要机器人 Token"))
            if not data.get("chat_id"):
                self.add_error("chat_id", _("Telegram 需要会话 ID"))
        elif not url:
            self.add_error("url", _("请填写机器人 Webhook 地址"))
        if url and not url.startswith(("http://", "https://")):
            self.add_error("url", _("地址须以 http:// 或 https:// 开头"))
        return data

    def secret_values(self) -> dict[str, str]:
        return {k: self.cleaned_data[k] for k in self.SECRET_FIELDS if self.cleaned_data.get(k)}


class SubscriptionForm(forms.ModelForm):
    class Meta:
        model = Subscription
        fields = ["recipient", "kinds", "min_severity", "quiet_start", "quiet_end", "is_active"]
        help_texts = {"recipient": _("u:<后台用户ID> 或 t:<交易员ID>")}
        widgets = {"kinds": forms.Textarea(attrs={"rows": 2, "cols": 30})}

    def clean_recipient(self) -> str:
        ref = self.cleaned_data["recipient"].strip()
        if not REF.match(ref):
            raise forms.ValidationError(_("格式为 u:<后台用户ID> 或 t:<交易员ID>"))
        return ref
