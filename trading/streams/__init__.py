"""The stream process: long-running asyncio jobs (venue user-data streams, pollers) supervised in
one event loop by ``python manage.py run_streams``. See :mod:`trading.streams.registry`."""
