"""Offline emulators of the shipping platforms Hakobu talks to.

Hakobu must be demonstrable and integration-testable without the internet, so each platform gets a
small stdlib-only emulator (API + minimal web UI) served on loopback by :mod:`sandbox.server`.
Start it with ``python -m sandbox --port 8001 --data-dir var/sandbox``.
"""
