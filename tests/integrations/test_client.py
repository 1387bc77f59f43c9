"""The Ship&co client: HTTP outcomes become the shared exceptions; paging ends on its own."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from integrations.http import (
    DETAIL_MAX_CHARS,
    AuthRejected,
    MalformedResponse,
    PlatformUnavailable,
    RateLimited,
    TransientPlatformError,
    UnreadableRejection,
    parse_retry_after,
)
from integrations.listing import Window
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


# Recorded real Ship&co answers (sanmai/shipandco-sdk tests/Fixtures/responses), see the reference.
VALIDATION_ERROR = {
    "debug_id": "err_11111111",
    "code": "VALIDATION_ERROR",
    "message": "リクエストフォームに問題があります。構造に誤りがあるか、スキーマに反しています。",
    "details": [
        {
            "code": "INSUFFICIENT",
            "message": "この項目の内容が少なすぎます (最小: 1)",
            "field": "products",
            "value": 1,
        },
        {"code": "REQUIRED", "message": "この項目は必須です", "field": "to_address.country"},
        {
            "code": "REQUIRED",
            "message": "この項目は必須です",
            "field": "from_address.country",
            "value": "Tokyo 1-2-3",
        },
    ],
    "link": "https://developer.shipandco.com/en/#t-rates",
}
WRONG_TOKEN = {"auth": False, "message": "Wrong token!"}
NO_MESSAGE_500 = {"code": "BAD_REQUEST", "description": "Server made a boo"}
PROXY_PAGE = b"<html><head><title>403 Forbidden</title></head><body>nginx</body></html>"


def test_error_message_reads_ship_and_co_error_bodies():
    message = facts.error_message(VALIDATION_ERROR)
    assert message.startswith("リクエストフォームに問題があります。")
    assert (
        "products: この項目の内容が少なすぎます (最小: 1); to_address.country: この項目は必須です"
        in (message)
    )
    assert "+1 more" in message and "from_address" not in message
    assert message.endswith("(debug id err_11111111)")
    assert "Tokyo" not in message  # a detail's `value` may be a customer's data
    assert facts.error_message(NO_MESSAGE_500) == "Server made a boo"
    assert facts.error_message(WRONG_TOKEN) == "Wrong token!"
    assert facts.error_message({"auth": False, "code": "AUTH2"}) == "AUTH2"
    assert facts.error_message({"details": [{"code": "REQUIRED", "field": "to"}]}) == "to: REQUIRED"


def test_a_long_error_is_shortened_but_keeps_its_debug_id():
    body = {
        "debug_id": "err_2f6c1d",
        "message": "x" * 500,
        "details": [{"field": "f" * 80, "message": "m" * 200} for _ in range(5)],
    }
    fake = FakeShipandco()
    fake.responses.append(json_response(400, body))
    with pytest.raises(MalformedResponse) as caught:
        client_for(fake).check_token()
    detail = str(caught.value).split("HTTP 400: ", 1)[1]
    assert len(detail) <= DETAIL_MAX_CHARS + 1  # the closing full stop
    assert detail.endswith("(debug id err_2f6c1d).")


def test_a_4xx_error_shows_message_details_and_debug_id():
    fake = FakeShipandco()
    fake.responses.append(json_response(400, VALIDATION_ERROR))
    with pytest.raises(MalformedResponse) as caught:
        client_for(fake).check_token()
    assert "unexpected HTTP 400: リクエストフォーム" in str(caught.value)
    assert "to_address.country: この項目は必須です" in str(caught.value)
    assert "(debug id err_11111111)" in str(caught.value)


def test_a_5xx_with_only_a_description_shows_it():
    fake = FakeShipandco()
    fake.responses.append(json_response(500, NO_MESSAGE_500))
    with pytest.raises(PlatformUnavailable) as caught:
        client_for(fake).check_token()
    assert str(caught.value) == "Ship&co is unavailable (HTTP 500): Server made a boo."


def test_the_body_decides_not_the_content_type():
    """Ship&co labels JSON errors text/html at times; a proxy's real HTML page is no verdict."""
    fake = FakeShipandco()
    html = {"Content-Type": "text/html; charset=utf-8"}
    fake.responses.append(json_response(403, {**WRONG_TOKEN, "code": "AUTH2"}, **html))
    with pytest.raises(AuthRejected, match=r"rejected the access token \(HTTP 403\): Wrong token!"):
        client_for(fake).check_token()
    fake.responses.append(httpx.Response(403, content=PROXY_PAGE, headers=html))
    with pytest.raises(TransientPlatformError) as caught:
        client_for(fake).check_token()
    assert not isinstance(caught.value, AuthRejected)
    fake.responses.append(json_response(200, [{"id": "c1"}], **html))
    client_for(fake).check_token()


@pytest.mark.parametrize("status", [401, 403])
@pytest.mark.parametrize(
    ("content", "shown"),
    [(PROXY_PAGE, "(text/html)"), (b"", "(empty)"), (b"Forbidden", "(text/plain)")],
)
def test_a_401_or_403_page_that_is_not_json_is_transient(status, content, shown):
    """A proxy or gateway answered, not Ship&co: retry, don't stop polling for a bad token."""
    fake = FakeShipandco()
    content_type = "text/plain" if content == b"Forbidden" else "text/html"
    fake.responses.append(
        httpx.Response(status, content=content, headers={"Content-Type": content_type})
    )
    with pytest.raises(UnreadableRejection) as caught:
        client_for(fake).check_token()
    assert isinstance(caught.value, PlatformUnavailable)  # Celery's autoretry_for retries it
    message = str(caught.value)
    assert f"Ship&co (or a proxy in front of it) answered HTTP {status}" in message
    assert "could not read" in message and shown in message
    assert TOKEN not in message


def test_post_json_sends_json_and_maps_errors_the_same_way():
    fake = FakeShipandco()
    fake.responses.append(json_response(201, {"id": "ord_1"}))
    fake.responses.append(httpx.Response(204))
    fake.responses.append(json_response(400, VALIDATION_ERROR))
    client = client_for(fake)
    assert client.post_json("orders", {"ref": "DN-1"}) == {"id": "ord_1"}
    request = fake.requests[0]
    assert request.method == "POST"
    assert request.url == "https://shipandco.test/api/v1/orders"
    assert request.headers["content-type"] == "application/json"
    assert request.headers[facts.AUTH_HEADER] == TOKEN
    assert httpx.Request("POST", "/", json={"ref": "DN-1"}).content == request.content
    assert client.post_json("orders", {"ref": "DN-2"}) is None
    with pytest.raises(MalformedResponse, match=r"HTTP 400: .*\(debug id err_11111111\)"):
        client.post_json("orders", {})


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
    fake.responses.append(json_response(200, {"items": []}))
    with pytest.raises(MalformedResponse, match="not a JSON array"):
        client_for(fake).shipments_page(Window(None), 1)
    fake.responses.append(json_response(404, {"message": "no such endpoint"}))
    with pytest.raises(MalformedResponse, match="unexpected HTTP 404: no such endpoint"):
        client_for(fake).check_token()


def test_a_page_request_sends_limit_page_window_and_the_fixed_filters():
    fake = FakeShipandco()
    fake.shipments = [shipment(f"DN-{i}") for i in range(3)]
    window = Window(datetime(2020, 1, 1, tzinfo=UTC), datetime(2020, 2, 1, 12, tzinfo=UTC))
    client_for(fake).shipments_page(window, 2)
    params = fake.requests[0].url.params
    assert params["limit"] == str(facts.PAGE_SIZE)
    assert params["page"] == "2"
    assert params["created_after"] == "2020-01-01T00:00:00.000Z"
    assert params["created_before"] == "2020-02-01T12:00:00.000Z"
    assert (params["scope"], params["state"]) == ("all", "any")
    assert fake.requests[0].url.path.endswith("/shipments")


def test_an_open_window_sends_no_date_filter_and_an_envelope_is_accepted():
    fake = FakeShipandco()
    listed = [shipment("DN-1")]
    fake.responses.append(json_response(200, {"shipments": listed}))
    assert client_for(fake).shipments_page(Window(None), 1) == listed
    assert "created_after" not in fake.requests[0].url.params
    assert "created_before" not in fake.requests[0].url.params


def test_the_default_api_url_is_ship_and_cos_current_host(monkeypatch):
    """Was: https://app.shipandco.com/api/v1/, retired on 6 Sep 2024."""
    import importlib

    import config.settings.base as base

    monkeypatch.delenv("SHIPANDCO_API_URL", raising=False)
    assert importlib.reload(base).SHIPANDCO_API_URL == "https://api.shipandco.com/v1/"
