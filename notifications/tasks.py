"""Background delivery of notification emails."""

from __future__ import annotations

import logging
from smtplib import SMTPException

from django.utils import timezone

from brands.models import Brand
from brands.task_base import brand_task
from notifications.mail import build_email
from notifications.models import Notification

logger = logging.getLogger(__name__)


@brand_task(transient=(OSError, SMTPException), max_retries=8, backoff=30, backoff_max=3600)
def send_notification_email(self, brand: Brand, notification_id: int) -> bool:
    """Email one notification at most once, even when two workers run it at the same time.

    The row is claimed first (emailed_at from None to now, one conditional UPDATE), so a
    concurrent or repeated run finds nothing to do. The mail goes out after that UPDATE has
    committed: a slow SMTP server must not hold a database lock (on SQLite, every writer). A
    failed send gives the claim back, so the retry sends it.
    """
    claimed = Notification.objects.filter(pk=notification_id, emailed_at=None).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient", "brand").get(pk=notification_id)
    try:
        build_email(notification).send()
    except Exception:
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    logger.info("notification %s emailed (event %s)", notification.pk, notification.event)
    return True
