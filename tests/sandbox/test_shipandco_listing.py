"""``GET /v1/shipments`` in the sandbox: paging, filters, defaults and the per-account quirks."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sandbox.shipandco import DEFAULT_LIMIT, DEFAULT_TOKEN, MAX_LIMIT, SECOND_TOKEN
from tests.sandbox.helpers import (
    api,
    assert_validation_error,
    control,
    listed,
    refs,
    seed,
    set_listing,
)


def seed_series(sandbox, count: int, **extra: Any) -> list[dict[str, Any]]:
    """``count`` API shipments DN-0000… one hour apart, oldest first."""
    specs = [
        {
            "ref_number": f"DN-{i:04d}",
            "created_at": f"2024-03-{1 + i // 24:02d}T{i % 24:02d}:00:00Z",
            "origin": "api",
            **extra,
        }
        for i in range(count)
    ]
    return seed(sandbox, specs)


def newest_first(shipments: list[dict[str, Any]]) -> list[str]:
    ordered = sorted(shipments, key=lambda s: (s["created_at"], s["id"]), reverse=True)
    return [s["id"] for s in ordered]


# --- paging ----------------------------------------------------------------------------------


def test_pages_return_every_shipment_once_newest_first(sandbox):
    created = seed_series(sandbox, 45)
    created += seed(sandbox, [{"ref_number": "TIE", "created_at": "2024-03-01T05:00:00Z",
                               "origin": "api"}] * 3)  # fmt: skip
    seen: list[str] = []
    for page in range(1, 10):
        items = listed(sandbox, limit=7, page=page)
        seen += [s["id"] for s in items]
        if len(items) < 7:
            break
    assert seen == newest_first(created)
    assert listed(sandbox, limit=7, page=9) == []


def test_default_page_size_and_page(sandbox):
    created = seed_series(sandbox, DEFAULT_LIMIT + 10)
    first = listed(sandbox)
    assert len(first) == DEFAULT_LIMIT == 50
    assert first == listed(sandbox, page=1)
    assert [s["id"] for s in first + listed(sandbox, page=2)] == newest_first(created)


def test_limit_over_maximum_is_clamped(sandbox):
    seed_series(sandbox, MAX_LIMIT + 5)
    assert MAX_LIMIT == 250
    assert len(listed(sandbox, limit=1000)) == MAX_LIMIT
    assert len(listed(sandbox, limit=1000, page=2)) == 5


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": "x"}, "limit"),
        ({"page": 0}, "page"),
        ({"page": -1}, "page"),
        ({"scope": "mine"}, "scope"),
        ({"state": "cancelled"}, "state"),
        ({"created_after": "last tuesday"}, "created_after"),
        ({"created_before": "2024-13-01"}, "created_before"),
    ],
)
def test_bad_list_parameters_are_400_validation_errors(sandbox, params, field):
    response = api(sandbox, "/shipments", **params)
    assert_validation_error(response, field)
    [entry] = response.json()["details"]
    assert entry["code"] == "INVALID" and "value" in entry
    assert response.headers["x-api-call-limit"]


# --- filters ---------------------------------------------------------------------------------


def test_scope_defaults_to_api_shipments_only(sandbox):
    seed(sandbox, [{"ref_number": "VIA-API", "origin": "api"}])
    seed(sandbox, [{"ref_number": "IN-APP", "origin": "app"}, {"ref_number": "DEFAULT"}])
    assert refs(sandbox) == ["VIA-API"]
    assert refs(sandbox, scope="api") == ["VIA-API"]
    assert sorted(refs(sandbox, scope="all")) == ["DEFAULT", "IN-APP", "VIA-API"]


def test_state_defaults_to_active(sandbox):
    seed(
        sandbox,
        [
            {"ref_number": "LIVE", "created_at": "2024-01-01T00:00:00Z"},
            {"ref_number": "GONE", "created_at": "2024-01-02T00:00:00Z", "state": "void"},
        ],
    )
    assert refs(sandbox, scope="all") == ["LIVE"]
    assert refs(sandbox, scope="all", state="active") == ["LIVE"]
    assert refs(sandbox, scope="all", state="void") == ["GONE"]
    assert refs(sandbox, scope="all", state="any") == ["GONE", "LIVE"]


def test_carrier_filter(sandbox):
    seed(
        sandbox,
        [{"ref_number": "Y", "carrier": "yamato"}, {"ref_number": "S", "carrier": "sagawa"}],
    )
    assert refs(sandbox, scope="all", carrier="sagawa") == ["S"]
    assert refs(sandbox, scope="all", carrier="fedex") == []


def test_created_after_and_before_are_exclusive(sandbox):
    seed(
        sandbox,
        [
            {"ref_number": "JAN", "created_at": "2024-01-15T00:00:00Z"},
            {"ref_number": "FEB", "created_at": "2024-02-01T00:00:00Z"},
            {"ref_number": "MAR", "created_at": "2024-03-15T12:30:00+09:00"},
        ],
    )

    def after(value: str, **params: Any) -> list[str]:
        return refs(sandbox, scope="all", created_after=value, **params)

    assert after("2024-01-31T23:59:59.999Z") == ["MAR", "FEB"]
    assert after("2024-02-01T00:00:00Z") == ["MAR"]  # strictly after
    assert after("2024-02-01T08:59:59+09:00") == ["MAR", "FEB"]
    assert after("2024-02-01") == ["MAR"]  # a date is midnight UTC
    assert refs(sandbox, scope="all", created_before="2024-02-01T00:00:00Z") == ["JAN"]
    assert refs(sandbox, scope="all", created_before="2024-02-01T00:00:00.001Z") == ["FEB", "JAN"]
    assert after("2024-01-15T00:00:00Z", created_before="2024-03-15T03:30:00Z") == ["FEB"]
    # an unencoded "+09:00" arrives as " 09:00"
    response = httpx.get(
        f"{sandbox.url}/shipandco/v1/shipments?scope=all&created_after=2024-03-15T12:29:59+09:00",
        headers={"x-access-token": DEFAULT_TOKEN},
    )
    assert [s["setup"]["ref_number"] for s in response.json()] == ["MAR"]


# --- listing behaviours ----------------------------------------------------------------------


def test_listing_behaviour_defaults_and_reset(sandbox):
    defaults = {
        "order": "desc",
        "max_limit": 250,
        "ignore_page": False,
        "repeat_page": None,
        "ignore_dates": False,
    }
    assert set_listing(sandbox) == defaults
    assert set_listing(sandbox, order="asc")["order"] == "asc"
    assert control(sandbox, "_listing", {}).json() == defaults  # every account
    seed_series(sandbox, 3)
    assert refs(sandbox) == ["DN-0002", "DN-0001", "DN-0000"]
    set_listing(sandbox, order="asc", ignore_page=True)
    control(sandbox, "_reset", {})
    seed_series(sandbox, 3)
    assert refs(sandbox) == ["DN-0002", "DN-0001", "DN-0000"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"order": "random"}, "order"),
        ({"max_limit": 0}, "max_limit"),
        ({"repeat_page": 0}, "repeat_page"),
        ({"ignore_page": "yes"}, "ignore_page"),
        ({"ignore_dates": 1}, "ignore_dates"),
    ],
)
def test_bad_listing_behaviour_is_400(sandbox, payload, field):
    assert_validation_error(
        control(sandbox, "_listing", {"token": DEFAULT_TOKEN, **payload}), field
    )


def test_listing_behaviour_needs_a_token_to_change(sandbox):
    response = control(sandbox, "_listing", {"order": "asc"})
    assert_validation_error(response, "token")


def test_order_asc(sandbox):
    seed_series(sandbox, 3)
    set_listing(sandbox, order="asc")
    assert refs(sandbox) == ["DN-0000", "DN-0001", "DN-0002"]


def test_order_unordered_is_a_stable_shuffle(sandbox):
    created = seed_series(sandbox, 30)
    set_listing(sandbox, order="unordered")
    first = [s["id"] for p in (1, 2, 3) for s in listed(sandbox, limit=10, page=p)]
    again = [s["id"] for p in (1, 2, 3) for s in listed(sandbox, limit=10, page=p)]
    assert first == again
    assert sorted(first) == sorted(s["id"] for s in created)
    assert first != newest_first(created) and first != newest_first(created)[::-1]


def test_max_limit_clamps_the_page_size(sandbox):
    seed_series(sandbox, 12)
    set_listing(sandbox, max_limit=5)
    assert len(listed(sandbox, limit=50)) == 5
    assert len(listed(sandbox, limit=3)) == 3
    pages = [refs(sandbox, limit=50, page=p) for p in (1, 2, 3)]
    assert [len(p) for p in pages] == [5, 5, 2]  # a client stopping at a short page misses none


def test_ignore_page_always_answers_page_one(sandbox):
    seed_series(sandbox, 6)
    set_listing(sandbox, ignore_page=True)
    assert refs(sandbox, limit=2, page=3) == refs(sandbox, limit=2) == ["DN-0005", "DN-0004"]


def test_repeat_page_answers_page_n_again_for_n_plus_one(sandbox):
    seed_series(sandbox, 6)
    set_listing(sandbox, repeat_page=1)
    assert refs(sandbox, limit=2, page=1) == ["DN-0005", "DN-0004"]
    assert refs(sandbox, limit=2, page=2) == ["DN-0005", "DN-0004"]
    assert refs(sandbox, limit=2, page=3) == ["DN-0001", "DN-0000"]


def test_ignore_dates(sandbox):
    seed_series(sandbox, 3)
    set_listing(sandbox, ignore_dates=True)
    assert len(listed(sandbox, created_after="2030-01-01T00:00:00Z")) == 3
    assert len(listed(sandbox, created_before="not a date")) == 3  # not even read


def test_listing_behaviour_is_per_account(sandbox):
    seed_series(sandbox, 2)
    second = [
        {"ref_number": f"B-{i}", "origin": "api", "created_at": f"2024-01-0{i + 1}T00:00:00Z"}
        for i in range(2)
    ]
    seed(sandbox, second, token=SECOND_TOKEN)
    set_listing(sandbox, order="asc")
    assert refs(sandbox) == ["DN-0000", "DN-0001"]
    assert refs(sandbox, SECOND_TOKEN) == ["B-1", "B-0"]
