"""Back-office forms of copy trading: follower and leader keys (write-only: never rendered back)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.choices import Environment, Venue
from trading.copytrade.models import Follower, Leader
from trading.copytrade.serializers import check_pair


def _secret(label, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )


class FollowerForm(forms.ModelForm):
    """Add: every key required. Change: blank key fields keep the stored ones."""

    venue = forms.ChoiceField(label=_("交易所"), choices=Venue.choices)
    environment = forms.ChoiceField(label=_("环境"), choices=Environment.choices)
    api_key = _secret(_("API Key"))
    api_secret = _secret(_("API Secret"))
    passphrase = _secret(_("Passphrase（Bitget 必填）"), required=False)

    class Meta:
        model = Follower
        fields = ["name"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            cred = self.instance.credential
            self.fields["venue"].initial = cred.venue
            self.fields["environment"].initial = cred.environment
            for name in ("api_key", "api_secret"):
                self.fields[name].required = False
                self.fields[name].help_text = _("留空则保持不变")
            self.fields["passphrase"].help_text = _("留空则保持不变")

    def clean(self):
        super().clean()
        data = self.cleaned_data
        passphrase = data.get("passphrase") or (
            self.instance.credential.passphrase if self.instance.pk else ""
        )
        if data.get("venue") and data.get("environment"):
            found = check_pair(data["venue"], data["environment"], passphrase)
            for field, errors in found.items():
                self.add_error("environment" if field == "env" else field, errors)
        return data

    def service_fields(self) -> dict[str, str]:
        """The changed fields, in ``services.follower_update`` terms (blank secrets dropped)."""
        data = self.cleaned_data
        out = {k: data[k] for k in ("name", "venue", "environment")}
        out.update({k: data[k] for k in ("api_key", "api_secret", "passphrase") if data.get(k)})
        return out


class LeaderForm(forms.ModelForm):
    """Set / replace THE leader (Binance): a new credential; the previous leader is deactivated."""

    environment = forms.ChoiceField(label=_("环境"), choices=Environment.choices)
    api_key = _secret(_("API Key"))
    api_secret = _secret(_("API Secret"))

    class Meta:
        model = Leader
        fields: list[str] = []

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("environment"):
            for field, errors in check_pair("binance", data["environment"], "").items():
                self.add_error("environment" if field == "env" else field, errors)
        return data
