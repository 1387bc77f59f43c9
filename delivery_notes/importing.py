"""Importing delivery notes from CSV: all-or-nothing, inline for small files, in the background
for large ones (more than settings.DELIVERY_NOTE_IMPORT_ASYNC_ROWS rows).

Every row is validated before anything is written; the write is one transaction. A background
import is an ImportJob: the task claims it with a lease (`brands.leases`: a conditional UPDATE, so
two workers never run it twice), reports progress with the lease's heartbeat while validating,
and marks it done — only while it still holds the lease — in the same transaction that creates
the notes, so a retried, duplicated or taken-over task can never import a file twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from brands.leases import LeaseLost, RowLease
from brands.models import Brand, User
from delivery_notes import csv_import
from delivery_notes.csv_import import ImportFileError, RowError
from delivery_notes.models import ImportJob
from delivery_notes.services import create_notes

logger = logging.getLogger(__name__)

#: A worker that stops beating for this long is presumed dead; another may take the job over.
LEASE = timedelta(minutes=5)
#: Progress (and the lease) is saved at most this often; the job's page polls every second.
HEARTBEAT = timedelta(seconds=1)
PROGRESS_EVERY = 50
NOT_COMPLETED = gettext_lazy("The import could not be completed. Nothing was imported.")

__all__ = ["ImportFileError", "ImportOutcome", "process_job", "start_import"]


@dataclass
class ImportOutcome:
    """What happened to an upload: notes created now, errors, or a background job."""

    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    job: ImportJob | None = None


def _conflict_error() -> RowError:
    return RowError(
        0,
        "number",
        _(
            "Another delivery note with one of these numbers was saved meanwhile. "
            "Upload the file again to see which."
        ),
    )


def _write(
    brand: Brand, parsed: csv_import.ParseResult, *, actor: User | None, filename: str
) -> int:
    return create_notes(
        brand,
        [(draft.values, draft.lines) for draft in parsed.drafts],
        actor=actor,
        import_file=filename,
    )


def start_import(brand: Brand, data: bytes, *, filename: str, actor: User) -> ImportOutcome:
    """Import an uploaded file now, or queue it when it is large. Raises ImportFileError."""
    text = csv_import.decode(data)
    rows = csv_import.count_rows(text)
    if rows > settings.DELIVERY_NOTE_IMPORT_ASYNC_ROWS:
        return ImportOutcome(job=_queue(brand, text, rows, filename=filename, actor=actor))
    parsed = csv_import.parse(text)
    if parsed.errors:
        return ImportOutcome(errors=parsed.errors)
    try:
        with transaction.atomic():
            return ImportOutcome(created=_write(brand, parsed, actor=actor, filename=filename))
    except IntegrityError:
        return ImportOutcome(errors=[_conflict_error()])


def _queue(brand: Brand, text: str, rows: int, *, filename: str, actor: User) -> ImportJob:
    from delivery_notes.tasks import run_import_job

    job = ImportJob.objects.create(
        brand=brand, created_by=actor, filename=filename, content=text, total_rows=rows
    )
    transaction.on_commit(lambda: run_import_job.delay(brand.pk, job.pk))
    return job


def _lease(job_id: int) -> RowLease:
    """The job's lease, among this brand's jobs only (call inside the brand's scope)."""
    return RowLease(
        ImportJob.objects.all(), job_id, field="locked_until", duration=LEASE, heartbeat=HEARTBEAT
    )


def _finish(lease: RowLease, status: str, **fields) -> bool:
    """Close a job this worker still holds; False when another worker took it over."""
    return lease.release(status=status, finished_at=timezone.now(), content="", **fields)


def _fail(lease: RowLease, message: str, **fields) -> bool:
    return _finish(
        lease, ImportJob.Status.FAILED, errors=[RowError(0, "", message).as_dict()], **fields
    )


def process_job(job_id: int, *, retryable: tuple[type[Exception], ...] = ()) -> None:
    """Run a queued import inside the brand's scope; a no-op when it is done or held elsewhere.

    An error in `retryable` (a transient database error) gives the job back and is re-raised for
    the task's retry; any other error fails the job, which wrote nothing, rather than leaving its
    page waiting for a job nobody runs any more.
    """
    lease = _lease(job_id)
    claimable = Q(status__in=[ImportJob.Status.PENDING, ImportJob.Status.RUNNING])
    if not lease.acquire(claimable, status=ImportJob.Status.RUNNING, processed_rows=0):
        return
    try:
        _run_claimed(job_id, lease)
    except LeaseLost:
        logger.warning("import job %s was taken over by another worker", job_id)
    except retryable:
        lease.release()  # still Running, but free: the task's retry claims it again
        raise
    except Exception:
        logger.exception("import job %s crashed", job_id)
        _fail(lease, str(NOT_COMPLETED))


def _run_claimed(job_id: int, lease: RowLease) -> None:
    job = ImportJob.objects.select_related("brand", "created_by").get(pk=job_id)
    done = 0

    def progress(rows: int) -> None:
        nonlocal done
        done = rows
        lease.beat(processed_rows=rows)  # at most every HEARTBEAT; the last count is kept below

    try:
        parsed = csv_import.parse(job.content, on_progress=progress, progress_every=PROGRESS_EVERY)
    except ImportFileError as exc:
        _fail(lease, str(exc), processed_rows=done)
        return
    if parsed.errors:
        _finish(
            lease,
            ImportJob.Status.FAILED,
            processed_rows=done,
            errors=[e.as_dict() for e in parsed.errors],
        )
        return
    try:
        with transaction.atomic():
            lease.lock()
            created = _write(job.brand, parsed, actor=job.created_by, filename=job.filename)
            finished = _finish(
                lease, ImportJob.Status.DONE, processed_rows=done, created_notes=created
            )
            if not finished:
                raise LeaseLost("the import was taken over")  # roll the notes back
    except IntegrityError:
        _finish(
            lease,
            ImportJob.Status.FAILED,
            processed_rows=done,
            errors=[_conflict_error().as_dict()],
        )
    else:
        logger.info("import job %s created %s notes", job_id, created)
