"""Admin forms of the orders app: allowed symbol, single create, batch create, template, trader
amount."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kernel.refusals import Refused
from kernel.runtime_config import config_get
from orders.choices import Direction, TimeIncrement
from orders.models import EventOrder, EventSymbol, OrderTemplate, TraderOrderAmount
from orders.selectors import active_symbols
from orders.services import amount_validate
from orders.validation import ORDER_FIELD_RULES, order_field_errors, order_fields_validate


def _symbol_choices() -> list[tuple[str, str]]:
    return [(s, s) for s in active_symbols()]


def _service_check(form: forms.BaseForm, rename: dict[str, str] | None = None, **values) -> None:
    """Run ``orders.validation.order_fields_validate`` on the cleaned values and show what it refuses
    as errors of the form's fields (``rename``: service field → form field where they differ), so
    the form refuses exactly what the service would, with no rule of its own. Skipped while a field
    the check needs already has an error of its own (the user fixes that first)."""
    names = {field: field for field in ORDER_FIELD_RULES} | (rename or {})
    if any(form.has_error(name) for name in names.values()):
        return
    try:
        order_fields_validate(**values)
    except Refused as exc:
        for field, message in order_field_errors(exc).items():
            form.add_error(names.get(field), message)


class EventSymbolForm(forms.ModelForm):
    """An allowed symbol; typed in any case, stored uppercase, checked by the model's validator."""

    class Meta:
        model = EventSymbol
        fields = ["symbol", "is_active"]

    def clean_symbol(self) -> str:
        return self.cleaned_data["symbol"].strip().upper()


class OrderCreateForm(forms.ModelForm):
    """One order; the symbol must be on the allowed list."""

    symbol = forms.ChoiceField(label=_("交易对"), choices=())

    class Meta:
        model = EventOrder
        fields = ["symbol", "direction", "time_increment", "payout_ratio", "validity_seconds"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "symbol" in self.fields:  # absent on the read-only change page
            cast(forms.ChoiceField, self.fields["symbol"]).choices = _symbol_choices()
            self.fields["payout_ratio"].initial = config_get("event_payout_ratio")
            self.fields["validity_seconds"].initial = config_get("event_default_validity_s")

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if "symbol" in self.fields:
            _service_check(
                self,
                {"symbols": "symbol", "directions": "direction"},
                symbols=[data.get("symbol", "")],
                directions=[data.get("direction", "")],
                time_increment=data.get("time_increment", ""),
                validity_seconds=data.get("validity_seconds"),
                payout_ratio=data.get("payout_ratio"),
            )
        return data


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
    validity_seconds = forms.IntegerField(label=_("有效期（秒）"))
    save_as_template = forms.CharField(
        label=_("同时保存为模板（名称，可空）"), max_length=64, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["symbols"]).choices = _symbol_choices()
        self.fields["payout_ratio"].initial = config_get("event_payout_ratio")
        self.fields["validity_seconds"].initial = config_get("event_default_validity_s")

    def clean(self):
        super().clean()
        data = self.cleaned_data
        _service_check(
            self,
            symbols=data.get("symbols", []),
            directions=data.get("directions", []),
            time_increment=data.get("time_increment", ""),
            validity_seconds=data.get("validity_seconds"),
            payout_ratio=data.get("payout_ratio"),
        )
        return data


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

    def clean(self):
        """Checked like the orders it will create (symbols switched on, directions, payout and
        validity in range; blank payout / validity = the knob default at creation time)."""
        super().clean()
        data = self.cleaned_data
        symbols = [s.strip().upper() for s in data.get("symbols", "").split(",") if s.strip()]
        directions = [d.strip().upper() for d in data.get("directions", "").split(",") if d.strip()]
        _service_check(
            self,
            symbols=symbols,
            directions=directions,
            time_increment=data.get("time_increment", ""),
            validity_seconds=data.get("validity_seconds"),
            payout_ratio=data.get("payout_ratio"),
        )
        if not self.errors:
            data["symbols"], data["directions"] = ",".join(symbols), ",".join(directions)
        return data


class TraderAmountForm(forms.ModelForm):
    class Meta:
        model = TraderOrderAmount
        fields = ["order_amount"]

    def clean_order_amount(self):
        try:
            return amount_validate(self.cleaned_data["order_amount"])
        except Refused as exc:
            raise forms.ValidationError(
                _("金额须在 %(min)s 到 %(max)s USDT 之间"),
                # amount_validate's detail is always {"min", "max"}
                params=cast("dict[str, str]", exc.detail),
            ) from None
