"""The Ship&co client: HTTP outcomes become the shared exceptions; paging ends on its own."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from integrations.http import (
    AuthRejected,
    MalformedResponse,
    PlatformUnavailable,
    RateLimited,
    parse_retry_after,
)
from integrations.secrets import mask
from integrations.shipandco import facts
from integrations.shipandco.client import ShipandcoClient
from tests.integrations.fakes import TOKEN, FakeShipandco, json_response, shipment


def client_for(fake: FakeShipandco, token: str = TOKEN) -> ShipandcoClient:
    return ShipandcoClient(token, "https://shipandco.test/api/v1/", transport=fake.transport)


def test_check_token_sends_the_header_and_accepts_a_valid_token():
    fake = FakeShipandco()
    client_for(fake).check_token()
    request = fake.requests[0]
    assert request.url == "https://shipandco.test/api/v1/carriers"
    assert request.headers[facts.AUTH_HEADER] == TOKEN


@pytest.mark.parametrize("status", [401, 403])
def test_rejected_token_raises_auth_rejected_without_the_token_in_the_message(status):
    fake = FakeShipandco()
    fake.responses.append(json_response(status, {"error": {"message": "Invalid access token"}}))
    with pytest.raises(AuthRejected) as caught:
        client_for(fake).check_token()
    assert "Invalid access token" in str(caught.value)
    assert TOKEN not in str(caught.value)


def test_a_token_echoed_in_the_platforms_error_message_is_masked():
    """The message lands in the run log (seen by viewers), emails and logs."""
    fake = FakeShipandco()
    fake.responses.append(json_response(401, {"message": f"Unknown token {TOKEN} for this shop"}))
    with pytest.raises(AuthRejected) as caught:
        client_for(fake).check_token()
    assert TOKEN not in str(caught.value)
    assert f"Unknown token {mask(TOKEN)} for this shop" in str(caught.value)


def test_429_carries_retry_after_seconds():
    fake = FakeShipandco()
    fake.responses.append(json_response(429, {"message": "slow down"}, **{"Retry-After": "7"}))
    with pytest.raises(RateLimited) as caught:
        client_for(fake).check_token()
    assert caught.value.retry_after == 7


def test_retry_after_as_http_date():
    now = datetime(2026, 1, 1, 0, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Thu, 01 Jan 2026 00:00:30 GMT", now=now) == 30
    assert parse_retry_after("soon", now=now) is None
    assert parse_retry_after(None) is None


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_is_platform_unavailable(status):
    fake = FakeShipandco()
    fake.responses.append(json_response(status, {"error": {"message": "boom"}}))
    with pytest.raises(PlatformUnavailable, match=f"HTTP {status}"):
        client_for(fake).check_token()


def test_timeout_and_connection_errors_are_platform_unavailable():
    fake = FakeShipandco()
    fake.responses.append(httpx.ReadTimeout("timed out"))
    with pytest.raises(PlatformUnavailable, match="did not answer in time"):
        client_for(fake).check_token()
    fake.responses.append(httpx.ConnectError("refused"))
    with pytest.raises(PlatformUnavailable, match="could not be reached"):
        client_for(fake).check_token()


def test_bad_json_and_wrong_shapes_are_malformed_response():
    fake = FakeShipandco()
    fake.responses.append(httpx.Response(200, content=b"<html>maintenance</html>"))
    with pytest.raises(MalformedResponse, match="not JSON"):
        client_for(fake).check_token()
    fake.responses.append(json_response(200, {"shipments": []}))
    with pytest.raises(MalformedResponse, match="not a JSON array"):
        list(client_for(fake).iter_shipment_pages())
    fake.responses.append(json_response(404, {"message": "no such endpoint"}))
    with pytest.raises(MalformedResponse, match="unexpected HTTP 404: no such endpoint"):
        client_for(fake).check_token()


def test_pages_follow_limit_and_offset_until_a_short_page(monkeypatch):
    monkeypatch.setattr(facts, "PAGE_SIZE", 2)
    fake = FakeShipandco()
    fake.shipments = [shipment(f"DN-{i}") for i in range(5)]
    since = datetime(2020, 1, 1, tzinfo=UTC)
    pages = list(client_for(fake).iter_shipment_pages(since))
    assert [len(page) for page in pages] == [2, 2, 1]
    assert [r.url.params["offset"] for r in fake.requests] == ["0", "2", "4"]
    assert fake.requests[0].url.params["date_from"] == "2020-01-01T00:00:00.000Z"


def test_a_full_last_page_costs_one_empty_request(monkeypatch):
    monkeypatch.setattr(facts, "PAGE_SIZE", 2)
    fake = FakeShipandco()
    fake.shipments = [shipment(f"DN-{i}") for i in range(4)]
    pages = list(client_for(fake).iter_shipment_pages())
    assert [len(page) for page in pages] == [2, 2]
    assert len(fake.requests) == 3


def test_a_repeating_page_ends_the_listing_without_duplicates(monkeypatch):
    """An API that ignores `offset` answers the first page forever: stop, don't loop."""
    monkeypatch.setattr(facts, "PAGE_SIZE", 2)
    fake = FakeShipandco()
    first_page = [shipment("DN-1"), shipment("DN-2")]
    for _ in range(50):
        fake.responses.append(json_response(200, first_page))
    pages = list(client_for(fake).iter_shipment_pages())
    assert pages == [first_page]
    assert len(fake.requests) == 2


def test_a_partly_repeated_page_yields_only_new_items(monkeypatch):
    monkeypatch.setattr(facts, "PAGE_SIZE", 2)
    fake = FakeShipandco()
    a, b, c = shipment("DN-A"), shipment("DN-B"), shipment("DN-C")
    fake.responses += [json_response(200, [a, b]), json_response(200, [b, c])]
    fake.responses.append(json_response(200, []))
    pages = list(client_for(fake).iter_shipment_pages())
    assert pages == [[a, b], [c]]
