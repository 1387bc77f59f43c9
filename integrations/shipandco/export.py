"""Download CSV for Ship&co: choose the exportable notes, stream the rows to a file, record it.

One path for every size: `create_export` records the selection, `run_export` writes the file
and finishes the export. Small exports run it inside the request, large ones in a Celery task
(`export_tasks`), so both produce the same CSV. Call these inside the brand's scope.

Which notes are written: cancelled, shipped and delivered notes, and notes Ship&co could not
ship to (no address, phone, or name/company) are left out with a reason. Shipping-requested
notes can be exported again (a lost or corrected upload). Partially shipped notes are written
with only the quantities not shipped yet (`remaining_quantities`), so Ship&co gets the rest.

Exported Unshipped notes move to Shipping requested, and every exported note gets the activity
"Exported to Ship&co CSV", in the same transaction that marks the export done. Partially
shipped notes keep their status: part of them has left, and the sync moves them on.
"""

from __future__ import annotations

import tempfile
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from brands import retention
from brands.leases import LeaseLost, RowLease, leased_work
from brands.models import Brand, User
from delivery_notes import activity
from delivery_notes.bulk import log_activities_in, move_notes_in
from delivery_notes.models import DeliveryNote, ShippingStatus
from integrations.models import ConnectionStatus, Integration
from integrations.shipandco import SHIPANDCO, csv_format, export_rows
from integrations.shipandco.export_rows import ExportNote
from integrations.shipandco.models import CsvExport, CsvExportNote, SkipReason

ACTIVITY_VERB = "shipandco_export"
# A worker that stops reporting progress for this long is presumed dead; another may take over.
LEASE = timedelta(minutes=10)
# Progress (and the lease) is saved at most this often; the progress page polls it.
HEARTBEAT = timedelta(seconds=1)
PROGRESS_EVERY = 2000  # notes between progress updates (what the progress page polls)
WRITE_ROWS = 1000  # CSV rows encoded and written at once
BATCH_SIZE = 500  # ids per `IN (...)` query, well below every database's parameter limit


@activity.register(ACTIVITY_VERB)
def _exported_text(data) -> str:
    return _("Exported to Ship&co CSV")


def csv_export_enabled() -> bool:
    """The guide ties CSV generation to the integration: only when Ship&co is Integrated."""
    return Integration.objects.filter(
        platform=SHIPANDCO, is_active=True, status=ConnectionStatus.INTEGRATED
    ).exists()


def export_filename(brand: Brand, moment: datetime) -> str:
    local = timezone.localtime(moment, zoneinfo.ZoneInfo(brand.time_zone))
    return f"shipandco-{brand.slug}-{local:%Y%m%d-%H%M%S}.csv"


def create_export(
    *, brand: Brand, user: User, notes: QuerySet[DeliveryNote], encoding: str
) -> CsvExport | None:
    """Record a pending export of `notes` (in their list order); None when nothing is selected.

    The ids stream from the database in batches (a selection of 100,000 notes is never a list
    of 100,000 objects); only the set of ids seen is kept, to drop repeats.
    """
    now = timezone.now()
    ids = notes.values_list("pk", flat=True).iterator(chunk_size=BATCH_SIZE)
    seen: set[int] = set()
    with transaction.atomic():
        export = CsvExport.objects.create(
            brand=brand,
            created_by=user,
            created_at=now,
            encoding=encoding,
            total_notes=0,
            filename=export_filename(brand, now),
        )
        batch: list[CsvExportNote] = []
        for pk in ids:
            if pk in seen:
                continue
            seen.add(pk)
            batch.append(CsvExportNote(brand=brand, export=export, note_id=pk))
            if len(batch) >= BATCH_SIZE:
                CsvExportNote.objects.bulk_create(batch)
                batch = []
        CsvExportNote.objects.bulk_create(batch)
        if not seen:
            transaction.set_rollback(True)
            return None
        export.total_notes = len(seen)
        export.save(update_fields=["total_notes"])
    return export


def runs_inline(export: CsvExport) -> bool:
    """Small exports are written inside the request; larger ones go to a worker."""
    return export.total_notes <= settings.SHIPANDCO_EXPORT_SYNC_MAX_NOTES


# --- choosing what to write ------------------------------------------------------------------


def skip_reason(note: ExportNote) -> str:
    """Why Ship&co could not ship this note from the CSV ("" when it can)."""
    if note.status == ShippingStatus.CANCELLED:
        return SkipReason.CANCELLED
    if note.status == ShippingStatus.SHIPPED:
        return SkipReason.SHIPPED
    if note.status == ShippingStatus.DELIVERED:
        return SkipReason.DELIVERED
    if not (
        note.address_line1.strip() and note.country_code.strip() and csv_format.recipient_zip(note)
    ):
        return SkipReason.NO_ADDRESS
    if not note.phone.strip():
        return SkipReason.NO_PHONE
    if not (note.recipient_name.strip() or note.recipient_company.strip()):
        return SkipReason.NO_NAME
    return ""


def quantities_to_ship(note: ExportNote) -> dict[int, int]:
    """Line id -> pieces to put in the CSV: what has not left yet."""
    return note.quantities_to_ship()


def note_rows(
    note: ExportNote, quantities: dict[int, int], encoding: str
) -> tuple[list[list[str]], list[dict[str, Any]]]:
    """One row per line still to ship (cells in HEADER order), each repeating the order
    columns; plus the warnings."""
    order, issues = csv_format.prepare_row(
        csv_format.order_values(note), csv_format.ORDER_HEADER, encoding
    )
    rows = []
    for line in note.lines:
        quantity = quantities.get(line.id, 0)
        if quantity <= 0:
            continue
        product, product_issues = csv_format.prepare_row(
            csv_format.product_values(line, quantity), csv_format.PRODUCT_HEADER, encoding
        )
        if product_issues:
            issues += product_issues
        rows.append(order + product)
    return rows, [issue.as_dict(note.number) for issue in issues] if issues else []


# --- running an export -----------------------------------------------------------------------


@dataclass
class _Outcome:
    exported: int = 0
    warnings: list[dict[str, Any]] = field(default_factory=list)
    rows: int = 0
    #: skip reasons not yet written to the export's entries (flushed every BATCH_SIZE)
    skipped: dict[int, str] = field(default_factory=dict)

    def flush_skipped(self, export: CsvExport) -> None:
        """Store the skip reasons met so far on the entries: the selection stays in the
        database, so a 100,000-note export holds no list of ids in memory."""
        for reason in set(self.skipped.values()):
            ids = [pk for pk, why in self.skipped.items() if why == reason]
            CsvExportNote.objects.filter(export=export, note_id__in=ids).update(skip_reason=reason)
        self.skipped.clear()


def _claim(export_id: int) -> RowLease | None:
    """Take the export if it is waiting (or its worker died); None when it is done or held.

    The lease is this brand's exports only (call inside the brand's scope); `attempts` counts
    the claims, so an export taken over after a dead worker shows 2.
    """
    lease = RowLease(
        CsvExport.objects.all(), export_id, field="lease_until", duration=LEASE, heartbeat=HEARTBEAT
    )
    claimed = lease.acquire(
        Q(status__in=[CsvExport.Status.PENDING, CsvExport.Status.RUNNING]),
        status=CsvExport.Status.RUNNING,
        started_at=timezone.now(),
        processed_notes=0,
        attempts=F("attempts") + 1,
    )
    return lease if claimed else None


def _selected_notes(export: CsvExport) -> Iterable[ExportNote]:
    return export_rows.selected_notes(export)


def _write_rows(export: CsvExport, lease: RowLease, out: IO[bytes]) -> _Outcome:
    """Stream the header and every exportable note's rows into `out`, one row at a time."""
    encoder = csv_format.RowEncoder(export.encoding)
    outcome = _Outcome()
    out.write(encoder.header())
    pending: list[list[str]] = []  # rows encoded and written WRITE_ROWS at a time
    for processed, note in enumerate(_selected_notes(export), start=1):
        reason = skip_reason(note)
        quantities = {} if reason else quantities_to_ship(note)
        if not reason and not quantities:
            reason = SkipReason.NOTHING_LEFT
        if reason:
            outcome.skipped[note.pk] = reason
            if len(outcome.skipped) >= BATCH_SIZE:
                outcome.flush_skipped(export)
        else:
            rows, warnings = note_rows(note, quantities, export.encoding)
            pending += rows
            if len(pending) >= WRITE_ROWS:
                out.write(encoder.lists(pending))
                pending = []
            outcome.rows += len(rows)
            if warnings:
                outcome.warnings += warnings
            outcome.exported += 1
        if processed % PROGRESS_EVERY == 0:
            lease.beat(processed_notes=processed)  # at most every HEARTBEAT; LeaseLost if taken
    out.write(encoder.lists(pending))
    outcome.flush_skipped(export)
    return outcome


def _finish(export: CsvExport, lease: RowLease, outcome: _Outcome) -> None:
    """Mark the export done and move its notes, all in one transaction, while still ours."""
    with transaction.atomic():
        lease.lock()
        exported = CsvExportNote.objects.filter(export=export, skip_reason="").values("note_id")
        move_notes_in(
            export.brand,
            exported,
            from_status=ShippingStatus.UNSHIPPED,
            to_status=ShippingStatus.SHIPPING_REQUESTED,
            actor=export.created_by,
        )
        log_activities_in(
            export.brand,
            exported,
            ACTIVITY_VERB,
            actor=export.created_by,
            data={"export_id": export.pk, "file": export.filename},
        )
        finished = lease.release(
            status=CsvExport.Status.DONE,
            finished_at=timezone.now(),
            processed_notes=export.total_notes,
            exported_notes=outcome.exported,
            row_count=outcome.rows,
            warnings=outcome.warnings,
            file=export.file.name or "",
        )
        if not finished:
            raise LeaseLost("the export was taken over")  # roll the note changes back


def run_export(export_id: int, *, retryable: tuple[type[Exception], ...] = ()) -> CsvExport | None:
    """Write and finish one export; None when it is finished or another worker runs it.

    Idempotent: a finished export is left alone, and two workers never both write it. An error
    in `retryable` hands the export back (for the caller's retry); any other marks it failed.
    """
    lease = _claim(export_id)
    if lease is None:
        return None
    export = CsvExport.objects.select_related("brand", "created_by").get(pk=export_id)
    CsvExportNote.objects.filter(export=export).exclude(skip_reason="").update(skip_reason="")
    failed = _("The export could not be completed. Please try again.")
    with leased_work(
        lease,
        f"Ship&co export {export_id}",
        retryable=retryable,
        give_back={"status": CsvExport.Status.PENDING},
        fail=lambda: lease.release(
            status=CsvExport.Status.FAILED, finished_at=timezone.now(), error=failed
        ),
    ) as work:
        with tempfile.TemporaryFile() as out:
            outcome = _write_rows(export, lease, out)
            if outcome.exported:
                out.seek(0)
                export.file.save(export.filename, File(out), save=False)
        try:
            _finish(export, lease, outcome)
        except BaseException:
            if export.file:
                export.file.delete(save=False)
            raise
    if work.lost:
        return None
    export.refresh_from_db()
    return export


# --- reading an export back ------------------------------------------------------------------


def skipped_entries(export: CsvExport) -> QuerySet[CsvExportNote]:
    return export.entries.exclude(skip_reason="").select_related("note").order_by("id")


def warning_message(warning: dict[str, Any]) -> str:
    """A stored warning (see `csv_format.CellIssue`) in the reader's language."""
    if warning.get("kind") == "not_cp932":
        return _(
            "%(field)s: %(chars)s cannot be written in Shift_JIS and was replaced with %(marker)s."
        ) % {"field": warning["field"], "chars": warning["chars"], "marker": "〓"}
    return _("%(field)s has %(length)s characters; Ship&co accepts at most %(limit)s.") % {
        "field": warning["field"],
        "length": warning["length"],
        "limit": warning["limit"],
    }


def purge_expired_files(now: datetime | None = None) -> int:
    """Delete export files past the retention period, in every brand; the records stay."""
    return retention.purge_expired_files(CsvExport, settings.SHIPANDCO_EXPORT_RETENTION_DAYS, now)
