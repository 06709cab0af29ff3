"""The Alpha OTO volume bot (Alpha 刷量): per trader and token, OTO buy→sell cycles until a
counted-volume target is reached, exactly one live pair per trader. Guide: docs/alpha.md."""
