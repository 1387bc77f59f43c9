"""`make run`'s demo: account 1's built-in Custom Store is pointed at Demo Brand's store by
environment variables (``sandbox.demo_env``), read when the emulator starts."""

from __future__ import annotations

import json

import pytest

from sandbox import demo_env
from sandbox.server import SandboxServer
from sandbox.shipstation import facts
from sandbox.shipstation.refresh import custom_stores
from sandbox.shipstation.state import ShipStationState, demo_store_from_env
from tests.sandbox.shipstation_helpers import FakeHakobu, control, export_xml, ok, order_xml

DEMO_URL = "http://127.0.0.1:8000/inbound/shipstation/demo-shipstation-store-token/"


def built_in_store(state: ShipStationState, account: str = "1") -> dict:
    return custom_stores(state.snapshot(account))[0]


def test_demo_env_names_the_demo_store_and_its_credentials():
    env = demo_env("http://127.0.0.1:8000/", {})
    assert env[facts.DEMO_STORE_ENV["url"]] == DEMO_URL
    assert env[facts.DEMO_STORE_ENV["username"]] == "hakobu-demo"
    assert env[facts.DEMO_STORE_ENV["password"]] == "demo-shipstation-password"
    assert env["SANDBOX_SHIPSTATION_STORE_TOKEN"] == "demo-shipstation-store-token"
    assert json.loads(env[facts.DEMO_STORE_ENV["statuses"]]) == {
        "awaiting_payment": "",
        "awaiting_shipment": "unshipped,shipping_requested,partially_shipped",
        "shipped": "shipped,delivered",
        "cancelled": "cancelled",
        "on_hold": "",
    }
    custom = demo_env(
        "http://127.0.0.1:8100",
        {"SANDBOX_SHIPSTATION_STORE_TOKEN": "tok", "SANDBOX_SHIPSTATION_STORE_PASSWORD": "pw"},
    )
    assert custom[facts.DEMO_STORE_ENV["url"]] == "http://127.0.0.1:8100/inbound/shipstation/tok/"
    assert custom[facts.DEMO_STORE_ENV["password"]] == "pw"


def test_the_built_in_custom_store_points_at_the_demo_store():
    state = ShipStationState(demo_store=demo_store_from_env(demo_env("http://127.0.0.1:8000", {})))
    store = built_in_store(state)
    config = store["custom"]
    assert (config["url"], config["username"], config["password"], config["auth"]) == (
        DEMO_URL,
        "hakobu-demo",
        "demo-shipstation-password",
        "basic",
    )
    assert config["statuses"] == facts.DEMO_STATUS_MAP
    assert store["integrationUrl"] == DEMO_URL
    assert built_in_store(state, "2")["custom"]["url"] is None  # account 2 untouched

    state.reset()
    assert built_in_store(state)["custom"]["url"] == DEMO_URL


def test_a_restart_follows_the_web_port_and_keeps_the_orders(tmp_path):
    first = ShipStationState(
        tmp_path, demo_store=demo_store_from_env(demo_env("http://127.0.0.1:8000", {}))
    )
    with first.write("1") as tx:
        tx.account["stores"][1]["custom"]["last_refresh_utc"] = "2026-11-01T00:00:00"
        tx.account["orders"].append({"orderId": 1, "active": False})
    same = ShipStationState(
        tmp_path, demo_store=demo_store_from_env(demo_env("http://127.0.0.1:8000", {}))
    )
    assert built_in_store(same)["custom"]["last_refresh_utc"] == "2026-11-01T00:00:00"

    moved = ShipStationState(
        tmp_path, demo_store=demo_store_from_env(demo_env("http://127.0.0.1:8100", {}))
    )
    config = built_in_store(moved)["custom"]
    assert config["url"].startswith("http://127.0.0.1:8100/")
    assert config["last_refresh_utc"] is None  # a new store: the first window again
    assert len(moved.snapshot("1")["orders"]) == 1
    assert len(custom_stores(moved.snapshot("1"))) == 1


def test_without_the_variables_there_is_no_demo_store_and_bad_ones_are_refused():
    assert demo_store_from_env({}) is None
    url = facts.DEMO_STORE_ENV["url"]
    statuses = facts.DEMO_STORE_ENV["statuses"]
    with pytest.raises(ValueError, match=url):
        demo_store_from_env({url: "ftp://x"})
    with pytest.raises(ValueError, match="not JSON"):
        demo_store_from_env({url: DEMO_URL, statuses: "{"})
    with pytest.raises(ValueError, match="keys among"):
        demo_store_from_env({url: DEMO_URL, statuses: '{"Paid": "x"}'})


def test_the_sandbox_pulls_the_store_named_by_the_environment(monkeypatch):
    with FakeHakobu(username="hakobu-demo", password="demo-shipstation-password") as hakobu:
        hakobu.pages = {
            1: export_xml(
                order_xml("81", "DN-0081", status="shipping_requested"),
                order_xml("82", "DN-0082", status="unshipped"),
                order_xml("83", "DN-0083", status="on_hold"),
            )
        }
        env = demo_env("http://unused", {})
        env[facts.DEMO_STORE_ENV["url"]] = hakobu.url
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        with SandboxServer() as sandbox:
            refreshed = ok(control(sandbox, "_refresh", {"account": 1}))
    assert refreshed["errors"] == []
    numbers = {o["orderNumber"]: o["orderStatus"] for o in refreshed["orders"]}
    # Hakobu's strings replace the sandbox's guesses: its On-Hold field is empty.
    assert numbers == {"DN-0081": "awaiting_shipment", "DN-0082": "awaiting_shipment"}
    assert any("DN-0083" in warning for warning in refreshed["warnings"])
