"""HTTP plumbing of the emulator: request wrapper, responses and Ship&co-shaped error bodies."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs
from wsgiref.util import application_uri

from sandbox.shipandco.facts import ERROR_CODES, SERVER_ERROR_CODE

MAX_BODY = 20 * 1024 * 1024

Detail = dict[str, Any]


def is_int(value: Any) -> bool:
    """A JSON integer (``true``/``false`` are not)."""
    return isinstance(value, int) and not isinstance(value, bool)


def detail(code: str, field_name: str, message: str, value: Any = None) -> Detail:
    """One ``details[]`` entry of a 4xx body: ``{"code", "message", "field", "value"?}``."""
    entry: Detail = {"code": code, "message": message, "field": field_name}
    if value is not None:
        entry["value"] = value
    return entry


class HttpError(Exception):
    """An error answer: 4xx ``{debug_id, code, message, details?}``, 5xx ``{code, description}``."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        details: Sequence[Detail] = (),
        headers: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.details = list(details)
        self.headers = list(headers)

    def response(self, content_type: str = "application/json") -> Response:
        body = error_body(self.status, self.message, code=self.code, details=self.details)
        return json_response(self.status, body, self.headers, content_type=content_type)


def error_body(
    status: int, message: str, *, code: str | None = None, details: Sequence[Detail] = ()
) -> dict[str, Any]:
    """Ship&co's error body for ``status`` (the 5xx form has no ``message``)."""
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


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)


def json_response(
    status: int,
    payload: Any,
    headers: Iterable[tuple[str, str]] = (),
    *,
    content_type: str = "application/json",
) -> Response:
    """A JSON body, sent with ``content_type`` (Ship&co sometimes labels JSON as text/html)."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return Response(status, body, [("Content-Type", content_type), *headers])


def html_response(status: int, page: str, headers: Iterable[tuple[str, str]] = ()) -> Response:
    return Response(
        status, page.encode("utf-8"), [("Content-Type", "text/html; charset=utf-8"), *headers]
    )


def proxy_page(status: int) -> str:
    """The non-JSON page a proxy in front of the API answers with (nginx style)."""
    title = f"{status} {HTTPStatus(status).phrase}"
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    )


class Request:
    """The few things the emulator needs from a WSGI environ."""

    def __init__(self, environ: dict[str, Any]) -> None:
        self.environ = environ
        self.method: str = environ.get("REQUEST_METHOD", "GET").upper()
        self.path: str = environ.get("PATH_INFO", "/") or "/"
        self.script_name: str = environ.get("SCRIPT_NAME", "").rstrip("/")
        self.query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", ""), True).items()}
        self._body: bytes | None = None

    def header(self, name: str) -> str:
        return self.environ.get("HTTP_" + name.upper().replace("-", "_"), "")

    @property
    def base_url(self) -> str:
        """Absolute URL of the emulator root (no trailing slash), for label links."""
        return application_uri(self.environ).rstrip("/")

    def require(self, method: str) -> None:
        """405 unless the request uses ``method``."""
        if self.method != method:
            raise HttpError(405, "Method not allowed", headers=[("Allow", method)])

    def body(self) -> bytes:
        if self._body is None:
            try:
                length = int(self.environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > MAX_BODY:
                raise HttpError(413, "Request body too large")
            self._body = self.environ["wsgi.input"].read(length) if length > 0 else b""
        return self._body

    def json(self) -> dict[str, Any]:
        try:
            payload = json.loads(self.body() or b"{}")
        except ValueError as exc:
            raise HttpError(400, f"Body is not valid JSON: {exc}") from exc
        if not isinstance(payload, dict):
            raise HttpError(400, "Body must be a JSON object")
        return payload

    def form(self) -> tuple[dict[str, list[str]], dict[str, tuple[str, bytes]]]:
        """Fields and uploaded files from an urlencoded or multipart body."""
        ctype = self.environ.get("CONTENT_TYPE", "")
        if not ctype.lower().startswith("multipart/form-data"):
            return parse_qs(self.body().decode("utf-8", "replace"), keep_blank_values=True), {}
        message = BytesParser(policy=policy.HTTP).parsebytes(
            b"Content-Type: " + ctype.encode("latin-1") + b"\r\n\r\n" + self.body()
        )
        if not message.is_multipart():
            raise HttpError(400, "Malformed multipart body")
        fields: dict[str, list[str]] = {}
        files: dict[str, tuple[str, bytes]] = {}
        for part in message.iter_parts():  # type: ignore[attr-defined]
            name = part.get_param("name", header="content-disposition")
            if not name:
                continue
            payload = part.get_payload(decode=True) or b""
            filename = part.get_filename()
            if filename is not None:
                files[str(name)] = (str(filename), payload)
            else:
                fields.setdefault(str(name), []).append(payload.decode("utf-8", "replace"))
        return fields, files

    def cookies(self) -> dict[str, str]:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(self.environ.get("HTTP_COOKIE", ""))
        except CookieError:
            return {}
        return {key: morsel.value for key, morsel in jar.items()}

    def cookie_header(self, name: str, value: str, *, clear: bool = False) -> tuple[str, str]:
        """A ``Set-Cookie`` header scoped to the emulator's mount point."""
        path = self.script_name or "/"
        extra = "; Max-Age=0" if clear else ""
        return ("Set-Cookie", f"{name}={value}; Path={path}; HttpOnly; SameSite=Lax{extra}")
