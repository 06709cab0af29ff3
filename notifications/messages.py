"""What a delivery says: one notification, or a digest of several, in the channel's language."""

from __future__ import annotations

from notifications import kinds
from notifications.channels.base import Message
from notifications.models import Channel, Delivery
from notifications.pacing import DIGEST_MAX_LINES


def _text(delivery: Delivery, lang: str) -> tuple[str, str]:
    try:
        kind = kinds.get(delivery.kind)
    except KeyError:
        return delivery.kind, delivery.key
    context = delivery.notification.context if delivery.notification else {}
    return kinds.render(kind, lang, context)


def _meta(delivery: Delivery, lang: str) -> dict[str, object]:
    title, body = _text(delivery, lang)
    return {
        "kind": delivery.kind,
        "key": delivery.key,
        "severity": delivery.severity,
        "created_at": delivery.created_at.isoformat(),
        "title": title,
        "body": body,
    }


def compose(channel: Channel, carrier: Delivery, items: list[Delivery]) -> Message:
    """The message for ``carrier`` alone, or — when it carries ``items`` — one digest."""
    lang = channel.language
    if not items:
        title, body = _text(carrier, lang)
        return Message(title, body, {**_meta(carrier, lang), "count": 1, "lang": lang})
    everything = [carrier, *items]
    lines = [f"• {_text(d, lang)[0]}" for d in everything[:DIGEST_MAX_LINES]]
    more = len(everything) - DIGEST_MAX_LINES
    if lang == "en":
        title = f"Fleet digest: {len(everything)} notifications"
        if more > 0:
            lines.append(f"… and {more} more (see the notification list)")
    else:
        title = f"Fleet 汇总：{len(everything)} 条通知"
        if more > 0:
            lines.append(f"……另有 {more} 条（见通知列表）")
    meta = {
        "kind": "digest",
        "count": len(everything),
        "lang": lang,
        "items": [_meta(d, lang) for d in everything],
    }
    return Message(title, "\n".join(lines), meta)
