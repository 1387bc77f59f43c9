"""The status strings the brand admin types into ShipStation's five status fields."""

from __future__ import annotations

import pytest

from delivery_notes.models import ShippingStatus
from integrations.shipstation import facts


def test_default_status_fields():
    assert facts.status_field_values() == {
        "Unpaid": "",
        "Paid": "unshipped,shipping_requested,partially_shipped",
        "Shipped": "shipped,delivered",
        "Cancelled": "cancelled",
        "On-Hold": "",
    }


def test_every_hakobu_status_has_a_field_and_a_string():
    assert set(facts.DEFAULT_STATUS_FIELD_OF) == set(ShippingStatus.values)
    assert set(facts.DEFAULT_ORDER_STATUS_STRINGS) == set(ShippingStatus.values)
    assert list(facts.status_field_values()) == list(facts.STATUS_FIELDS)


def test_fields_follow_the_brand_strings():
    strings = {"unshipped": "New", "shipping_requested": "Ready", "cancelled": "Void"}
    fields = {"unshipped": "On-Hold", "shipping_requested": "Paid", "cancelled": "Cancelled"}
    assert facts.status_field_values(strings, fields) == {
        "Unpaid": "",
        "Paid": "Ready",
        "Shipped": "",
        "Cancelled": "Void",
        "On-Hold": "New",
    }
    assert facts.order_status_string("shipping_requested", strings) == "Ready"
    assert facts.order_status_string("delivered", strings) == "delivered"  # unmapped: the value


def test_same_string_twice_in_one_field_is_listed_once():
    strings = {"shipped": "Done", "delivered": "Done"}
    assert facts.status_field_values(strings)["Shipped"] == "Done"


@pytest.mark.parametrize(
    ("strings", "fields"),
    [
        ({"shipped": "Shipped, done"}, None),  # a comma would split it
        ({"shipped": " "}, None),
        ({"shipped": "s" * 51}, None),
        ({"shipped": "X", "cancelled": "X"}, None),  # one string in two fields
        (None, {"shipped": "Delivered"}),  # no such ShipStation field
    ],
)
def test_mappings_shipstation_cannot_follow_are_refused(strings, fields):
    with pytest.raises(ValueError):
        facts.status_field_values(strings, fields)
