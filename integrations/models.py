"""What every platform integration shares: one row per brand and platform.

A platform sub-package (shipandco, and later shipstation, webshipper) keeps its own extra models
and settings in `config`, but connection state, the encrypted credentials, the members to notify,
the sync cursor, failure counting and the run log live here, so each platform reuses them.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brands.scoping import BrandOwned
from integrations.registry import platform_choices
from integrations.secrets import EncryptedJSONField, Secret


class ConnectionStatus(models.TextChoices):
    NOT_INTEGRATED = "not_integrated", _("Not Integrated")
    INTEGRATED = "integrated", _("Integrated")
    ERROR = "error", _("Error")


class StatusReason(models.TextChoices):
    """Why a connection is in Error; stored as a code so the page shows it in the reader's language."""

    TOKEN_REJECTED = "token_rejected", _("token rejected")


class NotifyMode(models.TextChoices):
    """When notification members hear about synced shipments (kept in Integration.config)."""

    PER_SYNC = "per_sync", _("After each sync")
    DAILY = "daily", _("Once a day (digest)")


class Integration(BrandOwned):
    platform = models.CharField(_("platform"), max_length=20, choices=platform_choices)
    is_active = models.BooleanField(_("active"), default=True)
    status = models.CharField(
        _("connection status"),
        max_length=20,
        choices=ConnectionStatus.choices,
        default=ConnectionStatus.NOT_INTEGRATED,
    )
    status_reason = models.CharField(_("reason"), max_length=300, blank=True)
    #: The platform's typed credentials (see its `credential_fields`), encrypted as a whole.
    credentials = EncryptedJSONField(_("credentials"))
    config = models.JSONField(default=dict, blank=True)
    notification_members = models.ManyToManyField(
        "brands.Membership", blank=True, related_name="+", verbose_name=_("notification members")
    )
    connected_at = models.DateTimeField(null=True, blank=True)
    sync_cursor = models.CharField(max_length=100, blank=True)
    last_synced_at = models.DateTimeField(_("last successful sync"), null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    failing_notified = models.BooleanField(default=False)
    # A lease rather than a DB lock: it works on SQLite and PostgreSQL and expires if a worker dies.
    sync_locked_until = models.DateTimeField(null=True, blank=True)
    #: The unguessable part of the brand's inbound URL, for platforms that call Hakobu.
    inbound_token = models.CharField(max_length=64, null=True, blank=True, unique=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("integration")
        verbose_name_plural = _("integrations")
        constraints = [
            models.UniqueConstraint(fields=["brand", "platform"], name="unique_integration")
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} ({self.get_status_display()})"

    def secret(self, name: str) -> str:
        """One credential ("" when not set): a `Secret`, whose repr hides it."""
        return (self.credentials or {}).get(name) or Secret("")

    @property
    def is_integrated(self) -> bool:
        return self.status == ConnectionStatus.INTEGRATED

    @property
    def is_syncable(self) -> bool:
        """Polling runs only for an active, integrated connection (Error pauses it)."""
        return self.is_active and self.is_integrated

    @property
    def status_reason_display(self) -> str:
        if self.status_reason in StatusReason.values:
            return str(StatusReason(self.status_reason).label)
        return self.status_reason

    @property
    def notify_mode(self) -> str:
        mode = (self.config or {}).get("notify_mode")
        return mode if mode in NotifyMode.values else NotifyMode.PER_SYNC


class SyncRun(BrandOwned):
    """One attempt to pull shipments from a platform: the run log on the settings page."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCESS = "success", _("Success")
        RETRYING = "retrying", _("Will retry")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")
        INTERRUPTED = "interrupted", _("Interrupted")

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.RUNNING)
    fetched = models.PositiveIntegerField(default=0)
    applied = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)  # recorded shipments corrected or voided
    unmatched = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["integration", "-started_at"], name="syncrun_recent_idx")]


class ShipmentAnnouncement(BrandOwned):
    """One "shipments synced" email (after a sync, or a daily digest) and the shipments it told.

    A platform shipment is announced once: it is recorded `awaiting_announcement`, and an
    announcement claims it (`integrations.announcements.announce_recorded`), so what an email
    tells comes from what is recorded, not from the memory of the run that recorded it. The
    counts are what the email said (a shipment voided since leaves its announcement).
    """

    class Kind(models.TextChoices):
        PER_SYNC = "per_sync", _("After a sync")
        DIGEST = "digest", _("Daily digest")

    platform = models.CharField(_("platform"), max_length=20, choices=platform_choices)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PER_SYNC)
    # A digest's period: its start (the last digest, or a day back; earlier if older shipments
    # were still waiting). Empty for a per-sync email.
    since = models.DateTimeField(null=True, blank=True)
    note_count = models.PositiveIntegerField(default=0)
    shipment_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("shipment announcement")
        verbose_name_plural = _("shipment announcements")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} {self.created_at:%Y-%m-%d %H:%M} ({self.kind})"


class PlatformOrder(BrandOwned):
    """A note handed to a platform as an order: how, and when (one per note and platform).

    It is also what keeps an order from being processed twice: a note the platform pulled is
    never pushed to it, and once in a platform's feed a note stays there, so every later change
    (cancelled or shipped included) reaches the platform.
    """

    class Route(models.TextChoices):
        PULLED = "pulled", _("Pulled by the platform")
        PUSHED = "pushed", _("Sent by Hakobu")

    note = models.ForeignKey(
        "delivery_notes.DeliveryNote", on_delete=models.CASCADE, related_name="platform_orders"
    )
    platform = models.CharField(_("platform"), max_length=20, choices=platform_choices)
    route = models.CharField(_("how"), max_length=10, choices=Route.choices)
    external_id = models.CharField(_("platform id"), max_length=100, blank=True)
    first_sent_at = models.DateTimeField(_("first sent"), default=timezone.now)
    last_sent_at = models.DateTimeField(_("last sent"), default=timezone.now)

    class Meta:
        verbose_name = _("order on a platform")
        verbose_name_plural = _("orders on platforms")
        constraints = [
            models.UniqueConstraint(fields=["note", "platform"], name="unique_platform_order")
        ]
        indexes = [models.Index(fields=["brand", "platform"], name="platformorder_brand_idx")]

    def __str__(self) -> str:
        return f"{self.platform} {self.note_id} ({self.route})"


class OutboundOrder(BrandOwned):
    """The outbox: one order Hakobu must send to a platform (one row per note, platform, action).

    `idempotency_key` is what the platform knows the order by (ShipStation's orderKey /
    external_shipment_id), so a retry after a crash updates or finds the order instead of
    creating a second one. A change to the note puts its row back to Pending.
    """

    class Action(models.TextChoices):
        PUSH = "push", _("Send the order")
        CANCEL = "cancel", _("Cancel the order")
        SHIP = "ship", _("Mark the order shipped")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        HELD = "held", _("Held")
        FAILED = "failed", _("Failed")

    note = models.ForeignKey(
        "delivery_notes.DeliveryNote", on_delete=models.CASCADE, related_name="outbound_orders"
    )
    platform = models.CharField(_("platform"), max_length=20, choices=platform_choices)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    #: Which part of the note the row sends: "" the whole note, else a platform's own key for a
    #: part of it (e.g. one shipment request), so one note can be several orders.
    part = models.CharField(max_length=40, blank=True, default="")
    idempotency_key = models.CharField(max_length=50)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    external_id = models.CharField(_("platform id"), max_length=100, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("outgoing order")
        verbose_name_plural = _("outgoing orders")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["note", "platform", "action", "part"], name="unique_outbound_order"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbound_due_idx"),
            models.Index(fields=["brand", "platform", "status"], name="outbound_brand_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.platform} {self.action} {self.note_id} ({self.status})"


class InboundCall(BrandOwned):
    """One call a platform made to the brand's inbound URL: when, what, how it ended.

    Never the credentials, the query string or the body (they may carry a password or a
    customer's address): the action, the outcome and a short message are enough to follow up.
    """

    class Outcome(models.TextChoices):
        OK = "ok", _("OK")
        DENIED = "denied", _("Refused: wrong user name or password")
        THROTTLED = "throttled", _("Refused: too many calls")
        REJECTED = "rejected", _("Refused: the request could not be used")
        ERROR = "error", _("Error")

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="calls")
    created_at = models.DateTimeField(default=timezone.now)
    action = models.CharField(_("action"), max_length=40, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"))
    message = models.CharField(_("details"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("inbound call")
        verbose_name_plural = _("inbound calls")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["integration", "-created_at"], name="inboundcall_recent_idx")
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.outcome} {self.created_at:%Y-%m-%d %H:%M}"


class UnmatchedShipment(BrandOwned):
    """A platform shipment whose reference matches no delivery note of this brand."""

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="unmatched_shipments"
    )
    external_id = models.CharField(max_length=100)
    reference = models.CharField(max_length=100, blank=True)
    tracking_numbers = models.JSONField(default=list, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-seen_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "external_id"], name="unique_unmatched_shipment"
            )
        ]
