"""A short, renewed lease on one row: at most one worker does a job, and a dead worker's lease
lapses within minutes.

Used by every background job that must not run twice at once: a brand's shipment sync
(`Integration.sync_locked_until`), a background CSV import (`ImportJob.locked_until`) and a
Ship&co CSV export (`CsvExport.lease_until`).

A lease is an expiry time in a nullable DateTimeField, taken with one conditional UPDATE (works
on SQLite and PostgreSQL, holds no transaction open while the job talks to a platform or parses a
file). The claim may carry the job's own conditions and changes in the same UPDATE (a job is
only claimed while it is waiting or running, and is marked running as it is claimed), so no
second query can slip in between. The holder renews it as it works (`beat()`, cheap to call
often: it writes at most every `heartbeat`, and may save progress in the same UPDATE) and proves
it still holds the lease by the exact expiry it last wrote. A worker killed mid-job simply stops
beating; after `duration` another worker may take over, and the stalled one finds out at its next
beat (`LeaseLost`) or when it tries to finish: `release(**fields)` writes the final state only
if this holder still has the lease, so a job taken over is never finished twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from brands.scoping import scopes_disabled

logger = logging.getLogger(__name__)

__all__ = ["LeaseLost", "RowLease"]


class LeaseLost(Exception):
    """Another worker took the lease over (this one stalled past its expiry): stop working."""


class RowLease:
    """The lease on row `pk`, kept in the DateTimeField `field`.

    `rows` is a model (its base manager, across brands: infrastructure such as the sync's
    Integration row) or a queryset (e.g. `ImportJob.objects.all()` inside a brand's scope, so a
    job of another brand is never claimed).
    """

    def __init__(
        self,
        rows: type[models.Model] | models.QuerySet,
        pk: int,
        *,
        field: str,
        duration: timedelta,
        heartbeat: timedelta,
        clock: Callable[[], datetime] = timezone.now,
    ) -> None:
        if isinstance(rows, models.QuerySet):
            self.model, self._queryset = rows.model, rows
        else:
            self.model, self._queryset = rows, None
        self.pk = pk
        self.field = field
        self.duration = duration
        self.heartbeat = heartbeat
        self.clock = clock
        self.held: datetime | None = None  # the expiry this holder last wrote
        self._renewed_at: datetime | None = None
        self._given_back: datetime | None = None  # the expiry the last release() cleared

    def _rows(self) -> models.QuerySet:
        if self._queryset is not None:
            return self._queryset.filter(pk=self.pk)
        return self.model._base_manager.filter(pk=self.pk)

    def _unscoped(self):
        """A model lease looks across brands; a queryset lease keeps the scope it was made in."""
        return scopes_disabled() if self._queryset is None else nullcontext()

    def _mine(self) -> models.QuerySet:
        return self._rows().filter(**{self.field: self.held})

    def acquire(self, *conditions: Q, **fields: Any) -> bool:
        """Take the lease unless a live one is held; True when this holder now has it.

        `conditions` narrow the claim (e.g. `Q(status__in=[PENDING, RUNNING])`) and `fields` are
        written by the same UPDATE (e.g. `status=RUNNING, attempts=F("attempts") + 1`).
        """
        now = self.clock()
        until = now + self.duration
        free = Q(**{f"{self.field}__isnull": True}) | Q(**{f"{self.field}__lt": now})
        with self._unscoped():
            taken = self._rows().filter(free, *conditions).update(**fields, **{self.field: until})
        if taken != 1:
            return False
        self.held, self._renewed_at, self._given_back = until, now, None
        return True

    def beat(self, **fields: Any) -> bool:
        """Renew when a heartbeat is due, writing `fields` (progress) in the same UPDATE.

        True when it wrote; False when no heartbeat was due yet (`fields` are then not saved:
        pass only what may be skipped, such as progress). LeaseLost when another worker has
        taken over.
        """
        if self.held is None:
            raise LeaseLost("the lease is not held")
        now = self.clock()
        if self._renewed_at is not None and now - self._renewed_at < self.heartbeat:
            return False
        until = now + self.duration
        with self._unscoped():
            renewed = self._mine().update(**fields, **{self.field: until})
        if not renewed:
            self._lost()
        self.held, self._renewed_at = until, now
        return True

    def lock(self) -> None:
        """Inside a transaction: lock the row while this holder still has it (LeaseLost if not).

        Until the transaction ends, no other worker can take the lease over (PostgreSQL; SQLite's
        immediate transactions already hold the write lock), so the job can finish in peace.
        """
        if self.held is None:
            raise LeaseLost("the lease is not held")
        with self._unscoped():
            mine = list(self._mine().select_for_update().values_list("pk", flat=True))
        if not mine:
            self._lost()

    def release(self, **fields: Any) -> bool:
        """Give the lease back, writing `fields` (a job's final state) in the same UPDATE.

        Only the holder can: False, and nothing written, when the lease was lost or never held
        (inside a transaction, raise then to roll back what the job wrote). When the transaction
        of a release rolls back, the row is still ours: calling `release()` again gives it back
        (e.g. to hand a job back for a retry after its final commit failed).
        """
        proof = self.held or self._given_back
        if proof is None:
            return False
        with self._unscoped():
            released = (
                self._rows().filter(**{self.field: proof}).update(**fields, **{self.field: None})
            )
        if not released and self.held is not None:
            logger.warning("lease on %s %s was taken over", self.model.__name__, self.pk)
        self.held, self._given_back = None, proof if released else None
        return bool(released)

    def _lost(self) -> None:
        self.held = None
        logger.warning("lease on %s %s was taken over", self.model.__name__, self.pk)
        raise LeaseLost("the lease was taken over")


@dataclass
class LeasedWork:
    """What `leased_work` saw: `lost` when another worker took the job over."""

    lost: bool = False


@contextmanager
def leased_work(
    lease: RowLease,
    job: str,
    *,
    fail: Callable[[], object],
    retryable: tuple[type[Exception], ...] = (),
    give_back: Mapping[str, Any] | None = None,
) -> Iterator[LeasedWork]:
    """The end of every claimed job, whatever stops it: taken over (`LeaseLost`: logged, the
    other worker finishes it), an error in `retryable` (the job is given back with `give_back`
    and the error re-raised for the task's retry), or any other error (logged with its traceback,
    then `fail()` marks the job failed for its page, rather than leaving it waiting for nobody).
    `job` names it in the log ("document job 7")."""
    work = LeasedWork()
    try:
        yield work
    except LeaseLost:
        logger.warning("%s was taken over by another worker", job)
        work.lost = True
    except retryable:
        lease.release(**(give_back or {}))
        raise
    except Exception:
        logger.exception("%s failed", job)
        fail()
