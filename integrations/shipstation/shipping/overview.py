"""What the ShipStation page shows of method 3: the account's carriers and the ship-from state."""

from __future__ import annotations

from django.utils.translation import gettext as _

from brands.models import Brand
from brands.selectors import brand_profile
from integrations.http import PlatformError
from integrations.models import Integration
from integrations.shipstation.api.shipping import Package
from integrations.shipstation.models import ShipstationSettings
from integrations.shipstation.shipping import rates


def _usable(integration: Integration, settings: ShipstationSettings) -> bool:
    return bool(settings.pk and settings.rates_labels and integration.is_active)


def label_packages(integration: Integration, settings: ShipstationSettings) -> list[Package]:
    """The carriers' packages for the default-package choice; [] when not reachable."""
    if not _usable(integration, settings):
        return []
    try:
        return rates.packages(integration, settings)
    except (PlatformError, ValueError):
        return []


def shipping_overview(
    brand: Brand, integration: Integration, settings: ShipstationSettings
) -> dict:
    """{on, carriers, carriers_error, missing_ship_from} for the page's method 3 card."""
    profile = brand_profile(brand)
    overview = {
        "on": _usable(integration, settings),
        "carriers": [],
        "carriers_error": "",
        "missing_ship_from": profile.missing_ship_from_fields,
    }
    if overview["on"]:
        try:
            overview["carriers"] = rates.carriers(integration, settings)
        except (PlatformError, ValueError) as exc:
            overview["carriers_error"] = _(
                "ShipStation could not list the carriers (%(error)s)."
            ) % {"error": exc}
    return overview
