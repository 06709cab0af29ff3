"""``GET /metrics``: the Prometheus exposition (``backoffice.metrics``), for the monitoring only."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from backoffice import metrics


@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not metrics.allowed(
        request.META.get("REMOTE_ADDR", ""),
        request.META.get("HTTP_AUTHORIZATION", ""),
        settings.METRICS_TOKEN,
        settings.METRICS_ALLOWED_NETS,
    ):
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    body, content_type = metrics.exposition()
    return HttpResponse(body, content_type=content_type)
