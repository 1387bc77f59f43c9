"""The one tenant-scoping mechanism: every brand-owned model inherits BrandOwned.

Its default manager is a django-scopes ScopedManager, so any query on it outside an active
`scope(brand=...)` raises ScopeError instead of silently returning every brand's rows. Requests get
their scope from `brands.middleware.BrandScopeMiddleware`; Celery tasks and commands open one with
`brand_task_scope(brand)` (or `brand_scope(brand)` when they write no text for people); code that
must look across brands says so with `scopes_disabled()`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled
from django_scopes.manager import ScopedManager

if TYPE_CHECKING:
    from brands.models import Brand

__all__ = ["BrandOwned", "brand_scope", "brand_task_scope", "scopes_disabled"]


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
def brand_scope(brand: Brand) -> Iterator[None]:
    """Activate the scope of one brand (never None: django-scopes would then filter nothing)."""
    if brand is None:
        raise ValueError("brand_scope() needs a brand.")
    with scope(brand=brand):
        yield


@contextmanager
def brand_task_scope(brand: Brand) -> Iterator[None]:
    """Background work for one brand: its scope, and its language and time zone.

    Texts a task stores for people to read later (run logs, import errors, export warnings) are
    then written in the brand's language, as a request would in the user's.
    """
    with (
        brand_scope(brand),
        translation.override(brand.language),
        timezone.override(brand.time_zone),
    ):
        yield
