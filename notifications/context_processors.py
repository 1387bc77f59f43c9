from __future__ import annotations

from django.http import HttpRequest

from brands.scoping import brand_scope
from notifications.selectors import unread_count


def unread_notifications(request: HttpRequest) -> dict:
    """Unread count for the navbar badge: the user's, in the current brand only (0 elsewhere).

    The scope is opened here because error pages may render after the request's scope closed.
    """
    user = getattr(request, "user", None)
    brand = getattr(request, "brand", None)
    if brand is None or not (user and user.is_authenticated):
        return {"unread_notifications": 0}
    with brand_scope(brand):
        return {"unread_notifications": unread_count(user)}
