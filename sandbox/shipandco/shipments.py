"""The shipment object: timestamps, tracking numbers, building, serializing and upgrading.

Shipments are stored in the API shape plus one internal key, ``origin`` ("api" or "app"), which
:func:`serialize` drops; ``delivery.label`` is filled in per request from the base URL.
"""

from __future__ import annotations

import copy
import re
import secrets
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sandbox.shipandco.facts import (
    CARRIERS,
    CUSTOMS_DEFAULT,
    DEFAULT_ADDRESS,
    DELIVERY_DAYS,
    FROM_ADDRESS,
    JST,
    SETUP_DEFAULTS,
    TIME_WINDOWS,
    TRACKING_FORMATS,
)

Shipment = dict[str, Any]


def iso_z(moment: datetime) -> str:
    """ISO-8601 UTC with milliseconds and ``Z`` (Ship&co's format; string sorts stay valid)."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def now_iso() -> str:
    return iso_z(datetime.now(UTC))


def parse_iso(value: str) -> datetime:
    """Parse an ISO-8601 date/datetime; naive means UTC.

    A ``+09:00`` sent unencoded in a query string arrives as `` 09:00``: accept that too.
    """
    text = re.sub(r" (\d{2}:?\d{2})$", r"+\1", value.strip())
    if not text:
        raise ValueError("empty")
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_day(value: str) -> str:
    """Validate a ``YYYY-MM-DD`` date and return it unchanged."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(value)
    return date.fromisoformat(value).isoformat()


def jst_day(created_at: str) -> str:
    """The Japanese calendar day of a timestamp: the default ship date."""
    return parse_iso(created_at).astimezone(JST).date().isoformat()


def tracking_number(carrier: str, serial: int) -> str:
    """A realistic-looking number: carrier prefix + serial (+ mod-7 check digit)."""
    prefix, length, check = TRACKING_FORMATS[carrier]
    body_len = length - len(prefix) - (1 if check else 0)
    number = prefix + str(serial % 10**body_len).zfill(body_len)
    if check:
        number += str(int(number) % 7)
    return number


def default_method(carrier: str) -> str:
    return CARRIERS[carrier][1]


def requested_delivery(
    carrier: str, shipment_date: str, serial: int
) -> tuple[str | None, str | None]:
    """``(setup.date, setup.time)`` a domestic label gets; international labels get none."""
    if not CARRIERS[carrier][2]:
        return None, None
    day = date.fromisoformat(shipment_date) + timedelta(days=DELIVERY_DAYS)
    return day.isoformat(), TIME_WINDOWS[serial % len(TIME_WINDOWS)]


def build_shipment(
    *,
    ref_number: str,
    carrier: str,
    carrier_id: str,
    parcels: Sequence[dict[str, Any]],
    tracking_numbers: Sequence[str],
    to_address: dict[str, str],
    products: Sequence[dict[str, Any]],
    method: str | None = None,
    currency: str = "JPY",
    created_at: str | None = None,
    shipment_date: str | None = None,
    delivery_date: str | None = None,
    delivery_time: str | None = None,
    state: str = "active",
    test: bool = False,
    origin: str = "app",
) -> Shipment:
    """A stored shipment (API shape + ``origin``); the ship date defaults to the JST day."""
    created = created_at or now_iso()
    return {
        "id": secrets.token_hex(12),
        "state": state,
        "test": test,
        "created_at": created,
        "origin": origin,
        "setup": {
            "ref_number": ref_number,
            "shipment_date": shipment_date or jst_day(created),
            "date": delivery_date,
            "time": delivery_time,
            "currency": currency,
            "carrier_id": carrier_id,
            "pack_amount": len(parcels),
            **copy.deepcopy(SETUP_DEFAULTS),
        },
        "delivery": {
            "carrier": carrier,
            "method": method or default_method(carrier),
            "tracking_numbers": list(tracking_numbers),
            "label": None,
            "invoice": None,
            "warnings": [],
        },
        "to_address": {**DEFAULT_ADDRESS, **to_address},
        "from_address": dict(FROM_ADDRESS),
        "products": [
            {
                "name": p.get("name", ""),
                "quantity": p.get("quantity", 1),
                "price": p.get("price", 0),
                "origin_country": p.get("origin_country") or "JP",
                "hs_code": p.get("hs_code", ""),
            }
            for p in products
        ],
        "parcels": [dict(parcel) for parcel in parcels],
        "customs": dict(CUSTOMS_DEFAULT),
    }


def serialize(shipment: Shipment, base_url: str) -> Shipment:
    """The API answer for a stored shipment: no ``origin``, an absolute label URL."""
    data = copy.deepcopy(shipment)
    data.pop("origin", None)
    data["delivery"]["label"] = f"{base_url}/labels/{shipment['id']}.pdf"
    return data


def upgrade_v1(old: Shipment, carrier_ids: dict[str, str]) -> Shipment:
    """Convert a shipment stored by the first sandbox (setup.carrier/service, "cancelled")."""
    setup = old.get("setup", {})
    carrier = setup.get("carrier") if setup.get("carrier") in CARRIERS else "yamato"
    new = build_shipment(
        ref_number=setup.get("ref_number", ""),
        carrier=carrier,
        carrier_id=carrier_ids.get(carrier, ""),
        parcels=[{"amount": 1, **p} for p in old.get("parcels", [])],
        tracking_numbers=old.get("delivery", {}).get("tracking_numbers", []),
        to_address=old.get("to_address", {}),
        products=old.get("products", []),
        currency=setup.get("currency", "JPY"),
        created_at=old.get("created_at"),
        shipment_date=setup.get("date"),
        state="active" if old.get("state") == "active" else "void",
    )
    new["id"] = old["id"]
    return new
