"""Password-reset requests are rate-limited per email and per address; the answer never changes."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def request_reset(email: str, address: str = "203.0.113.9"):
    return Client(REMOTE_ADDR=address).post(reverse("password_reset"), {"email": email})


def test_twenty_five_requests_send_a_few_emails_with_the_same_answer(settings):
    settings.PASSWORD_RESET_MAX_PER_EMAIL = 3
    user = UserFactory(email="victim@a.example")
    answers = {request_reset(user.email, f"198.51.100.{n}").url for n in range(25)}

    assert answers == {reverse("password_reset_done")}
    assert len(mail.outbox) == 3


def test_one_address_cannot_flood_many_mailboxes(settings):
    settings.PASSWORD_RESET_MAX_PER_ADDRESS = 4
    users = [UserFactory(email=f"user{n}@a.example") for n in range(8)]
    for user in users:
        assert request_reset(user.email).url == reverse("password_reset_done")

    assert len(mail.outbox) == 4
    request_reset(users[-1].email, "198.51.100.1")  # another address still gets its email
    assert len(mail.outbox) == 5
