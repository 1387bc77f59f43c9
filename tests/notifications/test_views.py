"""The notification list: own notifications only, unread badge, open and mark-all-read."""

from __future__ import annotations

import pytest
from django.urls import reverse

from brands.scoping import scopes_disabled
from notifications.models import Notification
from tests.factories import MembershipFactory, NotificationFactory

pytestmark = pytest.mark.django_db


def list_url(brand):
    return reverse("notification_list", kwargs={"brand_slug": brand.slug})


@pytest.fixture
def mine(brand, admin_member):
    return [
        NotificationFactory(
            brand=brand,
            recipient=admin_member.user,
            subject="Read one",
            read_at="2024-01-01T00:00Z",
        ),
        NotificationFactory(
            brand=brand,
            recipient=admin_member.user,
            subject="Unread one",
            url="/b/brand-a/members/",
        ),
    ]


@pytest.fixture
def not_mine(brand, other_brand, admin_member, staff_member):
    MembershipFactory(brand=other_brand, user=admin_member.user)
    return [
        NotificationFactory(brand=brand, recipient=staff_member.user, subject="Staff only"),
        NotificationFactory(brand=other_brand, recipient=admin_member.user, subject="Brand B news"),
    ]


def test_list_shows_only_my_notifications_in_this_brand(admin_client, brand, mine, not_mine):
    response = admin_client.get(list_url(brand))

    page = response.content.decode()
    assert "Read one" in page and "Unread one" in page
    assert "Staff only" not in page and "Brand B news" not in page
    assert response.context["unread_notifications"] == 1
    assert 'class="badge text-bg-danger">1</span>' in page
    [unread] = [n for n in response.context["notifications"] if n.read_at is None]
    assert unread.subject == "Unread one"
    assert page.count("list-group-item-primary") == 1


def test_badge_counts_per_brand_and_is_zero_outside_a_brand(
    admin_client, brand, other_brand, mine, not_mine
):
    other = admin_client.get(list_url(other_brand))
    assert other.context["unread_notifications"] == 1
    assert "Brand B news" in other.content.decode()

    outside = admin_client.get(reverse("password_change"))
    assert outside.context["unread_notifications"] == 0
    # The profile keeps the navigation of the brand the user came from, badge included.
    profile = admin_client.get(reverse("profile"))
    assert profile.context["brand"] == other_brand
    assert profile.context["unread_notifications"] == 1


def test_opening_marks_read_and_follows_the_link(admin_client, brand, mine):
    unread = mine[1]
    response = admin_client.post(
        reverse("notification_open", kwargs={"brand_slug": brand.slug, "pk": unread.pk})
    )

    assert response.status_code == 302
    assert response["Location"] == "/b/brand-a/members/"
    with scopes_disabled():
        assert Notification.objects.get(pk=unread.pk).read_at is not None


def test_an_offsite_link_is_not_followed(admin_client, brand, admin_member):
    evil = NotificationFactory(
        brand=brand, recipient=admin_member.user, url="https://evil.example/"
    )
    response = admin_client.post(
        reverse("notification_open", kwargs={"brand_slug": brand.slug, "pk": evil.pk})
    )
    assert response["Location"] == list_url(brand)


@pytest.mark.parametrize("which", [0, 1])
def test_cannot_open_someone_elses_notification(admin_client, brand, not_mine, which):
    target = not_mine[which]
    response = admin_client.post(
        reverse("notification_open", kwargs={"brand_slug": brand.slug, "pk": target.pk})
    )
    assert response.status_code == 404
    with scopes_disabled():
        assert Notification.objects.get(pk=target.pk).read_at is None


def test_mark_all_read_touches_only_mine_in_this_brand(admin_client, brand, mine, not_mine):
    response = admin_client.post(
        reverse("notification_read_all", kwargs={"brand_slug": brand.slug}), follow=True
    )

    assert "1 notification marked as read." in response.content.decode()
    assert response.context["unread_notifications"] == 0
    with scopes_disabled():
        assert not Notification.objects.filter(pk__in=[n.pk for n in mine], read_at=None).exists()
        assert (
            Notification.objects.filter(pk__in=[n.pk for n in not_mine], read_at=None).count() == 2
        )


def test_opening_needs_post(admin_client, brand, mine):
    url = reverse("notification_open", kwargs={"brand_slug": brand.slug, "pk": mine[1].pk})
    assert admin_client.get(url).status_code == 405


def test_a_non_member_gets_404(client, brand, other_brand, mine):
    outsider = MembershipFactory(brand=other_brand).user
    client.force_login(outsider)
    assert client.get(list_url(brand)).status_code == 404
