"""The admin's login and TOTP two-factor (django-otp).

- ``AdminLoginForm``: ``/admin/login/`` goes through ``accounts.staff_login`` — the same waits,
  locks and audit as the API logins — and asks for the authenticator code when the user has a
  confirmed TOTP device.
- ``setup_view`` (``/admin/2fa/``): a staff user enrols an authenticator app (QR code + code).
- ``AdminTwoFactorMiddleware``: with ``ADMIN_REQUIRE_2FA=1`` a user holding ``copytrade.operate``
  whose session is not verified by a code reaches nothing in the admin but the enrolment page
  (no device yet) or the login page again (a device exists). See docs/operations.md.
"""

from __future__ import annotations

import io
from base64 import b32encode

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from accounts.staff_login import staff_login, two_factor_required
from kernel.client_ip import request_ip
from kernel.refusals import Refused

REFUSALS = {
    "login_locked": _("登录失败次数过多，请在 %(s)s 秒后再试。"),
    "otp_required": _("此账号已启用两步验证：请输入验证器 App 中的 6 位动态验证码。"),
    "otp_invalid": _("动态验证码错误，请重试。"),
}
DEVICE_NAME = "authenticator"


class AdminLoginForm(AdminAuthenticationForm):
    """Admin login with brute-force locks, audit and an optional TOTP code."""

    otp_token = forms.CharField(
        label=_("动态验证码"),
        required=False,
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("已启用两步验证时填写"),
    )

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return self.cleaned_data
        try:
            login = staff_login(
                username=username,
                password=password,
                ip=request_ip(self.request),
                via="admin",
                otp_token=self.cleaned_data.get("otp_token") or "",
                request=self.request,
            )
        except Refused as exc:
            raise self._refusal(exc) from None
        self.user_cache = login.user
        return self.cleaned_data

    def _refusal(self, exc: Refused) -> ValidationError:
        if exc.code in REFUSALS:
            wait = (exc.detail or {}).get("retry_after_s", "")
            return ValidationError(REFUSALS[exc.code] % {"s": wait}, code=exc.code)
        return self.get_invalid_login_error()  # wrong password and not-staff read the same


def _verified(user) -> bool:
    return bool(getattr(user, "is_verified", lambda: False)())


@login_required(login_url="admin:login")
def setup_view(request):
    """Enrol a TOTP authenticator: a pending device is shown as a QR code (and its secret) until
    a correct code confirms it; the session is then verified."""
    user = request.user
    if not user.is_staff:
        return redirect("admin:login")
    if user_has_device(user):
        if not _verified(user):
            logout(request)  # a device exists: only a login with its code may continue
            return redirect("admin:login")
        context = {**admin.site.each_context(request), "title": _("两步验证"), "has_device": True}
        return render(request, "admin/two_factor_setup.html", context)
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": DEVICE_NAME}
    )
    error: str | Promise = ""
    if request.method == "POST":
        if device.verify_token((request.POST.get("otp_token") or "").strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect("admin:index")
        error = _("动态验证码错误，请重试。")
    context = {
        **admin.site.each_context(request),
        "title": _("两步验证"),
        "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 - our own SVG
        "secret": b32encode(device.bin_key).decode(),
        "error": error,
        "has_device": False,
    }
    return render(request, "admin/two_factor_setup.html", context)


def _qr_svg(data: str) -> str:
    out = io.BytesIO()
    write_qrcode_image(data, out)
    return out.getvalue().decode()


class AdminTwoFactorMiddleware:
    """Holds an unverified session of a user who must use two-factor at the admin's door."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if self._must_verify(request, user):
            if user_has_device(user):
                logout(request)
                return redirect(f"{reverse('admin:login')}?next={request.path}")
            return redirect("admin-2fa")
        return self.get_response(request)

    @staticmethod
    def _must_verify(request, user) -> bool:
        if user is None or not user.is_authenticated or not user.is_staff:
            return False
        admin_root = reverse("admin:index")
        if not request.path.startswith(admin_root):
            return False
        free = (reverse("admin:login"), reverse("admin:logout"), reverse("admin-2fa"))
        if request.path in free or request.path.startswith(reverse("admin:jsi18n")):
            return False
        return two_factor_required(user) and not _verified(user)
