"""Buying a label for a note, resolving a purchase whose answer never came, and voiding it.

A purchase is written down (`ShipstationLabel`, status pending, with its reference) and committed
before ShipStation is asked. ShipStation's "no" marks it failed; an answer that never arrives (a
timeout, a 5xx, an unreadable body) leaves the outcome unknown, and the label is then looked up
by its reference — right away, and before the note's next purchase — so a bought label is always
recorded once and never bought twice. A bought label records its Shipment through the one
shipment-recording service with the label id and fields the ShipStation poll would read, so a
later poll or ship notice for the same label changes nothing.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from datetime import datetime

from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from brands.models import User
from delivery_notes import activity
from delivery_notes.models import DeliveryNote, Shipment
from delivery_notes.services import lock_note, log_activity, record_shipment, void_shipment
from integrations.http import (
    AuthRejected,
    MalformedResponse,
    PlatformError,
    PushRefused,
    TransientPlatformError,
)
from integrations.models import PlatformOrder
from integrations.shipstation import SHIPSTATION, facts
from integrations.shipstation.api.shipping import (
    BoughtLabel,
    Parcel,
    Purchase,
    Rate,
    download,
    make_shipping,
)
from integrations.shipstation.models import ShipstationLabel
from integrations.shipstation.shipping.rates import (
    ParcelChoice,
    ShippingUnavailable,
    build_parcel,
    find_rate,
    note_rates,
    shipping_settings,
)

logger = logging.getLogger(__name__)
Status = ShipstationLabel.Status
UNCERTAIN = (TransientPlatformError, MalformedResponse)


class LabelPending(ShippingUnavailable):
    """ShipStation's answer did not come and the label could not be looked up yet."""


@activity.register("shipstation_label")
def _label_created(data: Mapping) -> str:
    return _("Label created via ShipStation: %(carrier)s %(service)s, tracking %(tracking)s") % {
        "carrier": data.get("carrier") or "-",
        "service": data.get("service") or "-",
        "tracking": data.get("tracking") or "-",
    }


def new_reference(note: DeliveryNote) -> str:
    """`hk-<brand>-<note>-<random>`: unique per account, ≤ 50 characters, never reused."""
    return f"{facts.LABEL_REFERENCE_PREFIX}-{note.brand_id}-{note.pk}-{secrets.token_hex(6)}"


def _api(label: ShipstationLabel):
    integration, settings = shipping_settings(label.note.brand)
    return make_shipping(label.api_version, integration.credentials or {})


def buy_label(
    note: DeliveryNote,
    *,
    carrier_id: str,
    service_code: str,
    choice: ParcelChoice,
    test: bool,
    actor: User | None = None,
) -> ShipstationLabel:
    """Buy the chosen rate's label; the bought label, or ShippingUnavailable (why not)."""
    integration, settings = shipping_settings(note.brand)
    for pending in ShipstationLabel.objects.filter(note=note, status=Status.PENDING):
        resolve(pending)  # before any retry: a label in doubt may have been bought
    parcel, lines = build_parcel(note, settings, choice)
    rate = find_rate(note_rates(note, choice), carrier_id, service_code)
    if rate is None:
        raise ShippingUnavailable(_("This rate is no longer offered: get the rates again."))
    label = _start(note, settings.api_version, rate, parcel, choice, test, actor)
    api = make_shipping(label.api_version, integration.credentials or {})
    try:
        bought = api.buy(_purchase(label, note, rate, parcel, lines))
    except (PushRefused, AuthRejected) as exc:
        _fail(label, str(exc))
        raise ShippingUnavailable(
            _("ShipStation did not make the label: %(reason)s") % {"reason": exc}
        ) from exc
    except UNCERTAIN as exc:
        logger.warning("ShipStation label %s: outcome unknown (%s)", label.reference, exc)
        resolve(label, api=api, answered=True)
        label.refresh_from_db()
        if label.status == Status.PENDING:
            from integrations.shipstation.shipping.tasks import resolve_label

            brand_id, label_id = note.brand_id, label.pk
            transaction.on_commit(
                lambda: resolve_label.apply_async((brand_id, label_id), countdown=60)
            )
            raise LabelPending(
                _(
                    "ShipStation did not answer. Hakobu will look the label up before anything "
                    "is bought again: reload the page in a minute."
                )
            ) from exc
        if label.status == Status.FAILED:
            raise ShippingUnavailable(label.error) from exc
        return label
    finally:
        api.close()
    return finish(label, bought)


def _start(
    note: DeliveryNote,
    api_version: str,
    rate: Rate,
    parcel: Parcel,
    choice: ParcelChoice,
    test: bool,
    actor: User | None,
) -> ShipstationLabel:
    """The purchase, written down and committed before ShipStation is asked."""
    try:
        with transaction.atomic():
            lock_note(note)
            if not note.is_shippable:
                raise ShippingUnavailable(_("This delivery note can no longer be shipped."))
            return ShipstationLabel.objects.create(
                brand_id=note.brand_id,
                note=note,
                reference=new_reference(note),
                api_version=api_version,
                carrier_id=rate.carrier_id,
                carrier_code=rate.carrier_code,
                carrier_name=rate.carrier_name,
                service_code=rate.service_code,
                service_name=rate.service_name,
                package_code=parcel.package_code,
                quoted_cost=rate.cost,
                currency=rate.currency[:3],
                parcel={"weight_grams": parcel.weight_grams, "package": parcel.package_code},
                lines=None
                if choice.lines is None
                else {str(k): v for k, v in choice.lines.items()},
                test_label=test,
                created_by=actor,
            )
    except IntegrityError as exc:  # another person's purchase for this note is in doubt
        raise LabelPending(
            _("Another label for this delivery note is being bought: reload in a minute.")
        ) from exc


def _purchase(
    label: ShipstationLabel, note: DeliveryNote, rate: Rate, parcel: Parcel, lines: dict
) -> Purchase:
    names = dict(note.lines.values_list("id", "name"))
    skus = dict(note.lines.values_list("id", "sku"))
    items = [
        {
            facts.V2_LINE_KEY: str(line_id),
            "sku": skus.get(line_id) or "",
            "name": names.get(line_id) or "",
            "quantity": qty,
        }
        for line_id, qty in lines.items()
    ]
    return Purchase(
        rate=rate,
        parcel=parcel,
        reference=label.reference,
        number=note.number,
        items=items,
        test=label.test_label,
    )


def _fail(label: ShipstationLabel, reason: str) -> None:
    ShipstationLabel.objects.filter(pk=label.pk, status=Status.PENDING).update(
        status=Status.FAILED, error=reason[:2000], updated_at=timezone.now()
    )
    label.status, label.error = Status.FAILED, reason


def in_flight(label: ShipstationLabel) -> bool:
    """The purchase's own request may still be waiting for ShipStation (a double click, another
    person): not finding its label yet proves nothing."""
    age = (timezone.now() - _since(label)).total_seconds()
    return age < 2 * django_settings.PLATFORM_HTTP_TIMEOUT + facts.IN_FLIGHT_MARGIN_SECONDS


def resolve(label: ShipstationLabel, *, api=None, answered: bool = False) -> str:
    """Look a pending purchase up by its reference: bought → recorded, absent → failed, no
    answer → still pending. `answered`: the purchase's request is over (its caller knows), so
    a label not found was never made. Returns the status; safe to run twice at once."""
    if label.status != Status.PENDING:
        return label.status
    own = api is None
    api = api or _api(label)
    try:
        found = api.find(label.reference, since=_since(label))
    except PlatformError as exc:
        logger.info("ShipStation label %s still in doubt: %s", label.reference, exc)
        return Status.PENDING
    finally:
        if own:
            api.close()
    if found is None:
        if not answered and in_flight(label):
            return Status.PENDING
        _fail(
            label,
            _(
                "ShipStation's answer did not arrive and it holds no label for this purchase: "
                "nothing was bought. Check ShipStation's shipments, then try again."
            ),
        )
        return Status.FAILED
    return finish(label, found).status


def _since(label: ShipstationLabel) -> datetime:
    return label.created_at or timezone.now()


def _pdf(bought: BoughtLabel) -> bytes:
    if bought.pdf:
        return bought.pdf
    if bought.pdf_url:
        try:
            return download(bought.pdf_url)
        except PlatformError as exc:  # the label is bought all the same: fetched when opened
            logger.warning("ShipStation label PDF not fetched: %s", exc)
    return b""


def finish(label: ShipstationLabel, bought: BoughtLabel) -> ShipstationLabel:
    """Record a bought label once: its PDF, the note's Shipment and the activity entry."""
    pdf = _pdf(bought)
    note = label.note
    with transaction.atomic():
        current = ShipstationLabel.objects.select_for_update().get(pk=label.pk)
        if current.status == Status.BOUGHT:
            return current  # recorded by a concurrent resolve
        lines = {int(k): v for k, v in current.lines.items()} if current.lines else None
        carrier = bought.carrier_code or current.carrier_code
        service = bought.service_code or current.service_code
        tracking = [bought.tracking_number] if bought.tracking_number else []
        shipment = record_shipment(
            note,
            platform=SHIPSTATION,
            external_id=bought.label_id,
            carrier=carrier,
            service=service,
            tracking_numbers=tracking,
            shipped_on=bought.ship_date,
            cost=bought.cost,
            lines=lines,
            actor=current.created_by,
        )
        if shipment is None:  # already heard of through the poll or a ship notice
            shipment = Shipment.objects.filter(
                platform=SHIPSTATION, external_id=bought.label_id
            ).first()
        current.status = Status.BOUGHT
        current.label_id = bought.label_id
        current.tracking_number = bought.tracking_number
        current.carrier_code, current.service_code = carrier, service
        current.cost = bought.cost
        current.currency = (bought.currency or current.currency)[:3]
        current.pdf_url = bought.pdf_url[:500]
        current.shipment = shipment
        current.error = ""
        if pdf:
            current.pdf.save(f"{current.reference}.pdf", ContentFile(pdf), save=False)
        current.save()
        log_activity(
            note,
            "shipstation_label",
            actor=current.created_by,
            platform=SHIPSTATION,
            data={
                "carrier": current.carrier_name or carrier,
                "service": current.service_name or service,
                "tracking": bought.tracking_number,
                "cost": str(bought.cost) if bought.cost is not None else "",
                "test": current.test_label,
            },
        )
        if PlatformOrder.objects.filter(note=note, platform=SHIPSTATION).exists():
            from integrations.shipstation.shipping.tasks import mark_label_shipped

            transaction.on_commit(lambda: mark_label_shipped.delay(note.brand_id, current.pk))
    return current


def label_pdf(label: ShipstationLabel) -> bytes:
    """The stored PDF, fetched from ShipStation first when it could not be at purchase."""
    if not label.pdf and label.pdf_url:
        label.pdf.save(f"{label.reference}.pdf", ContentFile(download(label.pdf_url)))
    if not label.pdf:
        return b""
    with label.pdf.open("rb") as handle:
        return handle.read()


def void_label(label: ShipstationLabel, *, actor: User | None = None) -> tuple[bool, str]:
    """Ask ShipStation to void; on approval the shipment is voided (the note's status follows).
    Returns (approved, ShipStation's message)."""
    if label.status != Status.BOUGHT:
        return False, _("This label is not active.")
    api = _api(label)
    try:
        approved, message = api.void(label.label_id)
    except PushRefused as exc:
        return False, str(exc)
    finally:
        api.close()
    if not approved:
        return False, message or _("ShipStation refused to void the label.")
    with transaction.atomic():
        current = ShipstationLabel.objects.select_for_update().get(pk=label.pk)
        if current.status != Status.BOUGHT:
            return True, message
        current.status = Status.VOIDED
        current.save(update_fields=["status", "updated_at"])
        shipment = Shipment.objects.filter(pk=current.shipment_id).first()
        if shipment is not None:
            void_shipment(shipment, actor=actor)
    label.status = Status.VOIDED
    return True, message


__all__ = ["LabelPending", "buy_label", "finish", "label_pdf", "resolve", "void_label"]
