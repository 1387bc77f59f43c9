"""Background delivery of notification emails."""

from __future__ import annotations

import logging
from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from brands.models import Brand
from brands.scoping import brand_scope
from notifications.mail import build_email
from notifications.models import Notification

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    autoretry_for=(OSError, SMTPException),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
)
def send_notification_email(self, brand_id: int, notification_id: int) -> bool:
    """Email one notification at most once, even when two workers run it at the same time.

    The row is claimed first (emailed_at from None to now, one conditional UPDATE), so a
    concurrent or repeated run finds nothing to do. The mail goes out after that UPDATE has
    committed: a slow SMTP server must not hold a database lock (on SQLite, every writer). A
    failed send gives the claim back, so the retry sends it.
    """
    brand = Brand.objects.filter(pk=brand_id).first()
    if brand is None:
        return False
    with brand_scope(brand):
        claimed = Notification.objects.filter(pk=notification_id, emailed_at=None).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            return False
        notification = Notification.objects.select_related("recipient", "brand").get(
            pk=notification_id
        )
        try:
            build_email(notification).send()
        except Exception:
            Notification.objects.filter(pk=notification_id).update(emailed_at=None)
            raise
    logger.info("notification %s emailed (event %s)", notification.pk, notification.event)
    return True
