"""The member's notification list, and the development outbox for brand admins."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from brands.models import Role
from brands.permissions import role_required
from notifications.outbox import find_message, read_outbox
from notifications.selectors import notifications_for
from notifications.services import mark_all_read, mark_read

PAGE_SIZE = 30


@require_GET
@role_required(Role.VIEWER)
def notification_list(request: HttpRequest, brand_slug: str) -> HttpResponse:
    page = Paginator(notifications_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "notifications/notification_list.html",
        {"page": page, "notifications": page.object_list, "show_outbox": settings.DEBUG},
    )


@require_POST
@role_required(Role.VIEWER)
def notification_open(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    """Mark one of the user's notifications read and follow its link (same site only)."""
    notification = get_object_or_404(notifications_for(request.user), pk=pk)
    mark_read(notification)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notification_list", brand_slug=brand_slug)


@require_POST
@role_required(Role.VIEWER)
def notification_read_all(request: HttpRequest, brand_slug: str) -> HttpResponse:
    count = mark_all_read(request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d notification marked as read.",
                "%(count)d notifications marked as read.",
                count,
            )
            % {"count": count},
        )
    return redirect("notification_list", brand_slug=brand_slug)


def debug_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The outbox exists only in development: 404 when DEBUG is off."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not settings.DEBUG:
            raise Http404("The outbox is only available when DEBUG is on.")
        return view(request, *args, **kwargs)

    return wrapped


@debug_only
@require_GET
@role_required(Role.ADMIN)
def outbox(request: HttpRequest, brand_slug: str) -> HttpResponse:
    emails = read_outbox(settings.EMAIL_FILE_PATH, request.brand.slug)
    return TemplateResponse(
        request,
        "notifications/outbox_list.html",
        {"emails": emails, "mail_dir": settings.EMAIL_FILE_PATH},
    )


@debug_only
@require_GET
@role_required(Role.ADMIN)
def outbox_message(request: HttpRequest, brand_slug: str, key: str) -> HttpResponse:
    email = find_message(settings.EMAIL_FILE_PATH, request.brand.slug, key)
    if email is None:
        raise Http404("No such email for this brand.")
    template = (
        "notifications/outbox_message_modal.html"
        if request.htmx
        else "notifications/outbox_message.html"
    )
    return TemplateResponse(request, template, {"email": email})
