"""Admin forms of the orders app: single create, batch create, template, trader amount."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from backoffice.runtime_config import config_get
from orders.choices import Direction, TimeIncrement
from orders.errors import OrderError
from orders.models import EventOrder, OrderTemplate, TraderOrderAmount
from orders.selectors import active_symbols
from orders.services import amount_validate


def _symbol_choices() -> list[tuple[str, str]]:
    return [(s, s) for s in active_symbols()]


class OrderCreateForm(forms.ModelForm):
    """One order; the symbol must be on the allowed list."""

    symbol = forms.ChoiceField(label=_("交易对"), choices=())

    class Meta:
        model = EventOrder
        fields = ["symbol", "direction", "time_increment", "payout_ratio", "validity_seconds"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "symbol" in self.fields:  # absent on the read-only change page
            self.fields["symbol"].choices = _symbol_choices()
            self.fields["payout_ratio"].initial = config_get("event_payout_ratio")
            self.fields["validity_seconds"].initial = config_get("event_default_validity_s")


class BatchCreateForm(forms.Form):
    """Several symbols × directions at once, optionally saved as a template."""

    symbols = forms.MultipleChoiceField(
        label=_("交易对"), choices=(), widget=forms.CheckboxSelectMultiple
    )
    directions = forms.MultipleChoiceField(
        label=_("方向"), choices=Direction.choices, widget=forms.CheckboxSelectMultiple
    )
    time_increment = forms.ChoiceField(label=_("周期"), choices=TimeIncrement.choices)
    payout_ratio = forms.DecimalField(label=_("赔率"), max_digits=6, decimal_places=4)
    validity_seconds = forms.IntegerField(label=_("有效期（秒）"), min_value=1, max_value=604800)
    save_as_template = forms.CharField(
        label=_("同时保存为模板（名称，可空）"), max_length=64, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["symbols"].choices = _symbol_choices()
        self.fields["payout_ratio"].initial = config_get("event_payout_ratio")
        self.fields["validity_seconds"].initial = config_get("event_default_validity_s")


class OrderTemplateForm(forms.ModelForm):
    class Meta:
        model = OrderTemplate
        fields = [
            "name",
            "symbols",
            "directions",
            "time_increment",
            "payout_ratio",
            "validity_seconds",
        ]

    def clean_symbols(self) -> str:
        allowed = set(active_symbols())
        symbols = [s.strip().upper() for s in self.cleaned_data["symbols"].split(",") if s.strip()]
        unknown = [s for s in symbols if s not in allowed]
        if not symbols or unknown:
            raise forms.ValidationError(_("未知或未启用的交易对：%(s)s"), params={"s": unknown})
        return ",".join(symbols)

    def clean_directions(self) -> str:
        directions = [d.strip().upper() for d in self.cleaned_data["directions"].split(",")]
        if not directions or any(d not in Direction.values for d in directions):
            raise forms.ValidationError(_("方向只能是 LONG 或 SHORT"))
        return ",".join(directions)


class TraderAmountForm(forms.ModelForm):
    class Meta:
        model = TraderOrderAmount
        fields = ["order_amount"]

    def clean_order_amount(self):
        try:
            return amount_validate(self.cleaned_data["order_amount"])
        except OrderError as exc:
            raise forms.ValidationError(
                _("金额须在 %(min)s 到 %(max)s USDT 之间"), params=exc.detail
            ) from None
