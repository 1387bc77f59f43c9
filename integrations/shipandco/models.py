"""Ship&co's own records. The CSV export: who downloaded which notes, and the file, for a while."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brands.scoping import BrandOwned
from delivery_notes.models import DeliveryNote


def export_file_path(export: CsvExport, filename: str) -> str:
    """Unguessable, per-brand storage path; the download name shown to users is `filename`."""
    return f"shipandco/exports/{export.brand_id}/{uuid.uuid4().hex}.csv"


class CsvExport(BrandOwned):
    """One "Download CSV for Ship&co": the selection, its outcome and the file.

    Small exports run inside the request, large ones in a Celery task; both go through the same
    service (`export.run_export`), so the record, the file and the note changes are identical.
    `status` + `lease_until` let exactly one worker run it (a dead worker's lease expires).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Encoding(models.TextChoices):
        UTF8 = "utf-8", _("UTF-8")
        SHIFT_JIS = "shift_jis", _("Shift_JIS")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("exported by"),
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    encoding = models.CharField(_("encoding"), max_length=10, choices=Encoding.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    total_notes = models.PositiveIntegerField(_("selected notes"), default=0)
    processed_notes = models.PositiveIntegerField(default=0)
    exported_notes = models.PositiveIntegerField(_("exported notes"), default=0)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    # [{"note": number, "field": column, "kind": "too_long"|"not_cp932", ...}], see csv_format.
    warnings = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    file = models.FileField(upload_to=export_file_path, blank=True)
    filename = models.CharField(max_length=120)
    file_deleted_at = models.DateTimeField(null=True, blank=True)
    notes = models.ManyToManyField(
        DeliveryNote, through="CsvExportNote", related_name="shipandco_exports"
    )

    class Meta:
        verbose_name = _("Ship&co CSV export")
        verbose_name_plural = _("Ship&co CSV exports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["brand", "-created_at"], name="shipandco_export_recent_idx")
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def can_download(self) -> bool:
        return self.status == self.Status.DONE and bool(self.file)

    @property
    def skipped_notes(self) -> int:
        return self.processed_notes - self.exported_notes if self.is_finished else 0

    @property
    def progress_percent(self) -> int:
        return round(100 * self.processed_notes / self.total_notes) if self.total_notes else 100


class SkipReason(models.TextChoices):
    """Why a selected note was left out of the CSV (stored as a code, shown translated)."""

    CANCELLED = "cancelled", _("Cancelled")
    SHIPPED = "shipped", _("Already shipped")
    DELIVERED = "delivered", _("Already delivered")
    NO_ADDRESS = "no_address", _("No recipient address (address line 1, postal code, country)")
    NO_PHONE = "no_phone", _("No recipient phone number")
    NO_NAME = "no_name", _("No recipient name or company")
    NOTHING_LEFT = "nothing_left", _("No items left to ship")


class CsvExportNote(BrandOwned):
    """A note selected for an export; `skip_reason` is empty when it was written to the CSV."""

    export = models.ForeignKey(CsvExport, on_delete=models.CASCADE, related_name="entries")
    note = models.ForeignKey(
        DeliveryNote, on_delete=models.CASCADE, related_name="shipandco_export_entries"
    )
    skip_reason = models.CharField(max_length=20, choices=SkipReason.choices, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["export", "note"], name="unique_export_note")
        ]
