"""Admin forms of the accounts app. They only validate and collect values: saving goes through
``accounts.services`` (see ``accounts.admin``)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from accounts.models import ExchangeCredential, Trader

TRADER_FIELDS = ["username", "display_name", "expires_at", "order_amount", "language"]


def _password_field(required: bool, help_text) -> forms.CharField:
    return forms.CharField(
        label=_("密码"),
        required=required,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=help_text,
    )


class TraderCreateForm(forms.ModelForm):
    """Register a trader: the password is typed once here and hashed by ``trader_create``."""

    new_password = _password_field(True, _("至少8位。保存时以哈希形式存储。"))

    class Meta:
        model = Trader
        fields = TRADER_FIELDS

    def clean_new_password(self) -> str:
        password = self.cleaned_data["new_password"]
        password_validation.validate_password(password)
        return password


class TraderChangeForm(forms.ModelForm):
    """Change a trader; leaving the password blank keeps the current one."""

    new_password = _password_field(False, _("留空则不修改密码。"))

    class Meta:
        model = Trader
        fields = ["display_name", "expires_at", "is_disabled", "order_amount", "language"]

    def clean_new_password(self) -> str:
        password = self.cleaned_data.get("new_password") or ""
        if password:
            password_validation.validate_password(password)
        return password


def _secret_field(label, *, required: bool) -> forms.CharField:
    help_text = _("必填。") if required else _("出于安全原因不显示当前值；留空则保持不变。")
    return forms.CharField(
        label=label,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=help_text,
    )


class ExchangeCredentialForm(forms.ModelForm):
    """Exchange credential with write-only secret inputs. The secrets are form-only fields (not in
    ``Meta.fields``), so the stored values are never put into the page and never copied onto the
    instance by the form: ``credential_save`` writes them, and a blank input keeps the stored one."""

    SECRET_FIELDS = ("api_key", "api_secret", "passphrase")

    api_key = _secret_field(_("API Key"), required=False)
    api_secret = _secret_field(_("API Secret"), required=False)
    passphrase = _secret_field(_("Passphrase"), required=False)

    class Meta:
        model = ExchangeCredential
        fields = ["label", "venue", "environment", "owner"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            for name in ("api_key", "api_secret"):
                self.fields[name].help_text = _("必填。")

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if self.instance.pk is None:
            for name in ("api_key", "api_secret"):
                if not data.get(name):
                    self.add_error(name, _("新建时必须填写。"))
        return data

    def secret_values(self) -> dict[str, str]:
        """The secrets the operator typed in (blank ones are absent: unchanged)."""
        return {n: self.cleaned_data[n] for n in self.SECRET_FIELDS if self.cleaned_data.get(n)}
