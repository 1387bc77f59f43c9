"""End to end over real HTTP: Hakobu's Ship&co integration against the sandbox on loopback."""

from __future__ import annotations

import logging

import httpx
import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from brands.scoping import scopes_disabled
from delivery_notes.models import Activity, Shipment, ShippingStatus
from integrations.models import (
    ConnectionStatus,
    Integration,
    StatusReason,
    SyncRun,
    UnmatchedShipment,
)
from integrations.shipandco import SHIPANDCO, facts
from integrations.sync import sync_integration
from sandbox.shipandco import DEFAULT_TOKEN, SECOND_TOKEN
from tests.factories import DeliveryNoteFactory, DeliveryNoteLineFactory, MembershipFactory
from tests.integrations.conftest import fault, make_integration, seed


def connect_url(brand) -> str:
    return reverse("shipandco:connect", kwargs={"brand_slug": brand.slug})


def note(brand, number):
    made = DeliveryNoteFactory(brand=brand, number=number)
    DeliveryNoteLineFactory(note=made, quantity=3)
    return made


def refreshed(obj):
    with scopes_disabled():
        obj.refresh_from_db()
    return obj


def test_connect_with_the_sandbox_token(
    sandbox, brand, admin_client, admin_member, staff_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            connect_url(brand),
            {
                "access_token": DEFAULT_TOKEN,
                "notification_members": [admin_member.pk, staff_member.pk],
                "notify_mode": "per_sync",
            },
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 204
    assert response["HX-Trigger"] == "closeModal"
    assert response["HX-Redirect"] == reverse(
        "shipandco:settings", kwargs={"brand_slug": "brand-a"}
    )
    with scopes_disabled():
        integration = Integration.objects.get(brand=brand, platform=SHIPANDCO)
        assert set(integration.notification_members.all()) == {admin_member, staff_member}
        # The first sync ran right after connecting (nothing to fetch yet).
        assert SyncRun.objects.get().outcome == SyncRun.Outcome.SUCCESS
    assert integration.status == ConnectionStatus.INTEGRATED and integration.is_active
    assert integration.secret("access_token") == DEFAULT_TOKEN
    connected = [m for m in mail.outbox if "is connected" in m.subject]
    assert sorted(m.to[0] for m in connected) == ["admin@a.example", "staff@a.example"]
    assert all(DEFAULT_TOKEN not in m.body for m in mail.outbox)

    with connection.cursor() as cursor:
        cursor.execute("SELECT credentials FROM integrations_integration")
        (raw,) = cursor.fetchone()
    assert raw and DEFAULT_TOKEN not in raw


def test_a_bad_token_shows_why_and_saves_nothing(sandbox, brand, admin_client, admin_member):
    response = admin_client.post(
        connect_url(brand),
        {"access_token": "not-a-real-token", "notify_mode": "per_sync"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "token rejected" in response.content.decode()
    with scopes_disabled():
        assert not Integration.objects.exists()
    assert mail.outbox == []


def test_an_unreachable_shipandco_saves_nothing(settings, brand, admin_client, admin_member):
    settings.SHIPANDCO_API_URL = "http://127.0.0.1:9/api/v1/"  # discard port: nothing listens
    response = admin_client.post(
        connect_url(brand),
        {"access_token": DEFAULT_TOKEN, "notify_mode": "per_sync"},
        HTTP_HX_REQUEST="true",
    )
    assert "could not be reached" in response.content.decode()
    with scopes_disabled():
        assert not Integration.objects.exists()


def test_sync_ships_notes_records_unmatched_and_is_idempotent(
    sandbox, brand, other_brand, admin_member, django_capture_on_commit_callbacks
):
    mine, multi = note(brand, "DN-1001"), note(brand, "DN-1002")
    theirs = note(other_brand, "DN-1001")  # same number in brand B
    integration = make_integration(brand, token=DEFAULT_TOKEN, members=[admin_member])
    make_integration(other_brand, token=SECOND_TOKEN)
    seeded = seed(
        sandbox,
        [
            {"ref_number": "DN-1001", "carrier": "yamato"},
            {"ref_number": "DN-1002", "carrier": "sagawa", "parcels": 2},
            {"ref_number": "NOT-IN-HAKOBU"},
        ],
    )

    with django_capture_on_commit_callbacks(execute=True):
        run = sync_integration(integration.pk)
    assert (run.outcome, run.fetched, run.applied, run.unmatched) == ("success", 3, 2, 1)
    assert refreshed(mine).status == ShippingStatus.SHIPPED
    assert refreshed(multi).status == ShippingStatus.SHIPPED
    with scopes_disabled():
        shipments = {s.note.number: s for s in Shipment.objects.filter(brand=brand)}
        assert shipments["DN-1001"].tracking_numbers == seeded[0]["delivery"]["tracking_numbers"]
        assert len(shipments["DN-1002"].tracking_numbers) == 2
        assert shipments["DN-1002"].carrier == "sagawa"
        assert shipments["DN-1001"].platform == SHIPANDCO
        assert Activity.objects.filter(note=mine, platform=SHIPANDCO).count() == 2
        unmatched = UnmatchedShipment.objects.get()
        assert (unmatched.reference, unmatched.brand_id) == ("NOT-IN-HAKOBU", brand.pk)
    summary = [m for m in mail.outbox if "shipped via Ship&co" in m.subject]
    assert len(summary) == 1
    assert seeded[0]["delivery"]["tracking_numbers"][0] in summary[0].body
    assert "DN-1002" in summary[0].body

    # Brand B: same note number, its own Ship&co account: untouched.
    assert refreshed(theirs).status == ShippingStatus.UNSHIPPED
    with scopes_disabled():
        assert not Shipment.objects.filter(brand=other_brand).exists()
        other = Integration.objects.get(brand=other_brand)
    assert sync_integration(other.pk).fetched == 0
    assert refreshed(theirs).status == ShippingStatus.UNSHIPPED

    # Re-run: nothing changes.
    with scopes_disabled():
        before = (
            Shipment.objects.count(),
            Activity.objects.count(),
            UnmatchedShipment.objects.count(),
        )
    with django_capture_on_commit_callbacks(execute=True):
        again = sync_integration(integration.pk)
    assert (again.outcome, again.applied, again.unmatched) == ("success", 0, 0)
    with scopes_disabled():
        after = (
            Shipment.objects.count(),
            Activity.objects.count(),
            UnmatchedShipment.objects.count(),
        )
    assert after == before
    assert len([m for m in mail.outbox if "shipped via Ship&co" in m.subject]) == 1


def test_pagination_across_several_pages(sandbox, brand, monkeypatch):
    monkeypatch.setattr(facts, "PAGE_SIZE", 3)
    numbers = [f"DN-2{i:03d}" for i in range(8)]
    for number in numbers:
        note(brand, number)
    seed(sandbox, [{"ref_number": number} for number in numbers])
    integration = make_integration(brand, token=DEFAULT_TOKEN)
    run = sync_integration(integration.pk)
    assert (run.fetched, run.applied) == (8, 8)
    with scopes_disabled():
        assert Shipment.objects.filter(brand=brand).count() == 8


def test_a_regenerated_token_puts_the_connection_in_error(
    sandbox, brand, admin_member, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    integration = make_integration(brand, token=DEFAULT_TOKEN, members=[admin_member])
    httpx.post(f"{sandbox.url}/shipandco/_regenerate_token", json={"token": DEFAULT_TOKEN})
    with django_capture_on_commit_callbacks(execute=True):
        run = sync_integration(integration.pk)
        assert sync_integration(integration.pk) is None  # paused
    assert run.outcome == SyncRun.Outcome.FAILED
    integration = refreshed(integration)
    assert (integration.status, integration.status_reason) == (
        ConnectionStatus.ERROR,
        StatusReason.TOKEN_REJECTED,
    )
    assert len(mail.outbox) == 1
    assert DEFAULT_TOKEN not in caplog.text
    assert DEFAULT_TOKEN not in mail.outbox[0].body + mail.outbox[0].alternatives[0][0]


@pytest.mark.parametrize("status", [500, 503])
def test_sandbox_outage_fails_the_last_attempt(sandbox, brand, status):
    integration = make_integration(brand, token=DEFAULT_TOKEN)
    fault(sandbox, status, 1)
    run = sync_integration(integration.pk, final_attempt=True)
    assert run.outcome == SyncRun.Outcome.FAILED
    assert f"HTTP {status}" in run.error
    assert sync_integration(integration.pk).outcome == SyncRun.Outcome.SUCCESS


def test_members_of_another_brand_are_never_notified(sandbox, brand, other_brand, admin_member):
    outsider = MembershipFactory(brand=other_brand)
    integration = make_integration(brand, token=DEFAULT_TOKEN, members=[admin_member, outsider])
    note(brand, "DN-3001")
    seed(sandbox, [{"ref_number": "DN-3001"}])
    sync_integration(integration.pk)
    from notifications.models import Notification

    with scopes_disabled():
        recipients = set(Notification.objects.values_list("recipient_id", flat=True))
    assert recipients == {admin_member.user_id}


def test_a_shipment_cancelled_in_the_sandbox_unships_the_note(sandbox, brand):
    shipped = note(brand, "DN-3001")
    (seeded,) = seed(sandbox, [{"ref_number": "DN-3001"}])
    integration = make_integration(brand, token=DEFAULT_TOKEN)
    assert sync_integration(integration.pk).applied == 1
    assert refreshed(shipped).status == ShippingStatus.SHIPPED

    # The warehouse voids the label on the sandbox's page, as it would in Ship&co.
    ui = httpx.Client(
        base_url=f"{sandbox.url}/shipandco", cookies={"shipandco_sandbox_token": DEFAULT_TOKEN}
    )
    assert ui.post(f"/shipments/{seeded['id']}/cancel").status_code in (302, 303)

    assert sync_integration(integration.pk).changed == 1
    assert refreshed(shipped).status == ShippingStatus.SHIPPING_REQUESTED
    with scopes_disabled():
        assert not Shipment.objects.filter(note=shipped).exists()
        assert Activity.objects.filter(note=shipped, verb="shipment_voided").exists()
