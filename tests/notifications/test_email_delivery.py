"""Sending a notification email never holds a database transaction open."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection

from brands.scoping import brand_scope, scopes_disabled
from notifications.models import Notification
from notifications.services import notify


class TransactionProbeBackend(EmailBackend):
    """Records whether a transaction was open while the message went out."""

    in_transaction: list[bool] = []

    def send_messages(self, messages):
        TransactionProbeBackend.in_transaction.append(connection.in_atomic_block)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_the_email_is_sent_outside_any_transaction(brand, admin_member, settings):
    """A slow SMTP server must not hold a lock (on SQLite: the lock every writer waits for)."""
    settings.EMAIL_BACKEND = f"{__name__}.TransactionProbeBackend"
    TransactionProbeBackend.in_transaction = []
    with brand_scope(brand):
        notify(
            brand=brand,
            members=[admin_member],
            event="integration_connected",
            data={"platform": "shipandco"},
        )
    assert TransactionProbeBackend.in_transaction == [False]
    assert len(mail.outbox) == 1
    with scopes_disabled():
        assert Notification.objects.get().emailed_at is not None
