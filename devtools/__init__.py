"""Developer tools: the demo (seeders, scenarios, screenshots) and the benchmarks, in one place of
their own so that no product package carries them; it may import every app, no app imports it."""
