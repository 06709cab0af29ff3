"""The risk notice a trader accepts before the first start (shown by the client, zh and en)."""

RISK_NOTICE = {
    "version": "2026-12",
    "title_zh": "风险提示：Alpha 自动刷量",
    "title_en": "Risk notice: automated Alpha volume",
    "body_zh": (
        "币安的公告将使用脚本或机器人参与 Alpha 活动视为违规，并会标记在同一 IP 或同一设备上操作的"
        "多个账户；被限制的账户据报道约 20 天后或申诉后才解除。本机器人以您的币安网页登录在服务器上"
        "自动下单，不做任何掩饰（不伪造设备指纹、不轮换 IP）。每一轮买卖都有手续费和价差损耗（磨损），"
        "价格剧烈波动时可能亏损更多。继续即表示您了解并自行承担这些风险。"
    ),
    "body_en": (
        "Binance's notices treat scripts or bots used for Alpha activities as violations and flag "
        "many accounts operated from one IP or device; restrictions were reported to lift after "
        "about 20 days or on appeal. This bot places orders from the server with your Binance web "
        "login and disguises nothing (no fingerprint spoofing, no IP rotation). Every buy/sell "
        "cycle costs fees and spread (wear), and sharp price moves can cost more. By continuing "
        "you confirm you understand and accept these risks."
    ),
}
