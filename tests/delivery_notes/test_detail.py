from __future__ import annotations

import pytest

from brands.scoping import scopes_disabled
from delivery_notes.models import DeliveryNote, ShippingStatus
from delivery_notes.tracking import CARRIERS, tracking_url
from tests.delivery_notes.helpers import brand_url, make_note, ship

pytestmark = pytest.mark.django_db


def test_detail_shows_lines_shipments_and_tracking_links(staff_client, brand):
    note = make_note(brand, number="DN-DETAIL", customer_notes="午前中指定", is_gift=True)
    ship(note, carrier="sagawa", service="飛脚宅配便", tracking_numbers=["512547514334"])
    ship(note, carrier="fukuyama", tracking_numbers=["FK-1"], lines={})
    content = staff_client.get(brand_url("note_detail", brand, pk=note.pk)).content.decode()
    assert "DN-DETAIL" in content and "午前中指定" in content
    assert "Linen tote bag" in content
    assert "Sagawa Express" in content and "飛脚宅配便" in content
    assert (
        'href="https://k2k.sagawa-exp.co.jp/p/web/okurijosearch.do?okurijoNo=512547514334"'
        in content
    )
    assert "FK-1" in content and "fukuyama" in content
    assert 'href="' not in content.split("FK-1")[0].rsplit("<td>", 1)[-1]
    assert "Shipment recorded" in content


@pytest.mark.parametrize("carrier", sorted(CARRIERS))
def test_every_known_carrier_links_its_tracking_page(carrier):
    url = tracking_url(carrier, "AB 12/3")
    assert url.startswith("https://") and "AB%2012%2F3" in url


def test_unknown_carrier_has_no_tracking_link():
    assert tracking_url("fukuyama", "123") is None
    assert tracking_url("", "123") is None


def test_member_of_another_brand_gets_404(client, brand, other_brand, staff_member):
    foreign = make_note(other_brand)
    client.force_login(staff_member.user)
    assert client.get(brand_url("note_detail", brand, pk=foreign.pk)).status_code == 404
    assert client.get(brand_url("note_detail", other_brand, pk=foreign.pk)).status_code == 404
    assert client.post(brand_url("note_cancel", brand, pk=foreign.pk)).status_code == 404
    with scopes_disabled():
        assert DeliveryNote.objects.get(pk=foreign.pk).status == ShippingStatus.UNSHIPPED


def test_cancel_logs_activity(staff_client, brand, staff_member):
    note = make_note(brand)
    confirm = staff_client.get(brand_url("note_cancel", brand, pk=note.pk), HTTP_HX_REQUEST="true")
    assert confirm.status_code == 200 and "modal-body" in confirm.content.decode()
    response = staff_client.post(brand_url("note_cancel", brand, pk=note.pk))
    assert response.status_code == 302
    with scopes_disabled():
        note.refresh_from_db()
        activity = note.activities.get()
    assert note.status == ShippingStatus.CANCELLED
    assert activity.actor == staff_member.user
    assert activity.data == {"from": "unshipped", "to": "cancelled"}


def test_cancel_from_modal_redirects_client(staff_client, brand):
    note = make_note(brand)
    response = staff_client.post(
        brand_url("note_cancel", brand, pk=note.pk), HTTP_HX_REQUEST="true"
    )
    assert response["HX-Redirect"] == brand_url("note_detail", brand, pk=note.pk)


def test_shipped_note_cannot_be_cancelled(staff_client, brand):
    note = make_note(brand)
    ship(note, carrier="yamato")
    staff_client.post(brand_url("note_cancel", brand, pk=note.pk))
    with scopes_disabled():
        note.refresh_from_db()
        assert note.status == ShippingStatus.SHIPPED
        assert not note.activities.filter(data__to="cancelled").exists()


def test_manual_partial_shipment_then_the_rest(staff_client, brand):
    note = make_note(brand, lines=2)
    with scopes_disabled():
        first, second = note.lines.all()  # 2 each (factory)
    url = brand_url("note_ship", brand, pk=note.pk)

    form = staff_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert f'name="line_{first.pk}"' in form and f'name="line_{second.pk}"' in form

    response = staff_client.post(
        url,
        {
            "carrier": "Yamato",
            "tracking_numbers": "111122223333\n444455556666",
            "shipped_on": "2025-04-02",
            f"line_{first.pk}": "2",
            f"line_{second.pk}": "1",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        note.refresh_from_db()
        shipment = note.shipments.get()
        assert note.status == ShippingStatus.PARTIALLY_SHIPPED
        assert shipment.carrier == "yamato"
        assert shipment.tracking_numbers == ["111122223333", "444455556666"]
        assert {sl.line_id: sl.quantity for sl in shipment.lines.all()} == {
            first.pk: 2,
            second.pk: 1,
        }

    too_many = staff_client.post(url, {"shipped_on": "2025-04-03", f"line_{second.pk}": "2"})
    assert too_many.status_code == 200 and too_many.context["form"].errors

    staff_client.post(url, {"shipped_on": "2025-04-03", f"line_{second.pk}": "1"})
    with scopes_disabled():
        note.refresh_from_db()
        assert note.status == ShippingStatus.SHIPPED
        assert note.shipments.count() == 2
        verbs = list(note.activities.order_by("id").values_list("verb", flat=True))
    assert verbs == ["shipment", "status", "shipment", "status"]

    assert staff_client.get(url).status_code == 302  # nothing left to ship


def test_shipment_needs_a_quantity(staff_client, brand):
    note = make_note(brand)
    with scopes_disabled():
        line = note.lines.get()
    response = staff_client.post(
        brand_url("note_ship", brand, pk=note.pk),
        {"shipped_on": "2025-04-02", f"line_{line.pk}": "0"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Enter a quantity for at least one line." in response.content.decode()


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("note_create", "get"),
        ("note_create", "post"),
        ("note_edit", "get"),
        ("note_cancel", "post"),
        ("note_ship", "get"),
        ("note_import", "get"),
        ("note_import", "post"),
    ],
)
def test_viewer_is_read_only(viewer_client, brand, name, method):
    note = make_note(brand)
    kwargs = {"pk": note.pk} if name in {"note_edit", "note_cancel", "note_ship"} else {}
    response = getattr(viewer_client, method)(brand_url(name, brand, **kwargs))
    assert response.status_code == 403
    with scopes_disabled():
        assert DeliveryNote.objects.get().status == ShippingStatus.UNSHIPPED


def test_viewer_reads_list_and_detail_without_edit_buttons(viewer_client, brand):
    note = make_note(brand)
    detail = viewer_client.get(brand_url("note_detail", brand, pk=note.pk))
    listing = viewer_client.get(brand_url("note_list", brand))
    assert detail.status_code == listing.status_code == 200
    assert brand_url("note_edit", brand, pk=note.pk) not in detail.content.decode()
    assert brand_url("note_create", brand) not in listing.content.decode()
