"""Regressions found walking through issues 8, 9 and 11 as a new user in `make run`."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from pypdf import PdfReader

from brands.scoping import brand_scope, scopes_disabled
from delivery_notes import tracking
from delivery_notes.documents import picking_list_pdf
from delivery_notes.documents.sources import document_notes
from delivery_notes.models import DeliveryNoteLine
from integrations.shipstation.models import ShipstationLabel
from tests.catalogue.helpers import make_customer, make_product
from tests.delivery_notes.helpers import brand_url, make_note
from tests.delivery_notes.test_import import csv_text as note_csv
from tests.delivery_notes.test_import import row as note_row
from tests.factories import DeliveryNoteLineFactory

pytestmark = pytest.mark.django_db


def test_the_print_dialogs_choices_are_styled_radios(viewer_client, brand):
    """Bare <input type=radio> sat unaligned against its label in the note's print dialog."""
    note = make_note(brand)
    dialog = viewer_client.get(brand_url("note_print", brand, pk=note.pk), HTTP_HX_REQUEST="true")
    content = dialog.content.decode()
    assert content.count('type="radio"') == 4
    assert content.count('class="form-check-input"') >= 4


def test_a_customers_carrier_reads_as_its_name(staff_client, brand):
    """The note showed "Yamato Transport"; the customer's pages showed the code "yamato"."""
    customer = make_customer(brand, "C-CARRIER")
    detail = staff_client.get(brand_url("customer_detail", brand, pk=customer.pk))
    listing = staff_client.get(brand_url("customer_list", brand))
    for response in (detail, listing):
        assert "Yamato Transport" in response.content.decode()


def test_a_bought_labels_cost_has_the_rates_two_decimals(brand):
    """The rate said "48.00 USD" and the label it bought "48 USD" (beside "28.50 USD")."""
    label = ShipstationLabel(
        brand=brand,
        status="bought",
        carrier_name="DHL Express",
        service_name="DHL Express Worldwide",
        tracking_number="000001900172",
        cost=Decimal("48.00"),
        currency="USD",
    )
    html = render_to_string(
        "integrations/shipstation/_label_list.html",
        {"labels": [label], "brand": brand, "membership": type("M", (), {"role": "viewer"})()},
    )
    assert "48.00 USD" in html


@pytest.mark.parametrize(
    ("code", "label"),
    [("dhl_express_worldwide", "DHL Express"), ("ups_walleted", "UPS"), ("fedex", "FedEx")],
)
def test_shipstations_carrier_codes_read_as_known_carriers_with_tracking(code, label):
    """A DHL label bought in Hakobu showed "dhl_express_worldwide", with no tracking link."""
    assert tracking.carrier_label(code) == label
    assert tracking.tracking_url(code, "000001900172")


def test_the_note_import_takes_an_empty_location_from_the_catalogue(staff_client, brand):
    """Imported lines of catalogue SKUs had no location: the picking list put them all under
    "No location" although the catalogue knows the shelf."""
    make_product(brand, "TS-WHT-M", warehouse_location="A-01-02")
    rows = [
        note_row("LOC-1", item="", item_sku="TS-WHT-M"),
        note_row("LOC-1", item="", item_sku="TS-WHT-M", item_location="Z-9"),
    ]
    response = staff_client.post(
        brand_url("note_import", brand),
        {"file": SimpleUploadedFile("n.csv", note_csv(rows).encode(), content_type="text/csv")},
    )
    assert response.status_code == 302
    with brand_scope(brand):
        locations = list(
            DeliveryNoteLine.objects.order_by("position").values_list(
                "warehouse_location", flat=True
            )
        )
    assert locations == ["A-01-02", "Z-9"]


def test_a_long_sku_wraps_in_its_picking_list_column(brand):
    """ "SK-WL-MOS-25-27CM" (17 characters) ran over the name beside it."""
    note = make_note(brand, lines=0)
    with scopes_disabled():
        DeliveryNoteLineFactory(note=note, sku="SK-WL-MOS-25-27CM", name="WOOLSOCKS", quantity=2)
    out = io.BytesIO()
    with brand_scope(brand):
        picking_list_pdf(document_notes([note.pk]), brand, out)
    text = PdfReader(io.BytesIO(out.getvalue())).pages[0].extract_text()
    assert "SK-WL-MOS-25-27CM" not in text  # split over two lines
    assert "WOOLSOCKS" in text
