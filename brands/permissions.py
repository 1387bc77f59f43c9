"""Role checks inside the current brand (the brand itself is resolved by the middleware)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from brands.models import Role


def role_required(role: str = Role.VIEWER) -> Callable:
    """Allow a brand view only to members with at least `role`; 403 for lesser roles."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            membership = getattr(request, "membership", None)
            if membership is None or not membership.has_role(role):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_role = role
        return wrapped

    return decorator


class RoleRequiredMixin:
    """Class-based counterpart of `role_required`."""

    required_role: str = Role.VIEWER

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        membership = getattr(request, "membership", None)
        if membership is None or not membership.has_role(self.required_role):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
