"""Disconnect removes the webhooks; one brand's webhook secret opens no other brand's URL."""

from __future__ import annotations

import httpx
from django.urls import reverse

from brands.scoping import scopes_disabled
from integrations.models import ConnectionStatus, InboundCall
from integrations.webshipper.webhooks import signature
from tests.integrations.webshipper.conftest import ACCOUNT, TOKEN, connect, integration_of


def hooks_in_sandbox(base: str) -> list[dict]:
    answer = httpx.get(
        f"{base}/{ACCOUNT}/v2/webhooks", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    return answer.json()["data"]


def test_disconnect_removes_the_subscriptions(admin_client, brand, webshipper):
    connect(admin_client, brand)
    assert len(hooks_in_sandbox(webshipper)) == 4
    response = admin_client.post(
        reverse("webshipper:disconnect", kwargs={"brand_slug": brand.slug})
    )
    assert response.status_code == 302
    assert hooks_in_sandbox(webshipper) == []
    integration = integration_of(brand)
    assert integration.status == ConnectionStatus.NOT_INTEGRATED and not integration.is_active
    assert integration.webshipper.webhooks == []


def test_a_delivery_signed_for_another_brand_is_refused(
    admin_client, client, brand, other_brand, webshipper
):
    from tests.factories import MembershipFactory

    connect(admin_client, brand)
    other_admin = MembershipFactory(brand=other_brand, role="admin")
    admin_client.force_login(other_admin.user)
    connect(admin_client, other_brand)
    mine, theirs = integration_of(brand), integration_of(other_brand)
    body = b'{"data": {"type": "orders", "id": "1"}}'
    path = reverse("inbound_webshipper", kwargs={"token": mine.inbound_token})
    response = client.post(
        path,
        data=body,
        content_type="application/vnd.api+json",
        HTTP_X_WEBSHIPPER_HMAC_SHA256=signature(theirs.secret("webhook_secret"), body),
        HTTP_X_WEBSHIPPER_TOPIC="order/updated",
    )
    assert response.status_code == 401
    ok = client.post(
        path,
        data=body,
        content_type="application/vnd.api+json",
        HTTP_X_WEBSHIPPER_HMAC_SHA256=signature(mine.secret("webhook_secret"), body),
        HTTP_X_WEBSHIPPER_TOPIC="order/updated",
    )
    assert ok.status_code == 200
    with scopes_disabled():
        outcomes = list(
            InboundCall.objects.filter(integration=mine).values_list("outcome", flat=True)
        )
        assert sorted(outcomes) == ["denied", "ok"]
        assert not InboundCall.objects.filter(integration=theirs).exists()
