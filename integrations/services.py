"""Connecting, updating and disconnecting a platform: the rules behind the "Connect" modal.

Call inside the brand's scope (a request). A token is checked with the platform before anything is
saved: a refused or unverifiable token leaves the stored connection exactly as it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from brands.models import Brand, Membership
from integrations import notices
from integrations.http import AuthRejected, MalformedResponse, PlatformError, PlatformUnavailable
from integrations.models import ConnectionStatus, Integration, NotifyMode
from integrations.registry import get_platform

#: The credential of a platform connected with one access token (Ship&co).
ACCESS_TOKEN = "access_token"


class ConnectionRefused(Exception):
    """The platform did not accept the settings; the message is shown in the modal."""


@dataclass(frozen=True)
class ConnectionSettings:
    token: str  # "" = keep the saved token
    is_active: bool
    members: Iterable[Membership]
    notify_mode: str = NotifyMode.PER_SYNC


def get_integration(brand: Brand, platform: str) -> Integration:
    """The brand's integration row, or an unsaved Not Integrated one to show."""
    integration = Integration.objects.filter(platform=platform).first()
    return integration or Integration(brand=brand, platform=platform, is_active=False)


def refusal_message(exc: PlatformError, platform_name: str) -> str:
    if isinstance(exc, AuthRejected):
        return _(
            "%(platform)s rejected the access token (token rejected). Check that you copied the "
            "current token: creating a new token in %(platform)s invalidates the previous one."
        ) % {"platform": platform_name}
    if isinstance(exc, PlatformUnavailable):
        return _(
            "%(platform)s could not be reached, so the token could not be checked. Nothing was "
            "saved; please try again in a few minutes."
        ) % {"platform": platform_name}
    if isinstance(exc, MalformedResponse):
        return _(
            "%(platform)s answered in a way Hakobu does not understand, so the token could not be "
            "checked. Nothing was saved."
        ) % {"platform": platform_name}
    return _("%(platform)s refused the request. Nothing was saved.") % {"platform": platform_name}


def save_connection(integration: Integration, new: ConnectionSettings) -> Integration:
    """Apply the modal's settings; raise ConnectionRefused (nothing saved) on a refused token.

    Active needs a token the platform accepts (checked when it changes or when the connection is
    not Integrated yet); Inactive disconnects: polling stops, status Not Integrated.
    """
    spec = get_platform(integration.platform)
    saved = integration.secret(ACCESS_TOKEN)
    token = new.token or saved
    if not token:
        raise ConnectionRefused(_("Enter the access token."))
    was_integrated = integration.pk is not None and integration.is_syncable
    was_connected = (
        integration.pk is not None
        and integration.is_active
        and (integration.status != ConnectionStatus.NOT_INTEGRATED)
    )
    token_changed = token != saved
    if new.is_active and (token_changed or not was_integrated):
        try:
            spec.check_credentials(token)
        except PlatformError as exc:
            raise ConnectionRefused(refusal_message(exc, spec.display_name)) from exc

    # Only the columns changed here are saved: a sync may be running meanwhile and owns the
    # others (its lease, the cursor, the failure count).
    changed = ["credentials", "is_active", "config", "status", "status_reason", "updated_at"]
    integration.credentials = {**(integration.credentials or {}), ACCESS_TOKEN: token}
    integration.is_active = new.is_active
    integration.config = {**(integration.config or {}), "notify_mode": new.notify_mode}
    if new.is_active:
        integration.status = ConnectionStatus.INTEGRATED
        integration.status_reason = ""
        if not was_integrated:
            integration.connected_at = timezone.now()
            integration.consecutive_failures = 0
            integration.failing_notified = False
            changed += ["connected_at", "consecutive_failures", "failing_notified"]
    else:
        integration.status = ConnectionStatus.NOT_INTEGRATED
        integration.status_reason = ""
    with transaction.atomic():
        integration.save(update_fields=changed if integration.pk else None)
        integration.notification_members.set(new.members)
        if new.is_active and not was_integrated:
            notices.connected(integration)
            enqueue_sync(integration)
        elif was_connected and not new.is_active:
            notices.disconnected(integration)
    return integration


def enqueue_sync(integration: Integration) -> None:
    """Start the platform's sync task once the surrounding transaction has committed."""
    task = get_platform(integration.platform).sync_task
    transaction.on_commit(lambda: task.delay(integration.brand_id, integration.pk))
