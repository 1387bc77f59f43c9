"""Offline emulators of the shipping platforms Hakobu talks to.

Hakobu must be demonstrable and integration-testable without the internet, so each platform gets a
small stdlib-only emulator (API + minimal web UI) served on loopback by :mod:`sandbox.server`.
Start it with ``python -m sandbox --port 8001 --data-dir var/sandbox``.
"""

#: Hakobu's setting for each emulated platform API → its path on the sandbox server.
API_SETTINGS: dict[str, str] = {
    "SHIPANDCO_API_URL": "shipandco/v1/",
    "SHIPSTATION_V1_API_URL": "shipstation/v1/",
    "SHIPSTATION_V2_API_URL": "shipstation/v2/",
}


def api_settings(base_url: str) -> dict[str, str]:
    """The settings that point Hakobu at a sandbox served at `base_url` (ending in "/")."""
    return {name: f"{base_url}{path}" for name, path in API_SETTINGS.items()}
