"""Browser fixtures shared by the browser tests (a headless Chromium page, logging in)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.test_login_and_notes import CHROMIUM_ARGS, chromium, page  # noqa: F401


@pytest.fixture
def log_in(page, live_server):  # noqa: F811
    """log_in(email): through the login form, as a person does (password "password")."""

    def go(email: str) -> None:
        page.goto(live_server.url + reverse("login"))
        page.locator("input[name=username]").fill(email)
        page.locator("input[name=password]").fill("password")
        page.locator("form button[type=submit]").first.click()
        page.wait_for_load_state()

    return go
