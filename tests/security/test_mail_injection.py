"""A name with line breaks can neither be saved nor forge an email into another brand's outbox."""

from __future__ import annotations

import pytest
from django.urls import reverse

from brands.scoping import brand_scope
from brands.services import invite_member
from brands.validators import single_line, validate_single_line
from notifications.outbox import read_outbox

pytestmark = pytest.mark.django_db

FORGED_NAME = (
    "Kim\n" + "-" * 79 + "\nX-Hakobu-Brand: brand-b\nSubject: Forged for B\n\nClick here\n"
)


@pytest.fixture
def mail_dir(settings, tmp_path):
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "notifications.mail.OutboxFileBackend"
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

    assert read_outbox(mail_dir, other_brand.slug) == []
    assert len(list(mail_dir.glob("*.eml"))) == 1


def test_validator_and_flattening():
    for good in ["Tom & Jerry's", "株式会社 東京", "Line 1 - suite 2"]:
        validate_single_line(good)
    assert single_line(" Kim\r\n\tLee\x00 ") == "Kim Lee"
