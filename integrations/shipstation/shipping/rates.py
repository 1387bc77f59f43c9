"""What a note's parcel is, and the rates of every enabled carrier for it (cached)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.utils.translation import gettext as _

from brands.models import BrandProfile
from brands.selectors import brand_profile
from delivery_notes.models import DeliveryNote
from delivery_notes.services import remaining_quantities
from integrations.http import PlatformError
from integrations.models import Integration
from integrations.shipstation import facts
from integrations.shipstation.api.shipping import (
    Address,
    Carrier,
    CarrierRates,
    Package,
    Parcel,
    Rate,
    make_shipping,
)
from integrations.shipstation.models import ShipstationSettings
from integrations.shipstation.services import CREDENTIAL_FIELDS, load


class ShippingUnavailable(ValueError):
    """Mode 3 cannot be used for this note now; the message says why (shown as it is)."""


@dataclass(frozen=True)
class ParcelChoice:
    """What the user may set on the rates panel; blank values fall back to the defaults."""

    weight_grams: int | None = None
    package_code: str = ""
    dimensions_cm: tuple[Decimal, Decimal, Decimal] | None = None
    lines: Mapping[int, int] | None = None  # None = every line still to ship


@dataclass(frozen=True)
class RatesResult:
    parcel: Parcel
    carriers: list[CarrierRates]
    rates: list[Rate] = field(default_factory=list)  # every carrier's, cheapest first

    @property
    def errors(self) -> list[CarrierRates]:
        return [c for c in self.carriers if c.error]


def shipping_settings(brand) -> tuple[Integration, ShipstationSettings]:
    """The brand's ShipStation row and settings when mode 3 is on; ShippingUnavailable if not."""
    integration, settings = load(brand)
    if settings.pk is None or not settings.rates_labels or not integration.is_active:
        raise ShippingUnavailable(_("ShipStation rates and labels are not switched on."))
    return integration, settings


def ship_from(profile: BrandProfile) -> Address:
    return Address(
        name=profile.company_name,
        company=profile.company_name,
        phone=profile.phone,
        line1=profile.address_line1,
        line2=profile.address_line2,
        city=profile.city,
        state=profile.prefecture,
        postal_code=profile.postal_code,
        country=profile.country_code,
    )


def ship_to(note: DeliveryNote) -> Address:
    return Address(
        name=note.recipient_name or note.recipient_company,
        company=note.recipient_company,
        phone=note.phone,
        line1=note.address_line1,
        line2=note.address_line2,
        city=note.city,
        state=note.prefecture,
        postal_code=note.postal_code,
        country=note.country_code,
    )


def covered_lines(note: DeliveryNote, picked: Mapping[int, int] | None) -> dict[int, int]:
    """{line id: quantity} the parcel holds: the picked ones (capped), else all still to ship."""
    remaining = remaining_quantities(note)
    if picked is None:
        return remaining
    return {
        line_id: min(qty, remaining[line_id])
        for line_id, qty in picked.items()
        if qty > 0 and line_id in remaining
    }


def parcel_weight(note: DeliveryNote, lines: Mapping[int, int]) -> int:
    """Per-unit weight × quantity of the covered lines; else the note's total weight."""
    weights = dict(note.lines.values_list("id", "weight_grams"))
    total = sum(weights.get(line_id, 0) * qty for line_id, qty in lines.items())
    return total or note.total_weight_grams


def build_parcel(
    note: DeliveryNote, settings: ShipstationSettings, choice: ParcelChoice
) -> tuple[Parcel, dict[int, int]]:
    """The parcel to rate and label, and the lines it covers; ShippingUnavailable with the
    reason when something a carrier needs is missing."""
    profile = brand_profile(note.brand)
    if not profile.can_ship_from:
        raise ShippingUnavailable(
            _("The brand's ship-from address is incomplete (%(fields)s).")
            % {"fields": ", ".join(profile.missing_ship_from_fields)}
        )
    if not (note.postal_code and note.country_code and note.address_line1):
        raise ShippingUnavailable(_("The delivery note needs a shipping address."))
    lines = covered_lines(note, choice.lines)
    if not lines:
        raise ShippingUnavailable(_("Nothing is left to ship on this delivery note."))
    weight = choice.weight_grams or parcel_weight(note, lines)
    if weight <= 0:
        raise ShippingUnavailable(
            _("Enter the parcel's weight: its lines have no weight and the note no total weight.")
        )
    package = choice.package_code or settings.label_package
    parcel = Parcel(
        ship_from=ship_from(profile),
        ship_to=ship_to(note),
        weight_grams=weight,
        dimensions_cm=choice.dimensions_cm or package_dimensions(settings, package),
        package_code=package,
        confirmation=settings.label_confirmation,
    )
    return parcel, lines


def _account_key(integration: Integration, settings: ShipstationSettings) -> str:
    """A cache key part per account and API version: a digest, never the credentials."""
    secrets = [str(integration.secret(name) or "") for name in CREDENTIAL_FIELDS]
    digest = hashlib.sha256("\0".join([settings.api_version, *secrets]).encode()).hexdigest()
    return f"{integration.brand_id}:{digest[:24]}"


def carriers(
    integration: Integration, settings: ShipstationSettings, *, fresh: bool = False
) -> list[Carrier]:
    """The carriers enabled in the brand's ShipStation account (cached a few minutes)."""
    key = f"shipstation-carriers:{_account_key(integration, settings)}"
    found = None if fresh else cache.get(key)
    if found is None:
        api = make_shipping(settings.api_version, integration.credentials or {})
        try:
            found = api.carriers()
        finally:
            api.close()
        cache.set(key, found, facts.CARRIERS_CACHE_SECONDS)
    return found


def packages(integration: Integration, settings: ShipstationSettings) -> list[Package]:
    """Every package of the enabled carriers, once per code (the default package's choices)."""
    key = f"shipstation-packages:{_account_key(integration, settings)}"
    found = cache.get(key)
    if found is None:
        api = make_shipping(settings.api_version, integration.credentials or {})
        seen: dict[str, Package] = {}
        try:
            for carrier in carriers(integration, settings):
                for package in api.packages(carrier):
                    seen.setdefault(package.code, package)
        finally:
            api.close()
        found = list(seen.values())
        cache.set(key, found, facts.CARRIERS_CACHE_SECONDS)
    return found


def package_dimensions(
    settings: ShipstationSettings, code: str
) -> tuple[Decimal, Decimal, Decimal] | None:
    """The inside of a carrier's own box, when ShipStation names it (else the user's, or none)."""
    try:
        known = packages(settings.integration, settings)
    except (PlatformError, ValueError):
        return None
    return next((p.dimensions_cm for p in known if p.code == code and p.dimensions_cm), None)


def note_rates(
    note: DeliveryNote,
    choice: ParcelChoice,
    *,
    fresh: bool = False,
) -> RatesResult:
    """Rates of every enabled carrier for the note's parcel, cheapest first; cached per note
    and parcel for facts.RATES_CACHE_SECONDS. Raises ShippingUnavailable (the message says why)
    or PlatformError when ShipStation cannot be asked at all."""
    integration, settings = shipping_settings(note.brand)
    parcel, _lines = build_parcel(note, settings, choice)
    account = _account_key(integration, settings)
    digest = hashlib.sha256(repr(sorted(asdict(parcel).items())).encode()).hexdigest()[:32]
    key = f"shipstation-rates:{account}:{note.pk}:{digest}"
    result = None if fresh else cache.get(key)
    if result is None:
        enabled = carriers(integration, settings)
        if not enabled:
            raise ShippingUnavailable(_("No carrier is enabled in the ShipStation account."))
        api = make_shipping(settings.api_version, integration.credentials or {})
        try:
            per_carrier = api.rates(parcel, enabled)
        finally:
            api.close()
        every = sorted(
            (rate for entry in per_carrier for rate in entry.rates),
            key=lambda r: (r.cost, r.delivery_days or 999, r.carrier_name, r.service_name),
        )
        result = RatesResult(parcel=parcel, carriers=per_carrier, rates=every)
        cache.set(key, result, facts.RATES_CACHE_SECONDS)
    return result


def find_rate(result: RatesResult, carrier_id: str, service_code: str) -> Rate | None:
    return next(
        (r for r in result.rates if r.carrier_id == carrier_id and r.service_code == service_code),
        None,
    )


__all__ = [
    "ParcelChoice",
    "PlatformError",
    "RatesResult",
    "ShippingUnavailable",
    "build_parcel",
    "carriers",
    "find_rate",
    "note_rates",
    "packages",
    "shipping_settings",
]
