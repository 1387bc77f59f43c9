"""Answers Hakobu cannot use become clear messages, on Connect and in the sync's run log."""

from __future__ import annotations

import httpx
import pytest

from brands.scoping import brand_scope, scopes_disabled
from integrations.http import PlatformUnavailable
from integrations.models import ConnectionStatus, Integration, SyncRun
from integrations.services import ConnectionRefused, ConnectionSettings, save_connection
from integrations.shipandco import SHIPANDCO
from integrations.sync import sync_integration
from tests.integrations.fakes import TOKEN


def undecodable(request: httpx.Request) -> httpx.Response:
    """A body that claims gzip but is not: httpx cannot decode it."""
    return httpx.Response(200, headers={"content-encoding": "gzip"}, content=b"[not gzip]")


def test_connect_with_an_undecodable_answer_is_refused_with_a_message(brand, admin_member, fake):
    fake.responses.append(undecodable)
    with brand_scope(brand), pytest.raises(ConnectionRefused, match="does not understand"):
        save_connection(
            Integration(brand=brand, platform=SHIPANDCO, is_active=False),
            ConnectionSettings(token=TOKEN, is_active=True, members=[admin_member]),
        )
    with brand_scope(brand):
        assert not Integration.objects.exists()


def test_an_undecodable_page_fails_the_run_with_a_message(integration, fake):
    fake.responses.append(undecodable)
    run = sync_integration(integration.pk)
    assert run.outcome == SyncRun.Outcome.FAILED
    assert run.error == "Ship&co sent a response that could not be decoded."


def proxy_page(request: httpx.Request) -> httpx.Response:
    """What a proxy or gateway in front of Ship&co may send: HTML, not Ship&co's JSON."""
    return httpx.Response(
        403,
        content=b"<html><body>403 Forbidden</body></html>",
        headers={"content-type": "text/html"},
    )


def test_a_proxy_page_403_is_retried_and_does_not_pause_polling(integration, fake):
    fake.responses.append(proxy_page)
    with pytest.raises(PlatformUnavailable):
        sync_integration(integration.pk, final_attempt=False)
    fake.responses.append(proxy_page)
    run = sync_integration(integration.pk)
    assert run.outcome == SyncRun.Outcome.FAILED
    assert "Ship&co (or a proxy in front of it) answered HTTP 403" in run.error
    with scopes_disabled():
        integration.refresh_from_db()
        assert integration.status == ConnectionStatus.INTEGRATED
        assert SyncRun.objects.filter(outcome=SyncRun.Outcome.RETRYING).count() == 1


def test_ship_and_cos_own_403_labelled_html_still_stops_polling(integration, fake):
    fake.responses.append(
        httpx.Response(
            403,
            content=b'{"auth": false, "message": "Wrong token!"}',
            headers={"content-type": "text/html"},
        )
    )
    fake.responses.append(proxy_page)  # only reached if the first answer were taken as transient
    run = sync_integration(integration.pk, final_attempt=False)
    assert run.outcome == SyncRun.Outcome.FAILED
    assert run.error == "Ship&co rejected the access token (HTTP 403): Wrong token!."
    with scopes_disabled():
        integration.refresh_from_db()
        assert integration.status == ConnectionStatus.ERROR


def test_connect_behind_a_proxy_page_says_try_again_not_wrong_token(brand, admin_member, fake):
    fake.responses.append(proxy_page)
    with brand_scope(brand), pytest.raises(ConnectionRefused, match="could not be reached"):
        save_connection(
            Integration(brand=brand, platform=SHIPANDCO, is_active=False),
            ConnectionSettings(token=TOKEN, is_active=True, members=[admin_member]),
        )
