"""The HTTP side every platform client shares: one httpx client, outcomes turned into exceptions.

Callers (sync runner, Celery tasks, the Connect form) react to *kinds* of failure, not to status
codes: a rejected token stops polling, a rate limit or an outage is retried, a response Hakobu
cannot read fails the run. Exception messages never carry headers, so never the token.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from django.conf import settings

from integrations.secrets import Secret, mask


class PlatformError(Exception):
    """Base of every failure talking to a platform; the message is safe to log and show."""


class AuthRejected(PlatformError):
    """401/403: the token is wrong, revoked or regenerated."""


class TransientPlatformError(PlatformError):
    """Worth retrying later: the platform is busy or unreachable."""


class RateLimited(TransientPlatformError):
    """429; `retry_after` is the platform's wish in seconds, when it said one."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PlatformUnavailable(TransientPlatformError):
    """5xx, timeouts and connection errors."""


class MalformedResponse(PlatformError):
    """An answer Hakobu cannot use: not JSON, an unexpected shape or an unexpected status."""


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Retry-After is either delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


class PlatformClient:
    """Base client: subclasses set `platform_name`, `auth_header` and use `get_json()`.

    `transport` lets tests plug in `httpx.MockTransport`; production uses the network.
    """

    platform_name: str = "platform"
    auth_header: str = "authorization"
    error_message: Callable[[object], str] = staticmethod(lambda body: "")

    def __init__(
        self,
        token: str,
        *,
        base_url: str,
        timeout: float | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._token = Secret(token)
        self._http = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            headers={self.auth_header: self._token, "Accept": "application/json"},
            timeout=settings.PLATFORM_HTTP_TIMEOUT if timeout is None else timeout,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PlatformClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """GET `path` (relative to the base URL) and return the decoded JSON body."""
        name = self.platform_name
        try:
            response = self._http.get(path, params=params)
        except httpx.TimeoutException as exc:
            raise PlatformUnavailable(f"{name} did not answer in time.") from exc
        except httpx.DecodingError as exc:
            raise MalformedResponse(f"{name} sent a response that could not be decoded.") from exc
        except httpx.RequestError as exc:
            raise PlatformUnavailable(
                f"{name} could not be reached ({type(exc).__name__})."
            ) from exc
        self._raise_for_status(response)
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise MalformedResponse(f"{name} answered with something that is not JSON.") from exc

    def _raise_for_status(self, response: httpx.Response) -> None:
        status = response.status_code
        if status < 300:
            return
        detail = self._detail(response)
        name = self.platform_name
        if status in (401, 403):
            raise AuthRejected(f"{name} rejected the access token (HTTP {status}){detail}.")
        if status == 429:
            raise RateLimited(
                f"{name} rate limit reached (HTTP 429){detail}.",
                retry_after=parse_retry_after(response.headers.get("retry-after")),
            )
        if status >= 500:
            raise PlatformUnavailable(f"{name} is unavailable (HTTP {status}){detail}.")
        raise MalformedResponse(f"{name} answered with unexpected HTTP {status}{detail}.")

    def _detail(self, response: httpx.Response) -> str:
        """The platform's own error message, shortened; empty when there is none.

        It ends up in the run log, emails and logs, so a token the platform echoes is masked.
        """
        try:
            message = self.error_message(response.json())
        except ValueError:
            return ""
        message = " ".join(str(message).split())
        if self._token:
            message = message.replace(self._token, mask(self._token))
        message = message[:200]
        return f": {message}" if message else ""
