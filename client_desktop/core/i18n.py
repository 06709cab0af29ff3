"""Every string the trader reads, in Chinese (default) and English: a plain dict catalog.

The server already sends refusal messages in the trader's language; the client still maps the
machine ``code`` to its own text so the UI language switch applies to errors too.
"""

from __future__ import annotations

from typing import Final

DEFAULT_LANGUAGE: Final = "zh"
LANGUAGES: Final = ("zh", "en")

CATALOG: Final[dict[str, dict[str, str]]] = {
    "zh": {
        "app.title": "Fleet 交易客户端",
        "login.title": "登录",
        "login.server": "服务器地址",
        "login.username": "用户名",
        "login.password": "密码",
        "login.submit": "登录",
        "login.busy": "正在登录…",
        "login.language": "语言",
        "login.device": "本机设备ID：{device_id}",
        "err.invalid_credentials": "用户名或密码错误",
        "err.account_expired": "账号已过期，请联系管理员",
        "err.account_disabled": "账号已被禁用，请联系管理员",
        "err.device_not_allowed": "此设备未获授权，请将设备ID发给管理员：{device_id}",
        "err.login_locked": "登录失败次数过多，请稍后再试",
        "err.session_expired": "登录已超过24小时，请重新登录",
        "err.invalid_token": "登录凭证无效，请重新登录",
        "err.not_authenticated": "请先登录",
        "err.network": "无法连接服务器，请检查网络和服务器地址",
        "err.server": "服务器错误，请稍后再试",
        "err.validation": "输入有误：{detail}",
        "err.unknown": "未知错误：{detail}",
        "err.binance_session_expired": "币安登录已失效，请重新扫码绑定",
        "err.binance_rejected": "币安拒绝了下单：{detail}",
        "err.binance_unknown": "下单结果未知，已查询挂单确认：{detail}",
        "err.binance_not_found": "下单结果未知且挂单中未找到，按未成交处理",
        "err.binance_network": "连接币安失败：{detail}",
        "err.rate_limited": "币安请求过于频繁，请稍后",
        "qr.title": "绑定币安账号",
        "qr.hint": "请使用币安 App 扫描二维码登录",
        "qr.waiting": "等待扫码…",
        "qr.scanned": "已扫码，请在手机上确认",
        "qr.expired": "二维码已过期，正在刷新…",
        "qr.confirmed": "绑定成功",
        "qr.error": "获取二维码失败：{detail}",
        "qr.refresh": "刷新二维码",
        "qr.logout": "退出登录",
        "tab.event": "事件合约",
        "trade.amount": "下单金额 (USDT)",
        "trade.amount_save": "保存",
        "trade.amount_saved": "金额已保存：{amount} USDT",
        "trade.amount_invalid": "金额必须在 {low} 到 {high} USDT 之间",
        "trade.amount_range": "允许范围：{low}–{high} USDT，最多两位小数",
        "trade.auto": "自动下单",
        "trade.auto_on": "自动下单：开",
        "trade.auto_off": "自动下单：关",
        "trade.received": "今日接收",
        "trade.placed": "今日成功",
        "trade.failed": "今日失败",
        "trade.last_error": "最近错误：{error}",
        "trade.no_error": "最近错误：无",
        "col.time": "时间",
        "col.symbol": "交易对",
        "col.direction": "方向",
        "col.increment": "周期",
        "col.amount": "金额",
        "col.result": "结果",
        "col.binance_id": "币安订单号",
        "col.error": "错误",
        "dir.LONG": "涨",
        "dir.SHORT": "跌",
        "state.received": "已接收",
        "state.placing": "下单中",
        "state.placed": "成功",
        "state.failed": "失败",
        "state.unknown": "待确认",
        "state.skipped_expired": "已过期跳过",
        "status.server_ok": "服务器：已连接",
        "status.server_down": "服务器：连接中断，{seconds} 秒后重试",
        "status.session": "登录剩余：{left}",
        "status.binding": "币安：已绑定，剩余 {left}",
        "status.binding_unknown": "币安：已绑定",
        "status.binding_none": "币安：未绑定",
        "status.auto_on": "自动下单：开",
        "status.auto_off": "自动下单：关",
        "status.logout": "退出登录",
        "reason.logout": "已退出登录",
        "duration.hm": "{h}小时{m}分",
        "duration.dh": "{d}天{h}小时",
    },
    "en": {
        "app.title": "Fleet trading client",
        "login.title": "Log in",
        "login.server": "Server",
        "login.username": "Username",
        "login.password": "Password",
        "login.submit": "Log in",
        "login.busy": "Logging in…",
        "login.language": "Language",
        "login.device": "This device's id: {device_id}",
        "err.invalid_credentials": "Wrong username or password",
        "err.account_expired": "Your account has expired, please contact the administrator",
        "err.account_disabled": "Your account is disabled, please contact the administrator",
        "err.device_not_allowed": "This device is not allowed; send its id to the administrator: "
        "{device_id}",
        "err.login_locked": "Too many failed logins, please try again later",
        "err.session_expired": "Your login is older than 24 hours, please log in again",
        "err.invalid_token": "Your login is no longer valid, please log in again",
        "err.not_authenticated": "Please log in",
        "err.network": "Cannot reach the server; check the network and the server address",
        "err.server": "Server error, please try again later",
        "err.validation": "Invalid input: {detail}",
        "err.unknown": "Unexpected error: {detail}",
        "err.binance_session_expired": "Binance login expired, please scan the QR code again",
        "err.binance_rejected": "Binance refused the order: {detail}",
        "err.binance_unknown": "Order outcome unknown, checked open orders: {detail}",
        "err.binance_not_found": "Order outcome unknown and not among open orders: not placed",
        "err.binance_network": "Cannot reach Binance: {detail}",
        "err.rate_limited": "Binance asked to slow down, waiting",
        "qr.title": "Bind your Binance account",
        "qr.hint": "Scan the QR code with the Binance app to log in",
        "qr.waiting": "Waiting for the scan…",
        "qr.scanned": "Scanned, please confirm on your phone",
        "qr.expired": "QR code expired, refreshing…",
        "qr.confirmed": "Bound",
        "qr.error": "Could not get a QR code: {detail}",
        "qr.refresh": "Refresh QR code",
        "qr.logout": "Log out",
        "tab.event": "Event contracts",
        "trade.amount": "Order amount (USDT)",
        "trade.amount_save": "Save",
        "trade.amount_saved": "Amount saved: {amount} USDT",
        "trade.amount_invalid": "The amount must be between {low} and {high} USDT",
        "trade.amount_range": "Allowed: {low}–{high} USDT, at most 2 decimals",
        "trade.auto": "Auto-trading",
        "trade.auto_on": "Auto-trading: on",
        "trade.auto_off": "Auto-trading: off",
        "trade.received": "Received today",
        "trade.placed": "Placed today",
        "trade.failed": "Failed today",
        "trade.last_error": "Last error: {error}",
        "trade.no_error": "Last error: none",
        "col.time": "Time",
        "col.symbol": "Symbol",
        "col.direction": "Direction",
        "col.increment": "Increment",
        "col.amount": "Amount",
        "col.result": "Result",
        "col.binance_id": "Binance order id",
        "col.error": "Error",
        "dir.LONG": "Up",
        "dir.SHORT": "Down",
        "state.received": "Received",
        "state.placing": "Placing",
        "state.placed": "Placed",
        "state.failed": "Failed",
        "state.unknown": "Checking",
        "state.skipped_expired": "Expired, skipped",
        "status.server_ok": "Server: connected",
        "status.server_down": "Server: connection lost, retrying in {seconds} s",
        "status.session": "Login left: {left}",
        "status.binding": "Binance: bound, {left} left",
        "status.binding_unknown": "Binance: bound",
        "status.binding_none": "Binance: not bound",
        "status.auto_on": "Auto-trading: on",
        "status.auto_off": "Auto-trading: off",
        "status.logout": "Log out",
        "reason.logout": "Logged out",
        "duration.hm": "{h} h {m} min",
        "duration.dh": "{d} d {h} h",
    },
}


# Desktop UI shell strings (menus, login form, contract durations), merged into the catalog above.
_UI_STRINGS: Final[dict[str, dict[str, str]]] = {
    "zh": {
        "login.copy_device": "复制设备ID",
        "login.missing": "请填写服务器地址、用户名和密码",
        "menu.account": "账号",
        "menu.logout": "退出登录",
        "menu.quit": "退出程序",
        "menu.language": "语言",
        "lang.zh": "中文",
        "lang.en": "English",
        "tab.copytrade": "跟单",
        "inc.FIVE_MINUTE": "5分钟",
        "inc.TEN_MINUTE": "10分钟",
        "inc.FIFTEEN_MINUTE": "15分钟",
        "inc.THIRTY_MINUTE": "30分钟",
        "inc.ONE_HOUR": "1小时",
        "inc.TWO_HOUR": "2小时",
        "inc.FOUR_HOUR": "4小时",
        "inc.ONE_DAY": "1天",
        "reason.binance_expired": "币安登录已失效，请重新扫码绑定",
        "status.server_connecting": "服务器：连接中…",
        "trade.user": "当前用户：{name}",
        "qr.code_text": "模拟器二维码：{code}",
        "operator.title": "跟单操作员登录",
        "menu.operator_login": "跟单操作员登录…",
        "menu.operator_show": "打开跟单面板",
        "menu.operator_logout": "跟单操作员退出",
    },
    "en": {
        "login.copy_device": "Copy device id",
        "login.missing": "Enter the server address, username and password",
        "menu.account": "Account",
        "menu.logout": "Log out",
        "menu.quit": "Quit",
        "menu.language": "Language",
        "lang.zh": "中文",
        "lang.en": "English",
        "tab.copytrade": "Copy trading",
        "inc.FIVE_MINUTE": "5 min",
        "inc.TEN_MINUTE": "10 min",
        "inc.FIFTEEN_MINUTE": "15 min",
        "inc.THIRTY_MINUTE": "30 min",
        "inc.ONE_HOUR": "1 h",
        "inc.TWO_HOUR": "2 h",
        "inc.FOUR_HOUR": "4 h",
        "inc.ONE_DAY": "1 day",
        "reason.binance_expired": "Binance login expired, please scan the QR code again",
        "status.server_connecting": "Server: connecting…",
        "trade.user": "Logged in as {name}",
        "qr.code_text": "Simulator QR code: {code}",
        "operator.title": "Copy-trading operator login",
        "menu.operator_login": "Copy-trading operator login…",
        "menu.operator_show": "Open the copy-trading panel",
        "menu.operator_logout": "Copy-trading operator log out",
    },
}
for _lang, _strings in _UI_STRINGS.items():
    for _key, _text in _strings.items():
        CATALOG[_lang].setdefault(_key, _text)


def _merge_screen_strings() -> None:
    """Add the per-screen modules of ``client_desktop.core.strings``; a clash is an error."""
    from client_desktop.core.strings import collect

    for lang, part in collect().items():
        clash = CATALOG[lang].keys() & part.keys()
        if clash:
            raise ValueError(f"client strings defined twice: {sorted(clash)}")
        CATALOG[lang].update(part)


_merge_screen_strings()


def tr(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """The text for ``key`` in ``lang`` (falls back to Chinese, then to the key itself).
    ``key`` and ``lang`` are positional only, so a text may have ``{key}`` / ``{lang}``
    placeholders of its own."""
    text = CATALOG.get(lang, {}).get(key) or CATALOG[DEFAULT_LANGUAGE].get(key) or key
    return text.format(**params) if params else text


def error_text(code: str, lang: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """A server refusal ``code`` in plain words; unknown codes keep the server's own message."""
    key = f"err.{code}"
    if key in CATALOG[DEFAULT_LANGUAGE]:
        params.setdefault("device_id", "")
        params.setdefault("detail", "")
        return tr(key, lang, **params)
    return tr("err.unknown", lang, detail=params.get("detail") or code)


def duration_text(seconds: float, lang: str = DEFAULT_LANGUAGE) -> str:
    """``93784`` → "1天2小时" / "1 d 2 h"; under a day → hours and minutes."""
    total = max(0, int(seconds))
    days, rest = divmod(total, 86_400)
    hours, rest = divmod(rest, 3600)
    if days:
        return tr("duration.dh", lang, d=days, h=hours)
    return tr("duration.hm", lang, h=hours, m=rest // 60)
