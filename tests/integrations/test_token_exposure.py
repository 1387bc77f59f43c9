"""The access token never shows up where it could be read back: the modal, error pages, reports."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from brands.scoping import brand_scope, scopes_disabled
from integrations.forms import ConnectionForm
from integrations.models import Integration
from integrations.secrets import Secret
from tests.integrations.fakes import TOKEN


def connect_url(brand) -> str:
    return reverse("shipandco:connect", kwargs={"brand_slug": brand.slug})


@pytest.mark.parametrize("pasted", ["fake-shipandco\u3000token", "fake-\u200bshipandco-token"])
def test_a_token_with_characters_no_header_can_carry_is_refused_by_the_form(
    admin_client, brand, admin_member, fake, pasted
):
    """A full-width space or an invisible character (pasted along) used to crash with a 500."""
    response = admin_client.post(
        connect_url(brand),
        {"access_token": pasted, "notify_mode": "per_sync"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "can only contain letters, digits and symbols" in html
    assert pasted not in html
    assert fake.requests == []
    with scopes_disabled():
        assert not Integration.objects.exists()


def test_a_refused_token_is_not_echoed_back_into_the_modal(admin_client, brand, admin_member, fake):
    response = admin_client.post(
        connect_url(brand),
        {"access_token": "wrong-token-0123456789", "notify_mode": "per_sync"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "rejected the access token" in html
    assert "wrong-token-0123456789" not in html


@pytest.mark.parametrize("debug", [True, False])
def test_a_crash_while_checking_the_token_keeps_it_out_of_the_error_report(
    client, admin_member, brand, fake, settings, debug
):
    """The technical 500 page (DEBUG) and the error report (emailed to ADMINS) hide the token:
    the posted field, and every local variable holding it, down to the HTTP client's frames."""
    settings.DEBUG = debug
    settings.ADMINS = [("Ops", "ops@hakobu.example")]

    def crash_in_the_http_stack(request):
        header_bytes = request.headers.raw  # noqa: F841 - as httpcore's frames hold them
        raise RuntimeError("unexpected bug while checking the token")

    fake.responses.append(crash_in_the_http_stack)
    client.force_login(admin_member.user)
    client.raise_request_exception = False
    response = client.post(connect_url(brand), {"access_token": TOKEN, "notify_mode": "per_sync"})
    assert response.status_code == 500
    if debug:
        page = response.content.decode()
        assert "unexpected bug while checking the token" in page
        assert TOKEN not in page
    else:
        (report,) = mail.outbox
        assert "unexpected bug while checking the token" in report.body
        assert TOKEN not in report.body
        assert all(TOKEN not in body for body, _type in report.alternatives)


def test_the_clean_token_is_a_secret(brand, admin_member):
    """Every local variable and dataclass holding it reprs as stars (tracebacks, debug pages)."""
    with brand_scope(brand):
        form = ConnectionForm(
            {"access_token": TOKEN, "notify_mode": "per_sync"},
            integration=Integration(brand=brand, platform="shipandco"),
        )
        assert form.is_valid(), form.errors
    assert isinstance(form.cleaned_data["access_token"], Secret)
    assert TOKEN not in repr(form.cleaned_data)
    assert TOKEN not in repr(form.to_settings())
