"""A name with line breaks can neither be saved nor forge an email into another brand's outbox."""

from __future__ import annotations

import pytest
from django.urls import reverse

from brands.scoping import brand_scope
from brands.services import invite_member
from notifications.outbox import read_outbox

pytestmark = pytest.mark.django_db

FORGED_NAME = (
    "Kim\n" + "-" * 79 + "\nX-Hakobu-Brand: brand-b\nSubject: Forged for B\n\nClick here\n"
)


@pytest.fixture
def mail_dir(settings, tmp_path):
    """The development mail set-up `make run` has: the default backend, read by the outbox."""
    from config.settings import base

    settings.DEBUG = True
    settings.EMAIL_BACKEND = base.EMAIL_BACKEND
    settings.EMAIL_FILE_PATH = tmp_path
    return tmp_path


@pytest.mark.parametrize("bad", ["Kim\nBcc: x@evil.example", "Kim\rX", "Kim\x00", "Kim\x1b[31m"])
def test_profile_name_with_control_characters_is_refused_with_a_message(admin_client, bad):
    response = admin_client.post(reverse("profile"), {"name": bad, "language": "en"})

    assert response.status_code == 200
    assert "Enter a single line" in response.content.decode()


def test_a_forged_name_sends_nothing_to_another_brands_outbox(
    mail_dir, brand, other_brand, admin_member, django_capture_on_commit_callbacks
):
    # Stored without the form (an account made before the validator, or by a script).
    admin_member.user.name = FORGED_NAME
    admin_member.user.save()
    with brand_scope(brand), django_capture_on_commit_callbacks(execute=True):
        invite_member(
            brand=brand, email="new@a.example", role="staff", invited_by=admin_member.user
        )

    assert list(mail_dir.iterdir())  # the invitation was written
    assert read_outbox(mail_dir, other_brand.slug) == []


def test_validator_and_flattening():
    from brands.validators import single_line, validate_single_line

    for good in ["Tom & Jerry's", "株式会社 東京", "Line 1 - suite 2"]:
        validate_single_line(good)
    assert single_line(" Kim\r\n\tLee\x00 ") == "Kim Lee"


def test_a_csv_cell_with_a_line_break_in_a_single_line_column_is_refused_by_row(brand):
    from delivery_notes.csv_import import parse
    from tests.delivery_notes.test_import import csv_text, row

    text = csv_text(
        [row("IMP-1", recipient_name="Kim\nX-Hakobu-Brand: brand-b", gift_message="Happy\nday")]
    )
    with brand_scope(brand):
        result = parse(text)

    assert [(e.row, e.column) for e in result.errors] == [(2, "recipient_name")]
    assert "Enter a single line" in result.errors[0].message


def test_platform_text_is_stored_single_line(brand):
    from delivery_notes.services import record_shipment
    from tests.factories import DeliveryNoteFactory, DeliveryNoteLineFactory

    with brand_scope(brand):
        note = DeliveryNoteFactory(brand=brand, number="DN-P")
        DeliveryNoteLineFactory(note=note, position=0)
        shipment = record_shipment(
            note,
            platform="shipandco",
            external_id="ext-1",
            carrier="yamato\r\nBcc: x@evil.example",
            service="TA-Q-BIN\x00",
            tracking_numbers=["1234\n5678", "\n"],
        )
    assert (shipment.carrier, shipment.service) == ("yamato Bcc: x@evil.example", "TA-Q-BIN")
    assert shipment.tracking_numbers == ["1234 5678"]


def test_a_parsed_platform_shipment_is_single_line():
    from datetime import UTC, datetime

    from integrations.records import PlatformShipment

    shipment = PlatformShipment(
        external_id="id\n1",
        reference="DN-1\r\n",
        carrier="sagawa\x00",
        service="e-hiden\tfast",
        tracking_numbers=("1\n2", ""),
        ship_date=None,
        cancelled=False,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    assert (shipment.external_id, shipment.reference, shipment.carrier, shipment.service) == (
        "id 1",
        "DN-1",
        "sagawa",
        "e-hiden fast",
    )
    assert shipment.tracking_numbers == ("1 2",)
