"""Refusal codes of the Alpha bots, declared once in the one catalogue (``kernel.refusals``):
each message says what the trader should do. Services raise them as ``Refused``; the API answers
them (400 unless stated), the admin shows their message."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kernel.refusals import refusal

# Binance web sessions (``trading.alpha.services.credentials``)
SESSION_INVALID = refusal("session_invalid", 400, _("币安登录无效或已过期，请重新扫码绑定"))
SESSION_UNVERIFIED = refusal("session_unverified", 400, _("暂时无法验证币安登录：%(reason)s"))
CONSENT_REQUIRED = refusal("consent_required", 400, _("托管登录到服务器需要您明确同意"))
SESSION_INCOMPLETE = refusal("session_incomplete", 400, _("缺少 csrftoken 或 p20t"))
SESSION_ENDED = refusal("session_expired", 400, _("该登录已过期，请重新扫码绑定"))
NO_SESSION = refusal("no_session", 400, _("请先在「绑定币安账号」扫码并托管到服务器"))
# Bot configuration and commands (``trading.alpha.services.bots``)
BAD_AMOUNT = refusal("bad_config", 400, _("每单金额必须大于 0"))
BAD_TARGET = refusal("bad_config", 400, _("目标必须大于 0"))
BAD_TIMEOUT = refusal("bad_config", 400, _("超时至少 5 秒"))
BAD_SWING = refusal("bad_config", 400, _("波动阈值必须大于 0"))
BOT_RUNNING = refusal("bot_running", 400, _("机器人运行中，请先暂停或停止再修改配置"))
SWEEP_WHILE_RUNNING = refusal("bot_running", 400, _("请先停止机器人再清仓"))
RISK_NOT_ACCEPTED = refusal("risk_not_accepted", 400, _("首次启动前请阅读并接受风险提示"))
TOKEN_UNAVAILABLE = refusal("token_unavailable", 400, _("%(symbol)s 已下线或暂停交易，不能启动"))
START_SESSION_EXPIRED = refusal("session_expired", 400, _("币安登录已过期，请重新扫码绑定"))
RESUME_SESSION_EXPIRED = refusal(
    "session_expired", 400, _("币安登录已过期，请重新扫码绑定后再继续")
)
ANOTHER_BOT_RUNNING = refusal(
    "another_bot_running", 400, _("您已有一个机器人在运行（每位交易员同时只能运行一个）")
)
SWEEP_BOT_RUNNING = refusal("another_bot_running", 400, _("您已有一个机器人在运行"))
NOTHING_TO_SWEEP = refusal("nothing_to_sweep", 400, _("没有可卖出的剩余代币"))
# Token catalogue and venue (``trading.alpha.services.catalogue``, the API)
TOKEN_UNKNOWN = refusal("token_unknown", 400, _("找不到代币 %(name)s（币安 Alpha 代币列表中没有）"))
VENUE_UNAVAILABLE = refusal("venue_unavailable", 503, "%(reason)s")  # the venue's own words
# The demo scenario's precondition (``devtools.demo.alpha_scenario``)
NO_DEMO_TRADER = refusal("no_trader", 400, "demo trader %(trader)s missing (seed_demo)")
