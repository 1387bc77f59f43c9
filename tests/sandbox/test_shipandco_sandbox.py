"""The Ship&co sandbox over real HTTP on loopback: the contract Hakobu's integration relies on."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from sandbox.server import SandboxServer
from sandbox.shipandco import DEFAULT_TOKEN, MAX_LIMIT, RATE_LIMIT_MAX, SECOND_TOKEN

HEADER = (
    "OrderName,CurrencyCode,RecipientProvince,RecipientCountryCode,RecipientZIP,"
    "RecipientFirstName,RecipientLastName,RecipientPhone,RecipientAddress1,RecipientCity,"
    "RecipientCompany,Date,RecipientMail,RecipientAddress2,ProductName,ProductQuantity,"
    "ProductPrice,ProductWeight,ProductSKU,ProductHSCode,ProductOriginCountry,SomethingElse"
)
ROWS = [
    "DN-0001,JPY,東京都,JP,1000001,太郎,山田,0312345678,千代田1-1,千代田区,,2024-04-01,,,"
    "ソックス 表地,2,1200,150,SKU-1,,JP,x",
    "DN-0001,JPY,東京都,JP,1000001,太郎,山田,0312345678,千代田1-1,千代田区,,2024-04-01,,,"
    "帽子,1,3000,200,SKU-2,,JP,y",
    "DN-0002,JPY,大阪府,JP,5300001,,,0612345678,梅田1-1,大阪市北区,株式会社サンプル,,,,"
    "シャツ,3,5000,300,SKU-3,,JP,z",
]


def make_csv(rows: list[str] = ROWS, header: str = HEADER) -> str:
    return "\r\n".join([header, *rows]) + "\r\n"


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


def api(sandbox: SandboxServer, path: str, token: str | None = DEFAULT_TOKEN, **params: Any):
    headers = {"x-access-token": token} if token is not None else {}
    return httpx.get(f"{sandbox.url}/shipandco/api/v1{path}", headers=headers, params=params)


def ui_client(sandbox: SandboxServer, token: str = DEFAULT_TOKEN) -> httpx.Client:
    client = httpx.Client(base_url=f"{sandbox.url}/shipandco", follow_redirects=True)
    response = client.post("/login", data={"token": token})
    assert response.status_code == 200
    assert "not the real Ship&amp;co" in response.text
    return client


def control(sandbox: SandboxServer, path: str, payload: dict[str, Any]) -> httpx.Response:
    return httpx.post(f"{sandbox.url}/shipandco/{path}", json=payload)


def orders(sandbox: SandboxServer, token: str = DEFAULT_TOKEN) -> list[dict[str, Any]]:
    response = httpx.get(f"{sandbox.url}/shipandco/_orders", headers={"x-access-token": token})
    assert response.status_code == 200
    return response.json()


def seed(sandbox: SandboxServer, shipments: list[dict[str, Any]], token: str = DEFAULT_TOKEN):
    response = control(sandbox, "_seed", {"token": token, "shipments": shipments})
    assert response.status_code == 201, response.text
    return response.json()["shipments"]


def import_csv(client: httpx.Client, data: bytes, name: str = "orders.csv") -> httpx.Response:
    return client.post("/import", files={"file": (name, data, "text/csv")})


# --- auth, headers, carriers ----------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "", "wrong-token"])
def test_missing_or_unknown_token_is_401_with_json_error(sandbox, token):
    response = api(sandbox, "/shipments", token=token)
    assert response.status_code == 401
    assert response.json() == {"error": {"code": 401, "message": "Invalid access token"}}
    assert "x-api-call-limit" not in response.headers


def test_authenticated_answers_carry_call_limit_header(sandbox):
    first = api(sandbox, "/carriers")
    second = api(sandbox, "/shipments")
    assert first.headers["x-api-call-limit"] == f"{RATE_LIMIT_MAX - 1}/{RATE_LIMIT_MAX}"
    assert second.headers["x-api-call-limit"] == f"{RATE_LIMIT_MAX - 2}/{RATE_LIMIT_MAX}"
    assert api(sandbox, "/shipments/" + "0" * 24).headers["x-api-call-limit"]


def test_carriers_lists_the_account_carriers(sandbox):
    carriers = api(sandbox, "/carriers").json()
    assert {c["type"] for c in carriers} == {
        "yamato", "sagawa", "japanpost", "seino", "dhl", "fedex", "ups",
    }  # fmt: skip
    assert all(set(c) == {"id", "type", "name", "state"} for c in carriers)


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
    assert "ソックス 表地" in client.get("/").text
    assert "Unfulfilled" in client.get("/").text


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
    header = HEADER.replace("RecipientPhone,", "Phone,")
    response = import_csv(client, make_csv(header=header).encode())
    assert response.status_code == 400
    assert re.search(r"<td>Row 1</td><td>RecipientPhone</td><td>column missing", response.text)
    no_name = [ROWS[2].replace("株式会社サンプル", "")]
    response = import_csv(client, make_csv(no_name).encode())
    assert response.status_code == 400
    assert "<td>Row 2</td><td>RecipientLastName</td>" in response.text
    assert orders(sandbox) == []


# --- printing labels -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("carrier", "length"), [("yamato", 12), ("sagawa", 12), ("japanpost", 12), ("dhl", 10)]
)
def test_print_labels_creates_shipments_with_carrier_tracking_numbers(sandbox, carrier, length):
    client = ui_client(sandbox)
    import_csv(client, make_csv().encode())
    target = next(o for o in orders(sandbox) if o["name"] == "DN-0001")
    response = client.post(
        "/print",
        data={"order": [target["id"]], "carrier": carrier, "parcels": "2", "scope": "selected"},
    )
    assert response.status_code == 200 and "Printed 1 label(s): DN-0001" in response.text

    [shipment] = api(sandbox, "/shipments").json()
    assert re.fullmatch(r"[0-9a-f]{24}", shipment["id"])
    assert shipment["state"] == "active"
    assert shipment["setup"]["ref_number"] == "DN-0001"
    assert shipment["setup"]["carrier"] == carrier
    numbers = shipment["delivery"]["tracking_numbers"]
    assert len(numbers) == 2 and len(set(numbers)) == 2
    for number in numbers:
        assert re.fullmatch(rf"\d{{{length}}}", number)
        assert int(number[:-1]) % 7 == int(number[-1])  # mod-7 check digit
    assert [p["name"] for p in shipment["products"]] == ["ソックス 表地", "帽子"]
    assert len(shipment["parcels"]) == 2
    assert shipment["created_at"].endswith("Z")
    label = httpx.get(shipment["delivery"]["label"])
    assert label.status_code == 200 and label.content.startswith(b"%PDF")
    assert api(sandbox, f"/shipments/{shipment['id']}").json() == shipment

    state = {o["name"]: o["state"] for o in orders(sandbox)}
    assert state == {"DN-0001": "label_printed", "DN-0002": "unfulfilled"}
    page = client.get("/").text
    assert "Label printed" in page and numbers[0] in page


def test_print_all_unfulfilled_then_cancel(sandbox):
    client = ui_client(sandbox)
    import_csv(client, make_csv().encode())
    client.post("/print", data={"carrier": "yamato", "parcels": "1", "scope": "all"})
    shipments = api(sandbox, "/shipments").json()
    assert sorted(s["setup"]["ref_number"] for s in shipments) == ["DN-0001", "DN-0002"]

    [old] = seed(sandbox, [{"ref_number": "DN-OLD", "created_at": "2024-01-01T00:00:00Z"}])
    response = client.post(f"/shipments/{old['id']}/cancel")
    assert "Shipment cancelled." in response.text
    cancelled = api(sandbox, f"/shipments/{old['id']}").json()
    assert cancelled["state"] == "cancelled"
    assert cancelled["updated_at"] > cancelled["created_at"] == "2024-01-01T00:00:00.000Z"


# --- listing, paging, filtering ------------------------------------------------------------


def test_pagination_returns_every_shipment_exactly_once_in_order(sandbox):
    specs = [
        {"ref_number": f"DN-{i:04d}", "created_at": f"2024-03-{1 + i % 28:02d}T0{i % 10}:00:00Z"}
        for i in range(45)
    ]
    specs += [{"ref_number": "DN-TIE-A", "created_at": "2024-03-05T05:00:00Z"}] * 3  # ties
    created = seed(sandbox, specs)
    expected = [s["id"] for s in sorted(created, key=lambda s: (s["created_at"], s["id"]))]

    seen: list[str] = []
    for offset in range(0, 60, 7):
        page = api(sandbox, "/shipments", limit=7, offset=offset).json()
        assert isinstance(page, list)
        seen += [s["id"] for s in page]
    assert seen == expected

    assert len(api(sandbox, "/shipments").json()) == 20  # default limit
    assert api(sandbox, "/shipments", offset=48).json() == []


def test_limit_over_maximum_is_clamped_and_bad_params_are_400(sandbox):
    seed(sandbox, [{"ref_number": f"DN-{i}"} for i in range(MAX_LIMIT + 5)])
    assert len(api(sandbox, "/shipments", limit=500).json()) == MAX_LIMIT
    for params in ({"limit": 0}, {"limit": "x"}, {"offset": -1}):
        response = api(sandbox, "/shipments", **params)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == 400


def test_date_from_filters_on_created_at(sandbox):
    seed(
        sandbox,
        [
            {"ref_number": "JAN", "created_at": "2024-01-15T00:00:00Z"},
            {"ref_number": "FEB", "created_at": "2024-02-01T00:00:00Z"},
            {"ref_number": "MAR", "created_at": "2024-03-15T12:30:00+09:00"},
        ],
    )

    def refs(**params: Any) -> list[str]:
        return [s["setup"]["ref_number"] for s in api(sandbox, "/shipments", **params).json()]

    assert refs(date_from="2024-02-01T00:00:00Z") == ["FEB", "MAR"]
    assert refs(date_from="2024-02-01T08:59:59+09:00") == ["FEB", "MAR"]
    assert refs(date_from="2024-02-01T00:00:00.001Z") == ["MAR"]
    assert refs(date_from="2024-03-15T03:30:00Z") == ["MAR"]
    # an unencoded "+09:00" arrives as " 09:00"
    response = httpx.get(
        f"{sandbox.url}/shipandco/api/v1/shipments?date_from=2024-03-15T12:30:00+09:00",
        headers={"x-access-token": DEFAULT_TOKEN},
    )
    assert [s["setup"]["ref_number"] for s in response.json()] == ["MAR"]
    bad = api(sandbox, "/shipments", date_from="last tuesday")
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == 400 and "date_from" in bad.json()["error"]["message"]


def test_unknown_shipment_is_404_json(sandbox):
    response = api(sandbox, "/shipments/" + "f" * 24)
    assert response.status_code == 404
    assert response.json() == {"error": {"code": 404, "message": "Shipment not found"}}


def test_seed_shipment_without_tracking_numbers(sandbox):
    [shipment] = seed(sandbox, [{"ref_number": "DN-9", "tracking_numbers": []}])
    assert shipment["delivery"]["tracking_numbers"] == []
    response = control(sandbox, "_seed", {"token": DEFAULT_TOKEN, "shipments": [{"carrier": "x"}]})
    assert response.status_code == 400 and "ref_number" in response.json()["error"]["message"]
    assert api(sandbox, "/shipments").json() == [shipment]


# --- accounts and tokens -------------------------------------------------------------------


def test_accounts_are_isolated(sandbox):
    [shipment] = seed(sandbox, [{"ref_number": "DN-ONE"}])
    ui_client(sandbox).post("/import", files={"file": ("o.csv", make_csv().encode(), "text/csv")})
    assert api(sandbox, "/shipments", token=SECOND_TOKEN).json() == []
    assert api(sandbox, f"/shipments/{shipment['id']}", token=SECOND_TOKEN).status_code == 404
    assert orders(sandbox, SECOND_TOKEN) == []
    assert "DN-0001" not in ui_client(sandbox, SECOND_TOKEN).get("/").text
    assert len(api(sandbox, "/shipments").json()) == 1


def test_regenerated_token_invalidates_the_old_one(sandbox):
    client = ui_client(sandbox)
    seed(sandbox, [{"ref_number": "DN-KEEP"}])
    response = client.post("/token/regenerate")
    new_token = client.cookies["shipandco_sandbox_token"]
    assert new_token != DEFAULT_TOKEN and new_token in response.text
    assert api(sandbox, "/shipments").status_code == 401
    kept = api(sandbox, "/shipments", token=new_token)
    assert kept.status_code == 200 and kept.json()[0]["setup"]["ref_number"] == "DN-KEEP"

    via_api = control(sandbox, "_regenerate_token", {"token": new_token}).json()["token"]
    assert api(sandbox, "/carriers", token=new_token).status_code == 401
    assert api(sandbox, "/carriers", token=via_api).status_code == 200
    # a browser still holding the old token is sent back to the log-in form
    assert "no longer valid" in client.get("/").text

    assert control(sandbox, "_reset", {}).status_code == 200
    assert api(sandbox, "/shipments").json() == []


# --- rate limit and faults -----------------------------------------------------------------


def test_rate_limit_answers_429_with_retry_after(sandbox):
    with httpx.Client(headers={"x-access-token": DEFAULT_TOKEN}) as client:
        url = f"{sandbox.url}/shipandco/api/v1/carriers"
        last = None
        for _ in range(RATE_LIMIT_MAX):
            last = client.get(url)
            assert last.status_code == 200
        assert last.headers["x-api-call-limit"] == f"0/{RATE_LIMIT_MAX}"
        limited = client.get(url)
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert limited.headers["x-api-call-limit"] == f"0/{RATE_LIMIT_MAX}"
    assert limited.json()["error"]["code"] == 429
    assert api(sandbox, "/carriers", token=SECOND_TOKEN).status_code == 200  # per token


def test_fault_injection_then_recovery(sandbox):
    response = control(sandbox, "_faults", {"token": DEFAULT_TOKEN, "status": 500, "count": 2})
    assert response.status_code == 200
    for _ in range(2):
        failed = api(sandbox, "/shipments")
        assert failed.status_code == 500
        assert failed.json()["error"]["code"] == 500
        assert "x-api-call-limit" in failed.headers
    assert api(sandbox, "/shipments", token=SECOND_TOKEN).status_code == 200
    assert api(sandbox, "/shipments").status_code == 200


def test_fault_injection_from_the_ui(sandbox):
    client = ui_client(sandbox)
    response = client.post("/faults", data={"status": "503", "count": "1"})
    assert "Next 1 API call(s) will answer 503." in response.text
    assert api(sandbox, "/carriers").status_code == 503
    assert api(sandbox, "/carriers").status_code == 200


# --- persistence ---------------------------------------------------------------------------


def test_state_persists_in_data_dir(tmp_path: Path):
    with SandboxServer(data_dir=tmp_path) as first:
        [shipment] = seed(first, [{"ref_number": "DN-PERSIST"}])
        new_token = control(first, "_regenerate_token", {"token": SECOND_TOKEN}).json()["token"]
    assert (tmp_path / "shipandco.json").exists()
    with SandboxServer(data_dir=tmp_path) as second:
        again = api(second, f"/shipments/{shipment['id']}")
        assert again.status_code == 200
        assert again.json()["setup"]["ref_number"] == "DN-PERSIST"
        assert api(second, "/carriers", token=SECOND_TOKEN).status_code == 401
        assert api(second, "/carriers", token=new_token).status_code == 200
    assert datetime.fromisoformat(shipment["created_at"]).tzinfo == UTC
