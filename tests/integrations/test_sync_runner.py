"""The shared sync runner against a scripted Ship&co (httpx.MockTransport).

Covers what the sandbox cannot easily produce: failures part-way, repeated pages, malformed items,
concurrent runs, and the cursor around shipments that have no tracking number yet.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from brands.scoping import scopes_disabled
from delivery_notes.models import Activity, Shipment, ShippingStatus
from integrations.models import SyncRun, UnmatchedShipment
from integrations.shipandco import SHIPANDCO, facts
from integrations.sync import sync_integration, sync_lease
from tests.factories import DeliveryNoteFactory, DeliveryNoteLineFactory
from tests.integrations.fakes import json_response, shipment


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    monkeypatch.setattr(facts, "PAGE_SIZE", 2)


def notes(brand, *numbers):
    made = []
    for number in numbers:
        note = DeliveryNoteFactory(brand=brand, number=number)
        DeliveryNoteLineFactory(note=note)
        made.append(note)
    return made


def shipped_numbers(brand) -> dict[str, list[list[str]]]:
    with scopes_disabled():
        result: dict[str, list[list[str]]] = {}
        for s in Shipment.objects.filter(brand=brand).select_related("note").order_by("id"):
            result.setdefault(s.note.number, []).append(s.tracking_numbers)
        return result


def status_of(note) -> str:
    with scopes_disabled():
        note.refresh_from_db()
    return note.status


def test_applies_shipments_and_logs_them_via_the_platform(brand, integration, fake):
    (note,) = notes(brand, "DN-1")
    fake.shipments = [shipment("DN-1", numbers=["400000000011", "400000000022"])]
    run = sync_integration(integration.pk)
    assert (run.outcome, run.fetched, run.applied) == (SyncRun.Outcome.SUCCESS, 1, 1), run.error
    assert status_of(note) == ShippingStatus.SHIPPED
    assert shipped_numbers(brand) == {"DN-1": [["400000000011", "400000000022"]]}
    with scopes_disabled():
        assert Activity.objects.filter(note=note, platform=SHIPANDCO).exists()
        assert not Activity.objects.filter(note=note).exclude(platform=SHIPANDCO).exists()


def test_several_shipments_for_one_note_are_kept_apart(brand, integration, fake):
    (note,) = notes(brand, "DN-1")
    fake.shipments = [shipment("DN-1"), shipment("DN-1")]
    sync_integration(integration.pk)
    assert len(shipped_numbers(brand)["DN-1"]) == 2
    assert status_of(note) == ShippingStatus.SHIPPED


@pytest.mark.parametrize("state", ["void", "cancelled", "", "pending"])
def test_only_an_active_shipment_ships_a_note(brand, integration, fake, state):
    (note,) = notes(brand, "DN-1")
    fake.shipments = [shipment("DN-1", state=state)]
    run = sync_integration(integration.pk)
    assert (run.applied, run.skipped) == (0, 1)
    assert status_of(note) == ShippingStatus.UNSHIPPED


def test_a_test_mode_label_never_ships_a_note(brand, integration, fake):
    (note,) = notes(brand, "DN-1")
    fake.shipments = [shipment("DN-1", test=True)]
    run = sync_integration(integration.pk)
    assert (run.applied, run.skipped) == (0, 1)
    assert status_of(note) == ShippingStatus.UNSHIPPED


def test_a_recorded_shipment_later_in_test_mode_unships_its_note(brand, integration, fake):
    (note,) = notes(brand, "DN-1")
    fake.shipments = [shipment("DN-1")]
    sync_integration(integration.pk)
    assert status_of(note) == ShippingStatus.SHIPPED
    fake.shipments[0]["test"] = True
    assert sync_integration(integration.pk).changed == 1
    assert status_of(note) == ShippingStatus.SHIPPING_REQUESTED


def test_a_malformed_shipment_is_skipped_and_the_rest_of_the_page_applied(
    brand, integration, fake, caplog
):
    notes(brand, "DN-1", "DN-2")
    broken = shipment("DN-X")
    broken["created_at"] = "not a date"
    fake.shipments = [shipment("DN-1"), shipment("DN-2")]
    fake.responses.append(json_response(200, [fake.shipments[0], broken]))
    fake.responses.append(lambda request: httpx.Response(200, json=fake.page(request)))
    run = sync_integration(integration.pk)
    assert run.outcome == SyncRun.Outcome.SUCCESS
    assert (run.applied, run.skipped) == (1, 1)
    assert broken["id"] in caplog.text
    # The next run, with a sane API, picks up what remains.
    sync_integration(integration.pk)
    assert set(shipped_numbers(brand)) == {"DN-1", "DN-2"}


def test_a_page_served_over_and_over_fails_the_run_and_keeps_the_cursor(brand, integration, fake):
    """Was: the repeated page ended the run as "whole listing read" and moved the cursor."""
    notes(brand, "DN-1", "DN-2")
    page = [shipment("DN-1"), shipment("DN-2")]
    fake.responses += [json_response(200, page)] * 20
    run = sync_integration(integration.pk)
    assert run.outcome == SyncRun.Outcome.FAILED
    assert "returned the same page twice" in run.error
    assert run.fetched == 2
    assert len(fake.requests) <= 5
    assert {k: len(v) for k, v in shipped_numbers(brand).items()} == {"DN-1": 1, "DN-2": 1}
    integration.refresh_from_db()
    assert integration.sync_cursor == ""


def test_failure_on_page_two_keeps_page_one_and_the_rerun_completes(brand, integration, fake):
    notes(brand, *[f"DN-{i}" for i in range(5)])
    fake.shipments = [shipment(f"DN-{i}") for i in range(5)]
    fake.responses.append(lambda request: httpx.Response(200, json=fake.page(request)))
    fake.responses.append(json_response(500, {"error": {"message": "boom"}}))

    run = sync_integration(integration.pk)
    assert run.outcome == SyncRun.Outcome.FAILED
    assert "HTTP 500" in run.error
    assert set(shipped_numbers(brand)) == {"DN-0", "DN-1"}
    integration.refresh_from_db()
    # The order of Ship&co's list is not known: until a run has read it whole, the cursor stays.
    assert integration.sync_cursor == ""

    rerun = sync_integration(integration.pk)
    assert rerun.outcome == SyncRun.Outcome.SUCCESS
    assert {k: len(v) for k, v in shipped_numbers(brand).items()} == {
        f"DN-{i}": 1 for i in range(5)
    }
    # Page one is read again, at the cost of one look-up: only the rest is new.
    assert rerun.applied == 3


def test_a_shipment_without_tracking_holds_the_cursor_until_it_has_one(brand, integration, fake):
    first, second = notes(brand, "DN-1", "DN-2")
    waiting = shipment("DN-1", numbers=[])
    fake.shipments = [waiting, shipment("DN-2")]
    sync_integration(integration.pk)
    assert status_of(first) == ShippingStatus.UNSHIPPED
    assert status_of(second) == ShippingStatus.SHIPPED
    integration.refresh_from_db()
    assert integration.sync_cursor == datetime.fromisoformat(waiting["created_at"]).isoformat()

    waiting["delivery"]["tracking_numbers"] = ["400000000099"]
    sync_integration(integration.pk)
    assert status_of(first) == ShippingStatus.SHIPPED
    assert shipped_numbers(brand)["DN-1"] == [["400000000099"]]
    assert len(shipped_numbers(brand)["DN-2"]) == 1


def test_a_shipment_never_tracked_stops_holding_the_cursor(brand, integration, fake, settings):
    settings.INTEGRATION_PENDING_HOLD_DAYS = 7
    notes(brand, "DN-1")
    old = datetime.now(UTC) - timedelta(days=8)
    fake.shipments = [shipment("DN-1", numbers=[], created_at=old), shipment("DN-1")]
    integration.connected_at = old - timedelta(days=1)
    integration.save()
    run = sync_integration(integration.pk)
    assert run.skipped == 1
    integration.refresh_from_db()
    assert (
        integration.sync_cursor
        == datetime.fromisoformat(fake.shipments[1]["created_at"]).isoformat()
    )


def test_a_second_worker_skips_while_the_lease_is_held(brand, integration, fake):
    notes(brand, "DN-1")
    fake.shipments = [shipment("DN-1")]
    inner_runs = []

    def list_while_another_worker_starts(request):
        inner_runs.append(sync_integration(integration.pk))
        return httpx.Response(200, json=fake.page(request))

    fake.responses.append(list_while_another_worker_starts)
    run = sync_integration(integration.pk)
    assert run.outcome == SyncRun.Outcome.SUCCESS
    assert [r.outcome for r in inner_runs] == [SyncRun.Outcome.SKIPPED]
    assert {k: len(v) for k, v in shipped_numbers(brand).items()} == {"DN-1": 1}
    integration.refresh_from_db()
    assert integration.sync_locked_until is None  # released


def test_an_expired_lease_can_be_taken_over(integration, fake):
    assert sync_lease(integration).acquire()
    assert not sync_lease(integration).acquire()
    with scopes_disabled():
        integration.sync_locked_until = datetime.now(UTC) - timedelta(seconds=1)
        integration.save()
    assert sync_lease(integration).acquire()


def test_unmatched_shipment_is_recorded_then_matched_when_its_note_appears(
    brand, integration, fake
):
    fake.shipments = [shipment("DN-LATER", numbers=["400000000077"])]
    run = sync_integration(integration.pk)
    assert run.unmatched == 1
    with scopes_disabled():
        row = UnmatchedShipment.objects.get(integration=integration)
    assert (row.reference, row.tracking_numbers) == ("DN-LATER", ["400000000077"])

    (note,) = notes(brand, "DN-LATER")
    fake.shipments = []
    run = sync_integration(integration.pk)
    assert run.applied == 1
    assert status_of(note) == ShippingStatus.SHIPPED
    with scopes_disabled():
        assert not UnmatchedShipment.objects.exists()


def test_malformed_json_fails_the_run_with_a_clear_error(integration, fake):
    fake.responses.append(httpx.Response(200, content=b"{oops"))
    run = sync_integration(integration.pk)
    assert run.outcome == SyncRun.Outcome.FAILED
    assert run.error == "Ship&co answered with something that is not JSON."
    integration.refresh_from_db()
    assert integration.consecutive_failures == 1


def test_timeout_fails_the_last_attempt(integration, fake):
    fake.responses.append(httpx.ReadTimeout("slow"))
    run = sync_integration(integration.pk, final_attempt=True)
    assert run.outcome == SyncRun.Outcome.FAILED
    assert "did not answer in time" in run.error


def test_a_transient_error_before_the_last_attempt_is_raised_for_retry(integration, fake):
    from integrations.http import PlatformUnavailable

    fake.responses.append(json_response(503, {}))
    with pytest.raises(PlatformUnavailable):
        sync_integration(integration.pk, final_attempt=False)
    with scopes_disabled():
        assert SyncRun.objects.get().outcome == SyncRun.Outcome.RETRYING
    integration.refresh_from_db()
    assert integration.consecutive_failures == 0
    assert integration.sync_locked_until is None


@pytest.mark.parametrize("count", [4, 12])
def test_a_rerun_over_known_shipments_costs_queries_per_page_not_per_shipment(
    brand, integration, fake, count, django_assert_max_num_queries
):
    notes(brand, *[f"DN-{n}" for n in range(count)])
    fake.shipments = [shipment(f"DN-{n}") for n in range(count)]
    assert sync_integration(integration.pk).applied == count

    pages = count // facts.PAGE_SIZE + 1  # the last one is empty
    # lease, run log and cursor bookkeeping, then one look-up and one progress save per page
    with django_assert_max_num_queries(14 + 3 * pages):
        rerun = sync_integration(integration.pk)
    assert (rerun.fetched, rerun.applied) == (count, 0)


def test_a_label_voided_on_the_platform_unships_its_note_once(brand, integration, fake):
    (note,) = notes(brand, "DN-V")
    first, second = shipment("DN-V", numbers=["411111111111"]), shipment("DN-V")
    fake.shipments = [first, second]
    assert sync_integration(integration.pk).applied == 2
    assert status_of(note) == ShippingStatus.SHIPPED

    first["state"] = "void"  # one of the two labels voided in Ship&co
    assert sync_integration(integration.pk).changed == 1
    # The voided label carried the note's lines (Ship&co says nothing of lines): what is left in
    # the other parcel is unknown, so the note shows Partially shipped for a person to check.
    assert status_of(note) == ShippingStatus.PARTIALLY_SHIPPED
    assert list(shipped_numbers(brand)) == ["DN-V"]
    assert len(shipped_numbers(brand)["DN-V"]) == 1

    second["state"] = "void"
    sync_integration(integration.pk)
    assert status_of(note) == ShippingStatus.SHIPPING_REQUESTED
    assert shipped_numbers(brand) == {}
    with scopes_disabled():
        voided = Activity.objects.filter(note=note, verb="shipment_voided")
        assert voided.count() == 2
        assert "411111111111" in voided.order_by("id").first().message

    rerun = sync_integration(integration.pk)  # nothing left to undo
    assert (rerun.changed, status_of(note)) == (0, ShippingStatus.SHIPPING_REQUESTED)
