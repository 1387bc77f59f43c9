"""notify() → Notification rows → email after commit, per member language, with brand headers."""

from __future__ import annotations

from smtplib import SMTPServerDisconnected
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from brands.models import Role
from brands.scoping import brand_scope, scopes_disabled
from brands.services import member_joined_data
from notifications.models import Notification
from notifications.services import notify
from notifications.tasks import send_notification_email
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def joined(brand):
    return MembershipFactory(
        brand=brand, user=UserFactory(email="new@a.example", name="Hanako Sato"), role=Role.STAFF
    )


def tell(brand, members, joined):
    with brand_scope(brand):
        return notify(
            brand=brand,
            members=members,
            event="member_joined",
            url=f"/b/{brand.slug}/members/",
            data=member_joined_data(joined),
        )


def test_email_sent_after_commit_with_both_alternatives_and_headers(
    brand, admin_member, joined, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tell(brand, [admin_member], joined)
    assert mail.outbox == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()

    [email] = mail.outbox
    assert email.to == ["admin@a.example"]
    assert email.subject == "Hanako Sato joined Brand A"
    assert "Hanako Sato (new@a.example) joined Brand A as Staff" in email.body
    assert "http://127.0.0.1:8000/b/brand-a/members/" in email.body
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    assert 'href="http://127.0.0.1:8000/b/brand-a/members/"' in html
    assert email.extra_headers["X-Hakobu-Brand"] == "brand-a"
    assert email.extra_headers["X-Hakobu-Event"] == "member_joined"
    message = email.message()
    assert message["X-Hakobu-Brand"] == "brand-a"
    with scopes_disabled():
        notification = Notification.objects.get()
    assert notification.emailed_at is not None
    assert notification.read_at is None


def test_each_member_gets_their_own_language(brand, joined, django_capture_on_commit_callbacks):
    ja = MembershipFactory(brand=brand, user=UserFactory(email="ja@a.example", language="ja"))
    en = MembershipFactory(brand=brand, user=UserFactory(email="en@a.example", language="en"))
    with django_capture_on_commit_callbacks(execute=True):
        tell(brand, [ja, en], joined)

    by_recipient = {email.to[0]: email for email in mail.outbox}
    joined_on = timezone.localdate(joined.created_at, ZoneInfo(brand.time_zone))
    # One date format per language (config/formats): 2026/12/01 in Japanese, 2026-12-01 in English.
    ja_date = joined_on.strftime("%Y/%m/%d")
    assert ja_date in by_recipient["ja@a.example"].body
    assert joined_on.isoformat() in by_recipient["en@a.example"].body
    assert '<html lang="ja">' in by_recipient["ja@a.example"].alternatives[0][0]
    assert ja_date not in by_recipient["en@a.example"].body
    assert '<html lang="en">' in by_recipient["en@a.example"].alternatives[0][0]


def test_members_of_other_brands_and_inactive_users_are_not_told(
    brand, other_brand, admin_member, joined, django_capture_on_commit_callbacks
):
    outsider = MembershipFactory(brand=other_brand, user=UserFactory(email="b@b.example"))
    gone = MembershipFactory(brand=brand, user=UserFactory(email="gone@a.example", is_active=False))
    with django_capture_on_commit_callbacks(execute=True):
        created = tell(brand, [admin_member, outsider, gone, admin_member], joined)

    assert [n.recipient.email for n in created] == ["admin@a.example"]
    assert [email.to for email in mail.outbox] == [["admin@a.example"]]


def test_sending_twice_emails_once(brand, admin_member, joined, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [notification] = tell(brand, [admin_member], joined)
    assert send_notification_email.delay(brand.pk, notification.pk).get() is False
    assert len(mail.outbox) == 1


class FlakySMTPBackend(EmailBackend):
    """Drops the connection on the first send, like an SMTP server restarting."""

    failures_left = 0

    def send_messages(self, messages):
        if FlakySMTPBackend.failures_left:
            FlakySMTPBackend.failures_left -= 1
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


def test_smtp_failure_is_retried_and_then_sent_once(
    brand, admin_member, joined, settings, django_capture_on_commit_callbacks
):
    """The failed attempt must roll its claim back, or the retry would find nothing to send."""
    settings.EMAIL_BACKEND = f"{__name__}.FlakySMTPBackend"
    FlakySMTPBackend.failures_left = 1
    with django_capture_on_commit_callbacks(execute=False):
        [notification] = tell(brand, [admin_member], joined)

    result = send_notification_email.apply(args=(brand.pk, notification.pk), throw=False)

    assert result.get() is True
    assert FlakySMTPBackend.failures_left == 0
    assert [email.to for email in mail.outbox] == [["admin@a.example"]]
    notification.refresh_from_db()
    assert notification.emailed_at is not None
