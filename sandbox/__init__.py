"""Offline emulators of the shipping platforms Hakobu talks to.

Hakobu must be demonstrable and integration-testable without the internet, so each platform gets a
small stdlib-only emulator (API + minimal web UI) served on loopback by :mod:`sandbox.server`.
Start it with ``python -m sandbox --port 8001 --data-dir var/sandbox``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

#: Hakobu's setting for each emulated platform API → its path on the sandbox server.
API_SETTINGS: dict[str, str] = {
    "SHIPANDCO_API_URL": "shipandco/v1/",
    "SHIPSTATION_V1_API_URL": "shipstation/v1/",
    "SHIPSTATION_V2_API_URL": "shipstation/v2/",
    # The account name is filled in per brand: Webshipper has one API host per account.
    "WEBSHIPPER_API_URL": "webshipper/{account}/v2/",
}


def api_settings(base_url: str) -> dict[str, str]:
    """The settings that point Hakobu at a sandbox served at `base_url` (ending in "/")."""
    return {name: f"{base_url}{path}" for name, path in API_SETTINGS.items()}


def demo_env(web_url: str, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The variables that point the sandbox at the demo Hakobu served at `web_url`.

    ShipStation account 1's built-in Custom Store gets Demo Brand's store URL, user name,
    password and status strings (what ``manage.py seed_demo`` sets up). The token and password
    come from ``SANDBOX_SHIPSTATION_STORE_TOKEN`` / ``..._PASSWORD`` when set, so the same
    values reach the seed (returned too) and the sandbox.
    """
    from sandbox.shipstation import facts

    environ = os.environ if environ is None else environ
    token = environ.get("SANDBOX_SHIPSTATION_STORE_TOKEN") or facts.DEMO_TOKEN
    password = environ.get(facts.DEMO_STORE_ENV["password"]) or facts.DEMO_PASSWORD
    path = facts.DEMO_ENDPOINT_PATH.format(token=token)
    return {
        "SANDBOX_SHIPSTATION_STORE_TOKEN": token,
        facts.DEMO_STORE_ENV["url"]: f"{web_url.rstrip('/')}/{path}",
        facts.DEMO_STORE_ENV["username"]: facts.DEMO_USERNAME,
        facts.DEMO_STORE_ENV["password"]: password,
        facts.DEMO_STORE_ENV["statuses"]: json.dumps(facts.DEMO_STATUS_MAP),
    }
