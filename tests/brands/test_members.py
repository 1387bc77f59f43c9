"""Settings → Members: the list, invitations (sent, accepted, expired), roles and removal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from brands import services
from brands.models import Invitation, Membership, Role, User
from brands.scoping import brand_scope, scopes_disabled
from brands.tasks import send_invitation_email
from notifications.models import Notification
from tests.factories import MembershipFactory, UserFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def members_url(brand, name="member_list", **kwargs):
    return reverse(name, kwargs={"brand_slug": brand.slug, **kwargs})


def invite(client, brand, email, role=Role.STAFF, capture=None):
    with capture(execute=True):
        return client.post(members_url(brand, "member_invite"), {"email": email, "role": role})


def accept_path(invitation):
    return reverse("invitation_accept", args=[invitation.token])


def pending(brand, email):
    with scopes_disabled():
        return Invitation.objects.get(brand=brand, email=email)


def make_older(invitation, age):
    with scopes_disabled():
        Invitation.objects.filter(pk=invitation.pk).update(created_at=timezone.now() - age)


def membership(brand, user):
    with scopes_disabled():
        return Membership.objects.filter(brand=brand, user=user).first()


# --- who may see the page --------------------------------------------------------------------


def test_admin_sees_members_and_pending_invitations(admin_client, admin_member, staff_member):
    with brand_scope(admin_member.brand):
        Invitation.objects.create(brand=admin_member.brand, email="new@example.com")

    page = admin_client.get(members_url(admin_member.brand))

    html = page.content.decode()
    assert page.status_code == 200
    for text in [admin_member.user.name, "staff@a.example", "Staff", "new@example.com"]:
        assert text in html
    for label in ["Invite member", "Change role", "Remove", "Resend", "Revoke"]:
        assert label in html


@pytest.mark.parametrize("member", ["staff_member", "viewer_member"])
def test_non_admins_get_403(client, member, request, brand):
    user = request.getfixturevalue(member).user
    target = MembershipFactory(brand=brand, role=Role.VIEWER)
    client.force_login(user)

    for url in [
        members_url(brand),
        members_url(brand, "member_invite"),
        members_url(brand, "member_change_role", pk=target.pk),
        members_url(brand, "member_remove", pk=target.pk),
    ]:
        assert client.get(url).status_code == 403
        assert client.post(url, {"email": "x@example.com", "role": "admin"}).status_code == 403
    assert membership(brand, target.user).role == Role.VIEWER
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_member_of_a_gets_404_for_b(admin_client, other_brand):
    b_member = MembershipFactory(brand=other_brand, role=Role.STAFF)

    assert admin_client.get(members_url(other_brand)).status_code == 404
    response = admin_client.post(
        members_url(other_brand, "member_remove", pk=b_member.pk), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 404
    assert membership(other_brand, b_member.user) is not None


def test_another_brands_member_id_is_404_in_own_brand(admin_client, brand, other_brand):
    b_member = MembershipFactory(brand=other_brand, role=Role.STAFF)

    url = members_url(brand, "member_change_role", pk=b_member.pk)
    assert admin_client.post(url, {"role": Role.VIEWER}).status_code == 404
    assert membership(other_brand, b_member.user).role == Role.STAFF


# --- inviting --------------------------------------------------------------------------------


def test_invite_form_is_a_modal_with_htmx_and_a_page_without(admin_client, brand):
    modal = admin_client.get(members_url(brand, "member_invite"), **HTMX).content.decode()
    page = admin_client.get(members_url(brand, "member_invite")).content.decode()

    assert "<html" not in modal and 'name="email"' in modal
    assert "<html" in page and 'name="email"' in page


def test_invite_emails_an_accept_link_in_the_brands_language(
    admin_client, brand, django_capture_on_commit_callbacks
):
    brand.language = "ja"
    brand.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            members_url(brand, "member_invite"),
            {"email": "New.Person@Example.com", "role": Role.VIEWER},
            **HTMX,
        )

    assert response.status_code == 200
    assert response.headers["HX-Refresh"] == "true"
    invitation = pending(brand, "new.person@example.com")
    assert invitation.role == Role.VIEWER
    assert invitation.emailed_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.com"]
    assert f"{settings.SITE_URL}{accept_path(invitation)}" in message.body
    assert brand.name in message.subject
    assert '<html lang="ja">' in message.alternatives[0][0]


def test_inviting_an_existing_member_is_refused(
    admin_client, brand, staff_member, django_capture_on_commit_callbacks
):
    response = invite(
        admin_client, brand, "STAFF@a.example", capture=django_capture_on_commit_callbacks
    )

    assert response.status_code == 200
    assert "already a member" in response.context["form"].errors["email"][0]
    assert mail.outbox == []


def test_inviting_again_replaces_the_earlier_invitation(
    admin_client, brand, django_capture_on_commit_callbacks
):
    invite(admin_client, brand, "new@example.com", capture=django_capture_on_commit_callbacks)
    first = pending(brand, "new@example.com")
    invite(admin_client, brand, "new@example.com", capture=django_capture_on_commit_callbacks)

    assert pending(brand, "new@example.com").token != first.token
    assert len(mail.outbox) == 2


def test_resend_restarts_validity_and_emails_again(
    admin_client, brand, admin_member, django_capture_on_commit_callbacks
):
    invite(admin_client, brand, "new@example.com", capture=django_capture_on_commit_callbacks)
    invitation = pending(brand, "new@example.com")
    make_older(invitation, timedelta(days=30))

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            members_url(brand, "invitation_resend", pk=invitation.pk), **HTMX
        )

    assert response.headers["HX-Refresh"] == "true"
    assert not pending(brand, "new@example.com").is_expired
    assert len(mail.outbox) == 2
    assert admin_client.get(members_url(brand, "invitation_resend", pk=1)).status_code == 405


def test_revoked_invitation_link_stops_working(
    admin_client, client, brand, django_capture_on_commit_callbacks
):
    invite(admin_client, brand, "new@example.com", capture=django_capture_on_commit_callbacks)
    invitation = pending(brand, "new@example.com")

    response = admin_client.post(members_url(brand, "invitation_revoke", pk=invitation.pk))

    assert response.url == members_url(brand)
    admin_client.logout()
    assert admin_client.get(accept_path(invitation)).status_code == 404


def test_invitation_email_is_sent_once_even_if_the_task_runs_twice(brand, admin_member):
    with brand_scope(brand):
        invitation = Invitation.objects.create(brand=brand, email="new@example.com")

    assert send_invitation_email(brand.pk, invitation.pk) is True
    assert send_invitation_email(brand.pk, invitation.pk) is False
    assert len(mail.outbox) == 1


def test_failed_send_is_retried_later(brand, monkeypatch):
    with brand_scope(brand):
        invitation = Invitation.objects.create(brand=brand, email="new@example.com")

    def smtp_down(self, fail_silently=False):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("brands.tasks.EmailMultiAlternatives.send", smtp_down)
    with pytest.raises(ConnectionRefusedError):
        send_invitation_email(brand.pk, invitation.pk)
    assert pending(brand, "new@example.com").emailed_at is None  # the claim was given back
    monkeypatch.undo()

    assert send_invitation_email(brand.pk, invitation.pk) is True
    assert len(mail.outbox) == 1


# --- accepting -------------------------------------------------------------------------------


@pytest.fixture
def invitation(brand, admin_member):
    with brand_scope(brand):
        return services.invite_member(
            brand=brand, email="new@example.com", role=Role.STAFF, invited_by=admin_member.user
        )


def test_new_person_signs_up_from_the_link(client, brand, invitation):
    page = client.get(accept_path(invitation))
    assert page.status_code == 200
    assert "new@example.com" in page.content.decode()
    assert brand.name in page.content.decode()

    response = client.post(
        accept_path(invitation),
        {"name": "New Person", "password1": "Long-passphrase-1", "password2": "Long-passphrase-1"},
        HTTP_ACCEPT_LANGUAGE="ja",
    )

    assert response.url == reverse("dashboard", args=[brand.slug])
    user = User.objects.get(email="new@example.com")
    assert (user.name, user.language) == ("New Person", "ja")
    assert user.check_password("Long-passphrase-1")
    assert client.session[SESSION_KEY] == str(user.pk)
    assert membership(brand, user).role == Role.STAFF
    assert pending(brand, "new@example.com").accepted_at is not None


def test_sign_up_with_mismatched_passwords_creates_nothing(client, invitation):
    response = client.post(
        accept_path(invitation),
        {"name": "New Person", "password1": "Long-passphrase-1", "password2": "other-pass-2"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not User.objects.filter(email="new@example.com").exists()


def test_existing_account_logs_in_first_then_accepts(client, brand, invitation):
    user = UserFactory(email="new@example.com")

    prompt = client.get(accept_path(invitation))
    assert "Log in to accept" in prompt.content.decode()
    login_url = prompt.context["login_url"]
    assert login_url.startswith(reverse("login"))

    logged_in = client.post(
        login_url, {"username": "new@example.com", "password": "password"}, follow=True
    )
    assert logged_in.redirect_chain[-1][0] == accept_path(invitation)
    response = client.post(accept_path(invitation))

    assert response.url == reverse("dashboard", args=[brand.slug])
    assert membership(brand, user).role == Role.STAFF


def test_logged_in_with_another_email_cannot_accept(client, brand, other_brand, invitation):
    someone_else = MembershipFactory(brand=other_brand).user
    client.force_login(someone_else)

    for response in [client.get(accept_path(invitation)), client.post(accept_path(invitation))]:
        assert response.status_code == 403
        assert "sent to another email address" in response.content.decode()
    assert membership(brand, someone_else) is None
    assert pending(brand, "new@example.com").accepted_at is None


def test_service_refuses_an_account_with_another_email(brand, invitation):
    stranger = UserFactory(email="stranger@example.com")

    with brand_scope(brand), pytest.raises(ValidationError, match="different email"):
        services.accept_invitation(invitation, stranger)
    assert membership(brand, stranger) is None
    assert pending(brand, "new@example.com").accepted_at is None


def test_expired_invitation_is_rejected(client, brand, invitation):
    make_older(invitation, timedelta(days=settings.INVITATION_MAX_AGE_DAYS, seconds=1))

    page = client.get(accept_path(invitation))
    response = client.post(
        accept_path(invitation),
        {"name": "Late", "password1": "Long-passphrase-1", "password2": "Long-passphrase-1"},
    )

    assert page.status_code == response.status_code == 410
    assert "This invitation has expired" in page.content.decode()
    assert not User.objects.filter(email="new@example.com").exists()


def test_used_invitation_is_rejected(client, brand, invitation):
    user = UserFactory(email="new@example.com")
    client.force_login(user)
    client.post(accept_path(invitation))

    again = client.get(accept_path(invitation))

    assert again.status_code == 410
    assert "already been used" in again.content.decode()


def test_unknown_token_is_404(client, db):
    response = client.get(reverse("invitation_accept", args=["not-a-token"]))

    assert response.status_code == 404
    assert "not valid" in response.content.decode()


# --- roles and removal -----------------------------------------------------------------------


def test_change_role(admin_client, brand, staff_member):
    url = members_url(brand, "member_change_role", pk=staff_member.pk)
    assert 'name="role"' in admin_client.get(url, **HTMX).content.decode()

    response = admin_client.post(url, {"role": Role.VIEWER}, **HTMX)

    assert response.headers["HX-Refresh"] == "true"
    assert membership(brand, staff_member.user).role == Role.VIEWER


def test_remove_member_after_confirming(admin_client, brand, staff_member):
    url = members_url(brand, "member_remove", pk=staff_member.pk)
    confirm = admin_client.get(url, **HTMX).content.decode()
    assert "staff@a.example" in confirm and "Remove" in confirm
    assert membership(brand, staff_member.user) is not None

    response = admin_client.post(url)

    assert response.url == members_url(brand)
    assert membership(brand, staff_member.user) is None


def test_last_admin_cannot_be_demoted_or_removed(brand, admin_member, staff_member):
    with brand_scope(brand):
        with pytest.raises(ValidationError, match="at least one Admin"):
            services.change_role(admin_member, Role.STAFF)
        with pytest.raises(ValidationError, match="at least one Admin"):
            services.remove_member(admin_member)
        assert Membership.objects.get(pk=admin_member.pk).role == Role.ADMIN


def test_last_admin_protection_is_shown_in_the_page(admin_client, brand, admin_member):
    demote = admin_client.post(
        members_url(brand, "member_change_role", pk=admin_member.pk), {"role": Role.VIEWER}, **HTMX
    )
    remove = admin_client.post(members_url(brand, "member_remove", pk=admin_member.pk), **HTMX)

    for response in [demote, remove]:
        assert response.status_code == 200
        assert "at least one Admin" in response.content.decode()
    assert membership(brand, admin_member.user).role == Role.ADMIN


def test_an_admin_may_step_down_when_another_admin_remains(admin_client, brand, admin_member):
    MembershipFactory(brand=brand, role=Role.ADMIN)

    response = admin_client.post(
        members_url(brand, "member_change_role", pk=admin_member.pk), {"role": Role.STAFF}, **HTMX
    )

    assert response.headers["HX-Redirect"] == reverse("home")  # the members page is now 403
    assert membership(brand, admin_member.user).role == Role.STAFF


def test_the_brands_admins_are_told_who_joined(
    client, brand, admin_member, invitation, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            accept_path(invitation),
            {"name": "New Person", "password1": "Long-pass-1x", "password2": "Long-pass-1x"},
        )

    with scopes_disabled():
        joined = Notification.objects.get(event="member_joined")
    assert joined.recipient == admin_member.user
    assert "New Person" in joined.subject
    assert joined.url == reverse("member_list", args=[brand.slug])
    assert [m.to for m in mail.outbox] == [[admin_member.user.email]]
