"""The one tenant-scoping mechanism: every brand-owned model inherits BrandOwned.

Its default manager is a django-scopes ScopedManager, so any query on it outside an active
`scope(brand=...)` raises ScopeError instead of silently returning every brand's rows. Requests get
their scope from `brands.middleware.BrandScopeMiddleware`; Celery tasks and commands open one with
`brand_scope(brand)`; code that must look across brands says so with `scopes_disabled()`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import models
from django_scopes import scope, scopes_disabled
from django_scopes.manager import ScopedManager

__all__ = ["BrandOwned", "brand_scope", "scopes_disabled"]


class BrandOwned(models.Model):
    brand = models.ForeignKey(
        "brands.Brand",
        on_delete=models.CASCADE,
        related_name="%(app_label)s_%(class)s_set",
        related_query_name="%(class)s",
    )

    objects = ScopedManager(brand="brand")

    class Meta:
        abstract = True


@contextmanager
def brand_scope(brand) -> Iterator[None]:
    """Activate the scope of one brand (never None: django-scopes would then filter nothing)."""
    if brand is None:
        raise ValueError("brand_scope() needs a brand.")
    with scope(brand=brand):
        yield
