"""The home page sends a member to the brand they used last, or lets them choose."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import BrandFactory, MembershipFactory, UserFactory


def test_single_brand_goes_straight_to_it(admin_client, brand):
    response = admin_client.get(reverse("home"))

    assert response.url == reverse("dashboard", args=[brand.slug])


def test_several_brands_choose_then_remember_the_last_one(client, admin_member, brand):
    client.force_login(admin_member.user)  # a first visit: no brand remembered yet
    admin_client = client
    second = BrandFactory(name="Second Brand", slug="second")
    MembershipFactory(brand=second, user=admin_member.user)

    chooser = admin_client.get(reverse("home"))
    assert chooser.status_code == 200
    assert list(chooser.context["brands"]) == [brand, second]

    page = admin_client.get(reverse("member_list", args=[second.slug]))
    switcher = page.content.decode()
    assert reverse("dashboard", args=[brand.slug]) in switcher
    assert reverse("dashboard", args=[second.slug]) in switcher

    assert admin_client.get(reverse("home")).url == reverse("dashboard", args=[second.slug])
    admin_client.get(reverse("member_list", args=[brand.slug]))
    assert admin_client.get(reverse("home")).url == reverse("dashboard", args=[brand.slug])


def test_last_brand_left_behind_is_not_reused(admin_client, admin_member, brand, other_brand):
    MembershipFactory(brand=BrandFactory(slug="third"), user=admin_member.user)
    session = admin_client.session
    session["last_brand"] = other_brand.slug  # not a member of it (any more)
    session.save()

    response = admin_client.get(reverse("home"))

    assert response.status_code == 200
    assert other_brand not in response.context["brands"]


def test_user_without_brand_is_told_to_ask_for_an_invitation(client, db):
    client.force_login(UserFactory())

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "Ask a brand admin to invite you" in response.content.decode()


def test_browsing_one_brand_writes_the_session_only_when_the_brand_changes(
    client, admin_member, brand
):
    """Remembering the last brand must not cost a session UPDATE (and a commit) per page."""
    client.force_login(admin_member.user)
    admin_client = client
    url = reverse("dashboard", args=[brand.slug])
    with CaptureQueriesContext(connection) as first:
        admin_client.get(url)
    with CaptureQueriesContext(connection) as second:
        admin_client.get(url)

    def session_writes(queries) -> int:
        return sum(
            1
            for q in queries
            if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith("UPDATE")
        )

    assert session_writes(first.captured_queries) == 1
    assert session_writes(second.captured_queries) == 0
    assert admin_client.session["last_brand"] == brand.slug
