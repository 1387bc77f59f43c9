"""Rate-limit pacing: slow down while `x-api-call-limit` runs low, before Ship&co answers 429."""

from __future__ import annotations

import httpx
import pytest

from integrations.http import (
    PACING_MAX_PAUSE,
    PlatformClient,
    PlatformUnavailable,
    RateLimited,
    pacing_pause,
    parse_rate_limit,
)
from integrations.shipandco import facts
from integrations.shipandco.client import ShipandcoClient
from tests.integrations.fakes import TOKEN, FakeShipandco, json_response

LIMIT = facts.RATE_LIMIT_HEADER


class PacedShipandco(ShipandcoClient):
    # Redundant once ShipandcoClient declares it; keeps these tests about the shared client.
    rate_limit_header = facts.RATE_LIMIT_HEADER


def carriers(limit: str | None = None) -> httpx.Response:
    return json_response(200, [{"id": "c1"}], **({LIMIT: limit} if limit is not None else {}))


def paced(fake: FakeShipandco, cls: type[ShipandcoClient] = PacedShipandco):
    sleeps: list[float] = []
    client = cls(TOKEN, "https://shipandco.test/api/v1/", transport=fake.transport)
    client.sleep = sleeps.append
    return client, sleeps


def test_ship_and_co_header_name():
    assert facts.RATE_LIMIT_HEADER == "x-api-call-limit"


def test_parse_rate_limit():
    assert parse_rate_limit("3/120") == (3, 120)
    assert parse_rate_limit(" 0 / 120 ") == (0, 120)
    for unreadable in (None, "", "lots", "3", "3/120/60", "-1/120", "5/0", "121/120", "1.5/2"):
        assert parse_rate_limit(unreadable) is None, unreadable


def test_pause_is_zero_above_the_reserve_then_grows_to_the_cap():
    assert pacing_pause(120, 120) == pacing_pause(13, 120) == 0  # reserve: 10 % of 120 = 12
    pauses = [pacing_pause(remaining, 120) for remaining in range(12, -1, -1)]
    assert all(0 < a < b for a, b in zip(pauses, pauses[1:], strict=False))
    assert pauses[-1] == PACING_MAX_PAUSE
    assert pacing_pause(3, 5) == 0 and pacing_pause(2, 5) > 0  # a small maximum keeps 2 calls
    assert max(pacing_pause(r, m) for m in (1, 2, 10, 40, 1000) for r in range(m + 1)) <= 10


def test_no_pause_while_plenty_of_calls_remain():
    fake = FakeShipandco()
    fake.responses += [carriers("100/120"), carriers("99/120"), carriers("98/120")]
    client, sleeps = paced(fake)
    for _ in range(3):
        client.check_token()
    assert sleeps == []
    assert client.rate_limit == (98, 120)


def test_pauses_before_the_next_call_when_few_remain_longer_as_they_shrink():
    fake = FakeShipandco()
    fake.responses += [carriers("5/120"), carriers("2/120"), carriers("0/120"), carriers("120/120")]
    client, sleeps = paced(fake)
    client.check_token()
    assert sleeps == []  # nothing known before the first answer
    client.check_token()
    client.check_token()
    client.check_token()
    assert sleeps == [pacing_pause(5, 120), pacing_pause(2, 120), PACING_MAX_PAUSE]
    assert sleeps[0] < sleeps[1] < sleeps[2]
    client.check_token()  # the window refilled: 120/120
    assert len(sleeps) == 3


def test_never_pauses_without_a_readable_header():
    fake = FakeShipandco()
    fake.responses += [carriers(), carriers("soon"), carriers("1/120"), carriers(), carriers()]
    client, sleeps = paced(fake)
    client.check_token()
    client.check_token()
    assert client.rate_limit is None
    client.check_token()  # 1/120: the next call pauses ...
    client.check_token()
    assert len(sleeps) == 1
    client.check_token()  # ... but an answer without the header says nothing: no stale pacing
    assert len(sleeps) == 1
    assert client.rate_limit is None


def test_a_platform_without_the_header_never_paces():
    """rate_limit_header None: a header of that name means nothing for the platform."""

    class Unpaced(ShipandcoClient):
        rate_limit_header = None

    fake = FakeShipandco()
    fake.responses += [carriers("0/120"), carriers("0/120")]
    client, sleeps = paced(fake, Unpaced)
    client.check_token()
    client.check_token()
    assert sleeps == [] and client.rate_limit is None


def test_an_error_answer_is_read_too_and_429_still_carries_retry_after():
    fake = FakeShipandco()
    fake.responses.append(json_response(500, {"message": "boom"}, **{LIMIT: "0/120"}))
    fake.responses.append(
        json_response(429, {"message": "slow"}, **{LIMIT: "0/120", "Retry-After": "9"})
    )
    client, sleeps = paced(fake)
    with pytest.raises(PlatformUnavailable):
        client.check_token()
    with pytest.raises(RateLimited) as caught:
        client.check_token()
    assert sleeps == [PACING_MAX_PAUSE]
    assert caught.value.retry_after == 9


def test_the_sleeper_can_be_injected_through_the_constructor():
    class Client(PlatformClient):
        rate_limit_header = "x-calls"

    sleeps: list[float] = []
    responses = iter([httpx.Response(200, json={}, headers={"x-calls": "0/10"})] * 2)
    client = Client(
        TOKEN,
        base_url="https://platform.test/",
        transport=httpx.MockTransport(lambda request: next(responses)),
        sleep=sleeps.append,
    )
    client.get_json("a")
    client.get_json("b")
    assert sleeps == [PACING_MAX_PAUSE]
    assert client.rate_limit == (0, 10)


def test_what_one_client_learnt_of_the_budget_paces_the_accounts_next_client():
    """Every task of one brand shares the platform's word: a new client starts paced."""
    fake = FakeShipandco()
    fake.responses += [carriers("1/120"), carriers("100/120")]
    first, _first_sleeps = paced(fake)
    first.check_token()
    second, sleeps = paced(fake)
    second.check_token()
    assert len(sleeps) == 1


def test_after_a_429_the_accounts_other_clients_wait_without_calling(monkeypatch):
    from integrations.http import RateLimited

    fake = FakeShipandco()
    fake.responses.append(json_response(429, {}, **{"Retry-After": "120"}))
    first, _sleeps = paced(fake)
    with pytest.raises(RateLimited):
        first.check_token()
    second, _sleeps = paced(fake)
    with pytest.raises(RateLimited) as caught:
        second.check_token()
    assert caught.value.retry_after > 100
    assert len(fake.requests) == 1  # the second client did not spend a call
