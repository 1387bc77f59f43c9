"""Importing delivery notes from CSV: all-or-nothing, inline for small files, in the background
for large ones (more than settings.DELIVERY_NOTE_IMPORT_ASYNC_ROWS rows).

Every row is validated before anything is written; the write is one transaction. A background
import is an ImportJob: the task claims it with a lease (a conditional UPDATE, so two workers never
run it twice), reports progress while validating, and marks it done in the same transaction that
creates the notes — so a retried or duplicated task can never import a file twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from brands.models import Brand, User
from delivery_notes import csv_import
from delivery_notes.csv_import import ImportFileError, RowError
from delivery_notes.models import ImportJob
from delivery_notes.services import create_notes

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
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
    notes = create_notes(
        brand,
        [(draft.values, draft.lines) for draft in parsed.drafts],
        actor=actor,
        import_file=filename,
    )
    return len(notes)


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


def _claim(job_id: int) -> bool:
    now = timezone.now()
    return bool(
        ImportJob.objects.filter(
            Q(locked_until__isnull=True) | Q(locked_until__lt=now),
            pk=job_id,
            status__in=[ImportJob.Status.PENDING, ImportJob.Status.RUNNING],
        ).update(status=ImportJob.Status.RUNNING, locked_until=now + LEASE, processed_rows=0)
    )


def _finish(job_id: int, status: str, **fields) -> bool:
    """Close a job this worker still holds; False when another worker already closed it."""
    return bool(
        ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING).update(
            status=status, finished_at=timezone.now(), locked_until=None, content="", **fields
        )
    )


def release_job(job_id: int) -> None:
    """Give the job back (a transient error): the task's retry claims it again."""
    ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING).update(locked_until=None)


def fail_job(job_id: int, message: str) -> None:
    _finish(job_id, ImportJob.Status.FAILED, errors=[RowError(0, "", message).as_dict()])


class _LostLease(Exception):
    """Raised inside the write transaction to roll it back when the job is no longer ours."""


def process_job(job_id: int) -> None:
    """Run a queued import inside the brand's scope; a no-op when it is done or held elsewhere.

    A transient database error is left to the task (it retries); any other error fails the job,
    which wrote nothing, rather than leaving its page waiting for a job nobody runs any more.
    """
    if not _claim(job_id):
        return
    try:
        _run_claimed(job_id)
    except OperationalError:
        raise
    except Exception:
        logger.exception("import job %s crashed", job_id)
        fail_job(job_id, str(NOT_COMPLETED))


def _run_claimed(job_id: int) -> None:
    job = ImportJob.objects.select_related("brand", "created_by").get(pk=job_id)

    def progress(done: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(
            processed_rows=done, locked_until=timezone.now() + LEASE
        )

    try:
        parsed = csv_import.parse(job.content, on_progress=progress, progress_every=PROGRESS_EVERY)
    except ImportFileError as exc:
        fail_job(job_id, str(exc))
        return
    if parsed.errors:
        _finish(job_id, ImportJob.Status.FAILED, errors=[e.as_dict() for e in parsed.errors])
        return
    try:
        with transaction.atomic():
            created = _write(job.brand, parsed, actor=job.created_by, filename=job.filename)
            if not _finish(job_id, ImportJob.Status.DONE, created_notes=created):
                raise _LostLease
    except _LostLease:
        logger.warning("import job %s was finished by another worker", job_id)
    except IntegrityError:
        _finish(job_id, ImportJob.Status.FAILED, errors=[_conflict_error().as_dict()])
    else:
        logger.info("import job %s created %s notes", job_id, created)
