"""``manage.py notify_test --kind dingtalk|wecom|feishu|telegram|webhook --url URL [--secret S]
[--chat-id ID] [--lang zh|en]``: send one test message to a channel that is not saved anywhere and
print the platform's reply — for checking a robot by hand before (or without) adding it in the
admin. Telegram: ``--secret`` is the bot token, ``--url`` the API base (default the official one)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notifications import kinds, notices
from notifications.channels import PLATFORMS, Message, Target, platform
from notifications.channels.transport import post


class Command(BaseCommand):
    help = "Send one test message to a DingTalk / WeCom / Feishu / Telegram / webhook channel and print the reply."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--kind", required=True, choices=sorted(PLATFORMS))
        parser.add_argument("--url", default="", help="robot webhook URL (Telegram: API base)")
        parser.add_argument("--secret", default="", help="signing secret (Telegram: bot token)")
        parser.add_argument("--chat-id", default="", help="Telegram chat id")
        parser.add_argument("--lang", default="zh", choices=["zh", "en"])

    def handle(self, *args, **opts) -> None:
        kind = opts["kind"]
        if kind == "telegram" and not (opts["secret"] and opts["chat_id"]):
            raise CommandError("telegram needs --secret <bot token> and --chat-id <chat id>")
        if kind != "telegram" and not opts["url"]:
            raise CommandError("--url is required")
        target = Target(kind, opts["url"], opts["secret"], opts["chat_id"])
        context = {
            "channel": f"notify_test {kind}",
            "at": timezone.now().isoformat(timespec="seconds"),
        }
        title, body = kinds.render(notices.TEST_MESSAGE, opts["lang"], context)
        message = Message(title, body, {"kind": notices.TEST_MESSAGE.code, "key": "notify_test"})
        plat = platform(kind)
        reply = post(plat, plat.build(target, message, time.time()))
        self.stdout.write(
            f"HTTP {reply.status if reply.status is not None else '-'} ({reply.duration_ms} ms)"
        )
        self.stdout.write(reply.body.decode(errors="replace") or "(empty reply)")
        verdict = reply.verdict
        if verdict.ok:
            self.stdout.write(self.style.SUCCESS("ok: the platform accepted the message"))
            return
        raise CommandError(f"{verdict.outcome}: [{verdict.code}] {verdict.error}")
