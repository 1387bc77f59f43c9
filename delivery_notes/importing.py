"""Importing CSV files: all-or-nothing, inline for small files, in the background for large ones.

Every row is validated before anything is written; the write is one transaction. A background
import is a job row (`ImportJobBase`): the task claims it with a lease (`brands.leases`: a
conditional UPDATE, so two workers never run it twice), reports progress with the lease's
heartbeat while validating, and marks it done — only while it still holds the lease — in the same
transaction that writes the rows, so a retried, duplicated or taken-over task can never import a
file twice.

The machinery is shared by every kind of import (an `ImportSpec`): delivery notes here
(`NOTES`, more than settings.DELIVERY_NOTE_IMPORT_ASYNC_ROWS rows go to the background), products
and customers in `delivery_notes.catalogue.importing`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from brands.leases import LeaseLost, RowLease, leased_work
from brands.models import Brand, User
from delivery_notes import csv_import
from delivery_notes.csv_import import ImportFileError, RowError
from delivery_notes.models import ImportJob, ImportJobBase
from delivery_notes.services import create_notes

logger = logging.getLogger(__name__)

#: A worker that stops beating for this long is presumed dead; another may take the job over.
LEASE = timedelta(minutes=5)
#: Progress (and the lease) is saved at most this often; the job's page polls every second.
HEARTBEAT = timedelta(seconds=1)
PROGRESS_EVERY = 50
NOT_COMPLETED = gettext_lazy("The import could not be completed. Nothing was imported.")

__all__ = [
    "NOTES",
    "ImportFileError",
    "ImportOutcome",
    "ImportSpec",
    "process_job",
    "run_job",
    "start",
    "start_import",
]


class Parsed(Protocol):
    errors: list[RowError]


@dataclass(frozen=True)
class ImportSpec:
    """One kind of import: its job rows, how a file is checked and written, when to queue.

    `write(brand, parsed, actor=, filename=)` returns the counts to store on the job (e.g.
    {"created_notes": 3}); `enqueue(brand_id, job_id)` sends the task (after commit).
    """

    jobs: Callable[[], models.QuerySet]
    parse: Callable[..., Parsed]
    write: Callable[..., dict[str, int]]
    conflict: Callable[[], RowError]
    async_rows: Callable[[], int]
    enqueue: Callable[[int, int], Any]
    job_fields: Callable[[], dict[str, Any]] = dict


@dataclass
class ImportOutcome:
    """What happened to an upload: rows written now (`counts`), errors, or a background job."""

    counts: dict[str, int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    job: ImportJobBase | None = None

    @property
    def created(self) -> int:
        return self.counts.get("created_notes", 0)


def start(spec: ImportSpec, brand: Brand, data: bytes, *, filename: str, actor: User):
    """Import an uploaded file now, or queue it when it is large. Raises ImportFileError."""
    text = csv_import.decode(data)
    rows = csv_import.count_rows(text)
    if rows > spec.async_rows():
        job = spec.jobs().model.objects.create(
            brand=brand,
            created_by=actor,
            filename=filename,
            content=text,
            total_rows=rows,
            **spec.job_fields(),
        )
        transaction.on_commit(lambda: spec.enqueue(brand.pk, job.pk))
        return ImportOutcome(job=job)
    parsed = spec.parse(text)
    if parsed.errors:
        return ImportOutcome(errors=parsed.errors)
    try:
        with transaction.atomic():
            counts = spec.write(brand, parsed, actor=actor, filename=filename)
    except IntegrityError:
        return ImportOutcome(errors=[spec.conflict()])
    return ImportOutcome(counts=counts)


def _lease(spec: ImportSpec, job_id: int) -> RowLease:
    """The job's lease, among this brand's jobs only (call inside the brand's scope)."""
    return RowLease(spec.jobs(), job_id, field="locked_until", duration=LEASE, heartbeat=HEARTBEAT)


def _finish(lease: RowLease, status: str, **fields) -> bool:
    """Close a job this worker still holds; False when another worker took it over."""
    return lease.release(status=status, finished_at=timezone.now(), content="", **fields)


def _fail(lease: RowLease, message: str, **fields) -> bool:
    return _finish(
        lease, ImportJobBase.Status.FAILED, errors=[RowError(0, "", message).as_dict()], **fields
    )


def run_job(spec: ImportSpec, job_id: int, *, retryable: tuple[type[Exception], ...] = ()) -> None:
    """Run a queued import inside the brand's scope; a no-op when it is done or held elsewhere.

    An error in `retryable` (a transient database error) gives the job back and is re-raised for
    the task's retry; any other error fails the job, which wrote nothing, rather than leaving its
    page waiting for a job nobody runs any more.
    """
    lease = _lease(spec, job_id)
    claimable = Q(status__in=[ImportJobBase.Status.PENDING, ImportJobBase.Status.RUNNING])
    if not lease.acquire(claimable, status=ImportJobBase.Status.RUNNING, processed_rows=0):
        return
    # Given back still Running, but free: the task's retry claims it again.
    with leased_work(
        lease,
        f"import job {job_id}",
        retryable=retryable,
        fail=lambda: _fail(lease, str(NOT_COMPLETED)),
    ):
        _run_claimed(spec, job_id, lease)


def _run_claimed(spec: ImportSpec, job_id: int, lease: RowLease) -> None:
    job = spec.jobs().select_related("brand", "created_by").get(pk=job_id)
    done = 0

    def progress(rows: int) -> None:
        nonlocal done
        done = rows
        lease.beat(processed_rows=rows)  # at most every HEARTBEAT; the last count is kept below

    try:
        parsed = spec.parse(job.content, on_progress=progress, progress_every=PROGRESS_EVERY)
    except ImportFileError as exc:
        _fail(lease, str(exc), processed_rows=done)
        return
    if parsed.errors:
        _finish(
            lease,
            ImportJobBase.Status.FAILED,
            processed_rows=done,
            errors=[e.as_dict() for e in parsed.errors],
        )
        return
    try:
        with transaction.atomic():
            lease.lock()
            counts = spec.write(job.brand, parsed, actor=job.created_by, filename=job.filename)
            finished = _finish(lease, ImportJobBase.Status.DONE, processed_rows=done, **counts)
            if not finished:
                raise LeaseLost("the import was taken over")  # roll the rows back
    except IntegrityError:
        _finish(
            lease,
            ImportJobBase.Status.FAILED,
            processed_rows=done,
            errors=[spec.conflict().as_dict()],
        )
    else:
        logger.info("import job %s wrote %s", job_id, counts)


# --- delivery notes --------------------------------------------------------------------------


def _note_conflict() -> RowError:
    return RowError(
        0,
        "number",
        _(
            "Another delivery note with one of these numbers was saved meanwhile. "
            "Upload the file again to see which."
        ),
    )


def _write_notes(
    brand: Brand, parsed: csv_import.ParseResult, *, actor: User | None, filename: str
) -> dict[str, int]:
    created = create_notes(
        brand,
        [(draft.values, draft.lines) for draft in parsed.drafts],
        actor=actor,
        import_file=filename,
    )
    return {"created_notes": created, "filled_lines": parsed.filled_lines}


def _enqueue_notes(brand_id: int, job_id: int) -> None:
    from delivery_notes.tasks import run_import_job

    run_import_job.delay(brand_id, job_id)


NOTES = ImportSpec(
    jobs=lambda: ImportJob.objects.all(),
    parse=csv_import.parse,
    write=_write_notes,
    conflict=_note_conflict,
    async_rows=lambda: settings.DELIVERY_NOTE_IMPORT_ASYNC_ROWS,
    enqueue=_enqueue_notes,
)


def start_import(brand: Brand, data: bytes, *, filename: str, actor: User) -> ImportOutcome:
    """Import an uploaded delivery-note file now, or queue it. Raises ImportFileError."""
    return start(NOTES, brand, data, filename=filename, actor=actor)


def process_job(job_id: int, *, retryable: tuple[type[Exception], ...] = ()) -> None:
    """Run a queued delivery-note import (see `run_job`)."""
    run_job(NOTES, job_id, retryable=retryable)
