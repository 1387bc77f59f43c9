"""`.env.example` documents every environment variable the settings read."""

from __future__ import annotations

import re
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
READ = re.compile(
    r"""[eE]nv(?:\(\))?\.(?:str|bool|int|float|list|db|json|url)\(\s*["']([A-Z0-9_]+)["']"""
)


def test_every_setting_read_from_the_environment_is_documented():
    read = {
        name
        for path in (BASE_DIR / "config" / "settings").glob("*.py")
        for name in READ.findall(path.read_text())
    }
    documented = set(
        re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (BASE_DIR / ".env.example").read_text(), re.M)
    )
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "HAKOBU_SECRET_KEYS"} <= read
    assert read - documented == set()


def test_required_values_are_not_shipped_as_if_set():
    """A copy left unfilled must not look configured: required values are commented out."""
    assigned = dict(
        re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", (BASE_DIR / ".env.example").read_text(), re.M)
    )
    required = {
        "DJANGO_SECRET_KEY",
        "HAKOBU_SECRET_KEYS",
        "DJANGO_ALLOWED_HOSTS",
        "SITE_URL",
        "POSTGRES_PASSWORD",
    }
    assert required & set(assigned) == set()
    assert [name for name, value in assigned.items() if "example" in value] == []
