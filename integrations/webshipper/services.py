"""Connecting Webshipper, the one direction, and mapping delivery terms to shipping rates.

Connect checks the account name and token by listing the account's order channels (nothing is
saved when Webshipper refuses), picks the channel, and subscribes the webhooks with a secret of
this connection's own. Changing the direction must be confirmed, and never replays history: the
new direction starts now (nothing older is sent or imported). Disconnect removes the webhooks.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings as django_settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from brands.models import Brand, Membership
from delivery_notes.models import DeliveryNote
from integrations import notices
from integrations.http import (
    AuthRejected,
    PlatformError,
    PlatformUnavailable,
    TransientPlatformError,
)
from integrations.inbound import new_inbound_token
from integrations.models import ConnectionStatus, Integration, NotifyMode
from integrations.services import get_integration
from integrations.webshipper import WEBSHIPPER
from integrations.webshipper.catalogue_link import customer_delivery_terms
from integrations.webshipper.client import PlanRefused, WebshipperClient, make_client
from integrations.webshipper.models import Direction, RateMapping, Trigger, WebshipperSettings
from integrations.webshipper.routing import release_terms
from integrations.webshipper.webhooks import WEBHOOK_SECRET, new_secret, subscribe, unsubscribe

API_TOKEN = "api_token"


class ConnectRefused(ValueError):
    """Webshipper refused the account or token, or the direction change was not confirmed."""


@dataclass(frozen=True)
class WebshipperChoice:
    account: str
    token: str  # "" = keep the saved token
    direction: str
    trigger: str
    members: Iterable[Membership]
    channel_id: str = ""
    notify_mode: str = NotifyMode.PER_SYNC
    confirm_direction: bool = False


def load(brand: Brand) -> tuple[Integration, WebshipperSettings]:
    integration = get_integration(brand, WEBSHIPPER)
    settings = None
    if integration.pk is not None:
        settings = WebshipperSettings.objects.filter(integration=integration).first()
    return integration, settings or WebshipperSettings(brand=brand, integration=integration)


def refusal(exc: PlatformError) -> str:
    if isinstance(exc, AuthRejected):
        return _(
            "Webshipper rejected the API token (token rejected). Check the account name and copy "
            "the current token from Webshipper's settings. Nothing was saved."
        )
    if isinstance(exc, PlanRefused):
        return str(exc)
    if isinstance(exc, PlatformUnavailable):
        return _(
            "Webshipper could not be reached, so the account could not be checked. Nothing was "
            "saved; please try again in a few minutes."
        )
    return _("Webshipper could not check the account (%(error)s). Nothing was saved.") % {
        "error": exc
    }


def account_channels(account: str, token: str) -> list[tuple[str, str]]:
    """The account's order channels; raises ConnectRefused with Webshipper's reason."""
    try:
        client = WebshipperClient(account, token)
    except ValueError as exc:
        raise ConnectRefused(str(exc)) from exc
    try:
        channels = client.channels()
    except PlatformError as exc:
        raise ConnectRefused(refusal(exc)) from exc
    finally:
        client.close()
    if not channels:
        raise ConnectRefused(
            _("This Webshipper account has no order channel yet: create one first.")
        )
    return channels


def connect(
    brand: Brand, choice: WebshipperChoice, webhook_url: Callable[[Integration], str]
) -> Integration:
    integration, settings = load(brand)
    token = choice.token or integration.secret(API_TOKEN)
    account = choice.account.strip().lower()
    channels = dict(account_channels(account, token))
    if settings.pk and settings.direction != choice.direction and not choice.confirm_direction:
        raise ConnectRefused(
            _(
                "You are changing the direction. Orders already synced stay where they are: "
                "nothing is sent or imported again, and only new orders follow the new "
                "direction. Tick the confirmation to change it."
            )
        )
    channel_id = choice.channel_id if choice.channel_id in channels else settings.order_channel_id
    if channel_id not in channels:
        channel_id = next(iter(channels))
    now = timezone.now()
    was_connected = integration.pk is not None and integration.is_integrated
    with transaction.atomic():
        integration.is_active = True
        integration.status = ConnectionStatus.INTEGRATED
        integration.status_reason = ""
        integration.credentials = {
            **(integration.credentials or {}),
            API_TOKEN: token,
            WEBHOOK_SECRET: integration.secret(WEBHOOK_SECRET) or new_secret(),
        }
        integration.config = {**(integration.config or {}), "notify_mode": choice.notify_mode}
        integration.inbound_token = integration.inbound_token or new_inbound_token()
        if not was_connected:
            integration.connected_at = now
        integration.save()
        integration.notification_members.set(choice.members)
        if settings.pk is None or settings.direction != choice.direction or not was_connected:
            settings.direction_since = now
            settings.orders_cursor = ""
        settings.integration = integration
        settings.account = account
        settings.direction = choice.direction
        settings.trigger = choice.trigger
        settings.order_channel_id = channel_id
        settings.order_channel_label = channels[channel_id]
        settings.save()
        if not was_connected:
            notices.connected(integration)
    with contextlib.suppress(TransientPlatformError):  # the next poll subscribes
        ensure_webhooks(integration, webhook_url(integration))
    return integration


def subscribe_if_missing(integration: Integration) -> None:
    """A connection made without the API (the demo's) subscribes on its first poll or push;
    a plan that refused webhooks is not asked again."""
    if integration.webshipper.webhooks or (integration.config or {}).get("webhooks_problem"):
        return
    path = reverse(f"inbound_{WEBSHIPPER}", kwargs={"token": integration.inbound_token})
    with contextlib.suppress(TransientPlatformError):
        ensure_webhooks(integration, django_settings.SITE_URL + path)


def ensure_webhooks(integration: Integration, url: str) -> None:
    """Subscribe once; a plan without webhooks is noted on the page (polling still runs)."""
    settings = integration.webshipper
    if settings.webhooks:
        return
    client = make_client(integration)
    problem = ""
    try:
        hooks, kept = subscribe(client, url, integration.secret(WEBHOOK_SECRET))
    except TransientPlatformError:
        raise  # not an answer about the plan: the next poll tries again
    except PlatformError as exc:
        hooks, kept, problem = [], "", str(exc)
    finally:
        client.close()
    if kept:
        integration.credentials = {**integration.credentials, WEBHOOK_SECRET: kept}
    integration.config = {**(integration.config or {}), "webhooks_problem": problem}
    integration.save(update_fields=["credentials", "config", "updated_at"])
    settings.webhooks = hooks
    settings.save(update_fields=["webhooks"])


def disconnect(integration: Integration) -> None:
    settings = integration.webshipper
    if settings.webhooks:
        client = make_client(integration)
        try:
            settings.webhooks = unsubscribe(client, settings.webhooks)
        finally:
            client.close()
        settings.save(update_fields=["webhooks"])
    was_connected = integration.is_integrated
    integration.is_active = False
    integration.status = ConnectionStatus.NOT_INTEGRATED
    integration.status_reason = ""
    integration.save(update_fields=["is_active", "status", "status_reason", "updated_at"])
    if was_connected:
        notices.disconnected(integration)


# --- delivery terms ↔ shipping rates -------------------------------------------------------------


def channel_rates(integration: Integration) -> list[tuple[str, str]] | None:
    """(id, name) of the chosen channel's rates; None when Webshipper cannot be asked now."""
    settings = integration.webshipper
    try:
        client = make_client(integration)
    except ValueError:
        return None
    try:
        return client.rates(settings.order_channel_id)
    except PlatformError:
        return None
    finally:
        client.close()


def mapping_rows(integration: Integration) -> list[RateMapping]:
    """A row for each delivery term the brand's notes and customers use, plus those added."""
    known = set(
        RateMapping.objects.filter(integration=integration).values_list("delivery_terms", flat=True)
    )
    used = set(
        DeliveryNote.objects.exclude(delivery_terms="")
        .values_list("delivery_terms", flat=True)
        .distinct()
    )
    used.update(customer_delivery_terms())
    RateMapping.objects.bulk_create(
        RateMapping(
            brand_id=integration.brand_id, integration=integration, delivery_terms=terms[:100]
        )
        for terms in sorted(used - known)
    )
    return list(RateMapping.objects.filter(integration=integration))


def add_term(integration: Integration, terms: str) -> RateMapping:
    row, _created = RateMapping.objects.get_or_create(
        integration=integration,
        delivery_terms=terms.strip()[:100],
        defaults={"brand_id": integration.brand_id},
    )
    return row


def save_mapping(
    integration: Integration, chosen: Mapping[int, str], rates: Mapping[str, str]
) -> int:
    """Map rows (id → rate id, "" = unmapped); held notes of newly mapped terms are released.
    Returns how many held orders were released."""
    released = 0
    for row in RateMapping.objects.filter(integration=integration, pk__in=list(chosen)):
        rate_id = chosen[row.pk] if chosen[row.pk] in rates else ""
        if rate_id == row.rate_id:
            continue
        row.rate_id, row.rate_name = rate_id, rates.get(rate_id, "")
        row.save(update_fields=["rate_id", "rate_name"])
        if rate_id:
            released += release_terms(integration, row.delivery_terms)
    return released


__all__ = [
    "API_TOKEN",
    "ConnectRefused",
    "Direction",
    "Trigger",
    "WebshipperChoice",
    "add_term",
    "channel_rates",
    "connect",
    "disconnect",
    "load",
    "mapping_rows",
    "save_mapping",
]
