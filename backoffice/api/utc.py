"""The API speaks UTC: every datetime under ``/api/`` is rendered as aware UTC (``...Z``).

The back office shows the operators' zone (``TIME_ZONE``, Asia/Shanghai); clients and scripts get
one unambiguous zone, whatever the server's setting.
"""

from __future__ import annotations

from datetime import UTC

from django.utils import timezone


class ApiUtcMiddleware:
    """Activate UTC for requests under ``/api/`` (the admin keeps the operators' zone)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        timezone.activate(UTC)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
