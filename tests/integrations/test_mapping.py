"""Ship&co JSON → PlatformShipment: what counts as shipped, what is malformed."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from integrations.records import MalformedShipment
from integrations.shipandco.mapping import parse_shipment
from tests.integrations.fakes import shipment

FIXTURE = Path(__file__).parent / "fixtures" / "shipandco_shipment.json"


def recorded_shape() -> dict:
    """A shipment in the shape of the recorded Ship&co responses (see the reference)."""
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def test_reads_a_shipment_in_the_recorded_response_shape():
    parsed = parse_shipment(recorded_shape())
    assert parsed.external_id == "API-QT5ZKD8"
    assert parsed.reference == "DN-00042"
    # Was: carrier and service read from setup.carrier / setup.service, absent in real answers.
    assert (parsed.carrier, parsed.service) == ("sagawa", "sagawa_regular")
    assert parsed.tracking_numbers == ("512345678901", "512345678912")
    # Was: setup.date, which is the requested delivery date (16 Oct), taken for the ship date.
    assert parsed.ship_date == date(2026, 10, 10)
    assert parsed.created_at == datetime(2026, 10, 10, 2, 15, 41, 512000, tzinfo=UTC)
    assert parsed.has_tracking and parsed.live


def test_the_fake_speaks_the_same_shape():
    parsed = parse_shipment(shipment("DN-1", carrier="yamato", method="yamato_regular"))
    assert (parsed.carrier, parsed.service, parsed.ship_date) == (
        "yamato",
        "yamato_regular",
        date(2026, 4, 1),
    )


@pytest.mark.parametrize("state", ["void", "cancelled", "VOID", "", "deleted"])
def test_any_state_but_active_is_not_live(state):
    raw = recorded_shape()
    raw["state"] = state
    assert not parse_shipment(raw).live


def test_a_missing_state_is_not_live():
    raw = recorded_shape()
    del raw["state"]
    assert not parse_shipment(raw).live


def test_a_test_mode_label_is_not_live():
    raw = recorded_shape()
    raw["test"] = True
    parsed = parse_shipment(raw)
    assert parsed.test and not parsed.live and not parsed.cancelled


def test_no_tracking_number_yet_is_not_shipped():
    raw = shipment("DN-1", numbers=[])
    del raw["delivery"]
    assert not parse_shipment(raw).has_tracking


def test_unreadable_ship_date_is_unknown_not_fatal():
    raw = shipment("DN-1")
    raw["setup"]["shipment_date"] = "next tuesday"
    assert parse_shipment(raw).ship_date is None


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda raw: raw.pop("id"), "no id"),
        (lambda raw: raw.update(created_at="yesterday"), "created_at"),
        (lambda raw: raw.pop("created_at"), "created_at"),
        (lambda raw: raw["delivery"].update(tracking_numbers="123"), "tracking_numbers"),
        (lambda raw: raw["setup"].update(ref_number={"x": 1}), "ref_number"),
        (lambda raw: raw.update(test="no"), "test"),
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
