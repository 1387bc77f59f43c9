"""Login lockout: counted per account and source address; a completed reset unlocks the account."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.9"
OWNER = "198.51.100.7"


def attempt(email: str, password: str, address: str) -> Client:
    client = Client(REMOTE_ADDR=address)
    client.post(reverse("login"), {"username": email, "password": password})
    return client


def logged_in(client: Client) -> bool:
    return SESSION_KEY in client.session


@pytest.fixture
def owner(db, settings):
    settings.LOGIN_MAX_FAILURES = 3
    return UserFactory(email="owner@a.example")


def test_an_attacker_elsewhere_cannot_lock_the_owner_out(owner):
    for _ in range(10):
        attempt(owner.email, "wrong", ATTACKER)

    assert not logged_in(attempt(owner.email, "password", ATTACKER))  # the attacker is stopped
    assert logged_in(attempt(owner.email, "password", OWNER))  # the owner is not


def test_one_address_trying_many_accounts_is_slowed_down(db, settings):
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 20
    real = UserFactory(email="real@a.example")
    for number in range(20):
        attempt(f"guess{number}@a.example", "wrong", ATTACKER)

    refused = Client(REMOTE_ADDR=ATTACKER)
    response = refused.post(reverse("login"), {"username": real.email, "password": "password"})
    assert not logged_in(refused)
    assert "Too many failed attempts" in response.content.decode()
    assert logged_in(attempt(real.email, "password", OWNER))


def test_the_locked_message_is_the_same_for_existing_and_unknown_emails(owner):
    pages = {}
    for email in (owner.email, "nobody@a.example"):
        for _ in range(3):
            attempt(email, "wrong", ATTACKER)
        client = Client(REMOTE_ADDR=ATTACKER)
        response = client.post(reverse("login"), {"username": email, "password": "wrong"})
        pages[email] = response.context["form"].non_field_errors()
    assert pages[owner.email] == pages["nobody@a.example"]
    assert "Too many failed attempts" in str(pages[owner.email])


def test_a_completed_password_reset_unlocks_the_account(owner):
    for _ in range(3):
        attempt(owner.email, "wrong", OWNER)
    assert not logged_in(attempt(owner.email, "password", OWNER))

    client = Client(REMOTE_ADDR=OWNER)
    client.post(reverse("password_reset"), {"email": owner.email})
    link = next(w for w in mail.outbox[0].body.split() if w.startswith(settings.SITE_URL))
    form_page = client.get(link.removeprefix(settings.SITE_URL), follow=True)
    new = "A-new-long-passphrase"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})

    assert logged_in(attempt(owner.email, new, OWNER))


def test_behind_a_trusted_proxy_the_forwarded_address_counts(owner, settings):
    settings.HAKOBU_TRUSTED_PROXIES = 1
    proxy = "10.0.0.2"
    for _ in range(3):
        Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {ATTACKER}").post(
            reverse("login"), {"username": owner.email, "password": "wrong"}
        )
    owner_client = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=OWNER)
    owner_client.post(reverse("login"), {"username": owner.email, "password": "password"})
    assert logged_in(owner_client)
