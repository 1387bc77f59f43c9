"""Ship&co shipment JSON → PlatformShipment. Field paths live in `facts`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from integrations.records import MalformedShipment, PlatformShipment
from integrations.shipandco import facts


def _get(item: Mapping, path: tuple[str, ...]) -> Any:
    value: Any = item
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _text(item: Mapping, path: tuple[str, ...], external_id: str) -> str:
    value = _get(item, path)
    if value is None:
        return ""
    if not isinstance(value, str | int):
        raise MalformedShipment(f"{'.'.join(path)} is not text", external_id)
    return str(value).strip()


def _timestamp(value: Any, external_id: str) -> datetime:
    if not isinstance(value, str) or not value:
        raise MalformedShipment("created_at is missing", external_id)
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise MalformedShipment("created_at is not an ISO-8601 timestamp", external_id) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _ship_date(value: Any) -> date | None:
    """An unreadable ship date is simply unknown (the note then shows the day it was synced)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def parse_shipment(item: Any) -> PlatformShipment:
    """Read one shipment; MalformedShipment when an essential field is missing or wrong."""
    if not isinstance(item, Mapping):
        raise MalformedShipment("a shipment is not a JSON object")
    raw_id = _get(item, facts.ID_FIELD)
    if not isinstance(raw_id, str | int) or str(raw_id).strip() == "":
        raise MalformedShipment("a shipment has no id")
    external_id = str(raw_id).strip()
    numbers = _get(item, facts.TRACKING_NUMBERS_FIELD)
    if numbers is None:
        numbers = []
    if not isinstance(numbers, list) or not all(isinstance(n, str | int) for n in numbers):
        raise MalformedShipment("tracking_numbers is not a list of numbers", external_id)
    state = _text(item, facts.STATE_FIELD, external_id).lower()
    test = _get(item, facts.TEST_FIELD)
    if test is not None and not isinstance(test, bool):
        raise MalformedShipment("test is not a boolean", external_id)
    return PlatformShipment(
        external_id=external_id,
        reference=_text(item, facts.REFERENCE_FIELD, external_id),
        carrier=_text(item, facts.CARRIER_FIELD, external_id),
        service=_text(item, facts.SERVICE_FIELD, external_id),
        tracking_numbers=tuple(str(n).strip() for n in numbers if str(n).strip()),
        ship_date=_ship_date(_get(item, facts.SHIP_DATE_FIELD)),
        cancelled=state != facts.LIVE_STATE,
        created_at=_timestamp(_get(item, facts.CREATED_AT_FIELD), external_id),
        test=bool(test),
    )
