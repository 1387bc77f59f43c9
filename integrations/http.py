"""The HTTP side every platform client shares: one httpx client, outcomes turned into exceptions.

Callers (sync runner, Celery tasks, the Connect form) react to *kinds* of failure, not to status
codes: a rejected token stops polling, a rate limit or an outage is retried, a response Hakobu
cannot read fails the run. Exception messages never carry headers, so never the token.

Bodies are read as JSON whatever their Content-Type (Ship&co sometimes labels JSON errors
`text/html`). A 401/403 is a rejected token only when its body is JSON, i.e. the platform itself
answered; an HTML page or an empty body is a proxy or gateway in front of it and is retried.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from django.conf import settings
from django.core.cache import cache

from integrations.secrets import Secret, mask

logger = logging.getLogger(__name__)

# --- Rate-limit pacing -------------------------------------------------------------------------
# A platform with a `rate_limit_header` says on each answer how many calls are left in its window
# (Ship&co: `x-api-call-limit: <remaining>/<maximum>`; the window's length is not documented);
# one with `rate_limit_headers` says it in two headers (ShipStation: `X-Rate-Limit-Remaining`,
# `X-Rate-Limit-Limit`). A client with another scheme overrides `read_rate_limit()`.
# Once `remaining` is down to the reserve, the client pauses before its next call, longer the
# fewer are left, so a long sync spreads out instead of running into 429 (which fails the run
# and waits for Celery's retry). The pause is capped: the window is unknown, and a pause that
# came too early costs only seconds, while a 429 still ends in RateLimited with Retry-After.
PACING_RESERVE_FRACTION = 0.10  # reserve = this share of `maximum` ...
PACING_RESERVE_MIN = 2  # ... but at least this many calls
PACING_MAX_PAUSE = 10.0  # seconds before one call, reached when nothing is left

# A body longer than this (after the platform's own shortening) is cut with an ellipsis.
DETAIL_MAX_CHARS = 300


class PlatformError(Exception):
    """Base of every failure talking to a platform; the message is safe to log and show."""


class AuthRejected(PlatformError):
    """401/403 answered by the platform (a JSON body): the token is wrong, revoked or regenerated."""


class TransientPlatformError(PlatformError):
    """Worth retrying later: the platform is busy or unreachable."""


class RateLimited(TransientPlatformError):
    """429; `retry_after` is the platform's wish in seconds, when it said one."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PlatformUnavailable(TransientPlatformError):
    """5xx, timeouts and connection errors."""


class UnreadableRejection(PlatformUnavailable):
    """401/403 with a body that is not JSON (a proxy's HTML page, an empty answer).

    Not the platform's verdict on the token, so it is retried like an outage instead of stopping
    polling. A PlatformUnavailable, so Celery's autoretry and the Connect form treat it as one.
    """


class MalformedResponse(PlatformError):
    """An answer Hakobu cannot use: not JSON, an unexpected shape or an unexpected status."""


class PushRefused(PlatformError):
    """The platform refused for good (validation, plan, an order it may no longer change).

    The message is the platform's own text, shown to the user as it is. `status` is the HTTP
    status (None when Hakobu refused before asking); `order_status` is the platform's status of
    the order when known (e.g. "shipped"): the order is final there and re-sending cannot help.
    """

    def __init__(
        self, message: str, *, status: int | None = None, order_status: str | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.order_status = order_status


_NOT_JSON = object()  # what `_json_body` returns for a body that does not parse
_RATE_LIMIT = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


#: How long a budget reading is shared with the account's other clients (about one window).
HINT_SECONDS = 120


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


def parse_rate_limit(value: str | None) -> tuple[int, int] | None:
    """`"<remaining>/<maximum>"` -> (remaining, maximum); None when absent or unreadable."""
    match = _RATE_LIMIT.fullmatch(value or "")
    if not match:
        return None
    remaining, maximum = int(match[1]), int(match[2])
    if maximum <= 0 or remaining > maximum:
        return None
    return remaining, maximum


def parse_rate_limit_pair(remaining: str | None, maximum: str | None) -> tuple[int, int] | None:
    """Two headers (`"7"`, `"40"`) -> (7, 40); None when either is absent or unreadable."""
    if not remaining or not maximum:
        return None
    return parse_rate_limit(f"{remaining}/{maximum}")


def pacing_pause(remaining: int, maximum: int) -> float:
    """Seconds to wait before the next call when `remaining` of `maximum` calls are left.

    0 above the reserve (max(PACING_RESERVE_MIN, 10 % of maximum)); from there the pause grows in
    equal steps to PACING_MAX_PAUSE at 0 left: PACING_MAX_PAUSE * (reserve + 1 - remaining) /
    (reserve + 1). E.g. 120 calls: reserve 12; 12 left -> 0.77 s, 6 left -> 5.4 s, 0 left -> 10 s.
    """
    reserve = max(PACING_RESERVE_MIN, math.ceil(maximum * PACING_RESERVE_FRACTION))
    if remaining > reserve:
        return 0.0
    return PACING_MAX_PAUSE * (reserve + 1 - max(remaining, 0)) / (reserve + 1)


def _json_body(response: httpx.Response) -> Any:
    """The body decoded as JSON whatever the Content-Type says; `_NOT_JSON` when it is not."""
    if not response.content.strip():
        return _NOT_JSON
    try:
        return json.loads(response.content)
    except ValueError:  # JSONDecodeError and UnicodeDecodeError both are
        return _NOT_JSON


class PlatformClient:
    """Base client: subclasses set `platform_name`, `auth_header` and use `get_json()`.

    `transport` lets tests plug in `httpx.MockTransport`; production uses the network. `sleep`
    (also settable as the `sleep` attribute) is what rate-limit pacing waits with; tests pass a
    recorder. `rate_limit` is the last `(remaining, maximum)` reading, None without one.

    `auth` (an `httpx.Auth`, e.g. `httpx.BasicAuth(key, secret)`) replaces the `auth_header`
    carrying `token`; `token` is then only masked in messages, like every value in `secrets`.
    """

    platform_name: str = "platform"
    auth_header: str = "authorization"
    # Name of the "<remaining>/<maximum>" header, None = the platform sends none (no pacing).
    rate_limit_header: str | None = None
    # Names of a (remaining, maximum) pair of headers, read when `rate_limit_header` is None.
    rate_limit_headers: tuple[str, str] | None = None
    # Header read for the wait of a 429 without Retry-After (seconds, or an HTTP date).
    retry_after_fallback_header: str | None = None
    error_message: Callable[[object], str] = staticmethod(lambda body: "")

    def __init__(
        self,
        token: str,
        *,
        base_url: str,
        timeout: float | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        auth: httpx.Auth | None = None,
        secrets: Sequence[str] = (),
    ) -> None:
        self._token = Secret(token)
        self._secrets = tuple(Secret(value) for value in (token, *secrets) if value)
        headers = {"Accept": "application/json"}
        if auth is None:
            headers[self.auth_header] = self._token
        self._http = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            headers=headers,
            auth=auth,
            timeout=settings.PLATFORM_HTTP_TIMEOUT if timeout is None else timeout,
            transport=transport,
        )
        self.sleep = sleep
        self.rate_limit: tuple[int, int] | None = None
        self._answered = False  # until its first answer, a client paces on the shared reading
        # Every client of one account (each task of a brand, each worker) shares what the
        # platform said of its budget: the key is a digest of the credentials, never them.
        digest = hashlib.sha256("\0".join((self.platform_name, *self._secrets)).encode())
        self._hint_key = f"platform-rate-limit:{digest.hexdigest()[:32]}"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PlatformClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """GET `path` (relative to the base URL) and return the decoded JSON body."""
        return self.request_json("GET", path, params=params)

    def post_json(self, path: str, body: Any, params: Mapping[str, Any] | None = None) -> Any:
        """POST `body` as JSON to `path`; the decoded JSON answer, None for an empty one.

        A timeout raises PlatformUnavailable (retried) although the platform may have acted on
        the request: callers that create things must make a repeated POST harmless.
        """
        return self.request_json("POST", path, params=params, json=body)

    def request_json(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> Any:
        """Any method; the decoded JSON answer. Only a GET must answer JSON: an empty answer to
        another method (`204` to a PUT) is None. `json` None sends no body."""
        return self._request(method, path, params=params, json_body=json)

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
    ) -> Any:
        name = self.platform_name
        self._pace()
        try:
            response = self._http.request(
                method,
                path,
                params=params,
                json=json_body if method != "GET" else None,
            )
        except httpx.TimeoutException as exc:
            raise PlatformUnavailable(f"{name} did not answer in time.") from exc
        except httpx.DecodingError as exc:
            raise MalformedResponse(f"{name} sent a response that could not be decoded.") from exc
        except httpx.RequestError as exc:
            raise PlatformUnavailable(
                f"{name} could not be reached ({type(exc).__name__})."
            ) from exc
        self._read_rate_limit(response)
        body = _json_body(response)
        self._raise_for_status(response, body)
        if body is _NOT_JSON:
            if method != "GET" and not response.content.strip():
                return None
            raise MalformedResponse(f"{name} answered with something that is not JSON.")
        return body

    # --- rate-limit pacing --------------------------------------------------------------------

    def _read_rate_limit(self, response: httpx.Response) -> None:
        """Keep the reading of this answer (and share it); an unreadable header leaves none."""
        self.rate_limit = self.read_rate_limit(response.headers)
        self._answered = True
        if self.rate_limit is not None:
            cache.set(self._hint_key, self.rate_limit, timeout=HINT_SECONDS)
        if response.status_code == 429:
            wait = self.retry_after(response) or PACING_MAX_PAUSE
            cache.set(f"{self._hint_key}:until", time.time() + wait, timeout=max(1, int(wait) + 1))

    def read_rate_limit(self, headers: httpx.Headers) -> tuple[int, int] | None:
        """(remaining, maximum) from one answer's headers; the hook a platform overrides."""
        if self.rate_limit_header:
            return parse_rate_limit(headers.get(self.rate_limit_header))
        if self.rate_limit_headers:
            remaining, maximum = self.rate_limit_headers
            return parse_rate_limit_pair(headers.get(remaining), headers.get(maximum))
        return None

    def retry_after(self, response: httpx.Response) -> float | None:
        """Seconds a 429 asks to wait: Retry-After, else `retry_after_fallback_header`."""
        wait = parse_retry_after(response.headers.get("retry-after"))
        if wait is None and self.retry_after_fallback_header:
            wait = parse_retry_after(response.headers.get(self.retry_after_fallback_header))
        return wait

    def _pace(self) -> None:
        """Wait (or give the call back for a later retry) before the platform says 429."""
        until = cache.get(f"{self._hint_key}:until")
        if until is not None and until > time.time():
            wait = until - time.time()
            if wait > PACING_MAX_PAUSE:
                raise RateLimited(
                    f"{self.platform_name} rate limit reached; waiting {wait:.0f} s.",
                    retry_after=wait,
                )
            self.sleep(wait)
        reading = self.rate_limit if self._answered else cache.get(self._hint_key)
        if reading is None:
            return
        remaining, maximum = reading
        pause = pacing_pause(remaining, maximum)
        if pause > 0:
            logger.info(
                "%s: %s of %s calls left, pausing %.1f s",
                self.platform_name,
                remaining,
                maximum,
                pause,
            )
            self.sleep(pause)

    # --- outcomes -----------------------------------------------------------------------------

    def _raise_for_status(self, response: httpx.Response, body: Any = None) -> None:
        """Raise the PlatformError an answer >= 300 means; `body` is `_json_body(response)`."""
        status = response.status_code
        if status < 300:
            return
        if body is None:
            body = _json_body(response)
        detail = self._detail(body)
        name = self.platform_name
        if status in (401, 403):
            if body is _NOT_JSON:
                kind = response.headers.get("content-type", "").split(";")[0].strip()
                what = kind if response.content.strip() else "empty"
                raise UnreadableRejection(
                    f"{name} (or a proxy in front of it) answered HTTP {status} with a page "
                    f"Hakobu could not read ({what or 'no content type'}); treated as a "
                    "temporary failure, not as a rejected token."
                )
            raise AuthRejected(f"{name} rejected the access token (HTTP {status}){detail}.")
        if status == 429:
            raise RateLimited(
                f"{name} rate limit reached (HTTP 429){detail}.",
                retry_after=self.retry_after(response),
            )
        if status >= 500:
            raise PlatformUnavailable(f"{name} is unavailable (HTTP {status}){detail}.")
        raise MalformedResponse(f"{name} answered with unexpected HTTP {status}{detail}.")

    def _detail(self, body: Any) -> str:
        """The platform's own error message, shortened; empty when there is none.

        It ends up in the run log, emails and logs, so a token the platform echoes is masked.
        """
        if body is _NOT_JSON:
            return ""
        message = " ".join(str(self.error_message(body)).split())
        for secret in self._secrets:
            message = message.replace(secret, mask(secret))
        if len(message) > DETAIL_MAX_CHARS:
            message = message[: DETAIL_MAX_CHARS - 1].rstrip() + "…"
        return f": {message}" if message else ""
