"""The notifications app's own kinds: a channel judged broken (told to its owner in-app) and the
test message an operator or trader sends by hand."""

from notifications.choices import Severity
from notifications.kinds import Kind, register

CHANNEL_BROKEN = register(
    Kind(
        code="notifications.channel_broken",
        severity=Severity.CRITICAL,
        title_zh="通知渠道故障：{channel}",
        title_en="Notification channel broken: {channel}",
        body_zh="渠道「{channel}」连续 {failures} 次发送失败，已暂停使用。最近错误：{error}。请检查地址与密钥后点“发送测试消息”恢复。",
        body_en="Channel “{channel}” failed {failures} times in a row and is paused. Last error: {error}. Check its URL and secret, then use “send test message” to restore it.",
    )
)

TEST_MESSAGE = register(
    Kind(
        code="notifications.test",
        severity=Severity.INFO,
        title_zh="Fleet 测试消息",
        title_en="Fleet test message",
        body_zh="这是来自 Fleet 的测试消息（渠道：{channel}，{at}）。收到即表示配置正确。",
        body_en="This is a test message from Fleet (channel: {channel}, {at}). If you can read it, the channel works.",
    )
)
