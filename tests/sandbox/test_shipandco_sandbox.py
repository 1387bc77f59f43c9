"""The Ship&co sandbox over real HTTP on loopback: auth, shipment shape, CSV, labels, accounts."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from sandbox.server import SandboxServer
from sandbox.shipandco import DEFAULT_TOKEN, RATE_LIMIT_MAX, SECOND_TOKEN
from tests.sandbox.helpers import (
    ROWS,
    api,
    control,
    import_csv,
    listed,
    make_csv,
    orders,
    refs,
    seed,
    ui_client,
)

ISO_MS_Z = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z"

# --- auth, headers, carriers ----------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "", "wrong-token"])
def test_missing_or_unknown_token_is_403_wrong_token(sandbox, token):
    response = api(sandbox, "/shipments", token=token)
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"auth": False, "message": "Wrong token!"}
    assert "x-api-call-limit" not in response.headers


def test_authenticated_answers_carry_call_limit_header(sandbox):
    first = api(sandbox, "/carriers")
    second = api(sandbox, "/shipments")
    missing = api(sandbox, "/shipments/" + "0" * 24)
    assert first.headers["x-api-call-limit"] == f"{RATE_LIMIT_MAX - 1}/{RATE_LIMIT_MAX}"
    assert second.headers["x-api-call-limit"] == f"{RATE_LIMIT_MAX - 2}/{RATE_LIMIT_MAX}"
    assert missing.headers["x-api-call-limit"] == f"{RATE_LIMIT_MAX - 3}/{RATE_LIMIT_MAX}"


def test_carriers_lists_the_account_carriers(sandbox):
    carriers = api(sandbox, "/carriers").json()
    assert {c["type"] for c in carriers} == {
        "yamato", "sagawa", "japanpost", "seino", "dhl", "fedex", "ups",
    }  # fmt: skip
    assert all(set(c) == {"id", "type", "name", "state"} for c in carriers)


def test_old_api_v1_path_is_an_alias(sandbox):
    seed(sandbox, [{"ref_number": "DN-ALIAS", "origin": "api"}])
    old = api(sandbox, "/shipments", root="/api/v1")
    assert old.status_code == 200 and [s["setup"]["ref_number"] for s in old.json()] == ["DN-ALIAS"]
    assert api(sandbox, "/carriers", token="nope", root="/api/v1").status_code == 403


def test_unknown_shipment_and_path_are_404_error_bodies(sandbox):
    response = api(sandbox, "/shipments/" + "f" * 24)
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "NOT_FOUND" and body["message"] == "Shipment not found"
    assert re.fullmatch(r"err_[0-9a-f]+", body["debug_id"])
    assert api(sandbox, "/nothing-here").json()["code"] == "NOT_FOUND"


# --- the shipment object ---------------------------------------------------------------------


def test_shipment_has_the_reference_shape(sandbox):
    [seeded] = seed(
        sandbox,
        [{"ref_number": "DN-SHAPE", "created_at": "2024-03-31T16:30:00Z", "parcels": 2}],
    )
    shipment = api(sandbox, f"/shipments/{seeded['id']}").json()
    assert shipment == seeded
    assert isinstance(shipment["id"], str)
    assert (shipment["state"], shipment["test"]) == ("active", False)
    assert re.fullmatch(ISO_MS_Z, shipment["created_at"])
    assert "updated_at" not in shipment and "origin" not in shipment
    setup = shipment["setup"]
    assert "carrier" not in setup and "service" not in setup
    assert setup["ref_number"] == "DN-SHAPE"
    assert setup["shipment_date"] == "2024-04-01"  # 01:30 JST on April 1st
    assert setup["date"] == "2024-04-03"  # requested delivery: two days later
    assert re.fullmatch(r"\d{2}-\d{2}", setup["time"])
    assert setup["currency"] == "JPY" and setup["carrier_id"]
    delivery = shipment["delivery"]
    assert (delivery["carrier"], delivery["method"]) == ("yamato", "yamato_regular")
    assert len(delivery["tracking_numbers"]) == 2
    assert (delivery["invoice"], delivery["warnings"]) == (None, [])
    carriers = {c["type"]: c["id"] for c in api(sandbox, "/carriers").json()}
    assert setup["carrier_id"] == carriers["yamato"]
    for key in ("to_address", "from_address", "products", "parcels", "customs"):
        assert key in shipment
    assert shipment["to_address"]["country"] == "JP"
    assert len(shipment["parcels"]) == 2 and shipment["parcels"][0]["weight"] == 1000


def test_international_label_has_no_requested_delivery(sandbox):
    [shipment] = seed(sandbox, [{"ref_number": "DN-INTL", "carrier": "dhl"}])
    assert shipment["delivery"]["method"] == "dhl_express_worldwide"
    assert (shipment["setup"]["date"], shipment["setup"]["time"]) == (None, None)
    assert re.fullmatch(r"\d{10}", shipment["delivery"]["tracking_numbers"][0])


def test_label_pdf_shows_carrier_method_and_ship_date(sandbox):
    [shipment] = seed(
        sandbox,
        [{"ref_number": "DN-PDF", "carrier": "sagawa", "shipment_date": "2024-05-07"}],
    )
    label = httpx.get(shipment["delivery"]["label"])
    assert label.status_code == 200 and label.headers["content-type"] == "application/pdf"
    assert label.content.startswith(b"%PDF")
    assert b"Ship date: 2024-05-07" in label.content
    assert b"Sagawa Express / sagawa_regular" in label.content
    assert b"Ref: DN-PDF" in label.content
    assert httpx.get(f"{sandbox.url}/shipandco/labels/{'0' * 24}.pdf").status_code == 404


# --- CSV import via the web form ---------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_csv_import_groups_rows_into_orders(sandbox, encoding):
    client = ui_client(sandbox)
    response = import_csv(client, make_csv().encode(encoding))
    assert response.status_code == 200
    assert "2 new order(s)" in response.text
    by_name = {o["name"]: o for o in orders(sandbox)}
    assert set(by_name) == {"DN-0001", "DN-0002"}
    first = by_name["DN-0001"]
    assert [p["name"] for p in first["products"]] == ["ソックス 表地", "帽子"]
    sock = first["products"][0]
    assert (sock["quantity"], sock["price"], sock["weight"], sock["sku"]) == (2, 1200, 150, "SKU-1")
    assert first["to_address"]["full_name"] == "山田 太郎"
    assert first["state"] == "unfulfilled"
    assert by_name["DN-0002"]["to_address"]["company"] == "株式会社サンプル"
    page = client.get("/").text
    assert "ソックス 表地" in page and "Unfulfilled" in page


def test_reimport_updates_unfulfilled_order_instead_of_duplicating(sandbox):
    client = ui_client(sandbox)
    import_csv(client, make_csv().encode())
    changed = [ROWS[2].replace("梅田1-1", "梅田2-2")]
    response = import_csv(client, make_csv(changed).encode())
    assert "0 new order(s), 1 updated" in response.text
    by_name = {o["name"]: o for o in orders(sandbox)}
    assert len(by_name) == 2 and len(orders(sandbox)) == 2
    assert by_name["DN-0002"]["to_address"]["address1"] == "梅田2-2"


def test_invalid_csv_imports_nothing_and_reports_row_and_column(sandbox):
    client = ui_client(sandbox)
    bad = list(ROWS)
    bad[1] = bad[1].replace(",1000001,", ",,", 1)  # row 3: RecipientZIP empty
    response = import_csv(client, make_csv(bad).encode())
    assert response.status_code == 400
    assert "Nothing was imported" in response.text
    assert re.search(
        r"<td>Row 3</td><td>RecipientZIP</td><td>required value is empty", response.text
    )
    assert orders(sandbox) == []


def test_csv_missing_required_column_and_name_or_company(sandbox):
    client = ui_client(sandbox)
    header = make_csv().split("\r\n")[0].replace("RecipientPhone,", "Phone,")
    response = import_csv(client, make_csv(header=header).encode())
    assert response.status_code == 400
    assert re.search(r"<td>Row 1</td><td>RecipientPhone</td><td>column missing", response.text)
    no_name = [ROWS[2].replace("株式会社サンプル", "")]
    response = import_csv(client, make_csv(no_name).encode())
    assert response.status_code == 400
    assert "<td>Row 2</td><td>RecipientLastName</td>" in response.text
    assert orders(sandbox) == []


# --- printing labels in the UI -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("carrier", "method", "length"),
    [
        ("yamato", "yamato_regular", 12),
        ("sagawa", "sagawa_regular", 12),
        ("japanpost", "japanpost_yupack", 12),
        ("dhl", "dhl_express_worldwide", 10),
    ],
)
def test_print_labels_makes_app_shipments_with_tracking_numbers(sandbox, carrier, method, length):
    client = ui_client(sandbox)
    import_csv(client, make_csv().encode())
    target = next(o for o in orders(sandbox) if o["name"] == "DN-0001")
    response = client.post(
        "/print",
        data={"order": [target["id"]], "carrier": carrier, "parcels": "2", "scope": "selected"},
    )
    assert response.status_code == 200 and "Printed 1 label(s): DN-0001" in response.text

    assert listed(sandbox) == []  # made in the app: hidden from the default scope=api
    [shipment] = listed(sandbox, scope="all")
    assert re.fullmatch(r"[0-9a-f]{24}", shipment["id"])
    assert (shipment["state"], shipment["test"]) == ("active", False)
    assert shipment["setup"]["ref_number"] == "DN-0001"
    assert (shipment["delivery"]["carrier"], shipment["delivery"]["method"]) == (carrier, method)
    created = datetime.fromisoformat(shipment["created_at"])
    assert shipment["setup"]["shipment_date"] == str(
        created.astimezone(ZoneInfo("Asia/Tokyo")).date()
    )
    numbers = shipment["delivery"]["tracking_numbers"]
    assert len(numbers) == 2 and len(set(numbers)) == 2
    for number in numbers:
        assert re.fullmatch(rf"\d{{{length}}}", number)
        assert int(number[:-1]) % 7 == int(number[-1])  # mod-7 check digit
    assert [p["name"] for p in shipment["products"]] == ["ソックス 表地", "帽子"]
    assert len(shipment["parcels"]) == 2
    assert api(sandbox, f"/shipments/{shipment['id']}").json() == shipment

    state = {o["name"]: o["state"] for o in orders(sandbox)}
    assert state == {"DN-0001": "label_printed", "DN-0002": "unfulfilled"}
    page = client.get("/").text
    assert "Label printed" in page and numbers[0] in page and f"{carrier} / {method}" in page


def test_print_test_labels(sandbox):
    client = ui_client(sandbox)
    import_csv(client, make_csv().encode())
    response = client.post(
        "/print", data={"carrier": "sagawa", "parcels": "1", "scope": "all", "test": "on"}
    )
    assert "Printed 2 test label(s)" in response.text
    assert {s["test"] for s in listed(sandbox, scope="all")} == {True}


def test_ui_void_sets_state_void_and_reopens_the_order(sandbox):
    client = ui_client(sandbox)
    import_csv(client, make_csv().encode())
    client.post("/print", data={"carrier": "yamato", "parcels": "1", "scope": "all"})
    printed = {s["setup"]["ref_number"]: s for s in listed(sandbox, scope="all")}
    assert sorted(printed) == ["DN-0001", "DN-0002"]

    response = client.post(f"/shipments/{printed['DN-0001']['id']}/cancel")
    assert "Shipment voided." in response.text
    voided = api(sandbox, f"/shipments/{printed['DN-0001']['id']}").json()
    assert voided["state"] == "void"
    assert refs(sandbox, scope="all") == ["DN-0002"]  # state=active by default
    assert refs(sandbox, scope="all", state="void") == ["DN-0001"]
    assert {o["name"]: o["state"] for o in orders(sandbox)}["DN-0001"] == "cancelled"
    reopened = next(o for o in orders(sandbox) if o["name"] == "DN-0001")
    again = client.post(
        "/print",
        data={"order": [reopened["id"]], "carrier": "sagawa", "parcels": "1", "scope": "selected"},
    )
    assert "Printed 1 label(s): DN-0001" in again.text  # a voided order can be printed again
    assert sorted(refs(sandbox, scope="all")) == ["DN-0001", "DN-0002"]


# --- accounts and tokens -------------------------------------------------------------------


def test_accounts_are_isolated(sandbox):
    [shipment] = seed(sandbox, [{"ref_number": "DN-ONE"}])
    import_csv(ui_client(sandbox), make_csv().encode())
    assert listed(sandbox, SECOND_TOKEN, scope="all") == []
    assert api(sandbox, f"/shipments/{shipment['id']}", token=SECOND_TOKEN).status_code == 404
    assert orders(sandbox, SECOND_TOKEN) == []
    assert "DN-0001" not in ui_client(sandbox, SECOND_TOKEN).get("/").text
    assert refs(sandbox, scope="all") == ["DN-ONE"]


def test_regenerated_token_invalidates_the_old_one(sandbox):
    client = ui_client(sandbox)
    seed(sandbox, [{"ref_number": "DN-KEEP"}])
    response = client.post("/token/regenerate")
    new_token = client.cookies["shipandco_sandbox_token"]
    assert new_token != DEFAULT_TOKEN and new_token in response.text
    assert api(sandbox, "/shipments").status_code == 403
    assert refs(sandbox, new_token, scope="all") == ["DN-KEEP"]

    via_api = control(sandbox, "_regenerate_token", {"token": new_token}).json()["token"]
    assert api(sandbox, "/carriers", token=new_token).status_code == 403
    assert api(sandbox, "/carriers", token=via_api).status_code == 200
    # a browser still holding the old token is sent back to the log-in form
    assert "no longer valid" in client.get("/").text

    assert control(sandbox, "_reset", {}).status_code == 200
    assert listed(sandbox, scope="all") == []


# --- persistence ---------------------------------------------------------------------------


def test_state_persists_in_data_dir(tmp_path: Path):
    with SandboxServer(data_dir=tmp_path) as first:
        [shipment] = seed(first, [{"ref_number": "DN-PERSIST", "origin": "api"}])
        new_token = control(first, "_regenerate_token", {"token": SECOND_TOKEN}).json()["token"]
    assert (tmp_path / "shipandco.json").exists()
    with SandboxServer(data_dir=tmp_path) as second:
        again = api(second, f"/shipments/{shipment['id']}")
        assert again.status_code == 200
        assert again.json()["setup"]["ref_number"] == "DN-PERSIST"
        assert refs(second) == ["DN-PERSIST"]  # the origin is stored too
        assert api(second, "/carriers", token=SECOND_TOKEN).status_code == 403
        assert api(second, "/carriers", token=new_token).status_code == 200
    assert datetime.fromisoformat(shipment["created_at"]).tzinfo == UTC


def test_state_file_of_the_first_sandbox_is_upgraded(tmp_path: Path):
    old_shipment = {
        "id": "a" * 24,
        "state": "cancelled",
        "created_at": "2024-01-01T00:00:00.000Z",
        "updated_at": "2024-01-02T00:00:00.000Z",
        "setup": {"ref_number": "DN-V1", "carrier": "sagawa", "service": "HIKYAKU",
                  "date": "2024-01-01", "currency": "JPY"},
        "to_address": {"full_name": "X"},
        "products": [{"name": "P", "quantity": 1, "price": 1, "sku": "S"}],
        "parcels": [{"weight": 500, "width": 1, "height": 1, "depth": 1}],
        "delivery": {"tracking_numbers": ["512345678901"], "label": None, "invoice": None},
    }  # fmt: skip
    account = {"id": "acct_1", "name": "A", "token": DEFAULT_TOKEN, "seed_token": DEFAULT_TOKEN,
               "carriers": [], "orders": [], "shipments": [old_shipment]}  # fmt: skip
    document = {"version": 1, "serial": 7, "accounts": {"acct_1": account}}
    (tmp_path / "shipandco.json").write_text(json.dumps(document), encoding="utf-8")
    with SandboxServer(data_dir=tmp_path) as server:
        shipment = api(server, f"/shipments/{'a' * 24}").json()
    assert shipment["state"] == "void" and "updated_at" not in shipment
    assert (shipment["delivery"]["carrier"], shipment["delivery"]["method"]) == (
        "sagawa",
        "sagawa_regular",
    )
    assert shipment["setup"]["shipment_date"] == "2024-01-01"
    assert "carrier" not in shipment["setup"]
    assert shipment["delivery"]["tracking_numbers"] == ["512345678901"]
