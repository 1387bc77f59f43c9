"""Read-side queries for notifications; call inside the brand's scope."""

from __future__ import annotations

from django.db.models import QuerySet

from brands.models import User
from notifications.models import Notification


def notifications_for(user: User) -> QuerySet[Notification]:
    """The user's notifications in the active brand, newest first."""
    return Notification.objects.filter(recipient=user).select_related("brand")


def unread_count(user: User) -> int:
    return notifications_for(user).filter(read_at=None).count()
