"""Unknown paths and methods answer in the venue's own JSON error shape, never plain text.

A client library parses an error body to decide what went wrong; a bare ``Not Found`` makes it
fail with a decoding error instead. Bitget answers ``{"code":"40404","msg":"Request URL NOT
FOUND",…}``; Binance's futures hosts answer 404 ``{"code":-5000,"msg":"Path /x, Method GET is
invalid"}`` (its spot host an HTML page — the simulator uses the JSON form for every Binance
prefix). Facts and sources: docs/simulator.md.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

BITGET_PREFIXES = ("/api/v2/", "/api/mix/", "/api/spot/", "/api/margin/")
BINANCE_PREFIXES = ("/api/", "/sapi/", "/fapi/", "/dapi/", "/eapi/", "/papi/")


async def venue_error(request: Request, exc: Exception) -> JSONResponse:
    """The Starlette handler for 404 and 405."""
    status = exc.status_code if isinstance(exc, HTTPException) else 404
    path = request.url.path
    if path.startswith(BITGET_PREFIXES):
        now = request.app.state.world.clock_ms()
        body = {"code": "40404", "msg": "Request URL NOT FOUND", "requestTime": now, "data": None}
        return JSONResponse(body, status_code=404)
    if path.startswith(BINANCE_PREFIXES):
        msg = f"Path {path}, Method {request.method} is invalid"
        return JSONResponse({"code": -5000, "msg": msg}, status_code=404)
    detail = exc.detail if isinstance(exc, HTTPException) else "Not Found"
    return JSONResponse({"code": status, "msg": detail}, status_code=status)


HANDLERS = {404: venue_error, 405: venue_error}
