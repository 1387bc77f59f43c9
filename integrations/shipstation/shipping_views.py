"""Method 3 pages: a note's rates (loaded in the background), buying, printing and voiding its
labels, and the same for a selection of notes from the list."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from brands.models import Role
from brands.permissions import role_required
from delivery_notes.models import DeliveryNote
from delivery_notes.selectors import selected_notes
from integrations.http import PlatformError
from integrations.shipstation.models import ShipstationLabel
from integrations.shipstation.services import load
from integrations.shipstation.shipping.labels import buy_label, label_pdf, void_label
from integrations.shipstation.shipping.pdfs import active_labels, merged_pdf
from integrations.shipstation.shipping.rates import ParcelChoice, ShippingUnavailable, note_rates

#: Most notes one selection page shows (each loads its own rates).
SELECTION_MAX = 50


def _note(pk: int) -> DeliveryNote:
    note = DeliveryNote.objects.filter(pk=pk).first()  # the brand's scope is on
    if note is None:
        raise Http404
    return note


def _number(value: str | None, *, positive: bool = True) -> Decimal | None:
    try:
        number = Decimal((value or "").strip().replace(",", "."))
    except InvalidOperation:
        return None
    return number if number.is_finite() and (number > 0 or not positive) else None


def parcel_choice(data: QueryDict) -> ParcelChoice:
    """The rates panel's parameters; anything unreadable falls back to the default."""
    weight = _number(data.get("weight"))
    sides = [_number(data.get(name)) for name in ("length", "width", "height")]
    picked = {
        int(key.removeprefix("line_")): int(value)
        for key, value in data.items()
        if key.startswith("line_") and key[5:].isdigit() and str(value).isdigit()
    }
    return ParcelChoice(
        weight_grams=int(weight) if weight else None,
        package_code=(data.get("package") or "").strip()[:50],
        dimensions_cm=tuple(sides) if all(sides) else None,  # type: ignore[arg-type]
        lines=picked if data.get("partial") and picked else None,
    )


def _back(request: HttpRequest, note: DeliveryNote) -> str:
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}):
        return wanted
    return reverse("note_detail", kwargs={"brand_slug": request.brand.slug, "pk": note.pk})


@require_GET
@role_required(Role.STAFF)
def rates(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    """The rates partial (htmx): every enabled carrier's, cheapest first, errors beside them."""
    note = _note(pk)
    choice = parcel_choice(request.GET)
    _integration, settings = load(request.brand)
    context = {
        "note": note,
        "params": request.GET,
        "next": request.GET.get("next", ""),
        "test_default": settings.test_labels,
    }
    try:
        context["result"] = note_rates(note, choice, fresh=bool(request.GET.get("refresh")))
    except ShippingUnavailable as exc:
        context["problem"] = str(exc)
    except PlatformError as exc:
        context["problem"] = _("ShipStation could not be asked for rates: %(error)s") % {
            "error": exc
        }
    return render(request, "integrations/shipstation/_rates.html", context)


@require_POST
@role_required(Role.STAFF)
def buy(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    """ "Create label" for the chosen rate."""
    note = _note(pk)
    try:
        label = buy_label(
            note,
            carrier_id=request.POST.get("carrier_id", ""),
            service_code=request.POST.get("service_code", ""),
            choice=parcel_choice(request.POST),
            test=bool(request.POST.get("test_label")),
            actor=request.user,
        )
    except ShippingUnavailable as exc:
        messages.error(request, str(exc))
    except PlatformError as exc:
        messages.error(request, _("ShipStation could not be reached: %(error)s") % {"error": exc})
    else:
        messages.success(
            request,
            _("Label created: %(carrier)s %(service)s, tracking %(tracking)s.")
            % {
                "carrier": label.carrier_name or label.carrier_code,
                "service": label.service_name or label.service_code,
                "tracking": label.tracking_number or "-",
            },
        )
    back = _back(request, note)
    return HttpResponseClientRedirect(back) if request.htmx else redirect(back)


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@role_required(Role.VIEWER)
def label_file(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    """One label's PDF, to members of the brand only (never public media)."""
    label = ShipstationLabel.objects.filter(pk=pk).exclude(status="pending").first()
    if label is None:
        raise Http404
    try:
        content = label_pdf(label)
    except PlatformError as exc:
        return HttpResponse(str(exc), status=502, content_type="text/plain; charset=utf-8")
    if not content:
        raise Http404
    return _pdf_response(content, f"label-{label.tracking_number or label.pk}.pdf")


@require_POST
@role_required(Role.STAFF)
def void(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    """ "Void label": ShipStation's approval voids the shipment; a refusal shows its words."""
    label = ShipstationLabel.objects.select_related("note").filter(pk=pk).first()
    if label is None:
        raise Http404
    try:
        approved, message = void_label(label, actor=request.user)
    except (ShippingUnavailable, PlatformError) as exc:
        approved, message = False, str(exc)
    if approved:
        messages.success(request, _("Label voided: %(message)s") % {"message": message or "-"})
    else:
        messages.error(
            request, _("ShipStation did not void the label: %(message)s") % {"message": message}
        )
    back = _back(request, label.note)
    return HttpResponseClientRedirect(back) if request.htmx else redirect(back)


def _selection_ids(data: QueryDict) -> list[int]:
    raw = ",".join(data.getlist("notes"))
    return [int(part) for part in raw.split(",") if part.strip().isdigit()][:SELECTION_MAX]


@role_required(Role.STAFF)
def selection(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """The list's "Rates and labels": each selected note with its rates and labels."""
    if request.method == "POST":
        ids = [note.pk for note in selected_notes(request.POST)[:SELECTION_MAX]]
        url = reverse("shipstation:label_selection", kwargs={"brand_slug": brand_slug})
        return redirect(f"{url}?notes={','.join(map(str, ids))}")
    ids = _selection_ids(request.GET)
    notes = list(DeliveryNote.objects.filter(pk__in=ids).order_by("number"))
    labels = active_labels([note.pk for note in notes])
    context = {
        "notes": notes,
        "labels": labels,
        "note_ids": ",".join(str(note.pk) for note in notes),
        "next": request.get_full_path(),
    }
    return render(request, "integrations/shipstation/label_selection.html", context)


@require_GET
@role_required(Role.VIEWER)
def merged(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """The active labels of the selected notes as one PDF, to print in one go."""
    labels = active_labels(_selection_ids(request.GET))
    if not labels:
        raise Http404
    try:
        content, _count = merged_pdf(labels)
    except PlatformError as exc:
        return HttpResponse(str(exc), status=502, content_type="text/plain; charset=utf-8")
    return _pdf_response(content, "labels.pdf")
