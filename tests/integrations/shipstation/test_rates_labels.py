"""Method 3 over HTTP against the ShipStation sandbox, on API V1 and V2: set-up on the page,
rates on a note (a failing carrier beside good rates), labels bought, printed, voided, a timeout
while buying, and method 3 beside methods 1 and 2 without processing an order twice."""

from __future__ import annotations

import io
import re

import httpx
import pytest
from django.urls import reverse
from pypdf import PdfReader

from brands.models import BrandProfile
from brands.scoping import brand_scope, scopes_disabled
from delivery_notes.models import Activity, Shipment, ShippingStatus
from integrations.models import PlatformOrder
from integrations.shipstation.models import ShipstationLabel, ShipstationSettings
from integrations.shipstation.services import ShipstationChoice, save_methods
from integrations.shipstation.shipping.rates import ParcelChoice, note_rates
from integrations.sync import sync_integration
from tests.integrations.shipstation.conftest import control, sandbox_orders
from tests.integrations.shipstation.test_api_orders_flow import CREDENTIALS
from tests.integrations.shipstation.test_custom_store_endpoint import note_with_lines

ERROR_CARRIER = "Stamps.com"
ERROR_TEXT = "no postage balance"


def ship_from(brand) -> None:
    with brand_scope(brand):
        BrandProfile.objects.create(
            brand=brand,
            company_name="Hakobu Test K.K.",
            postal_code="105-0011",
            prefecture="Tokyo",
            city="Minato-ku",
            address_line1="1-1-1 Shibakoen",
            phone="03-0000-0000",
        )


def turn_on(brand, version: str, **modes):
    with brand_scope(brand):
        integration, _password = save_methods(
            brand,
            ShipstationChoice(
                custom_store=modes.get("custom_store", False),
                api_orders=modes.get("api_orders", False),
                rates_labels=True,
                ready_statuses=[ShippingStatus.UNSHIPPED, ShippingStatus.SHIPPING_REQUESTED],
                members=[],
                api_version=version,
                credentials=CREDENTIALS[version],
            ),
        )
    return integration


def url(brand, name: str, **kwargs) -> str:
    return reverse(f"shipstation:{name}", kwargs={"brand_slug": brand.slug, **kwargs})


def rates_page(client, brand, note, **params) -> str:
    response = client.get(url(brand, "note_rates", pk=note.pk), params)
    assert response.status_code == 200
    return response.content.decode()


def offered(page: str) -> list[tuple[str, str, float]]:
    """(carrier_id, service_code, cost) of each rate row, in the order shown."""
    rows = re.findall(
        r'<tr class="shipstation-rate">.*?text-nowrap">([\d,.]+).*?name="carrier_id" value="([^"]+)"'
        r'.*?name="service_code" value="([^"]+)"',
        page,
        re.S,
    )
    return [(carrier, service, float(cost.replace(",", ""))) for cost, carrier, service in rows]


def buy(client, brand, note, rate, follow=False, **extra):
    carrier, service, _cost = rate
    return client.post(
        url(brand, "buy_label", pk=note.pk),
        {"carrier_id": carrier, "service_code": service, "test_label": "1", **extra},
        follow=follow,
    )


def refreshed(obj):
    with scopes_disabled():
        obj.refresh_from_db()
    return obj


def orders(base: str) -> list[dict]:
    """The sandbox's orders, without those that only carry a label bought in method 3."""
    return [order for order in sandbox_orders(base) if order["source"] != "label"]


def sandbox_labels(base: str) -> list[dict]:
    return [label for order in sandbox_orders(base) for label in order["labels"]]


@pytest.fixture
def ready(brand):
    ship_from(brand)
    return note_with_lines(brand, "DN-L-1", quantities=(3, 2))


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_settings_page_turns_method_3_on_and_shows_the_carriers(
    admin_client, brand, shipstation, version
):
    ship_from(brand)
    response = admin_client.post(
        url(brand, "settings"),
        {
            "rates_labels": "on",
            "api_version": version,
            "label_package": "package",
            "label_confirmation": "signature",
            "test_labels": "on",
            "notify_mode": "per_sync",
            **CREDENTIALS[version],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    page = admin_client.get(url(brand, "settings")).content.decode()
    for name in ("FedEx", "DHL Express", "UPS by ShipStation", ERROR_CARRIER):
        assert name in page
    assert "FedEx Pak" in page  # the default package is chosen among the carriers' packages
    with scopes_disabled():
        settings = ShipstationSettings.objects.get()
    assert settings.rates_labels and settings.label_confirmation == "signature"


def test_missing_credentials_or_ship_from_are_told(admin_client, brand, shipstation):
    response = admin_client.post(
        url(brand, "settings"),
        {"rates_labels": "on", "api_version": "v2", "notify_mode": "per_sync"},
    )
    assert "Enter it to use this API." in response.content.decode()
    turn_on(brand, "v2")
    page = admin_client.get(url(brand, "settings")).content.decode()
    assert "ship-from address is incomplete" in page
    assert reverse("brand_profile", kwargs={"brand_slug": brand.slug}) in page


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_rates_cheapest_first_with_a_carrier_error_beside_them(
    staff_client, brand, shipstation, ready, version
):
    turn_on(brand, version)
    page = rates_page(staff_client, brand, ready)
    rates = offered(page)
    assert len(rates) >= 4
    assert [cost for *_r, cost in rates] == sorted(cost for *_r, cost in rates)
    assert "FedEx" in page and "DHL Express" in page
    error_row = re.search(r'shipstation-carrier-error">(.*?)</tr>', page, re.S).group(1)
    assert ERROR_CARRIER in error_row and ERROR_TEXT in error_row

    # The weight comes from the lines (250 g × 5); heavier parcels cost more, abroad more still.
    with brand_scope(brand):
        light = note_rates(ready, ParcelChoice())
        heavy = note_rates(ready, ParcelChoice(weight_grams=9000))
    assert light.parcel.weight_grams == 1250
    assert heavy.rates[0].cost > light.rates[0].cost
    if version == "v2":
        assert light.rates[0].estimated_delivery is not None
        with brand_scope(brand):
            pak = note_rates(ready, ParcelChoice(package_code="fedex_pak")).parcel
        assert pak.dimensions_cm == (38, 30, 5)  # the carrier's box, as ShipStation lists it
    assert light.parcel.dimensions_cm is None  # "your own box": unknown unless typed in


def test_rates_are_cached_per_note_and_parameters(staff_client, brand, shipstation, ready):
    turn_on(brand, "v2")
    rates_page(staff_client, brand, ready)
    control(shipstation, "_faults", api="v2", status=503, count=5)
    cached = rates_page(staff_client, brand, ready)  # no call: the same parcel
    assert offered(cached)
    other = rates_page(staff_client, brand, ready, weight="4000")  # new parameters: asked
    assert "could not be asked" in other
    control(shipstation, "_faults", api="v2", status=503, count=0)


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_a_label_ships_the_note_and_prints(
    staff_client, brand, shipstation, ready, version, django_capture_on_commit_callbacks
):
    turn_on(brand, version)
    cheapest = offered(rates_page(staff_client, brand, ready))[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = buy(staff_client, brand, ready, cheapest)
    assert response.status_code == 302
    assert refreshed(ready).status == ShippingStatus.SHIPPED
    with scopes_disabled():
        shipment = Shipment.objects.get(note=ready)
        label = ShipstationLabel.objects.get(note=ready)
        entries = list(Activity.objects.filter(note=ready, verb="shipstation_label"))
        assert sum(line.quantity for line in shipment.lines.all()) == 5
    assert shipment.platform == "shipstation" and shipment.tracking_numbers
    assert shipment.carrier == label.carrier_code and shipment.cost is not None
    assert shipment.external_id == label.label_id
    assert label.status == "bought" and label.test_label
    assert len(entries) == 1
    detail = staff_client.get(
        reverse("note_detail", kwargs={"brand_slug": brand.slug, "pk": ready.pk})
    )
    assert "Label created via ShipStation" in detail.content.decode()

    pdf = staff_client.get(url(brand, "label_pdf", pk=label.pk))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert label.tracking_number in text
    assert len(sandbox_labels(shipstation)) == 1
    # Nothing is left to ship: the panel offers no more rates.
    assert "shipstation-rates-form" not in detail.content.decode()


def test_a_partial_parcel_covers_the_picked_lines(staff_client, brand, shipstation, ready):
    turn_on(brand, "v2")
    with scopes_disabled():
        first, second = ready.lines.order_by("position").values_list("pk", flat=True)
    picked = {"partial": "1", f"line_{first}": "2", f"line_{second}": "0"}
    page = rates_page(staff_client, brand, ready, **picked)
    assert "500 g" in page  # 2 × 250 g
    buy(staff_client, brand, ready, offered(page)[0], **picked)
    assert refreshed(ready).status == ShippingStatus.PARTIALLY_SHIPPED
    with scopes_disabled():
        lines = dict(Shipment.objects.get().lines.values_list("line_id", "quantity"))
    assert lines == {first: 2}


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_void_approved_then_refused(staff_client, brand, shipstation, ready, version):
    turn_on(brand, version)
    buy(staff_client, brand, ready, offered(rates_page(staff_client, brand, ready))[0])
    with scopes_disabled():
        label = ShipstationLabel.objects.get()
    response = staff_client.post(url(brand, "void_label", pk=label.pk), follow=True)
    assert "Label voided" in response.content.decode()
    assert refreshed(label).status == "voided"
    assert refreshed(ready).status == ShippingStatus.SHIPPING_REQUESTED
    with scopes_disabled():
        assert not Shipment.objects.exists()

    # A second label, voided in ShipStation meanwhile: ShipStation refuses, Hakobu says why.
    cache_buster = {"weight": "1300"}
    page = rates_page(staff_client, brand, ready, **cache_buster)
    buy(staff_client, brand, ready, offered(page)[0], **cache_buster)
    with scopes_disabled():
        second = ShipstationLabel.objects.get(status="bought")
    control(shipstation, "_void", label_id=second.label_id)
    response = staff_client.post(url(brand, "void_label", pk=second.pk), follow=True)
    assert "already been voided" in response.content.decode()
    assert refreshed(second).status == "bought"
    assert refreshed(ready).status == ShippingStatus.SHIPPED


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_a_timeout_after_the_label_was_made_records_it_once(
    staff_client, brand, shipstation, ready, version, settings
):
    turn_on(brand, version)
    rate = offered(rates_page(staff_client, brand, ready))[0]
    settings.PLATFORM_HTTP_TIMEOUT = 1.0
    control(shipstation, "_faults", api=version, slow_label=3)
    buy(staff_client, brand, ready, rate)
    with scopes_disabled():
        labels = list(ShipstationLabel.objects.all())
        shipments = list(Shipment.objects.all())
    assert [label.status for label in labels] == ["bought"]
    assert len(shipments) == 1 and shipments[0].tracking_numbers == [labels[0].tracking_number]
    assert len(sandbox_labels(shipstation)) == 1
    assert refreshed(ready).status == ShippingStatus.SHIPPED


def test_a_5xx_before_the_label_leaves_nothing_bought_and_a_retry_buys_once(
    staff_client, brand, shipstation, ready
):
    turn_on(brand, "v2")
    rate = offered(rates_page(staff_client, brand, ready))[0]
    control(shipstation, "_faults", api="v2", status=503, count=1)
    response = buy(staff_client, brand, ready, rate)
    assert response.status_code == 302
    with scopes_disabled():
        assert list(ShipstationLabel.objects.values_list("status", flat=True)) == ["failed"]
        assert not Shipment.objects.exists()
    assert sandbox_labels(shipstation) == []
    buy(staff_client, brand, ready, rate)
    assert len(sandbox_labels(shipstation)) == 1
    with scopes_disabled():
        assert Shipment.objects.count() == 1


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_method_3_beside_method_2_marks_the_order_shipped_and_the_poll_changes_nothing(
    admin_client,
    staff_client,
    brand,
    shipstation,
    ready,
    version,
    django_capture_on_commit_callbacks,
):
    integration = turn_on(brand, version, api_orders=True)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url(brand, "send_selected"), {"selected": [ready.pk]})
    with scopes_disabled():
        assert PlatformOrder.objects.get(note=ready).route == PlatformOrder.Route.PUSHED
    (order,) = orders(shipstation)
    assert order["orderStatus"] == "awaiting_shipment"

    with django_capture_on_commit_callbacks(execute=True):
        buy(staff_client, brand, ready, offered(rates_page(staff_client, brand, ready))[0])
    (order,) = orders(shipstation)
    assert order["orderStatus"] == "shipped"  # nobody labels it again in ShipStation
    with scopes_disabled():
        assert ShipstationLabel.objects.get().marked_shipped
        before = list(Shipment.objects.values_list("id", "carrier", "service", "tracking_numbers"))
        activities = Activity.objects.count()

    run = sync_integration(integration.pk)
    assert run.outcome == "success", run.error
    with scopes_disabled():
        after = list(Shipment.objects.values_list("id", "carrier", "service", "tracking_numbers"))
        assert Activity.objects.count() == activities, list(
            Activity.objects.values_list("verb", "data")
        )
        assert not integration.unmatched_shipments.exists()
    assert after == before and len(after) == 1
    assert run.applied == 0 and run.changed == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("version", ["v1", "v2"])
def test_method_3_beside_method_1_marks_the_order_shipped_and_the_ship_notice_changes_nothing(
    live_server, client, brand, staff_member, shipstation, version
):
    from integrations.shipstation import facts
    from tests.integrations.shipstation.test_custom_store_endpoint import basic, notice_body
    from tests.integrations.shipstation.test_sandbox_custom_store import SANDBOX_FIELDS

    ship_from(brand)
    note = note_with_lines(brand, "DN-L-M1", quantities=(3, 2))
    with brand_scope(brand):
        integration, password = save_methods(
            brand,
            ShipstationChoice(
                custom_store=True,
                api_orders=False,
                rates_labels=True,
                ready_statuses=[ShippingStatus.UNSHIPPED, ShippingStatus.SHIPPING_REQUESTED],
                members=[],
                api_version=version,
                credentials=CREDENTIALS[version],
            ),
        )
    path = reverse("inbound_shipstation", kwargs={"token": integration.inbound_token})
    statuses = {SANDBOX_FIELDS[k]: v for k, v in facts.status_field_values().items() if v}
    username = f"hakobu-{brand.slug}"
    control(
        shipstation,
        "_custom_store",
        url=f"{live_server.url}{path}",
        username=username,
        password=password,
        statuses=statuses,
    )
    assert control(shipstation, "_refresh")["errors"] == []
    client.force_login(staff_member.user)

    buy(client, brand, note, offered(rates_page(client, brand, note))[0])
    (order,) = [o for o in orders(shipstation) if o["orderNumber"] == note.number]
    assert order["orderStatus"] == "shipped"
    with scopes_disabled():
        label = ShipstationLabel.objects.get()
        shipments = Shipment.objects.count()
    assert label.marked_shipped and shipments == 1

    # ShipStation's ship notice for the order marked shipped: the same label, nothing changes.
    notice = notice_body(note, {}, tracking=label.tracking_number)
    response = httpx.post(
        f"{live_server.url}{path}?action=shipnotify&order_number={note.number}"
        f"&carrier={label.carrier_code}&tracking_number={label.tracking_number}",
        content=notice,
        headers={"Content-Type": "application/xml", **_auth(basic(username, password))},
    )
    assert response.status_code == 200
    with scopes_disabled():
        assert Shipment.objects.count() == 1
    assert refreshed(note).status == ShippingStatus.SHIPPED
    again = control(shipstation, "_refresh", start_date="01/01/2020 00:00")
    assert again["errors"] == []


def _auth(meta: dict) -> dict:
    return {"Authorization": meta["HTTP_AUTHORIZATION"]}


def test_a_selection_prints_its_labels_as_one_pdf(staff_client, brand, shipstation):
    ship_from(brand)
    turn_on(brand, "v2")
    notes = [note_with_lines(brand, f"DN-SEL-{n}", quantities=(1,)) for n in range(5)]
    listing = staff_client.post(
        url(brand, "label_selection"), {"selected": [note.pk for note in notes]}
    )
    assert listing.status_code == 302
    page = staff_client.get(listing["Location"]).content.decode()
    assert all(note.number in page for note in notes)
    for note in notes:
        buy(staff_client, brand, note, offered(rates_page(staff_client, brand, note))[0])
    page = staff_client.get(listing["Location"]).content.decode()
    assert "Print 5 labels (one PDF)" in page
    ids = ",".join(str(note.pk) for note in notes)
    merged = staff_client.get(url(brand, "merged_labels"), {"notes": ids})
    assert merged.status_code == 200
    reader = PdfReader(io.BytesIO(merged.content))
    assert len(reader.pages) == 5
    with scopes_disabled():
        numbers = set(ShipstationLabel.objects.values_list("tracking_number", flat=True))
    assert {
        page.extract_text().split("Tracking: ")[1].split()[0] for page in reader.pages
    } == numbers


def test_a_purchase_in_doubt_stays_pending_until_shipstation_can_be_asked(
    staff_client, brand, shipstation, ready
):
    from integrations.shipstation.shipping.tasks import resolve_label

    turn_on(brand, "v2")
    rate = offered(rates_page(staff_client, brand, ready))[0]
    control(shipstation, "_faults", api="v2", status=503, count=2)  # the purchase, its lookup
    response = buy(staff_client, brand, ready, rate, follow=True)
    assert "did not answer" in response.content.decode()
    with scopes_disabled():
        label = ShipstationLabel.objects.get()
    assert label.status == "pending"
    assert "Being bought" in response.content.decode()

    assert resolve_label.delay(brand.pk, label.pk).get() == "failed"  # it holds no such label
    assert refreshed(label).status == "failed"
    buy(staff_client, brand, ready, rate)
    assert len(sandbox_labels(shipstation)) == 1
    assert refreshed(ready).status == ShippingStatus.SHIPPED


def test_a_second_click_while_a_purchase_is_in_flight_buys_nothing(
    staff_client, brand, shipstation, ready
):
    from datetime import timedelta

    from django.utils import timezone

    turn_on(brand, "v2")
    rate = offered(rates_page(staff_client, brand, ready))[0]
    with scopes_disabled():
        in_flight = ShipstationLabel.objects.create(
            brand=brand,
            note=ready,
            reference="hk-in-flight",
            api_version="v2",
            carrier_id=rate[0],
            carrier_code="fedex",
            service_code=rate[1],
        )
    response = buy(staff_client, brand, ready, rate, follow=True)
    assert "being bought" in response.content.decode()
    assert refreshed(in_flight).status == "pending"
    assert sandbox_labels(shipstation) == []

    # Long after, a purchase ShipStation never heard of was not made: the next click buys one.
    with scopes_disabled():
        ShipstationLabel.objects.filter(pk=in_flight.pk).update(
            created_at=timezone.now() - timedelta(hours=1)
        )
    buy(staff_client, brand, ready, rate)
    assert refreshed(in_flight).status == "failed"
    assert len(sandbox_labels(shipstation)) == 1
    assert refreshed(ready).status == ShippingStatus.SHIPPED
