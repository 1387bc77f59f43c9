"""The one place Webshipper reaches the brand's catalogue (products and customers).

The catalogue is built in parallel; its two find-or-create services are imported lazily, so
this integration works (without creating catalogue records) where the catalogue is not there.
"""

from __future__ import annotations

import importlib
from decimal import Decimal
from typing import Any

SERVICES = "delivery_notes.catalogue.services"


def _services() -> Any | None:
    try:
        return importlib.import_module(SERVICES)
    except ImportError:
        return None


def available() -> bool:
    return _services() is not None


def ensure_product(
    brand, *, sku: str, name: str, unit_price: Decimal, currency: str, weight_grams: int
) -> Any | None:
    """The brand's product with this SKU, created when missing; None without a catalogue."""
    services = _services()
    if services is None or not sku.strip():
        return None
    product, _created = services.find_or_create_product(
        brand,
        sku=sku,
        defaults={
            "name": name[:300] or sku,
            "unit_price": unit_price,
            "currency": currency,
            "weight_grams": weight_grams,
        },
    )
    return product


def ensure_customer(brand, *, code: str, email: str, person: dict, address: dict) -> Any | None:
    """The brand's customer (found by code, else by email), created when missing; None without
    a catalogue or without a code or email to find it by."""
    services = _services()
    if services is None or not (code.strip() or email.strip()):
        return None
    customer, _created = services.find_or_create_customer(
        brand, code=code, email=email, defaults={**person, "address": address}
    )
    return customer


def customer_delivery_terms() -> list[str]:
    """The distinct delivery terms the brand's customers use (none without a catalogue)."""
    try:
        models = importlib.import_module("delivery_notes.catalogue.models")
    except ImportError:
        return []
    return list(
        models.Customer.objects.exclude(delivery_terms="")
        .values_list("delivery_terms", flat=True)
        .distinct()
    )
