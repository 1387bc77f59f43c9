"""The development outbox reads the development mail backend's files, per brand, admins only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications.outbox import read_outbox
from notifications.tasks import send_notification_email
from tests.factories import MembershipFactory, NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_dir(settings, tmp_path):
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "notifications.mail.OutboxFileBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    return tmp_path


def send(brand, user, subject, html=""):
    notification = NotificationFactory(
        brand=brand,
        recipient=user,
        subject=subject,
        body=f"Text of {subject}",
        body_html=html,
        event="member_joined",
    )
    send_notification_email.delay(brand.pk, notification.pk)
    return notification


@pytest.fixture
def sent(mail_dir, brand, other_brand, admin_member):
    outsider = MembershipFactory(brand=other_brand, user=UserFactory(email="b@b.example")).user
    send(brand, admin_member.user, "First for A")
    send(other_brand, outsider, "Secret of B")
    send(
        brand,
        admin_member.user,
        "Second for A ✓",
        html='<p>Hello "there" <script>alert(1)</script></p>',
    )


def outbox_url(brand):
    return reverse("outbox", kwargs={"brand_slug": brand.slug})


def test_read_outbox_parses_every_message_of_the_brand_newest_first(sent, mail_dir, brand):
    assert len(list(mail_dir.glob("*.eml"))) == 3  # one whole file per message
    emails = read_outbox(mail_dir, brand.slug)

    assert [e.subject for e in emails] == ["Second for A ✓", "First for A"]
    latest = emails[0]
    assert latest.to == "admin@a.example"
    assert latest.event == "member_joined"
    assert latest.text.strip() == "Text of Second for A ✓"
    assert latest.html.startswith('<p>Hello "there"')
    assert emails[1].html == ""


def test_several_messages_in_one_file_are_all_read(mail_dir, brand, admin_member):
    from django.core.mail import get_connection

    from notifications.mail import build_email

    notes = [
        NotificationFactory(brand=brand, recipient=admin_member.user, subject=f"Batch {i}")
        for i in range(3)
    ]
    with get_connection() as connection:
        connection.send_messages([build_email(n) for n in notes])

    assert len(list(mail_dir.glob("*.eml"))) == 3
    assert sorted(e.subject for e in read_outbox(mail_dir, brand.slug)) == [
        "Batch 0",
        "Batch 1",
        "Batch 2",
    ]


def test_missing_mail_directory_means_empty_outbox(tmp_path, brand):
    assert read_outbox(tmp_path / "nothing-here", brand.slug) == []


def test_admin_sees_only_this_brands_mail(admin_client, sent, brand):
    page = admin_client.get(outbox_url(brand)).content.decode()
    assert "First for A" in page and "Second for A ✓" in page
    assert "Secret of B" not in page


def test_message_page_renders_html_in_a_sandboxed_iframe(admin_client, sent, mail_dir, brand):
    [latest, _] = read_outbox(mail_dir, brand.slug)
    url = reverse("outbox_message", kwargs={"brand_slug": brand.slug, "key": latest.key})

    page = admin_client.get(url).content.decode()
    assert 'sandbox=""' in page
    assert 'srcdoc="&lt;p&gt;Hello &quot;there&quot; &lt;script&gt;' in page
    assert "<script>alert(1)</script>" not in page
    assert "Text of Second for A ✓" in page

    modal = admin_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "modal-body" in modal and "<html" not in modal


def test_another_brands_message_is_not_found(admin_client, sent, mail_dir, other_brand, brand):
    [secret] = read_outbox(mail_dir, other_brand.slug)
    url = reverse("outbox_message", kwargs={"brand_slug": brand.slug, "key": secret.key})
    assert admin_client.get(url).status_code == 404


def test_staff_are_forbidden(staff_client, mail_dir, brand):
    assert staff_client.get(outbox_url(brand)).status_code == 403


def test_outbox_does_not_exist_without_debug(admin_client, mail_dir, settings, brand):
    settings.DEBUG = False
    assert admin_client.get(outbox_url(brand)).status_code == 404
    assert (
        "Email outbox"
        not in admin_client.get(
            reverse("notification_list", kwargs={"brand_slug": brand.slug})
        ).content.decode()
    )


def test_notifications_page_links_the_outbox_in_debug(admin_client, mail_dir, brand):
    page = admin_client.get(reverse("notification_list", kwargs={"brand_slug": brand.slug}))
    assert outbox_url(brand) in page.content.decode()
