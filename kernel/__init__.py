"""Shared kernel: the pieces every app uses (Redis, runtime config, crypto, refusals); imports no app."""
