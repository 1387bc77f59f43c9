"""Webshipper's webhooks: subscribing on Connect, removing on Disconnect, and receiving them.

Each delivery is checked before anything else: `X-Webshipper-Hmac-Sha256` must be the base64
HMAC-SHA256 of the raw body keyed with the connection's own secret, compared in constant time
(a secret is computed even when no connection matches the URL). A wrong or missing signature is
refused (401) and logged, never applied. A signed delivery is only a hint: the task re-reads the
order or shipment from the API, so a replayed or duplicated delivery changes nothing twice. The
answer is sent at once; the work runs in the task.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from brands.scoping import brand_scope, scopes_disabled
from integrations.http import PlatformError
from integrations.inbound import Handled, log_call, over_limit
from integrations.models import InboundCall, Integration
from integrations.webshipper import WEBSHIPPER, facts
from integrations.webshipper.client import NotFound, WebshipperClient

logger = logging.getLogger(__name__)

#: Deliveries larger than this are refused (an order or shipment document is a few kB).
MAX_BODY_BYTES = 1024 * 1024
WEBHOOK_SECRET = "webhook_secret"


def new_secret() -> str:
    return secrets.token_hex(32)


def signature(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def subscribe(client: WebshipperClient, url: str, secret: str) -> tuple[list[dict], str]:
    """One webhook per topic Hakobu needs; returns ([{id, topic}], the secret Webshipper keeps).

    Whether Webshipper honours a given secret is not known: the one read back wins."""
    hooks, kept = [], secret
    for topic in facts.TOPICS:
        data = client.create(
            "webhooks",
            {
                "type": "webhooks",
                "attributes": {"url": url, "topic": topic, "enabled": True, "secret": secret},
            },
        )
        hooks.append({"id": str(data["id"]), "topic": topic})
        kept = str((data.get("attributes") or {}).get("secret") or kept)
    return hooks, kept


def unsubscribe(client: WebshipperClient, hooks: list[dict]) -> list[dict]:
    """Remove the webhooks; returns those that could not be removed (kept for a later try)."""
    left = []
    for hook in hooks:
        try:
            client.delete("webhooks", str(hook["id"]))
        except NotFound:
            continue
        except PlatformError:
            left.append(hook)
    return left


def webhook_url(request: HttpRequest, integration: Integration) -> str:
    path = reverse(f"inbound_{WEBSHIPPER}", kwargs={"token": integration.inbound_token})
    return request.build_absolute_uri(path)


def _answer(status: int, text: str) -> HttpResponse:
    return HttpResponse(text + "\n", status=status, content_type="text/plain; charset=utf-8")


@method_decorator(csrf_exempt, name="dispatch")
class WebhookView(View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        with scopes_disabled():
            integration = (
                Integration.objects.select_related("brand")
                .filter(platform=WEBSHIPPER, inbound_token=token, is_active=True)
                .first()
            )
        secret = integration.secret(WEBHOOK_SECRET) if integration else ""
        body = request.body[: MAX_BODY_BYTES + 1]
        expected = signature(secret or new_secret(), body)
        given = request.headers.get(facts.SIGNATURE_HEADER, "")
        topic = request.headers.get(facts.TOPIC_HEADER, "")[:40]
        if not (integration and secret and hmac.compare_digest(given.encode(), expected.encode())):
            logger.warning(
                "Webshipper webhook refused: wrong or missing signature (integration %s, topic %s)",
                integration.pk if integration else "none",
                topic or "-",
            )
            response = _answer(401, "Signature mismatch")
            if integration is not None:
                with brand_scope(integration.brand):
                    log_call(
                        integration,
                        Handled(
                            response,
                            topic or "webhook",
                            InboundCall.Outcome.DENIED,
                            "wrong signature",
                        ),
                    )
            return response
        with brand_scope(integration.brand):
            handled = self._handle(integration, body, topic)
            log_call(integration, handled)
            return handled.response

    def _handle(self, integration: Integration, body: bytes, topic: str) -> Handled:
        if over_limit(integration):
            response = _answer(429, "Too many requests")
            response["Retry-After"] = "60"
            return Handled(response, topic, InboundCall.Outcome.THROTTLED)
        if len(body) > MAX_BODY_BYTES:
            return Handled(
                _answer(413, "Too large"), topic, InboundCall.Outcome.REJECTED, "body too large"
            )
        try:
            data = json.loads(body).get("data") or {}
            kind, record_id = str(data["type"]), str(data["id"])
        except (ValueError, AttributeError, KeyError, TypeError):
            return Handled(
                _answer(400, "Unreadable"), topic, InboundCall.Outcome.REJECTED, "unreadable body"
            )
        if kind not in ("orders", "shipments"):
            return Handled(_answer(200, "Ignored"), topic, message=f"{kind} ignored")
        from integrations.webshipper.tasks import handle_hint

        brand_id, integration_id = integration.brand_id, integration.pk
        deleted = topic.endswith("/deleted")
        transaction.on_commit(
            lambda: handle_hint.delay(brand_id, integration_id, kind, record_id, deleted)
        )
        return Handled(_answer(200, "OK"), topic, message=f"{kind} {record_id}")
