"""Ship&co-shaped error bodies and the proxy page; generic HTTP plumbing is :mod:`sandbox.common.web`."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from sandbox.common.web import Detail, HttpError, Response, json_response
from sandbox.shipandco.facts import ERROR_CODES, SERVER_ERROR_CODE


def detail(code: str, field_name: str, message: str, value: Any = None) -> Detail:
    """One ``details[]`` entry of a 4xx body: ``{"code", "message", "field", "value"?}``."""
    entry: Detail = {"code": code, "message": message, "field": field_name}
    if value is not None:
        entry["value"] = value
    return entry


def error_body(
    status: int, message: str, *, code: str | None = None, details: Sequence[Detail] = ()
) -> dict[str, Any]:
    """Ship&co's error body for ``status``: 4xx ``{debug_id, code, message, details?}``, 5xx
    ``{code, description}`` (no ``message``)."""
    if status >= 500:
        return {"code": code or SERVER_ERROR_CODE, "description": message}
    body: dict[str, Any] = {
        "debug_id": f"err_{secrets.token_hex(4)}",
        "code": code or ERROR_CODES.get(status, HTTPStatus(status).name),
        "message": message,
    }
    if details:
        body["details"] = list(details)
    return body


def error_response(exc: HttpError, content_type: str = "application/json") -> Response:
    """An :class:`HttpError` as Ship&co answers it."""
    body = error_body(exc.status, exc.message, code=exc.code, details=exc.details)
    return json_response(exc.status, body, exc.headers, content_type=content_type)


def proxy_page(status: int) -> str:
    """The non-JSON page a proxy in front of the API answers with (nginx style)."""
    title = f"{status} {HTTPStatus(status).phrase}"
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    )
