"""Shared fixtures. Brand-owned models are scoped (django-scopes): test code that queries them
directly wraps the query in `scopes_disabled()` or `brand_scope(brand)`, as production code must."""

from __future__ import annotations

import pytest

from brands.models import Role
from tests.factories import BrandFactory, MembershipFactory, UserFactory


@pytest.fixture
def brand(db):
    return BrandFactory(name="Brand A", slug="brand-a")


@pytest.fixture
def other_brand(db):
    return BrandFactory(name="Brand B", slug="brand-b")


@pytest.fixture
def admin_member(brand):
    return MembershipFactory(
        brand=brand, user=UserFactory(email="admin@a.example"), role=Role.ADMIN
    )


@pytest.fixture
def staff_member(brand):
    return MembershipFactory(
        brand=brand, user=UserFactory(email="staff@a.example"), role=Role.STAFF
    )


@pytest.fixture
def viewer_member(brand):
    return MembershipFactory(
        brand=brand, user=UserFactory(email="viewer@a.example"), role=Role.VIEWER
    )


def signed_in(client, membership):
    """Signed in, having used the brand before (the session remembers it as the last one), so
    a test's first request costs the queries every later one does."""
    client.force_login(membership.user)
    session = client.session
    session["last_brand"] = membership.brand.slug
    session.save()
    return client


@pytest.fixture
def viewer_client(client, viewer_member):
    return signed_in(client, viewer_member)


@pytest.fixture
def admin_client(client, admin_member):
    return signed_in(client, admin_member)


@pytest.fixture
def staff_client(client, staff_member):
    return signed_in(client, staff_member)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache (locmem in tests): no rate-limit hint or login
    throttle carried over from another test."""
    from django.core.cache import cache

    cache.clear()
