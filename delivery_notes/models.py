"""Delivery notes, their lines, shipments (partial shipments are first-class) and activity."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brands.scoping import BrandOwned
from delivery_notes.tracking import carrier_label, tracking_url
from integrations.registry import HAKOBU, platform_choices

__all__ = ["HAKOBU"]  # who reported a shipment when no platform did


class ShippingStatus(models.TextChoices):
    UNSHIPPED = "unshipped", _("Unshipped")
    SHIPPING_REQUESTED = "shipping_requested", _("Shipping requested")
    PARTIALLY_SHIPPED = "partially_shipped", _("Partially shipped")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


# Statuses in which nothing has shipped: the note waits in the warehouse.
OPEN_STATUSES = (ShippingStatus.UNSHIPPED, ShippingStatus.SHIPPING_REQUESTED)


class DeliveryNote(BrandOwned):
    number = models.CharField(_("number"), max_length=50)
    issue_date = models.DateField(_("issue date"), default=timezone.localdate)
    order_reference = models.CharField(_("order reference"), max_length=100, blank=True)

    recipient_company = models.CharField(_("company"), max_length=200, blank=True)
    recipient_name = models.CharField(_("contact name"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    prefecture = models.CharField(_("prefecture / state"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    address_line1 = models.CharField(_("address line 1"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    country_code = models.CharField(_("country code"), max_length=2, default="JP")
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    # The customer the recipient was picked from (the note keeps its own copy of every value).
    customer = models.ForeignKey(
        "catalogue.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="delivery_notes",
        verbose_name=_("customer"),
    )

    requested_carrier = models.CharField(_("requested carrier"), max_length=50, blank=True)
    requested_service = models.CharField(_("requested service"), max_length=100, blank=True)
    delivery_terms = models.CharField(_("delivery terms"), max_length=100, blank=True)
    customer_notes = models.TextField(_("customer notes"), blank=True)
    internal_notes = models.TextField(_("internal notes"), blank=True)
    is_gift = models.BooleanField(_("gift"), default=False)
    gift_message = models.TextField(_("gift message"), blank=True)
    payment_method = models.CharField(_("payment method"), max_length=100, blank=True)
    discount_code = models.CharField(_("discount / coupon"), max_length=100, blank=True)

    total_amount = models.DecimalField(
        _("total amount"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    currency = models.CharField(_("currency"), max_length=3, default="JPY")
    total_weight_grams = models.PositiveIntegerField(_("total weight (g)"), default=0)

    status = models.CharField(
        _("shipping status"),
        max_length=20,
        choices=ShippingStatus.choices,
        default=ShippingStatus.UNSHIPPED,
    )
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("delivery note")
        verbose_name_plural = _("delivery notes")
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "number"], name="unique_note_number_per_brand")
        ]
        indexes = [
            models.Index(fields=["brand", "status", "-issue_date"], name="note_brand_status_idx"),
            models.Index(fields=["brand", "-issue_date", "-id"], name="note_brand_issued_idx"),
            models.Index(fields=["brand", "order_reference"], name="note_brand_orderref_idx"),
            # The list's sort orders (delivery_notes.paging), each ending in id (keyset seeks).
            models.Index(fields=["brand", "number", "id"], name="note_brand_number_idx"),
            models.Index(
                fields=["brand", "recipient_company", "recipient_name", "id"],
                name="note_brand_recipient_idx",
            ),
            models.Index(fields=["brand", "status", "id"], name="note_brand_status_id_idx"),
            models.Index(fields=["brand", "total_amount", "id"], name="note_brand_total_idx"),
            # The dashboard's "waiting to ship", oldest first: only open notes are in it.
            models.Index(
                fields=["brand", "issue_date", "id"],
                condition=models.Q(status__in=["unshipped", "shipping_requested"]),
                name="note_brand_waiting_idx",
            ),
            # The search's trigram (pg_trgm) indexes exist on PostgreSQL only: see migration
            # search_trigram_indexes.
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        """Nothing has left the warehouse yet: the note may still be edited or cancelled."""
        return self.status in OPEN_STATUSES

    @property
    def is_shippable(self) -> bool:
        """A manual shipment may still be recorded (goods remain to be sent)."""
        return self.status in (*OPEN_STATUSES, ShippingStatus.PARTIALLY_SHIPPED)


class DeliveryNoteLine(BrandOwned):
    note = models.ForeignKey(DeliveryNote, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    sku = models.CharField(_("SKU"), max_length=100, blank=True)
    name = models.CharField(_("name"), max_length=300)
    options = models.JSONField(_("options"), default=dict, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit_price = models.DecimalField(
        _("unit price"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    weight_grams = models.PositiveIntegerField(_("weight (g)"), default=0)
    warehouse_location = models.CharField(_("warehouse location"), max_length=100, blank=True)
    image_url = models.URLField(_("image URL"), blank=True)
    # The catalogue product the line was filled from; its values above are the note's own copy.
    product = models.ForeignKey(
        "catalogue.Product",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
    )

    class Meta:
        verbose_name = _("line")
        verbose_name_plural = _("lines")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}".strip()

    @property
    def options_display(self) -> str:
        return ", ".join(f"{k}: {v}" for k, v in (self.options or {}).items())


class Shipment(BrandOwned):
    """One parcel (or group of parcels) that left the warehouse for a note.

    `external_id` is the platform's id: unique per brand and platform, it makes syncs idempotent.
    """

    note = models.ForeignKey(DeliveryNote, on_delete=models.CASCADE, related_name="shipments")
    platform = models.CharField(
        _("platform"), max_length=20, choices=platform_choices, default=HAKOBU
    )
    external_id = models.CharField(_("platform id"), max_length=100, blank=True)
    carrier = models.CharField(_("carrier"), max_length=50, blank=True)
    service = models.CharField(_("service"), max_length=100, blank=True)
    tracking_numbers = models.JSONField(_("tracking numbers"), default=list, blank=True)
    # The numbers as one text the list's search can index (trigram on PostgreSQL): a JSON list
    # cast to text is served by no index. Written with `tracking_numbers` (see `save`).
    tracking_search = models.TextField(blank=True, default="", db_default="", editable=False)
    shipped_on = models.DateField(_("shipped date"), null=True, blank=True)
    cost = models.DecimalField(_("cost"), max_digits=12, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Announcing ("shipments synced" emails): a platform shipment is recorded waiting, and the
    # email that tells about it claims it (`integrations.announcements`). One recorded in Hakobu
    # never waits. A flag, not "announcement is null": Hakobu's own shipments have no
    # announcement either, and the planner would then expect many waiting rows and scan the
    # table for none; the flag's partial index holds only the rows really waiting. The database
    # default counts every shipment recorded before announcements existed as told already.
    awaiting_announcement = models.BooleanField(default=False, db_default=False, editable=False)
    # RESTRICT: an announcement is never deleted while it holds shipments (they would lose the
    # link to the email that told them), but deleting a brand still deletes both.
    announcement = models.ForeignKey(
        "integrations.ShipmentAnnouncement",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        editable=False,
        related_name="shipments",
    )

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "platform", "external_id"],
                condition=~models.Q(external_id=""),
                name="unique_shipment_per_platform",
            )
        ]
        indexes = [
            # The list's platform filter: EXISTS (shipment of this note from platform X).
            models.Index(fields=["brand", "platform", "note"], name="shipment_brand_platform_idx"),
            # "Platform shipments of brand B not announced yet": only the waiting rows are in it,
            # so it stays tiny however many notes a brand has.
            models.Index(
                fields=["brand", "platform"],
                condition=models.Q(awaiting_announcement=True),
                name="shipment_unannounced_idx",
            ),
        ]

    def __str__(self) -> str:
        return ", ".join(self.tracking_numbers) or str(self.pk)

    def save(self, *args, **kwargs) -> None:
        self.tracking_search = " ".join(self.tracking_numbers or ())
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "tracking_numbers" in update_fields:
            kwargs["update_fields"] = {*update_fields, "tracking_search"}
        super().save(*args, **kwargs)

    @property
    def carrier_label(self) -> str:
        return carrier_label(self.carrier)

    @property
    def tracking_links(self) -> list[tuple[str, str | None]]:
        """Each tracking number with the carrier's public tracking page (None when unknown)."""
        return [(number, tracking_url(self.carrier, number)) for number in self.tracking_numbers]


class ShipmentLine(BrandOwned):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(DeliveryNoteLine, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("shipped line")
        verbose_name_plural = _("shipped lines")


class ShipmentRequest(BrandOwned):
    """A planned parcel: staff choose some lines and quantities to go out together, before any
    tracking exists. A platform that is sent orders "on shipment creation" turns each request
    into its own order; the shipment recorded for it later fulfils the request."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        SHIPPED = "shipped", _("Shipped")
        CANCELLED = "cancelled", _("Cancelled")

    note = models.ForeignKey(
        DeliveryNote, on_delete=models.CASCADE, related_name="shipment_requests"
    )
    sequence = models.PositiveIntegerField(_("number"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    shipment = models.OneToOneField(
        Shipment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="request",
        verbose_name=_("shipment"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("shipment request")
        verbose_name_plural = _("shipment requests")
        ordering = ["sequence"]
        constraints = [
            models.UniqueConstraint(fields=["note", "sequence"], name="unique_request_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.note.number}-S{self.sequence}"

    @property
    def reference(self) -> str:
        """How the request is known outside Hakobu: the note's number and its sequence."""
        return f"{self.note.number}-S{self.sequence}"


class ShipmentRequestLine(BrandOwned):
    request = models.ForeignKey(ShipmentRequest, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(DeliveryNoteLine, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("requested line")
        verbose_name_plural = _("requested lines")


class Activity(BrandOwned):
    """What happened to a note: when, who (a user or a platform), what."""

    note = models.ForeignKey(DeliveryNote, on_delete=models.CASCADE, related_name="activities")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    platform = models.CharField(max_length=20, choices=platform_choices, default=HAKOBU)
    verb = models.CharField(max_length=40)
    message = models.TextField()
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-created_at", "-id"]
        # With id: an import writes thousands of entries with one timestamp, and "the latest
        # ten" must not sort all of them.
        indexes = [
            models.Index(fields=["brand", "-created_at", "-id"], name="activity_brand_latest_idx")
        ]

    def __str__(self) -> str:
        return self.message


class StatusTally(BrandOwned):
    """Changes in a brand's count of notes per status, written by PostgreSQL triggers (see
    `status_tally`): the dashboard sums a few rows instead of counting 200,000 notes. Rows are
    only ever inserted (two workers moving notes of one brand never wait for each other) and
    folded together by a periodic task."""

    # No database constraint: a brand's deletion removes its notes, whose trigger writes a last
    # row for the brand being deleted; the periodic fold drops the rows of brands that are gone.
    brand = models.ForeignKey(
        "brands.Brand",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    status = models.CharField(max_length=20)
    notes = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["brand", "status"], name="status_tally_brand_idx")]


class ImportJobBase(BrandOwned):
    """A CSV import too large for one request, run by a Celery task (notes, products, customers).

    The decoded file is kept on the row (not on a worker's disk) so any worker can run it, and
    `locked_until` is a lease: the task claims the job by a conditional UPDATE, so two workers never
    import the same file twice, and a crashed worker's job becomes claimable again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    content = models.TextField(blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


class ImportJob(ImportJobBase):
    """A background delivery-note import."""

    created_notes = models.PositiveIntegerField(default=0)
    # Lines whose empty name or weight the import took from the catalogue (by SKU).
    filled_lines = models.PositiveIntegerField(default=0)

    class Meta(ImportJobBase.Meta):
        verbose_name = _("import")
        verbose_name_plural = _("imports")


def document_file_path(job: DocumentJob, filename: str) -> str:
    """Unguessable, per-brand storage path; the download name shown to people is `filename`."""
    return f"documents/{job.brand_id}/{uuid.uuid4().hex}.pdf"


class DocumentJob(BrandOwned):
    """A bulk print too large for one request (delivery notes or a picking list as one PDF).

    Built by a Celery task (`documents.jobs.run_job`) under a lease, so two workers never build
    it twice and a dead worker's job is taken over; the file is kept in the default storage for
    `DOCUMENTS_RETENTION_DAYS`, like a CSV export, then deleted (the record stays).
    """

    class Kind(models.TextChoices):
        DELIVERY_NOTES = "delivery_notes", _("Delivery notes")
        PICKING_LIST = "picking_list", _("Picking list")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(_("document"), max_length=20, choices=Kind.choices)
    # Delivery notes: "brand" or "recipient" (see documents.delivery_note); a picking list is
    # written in `language`, the language of whoever asked for it.
    note_language = models.CharField(max_length=10, default="brand")
    gift_variant = models.BooleanField(default=False)
    language = models.CharField(max_length=10, default="en")
    note_ids = models.JSONField(default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    total_notes = models.PositiveIntegerField(default=0)
    processed_notes = models.PositiveIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    file = models.FileField(upload_to=document_file_path, blank=True)
    filename = models.CharField(max_length=120)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["brand", "-created_at"], name="document_job_recent_idx")]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def can_download(self) -> bool:
        return self.status == self.Status.DONE and bool(self.file)

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return round(100 * self.processed_notes / self.total_notes) if self.total_notes else 0
