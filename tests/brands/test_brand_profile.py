"""Settings → Brand: one sender profile per brand, for documents and labels; Admins edit it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from brands.models import BrandProfile
from brands.scoping import brand_scope, scopes_disabled
from brands.selectors import brand_profile

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

ADDRESS = {
    "company_name": "Kumo Ceramics K.K.",
    "postal_code": "150-0001",
    "prefecture": "東京都",
    "city": "渋谷区",
    "address_line1": "神宮前1-2-3",
    "address_line2": "",
    "country_code": "jp",
    "phone": "03-1234-5678",
    "email": "ship@kumo.example",
    "registration_number": "T1234567890123",
    "footer_text": "Thank you!",
}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


def test_an_admin_fills_in_the_sender_once(admin_client, brand):
    url = reverse("brand_profile", args=[brand.slug])
    assert admin_client.get(url).status_code == 200

    response = admin_client.post(url, ADDRESS)

    assert response.status_code == 302
    with brand_scope(brand):
        profile = brand_profile(brand)
        assert profile.pk and profile.can_ship_from
        assert (profile.country_code, profile.city) == ("JP", "渋谷区")
    admin_client.post(url, {**ADDRESS, "city": "目黒区"})
    with scopes_disabled():
        assert BrandProfile.objects.filter(brand=brand).count() == 1


def test_staff_cannot_change_the_brand(staff_client, brand):
    response = staff_client.post(reverse("brand_profile", args=[brand.slug]), ADDRESS)

    assert response.status_code == 403
    with scopes_disabled():
        assert not BrandProfile.objects.exists()


def test_a_missing_ship_from_field_is_named(admin_client, brand):
    admin_client.post(reverse("brand_profile", args=[brand.slug]), {**ADDRESS, "phone": ""})

    page = admin_client.get(reverse("brand_profile", args=[brand.slug])).content.decode()

    assert "Labels cannot be created" in page
    with brand_scope(brand):
        assert brand_profile(brand).missing_ship_from_fields == ["phone"]


def test_the_logo_must_be_an_image_by_its_bytes(admin_client, brand, media):
    url = reverse("brand_profile", args=[brand.slug])
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")

    response = admin_client.post(url, {**ADDRESS, "logo": fake})

    assert response.status_code == 200
    assert "PNG or JPEG" in response.content.decode()


def test_the_logo_is_served_to_members_only(admin_client, client, brand, media):
    url = reverse("brand_profile", args=[brand.slug])
    admin_client.post(url, {**ADDRESS, "logo": SimpleUploadedFile("l.png", PNG)})

    logo = admin_client.get(reverse("brand_logo", args=[brand.slug]))
    assert logo.status_code == 200
    assert b"".join(logo.streaming_content) == PNG

    admin_client.post(url, {**ADDRESS, "remove_logo": "on"})
    assert admin_client.get(reverse("brand_logo", args=[brand.slug])).status_code == 404


def test_another_brands_profile_is_never_shown(admin_client, brand, other_brand):
    with brand_scope(other_brand):
        BrandProfile.objects.create(brand=other_brand, company_name="Other Co")

    page = admin_client.get(reverse("brand_profile", args=[brand.slug])).content.decode()

    assert "Other Co" not in page


def test_a_line_break_in_the_sender_is_refused(admin_client, brand):
    response = admin_client.post(
        reverse("brand_profile", args=[brand.slug]),
        {**ADDRESS, "company_name": "Kumo\r\nBcc: victim@example.com"},
    )

    assert response.status_code == 200
    with scopes_disabled():
        assert not BrandProfile.objects.exists()
