"""Per-request brand resolution and scope, and the user's chosen language."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone, translation

from brands.models import Membership
from brands.scoping import brand_scope, scopes_disabled

BRAND_URL_KWARG = "brand_slug"


class BrandScopeMiddleware:
    """Resolves `/b/<brand_slug>/...` to the user's membership once, and runs the view in its scope.

    Dates are shown in the brand's time zone. A brand the user does not belong to answers 404 (never 403), so another brand's existence is
    not revealed. The response is rendered inside the scope: a TemplateResponse evaluates its
    querysets lazily, after the view has returned.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.brand = None
        request.membership = None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        slug = match.kwargs.get(BRAND_URL_KWARG)
        if slug is None:
            return self.get_response(request)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        with scopes_disabled():
            membership = (
                Membership.objects.select_related("brand", "user")
                .filter(user=request.user, brand__slug=slug)
                .first()
            )
        if membership is None:
            raise Http404("No such brand.")
        request.brand = membership.brand
        request.membership = membership
        if request.session.get("last_brand") != slug:  # else no session write per request
            request.session["last_brand"] = slug
        with brand_scope(membership.brand), timezone.override(membership.brand.time_zone):
            response = self.get_response(request)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response = response.render()
        return response


class UserLanguageMiddleware:
    """Serves each signed-in user in their profile language (after LocaleMiddleware, so it wins)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", None) if user and user.is_authenticated else None
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
