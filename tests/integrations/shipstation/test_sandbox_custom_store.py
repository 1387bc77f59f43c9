"""Method 1 over real HTTP: the ShipStation sandbox pulls Hakobu's Custom Store and posts ship
notices back, as ShipStation would (a partial label, then the rest)."""

from __future__ import annotations

import pytest

from brands.scoping import scopes_disabled
from delivery_notes.models import Shipment, ShippingStatus
from integrations.models import InboundCall
from integrations.shipstation import facts
from integrations.shipstation.custom_store.export import line_item_id
from tests.integrations.shipstation.conftest import control
from tests.integrations.shipstation.test_custom_store_endpoint import enable, note_with_lines

#: ShipStation's store form field → the sandbox's name for it.
SANDBOX_FIELDS = {
    "Unpaid": "awaiting_payment",
    "Paid": "awaiting_shipment",
    "Shipped": "shipped",
    "Cancelled": "cancelled",
    "On-Hold": "on_hold",
}

pytestmark = pytest.mark.django_db(transaction=True)


def status_of(note) -> str:
    with scopes_disabled():
        note.refresh_from_db()
    return note.status


def test_refresh_then_partial_and_full_labels_ship_the_note(live_server, shipstation, brand):
    integration, path, password = enable(brand)
    note = note_with_lines(brand, "DN-SS-1", quantities=(3, 2))
    note_with_lines(brand, "DN-SS-NO-ADDRESS", address_line1="")
    with scopes_disabled():
        first, second = note.lines.order_by("position").values_list("pk", flat=True)
    statuses = {SANDBOX_FIELDS[k]: v for k, v in facts.status_field_values().items() if v}
    control(
        shipstation,
        "_custom_store",
        url=f"{live_server.url}{path}",
        username=f"hakobu-{brand.slug}",
        password=password,
        statuses=statuses,
    )

    refreshed = control(shipstation, "_refresh")
    assert refreshed["errors"] == []
    assert [order["orderNumber"] for order in refreshed["orders"]] == ["DN-SS-1"]

    partial = control(
        shipstation,
        "_label",
        order_number="DN-SS-1",
        lines={line_item_id(first): 3},
        tracking_number="111122223333",
    )
    assert partial["status"] == 200
    assert status_of(note) == ShippingStatus.PARTIALLY_SHIPPED

    rest = control(shipstation, "_label", order_number="DN-SS-1", lines={line_item_id(second): 2})
    assert rest["status"] == 200
    assert status_of(note) == ShippingStatus.SHIPPED
    with scopes_disabled():
        numbers = [s.tracking_numbers for s in Shipment.objects.order_by("id")]
        outcomes = set(InboundCall.objects.values_list("outcome", flat=True))
    assert numbers[0] == ["111122223333"] and len(numbers) == 2
    assert outcomes == {InboundCall.Outcome.OK}

    # The next refresh sees the note as shipped: ShipStation learns of every change.
    again = control(shipstation, "_refresh", start_date="01/01/2020 00:00")
    (order,) = [o for o in again["orders"] if o["orderNumber"] == "DN-SS-1"]
    assert order["orderStatus"] == "shipped"


def test_a_wrong_password_shows_as_a_refresh_error(live_server, shipstation, brand):
    _integration, path, _password = enable(brand)
    control(
        shipstation,
        "_custom_store",
        url=f"{live_server.url}{path}",
        username=f"hakobu-{brand.slug}",
        password="wrong",
    )
    refreshed = control(shipstation, "_refresh")
    assert refreshed["errors"] and "401" in refreshed["errors"][0]
