"""Read-side queries for the members page; callers are inside the brand's scope."""

from __future__ import annotations

from django.db.models import QuerySet

from brands.models import Brand, BrandProfile, Invitation, Membership, Role


def brand_members() -> QuerySet[Membership]:
    return Membership.objects.select_related("user").order_by("user__name", "user__email")


def pending_invitations() -> QuerySet[Invitation]:
    return Invitation.objects.filter(accepted_at=None).select_related("invited_by")


def brand_profile(brand: Brand) -> BrandProfile:
    """The brand's sender profile, unsaved and empty when the brand has not filled it in yet."""
    return BrandProfile.objects.filter(brand=brand).first() or BrandProfile(brand=brand)


def admin_count() -> int:
    """How many Admins the brand has: the last one is not offered "Remove"."""
    return Membership.objects.filter(role=Role.ADMIN).count()
