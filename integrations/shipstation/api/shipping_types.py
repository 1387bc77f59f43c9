"""The values mode 3 passes between Hakobu and either API version (see api.shipping)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from integrations.shipstation import facts


@dataclass(frozen=True)
class Address:
    name: str = ""
    company: str = ""
    phone: str = ""
    line1: str = ""
    line2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""


@dataclass(frozen=True)
class Carrier:
    id: str  # V2 carrier_id (se-…); V1 the carrier code
    code: str
    name: str


@dataclass(frozen=True)
class Package:
    code: str
    name: str
    dimensions_cm: tuple[Decimal, Decimal, Decimal] | None = None  # a carrier's own box


@dataclass(frozen=True)
class Parcel:
    """What is rated and labelled: from, to, weight and (when known) the box."""

    ship_from: Address
    ship_to: Address
    weight_grams: int
    dimensions_cm: tuple[Decimal, Decimal, Decimal] | None = None
    package_code: str = facts.DEFAULT_PACKAGE_CODE
    confirmation: str = "none"


@dataclass(frozen=True)
class Rate:
    carrier_id: str
    carrier_code: str
    carrier_name: str
    service_code: str
    service_name: str
    cost: Decimal
    currency: str
    delivery_days: int | None = None
    estimated_delivery: date | None = None


@dataclass(frozen=True)
class CarrierRates:
    carrier: Carrier
    rates: tuple[Rate, ...] = ()
    error: str = ""


@dataclass(frozen=True)
class BoughtLabel:
    label_id: str  # V2 form for both versions (se-…), = the poll's external_id
    tracking_number: str
    carrier_code: str
    service_code: str
    cost: Decimal | None
    currency: str
    ship_date: date | None
    pdf: bytes = b""  # V1 sends the PDF itself ...
    pdf_url: str = ""  # ... V2 a link to it
    voided: bool = False


@dataclass(frozen=True)
class Purchase:
    """One label to buy: the rate chosen, the parcel, and the reference that makes it findable."""

    rate: Rate
    parcel: Parcel
    reference: str
    number: str  # the note's number (V2 shipment_number)
    items: Sequence[Mapping[str, Any]] = field(default_factory=tuple)
    test: bool = False
