"""The sandbox's control endpoints over HTTP: seeding, updates, faults and the rate limit."""

from __future__ import annotations

import time

import httpx
import pytest

from sandbox.shipandco import DEFAULT_TOKEN, RATE_LIMIT_MAX, SECOND_TOKEN
from tests.sandbox.helpers import (
    api,
    assert_validation_error,
    control,
    import_csv,
    listed,
    make_csv,
    orders,
    seed,
    ui_client,
)

# --- seeding ---------------------------------------------------------------------------------


def test_seed_options_shape_the_shipment(sandbox):
    [test_label, voided, custom] = seed(
        sandbox,
        [
            {"ref_number": "DN-T", "test": True, "origin": "api"},
            {"ref_number": "DN-V", "state": "void", "tracking_numbers": []},
            {
                "ref_number": "DN-C",
                "carrier": "japanpost",
                "service": "japanpost_ems",
                "shipment_date": "2024-06-01",
                "date": "2024-06-04",
                "time": "16-18",
                "tracking_numbers": ["EJ123456789JP"],
                "to_address": {"full_name": "Jane Doe", "country": "US"},
                "products": [{"name": "Tea", "quantity": 2, "price": 800}],
            },
        ],
    )
    assert test_label["test"] is True and test_label["state"] == "active"
    assert voided["state"] == "void" and voided["delivery"]["tracking_numbers"] == []
    assert custom["delivery"]["method"] == "japanpost_ems"
    assert (custom["setup"]["shipment_date"], custom["setup"]["date"]) == (
        "2024-06-01",
        "2024-06-04",
    )
    assert custom["setup"]["time"] == "16-18"
    assert custom["delivery"]["tracking_numbers"] == ["EJ123456789JP"]
    assert custom["to_address"]["full_name"] == "Jane Doe"
    assert custom["products"][0]["name"] == "Tea" and custom["products"][0]["quantity"] == 2
    [method] = seed(sandbox, [{"ref_number": "DN-M", "carrier": "fedex", "method": "fedex_x"}])
    assert method["delivery"]["method"] == "fedex_x"
    [no_request] = seed(sandbox, [{"ref_number": "DN-N", "date": None, "time": None}])
    assert (no_request["setup"]["date"], no_request["setup"]["time"]) == (None, None)
    assert [s["setup"]["ref_number"] for s in listed(sandbox)] == ["DN-T"]  # the only api one


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"carrier": "yamato"}, "shipments[0].ref_number"),
        ({"ref_number": "X", "carrier": "kuroneko"}, "shipments[0].carrier"),
        ({"ref_number": "X", "state": "cancelled"}, "shipments[0].state"),
        ({"ref_number": "X", "test": "yes"}, "shipments[0].test"),
        ({"ref_number": "X", "origin": "csv"}, "shipments[0].origin"),
        ({"ref_number": "X", "parcels": 0}, "shipments[0].parcels"),
        ({"ref_number": "X", "created_at": "soon"}, "shipments[0].created_at"),
        ({"ref_number": "X", "shipment_date": "2024/06/01"}, "shipments[0].shipment_date"),
        ({"ref_number": "X", "method": ""}, "shipments[0].method"),
        ({"ref_number": "X", "tracking_numbers": [1]}, "shipments[0].tracking_numbers"),
    ],
)
def test_bad_seed_items_are_rejected_and_nothing_is_stored(sandbox, item, field):
    good = {"ref_number": "GOOD"}
    response = control(sandbox, "_seed", {"token": DEFAULT_TOKEN, "shipments": [item, good]})
    assert_validation_error(response, field)
    assert listed(sandbox, scope="all", state="any") == []


def test_control_endpoints_need_a_known_token(sandbox):
    response = control(sandbox, "_seed", {"token": "nope", "shipments": []})
    assert_validation_error(response, "token")
    assert control(sandbox, "_nothing", {"token": DEFAULT_TOKEN}).status_code == 404
    assert httpx.get(f"{sandbox.url}/shipandco/_seed").status_code == 405


def test_seed_orders_as_csv_rows(sandbox):
    header, first_row = make_csv().split("\r\n")[:2]
    row = dict(zip(header.split(","), first_row.split(","), strict=True))
    response = control(sandbox, "_seed", {"token": DEFAULT_TOKEN, "orders": [row]})
    assert response.status_code == 201
    assert [o["name"] for o in response.json()["orders"]] == ["DN-0001"]
    assert [o["name"] for o in orders(sandbox)] == ["DN-0001"]


# --- updating shipments ----------------------------------------------------------------------


def update(sandbox, **changes) -> httpx.Response:
    return control(sandbox, "_update_shipment", {"token": DEFAULT_TOKEN, **changes})


def test_update_shipment_adds_numbers_changes_carrier_and_voids(sandbox):
    [shipment] = seed(sandbox, [{"ref_number": "DN-U", "tracking_numbers": [], "origin": "api"}])
    added = update(sandbox, id=shipment["id"], tracking_numbers=["400000000017"])
    assert added.status_code == 200
    assert added.json()["delivery"]["tracking_numbers"] == ["400000000017"]
    assert added.json()["delivery"]["label"] == shipment["delivery"]["label"]

    moved = update(sandbox, id=shipment["id"], carrier="sagawa").json()
    assert (moved["delivery"]["carrier"], moved["delivery"]["method"]) == (
        "sagawa",
        "sagawa_regular",
    )
    carriers = {c["type"]: c["id"] for c in api(sandbox, "/carriers").json()}
    assert moved["setup"]["carrier_id"] == carriers["sagawa"]
    cool = update(sandbox, id=shipment["id"], method="sagawa_cool", test=True).json()
    assert (cool["delivery"]["method"], cool["test"]) == ("sagawa_cool", True)

    voided = update(sandbox, id=shipment["id"], state="void").json()
    assert voided["state"] == "void"
    assert api(sandbox, f"/shipments/{shipment['id']}").json() == voided
    assert listed(sandbox) == []


def test_update_shipment_errors(sandbox):
    [shipment] = seed(sandbox, [{"ref_number": "DN-E"}])
    missing = update(sandbox, id="f" * 24, state="void")
    assert missing.status_code == 404 and missing.json()["code"] == "NOT_FOUND"
    assert_validation_error(update(sandbox, id=shipment["id"]), "body")
    assert_validation_error(update(sandbox, id=shipment["id"], state="cancelled"), "state")
    assert_validation_error(update(sandbox, state="void"), "id")
    other = control(
        sandbox, "_update_shipment", {"token": SECOND_TOKEN, "id": shipment["id"], "test": True}
    )
    assert other.status_code == 404


def test_voiding_a_printed_label_reopens_its_order(sandbox):
    client = ui_client(sandbox)
    import_csv(client, make_csv().encode())
    client.post("/print", data={"carrier": "yamato", "parcels": "1", "scope": "all"})
    printed = {s["setup"]["ref_number"]: s["id"] for s in listed(sandbox, scope="all")}
    update(sandbox, id=printed["DN-0002"], state="void")
    assert {o["name"]: o["state"] for o in orders(sandbox)}["DN-0002"] == "cancelled"


def test_delete_voids_a_shipment(sandbox):
    [shipment] = seed(sandbox, [{"ref_number": "DN-D", "origin": "api"}])
    response = api(sandbox, f"/shipments/{shipment['id']}", method="DELETE")
    assert response.status_code == 200 and response.json()["state"] == "void"
    assert api(sandbox, f"/shipments/{'f' * 24}", method="DELETE").status_code == 404


# --- faults ----------------------------------------------------------------------------------


def fault(sandbox, **payload) -> httpx.Response:
    response = control(sandbox, "_faults", {"token": DEFAULT_TOKEN, **payload})
    assert response.status_code == 200, response.text
    return response


def test_server_fault_has_code_and_description_only(sandbox):
    assert fault(sandbox, status=500, count=2).json()["count"] == 2
    for _ in range(2):
        failed = api(sandbox, "/shipments")
        assert failed.status_code == 500
        assert failed.headers["content-type"] == "application/json"
        body = failed.json()
        assert set(body) == {"code", "description"} and body["code"] == "BAD_REQUEST"
        assert "x-api-call-limit" in failed.headers
    assert api(sandbox, "/shipments", token=SECOND_TOKEN).status_code == 200
    assert api(sandbox, "/shipments").status_code == 200


def test_client_faults_have_ship_and_co_bodies(sandbox):
    fault(sandbox, status=400, count=1)
    body = api(sandbox, "/shipments").json()
    assert body["code"] == "VALIDATION_ERROR" and body["debug_id"].startswith("err_")
    assert body["message"]
    fault(sandbox, status=403, count=1)
    rejected = api(sandbox, "/carriers")
    assert rejected.status_code == 403
    assert rejected.json() == {"auth": False, "message": "Wrong token!"}
    fault(sandbox, status=429, count=1)
    limited = api(sandbox, "/carriers")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "1"
    assert limited.json()["code"] == "TOO_MANY_REQUESTS"


def test_fault_json_body_with_an_html_content_type(sandbox):
    fault(sandbox, status=400, count=1, content_type="text/html")
    response = api(sandbox, "/shipments")
    assert response.status_code == 400
    assert response.headers["content-type"] == "text/html"
    assert response.json()["code"] == "VALIDATION_ERROR"


@pytest.mark.parametrize("status", [403, 502])
def test_proxy_html_fault(sandbox, status):
    fault(sandbox, status=status, count=1, html=True)
    response = api(sandbox, "/shipments")
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert f"<title>{status} " in response.text and "nginx" in response.text
    assert "x-api-call-limit" not in response.headers
    with pytest.raises(ValueError):
        response.json()
    assert api(sandbox, "/shipments").status_code == 200


def test_fault_count_zero_clears_and_bad_fault_is_400(sandbox):
    fault(sandbox, status=503, count=3)
    fault(sandbox, status=503, count=0)
    assert api(sandbox, "/carriers").status_code == 200
    for payload, field in (({"status": 200}, "status"), ({"count": -1}, "count")):
        response = control(sandbox, "_faults", {"token": DEFAULT_TOKEN, **payload})
        assert_validation_error(response, field)


def test_fault_injection_from_the_ui(sandbox):
    client = ui_client(sandbox)
    response = client.post("/faults", data={"status": "503", "count": "1"})
    assert "Next 1 API call(s) will answer 503." in response.text
    assert api(sandbox, "/carriers").status_code == 503
    assert api(sandbox, "/carriers").status_code == 200
    client.post("/faults", data={"status": "502", "count": "1", "html": "on"})
    assert "nginx" in api(sandbox, "/carriers").text


# --- rate limit ------------------------------------------------------------------------------


def test_default_rate_limit_answers_429_with_retry_after(sandbox):
    with httpx.Client(headers={"x-access-token": DEFAULT_TOKEN}) as client:
        url = f"{sandbox.url}/shipandco/v1/carriers"
        for _ in range(RATE_LIMIT_MAX):
            last = client.get(url)
            assert last.status_code == 200
        assert last.headers["x-api-call-limit"] == f"0/{RATE_LIMIT_MAX}"
        limited = client.get(url)
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert limited.headers["x-api-call-limit"] == f"0/{RATE_LIMIT_MAX}"
    body = limited.json()
    assert body["code"] == "TOO_MANY_REQUESTS" and body["debug_id"].startswith("err_")
    assert api(sandbox, "/carriers", token=SECOND_TOKEN).status_code == 200  # per account


def test_rate_limit_can_be_changed_per_account(sandbox):
    response = control(sandbox, "_rate_limit", {"token": DEFAULT_TOKEN, "max": 2, "window": 0.5})
    assert response.json() == {"max": 2, "window": 0.5}
    assert api(sandbox, "/carriers").headers["x-api-call-limit"] == "1/2"
    assert api(sandbox, "/carriers").headers["x-api-call-limit"] == "0/2"
    limited = api(sandbox, "/carriers")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "1"
    other = api(sandbox, "/carriers", token=SECOND_TOKEN)
    assert other.headers["x-api-call-limit"] == f"{RATE_LIMIT_MAX - 1}/{RATE_LIMIT_MAX}"
    time.sleep(0.6)
    assert api(sandbox, "/carriers").status_code == 200  # the window slid by

    control(sandbox, "_rate_limit", {"token": DEFAULT_TOKEN, "max": 0})
    assert api(sandbox, "/carriers").status_code == 429
    control(sandbox, "_reset", {})
    assert api(sandbox, "/carriers").headers["x-api-call-limit"] == (
        f"{RATE_LIMIT_MAX - 1}/{RATE_LIMIT_MAX}"
    )
    for payload, field in (({"max": -1}, "max"), ({"window": 0}, "window")):
        response = control(sandbox, "_rate_limit", {"token": DEFAULT_TOKEN, **payload})
        assert_validation_error(response, field)
