from __future__ import annotations

import logging

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from brands.models import Brand, Invitation
from brands.scoping import brand_scope
from brands.services import invitation_url
from notifications.mail import BRAND_HEADER, EVENT_HEADER, render_text

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
)
def send_invitation_email(self, brand_id: int, invitation_id: int) -> bool:
    """Email an invitation's accept link in the brand's language.

    The task first claims the invitation (`emailed_at` from None to now), so a duplicate or
    concurrent run sends nothing; a failed send gives the claim back before Celery retries.
    """
    brand = Brand.objects.get(pk=brand_id)
    with brand_scope(brand):
        claimed = Invitation.objects.filter(
            pk=invitation_id, accepted_at=None, emailed_at=None
        ).update(emailed_at=timezone.now())
        if not claimed:
            return False
        invitation = Invitation.objects.select_related("invited_by").get(pk=invitation_id)
        context = {
            "brand": brand,
            "invitation": invitation,
            "inviter": invitation.invited_by,
            "url": invitation_url(invitation),
        }
        with translation.override(brand.language), timezone.override(brand.time_zone):
            subject = render_text("brands/emails/invitation_subject.txt", context)
            text = render_text("brands/emails/invitation_body.txt", context)
            html = render_to_string("brands/emails/invitation_body.html", context)
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=text.strip(),
            to=[invitation.email],
            # The brand's outbox lists every email the brand sent, invitations included.
            headers={BRAND_HEADER: brand.slug, EVENT_HEADER: "invitation"},
        )
        message.attach_alternative(html, "text/html")
        try:
            message.send()
        except OSError:
            Invitation.objects.filter(pk=invitation_id).update(emailed_at=None)
            raise
        logger.info("invitation %s emailed", invitation_id)
        return True
