from __future__ import annotations

from django.http import HttpRequest

from brands.models import Brand


def brand(request: HttpRequest) -> dict:
    """The current brand and membership, and the user's brands for the switcher."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    return {
        "brand": getattr(request, "brand", None),
        "membership": getattr(request, "membership", None),
        "user_brands": Brand.objects.filter(membership__user=user).order_by("name"),
    }
