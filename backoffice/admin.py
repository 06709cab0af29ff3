"""Admin for the runtime knobs: every knob listed with its current value, default and meaning."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from backoffice.models import RuntimeSetting
from kernel.runtime_config import KNOBS, config_set, validate

admin.site.site_header = _("Fleet 后台管理")
admin.site.site_title = _("Fleet 后台")
admin.site.index_title = _("运营控制台")
admin.site.site_url = None  # there is no public site: "查看站点" led to a debug 404


class RuntimeSettingForm(forms.ModelForm):
    class Meta:
        model = RuntimeSetting
        fields = ["key", "value"]
        widgets = {"key": forms.Select(choices=[(k, k) for k in KNOBS])}

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("key") and data.get("value") is not None:
            validate(data["key"], data["value"])
        return data


@admin.register(RuntimeSetting)
class RuntimeSettingAdmin(admin.ModelAdmin):
    form = RuntimeSettingForm
    list_display = ["key", "value", "default", "meaning", "updated_at"]

    @admin.display(description=_("默认值"))
    def default(self, obj):
        return KNOBS[obj.key].default if obj.key in KNOBS else "-"

    @admin.display(description=_("说明"))
    def meaning(self, obj):
        return KNOBS[obj.key].help if obj.key in KNOBS else "-"

    def save_model(self, request, obj, form, change):
        config_set(obj.key, obj.value)


# The admin login goes through the same locks and audit as the API logins, with TOTP two-factor
# (backoffice/two_factor.py).
from backoffice.two_factor import AdminLoginForm  # noqa: E402

admin.site.login_form = AdminLoginForm
admin.site.login_template = "admin/fleet_login.html"
from backoffice import beat_admin  # noqa: E402, F401  (django-celery-beat's admin, translated)
