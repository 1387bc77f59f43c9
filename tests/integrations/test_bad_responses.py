"""Answers Hakobu cannot use become clear messages, on Connect and in the sync's run log."""

from __future__ import annotations

import httpx
import pytest

from brands.scoping import brand_scope
from delivery_notes.models import Platform
from integrations.models import Integration, SyncRun
from integrations.services import ConnectionRefused, ConnectionSettings, save_connection
from integrations.sync import sync_integration
from tests.integrations.fakes import TOKEN


def undecodable(request: httpx.Request) -> httpx.Response:
    """A body that claims gzip but is not: httpx cannot decode it."""
    return httpx.Response(200, headers={"content-encoding": "gzip"}, content=b"[not gzip]")


def test_connect_with_an_undecodable_answer_is_refused_with_a_message(brand, admin_member, fake):
    fake.responses.append(undecodable)
    with brand_scope(brand), pytest.raises(ConnectionRefused, match="does not understand"):
        save_connection(
            Integration(brand=brand, platform=Platform.SHIPANDCO, is_active=False),
            ConnectionSettings(token=TOKEN, is_active=True, members=[admin_member]),
        )
    with brand_scope(brand):
        assert not Integration.objects.exists()


def test_an_undecodable_page_fails_the_run_with_a_message(integration, fake):
    fake.responses.append(undecodable)
    run = sync_integration(integration.pk)
    assert run.outcome == SyncRun.Outcome.FAILED
    assert run.error == "Ship&co sent a response that could not be decoded."
