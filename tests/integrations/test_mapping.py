"""Ship&co JSON → PlatformShipment: what counts as shipped, what is malformed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from integrations.records import MalformedShipment
from integrations.shipandco.mapping import parse_shipment
from tests.integrations.fakes import shipment


def test_reads_reference_carrier_numbers_and_dates():
    raw = shipment("DN-00042", numbers=["400000000011", "400000000022"], carrier="sagawa")
    raw["created_at"] = "2026-04-01T09:30:00.123Z"
    parsed = parse_shipment(raw)
    assert parsed.external_id == raw["id"]
    assert parsed.reference == "DN-00042"
    assert parsed.carrier == "sagawa"
    assert parsed.service == "TA-Q-BIN"
    assert parsed.tracking_numbers == ("400000000011", "400000000022")
    assert parsed.ship_date == date(2026, 4, 1)
    assert parsed.created_at == datetime(2026, 4, 1, 9, 30, 0, 123000, tzinfo=UTC)
    assert parsed.has_tracking and not parsed.cancelled


@pytest.mark.parametrize("state", ["cancelled", "voided", "CANCELED"])
def test_cancelled_states(state):
    assert parse_shipment(shipment("DN-1", state=state)).cancelled


def test_no_tracking_number_yet_is_not_shipped():
    raw = shipment("DN-1", numbers=[])
    del raw["delivery"]
    assert not parse_shipment(raw).has_tracking


def test_unreadable_ship_date_is_unknown_not_fatal():
    raw = shipment("DN-1")
    raw["setup"]["date"] = "next tuesday"
    assert parse_shipment(raw).ship_date is None


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda raw: raw.pop("id"), "no id"),
        (lambda raw: raw.update(created_at="yesterday"), "created_at"),
        (lambda raw: raw.pop("created_at"), "created_at"),
        (lambda raw: raw["delivery"].update(tracking_numbers="123"), "tracking_numbers"),
        (lambda raw: raw["setup"].update(ref_number={"x": 1}), "ref_number"),
    ],
)
def test_malformed_items_raise(mutate, message):
    raw = shipment("DN-1")
    mutate(raw)
    with pytest.raises(MalformedShipment, match=message):
        parse_shipment(raw)


def test_not_an_object():
    with pytest.raises(MalformedShipment):
        parse_shipment(["not", "a", "shipment"])
