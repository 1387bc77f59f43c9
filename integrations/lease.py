"""A short, renewed lease on one row: at most one worker does a job, and a dead worker's lease
lapses within minutes.

A lease is an expiry time in a nullable DateTimeField, taken with one conditional UPDATE (works
on SQLite and PostgreSQL, holds no transaction open while the job talks to a platform). The
holder renews it as it works (`beat()`, cheap to call often: it writes at most every `heartbeat`)
and proves it still holds the lease by the exact expiry it last wrote. A worker killed mid-job
simply stops beating; after `duration` another worker may take over.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone

from brands.scoping import scopes_disabled

logger = logging.getLogger(__name__)


class LeaseLost(Exception):
    """Another worker took the lease over (this one stalled past its expiry): stop working."""


class RowLease:
    def __init__(
        self,
        model: type[models.Model],
        pk: int,
        *,
        field: str,
        duration: timedelta,
        heartbeat: timedelta,
        clock: Callable[[], datetime] = timezone.now,
    ) -> None:
        self.model = model
        self.pk = pk
        self.field = field
        self.duration = duration
        self.heartbeat = heartbeat
        self.clock = clock
        self.held: datetime | None = None  # the expiry this holder last wrote
        self._renewed_at: datetime | None = None

    def _rows(self) -> models.QuerySet:
        return self.model._base_manager.filter(pk=self.pk)

    def acquire(self) -> bool:
        """Take the lease unless a live one is held; True when this holder now has it."""
        now = self.clock()
        until = now + self.duration
        free = Q(**{f"{self.field}__isnull": True}) | Q(**{f"{self.field}__lt": now})
        with scopes_disabled():
            taken = self._rows().filter(free).update(**{self.field: until})
        if taken != 1:
            return False
        self.held, self._renewed_at = until, now
        return True

    def beat(self) -> None:
        """Renew when a heartbeat is due; LeaseLost when another worker has taken over."""
        if self.held is None:
            raise LeaseLost("the lease is not held")
        now = self.clock()
        if self._renewed_at is not None and now - self._renewed_at < self.heartbeat:
            return
        until = now + self.duration
        with scopes_disabled():
            renewed = self._rows().filter(**{self.field: self.held}).update(**{self.field: until})
        if not renewed:
            self.held = None
            logger.warning("lease on %s %s was taken over", self.model.__name__, self.pk)
            raise LeaseLost("the lease was taken over")
        self.held, self._renewed_at = until, now

    def release(self) -> None:
        """Give the lease back (a no-op when it was lost)."""
        if self.held is None:
            return
        with scopes_disabled():
            self._rows().filter(**{self.field: self.held}).update(**{self.field: None})
        self.held = None
