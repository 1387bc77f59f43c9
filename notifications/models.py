from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from brands.scoping import BrandOwned


class Notification(BrandOwned):
    """One event told to one member: shown in the app, and emailed.

    `event` and `data` are what happened; the app words them when they are read, in the reader's
    language (`notifications.wording`). `subject`, `body` and `body_html` are the email as sent,
    in the recipient's language at that time.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(max_length=60)
    data = models.JSONField(default=dict, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"))
    body_html = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["brand", "recipient", "read_at"], name="notification_unread_idx")
        ]

    def __str__(self) -> str:
        return self.subject
