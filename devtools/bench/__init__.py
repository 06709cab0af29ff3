"""Benchmarks per product (``manage.py bench_*``, ``make bench``) and what they share."""
