"""What every API call passes first: authentication, the rate limit, injected faults; and the
error bodies of each API (V1 ``{"Message"}``, V2 ``{"request_id", "errors": [...]}``).
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable

from sandbox.common.web import HttpError, Request, Response, json_response
from sandbox.shipstation.facts import (
    V1_RATE_HEADERS,
    V1_RATE_LIMIT,
    V1_RATE_WINDOW,
    V1_TOO_MANY,
    V1_UNAUTHORIZED,
    V2_AUTH_HEADER,
    V2_ERROR_SOURCE,
    V2_RATE_HEADERS,
    V2_RATE_LIMIT,
    V2_RATE_WINDOW,
)
from sandbox.shipstation.state import ShipStationState

FAULT_MESSAGE = "Injected fault (ShipStation sandbox)"
#: HTTP status → V2 (error_type, error_code), from the OpenAPI enums.
V2_ERROR_KINDS: dict[int, tuple[str, str]] = {
    400: ("validation", "invalid_field_value"),
    401: ("security", "unauthorized"),
    403: ("security", "forbidden"),
    404: ("validation", "invalid_identifier"),
    405: ("validation", "unspecified"),
    409: ("business_rules", "identifier_conflict"),
    413: ("validation", "invalid_field_value"),
    429: ("system", "rate_limit_exceeded"),
}

Route = Callable[[ShipStationState, Request, str, str], Response]


def v1_error(exc: HttpError) -> Response:
    """V1's ASP.NET-style error: ``{"Message": …}`` (``ModelState`` when fields are named)."""
    body: dict[str, object] = {"Message": exc.message}
    if exc.details:
        body["ModelState"] = {d["field"]: [d["message"]] for d in exc.details}
    return json_response(exc.status, body, exc.headers)


def v2_error(exc: HttpError) -> Response:
    """V2's error body; ``exc.code`` overrides the error_code picked from the status."""
    error_type, error_code = V2_ERROR_KINDS.get(exc.status, ("system", "unspecified"))
    errors = [
        {
            "error_source": V2_ERROR_SOURCE,
            "error_type": error_type,
            "error_code": exc.code or error_code,
            "message": message,
        }
        for message in [exc.message, *(d["message"] for d in exc.details)]
    ]
    body = {"request_id": str(uuid.uuid4()), "errors": errors}
    return json_response(exc.status, body, exc.headers)


def _basic(request: Request) -> tuple[str, str]:
    """(key, secret) from ``Authorization: Basic …``; empty strings when absent or garbled."""
    scheme, _, value = request.header("Authorization").partition(" ")
    if scheme.lower() != "basic":
        return "", ""
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return "", ""
    key, _, secret = decoded.partition(":")
    return key, secret


def _fault_response(api: str, status: int) -> Response:
    error = v1_error if api == "v1" else v2_error
    headers = [("Retry-After", "1")] if api == "v2" and status in (429, 503) else []
    message = V1_UNAUTHORIZED if api == "v1" and status == 401 else FAULT_MESSAGE
    return error(HttpError(status, message, headers=headers))


def run_api(
    state: ShipStationState, request: Request, api: str, path: str, route: Route
) -> Response:
    """Authenticate, count and fault-check one call of ``api`` (v1|v2), then ``route`` it.

    Every authenticated answer, errors included, carries the rate-limit headers.
    """
    error = v1_error if api == "v1" else v2_error
    if api == "v1":
        key, secret = _basic(request)
        account_id = state.account_for_v1(key, secret) if key else None
        if account_id is None:
            challenge = [("WWW-Authenticate", 'Basic realm="ShipStation"')]
            return v1_error(HttpError(401, V1_UNAUTHORIZED, headers=challenge))
        counter, limit, window, names = f"v1:{key}", V1_RATE_LIMIT, V1_RATE_WINDOW, V1_RATE_HEADERS
    else:
        key = request.header(V2_AUTH_HEADER)
        account_id = state.account_for_v2(key) if key else None
        if account_id is None:
            message = (
                "The request is missing a valid API key." if key else "API-Key header missing."
            )
            return v2_error(HttpError(401, message))
        counter, limit, window, names = f"v2:{key}", V2_RATE_LIMIT, V2_RATE_WINDOW, V2_RATE_HEADERS
    headers, retry_after = state.count_call(counter, limit, window, names)
    if retry_after:
        extra = [("Retry-After", str(retry_after))] if api == "v2" else []
        message = (
            f"{V1_TOO_MANY}: {limit} per {window:g} s"
            if api == "v1"
            else (f"You have exceeded the rate limit of {limit} requests per minute.")
        )
        response = error(HttpError(429, message, headers=extra))
        response.headers.extend(headers)
        return response
    fault = state.take_fault(account_id, api)
    if fault is not None:
        response = _fault_response(api, fault.status)
    else:
        try:
            response = route(state, request, path.rstrip("/") or "/", account_id)
        except HttpError as exc:
            response = error(exc)
    response.headers.extend(headers)
    return response


def int_param(query: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    """An integer query parameter within ``low..high``; anything else is a 400."""
    raw = query.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise HttpError(400, f"{name} must be an integer, not {raw!r}.") from None
    if not low <= value <= high:
        raise HttpError(400, f"{name} must be from {low} to {high}.")
    return value


def paginate(items: list, page: int, size: int) -> tuple[list, int, int]:
    """(the page's items, total, pages); ``pages`` is 0 when there is nothing."""
    total = len(items)
    pages = -(-total // size)
    return items[(page - 1) * size : page * size], total, pages
