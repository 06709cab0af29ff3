"""OpenAPI post-processing: the refusals every endpoint can give, documented once.

Any operation can answer 503 ``service_unavailable`` (Redis or the database down), and any
operation that takes a body can answer 400 (not JSON / invalid), 413 ``payload_too_large`` and
415 ``unsupported_media_type`` (``backoffice.api.middleware``, ``backoffice.api.parsers``);
listing them per view would repeat the same four lines on every view."""

from __future__ import annotations

from typing import Any

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
EVERYWHERE = {"503": "Redis or the database is unavailable (service_unavailable)"}
WITH_BODY = {
    "400": "Malformed or invalid body (malformed_request / invalid_input)",
    "413": "Body larger than the API accepts (payload_too_large)",
    "415": "Body is not JSON (unsupported_media_type)",
}


def add_common_refusals(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """drf-spectacular ``POSTPROCESSING_HOOKS`` entry (see the module docstring)."""
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            responses = operation.setdefault("responses", {})
            extra = {**EVERYWHERE, **(WITH_BODY if "requestBody" in operation else {})}
            for status, description in extra.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": ERROR_REF}},
                    },
                )
    return result
