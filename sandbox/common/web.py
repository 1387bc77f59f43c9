"""HTTP plumbing shared by the emulators: request wrapper, responses, errors, the WSGI shell.

Nothing here knows a platform: each emulator turns an :class:`HttpError` into its platform's
error body through the ``error_response`` of its :class:`EmulatorApp` subclass.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs
from wsgiref.util import application_uri

MAX_BODY = 20 * 1024 * 1024

Detail = dict[str, Any]


def is_int(value: Any) -> bool:
    """A JSON integer (``true``/``false`` are not)."""
    return isinstance(value, int) and not isinstance(value, bool)


class HttpError(Exception):
    """An error answer; the emulator decides its body (``code`` and ``details`` help it)."""

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
    """A JSON body, sent with ``content_type`` (a platform may label JSON oddly)."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return Response(status, body, [("Content-Type", content_type), *headers])


def html_response(status: int, page: str, headers: Iterable[tuple[str, str]] = ()) -> Response:
    return Response(
        status, page.encode("utf-8"), [("Content-Type", "text/html; charset=utf-8"), *headers]
    )


class Request:
    """The few things the emulators need from a WSGI environ."""

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
        """Absolute URL of the emulator root (no trailing slash), for links in answers."""
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
        """The body as a JSON object (an empty body is ``{}``); anything else is a 400."""
        payload = self.json_value()
        if not isinstance(payload, dict):
            raise HttpError(400, "Body must be a JSON object")
        return payload

    def json_value(self) -> Any:
        """The body as any JSON value (an empty body is ``{}``)."""
        try:
            return json.loads(self.body() or b"{}")
        except ValueError as exc:
            raise HttpError(400, f"Body is not valid JSON: {exc}") from exc

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


class EmulatorApp:
    """WSGI shell of an emulator: subclasses implement :meth:`dispatch` and :meth:`error_response`.

    Every answer gets a ``Content-Length``; an :class:`HttpError` escaping ``dispatch`` becomes
    the platform's error body, any other exception a logged 500 (a sandbox bug must still answer).
    """

    def dispatch(self, request: Request) -> Response:
        raise NotImplementedError

    def error_response(self, exc: HttpError) -> Response:
        return json_response(exc.status, {"message": exc.message}, exc.headers)

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request = Request(environ)
        try:
            response = self.dispatch(request)
        except HttpError as exc:
            response = self.error_response(exc)
        except Exception:
            traceback.print_exc(file=sys.stderr)
            response = self.error_response(HttpError(500, "Sandbox internal error"))
        phrase = HTTPStatus(response.status).phrase
        headers = [*response.headers, ("Content-Length", str(len(response.body)))]
        start_response(f"{response.status} {phrase}", headers)
        return [response.body]

    def start_background(self) -> None:
        """Start the emulator's background work, if any (``python -m sandbox`` calls it)."""

    def close(self) -> None:
        """Stop whatever :meth:`start_background` started."""
