"""The back office: statement drill-down to each income row, CSV export that adds up to the
statement, masked keys, the read-only ledger."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from trading.futures_trading.models import IncomeRecord, LedgerEntry, Statement
from trading.futures_trading.services.repair import repair_once
from trading.futures_trading.services.statements import statement_issue
from trading.futures_trading.services.sync import account_sync
from trading.futures_trading.services.trades import trade_open_now

from .conftest import choice, spec

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]


@pytest.fixture
def operator(client, django_user_model):
    user = django_user_model.objects.create_superuser("ft-root", "ft@example.com", "pw-123456789")
    client.force_login(user)
    return client


def test_statement_drill_down_and_csv_reproduce_the_figures(sim, desk, operator):
    d = desk()
    trade_open_now(trader=d.trader, spec=spec(), choice=choice())
    sim.control.set_price("BTCUSDT", "52100.00")
    repair_once()
    account_sync(d.account)
    statement = statement_issue(trader=d.trader, start=timezone.now())
    page = operator.get(reverse("admin:futures_trading_statement_change", args=[statement.pk]))
    assert page.status_code == 200
    for row in IncomeRecord.objects.filter(trader=d.trader):
        assert row.tran_id in page.content.decode()
    export = operator.get(reverse("admin:futures_statement_csv", args=[statement.pk]))
    lines = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert len(lines) == statement.income_count == 3
    assert sum(Decimal(r["amount"]) for r in lines) == statement.net_pnl
    listing = operator.get(reverse("admin:futures_trading_futuresaccount_changelist"))
    assert d.api_key not in listing.content.decode()
    ledger = operator.post(
        reverse("admin:futures_trading_ledgerentry_delete", args=[LedgerEntry.objects.get().pk]),
        {"post": "yes"},
    )
    assert ledger.status_code == 403 and LedgerEntry.objects.count() == 1
    assert Statement.objects.count() == 1
