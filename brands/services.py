"""Membership rules: inviting, joining, changing roles and leaving a brand.

Callers run these inside the brand's scope (the request middleware, or `brand_scope()`), so every
query below only sees that brand's rows. The rules that protect a brand (a member is never added
twice, a brand always keeps one Admin) live here rather than in views, so every entry point obeys
them.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from brands.models import Brand, Invitation, Membership, Role, User
from notifications.services import notify

LAST_ADMIN_MESSAGE = gettext_lazy(
    "A brand needs at least one Admin. Make another member an Admin first."
)


def invitation_url(invitation: Invitation) -> str:
    """Absolute accept link: emails have no request to build it from."""
    return f"{settings.SITE_URL}{reverse('invitation_accept', args=[invitation.token])}"


def _send_invitation_after_commit(invitation: Invitation) -> None:
    from brands.tasks import send_invitation_email

    brand_id, invitation_id = invitation.brand_id, invitation.pk
    transaction.on_commit(lambda: send_invitation_email.delay(brand_id, invitation_id))


@transaction.atomic
def invite_member(*, brand: Brand, email: str, role: str, invited_by: User | None) -> Invitation:
    """Invite `email` to the brand; a new invitation replaces any earlier one for that address."""
    email = email.strip().lower()
    if Membership.objects.filter(user__email__iexact=email).exists():
        raise ValidationError(
            _("%(email)s is already a member of this brand."), params={"email": email}
        )
    Invitation.objects.filter(email__iexact=email, accepted_at=None).delete()
    invitation = Invitation.objects.create(
        brand=brand, email=email, role=Role(role), invited_by=invited_by
    )
    _send_invitation_after_commit(invitation)
    return invitation


@transaction.atomic
def resend_invitation(invitation: Invitation) -> Invitation:
    """Email the invitation again, valid for a full period from now."""
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been accepted."))
    invitation.created_at = timezone.now()
    invitation.emailed_at = None
    invitation.save(update_fields=["created_at", "emailed_at"])
    _send_invitation_after_commit(invitation)
    return invitation


def revoke_invitation(invitation: Invitation) -> None:
    """Withdraw a pending invitation: its link stops working at once."""
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been accepted."))
    invitation.delete()


def check_invitation_usable(invitation: Invitation) -> None:
    """Raise a ValidationError that explains why the link can no longer be used."""
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used."), code="used")
    if invitation.is_expired:
        raise ValidationError(
            _("This invitation has expired. Ask a brand admin to send you a new one."),
            code="expired",
        )


def email_matches(invitation: Invitation, user: User) -> bool:
    return invitation.email.casefold() == user.email.casefold()


@transaction.atomic
def accept_invitation(invitation: Invitation, user: User) -> Membership:
    """Make `user` a member with the invited role; the invitation is used up exactly once."""
    check_invitation_usable(invitation)
    if not email_matches(invitation, user):
        raise ValidationError(
            _("This invitation was sent to a different email address."), code="wrong_user"
        )
    claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at=None).update(
        accepted_at=timezone.now()
    )
    if not claimed:  # another request accepted it a moment ago
        raise ValidationError(_("This invitation has already been used."), code="used")
    membership, created = Membership.objects.get_or_create(
        brand=invitation.brand, user=user, defaults={"role": invitation.role}
    )
    if created:
        announce_new_member(membership)
    return membership


def announce_new_member(membership: Membership) -> None:
    """Tell the brand's admins (emailed after commit) who joined, so a stranger never goes unseen."""
    admins = (
        Membership.objects.filter(role=Role.ADMIN).exclude(pk=membership.pk).select_related("user")
    )
    notify(
        brand=membership.brand,
        members=admins,
        event="member_joined",
        url=reverse("member_list", kwargs={"brand_slug": membership.brand.slug}),
        data=member_joined_data(membership),
    )


def member_joined_data(membership: Membership) -> dict:
    """What a "member joined" notification stores (worded when read: notifications.events)."""
    return {
        "member_name": membership.user.get_full_name(),
        "member_email": membership.user.email,
        "role": membership.role,
        "joined_at": membership.created_at.isoformat(),
    }


@transaction.atomic
def sign_up_with_invitation(
    invitation: Invitation, *, name: str, password: str, language: str
) -> User:
    """Create the invitee's account and membership together: both or neither."""
    check_invitation_usable(invitation)
    user_model = get_user_model()
    if user_model.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(
            _("An account with this email address already exists. Log in to accept."),
            code="account_exists",
        )
    user = user_model.objects.create_user(
        invitation.email, password, name=name.strip(), language=language
    )
    accept_invitation(invitation, user)
    return user


def _ensure_not_last_admin(membership: Membership) -> None:
    """Refuse when `membership` is the brand's only Admin.

    The Admin rows are locked, so two Admins demoting each other at once cannot both pass.
    """
    admins = set(
        Membership.objects.select_for_update().filter(role=Role.ADMIN).values_list("pk", flat=True)
    )
    if admins == {membership.pk}:
        raise ValidationError(LAST_ADMIN_MESSAGE, code="last_admin")


@transaction.atomic
def change_role(membership: Membership, role: str) -> Membership:
    """Give a member another role; the brand's last Admin cannot be demoted."""
    role = Role(role)
    if role != Role.ADMIN:
        _ensure_not_last_admin(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def remove_member(membership: Membership) -> None:
    """Take a member out of the brand; the brand's last Admin cannot be removed."""
    _ensure_not_last_admin(membership)
    membership.delete()
