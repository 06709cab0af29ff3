"""Back-office screens of the accounts app: traders, client sessions, whitelisted devices, login
locks, the audit trail and exchange credentials.

Thin by design: forms validate, every write (save and actions) calls ``accounts.services`` with the
admin user as ``actor`` so it is audited. Secrets are never rendered: credentials show a masked key.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.choices import TraderStatus
from accounts.forms import ExchangeCredentialForm, TraderChangeForm, TraderCreateForm
from accounts.models import AuditEvent, ClientSession, Device, ExchangeCredential, LoginLock, Trader

STATUS_COLORS = {
    TraderStatus.ACTIVE: "#2e7d32",
    TraderStatus.EXPIRED: "#ef6c00",
    TraderStatus.DISABLED: "#c62828",
}
EXTEND_DAYS = 30


class ReadOnlyAdmin(admin.ModelAdmin):
    """A list that operators read (and act on through actions) but never edit by hand."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def _done(modeladmin, request, count: int, text) -> None:
    modeladmin.message_user(request, _("%(text)s：%(n)d 条") % {"text": text, "n": count})


# --- traders --------------------------------------------------------------------------------------


class TraderStatusFilter(admin.SimpleListFilter):
    """正常 / 已过期 / 已禁用 — derived from ``is_disabled`` and ``expires_at``."""

    title = _("状态")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return TraderStatus.choices

    def queryset(self, request, queryset):
        now = timezone.now()
        by_status: dict[str | None, QuerySet[Trader]] = {
            TraderStatus.ACTIVE: queryset.filter(is_disabled=False, expires_at__gt=now),
            TraderStatus.EXPIRED: queryset.filter(is_disabled=False, expires_at__lte=now),
            TraderStatus.DISABLED: queryset.filter(is_disabled=True),
        }
        return by_status.get(self.value(), queryset)


@admin.register(Trader)
class TraderAdmin(admin.ModelAdmin):
    list_display = [
        "username",
        "display_name",
        "status_badge",
        "expires_at",
        "last_login",
        "order_amount",
        "language",
    ]
    list_filter = [TraderStatusFilter, "language"]
    search_fields = ["username", "display_name"]
    actions = ["extend_30_days", "disable", "enable"]
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_last_login=Max("sessions__created_at"))

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = TraderChangeForm if obj else TraderCreateForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        form = TraderChangeForm if obj else TraderCreateForm
        extra = ["created_at", "updated_at"] if obj else []
        return [*form.Meta.fields, "new_password", *extra]

    @admin.display(description=_("状态"), ordering="is_disabled")
    def status_badge(self, obj: Trader):
        status = TraderStatus(obj.status)
        return format_html('<b style="color:{}">{}</b>', STATUS_COLORS[status], status.label)

    @admin.display(description=_("最后登录"), ordering="_last_login")
    def last_login(self, obj: Trader):
        return getattr(obj, "_last_login", None) or "-"

    def save_model(self, request, obj, form, change):
        """Create or update through the services (hashing, validation, audit, cache refresh)."""
        data = form.cleaned_data
        if change:
            current = Trader.objects.get(pk=obj.pk)
            editable = TraderChangeForm.Meta.fields
            fields = {k: data[k] for k in form.changed_data if k in editable}
            saved = services.trader_update(
                trader=current, actor=request.user, password=data.get("new_password"), **fields
            )
        else:
            fields = {k: data[k] for k in TraderCreateForm.Meta.fields}
            saved = services.trader_create(
                password=data["new_password"], actor=request.user, **fields
            )
        obj.__dict__.update(saved.__dict__)  # the admin goes on with (logs, redirects to) `obj`

    @admin.action(description=_("延长%(days)d天") % {"days": EXTEND_DAYS})
    def extend_30_days(self, request, queryset):
        for trader in queryset:
            services.trader_extend(trader=trader, days=EXTEND_DAYS, actor=request.user)
        _done(self, request, queryset.count(), _("已延长有效期"))

    @admin.action(description=_("禁用"))
    def disable(self, request, queryset):
        for trader in queryset:
            services.trader_set_disabled(trader=trader, disabled=True, actor=request.user)
        _done(self, request, queryset.count(), _("已禁用"))

    @admin.action(description=_("启用"))
    def enable(self, request, queryset):
        for trader in queryset:
            services.trader_set_disabled(trader=trader, disabled=False, actor=request.user)
        _done(self, request, queryset.count(), _("已启用"))


# --- sessions, devices, locks, audit ---------------------------------------------------------------


class SessionActiveFilter(admin.SimpleListFilter):
    title = _("是否有效")
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("1", _("有效")), ("0", _("已结束"))]

    def queryset(self, request, queryset):
        live = Q(ended_at__isnull=True, expires_at__gt=timezone.now())
        by_value: dict[str | None, QuerySet[ClientSession]] = {
            "1": queryset.filter(live),
            "0": queryset.exclude(live),
        }
        return by_value.get(self.value(), queryset)


@admin.register(ClientSession)
class ClientSessionAdmin(ReadOnlyAdmin):
    list_display = ["trader", "device_id", "ip", "created_at", "expires_at", "active", "end_reason"]
    list_filter = [SessionActiveFilter, "end_reason"]
    search_fields = ["trader__username", "device_id", "ip"]
    list_select_related = ["trader"]
    exclude = ["token_hash"]
    actions = ["revoke"]

    @admin.display(description=_("有效"), boolean=True)
    def active(self, obj: ClientSession) -> bool:
        return obj.is_active

    @admin.action(description=_("撤销"))
    def revoke(self, request, queryset):
        sessions = list(queryset.select_related("trader").filter(ended_at__isnull=True))
        for session in sessions:
            services.session_revoke(session=session, actor=request.user)
        _done(self, request, len(sessions), _("已撤销会话"))


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ["device_id", "label", "created_at", "revoked_at", "allowed"]
    search_fields = ["device_id", "label"]
    fields = ["device_id", "label"]
    actions = ["revoke", "restore"]

    @admin.display(description=_("允许登录"), boolean=True)
    def allowed(self, obj: Device) -> bool:
        return obj.revoked_at is None

    def save_model(self, request, obj, form, change):
        current = Device.objects.get(pk=obj.pk) if change else None
        saved = services.device_save(
            device=current,
            device_id=form.cleaned_data["device_id"],
            label=form.cleaned_data["label"],
            actor=request.user,
        )
        obj.__dict__.update(saved.__dict__)

    @admin.action(description=_("撤销"))
    def revoke(self, request, queryset):
        for device in queryset:
            services.device_set_revoked(device=device, revoked=True, actor=request.user)
        _done(self, request, queryset.count(), _("已撤销设备"))

    @admin.action(description=_("恢复"))
    def restore(self, request, queryset):
        for device in queryset:
            services.device_set_revoked(device=device, revoked=False, actor=request.user)
        _done(self, request, queryset.count(), _("已恢复设备"))


@admin.register(LoginLock)
class LoginLockAdmin(ReadOnlyAdmin):
    list_display = ["scope", "value", "failures", "created_at", "locked_until", "active"]
    list_filter = ["scope"]
    search_fields = ["value"]
    actions = ["clear"]

    @admin.display(description=_("生效中"), boolean=True)
    def active(self, obj: LoginLock) -> bool:
        return obj.locked_until > timezone.now()

    @admin.action(description=_("解除锁定"))
    def clear(self, request, queryset):
        locks = list(queryset)
        for lock in locks:
            services.login_lock_clear(lock=lock, actor=request.user)
        _done(self, request, len(locks), _("已解除锁定"))


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "username", "reason", "actor", "ip", "device_id"]
    list_filter = ["action", "reason", "at"]
    search_fields = ["username", "ip", "device_id", "reason"]
    date_hierarchy = "at"
    list_select_related = ["actor"]


# --- exchange credentials ---------------------------------------------------------------------------


@admin.register(ExchangeCredential)
class ExchangeCredentialAdmin(admin.ModelAdmin):
    """Never shows a secret: the list has the masked key, the form has write-only inputs."""

    form = ExchangeCredentialForm
    list_display = ["label", "venue", "environment", "owner", "api_key_masked", "has_passphrase"]
    list_filter = ["venue", "environment"]
    search_fields = ["label", "owner__username"]
    list_select_related = ["owner"]
    readonly_fields = ["api_key_masked", "created_at", "updated_at"]

    @admin.display(description=_("API Key（掩码）"))
    def api_key_masked(self, obj: ExchangeCredential) -> str:
        return obj.api_key_masked

    @admin.display(description=_("有 Passphrase"), boolean=True)
    def has_passphrase(self, obj: ExchangeCredential) -> bool:
        return bool(obj.passphrase)

    def get_fields(self, request, obj=None):
        base = ["label", "venue", "environment", "owner", "api_key", "api_secret", "passphrase"]
        return [*base, "api_key_masked", "created_at", "updated_at"] if obj else base

    def get_form(self, request, obj=None, change=False, **kwargs):
        """Model fields only: the secrets are form-only inputs (never copied or rendered)."""
        kwargs["fields"] = ExchangeCredentialForm.Meta.fields
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        current = ExchangeCredential.objects.get(pk=obj.pk) if change else None
        fields = {k: form.cleaned_data[k] for k in ExchangeCredentialForm.Meta.fields}
        saved = services.credential_save(
            credential=current, actor=request.user, **fields, **form.secret_values()
        )
        obj.__dict__.update(saved.__dict__)
