"""Refusal codes of the notifications API, declared once in the one catalogue
(``kernel.refusals``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kernel.refusals import refusal

CHANNEL_NOT_FOUND = refusal("not_found", 404, _("通知渠道不存在"))
