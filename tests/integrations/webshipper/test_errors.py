"""Webshipper's refusals in the seed's terms, over HTTP against the sandbox: 403 names what the
subscription lacks and never pauses the connection as a token problem; 422 shows title and detail
on the note; 401 is "token rejected" (and pauses polling)."""

from __future__ import annotations

from django.urls import reverse

from brands.scoping import brand_scope, scopes_disabled
from integrations.models import ConnectionStatus, OutboundOrder
from integrations.sync import sync_integration
from integrations.webshipper.models import RateMapping
from tests.integrations.webshipper.conftest import (
    connect,
    control,
    integration_of,
    new_note,
    settings_url,
)


def _map(brand) -> None:
    with brand_scope(brand):
        RateMapping.objects.create(
            brand=brand, integration=integration_of(brand), delivery_terms="Erhverv", rate_id="2"
        )


def _row(note) -> OutboundOrder:
    with scopes_disabled():
        return OutboundOrder.objects.get(note=note, action="push")


def test_a_plan_without_webhooks_still_connects_and_says_what_is_missing(
    admin_client, brand, webshipper
):
    control(webshipper, "_subscription", lacks=["webhooks"])
    assert connect(admin_client, brand).status_code == 302
    integration = integration_of(brand)
    assert integration.status == ConnectionStatus.INTEGRATED
    assert integration.webshipper.webhooks == []
    page = admin_client.get(settings_url(brand)).content.decode()
    assert "Webhooks is not in your subscription" in page
    assert "polls Webshipper" in page


def test_403_holds_the_order_with_the_missing_feature_and_does_not_pause(
    admin_client, brand, webshipper, django_capture_on_commit_callbacks
):
    connect(admin_client, brand)
    _map(brand)
    control(webshipper, "_subscription", lacks=["orders"])
    note = new_note(brand, "DN-ERR-1", captured=django_capture_on_commit_callbacks)
    row = _row(note)
    assert row.status == "held"
    assert "Not in your Webshipper subscription" in row.reason and "API orders" in row.reason
    integration = integration_of(brand)
    assert integration.status == ConnectionStatus.INTEGRATED
    assert integration.status_reason == ""


def test_422_shows_title_and_detail_on_the_note(
    admin_client, brand, webshipper, django_capture_on_commit_callbacks
):
    connect(admin_client, brand)
    _map(brand)
    note = new_note(brand, "DN-ERR-2", country_code="", captured=django_capture_on_commit_callbacks)
    row = _row(note)
    assert row.status == "held"
    expected = "Validation failed: country_code is not a valid ISO 3166-1 alpha-2 code"
    assert row.reason == expected
    page = admin_client.get(
        reverse("note_detail", kwargs={"brand_slug": brand.slug, "pk": note.pk})
    )
    assert expected in page.content.decode()


def test_401_is_token_rejected_and_pauses_polling(
    admin_client, brand, webshipper, django_capture_on_commit_callbacks
):
    connect(admin_client, brand)
    _map(brand)
    control(webshipper, "_faults", status=401, count=2)
    note = new_note(brand, "DN-ERR-3", captured=django_capture_on_commit_callbacks)
    assert "token rejected" in _row(note).reason
    with brand_scope(brand):
        run = sync_integration(integration_of(brand).pk)
    assert run.outcome == "failed"
    integration = integration_of(brand)
    assert integration.status == ConnectionStatus.ERROR
    assert integration.status_reason_display == "token rejected"
