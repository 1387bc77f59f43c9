"""Calls a platform makes to Hakobu (ShipStation's Custom Store, later webhooks).

Each brand's connection has its own URL carrying an unguessable token. Every call is
authenticated (HTTP Basic, or a platform's query-parameter fallback) in constant time — the
password is checked against a hash even when no brand matches the URL, so timing tells nothing —
throttled per brand, and logged as an `InboundCall` (action, outcome, status; never credentials,
query strings or bodies). A platform subclasses `InboundView` and implements `handle()`.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
import secrets
from dataclasses import dataclass
from functools import cache

from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache as django_cache
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from brands.scoping import brand_scope, scopes_disabled
from integrations.models import InboundCall, Integration

logger = logging.getLogger(__name__)

#: Calls one brand's inbound URL may receive per minute before answering 429.
CALLS_PER_MINUTE = 120


def new_inbound_token() -> str:
    """The secret part of a brand's inbound URL (256 bits)."""
    return secrets.token_urlsafe(32)


def new_password() -> str:
    """A generated inbound password, shown once to the admin and stored hashed."""
    return secrets.token_urlsafe(18)


@cache
def _dummy_hash() -> str:
    return make_password(secrets.token_urlsafe(18))


@dataclass(frozen=True)
class InboundCredentials:
    username: str
    password_hash: str


@dataclass(frozen=True)
class Handled:
    """What `handle()` answered, and what the call log says of it."""

    response: HttpResponse
    action: str
    outcome: str = InboundCall.Outcome.OK
    message: str = ""


def supplied_credentials(
    request: HttpRequest, fallback: tuple[str, str] | None = None
) -> tuple[str, str]:
    """(username, password) from the Basic header, else from the fallback query parameters."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header:
        scheme, _sep, value = header.partition(" ")
        if scheme.lower() != "basic":
            return "", ""
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        username, _colon, password = decoded.partition(":")
        return username, password
    if fallback:
        return request.GET.get(fallback[0], ""), request.GET.get(fallback[1], "")
    return "", ""


def credentials_match(expected: InboundCredentials | None, username: str, password: str) -> bool:
    """Constant time whatever matches: the password hash is checked even without a brand."""
    wanted_user = expected.username if expected else secrets.token_urlsafe(8)
    user_ok = hmac.compare_digest(username.encode(), wanted_user.encode())
    password_ok = check_password(password, expected.password_hash if expected else _dummy_hash())
    return expected is not None and bool(expected.password_hash) and user_ok and password_ok


def over_limit(integration: Integration) -> bool:
    """Count one call; True once the brand's URL had CALLS_PER_MINUTE calls this minute."""
    key = f"inbound-calls:{integration.pk}:{integration.inbound_token}"
    django_cache.add(key, 0, timeout=60)
    try:
        calls = django_cache.incr(key)
    except ValueError:  # expired between add and incr
        django_cache.set(key, 1, timeout=60)
        calls = 1
    return calls > CALLS_PER_MINUTE


def log_call(integration: Integration, handled: Handled) -> None:
    InboundCall.objects.create(
        brand_id=integration.brand_id,
        integration=integration,
        action=handled.action[:40],
        outcome=handled.outcome,
        status_code=handled.response.status_code,
        message=handled.message[:300],
    )


@method_decorator(csrf_exempt, name="dispatch")
class InboundView(View):
    """Base of a platform's inbound endpoint: `platform`, `credentials()` and `handle()`."""

    platform: str = ""
    #: Query parameters some platforms send instead of an Authorization header.
    fallback_params: tuple[str, str] | None = None
    www_authenticate = 'Basic realm="Hakobu"'

    def credentials(self, integration: Integration) -> InboundCredentials | None:
        raise NotImplementedError

    def handle(self, request: HttpRequest, integration: Integration) -> Handled:
        raise NotImplementedError

    def action_of(self, request: HttpRequest) -> str:
        return request.method.lower()

    def dispatch(self, request: HttpRequest, token: str) -> HttpResponse:
        with scopes_disabled():
            integration = (
                Integration.objects.select_related("brand")
                .filter(platform=self.platform, inbound_token=token, is_active=True)
                .first()
            )
            expected = self.credentials(integration) if integration else None
        username, password = supplied_credentials(request, self.fallback_params)
        if not credentials_match(expected, username, password):
            response = HttpResponse("Unauthorized\n", status=401, content_type="text/plain")
            response["WWW-Authenticate"] = self.www_authenticate
            if integration is not None:
                with brand_scope(integration.brand):
                    log_call(
                        integration,
                        Handled(response, self.action_of(request), InboundCall.Outcome.DENIED),
                    )
            return response
        with brand_scope(integration.brand):
            if over_limit(integration):
                response = HttpResponse("Too many requests\n", status=429)
                response["Retry-After"] = "60"
                log_call(
                    integration,
                    Handled(response, self.action_of(request), InboundCall.Outcome.THROTTLED),
                )
                return response
            try:
                handled = self.handle(request, integration)
            except Exception:
                logger.exception("inbound call to integration %s failed", integration.pk)
                handled = Handled(
                    HttpResponse("Internal error\n", status=500, content_type="text/plain"),
                    self.action_of(request),
                    InboundCall.Outcome.ERROR,
                    "Unexpected error; the details are in the server log.",
                )
            log_call(integration, handled)
            return handled.response
