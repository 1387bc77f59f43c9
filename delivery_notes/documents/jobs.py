"""Printing a selection: small ones in the request, large ones as a `DocumentJob` in a worker.

`render` is the one way to make a document, so a file built in the background is the same as one
printed at once. `run_job` claims the job with a lease (`brands.leases`): a second delivery of
the task, or a second worker, finds it claimed or done, and a dead worker's job is taken over.
Call everything here inside the brand's scope.
"""

from __future__ import annotations

import tempfile
import zoneinfo
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import IO

from django.conf import settings
from django.core.files import File
from django.db.models import F, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from brands import retention
from brands.leases import RowLease, leased_work
from brands.models import Brand, User
from delivery_notes.documents.delivery_note import DeliveryNoteOptions, delivery_notes_pdf
from delivery_notes.documents.picking_list import picking_list_pdf
from delivery_notes.documents.sources import document_notes
from delivery_notes.models import DeliveryNote, DocumentJob

Kind = DocumentJob.Kind
LEASE = timedelta(minutes=10)  # a worker silent this long is presumed dead
HEARTBEAT = timedelta(seconds=1)  # progress is saved at most this often


def render(
    kind: str,
    note_ids: Sequence[int],
    brand: Brand,
    options: DeliveryNoteOptions,
    out: IO[bytes],
    *,
    on_note_done: Callable[[], None] | None = None,
) -> None:
    """Write the document of `kind` for these notes (in this order) to `out`."""
    notes = document_notes(list(note_ids))
    if kind == Kind.PICKING_LIST:
        picking_list_pdf(notes, brand, out, on_note_done=on_note_done)
    else:
        delivery_notes_pdf(notes, brand, options, out, on_note_done=on_note_done)


def filename(kind: str, brand: Brand, moment: datetime, *, number: str | None = None) -> str:
    """`DN-00012.pdf` for one delivery note, else the kind, brand and local time."""
    if number and kind == Kind.DELIVERY_NOTES:
        return f"{number}.pdf"
    local = timezone.localtime(moment, zoneinfo.ZoneInfo(brand.time_zone))
    prefix = "picking-list" if kind == Kind.PICKING_LIST else "delivery-notes"
    return f"{prefix}-{brand.slug}-{local:%Y%m%d-%H%M%S}.pdf"


def selected_ids(notes: QuerySet[DeliveryNote]) -> list[int]:
    """The selection's ids in its order, each once."""
    return list(dict.fromkeys(notes.values_list("pk", flat=True)))


def runs_inline(note_ids: Sequence[int]) -> bool:
    return len(note_ids) <= settings.DOCUMENTS_SYNC_MAX_NOTES


def create_job(
    *,
    brand: Brand,
    user: User,
    kind: str,
    note_ids: Sequence[int],
    options: DeliveryNoteOptions,
) -> DocumentJob:
    """Record a waiting job; the picking list will be written in the active language."""
    now = timezone.now()
    return DocumentJob.objects.create(
        brand=brand,
        created_by=user,
        created_at=now,
        kind=kind,
        note_language=options.language,
        gift_variant=options.gift_variant,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        note_ids=list(note_ids),
        total_notes=len(note_ids),
        filename=filename(kind, brand, now),
    )


def _claim(job_id: int) -> RowLease | None:
    lease = RowLease(
        DocumentJob.objects.all(), job_id, field="lease_until", duration=LEASE, heartbeat=HEARTBEAT
    )
    claimed = lease.acquire(
        Q(status__in=[DocumentJob.Status.PENDING, DocumentJob.Status.RUNNING]),
        status=DocumentJob.Status.RUNNING,
        processed_notes=0,
        attempts=F("attempts") + 1,
    )
    return lease if claimed else None


def run_job(job_id: int, *, retryable: tuple[type[Exception], ...] = ()) -> DocumentJob | None:
    """Build and store one job's PDF; None when it is finished or another worker has it.

    An error in `retryable` hands the job back (for the caller's retry); any other marks it
    failed with a message for the page.
    """
    lease = _claim(job_id)
    if lease is None:
        return None
    job = DocumentJob.objects.select_related("brand").get(pk=job_id)
    options = DeliveryNoteOptions(language=job.note_language, gift_variant=job.gift_variant)
    done = [0]

    def progress() -> None:
        done[0] += 1
        lease.beat(processed_notes=done[0])  # at most every HEARTBEAT; LeaseLost if taken

    failed = _("The document could not be built. Please try again.")
    with leased_work(
        lease,
        f"document job {job_id}",
        retryable=retryable,
        give_back={"status": DocumentJob.Status.PENDING},
        fail=lambda: lease.release(
            status=DocumentJob.Status.FAILED, finished_at=timezone.now(), error=failed
        ),
    ) as work:
        with tempfile.TemporaryFile() as out, translation.override(job.language):
            render(job.kind, job.note_ids, job.brand, options, out, on_note_done=progress)
            out.seek(0)
            job.file.save(job.filename, File(out), save=False)
        finished = lease.release(
            status=DocumentJob.Status.DONE,
            finished_at=timezone.now(),
            processed_notes=job.total_notes,
            file=job.file.name,
        )
        if not finished:
            job.file.delete(save=False)
            return None
    if work.lost:
        return None
    job.refresh_from_db()
    return job


def purge_expired_files(now: datetime | None = None) -> int:
    """Delete document files past the retention period, in every brand; the records stay."""
    return retention.purge_expired_files(DocumentJob, settings.DOCUMENTS_RETENTION_DAYS, now)
