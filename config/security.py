"""Request hardening shared by every page: NUL characters refused, Content-Security-Policy set."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string

NUL = "\x00"


def _has_nul(values: Iterable[str]) -> bool:
    return any(NUL in value for value in values)


def _querydict_has_nul(data) -> bool:
    return any(NUL in key or _has_nul(data.getlist(key)) for key in data)


class RejectNulMiddleware:
    """400 for a NUL character in the path, the query string or a cookie.

    No link a person follows holds NUL, and PostgreSQL refuses it in text columns: a lookup such
    as an invitation token `%00` would otherwise end in a server error. Form values are left to
    the forms, which refuse NUL with a message beside the field and keep what was typed.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._carries_nul(request):
            body = render_to_string("400.html", request=request)
            return HttpResponseBadRequest(body)
        return self.get_response(request)

    @staticmethod
    def _carries_nul(request: HttpRequest) -> bool:
        return (
            NUL in request.path_info
            or _querydict_has_nul(request.GET)
            or _has_nul([*request.COOKIES, *request.COOKIES.values()])
        )


def allowed_image_sources(request: HttpRequest) -> list[str]:
    """The https origins of the image hosts the current brand allows (see Brand.image_hosts)."""
    brand = getattr(request, "brand", None)
    hosts = brand.image_hosts() if brand is not None else []
    return [f"https://{host}" for host in hosts]


class ContentSecurityPolicyMiddleware:
    """Sends settings.CONTENT_SECURITY_POLICY, with the brand's allowed image hosts in img-src.

    No directive allows inline script or style: templates load JS and CSS from static files.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if not policy or "Content-Security-Policy" in response:
            return response
        if settings.DEBUG and response.status_code in (404, 500):
            return response  # Django's technical error pages are all inline script and style
        directives = {name: list(values) for name, values in policy.items()}
        directives.setdefault("img-src", []).extend(allowed_image_sources(request))
        response["Content-Security-Policy"] = "; ".join(
            " ".join([name, *values]) for name, values in directives.items()
        )
        return response
