"""Notifications are stored as event + data and worded when read, in the reader's language; the
outbox lists every email of the brand (invitations too) under readable event names."""

from __future__ import annotations

import pytest
from django.urls import reverse

from brands.models import Role
from brands.scoping import brand_scope, scopes_disabled
from brands.services import invite_member, member_joined_data
from notifications.models import Notification
from notifications.services import notify
from tests.factories import MembershipFactory, NotificationFactory, UserFactory
from tests.notifications.test_outbox import mail_dir  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def told(brand, admin_member, django_capture_on_commit_callbacks):
    joined = MembershipFactory(
        brand=brand, user=UserFactory(email="ken@a.example", name="Ken"), role=Role.STAFF
    )
    with brand_scope(brand), django_capture_on_commit_callbacks(execute=True):
        notify(
            brand=brand,
            members=[admin_member],
            event="member_joined",
            url="/x/",
            data=member_joined_data(joined),
        )
    return admin_member


def list_html(client, brand) -> str:
    return client.get(reverse("notification_list", args=[brand.slug])).content.decode()


def test_stored_as_event_and_data(told):
    with scopes_disabled():
        notification = Notification.objects.get()
    assert notification.event == "member_joined"
    assert notification.data["member_name"] == "Ken"
    assert notification.data["role"] == "staff"


def test_the_list_words_it_in_the_readers_language_now(admin_client, brand, told):
    html = list_html(admin_client, brand)
    assert "Ken joined Brand A" in html
    # A short sentence, not the email's text with its links.
    assert "Ken (ken@a.example) joined as Staff." in html
    assert "Members and their roles:" not in html

    told.user.language = "ja"  # the reader changed language after it was sent
    told.user.save(update_fields=["language"])
    html = list_html(admin_client, brand)
    assert "KenさんがBrand Aに参加しました" in html
    assert "Ken joined Brand A" not in html


def test_rows_without_data_show_what_was_emailed(admin_client, brand, admin_member):
    NotificationFactory(
        brand=brand,
        recipient=admin_member.user,
        event="member_joined",
        subject="Old subject",
        body="Old first paragraph.\n\nLink: http://x",
    )
    html = list_html(admin_client, brand)
    assert "Old subject" in html and "Old first paragraph." in html
    assert "Link: http://x" not in html


def test_a_name_is_escaped_when_worded(admin_client, brand, admin_member):
    NotificationFactory(
        brand=brand,
        recipient=admin_member.user,
        event="member_joined",
        data={"member_name": "<b>Ken</b>", "member_email": "k@a.example", "role": "staff"},
    )
    html = list_html(admin_client, brand)
    assert "&lt;b&gt;Ken&lt;/b&gt; joined Brand A" in html
    assert "<b>Ken</b>" not in html


def test_the_outbox_lists_invitations_with_readable_event_names(
    mail_dir,  # noqa: F811
    admin_client,
    brand,
    admin_member,
    told,
    django_capture_on_commit_callbacks,
):
    with brand_scope(brand), django_capture_on_commit_callbacks(execute=True):
        invite_member(brand=brand, email="new@a.example", role="staff", invited_by=None)
    html = admin_client.get(reverse("outbox", args=[brand.slug])).content.decode()
    assert "new@a.example" in html
    assert "<td>Invitation</td>" in html
    assert "<td>Member joined</td>" in html
    assert "member_joined" not in html
