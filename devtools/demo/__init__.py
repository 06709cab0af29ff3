"""Demo seeders and scenarios per product: ``make demo`` (``seed_demo``, ``run_demo_scenarios``)."""
