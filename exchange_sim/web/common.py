"""Request plumbing for the ``bapi`` endpoints: JSON bodies, handler wrapping, reply faults."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from exchange_sim.futures.replies import DropReply
from exchange_sim.web.session import WebError, WebSession, WebUser, authenticate, bad_param
from exchange_sim.world import World

PrivateHandler = Callable[[Request, World, WebSession, WebUser], Awaitable[Response]]
PublicHandler = Callable[[Request, World], Awaitable[Response]]


async def json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw, parse_float=Decimal)
    except ValueError:
        raise bad_param("illegal parameter: body is not JSON") from None
    if not isinstance(data, dict):
        raise bad_param("illegal parameter: body must be an object")
    return data


def decimal_of(value: Any, name: str) -> Decimal:
    """A number sent as a JSON number or a string (clients do both)."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise bad_param(f"illegal parameter: {name}")
    try:
        out = Decimal(str(value))
    except InvalidOperation:
        raise bad_param(f"illegal parameter: {name}") from None
    if not out.is_finite():
        raise bad_param(f"illegal parameter: {name}")
    return out


def private(world: World, handler: PrivateHandler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        try:
            session, user = authenticate(request, world)
            return await handler(request, world, session, user)
        except WebError as err:
            return err.response()

    return endpoint


def public(world: World, handler: PublicHandler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request, world)
        except WebError as err:
            return err.response()

    return endpoint


def after_exec(world: World, session_id: str, body: dict[str, Any]) -> Response:
    """The reply for an executed order unless ``drop_reply`` / ``error_after_exec`` is armed."""
    fault = world.faults.take("drop_reply", session_id)
    if fault:
        hang = int(fault.params.get("ms", 0)) if fault.params.get("mode") == "hang" else 0
        raise DropReply(hang)
    fault = world.faults.take("error_after_exec", session_id)
    if fault:
        status = int(fault.params.get("status", 503))
        code = str(fault.params.get("code", "100001001"))
        return WebError(code, "system exception", status).response()
    return JSONResponse(body)
