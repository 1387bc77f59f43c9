"""API V1 allows 40 calls a minute: first sends of many notes go in one `createorders` call
(≤ 100 orders), each outbox row keeping its own outcome."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from brands.scoping import brand_scope, scopes_disabled
from integrations import outbox
from integrations.models import OutboundOrder
from integrations.shipstation import facts
from integrations.shipstation.api.clients import V1Client
from integrations.shipstation.api.orders import v1_order
from tests.integrations.shipstation.conftest import control, orders_with_key, sandbox_orders
from tests.integrations.shipstation.test_api_orders_flow import CREDENTIALS, turn_on
from tests.integrations.shipstation.test_custom_store_endpoint import note_with_lines


@pytest.fixture
def v1_calls(monkeypatch) -> list[str]:
    """The paths of every V1 POST Hakobu makes."""
    calls: list[str] = []
    original = V1Client.post_json

    def recording(self, path, body, params=None):
        calls.append(path)
        return original(self, path, body, params)

    monkeypatch.setattr(V1Client, "post_json", recording)
    return calls


def send_selected(client, brand, notes, capture) -> None:
    with capture(execute=True):
        response = client.post(
            reverse("shipstation:send_selected", kwargs={"brand_slug": brand.slug}),
            {"selected": [note.pk for note in notes]},
        )
    assert response.status_code in (200, 302)


def rows_by_note(notes) -> dict[str, OutboundOrder]:
    with scopes_disabled():
        return {row.note.number: row for row in OutboundOrder.objects.select_related("note")}


def test_five_notes_go_in_one_call(
    admin_client, brand, shipstation, v1_calls, django_capture_on_commit_callbacks
):
    turn_on(admin_client, brand, "v1")
    notes = [note_with_lines(brand, f"DN-B{i}") for i in range(5)]

    send_selected(admin_client, brand, notes, django_capture_on_commit_callbacks)

    assert v1_calls == [facts.V1_CREATE_ORDERS_PATH]
    rows = rows_by_note(notes)
    assert {row.status for row in rows.values()} == {OutboundOrder.Status.SENT}
    ids = {row.external_id for row in rows.values()}
    assert len(ids) == 5 and all(i.startswith("se-") for i in ids)
    assert sorted(o["orderNumber"] for o in sandbox_orders(shipstation)) == sorted(rows)


def test_an_order_refused_in_the_batch_is_held_alone_and_explained(
    admin_client, brand, shipstation, v1_calls, django_capture_on_commit_callbacks
):
    turn_on(admin_client, brand, "v1")
    notes = [note_with_lines(brand, f"DN-R{i}") for i in range(3)]
    shipped = notes[1]
    key = outbox.idempotency_key(shipped)
    # The order reached ShipStation earlier (its id was lost) and has shipped there since.
    with brand_scope(brand):
        client = V1Client(
            CREDENTIALS["v1"]["v1_api_key"],
            CREDENTIALS["v1"]["v1_api_secret"],
            base_url=f"{shipstation}/v1/",
        )
        order = client.create_order(
            v1_order(shipped, key=key, status="awaiting_shipment", store_id="", warehouse_id="")
        )
        client.close()
    control(shipstation, "_order_status", order_id=order["orderId"], status="shipped")
    v1_calls.clear()

    send_selected(admin_client, brand, notes, django_capture_on_commit_callbacks)

    rows = rows_by_note(notes)
    assert rows["DN-R0"].status == rows["DN-R2"].status == OutboundOrder.Status.SENT
    held = rows["DN-R1"]
    assert held.status == OutboundOrder.Status.HELD
    assert "shipped" in held.reason
    assert len(orders_with_key(shipstation, key)) == 1
    assert v1_calls[0] == facts.V1_CREATE_ORDERS_PATH
    assert facts.V1_CREATE_ORDERS_PATH not in v1_calls[1:]  # only the refused one, alone


def test_an_outage_during_the_batch_retries_every_row_without_duplicates(
    admin_client, brand, shipstation, django_capture_on_commit_callbacks
):
    turn_on(admin_client, brand, "v1")
    notes = [note_with_lines(brand, f"DN-O{i}") for i in range(3)]
    control(shipstation, "_faults", api="v1", status=503, count=1)

    send_selected(admin_client, brand, notes, django_capture_on_commit_callbacks)

    rows = rows_by_note(notes)
    assert {row.status for row in rows.values()} == {OutboundOrder.Status.PENDING}
    assert {row.attempts for row in rows.values()} == {1}
    with scopes_disabled():  # the backoff has passed
        OutboundOrder.objects.update(next_attempt_at=timezone.now())
    with brand_scope(brand):
        assert outbox.send(rows["DN-O0"].pk) == OutboundOrder.Status.SENT
    rows = rows_by_note(notes)
    assert {row.status for row in rows.values()} == {OutboundOrder.Status.SENT}
    assert len(sandbox_orders(shipstation)) == 3


def test_a_re_send_after_an_edit_is_not_batched(
    admin_client, brand, shipstation, v1_calls, django_capture_on_commit_callbacks
):
    turn_on(admin_client, brand, "v1")
    notes = [note_with_lines(brand, f"DN-E{i}") for i in range(2)]
    send_selected(admin_client, brand, notes, django_capture_on_commit_callbacks)
    v1_calls.clear()

    send_selected(admin_client, brand, notes, django_capture_on_commit_callbacks)

    assert v1_calls == [facts.V1_CREATE_ORDER_PATH] * 2  # each with its current status
    assert len(sandbox_orders(shipstation)) == 2
