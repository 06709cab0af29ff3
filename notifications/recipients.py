"""Who a notification is for: a trader (desktop user), a staff user, or every staff user holding a
permission or in a group. ``resolve`` turns a list of these into distinct concrete recipients
(``"t:<trader id>"`` / ``"u:<user id>"``) at the moment of notifying."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q


@dataclass(frozen=True)
class Recipient:
    """A recipient as the caller names it; build with the class methods."""

    kind: str  # trader | user | permission | group
    value: str

    @classmethod
    def trader(cls, trader_id: int) -> Recipient:
        return cls("trader", str(int(trader_id)))

    @classmethod
    def user(cls, user_id: int) -> Recipient:
        return cls("user", str(int(user_id)))

    @classmethod
    def permission(cls, perm: str) -> Recipient:
        """Every active staff user holding ``app_label.codename`` (superusers included)."""
        return cls("permission", perm)

    @classmethod
    def group(cls, name: str) -> Recipient:
        return cls("group", name)


def _staff_with_permission(perm: str) -> list[int]:
    app_label, codename = perm.split(".", 1)
    holds = Q(
        user_permissions__codename=codename, user_permissions__content_type__app_label=app_label
    )
    via_group = Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    )
    users = get_user_model().objects.filter(is_active=True, is_staff=True)
    return list(
        users.filter(holds | via_group | Q(is_superuser=True))
        .values_list("pk", flat=True)
        .distinct()
    )


def _staff_in_group(name: str) -> list[int]:
    users = get_user_model().objects.filter(is_active=True, is_staff=True, groups__name=name)
    return list(users.values_list("pk", flat=True).distinct())


def resolve(recipients: Iterable[Recipient]) -> list[str]:
    """Distinct concrete recipient refs, in a stable order: ``["t:3", "u:1", …]``."""
    refs: set[str] = set()
    for recipient in recipients:
        if recipient.kind == "trader":
            refs.add(f"t:{recipient.value}")
        elif recipient.kind == "user":
            refs.add(f"u:{recipient.value}")
        elif recipient.kind == "permission":
            refs.update(f"u:{pk}" for pk in _staff_with_permission(recipient.value))
        elif recipient.kind == "group":
            refs.update(f"u:{pk}" for pk in _staff_in_group(recipient.value))
        else:
            raise ValueError(f"unknown recipient kind {recipient.kind!r}")
    return sorted(refs)


def owner_recipient(ref: str) -> Recipient:
    """The recipient a concrete ref (``"t:3"`` / ``"u:1"``) names."""
    who, _, pk = ref.partition(":")
    if who == "t":
        return Recipient.trader(int(pk))
    if who == "u":
        return Recipient.user(int(pk))
    raise ValueError(f"not a recipient ref: {ref!r}")
