from __future__ import annotations

import logging

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from brands.models import Brand
from brands.scoping import brand_scope
from notifications.models import Notification

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
)
def send_notification_email(self, brand_id: int, notification_id: int) -> bool:
    """Email one notification; idempotent (an emailed one is not sent again)."""
    brand = Brand.objects.get(pk=brand_id)
    with brand_scope(brand):
        notification = (
            Notification.objects.select_related("recipient").filter(pk=notification_id).first()
        )
        if notification is None or notification.emailed_at is not None:
            return False
        message = EmailMultiAlternatives(
            subject=notification.subject, body=notification.body, to=[notification.recipient.email]
        )
        if notification.body_html:
            message.attach_alternative(notification.body_html, "text/html")
        message.send()
        updated = Notification.objects.filter(pk=notification.pk, emailed_at=None).update(
            emailed_at=timezone.now()
        )
        logger.info("notification %s emailed (event %s)", notification.pk, notification.event)
        return bool(updated)
