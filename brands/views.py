from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

from brands import services
from brands.forms import (
    BrandImageHostsForm,
    ChangeRoleForm,
    InviteMemberForm,
    ProfileForm,
    SignUpForm,
)
from brands.models import Brand, Invitation, Membership, Role, User
from brands.permissions import role_required
from brands.scoping import brand_scope, scopes_disabled
from brands.selectors import admin_count, brand_members, pending_invitations


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send the user to their last brand, or let them pick one."""
    brands = list(Brand.objects.filter(membership__user=request.user).order_by("name"))
    last = request.session.get("last_brand")
    chosen = next((b for b in brands if b.slug == last), None)
    if chosen is None and len(brands) == 1:
        chosen = brands[0]
    if chosen is not None:
        return redirect("dashboard", brand_slug=chosen.slug)
    return render(request, "brands/choose_brand.html", {"brands": brands})


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links: answer rather than log a 404."""
    return redirect(static("favicon.svg"), permanent=True)


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    """Keep the chosen language after logging out (the log-in page has no user to ask)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def _keep_last_brand(request: HttpRequest) -> None:
    """Pages outside a brand (the profile) keep the navigation of the brand the user came from."""
    slug = request.session.get("last_brand")
    if not slug or request.brand is not None:
        return
    with scopes_disabled():
        membership = (
            Membership.objects.select_related("brand")
            .filter(user=request.user, brand__slug=slug)
            .first()
        )
    if membership is not None:
        request.brand, request.membership = membership.brand, membership


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """Name and language; the language applies from the next page on."""
    _keep_last_brand(request)
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        with translation.override(user.language):
            messages.success(request, _("Your profile has been saved."))
        response = redirect("profile")
        _set_language_cookie(response, user.language)
        return response
    return render(request, "brands/profile.html", {"form": form})


@role_required(Role.ADMIN)
def brand_settings(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """Settings → Brand: which image hosts the delivery-note pages may load from."""
    form = BrandImageHostsForm(request.POST or None, instance=request.brand)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The brand settings have been saved."))
        return redirect("brand_settings", brand_slug=brand_slug)
    return TemplateResponse(request, "brands/brand_settings.html", {"form": form})


# Members (Settings → Members): Admins only.


def _form_view(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """A form as the htmx modal's content, or as a page of its own when htmx is not there."""
    if request.htmx:
        return render(request, template, context)
    return render(request, "brands/members/form_page.html", {**context, "form_template": template})


def _done(
    request: HttpRequest,
    message: str,
    *,
    level: int = messages.SUCCESS,
    next_url: str | None = None,
) -> HttpResponse:
    """Report the outcome and show the updated members page (or `next_url`)."""
    messages.add_message(request, level, message)
    if request.htmx:
        return HttpResponseClientRedirect(next_url) if next_url else HttpResponseClientRefresh()
    return redirect(next_url or reverse("member_list", args=[request.brand.slug]))


@role_required(Role.ADMIN)
def member_list(request: HttpRequest, brand_slug: str) -> HttpResponse:
    context = {
        "members": brand_members(),
        "invitations": pending_invitations(),
        "admin_count": admin_count(),
    }
    return TemplateResponse(request, "brands/members/list.html", context)


@role_required(Role.ADMIN)
def member_invite(request: HttpRequest, brand_slug: str) -> HttpResponse:
    form = InviteMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite_member(
                brand=request.brand, invited_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            message = _("Invitation sent to %(email)s.") % {"email": invitation.email}
            return _done(request, message)
    context = {"form": form, "days": settings.INVITATION_MAX_AGE_DAYS}
    return _form_view(request, "brands/members/invite_form.html", context)


@role_required(Role.ADMIN)
def member_change_role(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk)
    form = ChangeRoleForm(request.POST or None, initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.change_role(membership, form.cleaned_data["role"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            message = _("%(name)s is now %(role)s.") % {
                "name": membership.user.get_full_name(),
                "role": membership.get_role_display(),
            }
            demoted_self = membership.user == request.user and not membership.is_admin
            return _done(request, message, next_url=reverse("home") if demoted_self else None)
    context = {"form": form, "member": membership}
    return _form_view(request, "brands/members/change_role_form.html", context)


@role_required(Role.ADMIN)
def member_remove(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk)
    error = None
    if request.method == "POST":
        try:
            services.remove_member(membership)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            message = _("%(name)s has been removed from %(brand)s.") % {
                "name": membership.user.get_full_name(),
                "brand": request.brand.name,
            }
            removed_self = membership.user == request.user
            return _done(request, message, next_url=reverse("home") if removed_self else None)
    context = {"member": membership, "error": error}
    return _form_view(request, "brands/members/remove_confirm.html", context)


def _invitation_action(
    request: HttpRequest, pk: int, action: Callable[[Invitation], object], success: str
) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=pk, accepted_at=None)
    try:
        action(invitation)
    except ValidationError as error:
        return _done(request, error.messages[0], level=messages.ERROR)
    return _done(request, success % {"email": invitation.email})


@require_POST
@role_required(Role.ADMIN)
def invitation_resend(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    return _invitation_action(
        request, pk, services.resend_invitation, _("Invitation sent again to %(email)s.")
    )


@require_POST
@role_required(Role.ADMIN)
def invitation_revoke(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    return _invitation_action(
        request, pk, services.revoke_invitation, _("Invitation for %(email)s revoked.")
    )


# Accepting an invitation: no brand in the URL, the token says which brand.


def _invitation_problem(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "brands/invitation_problem.html", {"message": message}, status=status)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Join a brand from an emailed link: accept, sign up, or log in first."""
    with scopes_disabled():  # the token, not the URL, names the brand
        invitation = Invitation.objects.select_related("brand").filter(token=token).first()
    if invitation is None:
        message = _("This invitation link is not valid. Check that you copied the whole link.")
        return _invitation_problem(request, message, status=404)
    with brand_scope(invitation.brand):
        try:
            services.check_invitation_usable(invitation)
        except ValidationError as error:
            return _invitation_problem(request, error.messages[0], status=410)
        if request.user.is_authenticated:
            return _accept_as_user(request, invitation)
        if User.objects.filter(email__iexact=invitation.email).exists():
            login_url = f"{reverse('login')}?{urlencode({'next': request.path})}"
            context = {"invitation": invitation, "login_url": login_url}
            return render(request, "brands/invitation_login.html", context)
        return _sign_up(request, invitation)


def _accept_as_user(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    if not services.email_matches(invitation, request.user):
        message = _(
            "This invitation was sent to another email address than the one you are logged in "
            "with (%(email)s). Log out, then open the link again."
        ) % {"email": request.user.email}
        return _invitation_problem(request, message, status=403)
    if request.method == "POST":
        try:
            services.accept_invitation(invitation, request.user)
        except ValidationError as error:
            return _invitation_problem(request, error.messages[0], status=410)
        return _welcome(request, invitation)
    return render(request, "brands/invitation_accept.html", {"invitation": invitation})


def _sign_up(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    form = SignUpForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_up_with_invitation(
                invitation,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password1"],
                language=request.LANGUAGE_CODE,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return _welcome(request, invitation)
    return render(
        request, "brands/invitation_signup.html", {"invitation": invitation, "form": form}
    )


def _welcome(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    messages.success(request, _("Welcome to %(brand)s.") % {"brand": invitation.brand.name})
    return redirect("dashboard", brand_slug=invitation.brand.slug)
