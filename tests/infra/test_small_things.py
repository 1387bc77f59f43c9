"""Small daily-use fixes: logs of handled errors, the favicon, the profile's navigation, the last
Admin, the README's ports, the Ship&co token text."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from django.urls import reverse

from brands.models import Role
from tests.delivery_notes.helpers import make_note
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", [403, 404])
def test_a_handled_403_or_404_is_logged_once_without_a_traceback(
    client, viewer_member, caplog, status
):
    note = make_note(viewer_member.brand, number="DN-LOG-1")
    client.force_login(viewer_member.user)
    name, kwargs = ("note_edit", {"pk": note.pk}) if status == 403 else ("note_detail", {"pk": 9})
    with caplog.at_level(logging.INFO, logger="django.request"):
        response = client.get(reverse(name, kwargs={"brand_slug": "brand-a", **kwargs}))
    assert response.status_code == status
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    assert records[0].exc_info is None
    assert "Traceback" not in caplog.text


def test_a_server_error_keeps_its_traceback(client, caplog):
    """Only 403/404 lose the traceback: a 500 is logged with it."""
    from config.log_filters import HandledClientErrors

    record = logging.LogRecord("django.request", logging.ERROR, "", 0, "boom", (), None)
    record.status_code = 500
    record.exc_info = (ValueError, ValueError("x"), None)
    assert HandledClientErrors().filter(record) and record.exc_info is not None


def test_every_page_has_a_favicon(client):
    html = client.get(reverse("login")).content.decode()
    assert 'rel="icon"' in html and "favicon.svg" in html
    assert client.get("/favicon.ico").status_code in (301, 302)


def test_the_profile_keeps_the_brand_navigation(client, staff_member):
    client.force_login(staff_member.user)
    client.get(reverse("note_list", args=[staff_member.brand.slug]))
    html = client.get(reverse("profile")).content.decode()
    assert reverse("note_list", args=[staff_member.brand.slug]) in html
    assert reverse("notification_list", args=[staff_member.brand.slug]) in html


def test_the_last_admin_is_not_offered_remove(admin_client, brand, admin_member):
    url = reverse("member_list", args=[brand.slug])
    remove = reverse("member_remove", args=[brand.slug, admin_member.pk])
    html = admin_client.get(url).content.decode()
    assert remove not in html
    assert 'id="last-admin"' in html
    MembershipFactory(brand=brand, user=UserFactory(email="a2@a.example"), role=Role.ADMIN)
    assert remove in admin_client.get(url).content.decode()


def test_the_readme_names_the_ports():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "WEB_PORT" in readme and "SANDBOX_PORT" in readme


def test_the_token_rejected_text_names_the_button_on_the_page(admin_client, brand):
    from integrations.models import ConnectionStatus, StatusReason
    from tests.integrations.conftest import make_integration

    make_integration(
        brand, status=ConnectionStatus.ERROR, status_reason=StatusReason.TOKEN_REJECTED
    )
    html = admin_client.get(reverse("shipandco:settings", args=[brand.slug])).content.decode()
    assert "Click Connect with Ship&amp;co, enter the current access token" in html
    assert "Connect with Ship&amp;co</a>" in html
