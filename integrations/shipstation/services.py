"""Turning ShipStation's methods on and off, and the Custom Store's user name and password.

Methods 1 (Custom Store) and 2 (orders over the API) exclude each other — both would process the
same order twice — in the form, here, and in a database constraint; method 3 combines with either.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from brands.models import Brand, Membership
from integrations import notices
from integrations.http import AuthRejected, PlatformError
from integrations.inbound import new_inbound_token, new_password
from integrations.models import ConnectionStatus, Integration, NotifyMode
from integrations.services import get_integration
from integrations.shipstation import SHIPSTATION
from integrations.shipstation.models import ApiVersion, PushTrigger, ShipstationSettings

ONE_ROUTE_MESSAGE = _("Use either method 1 or method 2: both would process the same order twice.")


class MethodsConflict(ValueError):
    """Methods 1 and 2 were both switched on."""


#: The API credentials a brand may store (typed, encrypted together on the Integration).
CREDENTIAL_FIELDS = ("v2_api_key", "v1_api_key", "v1_api_secret")


@dataclass(frozen=True)
class ShipstationChoice:
    custom_store: bool
    api_orders: bool
    rates_labels: bool
    ready_statuses: list[str]
    members: Iterable[Membership]
    notify_mode: str = NotifyMode.PER_SYNC
    api_version: str = ApiVersion.V2
    credentials: Mapping[str, str] = field(default_factory=dict)  # only the ones typed in
    push_trigger: str = PushTrigger.BY_HAND
    store_id: str = ""
    warehouse_id: str = ""
    label_package: str = "package"
    label_confirmation: str = "none"
    test_labels: bool = True


class CredentialsRefused(ValueError):
    """ShipStation did not accept the API credentials; the message says why (nothing saved)."""


def check_credentials(api_version: str, credentials: Mapping[str, str]) -> None:
    """Raise CredentialsRefused unless ShipStation accepts these credentials."""
    from integrations.shipstation.api.clients import make_client

    try:
        client = make_client(api_version, credentials)
    except ValueError as exc:
        raise CredentialsRefused(_("Enter the API credentials.")) from exc
    try:
        client.check()
    except AuthRejected as exc:
        raise CredentialsRefused(
            _(
                "ShipStation rejected the API credentials. Generating new keys in ShipStation cuts "
                "off the old ones: copy the current ones."
            )
        ) from exc
    except PlatformError as exc:
        raise CredentialsRefused(
            _("ShipStation could not check the credentials (%(error)s). Nothing was saved.")
            % {"error": exc}
        ) from exc
    finally:
        client.close()


def account_lists(integration: Integration, settings: ShipstationSettings):
    """(stores, warehouses) of the brand's ShipStation account, or None when not reachable."""
    from integrations.shipstation.api.clients import make_client

    if not settings.api_orders:
        return None
    try:
        client = make_client(settings.api_version, integration.credentials or {})
    except ValueError:
        return None
    try:
        return client.stores(), client.warehouses()
    except PlatformError:
        return None
    finally:
        client.close()


def load(brand: Brand) -> tuple[Integration, ShipstationSettings]:
    """The brand's ShipStation row and settings (unsaved defaults when never set up)."""
    integration = get_integration(brand, SHIPSTATION)
    settings = None
    if integration.pk is not None:
        settings = ShipstationSettings.objects.filter(integration=integration).first()
    return integration, settings or ShipstationSettings(brand=brand, integration=integration)


def _set_password(settings: ShipstationSettings) -> str:
    password = new_password()
    settings.store_password_hash = make_password(password)
    settings.password_set_at = timezone.now()
    return password


def save_methods(brand: Brand, choice: ShipstationChoice) -> tuple[Integration, str]:
    """Apply the page's choices; returns the integration and a new store password ("" = none).

    The Custom Store gets its URL token, user name and password the first time it is switched
    on; the password is returned once and only its hash is kept.
    """
    if choice.custom_store and choice.api_orders:
        raise MethodsConflict(ONE_ROUTE_MESSAGE)
    integration, settings = load(brand)
    credentials = {**(integration.credentials or {}), **choice.credentials}
    uses_api = choice.api_orders or choice.rates_labels
    newly_on = (choice.api_orders and not settings.api_orders) or (
        choice.rates_labels and not settings.rates_labels
    )
    if uses_api and (choice.credentials or newly_on or choice.api_version != settings.api_version):
        check_credentials(choice.api_version, credentials)
    was_integrated = integration.pk is not None and integration.is_integrated
    active = choice.custom_store or choice.api_orders or choice.rates_labels
    password = ""
    with transaction.atomic():
        integration.is_active = active
        integration.status = (
            ConnectionStatus.INTEGRATED if active else ConnectionStatus.NOT_INTEGRATED
        )
        integration.status_reason = ""
        integration.config = {**(integration.config or {}), "notify_mode": choice.notify_mode}
        if active and not was_integrated:
            integration.connected_at = timezone.now()
        if choice.custom_store and not integration.inbound_token:
            integration.inbound_token = new_inbound_token()
        integration.credentials = credentials
        integration.save()
        integration.notification_members.set(choice.members)
        settings.integration = integration
        settings.custom_store = choice.custom_store
        settings.api_orders = choice.api_orders
        settings.rates_labels = choice.rates_labels
        settings.ready_statuses = list(choice.ready_statuses)
        settings.api_version = choice.api_version
        settings.push_trigger = choice.push_trigger
        settings.store_id = choice.store_id
        settings.warehouse_id = choice.warehouse_id
        settings.label_package = choice.label_package
        settings.label_confirmation = choice.label_confirmation
        settings.test_labels = choice.test_labels
        if choice.custom_store and not settings.store_password_hash:
            settings.store_username = f"hakobu-{brand.slug}"[:50]
            password = _set_password(settings)
        settings.save()
        if active and not was_integrated:
            notices.connected(integration)
        elif was_integrated and not active:
            notices.disconnected(integration)
    return integration, password


def rotate_password(settings: ShipstationSettings) -> str:
    """A new Custom Store password; the old one stops working at once. Returned once."""
    password = _set_password(settings)
    settings.save(update_fields=["store_password_hash", "password_set_at"])
    return password
