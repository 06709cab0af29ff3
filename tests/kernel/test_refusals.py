"""The one refusal catalogue: every app's codes are declared once (no code/text pair restated by a
second app), every entry has a text and a 4xx/5xx status, the English catalogue translates every
text it translated before, and the API writes a ``Refused`` in the one wire shape."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kernel.api_errors import exception_handler
from kernel.refusals import CATALOGUE, Catalogue, Refused, refusal

ROOT = Path(__file__).resolve().parent.parent.parent
SERVER = ["accounts", "orders", "notifications", "backoffice", "trading"]
OWN_ERRORS = ["trading/exchanges"]  # the connectors' venue errors are not API refusals

ERROR_MODULES = [
    "accounts.errors",
    "orders.errors",
    "trading.copytrade.errors",
    "trading.alpha.errors",
    "trading.futures_trading.errors",
    "notifications.errors",
]
# Texts with no English yet (the Alpha bots' words, Chinese in both languages as before) and the
# pass-through ``%(reason)s`` of the venue's own words.
UNTRANSLATED = {
    "session_invalid", "session_unverified", "consent_required", "session_incomplete",
    "session_expired", "bad_config", "bot_running", "risk_not_accepted", "token_unavailable",
    "another_bot_running", "nothing_to_sweep", "token_unknown", "venue_unavailable", "no_trader",
    "venue_error",
}  # fmt: skip


@pytest.fixture(scope="module", autouse=True)
def _every_app_declared():
    for name in ERROR_MODULES:
        importlib.import_module(name)


def test_no_code_and_text_is_declared_twice() -> None:
    assert CATALOGUE.duplicates() == []


def test_a_restated_text_is_reported() -> None:
    catalogue = Catalogue()
    catalogue.add("not_found", 404, _("资源不存在"))
    catalogue.add("not_found", 404, _("订单不存在"))  # another resource: another text, allowed
    assert catalogue.duplicates() == []
    catalogue.add("not_found", 404, _("资源不存在"))
    assert catalogue.duplicates() == [("not_found", "资源不存在")]


@pytest.mark.parametrize(("code", "status"), [("", 400), ("x", 200), ("x", 600)])
def test_an_entry_needs_a_code_and_an_error_status(code, status) -> None:
    with pytest.raises(ValueError, match="4xx/5xx"):
        Catalogue().add(code, status, _("输入有误"))


def test_every_entry_has_a_text_and_an_error_status() -> None:
    with translation.override(None):
        for entry in CATALOGUE.entries():
            assert str(entry.message).strip(), entry.code
            assert 400 <= entry.status < 600, entry.code


def test_english_translates_every_text_it_translated_before() -> None:
    missing = {entry.code for entry in CATALOGUE.untranslated("en")}
    assert missing == UNTRANSLATED


def test_a_refusal_is_written_in_the_one_wire_shape() -> None:
    entry = refusal("test_only", 409, "%(what)s 已存在")
    try:
        reply = exception_handler(Refused(entry, {"id": 3}, what="X"), {})
        assert reply is not None and reply.status_code == 409
        assert reply.data == {"code": "test_only", "message": "X 已存在", "detail": {"id": 3}}
        bare = exception_handler(Refused(entry, what="Y"), {})
        assert bare is not None and bare.data == {"code": "test_only", "message": "Y 已存在"}
    finally:
        CATALOGUE._entries.remove(entry)


def refusal_types(source: str) -> list[str]:
    """Exception classes of ``source`` that carry a machine ``code`` (a second refusal type) and
    catalogue entries built without ``refusal()`` (outside the one catalogue)."""
    bad = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef) and any(
            isinstance(n, ast.Attribute) and n.attr == "code" and isinstance(n.ctx, ast.Store)
            for n in ast.walk(node)
        ):
            bad.append(f"class {node.name} carries a code")
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in {"Refusal", "ApiError"}:
            bad.append(f"{node.func.id}(...) outside the catalogue")  # type: ignore[attr-defined]
    return bad


def test_the_server_has_one_refusal_type() -> None:
    found = []
    for package in SERVER:
        for path in (ROOT / package).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if any(rel.startswith(own) for own in OWN_ERRORS) or "migrations" in path.parts:
                continue
            found += [f"{rel}: {bad}" for bad in refusal_types(path.read_text(encoding="utf-8"))]
    assert found == []


def test_a_second_refusal_type_is_found() -> None:
    snippet = (
        "class CopyError(Exception):\n"
        "    def __init__(self, code, message):\n"
        "        self.code, self.message = code, message\n"
        "NOT_FOUND = Refusal('not_found', 404, 'x')\n"
    )
    assert refusal_types(snippet) == [
        "class CopyError carries a code",
        "Refusal(...) outside the catalogue",
    ]
