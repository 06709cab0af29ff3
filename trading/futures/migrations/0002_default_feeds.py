"""Default feeds (BTCUSDT and ETHUSDT on 5m, 15m and 1h) and one switch per strategy (all on)."""

from django.db import migrations

SYMBOLS = ("BTCUSDT", "ETHUSDT")
INTERVALS = ("5m", "15m", "1h")
STRATEGIES = ("trend_ema_adx", "meanrev_rsi_bb", "breakout_donchian_atr", "model_gbm")


def seed(apps, schema_editor):
    Feed = apps.get_model("futures", "Feed")
    StrategySetting = apps.get_model("futures", "StrategySetting")
    for symbol in SYMBOLS:
        for interval in INTERVALS:
            Feed.objects.get_or_create(symbol=symbol, interval=interval)
    for name in STRATEGIES:
        StrategySetting.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("futures", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
