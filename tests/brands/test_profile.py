"""Profile and language: the chosen language applies to every page, and survives logging out."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def test_profile_needs_login(client, db):
    response = client.get(reverse("profile"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_changing_language_applies_to_every_page(admin_client, admin_member, brand):
    response = admin_client.post(reverse("profile"), {"name": "Aiko Sato", "language": "ja"})

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ja"
    admin_member.user.refresh_from_db()
    assert (admin_member.user.name, admin_member.user.language) == ("Aiko Sato", "ja")
    for url in [reverse("profile"), reverse("member_list", args=[brand.slug])]:
        page = admin_client.get(url)
        assert page.context["LANGUAGE_CODE"] == "ja"
        assert '<html lang="ja">' in page.content.decode()


def test_user_language_wins_over_the_browser(admin_client, admin_member):
    admin_member.user.language = "ja"
    admin_member.user.save()

    page = admin_client.get(reverse("profile"), HTTP_ACCEPT_LANGUAGE="en")

    assert page.context["LANGUAGE_CODE"] == "ja"


def test_unknown_language_is_refused(admin_client, admin_member):
    response = admin_client.post(reverse("profile"), {"name": "X", "language": "fr"})

    assert response.status_code == 200
    assert "language" in response.context["form"].errors
    admin_member.user.refresh_from_db()
    assert admin_member.user.language == "en"
